//! Integrators (admins): outside systems such as courier platforms, their
//! scopes and their keys.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, delete, get, patch, post, web};
use gridwork_domain::{IntegratorId, IntegratorKeyId};
use gridwork_persistence::time;

use crate::app::integrators::{self, CreateIntegrator, RotateKey, UpdateIntegrator};
use crate::app::{Caller, Origin};
use crate::http::idempotency::{IdempotencyKey, Idempotent, Reply};
use crate::http::json::Json;
use crate::http::paging::PageQuery;
use crate::http::precondition::{IfMatch, IfMatchHeader, with_etag};
use crate::http::problems as doc;
use crate::http::query::{Listing, NoFilter};
use crate::http::{API_PREFIX, ApiError};
use crate::state::AppState;
use crate::views::integrators::{
    CreatedIntegrator, CreatedIntegratorKey, IntegratorKeyView, IntegratorPage, IntegratorView,
};

/// Register an integrator (admins), with its first key.
///
/// The key is in this answer only (`key`); the server keeps its SHA-256.
/// The integrator sends it as `Authorization: Bearer gw_int_…` to the
/// operations tagged `integrations` and to Open311. Scopes: `enrol_riders`
/// (enrol riders as mobile grid workers), `report_cases` (exchange the key
/// for rider tokens; report through Open311), `read_own_cases` (riders
/// follow their own cases), `receive_webhooks`.
#[utoipa::path(
    tag = "integrators",
    security(("bearer" = [])),
    params(IdempotencyKey),
    request_body = CreateIntegrator,
    responses(
        (status = 201, description = "Created; `Location` names it", body = CreatedIntegrator,
            headers(("Location" = String, description = "URL of the new integrator"), ("ETag" = String))),
        doc::Create,
    )
)]
#[post("/integrators")]
pub async fn create_integrator(
    state: web::Data<AppState>,
    caller: Caller,
    origin: Origin,
    claim: Idempotent,
    body: Json<CreateIntegrator>,
) -> Result<Reply, ApiError> {
    let minted = state.integrator_keys.mint();
    state
        .write(claim, move |conn| {
            let issued = integrators::create(
                conn,
                &caller,
                &origin,
                &body,
                (minted.id, minted.token),
                time::now(),
            )?;
            let location = format!("{API_PREFIX}/integrators/{}", issued.integrator.id);
            Reply::created(
                location,
                issued.integrator.version,
                &CreatedIntegrator::new(&issued, true)?,
            )?
            .replayed_as(&CreatedIntegrator::new(&issued, false)?)
        })
        .await
}

/// Integrators, oldest first (admins).
#[utoipa::path(
    tag = "integrators",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, body = IntegratorPage),
        (status = 403, response = doc::Forbidden),
        doc::List,
    )
)]
#[get("/integrators")]
pub async fn list_integrators(
    state: web::Data<AppState>,
    caller: Caller,
    Listing { page, .. }: Listing<NoFilter>,
) -> Result<HttpResponse, ApiError> {
    let (fetch, after) = (page.fetch, page.after.clone());
    let rows = state
        .run(move |conn| integrators::list(conn, &caller, after.as_deref(), fetch))
        .await?;
    let (rows, next_cursor) = page.finish(rows, |r| r.id.to_string());
    let items = rows
        .iter()
        .map(|r| IntegratorView::new(r, None))
        .collect::<Result<_, _>>()?;
    Ok(HttpResponse::Ok().json(IntegratorPage { items, next_cursor }))
}

/// An integrator with the keys that work now (admins; never the secrets).
#[utoipa::path(
    tag = "integrators",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Integrator id", min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")),
    responses(
        (status = 200, body = IntegratorView, headers(("ETag" = String))),
        (status = 403, response = doc::Forbidden),
        doc::ReadOne,
    )
)]
#[get("/integrators/{id}")]
pub async fn get_integrator(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<IntegratorId>,
) -> Result<HttpResponse, ApiError> {
    let (row, keys) = state
        .run(move |conn| integrators::get(conn, &caller, &id, time::now()))
        .await?;
    let view = IntegratorView::new(&row, Some(&keys))?;
    Ok(with_etag(HttpResponse::Ok(), row.version, &view))
}

/// Rename an integrator, change its scopes, disable or enable it (admins).
///
/// Disabling stops its keys and its riders' tokens at once.
#[utoipa::path(
    tag = "integrators",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Integrator id", min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$"), IfMatchHeader),
    request_body = UpdateIntegrator,
    responses(
        (status = 200, body = IntegratorView, headers(("ETag" = String))),
        doc::Update,
    )
)]
#[patch("/integrators/{id}")]
pub async fn update_integrator(
    state: web::Data<AppState>,
    caller: Caller,
    origin: Origin,
    IfMatch(expected): IfMatch,
    id: web::Path<IntegratorId>,
    body: Json<UpdateIntegrator>,
) -> Result<HttpResponse, ApiError> {
    let (row, keys) = state
        .run(move |conn| {
            integrators::update(conn, &caller, &origin, &id, &expected, &body, time::now())
        })
        .await?;
    let view = IntegratorView::new(&row, Some(&keys))?;
    Ok(with_etag(HttpResponse::Ok(), row.version, &view))
}

/// Rotate: issue a new key (admins); the working keys keep working for the
/// overlap (default 24 hours, 0 to stop them now).
///
/// The new key is in this answer only. At most 5 working keys
/// (`too_many_tokens`).
#[utoipa::path(
    tag = "integrators",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Integrator id", min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$"), IdempotencyKey),
    request_body = RotateKey,
    responses(
        (status = 201, description = "Issued", body = CreatedIntegratorKey,
            headers(("Location" = String, description = "URL of the integrator"))),
        doc::CreateUnder,
    )
)]
#[post("/integrators/{id}/keys")]
pub async fn rotate_integrator_key(
    state: web::Data<AppState>,
    caller: Caller,
    origin: Origin,
    claim: Idempotent,
    id: web::Path<IntegratorId>,
    body: Json<RotateKey>,
) -> Result<Reply, ApiError> {
    let minted = state.integrator_keys.mint();
    state
        .write(claim, move |conn| {
            let issued = integrators::rotate(
                conn,
                &caller,
                &origin,
                &id,
                &body,
                (minted.id, minted.token),
                time::now(),
            )?;
            let record = IntegratorKeyView::from(&issued.key);
            let location = format!("{API_PREFIX}/integrators/{}", issued.integrator.id);
            let replay = CreatedIntegratorKey {
                record: record.clone(),
                key: None,
            };
            Reply::json(
                StatusCode::CREATED,
                &CreatedIntegratorKey {
                    record,
                    key: Some(issued.secret),
                },
            )?
            .header(header::LOCATION, location)
            .replayed_as(&replay)
        })
        .await
}

/// Revoke one of an integrator's keys at once (admins). Revoking it again
/// answers 204 too.
#[utoipa::path(
    tag = "integrators",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Integrator id", min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$"),
        ("key_id" = String, Path, description = "Key id", min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$"),
    ),
    responses(
        (status = 204, description = "Revoked"),
        (status = 403, response = doc::Forbidden),
        doc::ReadOne,
    )
)]
#[delete("/integrators/{id}/keys/{key_id}")]
pub async fn revoke_integrator_key(
    state: web::Data<AppState>,
    caller: Caller,
    origin: Origin,
    path: web::Path<(IntegratorId, IntegratorKeyId)>,
) -> Result<HttpResponse, ApiError> {
    let (id, key_id) = path.into_inner();
    state
        .run(move |conn| integrators::revoke_key(conn, &caller, &origin, &id, &key_id, time::now()))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
