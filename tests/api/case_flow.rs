//! The article's flood story, end to end over HTTP: grid discovers →
//! community reports → the committee blows the whistle → departments report
//! in → collaborative disposal → verification → evaluation.

use gridwork_tests::{Backend, INITIAL_PASSWORD, TestApp, Zone, id, on_both_backends};
use serde_json::{Value, json};

on_both_backends!(the_flood_story_runs_from_report_to_evaluation);

const PHOTO: &[u8] = include_bytes!("../../domain/tests/fixtures/photo.jpg");
const SURVEY: &[u8] = include_bytes!("../../domain/tests/fixtures/photo.png");

/// A user with these roles (and department), logged in.
async fn user(
    app: &TestApp,
    admin: &str,
    name: &str,
    roles: &[&str],
    department: Option<&str>,
) -> (String, String) {
    let res = app
        .post(
            "/api/v1/users",
            Some(admin),
            &json!({ "username": name, "password": INITIAL_PASSWORD, "roles": roles, "department_code": department }),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    (
        id(&res.body).to_owned(),
        app.choose_password(name, INITIAL_PASSWORD).await,
    )
}

struct Case<'a> {
    app: &'a TestApp,
    path: String,
    version: i64,
}

impl Case<'_> {
    /// Takes a step as `token`, with `If-Match`, and expects 200.
    async fn step(&mut self, token: &str, action: &str, body: Value) -> Value {
        let res = self.try_step(token, action, body).await;
        assert_eq!(res.status, 200, "{action}: {}", res.text);
        self.version = res.body["version"].as_i64().unwrap();
        res.body
    }

    async fn try_step(&self, token: &str, action: &str, body: Value) -> gridwork_tests::Resp {
        let etag = format!("\"{}\"", self.version);
        self.app
            .request(
                actix_web::http::Method::POST,
                &format!("{}/{action}", self.path),
                Some(token),
                Some(&body),
                &[("If-Match", etag.as_str())],
            )
            .await
    }
}

async fn the_flood_story_runs_from_report_to_evaluation(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let admin = z.admin.as_str();
    // 张亚超 (worker_a) is the enterprise's principal too
    let firm = app
        .patch(
            &format!("/api/v1/enterprises/{}", id(&z.firm_a)),
            Some(admin),
            &json!({ "principal_person_id": z.person_a["id"] }),
        )
        .await;
    assert_eq!(firm.status, 200, "{}", firm.text);
    // 王勇翔, grid leader of grid A
    let (leader_id, leader) = user(&app, admin, "wangyx", &["grid_leader"], None).await;
    let person = app
        .created(
            "/api/v1/people",
            admin,
            &json!({ "name": "王勇翔", "grid_id": z.grid_a["id"], "user_id": leader_id }),
        )
        .await;
    app.created(
        &format!("/api/v1/grids/{}/assignments", id(&z.grid_a)),
        admin,
        &json!({ "person_id": person["id"], "role": "grid_leader" }),
    )
    .await;
    let (_, office) = user(&app, admin, "zhangdl", &["zone_officer"], None).await;
    let (_, committee) = user(&app, admin, "zhenghao", &["committee_leader"], None).await;
    let (emergency_id, emergency) = user(
        &app,
        admin,
        "em_li",
        &["department_staff"],
        Some("emergency_management"),
    )
    .await;
    let (resources_id, resources) = user(
        &app,
        admin,
        "nr_wu",
        &["department_staff"],
        Some("natural_resources"),
    )
    .await;

    // the full-time worker photographs the water and reports it
    let photo = app.upload(&z.worker_a, "image/jpeg", PHOTO).await;
    assert_eq!(photo.status, 201, "{}", photo.text);
    let reported = app
        .post(
            "/api/v1/cases",
            Some(&z.worker_a),
            &json!({ "category": "safety_hazard.flooding", "severity": "critical", "source": "grid_worker",
                     "description": "车间屋顶漏雨，精密设备进水", "grid_id": z.grid_a["id"], "enterprise_id": z.firm_a["id"],
                     "attachments": [photo.body["id"]] }),
        )
        .await;
    assert_eq!(reported.status, 201, "{}", reported.text);
    let mut case = Case {
        app: &app,
        path: format!("/api/v1/cases/{}", id(&reported.body)),
        version: 1,
    };

    // not everyone may take every step: 403 for a function they lack
    case.try_step(&z.worker_a, "accept", json!({}))
        .await
        .assert_problem(403, "forbidden");
    case.try_step(&emergency, "accept", json!({}))
        .await
        .assert_problem(404, "not_found");

    let accepted = case
        .step(&leader, "accept", json!({ "note": "立即上报" }))
        .await;
    assert_eq!(accepted["state"], "accepted");
    let up = case
        .step(&leader, "escalate", json!({ "reason": "需管委会协调" }))
        .await;
    assert_eq!(up["level"], "zone_office");
    case.try_step(&leader, "escalate", json!({ "reason": "再上报" }))
        .await
        .assert_problem(403, "forbidden");
    let up = case
        .step(&office, "escalate", json!({ "reason": "吹哨" }))
        .await;
    assert_eq!(up["level"], "committee");
    let dispatched = case
        .step(&committee, "dispatch", json!({ "lead_department": "emergency_management", "assisting_departments": ["natural_resources"] }))
        .await;
    assert_eq!(
        (dispatched["state"].as_str(), dispatched["level"].as_str()),
        (Some("dispatched"), Some("departments"))
    );
    assert!(dispatched["report_in_due_at"].is_string());

    // both departments report in, and see the case as theirs
    let mine = app.ok("/api/v1/cases?mine=true", &resources).await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    case.step(&emergency, "report-in", json!({})).await;
    case.step(&resources, "report-in", json!({ "note": "已派员到场" }))
        .await;
    case.try_step(&emergency, "report-in", json!({}))
        .await
        .assert_problem(409, "already_reported_in");

    // the case names its departments: lead first, when each was dispatched,
    // when it reported in and by whom
    let seen = app.ok(&case.path, &office).await;
    let departments = seen["departments"].as_array().unwrap();
    let parts: Vec<(&str, bool, &str, &str)> = departments
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap(),
                d["lead"].as_bool().unwrap(),
                d["reported_in_by"].as_str().unwrap(),
                d["reported_in_by_name"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        parts,
        [
            ("emergency_management", true, emergency_id.as_str(), "em_li"),
            ("natural_resources", false, resources_id.as_str(), "nr_wu"),
        ]
    );
    for d in departments {
        assert_eq!(d["dispatched_at"], seen["dispatched_at"]);
        assert!(d["reported_in_at"].as_str().unwrap() >= d["dispatched_at"].as_str().unwrap());
    }
    // lists carry them too, and another grid's worker still sees nothing
    let listed = app.ok("/api/v1/cases?mine=true", &resources).await;
    assert_eq!(listed["items"][0]["departments"], seen["departments"]);
    app.get(&case.path, Some(&z.worker_b))
        .await
        .assert_problem(404, "not_found");

    // the departments see the reported photo
    let seen = app
        .get(
            &format!("/api/v1/attachments/{}", id(&photo.body)),
            Some(&resources),
        )
        .await;
    assert_eq!(seen.status, 200);
    case.step(&emergency, "start", json!({})).await;
    case.try_step(&resources, "resolve", json!({ "feedback": "x" }))
        .await
        .assert_problem(403, "forbidden");
    // the assisting department reports its part as a note, with a photo
    let survey = app.upload(&resources, "image/png", SURVEY).await;
    assert_eq!(survey.status, 201, "{}", survey.text);
    let note = app
        .post(
            &format!("{}/notes", case.path),
            Some(&resources),
            &json!({ "note": "已勘查周边排水沟渠", "attachments": [survey.body["id"]] }),
        )
        .await;
    assert_eq!(note.status, 201, "{}", note.text);
    assert_eq!(
        (
            note.body["action"].as_str(),
            note.body["actor_role"].as_str()
        ),
        (Some("note"), Some("department_staff"))
    );
    // the reporter, a worker of the grid it is not dispatched to, may not
    // note; another grid's worker does not even see it
    app.post(
        &format!("{}/notes", case.path),
        Some(&z.worker_a),
        &json!({ "note": "x" }),
    )
    .await
    .assert_problem(403, "forbidden");
    app.post(
        &format!("{}/notes", case.path),
        Some(&z.worker_b),
        &json!({ "note": "x" }),
    )
    .await
    .assert_problem(404, "not_found");
    let after = app.upload(&emergency, "image/jpeg", PHOTO).await;
    assert_eq!(after.status, 201, "{}", after.text);
    let resolved = case
        .step(
            &emergency,
            "resolve",
            json!({ "feedback": "已排水、封堵屋面", "attachments": [after.body["id"]] }),
        )
        .await;
    assert_eq!(resolved["state"], "resolved");
    let closed = case.step(&leader, "verify", json!({})).await;
    assert_eq!(closed["state"], "closed");
    assert!(closed["closed_at"].is_string());
    case.try_step(&leader, "verify", json!({}))
        .await
        .assert_problem(409, "invalid_transition");
    let stale = case
        .app
        .request(
            actix_web::http::Method::POST,
            &format!("{}/evaluate", case.path),
            Some(&z.worker_a),
            Some(&json!({ "satisfaction": "satisfied" })),
            &[("If-Match", "\"1\"")],
        )
        .await;
    stale.assert_problem(412, "precondition_failed");
    let evaluated = case
        .step(
            &z.worker_a,
            "evaluate",
            json!({ "satisfaction": "satisfied", "comment": "当天解决" }),
        )
        .await;
    assert_eq!(
        (
            evaluated["state"].as_str(),
            evaluated["satisfaction"].as_str()
        ),
        (Some("evaluated"), Some("satisfied"))
    );

    let timeline = app
        .ok(&format!("{}/timeline", case.path), &z.worker_a)
        .await;
    let actions: Vec<&str> = timeline["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "report",
            "accept",
            "escalate",
            "escalate",
            "dispatch",
            "report_in",
            "report_in",
            "start",
            "note",
            "resolve",
            "verify",
            "evaluate"
        ]
    );
    let photos: Vec<&Value> = timeline["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["attachments"])
        .collect();
    assert_eq!(photos[0], &json!([photo.body["id"]]));
    assert_eq!(photos[8], &json!([survey.body["id"]]));
    assert_eq!(photos[9], &json!([after.body["id"]]));
    let events = app.ok("/api/v1/audit-log?action=case.note", admin).await;
    assert_eq!(events["items"].as_array().unwrap().len(), 1);
    let roles: Vec<&str> = timeline["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["actor_role"].as_str().unwrap())
        .collect();
    // the timeline names the department that acted
    let acted: Vec<Option<&str>> = timeline["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["department"].as_str())
        .collect();
    assert_eq!(
        acted,
        [
            None,
            None,
            None,
            None,
            None,
            Some("emergency_management"),
            Some("natural_resources"),
            Some("emergency_management"),
            Some("natural_resources"),
            Some("emergency_management"),
            None,
            None
        ]
    );
    assert_eq!(roles[4], "committee_leader");
    assert_eq!(roles[5], "department_staff");
    assert_eq!(roles[8], "department_staff");
    let log = app
        .ok("/api/v1/audit-log?action=case.step&limit=200", admin)
        .await;
    assert_eq!(log["items"].as_array().unwrap().len(), 10);

    // the KPIs move: one case due, closed on time, the reporter satisfied
    let stats = app.ok("/api/v1/stats/cases", &office).await;
    let kpis = &stats["kpis"];
    assert_eq!(kpis["due_to_close"], 1);
    assert_eq!(
        kpis["closure"],
        json!({ "numerator": 1, "denominator": 1, "rate": 1.0 })
    );
    assert_eq!(kpis["on_time_closure"]["rate"], 1.0);
    assert_eq!(kpis["rework"]["rate"], 0.0);
    assert_eq!(kpis["satisfaction"]["rate"], 1.0);
    assert_eq!(kpis["to_accept"]["count"], 1);
    assert_eq!(kpis["to_report_in"]["count"], 1);
    assert_eq!(
        stats["by_state"],
        json!([{ "state": "evaluated", "count": 1 }])
    );
    assert_eq!(stats["by_department"][0]["key"], "emergency_management");
    let dept = app
        .ok(
            "/api/v1/stats/cases?department_id=natural_resources",
            &office,
        )
        .await;
    assert_eq!(
        dept["kpis"]["due_to_close"], 1,
        "assisting departments count it too"
    );
    // another grid's worker counts nothing of grid A
    let other = app.ok("/api/v1/stats/cases", &z.worker_b).await;
    assert_eq!(other["kpis"]["due_to_close"], 0);
    assert_eq!(other["by_state"], json!([]));
}
