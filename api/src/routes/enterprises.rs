//! Enterprises: the basic record (基础信息) each grid keeps up to date.

use actix_web::{HttpResponse, get, patch, post, web};
use gridwork_domain::{EnterpriseId, GridId};
use gridwork_persistence::enterprise::EnterpriseRow;
use serde::Deserialize;
use validator::Validate;

use crate::app::enterprises::{self, EnterpriseInput};
use crate::app::{Origin, Scoped};
use crate::http::json::Json;
use crate::http::paging::{PageQuery, paginate};
use crate::http::precondition::{IfMatch, created, with_etag};
use crate::http::problems as doc;
use crate::http::{API_PREFIX, ApiError};
use crate::state::AppState;
use crate::views::enterprises::{EnterprisePage, EnterpriseView};

#[derive(Debug, Deserialize)]
pub struct GridIdQuery {
    pub grid_id: Option<GridId>,
}

fn respond(row: &EnterpriseRow, builder: actix_web::HttpResponseBuilder) -> HttpResponse {
    with_etag(builder, row.version, &EnterpriseView::from(row))
}

/// Enterprises in the caller's scope (unassigned ones are zone-wide only).
#[utoipa::path(
    tag = "enterprises",
    security(("bearer" = [])),
    params(PageQuery, ("grid_id" = Option<String>, Query, description = "Only this grid's enterprises")),
    responses(
        (status = 200, body = EnterprisePage),
        doc::List,
    )
)]
#[get("/enterprises")]
pub async fn list_enterprises(
    state: web::Data<AppState>,
    scoped: Scoped,
    query: web::Query<PageQuery>,
    filter: web::Query<GridIdQuery>,
) -> Result<HttpResponse, ApiError> {
    query.validate()?;
    let (fetch, cursor) = (query.fetch(), query.cursor.clone());
    let grid_id = filter.into_inner().grid_id;
    let rows = state
        .run(move |conn| enterprises::list(conn, &scoped, grid_id, cursor.as_deref(), fetch))
        .await?;
    let (rows, next_cursor) = paginate(rows, fetch, |r| r.id.to_string());
    Ok(HttpResponse::Ok().json(EnterprisePage {
        items: rows.iter().map(EnterpriseView::from).collect(),
        next_cursor,
    }))
}

/// One enterprise, with what its basic record still misses.
#[utoipa::path(
    tag = "enterprises",
    security(("bearer" = [])),
    params(("id" = String, Path)),
    responses(
        (status = 200, body = EnterpriseView, headers(("ETag" = String))),
        doc::ReadOne,
    )
)]
#[get("/enterprises/{id}")]
pub async fn get_enterprise(
    state: web::Data<AppState>,
    scoped: Scoped,
    id: web::Path<EnterpriseId>,
) -> Result<HttpResponse, ApiError> {
    let row = state
        .run(move |conn| enterprises::find_visible(conn, &scoped, &id))
        .await?;
    Ok(respond(&row, HttpResponse::Ok()))
}

/// Register an enterprise. Callers below zone level must place it in an area grid of their scope.
#[utoipa::path(
    tag = "enterprises",
    security(("bearer" = [])),
    request_body = EnterpriseInput,
    responses(
        (status = 201, body = EnterpriseView, headers(("Location" = String), ("ETag" = String))),
        doc::Create,
    )
)]
#[post("/enterprises")]
pub async fn create_enterprise(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    body: Json<EnterpriseInput>,
) -> Result<HttpResponse, ApiError> {
    let row = state
        .run(move |conn| enterprises::create(conn, &scoped, &origin, body.into_inner()))
        .await?;
    Ok(respond(
        &row,
        created(&format!("{API_PREFIX}/enterprises/{}", row.id)),
    ))
}

/// Update an enterprise record (information collection).
#[utoipa::path(
    tag = "enterprises",
    security(("bearer" = [])),
    params(("id" = String, Path), ("If-Match" = Option<String>, Header, description = "ETag from a previous read")),
    request_body = EnterpriseInput,
    responses(
        (status = 200, body = EnterpriseView, headers(("ETag" = String))),
        doc::Update,
    )
)]
#[patch("/enterprises/{id}")]
pub async fn update_enterprise(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    IfMatch(expected): IfMatch,
    id: web::Path<EnterpriseId>,
    body: Json<EnterpriseInput>,
) -> Result<HttpResponse, ApiError> {
    let row = state
        .run(move |conn| {
            enterprises::update(conn, &scoped, &origin, &id, &expected, body.into_inner())
        })
        .await?;
    Ok(respond(&row, HttpResponse::Ok()))
}
