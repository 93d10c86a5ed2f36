//! The three 100% rates as the API shows them.

use gridwork_domain::coverage::{CoverageRate, Rate};
use gridwork_domain::enterprise::RecordField;
use gridwork_persistence::enterprise::EnterpriseRow;
use gridwork_persistence::grid::GridRow;
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::coverage;

/// Gaps a rate carries inline; the rest are paged at `/stats/coverage/gaps`.
pub const INLINE_GAPS: usize = 5;

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
    /// The rate of `denominator` things of which `gaps` fall short.
    fn new(denominator: usize, mut gaps: Vec<Gap>) -> RateView {
        let rate = Rate::new((denominator - gaps.len()) as u64, denominator as u64);
        gaps.truncate(INLINE_GAPS);
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
    #[schema(format = Uuid, max_length = 36)]
    pub grid_id: Option<String>,
    /// 企业网格划分率: enterprises in a grid / all enterprises.
    pub enterprise_division: RateView,
    /// 网格员信息公示率: grids (all but the zone root) with a published placard / all grids.
    pub placard_publication: RateView,
    /// 基础信息建档率: enterprises whose basic record is complete / all enterprises.
    pub basic_info_archiving: RateView,
}

fn enterprise_gap(e: EnterpriseRow, missing: Option<Vec<RecordField>>) -> Gap {
    Gap {
        id: e.id.to_string(),
        name: e.name,
        code: None,
        missing,
    }
}

fn grid_gap(g: GridRow) -> Gap {
    Gap {
        id: g.id.to_string(),
        name: g.name,
        code: Some(g.code),
        missing: None,
    }
}

/// The gaps of one rate with their paging keys (enterprise ids, grid codes),
/// in ascending key order.
pub fn gaps(c: coverage::Coverage, rate: CoverageRate) -> Vec<(String, Gap)> {
    match rate {
        CoverageRate::EnterpriseDivision => c
            .unassigned
            .into_iter()
            .map(|e| (e.id.to_string(), enterprise_gap(e, None)))
            .collect(),
        CoverageRate::PlacardPublication => c
            .unpublished
            .into_iter()
            .map(|g| (g.code.clone(), grid_gap(g)))
            .collect(),
        CoverageRate::BasicInfoArchiving => c
            .incomplete
            .into_iter()
            .map(|(e, missing)| (e.id.to_string(), enterprise_gap(e, Some(missing))))
            .collect(),
    }
}

impl From<coverage::Coverage> for Coverage {
    fn from(c: coverage::Coverage) -> Coverage {
        let unassigned = c
            .unassigned
            .into_iter()
            .map(|e| enterprise_gap(e, None))
            .collect();
        let unpublished = c.unpublished.into_iter().map(grid_gap).collect();
        let incomplete = c
            .incomplete
            .into_iter()
            .map(|(e, missing)| enterprise_gap(e, Some(missing)))
            .collect();
        Coverage {
            grid_id: c.root.map(|id| id.to_string()),
            enterprise_division: RateView::new(c.enterprises, unassigned),
            placard_publication: RateView::new(c.boards, unpublished),
            basic_info_archiving: RateView::new(c.enterprises, incomplete),
        }
    }
}
