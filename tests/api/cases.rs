//! Cases: reporting (online and offline), reading within reach, listing,
//! and the timeline.

use actix_web::http::Method;
use gridwork_tests::{Backend, TestApp, Zone, id, on_both_backends};
use serde_json::{Value, json};

on_both_backends!(
    a_worker_reports_a_case_with_deadlines_from_its_category,
    an_offline_case_sent_again_is_the_same_case,
    cases_of_another_grid_are_not_there,
    bad_case_reports_are_refused_field_by_field,
    a_report_near_an_open_case_offers_it_and_merge_links_them,
    a_list_merges_what_is_seen_through_the_grids_and_as_reporter_page_by_page,
    summaries_are_the_same_list_in_a_few_fields,
);

fn flood(grid: &Value) -> Value {
    json!({ "category": "safety_hazard.flooding", "severity": "critical", "source": "grid_worker",
            "description": "车间屋顶漏雨，精密设备进水", "grid_id": grid["id"] })
}

fn minutes_between(a: &Value, b: &Value) -> i64 {
    let at = |v: &Value| chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap()).unwrap();
    (at(b) - at(a)).num_minutes()
}

async fn a_worker_reports_a_case_with_deadlines_from_its_category(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let res = app
        .post("/api/v1/cases", Some(&z.worker_a), &flood(&z.grid_a))
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let case = &res.body;
    assert_eq!(
        res.header("location"),
        Some(format!("/api/v1/cases/{}", id(case)).as_str())
    );
    assert_eq!(
        (case["state"].as_str(), case["level"].as_str()),
        (Some("reported"), Some("grid"))
    );
    assert_eq!(
        minutes_between(&case["reported_at"], &case["accept_due_at"]),
        10
    );
    assert_eq!(
        minutes_between(&case["reported_at"], &case["resolve_due_at"]),
        24 * 60
    );
    assert_eq!(case["deadline_status"], "normal");
    assert!(case["reporter_id"].as_str().is_some());

    let got = app
        .ok(&format!("/api/v1/cases/{}", id(case)), &z.worker_a)
        .await;
    assert_eq!(got["description"], "车间屋顶漏雨，精密设备进水");
    let timeline = app
        .ok(&format!("/api/v1/cases/{}/timeline", id(case)), &z.worker_a)
        .await;
    let entry = &timeline["items"][0];
    assert_eq!(
        (entry["action"].as_str(), entry["to_state"].as_str()),
        (Some("report"), Some("reported"))
    );
    assert_eq!(entry["actor_role"], "grid_worker");
    assert_eq!(entry["visibility"], "public");

    // listed for the worker and the zone; filters
    let mine = app
        .ok("/api/v1/cases?reported_by_me=true", &z.worker_a)
        .await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    for (query, n) in [
        ("category=safety_hazard", 1),
        ("category=dispute", 0),
        ("severity=critical", 1),
        ("state=accepted", 0),
        ("overdue=true", 0),
    ] {
        let page = app.ok(&format!("/api/v1/cases?{query}"), &z.admin).await;
        assert_eq!(page["items"].as_array().unwrap().len(), n, "{query}");
    }
    let log = app
        .ok("/api/v1/audit-log?action=case.report", &z.admin)
        .await;
    assert_eq!(log["items"][0]["target_id"], case["id"]);
}

async fn an_offline_case_sent_again_is_the_same_case(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let offline = uuid::Uuid::now_v7().to_string();
    let mut body = flood(&z.grid_a);
    body["id"] = json!(offline);
    let first = app.post("/api/v1/cases", Some(&z.worker_a), &body).await;
    assert_eq!(first.status, 201, "{}", first.text);
    assert_eq!(first.body["id"], offline.as_str());
    let again = app.post("/api/v1/cases", Some(&z.worker_a), &body).await;
    assert_eq!(again.status, 200, "{}", again.text);
    assert_eq!(again.body["id"], first.body["id"]);
    assert_eq!(again.body["reported_at"], first.body["reported_at"]);
    body["description"] = json!("另一件事");
    app.post("/api/v1/cases", Some(&z.worker_a), &body)
        .await
        .assert_problem(409, "case_exists");
    let all = app.ok("/api/v1/cases", &z.admin).await;
    assert_eq!(all["items"].as_array().unwrap().len(), 1);
    body["id"] = json!(uuid::Uuid::new_v4().to_string());
    let res = app.post("/api/v1/cases", Some(&z.worker_a), &body).await;
    assert_eq!(
        res.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "id"
    );
}

async fn cases_of_another_grid_are_not_there(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let case = app
        .created("/api/v1/cases", &z.worker_a, &flood(&z.grid_a))
        .await;
    let path = format!("/api/v1/cases/{}", id(&case));
    app.get(&path, Some(&z.worker_b))
        .await
        .assert_problem(404, "not_found");
    app.get(&format!("{path}/timeline"), Some(&z.worker_b))
        .await
        .assert_problem(404, "not_found");
    let listed = app.ok("/api/v1/cases", &z.worker_b).await;
    assert_eq!(listed["items"], json!([]));
    let filtered = app
        .ok(
            &format!("/api/v1/cases?grid_id={}", id(&z.grid_a)),
            &z.worker_b,
        )
        .await;
    assert_eq!(filtered["items"], json!([]));
    // reporting in another grid is refused as if it did not exist
    let res = app
        .post("/api/v1/cases", Some(&z.worker_b), &flood(&z.grid_a))
        .await;
    assert_eq!(
        res.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "grid_id"
    );
    // an offline id of another grid's case is not a way in either
    let mut body = flood(&z.grid_b);
    body["id"] = case["id"].clone();
    app.post("/api/v1/cases", Some(&z.worker_b), &body)
        .await
        .assert_problem(404, "not_found");
    // department staff of no department involved see nothing and report nothing
    let staff = app
        .post(
            "/api/v1/users",
            Some(&z.admin),
            &json!({ "username": "fire_li", "password": gridwork_tests::INITIAL_PASSWORD,
                     "roles": ["department_staff"], "department_code": "fire_rescue" }),
        )
        .await;
    assert_eq!(staff.status, 201, "{}", staff.text);
    let fire = app
        .choose_password("fire_li", gridwork_tests::INITIAL_PASSWORD)
        .await;
    app.get(&path, Some(&fire))
        .await
        .assert_problem(404, "not_found");
    app.post("/api/v1/cases", Some(&fire), &flood(&z.grid_a))
        .await
        .assert_problem(403, "forbidden");
    let head = app
        .request(Method::GET, &path, Some(&z.admin), None, &[])
        .await;
    assert_eq!(head.header("etag"), Some("\"1\""));
}

async fn bad_case_reports_are_refused_field_by_field(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let with = |key: &str, value: Value| {
        let mut body = flood(&z.grid_a);
        body[key] = value;
        body
    };
    for (body, field) in [
        (with("category", json!("no_such")), "category"),
        (with("category", json!("Bad Code")), "category"),
        (with("description", json!("")), "description"),
        (with("severity", json!("apocalyptic")), "severity"),
        (with("grid_id", json!("nowhere")), "grid_id"),
        (with("enterprise_id", json!("nowhere")), "enterprise_id"),
        (with("lat", json!(91.0)), "lat"),
    ] {
        let res = app.post("/api/v1/cases", Some(&z.worker_a), &body).await;
        assert_eq!(res.status, 422, "{body}: {}", res.text);
        let fields: Vec<&str> = res.body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert!(fields.contains(&field), "{body}: {fields:?}");
    }
    let mut nowhere = flood(&z.grid_a);
    nowhere.as_object_mut().unwrap().remove("grid_id");
    let res = app.post("/api/v1/cases", Some(&z.worker_a), &nowhere).await;
    assert_eq!(
        res.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "grid_id"
    );
}

async fn a_report_near_an_open_case_offers_it_and_merge_links_them(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let at = |lat: f64, category: &str| {
        let mut body = flood(&z.grid_a);
        body["lat"] = json!(lat);
        body["lng"] = json!(114.52);
        body["category"] = json!(category);
        body
    };
    let first = app
        .post(
            "/api/v1/cases",
            Some(&z.worker_a),
            &at(33.79, "safety_hazard.flooding"),
        )
        .await;
    assert_eq!(
        first.body["possible_duplicates"],
        json!([]),
        "{}",
        first.text
    );
    let second = app
        .post(
            "/api/v1/cases",
            Some(&z.worker_a),
            &at(33.7905, "safety_hazard.flooding"),
        )
        .await;
    let offered = &second.body["possible_duplicates"];
    assert_eq!(offered.as_array().unwrap().len(), 1, "{}", second.text);
    assert_eq!(offered[0]["id"], first.body["id"]);
    let metres = offered[0]["distance_m"].as_f64().unwrap();
    assert!((50.0..60.0).contains(&metres), "{metres}");
    let other = app
        .post(
            "/api/v1/cases",
            Some(&z.worker_a),
            &at(33.7905, "safety_hazard.fire"),
        )
        .await;
    assert_eq!(
        other.body["possible_duplicates"],
        json!([]),
        "another category"
    );
    let far = app
        .post(
            "/api/v1/cases",
            Some(&z.worker_a),
            &at(33.80, "safety_hazard.flooding"),
        )
        .await;
    assert_eq!(
        far.body["possible_duplicates"],
        json!([]),
        "over a kilometre away"
    );

    // merged: the duplicate points at the first, whose timeline notes it
    let merged = app
        .request(
            Method::POST,
            &format!("/api/v1/cases/{}/merge", id(&second.body)),
            Some(&z.admin),
            Some(&json!({ "into": first.body["id"] })),
            &[("If-Match", "\"1\"")],
        )
        .await;
    assert_eq!(merged.status, 200, "{}", merged.text);
    assert_eq!(
        (
            merged.body["state"].as_str(),
            merged.body["merged_into"].as_str()
        ),
        (Some("merged"), first.body["id"].as_str())
    );
    let timeline = app
        .ok(
            &format!("/api/v1/cases/{}/timeline", id(&first.body)),
            &z.admin,
        )
        .await;
    let last = timeline["items"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["action"], "merge");
    assert!(last["note"].as_str().unwrap().contains(id(&second.body)));
    // a merged case is no longer offered
    let again = app
        .post(
            "/api/v1/cases",
            Some(&z.worker_a),
            &at(33.7906, "safety_hazard.flooding"),
        )
        .await;
    let ids: Vec<&str> = again.body["possible_duplicates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [id(&first.body)]);
}

async fn a_list_merges_what_is_seen_through_the_grids_and_as_reporter_page_by_page(
    backend: Backend,
) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let old_b = app
        .created("/api/v1/cases", &z.admin, &flood(&z.grid_b))
        .await;
    let mine_a = app
        .created("/api/v1/cases", &z.worker_a, &flood(&z.grid_a))
        .await;
    let other_a = app
        .created("/api/v1/cases", &z.admin, &flood(&z.grid_a))
        .await;
    // 张亚超 moves from grid A to grid B: A's cases go, except the one he reported
    let moved = app
        .delete(
            &format!("/api/v1/assignments/{}", id(&z.assignment_a)),
            Some(&z.admin),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    app.created(
        &format!("/api/v1/grids/{}/assignments", id(&z.grid_b)),
        &z.admin,
        &json!({ "person_id": z.person_a["id"], "role": "part_time_worker" }),
    )
    .await;
    let new_b = app
        .created("/api/v1/cases", &z.admin, &flood(&z.grid_b))
        .await;
    // seen both through grid B and as its reporter: listed once
    let both = app
        .created("/api/v1/cases", &z.worker_a, &flood(&z.grid_b))
        .await;
    // one at a time, newest first, each exactly once
    let mut seen = Vec::new();
    let mut path = "/api/v1/cases?limit=1".to_owned();
    loop {
        let page = app.ok(&path, &z.worker_a).await;
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 1);
        seen.extend(items.iter().map(|c| c["id"].clone()));
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/cases?limit=1&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(
        seen,
        [
            both["id"].clone(),
            new_b["id"].clone(),
            mine_a["id"].clone(),
            old_b["id"].clone()
        ]
    );
    assert!(!seen.contains(&other_a["id"]));
    // the same through the filters: the two he reported
    let reported = app
        .ok("/api/v1/cases?reported_by_me=true", &z.worker_a)
        .await;
    assert_eq!(reported["items"].as_array().unwrap().len(), 2);
}

async fn summaries_are_the_same_list_in_a_few_fields(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    for _ in 0..3 {
        app.created("/api/v1/cases", &z.worker_a, &flood(&z.grid_a))
            .await;
    }
    let full = app.ok("/api/v1/cases?limit=2", &z.worker_a).await;
    let compact = app.ok("/api/v1/case-summaries?limit=2", &z.worker_a).await;
    let ids = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(ids(&full), ids(&compact));
    let item = compact["items"][0].as_object().unwrap();
    let mut keys: Vec<&str> = item.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "category",
            "deadline_status",
            "grid_id",
            "id",
            "level",
            "reported_at",
            "resolve_due_at",
            "severity",
            "state",
            "updated_at",
            "version"
        ]
    );
    assert_eq!(item["version"], full["items"][0]["version"]);
    // the next page by the cursor, and the same filters
    let cursor = compact["next_cursor"].as_str().unwrap();
    let next = app
        .ok(
            &format!("/api/v1/case-summaries?limit=2&cursor={cursor}"),
            &z.worker_a,
        )
        .await;
    assert_eq!(next["items"].as_array().unwrap().len(), 1);
    let none = app
        .ok("/api/v1/case-summaries?state=closed", &z.worker_a)
        .await;
    assert_eq!(none["items"], json!([]));
    // another grid's worker sees none of them
    let theirs = app.ok("/api/v1/case-summaries", &z.worker_b).await;
    assert_eq!(theirs["items"], json!([]));
}
