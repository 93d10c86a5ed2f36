//! User accounts as the API shows them (never the password hash).

use chrono::{DateTime, Utc};
use gridwork_domain::assignment::GridRole;
use gridwork_domain::{Role, Roles};
use gridwork_persistence::time;
use gridwork_persistence::user::UserRow;
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::AppError;

#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    #[schema(format = Uuid, max_length = 36, example = "0193a1f4-7c9e-7d21-9a1b-3f4e5d6c7b8a")]
    pub id: String,
    #[schema(min_length = 3, max_length = 64, example = "wangyx")]
    pub username: String,
    #[schema(max_length = 100, example = "王勇翔")]
    pub display_name: Option<String>,
    #[schema(min_items = 1, max_items = 11)]
    pub roles: Vec<Role>,
    pub disabled: bool,
    /// The department of a `department_staff` account.
    #[schema(max_length = 40, pattern = "^[a-z][a-z0-9_]{0,39}$")]
    pub department_code: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Someone else (an admin) chose the password: until the holder chooses
    /// their own with `POST /api/v1/me/password`, every other operation
    /// answers 403 `password_change_required`.
    pub password_change_required: bool,
    /// Optimistic-concurrency version; the ETag is `"<version>"`.
    #[schema(minimum = 1, maximum = 2147483647)]
    pub version: i32,
}

impl TryFrom<&UserRow> for UserView {
    type Error = AppError;

    fn try_from(row: &UserRow) -> Result<UserView, AppError> {
        let roles = Roles::parse_stored(&row.roles)
            .map_err(|e| AppError::Internal(format!("user {} has bad roles: {e}", row.id)))?;
        Ok(UserView {
            id: row.id.to_string(),
            username: row.username.clone(),
            display_name: row.display_name.clone(),
            roles: roles.iter().collect(),
            disabled: row.disabled,
            department_code: row.department_code.clone(),
            created_at: time::from_db(row.created_at),
            updated_at: time::from_db(row.updated_at),
            password_change_required: row.password_change_required,
            version: row.version,
        })
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserPage {
    /// One page: at most `limit` (1–200) items.
    #[schema(max_items = 200)]
    pub items: Vec<UserView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[schema(max_length = 200, pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$")]
    pub next_cursor: Option<String>,
}

/// The caller's own account, with who they are in the zone: what an app
/// needs at start.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeView {
    #[serde(flatten)]
    pub account: UserView,
    /// The person record linked to the account; `null` for accounts without
    /// one (admins, auditors, department staff).
    pub person: Option<MyPerson>,
    /// The person's active assignments, in grid code order (at most 200):
    /// the grids the caller serves, each with everything below it in scope.
    #[schema(max_items = 200)]
    pub assignments: Vec<MyAssignment>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MyPerson {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(max_length = 50, example = "王勇翔")]
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MyAssignment {
    /// The assignment's id.
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub grid_id: String,
    #[schema(
        max_length = 40,
        pattern = "^[0-9]{1,40}$",
        example = "411622000000001"
    )]
    pub grid_code: String,
    #[schema(max_length = 100, example = "周口耕德电子网格")]
    pub grid_name: String,
    pub role: GridRole,
    pub started_at: DateTime<Utc>,
}

impl MeView {
    pub fn new(me: &crate::app::users::Me) -> Result<MeView, AppError> {
        Ok(MeView {
            account: UserView::try_from(&me.account)?,
            person: me.person.as_ref().map(|p| MyPerson {
                id: p.id.to_string(),
                name: p.name.clone(),
            }),
            assignments: me
                .assignments
                .iter()
                .map(|(a, code, name)| MyAssignment {
                    id: a.id.to_string(),
                    grid_id: a.grid_id.to_string(),
                    grid_code: code.clone(),
                    grid_name: name.clone(),
                    role: a.role,
                    started_at: time::from_db(a.started_at),
                })
                .collect(),
        })
    }
}
