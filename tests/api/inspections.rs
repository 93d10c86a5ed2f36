//! Inspections: answers checked against the template version used, failed
//! items opening hazards, offline resends, on-time counting for late
//! uploads, hazard rectification, overdue hazards becoming cases; scope.

use chrono::{Duration, SecondsFormat, Utc};
use diesel::prelude::*;
use gridwork_api::app::hazards;
use gridwork_tests::{Backend, TestApp, Zone, error_fields, id, on_both_backends};
use serde_json::{Value, json};

use crate::inspection_templates::walk_round;

on_both_backends!(
    inspections_open_hazards_and_count_on_time_when_finished_in_the_window,
    hazards_are_rectified_verified_and_become_cases_when_overdue
);

const PHOTO: &[u8] = include_bytes!("../../domain/tests/fixtures/photo.jpg");

fn at(t: chrono::DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn answers(charged: bool, pressure: f64, exits: &str) -> Value {
    json!([
        { "item": "extinguishers_charged", "value": charged },
        { "item": "hydrant_pressure", "value": pressure },
        { "item": "exits", "value": exits }
    ])
}

/// A daily schedule on enterprise A made five days ago, swept now: its
/// occurrences of the last days exist, overdue or missed.
async fn past_occurrences(app: &TestApp, z: &Zone) -> (Value, Vec<Value>) {
    let template = app
        .created("/api/v1/inspection-templates", &z.admin, &walk_round())
        .await;
    let five_days_ago = Utc::now() - Duration::days(5);
    let schedule = app
        .created(
            "/api/v1/inspection-schedules",
            &z.admin,
            &json!({ "template_id": template["id"], "enterprise_id": z.firm_a["id"], "recurrence": "FREQ=DAILY",
                     "starts_on": (five_days_ago - Duration::days(1)).date_naive().to_string(),
                     "opens_at": "08:00", "window_hours": 4, "grace_hours": 24, "assignee_role": "full_time_worker" }),
        )
        .await;
    {
        use gridwork_persistence::schema::inspection_schedules::dsl::*;
        let mut conn = app.pool.get().unwrap();
        diesel::update(inspection_schedules.filter(id.eq(schedule["id"].as_str().unwrap())))
            .set(created_at.eq(five_days_ago.naive_utc()))
            .execute(&mut conn)
            .unwrap();
        gridwork_api::app::inspection_schedules::sweep(&mut conn, app.config.time_zone, Utc::now())
            .unwrap();
    }
    let page = app
        .ok(
            &format!(
                "/api/v1/inspection-occurrences?schedule_id={}",
                id(&schedule)
            ),
            &z.worker_a,
        )
        .await;
    (template, page["items"].as_array().unwrap().clone())
}

async fn inspections_open_hazards_and_count_on_time_when_finished_in_the_window(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let (template, occurrences) = past_occurrences(&app, &z).await;
    assert!(occurrences.len() >= 4, "{occurrences:?}");
    let old = &occurrences[0];
    assert_eq!(old["state"], "missed");
    let opens: chrono::DateTime<Utc> = old["opens_at"].as_str().unwrap().parse().unwrap();

    // done days ago inside its window, uploaded only now: on time
    let offline = uuid::Uuid::now_v7().to_string();
    let body = json!({ "id": offline, "occurrence_id": old["id"], "started_at": at(opens + Duration::minutes(10)),
                       "finished_at": at(opens + Duration::minutes(40)), "answers": answers(false, 0.05, "畅通") });
    let first = app
        .post("/api/v1/inspections", Some(&z.worker_a), &body)
        .await;
    assert_eq!(first.status, 201, "{}", first.text);
    assert_eq!(first.body["on_time"], true);
    assert_eq!(first.body["template_version"], 1);
    assert_eq!(first.body["failed_count"], 2);
    let hazards: Vec<(&str, &str)> = first.body["hazards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["item_key"].as_str().unwrap(),
                h["severity"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        hazards,
        [
            ("extinguishers_charged", "general"),
            ("hydrant_pressure", "major")
        ]
    );
    assert_eq!(first.body["hazards"][0]["state"], "open");
    assert_eq!(first.body["hazards"][0]["enterprise_id"], z.firm_a["id"]);
    let done = app
        .ok(
            &format!(
                "/api/v1/inspection-occurrences?schedule_id={}&state=done",
                old["schedule_id"].as_str().unwrap()
            ),
            &z.admin,
        )
        .await;
    assert_eq!(done["items"][0]["id"], old["id"]);
    assert_eq!(done["items"][0]["on_time"], true);
    // the same inspection again answers the first; other content under its id is refused
    let again = app
        .post("/api/v1/inspections", Some(&z.worker_a), &body)
        .await;
    assert_eq!(again.status, 200, "{}", again.text);
    assert_eq!(
        again.body["hazards"].as_array().unwrap().len(),
        2,
        "no new hazards"
    );
    let mut other = body.clone();
    other["answers"] = answers(true, 0.3, "畅通");
    app.post("/api/v1/inspections", Some(&z.worker_a), &other)
        .await
        .assert_problem(409, "inspection_exists");
    // another inspection of a done occurrence is refused
    let mut twice = body.clone();
    twice["id"] = json!(uuid::Uuid::now_v7().to_string());
    app.post("/api/v1/inspections", Some(&z.worker_a), &twice)
        .await
        .assert_problem(409, "occurrence_done");

    // finished after its window closed: done, but late
    let next = &occurrences[1];
    let closes: chrono::DateTime<Utc> = next["closes_at"].as_str().unwrap().parse().unwrap();
    let late = app
        .created(
            "/api/v1/inspections",
            &z.worker_a,
            &json!({ "occurrence_id": next["id"], "started_at": at(closes + Duration::minutes(5)),
                     "finished_at": at(closes + Duration::minutes(30)), "answers": answers(true, 0.3, "畅通") }),
        )
        .await;
    assert_eq!(
        (late["on_time"].as_bool(), late["failed_count"].as_i64()),
        (Some(false), Some(0))
    );

    // answers are checked against the version used: a 422 names the item
    let bad = app
        .post(
            "/api/v1/inspections",
            Some(&z.worker_a),
            &json!({ "template_id": template["id"], "enterprise_id": z.firm_a["id"], "started_at": at(Utc::now() - Duration::minutes(5)),
                     "finished_at": at(Utc::now()), "answers": [{ "item": "hydrant_pressure", "value": 3 }] }),
        )
        .await;
    let problem = bad.assert_problem(422, "validation_failed");
    let fields = error_fields(problem);
    assert_eq!(
        fields,
        [
            "answers.hydrant_pressure",
            "answers.extinguishers_charged",
            "answers.exits"
        ]
    );

    // another grid's worker sees none of it
    let path = format!("/api/v1/inspections/{}", id(&first.body));
    assert_eq!(app.get(&path, Some(&z.worker_a)).await.status, 200);
    app.get(&path, Some(&z.worker_b))
        .await
        .assert_problem(404, "not_found");
    let theirs = app.ok("/api/v1/inspections", &z.worker_b).await;
    assert!(theirs["items"].as_array().unwrap().is_empty());
    let mine = app.ok("/api/v1/inspections", &z.worker_a).await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 2);
    let hazard = format!(
        "/api/v1/hazards/{}",
        first.body["hazards"][0]["id"].as_str().unwrap()
    );
    app.get(&hazard, Some(&z.worker_b))
        .await
        .assert_problem(404, "not_found");
    app.post(&format!("{hazard}/start"), Some(&z.worker_b), &json!({}))
        .await
        .assert_problem(404, "not_found");
    assert!(
        app.ok("/api/v1/hazards", &z.worker_b).await["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // the KPIs: two of the closed occurrences done, one on time; two hazards open
    let all = app
        .ok(
            &format!(
                "/api/v1/inspection-occurrences?schedule_id={}",
                old["schedule_id"].as_str().unwrap()
            ),
            &z.admin,
        )
        .await;
    let closed = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| {
            o["closes_at"]
                .as_str()
                .unwrap()
                .parse::<chrono::DateTime<Utc>>()
                .unwrap()
                < Utc::now()
        })
        .count() as u64;
    let stats = app.ok("/api/v1/stats/inspections", &z.worker_a).await;
    assert_eq!(stats["completion"]["due"], closed);
    assert_eq!(stats["completion"]["done"], 2);
    assert_eq!(stats["completion"]["rate"]["numerator"], 1);
    assert_eq!(stats["completion"]["rate"]["denominator"], closed);
    assert_eq!(
        (
            stats["hazards"]["found"].as_u64(),
            stats["hazards"]["open"].as_u64()
        ),
        (Some(2), Some(2))
    );
    assert_eq!(stats["hazards"]["overdue"], 0);
    assert_eq!(stats["by_grid"][0]["grid_id"], z.grid_a["id"]);
    let worker = &stats["by_worker"][0];
    assert_eq!(
        worker["user_id"], z.person_a["user_id"],
        "who inspected the role's occurrences"
    );
    assert_eq!(
        (
            worker["completion"]["due"].as_u64(),
            worker["completion"]["done"].as_u64()
        ),
        (Some(2), Some(2))
    );
    let theirs = app.ok("/api/v1/stats/inspections", &z.worker_b).await;
    assert_eq!(
        (
            theirs["completion"]["due"].as_u64(),
            theirs["hazards"]["found"].as_u64()
        ),
        (Some(0), Some(0))
    );
    // an unscheduled inspection in another grid is out of reach
    app.post(
        "/api/v1/inspections",
        Some(&z.worker_b),
        &json!({ "template_id": template["id"], "grid_id": z.grid_a["id"], "started_at": at(Utc::now()),
                 "finished_at": at(Utc::now()), "answers": answers(true, 0.3, "畅通") }),
    )
    .await
    .assert_problem(422, "validation_failed");
}

async fn hazards_are_rectified_verified_and_become_cases_when_overdue(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let template = app
        .created("/api/v1/inspection-templates", &z.admin, &walk_round())
        .await;
    let now = Utc::now();
    let inspection = app
        .created(
            "/api/v1/inspections",
            &z.worker_a,
            &json!({ "template_id": template["id"], "enterprise_id": z.firm_a["id"], "started_at": at(now - Duration::minutes(30)),
                     "finished_at": at(now), "answers": answers(false, 0.05, "堵塞") }),
        )
        .await;
    assert_eq!(inspection["on_time"], Value::Null, "unscheduled");
    let ids: Vec<String> = inspection["hazards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| id(h).to_owned())
        .collect();
    assert_eq!(ids.len(), 3);
    let (first, second) = (
        format!("/api/v1/hazards/{}", ids[0]),
        format!("/api/v1/hazards/{}", ids[1]),
    );
    let step = |path: String, action: &'static str, token: String, version: i64, body: Value| {
        let app = &app;
        async move {
            let etag = format!("\"{version}\"");
            app.request(
                actix_web::http::Method::POST,
                &format!("{path}/{action}"),
                Some(&token),
                Some(&body),
                &[("If-Match", etag.as_str())],
            )
            .await
        }
    };
    let worker = z.worker_a.clone();
    let started = step(first.clone(), "start", worker.clone(), 1, json!({})).await;
    assert_eq!(
        (started.status, started.body["state"].as_str()),
        (200, Some("rectifying")),
        "{}",
        started.text
    );
    // rectified needs evidence
    step(
        first.clone(),
        "rectify",
        worker.clone(),
        2,
        json!({ "note": "已更换" }),
    )
    .await
    .assert_problem(422, "validation_failed");
    let photo = app.upload(&z.worker_a, "image/jpeg", PHOTO).await;
    let rectified = step(
        first.clone(),
        "rectify",
        worker.clone(),
        2,
        json!({ "note": "已更换过期灭火器", "evidence": [photo.body["id"]] }),
    )
    .await;
    assert_eq!(rectified.status, 200, "{}", rectified.text);
    assert_eq!(rectified.body["evidence"], json!([photo.body["id"]]));
    // the worker may not verify; the leader's side (admin here) sends it back, then verifies
    step(first.clone(), "verify", worker.clone(), 3, json!({}))
        .await
        .assert_problem(403, "forbidden");
    let admin = z.admin.clone();
    step(first.clone(), "reopen", admin.clone(), 3, json!({}))
        .await
        .assert_problem(422, "validation_failed");
    let reopened = step(
        first.clone(),
        "reopen",
        admin.clone(),
        3,
        json!({ "note": "压力仍不足" }),
    )
    .await;
    assert_eq!(
        (
            reopened.body["state"].as_str(),
            reopened.body["reopened_count"].as_i64()
        ),
        (Some("rectifying"), Some(1))
    );
    let photo2 = app
        .upload(
            &z.worker_a,
            "image/png",
            include_bytes!("../../domain/tests/fixtures/photo.png"),
        )
        .await;
    step(
        first.clone(),
        "rectify",
        worker.clone(),
        4,
        json!({ "evidence": [photo2.body["id"]] }),
    )
    .await;
    let verified = step(first.clone(), "verify", admin.clone(), 5, json!({})).await;
    assert_eq!(verified.body["state"], "verified");
    step(first.clone(), "verify", admin.clone(), 6, json!({}))
        .await
        .assert_problem(409, "invalid_transition");
    // the evidence is seen by the grid, not by another
    let evidence = format!("/api/v1/attachments/{}", id(&photo2.body));
    assert_eq!(app.get(&evidence, Some(&z.worker_a)).await.status, 200);
    app.get(&evidence, Some(&z.worker_b))
        .await
        .assert_problem(404, "not_found");

    // a week on, the two hazards not rectified are overdue: each becomes a case, once
    let later = now + Duration::days(8);
    let opened = {
        let mut conn = app.pool.get().unwrap();
        let opened = hazards::escalate_overdue(&mut conn, later).unwrap();
        assert_eq!(
            hazards::escalate_overdue(&mut conn, later).unwrap(),
            0,
            "once"
        );
        opened
    };
    assert_eq!(opened, 1, "the general one; the major one has thirty days");
    let second_hazard = app.ok(&second, &z.worker_a).await;
    let third = app
        .ok(&format!("/api/v1/hazards/{}", ids[2]), &z.worker_a)
        .await;
    let escalated = if second_hazard["severity"] == "general" {
        second_hazard
    } else {
        third
    };
    let case_id = escalated["case_id"].as_str().expect("linked to its case");
    let case = app
        .ok(&format!("/api/v1/cases/{case_id}"), &z.worker_a)
        .await;
    assert_eq!(case["hazard_id"], escalated["id"]);
    assert_eq!(
        (case["source"].as_str(), case["severity"].as_str()),
        (Some("inspection"), Some("general"))
    );
    assert_eq!(case["grid_id"], z.grid_a["id"]);
    assert_eq!(case["enterprise_id"], z.firm_a["id"]);
    let overdue = app.ok("/api/v1/hazards?overdue=true", &z.worker_a).await;
    assert!(
        overdue["items"].as_array().unwrap().is_empty(),
        "not overdue yet by the real clock"
    );
}
