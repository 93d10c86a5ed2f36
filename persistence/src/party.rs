//! Party branches on grids, their members, development candidates and
//! activities with attendance.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use gridwork_domain::party::PartyRole;
use gridwork_domain::{ActivityId, BranchId, CandidateId, GridId, PersonId, UserId};

use crate::connection::DbConnection;
use crate::schema::{
    party_activities, party_attendance, party_branches, party_candidates, party_members, people,
};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = party_branches, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite), treat_none_as_default_value = false)]
pub struct BranchRow {
    pub id: BranchId,
    pub name: String,
    pub grid_id: GridId,
    pub grid_code: String,
    pub founded_on: Option<NaiveDate>,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = party_members, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite), treat_none_as_default_value = false)]
pub struct MemberRow {
    pub branch_id: BranchId,
    pub person_id: PersonId,
    pub role: PartyRole,
    pub joined_on: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = party_candidates, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite), treat_none_as_default_value = false)]
pub struct CandidateRow {
    pub id: CandidateId,
    pub branch_id: BranchId,
    pub person_id: PersonId,
    /// The closed month whose scorecards commended them.
    pub period: String,
    pub reason: Option<String>,
    pub nominated_by: Option<UserId>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = party_activities, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite), treat_none_as_default_value = false)]
pub struct ActivityRow {
    pub id: ActivityId,
    pub branch_id: BranchId,
    pub title: String,
    pub held_on: NaiveDate,
    pub place: Option<String>,
    pub attendee_count: i32,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
}

pub fn insert_branch(conn: &mut DbConnection, row: &BranchRow) -> QueryResult<()> {
    diesel::insert_into(party_branches::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

pub fn find_branch(conn: &mut DbConnection, id: &BranchId) -> QueryResult<Option<BranchRow>> {
    party_branches::table
        .find(id)
        .select(BranchRow::as_select())
        .first(conn)
        .optional()
}

/// One keyset page of the branches on these grids (None: all), by id.
pub fn branches(
    conn: &mut DbConnection,
    within: Option<&[GridId]>,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<BranchRow>> {
    let mut query = party_branches::table
        .select(BranchRow::as_select())
        .into_boxed();
    if let Some(ids) = within {
        query = query.filter(party_branches::grid_id.eq_any(ids.to_vec()));
    }
    if let Some(after) = after {
        query = query.filter(party_branches::id.gt(after.to_owned()));
    }
    query
        .order(party_branches::id.asc())
        .limit(limit)
        .load(conn)
}

/// The grid codes branches are attached to (`party_branches_code_idx`).
pub fn branch_codes(conn: &mut DbConnection) -> QueryResult<Vec<String>> {
    party_branches::table
        .select(party_branches::grid_code)
        .load(conn)
}

pub fn insert_member(conn: &mut DbConnection, row: &MemberRow) -> QueryResult<()> {
    diesel::insert_into(party_members::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

pub fn is_member(
    conn: &mut DbConnection,
    branch: &BranchId,
    person: &PersonId,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        party_members::table.find((branch, person)),
    ))
    .get_result(conn)
}

/// One keyset page of a branch's members with their names, by person id.
pub fn members(
    conn: &mut DbConnection,
    branch: &BranchId,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<(MemberRow, String)>> {
    let mut query = party_members::table
        .inner_join(people::table)
        .filter(party_members::branch_id.eq(branch))
        .select((MemberRow::as_select(), people::name))
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(party_members::person_id.gt(after.to_owned()));
    }
    query
        .order(party_members::person_id.asc())
        .limit(limit)
        .load(conn)
}

/// How many members each of these branches has.
pub fn member_counts(
    conn: &mut DbConnection,
    branches: &[BranchId],
) -> QueryResult<Vec<(BranchId, i64)>> {
    party_members::table
        .filter(party_members::branch_id.eq_any(branches.to_vec()))
        .group_by(party_members::branch_id)
        .select((party_members::branch_id, diesel::dsl::count_star()))
        .load(conn)
}

pub fn insert_candidate(conn: &mut DbConnection, row: &CandidateRow) -> QueryResult<()> {
    diesel::insert_into(party_candidates::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// One keyset page of a branch's candidates with their names, by id.
pub fn candidates(
    conn: &mut DbConnection,
    branch: &BranchId,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<(CandidateRow, String)>> {
    let mut query = party_candidates::table
        .inner_join(people::table)
        .filter(party_candidates::branch_id.eq(branch))
        .select((CandidateRow::as_select(), people::name))
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(party_candidates::id.gt(after.to_owned()));
    }
    query
        .order(party_candidates::id.asc())
        .limit(limit)
        .load(conn)
}

/// An activity with who attended.
pub fn insert_activity(
    conn: &mut DbConnection,
    row: &ActivityRow,
    attendees: &[PersonId],
) -> QueryResult<()> {
    diesel::insert_into(party_activities::table)
        .values(row)
        .execute(conn)?;
    for person in attendees {
        diesel::insert_into(party_attendance::table)
            .values((
                party_attendance::activity_id.eq(&row.id),
                party_attendance::person_id.eq(person),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// One keyset page of a branch's activities, newest first.
pub fn activities(
    conn: &mut DbConnection,
    branch: &BranchId,
    before: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<ActivityRow>> {
    let mut query = party_activities::table
        .filter(party_activities::branch_id.eq(branch))
        .select(ActivityRow::as_select())
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(party_activities::id.lt(before.to_owned()));
    }
    query
        .order(party_activities::id.desc())
        .limit(limit)
        .load(conn)
}
