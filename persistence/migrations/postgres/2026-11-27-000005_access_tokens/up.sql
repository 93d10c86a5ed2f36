-- Personal access tokens for scripts: only the SHA-256 of the secret is kept.
-- `roles` NULL means all of the owner's roles; a stored list is a ceiling,
-- intersected with the owner's roles on every request.
CREATE TABLE access_tokens (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    roles TEXT,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX access_tokens_user_idx ON access_tokens (user_id, id);
-- the audit log names the token an action was taken with
ALTER TABLE audit_log ADD COLUMN actor_token_id TEXT;
