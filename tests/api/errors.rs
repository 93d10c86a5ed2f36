use actix_web::http::Method;
use gridwork_api::startup;
use gridwork_persistence::{DatabaseUrl, build_pool_unchecked};
use gridwork_tests::{Backend, JWT_SECRET, TestApp, on_both_backends, test_config};
use serde_json::json;

on_both_backends!(
    every_bad_input_class_gets_a_problem_document,
    a_client_request_id_is_echoed_in_header_and_problem,
    an_unreachable_database_answers_503,
    an_exhausted_pool_answers_503,
);

async fn every_bad_input_class_gets_a_problem_document(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let login = "/api/v1/auth/login";
    app.post_raw(login, "application/json", b"{\"username\": \"admin\", ")
        .await
        .assert_problem(400, "malformed_json");
    app.post_raw(login, "text/plain", b"username=admin")
        .await
        .assert_problem(415, "unsupported_media_type");
    let missing = app.post(login, None, &json!({ "username": "admin" })).await;
    assert_eq!(
        missing.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "password"
    );
    let wrong_type = app
        .post(login, None, &json!({ "username": 42, "password": "x" }))
        .await;
    wrong_type.assert_problem(422, "validation_failed");
    let empty = app
        .post(login, None, &json!({ "username": "", "password": "" }))
        .await;
    assert_eq!(
        empty.assert_problem(422, "validation_failed")["errors"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    let huge = json!({ "username": "admin", "password": "x".repeat(300 * 1024) });
    app.post(login, None, &huge)
        .await
        .assert_problem(413, "payload_too_large");

    app.get("/api/v1/no-such-thing", None)
        .await
        .assert_problem(404, "not_found");
    app.get("/elsewhere", None)
        .await
        .assert_problem(404, "not_found");
    let wrong_method = app.request(Method::DELETE, login, None, None, &[]).await;
    wrong_method.assert_problem(405, "method_not_allowed");
    assert_eq!(wrong_method.header("allow"), Some("OPTIONS, POST"));
    let put_user = app
        .request(Method::PUT, "/api/v1/users/abc", None, None, &[])
        .await;
    put_user.assert_problem(405, "method_not_allowed");
    assert_eq!(put_user.header("allow"), Some("GET, HEAD, OPTIONS, PATCH"));

    let admin = app.admin_token().await;
    let bad_limit = app.get("/api/v1/users?limit=0", Some(&admin)).await;
    assert_eq!(
        bad_limit.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "limit"
    );
    let not_number = app.get("/api/v1/users?limit=many", Some(&admin)).await;
    not_number.assert_problem(422, "validation_failed");
    // nothing leaks: no SQL, no Rust internals
    for res in [&bad_limit, &not_number, &wrong_method] {
        assert!(!res.text.to_lowercase().contains("diesel") && !res.text.contains("SELECT"));
    }
}

async fn a_client_request_id_is_echoed_in_header_and_problem(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let res = app
        .request(
            Method::GET,
            "/api/v1/me",
            None,
            None,
            &[("X-Request-Id", "courier-app.42")],
        )
        .await;
    assert_eq!(res.header("x-request-id"), Some("courier-app.42"));
    res.assert_problem(401, "missing_token");
    assert_eq!(res.body["instance"], "/api/v1/me");
    // an unusable id is replaced by a generated one
    let res = app
        .request(
            Method::GET,
            "/healthz",
            None,
            None,
            &[("X-Request-Id", "has spaces and \"quotes\"")],
        )
        .await;
    assert_eq!(res.header("x-request-id").unwrap().len(), 36);
}

async fn an_unreachable_database_answers_503(backend: Backend) {
    let url = match backend {
        Backend::Sqlite => "/nonexistent-gridwork-dir/never/gridwork.db",
        Backend::Postgres => "postgres://postgres@127.0.0.1:1/gridwork",
    };
    let config = test_config(url, &[("GRIDWORK_DB_TIMEOUT_SECS", "1")]);
    let pool = build_pool_unchecked(&DatabaseUrl::parse(url).unwrap(), &config.pool);
    let secrets = startup::Secrets {
        jwt: JWT_SECRET.to_owned(),
        pii: JWT_SECRET.to_owned(),
    };
    let state = startup::build_state(&config, pool.clone(), &secrets).unwrap();
    let app = TestApp::serve(backend, config, state, pool, None);

    assert_eq!(
        app.get("/healthz", None).await.status,
        200,
        "liveness needs no database"
    );
    let ready = app.get("/readyz", None).await;
    ready.assert_problem(503, "service_unavailable");
    assert!(ready.header("retry-after").is_some());
    let login = app.login("admin", "whatever-password").await;
    login.assert_problem(503, "service_unavailable");
    assert!(
        !login.text.contains("127.0.0.1:1") && !login.text.contains("nonexistent"),
        "{}",
        login.text
    );
}

async fn an_exhausted_pool_answers_503(backend: Backend) {
    let extra = [
        ("GRIDWORK_DB_POOL_SIZE", "1"),
        ("GRIDWORK_DB_TIMEOUT_SECS", "1"),
    ];
    let Some(app) = TestApp::spawn_with(backend, &extra).await else {
        return;
    };
    let admin = app.admin_token().await;
    let held = app.pool.get().unwrap();
    let res = app.get("/api/v1/me", Some(&admin)).await;
    res.assert_problem(503, "service_unavailable");
    drop(held);
    assert_eq!(
        app.get("/api/v1/me", Some(&admin)).await.status,
        200,
        "recovers when a connection frees up"
    );
}
