-- Social organisations (工会、共青团、妇联、签约社会组织) and their members,
-- who may serve grids as part-time or mobile workers.
CREATE TABLE organisations (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    contact TEXT,
    created_by TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL
);

CREATE TABLE organisation_members (
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    person_id TEXT NOT NULL REFERENCES people (id),
    joined_on DATE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (organisation_id, person_id)
);
CREATE INDEX organisation_members_person_idx ON organisation_members (person_id);

-- contributions count a member's inspections by inspector
CREATE INDEX inspections_inspector_idx ON inspections (inspector_id, finished_at);
