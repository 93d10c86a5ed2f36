//! Cases as the API shows them.

use chrono::{DateTime, Utc};
use gridwork_domain::Role;
use gridwork_domain::case::deadline::{self, DeadlineStatus};
use gridwork_domain::case::kpi::{Durations, Kpis};
use gridwork_domain::case::{CaseState, Level, Satisfaction, Severity, Source, Visibility};
use gridwork_domain::coverage::Rate;
use gridwork_persistence::case::{CaseRow, DepartmentWork, TimelineRow};
use gridwork_persistence::time;

use crate::app::case_stats::CaseStats;
use crate::app::cases::Reported;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct CaseView {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub grid_id: String,
    #[schema(
        max_length = 81,
        pattern = "^[a-z][a-z0-9_]{0,39}(\\.[a-z][a-z0-9_]{0,39})?$",
        example = "safety_hazard.flooding"
    )]
    pub category: String,
    pub severity: Severity,
    pub source: Source,
    pub state: CaseState,
    /// The rung of the escalation ladder that holds it.
    pub level: Level,
    #[schema(max_length = 2000)]
    pub description: String,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    #[schema(format = Uuid, max_length = 36)]
    pub enterprise_id: Option<String>,
    /// The account that reported it; null for hotline and system reports.
    #[schema(format = Uuid, max_length = 36)]
    pub reporter_id: Option<String>,
    /// The grid worker it was dispatched to.
    #[schema(format = Uuid, max_length = 36)]
    pub assignee_id: Option<String>,
    /// The departments it was dispatched to (协同处置): the lead first, then
    /// the assisting ones; empty unless the committee dispatched it.
    #[schema(max_items = 11)]
    pub departments: Vec<CaseDepartmentView>,
    /// Failed verifications so far.
    pub rework_count: i32,
    /// An unsatisfied evaluation reopened it (once only).
    pub reopened: bool,
    pub satisfaction: Option<Satisfaction>,
    /// The hazard this case was opened for, overdue for rectification.
    #[schema(format = Uuid, max_length = 36)]
    pub hazard_id: Option<String>,
    /// The case this one was merged into as a duplicate.
    #[schema(format = Uuid, max_length = 36)]
    pub merged_into: Option<String>,
    pub reported_at: DateTime<Utc>,
    /// Deadlines from the category and severity; time on hold is added back.
    pub accept_due_at: DateTime<Utc>,
    pub report_in_due_at: Option<DateTime<Utc>>,
    pub resolve_due_at: DateTime<Utc>,
    /// How the case stands against its next deadline (acceptance while
    /// reported, resolution after); null once finished; `normal` on hold.
    pub deadline_status: Option<DeadlineStatus>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub dispatched_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    /// Optimistic-concurrency version; the ETag is `"<version>"`.
    pub version: i32,
}

/// A department's part in a dispatched case.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseDepartmentView {
    /// The department's code (`GET /api/v1/departments`).
    #[schema(
        max_length = 40,
        pattern = "^[a-z][a-z0-9_]{0,39}$",
        example = "emergency_management"
    )]
    pub code: String,
    /// The lead department (牵头) resolves the case; the others assist.
    pub lead: bool,
    pub dispatched_at: DateTime<Utc>,
    /// When it reported in (报到); null until it has.
    pub reported_in_at: Option<DateTime<Utc>>,
    /// The staff account that reported in for it.
    #[schema(format = Uuid, max_length = 36)]
    pub reported_in_by: Option<String>,
    /// That account's display name (or username).
    #[schema(max_length = 100)]
    pub reported_in_by_name: Option<String>,
}

impl From<&DepartmentWork> for CaseDepartmentView {
    fn from(work: &DepartmentWork) -> CaseDepartmentView {
        let row = &work.row;
        CaseDepartmentView {
            code: row.department_code.clone(),
            lead: row.lead,
            dispatched_at: time::from_db(row.dispatched_at),
            reported_in_at: row.reported_in_at.map(time::from_db),
            reported_in_by: row.reported_in_by.as_ref().map(ToString::to_string),
            reported_in_by_name: work.reported_in_by_name.clone(),
        }
    }
}

impl CaseView {
    /// The case as it stands; `work` holds the departments' parts of this
    /// case and maybe of others (a page's, read at once).
    pub fn new(row: &CaseRow, work: &[DepartmentWork], now: DateTime<Utc>) -> CaseView {
        let reported = time::from_db(row.reported_at);
        let due = |at| time::from_db(at);
        let deadline_status = match row.state {
            CaseState::Reported => Some(deadline::status(reported, due(row.accept_due_at), now)),
            CaseState::OnHold => Some(DeadlineStatus::Normal),
            state if state.is_open() => {
                Some(deadline::status(reported, due(row.resolve_due_at), now))
            }
            _ => None,
        };
        CaseView {
            id: row.id.to_string(),
            grid_id: row.grid_id.to_string(),
            category: row.category_code.clone(),
            severity: row.severity,
            source: row.source,
            state: row.state,
            level: row.level,
            description: row.description.clone(),
            lat: row.lat,
            lng: row.lng,
            enterprise_id: row.enterprise_id.as_ref().map(ToString::to_string),
            reporter_id: row.reporter_id.as_ref().map(ToString::to_string),
            assignee_id: row.assignee_id.as_ref().map(ToString::to_string),
            departments: work
                .iter()
                .filter(|w| w.row.case_id == row.id)
                .map(CaseDepartmentView::from)
                .collect(),
            rework_count: row.rework_count,
            reopened: row.reopened,
            satisfaction: row.satisfaction,
            merged_into: row.merged_into.as_ref().map(ToString::to_string),
            hazard_id: row.hazard_id.as_ref().map(ToString::to_string),
            reported_at: reported,
            accept_due_at: due(row.accept_due_at),
            report_in_due_at: row.report_in_due_at.map(time::from_db),
            resolve_due_at: due(row.resolve_due_at),
            deadline_status,
            accepted_at: row.accepted_at.map(time::from_db),
            dispatched_at: row.dispatched_at.map(time::from_db),
            resolved_at: row.resolved_at.map(time::from_db),
            closed_at: row.closed_at.map(time::from_db),
            updated_at: time::from_db(row.updated_at),
            version: row.version,
        }
    }
}

/// An open case the new report may duplicate.
#[derive(Debug, Serialize, ToSchema)]
pub struct PossibleDuplicate {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    pub state: CaseState,
    pub reported_at: DateTime<Utc>,
    /// Metres from the new report.
    pub distance_m: f64,
}

/// A case just reported, with the open cases of its category reported
/// nearby not long before (`merge` marks it as one of their duplicates).
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportedCase {
    #[serde(flatten)]
    pub case: CaseView,
    /// Nearest first; within `GRIDWORK_DUPLICATE_RADIUS_M` and
    /// `GRIDWORK_DUPLICATE_WINDOW_HOURS`, among the cases you may see.
    #[schema(max_items = 50)]
    pub possible_duplicates: Vec<PossibleDuplicate>,
}

impl ReportedCase {
    pub fn new(reported: &Reported, now: DateTime<Utc>) -> ReportedCase {
        ReportedCase {
            case: CaseView::new(&reported.row, &[], now),
            possible_duplicates: reported
                .possible_duplicates
                .iter()
                .map(|(row, metres)| PossibleDuplicate {
                    id: row.id.to_string(),
                    state: row.state,
                    reported_at: time::from_db(row.reported_at),
                    distance_m: (metres * 10.0).round() / 10.0,
                })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CasePage {
    /// One page: at most `limit` (1–200) items, newest first.
    #[schema(max_items = 200)]
    pub items: Vec<CaseView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[schema(max_length = 200, pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$")]
    pub next_cursor: Option<String>,
}

/// A case in a few fields, for lists on slow networks: enough to draw a
/// row and to tell when the full record changed (`version`, `updated_at`).
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseSummary {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub grid_id: String,
    #[schema(
        max_length = 81,
        pattern = "^[a-z][a-z0-9_]{0,39}(\\.[a-z][a-z0-9_]{0,39})?$",
        example = "safety_hazard.flooding"
    )]
    pub category: String,
    pub severity: Severity,
    pub state: CaseState,
    pub level: Level,
    pub deadline_status: Option<DeadlineStatus>,
    pub reported_at: DateTime<Utc>,
    pub resolve_due_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl From<CaseView> for CaseSummary {
    fn from(case: CaseView) -> CaseSummary {
        CaseSummary {
            id: case.id,
            grid_id: case.grid_id,
            category: case.category,
            severity: case.severity,
            state: case.state,
            level: case.level,
            deadline_status: case.deadline_status,
            reported_at: case.reported_at,
            resolve_due_at: case.resolve_due_at,
            updated_at: case.updated_at,
            version: case.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CaseSummaryPage {
    /// One page: at most `limit` (1–200) items, newest first.
    #[schema(max_items = 200)]
    pub items: Vec<CaseSummary>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[schema(max_length = 200, pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$")]
    pub next_cursor: Option<String>,
}

/// One step of a case's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct TimelineEntry {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    pub occurred_at: DateTime<Utc>,
    /// Null for the system (automatic escalation).
    #[schema(format = Uuid, max_length = 36)]
    pub actor_id: Option<String>,
    /// The role the actor acted in.
    #[schema(value_type = Option<Role>)]
    pub actor_role: Option<String>,
    /// A case action, `report` for the report itself, or `note` for a note.
    #[schema(
        max_length = 20,
        pattern = "^(report|note|accept|reject|dispatch|report_in|start|hold|resume|resolve|verify|rework|escalate|merge|evaluate)$"
    )]
    pub action: String,
    pub from_state: Option<CaseState>,
    pub to_state: CaseState,
    pub level: Level,
    #[schema(max_length = 2000)]
    pub note: Option<String>,
    /// Attachment ids.
    #[schema(value_type = Vec<uuid::Uuid>, max_items = 10)]
    pub attachments: Vec<String>,
    pub visibility: Visibility,
    /// The department the actor acted for, when department staff acted on
    /// a case dispatched to their department (report-in, notes, resolve, …).
    #[schema(
        max_length = 40,
        pattern = "^[a-z][a-z0-9_]{0,39}$",
        example = "natural_resources"
    )]
    pub department: Option<String>,
}

impl From<&TimelineRow> for TimelineEntry {
    fn from(row: &TimelineRow) -> TimelineEntry {
        TimelineEntry {
            id: row.id.clone(),
            occurred_at: time::from_db(row.occurred_at),
            actor_id: row.actor_id.as_ref().map(ToString::to_string),
            actor_role: row.actor_role.clone(),
            action: row.action.clone(),
            from_state: row.from_state,
            to_state: row.to_state,
            level: row.level,
            note: row.note.clone(),
            attachments: super::attachments::ids(&row.attachments),
            visibility: row.visibility,
            department: row.department_code.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TimelinePage {
    /// One page: at most `limit` (1–200) entries, oldest first.
    #[schema(max_items = 200)]
    pub items: Vec<TimelineEntry>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[schema(max_length = 200, pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$")]
    pub next_cursor: Option<String>,
}

/// A share: numerator / denominator.
#[derive(Debug, Serialize, ToSchema)]
pub struct Ratio {
    pub numerator: u64,
    pub denominator: u64,
    /// In 0..1, 4 decimals; null when there is nothing to count.
    pub rate: Option<f64>,
}

impl From<Rate> for Ratio {
    fn from(r: Rate) -> Ratio {
        Ratio {
            numerator: r.numerator,
            denominator: r.denominator,
            rate: r.value(),
        }
    }
}

/// How long a step took, in minutes.
#[derive(Debug, Serialize, ToSchema)]
pub struct Timing {
    pub count: u64,
    pub mean_minutes: Option<f64>,
    /// The 90th percentile (nearest rank), read from a histogram exact to
    /// the minute below 64 minutes and in steps of 1/16 above: a value with
    /// at least 90 % of the durations at or below it, at most 6.25 % above
    /// the exact percentile.
    pub p90_minutes: Option<i64>,
}

impl From<Durations> for Timing {
    fn from(d: Durations) -> Timing {
        Timing {
            count: d.count,
            mean_minutes: d.mean,
            p90_minutes: d.p90,
        }
    }
}

/// The assessment figures of a set of cases. A case is due to close when it
/// was not rejected or merged and it is closed, or its resolve deadline
/// passed by the end of the period.
#[derive(Debug, Serialize, ToSchema)]
pub struct KpiView {
    pub due_to_close: u64,
    /// 结案率: closed / due to close.
    pub closure: Ratio,
    /// 按期结案率: closed by the resolve deadline / due to close.
    pub on_time_closure: Ratio,
    /// 返工率: sent back for rework at least once / due to close.
    pub rework: Ratio,
    /// 满意率: (satisfied + basically satisfied) / evaluated.
    pub satisfaction: Ratio,
    /// From report to acceptance.
    pub to_accept: Timing,
    /// From dispatch to the lead department's report-in.
    pub to_report_in: Timing,
    /// From report to resolution.
    pub to_resolve: Timing,
}

impl From<Kpis> for KpiView {
    fn from(k: Kpis) -> KpiView {
        KpiView {
            due_to_close: k.due_to_close,
            closure: k.closure.into(),
            on_time_closure: k.on_time_closure.into(),
            rework: k.rework.into(),
            satisfaction: k.satisfaction.into(),
            to_accept: k.to_accept.into(),
            to_report_in: k.to_report_in.into(),
            to_resolve: k.to_resolve.into(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StateCount {
    pub state: CaseState,
    pub count: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LevelCount {
    pub level: Level,
    pub count: u64,
}

/// The KPIs of one grid, department or worker.
#[derive(Debug, Serialize, ToSchema)]
pub struct KpiRow {
    /// The grid id, department code or worker's account id.
    #[schema(max_length = 64)]
    pub key: String,
    pub kpis: KpiView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CaseStatsView {
    #[schema(max_items = 11)]
    pub by_state: Vec<StateCount>,
    #[schema(max_items = 4)]
    pub by_level: Vec<LevelCount>,
    pub kpis: KpiView,
    /// By grid one level below the grid asked for (the zone by default):
    /// each child's id counts the cases of its whole subtree, the grid's
    /// own id those reported in it directly. The 200 with most cases due
    /// to close.
    #[schema(max_items = 200)]
    pub by_grid: Vec<KpiRow>,
    /// By lead department (code), the busiest first.
    #[schema(max_items = 200)]
    pub by_department: Vec<KpiRow>,
    /// By the grid worker the case was dispatched to (account id): the 200
    /// with most cases due to close. Listed when the period holds at most
    /// 10,000 cases, else empty: rank a province's workers area by area,
    /// or over a shorter period.
    #[schema(max_items = 200)]
    pub by_worker: Vec<KpiRow>,
}

fn rows(groups: Vec<(String, Kpis)>) -> Vec<KpiRow> {
    groups
        .into_iter()
        .map(|(key, k)| KpiRow {
            key,
            kpis: k.into(),
        })
        .collect()
}

impl From<CaseStats> for CaseStatsView {
    fn from(s: CaseStats) -> CaseStatsView {
        CaseStatsView {
            by_state: s
                .all
                .by_state
                .into_iter()
                .map(|(state, count)| StateCount { state, count })
                .collect(),
            by_level: s
                .all
                .by_level
                .into_iter()
                .map(|(level, count)| LevelCount { level, count })
                .collect(),
            kpis: s.all.kpis.into(),
            by_grid: rows(s.by_grid),
            by_department: rows(s.by_department),
            by_worker: rows(s.by_worker),
        }
    }
}

#[cfg(test)]
mod tests {
    use gridwork_domain::case::CaseAction;
    use utoipa::PartialSchema;

    use super::*;

    #[test]
    fn the_timeline_action_pattern_lists_every_action() {
        let schema = serde_json::to_value(TimelineEntry::schema()).unwrap();
        let pattern = schema["properties"]["action"]["pattern"].as_str().unwrap();
        let actions: Vec<&str> = ["report", crate::app::case_steps::NOTE]
            .into_iter()
            .chain(CaseAction::ALL.into_iter().map(CaseAction::code))
            .collect();
        let expected = format!("^({})$", actions.join("|"));
        assert_eq!(pattern, expected);
    }
}
