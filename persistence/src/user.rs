//! User accounts.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use gridwork_domain::UserId;

use crate::connection::DbConnection;
use crate::schema::users;
use crate::text;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = users, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite), treat_none_as_default_value = false)]
pub struct UserRow {
    pub id: UserId,
    pub username: String,
    pub display_name: Option<String>,
    pub password_hash: String,
    /// Comma-separated role codes (`domain::Roles::to_stored`).
    pub roles: String,
    pub disabled: bool,
    /// Bumped when the password is reset or the account disabled: access
    /// tokens carry it, so older tokens stop working at once.
    pub token_version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
    /// The department of a `department_staff` account.
    pub department_code: Option<String>,
    /// Someone else chose the password (an admin creating or resetting the
    /// account): the holder must choose their own before anything else.
    pub password_change_required: bool,
}

impl UserRow {
    /// A new, enabled account at version 1.
    pub fn new(
        username: &str,
        display_name: Option<String>,
        password_hash: String,
        roles: String,
        now: NaiveDateTime,
    ) -> UserRow {
        UserRow {
            id: UserId::generate(),
            username: username.to_owned(),
            display_name,
            password_hash,
            roles,
            disabled: false,
            token_version: 0,
            created_at: now,
            updated_at: now,
            version: 1,
            department_code: None,
            password_change_required: false,
        }
    }
}

/// Inserts a new account; `Ok(false)` when the username is taken.
pub fn insert(conn: &mut DbConnection, row: &UserRow) -> QueryResult<bool> {
    if find_by_username(conn, &row.username)?.is_some() {
        return Ok(false);
    }
    match diesel::insert_into(users::table).values(row).execute(conn) {
        Ok(_) => Ok(true),
        // a concurrent insert of the same name won
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => Ok(false),
        Err(e) => Err(e),
    }
}

pub fn find(conn: &mut DbConnection, id: &UserId) -> QueryResult<Option<UserRow>> {
    users::table
        .find(id)
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_username(conn: &mut DbConnection, username: &str) -> QueryResult<Option<UserRow>> {
    users::table
        .filter(users::username.eq(username))
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

/// The stored role lists of all enabled accounts (start-up checks only).
pub fn enabled_roles(conn: &mut DbConnection) -> QueryResult<Vec<String>> {
    users::table
        .filter(users::disabled.eq(false))
        .select(users::roles)
        .load(conn)
}

#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    /// Holding this role code.
    pub role: Option<String>,
    /// In the username or display name.
    pub q: Option<String>,
    pub disabled: Option<bool>,
}

/// One keyset page in id order (UUIDv7: creation order).
pub fn page(
    conn: &mut DbConnection,
    filter: &UserFilter,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<UserRow>> {
    let mut query = users::table.select(UserRow::as_select()).into_boxed();
    if let Some(role) = &filter.role {
        let [first, last, middle] = text::list_item(role);
        query = query.filter(
            users::roles
                .eq(role.clone())
                .or(users::roles.like(first).escape('\\'))
                .or(users::roles.like(last).escape('\\'))
                .or(users::roles.like(middle).escape('\\')),
        );
    }
    if let Some(q) = &filter.q {
        let pattern = text::contains(&q.to_lowercase());
        query = query.filter(
            users::username
                .like(pattern.clone())
                .escape('\\')
                .or(users::display_name.like(text::contains(q)).escape('\\')),
        );
    }
    if let Some(disabled) = filter.disabled {
        query = query.filter(users::disabled.eq(disabled));
    }
    if let Some(after) = after {
        query = query.filter(users::id.gt(after.to_owned()));
    }
    query.order(users::id.asc()).limit(limit).load(conn)
}

/// Writes the mutable fields of `row` if the stored version is still
/// `row.version - 1`. Returns false when someone else changed it first.
pub fn update(conn: &mut DbConnection, row: &UserRow) -> QueryResult<bool> {
    let updated = diesel::update(
        users::table
            .filter(users::id.eq(&row.id))
            .filter(users::version.eq(row.version - 1)),
    )
    .set((
        users::display_name.eq(&row.display_name),
        users::password_hash.eq(&row.password_hash),
        users::roles.eq(&row.roles),
        users::disabled.eq(row.disabled),
        users::token_version.eq(row.token_version),
        users::updated_at.eq(row.updated_at),
        users::version.eq(row.version),
        users::department_code.eq(&row.department_code),
        users::password_change_required.eq(row.password_change_required),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}
