//! Dispute mediation: the parties, terms and session notes only for the
//! mediator, grid leaders and zone officers; an escalated dispute opens a
//! case of its category; offline resends; scope.

use gridwork_tests::{Backend, TestApp, Zone, error_fields, id, on_both_backends};
use serde_json::{Value, json};

on_both_backends!(disputes_are_redacted_for_all_but_the_mediator_leaders_and_the_office);

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
    let leader = z
        .staff(&app, "leader_a", "grid_leader", "grid_leader")
        .await;
    let part_timer = z
        .staff(&app, "pt_a", "part_time_worker", "part_time_worker")
        .await;
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

on_both_backends!(talks_carry_a_risk_and_are_redacted_like_disputes);

async fn talks_carry_a_risk_and_are_redacted_like_disputes(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let part_timer = z
        .staff(&app, "pt_a", "part_time_worker", "part_time_worker")
        .await;
    let leader = z
        .staff(&app, "leader_a", "grid_leader", "grid_leader")
        .await;
    let today = chrono::Utc::now().date_naive();
    let talk = json!({
        "id": uuid::Uuid::now_v7().to_string(),
        "enterprise_id": z.firm_a["id"],
        "held_on": today,
        "topic": "工资发放延迟引发情绪波动",
        "subject": "王某",
        "notes": "情绪激动，扬言要去堵门",
        "risk": "high",
        "follow_up_on": today + chrono::Duration::days(3),
    });
    // a high-risk talk sets when to talk again
    let mut bare = talk.clone();
    bare["follow_up_on"] = Value::Null;
    bare["id"] = json!(uuid::Uuid::now_v7().to_string());
    let refused = app.post("/api/v1/talks", Some(&z.worker_a), &bare).await;
    refused.assert_problem(422, "validation_failed");
    assert_eq!(error_fields(&refused.body), ["follow_up_on"]);
    let mut future = talk.clone();
    future["held_on"] = json!(today + chrono::Duration::days(2));
    let refused = app.post("/api/v1/talks", Some(&z.worker_a), &future).await;
    assert_eq!(error_fields(&refused.body), ["held_on"]);

    let made = app.post("/api/v1/talks", Some(&z.worker_a), &talk).await;
    assert_eq!(made.status, 201, "{}", made.text);
    assert_eq!(made.body["redacted"], false);
    assert_eq!(made.body["grid_id"], z.grid_a["id"]);
    assert_eq!(made.body["subject"], "王某");
    let again = app.post("/api/v1/talks", Some(&z.worker_a), &talk).await;
    assert_eq!((again.status, &again.body["id"]), (200, &made.body["id"]));
    let mut other = talk.clone();
    other["notes"] = json!("另一次谈话");
    app.post("/api/v1/talks", Some(&z.worker_a), &other)
        .await
        .assert_problem(409, "talk_exists");

    let path = format!("/api/v1/talks/{}", id(&made.body));
    let seen = app.ok(&path, &part_timer).await;
    assert_eq!(
        (
            &seen["redacted"],
            &seen["subject"],
            &seen["notes"],
            &seen["risk"]
        ),
        (&json!(true), &Value::Null, &Value::Null, &json!("high"))
    );
    assert_eq!(
        app.ok(&path, &leader).await["notes"],
        "情绪激动，扬言要去堵门"
    );
    let high = app.ok("/api/v1/talks?risk=high", &leader).await;
    assert_eq!(high["items"].as_array().unwrap().len(), 1);
    assert!(
        app.ok("/api/v1/talks?risk=none", &leader).await["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // another grid sees nothing of it and may not hang a talk on grid A
    app.get(&path, Some(&z.worker_b))
        .await
        .assert_problem(404, "not_found");
    assert!(
        app.ok("/api/v1/talks", &z.worker_b).await["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let mut elsewhere = talk.clone();
    elsewhere["id"] = json!(uuid::Uuid::now_v7().to_string());
    let refused = app
        .post("/api/v1/talks", Some(&z.worker_b), &elsewhere)
        .await;
    assert_eq!(
        error_fields(&refused.body),
        ["enterprise_id"],
        "{}",
        refused.text
    );
    // counted in the month's figures
    let stats = app.ok("/api/v1/stats/disputes", &leader).await;
    assert_eq!(
        stats["months"].as_array().unwrap().len(),
        12,
        "the last twelve months by default"
    );
    let this_month = stats["months"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        this_month["talks"],
        json!({ "count": 1, "watch": 0, "high": 1 })
    );
}

on_both_backends!(dispute_figures_compare_each_month_with_a_year_earlier);

async fn dispute_figures_compare_each_month_with_a_year_earlier(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let open = |category: &str, on: &str| {
        let mut body = wage_arrears();
        body["id"] = json!(uuid::Uuid::now_v7().to_string());
        body["category"] = json!(category);
        body["opened_on"] = json!(on);
        body["grid_id"] = z.grid_a["id"].clone();
        body
    };
    let mut made = Vec::new();
    // four wage-arrears disputes in November 2025, three in November 2026
    // and one labour-contract dispute; one in grid B
    for (category, on) in [
        ("dispute.wage_arrears", "2025-11-03"),
        ("dispute.wage_arrears", "2025-11-10"),
        ("dispute.wage_arrears", "2025-11-17"),
        ("dispute.wage_arrears", "2025-11-28"),
        ("dispute.wage_arrears", "2026-11-02"),
        ("dispute.wage_arrears", "2026-11-09"),
        ("dispute.wage_arrears", "2026-11-30"),
        ("dispute.labour_contract", "2026-11-15"),
    ] {
        made.push(
            app.created("/api/v1/disputes", &z.worker_a, &open(category, on))
                .await,
        );
    }
    let mut b = open("dispute.wage_arrears", "2026-11-05");
    b["grid_id"] = z.grid_b["id"].clone();
    app.created("/api/v1/disputes", &z.worker_b, &b).await;
    // of November 2026's wage arrears: one agreement, one referred, one withdrawn
    for (dispute, outcome) in
        made[4..7]
            .iter()
            .zip(["agreement", "referred_to_arbitration", "withdrawn"])
    {
        let closed = app
            .request(
                actix_web::http::Method::POST,
                &format!("/api/v1/disputes/{}/close", id(dispute)),
                Some(&z.worker_a),
                Some(&json!({ "outcome": outcome, "terms": "分两期支付" })),
                &[("If-Match", "\"1\"")],
            )
            .await;
        assert_eq!(closed.status, 200, "{}", closed.text);
    }

    let stats = app
        .ok(
            "/api/v1/stats/disputes?from=2026-10&to=2026-11",
            &z.worker_a,
        )
        .await;
    assert_eq!(
        (&stats["from"], &stats["to"]),
        (&json!("2026-10"), &json!("2026-11"))
    );
    let months = stats["months"].as_array().unwrap();
    assert_eq!(months.len(), 2);
    assert_eq!(months[0]["count"], 0, "an empty month is still listed");
    let november = &months[1];
    assert_eq!(november["month"], "2026-11");
    assert_eq!(
        (&november["count"], &november["year_earlier"]),
        (&json!(4), &json!(4))
    );
    assert_eq!(november["year_on_year"], 0.0);
    let wages = november["by_category"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["category"] == "dispute.wage_arrears")
        .unwrap();
    // 3 against 4 a year earlier: a quarter fewer; 1 agreement of 2 closed
    // (the withdrawn one left out)
    assert_eq!(
        (&wages["count"], &wages["year_earlier"]),
        (&json!(3), &json!(4))
    );
    assert_eq!(wages["year_on_year"], -0.25);
    assert_eq!(
        wages["success"],
        json!({ "numerator": 1, "denominator": 2, "rate": 0.5 })
    );
    assert_eq!(stats["total"]["count"], 4);
    // the zone office sees grid B's too
    let zone = app
        .ok("/api/v1/stats/disputes?from=2026-11&to=2026-11", &z.admin)
        .await;
    assert_eq!(zone["months"][0]["count"], 5);
    // another grid's subtree counts nothing for grid A's worker
    let elsewhere = app
        .ok(
            &format!(
                "/api/v1/stats/disputes?from=2026-11&to=2026-11&grid_id={}",
                id(&z.grid_b)
            ),
            &z.worker_a,
        )
        .await;
    assert_eq!(elsewhere["months"][0]["count"], 0);
    // periods the server will not measure
    for bad in [
        "from=2026-13",
        "from=2024-01&to=2026-11",
        "from=2026-11&to=2026-10",
        "to=26-11",
    ] {
        app.get(&format!("/api/v1/stats/disputes?{bad}"), Some(&z.worker_a))
            .await
            .assert_problem(422, "validation_failed");
    }
}
