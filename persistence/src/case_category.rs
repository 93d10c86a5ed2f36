//! Case categories (two levels), each with its default departments and
//! deadlines.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::schema::case_categories;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = case_categories, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct CategoryRow {
    pub code: String,
    pub parent_code: Option<String>,
    pub name_zh: String,
    pub name_en: String,
    /// Department codes, lead first, comma-separated.
    pub departments: String,
    /// Deadlines that differ from the defaults (`domain::case::deadline::Schedule::to_stored`).
    pub deadlines: String,
    pub archived_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

impl CategoryRow {
    /// The department codes, lead first.
    pub fn department_codes(&self) -> Vec<String> {
        self.departments
            .split(',')
            .filter(|d| !d.is_empty())
            .map(str::to_owned)
            .collect()
    }
}

pub fn insert(conn: &mut DbConnection, row: &CategoryRow) -> QueryResult<()> {
    diesel::insert_into(case_categories::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

pub fn find(conn: &mut DbConnection, code: &str) -> QueryResult<Option<CategoryRow>> {
    case_categories::table
        .find(code)
        .select(CategoryRow::as_select())
        .first(conn)
        .optional()
}

/// One keyset page in code order (a parent before its children).
pub fn page(
    conn: &mut DbConnection,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<CategoryRow>> {
    let mut query = case_categories::table
        .select(CategoryRow::as_select())
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(case_categories::code.gt(after.to_owned()));
    }
    query
        .order(case_categories::code.asc())
        .limit(limit)
        .load(conn)
}

/// Writes `row` if it is still at `row.version - 1`.
pub fn update(conn: &mut DbConnection, row: &CategoryRow) -> QueryResult<bool> {
    let n = diesel::update(
        case_categories::table
            .filter(case_categories::code.eq(&row.code))
            .filter(case_categories::version.eq(row.version - 1)),
    )
    .set((
        case_categories::name_zh.eq(&row.name_zh),
        case_categories::name_en.eq(&row.name_en),
        case_categories::departments.eq(&row.departments),
        case_categories::deadlines.eq(&row.deadlines),
        case_categories::archived_at.eq(row.archived_at),
        case_categories::updated_at.eq(row.updated_at),
        case_categories::version.eq(row.version),
    ))
    .execute(conn)?;
    Ok(n == 1)
}
