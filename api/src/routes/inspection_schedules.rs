//! Inspection schedules (排查计划) and their occurrences.

use actix_web::{HttpResponse, delete, get, post, web};
use chrono::{DateTime, Utc};
use gridwork_domain::schedule::OccurrenceState;
use gridwork_domain::{GridId, ScheduleId};
use gridwork_persistence::inspection_schedule::OccurrenceFilter;
use gridwork_persistence::time;
use serde::Deserialize;
use utoipa::IntoParams;
use validator::Validate;

use crate::app::inspection_schedules::{self, CreateSchedule};
use crate::app::{Origin, Scoped};
use crate::http::idempotency::{IdempotencyKey, Idempotent, Reply};
use crate::http::json::Json;
use crate::http::paging::{PageQuery, time_and_id, time_and_id_at};
use crate::http::precondition::{IfMatch, IfMatchHeader, with_etag};
use crate::http::problems as doc;
use crate::http::query::{Listing, NoFilter};
use crate::http::{API_PREFIX, ApiError};
use crate::state::AppState;
use crate::views::inspection_schedules::{
    OccurrencePage, OccurrenceView, SchedulePage, ScheduleView,
};

/// Schedule an inspection (zone officers, admins): a template in a grid or
/// an enterprise of your scope, on a recurrence (`FREQ=DAILY`,
/// `FREQ=WEEKLY;BYDAY=MO`, `FREQ=MONTHLY;BYMONTHDAY=1`), within a window of
/// local (zone) time, by a person or a role of the grid. Occurrences are
/// made half a day to a day ahead by the sweeper.
#[utoipa::path(
    tag = "inspections",
    security(("bearer" = [])),
    params(IdempotencyKey),
    request_body = CreateSchedule,
    responses(
        (status = 201, body = ScheduleView, headers(("Location" = String), ("ETag" = String))),
        doc::Create,
    )
)]
#[post("/inspection-schedules")]
pub async fn create_schedule(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    claim: Idempotent,
    body: Json<CreateSchedule>,
) -> Result<Reply, ApiError> {
    let now = time::now();
    state
        .write(claim, move |conn| {
            let row = inspection_schedules::create(conn, &scoped, &origin, &body, now)?;
            let location = format!("{API_PREFIX}/inspection-schedules/{}", row.id);
            Reply::created(location, row.version, &ScheduleView::from(&row))
        })
        .await
}

/// The active schedules of the grids you may see.
#[utoipa::path(
    tag = "inspections",
    security(("bearer" = [])),
    params(PageQuery),
    responses((status = 200, body = SchedulePage), doc::List)
)]
#[get("/inspection-schedules")]
pub async fn list_schedules(
    state: web::Data<AppState>,
    scoped: Scoped,
    Listing { page, .. }: Listing<NoFilter>,
) -> Result<HttpResponse, ApiError> {
    let (fetch, after) = (page.fetch, page.after.clone());
    let rows = state
        .run(move |conn| inspection_schedules::list(conn, &scoped, after.as_deref(), fetch))
        .await?;
    let (rows, next_cursor) = page.finish(rows, |r| r.id.to_string());
    Ok(HttpResponse::Ok().json(SchedulePage {
        items: rows.iter().map(ScheduleView::from).collect(),
        next_cursor,
    }))
}

/// One schedule.
#[utoipa::path(
    tag = "inspections",
    security(("bearer" = [])),
    params(("id" = String, Path, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")),
    responses((status = 200, body = ScheduleView, headers(("ETag" = String))), doc::ReadOne)
)]
#[get("/inspection-schedules/{id}")]
pub async fn get_schedule(
    state: web::Data<AppState>,
    scoped: Scoped,
    id: web::Path<ScheduleId>,
) -> Result<HttpResponse, ApiError> {
    let row = state
        .run(move |conn| inspection_schedules::find(conn, &scoped, &id))
        .await?;
    Ok(with_etag(
        HttpResponse::Ok(),
        row.version,
        &ScheduleView::from(&row),
    ))
}

/// End a schedule (zone officers, admins): no more occurrences are made;
/// those made stay. Ending it again answers it as it is.
#[utoipa::path(
    tag = "inspections",
    security(("bearer" = [])),
    params(("id" = String, Path, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$"), IfMatchHeader),
    responses(
        (status = 200, body = ScheduleView, headers(("ETag" = String))),
        (status = 400, response = doc::BadRequest),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::Forbidden),
        (status = 404, response = doc::NotFound),
        (status = 412, response = doc::PreconditionFailed),
        (status = 503, response = doc::ServiceUnavailable),
    )
)]
#[delete("/inspection-schedules/{id}")]
pub async fn end_schedule(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    IfMatch(expected): IfMatch,
    id: web::Path<ScheduleId>,
) -> Result<HttpResponse, ApiError> {
    let now = time::now();
    let row = state
        .run(move |conn| inspection_schedules::archive(conn, &scoped, &origin, &id, &expected, now))
        .await?;
    Ok(with_etag(
        HttpResponse::Ok(),
        row.version,
        &ScheduleView::from(&row),
    ))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OccurrenceQuery {
    #[param(value_type = Option<String>, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")]
    pub schedule_id: Option<ScheduleId>,
    /// Only this grid's (not its sub-grids').
    #[param(value_type = Option<String>, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")]
    pub grid_id: Option<GridId>,
    pub state: Option<OccurrenceState>,
    /// Windows closing at or after this time.
    #[serde(default, deserialize_with = "crate::app::input::time_text::optional")]
    pub from: Option<DateTime<Utc>>,
    /// Windows opening before this time.
    #[serde(default, deserialize_with = "crate::app::input::time_text::optional")]
    pub to: Option<DateTime<Utc>>,
}

/// The occurrences of schedules in the grids you may see, by window close.
#[utoipa::path(
    tag = "inspections",
    security(("bearer" = [])),
    params(OccurrenceQuery, PageQuery),
    responses((status = 200, body = OccurrencePage), doc::List)
)]
#[get("/inspection-occurrences")]
pub async fn list_occurrences(
    state: web::Data<AppState>,
    scoped: Scoped,
    Listing { filter: q, page }: Listing<OccurrenceQuery>,
) -> Result<HttpResponse, ApiError> {
    let filter = OccurrenceFilter {
        grids: q.grid_id.map(|g| vec![g]),
        schedule: q.schedule_id,
        states: q.state.map(|s| vec![s]),
        from: q.from.map(time::to_db),
        to: q.to.map(time::to_db),
    };
    let after = page.after.as_deref().map(time_and_id_at).transpose()?;
    let fetch = page.fetch;
    let rows = state
        .run(move |conn| inspection_schedules::occurrences(conn, &scoped, filter, after, fetch))
        .await?;
    let (rows, next_cursor) = page.finish(rows, |r| time_and_id(r.closes_at, &r.id));
    Ok(HttpResponse::Ok().json(OccurrencePage {
        items: rows.iter().map(OccurrenceView::from).collect(),
        next_cursor,
    }))
}
