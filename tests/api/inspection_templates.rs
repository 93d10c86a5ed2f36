//! Inspection templates: versioned (every version readable), kept by the
//! zone office, refusals named by item.

use gridwork_tests::{Backend, TestApp, Zone, error_fields, id, on_both_backends};
use serde_json::{Value, json};

on_both_backends!(templates_are_versioned_and_every_version_stays_readable);

pub fn walk_round() -> Value {
    json!({
        "name": "消防设施器材周检",
        "description": "元坤电力每周一消防器材巡检",
        "items": [
            { "key": "extinguishers_charged", "label": "灭火器压力在绿区", "kind": "yes_no", "fail_if": false },
            { "key": "hydrant_pressure", "label": "消火栓压力", "kind": "number", "min": 0, "max": 2, "unit": "MPa", "fail_below": 0.1, "severity": "major" },
            { "key": "exits", "label": "疏散通道", "kind": "choice", "choices": ["畅通", "部分堵塞", "堵塞"], "fail_choices": ["部分堵塞", "堵塞"] },
            { "key": "remarks", "label": "其他情况", "kind": "text", "required": false },
            { "key": "panel", "label": "报警控制器照片", "kind": "photo", "required": false }
        ]
    })
}

async fn templates_are_versioned_and_every_version_stays_readable(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    // grid workers inspect but keep no templates
    app.post(
        "/api/v1/inspection-templates",
        Some(&z.worker_a),
        &walk_round(),
    )
    .await
    .assert_problem(403, "forbidden");
    let created = app
        .post(
            "/api/v1/inspection-templates",
            Some(&z.admin),
            &walk_round(),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.header("etag"), Some("\"1\""));
    let t = created.body;
    assert_eq!(t["version"], 1);
    assert_eq!(
        t["items"][0]["required"], true,
        "items are required by default"
    );
    let path = format!("/api/v1/inspection-templates/{}", id(&t));

    // a new version: a question added, another reworded
    let mut next = walk_round();
    next["items"][0]["label"] = json!("灭火器压力指针在绿区");
    next["items"].as_array_mut().unwrap().push(
        json!({ "key": "lights", "label": "应急照明完好", "kind": "yes_no", "fail_if": false }),
    );
    let second = app.put_if(&path, &z.admin, "\"1\"", &next).await;
    assert_eq!(second.status, 200, "{}", second.text);
    assert_eq!(second.body["version"], 2);
    app.put_if(&path, &z.admin, "\"1\"", &walk_round())
        .await
        .assert_problem(412, "precondition_failed");
    let same = app.put_if(&path, &z.admin, "\"1\"", &next).await;
    assert_eq!(same.body["version"], 2, "the same content makes no version");

    // every version stays readable, by anyone signed in
    let latest = app.ok(&path, &z.worker_a).await;
    assert_eq!(latest["version"], 2);
    assert_eq!(latest["items"].as_array().unwrap().len(), 6);
    let first = app.ok(&format!("{path}/versions/1"), &z.worker_a).await;
    assert_eq!(
        (first["version"].as_i64(), first["latest_version"].as_i64()),
        (Some(1), Some(2))
    );
    assert_eq!(first["items"][0]["label"], "灭火器压力在绿区");
    app.get(&format!("{path}/versions/3"), Some(&z.worker_a))
        .await
        .assert_problem(404, "not_found");
    let list = app.ok("/api/v1/inspection-templates", &z.worker_b).await;
    assert_eq!(list["items"][0]["version"], 2);
    assert_eq!(list["items"][0]["item_count"], 6);

    // refusals name the item
    let mut bad = walk_round();
    bad["items"][2]["fail_choices"] = json!(["倒塌"]);
    bad["items"][3]["severity"] = json!("major");
    let res = app
        .post("/api/v1/inspection-templates", Some(&z.admin), &bad)
        .await;
    let problem = res.assert_problem(422, "validation_failed");
    let fields = error_fields(problem);
    assert_eq!(fields, ["items[2].fail_choices[0]", "items[3].severity"]);
    let log = app
        .ok(
            "/api/v1/audit-log?action=inspection_template.update",
            &z.admin,
        )
        .await;
    assert_eq!(log["items"].as_array().unwrap().len(), 1);
}
