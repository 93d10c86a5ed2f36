//! What every handler shares: the pool and the auth machinery.

use gridwork_domain::grid::GridCode;
use gridwork_domain::lockout::LockoutPolicy;
use gridwork_domain::password::PasswordPolicy;
use gridwork_persistence::{DbConnection, DbPool};

use crate::auth::jwt::TokenKeys;
use crate::auth::password::Passwords;
use crate::error::ApiError;

pub struct AppState {
    pub pool: DbPool,
    pub tokens: TokenKeys,
    pub passwords: Passwords,
    pub password_policy: PasswordPolicy,
    pub lockout: LockoutPolicy,
    pub refresh_ttl: chrono::Duration,
    pub trust_proxy: bool,
    /// The code the zone root grid gets.
    pub zone_code: GridCode,
    /// Base of public placard URLs (QR codes); set when the server binds.
    pub public_url: String,
    /// Key of the keyed hash of ID numbers.
    pub pii_key: Vec<u8>,
}

impl AppState {
    /// Runs `f` in one database transaction on a blocking thread (diesel is
    /// synchronous; actix workers must never wait on it).
    pub async fn transaction<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        self.read(move |conn| diesel::Connection::transaction(conn, f))
            .await
    }

    /// Runs read-only `f` on a blocking thread, without a transaction (one
    /// statement needs none; BEGIN/COMMIT would double the round trips).
    pub async fn read<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        actix_web::web::block(move || f(&mut *pool.get()?)).await?
    }
}
