use gridwork_tests::{Backend, TestApp, Zone, case_step, id, integrator_key, on_both_backends};
use serde_json::{Value, json};

on_both_backends!(
    discovery_and_services_answer_in_json_and_xml,
    a_report_needs_a_key_a_service_and_a_place,
    a_report_is_a_case_read_back_in_json_and_xml_with_its_updates,
);

const V2: &str = "/open311/v2";

fn square(x0: f64, y0: f64, size: f64) -> Value {
    json!({"type": "Polygon", "coordinates": [[[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]]})
}

fn error_code(res: &gridwork_tests::Resp) -> i64 {
    res.body[0]["code"]
        .as_i64()
        .unwrap_or_else(|| panic!("{}", res.text))
}

async fn discovery_and_services_answer_in_json_and_xml(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let discovery = app.get(&format!("{V2}/discovery.json"), None).await;
    assert_eq!(discovery.status, 200, "{}", discovery.text);
    let endpoint = &discovery.body["endpoints"][0];
    assert_eq!(
        endpoint["specification"],
        "http://wiki.open311.org/GeoReport_v2"
    );
    assert!(endpoint["url"].as_str().unwrap().ends_with("/open311/v2"));
    assert_eq!(endpoint["formats"], json!(["text/xml", "application/json"]));
    let xml = app.get(&format!("{V2}/discovery.xml"), None).await;
    assert_eq!(xml.header("content-type"), Some("text/xml; charset=utf-8"));
    assert!(xml.text.contains("<discovery>"), "{}", xml.text);
    assert!(
        xml.text.contains(
            "<formats><format>text/xml</format><format>application/json</format></formats>"
        )
    );

    let services = app
        .get(&format!("{V2}/services.json?jurisdiction_id="), None)
        .await;
    assert_eq!(services.status, 200, "{}", services.text);
    let flooding = services
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["service_code"] == "safety_hazard.flooding")
        .expect("a category is a service");
    assert_eq!(
        (flooding["metadata"].as_bool(), flooding["type"].as_str()),
        (Some(true), Some("realtime"))
    );
    let xml = app.get(&format!("{V2}/services.xml"), None).await;
    assert!(xml.text.contains("<services><service>"), "{}", xml.text);
    assert!(
        xml.text
            .contains("<service_code>safety_hazard.flooding</service_code>")
    );

    let definition = app
        .get(&format!("{V2}/services/safety_hazard.flooding.json"), None)
        .await;
    assert_eq!(definition.status, 200, "{}", definition.text);
    assert_eq!(definition.body["service_code"], "safety_hazard.flooding");
    let severity = &definition.body["attributes"][0];
    assert_eq!(
        (severity["code"].as_str(), severity["datatype"].as_str()),
        (Some("severity"), Some("singlevaluelist"))
    );
    assert_eq!(severity["values"].as_array().unwrap().len(), 3);
    let xml = app
        .get(&format!("{V2}/services/safety_hazard.flooding.xml"), None)
        .await;
    assert!(
        xml.text.contains("<service_definition>") && xml.text.contains("<attributes><attribute>")
    );

    let missing = app.get(&format!("{V2}/services/no_such.json"), None).await;
    assert_eq!((missing.status, error_code(&missing)), (404, 404));
    let xml = app.get(&format!("{V2}/services/no_such.xml"), None).await;
    assert_eq!(xml.status, 404);
    assert!(
        xml.text.contains("<errors><error><code>404</code>"),
        "{}",
        xml.text
    );
    let yaml = app.get(&format!("{V2}/services.yaml"), None).await;
    assert_eq!((yaml.status, error_code(&yaml)), (400, 400));
}

async fn a_report_needs_a_key_a_service_and_a_place(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let key = integrator_key(&app, &z.admin, "市民通", &["report_cases"]).await;
    let reader = integrator_key(&app, &z.admin, "只读", &["read_own_cases"]).await;
    let url = format!("{V2}/requests.json");
    let place = [
        ("service_code", "safety_hazard.flooding"),
        ("address_string", "人和路口"),
        ("jurisdiction_id", ""),
    ];

    let none = app.post_form(&url, &place).await;
    assert_eq!(
        (none.status, error_code(&none)),
        (403, 403),
        "{}",
        none.text
    );
    let forged = format!("gw_int_{}", "A".repeat(64));
    let bad_key = app
        .post_form(&format!("{url}?api_key={forged}"), &place)
        .await;
    assert_eq!(error_code(&bad_key), 403);
    let unscoped = app
        .post_form(&format!("{url}?api_key={reader}"), &place)
        .await;
    assert_eq!(error_code(&unscoped), 403, "{}", unscoped.text);

    let with = format!("{url}?api_key={key}&jurisdiction_id=");
    let nowhere = app
        .post_form(
            &with,
            &[
                ("service_code", "safety_hazard.flooding"),
                ("description", "积水"),
            ],
        )
        .await;
    assert_eq!((nowhere.status, error_code(&nowhere)), (400, 400));
    assert!(nowhere.text.contains("location"), "{}", nowhere.text);
    let half = app
        .post_form(
            &with,
            &[("service_code", "safety_hazard.flooding"), ("lat", "33.79")],
        )
        .await;
    assert_eq!(error_code(&half), 400);
    let no_service = app
        .post_form(&with, &[("address_string", "人和路口")])
        .await;
    assert_eq!(error_code(&no_service), 400);
    let unknown = app
        .post_form(
            &with,
            &[("service_code", "no_such"), ("address_string", "人和路口")],
        )
        .await;
    assert_eq!(error_code(&unknown), 400);
    let severity = app
        .post_form(
            &with,
            &[
                ("service_code", "safety_hazard.flooding"),
                ("address_string", "x"),
                ("attribute[severity]", "huge"),
            ],
        )
        .await;
    assert_eq!(error_code(&severity), 400);
    let far = app
        .post_form(
            &with,
            &[
                ("service_code", "safety_hazard.flooding"),
                ("lat", "10"),
                ("long", "10"),
            ],
        )
        .await;
    assert_eq!(error_code(&far), 400, "a point in no grid: {}", far.text);
    let xml = app.post_form(&format!("{V2}/requests.xml"), &place).await;
    assert_eq!(xml.status, 403);
    assert!(
        xml.text.contains("<errors><error><code>403</code>"),
        "{}",
        xml.text
    );
    // nothing was reported
    let cases = app.ok("/api/v1/cases", &z.admin).await;
    assert_eq!(cases["items"], json!([]));
}

async fn a_report_is_a_case_read_back_in_json_and_xml_with_its_updates(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let res = app
        .patch(
            &format!("/api/v1/grids/{}", id(&z.grid_a)),
            Some(&z.admin),
            &json!({ "boundary": square(114.50, 33.78, 0.02) }),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    let key = integrator_key(
        &app,
        &z.admin,
        "市民通",
        &["report_cases", "read_own_cases"],
    )
    .await;
    let other = integrator_key(&app, &z.admin, "别家", &["report_cases", "read_own_cases"]).await;

    // at a point, the key in the query string as apps send it
    let at_point = app
        .post_form(
            &format!("{V2}/requests.json?api_key={key}&jurisdiction_id="),
            &[
                ("jurisdiction_id", ""),
                ("service_code", "safety_hazard.flooding"),
                ("lat", "33.79"),
                ("long", "114.51"),
                ("description", "车间门口积水"),
                ("attribute[severity]", "urgent"),
                ("email", "citizen@example.com"),
                ("media_url", "http://192.0.2.1/photo.jpg"),
            ],
        )
        .await;
    assert_eq!(at_point.status, 200, "{}", at_point.text);
    let first = at_point.body[0]["service_request_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let case = app.ok(&format!("/api/v1/cases/{first}"), &z.admin).await;
    assert_eq!(
        (
            case["source"].as_str(),
            case["severity"].as_str(),
            case["grid_id"].as_str()
        ),
        (Some("open311"), Some("urgent"), z.grid_a["id"].as_str())
    );
    assert!(
        !case.to_string().contains("citizen@example.com"),
        "contact details are not kept"
    );

    // with an address only, the key in the form body, answered in XML
    let by_address = app
        .post_form(
            &format!("{V2}/requests.xml"),
            &[
                ("api_key", key.as_str()),
                ("service_code", "safety_hazard.flooding"),
                ("address_string", "人和路与建设路口"),
            ],
        )
        .await;
    assert_eq!(by_address.status, 200, "{}", by_address.text);
    assert!(
        by_address.text.contains("<service_requests><request>"),
        "{}",
        by_address.text
    );
    let cases = app.ok("/api/v1/cases", &z.admin).await;
    let second = cases["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] != first.as_str())
        .unwrap()
        .clone();
    assert_eq!(
        second["grid_id"], z.zone["id"],
        "an address alone goes to the zone office"
    );
    assert!(
        second["description"]
            .as_str()
            .unwrap()
            .starts_with("[人和路与建设路口]")
    );

    // read back by the integrator: in full
    let own = app
        .get(&format!("{V2}/requests.json?api_key={key}"), None)
        .await;
    assert_eq!(own.status, 200, "{}", own.text);
    let own = own.body.as_array().unwrap().clone();
    assert_eq!(own.len(), 2);
    let mine = own
        .iter()
        .find(|r| r["service_request_id"] == first.as_str())
        .unwrap();
    assert_eq!(
        (mine["status"].as_str(), mine["description"].as_str()),
        (Some("open"), Some("车间门口积水"))
    );
    assert_eq!(
        (mine["lat"].as_f64(), mine["long"].as_f64()),
        (Some(33.79), Some(114.51))
    );
    assert_eq!(mine["extended_attributes"]["state"], "reported");
    assert!(
        mine["status_notes"]
            .as_str()
            .unwrap()
            .starts_with("reported")
    );
    let one = app
        .get(&format!("{V2}/requests/{first}.json?api_key={key}"), None)
        .await;
    assert_eq!(one.body.as_array().unwrap().len(), 1, "{}", one.text);
    let xml = app
        .get(&format!("{V2}/requests/{first}.xml?api_key={key}"), None)
        .await;
    assert!(
        xml.text
            .contains(&format!("<service_request_id>{first}</service_request_id>")),
        "{}",
        xml.text
    );
    assert!(xml.text.contains("<status>open</status>"));
    let token = app.get(&format!("{V2}/tokens/{first}.json"), None).await;
    assert_eq!(
        token.body[0]["service_request_id"],
        first.as_str(),
        "{}",
        token.text
    );

    // the public view: status, never the text or the place
    let public = app.get(&format!("{V2}/requests.json"), None).await;
    let public = public.body.as_array().unwrap().clone();
    assert_eq!(public.len(), 2);
    assert!(
        public
            .iter()
            .all(|r| r["description"].is_null() && r["lat"].is_null())
    );
    // another integrator sees the public view, not these in full
    let theirs = app
        .get(&format!("{V2}/requests/{first}.json?api_key={other}"), None)
        .await;
    assert_eq!(error_code(&theirs), 404);
    // filters
    let closed = app
        .get(
            &format!("{V2}/requests.json?api_key={key}&status=closed"),
            None,
        )
        .await;
    assert_eq!(closed.body, json!([]));
    let by_id = app
        .get(
            &format!("{V2}/requests.json?api_key={key}&service_request_id={first},nonsense"),
            None,
        )
        .await;
    assert_eq!(by_id.body.as_array().unwrap().len(), 1, "{}", by_id.text);
    let reversed = app
        .get(
            &format!(
                "{V2}/requests.json?start_date=2026-12-02T00:00:00Z&end_date=2026-12-01T00:00:00Z"
            ),
            None,
        )
        .await;
    assert_eq!(error_code(&reversed), 400);
    let too_long = app
        .get(
            &format!(
                "{V2}/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-12-01T00:00:00Z"
            ),
            None,
        )
        .await;
    assert_eq!(error_code(&too_long), 400);

    // a step in the zone becomes an update
    let accepted = case_step(&app, &first, &z.admin, "accept", 1, json!({})).await;
    assert_eq!(accepted["state"], "accepted");
    let updates = app
        .get(
            &format!("{V2}/servicerequestupdates.json?api_key={key}"),
            None,
        )
        .await;
    assert_eq!(updates.status, 200, "{}", updates.text);
    let steps: Vec<(&str, &str)> = updates
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["service_request_id"] == first.as_str())
        .map(|u| {
            (
                u["status"].as_str().unwrap(),
                u["service_request_id"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        steps,
        [("open", first.as_str()), ("investigating", first.as_str())]
    );
    let xml = app
        .get(
            &format!("{V2}/servicerequestupdates.xml?api_key={key}"),
            None,
        )
        .await;
    assert!(
        xml.text
            .contains("<service_request_updates><request_update>"),
        "{}",
        xml.text
    );
    let later = app
        .get(
            &format!(
                "{V2}/servicerequestupdates.json?api_key={key}&start_date=2099-01-01T00:00:00Z"
            ),
            None,
        )
        .await;
    assert_eq!(later.body, json!([]));
    // the integrator and its acts are in the audit log
    let audit = app
        .ok("/api/v1/audit-log?action=case.report", &z.admin)
        .await;
    assert!(
        audit["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["actor_integrator_id"].is_string())
    );
}
