-- Scenarios: one row per scenario, pointing at its active and latest immutable version.
CREATE TABLE scenario (
    id              VARCHAR(64)  PRIMARY KEY,
    template        VARCHAR(64)  NOT NULL,
    active_version  INTEGER      NOT NULL,
    latest_version  INTEGER      NOT NULL,
    created_at      TIMESTAMPTZ  NOT NULL,
    updated_at      TIMESTAMPTZ  NOT NULL,
    lock_version    INTEGER      NOT NULL DEFAULT 0
);

-- Every save of a scenario is a new immutable version; rollback activates an older one.
CREATE TABLE scenario_version (
    scenario_id  VARCHAR(64)  NOT NULL REFERENCES scenario (id) ON DELETE CASCADE,
    version      INTEGER      NOT NULL,
    name         VARCHAR(200) NOT NULL,
    description  TEXT,
    config       JSONB        NOT NULL,
    created_at   TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (scenario_id, version)
);

-- Datasets a scenario owns (faq, examples, ...); an upload replaces all rows atomically and bumps the revision.
CREATE TABLE dataset (
    scenario_id  VARCHAR(64)  NOT NULL REFERENCES scenario (id) ON DELETE CASCADE,
    name         VARCHAR(64)  NOT NULL,
    revision     BIGINT       NOT NULL,
    row_count    INTEGER      NOT NULL,
    updated_at   TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (scenario_id, name)
);

CREATE TABLE dataset_row (
    scenario_id  VARCHAR(64)  NOT NULL,
    name         VARCHAR(64)  NOT NULL,
    row_no       INTEGER      NOT NULL,
    data         JSON         NOT NULL,  -- JSON (not JSONB) keeps the column order of the upload
    PRIMARY KEY (scenario_id, name, row_no),
    FOREIGN KEY (scenario_id, name) REFERENCES dataset (scenario_id, name) ON DELETE CASCADE
);

-- Content-addressed embedding store: (model, SHA-256 of the exact text embedded) -> float32 vector,
-- so datasets and config examples are not re-embedded after a restart or on another replica.
CREATE TABLE embedding (
    model       VARCHAR(64)  NOT NULL,
    text_sha256 CHAR(64)     NOT NULL,
    dimensions  INTEGER      NOT NULL,
    vector      BYTEA        NOT NULL,
    created_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
    PRIMARY KEY (model, text_sha256)
);
