//! Personal access tokens of the caller's own account, for scripts.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, delete, get, post, web};
use gridwork_domain::AccessTokenId;
use gridwork_persistence::time;

use crate::app::access_tokens::{self, CreateAccessToken};
use crate::app::{Caller, Origin};
use crate::http::idempotency::{IdempotencyKey, Idempotent, Reply};
use crate::http::json::Json;
use crate::http::paging::PageQuery;
use crate::http::problems as doc;
use crate::http::query::{Listing, NoFilter};
use crate::http::{API_PREFIX, ApiError};
use crate::state::AppState;
use crate::views::access_tokens::{AccessTokenPage, AccessTokenView, CreatedAccessToken};

/// Make a personal access token for the caller's own account.
///
/// For scripts: send it as `Authorization: Bearer gw_pat_…`. The secret is
/// in this answer only; the server keeps its SHA-256. A token lives 1–365
/// days, may be limited to some of your roles, and acts only while your
/// account is enabled and with the roles you still hold. At most 50 working
/// tokens per account (`too_many_tokens`). Tokens are managed from a login
/// only: a request made with a token answers 403 here.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(IdempotencyKey),
    request_body = CreateAccessToken,
    responses(
        (status = 201, description = "Created; `Location` names it", body = CreatedAccessToken,
            headers(("Location" = String, description = "URL of the new token's record"))),
        doc::Create,
    )
)]
#[post("/me/tokens")]
pub async fn create_access_token(
    state: web::Data<AppState>,
    caller: Caller,
    origin: Origin,
    claim: Idempotent,
    body: Json<CreateAccessToken>,
) -> Result<Reply, ApiError> {
    let minted = state.pats.mint();
    state
        .write(claim, move |conn| {
            let created = access_tokens::create(
                conn,
                &caller,
                &origin,
                &body,
                (minted.id, minted.token),
                time::now(),
            )?;
            let record = AccessTokenView::try_from(&created.row)?;
            let location = format!("{API_PREFIX}/me/tokens/{}", created.row.id);
            let replay = CreatedAccessToken {
                record: record.clone(),
                token: None,
            };
            Reply::json(
                StatusCode::CREATED,
                &CreatedAccessToken {
                    record,
                    token: Some(created.secret),
                },
            )?
            .header(header::LOCATION, location)
            .replayed_as(&replay)
        })
        .await
}

/// The caller's own personal access tokens, oldest first (never the secrets).
///
/// Revoked tokens are gone from the list; expired ones stay until revoked.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, body = AccessTokenPage),
        (status = 403, response = doc::Forbidden),
        doc::List,
    )
)]
#[get("/me/tokens")]
pub async fn list_access_tokens(
    state: web::Data<AppState>,
    caller: Caller,
    Listing { page, .. }: Listing<NoFilter>,
) -> Result<HttpResponse, ApiError> {
    let (fetch, after) = (page.fetch, page.after.clone());
    let rows = state
        .run(move |conn| access_tokens::list(conn, &caller, after.as_deref(), fetch))
        .await?;
    let (rows, next_cursor) = page.finish(rows, |r| r.id.to_string());
    let items = rows
        .iter()
        .map(AccessTokenView::try_from)
        .collect::<Result<_, _>>()?;
    Ok(HttpResponse::Ok().json(AccessTokenPage { items, next_cursor }))
}

/// One of the caller's own personal access tokens (never the secret); a
/// revoked one is gone.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Token id", min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")),
    responses(
        (status = 200, body = AccessTokenView),
        (status = 403, response = doc::Forbidden),
        doc::ReadOne,
    )
)]
#[get("/me/tokens/{id}")]
pub async fn get_access_token(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<AccessTokenId>,
) -> Result<HttpResponse, ApiError> {
    let row = state
        .run(move |conn| access_tokens::get(conn, &caller, &id))
        .await?;
    Ok(HttpResponse::Ok().json(AccessTokenView::try_from(&row)?))
}

/// Revoke one of the caller's own personal access tokens; it stops working
/// at once. Revoking it again answers 204 too (a retried DELETE); another
/// account's token answers 404.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Token id", min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 403, response = doc::Forbidden),
        doc::ReadOne,
    )
)]
#[delete("/me/tokens/{id}")]
pub async fn revoke_access_token(
    state: web::Data<AppState>,
    caller: Caller,
    origin: Origin,
    id: web::Path<AccessTokenId>,
) -> Result<HttpResponse, ApiError> {
    state
        .run(move |conn| access_tokens::revoke(conn, &caller, &origin, &id, time::now()))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
