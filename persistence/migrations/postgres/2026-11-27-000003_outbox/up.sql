-- Events of every change, written in the transaction of the change, for
-- delivery (webhooks, integrators) by a later job.
CREATE TABLE outbox_events (
    id TEXT PRIMARY KEY NOT NULL,
    occurred_at TIMESTAMP NOT NULL,
    event_type TEXT NOT NULL,
    aggregate_type TEXT NOT NULL,
    aggregate_id TEXT NOT NULL,
    payload TEXT NOT NULL,
    request_id TEXT,
    delivered_at TIMESTAMP
);
-- the delivery job reads undelivered events in id (time) order
CREATE INDEX outbox_events_pending_idx ON outbox_events (id) WHERE delivered_at IS NULL;
CREATE INDEX outbox_events_aggregate_idx ON outbox_events (aggregate_id, id);
