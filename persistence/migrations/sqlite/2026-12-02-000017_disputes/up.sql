-- Dispute mediation (矛盾调解): disputes with their parties (restricted),
-- mediation sessions (notes restricted), outcomes (an escalated dispute
-- opens a case of its category) and follow-ups; heart-to-heart talks
-- (谈心谈话) with a risk level.
CREATE TABLE disputes (
    id TEXT PRIMARY KEY NOT NULL,
    grid_id TEXT NOT NULL REFERENCES grids (id),
    enterprise_id TEXT REFERENCES enterprises (id),
    category_code TEXT NOT NULL REFERENCES case_categories (code),
    summary TEXT NOT NULL,
    parties TEXT NOT NULL,
    amount_yuan REAL,
    employees_involved INTEGER NOT NULL,
    mediator_id TEXT NOT NULL REFERENCES users (id),
    state TEXT NOT NULL,
    outcome TEXT,
    outcome_terms TEXT,
    closed_at TIMESTAMP,
    follow_up_on DATE,
    case_id TEXT REFERENCES cases (id),
    opened_on DATE NOT NULL,
    fingerprint TEXT NOT NULL,
    created_by TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL
);
CREATE INDEX disputes_grid_idx ON disputes (grid_id, id);
CREATE INDEX disputes_opened_idx ON disputes (opened_on);
CREATE INDEX disputes_follow_up_idx ON disputes (follow_up_on);

CREATE TABLE dispute_sessions (
    id TEXT PRIMARY KEY NOT NULL,
    dispute_id TEXT NOT NULL REFERENCES disputes (id),
    held_on DATE NOT NULL,
    notes TEXT NOT NULL,
    attendees TEXT NOT NULL,
    created_by TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX dispute_sessions_dispute_idx ON dispute_sessions (dispute_id, id);
