//! Gridwork's HTTP API and the `gridwork` binary's commands, in layers that
//! depend only downwards (see ARCHITECTURE.md):
//!
//! `cli` → `startup` → `openapi`, `demo`, `synthetic`, `import` → `routes` → `render` →
//! `views` → `extract` → `state` → `http` → `app` → `auth`, `files`, `webhooks` → `config`, then
//! the `persistence` and `domain` crates. A test holds the code to it.

pub mod app;
pub mod auth;
pub mod cli;
pub mod config;
pub mod demo;
pub mod demo_duties;
pub mod demo_history;
pub mod extract;
pub mod files;
pub mod http;
pub mod idempotency;
pub mod import;
pub mod jobs;
pub mod openapi;
pub mod ratelimit;
pub mod render;
pub mod replica;
pub mod routes;
pub mod startup;
pub mod state;
pub mod synthetic;
pub mod views;
pub mod webhooks;
