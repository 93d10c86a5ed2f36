//! Reading a raw request body with a limit of the route's own: photos may
//! be far larger than the JSON bodies `GRIDWORK_MAX_BODY_BYTES` bounds.

use actix_web::HttpRequest;
use actix_web::dev::Payload;
use actix_web::http::header::{self, HeaderMap};
use actix_web::web::{Bytes, BytesMut};
use futures_util::StreamExt;

use super::ApiError;
use super::json::BodyLimit;
use crate::app::ErrorCode;

/// The upload route; its body limit is the photo limit.
pub const UPLOAD_PATH: &str = "/api/v1/attachments";

/// The largest photo accepted (app data; `GRIDWORK_ATTACHMENT_MAX_BYTES`).
#[derive(Debug, Clone, Copy)]
pub struct UploadLimit(pub usize);

/// Room a multipart body needs beyond its file: boundaries and part headers.
pub const MULTIPART_SLACK: usize = 16 * 1024;

/// The body limit of the request's route.
pub fn limit_for(req: &HttpRequest) -> usize {
    if req.path() == UPLOAD_PATH {
        req.app_data::<UploadLimit>()
            .map_or(10 * 1024 * 1024, |l| l.0 + MULTIPART_SLACK)
    } else {
        req.app_data::<BodyLimit>().map_or(262_144, |l| l.0)
    }
}

/// The whole body, or 413 once it passes `limit` (announced or sent).
pub async fn read_limited(
    headers: &HeaderMap,
    payload: &mut Payload,
    limit: usize,
) -> Result<Bytes, ApiError> {
    let announced = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    if announced.is_some_and(|n| n > limit) {
        return Err(ApiError::PayloadTooLarge { limit });
    }
    let mut body = BytesMut::with_capacity(announced.unwrap_or(8192).min(limit));
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| ApiError::BadRequest {
            code: ErrorCode::BadRequest,
            detail: format!("The request body could not be read: {e}"),
        })?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::PayloadTooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}
