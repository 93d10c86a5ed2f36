//! Audit-log entries as the API shows them.

use chrono::{DateTime, Utc};
use gridwork_domain::audit::{AuditAction, Entity, Outcome};
use gridwork_persistence::audit::AuditRow;
use gridwork_persistence::time;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntry {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    pub occurred_at: DateTime<Utc>,
    #[schema(format = Uuid, max_length = 36)]
    pub actor_id: Option<String>,
    #[schema(max_length = 65)]
    pub actor_username: Option<String>,
    /// The personal access token the actor used; null for a login or the system.
    #[schema(format = Uuid, max_length = 36)]
    pub actor_token_id: Option<String>,
    /// The integrator that acted (with its key), or through whose rider
    /// token the actor acted; null otherwise.
    #[schema(format = Uuid, max_length = 36)]
    pub actor_integrator_id: Option<String>,
    /// Stored as text: entries outlive the codes of their day.
    #[schema(value_type = AuditAction, example = "auth.login")]
    pub action: String,
    #[schema(value_type = Option<Entity>)]
    pub target_type: Option<String>,
    #[schema(max_length = 64)]
    pub target_id: Option<String>,
    #[schema(value_type = Outcome)]
    pub outcome: String,
    #[schema(value_type = Option<Object>)]
    pub detail: Option<serde_json::Value>,
    #[schema(max_length = 128)]
    pub request_id: Option<String>,
    #[schema(max_length = 45)]
    pub client_ip: Option<String>,
}

impl From<AuditRow> for AuditEntry {
    fn from(row: AuditRow) -> AuditEntry {
        AuditEntry {
            id: row.id,
            occurred_at: time::from_db(row.occurred_at),
            actor_id: row.actor_id,
            actor_username: row.actor_username,
            actor_token_id: row.actor_token_id,
            actor_integrator_id: row.actor_integrator_id,
            action: row.action,
            target_type: row.target_type,
            target_id: row.target_id,
            outcome: row.outcome,
            detail: row.detail.and_then(|d| serde_json::from_str(&d).ok()),
            request_id: row.request_id,
            client_ip: row.client_ip,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    /// One page: at most `limit` (1–200) items.
    #[schema(max_items = 200)]
    pub items: Vec<AuditEntry>,
    #[schema(max_length = 200, pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$")]
    pub next_cursor: Option<String>,
}
