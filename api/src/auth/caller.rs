//! `Caller`: the authenticated user of a request. Every protected handler
//! takes one; the user row is read on each request, so disabling an account,
//! resetting its password or changing its roles takes effect at once.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::future::LocalBoxFuture;
use gridwork_domain::{Permission, Roles};
use gridwork_persistence::user::{self, UserRow};

use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Clone)]
pub struct Caller {
    pub roles: Roles,
    /// The account as read for this request.
    pub row: UserRow,
}

impl Caller {
    pub fn has(&self, permission: Permission) -> bool {
        permission.is_granted(&self.roles)
    }

    /// The one authorisation gate for role-based permissions (403 when missing).
    pub fn require(&self, permission: Permission) -> Result<(), ApiError> {
        if permission.is_granted(&self.roles) {
            Ok(())
        } else {
            Err(ApiError::Forbidden)
        }
    }
}

fn bearer(req: &HttpRequest) -> Result<String, ApiError> {
    let value = req.headers().get(header::AUTHORIZATION).ok_or_else(|| {
        ApiError::unauthorized(
            "missing_token",
            "This operation needs `Authorization: Bearer <access token>`.",
        )
    })?;
    let value = value.to_str().map_err(|_| {
        ApiError::unauthorized("invalid_token", "The Authorization header is not valid.")
    })?;
    match value.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(token.trim().to_owned())
        }
        _ => Err(ApiError::unauthorized(
            "invalid_token",
            "The Authorization header must be `Bearer <access token>`.",
        )),
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Caller, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::Internal("AppState missing".into()))?;
            let claims = state.tokens.verify(&token?)?;
            let user_id = claims.sub.clone();
            let row = state
                .read(move |conn| Ok(user::find(conn, &user_id)?))
                .await?
                .filter(|u| !u.disabled && u.token_version == claims.tv)
                .ok_or(crate::auth::jwt::TokenError::Invalid)?;
            let roles = Roles::parse_stored(&row.roles)
                .map_err(|e| ApiError::Internal(format!("user {} has bad roles: {e}", row.id)))?;
            tracing::Span::current().record("user_id", row.id.as_str());
            Ok(Caller { roles, row })
        })
    }
}
