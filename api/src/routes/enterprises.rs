//! Enterprises: the basic record (基础信息) each grid keeps up to date.

use actix_web::{HttpResponse, get, patch, post, web};
use gridwork_domain::enterprise::HazardFlag;
use gridwork_domain::visit;
use gridwork_domain::{EnterpriseId, GridId};
use gridwork_persistence::enterprise::{EnterpriseFilter, EnterpriseRow};
use gridwork_persistence::time;
use serde::Deserialize;
use utoipa::IntoParams;
use validator::Validate;

use crate::app::enterprises::{self, EnterpriseInput};
use crate::app::{Origin, Scoped};
use crate::http::idempotency::{IdempotencyKey, Idempotent, Reply};
use crate::http::json::Json;
use crate::http::paging::PageQuery;
use crate::http::precondition::{IfMatch, IfMatchHeader, with_etag};
use crate::http::problems as doc;
use crate::http::query::Listing;
use crate::http::{API_PREFIX, ApiError};
use crate::state::AppState;
use crate::views::enterprises::{EnterprisePage, EnterpriseView, Freshness};

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EnterpriseQuery {
    /// Only this grid's enterprises.
    #[validate(
        length(min = 1, max = 64),
        custom(function = "crate::app::input::uuid_text")
    )]
    #[param(min_length = 1, max_length = 64)]
    pub grid_id: Option<String>,
    /// Text in the name, or the start of the unified social credit code.
    #[validate(length(min = 1, max = 100))]
    #[param(min_length = 1, max_length = 100)]
    pub q: Option<String>,
    /// GB/T 4754-2017 section letter.
    #[validate(custom(function = "section_letter"))]
    #[param(min_length = 1, max_length = 1, pattern = "^[A-Ta-t]$")]
    pub industry_section: Option<String>,
    /// Carrying this hazard flag.
    pub flag: Option<HazardFlag>,
    /// Whether every field of the basic record is filled.
    pub basic_info_complete: Option<bool>,
    /// Stale (true): never visited, or not for `GRIDWORK_STALE_AFTER_DAYS`;
    /// or visited since (false).
    pub stale: Option<bool>,
}

/// `validator` check: one letter A–T, either case.
fn section_letter(value: &str) -> Result<(), validator::ValidationError> {
    match value.as_bytes() {
        [c] if c.to_ascii_uppercase().is_ascii_uppercase() && c.to_ascii_uppercase() <= b'T' => {
            Ok(())
        }
        _ => Err(validator::ValidationError::new("pattern")
            .with_message("must be one GB/T 4754 section letter, A to T".into())),
    }
}

/// When records go stale, as of now.
pub fn freshness(state: &AppState) -> Freshness {
    Freshness {
        now: time::now(),
        stale_after: state.stale_after,
    }
}

fn respond(
    state: &AppState,
    row: &EnterpriseRow,
    builder: actix_web::HttpResponseBuilder,
) -> HttpResponse {
    with_etag(
        builder,
        row.version,
        &EnterpriseView::new(row, freshness(state)),
    )
}

/// Enterprises in the caller's scope (unassigned ones are zone-wide only).
#[utoipa::path(
    tag = "enterprises",
    security(("bearer" = [])),
    params(EnterpriseQuery, PageQuery),
    responses(
        (status = 200, body = EnterprisePage),
        doc::List,
    )
)]
#[get("/enterprises")]
pub async fn list_enterprises(
    state: web::Data<AppState>,
    scoped: Scoped,
    Listing { filter, page }: Listing<EnterpriseQuery>,
) -> Result<HttpResponse, ApiError> {
    let fresh = freshness(&state);
    let cutoff = time::to_db(visit::stale_before(fresh.now, fresh.stale_after));
    let filter = EnterpriseFilter {
        stale: filter.stale.map(|stale| (stale, cutoff)),
        grid_id: filter.grid_id.map(GridId::from),
        q: filter.q,
        industry_section: filter.industry_section.map(|s| s.to_uppercase()),
        flag: filter.flag.map(|f| f.code().to_owned()),
        basic_info_complete: filter.basic_info_complete,
        ..EnterpriseFilter::default()
    };
    let (fetch, after) = (page.fetch, page.after.clone());
    let rows = state
        .run(move |conn| enterprises::list(conn, &scoped, filter, after.as_deref(), fetch))
        .await?;
    let (rows, next_cursor) = page.finish(rows, |r| r.id.to_string());
    Ok(HttpResponse::Ok().json(EnterprisePage {
        items: rows.iter().map(|r| EnterpriseView::new(r, fresh)).collect(),
        next_cursor,
    }))
}

/// One enterprise, with what its basic record still misses.
#[utoipa::path(
    tag = "enterprises",
    security(("bearer" = [])),
    params(("id" = String, Path, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")),
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
    Ok(respond(&state, &row, HttpResponse::Ok()))
}

/// Register an enterprise. Callers below zone level must place it in an area grid of their scope.
#[utoipa::path(
    tag = "enterprises",
    security(("bearer" = [])),
    params(IdempotencyKey),
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
    claim: Idempotent,
    body: Json<EnterpriseInput>,
) -> Result<Reply, ApiError> {
    let fresh = freshness(&state);
    state
        .write(claim, move |conn| {
            let row = enterprises::create(conn, &scoped, &origin, body.into_inner())?;
            let location = format!("{API_PREFIX}/enterprises/{}", row.id);
            Reply::created(location, row.version, &EnterpriseView::new(&row, fresh))
        })
        .await
}

/// Update an enterprise record (information collection).
#[utoipa::path(
    tag = "enterprises",
    security(("bearer" = [])),
    params(("id" = String, Path, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$"), IfMatchHeader),
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
    Ok(respond(&state, &row, HttpResponse::Ok()))
}
