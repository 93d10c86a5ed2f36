//! Policy publicity (政策宣传): publish, list, read, acknowledge, briefings,
//! reach.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, get, post, web};
use gridwork_domain::PolicyId;
use gridwork_persistence::time;
use serde::Deserialize;
use utoipa::IntoParams;
use validator::Validate;

use crate::app::policies::{self, BriefingInput, PolicyInput};
use crate::app::{Origin, Scoped};
use crate::http::idempotency::{IdempotencyKey, Idempotent, Reply};
use crate::http::json::Json;
use crate::http::paging::PageQuery;
use crate::http::problems as doc;
use crate::http::query::{Listing, NoFilter};
use crate::http::{API_PREFIX, ApiError};
use crate::state::AppState;
use crate::views::policies::{
    Acknowledgement, BriefingPage, BriefingView, PolicyPage, PolicySummary, PolicyView, ReachPage,
    ReachTotals,
};

/// Publish a policy (政策发布; the zone office): title, a plain-words
/// summary, the text, its source level and effective date, tags, and whom
/// it is for — grids (each with everything below it), grid roles and
/// industry sections, each "any" when left empty. Everyone it reaches has
/// it on their task list until they acknowledge it.
#[utoipa::path(
    tag = "policies",
    security(("bearer" = [])),
    params(IdempotencyKey),
    request_body = PolicyInput,
    responses(
        (status = 201, body = PolicyView, headers(("Location" = String))),
        (status = 200, description = "The same policy sent again", body = PolicyView, headers(("Location" = String))),
        doc::Create,
    )
)]
#[post("/policies")]
pub async fn publish_policy(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    claim: Idempotent,
    body: Json<PolicyInput>,
) -> Result<Reply, ApiError> {
    let now = time::now();
    state
        .write(claim, move |conn| {
            let (row, created) = policies::publish(conn, &scoped, &origin, &body, now)?;
            let listed = policies::find(conn, &scoped, &row.id)?;
            let status = if created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            Ok(Reply::json(status, &PolicyView::from(&listed))?.header(
                header::LOCATION,
                format!("{API_PREFIX}/policies/{}", row.id),
            ))
        })
        .await
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PolicyQuery {
    /// Only those addressed to you that you have yet to acknowledge.
    pub pending: Option<bool>,
}

/// The policies you see, newest first: the zone office sees them all;
/// everyone else those addressed to them, and grid leaders those targeting
/// the grids they lead or grids below them.
#[utoipa::path(
    tag = "policies",
    security(("bearer" = [])),
    params(PolicyQuery, PageQuery),
    responses((status = 200, body = PolicyPage), doc::List)
)]
#[get("/policies")]
pub async fn list_policies(
    state: web::Data<AppState>,
    scoped: Scoped,
    Listing { filter: q, page }: Listing<PolicyQuery>,
) -> Result<HttpResponse, ApiError> {
    let (fetch, before) = (page.fetch, page.after.clone());
    let pending = q.pending.unwrap_or(false);
    let rows = state
        .run(move |conn| policies::list(conn, &scoped, pending, before.as_deref(), fetch))
        .await?;
    let (rows, next_cursor) = page.finish(rows, |l| l.row.id.to_string());
    Ok(HttpResponse::Ok().json(PolicyPage {
        items: rows.iter().map(PolicySummary::new).collect(),
        next_cursor,
    }))
}

/// One policy with its text and your read receipt.
#[utoipa::path(
    tag = "policies",
    security(("bearer" = [])),
    params(("id" = String, Path, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")),
    responses((status = 200, body = PolicyView), doc::ReadOne)
)]
#[get("/policies/{id}")]
pub async fn get_policy(
    state: web::Data<AppState>,
    scoped: Scoped,
    id: web::Path<PolicyId>,
) -> Result<HttpResponse, ApiError> {
    let listed = state
        .run(move |conn| policies::find(conn, &scoped, &id))
        .await?;
    Ok(HttpResponse::Ok().json(PolicyView::from(&listed)))
}

/// Acknowledge a policy addressed to you (a timestamped read receipt): it
/// leaves your task list. Acknowledging again answers the first receipt
/// with 200; a policy you see but that is not addressed to you answers 409
/// `not_targeted`.
#[utoipa::path(
    tag = "policies",
    security(("bearer" = [])),
    params(IdempotencyKey, ("id" = String, Path, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")),
    responses(
        (status = 201, body = Acknowledgement),
        (status = 200, description = "Acknowledged before", body = Acknowledgement),
        doc::Update,
    )
)]
#[post("/policies/{id}/acknowledge")]
pub async fn acknowledge_policy(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    claim: Idempotent,
    id: web::Path<PolicyId>,
) -> Result<Reply, ApiError> {
    let now = time::now();
    state
        .write(claim, move |conn| {
            let (at, created) = policies::acknowledge(conn, &scoped, &origin, &id, now)?;
            let status = if created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            Reply::json(
                status,
                &Acknowledgement {
                    policy_id: id.to_string(),
                    acknowledged_at: at,
                },
            )
        })
        .await
}

/// Record a briefing (政策宣讲) of a policy you see, held in a grid of your
/// scope: the day, how many attended, notes, photos. Made offline it
/// carries the device's UUIDv7: sent again it answers 200; other content
/// under that id 409 `briefing_exists`.
#[utoipa::path(
    tag = "policies",
    security(("bearer" = [])),
    params(IdempotencyKey, ("id" = String, Path, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")),
    request_body = BriefingInput,
    responses(
        (status = 201, body = BriefingView),
        (status = 200, description = "The same briefing sent again", body = BriefingView),
        doc::Update,
    )
)]
#[post("/policies/{id}/briefings")]
pub async fn record_briefing(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    claim: Idempotent,
    id: web::Path<PolicyId>,
    body: Json<BriefingInput>,
) -> Result<Reply, ApiError> {
    let now = time::now();
    let today = now.with_timezone(&state.time_zone).date_naive();
    state
        .write(claim, move |conn| {
            let (row, created) =
                policies::record_briefing(conn, &scoped, &origin, &id, &body, today, now)?;
            let status = if created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            Reply::json(status, &BriefingView::from(&row))
        })
        .await
}

/// A policy's briefings in your grids, newest first.
#[utoipa::path(
    tag = "policies",
    security(("bearer" = [])),
    params(("id" = String, Path, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$"), NoFilter, PageQuery),
    responses((status = 200, body = BriefingPage), doc::ListUnder)
)]
#[get("/policies/{id}/briefings")]
pub async fn list_briefings(
    state: web::Data<AppState>,
    scoped: Scoped,
    id: web::Path<PolicyId>,
    Listing { page, .. }: Listing<NoFilter>,
) -> Result<HttpResponse, ApiError> {
    let (fetch, before) = (page.fetch, page.after.clone());
    let rows = state
        .run(move |conn| policies::briefings(conn, &scoped, &id, before.as_deref(), fetch))
        .await?;
    let (rows, next_cursor) = page.finish(rows, |r| r.id.to_string());
    Ok(HttpResponse::Ok().json(BriefingPage {
        items: rows.iter().map(BriefingView::from).collect(),
        next_cursor,
    }))
}

/// How far a policy has reached (the zone office, and grid leaders for the
/// grids they lead): per grid in code order, the people with accounts it
/// reaches, how many acknowledged it and who has not; totals on the first
/// page.
#[utoipa::path(
    tag = "policies",
    security(("bearer" = [])),
    params(("id" = String, Path, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$"), NoFilter, PageQuery),
    responses((status = 200, body = ReachPage), doc::ListUnderGuarded)
)]
#[get("/policies/{id}/reach")]
pub async fn policy_reach(
    state: web::Data<AppState>,
    scoped: Scoped,
    id: web::Path<PolicyId>,
    Listing { page, .. }: Listing<NoFilter>,
) -> Result<HttpResponse, ApiError> {
    let (fetch, after) = (page.fetch, page.after.clone());
    let (grids, totals) = state
        .run(move |conn| policies::reach(conn, &scoped, &id, after.as_deref(), fetch))
        .await?;
    let (grids, next_cursor) = page.finish(grids, |g| g.code.clone());
    Ok(HttpResponse::Ok().json(ReachPage {
        totals: totals.map(|(targeted, acknowledged)| ReachTotals {
            targeted,
            acknowledged,
            rate: gridwork_domain::coverage::Rate::new(acknowledged, targeted).value(),
        }),
        items: grids.into_iter().map(Into::into).collect(),
        next_cursor,
    }))
}
