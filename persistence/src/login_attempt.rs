//! Login attempts, kept for throttling (`domain::lockout`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::schema::login_attempts;

#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = login_attempts)]
pub struct NewLoginAttempt<'a> {
    pub id: String,
    pub username: &'a str,
    pub attempted_at: NaiveDateTime,
    pub succeeded: bool,
    pub client_ip: Option<&'a str>,
}

pub fn insert(conn: &mut DbConnection, row: &NewLoginAttempt<'_>) -> QueryResult<()> {
    crate::connection::exclusive(conn, |conn| {
        diesel::insert_into(login_attempts::table)
            .values(row)
            .execute(conn)
            .map(drop)
    })
}

/// `(attempted_at, succeeded)` for `username` since `since`.
pub fn since(
    conn: &mut DbConnection,
    username: &str,
    since: NaiveDateTime,
) -> QueryResult<Vec<(NaiveDateTime, bool)>> {
    login_attempts::table
        .filter(login_attempts::username.eq(username))
        .filter(login_attempts::attempted_at.gt(since))
        .select((login_attempts::attempted_at, login_attempts::succeeded))
        .load(conn)
}

/// Removes attempts before `before` (older than any lockout looks back).
pub fn delete_before(conn: &mut DbConnection, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(login_attempts::table.filter(login_attempts::attempted_at.lt(before)))
        .execute(conn)
}
