-- Inspection schedules (排查计划): a template inspected in a grid or an
-- enterprise on a recurrence, within a window of local time, by a person or
-- a role of the grid; and the occurrences the sweeper makes of them, one
-- per window (unique per schedule and opening time, however many
-- instances sweep), moving due → overdue → missed unless done.
CREATE TABLE inspection_schedules (
    id TEXT PRIMARY KEY NOT NULL,
    template_id TEXT NOT NULL REFERENCES inspection_templates (id),
    grid_id TEXT NOT NULL REFERENCES grids (id),
    enterprise_id TEXT REFERENCES enterprises (id),
    recurrence TEXT NOT NULL,
    starts_on DATE NOT NULL,
    ends_on DATE,
    opens_at TEXT NOT NULL,
    window_hours INTEGER NOT NULL,
    grace_hours INTEGER NOT NULL,
    assignee_user_id TEXT REFERENCES users (id),
    assignee_role TEXT,
    materialized_until TIMESTAMP,
    archived_at TIMESTAMP,
    created_by TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL
);
CREATE INDEX inspection_schedules_grid_idx ON inspection_schedules (grid_id, id);
CREATE INDEX inspection_schedules_due_idx ON inspection_schedules (materialized_until);

CREATE TABLE inspection_occurrences (
    id TEXT PRIMARY KEY NOT NULL,
    schedule_id TEXT NOT NULL REFERENCES inspection_schedules (id),
    template_id TEXT NOT NULL REFERENCES inspection_templates (id),
    grid_id TEXT NOT NULL REFERENCES grids (id),
    enterprise_id TEXT REFERENCES enterprises (id),
    assignee_user_id TEXT REFERENCES users (id),
    assignee_role TEXT,
    opens_at TIMESTAMP NOT NULL,
    closes_at TIMESTAMP NOT NULL,
    missed_at TIMESTAMP NOT NULL,
    state TEXT NOT NULL,
    inspection_id TEXT,
    done_at TIMESTAMP,
    on_time BOOLEAN,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX inspection_occurrences_once_idx ON inspection_occurrences (schedule_id, opens_at);
CREATE INDEX inspection_occurrences_state_idx ON inspection_occurrences (state, closes_at);
CREATE INDEX inspection_occurrences_grid_idx ON inspection_occurrences (grid_id, closes_at, id);
CREATE INDEX inspection_occurrences_assignee_idx ON inspection_occurrences (assignee_user_id, closes_at, id);
