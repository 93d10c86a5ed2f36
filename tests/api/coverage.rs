use gridwork_tests::{Backend, TestApp, Zone, id, on_both_backends};
use serde_json::json;

on_both_backends!(rates_count_gaps_in_scope);

async fn rates_count_gaps_in_scope(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let c = app.ok("/api/v1/stats/coverage", &z.admin).await;
    assert_eq!(c["enterprise_division"]["numerator"], 2);
    assert_eq!(c["enterprise_division"]["denominator"], 2);
    assert_eq!(c["enterprise_division"]["rate"], 1.0);
    assert_eq!(
        c["placard_publication"]["denominator"], 3,
        "the zone root bears no placard"
    );
    assert_eq!(c["placard_publication"]["rate"], 0.0);
    assert_eq!(
        c["placard_publication"]["gaps"].as_array().unwrap().len(),
        3
    );
    assert_eq!(c["basic_info_archiving"]["numerator"], 0);
    assert_eq!(
        c["basic_info_archiving"]["gaps"][0]["missing"][0],
        "industry_section"
    );

    // an enterprise outside any grid shows up as a gap
    let loose = app
        .created(
            "/api/v1/enterprises",
            &z.admin,
            &json!({ "name": "河南三点材料有限公司" }),
        )
        .await;
    let c = app.ok("/api/v1/stats/coverage", &z.admin).await;
    assert_eq!(c["enterprise_division"]["numerator"], 2);
    assert_eq!(c["enterprise_division"]["denominator"], 3);
    assert_eq!(c["enterprise_division"]["rate"], 0.6667);
    assert_eq!(
        c["enterprise_division"]["gaps"],
        json!([{ "id": loose["id"], "name": "河南三点材料有限公司" }])
    );

    // the counts follow a record into a grid and out again
    let area = app
        .created(
            "/api/v1/grids",
            &z.admin,
            &json!({ "name": "东区", "kind": "general", "parent_id": z.zone["id"] }),
        )
        .await;
    let loose_path = format!("/api/v1/enterprises/{}", id(&loose));
    for (grid, placed) in [(json!(area["id"]), 3), (json!(null), 2)] {
        let res = app
            .patch(&loose_path, Some(&z.admin), &json!({ "grid_id": grid }))
            .await;
        assert_eq!(res.status, 200, "{res:?}");
        let c = app.ok("/api/v1/stats/coverage", &z.admin).await;
        assert_eq!(c["enterprise_division"]["numerator"], placed);
        assert_eq!(c["enterprise_division"]["denominator"], 3);
        assert_eq!(c["basic_info_archiving"]["denominator"], 3);
    }

    // the zone officer asks for one subtree: the loose enterprise is outside it
    let a = app
        .ok(
            &format!("/api/v1/stats/coverage?grid_id={}", id(&z.grid_a)),
            &z.admin,
        )
        .await;
    assert_eq!(a["grid_id"], z.grid_a["id"]);
    assert_eq!(a["enterprise_division"]["denominator"], 1);
    assert_eq!(a["enterprise_division"]["numerator"], 1);
    assert_eq!(
        a["placard_publication"]["denominator"], 2,
        "the grid and its workshop"
    );
    let incomplete = app
        .ok(
            &format!(
                "/api/v1/stats/coverage/gaps?rate=basic_info_archiving&grid_id={}",
                id(&z.grid_a)
            ),
            &z.admin,
        )
        .await;
    let items = incomplete["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], z.firm_a["id"]);
    assert!(
        items[0]["missing"]
            .as_array()
            .unwrap()
            .contains(&json!("address")),
        "{items:?}"
    );
    assert_eq!(incomplete["next_cursor"], serde_json::Value::Null);

    // a worker measures their own grid only; a subtree can be asked for
    let mine = app.ok("/api/v1/stats/coverage", &z.worker_a).await;
    assert_eq!(mine["enterprise_division"]["denominator"], 1);
    assert_eq!(mine["placard_publication"]["denominator"], 2);
    let sub = app
        .ok(
            &format!("/api/v1/stats/coverage?grid_id={}", id(&z.workshop_a)),
            &z.worker_a,
        )
        .await;
    assert_eq!(sub["placard_publication"]["denominator"], 1);
    assert_eq!(
        sub["enterprise_division"]["rate"],
        serde_json::Value::Null,
        "no enterprise sits in a workshop"
    );
    app.get(
        &format!("/api/v1/stats/coverage?grid_id={}", id(&z.grid_b)),
        Some(&z.worker_a),
    )
    .await
    .assert_problem(404, "not_found");
}
