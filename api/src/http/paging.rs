//! Keyset paging: a page size and an opaque cursor. Cursors are signed by the
//! server, so one it did not issue (forged, truncated, from another
//! deployment) answers 400 instead of a silently empty page.

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;
use utoipa::IntoParams;
use validator::Validate;

use super::ApiError;
use crate::app::ErrorCode;

pub const DEFAULT_PAGE: u32 = 50;
pub const MAX_PAGE: u32 = 200;
/// Bytes of the signature a cursor carries.
const TAG_BYTES: usize = 12;

/// Page size and position of keyset-paged lists.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Items per page, 1–200 (default 50).
    #[validate(range(min = 1, max = 200))]
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page, exactly as received.
    #[validate(length(min = 1, max = 200))]
    #[param(
        min_length = 1,
        max_length = 200,
        pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$"
    )]
    pub cursor: Option<String>,
}

/// Signs and opens cursors (app data, shared by every instance that shares
/// the key).
#[derive(Clone)]
pub struct Cursors {
    key: Arc<[u8]>,
}

impl std::fmt::Debug for Cursors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Cursors")
    }
}

impl Cursors {
    pub fn new(key: &[u8]) -> Cursors {
        Cursors { key: key.into() }
    }

    fn mac(&self, position: &[u8]) -> Option<Hmac<Sha256>> {
        // HMAC takes keys of any length: this never fails
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key).ok()?;
        mac.update(b"gridwork cursor v1:");
        mac.update(position);
        Some(mac)
    }

    /// The cursor of the page after `position` (the last key of this page).
    pub fn issue(&self, position: &str) -> String {
        format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(position),
            self.mac(position.as_bytes())
                .map(|m| URL_SAFE_NO_PAD.encode(&m.finalize().into_bytes()[..TAG_BYTES]))
                .unwrap_or_default()
        )
    }

    /// The position a cursor of ours carries; 400 for anything else.
    pub fn open(&self, cursor: &str) -> Result<String, ApiError> {
        let invalid = || {
            ApiError::BadRequest {
            code: ErrorCode::InvalidCursor,
            detail: "`cursor` is not a cursor this server issued; pass `next_cursor` of the previous page unchanged, or none for the first page.".into(),
        }
        };
        let (position, tag) = cursor.split_once('.').ok_or_else(invalid)?;
        let position = URL_SAFE_NO_PAD.decode(position).map_err(|_| invalid())?;
        let tag = URL_SAFE_NO_PAD.decode(tag).map_err(|_| invalid())?;
        if tag.len() != TAG_BYTES {
            return Err(invalid());
        }
        self.mac(&position)
            .ok_or_else(invalid)?
            .verify_truncated_left(&tag)
            .map_err(|_| invalid())?;
        String::from_utf8(position).map_err(|_| invalid())
    }
}

/// A page to fetch: how many rows, after which position.
#[derive(Debug, Clone)]
pub struct Page {
    /// Rows to fetch: one more than the page, to know whether another follows.
    pub fetch: i64,
    /// The last key of the previous page.
    pub after: Option<String>,
    cursors: Cursors,
}

impl Page {
    pub fn new(query: &PageQuery, cursors: Cursors) -> Result<Page, ApiError> {
        Ok(Page {
            fetch: i64::from(query.limit.unwrap_or(DEFAULT_PAGE).min(MAX_PAGE)) + 1,
            after: query
                .cursor
                .as_deref()
                .map(|c| cursors.open(c))
                .transpose()?,
            cursors,
        })
    }

    /// Cuts the extra row off; the cursor of the next page, if there is one.
    pub fn finish<T>(
        &self,
        mut rows: Vec<T>,
        key: impl Fn(&T) -> String,
    ) -> (Vec<T>, Option<String>) {
        let page = usize::try_from(self.fetch - 1).unwrap_or(0);
        if rows.len() > page {
            rows.truncate(page);
            let next = rows.last().map(|r| self.cursors.issue(&key(r)));
            (rows, next)
        } else {
            (rows, None)
        }
    }
}

/// A position that is not what the list issues (only a server change can
/// make one: positions are signed).
pub fn unreadable() -> ApiError {
    ApiError::BadRequest {
        code: ErrorCode::InvalidCursor,
        detail: "`cursor` belongs to another list; start again without one.".into(),
    }
}

/// A position that is a number (a version).
pub fn number_at(position: &str) -> Result<i32, ApiError> {
    position.parse().map_err(|_| unreadable())
}

/// A position `(time, id)` written by [`time_and_id`].
pub fn time_and_id_at(position: &str) -> Result<(chrono::NaiveDateTime, String), ApiError> {
    let (micros, id) = position.split_once('|').ok_or_else(unreadable)?;
    let micros: i64 = micros.parse().map_err(|_| unreadable())?;
    let at = chrono::DateTime::from_timestamp_micros(micros).ok_or_else(unreadable)?;
    Ok((at.naive_utc(), id.to_owned()))
}

/// The position of a row in `(time, id)` order.
pub fn time_and_id(at: chrono::NaiveDateTime, id: &str) -> String {
    format!("{}|{id}", at.and_utc().timestamp_micros())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_round_trip() {
        let at = chrono::DateTime::from_timestamp_micros(1_790_000_000_123_456)
            .unwrap()
            .naive_utc();
        let position = time_and_id(at, "0195-id");
        assert_eq!(
            time_and_id_at(&position).unwrap(),
            (at, "0195-id".to_owned())
        );
        assert!(time_and_id_at("12").is_err() && time_and_id_at("x|y").is_err());
        assert_eq!(number_at("7").unwrap(), 7);
        assert!(number_at("seven").is_err());
    }

    #[test]
    fn cursors_round_trip_and_forgeries_are_refused() {
        let cursors = Cursors::new(b"a key");
        let cursor = cursors.issue("411622000000001");
        assert_eq!(cursors.open(&cursor).unwrap(), "411622000000001");
        let other = Cursors::new(b"another key");
        assert!(other.open(&cursor).is_err(), "another deployment's cursor");
        let (position, _) = cursor.split_once('.').unwrap();
        let forged = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode("999"),
            cursor.split_once('.').unwrap().1
        );
        for bad in [
            "",
            "411622000000001",
            position,
            &forged,
            &format!("{cursor}x"),
            &cursor[..cursor.len() - 2],
            "\u{0}.\u{0}",
        ] {
            assert!(cursors.open(bad).is_err(), "{bad:?}");
        }
    }
}
