//! Placards (网格员信息公示牌): who to call in each grid. Staff preview,
//! publish and re-key them; employees scan the QR on the printed board and
//! reach a public page (HTML for browsers, JSON for apps) with no login.
//! Nothing personal appears without the person's consent; mobile numbers are
//! masked and only work numbers are shown in full.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use gridwork_domain::Permission;
use gridwork_domain::assignment::GridRole;
use gridwork_domain::audit::{AuditAction, Outcome};
use gridwork_domain::person::mask_phone;
use gridwork_domain::placard::{self, Blocker, Member};
use gridwork_persistence::assignment::{self, AssignmentRow};
use gridwork_persistence::grid::{self, GridRow};
use gridwork_persistence::person::PersonRow;
use gridwork_persistence::{DbConnection, enterprise, time};
use serde::Serialize;
use utoipa::ToSchema;

use super::grids::load_visible;
use crate::audit::{AuditEvent, RequestOrigin};
use crate::auth::Scoped;
use crate::error::{ApiError, Reason};
use crate::openapi as doc;
use crate::state::AppState;

/// The four-in-one duties every placard states.
pub const DUTIES_ZH: [&str; 4] = ["信息采集", "隐患排查", "矛盾调解", "政策宣传"];

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlacardMember {
    #[schema(example = "张亚超")]
    pub name: String,
    #[schema(example = "full_time_worker")]
    pub role: String,
    #[schema(example = "专职网格员")]
    pub role_label_zh: &'static str,
    /// The work number in full, else the mobile masked; None without either.
    #[schema(example = "0394-8123456")]
    pub phone: Option<String>,
    /// True when `phone` is a work number that can be dialled.
    pub callable: bool,
    pub duties_zh: &'static str,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PreviewMember {
    pub person_id: String,
    /// Whether the person agreed to appear on public placards.
    pub consented: bool,
    #[serde(flatten)]
    pub shown: PlacardMember,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlacardPreview {
    pub grid_id: String,
    pub grid_code: String,
    pub grid_name: String,
    pub enterprise_name: Option<String>,
    pub members: Vec<PreviewMember>,
    pub duties_zh: Vec<&'static str>,
    pub published: bool,
    pub published_at: Option<DateTime<Utc>>,
    /// Where the QR code points; present once a token exists.
    pub public_url: Option<String>,
    /// True when it may be published now.
    pub ready: bool,
    /// What keeps it from being published.
    pub missing: Vec<Reason>,
}

/// What anyone with the QR code sees.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicPlacard {
    #[schema(example = "周口耕德电子网格")]
    pub grid_name: String,
    #[schema(example = "411622000000001")]
    pub grid_code: String,
    pub enterprise_name: Option<String>,
    pub members: Vec<PlacardMember>,
    pub duties_zh: Vec<&'static str>,
    pub updated_at: DateTime<Utc>,
}

struct Board {
    grid: GridRow,
    enterprise_name: Option<String>,
    members: Vec<(AssignmentRow, PersonRow)>,
}

fn load_board(conn: &mut DbConnection, grid: GridRow) -> Result<Board, ApiError> {
    let enterprise_name = match &grid.enterprise_id {
        Some(id) => enterprise::find(conn, id)?.map(|e| e.name),
        None => None,
    };
    let mut members = assignment::for_grid(conn, &grid.id, false)?;
    members.sort_by_key(|(a, _)| GridRole::parse(&a.role).map_or(u8::MAX, GridRole::rank));
    Ok(Board {
        grid,
        enterprise_name,
        members,
    })
}

fn shown(a: &AssignmentRow, p: &PersonRow) -> PlacardMember {
    let role = GridRole::parse(&a.role);
    let (phone, callable) = match (&p.work_phone, &p.mobile) {
        (Some(work), _) => (Some(work.clone()), true),
        (None, Some(mobile)) => (Some(mask_phone(mobile)), false),
        (None, None) => (None, false),
    };
    PlacardMember {
        name: p.name.clone(),
        role: a.role.clone(),
        role_label_zh: role.map_or("", GridRole::label_zh),
        phone,
        callable,
        duties_zh: role.map_or("", GridRole::duties_zh),
    }
}

fn blockers(board: &Board) -> Vec<Reason> {
    let members: Vec<Member<'_>> = board
        .members
        .iter()
        .filter_map(|(a, p)| {
            Some(Member {
                person_id: &p.id,
                name: &p.name,
                role: GridRole::parse(&a.role)?,
                consented: p.placard_consent,
            })
        })
        .collect();
    placard::blockers(&members)
        .into_iter()
        .map(|b| Reason {
            code: b.code().to_owned(),
            message: match &b {
                Blocker::MissingGridLeader => "the grid has no active grid leader".to_owned(),
                Blocker::MissingFullTimeWorker => {
                    "the grid has no active full-time grid worker".to_owned()
                }
                Blocker::NoConsent { name, .. } => {
                    format!("{name} has not consented to appear on placards")
                }
            },
            id: match b {
                Blocker::NoConsent { person_id, .. } => Some(person_id),
                _ => None,
            },
        })
        .collect()
}

fn public_url(state: &AppState, token: &str) -> String {
    format!("{}/api/v1/public/placards/{token}", state.public_url)
}

fn preview(state: &AppState, board: &Board) -> PlacardPreview {
    let missing = blockers(board);
    PlacardPreview {
        grid_id: board.grid.id.clone(),
        grid_code: board.grid.code.clone(),
        grid_name: board.grid.name.clone(),
        enterprise_name: board.enterprise_name.clone(),
        members: board
            .members
            .iter()
            .map(|(a, p)| PreviewMember {
                person_id: p.id.clone(),
                consented: p.placard_consent,
                shown: shown(a, p),
            })
            .collect(),
        duties_zh: DUTIES_ZH.to_vec(),
        published: board.grid.placard_published_at.is_some(),
        published_at: board.grid.placard_published_at.map(time::from_db),
        public_url: board
            .grid
            .placard_token
            .as_deref()
            .map(|t| public_url(state, t)),
        ready: missing.is_empty(),
        missing,
    }
}

/// The public view: consented people only, even if consent was withdrawn after publishing.
fn public_view(board: &Board) -> PublicPlacard {
    PublicPlacard {
        grid_name: board.grid.name.clone(),
        grid_code: board.grid.code.clone(),
        enterprise_name: board.enterprise_name.clone(),
        members: board
            .members
            .iter()
            .filter(|(_, p)| p.placard_consent)
            .map(|(a, p)| shown(a, p))
            .collect(),
        duties_zh: DUTIES_ZH.to_vec(),
        updated_at: time::from_db(board.grid.updated_at),
    }
}

/// The placard as it would be published, with what is still missing.
#[utoipa::path(
    tag = "placards",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Grid id")),
    responses(
        (status = 200, body = PlacardPreview),
        doc::ReadOne,
    )
)]
#[get("/grids/{id}/placard")]
pub async fn preview_placard(
    state: web::Data<AppState>,
    scoped: Scoped,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let grid = load_visible(&state, &scoped, id.into_inner()).await?;
    let board = state.read(move |conn| load_board(conn, grid)).await?;
    Ok(HttpResponse::Ok().json(preview(&state, &board)))
}

#[derive(Clone, Copy)]
enum Change {
    Publish,
    Unpublish,
    Rotate,
}

async fn change(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: RequestOrigin,
    id: String,
    change: Change,
) -> Result<HttpResponse, ApiError> {
    let grid = load_visible(&state, &scoped, id).await?;
    scoped.caller.require(Permission::PublishPlacards)?;
    if grid.archived_at.is_some() {
        return Err(ApiError::conflict("grid_archived", "The grid is archived."));
    }
    let caller = scoped.caller.clone();
    let board = state
        .transaction(move |conn| {
            let mut board = load_board(conn, grid)?;
            if matches!(change, Change::Publish) {
                let missing = blockers(&board);
                if !missing.is_empty() {
                    return Err(ApiError::conflict_because(
                        "placard_not_ready",
                        "The placard cannot be published yet; see `reasons`.",
                        missing,
                    ));
                }
            }
            let now = time::to_db(time::now());
            let next = &mut board.grid;
            let action = match change {
                Change::Publish => {
                    next.placard_token.get_or_insert_with(new_token);
                    next.placard_published_at = Some(now);
                    AuditAction::PlacardPublish
                }
                Change::Unpublish => {
                    next.placard_published_at = None;
                    AuditAction::PlacardUnpublish
                }
                Change::Rotate => {
                    next.placard_token = Some(new_token());
                    AuditAction::PlacardRotate
                }
            };
            next.updated_at = now;
            next.version += 1;
            if !grid::update(conn, next)? {
                return Err(ApiError::PreconditionFailed);
            }
            AuditEvent::new(action, Outcome::Success)
                .by(&caller)
                .on("grid", &next.id)
                .write(conn, &origin)?;
            Ok(board)
        })
        .await?;
    Ok(HttpResponse::Ok().json(preview(&state, &board)))
}

/// 128 random bits, URL-safe: the placard's public address.
pub fn new_token() -> String {
    crate::auth::refresh::generate()[..22].to_owned()
}

/// Publish the placard: refused with 409 listing what is missing unless the
/// grid has a leader and a full-time worker and everyone shown consented.
#[utoipa::path(
    tag = "placards",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Grid id")),
    responses(
        (status = 200, body = PlacardPreview),
        doc::Action,
    )
)]
#[post("/grids/{id}/placard/publish")]
pub async fn publish_placard(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: RequestOrigin,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    change(state, scoped, origin, id.into_inner(), Change::Publish).await
}

/// Take the placard down: its public page answers 404 until published again.
#[utoipa::path(
    tag = "placards",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Grid id")),
    responses(
        (status = 200, body = PlacardPreview),
        doc::Action,
    )
)]
#[post("/grids/{id}/placard/unpublish")]
pub async fn unpublish_placard(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: RequestOrigin,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    change(state, scoped, origin, id.into_inner(), Change::Unpublish).await
}

/// Give the placard a new public address; the old QR code stops working.
#[utoipa::path(
    tag = "placards",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Grid id")),
    responses(
        (status = 200, body = PlacardPreview),
        doc::Action,
    )
)]
#[post("/grids/{id}/placard/rotate-token")]
pub async fn rotate_placard_token(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: RequestOrigin,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    change(state, scoped, origin, id.into_inner(), Change::Rotate).await
}

fn wants_html(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
}

async fn published_board(state: &AppState, token: String) -> Result<Option<Board>, ApiError> {
    state
        .read(move |conn| {
            match grid::by_placard_token(conn, &token)?.filter(|g| g.placard_published_at.is_some())
            {
                Some(grid) => Ok(Some(load_board(conn, grid)?)),
                None => Ok(None),
            }
        })
        .await
}

fn html_response(status: actix_web::http::StatusCode, body: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:",
        ))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(body)
}

/// The public placard (no login): a small Chinese page for browsers
/// (`Accept: text/html`), JSON for apps. Unknown, rotated or unpublished
/// tokens answer 404 (an HTML page for browsers).
#[utoipa::path(
    tag = "placards",
    params(("token" = String, Path, description = "The placard's public token (from its QR code)")),
    responses(
        (status = 200, description = "The placard", content(
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
    token: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let board = published_board(&state, token.into_inner()).await?;
    match (board, wants_html(&req)) {
        (Some(board), true) => Ok(html_response(
            actix_web::http::StatusCode::OK,
            crate::placard_html::public_page(&public_view(&board)),
        )),
        (Some(board), false) => Ok(HttpResponse::Ok()
            .insert_header((header::CACHE_CONTROL, "no-cache"))
            .json(public_view(&board))),
        (None, true) => Ok(html_response(
            actix_web::http::StatusCode::NOT_FOUND,
            crate::placard_html::not_found_page(),
        )),
        (None, false) => Err(ApiError::NotFound),
    }
}

/// The QR code of the placard's public address, as SVG.
#[utoipa::path(
    tag = "placards",
    params(("token" = String, Path, description = "The placard's public token")),
    responses(
        (status = 200, description = "QR code", content_type = "image/svg+xml", body = String),
        (status = 404, response = doc::NotFound),
        (status = 503, response = doc::ServiceUnavailable),
    )
)]
#[get("/public/placards/{token}/qr.svg")]
pub async fn placard_qr(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let token = token.into_inner();
    let board = published_board(&state, token.clone())
        .await?
        .ok_or(ApiError::NotFound)?;
    let svg = crate::placard_html::qr_svg(&public_url(
        &state,
        board.grid.placard_token.as_deref().unwrap_or(&token),
    ))?;
    Ok(HttpResponse::Ok()
        .content_type("image/svg+xml")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(svg))
}

/// A printable A4 placard (HTML, Chinese labels, QR code) for the physical
/// board. Published placards only.
#[utoipa::path(
    tag = "placards",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Grid id")),
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
    state: web::Data<AppState>,
    scoped: Scoped,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let grid = load_visible(&state, &scoped, id.into_inner()).await?;
    let token = match (&grid.placard_token, grid.placard_published_at) {
        (Some(token), Some(_)) => token.clone(),
        _ => {
            return Err(ApiError::conflict(
                "placard_not_published",
                "Publish the placard before printing it: the QR code needs its public address.",
            ));
        }
    };
    let board = state.read(move |conn| load_board(conn, grid)).await?;
    let url = public_url(&state, &token);
    let page = crate::placard_html::print_page(
        &public_view(&board),
        &url,
        &crate::placard_html::qr_svg(&url)?,
    );
    Ok(html_response(actix_web::http::StatusCode::OK, page))
}
