//! HTTP manners every resource keeps: `HEAD` wherever `GET` is, and
//! `If-None-Match` answered with 304 when the ETag still matches.

use actix_web::HttpResponse;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode, header};
use actix_web::middleware::Next;

/// Middleware: serves `HEAD` as `GET` without the body, and turns a `200`
/// whose `ETag` the client already holds (`If-None-Match`) into `304`.
pub async fn head_and_conditional(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let head = req.method() == Method::HEAD;
    if head {
        req.head_mut().method = Method::GET;
    }
    let cached = matches!(*req.method(), Method::GET)
        .then(|| req.headers().get(header::IF_NONE_MATCH).cloned())
        .flatten();
    let res = next.call(req).await?;
    let not_modified = res.status() == StatusCode::OK
        && cached
            .as_ref()
            .and_then(|v| v.to_str().ok())
            .zip(
                res.headers()
                    .get(header::ETAG)
                    .and_then(|v| v.to_str().ok()),
            )
            .is_some_and(|(wanted, etag)| matches_any(wanted, etag));
    if not_modified {
        let mut answer = HttpResponse::NotModified();
        for name in [header::ETAG, header::CACHE_CONTROL, header::VARY] {
            if let Some(value) = res.headers().get(&name) {
                answer.insert_header((name, value.clone()));
            }
        }
        return Ok(res.into_response(answer.finish()));
    }
    if head {
        // the headers of the GET, with its length, and no body
        let length = match res.response().body().size() {
            actix_web::body::BodySize::Sized(n) => Some(n),
            _ => None,
        };
        let (req, response) = res.into_parts();
        let mut response = response.set_body(BoxBody::new(()));
        if let Some(n) = length {
            response
                .headers_mut()
                .insert(header::CONTENT_LENGTH, header::HeaderValue::from(n));
        }
        return Ok(ServiceResponse::new(req, response));
    }
    Ok(res.map_into_boxed_body())
}

/// Weak comparison (RFC 9110 §13.1.2): `*`, or any listed tag equal to `etag`
/// once `W/` prefixes are dropped.
fn matches_any(wanted: &str, etag: &str) -> bool {
    let etag = etag.trim_start_matches("W/");
    wanted
        .split(',')
        .map(str::trim)
        .any(|tag| tag == "*" || tag.trim_start_matches("W/") == etag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_comparison_ignores_the_weak_prefix() {
        assert!(matches_any("\"3\"", "\"3\""));
        assert!(matches_any("W/\"3\"", "\"3\""));
        assert!(matches_any("\"1\", \"3\"", "\"3\""));
        assert!(matches_any("*", "\"3\""));
        assert!(!matches_any("\"2\"", "\"3\""));
        assert!(!matches_any("3", "\"3\""));
    }
}
