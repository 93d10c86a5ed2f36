#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

//! Black-box tests through HTTP; each behaviour runs on SQLite and PostgreSQL.

mod access_tokens;
mod architecture;
mod assessments;
mod attachments;
mod audit_log;
mod auth;
mod bad_input;
mod case_escalation;
mod case_flow;
mod case_permissions;
mod case_setup;
mod cases;
mod commands;
mod coverage;
mod demo_and_import;
mod disputes;
mod enterprises;
mod errors;
mod grids;
mod idempotency;
mod inspection_schedules;
mod inspection_templates;
mod inspections;
mod integrators;
mod limits;
mod lists;
mod manners;
mod open311;
mod openapi_spec;
mod operations;
mod people;
mod placard_contacts;
mod placard_print;
mod placards;
mod policies;
mod profiles;
mod registry_scope;
mod sync;
mod synthetic;
mod tasks;
mod training;
mod users;
mod visits;
mod webhooks;
