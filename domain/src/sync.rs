//! Delta sync for offline apps: which kinds of record a sync carries, and the
//! cursor that says how far a client has read and under which scope.

use std::collections::BTreeSet;

crate::closed_set! {
    /// A kind of record an app keeps offline.
    pub enum SyncType {
        Cases = "cases", "事件", "Cases";
        Hazards = "hazards", "隐患", "Hazards";
        Occurrences = "occurrences", "排查任务", "Inspection occurrences";
        Disputes = "disputes", "矛盾纠纷", "Disputes";
        Policies = "policies", "政策", "Policies";
        Grids = "grids", "网格", "Grids";
        Enterprises = "enterprises", "企业", "Enterprises";
        People = "people", "人员", "People";
        Tasks = "tasks", "我的待办", "My tasks";
    }
}

crate::closed_set! {
    /// What an app does with its copy of a record.
    pub enum SyncOp {
        Upsert = "upsert", "更新", "Store or replace";
        Delete = "delete", "删除", "Drop";
    }
}

/// The kinds a client asked for: a non-empty set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncTypes(BTreeSet<SyncType>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TypesError {
    #[error("`{0}` is not a kind of record sync carries")]
    Unknown(String),
    #[error("name at least one kind, or leave `types` out for all")]
    Empty,
}

impl SyncTypes {
    pub fn all() -> SyncTypes {
        SyncTypes(SyncType::ALL.into_iter().collect())
    }

    /// A comma-separated list of codes (`cases,hazards`), nothing else;
    /// repeats are one.
    pub fn parse(list: &str) -> Result<SyncTypes, TypesError> {
        if list.is_empty() {
            return Err(TypesError::Empty);
        }
        let set = list
            .split(',')
            .map(|c| SyncType::parse(c).ok_or_else(|| TypesError::Unknown(c.to_owned())))
            .collect::<Result<BTreeSet<_>, _>>()?;
        Ok(SyncTypes(set))
    }

    pub fn contains(&self, t: SyncType) -> bool {
        self.0.contains(&t)
    }

    pub fn iter(&self) -> impl Iterator<Item = SyncType> + '_ {
        self.0.iter().copied()
    }

    /// The kinds whose changes are read from the change log (all but tasks,
    /// which derive from the others and from the clock).
    pub fn logged(&self) -> Vec<SyncType> {
        self.iter().filter(|t| *t != SyncType::Tasks).collect()
    }

    /// The codes, comma-separated, in a fixed order: what a cursor keeps.
    pub fn to_stored(&self) -> String {
        self.iter()
            .map(SyncType::code)
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// How far a client has read: the last change number it was given, under
/// which scope and kinds, when, and the digest of the task list it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncCursor {
    /// Changes up to and including this number are delivered.
    pub seq: i64,
    /// A fingerprint of what the caller could see when it was issued.
    pub scope: String,
    pub types: SyncTypes,
    /// The digest of the task list last sent; empty before any.
    pub tasks: String,
    /// When it was issued (Unix seconds).
    pub issued_at: i64,
}

/// Why a cursor no longer works: the client starts a full sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Expired {
    #[error(
        "what you may see changed (an assignment, a role or a department) since this cursor was issued"
    )]
    ScopeChanged,
    #[error("this cursor was issued for other kinds of record")]
    TypesChanged,
    #[error("this cursor went unused longer than the server keeps it")]
    TooOld,
}

impl SyncCursor {
    /// The text a cursor carries (signed by the API): fields joined by `|`.
    pub fn to_position(&self) -> String {
        format!(
            "s1|{}|{}|{}|{}|{}",
            self.seq,
            self.scope,
            self.types.to_stored(),
            self.tasks,
            self.issued_at
        )
    }

    pub fn parse_position(position: &str) -> Option<SyncCursor> {
        let mut parts = position.split('|');
        if parts.next()? != "s1" {
            return None;
        }
        let seq = parts.next()?.parse().ok().filter(|s: &i64| *s >= 0)?;
        let scope = parts.next()?.to_owned();
        let types = SyncTypes::parse(parts.next()?).ok()?;
        let tasks = parts.next()?.to_owned();
        let issued_at = parts.next()?.parse().ok()?;
        if parts.next().is_some() {
            return None;
        }
        Some(SyncCursor {
            seq,
            scope,
            types,
            tasks,
            issued_at,
        })
    }

    /// Whether the cursor still continues: the same scope and kinds, and
    /// issued no earlier than `oldest` (Unix seconds).
    pub fn check(&self, scope: &str, types: &SyncTypes, oldest: i64) -> Result<(), Expired> {
        if self.scope != scope {
            return Err(Expired::ScopeChanged);
        }
        if &self.types != types {
            return Err(Expired::TypesChanged);
        }
        if self.issued_at < oldest {
            return Err(Expired::TooOld);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cursor() -> SyncCursor {
        SyncCursor {
            seq: 42,
            scope: "a1b2".into(),
            types: SyncTypes::parse("hazards,cases").unwrap(),
            tasks: String::new(),
            issued_at: 1_764_000_000,
        }
    }

    #[test]
    fn types_parse_as_a_set_and_refuse_unknown_or_none() {
        let t = SyncTypes::parse("hazards,cases,hazards").unwrap();
        assert_eq!(t.to_stored(), "cases,hazards");
        assert_eq!(
            SyncTypes::parse("cases,case"),
            Err(TypesError::Unknown("case".into()))
        );
        assert_eq!(
            SyncTypes::parse("cases, hazards"),
            Err(TypesError::Unknown(" hazards".into()))
        );
        assert_eq!(
            SyncTypes::parse("cases,"),
            Err(TypesError::Unknown(String::new()))
        );
        assert_eq!(SyncTypes::parse(""), Err(TypesError::Empty));
        assert_eq!(SyncTypes::all().iter().count(), 9);
        assert!(!SyncTypes::all().logged().contains(&SyncType::Tasks));
    }

    #[test]
    fn a_cursor_round_trips_and_rejects_anything_else() {
        let c = cursor();
        assert_eq!(
            SyncCursor::parse_position(&c.to_position()),
            Some(c.clone())
        );
        let with_tasks = SyncCursor {
            tasks: "9f86d081".into(),
            ..c
        };
        assert_eq!(
            SyncCursor::parse_position(&with_tasks.to_position()),
            Some(with_tasks)
        );
        for bad in [
            "",
            "s2|42|a1b2|cases|||1764000000",
            "s1|-1|a1b2|cases||1764000000",
            "s1|x|a1b2|cases||1764000000",
            "s1|42|a1b2|nope||1764000000",
            "s1|42|a1b2|cases||1764000000|more",
            "s1|42|a1b2|cases|",
        ] {
            assert_eq!(SyncCursor::parse_position(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_cursor_expires_with_its_scope_its_kinds_or_its_age() {
        let c = cursor();
        let types = SyncTypes::parse("cases,hazards").unwrap();
        assert_eq!(c.check("a1b2", &types, 1_764_000_000), Ok(()));
        assert_eq!(c.check("ffff", &types, 0), Err(Expired::ScopeChanged));
        assert_eq!(
            c.check("a1b2", &SyncTypes::all(), 0),
            Err(Expired::TypesChanged)
        );
        assert_eq!(c.check("a1b2", &types, 1_764_000_001), Err(Expired::TooOld));
    }
}
