//! People: grid staff, enterprise principals, anyone a placard names.
//! Mobile numbers are masked (138****1234) for callers without
//! people-management rights; ID numbers are never stored or returned in full.

use actix_web::{HttpResponse, get, patch, post, web};
use gridwork_domain::assignment::GridRole;
use gridwork_domain::{Permission, PersonId};
use gridwork_persistence::person::PersonRow;
use serde::Deserialize;
use utoipa::IntoParams;
use validator::Validate;

use crate::app::people::{self, PeopleFilter, PersonInput};
use crate::app::{Origin, Scoped};
use crate::http::idempotency::{IdempotencyKey, Idempotent, Reply};
use crate::http::json::Json;
use crate::http::paging::PageQuery;
use crate::http::precondition::{IfMatch, IfMatchHeader, with_etag};
use crate::http::problems as doc;
use crate::http::query::Listing;
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

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeopleQuery {
    /// People of this grid and every grid below it.
    #[validate(
        length(min = 1, max = 64),
        custom(function = "crate::app::input::uuid_text")
    )]
    #[param(min_length = 1, max_length = 64)]
    pub grid_id: Option<String>,
    /// Actively assigned in this role.
    pub role: Option<GridRole>,
    /// Text in the name.
    #[validate(length(min = 1, max = 50))]
    #[param(min_length = 1, max_length = 50)]
    pub q: Option<String>,
    pub party_member: Option<bool>,
    /// Whether they consented to appear on placards.
    pub placard_consent: Option<bool>,
}

/// People registered in or assigned to grids in the caller's scope.
#[utoipa::path(
    tag = "people",
    security(("bearer" = [])),
    params(PeopleQuery, PageQuery),
    responses(
        (status = 200, body = PersonPage),
        doc::List,
    )
)]
#[get("/people")]
pub async fn list_people(
    state: web::Data<AppState>,
    scoped: Scoped,
    Listing { filter, page }: Listing<PeopleQuery>,
) -> Result<HttpResponse, ApiError> {
    let filter = PeopleFilter {
        grid_id: filter.grid_id.map(Into::into),
        role: filter.role,
        q: filter.q,
        party_member: filter.party_member,
        placard_consent: filter.placard_consent,
    };
    let (fetch, after) = (page.fetch, page.after.clone());
    let full = full_phone(&scoped);
    let rows = state
        .run(move |conn| people::list(conn, &scoped, filter, after.as_deref(), fetch))
        .await?;
    let (rows, next_cursor) = page.finish(rows, |r| r.id.to_string());
    Ok(HttpResponse::Ok().json(PersonPage {
        items: rows.iter().map(|r| PersonView::new(r, full)).collect(),
        next_cursor,
    }))
}

/// One person.
#[utoipa::path(
    tag = "people",
    security(("bearer" = [])),
    params(("id" = String, Path, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")),
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
    params(IdempotencyKey),
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
    claim: Idempotent,
    body: Json<PersonInput>,
) -> Result<Reply, ApiError> {
    let full = full_phone(&scoped);
    let app = state.clone();
    state
        .write(claim, move |conn| {
            let row = people::create(conn, &scoped, &origin, &app.pii_key, body.into_inner())?;
            let location = format!("{API_PREFIX}/people/{}", row.id);
            Reply::created(location, row.version, &PersonView::new(&row, full))
        })
        .await
}

/// Change a person (people-management rights).
#[utoipa::path(
    tag = "people",
    security(("bearer" = [])),
    params(("id" = String, Path, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$"), IfMatchHeader),
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
