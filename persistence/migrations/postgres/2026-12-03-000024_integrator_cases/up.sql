-- The cases an integrator reported — through its riders' tokens (`via`
-- mobile_worker) or an Open311 app (`via` open311) — for Open311 searches
-- and for what the integrator may read back.
CREATE TABLE integrator_cases (
    case_id TEXT PRIMARY KEY NOT NULL REFERENCES cases (id),
    integrator_id TEXT NOT NULL REFERENCES integrators (id),
    via TEXT NOT NULL,
    reported_at TIMESTAMP NOT NULL
);
CREATE INDEX integrator_cases_integrator_idx ON integrator_cases (integrator_id, reported_at, case_id);
CREATE INDEX integrator_cases_via_idx ON integrator_cases (via, reported_at, case_id);
