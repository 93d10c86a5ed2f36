//! The one place that decides what each role may do. Handlers ask for a
//! `Permission`; later issues add permissions and scope rules here.

use crate::role::{Role, Roles};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// List, create, update, disable user accounts.
    ManageUsers,
    /// Read the audit log.
    ReadAuditLog,
}

impl Permission {
    fn granted_to(self) -> &'static [Role] {
        match self {
            Permission::ManageUsers => &[Role::Admin],
            Permission::ReadAuditLog => &[Role::Admin, Role::Auditor],
        }
    }

    pub fn is_granted(self, roles: &Roles) -> bool {
        self.granted_to().iter().any(|r| roles.contains(*r))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_admins_manage_users() {
        assert!(Permission::ManageUsers.is_granted(&Roles::single(Role::Admin)));
        for role in Role::ALL.into_iter().filter(|r| *r != Role::Admin) {
            assert!(
                !Permission::ManageUsers.is_granted(&Roles::single(role)),
                "{role}"
            );
        }
    }

    #[test]
    fn admins_and_auditors_read_the_audit_log() {
        for role in Role::ALL {
            let expected = matches!(role, Role::Admin | Role::Auditor);
            assert_eq!(
                Permission::ReadAuditLog.is_granted(&Roles::single(role)),
                expected,
                "{role}"
            );
        }
    }

    #[test]
    fn any_role_in_a_set_grants() {
        let roles = Roles::new([Role::GridWorker, Role::Auditor]).unwrap();
        assert!(Permission::ReadAuditLog.is_granted(&roles));
        assert!(!Permission::ManageUsers.is_granted(&roles));
    }
}
