//! The application layer is one path for every caller: the CLI import and
//! the API refuse a bad row with the same words, the demo's placards pass the
//! same publish rules as the API's, and every change writes its audit entry
//! and outbox event in its own transaction.

use gridwork_api::demo::SeedOutcome;
use gridwork_api::import::{self, ImportError};
use gridwork_domain::event::EventType;
use gridwork_persistence::outbox;
use gridwork_tests::{Backend, TestApp, on_both_backends};
use serde_json::{Value, json};

on_both_backends!(
    the_cli_import_and_the_api_refuse_a_bad_row_alike,
    the_demo_publishes_its_placards_through_the_publish_rules,
    a_change_writes_its_outbox_event_and_a_refusal_writes_none,
);

/// (field, message) of each invalid field of a 422 answer.
fn field_errors(body: &Value) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    found.sort();
    found
}

fn row_errors(result: Result<usize, ImportError>) -> Vec<(String, String)> {
    let Err(ImportError::Rows(errors)) = result else {
        panic!("the bad row is refused: {result:?}");
    };
    let mut found: Vec<(String, String)> = errors
        .into_iter()
        .map(|e| {
            assert_eq!(e.line, 2);
            (e.field, e.reason)
        })
        .collect();
    found.sort();
    found
}

async fn the_cli_import_and_the_api_refuse_a_bad_row_alike(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let admin = app.admin_token().await;
    let mut conn = app.pool.get().unwrap();

    let api = app
        .post(
            "/api/v1/enterprises",
            Some(&admin),
            &json!({ "name": "坏企业", "uscc": "91110000802100433C", "employee_count": -5, "lat": 95.0, "lng": 114.5, "flags": ["lava"] }),
        )
        .await;
    let api = field_errors(api.assert_problem(422, "validation_failed"));
    let cli = row_errors(import::enterprises(
        &mut conn,
        "name,uscc,employee_count,lat,lng,flags\n坏企业,91110000802100433C,-5,95,114.5,lava\n"
            .as_bytes(),
    ));
    assert_eq!(api.len(), 4, "{api:?}");
    assert_eq!(cli, api, "the same fields refused with the same reasons");

    let api = app
        .post(
            "/api/v1/people",
            Some(&admin),
            &json!({ "name": "张三", "mobile": "12345", "work_phone": "call me", "id_card_number": "110105194912310021" }),
        )
        .await;
    let api = field_errors(api.assert_problem(422, "validation_failed"));
    let cli = row_errors(import::people(
        &mut conn,
        "name,mobile,work_phone,id_card_number\n张三,12345,call me,110105194912310021\n".as_bytes(),
        b"key-of-at-least-32-bytes-for-tests",
    ));
    assert_eq!(api.len(), 3, "{api:?}");
    assert_eq!(cli, api);
}

async fn the_demo_publishes_its_placards_through_the_publish_rules(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let loaded = app.load_demo().await.unwrap();
    let mut conn = app.pool.get().unwrap();
    assert!(matches!(loaded, SeedOutcome::Loaded { grids: 62, .. }));
    let admin = app.admin_token().await;

    // each of the 62 boards was published by the publish command, which checks the rules
    let published = app
        .ok("/api/v1/audit-log?action=placard.publish&limit=200", &admin)
        .await;
    let entries = published["items"].as_array().unwrap();
    assert_eq!(entries.len(), 62);
    let grids = app
        .ok("/api/v1/grids?include_archived=false&limit=200", &admin)
        .await;
    for grid in grids["items"].as_array().unwrap() {
        let id = grid["id"].as_str().unwrap();
        let preview = app.ok(&format!("/api/v1/grids/{id}/placard"), &admin).await;
        if grid["kind"] == "zone" {
            assert_eq!(preview["published"], false, "the zone root has no board");
            continue;
        }
        assert_eq!(preview["published"], true, "{preview}");
        assert_eq!(preview["ready"], true, "the rules hold today: {preview}");
        assert!(
            entries.iter().any(|e| e["target_id"] == id),
            "{id} published by the command"
        );
        let events = outbox::for_aggregate(&mut conn, id).unwrap();
        assert!(
            events
                .iter()
                .any(|e| e.event_type == EventType::PlacardPublished)
        );
    }

    // and the API, applying the same rules, agrees: a grid without consent cannot publish
    let zone = grids["items"][0]["id"].as_str().unwrap().to_owned();
    let area = app
        .created(
            "/api/v1/grids",
            &admin,
            &json!({ "name": "新区", "kind": "general", "parent_id": zone }),
        )
        .await;
    let refused = app
        .post(
            &format!(
                "/api/v1/grids/{}/placard/publish",
                area["id"].as_str().unwrap()
            ),
            Some(&admin),
            &json!({}),
        )
        .await;
    refused.assert_problem(409, "placard_not_ready");
}

async fn a_change_writes_its_outbox_event_and_a_refusal_writes_none(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let admin = app.admin_token().await;
    let zone = app
        .created(
            "/api/v1/grids",
            &admin,
            &json!({ "name": "经开区", "kind": "zone" }),
        )
        .await;
    let zone_id = zone["id"].as_str().unwrap();
    let mut conn = app.pool.get().unwrap();
    let events = outbox::for_aggregate(&mut conn, zone_id).unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].event_type, EventType::GridCreated);
    assert_eq!(events[0].aggregate_type, "grid");
    let payload: Value = serde_json::from_str(&events[0].payload).unwrap();
    assert_eq!(payload["code"], zone["code"]);
    assert!(events[0].request_id.is_some(), "events name their request");

    // a rename: one more event; a stale rename: nothing at all
    let renamed = app
        .patch(
            &format!("/api/v1/grids/{zone_id}"),
            Some(&admin),
            &json!({ "name": "西华经开区" }),
        )
        .await;
    assert_eq!(renamed.status, 200);
    let stale = app
        .request(
            actix_web::http::Method::PATCH,
            &format!("/api/v1/grids/{zone_id}"),
            Some(&admin),
            Some(&json!({ "name": "旧名" })),
            &[("If-Match", "\"1\"")],
        )
        .await;
    stale.assert_problem(412, "precondition_failed");
    let events = outbox::for_aggregate(&mut conn, zone_id).unwrap();
    let types: Vec<EventType> = events.iter().map(|e| e.event_type).collect();
    assert_eq!(types, [EventType::GridCreated, EventType::GridUpdated]);
    let payload: Value = serde_json::from_str(&events[1].payload).unwrap();
    assert_eq!(payload["changed"], json!(["name"]));

    // a refused archive (the grid holds a child) leaves no event behind
    app.created(
        "/api/v1/grids",
        &admin,
        &json!({ "name": "东区", "kind": "general", "parent_id": zone_id }),
    )
    .await;
    let busy = app
        .request(
            actix_web::http::Method::DELETE,
            &format!("/api/v1/grids/{zone_id}"),
            Some(&admin),
            None,
            &[],
        )
        .await;
    busy.assert_problem(409, "grid_not_empty");
    assert_eq!(outbox::for_aggregate(&mut conn, zone_id).unwrap().len(), 2);
}
