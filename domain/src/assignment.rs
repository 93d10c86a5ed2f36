//! Who serves a grid, in which role: the named people of every grid.

crate::closed_set! {
    /// The role a person holds on a grid.
    pub enum GridRole {
        GridLeader = "grid_leader", "网格长", "Grid leader";
        FullTimeWorker = "full_time_worker", "专职网格员", "Full-time grid worker";
        PartTimeWorker = "part_time_worker", "兼职网格员", "Part-time grid worker";
        MobileWorker = "mobile_worker", "移动网格员", "Mobile grid worker";
        PartyInstructor = "party_instructor", "党建指导员", "Party-building instructor";
    }
}

impl GridRole {
    /// The duties printed on placards (四位一体 and each role's part in them).
    pub fn duties_zh(self) -> &'static str {
        match self {
            GridRole::GridLeader => "统筹网格工作，接收上报，协调解决问题，重大事项报管委会",
            GridRole::FullTimeWorker => "信息采集、隐患排查、矛盾调解、政策宣传",
            GridRole::PartTimeWorker => "协助车间班组的信息采集、隐患排查和矛盾调解",
            GridRole::MobileWorker => "流动中发现问题，随手拍、随时报",
            GridRole::PartyInstructor => "指导网格党建工作，党员亮身份、作表率",
        }
    }

    /// Order on placards: leader first.
    pub fn rank(self) -> u8 {
        match self {
            GridRole::GridLeader => 0,
            GridRole::FullTimeWorker => 1,
            GridRole::PartyInstructor => 2,
            GridRole::PartTimeWorker => 3,
            GridRole::MobileWorker => 4,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssignmentError {
    #[error("the grid already has an active grid leader; end that assignment first")]
    SecondLeader,
    #[error("this person already holds this role on this grid")]
    Duplicate,
}

/// Checks a new assignment of `person` as `role` against the grid's active
/// assignments `(person, role)`.
pub fn check_new(
    role: GridRole,
    person: &str,
    active: &[(&str, GridRole)],
) -> Result<(), AssignmentError> {
    if active.iter().any(|(p, r)| *p == person && *r == role) {
        return Err(AssignmentError::Duplicate);
    }
    if role == GridRole::GridLeader && active.iter().any(|(_, r)| *r == GridRole::GridLeader) {
        return Err(AssignmentError::SecondLeader);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use GridRole::*;

    #[test]
    fn a_grid_has_at_most_one_active_leader() {
        assert_eq!(check_new(GridLeader, "a", &[]), Ok(()));
        assert_eq!(
            check_new(GridLeader, "b", &[("a", GridLeader)]),
            Err(AssignmentError::SecondLeader)
        );
        assert_eq!(check_new(FullTimeWorker, "b", &[("a", GridLeader)]), Ok(()));
    }

    #[test]
    fn many_workers_but_no_duplicates() {
        let active = [("a", PartTimeWorker), ("b", PartTimeWorker)];
        assert_eq!(check_new(PartTimeWorker, "c", &active), Ok(()));
        assert_eq!(
            check_new(PartTimeWorker, "a", &active),
            Err(AssignmentError::Duplicate)
        );
        // one person may hold two roles on a grid (双向任职)
        assert_eq!(check_new(PartyInstructor, "a", &active), Ok(()));
    }

    #[test]
    fn codes_round_trip() {
        for r in GridRole::ALL {
            assert_eq!(GridRole::parse(r.code()), Some(r));
        }
        assert_eq!(GridRole::parse("boss"), None);
    }
}
