use actix_web::http::Method;
use gridwork_tests::{Backend, JWT_SECRET, TestApp, Zone, id, on_both_backends};
use serde_json::{Value, json};

on_both_backends!(
    an_admin_registers_an_integrator_whose_key_rotates_and_is_revoked,
    keys_and_account_tokens_each_work_only_where_they_belong,
    a_rider_is_enrolled_approved_and_reports_seeing_only_their_own_cases,
    the_grid_decides_only_within_its_scope_and_refusals_are_recorded,
    withdrawing_a_rider_ends_their_access_and_erases_their_number,
    revoked_keys_and_expired_rider_tokens_fail,
    enrolment_input_is_checked,
    integrator_keys_have_their_own_rate_limit,
);

const PNG: &[u8] = include_bytes!("../../domain/tests/fixtures/photo.png");
const INTEGRATORS: &str = "/api/v1/integrators";
const RIDERS: &str = "/api/v1/integrations/mobile-workers";

/// An integrator with every scope; (its record, its key).
async fn courier(app: &TestApp, admin: &str, name: &str) -> (Value, String) {
    let res = app
        .post(
            INTEGRATORS,
            Some(admin),
            &json!({ "name": name, "scopes": ["enrol_riders", "report_cases", "read_own_cases"] }),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let key = res.body["key"].as_str().unwrap().to_owned();
    (res.body, key)
}

fn rider(grid: &Value, rider_id: &str) -> Value {
    json!({
        "grid_id": grid["id"], "platform_rider_id": rider_id, "name": "王小骑",
        "mobile": "13700001111", "location_consent": true,
        "location_consent_at": chrono::Utc::now().to_rfc3339(),
    })
}

async fn enrol(app: &TestApp, key: &str, grid: &Value, rider_id: &str) -> Value {
    let res = app.post(RIDERS, Some(key), &rider(grid, rider_id)).await;
    assert_eq!(res.status, 201, "{}", res.text);
    res.body
}

async fn decide(app: &TestApp, token: &str, enrolment: &Value, action: &str, body: Value) -> Value {
    let res = app
        .post(
            &format!("/api/v1/enrolments/{}/{action}", id(enrolment)),
            Some(token),
            &body,
        )
        .await;
    assert_eq!(res.status, 200, "{action}: {}", res.text);
    res.body
}

async fn rider_token(app: &TestApp, key: &str, enrolment: &Value) -> String {
    let res = app
        .post(
            &format!("{RIDERS}/{}/token", id(enrolment)),
            Some(key),
            &json!({}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.body["token_type"], "Bearer");
    assert_eq!(res.body["expires_in"], 600);
    res.body["access_token"].as_str().unwrap().to_owned()
}

fn report(grid: &Value, text: &str) -> Value {
    json!({ "category": "safety_hazard.flooding", "severity": "general", "source": "grid_worker",
            "description": text, "grid_id": grid["id"] })
}

async fn an_admin_registers_an_integrator_whose_key_rotates_and_is_revoked(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let admin = app.admin_token().await;
    let (created, first) = courier(&app, &admin, " 美团配送 ").await;
    assert!(first.starts_with("gw_int_") && first.len() == 71, "{first}");
    assert_eq!(created["name"], "美团配送");
    assert_eq!(
        created["scopes"],
        json!(["enrol_riders", "report_cases", "read_own_cases"])
    );
    let url = format!("{INTEGRATORS}/{}", id(&created));
    let got = app.ok(&url, &admin).await;
    assert_eq!(got["keys"].as_array().unwrap().len(), 1);
    assert!(
        !got.to_string().contains(&first),
        "no secret after creation"
    );
    // the key works for the integrator
    assert_eq!(app.get(RIDERS, Some(&first)).await.status, 200);

    // same name: refused
    let again = app
        .post(
            INTEGRATORS,
            Some(&admin),
            &json!({ "name": "美团配送", "scopes": ["enrol_riders"] }),
        )
        .await;
    again.assert_problem(409, "name_taken");

    // a rotation with an overlap: old and new both work
    let res = app
        .post(
            &format!("{url}/keys"),
            Some(&admin),
            &json!({ "overlap_hours": 2 }),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let second = res.body["key"].as_str().unwrap().to_owned();
    assert_eq!(app.get(RIDERS, Some(&first)).await.status, 200);
    assert_eq!(app.get(RIDERS, Some(&second)).await.status, 200);
    let got = app.ok(&url, &admin).await;
    let keys = got["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 2);
    assert!(keys[0]["expires_at"].is_string() && keys[1]["expires_at"].is_null());

    // no overlap: the older keys stop at once
    let res = app
        .post(
            &format!("{url}/keys"),
            Some(&admin),
            &json!({ "overlap_hours": 0 }),
        )
        .await;
    let third = res.body["key"].as_str().unwrap().to_owned();
    app.get(RIDERS, Some(&second))
        .await
        .assert_problem(401, "token_expired");
    app.get(RIDERS, Some(&first))
        .await
        .assert_problem(401, "token_expired");
    assert_eq!(app.get(RIDERS, Some(&third)).await.status, 200);

    // revoked: invalid at once; revoking again is fine
    let key_id = res.body["id"].as_str().unwrap();
    let revoke = format!("{url}/keys/{key_id}");
    assert_eq!(app.delete(&revoke, Some(&admin)).await.status, 204);
    assert_eq!(app.delete(&revoke, Some(&admin)).await.status, 204);
    app.get(RIDERS, Some(&third))
        .await
        .assert_problem(401, "invalid_token");

    // disabled: every key stops; enabled again, the working ones come back
    let res = app
        .post(&format!("{url}/keys"), Some(&admin), &json!({}))
        .await;
    let fourth = res.body["key"].as_str().unwrap().to_owned();
    let version = app.ok(&url, &admin).await["version"].clone();
    let etag = format!("\"{version}\"");
    let off = app
        .request(
            Method::PATCH,
            &url,
            Some(&admin),
            Some(&json!({ "disabled": true, "scopes": ["enrol_riders"] })),
            &[("If-Match", etag.as_str())],
        )
        .await;
    assert_eq!(off.status, 200, "{}", off.text);
    assert_eq!(off.body["scopes"], json!(["enrol_riders"]));
    app.get(RIDERS, Some(&fourth))
        .await
        .assert_problem(401, "invalid_token");
    let on = app
        .patch(&url, Some(&admin), &json!({ "disabled": false }))
        .await;
    assert_eq!(on.status, 200, "{}", on.text);
    assert_eq!(app.get(RIDERS, Some(&fourth)).await.status, 200);

    // a stale If-Match
    let stale = app
        .request(
            Method::PATCH,
            &url,
            Some(&admin),
            Some(&json!({ "name": "x" })),
            &[("If-Match", etag.as_str())],
        )
        .await;
    assert_eq!(stale.status, 412, "{}", stale.text);

    // listed, and audited with the key ids but never the secrets
    let list = app.ok(INTEGRATORS, &admin).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    let audit = app
        .ok("/api/v1/audit-log?entity=integrator_key", &admin)
        .await;
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "integrator.key_create",
            "integrator.key_revoke",
            "integrator.key_create",
            "integrator.key_create"
        ]
    );
    assert!(!audit.to_string().contains("gw_int_"));
}

async fn keys_and_account_tokens_each_work_only_where_they_belong(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let (created, key) = courier(&app, &z.admin, "饿了么").await;
    // an integrator key is no account
    for path in [
        "/api/v1/me",
        "/api/v1/cases",
        "/api/v1/enrolments",
        INTEGRATORS,
    ] {
        app.get(path, Some(&key))
            .await
            .assert_problem(403, "wrong_credential");
    }
    // an account's token is no integrator key
    app.get(RIDERS, Some(&z.admin))
        .await
        .assert_problem(403, "wrong_credential");
    app.get(RIDERS, None)
        .await
        .assert_problem(401, "missing_token");
    let forged = format!("gw_int_{}", "A".repeat(64));
    app.get(RIDERS, Some(&forged))
        .await
        .assert_problem(401, "invalid_token");
    // only admins manage integrators
    let url = format!("{INTEGRATORS}/{}", id(&created));
    app.get(&url, Some(&z.worker_a))
        .await
        .assert_problem(403, "forbidden");
    app.get(INTEGRATORS, Some(&z.worker_a))
        .await
        .assert_problem(403, "forbidden");
    let made = app
        .post(
            INTEGRATORS,
            Some(&z.worker_a),
            &json!({ "name": "x", "scopes": ["enrol_riders"] }),
        )
        .await;
    made.assert_problem(403, "forbidden");
    // a scope not given
    let (_, enrol_only) = {
        let res = app
            .post(
                INTEGRATORS,
                Some(&z.admin),
                &json!({ "name": "闪送", "scopes": ["report_cases"] }),
            )
            .await;
        assert_eq!(res.status, 201, "{}", res.text);
        (
            res.body.clone(),
            res.body["key"].as_str().unwrap().to_owned(),
        )
    };
    app.post(RIDERS, Some(&enrol_only), &rider(&z.grid_a, "r1"))
        .await
        .assert_problem(403, "integrator_scope_missing");
    // another platform's enrolment does not exist for this one
    let enrolment = enrol(&app, &key, &z.grid_a, "r1").await;
    let (_, other) = courier(&app, &z.admin, "达达").await;
    app.get(&format!("{RIDERS}/{}", id(&enrolment)), Some(&other))
        .await
        .assert_problem(404, "not_found");
    assert_eq!(app.ok(RIDERS, &other).await["items"], json!([]));
    let gone = app
        .request(
            Method::DELETE,
            &format!("{RIDERS}/{}", id(&enrolment)),
            Some(&other),
            None,
            &[],
        )
        .await;
    gone.assert_problem(404, "not_found");
}

async fn a_rider_is_enrolled_approved_and_reports_seeing_only_their_own_cases(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let leader = z
        .staff(&app, "leader_a", "grid_leader", "grid_leader")
        .await;
    let (integrator, key) = courier(&app, &z.admin, "美团配送").await;
    let enrolment = enrol(&app, &key, &z.grid_a, "mt-00042").await;
    assert_eq!(enrolment["state"], "pending");
    assert_eq!(enrolment["mobile"], "13700001111");
    assert!(enrolment["user_id"].is_null());

    // not approved yet: no token
    app.post(
        &format!("{RIDERS}/{}/token", id(&enrolment)),
        Some(&key),
        &json!({}),
    )
    .await
    .assert_problem(409, "invalid_transition");

    // the grid leader sees it pending and approves it
    let pending = app.ok("/api/v1/enrolments?state=pending", &leader).await;
    assert_eq!(pending["items"].as_array().unwrap().len(), 1);
    let approved = decide(&app, &leader, &enrolment, "approve", json!({})).await;
    assert_eq!(approved["state"], "approved");
    for made in ["person_id", "user_id", "assignment_id"] {
        assert!(approved[made].is_string(), "{made}: {approved}");
    }
    // approving again: refused
    app.post(
        &format!("/api/v1/enrolments/{}/approve", id(&enrolment)),
        Some(&leader),
        &json!({}),
    )
    .await
    .assert_problem(409, "invalid_transition");

    // the rider is a mobile worker of grid A, with their mobile
    let people = app
        .ok(
            &format!("/api/v1/grids/{}/assignments", id(&z.grid_a)),
            &z.admin,
        )
        .await;
    let assigned = people["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == approved["assignment_id"])
        .expect("the rider's assignment");
    assert_eq!(assigned["role"], "mobile_worker");
    let person = app
        .ok(
            &format!("/api/v1/people/{}", approved["person_id"].as_str().unwrap()),
            &z.admin,
        )
        .await;
    assert_eq!(
        (person["name"].as_str(), person["mobile"].as_str()),
        (Some("王小骑"), Some("13700001111"))
    );

    // the platform exchanges its key for the rider's token and reports
    let token = rider_token(&app, &key, &enrolment).await;
    let mine = app
        .post(
            "/api/v1/cases",
            Some(&token),
            &report(&z.grid_b, "路口井盖缺失"),
        )
        .await;
    assert_eq!(
        mine.status, 201,
        "a rider reports anywhere in the zone: {}",
        mine.text
    );
    assert_eq!(mine.body["source"], "mobile_worker");
    assert_eq!(mine.body["grid_id"], z.grid_b["id"]);
    assert_eq!(mine.body["reporter_id"], approved["user_id"]);
    let photo = app.upload(&token, "image/png", PNG).await;
    assert_eq!(photo.status, 201, "{}", photo.text);

    // a worker's case in the rider's own grid stays out of sight
    let theirs = app
        .created(
            "/api/v1/cases",
            &z.worker_a,
            &report(&z.grid_a, "消防通道堵塞"),
        )
        .await;
    let list = app.ok("/api/v1/cases", &token).await;
    let ids: Vec<&str> = list["items"].as_array().unwrap().iter().map(id).collect();
    assert_eq!(ids, [id(&mine.body)]);
    assert_eq!(
        app.get(&format!("/api/v1/cases/{}", id(&mine.body)), Some(&token))
            .await
            .status,
        200
    );
    app.get(&format!("/api/v1/cases/{}", id(&theirs)), Some(&token))
        .await
        .assert_problem(404, "not_found");
    assert_eq!(
        app.get(
            &format!("/api/v1/cases/{}/timeline", id(&mine.body)),
            Some(&token)
        )
        .await
        .status,
        200
    );

    // nothing more
    for path in [
        "/api/v1/me",
        "/api/v1/me/tasks",
        "/api/v1/grids",
        "/api/v1/sync",
        "/api/v1/people",
    ] {
        app.get(path, Some(&token))
            .await
            .assert_problem(403, "rider_token_restricted");
    }
    let etag = format!("\"{}\"", mine.body["version"]);
    app.request(
        Method::POST,
        &format!("/api/v1/cases/{}/accept", id(&mine.body)),
        Some(&token),
        Some(&json!({})),
        &[("If-Match", etag.as_str())],
    )
    .await
    .assert_problem(403, "rider_token_restricted");

    // the audit log names the integrator, for its own acts and its rider's
    let audit = app
        .ok(
            &format!("/api/v1/audit-log?actor_integrator_id={}", id(&integrator)),
            &z.admin,
        )
        .await;
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "attachment.upload",
            "case.report",
            "enrolment.rider_token",
            "enrolment.create"
        ]
    );

    // without read_own_cases the rider reports but does not read
    let url = format!("{INTEGRATORS}/{}", id(&integrator));
    let res = app
        .patch(
            &url,
            Some(&z.admin),
            &json!({ "scopes": ["enrol_riders", "report_cases"] }),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    app.get("/api/v1/cases", Some(&token))
        .await
        .assert_problem(403, "rider_token_restricted");
    let again = app
        .post(
            "/api/v1/cases",
            Some(&token),
            &report(&z.grid_a, "又一处积水"),
        )
        .await;
    assert_eq!(again.status, 201, "{}", again.text);
    // without report_cases the token is dead
    app.patch(&url, Some(&z.admin), &json!({ "scopes": ["enrol_riders"] }))
        .await;
    app.post("/api/v1/cases", Some(&token), &report(&z.grid_a, "再一处"))
        .await
        .assert_problem(401, "invalid_token");
}

async fn the_grid_decides_only_within_its_scope_and_refusals_are_recorded(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let (_, key) = courier(&app, &z.admin, "美团配送").await;
    let enrolment = enrol(&app, &key, &z.grid_a, "mt-1").await;
    let url = format!("/api/v1/enrolments/{}", id(&enrolment));
    // a worker of another grid: it does not exist
    app.get(&url, Some(&z.worker_b))
        .await
        .assert_problem(404, "not_found");
    app.post(&format!("{url}/approve"), Some(&z.worker_b), &json!({}))
        .await
        .assert_problem(404, "not_found");
    app.post(
        &format!("{url}/refuse"),
        Some(&z.worker_b),
        &json!({ "reason": "x" }),
    )
    .await
    .assert_problem(404, "not_found");
    // a leader of another grid lists nothing of grid A
    let leader_b = {
        let user = app
            .create_user(&z.admin, "leader_b", &["grid_leader"])
            .await;
        let person = app
            .created(
                "/api/v1/people",
                &z.admin,
                &json!({ "name": "leader_b", "user_id": user, "grid_id": z.grid_b["id"] }),
            )
            .await;
        app.created(
            &format!("/api/v1/grids/{}/assignments", id(&z.grid_b)),
            &z.admin,
            &json!({ "person_id": person["id"], "role": "grid_leader" }),
        )
        .await;
        app.tokens("leader_b", gridwork_tests::USER_PASSWORD)
            .await
            .0
    };
    assert_eq!(
        app.ok("/api/v1/enrolments", &leader_b).await["items"],
        json!([])
    );
    app.get(&url, Some(&leader_b))
        .await
        .assert_problem(404, "not_found");
    // the grid's full-time worker may not decide
    app.post(&format!("{url}/approve"), Some(&z.worker_a), &json!({}))
        .await
        .assert_problem(403, "forbidden");

    // a zone officer refuses, with a reason the platform reads
    let officer = app
        .create_user(&z.admin, "officer", &["zone_officer"])
        .await;
    let _ = officer;
    let officer = app.tokens("officer", gridwork_tests::USER_PASSWORD).await.0;
    app.post(
        &format!("{url}/refuse"),
        Some(&officer),
        &json!({ "reason": "  " }),
    )
    .await
    .assert_problem(422, "validation_failed");
    let refused = decide(
        &app,
        &officer,
        &enrolment,
        "refuse",
        json!({ "reason": "不在本网格配送范围" }),
    )
    .await;
    assert_eq!(
        (refused["state"].as_str(), refused["reason"].as_str()),
        (Some("refused"), Some("不在本网格配送范围"))
    );
    let seen = app.ok(&format!("{RIDERS}/{}", id(&enrolment)), &key).await;
    assert_eq!(seen["state"], "refused");
    assert!(seen["decided_at"].is_string());
    // refused is final; the rider may be enrolled afresh
    app.request(
        Method::DELETE,
        &format!("{RIDERS}/{}", id(&enrolment)),
        Some(&key),
        None,
        &[],
    )
    .await
    .assert_problem(409, "invalid_transition");
    enrol(&app, &key, &z.grid_a, "mt-1").await;
    let audit = app
        .ok("/api/v1/audit-log?action=enrolment.refuse", &z.admin)
        .await;
    assert_eq!(audit["items"][0]["detail"]["reason"], "不在本网格配送范围");
}

async fn withdrawing_a_rider_ends_their_access_and_erases_their_number(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let (_, key) = courier(&app, &z.admin, "美团配送").await;
    let enrolment = enrol(&app, &key, &z.grid_a, "mt-7").await;
    let approved = decide(&app, &z.admin, &enrolment, "approve", json!({})).await;
    let token = rider_token(&app, &key, &enrolment).await;
    assert_eq!(
        app.post("/api/v1/cases", Some(&token), &report(&z.grid_a, "积水"))
            .await
            .status,
        201
    );

    let url = format!("{RIDERS}/{}", id(&enrolment));
    let withdrawn = app
        .request(Method::DELETE, &url, Some(&key), None, &[])
        .await;
    assert_eq!(withdrawn.status, 200, "{}", withdrawn.text);
    assert_eq!(withdrawn.body["state"], "withdrawn");
    assert!(withdrawn.body["mobile"].is_null());
    // again: the same answer
    let again = app
        .request(Method::DELETE, &url, Some(&key), None, &[])
        .await;
    assert_eq!(
        (again.status, again.body["state"].as_str()),
        (200, Some("withdrawn"))
    );

    app.get("/api/v1/cases", Some(&token))
        .await
        .assert_problem(401, "invalid_token");
    app.post(&format!("{url}/token"), Some(&key), &json!({}))
        .await
        .assert_problem(409, "invalid_transition");
    let assignment = app
        .ok(
            &format!(
                "/api/v1/grids/{}/assignments?include_ended=true",
                id(&z.grid_a)
            ),
            &z.admin,
        )
        .await;
    let ended = assignment["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == approved["assignment_id"])
        .unwrap();
    assert!(ended["ended_at"].is_string(), "{ended}");
    let person = app
        .ok(
            &format!("/api/v1/people/{}", approved["person_id"].as_str().unwrap()),
            &z.admin,
        )
        .await;
    assert!(person["mobile"].is_null(), "{person}");
    assert_eq!(person["name"], "王小骑");
}

async fn revoked_keys_and_expired_rider_tokens_fail(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let (integrator, key) = courier(&app, &z.admin, "美团配送").await;
    let enrolment = enrol(&app, &key, &z.grid_a, "mt-9").await;
    let approved = decide(&app, &z.admin, &enrolment, "approve", json!({})).await;
    let token = rider_token(&app, &key, &enrolment).await;
    assert_eq!(app.get("/api/v1/cases", Some(&token)).await.status, 200);

    // an expired rider token, signed by the server's key
    let claims = jsonwebtoken::decode::<Value>(
        &token,
        &jsonwebtoken::DecodingKey::from_secret(JWT_SECRET.as_bytes()),
        &{
            let mut v = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
            v.set_audience(&["gridwork-api"]);
            v
        },
    )
    .unwrap()
    .claims;
    assert_eq!(claims["sub"], approved["user_id"]);
    let mut old = claims.clone();
    let now = chrono::Utc::now().timestamp();
    old["iat"] = json!(now - 7200);
    old["nbf"] = json!(now - 7200);
    old["exp"] = json!(now - 3600);
    let expired = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &old,
        &jsonwebtoken::EncodingKey::from_secret(JWT_SECRET.as_bytes()),
    )
    .unwrap();
    app.get("/api/v1/cases", Some(&expired))
        .await
        .assert_problem(401, "token_expired");

    // the key revoked: the key and the rider's token stop at once
    let got = app
        .ok(&format!("{INTEGRATORS}/{}", id(&integrator)), &z.admin)
        .await;
    let key_id = got["keys"][0]["id"].as_str().unwrap();
    let revoke = format!("{INTEGRATORS}/{}/keys/{key_id}", id(&integrator));
    assert_eq!(app.delete(&revoke, Some(&z.admin)).await.status, 204);
    app.get("/api/v1/cases", Some(&token))
        .await
        .assert_problem(401, "invalid_token");
    app.post(
        &format!("{RIDERS}/{}/token", id(&enrolment)),
        Some(&key),
        &json!({}),
    )
    .await
    .assert_problem(401, "invalid_token");
}

async fn enrolment_input_is_checked(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let (_, key) = courier(&app, &z.admin, "美团配送").await;
    let with = |field: &str, value: Value| {
        let mut body = rider(&z.grid_a, "mt-1");
        body[field] = value;
        body
    };
    let cases = [
        (
            with("location_consent", json!(false)),
            "location_consent",
            "no_consent",
        ),
        (
            with(
                "location_consent_at",
                json!((chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339()),
            ),
            "location_consent",
            "no_consent",
        ),
        (
            with(
                "location_consent_at",
                json!((chrono::Utc::now() - chrono::Duration::days(400)).to_rfc3339()),
            ),
            "location_consent",
            "no_consent",
        ),
        (with("mobile", json!("12345")), "mobile", "invalid_mobile"),
        (
            with("platform_rider_id", json!("骑手 1")),
            "platform_rider_id",
            "invalid",
        ),
        (
            with("grid_id", json!("0193a1f4-7c9e-7d21-9a1b-3f4e5d6c7b8a")),
            "grid_id",
            "not_found",
        ),
    ];
    for (body, field, code) in cases {
        let res = app.post(RIDERS, Some(&key), &body).await;
        let problem = res.assert_problem(422, "validation_failed");
        assert_eq!(problem["errors"][0]["field"], field, "{}", res.text);
        assert_eq!(problem["errors"][0]["code"], code, "{}", res.text);
    }
    let mut missing = rider(&z.grid_a, "mt-1");
    missing
        .as_object_mut()
        .unwrap()
        .remove("location_consent_at");
    app.post(RIDERS, Some(&key), &missing)
        .await
        .assert_problem(422, "validation_failed");
    // one open enrolment per rider
    enrol(&app, &key, &z.grid_a, "mt-1").await;
    app.post(RIDERS, Some(&key), &rider(&z.grid_b, "mt-1"))
        .await
        .assert_problem(409, "rider_enrolled");
    // a retried enrolment under one Idempotency-Key answers the same
    let body = rider(&z.grid_a, "mt-2");
    let first = app
        .request(
            Method::POST,
            RIDERS,
            Some(&key),
            Some(&body),
            &[("Idempotency-Key", "enrol-mt-2")],
        )
        .await;
    let second = app
        .request(
            Method::POST,
            RIDERS,
            Some(&key),
            Some(&body),
            &[("Idempotency-Key", "enrol-mt-2")],
        )
        .await;
    assert_eq!((first.status, second.status), (201, 201), "{}", second.text);
    assert_eq!(first.body["id"], second.body["id"]);
}

async fn integrator_keys_have_their_own_rate_limit(backend: Backend) {
    let Some(app) = TestApp::spawn_with(
        backend,
        &[("GRIDWORK_RATE_LIMIT_INTEGRATOR_PER_MINUTE", "3")],
    )
    .await
    else {
        return;
    };
    let admin = app.admin_token().await;
    let (_, key) = courier(&app, &admin, "美团配送").await;
    let (_, other) = courier(&app, &admin, "饿了么").await;
    for _ in 0..3 {
        let res = app.get(RIDERS, Some(&key)).await;
        assert_eq!(res.status, 200);
        assert_eq!(
            res.header("ratelimit-policy"),
            Some("\"integrator\";q=3;w=60")
        );
    }
    app.get(RIDERS, Some(&key))
        .await
        .assert_problem(429, "rate_limited");
    assert_eq!(
        app.get(RIDERS, Some(&other)).await.status,
        200,
        "keys count apart"
    );
    assert_eq!(
        app.get("/api/v1/me", Some(&admin)).await.status,
        200,
        "accounts count apart"
    );
}
