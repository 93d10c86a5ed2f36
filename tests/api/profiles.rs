//! Enterprise profiles (人、地、事、物): versions with what changed, who and
//! when; If-Match; refusals named by path; phones masked; scope.

use gridwork_tests::{Backend, TestApp, Zone, error_fields, id, on_both_backends};
use serde_json::{Value, json};

on_both_backends!(
    a_profile_is_versioned_with_what_changed,
    a_profile_refuses_bad_entries_by_path_and_stale_versions,
    a_profile_is_out_of_reach_for_another_grid
);

fn profile() -> Value {
    json!({
        "headcount": { "regular": 320, "temporary": 40, "migrant": 120 },
        "key_personnel": [
            { "role": "safety_officer", "name": "李安全", "phone": "13800001234" },
            { "role": "emergency_contact", "name": "王应急", "phone": "0394-8123456" }
        ],
        "places": [{ "kind": "workshop", "name": "一号车间", "area_m2": 2400.0, "occupants": 180 }],
        "fire_equipment": [{ "kind": "extinguisher", "location": "一号车间东门", "count": 12, "next_check_on": "2027-01-15" }],
        "special_equipment": [{ "kind": "boiler", "name": "2号燃气锅炉", "registration_no": "锅豫P1234", "inspection_due_on": "2027-03-01" }],
        "hazardous_chemicals": [{ "name": "液氨", "cas_no": "7664-41-7", "quantity": 2.5, "unit": "t", "storage": "危化品库" }]
    })
}

async fn a_profile_is_versioned_with_what_changed(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let path = format!("/api/v1/enterprises/{}/profile", id(&z.firm_a));

    // nobody described it yet: version 0, empty
    let empty = app.get(&path, Some(&z.worker_a)).await;
    assert_eq!(empty.status, 200, "{}", empty.text);
    assert_eq!(empty.header("etag"), Some("\"0\""));
    assert_eq!(empty.body["version"], 0);
    assert_eq!(empty.body["total_headcount"], 0);
    assert!(empty.body["edited_at"].is_null());

    // the full-time worker fills it in
    let first = app.put_if(&path, &z.worker_a, "\"0\"", &profile()).await;
    assert_eq!(first.status, 200, "{}", first.text);
    assert_eq!(first.header("etag"), Some("\"1\""));
    assert_eq!(first.body["version"], 1);
    assert_eq!(first.body["total_headcount"], 480);
    assert_eq!(first.body["edited_by_name"], "worker_a");
    // the worker has no people-management rights: phones masked
    assert_eq!(first.body["key_personnel"][0]["phone"], "138****1234");
    assert_eq!(first.body["key_personnel"][0]["phone_masked"], true);
    assert_eq!(
        first.body["special_equipment"][0]["inspection_due_on"],
        "2027-03-01"
    );
    // the admin manages people and sees them in full
    let full = app.ok(&path, &z.admin).await;
    assert_eq!(full["key_personnel"][0]["phone"], "13800001234");
    assert_eq!(full["key_personnel"][1]["phone"], "0394-8123456");

    // the same content again (a retry) makes no version, whatever If-Match says
    let again = app.put_if(&path, &z.worker_a, "\"0\"", &profile()).await;
    assert_eq!(again.status, 200, "{}", again.text);
    assert_eq!(again.body["version"], 1);

    // a new hire and a boiler inspected: version 2 names what changed
    let mut next = profile();
    next["headcount"]["regular"] = json!(332);
    next["special_equipment"][0]["inspection_due_on"] = json!("2028-03-01");
    next["key_personnel"][0]["phone"] = json!("13900009999");
    let second = app.put_if(&path, &z.admin, "\"1\"", &next).await;
    assert_eq!(second.status, 200, "{}", second.text);
    assert_eq!(second.body["version"], 2);

    let history = app.ok(&format!("{path}/history"), &z.worker_a).await;
    let items = history["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["version"], 2);
    assert_eq!(items[0]["edited_by_name"], "Administrator");
    let fields: Vec<(&str, bool, bool)> = items[0]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["field"].as_str().unwrap(),
                !c["before"].is_null(),
                !c["after"].is_null(),
            )
        })
        .collect();
    assert_eq!(
        fields,
        [
            ("headcount.regular", true, true),
            ("key_personnel", true, false),
            ("key_personnel", false, true),
            ("special_equipment", true, false),
            ("special_equipment", false, true),
        ]
    );
    assert_eq!(items[0]["changes"][0]["before"], 320);
    assert_eq!(items[0]["changes"][0]["after"], 332);
    // the history masks phones as the profile does
    assert_eq!(items[0]["changes"][2]["after"]["phone"], "139****9999");
    assert_eq!(items[1]["version"], 1);
    assert_eq!(items[1]["changes"].as_array().unwrap().len(), 9);

    // paged: one version a page
    let page = app
        .ok(&format!("{path}/history?limit=1"), &z.worker_a)
        .await;
    assert_eq!(page["items"][0]["version"], 2);
    let cursor = page["next_cursor"].as_str().unwrap();
    let rest = app
        .ok(
            &format!("{path}/history?limit=1&cursor={cursor}"),
            &z.worker_a,
        )
        .await;
    assert_eq!(rest["items"][0]["version"], 1);
    assert!(rest["next_cursor"].is_null());

    // every version stays readable
    let old = app.ok(&format!("{path}?version=1"), &z.admin).await;
    assert_eq!(old["headcount"]["regular"], 320);
    app.get(&format!("{path}?version=9"), Some(&z.admin))
        .await
        .assert_problem(404, "not_found");

    // audited, with an outbox event
    let log = app
        .ok(
            "/api/v1/audit-log?action=enterprise.profile_update",
            &z.admin,
        )
        .await;
    assert_eq!(log["items"].as_array().unwrap().len(), 2);
    let pool = app.pool.clone();
    let firm = id(&z.firm_a).to_owned();
    let events = actix_web::rt::task::spawn_blocking(move || {
        use diesel::prelude::*;
        use gridwork_persistence::schema::outbox_events::dsl::*;
        let mut conn = pool.get().unwrap();
        outbox_events
            .filter(aggregate_id.eq(firm))
            .filter(event_type.eq("enterprise.profile_updated"))
            .count()
            .get_result::<i64>(&mut conn)
            .unwrap()
    })
    .await
    .unwrap();
    assert_eq!(events, 2);
}

async fn a_profile_refuses_bad_entries_by_path_and_stale_versions(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let path = format!("/api/v1/enterprises/{}/profile", id(&z.firm_a));
    let mut bad = profile();
    bad["special_equipment"][0]["name"] = json!("   ");
    bad["hazardous_chemicals"][0]["cas_no"] = json!("7664-41-8");
    bad["key_personnel"][1]["phone"] = json!("-----");
    let refused = app.put_if(&path, &z.worker_a, "\"0\"", &bad).await;
    let problem = refused.assert_problem(422, "validation_failed");
    let fields = error_fields(problem);
    assert_eq!(
        fields,
        [
            "key_personnel[1].phone",
            "special_equipment[0].name",
            "hazardous_chemicals[0].cas_no"
        ]
    );
    // unknown fields and wrong kinds never reach the store
    let mut unknown = profile();
    unknown["places"][0]["colour"] = json!("red");
    let res = app.put_if(&path, &z.worker_a, "\"0\"", &unknown).await;
    assert!(matches!(res.status, 400 | 422), "{}", res.text);
    let none = app.ok(&path, &z.worker_a).await;
    assert_eq!(none["version"], 0, "nothing written");

    assert_eq!(
        app.put_if(&path, &z.worker_a, "\"0\"", &profile())
            .await
            .status,
        200
    );
    let mut other = profile();
    other["headcount"]["temporary"] = json!(41);
    app.put_if(&path, &z.worker_a, "\"0\"", &other)
        .await
        .assert_problem(412, "precondition_failed");
}

async fn a_profile_is_out_of_reach_for_another_grid(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let path = format!("/api/v1/enterprises/{}/profile", id(&z.firm_a));
    assert_eq!(
        app.put_if(&path, &z.worker_a, "\"0\"", &profile())
            .await
            .status,
        200
    );
    for p in [
        path.clone(),
        format!("{path}/history"),
        format!("{path}?version=1"),
    ] {
        app.get(&p, Some(&z.worker_b))
            .await
            .assert_problem(404, "not_found");
    }
    app.put_if(&path, &z.worker_b, "\"1\"", &profile())
        .await
        .assert_problem(404, "not_found");
    app.get(
        "/api/v1/enterprises/0193a1f4-7c9e-7d21-9a1b-3f4e5d6c7b8a/profile",
        Some(&z.admin),
    )
    .await
    .assert_problem(404, "not_found");
}
