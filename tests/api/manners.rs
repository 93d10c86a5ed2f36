//! HTTP manners: HEAD wherever GET is, OPTIONS with the right Allow (literal
//! segments win over `{id}`), 304 for an ETag the client holds, and gzip or
//! brotli when asked for; `nosniff` and `no-store` on every answer, a CSP on
//! the docs.

use actix_web::http::Method;
use gridwork_tests::{Backend, TestApp, Zone, id, on_both_backends};

on_both_backends!(head_options_etags_and_compression);

async fn head_options_etags_and_compression(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let admin = Some(z.admin.as_str());
    let grid = format!("/api/v1/grids/{}", id(&z.grid_a));

    // HEAD: the GET's status and headers, no body
    let get = app.get(&grid, admin).await;
    let head = app.request(Method::HEAD, &grid, admin, None, &[]).await;
    assert_eq!(head.status, 200);
    assert!(head.text.is_empty(), "no body: {}", head.text);
    assert_eq!(head.header("etag"), get.header("etag"));
    assert_eq!(head.header("content-type"), Some("application/json"));
    let missing = app
        .request(
            Method::HEAD,
            "/api/v1/grids/0193a1f4-7c9e-7d21-9a1b-3f4e5d6c7b8a",
            admin,
            None,
            &[],
        )
        .await;
    assert_eq!(missing.status, 404);
    assert_eq!(
        app.request(Method::HEAD, "/healthz", None, None, &[])
            .await
            .status,
        200
    );

    // OPTIONS: the methods of the most specific route
    for (path, allow) in [
        ("/api/v1/grids/locate", "GET, HEAD, OPTIONS"),
        (grid.as_str(), "DELETE, GET, HEAD, OPTIONS, PATCH"),
        ("/api/v1/grids", "GET, HEAD, OPTIONS, POST"),
        ("/api/v1/auth/login", "OPTIONS, POST"),
    ] {
        let res = app.request(Method::OPTIONS, path, None, None, &[]).await;
        assert_eq!(res.status, 204, "{path}");
        assert_eq!(res.header("allow"), Some(allow), "{path}");
    }
    let put = app
        .request(Method::PUT, "/api/v1/grids/locate", admin, None, &[])
        .await;
    put.assert_problem(405, "method_not_allowed");
    assert_eq!(put.header("allow"), Some("GET, HEAD, OPTIONS"));
    // the literal segment wins for methods `{id}` has too
    let patch = app
        .patch(
            "/api/v1/grids/locate",
            admin,
            &serde_json::json!({ "name": "x" }),
        )
        .await;
    patch.assert_problem(405, "method_not_allowed");
    assert_eq!(patch.header("allow"), Some("GET, HEAD, OPTIONS"));

    // If-None-Match: 304 while the version holds, 200 once it changed
    let etag = get.header("etag").unwrap().to_owned();
    for tag in [etag.as_str(), &format!("W/{etag}"), "\"0\", *"] {
        let res = app
            .request(Method::GET, &grid, admin, None, &[("If-None-Match", tag)])
            .await;
        assert_eq!(res.status, 304, "{tag}");
        assert!(res.text.is_empty());
        assert_eq!(res.header("etag"), Some(etag.as_str()));
    }
    app.patch(&grid, admin, &serde_json::json!({ "name": "耕德一号网格" }))
        .await;
    let changed = app
        .request(
            Method::GET,
            &grid,
            admin,
            None,
            &[("If-None-Match", etag.as_str())],
        )
        .await;
    assert_eq!(changed.status, 200);
    assert_ne!(changed.header("etag"), Some(etag.as_str()));

    // hardening: every API answer, success or problem, is kept out of caches
    let unauthenticated = app.get(&grid, None).await;
    let answers = [
        ("200", &get),
        (
            "304",
            &app.request(
                Method::GET,
                &grid,
                admin,
                None,
                &[("If-None-Match", etag.as_str())],
            )
            .await,
        ),
        ("404", &missing),
        ("405", &put),
        ("401", &unauthenticated),
    ];
    for (what, res) in answers {
        assert_eq!(
            res.header("x-content-type-options"),
            Some("nosniff"),
            "{what}"
        );
        assert_eq!(res.header("cache-control"), Some("no-store"), "{what}");
        assert!(res.header("ratelimit").is_some(), "{what}");
    }
    let docs = app.get("/docs/", None).await;
    assert_eq!(docs.status, 200);
    let csp = docs.header("content-security-policy").unwrap();
    assert!(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"));
    assert_eq!(docs.header("x-content-type-options"), Some("nosniff"));

    // compression when the client asks for it
    for coding in ["gzip", "br"] {
        let res = app
            .request(
                Method::GET,
                "/api-docs/openapi.json",
                None,
                None,
                &[("Accept-Encoding", coding)],
            )
            .await;
        assert_eq!(res.status, 200);
        assert_eq!(res.header("content-encoding"), Some(coding));
    }
}
