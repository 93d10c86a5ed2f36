//! The three 100% rates (三个100%), computed live for the caller's scope or a
//! subtree of it, with the gaps that keep each below 100 %.

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use gridwork_domain::GridId;
use gridwork_domain::coverage::CoverageRate;
use gridwork_domain::month::Month;
use serde::Deserialize;
use utoipa::IntoParams;
use validator::Validate;

use crate::app::{self, Scoped};
use crate::http::ApiError;
use crate::http::paging::PageQuery;
use crate::http::problems as doc;
use crate::http::query::{Listing, Query, department_code, month};
use crate::state::AppState;
use crate::views::cases::CaseStatsView;
use crate::views::disputes::DisputeStatsView;
use crate::views::inspections::InspectionStatsView;
use crate::views::stats::{Coverage, Gap, GapPage};

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CoverageQuery {
    /// Measure this grid and everything below it.
    #[validate(
        length(min = 1, max = 64),
        custom(function = "crate::app::input::uuid_text")
    )]
    #[param(min_length = 1, max_length = 64)]
    pub grid_id: Option<String>,
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GapQuery {
    /// Whose gaps.
    pub rate: CoverageRate,
    /// Measure this grid and everything below it.
    #[validate(
        length(min = 1, max = 64),
        custom(function = "crate::app::input::uuid_text")
    )]
    #[param(min_length = 1, max_length = 64)]
    pub grid_id: Option<String>,
}

/// The three 100% rates for the caller's scope, or one grid's subtree.
#[utoipa::path(
    tag = "stats",
    security(("bearer" = [])),
    params(CoverageQuery),
    responses(
        (status = 200, body = Coverage),
        doc::ReadOne,
    )
)]
#[get("/stats/coverage")]
pub async fn coverage(
    state: web::Data<AppState>,
    scoped: Scoped,
    query: Query<CoverageQuery>,
) -> Result<HttpResponse, ApiError> {
    let root = query.into_inner().grid_id.map(GridId::from);
    let measured = state
        .read(&scoped, move |conn, reading| {
            app::coverage::measure(conn, reading, root.as_ref())
        })
        .await?;
    Ok(HttpResponse::Ok().json(Coverage::from(measured)))
}

/// Every gap of one rate, paged: the enterprises outside any grid, the grids
/// whose placard is unpublished (in code order), or the enterprises whose
/// basic record is incomplete.
#[utoipa::path(
    tag = "stats",
    security(("bearer" = [])),
    params(GapQuery, PageQuery),
    responses(
        (status = 200, body = GapPage),
        doc::ListUnder,
    )
)]
#[get("/stats/coverage/gaps")]
pub async fn coverage_gaps(
    state: web::Data<AppState>,
    scoped: Scoped,
    Listing { filter, page }: Listing<GapQuery>,
) -> Result<HttpResponse, ApiError> {
    let root = filter.grid_id.map(GridId::from);
    let (rate, after, fetch) = (filter.rate, page.after.clone(), page.fetch);
    let rows = state
        .read(&scoped, move |conn, reading| {
            app::coverage::gaps(conn, reading, root.as_ref(), rate, after.as_deref(), fetch)
        })
        .await?;
    let (rows, next_cursor) = page.finish(rows, app::coverage::Gap::key);
    Ok(HttpResponse::Ok().json(GapPage {
        items: rows.into_iter().map(Gap::from).collect(),
        next_cursor,
    }))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InspectionStatsQuery {
    /// This grid and everything below it.
    #[param(value_type = Option<String>, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")]
    pub grid_id: Option<GridId>,
    /// Windows closing (and hazards found) at or after this time; thirty
    /// days before `to` by default.
    #[serde(default, deserialize_with = "crate::app::input::time_text::optional")]
    pub from: Option<DateTime<Utc>>,
    /// …and before this time (at most now).
    #[serde(default, deserialize_with = "crate::app::input::time_text::optional")]
    pub to: Option<DateTime<Utc>>,
}

/// Inspection KPIs (考核) for the grids you may see: completion (done on
/// time / due) overall, by grid and by worker; hazards found, rectified on
/// time, open and overdue, overall and by grid.
#[utoipa::path(
    tag = "stats",
    security(("bearer" = [])),
    params(InspectionStatsQuery),
    responses((status = 200, body = InspectionStatsView), doc::List)
)]
#[get("/stats/inspections")]
pub async fn inspection_stats(
    state: web::Data<AppState>,
    scoped: Scoped,
    Query(q): Query<InspectionStatsQuery>,
) -> Result<HttpResponse, ApiError> {
    let now = gridwork_persistence::time::now();
    let stats = state
        .read(&scoped, move |conn, reading| {
            app::inspection_stats::compute(conn, reading, q.grid_id.as_ref(), q.from, q.to, now)
        })
        .await?;
    Ok(HttpResponse::Ok().json(InspectionStatsView::from(stats)))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseStatsQuery {
    /// Cases in this grid and everything below it.
    #[param(value_type = Option<String>, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")]
    pub grid_id: Option<GridId>,
    /// Cases dispatched to this department.
    #[validate(length(min = 1, max = 40), custom(function = "department_code"))]
    #[param(min_length = 1, max_length = 40, pattern = "^[a-z][a-z0-9_]{0,39}$")]
    pub department_id: Option<String>,
    /// Reported at or after this time.
    #[serde(default, deserialize_with = "crate::app::input::time_text::optional")]
    pub from: Option<DateTime<Utc>>,
    /// Reported before this time (the period's end; at most now).
    #[serde(default, deserialize_with = "crate::app::input::time_text::optional")]
    pub to: Option<DateTime<Utc>>,
}

/// Case KPIs for the cases you may see (考核): counts by state and level,
/// 结案率, 按期结案率, 返工率, satisfaction, mean and p90 minutes to accept,
/// report in and resolve — overall and by grid, lead department and worker.
/// When you see the whole grid asked for (the zone by default) and ask no
/// department, the days before today (UTC) come from daily rollups that
/// the sweeper keeps up to date: a change to a case reported on an earlier
/// day shows within one sweep (`GRIDWORK_SWEEP_INTERVAL_SECS`, 60 s);
/// today's cases, and whether an open case is past its deadline, are read
/// as they are.
#[utoipa::path(
    tag = "stats",
    security(("bearer" = [])),
    params(CaseStatsQuery),
    responses((status = 200, body = CaseStatsView), doc::List)
)]
#[get("/stats/cases")]
pub async fn case_stats(
    state: web::Data<AppState>,
    scoped: Scoped,
    Query(q): Query<CaseStatsQuery>,
) -> Result<HttpResponse, ApiError> {
    let now = gridwork_persistence::time::now();
    let stats = state
        .read(&scoped, move |conn, reading| {
            app::case_stats::compute(
                conn,
                reading,
                q.grid_id.as_ref(),
                q.department_id.clone(),
                q.from,
                q.to,
                now,
                app::case_stats::Reading::Fastest,
            )
        })
        .await?;
    Ok(HttpResponse::Ok().json(CaseStatsView::from(stats)))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DisputeStatsQuery {
    /// This grid and everything below it.
    #[param(value_type = Option<String>, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")]
    pub grid_id: Option<GridId>,
    /// The first month, `YYYY-MM`; eleven months before `to` by default.
    /// At most 24 months before `to`.
    #[validate(custom(function = "month"))]
    #[param(
        min_length = 7,
        max_length = 7,
        pattern = "^2[0-9]{3}-(0[1-9]|1[0-2])$",
        example = "2026-01"
    )]
    pub from: Option<String>,
    /// The last month, `YYYY-MM`; this month (in the zone's time zone) by
    /// default.
    #[validate(custom(function = "month"))]
    #[param(
        min_length = 7,
        max_length = 7,
        pattern = "^2[0-9]{3}-(0[1-9]|1[0-2])$",
        example = "2026-12"
    )]
    pub to: Option<String>,
}

/// Dispute figures for the grids you may see (矛盾纠纷统计), by month and
/// type: how many arose, the mediation success rate of those closed
/// (agreements / closed, withdrawn left out), the same month a year earlier
/// and the change; and the heart-to-heart talks held, by risk.
#[utoipa::path(
    tag = "stats",
    security(("bearer" = [])),
    params(DisputeStatsQuery),
    responses((status = 200, body = DisputeStatsView), doc::List)
)]
#[get("/stats/disputes")]
pub async fn dispute_stats(
    state: web::Data<AppState>,
    scoped: Scoped,
    Query(q): Query<DisputeStatsQuery>,
) -> Result<HttpResponse, ApiError> {
    let today = gridwork_persistence::time::now()
        .with_timezone(&state.time_zone)
        .date_naive();
    let parse = |text: Option<&str>| text.and_then(|t| Month::parse(t).ok());
    let to = parse(q.to.as_deref()).unwrap_or_else(|| Month::of(today));
    let from = parse(q.from.as_deref()).unwrap_or_else(|| to.year_earlier().next());
    let stats = state
        .read(&scoped, move |conn, reading| {
            app::dispute_stats::compute(conn, reading, q.grid_id.as_ref(), from, to)
        })
        .await?;
    Ok(HttpResponse::Ok().json(DisputeStatsView::from(stats)))
}
