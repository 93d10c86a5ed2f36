//! Extractors of who is calling and from where. The account and its scope
//! are read afresh on every request, so disabling an account, changing its
//! roles or ending an assignment takes effect at once, not at token expiry.

use std::future::{Ready, ready};
use std::sync::{Arc, OnceLock};

use actix_web::dev::Payload;
use actix_web::http::{Method, header};
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use futures_util::future::LocalBoxFuture;
use gridwork_domain::{GridId, IntegratorKeyId, Permission, Roles, Scope, UserId};
use gridwork_persistence::{DbConnection, time, user};

use crate::app::caller::Rider;
use crate::app::integrators::{self, Integrator};
use crate::app::{AppError, Caller, ErrorCode, Origin, Scoped, access_tokens};
use crate::auth::jwt::TokenError;
use crate::auth::print_link::View;
use crate::http::ApiError;
use crate::http::request_id::RequestId;
use crate::state::{AppState, Credential, Writer};

impl From<TokenError> for ApiError {
    fn from(e: TokenError) -> ApiError {
        match e {
            TokenError::Expired => ApiError::unauthorized(
                ErrorCode::TokenExpired,
                "The access token has expired; use the refresh token to get a new one.",
            ),
            TokenError::Invalid => {
                ApiError::unauthorized(ErrorCode::InvalidToken, "The access token is not valid.")
            }
        }
    }
}

fn state(req: &HttpRequest) -> Result<web::Data<AppState>, ApiError> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| AppError::Internal("AppState missing".into()).into())
}

fn bearer(req: &HttpRequest) -> Result<String, ApiError> {
    let value = req.headers().get(header::AUTHORIZATION).ok_or_else(|| {
        ApiError::unauthorized(
            ErrorCode::MissingToken,
            "This operation needs `Authorization: Bearer <access token>` (or a personal access token).",
        )
    })?;
    let value = value.to_str().map_err(|_| {
        ApiError::unauthorized(
            ErrorCode::InvalidToken,
            "The Authorization header is not valid.",
        )
    })?;
    match value.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(token.trim().to_owned())
        }
        _ => Err(ApiError::unauthorized(
            ErrorCode::InvalidToken,
            "The Authorization header must be `Bearer <access token>`.",
        )),
    }
}

/// The bearer token and what it is, verified here, synchronously (the
/// middleware may have done it already).
fn presented(
    req: &HttpRequest,
    state: &Result<web::Data<AppState>, ApiError>,
) -> Result<(String, Credential), ApiError> {
    let state = state.as_ref().map_err(Clone::clone)?;
    let token = bearer(req)?;
    let credential = state.verify_once(req, &token)?;
    Ok((token, credential))
}

/// The authenticated account: a valid access token of an enabled account
/// whose token version still matches, or a working personal access token
/// of an enabled account, with the roles the token may use today — handed
/// to `then` on the same connection and blocking thread, so that an
/// extractor needing more (the caller's scope) takes one trip, not two.
fn authenticate<T, F>(req: &HttpRequest, then: F) -> LocalBoxFuture<'static, Result<T, ApiError>>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConnection, Caller) -> Result<Result<T, ApiError>, AppError> + Send + 'static,
{
    let state = state(req);
    let operation = (req.method().clone(), req.match_pattern());
    let credential = presented(req, &state);
    // with a read replica, the account a write request acts as is noted for
    // its read fence (`replica::fence_writes`)
    let writes = !req.method().is_safe() && state.as_ref().is_ok_and(|s| s.replica.is_some());
    let request = req.clone();
    Box::pin(async move {
        let state = state?;
        let (token, credential) = credential?;
        if let Credential::Integrator(_) = credential {
            return Err(integrator_key_here());
        }
        let now = time::now();
        let writer = Arc::new(OnceLock::new());
        let noted = writer.clone();
        // the outer error is the database's, the inner one the caller's
        let answer = state.run(move |conn| {
            let caller = match credential {
                Credential::Access(claims) => {
                    let user_id = UserId::from(claims.sub.as_str());
                    let rider = claims
                        .rdr
                        .map(|key| integrators::rider(conn, &IntegratorKeyId::from(key), now))
                        .transpose()?;
                    let Some(row) = user::find(conn, &user_id)?
                        .filter(|u| !u.disabled && u.token_version == claims.tv)
                    else {
                        return Ok(Err(TokenError::Invalid.into()));
                    };
                    let roles = Roles::parse_stored(&row.roles).map_err(|e| {
                        AppError::Internal(format!("user {} has bad roles: {e}", row.id))
                    })?;
                    if let Some(rider) = &rider
                        && let Err(refused) = rider_may(&operation, rider)
                    {
                        return Ok(Err(refused));
                    }
                    Caller {
                        roles,
                        user: Some(row),
                        token: None,
                        rider,
                    }
                }
                Credential::Integrator(_) => return Ok(Err(integrator_key_here())), // refused above
                Credential::Personal(id) => access_tokens::authenticate(conn, &id, &token, now)?,
            };
            if let Some(user) = &caller.user {
                tracing::Span::current().record("user_id", user.id.as_str());
                if writes {
                    let _ = noted.set(user.id.clone());
                }
            }
            then(conn, caller)
        });
        let answer = answer.await?;
        if let Some(user) = writer.get() {
            request.extensions_mut().insert(Writer(user.clone()));
        }
        answer
    })
}

/// The caller, unless an administrator set its password and it has not yet
/// chosen its own: then every operation but `/me` and `/me/password`
/// answers 403 `password_change_required`.
fn own_password(caller: Caller) -> Result<Caller, ApiError> {
    if caller
        .user
        .as_ref()
        .is_some_and(|u| u.password_change_required)
    {
        return Err(AppError::Refused {
            code: ErrorCode::PasswordChangeRequired,
            detail: "An administrator set this account's password: choose your own \
                     with `POST /api/v1/me/password` first."
                .into(),
        }
        .into());
    }
    Ok(caller)
}

/// What a rider token may call: report a case, upload its photos, and —
/// when the integrator may read its own cases — follow the rider's reports.
const RIDER_REPORTS: [(&str, &str); 2] =
    [("POST", "/api/v1/cases"), ("POST", "/api/v1/attachments")];
const RIDER_READS: [(&str, &str); 4] = [
    ("GET", "/api/v1/cases"),
    ("GET", "/api/v1/cases/{id}"),
    ("GET", "/api/v1/cases/{id}/timeline"),
    ("GET", "/api/v1/attachments/{id}"),
];

fn rider_may(operation: &(Method, Option<String>), rider: &Rider) -> Result<(), ApiError> {
    let (method, pattern) = operation;
    let listed = |list: &[(&str, &str)]| {
        list.iter()
            .any(|(m, p)| method.as_str() == *m && pattern.as_deref() == Some(*p))
    };
    if listed(&RIDER_REPORTS) || (rider.reads_own_cases && listed(&RIDER_READS)) {
        return Ok(());
    }
    Err(AppError::Refused {
        code: ErrorCode::RiderTokenRestricted,
        detail: "A rider token reports cases, uploads their photos and follows the rider's own \
                 cases; nothing else."
            .into(),
    }
    .into())
}

fn integrator_key_here() -> ApiError {
    AppError::Refused {
        code: ErrorCode::WrongCredential,
        detail: "An integrator key works only under /api/v1/integrations and /open311/v2; \
                 exchange it for a rider token to act as a rider."
            .into(),
    }
    .into()
}

/// An integrator acting through one of its keys (`Authorization: Bearer
/// gw_int_…`); an account's token answers 403 here.
impl FromRequest for Integrator {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Integrator, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = state(req);
        let credential = presented(req, &state);
        Box::pin(async move {
            let state = state?;
            let (token, credential) = credential?;
            let Credential::Integrator(id) = credential else {
                return Err(AppError::Refused {
                    code: ErrorCode::WrongCredential,
                    detail:
                        "This operation is for integrators: send `Authorization: Bearer gw_int_…`."
                            .into(),
                }
                .into());
            };
            let now = time::now();
            state
                .run(move |conn| integrators::authenticate(conn, &id, &token, now))
                .await
        })
    }
}

/// The authenticated account, once it chose its own password (see
/// [`own_password`]).
impl FromRequest for Caller {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Caller, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        authenticate(req, |_, caller| Ok(own_password(caller)))
    }
}

/// The authenticated account, even before it chose its own password: for
/// the operations that let it do so.
pub struct Account(pub Caller);

impl FromRequest for Account {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Account, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        authenticate(req, |_, caller| Ok(Ok(Account(caller))))
    }
}

/// The caller with the grids they may see: the zone, or their active
/// assignments' grids and everything below them, read afresh.
impl FromRequest for Scoped {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Scoped, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        authenticate(req, |conn, caller| {
            let caller = match own_password(caller) {
                Ok(caller) => caller,
                Err(refused) => return Ok(Err(refused)),
            };
            if caller.has(Permission::ZoneWide) {
                return Ok(Ok(Scoped {
                    caller,
                    scope: Scope::Zone,
                }));
            }
            Ok(Ok(Scoped::of(conn, caller)?))
        })
    }
}

/// Who may see a print view: the bearer of a token, or — with `link`, a
/// print link — the account that signed it, as it is now: the link fails
/// once it ends, on any other view or grid, and once the signer is disabled.
pub async fn print_access(
    req: &HttpRequest,
    view: View,
    grid_id: &GridId,
    link: Option<&str>,
) -> Result<Scoped, ApiError> {
    let Some(link) = link else {
        return Scoped::extract(req).await;
    };
    let state = state(req)?;
    let refused = || {
        ApiError::unauthorized(
            ErrorCode::InvalidToken,
            "The print link is not valid, has expired, or is for another page; make a new one.",
        )
    };
    let grant = state
        .print_links
        .open(link, view, grid_id.as_str(), time::now().timestamp())
        .ok_or_else(refused)?;
    let signer = UserId::from(grant.signer.as_str());
    let row = state
        .run(move |conn| Ok(user::find(conn, &signer)?))
        .await?
        .filter(|u| !u.disabled)
        .ok_or_else(refused)?;
    state.run(move |conn| Scoped::of_user(conn, row)).await
}

/// Where a request came from: its id, and the client address (from
/// `X-Forwarded-For` only behind a trusted proxy).
impl FromRequest for Origin {
    type Error = actix_web::Error;
    type Future = Ready<Result<Origin, actix_web::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let trust_proxy = req
            .app_data::<web::Data<AppState>>()
            .is_some_and(|s| s.trust_proxy);
        let ip = crate::http::client_ip(req, trust_proxy).map(|ip| ip.to_string());
        let request_id = RequestId::from_request(req, payload)
            .into_inner()
            .ok()
            .map(|id| id.to_string());
        ready(Ok(Origin {
            request_id,
            client_ip: ip,
        }))
    }
}
