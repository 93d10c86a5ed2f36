//! The three 100% rates as the API shows them.

use gridwork_domain::coverage::Rate;
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::coverage;

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
    /// The rate of `denominator` things of which `gaps` fall short.
    fn new(denominator: usize, gaps: Vec<Gap>) -> RateView {
        let rate = Rate::new((denominator - gaps.len()) as u64, denominator as u64);
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

impl From<coverage::Coverage> for Coverage {
    fn from(c: coverage::Coverage) -> Coverage {
        let unassigned = c
            .unassigned
            .iter()
            .map(|e| Gap {
                id: e.id.to_string(),
                name: e.name.clone(),
                code: None,
                missing: None,
            })
            .collect();
        let unpublished = c
            .unpublished
            .iter()
            .map(|g| Gap {
                id: g.id.to_string(),
                name: g.name.clone(),
                code: Some(g.code.clone()),
                missing: None,
            })
            .collect();
        let incomplete = c
            .incomplete
            .into_iter()
            .map(|(e, missing)| Gap {
                id: e.id.to_string(),
                name: e.name,
                code: None,
                missing: Some(missing),
            })
            .collect();
        Coverage {
            grid_id: c.root.map(|id| id.to_string()),
            enterprise_division: RateView::new(c.enterprises, unassigned),
            placard_publication: RateView::new(c.boards, unpublished),
            basic_info_archiving: RateView::new(c.enterprises, incomplete),
        }
    }
}
