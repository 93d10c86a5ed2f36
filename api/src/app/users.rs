//! User accounts: creation and administration. Password hashes are made by
//! the caller between the check and the write, on the hashing pool.

use gridwork_domain::audit::{AuditAction, Entity};
use gridwork_domain::password::PasswordPolicy;
use gridwork_domain::{Permission, Role, Roles, UserId, Username};
use gridwork_persistence::assignment::{self, AssignmentRow};
use gridwork_persistence::person::{self, PersonRow};
use gridwork_persistence::user::{self, UserFilter, UserRow};
use gridwork_persistence::{DbConnection, department, refresh_token, time};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::input::{clean, nullable};
use super::{AppError, AuditEvent, Caller, ErrorCode, Expected, FieldCode, FieldError, Origin};

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    /// 3–64 characters: letters, digits, `.`, `_`, `-`, starting with a
    /// letter or digit; stored in lower case.
    #[validate(length(min = 1, max = 256))]
    #[schema(
        min_length = 1,
        max_length = 256,
        pattern = "^\\s*[A-Za-z0-9][A-Za-z0-9._-]{2,63}\\s*$",
        example = "zhangyc"
    )]
    pub username: String,
    /// Checked against the password policy: 8–128 characters (by default),
    /// not a common password, not containing the username.
    #[validate(length(min = 1, max = 1024))]
    #[schema(min_length = 1, max_length = 1024)]
    pub password: String,
    #[validate(length(max = 100))]
    #[schema(max_length = 100, example = "张亚超")]
    pub display_name: Option<String>,
    /// Role codes, at least one (see `GET /api/v1/meta/roles`).
    #[validate(length(min = 1, max = 11))]
    #[schema(value_type = Vec<Role>, min_items = 1, max_items = 11, example = json!(["grid_worker"]))]
    pub roles: Vec<String>,
    /// The department of a `department_staff` account (required for them,
    /// refused for everyone else).
    #[validate(length(min = 1, max = 40))]
    #[schema(
        min_length = 1,
        max_length = 40,
        pattern = "^[a-z][a-z0-9_]{0,39}$",
        example = "emergency_management"
    )]
    pub department_code: Option<String>,
}

/// Fields to change; absent fields stay as they are.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUser {
    /// Empty string clears it.
    #[validate(length(max = 100))]
    #[schema(max_length = 100)]
    pub display_name: Option<String>,
    #[validate(length(min = 1, max = 11))]
    #[schema(value_type = Option<Vec<Role>>, min_items = 1, max_items = 11)]
    pub roles: Option<Vec<String>>,
    /// Disabling rejects the user's tokens at once and ends their logins.
    pub disabled: Option<bool>,
    /// A new password (reset); ends the user's logins.
    #[validate(length(min = 1, max = 1024))]
    #[schema(min_length = 1, max_length = 1024)]
    pub password: Option<String>,
    /// The department of a `department_staff` account; `null` clears it.
    #[serde(default, deserialize_with = "nullable")]
    #[validate(length(min = 1, max = 40))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 40, pattern = "^[a-z][a-z0-9_]{0,39}$")]
    pub department_code: Option<Option<String>>,
}

fn parse_roles(codes: &[String]) -> Result<Roles, AppError> {
    let roles = codes
        .iter()
        .map(|c| Role::parse_code(c))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| AppError::invalid("roles", FieldCode::UnknownRole, e))?;
    Roles::new(roles).map_err(|e| AppError::invalid("roles", FieldCode::Required, e))
}

fn password_error(e: impl std::fmt::Display) -> FieldError {
    FieldError::new("password", FieldCode::WeakPassword, e)
}

/// An account that passed every rule and waits for its password hash.
#[derive(Debug)]
pub struct NewAccount {
    pub username: Username,
    pub display_name: Option<String>,
    pub roles: Roles,
    pub department_code: Option<String>,
}

/// Checks a new account (every invalid field at once) before its password is hashed.
pub fn check_new(
    caller: &Caller,
    policy: &PasswordPolicy,
    input: &CreateUser,
) -> Result<NewAccount, AppError> {
    caller.require(Permission::ManageUsers)?;
    input.validate()?;
    let mut errors = Vec::new();
    let username = Username::parse(&input.username)
        .map_err(|e| errors.push(FieldError::new("username", FieldCode::Invalid, e)))
        .ok();
    let roles = parse_roles(&input.roles).map_err(|e| {
        if let AppError::Invalid(mut v) = e {
            errors.append(&mut v);
        }
    });
    if let Some(name) = &username
        && let Err(e) = policy.check(&input.password, name.as_str())
    {
        errors.push(password_error(e));
    }
    match (username, roles) {
        (Some(username), Ok(roles)) if errors.is_empty() => Ok(NewAccount {
            username,
            display_name: clean(input.display_name.clone()),
            roles,
            department_code: input.department_code.clone(),
        }),
        _ => Err(AppError::Invalid(errors)),
    }
}

/// Creates the account checked by `check_new`.
pub fn create(
    conn: &mut DbConnection,
    caller: &Caller,
    origin: &Origin,
    account: NewAccount,
    password_hash: String,
) -> Result<UserRow, AppError> {
    let row = UserRow {
        department_code: account.department_code,
        // an admin chose this password; the console and the demo are exempt
        password_change_required: caller.user.is_some(),
        ..UserRow::new(
            account.username.as_str(),
            account.display_name,
            password_hash,
            account.roles.to_stored(),
            time::to_db(time::now()),
        )
    };
    super::transaction(conn, |conn| {
        check_department(conn, &account.roles, row.department_code.as_deref())?;
        if !user::insert(conn, &row)? {
            return Err(AppError::conflict(
                ErrorCode::UsernameTaken,
                "A user with this username exists already.",
            ));
        }
        AuditEvent::success(AuditAction::UserCreate)
            .by(caller)
            .on(Entity::User, &row.id)
            .detail(serde_json::json!({ "username": row.username, "roles": row.roles, "via": if caller.user.is_some() { "api" } else { "cli" } }))
            .write(conn, origin)?;
        Ok(row)
    })
}

/// Department staff belong to exactly one active department; nobody else
/// belongs to one.
fn check_department(
    conn: &mut DbConnection,
    roles: &Roles,
    code: Option<&str>,
) -> Result<(), AppError> {
    let invalid = |code, message: &str| AppError::invalid("department_code", code, message);
    match (roles.contains(Role::DepartmentStaff), code) {
        (true, None) => Err(invalid(
            FieldCode::Required,
            "department staff belong to a department",
        )),
        (false, Some(_)) => Err(invalid(
            FieldCode::Invalid,
            "only department staff belong to a department",
        )),
        (true, Some(code)) if department::active_among(conn, &[code.to_owned()])?.is_empty() => {
            Err(invalid(FieldCode::NotFound, "no such active department"))
        }
        _ => Ok(()),
    }
}

/// One account (admin).
pub fn find(conn: &mut DbConnection, caller: &Caller, id: &UserId) -> Result<UserRow, AppError> {
    caller.require(Permission::ManageUsers)?;
    user::find(conn, id)?.ok_or(AppError::NotFound)
}

/// One keyset page of accounts in creation order (admin).
pub fn list(
    conn: &mut DbConnection,
    caller: &Caller,
    filter: &UserFilter,
    after: Option<&str>,
    fetch: i64,
) -> Result<Vec<UserRow>, AppError> {
    caller.require(Permission::ManageUsers)?;
    Ok(user::page(conn, filter, after, fetch)?)
}

/// A change that passed every rule; a new password waits for its hash.
#[derive(Debug)]
pub struct Update {
    current: UserRow,
    input: UpdateUser,
    roles: Option<Roles>,
}

impl Update {
    /// The new password to hash, if the change sets one.
    pub fn password(&self) -> Option<&str> {
        self.input.password.as_deref()
    }
}

/// Checks a change of an account before a new password is hashed. Admins
/// cannot disable themselves or drop their own admin role.
pub fn check_update(
    conn: &mut DbConnection,
    caller: &Caller,
    policy: &PasswordPolicy,
    id: &UserId,
    expected: &Expected,
    input: UpdateUser,
) -> Result<Update, AppError> {
    caller.require(Permission::ManageUsers)?;
    input.validate()?;
    let roles = input.roles.as_deref().map(parse_roles).transpose()?;
    if caller.user_id() == Some(id)
        && (input.disabled == Some(true)
            || roles.as_ref().is_some_and(|r| !r.contains(Role::Admin)))
    {
        return Err(AppError::conflict(
            ErrorCode::SelfLockout,
            "You cannot disable yourself or remove your own admin role.",
        ));
    }
    let current = user::find(conn, id)?.ok_or(AppError::NotFound)?;
    if let Some(password) = &input.password {
        policy
            .check(password, &current.username)
            .map_err(|e| AppError::Invalid(vec![password_error(e)]))?;
    }
    expected.check(current.version)?;
    Ok(Update {
        current,
        input,
        roles,
    })
}

/// Writes a checked change. Disabling or a new password ends every login
/// of the account and invalidates its access tokens at once.
pub fn apply_update(
    conn: &mut DbConnection,
    caller: &Caller,
    origin: &Origin,
    update: Update,
    password_hash: Option<String>,
) -> Result<UserRow, AppError> {
    let Update {
        current,
        input,
        roles,
    } = update;
    let now = time::to_db(time::now());
    let mut next = current.clone();
    let mut changed = Vec::new();
    if let Some(name) = input.display_name {
        next.display_name = clean(Some(name));
        changed.push("display_name");
    }
    if let Some(roles) = &roles {
        next.roles = roles.to_stored();
        changed.push("roles");
    }
    if let Some(disabled) = input.disabled {
        next.disabled = disabled;
        changed.push("disabled");
    }
    if let Some(hash) = password_hash {
        next.password_hash = hash;
        // a password someone else chose is to be changed at the next login
        next.password_change_required = caller.user_id() != Some(&current.id);
        changed.push("password");
    }
    if let Some(code) = input.department_code {
        next.department_code = code;
        changed.push("department_code");
    }
    let next_roles = match roles {
        Some(roles) => roles,
        None => Roles::parse_stored(&next.roles)
            .map_err(|e| AppError::Internal(format!("user {} has bad roles: {e}", next.id)))?,
    };
    let end_sessions = next.disabled && !current.disabled || changed.contains(&"password");
    if end_sessions {
        next.token_version += 1;
    }
    next.updated_at = now;
    next.version += 1;
    super::transaction(conn, |conn| {
        check_department(conn, &next_roles, next.department_code.as_deref())?;
        if !user::update(conn, &next)? {
            return Err(AppError::Stale);
        }
        if end_sessions {
            refresh_token::revoke_all_for_user(conn, &next.id, now)?;
        }
        AuditEvent::success(AuditAction::UserUpdate)
            .by(caller)
            .on(Entity::User, &next.id)
            .detail(serde_json::json!({
                "changed": changed,
                "roles": next.roles,
                "disabled": next.disabled,
                "sessions_ended": end_sessions,
                "password_change_required": next.password_change_required,
            }))
            .write(conn, origin)?;
        Ok(next)
    })
}

/// The caller's account with the person linked to it and that person's
/// active assignments.
#[derive(Debug)]
pub struct Me {
    pub account: UserRow,
    pub person: Option<PersonRow>,
    pub assignments: Vec<(AssignmentRow, String, String)>,
}

/// At most this many assignments on `/me`.
const MY_ASSIGNMENTS: i64 = 200;

pub fn me(conn: &mut DbConnection, caller: &Caller) -> Result<Me, AppError> {
    let account = caller.user.clone().ok_or(AppError::NotFound)?;
    let person = person::find_by_user(conn, &account.id)?.filter(|p| p.archived_at.is_none());
    let assignments = match &person {
        Some(p) => assignment::active_of_person(conn, &p.id, MY_ASSIGNMENTS)?,
        None => Vec::new(),
    };
    Ok(Me {
        account,
        person,
        assignments,
    })
}
