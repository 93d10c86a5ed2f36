//! Assignments: who serves which grid in which role. They define every
//! non-zone user's scope; ending one keeps it as history.

use actix_web::{HttpResponse, delete, get, post, web};
use chrono::{DateTime, Utc};
use gridwork_domain::Permission;
use gridwork_domain::assignment::{self as rules, AssignmentError, GridRole};
use gridwork_domain::audit::{AuditAction, Outcome};
use gridwork_persistence::assignment::{self, AssignmentRow};
use gridwork_persistence::person::PersonRow;
use gridwork_persistence::{person, time};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::grids::load_visible;
use super::people::PersonView;
use crate::audit::{AuditEvent, RequestOrigin};
use crate::auth::Scoped;
use crate::error::ApiError;
use crate::openapi as doc;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct AssignmentView {
    pub id: String,
    pub grid_id: String,
    /// `grid_leader`, `full_time_worker`, `part_time_worker`, `mobile_worker` or `party_instructor`.
    #[schema(example = "full_time_worker")]
    pub role: String,
    #[schema(example = "专职网格员")]
    pub role_label_zh: &'static str,
    pub person: PersonView,
    pub started_at: DateTime<Utc>,
    /// Set when the assignment ended; it stays as history.
    pub ended_at: Option<DateTime<Utc>>,
    pub version: i32,
}

impl AssignmentView {
    fn new(row: &AssignmentRow, person: &PersonRow, full_phone: bool) -> AssignmentView {
        AssignmentView {
            id: row.id.clone(),
            grid_id: row.grid_id.clone(),
            role: row.role.clone(),
            role_label_zh: GridRole::parse(&row.role).map_or("", GridRole::label_zh),
            person: PersonView::new(person, full_phone),
            started_at: time::from_db(row.started_at),
            ended_at: row.ended_at.map(time::from_db),
            version: row.version,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// Include ended assignments (default false).
    #[serde(default)]
    pub include_ended: bool,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAssignment {
    #[validate(length(min = 1, max = 64))]
    pub person_id: String,
    #[schema(example = "full_time_worker")]
    pub role: String,
}

/// A grid's assignments, oldest first.
#[utoipa::path(
    tag = "assignments",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Grid id"), HistoryQuery),
    responses(
        (status = 200, body = Vec<AssignmentView>),
        doc::ListUnder,
    )
)]
#[get("/grids/{id}/assignments")]
pub async fn list_assignments(
    state: web::Data<AppState>,
    scoped: Scoped,
    id: web::Path<String>,
    query: web::Query<HistoryQuery>,
) -> Result<HttpResponse, ApiError> {
    let grid = load_visible(&state, &scoped, id.into_inner()).await?;
    let include_ended = query.include_ended;
    let rows = state
        .read(move |conn| Ok(assignment::for_grid(conn, &grid.id, include_ended)?))
        .await?;
    let full = scoped.caller.has(Permission::ManagePeople);
    let views: Vec<AssignmentView> = rows
        .iter()
        .map(|(a, p)| AssignmentView::new(a, p, full))
        .collect();
    Ok(HttpResponse::Ok().json(views))
}

/// Assign a person to a grid in a role (at most one active grid leader).
#[utoipa::path(
    tag = "assignments",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Grid id")),
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
    origin: RequestOrigin,
    id: web::Path<String>,
    body: web::Json<CreateAssignment>,
) -> Result<HttpResponse, ApiError> {
    let grid = load_visible(&state, &scoped, id.into_inner()).await?;
    scoped.caller.require(Permission::ManageGrids)?;
    body.validate()?;
    if grid.archived_at.is_some() {
        return Err(ApiError::conflict("grid_archived", "The grid is archived."));
    }
    let role = GridRole::parse(&body.role).ok_or_else(|| {
        ApiError::validation(
            "role",
            "unknown_role",
            format!("unknown grid role `{}`", body.role),
        )
    })?;
    let person_id = body.into_inner().person_id;
    let caller = scoped.caller.clone();
    let (row, person) = state
        .transaction(move |conn| {
            let person = person::find(conn, &person_id)?
                .filter(|p| p.archived_at.is_none())
                .ok_or_else(|| ApiError::validation("person_id", "not_found", "no such person"))?;
            let active = assignment::for_grid(conn, &grid.id, false)?;
            let active: Vec<(&str, GridRole)> = active
                .iter()
                .filter_map(|(a, _)| GridRole::parse(&a.role).map(|r| (a.person_id.as_str(), r)))
                .collect();
            rules::check_new(role, &person.id, &active).map_err(|e| match e {
                AssignmentError::SecondLeader => ApiError::conflict("grid_has_leader", e.to_string()),
                AssignmentError::Duplicate => ApiError::conflict("already_assigned", e.to_string()),
            })?;
            let now = time::to_db(time::now());
            let row = AssignmentRow::new(&grid.id, &person.id, role.code(), now);
            assignment::insert(conn, &row)?;
            AuditEvent::new(AuditAction::AssignmentCreate, Outcome::Success)
                .by(&caller)
                .on("assignment", &row.id)
                .detail(serde_json::json!({ "grid_id": row.grid_id, "person_id": row.person_id, "role": row.role }))
                .write(conn, &origin)?;
            Ok((row, person))
        })
        .await?;
    let full = scoped.caller.has(Permission::ManagePeople);
    Ok(HttpResponse::Created().json(AssignmentView::new(&row, &person, full)))
}

/// End an assignment. It stays in the grid's history; the person loses the
/// grid from their scope on their next request.
#[utoipa::path(
    tag = "assignments",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Assignment id")),
    responses(
        (status = 200, body = AssignmentView),
        doc::Action,
    )
)]
#[delete("/assignments/{id}")]
pub async fn end_assignment(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: RequestOrigin,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let row = state
        .read(move |conn| Ok(assignment::find(conn, &id)?))
        .await?
        .ok_or(ApiError::NotFound)?;
    scoped.check(Some(&row.grid_id))?;
    scoped.caller.require(Permission::ManageGrids)?;
    let caller = scoped.caller.clone();
    let (ended, person) = state
        .transaction(move |conn| {
            let now = time::to_db(time::now());
            let ended = assignment::end(conn, &row, now)?.ok_or_else(|| {
                ApiError::conflict("assignment_ended", "The assignment has ended already.")
            })?;
            AuditEvent::new(AuditAction::AssignmentEnd, Outcome::Success)
                .by(&caller)
                .on("assignment", &row.id)
                .detail(serde_json::json!({ "grid_id": row.grid_id, "person_id": row.person_id, "role": row.role }))
                .write(conn, &origin)?;
            let person = person::find(conn, &row.person_id)?.ok_or(ApiError::NotFound)?;
            Ok((ended, person))
        })
        .await?;
    let full = scoped.caller.has(Permission::ManagePeople);
    Ok(HttpResponse::Ok().json(AssignmentView::new(&ended, &person, full)))
}
