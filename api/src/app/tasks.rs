//! "My tasks" (我的待办): one list, sorted by due time, of everything
//! waiting on the caller — inspections due, hazards to rectify or verify,
//! case steps, dispute follow-ups, policies to acknowledge, enterprises to
//! revisit. Each kind is read through its own index from the page's
//! position, and the kinds are merged; a page therefore costs one bounded
//! query per kind, however long the list.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use gridwork_domain::case::deadline::DeadlineStatus;
use gridwork_domain::case::{CaseState, Level};
use gridwork_domain::task::{self as rules, Position, TaskKind};
use gridwork_domain::{GridId, Permission, Role};
use gridwork_persistence::enterprise_service::represented_by;
use gridwork_persistence::task::{self as store, TaskRow};
use gridwork_persistence::{DbConnection, person, time};

use super::policies::{self, Seats};
use super::{AppError, Scoped};

/// One item of work.
#[derive(Debug, Clone)]
pub struct Task {
    pub kind: TaskKind,
    pub id: String,
    pub title: String,
    pub grid_id: Option<GridId>,
    pub due_at: DateTime<Utc>,
    pub status: DeadlineStatus,
    /// The operation that acts on it: method and path under the API prefix.
    pub action: (&'static str, String),
    /// The record it is about (a path under the API prefix), where it has its own page (an inspection
    /// occurrence has none: its id goes in the inspection's
    /// `occurrence_id`).
    pub href: Option<String>,
}

impl Task {
    pub fn position(&self) -> Position {
        Position {
            due_at: self.due_at,
            kind: self.kind,
            id: self.id.clone(),
        }
    }
}

/// What the list is cut to.
#[derive(Debug, Clone, Default)]
pub struct TaskFilter {
    pub kinds: Option<BTreeSet<TaskKind>>,
    pub grid_id: Option<GridId>,
}

/// The settings the list depends on.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    pub now: DateTime<Utc>,
    pub time_zone: Tz,
    pub stale_after: Duration,
}

fn action(
    kind: TaskKind,
    id: &str,
    case_state: Option<CaseState>,
) -> ((&'static str, String), Option<String>) {
    let case = |step: &str| {
        (
            ("POST", format!("/cases/{id}/{step}")),
            Some(format!("/cases/{id}")),
        )
    };
    match kind {
        TaskKind::Inspection => (("POST", "/inspections".to_owned()), None),
        TaskKind::HazardRectify => (
            ("POST", format!("/hazards/{id}/rectify")),
            Some(format!("/hazards/{id}")),
        ),
        TaskKind::HazardVerify => (
            ("POST", format!("/hazards/{id}/verify")),
            Some(format!("/hazards/{id}")),
        ),
        TaskKind::CaseAccept => case("accept"),
        TaskKind::CaseHandle | TaskKind::CaseResolve => {
            case(if case_state == Some(CaseState::Dispatched) {
                "start"
            } else {
                "resolve"
            })
        }
        TaskKind::CaseReportIn => case("report-in"),
        TaskKind::CaseVerify => case("verify"),
        TaskKind::CaseEvaluate => case("evaluate"),
        TaskKind::DisputeFollowUp => (
            ("POST", "/talks".to_owned()),
            Some(format!("/disputes/{id}")),
        ),
        TaskKind::Policy => (
            ("POST", format!("/policies/{id}/acknowledge")),
            Some(format!("/policies/{id}")),
        ),
        TaskKind::StaleEnterprise => (
            ("POST", format!("/enterprises/{id}/visits")),
            Some(format!("/enterprises/{id}")),
        ),
    }
}

/// A title of at most 100 characters.
fn title(text: &str) -> String {
    let text = text.trim();
    if text.chars().count() <= 100 {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(99).collect();
        format!("{cut}…")
    }
}

fn is_case(kind: TaskKind) -> bool {
    matches!(
        kind,
        TaskKind::CaseAccept
            | TaskKind::CaseHandle
            | TaskKind::CaseReportIn
            | TaskKind::CaseResolve
            | TaskKind::CaseVerify
            | TaskKind::CaseEvaluate
    )
}

/// One keyset page of the caller's tasks after `after`, at most `fetch`.
pub fn mine(
    conn: &mut DbConnection,
    scoped: &Scoped,
    filter: &TaskFilter,
    after: Option<&Position>,
    fetch: i64,
    clock: Clock,
) -> Result<Vec<Task>, AppError> {
    let Some(user) = scoped.caller.user.clone() else {
        return Ok(Vec::new());
    };
    let me = &user.id;
    let roles = &scoped.caller.roles;
    let wants = |kind| filter.kinds.as_ref().is_none_or(|k| k.contains(&kind));
    let grid = filter.grid_id.as_ref();
    if grid.is_some_and(|g| !scoped.scope.covers(Some(g))) {
        return Ok(Vec::new());
    }
    // the grids to read, cut to the filter's grid
    let scope_grids: Option<Vec<GridId>> = match (scoped.scope.grid_ids(), grid) {
        (_, Some(g)) => Some(vec![g.clone()]),
        (Some(ids), None) => Some(ids.to_vec()),
        (None, None) => None,
    };
    let position = |kind: TaskKind| after.map(|p| p.for_kind(kind));
    let naive = |kind: TaskKind| position(kind).map(|(at, id)| (time::to_db(at), id));
    let mut found: Vec<(TaskKind, TaskRow)> = Vec::new();
    let mut add = |kind: TaskKind, rows: Vec<TaskRow>| {
        found.extend(rows.into_iter().map(|r| (kind, r)));
    };

    // where the caller sits: read once for inspections and policies
    let seats = Seats::of(conn, Some(me))?;
    if wants(TaskKind::Inspection) {
        let by_role = seats.grids_by_role();
        add(
            TaskKind::Inspection,
            store::occurrences(conn, me, &by_role, grid, naive(TaskKind::Inspection), fetch)?,
        );
    }
    if wants(TaskKind::HazardRectify) {
        let person = person::find_by_user(conn, me)?.map(|p| p.id);
        let firms = represented_by(conn, me)?;
        if person.is_some() || !firms.is_empty() {
            add(
                TaskKind::HazardRectify,
                store::hazards_to_rectify(
                    conn,
                    person.as_ref(),
                    &firms,
                    grid,
                    naive(TaskKind::HazardRectify),
                    fetch,
                )?,
            );
        }
    }
    let supervisor = roles.contains(Role::GridLeader)
        || roles.contains(Role::ZoneOfficer)
        || roles.contains(Role::Admin);
    if wants(TaskKind::HazardVerify) && supervisor {
        add(
            TaskKind::HazardVerify,
            store::hazards_to_verify(
                conn,
                scope_grids.as_deref(),
                naive(TaskKind::HazardVerify),
                fetch,
            )?,
        );
    }
    let mut levels = Vec::new();
    if roles.contains(Role::GridLeader)
        || roles.contains(Role::ZoneOfficer)
        || roles.contains(Role::Admin)
    {
        levels.push(Level::Grid);
    }
    if roles.contains(Role::ZoneOfficer) || roles.contains(Role::Admin) {
        levels.push(Level::ZoneOffice);
    }
    if roles.contains(Role::CommitteeLeader) || roles.contains(Role::Admin) {
        levels.push(Level::Committee);
    }
    if wants(TaskKind::CaseAccept) && !levels.is_empty() {
        add(
            TaskKind::CaseAccept,
            store::cases_to_accept(
                conn,
                &levels,
                scope_grids.as_deref(),
                naive(TaskKind::CaseAccept),
                fetch,
            )?,
        );
    }
    if wants(TaskKind::CaseHandle) {
        add(
            TaskKind::CaseHandle,
            store::cases_assigned(conn, me, grid, naive(TaskKind::CaseHandle), fetch)?,
        );
    }
    let department = user
        .department_code
        .clone()
        .filter(|_| roles.contains(Role::DepartmentStaff));
    if let Some(department) = &department {
        if wants(TaskKind::CaseReportIn) {
            add(
                TaskKind::CaseReportIn,
                store::cases_to_report_in(
                    conn,
                    department,
                    grid,
                    naive(TaskKind::CaseReportIn),
                    fetch,
                )?,
            );
        }
        if wants(TaskKind::CaseResolve) {
            add(
                TaskKind::CaseResolve,
                store::cases_led(conn, department, grid, naive(TaskKind::CaseResolve), fetch)?,
            );
        }
    }
    if wants(TaskKind::CaseVerify) && supervisor {
        add(
            TaskKind::CaseVerify,
            store::cases_to_verify(
                conn,
                scope_grids.as_deref(),
                naive(TaskKind::CaseVerify),
                fetch,
            )?,
        );
    }
    if wants(TaskKind::CaseEvaluate) {
        add(
            TaskKind::CaseEvaluate,
            store::cases_to_evaluate(
                conn,
                me,
                rules::EVALUATION_WINDOW,
                grid,
                naive(TaskKind::CaseEvaluate),
                fetch,
            )?,
        );
    }
    if wants(TaskKind::DisputeFollowUp) {
        let tz = clock.time_zone;
        let until = (clock.now + rules::FOLLOW_UP_HORIZON)
            .with_timezone(&tz)
            .date_naive();
        // day-dated: a position's time is the start of its day in the zone
        let after_day = position(TaskKind::DisputeFollowUp).map(|(at, id)| {
            let day = at.with_timezone(&tz).date_naive();
            if rules::start_of(day, &tz) < at {
                (day, "\u{7f}".to_owned())
            } else {
                (day, id)
            }
        });
        let rows = store::follow_ups(conn, me, until, grid, after_day, fetch)?
            .into_iter()
            .map(|(id, summary, grid_id, day)| TaskRow {
                id,
                title: summary,
                grid_id: Some(grid_id),
                started: None,
                due: time::to_db(rules::start_of(day, &tz)),
            })
            .collect();
        add(TaskKind::DisputeFollowUp, rows);
    }
    if wants(TaskKind::Policy) && grid.is_none() {
        let tz = clock.time_zone;
        let after = position(TaskKind::Policy);
        let rows = policies::unacknowledged(conn, scoped, &seats)?
            .into_iter()
            .map(|p| TaskRow {
                id: p.id.to_string(),
                title: p.title,
                grid_id: None,
                started: None,
                due: time::to_db(rules::start_of(p.effective_on, &tz)),
            })
            .filter(|r| {
                after.as_ref().is_none_or(|(at, id)| {
                    let due = time::from_db(r.due);
                    due > *at || (due == *at && r.id > *id)
                })
            })
            .collect();
        add(TaskKind::Policy, rows);
    }
    if wants(TaskKind::StaleEnterprise) && scoped.caller.has(Permission::RecordVisits) {
        // the office does not visit: only those whose scope is their grids
        if let Some(grids) = scoped.scope.grid_ids() {
            let grids: Vec<GridId> = match grid {
                Some(g) => vec![g.clone()],
                None => grids.to_vec(),
            };
            add(
                TaskKind::StaleEnterprise,
                store::stale_enterprises(
                    conn,
                    &grids,
                    time::to_db(clock.now - clock.stale_after),
                    clock.stale_after,
                    naive(TaskKind::StaleEnterprise),
                    fetch,
                )?,
            );
        }
    }

    found.sort_by(|(ka, a), (kb, b)| (a.due, *ka, &a.id).cmp(&(b.due, *kb, &b.id)));
    found.truncate(usize::try_from(fetch).unwrap_or(0));
    let case_ids: Vec<String> = found
        .iter()
        .filter(|(k, _)| matches!(k, TaskKind::CaseHandle | TaskKind::CaseResolve))
        .map(|(_, r)| r.id.clone())
        .collect();
    let states: BTreeMap<String, CaseState> = if case_ids.is_empty() {
        BTreeMap::new()
    } else {
        store::case_states(conn, &case_ids)?.into_iter().collect()
    };
    Ok(found
        .into_iter()
        .map(|(kind, row)| {
            let due_at = time::from_db(row.due);
            let (action, href) = action(kind, &row.id, states.get(&row.id).copied());
            let started = row.started.map(time::from_db).filter(|_| {
                kind == TaskKind::Inspection || kind == TaskKind::HazardRectify || is_case(kind)
            });
            Task {
                kind,
                title: title(&row.title),
                grid_id: row.grid_id,
                status: rules::status(started, due_at, clock.now),
                due_at,
                action,
                href,
                id: row.id,
            }
        })
        .collect())
}
