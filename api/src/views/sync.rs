//! Delta sync as apps receive it.

use chrono::{DateTime, Utc};
use gridwork_domain::sync::{SyncOp, SyncType};
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::sync::{Change, Record};
use crate::app::{AppError, Scoped};
use crate::views::cases::CaseView;
use crate::views::disputes::DisputeView;
use crate::views::enterprises::{EnterpriseView, Freshness};
use crate::views::grids::GridView;
use crate::views::inspection_schedules::OccurrenceView;
use crate::views::inspections::HazardView;
use crate::views::people::PersonView;
use crate::views::policies::PolicyView;
use crate::views::tasks::TaskView;

/// One record that changed. With `upsert`, the record as its `GET` answers
/// it now is in the field named after its type (`case`, `hazard`,
/// `occurrence`, `dispute`, `policy`, `grid`, `enterprise`, `person`); with
/// `delete` (deleted, archived, or no longer in your scope) there is none.
#[derive(Debug, Serialize, ToSchema)]
pub struct SyncItem {
    #[serde(rename = "type")]
    pub kind: SyncType,
    #[schema(max_length = 64)]
    pub id: String,
    /// The change this item stands for, in commit order.
    #[schema(minimum = 1, maximum = 9007199254740991i64)]
    pub seq: i64,
    pub op: SyncOp,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case: Option<CaseView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hazard: Option<HazardView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub occurrence: Option<OccurrenceView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dispute: Option<DisputeView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<PolicyView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grid: Option<GridView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enterprise: Option<EnterpriseView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person: Option<PersonView>,
}

/// How records are shown to this caller: what the `GET`s would decide.
pub struct Reader<'a> {
    pub scoped: &'a Scoped,
    /// Phones in full (people-management rights), else masked.
    pub full_phones: bool,
    pub freshness: Freshness,
    pub now: DateTime<Utc>,
}

impl SyncItem {
    pub fn new(change: &Change, reader: &Reader<'_>) -> Result<SyncItem, AppError> {
        let mut item = SyncItem {
            kind: change.kind,
            id: change.id.clone(),
            seq: change.seq,
            op: if change.record.is_some() {
                SyncOp::Upsert
            } else {
                SyncOp::Delete
            },
            case: None,
            hazard: None,
            occurrence: None,
            dispute: None,
            policy: None,
            grid: None,
            enterprise: None,
            person: None,
        };
        match &change.record {
            None => {}
            Some(Record::Case(row, work)) => item.case = Some(CaseView::new(row, work, reader.now)),
            Some(Record::Hazard(row)) => item.hazard = Some(HazardView::new(row, reader.now)),
            Some(Record::Occurrence(row)) => item.occurrence = Some(OccurrenceView::from(&**row)),
            Some(Record::Dispute(row)) => {
                item.dispute = Some(DisputeView::read(reader.scoped, row)?);
            }
            Some(Record::Policy(listed)) => item.policy = Some(PolicyView::from(&**listed)),
            Some(Record::Grid(row)) => item.grid = Some(GridView::from(&**row)),
            Some(Record::Enterprise(row)) => {
                item.enterprise = Some(EnterpriseView::new(row, reader.freshness));
            }
            Some(Record::Person(row)) => {
                item.person = Some(PersonView::new(row, reader.full_phones));
            }
        }
        Ok(item)
    }
}

/// One page of a sync.
#[derive(Debug, Serialize, ToSchema)]
pub struct SyncPage {
    /// The records that changed, oldest change first (at most `limit`).
    #[schema(max_items = 500)]
    pub items: Vec<SyncItem>,
    /// Always present: pass it as `since` to continue — at once while
    /// `has_more`, else at the next sync.
    #[schema(max_length = 400, pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$")]
    pub next_cursor: String,
    /// More changes are waiting now.
    pub has_more: bool,
    /// With `tasks` among the types, on the last page: the caller's task
    /// list whole (the first 200 by due time, as `GET /api/v1/me/tasks`),
    /// when it differs from the one the cursor's sync sent; absent when
    /// unchanged. Tasks follow from the other records and from the clock
    /// (an inspection window opens, a deadline passes), so they are sent
    /// whole rather than as changes.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_items = 200)]
    pub tasks: Option<Vec<TaskView>>,
}
