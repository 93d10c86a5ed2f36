//! Policy publicity: targeting by grid, role and industry; a worker outside
//! the target never sees the policy; read receipts; briefings; reach.

use gridwork_tests::{Backend, TestApp, Zone, error_fields, id, on_both_backends};
use serde_json::{Value, json};

const PHOTO: &[u8] = include_bytes!("../../domain/tests/fixtures/photo.jpg");

on_both_backends!(a_policy_reaches_only_its_targets_who_acknowledge_it);

fn policy(target: Value) -> Value {
    json!({
        "id": uuid::Uuid::now_v7().to_string(),
        "title": "药品生产质量管理规范（修订）",
        "summary": "药企须在明年三月前完成洁净区改造，网格员上门讲解申报流程。",
        "body": "第一条 ……",
        "source_level": "national",
        "effective_on": "2027-03-01",
        "tags": ["药品", "安全生产"],
        "target": target,
    })
}

async fn a_policy_reaches_only_its_targets_who_acknowledge_it(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let leader = z
        .staff(&app, "leader_a", "grid_leader", "grid_leader")
        .await;
    // for grid A's full-time workers only
    let body = policy(json!({ "grid_ids": [z.grid_a["id"]], "roles": ["full_time_worker"] }));
    app.post("/api/v1/policies", Some(&z.worker_a), &body)
        .await
        .assert_problem(403, "forbidden");
    let made = app.post("/api/v1/policies", Some(&z.admin), &body).await;
    assert_eq!(made.status, 201, "{}", made.text);
    assert_eq!(made.body["target"]["grid_ids"], json!([z.grid_a["id"]]));
    assert_eq!(
        made.body["targeted"], false,
        "the office is not its audience"
    );
    let again = app.post("/api/v1/policies", Some(&z.admin), &body).await;
    assert_eq!((again.status, &again.body["id"]), (200, &made.body["id"]));
    let mut other = body.clone();
    other["title"] = json!("另一项政策");
    app.post("/api/v1/policies", Some(&z.admin), &other)
        .await
        .assert_problem(409, "policy_exists");
    let mut bad = policy(
        json!({ "grid_ids": ["0193a1f4-7c9e-7d21-9a1b-3f4e5d6c7b8a"], "industries": ["Z"] }),
    );
    bad["tags"] = json!([" "]);
    let refused = app.post("/api/v1/policies", Some(&z.admin), &bad).await;
    refused.assert_problem(422, "validation_failed");
    assert_eq!(
        error_fields(&refused.body),
        ["tags[0]", "target.industries[0]"],
        "{}",
        refused.text
    );
    bad["tags"] = json!([]);
    bad["target"]["industries"] = json!([]);
    let refused = app.post("/api/v1/policies", Some(&z.admin), &bad).await;
    assert_eq!(error_fields(&refused.body), ["target.grid_ids[0]"]);

    let path = format!("/api/v1/policies/{}", id(&made.body));
    // grid A's worker has it pending
    let mine = app.ok("/api/v1/policies?pending=true", &z.worker_a).await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    assert_eq!(mine["items"][0]["targeted"], true);
    assert_eq!(app.ok(&path, &z.worker_a).await["body"], "第一条 ……");
    // grid B's worker never sees it
    app.get(&path, Some(&z.worker_b))
        .await
        .assert_problem(404, "not_found");
    assert!(
        app.ok("/api/v1/policies", &z.worker_b).await["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    app.post(
        &format!("{path}/acknowledge"),
        Some(&z.worker_b),
        &json!({}),
    )
    .await
    .assert_problem(404, "not_found");
    // grid A's leader follows it but is not addressed
    assert_eq!(app.ok(&path, &leader).await["targeted"], false);
    assert!(
        app.ok("/api/v1/policies?pending=true", &leader).await["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    app.post(&format!("{path}/acknowledge"), Some(&leader), &json!({}))
        .await
        .assert_problem(409, "not_targeted");
    let reach = app.ok(&format!("{path}/reach"), &leader).await;
    assert_eq!(
        reach["totals"],
        json!({ "targeted": 1, "acknowledged": 0, "rate": 0.0 })
    );
    let grid_a = reach["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["grid_id"] == z.grid_a["id"])
        .unwrap();
    assert_eq!(grid_a["pending"][0]["name"], "张亚超");
    app.get(&format!("{path}/reach"), Some(&z.worker_a))
        .await
        .assert_problem(403, "forbidden");

    // the worker acknowledges: a receipt, the same one when sent again
    let ack = app
        .post(
            &format!("{path}/acknowledge"),
            Some(&z.worker_a),
            &json!({}),
        )
        .await;
    assert_eq!(ack.status, 201, "{}", ack.text);
    let ack_again = app
        .post(
            &format!("{path}/acknowledge"),
            Some(&z.worker_a),
            &json!({}),
        )
        .await;
    assert_eq!(ack_again.status, 200);
    assert_eq!(
        ack_again.body["acknowledged_at"],
        ack.body["acknowledged_at"]
    );
    assert!(
        app.ok("/api/v1/policies?pending=true", &z.worker_a).await["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        app.ok(&path, &z.worker_a).await["acknowledged_at"],
        ack.body["acknowledged_at"]
    );
    let reach = app.ok(&format!("{path}/reach"), &z.admin).await;
    assert_eq!(
        reach["totals"],
        json!({ "targeted": 1, "acknowledged": 1, "rate": 1.0 })
    );

    // a zone-wide policy for manufacturing firms reaches the pharmaceutical
    // firm's grid only
    let firm_b = format!("/api/v1/enterprises/{}", id(&z.firm_b));
    let etag = format!("\"{}\"", app.ok(&firm_b, &z.admin).await["version"]);
    let changed = app
        .request(
            actix_web::http::Method::PATCH,
            &firm_b,
            Some(&z.admin),
            Some(&json!({ "industry_section": "C" })),
            &[("If-Match", etag.as_str())],
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    let pharma = app
        .created(
            "/api/v1/policies",
            &z.admin,
            &policy(json!({ "industries": ["C"] })),
        )
        .await;
    let pharma_path = format!("/api/v1/policies/{}", id(&pharma));
    assert_eq!(app.ok(&pharma_path, &z.worker_b).await["targeted"], true);
    app.get(&pharma_path, Some(&z.worker_a))
        .await
        .assert_problem(404, "not_found");
    let reach = app
        .ok(&format!("{pharma_path}/reach?limit=1"), &z.admin)
        .await;
    assert_eq!(reach["totals"]["targeted"], 1);
    // paged by grid in code order; totals on the first page only
    let mut pending = Vec::new();
    let mut page = reach;
    loop {
        for g in page["items"].as_array().unwrap() {
            pending.extend(
                g["pending"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| p["name"].clone()),
            );
        }
        let Some(cursor) = page["next_cursor"].as_str().map(str::to_owned) else {
            break;
        };
        page = app
            .ok(
                &format!("{pharma_path}/reach?limit=1&cursor={cursor}"),
                &z.admin,
            )
            .await;
        assert_eq!(page["totals"], Value::Null);
    }
    assert_eq!(pending, [json!("宋根华")]);
}

on_both_backends!(briefings_are_recorded_offline_with_photos_in_the_workers_grid);

async fn briefings_are_recorded_offline_with_photos_in_the_workers_grid(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let made = app
        .created(
            "/api/v1/policies",
            &z.admin,
            &policy(json!({ "grid_ids": [z.grid_a["id"]] })),
        )
        .await;
    let path = format!("/api/v1/policies/{}/briefings", id(&made));
    let photo = app.upload(&z.worker_a, "image/jpeg", PHOTO).await;
    assert_eq!(photo.status, 201, "{}", photo.text);
    let today = chrono::Utc::now().date_naive();
    let briefing = json!({
        "id": uuid::Uuid::now_v7().to_string(),
        "grid_id": z.grid_a["id"],
        "held_on": today,
        "attendee_count": 32,
        "notes": "车间班前会宣讲",
        "attachments": [photo.body["id"]],
    });
    let held = app.post(&path, Some(&z.worker_a), &briefing).await;
    assert_eq!(held.status, 201, "{}", held.text);
    assert_eq!(held.body["attachments"], json!([photo.body["id"]]));
    let again = app.post(&path, Some(&z.worker_a), &briefing).await;
    assert_eq!((again.status, &again.body["id"]), (200, &held.body["id"]));
    let mut other = briefing.clone();
    other["attendee_count"] = json!(5);
    app.post(&path, Some(&z.worker_a), &other)
        .await
        .assert_problem(409, "briefing_exists");
    let mut future = briefing.clone();
    future["id"] = json!(uuid::Uuid::now_v7().to_string());
    future["held_on"] = json!(today + chrono::Duration::days(3));
    future["attachments"] = json!([]);
    let refused = app.post(&path, Some(&z.worker_a), &future).await;
    assert_eq!(error_fields(&refused.body), ["held_on"]);
    let listed = app.ok(&path, &z.worker_a).await;
    assert_eq!(listed["items"][0]["attendee_count"], 32);
    // the photo is readable by those who see the briefing, no one else
    let photo_path = format!("/api/v1/attachments/{}", id(&photo.body));
    assert_eq!(app.get(&photo_path, Some(&z.admin)).await.status, 200);
    app.get(&photo_path, Some(&z.worker_b))
        .await
        .assert_problem(404, "not_found");
    // grid B's worker neither sees the policy nor records a briefing of it
    app.get(&path, Some(&z.worker_b))
        .await
        .assert_problem(404, "not_found");
    let mut elsewhere = future.clone();
    elsewhere["held_on"] = json!(today);
    elsewhere["grid_id"] = z.grid_b["id"].clone();
    app.post(&path, Some(&z.worker_b), &elsewhere)
        .await
        .assert_problem(404, "not_found");
}
