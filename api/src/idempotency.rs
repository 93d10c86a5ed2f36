//! The middleware that claims `Idempotency-Key`s of POSTs before the write:
//! a retry after completion replays the stored response and changes nothing;
//! the same key with another body answers 422; the same key while the first
//! request still runs answers 409. Keys are scoped per caller and operation
//! (method and path) and kept `GRIDWORK_IDEMPOTENCY_TTL_SECS`. A claim whose
//! holder died goes stale after `STALE_AFTER` and may be taken over.

use std::cell::Cell;
use std::rc::Rc;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, Responder, web};
use gridwork_persistence::idempotency::{self, KeyRow};
use gridwork_persistence::time;
use sha2::{Digest, Sha256};

use crate::app::{AppError, ErrorCode, FieldCode, FieldError};
use crate::http::idempotency::{Claim, HEADER, Reply, valid_key};
use crate::http::{ApiError, body, precondition};
use crate::state::AppState;

/// An unfinished claim older than this is taken to be abandoned.
const STALE_AFTER: chrono::Duration = chrono::Duration::seconds(60);

/// How long a refused write's answer waits to give its claim back.
const RELEASE_WAIT: std::time::Duration = std::time::Duration::from_millis(250);

enum Outcome {
    Claimed(KeyRow),
    Replay(Reply),
    Reused,
    InUse,
}

pub async fn claim_keys(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let key = match req.headers().get(HEADER) {
        Some(value) if req.method() == Method::POST => value.to_str().ok().map(str::to_owned),
        _ => return Ok(next.call(req).await?.map_into_boxed_body()),
    };
    let Some(key) = key.filter(|k| valid_key(k)) else {
        let refusal = ApiError::BadRequest {
            code: ErrorCode::InvalidIdempotencyKey,
            detail: "`Idempotency-Key` must be 1 to 255 visible ASCII characters.".into(),
        };
        return Ok(req.error_response(refusal));
    };
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(req.error_response(ApiError::from(AppError::Internal(
            "AppState missing".into(),
        ))));
    };
    // keys belong to a caller; without a valid token the handler answers 401
    let caller = state.token_credential(&req).map(|c| c.subject());
    let Some(caller) = caller else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    if let Err(refusal) = precondition::check_length(req.headers()) {
        return Ok(req.error_response(refusal));
    }
    let limit = body::limit_for(req.request());
    let mut payload = req.take_payload();
    let body = match body::read_limited(req.headers(), &mut payload, limit).await {
        Ok(body) => body,
        Err(refusal) => return Ok(req.error_response(refusal)),
    };
    let mut digest = Sha256::new();
    digest.update(req.path().as_bytes());
    digest.update(b"?");
    digest.update(req.query_string().as_bytes());
    // the version a write is meant for is part of what it asks
    digest.update(b"\nIf-Match: ");
    if let Some(tag) = req.headers().get(header::IF_MATCH) {
        digest.update(tag.as_bytes());
    }
    digest.update(b"\n");
    digest.update(&body);
    let fingerprint = crate::auth::hex(&digest.finalize());
    req.set_payload(actix_web::dev::Payload::from(body));

    let now = time::now();
    let claim = KeyRow {
        caller_id: caller,
        operation: format!("POST {}", req.path()),
        idem_key: key,
        fingerprint,
        claim_token: uuid::Uuid::now_v7().to_string(),
        claimed_at: time::to_db(now),
        completed_at: None,
        response_status: None,
        response_headers: None,
        response_body: None,
        expires_at: time::to_db(now + state.idempotency_ttl),
    };
    let outcome = match state
        .run(move |conn| {
            let existing =
                idempotency::find(conn, &claim.caller_id, &claim.operation, &claim.idem_key)?;
            let Some(existing) = existing else {
                return Ok(match idempotency::insert(conn, &claim) {
                    Ok(()) => Outcome::Claimed(claim),
                    // another instance claimed it a moment ago
                    Err(diesel::result::Error::DatabaseError(
                        diesel::result::DatabaseErrorKind::UniqueViolation,
                        _,
                    )) => Outcome::InUse,
                    Err(e) => return Err(e.into()),
                });
            };
            let expired = existing.expires_at < claim.claimed_at;
            let stale = existing.completed_at.is_none()
                && existing.claimed_at < claim.claimed_at - STALE_AFTER;
            if expired || stale {
                return Ok(if idempotency::take_over(conn, &existing, &claim)? {
                    Outcome::Claimed(claim)
                } else {
                    Outcome::InUse
                });
            }
            if existing.completed_at.is_none() {
                return Ok(Outcome::InUse);
            }
            if existing.fingerprint != claim.fingerprint {
                return Ok(Outcome::Reused);
            }
            Ok(match Reply::stored(&existing) {
                Some(reply) => Outcome::Replay(reply),
                None => Outcome::InUse,
            })
        })
        .await
    {
        Ok(outcome) => outcome,
        Err(e) => return Ok(req.error_response(e)),
    };
    match outcome {
        Outcome::Claimed(row) => {
            let done = Rc::new(Cell::new(false));
            req.extensions_mut().insert(Claim {
                row: row.clone(),
                done: done.clone(),
            });
            let res = next.call(req).await;
            if !done.get() {
                // the write failed or was refused: a retry may run it again,
                // so the claim is given back before the answer — unless the
                // database is too busy to take it at once, when it is given
                // back after (a claim never given back goes stale after
                // STALE_AFTER)
                let (_, given) = crate::state::run_waiting(
                    &state.pool,
                    Some(RELEASE_WAIT),
                    give_back(row.clone()),
                )
                .await;
                if given.is_err() {
                    actix_web::rt::spawn(async move {
                        let (_, given) =
                            crate::state::run_waiting(&state.pool, None, give_back(row)).await;
                        if let Err(e) = given {
                            tracing::warn!(error = %e, "could not release an idempotency key");
                        }
                    });
                }
            }
            Ok(res?.map_into_boxed_body())
        }
        Outcome::Replay(reply) => {
            let (http, _) = req.into_parts();
            let mut response = reply.respond_to(&http);
            response.headers_mut().insert(
                header::HeaderName::from_static("idempotent-replayed"),
                header::HeaderValue::from_static("true"),
            );
            Ok(ServiceResponse::new(http, response))
        }
        Outcome::Reused => {
            Ok(
                req.error_response(ApiError::from(AppError::Invalid(vec![FieldError::new(
                    "Idempotency-Key",
                    FieldCode::Reused,
                    "was used for a different request; use a new key for new content",
                )]))),
            )
        }
        Outcome::InUse => Ok(req.error_response(ApiError::from(AppError::conflict(
            ErrorCode::IdempotencyKeyInUse,
            "A request with this Idempotency-Key is still running; retry after it completes.",
        )))),
    }
}

/// Gives the unfinished claim `row` back, so a retry may run again.
fn give_back(
    row: KeyRow,
) -> impl FnOnce(&mut gridwork_persistence::DbConnection) -> Result<(), AppError> + Send + 'static {
    move |conn| Ok(idempotency::release(conn, &row)?)
}
