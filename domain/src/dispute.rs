//! Dispute mediation (矛盾调解): labour disputes and conflicts between
//! employees, mediated in the grid and closed with an outcome; who may read
//! the parties and the session notes; and the figures the zone reports —
//! the mediation success rate and the same month a year earlier (the
//! article's "year-on-year fall").

use crate::coverage::Rate;
use crate::role::{Role, Roles};

crate::closed_set! {
    /// How a mediation ended.
    pub enum DisputeOutcome {
        Agreement = "agreement", "达成调解协议", "Agreement";
        ReferredToArbitration = "referred_to_arbitration", "引导劳动仲裁", "Referred to arbitration";
        Escalated = "escalated", "上报为事件", "Escalated as a case";
        Withdrawn = "withdrawn", "当事人撤回", "Withdrawn";
    }
}

crate::closed_set! {
    /// Where a dispute stands.
    pub enum DisputeState {
        Open = "open", "调解中", "Being mediated";
        Closed = "closed", "已结案", "Closed";
    }
}

crate::closed_set! {
    /// Which side of a dispute a party is on.
    pub enum PartySide {
        Employee = "employee", "职工方", "Employee side";
        Employer = "employer", "企业方", "Employer side";
        Other = "other", "其他", "Other";
    }
}

crate::closed_set! {
    /// How worrying a heart-to-heart talk (谈心谈话) left the worker.
    pub enum RiskLevel {
        None = "none", "无风险", "No risk";
        Watch = "watch", "需关注", "Watch";
        High = "high", "高风险", "High risk";
    }
}

/// Who may read a dispute's restricted part — the parties' names and
/// contacts and the session notes: its mediator, and grid leaders and zone
/// officers whose scope holds it. Everyone else in scope sees it redacted.
pub fn may_read_restricted(roles: &Roles, is_mediator: bool, in_scope: bool) -> bool {
    is_mediator
        || (in_scope && (roles.contains(Role::GridLeader) || roles.contains(Role::ZoneOfficer)))
}

/// A high-risk talk must say when the worker will talk again.
pub fn follow_up_needed(risk: RiskLevel) -> bool {
    risk == RiskLevel::High
}

/// 调解成功率: agreements among the disputes closed, those withdrawn by the
/// parties left out (nothing was left to mediate).
pub fn success_rate(outcomes: impl IntoIterator<Item = DisputeOutcome>) -> Rate {
    let (mut agreed, mut counted) = (0, 0);
    for outcome in outcomes {
        if outcome != DisputeOutcome::Withdrawn {
            counted += 1;
            agreed += u64::from(outcome == DisputeOutcome::Agreement);
        }
    }
    Rate::new(agreed, counted)
}

/// The change from a year earlier, as a share of the earlier count
/// (−0.25 is a quarter fewer); None when there was nothing a year earlier.
pub fn year_on_year(now: u64, earlier: u64) -> Option<f64> {
    (earlier > 0).then(|| {
        let change = (now as f64 - earlier as f64) / earlier as f64;
        (change * 10_000.0).round() / 10_000.0
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_mediator_leaders_and_the_zone_office_read_the_parties() {
        let worker = Roles::single(Role::GridWorker);
        let leader = Roles::single(Role::GridLeader);
        let officer = Roles::single(Role::ZoneOfficer);
        assert!(may_read_restricted(&worker, true, true), "the mediator");
        assert!(
            !may_read_restricted(&worker, false, true),
            "another worker of the grid"
        );
        assert!(may_read_restricted(&leader, false, true));
        assert!(
            !may_read_restricted(&leader, false, false),
            "another grid's leader"
        );
        assert!(may_read_restricted(&officer, false, true));
        assert!(!may_read_restricted(
            &Roles::single(Role::Admin),
            false,
            true
        ));
        assert!(!may_read_restricted(
            &Roles::single(Role::Auditor),
            false,
            true
        ));
    }

    #[test]
    fn only_high_risk_talks_need_a_follow_up() {
        assert!(follow_up_needed(RiskLevel::High));
        assert!(!follow_up_needed(RiskLevel::Watch));
        assert!(!follow_up_needed(RiskLevel::None));
    }

    #[test]
    fn success_leaves_withdrawn_disputes_out() {
        // 6 agreements, 2 referred to arbitration, 1 escalated, 3 withdrawn → 6/9
        let outcomes = [DisputeOutcome::Agreement; 6]
            .into_iter()
            .chain([DisputeOutcome::ReferredToArbitration; 2])
            .chain([DisputeOutcome::Escalated])
            .chain([DisputeOutcome::Withdrawn; 3]);
        let rate = success_rate(outcomes);
        assert_eq!((rate.numerator, rate.denominator), (6, 9));
        assert_eq!(rate.value(), Some(0.6667));
        assert_eq!(success_rate([DisputeOutcome::Withdrawn]).value(), None);
    }

    #[test]
    fn the_change_from_a_year_earlier() {
        // 9 disputes this July against 12 a year earlier: a quarter fewer
        assert_eq!(year_on_year(9, 12), Some(-0.25));
        assert_eq!(year_on_year(3, 0), None);
    }
}
