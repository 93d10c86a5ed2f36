//! Inspections submitted and the hazards they found, with the steps of a
//! hazard's rectification.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, get, post, web};
use gridwork_domain::hazard::{HazardAction, HazardState};
use gridwork_domain::{EnterpriseId, HazardId, InspectionId};
use gridwork_persistence::hazard::HazardFilter;
use gridwork_persistence::time;
use serde::Deserialize;
use utoipa::IntoParams;
use validator::Validate;

use crate::app::Expected;
use crate::app::hazards::{self, HazardStepInput};
use crate::app::inspections::{self, CreateInspection};
use crate::app::{Origin, Scoped};
use crate::http::idempotency::{IdempotencyKey, Idempotent, Reply};
use crate::http::json::Json;
use crate::http::paging::{PageQuery, time_and_id, time_and_id_at};
use crate::http::precondition::{IfMatch, IfMatchHeader, etag, with_etag};
use crate::http::problems as doc;
use crate::http::query::Listing;
use crate::http::{API_PREFIX, ApiError};
use crate::state::AppState;
use crate::views::inspections::{HazardPage, HazardView, InspectionPage, InspectionView};

/// Submit an inspection (排查): of a scheduled occurrence, or unscheduled
/// in a grid or enterprise of your scope; answers checked against the
/// template version used (a 422 names the item, `answers.<key>`). Each
/// failed item opens a hazard. Finished inside the occurrence's window it
/// counts on time, however late it is uploaded. Made offline it carries the
/// device's UUIDv7: sent again it answers 200; other content under that id
/// answers 409 `inspection_exists`.
#[utoipa::path(
    tag = "inspections",
    security(("bearer" = [])),
    params(IdempotencyKey),
    request_body = CreateInspection,
    responses(
        (status = 201, body = InspectionView, headers(("Location" = String))),
        (status = 200, description = "The same offline inspection sent again", body = InspectionView, headers(("Location" = String))),
        doc::Create,
    )
)]
#[post("/inspections")]
pub async fn create_inspection(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    claim: Idempotent,
    body: Json<CreateInspection>,
) -> Result<Reply, ApiError> {
    let now = time::now();
    state
        .write(claim, move |conn| {
            let recorded = inspections::create(conn, &scoped, &origin, &body, now)?;
            let answers = inspections::answers(&recorded.row)?;
            let view = InspectionView::new(&recorded.row, answers, &recorded.hazards, now);
            let status = if recorded.created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            Ok(Reply::json(status, &view)?.header(
                header::LOCATION,
                format!("{API_PREFIX}/inspections/{}", recorded.row.id),
            ))
        })
        .await
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InspectionQuery {
    #[param(value_type = Option<String>, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")]
    pub enterprise_id: Option<EnterpriseId>,
}

/// Inspections in the grids you may see, latest finished first.
#[utoipa::path(
    tag = "inspections",
    security(("bearer" = [])),
    params(InspectionQuery, PageQuery),
    responses((status = 200, body = InspectionPage), doc::List)
)]
#[get("/inspections")]
pub async fn list_inspections(
    state: web::Data<AppState>,
    scoped: Scoped,
    Listing { filter, page }: Listing<InspectionQuery>,
) -> Result<HttpResponse, ApiError> {
    let now = time::now();
    let after = page.after.as_deref().map(time_and_id_at).transpose()?;
    let fetch = page.fetch;
    let rows = state
        .run(move |conn| {
            let rows =
                inspections::list(conn, &scoped, filter.enterprise_id.as_ref(), after, fetch)?;
            rows.into_iter()
                .map(|r| inspections::answers(&r).map(|a| (r, a)))
                .collect::<Result<Vec<_>, _>>()
        })
        .await?;
    let (rows, next_cursor) = page.finish(rows, |(r, _)| time_and_id(r.finished_at, r.id.as_str()));
    Ok(HttpResponse::Ok().json(InspectionPage {
        items: rows
            .into_iter()
            .map(|(r, a)| InspectionView::new(&r, a, &[], now))
            .collect(),
        next_cursor,
    }))
}

/// One inspection, with its answers and hazards.
#[utoipa::path(
    tag = "inspections",
    security(("bearer" = [])),
    params(("id" = String, Path, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")),
    responses((status = 200, body = InspectionView), doc::ReadOne)
)]
#[get("/inspections/{id}")]
pub async fn get_inspection(
    state: web::Data<AppState>,
    scoped: Scoped,
    id: web::Path<InspectionId>,
) -> Result<HttpResponse, ApiError> {
    let now = time::now();
    let (row, answers, found) = state
        .run(move |conn| {
            let (row, found) = inspections::find(conn, &scoped, &id)?;
            let answers = inspections::answers(&row)?;
            Ok((row, answers, found))
        })
        .await?;
    Ok(HttpResponse::Ok().json(InspectionView::new(&row, answers, &found, now)))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HazardQuery {
    pub state: Option<HazardState>,
    #[param(value_type = Option<String>, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")]
    pub enterprise_id: Option<EnterpriseId>,
    /// Only those past their rectification deadline (true).
    pub overdue: Option<bool>,
}

/// Hazards in the grids you may see, newest first.
#[utoipa::path(
    tag = "inspections",
    security(("bearer" = [])),
    params(HazardQuery, PageQuery),
    responses((status = 200, body = HazardPage), doc::List)
)]
#[get("/hazards")]
pub async fn list_hazards(
    state: web::Data<AppState>,
    scoped: Scoped,
    Listing { filter: q, page }: Listing<HazardQuery>,
) -> Result<HttpResponse, ApiError> {
    let now = time::now();
    let filter = HazardFilter {
        grids: None,
        states: q.state.map(|s| vec![s]),
        enterprise: q.enterprise_id,
        overdue_at: (q.overdue == Some(true)).then(|| time::to_db(now)),
    };
    let (fetch, before) = (page.fetch, page.after.clone());
    let rows = state
        .run(move |conn| hazards::list(conn, &scoped, filter, before.as_deref(), fetch))
        .await?;
    let (rows, next_cursor) = page.finish(rows, |r| r.id.to_string());
    Ok(HttpResponse::Ok().json(HazardPage {
        items: rows.iter().map(|r| HazardView::new(r, now)).collect(),
        next_cursor,
    }))
}

/// One hazard: in your grids, or of the enterprise you head.
#[utoipa::path(
    tag = "inspections",
    security(("bearer" = [])),
    params(("id" = String, Path, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")),
    responses((status = 200, body = HazardView, headers(("ETag" = String))), doc::ReadOne)
)]
#[get("/hazards/{id}")]
pub async fn get_hazard(
    state: web::Data<AppState>,
    scoped: Scoped,
    id: web::Path<HazardId>,
) -> Result<HttpResponse, ApiError> {
    let (row, _) = state
        .run(move |conn| hazards::find(conn, &scoped, &id))
        .await?;
    Ok(with_etag(
        HttpResponse::Ok(),
        row.version,
        &HazardView::new(&row, time::now()),
    ))
}

/// Declares one step of a hazard: `POST /hazards/{id}/<step>` with
/// `If-Match` and `Idempotency-Key`, answering the hazard.
macro_rules! hazard_step {
    ($name:ident, $path:literal, $action:expr, $doc:literal) => {
        #[doc = $doc]
        #[utoipa::path(
            tag = "inspections",
            security(("bearer" = [])),
            params(IdempotencyKey, IfMatchHeader, ("id" = String, Path, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")),
            request_body = HazardStepInput,
            responses((status = 200, body = HazardView, headers(("ETag" = String))), doc::Update)
        )]
        #[post($path)]
        pub async fn $name(
            state: web::Data<AppState>,
            scoped: Scoped,
            origin: Origin,
            claim: Idempotent,
            IfMatch(expected): IfMatch,
            id: web::Path<HazardId>,
            body: Json<HazardStepInput>,
        ) -> Result<Reply, ApiError> {
            step(state, scoped, origin, claim, expected, id.into_inner(), $action, body.into_inner()).await
        }
    };
}

#[allow(clippy::too_many_arguments)] // the extracted parts of a step request
async fn step(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    claim: Idempotent,
    expected: Expected,
    id: HazardId,
    action: HazardAction,
    input: HazardStepInput,
) -> Result<Reply, ApiError> {
    let now = time::now();
    state
        .write(claim, move |conn| {
            let row = hazards::step(
                conn,
                &scoped,
                &origin,
                &id,
                &expected,
                (action, &input),
                now,
            )?;
            Ok(Reply::json(StatusCode::OK, &HazardView::new(&row, now))?
                .header(header::ETAG, etag(row.version)))
        })
        .await
}

hazard_step!(
    start_hazard,
    "/hazards/{id}/start",
    HazardAction::Start,
    "Start rectifying an open hazard: the grid's staff or the enterprise's principal."
);
hazard_step!(
    rectify_hazard,
    "/hazards/{id}/rectify",
    HazardAction::Rectify,
    "Report a hazard rectified, with 1–10 evidence photos: the grid's staff or the enterprise's principal."
);
hazard_step!(
    verify_hazard,
    "/hazards/{id}/verify",
    HazardAction::Verify,
    "Verify a rectified hazard (验收): the grid leader or the zone office."
);
hazard_step!(
    reopen_hazard,
    "/hazards/{id}/reopen",
    HazardAction::Reopen,
    "Send a rectified hazard back for more work, with the reason in `note`: the grid leader or the zone office."
);
