//! Test harness: a real Gridwork server on port 0 over a fresh database per
//! test — a temporary SQLite file, or a PostgreSQL schema created for the test
//! and dropped after it (`GRIDWORK_TEST_POSTGRES_URL`). With `CI=true` a
//! missing or unreachable PostgreSQL fails the run instead of skipping.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

use std::collections::HashMap;

use actix_web::http::{Method, header::HeaderMap};
use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use gridwork_api::config::Config;
use gridwork_api::startup::{self, Application};
use gridwork_persistence::DbPool;
use serde_json::{Value, json};

pub const ADMIN_PASSWORD: &str = "Zone-keeper-for-tests-2025";
pub const JWT_SECRET: &str = "test-secret-that-is-at-least-32-bytes-long";
pub const USER_PASSWORD: &str = "Rain-in-the-workshop-7";
/// What an admin hands a new account; its holder changes it at once.
pub const INITIAL_PASSWORD: &str = "Handed-over-at-the-desk-3";
pub const POSTGRES_URL_VAR: &str = "GRIDWORK_TEST_POSTGRES_URL";
/// Where the S3 tests find their store (set by `.ci/run`).
pub const S3_URL_VAR: &str = "GRIDWORK_TEST_S3_URL";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Declares, for each `async fn NAME(backend: Backend)`, a module `NAME` with
/// the tests `sqlite` and `postgres`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[actix_web::test]
                async fn sqlite() {
                    super::$name($crate::Backend::Sqlite).await
                }
                #[actix_web::test]
                async fn postgres() {
                    super::$name($crate::Backend::Postgres).await
                }
            }
        )*
    };
}

/// Keeps the test database alive; drops it at the end of the test.
pub enum DbGuard {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin_url: String, schema: String },
}

impl Drop for DbGuard {
    fn drop(&mut self) {
        if let DbGuard::Postgres { admin_url, schema } = self
            && let Ok(mut conn) = PgConnection::establish(admin_url)
        {
            let _ = conn.batch_execute(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"));
        }
    }
}

/// The PostgreSQL URL for tests, or None to skip (never under CI).
fn postgres_admin_url() -> Option<String> {
    let url = std::env::var(POSTGRES_URL_VAR)
        .ok()
        .filter(|u| !u.is_empty());
    if url.is_none() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!(
                "CI=true but {POSTGRES_URL_VAR} is not set: the PostgreSQL half of the tests must run in CI"
            );
        }
        eprintln!("skipping the PostgreSQL variant: set {POSTGRES_URL_VAR}=postgres://… to run it");
    }
    // the tests talk to PostgreSQL on loopback: without TLS, OpenSSL stays
    // out of the test process, whose exit-time cleanup crashed (SIGSEGV in
    // libcrypto) while leftover server threads still held connections
    url.map(|u| {
        if u.contains("sslmode=") {
            u
        } else {
            let sep = if u.contains('?') { '&' } else { '?' };
            format!("{u}{sep}sslmode=disable")
        }
    })
}

/// The S3-compatible endpoint for tests (a moto server on loopback, which
/// `.ci/run` starts), or None to skip those tests (never under CI).
pub fn s3_endpoint() -> Option<String> {
    let url = std::env::var(S3_URL_VAR).ok().filter(|u| !u.is_empty());
    if url.is_none() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("CI=true but {S3_URL_VAR} is not set: the S3 store must be tested in CI");
        }
        eprintln!(
            "skipping an S3 test: set {S3_URL_VAR}=http://127.0.0.1:… (a moto server) to run it"
        );
    }
    url.filter(|u| u.starts_with("http://127.0.0.1:") || u.starts_with("http://localhost:"))
}

/// A fresh database: its URL for the app, and the guard that removes it.
fn fresh_database(backend: Backend) -> Option<(String, DbGuard)> {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = dir
                .path()
                .join("gridwork.db")
                .to_string_lossy()
                .into_owned();
            Some((url, DbGuard::Sqlite(dir)))
        }
        Backend::Postgres => {
            let admin_url = postgres_admin_url()?;
            let schema = format!("gw_test_{}", uuid::Uuid::now_v7().simple());
            let mut conn = PgConnection::establish(&admin_url).unwrap_or_else(|e| {
                panic!("{POSTGRES_URL_VAR} is set but PostgreSQL is unreachable: {e}")
            });
            conn.batch_execute(&format!("CREATE SCHEMA \"{schema}\""))
                .expect("create test schema");
            let sep = if admin_url.contains('?') { '&' } else { '?' };
            let url = format!("{admin_url}{sep}options=-csearch_path%3D{schema}");
            Some((url, DbGuard::Postgres { admin_url, schema }))
        }
    }
}

pub fn test_config(database_url: &str, extra: &[(&str, &str)]) -> Config {
    let mut vars: HashMap<String, String> = [
        ("DATABASE_URL", database_url),
        ("GRIDWORK_BIND", "127.0.0.1:0"),
        ("GRIDWORK_ADMIN_PASSWORD", ADMIN_PASSWORD),
        ("GRIDWORK_JWT_SECRET", JWT_SECRET),
        ("GRIDWORK_WORKERS", "1"),
        ("GRIDWORK_DB_POOL_SIZE", "4"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    // never `data/` under the tests' working directory
    let photos = std::env::temp_dir().join("gridwork-test-photos");
    vars.insert(
        "GRIDWORK_ATTACHMENT_STORE".to_owned(),
        photos.to_string_lossy().into_owned(),
    );
    for (k, v) in extra {
        vars.insert((*k).to_owned(), (*v).to_owned());
    }
    Config::from_lookup(|k| vars.get(k).cloned()).expect("test configuration")
}

pub struct TestApp {
    pub base: String,
    pub backend: Backend,
    pub pool: DbPool,
    pub config: Config,
    client: awc::Client,
    _db: Option<DbGuard>,
    _files: Option<tempfile::TempDir>,
}

/// A response, with the body parsed as JSON (`Value::Null` when empty or not JSON).
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts a problem+json answer with this status and code; returns it.
    #[track_caller]
    pub fn assert_problem(&self, status: u16, code: &str) -> &Value {
        assert_eq!(self.status, status, "status of {}", self.text);
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "content type of {}",
            self.text
        );
        assert_eq!(self.body["code"], code, "code of {}", self.text);
        assert_eq!(self.body["status"], status, "{}", self.text);
        assert!(
            self.body["title"].is_string() && self.body["detail"].is_string(),
            "{}",
            self.text
        );
        assert_eq!(
            self.body["request_id"].as_str(),
            self.header("x-request-id"),
            "the problem carries the request id"
        );
        &self.body
    }
}

impl TestApp {
    /// A server on a fresh database with default settings; None when the
    /// PostgreSQL variant is skipped (never under CI).
    pub async fn spawn(backend: Backend) -> Option<TestApp> {
        TestApp::spawn_with(backend, &[]).await
    }

    pub async fn spawn_with(backend: Backend, extra: &[(&str, &str)]) -> Option<TestApp> {
        let (url, guard) = fresh_database(backend)?;
        // photos go to a folder of the test's own, unless the test names one
        let files = tempfile::tempdir().expect("temp dir");
        let store = files.path().to_string_lossy().into_owned();
        let mut extra = extra.to_vec();
        if !extra.iter().any(|(k, _)| *k == "GRIDWORK_ATTACHMENT_STORE") {
            extra.push(("GRIDWORK_ATTACHMENT_STORE", &store));
        }
        let config = test_config(&url, &extra);
        let pool = startup::connect_and_migrate(&config).expect("migrate test database");
        let secrets = startup::Secrets::load(&config, &pool).expect("secrets");
        let state = startup::build_state(&config, pool.clone(), &secrets).expect("state");
        startup::bootstrap_admin(&config, &pool, &state.passwords).expect("bootstrap admin");
        let mut app = TestApp::serve(backend, config, state, pool, Some(guard));
        app._files = Some(files);
        Some(app)
    }

    /// Another server instance over the same database and keys, as several
    /// instances run behind a load balancer.
    pub fn another_instance(&self) -> TestApp {
        let secrets = startup::Secrets::load(&self.config, &self.pool).expect("secrets");
        let state = startup::build_state(&self.config, self.pool.clone(), &secrets).expect("state");
        TestApp::serve(
            self.backend,
            self.config.clone(),
            state,
            self.pool.clone(),
            None,
        )
    }

    /// A server over an already-built state (e.g. an unreachable database).
    pub fn serve(
        backend: Backend,
        config: Config,
        state: gridwork_api::state::AppState,
        pool: DbPool,
        guard: Option<DbGuard>,
    ) -> TestApp {
        let app = Application::start(&config, state).expect("start server");
        let base = format!("http://{}", app.local_addr());
        actix_web::rt::spawn(app.run_until_stopped());
        TestApp {
            base,
            backend,
            pool,
            config,
            client: awc::Client::builder()
                .timeout(std::time::Duration::from_secs(30))
                .disable_redirects()
                .finish(),
            _db: guard,
            _files: None,
        }
    }

    /// Loads the demo zone as `gridwork seed --demo` does, evidence photos
    /// first.
    pub async fn load_demo(&self) -> anyhow::Result<gridwork_api::demo::SeedOutcome> {
        use gridwork_api::demo;
        let files = gridwork_api::files::Files::open(
            &self.config.attachment_store,
            &self.config.s3_options,
        )?;
        let evidence = demo::store_evidence(&files, demo::EVIDENCE_PHOTOS).await?;
        let mut conn = self.pool.get()?;
        demo::seed(
            &mut conn,
            &gridwork_domain::grid::GridCode::parse("411622000000")?,
            &gridwork_api::auth::password::Passwords::new(1)?,
            "http://zone.example",
            (&evidence, self.config.time_zone),
        )
    }

    /// Logs a demo account in with the password the load showed; its
    /// access token.
    pub async fn demo_login(
        &self,
        accounts: &[gridwork_api::demo::Account],
        username: &str,
    ) -> String {
        let account = accounts
            .iter()
            .find(|a| a.username == username)
            .unwrap_or_else(|| panic!("no demo account {username}"));
        self.tokens(username, &account.password).await.0
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> Resp {
        let mut req = self.client.request(method, self.url(path));
        if let Some(token) = token {
            req = req.insert_header(("Authorization", format!("Bearer {token}")));
        }
        for (k, v) in headers {
            req = req.insert_header((*k, *v));
        }
        let mut res = match body {
            Some(body) => req.send_json(body).await,
            None => req.send().await,
        }
        .expect("request sent");
        let bytes = res.body().limit(10 * 1024 * 1024).await.expect("body read");
        let text = String::from_utf8_lossy(&bytes).into_owned();
        Resp {
            status: res.status().as_u16(),
            headers: res.headers().clone(),
            body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
            text,
        }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Resp {
        self.request(Method::GET, path, token, None, &[]).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Resp {
        self.request(Method::POST, path, token, Some(body), &[])
            .await
    }

    pub async fn patch(&self, path: &str, token: Option<&str>, body: &Value) -> Resp {
        self.request(Method::PATCH, path, token, Some(body), &[])
            .await
    }

    /// PUTs `body` with `If-Match: etag`.
    pub async fn put_if(&self, path: &str, token: &str, etag: &str, body: &Value) -> Resp {
        self.request(
            Method::PUT,
            path,
            Some(token),
            Some(body),
            &[("If-Match", etag)],
        )
        .await
    }

    pub async fn delete(&self, path: &str, token: Option<&str>) -> Resp {
        self.request(Method::DELETE, path, token, None, &[]).await
    }

    /// Raw body with an explicit content type (for malformed-input tests).
    /// A request with a raw body (not necessarily valid JSON).
    pub async fn request_raw(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        content_type: &str,
        body: &'static [u8],
    ) -> Resp {
        let mut req = self
            .client
            .request(method, self.url(path))
            .insert_header(("Content-Type", content_type));
        if let Some(token) = token {
            req = req.insert_header(("Authorization", format!("Bearer {token}")));
        }
        let mut res = req.send_body(body).await.expect("request sent");
        let bytes = res.body().await.expect("body read");
        Resp {
            status: res.status().as_u16(),
            headers: res.headers().clone(),
            body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
            text: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// POSTs an HTML form (`application/x-www-form-urlencoded`).
    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> Resp {
        let mut res = self
            .client
            .post(self.url(path))
            .send_form(&form)
            .await
            .expect("request sent");
        let bytes = res.body().await.expect("body read");
        Resp {
            status: res.status().as_u16(),
            headers: res.headers().clone(),
            body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
            text: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn post_raw(&self, path: &str, content_type: &str, body: &'static [u8]) -> Resp {
        let mut res = self
            .client
            .post(self.url(path))
            .insert_header(("Content-Type", content_type))
            .send_body(body)
            .await
            .expect("request sent");
        let bytes = res.body().await.expect("body read");
        Resp {
            status: res.status().as_u16(),
            headers: res.headers().clone(),
            body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
            text: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// Any request with a raw body and headers; the answer with its bytes.
    pub async fn bytes(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
        body: Vec<u8>,
    ) -> (Resp, Vec<u8>) {
        let mut req = self.client.request(method, self.url(path));
        if let Some(token) = token {
            req = req.insert_header(("Authorization", format!("Bearer {token}")));
        }
        for (k, v) in headers {
            req = req.insert_header((*k, *v));
        }
        let mut res = req.send_body(body).await.expect("request sent");
        let bytes = res
            .body()
            .limit(200 * 1024 * 1024)
            .await
            .expect("body read")
            .to_vec();
        let resp = Resp {
            status: res.status().as_u16(),
            headers: res.headers().clone(),
            body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
            text: String::from_utf8_lossy(&bytes).into_owned(),
        };
        (resp, bytes)
    }

    /// Uploads a photo as a raw body.
    pub async fn upload(&self, token: &str, content_type: &str, photo: &[u8]) -> Resp {
        let headers = [("Content-Type", content_type)];
        self.bytes(
            Method::POST,
            "/api/v1/attachments",
            Some(token),
            &headers,
            photo.to_vec(),
        )
        .await
        .0
    }

    pub async fn login(&self, username: &str, password: &str) -> Resp {
        self.post(
            "/api/v1/auth/login",
            None,
            &json!({ "username": username, "password": password }),
        )
        .await
    }

    /// Logs in and returns (access token, refresh token); panics on failure.
    pub async fn tokens(&self, username: &str, password: &str) -> (String, String) {
        let res = self.login(username, password).await;
        assert_eq!(res.status, 200, "login of {username}: {}", res.text);
        (
            res.body["access_token"]
                .as_str()
                .expect("access token")
                .to_owned(),
            res.body["refresh_token"]
                .as_str()
                .expect("refresh token")
                .to_owned(),
        )
    }

    pub async fn admin_token(&self) -> String {
        self.tokens("admin", ADMIN_PASSWORD).await.0
    }

    /// Creates a user with these roles as an admin does, and has its holder
    /// replace the admin's password with `USER_PASSWORD` at the first
    /// login, as they must; returns its id.
    pub async fn create_user(&self, admin: &str, username: &str, roles: &[&str]) -> String {
        let res = self
            .post(
                "/api/v1/users",
                Some(admin),
                &json!({ "username": username, "password": INITIAL_PASSWORD, "roles": roles }),
            )
            .await;
        assert_eq!(res.status, 201, "create {username}: {}", res.text);
        self.choose_password(username, INITIAL_PASSWORD).await;
        res.body["id"].as_str().expect("user id").to_owned()
    }

    /// Logs in with the password an admin chose and changes it to
    /// `USER_PASSWORD`; returns the new access token.
    pub async fn choose_password(&self, username: &str, given: &str) -> String {
        let (token, _) = self.tokens(username, given).await;
        let res = self
            .post(
                "/api/v1/me/password",
                Some(&token),
                &json!({ "current_password": given, "new_password": USER_PASSWORD }),
            )
            .await;
        assert_eq!(res.status, 200, "password of {username}: {}", res.text);
        res.body["access_token"]
            .as_str()
            .expect("access token")
            .to_owned()
    }

    /// POSTs and asserts 201 Created; returns the body.
    pub async fn created(&self, path: &str, token: &str, body: &Value) -> Value {
        let res = self.post(path, Some(token), body).await;
        assert_eq!(res.status, 201, "POST {path}: {}", res.text);
        res.body
    }

    /// GETs and asserts 200; returns the body.
    /// Records that `person` passed a pre-job course (one made for it), so
    /// that they may take up a full-time or part-time post.
    pub async fn pre_job(&self, admin: &str, person: &Value) {
        let course = self
            .created(
                "/api/v1/training/courses",
                admin,
                &json!({ "kind": "pre_job", "title": "网格员岗前培训" }),
            )
            .await;
        let completed = (chrono::Utc::now() - chrono::Duration::days(1)).to_rfc3339();
        let res = self
            .post(
                "/api/v1/training/records",
                Some(admin),
                &json!({ "person_id": person["id"], "course_id": course["id"], "completed_at": completed }),
            )
            .await;
        assert_eq!(res.status, 201, "{}", res.text);
    }

    pub async fn ok(&self, path: &str, token: &str) -> Value {
        let res = self.get(path, Some(token)).await;
        assert_eq!(res.status, 200, "GET {path}: {}", res.text);
        res.body
    }
}

/// A small zone for registry tests: the zone root, enterprises A and B with
/// their enterprise grids, a workshop sub-grid under A, and in each grid a
/// worker who can log in (`worker_a`, `worker_b`, both `grid_worker`).
pub struct Zone {
    pub admin: String,
    pub zone: Value,
    pub firm_a: Value,
    pub firm_b: Value,
    pub grid_a: Value,
    pub grid_b: Value,
    pub workshop_a: Value,
    pub person_a: Value,
    pub person_b: Value,
    pub assignment_a: Value,
    pub worker_a: String,
    pub worker_b: String,
}

/// Valid unified social credit codes for test enterprises.
pub const USCC_A: &str = "91110000802100433B";
pub const USCC_B: &str = "91350100M000100Y43";

impl Zone {
    pub async fn build(app: &TestApp) -> Zone {
        let admin = app.admin_token().await;
        let zone = app
            .created(
                "/api/v1/grids",
                &admin,
                &json!({ "name": "西华经开区", "kind": "zone" }),
            )
            .await;
        let firm = |name: &str, uscc: &str| json!({ "name": name, "uscc": uscc });
        let firm_a = app
            .created("/api/v1/enterprises", &admin, &firm("周口耕德电子", USCC_A))
            .await;
        let firm_b = app
            .created("/api/v1/enterprises", &admin, &firm("河南普瑞制药", USCC_B))
            .await;
        let grid = |name: &str, firm: &Value| json!({ "name": name, "kind": "enterprise", "parent_id": zone["id"], "enterprise_id": firm["id"] });
        let grid_a = app
            .created("/api/v1/grids", &admin, &grid("耕德网格", &firm_a))
            .await;
        let grid_b = app
            .created("/api/v1/grids", &admin, &grid("普瑞网格", &firm_b))
            .await;
        let workshop_a = app
            .created(
                "/api/v1/grids",
                &admin,
                &json!({ "name": "一车间", "kind": "sub_grid", "parent_id": grid_a["id"] }),
            )
            .await;
        let user_a = app.create_user(&admin, "worker_a", &["grid_worker"]).await;
        let user_b = app.create_user(&admin, "worker_b", &["grid_worker"]).await;
        let person = |name: &str, mobile: &str, user: &str, grid: &Value| json!({ "name": name, "mobile": mobile, "user_id": user, "grid_id": grid["id"], "placard_consent": true });
        let person_a = app
            .created(
                "/api/v1/people",
                &admin,
                &person("张亚超", "13800001234", &user_a, &grid_a),
            )
            .await;
        let person_b = app
            .created(
                "/api/v1/people",
                &admin,
                &person("宋根华", "13900005678", &user_b, &grid_b),
            )
            .await;
        app.pre_job(&admin, &person_a).await;
        app.pre_job(&admin, &person_b).await;
        let assign =
            |person: &Value| json!({ "person_id": person["id"], "role": "full_time_worker" });
        let assignment_a = app
            .created(
                &format!(
                    "/api/v1/grids/{}/assignments",
                    grid_a["id"].as_str().unwrap()
                ),
                &admin,
                &assign(&person_a),
            )
            .await;
        app.created(
            &format!(
                "/api/v1/grids/{}/assignments",
                grid_b["id"].as_str().unwrap()
            ),
            &admin,
            &assign(&person_b),
        )
        .await;
        let worker_a = app.tokens("worker_a", USER_PASSWORD).await.0;
        let worker_b = app.tokens("worker_b", USER_PASSWORD).await.0;
        Zone {
            admin,
            zone,
            firm_a,
            firm_b,
            grid_a,
            grid_b,
            workshop_a,
            person_a,
            person_b,
            assignment_a,
            worker_a,
            worker_b,
        }
    }
}

impl Zone {
    /// A new account serving grid A in a role, logged in.
    /// An admin ends worker A's assignment to grid A.
    pub async fn end_assignment_a(&self, app: &TestApp) {
        let etag = format!("\"{}\"", self.assignment_a["version"]);
        let ended = app
            .request(
                actix_web::http::Method::DELETE,
                &format!("/api/v1/assignments/{}", id(&self.assignment_a)),
                Some(&self.admin),
                None,
                &[("If-Match", etag.as_str())],
            )
            .await;
        assert_eq!(ended.status, 200, "{}", ended.text);
    }

    pub async fn staff(
        &self,
        app: &TestApp,
        username: &str,
        role: &str,
        grid_role: &str,
    ) -> String {
        let user = app.create_user(&self.admin, username, &[role]).await;
        let person = app
            .created(
                "/api/v1/people",
                &self.admin,
                &json!({ "name": username, "user_id": user, "grid_id": self.grid_a["id"] }),
            )
            .await;
        app.pre_job(&self.admin, &person).await;
        app.created(
            &format!("/api/v1/grids/{}/assignments", id(&self.grid_a)),
            &self.admin,
            &json!({ "person_id": person["id"], "role": grid_role }),
        )
        .await;
        app.tokens(username, USER_PASSWORD).await.0
    }
}

/// Registers an integrator with `scopes` as `admin`; its key.
pub async fn integrator_key(app: &TestApp, admin: &str, name: &str, scopes: &[&str]) -> String {
    let res = app
        .post(
            "/api/v1/integrators",
            Some(admin),
            &json!({ "name": name, "scopes": scopes }),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    res.body["key"].as_str().expect("a key").to_owned()
}

/// The fields a validation problem names, in order.
pub fn error_fields(problem: &Value) -> Vec<&str> {
    problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("a field"))
        .collect()
}

/// `value["id"]` as a string.
pub fn id(value: &Value) -> &str {
    value["id"].as_str().expect("an id")
}

/// Downloads a CSV export as `token`: asserts 200, `text/csv` and the
/// UTF-8 BOM, and answers the rows as maps of header → cell.
pub async fn csv_rows(
    app: &TestApp,
    path: &str,
    token: &str,
) -> Vec<std::collections::BTreeMap<String, String>> {
    let (res, bytes) = app
        .bytes(Method::GET, path, Some(token), &[], Vec::new())
        .await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&bytes));
    assert!(
        res.header("content-type")
            .is_some_and(|t| t.starts_with("text/csv")),
        "{:?}",
        res.header("content-type")
    );
    let body = bytes
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .expect("a UTF-8 byte-order mark");
    let mut reader = csv::Reader::from_reader(body);
    let headers = reader.headers().expect("a header").clone();
    reader
        .records()
        .map(|r| {
            let r = r.expect("a CSV record");
            headers
                .iter()
                .map(str::to_owned)
                .zip(r.iter().map(str::to_owned))
                .collect()
        })
        .collect()
}

/// Takes a case step as `token` with `If-Match: "<version>"`; asserts 200
/// and returns the case after it.
pub async fn case_step(
    app: &TestApp,
    case: &str,
    token: &str,
    action: &str,
    version: i64,
    body: Value,
) -> Value {
    let etag = format!("\"{version}\"");
    let res = app
        .request(
            Method::POST,
            &format!("/api/v1/cases/{case}/{action}"),
            Some(token),
            Some(&body),
            &[("If-Match", etag.as_str())],
        )
        .await;
    assert_eq!(res.status, 200, "{action}: {}", res.text);
    res.body
}
