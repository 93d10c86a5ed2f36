//! The zone dashboard (the office's big screen) and the grids as GeoJSON
//! for apps that draw their own maps.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use gridwork_domain::GridId;
use gridwork_domain::dashboard::Figure;
use gridwork_persistence::time;
use serde::Deserialize;
use utoipa::IntoParams;
use validator::Validate;

use super::placards::{html_response, print_link};
use crate::app::dashboard;
use crate::app::{Origin, Scoped};
use crate::auth::print_link::View;
use crate::extract::print_access;
use crate::http::idempotency::{IdempotencyKey, Idempotent, Reply};
use crate::http::paging::PageQuery;
use crate::http::problems as doc;
use crate::http::query::{Listing, Query};
use crate::http::{API_PREFIX, ApiError};
use crate::render::dashboard::{PageLinks, page};
use crate::state::AppState;
use crate::views::dashboard::{FeatureCollectionType, GridFeature, GridFeatureCollection, largest};
use crate::views::placards::PrintLinkView;

/// How often the big screen reloads itself.
const REFRESH_SECS: u32 = 60;

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MapQuery {
    /// The grid whose children are drawn (in your scope); your top grid
    /// by default: the zone root for the zone office.
    #[param(value_type = Option<String>, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")]
    pub root: Option<GridId>,
    /// What colours the grids (default `open_cases`); case rates are this
    /// month's.
    pub figure: Option<Figure>,
}

/// The grids directly under a root as a GeoJSON FeatureCollection (WGS 84
/// longitude and latitude), each with the chosen figure over its whole
/// subtree in `properties` and the legend's class (0 worst … 4 best), for
/// apps that draw their own maps. Paged by grid code. Case rates are read
/// per child for the 200 children with most cases.
#[utoipa::path(
    tag = "grids",
    security(("bearer" = [])),
    params(MapQuery, PageQuery),
    responses(
        (status = 200, body = GridFeatureCollection, content_type = "application/geo+json"),
        doc::ListUnder,
    )
)]
#[get("/grids.geojson")]
pub async fn grids_geojson(
    state: web::Data<AppState>,
    scoped: Scoped,
    Listing { filter, page }: Listing<MapQuery>,
) -> Result<HttpResponse, ApiError> {
    let figure = filter.figure.unwrap_or(Figure::OpenCases);
    let (fetch, after) = (page.fetch, page.after.clone());
    let at = (time::now(), state.time_zone);
    let (root, rows) = state
        .run(move |conn| {
            dashboard::features(
                conn,
                &scoped,
                filter.root.as_ref(),
                figure,
                at,
                after.as_deref(),
                fetch,
            )
        })
        .await?;
    let (rows, next_cursor) = page.finish(rows, |(g, _)| g.code.clone());
    let top = largest(&rows.iter().map(|(_, m)| m).collect::<Vec<_>>());
    let body = GridFeatureCollection {
        kind: FeatureCollectionType::FeatureCollection,
        root_id: root.id.to_string(),
        figure,
        features: rows
            .iter()
            .map(|(g, m)| GridFeature::new(g, figure, m, top))
            .collect(),
        next_cursor,
    };
    Ok(HttpResponse::Ok()
        .content_type("application/geo+json")
        .json(body))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DashboardQuery {
    /// The grid the screen shows (in your scope); your top grid by default.
    #[param(value_type = Option<String>, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")]
    pub root: Option<GridId>,
    /// What colours the map (default `open_cases`).
    pub figure: Option<Figure>,
    /// A dashboard link's signature, as the link carries it; without it
    /// the page needs `Authorization`.
    #[validate(length(min = 1, max = 512))]
    #[param(
        min_length = 1,
        max_length = 512,
        pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$"
    )]
    pub link: Option<String>,
}

/// The zone dashboard (网格化服务管理指挥大屏): one HTML page for the
/// office's big screen, readable on a phone — the grids drawn from their
/// boundaries as SVG (no tile server) coloured by a figure, the three 100 %
/// rates, this month's case KPIs, the grids' scorecards and the latest
/// escalations; it reloads itself every minute. Opens with a bearer token,
/// or in a browser with a dashboard link (`link`).
#[utoipa::path(
    tag = "grids",
    security((), ("bearer" = [])),
    params(DashboardQuery),
    responses(
        (status = 200, description = "The dashboard page", content_type = "text/html", body = String),
        doc::ListUnder,
    )
)]
#[get("/dashboard")]
pub async fn show_dashboard(
    req: HttpRequest,
    state: web::Data<AppState>,
    Query(q): Query<DashboardQuery>,
) -> Result<HttpResponse, ApiError> {
    let root = q.root.clone();
    let bound = root.as_ref().map_or("", |r| r.as_str()).to_owned();
    let scoped = print_access(
        &req,
        View::Dashboard,
        &GridId::from(bound.as_str()),
        q.link.as_deref(),
    )
    .await?;
    let figure = q.figure.unwrap_or(Figure::OpenCases);
    let now = time::now();
    let tz = state.time_zone;
    let board = state
        .run(move |conn| dashboard::dashboard(conn, &scoped, root.as_ref(), figure, (now, tz)))
        .await?;
    let mut base = format!("{API_PREFIX}/dashboard?");
    if let Some(root) = &q.root {
        base.push_str(&format!("root={}&", urlencode(root.as_str())));
    }
    if let Some(link) = &q.link {
        base.push_str(&format!("link={}&", urlencode(link)));
    }
    let at = now.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string();
    let links = PageLinks {
        base: &base,
        refresh_secs: REFRESH_SECS,
        generated_at: &at,
        tz,
    };
    let body = page(&board, &links);
    Ok(html_response(StatusCode::OK, body))
}

fn urlencode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LinkQuery {
    /// The grid the screen shows (in your scope); your top grid by default.
    #[param(value_type = Option<String>, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")]
    pub root: Option<GridId>,
}

/// A link that opens the dashboard in a browser with no login — on the
/// office's big screen — for twelve hours: only that grid's dashboard, with
/// your scope, while your account is enabled. Audited.
#[utoipa::path(
    tag = "grids",
    security(("bearer" = [])),
    params(IdempotencyKey, LinkQuery),
    responses((status = 201, body = PrintLinkView), doc::Action)
)]
#[post("/dashboard/link")]
pub async fn dashboard_link(
    state: web::Data<AppState>,
    scoped: Scoped,
    origin: Origin,
    claim: Idempotent,
    Query(q): Query<LinkQuery>,
) -> Result<Reply, ApiError> {
    let asked = scoped.clone();
    let root = state
        .run(move |conn| dashboard::root(conn, &asked, q.root.as_ref()))
        .await?;
    print_link(state, scoped, origin, claim, root.id, View::Dashboard).await
}
