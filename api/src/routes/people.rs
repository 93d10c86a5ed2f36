//! People: grid staff, enterprise principals, anyone a placard names.
//! Mobile numbers are masked (138****1234) for callers without
//! people-management rights; ID numbers are never stored or returned in full.

use actix_web::{HttpResponse, get, patch, post, web};
use gridwork_domain::{Permission, PersonId};
use gridwork_persistence::person::PersonRow;
use validator::Validate;

use crate::app::people::{self, PersonInput};
use crate::app::{Origin, Scoped};
use crate::http::json::Json;
use crate::http::paging::{PageQuery, paginate};
use crate::http::precondition::{IfMatch, created, with_etag};
use crate::http::problems as doc;
use crate::http::{API_PREFIX, ApiError};
use crate::state::AppState;
use crate::views::people::{PersonPage, PersonView};

/// Full mobile numbers for those who manage people, masked for the rest.
fn full_phone(scoped: &Scoped) -> bool {
    scoped.caller.has(Permission::ManagePeople)
}

fn respond(row: &PersonRow, full: bool, builder: actix_web::HttpResponseBuilder) -> HttpResponse {
    with_etag(builder, row.version, &PersonView::new(row, full))
}

/// People registered in or assigned to grids in the caller's scope.
#[utoipa::path(
    tag = "people",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, body = PersonPage),
        doc::List,
    )
)]
#[get("/people")]
pub async fn list_people(
    state: web::Data<AppState>,
    scoped: Scoped,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    query.validate()?;
    let (fetch, cursor) = (query.fetch(), query.cursor.clone());
    let full = full_phone(&scoped);
    let rows = state
        .run(move |conn| people::list(conn, &scoped, cursor.as_deref(), fetch))
        .await?;
    let (rows, next_cursor) = paginate(rows, fetch, |r| r.id.to_string());
    Ok(HttpResponse::Ok().json(PersonPage {
        items: rows.iter().map(|r| PersonView::new(r, full)).collect(),
        next_cursor,
    }))
}

/// One person.
#[utoipa::path(
    tag = "people",
    security(("bearer" = [])),
    params(("id" = String, Path)),
    responses(
        (status = 200, body = PersonView, headers(("ETag" = String))),
        doc::ReadOne,
    )
)]
#[get("/people/{id}")]
pub async fn get_person(
    state: web::Data<AppState>,
    scoped: Scoped,
    id: web::Path<PersonId>,
) -> Result<HttpResponse, ApiError> {
    let full = full_phone(&scoped);
    let row = state
        .run(move |conn| people::find_visible(conn, &scoped, &id))
        .await?;
    Ok(respond(&row, full, HttpResponse::Ok()))
}

/// Register a person (people-management rights). Callers below zone level
/// register people in a grid of their scope.
#[utoipa::path(
    tag = "people",
    security(("bearer" = [])),
    request_body = PersonInput,
    responses(
        (status = 201, body = PersonView, headers(("Location" = String), ("ETag" = String))),
        doc::Create,
    )
)]
#[post("/people")]
pub async fn create_person(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    body: Json<PersonInput>,
) -> Result<HttpResponse, ApiError> {
    let full = full_phone(&scoped);
    let app = state.clone();
    let row = state
        .run(move |conn| people::create(conn, &scoped, &origin, &app.pii_key, body.into_inner()))
        .await?;
    Ok(respond(
        &row,
        full,
        created(&format!("{API_PREFIX}/people/{}", row.id)),
    ))
}

/// Change a person (people-management rights).
#[utoipa::path(
    tag = "people",
    security(("bearer" = [])),
    params(("id" = String, Path), ("If-Match" = Option<String>, Header, description = "ETag from a previous read")),
    request_body = PersonInput,
    responses(
        (status = 200, body = PersonView, headers(("ETag" = String))),
        doc::Update,
    )
)]
#[patch("/people/{id}")]
pub async fn update_person(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    IfMatch(expected): IfMatch,
    id: web::Path<PersonId>,
    body: Json<PersonInput>,
) -> Result<HttpResponse, ApiError> {
    let full = full_phone(&scoped);
    let app = state.clone();
    let row = state
        .run(move |conn| {
            people::update(
                conn,
                &scoped,
                &origin,
                &app.pii_key,
                &id,
                &expected,
                body.into_inner(),
            )
        })
        .await?;
    Ok(respond(&row, full, HttpResponse::Ok()))
}
