//! Refresh-token rotation. Every refresh token belongs to a family started at
//! login; redeeming one retires it and issues its successor. Presenting a
//! retired token again means it was copied: the whole family is revoked.

use chrono::{DateTime, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenState {
    Active,
    /// Redeemed once already (its successor was issued).
    Used {
        at: DateTime<Utc>,
    },
    Revoked {
        at: DateTime<Utc>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefreshToken {
    pub state: TokenState,
    /// Absolute end of the family: rotation never extends it.
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RedeemError {
    #[error("the refresh token has been revoked")]
    Revoked,
    #[error("the refresh token was already used; its family is now revoked")]
    Replayed,
    #[error("the refresh token has expired")]
    Expired,
}

impl RefreshToken {
    /// Decides whether this token may be exchanged at `now`. On `Replayed` the
    /// caller must revoke the family.
    pub fn redeem(&self, now: DateTime<Utc>) -> Result<(), RedeemError> {
        match self.state {
            TokenState::Revoked { .. } => Err(RedeemError::Revoked),
            TokenState::Used { .. } => Err(RedeemError::Replayed),
            TokenState::Active if now >= self.expires_at => Err(RedeemError::Expired),
            TokenState::Active => Ok(()),
        }
    }

    pub fn from_columns(
        used_at: Option<DateTime<Utc>>,
        revoked_at: Option<DateTime<Utc>>,
        expires_at: DateTime<Utc>,
    ) -> RefreshToken {
        let state = match (revoked_at, used_at) {
            (Some(at), _) => TokenState::Revoked { at },
            (None, Some(at)) => TokenState::Used { at },
            (None, None) => TokenState::Active,
        };
        RefreshToken { state, expires_at }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 7, 1, 9, 0, 0).unwrap()
    }

    #[test]
    fn an_active_unexpired_token_is_redeemable() {
        let t = RefreshToken::from_columns(None, None, now() + Duration::days(1));
        assert_eq!(t.redeem(now()), Ok(()));
    }

    #[test]
    fn a_used_token_is_a_replay() {
        let t = RefreshToken::from_columns(Some(now()), None, now() + Duration::days(1));
        assert_eq!(t.redeem(now()), Err(RedeemError::Replayed));
    }

    #[test]
    fn revocation_wins_over_use_and_expiry() {
        let t = RefreshToken::from_columns(Some(now()), Some(now()), now() - Duration::days(1));
        assert_eq!(t.redeem(now()), Err(RedeemError::Revoked));
    }

    #[test]
    fn expiry_is_absolute_and_exclusive() {
        let t = RefreshToken::from_columns(None, None, now());
        assert_eq!(t.redeem(now()), Err(RedeemError::Expired));
        assert_eq!(t.redeem(now() - Duration::seconds(1)), Ok(()));
    }
}
