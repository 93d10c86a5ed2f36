//! Every error leaves as RFC 9457 `application/problem+json` with a stable
//! `code`. Handlers return `ApiError`; the `render_problems` middleware turns
//! any error response (ours or actix's) into the final problem body carrying
//! the request id, so no path can leak a plain-text or HTML error.

use std::fmt;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::http::{StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::request_id::RequestId;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// An RFC 9457 problem document.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "/problems/validation_failed",
    "title": "Unprocessable Content",
    "status": 422,
    "code": "validation_failed",
    "detail": "The request has invalid fields.",
    "instance": "/api/v1/users",
    "request_id": "0193a1f4-7c9e-7d21-9a1b-3f4e5d6c7b8a",
    "errors": [{"field": "password", "code": "too_short", "message": "must be at least 8 characters long"}]
}))]
pub struct Problem {
    /// A URI reference naming the problem type: `/problems/{code}`.
    #[serde(rename = "type")]
    pub type_: String,
    /// Short summary of the HTTP status.
    pub title: String,
    pub status: u16,
    /// Stable machine-readable code; clients branch on this.
    pub code: String,
    /// Human-readable explanation of this occurrence.
    pub detail: String,
    /// The request path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// Same as the `X-Request-Id` response header; quote it when reporting a problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Per-field validation errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
    /// For conflicts: each thing that stands in the way.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reasons: Option<Vec<Reason>>,
}

/// One obstacle of a 409 answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Reason {
    /// Stable machine-readable code, e.g. `missing_grid_leader`, `has_children`.
    pub code: String,
    pub message: String,
    /// The record concerned, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// The request field (JSON name or query parameter).
    pub field: String,
    /// Stable machine-readable reason.
    pub code: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, code: &str, message: impl fmt::Display) -> FieldError {
        FieldError {
            field: field.to_owned(),
            code: code.to_owned(),
            message: message.to_string(),
        }
    }
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("{detail}")]
    BadRequest { code: &'static str, detail: String },
    #[error("{detail}")]
    Unauthorized { code: &'static str, detail: String },
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed { allow: Vec<String> },
    #[error("{detail}")]
    Conflict {
        code: &'static str,
        detail: String,
        /// What stands in the way, one entry each (e.g. a placard's missing roles).
        reasons: Vec<Reason>,
    },
    #[error("precondition failed")]
    PreconditionFailed,
    #[error("payload too large")]
    PayloadTooLarge { limit: usize },
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("{detail}")]
    TooManyRequests {
        code: &'static str,
        detail: String,
        retry_after_secs: u64,
    },
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// Logged in full where it happens; the client sees only the request id.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    pub fn validation(field: &str, code: &str, message: impl fmt::Display) -> ApiError {
        ApiError::Validation(vec![FieldError::new(field, code, message)])
    }

    pub fn unauthorized(code: &'static str, detail: impl Into<String>) -> ApiError {
        ApiError::Unauthorized {
            code,
            detail: detail.into(),
        }
    }

    pub fn conflict_because(
        code: &'static str,
        detail: impl Into<String>,
        reasons: Vec<Reason>,
    ) -> ApiError {
        ApiError::Conflict {
            code,
            detail: detail.into(),
            reasons,
        }
    }

    pub fn conflict(code: &'static str, detail: impl Into<String>) -> ApiError {
        ApiError::Conflict {
            code,
            detail: detail.into(),
            reasons: Vec::new(),
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Validation(_) => "validation_failed",
            ApiError::BadRequest { code, .. }
            | ApiError::Unauthorized { code, .. }
            | ApiError::Conflict { code, .. }
            | ApiError::TooManyRequests { code, .. } => code,
            ApiError::Forbidden => "forbidden",
            ApiError::NotFound => "not_found",
            ApiError::MethodNotAllowed { .. } => "method_not_allowed",
            ApiError::PreconditionFailed => "precondition_failed",
            ApiError::PayloadTooLarge { .. } => "payload_too_large",
            ApiError::UnsupportedMediaType => "unsupported_media_type",
            ApiError::Unavailable(_) => "service_unavailable",
            ApiError::Internal(_) => "internal_error",
        }
    }

    fn detail(&self) -> String {
        match self {
            ApiError::Validation(_) => "The request has invalid fields; see `errors`.".into(),
            ApiError::BadRequest { detail, .. }
            | ApiError::Unauthorized { detail, .. }
            | ApiError::Conflict { detail, .. }
            | ApiError::TooManyRequests { detail, .. } => detail.clone(),
            ApiError::Forbidden => "Your roles do not allow this operation.".into(),
            ApiError::NotFound => "No such resource.".into(),
            ApiError::MethodNotAllowed { allow } => {
                format!("This resource allows only: {}.", allow.join(", "))
            }
            ApiError::PreconditionFailed => {
                "The resource changed since you read it (If-Match does not match its ETag); read it again and retry.".into()
            }
            ApiError::PayloadTooLarge { limit: 0 } => "The request body is too large.".into(),
            ApiError::PayloadTooLarge { limit } => {
                format!("The request body is larger than the limit of {limit} bytes.")
            }
            ApiError::UnsupportedMediaType => {
                "The request body must be JSON with `Content-Type: application/json`.".into()
            }
            ApiError::Unavailable(_) => {
                "The database is unavailable or busy; retry shortly.".into()
            }
            ApiError::Internal(_) => {
                "An unexpected error occurred; it has been logged under this request id.".into()
            }
        }
    }

    pub fn to_problem(&self, instance: Option<String>, request_id: Option<String>) -> Problem {
        let status = self.status_code();
        Problem {
            type_: format!("/problems/{}", self.code()),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            code: self.code().to_owned(),
            detail: self.detail(),
            instance,
            request_id,
            errors: match self {
                ApiError::Validation(errors) => Some(errors.clone()),
                _ => None,
            },
            reasons: match self {
                ApiError::Conflict { reasons, .. } if !reasons.is_empty() => Some(reasons.clone()),
                _ => None,
            },
        }
    }

    fn render(&self, instance: Option<String>, request_id: Option<String>) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CONTENT_TYPE, PROBLEM_JSON));
        match self {
            ApiError::Unauthorized { code, .. } => {
                let error = if *code == "missing_token" {
                    ""
                } else {
                    ", error=\"invalid_token\""
                };
                response.insert_header((
                    header::WWW_AUTHENTICATE,
                    format!("Bearer realm=\"gridwork\"{error}"),
                ));
            }
            ApiError::MethodNotAllowed { allow } => {
                response.insert_header((header::ALLOW, allow.join(", ")));
            }
            ApiError::TooManyRequests {
                retry_after_secs, ..
            } => {
                response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            ApiError::Unavailable(_) => {
                response.insert_header((header::RETRY_AFTER, "5"));
            }
            _ => {}
        }
        match serde_json::to_vec(&self.to_problem(instance, request_id)) {
            Ok(body) => response.body(body),
            Err(_) => response.finish(),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        self.render(None, None)
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> ApiError {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => ApiError::NotFound,
            // SQLite answers "database is locked" after busy_timeout; PostgreSQL
            // serialization failures are likewise worth a retry
            Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => {
                ApiError::Unavailable(e.to_string())
            }
            Error::DatabaseError(_, ref info) if info.message().contains("database is locked") => {
                ApiError::Unavailable(e.to_string())
            }
            Error::DatabaseError(DatabaseErrorKind::ClosedConnection, _) => {
                ApiError::Unavailable(e.to_string())
            }
            // a uniqueness or reference rule the handler checked was broken by
            // a concurrent request between its check and its write
            Error::DatabaseError(
                DatabaseErrorKind::UniqueViolation | DatabaseErrorKind::ForeignKeyViolation,
                _,
            ) => ApiError::conflict(
                "concurrent_change",
                "Another request changed the same records at the same moment; read them again and retry.",
            ),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl From<r2d2::Error> for ApiError {
    fn from(e: r2d2::Error) -> ApiError {
        ApiError::Unavailable(e.to_string())
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(e: actix_web::error::BlockingError) -> ApiError {
        ApiError::Unavailable(e.to_string())
    }
}

impl From<validator::ValidationErrors> for ApiError {
    fn from(errors: validator::ValidationErrors) -> ApiError {
        let mut fields: Vec<FieldError> = errors
            .field_errors()
            .into_iter()
            .flat_map(|(field, errs)| {
                errs.iter().map(move |e| {
                    let message = e
                        .message
                        .as_ref()
                        .map_or_else(|| e.code.to_string(), |m| m.to_string());
                    FieldError::new(field.as_ref(), &e.code, message)
                })
            })
            .collect();
        fields.sort_by(|a, b| a.field.cmp(&b.field));
        ApiError::Validation(fields)
    }
}

/// Body-extraction failures: wrong content type → 415, too large → 413,
/// broken JSON → 400, JSON of the wrong shape → 422 naming the field.
pub fn json_error(err: JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let api = match &err {
        JsonPayloadError::ContentType => ApiError::UnsupportedMediaType,
        JsonPayloadError::OverflowKnownLength { limit, .. }
        | JsonPayloadError::Overflow { limit } => ApiError::PayloadTooLarge { limit: *limit },
        JsonPayloadError::Deserialize(e) if e.is_data() => {
            let message = e.to_string();
            let field = between(&message, "field `", "`").unwrap_or("body");
            ApiError::validation(field, "invalid", strip_position(&message))
        }
        JsonPayloadError::Deserialize(e) => ApiError::BadRequest {
            code: "malformed_json",
            detail: format!(
                "The body is not valid JSON: {}",
                strip_position(&e.to_string())
            ),
        },
        other => ApiError::BadRequest {
            code: "bad_request",
            detail: format!("The request body could not be read: {other}"),
        },
    };
    api.into()
}

pub fn query_error(err: QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let message = err.to_string();
    let field = between(&message, "field `", "`").unwrap_or("query");
    ApiError::validation(
        field,
        "invalid",
        message.trim_start_matches("Query deserialize error: "),
    )
    .into()
}

pub fn path_error(_err: PathError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::NotFound.into()
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = s.find(start)? + start.len();
    let len = s[from..].find(end)?;
    Some(&s[from..from + len])
}

fn strip_position(message: &str) -> &str {
    message.split(" at line ").next().unwrap_or(message)
}

/// Middleware: re-renders every error response as problem+json with the
/// request id and path. Errors raised by actix itself (not `ApiError`) keep
/// their status and get a code derived from it.
pub async fn render_problems(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let request_id = req.extensions().get::<RequestId>().map(|id| id.to_string());
    let path = req.path().to_owned();
    let res = match next.call(req).await {
        Ok(res) => res,
        Err(err) => {
            // an error escaping the service: still answer with a problem
            let api = api_error_of(&err);
            return Err(actix_web::error::InternalError::from_response(
                err,
                api.render(Some(path), request_id),
            )
            .into());
        }
    };
    let Some(err) = res.response().error() else {
        return Ok(res.map_into_boxed_body());
    };
    let api = api_error_of(err);
    match &api {
        ApiError::Internal(detail) => tracing::error!(error = %detail, "internal error"),
        // the client gets a generic 503; the log keeps the backend's own words
        ApiError::Unavailable(detail) => tracing::warn!(error = %detail, "database unavailable"),
        _ => {}
    }
    let rendered = api.render(Some(path), request_id);
    Ok(res.into_response(rendered))
}

fn api_error_of(err: &actix_web::Error) -> ApiError {
    if let Some(api) = err.as_error::<ApiError>() {
        return api.clone();
    }
    let status = err.as_response_error().status_code();
    match status {
        StatusCode::NOT_FOUND => ApiError::NotFound,
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge { limit: 0 },
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::UnsupportedMediaType,
        s if s.is_client_error() => ApiError::BadRequest {
            code: "bad_request",
            detail: err.to_string(),
        },
        s if s == StatusCode::SERVICE_UNAVAILABLE => ApiError::Unavailable(err.to_string()),
        _ => ApiError::Internal(err.to_string()),
    }
}
