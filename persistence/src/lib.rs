//! Gridwork's storage: one portable diesel schema served by SQLite or
//! PostgreSQL, chosen at run time from `DATABASE_URL`. One module per aggregate;
//! what the two backends cannot share lives in `connection` and `migrations`.

pub mod access_token;
pub mod assignment;
pub mod attachment;
pub mod audit;
pub mod bulk;
pub mod calendar;
pub mod case;
pub mod case_category;
pub mod connection;
pub mod department;
pub mod dispute;
pub mod enterprise;
pub mod enterprise_profile;
pub mod grid;
pub mod hazard;
pub mod idempotency;
pub mod inspection;
pub mod inspection_schedule;
pub mod inspection_template;
pub mod integrator;
pub mod login_attempt;
pub mod migrations;
pub mod outbox;
pub mod person;
pub mod policy;
pub mod refresh_token;
pub mod registry;
pub mod schema;
pub mod setting;
pub mod sync;
pub mod talk;
pub mod task;
pub mod text;
pub mod time;
pub mod user;
pub mod visit;
pub mod webhook;

pub use connection::{
    Backend, DatabaseUrl, DatabaseUrlError, DbConnection, DbPool, PoolError, PoolOptions,
    PooledConnection, build_pool, build_pool_unchecked, write_transaction,
};
pub use diesel::result::Error as QueryError;
