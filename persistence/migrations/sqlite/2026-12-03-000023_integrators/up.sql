-- Outside systems (courier platforms) acting through keys an admin gave
-- them, within the scopes the admin chose.
CREATE TABLE integrators (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    -- comma-separated scope codes (domain::integrator::IntegratorScopes)
    scopes TEXT NOT NULL,
    disabled BOOLEAN NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL
);
CREATE UNIQUE INDEX integrators_name_idx ON integrators (name);

-- Only the SHA-256 of a key's secret is kept. A rotation sets the old
-- keys' expires_at to the end of the overlap; NULL: no end.
CREATE TABLE integrator_keys (
    id TEXT PRIMARY KEY NOT NULL,
    integrator_id TEXT NOT NULL REFERENCES integrators (id),
    key_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP,
    revoked_at TIMESTAMP,
    last_used_at TIMESTAMP
);
CREATE INDEX integrator_keys_integrator_idx ON integrator_keys (integrator_id, id);

-- A rider an integrator enrols as a mobile grid worker, pending until a
-- grid leader or zone officer of the grid decides; approval links the
-- person, the account and the assignment it made.
CREATE TABLE enrolments (
    id TEXT PRIMARY KEY NOT NULL,
    integrator_id TEXT NOT NULL REFERENCES integrators (id),
    grid_id TEXT NOT NULL REFERENCES grids (id),
    platform_rider_id TEXT NOT NULL,
    name TEXT NOT NULL,
    mobile TEXT NOT NULL,
    -- when the rider consented to the use of their location (PIPL art. 28)
    location_consent_at TIMESTAMP NOT NULL,
    state TEXT NOT NULL,
    reason TEXT,
    decided_by TEXT REFERENCES users (id),
    decided_at TIMESTAMP,
    withdrawn_at TIMESTAMP,
    person_id TEXT REFERENCES people (id),
    user_id TEXT REFERENCES users (id),
    assignment_id TEXT REFERENCES assignments (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL
);
-- one open enrolment per rider and platform
CREATE UNIQUE INDEX enrolments_open_rider_idx ON enrolments (integrator_id, platform_rider_id)
    WHERE state IN ('pending', 'approved');
CREATE INDEX enrolments_integrator_idx ON enrolments (integrator_id, id);
CREATE INDEX enrolments_grid_idx ON enrolments (grid_id, state, id);
CREATE INDEX enrolments_state_idx ON enrolments (state, id);
CREATE INDEX enrolments_user_idx ON enrolments (user_id);

-- the audit log names the integrator an action was taken by or through
ALTER TABLE audit_log ADD COLUMN actor_integrator_id TEXT;
CREATE INDEX audit_log_integrator_idx ON audit_log (actor_integrator_id, id);
