-- Scorecards (考核). A scheme — the weights (whole points adding up to 100)
-- and the two thresholds of one level — is kept as data: an edit adds a
-- version, and every version stays readable.
CREATE TABLE assessment_schemes (
    level TEXT NOT NULL,
    version INTEGER NOT NULL,
    -- JSON object: indicator code → whole points
    weights TEXT NOT NULL,
    commend_at INTEGER NOT NULL,
    review_below INTEGER NOT NULL,
    created_by TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (level, version)
);
INSERT INTO assessment_schemes (level, version, weights, commend_at, review_below, created_at) VALUES
('worker', 1, '{"resolution_rate":20,"on_time_closure":15,"no_rework":10,"satisfaction":20,"inspection_completion":10,"hazards_rectified_on_time":10,"policy_acknowledgement":5,"valid_report_rate":10}', 90, 60, CURRENT_TIMESTAMP),
('grid', 1, '{"resolution_rate":20,"on_time_closure":15,"no_rework":10,"satisfaction":20,"inspection_completion":10,"hazards_rectified_on_time":10,"policy_acknowledgement":5,"valid_report_rate":10}', 90, 60, CURRENT_TIMESTAMP),
('department', 1, '{"resolution_rate":35,"on_time_closure":30,"no_rework":15,"satisfaction":20}', 90, 60, CURRENT_TIMESTAMP);

-- A month's scorecards were computed at `computed_at`; once closed they
-- are a snapshot that later edits do not rewrite.
CREATE TABLE assessment_months (
    month TEXT PRIMARY KEY NOT NULL,
    computed_at TIMESTAMP NOT NULL,
    closed_at TIMESTAMP,
    closed_by TEXT REFERENCES users (id)
);

-- One subject's scorecard in a month: `position` is its place in the
-- ranking (ties by subject, the unranked last), the key pages are read by.
CREATE TABLE scorecards (
    month TEXT NOT NULL,
    level TEXT NOT NULL,
    position INTEGER NOT NULL,
    -- the grid the subject is assessed in; '' for departments
    grid_id TEXT NOT NULL,
    -- a user id (worker), grid id (grid) or department code
    subject_id TEXT NOT NULL,
    scheme_version INTEGER NOT NULL,
    -- JSON object: indicator code → [numerator, denominator]
    measures TEXT NOT NULL,
    total INTEGER,
    rank INTEGER,
    flag TEXT,
    PRIMARY KEY (month, level, position)
);
CREATE UNIQUE INDEX scorecards_subject_idx ON scorecards (month, level, subject_id, grid_id);
CREATE INDEX scorecards_grid_idx ON scorecards (month, level, grid_id, position);
