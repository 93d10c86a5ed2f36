//! `X-Request-Id`: taken from the client when it is a sane token, generated
//! (UUIDv7) otherwise, echoed on the response, and carried by every log line
//! and problem body of the request.

use std::fmt;
use std::future::{Ready, ready};

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest};

pub const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(String);

impl RequestId {
    /// Accepts 1–128 characters of `[A-Za-z0-9._:-]`; anything else is replaced
    /// so a client cannot inject text into logs.
    fn from_header(value: Option<&HeaderValue>) -> RequestId {
        value
            .and_then(|v| v.to_str().ok())
            .filter(|v| {
                (1..=128).contains(&v.len())
                    && v.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "._:-".contains(c))
            })
            .map_or_else(
                || RequestId(uuid::Uuid::now_v7().to_string()),
                |v| RequestId(v.to_owned()),
            )
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

pub async fn assign(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = RequestId::from_header(req.headers().get(X_REQUEST_ID));
    let header = HeaderValue::from_str(id.as_str()).ok();
    req.extensions_mut().insert(id);
    let mut res = next.call(req).await?;
    if let Some(header) = header {
        res.headers_mut().insert(X_REQUEST_ID, header);
    }
    Ok(res)
}

impl FromRequest for RequestId {
    type Error = actix_web::Error;
    type Future = Ready<Result<RequestId, actix_web::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let id = req.extensions().get::<RequestId>().cloned();
        ready(Ok(id.unwrap_or_else(|| RequestId::from_header(None))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sane_ids_are_kept_and_others_replaced() {
        let keep = HeaderValue::from_static("courier-app:42.7");
        assert_eq!(
            RequestId::from_header(Some(&keep)).as_str(),
            "courier-app:42.7"
        );
        let inject = HeaderValue::from_static("x\" level=error msg=\"forged");
        assert_ne!(
            RequestId::from_header(Some(&inject)).as_str(),
            inject.to_str().unwrap()
        );
        let long = HeaderValue::from_str(&"a".repeat(129)).unwrap();
        assert_eq!(RequestId::from_header(Some(&long)).as_str().len(), 36);
        assert_eq!(RequestId::from_header(None).as_str().len(), 36);
    }
}
