//! Integrators: outside systems — a courier platform, say — that act
//! through keys an admin gives them, within the scopes the admin chose.
//! Their main use is enrolling riders as mobile grid workers (移动网格员):
//! an enrolment waits for a grid leader or zone officer of the chosen grid,
//! and a rider, once approved, reports through the platform's own app with
//! a short-lived token the platform exchanges its key for.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};

crate::closed_set! {
    /// What an integrator may do.
    pub enum IntegratorScope {
        EnrolRiders = "enrol_riders", "登记骑手为移动网格员", "Enrol riders as mobile grid workers";
        ReportCases = "report_cases", "上报事件", "Report cases";
        ReadOwnCases = "read_own_cases", "查看本方上报的事件", "Read the cases it reported";
        ReceiveWebhooks = "receive_webhooks", "接收事件推送", "Receive webhooks";
        /// For the zone's own systems: hear the four duties' events too.
        ZoneEvents = "zone_events", "接收全区四项职责事件", "Receive the zone's duty events";
    }
}

/// A non-empty set of scopes, stored as a comma-separated list of codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntegratorScopes(BTreeSet<IntegratorScope>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScopesError {
    #[error("at least one scope is required")]
    Empty,
    #[error("unknown scope `{0}`")]
    Unknown(String),
}

impl IntegratorScopes {
    /// Parses codes; duplicates collapse.
    pub fn parse<'a>(codes: impl IntoIterator<Item = &'a str>) -> Result<Self, ScopesError> {
        let set = codes
            .into_iter()
            .map(|c| IntegratorScope::parse(c).ok_or_else(|| ScopesError::Unknown(c.to_owned())))
            .collect::<Result<BTreeSet<_>, _>>()?;
        if set.is_empty() {
            return Err(ScopesError::Empty);
        }
        Ok(IntegratorScopes(set))
    }

    pub fn parse_stored(stored: &str) -> Result<Self, ScopesError> {
        Self::parse(stored.split(',').map(str::trim).filter(|s| !s.is_empty()))
    }

    pub fn to_stored(&self) -> String {
        self.iter()
            .map(IntegratorScope::code)
            .collect::<Vec<_>>()
            .join(",")
    }

    pub fn contains(&self, scope: IntegratorScope) -> bool {
        self.0.contains(&scope)
    }

    pub fn iter(&self) -> impl Iterator<Item = IntegratorScope> + '_ {
        self.0.iter().copied()
    }
}

/// How many working keys an integrator may hold: a rotation adds one while
/// the old ones run out their overlap.
pub const MAX_ACTIVE_KEYS: usize = 5;
/// The longest overlap a rotation may give the old keys.
pub const MAX_OVERLAP_HOURS: i64 = 720;

/// Where a key stands at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyStanding {
    Active,
    Expired,
    Revoked,
}

impl KeyStanding {
    /// A key works until it is revoked or its end (set by a rotation) passes.
    pub fn at(
        expires_at: Option<DateTime<Utc>>,
        revoked_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> KeyStanding {
        match (revoked_at, expires_at) {
            (Some(_), _) => KeyStanding::Revoked,
            (None, Some(end)) if end <= now => KeyStanding::Expired,
            _ => KeyStanding::Active,
        }
    }
}

/// How long the keys a rotation replaces keep working: 0 to 720 hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overlap(Duration);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("an overlap is 0 to {MAX_OVERLAP_HOURS} hours")]
pub struct OverlapError;

impl Overlap {
    pub fn hours(hours: i64) -> Result<Overlap, OverlapError> {
        if (0..=MAX_OVERLAP_HOURS).contains(&hours) {
            Ok(Overlap(Duration::hours(hours)))
        } else {
            Err(OverlapError)
        }
    }

    /// The end a replaced key gets: the overlap's end, unless it was to end
    /// sooner anyway (a rotation never lengthens a key's life).
    pub fn retire(self, current_end: Option<DateTime<Utc>>, now: DateTime<Utc>) -> DateTime<Utc> {
        let end = now + self.0;
        current_end.map_or(end, |current| current.min(end))
    }
}

crate::closed_set! {
    /// Where a rider's enrolment stands.
    pub enum EnrolmentState {
        Pending = "pending", "待审核", "Pending";
        Approved = "approved", "已通过", "Approved";
        Refused = "refused", "已拒绝", "Refused";
        Withdrawn = "withdrawn", "已撤回", "Withdrawn";
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EnrolmentError {
    #[error("the enrolment is {0}, not pending")]
    NotPending(EnrolmentState),
    #[error("the enrolment is {0} already")]
    Closed(EnrolmentState),
}

impl EnrolmentState {
    /// A grid leader or zone officer accepts the rider.
    pub fn approve(self) -> Result<EnrolmentState, EnrolmentError> {
        match self {
            EnrolmentState::Pending => Ok(EnrolmentState::Approved),
            other => Err(EnrolmentError::NotPending(other)),
        }
    }

    /// A grid leader or zone officer turns the rider down, with a reason.
    pub fn refuse(self) -> Result<EnrolmentState, EnrolmentError> {
        match self {
            EnrolmentState::Pending => Ok(EnrolmentState::Refused),
            other => Err(EnrolmentError::NotPending(other)),
        }
    }

    /// The platform withdraws the rider (they left, or withdrew consent),
    /// before or after approval.
    pub fn withdraw(self) -> Result<EnrolmentState, EnrolmentError> {
        match self {
            EnrolmentState::Pending | EnrolmentState::Approved => Ok(EnrolmentState::Withdrawn),
            other => Err(EnrolmentError::Closed(other)),
        }
    }

    /// Pending or approved: the rider counts as enrolled by the platform,
    /// so the same platform rider id cannot be enrolled twice.
    pub fn is_open(self) -> bool {
        matches!(self, EnrolmentState::Pending | EnrolmentState::Approved)
    }
}

/// The rider's id on the platform: 1–64 letters, digits and `._:-`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformRiderId(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a platform rider id is 1 to 64 letters, digits and . _ : -")]
pub struct RiderIdError;

impl PlatformRiderId {
    pub const PATTERN: &'static str = "^\\s*[A-Za-z0-9._:-]{1,64}\\s*$";

    pub fn parse(raw: &str) -> Result<PlatformRiderId, RiderIdError> {
        let id = raw.trim();
        let allowed = |c: char| c.is_ascii_alphanumeric() || "._:-".contains(c);
        if (1..=64).contains(&id.len()) && id.chars().all(allowed) {
            Ok(PlatformRiderId(id.to_owned()))
        } else {
            Err(RiderIdError)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How far a device clock may run ahead of the server's.
pub const CONSENT_CLOCK_SKEW_MINUTES: i64 = 5;
/// The oldest consent an enrolment may rest on.
pub const CONSENT_MAX_AGE_DAYS: i64 = 365;

/// The rider's separate consent to the use of their location (PIPL art.
/// 28–29: location tracking is sensitive personal information): given, and
/// when — not in the future, and not so old that it may have lapsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocationConsent(DateTime<Utc>);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ConsentError {
    #[error("a rider is enrolled only with their consent to the use of their location")]
    NotGiven,
    #[error("the consent is dated in the future")]
    Future,
    #[error("the consent is more than {CONSENT_MAX_AGE_DAYS} days old; ask the rider again")]
    Stale,
}

impl LocationConsent {
    pub fn parse(
        given: bool,
        at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<LocationConsent, ConsentError> {
        if !given {
            Err(ConsentError::NotGiven)
        } else if at > now + Duration::minutes(CONSENT_CLOCK_SKEW_MINUTES) {
            Err(ConsentError::Future)
        } else if at < now - Duration::days(CONSENT_MAX_AGE_DAYS) {
            Err(ConsentError::Stale)
        } else {
            Ok(LocationConsent(at))
        }
    }

    pub fn given_at(self) -> DateTime<Utc> {
        self.0
    }
}

/// Why a grid leader turned an enrolment down: 1–500 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a reason is 1 to 500 characters")]
pub struct ReasonError;

impl Reason {
    pub fn parse(raw: &str) -> Result<Reason, ReasonError> {
        let reason = raw.trim();
        if (1..=500).contains(&reason.chars().count()) {
            Ok(Reason(reason.to_owned()))
        } else {
            Err(ReasonError)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 3, h, 0, 0).unwrap()
    }

    #[test]
    fn scopes_parse_collapse_and_store_in_order() {
        let s = IntegratorScopes::parse(["report_cases", "enrol_riders", "report_cases"]).unwrap();
        assert_eq!(s.to_stored(), "enrol_riders,report_cases");
        assert_eq!(IntegratorScopes::parse_stored(&s.to_stored()).unwrap(), s);
        assert!(s.contains(IntegratorScope::EnrolRiders));
        assert!(!s.contains(IntegratorScope::ReceiveWebhooks));
        assert_eq!(IntegratorScopes::parse([]), Err(ScopesError::Empty));
        assert_eq!(
            IntegratorScopes::parse(["admin"]),
            Err(ScopesError::Unknown("admin".into()))
        );
    }

    #[test]
    fn a_key_works_until_revoked_or_past_its_end() {
        assert_eq!(KeyStanding::at(None, None, at(5)), KeyStanding::Active);
        assert_eq!(
            KeyStanding::at(Some(at(6)), None, at(5)),
            KeyStanding::Active
        );
        assert_eq!(
            KeyStanding::at(Some(at(5)), None, at(5)),
            KeyStanding::Expired
        );
        assert_eq!(
            KeyStanding::at(Some(at(6)), Some(at(4)), at(5)),
            KeyStanding::Revoked
        );
    }

    #[test]
    fn a_rotation_shortens_old_keys_to_the_overlap_never_lengthens_them() {
        let overlap = Overlap::hours(24).unwrap();
        let now = at(0);
        assert_eq!(overlap.retire(None, now), now + Duration::hours(24));
        assert_eq!(overlap.retire(Some(at(3)), now), at(3));
        assert_eq!(
            Overlap::hours(0).unwrap().retire(Some(at(3)), now),
            now,
            "no overlap: the old keys stop at once"
        );
        assert_eq!(Overlap::hours(-1), Err(OverlapError));
        assert_eq!(Overlap::hours(721), Err(OverlapError));
        assert!(Overlap::hours(720).is_ok());
    }

    #[test]
    fn an_enrolment_is_decided_once_and_withdrawn_while_open() {
        use EnrolmentState::*;
        assert_eq!(Pending.approve(), Ok(Approved));
        assert_eq!(Pending.refuse(), Ok(Refused));
        assert_eq!(
            Approved.approve(),
            Err(EnrolmentError::NotPending(Approved))
        );
        assert_eq!(Refused.approve(), Err(EnrolmentError::NotPending(Refused)));
        assert_eq!(Approved.refuse(), Err(EnrolmentError::NotPending(Approved)));
        assert_eq!(Pending.withdraw(), Ok(Withdrawn));
        assert_eq!(Approved.withdraw(), Ok(Withdrawn));
        assert_eq!(Refused.withdraw(), Err(EnrolmentError::Closed(Refused)));
        assert_eq!(Withdrawn.withdraw(), Err(EnrolmentError::Closed(Withdrawn)));
        assert!(Pending.is_open() && Approved.is_open());
        assert!(!Refused.is_open() && !Withdrawn.is_open());
    }

    #[test]
    fn rider_ids_are_short_plain_text() {
        assert_eq!(
            PlatformRiderId::parse(" mt-rider:00042 ").unwrap().as_str(),
            "mt-rider:00042"
        );
        assert!(PlatformRiderId::parse("").is_err());
        assert!(PlatformRiderId::parse("骑手1").is_err());
        assert!(PlatformRiderId::parse("a b").is_err());
        assert!(PlatformRiderId::parse(&"x".repeat(65)).is_err());
        assert!(PlatformRiderId::parse(&"x".repeat(64)).is_ok());
    }

    #[test]
    fn consent_must_be_given_dated_and_recent() {
        let now = at(12);
        assert_eq!(
            LocationConsent::parse(true, at(11), now)
                .unwrap()
                .given_at(),
            at(11)
        );
        assert_eq!(
            LocationConsent::parse(false, at(11), now),
            Err(ConsentError::NotGiven)
        );
        assert!(LocationConsent::parse(true, now + Duration::minutes(5), now).is_ok());
        assert_eq!(
            LocationConsent::parse(true, now + Duration::minutes(6), now),
            Err(ConsentError::Future)
        );
        assert!(LocationConsent::parse(true, now - Duration::days(365), now).is_ok());
        assert_eq!(
            LocationConsent::parse(true, now - Duration::days(366), now),
            Err(ConsentError::Stale)
        );
    }

    #[test]
    fn a_reason_is_trimmed_and_bounded() {
        assert_eq!(
            Reason::parse("  不在本网格  ").unwrap().as_str(),
            "不在本网格"
        );
        assert!(Reason::parse("   ").is_err());
        assert!(Reason::parse(&"因".repeat(500)).is_ok());
        assert!(Reason::parse(&"因".repeat(501)).is_err());
    }
}
