//! Tokens as a login or refresh returns them.

use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// JWT for `Authorization: Bearer …`.
    #[schema(max_length = 2048)]
    pub access_token: String,
    /// Opaque; exchange it once at `/auth/refresh`. Using it twice revokes the login.
    #[schema(max_length = 512)]
    pub refresh_token: String,
    /// Always `Bearer`.
    #[schema(max_length = 6, pattern = "^Bearer$", example = "Bearer")]
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// Seconds until this login ends (refresh tokens never extend it).
    pub refresh_expires_in: i64,
}

/// A password changed, with the new login of this device. Its secrets are
/// in this answer only: a replay under the same `Idempotency-Key` answers
/// without them (nulls) — log in with the new password then.
#[derive(Debug, Serialize, ToSchema)]
pub struct PasswordChanged {
    #[schema(max_length = 2048)]
    pub access_token: Option<String>,
    #[schema(max_length = 512)]
    pub refresh_token: Option<String>,
    /// Always `Bearer`.
    #[schema(max_length = 6, pattern = "^Bearer$", example = "Bearer")]
    pub token_type: &'static str,
    pub expires_in: Option<u64>,
    pub refresh_expires_in: Option<i64>,
}

impl PasswordChanged {
    pub fn new(login: TokenResponse) -> PasswordChanged {
        PasswordChanged {
            access_token: Some(login.access_token),
            refresh_token: Some(login.refresh_token),
            token_type: login.token_type,
            expires_in: Some(login.expires_in),
            refresh_expires_in: Some(login.refresh_expires_in),
        }
    }

    /// What a replay answers: the change, without the secrets.
    pub fn replayed() -> PasswordChanged {
        PasswordChanged {
            access_token: None,
            refresh_token: None,
            token_type: "Bearer",
            expires_in: None,
            refresh_expires_in: None,
        }
    }
}
