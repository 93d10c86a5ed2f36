//! Inspection schedules: occurrences made by the sweeper on the right days
//! of the zone's time zone, each once however many sweep, moving due →
//! overdue → missed at the right moments (a controlled clock); scope.

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveTime, TimeZone, Utc, Weekday};
use gridwork_api::app::inspection_schedules::sweep;
use gridwork_persistence::DbPool;
use gridwork_tests::{Backend, TestApp, Zone, error_fields, id, on_both_backends};
use serde_json::{Value, json};

use crate::inspection_templates::walk_round;

on_both_backends!(
    weekly_occurrences_fall_on_mondays_and_flip_with_the_clock,
    schedules_are_out_of_reach_for_another_grid
);

/// Asia/Shanghai keeps +08:00 all year.
fn cst() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap()
}

fn run_sweep(app: &TestApp, now: DateTime<Utc>) -> (usize, usize) {
    sweep_on(&app.pool, app.config.time_zone, now)
}

fn sweep_on(pool: &DbPool, tz: chrono_tz::Tz, now: DateTime<Utc>) -> (usize, usize) {
    let mut conn = pool.get().unwrap();
    let swept = sweep(&mut conn, tz, now).unwrap();
    (swept.made, swept.moved)
}

async fn occurrences(app: &TestApp, token: &str, schedule: &str) -> Vec<Value> {
    let page = app
        .ok(
            &format!("/api/v1/inspection-occurrences?schedule_id={schedule}&limit=200"),
            token,
        )
        .await;
    page["items"].as_array().unwrap().clone()
}

async fn schedule(app: &TestApp, z: &Zone) -> Value {
    let template = app
        .created("/api/v1/inspection-templates", &z.admin, &walk_round())
        .await;
    let today = Utc::now().with_timezone(&cst()).date_naive();
    app.created(
        "/api/v1/inspection-schedules",
        &z.admin,
        &json!({
            "template_id": template["id"], "enterprise_id": z.firm_a["id"],
            "recurrence": "freq=weekly;byday=MO", "starts_on": today.to_string(),
            "opens_at": "09:00", "window_hours": 8, "grace_hours": 24,
            "assignee_role": "full_time_worker"
        }),
    )
    .await
}

async fn weekly_occurrences_fall_on_mondays_and_flip_with_the_clock(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let s = schedule(&app, &z).await;
    assert_eq!(s["recurrence"], "FREQ=WEEKLY;BYDAY=MO");
    assert_eq!(
        s["grid_id"], z.grid_a["id"],
        "an enterprise's schedule is its grid's"
    );
    let created: DateTime<Utc> = s["created_at"].as_str().unwrap().parse().unwrap();

    // the Mondays at 09:00 CST after the schedule was made, over 40 days
    let nine = NaiveTime::from_hms_opt(9, 0, 0).unwrap();
    let mut day = created.with_timezone(&cst()).date_naive();
    let mut mondays = Vec::new();
    while mondays.len() < 6 {
        let opens = cst()
            .from_local_datetime(&day.and_time(nine))
            .unwrap()
            .with_timezone(&Utc);
        if day.weekday() == Weekday::Mon && opens >= created {
            mondays.push(opens);
        }
        day = day.succ_opt().unwrap();
    }
    let first = mondays[0];

    // an hour before the first opens, it is made (a day ahead) and due
    assert_eq!(run_sweep(&app, first - Duration::hours(1)), (1, 0));
    assert_eq!(
        run_sweep(&app, first - Duration::hours(1)),
        (0, 0),
        "made once"
    );
    let list = occurrences(&app, &z.worker_a, id(&s)).await;
    assert_eq!(list.len(), 1);
    let opens: DateTime<Utc> = list[0]["opens_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(opens, first);
    assert_eq!(list[0]["state"], "due");
    assert_eq!(list[0]["assignee_role"], "full_time_worker");
    assert_eq!(list[0]["enterprise_id"], z.firm_a["id"]);

    // the window closes eight hours after it opens: overdue; a day later missed
    run_sweep(&app, first + Duration::hours(8) - Duration::seconds(1));
    assert_eq!(
        occurrences(&app, &z.worker_a, id(&s)).await[0]["state"],
        "due"
    );
    run_sweep(&app, first + Duration::hours(8));
    assert_eq!(
        occurrences(&app, &z.worker_a, id(&s)).await[0]["state"],
        "overdue"
    );
    run_sweep(&app, first + Duration::hours(32) - Duration::seconds(1));
    assert_eq!(
        occurrences(&app, &z.worker_a, id(&s)).await[0]["state"],
        "overdue"
    );
    run_sweep(&app, first + Duration::hours(32));
    assert_eq!(
        occurrences(&app, &z.worker_a, id(&s)).await[0]["state"],
        "missed"
    );

    // five weeks on (over a month end): every Monday once, each in its state;
    // two sweepers at the same moment make each occurrence once
    let later = mondays[5] - Duration::hours(2);
    let (pool, tz) = (&app.pool, app.config.time_zone);
    let (a, b) = std::thread::scope(|scope| {
        let one = scope.spawn(|| sweep_on(pool, tz, later));
        let two = scope.spawn(|| sweep_on(pool, tz, later));
        (one.join().unwrap(), two.join().unwrap())
    });
    assert_eq!(
        a.0 + b.0,
        5,
        "the five later Mondays, made once between two sweepers"
    );
    let list = occurrences(&app, &z.worker_a, id(&s)).await;
    let got: Vec<DateTime<Utc>> = list
        .iter()
        .map(|o| o["opens_at"].as_str().unwrap().parse().unwrap())
        .collect();
    assert_eq!(got, mondays);
    let months: std::collections::BTreeSet<u32> = got.iter().map(|d| d.month()).collect();
    assert!(months.len() >= 2, "the weeks cross a month end");
    let states: Vec<&str> = list.iter().map(|o| o["state"].as_str().unwrap()).collect();
    assert_eq!(
        states,
        ["missed", "missed", "missed", "missed", "missed", "due"]
    );
    let due = app
        .ok(
            &format!(
                "/api/v1/inspection-occurrences?schedule_id={}&state=due",
                id(&s)
            ),
            &z.admin,
        )
        .await;
    assert_eq!(due["items"].as_array().unwrap().len(), 1);

    // ending the schedule stops it; what was made stays
    let path = format!("/api/v1/inspection-schedules/{}", id(&s));
    let ended = app
        .request(
            actix_web::http::Method::DELETE,
            &path,
            Some(&z.admin),
            None,
            &[("If-Match", "\"1\"")],
        )
        .await;
    assert_eq!(ended.status, 200, "{}", ended.text);
    assert!(ended.body["archived_at"].is_string());
    assert_eq!(run_sweep(&app, mondays[5] + Duration::days(14)).0, 0);
    assert_eq!(occurrences(&app, &z.worker_a, id(&s)).await.len(), 6);
}

async fn schedules_are_out_of_reach_for_another_grid(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let s = schedule(&app, &z).await;
    run_sweep(&app, Utc::now() + Duration::days(8));
    let path = format!("/api/v1/inspection-schedules/{}", id(&s));
    assert_eq!(app.get(&path, Some(&z.worker_a)).await.status, 200);
    app.get(&path, Some(&z.worker_b))
        .await
        .assert_problem(404, "not_found");
    app.delete(&path, Some(&z.worker_b))
        .await
        .assert_problem(404, "not_found");
    let theirs = app.ok("/api/v1/inspection-schedules", &z.worker_b).await;
    assert!(theirs["items"].as_array().unwrap().is_empty());
    assert!(occurrences(&app, &z.worker_b, id(&s)).await.is_empty());
    assert!(!occurrences(&app, &z.worker_a, id(&s)).await.is_empty());
    let other_grid = format!("/api/v1/inspection-occurrences?grid_id={}", id(&z.grid_a));
    assert!(
        app.ok(&other_grid, &z.worker_b).await["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // a grid worker inspects but plans nothing; nor may anyone plan in another's grid
    let template =
        app.ok("/api/v1/inspection-templates", &z.worker_a).await["items"][0]["id"].clone();
    let body = json!({ "template_id": template, "grid_id": z.grid_b["id"], "recurrence": "FREQ=DAILY",
                       "starts_on": "2026-12-01", "opens_at": "08:00", "window_hours": 4, "assignee_role": "full_time_worker" });
    app.post("/api/v1/inspection-schedules", Some(&z.worker_a), &body)
        .await
        .assert_problem(403, "forbidden");
    // bad recurrences and windows are refused by field
    let mut bad = body.clone();
    bad["recurrence"] = json!("FREQ=HOURLY");
    bad["opens_at"] = json!("25:00");
    let res = app
        .post("/api/v1/inspection-schedules", Some(&z.admin), &bad)
        .await;
    let problem = res.assert_problem(422, "validation_failed");
    let fields = error_fields(problem);
    assert_eq!(fields, ["recurrence", "opens_at"]);
}
