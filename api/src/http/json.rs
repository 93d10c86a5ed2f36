//! The JSON body extractor: like actix's, but every refusal names its field.
//! Bodies are parsed to a JSON value first, so that text no database can
//! store (the NUL character) is refused with its field before anything else,
//! and type errors carry their path (`members[2].role`), not a line number.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::ApiError;
use crate::app::{AppError, ErrorCode, FieldCode};

/// A JSON request body of type `T`.
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T> Json<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Json<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

/// The largest accepted body, in bytes (app data; `GRIDWORK_MAX_BODY_BYTES`).
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub usize);

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Json<T>, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_json = req.mime_type().ok().flatten().is_some_and(|mime| {
            mime.subtype() == actix_web::mime::JSON || mime.suffix() == Some(actix_web::mime::JSON)
        });
        let limit = req.app_data::<BodyLimit>().map_or(262_144, |l| l.0);
        let length = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
        let bytes = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if !is_json {
                return Err(ApiError::UnsupportedMediaType);
            }
            if length.is_some_and(|n| n > limit) {
                return Err(ApiError::PayloadTooLarge { limit });
            }
            let bytes = bytes.await.map_err(|e| {
                if e.as_response_error().status_code()
                    == actix_web::http::StatusCode::PAYLOAD_TOO_LARGE
                {
                    ApiError::PayloadTooLarge { limit }
                } else {
                    ApiError::BadRequest {
                        code: ErrorCode::BadRequest,
                        detail: format!("The request body could not be read: {e}"),
                    }
                }
            })?;
            parse(&bytes).map(Json)
        })
    }
}

/// Parses a body: malformed JSON → 400; NUL characters, wrong types,
/// missing or unknown fields → 422 naming the field.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let value: Value = serde_json::from_slice(bytes).map_err(|e| ApiError::BadRequest {
        code: ErrorCode::MalformedJson,
        detail: format!(
            "The body is not valid JSON: {}",
            strip_position(&e.to_string())
        ),
    })?;
    // every body is an object: serde would also read a struct from an array
    if !value.is_object() {
        return Err(AppError::invalid(
            "body",
            FieldCode::Invalid,
            "the body must be a JSON object",
        )
        .into());
    }
    if let Some(field) = nul_field(&value, String::new()) {
        return Err(AppError::invalid(
            &field,
            FieldCode::InvalidCharacter,
            "must not contain the NUL character (U+0000)",
        )
        .into());
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let message = e.inner().to_string();
        let path = e.path().to_string();
        // a missing field is named in the message; its path is the parent's
        let field = match (between(&message, "missing field `", "`"), path.as_str()) {
            (Some(name), ".") => name.to_owned(),
            (Some(name), parent) => format!("{parent}.{name}"),
            (None, ".") => "body".to_owned(),
            (None, _) => path,
        };
        AppError::invalid(&field, FieldCode::Invalid, message).into()
    })
}

/// The path of the first string (or key) holding a NUL character.
fn nul_field(value: &Value, at: String) -> Option<String> {
    let name = |at: &str| {
        if at.is_empty() {
            "body".to_owned()
        } else {
            at.to_owned()
        }
    };
    match value {
        Value::String(s) if s.contains('\0') => Some(name(&at)),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| nul_field(v, format!("{at}[{i}]"))),
        Value::Object(fields) => fields.iter().find_map(|(k, v)| {
            let path = if at.is_empty() {
                k.clone()
            } else {
                format!("{at}.{k}")
            };
            if k.contains('\0') {
                Some(name(&at))
            } else {
                nul_field(v, path)
            }
        }),
        _ => None,
    }
}

pub(super) fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = s.find(start)? + start.len();
    let len = s[from..].find(end)?;
    Some(&s[from..from + len])
}

pub(super) fn strip_position(message: &str) -> &str {
    message.split(" at line ").next().unwrap_or(message)
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        name: String,
        count: Option<i32>,
        tags: Option<Vec<String>>,
    }

    fn field_of(body: &str) -> (u16, String) {
        use actix_web::ResponseError;
        let err = parse::<Body>(body.as_bytes()).unwrap_err();
        let problem = err.to_problem(None, None);
        let field = problem
            .errors
            .and_then(|e| e.first().map(|f| f.field.clone()))
            .unwrap_or_default();
        (err.status_code().as_u16(), field)
    }

    #[test]
    fn refusals_name_their_field() {
        assert_eq!(field_of(r#"{"name": null}"#), (422, "name".into()));
        assert_eq!(field_of(r#"{"count": 1}"#), (422, "name".into()));
        assert_eq!(
            field_of(r#"{"name": "x", "count": 1e10}"#),
            (422, "count".into())
        );
        assert_eq!(
            field_of(r#"{"name": "x", "colour": 1}"#),
            (422, "colour".into())
        );
        assert_eq!(
            field_of(r#"{"name": "x", "tags": ["a", 3]}"#),
            (422, "tags[1]".into())
        );
        assert_eq!(field_of(r#"{"name": "a\u0000b"}"#), (422, "name".into()));
        assert_eq!(
            field_of(r#"{"name": "x", "tags": ["\u0000"]}"#),
            (422, "tags[0]".into())
        );
        assert_eq!(field_of(r#"{"name": "x""#).0, 400);
        assert_eq!(field_of(r#"{"name": "\ud800"}"#).0, 400, "lone surrogate");
        assert_eq!(
            field_of(r#"{"name": "x", "count": 1e999}"#).0,
            400,
            "infinity"
        );
    }
}
