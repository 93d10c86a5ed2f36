//! Server settings kept in the database (e.g. a generated JWT secret).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::schema::settings;

pub fn get(conn: &mut DbConnection, key: &str) -> QueryResult<Option<String>> {
    settings::table
        .filter(settings::key.eq(key))
        .select(settings::value)
        .first(conn)
        .optional()
}

/// Stores `value` under `key` unless a value is there already; returns the
/// value that is stored afterwards. Safe when several instances start at once.
pub fn get_or_insert(
    conn: &mut DbConnection,
    key: &str,
    value: &str,
    now: NaiveDateTime,
) -> QueryResult<String> {
    if let Some(existing) = get(conn, key)? {
        return Ok(existing);
    }
    let inserted = diesel::insert_into(settings::table)
        .values((
            settings::key.eq(key),
            settings::value.eq(value),
            settings::created_at.eq(now),
        ))
        .execute(conn);
    match inserted {
        Ok(_) => Ok(value.to_owned()),
        // another instance won the race: use its value
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => get(conn, key)?.ok_or(diesel::result::Error::NotFound),
        Err(e) => Err(e),
    }
}

/// Stores `value` under `key`, replacing what was there.
pub fn put(conn: &mut DbConnection, key: &str, value: &str, now: NaiveDateTime) -> QueryResult<()> {
    let updated = diesel::update(settings::table.filter(settings::key.eq(key)))
        .set(settings::value.eq(value))
        .execute(conn)?;
    if updated == 0 {
        // another instance may insert it first: then its value stands
        let insert = diesel::insert_into(settings::table)
            .values((
                settings::key.eq(key),
                settings::value.eq(value),
                settings::created_at.eq(now),
            ))
            .on_conflict_do_nothing();
        match conn {
            DbConnection::Postgresql(c) => insert.execute(c)?,
            DbConnection::Sqlite(c) => insert.execute(c)?,
        };
    }
    Ok(())
}
