//! Webhooks: an integrator with `receive_webhooks` subscribes a URL to case
//! events (and, with `zone_events`, the four duties' events); the outbox is
//! fanned out to the subscriptions of the integrator that reported each
//! case, or that hear the zone's duties, once however many instances run; each delivery
//! is leased by one instance at a time, and every attempt is recorded with
//! its outcome and the time of the next.

use chrono::{DateTime, SecondsFormat, Utc};
use gridwork_domain::audit::{AuditAction, Entity};
use gridwork_domain::event::EventType;
use gridwork_domain::integrator::{IntegratorScope, IntegratorScopes};
use gridwork_domain::webhook::{Retry, Target};
use gridwork_persistence::integrator as integrators_store;
use gridwork_persistence::outbox::{self, OutboxRow};
use gridwork_persistence::webhook::{self as store, AttemptRow, DeliveryRow, WebhookRow};
use gridwork_persistence::{DbConnection, time};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::integrators::Integrator;
use super::{AppError, FieldCode, Origin};

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Subscribe {
    /// Where to send: `https://` (or `http://`), no user name or password.
    /// It must resolve to public addresses only, unless the server allows
    /// private ones (`GRIDWORK_WEBHOOK_ALLOW_PRIVATE`).
    #[validate(length(min = 1, max = 2000))]
    #[schema(
        min_length = 1,
        max_length = 2000,
        example = "https://hooks.example.com/gridwork"
    )]
    pub url: String,
    /// Events to hear about: case events (`case.created`, `case.accepted`,
    /// …) of the cases the integrator reported; with the `zone_events` scope
    /// also the four duties' events (`hazard.changed`, `policy.published`, …).
    #[validate(length(min = 1, max = 20))]
    #[schema(value_type = Vec<EventType>, min_items = 1, max_items = 20, example = json!(["case.created", "case.closed"]))]
    pub event_types: Vec<String>,
}

/// The aggregates of the four duties' events: information collection,
/// hazard inspection, dispute mediation, policy publicity (heart-to-heart
/// talks stay out: they are about people).
const DUTIES: [&str; 7] = [
    "enterprise",
    "inspection",
    "inspection_schedule",
    "inspection_template",
    "hazard",
    "dispute",
    "policy",
];

/// Whether an event concerns a case (heard by the integrator that
/// reported it) or a duty (heard only with `zone_events`).
fn is_case(event: EventType) -> bool {
    event.aggregate() == "case"
}

fn is_duty(event: EventType) -> bool {
    DUTIES.contains(&event.aggregate())
}

/// The events an integrator may hear about: those of the cases it reported;
/// with `zone_events` also the duties' (registry events, about people and
/// placards, never).
pub fn subscribable(event: EventType, zone_events: bool) -> bool {
    is_case(event) || (zone_events && is_duty(event))
}

/// The event types of a subscription, checked against what the integrator
/// may hear.
pub fn event_types(integrator: &Integrator, codes: &[String]) -> Result<Vec<EventType>, AppError> {
    let zone = integrator.scopes.contains(IntegratorScope::ZoneEvents);
    let mut events = Vec::new();
    for code in codes {
        match EventType::parse(code).filter(|e| subscribable(*e, zone)) {
            Some(e) if !events.contains(&e) => events.push(e),
            Some(_) => {}
            None => {
                return Err(AppError::invalid(
                    "event_types",
                    FieldCode::Invalid,
                    format!(
                        "`{code}` is not an event this integrator may hear: case events \
                         (case.created, …), and with zone_events the duties' events"
                    ),
                ));
            }
        }
    }
    Ok(events)
}

/// Subscribes a target the caller resolved and checked.
pub fn subscribe(
    conn: &mut DbConnection,
    integrator: &Integrator,
    origin: &Origin,
    target: &Target,
    events: &[EventType],
    secret: String,
    now: DateTime<Utc>,
) -> Result<WebhookRow, AppError> {
    integrator.require(IntegratorScope::ReceiveWebhooks)?;
    let at = time::to_db(now);
    let row = WebhookRow {
        id: uuid::Uuid::now_v7().to_string(),
        integrator_id: integrator.row.id.clone(),
        url: target.as_str().to_owned(),
        event_types: events
            .iter()
            .map(|e| e.code())
            .collect::<Vec<_>>()
            .join(","),
        secret,
        disabled: false,
        created_at: at,
        updated_at: at,
        version: 1,
    };
    super::transaction(conn, |conn| {
        store::insert(conn, &row)?;
        integrator
            .audit(AuditAction::WebhookSubscribe)
            .on(Entity::Webhook, &row.id)
            .detail(serde_json::json!({ "url": row.url, "event_types": row.event_types }))
            .write(conn, origin)?;
        Ok(row)
    })
}

/// One of the integrator's subscriptions; another's does not exist.
pub fn find(
    conn: &mut DbConnection,
    integrator: &Integrator,
    id: &str,
) -> Result<WebhookRow, AppError> {
    integrator.require(IntegratorScope::ReceiveWebhooks)?;
    store::find(conn, id)?
        .filter(|w| w.integrator_id == integrator.row.id && !w.disabled)
        .ok_or(AppError::NotFound)
}

pub fn list(
    conn: &mut DbConnection,
    integrator: &Integrator,
    after: Option<&str>,
    fetch: i64,
) -> Result<Vec<WebhookRow>, AppError> {
    integrator.require(IntegratorScope::ReceiveWebhooks)?;
    Ok(store::page(conn, &integrator.row.id, after, fetch)?)
}

/// Ends a subscription: nothing more is sent to it.
pub fn remove(
    conn: &mut DbConnection,
    integrator: &Integrator,
    origin: &Origin,
    id: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let row = find(conn, integrator, id)?;
    super::transaction(conn, |conn| {
        if store::disable(conn, &row.id, time::to_db(now))? {
            integrator
                .audit(AuditAction::WebhookRemove)
                .on(Entity::Webhook, &row.id)
                .write(conn, origin)?;
        }
        Ok(())
    })
}

/// A page of a subscription's deliveries, newest first, with their attempts.
pub fn deliveries(
    conn: &mut DbConnection,
    integrator: &Integrator,
    id: &str,
    before: Option<&str>,
    fetch: i64,
) -> Result<(Vec<DeliveryRow>, Vec<AttemptRow>), AppError> {
    let webhook = find(conn, integrator, id)?;
    let rows = store::deliveries(conn, &webhook.id, before, fetch)?;
    let ids: Vec<String> = rows.iter().map(|d| d.id.clone()).collect();
    let attempts = store::attempts_of(conn, &ids, 100 * fetch)?;
    Ok((rows, attempts))
}

/// Sends a delivery again, now, whatever became of it.
pub fn redeliver(
    conn: &mut DbConnection,
    integrator: &Integrator,
    origin: &Origin,
    id: &str,
    delivery_id: &str,
    now: DateTime<Utc>,
) -> Result<DeliveryRow, AppError> {
    let webhook = find(conn, integrator, id)?;
    super::transaction(conn, |conn| {
        let delivery = store::find_delivery(conn, delivery_id)?
            .filter(|d| d.webhook_id == webhook.id)
            .ok_or(AppError::NotFound)?;
        let again = DeliveryRow {
            state: "pending".into(),
            next_attempt_at: Some(time::to_db(now)),
            delivered_at: None,
            ..delivery
        };
        store::finish(conn, &again)?;
        integrator
            .audit(AuditAction::WebhookRedeliver)
            .on(Entity::Webhook, &webhook.id)
            .detail(serde_json::json!({ "delivery_id": again.id }))
            .write(conn, origin)?;
        Ok(again)
    })
}

/// The body of an event as it is sent: `{type, timestamp, data}`.
fn body(event: &OutboxRow) -> String {
    let mut data: serde_json::Value =
        serde_json::from_str(&event.payload).unwrap_or_else(|_| serde_json::json!({}));
    if let Some(fields) = data.as_object_mut() {
        fields.insert(
            format!("{}_id", event.aggregate_type),
            event.aggregate_id.clone().into(),
        );
    }
    serde_json::json!({
        "type": event.event_type.code(),
        "timestamp": time::from_db(event.occurred_at).to_rfc3339_opts(SecondsFormat::Millis, true),
        "data": data,
    })
    .to_string()
}

/// Whether `webhook` hears `event`: it asked for the type, existed when the
/// event happened, and its integrator still receives webhooks.
fn hears(
    conn: &mut DbConnection,
    webhook: &WebhookRow,
    event: &OutboxRow,
) -> Result<bool, AppError> {
    let asked = webhook
        .event_types
        .split(',')
        .any(|code| code == event.event_type.code());
    if !asked || webhook.created_at > event.occurred_at {
        return Ok(false);
    }
    let receives = integrators_store::find(conn, &webhook.integrator_id)?.is_some_and(|i| {
        !i.disabled
            && IntegratorScopes::parse_stored(&i.scopes).is_ok_and(|s| {
                s.contains(IntegratorScope::ReceiveWebhooks)
                    && subscribable(event.event_type, s.contains(IntegratorScope::ZoneEvents))
            })
    });
    Ok(receives)
}

/// Fans out up to `limit` outbox events to the subscriptions that hear
/// them; answers how many deliveries were made.
pub fn fan_out(conn: &mut DbConnection, now: DateTime<Utc>, limit: i64) -> Result<usize, AppError> {
    // a read first: most rounds find nothing, and take no write lock
    let events = outbox::pending(conn, limit)?;
    if events.is_empty() {
        return Ok(0);
    }
    super::transaction(conn, |conn| {
        let at = time::to_db(now);
        let mut made = 0;
        for event in events {
            // another instance took it: its deliveries are its to make
            if !outbox::mark_delivered(conn, &event.id, at)? {
                continue;
            }
            let subscribers = if is_case(event.event_type) {
                store::subscribed_to_case(conn, &event.aggregate_id)?
            } else if is_duty(event.event_type) {
                store::subscribed_to_type(conn, event.event_type.code())?
            } else {
                continue;
            };
            for webhook in subscribers {
                if !hears(conn, &webhook, &event)? {
                    continue;
                }
                let delivery = DeliveryRow {
                    id: uuid::Uuid::now_v7().to_string(),
                    webhook_id: webhook.id.clone(),
                    event_id: event.id.clone(),
                    event_type: event.event_type.code().to_owned(),
                    payload: body(&event),
                    state: "pending".into(),
                    attempts: 0,
                    next_attempt_at: Some(at),
                    leased_until: None,
                    last_status: None,
                    last_error: None,
                    created_at: at,
                    delivered_at: None,
                };
                if store::insert_delivery(conn, &delivery)? {
                    made += 1;
                }
            }
        }
        Ok(made)
    })
}

/// Leases up to `limit` due deliveries for this instance until `until`,
/// each with its subscription.
pub fn claim(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<(DeliveryRow, WebhookRow)>, AppError> {
    let (now, until) = (time::to_db(now), time::to_db(until));
    let mut claimed = Vec::new();
    for delivery in store::due(conn, now, limit)? {
        if !store::lease(conn, &delivery.id, now, until)? {
            continue;
        }
        match store::find(conn, &delivery.webhook_id)? {
            Some(webhook) => claimed.push((delivery, webhook)),
            None => continue,
        }
    }
    Ok(claimed)
}

/// How one attempt went, as the sender saw it.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub status: Option<u16>,
    pub error: Option<String>,
    pub duration_ms: i32,
    pub succeeded: bool,
}

/// Records an attempt and what follows: delivered; or tried again later
/// (backoff with `jitter`); or, once the retry period is over, failed. A
/// subscription ended meanwhile ends its pending deliveries too.
pub fn record(
    conn: &mut DbConnection,
    delivery: DeliveryRow,
    webhook: &WebhookRow,
    outcome: &Outcome,
    retry: Retry,
    now: DateTime<Utc>,
    jitter: f64,
) -> Result<DeliveryRow, AppError> {
    let at = time::to_db(now);
    super::transaction(conn, |conn| {
        store::insert_attempt(
            conn,
            &AttemptRow {
                id: uuid::Uuid::now_v7().to_string(),
                delivery_id: delivery.id.clone(),
                attempted_at: at,
                status: outcome.status.map(i32::from),
                error: outcome.error.clone(),
                duration_ms: outcome.duration_ms,
            },
        )?;
        let attempts = delivery.attempts + 1;
        let next = (!outcome.succeeded && !webhook.disabled)
            .then(|| {
                retry.next(
                    u32::try_from(attempts).unwrap_or(u32::MAX),
                    time::from_db(delivery.created_at),
                    now,
                    jitter,
                )
            })
            .flatten();
        let state = match (outcome.succeeded, next) {
            (true, _) => "delivered",
            (false, Some(_)) => "pending",
            (false, None) => "failed",
        };
        let row = DeliveryRow {
            state: state.into(),
            attempts,
            next_attempt_at: next.map(time::to_db),
            last_status: outcome.status.map(i32::from),
            last_error: outcome.error.clone(),
            delivered_at: outcome.succeeded.then_some(at),
            ..delivery
        };
        store::finish(conn, &row)?;
        Ok(row)
    })
}
