//! Reads from a PostgreSQL streaming replica (`GRIDWORK_DATABASE_READ_URL`):
//! KPIs, stats and sync, the heavy reads that may lag a little. Every
//! instance watches how fresh the replica is; a read goes to it only while it
//! lags less than `GRIDWORK_DATABASE_READ_MAX_LAG_SECS` and holds the
//! caller's own last write, and a read the replica fails is answered by the
//! primary. Everything else reads and writes the primary.

use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, ResponseError, web};
use chrono::NaiveDateTime;
use gridwork_persistence::replica::{self, Replica};
use gridwork_persistence::{DbConnection, DbPool};

use crate::app::{AppError, Scoped};
use crate::http::ApiError;
use crate::state::{self, AppState, Writer};

/// How often each instance samples the primary and the replica.
const WATCH_EVERY: Duration = Duration::from_millis(250);
/// The longest a read waits for a replica connection before the primary
/// takes it: a replica that just went down must not use up the request.
const REPLICA_WAIT: Duration = Duration::from_millis(500);

/// One sample: where the primary stands, then how far the replica has
/// replayed. A primary that does not answer adds no sample (the replica then
/// ages out); a replica that does not answer is unused at once.
async fn watch(replica: &Replica, primary: &DbPool) {
    let taken = Instant::now();
    let (_, position) = state::run_waiting(primary, Some(WATCH_EVERY * 4), |conn| {
        Ok(replica::primary_position(conn)?)
    })
    .await;
    if let Ok(Some((lsn, at))) = position {
        replica.primary(lsn, at, taken);
    }
    let (_, replayed) = state::run_waiting(&replica.pool, Some(WATCH_EVERY * 4), |conn| {
        Ok(replica::replayed(conn)?)
    })
    .await;
    let was = replica.as_of().is_some();
    replica.replayed(replayed.ok().flatten());
    match (was, replica.as_of().is_some()) {
        (true, false) => {
            tracing::warn!("the read replica is unreachable or behind: reading the primary")
        }
        (false, true) => tracing::info!("the read replica is fresh: reading it"),
        _ => {}
    }
}

/// Samples the replica's freshness for as long as the server runs.
pub async fn watch_forever(state: web::Data<AppState>) {
    let Some(replica) = state.replica.as_ref() else {
        return;
    };
    let mut every = tokio::time::interval(WATCH_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        watch(replica, &state.pool).await;
    }
}

impl AppState {
    /// Runs the read `f` of `scoped` (handed to it) on the replica when there is one, it is
    /// fresh, and it holds everything the caller wrote; else, or when the
    /// replica fails it, on the primary.
    pub async fn read<T, F>(&self, scoped: &Scoped, f: F) -> Result<T, ApiError>
    where
        F: Fn(&mut DbConnection, &Scoped) -> Result<T, AppError> + Send + Sync + 'static,
        T: Send + 'static,
    {
        let reader = Arc::new(scoped.clone());
        let f = Arc::new(move |conn: &mut DbConnection| f(conn, &reader));
        if let Some(replica) = &self.replica
            && let Some(fresh) = replica.as_of()
            && self.replica_holds_writes_of(scoped, fresh).await?
        {
            let on_replica = f.clone();
            match state::run_capped(&replica.pool, REPLICA_WAIT, move |c| on_replica(c)).await {
                Err(e) if e.status_code().is_server_error() => {
                    tracing::warn!(error = %e, "the read replica failed a read: the primary answers");
                    // the primary takes the next reads too, until a sample
                    // finds the replica answering again
                    replica.replayed(None);
                }
                answered => return answered,
            }
        }
        self.run(move |conn| f(conn)).await
    }

    async fn replica_holds_writes_of(
        &self,
        scoped: &Scoped,
        fresh: NaiveDateTime,
    ) -> Result<bool, ApiError> {
        let Some(user) = scoped.caller.user_id().cloned() else {
            return Ok(true);
        };
        let wrote = self
            .run(move |conn| Ok(replica::wrote_at(conn, user.as_str())?))
            .await?;
        Ok(wrote.is_none_or(|wrote| wrote < fresh))
    }
}

/// Middleware: after a write request of an account succeeded (and
/// committed), stamps when the account wrote, so its reads stay on the
/// primary until the replica holds the write. Only with a replica: the
/// `Writer` mark is set then alone.
pub async fn fence_writes(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let res = next.call(req).await?;
    let writer = res.request().extensions().get::<Writer>().cloned();
    if let Some(Writer(user)) = writer
        && res.status().is_success()
        && let Some(state) = res.request().app_data::<web::Data<AppState>>()
    {
        // not bounded by the request's budget: the write is done, its fence
        // must follow
        let (_, stamped) = state::run_waiting(&state.pool, None, move |conn| {
            Ok(replica::stamp(conn, user.as_str())?)
        })
        .await;
        if let Err(e) = stamped {
            tracing::warn!(error = %e, "could not stamp a write's read fence");
        }
    }
    Ok(res)
}
