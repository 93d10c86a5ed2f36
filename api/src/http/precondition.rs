//! ETags (`"<version>"`), `If-Match`, and `201 Created` with `Location`.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, HttpResponse, HttpResponseBuilder};
use serde::Serialize;

use super::ApiError;
use crate::app::Expected;

/// The ETag of a record version: `"<version>"`.
pub fn etag(version: i32) -> String {
    format!("\"{version}\"")
}

/// The `If-Match` header of a write, for the OpenAPI document.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
pub struct IfMatchHeader {
    /// The `ETag` of the version read (`"3"`), or a list of them, or `*`:
    /// the write applies only to that version, else 412.
    #[serde(rename = "If-Match")]
    #[param(max_length = 1024, example = "\"3\"")]
    pub if_match: Option<String>,
}

/// The longest `If-Match` read; beyond, 400.
const IF_MATCH_MAX: usize = 1024;

/// 400 for an `If-Match` longer than the document allows; the idempotency
/// layer asks before it replays, so a retry is refused as the first try was.
pub fn check_length(headers: &header::HeaderMap) -> Result<(), ApiError> {
    match headers.get(header::IF_MATCH) {
        Some(value) if value.len() > IF_MATCH_MAX => Err(ApiError::BadRequest {
            code: crate::app::ErrorCode::BadRequest,
            detail: format!("`If-Match` is longer than {IF_MATCH_MAX} bytes."),
        }),
        _ => Ok(()),
    }
}

/// `If-Match` as the versions a write may apply to. Absent or `*`: any.
/// Tags that name no version (malformed, or from elsewhere) match nothing.
pub struct IfMatch(pub Expected);

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = Ready<Result<IfMatch, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let Some(value) = req.headers().get(header::IF_MATCH) else {
            return ready(Ok(IfMatch(Expected::Any)));
        };
        if let Err(refusal) = check_length(req.headers()) {
            return ready(Err(refusal));
        }
        let tags: Vec<&str> = value
            .to_str()
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .collect();
        let expected = if tags.contains(&"*") {
            Expected::Any
        } else {
            Expected::Versions(
                tags.iter()
                    .filter_map(|t| {
                        t.trim_start_matches("W/")
                            .strip_prefix('"')?
                            .strip_suffix('"')?
                            .parse()
                            .ok()
                    })
                    .collect(),
            )
        };
        ready(Ok(IfMatch(expected)))
    }
}

/// A JSON answer carrying the record's version as its ETag.
pub fn with_etag(
    mut builder: HttpResponseBuilder,
    version: i32,
    body: &impl Serialize,
) -> HttpResponse {
    builder
        .insert_header((header::ETAG, etag(version)))
        .json(body)
}

/// 201 Created with `Location` naming the new record.
pub fn created(location: &str) -> HttpResponseBuilder {
    let mut builder = HttpResponse::Created();
    builder.insert_header((header::LOCATION, location.to_owned()));
    builder
}
