//! The three 100% rates (三个100%), computed live for the caller's scope or a
//! subtree of it, with the gaps that keep each below 100 %.

use actix_web::{HttpResponse, get, web};
use gridwork_domain::coverage::Rate;
use gridwork_domain::grid::GridKind;
use gridwork_persistence::{enterprise, grid};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::enterprises::presence;
use super::grids::load_visible;
use crate::auth::Scoped;
use crate::error::ApiError;
use crate::openapi as doc;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct Gap {
    pub id: String,
    pub name: String,
    /// The grid code, for grids.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Required fields still empty, for incomplete enterprise records.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing: Option<Vec<&'static str>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RateView {
    pub numerator: u64,
    pub denominator: u64,
    /// numerator / denominator in 0..1 (4 decimals); null when there is nothing to count.
    #[schema(example = 1.0)]
    pub rate: Option<f64>,
    /// What keeps the rate below 1.
    pub gaps: Vec<Gap>,
}

impl RateView {
    fn new(numerator: usize, denominator: usize, gaps: Vec<Gap>) -> RateView {
        let rate = Rate::new(numerator as u64, denominator as u64);
        RateView {
            numerator: rate.numerator,
            denominator: rate.denominator,
            rate: rate.value(),
            gaps,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Coverage {
    /// The subtree measured; null for the caller's whole scope.
    pub grid_id: Option<String>,
    /// 企业网格划分率: enterprises in a grid / all enterprises.
    pub enterprise_division: RateView,
    /// 网格员信息公示率: grids (all but the zone root) with a published placard / all grids.
    pub placard_publication: RateView,
    /// 基础信息建档率: enterprises whose basic record is complete / all enterprises.
    pub basic_info_archiving: RateView,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CoverageQuery {
    /// Measure this grid and everything below it.
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
    query: web::Query<CoverageQuery>,
) -> Result<HttpResponse, ApiError> {
    let subtree = match query.into_inner().grid_id {
        Some(id) => Some(load_visible(&state, &scoped, id).await?),
        None => None,
    };
    let scope_ids = scoped.scope.grid_ids().map(<[String]>::to_vec);
    let root_id = subtree.as_ref().map(|g| g.id.clone());
    let (grids, firms) = state
        .read(move |conn| {
            // the subtree, cut to the caller's scope
            let within = match subtree {
                Some(root) => {
                    let mut ids = grid::ids_under(conn, &[root.code])?;
                    if let Some(scope) = &scope_ids {
                        ids.retain(|id| scope.contains(id));
                    }
                    Some(ids)
                }
                None => scope_ids,
            };
            Ok((
                grid::all(conn, within.as_deref())?,
                enterprise::all(conn, within.as_deref())?,
            ))
        })
        .await?;

    let unassigned: Vec<Gap> = firms
        .iter()
        .filter(|e| e.grid_id.is_none())
        .map(|e| Gap {
            id: e.id.clone(),
            name: e.name.clone(),
            code: None,
            missing: None,
        })
        .collect();
    let boards: Vec<_> = grids
        .iter()
        .filter(|g| GridKind::parse(&g.kind) != Some(GridKind::Zone))
        .collect();
    let unpublished: Vec<Gap> = boards
        .iter()
        .filter(|g| g.placard_published_at.is_none())
        .map(|g| Gap {
            id: g.id.clone(),
            name: g.name.clone(),
            code: Some(g.code.clone()),
            missing: None,
        })
        .collect();
    let incomplete: Vec<Gap> = firms
        .iter()
        .filter_map(|e| {
            let missing = presence(e).missing();
            (!missing.is_empty()).then(|| Gap {
                id: e.id.clone(),
                name: e.name.clone(),
                code: None,
                missing: Some(missing),
            })
        })
        .collect();
    Ok(HttpResponse::Ok().json(Coverage {
        grid_id: root_id,
        enterprise_division: RateView::new(firms.len() - unassigned.len(), firms.len(), unassigned),
        placard_publication: RateView::new(
            boards.len() - unpublished.len(),
            boards.len(),
            unpublished,
        ),
        basic_info_archiving: RateView::new(
            firms.len() - incomplete.len(),
            firms.len(),
            incomplete,
        ),
    }))
}
