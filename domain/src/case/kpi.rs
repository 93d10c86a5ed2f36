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

use std::collections::BTreeMap;

use super::{CaseState, Satisfaction};
use crate::coverage::Rate;

/// What the KPIs need of one case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseFacts {
    pub state: CaseState,
    pub level: super::Level,
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

/// Mean and 90th percentile of some durations, in minutes (see [`Histogram`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Durations {
    pub count: u64,
    pub mean: Option<f64>,
    pub p90: Option<i64>,
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

/// The KPIs of `cases`.
pub fn compute(cases: &[CaseFacts]) -> Kpis {
    let mut tally = Tally::default();
    for case in cases {
        tally.add(case);
    }
    tally.kpis()
}

/// Durations in minutes as a histogram, so that the durations of groups
/// (days, grids) merge: exact below 64 minutes, above in 16 buckets per
/// doubling. Its p90 is the top of the bucket holding the nearest-rank 90th
/// percentile: at least 90 % of the durations lie at or below it, and it
/// is at most 1/16 (6.25 %) above the exact one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Histogram {
    /// Bucket → how many durations fell in it.
    buckets: BTreeMap<u32, u64>,
    count: u64,
    sum: i64,
}

const EXACT_BELOW: i64 = 64;
const SUB_BUCKETS: u32 = 16;

fn bucket_of(minutes: i64) -> u32 {
    let v = minutes.max(0);
    if v < EXACT_BELOW {
        return v as u32;
    }
    let exp = 63 - v.leading_zeros(); // ≥ 6
    let sub = ((v >> (exp - 4)) & 15) as u32;
    EXACT_BELOW as u32 + (exp - 6) * SUB_BUCKETS + sub
}

/// The largest value that falls in `bucket`.
fn top_of(bucket: u32) -> i64 {
    if bucket < EXACT_BELOW as u32 {
        return i64::from(bucket);
    }
    let exp = (bucket - EXACT_BELOW as u32) / SUB_BUCKETS + 6;
    let sub = i64::from((bucket - EXACT_BELOW as u32) % SUB_BUCKETS);
    ((16 + sub + 1) << (exp - 4)) - 1
}

impl Histogram {
    pub fn add(&mut self, minutes: i64) {
        *self.buckets.entry(bucket_of(minutes)).or_default() += 1;
        self.count += 1;
        self.sum += minutes;
    }

    pub fn merge(&mut self, other: &Histogram) {
        for (b, n) in &other.buckets {
            *self.buckets.entry(*b).or_default() += n;
        }
        self.count += other.count;
        self.sum += other.sum;
    }

    /// The mean (exact, to a tenth of a minute) and the p90.
    pub fn durations(&self) -> Durations {
        if self.count == 0 {
            return Durations {
                count: 0,
                mean: None,
                p90: None,
            };
        }
        let rank = (self.count * 9).div_ceil(10).max(1);
        let mut seen = 0;
        let p90 = self.buckets.iter().find_map(|(b, n)| {
            seen += n;
            (seen >= rank).then(|| top_of(*b))
        });
        Durations {
            count: self.count,
            mean: Some((self.sum as f64 / self.count as f64 * 10.0).round() / 10.0),
            p90,
        }
    }

    /// `count sum bucket:n …`, for storage.
    fn write(&self, out: &mut String) {
        use std::fmt::Write;
        let _ = write!(out, "{} {}", self.count, self.sum);
        for (b, n) in &self.buckets {
            let _ = write!(out, " {b}:{n}");
        }
    }

    fn read(text: &str) -> Option<Histogram> {
        let mut parts = text.split(' ');
        let count = parts.next()?.parse().ok()?;
        let sum = parts.next()?.parse().ok()?;
        let mut buckets = BTreeMap::new();
        for part in parts {
            let (b, n) = part.split_once(':')?;
            buckets.insert(b.parse().ok()?, n.parse().ok()?);
        }
        Some(Histogram {
            buckets,
            count,
            sum,
        })
    }
}

/// What the KPIs of a set of cases add up from, so that the tallies of
/// groups (a day's cases in a grid, kept as rollups) merge into the tally of
/// their union. Open cases count towards "due to close" only once their
/// resolve deadline passed by the end of the period, which moves with the
/// period: a tally kept ahead of time leaves them out (`add_settled`), and
/// they are added when the period is known (`add_open_due`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    pub by_state: BTreeMap<CaseState, u64>,
    pub by_level: BTreeMap<super::Level, u64>,
    closed: u64,
    closed_on_time: u64,
    closed_reworked: u64,
    open_due: u64,
    open_due_reworked: u64,
    evaluated: u64,
    pleased: u64,
    to_accept: Histogram,
    to_report_in: Histogram,
    to_resolve: Histogram,
}

impl Tally {
    /// Everything about `case` but whether an open case is due.
    pub fn add_settled(&mut self, case: &CaseFacts) {
        *self.by_state.entry(case.state).or_default() += 1;
        *self.by_level.entry(case.level).or_default() += 1;
        if closed(case.state) {
            self.closed += 1;
            self.closed_on_time += u64::from(case.closed_on_time);
            self.closed_reworked += u64::from(case.rework_count > 0);
        }
        if let Some(s) = case.satisfaction {
            self.evaluated += 1;
            self.pleased += u64::from(s != Satisfaction::Unsatisfied);
        }
        let durations = [
            (&mut self.to_accept, case.minutes_to_accept),
            (&mut self.to_report_in, case.minutes_to_report_in),
            (&mut self.to_resolve, case.minutes_to_resolve),
        ];
        for (histogram, minutes) in durations {
            if let Some(m) = minutes {
                histogram.add(m);
            }
        }
    }

    /// An open case whose resolve deadline passed by the period's end.
    pub fn add_open_due(&mut self, case: &CaseFacts) {
        if open(case.state) && case.resolve_due_passed {
            self.open_due += 1;
            self.open_due_reworked += u64::from(case.rework_count > 0);
        }
    }

    /// The whole of `case`.
    pub fn add(&mut self, case: &CaseFacts) {
        self.add_settled(case);
        self.add_open_due(case);
    }

    pub fn merge(&mut self, other: &Tally) {
        for (state, n) in &other.by_state {
            *self.by_state.entry(*state).or_default() += n;
        }
        for (level, n) in &other.by_level {
            *self.by_level.entry(*level).or_default() += n;
        }
        self.closed += other.closed;
        self.closed_on_time += other.closed_on_time;
        self.closed_reworked += other.closed_reworked;
        self.open_due += other.open_due;
        self.open_due_reworked += other.open_due_reworked;
        self.evaluated += other.evaluated;
        self.pleased += other.pleased;
        self.to_accept.merge(&other.to_accept);
        self.to_report_in.merge(&other.to_report_in);
        self.to_resolve.merge(&other.to_resolve);
    }

    pub fn kpis(&self) -> Kpis {
        let due = self.closed + self.open_due;
        Kpis {
            due_to_close: due,
            closure: Rate::new(self.closed, due),
            on_time_closure: Rate::new(self.closed_on_time, due),
            rework: Rate::new(self.closed_reworked + self.open_due_reworked, due),
            satisfaction: Rate::new(self.pleased, self.evaluated),
            to_accept: self.to_accept.durations(),
            to_report_in: self.to_report_in.durations(),
            to_resolve: self.to_resolve.durations(),
        }
    }

    /// The settled part as text, for a rollup row (`open_due` is not kept).
    pub fn to_stored(&self) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        for (state, n) in &self.by_state {
            let _ = write!(out, "{}={n},", state.code());
        }
        for (level, n) in &self.by_level {
            let _ = write!(out, "{}={n},", level.code());
        }
        let _ = write!(
            out,
            "|{} {} {} {} {}",
            self.closed, self.closed_on_time, self.closed_reworked, self.evaluated, self.pleased
        );
        for h in [&self.to_accept, &self.to_report_in, &self.to_resolve] {
            out.push('|');
            h.write(&mut out);
        }
        out
    }

    /// A tally stored by [`Tally::to_stored`]; None when it is not one.
    pub fn parse_stored(text: &str) -> Option<Tally> {
        let mut parts = text.split('|');
        let mut tally = Tally::default();
        for pair in parts.next()?.split(',').filter(|p| !p.is_empty()) {
            let (code, n) = pair.split_once('=')?;
            let n: u64 = n.parse().ok()?;
            match (CaseState::parse(code), super::Level::parse(code)) {
                (Some(state), _) => *tally.by_state.entry(state).or_default() += n,
                (None, Some(level)) => *tally.by_level.entry(level).or_default() += n,
                (None, None) => return None,
            }
        }
        let counts: Vec<u64> = parts
            .next()?
            .split(' ')
            .map(|n| n.parse().ok())
            .collect::<Option<_>>()?;
        let [closed, on_time, reworked, evaluated, pleased] = counts.as_slice() else {
            return None;
        };
        (tally.closed, tally.closed_on_time, tally.closed_reworked) =
            (*closed, *on_time, *reworked);
        (tally.evaluated, tally.pleased) = (*evaluated, *pleased);
        tally.to_accept = Histogram::read(parts.next()?)?;
        tally.to_report_in = Histogram::read(parts.next()?)?;
        tally.to_resolve = Histogram::read(parts.next()?)?;
        parts.next().is_none().then_some(tally)
    }
}

fn open(state: CaseState) -> bool {
    !closed(state) && !matches!(state, CaseState::Rejected | CaseState::Merged)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::Level;

    fn case(state: CaseState) -> CaseFacts {
        CaseFacts {
            state,
            level: super::super::Level::Grid,
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
    fn mean_and_nearest_rank_p90_from_the_histogram() {
        let of = |values: &[i64]| {
            let mut h = Histogram::default();
            values.iter().for_each(|v| h.add(*v));
            h.durations()
        };
        // exact below 64 minutes: the 9th of 10 values
        let d = of(&[5, 10, 15, 20, 25, 30, 35, 40, 45, 1000]);
        assert_eq!((d.count, d.mean, d.p90), (10, Some(122.5), Some(45)));
        // 90 lies in the bucket 88–91 (64–127 in 16 buckets of 4): its top
        let d = of(&[10, 20, 30, 40, 50, 60, 70, 80, 90, 1000]);
        assert_eq!((d.count, d.mean, d.p90), (10, Some(145.0), Some(91)));
        // 1440 (a day) lies in 1408–1471 (1024–2047 in buckets of 64)
        assert_eq!(of(&[1440]).p90, Some(1471));
        let d = of(&[5, 7]);
        assert_eq!((d.mean, d.p90), (Some(6.0), Some(7)));
        let d = of(&[]);
        assert_eq!((d.count, d.mean, d.p90), (0, None, None));
    }

    #[test]
    fn a_bucket_top_is_never_more_than_a_sixteenth_above_its_values() {
        for v in (0..200_000).step_by(7) {
            let top = top_of(bucket_of(v));
            assert!(top >= v && top - v <= v / 16, "{v} → {top}");
            assert_eq!(bucket_of(top), bucket_of(v), "{v}");
        }
    }

    /// Ten cases with every kind of fact, one group of 4 and one of 6.
    fn ten() -> Vec<CaseFacts> {
        let mut cases = Vec::new();
        for n in 0..10i64 {
            let state = [
                CaseState::Evaluated,
                CaseState::Closed,
                CaseState::InProgress,
                CaseState::Rework,
                CaseState::Rejected,
            ][n as usize % 5];
            cases.push(CaseFacts {
                state,
                level: if n % 3 == 0 {
                    Level::ZoneOffice
                } else {
                    Level::Grid
                },
                closed_on_time: n % 2 == 0,
                resolve_due_passed: n % 4 != 1,
                rework_count: u32::from(n % 3 == 1),
                satisfaction: (state == CaseState::Evaluated).then_some(if n == 0 {
                    Satisfaction::Unsatisfied
                } else {
                    Satisfaction::Satisfied
                }),
                minutes_to_accept: Some(10 * n),
                minutes_to_report_in: (n > 5).then_some(100 * n),
                minutes_to_resolve: Some(60 * n + 7),
            });
        }
        cases
    }

    #[test]
    fn tallies_of_groups_merge_into_the_tally_of_the_whole() {
        let cases = ten();
        let mut whole = Tally::default();
        cases.iter().for_each(|c| whole.add(c));
        let (mut four, mut six) = (Tally::default(), Tally::default());
        cases[..4].iter().for_each(|c| four.add(c));
        cases[4..].iter().for_each(|c| six.add(c));
        four.merge(&six);
        assert_eq!(four, whole);
        assert_eq!(whole.kpis(), compute(&cases));
        // worked: closed are n = 0, 5 (evaluated) and 1, 6; open are 2, 3,
        // 7, 8, all past their deadline (n % 4 != 1); 4 and 9 rejected
        let k = whole.kpis();
        assert_eq!(k.due_to_close, 8);
        assert_eq!(k.closure, Rate::new(4, 8));
        assert_eq!(k.on_time_closure, Rate::new(2, 8)); // n = 0, 6
        assert_eq!(k.rework, Rate::new(2, 8)); // n = 1 (closed), 7 (open): n % 3 == 1
        assert_eq!(k.satisfaction, Rate::new(1, 2)); // n = 5 of 0 and 5
        // 0, 10, …, 90 minutes: the 9th is 80, in the bucket 80–83
        assert_eq!((k.to_accept.mean, k.to_accept.p90), (Some(45.0), Some(83)));
        assert_eq!(k.to_report_in.count, 4);
    }

    #[test]
    fn a_stored_tally_reads_back_without_its_open_due_part() {
        let cases = ten();
        let mut settled = Tally::default();
        let mut whole = Tally::default();
        for c in &cases {
            settled.add_settled(c);
            whole.add(c);
        }
        let stored = settled.to_stored();
        assert_eq!(
            Tally::parse_stored(&stored),
            Some(settled.clone()),
            "{stored}"
        );
        // the open cases due by the period's end are added when it is known
        let mut read = Tally::parse_stored(&stored).unwrap();
        cases.iter().for_each(|c| read.add_open_due(c));
        assert_eq!(read, whole);
        for bad in [
            "",
            "x=1,|0 0 0 0 0|0 0|0 0|0 0",
            "|0 0 0 0|0 0|0 0|0 0",
            "|0 0 0 0 0|0 0|0 0",
        ] {
            assert_eq!(Tally::parse_stored(bad), None, "{bad}");
        }
    }
}
