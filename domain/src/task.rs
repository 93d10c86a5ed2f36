//! "My tasks" (我的待办): everything waiting on one person — inspections due,
//! hazards to rectify or verify, case steps, dispute follow-ups, policies to
//! acknowledge, enterprises to revisit — in one list sorted by when each
//! falls due, ties broken by kind and id so that keyset pages never skip or
//! repeat an item.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};

use crate::case::deadline::{self, DeadlineStatus};

crate::closed_set! {
    /// What kind of work a task is, in the order ties on time are broken.
    pub enum TaskKind {
        Inspection = "inspection", "排查任务", "Inspection due";
        HazardRectify = "hazard_rectify", "隐患待整改", "Hazard to rectify";
        HazardVerify = "hazard_verify", "隐患待复核", "Hazard to verify";
        CaseAccept = "case_accept", "事件待受理", "Case to accept";
        CaseHandle = "case_handle", "事件待处置", "Case assigned to you";
        CaseReportIn = "case_report_in", "部门待签收", "Case awaiting your department's report-in";
        CaseResolve = "case_resolve", "部门待办结", "Case your department leads";
        CaseVerify = "case_verify", "事件待核查", "Case to verify";
        CaseEvaluate = "case_evaluate", "事件待评价", "Case to evaluate";
        DisputeFollowUp = "dispute_follow_up", "纠纷待回访", "Dispute follow-up";
        Policy = "policy", "政策待阅知", "Policy to acknowledge";
        StaleEnterprise = "stale_enterprise", "企业待走访", "Enterprise to revisit";
    }
}

/// How long a reporter has to evaluate a closed case before the task
/// counts as overdue.
pub const EVALUATION_WINDOW: Duration = Duration::days(7);

/// How far ahead a dispute's follow-up shows on the list.
pub const FOLLOW_UP_HORIZON: Duration = Duration::days(7);

/// How close a task without a start must be to its due time to be
/// `due_soon`.
pub const DUE_SOON: Duration = Duration::days(3);

/// Where a task stands at `now`: as a case deadline when the task has a
/// start (`started`); otherwise overdue once passed and due soon in the
/// last three days.
pub fn status(
    started: Option<DateTime<Utc>>,
    due: DateTime<Utc>,
    now: DateTime<Utc>,
) -> DeadlineStatus {
    match started {
        Some(started) if started < due => deadline::status(started, due, now),
        _ if now >= due => DeadlineStatus::Overdue,
        _ if due - now <= DUE_SOON => DeadlineStatus::DueSoon,
        _ => DeadlineStatus::Normal,
    }
}

/// The moment a day-dated task (a follow-up, a policy's effective date)
/// falls due: the start of that day in the zone's time zone.
pub fn start_of<Tz: TimeZone>(day: NaiveDate, zone: &Tz) -> DateTime<Utc> {
    zone.from_local_datetime(&day.and_time(NaiveTime::MIN))
        .earliest()
        .map_or_else(
            || day.and_time(NaiveTime::MIN).and_utc(),
            |t| t.with_timezone(&Utc),
        )
}

/// Where a page of tasks stopped: the last item's due time, kind and id.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub due_at: DateTime<Utc>,
    pub kind: TaskKind,
    pub id: String,
}

impl Position {
    /// What one kind's query needs to continue after this position: items
    /// due later, or due at the same moment with an id above the returned
    /// one. Ids are ASCII letters, digits and dashes, so "" lets every id
    /// through and "\u{7f}" none.
    pub fn for_kind(&self, kind: TaskKind) -> (DateTime<Utc>, String) {
        let id = match kind.cmp(&self.kind) {
            std::cmp::Ordering::Less => "\u{7f}".to_owned(),
            std::cmp::Ordering::Equal => self.id.clone(),
            std::cmp::Ordering::Greater => String::new(),
        };
        (self.due_at, id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn tasks_without_a_start_are_due_soon_in_their_last_three_days() {
        let due = at("2026-12-10T00:00:00Z");
        assert_eq!(
            status(None, due, at("2026-12-06T00:00:00Z")),
            DeadlineStatus::Normal
        );
        assert_eq!(
            status(None, due, at("2026-12-07T00:00:00Z")),
            DeadlineStatus::DueSoon
        );
        assert_eq!(status(None, due, due), DeadlineStatus::Overdue);
        // with a start: the last fifth of ten days is two days
        let started = Some(at("2026-11-30T00:00:00Z"));
        assert_eq!(
            status(started, due, at("2026-12-07T12:00:00Z")),
            DeadlineStatus::Normal
        );
        assert_eq!(
            status(started, due, at("2026-12-08T00:00:00Z")),
            DeadlineStatus::DueSoon
        );
    }

    #[test]
    fn a_day_falls_due_at_its_start_in_the_zone() {
        let shanghai = chrono::FixedOffset::east_opt(8 * 3600).unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 12, 20).unwrap();
        assert_eq!(start_of(day, &shanghai), at("2026-12-19T16:00:00Z"));
    }

    #[test]
    fn a_position_continues_each_kind_without_skipping_or_repeating() {
        let p = Position {
            due_at: at("2026-12-10T00:00:00Z"),
            kind: TaskKind::CaseAccept,
            id: "0195-b".into(),
        };
        // an earlier kind has given every item due at that moment already
        assert_eq!(p.for_kind(TaskKind::Inspection).1, "\u{7f}");
        assert_eq!(p.for_kind(TaskKind::CaseAccept).1, "0195-b");
        // a later kind has given none of them yet
        assert_eq!(p.for_kind(TaskKind::Policy).1, "");
        assert!(TaskKind::Inspection < TaskKind::CaseAccept);
        assert!("z" < "\u{7f}");
    }
}
