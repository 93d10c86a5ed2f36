//! One connection type over both backends (the vaultwarden pattern), and an
//! r2d2 manager that picks the backend from the URL scheme, never by trial, so
//! the real connection error reaches the log.

use std::fmt;
use std::path::Path;
use std::time::{Duration, Instant};

use diesel::connection::{Instrumentation, InstrumentationEvent, SimpleConnection};
use diesel::prelude::*;
use diesel::r2d2::R2D2Connection;
use diesel::{PgConnection, SqliteConnection};

#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

pub type DbPool = r2d2::Pool<ConnectionManager>;
pub type PooledConnection = r2d2::PooledConnection<ConnectionManager>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Backend::Postgres => "PostgreSQL",
            Backend::Sqlite => "SQLite",
        })
    }
}

/// A database URL whose backend is known. `postgres://…` or `postgresql://…`
/// select PostgreSQL; `sqlite://PATH`, `sqlite:PATH` or a bare file path select
/// SQLite; any other scheme is refused.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    backend: Backend,
    /// The libpq URL, or the SQLite file path.
    target: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DatabaseUrlError {
    #[error("DATABASE_URL is empty")]
    Empty,
    #[error(
        "DATABASE_URL scheme `{0}` is not supported: use postgres://… for PostgreSQL, or sqlite://PATH (or a plain file path) for SQLite"
    )]
    UnsupportedScheme(String),
    #[error("an in-memory SQLite database cannot be shared by a connection pool; give a file path")]
    InMemory,
}

impl DatabaseUrl {
    pub fn parse(url: &str) -> Result<DatabaseUrl, DatabaseUrlError> {
        let url = url.trim();
        if url.is_empty() {
            return Err(DatabaseUrlError::Empty);
        }
        let sqlite = |path: &str| {
            if path.is_empty() || path.contains(":memory:") || path.starts_with("file::memory") {
                Err(DatabaseUrlError::InMemory)
            } else {
                Ok(DatabaseUrl {
                    backend: Backend::Sqlite,
                    target: path.to_owned(),
                })
            }
        };
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(DatabaseUrl {
                backend: Backend::Postgres,
                target: url.to_owned(),
            });
        }
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            return sqlite(path);
        }
        match url.split_once(':') {
            Some((scheme, _))
                if !scheme.is_empty()
                    && scheme
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) =>
            {
                Err(DatabaseUrlError::UnsupportedScheme(scheme.to_owned()))
            }
            _ => sqlite(url),
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The SQLite file path, or `None` for PostgreSQL.
    pub fn sqlite_path(&self) -> Option<&Path> {
        (self.backend == Backend::Sqlite).then(|| Path::new(&self.target))
    }

    /// The URL without its password, for logs.
    pub fn redacted(&self) -> String {
        if self.backend == Backend::Sqlite {
            return self.target.clone();
        }
        match (self.target.find("://"), self.target.rfind('@')) {
            (Some(scheme_end), Some(at)) if at > scheme_end => {
                let userinfo = &self.target[scheme_end + 3..at];
                match userinfo.split_once(':') {
                    Some((user, _)) => format!(
                        "{}{}:***{}",
                        &self.target[..scheme_end + 3],
                        user,
                        &self.target[at..]
                    ),
                    None => self.target.clone(),
                }
            }
            _ => self.target.clone(),
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({})", self.redacted())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error(transparent)]
    Connection(#[from] ConnectionError),
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
}

#[derive(Debug, Clone)]
pub struct ConnectionManager {
    url: DatabaseUrl,
    slow_query: Duration,
}

impl ConnectionManager {
    pub fn new(url: DatabaseUrl, slow_query: Duration) -> ConnectionManager {
        ConnectionManager { url, slow_query }
    }
}

/// Watches a connection's statements: logs every one that takes longer than
/// `threshold`, as a warning in the current span (run inside a request's
/// span, the line names its request; only the SQL, never the bound values,
/// which may be personal data), and notes when the server was lost, so the
/// pool drops the connection instead of lending it out dead: after a
/// PostgreSQL restart every pooled connection is closed, and diesel only
/// counts a connection broken for an unfinished transaction.
struct Watch {
    threshold: Duration,
    started: Option<Instant>,
    lost: bool,
}

impl Instrumentation for Watch {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        match event {
            InstrumentationEvent::StartQuery { .. } => self.started = Some(Instant::now()),
            InstrumentationEvent::FinishQuery { query, error, .. } => {
                if let Some(diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::ClosedConnection,
                    _,
                )) = error
                {
                    self.lost = true;
                }
                let Some(elapsed) = self.started.take().map(|t| t.elapsed()) else {
                    return;
                };
                if elapsed >= self.threshold {
                    let text = query.to_string();
                    let sql = text.split(" -- binds:").next().unwrap_or_default();
                    tracing::warn!(
                        elapsed_ms = elapsed.as_millis() as u64,
                        failed = error.is_some(),
                        sql,
                        "slow query"
                    );
                }
            }
            _ => {}
        }
    }
}

/// Whether the server of `conn` was lost (see [`Watch`]).
fn lost(conn: &mut DbConnection) -> bool {
    let watch = match conn {
        DbConnection::Postgresql(c) => c.instrumentation().downcast_ref::<Watch>(),
        DbConnection::Sqlite(c) => c.instrumentation().downcast_ref::<Watch>(),
    };
    watch.is_some_and(|w| w.lost)
}

/// Per-connection SQLite settings: WAL lets readers run beside the writer,
/// busy_timeout makes writers queue instead of failing, and SQLite does not
/// enforce foreign keys unless asked on every connection.
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; \
     PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;";

impl r2d2::ManageConnection for ConnectionManager {
    type Connection = DbConnection;
    type Error = ConnectError;

    fn connect(&self) -> Result<DbConnection, ConnectError> {
        let log = Watch {
            threshold: self.slow_query,
            started: None,
            lost: false,
        };
        match self.url.backend {
            Backend::Postgres => {
                let mut conn = PgConnection::establish(&self.url.target)?;
                conn.set_instrumentation(log);
                Ok(DbConnection::Postgresql(conn))
            }
            Backend::Sqlite => {
                let mut conn = SqliteConnection::establish(&self.url.target)?;
                conn.batch_execute(SQLITE_PRAGMAS)?;
                conn.set_instrumentation(log);
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), ConnectError> {
        Ok(conn.ping()?)
    }

    /// A connection whose server went away, or whose transaction was left
    /// broken, is dropped when it returns to the pool.
    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        conn.is_broken() || lost(conn)
    }
}

/// SQLite admits one writer at a time, and a writer that finds the file
/// locked sleeps in its busy handler in growing steps (up to 100 ms each), so
/// under load a write's latency is set by bad luck: S3's p99 at 16 connections
/// was 816 ms (bench/RESULTS.md). The writers of this process queue here
/// instead, and each takes SQLite's lock the moment the previous one lets go.
/// Re-entrant, so a write inside a write (a claim inside a transaction) does
/// not wait on itself; one lock for the process, as a server opens one file.
static SQLITE_WRITER: parking_lot::ReentrantMutex<()> = parking_lot::ReentrantMutex::new(());

/// How long a writer waits in the queue: SQLite's own `busy_timeout`.
const SQLITE_WRITER_WAIT: Duration = Duration::from_secs(5);

fn sqlite_writer() -> Result<parking_lot::ReentrantMutexGuard<'static, ()>, diesel::result::Error> {
    SQLITE_WRITER
        .try_lock_for(SQLITE_WRITER_WAIT)
        .ok_or_else(|| {
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::Unknown,
                Box::new(String::from(
                    "database is locked: the queue of writers did not move for 5 s",
                )),
            )
        })
}

/// Runs the read `f` with PostgreSQL's planner held to nested loops, for a
/// query known to touch few rows that the planner misjudges: it estimated
/// the open cases past their deadline (5k in a 1M-case province) high
/// enough to hash all 235k lead departments (66 ms), where looking each
/// case's up by key takes 24. `SET LOCAL`: the setting ends with the
/// transaction (inside a caller's transaction, with the caller's).
pub fn nested_loops<T>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> QueryResult<T>,
) -> QueryResult<T> {
    match conn {
        DbConnection::Postgresql(_) => conn.transaction(|conn| {
            conn.batch_execute(
                "SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off",
            )?;
            f(conn)
        }),
        DbConnection::Sqlite(_) => f(conn),
    }
}

/// Runs the single write `f` outside a transaction; on SQLite it waits its
/// turn in the queue of writers first.
pub fn exclusive<T>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> QueryResult<T>,
) -> QueryResult<T> {
    let _turn = match conn {
        DbConnection::Sqlite(_) => Some(sqlite_writer()?),
        DbConnection::Postgresql(_) => None,
    };
    f(conn)
}

/// Runs `f` in a transaction meant to write. On SQLite the outermost one
/// waits its turn in the queue of writers and begins `IMMEDIATE`, taking the
/// write lock up front: two deferred transactions that both read and then
/// write would deadlock, and SQLite answers one of them "database is locked"
/// at once, without waiting `busy_timeout`. PostgreSQL, and nested
/// transactions (savepoints), begin as usual.
pub fn write_transaction<T, E>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    let outermost_sqlite = match conn {
        DbConnection::Sqlite(c) => <AnsiTransactionManager as TransactionManager<
            SqliteConnection,
        >>::transaction_manager_status_mut(c)
        .transaction_depth()?
        .is_none(),
        DbConnection::Postgresql(_) => false,
    };
    if !outermost_sqlite {
        return conn.transaction(f);
    }
    let _turn = sqlite_writer()?;
    if let DbConnection::Sqlite(c) = conn {
        AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?;
    }
    let result = f(conn);
    if let DbConnection::Sqlite(c) = conn {
        match &result {
            Ok(_) => {
                if let Err(e) = <AnsiTransactionManager as TransactionManager<SqliteConnection>>::commit_transaction(c) {
                    let _ = <AnsiTransactionManager as TransactionManager<SqliteConnection>>::rollback_transaction(c);
                    return Err(e.into());
                }
            }
            Err(_) => {
                <AnsiTransactionManager as TransactionManager<SqliteConnection>>::rollback_transaction(c)?;
            }
        }
    }
    result
}

/// Logs pool errors through `tracing`, with the backend's own message.
#[derive(Debug)]
struct TracingErrorHandler;

impl r2d2::HandleError<ConnectError> for TracingErrorHandler {
    fn handle_error(&self, error: ConnectError) {
        tracing::error!(%error, "database connection failed");
    }
}

#[derive(Debug, Clone)]
pub struct PoolOptions {
    pub max_size: u32,
    pub checkout_timeout: Duration,
    /// Statements slower than this are logged as warnings.
    pub slow_query: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum PoolError {
    #[error("cannot create the folder for the SQLite database {path}")]
    CreateDir {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot connect to the database")]
    Connect(#[from] ConnectError),
    #[error(transparent)]
    Pool(#[from] r2d2::Error),
}

/// Builds the pool after one direct connection attempt, so that start-up
/// fails with the backend's real error (libpq's "connection refused", SQLite's
/// "unable to open") instead of r2d2's time-out.
pub fn build_pool(url: &DatabaseUrl, options: &PoolOptions) -> Result<DbPool, PoolError> {
    if let Some(parent) = url.sqlite_path().and_then(Path::parent)
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent).map_err(|source| PoolError::CreateDir {
            path: parent.display().to_string(),
            source,
        })?;
    }
    let manager = ConnectionManager::new(url.clone(), options.slow_query);
    r2d2::ManageConnection::connect(&manager)?;
    Ok(pool_builder(options).build(manager)?)
}

/// A pool that connects lazily; for tests of an unreachable database.
pub fn build_pool_unchecked(url: &DatabaseUrl, options: &PoolOptions) -> DbPool {
    pool_builder(options)
        .min_idle(Some(0))
        .build_unchecked(ConnectionManager::new(url.clone(), options.slow_query))
}

fn pool_builder(options: &PoolOptions) -> r2d2::Builder<ConnectionManager> {
    r2d2::Pool::builder()
        .max_size(options.max_size.max(1))
        .min_idle(Some(1))
        .connection_timeout(options.checkout_timeout)
        // no ping per checkout: the extra round trip cost a third of PostgreSQL
        // read throughput (bench/RESULTS.md);
        // a connection that died idle fails one request and is then dropped
        .test_on_check_out(false)
        .error_handler(Box::new(TracingErrorHandler))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_urls_select_postgres() {
        for u in [
            "postgres://u@h/db",
            "postgresql://u:p@h:5432/db?sslmode=disable",
        ] {
            assert_eq!(DatabaseUrl::parse(u).unwrap().backend(), Backend::Postgres);
        }
    }

    #[test]
    fn sqlite_forms_select_sqlite_with_their_path() {
        let cases = [
            ("data/gridwork.db", "data/gridwork.db"),
            ("sqlite://data/g.db", "data/g.db"),
            ("sqlite:///var/lib/g.db", "/var/lib/g.db"),
            ("sqlite:g.db", "g.db"),
            ("/tmp/x.db", "/tmp/x.db"),
        ];
        for (url, path) in cases {
            let parsed = DatabaseUrl::parse(url).unwrap();
            assert_eq!(parsed.backend(), Backend::Sqlite, "{url}");
            assert_eq!(parsed.sqlite_path(), Some(Path::new(path)), "{url}");
        }
    }

    #[test]
    fn other_schemes_and_memory_are_refused() {
        assert_eq!(
            DatabaseUrl::parse("mysql://root@localhost/db"),
            Err(DatabaseUrlError::UnsupportedScheme("mysql".into()))
        );
        assert_eq!(
            DatabaseUrl::parse("http://x"),
            Err(DatabaseUrlError::UnsupportedScheme("http".into()))
        );
        assert_eq!(DatabaseUrl::parse(" "), Err(DatabaseUrlError::Empty));
        assert_eq!(
            DatabaseUrl::parse("sqlite::memory:"),
            Err(DatabaseUrlError::InMemory)
        );
        assert_eq!(
            DatabaseUrl::parse(":memory:"),
            Err(DatabaseUrlError::InMemory)
        );
    }

    #[test]
    fn passwords_are_redacted() {
        let url = DatabaseUrl::parse("postgres://grid:s3cret@db:5432/gridwork").unwrap();
        assert_eq!(url.redacted(), "postgres://grid:***@db:5432/gridwork");
        assert!(!format!("{url:?}").contains("s3cret"));
        let url = DatabaseUrl::parse("postgres://grid@db/gridwork").unwrap();
        assert_eq!(url.redacted(), "postgres://grid@db/gridwork");
    }

    #[test]
    fn a_sqlite_pool_creates_its_folder_and_sets_pragmas() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/folder/g.db");
        let url = DatabaseUrl::parse(path.to_str().unwrap()).unwrap();
        let pool = build_pool(
            &url,
            &PoolOptions {
                max_size: 2,
                checkout_timeout: Duration::from_secs(2),
                slow_query: Duration::from_secs(1),
            },
        )
        .unwrap();
        let mut conn = pool.get().unwrap();
        #[derive(QueryableByName)]
        struct Fk {
            #[diesel(sql_type = diesel::sql_types::Integer)]
            foreign_keys: i32,
        }
        let fk: Fk = diesel::sql_query("PRAGMA foreign_keys")
            .get_result(&mut *conn)
            .unwrap();
        assert_eq!(fk.foreign_keys, 1);
        assert!(path.exists());
    }

    #[test]
    fn sqlite_writers_queue_in_the_process_and_none_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let url = DatabaseUrl::parse(dir.path().join("w.db").to_str().unwrap()).unwrap();
        let pool = build_pool(
            &url,
            &PoolOptions {
                max_size: 8,
                checkout_timeout: Duration::from_secs(10),
                slow_query: Duration::from_secs(10),
            },
        )
        .unwrap();
        diesel::sql_query("CREATE TABLE counter (n INTEGER NOT NULL)")
            .execute(&mut *pool.get().unwrap())
            .unwrap();
        diesel::sql_query("INSERT INTO counter (n) VALUES (0)")
            .execute(&mut *pool.get().unwrap())
            .unwrap();
        // each write reads, then writes what it read plus one, then writes
        // once more through `exclusive` inside its own transaction: a lost
        // update, a refusal or a wait on itself would show in the count
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let pool = pool.clone();
                std::thread::spawn(move || {
                    let mut conn = pool.get().unwrap();
                    for _ in 0..25 {
                        write_transaction(&mut conn, |conn| {
                            #[derive(QueryableByName)]
                            struct N {
                                #[diesel(sql_type = diesel::sql_types::Integer)]
                                n: i32,
                            }
                            let N { n } =
                                diesel::sql_query("SELECT n FROM counter").get_result::<N>(conn)?;
                            diesel::sql_query(format!("UPDATE counter SET n = {}", n + 1))
                                .execute(conn)?;
                            exclusive(conn, |conn| {
                                diesel::sql_query("UPDATE counter SET n = n + 1").execute(conn)
                            })
                        })
                        .unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        #[derive(QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::Integer)]
            n: i32,
        }
        let N { n } = diesel::sql_query("SELECT n FROM counter")
            .get_result::<N>(&mut *pool.get().unwrap())
            .unwrap();
        assert_eq!(n, 8 * 25 * 2);
    }
}
