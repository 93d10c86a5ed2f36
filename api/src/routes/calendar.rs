//! The working calendar that working-day deadlines are counted on.

use actix_web::{HttpResponse, delete, get, put, web};
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use utoipa::IntoParams;
use validator::Validate;

use crate::app::calendar::{self, MAX_SPAN_DAYS, PutDay};
use crate::app::{AppError, Caller, FieldCode, Origin};
use crate::http::ApiError;
use crate::http::json::Json;
use crate::http::paging::PageQuery;
use crate::http::problems as doc;
use crate::http::query::Listing;
use crate::state::AppState;
use crate::views::reference::{CalendarDayView, CalendarPage};

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CalendarQuery {
    /// First date (default: 1 January of the current year, zone time).
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<NaiveDate>,
    /// Last date, at most 366 days after `from` (default: 31 December).
    #[param(value_type = Option<String>, format = Date)]
    pub to: Option<NaiveDate>,
}

/// The holidays and make-up working days between two dates, in date order.
/// Every other date is a plain day of the week (Monday–Friday work).
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(CalendarQuery, PageQuery),
    responses((status = 200, body = CalendarPage), doc::List)
)]
#[get("/calendar/days")]
pub async fn list_days(
    state: web::Data<AppState>,
    _caller: Caller,
    Listing { filter, page }: Listing<CalendarQuery>,
) -> Result<HttpResponse, ApiError> {
    let year = calendar::today().year();
    let from = filter
        .from
        .or_else(|| NaiveDate::from_ymd_opt(year, 1, 1))
        .ok_or_else(|| AppError::invalid("from", FieldCode::Invalid, "no such date"))?;
    let to = filter
        .to
        .or_else(|| NaiveDate::from_ymd_opt(from.year(), 12, 31))
        .unwrap_or(from);
    let span = (to - from).num_days();
    if !(0..=MAX_SPAN_DAYS as i64).contains(&span) {
        return Err(AppError::invalid(
            "to",
            FieldCode::OutOfRange,
            "`to` must be from `from` to 366 days after it",
        )
        .into());
    }
    let after = page
        .after
        .as_deref()
        .map(|a| a.parse::<NaiveDate>())
        .transpose()
        .map_err(|_| {
            AppError::invalid("cursor", FieldCode::Invalid, "not a cursor of this list")
        })?;
    let fetch = page.fetch;
    let rows = state
        .run(move |conn| calendar::list(conn, from, to, after, fetch))
        .await?;
    let (rows, next_cursor) = page.finish(rows, |r| r.day.to_string());
    let items = rows
        .iter()
        .map(CalendarDayView::try_from)
        .collect::<Result<_, _>>()?;
    Ok(HttpResponse::Ok().json(CalendarPage { items, next_cursor }))
}

/// Set a date as a holiday or a make-up working day (admin). Deadlines
/// already set keep their dates; new ones count with the change.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(("day" = String, Path, format = Date, description = "The date, YYYY-MM-DD")),
    request_body = PutDay,
    responses(
        (status = 200, body = CalendarDayView),
        (status = 400, response = doc::BadRequest),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::Forbidden),
        (status = 413, response = doc::PayloadTooLarge),
        (status = 415, response = doc::UnsupportedMediaType),
        (status = 422, response = doc::UnprocessableContent),
        (status = 503, response = doc::ServiceUnavailable),
    )
)]
#[put("/calendar/days/{day}")]
pub async fn put_day(
    state: web::Data<AppState>,
    caller: Caller,
    origin: Origin,
    day: web::Path<NaiveDate>,
    body: Json<PutDay>,
) -> Result<HttpResponse, ApiError> {
    let day = day.into_inner();
    let row = state
        .run(move |conn| calendar::put(conn, &caller, &origin, day, &body))
        .await?;
    Ok(HttpResponse::Ok().json(CalendarDayView::try_from(&row)?))
}

/// Make a date a plain day of the week again (admin).
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(("day" = String, Path, format = Date, description = "The date, YYYY-MM-DD")),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, response = doc::Unauthorized),
        (status = 403, response = doc::Forbidden),
        (status = 404, response = doc::NotFound),
        (status = 503, response = doc::ServiceUnavailable),
    )
)]
#[delete("/calendar/days/{day}")]
pub async fn remove_day(
    state: web::Data<AppState>,
    caller: Caller,
    origin: Origin,
    day: web::Path<NaiveDate>,
) -> Result<HttpResponse, ApiError> {
    let day = day.into_inner();
    state
        .run(move |conn| calendar::remove(conn, &caller, &origin, day))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
