//! Gridwork's HTTP API: actix-web handlers over the domain and persistence
//! crates, plus the `gridwork` binary's commands.

pub mod audit;
pub mod auth;
pub mod cli;
pub mod config;
pub mod demo;
pub mod error;
pub mod import;
pub mod openapi;
pub mod placard_html;
pub mod request_id;
pub mod routes;
pub mod startup;
pub mod state;
pub mod telemetry;
