//! Hazards (隐患) found by inspections: rectified by the enterprise or the
//! grid (`open → rectifying → rectified`, with evidence), then verified by
//! the grid leader or the zone office, or sent back (`reopen`). Each has a
//! rectification deadline by severity; one overdue becomes a case.

use chrono::{DateTime, Duration, Utc};

use crate::case::Severity;
use crate::inspection::HazardSeverity;
use crate::role::{Role, Roles};

crate::closed_set! {
    /// Where a hazard stands.
    pub enum HazardState {
        Open = "open", "待整改", "Open";
        Rectifying = "rectifying", "整改中", "Being rectified";
        Rectified = "rectified", "已整改待验收", "Rectified";
        Verified = "verified", "已验收", "Verified";
    }
}

crate::closed_set! {
    /// What may be done to a hazard.
    pub enum HazardAction {
        Start = "start", "开始整改", "Start rectification";
        Rectify = "rectify", "整改完成", "Report rectified";
        Verify = "verify", "验收通过", "Verify";
        Reopen = "reopen", "退回重新整改", "Reopen";
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a hazard that is {state} cannot be {action}")]
pub struct HazardTransitionError {
    pub state: HazardState,
    pub action: HazardAction,
}

/// The state after `action`, or why it cannot be taken now.
pub fn apply(
    state: HazardState,
    action: HazardAction,
) -> Result<HazardState, HazardTransitionError> {
    use HazardAction::*;
    use HazardState::*;
    match (state, action) {
        (Open, Start) => Ok(Rectifying),
        (Open | Rectifying, Rectify) => Ok(Rectified),
        (Rectified, Verify) => Ok(Verified),
        (Rectified, Reopen) => Ok(Rectifying),
        _ => Err(HazardTransitionError { state, action }),
    }
}

impl HazardState {
    /// Still waiting for its rectification.
    pub fn awaits_rectification(self) -> bool {
        matches!(self, HazardState::Open | HazardState::Rectifying)
    }
}

/// How long rectification may take (documented defaults): a general
/// hazard a week, a major one thirty days (it needs a plan).
pub fn rectify_within(severity: HazardSeverity) -> Duration {
    match severity {
        HazardSeverity::General => Duration::days(7),
        HazardSeverity::Major => Duration::days(30),
    }
}

/// Past its deadline without being rectified.
pub fn is_overdue(state: HazardState, due: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    state.awaits_rectification() && now > due
}

/// The severity of the case an overdue hazard becomes.
pub fn case_severity(severity: HazardSeverity) -> Severity {
    match severity {
        HazardSeverity::General => Severity::General,
        HazardSeverity::Major => Severity::Urgent,
    }
}

/// How the caller stands to a hazard.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Relation {
    /// The hazard's grid is in the caller's scope.
    pub in_scope: bool,
    /// The caller heads the enterprise the hazard is in (its responsible person).
    pub principal: bool,
}

/// Who may take a step: the grid's staff and the enterprise's principal
/// rectify; the grid leader and the zone office verify or send back.
pub fn may(roles: &Roles, relation: &Relation, action: HazardAction) -> bool {
    let any = |set: &[Role]| set.iter().any(|r| roles.contains(*r));
    let supervisors = [Role::GridLeader, Role::ZoneOfficer, Role::Admin];
    match action {
        HazardAction::Start | HazardAction::Rectify => {
            relation.principal
                || (relation.in_scope
                    && any(&[
                        Role::GridWorker,
                        Role::PartTimeWorker,
                        Role::GridLeader,
                        Role::ZoneOfficer,
                        Role::Admin,
                    ]))
        }
        HazardAction::Verify | HazardAction::Reopen => relation.in_scope && any(&supervisors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_legal_and_illegal_step() {
        use HazardAction::*;
        use HazardState::*;
        for state in HazardState::ALL {
            for action in HazardAction::ALL {
                let expected = match (state, action) {
                    (Open, Start) => Some(Rectifying),
                    (Open | Rectifying, Rectify) => Some(Rectified),
                    (Rectified, Verify) => Some(Verified),
                    (Rectified, Reopen) => Some(Rectifying),
                    _ => None,
                };
                assert_eq!(apply(state, action).ok(), expected, "{state} {action}");
            }
        }
        assert!(
            apply(Verified, Reopen)
                .unwrap_err()
                .to_string()
                .contains("verified")
        );
    }

    #[test]
    fn deadlines_and_overdue() {
        let now: DateTime<Utc> = "2026-12-02T10:00:00Z".parse().unwrap();
        let due = now + rectify_within(HazardSeverity::General);
        assert_eq!(due.to_rfc3339(), "2026-12-09T10:00:00+00:00");
        assert!(!is_overdue(HazardState::Open, due, due));
        assert!(is_overdue(
            HazardState::Rectifying,
            due,
            due + Duration::seconds(1)
        ));
        assert!(!is_overdue(
            HazardState::Rectified,
            due,
            due + Duration::days(1)
        ));
        assert_eq!(rectify_within(HazardSeverity::Major), Duration::days(30));
        assert_eq!(case_severity(HazardSeverity::Major), Severity::Urgent);
    }

    #[test]
    fn rectifiers_and_verifiers() {
        let worker = Roles::single(Role::GridWorker);
        let leader = Roles::single(Role::GridLeader);
        let in_scope = Relation {
            in_scope: true,
            principal: false,
        };
        let principal = Relation {
            in_scope: false,
            principal: true,
        };
        assert!(may(&worker, &in_scope, HazardAction::Rectify));
        assert!(!may(&worker, &in_scope, HazardAction::Verify));
        assert!(may(&leader, &in_scope, HazardAction::Verify));
        assert!(!may(&leader, &Relation::default(), HazardAction::Verify));
        assert!(may(
            &Roles::single(Role::MobileWorker),
            &principal,
            HazardAction::Start
        ));
        assert!(!may(
            &Roles::single(Role::MobileWorker),
            &in_scope,
            HazardAction::Start
        ));
    }
}
