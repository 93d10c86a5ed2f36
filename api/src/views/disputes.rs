//! Disputes as the API shows them: the parties, the terms and the session
//! notes only to those who may read them (the mediator, grid leaders and
//! zone officers); to everyone else in scope, null with `redacted: true`.

use chrono::{DateTime, NaiveDate, Utc};
use gridwork_domain::dispute::{DisputeOutcome, DisputeState, RiskLevel};
use gridwork_persistence::dispute::{DisputeRow, SessionRow};
use gridwork_persistence::time;
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::dispute_stats::{DisputeStats, Tally};
use crate::app::disputes::{self, Party};
use crate::app::{AppError, Scoped};
use crate::views::cases::Ratio;

#[derive(Debug, Serialize, ToSchema)]
pub struct DisputeView {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub grid_id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub enterprise_id: Option<String>,
    #[schema(
        max_length = 48,
        pattern = "^dispute\\.[a-z][a-z0-9_]{0,39}$",
        example = "dispute.wage_arrears"
    )]
    pub category: String,
    /// What it is about, without names.
    #[schema(max_length = 2000)]
    pub summary: String,
    /// Restricted: null when `redacted`.
    #[schema(max_items = 20)]
    pub parties: Option<Vec<Party>>,
    pub amount_yuan: Option<f64>,
    pub employees_involved: i32,
    #[schema(format = Uuid, max_length = 36)]
    pub mediator_id: String,
    pub state: DisputeState,
    pub outcome: Option<DisputeOutcome>,
    /// Restricted: null when `redacted`.
    #[schema(max_length = 4000)]
    pub outcome_terms: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
    pub follow_up_on: Option<NaiveDate>,
    /// The case an escalated dispute opened.
    #[schema(format = Uuid, max_length = 36)]
    pub case_id: Option<String>,
    pub opened_on: NaiveDate,
    /// True when the parties, the terms and the session notes are withheld
    /// from you (you are not its mediator, a grid leader or a zone officer).
    pub redacted: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Optimistic-concurrency version; the ETag is `"<version>"`.
    pub version: i32,
}

impl DisputeView {
    /// The dispute as `scoped` may read it: the parties only for its
    /// mediator, grid leaders and zone officers.
    pub fn read(scoped: &Scoped, row: &DisputeRow) -> Result<DisputeView, AppError> {
        let parties = if disputes::may_read(scoped, row) {
            Some(disputes::parties(row)?)
        } else {
            None
        };
        Ok(DisputeView::new(row, parties))
    }

    pub fn new(row: &DisputeRow, parties: Option<Vec<Party>>) -> DisputeView {
        let redacted = parties.is_none();
        DisputeView {
            id: row.id.to_string(),
            grid_id: row.grid_id.to_string(),
            enterprise_id: row.enterprise_id.as_ref().map(ToString::to_string),
            category: row.category_code.clone(),
            summary: row.summary.clone(),
            parties,
            amount_yuan: row.amount_yuan,
            employees_involved: row.employees_involved,
            mediator_id: row.mediator_id.to_string(),
            state: row.state,
            outcome: row.outcome,
            outcome_terms: if redacted {
                None
            } else {
                row.outcome_terms.clone()
            },
            closed_at: row.closed_at.map(time::from_db),
            follow_up_on: row.follow_up_on,
            case_id: row.case_id.as_ref().map(ToString::to_string),
            opened_on: row.opened_on,
            redacted,
            created_at: time::from_db(row.created_at),
            updated_at: time::from_db(row.updated_at),
            version: row.version,
        }
    }
}

/// A mediation session.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    pub held_on: NaiveDate,
    /// Restricted: null when the dispute is `redacted` for you.
    #[schema(max_length = 4000)]
    pub notes: Option<String>,
    /// Restricted: null when the dispute is `redacted` for you.
    #[schema(value_type = Option<Vec<crate::app::disputes::NameText>>, max_items = 30)]
    pub attendees: Option<Vec<String>>,
    pub created_at: DateTime<Utc>,
}

impl SessionView {
    pub fn new(row: &SessionRow, restricted: bool) -> SessionView {
        SessionView {
            id: row.id.clone(),
            held_on: row.held_on,
            notes: restricted.then(|| row.notes.clone()),
            attendees: restricted.then(|| serde_json::from_str(&row.attendees).unwrap_or_default()),
            created_at: time::from_db(row.created_at),
        }
    }
}

/// A dispute with its sessions, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct DisputeDetail {
    #[serde(flatten)]
    pub dispute: DisputeView,
    #[schema(max_items = 1000)]
    pub sessions: Vec<SessionView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DisputePage {
    /// One page: at most `limit` (1–200) disputes, newest first.
    #[schema(max_items = 200)]
    pub items: Vec<DisputeView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[schema(max_length = 200, pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$")]
    pub next_cursor: Option<String>,
}

/// Disputes that arose, against the same period a year earlier, and how
/// mediation went for those closed.
#[derive(Debug, Serialize, ToSchema)]
pub struct DisputeTally {
    /// Disputes that arose.
    pub count: u64,
    /// Those that arose in the same month(s) a year earlier.
    pub year_earlier: u64,
    /// The change from a year earlier as a share of it (−0.25: a quarter
    /// fewer); null when there were none a year earlier.
    pub year_on_year: Option<f64>,
    /// 调解成功率: agreements / disputes closed, those withdrawn left out.
    pub success: Ratio,
}

impl From<&Tally> for DisputeTally {
    fn from(t: &Tally) -> DisputeTally {
        DisputeTally {
            count: t.count,
            year_earlier: t.year_earlier,
            year_on_year: t.year_on_year(),
            success: t.success().into(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryTally {
    #[schema(max_length = 48, pattern = "^dispute\\.[a-z][a-z0-9_]{0,39}$")]
    pub category: String,
    #[serde(flatten)]
    pub tally: DisputeTally,
}

/// Heart-to-heart talks held in a month.
#[derive(Debug, Serialize, ToSchema)]
pub struct TalkCounts {
    pub count: u64,
    /// Of them, left at `watch`.
    pub watch: u64,
    /// Of them, left at `high`.
    pub high: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MonthDisputes {
    /// `YYYY-MM`.
    #[schema(
        min_length = 7,
        max_length = 7,
        pattern = "^[0-9]{4}-(0[1-9]|1[0-2])$",
        example = "2026-07"
    )]
    pub month: String,
    #[serde(flatten)]
    pub tally: DisputeTally,
    /// By type, those with any dispute this month or a year earlier.
    #[schema(max_items = 200)]
    pub by_category: Vec<CategoryTally>,
    pub talks: TalkCounts,
}

/// Dispute figures by month (矛盾纠纷统计).
#[derive(Debug, Serialize, ToSchema)]
pub struct DisputeStatsView {
    #[schema(min_length = 7, max_length = 7, pattern = "^[0-9]{4}-(0[1-9]|1[0-2])$")]
    pub from: String,
    #[schema(min_length = 7, max_length = 7, pattern = "^[0-9]{4}-(0[1-9]|1[0-2])$")]
    pub to: String,
    /// The whole period.
    pub total: DisputeTally,
    /// Each month of the period, oldest first (at most 24).
    #[schema(max_items = 24)]
    pub months: Vec<MonthDisputes>,
}

impl From<DisputeStats> for DisputeStatsView {
    fn from(s: DisputeStats) -> DisputeStatsView {
        DisputeStatsView {
            from: s.from.to_string(),
            to: s.to.to_string(),
            total: (&s.total).into(),
            months: s
                .months
                .iter()
                .map(|(month, m)| MonthDisputes {
                    month: month.to_string(),
                    tally: (&m.all).into(),
                    by_category: m
                        .by_category
                        .iter()
                        .take(200)
                        .map(|(category, t)| CategoryTally {
                            category: category.clone(),
                            tally: t.into(),
                        })
                        .collect(),
                    talks: TalkCounts {
                        count: m.talks.values().sum(),
                        watch: m.talks.get(&RiskLevel::Watch).copied().unwrap_or(0),
                        high: m.talks.get(&RiskLevel::High).copied().unwrap_or(0),
                    },
                })
                .collect(),
        }
    }
}
