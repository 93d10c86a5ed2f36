//! Inspection schedules (排查计划) and their occurrences: a template
//! inspected in a grid or an enterprise on a recurrence, by a person or by
//! a role of the grid. The sweeper of every instance makes the occurrences
//! (each exactly once) and moves those not done from due to overdue to
//! missed, in the zone's time zone.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use gridwork_domain::assignment::GridRole;
use gridwork_domain::audit::{AuditAction, Entity};
use gridwork_domain::event::EventType;
use gridwork_domain::schedule::{self, Recurrence, Timing, Window};
use gridwork_domain::{EnterpriseId, GridId, Permission, ScheduleId, TemplateId, UserId};
use gridwork_persistence::inspection_schedule::{
    self as store, OccurrenceFilter, OccurrenceRow, ScheduleRow,
};
use gridwork_persistence::{
    DbConnection, assignment, enterprise, grid, inspection_template, time, user,
};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::{AppError, AuditEvent, Expected, FieldCode, FieldError, Origin, Scoped};

/// A new schedule.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSchedule {
    /// The template inspected (`GET /api/v1/inspection-templates`); each
    /// inspection is filled in against its latest version at the time.
    #[schema(value_type = String, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")]
    pub template_id: TemplateId,
    /// Where: a grid in your scope, or an enterprise (then its grid).
    #[schema(value_type = Option<String>, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")]
    pub grid_id: Option<GridId>,
    #[schema(value_type = Option<String>, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")]
    pub enterprise_id: Option<EnterpriseId>,
    /// An RRULE of the subset `FREQ=DAILY`, `FREQ=WEEKLY;BYDAY=MO,TH`,
    /// `FREQ=MONTHLY;BYMONTHDAY=1` (`-1`: the last day; months without the
    /// day are skipped), each with an optional `INTERVAL=1..12`.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100, example = "FREQ=WEEKLY;BYDAY=MO")]
    pub recurrence: String,
    /// The first day occurrences may fall on (zone time).
    pub starts_on: NaiveDate,
    /// The last day, if the schedule ends.
    pub ends_on: Option<NaiveDate>,
    /// When the window opens, local (zone) time `HH:MM`.
    #[validate(length(min = 5, max = 5))]
    #[schema(
        min_length = 5,
        max_length = 5,
        pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$",
        example = "09:00"
    )]
    pub opens_at: String,
    /// How long the window stays open, in hours (1–744).
    #[validate(range(min = 1, max = 744))]
    #[schema(minimum = 1, maximum = 744, example = 8)]
    pub window_hours: i32,
    /// How long after the window closes an occurrence not done is missed
    /// rather than overdue, in hours (0–744, default 24).
    #[validate(range(min = 0, max = 744))]
    #[schema(minimum = 0, maximum = 744, example = 24)]
    pub grace_hours: Option<i32>,
    /// Who inspects: a person's account serving the grid…
    #[schema(value_type = Option<String>, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")]
    pub assignee_user_id: Option<UserId>,
    /// …or everyone holding this role in the grid.
    pub assignee_role: Option<GridRole>,
}

/// The default grace before an occurrence is missed.
pub const DEFAULT_GRACE_HOURS: i32 = 24;

fn parse_time(text: &str) -> Result<NaiveTime, AppError> {
    NaiveTime::parse_from_str(text, "%H:%M").map_err(|_| {
        AppError::invalid(
            "opens_at",
            FieldCode::Invalid,
            "write HH:MM, 00:00 to 23:59",
        )
    })
}

/// The domain's view of a stored schedule.
fn timing(row: &ScheduleRow) -> Result<(Recurrence, Timing), AppError> {
    let broken = |what: &str| AppError::Internal(format!("stored schedule {}: {what}", row.id));
    let recurrence = Recurrence::parse(&row.recurrence).map_err(|_| broken("recurrence"))?;
    let opens =
        NaiveTime::parse_from_str(&row.opens_at, "%H:%M").map_err(|_| broken("opens_at"))?;
    Ok((
        recurrence,
        Timing {
            starts_on: row.starts_on,
            ends_on: row.ends_on,
            opens,
            window: Duration::hours(i64::from(row.window_hours)),
            grace: Duration::hours(i64::from(row.grace_hours)),
        },
    ))
}

/// Where an inspection takes place: a grid of the caller's scope, or an
/// enterprise of it (then its grid); exactly one of them.
pub fn place(
    conn: &mut DbConnection,
    scoped: &Scoped,
    grid_id: Option<&GridId>,
    enterprise_id: Option<&EnterpriseId>,
) -> Result<(GridId, Option<EnterpriseId>), AppError> {
    match (grid_id, enterprise_id) {
        (Some(grid_id), None) => {
            let grid = grid::find(conn, grid_id)?
                .filter(|g| g.archived_at.is_none() && scoped.scope.covers(Some(&g.id)))
                .ok_or_else(|| {
                    AppError::invalid("grid_id", FieldCode::NotFound, "no such grid in your scope")
                })?;
            Ok((grid.id, None))
        }
        (None, Some(enterprise_id)) => {
            let firm = enterprise::find(conn, enterprise_id)?
                .filter(|e| e.archived_at.is_none() && scoped.scope.covers(e.grid_id.as_ref()))
                .ok_or_else(|| {
                    AppError::invalid(
                        "enterprise_id",
                        FieldCode::NotFound,
                        "no such enterprise in your scope",
                    )
                })?;
            let grid_id = firm.grid_id.clone().ok_or_else(|| {
                AppError::invalid(
                    "enterprise_id",
                    FieldCode::Invalid,
                    "the enterprise is in no grid yet",
                )
            })?;
            Ok((grid_id, Some(firm.id)))
        }
        _ => Err(AppError::invalid(
            "grid_id",
            FieldCode::Invalid,
            "give either `grid_id` or `enterprise_id`",
        )),
    }
}

/// Creates a schedule in the caller's scope.
pub fn create(
    conn: &mut DbConnection,
    scoped: &Scoped,
    origin: &Origin,
    input: &CreateSchedule,
    now: DateTime<Utc>,
) -> Result<ScheduleRow, AppError> {
    scoped.require(Permission::ManageInspections)?;
    input.validate()?;
    let mut errors = Vec::new();
    let recurrence = Recurrence::parse(&input.recurrence)
        .map_err(|e| FieldError::new("recurrence", FieldCode::Invalid, e));
    if let Err(e) = &recurrence {
        errors.push(e.clone());
    }
    if let Err(AppError::Invalid(e)) = parse_time(&input.opens_at) {
        errors.extend(e);
    }
    if input.ends_on.is_some_and(|end| end < input.starts_on) {
        errors.push(FieldError::new(
            "ends_on",
            FieldCode::OutOfRange,
            "must not be before `starts_on`",
        ));
    }
    if input.assignee_user_id.is_some() == input.assignee_role.is_some() {
        errors.push(FieldError::new(
            "assignee_user_id",
            FieldCode::Invalid,
            "give either `assignee_user_id` or `assignee_role`",
        ));
    }
    AppError::check(errors)?;
    super::transaction(conn, |conn| {
        let template = inspection_template::find(conn, &input.template_id)?
            .filter(|t| t.archived_at.is_none())
            .ok_or_else(|| {
                AppError::invalid(
                    "template_id",
                    FieldCode::NotFound,
                    "no such active template",
                )
            })?;
        let (grid_id, enterprise_id) = place(
            conn,
            scoped,
            input.grid_id.as_ref(),
            input.enterprise_id.as_ref(),
        )?;
        if let Some(assignee) = &input.assignee_user_id {
            let usable = user::find(conn, assignee)?.is_some_and(|u| !u.disabled);
            let codes = assignment::assigned_grid_codes(conn, assignee)?;
            if !usable || !grid::ids_under(conn, &codes)?.contains(&grid_id) {
                return Err(AppError::invalid(
                    "assignee_user_id",
                    FieldCode::NotFound,
                    "no active account serving this grid",
                ));
            }
        }
        let at = time::to_db(now);
        let row = ScheduleRow {
            id: ScheduleId::generate(),
            template_id: template.id,
            grid_id,
            enterprise_id,
            recurrence: recurrence
                .as_ref()
                .map(|r| r.as_str().to_owned())
                .unwrap_or_default(),
            starts_on: input.starts_on,
            ends_on: input.ends_on,
            opens_at: input.opens_at.clone(),
            window_hours: input.window_hours,
            grace_hours: input.grace_hours.unwrap_or(DEFAULT_GRACE_HOURS),
            assignee_user_id: input.assignee_user_id.clone(),
            assignee_role: input.assignee_role,
            materialized_until: None,
            archived_at: None,
            created_by: scoped.caller.user_id().cloned(),
            created_at: at,
            updated_at: at,
            version: 1,
        };
        store::insert(conn, &row)?;
        AuditEvent::success(AuditAction::ScheduleCreate)
            .by(&scoped.caller)
            .on(Entity::InspectionSchedule, &row.id)
            .detail(serde_json::json!({ "template_id": row.template_id, "grid_id": row.grid_id, "recurrence": row.recurrence }))
            .event(
                EventType::InspectionScheduleCreated,
                serde_json::json!({ "template_id": row.template_id, "grid_id": row.grid_id, "enterprise_id": row.enterprise_id }),
            )
            .write(conn, origin)?;
        Ok(row)
    })
}

/// A schedule in the caller's scope.
pub fn find(
    conn: &mut DbConnection,
    scoped: &Scoped,
    id: &ScheduleId,
) -> Result<ScheduleRow, AppError> {
    let row = store::find(conn, id)?.ok_or(AppError::NotFound)?;
    scoped.check(Some(&row.grid_id))?;
    Ok(row)
}

/// One keyset page of the active schedules in the caller's scope.
pub fn list(
    conn: &mut DbConnection,
    scoped: &Scoped,
    after: Option<&str>,
    fetch: i64,
) -> Result<Vec<ScheduleRow>, AppError> {
    Ok(store::page(conn, scoped.scope.grid_ids(), after, fetch)?)
}

/// Ends a schedule: no more occurrences are made; those made stay.
pub fn archive(
    conn: &mut DbConnection,
    scoped: &Scoped,
    origin: &Origin,
    id: &ScheduleId,
    expected: &Expected,
    now: DateTime<Utc>,
) -> Result<ScheduleRow, AppError> {
    super::transaction(conn, |conn| {
        let current = find(conn, scoped, id)?;
        scoped.require(Permission::ManageInspections)?;
        if current.archived_at.is_some() {
            return Ok(current);
        }
        expected.check(current.version)?;
        let at = time::to_db(now);
        let next = ScheduleRow {
            archived_at: Some(at),
            updated_at: at,
            version: current.version + 1,
            ..current
        };
        if !store::update(conn, &next)? {
            return Err(AppError::Stale);
        }
        AuditEvent::success(AuditAction::ScheduleArchive)
            .by(&scoped.caller)
            .on(Entity::InspectionSchedule, &next.id)
            .event(
                EventType::InspectionScheduleArchived,
                serde_json::json!({ "grid_id": next.grid_id }),
            )
            .write(conn, origin)?;
        Ok(next)
    })
}

/// One keyset page of occurrences in the caller's scope, by window close.
pub fn occurrences(
    conn: &mut DbConnection,
    scoped: &Scoped,
    mut filter: OccurrenceFilter,
    after: Option<(chrono::NaiveDateTime, String)>,
    fetch: i64,
) -> Result<Vec<OccurrenceRow>, AppError> {
    filter.grids = match (filter.grids.take(), scoped.scope.grid_ids()) {
        (Some(asked), Some(mine)) => Some(asked.into_iter().filter(|g| mine.contains(g)).collect()),
        (asked, mine) => asked.or(mine.map(<[GridId]>::to_vec)),
    };
    Ok(store::occurrences(conn, &filter, after, fetch)?)
}

/// How far ahead occurrences are made: a day, so that tomorrow's
/// inspections are on workers' lists before they open.
pub const HORIZON: Duration = Duration::hours(24);

/// A schedule is made ahead again once less than this is left of its
/// horizon, so each sweep (every minute) touches only the schedules that
/// need it — each about twice a day — rather than every schedule.
pub const REFILL: Duration = Duration::hours(12);

/// What a sweep of the schedules did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Swept {
    pub made: usize,
    pub moved: usize,
}

/// For each schedule with less than `REFILL` made ahead, makes the
/// occurrences opening before `now + HORIZON` that are not made yet (from
/// the schedule's creation on, never before it); then moves
/// those not done along (due → overdue → missed). Safe to run on several
/// instances at once: occurrences are unique per schedule and opening
/// time, and the moves are plain UPDATEs.
pub fn sweep(conn: &mut DbConnection, tz: Tz, now: DateTime<Utc>) -> Result<Swept, AppError> {
    let until = now + HORIZON;
    let mut swept = Swept::default();
    let mut after: Option<ScheduleId> = None;
    loop {
        let batch = store::behind(conn, time::to_db(now + REFILL), after.as_ref(), 100)?;
        let Some(last) = batch.last() else { break };
        after = Some(last.id.clone());
        for row in batch {
            let (recurrence, timing) = timing(&row)?;
            let from = time::from_db(
                row.materialized_until
                    .unwrap_or(row.created_at)
                    .max(row.created_at),
            );
            let made: Vec<OccurrenceRow> = schedule::windows(&recurrence, &timing, tz, from, until)
                .into_iter()
                .map(|w| occurrence(&row, &w, now))
                .collect();
            swept.made += super::transaction(conn, |conn| {
                let added = store::add_occurrences(conn, &made)?;
                store::materialized(conn, &row.id, time::to_db(until))?;
                Ok(added)
            })?;
        }
    }
    swept.moved = store::age(conn, time::to_db(now))?;
    Ok(swept)
}

fn occurrence(row: &ScheduleRow, w: &Window, now: DateTime<Utc>) -> OccurrenceRow {
    let at = time::to_db(now);
    OccurrenceRow {
        id: uuid::Uuid::now_v7().to_string(),
        schedule_id: row.id.clone(),
        template_id: row.template_id.clone(),
        grid_id: row.grid_id.clone(),
        enterprise_id: row.enterprise_id.clone(),
        assignee_user_id: row.assignee_user_id.clone(),
        assignee_role: row.assignee_role,
        opens_at: time::to_db(w.opens_at),
        closes_at: time::to_db(w.closes_at),
        missed_at: time::to_db(w.missed_at),
        state: w.state_at(now),
        inspection_id: None,
        done_at: None,
        done_by: None,
        on_time: None,
        created_at: at,
        updated_at: at,
    }
}
