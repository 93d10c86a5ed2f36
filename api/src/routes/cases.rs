//! Cases: report, read, list, timeline.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use gridwork_domain::case::{CaseAction, CaseState, Level, Severity};
use gridwork_domain::{CaseId, GridId};
use gridwork_persistence::case::CaseFilter;
use gridwork_persistence::time;
use serde::Deserialize;
use utoipa::IntoParams;
use validator::Validate;

use crate::app::Expected;
use crate::app::case_steps::{
    self, Ask, DispatchInput, EvaluateInput, MergeInput, NoteInput, ReasonInput, ResolveInput,
};
use crate::app::cases::{self, CreateCase};
use crate::app::{Origin, Scoped};
use crate::http::idempotency::{IdempotencyKey, Idempotent, Reply};
use crate::http::json::Json;
use crate::http::paging::PageQuery;
use crate::http::precondition::{IfMatch, IfMatchHeader, etag, with_etag};
use crate::http::problems as doc;
use crate::http::query::Listing;
use crate::http::{API_PREFIX, ApiError};
use crate::state::AppState;
use crate::views::cases::{CasePage, CaseView, TimelineEntry, TimelinePage};

/// Report a case (事件上报).
///
/// From the field: a category, a severity, what was found, and where — a
/// point (located to the deepest grid in your scope that holds it) or a
/// grid. Deadlines follow from the category and severity. A case made
/// offline carries its own UUIDv7 `id`: sending it again answers the same
/// case with 200; other content under that id answers 409 `case_exists`.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(IdempotencyKey),
    request_body = CreateCase,
    responses(
        (status = 201, description = "Reported; `Location` names it", body = CaseView,
            headers(("Location" = String), ("ETag" = String))),
        (status = 200, description = "The same offline case sent again", body = CaseView,
            headers(("Location" = String), ("ETag" = String))),
        doc::Create,
    )
)]
#[post("/cases")]
pub async fn create_case(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    claim: Idempotent,
    body: Json<CreateCase>,
) -> Result<Reply, ApiError> {
    let now = time::now();
    state
        .write(claim, move |conn| {
            let reported = cases::create(conn, &scoped, &origin, &body, now)?;
            let location = format!("{API_PREFIX}/cases/{}", reported.row.id);
            let view = CaseView::new(&reported.row, now);
            let reply = Reply::created(location, reported.row.version, &view)?;
            Ok(if reported.created {
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
pub struct CaseQuery {
    pub state: Option<CaseState>,
    /// This grid and every grid below it.
    #[param(value_type = Option<String>, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")]
    pub grid_id: Option<GridId>,
    /// A category, or a top-level category with all its sub-categories.
    #[validate(length(min = 1, max = 81))]
    #[param(
        min_length = 1,
        max_length = 81,
        pattern = "^[a-z][a-z0-9_]{0,39}(\\.[a-z][a-z0-9_]{0,39})?$"
    )]
    pub category: Option<String>,
    pub severity: Option<Severity>,
    pub level: Option<Level>,
    /// Dispatched to this department.
    #[validate(length(min = 1, max = 40))]
    #[param(min_length = 1, max_length = 40, pattern = "^[a-z][a-z0-9_]{0,39}$")]
    pub department: Option<String>,
    /// Only open cases past their next deadline (true).
    pub overdue: Option<bool>,
    /// Only cases dispatched to me or my department (true).
    pub mine: Option<bool>,
    /// Only cases I reported (true).
    pub reported_by_me: Option<bool>,
    /// Reported at or after this time.
    pub from: Option<DateTime<Utc>>,
    /// Reported before this time.
    pub to: Option<DateTime<Utc>>,
}

/// The cases you may see, newest first: zone-wide roles all; grid staff
/// their grids and below; department staff those dispatched to their
/// department; everyone the cases they reported.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(CaseQuery, PageQuery),
    responses((status = 200, body = CasePage), doc::List)
)]
#[get("/cases")]
pub async fn list_cases(
    state: web::Data<AppState>,
    scoped: Scoped,
    Listing { filter: q, page }: Listing<CaseQuery>,
) -> Result<HttpResponse, ApiError> {
    let now = time::now();
    let me = scoped.caller.user.clone();
    let mine = q.mine == Some(true);
    let filter = CaseFilter {
        states: q.state.map(|s| vec![s]),
        grids: None,
        category: q.category,
        severity: q.severity,
        level: q.level,
        department: match (mine, me.as_ref().and_then(|u| u.department_code.clone())) {
            (true, Some(dept)) => Some(dept),
            _ => q.department,
        },
        reporter: (q.reported_by_me == Some(true))
            .then(|| me.as_ref().map(|u| u.id.clone()))
            .flatten(),
        assignee: match (mine, &me) {
            (true, Some(u)) if u.department_code.is_none() => Some(u.id.clone()),
            _ => None,
        },
        overdue_at: (q.overdue == Some(true)).then(|| time::to_db(now)),
        from: q.from.map(time::to_db),
        to: q.to.map(time::to_db),
    };
    let (fetch, before) = (page.fetch, page.after.clone());
    let subtree = q.grid_id;
    let rows = state
        .run(move |conn| {
            cases::list(
                conn,
                &scoped,
                filter,
                subtree.as_ref(),
                before.as_deref(),
                fetch,
            )
        })
        .await?;
    let (rows, next_cursor) = page.finish(rows, |r| r.id.to_string());
    let items = rows.iter().map(|r| CaseView::new(r, now)).collect();
    Ok(HttpResponse::Ok().json(CasePage { items, next_cursor }))
}

/// One case.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Case id", min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")),
    responses((status = 200, body = CaseView, headers(("ETag" = String))), doc::ReadOne)
)]
#[get("/cases/{id}")]
pub async fn get_case(
    state: web::Data<AppState>,
    scoped: Scoped,
    id: web::Path<CaseId>,
) -> Result<HttpResponse, ApiError> {
    let (row, _) = state
        .run(move |conn| cases::find(conn, &scoped, &id))
        .await?;
    Ok(with_etag(
        HttpResponse::Ok(),
        row.version,
        &CaseView::new(&row, time::now()),
    ))
}

/// A case's timeline, oldest first. Its reporter sees the public entries;
/// those handling it see the internal ones too.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Case id", min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$"), PageQuery),
    responses((status = 200, body = TimelinePage), doc::ListUnder)
)]
#[get("/cases/{id}/timeline")]
pub async fn case_timeline(
    state: web::Data<AppState>,
    scoped: Scoped,
    id: web::Path<CaseId>,
    Listing { page, .. }: Listing<crate::http::query::NoFilter>,
) -> Result<HttpResponse, ApiError> {
    let (fetch, after) = (page.fetch, page.after.clone());
    let rows = state
        .run(move |conn| cases::timeline(conn, &scoped, &id, after.as_deref(), fetch))
        .await?;
    let (rows, next_cursor) = page.finish(rows, |r| r.id.clone());
    let items = rows.iter().map(TimelineEntry::from).collect();
    Ok(HttpResponse::Ok().json(TimelinePage { items, next_cursor }))
}

/// Takes a step and answers the case as it is after it.
async fn take(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    claim: Idempotent,
    expected: Expected,
    id: CaseId,
    ask: Ask,
) -> Result<Reply, ApiError> {
    let now = time::now();
    state
        .write(claim, move |conn| {
            let row = case_steps::take(conn, &scoped, &origin, &id, &expected, ask, now)?;
            Ok(Reply::json(StatusCode::OK, &CaseView::new(&row, now))?
                .header(header::ETAG, etag(row.version)))
        })
        .await
}

/// Accept a reported case (立案): the grid leader of its grid, or the zone office or committee.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(IdempotencyKey, IfMatchHeader, ("id" = String, Path, description = "Case id", min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")),
    request_body = NoteInput,
    responses((status = 200, body = CaseView, headers(("ETag" = String))), doc::Update)
)]
#[post("/cases/{id}/accept")]
pub async fn accept_case(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    claim: Idempotent,
    IfMatch(expected): IfMatch,
    id: web::Path<CaseId>,
    body: Json<NoteInput>,
) -> Result<Reply, ApiError> {
    let body = body.into_inner();
    take(
        state,
        scoped,
        origin,
        claim,
        expected,
        id.into_inner(),
        Ask::Plain(CaseAction::Accept, body),
    )
    .await
}

/// Reject a reported case (不予立案), with the reason.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(IdempotencyKey, IfMatchHeader, ("id" = String, Path, description = "Case id", min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")),
    request_body = ReasonInput,
    responses((status = 200, body = CaseView, headers(("ETag" = String))), doc::Update)
)]
#[post("/cases/{id}/reject")]
pub async fn reject_case(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    claim: Idempotent,
    IfMatch(expected): IfMatch,
    id: web::Path<CaseId>,
    body: Json<ReasonInput>,
) -> Result<Reply, ApiError> {
    let body = body.into_inner();
    take(
        state,
        scoped,
        origin,
        claim,
        expected,
        id.into_inner(),
        Ask::Reason(CaseAction::Reject, body),
    )
    .await
}

/// Dispatch an accepted case: to a grid worker of its grid (grid leader, zone office), or by the management committee to one lead department and any assisting ones (协同处置), which sets the report-in deadline.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(IdempotencyKey, IfMatchHeader, ("id" = String, Path, description = "Case id", min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")),
    request_body = DispatchInput,
    responses((status = 200, body = CaseView, headers(("ETag" = String))), doc::Update)
)]
#[post("/cases/{id}/dispatch")]
pub async fn dispatch_case(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    claim: Idempotent,
    IfMatch(expected): IfMatch,
    id: web::Path<CaseId>,
    body: Json<DispatchInput>,
) -> Result<Reply, ApiError> {
    let body = body.into_inner();
    take(
        state,
        scoped,
        origin,
        claim,
        expected,
        id.into_inner(),
        Ask::Dispatch(body),
    )
    .await
}

/// Report in (部门报到): staff of a department the case was dispatched to acknowledge it; the time is recorded per department.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(IdempotencyKey, IfMatchHeader, ("id" = String, Path, description = "Case id", min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")),
    request_body = NoteInput,
    responses((status = 200, body = CaseView, headers(("ETag" = String))), doc::Update)
)]
#[post("/cases/{id}/report-in")]
pub async fn report_in_case(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    claim: Idempotent,
    IfMatch(expected): IfMatch,
    id: web::Path<CaseId>,
    body: Json<NoteInput>,
) -> Result<Reply, ApiError> {
    let body = body.into_inner();
    take(
        state,
        scoped,
        origin,
        claim,
        expected,
        id.into_inner(),
        Ask::Plain(CaseAction::ReportIn, body),
    )
    .await
}

/// Start work on a dispatched case, or on one sent back for rework.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(IdempotencyKey, IfMatchHeader, ("id" = String, Path, description = "Case id", min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")),
    request_body = NoteInput,
    responses((status = 200, body = CaseView, headers(("ETag" = String))), doc::Update)
)]
#[post("/cases/{id}/start")]
pub async fn start_case(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    claim: Idempotent,
    IfMatch(expected): IfMatch,
    id: web::Path<CaseId>,
    body: Json<NoteInput>,
) -> Result<Reply, ApiError> {
    let body = body.into_inner();
    take(
        state,
        scoped,
        origin,
        claim,
        expected,
        id.into_inner(),
        Ask::Plain(CaseAction::Start, body),
    )
    .await
}

/// Put a case on hold, with the reason: its deadlines stop until it resumes.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(IdempotencyKey, IfMatchHeader, ("id" = String, Path, description = "Case id", min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")),
    request_body = ReasonInput,
    responses((status = 200, body = CaseView, headers(("ETag" = String))), doc::Update)
)]
#[post("/cases/{id}/hold")]
pub async fn hold_case(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    claim: Idempotent,
    IfMatch(expected): IfMatch,
    id: web::Path<CaseId>,
    body: Json<ReasonInput>,
) -> Result<Reply, ApiError> {
    let body = body.into_inner();
    take(
        state,
        scoped,
        origin,
        claim,
        expected,
        id.into_inner(),
        Ask::Reason(CaseAction::Hold, body),
    )
    .await
}

/// Resume a case on hold; its deadlines move on by the time it waited.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(IdempotencyKey, IfMatchHeader, ("id" = String, Path, description = "Case id", min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")),
    request_body = NoteInput,
    responses((status = 200, body = CaseView, headers(("ETag" = String))), doc::Update)
)]
#[post("/cases/{id}/resume")]
pub async fn resume_case(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    claim: Idempotent,
    IfMatch(expected): IfMatch,
    id: web::Path<CaseId>,
    body: Json<NoteInput>,
) -> Result<Reply, ApiError> {
    let body = body.into_inner();
    take(
        state,
        scoped,
        origin,
        claim,
        expected,
        id.into_inner(),
        Ask::Plain(CaseAction::Resume, body),
    )
    .await
}

/// Resolve a case with the feedback (办结反馈): the assignee, or the lead department.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(IdempotencyKey, IfMatchHeader, ("id" = String, Path, description = "Case id", min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")),
    request_body = ResolveInput,
    responses((status = 200, body = CaseView, headers(("ETag" = String))), doc::Update)
)]
#[post("/cases/{id}/resolve")]
pub async fn resolve_case(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    claim: Idempotent,
    IfMatch(expected): IfMatch,
    id: web::Path<CaseId>,
    body: Json<ResolveInput>,
) -> Result<Reply, ApiError> {
    let body = body.into_inner();
    take(
        state,
        scoped,
        origin,
        claim,
        expected,
        id.into_inner(),
        Ask::Resolve(body),
    )
    .await
}

/// Verify a resolved case (核查): it closes.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(IdempotencyKey, IfMatchHeader, ("id" = String, Path, description = "Case id", min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")),
    request_body = NoteInput,
    responses((status = 200, body = CaseView, headers(("ETag" = String))), doc::Update)
)]
#[post("/cases/{id}/verify")]
pub async fn verify_case(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    claim: Idempotent,
    IfMatch(expected): IfMatch,
    id: web::Path<CaseId>,
    body: Json<NoteInput>,
) -> Result<Reply, ApiError> {
    let body = body.into_inner();
    take(
        state,
        scoped,
        origin,
        claim,
        expected,
        id.into_inner(),
        Ask::Plain(CaseAction::Verify, body),
    )
    .await
}

/// Send a resolved case back for rework, with the reason; the rework count goes up.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(IdempotencyKey, IfMatchHeader, ("id" = String, Path, description = "Case id", min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")),
    request_body = ReasonInput,
    responses((status = 200, body = CaseView, headers(("ETag" = String))), doc::Update)
)]
#[post("/cases/{id}/rework")]
pub async fn rework_case(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    claim: Idempotent,
    IfMatch(expected): IfMatch,
    id: web::Path<CaseId>,
    body: Json<ReasonInput>,
) -> Result<Reply, ApiError> {
    let body = body.into_inner();
    take(
        state,
        scoped,
        origin,
        claim,
        expected,
        id.into_inner(),
        Ask::Reason(CaseAction::Rework, body),
    )
    .await
}

/// Escalate a case one rung up the ladder (grid → zone office → committee → departments), with the reason.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(IdempotencyKey, IfMatchHeader, ("id" = String, Path, description = "Case id", min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")),
    request_body = ReasonInput,
    responses((status = 200, body = CaseView, headers(("ETag" = String))), doc::Update)
)]
#[post("/cases/{id}/escalate")]
pub async fn escalate_case(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    claim: Idempotent,
    IfMatch(expected): IfMatch,
    id: web::Path<CaseId>,
    body: Json<ReasonInput>,
) -> Result<Reply, ApiError> {
    let body = body.into_inner();
    take(
        state,
        scoped,
        origin,
        claim,
        expected,
        id.into_inner(),
        Ask::Reason(CaseAction::Escalate, body),
    )
    .await
}

/// Merge a reported or accepted case into another open case as its duplicate; both timelines record it.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(IdempotencyKey, IfMatchHeader, ("id" = String, Path, description = "Case id", min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")),
    request_body = MergeInput,
    responses((status = 200, body = CaseView, headers(("ETag" = String))), doc::Update)
)]
#[post("/cases/{id}/merge")]
pub async fn merge_case(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    claim: Idempotent,
    IfMatch(expected): IfMatch,
    id: web::Path<CaseId>,
    body: Json<MergeInput>,
) -> Result<Reply, ApiError> {
    let body = body.into_inner();
    take(
        state,
        scoped,
        origin,
        claim,
        expected,
        id.into_inner(),
        Ask::Merge(body),
    )
    .await
}

/// Evaluate a closed case (the reporter or the enterprise's principal). The first `unsatisfied` sends it back for rework; later ones stand and count against the KPIs.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(IdempotencyKey, IfMatchHeader, ("id" = String, Path, description = "Case id", min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")),
    request_body = EvaluateInput,
    responses((status = 200, body = CaseView, headers(("ETag" = String))), doc::Update)
)]
#[post("/cases/{id}/evaluate")]
pub async fn evaluate_case(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    claim: Idempotent,
    IfMatch(expected): IfMatch,
    id: web::Path<CaseId>,
    body: Json<EvaluateInput>,
) -> Result<Reply, ApiError> {
    let body = body.into_inner();
    take(
        state,
        scoped,
        origin,
        claim,
        expected,
        id.into_inner(),
        Ask::Evaluate(body),
    )
    .await
}
