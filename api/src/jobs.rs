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

use crate::app::{assessments, attachments, case_stats, case_steps, hazards, inspection_schedules};
use crate::files::Files;
use crate::http::ApiError;
use crate::ratelimit::RateLimits;
use crate::state::{self, AppState};
use chrono_tz::Tz;

/// The most days of case rollups one sweep recomputes.
const ROLLUP_DAYS: i64 = 31;
/// How long a delivery is leased to the instance sending it.
const WEBHOOK_LEASE: chrono::Duration = chrono::Duration::seconds(60);
/// How long a receiver may take to answer.
const WEBHOOK_TIMEOUT: Duration = Duration::from_secs(10);

/// One round of webhooks: fan out what the outbox holds, then send what is
/// due, each target resolved and checked again before its send.
pub async fn deliver_webhooks(state: &AppState) -> Result<usize, ApiError> {
    use crate::app::webhooks::{self, Outcome};
    use crate::webhooks::{Message, Sent, resolve, send, sign};
    use gridwork_domain::webhook::Target;
    let now = time::now();
    state::run(&state.pool, move |conn| webhooks::fan_out(conn, now, 200)).await?;
    let claimed = state::run(&state.pool, move |conn| {
        webhooks::claim(conn, now, now + WEBHOOK_LEASE, 20)
    })
    .await?;
    let mut sent = 0;
    for (delivery, webhook) in claimed {
        let timestamp = time::now().timestamp();
        let result = match Target::parse(&webhook.url) {
            Err(e) => Sent {
                status: None,
                error: Some(e.to_string()),
                duration_ms: 0,
            },
            Ok(target) => match resolve(&target, state.webhook_allow_private).await {
                Err(why) => Sent::refused(&why),
                Ok(addrs) => {
                    match sign(&webhook.secret, &delivery.id, timestamp, &delivery.payload) {
                        None => Sent {
                            status: None,
                            error: Some("the subscription's secret is malformed".into()),
                            duration_ms: 0,
                        },
                        Some(signature) => {
                            let message = Message {
                                id: &delivery.id,
                                timestamp,
                                body: &delivery.payload,
                                signature: &signature,
                            };
                            send(&target, &addrs, &message, WEBHOOK_TIMEOUT).await
                        }
                    }
                }
            },
        };
        let outcome = Outcome {
            succeeded: result.succeeded(),
            status: result.status,
            error: result.error,
            duration_ms: result.duration_ms,
        };
        sent += usize::from(outcome.succeeded);
        let retry = state.webhook_retry;
        let jitter = rand::random::<f64>();
        state::run(&state.pool, move |conn| {
            webhooks::record(
                conn,
                delivery,
                &webhook,
                &outcome,
                retry,
                time::now(),
                jitter,
            )
        })
        .await?;
    }
    Ok(sent)
}

/// Delivers webhooks every `every`, on every instance (leases keep each
/// delivery to one of them at a time).
pub async fn webhooks_forever(state: web::Data<AppState>, every: Duration) {
    let mut ticks = actix_web::rt::time::interval(every);
    loop {
        ticks.tick().await;
        if let Err(e) = deliver_webhooks(&state).await {
            tracing::warn!(error = %e, "delivering webhooks failed; retrying");
        }
    }
}

/// What one sweep removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    pub cases_escalated: usize,
    pub occurrences_made: usize,
    pub occurrences_moved: usize,
    pub hazards_escalated: usize,
    pub idempotency_keys: usize,
    pub login_attempts: usize,
    /// Days whose case rollups were recomputed.
    pub rollup_days: usize,
    /// Months whose scorecards were recomputed.
    pub scorecard_months: usize,
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
            rollup_days: case_stats::refresh(conn, ROLLUP_DAYS)?,
            scorecard_months: assessments::refresh_stale(conn, tz, now)?,
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
                    + swept.rollup_days
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
