use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use gridwork_tests::{Backend, TestApp, Zone, case_step, integrator_key, on_both_backends};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

on_both_backends!(
    a_delivery_is_signed_as_standard_webhooks_publishes,
    a_failing_receiver_is_retried_until_it_takes_the_event_once,
    two_instances_deliver_each_event_once,
    targets_on_the_zones_own_network_are_refused,
    a_subscription_is_its_integrators_alone,
    the_zones_own_systems_hear_the_duties,
);

/// Webhooks sent fast, to a receiver on this machine.
const LOOPBACK: [(&str, &str); 3] = [
    ("GRIDWORK_WEBHOOK_ALLOW_PRIVATE", "true"),
    ("GRIDWORK_WEBHOOK_POLL_MS", "50"),
    ("GRIDWORK_WEBHOOK_RETRY_BASE_MS", "20"),
];

type Got = Arc<Mutex<Vec<(HashMap<String, String>, String)>>>;

/// A receiver on 127.0.0.1 that answers 500 to its first `fail_first`
/// requests, then 204; it keeps what it took. (Its URL, what it took, how
/// many requests came in all.)
async fn receiver(fail_first: usize) -> (String, Got, Arc<AtomicUsize>) {
    let got: Got = Arc::default();
    let seen = Arc::new(AtomicUsize::new(0));
    let (kept, count) = (got.clone(), seen.clone());
    let server = HttpServer::new(move || {
        let (kept, count) = (kept.clone(), count.clone());
        App::new().default_service(web::to(move |req: HttpRequest, body: web::Bytes| {
            let (kept, count) = (kept.clone(), count.clone());
            async move {
                if count.fetch_add(1, Ordering::SeqCst) < fail_first {
                    return HttpResponse::InternalServerError().finish();
                }
                let headers = req
                    .headers()
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_owned()))
                    .collect();
                kept.lock()
                    .unwrap()
                    .push((headers, String::from_utf8_lossy(&body).into_owned()));
                HttpResponse::NoContent().finish()
            }
        }))
    })
    .workers(1)
    .bind("127.0.0.1:0")
    .unwrap();
    let addr = server.addrs()[0];
    actix_web::rt::spawn(server.run());
    (format!("http://{addr}/hook"), got, seen)
}

/// Waits until `got` holds `n` messages (10 s at most).
async fn wait_for(got: &Got, n: usize) {
    for _ in 0..200 {
        if got.lock().unwrap().len() >= n {
            return;
        }
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "the receiver got {} of {n} messages",
        got.lock().unwrap().len()
    );
}

const ALL: [&str; 3] = ["report_cases", "read_own_cases", "receive_webhooks"];

async fn subscribe(app: &TestApp, key: &str, url: &str, events: &[&str]) -> Value {
    let res = app
        .post(
            "/api/v1/webhooks",
            Some(key),
            &json!({ "url": url, "event_types": events }),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    res.body
}

/// Reports a case through Open311 with `key`; its id.
async fn report(app: &TestApp, key: &str, text: &str) -> String {
    let res = app
        .post_form(
            &format!("/open311/v2/requests.json?api_key={key}"),
            &[
                ("service_code", "safety_hazard.flooding"),
                ("address_string", "人和路口"),
                ("description", text),
            ],
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    res.body[0]["service_request_id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The signature as the Standard Webhooks specification defines it.
fn expected_signature(secret: &str, id: &str, timestamp: &str, body: &str) -> String {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap())
        .unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
}

async fn a_delivery_is_signed_as_standard_webhooks_publishes(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, &LOOPBACK).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let key = integrator_key(&app, &z.admin, "市民通", &ALL).await;
    let (url, got, _) = receiver(0).await;
    let hook = subscribe(&app, &key, &url, &["case.created", "case.accepted"]).await;
    let secret = hook["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"), "{hook}");

    let case = report(&app, &key, "路口积水").await;
    wait_for(&got, 1).await;
    case_step(&app, &case, &z.admin, "accept", 1, json!({})).await;
    wait_for(&got, 2).await;
    let messages = got.lock().unwrap().clone();
    for ((headers, body), expected) in messages.iter().zip(["case.created", "case.accepted"]) {
        let signature = &headers["webhook-signature"];
        assert_eq!(
            signature,
            &expected_signature(
                &secret,
                &headers["webhook-id"],
                &headers["webhook-timestamp"],
                body
            ),
            "the signature verifies"
        );
        let timestamp: i64 = headers["webhook-timestamp"].parse().unwrap();
        assert!((chrono::Utc::now().timestamp() - timestamp).abs() < 60);
        let event: Value = serde_json::from_str(body).unwrap();
        assert_eq!(event["type"], expected, "{event}");
        assert_eq!(event["data"]["case_id"], case.as_str());
        assert_eq!(headers["content-type"], "application/json");
    }
    // a tampered body no longer verifies
    let (headers, body) = &messages[0];
    assert_ne!(
        headers["webhook-signature"],
        expected_signature(
            &secret,
            &headers["webhook-id"],
            &headers["webhook-timestamp"],
            &body.replace("case", "cose")
        )
    );
    // the log shows both, delivered at the first attempt
    let log = app
        .ok(
            &format!(
                "/api/v1/webhooks/{}/deliveries",
                hook["id"].as_str().unwrap()
            ),
            &key,
        )
        .await;
    let states: Vec<(&str, i64)> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["state"].as_str().unwrap(),
                d["attempts"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(states, [("delivered", 1), ("delivered", 1)]);
}

async fn a_failing_receiver_is_retried_until_it_takes_the_event_once(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, &LOOPBACK).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let key = integrator_key(&app, &z.admin, "市民通", &ALL).await;
    let (url, got, seen) = receiver(2).await;
    let hook = subscribe(&app, &key, &url, &["case.created"]).await;
    report(&app, &key, "路口积水").await;
    wait_for(&got, 1).await;
    // a few more rounds: nothing is sent again once taken
    actix_web::rt::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(got.lock().unwrap().len(), 1, "delivered once");
    assert_eq!(
        seen.load(Ordering::SeqCst),
        3,
        "two failures, then the success"
    );
    let log = app
        .ok(
            &format!(
                "/api/v1/webhooks/{}/deliveries",
                hook["id"].as_str().unwrap()
            ),
            &key,
        )
        .await;
    let delivery = &log["items"][0];
    assert_eq!(
        (delivery["state"].as_str(), delivery["attempts"].as_i64()),
        (Some("delivered"), Some(3))
    );
    let statuses: Vec<i64> = delivery["log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["status"].as_i64().unwrap())
        .collect();
    assert_eq!(statuses, [500, 500, 204]);

    // redelivery on demand sends it once more, with the same webhook-id
    let again = app
        .post(
            &format!(
                "/api/v1/webhooks/{}/deliveries/{}/redeliver",
                hook["id"].as_str().unwrap(),
                delivery["id"].as_str().unwrap()
            ),
            Some(&key),
            &json!({}),
        )
        .await;
    assert_eq!(again.status, 200, "{}", again.text);
    wait_for(&got, 2).await;
    let ids: Vec<String> = got
        .lock()
        .unwrap()
        .iter()
        .map(|(h, _)| h["webhook-id"].clone())
        .collect();
    assert_eq!(ids[0], ids[1]);
}

async fn two_instances_deliver_each_event_once(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, &LOOPBACK).await else {
        return;
    };
    let other = app.another_instance();
    let z = Zone::build(&app).await;
    let key = integrator_key(&app, &z.admin, "市民通", &ALL).await;
    let (url, got, seen) = receiver(0).await;
    subscribe(&app, &key, &url, &["case.created"]).await;
    for n in 0..6 {
        // half through each instance
        let through = if n % 2 == 0 { &app } else { &other };
        report(through, &key, &format!("第{n}处积水")).await;
    }
    wait_for(&got, 6).await;
    actix_web::rt::time::sleep(Duration::from_millis(500)).await;
    let mut ids: Vec<String> = got
        .lock()
        .unwrap()
        .iter()
        .map(|(h, _)| h["webhook-id"].clone())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 6);
    assert_eq!(
        seen.load(Ordering::SeqCst),
        6,
        "each event sent once, by one instance"
    );
}

async fn targets_on_the_zones_own_network_are_refused(backend: Backend) {
    // default settings: private targets refused
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let admin = app.admin_token().await;
    let key = integrator_key(&app, &admin, "市民通", &ALL).await;
    // only addresses of this machine's own ranges, and literals: no lookup leaves it
    for url in [
        "http://127.0.0.1:9/hook",
        "http://localhost:9/hook",
        "http://[::1]:9/hook",
        "http://10.0.0.7/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://0.0.0.0/",
        "http://user:secret@127.0.0.1/",
        "ftp://127.0.0.1/",
    ] {
        let res = app
            .post(
                "/api/v1/webhooks",
                Some(&key),
                &json!({ "url": url, "event_types": ["case.created"] }),
            )
            .await;
        let problem = res.assert_problem(422, "validation_failed");
        assert_eq!(problem["errors"][0]["field"], "url", "{url}: {}", res.text);
    }
    let res = app
        .post(
            "/api/v1/webhooks",
            Some(&key),
            &json!({ "url": "http://127.0.0.1:9/", "event_types": ["grid.created"] }),
        )
        .await;
    assert_eq!(
        res.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "event_types"
    );
}

async fn a_subscription_is_its_integrators_alone(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, &LOOPBACK).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let key = integrator_key(&app, &z.admin, "市民通", &ALL).await;
    let other = integrator_key(&app, &z.admin, "别家", &ALL).await;
    let reporter_only = integrator_key(&app, &z.admin, "只上报", &["report_cases"]).await;
    let (url, got, _) = receiver(0).await;
    let hook = subscribe(&app, &key, &url, &["case.created"]).await;
    let path = format!("/api/v1/webhooks/{}", hook["id"].as_str().unwrap());
    app.get(&path, Some(&other))
        .await
        .assert_problem(404, "not_found");
    app.get(&format!("{path}/deliveries"), Some(&other))
        .await
        .assert_problem(404, "not_found");
    assert_eq!(app.ok("/api/v1/webhooks", &other).await["items"], json!([]));
    app.get("/api/v1/webhooks", Some(&reporter_only))
        .await
        .assert_problem(403, "integrator_scope_missing");
    app.get("/api/v1/webhooks", Some(&z.admin))
        .await
        .assert_problem(403, "wrong_credential");
    // another integrator's case is not this one's event
    report(&app, &other, "别家的事件").await;
    let mine = report(&app, &key, "本家的事件").await;
    wait_for(&got, 1).await;
    actix_web::rt::time::sleep(Duration::from_millis(300)).await;
    let bodies: Vec<Value> = got
        .lock()
        .unwrap()
        .iter()
        .map(|(_, b)| serde_json::from_str(b).unwrap())
        .collect();
    assert_eq!(bodies.len(), 1);
    assert_eq!(bodies[0]["data"]["case_id"], mine.as_str());
    // ended: nothing more is sent
    assert_eq!(app.delete(&path, Some(&key)).await.status, 204);
    app.get(&path, Some(&key))
        .await
        .assert_problem(404, "not_found");
    report(&app, &key, "结束后的事件").await;
    actix_web::rt::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(got.lock().unwrap().len(), 1);
}

async fn the_zones_own_systems_hear_the_duties(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, &LOOPBACK).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let platform = integrator_key(&app, &z.admin, "外卖平台", &ALL).await;
    let office = integrator_key(
        &app,
        &z.admin,
        "经开区OA",
        &["receive_webhooks", "zone_events"],
    )
    .await;
    let (url, got, _) = receiver(0).await;
    // a courier platform may not hear the zone's duties
    let res = app
        .post(
            "/api/v1/webhooks",
            Some(&platform),
            &json!({ "url": url, "event_types": ["enterprise.updated"] }),
        )
        .await;
    assert_eq!(
        res.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "event_types"
    );
    // the zone's own system may, but never the registry's people
    let res = app
        .post(
            "/api/v1/webhooks",
            Some(&office),
            &json!({ "url": url, "event_types": ["person.created"] }),
        )
        .await;
    res.assert_problem(422, "validation_failed");
    subscribe(&app, &office, &url, &["enterprise.updated"]).await;
    let res = app
        .patch(
            &format!("/api/v1/enterprises/{}", z.firm_a["id"].as_str().unwrap()),
            Some(&z.admin),
            &json!({ "employee_count": 120 }),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    wait_for(&got, 1).await;
    let event: Value = serde_json::from_str(&got.lock().unwrap()[0].1).unwrap();
    assert_eq!(event["type"], "enterprise.updated");
    assert_eq!(event["data"]["enterprise_id"], z.firm_a["id"]);
}
