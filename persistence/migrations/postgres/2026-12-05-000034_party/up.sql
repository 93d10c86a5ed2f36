-- Party building on grids (网格党建). A branch is attached to a grid and
-- covers its subtree; `grid_code` is kept so coverage reads codes only.
CREATE TABLE party_branches (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    grid_id TEXT NOT NULL REFERENCES grids (id),
    grid_code TEXT NOT NULL,
    founded_on DATE,
    created_by TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL
);
CREATE INDEX party_branches_grid_idx ON party_branches (grid_id, id);
CREATE INDEX party_branches_code_idx ON party_branches (grid_code);

CREATE TABLE party_members (
    branch_id TEXT NOT NULL REFERENCES party_branches (id),
    person_id TEXT NOT NULL REFERENCES people (id),
    role TEXT NOT NULL,
    joined_on DATE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (branch_id, person_id)
);
CREATE INDEX party_members_person_idx ON party_members (person_id);

-- 发展对象: nominated from a closed month in which the worker was commended
CREATE TABLE party_candidates (
    id TEXT PRIMARY KEY NOT NULL,
    branch_id TEXT NOT NULL REFERENCES party_branches (id),
    person_id TEXT NOT NULL REFERENCES people (id),
    period TEXT NOT NULL,
    reason TEXT,
    nominated_by TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX party_candidates_once_idx ON party_candidates (branch_id, person_id);

CREATE TABLE party_activities (
    id TEXT PRIMARY KEY NOT NULL,
    branch_id TEXT NOT NULL REFERENCES party_branches (id),
    title TEXT NOT NULL,
    held_on DATE NOT NULL,
    place TEXT,
    attendee_count INTEGER NOT NULL,
    created_by TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX party_activities_branch_idx ON party_activities (branch_id, id);

CREATE TABLE party_attendance (
    activity_id TEXT NOT NULL REFERENCES party_activities (id),
    person_id TEXT NOT NULL REFERENCES people (id),
    PRIMARY KEY (activity_id, person_id)
);
