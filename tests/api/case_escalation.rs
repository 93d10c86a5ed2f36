//! Automatic escalation: a deadline passed without the due action moves the
//! case one rung up, once, as the system — with a clock the test controls,
//! and with two job runners at once.

use chrono::Duration;
use gridwork_api::app::case_steps::escalate_overdue;
use gridwork_tests::{Backend, TestApp, Zone, id, on_both_backends};
use serde_json::{Value, json};

on_both_backends!(
    a_case_not_accepted_in_time_climbs_once,
    two_job_runners_escalate_each_case_exactly_once,
);

async fn report(app: &TestApp, z: &Zone, severity: &str) -> Value {
    app.created(
        "/api/v1/cases",
        &z.worker_a,
        &json!({ "category": "safety_hazard.flooding", "severity": severity, "source": "grid_worker",
                 "description": "积水", "grid_id": z.grid_a["id"] }),
    )
    .await
}

fn run_job(app: &TestApp, minutes_from_now: i64) -> usize {
    let mut conn = app.pool.get().unwrap();
    escalate_overdue(
        &mut conn,
        chrono::Utc::now() + Duration::minutes(minutes_from_now),
    )
    .unwrap()
}

async fn a_case_not_accepted_in_time_climbs_once(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let critical = report(&app, &z, "critical").await;
    let general = report(&app, &z, "general").await;
    assert_eq!(run_job(&app, 5), 0, "not due yet");
    assert_eq!(
        run_job(&app, 11),
        1,
        "the critical one: 10 minutes to accept"
    );
    assert_eq!(run_job(&app, 12), 0, "each deadline escalates once");
    let case = app
        .ok(&format!("/api/v1/cases/{}", id(&critical)), &z.admin)
        .await;
    assert_eq!(
        (case["state"].as_str(), case["level"].as_str()),
        (Some("reported"), Some("zone_office"))
    );
    assert_eq!(
        case["deadline_status"], "normal",
        "still within the real clock"
    );
    let still = app
        .ok(&format!("/api/v1/cases/{}", id(&general)), &z.admin)
        .await;
    assert_eq!(still["level"], "grid");

    let timeline = app
        .ok(
            &format!("/api/v1/cases/{}/timeline", id(&critical)),
            &z.admin,
        )
        .await;
    let last = timeline["items"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["action"], "escalate");
    assert_eq!(last["actor_id"], Value::Null, "the system");
    assert_eq!(last["visibility"], "internal");
    assert!(last["note"].as_str().unwrap().contains("超期"));
    // a worker who reported it and also handles it sees the entry; the log has it as the system
    let log = app.ok("/api/v1/audit-log?action=case.step", &z.admin).await;
    assert_eq!(log["items"][0]["actor_id"], Value::Null);

    // a week later the general case's working day to accept has passed too;
    // the critical one, still unaccepted, has no further deadline to pass
    assert_eq!(run_job(&app, 7 * 24 * 60), 1);
    let general = app
        .ok(&format!("/api/v1/cases/{}", id(&general)), &z.admin)
        .await;
    assert_eq!(general["level"], "zone_office");
    let case = app
        .ok(&format!("/api/v1/cases/{}", id(&critical)), &z.admin)
        .await;
    assert_eq!(case["level"], "zone_office");
}

async fn two_job_runners_escalate_each_case_exactly_once(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let mut ids = Vec::new();
    for _ in 0..12 {
        ids.push(id(&report(&app, &z, "critical").await).to_owned());
    }
    let at = chrono::Utc::now() + Duration::minutes(11);
    let runners: Vec<_> = (0..2)
        .map(|_| {
            let pool = app.pool.clone();
            std::thread::spawn(move || {
                let mut conn = pool.get().unwrap();
                escalate_overdue(&mut conn, at).unwrap()
            })
        })
        .collect();
    let moved: usize = runners.into_iter().map(|r| r.join().unwrap()).sum();
    assert_eq!(moved, 12);
    for case in ids {
        let timeline = app
            .ok(&format!("/api/v1/cases/{case}/timeline"), &z.admin)
            .await;
        let escalations = timeline["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "escalate")
            .count();
        assert_eq!(escalations, 1, "{case}");
    }
}
