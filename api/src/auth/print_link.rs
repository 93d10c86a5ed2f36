//! Print links: a URL a desktop browser can open without a login, for ten
//! minutes (`GRIDWORK_PRINT_LINK_TTL_SECS`), for one print view of one grid, on behalf of the account that
//! made it. The token is `payload.tag`: the payload names the view, the
//! grid, the signer and the end; the tag is an HMAC of it under a server key.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

const TAG: usize = 16;

/// What a link opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// One grid's board (`/grids/{id}/placard/print`).
    Board,
    /// Every board under a grid (`/grids/{id}/placards/print`).
    Subtree,
    /// The dashboard under a grid (`/dashboard?root={id}`).
    Dashboard,
}

impl View {
    /// Its name in a link and in the audit log.
    pub fn code(self) -> &'static str {
        match self {
            View::Board => "board",
            View::Subtree => "subtree",
            View::Dashboard => "dashboard",
        }
    }

    /// Its page for `grid_id` under the API prefix, ready for `link=`.
    pub fn page(self, grid_id: &str) -> String {
        match self {
            View::Board => format!("/grids/{grid_id}/placard/print?"),
            View::Subtree => format!("/grids/{grid_id}/placards/print?"),
            View::Dashboard => format!("/dashboard?root={grid_id}&"),
        }
    }

    /// How long a link opens it: a print run's `print` (configured), or a
    /// working day for the big screen, which reloads itself.
    pub fn lifetime(self, print: chrono::Duration) -> chrono::Duration {
        match self {
            View::Board | View::Subtree => print,
            View::Dashboard => chrono::Duration::hours(12),
        }
    }
}

/// What a genuine link grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub view: View,
    pub grid_id: String,
    pub signer: String,
    pub expires_at: i64,
}

pub struct PrintLinks {
    mac: Hmac<Sha256>,
}

impl PrintLinks {
    pub fn new(key: &[u8]) -> Result<PrintLinks, hmac::digest::InvalidLength> {
        Ok(PrintLinks {
            mac: <Hmac<Sha256> as Mac>::new_from_slice(key)?,
        })
    }

    pub fn sign(&self, grant: &Grant) -> String {
        let payload = format!(
            "v1|{}|{}|{}|{}",
            grant.view.code(),
            grant.grid_id,
            grant.signer,
            grant.expires_at
        );
        let mut mac = self.mac.clone();
        mac.update(payload.as_bytes());
        let tag = mac.finalize().into_bytes();
        format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(payload),
            URL_SAFE_NO_PAD.encode(&tag[..TAG])
        )
    }

    /// The grant of a token this server signed, if it is for `view` of
    /// `grid_id` and has not ended at `now`.
    pub fn open(&self, token: &str, view: View, grid_id: &str, now: i64) -> Option<Grant> {
        let (payload, tag) = token.split_once('.')?;
        let payload = URL_SAFE_NO_PAD.decode(payload).ok()?;
        let mut mac = self.mac.clone();
        mac.update(&payload);
        mac.verify_truncated_left(&URL_SAFE_NO_PAD.decode(tag).ok()?)
            .ok()?;
        let payload = String::from_utf8(payload).ok()?;
        let mut parts = payload.split('|');
        let (Some("v1"), Some(code), Some(grid), Some(signer), Some(end), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return None;
        };
        let expires_at: i64 = end.parse().ok()?;
        (code == view.code() && grid == grid_id && now < expires_at).then(|| Grant {
            view,
            grid_id: grid.to_owned(),
            signer: signer.to_owned(),
            expires_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant() -> Grant {
        Grant {
            view: View::Subtree,
            grid_id: "g-1".into(),
            signer: "u-1".into(),
            expires_at: 1_000,
        }
    }

    #[test]
    fn a_link_opens_its_own_view_until_it_ends() {
        let links = PrintLinks::new(b"k").unwrap();
        let token = links.sign(&grant());
        assert_eq!(links.open(&token, View::Subtree, "g-1", 999), Some(grant()));
        assert_eq!(
            links.open(&token, View::Subtree, "g-1", 1_000),
            None,
            "ended"
        );
        assert_eq!(
            links.open(&token, View::Board, "g-1", 999),
            None,
            "another view"
        );
        assert_eq!(
            links.open(&token, View::Subtree, "g-2", 999),
            None,
            "another grid"
        );
    }

    #[test]
    fn forged_links_do_not_open() {
        let links = PrintLinks::new(b"k").unwrap();
        let token = links.sign(&grant());
        assert_eq!(
            PrintLinks::new(b"other")
                .unwrap()
                .open(&token, View::Subtree, "g-1", 0),
            None
        );
        let (_, tag) = token.split_once('.').unwrap();
        let longer = URL_SAFE_NO_PAD.encode("v1|subtree|g-1|u-1|99999");
        assert_eq!(
            links.open(&format!("{longer}.{tag}"), View::Subtree, "g-1", 0),
            None
        );
        assert_eq!(links.open("garbage", View::Subtree, "g-1", 0), None);
    }
}
