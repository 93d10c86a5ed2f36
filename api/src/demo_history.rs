//! Six months of case history for the demo zone: a few hundred cases
//! reported by the demo accounts and carried through the same commands the
//! API calls, each at its own moment in the past, so the timelines, audit
//! log, outbox and `/stats/cases` read like a zone at work — most cases
//! closed on time, some late, some reworked, some evaluated unsatisfied,
//! the latest still open. Seeded: every load is the same history.

use chrono::{DateTime, Duration, Utc};
use gridwork_domain::case::{CaseAction, Satisfaction, Severity, Source};
use gridwork_domain::enterprise_service::{self as service, ServiceStage};
use gridwork_domain::{CaseId, EnterpriseId, GridId, UserId};
use gridwork_persistence::case::CaseRow;
use gridwork_persistence::{DbConnection, grid, user};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::app::case_steps::{
    self, Ask, DispatchInput, EvaluateInput, NoteInput, ReasonInput, ResolveInput,
};
use crate::app::cases::{self, CreateCase};
use crate::app::{AppError, Expected, Origin, Scoped};

/// How many cases, and over how many days before the load.
const CASES: usize = 320;
const DAYS: i64 = 182;

/// Leaf categories with their weight in the mix and what a report says.
const MIX: [(&str, u32, &str); 14] = [
    ("safety_hazard.fire", 10, "仓库消防通道被货物堵塞"),
    ("safety_hazard.production", 12, "冲压车间防护罩缺失"),
    ("safety_hazard.electrical", 9, "配电箱门未关、线路老化"),
    ("safety_hazard.flooding", 6, "雨后厂区排水沟积水"),
    ("safety_hazard.special_equipment", 4, "叉车年检过期"),
    ("safety_hazard.environment", 4, "喷涂车间废气有异味"),
    ("dispute.wage_arrears", 5, "劳务工反映两个月工资未发"),
    ("dispute.labour_contract", 4, "新员工未签劳动合同"),
    ("dispute.employee_conflict", 3, "两名员工因排班发生争执"),
    ("enterprise_service.talent", 6, "企业急需数控技工"),
    ("enterprise_service.policy", 8, "咨询技改补贴申报条件"),
    ("enterprise_service.permits", 5, "排污许可证延续办理"),
    ("infrastructure", 7, "厂区门前路灯不亮"),
    ("livelihood", 5, "员工宿舍区缺少公交站点"),
];

/// A demo account acting as itself, with its scope as it is now.
pub(crate) struct Actor {
    pub(crate) scoped: Scoped,
    pub(crate) id: UserId,
}

pub(crate) fn actor(conn: &mut DbConnection, username: &str) -> Result<Actor, AppError> {
    let row = user::find_by_username(conn, username)?
        .ok_or_else(|| AppError::Internal(format!("demo account {username} missing")))?;
    let id = row.id.clone();
    Ok(Actor {
        scoped: Scoped::of_user(conn, row)?,
        id,
    })
}

/// The cast: who reports, who leads, who handles at each rung.
struct Cast {
    reporters: Vec<(Actor, Source)>,
    leader: Actor,
    office: Actor,
    committee: Actor,
    emergency: Actor,
    resources: Actor,
}

/// A case being carried through its life, one step at a time.
struct Run<'a> {
    conn: &'a mut DbConnection,
    origin: Origin,
    now: DateTime<Utc>,
    id: CaseId,
    at: DateTime<Utc>,
}

impl Run<'_> {
    /// Takes `ask` as `who`, `after` the last step; false once that would
    /// lie in the future (the case stays where it is).
    fn step(&mut self, who: &Actor, after: Duration, ask: Ask) -> Result<bool, AppError> {
        let at = self.at + after;
        if at >= self.now {
            return Ok(false);
        }
        case_steps::take(
            self.conn,
            &who.scoped,
            &self.origin,
            &self.id,
            &Expected::Any,
            ask,
            at,
        )?;
        self.at = at;
        Ok(true)
    }
}

fn plain(action: CaseAction) -> Ask {
    Ask::Plain(action, NoteInput::default())
}

fn reason(action: CaseAction, text: &str) -> Ask {
    Ask::Reason(
        action,
        ReasonInput {
            reason: text.to_owned(),
            visibility: None,
        },
    )
}

fn resolve(text: &str) -> Ask {
    Ask::Resolve(ResolveInput {
        feedback: text.to_owned(),
        attachments: Vec::new(),
    })
}

fn minutes(rng: &mut StdRng, from: i64, to: i64) -> Duration {
    Duration::minutes(rng.random_range(from..=to))
}

/// Loads the history; returns how many cases it reported.
pub fn load(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<usize, AppError> {
    let cast = Cast {
        reporters: vec![
            (actor(conn, "zhangyc")?, Source::GridWorker),
            (actor(conn, "nanbk")?, Source::GridWorker),
            (actor(conn, "songgh")?, Source::GridWorker),
            (actor(conn, "rider.li")?, Source::MobileWorker),
            (actor(conn, "wangyx")?, Source::Inspection),
        ],
        leader: actor(conn, "wangyx")?,
        office: actor(conn, "zhangdl")?,
        committee: actor(conn, "zhengh")?,
        emergency: actor(conn, "em.li")?,
        resources: actor(conn, "nr.wu")?,
    };
    let total: u32 = MIX.iter().map(|(_, w, _)| w).sum();
    let mut rng = StdRng::seed_from_u64(20_260_527);
    let start = now - Duration::days(DAYS);
    let mut reported = 0;
    for i in 0..CASES {
        // spread over the half year, a little denser lately
        let share = (i as f64 / CASES as f64).powf(0.9);
        let at = start
            + Duration::minutes((share * (DAYS * 24 * 60) as f64) as i64)
            + minutes(&mut rng, 0, 600);
        if at >= now {
            continue;
        }
        let (reporter, source) = &cast.reporters[rng.random_range(0..cast.reporters.len())];
        let Some(grid) = pick_grid(&reporter.scoped, &mut rng) else {
            continue;
        };
        let mut pick = rng.random_range(0..total);
        let (category, _, text) = MIX
            .iter()
            .find(|(_, w, _)| {
                let hit = pick < *w;
                pick = pick.saturating_sub(*w);
                hit
            })
            .copied()
            .unwrap_or(MIX[0]);
        let severity = match rng.random_range(0..100) {
            0..8 => Severity::Critical,
            8..30 => Severity::Urgent,
            _ => Severity::General,
        };
        // a service is asked for the enterprise whose grid it is, at a stage
        // of its life (most at work, some settling in, a few growing)
        let (enterprise_id, service_stage) = if service::is_service(category) {
            let stage = match i % 10 {
                0 | 1 => ServiceStage::SettlingIn,
                9 => ServiceStage::Expansion,
                _ => ServiceStage::Production,
            };
            let firm = enterprise_of(conn, &grid)?;
            (firm.clone(), firm.map(|_| stage))
        } else {
            (None, None)
        };
        let input = CreateCase {
            id: None,
            category: category.to_owned(),
            severity,
            description: text.to_owned(),
            source: *source,
            lat: None,
            lng: None,
            grid_id: Some(grid.clone()),
            enterprise_id,
            attachments: Vec::new(),
            service_stage,
        };
        let window = gridwork_domain::case::duplicate::Window {
            radius_m: 0.0,
            within: Duration::zero(),
        };
        let origin = Origin::default();
        let case = cases::create(conn, &reporter.scoped, &origin, &input, window, at)?.row;
        reported += 1;
        let mut run = Run {
            conn,
            origin,
            now,
            id: case.id.clone(),
            at,
        };
        live(&mut run, &cast, reporter, &case, category, &mut rng)?;
    }
    Ok(reported)
}

/// The enterprise whose grid `grid` is or lies in.
fn enterprise_of(conn: &mut DbConnection, grid: &GridId) -> Result<Option<EnterpriseId>, AppError> {
    let mut at = grid::find(conn, grid)?;
    while let Some(row) = at {
        if row.enterprise_id.is_some() {
            return Ok(row.enterprise_id);
        }
        at = match &row.parent_id {
            Some(parent) => grid::find(conn, parent)?,
            None => None,
        };
    }
    Ok(None)
}

/// A grid of the reporter's scope, at random.
fn pick_grid(scoped: &Scoped, rng: &mut StdRng) -> Option<GridId> {
    let grids = scoped.scope.grid_ids().unwrap_or_default();
    (!grids.is_empty()).then(|| grids[rng.random_range(0..grids.len())].clone())
}

/// Carries a case through its life, as far as `run.now` allows.
fn live(
    run: &mut Run<'_>,
    cast: &Cast,
    reporter: &Actor,
    case: &CaseRow,
    category: &str,
    rng: &mut StdRng,
) -> Result<(), AppError> {
    // the grid's leader where he has an account, else the zone office
    let leader = if cast.leader.scoped.scope.covers(Some(&case.grid_id)) {
        &cast.leader
    } else {
        &cast.office
    };
    let (quick, slow) = match case.severity {
        Severity::Critical => (3, 15),
        Severity::Urgent => (10, 100),
        Severity::General => (30, 36 * 60),
    };
    if rng.random_bool(0.04) {
        let why = "经核实不属于网格事项，已告知上报人";
        run.step(
            leader,
            minutes(rng, quick, slow),
            reason(CaseAction::Reject, why),
        )?;
        return Ok(());
    }
    // one in eight is accepted late
    let wait = if rng.random_bool(0.12) {
        minutes(rng, slow * 2, slow * 4)
    } else {
        minutes(rng, quick, slow)
    };
    if !run.step(leader, wait, plain(CaseAction::Accept))? {
        return Ok(());
    }
    let safety = category.starts_with("safety_hazard.");
    let whistle = safety && (case.severity != Severity::General || rng.random_bool(0.15));
    let (handler, lead) = if whistle {
        // up the ladder: the zone office, then the committee blows the
        // whistle and dispatches to departments
        if !run.step(
            leader,
            minutes(rng, 5, 60),
            reason(CaseAction::Escalate, "超出网格处置能力"),
        )? || !run.step(
            &cast.office,
            minutes(rng, 5, 90),
            reason(CaseAction::Escalate, "需管委会协调"),
        )? {
            return Ok(());
        }
        let flooding = category == "safety_hazard.flooding";
        let dispatch = Ask::Dispatch(DispatchInput {
            assignee_id: None,
            lead_department: Some("emergency_management".into()),
            assisting_departments: if flooding {
                vec!["natural_resources".into()]
            } else {
                Vec::new()
            },
            note: None,
        });
        if !run.step(&cast.committee, minutes(rng, 5, 40), dispatch)?
            || !run.step(
                &cast.emergency,
                minutes(rng, 5, 50),
                plain(CaseAction::ReportIn),
            )?
            || (flooding
                && !run.step(
                    &cast.resources,
                    minutes(rng, 5, 50),
                    plain(CaseAction::ReportIn),
                )?)
        {
            return Ok(());
        }
        (&cast.emergency, true)
    } else {
        let dispatch = Ask::Dispatch(DispatchInput {
            assignee_id: Some(reporter.id.clone()),
            lead_department: None,
            assisting_departments: Vec::new(),
            note: None,
        });
        // to the reporter, who serves the grid (the leader, on inspection, himself)
        if run.step(leader, minutes(rng, 10, 120), dispatch)? {
            (reporter, false)
        } else {
            return Ok(());
        }
    };
    if !run.step(handler, minutes(rng, 10, 240), plain(CaseAction::Start))? {
        return Ok(());
    }
    if rng.random_bool(0.05) {
        // waiting on the enterprise: the deadline stops meanwhile
        if !run.step(
            handler,
            minutes(rng, 60, 600),
            reason(CaseAction::Hold, "等待企业停产检修"),
        )? || !run.step(handler, minutes(rng, 600, 3000), plain(CaseAction::Resume))?
        {
            return Ok(());
        }
    }
    // most work fits the deadline; some does not
    let work = |rng: &mut StdRng| {
        if rng.random_bool(0.15) {
            minutes(rng, slow * 6, slow * 12)
        } else {
            minutes(rng, slow, slow * 4)
        }
    };
    let feedback = if lead {
        "应急管理局牵头处置完毕"
    } else {
        "已督促企业整改到位"
    };
    let mut reworked = false;
    loop {
        let took = work(rng);
        if !run.step(handler, took, resolve(feedback))? {
            return Ok(());
        }
        if !reworked && rng.random_bool(0.1) {
            reworked = true;
            if !run.step(
                leader,
                minutes(rng, 60, 600),
                reason(CaseAction::Rework, "复查发现整改不彻底"),
            )? || !run.step(handler, minutes(rng, 30, 300), plain(CaseAction::Start))?
            {
                return Ok(());
            }
            continue;
        }
        if !run.step(leader, minutes(rng, 30, 24 * 60), plain(CaseAction::Verify))? {
            return Ok(());
        }
        // the reporter's verdict, most of the time
        if !rng.random_bool(0.8) {
            return Ok(());
        }
        let satisfaction = match rng.random_range(0..100) {
            0..68 => Satisfaction::Satisfied,
            68..90 => Satisfaction::BasicallySatisfied,
            _ => Satisfaction::Unsatisfied,
        };
        let verdict = Ask::Evaluate(EvaluateInput {
            satisfaction,
            comment: None,
        });
        if !run.step(reporter, minutes(rng, 60, 3 * 24 * 60), verdict)? {
            return Ok(());
        }
        if satisfaction != Satisfaction::Unsatisfied || reworked {
            return Ok(());
        }
        // the first `unsatisfied` sends it back once
        reworked = true;
        if !run.step(handler, minutes(rng, 60, 600), plain(CaseAction::Start))? {
            return Ok(());
        }
    }
}
