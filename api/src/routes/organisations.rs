//! Social organisations: the records, their members, and what the members
//! contributed.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use gridwork_domain::OrganisationId;
use gridwork_domain::month::Month;
use gridwork_domain::organisation::OrganisationKind;
use serde::Deserialize;
use utoipa::IntoParams;
use validator::Validate;

use crate::app::organisations::{self, OrganisationInput, OrganisationMemberInput};
use crate::app::{AppError, FieldCode, Origin, Scoped};
use crate::http::idempotency::{IdempotencyKey, Idempotent, Reply};
use crate::http::json::Json;
use crate::http::paging::PageQuery;
use crate::http::problems as doc;
use crate::http::query::{Listing, NoFilter, Query, month};
use crate::http::{API_PREFIX, ApiError};
use crate::state::AppState;
use crate::views::organisations::{
    ContributionView, OrganisationMemberPage, OrganisationMemberView, OrganisationPage,
    OrganisationView,
};

/// Register a social organisation (zone officers, admins): the trade union,
/// the Youth League, the Women's Federation or a contracted organisation.
#[utoipa::path(
    tag = "organisations",
    security(("bearer" = [])),
    params(IdempotencyKey),
    request_body = OrganisationInput,
    responses((status = 201, body = OrganisationView, headers(("Location" = String), ("ETag" = String))), doc::Create)
)]
#[post("/organisations")]
pub async fn create_organisation(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    claim: Idempotent,
    body: Json<OrganisationInput>,
) -> Result<Reply, ApiError> {
    state
        .write(claim, move |conn| {
            let row = organisations::create(conn, &scoped, &origin, body.into_inner())?;
            let location = format!("{API_PREFIX}/organisations/{}", row.id);
            Reply::created(location, row.version, &OrganisationView::from(&row))
        })
        .await
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrganisationQuery {
    /// Only organisations of this kind.
    pub kind: Option<OrganisationKind>,
}

/// The social organisations, oldest first.
#[utoipa::path(
    tag = "organisations",
    security(("bearer" = [])),
    params(OrganisationQuery, PageQuery),
    responses((status = 200, body = OrganisationPage), doc::List)
)]
#[get("/organisations")]
pub async fn list_organisations(
    state: web::Data<AppState>,
    _scoped: Scoped,
    Listing { filter, page }: Listing<OrganisationQuery>,
) -> Result<HttpResponse, ApiError> {
    let (fetch, after) = (page.fetch, page.after.clone());
    let rows = state
        .run(move |conn| organisations::list(conn, filter.kind, after.as_deref(), fetch))
        .await?;
    let (rows, next_cursor) = page.finish(rows, |r| r.id.to_string());
    Ok(HttpResponse::Ok().json(OrganisationPage {
        items: rows.iter().map(OrganisationView::from).collect(),
        next_cursor,
    }))
}

/// Register a member of an organisation (zone officers, admins): a person
/// in the caller's scope, once (409 `already_member`). Members serve grids
/// through ordinary part-time or mobile assignments.
#[utoipa::path(
    tag = "organisations",
    security(("bearer" = [])),
    params(("id" = String, Path, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$"), IdempotencyKey),
    request_body = OrganisationMemberInput,
    responses((status = 201, body = OrganisationMemberView), doc::CreateUnder)
)]
#[post("/organisations/{id}/members")]
pub async fn add_organisation_member(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    claim: Idempotent,
    id: web::Path<OrganisationId>,
    body: Json<OrganisationMemberInput>,
) -> Result<Reply, ApiError> {
    state
        .write(claim, move |conn| {
            let added = organisations::add_member(conn, &scoped, &origin, &id, body.into_inner())?;
            Reply::json(StatusCode::CREATED, &OrganisationMemberView::from(&added))
        })
        .await
}

/// An organisation's members (the zone office: admins, zone officers,
/// auditors, the committee), by person id.
#[utoipa::path(
    tag = "organisations",
    security(("bearer" = [])),
    params(("id" = String, Path, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$"), PageQuery),
    responses((status = 200, body = OrganisationMemberPage), doc::ListUnderGuarded)
)]
#[get("/organisations/{id}/members")]
pub async fn list_organisation_members(
    state: web::Data<AppState>,
    scoped: Scoped,
    id: web::Path<OrganisationId>,
    Listing { page, .. }: Listing<NoFilter>,
) -> Result<HttpResponse, ApiError> {
    let (fetch, after) = (page.fetch, page.after.clone());
    let rows = state
        .run(move |conn| organisations::members(conn, &scoped, &id, after.as_deref(), fetch))
        .await?;
    let (rows, next_cursor) = page.finish(rows, |r| r.0.person_id.to_string());
    Ok(HttpResponse::Ok().json(OrganisationMemberPage {
        items: rows.iter().map(OrganisationMemberView::from).collect(),
        next_cursor,
    }))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContributionQuery {
    /// The month, `YYYY-MM` (the zone's time zone); this month by default.
    #[validate(custom(function = "month"))]
    #[param(
        min_length = 7,
        max_length = 7,
        pattern = "^2[0-9]{3}-(0[1-9]|1[0-2])$",
        example = "2026-11"
    )]
    pub period: Option<String>,
}

/// What an organisation's members contributed in a month: cases reported,
/// inspections submitted, disputes mediated.
#[utoipa::path(
    tag = "organisations",
    security(("bearer" = [])),
    params(("id" = String, Path, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$"), ContributionQuery),
    responses((status = 200, body = ContributionView), doc::ListUnder)
)]
#[get("/organisations/{id}/contributions")]
pub async fn organisation_contributions(
    state: web::Data<AppState>,
    _scoped: Scoped,
    id: web::Path<OrganisationId>,
    Query(q): Query<ContributionQuery>,
) -> Result<HttpResponse, ApiError> {
    let tz = state.time_zone;
    let now = gridwork_persistence::time::now();
    let month = match q.period.as_deref() {
        Some(text) => Month::parse(text)
            .map_err(|what| AppError::invalid("period", FieldCode::Invalid, what))?,
        None => Month::of(now.with_timezone(&tz).date_naive()),
    };
    let (org, members, c) = state
        .run(move |conn| organisations::contribution(conn, &id, month, tz, now))
        .await?;
    Ok(HttpResponse::Ok().json(ContributionView::new(&org, month.to_string(), members, c)))
}
