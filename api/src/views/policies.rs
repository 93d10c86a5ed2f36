//! Policies as the API shows them, with the caller's read receipt; their
//! briefings; and their reach per grid.

use chrono::{DateTime, NaiveDate, Utc};
use gridwork_domain::assignment::GridRole;
use gridwork_domain::policy::SourceLevel;
use gridwork_persistence::policy::{BriefingRow, PolicyRow};
use gridwork_persistence::time;
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::policies::{GridReach, Listed};
use crate::views::attachments;

/// Whom a policy is for; an empty list means "any".
#[derive(Debug, Serialize, ToSchema)]
pub struct TargetView {
    /// Grids, each with everything below it; none: the whole zone.
    #[schema(value_type = Vec<crate::app::policies::GridIdText>, max_items = 100)]
    pub grid_ids: Vec<String>,
    #[schema(max_items = 5)]
    pub roles: Vec<GridRole>,
    /// Industry sections (A–T).
    #[schema(value_type = Vec<crate::app::policies::SectionText>, max_items = 20)]
    pub industries: Vec<String>,
}

/// A policy in a list (without its body).
#[derive(Debug, Serialize, ToSchema)]
pub struct PolicySummary {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(max_length = 200)]
    pub title: String,
    /// In plain words.
    #[schema(max_length = 1000)]
    pub summary: String,
    pub source_level: SourceLevel,
    pub effective_on: NaiveDate,
    #[schema(value_type = Vec<crate::app::policies::TagText>, max_items = 20)]
    pub tags: Vec<String>,
    pub target: TargetView,
    /// Whether it is addressed to you (then you acknowledge it).
    pub targeted: bool,
    /// When you acknowledged it; null if you have not (or it is not for you).
    pub acknowledged_at: Option<DateTime<Utc>>,
    #[schema(format = Uuid, max_length = 36)]
    pub published_by: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl PolicySummary {
    pub fn new(listed: &Listed) -> PolicySummary {
        let row: &PolicyRow = &listed.row;
        PolicySummary {
            id: row.id.to_string(),
            title: row.title.clone(),
            summary: row.summary.clone(),
            source_level: row.source_level,
            effective_on: row.effective_on,
            tags: serde_json::from_str(&row.tags).unwrap_or_default(),
            target: TargetView {
                grid_ids: listed.grid_ids.iter().map(ToString::to_string).collect(),
                roles: listed.target.roles.clone(),
                industries: listed
                    .target
                    .industries
                    .iter()
                    .map(char::to_string)
                    .collect(),
            },
            targeted: listed.standing.targeted,
            acknowledged_at: listed.acknowledged_at,
            published_by: row.published_by.as_ref().map(ToString::to_string),
            created_at: time::from_db(row.created_at),
        }
    }
}

/// A policy with its text.
#[derive(Debug, Serialize, ToSchema)]
pub struct PolicyView {
    #[serde(flatten)]
    pub policy: PolicySummary,
    #[schema(max_length = 20000)]
    pub body: String,
}

impl From<&Listed> for PolicyView {
    fn from(listed: &Listed) -> PolicyView {
        PolicyView {
            policy: PolicySummary::new(listed),
            body: listed.row.body.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PolicyPage {
    /// One page: at most `limit` (1–200) policies, newest first.
    #[schema(max_items = 200)]
    pub items: Vec<PolicySummary>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[schema(max_length = 200, pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$")]
    pub next_cursor: Option<String>,
}

/// Your read receipt.
#[derive(Debug, Serialize, ToSchema)]
pub struct Acknowledgement {
    #[schema(format = Uuid, max_length = 36)]
    pub policy_id: String,
    pub acknowledged_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BriefingView {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub policy_id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub grid_id: String,
    pub held_on: NaiveDate,
    pub attendee_count: i32,
    #[schema(max_length = 2000)]
    pub notes: Option<String>,
    /// Photo ids (`GET /api/v1/attachments/{id}`).
    #[schema(value_type = Vec<uuid::Uuid>, max_items = 10)]
    pub attachments: Vec<String>,
    #[schema(format = Uuid, max_length = 36)]
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<&BriefingRow> for BriefingView {
    fn from(row: &BriefingRow) -> BriefingView {
        BriefingView {
            id: row.id.to_string(),
            policy_id: row.policy_id.to_string(),
            grid_id: row.grid_id.to_string(),
            held_on: row.held_on,
            attendee_count: row.attendee_count,
            notes: row.notes.clone(),
            attachments: attachments::ids(&row.attachments),
            created_by: row.created_by.as_ref().map(ToString::to_string),
            created_at: time::from_db(row.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BriefingPage {
    /// One page: at most `limit` (1–200) briefings, newest first.
    #[schema(max_items = 200)]
    pub items: Vec<BriefingView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[schema(max_length = 200, pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$")]
    pub next_cursor: Option<String>,
}

/// Someone the policy reaches who has not acknowledged it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PendingPerson {
    #[schema(format = Uuid, max_length = 36)]
    pub person_id: String,
    #[schema(max_length = 50)]
    pub name: String,
    pub role: GridRole,
}

/// The most people one grid's `pending` lists.
const MAX_PENDING: usize = 10_000;

#[derive(Debug, Serialize, ToSchema)]
pub struct GridReachView {
    #[schema(format = Uuid, max_length = 36)]
    pub grid_id: String,
    #[schema(max_length = 40, pattern = "^[0-9]{1,40}$")]
    pub code: String,
    #[schema(max_length = 100)]
    pub name: String,
    /// People with accounts the policy reaches in the grid.
    pub targeted: u64,
    /// Of them, those who acknowledged it.
    pub acknowledged: u64,
    /// Who has not acknowledged it yet (the first 10,000 in a grid).
    #[schema(max_items = 10000)]
    pub pending: Vec<PendingPerson>,
}

impl From<GridReach> for GridReachView {
    fn from(g: GridReach) -> GridReachView {
        GridReachView {
            grid_id: g.grid_id.to_string(),
            code: g.code,
            name: g.name,
            targeted: g.targeted,
            acknowledged: g.acknowledged,
            pending: g
                .pending
                .into_iter()
                .take(MAX_PENDING)
                .map(|p| PendingPerson {
                    person_id: p.person_id,
                    name: p.name,
                    role: p.role,
                })
                .collect(),
        }
    }
}

/// Acknowledged / targeted over the grids you oversee.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReachTotals {
    pub targeted: u64,
    pub acknowledged: u64,
    /// acknowledged / targeted in 0..1, 4 decimals; null when no one is
    /// targeted.
    pub rate: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReachPage {
    /// On the first page only: the totals over every grid you oversee (a
    /// person serving two grids counts in each).
    pub totals: Option<ReachTotals>,
    /// One page: at most `limit` (1–200) grids in code order.
    #[schema(max_items = 200)]
    pub items: Vec<GridReachView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[schema(max_length = 200, pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$")]
    pub next_cursor: Option<String>,
}
