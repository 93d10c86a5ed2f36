//! CSV exports (导出) of the caller's reach: enterprises, people (phones
//! masked without people-management rights, ID numbers never in full),
//! cases, inspections, hazards and a month's scorecards. UTF-8 with a BOM,
//! streamed a keyset page at a time; every export is audited.

use actix_web::{HttpResponse, get, web};
use gridwork_domain::audit::AuditAction;
use gridwork_domain::{Permission, month::Month};
use gridwork_persistence::{DbConnection, time};
use serde::Serialize;
use serde_json::Value;

use crate::app::cases::{self as case_app};
use crate::app::{
    AppError, AuditEvent, FieldCode, Origin, Scoped, assessments, enterprises, hazards,
    inspections, people,
};
use crate::http::ApiError;
use crate::http::problems as doc;
use crate::http::query::Query;
use crate::render::csv::{self, Page};
use crate::routes::assessments::ScorecardQuery;
use crate::state::AppState;
use crate::views::assessments::ScorecardPageView;
use crate::views::cases::CaseView;
use crate::views::enterprises::EnterpriseView;
use crate::views::inspections::{HazardView, InspectionView};
use crate::views::people::PersonView;

/// Rows read per page of an export.
const EXPORT_PAGE: i64 = 500;

fn json<T: Serialize>(view: &T) -> Result<Value, AppError> {
    serde_json::to_value(view).map_err(|e| AppError::Internal(e.to_string()))
}

/// The page's rows as views, and the key of the last when more follow.
fn cut<R>(
    mut rows: Vec<R>,
    key: impl Fn(&R) -> String,
    view: impl Fn(&R) -> Result<Value, AppError>,
) -> Result<Page, AppError> {
    let more = rows.len() as i64 > EXPORT_PAGE;
    rows.truncate(usize::try_from(EXPORT_PAGE).unwrap_or(usize::MAX));
    let next = more.then(|| rows.last().map(&key)).flatten();
    Ok((rows.iter().map(view).collect::<Result<_, _>>()?, next))
}

/// Audits the export, reads its first page (refusals answer as problems),
/// then streams the rest.
async fn export<F>(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    what: &'static str,
    columns: &'static [&'static str],
    page: F,
) -> Result<HttpResponse, ApiError>
where
    F: Fn(&mut DbConnection, &Scoped, Option<String>) -> Result<Page, AppError>
        + Send
        + Clone
        + 'static,
{
    let (first_page, reader) = (page.clone(), scoped.clone());
    let first = state
        .run(move |conn| {
            let first = first_page(conn, &reader, None)?;
            AuditEvent::success(AuditAction::Export)
                .by(&reader.caller)
                .detail(serde_json::json!({ "export": what }))
                .write(conn, &origin)?;
            Ok(first)
        })
        .await?;
    let filename = format!("{what}-{}.csv", time::now().format("%Y%m%d"));
    Ok(csv::respond(
        &state,
        &filename,
        columns,
        first,
        move |conn, after| page(conn, &scoped, Some(after)),
    )?)
}

const ENTERPRISES: &[&str] = &[
    "id",
    "name",
    "uscc",
    "grid_id",
    "employee_count",
    "address",
    "principal_person_id",
    "production_characteristics",
    "flags",
    "last_verified_at",
    "stale",
    "created_at",
    "updated_at",
];

/// The enterprises in the caller's scope as CSV (UTF-8 with a BOM).
#[utoipa::path(
    tag = "enterprises",
    security(("bearer" = [])),
    responses((status = 200, content_type = "text/csv", body = String, description = "UTF-8 CSV with a BOM, streamed"), doc::ReadOne)
)]
#[get("/enterprises/export.csv")]
pub async fn export_enterprises(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
) -> Result<HttpResponse, ApiError> {
    let fresh = super::enterprises::freshness(&state);
    export(
        state,
        scoped,
        origin,
        "enterprises",
        ENTERPRISES,
        move |conn, scoped, after| {
            let rows = enterprises::list(
                conn,
                scoped,
                Default::default(),
                after.as_deref(),
                EXPORT_PAGE + 1,
            )?;
            cut(
                rows,
                |r| r.id.to_string(),
                |r| json(&EnterpriseView::new(r, fresh)),
            )
        },
    )
    .await
}

const PEOPLE: &[&str] = &[
    "id",
    "name",
    "mobile",
    "work_phone",
    "id_card",
    "party_member",
    "grid_id",
    "placard_consent",
    "created_at",
    "updated_at",
];

/// The people in the caller's scope as CSV: phones masked without
/// people-management rights, ID numbers never in full.
#[utoipa::path(
    tag = "people",
    security(("bearer" = [])),
    responses((status = 200, content_type = "text/csv", body = String, description = "UTF-8 CSV with a BOM, streamed"), doc::ReadOne)
)]
#[get("/people/export.csv")]
pub async fn export_people(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
) -> Result<HttpResponse, ApiError> {
    let full = scoped.caller.has(Permission::ManagePeople);
    export(
        state,
        scoped,
        origin,
        "people",
        PEOPLE,
        move |conn, scoped, after| {
            let rows = people::list(
                conn,
                scoped,
                Default::default(),
                after.as_deref(),
                EXPORT_PAGE + 1,
            )?;
            cut(
                rows,
                |r| r.id.to_string(),
                |r| json(&PersonView::new(r, full)),
            )
        },
    )
    .await
}

const CASES: &[&str] = &[
    "id",
    "grid_id",
    "category",
    "severity",
    "source",
    "state",
    "level",
    "description",
    "enterprise_id",
    "assignee_id",
    "rework_count",
    "satisfaction",
    "reported_at",
    "resolve_due_at",
    "deadline_status",
    "closed_at",
];

/// The cases the caller may see as CSV, newest first.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    responses((status = 200, content_type = "text/csv", body = String, description = "UTF-8 CSV with a BOM, streamed"), doc::ReadOne)
)]
#[get("/cases/export.csv")]
pub async fn export_cases(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
) -> Result<HttpResponse, ApiError> {
    export(
        state,
        scoped,
        origin,
        "cases",
        CASES,
        move |conn, scoped, before| {
            let rows = case_app::list(
                conn,
                scoped,
                Default::default(),
                None,
                before.as_deref(),
                EXPORT_PAGE + 1,
            )?;
            let now = time::now();
            cut(
                rows,
                |r| r.id.to_string(),
                |r| json(&CaseView::new(r, &[], now)),
            )
        },
    )
    .await
}

const INSPECTIONS: &[&str] = &[
    "id",
    "grid_id",
    "enterprise_id",
    "inspector_id",
    "template_id",
    "template_version",
    "started_at",
    "finished_at",
    "failed_count",
    "on_time",
];

/// The inspections in the caller's scope as CSV, newest first.
#[utoipa::path(
    tag = "inspections",
    security(("bearer" = [])),
    responses((status = 200, content_type = "text/csv", body = String, description = "UTF-8 CSV with a BOM, streamed"), doc::ReadOne)
)]
#[get("/inspections/export.csv")]
pub async fn export_inspections(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
) -> Result<HttpResponse, ApiError> {
    export(
        state,
        scoped,
        origin,
        "inspections",
        INSPECTIONS,
        move |conn, scoped, after| {
            let after = after
                .as_deref()
                .map(crate::http::paging::time_and_id_at)
                .transpose()
                .map_err(|_| AppError::Internal("export cursor".into()))?;
            let rows = inspections::list(conn, scoped, None, after, EXPORT_PAGE + 1)?;
            let now = time::now();
            cut(
                rows,
                |r| crate::http::paging::time_and_id(r.finished_at, r.id.as_str()),
                |r| json(&InspectionView::new(r, Vec::new(), &[], now)),
            )
        },
    )
    .await
}

const HAZARDS: &[&str] = &[
    "id",
    "grid_id",
    "enterprise_id",
    "inspection_id",
    "item_key",
    "severity",
    "state",
    "description",
    "rectify_due_at",
    "overdue",
    "rectified_at",
    "verified_at",
    "case_id",
    "created_at",
];

/// The hazards in the caller's scope as CSV, newest first.
#[utoipa::path(
    tag = "inspections",
    security(("bearer" = [])),
    responses((status = 200, content_type = "text/csv", body = String, description = "UTF-8 CSV with a BOM, streamed"), doc::ReadOne)
)]
#[get("/hazards/export.csv")]
pub async fn export_hazards(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
) -> Result<HttpResponse, ApiError> {
    export(
        state,
        scoped,
        origin,
        "hazards",
        HAZARDS,
        move |conn, scoped, before| {
            let rows = hazards::list(
                conn,
                scoped,
                Default::default(),
                before.as_deref(),
                EXPORT_PAGE + 1,
            )?;
            let now = time::now();
            cut(
                rows,
                |r| r.id.to_string(),
                |r| json(&HazardView::new(r, now)),
            )
        },
    )
    .await
}

const SCORECARDS: &[&str] = &[
    "position",
    "rank",
    "subject_id",
    "name_zh",
    "grid_id",
    "total_basis_points",
    "flag",
    "resolution_rate",
    "on_time_closure",
    "no_rework",
    "satisfaction",
    "inspection_completion",
    "hazards_rectified_on_time",
    "policy_acknowledgement",
    "valid_report_rate",
];

/// A month's scorecards of one level that the caller may see as CSV, in
/// ranking order; each indicator as `numerator/denominator`.
#[utoipa::path(
    tag = "assessments",
    security(("bearer" = [])),
    params(ScorecardQuery),
    responses((status = 200, content_type = "text/csv", body = String, description = "UTF-8 CSV with a BOM, streamed"), doc::List)
)]
#[get("/assessments/export.csv")]
pub async fn export_scorecards(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    Query(q): Query<ScorecardQuery>,
) -> Result<HttpResponse, ApiError> {
    let tz = state.time_zone;
    let level = q.level;
    let month = Month::parse(&q.period)
        .map_err(|what| AppError::invalid("period", FieldCode::Invalid, what))?;
    export(
        state,
        scoped,
        origin,
        "scorecards",
        SCORECARDS,
        move |conn, scoped, after| {
            let after = after.and_then(|a| a.parse().ok());
            let page = assessments::list(
                conn,
                scoped,
                month,
                level,
                tz,
                time::now(),
                after,
                EXPORT_PAGE + 1,
            )?;
            let view = ScorecardPageView::of(&page, level, None);
            let mut rows: Vec<Value> = Vec::with_capacity(view.items.len());
            for card in &view.items {
                let mut row = json(card)?;
                for i in &card.indicators {
                    row[i.indicator.code()] =
                        Value::String(format!("{}/{}", i.numerator, i.denominator));
                }
                rows.push(row);
            }
            let positions: Vec<i32> = page.items.iter().map(|c| c.row.position).collect();
            cut(
                rows.into_iter().zip(positions).collect(),
                |(_, p)| p.to_string(),
                |(row, _)| Ok(row.clone()),
            )
        },
    )
    .await
}
