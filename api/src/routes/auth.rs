//! Login, refresh, logout.

use actix_web::{HttpResponse, post, web};
use chrono::{DateTime, Utc};
use gridwork_domain::Username;
use gridwork_domain::audit::{AuditAction, Outcome};
use gridwork_domain::lockout::{Attempt, LockState};
use gridwork_domain::refresh_token::{RedeemError, RefreshToken};
use gridwork_persistence::login_attempt::{self, NewLoginAttempt};
use gridwork_persistence::refresh_token::{self as store, RefreshTokenRow};
use gridwork_persistence::user::{self, UserRow};
use gridwork_persistence::{DbConnection, time};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::audit::{AuditEvent, RequestOrigin};
use crate::auth::refresh as opaque;
use crate::error::ApiError;
use crate::openapi as doc;
use crate::state::AppState;

#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct LoginRequest {
    #[validate(length(min = 1, max = 256))]
    #[schema(example = "wangyx")]
    pub username: String,
    #[validate(length(min = 1, max = 1024))]
    #[schema(example = "rain-on-the-workshop")]
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// JWT for `Authorization: Bearer …`.
    pub access_token: String,
    /// Opaque; exchange it once at `/auth/refresh`. Using it twice revokes the login.
    pub refresh_token: String,
    /// Always `Bearer`.
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// Seconds until this login ends (refresh tokens never extend it).
    pub refresh_expires_in: i64,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct RefreshRequest {
    #[validate(length(min = 1, max = 512))]
    pub refresh_token: String,
}

fn invalid_credentials() -> ApiError {
    ApiError::unauthorized("invalid_credentials", "Wrong username or password.")
}

fn invalid_refresh(code: &'static str) -> ApiError {
    let detail = match code {
        "refresh_token_reused" => {
            "This refresh token was already used; the login is revoked. Log in again."
        }
        "refresh_token_expired" => "The login has expired. Log in again.",
        _ => "The refresh token is not valid. Log in again.",
    };
    ApiError::unauthorized(code, detail)
}

/// Issues a new refresh token in `family_id` (a new login when none is given).
fn issue_refresh(
    conn: &mut DbConnection,
    user_id: &str,
    family: Option<(&str, DateTime<Utc>)>,
    ttl: chrono::Duration,
    now: DateTime<Utc>,
) -> diesel::QueryResult<(String, DateTime<Utc>)> {
    let token = opaque::generate();
    let id = uuid::Uuid::now_v7().to_string();
    let (family_id, expires_at) =
        family.map_or((id.clone(), now + ttl), |(f, e)| (f.to_owned(), e));
    store::insert(
        conn,
        &RefreshTokenRow {
            id,
            family_id,
            user_id: user_id.to_owned(),
            token_hash: opaque::hash(&token),
            created_at: time::to_db(now),
            expires_at: time::to_db(expires_at),
            used_at: None,
            revoked_at: None,
        },
    )?;
    Ok((token, expires_at))
}

fn token_response(
    state: &AppState,
    user: &UserRow,
    refresh_token: String,
    refresh_expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<TokenResponse, ApiError> {
    Ok(TokenResponse {
        access_token: state
            .tokens
            .issue(&user.id, user.token_version, now.timestamp())?,
        refresh_token,
        token_type: "Bearer",
        expires_in: state.tokens.ttl().as_secs(),
        refresh_expires_in: (refresh_expires_at - now).num_seconds(),
    })
}

/// Log in with username and password.
///
/// Unknown usernames and wrong passwords answer identically. After 5 failures
/// in 15 minutes (configurable) the username is locked: 429 with `Retry-After`.
#[utoipa::path(
    tag = "auth",
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
    origin: RequestOrigin,
    body: web::Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    body.validate()?;
    let LoginRequest { username, password } = body.into_inner();
    // the lockout key: the normalised name, whether or not such a user exists
    let key: String = username
        .trim()
        .to_lowercase()
        .chars()
        .take(Username::MAX_LEN + 1)
        .collect();
    let now = time::now();
    let policy = state.lockout;

    let lookup_key = key.clone();
    let (lock, found) = state
        .read(move |conn| {
            let since = time::to_db(policy.relevant_since(now));
            let attempts: Vec<Attempt> = login_attempt::since(conn, &lookup_key, since)?
                .into_iter()
                .map(|(at, succeeded)| Attempt {
                    at: time::from_db(at),
                    succeeded,
                })
                .collect();
            let found = match Username::parse(&lookup_key) {
                Ok(name) => user::find_by_username(conn, name.as_str())?,
                Err(_) => None,
            };
            Ok((policy.state(&attempts, now), found))
        })
        .await?;

    if let LockState::Locked { until } = lock {
        let (event_key, event_origin, user_id) = (key.clone(), origin.clone(), found.map(|u| u.id));
        state
            .transaction(move |conn| {
                AuditEvent::new(AuditAction::Login, Outcome::Failure)
                    .by_user(user_id.as_deref(), Some(&event_key))
                    .detail(serde_json::json!({ "reason": "locked" }))
                    .write(conn, &event_origin)?;
                Ok(())
            })
            .await?;
        return Err(ApiError::TooManyRequests {
            code: "account_locked",
            detail: "Too many failed logins: this account is temporarily locked.".into(),
            retry_after_secs: u64::try_from((until - now).num_seconds())
                .unwrap_or(0)
                .max(1),
        });
    }

    let stored_hash = found.as_ref().map(|u| u.password_hash.clone());
    let password_ok = state.passwords.verify_async(password, stored_hash).await?;

    let reason = match &found {
        None => Some("unknown_user"),
        Some(_) if !password_ok => Some("wrong_password"),
        Some(u) if u.disabled => Some("disabled"),
        Some(_) => None,
    };
    let ttl = state.refresh_ttl;
    let issued = state
        .transaction(move |conn| {
            login_attempt::insert(
                conn,
                &NewLoginAttempt {
                    id: uuid::Uuid::now_v7().to_string(),
                    username: &key,
                    attempted_at: time::to_db(now),
                    succeeded: reason.is_none(),
                    client_ip: origin.client_ip.as_deref(),
                },
            )?;
            let user_id = found.as_ref().map(|u| u.id.as_str());
            let event = match reason {
                Some(reason) => AuditEvent::new(AuditAction::Login, Outcome::Failure)
                    .detail(serde_json::json!({ "reason": reason })),
                None => AuditEvent::new(AuditAction::Login, Outcome::Success),
            };
            event.by_user(user_id, Some(&key)).write(conn, &origin)?;
            match (reason, found) {
                (None, Some(user)) => {
                    let (token, expires_at) = issue_refresh(conn, &user.id, None, ttl, now)?;
                    Ok(Some((user, token, expires_at)))
                }
                _ => Ok(None),
            }
        })
        .await?;
    let (user, token, expires_at) = issued.ok_or_else(invalid_credentials)?;
    Ok(HttpResponse::Ok().json(token_response(&state, &user, token, expires_at, now)?))
}

enum RefreshOutcome {
    Issued(Box<UserRow>, String, DateTime<Utc>),
    Rejected(&'static str),
}

/// Exchange a refresh token for a new access token and a new refresh token.
///
/// Each refresh token works once. Presenting a used one again revokes the
/// whole login (every token descended from it): someone copied it.
#[utoipa::path(
    tag = "auth",
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
    origin: RequestOrigin,
    body: web::Json<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    body.validate()?;
    let hash = opaque::hash(&body.refresh_token);
    let now = time::now();
    let ttl = state.refresh_ttl;
    let outcome = state
        .transaction(move |conn| {
            let Some(row) = store::find_by_hash(conn, &hash)? else {
                return Ok(RefreshOutcome::Rejected("invalid_refresh_token"));
            };
            let token = RefreshToken::from_columns(
                row.used_at.map(time::from_db),
                row.revoked_at.map(time::from_db),
                time::from_db(row.expires_at),
            );
            let redeemed = match token.redeem(now) {
                // a lost race with a concurrent refresh is a replay too
                Ok(()) if !store::mark_used(conn, &row.id, time::to_db(now))? => Err(RedeemError::Replayed),
                other => other,
            };
            match redeemed {
                Err(RedeemError::Replayed) => {
                    store::revoke_family(conn, &row.family_id, time::to_db(now))?;
                    AuditEvent::new(AuditAction::Refresh, Outcome::Failure)
                        .by_user(Some(&row.user_id), None)
                        .on("login", &row.family_id)
                        .detail(serde_json::json!({ "reason": "refresh_token_reused", "family_revoked": true }))
                        .write(conn, &origin)?;
                    return Ok(RefreshOutcome::Rejected("refresh_token_reused"));
                }
                Err(RedeemError::Expired) => return Ok(RefreshOutcome::Rejected("refresh_token_expired")),
                Err(RedeemError::Revoked) => return Ok(RefreshOutcome::Rejected("invalid_refresh_token")),
                Ok(()) => {}
            }
            let user = match user::find(conn, &row.user_id)? {
                Some(user) if !user.disabled => user,
                _ => {
                    store::revoke_family(conn, &row.family_id, time::to_db(now))?;
                    return Ok(RefreshOutcome::Rejected("invalid_refresh_token"));
                }
            };
            let expires_at = time::from_db(row.expires_at);
            let (token, expires_at) = issue_refresh(conn, &user.id, Some((&row.family_id, expires_at)), ttl, now)?;
            Ok(RefreshOutcome::Issued(Box::new(user), token, expires_at))
        })
        .await?;
    match outcome {
        RefreshOutcome::Issued(user, token, expires_at) => {
            Ok(HttpResponse::Ok().json(token_response(&state, &user, token, expires_at, now)?))
        }
        RefreshOutcome::Rejected(code) => Err(invalid_refresh(code)),
    }
}

/// Log out: revoke the login the refresh token belongs to.
///
/// Idempotent: an unknown or already revoked token also answers 204. The
/// access token stays valid until it expires (15 minutes by default).
#[utoipa::path(
    tag = "auth",
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
    origin: RequestOrigin,
    body: web::Json<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    body.validate()?;
    let hash = opaque::hash(&body.refresh_token);
    let now = time::now();
    state
        .transaction(move |conn| {
            if let Some(row) = store::find_by_hash(conn, &hash)?
                && row.revoked_at.is_none()
            {
                store::revoke_family(conn, &row.family_id, time::to_db(now))?;
                AuditEvent::new(AuditAction::Logout, Outcome::Success)
                    .by_user(Some(&row.user_id), None)
                    .on("login", &row.family_id)
                    .write(conn, &origin)?;
            }
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
