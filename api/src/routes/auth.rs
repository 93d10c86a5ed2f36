//! Login, refresh, logout.

use actix_web::{HttpResponse, post, web};
use chrono::{DateTime, Utc};
use gridwork_persistence::time;

use crate::app::sessions::{self, Issued, LoginRequest, RefreshRequest};
use crate::app::{AppError, Origin};
use crate::http::ApiError;
use crate::http::json::Json;
use crate::http::problems as doc;
use crate::state::AppState;
use crate::views::auth::TokenResponse;

/// The pair of a login or rotation; the same rotation gives the same pair.
fn tokens(state: &AppState, issued: &Issued, now: DateTime<Utc>) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(token_response(state, issued, now)?))
}

/// The access token to go with `issued`, and its refresh token.
pub fn token_response(
    state: &AppState,
    issued: &Issued,
    now: DateTime<Utc>,
) -> Result<TokenResponse, AppError> {
    let access_ttl = state.tokens.ttl().as_secs();
    let age = u64::try_from((now - issued.issued_at).num_seconds()).unwrap_or(0);
    Ok(TokenResponse {
        access_token: state
            .tokens
            .issue_as(
                issued.user.id.as_str(),
                issued.user.token_version,
                issued.issued_at.timestamp(),
                &issued.token_id,
            )
            .map_err(|e| AppError::Internal(format!("jwt encode: {e}")))?,
        refresh_token: issued.refresh_token.clone(),
        token_type: "Bearer",
        expires_in: access_ttl.saturating_sub(age),
        refresh_expires_in: (issued.refresh_expires_at - now).num_seconds(),
    })
}

/// Log in with username and password.
///
/// Unknown usernames and wrong passwords answer identically. After 5 failures
/// in 15 minutes (configurable) the username is locked: 429 with `Retry-After`.
#[utoipa::path(
    tag = "auth",
    security(()),
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in", body = TokenResponse),
        (status = 400, response = doc::BadRequest),
        (status = 401, response = doc::Unauthorized),
        (status = 413, response = doc::PayloadTooLarge),
        (status = 415, response = doc::UnsupportedMediaType),
        (status = 422, response = doc::UnprocessableContent),
        (status = 429, response = doc::TooManyRequests),
        (status = 503, response = doc::ServiceUnavailable),
    )
)]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    origin: Origin,
    body: Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = time::now();
    let (policy, ttl) = (state.lockout, state.rotation.ttl);
    let input = body.into_inner();
    let password = input.password.clone();
    let seen = origin.clone();
    let check = state
        .run(move |conn| sessions::check_login(conn, &seen, policy, &input, now))
        .await?;
    // the password is checked on the hashing pool, with a dummy hash for unknown users
    let stored = check.found.as_ref().map(|u| u.password_hash.clone());
    let password_ok = state
        .passwords
        .verify_async(password, stored)
        .await
        .map_err(AppError::from)?;
    let issued = state
        .run(move |conn| sessions::finish_login(conn, &origin, check, password_ok, ttl, now))
        .await?;
    tokens(&state, &issued, now)
}

/// Exchange a refresh token for a new access token and a new refresh token.
///
/// Each refresh token works once. Presenting a used one again revokes the
/// whole login (every token descended from it): someone copied it.
#[utoipa::path(
    tag = "auth",
    security(()),
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "New tokens", body = TokenResponse),
        (status = 400, response = doc::BadRequest),
        (status = 401, response = doc::Unauthorized),
        (status = 413, response = doc::PayloadTooLarge),
        (status = 415, response = doc::UnsupportedMediaType),
        (status = 422, response = doc::UnprocessableContent),
        (status = 503, response = doc::ServiceUnavailable),
    )
)]
#[post("/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    origin: Origin,
    body: Json<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = time::now();
    let rotation = state.rotation.clone();
    let issued = state
        .run(move |conn| sessions::refresh(conn, &origin, &body.0, &rotation, now))
        .await?;
    tokens(&state, &issued, now)
}

/// Log out: revoke the login the refresh token belongs to.
///
/// Idempotent: an unknown or already revoked token also answers 204. The
/// access token stays valid until it expires (15 minutes by default).
#[utoipa::path(
    tag = "auth",
    security(()),
    request_body = RefreshRequest,
    responses(
        (status = 204, description = "Logged out"),
        (status = 400, response = doc::BadRequest),
        (status = 413, response = doc::PayloadTooLarge),
        (status = 415, response = doc::UnsupportedMediaType),
        (status = 422, response = doc::UnprocessableContent),
        (status = 503, response = doc::ServiceUnavailable),
    )
)]
#[post("/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    origin: Origin,
    body: Json<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = time::now();
    state
        .run(move |conn| sessions::logout(conn, &origin, &body.0, now))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
