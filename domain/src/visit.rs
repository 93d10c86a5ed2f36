//! Visits to enterprises (走访): what a grid worker went for, when, and the
//! rule that an enterprise nobody visited for a while is stale (its record
//! may no longer hold).

use chrono::{DateTime, Duration, Utc};

crate::closed_set! {
    /// What a visit was for.
    pub enum VisitPurpose {
        Routine = "routine", "日常走访", "Routine visit";
        Verification = "verification", "信息核实", "Record verification";
        SafetyCheck = "safety_check", "安全检查", "Safety check";
        PolicyBriefing = "policy_briefing", "政策宣传", "Policy briefing";
        Mediation = "mediation", "矛盾调解", "Mediation";
        Service = "service", "企业服务", "Enterprise service";
    }
}

/// How far ahead of the server's clock a device's clock may run.
pub const CLOCK_SKEW: Duration = Duration::minutes(5);
/// How old a visit may be when it is recorded (a device offline for long).
pub const MAX_AGE: Duration = Duration::days(366);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum VisitTimeError {
    #[error("lies in the future")]
    Future,
    #[error("is more than a year ago")]
    TooOld,
}

/// Whether a visit at `at`, recorded at `now`, can have happened: not
/// ahead of the clock (beyond skew), not older than a year.
pub fn check_time(at: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), VisitTimeError> {
    if at > now + CLOCK_SKEW {
        Err(VisitTimeError::Future)
    } else if at < now - MAX_AGE {
        Err(VisitTimeError::TooOld)
    } else {
        Ok(())
    }
}

/// The moment before which a last visit leaves an enterprise stale.
pub fn stale_before(now: DateTime<Utc>, after: Duration) -> DateTime<Utc> {
    now - after
}

/// Stale: never visited, or last visited `after` or longer ago.
pub fn is_stale(last_verified: Option<DateTime<Utc>>, now: DateTime<Utc>, after: Duration) -> bool {
    last_verified.is_none_or(|at| at <= stale_before(now, after))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn visits_cannot_come_from_the_future_or_long_ago() {
        let now = at("2026-12-02T10:00:00Z");
        assert_eq!(check_time(at("2026-12-02T10:04:59Z"), now), Ok(()));
        assert_eq!(
            check_time(at("2026-12-02T10:05:01Z"), now),
            Err(VisitTimeError::Future)
        );
        assert_eq!(check_time(at("2025-12-01T10:00:00Z"), now), Ok(()));
        assert_eq!(
            check_time(at("2025-11-30T09:59:59Z"), now),
            Err(VisitTimeError::TooOld)
        );
    }

    #[test]
    fn an_enterprise_goes_stale_ninety_days_after_its_last_visit() {
        let now = at("2026-12-02T10:00:00Z");
        let days = Duration::days(90);
        assert!(is_stale(None, now, days), "never visited");
        assert!(!is_stale(Some(at("2026-09-03T10:00:01Z")), now, days));
        assert!(
            is_stale(Some(at("2026-09-03T10:00:00Z")), now, days),
            "exactly 90 days"
        );
        assert!(is_stale(Some(at("2026-06-01T00:00:00Z")), now, days));
    }
}
