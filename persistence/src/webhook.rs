//! Webhook subscriptions, the deliveries fanned out to them from the outbox,
//! and every attempt to send one.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use gridwork_domain::IntegratorId;

use crate::connection::DbConnection;
use crate::schema::{integrator_cases, webhook_attempts, webhook_deliveries, webhooks};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhooks, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct WebhookRow {
    pub id: String,
    pub integrator_id: IntegratorId,
    pub url: String,
    /// Comma-separated event type codes.
    pub event_types: String,
    /// `whsec_…`: the key deliveries are signed with.
    pub secret: String,
    pub disabled: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhook_deliveries, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct DeliveryRow {
    pub id: String,
    pub webhook_id: String,
    pub event_id: String,
    pub event_type: String,
    /// The JSON body sent, as signed.
    pub payload: String,
    /// `pending`, `delivered` or `failed`.
    pub state: String,
    pub attempts: i32,
    pub next_attempt_at: Option<NaiveDateTime>,
    pub leased_until: Option<NaiveDateTime>,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub delivered_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhook_attempts, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct AttemptRow {
    pub id: String,
    pub delivery_id: String,
    pub attempted_at: NaiveDateTime,
    /// The receiver's HTTP status; None when no answer came.
    pub status: Option<i32>,
    pub error: Option<String>,
    pub duration_ms: i32,
}

pub fn insert(conn: &mut DbConnection, row: &WebhookRow) -> QueryResult<()> {
    diesel::insert_into(webhooks::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<WebhookRow>> {
    webhooks::table
        .find(id)
        .select(WebhookRow::as_select())
        .first(conn)
        .optional()
}

/// One keyset page of an integrator's subscriptions, oldest first.
pub fn page(
    conn: &mut DbConnection,
    integrator: &IntegratorId,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<WebhookRow>> {
    let mut query = webhooks::table
        .filter(webhooks::integrator_id.eq(integrator.clone()))
        .filter(webhooks::disabled.eq(false))
        .select(WebhookRow::as_select())
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(webhooks::id.gt(after.to_owned()));
    }
    query.order(webhooks::id.asc()).limit(limit).load(conn)
}

/// Ends a subscription (it stays, with its deliveries, as history).
pub fn disable(conn: &mut DbConnection, id: &str, at: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(
        webhooks::table
            .filter(webhooks::id.eq(id))
            .filter(webhooks::disabled.eq(false)),
    )
    .set((
        webhooks::disabled.eq(true),
        webhooks::updated_at.eq(at),
        webhooks::version.eq(webhooks::version + 1),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// The working subscriptions of the integrator that reported `case_id`.
pub fn subscribed_to_case(conn: &mut DbConnection, case_id: &str) -> QueryResult<Vec<WebhookRow>> {
    webhooks::table
        .inner_join(
            integrator_cases::table.on(integrator_cases::integrator_id.eq(webhooks::integrator_id)),
        )
        .filter(integrator_cases::case_id.eq(case_id))
        .filter(webhooks::disabled.eq(false))
        .select(WebhookRow::as_select())
        .load(conn)
}

/// The working subscriptions that may have asked for `event_type` (the
/// caller checks the list exactly).
pub fn subscribed_to_type(
    conn: &mut DbConnection,
    event_type: &str,
) -> QueryResult<Vec<WebhookRow>> {
    webhooks::table
        .filter(webhooks::disabled.eq(false))
        .filter(
            webhooks::event_types
                .like(crate::text::contains(event_type))
                .escape('\\'),
        )
        .select(WebhookRow::as_select())
        .load(conn)
}

/// Adds a delivery unless the subscriber has one for the event already.
pub fn insert_delivery(conn: &mut DbConnection, row: &DeliveryRow) -> QueryResult<bool> {
    let keys = (webhook_deliveries::webhook_id, webhook_deliveries::event_id);
    // ON CONFLICT is the backends' own: each connection takes the statement
    let n = match conn {
        DbConnection::Postgresql(pg) => diesel::insert_into(webhook_deliveries::table)
            .values(row)
            .on_conflict(keys)
            .do_nothing()
            .execute(pg)?,
        DbConnection::Sqlite(lite) => diesel::insert_into(webhook_deliveries::table)
            .values(row)
            .on_conflict(keys)
            .do_nothing()
            .execute(lite)?,
    };
    Ok(n == 1)
}

/// Pending deliveries due at `now` and not leased, soonest first.
pub fn due(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<DeliveryRow>> {
    webhook_deliveries::table
        .filter(webhook_deliveries::state.eq("pending"))
        .filter(webhook_deliveries::next_attempt_at.le(now))
        .filter(
            webhook_deliveries::leased_until
                .is_null()
                .or(webhook_deliveries::leased_until.lt(now)),
        )
        .select(DeliveryRow::as_select())
        .order(webhook_deliveries::next_attempt_at.asc())
        .limit(limit)
        .load(conn)
}

/// Takes the lease of a delivery until `until`, if no one holds it: one
/// conditional UPDATE, so of several instances exactly one wins.
pub fn lease(
    conn: &mut DbConnection,
    id: &str,
    now: NaiveDateTime,
    until: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        webhook_deliveries::table
            .filter(webhook_deliveries::id.eq(id))
            .filter(webhook_deliveries::state.eq("pending"))
            .filter(
                webhook_deliveries::leased_until
                    .is_null()
                    .or(webhook_deliveries::leased_until.lt(now)),
            ),
    )
    .set(webhook_deliveries::leased_until.eq(until))
    .execute(conn)?;
    Ok(n == 1)
}

/// Writes the outcome of an attempt and releases the lease.
pub fn finish(conn: &mut DbConnection, row: &DeliveryRow) -> QueryResult<()> {
    diesel::update(webhook_deliveries::table.find(&row.id))
        .set((
            webhook_deliveries::state.eq(&row.state),
            webhook_deliveries::attempts.eq(row.attempts),
            webhook_deliveries::next_attempt_at.eq(row.next_attempt_at),
            webhook_deliveries::leased_until.eq(None::<NaiveDateTime>),
            webhook_deliveries::last_status.eq(row.last_status),
            webhook_deliveries::last_error.eq(&row.last_error),
            webhook_deliveries::delivered_at.eq(row.delivered_at),
        ))
        .execute(conn)
        .map(drop)
}

pub fn find_delivery(conn: &mut DbConnection, id: &str) -> QueryResult<Option<DeliveryRow>> {
    webhook_deliveries::table
        .find(id)
        .select(DeliveryRow::as_select())
        .first(conn)
        .optional()
}

/// One keyset page of a subscription's deliveries, newest first.
pub fn deliveries(
    conn: &mut DbConnection,
    webhook_id: &str,
    before: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<DeliveryRow>> {
    let mut query = webhook_deliveries::table
        .filter(webhook_deliveries::webhook_id.eq(webhook_id))
        .select(DeliveryRow::as_select())
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(webhook_deliveries::id.lt(before.to_owned()));
    }
    query
        .order(webhook_deliveries::id.desc())
        .limit(limit)
        .load(conn)
}

pub fn insert_attempt(conn: &mut DbConnection, row: &AttemptRow) -> QueryResult<()> {
    diesel::insert_into(webhook_attempts::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// The attempts of these deliveries, oldest first (at most `limit`).
pub fn attempts_of(
    conn: &mut DbConnection,
    delivery_ids: &[String],
    limit: i64,
) -> QueryResult<Vec<AttemptRow>> {
    webhook_attempts::table
        .filter(webhook_attempts::delivery_id.eq_any(delivery_ids))
        .select(AttemptRow::as_select())
        .order(webhook_attempts::id.asc())
        .limit(limit)
        .load(conn)
}
