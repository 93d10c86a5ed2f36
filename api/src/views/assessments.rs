//! Scorecards and their schemes as the API shows them.

use chrono::{DateTime, Utc};
use gridwork_domain::assessment::{AssessmentLevel, Flag, Indicator};
use gridwork_persistence::time;
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::assessments::{MonthState, SchemeVersion, Scorecard, ScorecardPage, Weight};

/// One version of a level's scheme. The ETag of the latest is its version.
#[derive(Debug, Serialize, ToSchema)]
pub struct SchemeView {
    pub level: AssessmentLevel,
    #[schema(minimum = 1)]
    pub version: i32,
    /// The weighted indicators (whole points adding up to 100), in code order.
    #[schema(min_items = 1, max_items = 8)]
    pub weights: Vec<Weight>,
    /// A total at or above this (whole points) is commended.
    #[schema(minimum = 1, maximum = 100)]
    pub commend_at: u8,
    /// A total below this is flagged for review.
    #[schema(minimum = 0, maximum = 99)]
    pub review_below: u8,
    pub created_at: DateTime<Utc>,
    #[schema(format = Uuid, max_length = 36)]
    pub created_by: Option<String>,
}

impl From<&SchemeVersion> for SchemeView {
    fn from(v: &SchemeVersion) -> SchemeView {
        SchemeView {
            level: v.level,
            version: v.version,
            weights: v
                .scheme
                .weights()
                .iter()
                .map(|(indicator, weight)| Weight {
                    indicator: *indicator,
                    weight: *weight,
                })
                .collect(),
            commend_at: v.scheme.commend_at(),
            review_below: v.scheme.review_below(),
            created_at: time::from_db(v.created_at),
            created_by: v.created_by.as_ref().map(ToString::to_string),
        }
    }
}

/// The latest scheme of each level.
#[derive(Debug, Serialize, ToSchema)]
pub struct SchemeList {
    #[schema(max_items = 3)]
    pub items: Vec<SchemeView>,
}

/// One indicator of a scorecard: what was counted, the rate, the weight.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorView {
    pub indicator: Indicator,
    #[schema(minimum = 0)]
    pub numerator: u64,
    #[schema(minimum = 0)]
    pub denominator: u64,
    /// numerator / denominator in 0–1, 4 decimals; null when nothing was
    /// counted (then the indicator is left out of the total).
    #[schema(minimum = 0.0, maximum = 1.0)]
    pub rate: Option<f64>,
    /// Its weight in the scheme (0: measured, not weighted).
    #[schema(minimum = 0, maximum = 100)]
    pub weight: u8,
}

/// One subject's scorecard.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScorecardView {
    /// Its place in the list: ranked first, the unranked after.
    #[schema(minimum = 1)]
    pub position: i32,
    /// Competition ranking among the level's subjects in the zone (1, 1,
    /// 3); null when nothing weighted could be counted.
    #[schema(minimum = 1)]
    pub rank: Option<i32>,
    /// A worker's account id, a grid id or a department code.
    #[schema(max_length = 64)]
    pub subject_id: String,
    #[schema(max_length = 200)]
    pub name_zh: String,
    #[schema(max_length = 200)]
    pub name_en: String,
    /// The grid the subject is assessed in (a worker's home grid); null for
    /// a department.
    #[schema(max_length = 64)]
    pub grid_id: Option<String>,
    /// The weighted total in basis points (0–10000 = 0–100 %), over the
    /// weighted indicators that counted something.
    #[schema(minimum = 0, maximum = 10000)]
    pub total_basis_points: Option<i32>,
    pub flag: Option<Flag>,
    #[schema(min_items = 8, max_items = 8)]
    pub indicators: Vec<IndicatorView>,
}

impl ScorecardView {
    fn of(card: &Scorecard, scheme: &SchemeVersion) -> ScorecardView {
        let weights = scheme.scheme.weights();
        ScorecardView {
            position: card.row.position,
            rank: card.row.rank,
            subject_id: card.row.subject_id.clone(),
            name_zh: card.name_zh.clone(),
            name_en: card.name_en.clone(),
            grid_id: Some(card.row.grid_id.clone()).filter(|g| !g.is_empty()),
            total_basis_points: card.row.total,
            flag: card.row.flag.as_deref().and_then(Flag::parse),
            indicators: Indicator::ALL
                .into_iter()
                .map(|indicator| {
                    let rate = card.measures.get(&indicator).copied().unwrap_or_default();
                    IndicatorView {
                        indicator,
                        numerator: rate.numerator,
                        denominator: rate.denominator,
                        rate: rate.value(),
                        weight: weights.get(&indicator).copied().unwrap_or(0),
                    }
                })
                .collect(),
        }
    }
}

/// Where an assessment month stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct MonthView {
    /// `YYYY-MM`, in the zone's time zone.
    #[schema(
        min_length = 7,
        max_length = 7,
        pattern = "^[0-9]{4}-(0[1-9]|1[0-2])$",
        example = "2026-11"
    )]
    pub period: String,
    /// Open months are recomputed when read five minutes after the last
    /// computation; a closed month is a snapshot.
    pub closed: bool,
    pub computed_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    #[schema(format = Uuid, max_length = 36)]
    pub closed_by: Option<String>,
}

impl From<&MonthState> for MonthView {
    fn from(m: &MonthState) -> MonthView {
        MonthView {
            period: m.month.to_string(),
            closed: m.closed_at.is_some(),
            computed_at: time::from_db(m.computed_at),
            closed_at: m.closed_at.map(time::from_db),
            closed_by: m.closed_by.as_ref().map(ToString::to_string),
        }
    }
}

/// A page of a month's scorecards of one level, ranked.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScorecardPageView {
    pub month: MonthView,
    pub level: AssessmentLevel,
    /// The scheme the scorecards were computed under.
    pub scheme: SchemeView,
    #[schema(max_items = 200)]
    pub items: Vec<ScorecardView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[schema(max_length = 200, pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$")]
    pub next_cursor: Option<String>,
}

impl ScorecardPageView {
    pub fn of(page: &ScorecardPage, level: AssessmentLevel, next_cursor: Option<String>) -> Self {
        ScorecardPageView {
            month: MonthView::from(&page.state),
            level,
            scheme: SchemeView::from(&page.scheme),
            items: page
                .items
                .iter()
                .map(|c| ScorecardView::of(c, &page.scheme))
                .collect(),
            next_cursor,
        }
    }
}
