//! Social organisations as the API shows them.

use chrono::{DateTime, NaiveDate, Utc};
use gridwork_domain::organisation::{Contribution, OrganisationKind};
use gridwork_persistence::organisation::{MemberRow, OrganisationRow};
use gridwork_persistence::time;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationView {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    pub kind: OrganisationKind,
    #[schema(max_length = 100)]
    pub name: String,
    #[schema(max_length = 100)]
    pub contact: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<&OrganisationRow> for OrganisationView {
    fn from(row: &OrganisationRow) -> OrganisationView {
        OrganisationView {
            id: row.id.to_string(),
            kind: row.kind,
            name: row.name.clone(),
            contact: row.contact.clone(),
            created_at: time::from_db(row.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationPage {
    #[schema(max_items = 200)]
    pub items: Vec<OrganisationView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[schema(max_length = 200, pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$")]
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationMemberView {
    #[schema(format = Uuid, max_length = 36)]
    pub person_id: String,
    #[schema(max_length = 100)]
    pub name: String,
    pub joined_on: Option<NaiveDate>,
}

impl From<&(MemberRow, String)> for OrganisationMemberView {
    fn from((row, name): &(MemberRow, String)) -> OrganisationMemberView {
        OrganisationMemberView {
            person_id: row.person_id.to_string(),
            name: name.clone(),
            joined_on: row.joined_on,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationMemberPage {
    #[schema(max_items = 200)]
    pub items: Vec<OrganisationMemberView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[schema(max_length = 200, pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$")]
    pub next_cursor: Option<String>,
}

/// What an organisation's members did in a month.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContributionView {
    pub organisation: OrganisationView,
    #[schema(min_length = 7, max_length = 7, pattern = "^[0-9]{4}-(0[1-9]|1[0-2])$")]
    pub period: String,
    /// Members with an account (whose work is counted).
    #[schema(minimum = 0)]
    pub members_counted: i64,
    /// Cases they reported.
    #[schema(minimum = 0)]
    pub reports: u64,
    /// Inspections they submitted.
    #[schema(minimum = 0)]
    pub inspections: u64,
    /// Disputes opened with them as mediator.
    #[schema(minimum = 0)]
    pub mediations: u64,
    #[schema(minimum = 0)]
    pub total: u64,
}

impl ContributionView {
    pub fn new(org: &OrganisationRow, period: String, members: i64, c: Contribution) -> Self {
        ContributionView {
            organisation: OrganisationView::from(org),
            period,
            members_counted: members,
            reports: c.reports,
            inspections: c.inspections,
            mediations: c.mediations,
            total: c.total(),
        }
    }
}
