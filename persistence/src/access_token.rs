//! Personal access tokens, stored as SHA-256 hashes of their secrets.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use gridwork_domain::{AccessTokenId, UserId};

use crate::connection::DbConnection;
use crate::schema::access_tokens;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = access_tokens, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct AccessTokenRow {
    pub id: AccessTokenId,
    pub user_id: UserId,
    pub name: String,
    pub token_hash: String,
    /// The roles the token is limited to (`Roles::to_stored`); None: the owner's.
    pub roles: Option<String>,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConnection, row: &AccessTokenRow) -> QueryResult<()> {
    diesel::insert_into(access_tokens::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// The token with this id and secret hash: both must match.
pub fn find_presented(
    conn: &mut DbConnection,
    id: &AccessTokenId,
    hash: &str,
) -> QueryResult<Option<AccessTokenRow>> {
    access_tokens::table
        .filter(access_tokens::id.eq(id))
        .filter(access_tokens::token_hash.eq(hash))
        .select(AccessTokenRow::as_select())
        .first(conn)
        .optional()
}

/// An owner's token, revoked or not.
pub fn find_owned(
    conn: &mut DbConnection,
    user_id: &UserId,
    id: &AccessTokenId,
) -> QueryResult<Option<AccessTokenRow>> {
    access_tokens::table
        .filter(access_tokens::id.eq(id))
        .filter(access_tokens::user_id.eq(user_id))
        .select(AccessTokenRow::as_select())
        .first(conn)
        .optional()
}

/// One keyset page of an owner's unrevoked tokens (expired ones included,
/// so the owner sees what stopped working), oldest first.
pub fn page_owned(
    conn: &mut DbConnection,
    user_id: &UserId,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<AccessTokenRow>> {
    let mut query = access_tokens::table
        .filter(access_tokens::user_id.eq(user_id))
        .filter(access_tokens::revoked_at.is_null())
        .select(AccessTokenRow::as_select())
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(access_tokens::id.gt(after.to_owned()));
    }
    query.order(access_tokens::id.asc()).limit(limit).load(conn)
}

/// How many of an owner's tokens still work at `now`.
pub fn count_active(
    conn: &mut DbConnection,
    user_id: &UserId,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    access_tokens::table
        .filter(access_tokens::user_id.eq(user_id))
        .filter(access_tokens::revoked_at.is_null())
        .filter(access_tokens::expires_at.gt(now))
        .count()
        .get_result(conn)
}

/// Revokes the token if it is not revoked yet; false when it already was.
pub fn revoke(
    conn: &mut DbConnection,
    id: &AccessTokenId,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        access_tokens::table
            .filter(access_tokens::id.eq(id))
            .filter(access_tokens::revoked_at.is_null()),
    )
    .set(access_tokens::revoked_at.eq(now))
    .execute(conn)?;
    Ok(n == 1)
}

/// Notes a use, at most once per `every`: a busy script must not turn each
/// of its reads into a write.
pub fn touch(
    conn: &mut DbConnection,
    id: &AccessTokenId,
    now: NaiveDateTime,
    every: chrono::Duration,
) -> QueryResult<()> {
    diesel::update(
        access_tokens::table
            .filter(access_tokens::id.eq(id))
            .filter(
                access_tokens::last_used_at
                    .is_null()
                    .or(access_tokens::last_used_at.lt(now - every)),
            ),
    )
    .set(access_tokens::last_used_at.eq(now))
    .execute(conn)
    .map(drop)
}
