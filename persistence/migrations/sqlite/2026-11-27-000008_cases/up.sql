-- Cases: a problem from discovery to evaluation. The state machine and the
-- deadlines are the domain's; these rows hold where each case stands, who
-- it is with, and its timeline.
CREATE TABLE cases (
    id TEXT PRIMARY KEY NOT NULL,
    grid_id TEXT NOT NULL REFERENCES grids (id),
    category_code TEXT NOT NULL REFERENCES case_categories (code),
    severity TEXT NOT NULL,
    source TEXT NOT NULL,
    state TEXT NOT NULL,
    level TEXT NOT NULL,
    description TEXT NOT NULL,
    lat REAL,
    lng REAL,
    enterprise_id TEXT REFERENCES enterprises (id),
    reporter_id TEXT REFERENCES users (id),
    -- the grid worker a case was dispatched to
    assignee_id TEXT REFERENCES users (id),
    rework_count INTEGER NOT NULL,
    reopened BOOLEAN NOT NULL DEFAULT 0,
    satisfaction TEXT,
    merged_into TEXT REFERENCES cases (id),
    -- SHA-256 of what created it: an offline resend with the same id compares it
    fingerprint TEXT NOT NULL,
    reported_at TIMESTAMP NOT NULL,
    accept_due_at TIMESTAMP NOT NULL,
    report_in_due_at TIMESTAMP,
    resolve_due_at TIMESTAMP NOT NULL,
    accepted_at TIMESTAMP,
    dispatched_at TIMESTAMP,
    resolved_at TIMESTAMP,
    closed_at TIMESTAMP,
    held_at TIMESTAMP,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL
);
CREATE INDEX cases_grid_idx ON cases (grid_id, id);
CREATE INDEX cases_state_idx ON cases (state, id);
CREATE INDEX cases_reporter_idx ON cases (reporter_id, id);
CREATE INDEX cases_category_idx ON cases (category_code, reported_at);

-- the departments a case is dispatched to: one lead, any number assisting
CREATE TABLE case_departments (
    case_id TEXT NOT NULL REFERENCES cases (id),
    department_code TEXT NOT NULL REFERENCES departments (code),
    lead BOOLEAN NOT NULL,
    dispatched_at TIMESTAMP NOT NULL,
    reported_in_at TIMESTAMP,
    PRIMARY KEY (case_id, department_code)
);
CREATE INDEX case_departments_department_idx ON case_departments (department_code, case_id);

-- every transition, append-only
CREATE TABLE case_timeline (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id),
    occurred_at TIMESTAMP NOT NULL,
    actor_id TEXT,
    actor_role TEXT,
    action TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT NOT NULL,
    level TEXT NOT NULL,
    note TEXT,
    -- attachment ids, comma-separated
    attachments TEXT NOT NULL,
    visibility TEXT NOT NULL
);
CREATE INDEX case_timeline_case_idx ON case_timeline (case_id, id);
