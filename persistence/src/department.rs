//! Departments (职能部门) that cases are dispatched to, named by code.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::schema::departments;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = departments, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct DepartmentRow {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub archived_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

pub fn insert(conn: &mut DbConnection, row: &DepartmentRow) -> QueryResult<()> {
    diesel::insert_into(departments::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

pub fn find(conn: &mut DbConnection, code: &str) -> QueryResult<Option<DepartmentRow>> {
    departments::table
        .find(code)
        .select(DepartmentRow::as_select())
        .first(conn)
        .optional()
}

/// The active departments among `codes`.
pub fn active_among(conn: &mut DbConnection, codes: &[String]) -> QueryResult<Vec<String>> {
    departments::table
        .filter(departments::code.eq_any(codes.to_vec()))
        .filter(departments::archived_at.is_null())
        .select(departments::code)
        .load(conn)
}

/// One keyset page in code order.
pub fn page(
    conn: &mut DbConnection,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<DepartmentRow>> {
    let mut query = departments::table
        .select(DepartmentRow::as_select())
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(departments::code.gt(after.to_owned()));
    }
    query.order(departments::code.asc()).limit(limit).load(conn)
}

/// Writes `row` if it is still at `row.version - 1`.
pub fn update(conn: &mut DbConnection, row: &DepartmentRow) -> QueryResult<bool> {
    let n = diesel::update(
        departments::table
            .filter(departments::code.eq(&row.code))
            .filter(departments::version.eq(row.version - 1)),
    )
    .set((
        departments::name_zh.eq(&row.name_zh),
        departments::name_en.eq(&row.name_en),
        departments::archived_at.eq(row.archived_at),
        departments::updated_at.eq(row.updated_at),
        departments::version.eq(row.version),
    ))
    .execute(conn)?;
    Ok(n == 1)
}
