-- Retry-safe POSTs (Idempotency-Key): one row per caller, operation and key,
-- claimed before the write and completed in the write's own transaction.
CREATE TABLE idempotency_keys (
    caller_id TEXT NOT NULL,
    operation TEXT NOT NULL,
    idem_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    -- who holds an unfinished claim, and since when (a crashed holder's claim goes stale)
    claim_token TEXT NOT NULL,
    claimed_at TIMESTAMP NOT NULL,
    completed_at TIMESTAMP,
    response_status INTEGER,
    response_headers TEXT,
    response_body BYTEA,
    expires_at TIMESTAMP NOT NULL,
    PRIMARY KEY (caller_id, operation, idem_key)
);
CREATE INDEX idempotency_keys_expiry_idx ON idempotency_keys (expires_at);
