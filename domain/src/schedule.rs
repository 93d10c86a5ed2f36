//! Inspection schedules (排查计划): a template inspected in a grid or an
//! enterprise on a recurrence — daily, weekly on given weekdays, monthly on
//! a day: a subset of RFC 5545 RRULE, expanded by the `rrule` crate — each
//! time within a window of local (zone) time. Each occurrence is `due`
//! until its window closes, then `overdue` for a grace period, then
//! `missed`; an inspection finished inside the window is on time, whenever
//! it is uploaded.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

crate::closed_set! {
    /// Where an occurrence stands.
    pub enum OccurrenceState {
        Due = "due", "待检查", "Due";
        Done = "done", "已完成", "Done";
        Overdue = "overdue", "已逾期", "Overdue";
        Missed = "missed", "已漏检", "Missed";
    }
}

/// A recurrence rule of the supported subset: `FREQ=DAILY`,
/// `FREQ=WEEKLY;BYDAY=MO,TH`, `FREQ=MONTHLY;BYMONTHDAY=1` (or `-1`, the
/// last day), each with an optional `INTERVAL` of 1–12.
#[derive(Debug, Clone, PartialEq)]
pub struct Recurrence {
    text: String,
    rule: rrule::RRule<rrule::Unvalidated>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecurrenceError {
    #[error(
        "write FREQ=DAILY, FREQ=WEEKLY;BYDAY=MO,TH or FREQ=MONTHLY;BYMONTHDAY=1 (with INTERVAL=1..12 if needed)"
    )]
    Shape,
    #[error("`{0}` is not supported here")]
    Unsupported(String),
    #[error("{0}")]
    Rule(String),
}

const WEEKDAYS: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

impl Recurrence {
    /// Parses and checks the subset; the text is kept upper-cased, without
    /// spaces.
    pub fn parse(input: &str) -> Result<Recurrence, RecurrenceError> {
        let text: String = input
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
        let mut freq = None;
        let (mut by_day, mut by_month_day) = (false, false);
        for part in text.split(';') {
            let (key, value) = part.split_once('=').ok_or(RecurrenceError::Shape)?;
            match key {
                "FREQ" => freq = Some(value.to_owned()),
                "INTERVAL" => {
                    if !value.parse::<u8>().is_ok_and(|n| (1..=12).contains(&n)) {
                        return Err(RecurrenceError::Unsupported(part.to_owned()));
                    }
                }
                "BYDAY" => {
                    by_day = true;
                    if value.split(',').any(|d| !WEEKDAYS.contains(&d)) {
                        return Err(RecurrenceError::Unsupported(part.to_owned()));
                    }
                }
                "BYMONTHDAY" => {
                    by_month_day = true;
                    if !value
                        .parse::<i8>()
                        .is_ok_and(|d| (1..=31).contains(&d) || d == -1)
                    {
                        return Err(RecurrenceError::Unsupported(part.to_owned()));
                    }
                }
                _ => return Err(RecurrenceError::Unsupported(key.to_owned())),
            }
        }
        match (freq.as_deref(), by_day, by_month_day) {
            (Some("DAILY"), false, false)
            | (Some("WEEKLY"), true, false)
            | (Some("MONTHLY"), false, true) => {}
            _ => return Err(RecurrenceError::Shape),
        }
        let rule = text
            .parse::<rrule::RRule<rrule::Unvalidated>>()
            .map_err(|e| RecurrenceError::Rule(e.to_string()))?;
        Ok(Recurrence { text, rule })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// When the occurrences of a schedule fall: from `starts_on` to `ends_on`
/// (inclusive), each opening at `opens` local time for `window`, missed
/// `grace` after it closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub opens: NaiveTime,
    pub window: Duration,
    pub grace: Duration,
}

/// One occurrence's window, in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub missed_at: DateTime<Utc>,
}

impl Window {
    /// Where an occurrence not yet done stands at `now`.
    pub fn state_at(&self, now: DateTime<Utc>) -> OccurrenceState {
        if now < self.closes_at {
            OccurrenceState::Due
        } else if now < self.missed_at {
            OccurrenceState::Overdue
        } else {
            OccurrenceState::Missed
        }
    }

    /// An inspection finished at `at` is on time when inside the window.
    pub fn on_time(&self, at: DateTime<Utc>) -> bool {
        self.opens_at <= at && at <= self.closes_at
    }
}

/// The most occurrences one expansion yields (a daily schedule over a year).
pub const MAX_EXPANSION: u16 = 400;

/// The windows of `recurrence` that open in `[from, to)`, in the zone's
/// time zone `tz`.
pub fn windows(
    recurrence: &Recurrence,
    timing: &Timing,
    tz: Tz,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Vec<Window> {
    let zone = rrule::Tz::Tz(tz);
    let first = timing.starts_on.and_time(timing.opens);
    // a local time that a clock change skips opens at the next one that exists
    let Some(start) = zone.from_local_datetime(&first).earliest().or_else(|| {
        zone.from_local_datetime(&(first + Duration::hours(1)))
            .earliest()
    }) else {
        return Vec::new();
    };
    let Ok(set) = recurrence.rule.clone().build(start) else {
        return Vec::new();
    };
    let last = timing
        .ends_on
        .and_then(|d| d.succ_opt())
        .map(|d| d.and_time(NaiveTime::MIN));
    set.after(from.with_timezone(&zone))
        .before(to.with_timezone(&zone))
        .all(MAX_EXPANSION)
        .dates
        .into_iter()
        .filter(|at| last.is_none_or(|last| at.naive_local() < last))
        .map(|at| at.with_timezone(&Utc))
        .filter(|at| *at >= from && *at < to)
        .map(|opens_at| Window {
            opens_at,
            closes_at: opens_at + timing.window,
            missed_at: opens_at + timing.window + timing.grace,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn weekly_monday() -> (Recurrence, Timing) {
        (
            Recurrence::parse("FREQ=WEEKLY;BYDAY=MO").unwrap(),
            Timing {
                starts_on: "2026-11-01".parse().unwrap(),
                ends_on: None,
                opens: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
                window: Duration::hours(8),
                grace: Duration::hours(24),
            },
        )
    }

    #[test]
    fn the_subset_is_parsed_and_the_rest_refused() {
        assert_eq!(
            Recurrence::parse(" freq=weekly; byday=MO,th ")
                .unwrap()
                .as_str(),
            "FREQ=WEEKLY;BYDAY=MO,TH"
        );
        for good in [
            "FREQ=DAILY",
            "FREQ=DAILY;INTERVAL=2",
            "FREQ=MONTHLY;BYMONTHDAY=-1",
        ] {
            assert!(Recurrence::parse(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "FREQ=HOURLY",
            "FREQ=WEEKLY",
            "FREQ=DAILY;BYDAY=MO",
            "FREQ=WEEKLY;BYDAY=1MO",
            "FREQ=MONTHLY;BYMONTHDAY=32",
            "FREQ=DAILY;COUNT=3",
            "FREQ=DAILY;INTERVAL=13",
            "FREQ=MONTHLY;BYMONTHDAY=1;BYDAY=MO",
        ] {
            assert!(Recurrence::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn weekly_on_mondays_opens_at_nine_shanghai_time_across_a_month_end() {
        let (rule, timing) = weekly_monday();
        let w = windows(
            &rule,
            &timing,
            chrono_tz::Asia::Shanghai,
            at("2026-11-15T00:00:00Z"),
            at("2026-12-15T00:00:00Z"),
        );
        let opens: Vec<String> = w.iter().map(|w| w.opens_at.to_rfc3339()).collect();
        // 09:00 CST is 01:00 UTC
        assert_eq!(
            opens,
            [
                "2026-11-16T01:00:00+00:00",
                "2026-11-23T01:00:00+00:00",
                "2026-11-30T01:00:00+00:00",
                "2026-12-07T01:00:00+00:00",
                "2026-12-14T01:00:00+00:00",
            ]
        );
        assert_eq!(w[2].closes_at, at("2026-11-30T09:00:00Z"));
        assert_eq!(w[2].missed_at, at("2026-12-01T09:00:00Z"));
    }

    #[test]
    fn the_range_is_half_open_and_ends_on_is_inclusive() {
        let (rule, mut timing) = weekly_monday();
        let tz = chrono_tz::Asia::Shanghai;
        let w = windows(
            &rule,
            &timing,
            tz,
            at("2026-11-30T01:00:00Z"),
            at("2026-12-07T01:00:00Z"),
        );
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].opens_at, at("2026-11-30T01:00:00Z"));
        timing.ends_on = Some("2026-12-07".parse().unwrap());
        let w = windows(
            &rule,
            &timing,
            tz,
            at("2026-11-29T00:00:00Z"),
            at("2027-01-01T00:00:00Z"),
        );
        assert_eq!(w.len(), 2, "30 Nov and 7 Dec");
        timing.starts_on = "2026-12-01".parse().unwrap();
        let w = windows(
            &rule,
            &timing,
            tz,
            at("2026-11-29T00:00:00Z"),
            at("2027-01-01T00:00:00Z"),
        );
        assert_eq!(w.len(), 1, "nothing before the start");
    }

    #[test]
    fn monthly_on_the_last_day_and_daily() {
        let tz = chrono_tz::Asia::Shanghai;
        let (_, timing) = weekly_monday();
        let last = Recurrence::parse("FREQ=MONTHLY;BYMONTHDAY=-1").unwrap();
        let w = windows(
            &last,
            &timing,
            tz,
            at("2026-11-01T00:00:00Z"),
            at("2027-03-01T00:00:00Z"),
        );
        let days: Vec<String> = w
            .iter()
            .map(|w| w.opens_at.with_timezone(&tz).date_naive().to_string())
            .collect();
        assert_eq!(
            days,
            ["2026-11-30", "2026-12-31", "2027-01-31", "2027-02-28"]
        );
        let daily = Recurrence::parse("FREQ=DAILY").unwrap();
        let w = windows(
            &daily,
            &timing,
            tz,
            at("2026-11-01T00:00:00Z"),
            at("2026-12-01T00:00:00Z"),
        );
        assert_eq!(w.len(), 30);
    }

    #[test]
    fn an_occurrence_is_due_then_overdue_then_missed() {
        let (rule, timing) = weekly_monday();
        let tz = chrono_tz::Asia::Shanghai;
        let w = windows(
            &rule,
            &timing,
            tz,
            at("2026-11-30T00:00:00Z"),
            at("2026-12-01T00:00:00Z"),
        )[0];
        assert_eq!(
            w.state_at(at("2026-11-30T00:30:00Z")),
            OccurrenceState::Due,
            "before it opens"
        );
        assert_eq!(w.state_at(at("2026-11-30T08:59:59Z")), OccurrenceState::Due);
        assert_eq!(
            w.state_at(at("2026-11-30T09:00:00Z")),
            OccurrenceState::Overdue
        );
        assert_eq!(
            w.state_at(at("2026-12-01T08:59:59Z")),
            OccurrenceState::Overdue
        );
        assert_eq!(
            w.state_at(at("2026-12-01T09:00:00Z")),
            OccurrenceState::Missed
        );
        assert!(w.on_time(at("2026-11-30T08:00:00Z")));
        assert!(!w.on_time(at("2026-11-30T09:00:01Z")));
        assert!(!w.on_time(at("2026-11-30T00:59:59Z")), "before it opened");
    }
}
