-- Photos. The bytes live in the object store under the row's id; the row
-- says whose they are and what they belong to. An upload not yet attached
-- to a case is its uploader's alone and expires (`expires_at`); attaching
-- it clears the expiry and names the case and the timeline entry.
CREATE TABLE attachments (
    id TEXT PRIMARY KEY NOT NULL,
    uploader_id TEXT NOT NULL REFERENCES users (id),
    content_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    -- SHA-256 of the stored bytes (after metadata removal), hex
    sha256 TEXT NOT NULL,
    case_id TEXT REFERENCES cases (id),
    timeline_id TEXT REFERENCES case_timeline (id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP
);
CREATE INDEX attachments_case_idx ON attachments (case_id);
CREATE INDEX attachments_expiry_idx ON attachments (expires_at);
CREATE INDEX attachments_uploader_idx ON attachments (uploader_id, sha256);
