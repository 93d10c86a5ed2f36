//! The application layer: one module per aggregate, each a set of commands
//! that take the caller and a connection, check the domain's rules, and
//! write the change with its audit entry and outbox event in one
//! transaction. HTTP handlers, the CLI, and later jobs and foreign protocols
//! all call these; nothing here knows HTTP.

pub mod access_tokens;
pub mod assessments;
pub mod assignments;
pub mod attachments;
pub mod audit;
pub mod calendar;
pub mod caller;
pub mod case_categories;
pub mod case_stats;
pub mod case_steps;
pub mod cases;
pub mod coverage;
pub mod dashboard;
pub mod departments;
pub mod dispute_stats;
pub mod disputes;
pub mod enrolments;
pub mod enterprise_services;
pub mod enterprises;
pub mod error;
pub mod grids;
pub mod hazards;
pub mod input;
pub mod inspection_schedules;
pub mod inspection_stats;
pub mod inspection_templates;
pub mod inspections;
pub mod integrators;
pub mod open311;
pub mod organisations;
pub mod outbox;
pub mod party;
pub mod people;
pub mod photos;
pub mod placards;
pub mod policies;
pub mod profiles;
pub mod sessions;
pub mod sync;
pub mod talks;
pub mod tasks;
pub mod training;
pub mod users;
pub mod visits;
pub mod webhooks;

pub use audit::{AuditEvent, Origin};
pub use caller::{Caller, Scoped};
pub use error::{AppError, ErrorCode, FieldCode, FieldError, Reason};

use gridwork_persistence::DbConnection;

/// Runs `f` in one transaction (a savepoint inside an outer one, as when the
/// CLI imports many rows all-or-nothing); on SQLite it holds the write lock
/// from its start, so concurrent writers queue instead of failing.
pub fn transaction<T>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, AppError>,
) -> Result<T, AppError> {
    gridwork_persistence::write_transaction(conn, f)
}

/// The versions a write may apply to: the ones the caller read (`If-Match`),
/// or any when they did not say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Expected {
    #[default]
    Any,
    Versions(Vec<i32>),
}

impl Expected {
    /// `Stale` unless `current` is a version the caller expects.
    pub fn check(&self, current: i32) -> Result<(), AppError> {
        match self {
            Expected::Versions(versions) if !versions.contains(&current) => Err(AppError::Stale),
            _ => Ok(()),
        }
    }
}
