//! Heart-to-heart talks (谈心谈话): record, list, read.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use gridwork_domain::dispute::RiskLevel;
use gridwork_domain::{DisputeId, TalkId};
use gridwork_persistence::talk::TalkFilter;
use gridwork_persistence::time;
use serde::Deserialize;
use utoipa::IntoParams;
use validator::Validate;

use crate::app::talks::{self, TalkInput};
use crate::app::{Origin, Scoped};
use crate::http::idempotency::{IdempotencyKey, Idempotent, Reply};
use crate::http::json::Json;
use crate::http::paging::PageQuery;
use crate::http::problems as doc;
use crate::http::query::Listing;
use crate::http::{API_PREFIX, ApiError};
use crate::state::AppState;
use crate::views::talks::{TalkPage, TalkView};

/// Record a heart-to-heart talk (谈心谈话) in a grid or enterprise of your
/// scope, or for a dispute you may mediate: a topic without names, who was
/// talked with and what was said (restricted), the risk seen, and when to
/// talk again (required for `high`). Made offline it carries the device's
/// UUIDv7: sent again it answers 200; other content under that id 409
/// `talk_exists`.
#[utoipa::path(
    tag = "disputes",
    security(("bearer" = [])),
    params(IdempotencyKey),
    request_body = TalkInput,
    responses(
        (status = 201, body = TalkView, headers(("Location" = String))),
        (status = 200, description = "The same offline talk sent again", body = TalkView, headers(("Location" = String))),
        doc::Create,
    )
)]
#[post("/talks")]
pub async fn record_talk(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    claim: Idempotent,
    body: Json<TalkInput>,
) -> Result<Reply, ApiError> {
    let now = time::now();
    let today = now.with_timezone(&state.time_zone).date_naive();
    state
        .write(claim, move |conn| {
            let recorded = talks::record(conn, &scoped, &origin, &body, today, now)?;
            let status = if recorded.created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            let view = TalkView::new(&recorded.row, talks::may_read(&scoped, &recorded.row));
            Ok(Reply::json(status, &view)?.header(
                actix_web::http::header::LOCATION,
                format!("{API_PREFIX}/talks/{}", recorded.row.id),
            ))
        })
        .await
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TalkQuery {
    pub risk: Option<RiskLevel>,
    /// Only the talks of this dispute.
    #[param(value_type = Option<String>, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")]
    pub dispute_id: Option<DisputeId>,
}

/// Talks in the grids you may see, newest first (redacted as each allows).
#[utoipa::path(
    tag = "disputes",
    security(("bearer" = [])),
    params(TalkQuery, PageQuery),
    responses((status = 200, body = TalkPage), doc::List)
)]
#[get("/talks")]
pub async fn list_talks(
    state: web::Data<AppState>,
    scoped: Scoped,
    Listing { filter: q, page }: Listing<TalkQuery>,
) -> Result<HttpResponse, ApiError> {
    let filter = TalkFilter {
        grids: None,
        risk: q.risk,
        dispute_id: q.dispute_id,
    };
    let (fetch, before) = (page.fetch, page.after.clone());
    let reader = scoped.clone();
    let rows = state
        .run(move |conn| talks::list(conn, &scoped, filter, before.as_deref(), fetch))
        .await?;
    let (rows, next_cursor) = page.finish(rows, |r| r.id.to_string());
    let items = rows
        .iter()
        .map(|r| TalkView::new(r, talks::may_read(&reader, r)))
        .collect();
    Ok(HttpResponse::Ok().json(TalkPage { items, next_cursor }))
}

/// One talk; who was talked with and what was said only for the worker who
/// talked, grid leaders and zone officers (`redacted` says which).
#[utoipa::path(
    tag = "disputes",
    security(("bearer" = [])),
    params(("id" = String, Path, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")),
    responses((status = 200, body = TalkView), doc::ReadOne)
)]
#[get("/talks/{id}")]
pub async fn get_talk(
    state: web::Data<AppState>,
    scoped: Scoped,
    id: web::Path<TalkId>,
) -> Result<HttpResponse, ApiError> {
    let reader = scoped.clone();
    let row = state
        .run(move |conn| talks::find(conn, &scoped, &id))
        .await?;
    Ok(HttpResponse::Ok().json(TalkView::new(&row, talks::may_read(&reader, &row))))
}
