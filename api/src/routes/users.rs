//! User accounts: the caller's own (`/me`) and administration (`/users`).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use gridwork_domain::audit::{AuditAction, Outcome};
use gridwork_domain::{Permission, Role, Roles, Username};
use gridwork_persistence::user::{self, UserRow};
use gridwork_persistence::{refresh_token, time};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::{API_PREFIX, PageQuery, check_if_match, clean, etag, paginate};
use crate::audit::{AuditEvent, RequestOrigin};
use crate::auth::Caller;
use crate::error::{ApiError, FieldError};
use crate::openapi as doc;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    #[schema(example = "0193a1f4-7c9e-7d21-9a1b-3f4e5d6c7b8a")]
    pub id: String,
    #[schema(example = "wangyx")]
    pub username: String,
    #[schema(example = "王勇翔")]
    pub display_name: Option<String>,
    pub roles: Vec<Role>,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Optimistic-concurrency version; the ETag is `"<version>"`.
    pub version: i32,
}

impl UserView {
    fn from_row(row: &UserRow) -> Result<UserView, ApiError> {
        let roles = Roles::parse_stored(&row.roles)
            .map_err(|e| ApiError::Internal(format!("user {} has bad roles: {e}", row.id)))?;
        Ok(UserView {
            id: row.id.clone(),
            username: row.username.clone(),
            display_name: row.display_name.clone(),
            roles: roles.iter().collect(),
            disabled: row.disabled,
            created_at: time::from_db(row.created_at),
            updated_at: time::from_db(row.updated_at),
            version: row.version,
        })
    }

    fn respond(
        row: &UserRow,
        mut builder: actix_web::HttpResponseBuilder,
    ) -> Result<HttpResponse, ApiError> {
        Ok(builder
            .insert_header((header::ETAG, etag(row.version)))
            .json(UserView::from_row(row)?))
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserPage {
    pub items: Vec<UserView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct CreateUser {
    #[validate(length(min = 1, max = 256))]
    #[schema(example = "zhangyc")]
    pub username: String,
    /// Checked against the password policy (length, common passwords, username).
    #[validate(length(min = 1, max = 1024))]
    pub password: String,
    #[validate(length(max = 100))]
    #[schema(example = "张亚超")]
    pub display_name: Option<String>,
    /// Role codes, at least one (see `GET /api/v1/meta/roles`).
    #[schema(example = json!(["grid_worker"]))]
    pub roles: Vec<String>,
}

/// Fields to change; absent fields stay as they are.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUser {
    /// Empty string clears it.
    #[validate(length(max = 100))]
    pub display_name: Option<String>,
    pub roles: Option<Vec<String>>,
    /// Disabling rejects the user's tokens at once and ends their logins.
    pub disabled: Option<bool>,
    /// A new password (reset); ends the user's logins.
    #[validate(length(min = 1, max = 1024))]
    pub password: Option<String>,
}

fn parse_roles(codes: &[String]) -> Result<Roles, ApiError> {
    let roles = codes
        .iter()
        .map(|c| Role::parse(c))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ApiError::validation("roles", "unknown_role", e))?;
    Roles::new(roles).map_err(|e| ApiError::validation("roles", "required", e))
}

fn password_error(e: impl std::fmt::Display) -> FieldError {
    FieldError::new("password", "weak_password", e)
}

/// The caller's own account.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    responses(
        (status = 200, body = UserView),
        (status = 401, response = doc::Unauthorized),
        (status = 503, response = doc::ServiceUnavailable),
    )
)]
#[get("/me")]
pub async fn me(caller: Caller) -> Result<HttpResponse, ApiError> {
    // the extractor read the account for this request already
    UserView::respond(&caller.row, HttpResponse::Ok())
}

/// List user accounts in creation order (admin).
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, body = UserPage),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::Forbidden),
        (status = 422, response = doc::UnprocessableContent),
        (status = 503, response = doc::ServiceUnavailable),
    )
)]
#[get("/users")]
pub async fn list_users(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageUsers)?;
    query.validate()?;
    let fetch = query.fetch();
    let cursor = query.cursor.clone();
    let rows = state
        .read(move |conn| Ok(user::page(conn, cursor.as_deref(), fetch)?))
        .await?;
    let (rows, next_cursor) = paginate(rows, fetch, |r| r.id.clone());
    let items = rows
        .iter()
        .map(UserView::from_row)
        .collect::<Result<_, _>>()?;
    Ok(HttpResponse::Ok().json(UserPage { items, next_cursor }))
}

/// Create a user account (admin).
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    request_body = CreateUser,
    responses(
        (status = 201, description = "Created; `Location` names it", body = UserView,
            headers(("Location" = String, description = "URL of the new user"), ("ETag" = String))),
        doc::Create,
    )
)]
#[post("/users")]
pub async fn create_user(
    state: web::Data<AppState>,
    caller: Caller,
    origin: RequestOrigin,
    body: web::Json<CreateUser>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageUsers)?;
    body.validate()?;
    let body = body.into_inner();
    let mut errors = Vec::new();
    let username = Username::parse(&body.username)
        .map_err(|e| errors.push(FieldError::new("username", "invalid", e)))
        .ok();
    let roles = parse_roles(&body.roles).map_err(|e| {
        if let ApiError::Validation(mut v) = e {
            errors.append(&mut v);
        }
    });
    if let Some(name) = &username
        && let Err(e) = state.password_policy.check(&body.password, name.as_str())
    {
        errors.push(password_error(e));
    }
    let (Some(username), Ok(roles), true) = (username, roles, errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };

    let password_hash = state.passwords.hash_async(body.password).await?;
    let row = UserRow::new(
        username.as_str(),
        clean(body.display_name),
        password_hash,
        roles.to_stored(),
        time::to_db(time::now()),
    );
    let row = state
        .transaction(move |conn| {
            if !user::insert(conn, &row)? {
                return Err(ApiError::conflict(
                    "username_taken",
                    "A user with this username exists.",
                ));
            }
            AuditEvent::new(AuditAction::UserCreate, Outcome::Success)
                .by(&caller)
                .on("user", &row.id)
                .detail(serde_json::json!({ "username": row.username, "roles": row.roles }))
                .write(conn, &origin)?;
            Ok(row)
        })
        .await?;
    let created = super::created(&format!("{API_PREFIX}/users/{}", row.id));
    UserView::respond(&row, created)
}

/// One user account (admin).
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "User id")),
    responses(
        (status = 200, body = UserView, headers(("ETag" = String))),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::Forbidden),
        (status = 404, response = doc::NotFound),
        (status = 503, response = doc::ServiceUnavailable),
    )
)]
#[get("/users/{id}")]
pub async fn get_user(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageUsers)?;
    let id = id.into_inner();
    let row = state.read(move |conn| Ok(user::find(conn, &id)?)).await?;
    UserView::respond(&row.ok_or(ApiError::NotFound)?, HttpResponse::Ok())
}

/// Change a user account (admin): display name, roles, disable/enable, reset password.
///
/// Send `If-Match: "<version>"` to make sure nobody changed it since you read it.
/// Disabling or resetting the password ends all of the user's logins and
/// invalidates their access tokens immediately. Admins cannot disable
/// themselves or drop their own admin role.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "User id"),
        ("If-Match" = Option<String>, Header, description = "ETag from a previous read"),
    ),
    request_body = UpdateUser,
    responses(
        (status = 200, body = UserView, headers(("ETag" = String))),
        doc::Update,
    )
)]
#[patch("/users/{id}")]
pub async fn update_user(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    origin: RequestOrigin,
    id: web::Path<String>,
    body: web::Json<UpdateUser>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageUsers)?;
    body.validate()?;
    let body = body.into_inner();
    let id = id.into_inner();
    let roles = body.roles.as_deref().map(parse_roles).transpose()?;
    if caller.row.id == id
        && (body.disabled == Some(true) || roles.as_ref().is_some_and(|r| !r.contains(Role::Admin)))
    {
        return Err(ApiError::conflict(
            "self_lockout",
            "You cannot disable yourself or remove your own admin role.",
        ));
    }

    let current = {
        let id = id.clone();
        state.read(move |conn| Ok(user::find(conn, &id)?)).await?
    }
    .ok_or(ApiError::NotFound)?;
    check_if_match(&req, current.version)?;

    let password_hash = match &body.password {
        Some(password) => {
            state
                .password_policy
                .check(password, &current.username)
                .map_err(|e| ApiError::Validation(vec![password_error(e)]))?;
            Some(state.passwords.hash_async(password.clone()).await?)
        }
        None => None,
    };

    let now = time::to_db(time::now());
    let mut next = current.clone();
    let mut changed = Vec::new();
    if let Some(name) = body.display_name {
        next.display_name = clean(Some(name));
        changed.push("display_name");
    }
    if let Some(roles) = &roles {
        next.roles = roles.to_stored();
        changed.push("roles");
    }
    if let Some(disabled) = body.disabled {
        next.disabled = disabled;
        changed.push("disabled");
    }
    if let Some(hash) = password_hash {
        next.password_hash = hash;
        changed.push("password");
    }
    let end_sessions = next.disabled && !current.disabled || changed.contains(&"password");
    if end_sessions {
        next.token_version += 1;
    }
    next.updated_at = now;
    next.version += 1;

    let saved = state
        .transaction(move |conn| {
            if !user::update(conn, &next)? {
                return Err(ApiError::PreconditionFailed);
            }
            if end_sessions {
                refresh_token::revoke_all_for_user(conn, &next.id, now)?;
            }
            AuditEvent::new(AuditAction::UserUpdate, Outcome::Success)
                .by(&caller)
                .on("user", &next.id)
                .detail(serde_json::json!({
                    "changed": changed,
                    "roles": next.roles,
                    "disabled": next.disabled,
                    "sessions_ended": end_sessions,
                }))
                .write(conn, &origin)?;
            Ok(next)
        })
        .await?;
    UserView::respond(&saved, HttpResponse::Ok())
}
