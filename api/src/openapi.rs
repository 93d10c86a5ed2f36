//! The OpenAPI document, generated from the handlers' `#[utoipa::path]`
//! attributes through `utoipa_actix_web` scopes. `gridwork openapi` prints it;
//! `openapi/openapi.json` is the committed copy a test keeps fresh.

use actix_web::App;
use utoipa::openapi::path::PathItem;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

use crate::http::problems::{
    BadRequest, Conflict, Forbidden, Gone, NotAnImage, NotFound, PayloadTooLarge,
    PreconditionFailed, ServiceUnavailable, TooManyRequests, Unauthorized, UnprocessableContent,
    UnsupportedMediaType,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Gridwork API",
        description = "Grid-based service and governance of an economic development zone: grids, enterprises, people, cases, the four duties. \
All errors are RFC 9457 `application/problem+json` documents with a stable `code`.\n\n\
Guides, each runnable with curl on the demo zone, in the repository's `docs/` folder: \
`docs/contract.md` (errors, lists, retry-safe writes, ETags, rate limits, caching, accounts), \
`docs/registry.md` (grids, enterprises, people, placards), \
`docs/cases.md` (the closed loop of case handling), \
`docs/duties.md` (the four duties and my tasks), \
`docs/assessment.md` (monthly scorecards, schemes, closing a month; training and the pre-job gate; party building; enterprise services and accounts; social organisations; exports), \
`docs/app-builders.md` (offline apps: the sync loop, writing offline), \
`docs/integrators.md` (courier platforms: keys, enrolling riders, rider tokens, webhooks), \
`docs/open311.md` (Open311 GeoReport v2).",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    modifiers(&BearerAuth),
    components(
        schemas(
            crate::http::error::Problem, crate::app::FieldError, crate::app::Reason,
            crate::app::ErrorCode,
            gridwork_domain::Role, gridwork_domain::grid::GridKind,
            gridwork_domain::assignment::GridRole, gridwork_domain::enterprise::HazardFlag,
            gridwork_domain::audit::AuditAction, gridwork_domain::audit::Entity,
            gridwork_domain::audit::Outcome, gridwork_domain::coverage::CoverageRate,
            crate::routes::open311::Format,
        ),
        responses(
            BadRequest, Unauthorized, Forbidden, NotFound, Gone, Conflict, PreconditionFailed,
            PayloadTooLarge, UnsupportedMediaType, UnprocessableContent, TooManyRequests,
            ServiceUnavailable, NotAnImage
        )
    ),
    tags(
        (name = "auth", description = "Login, token refresh and logout"),
        (name = "users", description = "User accounts (admin) and the caller's own account"),
        (name = "audit", description = "The audit log (admin, auditor)"),
        (name = "grids", description = "The grid tree: codes, boundaries, locate by GPS"),
        (name = "enterprises", description = "Enterprises: basic records, dynamic profiles (人、地、事、物) with their history, visits"),
        (name = "people", description = "Grid staff and principals; phones masked without people-management rights"),
        (name = "assignments", description = "Who serves which grid in which role; defines each user's scope"),
        (name = "placards", description = "\"Who to call\" placards, public pages and QR codes"),
        (name = "attachments", description = "Photos for cases and visits: sniffed, stripped of location metadata, kept in the object store"),
        (name = "policies", description = "Policy publicity (政策宣传): policies targeted to grids, roles and industries; read receipts, briefings, reach"),
        (name = "stats", description = "The three 100% rates"),
        (name = "cases", description = "Case handling: departments, case categories with their deadlines"),
        (name = "inspections", description = "Hazard inspection (隐患排查): versioned templates, schedules and their occurrences, inspections, hazards and their rectification"),
        (name = "assessments", description = "Monthly scorecards (考核) of grid workers, grids and departments: indicators, weighted totals, ranks, commendation and review flags; versioned schemes; closed months kept as snapshots"),
        (name = "training", description = "Training (培训): courses before the job, on the job and online, their sessions, who completed which with a score; new grid workers start once a pre-job course is passed"),
        (name = "party", description = "Party building on grids (网格党建): branches covering grids, members, development candidates from commended workers, activities with attendance"),
        (name = "organisations", description = "Social organisations (工会、共青团、妇联、签约社会组织): records, members who serve grids as part-time or mobile workers, and what they contributed"),
        (name = "disputes", description = "Dispute mediation (矛盾调解): parties, sessions and terms restricted to the mediator, grid leaders and zone officers"),
        (name = "integrators", description = "Outside systems such as courier platforms: scopes and keys (admins)"),
        (name = "integrations", description = "What integrators do with their keys: enrol riders as mobile grid workers, exchange the key for rider tokens; and the grid's decision on each enrolment"),
        (name = "open311", description = "Open311 GeoReport v2 (and FixMyStreet's servicerequestupdates) at /open311/v2, for existing Open311 apps: errors are GeoReport's [{code, description}]"),
        (name = "sync", description = "Delta sync for offline apps: changes in commit order, tombstones, a cursor"),
        (name = "meta", description = "Codes and labels"),
        (name = "operations", description = "Liveness and readiness"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .bearer_format("JWT or gw_pat_ token")
            .description(Some(
                "Access token from `POST /api/v1/auth/login` or `/auth/refresh`: a JWT \
                 (RFC 7519) checked as RFC 8725 advises — the algorithm is pinned to HS256 \
                 (`none` and any other are refused), `iss`, `aud`, `nbf`, `exp` and `iat` are \
                 required and verified (30 s of clock leeway), and the account behind `sub` is \
                 read on every request, so a disabled account or a reset password ends its \
                 tokens at once. Valid 15 minutes by default (`GRIDWORK_ACCESS_TTL_SECS`). \
                 Or a personal access token from `POST /api/v1/me/tokens`: `gw_pat_` and 64 \
                 base64url characters, carrying an HMAC tag the server checks before any \
                 lookup; it works until it expires or is revoked, only while its owner's \
                 account is enabled, and only with the roles the owner still holds.",
            ))
            .build();
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme("bearer", SecurityScheme::Http(scheme));
        let integrator = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .bearer_format("gw_int_ key")
            .description(Some(
                "An integrator key from `POST /api/v1/integrators` or a rotation: `gw_int_` and \
                 64 base64url characters, carrying an HMAC tag the server checks before any \
                 lookup. It works until revoked or, once rotated, until the end of the overlap, \
                 only while the integrator is enabled, and only within its scopes. It is \
                 refused (403 `wrong_credential`) on every other operation.",
            ))
            .build();
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme("integrator_key", SecurityScheme::Http(integrator));
    }
}

/// States in every operation the answers the server's own layers give,
/// whatever the handler: 429 (rate limits) under `/api/`; 400 where a query
/// is read (unknown parameters, foreign cursors); 422 where a path segment
/// or query value is checked; 400, 409 and 422 where `Idempotency-Key`
/// applies; 304 where a GET answers with an `ETag`; 403 wherever a login is
/// needed (`password_change_required`).
struct Contract;

impl Modify for Contract {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{Ref, RefOr};
        for (path, item) in openapi.paths.paths.iter_mut() {
            let api = path.starts_with("/api/") || path.starts_with("/open311/");
            let operations = [
                (false, item.get.as_mut()),
                (true, item.post.as_mut()),
                (false, item.put.as_mut()),
                (false, item.patch.as_mut()),
                (false, item.delete.as_mut()),
            ];
            for (post, op) in operations {
                let Some(op) = op else { continue };
                let params = op.parameters.clone().unwrap_or_default();
                let has = |place: utoipa::openapi::path::ParameterIn| {
                    params.iter().any(|p| p.parameter_in == place)
                };
                let keyed = params.iter().any(|p| p.name == "Idempotency-Key");
                // an account whose password an admin set may only change it
                let authenticated = op.responses.responses.contains_key("401")
                    && !path.starts_with("/api/v1/auth/")
                    && !path.starts_with("/api/v1/me/password")
                    && path != "/api/v1/me";
                let conditional = params.iter().any(|p| p.name == "If-Match");
                let mut add = |status: &str, response: &str| {
                    op.responses
                        .responses
                        .entry(status.to_owned())
                        .or_insert_with(|| RefOr::Ref(Ref::from_response_name(response)));
                };
                if api {
                    add("429", "TooManyRequests");
                }
                if authenticated {
                    add("403", "Forbidden");
                }
                if has(utoipa::openapi::path::ParameterIn::Query) {
                    add("400", "BadRequest");
                    add("422", "UnprocessableContent");
                }
                if has(utoipa::openapi::path::ParameterIn::Path) {
                    add("422", "UnprocessableContent");
                }
                if conditional {
                    add("400", "BadRequest");
                    add("412", "PreconditionFailed");
                }
                if post && keyed {
                    add("400", "BadRequest");
                    add("409", "Conflict");
                    add("422", "UnprocessableContent");
                }
                let etag = op.responses.responses.get("200").is_some_and(|r| match r {
                    RefOr::T(r) => r.headers.contains_key("ETag"),
                    RefOr::Ref(_) => false,
                });
                if etag && !post {
                    op.responses
                        .responses
                        .entry("304".to_owned())
                        .or_insert_with(|| {
                            RefOr::T(
                                utoipa::openapi::ResponseBuilder::new()
                                    .description(
                                        "Not modified: the `If-None-Match` ETag is current.",
                                    )
                                    .build(),
                            )
                        });
                }
            }
        }
    }
}

/// Declares the headers the server's own layers put on answers, and bounds
/// every header a handler declares: `X-Content-Type-Options` and
/// `Cache-Control` on every answer; `RateLimit` and `RateLimit-Policy` on
/// every answer under `/api/`; `Access-Control-Allow-Origin` where CORS is
/// configured.
struct Headers;

impl Modify for Headers {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::RefOr;
        for (path, item) in openapi.paths.paths.iter_mut() {
            let limited = path.starts_with("/api/") || path.starts_with("/open311/");
            let operations = [
                item.get.as_mut(),
                item.post.as_mut(),
                item.put.as_mut(),
                item.patch.as_mut(),
                item.delete.as_mut(),
            ];
            for op in operations.into_iter().flatten() {
                for response in op.responses.responses.values_mut() {
                    if let RefOr::T(response) = response {
                        declare_headers(response, Some(limited));
                    }
                }
            }
        }
        if let Some(components) = openapi.components.as_mut() {
            for response in components.responses.values_mut() {
                if let RefOr::T(response) = response {
                    declare_headers(response, None);
                }
            }
        }
    }
}

/// `api`: whether the operation lies under `/api/` (rate limited); `None` for
/// a shared response of the components, which serves both.
fn declare_headers(response: &mut utoipa::openapi::Response, api: Option<bool>) {
    use utoipa::openapi::header::{Header, HeaderBuilder};
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    let text = |max: usize, description: &str| -> Header {
        HeaderBuilder::new()
            .schema(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .max_length(Some(max)),
            )
            .description(Some(description))
            .build()
    };
    let fixed = |value: &str, description: &str| -> Header {
        HeaderBuilder::new()
            .schema(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .enum_values(Some([value])),
            )
            .description(Some(description))
            .build()
    };
    let headers = &mut response.headers;
    let described =
        |headers: &std::collections::BTreeMap<String, Header>, name: &str, default: &str| {
            headers
                .get(name)
                .and_then(|h| h.description.clone())
                .unwrap_or_else(|| default.to_owned())
        };
    // what handlers declare, bounded
    for (name, max, default) in [
        (
            "ETag",
            68,
            "The version's entity tag, for `If-Match` and `If-None-Match`",
        ),
        ("Location", 2048, "The URL of the record created"),
        ("WWW-Authenticate", 256, "Bearer challenge"),
    ] {
        if headers.contains_key(name) {
            let description = described(headers, name, default);
            headers.insert(name.to_owned(), text(max, &description));
        }
    }
    if headers.contains_key("Retry-After") {
        let description = described(headers, "Retry-After", "Seconds to wait before retrying");
        headers.insert(
            "Retry-After".to_owned(),
            HeaderBuilder::new()
                .schema(
                    ObjectBuilder::new()
                        .schema_type(Type::Integer)
                        .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                            utoipa::openapi::KnownFormat::Int32,
                        )))
                        .minimum(Some(1))
                        .maximum(Some(86_400)),
                )
                .description(Some(description))
                .build(),
        );
    }
    // what the server's layers add
    headers.insert(
        "X-Content-Type-Options".to_owned(),
        fixed(
            "nosniff",
            "Always `nosniff`: clients take the declared media type",
        ),
    );
    let cache = match (api, headers.get("Cache-Control")) {
        // the handler chose its own policy (the public placard)
        (_, Some(own)) => text(
            64,
            own.description
                .as_deref()
                .unwrap_or("The answer's own policy"),
        ),
        (Some(_), None) => fixed(
            "no-store",
            "`no-store`: answers hold personal data and must not sit in any cache",
        ),
        (None, None) => text(
            64,
            "`no-store` (answers hold personal data), except `no-cache` on the public placard's pages",
        ),
    };
    headers.insert("Cache-Control".to_owned(), cache);
    if api != Some(false) {
        headers.insert(
            "RateLimit-Policy".to_owned(),
            text(
                64,
                "Under `/api/`: the IETF rate-limit policy applied, e.g. `\"caller\";q=600;w=60` \
                 (a quota per minute per caller, or per address for anonymous calls)",
            ),
        );
        headers.insert(
            "RateLimit".to_owned(),
            text(
                64,
                "Under `/api/`: requests left in the window and seconds until it refills, \
                 e.g. `\"caller\";r=599;t=1`",
            ),
        );
    }
    headers.insert(
        "Access-Control-Allow-Origin".to_owned(),
        text(
            2048,
            "Only when `GRIDWORK_CORS_ORIGINS` lists the request's `Origin`: that origin",
        ),
    );
}

/// The document, as generated from the route table.
pub fn spec() -> utoipa::openapi::OpenApi {
    let (_, mut api) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(crate::routes::configure)
        .split_for_parts();
    // after the routes are in: the contract covers every operation
    Contract.modify(&mut api);
    Headers.modify(&mut api);
    api.info.version = env!("CARGO_PKG_VERSION").to_owned();
    bounded(api)
}

/// The bounds a type implies, stated wherever a schema leaves them out, so
/// that clients can size every value: times (`format: date` is 10
/// characters; `date-time` at most `TIME_MAX`, which requests are held to),
/// and integers (the range of their format, int64 where none is given).
/// And ids in requests typed as in answers: `format: uuid`.
fn bounded(api: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    let Ok(mut doc) = serde_json::to_value(&api) else {
        return api;
    };
    if let Some(paths) = doc.get_mut("paths").and_then(|p| p.as_object_mut()) {
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for op in item.values_mut() {
                if path.starts_with("/open311/") {
                    open311_bounds(op);
                }
                for param in op
                    .get_mut("parameters")
                    .and_then(|p| p.as_array_mut())
                    .into_iter()
                    .flatten()
                {
                    let name = param["name"].as_str().unwrap_or_default().to_owned();
                    if let Some(schema) = param.get_mut("schema") {
                        uuid_if_id(&name, schema);
                    }
                }
            }
        }
    }
    for name in request_schemas(&doc) {
        if let Some(props) = doc
            .pointer_mut(&format!("/components/schemas/{name}/properties"))
            .and_then(|p| p.as_object_mut())
        {
            for (field, schema) in props.iter_mut() {
                uuid_if_id(field, schema);
            }
        }
    }
    complete(&mut doc);
    serde_json::from_value(doc).unwrap_or(api)
}

/// GeoReport v2 answers are bare lists (of at most 1000 requests or
/// updates) and XML documents of them: bounds for both.
fn open311_bounds(op: &mut serde_json::Value) {
    use serde_json::json;
    for response in op
        .get_mut("responses")
        .and_then(|r| r.as_object_mut())
        .into_iter()
        .flat_map(|r| r.values_mut())
    {
        for (media, content) in response
            .get_mut("content")
            .and_then(|c| c.as_object_mut())
            .into_iter()
            .flatten()
        {
            let Some(schema) = content.get_mut("schema").and_then(|s| s.as_object_mut()) else {
                continue;
            };
            match (media.as_str(), schema.get("type").and_then(|t| t.as_str())) {
                ("application/json", Some("array")) => {
                    schema
                        .entry("maxItems")
                        .or_insert(json!(crate::app::open311::MAX_REQUESTS));
                }
                ("text/xml", Some("string")) => {
                    schema.entry("maxLength").or_insert(json!(8 * 1024 * 1024));
                }
                _ => {}
            }
        }
    }
}

/// Ids in requests that are not UUIDs: the audit log's target may be any
/// record's (a category's code too); departments go by code; a platform's
/// rider ids and Open311's jurisdiction, account and device ids are theirs,
/// and Open311's `service_request_id` filter is a comma-separated list.
const NOT_UUIDS: &[&str] = &[
    "target_id",
    "department_id",
    "platform_rider_id",
    "jurisdiction_id",
    "account_id",
    "device_id",
    "service_request_id",
];

/// Lists of ids not named `…_ids`: photos.
const ID_LISTS: &[&str] = &["attachments", "evidence"];

/// A request's record id (`id`, `…_id`, a list `…_ids`) as a UUID, as
/// answers give it; the server holds every one to that (422, or 404 for a
/// path).
fn uuid_if_id(name: &str, schema: &mut serde_json::Value) {
    let list = name.ends_with("_ids") || ID_LISTS.contains(&name);
    if !(name == "id" || name.ends_with("_id") || list) || NOT_UUIDS.contains(&name) {
        return;
    }
    let target = match (list, schema.get_mut("items")) {
        (false, _) => schema,
        (true, Some(items)) => items,
        (true, None) => return,
    };
    let is_string = |t: &serde_json::Value| {
        t == "string"
            || t.as_array()
                .is_some_and(|a| a.iter().any(|x| x == "string"))
    };
    if target.get("type").is_some_and(is_string)
        && let Some(obj) = target.as_object_mut()
    {
        obj.insert("format".into(), serde_json::json!("uuid"));
        obj.insert("maxLength".into(), serde_json::json!(36));
        obj.remove("pattern");
        obj.remove("minLength");
    }
}

/// The component schemas request bodies use, with those they refer to.
fn request_schemas(doc: &serde_json::Value) -> std::collections::BTreeSet<String> {
    fn refs(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(o) => {
                if let Some(r) = o.get("$ref").and_then(|r| r.as_str()) {
                    out.push(r.rsplit('/').next().unwrap_or_default().to_owned());
                }
                o.values().for_each(|v| refs(v, out));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let mut todo = Vec::new();
    for item in doc["paths"]
        .as_object()
        .into_iter()
        .flat_map(|p| p.values())
    {
        for op in item.as_object().into_iter().flat_map(|o| o.values()) {
            refs(&op["requestBody"], &mut todo);
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    while let Some(name) = todo.pop() {
        if seen.insert(name.clone()) {
            refs(&doc["components"]["schemas"][&name], &mut todo);
        }
    }
    seen
}

/// Adds the bounds types imply to every schema in `v`.
fn complete(v: &mut serde_json::Value) {
    use serde_json::json;
    match v {
        serde_json::Value::Object(o) => {
            let types: Vec<String> = match o.get("type") {
                Some(serde_json::Value::String(t)) => vec![t.clone()],
                Some(serde_json::Value::Array(a)) => a
                    .iter()
                    .filter_map(|t| t.as_str().map(str::to_owned))
                    .collect(),
                _ => Vec::new(),
            };
            let has = |t: &str| types.iter().any(|x| x == t);
            let format = o.get("format").and_then(|f| f.as_str()).map(str::to_owned);
            if has("string") && !o.contains_key("maxLength") {
                match format.as_deref() {
                    Some("date") => {
                        o.insert("maxLength".into(), json!(10));
                    }
                    Some("uuid") => {
                        o.insert("maxLength".into(), json!(36));
                    }
                    Some("date-time") => {
                        o.insert(
                            "maxLength".into(),
                            json!(crate::app::input::time_text::TIME_MAX),
                        );
                    }
                    _ => {}
                }
            }
            if has("integer") {
                let (min, max) = match format.as_deref() {
                    Some("int32") => (json!(i32::MIN), json!(i32::MAX)),
                    Some("uint32") => (json!(0), json!(u32::MAX)),
                    Some("uint64") => (json!(0), json!(u64::MAX)),
                    _ => (json!(i64::MIN), json!(i64::MAX)),
                };
                if format.is_none() {
                    o.insert("format".into(), json!("int64"));
                }
                o.entry("minimum").or_insert(min);
                o.entry("maximum").or_insert(max);
            }
            o.values_mut().for_each(complete);
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(complete),
        _ => {}
    }
}

/// The document as committed: pretty JSON with a final newline.
pub fn spec_json() -> Result<String, serde_json::Error> {
    Ok(spec().to_pretty_json()? + "\n")
}

/// Known paths and their methods, to answer 405 (with `Allow`) rather than 404
/// when a path exists but not for the method used.
#[derive(Debug, Clone, Default)]
pub struct RouteTable {
    routes: Vec<(Vec<String>, Vec<String>)>,
    /// Literal paths an `{id}` route beside them would take for methods
    /// they lack (`PATCH /grids/locate` is not `PATCH /grids/{id}`), with
    /// the methods they allow: found once, looked up on every request.
    shadowed: std::collections::HashMap<String, Vec<String>>,
}

impl RouteTable {
    pub fn from_spec(api: &utoipa::openapi::OpenApi) -> RouteTable {
        let mut table = RouteTable {
            routes: api
                .paths
                .paths
                .iter()
                .map(|(path, item)| (segments(path), methods(item)))
                .collect(),
            shadowed: Default::default(),
        };
        let shadowed = api
            .paths
            .paths
            .keys()
            .filter(|path| !path.contains('{'))
            .filter_map(|path| {
                let own = table.allowed(path)?;
                let wanted = segments(path);
                let taken = table.routes.iter().any(|(pattern, methods)| {
                    pattern.iter().any(|p| p.starts_with('{'))
                        && matches(pattern, &wanted)
                        && methods.iter().any(|m| !own.contains(m))
                });
                taken.then(|| (path.clone(), own))
            })
            .collect();
        table.shadowed = shadowed;
        table
    }

    /// The methods of a literal path that an `{id}` route would otherwise
    /// take for methods it lacks; `None` for every other path.
    pub fn shadowed(&self, path: &str) -> Option<&[String]> {
        self.shadowed.get(path).map(Vec::as_slice)
    }

    /// The methods allowed on `path`, if any route matches it: those of the
    /// most specific match (literal segments win over `{id}`, as in routing),
    /// with `HEAD` wherever there is `GET`, and `OPTIONS`.
    pub fn allowed(&self, path: &str) -> Option<Vec<String>> {
        let wanted = segments(path);
        let matching: Vec<(usize, &Vec<String>)> = self
            .routes
            .iter()
            .filter(|(pattern, _)| matches(pattern, &wanted))
            .map(|(pattern, methods)| {
                (
                    pattern.iter().filter(|p| !p.starts_with('{')).count(),
                    methods,
                )
            })
            .collect();
        let best = matching.iter().map(|(literal, _)| *literal).max()?;
        let mut allowed: Vec<String> = matching
            .into_iter()
            .filter(|(literal, _)| *literal == best)
            .flat_map(|(_, methods)| methods.iter().cloned())
            .collect();
        if allowed.iter().any(|m| m == "GET") {
            allowed.push("HEAD".to_owned());
        }
        allowed.push("OPTIONS".to_owned());
        allowed.sort();
        allowed.dedup();
        Some(allowed)
    }
}

/// Whether `pattern` (with `{…}` segments) matches the segments `wanted`.
fn matches(pattern: &[String], wanted: &[String]) -> bool {
    pattern.len() == wanted.len()
        && pattern
            .iter()
            .zip(wanted)
            .all(|(p, w)| p.starts_with('{') || p == w)
}

fn segments(path: &str) -> Vec<String> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn methods(item: &PathItem) -> Vec<String> {
    [
        ("GET", &item.get),
        ("POST", &item.post),
        ("PUT", &item.put),
        ("PATCH", &item.patch),
        ("DELETE", &item.delete),
    ]
    .into_iter()
    .filter(|(_, op)| op.is_some())
    .map(|(m, _)| m.to_owned())
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_route_table_knows_methods_of_templated_paths() {
        let table = RouteTable::from_spec(&spec());
        let allowed = |path: &str| table.allowed(path).map(|m| m.join(", "));
        assert_eq!(
            allowed("/api/v1/auth/login").as_deref(),
            Some("OPTIONS, POST")
        );
        assert_eq!(
            allowed("/api/v1/users/0193a1f4").as_deref(),
            Some("GET, HEAD, OPTIONS, PATCH")
        );
        // a literal segment wins over `{id}`
        assert_eq!(
            allowed("/api/v1/grids/locate").as_deref(),
            Some("GET, HEAD, OPTIONS")
        );
        assert_eq!(
            allowed("/api/v1/grids/0193a1f4").as_deref(),
            Some("DELETE, GET, HEAD, OPTIONS, PATCH")
        );
        assert_eq!(allowed("/api/v1/nothing"), None);
        // the one literal path an `{id}` route beside it would take
        assert_eq!(
            table.shadowed("/api/v1/grids/locate").map(|m| m.join(", ")),
            Some("GET, HEAD, OPTIONS".to_owned())
        );
        assert_eq!(table.shadowed("/api/v1/grids"), None);
        assert_eq!(table.shadowed("/api/v1/grids/0193a1f4"), None);
    }
}
