-- One row per call of POST /api/scenarios/{id}/invoke or /invoke-batch, written in batches off the request path.
CREATE TABLE invoke_usage (
    id           BIGSERIAL    PRIMARY KEY,
    scenario_id  VARCHAR(64)  NOT NULL,
    version      INTEGER,
    status       SMALLINT     NOT NULL,
    millis       REAL         NOT NULL,
    input_bytes  BIGINT       NOT NULL,
    api_key      VARCHAR(100),
    at           TIMESTAMPTZ  NOT NULL
);
CREATE INDEX invoke_usage_scenario_at ON invoke_usage (scenario_id, at);
