//! Gridwork's storage: one portable diesel schema served by SQLite or
//! PostgreSQL, chosen at run time from `DATABASE_URL`. One module per aggregate;
//! what the two backends cannot share lives in `connection` and `migrations`.

/// Plans a boxed query for the values of each call on PostgreSQL, where data
/// skew makes one plan wrong for some values: a few overdue among many open
/// cases, one grid holding most of them, a worker with three tasks beside an
/// officer with thousands. diesel keeps every query it can in its cache of
/// prepared statements, and after five runs PostgreSQL may settle on a
/// generic plan (bench/RESULTS.md: the zone's overdue list walked every case,
/// 1 s); a literal keeps this one out of the cache, so it is sent unnamed and
/// planned with its values. Only where skew needs it: planning every
/// statement cost `GET /me` a fifth. SQLite plans each statement once,
/// whatever the values, and keeps its cache.
macro_rules! planned_per_call {
    ($conn:expr, $query:expr) => {{
        let query = $query;
        match $conn {
            $crate::DbConnection::Postgresql(_) => {
                query.filter(diesel::dsl::sql::<diesel::sql_types::Bool>("TRUE"))
            }
            $crate::DbConnection::Sqlite(_) => query,
        }
    }};
}

pub mod access_token;
pub mod assessment;
pub mod assignment;
pub mod attachment;
pub mod audit;
pub mod bulk;
pub mod calendar;
pub mod case;
pub mod case_category;
pub mod case_rollup;
pub mod connection;
pub mod department;
pub mod dispute;
pub mod enterprise;
pub mod enterprise_profile;
pub mod enterprise_service;
pub mod grid;
pub mod hazard;
pub mod idempotency;
pub mod inspection;
pub mod inspection_schedule;
pub mod inspection_template;
pub mod integrator;
pub mod login_attempt;
pub mod migrations;
pub mod organisation;
pub mod outbox;
pub mod party;
pub mod person;
pub mod policy;
pub mod refresh_token;
pub mod registry;
pub mod replica;
pub mod schema;
pub mod setting;
pub mod sync;
pub mod talk;
pub mod task;
pub mod text;
pub mod time;
pub mod training;
pub mod user;
pub mod visit;
pub mod webhook;

pub use connection::{
    Backend, DatabaseUrl, DatabaseUrlError, DbConnection, DbPool, PoolError, PoolOptions,
    PooledConnection, build_pool, build_pool_unchecked, exclusive, write_transaction,
};
pub use diesel::result::Error as QueryError;
