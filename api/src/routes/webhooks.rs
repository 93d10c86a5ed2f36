//! Webhooks (integrators with `receive_webhooks`): subscriptions to the
//! events of the cases they reported, the log of every delivery, and
//! redelivery on demand.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, delete, get, post, web};
use gridwork_domain::integrator::IntegratorScope;
use gridwork_domain::webhook::Target;
use gridwork_persistence::time;

use crate::app::integrators::Integrator;
use crate::app::webhooks::{self, Subscribe};
use crate::app::{AppError, FieldCode, Origin};
use crate::http::idempotency::{IdempotencyKey, Idempotent, Reply};
use crate::http::json::Json;
use crate::http::paging::PageQuery;
use crate::http::problems as doc;
use crate::http::query::{Listing, NoFilter};
use crate::http::{API_PREFIX, ApiError};
use crate::state::AppState;
use crate::views::webhooks::{
    CreatedWebhook, DeliveryPage, DeliveryView, WebhookPage, WebhookView,
};

/// Subscribe a URL to case events (integrators with `receive_webhooks`).
///
/// Each event about a case the integrator reported (through Open311 or its
/// riders) — and, with the `zone_events` scope, each event of the four
/// duties (enterprise records and visits, inspections and hazards,
/// disputes, policies) — is POSTed to the URL as `{type, timestamp, data}`, signed as the
/// Standard Webhooks specification defines (`webhook-id`,
/// `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of
/// "{id}.{timestamp}.{body}">` under the secret answered here once). A
/// failing receiver (no 2xx within 10 s) is retried with exponential backoff
/// and jitter for `GRIDWORK_WEBHOOK_RETRY_HOURS` (72). The URL must resolve
/// to public addresses only — checked now and again before every send —
/// unless the server allows private ones (422 otherwise).
#[utoipa::path(
    tag = "integrations",
    security(("integrator_key" = [])),
    params(IdempotencyKey),
    request_body = Subscribe,
    responses(
        (status = 201, description = "Subscribed; `Location` names it", body = CreatedWebhook,
            headers(("Location" = String, description = "URL of the subscription"))),
        doc::Create,
    )
)]
#[post("/webhooks")]
pub async fn subscribe(
    state: web::Data<AppState>,
    integrator: Integrator,
    origin: Origin,
    claim: Idempotent,
    body: Json<Subscribe>,
) -> Result<Reply, ApiError> {
    integrator.require(IntegratorScope::ReceiveWebhooks)?;
    validator::Validate::validate(&*body).map_err(AppError::from)?;
    let events = webhooks::event_types(&integrator, &body.event_types)?;
    let target =
        Target::parse(&body.url).map_err(|e| AppError::invalid("url", FieldCode::Invalid, e))?;
    crate::webhooks::resolve(&target, state.webhook_allow_private)
        .await
        .map_err(|e| AppError::invalid("url", FieldCode::Invalid, e))?;
    let secret = crate::webhooks::new_secret();
    state
        .write(claim, move |conn| {
            let row = webhooks::subscribe(
                conn,
                &integrator,
                &origin,
                &target,
                &events,
                secret.clone(),
                time::now(),
            )?;
            let record = WebhookView::from(&row);
            let location = format!("{API_PREFIX}/webhooks/{}", row.id);
            let replay = CreatedWebhook {
                record: record.clone(),
                secret: None,
            };
            Reply::json(
                StatusCode::CREATED,
                &CreatedWebhook {
                    record,
                    secret: Some(secret),
                },
            )?
            .header(actix_web::http::header::LOCATION, location)
            .replayed_as(&replay)
        })
        .await
}

/// The integrator's subscriptions, oldest first.
#[utoipa::path(
    tag = "integrations",
    security(("integrator_key" = [])),
    params(PageQuery),
    responses(
        (status = 200, body = WebhookPage),
        (status = 403, response = doc::Forbidden),
        doc::List,
    )
)]
#[get("/webhooks")]
pub async fn list_webhooks(
    state: web::Data<AppState>,
    integrator: Integrator,
    Listing { page, .. }: Listing<NoFilter>,
) -> Result<HttpResponse, ApiError> {
    let (fetch, after) = (page.fetch, page.after.clone());
    let rows = state
        .run(move |conn| webhooks::list(conn, &integrator, after.as_deref(), fetch))
        .await?;
    let (rows, next_cursor) = page.finish(rows, |r| r.id.clone());
    Ok(HttpResponse::Ok().json(WebhookPage {
        items: rows.iter().map(WebhookView::from).collect(),
        next_cursor,
    }))
}

/// One of the integrator's subscriptions (another's answers 404).
#[utoipa::path(
    tag = "integrations",
    security(("integrator_key" = [])),
    params(("id" = String, Path, description = "Subscription id", min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")),
    responses(
        (status = 200, body = WebhookView),
        (status = 403, response = doc::Forbidden),
        doc::ReadOne,
    )
)]
#[get("/webhooks/{id}")]
pub async fn get_webhook(
    state: web::Data<AppState>,
    integrator: Integrator,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let row = state
        .run(move |conn| webhooks::find(conn, &integrator, &id))
        .await?;
    Ok(HttpResponse::Ok().json(WebhookView::from(&row)))
}

/// End a subscription: nothing more is sent to it.
#[utoipa::path(
    tag = "integrations",
    security(("integrator_key" = [])),
    params(("id" = String, Path, description = "Subscription id", min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")),
    responses(
        (status = 204, description = "Ended"),
        (status = 403, response = doc::Forbidden),
        doc::ReadOne,
    )
)]
#[delete("/webhooks/{id}")]
pub async fn remove_webhook(
    state: web::Data<AppState>,
    integrator: Integrator,
    origin: Origin,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    state
        .run(move |conn| webhooks::remove(conn, &integrator, &origin, &id, time::now()))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A subscription's deliveries, newest first, each with every attempt.
#[utoipa::path(
    tag = "integrations",
    security(("integrator_key" = [])),
    params(("id" = String, Path, description = "Subscription id", min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$"), PageQuery),
    responses(
        (status = 200, body = DeliveryPage),
        (status = 403, response = doc::Forbidden),
        doc::ListUnder,
    )
)]
#[get("/webhooks/{id}/deliveries")]
pub async fn list_deliveries(
    state: web::Data<AppState>,
    integrator: Integrator,
    id: web::Path<String>,
    Listing { page, .. }: Listing<NoFilter>,
) -> Result<HttpResponse, ApiError> {
    let (fetch, before) = (page.fetch, page.after.clone());
    let (rows, attempts) = state
        .run(move |conn| webhooks::deliveries(conn, &integrator, &id, before.as_deref(), fetch))
        .await?;
    let (rows, next_cursor) = page.finish(rows, |r| r.id.clone());
    Ok(HttpResponse::Ok().json(DeliveryPage {
        items: rows
            .iter()
            .filter_map(|r| DeliveryView::new(r, &attempts))
            .collect(),
        next_cursor,
    }))
}

/// Send a delivery again, now (after a receiver was fixed, say).
#[utoipa::path(
    tag = "integrations",
    security(("integrator_key" = [])),
    params(
        ("id" = String, Path, description = "Subscription id", min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$"),
        ("delivery_id" = String, Path, description = "Delivery id", min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$"),
        IdempotencyKey,
    ),
    responses(
        (status = 200, body = DeliveryView),
        doc::Action,
    )
)]
#[post("/webhooks/{id}/deliveries/{delivery_id}/redeliver")]
pub async fn redeliver(
    state: web::Data<AppState>,
    integrator: Integrator,
    origin: Origin,
    claim: Idempotent,
    path: web::Path<(String, String)>,
) -> Result<Reply, ApiError> {
    let (id, delivery_id) = path.into_inner();
    state
        .write(claim, move |conn| {
            let row =
                webhooks::redeliver(conn, &integrator, &origin, &id, &delivery_id, time::now())?;
            let view = DeliveryView::new(&row, &[])
                .ok_or_else(|| AppError::Internal(format!("delivery {} is malformed", row.id)))?;
            Reply::json(StatusCode::OK, &view)
        })
        .await
}
