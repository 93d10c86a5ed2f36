//! Scorecards (考核): a month's scorecards by level, closing a month, and
//! the schemes they are computed under.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, put, web};
use gridwork_domain::assessment::AssessmentLevel;
use gridwork_domain::month::Month;
use serde::Deserialize;
use utoipa::IntoParams;
use validator::Validate;

use crate::app::assessments::{self, SchemeInput};
use crate::app::{AppError, FieldCode, Origin, Scoped};
use crate::http::ApiError;
use crate::http::idempotency::{IdempotencyKey, Idempotent, Reply};
use crate::http::json::Json;
use crate::http::paging::PageQuery;
use crate::http::precondition::{IfMatch, IfMatchHeader, with_etag};
use crate::http::problems as doc;
use crate::http::query::{Listing, month};
use crate::state::AppState;
use crate::views::assessments::{MonthView, SchemeList, SchemeView, ScorecardPageView};

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScorecardQuery {
    /// The month, `YYYY-MM` in the zone's time zone; one that has begun.
    #[validate(custom(function = "month"))]
    #[param(
        min_length = 7,
        max_length = 7,
        pattern = "^2[0-9]{3}-(0[1-9]|1[0-2])$",
        example = "2026-11"
    )]
    pub period: String,
    /// Whose scorecards: grid workers, grids or departments.
    pub level: AssessmentLevel,
}

fn parse_month(text: &str) -> Result<Month, AppError> {
    Month::parse(text).map_err(|what| AppError::invalid("period", FieldCode::Invalid, what))
}

/// A month's scorecards of one level, ranked (考核排名): per subject each
/// indicator as numerator and denominator, the weighted total, the rank
/// among the level's subjects in the zone, and a flag for commendation or
/// review. The office sees every subject; a grid leader the workers and
/// grids of their grids; anyone else their own scorecard (a worker), the
/// grids they serve, or their department's. An open month is recomputed
/// when read five minutes after its last computation; a closed month
/// answers its snapshot.
#[utoipa::path(
    tag = "assessments",
    security(("bearer" = [])),
    params(ScorecardQuery, PageQuery),
    responses((status = 200, body = ScorecardPageView), doc::List)
)]
#[get("/assessments")]
pub async fn list_scorecards(
    state: web::Data<AppState>,
    scoped: Scoped,
    Listing { filter, page }: Listing<ScorecardQuery>,
) -> Result<HttpResponse, ApiError> {
    let (fetch, after) = (page.fetch, page.after.clone());
    let tz = state.time_zone;
    let level = filter.level;
    let result = state
        .run(move |conn| {
            let month = parse_month(&filter.period)?;
            let after = after.map(|a| a.parse::<i32>()).transpose().map_err(|_| {
                AppError::invalid("cursor", FieldCode::Invalid, "not a cursor of this list")
            })?;
            let now = gridwork_persistence::time::now();
            assessments::list(conn, &scoped, month, level, tz, now, after, fetch)
        })
        .await?;
    let mut result = result;
    let items = std::mem::take(&mut result.items);
    let (items, next_cursor) = page.finish(items, |c| c.row.position.to_string());
    result.items = items;
    Ok(HttpResponse::Ok().json(ScorecardPageView::of(&result, level, next_cursor)))
}

/// Close a month (zone officers, admins): its scorecards are computed a
/// last time and frozen, so later edits of cases, inspections or schemes
/// do not change them. Only a month that is over; closing a closed month
/// changes nothing and answers it.
#[utoipa::path(
    tag = "assessments",
    security(("bearer" = [])),
    params(("period" = String, Path, min_length = 7, max_length = 7, pattern = "^2[0-9]{3}-(0[1-9]|1[0-2])$"), IdempotencyKey),
    responses((status = 200, body = MonthView), doc::PeriodAction)
)]
#[post("/assessments/{period}/close")]
pub async fn close_month(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    claim: Idempotent,
    period: web::Path<String>,
) -> Result<Reply, ApiError> {
    let tz = state.time_zone;
    state
        .write(claim, move |conn| {
            let month = parse_month(&period)?;
            let now = gridwork_persistence::time::now();
            let closed = assessments::close(conn, &scoped, &origin, month, tz, now)?;
            Reply::json(StatusCode::OK, &MonthView::from(&closed))
        })
        .await
}

/// The scorecard schemes in force: for each level, the weights of the
/// indicators and the thresholds for commendation and review.
#[utoipa::path(
    tag = "assessments",
    security(("bearer" = [])),
    responses((status = 200, body = SchemeList), doc::ReadOne)
)]
#[get("/assessment-schemes")]
pub async fn list_schemes(
    state: web::Data<AppState>,
    _scoped: Scoped,
) -> Result<HttpResponse, ApiError> {
    let schemes = state.run(assessments::schemes).await?;
    Ok(HttpResponse::Ok().json(SchemeList {
        items: schemes.iter().map(SchemeView::from).collect(),
    }))
}

/// A level's scheme in force.
#[utoipa::path(
    tag = "assessments",
    security(("bearer" = [])),
    params(("level" = AssessmentLevel, Path)),
    responses((status = 200, body = SchemeView, headers(("ETag" = String))), doc::ReadKeyed)
)]
#[get("/assessment-schemes/{level}")]
pub async fn get_scheme(
    state: web::Data<AppState>,
    _scoped: Scoped,
    level: web::Path<AssessmentLevel>,
) -> Result<HttpResponse, ApiError> {
    let level = level.into_inner();
    let v = state
        .run(move |conn| assessments::scheme(conn, level, None))
        .await?;
    Ok(with_etag(
        HttpResponse::Ok(),
        v.version,
        &SchemeView::from(&v),
    ))
}

/// One version of a level's scheme, as the months computed under it read it.
#[utoipa::path(
    tag = "assessments",
    security(("bearer" = [])),
    params(("level" = AssessmentLevel, Path), ("version" = i32, Path, minimum = 1, maximum = 2_147_483_647)),
    responses((status = 200, body = SchemeView), doc::ReadKeyed)
)]
#[get("/assessment-schemes/{level}/versions/{version}")]
pub async fn get_scheme_version(
    state: web::Data<AppState>,
    _scoped: Scoped,
    path: web::Path<(AssessmentLevel, i32)>,
) -> Result<HttpResponse, ApiError> {
    let (level, version) = path.into_inner();
    let v = state
        .run(move |conn| assessments::scheme(conn, level, Some(version)))
        .await?;
    Ok(HttpResponse::Ok().json(SchemeView::from(&v)))
}

/// Edit a level's scheme (zone officers, admins): the body is the whole new
/// version — weights adding up to 100, review below commend. Months
/// computed from now on use it; closed months keep theirs. The same
/// content as the latest changes nothing and answers it.
#[utoipa::path(
    tag = "assessments",
    security(("bearer" = [])),
    params(("level" = AssessmentLevel, Path), IfMatchHeader),
    request_body = SchemeInput,
    responses((status = 200, body = SchemeView, headers(("ETag" = String))), doc::Update)
)]
#[put("/assessment-schemes/{level}")]
pub async fn update_scheme(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    IfMatch(expected): IfMatch,
    level: web::Path<AssessmentLevel>,
    body: Json<SchemeInput>,
) -> Result<HttpResponse, ApiError> {
    let level = level.into_inner();
    let v = state
        .run(move |conn| {
            assessments::update_scheme(conn, &scoped, &origin, level, &expected, &body)
        })
        .await?;
    Ok(with_etag(
        HttpResponse::Ok(),
        v.version,
        &SchemeView::from(&v),
    ))
}
