//! Placards (网格员信息公示牌): what must hold before one is published.

use crate::assignment::GridRole;

/// One person as a placard would show them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member<'a> {
    pub person_id: &'a str,
    pub name: &'a str,
    pub role: GridRole,
    /// Consent to be shown on public placards.
    pub consented: bool,
}

/// Something that keeps a placard from being published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Blocker {
    MissingGridLeader,
    MissingFullTimeWorker,
    NoConsent { person_id: String, name: String },
}

impl Blocker {
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
