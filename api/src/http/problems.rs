//! The problem responses operations document, declared once and named in
//! each handler's `responses(...)`: `doc::ReadOne`, `doc::Create`, ….

use std::collections::BTreeMap;

use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::{ContentBuilder, Header, ObjectBuilder, Ref, RefOr, Type};

use super::error::PROBLEM_JSON;

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
    BadRequest => "Malformed request: the body is not valid JSON (`malformed_json`), an unknown query parameter (`unknown_parameter`), a cursor the server did not issue (`invalid_cursor`), or a malformed `Idempotency-Key` (`invalid_idempotency_key`).";
    Unauthorized => "Missing, malformed, forged or expired access token (`missing_token`, `invalid_token`, `token_expired`), or bad credentials.", header "WWW-Authenticate": "Bearer challenge";
    Forbidden => "The caller's roles do not allow this operation (`forbidden`), or an administrator set the account's password and its holder has not chosen their own yet (`password_change_required`: only `GET /api/v1/me` and `POST /api/v1/me/password` answer until then), a credential of the wrong kind (`wrong_credential`: an integrator key outside the integration operations, an account's token on them), a rider token outside reporting and following its own cases (`rider_token_restricted`), or an integrator without the scope (`integrator_scope_missing`).";
    NotFound => "No such resource, or it lies outside the caller's scope (`not_found`).";
    Gone => "The sync cursor no longer works (`sync_cursor_expired`): the caller's scope (an assignment, a role, a department) or the kinds asked for changed since it was issued, or it went unused longer than the server keeps deletions. Sync again without `since`.";
    Conflict => "The request conflicts with the current state (for example `username_taken`, `grid_not_empty`, `placard_not_ready`, `concurrent_change`, `idempotency_key_in_use`; `reasons` lists what stands in the way).";
    PreconditionFailed => "`If-Match` does not match the resource's current ETag (`precondition_failed`).";
    PayloadTooLarge => "The request body exceeds the configured limit (`payload_too_large`).";
    UnsupportedMediaType => "The body is not `application/json` (`unsupported_media_type`).";
    NotAnImage => "The upload is not a JPEG, PNG or WebP image, or the image is damaged (`unsupported_media_type`).";
    UnprocessableContent => "Invalid fields (`validation_failed`); `errors` lists each field, code and message.";
    TooManyRequests => "Over the rate limit (`rate_limited`), or too many failed logins (`account_locked`).", header "Retry-After": "seconds to wait before retrying";
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
    /// Reading one record by a key the path must spell (an enum, a number).
    ReadKeyed = ["401" => Unauthorized, "404" => NotFound, "422" => UnprocessableContent, "503" => ServiceUnavailable];
    /// A keyset-paged list.
    List = ["401" => Unauthorized, "422" => UnprocessableContent, "503" => ServiceUnavailable];
    /// A keyset-paged list below a record in scope.
    ListUnder = ["401" => Unauthorized, "404" => NotFound, "422" => UnprocessableContent, "503" => ServiceUnavailable];
    /// A keyset-paged list below a record in scope that only some who see
    /// the record may read.
    ListUnderGuarded = [
        "401" => Unauthorized, "403" => Forbidden, "404" => NotFound,
        "422" => UnprocessableContent, "503" => ServiceUnavailable
    ];
    /// Creating a record from a JSON body.
    Create = [
        "400" => BadRequest, "401" => Unauthorized, "403" => Forbidden, "409" => Conflict,
        "413" => PayloadTooLarge, "415" => UnsupportedMediaType, "422" => UnprocessableContent,
        "503" => ServiceUnavailable
    ];
    /// Creating a record under another (`/enterprises/{id}/visits`).
    CreateUnder = [
        "400" => BadRequest, "401" => Unauthorized, "403" => Forbidden, "404" => NotFound,
        "409" => Conflict, "413" => PayloadTooLarge, "415" => UnsupportedMediaType,
        "422" => UnprocessableContent, "503" => ServiceUnavailable
    ];
    /// Changing a record in scope from a JSON body, with `If-Match`.
    Update = [
        "400" => BadRequest, "401" => Unauthorized, "403" => Forbidden, "404" => NotFound,
        "409" => Conflict, "412" => PreconditionFailed, "413" => PayloadTooLarge,
        "415" => UnsupportedMediaType, "422" => UnprocessableContent, "503" => ServiceUnavailable
    ];
    /// A command on a period named in the path, without a body.
    PeriodAction = [
        "401" => Unauthorized, "403" => Forbidden, "409" => Conflict,
        "422" => UnprocessableContent, "503" => ServiceUnavailable
    ];
    /// Removing a link under a record in scope.
    Remove = [
        "401" => Unauthorized, "403" => Forbidden, "404" => NotFound, "503" => ServiceUnavailable
    ];
    /// A state change of a record in scope, without a body.
    Action = [
        "401" => Unauthorized, "403" => Forbidden, "404" => NotFound, "409" => Conflict,
        "503" => ServiceUnavailable
    ];
}
