//! Party building on grids (网格党建): branches attached to grids, their
//! members, development candidates (发展对象) drawn from the workers the
//! scorecards commend, activities with attendance, and how many grids a
//! branch covers.

use std::collections::BTreeSet;

use crate::assessment::Flag;
use crate::coverage::Rate;

crate::closed_set! {
    /// A member's standing in a branch.
    pub enum PartyRole {
        Secretary = "secretary", "支部书记", "Branch secretary";
        Member = "member", "党员", "Member";
        Probationary = "probationary", "预备党员", "Probationary member";
    }
}

/// Why a nomination was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NominationError {
    #[error("the month is not closed: nominate from a closed month's scorecards")]
    MonthOpen,
    #[error("the worker was not commended in that month's scorecards")]
    NotCommended,
}

/// A development candidate is nominated from a closed month in which the
/// worker's scorecard was flagged for commendation (`flag`: none when they
/// had no scorecard or no flag).
pub fn nominate(month_closed: bool, flag: Option<Flag>) -> Result<(), NominationError> {
    if !month_closed {
        return Err(NominationError::MonthOpen);
    }
    match flag {
        Some(Flag::Commend) => Ok(()),
        _ => Err(NominationError::NotCommended),
    }
}

/// Of the grids (by code), those covered by a branch: one attached to the
/// grid itself or to a grid above it (a branch covers its grid's subtree;
/// a grid's code begins with its ancestors' codes).
pub fn coverage<'a>(grids: impl IntoIterator<Item = &'a str>, branches: &BTreeSet<String>) -> Rate {
    let mut rate = Rate::default();
    for code in grids {
        rate.denominator += 1;
        let covered = code
            .char_indices()
            .map(|(i, c)| &code[..i + c.len_utf8()])
            .any(|prefix| branches.contains(prefix));
        rate.numerator += u64::from(covered);
    }
    rate
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_come_from_commended_workers_of_closed_months() {
        assert_eq!(nominate(true, Some(Flag::Commend)), Ok(()));
        assert_eq!(
            nominate(false, Some(Flag::Commend)),
            Err(NominationError::MonthOpen)
        );
        assert_eq!(
            nominate(true, Some(Flag::Review)),
            Err(NominationError::NotCommended)
        );
        assert_eq!(nominate(true, None), Err(NominationError::NotCommended));
    }

    #[test]
    fn a_branch_covers_its_grid_and_everything_below() {
        let branches = BTreeSet::from(["0101".to_owned(), "0103".to_owned()]);
        let grids = ["01", "0101", "010101", "0102", "010201", "0103", "0104"];
        // 0101, 010101 and 0103 covered; 01, 0102, 010201, 0104 not
        assert_eq!(coverage(grids, &branches), Rate::new(3, 7));
        assert_eq!(coverage(["0101"], &BTreeSet::new()), Rate::new(0, 1));
    }
}
