//! People: grid staff, principals and anyone a placard names.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use gridwork_domain::assignment::GridRole;
use gridwork_domain::{GridId, PersonId, UserId};

use crate::connection::DbConnection;
use crate::schema::{assignments, people};
use crate::text;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = people, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite), treat_none_as_default_value = false)]
pub struct PersonRow {
    pub id: PersonId,
    pub name: String,
    pub mobile: Option<String>,
    /// An office number that may be shown in full on placards.
    pub work_phone: Option<String>,
    /// HMAC-SHA256 of the ID number under the server's PII key: finds
    /// duplicates without keeping the number.
    pub id_card_hash: Option<String>,
    pub id_card_last4: Option<String>,
    pub party_member: bool,
    pub user_id: Option<UserId>,
    /// The grid the person is registered in (scope for those without assignments).
    pub grid_id: Option<GridId>,
    pub placard_consent: bool,
    pub placard_consent_at: Option<NaiveDateTime>,
    pub archived_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
    /// Consent to show the mobile in full on placards (separate from appearing).
    pub placard_phone_consent: bool,
    pub placard_phone_consent_at: Option<NaiveDateTime>,
}

impl PersonRow {
    /// A new record with only a name, at version 1.
    pub fn new(name: &str, now: NaiveDateTime) -> PersonRow {
        PersonRow {
            id: PersonId::generate(),
            name: name.to_owned(),
            mobile: None,
            work_phone: None,
            id_card_hash: None,
            id_card_last4: None,
            party_member: false,
            user_id: None,
            grid_id: None,
            placard_consent: false,
            placard_consent_at: None,
            archived_at: None,
            created_at: now,
            updated_at: now,
            version: 1,
            placard_phone_consent: false,
            placard_phone_consent_at: None,
        }
    }
}

pub fn insert(conn: &mut DbConnection, row: &PersonRow) -> QueryResult<()> {
    diesel::insert_into(people::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

pub fn find(conn: &mut DbConnection, id: &PersonId) -> QueryResult<Option<PersonRow>> {
    people::table
        .find(id)
        .select(PersonRow::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_id_card_hash(conn: &mut DbConnection, hash: &str) -> QueryResult<Option<PersonRow>> {
    people::table
        .filter(people::id_card_hash.eq(hash))
        .select(PersonRow::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_user(conn: &mut DbConnection, user_id: &UserId) -> QueryResult<Option<PersonRow>> {
    people::table
        .filter(people::user_id.eq(user_id))
        .filter(people::archived_at.is_null())
        .select(PersonRow::as_select())
        .first(conn)
        .optional()
}

/// Ids of the people registered in, or actively assigned to, these grids.
pub fn ids_in_grids(conn: &mut DbConnection, grid_ids: &[GridId]) -> QueryResult<Vec<PersonId>> {
    let mut ids: Vec<PersonId> = people::table
        .filter(people::grid_id.eq_any(grid_ids.to_vec()))
        .select(people::id)
        .load(conn)?;
    ids.extend(assigned_in_grids(conn, grid_ids, None)?);
    ids.sort();
    ids.dedup();
    Ok(ids)
}

/// Ids of the people actively assigned to these grids, in `role` if given.
pub fn assigned_in_grids(
    conn: &mut DbConnection,
    grid_ids: &[GridId],
    role: Option<GridRole>,
) -> QueryResult<Vec<PersonId>> {
    let mut query = assignments::table
        .filter(assignments::grid_id.eq_any(grid_ids.to_vec()))
        .filter(assignments::ended_at.is_null())
        .select(assignments::person_id)
        .into_boxed();
    if let Some(role) = role {
        query = query.filter(assignments::role.eq(role));
    }
    query.load(conn)
}

/// Ids of the people actively assigned anywhere in `role`.
pub fn assigned_as(conn: &mut DbConnection, role: GridRole) -> QueryResult<Vec<PersonId>> {
    assignments::table
        .filter(assignments::ended_at.is_null())
        .filter(assignments::role.eq(role))
        .select(assignments::person_id)
        .load(conn)
}

#[derive(Debug, Clone, Default)]
pub struct PersonFilter {
    /// Only these people (scope, grid and role filters resolved to ids).
    pub within: Option<Vec<PersonId>>,
    /// In the name.
    pub q: Option<String>,
    pub party_member: Option<bool>,
    pub placard_consent: Option<bool>,
}

/// One keyset page in id order.
pub fn page(
    conn: &mut DbConnection,
    filter: &PersonFilter,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<PersonRow>> {
    let mut query = people::table
        .filter(people::archived_at.is_null())
        .select(PersonRow::as_select())
        .into_boxed();
    if let Some(ids) = &filter.within {
        query = query.filter(people::id.eq_any(ids.clone()));
    }
    if let Some(q) = &filter.q {
        query = query.filter(people::name.like(text::contains(q)).escape('\\'));
    }
    if let Some(member) = filter.party_member {
        query = query.filter(people::party_member.eq(member));
    }
    if let Some(consent) = filter.placard_consent {
        query = query.filter(people::placard_consent.eq(consent));
    }
    if let Some(after) = after {
        query = query.filter(people::id.gt(after.to_owned()));
    }
    query.order(people::id.asc()).limit(limit).load(conn)
}

pub fn update(conn: &mut DbConnection, row: &PersonRow) -> QueryResult<bool> {
    let n = diesel::update(
        people::table
            .filter(people::id.eq(&row.id))
            .filter(people::version.eq(row.version - 1)),
    )
    .set((
        people::name.eq(&row.name),
        people::mobile.eq(&row.mobile),
        people::work_phone.eq(&row.work_phone),
        people::id_card_hash.eq(&row.id_card_hash),
        people::id_card_last4.eq(&row.id_card_last4),
        people::party_member.eq(row.party_member),
        people::user_id.eq(&row.user_id),
        people::grid_id.eq(&row.grid_id),
        people::placard_consent.eq(row.placard_consent),
        people::placard_consent_at.eq(row.placard_consent_at),
        people::placard_phone_consent.eq(row.placard_phone_consent),
        people::placard_phone_consent_at.eq(row.placard_phone_consent_at),
        people::archived_at.eq(row.archived_at),
        people::updated_at.eq(row.updated_at),
        people::version.eq(row.version),
    ))
    .execute(conn)?;
    Ok(n == 1)
}
