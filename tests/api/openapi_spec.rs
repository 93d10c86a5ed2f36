//! The committed spec must be what the binary generates, and it must describe
//! errors truthfully.

use serde_json::Value;

const COMMITTED: &str = include_str!("../../openapi/openapi.json");

#[test]
fn the_committed_spec_is_fresh() {
    let generated = gridwork_api::openapi::spec_json().unwrap();
    assert!(
        generated == COMMITTED,
        "openapi/openapi.json is stale; refresh it with:\n    cargo run -p gridwork-api -- openapi > openapi/openapi.json"
    );
}

#[test]
fn every_operation_documents_its_errors() {
    let spec: Value = serde_json::from_str(COMMITTED).unwrap();
    let paths = spec["paths"].as_object().unwrap();
    assert!(paths.contains_key("/api/v1/users/{id}") && paths.contains_key("/healthz"));
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            let secured = op.get("security").is_some();
            if secured {
                assert!(responses.contains_key("401"), "{method} {path} lacks 401");
                assert!(responses.contains_key("503"), "{method} {path} lacks 503");
            }
            if op.get("requestBody").is_some() {
                for code in ["413", "415", "422"] {
                    assert!(responses.contains_key(code), "{method} {path} lacks {code}");
                }
            }
            for (code, response) in responses {
                if code.starts_with('4') || code.starts_with('5') {
                    assert_eq!(
                        response["$ref"]
                            .as_str()
                            .map(|r| r.starts_with("#/components/responses/")),
                        Some(true),
                        "{method} {path} {code} should reference a problem response"
                    );
                }
            }
        }
    }
}

#[test]
fn the_readme_documents_every_setting() {
    let readme = include_str!("../../README.md");
    for (name, _, _) in gridwork_api::config::VARIABLES {
        assert!(
            readme.contains(&format!("`{name}`")),
            "README.md does not document {name}"
        );
    }
}
