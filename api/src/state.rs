//! What every handler shares: the pool, the auth machinery and settings.

use actix_web::HttpMessage;
use gridwork_domain::grid::GridCode;
use gridwork_domain::lockout::LockoutPolicy;
use gridwork_domain::password::PasswordPolicy;
use gridwork_domain::{AccessTokenId, IntegratorKeyId};
use gridwork_persistence::idempotency::{self, KeyRow};
use gridwork_persistence::{DbConnection, DbPool, time};

use crate::app::sessions::Rotation;
use crate::app::{AppError, ErrorCode};
use crate::auth::jwt::{Claims, TokenError, TokenKeys};
use crate::auth::password::Passwords;
use crate::auth::pat::PatKeys;
use crate::auth::print_link::PrintLinks;
use crate::http::ApiError;
use crate::http::idempotency::{Idempotent, Reply};
use crate::http::paging::Cursors;

/// What a bearer token turned out to be, once its signature or tag held.
#[derive(Debug, Clone)]
pub enum Credential {
    /// A login's access token.
    Access(Claims),
    /// A personal access token minted here, by id; the database decides
    /// whether it still works.
    Personal(AccessTokenId),
    /// An integrator key minted here, by id; the database decides whether
    /// it still works.
    Integrator(IntegratorKeyId),
}

impl Credential {
    /// Whom the rate limiter and the idempotency keys count it against:
    /// the account, or the token.
    pub fn subject(&self) -> String {
        match self {
            Credential::Access(claims) => claims.sub.clone(),
            Credential::Personal(id) => format!("pat:{id}"),
            Credential::Integrator(id) => format!("int:{id}"),
        }
    }
}

/// A bearer token's verification, kept for the rest of the request.
#[derive(Clone)]
struct Verified {
    token: String,
    credential: Result<Credential, TokenError>,
}

pub struct AppState {
    pub pool: DbPool,
    /// A streaming replica for KPIs, stats and sync, when configured.
    pub replica: Option<gridwork_persistence::replica::Replica>,
    pub tokens: TokenKeys,
    /// Mints and recognises personal access tokens.
    pub pats: PatKeys,
    /// Mints and recognises integrator keys.
    pub integrator_keys: PatKeys,
    /// Lifetime of rider tokens.
    pub rider_token_ttl: chrono::Duration,
    /// Webhooks may go to loopback, private and link-local addresses.
    pub webhook_allow_private: bool,
    /// When failed webhook deliveries are tried again.
    pub webhook_retry: gridwork_domain::webhook::Retry,
    /// Signs and opens print links.
    pub print_links: PrintLinks,
    pub passwords: Passwords,
    pub password_policy: PasswordPolicy,
    pub lockout: LockoutPolicy,
    /// How refresh tokens rotate: lifetime, grace window, successor key.
    pub rotation: Rotation,
    pub trust_proxy: bool,
    /// The code the zone root grid gets.
    pub zone_code: GridCode,
    /// Base of public placard URLs (QR codes); set when the server binds.
    pub public_url: String,
    /// Key of the keyed hash of ID numbers.
    pub pii_key: Vec<u8>,
    /// Signs list cursors.
    pub cursors: Cursors,
    /// How long an `Idempotency-Key` is kept.
    pub idempotency_ttl: chrono::Duration,
    /// How long a print link opens its view.
    pub print_link_ttl: chrono::Duration,
    /// Which open cases a new report is compared with.
    pub duplicates: gridwork_domain::case::duplicate::Window,
    /// Where photos are kept.
    pub files: crate::files::Files,
    /// How long an upload no case took up is kept.
    pub attachment_ttl: chrono::Duration,
    /// How long after its last visit an enterprise is stale.
    pub stale_after: chrono::Duration,
    /// How long a sync cursor keeps working unused.
    pub sync_max_age: chrono::Duration,
    /// The zone's time zone (inspection windows).
    pub time_zone: chrono_tz::Tz,
}

impl AppState {
    /// Runs `f` with a pooled connection on a blocking thread; see [`run`].
    pub async fn run<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        run(&self.pool, f).await
    }
}

impl AppState {
    /// Verifies a bearer token once per request: the result is kept in the
    /// request's extensions, so the rate limiter, the idempotency claim and
    /// the `Caller` extractor share one signature check.
    pub fn verify_once(
        &self,
        req: &impl HttpMessage,
        token: &str,
    ) -> Result<Credential, TokenError> {
        if let Some(done) = req.extensions().get::<Verified>()
            && done.token == token
        {
            return done.credential.clone();
        }
        let credential = if self.pats.looks_like(token) {
            self.pats
                .check(token)
                .map(|id| Credential::Personal(AccessTokenId::from(id.as_str())))
                .ok_or(TokenError::Invalid)
        } else if self.integrator_keys.looks_like(token) {
            self.integrator_keys
                .check(token)
                .map(|id| Credential::Integrator(IntegratorKeyId::from(id.as_str())))
                .ok_or(TokenError::Invalid)
        } else {
            self.tokens.verify(token).map(Credential::Access)
        };
        req.extensions_mut().insert(Verified {
            token: token.to_owned(),
            credential: credential.clone(),
        });
        credential
    }

    /// What a genuine `Authorization: Bearer` token is, for middleware that
    /// keys on the caller before any handler runs (the handler's own
    /// extractor still answers 401 for a bad token).
    pub fn token_credential(&self, req: &actix_web::dev::ServiceRequest) -> Option<Credential> {
        let Some(value) = req.headers().get(actix_web::http::header::AUTHORIZATION) else {
            return self.open311_key(req);
        };
        let value = value.to_str().ok()?.to_owned();
        let (scheme, token) = value.split_once(' ')?;
        scheme.eq_ignore_ascii_case("bearer").then_some(())?;
        self.verify_once(req, token.trim()).ok()
    }

    /// Open311 apps send their integrator key as `api_key` in the query.
    fn open311_key(&self, req: &actix_web::dev::ServiceRequest) -> Option<Credential> {
        if !req.path().starts_with("/open311/") {
            return None;
        }
        let params: Vec<(String, String)> = serde_urlencoded::from_str(req.query_string()).ok()?;
        let (_, key) = params.iter().find(|(name, _)| name == "api_key")?;
        let key = key.trim();
        self.integrator_keys.looks_like(key).then_some(())?;
        self.verify_once(req, key).ok()
    }

    /// Runs the write `f`; under an `Idempotency-Key` its reply is stored
    /// under the key in the same transaction, so a retry replays it and a
    /// crash leaves neither the write nor the key.
    pub async fn write<F>(&self, claim: Idempotent, f: F) -> Result<Reply, ApiError>
    where
        F: FnOnce(&mut DbConnection) -> Result<Reply, AppError> + Send + 'static,
    {
        let Some(claim) = claim.0 else {
            return self.run(f).await;
        };
        let row = claim.row.clone();
        let reply = self
            .run(move |conn| {
                crate::app::transaction(conn, |conn| {
                    let reply = f(conn)?;
                    let completed = KeyRow {
                        completed_at: Some(time::to_db(time::now())),
                        response_status: Some(i32::from(reply.status.as_u16())),
                        response_headers: Some(reply.stored_headers()),
                        response_body: Some(reply.stored_body()),
                        ..row
                    };
                    if !idempotency::complete(conn, &completed)? {
                        return Err(AppError::conflict(
                            ErrorCode::IdempotencyKeyInUse,
                            "Another request took this Idempotency-Key over; read the result and retry with a new key.",
                        ));
                    }
                    Ok(reply)
                })
            })
            .await?;
        claim.done.set(true);
        Ok(reply)
    }
}

/// An account that made a write request, noted in the request's
/// extensions when a read replica is configured, so the write's read fence
/// is stamped once it succeeded (`replica::fence_writes`).
#[derive(Debug, Clone)]
pub struct Writer(pub gridwork_domain::UserId);

tokio::task_local! {
    /// How much longer the request being served may wait for connections.
    static CHECKOUT_BUDGET: std::cell::Cell<std::time::Duration>;
}

/// Bounds the wait for connections by the pool's checkout timeout per
/// request, not per checkout: a request takes several (its caller and
/// scope, its command), and with the pool exhausted each would wait the
/// whole timeout (the pool drill saw 6 s for 2 s). Only waiting counts:
/// reading a slow upload or storing a photo does not use the budget up.
/// Wraps the app.
pub async fn checkout_budget(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    let timeout = req
        .app_data::<actix_web::web::Data<AppState>>()
        .map(|state| state.pool.connection_timeout());
    match timeout {
        Some(timeout) => {
            CHECKOUT_BUDGET
                .scope(std::cell::Cell::new(timeout), next.call(req))
                .await
        }
        None => next.call(req).await,
    }
}

/// Runs `f` with a connection of `pool` on a blocking thread (diesel is
/// synchronous; actix workers must never wait on it). Commands open their own
/// transaction; a single read needs none. The caller's span goes along, so
/// what `f` logs — a slow query, say — names its request. Within a request
/// it waits for a connection no longer than what is left of the request's
/// budget.
pub async fn run<T, F>(pool: &DbPool, f: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
    T: Send + 'static,
{
    run_within(pool, None, f).await
}

/// [`run`] waiting no longer than `cap` either (a replica that may be down).
pub async fn run_capped<T, F>(pool: &DbPool, cap: std::time::Duration, f: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
    T: Send + 'static,
{
    run_within(pool, Some(cap), f).await
}

async fn run_within<T, F>(
    pool: &DbPool,
    cap: Option<std::time::Duration>,
    f: F,
) -> Result<T, ApiError>
where
    F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
    T: Send + 'static,
{
    let budget = CHECKOUT_BUDGET.try_with(std::cell::Cell::get).ok();
    let wait = match (budget, cap) {
        (Some(b), Some(c)) => Some(b.min(c)),
        (b, c) => b.or(c),
    };
    let (waited, result) = run_waiting(pool, wait, f).await;
    let _ = CHECKOUT_BUDGET.try_with(|b| b.set(b.get().saturating_sub(waited)));
    result
}

/// A blocking job not yet started, started, or given up by its request.
const PENDING: u8 = 0;
const STARTED: u8 = 1;
const ABANDONED: u8 = 2;

/// [`run`] waiting at most `wait` for a blocking thread and a connection
/// together (`None`: the pool's whole timeout, for the connection alone);
/// also answers how long it waited.
pub async fn run_waiting<T, F>(
    pool: &DbPool,
    wait: Option<std::time::Duration>,
    f: F,
) -> (std::time::Duration, Result<T, ApiError>)
where
    F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
    T: Send + 'static,
{
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU8, Ordering};
    use std::time::Instant;
    let pool = pool.clone();
    let span = tracing::Span::current();
    let queued = Instant::now();
    let deadline = wait.map(|w| queued + w);
    let phase = Arc::new(AtomicU8::new(PENDING));
    let job_phase = phase.clone();
    let job = move || {
        // a request that gave up waiting was answered 503: its write must not
        // run after all
        if job_phase
            .compare_exchange(PENDING, STARTED, Ordering::AcqRel, Ordering::Acquire)
            .is_err()
        {
            return (
                queued.elapsed(),
                Err(AppError::Unavailable("the request gave up waiting".into())),
            );
        }
        let _entered = span.enter();
        let conn = match deadline {
            Some(d) => pool.get_timeout(d.saturating_duration_since(Instant::now())),
            None => pool.get(),
        };
        let waited = queued.elapsed();
        match conn {
            Ok(mut conn) => (waited, f(&mut conn)),
            Err(e) => (waited, Err(e.into())),
        }
    };
    let answer = |done: Result<(std::time::Duration, Result<T, AppError>), _>| match done {
        Ok((waited, result)) => (waited, result.map_err(ApiError::from)),
        Err(e) => (queued.elapsed(), Err(ApiError::from(e))),
    };
    let handle = actix_web::web::block(job);
    let Some(deadline) = deadline else {
        return answer(handle.await);
    };
    // the blocking threads may all be taken by slow statements: the wait for
    // one is bounded too
    let mut handle = std::pin::pin!(handle);
    match tokio::time::timeout_at(tokio::time::Instant::from_std(deadline), &mut handle).await {
        Ok(done) => answer(done),
        Err(_)
            if phase
                .compare_exchange(PENDING, ABANDONED, Ordering::AcqRel, Ordering::Acquire)
                .is_ok() =>
        {
            let refused = AppError::Unavailable("timed out waiting for a blocking thread".into());
            (queued.elapsed(), Err(refused.into()))
        }
        // it started in time: its outcome is the answer
        Err(_) => answer(handle.await),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use gridwork_persistence::{DatabaseUrl, PoolOptions, build_pool};

    use super::*;

    /// Log lines, shared with the subscriber.
    #[derive(Clone, Default)]
    struct Lines(Arc<Mutex<Vec<u8>>>);

    impl Write for Lines {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[actix_web::test]
    async fn a_slow_query_on_a_blocking_thread_names_its_request() {
        let lines = Lines::default();
        let writer = lines.clone();
        // global: the query runs on another thread than the test
        tracing_subscriber::fmt()
            .json()
            .with_current_span(true)
            .with_writer(move || writer.clone())
            .init();
        let dir = tempfile::tempdir().unwrap();
        let url = DatabaseUrl::parse(dir.path().join("t.db").to_str().unwrap()).unwrap();
        let options = PoolOptions {
            max_size: 1,
            checkout_timeout: Duration::from_secs(2),
            slow_query: Duration::ZERO,
        };
        let pool = build_pool(&url, &options).unwrap();
        let span = tracing::info_span!("request", request_id = "req-7f3a");
        let _guard = span.enter();
        run(&pool, |conn| {
            diesel::connection::SimpleConnection::batch_execute(conn, "SELECT 1")?;
            Ok(())
        })
        .await
        .unwrap();
        let logged = String::from_utf8(lines.0.lock().unwrap().clone()).unwrap();
        let slow = logged
            .lines()
            .find(|l| l.contains("slow query") && l.contains("SELECT 1"))
            .unwrap_or_else(|| panic!("no slow-query line in {logged}"));
        assert!(slow.contains("\"request_id\":\"req-7f3a\""), "{slow}");
    }
}
