-- Interaction events of recommendation scenarios (views, purchases, ratings ...), append-only. seq orders them and
-- serves as the event log's revision; event_id (optional, from the caller) makes a retried append idempotent.
CREATE TABLE interaction_event (
    seq          BIGSERIAL     PRIMARY KEY,
    scenario_id  VARCHAR(64)   NOT NULL REFERENCES scenario (id) ON DELETE CASCADE,
    event_id     VARCHAR(200),
    user_id      VARCHAR(200)  NOT NULL,
    item_id      VARCHAR(200)  NOT NULL,
    type         VARCHAR(64)   NOT NULL,
    weight       REAL          NOT NULL,
    occurred_at  TIMESTAMPTZ   NOT NULL,
    received_at  TIMESTAMPTZ   NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX interaction_event_idempotency ON interaction_event (scenario_id, event_id) WHERE event_id IS NOT NULL;
CREATE INDEX interaction_event_by_user ON interaction_event (scenario_id, user_id);
CREATE INDEX interaction_event_by_seq ON interaction_event (scenario_id, seq);
