//! Questions about the zone registry as a whole.

use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::schema::{enterprises, grids, people, users};

/// True when the database holds grids, enterprises, people, or users besides `admin`.
pub fn holds_data(conn: &mut DbConnection) -> QueryResult<bool> {
    let any = |n: i64| n > 0;
    Ok(any(grids::table.count().get_result(conn)?)
        || any(enterprises::table.count().get_result(conn)?)
        || any(people::table.count().get_result(conn)?)
        || any(users::table
            .filter(users::username.ne("admin"))
            .count()
            .get_result(conn)?))
}
