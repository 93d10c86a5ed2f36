//! Access tokens: HS256 JWTs with `sub`, `iat`, `nbf`, `exp`, `aud`, `iss`,
//! `jti` and `tv` (the user's token version). Validation requires all of them
//! and accepts only HS256, so `alg: none` and algorithm swaps fail.

use std::time::Duration;

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
    pub aud: String,
    pub iss: String,
    pub jti: String,
    /// `users.token_version` when issued.
    pub tv: i32,
    /// A rider token: the integrator key it was exchanged for. Such a token
    /// reports, uploads and follows its own cases, nothing more, and only
    /// while that key works.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rdr: Option<String>,
}

pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
    ttl: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenError {
    Expired,
    Invalid,
}

impl TokenKeys {
    pub fn new(secret: &[u8], issuer: &str, audience: &str, ttl: Duration) -> TokenKeys {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.validate_nbf = true;
        validation.leeway = 30;
        validation.set_audience(&[audience]);
        validation.set_issuer(&[issuer]);
        validation.set_required_spec_claims(&["sub", "iat", "nbf", "exp", "aud", "iss"]);
        TokenKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
            ttl,
        }
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// Issues an access token valid from `now` for the configured lifetime.
    pub fn issue(
        &self,
        user_id: &str,
        token_version: i32,
        now: i64,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        self.issue_as(
            user_id,
            token_version,
            now,
            &uuid::Uuid::now_v7().to_string(),
        )
    }

    /// Like `issue` with a given `jti`: the same inputs give the same token
    /// (HS256 is deterministic), so a login can answer a lost refresh again.
    pub fn issue_as(
        &self,
        user_id: &str,
        token_version: i32,
        now: i64,
        jti: &str,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        let claims = Claims {
            sub: user_id.to_owned(),
            iat: now,
            nbf: now,
            exp: now + self.ttl.as_secs() as i64,
            aud: self.audience.clone(),
            iss: self.issuer.clone(),
            jti: jti.to_owned(),
            tv: token_version,
            rdr: None,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
    }

    /// A rider token for `user_id`, exchanged for the integrator key `key_id`,
    /// living `ttl` from `now`.
    pub fn issue_rider(
        &self,
        user_id: &str,
        token_version: i32,
        key_id: &str,
        now: i64,
        ttl: i64,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        let claims = Claims {
            sub: user_id.to_owned(),
            iat: now,
            nbf: now,
            exp: now + ttl,
            aud: self.audience.clone(),
            iss: self.issuer.clone(),
            jti: uuid::Uuid::now_v7().to_string(),
            tv: token_version,
            rdr: Some(key_id.to_owned()),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
    }

    pub fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => TokenError::Expired,
                _ => TokenError::Invalid,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> TokenKeys {
        TokenKeys::new(
            &[7u8; 32],
            "gridwork",
            "gridwork-api",
            Duration::from_secs(900),
        )
    }

    fn now() -> i64 {
        chrono::Utc::now().timestamp()
    }

    #[test]
    fn an_issued_token_verifies_with_its_claims() {
        let k = keys();
        let t = k.issue("user-1", 3, now()).unwrap();
        let c = k.verify(&t).unwrap();
        assert_eq!((c.sub.as_str(), c.tv, c.exp - c.iat), ("user-1", 3, 900));
        assert_eq!(c.rdr, None);
        let rider = k.issue_rider("user-2", 0, "key-1", now(), 600).unwrap();
        let c = k.verify(&rider).unwrap();
        assert_eq!(
            (c.sub.as_str(), c.rdr.as_deref(), c.exp - c.iat),
            ("user-2", Some("key-1"), 600)
        );
    }

    #[test]
    fn expired_and_foreign_tokens_fail() {
        let k = keys();
        let old = k.issue("u", 0, now() - 3600).unwrap();
        assert_eq!(k.verify(&old), Err(TokenError::Expired));
        let other = TokenKeys::new(
            &[8u8; 32],
            "gridwork",
            "gridwork-api",
            Duration::from_secs(900),
        );
        assert_eq!(
            k.verify(&other.issue("u", 0, now()).unwrap()),
            Err(TokenError::Invalid)
        );
        let other_aud = TokenKeys::new(
            &[7u8; 32],
            "gridwork",
            "elsewhere",
            Duration::from_secs(900),
        );
        assert_eq!(
            k.verify(&other_aud.issue("u", 0, now()).unwrap()),
            Err(TokenError::Invalid)
        );
        assert_eq!(k.verify("not.a.jwt"), Err(TokenError::Invalid));
    }
}
