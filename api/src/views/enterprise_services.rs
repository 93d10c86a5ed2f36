//! An enterprise's accounts and its life-cycle services as the API shows
//! them.

use chrono::{DateTime, Utc};
use gridwork_domain::case::{CaseState, Satisfaction, Severity};
use gridwork_domain::enterprise_service::ServiceStage;
use gridwork_persistence::case::CaseRow;
use gridwork_persistence::time;
use serde::Serialize;
use utoipa::ToSchema;

use super::cases::{KpiView, StateCount};
use crate::app::enterprise_services::{Account, Services, StageSummary};

#[derive(Debug, Serialize, ToSchema)]
pub struct EnterpriseAccountView {
    #[schema(format = Uuid, max_length = 36)]
    pub user_id: String,
    #[schema(max_length = 64)]
    pub username: String,
    #[schema(max_length = 100)]
    pub display_name: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<&Account> for EnterpriseAccountView {
    fn from((row, username, display_name): &Account) -> EnterpriseAccountView {
        EnterpriseAccountView {
            user_id: row.user_id.to_string(),
            username: username.clone(),
            display_name: display_name.clone(),
            created_at: time::from_db(row.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EnterpriseAccountPage {
    #[schema(max_items = 200)]
    pub items: Vec<EnterpriseAccountView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[schema(max_length = 200, pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$")]
    pub next_cursor: Option<String>,
}

/// An enterprise's requests at one stage of its life.
#[derive(Debug, Serialize, ToSchema)]
pub struct StageView {
    pub stage: ServiceStage,
    /// Every request at this stage.
    pub requests: u64,
    /// Those still asking for work (not closed, evaluated, rejected or merged).
    pub open: u64,
    #[schema(max_items = 11)]
    pub by_state: Vec<StateCount>,
    /// Outcomes: closure, on-time closure, rework, and satisfaction as the
    /// enterprise evaluated them.
    pub kpis: KpiView,
}

impl From<StageSummary> for StageView {
    fn from(s: StageSummary) -> StageView {
        StageView {
            stage: s.stage,
            requests: s.by_state.values().sum(),
            open: s
                .by_state
                .iter()
                .filter(|(state, _)| state.is_open())
                .map(|(_, n)| n)
                .sum(),
            by_state: s
                .by_state
                .into_iter()
                .map(|(state, count)| StateCount { state, count })
                .collect(),
            kpis: s.kpis.into(),
        }
    }
}

/// One request, as the enterprise may read it (the case's public part).
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceRequestView {
    #[schema(format = Uuid, max_length = 36)]
    pub case_id: String,
    pub stage: ServiceStage,
    #[schema(
        max_length = 81,
        pattern = "^[a-z][a-z0-9_]{0,39}(\\.[a-z][a-z0-9_]{0,39})?$",
        example = "enterprise_service.talent"
    )]
    pub category: String,
    pub severity: Severity,
    pub state: CaseState,
    #[schema(max_length = 2000)]
    pub description: String,
    pub reported_at: DateTime<Utc>,
    pub resolve_due_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub satisfaction: Option<Satisfaction>,
}

impl From<&(ServiceStage, CaseRow)> for ServiceRequestView {
    fn from((stage, row): &(ServiceStage, CaseRow)) -> ServiceRequestView {
        ServiceRequestView {
            case_id: row.id.to_string(),
            stage: *stage,
            category: row.category_code.clone(),
            severity: row.severity,
            state: row.state,
            description: row.description.clone(),
            reported_at: time::from_db(row.reported_at),
            resolve_due_at: time::from_db(row.resolve_due_at),
            closed_at: row.closed_at.map(time::from_db),
            satisfaction: row.satisfaction,
        }
    }
}

/// An enterprise's services over its life cycle: every stage summed up,
/// then one page of its requests, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct EnterpriseServicesView {
    #[schema(max_length = 64)]
    pub enterprise_id: String,
    #[schema(max_length = 200)]
    pub enterprise_name: String,
    /// Settling in, production, expansion: always all three, in that order.
    #[schema(min_items = 3, max_items = 3)]
    pub stages: Vec<StageView>,
    #[schema(max_items = 200)]
    pub items: Vec<ServiceRequestView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[schema(max_length = 200, pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$")]
    pub next_cursor: Option<String>,
}

impl EnterpriseServicesView {
    pub fn new(services: Services, next_cursor: Option<String>) -> EnterpriseServicesView {
        EnterpriseServicesView {
            enterprise_id: services.enterprise.id.to_string(),
            enterprise_name: services.enterprise.name.clone(),
            stages: services.stages.into_iter().map(StageView::from).collect(),
            items: services
                .requests
                .iter()
                .map(ServiceRequestView::from)
                .collect(),
            next_cursor,
        }
    }
}
