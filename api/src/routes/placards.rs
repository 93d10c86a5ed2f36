//! Placards (网格员信息公示牌): who to call in each grid. Staff preview,
//! publish and re-key them; employees scan the QR on the printed board and
//! reach a public page (HTML for browsers, JSON for apps) with no login.
//! Nothing personal appears without the person's consent; mobile numbers are
//! masked and only work numbers are shown in full.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use gridwork_domain::GridId;
use gridwork_domain::placard::Blocker;
use gridwork_persistence::time;
use utoipa::IntoParams;

use crate::app::placards::{self, Board, Change};
use crate::app::{AppError, Origin, Scoped};
use crate::auth::print_link::{Grant, View};
use crate::extract::print_access;
use crate::http::API_PREFIX;
use crate::http::ApiError;
use crate::http::idempotency::{IdempotencyKey, Idempotent, Reply};
use crate::http::problems as doc;
use crate::http::query::Query;
use crate::render::placards::{self as render, Skipped};
use crate::state::AppState;
use crate::views::placards::{PlacardPreview, PrintLinkView, PublicPlacard, QrSvg, public_url};

/// The placard as it would be published, with what is still missing.
#[utoipa::path(
    tag = "placards",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Grid id", min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")),
    responses(
        (status = 200, body = PlacardPreview),
        doc::ReadOne,
    )
)]
#[get("/grids/{id}/placard")]
pub async fn preview_placard(
    state: web::Data<AppState>,
    scoped: Scoped,
    id: web::Path<GridId>,
) -> Result<HttpResponse, ApiError> {
    let board = state
        .run(move |conn| placards::preview(conn, &scoped, &id))
        .await?;
    Ok(HttpResponse::Ok().json(PlacardPreview::new(&board, &state.public_url)))
}

async fn change(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    claim: Idempotent,
    id: GridId,
    change: Change,
) -> Result<Reply, ApiError> {
    let base = state.public_url.clone();
    state
        .write(claim, move |conn| {
            let board = placards::change(conn, &scoped, &origin, &id, change)?;
            Reply::json(StatusCode::OK, &PlacardPreview::new(&board, &base))
        })
        .await
}

/// Publish the placard: refused with 409 listing what is missing unless the
/// grid has a leader and a full-time worker and everyone shown consented.
#[utoipa::path(
    tag = "placards",
    security(("bearer" = [])),
    params(IdempotencyKey, ("id" = String, Path, description = "Grid id", min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")),
    responses(
        (status = 200, body = PlacardPreview),
        doc::Action,
    )
)]
#[post("/grids/{id}/placard/publish")]
pub async fn publish_placard(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    claim: Idempotent,
    id: web::Path<GridId>,
) -> Result<Reply, ApiError> {
    change(
        state,
        scoped,
        origin,
        claim,
        id.into_inner(),
        Change::Publish,
    )
    .await
}

/// Take the placard down: its public page answers 404 until published again.
#[utoipa::path(
    tag = "placards",
    security(("bearer" = [])),
    params(IdempotencyKey, ("id" = String, Path, description = "Grid id", min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")),
    responses(
        (status = 200, body = PlacardPreview),
        doc::Action,
    )
)]
#[post("/grids/{id}/placard/unpublish")]
pub async fn unpublish_placard(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    claim: Idempotent,
    id: web::Path<GridId>,
) -> Result<Reply, ApiError> {
    change(
        state,
        scoped,
        origin,
        claim,
        id.into_inner(),
        Change::Unpublish,
    )
    .await
}

/// Give the placard a new public address; the old QR code stops working.
#[utoipa::path(
    tag = "placards",
    security(("bearer" = [])),
    params(IdempotencyKey, ("id" = String, Path, description = "Grid id", min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")),
    responses(
        (status = 200, body = PlacardPreview),
        doc::Action,
    )
)]
#[post("/grids/{id}/placard/rotate-token")]
pub async fn rotate_placard_token(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    claim: Idempotent,
    id: web::Path<GridId>,
) -> Result<Reply, ApiError> {
    change(
        state,
        scoped,
        origin,
        claim,
        id.into_inner(),
        Change::RotateToken,
    )
    .await
}

/// A placard's public token from the path: what `new_token` makes, so that
/// nothing else (a NUL character, a megabyte) reaches a query.
#[derive(Debug)]
pub struct Token(String);

impl<'de> serde::Deserialize<'de> for Token {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Token, D::Error> {
        let text = String::deserialize(deserializer)?;
        if (1..=64).contains(&text.len())
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            Ok(Token(text))
        } else {
            Err(serde::de::Error::custom(
                "a placard token has 1 to 64 characters A–Z, a–z, 0–9, - and _",
            ))
        }
    }
}

fn wants_html(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
}

/// An HTML page under the placard pages' CSP. Print views hold names and
/// phones: they get the API's `no-store`; the public pages say `no-cache`.
pub(super) fn html_response(status: StatusCode, body: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:",
        ))
        .body(body)
}

/// The public placard's pages may be kept by a phone's browser, revalidated
/// on each view (the board changes when staff change).
fn public_page(status: StatusCode, body: String) -> HttpResponse {
    let mut page = html_response(status, body);
    page.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static(PUBLIC_CACHE),
    );
    page
}

const PUBLIC_CACHE: &str = "no-cache";

/// The public placard (no login): a small Chinese page for browsers
/// (`Accept: text/html`), JSON for apps. Unknown, rotated or unpublished
/// tokens answer 404 (an HTML page for browsers).
#[utoipa::path(
    tag = "placards",
    params(("token" = String, Path, description = "The placard's public token (from its QR code)", min_length = 1, max_length = 64, pattern = "^[A-Za-z0-9_-]{1,64}$")),
    responses(
        (status = 200, description = "The placard", headers(("Cache-Control" = String, description = "`no-cache`: a browser may keep the page but asks again on each view")), content(
            (PublicPlacard = "application/json"),
            (String = "text/html")
        )),
        (status = 404, response = doc::NotFound),
        (status = 503, response = doc::ServiceUnavailable),
    )
)]
#[get("/public/placards/{token}")]
pub async fn public_placard(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<Token>,
) -> Result<HttpResponse, ApiError> {
    let board = state
        .run(move |conn| placards::published(conn, &token.0))
        .await?;
    match (board, wants_html(&req)) {
        (Some(board), true) => Ok(public_page(
            StatusCode::OK,
            render::public_page(&PublicPlacard::from(&board)),
        )),
        (Some(board), false) => Ok(HttpResponse::Ok()
            .insert_header((header::CACHE_CONTROL, PUBLIC_CACHE))
            .json(PublicPlacard::from(&board))),
        (None, true) => Ok(public_page(StatusCode::NOT_FOUND, render::not_found_page())),
        (None, false) => Err(AppError::NotFound.into()),
    }
}

/// The QR code of the placard's public address, as SVG.
#[utoipa::path(
    tag = "placards",
    params(("token" = String, Path, description = "The placard's public token", min_length = 1, max_length = 64, pattern = "^[A-Za-z0-9_-]{1,64}$")),
    responses(
        (status = 200, description = "QR code: SVG, or its bytes as `application/octet-stream` when `Accept` asks for that and not `image/svg+xml`", content(
            (QrSvg = "image/svg+xml"),
            (QrSvg = "application/octet-stream"),
        ), headers(("Cache-Control" = String, description = "`no-cache`"))),
        (status = 404, response = doc::NotFound),
        (status = 503, response = doc::ServiceUnavailable),
    )
)]
#[get("/public/placards/{token}/qr.svg")]
pub async fn placard_qr(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<Token>,
) -> Result<HttpResponse, ApiError> {
    let board = state
        .run(move |conn| placards::published(conn, &token.0))
        .await?
        .ok_or(AppError::NotFound)?;
    let token = board.published_token().unwrap_or_default();
    let svg = render::qr_svg(&public_url(&state.public_url, token))?;
    Ok(HttpResponse::Ok()
        .content_type(super::attachments::bytes_type(&req, "image/svg+xml"))
        .insert_header((header::CACHE_CONTROL, PUBLIC_CACHE))
        .body(svg))
}

/// Opens a print view without a login (see the print-link operations).
#[derive(Debug, serde::Deserialize, validator::Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PrintQuery {
    /// A print link's signature, as the link carries it; without it the
    /// view needs `Authorization`.
    #[validate(length(min = 1, max = 512))]
    #[param(
        min_length = 1,
        max_length = 512,
        pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$"
    )]
    pub link: Option<String>,
}

/// The board of each published placard, for printing.
fn boards(
    state: &AppState,
    printed: &[Board],
) -> Result<Vec<(PublicPlacard, String, String)>, ApiError> {
    printed
        .iter()
        .map(|board| {
            let url = public_url(
                &state.public_url,
                board.published_token().unwrap_or_default(),
            );
            let qr = render::qr_svg(&url)?;
            Ok((PublicPlacard::from(board), url, qr))
        })
        .collect()
}

/// A printable A4 placard (HTML, Chinese labels, QR code) for the physical
/// board. Published placards only. Opens with a bearer token, or in a
/// browser with a print link (`link`).
#[utoipa::path(
    tag = "placards",
    security((), ("bearer" = [])),
    params(("id" = String, Path, description = "Grid id", min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$"), PrintQuery),
    responses(
        (status = 200, description = "A4 page for the browser's print", content_type = "text/html", body = String),
        (status = 401, response = doc::Unauthorized),
        (status = 404, response = doc::NotFound),
        (status = 409, response = doc::Conflict),
        (status = 503, response = doc::ServiceUnavailable),
    )
)]
#[get("/grids/{id}/placard/print")]
pub async fn print_placard(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<GridId>,
    query: Query<PrintQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let scoped = print_access(&req, View::Board, &id, query.0.link.as_deref()).await?;
    let board = state
        .run(move |conn| placards::printable(conn, &scoped, &id))
        .await?;
    let [(placard, url, qr)]: [_; 1] = boards(&state, &[board])?
        .try_into()
        .map_err(|_| AppError::Internal("one board expected".into()))?;
    Ok(html_response(
        StatusCode::OK,
        render::print_page(&placard, &url, &qr),
    ))
}

/// Every placard under a grid as one printable A4 document (the zone root:
/// the whole zone): one board per page in code order, each with its QR
/// code, then a last page listing the grids not printed and why. Opens
/// with a bearer token, or in a browser with a print link (`link`).
#[utoipa::path(
    tag = "placards",
    security((), ("bearer" = [])),
    params(("id" = String, Path, description = "Grid id", min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$"), PrintQuery),
    responses(
        (status = 200, description = "A4 pages for the browser's print", content_type = "text/html", body = String),
        (status = 401, response = doc::Unauthorized),
        (status = 404, response = doc::NotFound),
        (status = 503, response = doc::ServiceUnavailable),
    )
)]
#[get("/grids/{id}/placards/print")]
pub async fn print_placards(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<GridId>,
    query: Query<PrintQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let scoped = print_access(&req, View::Subtree, &id, query.0.link.as_deref()).await?;
    let root = id.clone();
    let (grid, sheets) = state
        .run(move |conn| {
            let grid = crate::app::grids::find_visible(conn, &scoped, &root)?;
            Ok((grid, placards::subtree(conn, &scoped, &root)?))
        })
        .await?;
    let printed = boards(&state, &sheets.printed)?;
    let skipped: Vec<Skipped<'_>> = sheets
        .skipped
        .iter()
        .map(|(board, why)| Skipped {
            code: &board.grid.code,
            name: &board.grid.name,
            reasons: if why.is_empty() {
                vec!["已具备条件，尚未发布".to_owned()]
            } else {
                why.iter().map(Blocker::zh).collect()
            },
        })
        .collect();
    let title = format!("{} 网格员信息公示牌（{} 块）", grid.name, printed.len());
    Ok(html_response(
        StatusCode::OK,
        render::print_run(&title, &printed, &skipped),
    ))
}

/// Signs a link to `view` of grid `id` for the caller and records it.
pub(super) async fn print_link(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    claim: Idempotent,
    id: GridId,
    view: View,
) -> Result<Reply, ApiError> {
    let now = time::now();
    let expires_at = now + view.lifetime(state.print_link_ttl);
    let signer = scoped
        .caller
        .user_id()
        .ok_or(AppError::Forbidden)?
        .to_string();
    let link = state.print_links.sign(&Grant {
        view,
        grid_id: id.to_string(),
        signer,
        expires_at: expires_at.timestamp(),
    });
    let url = format!(
        "{}{API_PREFIX}{}link={link}",
        state.public_url,
        view.page(id.as_str())
    );
    state
        .write(claim, move |conn| {
            placards::record_print_link(conn, &scoped, &origin, &id, view.code(), expires_at)?;
            Reply::json(StatusCode::CREATED, &PrintLinkView { url, expires_at })
        })
        .await
}

/// A link that opens the grid's printable board in a desktop browser with
/// no login, for ten minutes: only that view of that grid, and only while
/// your account is enabled and the grid in your scope.
#[utoipa::path(
    tag = "placards",
    security(("bearer" = [])),
    params(IdempotencyKey, ("id" = String, Path, description = "Grid id", min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")),
    responses(
        (status = 201, body = PrintLinkView),
        doc::Action,
    )
)]
#[post("/grids/{id}/placard/print-link")]
pub async fn placard_print_link(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    claim: Idempotent,
    id: web::Path<GridId>,
) -> Result<Reply, ApiError> {
    print_link(state, scoped, origin, claim, id.into_inner(), View::Board).await
}

/// A link that opens the printable document of every placard under the
/// grid in a desktop browser with no login, for ten minutes: only that view
/// of that grid, and only while your account is enabled.
#[utoipa::path(
    tag = "placards",
    security(("bearer" = [])),
    params(IdempotencyKey, ("id" = String, Path, description = "Grid id", min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")),
    responses(
        (status = 201, body = PrintLinkView),
        doc::Action,
    )
)]
#[post("/grids/{id}/placards/print-link")]
pub async fn placards_print_link(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    claim: Idempotent,
    id: web::Path<GridId>,
) -> Result<Reply, ApiError> {
    print_link(state, scoped, origin, claim, id.into_inner(), View::Subtree).await
}
