//! Open311 GeoReport v2 as the zone speaks it: case states seen as the
//! two GeoReport statuses (with FixMyStreet's finer ones on updates), and
//! the rules of a request search — its status filter and its date window.

use chrono::{DateTime, Duration, Utc};

use crate::case::CaseState;

crate::closed_set! {
    /// A service request's status in GeoReport v2.
    pub enum Status {
        Open = "open", "处理中", "Open";
        Closed = "closed", "已关闭", "Closed";
    }
}

impl Status {
    /// A case is closed to the public once it needs nothing more from the
    /// zone: closed, evaluated, turned down, or merged into another.
    pub fn of(state: CaseState) -> Status {
        match state {
            CaseState::Closed | CaseState::Evaluated | CaseState::Rejected | CaseState::Merged => {
                Status::Closed
            }
            _ => Status::Open,
        }
    }

    /// FixMyStreet's status of an update (`servicerequestupdates`).
    pub fn detailed(state: CaseState) -> &'static str {
        match state {
            CaseState::Reported => "open",
            CaseState::Accepted => "investigating",
            CaseState::Dispatched => "action_scheduled",
            CaseState::InProgress | CaseState::OnHold => "in_progress",
            CaseState::Resolved => "fixed",
            CaseState::Rework => "reopen",
            CaseState::Closed | CaseState::Evaluated => "closed",
            CaseState::Rejected => "not_councils_responsibility",
            CaseState::Merged => "duplicate",
        }
    }
}

/// The statuses a search asks for (`status=open,closed`); empty: all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatusFilter(Vec<Status>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown status `{0}`: use open or closed")]
pub struct StatusError(pub String);

impl StatusFilter {
    pub fn parse(raw: &str) -> Result<StatusFilter, StatusError> {
        let mut statuses = Vec::new();
        for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let status = Status::parse(part).ok_or_else(|| StatusError(part.to_owned()))?;
            if !statuses.contains(&status) {
                statuses.push(status);
            }
        }
        Ok(StatusFilter(statuses))
    }

    pub fn admits(&self, state: CaseState) -> bool {
        self.0.is_empty() || self.0.contains(&Status::of(state))
    }
}

/// The longest span a search may cover, and its default.
pub const WINDOW_DAYS: i64 = 90;

/// The requested-time window of a search: `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WindowError {
    #[error("start_date is after end_date")]
    Reversed,
    #[error("a search may not span more than {WINDOW_DAYS} days")]
    TooLong,
}

impl Window {
    /// As GeoReport v2 has it: both ends given — at most 90 days apart;
    /// one given — 90 days from or to it; none — the last 90 days.
    pub fn parse(
        start: Option<DateTime<Utc>>,
        end: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<Window, WindowError> {
        let span = Duration::days(WINDOW_DAYS);
        let (start, end) = match (start, end) {
            (Some(start), Some(end)) => (start, end),
            (Some(start), None) => (start, start + span),
            (None, Some(end)) => (end - span, end),
            (None, None) => (now - span, now + Duration::seconds(1)),
        };
        if start > end {
            Err(WindowError::Reversed)
        } else if end - start > span + Duration::seconds(1) {
            Err(WindowError::TooLong)
        } else {
            Ok(Window { start, end })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn day(d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, d, 0, 0, 0).unwrap()
    }

    #[test]
    fn states_map_to_the_two_statuses_and_the_finer_ones() {
        assert_eq!(Status::of(CaseState::Reported), Status::Open);
        assert_eq!(Status::of(CaseState::OnHold), Status::Open);
        assert_eq!(Status::of(CaseState::Resolved), Status::Open);
        for closed in [
            CaseState::Closed,
            CaseState::Evaluated,
            CaseState::Rejected,
            CaseState::Merged,
        ] {
            assert_eq!(Status::of(closed), Status::Closed, "{closed}");
        }
        assert_eq!(Status::detailed(CaseState::Dispatched), "action_scheduled");
        assert_eq!(Status::detailed(CaseState::Merged), "duplicate");
        for state in CaseState::ALL {
            let open = Status::of(state) == Status::Open;
            let detailed = Status::detailed(state);
            assert_eq!(
                open,
                !["closed", "duplicate", "not_councils_responsibility"].contains(&detailed),
                "{state}"
            );
        }
    }

    #[test]
    fn a_status_filter_takes_a_comma_list() {
        let both = StatusFilter::parse("open, closed,open").unwrap();
        assert!(both.admits(CaseState::Reported) && both.admits(CaseState::Closed));
        let open = StatusFilter::parse("open").unwrap();
        assert!(open.admits(CaseState::InProgress) && !open.admits(CaseState::Evaluated));
        assert!(StatusFilter::parse("").unwrap().admits(CaseState::Merged));
        assert_eq!(
            StatusFilter::parse("open,fixed"),
            Err(StatusError("fixed".into()))
        );
    }

    #[test]
    fn the_window_defaults_to_ninety_days_and_never_spans_more() {
        let now = day(30);
        let w = Window::parse(None, None, now).unwrap();
        assert_eq!(w.start, now - Duration::days(90));
        assert!(w.end > now);
        let w = Window::parse(Some(day(1)), None, now).unwrap();
        assert_eq!(w.end, day(1) + Duration::days(90));
        let w = Window::parse(None, Some(day(10)), now).unwrap();
        assert_eq!(w.start, day(10) - Duration::days(90));
        assert_eq!(
            Window::parse(Some(day(10)), Some(day(1)), now),
            Err(WindowError::Reversed)
        );
        let far = day(1) + Duration::days(91);
        assert_eq!(
            Window::parse(Some(day(1)), Some(far), now),
            Err(WindowError::TooLong)
        );
        assert!(Window::parse(Some(day(1)), Some(day(1) + Duration::days(90)), now).is_ok());
    }
}
