//! Delta sync for offline apps: the records that changed in the caller's
//! scope after a point of the change log, each as the caller would read it
//! now, or a tombstone when the caller can no longer read it.
//!
//! The log (filled by triggers, in commit order) says which records changed
//! and for which grid or department; whether the caller may read a record,
//! and what of it, is decided by the same reads as `GET /…/{id}`, so sync
//! shows nothing those do not.

use gridwork_domain::sync::{SyncType, SyncTypes};
use gridwork_domain::{CaseId, DisputeId, EnterpriseId, GridId, HazardId, PersonId, PolicyId};
use gridwork_persistence::case::{CaseRow, DepartmentWork};
use gridwork_persistence::dispute::DisputeRow;
use gridwork_persistence::enterprise::EnterpriseRow;
use gridwork_persistence::grid::GridRow;
use gridwork_persistence::hazard::HazardRow;
use gridwork_persistence::inspection_schedule::{self as schedule_store, OccurrenceRow};
use gridwork_persistence::person::PersonRow;
use gridwork_persistence::sync::{self as log, Audience, ChangeRow};
use gridwork_persistence::{DbConnection, person};
use sha2::{Digest, Sha256};

use super::policies::Listed;
use super::{AppError, Scoped};

/// A record as the caller may read it now.
#[derive(Debug)]
pub enum Record {
    Case(Box<CaseRow>, Vec<DepartmentWork>),
    Hazard(Box<HazardRow>),
    Occurrence(Box<OccurrenceRow>),
    Dispute(Box<DisputeRow>),
    Policy(Box<Listed>),
    Grid(Box<GridRow>),
    Enterprise(Box<EnterpriseRow>),
    Person(Box<PersonRow>),
}

/// One record's change: its state now, or `None` — deleted, archived or
/// out of the caller's scope: the app drops its copy.
#[derive(Debug)]
pub struct Change {
    pub kind: SyncType,
    pub id: String,
    /// The change number this item stands for.
    pub seq: i64,
    pub record: Option<Record>,
}

/// One page of the log read for a caller.
#[derive(Debug)]
pub struct Delta {
    pub changes: Vec<Change>,
    /// The last change number read: where the next page starts.
    pub seq: i64,
    /// Whether more changes follow at once.
    pub more: bool,
}

/// What the caller may see, as a short fingerprint a cursor carries: its
/// roles, its department and the grids of its scope. When any of these
/// changes, a cursor can no longer say what the app holds.
pub fn scope_fingerprint(scoped: &Scoped) -> String {
    let mut hash = Sha256::new();
    let roles = scoped.caller.roles.to_stored();
    hash.update(roles.as_bytes());
    hash.update(b"\n");
    if let Some(code) = scoped
        .caller
        .user
        .as_ref()
        .and_then(|u| u.department_code.as_deref())
    {
        hash.update(code.as_bytes());
    }
    hash.update(b"\n");
    match scoped.scope.grid_ids() {
        None => hash.update(b"zone"),
        Some(ids) => {
            let mut ids: Vec<&str> = ids.iter().map(GridId::as_str).collect();
            ids.sort_unstable();
            for id in ids {
                hash.update(id.as_bytes());
                hash.update(b",");
            }
        }
    }
    crate::auth::hex(&hash.finalize()[..8])
}

/// The changes after `after` of the logged kinds in `types`, at most
/// `limit` log rows, one item per record at its latest change.
pub fn delta(
    conn: &mut DbConnection,
    scoped: &Scoped,
    types: &SyncTypes,
    after: i64,
    limit: i64,
) -> Result<Delta, AppError> {
    let kinds = types.logged();
    if kinds.is_empty() {
        return Ok(Delta {
            changes: Vec::new(),
            seq: after,
            more: false,
        });
    }
    let entities: Vec<&str> = kinds.iter().map(|k| k.code()).collect();
    let department = scoped
        .caller
        .user
        .as_ref()
        .and_then(|u| u.department_code.clone());
    let audience = match scoped.scope.grid_ids() {
        None => Audience::Zone,
        Some(grids) => Audience::Within {
            grids,
            department: department.as_deref(),
            // policies reach by grid, role and industry: read to decide
            open: &[SyncType::Policies.code()],
        },
    };
    let mut rows = log::after(conn, after, &entities, audience, limit + 1)?;
    let more = rows.len() > usize::try_from(limit).unwrap_or(usize::MAX);
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    let seq = rows.last().map_or(after, |r| r.seq);
    let mut resolver = Resolver {
        conn,
        scoped,
        people_in_scope: None,
    };
    let mut changes = Vec::new();
    for row in latest_per_record(rows) {
        let Some(kind) = SyncType::parse(&row.entity) else {
            continue;
        };
        let record = resolver.resolve(kind, &row.entity_id)?;
        // policies concern everyone until read: one the caller cannot read
        // was never theirs, and is not news to them
        if kind == SyncType::Policies && record.is_none() {
            continue;
        }
        changes.push(Change {
            kind,
            id: row.entity_id,
            seq: row.seq,
            record,
        });
    }
    Ok(Delta { changes, seq, more })
}

/// The last change of each record in `rows`, in commit order.
fn latest_per_record(rows: Vec<ChangeRow>) -> Vec<ChangeRow> {
    let mut seen = std::collections::HashSet::new();
    let mut latest: Vec<ChangeRow> = rows
        .into_iter()
        .rev()
        .filter(|r| seen.insert((r.entity.clone(), r.entity_id.clone())))
        .collect();
    latest.reverse();
    latest
}

/// Compacts the change log behind the changes after `from`, a window at a
/// time (at most `windows` of `window` changes); returns how far it got and
/// how many rows went.
pub fn compact(
    conn: &mut DbConnection,
    from: i64,
    window: i64,
    windows: usize,
) -> Result<(i64, usize), AppError> {
    let top = log::latest(conn)?;
    let (mut at, mut removed) = (from.min(top), 0);
    for _ in 0..windows {
        if at >= top {
            break;
        }
        let to = top.min(at.saturating_add(window));
        removed += log::compact(conn, at, to)?;
        at = to;
    }
    Ok((at, removed))
}

/// Reads records as the caller may read them.
struct Resolver<'a> {
    conn: &'a mut DbConnection,
    scoped: &'a Scoped,
    /// The people of the caller's grids, read once a page.
    people_in_scope: Option<Vec<PersonId>>,
}

impl Resolver<'_> {
    /// The record now, or `None` when the caller cannot read it (or it is
    /// deleted or archived).
    fn resolve(&mut self, kind: SyncType, id: &str) -> Result<Option<Record>, AppError> {
        let found = match kind {
            SyncType::Cases => super::cases::find(self.conn, self.scoped, &CaseId::from(id))
                .and_then(|(row, _)| {
                    let work =
                        super::cases::department_work(self.conn, std::slice::from_ref(&row))?;
                    Ok(Record::Case(Box::new(row), work))
                }),
            SyncType::Hazards => super::hazards::find(self.conn, self.scoped, &HazardId::from(id))
                .map(|(row, _)| Record::Hazard(Box::new(row))),
            SyncType::Occurrences => self.occurrence(id),
            SyncType::Disputes => {
                super::disputes::find(self.conn, self.scoped, &DisputeId::from(id))
                    .map(|(row, _)| Record::Dispute(Box::new(row)))
            }
            SyncType::Policies => {
                super::policies::find(self.conn, self.scoped, &PolicyId::from(id))
                    .map(|listed| Record::Policy(Box::new(listed)))
            }
            SyncType::Grids => {
                super::grids::find_visible(self.conn, self.scoped, &GridId::from(id))
                    .and_then(|row| live(row.archived_at.is_none(), Record::Grid(Box::new(row))))
            }
            SyncType::Enterprises => {
                super::enterprises::find_visible(self.conn, self.scoped, &EnterpriseId::from(id))
                    .and_then(|row| {
                        live(row.archived_at.is_none(), Record::Enterprise(Box::new(row)))
                    })
            }
            SyncType::People => self.person(id),
            SyncType::Tasks => Err(AppError::NotFound),
        };
        match found {
            Ok(record) => Ok(Some(record)),
            Err(AppError::NotFound | AppError::Forbidden) => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn occurrence(&mut self, id: &str) -> Result<Record, AppError> {
        let row = schedule_store::find_occurrence(self.conn, id)?.ok_or(AppError::NotFound)?;
        self.scoped.check(Some(&row.grid_id))?;
        Ok(Record::Occurrence(Box::new(row)))
    }

    /// As `people::find_visible`, with the people of the caller's grids
    /// read once for the whole page.
    fn person(&mut self, id: &str) -> Result<Record, AppError> {
        let row = person::find(self.conn, &PersonId::from(id))?.ok_or(AppError::NotFound)?;
        if let Some(grids) = self.scoped.scope.grid_ids() {
            if self.people_in_scope.is_none() {
                self.people_in_scope = Some(person::ids_in_grids(self.conn, grids)?);
            }
            if !self
                .people_in_scope
                .as_ref()
                .is_some_and(|ids| ids.contains(&row.id))
            {
                return Err(AppError::NotFound);
            }
        }
        live(row.archived_at.is_none(), Record::Person(Box::new(row)))
    }
}

/// Archived records are gone for apps: a tombstone.
fn live(alive: bool, record: Record) -> Result<Record, AppError> {
    if alive {
        Ok(record)
    } else {
        Err(AppError::NotFound)
    }
}
