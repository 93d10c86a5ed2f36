//! Monthly scorecards (考核): each subject's indicators as numerator and
//! denominator, a weighted total under an admin-kept scheme, a ranking, and
//! flags for commendation and for review.
//!
//! Totals are whole basis points (0–10,000 = 0–100 %) computed in integers,
//! so a ranking never turns on floating-point noise.

use std::collections::BTreeMap;

use crate::case::CaseState;
use crate::case::kpi::Tally;
use crate::coverage::Rate;
use crate::inspection_kpi::{Completion, Hazards};

crate::closed_set! {
    /// What a scorecard measures; every indicator reads "higher is better".
    pub enum Indicator {
        /// Cases closed / cases due to close (accepted, and closed or past
        /// their deadline by the month's end): the case KPIs' closure rate.
        ResolutionRate = "resolution_rate", "问题解决率", "Resolution rate";
        /// Cases closed by their deadline / cases due to close.
        OnTimeClosure = "on_time_closure", "按时办结率", "On-time closure";
        /// Cases due to close never sent back for rework / cases due to close.
        NoRework = "no_rework", "一次办结率", "Closed without rework";
        /// Evaluations of 4 or 5 stars / evaluations.
        Satisfaction = "satisfaction", "企业满意度", "Satisfaction";
        /// Inspections done on time / inspections whose window closed.
        InspectionCompletion = "inspection_completion", "巡查完成率", "Inspection completion";
        /// Hazards found in the month and rectified by their deadline /
        /// hazards found in the month.
        HazardsRectifiedOnTime = "hazards_rectified_on_time", "隐患按时整改率", "Hazards rectified on time";
        /// Acknowledgements / workers reached, over the policies published in
        /// the month.
        PolicyAcknowledgement = "policy_acknowledgement", "政策知晓率", "Policy acknowledgement";
        /// Cases reported that were neither rejected nor merged / cases
        /// reported.
        ValidReportRate = "valid_report_rate", "有效上报率", "Valid-report rate";
    }
}

crate::closed_set! {
    /// Whose scorecards.
    pub enum AssessmentLevel {
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

/// What one subject's indicators count, gathered over a month.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    /// The cases that reached the subject: as assignee, in the grid, or as
    /// lead department.
    pub cases: Tally,
    /// Cases the subject reported (valid / made).
    pub reports: Rate,
    pub inspections: Completion,
    pub hazards: Hazards,
    /// Workers reached by the month's policies, and how many acknowledged.
    pub policies: Rate,
}

impl Facts {
    /// A case the subject reported, in the state it is in now.
    pub fn report(&mut self, state: CaseState) {
        self.reports.denominator += 1;
        self.reports.numerator +=
            u64::from(!matches!(state, CaseState::Rejected | CaseState::Merged));
    }

    /// A worker reached by a policy, and whether they acknowledged it.
    pub fn policy(&mut self, acknowledged: bool) {
        self.policies.denominator += 1;
        self.policies.numerator += u64::from(acknowledged);
    }

    /// Every indicator, each as numerator and denominator.
    pub fn measures(&self) -> BTreeMap<Indicator, Rate> {
        let k = self.cases.kpis();
        let unreworked = k.rework.denominator.saturating_sub(k.rework.numerator);
        BTreeMap::from([
            (Indicator::ResolutionRate, k.closure),
            (Indicator::OnTimeClosure, k.on_time_closure),
            (
                Indicator::NoRework,
                Rate::new(unreworked, k.rework.denominator),
            ),
            (Indicator::Satisfaction, k.satisfaction),
            (Indicator::InspectionCompletion, self.inspections.rate()),
            (
                Indicator::HazardsRectifiedOnTime,
                Rate::new(self.hazards.rectified_on_time, self.hazards.found),
            ),
            (Indicator::PolicyAcknowledgement, self.policies),
            (Indicator::ValidReportRate, self.reports),
        ])
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
    use crate::case::Satisfaction;
    use crate::case::kpi::CaseFacts;
    use crate::inspection_kpi::{Hazard, Occurrence};

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

    fn case(state: CaseState, on_time: bool, due_passed: bool, rework: u32) -> CaseFacts {
        CaseFacts {
            state,
            level: crate::case::Level::Grid,
            closed_on_time: on_time,
            resolve_due_passed: due_passed,
            rework_count: rework,
            satisfaction: None,
            minutes_to_accept: None,
            minutes_to_report_in: None,
            minutes_to_resolve: None,
        }
    }

    #[test]
    fn a_worked_worker_month_from_its_facts() {
        let mut f = Facts::default();
        // five cases reached the worker: three closed (two on time, one of
        // them reworked once and evaluated unsatisfied), one open past its
        // deadline, one open and not yet due (not due to close)
        f.cases.add(&CaseFacts {
            satisfaction: Some(Satisfaction::Satisfied),
            ..case(CaseState::Evaluated, true, true, 0)
        });
        f.cases.add(&CaseFacts {
            satisfaction: Some(Satisfaction::Unsatisfied),
            ..case(CaseState::Evaluated, true, true, 1)
        });
        f.cases.add(&case(CaseState::Closed, false, true, 0));
        f.cases.add(&case(CaseState::InProgress, false, true, 0));
        f.cases.add(&case(CaseState::InProgress, false, false, 0));
        // four reports: one rejected, one merged
        for s in [
            CaseState::Closed,
            CaseState::Rejected,
            CaseState::Merged,
            CaseState::Reported,
        ] {
            f.report(s);
        }
        // three inspections due: two done on time, one late
        for on_time in [true, true, false] {
            f.inspections.add(Occurrence {
                done: true,
                on_time,
            });
        }
        // two hazards found, one rectified in time
        for rectified_on_time in [true, false] {
            f.hazards.add(Hazard {
                found: true,
                rectified_on_time,
                open: !rectified_on_time,
                overdue: false,
            });
        }
        // reached by three policies, acknowledged two
        for acknowledged in [true, true, false] {
            f.policy(acknowledged);
        }
        let m = f.measures();
        let r = |i: Indicator| (m[&i].numerator, m[&i].denominator);
        assert_eq!(r(Indicator::ResolutionRate), (3, 4));
        assert_eq!(r(Indicator::OnTimeClosure), (2, 4));
        assert_eq!(r(Indicator::NoRework), (3, 4));
        assert_eq!(r(Indicator::Satisfaction), (1, 2));
        assert_eq!(r(Indicator::ValidReportRate), (2, 4));
        assert_eq!(r(Indicator::InspectionCompletion), (2, 3));
        assert_eq!(r(Indicator::HazardsRectifiedOnTime), (1, 2));
        assert_eq!(r(Indicator::PolicyAcknowledgement), (2, 3));
        // equal weights of 12 or 13 over the eight:
        // 7500, 5000, 7500, 5000, 6667, 5000, 6667, 5000
        let equal = Scheme::parse(
            Indicator::ALL
                .into_iter()
                .zip([13, 13, 13, 13, 12, 12, 12, 12]),
            90,
            60,
        )
        .unwrap();
        // (13×(7500+5000+7500+5000) + 12×(6667+5000+6667+5000)) / 100
        // = (325000 + 280008) / 100 = 6050.08 → 6050
        assert_eq!(equal.total(&m), Some(6050));
        assert_eq!(equal.flag(6050), None);
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
