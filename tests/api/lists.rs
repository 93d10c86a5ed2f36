//! Lists: one shape (`{items, next_cursor}`), filters that stay inside the
//! caller's scope, 400 for an unknown parameter or a cursor the server did
//! not issue, and coverage gaps paged apart from the rates.

use gridwork_tests::{Backend, TestApp, Zone, id, on_both_backends};
use serde_json::{Value, json};

on_both_backends!(
    unknown_parameters_and_forged_cursors_answer_400,
    people_filters_stay_in_scope,
    enterprise_user_grid_and_audit_filters,
    assignments_are_paged_like_every_list,
    coverage_carries_a_few_gaps_and_pages_the_rest,
);

/// `text` percent-encoded for a query string.
fn enc(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

fn names(page: &Value, field: &str) -> Vec<String> {
    let mut found: Vec<String> = page["items"]
        .as_array()
        .unwrap_or_else(|| panic!("a page: {page}"))
        .iter()
        .map(|i| i[field].as_str().unwrap().to_owned())
        .collect();
    found.sort();
    found
}

async fn unknown_parameters_and_forged_cursors_answer_400(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let grid = id(&z.grid_a);
    for path in [
        "/api/v1/grids?grid_idd=x".to_owned(),
        "/api/v1/people?gridid=x".to_owned(),
        "/api/v1/enterprises?colour=red".to_owned(),
        "/api/v1/users?limit=5&page=2".to_owned(),
        "/api/v1/audit-log?who=me".to_owned(),
        format!("/api/v1/grids/{grid}/children?all=1"),
        format!("/api/v1/grids/{grid}/assignments?ended=1"),
        "/api/v1/grids/locate?lat=33.8&lng=114.5&alt=80".to_owned(),
        "/api/v1/stats/coverage?grid=1".to_owned(),
    ] {
        let res = app.get(&path, Some(&z.admin)).await;
        let body = res.assert_problem(400, "unknown_parameter");
        let name = path
            .rsplit(['?', '&'])
            .next()
            .unwrap()
            .split('=')
            .next()
            .unwrap();
        assert!(
            body["detail"]
                .as_str()
                .unwrap()
                .contains(&format!("`{name}`")),
            "{path}: {body}"
        );
    }

    // a real cursor pages on; anything else is refused, not an empty page
    let first = app.ok("/api/v1/grids?limit=2", &z.admin).await;
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = app
        .ok(&format!("/api/v1/grids?limit=2&cursor={cursor}"), &z.admin)
        .await;
    assert_eq!(second["items"].as_array().unwrap().len(), 2);
    assert_ne!(second["items"][0]["id"], first["items"][0]["id"]);
    let tampered = format!("A{}", &cursor[1..]);
    for bad in ["411622000000", "abc.def", tampered.as_str()] {
        app.get(&format!("/api/v1/grids?cursor={bad}"), Some(&z.admin))
            .await
            .assert_problem(400, "invalid_cursor");
    }

    // values that no query may hold: NaN, control characters
    let nan = app
        .get("/api/v1/grids/locate?lat=NaN&lng=114.5", Some(&z.admin))
        .await;
    assert_eq!(
        nan.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "lat"
    );
    let nul = app.get("/api/v1/people?q=a%00b", Some(&z.admin)).await;
    let body = nul.assert_problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "q");
    assert_eq!(body["errors"][0]["code"], "invalid_character");
    let role = app.get("/api/v1/people?role=boss", Some(&z.admin)).await;
    assert_eq!(
        role.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "role"
    );
}

async fn people_filters_stay_in_scope(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let (grid_a, grid_b) = (id(&z.grid_a), id(&z.grid_b));
    // a part-time worker in the workshop below grid A, not a party member
    let lead = app
        .created(
            "/api/v1/people",
            &z.admin,
            &json!({ "name": "李班长", "grid_id": z.workshop_a["id"], "party_member": true }),
        )
        .await;
    app.pre_job(&z.admin, &lead).await;
    app.created(
        &format!("/api/v1/grids/{}/assignments", id(&z.workshop_a)),
        &z.admin,
        &json!({ "person_id": lead["id"], "role": "part_time_worker" }),
    )
    .await;

    let all_a = app
        .ok(&format!("/api/v1/people?grid_id={grid_a}"), &z.admin)
        .await;
    assert_eq!(names(&all_a, "name"), ["张亚超", "李班长"], "the subtree");
    let workshop = app
        .ok(
            &format!("/api/v1/people?grid_id={}", id(&z.workshop_a)),
            &z.admin,
        )
        .await;
    assert_eq!(names(&workshop, "name"), ["李班长"]);
    let part_time = app
        .ok("/api/v1/people?role=part_time_worker", &z.admin)
        .await;
    assert_eq!(names(&part_time, "name"), ["李班长"]);
    let full_time_b = app
        .ok(
            &format!("/api/v1/people?role=full_time_worker&grid_id={grid_b}"),
            &z.admin,
        )
        .await;
    assert_eq!(names(&full_time_b, "name"), ["宋根华"]);
    let members = app.ok("/api/v1/people?party_member=true", &z.admin).await;
    assert_eq!(names(&members, "name"), ["李班长"]);
    let consenting = app
        .ok(
            &format!("/api/v1/people?placard_consent=true&q={}", enc("亚")),
            &z.admin,
        )
        .await;
    assert_eq!(names(&consenting, "name"), ["张亚超"]);

    // a worker of grid A filtering on grid B gets nothing, not B's people
    let other = app
        .ok(&format!("/api/v1/people?grid_id={grid_b}"), &z.worker_a)
        .await;
    assert!(other["items"].as_array().unwrap().is_empty(), "{other}");
    let theirs = app
        .ok(&format!("/api/v1/people?q={}", enc("宋")), &z.worker_a)
        .await;
    assert!(theirs["items"].as_array().unwrap().is_empty());
}

async fn enterprise_user_grid_and_audit_filters(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    app.patch(
        &format!("/api/v1/enterprises/{}", id(&z.firm_b)),
        Some(&z.admin),
        &json!({ "industry_section": "C", "flags": ["dust", "flammable"] }),
    )
    .await;
    let by_name = app
        .ok(&format!("/api/v1/enterprises?q={}", enc("耕德")), &z.admin)
        .await;
    assert_eq!(names(&by_name, "name"), ["周口耕德电子"]);
    let by_uscc = app.ok("/api/v1/enterprises?q=91350100m", &z.admin).await;
    assert_eq!(
        names(&by_uscc, "name"),
        ["河南普瑞制药"],
        "credit codes match from the start, any case"
    );
    let section = app
        .ok("/api/v1/enterprises?industry_section=C", &z.admin)
        .await;
    assert_eq!(names(&section, "name"), ["河南普瑞制药"]);
    let dust = app.ok("/api/v1/enterprises?flag=flammable", &z.admin).await;
    assert_eq!(names(&dust, "name"), ["河南普瑞制药"]);
    let none = app
        .ok("/api/v1/enterprises?flag=confined_space", &z.admin)
        .await;
    assert!(none["items"].as_array().unwrap().is_empty());
    let incomplete = app
        .ok("/api/v1/enterprises?basic_info_complete=false", &z.admin)
        .await;
    assert_eq!(incomplete["items"].as_array().unwrap().len(), 2);
    let complete = app
        .ok("/api/v1/enterprises?basic_info_complete=true", &z.admin)
        .await;
    assert!(complete["items"].as_array().unwrap().is_empty());
    let scoped = app
        .ok(
            &format!("/api/v1/enterprises?q={}", enc("普瑞")),
            &z.worker_a,
        )
        .await;
    assert!(
        scoped["items"].as_array().unwrap().is_empty(),
        "B's enterprise stays out of A's scope"
    );

    let workers = app.ok("/api/v1/users?role=grid_worker", &z.admin).await;
    assert_eq!(names(&workers, "username"), ["worker_a", "worker_b"]);
    let q = app.ok("/api/v1/users?q=_b", &z.admin).await;
    assert_eq!(
        names(&q, "username"),
        ["worker_b"],
        "`_` is a character, not a wildcard"
    );
    let disabled = app.ok("/api/v1/users?disabled=true", &z.admin).await;
    assert!(disabled["items"].as_array().unwrap().is_empty());

    let grids = app
        .ok(&format!("/api/v1/grids?q={}", enc("普瑞")), &z.admin)
        .await;
    assert_eq!(names(&grids, "name"), ["普瑞网格"]);
    let code = z.grid_a["code"].as_str().unwrap();
    let by_code = app.ok(&format!("/api/v1/grids?q={code}"), &z.admin).await;
    assert_eq!(
        names(&by_code, "name"),
        ["一车间", "耕德网格"],
        "a code prefix is its subtree"
    );

    let me = app.ok("/api/v1/me", &z.admin).await;
    let creations = app
        .ok(
            &format!(
                "/api/v1/audit-log?actor_id={}&action=grid.create&entity=grid",
                id(&me)
            ),
            &z.admin,
        )
        .await;
    assert_eq!(creations["items"].as_array().unwrap().len(), 4);
    let future = app
        .ok("/api/v1/audit-log?from=2999-01-01T00:00:00Z", &z.admin)
        .await;
    assert!(future["items"].as_array().unwrap().is_empty());
    let past = app
        .ok("/api/v1/audit-log?to=2000-01-01T00:00:00Z", &z.admin)
        .await;
    assert!(past["items"].as_array().unwrap().is_empty());
    let since = app
        .ok(
            "/api/v1/audit-log?from=2000-01-01T00:00:00Z&entity=person",
            &z.admin,
        )
        .await;
    assert_eq!(since["items"].as_array().unwrap().len(), 2);
}

async fn assignments_are_paged_like_every_list(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let grid = id(&z.grid_a);
    for name in ["甲", "乙", "丙"] {
        let p = app
            .created(
                "/api/v1/people",
                &z.admin,
                &json!({ "name": name, "grid_id": grid }),
            )
            .await;
        app.created(
            &format!("/api/v1/grids/{grid}/assignments"),
            &z.admin,
            &json!({ "person_id": p["id"], "role": "part_time_worker",
                     "training_override": "岗前培训下周进行" }),
        )
        .await;
    }
    let mut seen = Vec::new();
    let mut path = format!("/api/v1/grids/{grid}/assignments?limit=3");
    loop {
        let page = app.ok(&path, &z.admin).await;
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["person"]["name"].clone()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/grids/{grid}/assignments?limit=3&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(
        seen,
        ["张亚超", "甲", "乙", "丙"],
        "oldest first, each once"
    );
}

async fn coverage_carries_a_few_gaps_and_pages_the_rest(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    for i in 0..7 {
        app.created(
            "/api/v1/enterprises",
            &z.admin,
            &json!({ "name": format!("新企业{i}") }),
        )
        .await;
    }
    let c = app.ok("/api/v1/stats/coverage", &z.admin).await;
    let division = &c["enterprise_division"];
    assert_eq!(
        (
            division["numerator"].as_u64(),
            division["denominator"].as_u64()
        ),
        (Some(2), Some(9))
    );
    assert_eq!(
        division["gaps"].as_array().unwrap().len(),
        5,
        "the first few only"
    );

    let mut gaps = Vec::new();
    let mut path = "/api/v1/stats/coverage/gaps?rate=enterprise_division&limit=3".to_owned();
    loop {
        let page = app.ok(&path, &z.admin).await;
        gaps.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|g| g["name"].as_str().unwrap().to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => {
                path = format!(
                    "/api/v1/stats/coverage/gaps?rate=enterprise_division&limit=3&cursor={c}"
                )
            }
            None => break,
        }
    }
    assert_eq!(gaps.len(), 7);
    assert_eq!(gaps[0], "新企业0", "in creation order");
    let boards = app
        .ok(
            "/api/v1/stats/coverage/gaps?rate=placard_publication",
            &z.admin,
        )
        .await;
    assert_eq!(
        boards["items"].as_array().unwrap().len(),
        3,
        "three boards unpublished"
    );
    app.get("/api/v1/stats/coverage/gaps", Some(&z.admin))
        .await
        .assert_problem(422, "validation_failed");
    let theirs = app
        .get(
            &format!(
                "/api/v1/stats/coverage/gaps?rate=placard_publication&grid_id={}",
                id(&z.grid_b)
            ),
            Some(&z.worker_a),
        )
        .await;
    theirs.assert_problem(404, "not_found");
}
