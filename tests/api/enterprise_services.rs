//! Enterprise services over the life cycle: accounts an enterprise holds,
//! requests its users raise (in its grid, from the enterprise, with a
//! stage), worked and evaluated like every case, and the enterprise's view
//! of them by stage — for its own users and its grids, 404 for others.

use gridwork_tests::{
    Backend, TestApp, USER_PASSWORD, Zone, case_step, error_fields, id, on_both_backends,
};
use serde_json::{Value, json};

on_both_backends!(an_enterprise_asks_and_follows_its_services_by_stage);

fn ask(category: &str, firm: &Value, stage: Option<&str>) -> Value {
    let mut body = json!({ "category": category, "severity": "general", "source": "grid_worker",
                           "description": "企业诉求", "enterprise_id": firm["id"] });
    if let Some(stage) = stage {
        body["service_stage"] = json!(stage);
    }
    body
}

async fn an_enterprise_asks_and_follows_its_services_by_stage(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let admin = z.admin.as_str();
    let staff_id = app
        .create_user(admin, "gengde_hr", &["enterprise_user"])
        .await;
    let staff = app.tokens("gengde_hr", USER_PASSWORD).await.0;
    let firm_a = format!("/api/v1/enterprises/{}", id(&z.firm_a));
    let accounts = format!("{firm_a}/accounts");
    let services = format!("{firm_a}/services");

    // before the enterprise lets them act for it, its user may ask nothing
    let talent = ask("enterprise_service.talent", &z.firm_a, Some("settling_in"));
    app.post("/api/v1/cases", Some(&staff), &talent)
        .await
        .assert_problem(403, "forbidden");
    app.get(&services, Some(&staff))
        .await
        .assert_problem(404, "not_found");

    // grid A's worker lets them; grid B's worker does not see enterprise A
    let grant = json!({ "user_id": staff_id });
    app.post(&accounts, Some(&z.worker_b), &grant)
        .await
        .assert_problem(404, "not_found");
    let held = app.created(&accounts, &z.worker_a, &grant).await;
    assert_eq!(held["username"], "gengde_hr");
    app.post(&accounts, Some(&z.worker_a), &grant)
        .await
        .assert_problem(409, "account_held");
    let worker_b_id = app.ok("/api/v1/me", &z.worker_b).await["id"].clone();
    let wrong = app
        .post(
            &accounts,
            Some(&z.worker_a),
            &json!({ "user_id": worker_b_id }),
        )
        .await;
    assert_eq!(
        error_fields(wrong.assert_problem(422, "validation_failed")),
        ["user_id"]
    );
    let listed = app.ok(&accounts, &z.worker_a).await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    app.get(&accounts, Some(&z.worker_b))
        .await
        .assert_problem(404, "not_found");

    // the enterprise's user asks: in its grid, from the enterprise, at a stage
    let first = app.created("/api/v1/cases", &staff, &talent).await;
    assert_eq!(
        (first["grid_id"].as_str(), first["source"].as_str()),
        (z.grid_a["id"].as_str(), Some("enterprise"))
    );
    let market = app
        .created(
            "/api/v1/cases",
            &staff,
            &ask("enterprise_service.market", &z.firm_a, None),
        )
        .await;
    // … only services, only for its own enterprise
    app.post(
        "/api/v1/cases",
        Some(&staff),
        &ask("safety_hazard.fire", &z.firm_a, None),
    )
    .await
    .assert_problem(403, "forbidden");
    app.post(
        "/api/v1/cases",
        Some(&staff),
        &ask("enterprise_service.talent", &z.firm_b, None),
    )
    .await
    .assert_problem(403, "forbidden");
    // a grid worker raises one for the enterprise too; a stage is for services only
    let mut policy = ask("enterprise_service.policy", &z.firm_a, Some("expansion"));
    policy["grid_id"] = z.grid_a["id"].clone();
    app.created("/api/v1/cases", &z.worker_a, &policy).await;
    let fire = app
        .post(
            "/api/v1/cases",
            Some(&z.worker_a),
            &ask("safety_hazard.fire", &z.firm_a, Some("expansion")),
        )
        .await;
    assert_eq!(
        error_fields(fire.assert_problem(422, "validation_failed")),
        ["service_stage"]
    );

    // the enterprise's view: every stage summed up, requests newest first
    let view = app.ok(&services, &staff).await;
    let stages: Vec<(&str, u64)> = view["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["stage"].as_str().unwrap(),
                s["requests"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        stages,
        [("settling_in", 1), ("production", 1), ("expansion", 1)]
    );
    let items = view["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(items[1]["case_id"], market["id"]);
    assert_eq!(items[2]["stage"], "settling_in");
    let production = app
        .ok(&format!("{services}?stage=production"), &staff)
        .await;
    assert_eq!(production["items"].as_array().unwrap().len(), 1);
    assert_eq!(production["items"][0]["case_id"], market["id"]);
    let page = app.ok(&format!("{services}?limit=2"), &z.worker_a).await;
    let cursor = page["next_cursor"].as_str().unwrap();
    let rest = app
        .ok(&format!("{services}?limit=2&cursor={cursor}"), &z.worker_a)
        .await;
    assert_eq!(rest["items"][0]["case_id"], first["id"]);
    assert!(rest["next_cursor"].is_null());
    app.get(&services, Some(&z.worker_b))
        .await
        .assert_problem(404, "not_found");
    app.get(
        &format!("/api/v1/enterprises/{}/services", id(&z.firm_b)),
        Some(&staff),
    )
    .await
    .assert_problem(404, "not_found");

    // worked like every case, and evaluated by the enterprise's user
    let leader = z
        .staff(&app, "leader_a", "grid_leader", "grid_leader")
        .await;
    let worker_a_id = app.ok("/api/v1/me", &z.worker_a).await["id"].clone();
    let mut v = 1;
    for (who, action, body) in [
        (&leader, "accept", json!({})),
        (&leader, "dispatch", json!({ "assignee_id": worker_a_id })),
        (&z.worker_a, "start", json!({})),
        (
            &z.worker_a,
            "resolve",
            json!({ "feedback": "已对接人社局招聘会" }),
        ),
        (&leader, "verify", json!({})),
        (&staff, "evaluate", json!({ "satisfaction": "satisfied" })),
    ] {
        v = case_step(&app, id(&first), who, action, v, body).await["version"]
            .as_i64()
            .unwrap();
    }
    let view = app.ok(&services, &staff).await;
    let settling = &view["stages"][0];
    assert_eq!(settling["open"], 0);
    assert_eq!(settling["kpis"]["closure"]["numerator"], 1);
    assert_eq!(settling["kpis"]["satisfaction"]["denominator"], 1);
    assert_eq!(settling["kpis"]["satisfaction"]["rate"], 1.0);
    assert_eq!(view["stages"][1]["open"], 1);

    // withdrawn, the account no longer reaches the enterprise
    let held_path = format!("{accounts}/{staff_id}");
    app.delete(&held_path, Some(&z.worker_b))
        .await
        .assert_problem(404, "not_found");
    assert_eq!(app.delete(&held_path, Some(&z.worker_a)).await.status, 204);
    app.delete(&held_path, Some(&z.worker_a))
        .await
        .assert_problem(404, "not_found");
    app.get(&services, Some(&staff))
        .await
        .assert_problem(404, "not_found");
    let audit = app
        .ok("/api/v1/audit-log?action=enterprise.account_add", admin)
        .await;
    assert_eq!(audit["items"].as_array().unwrap().len(), 1);
}
