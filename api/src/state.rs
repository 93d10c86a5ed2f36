//! What every handler shares: the pool, the auth machinery and settings.

use gridwork_domain::grid::GridCode;
use gridwork_domain::lockout::LockoutPolicy;
use gridwork_domain::password::PasswordPolicy;
use gridwork_persistence::{DbConnection, DbPool};

use crate::app::AppError;
use crate::auth::jwt::TokenKeys;
use crate::auth::password::Passwords;
use crate::http::ApiError;

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
    /// Runs `f` with a pooled connection on a blocking thread (diesel is
    /// synchronous; actix workers must never wait on it). Commands open
    /// their own transaction; a single read needs none. The request's span
    /// goes along, so what `f` logs names its request.
    pub async fn run<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        let span = tracing::Span::current();
        let job = move || {
            let _entered = span.enter();
            f(&mut *pool.get()?)
        };
        Ok(actix_web::web::block(job).await??)
    }
}
