//! Configuration from the environment. Every variable has a safe default
//! except secrets, which are generated when absent (see `startup`).

use std::net::SocketAddr;
use std::time::Duration;

use gridwork_domain::lockout::LockoutPolicy;
use gridwork_domain::password::PasswordPolicy;
use gridwork_persistence::{Backend, DatabaseUrl, PoolOptions};

pub const DEFAULT_DATABASE_URL: &str = "data/gridwork.db";
pub const DEFAULT_ATTACHMENT_STORE: &str = "data/attachments";
/// The most `GRIDWORK_ATTACHMENT_MAX_BYTES` may be: photos are held in
/// memory while their metadata is removed.
pub const ATTACHMENT_MAX_BYTES_CEILING: u64 = 100 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct Config {
    pub bind: SocketAddr,
    pub database_url: DatabaseUrl,
    pub pool: PoolOptions,
    /// A streaming replica of the PostgreSQL primary for KPIs, stats and sync.
    pub database_read_url: Option<DatabaseUrl>,
    /// How far behind the primary the replica may be and still be read.
    pub read_max_lag: Duration,
    /// None: generate one and keep it in the database.
    pub jwt_secret: Option<String>,
    pub jwt_issuer: String,
    pub jwt_audience: String,
    pub access_ttl: Duration,
    /// Lifetime of the tokens integrators exchange their keys for, per rider.
    pub rider_token_ttl: Duration,
    /// Webhooks: private, loopback and link-local targets allowed (tests, an
    /// integrator inside the zone's network); how often deliveries are
    /// looked for; the first retry's ceiling; how long to keep trying.
    pub webhook_allow_private: bool,
    pub webhook_poll: Duration,
    pub webhook_retry_base: Duration,
    pub webhook_retry_period: Duration,
    pub refresh_ttl: Duration,
    pub refresh_grace: Duration,
    pub idempotency_ttl: Duration,
    /// How long a print link opens its view.
    pub print_link_ttl: Duration,
    /// How near (metres) and how recent (hours) an open case of the same
    /// category must be to be offered as a possible duplicate.
    pub duplicate_radius_m: u64,
    pub duplicate_window: Duration,
    pub sweep_interval: Duration,
    /// How long after its last visit an enterprise is stale.
    pub stale_after: Duration,
    /// How long a sync cursor keeps working unused.
    pub sync_max_age: Duration,
    /// Where photos are kept: a folder, or an `s3://bucket/prefix` URL.
    pub attachment_store: String,
    /// The `AWS_*` settings of an S3 store that are set (name, value).
    pub s3_options: Vec<(&'static str, String)>,
    pub attachment_max_bytes: usize,
    /// How long an upload no case took up is kept.
    pub attachment_ttl: Duration,
    pub rate_limit_per_minute: u32,
    pub rate_limit_anon_per_minute: u32,
    pub rate_limit_integrator_per_minute: u32,
    pub cors_origins: Vec<String>,
    pub cors_max_age: Duration,
    /// None: generate one for `admin` on first start and log it once.
    pub admin_password: Option<String>,
    pub password_policy: PasswordPolicy,
    pub lockout: LockoutPolicy,
    pub max_body_bytes: usize,
    pub workers: usize,
    /// Code of the zone root grid (digits, e.g. a 12-digit division code).
    pub zone_code: String,
    /// The zone's time zone: inspection windows are local times in it.
    pub time_zone: chrono_tz::Tz,
    /// Base URL printed in placard QR codes, as phones reach the server;
    /// None: the address the server listens on.
    pub public_url: Option<String>,
    /// Key for the keyed hash of ID numbers; None: generated and kept in the database.
    pub pii_key: Option<String>,
    /// Take the client IP from `X-Forwarded-For`/`Forwarded` (only behind a
    /// proxy that sets them); otherwise the socket's peer address.
    pub trust_proxy: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name}: {reason}")]
    Invalid { name: &'static str, reason: String },
    #[error(transparent)]
    DatabaseUrl(#[from] gridwork_persistence::DatabaseUrlError),
}

/// The settings of an S3-compatible photo store, by their usual names.
pub const S3_VARIABLES: [&str; 8] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ENDPOINT",
    "AWS_ALLOW_HTTP",
    "AWS_VIRTUAL_HOSTED_STYLE_REQUEST",
];

/// The documented variables, their defaults and meaning (README's table).
pub const VARIABLES: &[(&str, &str, &str)] = &[
    (
        "GRIDWORK_BIND",
        "127.0.0.1:8080",
        "address and port to listen on",
    ),
    (
        "DATABASE_URL",
        DEFAULT_DATABASE_URL,
        "SQLite file path (or sqlite://PATH), or postgres://…",
    ),
    (
        "GRIDWORK_DATABASE_READ_URL",
        "(none)",
        "postgres://… of a streaming replica of the primary: KPIs, stats and sync read from it while it is fresh; a caller who wrote reads from the primary until the replica holds the write",
    ),
    (
        "GRIDWORK_DATABASE_READ_MAX_LAG_SECS",
        "10",
        "a replica further behind than this (or unreachable) is not read; the primary answers",
    ),
    (
        "GRIDWORK_DB_POOL_SIZE",
        "10",
        "database connections in the pool",
    ),
    (
        "GRIDWORK_DB_TIMEOUT_SECS",
        "3",
        "wait for a free connection before answering 503",
    ),
    (
        "GRIDWORK_SLOW_QUERY_MS",
        "250",
        "statements slower than this are logged as warnings, with their request id",
    ),
    (
        "GRIDWORK_JWT_SECRET",
        "generated, kept in the database",
        "HS256 key, at least 32 bytes; set it for several instances",
    ),
    ("GRIDWORK_JWT_ISSUER", "gridwork", "`iss` of access tokens"),
    (
        "GRIDWORK_JWT_AUDIENCE",
        "gridwork-api",
        "`aud` of access tokens",
    ),
    ("GRIDWORK_ACCESS_TTL_SECS", "900", "access-token lifetime"),
    (
        "GRIDWORK_RIDER_TOKEN_TTL_SECS",
        "600",
        "lifetime of a rider token an integrator exchanges its key for",
    ),
    (
        "GRIDWORK_REFRESH_TTL_SECS",
        "2592000",
        "absolute lifetime of a login (refresh-token family)",
    ),
    (
        "GRIDWORK_REFRESH_GRACE_SECS",
        "60",
        "how long the refresh token just rotated still returns the same new pair (a lost response on a mobile network)",
    ),
    (
        "GRIDWORK_IDEMPOTENCY_TTL_SECS",
        "604800",
        "how long an Idempotency-Key is kept (field apps stay offline for days)",
    ),
    (
        "GRIDWORK_RATE_LIMIT_PER_MINUTE",
        "600",
        "requests per minute per account (token); per server instance",
    ),
    (
        "GRIDWORK_RATE_LIMIT_ANON_PER_MINUTE",
        "600",
        "requests per minute per client address without a valid token (login, refresh, public placards); per server instance",
    ),
    (
        "GRIDWORK_WEBHOOK_ALLOW_PRIVATE",
        "false",
        "let webhooks go to loopback, private and link-local addresses (never to reserved ones)",
    ),
    (
        "GRIDWORK_WEBHOOK_POLL_MS",
        "1000",
        "how often each instance looks for webhook deliveries due",
    ),
    (
        "GRIDWORK_WEBHOOK_RETRY_BASE_MS",
        "30000",
        "the first retry's ceiling; each next one doubles it (capped at an hour), with full jitter",
    ),
    (
        "GRIDWORK_WEBHOOK_RETRY_HOURS",
        "72",
        "how long a failing webhook delivery is retried before it is marked failed",
    ),
    (
        "GRIDWORK_RATE_LIMIT_INTEGRATOR_PER_MINUTE",
        "1200",
        "requests per minute per integrator key (enrolments, rider tokens, Open311); per server instance",
    ),
    (
        "GRIDWORK_CORS_ORIGINS",
        "(none: CORS off)",
        "comma-separated origins browsers may call the API from, e.g. `https://app.example.gov.cn`",
    ),
    (
        "GRIDWORK_CORS_MAX_AGE_SECS",
        "3600",
        "how long browsers may cache a CORS preflight answer",
    ),
    (
        "GRIDWORK_SYNC_MAX_AGE_DAYS",
        "30",
        "a sync cursor unused this many days answers 410 (1–3650)",
    ),
    (
        "GRIDWORK_SWEEP_INTERVAL_SECS",
        "60",
        "how often cases past a deadline are escalated and expired records removed",
    ),
    (
        "GRIDWORK_ATTACHMENT_STORE",
        DEFAULT_ATTACHMENT_STORE,
        "where photos are kept: a folder, or s3://bucket/prefix (credentials, region and endpoint from the AWS_* variables)",
    ),
    (
        "GRIDWORK_ATTACHMENT_MAX_BYTES",
        "10485760",
        "largest photo accepted (at most 104857600)",
    ),
    (
        "GRIDWORK_ATTACHMENT_TTL_HOURS",
        "168",
        "how long an upload no case took up is kept",
    ),
    (
        "GRIDWORK_ADMIN_PASSWORD",
        "generated, printed once",
        "password of `admin`, created on first start",
    ),
    (
        "GRIDWORK_PASSWORD_MIN_LEN",
        "8",
        "minimum password length (maximum is 128)",
    ),
    (
        "GRIDWORK_LOCKOUT_THRESHOLD",
        "5",
        "failed logins that lock an account",
    ),
    (
        "GRIDWORK_LOCKOUT_WINDOW_SECS",
        "900",
        "window in which failures are counted",
    ),
    (
        "GRIDWORK_LOCKOUT_SECS",
        "900",
        "how long a locked account stays locked",
    ),
    (
        "GRIDWORK_ZONE_CODE",
        "411622000000",
        "code of the zone root grid (digits, e.g. the administrative-division code)",
    ),
    (
        "GRIDWORK_PUBLIC_URL",
        "http:// + the listening address",
        "base URL phones use to reach the server; placard QR codes point there",
    ),
    (
        "GRIDWORK_PII_KEY",
        "generated, kept in the database",
        "key of the keyed hash of ID numbers, at least 32 bytes",
    ),
    (
        "GRIDWORK_MAX_BODY_BYTES",
        "262144",
        "largest accepted request body",
    ),
    ("GRIDWORK_WORKERS", "number of CPUs", "HTTP worker threads"),
    (
        "GRIDWORK_TRUST_PROXY",
        "false",
        "take the client IP from X-Forwarded-For",
    ),
    (
        "GRIDWORK_LOG_FORMAT",
        "pretty on a terminal, else json",
        "`json` or `pretty`",
    ),
    ("RUST_LOG", "info", "log filter"),
];

impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads configuration through `lookup` (tests pass a map).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let parse = |name: &'static str, default: u64| -> Result<u64, ConfigError> {
            match get(name) {
                None => Ok(default),
                Some(v) => v.trim().parse().map_err(|_| ConfigError::Invalid {
                    name,
                    reason: format!("`{v}` is not a whole number"),
                }),
            }
        };
        let secs = |name: &'static str, default: u64| -> Result<Duration, ConfigError> {
            match parse(name, default)? {
                0 => Err(ConfigError::Invalid {
                    name,
                    reason: "must be greater than 0".into(),
                }),
                n => Ok(Duration::from_secs(n)),
            }
        };
        let bind = get("GRIDWORK_BIND").unwrap_or_else(|| "127.0.0.1:8080".into());
        let bind = bind.parse().map_err(|_| ConfigError::Invalid {
            name: "GRIDWORK_BIND",
            reason: format!("`{bind}` is not an address like 127.0.0.1:8080"),
        })?;
        let database_url = DatabaseUrl::parse(
            &get("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.into()),
        )?;
        let database_read_url = get("GRIDWORK_DATABASE_READ_URL")
            .map(|url| {
                DatabaseUrl::parse(&url).map_err(|e| ConfigError::Invalid {
                    name: "GRIDWORK_DATABASE_READ_URL",
                    reason: e.to_string(),
                })
            })
            .transpose()?;
        if database_read_url.as_ref().is_some_and(|read| {
            read.backend() != Backend::Postgres || database_url.backend() != Backend::Postgres
        }) {
            return Err(ConfigError::Invalid {
                name: "GRIDWORK_DATABASE_READ_URL",
                reason:
                    "a read replica is a PostgreSQL streaming replica of a PostgreSQL DATABASE_URL"
                        .into(),
            });
        }
        let jwt_secret = get("GRIDWORK_JWT_SECRET");
        if let Some(secret) = &jwt_secret
            && secret.len() < 32
        {
            return Err(ConfigError::Invalid {
                name: "GRIDWORK_JWT_SECRET",
                reason: "must be at least 32 bytes long".into(),
            });
        }
        let zone_code = get("GRIDWORK_ZONE_CODE").unwrap_or_else(|| "411622000000".into());
        gridwork_domain::grid::GridCode::parse(&zone_code).map_err(|e| ConfigError::Invalid {
            name: "GRIDWORK_ZONE_CODE",
            reason: e.to_string(),
        })?;
        let pii_key = get("GRIDWORK_PII_KEY");
        if pii_key.as_ref().is_some_and(|k| k.len() < 32) {
            return Err(ConfigError::Invalid {
                name: "GRIDWORK_PII_KEY",
                reason: "must be at least 32 bytes long".into(),
            });
        }
        let public_url =
            get("GRIDWORK_PUBLIC_URL").map(|u| u.trim().trim_end_matches('/').to_owned());
        // placard URLs (base + path + token) are promised to stay under 2048 characters
        if let Some(url) = &public_url
            && (url.len() > 1024 || !(url.starts_with("http://") || url.starts_with("https://")))
        {
            return Err(ConfigError::Invalid {
                name: "GRIDWORK_PUBLIC_URL",
                reason: "must be an http:// or https:// URL of at most 1024 characters".into(),
            });
        }
        let to_chrono = |d: Duration| chrono::Duration::seconds(d.as_secs() as i64);
        let workers = match parse("GRIDWORK_WORKERS", 0)? {
            0 => std::thread::available_parallelism().map_or(2, |n| n.get()),
            n => n as usize,
        };
        Ok(Config {
            bind,
            database_url,
            pool: PoolOptions {
                max_size: parse("GRIDWORK_DB_POOL_SIZE", 10)?.clamp(1, 1000) as u32,
                checkout_timeout: secs("GRIDWORK_DB_TIMEOUT_SECS", 3)?,
                slow_query: Duration::from_millis(parse("GRIDWORK_SLOW_QUERY_MS", 250)?),
            },
            database_read_url,
            read_max_lag: secs("GRIDWORK_DATABASE_READ_MAX_LAG_SECS", 10)?,
            jwt_secret,
            jwt_issuer: get("GRIDWORK_JWT_ISSUER").unwrap_or_else(|| "gridwork".into()),
            jwt_audience: get("GRIDWORK_JWT_AUDIENCE").unwrap_or_else(|| "gridwork-api".into()),
            access_ttl: secs("GRIDWORK_ACCESS_TTL_SECS", 900)?,
            rider_token_ttl: secs("GRIDWORK_RIDER_TOKEN_TTL_SECS", 600)?,
            webhook_allow_private: get("GRIDWORK_WEBHOOK_ALLOW_PRIVATE")
                .is_some_and(|v| matches!(v.trim(), "1" | "true" | "yes")),
            webhook_poll: Duration::from_millis(parse("GRIDWORK_WEBHOOK_POLL_MS", 1000)?.max(10)),
            webhook_retry_base: Duration::from_millis(
                parse("GRIDWORK_WEBHOOK_RETRY_BASE_MS", 30_000)?.max(1),
            ),
            webhook_retry_period: Duration::from_secs(
                parse("GRIDWORK_WEBHOOK_RETRY_HOURS", 72)?.clamp(1, 24 * 30) * 3600,
            ),
            refresh_ttl: secs("GRIDWORK_REFRESH_TTL_SECS", 30 * 24 * 3600)?,
            refresh_grace: Duration::from_secs(parse("GRIDWORK_REFRESH_GRACE_SECS", 60)?),
            idempotency_ttl: secs("GRIDWORK_IDEMPOTENCY_TTL_SECS", 7 * 24 * 3600)?,
            print_link_ttl: secs("GRIDWORK_PRINT_LINK_TTL_SECS", 600)?,
            duplicate_radius_m: parse("GRIDWORK_DUPLICATE_RADIUS_M", 200)?,
            duplicate_window: Duration::from_secs(
                parse("GRIDWORK_DUPLICATE_WINDOW_HOURS", 24)? * 3600,
            ),
            sweep_interval: secs("GRIDWORK_SWEEP_INTERVAL_SECS", 60)?.max(Duration::from_secs(1)),
            stale_after: match parse("GRIDWORK_STALE_AFTER_DAYS", 90)? {
                days @ 1..=3650 => Duration::from_secs(days * 24 * 3600),
                _ => {
                    return Err(ConfigError::Invalid {
                        name: "GRIDWORK_STALE_AFTER_DAYS",
                        reason: "must be 1 to 3650 days".into(),
                    });
                }
            },
            sync_max_age: match parse("GRIDWORK_SYNC_MAX_AGE_DAYS", 30)? {
                days @ 1..=3650 => Duration::from_secs(days * 24 * 3600),
                _ => {
                    return Err(ConfigError::Invalid {
                        name: "GRIDWORK_SYNC_MAX_AGE_DAYS",
                        reason: "must be 1 to 3650 days".into(),
                    });
                }
            },
            attachment_store: get("GRIDWORK_ATTACHMENT_STORE")
                .unwrap_or_else(|| DEFAULT_ATTACHMENT_STORE.into())
                .trim()
                .to_owned(),
            s3_options: S3_VARIABLES
                .iter()
                .filter_map(|name| get(name).map(|v| (*name, v.trim().to_owned())))
                .collect(),
            attachment_max_bytes: match parse("GRIDWORK_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)? {
                n @ 1..=ATTACHMENT_MAX_BYTES_CEILING => n as usize,
                _ => {
                    return Err(ConfigError::Invalid {
                        name: "GRIDWORK_ATTACHMENT_MAX_BYTES",
                        reason: format!("must be between 1 and {ATTACHMENT_MAX_BYTES_CEILING}"),
                    });
                }
            },
            attachment_ttl: Duration::from_secs(
                parse("GRIDWORK_ATTACHMENT_TTL_HOURS", 168)?.clamp(1, 24 * 365) * 3600,
            ),
            rate_limit_per_minute: u32::try_from(parse("GRIDWORK_RATE_LIMIT_PER_MINUTE", 600)?)
                .unwrap_or(u32::MAX)
                .max(1),
            rate_limit_anon_per_minute: u32::try_from(parse(
                "GRIDWORK_RATE_LIMIT_ANON_PER_MINUTE",
                600,
            )?)
            .unwrap_or(u32::MAX)
            .max(1),
            rate_limit_integrator_per_minute: u32::try_from(parse(
                "GRIDWORK_RATE_LIMIT_INTEGRATOR_PER_MINUTE",
                1200,
            )?)
            .unwrap_or(u32::MAX)
            .max(1),
            cors_origins: get("GRIDWORK_CORS_ORIGINS")
                .map(|v| {
                    v.split(',')
                        .map(|o| o.trim().trim_end_matches('/').to_owned())
                        .filter(|o| !o.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            cors_max_age: secs("GRIDWORK_CORS_MAX_AGE_SECS", 3600)?,
            admin_password: lookup("GRIDWORK_ADMIN_PASSWORD").filter(|v| !v.is_empty()),
            password_policy: PasswordPolicy::new(
                parse("GRIDWORK_PASSWORD_MIN_LEN", 8)? as usize,
                PasswordPolicy::MAX_LEN,
            ),
            lockout: LockoutPolicy {
                threshold: parse("GRIDWORK_LOCKOUT_THRESHOLD", 5)?.clamp(1, 1000) as u32,
                window: to_chrono(secs("GRIDWORK_LOCKOUT_WINDOW_SECS", 900)?),
                lock_for: to_chrono(secs("GRIDWORK_LOCKOUT_SECS", 900)?),
            },
            zone_code: zone_code.trim().to_owned(),
            time_zone: match get("GRIDWORK_TIME_ZONE") {
                None => chrono_tz::Asia::Shanghai,
                Some(name) => name.trim().parse().map_err(|_| ConfigError::Invalid {
                    name: "GRIDWORK_TIME_ZONE",
                    reason: format!("`{name}` is not an IANA time zone such as Asia/Shanghai"),
                })?,
            },
            public_url,
            pii_key,
            max_body_bytes: parse("GRIDWORK_MAX_BODY_BYTES", 256 * 1024)?.max(1024) as usize,
            workers,
            trust_proxy: matches!(
                get("GRIDWORK_TRUST_PROXY").as_deref().map(str::trim),
                Some("1" | "true" | "yes")
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn a_read_replica_is_postgres_beside_a_postgres_primary() {
        let pg = "postgres://u@127.0.0.1/g";
        let c = config(&[("DATABASE_URL", pg), ("GRIDWORK_DATABASE_READ_URL", pg)]).unwrap();
        assert!(c.database_read_url.is_some());
        assert_eq!(c.read_max_lag, Duration::from_secs(10));
        assert!(config(&[]).unwrap().database_read_url.is_none());
        for (primary, read) in [("g.db", pg), (pg, "r.db"), (pg, "mysql://r")] {
            let err = config(&[
                ("DATABASE_URL", primary),
                ("GRIDWORK_DATABASE_READ_URL", read),
            ])
            .unwrap_err()
            .to_string();
            assert!(err.contains("GRIDWORK_DATABASE_READ_URL"), "{err}");
        }
    }

    #[test]
    fn defaults_are_local_and_sqlite() {
        let c = config(&[]).unwrap();
        assert_eq!(c.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(
            c.database_url.backend(),
            gridwork_persistence::Backend::Sqlite
        );
        assert_eq!(c.access_ttl, Duration::from_secs(900));
        assert_eq!(c.pool.checkout_timeout, Duration::from_secs(3));
        assert!(c.jwt_secret.is_none() && c.admin_password.is_none());
    }

    #[test]
    fn bad_values_name_their_variable() {
        let err = config(&[("DATABASE_URL", "mysql://x")])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("DATABASE_URL") && err.contains("mysql"),
            "{err}"
        );
        let err = config(&[("GRIDWORK_DB_POOL_SIZE", "ten")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("GRIDWORK_DB_POOL_SIZE"), "{err}");
        let err = config(&[("GRIDWORK_JWT_SECRET", "short")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("32 bytes"), "{err}");
        let err = config(&[("GRIDWORK_ACCESS_TTL_SECS", "0")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("greater than 0"), "{err}");
    }
}
