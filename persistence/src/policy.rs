//! Policies publicised (政策宣传), their target grids, read receipts and
//! briefings.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use gridwork_domain::assignment::GridRole;
use gridwork_domain::policy::SourceLevel;
use gridwork_domain::{BriefingId, GridId, PersonId, PolicyId, UserId};

use crate::connection::DbConnection;
use crate::grid;
use crate::schema::{
    assignments, enterprises, grids, people, policies, policy_acknowledgements, policy_briefings,
    policy_grids,
};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = policies, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite), treat_none_as_default_value = false)]
pub struct PolicyRow {
    pub id: PolicyId,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub source_level: SourceLevel,
    pub effective_on: NaiveDate,
    /// JSON list of tags.
    pub tags: String,
    /// Industry sections targeted, as letters ("" = any).
    pub industries: String,
    /// JSON list of grid roles targeted (empty = any).
    pub roles: String,
    /// Targeted to every grid (no `policy_grids` rows).
    pub zone_wide: bool,
    pub published_by: Option<UserId>,
    pub fingerprint: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = policy_briefings, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct BriefingRow {
    pub id: BriefingId,
    pub policy_id: PolicyId,
    pub grid_id: GridId,
    pub held_on: NaiveDate,
    pub attendee_count: i32,
    pub notes: Option<String>,
    /// Photo ids, comma-separated.
    pub attachments: String,
    pub created_by: Option<UserId>,
    pub fingerprint: String,
    pub created_at: NaiveDateTime,
}

/// A worker's confirmation that they read a policy.
#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = policy_acknowledgements, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite), treat_none_as_default_value = false)]
pub struct AcknowledgementRow {
    pub policy_id: PolicyId,
    pub user_id: UserId,
    pub acknowledged_at: NaiveDateTime,
}

/// Stores a policy with the grids it targets (`(id, code)`).
pub fn insert(
    conn: &mut DbConnection,
    row: &PolicyRow,
    grids: &[(GridId, String)],
) -> QueryResult<()> {
    diesel::insert_into(policies::table)
        .values(row)
        .execute(conn)?;
    for (grid_id, code) in grids {
        diesel::insert_into(policy_grids::table)
            .values((
                policy_grids::policy_id.eq(&row.id),
                policy_grids::grid_id.eq(grid_id),
                policy_grids::grid_code.eq(code),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &PolicyId) -> QueryResult<Option<PolicyRow>> {
    policies::table
        .find(id)
        .select(PolicyRow::as_select())
        .first(conn)
        .optional()
}

/// The grids each of these policies targets, `(id, code)` in code order.
pub fn grids_of(
    conn: &mut DbConnection,
    ids: &[PolicyId],
) -> QueryResult<BTreeMap<PolicyId, Vec<(GridId, String)>>> {
    let rows: Vec<(PolicyId, GridId, String)> = policy_grids::table
        .filter(policy_grids::policy_id.eq_any(ids.to_vec()))
        .select((
            policy_grids::policy_id,
            policy_grids::grid_id,
            policy_grids::grid_code,
        ))
        .order((policy_grids::policy_id.asc(), policy_grids::grid_code.asc()))
        .load(conn)?;
    let mut grids: BTreeMap<PolicyId, Vec<(GridId, String)>> = BTreeMap::new();
    for (policy, grid, code) in rows {
        grids.entry(policy).or_default().push((grid, code));
    }
    Ok(grids)
}

/// Which policies a page reads: all of them, or those that may concern
/// someone seated in grids with these codes.
#[derive(Debug, Clone, Default)]
pub struct Concerning {
    /// Policies targeting a grid with one of these codes (the caller's
    /// grids and their ancestors).
    pub codes: Vec<String>,
    /// Policies targeting a grid below one of these codes (grids a leader
    /// oversees).
    pub under: Vec<String>,
}

/// One keyset page of policies, newest first: all of them (None), or the
/// zone-wide ones and those targeting grids `concerning` names
/// (`policy_grids_code_idx`).
pub fn page(
    conn: &mut DbConnection,
    concerning: Option<&Concerning>,
    before: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<PolicyRow>> {
    let mut query = policies::table.select(PolicyRow::as_select()).into_boxed();
    if let Some(c) = concerning {
        // the targeted ids first: a boxed subquery would not know its backend
        let mut targeted = policy_grids::table
            .filter(policy_grids::grid_code.eq_any(c.codes.clone()))
            .select(policy_grids::policy_id)
            .distinct()
            .into_boxed();
        for code in &c.under {
            targeted = targeted
                .or_filter(policy_grids::grid_code.between(code.clone(), grid::subtree_end(code)));
        }
        let ids: Vec<PolicyId> = targeted.load(conn)?;
        query = query.filter(policies::zone_wide.eq(true).or(policies::id.eq_any(ids)));
    }
    if let Some(before) = before {
        query = query.filter(policies::id.lt(before.to_owned()));
    }
    query.order(policies::id.desc()).limit(limit).load(conn)
}

/// The policies published in `[from, to)`, oldest first.
pub fn published_between(
    conn: &mut DbConnection,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<PolicyRow>> {
    policies::table
        .filter(policies::created_at.ge(from))
        .filter(policies::created_at.lt(to))
        .select(PolicyRow::as_select())
        .order(policies::id.asc())
        .load(conn)
}

/// Which of `ids` the user has acknowledged, and when.
pub fn acknowledged_among(
    conn: &mut DbConnection,
    user: &UserId,
    ids: &[PolicyId],
) -> QueryResult<BTreeMap<PolicyId, NaiveDateTime>> {
    Ok(policy_acknowledgements::table
        .filter(policy_acknowledgements::user_id.eq(user))
        .filter(policy_acknowledgements::policy_id.eq_any(ids.to_vec()))
        .select((
            policy_acknowledgements::policy_id,
            policy_acknowledgements::acknowledged_at,
        ))
        .load::<(PolicyId, NaiveDateTime)>(conn)?
        .into_iter()
        .collect())
}

/// When the user acknowledged the policy, if they have.
pub fn acknowledgement(
    conn: &mut DbConnection,
    id: &PolicyId,
    user: &UserId,
) -> QueryResult<Option<NaiveDateTime>> {
    policy_acknowledgements::table
        .find((id, user))
        .select(policy_acknowledgements::acknowledged_at)
        .first(conn)
        .optional()
}

pub fn acknowledge(
    conn: &mut DbConnection,
    id: &PolicyId,
    user: &UserId,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(policy_acknowledgements::table)
        .values((
            policy_acknowledgements::policy_id.eq(id),
            policy_acknowledgements::user_id.eq(user),
            policy_acknowledgements::acknowledged_at.eq(at),
        ))
        .execute(conn)
        .map(drop)
}

/// Which of `users` acknowledged the policy, and when.
pub fn acknowledgements_by(
    conn: &mut DbConnection,
    id: &PolicyId,
    users: &[UserId],
) -> QueryResult<Vec<(UserId, NaiveDateTime)>> {
    policy_acknowledgements::table
        .filter(policy_acknowledgements::policy_id.eq(id))
        .filter(policy_acknowledgements::user_id.eq_any(users.to_vec()))
        .select((
            policy_acknowledgements::user_id,
            policy_acknowledgements::acknowledged_at,
        ))
        .load(conn)
}

/// A person with an account actively serving a grid, as targeting sees it.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct Member {
    pub grid_id: GridId,
    pub grid_code: String,
    pub role: GridRole,
    pub person_id: PersonId,
    pub name: String,
    pub user_id: UserId,
}

/// The people with accounts actively assigned to these grids (or to the
/// grids holding these users, when `users` is given).
pub fn members(
    conn: &mut DbConnection,
    grid_ids: Option<&[GridId]>,
    user: Option<&UserId>,
) -> QueryResult<Vec<Member>> {
    let mut query = assignments::table
        .inner_join(people::table)
        .inner_join(grids::table)
        .filter(assignments::ended_at.is_null())
        .filter(people::archived_at.is_null())
        .filter(grids::archived_at.is_null())
        .filter(people::user_id.is_not_null())
        .select((
            assignments::grid_id,
            grids::code,
            assignments::role,
            people::id,
            people::name,
            people::user_id.assume_not_null(),
        ))
        .into_boxed();
    if let Some(ids) = grid_ids {
        query = query.filter(assignments::grid_id.eq_any(ids.to_vec()));
    }
    if let Some(user) = user {
        query = query.filter(people::user_id.eq(user));
    }
    query
        .order((grids::code.asc(), people::id.asc()))
        .load(conn)
}

/// The industry sections of the active enterprises in each of these grids.
pub fn industries_in(
    conn: &mut DbConnection,
    grid_ids: &[GridId],
) -> QueryResult<Vec<(GridId, String)>> {
    enterprises::table
        .filter(
            enterprises::grid_id
                .eq_any(grid_ids.iter().map(|g| Some(g.clone())).collect::<Vec<_>>()),
        )
        .filter(enterprises::archived_at.is_null())
        .filter(enterprises::industry_section.is_not_null())
        .select((
            enterprises::grid_id.assume_not_null(),
            enterprises::industry_section.assume_not_null(),
        ))
        .load(conn)
}

pub fn insert_briefing(conn: &mut DbConnection, row: &BriefingRow) -> QueryResult<()> {
    diesel::insert_into(policy_briefings::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

pub fn find_briefing(conn: &mut DbConnection, id: &BriefingId) -> QueryResult<Option<BriefingRow>> {
    policy_briefings::table
        .find(id)
        .select(BriefingRow::as_select())
        .first(conn)
        .optional()
}

/// One keyset page of a policy's briefings in grids among `grids` (None:
/// all), newest first.
pub fn briefings(
    conn: &mut DbConnection,
    id: &PolicyId,
    grids: Option<&[GridId]>,
    before: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<BriefingRow>> {
    let mut query = policy_briefings::table
        .filter(policy_briefings::policy_id.eq(id))
        .select(BriefingRow::as_select())
        .into_boxed();
    if let Some(grids) = grids {
        query = query.filter(policy_briefings::grid_id.eq_any(grids.to_vec()));
    }
    if let Some(before) = before {
        query = query.filter(policy_briefings::id.lt(before.to_owned()));
    }
    query
        .order(policy_briefings::id.desc())
        .limit(limit)
        .load(conn)
}
