//! An enterprise's accounts and its services over its life cycle.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, delete, get, post, web};
use gridwork_domain::enterprise_service::ServiceStage;
use gridwork_domain::{EnterpriseId, UserId};
use serde::Deserialize;
use utoipa::IntoParams;
use validator::Validate;

use crate::app::enterprise_services::{self, AccountInput};
use crate::app::{Origin, Scoped};
use crate::http::ApiError;
use crate::http::idempotency::{IdempotencyKey, Idempotent, Reply};
use crate::http::json::Json;
use crate::http::paging::PageQuery;
use crate::http::problems as doc;
use crate::http::query::{Listing, NoFilter};
use crate::state::AppState;
use crate::views::enterprise_services::{
    EnterpriseAccountPage, EnterpriseAccountView, EnterpriseServicesView,
};

/// Let a user act for an enterprise (those who keep its record): the user
/// must hold the `enterprise_user` role (422 `wrong_kind`), once (409
/// `account_held`). They may then raise `enterprise_service.*` requests
/// about it, follow its cases and hazards, and read its services.
#[utoipa::path(
    tag = "enterprises",
    security(("bearer" = [])),
    params(("id" = String, Path, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$"), IdempotencyKey),
    request_body = AccountInput,
    responses((status = 201, body = EnterpriseAccountView), doc::CreateUnder)
)]
#[post("/enterprises/{id}/accounts")]
pub async fn add_enterprise_account(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    claim: Idempotent,
    id: web::Path<EnterpriseId>,
    body: Json<AccountInput>,
) -> Result<Reply, ApiError> {
    state
        .write(claim, move |conn| {
            let added =
                enterprise_services::add_account(conn, &scoped, &origin, &id, body.into_inner())?;
            Reply::json(StatusCode::CREATED, &EnterpriseAccountView::from(&added))
        })
        .await
}

/// The accounts an enterprise holds, by user id.
#[utoipa::path(
    tag = "enterprises",
    security(("bearer" = [])),
    params(("id" = String, Path, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$"), PageQuery),
    responses((status = 200, body = EnterpriseAccountPage), doc::ListUnder)
)]
#[get("/enterprises/{id}/accounts")]
pub async fn list_enterprise_accounts(
    state: web::Data<AppState>,
    scoped: Scoped,
    id: web::Path<EnterpriseId>,
    Listing { page, .. }: Listing<NoFilter>,
) -> Result<HttpResponse, ApiError> {
    let (fetch, after) = (page.fetch, page.after.clone());
    let rows = state
        .run(move |conn| enterprise_services::accounts(conn, &scoped, &id, after.as_deref(), fetch))
        .await?;
    let (rows, next_cursor) = page.finish(rows, |r| r.0.user_id.to_string());
    Ok(HttpResponse::Ok().json(EnterpriseAccountPage {
        items: rows.iter().map(EnterpriseAccountView::from).collect(),
        next_cursor,
    }))
}

/// Stop a user acting for an enterprise; 404 when they did not.
#[utoipa::path(
    tag = "enterprises",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$"),
        ("user_id" = String, Path, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$"),
    ),
    responses((status = 204, description = "The user no longer acts for the enterprise"), doc::Remove)
)]
#[delete("/enterprises/{id}/accounts/{user_id}")]
pub async fn remove_enterprise_account(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    path: web::Path<(EnterpriseId, UserId)>,
) -> Result<HttpResponse, ApiError> {
    let (id, user_id) = path.into_inner();
    state
        .run(move |conn| enterprise_services::remove_account(conn, &scoped, &origin, &id, &user_id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ServicesQuery {
    /// Only the requests made at this stage (the summary covers every stage).
    pub stage: Option<ServiceStage>,
}

/// An enterprise's services over its life cycle (全生命周期服务): its
/// `enterprise_service.*` requests summed up per stage — settling in,
/// production, expansion — with their states, outcomes and satisfaction,
/// then a page of the requests, newest first. For whoever sees the
/// enterprise, and for those who act for it (its principal, its accounts).
#[utoipa::path(
    tag = "enterprises",
    security(("bearer" = [])),
    params(("id" = String, Path, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$"), ServicesQuery, PageQuery),
    responses((status = 200, body = EnterpriseServicesView), doc::ListUnder)
)]
#[get("/enterprises/{id}/services")]
pub async fn get_enterprise_services(
    state: web::Data<AppState>,
    scoped: Scoped,
    id: web::Path<EnterpriseId>,
    Listing { filter, page }: Listing<ServicesQuery>,
) -> Result<HttpResponse, ApiError> {
    let (fetch, before) = (page.fetch, page.after.clone());
    let mut services = state
        .run(move |conn| {
            enterprise_services::services(
                conn,
                &scoped,
                &id,
                filter.stage,
                before.as_deref(),
                fetch,
            )
        })
        .await?;
    let (requests, next_cursor) = page.finish(services.requests, |r| r.1.id.to_string());
    services.requests = requests;
    Ok(HttpResponse::Ok().json(EnterpriseServicesView::new(services, next_cursor)))
}
