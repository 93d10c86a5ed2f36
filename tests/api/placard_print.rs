//! Printing every board of a subtree at once, and print links a desktop
//! browser opens without a login.

use gridwork_tests::{Backend, TestApp, USER_PASSWORD, Zone, id, on_both_backends};
use serde_json::{Value, json};

on_both_backends!(
    a_subtree_prints_one_page_per_published_placard,
    a_print_link_opens_its_view_only,
    a_print_link_ends_with_its_time,
);

/// Gives `grid` a consenting leader and publishes its placard.
async fn publish(app: &TestApp, z: &Zone, grid: &Value, leader: &str, mobile: &str) {
    let person = app
        .created(
            "/api/v1/people",
            &z.admin,
            &json!({ "name": leader, "mobile": mobile, "grid_id": grid["id"], "placard_consent": true }),
        )
        .await;
    app.created(
        &format!("/api/v1/grids/{}/assignments", id(grid)),
        &z.admin,
        &json!({ "person_id": person["id"], "role": "grid_leader" }),
    )
    .await;
    let res = app
        .post(
            &format!("/api/v1/grids/{}/placard/publish", id(grid)),
            Some(&z.admin),
            &json!({}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
}

fn count(html: &str, needle: &str) -> usize {
    html.matches(needle).count()
}

async fn a_subtree_prints_one_page_per_published_placard(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    publish(&app, &z, &z.grid_b, "刘建国", "13600001111").await;
    publish(&app, &z, &z.grid_a, "王勇翔", "13700009999").await;
    let zone = format!("/api/v1/grids/{}/placards/print", id(&z.zone));

    let res = app.get(&zone, Some(&z.admin)).await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert!(res.header("content-type").unwrap().starts_with("text/html"));
    let html = &res.text;
    assert_eq!(
        count(html, "<section class=\"sheet\">"),
        2,
        "one page per published placard"
    );
    assert_eq!(count(html, "<svg"), 2, "each with its QR code");
    assert!(html.contains("break-after:page"));
    let (a, b) = (
        html.find(z.grid_a["code"].as_str().unwrap()).unwrap(),
        html.find(z.grid_b["code"].as_str().unwrap()).unwrap(),
    );
    assert_eq!(
        a < b,
        z.grid_a["code"].as_str() < z.grid_b["code"].as_str(),
        "in code order"
    );
    // the last page: the workshop grid, not printed, and why
    let last = &html[html.find("<section class=\"sheet skipped\">").unwrap()..];
    assert!(
        last.contains(z.workshop_a["code"].as_str().unwrap()),
        "{last}"
    );
    assert!(last.contains("缺少网格长"), "{last}");
    assert!(!last.contains(&format!(">{}<", z.grid_a["code"].as_str().unwrap())));

    // a subtree: grid A and its workshop only
    let under_a = app
        .get(
            &format!("/api/v1/grids/{}/placards/print", id(&z.grid_a)),
            Some(&z.admin),
        )
        .await;
    assert_eq!(count(&under_a.text, "<section class=\"sheet\">"), 1);
    assert!(!under_a.text.contains("刘建国"));

    // scope: B's worker sees nothing of A, and only B's board in the zone's
    app.get(
        &format!("/api/v1/grids/{}/placards/print", id(&z.grid_a)),
        Some(&z.worker_b),
    )
    .await
    .assert_problem(404, "not_found");
    app.get(&zone, Some(&z.worker_b))
        .await
        .assert_problem(404, "not_found");
    let own = app
        .get(
            &format!("/api/v1/grids/{}/placards/print", id(&z.grid_b)),
            Some(&z.worker_b),
        )
        .await;
    assert_eq!(
        count(&own.text, "<section class=\"sheet\">"),
        1,
        "{}",
        own.text
    );
    app.get(&zone, None)
        .await
        .assert_problem(401, "missing_token");
}

/// Logs a zone officer in: someone whose account can be disabled.
async fn officer(app: &TestApp, z: &Zone) -> (String, String) {
    let user = app
        .create_user(&z.admin, "printer", &["zone_officer"])
        .await;
    (user, app.tokens("printer", USER_PASSWORD).await.0)
}

/// The path and query of a link's URL.
fn path_of(url: &str) -> String {
    url[url.find("/api/").unwrap()..].to_owned()
}

async fn a_print_link_opens_its_view_only(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    publish(&app, &z, &z.grid_a, "王勇翔", "13700009999").await;
    let (user, login) = officer(&app, &z).await;

    let made = app
        .post(
            &format!("/api/v1/grids/{}/placards/print-link", id(&z.zone)),
            Some(&login),
            &json!({}),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.text);
    let url = made.body["url"].as_str().unwrap();
    assert!(url.starts_with("http") && url.contains("link="), "{url}");
    let expires =
        chrono::DateTime::parse_from_rfc3339(made.body["expires_at"].as_str().unwrap()).unwrap();
    let left = expires
        .signed_duration_since(chrono::Utc::now())
        .num_seconds();
    assert!((590..=600).contains(&left), "ten minutes: {left}");
    let link = path_of(url);
    let sig = &link[link.find("link=").unwrap()..];

    // opened as a desktop browser would: no login
    let page = app.get(&link, None).await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(page.text.contains("王勇翔") && page.text.contains("<svg"));

    // useless anywhere else: another grid, the single-board view, the API
    for other in [
        format!("/api/v1/grids/{}/placards/print?{sig}", id(&z.grid_a)),
        format!("/api/v1/grids/{}/placard/print?{sig}", id(&z.zone)),
    ] {
        app.get(&other, None)
            .await
            .assert_problem(401, "invalid_token");
    }
    app.get(&format!("/api/v1/grids?{sig}"), None)
        .await
        .assert_problem(401, "missing_token");
    let forged = link.replace("link=", "link=x");
    app.get(&forged, None)
        .await
        .assert_problem(401, "invalid_token");

    // a single board's link opens that board
    let one = app
        .post(
            &format!("/api/v1/grids/{}/placard/print-link", id(&z.grid_a)),
            Some(&login),
            &json!({}),
        )
        .await;
    assert_eq!(one.status, 201, "{}", one.text);
    let board = app
        .get(&path_of(one.body["url"].as_str().unwrap()), None)
        .await;
    assert_eq!(board.status, 200, "{}", board.text);
    assert!(board.text.contains("王勇翔"));

    // the signer disabled: the link stops
    let res = app
        .patch(
            &format!("/api/v1/users/{user}"),
            Some(&z.admin),
            &json!({ "disabled": true }),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    app.get(&link, None)
        .await
        .assert_problem(401, "invalid_token");

    // links are made in scope only, and the log names who made them
    app.post(
        &format!("/api/v1/grids/{}/placards/print-link", id(&z.grid_a)),
        Some(&z.worker_b),
        &json!({}),
    )
    .await
    .assert_problem(404, "not_found");
    let log = app
        .ok("/api/v1/audit-log?action=placard.print_link", &z.admin)
        .await;
    assert_eq!(log["items"].as_array().unwrap().len(), 2);
    assert_eq!(log["items"][1]["actor_username"], "printer");
}

async fn a_print_link_ends_with_its_time(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, &[("GRIDWORK_PRINT_LINK_TTL_SECS", "1")]).await
    else {
        return;
    };
    let z = Zone::build(&app).await;
    publish(&app, &z, &z.grid_a, "王勇翔", "13700009999").await;
    let made = app
        .post(
            &format!("/api/v1/grids/{}/placard/print-link", id(&z.grid_a)),
            Some(&z.admin),
            &json!({}),
        )
        .await;
    let link = path_of(made.body["url"].as_str().unwrap());
    actix_web::rt::time::sleep(std::time::Duration::from_millis(2100)).await;
    app.get(&link, None)
        .await
        .assert_problem(401, "invalid_token");
}
