//! Recording domain events in the outbox, in the transaction of the change.

use gridwork_domain::event::EventType;
use gridwork_persistence::outbox::{self, OutboxRow};
use gridwork_persistence::{DbConnection, time};

use super::Origin;

/// Appends `event` about `aggregate_id` with `payload` (ids and field names
/// only: events leave the system, personal data must not).
pub fn emit(
    conn: &mut DbConnection,
    origin: &Origin,
    event: EventType,
    aggregate_id: impl ToString,
    payload: serde_json::Value,
) -> diesel::QueryResult<()> {
    outbox::insert(
        conn,
        &OutboxRow {
            id: uuid::Uuid::now_v7().to_string(),
            occurred_at: time::to_db(time::now()),
            event_type: event,
            aggregate_type: event.aggregate().to_owned(),
            aggregate_id: aggregate_id.to_string(),
            payload: payload.to_string(),
            request_id: origin.request_id.clone(),
            delivered_at: None,
        },
    )
}
