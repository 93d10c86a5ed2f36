//! Gridwork's pure domain: values that cannot hold invalid data (`parse`
//! constructors), state machines with `Result` transitions, and the rules the
//! API enforces. No IO and no framework: everything here is unit-tested.

pub mod access;
pub mod access_token;
pub mod assessment;
pub mod assignment;
pub mod attachment;
pub mod audit;
pub mod boundary;
pub mod case;
pub mod code;
pub mod coverage;
pub mod dashboard;
pub mod dispute;
pub mod enterprise;
pub mod enterprise_service;
pub mod event;
pub mod grid;
pub mod hazard;
pub mod ids;
pub mod inspection;
pub mod inspection_kpi;
pub mod integrator;
pub mod lockout;
pub mod month;
pub mod open311;
pub mod organisation;
pub mod party;
pub mod password;
pub mod person;
pub mod placard;
pub mod policy;
pub mod profile;
pub mod refresh_token;
pub mod role;
pub mod schedule;
pub mod sync;
pub mod task;
pub mod training;
pub mod user;
pub mod visit;
pub mod webhook;

pub use access::{Permission, Scope};
pub use ids::{
    AccessTokenId, ActivityId, AssignmentId, AttachmentId, BranchId, BriefingId, CandidateId,
    CaseId, CourseId, DisputeId, EnrolmentId, EnterpriseId, GridId, HazardId, InspectionId,
    IntegratorId, IntegratorKeyId, OrganisationId, PersonId, PolicyId, ScheduleId, TalkId,
    TemplateId, TrainingRecordId, TrainingSessionId, UserId, VisitId,
};
pub use role::{Role, Roles};
pub use user::Username;
