//! Disputes under mediation and their sessions.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use gridwork_domain::dispute::{DisputeOutcome, DisputeState};
use gridwork_domain::{CaseId, DisputeId, EnterpriseId, GridId, UserId};

use crate::connection::DbConnection;
use crate::schema::{dispute_sessions, disputes};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = disputes, treat_none_as_null = true, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite), treat_none_as_default_value = false)]
pub struct DisputeRow {
    pub id: DisputeId,
    pub grid_id: GridId,
    pub enterprise_id: Option<EnterpriseId>,
    /// A `dispute.*` case category.
    pub category_code: String,
    /// What it is about, without names: everyone in scope reads it.
    pub summary: String,
    /// The parties as JSON `[{name, side, contact}]`: restricted.
    pub parties: String,
    pub amount_yuan: Option<f64>,
    pub employees_involved: i32,
    pub mediator_id: UserId,
    pub state: DisputeState,
    pub outcome: Option<DisputeOutcome>,
    /// The terms agreed, or why it was referred or withdrawn: restricted.
    pub outcome_terms: Option<String>,
    pub closed_at: Option<NaiveDateTime>,
    pub follow_up_on: Option<NaiveDate>,
    /// The case an escalated dispute opened.
    pub case_id: Option<CaseId>,
    /// The day it arose (the month it counts in).
    pub opened_on: NaiveDate,
    pub fingerprint: String,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = dispute_sessions, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct SessionRow {
    pub id: String,
    pub dispute_id: DisputeId,
    pub held_on: NaiveDate,
    /// Restricted.
    pub notes: String,
    /// Who attended, as a JSON list of names: restricted.
    pub attendees: String,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, row: &DisputeRow) -> QueryResult<()> {
    diesel::insert_into(disputes::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

pub fn find(conn: &mut DbConnection, id: &DisputeId) -> QueryResult<Option<DisputeRow>> {
    disputes::table
        .find(id)
        .select(DisputeRow::as_select())
        .first(conn)
        .optional()
}

/// Writes `row` if it is still at `row.version - 1`.
pub fn update(conn: &mut DbConnection, row: &DisputeRow) -> QueryResult<bool> {
    let n = diesel::update(
        disputes::table
            .filter(disputes::id.eq(&row.id))
            .filter(disputes::version.eq(row.version - 1)),
    )
    .set(row)
    .execute(conn)?;
    Ok(n == 1)
}

#[derive(Debug, Clone, Default)]
pub struct DisputeFilter {
    pub grids: Option<Vec<GridId>>,
    pub state: Option<DisputeState>,
    pub category: Option<String>,
    /// Follow-up due on or before this day.
    pub follow_up_by: Option<NaiveDate>,
}

/// One keyset page, newest first (`disputes_grid_idx`).
pub fn page(
    conn: &mut DbConnection,
    filter: &DisputeFilter,
    before: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<DisputeRow>> {
    let mut query = disputes::table.select(DisputeRow::as_select()).into_boxed();
    if let Some(grids) = &filter.grids {
        query = query.filter(disputes::grid_id.eq_any(grids.clone()));
    }
    if let Some(state) = filter.state {
        query = query.filter(disputes::state.eq(state));
    }
    if let Some(category) = &filter.category {
        query = query.filter(disputes::category_code.eq(category.clone()));
    }
    if let Some(day) = filter.follow_up_by {
        query = query.filter(disputes::follow_up_on.le(day));
    }
    if let Some(before) = before {
        query = query.filter(disputes::id.lt(before.to_owned()));
    }
    query.order(disputes::id.desc()).limit(limit).load(conn)
}

pub fn add_session(conn: &mut DbConnection, row: &SessionRow) -> QueryResult<()> {
    diesel::insert_into(dispute_sessions::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// A dispute's sessions, oldest first.
pub fn sessions(conn: &mut DbConnection, id: &DisputeId) -> QueryResult<Vec<SessionRow>> {
    dispute_sessions::table
        .filter(dispute_sessions::dispute_id.eq(id))
        .select(SessionRow::as_select())
        .order(dispute_sessions::id.asc())
        .load(conn)
}

/// `(category, opened_on, outcome)` of the disputes that arose in
/// `[from, to)`, within some grids (None: all) (`disputes_opened_idx`).
pub fn facts(
    conn: &mut DbConnection,
    grids: Option<&[GridId]>,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<(String, NaiveDate, Option<DisputeOutcome>)>> {
    let mut query = disputes::table
        .filter(disputes::opened_on.ge(from))
        .filter(disputes::opened_on.lt(to))
        .select((
            disputes::category_code,
            disputes::opened_on,
            disputes::outcome,
        ))
        .into_boxed();
    if let Some(grids) = grids {
        query = query.filter(disputes::grid_id.eq_any(grids.to_vec()));
    }
    query.load(conn)
}
