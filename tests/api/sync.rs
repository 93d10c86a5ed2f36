//! Delta sync: a full sync, then only changes and tombstones, in commit
//! order; nothing from another grid; 410 once the caller's scope changes.

use actix_web::http::Method;
use gridwork_tests::{Backend, Resp, TestApp, Zone, id, on_both_backends};
use serde_json::{Value, json};

on_both_backends!(
    sync_sends_changes_and_tombstones_in_scope,
    sync_pages_survive_concurrent_writes,
    a_cursor_expires_when_the_scope_changes,
    sync_sends_the_task_list_when_it_changes,
    compaction_keeps_the_latest_change_of_each_record,
);

fn flood(grid: &Value) -> Value {
    json!({ "category": "safety_hazard.flooding", "severity": "critical", "source": "grid_worker",
            "description": "车间屋顶漏雨，精密设备进水", "grid_id": grid["id"] })
}

async fn sync(app: &TestApp, token: &str, query: &str) -> Resp {
    let res = app.get(&format!("/api/v1/sync?{query}"), Some(token)).await;
    assert_eq!(res.status, 200, "sync?{query}: {}", res.text);
    res
}

/// Every page from `since` on: (items, the last cursor).
async fn sync_all(
    app: &TestApp,
    token: &str,
    types: &str,
    since: Option<&str>,
) -> (Vec<Value>, String) {
    let mut items = Vec::new();
    let mut cursor = since.map(str::to_owned);
    loop {
        let query = match &cursor {
            Some(c) => format!("types={types}&limit=3&since={c}"),
            None => format!("types={types}&limit=3"),
        };
        let page = sync(app, token, &query).await;
        items.extend(page.body["items"].as_array().unwrap().iter().cloned());
        cursor = Some(page.body["next_cursor"].as_str().unwrap().to_owned());
        if page.body["has_more"] == false {
            return (items, cursor.unwrap_or_default());
        }
    }
}

/// `(type, id, op)` of each item.
fn summary(items: &[Value]) -> Vec<(String, String, String)> {
    items
        .iter()
        .map(|i| {
            (
                i["type"].as_str().unwrap().to_owned(),
                i["id"].as_str().unwrap().to_owned(),
                i["op"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn has(items: &[Value], kind: &str, id: &str, op: &str) -> bool {
    summary(items).contains(&(kind.to_owned(), id.to_owned(), op.to_owned()))
}

async fn sync_sends_changes_and_tombstones_in_scope(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let types = "cases,grids,enterprises,people";

    // a full sync: what worker A may read, nothing of grid B
    let (items, cursor) = sync_all(&app, &z.worker_a, types, None).await;
    for (kind, record) in [
        ("grids", &z.grid_a),
        ("grids", &z.workshop_a),
        ("enterprises", &z.firm_a),
        ("people", &z.person_a),
    ] {
        assert!(
            has(&items, kind, id(record), "upsert"),
            "{kind} {record}: {items:?}"
        );
    }
    for record in [&z.grid_b, &z.firm_b, &z.person_b, &z.zone] {
        assert!(!items.iter().any(|i| i["id"] == record["id"]), "{record}");
    }
    let grid = items.iter().find(|i| i["id"] == z.grid_a["id"]).unwrap();
    assert_eq!(
        grid["grid"]["name"], "耕德网格",
        "the record as GET shows it"
    );
    // people's phones are masked for a worker, as GET /people/{id} does
    let person = items.iter().find(|i| i["id"] == z.person_a["id"]).unwrap();
    assert!(
        person["person"]["mobile"]
            .as_str()
            .unwrap()
            .contains("****")
    );

    // nothing changed: nothing comes
    let same = sync(&app, &z.worker_a, &format!("types={types}&since={cursor}")).await;
    assert_eq!(same.body["items"], json!([]));
    assert_eq!(same.body["has_more"], false);

    // a change in grid A comes; one in grid B does not
    let mine = app
        .created("/api/v1/cases", &z.worker_a, &flood(&z.grid_a))
        .await;
    let theirs = app
        .created("/api/v1/cases", &z.worker_b, &flood(&z.grid_b))
        .await;
    let (items, cursor) = sync_all(&app, &z.worker_a, types, Some(&cursor)).await;
    assert_eq!(
        summary(&items),
        [(
            "cases".to_owned(),
            id(&mine).to_owned(),
            "upsert".to_owned()
        )]
    );
    assert_eq!(items[0]["case"]["state"], mine["state"]);
    let (for_b, _) = sync_all(&app, &z.worker_b, "cases", None).await;
    assert_eq!(
        summary(&for_b),
        [(
            "cases".to_owned(),
            id(&theirs).to_owned(),
            "upsert".to_owned()
        )]
    );

    // a person moved to grid B leaves A's scope: a tombstone for A
    let temp = app
        .created(
            "/api/v1/people",
            &z.admin,
            &json!({ "name": "临时工", "grid_id": z.grid_a["id"] }),
        )
        .await;
    let (items, cursor) = sync_all(&app, &z.worker_a, types, Some(&cursor)).await;
    assert!(has(&items, "people", id(&temp), "upsert"), "{items:?}");
    let (_, b_cursor) = sync_all(&app, &z.worker_b, types, None).await;
    let moved = app
        .request(
            Method::PATCH,
            &format!("/api/v1/people/{}", id(&temp)),
            Some(&z.admin),
            Some(&json!({ "grid_id": z.grid_b["id"] })),
            &[("If-Match", "\"1\"")],
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    let (items, _) = sync_all(&app, &z.worker_a, types, Some(&cursor)).await;
    assert_eq!(
        summary(&items),
        [(
            "people".to_owned(),
            id(&temp).to_owned(),
            "delete".to_owned()
        )]
    );
    assert!(
        items[0].get("person").is_none(),
        "a tombstone carries no record"
    );
    let (items, _) = sync_all(&app, &z.worker_b, types, Some(&b_cursor)).await;
    assert!(has(&items, "people", id(&temp), "upsert"), "{items:?}");

    // an archived grid is a tombstone too (zone-wide: the office)
    let (_, office) = sync_all(&app, &z.admin, "grids", None).await;
    let shed = app
        .created(
            "/api/v1/grids",
            &z.admin,
            &json!({ "name": "临时仓储", "kind": "sub_grid", "parent_id": z.grid_b["id"] }),
        )
        .await;
    let archived = app
        .request(
            Method::DELETE,
            &format!("/api/v1/grids/{}", id(&shed)),
            Some(&z.admin),
            None,
            &[("If-Match", "\"1\"")],
        )
        .await;
    assert!(archived.status < 300, "{}", archived.text);
    let (items, _) = sync_all(&app, &z.admin, "grids", Some(&office)).await;
    let shed_items: Vec<_> = summary(&items)
        .into_iter()
        .filter(|(_, i, _)| i == id(&shed))
        .collect();
    assert_eq!(
        shed_items,
        [(
            "grids".to_owned(),
            id(&shed).to_owned(),
            "delete".to_owned()
        )],
        "made and archived between two syncs: only the tombstone"
    );
}

async fn sync_pages_survive_concurrent_writes(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let (_, start) = sync_all(&app, &z.worker_a, "cases", None).await;
    let mut reported = Vec::new();
    for _ in 0..5 {
        reported.push(
            id(&app
                .created("/api/v1/cases", &z.worker_a, &flood(&z.grid_a))
                .await)
            .to_owned(),
        );
    }
    // the first page, then a write, then the rest
    let first = sync(
        &app,
        &z.worker_a,
        &format!("types=cases&limit=2&since={start}"),
    )
    .await;
    assert_eq!(first.body["has_more"], true);
    let mut seen: Vec<String> = first.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect();
    let late = app
        .created("/api/v1/cases", &z.worker_a, &flood(&z.grid_a))
        .await;
    reported.push(id(&late).to_owned());
    let (rest, _) = sync_all(
        &app,
        &z.worker_a,
        "cases",
        first.body["next_cursor"].as_str(),
    )
    .await;
    seen.extend(rest.iter().map(|i| i["id"].as_str().unwrap().to_owned()));
    seen.sort();
    seen.dedup();
    reported.sort();
    assert_eq!(seen, reported, "every case once, the late one too");

    // commit order: a transaction that began writing first but commits
    // last is still delivered after a cursor that passed later commits
    if backend == Backend::Postgres {
        use diesel::prelude::*;
        let mut conn = app.pool.get().unwrap();
        let (_, before) = sync_all(&app, &z.worker_a, "cases,grids", None).await;
        let (tx_ready, ready) = std::sync::mpsc::channel();
        let (go, tx_go) = std::sync::mpsc::channel::<()>();
        let grid = id(&z.grid_a).to_owned();
        let slow = std::thread::spawn(move || {
            conn.transaction::<_, diesel::result::Error, _>(|c| {
                diesel::sql_query("UPDATE grids SET description = 'slow writer' WHERE id = $1")
                    .bind::<diesel::sql_types::Text, _>(&grid)
                    .execute(c)?;
                tx_ready.send(()).unwrap();
                tx_go.recv().unwrap();
                Ok(())
            })
            .unwrap();
        });
        ready.recv().unwrap();
        let quick = app
            .created("/api/v1/cases", &z.worker_a, &flood(&z.grid_a))
            .await;
        let (items, after_quick) = sync_all(&app, &z.worker_a, "cases,grids", Some(&before)).await;
        assert_eq!(
            summary(&items),
            [(
                "cases".to_owned(),
                id(&quick).to_owned(),
                "upsert".to_owned()
            )]
        );
        go.send(()).unwrap();
        slow.join().unwrap();
        let (items, _) = sync_all(&app, &z.worker_a, "cases,grids", Some(&after_quick)).await;
        assert_eq!(
            summary(&items),
            [(
                "grids".to_owned(),
                id(&z.grid_a).to_owned(),
                "upsert".to_owned()
            )]
        );
        assert_eq!(items[0]["grid"]["description"], "slow writer");
    }
}

async fn a_cursor_expires_when_the_scope_changes(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let (_, cursor) = sync_all(&app, &z.worker_a, "cases,people", None).await;
    // other kinds than the cursor's
    app.get(
        &format!("/api/v1/sync?types=cases&since={cursor}"),
        Some(&z.worker_a),
    )
    .await
    .assert_problem(410, "sync_cursor_expired");
    // not a cursor of ours, or not a sync cursor
    app.get("/api/v1/sync?since=abc.def", Some(&z.worker_a))
        .await
        .assert_problem(400, "invalid_cursor");
    let list = app.get("/api/v1/grids?limit=1", Some(&z.worker_a)).await;
    if let Some(other) = list.body["next_cursor"].as_str() {
        app.get(&format!("/api/v1/sync?since={other}"), Some(&z.worker_a))
            .await
            .assert_problem(400, "invalid_cursor");
    }
    app.get("/api/v1/sync?types=cases,nope", Some(&z.worker_a))
        .await
        .assert_problem(422, "validation_failed");
    // another worker's cursor is another scope
    app.get(
        &format!("/api/v1/sync?types=cases,people&since={cursor}"),
        Some(&z.worker_b),
    )
    .await
    .assert_problem(410, "sync_cursor_expired");

    // the worker's assignment ends: the cursor no longer says what the app may hold
    z.end_assignment_a(&app).await;
    let gone = app
        .get(
            &format!("/api/v1/sync?types=cases,people&since={cursor}"),
            Some(&z.worker_a),
        )
        .await;
    gone.assert_problem(410, "sync_cursor_expired");
    assert!(
        gone.body["detail"]
            .as_str()
            .unwrap()
            .contains("without `since`")
    );
    // a full sync works, and holds nothing of grid A any more
    let (items, _) = sync_all(&app, &z.worker_a, "cases,people", None).await;
    assert!(
        !items
            .iter()
            .any(|i| i["id"] == z.person_a["id"] && i["op"] == "upsert")
    );
}

async fn sync_sends_the_task_list_when_it_changes(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let first = sync(&app, &z.worker_a, "types=tasks").await;
    assert_eq!(first.body["items"], json!([]));
    let tasks = first.body["tasks"]
        .as_array()
        .expect("the list, the first time");
    let cursor = first.body["next_cursor"].as_str().unwrap().to_owned();
    let same = sync(&app, &z.worker_a, &format!("types=tasks&since={cursor}")).await;
    assert!(
        same.body.get("tasks").is_none(),
        "unchanged: not sent again"
    );

    // a policy for grid A's workers is a new task
    let made = app
        .created(
            "/api/v1/policies",
            &z.admin,
            &json!({
                "id": uuid::Uuid::now_v7().to_string(),
                "title": "安全生产月",
                "summary": "六月为安全生产月，网格员逐企宣讲。",
                "body": "……",
                "source_level": "zone",
                "effective_on": "2027-06-01",
                "tags": [],
                "target": { "grid_ids": [z.grid_a["id"]] },
            }),
        )
        .await;
    let next = sync(&app, &z.worker_a, &format!("types=tasks&since={cursor}")).await;
    let now = next.body["tasks"].as_array().expect("changed: sent");
    assert_eq!(now.len(), tasks.len() + 1);
    assert!(now.iter().any(|t| t["id"] == made["id"]), "{now:?}");
    let fresh = sync(&app, &z.worker_a, "types=tasks,policies").await;
    assert!(has(
        fresh.body["items"].as_array().unwrap(),
        "policies",
        id(&made),
        "upsert"
    ));
    // worker B is not its audience: neither the policy nor a task
    let other = sync(&app, &z.worker_b, "types=tasks,policies").await;
    assert!(!other.text.contains(id(&made)));
}

async fn compaction_keeps_the_latest_change_of_each_record(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let grid = format!("/api/v1/grids/{}", id(&z.grid_a));
    for (n, name) in ["耕德一号网格", "耕德二号网格", "耕德网格"]
        .iter()
        .enumerate()
    {
        let version = app.get(&grid, Some(&z.admin)).await.body["version"].clone();
        let res = app
            .request(
                Method::PATCH,
                &grid,
                Some(&z.admin),
                Some(&json!({ "name": name })),
                &[("If-Match", format!("\"{version}\"").as_str())],
            )
            .await;
        assert_eq!(res.status, 200, "rename {n}: {}", res.text);
    }
    let all = "cases,hazards,occurrences,disputes,policies,grids,enterprises,people";
    let before_admin = sync_all(&app, &z.admin, all, None).await.0;
    let before_worker = sync_all(&app, &z.worker_a, all, None).await.0;
    let mut conn = app.pool.get().unwrap();
    let rows = gridwork_persistence::sync::size(&mut conn).unwrap();
    let (_, removed) = gridwork_api::app::sync::compact(&mut conn, 0, 2, 1_000).unwrap();
    assert!(
        removed >= 3,
        "the renames superseded the grid's earlier rows: {removed}"
    );
    assert_eq!(
        gridwork_persistence::sync::size(&mut conn).unwrap(),
        rows - i64::try_from(removed).unwrap()
    );
    // compacting again finds nothing more
    assert_eq!(
        gridwork_api::app::sync::compact(&mut conn, 0, 2, 1_000)
            .unwrap()
            .1,
        0
    );
    drop(conn);
    let records = |items: &[Value]| {
        let mut s: Vec<(String, String)> =
            summary(items).into_iter().map(|(t, i, _)| (t, i)).collect();
        s.sort();
        s.dedup();
        s
    };
    assert_eq!(
        records(&sync_all(&app, &z.admin, all, None).await.0),
        records(&before_admin)
    );
    assert_eq!(
        records(&sync_all(&app, &z.worker_a, all, None).await.0),
        records(&before_worker)
    );
}
