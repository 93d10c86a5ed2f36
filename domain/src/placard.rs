//! Placards (网格员信息公示牌): what must hold before one is published.

use crate::assignment::GridRole;
use crate::person::mask_phone;

/// The number a placard shows for a person, and whether it may be dialled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub number: String,
    pub callable: bool,
}

/// What a placard shows of a person's phones. The mobile goes out in full
/// only with its own consent (PIPL: separate, specific, revocable); without
/// it, the work number if any, else the mobile masked and not callable.
pub fn contact(
    mobile: Option<&str>,
    work_phone: Option<&str>,
    phone_consent: bool,
) -> Option<Contact> {
    let shown = |number: &str, callable: bool| Contact {
        number: number.to_owned(),
        callable,
    };
    match (mobile, work_phone) {
        (Some(mobile), _) if phone_consent => Some(shown(mobile, true)),
        (_, Some(work)) => Some(shown(work, true)),
        (Some(mobile), None) => Some(shown(&mask_phone(mobile), false)),
        (None, None) => None,
    }
}

/// One person as a placard would show them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member<'a> {
    pub person_id: &'a str,
    pub name: &'a str,
    pub role: GridRole,
    /// Consent to be shown on public placards.
    pub consented: bool,
}

/// The most people one board shows (a physical board has room for about
/// this many): the first by role, the grid leader first.
pub const BOARD_MEMBERS: usize = 30;

/// Something that keeps a placard from being published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Blocker {
    MissingGridLeader,
    MissingFullTimeWorker,
    NoConsent { person_id: String, name: String },
}

impl Blocker {
    /// What a printed list of unpublished boards says.
    pub fn zh(&self) -> String {
        match self {
            Blocker::MissingGridLeader => "缺少网格长".to_owned(),
            Blocker::MissingFullTimeWorker => "缺少专职网格员".to_owned(),
            Blocker::NoConsent { name, .. } => format!("{name}未同意公示"),
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Blocker::MissingGridLeader => "missing_grid_leader",
            Blocker::MissingFullTimeWorker => "missing_full_time_worker",
            Blocker::NoConsent { .. } => "no_consent",
        }
    }
}

/// A placard may be published when the grid has a leader and a full-time
/// worker and every person it shows has consented. Nothing personal goes on
/// a public placard without consent.
pub fn blockers(members: &[Member<'_>]) -> Vec<Blocker> {
    let mut found = Vec::new();
    if !members.iter().any(|m| m.role == GridRole::GridLeader) {
        found.push(Blocker::MissingGridLeader);
    }
    if !members.iter().any(|m| m.role == GridRole::FullTimeWorker) {
        found.push(Blocker::MissingFullTimeWorker);
    }
    let mut refused: Vec<&Member<'_>> = members.iter().filter(|m| !m.consented).collect();
    refused.sort_by_key(|m| m.person_id);
    refused.dedup_by_key(|m| m.person_id);
    found.extend(refused.into_iter().map(|m| Blocker::NoConsent {
        person_id: m.person_id.to_owned(),
        name: m.name.to_owned(),
    }));
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use GridRole::*;

    fn m<'a>(id: &'a str, role: GridRole, consented: bool) -> Member<'a> {
        Member {
            person_id: id,
            name: id,
            role,
            consented,
        }
    }

    #[test]
    fn the_mobile_is_shown_in_full_only_with_its_own_consent() {
        let full = |n: &str| {
            Some(Contact {
                number: n.to_owned(),
                callable: true,
            })
        };
        let (mobile, work) = (Some("13700000000"), Some("0394-8123456"));
        assert_eq!(contact(mobile, work, true), full("13700000000"));
        assert_eq!(contact(mobile, None, true), full("13700000000"));
        assert_eq!(contact(None, work, true), full("0394-8123456"));
        assert_eq!(contact(mobile, work, false), full("0394-8123456"));
        assert_eq!(
            contact(mobile, None, false),
            Some(Contact {
                number: "137****0000".to_owned(),
                callable: false
            })
        );
        assert_eq!(contact(None, None, true), None);
        assert_eq!(contact(None, None, false), None);
    }

    #[test]
    fn blockers_read_in_chinese_on_paper() {
        let no = Blocker::NoConsent {
            person_id: "p".into(),
            name: "张亚超".into(),
        };
        assert_eq!(no.zh(), "张亚超未同意公示");
        assert_eq!(Blocker::MissingGridLeader.zh(), "缺少网格长");
    }

    #[test]
    fn a_full_consenting_grid_may_publish() {
        assert!(blockers(&[m("w", GridLeader, true), m("z", FullTimeWorker, true)]).is_empty());
    }

    #[test]
    fn missing_roles_and_refused_consent_are_all_listed() {
        assert_eq!(
            blockers(&[]),
            [Blocker::MissingGridLeader, Blocker::MissingFullTimeWorker]
        );
        let found = blockers(&[
            m("w", GridLeader, true),
            m("z", FullTimeWorker, false),
            m("z", PartyInstructor, false),
        ]);
        assert_eq!(
            found,
            [Blocker::NoConsent {
                person_id: "z".into(),
                name: "z".into()
            }]
        );
    }
}
