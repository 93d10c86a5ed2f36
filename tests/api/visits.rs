//! Visits to enterprises: recorded offline and sent again, photos, the
//! enterprise's `last_verified_at` and `stale`, who may visit, scope.

use actix_web::http::Method;
use chrono::{Duration, SecondsFormat, Utc};
use gridwork_tests::{Backend, TestApp, USER_PASSWORD, Zone, id, on_both_backends};
use serde_json::{Value, json};

on_both_backends!(
    a_visit_verifies_the_enterprise_and_resends_answer_the_first,
    stale_enterprises_are_listed_and_visits_are_paged,
    visits_are_out_of_reach_for_another_grid
);

const PHOTO: &[u8] = include_bytes!("../../domain/tests/fixtures/photo.jpg");

fn ago(days: i64) -> String {
    (Utc::now() - Duration::days(days)).to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn visit(days_ago: i64) -> Value {
    json!({ "visited_at": ago(days_ago), "purpose": "routine", "findings": "消防通道畅通，灭火器在有效期内" })
}

/// A part-time worker of grid A (`pt_a`), logged in.
async fn part_timer(app: &TestApp, z: &Zone) -> String {
    let user = app
        .create_user(&z.admin, "pt_a", &["part_time_worker"])
        .await;
    let person = app
        .created(
            "/api/v1/people",
            &z.admin,
            &json!({ "name": "赵车间", "user_id": user, "grid_id": z.grid_a["id"] }),
        )
        .await;
    app.pre_job(&z.admin, &person).await;
    app.created(
        &format!("/api/v1/grids/{}/assignments", id(&z.grid_a)),
        &z.admin,
        &json!({ "person_id": person["id"], "role": "part_time_worker" }),
    )
    .await;
    app.tokens("pt_a", USER_PASSWORD).await.0
}

async fn a_visit_verifies_the_enterprise_and_resends_answer_the_first(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let firm = format!("/api/v1/enterprises/{}", id(&z.firm_a));
    let before = app.ok(&firm, &z.worker_a).await;
    assert!(before["last_verified_at"].is_null());
    assert_eq!(before["stale"], true, "never visited");

    // a part-time worker visits offline with a photo and sends it later
    let pt = part_timer(&app, &z).await;
    let photo = app.upload(&pt, "image/jpeg", PHOTO).await;
    assert_eq!(photo.status, 201, "{}", photo.text);
    let offline_id = uuid::Uuid::now_v7().to_string();
    let mut body = visit(2);
    body["id"] = json!(offline_id);
    body["purpose"] = json!("safety_check");
    body["lat"] = json!(33.79);
    body["lng"] = json!(114.52);
    body["attachments"] = json!([photo.body["id"]]);
    let first = app.post(&format!("{firm}/visits"), Some(&pt), &body).await;
    assert_eq!(first.status, 201, "{}", first.text);
    assert_eq!(first.body["id"], offline_id.as_str());
    assert_eq!(first.body["visitor_name"], "pt_a");
    assert_eq!(first.body["attachments"], json!([photo.body["id"]]));
    let again = app.post(&format!("{firm}/visits"), Some(&pt), &body).await;
    assert_eq!(again.status, 200, "{}", again.text);
    assert_eq!(again.body["created_at"], first.body["created_at"]);
    let mut changed = body.clone();
    changed["findings"] = json!("另有发现");
    changed["attachments"] = json!([]);
    app.post(&format!("{firm}/visits"), Some(&pt), &changed)
        .await
        .assert_problem(409, "visit_exists");

    // the enterprise is verified as of the visit, and no longer stale
    let after = app.ok(&firm, &z.worker_a).await;
    assert_eq!(after["last_verified_at"], first.body["visited_at"]);
    assert_eq!(after["stale"], false);
    assert_eq!(
        after["version"], before["version"],
        "a visit never makes an edit stale"
    );
    // an older visit sent later does not move it back
    let late = app
        .created(&format!("{firm}/visits"), &z.worker_a, &visit(20))
        .await;
    assert_eq!(late["purpose"], "routine");
    let still = app.ok(&firm, &z.worker_a).await;
    assert_eq!(still["last_verified_at"], first.body["visited_at"]);

    // the photo is seen by the grid's staff, not by another grid's
    let path = format!("/api/v1/attachments/{}", id(&photo.body));
    assert_eq!(app.get(&path, Some(&z.worker_a)).await.status, 200);
    app.get(&path, Some(&z.worker_b))
        .await
        .assert_problem(404, "not_found");
    // and it cannot be attached twice
    let mut reuse = visit(1);
    reuse["attachments"] = json!([photo.body["id"]]);
    let res = app.post(&format!("{firm}/visits"), Some(&pt), &reuse).await;
    let problem = res.assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "attachments[0]");

    // the part-time worker visits but keeps no profile: 403
    app.request(
        Method::PUT,
        &format!("{firm}/profile"),
        Some(&pt),
        Some(&json!({})),
        &[],
    )
    .await
    .assert_problem(403, "forbidden");
    // a visit from the future, or a year and more ago, is refused
    for days in [-1, 400] {
        let res = app
            .post(&format!("{firm}/visits"), Some(&pt), &visit(days))
            .await;
        let problem = res.assert_problem(422, "validation_failed");
        assert_eq!(problem["errors"][0]["field"], "visited_at");
    }
    let log = app
        .ok("/api/v1/audit-log?action=enterprise.visit", &z.admin)
        .await;
    assert_eq!(log["items"].as_array().unwrap().len(), 2);
}

async fn stale_enterprises_are_listed_and_visits_are_paged(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, &[("GRIDWORK_STALE_AFTER_DAYS", "30")]).await
    else {
        return;
    };
    let z = Zone::build(&app).await;
    let visits_a = format!("/api/v1/enterprises/{}/visits", id(&z.firm_a));
    let visits_b = format!("/api/v1/enterprises/{}/visits", id(&z.firm_b));
    app.created(&visits_a, &z.admin, &visit(40)).await;
    app.created(&visits_b, &z.admin, &visit(10)).await;
    let names = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["name"].as_str().unwrap().to_owned())
            .collect()
    };
    // A was last visited 40 days ago: stale after 30
    let stale = app.ok("/api/v1/enterprises?stale=true", &z.admin).await;
    assert_eq!(names(&stale), ["周口耕德电子"]);
    assert_eq!(stale["items"][0]["stale"], true);
    let fresh = app.ok("/api/v1/enterprises?stale=false", &z.admin).await;
    assert_eq!(names(&fresh), ["河南普瑞制药"]);
    // a worker sees only the stale ones of the grids they serve
    let mine = app.ok("/api/v1/enterprises?stale=true", &z.worker_b).await;
    assert!(names(&mine).is_empty());

    // visits list latest first, paged by (visited_at, id)
    for days in [5, 3, 1] {
        app.created(&visits_a, &z.worker_a, &visit(days)).await;
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("{visits_a}?limit=2&cursor={c}"),
            None => format!("{visits_a}?limit=2"),
        };
        let page = app.ok(&path, &z.worker_a).await;
        for v in page["items"].as_array().unwrap() {
            seen.push(v["visited_at"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 4);
    let mut sorted = seen.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(seen, sorted, "latest first");
    let firm_a = app
        .ok(&format!("/api/v1/enterprises/{}", id(&z.firm_a)), &z.admin)
        .await;
    assert_eq!(firm_a["stale"], false, "visited a day ago");
}

async fn visits_are_out_of_reach_for_another_grid(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let visits_a = format!("/api/v1/enterprises/{}/visits", id(&z.firm_a));
    app.created(&visits_a, &z.worker_a, &visit(1)).await;
    app.get(&visits_a, Some(&z.worker_b))
        .await
        .assert_problem(404, "not_found");
    app.post(&visits_a, Some(&z.worker_b), &visit(1))
        .await
        .assert_problem(404, "not_found");
    // a rider with no grid sees no enterprise at all
    app.create_user(&z.admin, "rider", &["mobile_worker"]).await;
    let rider = app.tokens("rider", USER_PASSWORD).await.0;
    app.post(&visits_a, Some(&rider), &visit(1))
        .await
        .assert_problem(404, "not_found");
    let page = app.ok(&visits_a, &z.worker_a).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
}
