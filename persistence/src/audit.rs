//! The append-only audit log.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::schema::audit_log;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_log, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct AuditRow {
    pub id: String,
    pub occurred_at: NaiveDateTime,
    pub actor_id: Option<String>,
    pub actor_username: Option<String>,
    pub action: String,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub outcome: String,
    /// JSON object with non-secret details.
    pub detail: Option<String>,
    pub request_id: Option<String>,
    pub client_ip: Option<String>,
    /// The personal access token the actor used, if any.
    pub actor_token_id: Option<String>,
    /// The integrator that acted, or through whose rider token the actor did.
    pub actor_integrator_id: Option<String>,
}

pub fn insert(conn: &mut DbConnection, row: &AuditRow) -> QueryResult<()> {
    diesel::insert_into(audit_log::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub actor_id: Option<String>,
    pub actor_integrator_id: Option<String>,
    pub target_id: Option<String>,
    /// The kind of record (`grid`, `user`, …).
    pub entity: Option<String>,
    /// From (inclusive) and to (exclusive).
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
}

/// One keyset page, newest first; `before` is the last id of the previous page.
pub fn page(
    conn: &mut DbConnection,
    filter: &AuditFilter,
    before: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<AuditRow>> {
    let mut query = audit_log::table.select(AuditRow::as_select()).into_boxed();
    if let Some(action) = &filter.action {
        query = query.filter(audit_log::action.eq(action.clone()));
    }
    if let Some(actor) = &filter.actor_id {
        query = query.filter(audit_log::actor_id.eq(actor.clone()));
    }
    if let Some(integrator) = &filter.actor_integrator_id {
        query = query.filter(audit_log::actor_integrator_id.eq(integrator.clone()));
    }
    if let Some(target) = &filter.target_id {
        query = query.filter(audit_log::target_id.eq(target.clone()));
    }
    if let Some(entity) = &filter.entity {
        query = query.filter(audit_log::target_type.eq(entity.clone()));
    }
    if let Some(from) = filter.from {
        query = query.filter(audit_log::occurred_at.ge(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(audit_log::occurred_at.lt(to));
    }
    if let Some(before) = before {
        query = query.filter(audit_log::id.lt(before.to_owned()));
    }
    query.order(audit_log::id.desc()).limit(limit).load(conn)
}
