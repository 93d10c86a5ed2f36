use gridwork_api::demo::SeedOutcome;
use gridwork_api::import::{self, ImportError};
use gridwork_tests::{Backend, TestApp, on_both_backends};
use serde_json::{Value, json};

on_both_backends!(
    the_demo_zone_reads_100_percent_until_something_changes,
    the_demo_refuses_a_database_with_other_data,
    imports_are_all_or_nothing_with_a_report_per_row,
);

async fn the_demo_zone_reads_100_percent_until_something_changes(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let SeedOutcome::Loaded {
        accounts,
        grids,
        enterprises,
        ..
    } = app.load_demo().await.unwrap()
    else {
        panic!("a fresh database loads the demo");
    };
    assert_eq!((grids, enterprises), (62, 45));
    assert!(
        matches!(app.load_demo().await.unwrap(), SeedOutcome::AlreadyLoaded),
        "idempotent"
    );

    let officer = accounts.iter().find(|a| a.username == "zhengh").unwrap();
    let token = app.tokens("zhengh", &officer.password).await.0;
    let c = app.ok("/api/v1/stats/coverage", &token).await;
    for (rate, n) in [
        ("enterprise_division", 45),
        ("placard_publication", 62),
        ("basic_info_archiving", 45),
    ] {
        assert_eq!(c[rate]["numerator"], n, "{rate}: {c}");
        assert_eq!(c[rate]["denominator"], n, "{rate}");
        assert_eq!(c[rate]["rate"], 1.0, "{rate}");
        assert!(c[rate]["gaps"].as_array().unwrap().is_empty());
    }

    // 周口耕德电子 is split into workshops and teams
    let genger = app.ok("/api/v1/grids?kind=sub_grid", &token).await;
    assert_eq!(genger["items"].as_array().unwrap().len(), 17);
    // the article's grid leader sees his grids, and only his
    let leader = accounts.iter().find(|a| a.username == "wangyx").unwrap();
    let wang = app.tokens("wangyx", &leader.password).await.0;
    let his = app.ok("/api/v1/stats/coverage", &wang).await;
    assert!(his["enterprise_division"]["denominator"].as_u64().unwrap() < 45);
    let firms = app.ok("/api/v1/enterprises?limit=200", &wang).await;
    assert!(
        firms["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["name"] == "河南耕亿达精密制造有限公司")
    );

    // the documented change: one enterprise outside any grid
    app.created(
        "/api/v1/enterprises",
        &token,
        &json!({ "name": "周口新入驻科技有限公司" }),
    )
    .await;
    let c = app.ok("/api/v1/stats/coverage", &token).await;
    assert_eq!(c["enterprise_division"]["numerator"], 45);
    assert_eq!(c["enterprise_division"]["denominator"], 46);
    assert_eq!(
        c["enterprise_division"]["gaps"][0]["name"],
        "周口新入驻科技有限公司"
    );
    assert_eq!(c["basic_info_archiving"]["numerator"], 45);
    assert_eq!(c["basic_info_archiving"]["denominator"], 46);

    // a public placard of the demo is reachable without login
    let grid = app
        .ok("/api/v1/grids?kind=enterprise&limit=3", &token)
        .await;
    let placard = app
        .ok(
            &format!(
                "/api/v1/grids/{}/placard",
                grid["items"][2]["id"].as_str().unwrap()
            ),
            &token,
        )
        .await;
    assert_eq!(placard["ready"], true);
    let token_part = placard["public_url"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap();
    let public = app
        .get(&format!("/api/v1/public/placards/{token_part}"), None)
        .await;
    assert_eq!(public.status, 200);
    assert_eq!(public.body["enterprise_name"], "河南耕亿达精密制造有限公司");
    assert_eq!(public.body["members"][0]["name"], "王勇翔");
    // the public board alone may sit in a browser's cache, revalidated
    assert_eq!(public.header("cache-control"), Some("no-cache"));

    // most demo people let their mobile be shown, so the boards can be called
    let zone = app.ok("/api/v1/grids?kind=zone", &token).await;
    let print = app
        .get(
            &format!(
                "/api/v1/grids/{}/placards/print",
                zone["items"][0]["id"].as_str().unwrap()
            ),
            Some(&token),
        )
        .await;
    assert_eq!(print.text.matches("<section class=\"sheet\">").count(), 62);
    assert_eq!(
        print.header("cache-control"),
        Some("no-store"),
        "names and phones"
    );
    assert!(
        !print.text.contains("****"),
        "every number on the boards is callable"
    );
    let people = app.ok("/api/v1/people?limit=200", &token).await;
    let people = people["items"].as_array().unwrap();
    let callable = people
        .iter()
        .filter(|p| p["placard_phone_consent"] == true)
        .count();
    assert!(
        callable * 4 > people.len() * 3,
        "{callable} of {}",
        people.len()
    );
    assert!(callable < people.len(), "some keep their mobile private");

    // the flood story on the demo zone: 张亚超 reports on 耕亿达's grid, 王勇翔
    // accepts and escalates, 张东岭's office escalates, 郑昊 blows the
    // whistle, emergency management and natural resources report in
    let login = |name: &str| {
        let password = accounts
            .iter()
            .find(|a| a.username == name)
            .unwrap()
            .password
            .clone();
        let name = name.to_owned();
        let app = &app;
        async move { app.tokens(&name, &password).await.0 }
    };
    let (worker, office, em, nr) = (
        login("zhangyc").await,
        login("zhangdl").await,
        login("em.li").await,
        login("nr.wu").await,
    );
    // six months of history: a zone at work, not a clean sheet
    let before = app.ok("/api/v1/stats/cases", &token).await;
    let kpis = &before["kpis"];
    let count = |v: &Value| v.as_u64().unwrap();
    assert!(count(&kpis["due_to_close"]) >= 250, "{kpis}");
    let rate = |name: &str| kpis[name]["rate"].as_f64().unwrap();
    assert!((0.9..1.0).contains(&rate("closure")), "{kpis}");
    assert!((0.5..0.95).contains(&rate("on_time_closure")), "{kpis}");
    assert!((0.01..0.3).contains(&rate("rework")), "{kpis}");
    assert!((0.7..1.0).contains(&rate("satisfaction")), "{kpis}");
    assert!(count(&kpis["to_report_in"]["count"]) > 10, "{kpis}");
    for breakdown in ["by_grid", "by_department", "by_worker"] {
        assert!(
            !before[breakdown].as_array().unwrap().is_empty(),
            "{breakdown}"
        );
    }
    let overdue = app.ok("/api/v1/cases?overdue=true", &token).await;
    assert!(!overdue["items"].as_array().unwrap().is_empty());
    let history = app.ok("/api/v1/cases?limit=200", &token).await;
    let half_year_ago = chrono::Utc::now() - chrono::Duration::days(183);
    for case in history["items"].as_array().unwrap() {
        let at =
            chrono::DateTime::parse_from_rfc3339(case["reported_at"].as_str().unwrap()).unwrap();
        assert!(at > half_year_ago, "{case}");
    }

    let grid = grid["items"][2]["id"].clone();
    let case = app
        .created(
            "/api/v1/cases",
            &worker,
            &json!({ "category": "safety_hazard.flooding", "severity": "critical", "source": "grid_worker",
                     "description": "车间屋顶漏雨，精密设备进水", "grid_id": grid }),
        )
        .await;
    let case = case["id"].as_str().unwrap().to_owned();
    let mut v = 1;
    for (who, action, body) in [
        (&wang, "accept", json!({})),
        (&wang, "escalate", json!({ "reason": "需管委会协调" })),
        (&office, "escalate", json!({ "reason": "吹哨" })),
        (
            &token,
            "dispatch",
            json!({ "lead_department": "emergency_management", "assisting_departments": ["natural_resources"] }),
        ),
        (&em, "report-in", json!({})),
        (&nr, "report-in", json!({})),
        (&em, "start", json!({})),
        (&em, "resolve", json!({ "feedback": "已排水、封堵屋面" })),
        (&wang, "verify", json!({})),
        (&worker, "evaluate", json!({ "satisfaction": "satisfied" })),
    ] {
        let after = gridwork_tests::case_step(&app, &case, who, action, v, body).await;
        v = after["version"].as_i64().unwrap();
    }
    // the story moves the figures by one case
    let after = app.ok("/api/v1/stats/cases", &token).await;
    for kpi in ["closure", "on_time_closure", "satisfaction"] {
        assert_eq!(
            count(&after["kpis"][kpi]["numerator"]),
            count(&before["kpis"][kpi]["numerator"]) + 1,
            "{kpi}"
        );
    }
}

async fn the_demo_refuses_a_database_with_other_data(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let admin = app.admin_token().await;
    app.created(
        "/api/v1/enterprises",
        &admin,
        &json!({ "name": "真实企业" }),
    )
    .await;
    let err = app.load_demo().await.err().expect("refused");
    assert!(err.to_string().contains("fresh database"), "{err}");
    let list = app.ok("/api/v1/enterprises", &admin).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1, "nothing added");
}

async fn imports_are_all_or_nothing_with_a_report_per_row(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let admin = app.admin_token().await;
    let zone = app
        .created(
            "/api/v1/grids",
            &admin,
            &json!({ "name": "经开区", "kind": "zone" }),
        )
        .await;
    let area = app
        .created(
            "/api/v1/grids",
            &admin,
            &json!({ "name": "东区", "kind": "general", "parent_id": zone["id"] }),
        )
        .await;
    let code = area["code"].as_str().unwrap();
    let mut conn = app.pool.get().unwrap();

    let bad = format!(
        "name,uscc,employee_count,lat,lng,flags,grid_code\n\
         好企业,91110000802100433B,120,33.8,114.5,dust;flammable,{code}\n\
         坏代码,91110000802100433C,10,,,,\n\
         ,91350100M000100Y43,ten,,,,\n\
         重复,91110000802100433B,5,,,,\n\
         错网格,,5,,,,999\n"
    );
    let Err(ImportError::Rows(errors)) = import::enterprises(&mut conn, bad.as_bytes()) else {
        panic!("bad rows are reported");
    };
    let found: Vec<(u64, &str)> = errors.iter().map(|e| (e.line, e.field.as_str())).collect();
    assert_eq!(
        found,
        [
            (3, "uscc"),
            (4, "employee_count"),
            (4, "name"),
            (5, "uscc"),
            (6, "grid_code")
        ],
        "{errors:?}"
    );
    assert!(errors[0].reason.contains("check character"));
    assert!(
        app.ok("/api/v1/enterprises", &admin).await["items"]
            .as_array()
            .unwrap()
            .is_empty(),
        "nothing written"
    );

    let header = import::enterprises(&mut conn, "name,colour\nx,red\n".as_bytes());
    assert!(matches!(header, Err(ImportError::Header(h)) if h.contains("colour")));
    assert!(matches!(
        import::enterprises(&mut conn, "uscc\n1\n".as_bytes()),
        Err(ImportError::Header(_))
    ));

    let good = format!(
        "name,uscc,grid_code,flags\n好企业,91110000802100433b,{code},dust\n第二家,,{code},\n"
    );
    assert_eq!(import::enterprises(&mut conn, good.as_bytes()).unwrap(), 2);
    let firms = app.ok("/api/v1/enterprises", &admin).await;
    assert_eq!(firms["items"][0]["uscc"], "91110000802100433B");
    assert_eq!(firms["items"][0]["grid_id"], area["id"]);
    // the same file again collides with what is stored
    let again = import::enterprises(&mut conn, good.as_bytes());
    assert!(matches!(again, Err(ImportError::Rows(e)) if e[0].reason.contains("credit code")));

    let people = format!(
        "name,mobile,id_card_number,party_member,grid_code,placard_consent\n\
         张亚超,13800001234,11010519491231002X,是,{code},yes\n\
         南必柯,12345,,maybe,{code},\n"
    );
    let Err(ImportError::Rows(errors)) = import::people(
        &mut conn,
        people.as_bytes(),
        b"key-of-at-least-32-bytes-for-tests",
    ) else {
        panic!("bad people rows are reported");
    };
    let found: Vec<(u64, &str)> = errors.iter().map(|e| (e.line, e.field.as_str())).collect();
    assert_eq!(found, [(3, "party_member"), (3, "mobile")]);
    let fixed = people.replace("12345,,maybe", "13900005678,,否");
    assert_eq!(
        import::people(
            &mut conn,
            fixed.as_bytes(),
            b"key-of-at-least-32-bytes-for-tests"
        )
        .unwrap(),
        2
    );
    let listed = app.ok("/api/v1/people", &admin).await;
    assert_eq!(listed["items"][0]["id_card"]["last4"], "002X");
    assert_eq!(listed["items"][0]["party_member"], true);
}

on_both_backends!(the_demo_plays_the_four_duties_and_leaves_every_field_account_work);

async fn the_demo_plays_the_four_duties_and_leaves_every_field_account_work(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let SeedOutcome::Loaded {
        accounts, duties, ..
    } = app.load_demo().await.unwrap()
    else {
        panic!("a fresh database loads the demo");
    };
    assert!(
        duties.inspections >= 10 && duties.hazards >= 3,
        "{duties:?}"
    );
    let login = |name: &'static str| {
        let password = accounts
            .iter()
            .find(|a| a.username == name)
            .unwrap()
            .password
            .clone();
        let app = &app;
        async move { app.tokens(name, &password).await.0 }
    };
    let mut seen = Vec::new();
    for name in [
        "zhangyc", "nanbk", "songgh", "rider.li", "wangyx", "em.li", "nr.wu",
    ] {
        let token = login(name).await;
        let tasks = app.ok("/api/v1/me/tasks?limit=200", &token).await;
        let kinds: std::collections::BTreeSet<String> = tasks["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["kind"].as_str().unwrap().to_owned())
            .collect();
        assert!(!kinds.is_empty(), "{name} has nothing to do");
        seen.push((name, kinds));
    }
    let has = |name: &str, kind: &str| seen.iter().any(|(n, k)| *n == name && k.contains(kind));
    // the article's wage arrears: settled, its follow-up due within the week
    assert!(has("songgh", "dispute_follow_up"), "{seen:?}");
    assert!(has("songgh", "stale_enterprise"), "{seen:?}");
    assert!(
        has("zhangyc", "policy"),
        "the pharmaceutical rules: {seen:?}"
    );
    assert!(has("rider.li", "policy"), "the winter notice: {seen:?}");
    assert!(
        !has("nanbk", "policy"),
        "an electricity firm, and he read the notice: {seen:?}"
    );
    assert!(
        has("nanbk", "inspection"),
        "the weekly walk-round: {seen:?}"
    );

    // the zone office's figures hold the history
    let office = login("zhangdl").await;
    let stats = app
        .ok(
            "/api/v1/stats/inspections?from=2000-01-01T00:00:00Z",
            &office,
        )
        .await;
    assert!(
        stats["completion"]["due"].as_u64().unwrap() >= 10,
        "{stats}"
    );
    let hazards = app.ok("/api/v1/hazards?limit=200", &office).await;
    let states: Vec<&str> = hazards["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["state"].as_str().unwrap())
        .collect();
    assert!(
        states.contains(&"verified") && states.contains(&"rectified"),
        "{states:?}"
    );
    assert!(
        hazards["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["case_id"].is_string()),
        "an overdue hazard became a case"
    );
    let disputes = app.ok("/api/v1/stats/disputes", &office).await;
    assert!(
        disputes["total"]["count"].as_u64().unwrap() >= 4,
        "{disputes}"
    );
    assert!(
        disputes["total"]["year_earlier"].as_u64().unwrap() >= 1,
        "{disputes}"
    );
    let policies = app.ok("/api/v1/policies", &office).await;
    let pharma = policies["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["title"].as_str().unwrap().contains("药品"))
        .unwrap()
        .clone();
    let briefings = app
        .ok(
            &format!(
                "/api/v1/policies/{}/briefings",
                pharma["id"].as_str().unwrap()
            ),
            &office,
        )
        .await;
    assert_eq!(briefings["items"][0]["attendee_count"], 36);
}

on_both_backends!(the_demo_is_organised_and_assessed);

async fn the_demo_is_organised_and_assessed(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let SeedOutcome::Loaded { accounts, .. } = app.load_demo().await.unwrap() else {
        panic!("a fresh database loads the demo");
    };
    let office = app.demo_login(&accounts, "zhangdl").await;
    // the last five complete months are closed, scored and ranked
    let this = gridwork_domain::month::Month::of(
        chrono::Utc::now()
            .with_timezone(&app.config.time_zone)
            .date_naive(),
    );
    let mut month = this;
    let mut last = None;
    for _ in 0..5 {
        month = gridwork_domain::month::Month::of(month.first_day() - chrono::Duration::days(1));
        let page = app
            .ok(
                &format!("/api/v1/assessments?period={month}&level=worker&limit=200"),
                &office,
            )
            .await;
        assert_eq!(page["month"]["closed"], true, "{month}");
        assert_eq!(page["items"][0]["rank"], 1, "{month}: {page}");
        last.get_or_insert(page);
    }
    let last = last.unwrap();
    let commended = last["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["flag"] == "commend");
    // two party branches with members, covering their grids; a candidate
    // when last month commended someone
    let branches = app.ok("/api/v1/party/branches", &office).await;
    let branches = branches["items"].as_array().unwrap();
    assert_eq!(branches.len(), 2);
    assert!(
        branches
            .iter()
            .all(|b| b["member_count"].as_i64() > Some(0))
    );
    let coverage = app.ok("/api/v1/stats/party", &office).await;
    assert!(
        coverage["grids"]["numerator"].as_u64() >= Some(2),
        "{coverage}"
    );
    let candidates = app
        .ok(
            &format!(
                "/api/v1/party/branches/{}/candidates",
                branches[0]["id"].as_str().unwrap()
            ),
            &office,
        )
        .await;
    assert_eq!(
        !candidates["items"].as_array().unwrap().is_empty(),
        commended
    );
    // every worker trained but the recent hire; half trained on the job
    let mut pre_job = (0, 0);
    let mut in_service = 0;
    let mut cursor = String::new();
    loop {
        let page = app
            .ok(
                &format!("/api/v1/stats/training?limit=200{cursor}"),
                &office,
            )
            .await;
        for g in page["items"].as_array().unwrap() {
            pre_job.0 += g["pre_job"]["numerator"].as_u64().unwrap();
            pre_job.1 += g["pre_job"]["denominator"].as_u64().unwrap();
            in_service += g["in_service"]["numerator"].as_u64().unwrap();
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = format!("&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(
        pre_job.0 + 1,
        pre_job.1,
        "all but the recent hire: {pre_job:?}"
    );
    assert!(in_service > 0);
    let admin = app.admin_token().await;
    let waived = app
        .ok(
            "/api/v1/audit-log?action=assignment.training_override",
            &admin,
        )
        .await;
    assert_eq!(waived["items"].as_array().map(Vec::len), Some(1));
    // the trade union and its three volunteers
    let unions = app
        .ok("/api/v1/organisations?kind=trade_union", &office)
        .await;
    let union = unions["items"][0]["id"].as_str().unwrap().to_owned();
    let members = app
        .ok(&format!("/api/v1/organisations/{union}/members"), &office)
        .await;
    assert_eq!(members["items"].as_array().unwrap().len(), 3);
    // 耕德电子's staff follow its services: theirs still open, the history's
    // worked and evaluated, at each stage of its life
    let staff = app.demo_login(&accounts, "gengde.hr").await;
    let firm = app
        .ok(
            "/api/v1/enterprises?q=%E8%80%95%E5%BE%B7%E7%94%B5%E5%AD%90",
            &office,
        )
        .await["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let services = app
        .ok(&format!("/api/v1/enterprises/{firm}/services"), &staff)
        .await;
    let stages = services["stages"].as_array().unwrap();
    assert!(stages[2]["open"].as_u64() >= Some(2), "{services}");
    let requests: u64 = stages.iter().map(|s| s["requests"].as_u64().unwrap()).sum();
    let worked: u64 = stages
        .iter()
        .map(|s| s["kpis"]["closure"]["numerator"].as_u64().unwrap())
        .sum();
    assert!(requests >= 3 && worked > 0, "{services}");
}
