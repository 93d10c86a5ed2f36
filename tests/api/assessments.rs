//! Monthly scorecards: a constructed month with worked numbers, who sees
//! which scorecards, closing a month (frozen against later edits), and the
//! versioned schemes.

use chrono::{Duration, Utc};
use gridwork_api::app::assessments;
use gridwork_api::app::{Origin, Scoped};
use gridwork_domain::month::Month;
use gridwork_tests::{Backend, TestApp, Zone, case_step, error_fields, id, on_both_backends};
use serde_json::{Value, json};

on_both_backends!(
    a_month_is_scored_ranked_and_frozen_when_closed,
    schemes_are_versioned_and_checked,
    closing_asks_for_a_month_that_is_over
);

fn this_month(app: &TestApp) -> Month {
    Month::of(Utc::now().with_timezone(&app.config.time_zone).date_naive())
}

fn previous(month: Month) -> Month {
    Month::of(month.first_day() - Duration::days(1))
}

async fn scorecards(app: &TestApp, token: &str, month: Month, level: &str) -> Value {
    app.ok(
        &format!("/api/v1/assessments?period={month}&level={level}"),
        token,
    )
    .await
}

/// `subject_id` → (indicator → [numerator, denominator]), total, rank, flag.
fn card<'a>(page: &'a Value, subject: &str) -> &'a Value {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["subject_id"] == subject)
        .unwrap_or_else(|| panic!("no scorecard of {subject} in {page}"))
}

fn counted(card: &Value, indicator: &str) -> (u64, u64) {
    let i = card["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["indicator"] == indicator)
        .unwrap();
    (
        i["numerator"].as_u64().unwrap(),
        i["denominator"].as_u64().unwrap(),
    )
}

fn subjects(page: &Value) -> Vec<&str> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["subject_id"].as_str().unwrap())
        .collect()
}

async fn a_month_is_scored_ranked_and_frozen_when_closed(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let admin = z.admin.as_str();
    let firm = app
        .patch(
            &format!("/api/v1/enterprises/{}", id(&z.firm_a)),
            Some(admin),
            &json!({ "principal_person_id": z.person_a["id"] }),
        )
        .await;
    assert_eq!(firm.status, 200, "{}", firm.text);
    let leader = z
        .staff(&app, "leader_a", "grid_leader", "grid_leader")
        .await;
    let me = |token: &str| {
        let app = &app;
        let token = token.to_owned();
        async move {
            app.ok("/api/v1/me", &token).await["id"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let (worker_a, worker_b, leader_id) = (
        me(&z.worker_a).await,
        me(&z.worker_b).await,
        me(&leader).await,
    );

    // worker A reports four cases in grid A: two are worked to the end (one
    // sent back once and twice evaluated unsatisfied), one is still being
    // handled (not yet due), one is rejected
    let report = || {
        let app = &app;
        let body = json!({ "category": "safety_hazard.fire", "severity": "urgent", "source": "grid_worker",
                           "description": "消防通道堵塞", "grid_id": z.grid_a["id"], "enterprise_id": z.firm_a["id"] });
        let token = z.worker_a.clone();
        async move { id(&app.created("/api/v1/cases", &token, &body).await).to_owned() }
    };
    let dispatch = json!({ "assignee_id": worker_a });
    for rework in [false, true] {
        let c = report().await;
        let mut steps = vec![
            (&leader, "accept", json!({})),
            (&leader, "dispatch", dispatch.clone()),
            (&z.worker_a, "start", json!({})),
            (&z.worker_a, "resolve", json!({ "feedback": "已清理" })),
        ];
        if rework {
            steps.extend([
                (&leader, "rework", json!({ "reason": "仍有杂物" })),
                (&z.worker_a, "start", json!({})),
                (&z.worker_a, "resolve", json!({ "feedback": "已全部清理" })),
            ]);
        }
        steps.push((&leader, "verify", json!({})));
        if rework {
            // an unsatisfied evaluation reopens the case once: worked
            // again, it is closed and evaluated for good
            steps.extend([
                (
                    &z.worker_a,
                    "evaluate",
                    json!({ "satisfaction": "unsatisfied" }),
                ),
                (&z.worker_a, "start", json!({})),
                (&z.worker_a, "resolve", json!({ "feedback": "再次清理" })),
                (&leader, "verify", json!({})),
                (
                    &z.worker_a,
                    "evaluate",
                    json!({ "satisfaction": "unsatisfied" }),
                ),
            ]);
        } else {
            steps.push((
                &z.worker_a,
                "evaluate",
                json!({ "satisfaction": "satisfied" }),
            ));
        }
        let mut v = 1;
        for (who, action, body) in steps {
            v = case_step(&app, &c, who, action, v, body).await["version"]
                .as_i64()
                .unwrap();
        }
    }
    let open = report().await;
    case_step(&app, &open, &leader, "accept", 1, json!({})).await;
    case_step(&app, &open, &leader, "dispatch", 2, dispatch.clone()).await;
    let rejected = report().await;
    case_step(
        &app,
        &rejected,
        &leader,
        "reject",
        1,
        json!({ "reason": "重复" }),
    )
    .await;
    // a zone-wide policy: worker A acknowledges it, the others do not
    let today = Utc::now()
        .with_timezone(&app.config.time_zone)
        .date_naive()
        .to_string();
    let policy = app
        .created(
            "/api/v1/policies",
            admin,
            &json!({ "title": "安全生产月", "summary": "开展安全生产月活动", "body": "……",
                     "source_level": "zone", "effective_on": today, "target": {} }),
        )
        .await;
    let ack = app
        .post(
            &format!("/api/v1/policies/{}/acknowledge", id(&policy)),
            Some(&z.worker_a),
            &json!({}),
        )
        .await;
    assert!(ack.status < 300, "{}", ack.text);

    let month = this_month(&app);
    // the sweeper may have computed the month before these records: an
    // open month is recomputed when five minutes old, as now
    {
        let mut conn = app.pool.get().unwrap();
        assert!(assessments::refresh(&mut conn, month, app.config.time_zone, Utc::now()).unwrap());
    }
    let page = scorecards(&app, admin, month, "worker").await;
    assert_eq!(page["month"]["period"], month.to_string());
    assert_eq!(page["month"]["closed"], false);
    assert_eq!(page["scheme"]["version"], 1);
    let a = card(&page, &worker_a);
    // due to close: the two closed (the open one is not yet due)
    assert_eq!(counted(a, "resolution_rate"), (2, 2));
    assert_eq!(counted(a, "on_time_closure"), (2, 2));
    assert_eq!(counted(a, "no_rework"), (1, 2));
    assert_eq!(counted(a, "satisfaction"), (1, 2));
    assert_eq!(counted(a, "valid_report_rate"), (3, 4));
    assert_eq!(counted(a, "policy_acknowledgement"), (1, 1));
    assert_eq!(counted(a, "inspection_completion"), (0, 0));
    // the default worker scheme over what counted (80 of its 100 points):
    // (20×10000 + 15×10000 + 10×5000 + 20×5000 + 5×10000 + 10×7500) / 80
    // = 625000 / 80 = 7812.5 → 7813
    assert_eq!(a["total_basis_points"], 7813);
    assert_eq!((a["rank"].as_i64(), a["flag"].as_str()), (Some(1), None));
    assert_eq!(a["grid_id"], z.grid_a["id"]);
    assert_eq!(a["name_zh"], "张亚超");
    // worker B and the leader were reached by the policy and did nothing
    // else: 0 %, tied second, flagged for review
    for other in [&worker_b, &leader_id] {
        let c = card(&page, other);
        assert_eq!(counted(c, "policy_acknowledgement"), (0, 1));
        assert_eq!(
            (
                c["total_basis_points"].as_i64(),
                c["rank"].as_i64(),
                c["flag"].as_str()
            ),
            (Some(0), Some(2), Some("review"))
        );
    }
    // grid A's own scorecard counts the same cases and reports
    let grids = scorecards(&app, admin, month, "grid").await;
    let grid_a = card(&grids, id(&z.grid_a));
    assert_eq!(counted(grid_a, "resolution_rate"), (2, 2));
    assert_eq!(counted(grid_a, "valid_report_rate"), (3, 4));
    assert_eq!(counted(grid_a, "policy_acknowledgement"), (1, 2));

    // who sees what: the leader their grid's workers, a worker their own,
    // and grids within their reach
    let mut seen = subjects(&scorecards(&app, &leader, month, "worker").await)
        .into_iter()
        .map(str::to_owned)
        .collect::<Vec<_>>();
    seen.sort();
    let mut expected = vec![worker_a.clone(), leader_id.clone()];
    expected.sort();
    assert_eq!(seen, expected);
    assert_eq!(
        subjects(&scorecards(&app, &z.worker_b, month, "worker").await),
        vec![worker_b.as_str()]
    );
    let theirs = scorecards(&app, &z.worker_b, month, "grid").await;
    assert_eq!(subjects(&theirs), vec![id(&z.grid_b)]);
    assert!(
        subjects(&scorecards(&app, &z.worker_b, month, "department").await).is_empty(),
        "no department"
    );
    // pages follow the ranking
    let first = app
        .ok(
            &format!("/api/v1/assessments?period={month}&level=worker&limit=1"),
            admin,
        )
        .await;
    assert_eq!(subjects(&first), vec![worker_a.as_str()]);
    let cursor = first["next_cursor"].as_str().unwrap();
    let rest = app
        .ok(
            &format!("/api/v1/assessments?period={month}&level=worker&cursor={cursor}"),
            admin,
        )
        .await;
    assert_eq!(rest["items"].as_array().unwrap().len(), 2);

    // the month ends and is closed (as on the first of the next month)
    let after_month = Utc::now() + Duration::days(40);
    {
        let mut conn = app.pool.get().unwrap();
        let closed = assessments::close(
            &mut conn,
            &Scoped::system(),
            &Origin::default(),
            month,
            app.config.time_zone,
            after_month,
        )
        .unwrap();
        assert!(closed.closed_at.is_some());
    }
    let frozen = scorecards(&app, admin, month, "worker").await;
    assert_eq!(frozen["month"]["closed"], true);
    // closed at the month's end: the open case counts against worker A if
    // its resolve deadline falls within the month
    let month_end =
        gridwork_domain::task::start_of(month.next().first_day(), &app.config.time_zone);
    let due: chrono::DateTime<Utc> =
        app.ok(&format!("/api/v1/cases/{open}"), admin).await["resolve_due_at"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
    let a = card(&frozen, &worker_a);
    let (due_by_end, total) = if due < month_end {
        (3, 6563)
    } else {
        (2, 7813)
    };
    assert_eq!(counted(a, "resolution_rate"), (2, due_by_end));
    assert_eq!(counted(a, "no_rework"), (due_by_end - 1, due_by_end));
    // 20×6667 + 15×6667 + 10×6667 + 20×5000 + 5×10000 + 10×7500 = 525015;
    // / 80 = 6562.7 → 6563
    assert_eq!(a["total_basis_points"], total);
    // later edits: the leader acknowledges, the open case is worked and
    // closed, the scheme changes
    app.post(
        &format!("/api/v1/policies/{}/acknowledge", id(&policy)),
        Some(&leader),
        &json!({}),
    )
    .await;
    let mut v = 3;
    for (who, action, body) in [
        (&z.worker_a, "start", json!({})),
        (&z.worker_a, "resolve", json!({ "feedback": "已清理" })),
        (&leader, "verify", json!({})),
    ] {
        v = case_step(&app, &open, who, action, v, body).await["version"]
            .as_i64()
            .unwrap();
    }
    let changed = app
        .put_if(
            "/api/v1/assessment-schemes/worker",
            admin,
            "\"1\"",
            &json!({ "weights": [{ "indicator": "resolution_rate", "weight": 100 }],
                     "commend_at": 95, "review_below": 50 }),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    // a closed month is not recomputed, even asked to
    {
        let mut conn = app.pool.get().unwrap();
        let refreshed =
            assessments::refresh(&mut conn, month, app.config.time_zone, after_month).unwrap();
        assert!(!refreshed);
    }
    let again = scorecards(&app, admin, month, "worker").await;
    assert_eq!(again, frozen, "a closed month answers its snapshot");
    assert_eq!(again["scheme"]["version"], 1);
    // one with no scorecard of their own reads the month's scheme too
    app.create_user(admin, "no_post", &["grid_worker"]).await;
    let no_post = app.tokens("no_post", gridwork_tests::USER_PASSWORD).await.0;
    let empty = scorecards(&app, &no_post, month, "worker").await;
    assert!(empty["items"].as_array().unwrap().is_empty());
    assert_eq!(empty["scheme"]["version"], 1);
    assert_eq!(
        card(&again, &worker_a)["total_basis_points"],
        total,
        "unchanged by the new scheme"
    );
    // the audit log holds the closing
    let audit = app
        .ok("/api/v1/audit-log?action=assessment.close", admin)
        .await;
    assert_eq!(audit["items"][0]["target_id"], month.to_string());
}

async fn schemes_are_versioned_and_checked(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let admin = z.admin.as_str();
    let all = app.ok("/api/v1/assessment-schemes", admin).await;
    let levels: Vec<&str> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["level"].as_str().unwrap())
        .collect();
    assert_eq!(levels, ["worker", "grid", "department"]);
    let weights: u64 = all["items"][2]["weights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["weight"].as_u64().unwrap())
        .sum();
    assert_eq!(weights, 100);

    let put = |token: &str, etag: &str, body: Value| {
        let app = &app;
        let (token, etag) = (token.to_owned(), etag.to_owned());
        async move {
            app.put_if(
                "/api/v1/assessment-schemes/department",
                &token,
                &etag,
                &body,
            )
            .await
        }
    };
    let good = json!({ "weights": [{ "indicator": "resolution_rate", "weight": 60 },
                                   { "indicator": "satisfaction", "weight": 40 }],
                       "commend_at": 85, "review_below": 55 });
    // only the office edits schemes
    put(&z.worker_a, "\"1\"", good.clone())
        .await
        .assert_problem(403, "forbidden");
    // weights must add up to 100, each indicator once, review below commend
    let bad = put(
        admin,
        "\"1\"",
        json!({ "weights": [{ "indicator": "resolution_rate", "weight": 60 }],
                "commend_at": 85, "review_below": 55 }),
    )
    .await;
    assert_eq!(
        error_fields(bad.assert_problem(422, "validation_failed")),
        ["weights"]
    );
    let twice = put(
        admin,
        "\"1\"",
        json!({ "weights": [{ "indicator": "satisfaction", "weight": 50 },
                            { "indicator": "satisfaction", "weight": 50 }],
                "commend_at": 85, "review_below": 55 }),
    )
    .await;
    assert_eq!(
        error_fields(twice.assert_problem(422, "validation_failed")),
        ["weights[1].indicator"]
    );
    let upside_down = put(
        admin,
        "\"1\"",
        json!({ "weights": [{ "indicator": "satisfaction", "weight": 100 }],
                "commend_at": 60, "review_below": 70 }),
    )
    .await;
    assert_eq!(
        error_fields(upside_down.assert_problem(422, "validation_failed")),
        ["review_below"]
    );
    let too_heavy = put(
        admin,
        "\"1\"",
        json!({ "weights": [{ "indicator": "satisfaction", "weight": 101 }],
                "commend_at": 90, "review_below": 60 }),
    )
    .await;
    too_heavy.assert_problem(422, "validation_failed");
    // a good edit is version 2; the same again changes nothing; an edit
    // from a stale read is refused
    let v2 = put(admin, "\"1\"", good.clone()).await;
    assert_eq!(v2.status, 200, "{}", v2.text);
    assert_eq!(
        (v2.body["version"].as_i64(), v2.header("etag")),
        (Some(2), Some("\"2\""))
    );
    let same = put(admin, "\"2\"", good.clone()).await;
    assert_eq!(same.body["version"], 2);
    let mut other = good.clone();
    other["commend_at"] = json!(80);
    put(admin, "\"1\"", other)
        .await
        .assert_problem(412, "precondition_failed");
    // every version stays readable
    let v1 = app
        .ok("/api/v1/assessment-schemes/department/versions/1", admin)
        .await;
    assert_eq!(v1["weights"].as_array().unwrap().len(), 4);
    let latest = app
        .ok("/api/v1/assessment-schemes/department", &z.worker_a)
        .await;
    assert_eq!(latest["version"], 2);
    app.get(
        "/api/v1/assessment-schemes/department/versions/3",
        Some(admin),
    )
    .await
    .assert_problem(404, "not_found");
    app.get("/api/v1/assessment-schemes/village", Some(admin))
        .await
        .assert_problem(422, "validation_failed");
    // the edit is audited
    let audit = app
        .ok("/api/v1/audit-log?action=assessment_scheme.update", admin)
        .await;
    assert_eq!(audit["items"][0]["target_id"], "department");
}

async fn closing_asks_for_a_month_that_is_over(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let admin = z.admin.as_str();
    let month = this_month(&app);
    let close = |token: &str, month: String| {
        let app = &app;
        let token = token.to_owned();
        async move {
            app.post(
                &format!("/api/v1/assessments/{month}/close"),
                Some(&token),
                &json!({}),
            )
            .await
        }
    };
    close(admin, month.to_string())
        .await
        .assert_problem(409, "month_not_over");
    let last = previous(month);
    close(&z.worker_a, last.to_string())
        .await
        .assert_problem(403, "forbidden");
    let closed = close(admin, last.to_string()).await;
    assert_eq!(closed.status, 200, "{}", closed.text);
    assert_eq!(
        (
            closed.body["period"].as_str(),
            closed.body["closed"].as_bool()
        ),
        (Some(last.to_string().as_str()), Some(true))
    );
    // again: nothing changes
    let again = close(admin, last.to_string()).await;
    assert_eq!(again.body, closed.body);
    // the closed month's scorecards: every worker and grid, none ranked
    // (nothing happened), a snapshot
    let page = scorecards(&app, admin, last, "grid").await;
    assert_eq!(page["month"]["closed"], true);
    assert!(subjects(&page).contains(&id(&z.grid_a)));
    assert!(page["items"][0]["rank"].is_null());
    // the sweeper recomputes this month when five minutes old, not the
    // closed one, and not again while fresh
    {
        let mut conn = app.pool.get().unwrap();
        let tz = app.config.time_zone;
        let later = Utc::now() + Duration::minutes(10);
        assert_eq!(assessments::refresh_stale(&mut conn, tz, later).unwrap(), 1);
        let soon = later + Duration::minutes(1);
        assert_eq!(assessments::refresh_stale(&mut conn, tz, soon).unwrap(), 0);
    }
    // months not begun, and months that are not months
    let next = month.next();
    let future = app
        .get(
            &format!("/api/v1/assessments?period={next}&level=worker"),
            Some(admin),
        )
        .await;
    assert_eq!(
        error_fields(future.assert_problem(422, "validation_failed")),
        ["period"]
    );
    app.get(
        "/api/v1/assessments?period=2026-13&level=worker",
        Some(admin),
    )
    .await
    .assert_problem(422, "validation_failed");
    app.get("/api/v1/assessments?period=2026-11", Some(admin))
        .await
        .assert_problem(422, "validation_failed");
    close(admin, "2026-1x".to_owned())
        .await
        .assert_problem(422, "validation_failed");
}
