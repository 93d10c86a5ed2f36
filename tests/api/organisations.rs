//! Social organisations: records kept by the office, members once each,
//! volunteers serving a grid, their contribution counted, the member list
//! for the office only.

use gridwork_tests::{Backend, TestApp, USER_PASSWORD, Zone, id, on_both_backends};
use serde_json::json;

on_both_backends!(an_organisations_volunteers_serve_and_are_counted);

async fn an_organisations_volunteers_serve_and_are_counted(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let admin = z.admin.as_str();
    let union = json!({ "kind": "trade_union", "name": "西华经开区总工会", "contact": "工会办 0394-8000000" });
    app.post("/api/v1/organisations", Some(&z.worker_a), &union)
        .await
        .assert_problem(403, "forbidden");
    let org = app.created("/api/v1/organisations", admin, &union).await;
    app.created(
        "/api/v1/organisations",
        admin,
        &json!({ "kind": "youth_league", "name": "经开区团工委" }),
    )
    .await;
    let unions = app
        .ok("/api/v1/organisations?kind=trade_union", &z.worker_a)
        .await;
    assert_eq!(unions["items"].as_array().unwrap().len(), 1);

    // a volunteer of the union serves grid A part-time (the office waives
    // the pre-job course for now) and reports a case
    let user = app
        .create_user(admin, "volunteer", &["part_time_worker"])
        .await;
    let volunteer = app
        .created(
            "/api/v1/people",
            admin,
            &json!({ "name": "工会志愿者李", "user_id": user, "grid_id": z.grid_a["id"] }),
        )
        .await;
    let members = format!("/api/v1/organisations/{}/members", id(&org));
    for person in [&volunteer, &z.person_b] {
        let added = app
            .post(
                &members,
                Some(admin),
                &json!({ "person_id": person["id"], "joined_on": "2026-03-01" }),
            )
            .await;
        assert_eq!(added.status, 201, "{}", added.text);
    }
    app.post(
        &members,
        Some(admin),
        &json!({ "person_id": volunteer["id"] }),
    )
    .await
    .assert_problem(409, "already_member");
    app.created(
        &format!("/api/v1/grids/{}/assignments", id(&z.grid_a)),
        admin,
        &json!({ "person_id": volunteer["id"], "role": "part_time_worker",
                 "training_override": "工会志愿者，岗前培训排在下周" }),
    )
    .await;
    let token = app.tokens("volunteer", USER_PASSWORD).await.0;
    app.created(
        "/api/v1/cases",
        &token,
        &json!({ "category": "safety_hazard.fire", "severity": "general", "source": "grid_worker",
                 "description": "车间通道堆放纸箱", "grid_id": z.grid_a["id"] }),
    )
    .await;
    let counted = app
        .ok(
            &format!("/api/v1/organisations/{}/contributions", id(&org)),
            &z.worker_a,
        )
        .await;
    assert_eq!(
        (
            counted["members_counted"].as_i64(),
            counted["reports"].as_u64(),
            counted["inspections"].as_u64(),
            counted["mediations"].as_u64(),
            counted["total"].as_u64()
        ),
        (Some(2), Some(1), Some(0), Some(0), Some(1))
    );
    let last_year = app
        .ok(
            &format!(
                "/api/v1/organisations/{}/contributions?period=2025-01",
                id(&org)
            ),
            admin,
        )
        .await;
    assert_eq!(last_year["total"], 0);
    app.get(
        &format!(
            "/api/v1/organisations/{}/contributions?period=2025-13",
            id(&org)
        ),
        Some(admin),
    )
    .await
    .assert_problem(422, "validation_failed");
    app.get(
        "/api/v1/organisations/01a23d38-64f5-75e9-be2d-d9704131c286/contributions",
        Some(admin),
    )
    .await
    .assert_problem(404, "not_found");

    // the member list names people: the office only
    app.get(&members, Some(&z.worker_b))
        .await
        .assert_problem(403, "forbidden");
    let listed = app.ok(&members, admin).await;
    let mut names: Vec<&str> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["宋根华", "工会志愿者李"]);
    let audit = app
        .ok("/api/v1/audit-log?action=organisation.member_add", admin)
        .await;
    assert_eq!(audit["items"].as_array().unwrap().len(), 2);
}
