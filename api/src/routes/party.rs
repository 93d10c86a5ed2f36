//! Party building (网格党建): branches, members, development candidates,
//! activities, and the grids' coverage by branches.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use gridwork_domain::BranchId;

use crate::app::party::{self, ActivityInput, BranchInput, CandidateInput, MemberInput};
use crate::app::{Origin, Scoped};
use crate::http::idempotency::{IdempotencyKey, Idempotent, Reply};
use crate::http::json::Json;
use crate::http::paging::PageQuery;
use crate::http::problems as doc;
use crate::http::query::{Listing, NoFilter};
use crate::http::{API_PREFIX, ApiError};
use crate::state::AppState;
use crate::views::cases::Ratio;
use crate::views::party::{
    ActivityPage, ActivityView, BranchPage, BranchView, CandidatePage, CandidateView, MemberPage,
    MemberView, PartyCoverage,
};

/// Found a party branch on a grid (zone officers, admins, party instructors
/// on their grids); it covers the grid and everything below.
#[utoipa::path(
    tag = "party",
    security(("bearer" = [])),
    params(IdempotencyKey),
    request_body = BranchInput,
    responses((status = 201, body = BranchView, headers(("Location" = String), ("ETag" = String))), doc::Create)
)]
#[post("/party/branches")]
pub async fn create_branch(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    claim: Idempotent,
    body: Json<BranchInput>,
) -> Result<Reply, ApiError> {
    state
        .write(claim, move |conn| {
            let row = party::create_branch(conn, &scoped, &origin, body.into_inner())?;
            let location = format!("{API_PREFIX}/party/branches/{}", row.id);
            let version = row.version;
            Reply::created(location, version, &BranchView::from(&(row, 0)))
        })
        .await
}

/// The party branches on the caller's grids, oldest first.
#[utoipa::path(
    tag = "party",
    security(("bearer" = [])),
    params(PageQuery),
    responses((status = 200, body = BranchPage), doc::List)
)]
#[get("/party/branches")]
pub async fn list_branches(
    state: web::Data<AppState>,
    scoped: Scoped,
    Listing { page, .. }: Listing<NoFilter>,
) -> Result<HttpResponse, ApiError> {
    let (fetch, after) = (page.fetch, page.after.clone());
    let rows = state
        .run(move |conn| party::branches(conn, &scoped, after.as_deref(), fetch))
        .await?;
    let (rows, next_cursor) = page.finish(rows, |r| r.0.id.to_string());
    Ok(HttpResponse::Ok().json(BranchPage {
        items: rows.iter().map(BranchView::from).collect(),
        next_cursor,
    }))
}

/// One party branch, with its member count.
#[utoipa::path(
    tag = "party",
    security(("bearer" = [])),
    params(("id" = String, Path, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")),
    responses((status = 200, body = BranchView), doc::ReadOne)
)]
#[get("/party/branches/{id}")]
pub async fn get_branch(
    state: web::Data<AppState>,
    scoped: Scoped,
    id: web::Path<BranchId>,
) -> Result<HttpResponse, ApiError> {
    let branch = state
        .run(move |conn| party::branch(conn, &scoped, &id))
        .await?;
    Ok(HttpResponse::Ok().json(BranchView::from(&branch)))
}

/// Register a party member of the branch (a person in the caller's scope).
#[utoipa::path(
    tag = "party",
    security(("bearer" = [])),
    params(("id" = String, Path, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$"), IdempotencyKey),
    request_body = MemberInput,
    responses((status = 201, body = MemberView), doc::CreateUnder)
)]
#[post("/party/branches/{id}/members")]
pub async fn add_member(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    claim: Idempotent,
    id: web::Path<BranchId>,
    body: Json<MemberInput>,
) -> Result<Reply, ApiError> {
    state
        .write(claim, move |conn| {
            let added = party::add_member(conn, &scoped, &origin, &id, body.into_inner())?;
            Reply::json(StatusCode::CREATED, &MemberView::from(&added))
        })
        .await
}

/// The branch's members, by person id.
#[utoipa::path(
    tag = "party",
    security(("bearer" = [])),
    params(("id" = String, Path, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$"), PageQuery),
    responses((status = 200, body = MemberPage), doc::ListUnder)
)]
#[get("/party/branches/{id}/members")]
pub async fn list_members(
    state: web::Data<AppState>,
    scoped: Scoped,
    id: web::Path<BranchId>,
    Listing { page, .. }: Listing<NoFilter>,
) -> Result<HttpResponse, ApiError> {
    let (fetch, after) = (page.fetch, page.after.clone());
    let rows = state
        .run(move |conn| party::members(conn, &scoped, &id, after.as_deref(), fetch))
        .await?;
    let (rows, next_cursor) = page.finish(rows, |r| r.0.person_id.to_string());
    Ok(HttpResponse::Ok().json(MemberPage {
        items: rows.iter().map(MemberView::from).collect(),
        next_cursor,
    }))
}

/// Nominate a development candidate (发展对象): a worker whose scorecard in
/// the given closed month was flagged for commendation; otherwise 409
/// `not_commended`.
#[utoipa::path(
    tag = "party",
    security(("bearer" = [])),
    params(("id" = String, Path, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$"), IdempotencyKey),
    request_body = CandidateInput,
    responses((status = 201, body = CandidateView), doc::CreateUnder)
)]
#[post("/party/branches/{id}/candidates")]
pub async fn add_candidate(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    claim: Idempotent,
    id: web::Path<BranchId>,
    body: Json<CandidateInput>,
) -> Result<Reply, ApiError> {
    state
        .write(claim, move |conn| {
            let added = party::nominate(conn, &scoped, &origin, &id, body.into_inner())?;
            Reply::json(StatusCode::CREATED, &CandidateView::from(&added))
        })
        .await
}

/// The branch's development candidates, oldest first.
#[utoipa::path(
    tag = "party",
    security(("bearer" = [])),
    params(("id" = String, Path, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$"), PageQuery),
    responses((status = 200, body = CandidatePage), doc::ListUnder)
)]
#[get("/party/branches/{id}/candidates")]
pub async fn list_candidates(
    state: web::Data<AppState>,
    scoped: Scoped,
    id: web::Path<BranchId>,
    Listing { page, .. }: Listing<NoFilter>,
) -> Result<HttpResponse, ApiError> {
    let (fetch, after) = (page.fetch, page.after.clone());
    let rows = state
        .run(move |conn| party::candidates(conn, &scoped, &id, after.as_deref(), fetch))
        .await?;
    let (rows, next_cursor) = page.finish(rows, |r| r.0.id.to_string());
    Ok(HttpResponse::Ok().json(CandidatePage {
        items: rows.iter().map(CandidateView::from).collect(),
        next_cursor,
    }))
}

/// Record a party activity (组织生活、主题党日) with who attended.
#[utoipa::path(
    tag = "party",
    security(("bearer" = [])),
    params(("id" = String, Path, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$"), IdempotencyKey),
    request_body = ActivityInput,
    responses((status = 201, body = ActivityView), doc::CreateUnder)
)]
#[post("/party/branches/{id}/activities")]
pub async fn add_activity(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    claim: Idempotent,
    id: web::Path<BranchId>,
    body: Json<ActivityInput>,
) -> Result<Reply, ApiError> {
    state
        .write(claim, move |conn| {
            let added = party::record_activity(conn, &scoped, &origin, &id, body.into_inner())?;
            Reply::json(StatusCode::CREATED, &ActivityView::from(&added))
        })
        .await
}

/// The branch's activities, newest first.
#[utoipa::path(
    tag = "party",
    security(("bearer" = [])),
    params(("id" = String, Path, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$"), PageQuery),
    responses((status = 200, body = ActivityPage), doc::ListUnder)
)]
#[get("/party/branches/{id}/activities")]
pub async fn list_activities(
    state: web::Data<AppState>,
    scoped: Scoped,
    id: web::Path<BranchId>,
    Listing { page, .. }: Listing<NoFilter>,
) -> Result<HttpResponse, ApiError> {
    let (fetch, after) = (page.fetch, page.after.clone());
    let rows = state
        .run(move |conn| party::activities(conn, &scoped, &id, after.as_deref(), fetch))
        .await?;
    let (rows, next_cursor) = page.finish(rows, |r| r.id.to_string());
    Ok(HttpResponse::Ok().json(ActivityPage {
        items: rows.iter().map(ActivityView::from).collect(),
        next_cursor,
    }))
}

/// How many of the caller's grids (the zone itself aside) a party branch
/// covers (党组织覆盖率): a branch covers its grid and everything below.
#[utoipa::path(
    tag = "stats",
    security(("bearer" = [])),
    responses((status = 200, body = PartyCoverage), doc::ReadOne)
)]
#[get("/stats/party")]
pub async fn party_stats(
    state: web::Data<AppState>,
    scoped: Scoped,
) -> Result<HttpResponse, ApiError> {
    let rate = state
        .run(move |conn| party::coverage(conn, &scoped))
        .await?;
    Ok(HttpResponse::Ok().json(PartyCoverage {
        grids: Ratio::from(rate),
    }))
}
