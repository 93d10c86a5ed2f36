//! Personal access tokens: long-lived credentials an account holder makes
//! for scripts. A token has a name, a fixed end (at most a year away), and
//! optionally fewer roles than its owner; what it may do is decided afresh
//! on every request from the owner's current roles, so taking a role from
//! the owner takes it from all of their tokens at once.

use chrono::{DateTime, Duration, Utc};

use crate::{Role, Roles};

/// The longest lifetime a token may be given.
pub const MAX_DAYS: u16 = 365;
/// How many unrevoked, unexpired tokens one account may hold.
pub const MAX_ACTIVE: usize = 50;
/// The longest name.
pub const NAME_MAX_CHARS: usize = 100;

/// A token's name: what the owner calls it in the list ("nightly export").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenName(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("the name is empty")]
    Empty,
    #[error("the name is longer than {NAME_MAX_CHARS} characters")]
    TooLong,
    #[error("the name contains a control character")]
    Control,
}

impl TokenName {
    /// Trims the name; it must keep 1–100 characters and no control characters.
    pub fn parse(raw: &str) -> Result<TokenName, NameError> {
        let name = raw.trim();
        if name.is_empty() {
            Err(NameError::Empty)
        } else if name.chars().count() > NAME_MAX_CHARS {
            Err(NameError::TooLong)
        } else if name.chars().any(char::is_control) {
            Err(NameError::Control)
        } else {
            Ok(TokenName(name.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How long a new token lives: whole days, 1 to [`MAX_DAYS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lifetime(u16);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a token lives 1 to {MAX_DAYS} days")]
pub struct LifetimeError;

impl Lifetime {
    pub fn days(days: i64) -> Result<Lifetime, LifetimeError> {
        u16::try_from(days)
            .ok()
            .filter(|d| (1..=MAX_DAYS).contains(d))
            .map(Lifetime)
            .ok_or(LifetimeError)
    }

    pub fn ends(self, from: DateTime<Utc>) -> DateTime<Utc> {
        from + Duration::days(i64::from(self.0))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NarrowError {
    #[error("at least one role is required")]
    Empty,
    #[error("the account does not hold the role `{}`", .0.code())]
    NotHeld(Role),
}

/// The roles a new token is limited to: none asked means all of the
/// owner's (stored as no limit); asked roles must all be held by the owner.
pub fn narrow(owner: &Roles, asked: Option<&[Role]>) -> Result<Option<Roles>, NarrowError> {
    let Some(asked) = asked else {
        return Ok(None);
    };
    if let Some(missing) = asked.iter().find(|r| !owner.contains(**r)) {
        return Err(NarrowError::NotHeld(*missing));
    }
    Roles::new(asked.iter().copied())
        .map(Some)
        .map_err(|_| NarrowError::Empty)
}

/// What a token may do now: its limit intersected with what the owner holds
/// today. None when nothing is left, and the token cannot act.
pub fn effective(limit: Option<&Roles>, owner: &Roles) -> Option<Roles> {
    match limit {
        None => Some(owner.clone()),
        Some(limit) => Roles::new(limit.iter().filter(|r| owner.contains(*r))).ok(),
    }
}

/// Where a token stands at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    Active,
    Expired,
    Revoked,
}

impl Standing {
    pub fn at(
        expires_at: DateTime<Utc>,
        revoked_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Standing {
        match revoked_at {
            Some(_) => Standing::Revoked,
            None if now >= expires_at => Standing::Expired,
            None => Standing::Active,
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn roles(list: &[Role]) -> Roles {
        Roles::new(list.iter().copied()).unwrap()
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(
            TokenName::parse("  nightly export ").unwrap().as_str(),
            "nightly export"
        );
        assert_eq!(TokenName::parse("   "), Err(NameError::Empty));
        assert_eq!(
            TokenName::parse(&"名".repeat(100))
                .unwrap()
                .as_str()
                .chars()
                .count(),
            100
        );
        assert_eq!(TokenName::parse(&"名".repeat(101)), Err(NameError::TooLong));
        assert_eq!(TokenName::parse("a\u{7}b"), Err(NameError::Control));
    }

    #[test]
    fn a_lifetime_is_one_day_to_a_year() {
        let from = Utc.with_ymd_and_hms(2026, 11, 27, 9, 0, 0).unwrap();
        assert_eq!(
            Lifetime::days(365).unwrap().ends(from),
            Utc.with_ymd_and_hms(2027, 11, 27, 9, 0, 0).unwrap()
        );
        assert_eq!(
            Lifetime::days(1).unwrap().ends(from),
            Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).unwrap()
        );
        for bad in [0, -1, 366, i64::MAX] {
            assert_eq!(Lifetime::days(bad), Err(LifetimeError), "{bad}");
        }
    }

    #[test]
    fn a_token_may_hold_fewer_roles_but_never_more() {
        let owner = roles(&[Role::Admin, Role::Auditor]);
        assert_eq!(narrow(&owner, None), Ok(None));
        assert_eq!(
            narrow(&owner, Some(&[Role::Auditor, Role::Auditor])),
            Ok(Some(roles(&[Role::Auditor])))
        );
        assert_eq!(
            narrow(&owner, Some(&[Role::Auditor, Role::GridLeader])),
            Err(NarrowError::NotHeld(Role::GridLeader))
        );
        assert_eq!(narrow(&owner, Some(&[])), Err(NarrowError::Empty));
    }

    #[test]
    fn what_a_token_may_do_follows_its_owner() {
        let limit = roles(&[Role::Admin, Role::Auditor]);
        let owner_today = roles(&[Role::Auditor, Role::GridLeader]);
        assert_eq!(
            effective(Some(&limit), &owner_today),
            Some(roles(&[Role::Auditor]))
        );
        assert_eq!(effective(None, &owner_today), Some(owner_today.clone()));
        assert_eq!(
            effective(Some(&roles(&[Role::Admin])), &owner_today),
            None,
            "the only role it had was taken from the owner"
        );
    }

    #[test]
    fn standing_at_a_moment() {
        let end = Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap();
        let before = end - Duration::seconds(1);
        assert_eq!(Standing::at(end, None, before), Standing::Active);
        assert_eq!(Standing::at(end, None, end), Standing::Expired);
        assert_eq!(Standing::at(end, Some(before), before), Standing::Revoked);
    }
}
