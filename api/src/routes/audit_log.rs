//! Reading the audit log (admin, auditor).

use actix_web::{HttpResponse, get, web};
use gridwork_domain::Permission;
use gridwork_domain::audit::AuditAction;
use gridwork_persistence::audit::{self, AuditFilter};
use serde::Deserialize;
use utoipa::IntoParams;
use validator::Validate;

use crate::app::{Caller, FieldCode};
use crate::http::ApiError;
use crate::http::paging::{PageQuery, paginate};
use crate::http::problems as doc;
use crate::state::AppState;
use crate::views::audit_log::{AuditEntry, AuditPage};

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only this action code.
    #[param(value_type = Option<AuditAction>)]
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
            FieldCode::UnknownAction,
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
        .run(move |conn| Ok(audit::page(conn, &store_filter, cursor.as_deref(), fetch)?))
        .await?;
    let (rows, next_cursor) = paginate(rows, fetch, |r| r.id.clone());
    Ok(HttpResponse::Ok().json(AuditPage {
        items: rows.into_iter().map(AuditEntry::from).collect(),
        next_cursor,
    }))
}
