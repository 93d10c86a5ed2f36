//! The reads behind "my tasks": for each kind of work, the next items after
//! a position in `(due time, id)` order, each through an index that starts
//! with who or where the work waits on and then the due time.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use gridwork_domain::assignment::GridRole;
use gridwork_domain::case::{CaseState, Level};
use gridwork_domain::hazard::HazardState;
use gridwork_domain::schedule::OccurrenceState;
use gridwork_domain::{EnterpriseId, GridId, PersonId, UserId};

use crate::connection::DbConnection;
use crate::schema::{
    case_departments, cases, disputes, enterprises, hazards, inspection_occurrences,
    inspection_templates,
};

/// One item of work as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskRow {
    pub id: String,
    /// What the item is, in a few words (a template's or enterprise's name,
    /// a description's start).
    pub title: String,
    pub grid_id: Option<GridId>,
    /// When the work could start, for kinds whose deadline runs from it.
    pub started: Option<NaiveDateTime>,
    pub due: NaiveDateTime,
}

/// The states of these cases (to say which step comes next).
pub fn case_states(
    conn: &mut DbConnection,
    ids: &[String],
) -> QueryResult<Vec<(String, CaseState)>> {
    cases::table
        .filter(cases::id.eq_any(ids.to_vec()))
        .select((cases::id, cases::state))
        .load(conn)
}

/// Continue after `(due, id)`; ordered by due time, then id.
macro_rules! after {
    ($query:expr, $due:expr, $id:expr, $after:expr) => {{
        let mut query = $query;
        if let Some((at, id)) = $after {
            // `due >= at` first: an index range start, not a scan
            query = query.filter($due.ge(at)).filter($due.gt(at).or($id.gt(id)));
        }
        query.order(($due.asc(), $id.asc()))
    }};
}

/// One page of task rows: `query` continued after `after` by `(due, id)`,
/// at most `limit`.
macro_rules! page {
    ($conn:expr, $query:expr, $due:expr, $id:expr, $after:expr, $limit:expr) => {
        Ok(rows(
            planned_per_call!($conn, after!($query, $due, $id, $after))
                .limit($limit)
                .load($conn)?,
        ))
    };
}

/// `(due, id)` to continue after, if not the first page.
pub type After = Option<(NaiveDateTime, String)>;

/// A task row as selected: id, title, grid, start, due.
type Selected = (
    String,
    String,
    Option<GridId>,
    Option<NaiveDateTime>,
    NaiveDateTime,
);

fn rows(loaded: Vec<Selected>) -> Vec<TaskRow> {
    loaded
        .into_iter()
        .map(|(id, title, grid_id, started, due)| TaskRow {
            id,
            title,
            grid_id,
            started,
            due,
        })
        .collect()
}

/// Occurrences due or overdue for `user` by name, or for a role they hold
/// in a grid (`roles`: the grids where they hold each role).
pub fn occurrences(
    conn: &mut DbConnection,
    user: &UserId,
    roles: &[(GridRole, Vec<GridId>)],
    grid: Option<&GridId>,
    after: After,
    limit: i64,
) -> QueryResult<Vec<TaskRow>> {
    use inspection_occurrences as o;
    let mut query = o::table
        .inner_join(inspection_templates::table)
        .filter(o::state.eq_any([OccurrenceState::Due, OccurrenceState::Overdue]))
        .select((
            o::id,
            inspection_templates::name,
            o::grid_id.nullable(),
            o::opens_at.nullable(),
            o::closes_at,
        ))
        .into_boxed();
    let mut mine = Box::new(o::assignee_user_id.eq(user.clone()).nullable())
        as Box<
            dyn BoxableExpression<
                    _,
                    _,
                    SqlType = diesel::sql_types::Nullable<diesel::sql_types::Bool>,
                >,
        >;
    for (role, grids) in roles {
        mine = Box::new(
            mine.or(o::assignee_role
                .eq(*role)
                .and(o::grid_id.eq_any(grids.clone()))
                .nullable()),
        );
    }
    query = query.filter(mine);
    if let Some(grid) = grid {
        query = query.filter(o::grid_id.eq(grid.clone()));
    }
    page!(conn, query, o::closes_at, o::id, after, limit)
}

/// Hazards awaiting rectification that `person` is responsible for, or in
/// the enterprises they are the principal of.
pub fn hazards_to_rectify(
    conn: &mut DbConnection,
    person: Option<&PersonId>,
    enterprises: &[EnterpriseId],
    grid: Option<&GridId>,
    after: After,
    limit: i64,
) -> QueryResult<Vec<TaskRow>> {
    let mut query = hazards::table
        .filter(hazards::state.eq_any([HazardState::Open, HazardState::Rectifying]))
        .select((
            hazards::id,
            hazards::description,
            hazards::grid_id.nullable(),
            hazards::created_at.nullable(),
            hazards::rectify_due_at,
        ))
        .into_boxed();
    let firms: Vec<Option<EnterpriseId>> = enterprises.iter().cloned().map(Some).collect();
    query = match person {
        Some(person) => query.filter(
            hazards::responsible_person_id
                .eq(person.clone())
                .or(hazards::enterprise_id.eq_any(firms)),
        ),
        None => query.filter(hazards::enterprise_id.eq_any(firms)),
    };
    if let Some(grid) = grid {
        query = query.filter(hazards::grid_id.eq(grid.clone()));
    }
    page!(
        conn,
        query,
        hazards::rectify_due_at,
        hazards::id,
        after,
        limit
    )
}

/// Rectified hazards awaiting verification in these grids (None: all).
pub fn hazards_to_verify(
    conn: &mut DbConnection,
    grids: Option<&[GridId]>,
    after: After,
    limit: i64,
) -> QueryResult<Vec<TaskRow>> {
    let mut query = hazards::table
        .filter(hazards::state.eq(HazardState::Rectified))
        .select((
            hazards::id,
            hazards::description,
            hazards::grid_id.nullable(),
            hazards::created_at.nullable(),
            hazards::rectify_due_at,
        ))
        .into_boxed();
    if let Some(grids) = grids {
        query = query.filter(hazards::grid_id.eq_any(grids.to_vec()));
    }
    page!(
        conn,
        query,
        hazards::rectify_due_at,
        hazards::id,
        after,
        limit
    )
}

/// Cases reported at one of `levels` in these grids (None: all), to accept.
pub fn cases_to_accept(
    conn: &mut DbConnection,
    levels: &[Level],
    grids: Option<&[GridId]>,
    after: After,
    limit: i64,
) -> QueryResult<Vec<TaskRow>> {
    let mut query = cases::table
        .filter(cases::state.eq(CaseState::Reported))
        .filter(cases::level.eq_any(levels.to_vec()))
        .select((
            cases::id,
            cases::description,
            cases::grid_id.nullable(),
            cases::reported_at.nullable(),
            cases::accept_due_at,
        ))
        .into_boxed();
    if let Some(grids) = grids {
        query = query.filter(cases::grid_id.eq_any(grids.to_vec()));
    }
    page!(conn, query, cases::accept_due_at, cases::id, after, limit)
}

/// The states in which whoever handles a case has work to do on it.
const HANDLING: [CaseState; 3] = [
    CaseState::Dispatched,
    CaseState::InProgress,
    CaseState::Rework,
];

/// Cases dispatched to `user` that they have yet to resolve.
pub fn cases_assigned(
    conn: &mut DbConnection,
    user: &UserId,
    grid: Option<&GridId>,
    after: After,
    limit: i64,
) -> QueryResult<Vec<TaskRow>> {
    let mut query = cases::table
        .filter(cases::assignee_id.eq(user.clone()))
        .filter(cases::state.eq_any(HANDLING))
        .select((
            cases::id,
            cases::description,
            cases::grid_id.nullable(),
            cases::dispatched_at,
            cases::resolve_due_at,
        ))
        .into_boxed();
    if let Some(grid) = grid {
        query = query.filter(cases::grid_id.eq(grid.clone()));
    }
    page!(conn, query, cases::resolve_due_at, cases::id, after, limit)
}

/// Open cases dispatched to `department` that it has not reported in on.
pub fn cases_to_report_in(
    conn: &mut DbConnection,
    department: &str,
    grid: Option<&GridId>,
    after: After,
    limit: i64,
) -> QueryResult<Vec<TaskRow>> {
    let mut query = cases::table
        .inner_join(case_departments::table.on(case_departments::case_id.eq(cases::id)))
        .filter(case_departments::department_code.eq(department.to_owned()))
        .filter(case_departments::reported_in_at.is_null())
        .filter(cases::state.eq_any([
            CaseState::Dispatched,
            CaseState::InProgress,
            CaseState::OnHold,
            CaseState::Rework,
        ]))
        .filter(cases::report_in_due_at.is_not_null())
        .select((
            cases::id,
            cases::description,
            cases::grid_id.nullable(),
            case_departments::dispatched_at.nullable(),
            cases::report_in_due_at.assume_not_null(),
        ))
        .into_boxed();
    if let Some(grid) = grid {
        query = query.filter(cases::grid_id.eq(grid.clone()));
    }
    page!(
        conn,
        query,
        cases::report_in_due_at.assume_not_null(),
        cases::id,
        after,
        limit
    )
}

/// Cases `department` leads at the departments' level, to resolve.
pub fn cases_led(
    conn: &mut DbConnection,
    department: &str,
    grid: Option<&GridId>,
    after: After,
    limit: i64,
) -> QueryResult<Vec<TaskRow>> {
    let mut query = cases::table
        .inner_join(case_departments::table.on(case_departments::case_id.eq(cases::id)))
        .filter(case_departments::department_code.eq(department.to_owned()))
        .filter(case_departments::lead.eq(true))
        .filter(cases::level.eq(Level::Departments))
        .filter(cases::state.eq_any(HANDLING))
        .select((
            cases::id,
            cases::description,
            cases::grid_id.nullable(),
            case_departments::dispatched_at.nullable(),
            cases::resolve_due_at,
        ))
        .into_boxed();
    if let Some(grid) = grid {
        query = query.filter(cases::grid_id.eq(grid.clone()));
    }
    page!(conn, query, cases::resolve_due_at, cases::id, after, limit)
}

/// Resolved cases awaiting verification in these grids (None: all).
pub fn cases_to_verify(
    conn: &mut DbConnection,
    grids: Option<&[GridId]>,
    after: After,
    limit: i64,
) -> QueryResult<Vec<TaskRow>> {
    let mut query = cases::table
        .filter(cases::state.eq(CaseState::Resolved))
        .select((
            cases::id,
            cases::description,
            cases::grid_id.nullable(),
            cases::reported_at.nullable(),
            cases::resolve_due_at,
        ))
        .into_boxed();
    if let Some(grids) = grids {
        query = query.filter(cases::grid_id.eq_any(grids.to_vec()));
    }
    page!(conn, query, cases::resolve_due_at, cases::id, after, limit)
}

/// Closed cases `user` reported and has yet to evaluate; due `window`
/// after closing.
pub fn cases_to_evaluate(
    conn: &mut DbConnection,
    user: &UserId,
    window: Duration,
    grid: Option<&GridId>,
    after: After,
    limit: i64,
) -> QueryResult<Vec<TaskRow>> {
    let mut query = cases::table
        .filter(cases::reporter_id.eq(user.clone()))
        .filter(cases::state.eq(CaseState::Closed))
        .filter(cases::closed_at.is_not_null())
        .select((
            cases::id,
            cases::description,
            cases::grid_id.nullable(),
            cases::closed_at,
            cases::closed_at.assume_not_null(),
        ))
        .into_boxed();
    if let Some(grid) = grid {
        query = query.filter(cases::grid_id.eq(grid.clone()));
    }
    let after = after.map(|(at, id)| (at - window, id));
    Ok(rows(
        after!(query, cases::closed_at.assume_not_null(), cases::id, after)
            .limit(limit)
            .load(conn)?,
    )
    .into_iter()
    .map(|r| TaskRow {
        due: r.due + window,
        ..r
    })
    .collect())
}

/// Disputes `user` mediates with a follow-up on or before `until`, after
/// `(day, id)`: `(id, summary, grid, follow-up day)`.
pub fn follow_ups(
    conn: &mut DbConnection,
    user: &UserId,
    until: NaiveDate,
    grid: Option<&GridId>,
    after: Option<(NaiveDate, String)>,
    limit: i64,
) -> QueryResult<Vec<(String, String, GridId, NaiveDate)>> {
    let mut query = disputes::table
        .filter(disputes::mediator_id.eq(user.clone()))
        .filter(disputes::follow_up_on.le(until))
        .select((
            disputes::id,
            disputes::summary,
            disputes::grid_id,
            disputes::follow_up_on.assume_not_null(),
        ))
        .into_boxed();
    if let Some(grid) = grid {
        query = query.filter(disputes::grid_id.eq(grid.clone()));
    }
    after!(
        query,
        disputes::follow_up_on.assume_not_null(),
        disputes::id,
        after
    )
    .limit(limit)
    .load(conn)
}

/// Active enterprises in these grids never visited (due since they were
/// registered) or last verified before `stale_before` (due `stale_after`
/// after that visit).
pub fn stale_enterprises(
    conn: &mut DbConnection,
    grids: &[GridId],
    stale_before: NaiveDateTime,
    stale_after: Duration,
    after: After,
    limit: i64,
) -> QueryResult<Vec<TaskRow>> {
    let ids: Vec<Option<GridId>> = grids.iter().cloned().map(Some).collect();
    let shifted = after.clone().map(|(at, id)| (at - stale_after, id));
    let mut visited = rows(
        after!(
            enterprises::table
                .filter(enterprises::grid_id.eq_any(ids.clone()))
                .filter(enterprises::archived_at.is_null())
                .filter(enterprises::last_verified_at.lt(stale_before))
                .select((
                    enterprises::id,
                    enterprises::name,
                    enterprises::grid_id,
                    enterprises::last_verified_at,
                    enterprises::last_verified_at.assume_not_null(),
                ))
                .into_boxed(),
            enterprises::last_verified_at.assume_not_null(),
            enterprises::id,
            shifted
        )
        .limit(limit)
        .load(conn)?,
    );
    for row in &mut visited {
        row.due += stale_after;
    }
    let never = after!(
        enterprises::table
            .filter(enterprises::grid_id.eq_any(ids))
            .filter(enterprises::archived_at.is_null())
            .filter(enterprises::last_verified_at.is_null())
            .select((
                enterprises::id,
                enterprises::name,
                enterprises::grid_id,
                enterprises::last_verified_at,
                enterprises::created_at,
            ))
            .into_boxed(),
        enterprises::created_at,
        enterprises::id,
        after
    )
    .limit(limit)
    .load(conn)?;
    let mut all = visited;
    all.extend(rows(never));
    all.sort_by(|a, b| (a.due, &a.id).cmp(&(b.due, &b.id)));
    all.truncate(usize::try_from(limit).unwrap_or(0));
    Ok(all)
}
