use gridwork_tests::{Backend, TestApp, Zone, id, on_both_backends};
use serde_json::json;

on_both_backends!(
    credit_codes_are_checked_and_unique,
    completeness_lists_missing_fields
);

async fn credit_codes_are_checked_and_unique(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let admin = app.admin_token().await;
    let create = |uscc: &str| {
        let app = &app;
        let admin = admin.clone();
        let body = json!({ "name": "河南三点材料有限公司", "uscc": uscc });
        async move { app.post("/api/v1/enterprises", Some(&admin), &body).await }
    };
    for (bad, why) in [
        ("91440300708461136U", "check character"),
        ("9144030070846113", "18 characters"),
        ("91440300708461136TT", "18 characters"),
        ("9144030070846113OT", "capital letters"),
    ] {
        let res = create(bad).await;
        let body = res.assert_problem(422, "validation_failed");
        assert_eq!(body["errors"][0]["field"], "uscc", "{bad}");
        assert!(
            body["errors"][0]["message"].as_str().unwrap().contains(why),
            "{bad}: {}",
            res.text
        );
    }
    let ok = create("91440300708461136t").await;
    assert_eq!(ok.status, 201, "{}", ok.text);
    assert_eq!(
        ok.body["uscc"], "91440300708461136T",
        "lowercase is normalised"
    );
    create("91440300708461136T")
        .await
        .assert_problem(409, "uscc_taken");
    let list = app.ok("/api/v1/enterprises", &admin).await;
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        1,
        "refused input left nothing behind"
    );
}

async fn completeness_lists_missing_fields(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let firm = app
        .ok(&format!("/api/v1/enterprises/{}", id(&z.firm_a)), &z.admin)
        .await;
    assert_eq!(firm["basic_info"]["complete"], false);
    assert_eq!(
        firm["basic_info"]["missing"],
        json!([
            "industry_section",
            "employee_count",
            "address",
            "location",
            "principal_person_id",
            "production_characteristics"
        ])
    );
    // the worker of this grid collects the information
    let path = format!("/api/v1/enterprises/{}", id(&z.firm_a));
    let res = app
        .patch(
            &path,
            Some(&z.worker_a),
            &json!({
                "industry_section": "c", "industry_text": "电子元件制造", "employee_count": 1200,
                "address": "西华经济开发区纬一路", "lat": 33.79, "lng": 114.53,
                "principal_person_id": z.person_a["id"], "production_characteristics": "SMT 贴片，三班倒",
                "flags": ["dust", "confined_space", "dust"]
            }),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(
        res.body["basic_info"],
        json!({ "complete": true, "missing": [] })
    );
    assert_eq!(res.body["industry"]["section"], "C");
    assert_eq!(res.body["industry"]["section_label_zh"], "制造业");
    assert_eq!(res.body["flags"], json!(["dust", "confined_space"]));
    assert_eq!(res.body["location"], json!({ "lat": 33.79, "lng": 114.53 }));

    let bad = app
        .patch(&path, Some(&z.worker_a), &json!({ "lat": 95.0, "industry_section": "Z", "employee_count": -1, "flags": ["fire"] }))
        .await;
    let fields: Vec<&str> = bad.assert_problem(422, "validation_failed")["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    for f in ["lat", "industry_section", "employee_count", "flags"] {
        assert!(fields.contains(&f), "{f} in {fields:?}");
    }
    // clearing a field makes the record incomplete again
    let cleared = app
        .patch(&path, Some(&z.worker_a), &json!({ "address": null }))
        .await;
    assert_eq!(cleared.body["basic_info"]["missing"], json!(["address"]));
    // an enterprise with its own grid cannot be moved to another grid
    let area = app
        .created(
            "/api/v1/grids",
            &z.admin,
            &json!({ "name": "东区", "kind": "general", "parent_id": z.zone["id"] }),
        )
        .await;
    app.patch(&path, Some(&z.admin), &json!({ "grid_id": area["id"] }))
        .await
        .assert_problem(409, "has_enterprise_grid");
    // below zone level a new enterprise must be placed in a grid of one's scope
    let mobile = app
        .post(
            "/api/v1/enterprises",
            Some(&z.worker_a),
            &json!({ "name": "新公司" }),
        )
        .await;
    assert_eq!(
        mobile.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "grid_id"
    );
}
