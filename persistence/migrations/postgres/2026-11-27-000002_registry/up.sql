-- Zone registry: grids (a tree), enterprises, people, assignments.
CREATE TABLE enterprises (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    uscc TEXT UNIQUE,
    industry_section TEXT,
    industry_text TEXT,
    employee_count INTEGER,
    address TEXT,
    lat DOUBLE PRECISION,
    lng DOUBLE PRECISION,
    principal_person_id TEXT,
    production_characteristics TEXT,
    flags TEXT NOT NULL DEFAULT '',
    grid_id TEXT,
    archived_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX enterprises_grid_idx ON enterprises (grid_id);
CREATE INDEX enterprises_name_idx ON enterprises (name);

CREATE TABLE grids (
    id TEXT PRIMARY KEY NOT NULL,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    parent_id TEXT REFERENCES grids(id),
    enterprise_id TEXT REFERENCES enterprises(id),
    description TEXT,
    boundary TEXT,
    min_lng DOUBLE PRECISION,
    min_lat DOUBLE PRECISION,
    max_lng DOUBLE PRECISION,
    max_lat DOUBLE PRECISION,
    next_child_seq INTEGER NOT NULL DEFAULT 0,
    placard_token TEXT UNIQUE,
    placard_published_at TIMESTAMP,
    archived_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX grids_parent_idx ON grids (parent_id, code);
CREATE INDEX grids_enterprise_idx ON grids (enterprise_id);
CREATE INDEX grids_bbox_idx ON grids (min_lng, max_lng);
-- one zone root per deployment
CREATE UNIQUE INDEX grids_one_zone ON grids (kind)
    WHERE kind = 'zone' AND archived_at IS NULL;
-- an enterprise has exactly one (active) enterprise grid
CREATE UNIQUE INDEX grids_one_enterprise_grid ON grids (enterprise_id)
    WHERE kind = 'enterprise' AND archived_at IS NULL;

CREATE TABLE people (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    mobile TEXT,
    work_phone TEXT,
    id_card_hash TEXT UNIQUE,
    id_card_last4 TEXT,
    party_member BOOLEAN NOT NULL DEFAULT FALSE,
    user_id TEXT UNIQUE REFERENCES users(id),
    grid_id TEXT REFERENCES grids(id),
    placard_consent BOOLEAN NOT NULL DEFAULT FALSE,
    placard_consent_at TIMESTAMP,
    archived_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX people_grid_idx ON people (grid_id);

CREATE TABLE assignments (
    id TEXT PRIMARY KEY NOT NULL,
    grid_id TEXT NOT NULL REFERENCES grids(id),
    person_id TEXT NOT NULL REFERENCES people(id),
    role TEXT NOT NULL,
    started_at TIMESTAMP NOT NULL,
    ended_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX assignments_grid_idx ON assignments (grid_id, ended_at);
CREATE INDEX assignments_person_idx ON assignments (person_id, ended_at);
CREATE UNIQUE INDEX assignments_one_leader ON assignments (grid_id)
    WHERE role = 'grid_leader' AND ended_at IS NULL;
CREATE UNIQUE INDEX assignments_no_duplicate ON assignments (grid_id, person_id, role)
    WHERE ended_at IS NULL;

ALTER TABLE enterprises ADD CONSTRAINT enterprises_grid_fk FOREIGN KEY (grid_id) REFERENCES grids(id);
ALTER TABLE enterprises ADD CONSTRAINT enterprises_principal_fk FOREIGN KEY (principal_person_id) REFERENCES people(id);
