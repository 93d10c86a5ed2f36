//! Case KPIs (考核) for the caller's reach, over a period, with breakdowns by
//! grid (the children of the grid asked for), lead department and assigned
//! worker. The formulas are the domain's (`domain::case::kpi`): each case's
//! facts go into a `Tally`, and tallies add up.
//!
//! Two ways to read the same figures:
//! - **rollups**, when the caller sees the whole subtree asked for through
//!   its grids and no department is asked for: the days before today (UTC)
//!   wholly inside the period come from `case_rollups`, a tally per day and
//!   grid that the sweeper keeps (so at most one sweep behind the cases);
//!   the rest of the period — today, and a partial first or last day — and
//!   the open cases of the rolled-up days whose deadline passed by the
//!   period's end are read case by case. A province's year is a few
//!   thousand rows, not a million cases.
//! - **case by case**, otherwise: every case the caller may see.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, NaiveDateTime, Utc};
use diesel::Connection;
use gridwork_domain::GridId;
use gridwork_domain::case::kpi::{CaseFacts, Kpis, Tally};
use gridwork_domain::case::{CaseState, Level};
use gridwork_persistence::case::{self, CaseFilter, StatRow, Visible};
use gridwork_persistence::case_rollup::{
    self, DEPARTMENT, DEPARTMENT_MONTH, GRID, GRID_MONTH, RollupRow, WORKER,
};
use gridwork_persistence::{DbConnection, grid, setting, sync, time};

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

/// The most rows a breakdown answers.
pub const BREAKDOWN_ROWS: usize = 200;
/// By worker is listed when the period holds at most this many cases: a
/// province's workers are ranked per area, or month by month.
pub const WORKER_CASES: u64 = 10_000;

/// How the figures are read; `Fastest` picks rollups where they apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    Fastest,
    CaseByCase,
}

fn minutes(from: NaiveDateTime, to: Option<NaiveDateTime>) -> Option<i64> {
    to.map(|t| (t - from).num_minutes())
}

/// A case's facts; `end`: the period's end, for whether an open case is due.
pub(crate) fn facts(row: &StatRow, end: NaiveDateTime) -> CaseFacts {
    CaseFacts {
        state: row.state,
        level: row.level,
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

/// Tallies being summed: the whole and each breakdown.
#[derive(Default)]
struct Sums {
    all: Tally,
    grids: HashMap<String, Tally>,
    departments: HashMap<String, Tally>,
    workers: HashMap<String, Tally>,
}

impl Sums {
    /// One case read case by case, under the child `child` of the root:
    /// the whole of it, or (`open_due`, for a rolled-up day) only whether it
    /// is open and due by `end`.
    fn add(
        &mut self,
        row: &StatRow,
        child: &str,
        (end, open_due): (NaiveDateTime, bool),
        workers: bool,
    ) {
        let f = facts(row, end);
        let add = |t: &mut Tally| {
            if open_due {
                t.add_open_due(&f)
            } else {
                t.add(&f)
            }
        };
        add(&mut self.all);
        add(self.grids.entry(child.to_owned()).or_default());
        if let Some(lead) = &row.lead {
            add(self.departments.entry(lead.clone()).or_default());
        }
        if let Some(worker) = row.assignee_id.as_ref().filter(|_| workers) {
            add(self.workers.entry(worker.to_string()).or_default());
        }
    }

    fn stats(self) -> CaseStats {
        let grouped = |groups: HashMap<String, Tally>| {
            let mut rows: Vec<(String, Kpis)> =
                groups.into_iter().map(|(k, t)| (k, t.kpis())).collect();
            // the busiest first; a breakdown answers at most a page
            rows.sort_by(|a, b| {
                b.1.due_to_close
                    .cmp(&a.1.due_to_close)
                    .then_with(|| a.0.cmp(&b.0))
            });
            rows.truncate(BREAKDOWN_ROWS);
            rows
        };
        let kpis = self.all.kpis();
        CaseStats {
            all: Summary {
                by_state: self.all.by_state,
                by_level: self.all.by_level,
                kpis,
            },
            by_grid: grouped(self.grids),
            by_department: grouped(self.departments),
            by_worker: grouped(self.workers),
        }
    }
}

/// Which child of the root each grid lies under, by code (a subtree is a
/// code prefix); a grid under none is the root itself.
struct Children {
    root: GridId,
    /// The root is the zone or one of its children (month rows kept).
    top: bool,
    /// (code, id), by code.
    codes: Vec<(String, GridId)>,
}

impl Children {
    fn of(conn: &mut DbConnection, root: GridId, zone: &GridId) -> Result<Children, AppError> {
        let top = &root == zone
            || grid::find(conn, &root)?.and_then(|g| g.parent_id).as_ref() == Some(zone);
        let mut codes: Vec<(String, GridId)> = grid::children(conn, &root)?
            .into_iter()
            .map(|(id, code)| (code, id))
            .collect();
        codes.sort();
        Ok(Children { root, top, codes })
    }

    fn under(&self, code: &str) -> &GridId {
        let at = self.codes.partition_point(|(c, _)| c.as_str() <= code);
        match at.checked_sub(1).map(|i| &self.codes[i]) {
            Some((child, id)) if code.starts_with(child.as_str()) => id,
            _ => &self.root,
        }
    }
}

fn day_start(day: NaiveDate) -> NaiveDateTime {
    day.and_hms_opt(0, 0, 0).unwrap_or_default()
}

/// The KPIs of the cases reported in `[from, to)` that the caller may see,
/// under `grid` (by default the zone) and dispatched to `department` when
/// given.
#[allow(clippy::too_many_arguments)]
pub fn compute(
    conn: &mut DbConnection,
    scoped: &Scoped,
    grid: Option<&GridId>,
    department: Option<String>,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    reading: Reading,
) -> Result<CaseStats, AppError> {
    let subtree = cases::subtree(conn, scoped, grid)?;
    let Some(zone) = grid::zone_root(conn)?.map(|z| z.id) else {
        return Ok(Sums::default().stats());
    };
    let root = grid.cloned().unwrap_or_else(|| zone.clone());
    let end = time::to_db(to.map_or(now, |t| t.min(now)));
    let filter = CaseFilter {
        department,
        grids: subtree.clone(),
        from: from.map(time::to_db),
        to: to.map(time::to_db),
        ..CaseFilter::default()
    };
    let visible = cases::visible(conn, scoped)?;
    // the whole subtree asked for is the caller's through its grids
    let whole = match &subtree {
        Some(ids) => !ids.is_empty(),
        None => visible.grids.is_none(),
    };
    let children = Children::of(conn, root, &zone)?;
    if reading == Reading::Fastest && whole && filter.department.is_none() {
        return rolled_up(conn, &visible, filter, &children, end, now);
    }
    let rows = case::stat_rows(conn, &visible, &filter)?;
    let workers = rows.len() as u64 <= WORKER_CASES;
    let mut sums = Sums::default();
    add_cases(conn, &mut sums, &[(false, rows)], &children, end, workers)?;
    Ok(sums.stats())
}

/// Adds cases read one by one, in parts `(open_due, rows)` (see
/// [`Sums::add`]), each under the child of the root its grid lies in.
fn add_cases(
    conn: &mut DbConnection,
    sums: &mut Sums,
    parts: &[(bool, Vec<StatRow>)],
    children: &Children,
    end: NaiveDateTime,
    workers: bool,
) -> Result<(), AppError> {
    let mut ids: Vec<GridId> = parts
        .iter()
        .flat_map(|(_, rows)| rows.iter().map(|r| r.grid_id.clone()))
        .collect();
    ids.sort();
    ids.dedup();
    let codes: HashMap<GridId, String> = grid::codes(conn, &ids)?.into_iter().collect();
    for (open_due, rows) in parts {
        for row in rows {
            let code = codes.get(&row.grid_id).map_or("", String::as_str);
            sums.add(
                row,
                children.under(code).as_str(),
                (end, *open_due),
                workers,
            );
        }
    }
    Ok(())
}

/// The figures from the rollups of the whole days before today in the
/// period, and case by case for the rest.
fn rolled_up(
    conn: &mut DbConnection,
    visible: &Visible,
    filter: CaseFilter,
    children: &Children,
    end: NaiveDateTime,
    now: DateTime<Utc>,
) -> Result<CaseStats, AppError> {
    let today = now.date_naive();
    // the whole days in the period before today: [first, last)
    let first = filter.from.map(|f| {
        let day = f.date();
        if day_start(day) == f {
            day
        } else {
            day + Duration::days(1)
        }
    });
    let last = filter.to.map_or(today, |t| t.date()).min(today);
    let root = std::slice::from_ref(&children.root);
    let parse = |text: &str| {
        Tally::parse_stored(text)
            .ok_or_else(|| AppError::Internal(format!("a bad case rollup: {text}")))
    };
    let mut sums = Sums::default();
    let rolled = first.is_none_or(|f| f < last);
    if rolled {
        // the zone and its children keep whole months summed: fewer rows
        for (from, to, monthly) in spans(first, last, children.top) {
            let (grid_facet, department_facet) = if monthly {
                (GRID_MONTH, DEPARTMENT_MONTH)
            } else {
                (GRID, DEPARTMENT)
            };
            for (key, text) in case_rollup::read(conn, Some(root), grid_facet, from, to)? {
                let tally = parse(&text)?;
                sums.all.merge(&tally);
                let child = if key.is_empty() {
                    children.root.to_string()
                } else {
                    key
                };
                sums.grids.entry(child).or_default().merge(&tally);
            }
            for (key, text) in case_rollup::read(conn, Some(root), department_facet, from, to)? {
                sums.departments
                    .entry(key)
                    .or_default()
                    .merge(&parse(&text)?);
            }
        }
    }
    // case by case: before the first whole day, from the last one on, and
    // the open cases of the rolled-up days that are due by the end
    let mut live = Vec::new();
    if rolled {
        if let (Some(from), Some(first)) = (filter.from, first)
            && from < day_start(first)
        {
            live.push((Some(from), Some(day_start(first)), false));
        }
        live.push((Some(day_start(last)), filter.to, false));
        live.push((first.map(day_start), Some(day_start(last)), true));
    } else {
        live.push((filter.from, filter.to, false));
    }
    let mut rows = Vec::new();
    for (from, to, open_due) in live {
        let part = CaseFilter {
            from,
            to,
            states: open_due.then(|| OPEN.to_vec()),
            resolve_due_before: open_due.then_some(end),
            ..filter.clone()
        };
        rows.push((open_due, case::stat_rows(conn, visible, &part)?));
    }
    let cases = sums.all.by_state.values().sum::<u64>()
        + rows
            .iter()
            .filter(|(open_due, _)| !open_due)
            .map(|(_, r)| r.len() as u64)
            .sum::<u64>();
    let workers = cases <= WORKER_CASES;
    if rolled && workers {
        let grids = filter.grids.as_deref();
        for (key, text) in case_rollup::read(conn, grids, WORKER, first, last)? {
            sums.workers.entry(key).or_default().merge(&parse(&text)?);
        }
    }
    add_cases(conn, &mut sums, &rows, children, end, workers)?;
    Ok(sums.stats())
}

/// The days `[first, last)` as spans `(from, to, monthly)`: whole months
/// in the middle when `monthly` rows exist for the root, days around them.
fn spans(
    first: Option<NaiveDate>,
    last: NaiveDate,
    monthly: bool,
) -> Vec<(Option<NaiveDate>, NaiveDate, bool)> {
    if !monthly {
        return vec![(first, last, false)];
    }
    let end = month_of(last);
    let start = match first {
        None => None,
        Some(f) if f.day() == 1 => Some(f),
        Some(f) => Some(next_month(month_of(f))),
    };
    let mut spans = match (first, start) {
        (_, Some(start)) if start >= end => vec![(first, last, false)],
        (Some(f), Some(start)) => vec![
            (Some(f), start, false),
            (Some(start), end, true),
            (Some(end), last, false),
        ],
        _ => vec![(None, end, true), (Some(end), last, false)],
    };
    spans.retain(|(from, to, _)| from.is_none_or(|f| f < *to));
    spans
}

/// The states of a case not yet closed, rejected or merged.
const OPEN: [CaseState; 7] = [
    CaseState::Reported,
    CaseState::Accepted,
    CaseState::Dispatched,
    CaseState::InProgress,
    CaseState::OnHold,
    CaseState::Resolved,
    CaseState::Rework,
];

/// Where the rollups have read the sync log to.
const ROLLED_TO: &str = "case_rollups_seq";

/// Brings the rollups up to date with the cases: marks the days of the
/// cases changed since the last pass, then recomputes up to `days` of the
/// marked days, the latest first. Answers how many it recomputed.
pub fn refresh(conn: &mut DbConnection, days: i64) -> Result<usize, AppError> {
    let now = time::to_db(time::now());
    let after = setting::get(conn, ROLLED_TO)?
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let upto = sync::latest(conn)?;
    if upto > after {
        let changed = case_rollup::changed_days(conn, after, upto)?;
        conn.transaction(|conn| {
            case_rollup::mark(conn, &changed)?;
            setting::put(conn, ROLLED_TO, &upto.to_string(), now)
        })?;
    }
    let waiting = case_rollup::waiting(conn, days)?;
    if waiting.is_empty() {
        return Ok(0);
    }
    let tree = Tree::load(conn)?;
    for day in &waiting {
        recompute(conn, *day, &tree)?;
    }
    let months: std::collections::BTreeSet<NaiveDate> =
        waiting.iter().map(|d| month_of(*d)).collect();
    let top = top_grids(conn)?;
    for month in months {
        recompute_month(conn, month, &top)?;
    }
    Ok(waiting.len())
}

fn month_of(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

fn next_month(month: NaiveDate) -> NaiveDate {
    month
        .checked_add_months(Months::new(1))
        .unwrap_or(NaiveDate::MAX)
}

/// The zone and its children: the grids whose days are kept summed by month
/// too.
fn top_grids(conn: &mut DbConnection) -> Result<Vec<GridId>, AppError> {
    let Some(zone) = grid::zone_root(conn)? else {
        return Ok(Vec::new());
    };
    let mut top: Vec<GridId> = grid::children(conn, &zone.id)?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    top.push(zone.id);
    Ok(top)
}

/// Sums the day rows of the top grids in `month` into its month rows.
fn recompute_month(
    conn: &mut DbConnection,
    month: NaiveDate,
    top: &[GridId],
) -> Result<(), AppError> {
    let mut tallies: HashMap<(String, &str, String), Tally> = HashMap::new();
    for (day_facet, month_facet) in [(GRID, GRID_MONTH), (DEPARTMENT, DEPARTMENT_MONTH)] {
        for (grid, key, text) in
            case_rollup::rows_of(conn, top, day_facet, month, next_month(month))?
        {
            let tally = Tally::parse_stored(&text)
                .ok_or_else(|| AppError::Internal(format!("a bad case rollup: {text}")))?;
            tallies
                .entry((grid, month_facet, key))
                .or_default()
                .merge(&tally);
        }
    }
    let rows: Vec<RollupRow> = tallies
        .into_iter()
        .map(|((grid_id, facet, key), tally)| RollupRow {
            grid_id,
            facet: facet.to_owned(),
            day: month,
            key,
            tally: tally.to_stored(),
        })
        .collect();
    Ok(conn.transaction(|conn| case_rollup::replace_month(conn, month, &rows))?)
}

/// Recomputes the rollups of every day with cases (after a load), `days`
/// at a time; answers how many days.
pub fn rebuild(conn: &mut DbConnection) -> Result<usize, AppError> {
    case_rollup::mark_all(conn)?;
    let mut done = 0;
    loop {
        match refresh(conn, 100)? {
            0 => return Ok(done),
            n => done += n,
        }
    }
}

/// Every grid's parent.
struct Tree(HashMap<GridId, Option<GridId>>);

impl Tree {
    fn load(conn: &mut DbConnection) -> Result<Tree, AppError> {
        Ok(Tree(grid::tree(conn)?.into_iter().collect()))
    }

    /// `grid`, its parent, … up to the root.
    fn path<'a>(&'a self, grid: &'a GridId) -> Vec<&'a GridId> {
        let mut path = vec![grid];
        let mut at = grid;
        while let Some(Some(parent)) = self.0.get(at) {
            if path.contains(&parent) {
                break; // a cycle would be a bug elsewhere: stop, do not spin
            }
            path.push(parent);
            at = parent;
        }
        path
    }
}

/// Recomputes the rollups of the cases reported on `day`.
fn recompute(conn: &mut DbConnection, day: NaiveDate, tree: &Tree) -> Result<(), AppError> {
    let everything = Visible::everything();
    let filter = CaseFilter {
        from: Some(day_start(day)),
        to: Some(day_start(day + Duration::days(1))),
        ..CaseFilter::default()
    };
    let rows = case::stat_rows(conn, &everything, &filter)?;
    // (grid, facet, key) → tally; open cases' due part is left out
    let mut tallies: HashMap<(&GridId, &str, String), Tally> = HashMap::new();
    let end = NaiveDateTime::MIN;
    for row in &rows {
        let f = facts(row, end);
        let path = tree.path(&row.grid_id);
        let mut below = String::new();
        for grid in path {
            tallies
                .entry((grid, GRID, below.clone()))
                .or_default()
                .add_settled(&f);
            if let Some(lead) = &row.lead {
                tallies
                    .entry((grid, DEPARTMENT, lead.clone()))
                    .or_default()
                    .add_settled(&f);
            }
            below = grid.to_string();
        }
        if let Some(worker) = &row.assignee_id {
            tallies
                .entry((&row.grid_id, WORKER, worker.to_string()))
                .or_default()
                .add_settled(&f);
        }
    }
    let rows: Vec<RollupRow> = tallies
        .into_iter()
        .map(|((grid, facet, key), tally)| RollupRow {
            grid_id: grid.to_string(),
            facet: facet.to_owned(),
            day,
            key,
            tally: tally.to_stored(),
        })
        .collect();
    Ok(conn.transaction(|conn| case_rollup::replace_day(conn, day, &rows))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn whole_months_are_read_as_months_and_the_days_around_them_as_days() {
        let (oct, nov, dec) = (day("2026-10-01"), day("2026-11-01"), day("2026-12-01"));
        // 3 September to 3 December: days, October and November, days
        assert_eq!(
            spans(Some(day("2026-09-03")), day("2026-12-03"), true),
            [
                (Some(day("2026-09-03")), oct, false),
                (Some(oct), dec, true),
                (Some(dec), day("2026-12-03"), false),
            ]
        );
        // from the first of a month: no days before it
        assert_eq!(
            spans(Some(oct), day("2026-11-12"), true),
            [
                (Some(oct), nov, true),
                (Some(nov), day("2026-11-12"), false)
            ]
        );
        // from the start: every month before the last day's
        assert_eq!(spans(None, day("2026-12-01"), true), [(None, dec, true)]);
        // within one month, or a grid without month rows: days only
        let within = spans(Some(day("2026-11-03")), day("2026-11-20"), true);
        assert_eq!(
            within,
            [(Some(day("2026-11-03")), day("2026-11-20"), false)]
        );
        assert_eq!(spans(None, dec, false), [(None, dec, false)]);
    }
}
