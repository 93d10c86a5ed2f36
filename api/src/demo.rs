//! `gridwork seed --demo`: the zone of the article (西华经济开发区) — 45
//! enterprises, 62 grids with 周口耕德电子 split into workshop and team
//! sub-grids, named leaders, workers, party instructors and riders, login
//! accounts, and published placards — so the three rates read 100 %.
//! Idempotent; refuses a database that already holds other data.

use anyhow::bail;
use diesel::Connection;
use gridwork_domain::assignment::GridRole;
use gridwork_domain::audit::AuditAction;
use gridwork_domain::enterprise::Uscc;
use gridwork_domain::grid::{GridCode, GridKind};
use gridwork_domain::training::{CourseKind, GATED_ROLES};
use gridwork_domain::{GridId, PersonId, Role, Roles, Username};
use gridwork_persistence::grid::GridRow;
use gridwork_persistence::person::PersonRow;
use gridwork_persistence::training::CourseRow;
use gridwork_persistence::{DbConnection, registry, setting, time};
use std::collections::BTreeSet;

use crate::app::assignments::{self, CreateAssignment};
use crate::app::attachments::Stored;
use crate::app::enterprises::{self, EnterpriseInput};
use crate::app::grids::{self, CreateGrid};
use crate::app::people::{self, PersonInput};
use crate::app::placards::{self, Change};
use crate::app::training::{self, CourseInput, RecordInput};
use crate::app::users::{self, NewAccount};
use crate::app::{AppError, AuditEvent, Caller, Origin, Scoped};
use crate::auth::password::{Passwords, random_password};
use crate::demo_duties::{DemoFirm, Duties};
use crate::files::Files;
use actix_web::web::Bytes;
use chrono_tz::Tz;
use gridwork_domain::attachment;

const MARKER: &str = "demo_zone_loaded_at";

/// (name, industry section, industry text, employees, production, flags)
type Firm = (
    &'static str,
    char,
    &'static str,
    i32,
    &'static str,
    &'static [&'static str],
);

/// The six enterprises the article names come first.
const FIRMS: [Firm; 45] = [
    (
        "周口元坤电力有限公司",
        'D',
        "电力供应",
        180,
        "变电运维、10kV 线路检修；每周巡检消防器材",
        &["heavy_machinery"],
    ),
    (
        "周口耕德电子科技有限公司",
        'C',
        "电子元件制造",
        2600,
        "SMT 贴片、插件、组装、包装，三班倒",
        &["flammable"],
    ),
    (
        "河南耕亿达精密制造有限公司",
        'C',
        "精密零部件制造",
        320,
        "数控精密加工；精密设备车间防潮",
        &["heavy_machinery"],
    ),
    (
        "西华双汇宰鸡厂",
        'C',
        "禽类屠宰和肉类加工",
        1500,
        "禽类屠宰、分割、冷链",
        &["liquid_ammonia_refrigeration", "confined_space"],
    ),
    (
        "河南普瑞制药有限公司",
        'C',
        "化学药品制剂制造",
        450,
        "片剂、胶囊生产，GMP 洁净车间",
        &["hazardous_chemicals", "dust"],
    ),
    (
        "河南三点材料有限公司",
        'C',
        "新型材料制造",
        260,
        "高分子复合材料生产",
        &["dust", "flammable"],
    ),
    (
        "西华县鑫源食品有限公司",
        'C',
        "食品制造",
        140,
        "速冻米面食品生产",
        &["liquid_ammonia_refrigeration"],
    ),
    (
        "周口华瑞面业有限公司",
        'C',
        "谷物磨制",
        95,
        "面粉、挂面加工",
        &["dust"],
    ),
    (
        "西华县金豫香油脂有限公司",
        'C',
        "食用植物油加工",
        70,
        "芝麻油压榨、灌装",
        &["flammable"],
    ),
    (
        "河南麦丰食品科技有限公司",
        'C',
        "焙烤食品制造",
        210,
        "饼干、面包生产线",
        &["dust"],
    ),
    (
        "周口乐康乳业有限公司",
        'C',
        "乳制品制造",
        160,
        "液态奶、酸奶生产",
        &["liquid_ammonia_refrigeration"],
    ),
    (
        "西华县福润肉制品有限公司",
        'C',
        "肉制品加工",
        230,
        "熟食、冷鲜肉加工",
        &["liquid_ammonia_refrigeration", "confined_space"],
    ),
    (
        "河南豫东粮油有限公司",
        'C',
        "粮油加工",
        120,
        "粮食烘干、仓储、加工",
        &["dust", "confined_space"],
    ),
    (
        "周口天元饮品有限公司",
        'C',
        "饮料制造",
        85,
        "瓶装饮用水、果汁饮料",
        &[],
    ),
    (
        "周口华科电子有限公司",
        'C',
        "电子元件制造",
        380,
        "电容、电感元件生产",
        &["flammable"],
    ),
    (
        "西华县光耀电子科技有限公司",
        'C',
        "照明器具制造",
        150,
        "LED 灯具组装",
        &[],
    ),
    (
        "河南睿芯电子有限公司",
        'C',
        "集成电路封装",
        420,
        "芯片封装测试",
        &["hazardous_chemicals"],
    ),
    (
        "周口鼎盛电器有限公司",
        'C',
        "家用电器制造",
        260,
        "小家电组装",
        &[],
    ),
    (
        "西华县晶华光电有限公司",
        'C',
        "光电子器件制造",
        130,
        "光学镜片加工",
        &["dust"],
    ),
    (
        "河南恒通线缆有限公司",
        'C',
        "电线电缆制造",
        190,
        "电力电缆、通信线缆生产",
        &["flammable"],
    ),
    (
        "周口中原机械制造有限公司",
        'C',
        "通用设备制造",
        300,
        "减速机、传动部件加工",
        &["heavy_machinery"],
    ),
    (
        "西华县宏达农机有限公司",
        'C',
        "农业机械制造",
        110,
        "播种机、收割机配件",
        &["heavy_machinery"],
    ),
    (
        "河南众鑫装备制造有限公司",
        'C',
        "专用设备制造",
        240,
        "食品机械设备",
        &["heavy_machinery"],
    ),
    (
        "周口力拓液压有限公司",
        'C',
        "液压元件制造",
        90,
        "液压油缸、阀组",
        &["flammable"],
    ),
    (
        "西华县金鼎钢结构有限公司",
        'C',
        "金属结构制造",
        160,
        "钢结构加工、焊接",
        &["high_temperature_molten", "heavy_machinery"],
    ),
    (
        "河南瑞丰机电设备有限公司",
        'C',
        "电机制造",
        140,
        "中小型电机生产",
        &[],
    ),
    (
        "周口博远汽车配件有限公司",
        'C',
        "汽车零部件制造",
        350,
        "制动器、底盘件加工",
        &["heavy_machinery"],
    ),
    (
        "周口康源生物医药有限公司",
        'C',
        "生物药品制造",
        210,
        "生物制剂研发生产",
        &["hazardous_chemicals"],
    ),
    (
        "西华县仁和药业有限公司",
        'C',
        "中成药生产",
        180,
        "中药饮片、颗粒剂",
        &["dust"],
    ),
    (
        "河南豫康医疗器械有限公司",
        'C',
        "医疗器械制造",
        120,
        "一次性医疗耗材",
        &[],
    ),
    (
        "周口安泰卫生材料有限公司",
        'C',
        "卫生材料制造",
        100,
        "医用敷料、口罩",
        &["flammable"],
    ),
    (
        "西华县远大新材料有限公司",
        'C',
        "新型建筑材料",
        150,
        "保温材料生产",
        &["dust", "flammable"],
    ),
    (
        "周口鑫达塑业有限公司",
        'C',
        "塑料制品制造",
        130,
        "塑料薄膜、编织袋",
        &["flammable"],
    ),
    (
        "河南华美包装材料有限公司",
        'C',
        "包装材料制造",
        170,
        "纸箱、彩印包装",
        &["flammable"],
    ),
    (
        "西华县恒力纸业有限公司",
        'C',
        "造纸",
        200,
        "瓦楞纸、箱板纸",
        &["flammable", "confined_space"],
    ),
    (
        "周口绿源环保建材有限公司",
        'C',
        "建材制造",
        90,
        "环保砖、砌块",
        &["dust"],
    ),
    (
        "河南天晟纺织有限公司",
        'C',
        "纺织业",
        520,
        "棉纱纺织",
        &["dust", "flammable"],
    ),
    (
        "西华县顺通物流有限公司",
        'G',
        "道路货物运输与仓储",
        80,
        "仓储、城配物流",
        &[],
    ),
    (
        "周口众诚印务有限公司",
        'C',
        "印刷",
        60,
        "包装印刷",
        &["flammable"],
    ),
    (
        "西华县宏昌家具有限公司",
        'C',
        "家具制造",
        140,
        "板式家具生产",
        &["dust", "flammable"],
    ),
    (
        "河南金诺服饰有限公司",
        'C',
        "服装制造",
        380,
        "成衣加工",
        &["flammable"],
    ),
    (
        "周口嘉禾制衣有限公司",
        'C',
        "服装制造",
        260,
        "校服、工装加工",
        &["flammable"],
    ),
    (
        "西华县通达汽车维修有限公司",
        'O',
        "汽车修理与维护",
        40,
        "汽车维修保养",
        &["flammable"],
    ),
    (
        "周口豫能热力有限公司",
        'D',
        "热力生产和供应",
        110,
        "集中供热",
        &["confined_space"],
    ),
    (
        "西华县清源水务有限公司",
        'D',
        "水的生产和供应",
        75,
        "自来水生产、管网维护",
        &["hazardous_chemicals", "confined_space"],
    ),
];

/// Enterprise principals = full-time grid workers; the article names three.
const NAMED_PRINCIPALS: [(usize, &str); 3] = [(0, "南必柯"), (1, "宋根华"), (2, "张亚超")];
/// Zone cadres who lead grids (the article's 王勇翔 first).
const LEADERS: [&str; 8] = [
    "王勇翔",
    "李建国",
    "赵明",
    "陈静",
    "刘洋",
    "孙磊",
    "周敏",
    "吴刚",
];
const INSTRUCTORS: [&str; 4] = ["马红梅", "黄志强", "林芳", "郭伟"];
const RIDERS: [&str; 3] = [
    "李师傅（美团骑手）",
    "王师傅（顺丰快递）",
    "陈师傅（饿了么骑手）",
];
const SURNAMES: [&str; 20] = [
    "李", "王", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗",
];
const GIVEN: [&str; 20] = [
    "建军", "国强", "志明", "秀英", "丽娟", "海涛", "红梅", "伟", "静", "磊", "洋", "敏", "勇",
    "军", "杰", "娜", "涛", "明", "超", "霞",
];
/// 周口耕德电子's workshops and their teams: 4 + 13 = 17 sub-grids.
const WORKSHOPS: [(&str, &[&str]); 4] = [
    (
        "SMT 贴片车间",
        &["贴片一班", "贴片二班", "贴片三班", "贴片四班"],
    ),
    ("插件车间", &["插件一班", "插件二班", "插件三班"]),
    ("组装车间", &["组装一班", "组装二班", "组装三班"]),
    ("包装车间", &["包装一班", "包装二班", "包装三班"]),
];

/// Accounts to log in with: (username, role, name, department). 郑昊 is
/// party secretary and director of the management committee: he both runs
/// the zone office and blows the whistle. Department staff are not people
/// of the grid registry.
const ACCOUNTS: [(&str, Role, &str, Option<&str>); 12] = [
    ("zhengh", Role::CommitteeLeader, "郑昊", None),
    ("zhangdl", Role::ZoneOfficer, "张东岭", None),
    ("wangyx", Role::GridLeader, "王勇翔", None),
    ("zhangyc", Role::GridWorker, "张亚超", None),
    ("nanbk", Role::GridWorker, "南必柯", None),
    ("songgh", Role::GridWorker, "宋根华", None),
    ("rider.li", Role::MobileWorker, "李师傅（美团骑手）", None),
    ("mahm", Role::PartyInstructor, "马红梅", None),
    ("auditor1", Role::Auditor, "审计员", None),
    // 耕德电子's own staff, who ask the zone for services
    ("gengde.hr", Role::EnterpriseUser, "耕德电子人事部", None),
    (
        "em.li",
        Role::DepartmentStaff,
        "李应急",
        Some("emergency_management"),
    ),
    (
        "nr.wu",
        Role::DepartmentStaff,
        "吴国土",
        Some("natural_resources"),
    ),
];

pub struct Account {
    pub username: &'static str,
    pub role: Role,
    pub name: &'static str,
    pub department: Option<&'static str>,
    pub password: String,
}

pub enum SeedOutcome {
    Loaded {
        accounts: Vec<Account>,
        grids: usize,
        enterprises: usize,
        people: usize,
        /// Cases of the six months' history.
        cases: usize,
        /// The four duties' three months.
        duties: Duties,
        placard: String,
    },
    AlreadyLoaded,
}

/// A unified social credit code for demo enterprise `i` in 西华县 (411622).
fn uscc(i: usize) -> anyhow::Result<String> {
    const CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    let mut n = 7_919 * i + 104_729;
    let mut org = String::from("MA");
    for _ in 0..7 {
        org.push(CHARS[n % 31] as char);
        n /= 31;
    }
    let body = format!("91411622{org}");
    // find the check character by asking the domain rule
    for c in CHARS {
        let candidate = format!("{body}{}", *c as char);
        if Uscc::parse(&candidate).is_ok() {
            return Ok(candidate);
        }
    }
    bail!("no check character for {body}")
}

fn square(lng: f64, lat: f64, w: f64, h: f64) -> serde_json::Value {
    serde_json::json!({"type": "Polygon", "coordinates": [[[lng, lat], [lng + w, lat], [lng + w, lat + h], [lng, lat + h], [lng, lat]]]})
}

/// The demo registers no ID numbers, so the key of their keyed hash is never used.
const NO_ID_NUMBERS: &[u8] = &[];

/// Loads through the application's commands, as the system: the same rules
/// as the API (codes, placement, consent, publishing), audit entries and
/// outbox events included.
struct Loader<'c> {
    conn: &'c mut DbConnection,
    system: Scoped,
    origin: Origin,
    zone_code: &'c GridCode,
    people: Vec<PersonRow>,
    /// Grids below the zone, to publish once everyone is assigned.
    grids: Vec<GridId>,
    /// The pre-job course, and who passed it.
    pre_job: Option<CourseRow>,
    trained: BTreeSet<PersonId>,
}

impl Loader<'_> {
    /// A generated name no other demo person has.
    fn fresh_name(&self, seed: usize) -> String {
        (0..GIVEN.len())
            .map(|k| {
                format!(
                    "{}{}",
                    SURNAMES[seed % SURNAMES.len()],
                    GIVEN[(seed * 7 + k) % GIVEN.len()]
                )
            })
            .chain((2..).map(|n| {
                format!(
                    "{}{}{n}",
                    SURNAMES[seed % SURNAMES.len()],
                    GIVEN[seed % GIVEN.len()]
                )
            }))
            .find(|name| {
                !self.people.iter().any(|p| &p.name == name) && !LEADERS.contains(&name.as_str())
            })
            .unwrap_or_default()
    }

    /// A person who consents to appear on placards. Everyone also lets the
    /// mobile be shown there — except half of those with a work number,
    /// who stay callable on it — so every demo board can be called.
    fn person(
        &mut self,
        name: &str,
        serial: usize,
        work_phone: bool,
    ) -> Result<PersonRow, AppError> {
        let input = PersonInput {
            name: Some(name.to_owned()),
            mobile: Some(Some(format!(
                "13{}{:08}",
                7 + serial % 3,
                20_250_000 + serial * 137
            ))),
            work_phone: Some(work_phone.then(|| format!("0394-8{:06}", 100_000 + serial * 17))),
            party_member: Some(serial.is_multiple_of(3)),
            placard_consent: Some(true),
            placard_phone_consent: Some(!(work_phone && serial.is_multiple_of(2))),
            ..PersonInput::default()
        };
        let p = people::create(self.conn, &self.system, &self.origin, NO_ID_NUMBERS, input)?;
        self.people.push(p.clone());
        Ok(p)
    }

    fn grid(
        &mut self,
        name: &str,
        kind: GridKind,
        parent: Option<&GridRow>,
        firm: Option<&str>,
        boundary: serde_json::Value,
    ) -> Result<GridRow, AppError> {
        let input = CreateGrid {
            name: name.to_owned(),
            kind: kind.code().to_owned(),
            parent_id: parent.map(|p| p.id.clone()),
            enterprise_id: firm.map(Into::into),
            description: None,
            boundary: Some(boundary),
        };
        let row = grids::create(self.conn, &self.system, &self.origin, self.zone_code, input)?;
        if kind != GridKind::Zone {
            self.grids.push(row.id.clone());
        }
        Ok(row)
    }

    fn assign(
        &mut self,
        grid: &GridRow,
        person: &PersonRow,
        role: GridRole,
    ) -> Result<(), AppError> {
        if GATED_ROLES.contains(&role) && self.trained.insert(person.id.clone()) {
            self.pre_job_training(person)?;
        }
        let input = CreateAssignment {
            person_id: person.id.to_string(),
            role: role.code().to_owned(),
            training_override: None,
        };
        assignments::create(self.conn, &self.system, &self.origin, &grid.id, input)?;
        Ok(())
    }

    /// The zone's pre-job course, passed a month before the demo.
    fn pre_job_training(&mut self, person: &PersonRow) -> Result<(), AppError> {
        let course = match &self.pre_job {
            Some(course) => course.clone(),
            None => {
                let input = CourseInput {
                    kind: CourseKind::PreJob,
                    title: "网格员岗前培训".to_owned(),
                    description: Some("网格职责、四项任务、事件上报与系统使用".to_owned()),
                    hours: Some(16),
                    pass_score: Some(60),
                };
                let course = training::create_course(self.conn, &self.system, &self.origin, input)?;
                self.pre_job = Some(course.clone());
                course
            }
        };
        let input = RecordInput {
            person_id: person.id.to_string(),
            course_id: course.id.to_string(),
            session_id: None,
            completed_at: time::now() - chrono::Duration::days(30),
            score: Some(80 + i32::try_from(self.trained.len() % 20).unwrap_or(0)),
        };
        training::record(self.conn, &self.system, &self.origin, input)?;
        Ok(())
    }
}

/// Whether the demo zone is loaded already.
pub fn loaded(conn: &mut DbConnection) -> anyhow::Result<bool> {
    Ok(setting::get(conn, MARKER)?.is_some())
}

/// How many evidence photos the demo's hazard rectifications may use.
pub const EVIDENCE_PHOTOS: usize = 24;

/// The demo's evidence photo, a small JPEG (the photo tests' fixture).
const EVIDENCE_JPEG: &[u8] = include_bytes!("../assets/demo-evidence.jpg");

/// Stores `n` copies of the demo's evidence photo, cleaned like every
/// upload, for the demo's rectifications to attach.
pub async fn store_evidence(files: &Files, n: usize) -> anyhow::Result<Vec<Stored>> {
    let clean = attachment::clean(Bytes::from_static(EVIDENCE_JPEG))
        .map_err(|e| anyhow::anyhow!("the demo photo: {e}"))?;
    let sha256 = crate::auth::sha256_hex(&clean.bytes);
    let mut stored = Vec::with_capacity(n);
    for _ in 0..n {
        let id = gridwork_domain::AttachmentId::generate();
        files.put(id.as_str(), clean.bytes.clone()).await?;
        stored.push(Stored {
            id,
            kind: clean.kind,
            size: clean.bytes.len(),
            sha256: sha256.clone(),
        });
    }
    Ok(stored)
}

pub fn seed(
    conn: &mut DbConnection,
    zone_code: &GridCode,
    passwords: &Passwords,
    public_url: &str,
    (evidence, tz): (&[Stored], Tz),
) -> anyhow::Result<SeedOutcome> {
    if setting::get(conn, MARKER)?.is_some() {
        return Ok(SeedOutcome::AlreadyLoaded);
    }
    if registry::holds_data(conn)? {
        bail!(
            "the database already holds grids, enterprises, people or users: the demo zone loads only into a fresh database"
        );
    }
    // hash outside the transaction: ~12 ms each
    let accounts: Vec<Account> = ACCOUNTS
        .iter()
        .map(|(username, role, name, department)| Account {
            username,
            role: *role,
            name,
            department: *department,
            password: random_password(),
        })
        .collect();
    let hashes = accounts
        .iter()
        .map(|a| {
            passwords
                .hash(&a.password)
                .map_err(|e| anyhow::anyhow!("{e}"))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let loaded =
        conn.transaction(|conn| load(conn, zone_code, accounts, hashes, (evidence, tz)))?;
    let (accounts, grids, people, cases, placard, duties) = loaded;
    Ok(SeedOutcome::Loaded {
        accounts,
        grids,
        enterprises: FIRMS.len(),
        people,
        cases,
        duties,
        placard: format!("{public_url}/api/v1/public/placards/{placard}"),
    })
}

/// The accounts, the grid and people counts, the cases, the placard token
/// and the duties loaded.
type Loaded = (Vec<Account>, usize, usize, usize, String, Duties);

/// Loads the zone; returns the accounts, the grid and people counts and the
/// public token of 河南耕亿达精密制造有限公司's placard.
fn load(
    conn: &mut DbConnection,
    zone_code: &GridCode,
    accounts: Vec<Account>,
    hashes: Vec<String>,
    (evidence, tz): (&[Stored], Tz),
) -> Result<Loaded, AppError> {
    let mut l = Loader {
        conn,
        system: Scoped::system(),
        origin: Origin::default(),
        zone_code,
        people: Vec::new(),
        grids: Vec::new(),
        pre_job: None,
        trained: BTreeSet::new(),
    };
    // the zone: 西华经济开发区, a box around the town's industrial area
    let zone = l.grid(
        "西华经济开发区",
        GridKind::Zone,
        None,
        None,
        square(114.50, 33.76, 0.12, 0.08),
    )?;
    let leaders = LEADERS
        .iter()
        .enumerate()
        .map(|(i, n)| l.person(n, 900 + i, true))
        .collect::<Result<Vec<_>, _>>()?;
    let instructors = INSTRUCTORS
        .iter()
        .enumerate()
        .map(|(i, n)| l.person(n, 950 + i, true))
        .collect::<Result<Vec<_>, _>>()?;
    let riders = RIDERS
        .iter()
        .enumerate()
        .map(|(i, n)| l.person(n, 970 + i, false))
        .collect::<Result<Vec<_>, _>>()?;
    let mut placard_grid = None;
    let mut firms = Vec::with_capacity(FIRMS.len());
    for (i, (name, section, industry, employees, production, flags)) in FIRMS.iter().enumerate() {
        let principal_name = NAMED_PRINCIPALS
            .iter()
            .find(|(at, _)| *at == i)
            .map_or_else(|| l.fresh_name(i), |(_, n)| (*n).to_owned());
        let principal = l.person(&principal_name, i, false)?;
        // a 9 × 5 layout of enterprise plots inside the zone
        let (col, row) = ((i % 9) as f64, (i / 9) as f64);
        let (lng, lat) = (114.502 + col * 0.0132, 33.762 + row * 0.0155);
        let firm = enterprises::create(
            l.conn,
            &l.system,
            &l.origin,
            EnterpriseInput {
                name: Some((*name).to_owned()),
                uscc: Some(Some(
                    uscc(i).map_err(|e| AppError::Internal(e.to_string()))?,
                )),
                industry_section: Some(Some(section.to_string())),
                industry_text: Some(Some((*industry).to_owned())),
                employee_count: Some(Some(*employees)),
                address: Some(Some(format!(
                    "西华经济开发区纬{}路 {} 号",
                    i / 9 + 1,
                    i % 9 * 8 + 6
                ))),
                lat: Some(Some(lat + 0.006)),
                lng: Some(Some(lng + 0.005)),
                principal_person_id: Some(Some(principal.id.to_string())),
                production_characteristics: Some(Some((*production).to_owned())),
                flags: Some(flags.iter().map(|f| (*f).to_owned()).collect()),
                grid_id: None,
            },
        )?;
        let own = l.grid(
            &format!("{name}网格"),
            GridKind::Enterprise,
            Some(&zone),
            Some(firm.id.as_str()),
            square(lng, lat, 0.012, 0.014),
        )?;
        firms.push(DemoFirm {
            id: firm.id.clone(),
            grid_id: own.id.clone(),
            name,
            employees: *employees,
        });
        let leader = &leaders[(i + 6) % LEADERS.len()];
        l.assign(&own, leader, GridRole::GridLeader)?;
        l.assign(&own, &principal, GridRole::FullTimeWorker)?;
        l.assign(
            &own,
            &instructors[i % INSTRUCTORS.len()],
            GridRole::PartyInstructor,
        )?;
        if i.is_multiple_of(3) {
            l.assign(&own, &riders[i % RIDERS.len()], GridRole::MobileWorker)?;
        }
        if i == 2 {
            placard_grid = Some(own.id.clone());
        }
        if i == 1 {
            // 大网格套小网格: workshops, and teams inside them
            for (w, (workshop, teams)) in WORKSHOPS.iter().enumerate() {
                let (wl, wt) = (lng + (w % 2) as f64 * 0.006, lat + (w / 2) as f64 * 0.007);
                let shop = l.grid(
                    workshop,
                    GridKind::SubGrid,
                    Some(&own),
                    None,
                    square(wl, wt, 0.006, 0.007),
                )?;
                let director = l.person(&l.fresh_name(w * 3 + 5), 500 + w, false)?;
                for (role, person) in [
                    (GridRole::GridLeader, leader),
                    (GridRole::FullTimeWorker, &principal),
                    (GridRole::PartTimeWorker, &director),
                    (
                        GridRole::PartyInstructor,
                        &instructors[i % INSTRUCTORS.len()],
                    ),
                ] {
                    l.assign(&shop, person, role)?;
                }
                for (t, team) in teams.iter().enumerate() {
                    let (tl, tt) = (wl + (t % 2) as f64 * 0.003, wt + (t / 2) as f64 * 0.0035);
                    let crew = l.grid(
                        team,
                        GridKind::SubGrid,
                        Some(&shop),
                        None,
                        square(tl, tt, 0.003, 0.0035),
                    )?;
                    let lead =
                        l.person(&l.fresh_name(w * 5 + t * 3 + 2), 600 + w * 10 + t, false)?;
                    for (role, person) in [
                        (GridRole::GridLeader, leader),
                        (GridRole::FullTimeWorker, &principal),
                        (GridRole::PartTimeWorker, &lead),
                    ] {
                        l.assign(&crew, person, role)?;
                    }
                }
            }
        }
    }
    // every placard goes through the publish rules (leader, full-time worker, consent)
    let mut placard = String::new();
    for id in l.grids.clone() {
        let board = placards::change(l.conn, &l.system, &l.origin, &id, Change::Publish)?;
        if Some(&id) == placard_grid.as_ref() {
            placard = board.published_token().unwrap_or_default().to_owned();
        }
    }
    // accounts, linked to their people where there is one
    let mut loaded = Vec::new();
    for (account, hash) in accounts.into_iter().zip(hashes) {
        let new = NewAccount {
            username: Username::parse(account.username)
                .map_err(|e| AppError::Internal(e.to_string()))?,
            display_name: Some(account.name.to_owned()),
            roles: if account.role == Role::CommitteeLeader {
                Roles::new([Role::CommitteeLeader, Role::ZoneOfficer])
                    .map_err(|e| AppError::Internal(e.to_string()))?
            } else {
                Roles::single(account.role)
            },
            department_code: account.department.map(str::to_owned),
        };
        let user = users::create(l.conn, &Caller::system(), &l.origin, new, hash)?;
        // department staff and an enterprise's staff are no grid people
        if account.department.is_some() || account.role == Role::EnterpriseUser {
            loaded.push(account);
            continue;
        }
        let person = match l.people.iter().find(|p| p.name == account.name).cloned() {
            Some(p) => p,
            None => l.person(account.name, 990 + loaded.len(), true)?,
        };
        let link = PersonInput {
            user_id: Some(Some(user.id.to_string())),
            ..PersonInput::default()
        };
        people::update(
            l.conn,
            &l.system,
            &l.origin,
            NO_ID_NUMBERS,
            &person.id,
            &Default::default(),
            link,
        )?;
        loaded.push(account);
    }
    let now = time::now();
    let cases = crate::demo_history::load(l.conn, now)?;
    let duties = crate::demo_duties::load(l.conn, &firms, evidence, now, tz)?;
    crate::app::case_stats::rebuild(l.conn)?;
    organise(&mut l, now, tz)?;
    let now = time::to_db(now);
    setting::get_or_insert(l.conn, MARKER, &now.to_string(), now)?;
    AuditEvent::success(AuditAction::SeedDemo)
        .detail(serde_json::json!({ "grids": l.grids.len(), "enterprises": FIRMS.len(), "people": l.people.len() }))
        .write(l.conn, &l.origin)?;
    Ok((
        loaded,
        l.grids.len(),
        l.people.len(),
        cases,
        placard,
        duties,
    ))
}

/// The zone's organisation on top of its registry and history: on-the-job
/// training for half the trained workers, a recent hire let in before the
/// pre-job course (an audited waiver), two party branches with members and
/// an activity, the trade union with volunteers serving as part-time
/// workers, the last five complete months closed, and a development
/// candidate from last month's commended workers.
fn organise(l: &mut Loader, now: chrono::DateTime<chrono::Utc>, tz: Tz) -> Result<(), AppError> {
    use crate::app::organisations::{self, OrganisationInput, OrganisationMemberInput};
    use crate::app::party::{self, ActivityInput, BranchInput, CandidateInput, MemberInput};
    use gridwork_domain::assessment::{AssessmentLevel, Flag};
    use gridwork_domain::month::Month;
    use gridwork_domain::organisation::OrganisationKind;
    use gridwork_domain::party::PartyRole;
    use gridwork_persistence::assessment::{self as scorecards, Among};

    // on-the-job training for every other trained worker
    let course = training::create_course(
        l.conn,
        &l.system,
        &l.origin,
        CourseInput {
            kind: CourseKind::OnTheJob,
            title: "安全生产与应急处置专题培训".to_owned(),
            description: None,
            hours: Some(4),
            pass_score: Some(60),
        },
    )?;
    let trained: Vec<PersonId> = l.trained.iter().cloned().collect();
    for (i, person) in trained.iter().enumerate().filter(|(i, _)| i % 2 == 0) {
        let input = RecordInput {
            person_id: person.to_string(),
            course_id: course.id.to_string(),
            session_id: None,
            completed_at: now - chrono::Duration::days(20 + (i % 30) as i64),
            score: Some(70 + i32::try_from(i % 30).unwrap_or(0)),
        };
        training::record(l.conn, &l.system, &l.origin, input)?;
    }
    // the enterprise grids, by code
    let firms: Vec<GridRow> = gridwork_persistence::grid::all(l.conn, None)?
        .into_iter()
        .filter(|g| g.kind == GridKind::Enterprise)
        .collect();
    let (Some(first), Some(second), Some(third)) = (firms.first(), firms.get(1), firms.get(2))
    else {
        return Ok(());
    };
    // a recent hire, started before the pre-job course
    let hire = l.person("赵新入", 970, false)?;
    assignments::create(
        l.conn,
        &l.system,
        &l.origin,
        &third.id,
        CreateAssignment {
            person_id: hire.id.to_string(),
            role: GridRole::FullTimeWorker.code().to_owned(),
            training_override: Some("新招聘网格员，岗前培训排在下周，先随班学习".to_owned()),
        },
    )?;
    // two party branches, their members and an activity
    let mut branches = Vec::new();
    for (grid, name) in [
        (first, "元坤电力网格党支部"),
        (second, "耕德电子网格党支部"),
    ] {
        let branch = party::create_branch(
            l.conn,
            &l.system,
            &l.origin,
            BranchInput {
                name: name.to_owned(),
                grid_id: grid.id.to_string(),
                founded_on: chrono::NaiveDate::from_ymd_opt(2021, 7, 1),
            },
        )?;
        let serving = gridwork_persistence::assignment::for_grid(l.conn, &grid.id, false)?;
        let mut attendees = Vec::new();
        for (i, (assignment, person)) in serving.iter().enumerate() {
            if !person.party_member && assignment.role != GridRole::GridLeader {
                continue;
            }
            let role = if assignment.role == GridRole::GridLeader {
                PartyRole::Secretary
            } else {
                PartyRole::Member
            };
            let input = MemberInput {
                person_id: person.id.to_string(),
                role,
                joined_on: chrono::NaiveDate::from_ymd_opt(2010 + (i % 12) as i32, 7, 1),
            };
            if party::add_member(l.conn, &l.system, &l.origin, &branch.id, input).is_ok() {
                attendees.push(person.id.to_string());
            }
        }
        party::record_activity(
            l.conn,
            &l.system,
            &l.origin,
            &branch.id,
            ActivityInput {
                title: "主题党日：安全生产进车间".to_owned(),
                held_on: (now - chrono::Duration::days(12)).date_naive(),
                place: Some("党员活动室".to_owned()),
                attendees,
            },
        )?;
        branches.push(branch);
    }
    // the trade union's volunteers serve as part-time workers
    let union = organisations::create(
        l.conn,
        &l.system,
        &l.origin,
        OrganisationInput {
            kind: OrganisationKind::TradeUnion,
            name: "西华经开区总工会".to_owned(),
            contact: Some("工会办 0394-8100000".to_owned()),
        },
    )?;
    for (i, (name, grid)) in [
        ("工会志愿者王磊", first),
        ("工会志愿者刘芳", second),
        ("工会志愿者陈杰", third),
    ]
    .into_iter()
    .enumerate()
    {
        let volunteer = l.person(name, 980 + i, false)?;
        organisations::add_member(
            l.conn,
            &l.system,
            &l.origin,
            &union.id,
            OrganisationMemberInput {
                person_id: volunteer.id.to_string(),
                joined_on: chrono::NaiveDate::from_ymd_opt(2025, 5, 1),
            },
        )?;
        l.assign(grid, &volunteer, GridRole::PartTimeWorker)?;
    }
    // 耕德电子's staff ask for services themselves
    if let (Some(firm), Some(staff)) = (
        second.enterprise_id.clone(),
        gridwork_persistence::user::find_by_username(l.conn, "gengde.hr")?,
    ) {
        use crate::app::cases::{self, CreateCase};
        use crate::app::enterprise_services::{self, AccountInput};
        use gridwork_domain::case::{Severity, Source};
        use gridwork_domain::enterprise_service::ServiceStage;
        let input = AccountInput {
            user_id: staff.id.to_string(),
        };
        enterprise_services::add_account(l.conn, &l.system, &l.origin, &firm, input)?;
        let scoped = Scoped::of_user(l.conn, staff)?;
        let none = gridwork_domain::case::duplicate::Window {
            radius_m: 0.0,
            within: chrono::Duration::zero(),
        };
        for (category, stage, text, days) in [
            (
                "enterprise_service.market",
                ServiceStage::Expansion,
                "新产线投产，希望对接区内整机企业配套",
                6,
            ),
            (
                "enterprise_service.talent",
                ServiceStage::Expansion,
                "扩产需招聘SMT技术员20名",
                3,
            ),
            (
                "enterprise_service.permits",
                ServiceStage::Production,
                "危化品仓库消防验收预约",
                1,
            ),
        ] {
            let input = CreateCase {
                id: None,
                category: category.to_owned(),
                severity: Severity::General,
                description: text.to_owned(),
                source: Source::Enterprise,
                lat: None,
                lng: None,
                grid_id: None,
                enterprise_id: Some(firm.clone()),
                attachments: Vec::new(),
                service_stage: Some(stage),
            };
            cases::create(
                l.conn,
                &scoped,
                &l.origin,
                &input,
                none,
                now - chrono::Duration::days(days),
            )?;
        }
    }
    // the last five complete months are closed
    let this = Month::of(now.with_timezone(&tz).date_naive());
    let mut month = this;
    let mut closed = Vec::new();
    for _ in 0..5 {
        month = Month::of(month.first_day() - chrono::Duration::days(1));
        crate::app::assessments::close(l.conn, &l.system, &l.origin, month, tz, now)?;
        closed.push(month);
    }
    // a development candidate from last month's commended workers
    if let (Some(last), Some(branch)) = (closed.first(), branches.first()) {
        let cards = scorecards::page(
            l.conn,
            &last.to_string(),
            AssessmentLevel::Worker,
            Among::Everyone,
            None,
            200,
        )?;
        let commended = cards
            .iter()
            .filter(|c| c.flag.as_deref() == Some(Flag::Commend.code()));
        for card in commended {
            let Some(person) = gridwork_persistence::person::find_by_user(
                l.conn,
                &card.subject_id.as_str().into(),
            )?
            else {
                continue;
            };
            let input = CandidateInput {
                person_id: person.id.to_string(),
                period: last.to_string(),
                reason: Some("月度考核表彰，工作积极".to_owned()),
            };
            party::nominate(l.conn, &l.system, &l.origin, &branch.id, input)?;
            break;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_credit_codes_are_valid_and_distinct() {
        let codes: Vec<String> = (0..FIRMS.len()).map(|i| uscc(i).unwrap()).collect();
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 45);
        assert!(
            codes
                .iter()
                .all(|c| c.starts_with("91411622") && Uscc::parse(c).is_ok())
        );
    }

    #[test]
    fn the_demo_has_62_grids_below_the_zone() {
        let sub_grids: usize = WORKSHOPS.iter().map(|(_, teams)| 1 + teams.len()).sum();
        assert_eq!(FIRMS.len() + sub_grids, 62);
    }
}
