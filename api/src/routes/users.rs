//! User accounts: the caller's own (`/me`) and administration (`/users`).

use actix_web::{HttpResponse, get, patch, post, web};
use gridwork_domain::{Permission, UserId};
use gridwork_persistence::user::UserRow;
use validator::Validate;

use crate::app::users::{self, CreateUser, UpdateUser};
use crate::app::{AppError, Caller, Origin};
use crate::http::json::Json;
use crate::http::paging::{PageQuery, paginate};
use crate::http::precondition::{IfMatch, created, with_etag};
use crate::http::problems as doc;
use crate::http::{API_PREFIX, ApiError};
use crate::state::AppState;
use crate::views::users::{UserPage, UserView};

fn respond(
    row: &UserRow,
    builder: actix_web::HttpResponseBuilder,
) -> Result<HttpResponse, ApiError> {
    Ok(with_etag(builder, row.version, &UserView::try_from(row)?))
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
    respond(
        caller.user.as_ref().ok_or(AppError::NotFound)?,
        HttpResponse::Ok(),
    )
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
    let (fetch, cursor) = (query.fetch(), query.cursor.clone());
    let rows = state
        .run(move |conn| users::list(conn, &caller, cursor.as_deref(), fetch))
        .await?;
    let (rows, next_cursor) = paginate(rows, fetch, |r| r.id.to_string());
    let items = rows
        .iter()
        .map(UserView::try_from)
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
    origin: Origin,
    body: Json<CreateUser>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let account = users::check_new(&caller, &state.password_policy, &body)?;
    let hash = state
        .passwords
        .hash_async(body.password)
        .await
        .map_err(AppError::from)?;
    let row = state
        .run(move |conn| users::create(conn, &caller, &origin, account, hash))
        .await?;
    respond(&row, created(&format!("{API_PREFIX}/users/{}", row.id)))
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
    id: web::Path<UserId>,
) -> Result<HttpResponse, ApiError> {
    let row = state
        .run(move |conn| users::find(conn, &caller, &id))
        .await?;
    respond(&row, HttpResponse::Ok())
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
    state: web::Data<AppState>,
    caller: Caller,
    origin: Origin,
    IfMatch(expected): IfMatch,
    id: web::Path<UserId>,
    body: Json<UpdateUser>,
) -> Result<HttpResponse, ApiError> {
    let app = state.clone();
    let (caller, update) = state
        .run(move |conn| {
            let update = users::check_update(
                conn,
                &caller,
                &app.password_policy,
                &id,
                &expected,
                body.into_inner(),
            )?;
            Ok((caller, update))
        })
        .await?;
    let hash = match update.password() {
        Some(password) => Some(
            state
                .passwords
                .hash_async(password.to_owned())
                .await
                .map_err(AppError::from)?,
        ),
        None => None,
    };
    let row = state
        .run(move |conn| users::apply_update(conn, &caller, &origin, update, hash))
        .await?;
    respond(&row, HttpResponse::Ok())
}
