//! Who may take which step, as a matrix: each refused (caller, step) pair
//! answers 403 when the caller may see the case but lacks the function, 404
//! when the case is out of their reach — and never changes it.

use gridwork_tests::{Backend, TestApp, USER_PASSWORD, Zone, id, on_both_backends};
use serde_json::{Value, json};

on_both_backends!(refused_steps_answer_403_or_404_and_change_nothing);

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
                    &json!({ "username": name, "password": USER_PASSWORD, "roles": roles, "department_code": department }),
                )
                .await;
            assert_eq!(res.status, 201, "{}", res.text);
            app.tokens(name, USER_PASSWORD).await.0
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
