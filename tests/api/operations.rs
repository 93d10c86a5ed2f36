use gridwork_tests::{Backend, TestApp, on_both_backends};

on_both_backends!(probes_report_process_and_database, docs_and_spec_are_served);

async fn probes_report_process_and_database(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let health = app.get("/healthz", None).await;
    assert_eq!(
        (health.status, health.body["status"].as_str()),
        (200, Some("ok"))
    );
    let ready = app.get("/readyz", None).await;
    assert_eq!(ready.status, 200);
    let expected = match backend {
        Backend::Sqlite => "SQLite",
        Backend::Postgres => "PostgreSQL",
    };
    assert_eq!(ready.body["database"], expected);
    assert!(health.header("x-request-id").is_some());
}

async fn docs_and_spec_are_served(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let spec = app.get("/api-docs/openapi.json", None).await;
    assert_eq!(spec.status, 200);
    assert_eq!(spec.body["openapi"], "3.1.0");
    assert!(spec.body["paths"]["/api/v1/auth/login"]["post"].is_object());
    let docs = app.get("/docs/", None).await;
    assert_eq!(docs.status, 200);
    assert!(docs.text.contains("swagger"), "Swagger UI page");
    let redirect = app.get("/docs", None).await;
    assert_eq!(redirect.status, 308);
    assert_eq!(redirect.header("location"), Some("/docs/"));
    let codes = app.get("/api/v1/meta/codes", None).await;
    assert_eq!(codes.body["grid_kinds"][3]["code"], "sub_grid");
    assert_eq!(codes.body["grid_roles"][1]["label_zh"], "专职网格员");
    assert_eq!(codes.body["industry_sections"][2]["code"], "C");
    assert_eq!(codes.body["hazard_flags"].as_array().unwrap().len(), 7);
    let roles = app.get("/api/v1/meta/roles", None).await;
    assert_eq!(roles.body[2]["code"], "grid_leader");
    assert_eq!(roles.body[2]["label_zh"], "网格长");
}
