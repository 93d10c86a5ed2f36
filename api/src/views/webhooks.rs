//! Webhook subscriptions and their deliveries as the integrator sees them:
//! the signing secret only once, in the answer that made the subscription.

use chrono::{DateTime, Utc};
use gridwork_domain::event::EventType;
use gridwork_domain::webhook::DeliveryState;
use gridwork_persistence::time;
use gridwork_persistence::webhook::{AttemptRow, DeliveryRow, WebhookRow};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WebhookView {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(max_length = 2000)]
    pub url: String,
    /// Each at most once.
    #[schema(max_items = 44)]
    pub event_types: Vec<EventType>,
    pub created_at: DateTime<Utc>,
}

impl From<&WebhookRow> for WebhookView {
    fn from(row: &WebhookRow) -> Self {
        WebhookView {
            id: row.id.clone(),
            url: row.url.clone(),
            event_types: row
                .event_types
                .split(',')
                .filter_map(EventType::parse)
                .collect(),
            created_at: time::from_db(row.created_at),
        }
    }
}

/// A subscription just made.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedWebhook {
    #[serde(flatten)]
    pub record: WebhookView,
    /// The signing secret, shown this once (null on a replay under the same
    /// `Idempotency-Key`): verify each delivery's `webhook-signature` with it
    /// as the Standard Webhooks specification describes.
    #[schema(
        min_length = 38,
        max_length = 38,
        pattern = "^whsec_[A-Za-z0-9+/]{32}$"
    )]
    pub secret: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookPage {
    /// One page: at most `limit` (1–200) items.
    #[schema(max_items = 200)]
    pub items: Vec<WebhookView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[schema(max_length = 200, pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$")]
    pub next_cursor: Option<String>,
}

/// One attempt to send a delivery.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttemptView {
    pub attempted_at: DateTime<Utc>,
    /// The receiver's HTTP status; null when no answer came.
    #[schema(minimum = 100, maximum = 599)]
    pub status: Option<i32>,
    #[schema(max_length = 500)]
    pub error: Option<String>,
    #[schema(minimum = 0, maximum = 2147483647)]
    pub duration_ms: i32,
}

/// An event sent (or to be sent) to a subscription: `id` is the message's
/// `webhook-id`, the same on every attempt.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryView {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub event_id: String,
    pub event_type: EventType,
    pub state: DeliveryState,
    #[schema(minimum = 0, maximum = 10000)]
    pub attempts: i32,
    /// When it is tried next (pending only).
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// Every attempt, oldest first.
    #[schema(max_items = 100)]
    pub log: Vec<AttemptView>,
}

impl DeliveryView {
    pub fn new(row: &DeliveryRow, attempts: &[AttemptRow]) -> Option<DeliveryView> {
        Some(DeliveryView {
            id: row.id.clone(),
            event_id: row.event_id.clone(),
            event_type: EventType::parse(&row.event_type)?,
            state: DeliveryState::parse(&row.state)?,
            attempts: row.attempts,
            next_attempt_at: row.next_attempt_at.map(time::from_db),
            delivered_at: row.delivered_at.map(time::from_db),
            created_at: time::from_db(row.created_at),
            log: attempts
                .iter()
                .filter(|a| a.delivery_id == row.id)
                .take(100)
                .map(|a| AttemptView {
                    attempted_at: time::from_db(a.attempted_at),
                    status: a.status,
                    error: a.error.clone(),
                    duration_ms: a.duration_ms,
                })
                .collect(),
        })
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryPage {
    /// One page: at most `limit` (1–200) items, newest first.
    #[schema(max_items = 200)]
    pub items: Vec<DeliveryView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[schema(max_length = 200, pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$")]
    pub next_cursor: Option<String>,
}
