//! Training: courses and sessions kept by the office, records with a pass
//! mark, the pre-job gate of new grid workers and its audited override,
//! coverage per grid, and who sees whose records.

use chrono::{Duration, Utc};
use gridwork_tests::{Backend, TestApp, Zone, error_fields, id, on_both_backends};
use serde_json::{Value, json};

on_both_backends!(
    courses_sessions_and_records_are_kept_and_checked,
    a_new_grid_worker_starts_after_pre_job_training_or_an_override
);

fn days_ago(days: i64) -> String {
    (Utc::now() - Duration::days(days)).to_rfc3339()
}

async fn person(app: &TestApp, z: &Zone, name: &str, grid: &Value) -> Value {
    app.created(
        "/api/v1/people",
        &z.admin,
        &json!({ "name": name, "grid_id": grid["id"] }),
    )
    .await
}

async fn assign(
    app: &TestApp,
    z: &Zone,
    person: &Value,
    role: &str,
    extra: Value,
) -> gridwork_tests::Resp {
    let mut body = json!({ "person_id": person["id"], "role": role });
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    app.post(
        &format!("/api/v1/grids/{}/assignments", id(&z.grid_a)),
        Some(&z.admin),
        &body,
    )
    .await
}

async fn courses_sessions_and_records_are_kept_and_checked(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let admin = z.admin.as_str();
    let course = json!({ "kind": "on_the_job", "title": "安全生产月专题培训", "hours": 4, "pass_score": 60 });
    app.post("/api/v1/training/courses", Some(&z.worker_a), &course)
        .await
        .assert_problem(403, "forbidden");
    let blank = app
        .post(
            "/api/v1/training/courses",
            Some(admin),
            &json!({ "kind": "online", "title": "  " }),
        )
        .await;
    assert_eq!(
        error_fields(blank.assert_problem(422, "validation_failed")),
        ["title"]
    );
    let monthly = app
        .created("/api/v1/training/courses", admin, &course)
        .await;
    assert_eq!(
        (monthly["kind"].as_str(), monthly["pass_score"].as_i64()),
        (Some("on_the_job"), Some(60))
    );
    let listed = app
        .ok("/api/v1/training/courses?kind=on_the_job", &z.worker_a)
        .await;
    assert!(
        listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == monthly["id"])
    );
    let pre_job_only = app.ok("/api/v1/training/courses?kind=pre_job", admin).await;
    assert!(
        pre_job_only["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["kind"] == "pre_job")
    );

    // a session for grid A
    let session = app
        .created(
            "/api/v1/training/sessions",
            admin,
            &json!({ "course_id": monthly["id"], "starts_at": days_ago(2), "place": "党群服务中心", "grid_id": z.grid_a["id"] }),
        )
        .await;
    let sessions = app
        .ok(
            &format!("/api/v1/training/courses/{}/sessions", id(&monthly)),
            admin,
        )
        .await;
    assert_eq!(sessions["items"][0]["id"], session["id"]);

    // records: scored against the pass mark, once per completion time
    let record = |token: &str, body: Value| {
        let app = &app;
        let token = token.to_owned();
        async move {
            app.post("/api/v1/training/records", Some(&token), &body)
                .await
        }
    };
    let when = days_ago(2);
    let failed = record(
        admin,
        json!({ "person_id": z.person_a["id"], "course_id": monthly["id"], "session_id": session["id"],
                "completed_at": when, "score": 55 }),
    )
    .await;
    assert_eq!(failed.status, 201, "{}", failed.text);
    assert_eq!(failed.body["passed"], false);
    record(
        admin,
        json!({ "person_id": z.person_a["id"], "course_id": monthly["id"], "completed_at": when, "score": 90 }),
    )
    .await
    .assert_problem(409, "training_recorded");
    let passed = record(
        admin,
        json!({ "person_id": z.person_a["id"], "course_id": monthly["id"], "completed_at": days_ago(1), "score": 90 }),
    )
    .await;
    assert_eq!(passed.body["passed"], true);
    let future = record(
        admin,
        json!({ "person_id": z.person_a["id"], "course_id": monthly["id"], "completed_at": (Utc::now() + Duration::hours(2)).to_rfc3339() }),
    )
    .await;
    assert_eq!(
        error_fields(future.assert_problem(422, "validation_failed")),
        ["completed_at"]
    );
    let other = app
        .created(
            "/api/v1/training/courses",
            admin,
            &json!({ "kind": "online", "title": "政策解读" }),
        )
        .await;
    let mismatched = record(
        admin,
        json!({ "person_id": z.person_a["id"], "course_id": other["id"], "session_id": session["id"], "completed_at": days_ago(1) }),
    )
    .await;
    assert_eq!(
        error_fields(mismatched.assert_problem(422, "validation_failed")),
        ["session_id"]
    );

    // a grid leader records for the people of their grids only
    let leader = z
        .staff(&app, "leader_a", "grid_leader", "grid_leader")
        .await;
    let in_a = record(
        &leader,
        json!({ "person_id": z.person_a["id"], "course_id": other["id"], "completed_at": days_ago(3) }),
    )
    .await;
    assert_eq!(in_a.status, 201, "{}", in_a.text);
    let in_b = record(
        &leader,
        json!({ "person_id": z.person_b["id"], "course_id": other["id"], "completed_at": days_ago(3) }),
    )
    .await;
    assert_eq!(
        error_fields(in_b.assert_problem(422, "validation_failed")),
        ["person_id"]
    );
    record(
        &z.worker_a,
        json!({ "person_id": z.person_a["id"], "course_id": other["id"], "completed_at": days_ago(4) }),
    )
    .await
    .assert_problem(403, "forbidden");

    // a person's records, newest first; the worker's own on /me; another
    // grid's worker does not see them
    let theirs = app
        .ok(
            &format!("/api/v1/people/{}/training", id(&z.person_a)),
            &leader,
        )
        .await;
    let titles: Vec<&str> = theirs["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["course_title"].as_str().unwrap())
        .collect();
    // Zone::build's pre-job record, the two monthly ones, the online one
    assert_eq!(
        titles,
        [
            "政策解读",
            "安全生产月专题培训",
            "安全生产月专题培训",
            "网格员岗前培训"
        ]
    );
    let mine = app.ok("/api/v1/me/training?limit=2", &z.worker_a).await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 2);
    assert!(mine["next_cursor"].is_string());
    assert!(
        app.ok("/api/v1/me/training", &z.worker_b).await["items"]
            .as_array()
            .unwrap()
            .len()
            == 1
    );
    app.get(
        &format!("/api/v1/people/{}/training", id(&z.person_a)),
        Some(&z.worker_b),
    )
    .await
    .assert_problem(404, "not_found");
    // every write is audited
    let audit = app
        .ok("/api/v1/audit-log?action=training.record", admin)
        .await;
    assert!(audit["items"].as_array().unwrap().len() >= 4);
}

async fn a_new_grid_worker_starts_after_pre_job_training_or_an_override(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let admin = z.admin.as_str();
    let pre_job = app
        .created(
            "/api/v1/training/courses",
            admin,
            &json!({ "kind": "pre_job", "title": "网格员岗前培训（考试）", "pass_score": 60 }),
        )
        .await;
    // a new hire without training waits
    let new_hire = person(&app, &z, "刘新", &z.grid_a).await;
    assign(&app, &z, &new_hire, "full_time_worker", json!({}))
        .await
        .assert_problem(409, "pre_job_training_missing");
    // a failed exam does not open the gate, a passed one does
    let record = |score: i64, days: i64| {
        let app = &app;
        let body = json!({ "person_id": new_hire["id"], "course_id": pre_job["id"], "completed_at": days_ago(days), "score": score });
        async move { app.created("/api/v1/training/records", admin, &body).await }
    };
    assert_eq!(record(45, 3).await["passed"], false);
    assign(&app, &z, &new_hire, "part_time_worker", json!({}))
        .await
        .assert_problem(409, "pre_job_training_missing");
    assert_eq!(record(75, 2).await["passed"], true);
    let started = assign(&app, &z, &new_hire, "full_time_worker", json!({})).await;
    assert_eq!(started.status, 201, "{}", started.text);
    // the zone office may let an untrained hire start, with a reason, audited
    let urgent = person(&app, &z, "陈急", &z.grid_a).await;
    let blank = assign(
        &app,
        &z,
        &urgent,
        "full_time_worker",
        json!({ "training_override": "   " }),
    )
    .await;
    blank.assert_problem(409, "pre_job_training_missing");
    let waived = assign(
        &app,
        &z,
        &urgent,
        "full_time_worker",
        json!({ "training_override": "汛期人手紧张，岗前培训下周补上" }),
    )
    .await;
    assert_eq!(waived.status, 201, "{}", waived.text);
    let audit = app
        .ok(
            "/api/v1/audit-log?action=assignment.training_override",
            admin,
        )
        .await;
    assert_eq!(audit["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        audit["items"][0]["detail"]["reason"],
        "汛期人手紧张，岗前培训下周补上"
    );
    // riders and leaders are not gated; a worker moving on is not new
    let rider = person(&app, &z, "骑手王", &z.grid_a).await;
    assert_eq!(
        assign(&app, &z, &rider, "mobile_worker", json!({}))
            .await
            .status,
        201
    );
    let moving = app
        .post(
            &format!("/api/v1/grids/{}/assignments", id(&z.workshop_a)),
            Some(admin),
            &json!({ "person_id": urgent["id"], "role": "part_time_worker" }),
        )
        .await;
    assert_eq!(moving.status, 201, "{}", moving.text);

    // coverage of grid A's full-time and part-time workers: 张亚超 and
    // 刘新 trained, 陈急 not; nobody trained in service yet
    let coverage = |token: &str| {
        let app = &app;
        let token = token.to_owned();
        async move { app.ok("/api/v1/stats/training", &token).await }
    };
    let row = |page: &Value, grid: &Value| {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["grid_id"] == grid["id"])
            .cloned()
            .unwrap()
    };
    let all = coverage(admin).await;
    let a = row(&all, &z.grid_a);
    assert_eq!(
        (
            a["pre_job"]["numerator"].as_u64(),
            a["pre_job"]["denominator"].as_u64()
        ),
        (Some(2), Some(3))
    );
    assert_eq!(a["in_service"]["numerator"], 0);
    let online = app
        .created(
            "/api/v1/training/courses",
            admin,
            &json!({ "kind": "online", "title": "网格系统使用" }),
        )
        .await;
    app.created(
        "/api/v1/training/records",
        admin,
        &json!({ "person_id": z.person_a["id"], "course_id": online["id"], "completed_at": days_ago(10) }),
    )
    .await;
    let a = row(&coverage(admin).await, &z.grid_a);
    assert_eq!(
        (
            a["in_service"]["numerator"].as_u64(),
            a["in_service"]["denominator"].as_u64()
        ),
        (Some(1), Some(3))
    );
    // worker B sees grid B's coverage only
    let theirs = coverage(&z.worker_b).await;
    let grids: Vec<&Value> = theirs["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| &g["grid_id"])
        .collect();
    assert_eq!(grids, [&z.grid_b["id"]]);
    app.get(
        &format!("/api/v1/stats/training?grid_id={}", id(&z.grid_a)),
        Some(&z.worker_b),
    )
    .await
    .assert_problem(404, "not_found");
}
