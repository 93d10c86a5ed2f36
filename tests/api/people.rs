use diesel::{QueryDsl, RunQueryDsl};
use gridwork_persistence::schema::people;
use gridwork_tests::{Backend, TestApp, Zone, id, on_both_backends};
use serde_json::json;

on_both_backends!(
    phones_are_masked_without_people_rights,
    id_numbers_are_checked_and_never_kept_in_full,
    person_input_is_validated_field_by_field,
);

async fn phones_are_masked_without_people_rights(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let path = format!("/api/v1/people/{}", id(&z.person_a));
    let admin_view = app.ok(&path, &z.admin).await;
    assert_eq!(admin_view["mobile"], "13800001234");
    assert_eq!(admin_view["mobile_masked"], false);
    let worker_view = app.ok(&path, &z.worker_a).await;
    assert_eq!(worker_view["mobile"], "138****1234");
    assert_eq!(worker_view["mobile_masked"], true);
    let list = app.get("/api/v1/people", Some(&z.worker_a)).await;
    assert!(!list.text.contains("13800001234"));
    let assignments = app
        .get(
            &format!("/api/v1/grids/{}/assignments", id(&z.grid_a)),
            Some(&z.worker_a),
        )
        .await;
    assert!(assignments.text.contains("138****1234") && !assignments.text.contains("13800001234"));
    // a grid leader has people-management rights
    let leader = app
        .create_user(&z.admin, "leader_a", &["grid_leader"])
        .await;
    let person = app
        .created(
            "/api/v1/people",
            &z.admin,
            &json!({ "name": "王勇翔", "user_id": leader, "grid_id": z.grid_a["id"] }),
        )
        .await;
    app.created(
        &format!("/api/v1/grids/{}/assignments", id(&z.grid_a)),
        &z.admin,
        &json!({ "person_id": person["id"], "role": "grid_leader" }),
    )
    .await;
    let leader_token = app
        .tokens("leader_a", gridwork_tests::USER_PASSWORD)
        .await
        .0;
    assert_eq!(app.ok(&path, &leader_token).await["mobile"], "13800001234");
}

async fn id_numbers_are_checked_and_never_kept_in_full(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let admin = app.admin_token().await;
    let create = |number: &str| {
        let app = &app;
        let admin = admin.clone();
        let body = json!({ "name": "南必柯", "id_card_number": number });
        async move { app.post("/api/v1/people", Some(&admin), &body).await }
    };
    for bad in [
        "110105194912310021",
        "11010519491231002",
        "1101051949123100AX",
    ] {
        let res = create(bad).await;
        assert_eq!(
            res.assert_problem(422, "validation_failed")["errors"][0]["field"],
            "id_card_number",
            "{bad}"
        );
    }
    let ok = create("11010519491231002x").await;
    assert_eq!(ok.status, 201, "{}", ok.text);
    assert_eq!(
        ok.body["id_card"],
        json!({ "last4": "002X", "masked": "**************002X" })
    );
    assert!(!ok.text.contains("110105194912310"));
    create("11010519491231002X")
        .await
        .assert_problem(409, "person_exists");

    // the database holds a keyed hash and the last four, never the number
    let mut conn = app.pool.get().unwrap();
    let (hash, last4): (Option<String>, Option<String>) = people::table
        .select((people::id_card_hash, people::id_card_last4))
        .first(&mut conn)
        .unwrap();
    assert_eq!(last4.as_deref(), Some("002X"));
    assert_eq!(hash.as_deref().map(str::len), Some(64));
    assert!(!hash.unwrap().contains("11010519491231002X"));
    let audit = app
        .get("/api/v1/audit-log?action=person.create", Some(&admin))
        .await;
    assert!(
        !audit.text.contains("110105"),
        "no ID number in the audit log"
    );
}

async fn person_input_is_validated_field_by_field(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let res = app
        .post(
            "/api/v1/people",
            Some(&z.admin),
            &json!({ "name": " ", "mobile": "12800001234", "work_phone": "call me",
                     "user_id": "0193a1f4-7c9e-7d21-9a1b-3f4e5d6c7b8a" }),
        )
        .await;
    let fields: Vec<&str> = res.assert_problem(422, "validation_failed")["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["name", "mobile", "work_phone"]);
    // an id is a UUID, or refused before anything is looked up
    let nobody = app
        .post(
            "/api/v1/people",
            Some(&z.admin),
            &json!({ "name": "某人", "user_id": "nobody" }),
        )
        .await;
    assert_eq!(
        nobody.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "user_id"
    );
    // consent is recorded with its time, and withdrawn without one
    let path = format!("/api/v1/people/{}", id(&z.person_a));
    let before = app.ok(&path, &z.admin).await;
    assert_eq!(before["placard_consent"], true);
    assert!(before["placard_consent_at"].is_string());
    let withdrawn = app
        .patch(&path, Some(&z.admin), &json!({ "placard_consent": false }))
        .await;
    assert_eq!(
        withdrawn.body["placard_consent_at"],
        serde_json::Value::Null
    );
    // one account, one person
    let linked = app
        .post(
            "/api/v1/people",
            Some(&z.admin),
            &json!({ "name": "另一人", "user_id": before["user_id"] }),
        )
        .await;
    linked.assert_problem(409, "user_linked");
    // workers cannot edit people
    app.patch(&path, Some(&z.worker_a), &json!({ "name": "改名" }))
        .await
        .assert_problem(403, "forbidden");
}

on_both_backends!(only_zone_level_links_accounts_to_people);

async fn only_zone_level_links_accounts_to_people(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let leader_user = app
        .create_user(&z.admin, "leader_a", &["grid_leader"])
        .await;
    let leader = app
        .created(
            "/api/v1/people",
            &z.admin,
            &json!({ "name": "王勇翔", "user_id": leader_user, "grid_id": z.grid_a["id"] }),
        )
        .await;
    app.created(
        &format!("/api/v1/grids/{}/assignments", id(&z.grid_a)),
        &z.admin,
        &json!({ "person_id": leader["id"], "role": "grid_leader" }),
    )
    .await;
    let token = app
        .tokens("leader_a", gridwork_tests::USER_PASSWORD)
        .await
        .0;
    let spare = app.create_user(&z.admin, "spare", &["auditor"]).await;
    // a grid leader manages people of the grid but cannot attach accounts to them
    let res = app
        .post(
            "/api/v1/people",
            Some(&token),
            &json!({ "name": "新人", "grid_id": z.grid_a["id"], "user_id": spare }),
        )
        .await;
    res.assert_problem(403, "forbidden");
    let ok = app
        .post(
            "/api/v1/people",
            Some(&token),
            &json!({ "name": "新人", "grid_id": z.grid_a["id"] }),
        )
        .await;
    assert_eq!(ok.status, 201, "{}", ok.text);
    app.patch(
        &format!("/api/v1/people/{}", id(&ok.body)),
        Some(&token),
        &json!({ "user_id": spare }),
    )
    .await
    .assert_problem(403, "forbidden");
}
