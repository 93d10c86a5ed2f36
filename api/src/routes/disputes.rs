//! Dispute mediation (矛盾调解): open, list, read, record sessions, close.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, get, post, web};
use chrono::NaiveDate;
use gridwork_domain::DisputeId;
use gridwork_domain::dispute::DisputeState;
use gridwork_persistence::dispute::DisputeFilter;
use gridwork_persistence::time;
use serde::Deserialize;
use utoipa::IntoParams;
use validator::Validate;

use crate::app::disputes::{self, CloseInput, CreateDispute, SessionInput};
use crate::app::{Origin, Scoped};
use crate::http::idempotency::{IdempotencyKey, Idempotent, Reply};
use crate::http::json::Json;
use crate::http::paging::PageQuery;
use crate::http::precondition::{IfMatch, IfMatchHeader, etag, with_etag};
use crate::http::problems as doc;
use crate::http::query::{Listing, dispute_category};
use crate::http::{API_PREFIX, ApiError};
use crate::state::AppState;
use crate::views::disputes::{DisputeDetail, DisputePage, DisputeView, SessionView};

/// The view of a dispute as the caller may read it.
/// Open a dispute (矛盾纠纷登记) in a grid or enterprise of your scope: its
/// `dispute.*` category, a summary without names, the parties (restricted),
/// the amount and the employees involved, the mediator (you by default).
/// Made offline it carries the device's UUIDv7: sent again it answers 200;
/// other content under that id 409 `dispute_exists`.
#[utoipa::path(
    tag = "disputes",
    security(("bearer" = [])),
    params(IdempotencyKey),
    request_body = CreateDispute,
    responses(
        (status = 201, body = DisputeView, headers(("Location" = String), ("ETag" = String))),
        (status = 200, description = "The same offline dispute sent again", body = DisputeView, headers(("Location" = String), ("ETag" = String))),
        doc::Create,
    )
)]
#[post("/disputes")]
pub async fn create_dispute(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    claim: Idempotent,
    body: Json<CreateDispute>,
) -> Result<Reply, ApiError> {
    let now = time::now();
    let today = now.with_timezone(&state.time_zone).date_naive();
    state
        .write(claim, move |conn| {
            let recorded = disputes::create(conn, &scoped, &origin, &body, today, now)?;
            let location = format!("{API_PREFIX}/disputes/{}", recorded.row.id);
            let reply = Reply::created(
                location,
                recorded.row.version,
                &DisputeView::read(&scoped, &recorded.row)?,
            )?;
            Ok(if recorded.created {
                reply
            } else {
                Reply {
                    status: StatusCode::OK,
                    ..reply
                }
            })
        })
        .await
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DisputeQuery {
    pub state: Option<DisputeState>,
    /// A `dispute.*` category.
    #[validate(length(min = 9, max = 48), custom(function = "dispute_category"))]
    #[param(
        min_length = 9,
        max_length = 48,
        pattern = "^dispute\\.[a-z][a-z0-9_]{0,39}$"
    )]
    pub category: Option<String>,
    /// Only those with a follow-up due on or before this day.
    pub follow_up_by: Option<NaiveDate>,
}

/// Disputes in the grids you may see, newest first (redacted as each allows).
#[utoipa::path(
    tag = "disputes",
    security(("bearer" = [])),
    params(DisputeQuery, PageQuery),
    responses((status = 200, body = DisputePage), doc::List)
)]
#[get("/disputes")]
pub async fn list_disputes(
    state: web::Data<AppState>,
    scoped: Scoped,
    Listing { filter: q, page }: Listing<DisputeQuery>,
) -> Result<HttpResponse, ApiError> {
    let filter = DisputeFilter {
        grids: None,
        state: q.state,
        category: q.category,
        follow_up_by: q.follow_up_by,
    };
    let (fetch, before) = (page.fetch, page.after.clone());
    let reader = scoped.clone();
    let rows = state
        .run(move |conn| disputes::list(conn, &scoped, filter, before.as_deref(), fetch))
        .await?;
    let (rows, next_cursor) = page.finish(rows, |r| r.id.to_string());
    let items = rows
        .iter()
        .map(|r| DisputeView::read(&reader, r))
        .collect::<Result<Vec<_>, _>>()
        .map_err(ApiError::from)?;
    Ok(HttpResponse::Ok().json(DisputePage { items, next_cursor }))
}

/// One dispute with its sessions; the parties, terms and notes only for its
/// mediator, grid leaders and zone officers (`redacted` says which).
#[utoipa::path(
    tag = "disputes",
    security(("bearer" = [])),
    params(("id" = String, Path, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")),
    responses((status = 200, body = DisputeDetail, headers(("ETag" = String))), doc::ReadOne)
)]
#[get("/disputes/{id}")]
pub async fn get_dispute(
    state: web::Data<AppState>,
    scoped: Scoped,
    id: web::Path<DisputeId>,
) -> Result<HttpResponse, ApiError> {
    let reader = scoped.clone();
    let (row, sessions) = state
        .run(move |conn| disputes::find(conn, &scoped, &id))
        .await?;
    let dispute = DisputeView::read(&reader, &row).map_err(ApiError::from)?;
    let restricted = !dispute.redacted;
    Ok(with_etag(
        HttpResponse::Ok(),
        row.version,
        &DisputeDetail {
            dispute,
            sessions: sessions
                .iter()
                .map(|s| SessionView::new(s, restricted))
                .collect(),
        },
    ))
}

/// Record a mediation session (调解记录) of an open dispute: its mediator,
/// grid leaders and zone officers.
#[utoipa::path(
    tag = "disputes",
    security(("bearer" = [])),
    params(IdempotencyKey, ("id" = String, Path, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")),
    request_body = SessionInput,
    responses((status = 201, body = SessionView), doc::Update)
)]
#[post("/disputes/{id}/sessions")]
pub async fn add_session(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    claim: Idempotent,
    id: web::Path<DisputeId>,
    body: Json<SessionInput>,
) -> Result<Reply, ApiError> {
    let now = time::now();
    state
        .write(claim, move |conn| {
            let session = disputes::add_session(conn, &scoped, &origin, &id, &body, now)?;
            Reply::json(StatusCode::CREATED, &SessionView::new(&session, true))
        })
        .await
}

/// Close a dispute with its outcome (`agreement` with its terms,
/// `referred_to_arbitration`, `escalated` — which opens a case of the
/// dispute's category — or `withdrawn`): its mediator, grid leaders and
/// zone officers.
#[utoipa::path(
    tag = "disputes",
    security(("bearer" = [])),
    params(IdempotencyKey, IfMatchHeader, ("id" = String, Path, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")),
    request_body = CloseInput,
    responses((status = 200, body = DisputeView, headers(("ETag" = String))), doc::Update)
)]
#[post("/disputes/{id}/close")]
pub async fn close_dispute(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    claim: Idempotent,
    IfMatch(expected): IfMatch,
    id: web::Path<DisputeId>,
    body: Json<CloseInput>,
) -> Result<Reply, ApiError> {
    let now = time::now();
    state
        .write(claim, move |conn| {
            let row = disputes::close(conn, &scoped, &origin, &id, &expected, &body, now)?;
            Ok(
                Reply::json(StatusCode::OK, &DisputeView::read(&scoped, &row)?)?
                    .header(header::ETAG, etag(row.version)),
            )
        })
        .await
}
