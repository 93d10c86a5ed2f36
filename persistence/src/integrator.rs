//! Integrators, their keys (SHA-256 of the secrets only) and the riders
//! they enrol.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use gridwork_domain::case::{CaseState, Source, Visibility};
use gridwork_domain::integrator::EnrolmentState;
use gridwork_domain::{
    AssignmentId, CaseId, EnrolmentId, GridId, IntegratorId, IntegratorKeyId, PersonId, UserId,
};

use crate::case::{CaseRow, TimelineRow};
use crate::connection::DbConnection;
use crate::schema::{
    case_timeline, cases, enrolments, integrator_cases, integrator_keys, integrators,
};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = integrators, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct IntegratorRow {
    pub id: IntegratorId,
    pub name: String,
    /// Comma-separated scope codes (`IntegratorScopes::to_stored`).
    pub scopes: String,
    pub disabled: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = integrator_keys, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct KeyRow {
    pub id: IntegratorKeyId,
    pub integrator_id: IntegratorId,
    pub key_hash: String,
    pub created_at: NaiveDateTime,
    /// Set by a rotation: the end of the overlap. None: no end.
    pub expires_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
    pub last_used_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = enrolments, treat_none_as_null = true, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct EnrolmentRow {
    pub id: EnrolmentId,
    pub integrator_id: IntegratorId,
    pub grid_id: GridId,
    pub platform_rider_id: String,
    pub name: String,
    pub mobile: String,
    pub location_consent_at: NaiveDateTime,
    pub state: EnrolmentState,
    /// Why it was refused.
    pub reason: Option<String>,
    pub decided_by: Option<UserId>,
    pub decided_at: Option<NaiveDateTime>,
    pub withdrawn_at: Option<NaiveDateTime>,
    /// What an approval made.
    pub person_id: Option<PersonId>,
    pub user_id: Option<UserId>,
    pub assignment_id: Option<AssignmentId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

pub fn insert(conn: &mut DbConnection, row: &IntegratorRow) -> QueryResult<()> {
    diesel::insert_into(integrators::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

pub fn find(conn: &mut DbConnection, id: &IntegratorId) -> QueryResult<Option<IntegratorRow>> {
    integrators::table
        .find(id)
        .select(IntegratorRow::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_name(conn: &mut DbConnection, name: &str) -> QueryResult<Option<IntegratorRow>> {
    integrators::table
        .filter(integrators::name.eq(name))
        .select(IntegratorRow::as_select())
        .first(conn)
        .optional()
}

/// One keyset page of integrators, oldest first.
pub fn page(
    conn: &mut DbConnection,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<IntegratorRow>> {
    let mut query = integrators::table
        .select(IntegratorRow::as_select())
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(integrators::id.gt(after.to_owned()));
    }
    query.order(integrators::id.asc()).limit(limit).load(conn)
}

/// Writes `row` if it is still at `row.version - 1`; false otherwise.
pub fn update(conn: &mut DbConnection, row: &IntegratorRow) -> QueryResult<bool> {
    let n = diesel::update(
        integrators::table
            .filter(integrators::id.eq(&row.id))
            .filter(integrators::version.eq(row.version - 1)),
    )
    .set(row)
    .execute(conn)?;
    Ok(n == 1)
}

pub fn insert_key(conn: &mut DbConnection, row: &KeyRow) -> QueryResult<()> {
    diesel::insert_into(integrator_keys::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// The key with this id and secret hash, with its integrator: both must match.
pub fn find_presented(
    conn: &mut DbConnection,
    id: &IntegratorKeyId,
    hash: &str,
) -> QueryResult<Option<(KeyRow, IntegratorRow)>> {
    integrator_keys::table
        .inner_join(integrators::table)
        .filter(integrator_keys::id.eq(id))
        .filter(integrator_keys::key_hash.eq(hash))
        .select((KeyRow::as_select(), IntegratorRow::as_select()))
        .first(conn)
        .optional()
}

/// A key by id with its integrator (rider tokens name the key they came from).
pub fn find_key(
    conn: &mut DbConnection,
    id: &IntegratorKeyId,
) -> QueryResult<Option<(KeyRow, IntegratorRow)>> {
    integrator_keys::table
        .inner_join(integrators::table)
        .filter(integrator_keys::id.eq(id))
        .select((KeyRow::as_select(), IntegratorRow::as_select()))
        .first(conn)
        .optional()
}

/// An integrator's unrevoked keys, oldest first (at most a handful).
pub fn keys_of(conn: &mut DbConnection, integrator: &IntegratorId) -> QueryResult<Vec<KeyRow>> {
    integrator_keys::table
        .filter(integrator_keys::integrator_id.eq(integrator))
        .filter(integrator_keys::revoked_at.is_null())
        .order(integrator_keys::id.asc())
        .select(KeyRow::as_select())
        .load(conn)
}

/// Sets a key's end (a rotation's overlap).
pub fn expire_key(
    conn: &mut DbConnection,
    id: &IntegratorKeyId,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(integrator_keys::table.find(id))
        .set(integrator_keys::expires_at.eq(at))
        .execute(conn)
        .map(drop)
}

/// Revokes a key of `integrator` unless revoked already; false then, or
/// when there is no such key.
pub fn revoke_key(
    conn: &mut DbConnection,
    integrator: &IntegratorId,
    id: &IntegratorKeyId,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        integrator_keys::table
            .filter(integrator_keys::id.eq(id))
            .filter(integrator_keys::integrator_id.eq(integrator))
            .filter(integrator_keys::revoked_at.is_null()),
    )
    .set(integrator_keys::revoked_at.eq(at))
    .execute(conn)?;
    Ok(n == 1)
}

/// Notes a key's use, at most once per `every`.
pub fn touch_key(
    conn: &mut DbConnection,
    id: &IntegratorKeyId,
    now: NaiveDateTime,
    every: chrono::Duration,
) -> QueryResult<()> {
    diesel::update(
        integrator_keys::table
            .filter(integrator_keys::id.eq(id))
            .filter(
                integrator_keys::last_used_at
                    .is_null()
                    .or(integrator_keys::last_used_at.lt(now - every)),
            ),
    )
    .set(integrator_keys::last_used_at.eq(now))
    .execute(conn)
    .map(drop)
}

pub fn insert_enrolment(conn: &mut DbConnection, row: &EnrolmentRow) -> QueryResult<()> {
    diesel::insert_into(enrolments::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

pub fn find_enrolment(
    conn: &mut DbConnection,
    id: &EnrolmentId,
) -> QueryResult<Option<EnrolmentRow>> {
    enrolments::table
        .find(id)
        .select(EnrolmentRow::as_select())
        .first(conn)
        .optional()
}

/// The platform's open (pending or approved) enrolment of a rider.
pub fn open_enrolment_of(
    conn: &mut DbConnection,
    integrator: &IntegratorId,
    rider: &str,
) -> QueryResult<Option<EnrolmentRow>> {
    enrolments::table
        .filter(enrolments::integrator_id.eq(integrator))
        .filter(enrolments::platform_rider_id.eq(rider))
        .filter(enrolments::state.eq_any([EnrolmentState::Pending, EnrolmentState::Approved]))
        .select(EnrolmentRow::as_select())
        .first(conn)
        .optional()
}

/// The enrolment that made this rider account.
pub fn enrolment_of_user(
    conn: &mut DbConnection,
    user: &UserId,
) -> QueryResult<Option<EnrolmentRow>> {
    enrolments::table
        .filter(enrolments::user_id.eq(user))
        .select(EnrolmentRow::as_select())
        .first(conn)
        .optional()
}

/// Which enrolments a page lists.
#[derive(Debug, Clone, Default)]
pub struct EnrolmentFilter {
    /// One integrator's own.
    pub integrator: Option<IntegratorId>,
    /// In these grids; None: anywhere.
    pub grids: Option<Vec<GridId>>,
    pub state: Option<EnrolmentState>,
}

/// One keyset page of enrolments, newest first.
pub fn page_enrolments(
    conn: &mut DbConnection,
    filter: &EnrolmentFilter,
    before: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<EnrolmentRow>> {
    let mut query = enrolments::table
        .select(EnrolmentRow::as_select())
        .into_boxed();
    if let Some(integrator) = &filter.integrator {
        query = query.filter(enrolments::integrator_id.eq(integrator.clone()));
    }
    if let Some(grids) = &filter.grids {
        query = query.filter(enrolments::grid_id.eq_any(grids.clone()));
    }
    if let Some(state) = filter.state {
        query = query.filter(enrolments::state.eq(state));
    }
    if let Some(before) = before {
        query = query.filter(enrolments::id.lt(before.to_owned()));
    }
    query.order(enrolments::id.desc()).limit(limit).load(conn)
}

/// Writes `row` if it is still at `row.version - 1`; false otherwise.
pub fn update_enrolment(conn: &mut DbConnection, row: &EnrolmentRow) -> QueryResult<bool> {
    let n = diesel::update(
        enrolments::table
            .filter(enrolments::id.eq(&row.id))
            .filter(enrolments::version.eq(row.version - 1)),
    )
    .set(row)
    .execute(conn)?;
    Ok(n == 1)
}

/// Notes that `integrator` reported a case, and through what.
pub fn link_case(
    conn: &mut DbConnection,
    case: &CaseId,
    integrator: &IntegratorId,
    via: Source,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(integrator_cases::table)
        .values((
            integrator_cases::case_id.eq(case),
            integrator_cases::integrator_id.eq(integrator),
            integrator_cases::via.eq(via),
            integrator_cases::reported_at.eq(at),
        ))
        .execute(conn)
        .map(drop)
}

/// Whose integrator-reported cases a search reads: one integrator's, or
/// every case that came through a channel (Open311's public view).
#[derive(Debug, Clone)]
pub enum Reporter {
    Integrator(IntegratorId),
    Via(Source),
}

/// A search of integrator-reported cases, newest first.
#[derive(Debug, Clone)]
pub struct CaseSearch {
    pub reporter: Reporter,
    /// `[from, to)` on the time reported.
    pub from: NaiveDateTime,
    pub to: NaiveDateTime,
    /// These ids only (then the window does not apply).
    pub ids: Option<Vec<CaseId>>,
    pub categories: Option<Vec<String>>,
    pub states: Option<Vec<CaseState>>,
    pub limit: i64,
}

pub fn search_cases(conn: &mut DbConnection, search: &CaseSearch) -> QueryResult<Vec<CaseRow>> {
    let mut query = integrator_cases::table
        .inner_join(cases::table)
        .select(CaseRow::as_select())
        .into_boxed();
    query = match &search.reporter {
        Reporter::Integrator(id) => query.filter(integrator_cases::integrator_id.eq(id.clone())),
        Reporter::Via(source) => query.filter(integrator_cases::via.eq(*source)),
    };
    match &search.ids {
        Some(ids) => query = query.filter(integrator_cases::case_id.eq_any(ids.clone())),
        None => {
            query = query
                .filter(integrator_cases::reported_at.ge(search.from))
                .filter(integrator_cases::reported_at.lt(search.to));
        }
    }
    if let Some(categories) = &search.categories {
        query = query.filter(cases::category_code.eq_any(categories.clone()));
    }
    if let Some(states) = &search.states {
        query = query.filter(cases::state.eq_any(states.clone()));
    }
    query
        .order((
            integrator_cases::reported_at.desc(),
            integrator_cases::case_id.desc(),
        ))
        .limit(search.limit)
        .load(conn)
}

/// The public steps, in `[from, to)`, of the cases a reporter reported, oldest first.
pub fn public_steps(
    conn: &mut DbConnection,
    reporter: &Reporter,
    from: NaiveDateTime,
    to: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<(TimelineRow, String)>> {
    let mut query = case_timeline::table
        .inner_join(
            integrator_cases::table.on(integrator_cases::case_id.eq(case_timeline::case_id)),
        )
        .inner_join(cases::table.on(cases::id.eq(case_timeline::case_id)))
        .filter(case_timeline::visibility.eq(Visibility::Public))
        .filter(case_timeline::occurred_at.ge(from))
        .filter(case_timeline::occurred_at.lt(to))
        .select((TimelineRow::as_select(), cases::category_code))
        .into_boxed();
    query = match reporter {
        Reporter::Integrator(id) => query.filter(integrator_cases::integrator_id.eq(id.clone())),
        Reporter::Via(source) => query.filter(integrator_cases::via.eq(*source)),
    };
    query
        .order((case_timeline::occurred_at.asc(), case_timeline::id.asc()))
        .limit(limit)
        .load(conn)
}
