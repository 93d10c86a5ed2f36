//! Social organisations, their members, and what the members did.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use gridwork_domain::organisation::OrganisationKind;
use gridwork_domain::{OrganisationId, PersonId, UserId};

use crate::connection::DbConnection;
use crate::schema::{cases, disputes, inspections, organisation_members, organisations, people};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = organisations, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite), treat_none_as_default_value = false)]
pub struct OrganisationRow {
    pub id: OrganisationId,
    pub kind: OrganisationKind,
    pub name: String,
    pub contact: Option<String>,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = organisation_members, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite), treat_none_as_default_value = false)]
pub struct MemberRow {
    pub organisation_id: OrganisationId,
    pub person_id: PersonId,
    pub joined_on: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, row: &OrganisationRow) -> QueryResult<()> {
    diesel::insert_into(organisations::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

pub fn find(conn: &mut DbConnection, id: &OrganisationId) -> QueryResult<Option<OrganisationRow>> {
    organisations::table
        .find(id)
        .select(OrganisationRow::as_select())
        .first(conn)
        .optional()
}

/// One keyset page of organisations by id.
pub fn page(
    conn: &mut DbConnection,
    kind: Option<OrganisationKind>,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<OrganisationRow>> {
    let mut query = organisations::table
        .select(OrganisationRow::as_select())
        .into_boxed();
    if let Some(kind) = kind {
        query = query.filter(organisations::kind.eq(kind));
    }
    if let Some(after) = after {
        query = query.filter(organisations::id.gt(after.to_owned()));
    }
    query.order(organisations::id.asc()).limit(limit).load(conn)
}

pub fn insert_member(conn: &mut DbConnection, row: &MemberRow) -> QueryResult<()> {
    diesel::insert_into(organisation_members::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// One keyset page of an organisation's members with their names.
pub fn members(
    conn: &mut DbConnection,
    id: &OrganisationId,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<(MemberRow, String)>> {
    let mut query = organisation_members::table
        .inner_join(people::table)
        .filter(organisation_members::organisation_id.eq(id))
        .select((MemberRow::as_select(), people::name))
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(organisation_members::person_id.gt(after.to_owned()));
    }
    query
        .order(organisation_members::person_id.asc())
        .limit(limit)
        .load(conn)
}

/// The accounts of an organisation's members.
pub fn member_accounts(conn: &mut DbConnection, id: &OrganisationId) -> QueryResult<Vec<UserId>> {
    organisation_members::table
        .inner_join(people::table)
        .filter(organisation_members::organisation_id.eq(id))
        .filter(people::user_id.is_not_null())
        .select(people::user_id.assume_not_null())
        .load(conn)
}

/// `(cases reported, inspections submitted, disputes opened as mediator)`
/// by these accounts in `[from, to)` (`cases_reporter_idx`,
/// `inspections_inspector_idx`, `disputes_mediator_follow_up_idx`).
pub fn contributions(
    conn: &mut DbConnection,
    users: &[UserId],
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<(i64, i64, i64)> {
    let reports: i64 = cases::table
        .filter(cases::reporter_id.eq_any(users.to_vec()))
        .filter(cases::reported_at.ge(from))
        .filter(cases::reported_at.lt(to))
        .count()
        .get_result(conn)?;
    let inspected: i64 = inspections::table
        .filter(inspections::inspector_id.eq_any(users.to_vec()))
        .filter(inspections::finished_at.ge(from))
        .filter(inspections::finished_at.lt(to))
        .count()
        .get_result(conn)?;
    let mediated: i64 = disputes::table
        .filter(disputes::mediator_id.eq_any(users.to_vec()))
        .filter(disputes::opened_on.ge(from.date()))
        .filter(disputes::opened_on.lt(to.date()))
        .count()
        .get_result(conn)?;
    Ok((reports, inspected, mediated))
}
