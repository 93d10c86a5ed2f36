//! The four duties in the synthetic province, after its cases: a monthly
//! production-safety check of one enterprise per leaf grid by its full-time
//! worker (occurrences over the whole span: most done, some late, some
//! missed, the current month's still due), the hazards those checks found
//! (rectified and verified, rectified late, or — while their deadline has
//! not passed — still open or being rectified, so the sweeper turns none of
//! them into cases), disputes mediated in the grids, and policies published
//! to the province with the workers' acknowledgements.
//!
//! The template goes through the API's own command (its items are checked
//! there); everything else is written in bulk like the cases.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use diesel::Connection;
use gridwork_domain::assignment::GridRole;
use gridwork_domain::dispute::{DisputeOutcome, DisputeState, PartySide};
use gridwork_domain::hazard::HazardState;
use gridwork_domain::hazard::rectify_within;
use gridwork_domain::inspection::HazardSeverity;
use gridwork_domain::policy::SourceLevel;
use gridwork_domain::schedule::OccurrenceState;
use gridwork_domain::{
    DisputeId, GridId, HazardId, InspectionId, PolicyId, ScheduleId, TemplateId, UserId,
};
use gridwork_persistence::dispute::DisputeRow;
use gridwork_persistence::hazard::HazardRow;
use gridwork_persistence::inspection::InspectionRow;
use gridwork_persistence::inspection_schedule::{OccurrenceRow, ScheduleRow};
use gridwork_persistence::policy::{AcknowledgementRow, PolicyRow};
use gridwork_persistence::{DbConnection, bulk, time};
use rand::Rng;
use serde_json::json;

use super::{CHUNK, Gen, Registry, Size, SyntheticError};
use crate::app::disputes::Party;
use crate::app::{Origin, Scoped, inspection_templates};

/// What the duties wrote.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Duties {
    pub schedules: usize,
    pub occurrences: usize,
    pub inspections: usize,
    pub hazards: usize,
    pub disputes: usize,
    pub policies: usize,
    pub acknowledgements: usize,
}

/// One dispute for this many cases.
const CASES_PER_DISPUTE: usize = 40;
/// One policy for this many days of the span.
const DAYS_PER_POLICY: i64 = 15;

pub(super) fn load(
    conn: &mut DbConnection,
    g: &mut Gen,
    size: &Size,
    r: &Registry,
    tz: Tz,
) -> Result<Duties, SyntheticError> {
    let mut duties = Duties::default();
    inspections(conn, g, size, r, tz, &mut duties)?;
    disputes(conn, g, size, r, &mut duties)?;
    policies(conn, g, size, r, &mut duties)?;
    Ok(duties)
}

/// The leaves with a full-time worker, and that worker's account: who
/// inspects, mediates and acknowledges.
fn staffed(r: &Registry) -> Vec<(usize, usize)> {
    r.leaves()
        .into_iter()
        .filter_map(|l| r.grids[l].worker.map(|w| (l, w)))
        .collect()
}

fn sha(text: &str) -> String {
    crate::auth::sha256_hex(text.as_bytes())
}

/// The template, through the command the API runs.
fn template(conn: &mut DbConnection) -> Result<(TemplateId, i32), SyntheticError> {
    let input = serde_json::from_value(crate::demo_duties::monthly_check())
        .map_err(|e| SyntheticError::Domain(format!("the inspection template: {e}")))?;
    let made = inspection_templates::create(conn, &Scoped::system(), &Origin::default(), input)
        .map_err(|e| SyntheticError::Domain(format!("the inspection template: {e}")))?;
    Ok((made.row.id, made.row.version))
}

/// The first of each month at 09:00 in the zone, from the month of `from`
/// while before `until`.
fn month_starts(tz: Tz, from: DateTime<Utc>, until: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    let local = from.with_timezone(&tz).date_naive();
    let mut month = NaiveDate::from_ymd_opt(local.year(), local.month(), 1);
    let mut out = Vec::new();
    while let Some(day) = month {
        let Some(opens) = tz
            .with_ymd_and_hms(day.year(), day.month(), 1, 9, 0, 0)
            .single()
            .map(|t| t.with_timezone(&Utc))
        else {
            break;
        };
        if opens >= until {
            break;
        }
        out.push(opens);
        month = day.checked_add_months(chrono::Months::new(1));
    }
    out
}

const WINDOW_HOURS: i64 = 72;
const GRACE_HOURS: i64 = 72;

fn inspections(
    conn: &mut DbConnection,
    g: &mut Gen,
    size: &Size,
    r: &Registry,
    tz: Tz,
    duties: &mut Duties,
) -> Result<(), SyntheticError> {
    let (template, version) = template(conn)?;
    let now = g.now;
    let since = now - Duration::days(size.days);
    // occurrences up to a day ahead, as the sweeper makes them
    let horizon = now + Duration::days(1);
    let months = month_starts(tz, since, horizon);
    let starts_on = since.with_timezone(&tz).date_naive();
    // one schedule per leaf grid with a full-time worker, written first
    let mut schedules = Vec::new();
    for (grid, worker) in staffed(r) {
        let enterprise = r.grids[grid]
            .enterprises
            .first()
            .map(|&e| &r.enterprises[e]);
        let made = time::to_db(since);
        let row = ScheduleRow {
            id: ScheduleId::at(Gen::millis(since), g.bits()),
            template_id: template.clone(),
            grid_id: r.grids[grid].row.id.clone(),
            enterprise_id: enterprise.map(|e| e.id.clone()),
            recurrence: "FREQ=MONTHLY;BYMONTHDAY=1".into(),
            starts_on,
            ends_on: None,
            opens_at: "09:00".into(),
            window_hours: WINDOW_HOURS as i32,
            grace_hours: GRACE_HOURS as i32,
            assignee_user_id: None,
            assignee_role: Some(GridRole::FullTimeWorker),
            materialized_until: Some(time::to_db(horizon)),
            archived_at: None,
            created_by: Some(r.accounts[r.officer].user.clone()),
            created_at: made,
            updated_at: made,
            version: 1,
        };
        schedules.push((row, &r.accounts[worker].user, enterprise));
    }
    duties.schedules = schedules.len();
    let rows: Vec<ScheduleRow> = schedules.iter().map(|(row, ..)| row.clone()).collect();
    conn.transaction(|conn| -> Result<(), SyntheticError> {
        for chunk in rows.chunks(CHUNK) {
            bulk::schedules(conn, chunk)?;
        }
        Ok(())
    })?;

    let (mut occurrences, mut done, mut hazards) = (Vec::new(), Vec::new(), Vec::new());
    for (schedule, inspector, enterprise) in &schedules {
        for &opens in months.iter().filter(|&&o| o >= since) {
            let closes = opens + Duration::hours(WINDOW_HOURS);
            let missed = closes + Duration::hours(GRACE_HOURS);
            // most inspect within the window, some in the grace period, the
            // rest not at all
            let roll: f64 = g.rng.random();
            let finished = if roll < 0.80 {
                Some(opens + g.hours(1.0, WINDOW_HOURS as f64 - 1.0))
            } else if roll < 0.90 {
                Some(closes + g.hours(1.0, GRACE_HOURS as f64 - 1.0))
            } else {
                None
            }
            .filter(|&f| f < now);
            let state = match finished {
                Some(_) => OccurrenceState::Done,
                None if now < closes => OccurrenceState::Due,
                None if now < missed => OccurrenceState::Overdue,
                None => OccurrenceState::Missed,
            };
            let occurrence_id = g.id_at(opens);
            let inspection = finished.map(|finished| {
                inspection(
                    g,
                    (&template, version),
                    &occurrence_id,
                    (&schedule.grid_id, *enterprise),
                    inspector,
                    (finished, finished <= closes),
                    &mut hazards,
                )
            });
            occurrences.push(OccurrenceRow {
                id: occurrence_id,
                schedule_id: schedule.id.clone(),
                template_id: template.clone(),
                grid_id: schedule.grid_id.clone(),
                enterprise_id: schedule.enterprise_id.clone(),
                assignee_user_id: None,
                assignee_role: Some(GridRole::FullTimeWorker),
                opens_at: time::to_db(opens),
                closes_at: time::to_db(closes),
                missed_at: time::to_db(missed),
                state,
                inspection_id: inspection.as_ref().map(|i| i.id.to_string()),
                done_at: inspection.as_ref().map(|i| i.finished_at),
                done_by: inspection.as_ref().map(|i| i.inspector_id.clone()),
                on_time: inspection.as_ref().and_then(|i| i.on_time),
                created_at: time::to_db(opens - Duration::days(1)),
                updated_at: time::to_db(finished.unwrap_or(opens.min(now))),
            });
            done.extend(inspection);
        }
        if occurrences.len() >= CHUNK {
            write_inspections(conn, duties, &mut occurrences, &mut done, &mut hazards)?;
        }
    }
    write_inspections(conn, duties, &mut occurrences, &mut done, &mut hazards)
}

fn write_inspections(
    conn: &mut DbConnection,
    duties: &mut Duties,
    occurrences: &mut Vec<OccurrenceRow>,
    done: &mut Vec<InspectionRow>,
    hazards: &mut Vec<HazardRow>,
) -> Result<(), SyntheticError> {
    conn.transaction(|conn| -> Result<(), SyntheticError> {
        bulk::occurrences(conn, occurrences)?;
        bulk::inspections(conn, done)?;
        bulk::hazards(conn, hazards)?;
        Ok(())
    })?;
    duties.occurrences += occurrences.len();
    duties.inspections += done.len();
    duties.hazards += hazards.len();
    occurrences.clear();
    done.clear();
    hazards.clear();
    Ok(())
}

/// An inspection finished at `finished` (`on_time`: within its window),
/// with the hazard it found, if any, pushed onto `hazards`.
fn inspection(
    g: &mut Gen,
    (template, version): (&TemplateId, i32),
    occurrence: &str,
    (grid, enterprise): (
        &GridId,
        Option<&gridwork_persistence::enterprise::EnterpriseRow>,
    ),
    inspector: &UserId,
    (finished, on_time): (DateTime<Utc>, bool),
    hazards: &mut Vec<HazardRow>,
) -> InspectionRow {
    // one check in twelve finds ageing wiring, a major hazard
    let wiring_fails = g.rng.random_bool(1.0 / 12.0);
    let answers = json!([
        { "item": "training", "value": true, "failed": false },
        { "item": "wiring", "value": !wiring_fails, "failed": wiring_fails },
        { "item": "exits", "value": "畅通", "failed": false }
    ])
    .to_string();
    let id = InspectionId::at(Gen::millis(finished), g.bits());
    if wiring_fails {
        hazards.push(hazard(g, &id, grid, enterprise, finished));
    }
    let at = time::to_db(finished);
    InspectionRow {
        fingerprint: sha(&format!("synthetic inspection {id}")),
        id,
        template_id: template.clone(),
        template_version: version,
        occurrence_id: Some(occurrence.to_owned()),
        grid_id: grid.clone(),
        enterprise_id: enterprise.map(|e| e.id.clone()),
        inspector_id: inspector.clone(),
        started_at: time::to_db(finished - Duration::minutes(40)),
        finished_at: at,
        lat: None,
        lng: None,
        answers,
        failed_count: i32::from(wiring_fails),
        on_time: Some(on_time),
        created_at: at,
    }
}

/// A hazard found at `found`: put right on time or late once its deadline
/// passed; before it, still open, being rectified or awaiting verification.
fn hazard(
    g: &mut Gen,
    inspection: &InspectionId,
    grid: &GridId,
    enterprise: Option<&gridwork_persistence::enterprise::EnterpriseRow>,
    found: DateTime<Utc>,
) -> HazardRow {
    let now = g.now;
    let severity = HazardSeverity::Major;
    let within = rectify_within(severity);
    let due = found + within;
    let rectified = if g.rng.random_bool(0.15) {
        due + g.hours(24.0, 240.0)
    } else {
        found + Duration::seconds((within.num_seconds() as f64 * g.rng.random::<f64>()) as i64)
    };
    let verified = rectified + g.hours(4.0, 72.0);
    let (state, rectified, verified) = if verified < now {
        (HazardState::Verified, Some(rectified), Some(verified))
    } else if rectified < now {
        (HazardState::Rectified, Some(rectified), None)
    } else if now < due {
        let state = if g.rng.random_bool(0.5) {
            HazardState::Rectifying
        } else {
            HazardState::Open
        };
        (state, None, None)
    } else {
        // a late rectification still ahead would leave the hazard overdue
        // without its case: it was put right as its deadline passed
        (HazardState::Rectified, Some(due), None)
    };
    let updated = verified.or(rectified).unwrap_or(found);
    HazardRow {
        id: HazardId::at(Gen::millis(found), g.bits()),
        inspection_id: inspection.clone(),
        item_key: "wiring".into(),
        grid_id: grid.clone(),
        enterprise_id: enterprise.map(|e| e.id.clone()),
        severity,
        state,
        description: "配电箱门关闭、线路无老化：否".into(),
        rectify_due_at: time::to_db(due),
        responsible_person_id: enterprise.and_then(|e| e.principal_person_id.clone()),
        case_id: None,
        rectified_at: rectified.map(time::to_db),
        verified_at: verified.map(time::to_db),
        evidence: String::new(),
        note: None,
        reopened_count: 0,
        created_at: time::to_db(found),
        updated_at: time::to_db(updated),
        version: 1 + i32::from(rectified.is_some()) + i32::from(verified.is_some()),
    }
}

const DISPUTES: &[(&str, &str)] = &[
    ("dispute.wage_arrears", "拖欠工资，职工要求结清"),
    ("dispute.labour_contract", "劳动合同到期未续签引发争议"),
    ("dispute.work_injury", "工伤认定及赔偿争议"),
    ("dispute.employee_conflict", "车间职工之间发生口角"),
];

fn disputes(
    conn: &mut DbConnection,
    g: &mut Gen,
    size: &Size,
    r: &Registry,
    duties: &mut Duties,
) -> Result<(), SyntheticError> {
    let now = g.now;
    let leaves = staffed(r);
    if leaves.is_empty() {
        return Ok(());
    }
    let mut opened: Vec<DateTime<Utc>> = (0..size.cases / CASES_PER_DISPUTE)
        .map(|_| g.moment(size.days))
        .collect();
    opened.sort();
    for chunk in opened.chunks(CHUNK) {
        let mut rows = Vec::with_capacity(chunk.len());
        for &at in chunk {
            let (grid, mediator) = leaves[g.rng.random_range(0..leaves.len())];
            let grid = &r.grids[grid];
            let (category, summary) = DISPUTES[g.rng.random_range(0..DISPUTES.len())];
            let parties = vec![
                Party {
                    name: format!("{}等{}名职工", g.name(), g.rng.random_range(2..15)),
                    side: PartySide::Employee,
                    contact: Some(g.mobile()),
                },
                Party {
                    name: "企业方负责人".into(),
                    side: PartySide::Employer,
                    contact: None,
                },
            ];
            let closed = at + g.hours(24.0, 30.0 * 24.0);
            let (state, outcome, closed_at) = if closed < now {
                let outcome = match g.rng.random_range(0..100) {
                    0..80 => DisputeOutcome::Agreement,
                    80..92 => DisputeOutcome::ReferredToArbitration,
                    _ => DisputeOutcome::Withdrawn,
                };
                (DisputeState::Closed, Some(outcome), Some(closed))
            } else {
                (DisputeState::Open, None, None)
            };
            let id = DisputeId::at(Gen::millis(at), g.bits());
            rows.push(DisputeRow {
                fingerprint: sha(&format!("synthetic dispute {id}")),
                id,
                grid_id: grid.row.id.clone(),
                enterprise_id: grid
                    .enterprises
                    .first()
                    .map(|&e| r.enterprises[e].id.clone()),
                category_code: category.into(),
                summary: summary.into(),
                parties: serde_json::to_string(&parties)
                    .map_err(|e| SyntheticError::Domain(e.to_string()))?,
                amount_yuan: (category == "dispute.wage_arrears")
                    .then(|| f64::from(g.rng.random_range(5..200) * 1000)),
                employees_involved: g.rng.random_range(1..20),
                mediator_id: r.accounts[mediator].user.clone(),
                state,
                outcome,
                outcome_terms: outcome.map(|_| "双方达成一致".into()),
                closed_at: closed_at.map(time::to_db),
                follow_up_on: None,
                case_id: None,
                opened_on: at.date_naive(),
                created_by: Some(r.accounts[mediator].user.clone()),
                created_at: time::to_db(at),
                updated_at: time::to_db(closed_at.unwrap_or(at)),
                version: 1 + i32::from(closed_at.is_some()),
            });
        }
        duties.disputes += rows.len();
        conn.transaction(|conn| bulk::disputes(conn, &rows))?;
    }
    Ok(())
}

const POLICY_TITLES: &[&str] = &[
    "关于做好冬季安全生产工作的通知",
    "企业稳岗补贴申领指南",
    "高新技术企业认定政策解读",
    "关于开展消防安全专项整治的通知",
    "中小企业融资担保政策",
    "根治欠薪专项行动工作方案",
];

fn policies(
    conn: &mut DbConnection,
    g: &mut Gen,
    size: &Size,
    r: &Registry,
    duties: &mut Duties,
) -> Result<(), SyntheticError> {
    let now = g.now;
    let workers: Vec<&UserId> = staffed(r)
        .into_iter()
        .map(|(_, w)| &r.accounts[w].user)
        .collect();
    let publisher = r.accounts[r.officer].user.clone();
    let count = (size.days / DAYS_PER_POLICY).max(1);
    for n in 0..count {
        let published = now - Duration::days(size.days) + Duration::days(n * DAYS_PER_POLICY);
        let id = PolicyId::at(Gen::millis(published), g.bits());
        let title = POLICY_TITLES[n as usize % POLICY_TITLES.len()];
        let row = PolicyRow {
            fingerprint: sha(&format!("synthetic policy {id}")),
            id: id.clone(),
            title: format!("{title}（第{}期）", n + 1),
            summary: format!("{title}：适用范围、办理条件和时限。"),
            body: format!("{title}。各网格员向企业宣传到位，并在系统中确认已阅。"),
            source_level: if n % 3 == 0 {
                SourceLevel::Provincial
            } else {
                SourceLevel::Zone
            },
            effective_on: published.date_naive(),
            tags: r#"["安全生产"]"#.into(),
            industries: String::new(),
            roles: "[]".into(),
            zone_wide: true,
            published_by: Some(publisher.clone()),
            created_at: time::to_db(published),
        };
        // most workers confirm they read a policy within a fortnight
        let acknowledged: Vec<AcknowledgementRow> = workers
            .iter()
            .filter_map(|&user| {
                let at = published + g.hours(1.0, 14.0 * 24.0);
                (g.rng.random_bool(0.85) && at < now).then(|| AcknowledgementRow {
                    policy_id: id.clone(),
                    user_id: user.clone(),
                    acknowledged_at: time::to_db(at),
                })
            })
            .collect();
        duties.policies += 1;
        duties.acknowledgements += acknowledged.len();
        conn.transaction(|conn| -> Result<(), SyntheticError> {
            bulk::policies(conn, std::slice::from_ref(&row))?;
            for chunk in acknowledged.chunks(CHUNK) {
                bulk::acknowledgements(conn, chunk)?;
            }
            Ok(())
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_open_on_the_first_at_nine_in_the_zone() {
        let from = Utc.with_ymd_and_hms(2026, 10, 15, 0, 0, 0).unwrap();
        let until = Utc.with_ymd_and_hms(2026, 12, 1, 2, 0, 0).unwrap();
        let starts = month_starts(chrono_tz::Asia::Shanghai, from, until);
        // 09:00 in Shanghai is 01:00 UTC
        assert_eq!(
            starts,
            [
                Utc.with_ymd_and_hms(2026, 10, 1, 1, 0, 0).unwrap(),
                Utc.with_ymd_and_hms(2026, 11, 1, 1, 0, 0).unwrap(),
                Utc.with_ymd_and_hms(2026, 12, 1, 1, 0, 0).unwrap(),
            ]
        );
    }
}
