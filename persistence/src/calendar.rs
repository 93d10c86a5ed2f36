//! The working-day calendar: the dates that break the plain week.

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::schema::calendar_days;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = calendar_days, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct DayRow {
    pub day: NaiveDate,
    /// `domain::case::calendar::DayKind` code.
    pub kind: String,
    pub note: Option<String>,
}

/// Every listed day from `from` to `to` (inclusive), in date order.
pub fn between(
    conn: &mut DbConnection,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<DayRow>> {
    calendar_days::table
        .filter(calendar_days::day.between(from, to))
        .select(DayRow::as_select())
        .order(calendar_days::day.asc())
        .load(conn)
}

/// Sets a day (insert or replace).
pub fn put(conn: &mut DbConnection, row: &DayRow) -> QueryResult<()> {
    diesel::delete(calendar_days::table.find(row.day)).execute(conn)?;
    diesel::insert_into(calendar_days::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// Removes a day; false when it was not listed.
pub fn remove(conn: &mut DbConnection, day: NaiveDate) -> QueryResult<bool> {
    Ok(diesel::delete(calendar_days::table.find(day)).execute(conn)? == 1)
}
