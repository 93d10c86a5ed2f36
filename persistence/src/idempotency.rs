//! Idempotency keys: a claim taken before a write, completed with the stored
//! response in the write's own transaction.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::connection::{DbConnection, exclusive};
use crate::schema::idempotency_keys as keys;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = keys, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct KeyRow {
    pub caller_id: String,
    pub operation: String,
    pub idem_key: String,
    /// SHA-256 of the request (method, path, body).
    pub fingerprint: String,
    pub claim_token: String,
    pub claimed_at: NaiveDateTime,
    pub completed_at: Option<NaiveDateTime>,
    pub response_status: Option<i32>,
    /// JSON object of the response headers worth replaying.
    pub response_headers: Option<String>,
    pub response_body: Option<Vec<u8>>,
    pub expires_at: NaiveDateTime,
}

/// The row of (caller, operation, key), expired or not.
pub fn find(
    conn: &mut DbConnection,
    caller_id: &str,
    operation: &str,
    key: &str,
) -> QueryResult<Option<KeyRow>> {
    keys::table
        .find((caller_id, operation, key))
        .select(KeyRow::as_select())
        .first(conn)
        .optional()
}

/// Inserts a fresh claim; a concurrent claim of the same key makes this a
/// unique violation.
pub fn insert(conn: &mut DbConnection, row: &KeyRow) -> QueryResult<()> {
    exclusive(conn, |conn| {
        diesel::insert_into(keys::table)
            .values(row)
            .execute(conn)
            .map(drop)
    })
}

/// Takes over `previous` (expired, or a claim gone stale) if nobody else did
/// first; true when taken.
pub fn take_over(conn: &mut DbConnection, previous: &KeyRow, next: &KeyRow) -> QueryResult<bool> {
    let n = exclusive(conn, |conn| {
        diesel::update(
            keys::table
                .find((&previous.caller_id, &previous.operation, &previous.idem_key))
                .filter(keys::claim_token.eq(&previous.claim_token)),
        )
        .set((
            keys::fingerprint.eq(&next.fingerprint),
            keys::claim_token.eq(&next.claim_token),
            keys::claimed_at.eq(next.claimed_at),
            keys::completed_at.eq(None::<NaiveDateTime>),
            keys::response_status.eq(None::<i32>),
            keys::response_headers.eq(None::<String>),
            keys::response_body.eq(None::<Vec<u8>>),
            keys::expires_at.eq(next.expires_at),
        ))
        .execute(conn)
    })?;
    Ok(n == 1)
}

/// Stores the response of the claim `row` (still held by its token); false
/// when the claim was lost.
pub fn complete(conn: &mut DbConnection, row: &KeyRow) -> QueryResult<bool> {
    let n = diesel::update(
        keys::table
            .find((&row.caller_id, &row.operation, &row.idem_key))
            .filter(keys::claim_token.eq(&row.claim_token))
            .filter(keys::completed_at.is_null()),
    )
    .set((
        keys::completed_at.eq(row.completed_at),
        keys::response_status.eq(row.response_status),
        keys::response_headers.eq(&row.response_headers),
        keys::response_body.eq(&row.response_body),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Gives an unfinished claim up (the request failed: a retry may run again).
pub fn release(conn: &mut DbConnection, row: &KeyRow) -> QueryResult<()> {
    exclusive(conn, |conn| {
        diesel::delete(
            keys::table
                .find((&row.caller_id, &row.operation, &row.idem_key))
                .filter(keys::claim_token.eq(&row.claim_token))
                .filter(keys::completed_at.is_null()),
        )
        .execute(conn)
        .map(drop)
    })
}

/// Removes keys past their retention; returns how many.
pub fn delete_expired(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(keys::table.filter(keys::expires_at.lt(now))).execute(conn)
}
