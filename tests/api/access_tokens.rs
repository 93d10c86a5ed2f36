use actix_web::http::Method;
use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl};
use gridwork_persistence::schema::access_tokens;
use gridwork_tests::{Backend, TestApp, USER_PASSWORD, on_both_backends};
use serde_json::{Value, json};

on_both_backends!(
    a_token_is_created_used_narrowed_and_revoked,
    a_token_follows_its_owner_account,
    expired_and_forged_tokens_are_refused,
    another_account_cannot_see_or_touch_a_token,
    token_requests_are_checked,
    a_retried_creation_makes_one_token_and_shows_the_secret_once,
);

const TOKENS: &str = "/api/v1/me/tokens";

/// An account `ops` (admin and auditor) logged in; (admin token, ops login).
async fn ops(app: &TestApp) -> (String, String, String) {
    let admin = app.admin_token().await;
    let id = app.create_user(&admin, "ops", &["admin", "auditor"]).await;
    let login = app.tokens("ops", USER_PASSWORD).await.0;
    (admin, id, login)
}

async fn make(app: &TestApp, login: &str, body: Value) -> (String, String) {
    let res = app.post(TOKENS, Some(login), &body).await;
    assert_eq!(res.status, 201, "{}", res.text);
    (
        res.body["id"].as_str().unwrap().to_owned(),
        res.body["token"].as_str().unwrap().to_owned(),
    )
}

async fn a_token_is_created_used_narrowed_and_revoked(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (_, _, login) = ops(&app).await;

    // created: the secret once, a record without it
    let res = app
        .post(
            TOKENS,
            Some(&login),
            &json!({ "name": " nightly export ", "expires_in_days": 30 }),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let id = res.body["id"].as_str().unwrap().to_owned();
    let secret = res.body["token"].as_str().unwrap().to_owned();
    assert!(
        secret.starts_with("gw_pat_") && secret.len() == 71,
        "{secret}"
    );
    assert_eq!(
        res.header("location"),
        Some(format!("{TOKENS}/{id}").as_str())
    );
    assert_eq!(res.body["name"], "nightly export");
    assert_eq!(res.body["roles"], Value::Null);
    assert_eq!(res.body["last_used_at"], Value::Null);
    let created =
        chrono::DateTime::parse_from_rfc3339(res.body["created_at"].as_str().unwrap()).unwrap();
    let expires =
        chrono::DateTime::parse_from_rfc3339(res.body["expires_at"].as_str().unwrap()).unwrap();
    assert_eq!(expires - created, chrono::Duration::days(30));

    // used, as a script would, for reads and writes
    let me = app.get("/api/v1/me", Some(&secret)).await;
    assert_eq!(
        (me.status, me.body["username"].as_str()),
        (200, Some("ops")),
        "{}",
        me.text
    );
    assert_eq!(app.get("/api/v1/users", Some(&secret)).await.status, 200);
    let made = app
        .post(
            "/api/v1/users",
            Some(&secret),
            &json!({ "username": "scripted", "password": USER_PASSWORD, "roles": ["auditor"] }),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.text);

    // the audit log names the token
    let log = app
        .ok("/api/v1/audit-log?action=user.create&limit=1", &login)
        .await;
    let entry = &log["items"][0];
    assert_eq!(entry["target_id"], made.body["id"]);
    assert_eq!(entry["actor_username"], "ops");
    assert_eq!(entry["actor_token_id"], id.as_str());
    let log = app
        .ok("/api/v1/audit-log?action=access_token.create", &login)
        .await;
    assert_eq!(log["items"][0]["target_id"], id.as_str());
    assert!(
        !log.to_string().contains(&secret),
        "no secret in the audit log"
    );

    // listed without the secret, its use noted
    let list = app.get(TOKENS, Some(&login)).await;
    assert_eq!(list.status, 200);
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
    assert!(
        list.body["items"][0]["last_used_at"].is_string(),
        "{}",
        list.text
    );
    assert!(list.body["items"][0].get("token").is_none());
    assert!(!list.text.contains(&secret));
    assert_eq!(
        app.ok(&format!("{TOKENS}/{id}"), &login).await["id"],
        id.as_str()
    );

    // narrowed: an auditor's token of an admin cannot administer
    let (_, reader) = make(
        &app,
        &login,
        json!({ "name": "audit reader", "expires_in_days": 7, "roles": ["auditor"] }),
    )
    .await;
    assert_eq!(
        app.get("/api/v1/audit-log", Some(&reader)).await.status,
        200
    );
    app.get("/api/v1/users", Some(&reader))
        .await
        .assert_problem(403, "forbidden");

    // tokens are managed from a login, never with a token
    app.post(
        TOKENS,
        Some(&secret),
        &json!({ "name": "heir", "expires_in_days": 365 }),
    )
    .await
    .assert_problem(403, "forbidden");
    app.get(TOKENS, Some(&secret))
        .await
        .assert_problem(403, "forbidden");
    app.request(
        Method::DELETE,
        &format!("{TOKENS}/{id}"),
        Some(&secret),
        None,
        &[],
    )
    .await
    .assert_problem(403, "forbidden");

    // revoked: gone at once, and from the list
    let del = app
        .request(
            Method::DELETE,
            &format!("{TOKENS}/{id}"),
            Some(&login),
            None,
            &[],
        )
        .await;
    assert_eq!(del.status, 204, "{}", del.text);
    app.get("/api/v1/me", Some(&secret))
        .await
        .assert_problem(401, "invalid_token");
    let again = app
        .request(
            Method::DELETE,
            &format!("{TOKENS}/{id}"),
            Some(&login),
            None,
            &[],
        )
        .await;
    assert_eq!(
        again.status, 204,
        "a retried revocation succeeds: {}",
        again.text
    );
    app.get(&format!("{TOKENS}/{id}"), Some(&login))
        .await
        .assert_problem(404, "not_found");
    let list = app.ok(TOKENS, &login).await;
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        1,
        "only the reader is left"
    );
    let log = app
        .ok("/api/v1/audit-log?action=access_token.revoke", &login)
        .await;
    assert_eq!(log["items"][0]["target_id"], id.as_str());
    assert_eq!(log["items"].as_array().unwrap().len(), 1, "revoked once");
}

async fn a_token_follows_its_owner_account(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (admin, ops_id, login) = ops(&app).await;
    let (_, full) = make(
        &app,
        &login,
        json!({ "name": "all", "expires_in_days": 90 }),
    )
    .await;
    let (_, reader) = make(
        &app,
        &login,
        json!({ "name": "reader", "expires_in_days": 90, "roles": ["auditor"] }),
    )
    .await;
    let user = format!("/api/v1/users/{ops_id}");

    // a role taken from the owner is taken from the tokens on the next request
    let res = app
        .patch(&user, Some(&admin), &json!({ "roles": ["admin"] }))
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    app.get("/api/v1/me", Some(&reader))
        .await
        .assert_problem(401, "invalid_token");
    assert_eq!(app.get("/api/v1/users", Some(&full)).await.status, 200);
    let res = app
        .patch(&user, Some(&admin), &json!({ "roles": ["auditor"] }))
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    app.get("/api/v1/users", Some(&full))
        .await
        .assert_problem(403, "forbidden");
    assert_eq!(
        app.get("/api/v1/audit-log", Some(&reader)).await.status,
        200
    );

    // a disabled owner's tokens stop on the next request, and work again when enabled
    let res = app
        .patch(&user, Some(&admin), &json!({ "disabled": true }))
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    app.get("/api/v1/me", Some(&full))
        .await
        .assert_problem(401, "invalid_token");
    app.get("/api/v1/me", Some(&reader))
        .await
        .assert_problem(401, "invalid_token");
    let res = app
        .patch(&user, Some(&admin), &json!({ "disabled": false }))
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(app.get("/api/v1/me", Some(&full)).await.status, 200);
}

async fn expired_and_forged_tokens_are_refused(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (_, _, login) = ops(&app).await;
    let (id, secret) = make(
        &app,
        &login,
        json!({ "name": "short", "expires_in_days": 1 }),
    )
    .await;
    assert_eq!(app.get("/api/v1/me", Some(&secret)).await.status, 200);

    // a day later
    let past = chrono::Utc::now().naive_utc() - chrono::Duration::seconds(1);
    let mut conn = app.pool.get().unwrap();
    diesel::update(access_tokens::table.filter(access_tokens::id.eq(&id)))
        .set(access_tokens::expires_at.eq(past))
        .execute(&mut *conn)
        .unwrap();
    app.get("/api/v1/me", Some(&secret))
        .await
        .assert_problem(401, "token_expired");
    let listed = app.ok(TOKENS, &login).await;
    assert_eq!(
        listed["items"][0]["id"],
        id.as_str(),
        "expired tokens stay listed"
    );

    // one character changed, a well-formed stranger, and a bare prefix
    let mut altered = secret.clone().into_bytes();
    let at = altered.len() - 3;
    altered[at] = if altered[at] == b'x' { b'y' } else { b'x' };
    let altered = String::from_utf8(altered).unwrap();
    for forged in [
        altered.as_str(),
        "gw_pat_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "gw_pat_",
    ] {
        app.get("/api/v1/me", Some(forged))
            .await
            .assert_problem(401, "invalid_token");
    }
}

async fn another_account_cannot_see_or_touch_a_token(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (admin, _, login) = ops(&app).await;
    let (id, secret) = make(
        &app,
        &login,
        json!({ "name": "mine", "expires_in_days": 10 }),
    )
    .await;
    app.create_user(&admin, "other", &["grid_worker"]).await;
    let other = app.tokens("other", USER_PASSWORD).await.0;
    let path = format!("{TOKENS}/{id}");
    // not even the zone's administrator sees another account's tokens here
    for caller in [&other, &admin] {
        app.get(&path, Some(caller))
            .await
            .assert_problem(404, "not_found");
        app.request(Method::DELETE, &path, Some(caller), None, &[])
            .await
            .assert_problem(404, "not_found");
        let list = app.ok(TOKENS, caller).await;
        assert_eq!(list["items"], json!([]));
    }
    assert_eq!(
        app.get("/api/v1/me", Some(&secret)).await.status,
        200,
        "still works"
    );
}

async fn token_requests_are_checked(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (_, _, login) = ops(&app).await;
    let field =
        |res: &gridwork_tests::Resp| res.body["errors"][0]["field"].as_str().map(str::to_owned);
    for (body, name, code) in [
        (
            json!({ "name": "x", "expires_in_days": 0 }),
            "expires_in_days",
            "range",
        ),
        (
            json!({ "name": "x", "expires_in_days": 366 }),
            "expires_in_days",
            "range",
        ),
        (
            json!({ "name": "   ", "expires_in_days": 5 }),
            "name",
            "invalid",
        ),
        (
            json!({ "name": "x", "expires_in_days": 5, "roles": ["grid_leader"] }),
            "roles",
            "not_held",
        ),
        (
            json!({ "name": "x", "expires_in_days": 5, "roles": ["boss"] }),
            "roles",
            "unknown_role",
        ),
        (
            json!({ "name": "x", "expires_in_days": 5, "roles": [] }),
            "roles",
            "length",
        ),
    ] {
        let res = app.post(TOKENS, Some(&login), &body).await;
        res.assert_problem(422, "validation_failed");
        assert_eq!(field(&res).as_deref(), Some(name), "{body}: {}", res.text);
        assert_eq!(res.body["errors"][0]["code"], code, "{body}: {}", res.text);
    }
    app.post(TOKENS, Some(&login), &json!({ "name": "x" }))
        .await
        .assert_problem(422, "validation_failed");
    app.post(
        TOKENS,
        Some(&login),
        &json!({ "name": "x", "expires_in_days": 5, "scopes": [] }),
    )
    .await
    .assert_problem(422, "validation_failed");
    app.post(TOKENS, None, &json!({ "name": "x", "expires_in_days": 5 }))
        .await
        .assert_problem(401, "missing_token");

    // at most 50 working tokens
    for n in 0..50 {
        make(
            &app,
            &login,
            json!({ "name": format!("t{n}"), "expires_in_days": 5 }),
        )
        .await;
    }
    app.post(
        TOKENS,
        Some(&login),
        &json!({ "name": "one too many", "expires_in_days": 5 }),
    )
    .await
    .assert_problem(409, "too_many_tokens");
}

async fn a_retried_creation_makes_one_token_and_shows_the_secret_once(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (_, _, login) = ops(&app).await;
    let body = json!({ "name": "flaky network", "expires_in_days": 3 });
    let key = [("Idempotency-Key", "tok-1")];
    let first = app
        .request(Method::POST, TOKENS, Some(&login), Some(&body), &key)
        .await;
    assert_eq!(first.status, 201, "{}", first.text);
    let secret = first.body["token"].as_str().unwrap().to_owned();
    let again = app
        .request(Method::POST, TOKENS, Some(&login), Some(&body), &key)
        .await;
    assert_eq!(again.status, 201, "{}", again.text);
    assert_eq!(again.header("location"), first.header("location"));
    assert_eq!(again.body["id"], first.body["id"]);
    assert_eq!(
        again.body["token"],
        Value::Null,
        "the secret is never stored"
    );
    assert!(!again.text.contains(&secret));
    assert_eq!(
        app.ok(TOKENS, &login).await["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(app.get("/api/v1/me", Some(&secret)).await.status, 200);
}
