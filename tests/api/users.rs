use actix_web::http::Method;
use gridwork_tests::{
    Backend, INITIAL_PASSWORD, TestApp, USER_PASSWORD, Zone, error_fields, id, on_both_backends,
};
use serde_json::json;

on_both_backends!(
    an_admin_creates_reads_and_lists_users,
    bad_user_input_is_refused_field_by_field,
    duplicate_usernames_conflict,
    updates_check_if_match_and_bump_the_version,
    admins_cannot_lock_themselves_out,
    a_worker_changes_their_password,
    an_account_an_admin_set_up_must_choose_its_password_first,
    me_says_who_the_caller_is_in_the_zone,
);

async fn an_admin_creates_reads_and_lists_users(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let admin = app.admin_token().await;
    let res = app
        .post(
            "/api/v1/users",
            Some(&admin),
            &json!({ "username": "WangYX", "password": USER_PASSWORD, "display_name": " 王勇翔 ", "roles": ["grid_leader", "party_instructor"] }),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let id = res.body["id"].as_str().unwrap();
    assert_eq!(
        res.header("location"),
        Some(format!("/api/v1/users/{id}").as_str())
    );
    assert_eq!(res.header("etag"), Some("\"1\""));
    assert_eq!(res.body["username"], "wangyx");
    assert_eq!(res.body["display_name"], "王勇翔");
    assert_eq!(
        res.body["roles"],
        json!(["grid_leader", "party_instructor"])
    );
    assert!(!res.text.contains("argon2"), "no hash in responses");

    let got = app.get(&format!("/api/v1/users/{id}"), Some(&admin)).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.body, res.body);
    app.get(
        "/api/v1/users/0193a1f4-7c9e-7d21-9a1b-3f4e5d6c7b8a",
        Some(&admin),
    )
    .await
    .assert_problem(404, "not_found");
    // an id is a UUID: anything else is refused, naming it
    let malformed = app.get("/api/v1/users/does-not-exist", Some(&admin)).await;
    assert_eq!(
        malformed.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "id"
    );

    // the new user can log in
    assert_eq!(app.login("wangyx", USER_PASSWORD).await.status, 200);

    // keyset pages: admin + 4 users, 2 per page
    for name in ["u-one", "u-two", "u-three"] {
        app.create_user(&admin, name, &["mobile_worker"]).await;
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/users?limit=2&cursor={c}"),
            None => "/api/v1/users?limit=2".to_owned(),
        };
        let page = app.get(&path, Some(&admin)).await;
        assert_eq!(page.status, 200, "{}", page.text);
        let items = page.body["items"].as_array().unwrap();
        assert!(items.len() <= 2);
        seen.extend(
            items
                .iter()
                .map(|u| u["username"].as_str().unwrap().to_owned()),
        );
        match page.body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, ["admin", "wangyx", "u-one", "u-two", "u-three"]);
}

async fn bad_user_input_is_refused_field_by_field(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let admin = app.admin_token().await;
    let res = app
        .post(
            "/api/v1/users",
            Some(&admin),
            &json!({ "username": "no spaces", "password": "12345678", "roles": ["boss"] }),
        )
        .await;
    let body = res.assert_problem(422, "validation_failed");
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert!(
        fields.contains(&"username") && fields.contains(&"roles"),
        "{fields:?}"
    );

    let weak = app
        .post(
            "/api/v1/users",
            Some(&admin),
            &json!({ "username": "liming", "password": "password123", "roles": ["grid_worker"] }),
        )
        .await;
    let body = weak.assert_problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "password");
    assert_eq!(body["errors"][0]["code"], "weak_password");

    let short = app
        .post(
            "/api/v1/users",
            Some(&admin),
            &json!({ "username": "liming", "password": "Ab1-", "roles": ["grid_worker"] }),
        )
        .await;
    short.assert_problem(422, "validation_failed");

    let no_roles = app
        .post(
            "/api/v1/users",
            Some(&admin),
            &json!({ "username": "liming", "password": USER_PASSWORD, "roles": [] }),
        )
        .await;
    assert_eq!(
        no_roles.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "roles"
    );

    // nothing half-created
    let users = app.get("/api/v1/users", Some(&admin)).await;
    assert_eq!(users.body["items"].as_array().unwrap().len(), 1);
}

async fn duplicate_usernames_conflict(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let admin = app.admin_token().await;
    app.create_user(&admin, "nanbk", &["grid_worker"]).await;
    let again = app
        .post(
            "/api/v1/users",
            Some(&admin),
            &json!({ "username": "NanBK", "password": USER_PASSWORD, "roles": ["grid_worker"] }),
        )
        .await;
    again.assert_problem(409, "username_taken");
}

async fn updates_check_if_match_and_bump_the_version(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let admin = app.admin_token().await;
    // at version 2: its holder chose their password
    let id = app.create_user(&admin, "zhengh", &["zone_officer"]).await;
    let path = format!("/api/v1/users/{id}");
    let body = json!({ "display_name": "郑昊" });

    let stale = app
        .request(
            Method::PATCH,
            &path,
            Some(&admin),
            Some(&body),
            &[("If-Match", "\"7\"")],
        )
        .await;
    stale.assert_problem(412, "precondition_failed");
    assert_eq!(
        app.get(&path, Some(&admin)).await.body["display_name"],
        json!(null),
        "nothing changed"
    );

    let ok = app
        .request(
            Method::PATCH,
            &path,
            Some(&admin),
            Some(&body),
            &[("If-Match", "\"2\"")],
        )
        .await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    assert_eq!(ok.body["display_name"], "郑昊");
    assert_eq!(ok.body["version"], 3);
    assert_eq!(ok.header("etag"), Some("\"3\""));

    // the same stale ETag no longer matches
    let again = app
        .request(
            Method::PATCH,
            &path,
            Some(&admin),
            Some(&body),
            &[("If-Match", "\"2\"")],
        )
        .await;
    again.assert_problem(412, "precondition_failed");

    let unknown_field = app
        .patch(&path, Some(&admin), &json!({ "is_admin": true }))
        .await;
    unknown_field.assert_problem(422, "validation_failed");
    app.patch(
        "/api/v1/users/0193a1f4-7c9e-7d21-9a1b-3f4e5d6c7b8a",
        Some(&admin),
        &body,
    )
    .await
    .assert_problem(404, "not_found");

    // the change is audited without secrets
    let log = app
        .get(&format!("/api/v1/audit-log?target_id={id}"), Some(&admin))
        .await;
    let actions: Vec<&str> = log.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["user.update", "user.password_change", "user.create"]
    );
    assert!(!log.text.contains(USER_PASSWORD));
}

async fn admins_cannot_lock_themselves_out(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let admin = app.admin_token().await;
    let me = app.get("/api/v1/me", Some(&admin)).await;
    let path = format!("/api/v1/users/{}", me.body["id"].as_str().unwrap());
    app.patch(&path, Some(&admin), &json!({ "disabled": true }))
        .await
        .assert_problem(409, "self_lockout");
    app.patch(&path, Some(&admin), &json!({ "roles": ["auditor"] }))
        .await
        .assert_problem(409, "self_lockout");
    assert_eq!(
        app.get("/api/v1/users", Some(&admin)).await.status,
        200,
        "still an admin"
    );
}

async fn a_worker_changes_their_password(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let (phone, refresh) = app.tokens("worker_a", USER_PASSWORD).await;
    let change =
        |current: &str, new: &str| json!({ "current_password": current, "new_password": new });
    const NEW: &str = "Lanterns-over-the-canal-9";

    // a wrong current password is a field error, and counts as a failed login
    let wrong = app
        .post(
            "/api/v1/me/password",
            Some(&z.worker_a),
            &change("guess-1", NEW),
        )
        .await;
    wrong.assert_problem(422, "validation_failed");
    assert_eq!(wrong.body["errors"][0]["code"], "wrong_password");
    let weak = app
        .post(
            "/api/v1/me/password",
            Some(&z.worker_a),
            &change(USER_PASSWORD, "worker_a-1234"),
        )
        .await;
    weak.assert_problem(422, "validation_failed");
    assert_eq!(error_fields(&weak.body), ["new_password"]);
    let same = app
        .post(
            "/api/v1/me/password",
            Some(&z.worker_a),
            &change(USER_PASSWORD, USER_PASSWORD),
        )
        .await;
    assert_eq!(same.body["errors"][0]["code"], "reused", "{}", same.text);
    assert_eq!(
        app.login("worker_a", USER_PASSWORD).await.status,
        200,
        "unchanged"
    );

    let body = change(USER_PASSWORD, NEW);
    let send = || {
        app.request(
            Method::POST,
            "/api/v1/me/password",
            Some(&z.worker_a),
            Some(&body),
            &[("Idempotency-Key", "pw-change-1")],
        )
    };
    let done = send().await;
    assert_eq!(done.status, 200, "{}", done.text);
    let fresh = done.body["access_token"].as_str().unwrap();
    // a retry whose answer was lost: the change again, its secrets never kept
    let again = send().await;
    assert_eq!(again.status, 200, "{}", again.text);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.body["access_token"], json!(null));
    assert_eq!(again.body["refresh_token"], json!(null));
    // the old password fails; the new one logs in
    app.login("worker_a", USER_PASSWORD)
        .await
        .assert_problem(401, "invalid_credentials");
    assert_eq!(app.login("worker_a", NEW).await.status, 200);
    // the other logins ended: their access tokens at once, their refresh tokens too
    for token in [&z.worker_a, &phone] {
        app.get("/api/v1/me", Some(token))
            .await
            .assert_problem(401, "invalid_token");
    }
    let refreshed = app
        .post(
            "/api/v1/auth/refresh",
            None,
            &json!({ "refresh_token": refresh }),
        )
        .await;
    assert_eq!(refreshed.status, 401);
    // this device goes on with the login it was given
    assert_eq!(app.get("/api/v1/me", Some(fresh)).await.status, 200);
    let log = app
        .get(
            "/api/v1/audit-log?action=user.password_change",
            Some(&z.admin),
        )
        .await;
    let outcomes: Vec<&str> = log.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["outcome"].as_str().unwrap())
        .collect();
    assert!(
        outcomes.contains(&"success") && outcomes.contains(&"failure"),
        "{outcomes:?}"
    );
    assert!(!log.text.contains(NEW) && !log.text.contains(USER_PASSWORD));
}

async fn an_account_an_admin_set_up_must_choose_its_password_first(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let created = app
        .post(
            "/api/v1/users",
            Some(&z.admin),
            &json!({ "username": "newhire", "password": INITIAL_PASSWORD, "roles": ["grid_worker"] }),
        )
        .await;
    assert_eq!(created.body["password_change_required"], true);
    let user = id(&created.body).to_owned();
    let (token, _) = app.tokens("newhire", INITIAL_PASSWORD).await;
    let me = app.get("/api/v1/me", Some(&token)).await;
    assert_eq!(me.status, 200);
    assert_eq!(me.body["password_change_required"], true);
    // nothing else answers until the password is the holder's own
    for path in [
        "/api/v1/grids",
        "/api/v1/me/tasks",
        "/api/v1/cases",
        "/api/v1/me/tokens",
    ] {
        app.get(path, Some(&token))
            .await
            .assert_problem(403, "password_change_required");
    }
    app.post(
        "/api/v1/me/tokens",
        Some(&token),
        &json!({ "name": "scripts", "expires_in_days": 30 }),
    )
    .await
    .assert_problem(403, "password_change_required");
    let token = app.choose_password("newhire", INITIAL_PASSWORD).await;
    assert_eq!(app.get("/api/v1/grids", Some(&token)).await.status, 200);
    assert_eq!(
        app.get("/api/v1/me", Some(&token)).await.body["password_change_required"],
        false
    );

    // an admin's reset: the same again
    let path = format!("/api/v1/users/{user}");
    let etag = app
        .get(&path, Some(&z.admin))
        .await
        .header("etag")
        .unwrap()
        .to_owned();
    let reset = app
        .request(
            Method::PATCH,
            &path,
            Some(&z.admin),
            Some(&json!({ "password": "Reset-at-the-desk-44" })),
            &[("If-Match", etag.as_str())],
        )
        .await;
    assert_eq!(reset.status, 200, "{}", reset.text);
    assert_eq!(reset.body["password_change_required"], true);
    let (token, _) = app.tokens("newhire", "Reset-at-the-desk-44").await;
    app.get("/api/v1/grids", Some(&token))
        .await
        .assert_problem(403, "password_change_required");

    // an admin who sets their own password chose it
    let me = app.get("/api/v1/me", Some(&z.admin)).await;
    let own = format!("/api/v1/users/{}", id(&me.body));
    let mine = app
        .request(
            Method::PATCH,
            &own,
            Some(&z.admin),
            Some(&json!({ "password": "Keeper-of-the-keys-88" })),
            &[("If-Match", me.header("etag").unwrap())],
        )
        .await;
    assert_eq!(
        mine.body["password_change_required"], false,
        "{}",
        mine.text
    );
}

async fn me_says_who_the_caller_is_in_the_zone(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let me = app.get("/api/v1/me", Some(&z.worker_a)).await;
    assert_eq!(me.status, 200, "{}", me.text);
    assert_eq!(me.body["username"], "worker_a");
    assert_eq!(me.body["person"]["id"], z.person_a["id"]);
    let assignments = me.body["assignments"].as_array().unwrap();
    assert_eq!(assignments.len(), 1, "{assignments:?}");
    assert_eq!(assignments[0]["grid_id"], z.grid_a["id"]);
    assert_eq!(assignments[0]["grid_code"], z.grid_a["code"]);
    assert_eq!(assignments[0]["grid_name"], "耕德网格");
    assert_eq!(assignments[0]["role"], "full_time_worker");
    assert_eq!(assignments[0]["id"], z.assignment_a["id"]);
    // an ended assignment is gone from it
    z.end_assignment_a(&app).await;
    let me = app.get("/api/v1/me", Some(&z.worker_a)).await;
    assert_eq!(me.body["assignments"], json!([]));
    // an account without a person
    let admin = app.get("/api/v1/me", Some(&z.admin)).await;
    assert_eq!(admin.body["person"], json!(null));
    assert_eq!(admin.body["assignments"], json!([]));
}

#[test]
fn the_cli_creates_users_and_serve_still_bootstraps_an_admin() {
    use gridwork_api::cli::create_user;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.db");
    let config = gridwork_tests::test_config(db.to_str().unwrap(), &[]);
    let create = |name: &str, role: &str, password: &str| {
        let stdin = format!("{password}\n");
        create_user(
            &config,
            name,
            &[role.to_owned()],
            None,
            &mut stdin.as_bytes(),
        )
        .map_err(|e| e.to_string())
    };
    let row = create("ZhangYC", "grid_worker", USER_PASSWORD).unwrap();
    assert_eq!(
        (row.username.as_str(), row.roles.as_str()),
        ("zhangyc", "grid_worker")
    );
    assert!(
        create("zhangyc", "grid_worker", USER_PASSWORD)
            .unwrap_err()
            .contains("exists already")
    );
    assert!(
        create("lisi", "grid_worker", "12345678")
            .unwrap_err()
            .contains("too common")
    );
    assert!(
        create("lisi", "boss", USER_PASSWORD)
            .unwrap_err()
            .contains("unknown role")
    );

    // no admin among those accounts: the server's start still creates one
    let pool = gridwork_api::startup::connect_and_migrate(&config).unwrap();
    let passwords = gridwork_api::auth::password::Passwords::new(1).unwrap();
    gridwork_api::startup::bootstrap_admin(&config, &pool, &passwords).unwrap();
    let mut conn = pool.get().unwrap();
    let admin = gridwork_persistence::user::find_by_username(&mut conn, "admin").unwrap();
    assert_eq!(admin.map(|a| a.roles), Some("admin".to_owned()));
}
