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

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "a limit is a whole number from 1 to 99999 followed by `m` (minutes), `h` (hours) or `wd` (working days), e.g. `10m`, `24h`, `3wd`"
)]
pub struct LimitError;

impl Limit {
    /// Reads `10m`, `24h` or `3wd`.
    pub fn parse(text: &str) -> Result<Limit, LimitError> {
        let (digits, unit) = text
            .find(|c: char| !c.is_ascii_digit())
            .map(|i| text.split_at(i))
            .ok_or(LimitError)?;
        if digits.is_empty() || digits.len() > 5 || digits.starts_with('0') {
            return Err(LimitError);
        }
        let n: u32 = digits.parse().map_err(|_| LimitError)?;
        match unit {
            "m" => Ok(Limit::Minutes(n)),
            "h" => Ok(Limit::Minutes(n * 60)),
            "wd" => Ok(Limit::WorkingDays(n)),
            _ => Err(LimitError),
        }
    }

    /// The text `parse` reads back: whole hours as `h`.
    pub fn text(self) -> String {
        match self {
            Limit::Minutes(m) if m % 60 == 0 && m > 0 => format!("{}h", m / 60),
            Limit::Minutes(m) => format!("{m}m"),
            Limit::WorkingDays(n) => format!("{n}wd"),
        }
    }

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

/// A category's limits for each severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub general: Limits,
    pub urgent: Limits,
    pub critical: Limits,
}

impl Default for Schedule {
    fn default() -> Schedule {
        Schedule {
            general: Limits::default_for(Severity::General),
            urgent: Limits::default_for(Severity::Urgent),
            critical: Limits::default_for(Severity::Critical),
        }
    }
}

crate::closed_set! {
    /// The action a deadline is for.
    pub enum DueAction {
        Accept = "accept", "立案", "Accept";
        ReportIn = "report_in", "报到", "Report in";
        Resolve = "resolve", "办结", "Resolve";
    }
}

impl Schedule {
    pub fn for_severity(&self, severity: Severity) -> Limits {
        match severity {
            Severity::General => self.general,
            Severity::Urgent => self.urgent,
            Severity::Critical => self.critical,
        }
    }

    fn slot(&mut self, severity: Severity, action: DueAction) -> &mut Limit {
        let limits = match severity {
            Severity::General => &mut self.general,
            Severity::Urgent => &mut self.urgent,
            Severity::Critical => &mut self.critical,
        };
        match action {
            DueAction::Accept => &mut limits.accept,
            DueAction::ReportIn => &mut limits.report_in,
            DueAction::Resolve => &mut limits.resolve,
        }
    }

    /// The defaults with `limit` set for `severity` and `action`.
    pub fn with(mut self, severity: Severity, action: DueAction, limit: Limit) -> Schedule {
        *self.slot(severity, action) = limit;
        self
    }

    /// Every limit, severity by severity.
    pub fn entries(&self) -> Vec<(Severity, DueAction, Limit)> {
        let mut all = Vec::new();
        for severity in Severity::ALL {
            let limits = self.for_severity(severity);
            all.push((severity, DueAction::Accept, limits.accept));
            all.push((severity, DueAction::ReportIn, limits.report_in));
            all.push((severity, DueAction::Resolve, limits.resolve));
        }
        all
    }

    /// The stored form: only what differs from the defaults, as
    /// `severity.action=limit` separated by commas.
    pub fn to_stored(&self) -> String {
        let defaults = Schedule::default().entries();
        self.entries()
            .into_iter()
            .zip(defaults)
            .filter(|(mine, default)| mine != default)
            .map(|((s, a, l), _)| format!("{}.{}={}", s.code(), a.code(), l.text()))
            .collect::<Vec<_>>()
            .join(",")
    }

    pub fn parse_stored(text: &str) -> Result<Schedule, LimitError> {
        let mut schedule = Schedule::default();
        for entry in text.split(',').filter(|e| !e.is_empty()) {
            let (key, limit) = entry.split_once('=').ok_or(LimitError)?;
            let (severity, action) = key.split_once('.').ok_or(LimitError)?;
            let severity = Severity::parse(severity).ok_or(LimitError)?;
            let action = DueAction::parse(action).ok_or(LimitError)?;
            *schedule.slot(severity, action) = Limit::parse(limit)?;
        }
        Ok(schedule)
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
    fn limits_read_and_write_as_short_text() {
        assert_eq!(Limit::parse("10m"), Ok(Limit::Minutes(10)));
        assert_eq!(Limit::parse("24h"), Ok(Limit::Minutes(1440)));
        assert_eq!(Limit::parse("3wd"), Ok(Limit::WorkingDays(3)));
        for bad in [
            "", "m", "0m", "010m", "5", "5d", "100000m", "-5m", "5 m", "5M",
        ] {
            assert_eq!(Limit::parse(bad), Err(LimitError), "{bad}");
        }
        for text in ["10m", "24h", "90m", "3wd"] {
            assert_eq!(Limit::parse(text).unwrap().text(), text);
        }
        assert_eq!(Limit::Minutes(120).text(), "2h");
    }

    #[test]
    fn a_schedule_stores_only_what_differs_from_the_defaults() {
        assert_eq!(Schedule::default().to_stored(), "");
        let fire = Schedule::default()
            .with(Severity::Critical, DueAction::Accept, Limit::Minutes(5))
            .with(Severity::General, DueAction::Resolve, Limit::WorkingDays(3));
        assert_eq!(fire.to_stored(), "general.resolve=3wd,critical.accept=5m");
        assert_eq!(Schedule::parse_stored(&fire.to_stored()), Ok(fire));
        assert_eq!(Schedule::parse_stored(""), Ok(Schedule::default()));
        assert!(Schedule::parse_stored("critical.close=5m").is_err());
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
