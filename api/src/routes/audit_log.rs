//! Reading the audit log (admin, auditor).

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use gridwork_domain::Permission;
use gridwork_domain::audit::{AuditAction, Entity};
use gridwork_persistence::audit::{self, AuditFilter};
use gridwork_persistence::time;
use serde::Deserialize;
use utoipa::IntoParams;
use validator::Validate;

use crate::app::Caller;
use crate::http::ApiError;
use crate::http::paging::PageQuery;
use crate::http::problems as doc;
use crate::http::query::Listing;
use crate::state::AppState;
use crate::views::audit_log::{AuditEntry, AuditPage};

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only this action.
    pub action: Option<AuditAction>,
    /// Only entries by this user id.
    #[validate(
        length(min = 1, max = 64),
        custom(function = "crate::app::input::uuid_text")
    )]
    #[param(min_length = 1, max_length = 64)]
    pub actor_id: Option<String>,
    /// Only entries by this integrator, or by its riders.
    #[validate(
        length(min = 1, max = 64),
        custom(function = "crate::app::input::uuid_text")
    )]
    #[param(min_length = 1, max_length = 64)]
    pub actor_integrator_id: Option<String>,
    /// Only entries about this kind of record.
    pub entity: Option<Entity>,
    /// Only entries about this record id.
    #[validate(length(min = 1, max = 64))]
    #[param(min_length = 1, max_length = 64)]
    pub target_id: Option<String>,
    /// Entries at or after this time.
    #[serde(default, deserialize_with = "crate::app::input::time_text::optional")]
    pub from: Option<DateTime<Utc>>,
    /// Entries before this time.
    #[serde(default, deserialize_with = "crate::app::input::time_text::optional")]
    pub to: Option<DateTime<Utc>>,
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
    Listing { filter, page }: Listing<AuditQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ReadAuditLog)?;
    let store_filter = AuditFilter {
        action: filter.action.map(|a| a.code().to_owned()),
        actor_id: filter.actor_id,
        actor_integrator_id: filter.actor_integrator_id,
        target_id: filter.target_id,
        entity: filter.entity.map(|e| e.code().to_owned()),
        from: filter.from.map(time::to_db),
        to: filter.to.map(time::to_db),
    };
    let (fetch, after) = (page.fetch, page.after.clone());
    let rows = state
        .run(move |conn| Ok(audit::page(conn, &store_filter, after.as_deref(), fetch)?))
        .await?;
    let (rows, next_cursor) = page.finish(rows, |r| r.id.clone());
    Ok(HttpResponse::Ok().json(AuditPage {
        items: rows.into_iter().map(AuditEntry::from).collect(),
        next_cursor,
    }))
}
