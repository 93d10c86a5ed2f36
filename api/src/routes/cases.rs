//! Cases: report, read, list, timeline.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use gridwork_domain::case::{CaseState, Level, Severity};
use gridwork_domain::{CaseId, GridId};
use gridwork_persistence::case::CaseFilter;
use gridwork_persistence::time;
use serde::Deserialize;
use utoipa::IntoParams;
use validator::Validate;

use crate::app::cases::{self, CreateCase};
use crate::app::{Origin, Scoped};
use crate::http::idempotency::{IdempotencyKey, Idempotent, Reply};
use crate::http::json::Json;
use crate::http::paging::PageQuery;
use crate::http::precondition::with_etag;
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
