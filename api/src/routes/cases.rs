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
    self, Ask, CaseNoteInput, DispatchInput, EvaluateInput, MergeInput, NoteInput, ReasonInput,
    ResolveInput,
};
use crate::app::cases::{self, CreateCase};
use crate::app::{Origin, Scoped};
use crate::http::idempotency::{IdempotencyKey, Idempotent, Reply};
use crate::http::json::Json;
use crate::http::paging::{Page, PageQuery};
use crate::http::precondition::{IfMatch, IfMatchHeader, etag, with_etag};
use crate::http::problems as doc;
use crate::http::query::{Listing, category_code, department_code};
use crate::http::{API_PREFIX, ApiError};
use crate::state::AppState;
use crate::views::cases::{
    CasePage, CaseSummary, CaseSummaryPage, CaseView, ReportedCase, TimelineEntry, TimelinePage,
};

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
        (status = 201, description = "Reported; `Location` names it", body = ReportedCase,
            headers(("Location" = String), ("ETag" = String))),
        (status = 200, description = "The same offline case sent again", body = ReportedCase,
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
    let window = state.duplicates;
    state
        .write(claim, move |conn| {
            let reported = cases::create(conn, &scoped, &origin, &body, window, now)?;
            let location = format!("{API_PREFIX}/cases/{}", reported.row.id);
            let view = ReportedCase::new(&reported, now);
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
    #[validate(length(min = 1, max = 81), custom(function = "category_code"))]
    #[param(
        min_length = 1,
        max_length = 81,
        pattern = "^[a-z][a-z0-9_]{0,39}(\\.[a-z][a-z0-9_]{0,39})?$"
    )]
    pub category: Option<String>,
    pub severity: Option<Severity>,
    pub level: Option<Level>,
    /// Dispatched to this department.
    #[validate(length(min = 1, max = 40), custom(function = "department_code"))]
    #[param(min_length = 1, max_length = 40, pattern = "^[a-z][a-z0-9_]{0,39}$")]
    pub department: Option<String>,
    /// Only open cases past their next deadline (true).
    pub overdue: Option<bool>,
    /// Only cases dispatched to me or my department (true).
    pub mine: Option<bool>,
    /// Only cases I reported (true).
    pub reported_by_me: Option<bool>,
    /// Reported at or after this time.
    #[serde(default, deserialize_with = "crate::app::input::time_text::optional")]
    pub from: Option<DateTime<Utc>>,
    /// Reported before this time.
    #[serde(default, deserialize_with = "crate::app::input::time_text::optional")]
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
    let (items, next_cursor) = case_page(&state, scoped, q, &page).await?;
    Ok(HttpResponse::Ok().json(CasePage { items, next_cursor }))
}

/// The same list in a few fields per case (`CaseSummary`): about a third
/// of the bytes of `GET /cases` for the rows of a list screen, with
/// `version` and `updated_at` to tell when to fetch a case in full.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(CaseQuery, PageQuery),
    responses((status = 200, body = CaseSummaryPage), doc::List)
)]
#[get("/case-summaries")]
pub async fn list_case_summaries(
    state: web::Data<AppState>,
    scoped: Scoped,
    Listing { filter: q, page }: Listing<CaseQuery>,
) -> Result<HttpResponse, ApiError> {
    let (items, next_cursor) = case_page(&state, scoped, q, &page).await?;
    let items = items.into_iter().map(CaseSummary::from).collect();
    Ok(HttpResponse::Ok().json(CaseSummaryPage { items, next_cursor }))
}

/// One page of the cases `scoped` may see that match `q`.
async fn case_page(
    state: &web::Data<AppState>,
    scoped: Scoped,
    q: CaseQuery,
    page: &Page,
) -> Result<(Vec<CaseView>, Option<String>), ApiError> {
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
        resolve_due_before: None,
    };
    let (fetch, before) = (page.fetch, page.after.clone());
    let subtree = q.grid_id;
    let (rows, work) = state
        .run(move |conn| {
            let rows = cases::list(
                conn,
                &scoped,
                filter,
                subtree.as_ref(),
                before.as_deref(),
                fetch,
            )?;
            let work = cases::department_work(conn, &rows)?;
            Ok((rows, work))
        })
        .await?;
    let (rows, next_cursor) = page.finish(rows, |r| r.id.to_string());
    let items = rows.iter().map(|r| CaseView::new(r, &work, now)).collect();
    Ok((items, next_cursor))
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
    let (row, work) = state
        .run(move |conn| {
            let (row, _) = cases::find(conn, &scoped, &id)?;
            let work = cases::department_work(conn, std::slice::from_ref(&row))?;
            Ok((row, work))
        })
        .await?;
    Ok(with_etag(
        HttpResponse::Ok(),
        row.version,
        &CaseView::new(&row, &work, time::now()),
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

/// Add a note to an open case (处置记录): what was done or found, with
/// photos. Those handling the case may: its assignee, staff of every
/// department it was dispatched to — assisting departments report their
/// part this way — the grid leader, the zone office and the committee. The
/// case itself does not change, so no `If-Match`.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(IdempotencyKey, ("id" = String, Path, description = "Case id", min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")),
    request_body = CaseNoteInput,
    responses(
        (status = 201, description = "The new timeline entry", body = TimelineEntry),
        doc::Update,
    )
)]
#[post("/cases/{id}/notes")]
pub async fn add_case_note(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    claim: Idempotent,
    id: web::Path<CaseId>,
    body: Json<CaseNoteInput>,
) -> Result<Reply, ApiError> {
    let now = time::now();
    state
        .write(claim, move |conn| {
            let entry = case_steps::add_note(conn, &scoped, &origin, &id, &body, now)?;
            Reply::json(StatusCode::CREATED, &TimelineEntry::from(&entry))
        })
        .await
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
            let work = cases::department_work(conn, std::slice::from_ref(&row))?;
            Ok(
                Reply::json(StatusCode::OK, &CaseView::new(&row, &work, now))?
                    .header(header::ETAG, etag(row.version)),
            )
        })
        .await
}

/// Declares the operation of one case step: `POST /cases/{id}/<step>` with
/// its own body, `If-Match` and `Idempotency-Key`, answering the case.
macro_rules! case_step {
    ($name:ident, $path:literal, $body:ty, $doc:literal, |$b:ident| $ask:expr) => {
        #[doc = $doc]
        #[utoipa::path(
            tag = "cases",
            security(("bearer" = [])),
            params(IdempotencyKey, IfMatchHeader, ("id" = String, Path, description = "Case id", min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")),
            request_body = $body,
            responses((status = 200, body = CaseView, headers(("ETag" = String))), doc::Update)
        )]
        #[post($path)]
        pub async fn $name(
            state: web::Data<AppState>,
            scoped: Scoped,
            origin: Origin,
            claim: Idempotent,
            IfMatch(expected): IfMatch,
            id: web::Path<CaseId>,
            body: Json<$body>,
        ) -> Result<Reply, ApiError> {
            let $b = body.into_inner();
            take(state, scoped, origin, claim, expected, id.into_inner(), $ask).await
        }
    };
}

case_step!(
    accept_case,
    "/cases/{id}/accept",
    NoteInput,
    "Accept a reported case (立案): the grid leader of its grid, or the zone office or committee.",
    |b| Ask::Plain(CaseAction::Accept, b)
);

case_step!(
    reject_case,
    "/cases/{id}/reject",
    ReasonInput,
    "Reject a reported case (不予立案), with the reason.",
    |b| Ask::Reason(CaseAction::Reject, b)
);

case_step!(
    dispatch_case,
    "/cases/{id}/dispatch",
    DispatchInput,
    "Dispatch an accepted case: to a grid worker of its grid (grid leader, zone office), or by the management committee to one lead department and any assisting ones (协同处置), which sets the report-in deadline.",
    |b| Ask::Dispatch(b)
);

case_step!(
    report_in_case,
    "/cases/{id}/report-in",
    NoteInput,
    "Report in (部门报到): staff of a department the case was dispatched to acknowledge it; the time is recorded per department.",
    |b| Ask::Plain(CaseAction::ReportIn, b)
);

case_step!(
    start_case,
    "/cases/{id}/start",
    NoteInput,
    "Start work on a dispatched case, or on one sent back for rework.",
    |b| Ask::Plain(CaseAction::Start, b)
);

case_step!(
    hold_case,
    "/cases/{id}/hold",
    ReasonInput,
    "Put a case on hold, with the reason: its deadlines stop until it resumes.",
    |b| Ask::Reason(CaseAction::Hold, b)
);

case_step!(
    resume_case,
    "/cases/{id}/resume",
    NoteInput,
    "Resume a case on hold; its deadlines move on by the time it waited.",
    |b| Ask::Plain(CaseAction::Resume, b)
);

case_step!(
    resolve_case,
    "/cases/{id}/resolve",
    ResolveInput,
    "Resolve a case with the feedback (办结反馈): the assignee, or the lead department.",
    |b| Ask::Resolve(b)
);

case_step!(
    verify_case,
    "/cases/{id}/verify",
    NoteInput,
    "Verify a resolved case (核查): it closes.",
    |b| Ask::Plain(CaseAction::Verify, b)
);

case_step!(
    rework_case,
    "/cases/{id}/rework",
    ReasonInput,
    "Send a resolved case back for rework, with the reason; the rework count goes up.",
    |b| Ask::Reason(CaseAction::Rework, b)
);

case_step!(
    escalate_case,
    "/cases/{id}/escalate",
    ReasonInput,
    "Escalate a case one rung up the ladder (grid → zone office → committee → departments), with the reason.",
    |b| Ask::Reason(CaseAction::Escalate, b)
);

case_step!(
    merge_case,
    "/cases/{id}/merge",
    MergeInput,
    "Merge a reported or accepted case into another open case as its duplicate; both timelines record it.",
    |b| Ask::Merge(b)
);

case_step!(
    evaluate_case,
    "/cases/{id}/evaluate",
    EvaluateInput,
    "Evaluate a closed case (the reporter or the enterprise's principal). The first `unsatisfied` sends it back for rework; later ones stand and count against the KPIs.",
    |b| Ask::Evaluate(b)
);
