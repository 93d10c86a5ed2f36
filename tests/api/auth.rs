use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use gridwork_tests::{
    ADMIN_PASSWORD, Backend, JWT_SECRET, TestApp, USER_PASSWORD, on_both_backends,
};
use jsonwebtoken::{EncodingKey, Header, encode};
use serde_json::{Value, json};

on_both_backends!(
    a_refresh_replayed_within_the_grace_window_answers_the_same_pair,
    a_refresh_replayed_after_the_grace_window_revokes_the_login,
    login_returns_tokens_that_open_me,
    unknown_user_and_wrong_password_answer_identically,
    five_failures_lock_the_account_with_retry_after,
    refresh_rotates_and_a_replay_revokes_the_whole_login,
    logout_revokes_the_login,
    disabling_a_user_rejects_all_their_tokens_at_once,
    a_password_reset_ends_existing_sessions,
    forged_and_stale_tokens_are_rejected,
    missing_roles_answer_403,
);

async fn login_returns_tokens_that_open_me(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let res = app.login("admin", ADMIN_PASSWORD).await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.body["token_type"], "Bearer");
    assert_eq!(res.body["expires_in"], 900);
    assert!(res.body["refresh_expires_in"].as_i64().unwrap() > 29 * 24 * 3600);
    let access = res.body["access_token"].as_str().unwrap();
    let me = app.get("/api/v1/me", Some(access)).await;
    assert_eq!(me.status, 200, "{}", me.text);
    assert_eq!(me.body["username"], "admin");
    assert_eq!(me.body["roles"], json!(["admin"]));
    assert!(me.body.get("password_hash").is_none());
    // usernames are case-insensitive
    assert_eq!(app.login("  ADMIN ", ADMIN_PASSWORD).await.status, 200);
}

async fn unknown_user_and_wrong_password_answer_identically(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let wrong = app.login("admin", "not-the-password").await;
    let unknown = app.login("nobody", "not-the-password").await;
    for res in [&wrong, &unknown] {
        res.assert_problem(401, "invalid_credentials");
    }
    assert_eq!(wrong.body["detail"], unknown.body["detail"]);
    assert_eq!(
        wrong.header("www-authenticate"),
        unknown.header("www-authenticate")
    );

    // both failures are audited, with the reason only auditors see
    let admin = app.admin_token().await;
    let log = app
        .get("/api/v1/audit-log?action=auth.login", Some(&admin))
        .await;
    let reasons: Vec<&str> = log.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["outcome"] == "failure")
        .map(|e| e["detail"]["reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons, ["unknown_user", "wrong_password"]);
    assert!(
        !log.text.contains("not-the-password"),
        "no password in the audit log"
    );
}

async fn five_failures_lock_the_account_with_retry_after(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    for _ in 0..5 {
        app.login("admin", "wrong-password-1")
            .await
            .assert_problem(401, "invalid_credentials");
    }
    // now even the right password is refused until the lock ends
    let locked = app.login("admin", ADMIN_PASSWORD).await;
    locked.assert_problem(429, "account_locked");
    let retry: u64 = locked.header("retry-after").unwrap().parse().unwrap();
    assert!((850..=900).contains(&retry), "Retry-After {retry}");
    // unknown usernames lock the same way, so a lock reveals nothing
    for _ in 0..5 {
        app.login("ghost", "wrong-password-1").await;
    }
    app.login("ghost", "wrong-password-1")
        .await
        .assert_problem(429, "account_locked");
}

async fn refresh_rotates_and_a_replay_revokes_the_whole_login(backend: Backend) {
    // no grace window: every replay is one
    let Some(app) = TestApp::spawn_with(backend, &[("GRIDWORK_REFRESH_GRACE_SECS", "0")]).await
    else {
        return;
    };
    let (_, first) = app.tokens("admin", ADMIN_PASSWORD).await;
    let rotated = app
        .post(
            "/api/v1/auth/refresh",
            None,
            &json!({ "refresh_token": first }),
        )
        .await;
    assert_eq!(rotated.status, 200, "{}", rotated.text);
    let second = rotated.body["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(second, first);
    let me = app
        .get("/api/v1/me", rotated.body["access_token"].as_str())
        .await;
    assert_eq!(me.status, 200);

    // replaying the first token: refused, and the second dies with it
    app.post(
        "/api/v1/auth/refresh",
        None,
        &json!({ "refresh_token": first }),
    )
    .await
    .assert_problem(401, "refresh_token_reused");
    app.post(
        "/api/v1/auth/refresh",
        None,
        &json!({ "refresh_token": second }),
    )
    .await
    .assert_problem(401, "invalid_refresh_token");
    // another login of the same user is unaffected
    let (_, other) = app.tokens("admin", ADMIN_PASSWORD).await;
    assert_eq!(
        app.post(
            "/api/v1/auth/refresh",
            None,
            &json!({ "refresh_token": other })
        )
        .await
        .status,
        200
    );
    app.post(
        "/api/v1/auth/refresh",
        None,
        &json!({ "refresh_token": "made-up" }),
    )
    .await
    .assert_problem(401, "invalid_refresh_token");
}

async fn logout_revokes_the_login(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (_, refresh) = app.tokens("admin", ADMIN_PASSWORD).await;
    let out = app
        .post(
            "/api/v1/auth/logout",
            None,
            &json!({ "refresh_token": refresh }),
        )
        .await;
    assert_eq!(out.status, 204);
    app.post(
        "/api/v1/auth/refresh",
        None,
        &json!({ "refresh_token": refresh }),
    )
    .await
    .assert_problem(401, "invalid_refresh_token");
    // logging out twice is harmless
    let again = app
        .post(
            "/api/v1/auth/logout",
            None,
            &json!({ "refresh_token": refresh }),
        )
        .await;
    assert_eq!(again.status, 204);
}

async fn disabling_a_user_rejects_all_their_tokens_at_once(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let admin = app.admin_token().await;
    let id = app.create_user(&admin, "zhangyc", &["grid_worker"]).await;
    let (access, refresh) = app.tokens("zhangyc", USER_PASSWORD).await;
    assert_eq!(app.get("/api/v1/me", Some(&access)).await.status, 200);

    let res = app
        .patch(
            &format!("/api/v1/users/{id}"),
            Some(&admin),
            &json!({ "disabled": true }),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.body["disabled"], true);

    app.get("/api/v1/me", Some(&access))
        .await
        .assert_problem(401, "invalid_token");
    app.post(
        "/api/v1/auth/refresh",
        None,
        &json!({ "refresh_token": refresh }),
    )
    .await
    .assert_problem(401, "invalid_refresh_token");
    app.login("zhangyc", USER_PASSWORD)
        .await
        .assert_problem(401, "invalid_credentials");

    // enabling again allows a new login
    app.patch(
        &format!("/api/v1/users/{id}"),
        Some(&admin),
        &json!({ "disabled": false }),
    )
    .await;
    assert_eq!(app.login("zhangyc", USER_PASSWORD).await.status, 200);
}

async fn a_password_reset_ends_existing_sessions(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let admin = app.admin_token().await;
    let id = app.create_user(&admin, "songgh", &["grid_worker"]).await;
    let (access, refresh) = app.tokens("songgh", USER_PASSWORD).await;
    let res = app
        .patch(
            &format!("/api/v1/users/{id}"),
            Some(&admin),
            &json!({ "password": "A-brand-new-secret-9" }),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    app.get("/api/v1/me", Some(&access))
        .await
        .assert_problem(401, "invalid_token");
    app.post(
        "/api/v1/auth/refresh",
        None,
        &json!({ "refresh_token": refresh }),
    )
    .await
    .assert_problem(401, "invalid_refresh_token");
    app.login("songgh", USER_PASSWORD)
        .await
        .assert_problem(401, "invalid_credentials");
    assert_eq!(
        app.login("songgh", "A-brand-new-secret-9").await.status,
        200
    );
}

fn claims(sub: &str, iat: i64, nbf: i64, exp: i64, aud: &str) -> Value {
    json!({ "sub": sub, "iat": iat, "nbf": nbf, "exp": exp, "aud": aud, "iss": "gridwork", "jti": "x", "tv": 0 })
}

fn sign(claims: &Value, secret: &str) -> String {
    encode(
        &Header::default(),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

async fn forged_and_stale_tokens_are_rejected(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let me = app.get("/api/v1/me", Some(&app.admin_token().await)).await;
    let id = me.body["id"].as_str().unwrap();
    let now = chrono::Utc::now().timestamp();

    // the harness's secret does sign valid tokens: the cases below fail for their flaw alone
    let good = sign(&claims(id, now, now, now + 600, "gridwork-api"), JWT_SECRET);
    assert_eq!(app.get("/api/v1/me", Some(&good)).await.status, 200);

    let header_none = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let body = URL_SAFE_NO_PAD.encode(claims(id, now, now, now + 600, "gridwork-api").to_string());
    let cases = [
        (
            "alg none",
            format!("{header_none}.{body}."),
            "invalid_token",
        ),
        (
            "wrong key",
            sign(
                &claims(id, now, now, now + 600, "gridwork-api"),
                "another-secret-of-at-least-32-bytes!",
            ),
            "invalid_token",
        ),
        (
            "expired",
            sign(
                &claims(id, now - 7200, now - 7200, now - 3600, "gridwork-api"),
                JWT_SECRET,
            ),
            "token_expired",
        ),
        (
            "future nbf",
            sign(
                &claims(id, now, now + 3600, now + 7200, "gridwork-api"),
                JWT_SECRET,
            ),
            "invalid_token",
        ),
        (
            "wrong aud",
            sign(&claims(id, now, now, now + 600, "someone-else"), JWT_SECRET),
            "invalid_token",
        ),
        (
            "unknown user",
            sign(
                &claims("no-such-user", now, now, now + 600, "gridwork-api"),
                JWT_SECRET,
            ),
            "invalid_token",
        ),
        ("garbage", "not-a-token".to_owned(), "invalid_token"),
    ];
    for (name, token, code) in cases {
        let res = app.get("/api/v1/me", Some(&token)).await;
        assert_eq!(res.status, 401, "{name}: {}", res.text);
        res.assert_problem(401, code);
        assert!(
            res.header("www-authenticate")
                .unwrap()
                .starts_with("Bearer"),
            "{name}"
        );
    }
    app.get("/api/v1/me", None)
        .await
        .assert_problem(401, "missing_token");
    let basic = app
        .request(
            actix_web::http::Method::GET,
            "/api/v1/me",
            None,
            None,
            &[("Authorization", "Basic YWRtaW46eA==")],
        )
        .await;
    basic.assert_problem(401, "invalid_token");
}

async fn missing_roles_answer_403(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let admin = app.admin_token().await;
    app.create_user(&admin, "worker", &["grid_worker"]).await;
    app.create_user(&admin, "auditor1", &["auditor"]).await;
    let (worker, _) = app.tokens("worker", USER_PASSWORD).await;
    let (auditor, _) = app.tokens("auditor1", USER_PASSWORD).await;

    app.get("/api/v1/users", Some(&worker))
        .await
        .assert_problem(403, "forbidden");
    app.get("/api/v1/audit-log", Some(&worker))
        .await
        .assert_problem(403, "forbidden");
    let create = app
        .post(
            "/api/v1/users",
            Some(&worker),
            &json!({ "username": "sneaky", "password": USER_PASSWORD, "roles": ["admin"] }),
        )
        .await;
    create.assert_problem(403, "forbidden");
    app.get("/api/v1/users", Some(&auditor))
        .await
        .assert_problem(403, "forbidden");
    assert_eq!(
        app.get("/api/v1/audit-log", Some(&auditor)).await.status,
        200
    );
    // nothing was created by the refused request
    let users = app.get("/api/v1/users", Some(&admin)).await;
    assert!(!users.text.contains("sneaky"));

    // a role granted later takes effect on the next request, with the same token
    let worker_id = app.get("/api/v1/me", Some(&worker)).await.body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.patch(
        &format!("/api/v1/users/{worker_id}"),
        Some(&admin),
        &json!({ "roles": ["grid_worker", "auditor"] }),
    )
    .await;
    assert_eq!(
        app.get("/api/v1/audit-log", Some(&worker)).await.status,
        200
    );
}

async fn refresh(app: &TestApp, token: &str) -> gridwork_tests::Resp {
    app.post(
        "/api/v1/auth/refresh",
        None,
        &json!({ "refresh_token": token }),
    )
    .await
}

async fn a_refresh_replayed_within_the_grace_window_answers_the_same_pair(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (_, first) = app.tokens("admin", ADMIN_PASSWORD).await;
    let rotated = refresh(&app, &first).await;
    assert_eq!(rotated.status, 200);
    // the answer was lost on the way; the app sends the same token again
    let again = refresh(&app, &first).await;
    assert_eq!(again.status, 200, "{}", again.text);
    assert_eq!(again.body["refresh_token"], rotated.body["refresh_token"]);
    assert_eq!(again.body["access_token"], rotated.body["access_token"]);
    let second = again.body["refresh_token"].as_str().unwrap().to_owned();
    assert_eq!(
        app.get("/api/v1/me", again.body["access_token"].as_str())
            .await
            .status,
        200
    );

    // once the successor is used, the old token is a replay again: the login ends
    let third = refresh(&app, &second).await;
    assert_eq!(third.status, 200);
    refresh(&app, &first)
        .await
        .assert_problem(401, "refresh_token_reused");
    let third = third.body["refresh_token"].as_str().unwrap();
    refresh(&app, third)
        .await
        .assert_problem(401, "invalid_refresh_token");
}

async fn a_refresh_replayed_after_the_grace_window_revokes_the_login(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, &[("GRIDWORK_REFRESH_GRACE_SECS", "1")]).await
    else {
        return;
    };
    let (_, first) = app.tokens("admin", ADMIN_PASSWORD).await;
    let rotated = refresh(&app, &first).await;
    let second = rotated.body["refresh_token"].as_str().unwrap().to_owned();
    actix_web::rt::time::sleep(std::time::Duration::from_millis(1500)).await;
    refresh(&app, &first)
        .await
        .assert_problem(401, "refresh_token_reused");
    refresh(&app, &second)
        .await
        .assert_problem(401, "invalid_refresh_token");
}
