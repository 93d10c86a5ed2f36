//! What every handler shares about HTTP: errors as problem documents,
//! paging, ETags and preconditions, the request id, logging spans, and the
//! problem responses the OpenAPI document names.

pub mod body;
pub mod error;
pub mod idempotency;
pub mod json;
pub mod manners;
pub mod paging;
pub mod precondition;
pub mod problems;
pub mod query;
pub mod request_id;
pub mod telemetry;

pub use error::ApiError;

/// The base path of the API.
pub const API_PREFIX: &str = "/api/v1";

/// The client's address: the peer, or behind a trusted proxy the address it
/// forwarded — only if it is an IP address, so nothing else is recorded.
pub fn client_ip(req: &actix_web::HttpRequest, trust_proxy: bool) -> Option<std::net::IpAddr> {
    if trust_proxy {
        let info = req.connection_info();
        let addr = info.realip_remote_addr()?;
        addr.parse()
            .ok()
            .or_else(|| addr.parse::<std::net::SocketAddr>().ok().map(|a| a.ip()))
    } else {
        req.peer_addr().map(|a| a.ip())
    }
}
