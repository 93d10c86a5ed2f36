//! Personal access tokens and integrator keys on the wire: `gw_pat_` (or
//! `gw_int_`) followed by 64 base64url characters — the token's id (16 bytes), 160 random bits, and a 96-bit
//! HMAC tag of both under a server key. The prefix lets secret scanners
//! find leaked tokens; the tag lets the server turn away forged ones before
//! any database work (the rate limiter keys on a token only once it is
//! genuine). Only the SHA-256 of the whole token is stored.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

/// What every personal access token starts with.
pub const PREFIX: &str = "gw_pat_";
/// What every integrator key starts with.
pub const INTEGRATOR_PREFIX: &str = "gw_int_";
const ID: usize = 16;
const RANDOM: usize = 20;
const TAG: usize = 12;

/// Mints and recognises one kind of token: its prefix, under its own key.
pub struct PatKeys {
    prefix: &'static str,
    mac: Hmac<Sha256>,
}

/// A token just made: its id and the secret to show once.
pub struct Minted {
    pub id: String,
    pub token: String,
}

impl PatKeys {
    /// Personal access tokens.
    pub fn new(key: &[u8]) -> Result<PatKeys, hmac::digest::InvalidLength> {
        PatKeys::with_prefix(PREFIX, key)
    }

    pub fn with_prefix(
        prefix: &'static str,
        key: &[u8],
    ) -> Result<PatKeys, hmac::digest::InvalidLength> {
        Ok(PatKeys {
            prefix,
            mac: <Hmac<Sha256> as Mac>::new_from_slice(key)?,
        })
    }

    pub fn mint(&self) -> Minted {
        let id = uuid::Uuid::now_v7();
        let mut body = [0u8; ID + RANDOM];
        body[..ID].copy_from_slice(id.as_bytes());
        rand::rng().fill_bytes(&mut body[ID..]);
        let mut mac = self.mac.clone();
        mac.update(&body);
        let tag = mac.finalize().into_bytes();
        let mut raw = body.to_vec();
        raw.extend_from_slice(&tag[..TAG]);
        Minted {
            id: id.to_string(),
            token: format!("{}{}", self.prefix, URL_SAFE_NO_PAD.encode(raw)),
        }
    }

    /// The id of a token this server minted; None for anything else.
    pub fn check(&self, token: &str) -> Option<String> {
        let raw = URL_SAFE_NO_PAD
            .decode(token.strip_prefix(self.prefix)?)
            .ok()?;
        if raw.len() != ID + RANDOM + TAG {
            return None;
        }
        let (body, tag) = raw.split_at(ID + RANDOM);
        let mut mac = self.mac.clone();
        mac.update(body);
        mac.verify_truncated_left(tag).ok()?;
        let id = uuid::Uuid::from_slice(&body[..ID]).ok()?;
        Some(id.to_string())
    }

    /// Whether a bearer credential is meant as one of these tokens.
    pub fn looks_like(&self, token: &str) -> bool {
        token.starts_with(self.prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minted_token_checks_out_and_names_its_id() {
        let keys = PatKeys::new(b"k").unwrap();
        let minted = keys.mint();
        assert!(minted.token.starts_with("gw_pat_"));
        assert_eq!(minted.token.len(), 7 + 64);
        assert_eq!(keys.check(&minted.token), Some(minted.id.clone()));
        assert_ne!(keys.mint().token, minted.token);
    }

    #[test]
    fn forged_altered_and_foreign_tokens_do_not() {
        let keys = PatKeys::new(b"k").unwrap();
        let token = keys.mint().token;
        assert_eq!(PatKeys::new(b"other").unwrap().check(&token), None);
        let mut altered = token.clone().into_bytes();
        let last = altered.len() - 5;
        altered[last] = if altered[last] == b'A' { b'B' } else { b'A' };
        assert_eq!(keys.check(&String::from_utf8(altered).unwrap()), None);
        assert_eq!(keys.check(&token[..token.len() - 1]), None);
        assert_eq!(keys.check("gw_pat_"), None);
        assert_eq!(keys.check(&token.replace("gw_pat_", "gw_xyz_")), None);
        // each kind has its own key, so relabelling a token does not help
        let integrators = PatKeys::with_prefix(INTEGRATOR_PREFIX, b"i").unwrap();
        assert_eq!(integrators.check(&token), None);
        assert_eq!(
            integrators.check(&token.replace("gw_pat_", "gw_int_")),
            None
        );
        let key = integrators.mint().token;
        assert!(key.starts_with("gw_int_") && integrators.looks_like(&key));
        assert!(integrators.check(&key).is_some() && keys.check(&key).is_none());
    }
}
