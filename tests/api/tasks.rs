//! "My tasks": each account sees the work waiting on it — and only it —
//! sorted by due time, paged without skipping or repeating, and each item
//! leaves the list once acted on.

use gridwork_tests::{Backend, TestApp, Zone, case_step, id, on_both_backends};
use serde_json::{Value, json};

on_both_backends!(each_account_sees_the_work_waiting_on_it);

/// Every task of `token`, walking the pages `limit` at a time.
async fn all_tasks(app: &TestApp, token: &str, query: &str, limit: usize) -> Vec<Value> {
    let mut items = Vec::new();
    let mut url = format!("/api/v1/me/tasks?limit={limit}{query}");
    loop {
        let page = app.ok(&url, token).await;
        let got = page["items"].as_array().unwrap();
        assert!(got.len() <= limit);
        items.extend(got.iter().cloned());
        match page["next_cursor"].as_str() {
            Some(cursor) => url = format!("/api/v1/me/tasks?limit={limit}{query}&cursor={cursor}"),
            None => return items,
        }
    }
}

fn kinds(items: &[Value]) -> Vec<(String, String)> {
    let mut k: Vec<_> = items
        .iter()
        .map(|t| {
            (
                t["kind"].as_str().unwrap().to_owned(),
                t["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    k.sort();
    k
}

async fn each_account_sees_the_work_waiting_on_it(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let leader = z
        .staff(&app, "leader_a", "grid_leader", "grid_leader")
        .await;
    let today = chrono::Utc::now().date_naive();

    // a case reported in grid A waits on its leader's acceptance
    let case = app
        .created(
            "/api/v1/cases",
            &z.worker_a,
            &json!({ "category": "safety_hazard.fire", "severity": "urgent", "source": "grid_worker",
                     "description": "消防通道堵塞", "grid_id": z.grid_a["id"] }),
        )
        .await;
    // a policy for grid A, and a dispute with a follow-up in two days
    let policy = app
        .created(
            "/api/v1/policies",
            &z.admin,
            &json!({ "title": "安全生产月", "summary": "六月开展安全生产月活动", "body": "……",
                     "source_level": "zone", "effective_on": today,
                     "target": { "grid_ids": [z.grid_a["id"]] } }),
        )
        .await;
    let dispute = app
        .created(
            "/api/v1/disputes",
            &z.worker_a,
            &json!({ "category": "dispute.wage_arrears", "summary": "欠薪", "grid_id": z.grid_a["id"],
                     "parties": [{ "name": "李某", "side": "employee" }], "employees_involved": 1,
                     "follow_up_on": today + chrono::Duration::days(2) }),
        )
        .await;

    let worker = all_tasks(&app, &z.worker_a, "", 200).await;
    let firm_a = id(&z.firm_a).to_owned();
    assert_eq!(
        kinds(&worker),
        [
            ("dispute_follow_up".to_owned(), id(&dispute).to_owned()),
            ("policy".to_owned(), id(&policy).to_owned()),
            ("stale_enterprise".to_owned(), firm_a.clone()),
        ],
        "{worker:#?}"
    );
    let due: Vec<&str> = worker
        .iter()
        .map(|t| t["due_at"].as_str().unwrap())
        .collect();
    let mut sorted = due.clone();
    sorted.sort();
    assert_eq!(due, sorted, "soonest due first");
    let visit = worker
        .iter()
        .find(|t| t["kind"] == "stale_enterprise")
        .unwrap();
    assert_eq!(
        visit["action"],
        json!({ "method": "POST", "path": format!("/api/v1/enterprises/{firm_a}/visits") })
    );
    assert_eq!(visit["deadline_status"], "overdue", "never visited");

    let lead = all_tasks(&app, &leader, "", 200).await;
    let lead_kinds = kinds(&lead);
    assert!(
        lead_kinds.contains(&("case_accept".to_owned(), id(&case).to_owned())),
        "{lead:#?}"
    );
    assert!(lead_kinds.contains(&("policy".to_owned(), id(&policy).to_owned())));
    assert!(
        !lead_kinds.iter().any(|(k, _)| k == "dispute_follow_up"),
        "another's follow-up"
    );
    // filters
    let only = all_tasks(&app, &leader, "&kind=case_accept", 200).await;
    assert_eq!(
        kinds(&only),
        [("case_accept".to_owned(), id(&case).to_owned())]
    );
    let in_grid = all_tasks(&app, &leader, &format!("&grid_id={}", id(&z.grid_a)), 200).await;
    assert!(in_grid.iter().all(|t| t["grid_id"] == z.grid_a["id"]));
    assert!(!in_grid.is_empty());
    // one at a time gives the same list in the same order
    assert_eq!(all_tasks(&app, &leader, "", 1).await, lead);

    // grid B's worker sees none of grid A's work
    let other = all_tasks(&app, &z.worker_b, "", 200).await;
    assert_eq!(
        kinds(&other),
        [("stale_enterprise".to_owned(), id(&z.firm_b).to_owned())]
    );
    assert!(
        all_tasks(
            &app,
            &z.worker_b,
            &format!("&grid_id={}", id(&z.grid_a)),
            200
        )
        .await
        .is_empty()
    );

    // acting on each removes it: accept → the leader's list; dispatch to the
    // worker → the worker's, as "start"
    case_step(&app, id(&case), &leader, "accept", 1, json!({})).await;
    case_step(
        &app,
        id(&case),
        &leader,
        "dispatch",
        2,
        json!({ "assignee_id": z.person_a["user_id"] }),
    )
    .await;
    let lead = all_tasks(&app, &leader, "&kind=case_accept", 200).await;
    assert!(lead.is_empty());
    let handle = all_tasks(&app, &z.worker_a, "&kind=case_handle", 200).await;
    assert_eq!(
        handle[0]["action"]["path"],
        format!("/api/v1/cases/{}/start", id(&case))
    );
    app.post(
        &format!("/api/v1/policies/{}/acknowledge", id(&policy)),
        Some(&z.worker_a),
        &json!({}),
    )
    .await;
    let talk = app
        .post(
            "/api/v1/talks",
            Some(&z.worker_a),
            &json!({ "dispute_id": dispute["id"], "held_on": today, "topic": "回访", "subject": "李某",
                     "notes": "工资已到账", "risk": "none" }),
        )
        .await;
    assert_eq!(talk.status, 201, "{}", talk.text);
    assert_eq!(
        app.ok(&format!("/api/v1/disputes/{}", id(&dispute)), &z.worker_a)
            .await["follow_up_on"],
        Value::Null,
        "the follow-up talk settles the follow-up"
    );
    let visit = app
        .post(
            &format!("/api/v1/enterprises/{firm_a}/visits"),
            Some(&z.worker_a),
            &json!({ "visited_at": chrono::Utc::now(), "purpose": "routine", "findings": "正常" }),
        )
        .await;
    assert_eq!(visit.status, 201, "{}", visit.text);
    let worker = all_tasks(&app, &z.worker_a, "", 200).await;
    assert_eq!(
        kinds(&worker),
        [("case_handle".to_owned(), id(&case).to_owned())],
        "{worker:#?}"
    );
}
