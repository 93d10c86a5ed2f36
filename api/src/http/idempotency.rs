//! Retry-safe writes (draft-ietf-httpapi-idempotency-key-header): the
//! response of a POST as it can be stored and replayed, and the claim on a
//! key that a write completes in its own transaction.

use std::cell::Cell;
use std::rc::Rc;

use actix_web::body::BoxBody;
use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, Responder};
use gridwork_persistence::idempotency::KeyRow;
use serde::Serialize;

use super::ApiError;
use crate::app::AppError;

/// The request header.
pub const HEADER: &str = "idempotency-key";
/// Headers a replay repeats.
const KEPT: [HeaderName; 3] = [header::CONTENT_TYPE, header::LOCATION, header::ETAG];

/// A write's response: status, the headers that matter, body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: Vec<(HeaderName, String)>,
    pub body: Vec<u8>,
    /// What a replay answers instead of `body`, when the first answer held
    /// a secret that must be shown once and never stored.
    pub replay_body: Option<Vec<u8>>,
}

impl Reply {
    pub fn json(status: StatusCode, body: &impl Serialize) -> Result<Reply, AppError> {
        Ok(Reply {
            status,
            headers: vec![(header::CONTENT_TYPE, "application/json".to_owned())],
            body: serde_json::to_vec(body).map_err(|e| AppError::Internal(e.to_string()))?,
            replay_body: None,
        })
    }

    /// Stores `body` for replays instead of the one sent now.
    pub fn replayed_as(mut self, body: &impl Serialize) -> Result<Reply, AppError> {
        self.replay_body =
            Some(serde_json::to_vec(body).map_err(|e| AppError::Internal(e.to_string()))?);
        Ok(self)
    }

    /// The body kept under an `Idempotency-Key`.
    pub fn stored_body(&self) -> Vec<u8> {
        self.replay_body
            .clone()
            .unwrap_or_else(|| self.body.clone())
    }

    /// 201 with `Location` and the new record's ETag.
    pub fn created(
        location: String,
        version: i32,
        body: &impl Serialize,
    ) -> Result<Reply, AppError> {
        Ok(Reply::json(StatusCode::CREATED, body)?
            .header(header::LOCATION, location)
            .header(header::ETAG, super::precondition::etag(version)))
    }

    pub fn header(mut self, name: HeaderName, value: impl Into<String>) -> Reply {
        self.headers.push((name, value.into()));
        self
    }

    /// The stored form of the headers: a JSON object.
    pub fn stored_headers(&self) -> String {
        let map: serde_json::Map<String, serde_json::Value> = self
            .headers
            .iter()
            .filter(|(name, _)| KEPT.contains(name))
            .map(|(name, value)| (name.to_string(), value.clone().into()))
            .collect();
        serde_json::Value::Object(map).to_string()
    }

    /// A reply as stored by a completed key.
    pub fn stored(row: &KeyRow) -> Option<Reply> {
        let status = StatusCode::from_u16(u16::try_from(row.response_status?).ok()?).ok()?;
        let headers: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(row.response_headers.as_deref()?).ok()?;
        Some(Reply {
            status,
            headers: headers
                .into_iter()
                .filter_map(|(k, v)| Some((HeaderName::try_from(k).ok()?, v.as_str()?.to_owned())))
                .collect(),
            body: row.response_body.clone().unwrap_or_default(),
            replay_body: None,
        })
    }
}

impl Responder for Reply {
    type Body = BoxBody;

    fn respond_to(self, _: &HttpRequest) -> HttpResponse {
        let mut builder = HttpResponse::build(self.status);
        for (name, value) in self.headers {
            if let Ok(value) = HeaderValue::from_str(&value) {
                builder.insert_header((name, value));
            }
        }
        builder.body(self.body)
    }
}

/// A key claimed for this request; the write completes it.
#[derive(Debug, Clone)]
pub struct Claim {
    pub row: KeyRow,
    /// Set once the write stored its response under the key.
    pub done: Rc<Cell<bool>>,
}

/// The claim of this request, if it carried a key.
#[derive(Debug, Clone, Default)]
pub struct Idempotent(pub Option<Claim>);

impl FromRequest for Idempotent {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Idempotent, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(Ok(Idempotent(req.extensions().get::<Claim>().cloned())))
    }
}

/// The `Idempotency-Key` header of a POST, for the OpenAPI document.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
pub struct IdempotencyKey {
    /// Makes the POST safe to retry: a retry with the same key and body
    /// replays the first response and changes nothing; the same key with
    /// another body answers 422; while the first request runs, 409. Keys are
    /// per caller and path, kept 7 days by default.
    #[serde(rename = "Idempotency-Key")]
    #[param(min_length = 1, max_length = 255, pattern = "^[\\x21-\\x7E]+$")]
    pub key: Option<String>,
}

/// A key as the draft allows it here: 1–255 visible ASCII characters.
pub fn valid_key(key: &str) -> bool {
    (1..=255).contains(&key.len()) && key.bytes().all(|b| (0x21..=0x7e).contains(&b))
}
