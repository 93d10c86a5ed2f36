//! Inspection templates (检查表): one row per template with its latest
//! version number, and every version's content (JSON text) kept.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use gridwork_domain::{TemplateId, UserId};

use crate::connection::DbConnection;
use crate::schema::{inspection_template_versions, inspection_templates};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = inspection_templates, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct TemplateRow {
    pub id: TemplateId,
    /// The latest version's name, for lists.
    pub name: String,
    /// The latest version: each edit adds one (and is the ETag).
    pub version: i32,
    pub item_count: i32,
    pub archived_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = inspection_template_versions, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct TemplateVersionRow {
    pub template_id: TemplateId,
    pub version: i32,
    /// `domain::inspection::Template` as JSON.
    pub content: String,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, row: &TemplateRow) -> QueryResult<()> {
    diesel::insert_into(inspection_templates::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

pub fn insert_version(conn: &mut DbConnection, row: &TemplateVersionRow) -> QueryResult<()> {
    diesel::insert_into(inspection_template_versions::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

pub fn find(conn: &mut DbConnection, id: &TemplateId) -> QueryResult<Option<TemplateRow>> {
    inspection_templates::table
        .find(id)
        .select(TemplateRow::as_select())
        .first(conn)
        .optional()
}

pub fn find_version(
    conn: &mut DbConnection,
    id: &TemplateId,
    version: i32,
) -> QueryResult<Option<TemplateVersionRow>> {
    inspection_template_versions::table
        .find((id, version))
        .select(TemplateVersionRow::as_select())
        .first(conn)
        .optional()
}

/// Moves the template to its next version if it is still at the one
/// before; false when another edit came first.
pub fn advance(conn: &mut DbConnection, row: &TemplateRow) -> QueryResult<bool> {
    let n = diesel::update(
        inspection_templates::table
            .filter(inspection_templates::id.eq(&row.id))
            .filter(inspection_templates::version.eq(row.version - 1)),
    )
    .set((
        inspection_templates::name.eq(&row.name),
        inspection_templates::version.eq(row.version),
        inspection_templates::item_count.eq(row.item_count),
        inspection_templates::archived_at.eq(row.archived_at),
        inspection_templates::updated_at.eq(row.updated_at),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// One keyset page in id (creation) order.
pub fn page(
    conn: &mut DbConnection,
    include_archived: bool,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<TemplateRow>> {
    let mut query = inspection_templates::table
        .select(TemplateRow::as_select())
        .into_boxed();
    if !include_archived {
        query = query.filter(inspection_templates::archived_at.is_null());
    }
    if let Some(after) = after {
        query = query.filter(inspection_templates::id.gt(after.to_owned()));
    }
    query
        .order(inspection_templates::id.asc())
        .limit(limit)
        .load(conn)
}
