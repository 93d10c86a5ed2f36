-- Policy publicity (政策宣传): policies targeted to grids (each with its
-- subtree), grid roles and industry sections; read receipts; briefings.
CREATE TABLE policies (
    id TEXT PRIMARY KEY NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    body TEXT NOT NULL,
    source_level TEXT NOT NULL,
    effective_on DATE NOT NULL,
    tags TEXT NOT NULL,
    industries TEXT NOT NULL,
    roles TEXT NOT NULL,
    zone_wide BOOLEAN NOT NULL,
    published_by TEXT REFERENCES users (id),
    fingerprint TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX policies_zone_wide_idx ON policies (zone_wide, id);

-- The grids a policy targets, with their codes, so a person's policies are
-- found from the prefixes of their grids' codes.
CREATE TABLE policy_grids (
    policy_id TEXT NOT NULL REFERENCES policies (id),
    grid_id TEXT NOT NULL REFERENCES grids (id),
    grid_code TEXT NOT NULL,
    PRIMARY KEY (policy_id, grid_id)
);
CREATE INDEX policy_grids_code_idx ON policy_grids (grid_code, policy_id);

CREATE TABLE policy_acknowledgements (
    policy_id TEXT NOT NULL REFERENCES policies (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    acknowledged_at TIMESTAMP NOT NULL,
    PRIMARY KEY (policy_id, user_id)
);
CREATE INDEX policy_acknowledgements_user_idx ON policy_acknowledgements (user_id, policy_id);

CREATE TABLE policy_briefings (
    id TEXT PRIMARY KEY NOT NULL,
    policy_id TEXT NOT NULL REFERENCES policies (id),
    grid_id TEXT NOT NULL REFERENCES grids (id),
    held_on DATE NOT NULL,
    attendee_count INTEGER NOT NULL,
    notes TEXT,
    attachments TEXT NOT NULL,
    created_by TEXT REFERENCES users (id),
    fingerprint TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX policy_briefings_policy_idx ON policy_briefings (policy_id, id);
