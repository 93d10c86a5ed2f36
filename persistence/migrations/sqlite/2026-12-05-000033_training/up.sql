-- Training (培训): courses, the sessions they are held in, and the records
-- of who completed which. A record passes when its course has no pass mark
-- or its score reaches it; `passed` is kept so that the pre-job gate and
-- coverage read one index.
CREATE TABLE training_courses (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT,
    hours INTEGER,
    pass_score INTEGER,
    archived_at TIMESTAMP,
    created_by TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL
);

CREATE TABLE training_sessions (
    id TEXT PRIMARY KEY NOT NULL,
    course_id TEXT NOT NULL REFERENCES training_courses (id),
    starts_at TIMESTAMP NOT NULL,
    place TEXT,
    -- the grid it was held for; none: zone-wide
    grid_id TEXT REFERENCES grids (id),
    trainer TEXT,
    created_by TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX training_sessions_course_idx ON training_sessions (course_id, id);

CREATE TABLE training_records (
    id TEXT PRIMARY KEY NOT NULL,
    person_id TEXT NOT NULL REFERENCES people (id),
    course_id TEXT NOT NULL REFERENCES training_courses (id),
    course_kind TEXT NOT NULL,
    session_id TEXT REFERENCES training_sessions (id),
    completed_at TIMESTAMP NOT NULL,
    score INTEGER,
    passed BOOLEAN NOT NULL,
    recorded_by TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
-- one completion of a course by a person at a time: a resend is refused
CREATE UNIQUE INDEX training_records_once_idx ON training_records (person_id, course_id, completed_at);
-- a person's records by id (creation order), for their pages
CREATE INDEX training_records_person_idx ON training_records (person_id, id);
-- the gate and coverage: (person, kind, passed, when)
CREATE INDEX training_records_passed_idx ON training_records (person_id, course_kind, passed, completed_at);
