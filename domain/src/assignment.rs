//! Who serves a grid, in which role: the named people of every grid.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum GridRole {
    GridLeader,
    FullTimeWorker,
    PartTimeWorker,
    MobileWorker,
    PartyInstructor,
}

impl GridRole {
    pub const ALL: [GridRole; 5] = [
        GridRole::GridLeader,
        GridRole::FullTimeWorker,
        GridRole::PartTimeWorker,
        GridRole::MobileWorker,
        GridRole::PartyInstructor,
    ];

    pub fn code(self) -> &'static str {
        match self {
            GridRole::GridLeader => "grid_leader",
            GridRole::FullTimeWorker => "full_time_worker",
            GridRole::PartTimeWorker => "part_time_worker",
            GridRole::MobileWorker => "mobile_worker",
            GridRole::PartyInstructor => "party_instructor",
        }
    }

    pub fn parse(code: &str) -> Option<GridRole> {
        GridRole::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            GridRole::GridLeader => "网格长",
            GridRole::FullTimeWorker => "专职网格员",
            GridRole::PartTimeWorker => "兼职网格员",
            GridRole::MobileWorker => "移动网格员",
            GridRole::PartyInstructor => "党建指导员",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            GridRole::GridLeader => "Grid leader",
            GridRole::FullTimeWorker => "Full-time grid worker",
            GridRole::PartTimeWorker => "Part-time grid worker",
            GridRole::MobileWorker => "Mobile grid worker",
            GridRole::PartyInstructor => "Party-building instructor",
        }
    }

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

impl fmt::Display for GridRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
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
