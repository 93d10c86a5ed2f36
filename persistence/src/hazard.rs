//! Hazards found by inspections, and their rectification.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use gridwork_domain::hazard::HazardState;
use gridwork_domain::inspection::HazardSeverity;
use gridwork_domain::{CaseId, EnterpriseId, GridId, HazardId, InspectionId, PersonId};

use crate::connection::DbConnection;
use crate::schema::hazards;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = hazards, treat_none_as_null = true, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite), treat_none_as_default_value = false)]
pub struct HazardRow {
    pub id: HazardId,
    pub inspection_id: InspectionId,
    /// The template item that failed.
    pub item_key: String,
    pub grid_id: GridId,
    pub enterprise_id: Option<EnterpriseId>,
    pub severity: HazardSeverity,
    pub state: HazardState,
    pub description: String,
    pub rectify_due_at: NaiveDateTime,
    /// The enterprise's responsible person (its principal) when found.
    pub responsible_person_id: Option<PersonId>,
    /// The case an overdue hazard became.
    pub case_id: Option<CaseId>,
    pub rectified_at: Option<NaiveDateTime>,
    pub verified_at: Option<NaiveDateTime>,
    /// Photos of the rectification, comma-separated ids.
    pub evidence: String,
    pub note: Option<String>,
    pub reopened_count: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

pub fn insert(conn: &mut DbConnection, row: &HazardRow) -> QueryResult<()> {
    diesel::insert_into(hazards::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

pub fn find(conn: &mut DbConnection, id: &HazardId) -> QueryResult<Option<HazardRow>> {
    hazards::table
        .find(id)
        .select(HazardRow::as_select())
        .first(conn)
        .optional()
}

/// Writes `row` if it is still at `row.version - 1`.
pub fn update(conn: &mut DbConnection, row: &HazardRow) -> QueryResult<bool> {
    let n = diesel::update(
        hazards::table
            .filter(hazards::id.eq(&row.id))
            .filter(hazards::version.eq(row.version - 1)),
    )
    .set(row)
    .execute(conn)?;
    Ok(n == 1)
}

/// The hazards an inspection found.
pub fn of_inspection(
    conn: &mut DbConnection,
    inspection: &InspectionId,
) -> QueryResult<Vec<HazardRow>> {
    hazards::table
        .filter(hazards::inspection_id.eq(inspection))
        .select(HazardRow::as_select())
        .order(hazards::id.asc())
        .load(conn)
}

#[derive(Debug, Clone, Default)]
pub struct HazardFilter {
    pub grids: Option<Vec<GridId>>,
    pub states: Option<Vec<HazardState>>,
    pub enterprise: Option<EnterpriseId>,
    /// Awaiting rectification past this moment.
    pub overdue_at: Option<NaiveDateTime>,
}

/// One keyset page, newest first (`hazards_grid_idx`, `hazards_state_idx`).
pub fn page(
    conn: &mut DbConnection,
    filter: &HazardFilter,
    before: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<HazardRow>> {
    let mut query = hazards::table.select(HazardRow::as_select()).into_boxed();
    if let Some(grids) = &filter.grids {
        query = query.filter(hazards::grid_id.eq_any(grids.clone()));
    }
    if let Some(states) = &filter.states {
        query = query.filter(hazards::state.eq_any(states.clone()));
    }
    if let Some(enterprise) = &filter.enterprise {
        query = query.filter(hazards::enterprise_id.eq(enterprise.clone()));
    }
    if let Some(at) = filter.overdue_at {
        query = query
            .filter(hazards::state.eq_any([HazardState::Open, HazardState::Rectifying]))
            .filter(hazards::rectify_due_at.lt(at));
    }
    if let Some(before) = before {
        query = query.filter(hazards::id.lt(before.to_owned()));
    }
    query.order(hazards::id.desc()).limit(limit).load(conn)
}

/// Hazards past their deadline without a rectification and not yet a case:
/// the sweeper's work, oldest deadline first (`hazards_due_idx`).
pub fn overdue_without_case(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<HazardRow>> {
    hazards::table
        .filter(hazards::state.eq_any([HazardState::Open, HazardState::Rectifying]))
        .filter(hazards::rectify_due_at.lt(now))
        .filter(hazards::case_id.is_null())
        .select(HazardRow::as_select())
        .order(hazards::rectify_due_at.asc())
        .limit(limit)
        .load(conn)
}

/// What the KPIs read of a hazard.
pub type HazardFact = (
    GridId,
    HazardState,
    NaiveDateTime,
    Option<NaiveDateTime>,
    NaiveDateTime,
);

/// `(grid, state, rectify_due_at, rectified_at, created_at)` of the
/// hazards found in `[from, to)` or still awaiting rectification, within
/// some grids (None: all) (`hazards_created_idx`, `hazards_state_idx`).
pub fn facts(
    conn: &mut DbConnection,
    grids: Option<&[GridId]>,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<HazardFact>> {
    let mut query = hazards::table
        .filter(
            hazards::created_at
                .ge(from)
                .and(hazards::created_at.lt(to))
                .or(hazards::state.eq_any([HazardState::Open, HazardState::Rectifying])),
        )
        .select((
            hazards::grid_id,
            hazards::state,
            hazards::rectify_due_at,
            hazards::rectified_at,
            hazards::created_at,
        ))
        .into_boxed();
    if let Some(grids) = grids {
        query = query.filter(hazards::grid_id.eq_any(grids.to_vec()));
    }
    query.load(conn)
}

/// The hazards found since `since`, oldest first (`hazards_created_idx`).
pub fn all_since(conn: &mut DbConnection, since: NaiveDateTime) -> QueryResult<Vec<HazardRow>> {
    hazards::table
        .filter(hazards::created_at.ge(since))
        .select(HazardRow::as_select())
        .order((hazards::created_at.asc(), hazards::id.asc()))
        .load(conn)
}
