//! Inspection schedules and their occurrences. Occurrences are made by the
//! sweeper of every instance; the unique `(schedule_id, opens_at)` makes
//! each exactly once, however many instances make it at the same moment.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use gridwork_domain::assignment::GridRole;
use gridwork_domain::schedule::OccurrenceState;
use gridwork_domain::{EnterpriseId, GridId, ScheduleId, TemplateId, UserId};

use crate::connection::DbConnection;
use crate::schema::{inspection_occurrences, inspection_schedules};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = inspection_schedules, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite), treat_none_as_default_value = false)]
pub struct ScheduleRow {
    pub id: ScheduleId,
    pub template_id: TemplateId,
    /// The grid inspected, or the enterprise's grid.
    pub grid_id: GridId,
    pub enterprise_id: Option<EnterpriseId>,
    /// `domain::schedule::Recurrence` text.
    pub recurrence: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    /// Local (zone) time the window opens, `HH:MM`.
    pub opens_at: String,
    pub window_hours: i32,
    pub grace_hours: i32,
    /// A person's account, or else a role in the grid.
    pub assignee_user_id: Option<UserId>,
    pub assignee_role: Option<GridRole>,
    /// Occurrences opening before this moment are made.
    pub materialized_until: Option<NaiveDateTime>,
    pub archived_at: Option<NaiveDateTime>,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = inspection_occurrences, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite), treat_none_as_default_value = false)]
pub struct OccurrenceRow {
    pub id: String,
    pub schedule_id: ScheduleId,
    pub template_id: TemplateId,
    pub grid_id: GridId,
    pub enterprise_id: Option<EnterpriseId>,
    pub assignee_user_id: Option<UserId>,
    pub assignee_role: Option<GridRole>,
    pub opens_at: NaiveDateTime,
    pub closes_at: NaiveDateTime,
    pub missed_at: NaiveDateTime,
    pub state: OccurrenceState,
    pub inspection_id: Option<String>,
    pub done_at: Option<NaiveDateTime>,
    pub on_time: Option<bool>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Who did it (the inspector), kept beside the inspection so the KPIs
    /// need not join every inspection.
    pub done_by: Option<UserId>,
}

pub fn insert(conn: &mut DbConnection, row: &ScheduleRow) -> QueryResult<()> {
    diesel::insert_into(inspection_schedules::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

pub fn find(conn: &mut DbConnection, id: &ScheduleId) -> QueryResult<Option<ScheduleRow>> {
    inspection_schedules::table
        .find(id)
        .select(ScheduleRow::as_select())
        .first(conn)
        .optional()
}

/// Writes `row` if it is still at `row.version - 1`.
pub fn update(conn: &mut DbConnection, row: &ScheduleRow) -> QueryResult<bool> {
    let n = diesel::update(
        inspection_schedules::table
            .filter(inspection_schedules::id.eq(&row.id))
            .filter(inspection_schedules::version.eq(row.version - 1)),
    )
    .set((
        inspection_schedules::ends_on.eq(row.ends_on),
        inspection_schedules::assignee_user_id.eq(&row.assignee_user_id),
        inspection_schedules::assignee_role.eq(row.assignee_role),
        inspection_schedules::archived_at.eq(row.archived_at),
        inspection_schedules::updated_at.eq(row.updated_at),
        inspection_schedules::version.eq(row.version),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// One keyset page of schedules in id order, within some grids (None: all).
pub fn page(
    conn: &mut DbConnection,
    within: Option<&[GridId]>,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<ScheduleRow>> {
    let mut query = inspection_schedules::table
        .select(ScheduleRow::as_select())
        .filter(inspection_schedules::archived_at.is_null())
        .into_boxed();
    if let Some(grids) = within {
        query = query.filter(inspection_schedules::grid_id.eq_any(grids.to_vec()));
    }
    if let Some(after) = after {
        query = query.filter(inspection_schedules::id.gt(after.to_owned()));
    }
    query
        .order(inspection_schedules::id.asc())
        .limit(limit)
        .load(conn)
}

/// Active schedules whose occurrences are made only before `until`, in id
/// order after `after`: the sweeper's work, a batch at a time.
pub fn behind(
    conn: &mut DbConnection,
    until: NaiveDateTime,
    after: Option<&ScheduleId>,
    limit: i64,
) -> QueryResult<Vec<ScheduleRow>> {
    let mut query = inspection_schedules::table
        .select(ScheduleRow::as_select())
        .filter(inspection_schedules::archived_at.is_null())
        .filter(
            inspection_schedules::materialized_until
                .is_null()
                .or(inspection_schedules::materialized_until.lt(until)),
        )
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(inspection_schedules::id.gt(after.clone()));
    }
    query
        .order(inspection_schedules::id.asc())
        .limit(limit)
        .load(conn)
}

/// Notes that occurrences opening before `until` are made.
pub fn materialized(
    conn: &mut DbConnection,
    id: &ScheduleId,
    until: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(
        inspection_schedules::table
            .filter(inspection_schedules::id.eq(id))
            .filter(
                inspection_schedules::materialized_until
                    .is_null()
                    .or(inspection_schedules::materialized_until.lt(until)),
            ),
    )
    .set(inspection_schedules::materialized_until.eq(until))
    .execute(conn)
    .map(drop)
}

/// Adds occurrences, skipping those another instance made already; returns
/// how many this call added. An upsert, which the multi-backend connection
/// cannot express: written per backend.
pub fn add_occurrences(conn: &mut DbConnection, rows: &[OccurrenceRow]) -> QueryResult<usize> {
    if rows.is_empty() {
        return Ok(0);
    }
    let keys = (
        inspection_occurrences::schedule_id,
        inspection_occurrences::opens_at,
    );
    match conn {
        DbConnection::Postgresql(pg) => diesel::insert_into(inspection_occurrences::table)
            .values(rows)
            .on_conflict(keys)
            .do_nothing()
            .execute(pg),
        // SQLite takes no batch of rows with an ON CONFLICT clause: one by one
        DbConnection::Sqlite(lite) => rows.iter().try_fold(0, |added, row| {
            diesel::insert_into(inspection_occurrences::table)
                .values(row)
                .on_conflict(keys)
                .do_nothing()
                .execute(lite)
                .map(|n| added + n)
        }),
    }
}

/// Moves occurrences not done along as time passes: `due` → `overdue` once
/// the window closed, → `missed` once the grace passed. Plain UPDATEs, the
/// same whoever runs them; returns how many moved.
pub fn age(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<usize> {
    use OccurrenceState::*;
    let missed = diesel::update(
        inspection_occurrences::table
            .filter(inspection_occurrences::state.eq_any([Due, Overdue]))
            .filter(inspection_occurrences::missed_at.le(now)),
    )
    .set((
        inspection_occurrences::state.eq(Missed),
        inspection_occurrences::updated_at.eq(now),
    ))
    .execute(conn)?;
    let overdue = diesel::update(
        inspection_occurrences::table
            .filter(inspection_occurrences::state.eq(Due))
            .filter(inspection_occurrences::closes_at.le(now)),
    )
    .set((
        inspection_occurrences::state.eq(Overdue),
        inspection_occurrences::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(missed + overdue)
}

pub fn find_occurrence(conn: &mut DbConnection, id: &str) -> QueryResult<Option<OccurrenceRow>> {
    inspection_occurrences::table
        .find(id)
        .select(OccurrenceRow::as_select())
        .first(conn)
        .optional()
}

/// Filters of the occurrence list.
#[derive(Debug, Clone, Default)]
pub struct OccurrenceFilter {
    /// Within these grids (None: all).
    pub grids: Option<Vec<GridId>>,
    pub schedule: Option<ScheduleId>,
    pub states: Option<Vec<OccurrenceState>>,
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
}

/// One keyset page of occurrences by window close, then id
/// (`inspection_occurrences_grid_idx`, `…_schedule_idx`).
pub fn occurrences(
    conn: &mut DbConnection,
    filter: &OccurrenceFilter,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> QueryResult<Vec<OccurrenceRow>> {
    let mut query = inspection_occurrences::table
        .select(OccurrenceRow::as_select())
        .into_boxed();
    if let Some(grids) = &filter.grids {
        query = query.filter(inspection_occurrences::grid_id.eq_any(grids.clone()));
    }
    if let Some(schedule) = &filter.schedule {
        query = query.filter(inspection_occurrences::schedule_id.eq(schedule.clone()));
    }
    if let Some(states) = &filter.states {
        query = query.filter(inspection_occurrences::state.eq_any(states.clone()));
    }
    if let Some(from) = filter.from {
        query = query.filter(inspection_occurrences::closes_at.ge(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(inspection_occurrences::opens_at.lt(to));
    }
    if let Some((at, id)) = after {
        query = query.filter(
            inspection_occurrences::closes_at
                .gt(at)
                .or(inspection_occurrences::closes_at
                    .eq(at)
                    .and(inspection_occurrences::id.gt(id))),
        );
    }
    query
        .order((
            inspection_occurrences::closes_at.asc(),
            inspection_occurrences::id.asc(),
        ))
        .limit(limit)
        .load(conn)
}

/// What the KPIs read of an occurrence: its grid, who was to do it or did
/// it (the assignee, else the inspector), and how it stands.
pub type OccurrenceFact = (
    GridId,
    Option<UserId>,
    Option<UserId>,
    OccurrenceState,
    Option<bool>,
);

/// The facts of the occurrences whose windows closed in `[from, to)`,
/// within some grids (None: all), read from `inspection_occurrences_facts_idx`
/// alone.
pub fn facts(
    conn: &mut DbConnection,
    grids: Option<&[GridId]>,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<OccurrenceFact>> {
    let mut query = inspection_occurrences::table
        .filter(inspection_occurrences::closes_at.ge(from))
        .filter(inspection_occurrences::closes_at.lt(to))
        .select((
            inspection_occurrences::grid_id,
            inspection_occurrences::assignee_user_id,
            inspection_occurrences::done_by,
            inspection_occurrences::state,
            inspection_occurrences::on_time,
        ))
        .into_boxed();
    if let Some(grids) = grids {
        query = query.filter(inspection_occurrences::grid_id.eq_any(grids.to_vec()));
    }
    query.load(conn)
}
