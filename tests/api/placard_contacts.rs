//! Which number a placard shows: the mobile in full only with its own,
//! separate consent; otherwise the work number, else the mobile masked.

use actix_web::http::Method;
use gridwork_tests::{Backend, TestApp, Zone, id, on_both_backends};
use serde_json::{Value, json};

on_both_backends!(a_mobile_is_published_only_with_its_own_consent);

async fn consent(app: &TestApp, z: &Zone, person: &Value, body: Value) -> Value {
    let res = app
        .patch(
            &format!("/api/v1/people/{}", id(person)),
            Some(&z.admin),
            &body,
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    res.body
}

/// The public placard as JSON and as the phone page.
async fn public(app: &TestApp, path: &str) -> (Value, String) {
    let json_view = app.get(path, None).await;
    assert_eq!(json_view.status, 200, "{}", json_view.text);
    let html = app
        .request(Method::GET, path, None, None, &[("Accept", "text/html")])
        .await;
    assert_eq!(html.status, 200);
    (json_view.body, html.text)
}

fn member<'a>(placard: &'a Value, name: &str) -> Option<&'a Value> {
    placard["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == name)
}

async fn a_mobile_is_published_only_with_its_own_consent(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    // the leader has a mobile and a work number; 张亚超 (person_a) a mobile only
    let leader = app
        .created(
            "/api/v1/people",
            &z.admin,
            &json!({ "name": "王勇翔", "mobile": "13700009999", "work_phone": "0394-8123456",
                     "grid_id": z.grid_a["id"], "placard_consent": true }),
        )
        .await;
    assert_eq!(
        leader["placard_phone_consent"], false,
        "not given unless asked"
    );
    app.created(
        &format!("/api/v1/grids/{}/assignments", id(&z.grid_a)),
        &z.admin,
        &json!({ "person_id": leader["id"], "role": "grid_leader" }),
    )
    .await;
    let base = format!("/api/v1/grids/{}/placard", id(&z.grid_a));
    let published = app
        .post(&format!("{base}/publish"), Some(&z.admin), &json!({}))
        .await;
    assert_eq!(published.status, 200, "{}", published.text);
    let url = published.body["public_url"].as_str().unwrap();
    let path = &url[url.find("/api/").unwrap()..];

    // appear: yes, mobile: no → work number, else masked and not callable
    let (board, html) = public(&app, path).await;
    assert_eq!(member(&board, "王勇翔").unwrap()["phone"], "0394-8123456");
    assert_eq!(member(&board, "王勇翔").unwrap()["callable"], true);
    assert_eq!(member(&board, "张亚超").unwrap()["phone"], "138****1234");
    assert_eq!(member(&board, "张亚超").unwrap()["callable"], false);
    assert!(!html.contains("13800001234") && !html.contains("tel:138"));

    // appear: yes, mobile: yes → the mobile in full, as a call link
    let person = consent(
        &app,
        &z,
        &z.person_a,
        json!({ "placard_phone_consent": true }),
    )
    .await;
    assert_eq!(person["placard_phone_consent"], true);
    assert!(person["placard_phone_consent_at"].is_string());
    consent(&app, &z, &leader, json!({ "placard_phone_consent": true })).await;
    let (board, html) = public(&app, path).await;
    assert_eq!(member(&board, "张亚超").unwrap()["phone"], "13800001234");
    assert_eq!(member(&board, "张亚超").unwrap()["callable"], true);
    assert_eq!(
        member(&board, "王勇翔").unwrap()["phone"],
        "13700009999",
        "the consented mobile before the work number"
    );
    assert!(html.contains("href=\"tel:13800001234\""), "{html}");
    assert!(html.contains("href=\"tel:13700009999\""));
    let print = app.get(&format!("{base}/print"), Some(&z.admin)).await;
    assert!(print.text.contains("13800001234"), "the printed board too");

    // appear: no, mobile: yes → not on the placard at all
    consent(&app, &z, &z.person_a, json!({ "placard_consent": false })).await;
    let (board, html) = public(&app, path).await;
    assert!(member(&board, "张亚超").is_none());
    assert!(!html.contains("张亚超") && !html.contains("13800001234"));

    // withdrawn: masked again on the very next view
    consent(&app, &z, &z.person_a, json!({ "placard_consent": true })).await;
    let withdrawn = consent(
        &app,
        &z,
        &z.person_a,
        json!({ "placard_phone_consent": false }),
    )
    .await;
    assert_eq!(withdrawn["placard_phone_consent_at"], Value::Null);
    let (board, html) = public(&app, path).await;
    assert_eq!(member(&board, "张亚超").unwrap()["phone"], "138****1234");
    assert!(!html.contains("13800001234"));

    // the log can prove each consent and its withdrawal
    let log = app
        .ok(
            &format!(
                "/api/v1/audit-log?action=person.update&target_id={}",
                id(&z.person_a)
            ),
            &z.admin,
        )
        .await;
    let phone_consents: Vec<&Value> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["detail"]["consents"]["placard_phone"])
        .collect();
    assert_eq!(
        phone_consents,
        [&json!(false), &json!(true), &json!(true), &json!(true)],
        "newest first: withdrawn, then given"
    );
}
