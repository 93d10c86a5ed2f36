//! CSV exports: a BOM and a header, the caller's scope only, phones masked
//! without people-management rights, formulas defused, audited.

use gridwork_tests::{Backend, TestApp, Zone, csv_rows, on_both_backends};
use serde_json::json;

on_both_backends!(exports_stay_in_scope_and_mask_what_they_must);

async fn exports_stay_in_scope_and_mask_what_they_must(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let admin = z.admin.as_str();

    // people: worker B sees grid B's, phones masked; the admin all, in full
    let theirs = csv_rows(&app, "/api/v1/people/export.csv", &z.worker_b).await;
    let names: Vec<&str> = theirs.iter().map(|r| r["name"].as_str()).collect();
    assert_eq!(names, ["宋根华"]);
    assert_eq!(theirs[0]["mobile"], "139****5678");
    assert!(
        !theirs
            .iter()
            .any(|r| r.values().any(|v| v.contains("13900005678")))
    );
    let all = csv_rows(&app, "/api/v1/people/export.csv", admin).await;
    let a = all.iter().find(|r| r["name"] == "张亚超").unwrap();
    assert_eq!(a["mobile"], "13800001234");

    // enterprises of the caller's grids only
    let firms = csv_rows(&app, "/api/v1/enterprises/export.csv", &z.worker_b).await;
    let firms: Vec<&str> = firms.iter().map(|r| r["name"].as_str()).collect();
    assert_eq!(firms, ["河南普瑞制药"]);

    // a case whose text a spreadsheet would run stays text; B does not see it
    let case = app
        .created(
            "/api/v1/cases",
            &z.worker_a,
            &json!({ "category": "safety_hazard.fire", "severity": "urgent", "source": "grid_worker",
                     "description": "=HYPERLINK(\"http://x\") 消防通道堵塞", "grid_id": z.grid_a["id"] }),
        )
        .await;
    let cases = csv_rows(&app, "/api/v1/cases/export.csv", &z.worker_a).await;
    assert_eq!(cases.len(), 1);
    assert_eq!(cases[0]["id"], case["id"].as_str().unwrap());
    assert!(cases[0]["description"].starts_with("'=HYPERLINK"));
    assert!(
        csv_rows(&app, "/api/v1/cases/export.csv", &z.worker_b)
            .await
            .is_empty()
    );

    // inspections and hazards: a header and nothing else yet
    assert!(
        csv_rows(&app, "/api/v1/inspections/export.csv", admin)
            .await
            .is_empty()
    );
    assert!(
        csv_rows(&app, "/api/v1/hazards/export.csv", admin)
            .await
            .is_empty()
    );

    // scorecards of a month: worker B's own only; a bad month is refused
    let month = gridwork_domain::month::Month::of(
        chrono::Utc::now()
            .with_timezone(&app.config.time_zone)
            .date_naive(),
    );
    {
        // computed afresh, as five minutes after the sweeper's first pass
        let mut conn = app.pool.get().unwrap();
        let now = chrono::Utc::now();
        gridwork_api::app::assessments::refresh(&mut conn, month, app.config.time_zone, now)
            .unwrap();
    }
    let mine = csv_rows(
        &app,
        &format!("/api/v1/assessments/export.csv?period={month}&level=worker"),
        &z.worker_b,
    )
    .await;
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["name_zh"], "宋根华");
    assert!(mine[0]["resolution_rate"].contains('/'));
    app.get(
        "/api/v1/assessments/export.csv?period=2026-13&level=worker",
        Some(admin),
    )
    .await
    .assert_problem(422, "validation_failed");
    app.get("/api/v1/people/export.csv", None)
        .await
        .assert_problem(401, "missing_token");

    // every export is audited
    let audit = app
        .ok("/api/v1/audit-log?action=system.export", admin)
        .await;
    assert_eq!(audit["items"].as_array().unwrap().len(), 8);
    assert_eq!(audit["items"][0]["detail"]["export"], "scorecards");
}
