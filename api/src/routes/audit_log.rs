//! Reading the audit log (admin, auditor).

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use gridwork_domain::Permission;
use gridwork_domain::audit::AuditAction;
use gridwork_persistence::audit::{self, AuditFilter, AuditRow};
use gridwork_persistence::time;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::{PageQuery, paginate};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::openapi as doc;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntry {
    pub id: String,
    pub occurred_at: DateTime<Utc>,
    pub actor_id: Option<String>,
    pub actor_username: Option<String>,
    /// e.g. `auth.login`, `user.create`, `user.update`.
    #[schema(example = "auth.login")]
    pub action: String,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    /// `success` or `failure`.
    pub outcome: String,
    #[schema(value_type = Option<Object>)]
    pub detail: Option<serde_json::Value>,
    pub request_id: Option<String>,
    pub client_ip: Option<String>,
}

impl From<AuditRow> for AuditEntry {
    fn from(row: AuditRow) -> AuditEntry {
        AuditEntry {
            id: row.id,
            occurred_at: time::from_db(row.occurred_at),
            actor_id: row.actor_id,
            actor_username: row.actor_username,
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
    pub items: Vec<AuditEntry>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only this action code.
    pub action: Option<String>,
    /// Only entries by this user id.
    #[validate(length(max = 64))]
    pub actor_id: Option<String>,
    /// Only entries about this record id.
    #[validate(length(max = 64))]
    pub target_id: Option<String>,
}

/// The audit log, newest first (admin, auditor).
#[utoipa::path(
    tag = "audit",
    security(("bearer" = [])),
    params(AuditQuery, PageQuery),
    responses(
        (status = 200, body = AuditPage),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::Forbidden),
        (status = 422, response = doc::UnprocessableContent),
        (status = 503, response = doc::ServiceUnavailable),
    )
)]
#[get("/audit-log")]
pub async fn list_audit_log(
    state: web::Data<AppState>,
    caller: Caller,
    filter: web::Query<AuditQuery>,
    page: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ReadAuditLog)?;
    filter.validate()?;
    page.validate()?;
    if let Some(action) = &filter.action
        && AuditAction::parse(action).is_none()
    {
        return Err(ApiError::validation(
            "action",
            "unknown_action",
            format!("unknown action `{action}`"),
        ));
    }
    let filter = filter.into_inner();
    let store_filter = AuditFilter {
        action: filter.action,
        actor_id: filter.actor_id,
        target_id: filter.target_id,
    };
    let fetch = page.fetch();
    let cursor = page.cursor.clone();
    let rows = state
        .read(move |conn| Ok(audit::page(conn, &store_filter, cursor.as_deref(), fetch)?))
        .await?;
    let (rows, next_cursor) = paginate(rows, fetch, |r| r.id.clone());
    Ok(HttpResponse::Ok().json(AuditPage {
        items: rows.into_iter().map(AuditEntry::from).collect(),
        next_cursor,
    }))
}
