//! Monthly scorecards (考核): each subject's indicators as numerator and
//! denominator, a weighted total under an admin-kept scheme, a ranking, and
//! flags for commendation and for review.
//!
//! Totals are whole basis points (0–10,000 = 0–100 %) computed in integers,
//! so a ranking never turns on floating-point noise.

use std::collections::BTreeMap;

use crate::coverage::Rate;

crate::closed_set! {
    /// What a scorecard measures; every indicator reads "higher is better".
    pub enum Indicator {
        /// Cases resolved or closed / cases that reached the subject.
        ResolutionRate = "resolution_rate", "问题解决率", "Resolution rate";
        /// Cases closed by their deadline / cases closed.
        OnTimeClosure = "on_time_closure", "按时办结率", "On-time closure";
        /// Cases closed without rework / cases closed.
        NoRework = "no_rework", "一次办结率", "Closed without rework";
        /// Evaluations of 4 or 5 stars / evaluations.
        Satisfaction = "satisfaction", "企业满意度", "Satisfaction";
        /// Inspections done on time / inspections due.
        InspectionCompletion = "inspection_completion", "巡查完成率", "Inspection completion";
        /// Hazards rectified by their deadline / hazards found.
        HazardsRectifiedOnTime = "hazards_rectified_on_time", "隐患按时整改率", "Hazards rectified on time";
        /// Policy acknowledgements / policies addressed to the subject.
        PolicyAcknowledgement = "policy_acknowledgement", "政策知晓率", "Policy acknowledgement";
        /// Reports neither rejected nor merged / reports made.
        ValidReportRate = "valid_report_rate", "有效上报率", "Valid-report rate";
    }
}

crate::closed_set! {
    /// Whose scorecards.
    pub enum Level {
        Worker = "worker", "网格员", "Grid worker";
        Grid = "grid", "网格", "Grid";
        Department = "department", "职能部门", "Department";
    }
}

crate::closed_set! {
    /// What a total calls for.
    pub enum Flag {
        Commend = "commend", "表彰", "Commend";
        Review = "review", "约谈复核", "Review";
    }
}

/// Why a scheme was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemeError {
    /// The weights do not add up to 100.
    WeightsSum(u32),
    /// The review threshold is not below the commendation threshold, or one
    /// is above 100.
    Thresholds { review: u8, commend: u8 },
}

/// Weights (whole points adding up to 100) and the two thresholds (whole
/// points of the total): kept as data, edited by an admin, versioned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scheme {
    weights: BTreeMap<Indicator, u8>,
    commend_at: u8,
    review_below: u8,
}

impl Scheme {
    /// Indicators left out weigh nothing.
    pub fn parse(
        weights: impl IntoIterator<Item = (Indicator, u8)>,
        commend_at: u8,
        review_below: u8,
    ) -> Result<Scheme, SchemeError> {
        let weights: BTreeMap<Indicator, u8> =
            weights.into_iter().filter(|(_, w)| *w > 0).collect();
        let sum: u32 = weights.values().map(|w| u32::from(*w)).sum();
        if sum != 100 {
            return Err(SchemeError::WeightsSum(sum));
        }
        if commend_at > 100 || review_below >= commend_at {
            return Err(SchemeError::Thresholds {
                review: review_below,
                commend: commend_at,
            });
        }
        Ok(Scheme {
            weights,
            commend_at,
            review_below,
        })
    }

    pub fn weights(&self) -> &BTreeMap<Indicator, u8> {
        &self.weights
    }

    pub fn commend_at(&self) -> u8 {
        self.commend_at
    }

    pub fn review_below(&self) -> u8 {
        self.review_below
    }

    /// The weighted total of `measures`, over the weighted indicators that
    /// had something to count: a worker whose grid found no hazard is
    /// neither helped nor hurt by the hazard indicator. None when nothing
    /// weighted could be counted.
    pub fn total(&self, measures: &BTreeMap<Indicator, Rate>) -> Option<u32> {
        let mut weighted = 0u64;
        let mut weight = 0u64;
        for (indicator, w) in &self.weights {
            let Some(rate) = measures.get(indicator).filter(|r| r.denominator > 0) else {
                continue;
            };
            weighted += u64::from(*w) * basis_points(*rate);
            weight += u64::from(*w);
        }
        (weight > 0).then(|| {
            // rounded half up
            u32::try_from((weighted + weight / 2) / weight).unwrap_or(u32::MAX)
        })
    }

    /// What a total calls for, if anything.
    pub fn flag(&self, total: u32) -> Option<Flag> {
        if total >= u32::from(self.commend_at) * 100 {
            Some(Flag::Commend)
        } else if total < u32::from(self.review_below) * 100 {
            Some(Flag::Review)
        } else {
            None
        }
    }
}

/// A rate in basis points, rounded half up (numerator capped at the denominator).
pub fn basis_points(rate: Rate) -> u64 {
    if rate.denominator == 0 {
        return 0;
    }
    let n = rate.numerator.min(rate.denominator);
    (n * 10_000 + rate.denominator / 2) / rate.denominator
}

/// Ranks totals, highest first: equal totals share a rank and the next
/// rank skips (1, 1, 3); ties are listed by key. Subjects without a total
/// are not ranked.
pub fn rank<K: Ord + Clone>(totals: &BTreeMap<K, Option<u32>>) -> Vec<(K, u32, u32)> {
    let mut scored: Vec<(K, u32)> = totals
        .iter()
        .filter_map(|(k, t)| t.map(|t| (k.clone(), t)))
        .collect();
    scored.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut ranked = Vec::with_capacity(scored.len());
    let mut rank = 0;
    let mut previous = None;
    for (i, (key, total)) in scored.into_iter().enumerate() {
        if previous != Some(total) {
            rank = u32::try_from(i + 1).unwrap_or(u32::MAX);
            previous = Some(total);
        }
        ranked.push((key, total, rank));
    }
    ranked
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scheme() -> Scheme {
        Scheme::parse(
            [
                (Indicator::ResolutionRate, 30),
                (Indicator::Satisfaction, 30),
                (Indicator::InspectionCompletion, 20),
                (Indicator::HazardsRectifiedOnTime, 20),
            ],
            90,
            60,
        )
        .unwrap()
    }

    #[test]
    fn a_scheme_needs_weights_of_100_and_ordered_thresholds() {
        assert_eq!(
            Scheme::parse([(Indicator::ResolutionRate, 60)], 90, 60),
            Err(SchemeError::WeightsSum(60))
        );
        assert_eq!(
            Scheme::parse([(Indicator::ResolutionRate, 100)], 60, 60),
            Err(SchemeError::Thresholds {
                review: 60,
                commend: 60
            })
        );
        assert!(Scheme::parse([(Indicator::ResolutionRate, 100)], 101, 60).is_err());
        let s = Scheme::parse(
            [(Indicator::ResolutionRate, 100), (Indicator::NoRework, 0)],
            90,
            60,
        )
        .unwrap();
        assert_eq!(s.weights().len(), 1, "a zero weight is left out");
    }

    #[test]
    fn basis_points_round_half_up() {
        assert_eq!(basis_points(Rate::new(2, 3)), 6667);
        assert_eq!(basis_points(Rate::new(1, 3)), 3333);
        assert_eq!(basis_points(Rate::new(1, 8)), 1250);
        assert_eq!(basis_points(Rate::new(5, 4)), 10_000, "capped");
        assert_eq!(basis_points(Rate::new(0, 0)), 0);
    }

    #[test]
    fn a_worked_month() {
        // 18 of 20 cases resolved (90 %), 7 of 8 evaluations satisfied
        // (87.5 %), 9 of 12 inspections on time (75 %), 3 of 4 hazards
        // rectified on time (75 %):
        // (30×9000 + 30×8750 + 20×7500 + 20×7500) / 100 = 8325
        let measures = BTreeMap::from([
            (Indicator::ResolutionRate, Rate::new(18, 20)),
            (Indicator::Satisfaction, Rate::new(7, 8)),
            (Indicator::InspectionCompletion, Rate::new(9, 12)),
            (Indicator::HazardsRectifiedOnTime, Rate::new(3, 4)),
            // measured, but this scheme gives it no weight
            (Indicator::NoRework, Rate::new(0, 5)),
        ]);
        let s = scheme();
        assert_eq!(s.total(&measures), Some(8325));
        assert_eq!(s.flag(8325), None);
    }

    #[test]
    fn indicators_with_nothing_to_count_are_left_out_of_the_weights() {
        // no hazard found: the other 80 points carry the total
        // (30×10000 + 30×10000 + 20×5000) / 80 = 8750
        let measures = BTreeMap::from([
            (Indicator::ResolutionRate, Rate::new(4, 4)),
            (Indicator::Satisfaction, Rate::new(2, 2)),
            (Indicator::InspectionCompletion, Rate::new(1, 2)),
            (Indicator::HazardsRectifiedOnTime, Rate::new(0, 0)),
        ]);
        assert_eq!(scheme().total(&measures), Some(8750));
        assert_eq!(scheme().total(&BTreeMap::new()), None);
    }

    #[test]
    fn flags_at_the_thresholds() {
        let s = scheme();
        assert_eq!(s.flag(9000), Some(Flag::Commend), "at 90 exactly");
        assert_eq!(s.flag(8999), None);
        assert_eq!(s.flag(6000), None, "at 60 exactly");
        assert_eq!(s.flag(5999), Some(Flag::Review));
    }

    #[test]
    fn ties_share_a_rank_and_the_next_skips() {
        let totals = BTreeMap::from([
            ("王", Some(8000)),
            ("李", Some(9100)),
            ("张", Some(8000)),
            ("赵", Some(7000)),
            ("钱", None),
        ]);
        assert_eq!(
            rank(&totals),
            vec![
                ("李", 9100, 1),
                ("张", 8000, 2),
                ("王", 8000, 2),
                ("赵", 7000, 4)
            ]
        );
    }
}
