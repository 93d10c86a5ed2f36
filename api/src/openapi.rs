//! The OpenAPI document, generated from the handlers' `#[utoipa::path]`
//! attributes through `utoipa_actix_web` scopes. `gridwork openapi` prints it;
//! `openapi/openapi.json` is the committed copy a test keeps fresh.

use actix_web::App;
use std::collections::BTreeMap;

use utoipa::openapi::path::PathItem;
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Header, ObjectBuilder, Ref, RefOr, Type};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

use crate::error::PROBLEM_JSON;

/// Declares a reusable `application/problem+json` response.
macro_rules! problem_responses {
    ($($name:ident => $description:literal $(, header $header:literal : $header_desc:literal)?;)*) => {
        $(
            #[doc = $description]
            pub struct $name;
            impl<'r> utoipa::ToResponse<'r> for $name {
                fn response() -> (&'r str, RefOr<Response>) {
                    (stringify!($name), problem_response($description, &[$(($header, $header_desc))?]))
                }
            }
        )*
    };
}

fn problem_response(description: &str, headers: &[(&str, &str)]) -> RefOr<Response> {
    let content = ContentBuilder::new()
        .schema(Some(Ref::from_schema_name("Problem")))
        .build();
    let mut builder = ResponseBuilder::new()
        .description(description)
        .content(PROBLEM_JSON, content);
    for (name, desc) in headers {
        let mut header = Header::new(ObjectBuilder::new().schema_type(Type::String));
        header.description = Some((*desc).to_owned());
        builder = builder.header(*name, header);
    }
    builder.build().into()
}

problem_responses! {
    BadRequest => "Malformed request: the body is not valid JSON (`malformed_json`) or cannot be read.";
    Unauthorized => "Missing, malformed, forged or expired access token (`missing_token`, `invalid_token`, `token_expired`), or bad credentials.", header "WWW-Authenticate": "Bearer challenge";
    Forbidden => "The caller's roles do not allow this operation (`forbidden`).";
    NotFound => "No such resource, or it lies outside the caller's scope (`not_found`).";
    Conflict => "The request conflicts with the current state (for example `username_taken`, `grid_not_empty`, `placard_not_ready`, `concurrent_change`; `reasons` lists what stands in the way).";
    PreconditionFailed => "`If-Match` does not match the resource's current ETag (`precondition_failed`).";
    PayloadTooLarge => "The request body exceeds the configured limit (`payload_too_large`).";
    UnsupportedMediaType => "The body is not `application/json` (`unsupported_media_type`).";
    UnprocessableContent => "Invalid fields (`validation_failed`); `errors` lists each field, code and message.";
    TooManyRequests => "Too many failed logins: the account is locked (`account_locked`).", header "Retry-After": "seconds until the lock ends";
    ServiceUnavailable => "The database is unreachable or the connection pool is exhausted (`service_unavailable`).", header "Retry-After": "seconds to wait before retrying";
}

/// Declares a named set of the problem responses above, for operations that
/// answer the same errors: `responses((status = 200, …), doc::ReadOne)`.
macro_rules! error_sets {
    ($($(#[$doc:meta])* $name:ident = [$($status:literal => $response:ident),*];)*) => {
        $(
            $(#[$doc])*
            pub struct $name;
            impl utoipa::IntoResponses for $name {
                fn responses() -> BTreeMap<String, RefOr<Response>> {
                    BTreeMap::from([$(
                        ($status.to_owned(), RefOr::Ref(Ref::from_response_name(stringify!($response)))),
                    )*])
                }
            }
        )*
    };
}

error_sets! {
    /// Reading one record in scope.
    ReadOne = ["401" => Unauthorized, "404" => NotFound, "503" => ServiceUnavailable];
    /// A keyset-paged list.
    List = ["401" => Unauthorized, "422" => UnprocessableContent, "503" => ServiceUnavailable];
    /// A keyset-paged list below a record in scope.
    ListUnder = ["401" => Unauthorized, "404" => NotFound, "422" => UnprocessableContent, "503" => ServiceUnavailable];
    /// Creating a record from a JSON body.
    Create = [
        "400" => BadRequest, "401" => Unauthorized, "403" => Forbidden, "409" => Conflict,
        "413" => PayloadTooLarge, "415" => UnsupportedMediaType, "422" => UnprocessableContent,
        "503" => ServiceUnavailable
    ];
    /// Changing a record in scope from a JSON body, with `If-Match`.
    Update = [
        "400" => BadRequest, "401" => Unauthorized, "403" => Forbidden, "404" => NotFound,
        "409" => Conflict, "412" => PreconditionFailed, "413" => PayloadTooLarge,
        "415" => UnsupportedMediaType, "422" => UnprocessableContent, "503" => ServiceUnavailable
    ];
    /// A state change of a record in scope, without a body.
    Action = [
        "401" => Unauthorized, "403" => Forbidden, "404" => NotFound, "409" => Conflict,
        "503" => ServiceUnavailable
    ];
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Gridwork API",
        description = "Grid-based service and governance of an economic development zone: grids, enterprises, people, cases. \
All errors are RFC 9457 `application/problem+json` documents with a stable `code`.",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    modifiers(&BearerAuth),
    components(
        schemas(crate::error::Problem, crate::error::FieldError, crate::error::Reason),
        responses(
            BadRequest, Unauthorized, Forbidden, NotFound, Conflict, PreconditionFailed,
            PayloadTooLarge, UnsupportedMediaType, UnprocessableContent, TooManyRequests,
            ServiceUnavailable
        )
    ),
    tags(
        (name = "auth", description = "Login, token refresh and logout"),
        (name = "users", description = "User accounts (admin) and the caller's own account"),
        (name = "audit", description = "The audit log (admin, auditor)"),
        (name = "grids", description = "The grid tree: codes, boundaries, locate by GPS"),
        (name = "enterprises", description = "Enterprises and their basic records"),
        (name = "people", description = "Grid staff and principals; phones masked without people-management rights"),
        (name = "assignments", description = "Who serves which grid in which role; defines each user's scope"),
        (name = "placards", description = "\"Who to call\" placards, public pages and QR codes"),
        (name = "stats", description = "The three 100% rates"),
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
            .bearer_format("JWT")
            .description(Some(
                "Access token from `POST /api/v1/auth/login`, valid 15 minutes by default.",
            ))
            .build();
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme("bearer", SecurityScheme::Http(scheme));
    }
}

/// The document, as generated from the route table.
pub fn spec() -> utoipa::openapi::OpenApi {
    let (_, mut api) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(crate::routes::configure)
        .split_for_parts();
    api.info.version = env!("CARGO_PKG_VERSION").to_owned();
    api
}

/// The document as committed: pretty JSON with a final newline.
pub fn spec_json() -> Result<String, serde_json::Error> {
    Ok(spec().to_pretty_json()? + "\n")
}

/// Known paths and their methods, to answer 405 (with `Allow`) rather than 404
/// when a path exists but not for the method used.
#[derive(Debug, Clone, Default)]
pub struct RouteTable(Vec<(Vec<String>, Vec<String>)>);

impl RouteTable {
    pub fn from_spec(api: &utoipa::openapi::OpenApi) -> RouteTable {
        let routes = api
            .paths
            .paths
            .iter()
            .map(|(path, item)| (segments(path), methods(item)))
            .collect();
        RouteTable(routes)
    }

    /// The methods allowed on `path`, if any route matches it.
    pub fn allowed(&self, path: &str) -> Option<Vec<String>> {
        let wanted = segments(path);
        let mut allowed: Vec<String> = self
            .0
            .iter()
            .filter(|(pattern, _)| {
                pattern.len() == wanted.len()
                    && pattern
                        .iter()
                        .zip(&wanted)
                        .all(|(p, w)| p.starts_with('{') || p == w)
            })
            .flat_map(|(_, methods)| methods.iter().cloned())
            .collect();
        allowed.sort();
        allowed.dedup();
        (!allowed.is_empty()).then_some(allowed)
    }
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
        assert_eq!(
            table.allowed("/api/v1/auth/login"),
            Some(vec!["POST".to_owned()])
        );
        assert_eq!(
            table.allowed("/api/v1/users/0193a1f4"),
            Some(vec!["GET".to_owned(), "PATCH".to_owned()])
        );
        assert_eq!(table.allowed("/api/v1/nothing"), None);
    }
}
