//! Every error leaves as RFC 9457 `application/problem+json` with a stable
//! `code`. Handlers return `ApiError` (mostly an `AppError` of a command);
//! the `render_problems` middleware turns
//! any error response (ours or actix's) into the final problem body carrying
//! the request id, so no path can leak a plain-text or HTML error.

use std::fmt;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::{PathError, QueryPayloadError};
use actix_web::http::{StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use super::json::between;
use super::request_id::RequestId;
use crate::app::error::clip;
use crate::app::{AppError, ErrorCode, FieldCode, FieldError, Reason};

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
    #[schema(max_length = 64, pattern = "^/problems/[a-z_]+$")]
    pub type_: String,
    /// Short summary of the HTTP status.
    #[schema(max_length = 64)]
    pub title: String,
    pub status: u16,
    pub code: ErrorCode,
    /// Human-readable explanation of this occurrence.
    #[schema(max_length = 2000)]
    pub detail: String,
    /// The request path.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 2048)]
    pub instance: Option<String>,
    /// Same as the `X-Request-Id` response header; quote it when reporting a problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 128)]
    pub request_id: Option<String>,
    /// Per-field validation errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_items = 50)]
    pub errors: Option<Vec<FieldError>>,
    /// For conflicts: each thing that stands in the way.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_items = 200)]
    pub reasons: Option<Vec<Reason>>,
}

/// An error answer: what a command refused, or what HTTP itself refuses
/// before any command runs.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    App(#[from] AppError),
    #[error("{detail}")]
    BadRequest { code: ErrorCode, detail: String },
    #[error("{detail}")]
    Unauthorized { code: ErrorCode, detail: String },
    #[error("method not allowed")]
    MethodNotAllowed { allow: Vec<String> },
    #[error("payload too large")]
    PayloadTooLarge { limit: usize },
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// An upload that is no photo the server takes (why, in words).
    #[error("{0}")]
    NotAnImage(String),
}

impl ApiError {
    pub fn validation(field: &str, code: FieldCode, message: impl fmt::Display) -> ApiError {
        AppError::invalid(field, code, message).into()
    }

    pub fn unauthorized(code: ErrorCode, detail: impl Into<String>) -> ApiError {
        ApiError::Unauthorized {
            code,
            detail: detail.into(),
        }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            ApiError::App(app) => match app {
                AppError::Invalid(_) => ErrorCode::ValidationFailed,
                AppError::Unauthenticated { code, .. }
                | AppError::Conflict { code, .. }
                | AppError::Refused { code, .. }
                | AppError::Gone { code, .. } => *code,
                AppError::Forbidden => ErrorCode::Forbidden,
                AppError::NotFound => ErrorCode::NotFound,
                AppError::Stale => ErrorCode::PreconditionFailed,
                AppError::Throttled { code, .. } => *code,
                AppError::Unavailable(_) => ErrorCode::ServiceUnavailable,
                AppError::Internal(_) => ErrorCode::InternalError,
            },
            ApiError::BadRequest { code, .. } | ApiError::Unauthorized { code, .. } => *code,
            ApiError::MethodNotAllowed { .. } => ErrorCode::MethodNotAllowed,
            ApiError::PayloadTooLarge { .. } => ErrorCode::PayloadTooLarge,
            ApiError::UnsupportedMediaType | ApiError::NotAnImage(_) => {
                ErrorCode::UnsupportedMediaType
            }
        }
    }

    fn detail(&self) -> String {
        match self {
            ApiError::App(app) => match app {
                AppError::Invalid(_) => "The request has invalid fields; see `errors`.".into(),
                AppError::Unauthenticated { detail, .. }
                | AppError::Conflict { detail, .. }
                | AppError::Refused { detail, .. }
                | AppError::Gone { detail, .. } => detail.clone(),
                AppError::Forbidden => "Your roles do not allow this operation.".into(),
                AppError::NotFound => "No such resource.".into(),
                AppError::Stale => {
                    "The resource changed since you read it (If-Match does not match its ETag); read it again and retry.".into()
                }
                AppError::Throttled {
                    code: ErrorCode::AccountLocked,
                    ..
                } => "Too many failed logins: this account is temporarily locked.".into(),
                AppError::Throttled { .. } => {
                    "Too many requests: wait `Retry-After` seconds, then retry.".into()
                }
                AppError::Unavailable(_) => {
                    "The database is unavailable or busy; retry shortly.".into()
                }
                AppError::Internal(_) => {
                    "An unexpected error occurred; it has been logged under this request id.".into()
                }
            },
            ApiError::BadRequest { detail, .. } | ApiError::Unauthorized { detail, .. } => {
                detail.clone()
            }
            ApiError::MethodNotAllowed { allow } => {
                format!("This resource allows only: {}.", allow.join(", "))
            }
            ApiError::PayloadTooLarge { limit: 0 } => "The request body is too large.".into(),
            ApiError::PayloadTooLarge { limit } => {
                format!("The request body is larger than the limit of {limit} bytes.")
            }
            ApiError::UnsupportedMediaType => {
                "The request body must be JSON with `Content-Type: application/json`.".into()
            }
            ApiError::NotAnImage(why) => {
                format!("The upload is {why}: send a JPEG, PNG or WebP photo.")
            }
        }
    }

    pub fn to_problem(&self, instance: Option<String>, request_id: Option<String>) -> Problem {
        let status = self.status_code();
        let code = self.code();
        Problem {
            type_: format!("/problems/{code}"),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            code,
            detail: clip(&self.detail(), 2000),
            instance: instance.map(|path| clip(&path, 2048)),
            request_id,
            errors: match self {
                // as many as the spec promises: a body cannot have more fields
                ApiError::App(AppError::Invalid(errors)) => {
                    Some(errors.iter().take(50).cloned().collect())
                }
                _ => None,
            },
            reasons: match self {
                ApiError::App(AppError::Conflict { reasons, .. }) if !reasons.is_empty() => {
                    Some(reasons.iter().take(200).cloned().collect())
                }
                _ => None,
            },
        }
    }

    fn render(&self, instance: Option<String>, request_id: Option<String>) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CONTENT_TYPE, PROBLEM_JSON));
        match self {
            ApiError::Unauthorized { code, .. }
            | ApiError::App(AppError::Unauthenticated { code, .. }) => {
                let error = if *code == ErrorCode::MissingToken {
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
            ApiError::App(AppError::Throttled {
                retry_after_secs, ..
            }) => {
                response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            ApiError::App(AppError::Unavailable(_)) => {
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
            ApiError::App(app) => match app {
                AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
                AppError::Unauthenticated { .. } => StatusCode::UNAUTHORIZED,
                AppError::Forbidden | AppError::Refused { .. } => StatusCode::FORBIDDEN,
                AppError::NotFound => StatusCode::NOT_FOUND,
                AppError::Conflict { .. } => StatusCode::CONFLICT,
                AppError::Gone { .. } => StatusCode::GONE,
                AppError::Stale => StatusCode::PRECONDITION_FAILED,
                AppError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
                AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
                AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            },
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType | ApiError::NotAnImage(_) => {
                StatusCode::UNSUPPORTED_MEDIA_TYPE
            }
        }
    }

    fn error_response(&self) -> HttpResponse {
        self.render(None, None)
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(e: actix_web::error::BlockingError) -> ApiError {
        AppError::Unavailable(e.to_string()).into()
    }
}

impl From<validator::ValidationErrors> for ApiError {
    fn from(errors: validator::ValidationErrors) -> ApiError {
        AppError::from(errors).into()
    }
}

pub fn query_error(err: QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let message = err.to_string();
    let field = between(&message, "field `", "`").unwrap_or("query");
    ApiError::validation(
        field,
        FieldCode::Invalid,
        message.trim_start_matches("Query deserialize error: "),
    )
    .into()
}

/// A path segment that cannot be what the route takes (an id with a control
/// character, say) answers 422 naming the segment.
pub fn path_error(err: PathError, req: &HttpRequest) -> actix_web::Error {
    let name = req
        .match_info()
        .iter()
        .next()
        .map_or("path", |(name, _)| name)
        .to_owned();
    let message = match &err {
        PathError::Deserialize(e) => e.to_string(),
        other => other.to_string(),
    };
    ApiError::validation(&name, FieldCode::Invalid, message).into()
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
        ApiError::App(AppError::Internal(detail)) => {
            tracing::error!(error = %detail, "internal error");
        }
        // the client gets a generic 503; the log keeps the backend's own words
        ApiError::App(AppError::Unavailable(detail)) => {
            tracing::warn!(error = %detail, "database unavailable");
        }
        _ => {}
    }
    let mut rendered = api.render(Some(path), request_id);
    // headers the error's source set (rate limits, say) stay; the body's own are new
    for (name, value) in res.headers() {
        let body_header = [
            header::CONTENT_TYPE,
            header::CONTENT_LENGTH,
            header::CONTENT_ENCODING,
        ]
        .contains(name);
        if !body_header && !rendered.headers().contains_key(name) {
            rendered.headers_mut().insert(name.clone(), value.clone());
        }
    }
    Ok(res.into_response(rendered))
}

fn api_error_of(err: &actix_web::Error) -> ApiError {
    if let Some(api) = err.as_error::<ApiError>() {
        return api.clone();
    }
    let status = err.as_response_error().status_code();
    match status {
        StatusCode::NOT_FOUND => AppError::NotFound.into(),
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge { limit: 0 },
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::UnsupportedMediaType,
        s if s.is_client_error() => ApiError::BadRequest {
            code: ErrorCode::BadRequest,
            detail: err.to_string(),
        },
        s if s == StatusCode::SERVICE_UNAVAILABLE => AppError::Unavailable(err.to_string()).into(),
        _ => AppError::Internal(err.to_string()).into(),
    }
}
