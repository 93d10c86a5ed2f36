//! The synthetic province (`seed --synthetic`): a small one loads on both
//! databases, reads back through the API exactly as the load reports it,
//! keeps scope, and repeats itself for the same seed and end.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use gridwork_api::synthetic::{self, Persona, Report, Size};
use gridwork_domain::grid::GridCode;
use gridwork_tests::{Backend, TestApp, on_both_backends};

on_both_backends!(
    a_small_province_reads_back_as_loaded,
    the_same_seed_and_end_load_the_same_rows,
    case_kpis_from_rollups_equal_those_read_case_by_case,
);

const SMALL: Size = Size {
    grids: 60,
    enterprises: 200,
    people: 400,
    cases: 1500,
    days: 120,
    seed: 7,
};

fn until() -> DateTime<Utc> {
    "2026-11-30T08:00:00Z".parse().unwrap()
}

fn load(app: &TestApp, size: Size) -> Report {
    let mut conn = app.pool.get().unwrap();
    let passwords = gridwork_api::auth::password::Passwords::new(1).unwrap();
    let password = "synthetic-province-1".to_owned();
    let hash = passwords.hash(&password).unwrap();
    synthetic::load(
        &mut conn,
        &GridCode::parse("410000000000").unwrap(),
        size,
        (password, hash),
        (until(), chrono_tz::Asia::Shanghai),
        &mut |_| {},
    )
    .unwrap()
}

fn persona<'a>(report: &'a Report, name: &str) -> &'a Persona {
    report.personas.iter().find(|p| p.persona == name).unwrap()
}

/// Every case the caller may list, in list order: (id, state, grid id).
/// The load ends at a fixed time before the real now, so the test server's
/// sweeper may find a hazard the load left open past its deadline since and
/// open a case for it (source `inspection`): those are not the load's.
async fn all_cases(app: &TestApp, token: &str) -> Vec<(String, String, String)> {
    let mut found = Vec::new();
    let mut path = "/api/v1/cases?limit=200".to_owned();
    loop {
        let page = app.ok(&path, token).await;
        let items = page["items"].as_array().unwrap();
        for item in items.iter().filter(|i| i["source"] != "inspection") {
            found.push((
                item["id"].as_str().unwrap().to_owned(),
                item["state"].as_str().unwrap().to_owned(),
                item["grid_id"].as_str().unwrap().to_owned(),
            ));
        }
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/cases?limit=200&cursor={cursor}"),
            None => return found,
        }
    }
}

async fn a_small_province_reads_back_as_loaded(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let report = load(&app, SMALL);
    assert_eq!(report.grids, 60);
    assert_eq!(report.enterprises, 200);
    assert_eq!(report.people, 400);
    assert_eq!(report.cases, 1500);
    assert!(report.timeline_entries > 3 * 1500, "{report:?}");
    // old cases are finished, recent ones stand in the states between
    let states: BTreeMap<&str, usize> = report
        .states
        .iter()
        .map(|(s, n)| (s.as_str(), *n))
        .collect();
    for state in [
        "reported",
        "in_progress",
        "closed",
        "evaluated",
        "rejected",
        "merged",
    ] {
        assert!(
            states.get(state).copied().unwrap_or(0) > 0,
            "{state}: {states:?}"
        );
    }
    assert_eq!(states.values().sum::<usize>(), 1500);

    // the zone office sees every case, counted by state as the load counted
    let officer = app.tokens("officer", &report.password).await.0;
    // (up to the load's end: see `all_cases`)
    let to = until().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let stats = app
        .ok(&format!("/api/v1/stats/cases?to={to}"), &officer)
        .await;
    let by_state: BTreeMap<&str, usize> = stats["by_state"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["state"].as_str().unwrap(),
                s["count"].as_u64().unwrap() as usize,
            )
        })
        .filter(|(_, n)| *n > 0)
        .collect();
    assert_eq!(by_state, states, "{stats}");
    // the office's export streams every case, page after page (those the
    // sweeper opened since the load's end aside)
    let exported = gridwork_tests::csv_rows(&app, "/api/v1/cases/export.csv", &officer).await;
    let loaded: Vec<_> = exported
        .iter()
        .filter(|r| r["reported_at"].as_str() <= to.as_str())
        .collect();
    assert_eq!(loaded.len(), 1500);
    let ids: std::collections::BTreeSet<&str> = loaded.iter().map(|r| r["id"].as_str()).collect();
    assert_eq!(ids.len(), 1500, "each case once");

    // the mid-size grid's worker lists exactly the cases of that grid
    let worker = persona(&report, "worker");
    let token = app.tokens(&worker.username, &report.password).await.0;
    let mine = all_cases(&app, &token).await;
    assert_eq!(mine.len(), worker.cases_in_scope);
    assert!(worker.cases_in_scope > 0);
    let grid = &mine[0].2;
    assert!(mine.iter().all(|(_, _, g)| g == grid));
    let g = app.ok(&format!("/api/v1/grids/{grid}"), &token).await;
    assert_eq!(g["code"].as_str(), worker.grid_code.as_deref());
    // a case's timeline reads back, from the report on
    let (id, state, _) = &mine[mine.len() / 2];
    let timeline = app
        .ok(&format!("/api/v1/cases/{id}/timeline"), &token)
        .await;
    let entries = timeline["items"].as_array().unwrap();
    assert_eq!(entries[0]["action"], "report", "{timeline}");
    assert_eq!(
        entries.last().unwrap()["to_state"].as_str(),
        Some(state.as_str())
    );

    // and nothing of the other grids
    let leader = persona(&report, "leader");
    let area = app.tokens(&leader.username, &report.password).await.0;
    let theirs = all_cases(&app, &area).await;
    assert_eq!(theirs.len(), leader.cases_in_scope);
    let other = theirs
        .iter()
        .find(|(_, _, g)| g != grid)
        .expect("another grid's case");
    app.get(&format!("/api/v1/cases/{}", other.0), Some(&token))
        .await
        .assert_problem(404, "not_found");

    // the four duties read back as loaded: every inspection and hazard in
    // the span, every dispute, every policy on a worker's list
    let duties = &report.duties;
    assert!(duties.schedules > 0 && duties.hazards > 0, "{duties:?}");
    assert_eq!(duties.disputes, 1500 / 40);
    assert_eq!(duties.policies, 120 / 15);
    let span = format!(
        "from={}&to={}",
        (until() - chrono::Duration::days(120)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        until().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );
    let inspections = app
        .ok(&format!("/api/v1/stats/inspections?{span}"), &officer)
        .await;
    assert_eq!(
        inspections["hazards"]["found"].as_u64(),
        Some(duties.hazards as u64),
        "{inspections}"
    );
    let completion = &inspections["completion"];
    let (due, done) = (
        completion["due"].as_u64().unwrap(),
        completion["done"].as_u64().unwrap(),
    );
    assert!(0 < done && done < due, "{inspections}");
    let disputes = app.ok("/api/v1/stats/disputes", &officer).await;
    assert_eq!(
        disputes["total"]["count"].as_u64(),
        Some(duties.disputes as u64),
        "{disputes}"
    );
    let policies = app.ok("/api/v1/policies?limit=100", &token).await;
    assert_eq!(policies["items"].as_array().unwrap().len(), duties.policies);
    // no hazard was left past its deadline unrectified: the sweeper has no
    // case to open for one
    let mut conn = app.pool.get().unwrap();
    let opened = gridwork_api::app::hazards::escalate_overdue(&mut conn, until()).unwrap();
    assert_eq!(opened, 0);
}

async fn the_same_seed_and_end_load_the_same_rows(backend: Backend) {
    let (Some(a), Some(b)) = (TestApp::spawn(backend).await, TestApp::spawn(backend).await) else {
        return;
    };
    let size = Size {
        cases: 400,
        ..SMALL
    };
    let (first, second) = (load(&a, size), load(&b, size));
    assert_eq!(first.states, second.states);
    assert_eq!(first.timeline_entries, second.timeline_entries);
    let names = |r: &Report| -> Vec<(String, Option<String>)> {
        r.personas
            .iter()
            .map(|p| (p.username.clone(), p.grid_code.clone()))
            .collect()
    };
    assert_eq!(names(&first), names(&second));
    let officer_a = a.tokens("officer", &first.password).await.0;
    let officer_b = b.tokens("officer", &second.password).await.0;
    let (cases_a, cases_b) = (
        all_cases(&a, &officer_a).await,
        all_cases(&b, &officer_b).await,
    );
    assert_eq!(cases_a.len(), 400);
    assert_eq!(cases_a, cases_b, "same ids, states and grids");
    // a second load into the same database is refused, nothing written
    let mut conn = a.pool.get().unwrap();
    let refused = synthetic::load(
        &mut conn,
        &GridCode::parse("410000000000").unwrap(),
        size,
        ("x".into(), "x".into()),
        (until(), chrono_tz::Asia::Shanghai),
        &mut |_| {},
    )
    .unwrap_err();
    assert!(refused.to_string().contains("fresh database"), "{refused}");
    assert_eq!(all_cases(&a, &officer_a).await.len(), 400);
}

/// The rollups the load built give the figures that reading every case
/// gives: for the whole zone, a district and an area, over all time, a
/// period with partial first and last days, and one ending today; and again
/// after cases changed and the sweeper's refresh caught up.
async fn case_kpis_from_rollups_equal_those_read_case_by_case(backend: Backend) {
    use gridwork_api::app::Scoped;
    use gridwork_api::app::case_stats::{self, Reading};
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    load(&app, SMALL);
    let mut conn = app.pool.get().unwrap();
    let tree = gridwork_persistence::grid::all(&mut conn, None).unwrap();
    let child_of = |parent: Option<&gridwork_domain::GridId>| {
        tree.iter()
            .find(|g| g.parent_id.as_ref() == parent)
            .map(|g| g.id.clone())
            .unwrap()
    };
    let root = child_of(None);
    let district = child_of(Some(&root));
    let area = child_of(Some(&district));
    let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
    let now = until();
    let periods = [
        (None, None),
        (
            Some(at("2026-09-03T07:30:00Z")),
            Some(at("2026-11-12T15:45:00Z")),
        ),
        (Some(at("2026-10-01T00:00:00Z")), None),
    ];
    let system = Scoped::system();
    let compare = |conn: &mut gridwork_persistence::DbConnection| {
        for grid in [None, Some(&district), Some(&area)] {
            for (from, to) in periods {
                let mut read = |reading| {
                    case_stats::compute(conn, &system, grid, None, from, to, now, reading)
                        .map(|s| format!("{s:?}"))
                        .unwrap()
                };
                let rolled = read(Reading::Fastest);
                let each = read(Reading::CaseByCase);
                assert_eq!(rolled, each, "{grid:?} {from:?} {to:?}");
            }
        }
    };
    compare(&mut conn);
    // cases change: until the rollups catch up the figures may differ; after
    // a refresh they agree again
    diesel::connection::SimpleConnection::batch_execute(
        &mut *conn,
        "UPDATE cases SET state = 'closed', closed_at = resolve_due_at WHERE state = 'in_progress'",
    )
    .unwrap();
    let zone = |conn: &mut gridwork_persistence::DbConnection, reading| {
        let s = case_stats::compute(conn, &system, None, None, None, None, now, reading).unwrap();
        format!("{s:?}")
    };
    assert_ne!(
        zone(&mut conn, Reading::Fastest),
        zone(&mut conn, Reading::CaseByCase),
        "the rollups are read: stale until refreshed"
    );
    assert!(case_stats::refresh(&mut conn, 1000).unwrap() > 0);
    compare(&mut conn);
}
