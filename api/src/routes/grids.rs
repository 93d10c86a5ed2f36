//! Grids: the tree of the zone, its codes and boundaries.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use gridwork_domain::GridId;
use gridwork_domain::grid::GridKind;
use gridwork_persistence::grid::{GridFilter, GridRow};
use serde::Deserialize;
use utoipa::IntoParams;
use validator::Validate;

use crate::app::grids::{self, CreateGrid, UpdateGrid};
use crate::app::{Origin, Scoped};
use crate::http::idempotency::{IdempotencyKey, Idempotent, Reply};
use crate::http::json::Json;
use crate::http::paging::{Page, PageQuery};
use crate::http::precondition::{IfMatch, IfMatchHeader, with_etag};
use crate::http::problems as doc;
use crate::http::query::{Listing, NoFilter, Query, finite};
use crate::http::{API_PREFIX, ApiError};
use crate::state::AppState;
use crate::views::grids::{GridPage, GridView};

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GridQuery {
    /// Only the children of this grid.
    #[validate(
        length(min = 1, max = 64),
        custom(function = "crate::app::input::uuid_text")
    )]
    #[param(value_type = Option<String>, min_length = 1, max_length = 64)]
    pub parent_id: Option<String>,
    /// Only this enterprise's grid and sub-grids.
    #[validate(
        length(min = 1, max = 64),
        custom(function = "crate::app::input::uuid_text")
    )]
    #[param(min_length = 1, max_length = 64)]
    pub enterprise_id: Option<String>,
    pub kind: Option<GridKind>,
    /// Text in the name, or the start of the code.
    #[validate(length(min = 1, max = 100))]
    #[param(min_length = 1, max_length = 100)]
    pub q: Option<String>,
    /// Include archived grids (default false).
    #[serde(default)]
    pub include_archived: bool,
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LocateQuery {
    /// Latitude (WGS 84).
    #[validate(range(min = -90.0, max = 90.0), custom(function = "finite"))]
    #[param(minimum = -90.0, maximum = 90.0)]
    pub lat: f64,
    /// Longitude (WGS 84).
    #[validate(range(min = -180.0, max = 180.0), custom(function = "finite"))]
    #[param(minimum = -180.0, maximum = 180.0)]
    pub lng: f64,
}

fn respond(row: &GridRow, builder: actix_web::HttpResponseBuilder) -> HttpResponse {
    with_etag(builder, row.version, &GridView::from(row))
}

/// One page of grids in code order.
async fn page(
    state: &AppState,
    scoped: Scoped,
    filter: GridFilter,
    page: Page,
) -> Result<HttpResponse, ApiError> {
    let (fetch, after) = (page.fetch, page.after.clone());
    let rows = state
        .run(move |conn| grids::list(conn, &scoped, filter, after.as_deref(), fetch))
        .await?;
    let (rows, next_cursor) = page.finish(rows, |r| r.code.clone());
    Ok(HttpResponse::Ok().json(GridPage {
        items: rows.iter().map(GridView::from).collect(),
        next_cursor,
    }))
}

/// List grids in the caller's scope, in code order (a walk of the tree).
#[utoipa::path(
    tag = "grids",
    security(("bearer" = [])),
    params(GridQuery, PageQuery),
    responses(
        (status = 200, body = GridPage),
        doc::List,
    )
)]
#[get("/grids")]
pub async fn list_grids(
    state: web::Data<AppState>,
    scoped: Scoped,
    Listing { filter, page: at }: Listing<GridQuery>,
) -> Result<HttpResponse, ApiError> {
    let filter = GridFilter {
        parent_id: filter.parent_id.map(Into::into),
        enterprise_id: filter.enterprise_id.map(Into::into),
        kind: filter.kind,
        include_archived: filter.include_archived,
        q: filter.q,
        within: None,
    };
    page(&state, scoped, filter, at).await
}

/// One grid.
#[utoipa::path(
    tag = "grids",
    security(("bearer" = [])),
    params(("id" = String, Path, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")),
    responses(
        (status = 200, body = GridView, headers(("ETag" = String))),
        doc::ReadOne,
    )
)]
#[get("/grids/{id}")]
pub async fn get_grid(
    state: web::Data<AppState>,
    scoped: Scoped,
    id: web::Path<GridId>,
) -> Result<HttpResponse, ApiError> {
    let row = state
        .run(move |conn| grids::find_visible(conn, &scoped, &id))
        .await?;
    Ok(respond(&row, HttpResponse::Ok()))
}

/// The direct children of a grid, in code order.
#[utoipa::path(
    tag = "grids",
    security(("bearer" = [])),
    params(("id" = String, Path, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$"), PageQuery),
    responses(
        (status = 200, body = GridPage),
        doc::ListUnder,
    )
)]
#[get("/grids/{id}/children")]
pub async fn grid_children(
    state: web::Data<AppState>,
    scoped: Scoped,
    id: web::Path<GridId>,
    Listing { page: at, .. }: Listing<NoFilter>,
) -> Result<HttpResponse, ApiError> {
    let seen = scoped.clone();
    let parent = state
        .run(move |conn| grids::find_visible(conn, &seen, &id))
        .await?;
    let filter = GridFilter {
        parent_id: Some(parent.id),
        ..GridFilter::default()
    };
    page(&state, scoped, filter, at).await
}

/// The deepest grid in scope whose boundary contains the point.
#[utoipa::path(
    tag = "grids",
    security(("bearer" = [])),
    params(LocateQuery),
    responses(
        (status = 200, body = GridView),
        doc::ListUnder,
    )
)]
#[get("/grids/locate")]
pub async fn locate_grid(
    state: web::Data<AppState>,
    scoped: Scoped,
    point: Query<LocateQuery>,
) -> Result<HttpResponse, ApiError> {
    let LocateQuery { lat, lng } = point.into_inner();
    let row = state
        .run(move |conn| grids::locate(conn, &scoped, lat, lng))
        .await?;
    Ok(HttpResponse::Ok().json(GridView::from(&row)))
}

/// Create a grid. Its code is assigned from the parent's sequence.
#[utoipa::path(
    tag = "grids",
    security(("bearer" = [])),
    params(IdempotencyKey),
    request_body = CreateGrid,
    responses(
        (status = 201, body = GridView, headers(("Location" = String), ("ETag" = String))),
        doc::Create,
    )
)]
#[post("/grids")]
pub async fn create_grid(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    claim: Idempotent,
    body: Json<CreateGrid>,
) -> Result<Reply, ApiError> {
    let zone_code = state.zone_code.clone();
    state
        .write(claim, move |conn| {
            let row = grids::create(conn, &scoped, &origin, &zone_code, body.into_inner())?;
            let location = format!("{API_PREFIX}/grids/{}", row.id);
            Reply::created(location, row.version, &GridView::from(&row))
        })
        .await
}

/// Change a grid's name, description or boundary. Its place in the tree and
/// its code never change.
#[utoipa::path(
    tag = "grids",
    security(("bearer" = [])),
    params(("id" = String, Path, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$"), IfMatchHeader),
    request_body = UpdateGrid,
    responses(
        (status = 200, body = GridView, headers(("ETag" = String))),
        (status = 400, response = doc::BadRequest),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::Forbidden),
        (status = 404, response = doc::NotFound),
        (status = 412, response = doc::PreconditionFailed),
        (status = 413, response = doc::PayloadTooLarge),
        (status = 415, response = doc::UnsupportedMediaType),
        (status = 422, response = doc::UnprocessableContent),
        (status = 503, response = doc::ServiceUnavailable),
    )
)]
#[patch("/grids/{id}")]
pub async fn update_grid(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    IfMatch(expected): IfMatch,
    id: web::Path<GridId>,
    body: Json<UpdateGrid>,
) -> Result<HttpResponse, ApiError> {
    let row = state
        .run(move |conn| grids::update(conn, &scoped, &origin, &id, &expected, body.into_inner()))
        .await?;
    Ok(respond(&row, HttpResponse::Ok()))
}

/// Archive an empty grid (it stays as a tombstone; its code is never reused).
/// A grid that still has children, people or enterprises answers 409 with
/// each reason.
#[utoipa::path(
    tag = "grids",
    security(("bearer" = [])),
    params(("id" = String, Path, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$"), IfMatchHeader),
    responses(
        (status = 204, description = "Archived"),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::Forbidden),
        (status = 404, response = doc::NotFound),
        (status = 409, response = doc::Conflict),
        (status = 412, response = doc::PreconditionFailed),
        (status = 503, response = doc::ServiceUnavailable),
    )
)]
#[delete("/grids/{id}")]
pub async fn archive_grid(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    IfMatch(expected): IfMatch,
    id: web::Path<GridId>,
) -> Result<HttpResponse, ApiError> {
    state
        .run(move |conn| grids::archive(conn, &scoped, &origin, &id, &expected))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
