use gridwork_tests::{ADMIN_PASSWORD, Backend, TestApp, on_both_backends};
use serde_json::json;

on_both_backends!(logins_and_user_changes_are_audited_with_origin);

async fn logins_and_user_changes_are_audited_with_origin(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let admin = app.admin_token().await;
    let created = app
        .request(
            actix_web::http::Method::POST,
            "/api/v1/users",
            Some(&admin),
            Some(&json!({ "username": "wangyx", "password": "Another-strong-one-5", "roles": ["grid_leader"] })),
            &[("X-Request-Id", "audit-test-1")],
        )
        .await;
    assert_eq!(created.status, 201);
    let log = app.get("/api/v1/audit-log", Some(&admin)).await;
    assert_eq!(log.status, 200, "{}", log.text);
    let items = log.body["items"].as_array().unwrap();
    let actions: Vec<&str> = items
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["user.create", "auth.login", "system.bootstrap_admin"]
    );
    let create = &items[0];
    assert_eq!(create["request_id"], "audit-test-1");
    assert_eq!(create["client_ip"], "127.0.0.1");
    assert_eq!(create["actor_username"], "admin");
    assert_eq!(create["target_type"], "user");
    assert_eq!(create["target_id"], created.body["id"]);
    assert_eq!(create["outcome"], "success");
    assert!(chrono::DateTime::parse_from_rfc3339(create["occurred_at"].as_str().unwrap()).is_ok());
    assert!(!log.text.contains(ADMIN_PASSWORD) && !log.text.contains("Another-strong-one-5"));

    // filters and paging
    let logins = app
        .get("/api/v1/audit-log?action=auth.login&limit=1", Some(&admin))
        .await;
    assert_eq!(logins.body["items"].as_array().unwrap().len(), 1);
    assert!(logins.body["next_cursor"].is_null());
    let page = app.get("/api/v1/audit-log?limit=2", Some(&admin)).await;
    let cursor = page.body["next_cursor"].as_str().unwrap();
    let rest = app
        .get(
            &format!("/api/v1/audit-log?limit=2&cursor={cursor}"),
            Some(&admin),
        )
        .await;
    assert_eq!(rest.body["items"][0]["action"], "system.bootstrap_admin");
    app.get("/api/v1/audit-log?action=user.explode", Some(&admin))
        .await
        .assert_problem(422, "validation_failed");
}
