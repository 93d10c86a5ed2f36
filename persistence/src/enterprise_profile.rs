//! Every version of an enterprise's dynamic profile: its content and what
//! changed from the version before, as JSON text, with who and when.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use gridwork_domain::{EnterpriseId, UserId};

use crate::connection::DbConnection;
use crate::schema::{enterprise_profiles, users};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = enterprise_profiles, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct ProfileRow {
    pub enterprise_id: EnterpriseId,
    /// 1, 2, …: the first edit makes version 1.
    pub version: i32,
    /// `domain::profile::Profile` as JSON.
    pub content: String,
    /// `domain::profile::Change`s from the version before, as a JSON array.
    pub changes: String,
    pub edited_by: Option<UserId>,
    pub edited_at: NaiveDateTime,
}

/// A version with the editor's display name (or username).
#[derive(Debug, Clone, PartialEq)]
pub struct Edited {
    pub row: ProfileRow,
    pub editor_name: Option<String>,
}

/// Adds a version; two writers of the same version meet the primary key.
pub fn insert(conn: &mut DbConnection, row: &ProfileRow) -> QueryResult<()> {
    diesel::insert_into(enterprise_profiles::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// The latest version, or the one asked for.
pub fn find(
    conn: &mut DbConnection,
    enterprise: &EnterpriseId,
    version: Option<i32>,
) -> QueryResult<Option<Edited>> {
    let below = version.map(|v| v.saturating_add(1));
    let found = history(conn, enterprise, below, 1)?.into_iter().next();
    Ok(found.filter(|e| version.is_none_or(|v| e.row.version == v)))
}

/// One keyset page of versions, newest first, below `before`.
pub fn history(
    conn: &mut DbConnection,
    enterprise: &EnterpriseId,
    before: Option<i32>,
    limit: i64,
) -> QueryResult<Vec<Edited>> {
    let mut query = enterprise_profiles::table
        .left_join(users::table.on(users::id.nullable().eq(enterprise_profiles::edited_by)))
        .filter(enterprise_profiles::enterprise_id.eq(enterprise))
        .select((
            ProfileRow::as_select(),
            users::display_name.nullable(),
            users::username.nullable(),
        ))
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(enterprise_profiles::version.lt(before));
    }
    let rows: Vec<(ProfileRow, Option<String>, Option<String>)> = query
        .order(enterprise_profiles::version.desc())
        .limit(limit)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(row, display, username)| Edited {
            row,
            editor_name: display.or(username),
        })
        .collect())
}
