//! Background work of every instance: the sweeper escalates cases whose
//! deadlines passed (each with a version check, so once however many
//! instances run it), and removes expired idempotency keys and login
//! attempts no lockout looks at any more (idempotent DELETEs).

use std::time::Duration;

use actix_web::web;
use gridwork_domain::lockout::LockoutPolicy;
use gridwork_persistence::{DbPool, idempotency, login_attempt, time};

use crate::app::case_steps;
use crate::http::ApiError;
use crate::ratelimit::RateLimits;
use crate::state::{self, AppState};

/// What one sweep removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    pub cases_escalated: usize,
    pub idempotency_keys: usize,
    pub login_attempts: usize,
}

/// One sweep, now.
pub async fn sweep(pool: &DbPool, lockout: LockoutPolicy) -> Result<Swept, ApiError> {
    let now = time::now();
    let attempts_before = time::to_db(lockout.relevant_since(now));
    state::run(pool, move |conn| {
        Ok(Swept {
            cases_escalated: case_steps::escalate_overdue(conn, now)?,
            idempotency_keys: idempotency::delete_expired(conn, time::to_db(now))?,
            login_attempts: login_attempt::delete_before(conn, attempts_before)?,
        })
    })
    .await
}

/// Sweeps every `every`, for as long as the server runs; rate-limit keys
/// idle for a while are forgotten too.
pub async fn sweep_forever(
    state: web::Data<AppState>,
    limits: web::Data<RateLimits>,
    every: Duration,
) {
    let mut ticks = actix_web::rt::time::interval(every);
    loop {
        ticks.tick().await;
        limits.forget_idle();
        match sweep(&state.pool, state.lockout).await {
            Ok(swept)
                if swept.cases_escalated + swept.idempotency_keys + swept.login_attempts > 0 =>
            {
                tracing::info!(?swept, "swept expired records");
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "sweep failed; retrying at the next interval"),
        }
    }
}
