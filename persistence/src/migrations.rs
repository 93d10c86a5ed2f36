//! Embedded migrations, one folder per backend, chosen by the connection's variant.

use diesel::connection::SimpleConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::connection::DbConnection;

const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");

pub type MigrationError = Box<dyn std::error::Error + Send + Sync>;

/// The advisory lock instances take turns on to migrate a PostgreSQL
/// database (any number; this one spells "GRID").
const MIGRATION_LOCK: i64 = 0x4752_4944;

/// Applies pending migrations; returns the names of those applied. On
/// PostgreSQL, instances starting together take turns under an advisory
/// lock: the first migrates, the others then find nothing pending (without
/// it, two would create the same tables at once and one would fail).
pub fn run_pending(conn: &mut DbConnection) -> Result<Vec<String>, MigrationError> {
    let names = |applied: Vec<diesel::migration::MigrationVersion<'_>>| {
        applied.into_iter().map(|v| v.to_string()).collect()
    };
    match conn {
        DbConnection::Postgresql(c) => {
            c.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK})"))?;
            let applied = c.run_pending_migrations(POSTGRES).map(names);
            c.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})"))?;
            applied
        }
        DbConnection::Sqlite(c) => Ok(names(c.run_pending_migrations(SQLITE)?)),
    }
}
