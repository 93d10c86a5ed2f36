//! The demo's four duties (四位一体), played through the same commands the
//! API runs, as the demo accounts, over the last three months: every
//! enterprise described and visited; the power company's weekly fire
//! walk-round and a monthly production-safety check, inspected with some
//! failures whose hazards are rectified (some late), verified, left open,
//! or escalated into a case; disputes (the article's wage arrears settled
//! by agreement) and heart-to-heart talks; the pharmaceutical rules and a
//! winter fire-safety notice, with a briefing. What is left undone is what
//! the field accounts find on their task lists.

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use gridwork_domain::case::CaseAction;
use gridwork_domain::hazard::HazardAction;
use gridwork_domain::{EnterpriseId, GridId};
use gridwork_persistence::inspection_schedule::{self as occurrence_store, OccurrenceFilter};
use gridwork_persistence::{DbConnection, hazard as hazard_store, time};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::app::attachments::Stored;
use crate::app::case_steps::{self, Ask, DispatchInput, NoteInput, ReasonInput};
use crate::app::cases::{self, CreateCase};
use crate::app::hazards::{self, HazardStepInput};
use crate::app::{
    AppError, Expected, Origin, attachments, disputes, inspection_schedules, inspection_templates,
    inspections, policies, profiles, talks, visits,
};
use crate::demo_history::{Actor, actor};

/// An enterprise of the demo, as the duties need it.
#[derive(Debug, Clone)]
pub struct DemoFirm {
    pub id: EnterpriseId,
    pub grid_id: GridId,
    pub name: &'static str,
    pub employees: i32,
}

/// How long the duties' history runs.
const DAYS: i64 = 92;

/// What the duties left behind.
#[derive(Debug, Default, Clone, Copy)]
pub struct Duties {
    pub inspections: usize,
    pub hazards: usize,
    pub disputes: usize,
    pub policies: usize,
}

fn input<T: DeserializeOwned>(value: Value) -> Result<T, AppError> {
    serde_json::from_value(value).map_err(|e| AppError::Internal(format!("demo input: {e}")))
}

/// The monthly production-safety check (安全生产月度检查) as a template
/// input: the demo's and the synthetic province's.
pub fn monthly_check() -> Value {
    json!({
        "name": "安全生产月度检查",
        "description": "每月一日前后企业安全生产自查",
        "items": [
            { "key": "training", "label": "本月安全培训已开展", "kind": "yes_no", "fail_if": false },
            { "key": "wiring", "label": "配电箱门关闭、线路无老化", "kind": "yes_no", "fail_if": false, "severity": "major" },
            { "key": "exits", "label": "疏散通道", "kind": "choice", "choices": ["畅通", "部分堵塞", "堵塞"], "fail_choices": ["部分堵塞", "堵塞"] }
        ]
    })
}

fn id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Plays the duties; `evidence` are stored photos, one per rectification
/// (rectifications beyond them are left undone).
pub fn load(
    conn: &mut DbConnection,
    firms: &[DemoFirm],
    evidence: &[Stored],
    now: DateTime<Utc>,
    tz: Tz,
) -> Result<Duties, AppError> {
    let origin = Origin::default();
    let office = actor(conn, "zhangdl")?;
    let leader = actor(conn, "wangyx")?;
    // the principals with accounts: 元坤电力, 耕德电子, 耕亿达
    let workers = [
        actor(conn, "nanbk")?,
        actor(conn, "songgh")?,
        actor(conn, "zhangyc")?,
    ];
    let today = now.with_timezone(&tz).date_naive();
    let day = |n: i64| today - Duration::days(n);
    let mut duties = Duties::default();

    // 人、地、事、物: every enterprise described and visited; a few of the
    // grid leader's and one worker's left without a visit for months
    for (i, firm) in firms.iter().enumerate() {
        let regular = firm.employees * 7 / 10;
        let profile = json!({
            "headcount": { "regular": regular, "temporary": firm.employees / 10,
                           "migrant": firm.employees - regular - firm.employees / 10 },
            "key_personnel": [{ "role": "safety_officer", "name": format!("安全员{}", i + 1),
                                "phone": format!("1390394{:04}", i + 1) }],
            "places": [
                { "kind": "workshop", "name": "一号车间", "area_m2": 1200.0 + 40.0 * i as f64, "occupants": regular / 2 + 1 },
                { "kind": "warehouse", "name": "成品仓库", "area_m2": 600.0 }
            ],
            "fire_equipment": [{ "kind": "extinguisher", "location": "一号车间", "count": 8 + i % 12,
                                 "next_check_on": day(-30 - (i as i64 % 60)) }],
            "special_equipment": if i % 4 == 0 {
                json!([{ "kind": "boiler", "name": "燃气锅炉", "registration_no": format!("锅豫P{:04}", 100 + i),
                         "inspection_due_on": day(-120 - i as i64) }])
            } else { json!([]) },
            "hazardous_chemicals": if firm.name.contains('药') {
                json!([{ "name": "乙醇", "cas_no": "64-17-5", "quantity": 3.0, "unit": "t", "storage": "危化品库" }])
            } else { json!([]) },
        });
        profiles::put(
            conn,
            &office.scoped,
            &origin,
            &firm.id,
            &Expected::Any,
            input(profile)?,
        )?;
        let (visitor, days_ago) = match i {
            0 | 2 => (&workers[i], 20 + i as i64),
            1 => (&workers[1], 97),
            _ if i % 8 == 2 => (
                &leader,
                if i == 10 || i == 18 {
                    104
                } else {
                    12 + i as i64
                },
            ),
            _ => (&office, 8 + (i as i64 * 7) % 70),
        };
        let visit = json!({
            "id": id(), "visited_at": now - Duration::days(days_ago) - Duration::hours(i as i64 % 5),
            "purpose": if i % 3 == 0 { "safety_check" } else { "routine" },
            "findings": "台账齐全，消防通道畅通",
        });
        visits::create(
            conn,
            &visitor.scoped,
            &origin,
            &firm.id,
            &input(visit)?,
            now,
        )?;
    }

    // 隐患排查: two templates, schedules made three months ago
    let walk_round = inspection_templates::create(
        conn,
        &office.scoped,
        &origin,
        input(json!({
            "name": "消防设施器材周检",
            "description": "元坤电力每周一消防器材巡检",
            "items": [
                { "key": "extinguishers_charged", "label": "灭火器压力在绿区", "kind": "yes_no", "fail_if": false },
                { "key": "hydrant_pressure", "label": "消火栓压力", "kind": "number", "min": 0, "max": 2, "unit": "MPa", "fail_below": 0.1, "severity": "major" },
                { "key": "exits", "label": "疏散通道", "kind": "choice", "choices": ["畅通", "部分堵塞", "堵塞"], "fail_choices": ["部分堵塞", "堵塞"] },
                { "key": "remarks", "label": "其他情况", "kind": "text", "required": false }
            ]
        }))?,
    )?;
    let monthly =
        inspection_templates::create(conn, &office.scoped, &origin, input(monthly_check())?)?;
    let since = now - Duration::days(DAYS);
    let mut schedules = vec![(
        inspection_schedules::create(
            conn,
            &office.scoped,
            &origin,
            &input(json!({
                "template_id": walk_round.row.id, "enterprise_id": firms[0].id,
                "recurrence": "FREQ=WEEKLY;BYDAY=MO", "starts_on": since.with_timezone(&tz).date_naive(),
                "opens_at": "08:00", "window_hours": 10, "grace_hours": 48, "assignee_role": "full_time_worker"
            }))?,
            since,
        )?,
        0usize,
    )];
    for (w, _) in workers.iter().enumerate() {
        let schedule = inspection_schedules::create(
            conn,
            &office.scoped,
            &origin,
            &input(json!({
                "template_id": monthly.row.id, "enterprise_id": firms[w].id,
                "recurrence": "FREQ=MONTHLY;BYMONTHDAY=1", "starts_on": since.with_timezone(&tz).date_naive(),
                "opens_at": "09:00", "window_hours": 72, "grace_hours": 72, "assignee_role": "full_time_worker"
            }))?,
            since,
        )?;
        schedules.push((schedule, w));
    }
    inspection_schedules::sweep(conn, tz, now)?;
    // every past window inspected by the principal, but one in six missed;
    // every fourth walk-round finds a flat extinguisher, the second monthly
    // check at 耕德电子 ageing wiring (a major hazard)
    for (schedule, w) in &schedules {
        let filter = OccurrenceFilter {
            schedule: Some(schedule.id.clone()),
            ..OccurrenceFilter::default()
        };
        let occurrences = occurrence_store::occurrences(conn, &filter, None, 200)?;
        let walk = schedule.template_id == walk_round.row.id;
        for (k, o) in occurrences.iter().enumerate() {
            let opens = time::from_db(o.opens_at);
            if time::from_db(o.closes_at) >= now || k % 6 == 5 {
                continue;
            }
            let answers = if walk {
                json!([
                    { "item": "extinguishers_charged", "value": k % 4 != 1 },
                    { "item": "hydrant_pressure", "value": 0.35 },
                    { "item": "exits", "value": "畅通" }
                ])
            } else {
                json!([
                    { "item": "training", "value": true },
                    { "item": "wiring", "value": !(*w == 1 && k == 1) },
                    { "item": "exits", "value": if *w == 2 && k == 0 { "部分堵塞" } else { "畅通" } }
                ])
            };
            let finished = opens + Duration::minutes(50);
            let body = json!({
                "id": id(), "occurrence_id": o.id, "started_at": opens + Duration::minutes(10),
                "finished_at": finished, "answers": answers,
            });
            inspections::create(
                conn,
                &workers[*w].scoped,
                &origin,
                &input(body)?,
                finished + Duration::hours(2),
            )?;
            duties.inspections += 1;
        }
    }

    // the hazards: rectified on time and verified, rectified late, left
    // being rectified, awaiting verification — and those left overdue
    // become cases when the sweeper passes
    let mut photos_left = evidence.iter();
    let found = hazard_store::all_since(conn, time::to_db(since))?;
    duties.hazards = found.len();
    for (j, hazard) in found.iter().enumerate() {
        let created = time::from_db(hazard.created_at);
        let due = time::from_db(hazard.rectify_due_at);
        let Some(w) = firms
            .iter()
            .take(3)
            .position(|f| hazard.enterprise_id.as_ref() == Some(&f.id))
        else {
            continue;
        };
        let principal = &workers[w];
        let take =
            |conn: &mut DbConnection, who: &Actor, action, body: Value, at: DateTime<Utc>| {
                hazards::step(
                    conn,
                    &who.scoped,
                    &origin,
                    &hazard.id,
                    &Expected::Any,
                    (action, &input::<HazardStepInput>(body)?),
                    at,
                )
            };
        let started = created + Duration::hours(20);
        if started >= now {
            continue;
        }
        take(
            conn,
            principal,
            HazardAction::Start,
            json!({ "note": "已安排整改" }),
            started,
        )?;
        let rectified = match j % 4 {
            0 | 3 => created + Duration::days(2),
            1 => due + Duration::days(2),
            _ => continue,
        };
        let Some(photo) = photos_left.next().filter(|_| rectified < now) else {
            continue;
        };
        attachments::record(
            conn,
            &principal.scoped,
            &origin,
            photo,
            Duration::days(1),
            rectified,
        )?;
        take(
            conn,
            principal,
            HazardAction::Rectify,
            json!({ "note": "已整改完毕", "evidence": [photo.id] }),
            rectified,
        )?;
        let verified = rectified + Duration::days(1);
        if j % 4 != 3 && verified < now {
            take(
                conn,
                &office,
                HazardAction::Verify,
                json!({ "note": "复查合格" }),
                verified,
            )?;
        }
    }
    hazards::escalate_overdue(conn, now)?;

    // 矛盾调解: the article's wage arrears settled by agreement (a
    // follow-up due), a contract dispute still being mediated, a quarrel
    // escalated, one withdrawn, and last year's for the comparison
    let dispute = |category: &str,
                   firm: &DemoFirm,
                   summary: &str,
                   opened: i64,
                   follow_up: Option<i64>| {
        json!({
            "id": id(), "category": category, "enterprise_id": firm.id, "summary": summary,
            "parties": [{ "name": "李某等12名工人", "side": "employee", "contact": "13803941234" },
                        { "name": "某劳务公司", "side": "employer" }],
            "amount_yuan": 86400.0, "employees_involved": 12, "opened_on": day(opened),
            "follow_up_on": follow_up.map(&day),
        })
    };
    let mut open = |who: &Actor, body: Value, at: i64| -> Result<_, AppError> {
        duties.disputes += 1;
        Ok(disputes::create(
            conn,
            &who.scoped,
            &origin,
            &input(body)?,
            today,
            now - Duration::days(at),
        )?
        .row)
    };
    let wages = open(
        &workers[1],
        dispute(
            "dispute.wage_arrears",
            &firms[1],
            "12名劳务工反映被拖欠两个月工资",
            40,
            None,
        ),
        40,
    )?;
    let contract = open(
        &workers[2],
        dispute(
            "dispute.labour_contract",
            &firms[2],
            "新入职员工未签劳动合同",
            10,
            Some(-1),
        ),
        10,
    )?;
    let quarrel = open(
        &workers[2],
        dispute(
            "dispute.employee_conflict",
            &firms[2],
            "两名员工因排班发生争执，一方受伤",
            20,
            None,
        ),
        20,
    )?;
    let withdrawn = open(
        &workers[0],
        dispute(
            "dispute.wage_arrears",
            &firms[0],
            "外包工反映加班费未结",
            60,
            None,
        ),
        60,
    )?;
    let last_year = open(
        &workers[1],
        dispute(
            "dispute.wage_arrears",
            &firms[1],
            "春节前劳务工工资未结清",
            365,
            None,
        ),
        365,
    )?;
    let session = |notes: &str, held: i64| json!({ "held_on": day(held), "notes": notes, "attendees": ["李某", "劳务公司王经理", "宋根华"] });
    for (d, notes, held) in [
        (&wages, "劳务公司承认拖欠，称发包方未结算", 38),
        (&wages, "发包方到场，同意先行垫付", 33),
        (&contract, "企业同意一周内补签合同", 8),
    ] {
        let who = if d.id == contract.id {
            &workers[2]
        } else {
            &workers[1]
        };
        disputes::add_session(
            conn,
            &who.scoped,
            &origin,
            &d.id,
            &input(session(notes, held))?,
            now - Duration::days(held),
        )?;
    }
    let close = |outcome: &str, terms: &str, follow_up: Option<i64>| json!({ "outcome": outcome, "terms": terms, "follow_up_on": follow_up.map(&day) });
    for (d, who, body, at) in [
        (
            &wages,
            &workers[1],
            close(
                "agreement",
                "发包方垫付86400元，分两期于月底前付清",
                Some(-3),
            ),
            30,
        ),
        (
            &quarrel,
            &workers[2],
            close("escalated", "一方受伤需就医，转交处置", None),
            15,
        ),
        (
            &withdrawn,
            &workers[0],
            close("withdrawn", "企业已核发加班费，当事人撤回", None),
            55,
        ),
        (
            &last_year,
            &workers[1],
            close("agreement", "企业当场结清", None),
            350,
        ),
    ] {
        disputes::close(
            conn,
            &who.scoped,
            &origin,
            &d.id,
            &Expected::Any,
            &input(body)?,
            now - Duration::days(at),
        )?;
    }
    // 谈心谈话 before the wage arrears, and the leader's talk at 耕亿达
    for (who, firm, topic, risk, held, follow_up) in [
        (
            &workers[1],
            &firms[1],
            "工资发放延迟，工人情绪激动",
            "high",
            42,
            Some(40),
        ),
        (&leader, &firms[2], "夜班员工反映加班过多", "watch", 3, None),
    ] {
        let talk = json!({
            "id": id(), "enterprise_id": firm.id, "held_on": day(held), "topic": topic,
            "subject": "王某", "notes": "已做思想工作，约定再次沟通", "risk": risk,
            "follow_up_on": follow_up.map(&day),
        });
        talks::record(conn, &who.scoped, &origin, &input(talk)?, today, now)?;
    }

    // 政策宣传: the pharmaceutical rules for manufacturing firms, with the
    // briefing at 普瑞制药, and a winter fire-safety notice for every
    // grid worker (南必柯 has read it)
    let pharma = policies::publish(
        conn,
        &office.scoped,
        &origin,
        &input(json!({
            "title": "药品生产质量管理规范（2026年修订）",
            "summary": "药企须在明年三月底前完成洁净区改造和数据可靠性整改；网格员上门讲解申报流程和补贴政策。",
            "body": "第一条 为加强药品生产质量管理……（全文略）",
            "source_level": "national", "effective_on": day(-20),
            "tags": ["药品", "安全生产"],
            "target": { "industries": ["C"], "roles": ["grid_leader", "full_time_worker", "part_time_worker"] }
        }))?,
        now - Duration::days(12),
    )?
    .0;
    let winter = policies::publish(
        conn,
        &office.scoped,
        &origin,
        &input(json!({
            "title": "冬季消防安全提示",
            "summary": "入冬后电暖器、电动车充电增多：检查车间和宿舍用电，严禁在楼道充电。",
            "body": "一、各企业要落实消防安全主体责任……",
            "source_level": "zone", "effective_on": day(-2),
            "tags": ["消防"],
            "target": { "roles": ["grid_leader", "full_time_worker", "part_time_worker", "mobile_worker"] }
        }))?,
        now - Duration::days(4),
    )?
    .0;
    duties.policies = 2;
    policies::acknowledge(
        conn,
        &workers[0].scoped,
        &origin,
        &winter.id,
        now - Duration::days(1),
    )?;
    if let Some(pharma_firm) = firms.iter().find(|f| f.name.contains("普瑞制药")) {
        let briefing = json!({
            "id": id(), "grid_id": pharma_firm.grid_id, "held_on": day(5),
            "attendee_count": 36, "notes": "在普瑞制药会议室向质量、生产负责人宣讲新规",
        });
        policies::record_briefing(
            conn,
            &office.scoped,
            &origin,
            &pharma.id,
            &input(briefing)?,
            today,
            now,
        )?;
    }
    flood_in_progress(conn, &firms[2], now)?;
    Ok(duties)
}

/// A flood report of this morning, escalated to the committee and
/// dispatched to emergency management with natural resources assisting:
/// the lead department has reported in, the assisting one not yet.
fn flood_in_progress(
    conn: &mut DbConnection,
    firm: &DemoFirm,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let origin = Origin::default();
    let reporter = actor(conn, "zhangyc")?;
    let input: CreateCase = input(json!({
        "category": "safety_hazard.flooding", "severity": "urgent", "source": "grid_worker",
        "description": "暴雨后厂区东侧排水沟倒灌，仓库进水", "grid_id": firm.grid_id,
    }))?;
    let window = gridwork_domain::case::duplicate::Window {
        radius_m: 0.0,
        within: Duration::zero(),
    };
    let at = now - Duration::hours(6);
    let case = cases::create(conn, &reporter.scoped, &origin, &input, window, at)?.row;
    let reason = |action, text: &str| {
        Ask::Reason(
            action,
            ReasonInput {
                reason: text.to_owned(),
                visibility: None,
            },
        )
    };
    let dispatch = Ask::Dispatch(DispatchInput {
        assignee_id: None,
        lead_department: Some("emergency_management".into()),
        assisting_departments: vec!["natural_resources".into()],
        note: None,
    });
    let steps = [
        (
            "wangyx",
            Ask::Plain(CaseAction::Accept, NoteInput::default()),
            330,
        ),
        (
            "wangyx",
            reason(CaseAction::Escalate, "超出网格处置能力"),
            300,
        ),
        ("zhangdl", reason(CaseAction::Escalate, "需管委会协调"), 270),
        ("zhengh", dispatch, 240),
        (
            "em.li",
            Ask::Plain(CaseAction::ReportIn, NoteInput::default()),
            200,
        ),
    ];
    for (who, ask, minutes_ago) in steps {
        let who = actor(conn, who)?;
        case_steps::take(
            conn,
            &who.scoped,
            &origin,
            &case.id,
            &Expected::Any,
            ask,
            now - Duration::minutes(minutes_ago),
        )?;
    }
    Ok(())
}
