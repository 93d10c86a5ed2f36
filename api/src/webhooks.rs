//! Sending webhooks as the Standard Webhooks specification defines them:
//! `webhook-id`, `webhook-timestamp` and `webhook-signature: v1,<base64
//! HMAC-SHA256 of "{id}.{timestamp}.{body}">` under the subscription's
//! `whsec_` secret. The target is resolved and every address checked before
//! each send, and the request goes to the checked addresses only, so a name
//! that resolves elsewhere between the check and the send gains nothing.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use gridwork_domain::webhook::{RefusedTarget, Target, check_addresses};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

/// What the secret of a subscription starts with.
pub const SECRET_PREFIX: &str = "whsec_";

/// A new signing secret: `whsec_` and 24 random bytes in base64.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 24];
    rand::rng().fill_bytes(&mut bytes);
    format!("{SECRET_PREFIX}{}", STANDARD.encode(bytes))
}

/// The `webhook-signature` value for a message; None for a malformed secret.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &str) -> Option<String> {
    let key = STANDARD.decode(secret.strip_prefix(SECRET_PREFIX)?).ok()?;
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key).ok()?;
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    Some(format!(
        "v1,{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

/// The addresses the target resolves to, once every one passed the check.
pub async fn resolve(
    target: &Target,
    allow_private: bool,
) -> Result<Vec<SocketAddr>, RefusedTarget> {
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((target.host(), target.port()))
        .await
        .map_err(|_| RefusedTarget::Unresolved)?
        .collect();
    let ips: Vec<_> = addrs.iter().map(SocketAddr::ip).collect();
    check_addresses(&ips, allow_private)?;
    Ok(addrs)
}

/// How an attempt went.
#[derive(Debug, Clone)]
pub struct Sent {
    /// The receiver's status; None when no answer came.
    pub status: Option<u16>,
    pub error: Option<String>,
    pub duration_ms: i32,
}

impl Sent {
    pub fn succeeded(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }

    pub fn refused(why: &RefusedTarget) -> Sent {
        Sent {
            status: None,
            error: Some(why.to_string()),
            duration_ms: 0,
        }
    }
}

/// One message, as it goes out.
pub struct Message<'a> {
    pub id: &'a str,
    pub timestamp: i64,
    pub body: &'a str,
    pub signature: &'a str,
}

/// POSTs `message` to `target`, reaching only `addrs`; never follows a
/// redirect (it could lead anywhere).
pub async fn send(
    target: &Target,
    addrs: &[SocketAddr],
    message: &Message<'_>,
    timeout: Duration,
) -> Sent {
    let started = Instant::now();
    let elapsed =
        |started: Instant| i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX);
    // TLS for https targets (the same provider the object store uses)
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = match reqwest::Client::builder()
        .resolve_to_addrs(target.host(), addrs)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .build()
    {
        Ok(client) => client,
        Err(e) => {
            return Sent {
                status: None,
                error: Some(format!("client: {e}")),
                duration_ms: 0,
            };
        }
    };
    let result = client
        .post(target.as_str())
        .header("content-type", "application/json")
        .header("user-agent", "Gridwork-Webhooks/1")
        .header("webhook-id", message.id)
        .header("webhook-timestamp", message.timestamp.to_string())
        .header("webhook-signature", message.signature)
        .body(message.body.to_owned())
        .send()
        .await;
    match result {
        Ok(response) => Sent {
            status: Some(response.status().as_u16()),
            error: None,
            duration_ms: elapsed(started),
        },
        Err(e) => Sent {
            status: None,
            error: Some(e.to_string().chars().take(500).collect()),
            duration_ms: elapsed(started),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_follow_the_standard_webhooks_example() {
        // the specification's worked example
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = r#"{"test": 2432232314}"#;
        assert_eq!(
            sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body).as_deref(),
            Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        );
        assert_eq!(sign("no prefix", "id", 1, body), None);
        let fresh = new_secret();
        assert!(fresh.starts_with("whsec_") && sign(&fresh, "id", 1, body).is_some());
        assert_ne!(fresh, new_secret());
    }
}
