//! Login throttling: after `threshold` failed logins within `window` (with no
//! success in between) the account is locked for `lock_for` after the last
//! failure. Applied to unknown usernames too, so a lock never reveals whether an
//! account exists.

use chrono::{DateTime, Duration, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutPolicy {
    pub threshold: u32,
    pub window: Duration,
    pub lock_for: Duration,
}

impl Default for LockoutPolicy {
    fn default() -> Self {
        LockoutPolicy {
            threshold: 5,
            window: Duration::minutes(15),
            lock_for: Duration::minutes(15),
        }
    }
}

/// One recorded login attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempt {
    pub at: DateTime<Utc>,
    pub succeeded: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockState {
    Open,
    Locked { until: DateTime<Utc> },
}

impl LockoutPolicy {
    /// Earliest attempt time that can matter at `now`; the store loads attempts
    /// from here on.
    pub fn relevant_since(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now - self.window - self.lock_for
    }

    /// The lock state at `now`, given the attempts (in any order) for one
    /// username. The lock is decided at the latest failure: `threshold`
    /// failures within `window` up to it, none followed by a success.
    pub fn state(&self, attempts: &[Attempt], now: DateTime<Utc>) -> LockState {
        let last_success = attempts.iter().filter(|a| a.succeeded).map(|a| a.at).max();
        let failures: Vec<DateTime<Utc>> = attempts
            .iter()
            .filter(|a| !a.succeeded && last_success.is_none_or(|s| a.at > s))
            .map(|a| a.at)
            .collect();
        let Some(latest) = failures.iter().copied().max() else {
            return LockState::Open;
        };
        let in_window = failures
            .iter()
            .filter(|at| **at > latest - self.window)
            .count();
        let until = latest + self.lock_for;
        if in_window >= self.threshold as usize && now < until {
            LockState::Locked { until }
        } else {
            LockState::Open
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(min: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 7, 1, 9, 0, 0).unwrap() + Duration::minutes(min)
    }
    fn fail(min: i64) -> Attempt {
        Attempt {
            at: t(min),
            succeeded: false,
        }
    }
    fn ok(min: i64) -> Attempt {
        Attempt {
            at: t(min),
            succeeded: true,
        }
    }

    #[test]
    fn four_failures_leave_the_account_open() {
        let p = LockoutPolicy::default();
        let a = [fail(0), fail(1), fail(2), fail(3)];
        assert_eq!(p.state(&a, t(4)), LockState::Open);
    }

    #[test]
    fn the_fifth_failure_locks_until_fifteen_minutes_after_it() {
        let p = LockoutPolicy::default();
        let a = [fail(0), fail(1), fail(2), fail(3), fail(4)];
        assert_eq!(p.state(&a, t(5)), LockState::Locked { until: t(19) });
        assert_eq!(p.state(&a, t(18)), LockState::Locked { until: t(19) });
        assert_eq!(p.state(&a, t(19)), LockState::Open);
    }

    #[test]
    fn failures_outside_the_window_do_not_count() {
        let p = LockoutPolicy::default();
        let a = [fail(0), fail(10), fail(20), fail(21), fail(22)];
        // the window before the latest failure (22) starts at 7: four failures
        assert_eq!(p.state(&a, t(23)), LockState::Open);
    }

    #[test]
    fn a_success_resets_the_count() {
        let p = LockoutPolicy::default();
        let a = [fail(0), fail(1), fail(2), ok(3), fail(4), fail(5)];
        assert_eq!(p.state(&a, t(6)), LockState::Open);
    }

    #[test]
    fn a_configured_threshold_applies() {
        let p = LockoutPolicy {
            threshold: 2,
            ..LockoutPolicy::default()
        };
        assert_eq!(
            p.state(&[fail(1), fail(0)], t(2)),
            LockState::Locked { until: t(16) }
        );
    }
}
