use actix_web::http::Method;
use gridwork_tests::{Backend, TestApp, Zone, id, on_both_backends};
use serde_json::{Value, json};

on_both_backends!(
    publishing_needs_a_leader_a_full_time_worker_and_consent,
    the_public_page_masks_mobiles_and_follows_the_token,
    placards_of_another_grid_answer_404,
    the_printable_board_carries_the_qr_code,
);

/// Makes grid A publishable: a consenting leader with a work number.
async fn add_leader(app: &TestApp, z: &Zone, consent: bool) -> Value {
    let leader = app
        .created(
            "/api/v1/people",
            &z.admin,
            &json!({ "name": "王勇翔", "mobile": "13700009999", "work_phone": "0394-8123456",
                     "grid_id": z.grid_a["id"], "placard_consent": consent }),
        )
        .await;
    app.created(
        &format!("/api/v1/grids/{}/assignments", id(&z.grid_a)),
        &z.admin,
        &json!({ "person_id": leader["id"], "role": "grid_leader" }),
    )
    .await;
    leader
}

async fn publishing_needs_a_leader_a_full_time_worker_and_consent(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let base = format!("/api/v1/grids/{}/placard", id(&z.grid_a));
    let refused = app
        .post(&format!("{base}/publish"), Some(&z.admin), &json!({}))
        .await;
    let reasons = &refused.assert_problem(409, "placard_not_ready")["reasons"];
    assert_eq!(reasons.as_array().unwrap().len(), 1);
    assert_eq!(reasons[0]["code"], "missing_grid_leader");

    let leader = add_leader(&app, &z, false).await;
    let refused = app
        .post(&format!("{base}/publish"), Some(&z.admin), &json!({}))
        .await;
    let reasons = &refused.assert_problem(409, "placard_not_ready")["reasons"];
    assert_eq!(reasons[0]["code"], "no_consent");
    assert_eq!(reasons[0]["id"], leader["id"]);
    assert!(reasons[0]["message"].as_str().unwrap().contains("王勇翔"));
    let preview = app.ok(&base, &z.admin).await;
    assert_eq!(
        (preview["ready"].as_bool(), preview["published"].as_bool()),
        (Some(false), Some(false))
    );
    assert_eq!(preview["members"][0]["role"], "grid_leader", "leader first");

    app.patch(
        &format!("/api/v1/people/{}", id(&leader)),
        Some(&z.admin),
        &json!({ "placard_consent": true }),
    )
    .await;
    // grid workers may look but not publish
    app.post(&format!("{base}/publish"), Some(&z.worker_a), &json!({}))
        .await
        .assert_problem(403, "forbidden");
    let published = app
        .post(&format!("{base}/publish"), Some(&z.admin), &json!({}))
        .await;
    assert_eq!(published.status, 200, "{}", published.text);
    assert_eq!(published.body["published"], true);
    assert!(
        published.body["public_url"]
            .as_str()
            .unwrap()
            .contains("/api/v1/public/placards/")
    );
    let grid = app
        .ok(&format!("/api/v1/grids/{}", id(&z.grid_a)), &z.admin)
        .await;
    assert_eq!(grid["placard"]["published"], true);
}

fn token_of(preview: &Value) -> String {
    preview["public_url"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned()
}

async fn the_public_page_masks_mobiles_and_follows_the_token(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    add_leader(&app, &z, true).await;
    let base = format!("/api/v1/grids/{}/placard", id(&z.grid_a));
    let published = app
        .post(&format!("{base}/publish"), Some(&z.admin), &json!({}))
        .await;
    let token = token_of(&published.body);
    let public = format!("/api/v1/public/placards/{token}");

    let json_view = app.get(&public, None).await;
    assert_eq!(json_view.status, 200, "{}", json_view.text);
    assert_eq!(json_view.body["grid_code"], z.grid_a["code"]);
    assert_eq!(json_view.body["enterprise_name"], "周口耕德电子");
    let members = json_view.body["members"].as_array().unwrap();
    assert_eq!(members[0]["phone"], "0394-8123456");
    assert_eq!(members[0]["callable"], true);
    assert_eq!(members[1]["phone"], "138****1234");
    assert_eq!(members[1]["callable"], false);
    assert!(!json_view.text.contains("13800001234") && !json_view.text.contains("13700009999"));
    assert!(!json_view.text.contains("person_id"));

    let html = app
        .request(
            Method::GET,
            &public,
            None,
            None,
            &[("Accept", "text/html,application/xhtml+xml")],
        )
        .await;
    assert_eq!(html.status, 200);
    assert!(
        html.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert!(html.text.contains("王勇翔") && html.text.contains("张亚超"));
    assert!(html.text.contains("href=\"tel:03948123456\""));
    assert!(html.text.contains("name=\"viewport\""), "mobile friendly");
    assert!(
        !html.text.contains("13800001234")
            && !html.text.contains("http-equiv")
            && !html.text.contains("<script")
    );

    let qr = app.get(&format!("{public}/qr.svg"), None).await;
    assert_eq!(qr.status, 200);
    assert_eq!(qr.header("content-type"), Some("image/svg+xml"));
    assert!(qr.text.contains("<svg"));

    // withdrawn consent takes the person off the public page at once
    app.patch(
        &format!("/api/v1/people/{}", id(&z.person_a)),
        Some(&z.admin),
        &json!({ "placard_consent": false }),
    )
    .await;
    let after = app.get(&public, None).await;
    assert!(!after.text.contains("张亚超"));

    // a new token retires the old address
    let rotated = app
        .post(&format!("{base}/rotate-token"), Some(&z.admin), &json!({}))
        .await;
    let new_token = token_of(&rotated.body);
    assert_ne!(new_token, token);
    app.get(&public, None)
        .await
        .assert_problem(404, "not_found");
    let gone_html = app
        .request(Method::GET, &public, None, None, &[("Accept", "text/html")])
        .await;
    assert_eq!(gone_html.status, 404);
    assert!(gone_html.text.contains("公示牌不存在"));
    assert_eq!(
        app.get(&format!("/api/v1/public/placards/{new_token}"), None)
            .await
            .status,
        200
    );

    // unpublished placards are not public
    app.post(&format!("{base}/unpublish"), Some(&z.admin), &json!({}))
        .await;
    app.get(&format!("/api/v1/public/placards/{new_token}"), None)
        .await
        .assert_problem(404, "not_found");
    app.get(&format!("/api/v1/public/placards/{new_token}/qr.svg"), None)
        .await
        .assert_problem(404, "not_found");
    app.get("/api/v1/public/placards/made-up-token", None)
        .await
        .assert_problem(404, "not_found");
}

async fn placards_of_another_grid_answer_404(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let base = format!("/api/v1/grids/{}/placard", id(&z.grid_a));
    let b = Some(z.worker_b.as_str());
    app.get(&base, b).await.assert_problem(404, "not_found");
    app.get(&format!("{base}/print"), b)
        .await
        .assert_problem(404, "not_found");
    for action in ["publish", "unpublish", "rotate-token"] {
        app.post(&format!("{base}/{action}"), b, &json!({}))
            .await
            .assert_problem(404, "not_found");
    }
    assert_eq!(
        app.get(&base, Some(&z.worker_a)).await.status,
        200,
        "their own grid's placard"
    );
}

async fn the_printable_board_carries_the_qr_code(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let base = format!("/api/v1/grids/{}/placard", id(&z.grid_a));
    app.get(&format!("{base}/print"), Some(&z.admin))
        .await
        .assert_problem(409, "placard_not_published");
    // a name that tries to inject markup is printed as text
    app.patch(
        &format!("/api/v1/people/{}", id(&z.person_a)),
        Some(&z.admin),
        &json!({ "name": "<b>张亚超</b>" }),
    )
    .await;
    add_leader(&app, &z, true).await;
    app.post(&format!("{base}/publish"), Some(&z.admin), &json!({}))
        .await;
    let print = app.get(&format!("{base}/print"), Some(&z.admin)).await;
    assert_eq!(print.status, 200);
    assert!(print.text.contains("size:A4") && print.text.contains("网格员信息公示牌"));
    assert!(print.text.contains("<svg") && print.text.contains("四位一体"));
    assert!(print.text.contains("&lt;b&gt;张亚超&lt;/b&gt;") && !print.text.contains("<b>张亚超"));
}
