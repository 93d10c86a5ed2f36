-- Heart-to-heart talks (谈心谈话): a grid worker's talk with someone at
-- risk of a dispute, with a risk level; who was talked with and what was
-- said are restricted like a dispute's parties.
CREATE TABLE talks (
    id TEXT PRIMARY KEY NOT NULL,
    grid_id TEXT NOT NULL REFERENCES grids (id),
    enterprise_id TEXT REFERENCES enterprises (id),
    dispute_id TEXT REFERENCES disputes (id),
    held_on DATE NOT NULL,
    topic TEXT NOT NULL,
    subject TEXT NOT NULL,
    notes TEXT NOT NULL,
    risk TEXT NOT NULL,
    follow_up_on DATE,
    talker_id TEXT NOT NULL REFERENCES users (id),
    fingerprint TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX talks_grid_idx ON talks (grid_id, id);
CREATE INDEX talks_follow_up_idx ON talks (follow_up_on);
CREATE INDEX talks_held_idx ON talks (held_on);
