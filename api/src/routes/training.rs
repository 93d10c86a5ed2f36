//! Training (培训): courses, sessions, records, a person's and the caller's
//! own records, and each grid's training coverage.

use actix_web::{HttpResponse, get, post, web};
use gridwork_domain::training::CourseKind;
use gridwork_domain::{CourseId, GridId, PersonId};
use serde::Deserialize;
use utoipa::IntoParams;
use validator::Validate;

use crate::app::training::{self, CourseInput, RecordInput, SessionInput};
use crate::app::{Origin, Scoped, people};
use crate::http::idempotency::{IdempotencyKey, Idempotent, Reply};
use crate::http::json::Json;
use crate::http::paging::PageQuery;
use crate::http::problems as doc;
use crate::http::query::{Listing, NoFilter};
use crate::http::{API_PREFIX, ApiError};
use crate::state::AppState;
use crate::views::training::{
    CoursePage, CourseView, GridTraining, RecordPage, RecordView, SessionPage, SessionView,
    TrainingCoveragePage,
};

/// Create a training course (zone officers, admins): pre-job, on the job or
/// online, with an optional pass mark.
#[utoipa::path(
    tag = "training",
    security(("bearer" = [])),
    params(IdempotencyKey),
    request_body = CourseInput,
    responses((status = 201, body = CourseView, headers(("Location" = String), ("ETag" = String))), doc::Create)
)]
#[post("/training/courses")]
pub async fn create_course(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    claim: Idempotent,
    body: Json<CourseInput>,
) -> Result<Reply, ApiError> {
    state
        .write(claim, move |conn| {
            let row = training::create_course(conn, &scoped, &origin, body.into_inner())?;
            let location = format!("{API_PREFIX}/training/courses/{}", row.id);
            Reply::created(location, row.version, &CourseView::from(&row))
        })
        .await
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CourseQuery {
    /// Only courses of this kind.
    pub kind: Option<CourseKind>,
}

/// The training courses, oldest first.
#[utoipa::path(
    tag = "training",
    security(("bearer" = [])),
    params(CourseQuery, PageQuery),
    responses((status = 200, body = CoursePage), doc::List)
)]
#[get("/training/courses")]
pub async fn list_courses(
    state: web::Data<AppState>,
    _scoped: Scoped,
    Listing { filter, page }: Listing<CourseQuery>,
) -> Result<HttpResponse, ApiError> {
    let (fetch, after) = (page.fetch, page.after.clone());
    let rows = state
        .run(move |conn| training::courses(conn, filter.kind, after.as_deref(), fetch))
        .await?;
    let (rows, next_cursor) = page.finish(rows, |r| r.id.to_string());
    Ok(HttpResponse::Ok().json(CoursePage {
        items: rows.iter().map(CourseView::from).collect(),
        next_cursor,
    }))
}

/// One training course.
#[utoipa::path(
    tag = "training",
    security(("bearer" = [])),
    params(("id" = String, Path, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")),
    responses((status = 200, body = CourseView), doc::ReadOne)
)]
#[get("/training/courses/{id}")]
pub async fn get_course(
    state: web::Data<AppState>,
    _scoped: Scoped,
    id: web::Path<CourseId>,
) -> Result<HttpResponse, ApiError> {
    let row = state
        .run(move |conn| training::find_course(conn, &id))
        .await?;
    Ok(HttpResponse::Ok().json(CourseView::from(&row)))
}

/// Schedule a session of a course (zone officers, admins), zone-wide or for
/// a grid.
#[utoipa::path(
    tag = "training",
    security(("bearer" = [])),
    params(IdempotencyKey),
    request_body = SessionInput,
    responses((status = 201, body = SessionView, headers(("Location" = String), ("ETag" = String))), doc::Create)
)]
#[post("/training/sessions")]
pub async fn create_session(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    claim: Idempotent,
    body: Json<SessionInput>,
) -> Result<Reply, ApiError> {
    state
        .write(claim, move |conn| {
            let row = training::create_session(conn, &scoped, &origin, body.into_inner())?;
            let location = format!("{API_PREFIX}/training/courses/{}/sessions", row.course_id);
            Reply::created(location, 1, &SessionView::from(&row))
        })
        .await
}

/// A course's sessions, oldest first.
#[utoipa::path(
    tag = "training",
    security(("bearer" = [])),
    params(("id" = String, Path, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$"), PageQuery),
    responses((status = 200, body = SessionPage), doc::ListUnder)
)]
#[get("/training/courses/{id}/sessions")]
pub async fn list_sessions(
    state: web::Data<AppState>,
    _scoped: Scoped,
    id: web::Path<CourseId>,
    Listing { page, .. }: Listing<NoFilter>,
) -> Result<HttpResponse, ApiError> {
    let (fetch, after) = (page.fetch, page.after.clone());
    let rows = state
        .run(move |conn| training::sessions(conn, &id, after.as_deref(), fetch))
        .await?;
    let (rows, next_cursor) = page.finish(rows, |r| r.id.to_string());
    Ok(HttpResponse::Ok().json(SessionPage {
        items: rows.iter().map(SessionView::from).collect(),
        next_cursor,
    }))
}

/// Record that a person completed a course (the office; grid leaders for
/// the people of their grids): when, the session, the score. Whether it
/// passes follows the course's pass mark. A passed pre-job course lets a
/// new full-time or part-time worker take up an assignment.
#[utoipa::path(
    tag = "training",
    security(("bearer" = [])),
    params(IdempotencyKey),
    request_body = RecordInput,
    responses((status = 201, body = RecordView, headers(("Location" = String), ("ETag" = String))), doc::Create)
)]
#[post("/training/records")]
pub async fn create_record(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    claim: Idempotent,
    body: Json<RecordInput>,
) -> Result<Reply, ApiError> {
    state
        .write(claim, move |conn| {
            let record = training::record(conn, &scoped, &origin, body.into_inner())?;
            let location = format!("{API_PREFIX}/people/{}/training", record.0.person_id);
            Reply::created(location, 1, &RecordView::from(&record))
        })
        .await
}

/// A person's training records, newest first (people in the caller's
/// scope).
#[utoipa::path(
    tag = "training",
    security(("bearer" = [])),
    params(("id" = String, Path, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$"), PageQuery),
    responses((status = 200, body = RecordPage), doc::ListUnder)
)]
#[get("/people/{id}/training")]
pub async fn person_training(
    state: web::Data<AppState>,
    scoped: Scoped,
    id: web::Path<PersonId>,
    Listing { page, .. }: Listing<NoFilter>,
) -> Result<HttpResponse, ApiError> {
    let (fetch, before) = (page.fetch, page.after.clone());
    let rows = state
        .run(move |conn| {
            let person = people::find_visible(conn, &scoped, &id)?;
            training::records_of(conn, &person, before.as_deref(), fetch)
        })
        .await?;
    let (rows, next_cursor) = page.finish(rows, |r| r.0.id.to_string());
    Ok(HttpResponse::Ok().json(RecordPage {
        items: rows.iter().map(RecordView::from).collect(),
        next_cursor,
    }))
}

/// The caller's own training records, newest first (none when no person
/// is linked to the account).
#[utoipa::path(
    tag = "training",
    security(("bearer" = [])),
    params(PageQuery),
    responses((status = 200, body = RecordPage), doc::List)
)]
#[get("/me/training")]
pub async fn my_training(
    state: web::Data<AppState>,
    scoped: Scoped,
    Listing { page, .. }: Listing<NoFilter>,
) -> Result<HttpResponse, ApiError> {
    let (fetch, before) = (page.fetch, page.after.clone());
    let rows = state
        .run(move |conn| training::my_records(conn, &scoped, before.as_deref(), fetch))
        .await?;
    let (rows, next_cursor) = page.finish(rows, |r| r.0.id.to_string());
    Ok(HttpResponse::Ok().json(RecordPage {
        items: rows.iter().map(RecordView::from).collect(),
        next_cursor,
    }))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TrainingStatsQuery {
    /// This grid and everything below it (within the caller's scope).
    #[param(value_type = Option<String>, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")]
    pub grid_id: Option<GridId>,
}

/// Training coverage by grid (培训覆盖率), in code order: of each grid's
/// full-time and part-time workers, those who passed a pre-job course and
/// those trained on the job or online in the last 365 days.
#[utoipa::path(
    tag = "stats",
    security(("bearer" = [])),
    params(TrainingStatsQuery, PageQuery),
    responses((status = 200, body = TrainingCoveragePage), doc::ListUnder)
)]
#[get("/stats/training")]
pub async fn training_stats(
    state: web::Data<AppState>,
    scoped: Scoped,
    Listing { filter, page }: Listing<TrainingStatsQuery>,
) -> Result<HttpResponse, ApiError> {
    let (fetch, after) = (page.fetch, page.after.clone());
    let rows = state
        .run(move |conn| {
            let now = gridwork_persistence::time::now();
            training::coverage(
                conn,
                &scoped,
                filter.grid_id.as_ref(),
                now,
                after.as_deref(),
                fetch,
            )
        })
        .await?;
    let (rows, next_cursor) = page.finish(rows, |(g, _)| g.code.clone());
    Ok(HttpResponse::Ok().json(TrainingCoveragePage {
        items: rows.iter().map(GridTraining::from).collect(),
        next_cursor,
    }))
}
