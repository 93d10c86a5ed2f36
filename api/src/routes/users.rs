//! User accounts: the caller's own (`/me`) and administration (`/users`).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, patch, post, web};
use gridwork_domain::{Role, UserId};
use gridwork_persistence::time;
use gridwork_persistence::user::{UserFilter, UserRow};
use serde::Deserialize;
use utoipa::IntoParams;
use validator::Validate;

use crate::app::sessions::{self, PasswordChange};
use crate::app::users::{self, CreateUser, UpdateUser};
use crate::app::{AppError, Caller, Origin};
use crate::extract::Account;
use crate::http::idempotency::{IdempotencyKey, Idempotent, Reply};
use crate::http::json::Json;
use crate::http::paging::PageQuery;
use crate::http::precondition::{IfMatch, IfMatchHeader, with_etag};
use crate::http::problems as doc;
use crate::http::query::Listing;
use crate::http::{API_PREFIX, ApiError};
use crate::routes::auth::token_response;
use crate::state::AppState;
use crate::views::auth::PasswordChanged;
use crate::views::users::{MeView, UserPage, UserView};

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserQuery {
    /// Holding this role.
    pub role: Option<Role>,
    /// Text in the username or display name.
    #[validate(length(min = 1, max = 100))]
    #[param(min_length = 1, max_length = 100)]
    pub q: Option<String>,
    pub disabled: Option<bool>,
}

fn respond(
    row: &UserRow,
    builder: actix_web::HttpResponseBuilder,
) -> Result<HttpResponse, ApiError> {
    Ok(with_etag(builder, row.version, &UserView::try_from(row)?))
}

/// The caller's own account, with the person linked to it and that
/// person's active assignments (grid id, code, name, role): what an app
/// needs at start. Answers even while `password_change_required` holds.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    responses(
        (status = 200, body = MeView, headers(("ETag" = String))),
        (status = 401, response = doc::Unauthorized),
        (status = 503, response = doc::ServiceUnavailable),
    )
)]
#[get("/me")]
pub async fn me(
    state: web::Data<AppState>,
    Account(caller): Account,
) -> Result<HttpResponse, ApiError> {
    let me = state.run(move |conn| users::me(conn, &caller)).await?;
    Ok(with_etag(
        HttpResponse::Ok(),
        me.account.version,
        &MeView::new(&me)?,
    ))
}

/// Change the caller's own password: the current one and a new one under
/// the password policy. Ends the account's other logins (their access
/// tokens stop working at once) and answers a new login for this device.
/// A wrong current password counts as a failed login: after 5 in 15
/// minutes the account is locked (429 `account_locked`). Retried with the
/// same `Idempotency-Key` (with the access token it was sent with), it
/// answers the change again without the new login's secrets, which the
/// server does not keep: log in with the new password then.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(IdempotencyKey),
    request_body = PasswordChange,
    responses(
        (status = 200, description = "Changed: the new login of this device", body = PasswordChanged),
        (status = 400, response = doc::BadRequest),
        (status = 401, response = doc::Unauthorized),
        (status = 409, response = doc::Conflict),
        (status = 413, response = doc::PayloadTooLarge),
        (status = 415, response = doc::UnsupportedMediaType),
        (status = 422, response = doc::UnprocessableContent),
        (status = 429, response = doc::TooManyRequests),
        (status = 503, response = doc::ServiceUnavailable),
    )
)]
#[post("/me/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    Account(caller): Account,
    origin: Origin,
    claim: Idempotent,
    body: Json<PasswordChange>,
) -> Result<Reply, ApiError> {
    let now = time::now();
    let (lockout, ttl) = (state.lockout, state.rotation.ttl);
    let input = body.into_inner();
    let (seen, policy) = (origin.clone(), state.password_policy);
    let checked = input.current_password.clone();
    let (account, new_password) = state
        .run(move |conn| {
            sessions::check_password_change(conn, &seen, &caller, lockout, &policy, &input, now)
                .map(|account| (account, input.new_password))
        })
        .await?;
    let current_ok = state
        .passwords
        .verify_async(checked, Some(account.password_hash.clone()))
        .await
        .map_err(AppError::from)?;
    if !current_ok {
        // the failure is kept (it counts towards the lockout); no key is
        state
            .run(move |conn| sessions::refuse_password_change(conn, &origin, &account, now))
            .await?;
        return Err(sessions::wrong_current_password().into());
    }
    let new_hash = state
        .passwords
        .hash_async(new_password)
        .await
        .map_err(AppError::from)?;
    let signer = state.clone();
    state
        .write(claim, move |conn| {
            let issued = sessions::change_password(conn, &origin, account, new_hash, ttl, now)?;
            let login = token_response(&signer, &issued, now)?;
            Reply::json(StatusCode::OK, &PasswordChanged::new(login))?
                .replayed_as(&PasswordChanged::replayed())
        })
        .await
}

/// List user accounts in creation order (admin).
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(UserQuery, PageQuery),
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
    Listing { filter, page }: Listing<UserQuery>,
) -> Result<HttpResponse, ApiError> {
    let filter = UserFilter {
        role: filter.role.map(|r| r.code().to_owned()),
        q: filter.q,
        disabled: filter.disabled,
    };
    let (fetch, after) = (page.fetch, page.after.clone());
    let rows = state
        .run(move |conn| users::list(conn, &caller, &filter, after.as_deref(), fetch))
        .await?;
    let (rows, next_cursor) = page.finish(rows, |r| r.id.to_string());
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
    params(IdempotencyKey),
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
    claim: Idempotent,
    body: Json<CreateUser>,
) -> Result<Reply, ApiError> {
    let body = body.into_inner();
    let account = users::check_new(&caller, &state.password_policy, &body)?;
    let hash = state
        .passwords
        .hash_async(body.password)
        .await
        .map_err(AppError::from)?;
    state
        .write(claim, move |conn| {
            let row = users::create(conn, &caller, &origin, account, hash)?;
            let location = format!("{API_PREFIX}/users/{}", row.id);
            Reply::created(location, row.version, &UserView::try_from(&row)?)
        })
        .await
}

/// One user account (admin).
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "User id", min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")),
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
        ("id" = String, Path, description = "User id", min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$"),
        IfMatchHeader,
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
