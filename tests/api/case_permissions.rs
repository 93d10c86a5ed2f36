//! Who may take which step, as a matrix: each allowed (caller, step) cell
//! takes its step; each refused one answers 403 when the caller may see the
//! case but lacks the function, 404 when the case is out of their reach —
//! and never changes it. (The flood story, `case_flow.rs`, takes the
//! committee's and the departments' cells.)

use gridwork_tests::{Backend, INITIAL_PASSWORD, TestApp, Zone, case_step, id, on_both_backends};
use serde_json::{Value, json};

on_both_backends!(
    refused_steps_answer_403_or_404_and_change_nothing,
    every_allowed_cell_takes_its_step,
);

fn steps(other_case: &str) -> Vec<(&'static str, Value)> {
    vec![
        ("accept", json!({})),
        ("reject", json!({ "reason": "r" })),
        ("dispatch", json!({ "lead_department": "fire_rescue" })),
        ("report-in", json!({})),
        ("start", json!({})),
        ("hold", json!({ "reason": "r" })),
        ("resume", json!({})),
        ("resolve", json!({ "feedback": "f" })),
        ("verify", json!({})),
        ("rework", json!({ "reason": "r" })),
        ("escalate", json!({ "reason": "r" })),
        ("merge", json!({ "into": other_case })),
        ("evaluate", json!({ "satisfaction": "satisfied" })),
    ]
}

async fn refused_steps_answer_403_or_404_and_change_nothing(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let report = |grid: &Value| {
        json!({ "category": "safety_hazard.fire", "severity": "urgent", "source": "grid_worker",
                "description": "消防通道堵塞", "grid_id": grid["id"] })
    };
    let case = app
        .created("/api/v1/cases", &z.worker_a, &report(&z.grid_a))
        .await;
    let other = app
        .created("/api/v1/cases", &z.worker_a, &report(&z.grid_a))
        .await;
    let make = |name: &'static str, roles: Value, department: Value| {
        let app = &app;
        let admin = z.admin.clone();
        async move {
            let res = app
                .post(
                    "/api/v1/users",
                    Some(&admin),
                    &json!({ "username": name, "password": INITIAL_PASSWORD, "roles": roles, "department_code": department }),
                )
                .await;
            assert_eq!(res.status, 201, "{}", res.text);
            app.choose_password(name, INITIAL_PASSWORD).await
        }
    };
    let auditor = make("audit_li", json!(["auditor"]), Value::Null).await;
    let instructor = make("party_ma", json!(["party_instructor"]), Value::Null).await;
    let fire = make("fire_wu", json!(["department_staff"]), json!("fire_rescue")).await;

    // (who, the status of every step but evaluate, of evaluate)
    let matrix = [
        ("the reporter, a grid worker", &z.worker_a, 403, 409),
        ("a worker of another grid", &z.worker_b, 404, 404),
        ("an auditor (reads the whole zone)", &auditor, 403, 403),
        ("a party instructor with no grid", &instructor, 404, 404),
        ("staff of a department not dispatched", &fire, 404, 404),
    ];
    let path = format!("/api/v1/cases/{}", id(&case));
    for (who, token, status, evaluate) in matrix {
        for (action, body) in steps(id(&other)) {
            let expected = if action == "evaluate" {
                evaluate
            } else {
                status
            };
            let res = app
                .request(
                    actix_web::http::Method::POST,
                    &format!("{path}/{action}"),
                    Some(token),
                    Some(&body),
                    &[("If-Match", "\"1\"")],
                )
                .await;
            assert_eq!(res.status, expected, "{who} {action}: {}", res.text);
        }
    }
    let after = app.ok(&path, &z.admin).await;
    assert_eq!(
        (after["state"].as_str(), after["version"].as_i64()),
        (Some("reported"), Some(1)),
        "unchanged"
    );
}

/// An account with these roles, assigned to `grid` in `grid_role` when
/// given, logged in.
async fn account(
    app: &TestApp,
    z: &Zone,
    name: &str,
    roles: Value,
    grid_role: Option<(&Value, &str)>,
) -> String {
    let res = app
        .post(
            "/api/v1/users",
            Some(&z.admin),
            &json!({ "username": name, "password": INITIAL_PASSWORD, "roles": roles }),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    if let Some((grid, role)) = grid_role {
        let person = app
            .created(
                "/api/v1/people",
                &z.admin,
                &json!({ "name": name, "grid_id": grid["id"], "user_id": res.body["id"] }),
            )
            .await;
        app.created(
            &format!("/api/v1/grids/{}/assignments", id(grid)),
            &z.admin,
            &json!({ "person_id": person["id"], "role": role }),
        )
        .await;
    }
    app.choose_password(name, INITIAL_PASSWORD).await
}

async fn every_allowed_cell_takes_its_step(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    // 张亚超 (worker_a) is the enterprise's principal
    let firm = app
        .patch(
            &format!("/api/v1/enterprises/{}", id(&z.firm_a)),
            Some(&z.admin),
            &json!({ "principal_person_id": z.person_a["id"] }),
        )
        .await;
    assert_eq!(firm.status, 200, "{}", firm.text);
    let leader = account(
        &app,
        &z,
        "leader_w",
        json!(["grid_leader"]),
        Some((&z.grid_a, "grid_leader")),
    )
    .await;
    let office = account(&app, &z, "office_z", json!(["zone_officer"]), None).await;
    let committee = account(&app, &z, "committee_z", json!(["committee_leader"]), None).await;
    let rider = account(
        &app,
        &z,
        "rider_l",
        json!(["mobile_worker"]),
        Some((&z.grid_a, "mobile_worker")),
    )
    .await;
    let user_of = |token: &str| {
        let app = &app;
        let token = token.to_owned();
        async move { app.ok("/api/v1/me", &token).await["id"].clone() }
    };
    let report = |token: &str, source: &str| {
        let app = &app;
        let body = json!({ "category": "safety_hazard.fire", "severity": "urgent", "source": source,
                           "description": "消防通道堵塞", "grid_id": z.grid_a["id"], "enterprise_id": z.firm_a["id"] });
        let token = token.to_owned();
        async move { id(&app.created("/api/v1/cases", &token, &body).await).to_owned() }
    };
    let state = |case: &Value| {
        (
            case["state"].as_str().unwrap().to_owned(),
            case["version"].as_i64().unwrap(),
        )
    };

    // the grid leader rejects; a mobile worker reports
    let c = report(&rider, "mobile_worker").await;
    let after = case_step(
        &app,
        &c,
        &leader,
        "reject",
        1,
        json!({ "reason": "不属于网格事项" }),
    )
    .await;
    assert_eq!(state(&after).0, "rejected");

    // the grid path: the leader reports on inspection, accepts and
    // dispatches to the rider; the assignee works, holds and resumes,
    // resolves; the leader sends it back; it is resolved again; the zone
    // office verifies; the enterprise's principal evaluates
    let c = report(&leader, "inspection").await;
    let rider_id = user_of(&rider).await;
    let mut v = 1;
    for (who, action, body, to) in [
        (&leader, "accept", json!({}), "accepted"),
        (
            &leader,
            "dispatch",
            json!({ "assignee_id": rider_id }),
            "dispatched",
        ),
        (&rider, "start", json!({}), "in_progress"),
        (
            &rider,
            "hold",
            json!({ "reason": "等待企业停产" }),
            "on_hold",
        ),
        (&rider, "resume", json!({}), "in_progress"),
        (
            &rider,
            "resolve",
            json!({ "feedback": "已清理通道" }),
            "resolved",
        ),
        (&leader, "rework", json!({ "reason": "仍有杂物" }), "rework"),
        (&rider, "start", json!({}), "in_progress"),
        (
            &rider,
            "resolve",
            json!({ "feedback": "已全部清理" }),
            "resolved",
        ),
        (&office, "verify", json!({}), "closed"),
        (
            &z.worker_a,
            "evaluate",
            json!({ "satisfaction": "basically_satisfied" }),
            "evaluated",
        ),
    ] {
        let after = case_step(&app, &c, who, action, v, body).await;
        assert_eq!(state(&after).0, to, "{action}");
        v = state(&after).1;
    }

    // the zone office accepts and dispatches in the grid; the grid leader
    // holds, resumes and resolves for the worker; the leader verifies
    let c = report(&z.worker_a, "grid_worker").await;
    let worker_id = user_of(&z.worker_a).await;
    let mut v = 1;
    for (who, action, body, to) in [
        (&office, "accept", json!({}), "accepted"),
        (
            &office,
            "dispatch",
            json!({ "assignee_id": worker_id }),
            "dispatched",
        ),
        (&leader, "start", json!({}), "in_progress"),
        (&leader, "hold", json!({ "reason": "待备件" }), "on_hold"),
        (&office, "resume", json!({}), "in_progress"),
        (
            &leader,
            "resolve",
            json!({ "feedback": "已修复" }),
            "resolved",
        ),
        (&leader, "verify", json!({}), "closed"),
        (
            &z.worker_a,
            "evaluate",
            json!({ "satisfaction": "satisfied" }),
            "evaluated",
        ),
    ] {
        let after = case_step(&app, &c, who, action, v, body).await;
        assert_eq!(state(&after).0, to, "{action}");
        v = state(&after).1;
    }

    // the ladder: the zone office escalates at the grid and zone-office
    // rungs, the committee from its own rung to the departments
    let c = report(&z.worker_a, "grid_worker").await;
    let mut v = 1;
    for (who, level) in [
        (&office, "zone_office"),
        (&office, "committee"),
        (&committee, "departments"),
    ] {
        let after = case_step(&app, &c, who, "escalate", v, json!({ "reason": "上报" })).await;
        assert_eq!(after["level"], level);
        v = state(&after).1;
    }

    // merging a duplicate: the leader, the zone office and the committee may
    let target = report(&z.worker_a, "grid_worker").await;
    for who in [&leader, &office, &committee] {
        let c = report(&z.worker_a, "grid_worker").await;
        let after = case_step(&app, &c, who, "merge", 1, json!({ "into": target })).await;
        assert_eq!(state(&after).0, "merged");
    }

    // the committee accepts and rejects too
    let c = report(&z.worker_a, "grid_worker").await;
    let after = case_step(&app, &c, &committee, "accept", 1, json!({})).await;
    assert_eq!(state(&after).0, "accepted");
    let c = report(&z.worker_a, "grid_worker").await;
    let after = case_step(
        &app,
        &c,
        &committee,
        "reject",
        1,
        json!({ "reason": "重复" }),
    )
    .await;
    assert_eq!(state(&after).0, "rejected");

    // the principal of an enterprise serves no grid, yet sees the cases of
    // his enterprise (the public part) and evaluates them
    let principal = account(&app, &z, "boss_b", json!(["grid_worker"]), None).await;
    let boss = app
        .created(
            "/api/v1/people",
            &z.admin,
            &json!({ "name": "普瑞负责人", "user_id": user_of(&principal).await }),
        )
        .await;
    let firm = app
        .patch(
            &format!("/api/v1/enterprises/{}", id(&z.firm_b)),
            Some(&z.admin),
            &json!({ "principal_person_id": boss["id"] }),
        )
        .await;
    assert_eq!(firm.status, 200, "{}", firm.text);
    let body = json!({ "category": "dispute.wage_arrears", "severity": "general", "source": "grid_worker",
                       "description": "劳务工反映欠薪", "grid_id": z.grid_b["id"], "enterprise_id": z.firm_b["id"] });
    let c = id(&app.created("/api/v1/cases", &z.worker_b, &body).await).to_owned();
    let elsewhere = report(&z.worker_a, "grid_worker").await;
    let worker_b_id = user_of(&z.worker_b).await;
    let mut v = 1;
    for (who, action, body) in [
        (&z.admin, "accept", json!({})),
        (&z.admin, "dispatch", json!({ "assignee_id": worker_b_id })),
        (&z.worker_b, "start", json!({})),
        (
            &z.admin,
            "hold",
            json!({ "reason": "内部协调", "visibility": "internal" }),
        ),
        (&z.admin, "resume", json!({})),
        (&z.worker_b, "resolve", json!({ "feedback": "工资已补发" })),
        (&z.admin, "verify", json!({})),
    ] {
        v = state(&case_step(&app, &c, who, action, v, body).await).1;
    }
    let listed = app.ok("/api/v1/cases", &principal).await;
    let ids: Vec<&str> = listed["items"].as_array().unwrap().iter().map(id).collect();
    assert_eq!(ids, [c.as_str()]);
    app.get(&format!("/api/v1/cases/{elsewhere}"), Some(&principal))
        .await
        .assert_problem(404, "not_found");
    let timeline = app
        .ok(&format!("/api/v1/cases/{c}/timeline"), &principal)
        .await;
    assert!(
        timeline["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["visibility"] == "public")
    );
    assert!(
        !timeline["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "hold")
    );
    let res = app
        .request(
            actix_web::http::Method::POST,
            &format!("/api/v1/cases/{c}/start"),
            Some(&principal),
            Some(&json!({})),
            &[],
        )
        .await;
    res.assert_problem(403, "forbidden");
    let after = case_step(
        &app,
        &c,
        &principal,
        "evaluate",
        v,
        json!({ "satisfaction": "satisfied" }),
    )
    .await;
    assert_eq!(state(&after).0, "evaluated");
}
