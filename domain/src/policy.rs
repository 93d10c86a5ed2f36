//! Policy publicity (政策宣传): a policy is targeted to grids (each with
//! everything below it), grid roles and industry sections; everyone it
//! reaches has it on their task list until they acknowledge it.

use std::collections::BTreeSet;

use crate::assignment::GridRole;

crate::closed_set! {
    /// Which level of government issued a policy.
    pub enum SourceLevel {
        National = "national", "国家级", "National";
        Provincial = "provincial", "省级", "Provincial";
        Municipal = "municipal", "市级", "Municipal";
        Zone = "zone", "园区", "Zone";
    }
}

/// Whom a policy is for. Each part left empty means "any".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Target {
    /// Codes of the grids targeted; each covers its subtree.
    pub grid_codes: Vec<String>,
    pub roles: Vec<GridRole>,
    /// Industry sections (A–T): only grids holding an enterprise of one.
    pub industries: Vec<char>,
}

/// One active assignment of a person, as targeting sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seat {
    pub grid_code: String,
    pub role: GridRole,
    /// The industry sections of the enterprises in that grid.
    pub industries: BTreeSet<char>,
}

impl Target {
    pub fn is_zone_wide(&self) -> bool {
        self.grid_codes.is_empty()
    }

    /// Whether a person holding `seat` is targeted.
    pub fn reaches(&self, seat: &Seat) -> bool {
        let in_grid = self.is_zone_wide()
            || self
                .grid_codes
                .iter()
                .any(|code| seat.grid_code.starts_with(code.as_str()));
        let in_role = self.roles.is_empty() || self.roles.contains(&seat.role);
        let in_industry = self.industries.is_empty()
            || self.industries.iter().any(|s| seat.industries.contains(s));
        in_grid && in_role && in_industry
    }

    /// Whether the grid with `code` (or something below it) is targeted:
    /// those who oversee it may follow the policy's reach.
    pub fn touches(&self, code: &str) -> bool {
        self.is_zone_wide()
            || self
                .grid_codes
                .iter()
                .any(|t| code.starts_with(t.as_str()) || t.starts_with(code))
    }
}

/// Every code a targeted grid may carry for a seat in `code`: the code
/// itself and each shorter prefix (its ancestors' codes among them).
pub fn covering_codes(code: &str) -> Vec<String> {
    (1..=code.len()).map(|n| code[..n].to_owned()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seat(code: &str, role: GridRole, industries: &str) -> Seat {
        Seat {
            grid_code: code.to_owned(),
            role,
            industries: industries.chars().collect(),
        }
    }

    #[test]
    fn a_target_reaches_the_subtree_roles_and_industries_it_names() {
        // the pharmaceutical briefing: manufacturing firms' grids under area 001
        let target = Target {
            grid_codes: vec!["320001".into()],
            roles: vec![GridRole::FullTimeWorker, GridRole::PartTimeWorker],
            industries: vec!['C'],
        };
        assert!(target.reaches(&seat("32000107", GridRole::FullTimeWorker, "C")));
        assert!(
            !target.reaches(&seat("32000207", GridRole::FullTimeWorker, "C")),
            "another area"
        );
        assert!(
            !target.reaches(&seat("32000107", GridRole::GridLeader, "C")),
            "a role not named"
        );
        assert!(
            !target.reaches(&seat("32000108", GridRole::PartTimeWorker, "G")),
            "a logistics firm"
        );
        let everyone = Target::default();
        assert!(everyone.reaches(&seat("9", GridRole::MobileWorker, "")));
    }

    #[test]
    fn overseers_of_a_targeted_subtree_or_of_its_parent_follow_it() {
        let target = Target {
            grid_codes: vec!["320001".into()],
            ..Target::default()
        };
        assert!(target.touches("320"), "the zone above");
        assert!(target.touches("32000107"), "a grid below");
        assert!(!target.touches("320002"));
        assert_eq!(covering_codes("3201"), ["3", "32", "320", "3201"]);
    }
}
