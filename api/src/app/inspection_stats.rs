//! Inspection KPIs for the caller's scope or a subtree: completion (done on
//! time / due) overall, by grid and by worker; hazards found, rectified on
//! time, open and overdue, overall and by grid.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use gridwork_domain::GridId;
use gridwork_domain::hazard;
use gridwork_domain::inspection_kpi::{Completion, Hazard, Hazards, Occurrence};
use gridwork_domain::schedule::OccurrenceState;
use gridwork_persistence::{DbConnection, hazard as hazard_store, inspection_schedule, time};

use super::{AppError, Scoped, cases};

/// The period measured when none is given: the last thirty days.
pub const DEFAULT_PERIOD: Duration = Duration::days(30);

#[derive(Debug, Clone, Default)]
pub struct InspectionStats {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub completion: Completion,
    pub hazards: Hazards,
    /// By grid id.
    pub by_grid: BTreeMap<String, (Completion, Hazards)>,
    /// By the worker assigned or who inspected (account id).
    pub by_worker: BTreeMap<String, Completion>,
}

/// Measures the occurrences whose windows closed in `[from, to)` (`to` at
/// most now; `from` thirty days before by default) and the hazards found
/// then or still open.
pub fn compute(
    conn: &mut DbConnection,
    scoped: &Scoped,
    root: Option<&GridId>,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<InspectionStats, AppError> {
    let to = to.map_or(now, |t| t.min(now));
    let from = from.unwrap_or(to - DEFAULT_PERIOD);
    let grids = match cases::subtree(conn, scoped, root)? {
        Some(grids) => Some(grids),
        None => scoped.scope.grid_ids().map(<[GridId]>::to_vec),
    };
    let (lo, hi) = (time::to_db(from), time::to_db(to));
    let mut stats = InspectionStats {
        from,
        to,
        ..InspectionStats::default()
    };
    for (grid, assignee, done_by, state, on_time) in
        inspection_schedule::facts(conn, grids.as_deref(), lo, hi)?
    {
        let o = Occurrence {
            done: state == OccurrenceState::Done,
            on_time: on_time == Some(true),
        };
        stats.completion.add(o);
        stats.by_grid.entry(grid.to_string()).or_default().0.add(o);
        if let Some(worker) = assignee.or(done_by) {
            stats
                .by_worker
                .entry(worker.to_string())
                .or_default()
                .add(o);
        }
    }
    for (grid, state, due, rectified, created) in
        hazard_store::facts(conn, grids.as_deref(), lo, hi)?
    {
        let due = time::from_db(due);
        let h = Hazard {
            found: created >= lo && created < hi,
            rectified_on_time: rectified.is_some_and(|r| time::from_db(r) <= due),
            open: state.awaits_rectification(),
            overdue: hazard::is_overdue(state, due, now),
        };
        stats.hazards.add(h);
        stats.by_grid.entry(grid.to_string()).or_default().1.add(h);
    }
    Ok(stats)
}
