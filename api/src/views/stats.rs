//! The three 100% rates as the API shows them.

use gridwork_domain::coverage::{CoverageRate, Rate};
use gridwork_domain::enterprise::RecordField;
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::coverage;

#[derive(Debug, Serialize, ToSchema)]
pub struct Gap {
    #[schema(max_length = 64)]
    pub id: String,
    #[schema(max_length = 200)]
    pub name: String,
    /// The grid code, for grids.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 40, pattern = "^[0-9]{1,40}$")]
    pub code: Option<String>,
    /// Required fields still empty, for incomplete enterprise records.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_items = 8)]
    pub missing: Option<Vec<RecordField>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RateView {
    pub numerator: u64,
    pub denominator: u64,
    /// numerator / denominator in 0..1 (4 decimals); null when there is nothing to count.
    #[schema(example = 1.0)]
    pub rate: Option<f64>,
    /// The first of what keeps the rate below 1 (at most 5; there are
    /// `denominator - numerator` in all, paged at `/stats/coverage/gaps`).
    #[schema(max_items = 5)]
    pub gaps: Vec<Gap>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GapPage {
    #[schema(max_items = 200)]
    pub items: Vec<Gap>,
    #[schema(max_length = 200, pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$")]
    pub next_cursor: Option<String>,
}

impl RateView {
    /// A rate with the first of what falls short of it.
    fn new(rate: Rate, gaps: Vec<coverage::Gap>) -> RateView {
        RateView {
            numerator: rate.numerator,
            denominator: rate.denominator,
            rate: rate.value(),
            gaps: gaps.into_iter().map(Gap::from).collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Coverage {
    /// The subtree measured; null for the caller's whole scope.
    #[schema(format = Uuid, max_length = 36)]
    pub grid_id: Option<String>,
    /// 企业网格划分率: enterprises in a grid / all enterprises.
    pub enterprise_division: RateView,
    /// 网格员信息公示率: grids (all but the zone root) with a published placard / all grids.
    pub placard_publication: RateView,
    /// 基础信息建档率: enterprises whose basic record is complete / all enterprises.
    pub basic_info_archiving: RateView,
}

impl From<coverage::Gap> for Gap {
    fn from(gap: coverage::Gap) -> Gap {
        match gap {
            coverage::Gap::Enterprise(e, missing) => Gap {
                id: e.id.to_string(),
                name: e.name,
                code: None,
                missing,
            },
            coverage::Gap::Grid(g) => Gap {
                id: g.id.to_string(),
                name: g.name,
                code: Some(g.code),
                missing: None,
            },
        }
    }
}

impl From<coverage::Coverage> for Coverage {
    fn from(c: coverage::Coverage) -> Coverage {
        let rate = |r| c.counts.rate(r);
        Coverage {
            grid_id: c.root.map(|id| id.to_string()),
            enterprise_division: RateView::new(
                rate(CoverageRate::EnterpriseDivision),
                c.unassigned,
            ),
            placard_publication: RateView::new(
                rate(CoverageRate::PlacardPublication),
                c.unpublished_first,
            ),
            basic_info_archiving: RateView::new(
                rate(CoverageRate::BasicInfoArchiving),
                c.incomplete,
            ),
        }
    }
}
