//! Cases, the departments they are dispatched to, and their timelines.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use gridwork_domain::case::{CaseState, Level, Satisfaction, Severity, Source, Visibility};
use gridwork_domain::{CaseId, EnterpriseId, GridId, HazardId, UserId};

use crate::connection::{self, DbConnection};
use crate::schema::{case_departments, case_timeline, cases, grids};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = cases, treat_none_as_null = true, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite), treat_none_as_default_value = false)]
pub struct CaseRow {
    pub id: CaseId,
    pub grid_id: GridId,
    pub category_code: String,
    pub severity: Severity,
    pub source: Source,
    pub state: CaseState,
    pub level: Level,
    pub description: String,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub enterprise_id: Option<EnterpriseId>,
    pub reporter_id: Option<UserId>,
    pub assignee_id: Option<UserId>,
    pub rework_count: i32,
    pub reopened: bool,
    pub satisfaction: Option<Satisfaction>,
    pub merged_into: Option<CaseId>,
    pub fingerprint: String,
    pub reported_at: NaiveDateTime,
    pub accept_due_at: NaiveDateTime,
    pub report_in_due_at: Option<NaiveDateTime>,
    pub resolve_due_at: NaiveDateTime,
    pub accepted_at: Option<NaiveDateTime>,
    pub dispatched_at: Option<NaiveDateTime>,
    pub resolved_at: Option<NaiveDateTime>,
    pub closed_at: Option<NaiveDateTime>,
    pub held_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
    pub version: i32,
    /// Deadlines (`DueAction` codes, comma-separated) whose passing already
    /// escalated the case: each escalates it once.
    pub overdue_escalated: String,
    /// The hazard this case was opened for (overdue for rectification).
    pub hazard_id: Option<HazardId>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = case_departments, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite), treat_none_as_default_value = false)]
pub struct CaseDepartmentRow {
    pub case_id: CaseId,
    pub department_code: String,
    pub lead: bool,
    pub dispatched_at: NaiveDateTime,
    pub reported_in_at: Option<NaiveDateTime>,
    /// The account that reported in for the department.
    pub reported_in_by: Option<UserId>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = case_timeline, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite), treat_none_as_default_value = false)]
pub struct TimelineRow {
    pub id: String,
    pub case_id: CaseId,
    pub occurred_at: NaiveDateTime,
    pub actor_id: Option<UserId>,
    /// The role the actor acted in (a `Role` code), None for the system.
    pub actor_role: Option<String>,
    /// A `CaseAction` code, or `report` for the creation.
    pub action: String,
    pub from_state: Option<CaseState>,
    pub to_state: CaseState,
    pub level: Level,
    pub note: Option<String>,
    /// Attachment ids, comma-separated.
    pub attachments: String,
    pub visibility: Visibility,
    /// The department the actor acted for (department staff only).
    pub department_code: Option<String>,
}

pub fn insert(conn: &mut DbConnection, row: &CaseRow) -> QueryResult<()> {
    diesel::insert_into(cases::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

pub fn find(conn: &mut DbConnection, id: &CaseId) -> QueryResult<Option<CaseRow>> {
    cases::table
        .find(id)
        .select(CaseRow::as_select())
        .first(conn)
        .optional()
}

/// Writes `row` if it is still at `row.version - 1`.
pub fn update(conn: &mut DbConnection, row: &CaseRow) -> QueryResult<bool> {
    let n = diesel::update(
        cases::table
            .filter(cases::id.eq(&row.id))
            .filter(cases::version.eq(row.version - 1)),
    )
    .set(row)
    .execute(conn)?;
    Ok(n == 1)
}

/// Who may see which cases: all of them, or those in some grids, reported
/// by someone, or dispatched to a department.
#[derive(Debug, Clone, Default)]
pub struct Visible {
    /// None: the whole zone.
    pub grids: Option<Vec<GridId>>,
    pub reporter: Option<UserId>,
    pub department: Option<String>,
    /// Enterprises whose principal the caller is: they see their cases.
    pub enterprises: Vec<EnterpriseId>,
}

#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub states: Option<Vec<CaseState>>,
    /// This grid subtree (already cut to the scope).
    pub grids: Option<Vec<GridId>>,
    pub category: Option<String>,
    pub severity: Option<Severity>,
    pub level: Option<Level>,
    pub department: Option<String>,
    pub reporter: Option<UserId>,
    pub assignee: Option<UserId>,
    /// Open cases whose next deadline passed before this moment.
    pub overdue_at: Option<NaiveDateTime>,
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
    /// Cases whose resolve deadline lies before this moment.
    pub resolve_due_before: Option<NaiveDateTime>,
}

/// Applies `filter` to a boxed query over `cases` (alone or joined).
macro_rules! filtered {
    ($query:expr, $filter:expr) => {{
        let (mut query, filter) = ($query, $filter);
        if let Some(states) = &filter.states {
            query = query.filter(cases::state.eq_any(states.clone()));
        }
        if let Some(grids) = &filter.grids {
            query = query.filter(cases::grid_id.eq_any(grids.clone()));
        }
        if let Some(category) = &filter.category {
            let prefix = format!("{category}.%");
            query = query.filter(
                cases::category_code
                    .eq(category.clone())
                    .or(cases::category_code.like(prefix)),
            );
        }
        if let Some(severity) = filter.severity {
            query = query.filter(cases::severity.eq(severity));
        }
        if let Some(level) = filter.level {
            query = query.filter(cases::level.eq(level));
        }
        if let Some(department) = &filter.department {
            query = query.filter(cases::id.eq_any(dispatched_to!(department)));
        }
        if let Some(reporter) = &filter.reporter {
            query = query.filter(cases::reporter_id.eq(reporter.clone()));
        }
        if let Some(assignee) = &filter.assignee {
            query = query.filter(cases::assignee_id.eq(assignee.clone()));
        }
        if let Some(from) = filter.from {
            query = query.filter(cases::reported_at.ge(from));
        }
        if let Some(to) = filter.to {
            query = query.filter(cases::reported_at.lt(to));
        }
        if let Some(before) = filter.resolve_due_before {
            query = query.filter(cases::resolve_due_at.lt(before));
        }
        query
    }};
}

/// Applies one way of seeing cases (`Reach`) to a boxed query over `cases`.
macro_rules! within {
    ($query:expr, $reach:expr) => {{
        let query = $query;
        match $reach {
            Reach::All => query,
            Reach::Grids(grids) => query.filter(cases::grid_id.eq_any(grids.clone())),
            Reach::Reporter(user) => query.filter(cases::reporter_id.eq(user.clone())),
            Reach::Department(code) => query.filter(cases::id.eq_any(dispatched_to!(code))),
            Reach::Enterprises(ids) => query.filter(cases::enterprise_id.eq_any(ids.clone())),
            // only the branches the caller has: each one more costs PostgreSQL
            // planning time on every call (1.4 ms for all four, 0.1 for two)
            Reach::Any(visible) => {
                let mut any = Box::new(
                    cases::grid_id
                        .eq_any(visible.grids.clone().unwrap_or_default())
                        .nullable(),
                )
                    as Box<
                        dyn BoxableExpression<
                                _,
                                _,
                                SqlType = diesel::sql_types::Nullable<diesel::sql_types::Bool>,
                            >,
                    >;
                if let Some(reporter) = &visible.reporter {
                    any = Box::new(any.or(cases::reporter_id.eq(reporter.clone())));
                }
                if let Some(code) = &visible.department {
                    any = Box::new(any.or(cases::id.eq_any(dispatched_to!(code)).nullable()));
                }
                if !visible.enterprises.is_empty() {
                    any =
                        Box::new(any.or(cases::enterprise_id.eq_any(visible.enterprises.clone())));
                }
                query.filter(any)
            }
        }
    }};
}

/// Applies one part of the overdue filter to a boxed query over `cases`.
macro_rules! overdue {
    ($query:expr, $part:expr) => {{
        let query = $query;
        match $part {
            Overdue::None => query,
            Overdue::Accept(at) => query
                .filter(cases::state.eq(CaseState::Reported))
                .filter(cases::accept_due_at.lt(at)),
            Overdue::Resolve(at) => query
                .filter(cases::state.eq_any(OVERDUE_STATES))
                .filter(cases::resolve_due_at.lt(at)),
        }
    }};
}

/// The overdue filter in parts an index each serves: reported cases past
/// acceptance (`cases_accept_due_idx`), open ones past resolution
/// (`cases_open_due_idx`).
#[derive(Debug, Clone, Copy)]
enum Overdue {
    /// No overdue filter.
    None,
    Accept(NaiveDateTime),
    Resolve(NaiveDateTime),
}

impl CaseFilter {
    fn overdue_parts(&self) -> Vec<Overdue> {
        match self.overdue_at {
            None => vec![Overdue::None],
            Some(at) => vec![Overdue::Accept(at), Overdue::Resolve(at)],
        }
    }
}

/// The open states whose deadlines can pass.
const OVERDUE_STATES: [CaseState; 5] = [
    CaseState::Reported,
    CaseState::Accepted,
    CaseState::Dispatched,
    CaseState::InProgress,
    CaseState::Rework,
];

diesel::alias!(case_departments as dispatched: Dispatched);

/// The ids of the cases dispatched to a department: a subquery through an
/// alias, so that it also works where `case_departments` is joined.
macro_rules! dispatched_to {
    ($department:expr) => {
        dispatched
            .filter(
                dispatched
                    .field(case_departments::department_code)
                    .eq($department.to_owned()),
            )
            .select(dispatched.field(case_departments::case_id))
    };
}

/// One way a caller sees cases; `Visible` is the union of some of them.
#[derive(Debug, Clone)]
enum Reach {
    All,
    Grids(Vec<GridId>),
    Reporter(UserId),
    Department(String),
    Enterprises(Vec<EnterpriseId>),
    /// Any of what a `Visible` with grids sees.
    Any(Visible),
}

impl Visible {
    /// Every case (the system's own reads: rollups, scorecards).
    pub fn everything() -> Visible {
        Visible {
            grids: None,
            reporter: None,
            department: None,
            enterprises: Vec::new(),
        }
    }

    /// The ways of seeing cases, to read each as a query of its own.
    fn reaches(&self) -> Vec<Reach> {
        let Some(grids) = &self.grids else {
            return vec![Reach::All];
        };
        let mut reaches = vec![Reach::Grids(grids.clone())];
        reaches.extend(self.reporter.clone().map(Reach::Reporter));
        reaches.extend(self.department.clone().map(Reach::Department));
        if !self.enterprises.is_empty() {
            reaches.push(Reach::Enterprises(self.enterprises.clone()));
        }
        reaches
    }

    /// All of them at once.
    fn any_reach(&self) -> Reach {
        match &self.grids {
            None => Reach::All,
            Some(_) => Reach::Any(self.clone()),
        }
    }
}

/// One keyset page, newest first; `before` is the last id of the previous
/// page.
///
/// How it is read differs per backend, as measured (bench/RESULTS.md):
/// PostgreSQL answers the reaches ORed in one query (bitmap scans, then a
/// top-N sort); SQLite would collect and sort every case for that OR, so
/// there each reach is its own index-ordered keyset scan. On both, each
/// part of the overdue filter is a query of its own: ORed, both planners
/// walk every open case in id order looking for the few overdue ones. The
/// pages are merged.
pub fn page(
    conn: &mut DbConnection,
    visible: &Visible,
    filter: &CaseFilter,
    before: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<CaseRow>> {
    let (reaches, parts) = match conn {
        DbConnection::Postgresql(_) => (vec![visible.any_reach()], filter.overdue_parts()),
        DbConnection::Sqlite(_) => (visible.reaches(), filter.overdue_parts()),
    };
    let mut rows: Vec<CaseRow> = Vec::new();
    for reach in reaches {
        for part in &parts {
            let mut query = cases::table.select(CaseRow::as_select()).into_boxed();
            query = within!(query, &reach);
            query = overdue!(query, *part);
            query = filtered!(query, filter);
            if let Some(before) = before {
                query = query.filter(cases::id.lt(before.to_owned()));
            }
            query = planned_per_call!(conn, query);
            rows.extend(query.order(cases::id.desc()).limit(limit).load(conn)?);
        }
    }
    rows.sort_by(|a, b| b.id.cmp(&a.id));
    rows.dedup_by(|a, b| a.id == b.id);
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    Ok(rows)
}

/// What the KPIs read of a case: its keys, times and outcome, with its
/// lead department's code and report-in time.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct StatRow {
    pub id: CaseId,
    pub grid_id: GridId,
    pub reporter_id: Option<UserId>,
    pub assignee_id: Option<UserId>,
    pub state: CaseState,
    pub level: Level,
    pub rework_count: i32,
    pub satisfaction: Option<Satisfaction>,
    pub reported_at: NaiveDateTime,
    pub accepted_at: Option<NaiveDateTime>,
    pub dispatched_at: Option<NaiveDateTime>,
    pub resolved_at: Option<NaiveDateTime>,
    pub closed_at: Option<NaiveDateTime>,
    pub resolve_due_at: NaiveDateTime,
    pub lead: Option<String>,
    pub lead_reported_in_at: Option<NaiveDateTime>,
}

/// The columns of a [`StatRow`], from `cases` left-joined with their lead
/// `case_departments` row.
macro_rules! stat_columns {
    () => {
        (
            cases::id,
            cases::grid_id,
            cases::reporter_id,
            cases::assignee_id,
            cases::state,
            cases::level,
            cases::rework_count,
            cases::satisfaction,
            cases::reported_at,
            cases::accepted_at,
            cases::dispatched_at,
            cases::resolved_at,
            cases::closed_at,
            cases::resolve_due_at,
            case_departments::department_code.nullable(),
            case_departments::reported_in_at.nullable(),
        )
    };
}
pub(crate) use stat_columns;

/// The KPI facts of every case the filter and reach select (a case seen
/// through two reaches counts once).
pub fn stat_rows(
    conn: &mut DbConnection,
    visible: &Visible,
    filter: &CaseFilter,
) -> QueryResult<Vec<StatRow>> {
    let reaches = match conn {
        DbConnection::Postgresql(_) => vec![visible.any_reach()],
        DbConnection::Sqlite(_) => visible.reaches(),
    };
    let mut rows: Vec<StatRow> = Vec::new();
    for reach in reaches {
        let mut query = cases::table
            .left_join(
                case_departments::table.on(case_departments::case_id
                    .eq(cases::id)
                    .and(case_departments::lead.eq(true))),
            )
            .select(stat_columns!())
            .into_boxed();
        query = within!(query, &reach);
        query = filtered!(query, filter);
        query = planned_per_call!(conn, query);
        // open cases past a deadline are few: see nested_loops
        rows.extend(if filter.resolve_due_before.is_some() {
            connection::nested_loops(conn, |conn| query.load::<StatRow>(conn))?
        } else {
            query.load::<StatRow>(conn)?
        });
    }
    if visible.grids.is_some() {
        rows.sort_by(|a, b| a.id.cmp(&b.id));
        rows.dedup_by(|a, b| a.id == b.id);
    }
    Ok(rows)
}

/// Links a case to the hazard it was opened for.
pub fn link_hazard(conn: &mut DbConnection, id: &CaseId, hazard: &HazardId) -> QueryResult<()> {
    diesel::update(cases::table.filter(cases::id.eq(id)))
        .set(cases::hazard_id.eq(hazard))
        .execute(conn)
        .map(drop)
}

pub fn add_timeline(conn: &mut DbConnection, row: &TimelineRow) -> QueryResult<()> {
    diesel::insert_into(case_timeline::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// A case's timeline, oldest first; `internal` false leaves internal entries out.
pub fn timeline(
    conn: &mut DbConnection,
    case_id: &CaseId,
    internal: bool,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<TimelineRow>> {
    let mut query = case_timeline::table
        .filter(case_timeline::case_id.eq(case_id))
        .select(TimelineRow::as_select())
        .into_boxed();
    if !internal {
        query = query.filter(case_timeline::visibility.eq(Visibility::Public));
    }
    if let Some(after) = after {
        query = query.filter(case_timeline::id.gt(after.to_owned()));
    }
    query.order(case_timeline::id.asc()).limit(limit).load(conn)
}

pub fn timeline_entry(conn: &mut DbConnection, id: &str) -> QueryResult<Option<TimelineRow>> {
    case_timeline::table
        .find(id)
        .select(TimelineRow::as_select())
        .first(conn)
        .optional()
}

pub fn add_department(conn: &mut DbConnection, row: &CaseDepartmentRow) -> QueryResult<()> {
    diesel::insert_into(case_departments::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// A department's part in a case, with the name of whoever reported in.
#[derive(Debug, Clone, PartialEq)]
pub struct DepartmentWork {
    pub row: CaseDepartmentRow,
    /// The reporting account's display name, or its username.
    pub reported_in_by_name: Option<String>,
}

/// The departments of each of these cases, lead first, in one read (for a
/// page; `case_departments`' primary key serves it).
pub fn department_work(
    conn: &mut DbConnection,
    case_ids: &[CaseId],
) -> QueryResult<Vec<DepartmentWork>> {
    use crate::schema::users;
    if case_ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(CaseDepartmentRow, Option<String>, Option<String>)> = case_departments::table
        .left_join(users::table.on(users::id.nullable().eq(case_departments::reported_in_by)))
        .filter(case_departments::case_id.eq_any(case_ids))
        .select((
            CaseDepartmentRow::as_select(),
            users::display_name.nullable(),
            users::username.nullable(),
        ))
        .order((
            case_departments::case_id.asc(),
            case_departments::lead.desc(),
            case_departments::department_code.asc(),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(row, display, username)| DepartmentWork {
            row,
            reported_in_by_name: display.or(username),
        })
        .collect())
}

pub fn departments(
    conn: &mut DbConnection,
    case_id: &CaseId,
) -> QueryResult<Vec<CaseDepartmentRow>> {
    case_departments::table
        .filter(case_departments::case_id.eq(case_id))
        .select(CaseDepartmentRow::as_select())
        .order((
            case_departments::lead.desc(),
            case_departments::department_code.asc(),
        ))
        .load(conn)
}

/// Records a department's report-in (报到) by one of its staff.
pub fn report_in(
    conn: &mut DbConnection,
    case_id: &CaseId,
    department_code: &str,
    by: &UserId,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(
        case_departments::table
            .filter(case_departments::case_id.eq(case_id))
            .filter(case_departments::department_code.eq(department_code)),
    )
    .set((
        case_departments::reported_in_at.eq(at),
        case_departments::reported_in_by.eq(by),
    ))
    .execute(conn)
    .map(drop)
}

/// Open cases with a deadline passed before `now`, oldest first: the
/// candidates of automatic escalation (the caller decides which deadline).
///
/// One query per deadline, each read in its index's order (`cases_accept_due_idx`,
/// `cases_open_due_idx`) and merged here. As one query ordered by id,
/// PostgreSQL walked the primary key expecting to meet 500 matches early
/// and filtered a 1M-case province whole: 0.7-1.7 s every sweep.
pub fn overdue(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<CaseRow>> {
    use CaseState::*;
    // the cases in `states` past `due` not yet escalated for it (`mark`)
    macro_rules! past {
        ($states:expr, $due:expr, $mark:literal) => {
            cases::table
                .filter(cases::state.eq_any($states))
                .filter($due.lt(now))
                .filter(cases::overdue_escalated.not_like($mark))
                .select(CaseRow::as_select())
                .order(($due.asc(), cases::id.asc()))
                .limit(limit)
                .load::<CaseRow>(conn)?
        };
    }
    let mut rows = past!([Reported], cases::accept_due_at, "%accept%");
    rows.extend(past!([Dispatched], cases::report_in_due_at, "%report_in%"));
    rows.extend(past!(
        [Accepted, Dispatched, InProgress, Rework],
        cases::resolve_due_at,
        "%resolve%"
    ));
    rows.sort_by(|a, b| a.id.cmp(&b.id));
    rows.dedup_by(|a, b| a.id == b.id);
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    Ok(rows)
}

/// The open cases with a location among the `limit` latest reports of
/// `category` since `since`: the candidates of duplicate detection. Only
/// the category and time are asked of the database, so that it walks
/// `cases_category_idx` backwards and stops: with the state in the query,
/// PostgreSQL was seen to combine state indexes and read every open case
/// of the category instead (bench/RESULTS.md).
pub fn recent_open(
    conn: &mut DbConnection,
    category: &str,
    since: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<CaseRow>> {
    let rows: Vec<CaseRow> = cases::table
        .filter(cases::category_code.eq(category))
        .filter(cases::reported_at.ge(since))
        .select(CaseRow::as_select())
        .order(cases::reported_at.desc())
        .limit(limit)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter(|r| r.state.is_open() && r.lat.is_some())
        .collect())
}

/// Open cases per grid of the subtree under `code`, and how many of them
/// are past their resolve deadline at `now`: `(grid code, open, overdue)`
/// (`cases_open_due_idx`: open cases are few beside closed ones).
pub fn open_by_grid(
    conn: &mut DbConnection,
    code: &str,
    now: NaiveDateTime,
) -> QueryResult<Vec<(String, i64, i64)>> {
    use diesel::dsl::count_star;
    let open_states: Vec<CaseState> = CaseState::ALL.into_iter().filter(|s| s.is_open()).collect();
    let (from, to) = (code.to_owned(), crate::grid::subtree_end(code));
    let open: Vec<(String, i64)> = cases::table
        .inner_join(grids::table.on(grids::id.eq(cases::grid_id)))
        .filter(cases::state.eq_any(open_states))
        .filter(grids::code.between(from.clone(), to.clone()))
        .group_by(grids::code)
        .select((grids::code, count_star()))
        .load(conn)?;
    let overdue: std::collections::HashMap<String, i64> = cases::table
        .inner_join(grids::table.on(grids::id.eq(cases::grid_id)))
        .filter(cases::state.eq_any(OVERDUE_STATES))
        .filter(cases::resolve_due_at.lt(now))
        .filter(grids::code.between(from, to))
        .group_by(grids::code)
        .select((grids::code, count_star()))
        .load::<(String, i64)>(conn)?
        .into_iter()
        .collect();
    Ok(open
        .into_iter()
        .map(|(code, n)| {
            let late = overdue.get(&code).copied().unwrap_or(0);
            (code, n, late)
        })
        .collect())
}

/// The latest escalations of cases in the subtree under `code`, newest
/// first, with their cases and their grids' names
/// (`case_timeline_action_idx`).
pub fn latest_escalations(
    conn: &mut DbConnection,
    code: &str,
    limit: i64,
) -> QueryResult<Vec<(TimelineRow, CaseRow, String)>> {
    case_timeline::table
        .inner_join(cases::table.on(cases::id.eq(case_timeline::case_id)))
        .inner_join(grids::table.on(grids::id.eq(cases::grid_id)))
        .filter(case_timeline::action.eq("escalate"))
        .filter(grids::code.between(code.to_owned(), crate::grid::subtree_end(code)))
        .order(case_timeline::occurred_at.desc())
        .limit(limit)
        .select((TimelineRow::as_select(), CaseRow::as_select(), grids::name))
        .load(conn)
}
