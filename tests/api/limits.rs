//! Rate limits per account and per client address, with the IETF headers;
//! CORS off by default and, when configured, answering preflights for the
//! listed origins only.

use actix_web::http::Method;
use gridwork_tests::{ADMIN_PASSWORD, Backend, TestApp, on_both_backends};

on_both_backends!(
    quotas_answer_429_with_their_headers,
    cors_answers_listed_origins_only
);

async fn quotas_answer_429_with_their_headers(backend: Backend) {
    let Some(app) = TestApp::spawn_with(
        backend,
        &[
            ("GRIDWORK_RATE_LIMIT_PER_MINUTE", "5"),
            ("GRIDWORK_RATE_LIMIT_ANON_PER_MINUTE", "3"),
        ],
    )
    .await
    else {
        return;
    };
    let (admin, _) = app.tokens("admin", ADMIN_PASSWORD).await; // 1 of 3 anonymous
    let mut remaining = Vec::new();
    for _ in 0..5 {
        let me = app.get("/api/v1/me", Some(&admin)).await;
        assert_eq!(me.status, 200);
        assert_eq!(me.header("ratelimit-policy"), Some("\"caller\";q=5;w=60"));
        remaining.push(me.header("ratelimit").unwrap().to_owned());
    }
    assert!(remaining[0].starts_with("\"caller\";r=4;"), "{remaining:?}");
    assert!(remaining[4].starts_with("\"caller\";r=0;"), "{remaining:?}");
    let over = app.get("/api/v1/me", Some(&admin)).await;
    over.assert_problem(429, "rate_limited");
    let wait: u64 = over.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    assert!(
        over.header("ratelimit")
            .unwrap()
            .starts_with("\"caller\";r=0;t=")
    );

    // without a token, the client address has its own quota
    for _ in 0..2 {
        assert_eq!(app.get("/api/v1/meta/codes", None).await.status, 200);
    }
    let anonymous = app.get("/api/v1/meta/codes", None).await;
    anonymous.assert_problem(429, "rate_limited");
    assert_eq!(
        anonymous.header("ratelimit-policy"),
        Some("\"anonymous\";q=3;w=60")
    );
    // probes are not the API: never limited
    assert_eq!(app.get("/healthz", None).await.status, 200);
}

async fn cors_answers_listed_origins_only(backend: Backend) {
    let origin = "https://app.example.gov.cn";
    let preflight = |app: &TestApp, from: &'static str| {
        let app_url = app.url("/api/v1/grids");
        async move {
            let client = awc::Client::default();
            client
                .request(Method::OPTIONS, app_url)
                .insert_header(("Origin", from))
                .insert_header(("Access-Control-Request-Method", "POST"))
                .insert_header((
                    "Access-Control-Request-Headers",
                    "authorization,content-type,idempotency-key",
                ))
                .send()
                .await
                .unwrap()
        }
    };
    // off by default: no browser may call from elsewhere
    let Some(plain) = TestApp::spawn(backend).await else {
        return;
    };
    let res = preflight(&plain, origin).await;
    assert!(res.headers().get("access-control-allow-origin").is_none());

    let Some(app) = TestApp::spawn_with(
        backend,
        &[(
            "GRIDWORK_CORS_ORIGINS",
            "https://app.example.gov.cn, https://other.example",
        )],
    )
    .await
    else {
        return;
    };
    let res = preflight(&app, origin).await;
    assert!(res.status().is_success(), "{}", res.status());
    assert_eq!(
        res.headers().get("access-control-allow-origin").unwrap(),
        origin
    );
    assert_eq!(res.headers().get("access-control-max-age").unwrap(), "3600");
    let methods = res
        .headers()
        .get("access-control-allow-methods")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        methods.contains("POST") && methods.contains("PATCH"),
        "{methods}"
    );
    let refused = preflight(&app, "https://evil.example").await;
    assert!(
        refused
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
    assert!(refused.status().is_client_error());

    // an actual request from the origin can read the headers it needs
    let res = awc::Client::default()
        .get(app.url("/api/v1/meta/codes"))
        .insert_header(("Origin", origin))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers().get("access-control-allow-origin").unwrap(),
        origin
    );
    let exposed = res
        .headers()
        .get("access-control-expose-headers")
        .unwrap()
        .to_str()
        .unwrap()
        .to_lowercase();
    for name in [
        "etag",
        "location",
        "x-request-id",
        "retry-after",
        "ratelimit",
    ] {
        assert!(exposed.contains(name), "{name} in {exposed}");
    }
}
