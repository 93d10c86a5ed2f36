//! Dispute mediation: the parties, terms and session notes only for the
//! mediator, grid leaders and zone officers; an escalated dispute opens a
//! case of its category; offline resends; scope.

use gridwork_tests::{Backend, TestApp, USER_PASSWORD, Zone, error_fields, id, on_both_backends};
use serde_json::{Value, json};

on_both_backends!(disputes_are_redacted_for_all_but_the_mediator_leaders_and_the_office);

/// An account of grid A in a role, logged in.
async fn staff(app: &TestApp, z: &Zone, username: &str, role: &str, grid_role: &str) -> String {
    let user = app.create_user(&z.admin, username, &[role]).await;
    let person = app
        .created(
            "/api/v1/people",
            &z.admin,
            &json!({ "name": username, "user_id": user, "grid_id": z.grid_a["id"] }),
        )
        .await;
    app.created(
        &format!("/api/v1/grids/{}/assignments", id(&z.grid_a)),
        &z.admin,
        &json!({ "person_id": person["id"], "role": grid_role }),
    )
    .await;
    app.tokens(username, USER_PASSWORD).await.0
}

fn wage_arrears() -> Value {
    json!({
        "id": uuid::Uuid::now_v7().to_string(),
        "category": "dispute.wage_arrears",
        "summary": "12名工人反映被拖欠两个月工资",
        "parties": [
            { "name": "李某等12名工人", "side": "employee", "contact": "13800001234" },
            { "name": "某劳务公司", "side": "employer" }
        ],
        "amount_yuan": 86400.0,
        "employees_involved": 12,
        "opened_on": "2026-11-20",
        "follow_up_on": "2026-12-20"
    })
}

async fn disputes_are_redacted_for_all_but_the_mediator_leaders_and_the_office(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let leader = staff(&app, &z, "leader_a", "grid_leader", "grid_leader").await;
    let part_timer = staff(&app, &z, "pt_a", "part_time_worker", "part_time_worker").await;
    let mut body = wage_arrears();
    body["enterprise_id"] = z.firm_a["id"].clone();
    // the full-time worker opens it and mediates
    let opened = app.post("/api/v1/disputes", Some(&z.worker_a), &body).await;
    assert_eq!(opened.status, 201, "{}", opened.text);
    assert_eq!(opened.body["redacted"], false);
    assert_eq!(opened.body["mediator_id"], z.person_a["user_id"]);
    assert_eq!(opened.body["grid_id"], z.grid_a["id"]);
    let again = app.post("/api/v1/disputes", Some(&z.worker_a), &body).await;
    assert_eq!(again.status, 200, "an offline resend answers the first");
    let mut other = body.clone();
    other["summary"] = json!("另一件事");
    app.post("/api/v1/disputes", Some(&z.worker_a), &other)
        .await
        .assert_problem(409, "dispute_exists");
    let path = format!("/api/v1/disputes/{}", id(&opened.body));
    let session = app
        .post(
            &format!("{path}/sessions"),
            Some(&z.worker_a),
            &json!({ "held_on": "2026-11-22", "notes": "劳务公司承认欠薪，承诺分两期支付", "attendees": ["李某", "王经理"] }),
        )
        .await;
    assert_eq!(session.status, 201, "{}", session.text);

    // another worker of the grid sees the record, not the people or the notes
    let seen = app.ok(&path, &part_timer).await;
    assert_eq!(seen["redacted"], true);
    assert_eq!(seen["parties"], Value::Null);
    assert_eq!(seen["sessions"][0]["notes"], Value::Null);
    assert_eq!(seen["sessions"][0]["attendees"], Value::Null);
    assert_eq!(seen["summary"], "12名工人反映被拖欠两个月工资");
    let listed = app.ok("/api/v1/disputes", &part_timer).await;
    assert_eq!(listed["items"][0]["parties"], Value::Null);
    // and may not mediate it
    app.post(
        &format!("{path}/sessions"),
        Some(&part_timer),
        &json!({ "held_on": "2026-11-23", "notes": "x" }),
    )
    .await
    .assert_problem(403, "forbidden");
    // the grid leader and the mediator read it all
    let full = app.ok(&path, &leader).await;
    assert_eq!(full["redacted"], false);
    assert_eq!(full["parties"][0]["name"], "李某等12名工人");
    assert_eq!(full["sessions"][0]["attendees"], json!(["李某", "王经理"]));
    // another grid's worker does not see it at all
    app.get(&path, Some(&z.worker_b))
        .await
        .assert_problem(404, "not_found");
    assert!(
        app.ok("/api/v1/disputes", &z.worker_b).await["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    // settled by agreement, with its terms (restricted too)
    let close = |terms: Value| json!({ "outcome": "agreement", "terms": terms, "follow_up_on": "2027-01-10" });
    let refused = app
        .request(
            actix_web::http::Method::POST,
            &format!("{path}/close"),
            Some(&z.worker_a),
            Some(&json!({ "outcome": "agreement" })),
            &[("If-Match", "\"1\"")],
        )
        .await;
    assert_eq!(
        error_fields(refused.assert_problem(422, "validation_failed")),
        ["terms"]
    );
    let closed = app
        .request(
            actix_web::http::Method::POST,
            &format!("{path}/close"),
            Some(&z.worker_a),
            Some(&close(json!("12月15日前付清"))),
            &[("If-Match", "\"1\"")],
        )
        .await;
    assert_eq!(closed.status, 200, "{}", closed.text);
    assert_eq!(
        (
            closed.body["state"].as_str(),
            closed.body["outcome"].as_str()
        ),
        (Some("closed"), Some("agreement"))
    );
    assert_eq!(
        app.ok(&path, &part_timer).await["outcome_terms"],
        Value::Null
    );
    assert_eq!(
        app.ok(&path, &leader).await["outcome_terms"],
        "12月15日前付清"
    );

    // one that fails at mediation is escalated: a case of its category
    let second = app.created("/api/v1/disputes", &leader, &json!({ "category": "dispute.work_injury", "grid_id": z.grid_a["id"],
        "summary": "工伤赔偿协商未果", "parties": [{ "name": "赵某", "side": "employee" }], "employees_involved": 1 })).await;
    let escalated = app
        .request(
            actix_web::http::Method::POST,
            &format!("/api/v1/disputes/{}/close", id(&second)),
            Some(&leader),
            Some(&json!({ "outcome": "escalated", "terms": "双方分歧较大" })),
            &[("If-Match", "\"1\"")],
        )
        .await;
    assert_eq!(escalated.status, 200, "{}", escalated.text);
    let case = app
        .ok(
            &format!(
                "/api/v1/cases/{}",
                escalated.body["case_id"].as_str().unwrap()
            ),
            &leader,
        )
        .await;
    assert_eq!(
        (case["category"].as_str(), case["grid_id"].as_str()),
        (Some("dispute.work_injury"), z.grid_a["id"].as_str())
    );
    let log = app
        .ok("/api/v1/audit-log?action=dispute.close", &z.admin)
        .await;
    assert_eq!(log["items"].as_array().unwrap().len(), 2);
    // a category outside dispute.* is refused, as a filter too
    let filtered = app
        .ok("/api/v1/disputes?category=dispute.work_injury", &leader)
        .await;
    assert_eq!(filtered["items"].as_array().unwrap().len(), 1);
    app.get(
        "/api/v1/disputes?category=safety_hazard.fire",
        Some(&leader),
    )
    .await
    .assert_problem(422, "validation_failed");
    let mut wrong = wage_arrears();
    wrong["category"] = json!("dispute.nothing_like_it");
    wrong["grid_id"] = z.grid_a["id"].clone();
    let res = app
        .post("/api/v1/disputes", Some(&z.worker_a), &wrong)
        .await;
    assert_eq!(
        error_fields(res.assert_problem(422, "validation_failed")),
        ["category"]
    );
}
