//! The roles a user account can hold (global roles; grid assignments come later).

use std::collections::BTreeSet;

crate::closed_set! {
    /// A global role. Codes are stable snake_case strings stored in the database
    /// and sent over the API; labels are for people.
    pub enum Role {
        Admin = "admin", "系统管理员", "Administrator";
        ZoneOfficer = "zone_officer", "经开区管理人员", "Zone officer";
        GridLeader = "grid_leader", "网格长", "Grid leader";
        GridWorker = "grid_worker", "专职网格员", "Full-time grid worker";
        PartTimeWorker = "part_time_worker", "兼职网格员", "Part-time grid worker";
        MobileWorker = "mobile_worker", "移动网格员", "Mobile grid worker";
        PartyInstructor = "party_instructor", "党建指导员", "Party-building instructor";
        DepartmentStaff = "department_staff", "部门工作人员", "Department staff";
        CommitteeLeader = "committee_leader", "管委会领导（吹哨）", "Management committee leader";
        Auditor = "auditor", "审计员", "Auditor";
        /// An enterprise's own user (its staff), acting for the enterprises
        /// whose accounts they hold.
        EnterpriseUser = "enterprise_user", "企业用户", "Enterprise user";
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role `{0}`")]
pub struct UnknownRole(pub String);

impl Role {
    /// Like `parse`, with an error naming the unknown code.
    pub fn parse_code(code: &str) -> Result<Role, UnknownRole> {
        Role::parse(code).ok_or_else(|| UnknownRole(code.to_owned()))
    }
}

/// A non-empty set of roles. Stored as a comma-separated list of codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Roles(BTreeSet<Role>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RolesError {
    #[error("at least one role is required")]
    Empty,
    #[error(transparent)]
    Unknown(#[from] UnknownRole),
}

impl Roles {
    pub fn new(roles: impl IntoIterator<Item = Role>) -> Result<Roles, RolesError> {
        let set: BTreeSet<Role> = roles.into_iter().collect();
        if set.is_empty() {
            return Err(RolesError::Empty);
        }
        Ok(Roles(set))
    }

    pub fn single(role: Role) -> Roles {
        Roles(BTreeSet::from([role]))
    }

    /// Parses the stored form (`"admin,auditor"`).
    pub fn parse_stored(stored: &str) -> Result<Roles, RolesError> {
        let roles = stored
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(Role::parse_code)
            .collect::<Result<Vec<_>, _>>()?;
        Roles::new(roles)
    }

    pub fn to_stored(&self) -> String {
        self.0
            .iter()
            .map(|r| r.code())
            .collect::<Vec<_>>()
            .join(",")
    }

    pub fn contains(&self, role: Role) -> bool {
        self.0.contains(&role)
    }

    pub fn iter(&self) -> impl Iterator<Item = Role> + '_ {
        self.0.iter().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_code() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.code()), Some(role));
            assert_eq!(serde_json::to_value(role).unwrap(), role.code());
        }
    }

    #[test]
    fn unknown_and_differently_cased_codes_are_rejected() {
        assert!(Role::parse("Admin").is_none());
        assert!(Role::parse_code("superuser").is_err());
        assert!(Role::parse("").is_none());
    }

    #[test]
    fn roles_are_deduplicated_and_stored_in_a_stable_order() {
        let roles = Roles::new([Role::Auditor, Role::Admin, Role::Auditor]).unwrap();
        assert_eq!(roles.to_stored(), "admin,auditor");
        assert_eq!(Roles::parse_stored("auditor, admin").unwrap(), roles);
    }

    #[test]
    fn an_empty_role_set_is_invalid() {
        assert_eq!(Roles::new([]), Err(RolesError::Empty));
        assert_eq!(Roles::parse_stored(""), Err(RolesError::Empty));
        assert!(matches!(
            Roles::parse_stored("admin,boss"),
            Err(RolesError::Unknown(_))
        ));
    }
}
