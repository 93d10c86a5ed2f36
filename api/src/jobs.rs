//! Background work of every instance: the sweeper escalates cases whose
//! deadlines passed (each with a version check, so once however many
//! instances run it), makes inspection occurrences up to a day ahead and moves
//! those not done to overdue and missed (unique per window; plain
//! UPDATEs), and removes expired idempotency keys and login
//! attempts no lockout looks at any more (idempotent DELETEs).

use std::time::Duration;

use actix_web::web;
use gridwork_domain::lockout::LockoutPolicy;
use gridwork_persistence::{DbPool, idempotency, login_attempt, time};

use crate::app::{attachments, case_steps, hazards, inspection_schedules};
use crate::files::Files;
use crate::http::ApiError;
use crate::ratelimit::RateLimits;
use crate::state::{self, AppState};
use chrono_tz::Tz;

/// What one sweep removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    pub cases_escalated: usize,
    pub occurrences_made: usize,
    pub occurrences_moved: usize,
    pub hazards_escalated: usize,
    pub idempotency_keys: usize,
    pub login_attempts: usize,
}

/// One sweep, now.
pub async fn sweep(pool: &DbPool, lockout: LockoutPolicy, tz: Tz) -> Result<Swept, ApiError> {
    let now = time::now();
    let attempts_before = time::to_db(lockout.relevant_since(now));
    state::run(pool, move |conn| {
        let occurrences = inspection_schedules::sweep(conn, tz, now)?;
        Ok(Swept {
            cases_escalated: case_steps::escalate_overdue(conn, now)?,
            occurrences_made: occurrences.made,
            occurrences_moved: occurrences.moved,
            hazards_escalated: hazards::escalate_overdue(conn, now)?,
            idempotency_keys: idempotency::delete_expired(conn, time::to_db(now))?,
            login_attempts: login_attempt::delete_before(conn, attempts_before)?,
        })
    })
    .await
}

/// Removes the uploads no case took up before they expired: the row first
/// (so a case attaching it meanwhile keeps it), then the bytes.
pub async fn sweep_uploads(
    pool: &DbPool,
    files: &Files,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<usize, ApiError> {
    let expired = state::run(pool, move |conn| attachments::expired(conn, now)).await?;
    let mut removed = 0;
    for id in expired {
        let row = id.clone();
        if state::run(pool, move |conn| attachments::forget(conn, &row, now)).await? {
            if let Err(e) = files.delete(id.as_str()).await {
                tracing::warn!(attachment = %id, error = %e, "an expired photo stays in the store");
            }
            removed += 1;
        }
    }
    Ok(removed)
}

/// Sweeps every `every`, for as long as the server runs; rate-limit keys
/// idle for a while are forgotten too.
pub async fn sweep_forever(
    state: web::Data<AppState>,
    limits: web::Data<RateLimits>,
    every: Duration,
) {
    let mut ticks = actix_web::rt::time::interval(every);
    // how far this instance compacted the sync log (from 0 after a restart:
    // one pass over the log, then only what is new)
    let mut compacted = 0;
    loop {
        ticks.tick().await;
        limits.forget_idle();
        match state::run(&state.pool, move |conn| {
            crate::app::sync::compact(conn, compacted, 5_000, 20)
        })
        .await
        {
            Ok((through, 0)) => compacted = through,
            Ok((through, removed)) => {
                compacted = through;
                tracing::info!(removed, through, "compacted the sync log");
            }
            Err(e) => tracing::warn!(error = %e, "compacting the sync log failed; retrying"),
        }
        match sweep(&state.pool, state.lockout, state.time_zone).await {
            Ok(swept)
                if swept.cases_escalated
                    + swept.occurrences_made
                    + swept.occurrences_moved
                    + swept.hazards_escalated
                    + swept.idempotency_keys
                    + swept.login_attempts
                    > 0 =>
            {
                tracing::info!(?swept, "swept expired records");
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "sweep failed; retrying at the next interval"),
        }
        match sweep_uploads(&state.pool, &state.files, time::now()).await {
            Ok(0) => {}
            Ok(uploads) => tracing::info!(uploads, "removed expired uploads"),
            Err(e) => {
                tracing::warn!(error = %e, "sweeping uploads failed; retrying at the next interval")
            }
        }
    }
}
