//! HTTP manners every resource keeps: `HEAD` wherever `GET` is,
//! `If-None-Match` answered with 304 when the ETag still matches, and the
//! hardening headers on every answer.

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
        // the 200's headers but those describing its body
        let mut answer = HttpResponse::NotModified();
        for (name, value) in res.headers() {
            if !name.as_str().starts_with("content-") {
                answer.append_header((name.clone(), value.clone()));
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

/// The Content-Security-Policy of the Swagger UI under `/docs/`: its own
/// scripts and styles only (it sets inline styles and draws icons as data
/// URIs), talking to this origin alone, never framed.
pub const DOCS_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; \
     form-action 'none'; frame-ancestors 'none'";

/// Middleware: `X-Content-Type-Options: nosniff` on every answer, and
/// `Cache-Control: no-store` on every answer whose handler did not choose a
/// policy itself — API answers hold personal data and must not sit in shared
/// caches; the public placard (`no-cache`) and photo bytes (`private`) choose
/// their own. The Swagger UI's static files keep the defaults of the crate
/// serving them, plus a Content-Security-Policy.
pub async fn hardening(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let docs = req.path().starts_with("/docs");
    let mut res = next.call(req).await?.map_into_boxed_body();
    let headers = res.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        header::HeaderValue::from_static("nosniff"),
    );
    if docs {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            header::HeaderValue::from_static(DOCS_CSP),
        );
    } else if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static("no-store"),
        );
    }
    Ok(res)
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
