-- Case KPIs kept per day (UTC) of report, so that /stats/cases reads a few
-- rows per day instead of every case of a province. Each row is the
-- additive tally (domain::case::kpi::Tally) of one day's cases:
-- - facet 'grid': the cases under `grid_id` (itself or an ancestor of
--   their grid), by the child of `grid_id` they lie under (`key`; '' for
--   cases of `grid_id` itself);
-- - facet 'department': the same cases by lead department (`key`);
-- - facet 'worker': the cases of `grid_id` itself by assignee (`key`).
-- The sweeper recomputes the days its cases changed on (from the sync log)
-- and the days named in case_rollup_days.
CREATE TABLE case_rollups (
    grid_id TEXT NOT NULL,
    facet TEXT NOT NULL,
    day DATE NOT NULL,
    key TEXT NOT NULL,
    tally TEXT NOT NULL,
    PRIMARY KEY (grid_id, facet, day, key)
);
-- a day's rows replaced at once; the workers of a whole zone's short period
CREATE INDEX case_rollups_day_idx ON case_rollups (day, facet);
-- Days whose rollups wait to be recomputed.
CREATE TABLE case_rollup_days (
    day DATE PRIMARY KEY NOT NULL
);
