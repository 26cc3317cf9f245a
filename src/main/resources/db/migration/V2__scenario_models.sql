-- Models that users upload for a scenario (image-classification: their own ONNX file), content-addressed.
CREATE TABLE scenario_model (
    scenario_id  VARCHAR(64)  PRIMARY KEY REFERENCES scenario (id) ON DELETE CASCADE,
    sha256       CHAR(64)     NOT NULL,
    size_bytes   BIGINT       NOT NULL,
    content      BYTEA        NOT NULL,
    uploaded_at  TIMESTAMPTZ  NOT NULL
);
