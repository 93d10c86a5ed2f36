//! Party building: branches on grids kept by the office and instructors,
//! members, activities with attendance, candidates from commended workers,
//! coverage, and scope.

use chrono::{Duration, Utc};
use gridwork_api::app::assessments;
use gridwork_api::app::{Origin, Scoped};
use gridwork_domain::month::Month;
use gridwork_tests::{Backend, TestApp, Zone, error_fields, id, on_both_backends};
use serde_json::json;

on_both_backends!(branches_members_activities_and_candidates);

async fn branches_members_activities_and_candidates(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let admin = z.admin.as_str();
    let coverage = |token: &str| {
        let app = &app;
        let token = token.to_owned();
        async move {
            let grids = app.ok("/api/v1/stats/party", &token).await["grids"].clone();
            (
                grids["numerator"].as_u64().unwrap(),
                grids["denominator"].as_u64().unwrap(),
            )
        }
    };
    assert_eq!(
        coverage(admin).await,
        (0, 3),
        "grid A, its workshop, grid B"
    );

    let branch = |name: &str, grid: &serde_json::Value| json!({ "name": name, "grid_id": grid["id"], "founded_on": "2021-07-01" });
    app.post(
        "/api/v1/party/branches",
        Some(&z.worker_a),
        &branch("x", &z.grid_a),
    )
    .await
    .assert_problem(403, "forbidden");
    let a = app
        .created(
            "/api/v1/party/branches",
            admin,
            &branch("耕德电子网格党支部", &z.grid_a),
        )
        .await;
    assert_eq!(
        coverage(admin).await,
        (2, 3),
        "grid A's branch covers its workshop"
    );
    // grid B's party instructor founds B's branch, but not one on grid A
    let user = app
        .create_user(admin, "instructor_b", &["party_instructor"])
        .await;
    let instructor = app
        .created(
            "/api/v1/people",
            admin,
            &json!({ "name": "党建指导员刘", "user_id": user, "grid_id": z.grid_b["id"] }),
        )
        .await;
    app.created(
        &format!("/api/v1/grids/{}/assignments", id(&z.grid_b)),
        admin,
        &json!({ "person_id": instructor["id"], "role": "party_instructor" }),
    )
    .await;
    let instr = app
        .tokens("instructor_b", gridwork_tests::USER_PASSWORD)
        .await
        .0;
    let elsewhere = app
        .post(
            "/api/v1/party/branches",
            Some(&instr),
            &branch("x", &z.grid_a),
        )
        .await;
    assert_eq!(
        error_fields(elsewhere.assert_problem(422, "validation_failed")),
        ["grid_id"]
    );
    let b = app
        .created(
            "/api/v1/party/branches",
            &instr,
            &branch("普瑞制药网格党支部", &z.grid_b),
        )
        .await;
    assert_eq!(coverage(admin).await, (3, 3));
    assert_eq!(coverage(&instr).await, (1, 1));
    // each sees the branches of their grids only
    let theirs = app.ok("/api/v1/party/branches", &instr).await;
    let ids: Vec<&str> = theirs["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [id(&b)]);
    app.get(&format!("/api/v1/party/branches/{}", id(&a)), Some(&instr))
        .await
        .assert_problem(404, "not_found");
    app.get(
        &format!("/api/v1/party/branches/{}/members", id(&a)),
        Some(&z.worker_b),
    )
    .await
    .assert_problem(404, "not_found");

    // members, once each
    let members = format!("/api/v1/party/branches/{}/members", id(&a));
    let member =
        json!({ "person_id": z.person_a["id"], "role": "member", "joined_on": "2015-07-01" });
    let added = app.post(&members, Some(admin), &member).await;
    assert_eq!(added.status, 201, "{}", added.text);
    app.post(&members, Some(admin), &member)
        .await
        .assert_problem(409, "already_member");
    let not_ours = app
        .post(
            &format!("/api/v1/party/branches/{}/members", id(&b)),
            Some(&instr),
            &json!({ "person_id": z.person_a["id"], "role": "member" }),
        )
        .await;
    assert_eq!(
        error_fields(not_ours.assert_problem(422, "validation_failed")),
        ["person_id"]
    );
    let listed = app.ok(&members, &z.worker_a).await;
    assert_eq!(listed["items"][0]["name"], "张亚超");
    assert_eq!(
        app.ok(&format!("/api/v1/party/branches/{}", id(&a)), admin)
            .await["member_count"],
        1
    );

    // activities with attendance, each attendee once
    let activities = format!("/api/v1/party/branches/{}/activities", id(&a));
    let twice = app
        .post(
            &activities,
            Some(admin),
            &json!({ "title": "主题党日", "held_on": "2026-11-20", "attendees": [z.person_a["id"], z.person_a["id"]] }),
        )
        .await;
    assert_eq!(
        error_fields(twice.assert_problem(422, "validation_failed")),
        ["attendees[1]"]
    );
    let held = app
        .post(
            &activities,
            Some(admin),
            &json!({ "title": "主题党日：安全生产进车间", "held_on": "2026-11-20", "place": "一车间", "attendees": [z.person_a["id"]] }),
        )
        .await;
    assert_eq!(held.status, 201, "{}", held.text);
    assert_eq!(held.body["attendee_count"], 1);
    assert_eq!(
        app.ok(&activities, admin).await["items"][0]["title"],
        "主题党日：安全生产进车间"
    );

    // candidates come from a closed month's commended workers: this month,
    // scored on policy acknowledgement alone, 张亚超 acknowledges and 宋根华
    // does not
    let candidates = format!("/api/v1/party/branches/{}/candidates", id(&a));
    let month = Month::of(Utc::now().with_timezone(&app.config.time_zone).date_naive());
    let nominate = |path: String, person: serde_json::Value| {
        let app = &app;
        async move {
            app.post(&path, Some(admin), &json!({ "person_id": person, "period": month.to_string(), "reason": "月度考核表彰" }))
                .await
        }
    };
    nominate(candidates.clone(), z.person_a["id"].clone())
        .await
        .assert_problem(409, "not_commended");
    let scheme = app
        .put_if(
            "/api/v1/assessment-schemes/worker",
            admin,
            "\"1\"",
            &json!({ "weights": [{ "indicator": "policy_acknowledgement", "weight": 100 }], "commend_at": 90, "review_below": 60 }),
        )
        .await;
    assert_eq!(scheme.status, 200, "{}", scheme.text);
    let policy = app
        .created(
            "/api/v1/policies",
            admin,
            &json!({ "title": "七一主题党日安排", "summary": "组织生活安排", "body": "……", "source_level": "zone",
                     "effective_on": Utc::now().date_naive().to_string(), "target": {} }),
        )
        .await;
    app.post(
        &format!("/api/v1/policies/{}/acknowledge", id(&policy)),
        Some(&z.worker_a),
        &json!({}),
    )
    .await;
    {
        let mut conn = app.pool.get().unwrap();
        assessments::close(
            &mut conn,
            &Scoped::system(),
            &Origin::default(),
            month,
            app.config.time_zone,
            Utc::now() + Duration::days(40),
        )
        .unwrap();
    }
    let nominated = nominate(candidates.clone(), z.person_a["id"].clone()).await;
    assert_eq!(nominated.status, 201, "{}", nominated.text);
    assert_eq!(nominated.body["period"], month.to_string());
    nominate(
        format!("/api/v1/party/branches/{}/candidates", id(&b)),
        z.person_b["id"].clone(),
    )
    .await
    .assert_problem(409, "not_commended");
    let listed = app.ok(&candidates, admin).await;
    assert_eq!(listed["items"][0]["name"], "张亚超");
    // every write is audited
    let audit = app
        .ok(
            "/api/v1/audit-log?action=party_branch.candidate_nominate",
            admin,
        )
        .await;
    assert_eq!(audit["items"].as_array().unwrap().len(), 1);
}
