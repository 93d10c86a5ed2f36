-- Information collection (人、地、事、物): every version of an enterprise's
-- dynamic profile (the content as JSON, what changed from the version
-- before, who and when), visits to enterprises, and the last visit's time
-- on the enterprise, which makes it stale when long past.
CREATE TABLE enterprise_profiles (
    enterprise_id TEXT NOT NULL REFERENCES enterprises (id),
    version INTEGER NOT NULL,
    content TEXT NOT NULL,
    changes TEXT NOT NULL,
    edited_by TEXT REFERENCES users (id),
    edited_at TIMESTAMP NOT NULL,
    PRIMARY KEY (enterprise_id, version)
);

ALTER TABLE enterprises ADD COLUMN last_verified_at TIMESTAMP;
CREATE INDEX enterprises_verified_idx ON enterprises (last_verified_at);

CREATE TABLE enterprise_visits (
    id TEXT PRIMARY KEY NOT NULL,
    enterprise_id TEXT NOT NULL REFERENCES enterprises (id),
    visitor_id TEXT NOT NULL REFERENCES users (id),
    visited_at TIMESTAMP NOT NULL,
    purpose TEXT NOT NULL,
    findings TEXT NOT NULL,
    lat REAL,
    lng REAL,
    -- attachment ids, comma-separated
    attachments TEXT NOT NULL,
    -- SHA-256 of what created it: an offline resend with the same id compares it
    fingerprint TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX enterprise_visits_enterprise_idx ON enterprise_visits (enterprise_id, visited_at, id);

-- photos of records other than cases (a visit, later inspections, hazards, …)
ALTER TABLE attachments ADD COLUMN owner_type TEXT;
ALTER TABLE attachments ADD COLUMN owner_id TEXT;
CREATE INDEX attachments_owner_idx ON attachments (owner_id);
