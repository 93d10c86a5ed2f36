//! Assignments: who serves which grid in which role. They define every
//! non-zone user's scope; ending one keeps it as history.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, delete, get, post, web};
use gridwork_domain::{AssignmentId, GridId, Permission};
use serde::Deserialize;
use utoipa::IntoParams;
use validator::Validate;

use crate::app::assignments::{self, CreateAssignment};
use crate::app::{Origin, Scoped};
use crate::http::ApiError;
use crate::http::idempotency::{IdempotencyKey, Idempotent, Reply};
use crate::http::json::Json;
use crate::http::paging::PageQuery;
use crate::http::problems as doc;
use crate::http::query::Listing;
use crate::state::AppState;
use crate::views::assignments::{AssignmentPage, AssignmentView};

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// Include ended assignments (default false).
    #[serde(default)]
    pub include_ended: bool,
}

/// A grid's assignments, oldest first.
#[utoipa::path(
    tag = "assignments",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Grid id", min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$"), HistoryQuery, PageQuery),
    responses(
        (status = 200, body = AssignmentPage),
        doc::ListUnder,
    )
)]
#[get("/grids/{id}/assignments")]
pub async fn list_assignments(
    state: web::Data<AppState>,
    scoped: Scoped,
    id: web::Path<GridId>,
    Listing { filter, page }: Listing<HistoryQuery>,
) -> Result<HttpResponse, ApiError> {
    let full = scoped.caller.has(Permission::ManagePeople);
    let (fetch, after) = (page.fetch, page.after.clone());
    let rows = state
        .run(move |conn| {
            assignments::page(
                conn,
                &scoped,
                &id,
                filter.include_ended,
                after.as_deref(),
                fetch,
            )
        })
        .await?;
    let (rows, next_cursor) = page.finish(rows, |(a, _)| a.id.to_string());
    Ok(HttpResponse::Ok().json(AssignmentPage {
        items: rows
            .iter()
            .map(|(a, p)| AssignmentView::new(a, p, full))
            .collect(),
        next_cursor,
    }))
}

/// Assign a person to a grid in a role (at most one active grid leader).
#[utoipa::path(
    tag = "assignments",
    security(("bearer" = [])),
    params(IdempotencyKey, ("id" = String, Path, description = "Grid id", min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")),
    request_body = CreateAssignment,
    responses(
        (status = 201, body = AssignmentView),
        (status = 400, response = doc::BadRequest),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::Forbidden),
        (status = 404, response = doc::NotFound),
        (status = 409, response = doc::Conflict),
        (status = 413, response = doc::PayloadTooLarge),
        (status = 415, response = doc::UnsupportedMediaType),
        (status = 422, response = doc::UnprocessableContent),
        (status = 503, response = doc::ServiceUnavailable),
    )
)]
#[post("/grids/{id}/assignments")]
pub async fn create_assignment(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    claim: Idempotent,
    id: web::Path<GridId>,
    body: Json<CreateAssignment>,
) -> Result<Reply, ApiError> {
    let full = scoped.caller.has(Permission::ManagePeople);
    state
        .write(claim, move |conn| {
            let (row, person) =
                assignments::create(conn, &scoped, &origin, &id, body.into_inner())?;
            Reply::json(
                StatusCode::CREATED,
                &AssignmentView::new(&row, &person, full),
            )
        })
        .await
}

/// End an assignment. It stays in the grid's history; the person loses the
/// grid from their scope on their next request.
#[utoipa::path(
    tag = "assignments",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Assignment id", min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")),
    responses(
        (status = 200, body = AssignmentView),
        doc::Action,
    )
)]
#[delete("/assignments/{id}")]
pub async fn end_assignment(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    id: web::Path<AssignmentId>,
) -> Result<HttpResponse, ApiError> {
    let full = scoped.caller.has(Permission::ManagePeople);
    let (ended, person) = state
        .run(move |conn| assignments::end(conn, &scoped, &origin, &id))
        .await?;
    Ok(HttpResponse::Ok().json(AssignmentView::new(&ended, &person, full)))
}
