//! Rate limits (the `governor` crate): a quota per account for callers with a
//! valid token, one per integrator key, and one per client address for
//! everything else under `/api/`. Over the quota: 429 problem+json with `Retry-After`. Every
//! answer carries the IETF `RateLimit-Policy` and `RateLimit` headers. Limits
//! are kept in memory: each server instance counts on its own.

use std::num::NonZeroU32;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web;
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

use crate::app::{AppError, ErrorCode};
use crate::http::ApiError;
use crate::state::{AppState, Credential};

type Limiter =
    RateLimiter<String, DefaultKeyedStateStore<String>, DefaultClock, StateInformationMiddleware>;

/// One quota: `per_minute` requests, all of which may come at once.
pub struct Policy {
    name: &'static str,
    per_minute: u32,
    limiter: Limiter,
}

impl Policy {
    fn new(name: &'static str, per_minute: u32) -> Policy {
        let n = NonZeroU32::new(per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
        Policy {
            name,
            per_minute: n.get(),
            limiter: RateLimiter::keyed(Quota::per_minute(n))
                .with_middleware::<StateInformationMiddleware>(),
        }
    }

    /// `RateLimit-Policy: "caller";q=600;w=60`
    fn policy_header(&self) -> String {
        format!("\"{}\";q={};w=60", self.name, self.per_minute)
    }

    /// `RateLimit: "caller";r=599;t=1` — requests left, seconds until the
    /// quota is whole again.
    fn state_header(&self, remaining: u32) -> String {
        let used = self.per_minute.saturating_sub(remaining);
        let reset = (u64::from(used) * 60).div_ceil(u64::from(self.per_minute));
        format!("\"{}\";r={remaining};t={reset}", self.name)
    }
}

/// The quotas of this instance (app data).
pub struct RateLimits {
    caller: Policy,
    anonymous: Policy,
    integrator: Policy,
}

impl RateLimits {
    pub fn new(caller: u32, anonymous: u32, integrator: u32) -> RateLimits {
        RateLimits {
            caller: Policy::new("caller", caller),
            anonymous: Policy::new("anonymous", anonymous),
            integrator: Policy::new("integrator", integrator),
        }
    }

    /// Forgets idle keys (the sweeper calls this).
    pub fn forget_idle(&self) {
        self.caller.limiter.retain_recent();
        self.anonymous.limiter.retain_recent();
        self.integrator.limiter.retain_recent();
    }
}

const RATELIMIT_POLICY: HeaderName = HeaderName::from_static("ratelimit-policy");
const RATELIMIT: HeaderName = HeaderName::from_static("ratelimit");

pub async fn limit(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let limits = req.app_data::<web::Data<RateLimits>>().cloned();
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let (Some(limits), Some(state)) = (limits, state) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    if !req.path().starts_with("/api/") && !req.path().starts_with("/open311/") {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let (policy, key) = match state.token_credential(&req) {
        Some(Credential::Integrator(key)) => (&limits.integrator, format!("int:{key}")),
        Some(credential) => (&limits.caller, format!("user:{}", credential.subject())),
        None => {
            let ip = crate::http::client_ip(req.request(), state.trust_proxy)
                .map_or_else(|| "unknown".to_owned(), |ip| ip.to_string());
            (&limits.anonymous, format!("ip:{ip}"))
        }
    };
    let policy_value = HeaderValue::from_str(&policy.policy_header()).ok();
    match policy.limiter.check_key(&key) {
        Ok(snapshot) => {
            let state_value =
                HeaderValue::from_str(&policy.state_header(snapshot.remaining_burst_capacity()))
                    .ok();
            let mut res = next.call(req).await?.map_into_boxed_body();
            if let (Some(p), Some(s)) = (policy_value, state_value) {
                res.headers_mut().insert(RATELIMIT_POLICY, p);
                res.headers_mut().insert(RATELIMIT, s);
            }
            Ok(res)
        }
        Err(not_until) => {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            let retry_after = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            let refusal = ApiError::from(AppError::Throttled {
                code: ErrorCode::RateLimited,
                retry_after_secs: retry_after.max(1),
            });
            let mut res = req.error_response(refusal);
            if let (Some(p), Ok(s)) = (
                policy_value,
                HeaderValue::from_str(&format!("\"{}\";r=0;t={}", policy.name, retry_after.max(1))),
            ) {
                res.headers_mut().insert(RATELIMIT_POLICY, p);
                res.headers_mut().insert(RATELIMIT, s);
            }
            Ok(res)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_follow_the_ietf_draft() {
        let p = Policy::new("caller", 600);
        assert_eq!(p.policy_header(), "\"caller\";q=600;w=60");
        assert_eq!(p.state_header(600), "\"caller\";r=600;t=0");
        assert_eq!(p.state_header(590), "\"caller\";r=590;t=1");
        assert_eq!(p.state_header(0), "\"caller\";r=0;t=60");
    }

    #[test]
    fn a_key_gets_its_quota_then_waits() {
        let p = Policy::new("anonymous", 3);
        for _ in 0..3 {
            assert!(p.limiter.check_key(&"ip:1".to_owned()).is_ok());
        }
        assert!(p.limiter.check_key(&"ip:1".to_owned()).is_err());
        assert!(
            p.limiter.check_key(&"ip:2".to_owned()).is_ok(),
            "keys count apart"
        );
    }
}
