-- Inspections submitted (answers against the template version they used,
-- kept as JSON), and the hazards their failed items opened; a hazard
-- overdue for rectification becomes a case, linked both ways.
CREATE TABLE inspections (
    id TEXT PRIMARY KEY NOT NULL,
    template_id TEXT NOT NULL REFERENCES inspection_templates (id),
    template_version INTEGER NOT NULL,
    occurrence_id TEXT REFERENCES inspection_occurrences (id),
    grid_id TEXT NOT NULL REFERENCES grids (id),
    enterprise_id TEXT REFERENCES enterprises (id),
    inspector_id TEXT NOT NULL REFERENCES users (id),
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP NOT NULL,
    lat REAL,
    lng REAL,
    answers TEXT NOT NULL,
    failed_count INTEGER NOT NULL,
    on_time BOOLEAN,
    -- SHA-256 of what created it: an offline resend with the same id compares it
    fingerprint TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX inspections_grid_idx ON inspections (grid_id, finished_at, id);
CREATE INDEX inspections_finished_idx ON inspections (finished_at, id);
CREATE INDEX inspections_occurrence_idx ON inspections (occurrence_id);

CREATE TABLE hazards (
    id TEXT PRIMARY KEY NOT NULL,
    inspection_id TEXT NOT NULL REFERENCES inspections (id),
    item_key TEXT NOT NULL,
    grid_id TEXT NOT NULL REFERENCES grids (id),
    enterprise_id TEXT REFERENCES enterprises (id),
    severity TEXT NOT NULL,
    state TEXT NOT NULL,
    description TEXT NOT NULL,
    rectify_due_at TIMESTAMP NOT NULL,
    responsible_person_id TEXT REFERENCES people (id),
    case_id TEXT REFERENCES cases (id),
    rectified_at TIMESTAMP,
    verified_at TIMESTAMP,
    evidence TEXT NOT NULL,
    note TEXT,
    reopened_count INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL
);
CREATE INDEX hazards_grid_idx ON hazards (grid_id, id);
CREATE INDEX hazards_state_idx ON hazards (state, rectify_due_at);
CREATE INDEX hazards_inspection_idx ON hazards (inspection_id);
CREATE INDEX hazards_created_idx ON hazards (created_at);
-- the inspection KPIs read occurrences by window close
CREATE INDEX inspection_occurrences_closes_idx ON inspection_occurrences (closes_at);

ALTER TABLE cases ADD COLUMN hazard_id TEXT REFERENCES hazards (id);
