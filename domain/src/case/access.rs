//! Who may take which step on a case: by role, and by how the caller stands
//! to the case (its grid in their scope, dispatched to them or their
//! department, reported by them). A caller who may see a case but not take
//! a step gets 403; one who may not see it at all, 404.

use super::{Assignee, Level, Step};
use crate::{Role, Roles};

/// A department's part in a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DepartmentPart {
    Lead,
    Assisting,
}

/// How the caller stands to one case.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Relation {
    /// The case's grid is in the caller's grids (or they are zone-wide).
    pub in_scope: bool,
    /// The case was dispatched to the caller (a grid worker).
    pub assignee: bool,
    /// The caller's department's part, if the case was dispatched to it.
    pub department: Option<DepartmentPart>,
    /// The caller reported it.
    pub reporter: bool,
    /// The caller is the principal of the enterprise concerned.
    pub principal: bool,
}

/// Whether `roles` standing in `relation` to a case at `level` may take `step`.
pub fn may(roles: &Roles, relation: &Relation, level: Level, step: Step) -> bool {
    let has = |role| roles.contains(role);
    let leader = has(Role::GridLeader) && relation.in_scope;
    let office = has(Role::ZoneOfficer) || has(Role::Admin);
    let committee = has(Role::CommitteeLeader) || has(Role::Admin);
    let staff = has(Role::DepartmentStaff);
    match step {
        Step::Accept | Step::Reject | Step::Merge => leader || office || committee,
        Step::Dispatch(Assignee::Worker) => leader || office,
        Step::Dispatch(Assignee::Departments) => committee,
        Step::ReportIn => staff && relation.department.is_some(),
        Step::Start | Step::Hold | Step::Resume | Step::Resolve => {
            relation.assignee
                || (staff && relation.department == Some(DepartmentPart::Lead))
                || leader
                || office
        }
        Step::Verify | Step::Rework => leader || office,
        Step::Escalate => match level {
            Level::Grid => leader || office,
            Level::ZoneOffice => office,
            Level::Committee | Level::Departments => committee,
        },
        Step::Evaluate(_) => relation.reporter || relation.principal,
    }
}

/// Whether `roles` standing in `relation` to an open case may add a note
/// (处置记录) to its timeline: those handling it — its assignee, every
/// department it was dispatched to (assisting ones report their part this
/// way), the grid leader, the zone office and the committee.
pub fn may_note(roles: &Roles, relation: &Relation) -> bool {
    let has = |role| roles.contains(role);
    relation.assignee
        || (has(Role::DepartmentStaff) && relation.department.is_some())
        || (has(Role::GridLeader) && relation.in_scope)
        || has(Role::ZoneOfficer)
        || has(Role::CommitteeLeader)
        || has(Role::Admin)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::Satisfaction;

    fn roles(r: &[Role]) -> Roles {
        Roles::new(r.iter().copied()).unwrap()
    }

    #[test]
    fn the_flood_story_steps_fall_to_the_right_people() {
        let worker = roles(&[Role::GridWorker]);
        let leader = roles(&[Role::GridLeader]);
        let office = roles(&[Role::ZoneOfficer]);
        let committee = roles(&[Role::CommitteeLeader]);
        let staff = roles(&[Role::DepartmentStaff]);
        let in_grid = Relation {
            in_scope: true,
            ..Relation::default()
        };
        let lead = Relation {
            department: Some(DepartmentPart::Lead),
            ..Relation::default()
        };
        let assisting = Relation {
            department: Some(DepartmentPart::Assisting),
            ..Relation::default()
        };
        let reporter = Relation {
            in_scope: true,
            reporter: true,
            ..Relation::default()
        };

        assert!(may(&leader, &in_grid, Level::Grid, Step::Accept));
        assert!(!may(&worker, &in_grid, Level::Grid, Step::Accept));
        assert!(
            !may(&leader, &Relation::default(), Level::Grid, Step::Accept),
            "another grid"
        );
        assert!(may(&leader, &in_grid, Level::Grid, Step::Escalate));
        assert!(!may(&leader, &in_grid, Level::ZoneOffice, Step::Escalate));
        assert!(may(&office, &in_grid, Level::ZoneOffice, Step::Escalate));
        assert!(!may(
            &office,
            &in_grid,
            Level::Committee,
            Step::Dispatch(Assignee::Departments)
        ));
        assert!(may(
            &committee,
            &in_grid,
            Level::Committee,
            Step::Dispatch(Assignee::Departments)
        ));
        assert!(may(&staff, &lead, Level::Departments, Step::ReportIn));
        assert!(may(&staff, &assisting, Level::Departments, Step::ReportIn));
        assert!(!may(
            &staff,
            &Relation::default(),
            Level::Departments,
            Step::ReportIn
        ));
        assert!(may(&staff, &lead, Level::Departments, Step::Resolve));
        assert!(
            !may(&staff, &assisting, Level::Departments, Step::Resolve),
            "the lead resolves"
        );
        assert!(may(&leader, &in_grid, Level::Departments, Step::Verify));
        assert!(!may(&staff, &lead, Level::Departments, Step::Verify));
        assert!(may(
            &worker,
            &reporter,
            Level::Departments,
            Step::Evaluate(Satisfaction::Satisfied)
        ));
        assert!(!may(
            &leader,
            &in_grid,
            Level::Departments,
            Step::Evaluate(Satisfaction::Satisfied)
        ));
        let assignee = Relation {
            assignee: true,
            in_scope: true,
            ..Relation::default()
        };
        assert!(may(&worker, &assignee, Level::Grid, Step::Start));
        assert!(
            !may(&worker, &in_grid, Level::Grid, Step::Start),
            "not dispatched to them"
        );
    }

    #[test]
    fn notes_fall_to_those_handling_the_case() {
        let staff = roles(&[Role::DepartmentStaff]);
        let worker = roles(&[Role::GridWorker]);
        let leader = roles(&[Role::GridLeader]);
        let assisting = Relation {
            department: Some(DepartmentPart::Assisting),
            ..Relation::default()
        };
        let in_grid = Relation {
            in_scope: true,
            ..Relation::default()
        };
        assert!(may_note(&staff, &assisting));
        assert!(!may_note(&staff, &Relation::default()));
        assert!(may_note(&leader, &in_grid));
        assert!(!may_note(&leader, &Relation::default()));
        // a worker of the grid notes only what is dispatched to them
        assert!(!may_note(&worker, &in_grid));
        let assignee = Relation {
            assignee: true,
            ..in_grid
        };
        assert!(may_note(&worker, &assignee));
        // the reporter evaluates; an auditor reads
        let reporter = Relation {
            reporter: true,
            ..in_grid
        };
        assert!(!may_note(&worker, &reporter));
        assert!(!may_note(&roles(&[Role::Auditor]), &in_grid));
        assert!(may_note(
            &roles(&[Role::CommitteeLeader]),
            &Relation::default()
        ));
    }
}
