-- Evaluations: a scenario version measured on labelled data. The data is kept (gzip JSON Lines) so another version
-- can be measured on exactly the same rows; items hold each row's expected and given answer for the comparison.
CREATE TABLE evaluation (
    id               BIGSERIAL    PRIMARY KEY,
    scenario_id      VARCHAR(64)  NOT NULL REFERENCES scenario (id) ON DELETE CASCADE,
    version          INTEGER      NOT NULL,
    status           VARCHAR(16)  NOT NULL,     -- running, done, failed, cancelled
    rows_total       INTEGER      NOT NULL,
    rows_done        INTEGER      NOT NULL DEFAULT 0,
    k                INTEGER,                   -- the cut-off of ranking metrics (recall@k, NDCG@k)
    data_sha256      CHAR(64)     NOT NULL,
    data             BYTEA        NOT NULL,
    metrics          JSONB,
    items            JSONB,
    error            TEXT,
    cancel_requested BOOLEAN      NOT NULL DEFAULT FALSE,
    created_by       VARCHAR(200),
    created_at       TIMESTAMPTZ  NOT NULL,
    updated_at       TIMESTAMPTZ  NOT NULL,
    finished_at      TIMESTAMPTZ
);
CREATE INDEX evaluation_scenario ON evaluation (scenario_id, id DESC);

-- Shadow mode: a candidate version answers live calls in the background next to the active one.
ALTER TABLE scenario ADD COLUMN shadow_version INTEGER;
ALTER TABLE scenario ADD COLUMN shadow_since TIMESTAMPTZ;

CREATE TABLE shadow_result (
    id                BIGSERIAL        PRIMARY KEY,
    scenario_id       VARCHAR(64)      NOT NULL REFERENCES scenario (id) ON DELETE CASCADE,
    active_version    INTEGER          NOT NULL,
    candidate_version INTEGER          NOT NULL,
    at                TIMESTAMPTZ      NOT NULL,
    agree             BOOLEAN,                  -- null when the candidate failed
    active_ms         DOUBLE PRECISION NOT NULL,
    candidate_ms      DOUBLE PRECISION,
    input             TEXT,                     -- a short form of the input (text, or "(image)")
    active_answer     TEXT,
    candidate_answer  TEXT,
    candidate_error   TEXT
);
CREATE INDEX shadow_result_scenario ON shadow_result (scenario_id, candidate_version, at);
