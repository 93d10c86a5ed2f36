//! Scope is security: a worker of grid A sees A and everything below it, and
//! nothing of grid B, which answers 404 as if it did not exist.

use actix_web::http::Method;
use gridwork_tests::{Backend, TestApp, Zone, id, on_both_backends};
use serde_json::json;

on_both_backends!(
    a_worker_sees_their_grid_and_its_sub_grids_only,
    another_grids_records_answer_404_for_reads_and_writes,
    ending_an_assignment_revokes_access_on_the_next_request,
);

async fn a_worker_sees_their_grid_and_its_sub_grids_only(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let grids = app.ok("/api/v1/grids", &z.worker_a).await;
    let ids: Vec<&str> = grids["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [id(&z.grid_a), id(&z.workshop_a)]);
    assert_eq!(
        app.ok(&format!("/api/v1/grids/{}", id(&z.workshop_a)), &z.worker_a)
            .await["id"],
        z.workshop_a["id"]
    );
    let firms = app.ok("/api/v1/enterprises", &z.worker_a).await;
    let names: Vec<&str> = firms["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["周口耕德电子"]);
    let people = app.ok("/api/v1/people", &z.worker_a).await;
    assert_eq!(people["items"].as_array().unwrap().len(), 1);
    assert_eq!(people["items"][0]["id"], z.person_a["id"]);
    // the zone root is above the worker's grid: not in scope
    app.get(&format!("/api/v1/grids/{}", id(&z.zone)), Some(&z.worker_a))
        .await
        .assert_problem(404, "not_found");
    // zone officers see everything
    let admin_grids = app.ok("/api/v1/grids", &z.admin).await;
    assert_eq!(admin_grids["items"].as_array().unwrap().len(), 4);
}

async fn another_grids_records_answer_404_for_reads_and_writes(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let w = Some(z.worker_a.as_str());
    let grid_b = format!("/api/v1/grids/{}", id(&z.grid_b));
    let firm_b = format!("/api/v1/enterprises/{}", id(&z.firm_b));
    let person_b = format!("/api/v1/people/{}", id(&z.person_b));
    for path in [
        grid_b.clone(),
        format!("{grid_b}/children"),
        format!("{grid_b}/assignments"),
        firm_b.clone(),
        person_b.clone(),
    ] {
        app.get(&path, w).await.assert_problem(404, "not_found");
    }
    app.patch(&firm_b, w, &json!({ "employee_count": 1 }))
        .await
        .assert_problem(404, "not_found");
    app.patch(&grid_b, w, &json!({ "name": "x" }))
        .await
        .assert_problem(404, "not_found");
    app.patch(&person_b, w, &json!({ "name": "x" }))
        .await
        .assert_problem(404, "not_found");
    app.request(Method::DELETE, &grid_b, w, None, &[])
        .await
        .assert_problem(404, "not_found");
    app.post(
        &format!("{grid_b}/assignments"),
        w,
        &json!({ "person_id": z.person_a["id"], "role": "mobile_worker" }),
    )
    .await
    .assert_problem(404, "not_found");
    let b_assignments = app.ok(&format!("{grid_b}/assignments"), &z.admin).await;
    let b_assignment = b_assignments["items"][0]["id"].as_str().unwrap();
    app.request(
        Method::DELETE,
        &format!("/api/v1/assignments/{b_assignment}"),
        w,
        None,
        &[],
    )
    .await
    .assert_problem(404, "not_found");
    // creating records in another grid is refused the same way
    let person = app
        .post(
            "/api/v1/people",
            w,
            &json!({ "name": "某人", "grid_id": z.grid_b["id"] }),
        )
        .await;
    person.assert_problem(403, "forbidden");
    let firm = app
        .post(
            "/api/v1/enterprises",
            w,
            &json!({ "name": "某公司", "grid_id": z.grid_b["id"] }),
        )
        .await;
    assert_eq!(
        firm.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "grid_id"
    );
    // nothing of B changed
    let still = app.ok(&firm_b, &z.admin).await;
    assert_eq!(still["employee_count"], serde_json::Value::Null);
    assert_eq!(
        still["version"],
        z.firm_b["version"].as_i64().unwrap() + 1,
        "only its grid assignment bumped it"
    );
}

async fn ending_an_assignment_revokes_access_on_the_next_request(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let grid_a = format!("/api/v1/grids/{}", id(&z.grid_a));
    assert_eq!(app.get(&grid_a, Some(&z.worker_a)).await.status, 200);
    let ended = app
        .delete(
            &format!("/api/v1/assignments/{}", id(&z.assignment_a)),
            Some(&z.admin),
        )
        .await;
    assert_eq!(ended.status, 200, "{}", ended.text);
    assert!(ended.body["ended_at"].is_string());
    // same token, next request: the person is still registered in grid A, so
    // A stays visible only through registration: the grid itself is gone
    app.get(&grid_a, Some(&z.worker_a))
        .await
        .assert_problem(404, "not_found");
    app.get(
        &format!("/api/v1/enterprises/{}", id(&z.firm_a)),
        Some(&z.worker_a),
    )
    .await
    .assert_problem(404, "not_found");
    let list = app.ok("/api/v1/grids", &z.worker_a).await;
    assert!(list["items"].as_array().unwrap().is_empty());
    // history stays
    let history = app
        .ok(
            &format!("{grid_a}/assignments?include_ended=true"),
            &z.admin,
        )
        .await;
    assert_eq!(history["items"].as_array().unwrap().len(), 1);
    assert!(
        app.ok(&format!("{grid_a}/assignments"), &z.admin).await["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    app.request(
        Method::DELETE,
        &format!("/api/v1/assignments/{}", id(&z.assignment_a)),
        Some(&z.admin),
        None,
        &[],
    )
    .await
    .assert_problem(409, "assignment_ended");
}
