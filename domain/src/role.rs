//! The roles a user account can hold (global roles; grid assignments come later).

use std::collections::BTreeSet;
use std::fmt;

/// A global role. Codes are stable snake_case strings stored in the database
/// and sent over the API; labels are for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(rename_all = "snake_case"))]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    ZoneOfficer,
    GridLeader,
    GridWorker,
    PartTimeWorker,
    MobileWorker,
    PartyInstructor,
    DepartmentStaff,
    Auditor,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role `{0}`")]
pub struct UnknownRole(pub String);

impl Role {
    pub const ALL: [Role; 9] = [
        Role::Admin,
        Role::ZoneOfficer,
        Role::GridLeader,
        Role::GridWorker,
        Role::PartTimeWorker,
        Role::MobileWorker,
        Role::PartyInstructor,
        Role::DepartmentStaff,
        Role::Auditor,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::ZoneOfficer => "zone_officer",
            Role::GridLeader => "grid_leader",
            Role::GridWorker => "grid_worker",
            Role::PartTimeWorker => "part_time_worker",
            Role::MobileWorker => "mobile_worker",
            Role::PartyInstructor => "party_instructor",
            Role::DepartmentStaff => "department_staff",
            Role::Auditor => "auditor",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Role::Admin => "系统管理员",
            Role::ZoneOfficer => "经开区管理人员",
            Role::GridLeader => "网格长",
            Role::GridWorker => "专职网格员",
            Role::PartTimeWorker => "兼职网格员",
            Role::MobileWorker => "移动网格员",
            Role::PartyInstructor => "党建指导员",
            Role::DepartmentStaff => "部门工作人员",
            Role::Auditor => "审计员",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Role::Admin => "Administrator",
            Role::ZoneOfficer => "Zone officer",
            Role::GridLeader => "Grid leader",
            Role::GridWorker => "Full-time grid worker",
            Role::PartTimeWorker => "Part-time grid worker",
            Role::MobileWorker => "Mobile grid worker",
            Role::PartyInstructor => "Party-building instructor",
            Role::DepartmentStaff => "Department staff",
            Role::Auditor => "Auditor",
        }
    }

    pub fn parse(code: &str) -> Result<Role, UnknownRole> {
        Role::ALL
            .into_iter()
            .find(|r| r.code() == code)
            .ok_or_else(|| UnknownRole(code.to_owned()))
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
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
            .map(Role::parse)
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
            assert_eq!(Role::parse(role.code()), Ok(role));
        }
    }

    #[test]
    fn unknown_and_differently_cased_codes_are_rejected() {
        assert!(Role::parse("Admin").is_err());
        assert!(Role::parse("superuser").is_err());
        assert!(Role::parse("").is_err());
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
