use gridwork_tests::{Backend, TestApp, Zone, id, on_both_backends};
use serde_json::{Value, json};

on_both_backends!(
    the_tree_gets_codes_and_obeys_its_rules,
    occupied_grids_are_not_archived_and_codes_are_never_reused,
    locate_finds_the_deepest_grid_containing_a_point,
    bad_boundaries_and_grid_input_are_named,
);

fn square(x0: f64, y0: f64, size: f64) -> Value {
    json!({"type": "Polygon", "coordinates": [[[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]]})
}

async fn the_tree_gets_codes_and_obeys_its_rules(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    assert_eq!(z.zone["code"], "411622000000");
    assert_eq!(z.grid_a["code"], "411622000000001");
    assert_eq!(z.grid_b["code"], "411622000000002");
    assert_eq!(
        z.workshop_a["code"], "41162200000000101",
        "two digits under an enterprise grid"
    );
    assert_eq!(
        z.workshop_a["enterprise_id"], z.firm_a["id"],
        "a sub-grid inherits its enterprise"
    );
    let team = app
        .created(
            "/api/v1/grids",
            &z.admin,
            &json!({ "name": "甲班", "kind": "sub_grid", "parent_id": z.workshop_a["id"] }),
        )
        .await;
    assert_eq!(team["code"], "4116220000000010101");
    let area = app
        .created(
            "/api/v1/grids",
            &z.admin,
            &json!({ "name": "东区", "kind": "general", "parent_id": z.zone["id"] }),
        )
        .await;
    assert_eq!(area["code"], "411622000000003");

    // the enterprise now belongs to its enterprise grid
    let firm = app
        .ok(&format!("/api/v1/enterprises/{}", id(&z.firm_a)), &z.admin)
        .await;
    assert_eq!(firm["grid_id"], z.grid_a["id"]);

    let post = |body: Value| {
        let app = &app;
        let admin = z.admin.clone();
        async move { app.post("/api/v1/grids", Some(&admin), &body).await }
    };
    post(json!({ "name": "第二个经开区", "kind": "zone" }))
        .await
        .assert_problem(409, "zone_exists");
    post(json!({ "name": "耕德二号", "kind": "enterprise", "parent_id": z.zone["id"], "enterprise_id": z.firm_a["id"] }))
        .await
        .assert_problem(409, "enterprise_has_grid");
    let wrong = post(json!({ "name": "x", "kind": "sub_grid", "parent_id": area["id"] })).await;
    assert_eq!(
        wrong.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "parent_id"
    );
    let foreign = post(json!({ "name": "x", "kind": "sub_grid", "parent_id": z.workshop_a["id"], "enterprise_id": z.firm_b["id"] })).await;
    assert_eq!(
        foreign.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "enterprise_id"
    );
    let no_firm =
        post(json!({ "name": "x", "kind": "enterprise", "parent_id": z.zone["id"] })).await;
    assert_eq!(
        no_firm.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "enterprise_id"
    );
    let orphan = post(json!({ "name": "x", "kind": "general" })).await;
    assert_eq!(
        orphan.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "parent_id"
    );
    let unknown = post(json!({ "name": "x", "kind": "district", "parent_id": z.zone["id"] })).await;
    assert_eq!(
        unknown.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "kind"
    );
    let ghost_parent = post(json!({ "name": "x", "kind": "general", "parent_id": "nope" })).await;
    assert_eq!(
        ghost_parent.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "parent_id"
    );

    // children, filters, ordering by code
    let children = app
        .ok(&format!("/api/v1/grids/{}/children", id(&z.zone)), &z.admin)
        .await;
    let codes: Vec<&str> = children["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        ["411622000000001", "411622000000002", "411622000000003"]
    );
    let subs = app.ok("/api/v1/grids?kind=sub_grid", &z.admin).await;
    assert_eq!(subs["items"].as_array().unwrap().len(), 2);
    let of_a = app
        .ok(
            &format!("/api/v1/grids?enterprise_id={}", id(&z.firm_a)),
            &z.admin,
        )
        .await;
    assert_eq!(of_a["items"].as_array().unwrap().len(), 3);
    app.get("/api/v1/grids?kind=district", Some(&z.admin))
        .await
        .assert_problem(422, "validation_failed");

    // only zone officers and admins shape the tree
    let res = app
        .post(
            "/api/v1/grids",
            Some(&z.worker_a),
            &json!({ "name": "x", "kind": "sub_grid", "parent_id": z.grid_a["id"] }),
        )
        .await;
    res.assert_problem(403, "forbidden");
}

async fn occupied_grids_are_not_archived_and_codes_are_never_reused(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let grid_a = format!("/api/v1/grids/{}", id(&z.grid_a));
    let res = app
        .request(
            actix_web::http::Method::DELETE,
            &grid_a,
            Some(&z.admin),
            None,
            &[],
        )
        .await;
    let body = res.assert_problem(409, "grid_not_empty");
    let reasons: Vec<&str> = body["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert_eq!(reasons, ["has_children", "has_people", "has_enterprises"]);

    // an empty leaf is archived: a tombstone that keeps its code
    let workshop = format!("/api/v1/grids/{}", id(&z.workshop_a));
    let gone = app
        .request(
            actix_web::http::Method::DELETE,
            &workshop,
            Some(&z.admin),
            None,
            &[],
        )
        .await;
    assert_eq!(gone.status, 204, "{}", gone.text);
    let tomb = app.ok(&workshop, &z.admin).await;
    assert!(tomb["archived_at"].is_string());
    let listed = app
        .ok(
            &format!("/api/v1/grids/{}/children", id(&z.grid_a)),
            &z.admin,
        )
        .await;
    assert!(
        listed["items"].as_array().unwrap().is_empty(),
        "archived grids leave default lists"
    );
    let with_archived = app
        .ok(
            &format!(
                "/api/v1/grids?parent_id={}&include_archived=true",
                id(&z.grid_a)
            ),
            &z.admin,
        )
        .await;
    assert_eq!(with_archived["items"].as_array().unwrap().len(), 1);

    let next = app
        .created(
            "/api/v1/grids",
            &z.admin,
            &json!({ "name": "二车间", "kind": "sub_grid", "parent_id": z.grid_a["id"] }),
        )
        .await;
    assert_eq!(next["code"], "41162200000000102", "01 stays retired");
    let under_archived = app
        .post(
            "/api/v1/grids",
            Some(&z.admin),
            &json!({ "name": "x", "kind": "sub_grid", "parent_id": z.workshop_a["id"] }),
        )
        .await;
    under_archived.assert_problem(422, "validation_failed");
}

async fn locate_finds_the_deepest_grid_containing_a_point(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let set = |grid: &Value, boundary: Value| {
        let app = &app;
        let path = format!("/api/v1/grids/{}", id(grid));
        let admin = z.admin.clone();
        async move {
            let res = app
                .patch(&path, Some(&admin), &json!({ "boundary": boundary }))
                .await;
            assert_eq!(res.status, 200, "{}", res.text);
            res.body
        }
    };
    set(&z.zone, square(114.0, 33.0, 1.0)).await;
    let a = set(&z.grid_a, square(114.1, 33.1, 0.2)).await;
    assert_eq!(a["boundary"]["type"], "Polygon");
    set(&z.workshop_a, square(114.15, 33.15, 0.05)).await;
    set(&z.grid_b, square(114.5, 33.5, 0.2)).await;

    let locate = |lat: f64, lng: f64| {
        let app = &app;
        let admin = z.admin.clone();
        async move {
            app.get(
                &format!("/api/v1/grids/locate?lat={lat}&lng={lng}"),
                Some(&admin),
            )
            .await
        }
    };
    assert_eq!(locate(33.17, 114.17).await.body["id"], z.workshop_a["id"]);
    assert_eq!(locate(33.25, 114.25).await.body["id"], z.grid_a["id"]);
    assert_eq!(locate(33.6, 114.6).await.body["id"], z.grid_b["id"]);
    assert_eq!(locate(33.9, 114.9).await.body["id"], z.zone["id"]);
    locate(40.0, 120.0).await.assert_problem(404, "not_found");
    locate(95.0, 114.0)
        .await
        .assert_problem(422, "validation_failed");

    // a worker of grid B locating a point in grid A finds nothing of theirs there
    let res = app
        .get(
            "/api/v1/grids/locate?lat=33.17&lng=114.17",
            Some(&z.worker_b),
        )
        .await;
    res.assert_problem(404, "not_found");
    let mine = app
        .get("/api/v1/grids/locate?lat=33.6&lng=114.6", Some(&z.worker_b))
        .await;
    assert_eq!(mine.body["id"], z.grid_b["id"]);

    // clearing a boundary takes the grid out of locate
    set(&z.workshop_a, Value::Null).await;
    assert_eq!(locate(33.17, 114.17).await.body["id"], z.grid_a["id"]);
}

async fn bad_boundaries_and_grid_input_are_named(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let path = format!("/api/v1/grids/{}", id(&z.grid_a));
    let open_ring = json!({"type": "Polygon", "coordinates": [[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]]]});
    let res = app
        .patch(&path, Some(&z.admin), &json!({ "boundary": open_ring }))
        .await;
    let body = res.assert_problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "boundary");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("closed")
    );
    let far = json!({"type": "Polygon", "coordinates": [[[0.0, 0.0], [200.0, 0.0], [1.0, 1.0], [0.0, 0.0]]]});
    let res = app
        .patch(&path, Some(&z.admin), &json!({ "boundary": far }))
        .await;
    assert!(
        res.assert_problem(422, "validation_failed")["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("longitude")
    );
    let point = json!({"type": "Point", "coordinates": [1.0, 1.0]});
    app.patch(&path, Some(&z.admin), &json!({ "boundary": point }))
        .await
        .assert_problem(422, "validation_failed");
    app.patch(&path, Some(&z.admin), &json!({ "code": "123" }))
        .await
        .assert_problem(422, "validation_failed");
    let stale = app
        .request(
            actix_web::http::Method::PATCH,
            &path,
            Some(&z.admin),
            Some(&json!({ "name": "新名" })),
            &[("If-Match", "\"99\"")],
        )
        .await;
    stale.assert_problem(412, "precondition_failed");
    let renamed = app
        .patch(&path, Some(&z.admin), &json!({ "name": "耕德电子网格" }))
        .await;
    assert_eq!(renamed.body["name"], "耕德电子网格");
    assert_eq!(renamed.body["code"], z.grid_a["code"], "codes never change");
}

on_both_backends!(concurrent_creations_of_the_zone_leave_exactly_one);

async fn concurrent_creations_of_the_zone_leave_exactly_one(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, &[("GRIDWORK_WORKERS", "4")]).await else {
        return;
    };
    let admin = app.admin_token().await;
    let body = json!({ "name": "西华经开区", "kind": "zone" });
    let attempts = (0..6).map(|_| app.post("/api/v1/grids", Some(&admin), &body));
    let results = futures_util::future::join_all(attempts).await;
    let statuses: Vec<u16> = results.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    for r in results.iter().filter(|r| r.status != 201) {
        // the loser is told why (or to retry), never a 500
        assert!(matches!(r.status, 409 | 503), "{}", r.text);
        assert_eq!(r.header("content-type"), Some("application/problem+json"));
    }
    let zones = app.ok("/api/v1/grids?kind=zone", &admin).await;
    assert_eq!(zones["items"].as_array().unwrap().len(), 1);
}
