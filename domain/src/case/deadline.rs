//! Deadlines of a case: how long each due action may take (by category and
//! severity: 分级响应), when each falls due, and how a case stands against
//! them. A limit is minutes on the clock or working days on the calendar;
//! time on hold does not count.

use chrono::{DateTime, Duration, Utc};

use super::Severity;
use super::calendar::Calendar;

crate::closed_set! {
    /// How a case stands against its next deadline.
    pub enum DeadlineStatus {
        Normal = "normal", "正常", "On time";
        DueSoon = "due_soon", "即将超期", "Due soon";
        Overdue = "overdue", "已超期", "Overdue";
    }
}

/// How long an action may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    Minutes(u32),
    /// Whole working days after the day the clock starts (as offices count).
    WorkingDays(u32),
}

impl Limit {
    /// When an action whose clock starts at `from` falls due.
    pub fn due(self, from: DateTime<Utc>, calendar: &Calendar) -> DateTime<Utc> {
        match self {
            Limit::Minutes(m) => from + Duration::minutes(i64::from(m)),
            Limit::WorkingDays(n) => calendar.working_days_after(from, n),
        }
    }
}

/// The three limits of a case: to accept it (立案), for the departments to
/// report in (报到), and to resolve it (办结).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub accept: Limit,
    pub report_in: Limit,
    pub resolve: Limit,
}

impl Limits {
    /// The defaults a category starts with: critical cases are accepted in
    /// 10 minutes, reported in within 30 and resolved within 24 hours;
    /// urgent ones in 1 hour, 2 hours and 2 working days; general ones in 1,
    /// 1 and 5 working days.
    pub fn default_for(severity: Severity) -> Limits {
        use Limit::*;
        match severity {
            Severity::Critical => Limits {
                accept: Minutes(10),
                report_in: Minutes(30),
                resolve: Minutes(24 * 60),
            },
            Severity::Urgent => Limits {
                accept: Minutes(60),
                report_in: Minutes(120),
                resolve: WorkingDays(2),
            },
            Severity::General => Limits {
                accept: WorkingDays(1),
                report_in: WorkingDays(1),
                resolve: WorkingDays(5),
            },
        }
    }
}

/// Where a deadline stands at `now`: overdue once passed; due soon in the
/// last fifth of the time it allowed from `started`.
pub fn status(started: DateTime<Utc>, due: DateTime<Utc>, now: DateTime<Utc>) -> DeadlineStatus {
    if now >= due {
        return DeadlineStatus::Overdue;
    }
    let allowed = due - started;
    if (due - now) * 5 <= allowed {
        DeadlineStatus::DueSoon
    } else {
        DeadlineStatus::Normal
    }
}

/// A deadline moved on by the time the case spent on hold: the clock stops
/// while it waits.
pub fn after_hold(
    due: DateTime<Utc>,
    held_from: DateTime<Utc>,
    resumed_at: DateTime<Utc>,
) -> DateTime<Utc> {
    due + (resumed_at - held_from).max(Duration::zero())
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::case::calendar::{seed_2026, zone_offset};

    fn at(m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        zone_offset()
            .with_ymd_and_hms(2026, m, d, h, min, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn a_critical_case_is_due_in_minutes_and_a_general_one_in_working_days() {
        let cal = Calendar::new(seed_2026());
        let reported = at(7, 15, 14, 5); // the flood: a Wednesday afternoon
        let critical = Limits::default_for(Severity::Critical);
        assert_eq!(critical.accept.due(reported, &cal), at(7, 15, 14, 15));
        assert_eq!(critical.report_in.due(reported, &cal), at(7, 15, 14, 35));
        assert_eq!(critical.resolve.due(reported, &cal), at(7, 16, 14, 5));
        let general = Limits::default_for(Severity::General);
        // from Thursday 24 Sep: 中秋 (25–27) off, then Mon 28, Tue 29, Wed 30,
        // 国庆 (1–7 Oct) off, Thu 8, Fri 9 → the end of 9 Oct
        assert_eq!(
            general.resolve.due(at(9, 24, 10, 0), &cal),
            at(10, 10, 0, 0)
        );
    }

    #[test]
    fn status_turns_due_soon_in_the_last_fifth_then_overdue() {
        let start = at(7, 15, 14, 0);
        let due = at(7, 15, 14, 10);
        assert_eq!(status(start, due, at(7, 15, 14, 7)), DeadlineStatus::Normal);
        assert_eq!(
            status(start, due, at(7, 15, 14, 8)),
            DeadlineStatus::DueSoon
        );
        assert_eq!(status(start, due, due), DeadlineStatus::Overdue);
    }

    #[test]
    fn time_on_hold_does_not_count() {
        let due = at(7, 16, 14, 5);
        assert_eq!(
            after_hold(due, at(7, 15, 18, 0), at(7, 15, 20, 30)),
            at(7, 16, 16, 35)
        );
        assert_eq!(
            after_hold(due, at(7, 15, 20, 0), at(7, 15, 18, 0)),
            due,
            "never backwards"
        );
    }
}
