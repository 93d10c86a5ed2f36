//! The zone dashboard and the grids as GeoJSON: every grid of the demo
//! zone drawn, figures on the map, a link that opens the big screen without
//! a login, and nothing outside the caller's grids.

use gridwork_api::demo::SeedOutcome;
use gridwork_tests::{Backend, TestApp, Zone, id, on_both_backends};
use serde_json::Value;

on_both_backends!(the_dashboard_draws_every_grid_of_the_demo_zone);
on_both_backends!(maps_answer_within_the_callers_grids);

/// Every grid the caller sees, by id.
async fn all_grids(app: &TestApp, token: &str) -> Vec<Value> {
    let mut grids = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = app
            .ok(&format!("/api/v1/grids?limit=200{cursor}"), token)
            .await;
        grids.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = format!("&cursor={c}"),
            None => return grids,
        }
    }
}

async fn the_dashboard_draws_every_grid_of_the_demo_zone(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let SeedOutcome::Loaded { accounts, .. } = app.load_demo().await.unwrap() else {
        panic!("a fresh database loads the demo");
    };
    let office = app.demo_login(&accounts, "zhangdl").await;
    let grids = all_grids(&app, &office).await;
    assert_eq!(grids.len(), 63, "the zone and its 62 grids");

    let screen = app.get("/api/v1/dashboard", Some(&office)).await;
    assert_eq!(screen.status, 200, "{}", screen.text);
    assert!(
        screen
            .header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    for grid in &grids {
        assert!(
            screen.text.contains(&format!("data-grid=\"{}\"", id(grid))),
            "{} is not drawn",
            grid["name"]
        );
    }
    assert_eq!(screen.text.matches("data-grid=").count(), grids.len());
    for panel in [
        "三个100%",
        "结案率",
        "网格考核排名",
        "最新上报上级",
        "http-equiv=\"refresh\"",
    ] {
        assert!(screen.text.contains(panel), "no {panel}");
    }
    // the history escalated some cases up the ladder
    assert!(screen.text.contains("上报至"), "no escalation listed");
    let by_rate = app
        .get("/api/v1/dashboard?figure=satisfaction", Some(&office))
        .await;
    assert_eq!(by_rate.status, 200);
    assert!(by_rate.text.contains("figure=satisfaction\" class=\"on\""));

    // the zone's children as GeoJSON, each with its figure and boundary
    let zone = grids.iter().find(|g| g["kind"] == "zone").unwrap();
    let children = grids
        .iter()
        .filter(|g| g["parent_id"] == zone["id"])
        .count();
    let map = app
        .get(
            "/api/v1/grids.geojson?figure=open_cases&limit=200",
            Some(&office),
        )
        .await;
    assert_eq!(map.status, 200, "{}", map.text);
    assert_eq!(map.header("content-type"), Some("application/geo+json"));
    assert_eq!(map.body["type"], "FeatureCollection");
    assert_eq!(map.body["root_id"], zone["id"]);
    let features = map.body["features"].as_array().unwrap();
    assert_eq!(features.len(), children);
    assert!(features.iter().all(|f| f["type"] == "Feature"
        && f["geometry"]["type"].is_string()
        && f["properties"]["figure"] == "open_cases"));
    let open: u64 = features
        .iter()
        .map(|f| f["properties"]["numerator"].as_u64().unwrap())
        .sum();
    assert!(open > 0, "the demo has open cases");
    let page = app
        .ok("/api/v1/grids.geojson?figure=closure&limit=10", &office)
        .await;
    assert_eq!(page["features"].as_array().unwrap().len(), 10);
    assert!(page["next_cursor"].is_string());

    // a link opens the big screen without a login
    let link = app
        .post("/api/v1/dashboard/link", Some(&office), &Value::Null)
        .await;
    assert_eq!(link.status, 201, "{}", link.text);
    let url = link.body["url"].as_str().unwrap();
    let path = &url[url.find("/api/v1/").unwrap()..];
    let opened = app.get(path, None).await;
    assert_eq!(opened.status, 200, "{}", opened.text);
    assert!(
        opened
            .text
            .contains(&format!("data-grid=\"{}\"", id(&grids[5])))
    );
    let forged = path.replace("link=", "link=x");
    app.get(&forged, None)
        .await
        .assert_problem(401, "invalid_token");
    app.get("/api/v1/dashboard", None)
        .await
        .assert_problem(401, "missing_token");
}

async fn maps_answer_within_the_callers_grids(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let grid_a = id(&z.grid_a);
    for path in [
        format!("/api/v1/dashboard?root={grid_a}"),
        format!("/api/v1/grids.geojson?root={grid_a}"),
    ] {
        app.get(&path, Some(&z.worker_b))
            .await
            .assert_problem(404, "not_found");
    }
    app.post(
        &format!("/api/v1/dashboard/link?root={grid_a}"),
        Some(&z.worker_b),
        &Value::Null,
    )
    .await
    .assert_problem(404, "not_found");
    // worker A's own map: under grid A, its workshop
    let map = app.ok("/api/v1/grids.geojson", &z.worker_a).await;
    assert_eq!(map["root_id"], z.grid_a["id"]);
    let features = map["features"].as_array().unwrap();
    assert_eq!(features.len(), 1);
    assert_eq!(features[0]["id"], z.workshop_a["id"]);
    let screen = app.get("/api/v1/dashboard", Some(&z.worker_a)).await;
    assert_eq!(screen.status, 200, "{}", screen.text);
    assert!(
        screen
            .text
            .contains(&z.grid_a["name"].as_str().unwrap().to_owned())
    );
    assert!(!screen.text.contains(z.grid_b["name"].as_str().unwrap()));
}
