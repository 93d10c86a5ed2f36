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
            // `security: [{}]` states an operation needs no credentials
            let secured = op["security"].as_array().is_some_and(|s| {
                s.iter()
                    .any(|r| r.as_object().is_some_and(|r| !r.is_empty()))
            });
            if secured {
                assert!(responses.contains_key("401"), "{method} {path} lacks 401");
                assert!(responses.contains_key("503"), "{method} {path} lacks 503");
            }
            // Open311 answers GeoReport's own errors, and reads any form
            let open311 = path.starts_with("/open311/");
            if op.get("requestBody").is_some() {
                let codes: &[&str] = if open311 {
                    &["413"]
                } else {
                    &["413", "415", "422"]
                };
                for code in codes {
                    assert!(
                        responses.contains_key(*code),
                        "{method} {path} lacks {code}"
                    );
                }
            }
            for (code, response) in responses {
                let error = code.starts_with('4') || code.starts_with('5');
                if open311 && error && response.get("$ref").is_none() {
                    assert!(
                        response["content"]["application/json"]["schema"]["items"]["$ref"]
                            == "#/components/schemas/Open311Error",
                        "{method} {path} {code} should answer GeoReport errors"
                    );
                    continue;
                }
                if error {
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

/// Every value a client sends is bounded in the spec as the server bounds
/// it: strings by length, pattern, format or enum; integers and numbers by
/// minimum and maximum; arrays by maxItems. A validated field whose bound
/// never reached the schema fails here.
#[test]
fn every_request_value_is_bounded_in_the_spec() {
    let spec: Value = serde_json::from_str(COMMITTED).unwrap();
    let schemas = &spec["components"]["schemas"];
    let mut loose = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let at = format!("{} {path}", method.to_uppercase());
            for param in op["parameters"].as_array().into_iter().flatten() {
                let name = param["name"].as_str().unwrap();
                check(
                    &param["schema"],
                    schemas,
                    &format!("{at} ?{name}"),
                    &mut loose,
                    0,
                );
            }
            for content in op["requestBody"]["content"]
                .as_object()
                .into_iter()
                .flatten()
            {
                check(
                    &content.1["schema"],
                    schemas,
                    &format!("{at} body"),
                    &mut loose,
                    0,
                );
            }
            let keyed = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|p| p["name"] == "Idempotency-Key");
            if method == "post" && !path.contains("/auth/") && !path.contains("/public/") {
                assert!(keyed, "{at} does not take Idempotency-Key");
            }
        }
    }
    assert!(
        loose.is_empty(),
        "unbounded request values:\n{}",
        loose.join("\n")
    );
}

/// Every string a client receives is bounded too (so generated clients can
/// size fields and lints find no unbounded string), and every list of codes
/// allows exactly as many items as its set has codes. Numbers in answers
/// are counts and need no bounds; a placard's members (and the members
/// missing consent) are as many as a grid has people, which no rule limits.
#[test]
fn every_response_string_is_bounded_in_the_spec() {
    let spec: Value = serde_json::from_str(COMMITTED).unwrap();
    let schemas = &spec["components"]["schemas"];
    let mut loose = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for (status, response) in op["responses"].as_object().into_iter().flatten() {
                let response = match response["$ref"].as_str() {
                    Some(r) => &spec["components"]["responses"][r.rsplit('/').next().unwrap()],
                    None => response,
                };
                let contents = response["content"].as_object().into_iter().flatten();
                // documents (HTML, SVG) are not JSON values
                for (_, content) in contents.filter(|(kind, _)| kind.contains("json")) {
                    let at = format!("{} {path} {status}", method.to_uppercase());
                    check(&content["schema"], schemas, &at, &mut loose, 0);
                }
            }
        }
    }
    loose.retain(|l| {
        !l.contains("number without")
            && !l.ends_with(".members: array without maxItems")
            && !l.ends_with("200.missing: array without maxItems")
    });
    loose.sort();
    loose.dedup();
    assert!(
        loose.is_empty(),
        "unbounded response values:\n{}",
        loose.join("\n")
    );

    // requests may repeat a code (the server keeps one of each)
    let mut sent: Vec<String> = spec["paths"]
        .to_string()
        .split("\"requestBody\"")
        .skip(1)
        .flat_map(refs)
        .collect();
    let mut i = 0;
    while i < sent.len() {
        let more = refs(&schemas[&sent[i]].to_string());
        sent.extend(
            more.into_iter()
                .filter(|r| !sent.contains(r))
                .collect::<Vec<_>>(),
        );
        i += 1;
    }
    for (name, schema) in schemas.as_object().unwrap() {
        if sent.contains(name) {
            continue;
        }
        for (field, property) in schema["properties"].as_object().into_iter().flatten() {
            let Some(item) = property["items"]["$ref"].as_str() else {
                continue;
            };
            let Some(codes) = schemas[item.rsplit('/').next().unwrap()]["enum"].as_array() else {
                continue;
            };
            assert_eq!(
                property["maxItems"].as_u64(),
                Some(codes.len() as u64),
                "{name}.{field}: a list of {item} holds each code at most once"
            );
        }
    }
}

/// The schema names a piece of the spec refers to, up to its end.
fn refs(text: &str) -> Vec<String> {
    let text = text.split("\"responses\"").next().unwrap_or(text);
    text.split("#/components/schemas/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_owned)
        .collect()
}

fn check(schema: &Value, schemas: &Value, at: &str, loose: &mut Vec<String>, depth: usize) {
    if depth > 8 {
        return;
    }
    let schema = match schema["$ref"].as_str() {
        Some(r) => &schemas[r.rsplit('/').next().unwrap()],
        None => schema,
    };
    for key in ["oneOf", "anyOf", "allOf"] {
        for s in schema[key].as_array().into_iter().flatten() {
            check(s, schemas, at, loose, depth + 1);
        }
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let has = |keys: &[&str]| keys.iter().any(|k| schema.get(*k).is_some());
    if types.contains(&"string") && !has(&["maxLength", "enum", "const", "format", "pattern"]) {
        loose.push(format!(
            "{at}: string without maxLength, pattern, format or enum"
        ));
    }
    if (types.contains(&"integer") || types.contains(&"number"))
        && !(has(&["minimum"]) && has(&["maximum"]))
    {
        loose.push(format!("{at}: number without minimum and maximum"));
    }
    if types.contains(&"array") {
        if !has(&["maxItems"]) {
            loose.push(format!("{at}: array without maxItems"));
        }
        check(
            &schema["items"],
            schemas,
            &format!("{at}[]"),
            loose,
            depth + 1,
        );
    }
    for (name, property) in schema["properties"].as_object().into_iter().flatten() {
        check(property, schemas, &format!("{at}.{name}"), loose, depth + 1);
    }
}
