//! Case KPIs (考核) for the caller's reach, over a period, with breakdowns by
//! grid, lead department and assigned worker. The formulas are the domain's
//! (`domain::case::kpi`); this reads the cases and hands over their facts.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use gridwork_domain::GridId;
use gridwork_domain::case::kpi::{self, CaseFacts, Kpis};
use gridwork_domain::case::{CaseState, Level};
use gridwork_persistence::case::{self, CaseFilter, StatRow};
use gridwork_persistence::{DbConnection, time};

use super::{AppError, Scoped, cases};

/// The KPIs of a set of cases, with their counts by state and level.
#[derive(Debug)]
pub struct Summary {
    pub by_state: BTreeMap<CaseState, u64>,
    pub by_level: BTreeMap<Level, u64>,
    pub kpis: Kpis,
}

#[derive(Debug)]
pub struct CaseStats {
    pub all: Summary,
    pub by_grid: Vec<(String, Kpis)>,
    pub by_department: Vec<(String, Kpis)>,
    pub by_worker: Vec<(String, Kpis)>,
}

fn minutes(from: chrono::NaiveDateTime, to: Option<chrono::NaiveDateTime>) -> Option<i64> {
    to.map(|t| (t - from).num_minutes())
}

fn facts(row: &StatRow, end: chrono::NaiveDateTime) -> CaseFacts {
    CaseFacts {
        state: row.state,
        closed_on_time: row.closed_at.is_some_and(|c| c <= row.resolve_due_at),
        resolve_due_passed: row.resolve_due_at < end,
        rework_count: u32::try_from(row.rework_count).unwrap_or(0),
        satisfaction: row.satisfaction,
        minutes_to_accept: minutes(row.reported_at, row.accepted_at),
        minutes_to_report_in: row
            .dispatched_at
            .and_then(|d| minutes(d, row.lead_reported_in_at)),
        minutes_to_resolve: minutes(row.reported_at, row.resolved_at),
    }
}

fn grouped(rows: &[(Option<String>, CaseFacts)]) -> Vec<(String, Kpis)> {
    let mut groups: BTreeMap<&str, Vec<CaseFacts>> = BTreeMap::new();
    for (key, f) in rows {
        if let Some(key) = key {
            groups.entry(key.as_str()).or_default().push(*f);
        }
    }
    let mut rows: Vec<(String, Kpis)> = groups
        .into_iter()
        .map(|(k, v)| (k.to_owned(), kpi::compute(&v)))
        .collect();
    // the busiest first; a breakdown answers at most a page
    rows.sort_by(|a, b| {
        b.1.due_to_close
            .cmp(&a.1.due_to_close)
            .then_with(|| a.0.cmp(&b.0))
    });
    rows.truncate(BREAKDOWN_ROWS);
    rows
}

/// The most rows a breakdown answers.
pub const BREAKDOWN_ROWS: usize = 200;

/// The KPIs of the cases reported in `[from, to)` that the caller may see,
/// under `grid` and dispatched to `department` when given.
pub fn compute(
    conn: &mut DbConnection,
    scoped: &Scoped,
    grid: Option<&GridId>,
    department: Option<String>,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<CaseStats, AppError> {
    let filter = CaseFilter {
        department,
        grids: cases::subtree(conn, scoped, grid)?,
        from: from.map(time::to_db),
        to: to.map(time::to_db),
        ..CaseFilter::default()
    };
    let visible = cases::visible(conn, scoped)?;
    let rows = case::stat_rows(conn, &visible, &filter)?;
    let end = time::to_db(to.map_or(now, |t| t.min(now)));
    let mut by_state = BTreeMap::new();
    let mut by_level = BTreeMap::new();
    let mut all = Vec::with_capacity(rows.len());
    let (mut grids, mut departments, mut workers) = (Vec::new(), Vec::new(), Vec::new());
    for row in &rows {
        *by_state.entry(row.state).or_insert(0) += 1;
        *by_level.entry(row.level).or_insert(0) += 1;
        let f = facts(row, end);
        all.push(f);
        grids.push((Some(row.grid_id.to_string()), f));
        departments.push((row.lead.clone(), f));
        workers.push((row.assignee_id.as_ref().map(ToString::to_string), f));
    }
    Ok(CaseStats {
        all: Summary {
            by_state,
            by_level,
            kpis: kpi::compute(&all),
        },
        by_grid: grouped(&grids),
        by_department: grouped(&departments),
        by_worker: grouped(&workers),
    })
}
