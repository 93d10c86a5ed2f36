//! The one place that decides what each role may do. Handlers ask for a
//! `Permission`; later issues add permissions and scope rules here.

use crate::ids::GridId;
use crate::role::{Role, Roles};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// List, create, update, disable user accounts.
    ManageUsers,
    /// Read the audit log.
    ReadAuditLog,
    /// Create, change and archive grids; assign people to grids.
    ManageGrids,
    /// Create and change people, and see their full phone numbers.
    ManagePeople,
    /// Create and change enterprise records and profiles (information collection).
    EditEnterprises,
    /// Record visits to enterprises in the caller's grids (走访).
    RecordVisits,
    /// Keep inspection templates and schedules (检查表, 排查计划).
    ManageInspections,
    /// Submit inspections in the caller's grids (隐患排查).
    Inspect,
    /// Open disputes in the caller's grids and mediate them (矛盾调解).
    Mediate,
    /// Publish policies to grids, roles and industries (政策发布) and follow
    /// their reach anywhere.
    PublishPolicies,
    /// Record policy briefings in the caller's grids (政策宣讲).
    BriefPolicies,
    /// Publish, unpublish and re-key placards.
    PublishPlacards,
    /// See the whole zone's registry rather than assigned grids only.
    ZoneWide,
    /// Report a case in a grid of the caller's scope.
    ReportCases,
    /// Ask for an enterprise service (`enterprise_service.*`) for an
    /// enterprise the caller acts for, in its grid (企业服务诉求).
    RequestServices,
    /// Upload photos for cases: whoever reports or handles them.
    UploadPhotos,
    /// Keep the reference data of case handling: departments, case
    /// categories with their departments and deadlines, the calendar.
    ManageCaseSetup,
    /// Register integrators (courier platforms), their scopes and keys.
    ManageIntegrators,
    /// Approve or refuse riders an integrator enrols into the caller's grids.
    ApproveEnrolments,
    /// Keep the scorecard schemes and close assessment months (考核).
    ManageAssessments,
    /// Keep training courses and their sessions (培训).
    ManageTraining,
    /// Record who completed a course: the office anywhere, grid leaders
    /// for the people of their grids.
    RecordTraining,
    /// Keep party branches, members, candidates and activities on the
    /// caller's grids (网格党建).
    ManageParty,
    /// Keep social organisations and their members.
    ManageOrganisations,
}

impl Permission {
    fn granted_to(self) -> &'static [Role] {
        match self {
            Permission::ManageUsers => &[Role::Admin],
            Permission::ReadAuditLog => &[Role::Admin, Role::Auditor],
            Permission::ManageGrids => &[Role::Admin, Role::ZoneOfficer],
            Permission::ManagePeople | Permission::PublishPlacards => {
                &[Role::Admin, Role::ZoneOfficer, Role::GridLeader]
            }
            Permission::EditEnterprises => &[
                Role::Admin,
                Role::ZoneOfficer,
                Role::GridLeader,
                Role::GridWorker,
            ],
            // part-time workers visit the workshops they cover
            Permission::RecordVisits => &[
                Role::Admin,
                Role::ZoneOfficer,
                Role::GridLeader,
                Role::GridWorker,
                Role::PartTimeWorker,
            ],
            Permission::ZoneWide => &[
                Role::Admin,
                Role::ZoneOfficer,
                Role::Auditor,
                Role::CommitteeLeader,
            ],
            Permission::ManageCaseSetup | Permission::ManageIntegrators => &[Role::Admin],
            Permission::ApproveEnrolments | Permission::RecordTraining => {
                &[Role::Admin, Role::ZoneOfficer, Role::GridLeader]
            }
            Permission::ManageInspections
            | Permission::PublishPolicies
            | Permission::ManageAssessments
            | Permission::ManageTraining
            | Permission::ManageOrganisations => &[Role::Admin, Role::ZoneOfficer],
            Permission::ManageParty => &[Role::Admin, Role::ZoneOfficer, Role::PartyInstructor],
            Permission::Mediate | Permission::Inspect | Permission::BriefPolicies => &[
                Role::Admin,
                Role::ZoneOfficer,
                Role::GridLeader,
                Role::GridWorker,
                Role::PartTimeWorker,
            ],
            // those who report cases, and department staff for their feedback
            Permission::UploadPhotos => &[Role::DepartmentStaff, Role::EnterpriseUser],
            Permission::RequestServices => &[Role::EnterpriseUser],
            Permission::ReportCases => &[
                Role::Admin,
                Role::ZoneOfficer,
                Role::CommitteeLeader,
                Role::GridLeader,
                Role::GridWorker,
                Role::PartTimeWorker,
                Role::MobileWorker,
            ],
        }
    }

    pub fn is_granted(self, roles: &Roles) -> bool {
        self.granted_to().iter().any(|r| roles.contains(*r))
            || (self == Permission::UploadPhotos && Permission::ReportCases.is_granted(roles))
    }
}

/// The grids a caller may see: the whole zone, or the grids they are
/// assigned to with everything below them. Outside it, records answer 404.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Zone,
    /// Sorted grid ids.
    Grids(Vec<GridId>),
}

impl Scope {
    /// `zone_wide` from the caller's roles; `grids` the ids of their assigned
    /// grids and descendants (only read when not zone-wide).
    pub fn new(zone_wide: bool, grids: impl FnOnce() -> Vec<GridId>) -> Scope {
        if zone_wide {
            return Scope::Zone;
        }
        let mut ids = grids();
        ids.sort();
        ids.dedup();
        Scope::Grids(ids)
    }

    /// True when a record in `grid_id` is visible. Records in no grid (an
    /// enterprise not yet assigned) are visible zone-wide only.
    pub fn covers(&self, grid_id: Option<&GridId>) -> bool {
        match self {
            Scope::Zone => true,
            Scope::Grids(ids) => grid_id.is_some_and(|g| ids.binary_search(g).is_ok()),
        }
    }

    /// The grid ids to filter lists by; None for the whole zone.
    pub fn grid_ids(&self) -> Option<&[GridId]> {
        match self {
            Scope::Zone => None,
            Scope::Grids(ids) => Some(ids),
        }
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
    fn registry_rights_follow_the_ladder() {
        let leader = Roles::single(Role::GridLeader);
        let worker = Roles::single(Role::GridWorker);
        let courier = Roles::single(Role::MobileWorker);
        assert!(
            Permission::ManagePeople.is_granted(&leader)
                && !Permission::ManagePeople.is_granted(&worker)
        );
        assert!(
            Permission::EditEnterprises.is_granted(&worker)
                && !Permission::EditEnterprises.is_granted(&courier)
        );
        assert!(!Permission::ManageGrids.is_granted(&leader));
        assert!(!Permission::ZoneWide.is_granted(&leader));
        assert!(Permission::ZoneWide.is_granted(&Roles::single(Role::ZoneOfficer)));
        assert!(Permission::ZoneWide.is_granted(&Roles::single(Role::Auditor)));
    }

    #[test]
    fn a_grid_scope_covers_its_grids_only() {
        let scope = Scope::new(false, || vec!["g3".into(), "g1".into(), "g1".into()]);
        assert_eq!(scope, Scope::Grids(vec!["g1".into(), "g3".into()]));
        assert!(scope.covers(Some(&"g1".into())) && scope.covers(Some(&"g3".into())));
        assert!(!scope.covers(Some(&"g2".into())));
        assert!(!scope.covers(None), "unassigned records are zone-only");
        assert!(Scope::new(true, Vec::new).covers(None));
        assert_eq!(Scope::Zone.grid_ids(), None);
    }

    #[test]
    fn any_role_in_a_set_grants() {
        let roles = Roles::new([Role::GridWorker, Role::Auditor]).unwrap();
        assert!(Permission::ReadAuditLog.is_granted(&roles));
        assert!(!Permission::ManageUsers.is_granted(&roles));
    }
}
