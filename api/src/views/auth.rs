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
