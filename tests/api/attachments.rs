//! Photos: sniffed from their bytes, stripped of location metadata, kept in
//! the object store, readable only within the reach of their case, retried
//! safely, and removed when no case takes them up.

use actix_web::http::Method;
use gridwork_tests::{Backend, TestApp, Zone, id, on_both_backends};
use serde_json::json;
use sha2::{Digest, Sha256};

on_both_backends!(
    photos_are_sniffed_stripped_and_served_as_stored,
    what_is_not_a_photo_or_too_large_is_refused,
    a_photo_is_seen_only_within_the_reach_of_its_case,
    uploads_no_case_took_up_expire,
    photos_go_to_an_s3_compatible_bucket,
);

const JPEG: &[u8] = include_bytes!("../../domain/tests/fixtures/photo.jpg");
const PNG: &[u8] = include_bytes!("../../domain/tests/fixtures/photo.png");
const WEBP: &[u8] = include_bytes!("../../domain/tests/fixtures/photo.webp");

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn multipart(field: &str, photo: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "--XyZ\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nignored\r\n--XyZ\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(photo);
    body.extend_from_slice(b"\r\n--XyZ--\r\n");
    body
}

async fn photos_are_sniffed_stripped_and_served_as_stored(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    // the type comes from the bytes, not from what the client says
    let res = app.upload(&z.worker_a, "image/png", JPEG).await;
    assert_eq!(res.status, 201, "{}", res.text);
    let photo = res.body.clone();
    assert_eq!(photo["content_type"], "image/jpeg");
    assert_eq!(
        res.header("location"),
        Some(format!("/api/v1/attachments/{}", id(&photo)).as_str())
    );
    assert!(photo["case_id"].is_null() && photo["expires_at"].is_string());

    let path = format!("/api/v1/attachments/{}", id(&photo));
    let (got, stored) = app
        .bytes(Method::GET, &path, Some(&z.worker_a), &[], Vec::new())
        .await;
    assert_eq!(got.status, 200);
    assert_eq!(got.header("content-type"), Some("image/jpeg"));
    assert_eq!(got.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(got.header("cache-control"), Some("no-store"));
    // bytes as bytes for clients that ask so (generated clients do)
    let (raw, same) = app
        .bytes(
            Method::GET,
            &path,
            Some(&z.worker_a),
            &[("Accept", "application/octet-stream")],
            Vec::new(),
        )
        .await;
    assert_eq!(raw.header("content-type"), Some("application/octet-stream"));
    assert_eq!(same, stored);
    let (either, _) = app
        .bytes(
            Method::GET,
            &path,
            Some(&z.worker_a),
            &[("Accept", "image/jpeg, application/octet-stream;q=0.5")],
            Vec::new(),
        )
        .await;
    assert_eq!(either.header("content-type"), Some("image/jpeg"));
    // the position, the camera and the XMP packet are gone; the picture is not
    assert!(contains(JPEG, b"GridPhone") && contains(JPEG, b"xmpmeta"));
    assert!(!contains(&stored, b"GridPhone") && !contains(&stored, b"xmpmeta"));
    assert!(!contains(&stored, b"GPS"));
    assert!(stored.starts_with(&[0xFF, 0xD8, 0xFF]) && stored.len() < JPEG.len());
    let scan = |b: &[u8]| b[b.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap()..].to_vec();
    assert_eq!(scan(&stored), scan(JPEG));
    // SHA-256 of what is stored, which is also the ETag
    let sha: String = Sha256::digest(&stored)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(photo["sha256"], sha);
    assert_eq!(photo["size_bytes"], stored.len());
    let etag = format!("\"{sha}\"");
    assert_eq!(got.header("etag"), Some(etag.as_str()));
    let (again, _) = app
        .bytes(
            Method::GET,
            &path,
            Some(&z.worker_a),
            &[("If-None-Match", &etag)],
            Vec::new(),
        )
        .await;
    assert_eq!(again.status, 304);

    // the same photo again while it waits: the same upload, with 200
    let retry = app.upload(&z.worker_a, "image/jpeg", JPEG).await;
    assert_eq!(retry.status, 200, "{}", retry.text);
    assert_eq!(retry.body["id"], photo["id"]);

    // multipart, the photo in `file`; and WebP
    let (png, _) = app
        .bytes(
            Method::POST,
            "/api/v1/attachments",
            Some(&z.worker_a),
            &[("Content-Type", "multipart/form-data; boundary=XyZ")],
            multipart("file", PNG),
        )
        .await;
    assert_eq!(png.status, 201, "{}", png.text);
    assert_eq!(png.body["content_type"], "image/png");
    let webp = app
        .upload(&z.worker_a, "application/octet-stream", WEBP)
        .await;
    assert_eq!(webp.status, 201, "{}", webp.text);
    assert_eq!(webp.body["content_type"], "image/webp");
    for (upload, original) in [(&png.body, PNG), (&webp.body, WEBP)] {
        let (_, stored) = app
            .bytes(
                Method::GET,
                &format!("/api/v1/attachments/{}", id(upload)),
                Some(&z.worker_a),
                &[],
                Vec::new(),
            )
            .await;
        assert!(contains(original, b"GridPhone"));
        assert!(!contains(&stored, b"GridPhone") && !contains(&stored, b"xmpmeta"));
    }
    // the files are in the configured folder, under their ids
    let store = std::path::Path::new(&app.config.attachment_store);
    assert!(store.join("attachments").join(id(&photo)).is_file());
    let log = app
        .ok("/api/v1/audit-log?action=attachment.upload", &z.admin)
        .await;
    assert_eq!(log["items"].as_array().unwrap().len(), 3);
}

async fn what_is_not_a_photo_or_too_large_is_refused(backend: Backend) {
    let Some(app) =
        TestApp::spawn_with(backend, &[("GRIDWORK_ATTACHMENT_MAX_BYTES", "2000")]).await
    else {
        return;
    };
    let z = Zone::build(&app).await;
    for (body, why) in [
        (
            b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec(),
            "not a JPEG",
        ),
        (b"%PDF-1.7\n".to_vec(), "not a JPEG"),
        (
            b"<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec(),
            "not a JPEG",
        ),
        (Vec::new(), "not a JPEG"),
        (b"\x89PNG\r\n\x1a\n".to_vec(), "damaged"),
        (JPEG[..200].to_vec(), "damaged"),
    ] {
        let res = app.upload(&z.worker_a, "image/jpeg", &body).await;
        let problem = res.assert_problem(415, "unsupported_media_type");
        assert!(
            problem["detail"].as_str().unwrap().contains(why),
            "{}",
            res.text
        );
    }
    // over the limit: announced, and with an Idempotency-Key (read earlier)
    let big = [JPEG, JPEG].concat();
    app.upload(&z.worker_a, "image/jpeg", &big)
        .await
        .assert_problem(413, "payload_too_large");
    let (keyed, _) = app
        .bytes(
            Method::POST,
            "/api/v1/attachments",
            Some(&z.worker_a),
            &[("Content-Type", "image/jpeg"), ("Idempotency-Key", "big-1")],
            big.clone(),
        )
        .await;
    keyed.assert_problem(413, "payload_too_large");
    // but a photo within the limit passes the key's reading too
    let (fits, _) = app
        .bytes(
            Method::POST,
            "/api/v1/attachments",
            Some(&z.worker_a),
            &[
                ("Content-Type", "image/jpeg"),
                ("Idempotency-Key", "small-1"),
            ],
            JPEG.to_vec(),
        )
        .await;
    assert_eq!(fits.status, 201, "{}", fits.text);
    // multipart without `file`
    let (missing, _) = app
        .bytes(
            Method::POST,
            "/api/v1/attachments",
            Some(&z.worker_a),
            &[("Content-Type", "multipart/form-data; boundary=XyZ")],
            multipart("photo", PNG),
        )
        .await;
    assert_eq!(
        missing.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "file"
    );
    // who may not upload at all
    let (anonymous, _) = app
        .bytes(
            Method::POST,
            "/api/v1/attachments",
            None,
            &[],
            JPEG.to_vec(),
        )
        .await;
    anonymous.assert_problem(401, "missing_token");
    app.create_user(&z.admin, "auditor1", &["auditor"]).await;
    let auditor = app
        .tokens("auditor1", gridwork_tests::USER_PASSWORD)
        .await
        .0;
    app.upload(&auditor, "image/jpeg", JPEG)
        .await
        .assert_problem(403, "forbidden");
}

async fn a_photo_is_seen_only_within_the_reach_of_its_case(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let photo = app.upload(&z.worker_a, "image/jpeg", JPEG).await.body;
    let path = format!("/api/v1/attachments/{}", id(&photo));
    // waiting to be attached: its uploader's alone, even for an admin
    for token in [&z.worker_b, &z.admin] {
        app.get(&path, Some(token))
            .await
            .assert_problem(404, "not_found");
    }
    // another worker cannot attach it; a missing or repeated id is named
    let report = |grid: &serde_json::Value, photos: serde_json::Value| {
        json!({ "category": "safety_hazard.flooding", "severity": "urgent", "source": "grid_worker",
                "description": "积水", "grid_id": grid["id"], "attachments": photos })
    };
    let res = app
        .post(
            "/api/v1/cases",
            Some(&z.worker_b),
            &report(&z.grid_b, json!([photo["id"]])),
        )
        .await;
    assert_eq!(
        res.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "attachments[0]"
    );
    let res = app
        .post(
            "/api/v1/cases",
            Some(&z.worker_a),
            &report(
                &z.grid_a,
                json!([
                    photo["id"],
                    "0190c0de-0000-7000-8000-000000000000",
                    photo["id"]
                ]),
            ),
        )
        .await;
    let fields: Vec<&str> = res.assert_problem(422, "validation_failed")["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["attachments[1]", "attachments[2]"]);
    // attached: within the case's reach
    let case = app
        .created(
            "/api/v1/cases",
            &z.worker_a,
            &report(&z.grid_a, json!([photo["id"]])),
        )
        .await;
    assert_eq!(app.get(&path, Some(&z.admin)).await.status, 200);
    assert_eq!(app.get(&path, Some(&z.worker_a)).await.status, 200);
    app.get(&path, Some(&z.worker_b))
        .await
        .assert_problem(404, "not_found");
    // taken: not again, not even by its uploader
    let res = app
        .post(
            "/api/v1/cases",
            Some(&z.worker_a),
            &report(&z.grid_a, json!([photo["id"]])),
        )
        .await;
    res.assert_problem(422, "validation_failed");
    let timeline = app
        .ok(
            &format!("/api/v1/cases/{}/timeline", id(&case)),
            &z.worker_a,
        )
        .await;
    assert_eq!(timeline["items"][0]["attachments"], json!([photo["id"]]));

    // once the reporter no longer serves the grid, they see the public
    // photos of their case only
    let public = app.upload(&z.admin, "image/png", PNG).await.body;
    let internal = app.upload(&z.admin, "image/jpeg", JPEG).await.body;
    for (photo, visibility) in [(&public, "public"), (&internal, "internal")] {
        let note = app
            .post(
                &format!("/api/v1/cases/{}/notes", id(&case)),
                Some(&z.admin),
                &json!({ "note": "现场照片", "visibility": visibility, "attachments": [photo["id"]] }),
            )
            .await;
        assert_eq!(note.status, 201, "{}", note.text);
    }
    let ended = app
        .delete(
            &format!("/api/v1/assignments/{}", id(&z.assignment_a)),
            Some(&z.admin),
        )
        .await;
    assert_eq!(ended.status, 200, "{}", ended.text);
    let see = |photo: &serde_json::Value| format!("/api/v1/attachments/{}", id(photo));
    assert_eq!(app.get(&see(&public), Some(&z.worker_a)).await.status, 200);
    assert_eq!(app.get(&path, Some(&z.worker_a)).await.status, 200);
    app.get(&see(&internal), Some(&z.worker_a))
        .await
        .assert_problem(404, "not_found");
    assert_eq!(app.get(&see(&internal), Some(&z.admin)).await.status, 200);
}

async fn uploads_no_case_took_up_expire(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let waiting = app.upload(&z.worker_a, "image/jpeg", JPEG).await.body;
    let taken = app.upload(&z.worker_a, "image/png", PNG).await.body;
    app.created(
        "/api/v1/cases",
        &z.worker_a,
        &json!({ "category": "safety_hazard.flooding", "severity": "urgent", "source": "grid_worker",
                 "description": "积水", "grid_id": z.grid_a["id"], "attachments": [taken["id"]] }),
    )
    .await;
    let files = gridwork_api::files::Files::open(&app.config.attachment_store, &[]).unwrap();
    let now = chrono::Utc::now();
    // not yet: nothing goes
    let swept = gridwork_api::jobs::sweep_uploads(&app.pool, &files, now)
        .await
        .unwrap();
    assert_eq!(swept, 0);
    // a week and a day later, the waiting upload goes, bytes and all
    let later = now + chrono::Duration::days(8);
    let swept = gridwork_api::jobs::sweep_uploads(&app.pool, &files, later)
        .await
        .unwrap();
    assert_eq!(swept, 1);
    let store = std::path::Path::new(&app.config.attachment_store).join("attachments");
    assert!(!store.join(id(&waiting)).exists());
    assert!(store.join(id(&taken)).is_file());
    app.get(
        &format!("/api/v1/attachments/{}", id(&waiting)),
        Some(&z.worker_a),
    )
    .await
    .assert_problem(404, "not_found");
    assert_eq!(
        app.get(
            &format!("/api/v1/attachments/{}", id(&taken)),
            Some(&z.worker_a)
        )
        .await
        .status,
        200
    );
    // the sweep is idempotent
    let swept = gridwork_api::jobs::sweep_uploads(&app.pool, &files, later)
        .await
        .unwrap();
    assert_eq!(swept, 0);
}

async fn photos_go_to_an_s3_compatible_bucket(backend: Backend) {
    let Some(endpoint) = gridwork_tests::s3_endpoint() else {
        return;
    };
    let s3 = awc::Client::default();
    let bucket = format!("gridwork-{}", uuid::Uuid::now_v7().simple());
    let made = s3.put(format!("{endpoint}/{bucket}")).send().await.unwrap();
    assert!(made.status().is_success(), "{:?}", made.status());
    let store = format!("s3://{bucket}/photos");
    let settings = [
        ("GRIDWORK_ATTACHMENT_STORE", store.as_str()),
        ("AWS_ENDPOINT", endpoint.as_str()),
        ("AWS_ALLOW_HTTP", "true"),
        ("AWS_ACCESS_KEY_ID", "gridwork"),
        ("AWS_SECRET_ACCESS_KEY", "gridwork-secret"),
        ("AWS_REGION", "us-east-1"),
    ];
    let Some(app) = TestApp::spawn_with(backend, &settings).await else {
        return;
    };
    let z = Zone::build(&app).await;
    let up = app.upload(&z.worker_a, "image/jpeg", JPEG).await;
    assert_eq!(up.status, 201, "{}", up.text);
    let (got, stored) = app
        .bytes(
            Method::GET,
            &format!("/api/v1/attachments/{}", id(&up.body)),
            Some(&z.worker_a),
            &[],
            Vec::new(),
        )
        .await;
    assert_eq!(got.status, 200);
    assert!(!contains(&stored, b"GridPhone"));
    // the object lies in the bucket, as served: a client of its own reads it
    let files = gridwork_api::files::Files::open(&store, &app.config.s3_options).unwrap();
    assert_eq!(files.get(id(&up.body)).await.unwrap().to_vec(), stored);
    // and it leaves the bucket when the upload expires
    let later = chrono::Utc::now() + chrono::Duration::days(8);
    let swept = gridwork_api::jobs::sweep_uploads(&app.pool, &files, later)
        .await
        .unwrap();
    assert_eq!(swept, 1);
    assert!(files.get(id(&up.body)).await.unwrap_err().is_missing());
}
