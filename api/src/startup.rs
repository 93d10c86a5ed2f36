//! Start-up: connect, migrate, bootstrap secrets and the first admin, then
//! serve. Tests start the same `Application` on port 0.

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::{Compress, Condition, from_fn};
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use anyhow::Context;
use gridwork_domain::audit::{AuditAction, Entity, Outcome};
use gridwork_domain::grid::GridCode;
use gridwork_domain::{Role, Roles, Username};
use gridwork_persistence::user::{self, UserRow};
use gridwork_persistence::{DbConnection, DbPool, migrations, setting, time};
use tracing_actix_web::TracingLogger;
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::app::sessions::Rotation;
use crate::app::{AppError, AuditEvent, Origin};
use crate::auth::jwt::TokenKeys;
use crate::auth::password::{self, Passwords};
use crate::auth::pat::PatKeys;
use crate::auth::print_link::PrintLinks;
use crate::config::Config;
use crate::http::body::UploadLimit;
use crate::http::json::BodyLimit;
use crate::http::paging::Cursors;
use crate::http::telemetry::RequestSpan;
use crate::http::{ApiError, error, manners, request_id};
use crate::openapi::{ApiDoc, RouteTable};
use crate::ratelimit::RateLimits;
use crate::state::AppState;
use crate::{idempotency, jobs, ratelimit, routes};
use sha2::{Digest, Sha256};

const JWT_SECRET_KEY: &str = "jwt_secret";
const PII_KEY: &str = "pii_key";

/// Opens the pool (failing with the backend's own error) and applies migrations.
pub fn connect_and_migrate(config: &Config) -> anyhow::Result<DbPool> {
    let pool = gridwork_persistence::build_pool(&config.database_url, &config.pool)
        .with_context(|| format!("database {}", config.database_url.redacted()))?;
    let mut conn = pool.get().context("database connection")?;
    let applied = migrations::run_pending(&mut conn)
        .map_err(|e| anyhow::anyhow!("migrations failed: {e}"))?;
    for name in applied {
        tracing::info!(migration = %name, "applied migration");
    }
    Ok(pool)
}

/// The JWT secret: from the configuration, or generated once and kept in the
/// database so restarts do not log everyone out.
pub fn jwt_secret(config: &Config, pool: &DbPool) -> anyhow::Result<String> {
    configured_or_stored(
        config.jwt_secret.as_deref(),
        pool,
        JWT_SECRET_KEY,
        "GRIDWORK_JWT_SECRET",
    )
}

/// The key of the keyed hash of ID numbers: configured, or generated once and
/// kept in the database.
pub fn pii_key(config: &Config, pool: &DbPool) -> anyhow::Result<String> {
    configured_or_stored(config.pii_key.as_deref(), pool, PII_KEY, "GRIDWORK_PII_KEY")
}

fn configured_or_stored(
    configured: Option<&str>,
    pool: &DbPool,
    key: &str,
    variable: &str,
) -> anyhow::Result<String> {
    if let Some(value) = configured {
        return Ok(value.to_owned());
    }
    let mut conn = pool.get()?;
    let candidate =
        password::random_password() + &password::random_password() + &password::random_password();
    let value = setting::get_or_insert(&mut conn, key, &candidate, time::to_db(time::now()))?;
    tracing::warn!(
        "{variable} is not set: using a generated value kept in the database; \
         multi-instance deployments must set {variable} (32+ bytes) on every instance"
    );
    Ok(value)
}

/// True when some enabled account can administer users.
fn has_admin(conn: &mut DbConnection) -> diesel::QueryResult<bool> {
    Ok(user::enabled_roles(conn)?
        .iter()
        .filter_map(|r| Roles::parse_stored(r).ok())
        .any(|r| r.contains(Role::Admin)))
}

/// Creates `admin` when no enabled account holds the admin role (first start,
/// or accounts made only with `admin create-user` for other roles).
pub fn bootstrap_admin(
    config: &Config,
    pool: &DbPool,
    passwords: &Passwords,
) -> anyhow::Result<()> {
    let mut conn = pool.get()?;
    if has_admin(&mut conn)? {
        return Ok(());
    }
    let (password, generated) = match &config.admin_password {
        Some(p) => (p.clone(), false),
        None => (password::random_password(), true),
    };
    config
        .password_policy
        .check(&password, "admin")
        .map_err(|e| anyhow::anyhow!("GRIDWORK_ADMIN_PASSWORD {e}"))?;
    let row = UserRow::new(
        Username::parse("admin")?.as_str(),
        Some("Administrator".into()),
        passwords
            .hash(&password)
            .map_err(|e| anyhow::anyhow!("{e}"))?,
        Roles::single(Role::Admin).to_stored(),
        time::to_db(time::now()),
    );
    let created = diesel::Connection::transaction(&mut *conn, |conn| {
        if has_admin(conn)? {
            return Ok::<_, diesel::result::Error>(false); // another instance did it
        }
        if !user::insert(conn, &row)? {
            return Ok(false);
        }
        AuditEvent::new(AuditAction::BootstrapAdmin, Outcome::Success)
            .on(Entity::User, &row.id)
            .detail(serde_json::json!({ "username": "admin", "password_generated": generated }))
            .write(conn, &Origin::default())?;
        Ok(true)
    })?;
    if created && generated {
        tracing::warn!(
            username = "admin",
            password = %password,
            "created the first user `admin` with this generated password; it is shown only once: log in and change it"
        );
    } else if created {
        tracing::info!("created the first user `admin` with GRIDWORK_ADMIN_PASSWORD");
    } else if !has_admin(&mut conn)? {
        tracing::warn!(
            "no enabled account has the admin role and the name `admin` is taken: \
             create one with `gridwork admin create-user --username NAME --role admin`"
        );
    }
    Ok(())
}

/// The server's keys.
pub struct Secrets {
    pub jwt: String,
    pub pii: String,
}

impl Secrets {
    pub fn load(config: &Config, pool: &DbPool) -> anyhow::Result<Secrets> {
        Ok(Secrets {
            jwt: jwt_secret(config, pool)?,
            pii: pii_key(config, pool)?,
        })
    }
}

fn to_chrono(d: std::time::Duration) -> chrono::Duration {
    chrono::Duration::seconds(i64::try_from(d.as_secs()).unwrap_or(i64::MAX / 1000))
}

pub fn build_state(config: &Config, pool: DbPool, secrets: &Secrets) -> anyhow::Result<AppState> {
    // a replica connects lazily: one that is down at start is just not read
    let replica = config.database_read_url.as_ref().map(|url| {
        let options = gridwork_persistence::PoolOptions {
            checkout_timeout: config
                .pool
                .checkout_timeout
                .min(std::time::Duration::from_secs(1)),
            ..config.pool.clone()
        };
        gridwork_persistence::replica::Replica::new(
            gridwork_persistence::build_pool_unchecked(url, &options),
            config.read_max_lag,
        )
    });
    Ok(AppState {
        pool,
        replica,
        tokens: TokenKeys::new(
            secrets.jwt.as_bytes(),
            &config.jwt_issuer,
            &config.jwt_audience,
            config.access_ttl,
        ),
        // keys of their own, derived from the JWT secret every instance shares
        pats: PatKeys::new(&Sha256::digest(format!("access tokens:{}", secrets.jwt)))
            .map_err(|e| anyhow::anyhow!("{e}"))?,
        integrator_keys: PatKeys::with_prefix(
            crate::auth::pat::INTEGRATOR_PREFIX,
            &Sha256::digest(format!("integrator keys:{}", secrets.jwt)),
        )
        .map_err(|e| anyhow::anyhow!("{e}"))?,
        rider_token_ttl: to_chrono(config.rider_token_ttl),
        webhook_allow_private: config.webhook_allow_private,
        webhook_retry: gridwork_domain::webhook::Retry {
            base: chrono::Duration::milliseconds(
                i64::try_from(config.webhook_retry_base.as_millis()).unwrap_or(i64::MAX),
            ),
            cap: chrono::Duration::hours(1),
            give_up_after: to_chrono(config.webhook_retry_period),
        },
        print_links: PrintLinks::new(&Sha256::digest(format!("print links:{}", secrets.jwt)))
            .map_err(|e| anyhow::anyhow!("{e}"))?,
        passwords: Passwords::new(config.workers).map_err(|e| anyhow::anyhow!("{e}"))?,
        password_policy: config.password_policy,
        lockout: config.lockout,
        rotation: Rotation {
            key: Sha256::digest(format!("refresh successors:{}", secrets.jwt)).to_vec(),
            ttl: to_chrono(config.refresh_ttl),
            grace: to_chrono(config.refresh_grace),
        },
        trust_proxy: config.trust_proxy,
        zone_code: GridCode::parse(&config.zone_code)?,
        public_url: config.public_url.clone().unwrap_or_default(),
        pii_key: secrets.pii.as_bytes().to_vec(),
        cursors: Cursors::new(&Sha256::digest(format!("cursors:{}", secrets.jwt))),
        idempotency_ttl: to_chrono(config.idempotency_ttl),
        print_link_ttl: to_chrono(config.print_link_ttl),
        duplicates: gridwork_domain::case::duplicate::Window {
            radius_m: config.duplicate_radius_m as f64,
            within: to_chrono(config.duplicate_window),
        },
        files: crate::files::Files::open(&config.attachment_store, &config.s3_options)?,
        attachment_ttl: to_chrono(config.attachment_ttl),
        stale_after: to_chrono(config.stale_after),
        sync_max_age: to_chrono(config.sync_max_age),
        time_zone: config.time_zone,
    })
}

pub struct Application {
    server: Server,
    addr: SocketAddr,
}

impl Application {
    /// Everything `gridwork serve` does before accepting requests.
    pub fn build(config: &Config) -> anyhow::Result<Application> {
        let pool = connect_and_migrate(config)?;
        let secrets = Secrets::load(config, &pool)?;
        let state = build_state(config, pool, &secrets)?;
        bootstrap_admin(config, &state.pool, &state.passwords)?;
        Application::start(config, state)
    }

    /// Binds and starts serving `state` (already bootstrapped).
    pub fn start(config: &Config, mut state: AppState) -> anyhow::Result<Application> {
        let listener = TcpListener::bind(config.bind)
            .with_context(|| format!("cannot listen on {}", config.bind))?;
        let addr = listener.local_addr()?;
        if state.public_url.is_empty() {
            state.public_url = format!("http://{addr}");
        }
        let spec = Arc::new(crate::openapi::spec());
        let route_table = web::Data::new(RouteTable::from_spec(&spec));
        let cursors = state.cursors.clone();
        let limits = web::Data::new(RateLimits::new(
            config.rate_limit_per_minute,
            config.rate_limit_anon_per_minute,
            config.rate_limit_integrator_per_minute,
        ));
        let (cors_origins, cors_max_age) = (config.cors_origins.clone(), config.cors_max_age);
        let state = web::Data::new(state);
        let sweeper = state.clone();
        let sweep_limits = limits.clone();
        let max_body = config.max_body_bytes;
        let upload_limit = config.attachment_max_bytes;
        // diesel blocks: cap blocking threads near the pool (STACK.md: the
        // default 512 threads fighting over 10 connections cost 23–45 %)
        let blocking = (config.pool.max_size as usize).div_ceil(config.workers.max(1)) + 1;
        let server = HttpServer::new(move || {
            let (app, _) = App::new()
                .app_data(state.clone())
                .app_data(route_table.clone())
                .app_data(BodyLimit(max_body))
                .app_data(UploadLimit(upload_limit))
                .app_data(cursors.clone())
                .app_data(limits.clone())
                .app_data(web::QueryConfig::default().error_handler(error::query_error))
                .app_data(web::PathConfig::default().error_handler(error::path_error))
                .app_data(web::PayloadConfig::default().limit(max_body))
                .into_utoipa_app()
                .openapi(ApiDoc::openapi())
                .configure(routes::configure)
                .split_for_parts();
            app.route("/docs", web::get().to(docs_redirect))
                .service(
                    SwaggerUi::new("/docs/{_:.*}").url("/api-docs/openapi.json", (*spec).clone()),
                )
                .default_service(web::to(fallback))
                .wrap(from_fn(crate::replica::fence_writes))
                .wrap(from_fn(idempotency::claim_keys))
                .wrap(from_fn(crate::state::checkout_budget))
                .wrap(from_fn(literal_paths))
                .wrap(from_fn(ratelimit::limit))
                .wrap(from_fn(error::render_problems))
                .wrap(from_fn(manners::head_and_conditional))
                .wrap(from_fn(manners::hardening))
                .wrap(Compress::default())
                .wrap(TracingLogger::<RequestSpan>::new())
                .wrap(from_fn(request_id::assign))
                .wrap(Condition::new(
                    !cors_origins.is_empty(),
                    cors(&cors_origins, cors_max_age),
                ))
        })
        .workers(config.workers)
        .worker_max_blocking_threads(blocking)
        .shutdown_timeout(10)
        .listen(listener)?
        .run();
        actix_web::rt::spawn(crate::replica::watch_forever(sweeper.clone()));
        actix_web::rt::spawn(jobs::webhooks_forever(sweeper.clone(), config.webhook_poll));
        actix_web::rt::spawn(jobs::sweep_forever(
            sweeper,
            sweep_limits,
            config.sweep_interval,
        ));
        Ok(Application { server, addr })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Serves until SIGINT/SIGTERM, then drains in-flight requests (10 s at most).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// CORS for browser apps of `origins` (only built when some are configured):
/// preflights answered and cached, the headers clients read exposed.
fn cors(origins: &[String], max_age: std::time::Duration) -> actix_cors::Cors {
    use actix_web::http::header;
    let mut cors = actix_cors::Cors::default()
        .allowed_methods(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            header::IF_MATCH,
            header::IF_NONE_MATCH,
            header::HeaderName::from_static("idempotency-key"),
            header::HeaderName::from_static("x-request-id"),
        ])
        .expose_headers([
            header::ETAG,
            header::LOCATION,
            header::RETRY_AFTER,
            header::HeaderName::from_static("x-request-id"),
            header::HeaderName::from_static("ratelimit"),
            header::HeaderName::from_static("ratelimit-policy"),
            header::HeaderName::from_static("idempotent-replayed"),
        ])
        .max_age(usize::try_from(max_age.as_secs()).ok());
    for origin in origins {
        cors = cors.allowed_origin(origin);
    }
    cors
}

async fn docs_redirect() -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header((actix_web::http::header::LOCATION, "/docs/"))
        .finish()
}

/// What no route answered: `OPTIONS` on a known path lists its methods;
/// another method on a known path is 405 with `Allow`; the rest is 404.
/// Middleware: on a literal path an `{id}` route beside it would take, a
/// method the literal path lacks answers 405 before routing, so the literal
/// wins for every method (`PATCH /grids/locate` is not `PATCH /grids/{id}`).
/// One hash lookup per request; the paths are found at start.
async fn literal_paths(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<actix_web::dev::ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    let refused = req
        .app_data::<web::Data<RouteTable>>()
        .and_then(|routes| routes.shadowed(req.path()))
        .filter(|allow| !allow.iter().any(|m| m == req.method().as_str()))
        .map(<[String]>::to_vec);
    match refused {
        Some(allow) => Ok(req.error_response(ApiError::MethodNotAllowed { allow })),
        None => Ok(next.call(req).await?.map_into_boxed_body()),
    }
}

async fn fallback(
    req: HttpRequest,
    routes: web::Data<RouteTable>,
) -> Result<HttpResponse, ApiError> {
    match routes.allowed(req.path()) {
        Some(allow) if req.method() == actix_web::http::Method::OPTIONS => {
            Ok(HttpResponse::NoContent()
                .insert_header((actix_web::http::header::ALLOW, allow.join(", ")))
                .finish())
        }
        Some(allow) => Err(ApiError::MethodNotAllowed { allow }),
        None => Err(AppError::NotFound.into()),
    }
}
