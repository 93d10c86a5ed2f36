//! Retry-safe POSTs: a retried request with one key creates one record and
//! answers the same; another body under the key is refused; a key in use
//! answers 409; keys expire and are swept.

use actix_web::http::Method;
use gridwork_persistence::idempotency;
use gridwork_tests::{Backend, TestApp, Zone, id, on_both_backends};
use serde_json::json;

on_both_backends!(
    a_retried_post_creates_once_and_replays_its_answer,
    a_key_in_use_or_reused_is_refused,
    keys_are_per_caller_and_expire,
    a_retry_is_the_same_request_if_match_and_all,
);

async fn post_with_key(
    app: &TestApp,
    path: &str,
    token: &str,
    key: &str,
    body: &serde_json::Value,
) -> gridwork_tests::Resp {
    app.request(
        Method::POST,
        path,
        Some(token),
        Some(body),
        &[("Idempotency-Key", key)],
    )
    .await
}

async fn a_retried_post_creates_once_and_replays_its_answer(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let body = json!({ "name": "周口新入驻科技有限公司", "grid_id": null });
    let mut answers = Vec::new();
    for _ in 0..5 {
        answers.push(
            post_with_key(
                &app,
                "/api/v1/enterprises",
                &z.admin,
                "courier-7f3a-0001",
                &body,
            )
            .await,
        );
    }
    let first = &answers[0];
    assert_eq!(first.status, 201, "{}", first.text);
    assert_eq!(first.header("idempotent-replayed"), None);
    for again in &answers[1..] {
        assert_eq!(again.status, 201);
        assert_eq!(again.text, first.text, "the same body, byte for byte");
        assert_eq!(again.header("location"), first.header("location"));
        assert_eq!(again.header("etag"), first.header("etag"));
        assert_eq!(again.header("idempotent-replayed"), Some("true"));
    }
    let list = app
        .ok(
            "/api/v1/enterprises?q=%E6%96%B0%E5%85%A5%E9%A9%BB",
            &z.admin,
        )
        .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1, "one record");
    let audit = app
        .ok(
            "/api/v1/audit-log?action=enterprise.create&limit=200",
            &z.admin,
        )
        .await;
    assert_eq!(
        audit["items"].as_array().unwrap().len(),
        3,
        "two from the fixture, one here"
    );

    // a refused write keeps no key: the corrected retry runs
    let bad = json!({ "name": "" });
    post_with_key(
        &app,
        "/api/v1/enterprises",
        &z.admin,
        "retry-after-fix",
        &bad,
    )
    .await
    .assert_problem(422, "validation_failed");
    let fixed = post_with_key(
        &app,
        "/api/v1/enterprises",
        &z.admin,
        "retry-after-fix",
        &json!({ "name": "改好了" }),
    )
    .await;
    assert_eq!(fixed.status, 201, "{}", fixed.text);

    // placard actions and assignments are retry-safe too
    let grid = id(&z.grid_a);
    let path = format!("/api/v1/grids/{grid}/placard/rotate-token");
    let once = post_with_key(&app, &path, &z.admin, "rotate-1", &json!({})).await;
    let twice = post_with_key(&app, &path, &z.admin, "rotate-1", &json!({})).await;
    assert_eq!(once.status, 200);
    assert_eq!(
        once.body["public_url"], twice.body["public_url"],
        "rotated once"
    );
    let rotations = app
        .ok("/api/v1/audit-log?action=placard.rotate_token", &z.admin)
        .await;
    assert_eq!(rotations["items"].as_array().unwrap().len(), 1);

    // a burst of the same request at once still creates one record
    let burst = json!({ "name": "并发企业" });
    let sends =
        (0..4).map(|_| post_with_key(&app, "/api/v1/enterprises", &z.admin, "burst-1", &burst));
    let answers = futures_util::future::join_all(sends).await;
    assert!(
        answers.iter().all(|a| a.status == 201 || a.status == 409),
        "{:?}",
        answers.iter().map(|a| a.status).collect::<Vec<_>>()
    );
    assert!(answers.iter().any(|a| a.status == 201));
    let list = app
        .ok(
            &format!("/api/v1/enterprises?q={}", "%E5%B9%B6%E5%8F%91"),
            &z.admin,
        )
        .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
}

async fn a_key_in_use_or_reused_is_refused(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let first = post_with_key(
        &app,
        "/api/v1/enterprises",
        &z.admin,
        "key-1",
        &json!({ "name": "甲" }),
    )
    .await;
    assert_eq!(first.status, 201);
    let other = post_with_key(
        &app,
        "/api/v1/enterprises",
        &z.admin,
        "key-1",
        &json!({ "name": "乙" }),
    )
    .await;
    let body = other.assert_problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "Idempotency-Key");
    assert_eq!(body["errors"][0]["code"], "reused");

    // a request still running holds its key: another with it gets 409
    let me = app.ok("/api/v1/me", &z.admin).await;
    {
        let mut conn = app.pool.get().unwrap();
        let now = gridwork_persistence::time::to_db(gridwork_persistence::time::now());
        idempotency::insert(
            &mut conn,
            &idempotency::KeyRow {
                caller_id: id(&me).to_owned(),
                operation: "POST /api/v1/enterprises".into(),
                idem_key: "running".into(),
                fingerprint: "of another request".into(),
                claim_token: "held".into(),
                claimed_at: now,
                completed_at: None,
                response_status: None,
                response_headers: None,
                response_body: None,
                expires_at: now + chrono::Duration::days(1),
            },
        )
        .unwrap();
    }
    for body in [json!({ "name": "丙" }), json!({ "name": "丁" })] {
        let busy = post_with_key(&app, "/api/v1/enterprises", &z.admin, "running", &body).await;
        busy.assert_problem(409, "idempotency_key_in_use");
    }
    for bad in ["", "has space", &"k".repeat(256)] {
        post_with_key(
            &app,
            "/api/v1/enterprises",
            &z.admin,
            bad,
            &json!({ "name": "戊" }),
        )
        .await
        .assert_problem(400, "invalid_idempotency_key");
    }
}

async fn keys_are_per_caller_and_expire(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, &[("GRIDWORK_IDEMPOTENCY_TTL_SECS", "1")]).await
    else {
        return;
    };
    let z = Zone::build(&app).await;
    app.create_user(&z.admin, "officer", &["zone_officer"])
        .await;
    let officer = app.tokens("officer", gridwork_tests::USER_PASSWORD).await.0;
    let body = json!({ "name": "共享键企业" });
    let a = post_with_key(&app, "/api/v1/enterprises", &z.admin, "shared-key", &body).await;
    let b = post_with_key(&app, "/api/v1/enterprises", &officer, "shared-key", &body).await;
    assert_eq!((a.status, b.status), (201, 201));
    assert_ne!(a.body["id"], b.body["id"], "each caller's key is their own");

    // after the retention the key is gone: the sweep removes it, a retry runs anew
    actix_web::rt::time::sleep(std::time::Duration::from_millis(2100)).await;
    let swept = gridwork_api::jobs::sweep(&app.pool, app.config.lockout, app.config.time_zone)
        .await
        .unwrap();
    assert_eq!(swept.idempotency_keys, 2);
    let again = post_with_key(&app, "/api/v1/enterprises", &z.admin, "shared-key", &body).await;
    assert_eq!(again.status, 201);
    assert_ne!(again.body["id"], a.body["id"]);
}

/// `If-Match` is part of the request a key stands for: a retry with
/// another version is another request (422), a malformed one is refused
/// (400) before anything is replayed.
async fn a_retry_is_the_same_request_if_match_and_all(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let case = app
        .created(
            "/api/v1/cases",
            &z.admin,
            &json!({ "category": "livelihood", "severity": "general", "source": "hotline",
                     "description": "宿舍区缺少公交站点", "grid_id": z.grid_a["id"] }),
        )
        .await;
    let path = format!("/api/v1/cases/{}/accept", id(&case));
    let accept = |if_match: String| {
        let (app, path, admin) = (&app, path.clone(), z.admin.clone());
        async move {
            app.request(
                Method::POST,
                &path,
                Some(&admin),
                Some(&json!({})),
                &[("Idempotency-Key", "accept-1"), ("If-Match", &if_match)],
            )
            .await
        }
    };
    let first = accept("\"1\"".into()).await;
    assert_eq!(first.status, 200, "{}", first.text);
    let again = accept("\"1\"".into()).await;
    assert_eq!(
        (again.status, again.header("idempotent-replayed")),
        (200, Some("true"))
    );
    let other = accept("\"2\"".into()).await;
    assert_eq!(
        other.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "Idempotency-Key"
    );
    accept("0".repeat(1100))
        .await
        .assert_problem(400, "bad_request");
}
