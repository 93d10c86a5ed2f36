//! The reference data of case handling: departments and case categories,
//! seeded, readable by everyone signed in, kept by admins.

use gridwork_tests::{Backend, TestApp, Zone, on_both_backends};
use serde_json::{Value, json};

on_both_backends!(
    seeded_departments_and_categories_are_listed,
    an_admin_keeps_departments_and_categories,
    bad_setup_input_is_refused_field_by_field,
    department_staff_belong_to_one_department,
    the_working_calendar_is_kept_by_admins,
);

async fn all(app: &TestApp, path: &str, token: &str) -> Vec<Value> {
    let page = app.ok(&format!("{path}?limit=200"), token).await;
    assert_eq!(page["next_cursor"], Value::Null);
    page["items"].as_array().unwrap().clone()
}

async fn seeded_departments_and_categories_are_listed(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    // a grid worker reads them to report a case
    let departments = all(&app, "/api/v1/departments", &z.worker_a).await;
    let codes: Vec<&str> = departments
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    for code in [
        "civil_affairs",
        "development_reform",
        "natural_resources",
        "emergency_management",
        "fire_rescue",
        "human_resources",
        "market_regulation",
        "ecology_environment",
    ] {
        assert!(codes.contains(&code), "{code} in {codes:?}");
    }
    let categories = all(&app, "/api/v1/case-categories", &z.worker_a).await;
    let flooding = categories
        .iter()
        .find(|c| c["code"] == "safety_hazard.flooding")
        .unwrap();
    assert_eq!(flooding["parent_code"], "safety_hazard");
    assert_eq!(flooding["name_zh"], "防汛排涝");
    assert_eq!(
        flooding["departments"],
        json!(["emergency_management", "natural_resources"])
    );
    assert_eq!(
        flooding["deadlines"]["critical"],
        json!({ "accept": "10m", "report_in": "30m", "resolve": "24h" })
    );
    assert_eq!(flooding["deadlines"]["general"]["resolve"], "5wd");
    let tops: Vec<&str> = categories
        .iter()
        .filter(|c| c["parent_code"].is_null())
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        tops,
        [
            "dispute",
            "enterprise_service",
            "infrastructure",
            "livelihood",
            "other",
            "safety_hazard"
        ]
    );
    app.get("/api/v1/departments", None)
        .await
        .assert_problem(401, "missing_token");
    let codes = app.ok("/api/v1/meta/codes", &z.worker_a).await;
    assert_eq!(codes["case_states"].as_array().unwrap().len(), 11);
    assert!(codes["roles"].to_string().contains("committee_leader"));
}

async fn an_admin_keeps_departments_and_categories(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let made = app
        .post("/api/v1/departments", Some(&z.admin), &json!({ "code": "water_affairs", "name_zh": " 水利局 ", "name_en": "Water Affairs Bureau" }))
        .await;
    assert_eq!(made.status, 201, "{}", made.text);
    assert_eq!(
        made.header("location"),
        Some("/api/v1/departments/water_affairs")
    );
    assert_eq!(made.body["name_zh"], "水利局");

    let category = app
        .post(
            "/api/v1/case-categories",
            Some(&z.admin),
            &json!({ "code": "safety_hazard.waterlogging", "name_zh": "内涝", "name_en": "Waterlogging",
                     "departments": ["water_affairs", "emergency_management"],
                     "deadlines": { "critical": { "accept": "5m" }, "general": { "resolve": "3wd" } } }),
        )
        .await;
    assert_eq!(category.status, 201, "{}", category.text);
    assert_eq!(category.body["deadlines"]["critical"]["accept"], "5m");
    assert_eq!(
        category.body["deadlines"]["critical"]["resolve"], "24h",
        "the rest default"
    );
    assert_eq!(category.body["deadlines"]["general"]["resolve"], "3wd");
    let path = "/api/v1/case-categories/safety_hazard.waterlogging";
    let got = app.get(path, Some(&z.worker_a)).await;
    assert_eq!((got.status, got.header("etag")), (200, Some("\"1\"")));

    // changes: If-Match, deadlines merged, departments replaced
    let changed = app
        .request(
            actix_web::http::Method::PATCH,
            path,
            Some(&z.admin),
            Some(&json!({ "departments": ["water_affairs"], "deadlines": { "urgent": { "report_in": "45m" } } })),
            &[("If-Match", "\"1\"")],
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    assert_eq!(changed.body["departments"], json!(["water_affairs"]));
    assert_eq!(changed.body["deadlines"]["urgent"]["report_in"], "45m");
    assert_eq!(
        changed.body["deadlines"]["critical"]["accept"], "5m",
        "kept"
    );
    app.request(
        actix_web::http::Method::PATCH,
        path,
        Some(&z.admin),
        Some(&json!({ "name_en": "Urban waterlogging" })),
        &[("If-Match", "\"1\"")],
    )
    .await
    .assert_problem(412, "precondition_failed");

    // archiving a department
    let archived = app
        .patch(
            "/api/v1/departments/water_affairs",
            Some(&z.admin),
            &json!({ "archived": true }),
        )
        .await;
    assert!(
        archived.body["archived_at"].is_string(),
        "{}",
        archived.text
    );

    // others read but never write
    app.post(
        "/api/v1/departments",
        Some(&z.worker_a),
        &json!({ "code": "x", "name_zh": "x", "name_en": "x" }),
    )
    .await
    .assert_problem(403, "forbidden");
    app.patch(path, Some(&z.worker_b), &json!({ "name_en": "x" }))
        .await
        .assert_problem(403, "forbidden");
    let log = app
        .ok("/api/v1/audit-log?entity=case_category", &z.admin)
        .await;
    assert_eq!(log["items"].as_array().unwrap().len(), 2);
}

async fn bad_setup_input_is_refused_field_by_field(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let field = |res: &gridwork_tests::Resp| {
        res.assert_problem(422, "validation_failed")["errors"][0]["field"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let category = |code: &str, departments: Value, deadlines: Value| json!({ "code": code, "name_zh": "类", "name_en": "c", "departments": departments, "deadlines": deadlines });
    for (body, expected) in [
        (category("Bad", json!([]), Value::Null), "code"),
        (category("nowhere.child", json!([]), Value::Null), "code"),
        (
            category("other2", json!(["no_such_dept"]), Value::Null),
            "departments",
        ),
        (
            category("other2", json!(["fire_rescue", "fire_rescue"]), Value::Null),
            "departments",
        ),
        (
            category(
                "other2",
                json!([]),
                json!({ "critical": { "accept": "0m" } }),
            ),
            "deadlines.critical.accept",
        ),
        (
            category(
                "other2",
                json!([]),
                json!({ "urgent": { "resolve": "3d" } }),
            ),
            "deadlines.urgent.resolve",
        ),
    ] {
        let res = app
            .post("/api/v1/case-categories", Some(&z.admin), &body)
            .await;
        assert_eq!(field(&res), expected, "{body}");
    }
    let res = app
        .post(
            "/api/v1/case-categories",
            Some(&z.admin),
            &category("other", json!([]), Value::Null),
        )
        .await;
    res.assert_problem(409, "code_taken");
    let res = app
        .post(
            "/api/v1/departments",
            Some(&z.admin),
            &json!({ "code": "a.b", "name_zh": "x", "name_en": "x" }),
        )
        .await;
    assert_eq!(field(&res), "code");
    let res = app
        .post(
            "/api/v1/departments",
            Some(&z.admin),
            &json!({ "code": "ok", "name_zh": "  ", "name_en": "x" }),
        )
        .await;
    assert_eq!(field(&res), "name_zh");
    let res = app.get("/api/v1/departments/Fire%00", Some(&z.admin)).await;
    assert_eq!(field(&res), "code");
    app.get("/api/v1/case-categories/nothing_here", Some(&z.admin))
        .await
        .assert_problem(404, "not_found");
}

async fn department_staff_belong_to_one_department(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let admin = app.admin_token().await;
    let user = |roles: Value, department: Value| json!({ "username": "li_em", "password": gridwork_tests::USER_PASSWORD, "roles": roles, "department_code": department });
    for (body, code) in [
        (user(json!(["department_staff"]), Value::Null), "required"),
        (
            user(json!(["department_staff"]), json!("no_such")),
            "not_found",
        ),
        (
            user(json!(["grid_worker"]), json!("fire_rescue")),
            "invalid",
        ),
    ] {
        let res = app.post("/api/v1/users", Some(&admin), &body).await;
        let problem = res.assert_problem(422, "validation_failed");
        assert_eq!(problem["errors"][0]["field"], "department_code", "{body}");
        assert_eq!(problem["errors"][0]["code"], code, "{body}");
    }
    let made = app
        .post(
            "/api/v1/users",
            Some(&admin),
            &user(json!(["department_staff"]), json!("emergency_management")),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.text);
    assert_eq!(made.body["department_code"], "emergency_management");
    let path = format!("/api/v1/users/{}", made.body["id"].as_str().unwrap());
    let moved = app
        .patch(
            &path,
            Some(&admin),
            &json!({ "department_code": "fire_rescue" }),
        )
        .await;
    assert_eq!(
        moved.body["department_code"], "fire_rescue",
        "{}",
        moved.text
    );
    // another role without a department: the department must go too
    app.patch(&path, Some(&admin), &json!({ "roles": ["auditor"] }))
        .await
        .assert_problem(422, "validation_failed");
    let changed = app
        .patch(
            &path,
            Some(&admin),
            &json!({ "roles": ["auditor"], "department_code": null }),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    assert_eq!(changed.body["department_code"], Value::Null);
}

async fn the_working_calendar_is_kept_by_admins(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let year = app
        .ok(
            "/api/v1/calendar/days?from=2026-01-01&to=2026-12-31&limit=200",
            &z.worker_a,
        )
        .await;
    let items = year["items"].as_array().unwrap();
    assert_eq!(items.len(), 39, "33 holidays and 6 make-up days");
    assert_eq!(
        items[0],
        json!({ "day": "2026-01-01", "kind": "holiday", "note": "元旦" })
    );
    let october = app
        .ok(
            "/api/v1/calendar/days?from=2026-10-01&to=2026-10-31&limit=3",
            &z.worker_a,
        )
        .await;
    assert_eq!(october["items"].as_array().unwrap().len(), 3);
    let next = app
        .ok(
            &format!(
                "/api/v1/calendar/days?from=2026-10-01&to=2026-10-31&limit=200&cursor={}",
                october["next_cursor"].as_str().unwrap()
            ),
            &z.worker_a,
        )
        .await;
    assert_eq!(next["items"][0]["day"], "2026-10-04", "the page after");
    assert_eq!(
        next["items"].as_array().unwrap().len(),
        5,
        "5–7 Oct and the 10th"
    );

    // a zone-specific day off, then taken back
    let put = app
        .request(
            actix_web::http::Method::PUT,
            "/api/v1/calendar/days/2026-12-31",
            Some(&z.admin),
            Some(&json!({ "kind": "holiday", "note": "跨年停工" })),
            &[],
        )
        .await;
    assert_eq!(put.status, 200, "{}", put.text);
    app.request(
        actix_web::http::Method::PUT,
        "/api/v1/calendar/days/2026-12-30",
        Some(&z.worker_a),
        Some(&json!({ "kind": "holiday" })),
        &[],
    )
    .await
    .assert_problem(403, "forbidden");
    let del = app
        .request(
            actix_web::http::Method::DELETE,
            "/api/v1/calendar/days/2026-12-31",
            Some(&z.admin),
            None,
            &[],
        )
        .await;
    assert_eq!(del.status, 204);
    app.request(
        actix_web::http::Method::DELETE,
        "/api/v1/calendar/days/2026-12-31",
        Some(&z.admin),
        None,
        &[],
    )
    .await
    .assert_problem(404, "not_found");
    app.get(
        "/api/v1/calendar/days?from=2026-01-01&to=2027-06-01",
        Some(&z.admin),
    )
    .await
    .assert_problem(422, "validation_failed");
    app.get("/api/v1/calendar/days?from=2026-13-01", Some(&z.admin))
        .await
        .assert_problem(422, "validation_failed");
}
