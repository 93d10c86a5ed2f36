//! Bad input of every class, in every place a request carries it, answers
//! 400 or 422 problem+json naming what is wrong — on PostgreSQL too, which
//! refuses to store NUL characters and would otherwise answer 500.

use actix_web::http::Method;
use gridwork_tests::{Backend, TestApp, Zone, id, on_both_backends};
use serde_json::json;

on_both_backends!(
    bad_input_never_reaches_the_database_as_a_500,
    problems_stay_within_the_lengths_the_spec_promises,
);

/// A client's own words echoed back (a parameter name, a path, a JSON key)
/// are clipped to the lengths the spec states for a problem's texts.
async fn problems_stay_within_the_lengths_the_spec_promises(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let admin = app.admin_token().await;
    let long = "q".repeat(3000);
    let chars = |v: &serde_json::Value| v.as_str().unwrap().chars().count();

    let res = app
        .get(&format!("/api/v1/grids?{long}=1"), Some(&admin))
        .await;
    let problem = res.assert_problem(400, "unknown_parameter");
    assert!(chars(&problem["detail"]) <= 2000, "{}", problem["detail"]);
    assert!(problem["detail"].as_str().unwrap().ends_with('…'));

    let res = app.get(&format!("/api/v1/{long}"), Some(&admin)).await;
    let problem = res.assert_problem(404, "not_found");
    assert_eq!(chars(&problem["instance"]), 2048);

    let body = serde_json::from_str(&format!(
        "{{\"username\":\"a\",\"password\":\"b\",\"{long}\":1}}"
    ))
    .unwrap();
    let res = app.post("/api/v1/auth/login", None, &body).await;
    assert!(res.status == 400 || res.status == 422, "{}", res.text);
    for error in res.body["errors"].as_array().into_iter().flatten() {
        assert!(
            chars(&error["field"]) <= 200 && chars(&error["message"]) <= 1000,
            "{error}"
        );
    }
    assert!(chars(&res.body["detail"]) <= 2000);
}

async fn bad_input_never_reaches_the_database_as_a_500(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let admin = Some(z.admin.as_str());

    // bodies: NUL in a field, a key, an array item; no token needed for login
    let name = app
        .post(
            "/api/v1/enterprises",
            admin,
            &json!({ "name": "耕\u{0}德" }),
        )
        .await;
    assert_eq!(
        name.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "name"
    );
    let flags = app
        .post(
            "/api/v1/enterprises",
            admin,
            &json!({ "name": "x", "flags": ["dust", "\u{0}"] }),
        )
        .await;
    assert_eq!(
        flags.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "flags[1]"
    );
    let login = app.login("ad\u{0}min", "whatever-password").await;
    assert_eq!(
        login.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "username"
    );
    // lone surrogates and numbers beyond f64 are not JSON a server can keep
    for raw in [
        &br#"{"name": "\ud800"}"#[..],
        br#"{"name": "x", "lat": 1e999}"#,
    ] {
        let res = app
            .request_raw(
                Method::POST,
                "/api/v1/enterprises",
                admin,
                "application/json",
                raw,
            )
            .await;
        res.assert_problem(400, "malformed_json");
    }

    // queries: NUL in a filter and a cursor, NaN and infinity
    let q = app.get("/api/v1/enterprises?q=%00", admin).await;
    assert_eq!(
        q.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "q"
    );
    let cursor = app.get("/api/v1/grids?cursor=a%00b.c", admin).await;
    assert_eq!(
        cursor.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "cursor"
    );
    // times: RFC 3339 within the spec's 40 characters, else named
    let long = format!("2026-12-02T08:00:00.{}Z", "0".repeat(20));
    app.get(&format!("/api/v1/audit-log?from={long}"), admin)
        .await
        .assert_problem(422, "validation_failed");
    let fine = "2026-12-02T08:00:00.123456789%2B08:00";
    assert_eq!(
        app.get(&format!("/api/v1/audit-log?from={fine}"), admin)
            .await
            .status,
        200
    );
    for point in ["lat=NaN&lng=114", "lat=33&lng=inf", "lat=-Infinity&lng=1"] {
        app.get(&format!("/api/v1/grids/locate?{point}"), admin)
            .await
            .assert_problem(422, "validation_failed");
    }

    // paths: NUL and over-long ids, malformed placard tokens
    for path in [
        "/api/v1/grids/a%00b".to_owned(),
        format!("/api/v1/people/{}", "x".repeat(65)),
        "/api/v1/enterprises/%00".to_owned(),
        "/api/v1/public/placards/%00".to_owned(),
        format!("/api/v1/public/placards/{}", "t".repeat(300)),
    ] {
        let res = app.get(&path, admin).await;
        let field = &res.assert_problem(422, "validation_failed")["errors"][0]["field"];
        assert!(field == "id" || field == "token", "{path}: {field}");
    }
    let patch = app
        .patch(
            &format!("/api/v1/grids/{}%00", id(&z.grid_a)),
            admin,
            &json!({ "name": "x" }),
        )
        .await;
    patch.assert_problem(422, "validation_failed");

    // headers: garbage in If-Match is a precondition that fails, not an error
    let res = app
        .request(
            Method::PATCH,
            &format!("/api/v1/grids/{}", id(&z.grid_a)),
            admin,
            Some(&json!({ "name": "x" })),
            &[("If-Match", "W/\"x\", \"ünïcode\"")],
        )
        .await;
    res.assert_problem(412, "precondition_failed");
    let long = "a".repeat(8 * 1024);
    let res = app
        .request(
            Method::GET,
            "/api/v1/me",
            admin,
            None,
            &[("X-Request-Id", long.as_str())],
        )
        .await;
    assert_eq!(res.status, 200, "an unusable request id is replaced");
    assert_ne!(res.header("x-request-id"), Some(long.as_str()));
}
