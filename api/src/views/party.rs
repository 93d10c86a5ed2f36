//! Party branches, members, candidates and activities as the API shows them.

use chrono::{DateTime, NaiveDate, Utc};
use gridwork_domain::party::PartyRole;
use gridwork_persistence::party::{ActivityRow, CandidateRow, MemberRow};
use gridwork_persistence::time;
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::party::Branch;
use crate::views::cases::Ratio;

#[derive(Debug, Serialize, ToSchema)]
pub struct BranchView {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(max_length = 100)]
    pub name: String,
    /// The grid it is attached to; it covers everything below.
    #[schema(format = Uuid, max_length = 36)]
    pub grid_id: String,
    #[schema(max_length = 64)]
    pub grid_code: String,
    pub founded_on: Option<NaiveDate>,
    #[schema(minimum = 0)]
    pub member_count: i64,
    pub created_at: DateTime<Utc>,
}

impl From<&Branch> for BranchView {
    fn from((row, members): &Branch) -> BranchView {
        BranchView {
            id: row.id.to_string(),
            name: row.name.clone(),
            grid_id: row.grid_id.to_string(),
            grid_code: row.grid_code.clone(),
            founded_on: row.founded_on,
            member_count: *members,
            created_at: time::from_db(row.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BranchPage {
    #[schema(max_items = 200)]
    pub items: Vec<BranchView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[schema(max_length = 200, pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$")]
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MemberView {
    #[schema(format = Uuid, max_length = 36)]
    pub person_id: String,
    #[schema(max_length = 100)]
    pub name: String,
    pub role: PartyRole,
    pub joined_on: Option<NaiveDate>,
}

impl From<&(MemberRow, String)> for MemberView {
    fn from((row, name): &(MemberRow, String)) -> MemberView {
        MemberView {
            person_id: row.person_id.to_string(),
            name: name.clone(),
            role: row.role,
            joined_on: row.joined_on,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MemberPage {
    #[schema(max_items = 200)]
    pub items: Vec<MemberView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[schema(max_length = 200, pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$")]
    pub next_cursor: Option<String>,
}

/// A development candidate (发展对象).
#[derive(Debug, Serialize, ToSchema)]
pub struct CandidateView {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub person_id: String,
    #[schema(max_length = 100)]
    pub name: String,
    /// The closed month whose scorecards commended them.
    #[schema(min_length = 7, max_length = 7, pattern = "^[0-9]{4}-(0[1-9]|1[0-2])$")]
    pub period: String,
    #[schema(max_length = 500)]
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<&(CandidateRow, String)> for CandidateView {
    fn from((row, name): &(CandidateRow, String)) -> CandidateView {
        CandidateView {
            id: row.id.to_string(),
            person_id: row.person_id.to_string(),
            name: name.clone(),
            period: row.period.clone(),
            reason: row.reason.clone(),
            created_at: time::from_db(row.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CandidatePage {
    #[schema(max_items = 200)]
    pub items: Vec<CandidateView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[schema(max_length = 200, pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$")]
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityView {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub branch_id: String,
    #[schema(max_length = 100)]
    pub title: String,
    pub held_on: NaiveDate,
    #[schema(max_length = 200)]
    pub place: Option<String>,
    #[schema(minimum = 0, maximum = 500)]
    pub attendee_count: i32,
    pub created_at: DateTime<Utc>,
}

impl From<&ActivityRow> for ActivityView {
    fn from(row: &ActivityRow) -> ActivityView {
        ActivityView {
            id: row.id.to_string(),
            branch_id: row.branch_id.to_string(),
            title: row.title.clone(),
            held_on: row.held_on,
            place: row.place.clone(),
            attendee_count: row.attendee_count,
            created_at: time::from_db(row.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityPage {
    #[schema(max_items = 200)]
    pub items: Vec<ActivityView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[schema(max_length = 200, pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$")]
    pub next_cursor: Option<String>,
}

/// How many of the caller's grids (the zone itself aside) a party branch
/// covers, on the grid or above it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartyCoverage {
    pub grids: Ratio,
}
