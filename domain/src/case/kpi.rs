//! Case KPIs, as workers are assessed on them (考核): how many cases close,
//! close on time, go back for rework, and leave the reporter satisfied,
//! and how fast each step is taken.
//!
//! A case is **due to close** when it was accepted for handling (not
//! rejected, not merged) and it is closed, or its resolve deadline passed
//! by the end of the period. Then:
//! - 结案率 closure rate = closed / due to close;
//! - 按期结案率 on-time closure rate = closed by the resolve deadline / due to close;
//! - 返工率 rework rate = reworked at least once / due to close;
//! - satisfaction rate = (satisfied + basically satisfied) / evaluated.

use super::{CaseState, Satisfaction};
use crate::coverage::Rate;

/// What the KPIs need of one case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseFacts {
    pub state: CaseState,
    /// Closed (or evaluated) no later than its resolve deadline.
    pub closed_on_time: bool,
    /// Its resolve deadline had passed by the end of the period.
    pub resolve_due_passed: bool,
    pub rework_count: u32,
    pub satisfaction: Option<Satisfaction>,
    /// Minutes from report to acceptance, from dispatch to the lead
    /// department's report-in, from report to resolution.
    pub minutes_to_accept: Option<i64>,
    pub minutes_to_report_in: Option<i64>,
    pub minutes_to_resolve: Option<i64>,
}

/// Mean and 90th percentile of some durations, in minutes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Durations {
    pub count: u64,
    pub mean: Option<f64>,
    pub p90: Option<i64>,
}

impl Durations {
    /// The 90th percentile is the nearest-rank one: the smallest value with
    /// at least 90 % of the values at or below it.
    pub fn of(values: impl IntoIterator<Item = i64>) -> Durations {
        let mut v: Vec<i64> = values.into_iter().collect();
        v.sort_unstable();
        let count = v.len() as u64;
        if v.is_empty() {
            return Durations {
                count,
                mean: None,
                p90: None,
            };
        }
        let sum: i64 = v.iter().sum();
        let mean = (sum as f64 / v.len() as f64 * 10.0).round() / 10.0;
        let rank = (v.len() * 9).div_ceil(10).max(1);
        Durations {
            count,
            mean: Some(mean),
            p90: v.get(rank - 1).copied(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Kpis {
    pub due_to_close: u64,
    pub closure: Rate,
    pub on_time_closure: Rate,
    pub rework: Rate,
    pub satisfaction: Rate,
    pub to_accept: Durations,
    pub to_report_in: Durations,
    pub to_resolve: Durations,
}

fn closed(state: CaseState) -> bool {
    matches!(state, CaseState::Closed | CaseState::Evaluated)
}

pub fn compute(cases: &[CaseFacts]) -> Kpis {
    let counted = |c: &&CaseFacts| {
        !matches!(c.state, CaseState::Rejected | CaseState::Merged)
            && (closed(c.state) || c.resolve_due_passed)
    };
    let due: Vec<&CaseFacts> = cases.iter().filter(counted).collect();
    let n = due.len() as u64;
    let count = |f: &dyn Fn(&CaseFacts) -> bool| due.iter().filter(|c| f(c)).count() as u64;
    let evaluated: Vec<Satisfaction> = cases.iter().filter_map(|c| c.satisfaction).collect();
    let pleased = evaluated
        .iter()
        .filter(|s| **s != Satisfaction::Unsatisfied)
        .count() as u64;
    Kpis {
        due_to_close: n,
        closure: Rate::new(count(&|c| closed(c.state)), n),
        on_time_closure: Rate::new(count(&|c| closed(c.state) && c.closed_on_time), n),
        rework: Rate::new(count(&|c| c.rework_count > 0), n),
        satisfaction: Rate::new(pleased, evaluated.len() as u64),
        to_accept: Durations::of(cases.iter().filter_map(|c| c.minutes_to_accept)),
        to_report_in: Durations::of(cases.iter().filter_map(|c| c.minutes_to_report_in)),
        to_resolve: Durations::of(cases.iter().filter_map(|c| c.minutes_to_resolve)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(state: CaseState) -> CaseFacts {
        CaseFacts {
            state,
            closed_on_time: false,
            resolve_due_passed: false,
            rework_count: 0,
            satisfaction: None,
            minutes_to_accept: None,
            minutes_to_report_in: None,
            minutes_to_resolve: None,
        }
    }

    #[test]
    fn worked_numbers() {
        // 10 cases in the period:
        // - 4 closed on time, one of them after a rework; 3 evaluated
        //   (satisfied, basically satisfied, unsatisfied)
        // - 2 closed late
        // - 1 in progress whose deadline passed (due, not closed)
        // - 1 in progress still within its deadline (not yet due)
        // - 1 rejected and 1 merged (never due)
        let on_time = CaseFacts {
            closed_on_time: true,
            ..case(CaseState::Closed)
        };
        let cases = [
            CaseFacts {
                satisfaction: Some(Satisfaction::Satisfied),
                state: CaseState::Evaluated,
                ..on_time
            },
            CaseFacts {
                satisfaction: Some(Satisfaction::BasicallySatisfied),
                state: CaseState::Evaluated,
                ..on_time
            },
            CaseFacts {
                satisfaction: Some(Satisfaction::Unsatisfied),
                state: CaseState::Evaluated,
                rework_count: 1,
                ..on_time
            },
            on_time,
            case(CaseState::Closed),
            case(CaseState::Closed),
            CaseFacts {
                resolve_due_passed: true,
                ..case(CaseState::InProgress)
            },
            case(CaseState::InProgress),
            case(CaseState::Rejected),
            case(CaseState::Merged),
        ];
        let k = compute(&cases);
        assert_eq!(k.due_to_close, 7);
        assert_eq!(k.closure, Rate::new(6, 7)); // 结案率 85.71 %
        assert_eq!(k.closure.value(), Some(0.8571));
        assert_eq!(k.on_time_closure, Rate::new(4, 7)); // 按期结案率 57.14 %
        assert_eq!(k.on_time_closure.value(), Some(0.5714));
        assert_eq!(k.rework, Rate::new(1, 7)); // 返工率 14.29 %
        assert_eq!(k.satisfaction, Rate::new(2, 3)); // 满意率 66.67 %
        assert_eq!(k.satisfaction.value(), Some(0.6667));
    }

    #[test]
    fn mean_and_nearest_rank_p90() {
        let d = Durations::of([10, 20, 30, 40, 50, 60, 70, 80, 90, 1000]);
        assert_eq!((d.count, d.mean, d.p90), (10, Some(145.0), Some(90)));
        let d = Durations::of([5, 7]);
        assert_eq!((d.mean, d.p90), (Some(6.0), Some(7)));
        let d = Durations::of([]);
        assert_eq!((d.count, d.mean, d.p90), (0, None, None));
    }
}
