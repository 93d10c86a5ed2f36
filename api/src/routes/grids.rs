//! Grids: the tree of the zone, its codes and boundaries.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use gridwork_domain::Permission;
use gridwork_domain::audit::{AuditAction, Outcome};
use gridwork_domain::boundary::{self, Boundary};
use gridwork_domain::grid::{
    self as rules, GridCode, GridKind, Occupancy, ParentInfo, PlacementError,
};
use gridwork_persistence::grid::{self, GridFilter, GridRow};
use gridwork_persistence::{enterprise, time};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::{API_PREFIX, PageQuery, check_if_match, clean, etag, nullable, paginate};
use crate::audit::{AuditEvent, RequestOrigin};
use crate::auth::Scoped;
use crate::error::{ApiError, Reason};
use crate::openapi as doc;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct PlacardState {
    pub published: bool,
    pub published_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GridView {
    pub id: String,
    /// Digits: the parent's code plus this grid's sequence number.
    #[schema(example = "411622000000001")]
    pub code: String,
    #[schema(example = "周口耕德电子网格")]
    pub name: String,
    /// `zone`, `general`, `enterprise` or `sub_grid`.
    #[schema(example = "enterprise")]
    pub kind: String,
    pub parent_id: Option<String>,
    pub enterprise_id: Option<String>,
    pub description: Option<String>,
    /// GeoJSON Polygon or MultiPolygon (longitude, latitude).
    #[schema(value_type = Option<Object>)]
    pub boundary: Option<serde_json::Value>,
    pub placard: PlacardState,
    /// Set when archived; archived grids stay as tombstones.
    pub archived_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl From<&GridRow> for GridView {
    fn from(row: &GridRow) -> GridView {
        GridView {
            id: row.id.clone(),
            code: row.code.clone(),
            name: row.name.clone(),
            kind: row.kind.clone(),
            parent_id: row.parent_id.clone(),
            enterprise_id: row.enterprise_id.clone(),
            description: row.description.clone(),
            boundary: row
                .boundary
                .as_deref()
                .and_then(|b| serde_json::from_str(b).ok()),
            placard: PlacardState {
                published: row.placard_published_at.is_some(),
                published_at: row.placard_published_at.map(time::from_db),
            },
            archived_at: row.archived_at.map(time::from_db),
            created_at: time::from_db(row.created_at),
            updated_at: time::from_db(row.updated_at),
            version: row.version,
        }
    }
}

fn respond(row: &GridRow, mut builder: actix_web::HttpResponseBuilder) -> HttpResponse {
    builder
        .insert_header((header::ETAG, etag(row.version)))
        .json(GridView::from(row))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GridPage {
    pub items: Vec<GridView>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GridQuery {
    pub parent_id: Option<String>,
    pub enterprise_id: Option<String>,
    /// `zone`, `general`, `enterprise` or `sub_grid`.
    pub kind: Option<String>,
    /// Include archived grids (default false).
    #[serde(default)]
    pub include_archived: bool,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateGrid {
    #[validate(length(min = 1, max = 100))]
    #[schema(example = "周口耕德电子网格")]
    pub name: String,
    /// `zone` (the single root), `general`, `enterprise` or `sub_grid`.
    #[schema(example = "enterprise")]
    pub kind: String,
    pub parent_id: Option<String>,
    /// Required for `enterprise` grids; sub-grids inherit their parent's.
    pub enterprise_id: Option<String>,
    #[validate(length(max = 2000))]
    pub description: Option<String>,
    /// GeoJSON Polygon or MultiPolygon.
    #[schema(value_type = Option<Object>)]
    pub boundary: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateGrid {
    #[validate(length(min = 1, max = 100))]
    pub name: Option<String>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    /// GeoJSON Polygon or MultiPolygon; `null` clears it.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Object>)]
    pub boundary: Option<Option<serde_json::Value>>,
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LocateQuery {
    /// Latitude (WGS 84).
    #[validate(range(min = -90.0, max = 90.0))]
    pub lat: f64,
    /// Longitude (WGS 84).
    #[validate(range(min = -180.0, max = 180.0))]
    pub lng: f64,
}

/// A validated boundary: its stored GeoJSON and bounding box.
type StoredBoundary = (Option<String>, [Option<f64>; 4]);

fn parse_boundary(value: Option<&serde_json::Value>) -> Result<StoredBoundary, ApiError> {
    let Some(value) = value.filter(|v| !v.is_null()) else {
        return Ok((None, [None; 4]));
    };
    let parsed = Boundary::parse(value)
        .map_err(|e| ApiError::validation("boundary", "invalid_geometry", e))?;
    let bbox = parsed.bounding_box().map_or([None; 4], |b| {
        [
            Some(b.min_lng),
            Some(b.min_lat),
            Some(b.max_lng),
            Some(b.max_lat),
        ]
    });
    Ok((Some(parsed.geojson().to_string()), bbox))
}

fn placement_error(e: PlacementError) -> ApiError {
    let message = e.to_string();
    match e {
        PlacementError::SecondZone => ApiError::conflict("zone_exists", message),
        PlacementError::SecondEnterpriseGrid => ApiError::conflict("enterprise_has_grid", message),
        PlacementError::MissingEnterprise
        | PlacementError::UnexpectedEnterprise
        | PlacementError::ForeignEnterprise => {
            ApiError::validation("enterprise_id", "invalid_placement", message)
        }
        PlacementError::ZoneHasParent
        | PlacementError::MissingParent(_)
        | PlacementError::WrongParent { .. }
        | PlacementError::ArchivedParent => {
            ApiError::validation("parent_id", "invalid_placement", message)
        }
    }
}

/// Loads a grid the caller may see (404 otherwise).
pub async fn load_visible(
    state: &AppState,
    scoped: &Scoped,
    id: String,
) -> Result<GridRow, ApiError> {
    let row = state
        .read(move |conn| Ok(grid::find(conn, &id)?))
        .await?
        .ok_or(ApiError::NotFound)?;
    scoped.check(Some(&row.id))?;
    Ok(row)
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
    filter: web::Query<GridQuery>,
    page: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    page.validate()?;
    let filter = filter.into_inner();
    if let Some(kind) = &filter.kind
        && GridKind::parse(kind).is_none()
    {
        return Err(ApiError::validation(
            "kind",
            "unknown_kind",
            format!("unknown grid kind `{kind}`"),
        ));
    }
    let store_filter = GridFilter {
        parent_id: filter.parent_id,
        enterprise_id: filter.enterprise_id,
        kind: filter.kind,
        include_archived: filter.include_archived,
        within: scoped.scope.grid_ids().map(<[String]>::to_vec),
    };
    list(&state, store_filter, &page).await
}

async fn list(
    state: &AppState,
    filter: GridFilter,
    page: &PageQuery,
) -> Result<HttpResponse, ApiError> {
    let fetch = page.fetch();
    let cursor = page.cursor.clone();
    let rows = state
        .read(move |conn| Ok(grid::page(conn, &filter, cursor.as_deref(), fetch)?))
        .await?;
    let (rows, next_cursor) = paginate(rows, fetch, |r| r.code.clone());
    Ok(HttpResponse::Ok().json(GridPage {
        items: rows.iter().map(GridView::from).collect(),
        next_cursor,
    }))
}

/// One grid.
#[utoipa::path(
    tag = "grids",
    security(("bearer" = [])),
    params(("id" = String, Path)),
    responses(
        (status = 200, body = GridView, headers(("ETag" = String))),
        doc::ReadOne,
    )
)]
#[get("/grids/{id}")]
pub async fn get_grid(
    state: web::Data<AppState>,
    scoped: Scoped,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let row = load_visible(&state, &scoped, id.into_inner()).await?;
    Ok(respond(&row, HttpResponse::Ok()))
}

/// The direct children of a grid, in code order.
#[utoipa::path(
    tag = "grids",
    security(("bearer" = [])),
    params(("id" = String, Path), PageQuery),
    responses(
        (status = 200, body = GridPage),
        doc::ListUnder,
    )
)]
#[get("/grids/{id}/children")]
pub async fn grid_children(
    state: web::Data<AppState>,
    scoped: Scoped,
    id: web::Path<String>,
    page: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    page.validate()?;
    let parent = load_visible(&state, &scoped, id.into_inner()).await?;
    let filter = GridFilter {
        parent_id: Some(parent.id),
        within: scoped.scope.grid_ids().map(<[String]>::to_vec),
        ..GridFilter::default()
    };
    list(&state, filter, &page).await
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
    point: web::Query<LocateQuery>,
) -> Result<HttpResponse, ApiError> {
    point.validate()?;
    let LocateQuery { lat, lng } = point.into_inner();
    let candidates = state
        .read(move |conn| Ok(grid::boxes_containing(conn, lng, lat)?))
        .await?;
    let shapes: Vec<(&GridRow, &str, Boundary)> = candidates
        .iter()
        .filter(|row| scoped.scope.covers(Some(&row.id)))
        .filter_map(|row| {
            let geojson = serde_json::from_str(row.boundary.as_deref()?).ok()?;
            Some((row, row.code.as_str(), Boundary::parse(&geojson).ok()?))
        })
        .collect();
    let found = boundary::deepest_containing(&shapes, lng, lat).ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok().json(GridView::from(*found)))
}

/// Create a grid. Its code is assigned from the parent's sequence.
#[utoipa::path(
    tag = "grids",
    security(("bearer" = [])),
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
    origin: RequestOrigin,
    body: web::Json<CreateGrid>,
) -> Result<HttpResponse, ApiError> {
    scoped.caller.require(Permission::ManageGrids)?;
    body.validate()?;
    let body = body.into_inner();
    let kind = GridKind::parse(&body.kind).ok_or_else(|| {
        ApiError::validation(
            "kind",
            "unknown_kind",
            format!("unknown grid kind `{}`", body.kind),
        )
    })?;
    let (boundary, [min_lng, min_lat, max_lng, max_lat]) = parse_boundary(body.boundary.as_ref())?;
    let zone_code = state.zone_code.clone();
    let caller = scoped.caller.clone();
    let scope = scoped.scope.clone();
    let row = state
        .transaction(move |conn| {
            let parent = match &body.parent_id {
                Some(id) => Some(
                    grid::find(conn, id)?
                        .filter(|p| scope.covers(Some(&p.id)))
                        .ok_or_else(|| {
                            ApiError::validation("parent_id", "not_found", "no such grid")
                        })?,
                ),
                None => None,
            };
            if let Some(id) = &body.enterprise_id {
                let firm = enterprise::find(conn, id)?.filter(|e| e.archived_at.is_none());
                if firm.is_none() {
                    return Err(ApiError::validation(
                        "enterprise_id",
                        "not_found",
                        "no such enterprise",
                    ));
                }
            }
            let enterprise_has_grid = match &body.enterprise_id {
                Some(id) if kind == GridKind::Enterprise => {
                    grid::enterprise_grid(conn, id)?.is_some()
                }
                _ => false,
            };
            let parent_kind = parent.as_ref().and_then(|p| GridKind::parse(&p.kind));
            let parent_info = parent.as_ref().zip(parent_kind).map(|(p, k)| ParentInfo {
                kind: k,
                enterprise_id: p.enterprise_id.as_deref(),
                archived: p.archived_at.is_some(),
            });
            let enterprise_id = rules::place(
                kind,
                parent_info,
                body.enterprise_id.as_deref(),
                grid::zone_exists(conn)?,
                enterprise_has_grid,
            )
            .map_err(placement_error)?
            .map(str::to_owned);
            let code = match (&parent, parent_kind) {
                (Some(p), Some(pk)) => {
                    let seq = grid::take_child_seq(conn, &p.id)?;
                    let parent_code =
                        GridCode::parse(&p.code).map_err(|e| ApiError::Internal(e.to_string()))?;
                    parent_code
                        .child(pk, u32::try_from(seq).unwrap_or(0))
                        .map_err(|e| ApiError::conflict("code_space_exhausted", e.to_string()))?
                }
                _ => zone_code,
            };
            let now = time::to_db(time::now());
            let mut row = GridRow::new(
                code.as_str(),
                body.name.trim(),
                kind.code(),
                parent.map(|p| p.id),
                enterprise_id.clone(),
                now,
            );
            row.description = clean(body.description);
            (
                row.boundary,
                row.min_lng,
                row.min_lat,
                row.max_lng,
                row.max_lat,
            ) = (boundary, min_lng, min_lat, max_lng, max_lat);
            grid::insert(conn, &row)?;
            // an enterprise grid is where its enterprise belongs
            if kind == GridKind::Enterprise
                && let Some(mut firm) =
                    enterprise::find(conn, enterprise_id.as_deref().unwrap_or_default())?
            {
                firm.grid_id = Some(row.id.clone());
                firm.updated_at = now;
                firm.version += 1;
                if !enterprise::update(conn, &firm)? {
                    return Err(ApiError::PreconditionFailed);
                }
            }
            AuditEvent::new(AuditAction::GridCreate, Outcome::Success)
                .by(&caller)
                .on("grid", &row.id)
                .detail(serde_json::json!({ "code": row.code, "kind": row.kind, "name": row.name }))
                .write(conn, &origin)?;
            Ok(row)
        })
        .await?;
    let created = super::created(&format!("{API_PREFIX}/grids/{}", row.id));
    Ok(respond(&row, created))
}

/// Change a grid's name, description or boundary. Its place in the tree and
/// its code never change.
#[utoipa::path(
    tag = "grids",
    security(("bearer" = [])),
    params(("id" = String, Path), ("If-Match" = Option<String>, Header, description = "ETag from a previous read")),
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
    req: HttpRequest,
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: RequestOrigin,
    id: web::Path<String>,
    body: web::Json<UpdateGrid>,
) -> Result<HttpResponse, ApiError> {
    let current = load_visible(&state, &scoped, id.into_inner()).await?;
    scoped.caller.require(Permission::ManageGrids)?;
    body.validate()?;
    check_if_match(&req, current.version)?;
    let body = body.into_inner();
    let mut next = current.clone();
    let mut changed = Vec::new();
    if let Some(name) = body.name {
        next.name = name.trim().to_owned();
        changed.push("name");
    }
    if let Some(description) = body.description {
        next.description = clean(description);
        changed.push("description");
    }
    if let Some(boundary) = body.boundary {
        let (geojson, [min_lng, min_lat, max_lng, max_lat]) = parse_boundary(boundary.as_ref())?;
        (
            next.boundary,
            next.min_lng,
            next.min_lat,
            next.max_lng,
            next.max_lat,
        ) = (geojson, min_lng, min_lat, max_lng, max_lat);
        changed.push("boundary");
    }
    next.updated_at = time::to_db(time::now());
    next.version += 1;
    let caller = scoped.caller.clone();
    let saved = state
        .transaction(move |conn| {
            if !grid::update(conn, &next)? {
                return Err(ApiError::PreconditionFailed);
            }
            AuditEvent::new(AuditAction::GridUpdate, Outcome::Success)
                .by(&caller)
                .on("grid", &next.id)
                .detail(serde_json::json!({ "changed": changed }))
                .write(conn, &origin)?;
            Ok(next)
        })
        .await?;
    Ok(respond(&saved, HttpResponse::Ok()))
}

/// Archive an empty grid (it stays as a tombstone; its code is never reused).
/// A grid that still has children, people or enterprises answers 409 with
/// each reason.
#[utoipa::path(
    tag = "grids",
    security(("bearer" = [])),
    params(("id" = String, Path), ("If-Match" = Option<String>, Header, description = "ETag from a previous read")),
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
    req: HttpRequest,
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: RequestOrigin,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let current = load_visible(&state, &scoped, id.into_inner()).await?;
    scoped.caller.require(Permission::ManageGrids)?;
    check_if_match(&req, current.version)?;
    if current.archived_at.is_some() {
        return Ok(HttpResponse::NoContent().finish());
    }
    let caller = scoped.caller.clone();
    state
        .transaction(move |conn| {
            let (children, people, firms) = grid::occupancy(conn, &current.id)?;
            let occupancy = Occupancy {
                active_children: children.unsigned_abs(),
                active_assignments: people.unsigned_abs(),
                enterprises: firms.unsigned_abs(),
            };
            let blockers = occupancy.blockers();
            if !blockers.is_empty() {
                let reasons = blockers
                    .iter()
                    .map(|code| Reason {
                        code: (*code).to_owned(),
                        message: match *code {
                            "has_children" => format!("{children} active child grid(s)"),
                            "has_people" => format!("{people} person(s) assigned or registered"),
                            _ => format!("{firms} enterprise(s)"),
                        },
                        id: None,
                    })
                    .collect();
                return Err(ApiError::conflict_because(
                    "grid_not_empty",
                    "The grid still holds children, people or enterprises: move or end them, then archive it.",
                    reasons,
                ));
            }
            let mut next = current.clone();
            let now = time::to_db(time::now());
            next.archived_at = Some(now);
            next.placard_published_at = None;
            next.updated_at = now;
            next.version += 1;
            if !grid::update(conn, &next)? {
                return Err(ApiError::PreconditionFailed);
            }
            AuditEvent::new(AuditAction::GridArchive, Outcome::Success)
                .by(&caller)
                .on("grid", &next.id)
                .detail(serde_json::json!({ "code": next.code }))
                .write(conn, &origin)?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
