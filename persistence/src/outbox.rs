//! The outbox: one row per domain event, inserted in the transaction of the
//! change it reports, delivered later.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use gridwork_domain::event::EventType;

use crate::connection::DbConnection;
use crate::schema::outbox_events;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = outbox_events, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct OutboxRow {
    pub id: String,
    pub occurred_at: NaiveDateTime,
    pub event_type: EventType,
    pub aggregate_type: String,
    pub aggregate_id: String,
    /// JSON object: ids and changed field names, never personal data.
    pub payload: String,
    pub request_id: Option<String>,
    pub delivered_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConnection, row: &OutboxRow) -> QueryResult<()> {
    diesel::insert_into(outbox_events::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// The events of one aggregate, oldest first.
pub fn for_aggregate(conn: &mut DbConnection, aggregate_id: &str) -> QueryResult<Vec<OutboxRow>> {
    outbox_events::table
        .filter(outbox_events::aggregate_id.eq(aggregate_id))
        .select(OutboxRow::as_select())
        .order(outbox_events::id.asc())
        .load(conn)
}

/// Events not yet fanned out to webhooks, oldest first.
pub fn pending(conn: &mut DbConnection, limit: i64) -> QueryResult<Vec<OutboxRow>> {
    outbox_events::table
        .filter(outbox_events::delivered_at.is_null())
        .select(OutboxRow::as_select())
        .order(outbox_events::id.asc())
        .limit(limit)
        .load(conn)
}

/// Marks an event fanned out; false when another instance did it first.
pub fn mark_delivered(conn: &mut DbConnection, id: &str, at: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(
        outbox_events::table
            .filter(outbox_events::id.eq(id))
            .filter(outbox_events::delivered_at.is_null()),
    )
    .set(outbox_events::delivered_at.eq(at))
    .execute(conn)?;
    Ok(n == 1)
}
