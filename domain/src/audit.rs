//! What the audit log records. Codes are stable: auditors filter on them.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    Login,
    Refresh,
    Logout,
    UserCreate,
    UserUpdate,
    BootstrapAdmin,
    GridCreate,
    GridUpdate,
    GridArchive,
    EnterpriseCreate,
    EnterpriseUpdate,
    PersonCreate,
    PersonUpdate,
    AssignmentCreate,
    AssignmentEnd,
    PlacardPublish,
    PlacardUnpublish,
    PlacardRotate,
    Import,
    SeedDemo,
}

impl AuditAction {
    pub const ALL: [AuditAction; 20] = [
        AuditAction::Login,
        AuditAction::Refresh,
        AuditAction::Logout,
        AuditAction::UserCreate,
        AuditAction::UserUpdate,
        AuditAction::BootstrapAdmin,
        AuditAction::GridCreate,
        AuditAction::GridUpdate,
        AuditAction::GridArchive,
        AuditAction::EnterpriseCreate,
        AuditAction::EnterpriseUpdate,
        AuditAction::PersonCreate,
        AuditAction::PersonUpdate,
        AuditAction::AssignmentCreate,
        AuditAction::AssignmentEnd,
        AuditAction::PlacardPublish,
        AuditAction::PlacardUnpublish,
        AuditAction::PlacardRotate,
        AuditAction::Import,
        AuditAction::SeedDemo,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AuditAction::Login => "auth.login",
            AuditAction::Refresh => "auth.refresh",
            AuditAction::Logout => "auth.logout",
            AuditAction::UserCreate => "user.create",
            AuditAction::UserUpdate => "user.update",
            AuditAction::BootstrapAdmin => "system.bootstrap_admin",
            AuditAction::GridCreate => "grid.create",
            AuditAction::GridUpdate => "grid.update",
            AuditAction::GridArchive => "grid.archive",
            AuditAction::EnterpriseCreate => "enterprise.create",
            AuditAction::EnterpriseUpdate => "enterprise.update",
            AuditAction::PersonCreate => "person.create",
            AuditAction::PersonUpdate => "person.update",
            AuditAction::AssignmentCreate => "assignment.create",
            AuditAction::AssignmentEnd => "assignment.end",
            AuditAction::PlacardPublish => "placard.publish",
            AuditAction::PlacardUnpublish => "placard.unpublish",
            AuditAction::PlacardRotate => "placard.rotate_token",
            AuditAction::Import => "system.import",
            AuditAction::SeedDemo => "system.seed_demo",
        }
    }

    pub fn parse(code: &str) -> Option<AuditAction> {
        AuditAction::ALL.into_iter().find(|a| a.code() == code)
    }
}

impl fmt::Display for AuditAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Failure,
}

impl Outcome {
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_codes_round_trip_and_are_unique() {
        let mut codes: Vec<_> = AuditAction::ALL.iter().map(|a| a.code()).collect();
        for a in AuditAction::ALL {
            assert_eq!(AuditAction::parse(a.code()), Some(a));
        }
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), AuditAction::ALL.len());
        assert_eq!(AuditAction::parse("user.delete"), None);
    }
}
