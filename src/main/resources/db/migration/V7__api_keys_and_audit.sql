-- API keys for calling scenarios (and, with is_admin, the admin API). Only a SHA-256 of the secret is kept.
CREATE TABLE api_key (
    id              VARCHAR(20)   PRIMARY KEY,           -- public part, shown in lists and usage: 'k_' + 8 hex
    name            VARCHAR(200)  NOT NULL,
    secret_sha256   VARCHAR(64)   NOT NULL UNIQUE,       -- hex SHA-256 of the whole key
    scenarios       TEXT,                                -- comma-separated scenario ids (at most 100); NULL: every scenario
    is_admin        BOOLEAN       NOT NULL DEFAULT FALSE,
    rate_per_second DOUBLE PRECISION,                    -- NULL: aifunc.rate-limit defaults
    burst           INTEGER,
    daily_quota     BIGINT,                              -- calls per UTC day; NULL: none
    created_at      TIMESTAMPTZ   NOT NULL,
    created_by      VARCHAR(100)  NOT NULL,
    revoked_at      TIMESTAMPTZ,
    revoked_by      VARCHAR(100)
);

-- Who changed what, when: scenario saves, rollbacks, deletes, dataset uploads, model uploads, key changes.
CREATE TABLE audit_event (
    id          BIGSERIAL     PRIMARY KEY,
    at          TIMESTAMPTZ   NOT NULL,
    actor       VARCHAR(100)  NOT NULL,                  -- admin user name, 'key:k_…', or 'local' with auth off
    action      VARCHAR(40)   NOT NULL,                  -- e.g. scenario.create, scenario.activate, key.revoke
    scenario_id VARCHAR(64),
    version     INTEGER,
    detail      VARCHAR(2000)
);
CREATE INDEX audit_event_scenario_at ON audit_event (scenario_id, at);
CREATE INDEX audit_event_at ON audit_event (at);

-- Rate-limit buckets shared by replicas when aifunc.rate-limit.store=postgresql (Bucket4j's JDBC layout).
CREATE TABLE rate_limit_bucket (
    id         BIGINT PRIMARY KEY,
    state      BYTEA,
    expires_at BIGINT
);

-- The method name generated clients give each scenario (POST /api/scenarios/{id}/invoke's operationId): chosen once,
-- at creation, so it never moves to another scenario; unique ignoring case (class names on case-blind file systems).
ALTER TABLE scenario ADD COLUMN operation_id VARCHAR(100);
CREATE UNIQUE INDEX scenario_operation_id ON scenario (lower(operation_id));
