//! Response types: what the API shows of each record, and the mapping from
//! stored rows. One module per area; no HTTP here, so the CLI, render and
//! later integrations can use them too.

pub mod access_tokens;
pub mod assessments;
pub mod assignments;
pub mod attachments;
pub mod audit_log;
pub mod auth;
pub mod cases;
pub mod dashboard;
pub mod disputes;
pub mod enterprise_services;
pub mod enterprises;
pub mod grids;
pub mod health;
pub mod inspection_schedules;
pub mod inspection_templates;
pub mod inspections;
pub mod integrators;
pub mod meta;
pub mod open311;
pub mod organisations;
pub mod party;
pub mod people;
pub mod placards;
pub mod policies;
pub mod profiles;
pub mod reference;
pub mod stats;
pub mod sync;
pub mod talks;
pub mod tasks;
pub mod training;
pub mod users;
pub mod visits;
pub mod webhooks;
