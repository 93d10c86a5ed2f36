//! Riders enrolled as mobile grid workers: the platform's side (with its
//! integrator key, under `/integrations`) and the grid's side (grid leaders
//! and zone officers decide, under `/enrolments`).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, delete, get, post, web};
use gridwork_domain::integrator::EnrolmentState;
use gridwork_domain::{EnrolmentId, Permission};
use gridwork_persistence::integrator::EnrolmentRow;
use gridwork_persistence::time;
use serde::Deserialize;
use utoipa::IntoParams;
use validator::Validate;

use crate::app::enrolments::{self, EnrolRider, RefuseEnrolment};
use crate::app::integrators::Integrator;
use crate::app::{Origin, Scoped};
use crate::http::idempotency::{IdempotencyKey, Idempotent, Reply};
use crate::http::json::Json;
use crate::http::paging::{Page, PageQuery};
use crate::http::problems as doc;
use crate::http::query::Listing;
use crate::http::{API_PREFIX, ApiError};
use crate::state::AppState;
use crate::views::integrators::{EnrolmentPage, EnrolmentView, RiderToken};

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EnrolmentQuery {
    pub state: Option<EnrolmentState>,
}

fn page_of(rows: Vec<EnrolmentRow>, page: &Page, full: bool) -> EnrolmentPage {
    let (rows, next_cursor) = page.finish(rows, |r| r.id.to_string());
    EnrolmentPage {
        items: rows.iter().map(|r| EnrolmentView::new(r, full)).collect(),
        next_cursor,
    }
}

const ID: &str = "Enrolment id";

/// Enrol a rider as a mobile grid worker (integrators with `enrol_riders`).
///
/// The rider's consent to the use of their location, with its time, is
/// required (PIPL art. 28–29). The enrolment is `pending` until a grid
/// leader or zone officer of the grid approves it — which makes the rider's
/// person, account and `mobile_worker` assignment — or refuses it with a
/// reason. One open (pending or approved) enrolment per platform rider id
/// (`rider_enrolled`).
#[utoipa::path(
    tag = "integrations",
    security(("integrator_key" = [])),
    params(IdempotencyKey),
    request_body = EnrolRider,
    responses(
        (status = 201, description = "Enrolled, pending; `Location` names it", body = EnrolmentView,
            headers(("Location" = String, description = "URL of the enrolment"), ("ETag" = String))),
        doc::Create,
    )
)]
#[post("/integrations/mobile-workers")]
pub async fn enrol_rider(
    state: web::Data<AppState>,
    integrator: Integrator,
    origin: Origin,
    claim: Idempotent,
    body: Json<EnrolRider>,
) -> Result<Reply, ApiError> {
    state
        .write(claim, move |conn| {
            let row = enrolments::enrol(conn, &integrator, &origin, &body, time::now())?;
            let location = format!("{API_PREFIX}/integrations/mobile-workers/{}", row.id);
            Reply::created(location, row.version, &EnrolmentView::new(&row, true))
        })
        .await
}

/// The platform's own enrolments, newest first (integrators).
#[utoipa::path(
    tag = "integrations",
    security(("integrator_key" = [])),
    params(EnrolmentQuery, PageQuery),
    responses(
        (status = 200, body = EnrolmentPage),
        (status = 403, response = doc::Forbidden),
        doc::List,
    )
)]
#[get("/integrations/mobile-workers")]
pub async fn list_own_enrolments(
    state: web::Data<AppState>,
    integrator: Integrator,
    Listing { filter, page }: Listing<EnrolmentQuery>,
) -> Result<HttpResponse, ApiError> {
    let (fetch, before) = (page.fetch, page.after.clone());
    let rows = state
        .run(move |conn| {
            enrolments::list_own(conn, &integrator, filter.state, before.as_deref(), fetch)
        })
        .await?;
    Ok(HttpResponse::Ok().json(page_of(rows, &page, true)))
}

/// One of the platform's own enrolments (integrators); another platform's
/// answers 404.
#[utoipa::path(
    tag = "integrations",
    security(("integrator_key" = [])),
    params(("id" = String, Path, description = ID, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")),
    responses(
        (status = 200, body = EnrolmentView),
        (status = 403, response = doc::Forbidden),
        doc::ReadOne,
    )
)]
#[get("/integrations/mobile-workers/{id}")]
pub async fn get_own_enrolment(
    state: web::Data<AppState>,
    integrator: Integrator,
    id: web::Path<EnrolmentId>,
) -> Result<HttpResponse, ApiError> {
    let row = state
        .run(move |conn| enrolments::find_own(conn, &integrator, &id))
        .await?;
    Ok(HttpResponse::Ok().json(EnrolmentView::new(&row, true)))
}

/// Withdraw a rider (integrators): the rider left the platform or withdrew
/// consent. An approved rider's assignment ends and their account and
/// tokens stop at once; their mobile number is erased. Withdrawing again
/// answers the same; a refused enrolment answers 409.
#[utoipa::path(
    tag = "integrations",
    security(("integrator_key" = [])),
    params(("id" = String, Path, description = ID, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")),
    responses(
        (status = 200, body = EnrolmentView),
        doc::Action,
    )
)]
#[delete("/integrations/mobile-workers/{id}")]
pub async fn withdraw_enrolment(
    state: web::Data<AppState>,
    integrator: Integrator,
    origin: Origin,
    id: web::Path<EnrolmentId>,
) -> Result<HttpResponse, ApiError> {
    let row = state
        .run(move |conn| enrolments::withdraw(conn, &integrator, &origin, &id, time::now()))
        .await?;
    Ok(HttpResponse::Ok().json(EnrolmentView::new(&row, true)))
}

/// Exchange the integrator key for a short-lived token of one approved
/// rider (integrators with `report_cases`).
///
/// With it the platform's app, for that rider, reports cases (anywhere in
/// the zone: a point is located to its grid; `source` is recorded as
/// `mobile_worker`), uploads their photos and — with `read_own_cases` —
/// follows the rider's own cases (`GET /cases`, `/cases/{id}`, its
/// timeline, its photos); every other operation answers 403
/// `rider_token_restricted`. It lives 10 minutes by default
/// (`GRIDWORK_RIDER_TOKEN_TTL_SECS`) and stops working at once when the key
/// is revoked or ends, the integrator is disabled or loses `report_cases`,
/// or the rider is withdrawn. Not approved: 409. A retry under the same
/// `Idempotency-Key` answers `access_token: null` (tokens are never
/// stored): exchange again without the key for a new one.
#[utoipa::path(
    tag = "integrations",
    security(("integrator_key" = [])),
    params(("id" = String, Path, description = ID, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$"), IdempotencyKey),
    responses(
        (status = 200, body = RiderToken),
        doc::Action,
    )
)]
#[post("/integrations/mobile-workers/{id}/token")]
pub async fn rider_token(
    state: web::Data<AppState>,
    integrator: Integrator,
    origin: Origin,
    claim: Idempotent,
    id: web::Path<EnrolmentId>,
) -> Result<Reply, ApiError> {
    let key_id = integrator.key_id.to_string();
    let app = state.clone();
    state
        .write(claim, move |conn| {
            let account = enrolments::rider_account(conn, &integrator, &origin, &id)?;
            let ttl = app.rider_token_ttl.num_seconds().max(1);
            let token = app
                .tokens
                .issue_rider(
                    account.user_id.as_str(),
                    account.token_version,
                    &key_id,
                    time::now().timestamp(),
                    ttl,
                )
                .map_err(|e| crate::app::AppError::Internal(format!("rider token: {e}")))?;
            let answer = |access_token| RiderToken {
                access_token,
                token_type: "Bearer",
                expires_in: ttl,
            };
            Reply::json(StatusCode::OK, &answer(Some(token)))?.replayed_as(&answer(None))
        })
        .await
}

/// Enrolments of riders into the caller's grids, newest first (grid
/// leaders, zone officers, admins).
#[utoipa::path(
    tag = "integrations",
    security(("bearer" = [])),
    params(EnrolmentQuery, PageQuery),
    responses(
        (status = 200, body = EnrolmentPage),
        (status = 403, response = doc::Forbidden),
        doc::List,
    )
)]
#[get("/enrolments")]
pub async fn list_enrolments(
    state: web::Data<AppState>,
    scoped: Scoped,
    Listing { filter, page }: Listing<EnrolmentQuery>,
) -> Result<HttpResponse, ApiError> {
    let full = scoped.caller.has(Permission::ManagePeople);
    let (fetch, before) = (page.fetch, page.after.clone());
    let rows = state
        .run(move |conn| enrolments::list(conn, &scoped, filter.state, before.as_deref(), fetch))
        .await?;
    Ok(HttpResponse::Ok().json(page_of(rows, &page, full)))
}

/// An enrolment into a grid of the caller's scope (grid leaders, zone
/// officers, admins).
#[utoipa::path(
    tag = "integrations",
    security(("bearer" = [])),
    params(("id" = String, Path, description = ID, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")),
    responses(
        (status = 200, body = EnrolmentView),
        (status = 403, response = doc::Forbidden),
        doc::ReadOne,
    )
)]
#[get("/enrolments/{id}")]
pub async fn get_enrolment(
    state: web::Data<AppState>,
    scoped: Scoped,
    id: web::Path<EnrolmentId>,
) -> Result<HttpResponse, ApiError> {
    let full = scoped.caller.has(Permission::ManagePeople);
    let row = state
        .run(move |conn| enrolments::find(conn, &scoped, &id))
        .await?;
    Ok(HttpResponse::Ok().json(EnrolmentView::new(&row, full)))
}

/// Approve a pending enrolment (grid leaders and zone officers of the
/// grid): the rider becomes a person of the grid with an account and a
/// `mobile_worker` assignment, all in one step. The account has no
/// password: the rider acts only through the platform's rider tokens.
#[utoipa::path(
    tag = "integrations",
    security(("bearer" = [])),
    params(("id" = String, Path, description = ID, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$"), IdempotencyKey),
    responses(
        (status = 200, body = EnrolmentView),
        doc::Action,
    )
)]
#[post("/enrolments/{id}/approve")]
pub async fn approve_enrolment(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    claim: Idempotent,
    id: web::Path<EnrolmentId>,
) -> Result<Reply, ApiError> {
    let full = scoped.caller.has(Permission::ManagePeople);
    state
        .write(claim, move |conn| {
            let row = enrolments::approve(conn, &scoped, &origin, &id, time::now())?;
            Reply::json(StatusCode::OK, &EnrolmentView::new(&row, full))
        })
        .await
}

/// Refuse a pending enrolment, with a reason (grid leaders and zone
/// officers of the grid).
#[utoipa::path(
    tag = "integrations",
    security(("bearer" = [])),
    params(("id" = String, Path, description = ID, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$"), IdempotencyKey),
    request_body = RefuseEnrolment,
    responses(
        (status = 200, body = EnrolmentView),
        doc::Update,
    )
)]
#[post("/enrolments/{id}/refuse")]
pub async fn refuse_enrolment(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    claim: Idempotent,
    id: web::Path<EnrolmentId>,
    body: Json<RefuseEnrolment>,
) -> Result<Reply, ApiError> {
    let full = scoped.caller.has(Permission::ManagePeople);
    state
        .write(claim, move |conn| {
            let row = enrolments::refuse(conn, &scoped, &origin, &id, &body, time::now())?;
            Reply::json(StatusCode::OK, &EnrolmentView::new(&row, full))
        })
        .await
}
