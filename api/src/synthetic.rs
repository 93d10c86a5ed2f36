//! A synthetic province for load tests (`gridwork seed --synthetic`): a grid
//! tree of districts, areas and leaf grids (area, enterprise and workshop
//! grids), enterprises, people with their assignments and accounts, and
//! cases over a span of days, each carried through the domain's own state
//! machine (`Progress::apply`) one step at a time until its next step would
//! lie in the future — so old cases are finished and recent ones stand in
//! every state, with their timelines and departments.
//!
//! Deterministic: the same size, seed and end time give the same rows, ids
//! included (UUIDv7 at each record's own time, the rest of its bits from the
//! seeded generator). Written through `persistence::bulk` (COPY on
//! PostgreSQL) in transactions of [`CHUNK`] cases, so a load can be watched
//! and a failure loses one chunk.
//!
//! Simplifications, so nobody mistakes them for the real rules: deadlines
//! are counted in calendar hours from the report (the working-day calendar
//! is not consulted), and every synthetic account shares one password.

mod duties;

use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use diesel::Connection;
use gridwork_domain::assignment::GridRole;
use gridwork_domain::case::{
    Assignee, CaseAction, CaseState, Level, Progress, Satisfaction, Severity, Source, Step,
    Visibility,
};
use gridwork_domain::enterprise_service::{self, ServiceStage};
use gridwork_domain::grid::{GridCode, GridKind};
use gridwork_domain::role::{Role, Roles};
use gridwork_domain::{AssignmentId, CaseId, EnterpriseId, GridId, PersonId, UserId};
use gridwork_persistence::assignment::AssignmentRow;
use gridwork_persistence::case::{CaseDepartmentRow, CaseRow, TimelineRow};
use gridwork_persistence::enterprise::EnterpriseRow;
use gridwork_persistence::enterprise_service::ServiceRow;
use gridwork_persistence::grid::GridRow;
use gridwork_persistence::person::PersonRow;
use gridwork_persistence::user::UserRow;
use gridwork_persistence::{DbConnection, bulk, case_category, registry, time};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;

/// Cases written per transaction.
pub const CHUNK: usize = 20_000;

/// How big a province to make.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub grids: usize,
    pub enterprises: usize,
    pub people: usize,
    pub cases: usize,
    /// Cases are reported over this many days before the end.
    pub days: i64,
    pub seed: u64,
}

impl Default for Size {
    /// The province of issue 16: 10k grids, 100k enterprises, 200k people,
    /// 1M cases over two years.
    fn default() -> Size {
        Size {
            grids: 10_000,
            enterprises: 100_000,
            people: 200_000,
            cases: 1_000_000,
            days: 730,
            seed: 1,
        }
    }
}

/// An account a load test logs in as.
#[derive(Debug, Clone, Serialize)]
pub struct Persona {
    /// What the account stands for: `worker` (the full-time worker of a
    /// mid-size grid), `leader` (that grid's area leader), `officer` (the
    /// zone office: every grid), `department` (a department's staff).
    pub persona: &'static str,
    pub username: String,
    /// The grid the persona works in, if any.
    pub grid_code: Option<String>,
    /// Cases reported in that grid (or in the province).
    pub cases_in_scope: usize,
}

/// What a load wrote, and how fast.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub grids: usize,
    pub enterprises: usize,
    pub people: usize,
    pub accounts: usize,
    pub assignments: usize,
    pub cases: usize,
    pub timeline_entries: usize,
    pub case_departments: usize,
    /// What the four duties wrote: inspections with their schedules,
    /// occurrences and hazards, disputes, policies and acknowledgements.
    pub duties: duties::Duties,
    pub duties_seconds: f64,
    /// Cases per state code.
    pub states: Vec<(String, usize)>,
    pub registry_seconds: f64,
    pub cases_seconds: f64,
    /// The shared password of every synthetic account.
    pub password: String,
    pub personas: Vec<Persona>,
}

#[derive(Debug, thiserror::Error)]
pub enum SyntheticError {
    #[error("{0}")]
    Size(String),
    #[error(
        "the database already holds grids, enterprises, people or users: the synthetic province loads only into a fresh database"
    )]
    NotEmpty,
    #[error("the generator broke a rule of the domain: {0}")]
    Domain(String),
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
}

impl Size {
    /// Staff the tree needs, for the given leaf, area and district counts.
    fn staff(leaves: usize, areas: usize, districts: usize) -> usize {
        // leaders of districts and areas, an instructor per area, a
        // full-time and a part-time worker per leaf, a rider per four leaves
        districts + 2 * areas + 2 * leaves + leaves.div_ceil(4)
    }

    fn check(&self) -> Result<Shape, SyntheticError> {
        let too = |what: &str| Err(SyntheticError::Size(what.to_owned()));
        if self.grids < 3 {
            return too("--grids must be at least 3 (the zone, an area, a grid)");
        }
        if self.grids > 999 * 999 {
            return too("--grids must be at most 998001");
        }
        if self.enterprises == 0 {
            return too("--enterprises must be at least 1");
        }
        if !(1..=3650).contains(&self.days) {
            return too("--days must be 1 to 3650");
        }
        let shape = Shape::of(self.grids);
        let staff = Size::staff(shape.leaves, shape.areas, shape.districts);
        if self.people < staff {
            return Err(SyntheticError::Size(format!(
                "--people must be at least {staff} for {} grids (their leaders and workers)",
                self.grids
            )));
        }
        Ok(shape)
    }
}

/// How the grids divide: districts under the zone, areas under districts,
/// the rest leaves under areas.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Shape {
    districts: usize,
    areas: usize,
    leaves: usize,
}

impl Shape {
    fn of(grids: usize) -> Shape {
        let below = grids - 1;
        let districts = (below / 500).clamp(1, 999);
        let areas = ((below - districts) / 20).clamp(1, 999 * districts);
        Shape {
            districts,
            areas,
            leaves: below - districts - areas,
        }
    }
}

// The province's box (about Henan's): leaves tile it.
const WEST: f64 = 110.35;
const SOUTH: f64 = 31.38;
const WIDTH: f64 = 6.3;
const HEIGHT: f64 = 5.0;

const SURNAMES: &[char] = &[
    '王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '胡', '朱', '高', '林',
    '何', '郭', '马', '罗',
];
const GIVEN: &[char] = &[
    '伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '涛', '明', '超',
    '秀', '霞', '平', '刚', '华', '建', '国', '红',
];
const FIRM_WORDS: &[&str] = &[
    "豫", "华", "中", "恒", "鑫", "宏", "金", "瑞", "达", "盛", "源", "通", "泰", "丰", "隆", "兴",
];
/// Industry sections (GB/T 4754) with what a firm of each makes.
const INDUSTRIES: &[(&str, &str)] = &[
    ("C", "机械制造"),
    ("C", "电子科技"),
    ("C", "纺织"),
    ("C", "食品"),
    ("C", "新材料"),
    ("G", "物流"),
    ("F", "建筑工程"),
    ("I", "信息技术"),
];
const FLAGS: &[&str] = &[
    "hazardous_chemicals",
    "dust",
    "confined_space",
    "flammable",
    "heavy_machinery",
];

/// Leaf case categories with their weight in the mix.
const MIX: &[(&str, u32)] = &[
    ("safety_hazard.fire", 10),
    ("safety_hazard.production", 12),
    ("safety_hazard.electrical", 9),
    ("safety_hazard.flooding", 5),
    ("safety_hazard.special_equipment", 4),
    ("safety_hazard.environment", 4),
    ("dispute.wage_arrears", 5),
    ("dispute.labour_contract", 4),
    ("dispute.employee_conflict", 3),
    ("enterprise_service.talent", 5),
    ("enterprise_service.policy", 8),
    ("enterprise_service.permits", 5),
    ("infrastructure", 7),
    ("livelihood", 5),
];

/// One grid as the generator keeps it.
struct Grid {
    row: GridRow,
    parent: Option<usize>,
    /// Whether cases are reported here (leaves), and how many relative to others.
    weight: f64,
    leader: usize,
    worker: Option<usize>,
    part_timer: Option<usize>,
    rider: Option<usize>,
    enterprises: Vec<usize>,
    cases: usize,
    last_case: Option<CaseId>,
    bbox: [f64; 4],
}

/// One account: its user id and username.
struct Account {
    user: UserId,
    username: String,
}

struct Gen {
    rng: StdRng,
    now: DateTime<Utc>,
}

impl Gen {
    fn bits(&mut self) -> [u8; 10] {
        self.rng.random()
    }

    fn millis(at: DateTime<Utc>) -> u64 {
        u64::try_from(at.timestamp_millis()).unwrap_or(0)
    }

    /// An untyped record id (a timeline entry's) at `at`.
    fn id_at(&mut self, at: DateTime<Utc>) -> String {
        uuid::Builder::from_unix_timestamp_millis(Gen::millis(at), &self.bits())
            .into_uuid()
            .to_string()
    }

    fn name(&mut self) -> String {
        let s = SURNAMES[self.rng.random_range(0..SURNAMES.len())];
        let g1 = GIVEN[self.rng.random_range(0..GIVEN.len())];
        if self.rng.random_bool(0.5) {
            let g2 = GIVEN[self.rng.random_range(0..GIVEN.len())];
            format!("{s}{g1}{g2}")
        } else {
            format!("{s}{g1}")
        }
    }

    fn mobile(&mut self) -> String {
        format!("13{:09}", self.rng.random_range(0..1_000_000_000u32))
    }

    /// A moment in the `days` before now, later ones a little likelier (a
    /// province that grows busier).
    fn moment(&mut self, days: i64) -> DateTime<Utc> {
        let u: f64 = self.rng.random::<f64>().sqrt();
        let span = days * 86_400;
        self.now - Duration::seconds(span - (u * span as f64) as i64)
    }

    fn hours(&mut self, low: f64, high: f64) -> Duration {
        let h = low + (high - low) * self.rng.random::<f64>().powi(2);
        Duration::seconds((h * 3600.0) as i64)
    }
}

fn polygon([w, s, e, n]: [f64; 4]) -> String {
    serde_json::json!({
        "type": "Polygon",
        "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]],
    })
    .to_string()
}

fn union(a: [f64; 4], b: [f64; 4]) -> [f64; 4] {
    [
        a[0].min(b[0]),
        a[1].min(b[1]),
        a[2].max(b[2]),
        a[3].max(b[3]),
    ]
}

/// Everything but the cases, in memory until written.
#[derive(Default)]
struct Registry {
    grids: Vec<Grid>,
    enterprises: Vec<EnterpriseRow>,
    people: Vec<PersonRow>,
    accounts: Vec<Account>,
    users: Vec<UserRow>,
    assignments: Vec<AssignmentRow>,
    /// Account index of the zone officer and of each department's staff.
    officer: usize,
    departments: Vec<(String, usize)>,
}

impl Registry {
    /// The grids cases are reported in, by index.
    fn leaves(&self) -> Vec<usize> {
        (0..self.grids.len())
            .filter(|&i| self.grids[i].weight > 0.0)
            .collect()
    }

    fn grid(
        &mut self,
        g: &mut Gen,
        parent: Option<usize>,
        kind: GridKind,
        name: String,
        enterprise: Option<EnterpriseId>,
    ) -> Result<usize, SyntheticError> {
        let at = g.now - Duration::days(800);
        let code = match parent {
            Some(p) => {
                let parent = &mut self.grids[p].row;
                parent.next_child_seq += 1;
                GridCode::parse(&parent.code)
                    .and_then(|c| c.child(parent.kind, parent.next_child_seq as u32))
                    .map_err(|e| SyntheticError::Size(format!("the grid tree: {e}")))?
                    .to_string()
            }
            None => String::new(),
        };
        let mut row = GridRow::new(
            &code,
            &name,
            kind,
            parent.map(|p| self.grids[p].row.id.clone()),
            enterprise,
            time::to_db(at),
        );
        row.id = GridId::at(Gen::millis(at), g.bits());
        self.grids.push(Grid {
            row,
            parent,
            weight: 0.0,
            leader: 0,
            worker: None,
            part_timer: None,
            rider: None,
            enterprises: Vec::new(),
            cases: 0,
            last_case: None,
            bbox: [f64::MAX, f64::MAX, f64::MIN, f64::MIN],
        });
        Ok(self.grids.len() - 1)
    }

    fn person(&mut self, g: &mut Gen, grid: Option<usize>, staff: bool) -> usize {
        let at = g.now - Duration::days(g.rng.random_range(400..800));
        let name = g.name();
        let mut row = PersonRow::new(&name, time::to_db(at));
        row.id = PersonId::at(Gen::millis(at), g.bits());
        row.grid_id = grid.map(|i| self.grids[i].row.id.clone());
        if staff {
            row.mobile = Some(g.mobile());
            row.party_member = g.rng.random_bool(0.4);
            row.placard_consent = true;
            row.placard_consent_at = Some(row.created_at);
        }
        self.people.push(row);
        self.people.len() - 1
    }

    /// An account for `person` with `role`, all sharing `hash`.
    fn account(
        &mut self,
        g: &mut Gen,
        person: Option<usize>,
        username: String,
        role: Role,
        department: Option<&str>,
        hash: &str,
    ) -> usize {
        let made = g.now - Duration::days(400);
        let at = time::to_db(made);
        let id = UserId::at(Gen::millis(made), g.bits());
        let display = person.map(|p| self.people[p].name.clone());
        self.users.push(UserRow {
            id: id.clone(),
            username: username.clone(),
            display_name: display,
            password_hash: hash.to_owned(),
            roles: Roles::single(role).to_stored(),
            disabled: false,
            token_version: 0,
            created_at: at,
            updated_at: at,
            version: 1,
            department_code: department.map(str::to_owned),
            password_change_required: false,
        });
        if let Some(p) = person {
            self.people[p].user_id = Some(id.clone());
        }
        self.accounts.push(Account { user: id, username });
        self.accounts.len() - 1
    }

    fn assign(&mut self, g: &mut Gen, grid: usize, person: usize, role: GridRole) {
        let at = self.people[person].created_at;
        let mut row =
            AssignmentRow::new(&self.grids[grid].row.id, &self.people[person].id, role, at);
        row.id = AssignmentId::at(Gen::millis(time::from_db(at)), g.bits());
        self.assignments.push(row);
    }

    /// A staff member of `grid` with an account and an assignment.
    fn staff(
        &mut self,
        g: &mut Gen,
        grid: usize,
        role: GridRole,
        account_role: Role,
        hash: &str,
    ) -> usize {
        let person = self.person(g, Some(grid), true);
        let username = format!("s{:07}", person);
        let account = self.account(g, Some(person), username, account_role, None, hash);
        self.assign(g, grid, person, role);
        account
    }
}

/// Builds the registry: the tree, its staff, enterprises and residents.
fn registry(
    g: &mut Gen,
    size: &Size,
    shape: Shape,
    zone_code: &GridCode,
    departments: &[String],
    hash: &str,
) -> Result<Registry, SyntheticError> {
    let mut r = Registry::default();
    let root = r.grid(g, None, GridKind::Zone, "合成省".to_owned(), None)?;
    r.grids[root].row.code = zone_code.to_string();
    r.officer = r.account(g, None, "officer".to_owned(), Role::ZoneOfficer, None, hash);
    for code in departments {
        let account = r.account(
            g,
            None,
            format!("dept-{code}"),
            Role::DepartmentStaff,
            Some(code),
            hash,
        );
        r.departments.push((code.clone(), account));
    }
    let districts: Vec<usize> = (0..shape.districts)
        .map(|d| {
            let grid = r.grid(
                g,
                Some(root),
                GridKind::General,
                format!("第{}区", d + 1),
                None,
            )?;
            let leader = r.staff(g, grid, GridRole::GridLeader, Role::GridLeader, hash);
            r.grids[grid].leader = leader;
            Ok(grid)
        })
        .collect::<Result<_, SyntheticError>>()?;
    let mut areas = Vec::with_capacity(shape.areas);
    for a in 0..shape.areas {
        let district = districts[a % districts.len()];
        let name = format!(
            "{}{}片区",
            r.grids[district].row.name,
            a / districts.len() + 1
        );
        let grid = r.grid(g, Some(district), GridKind::General, name, None)?;
        let leader = r.staff(g, grid, GridRole::GridLeader, Role::GridLeader, hash);
        r.staff(
            g,
            grid,
            GridRole::PartyInstructor,
            Role::PartyInstructor,
            hash,
        );
        r.grids[grid].leader = leader;
        areas.push(grid);
    }
    // leaves: areas in turn, so that an area's leaves sit side by side
    let cols = ((shape.leaves as f64 * WIDTH / HEIGHT).sqrt().ceil() as usize).max(1);
    let rows = shape.leaves.div_ceil(cols).max(1);
    let (cell_w, cell_h) = (WIDTH / cols as f64, HEIGHT / rows as f64);
    let enterprise_grids = (shape.leaves * 12 / 100).min(size.enterprises);
    let mut owners: Vec<(usize, usize)> = Vec::new(); // (grid, enterprise index)
    let mut last_enterprise_grid: Vec<Option<usize>> = vec![None; areas.len()];
    let mut cell = 0usize;
    for leaf in 0..shape.leaves {
        let a = leaf * areas.len() / shape.leaves.max(1);
        let area = areas[a];
        let roll = g.rng.random::<f64>();
        let (kind, parent, name) = if owners.len() < enterprise_grids && roll < 0.13 {
            (GridKind::Enterprise, area, String::new())
        } else if let (Some(parent), true) = (last_enterprise_grid[a], roll > 0.97) {
            (
                GridKind::SubGrid,
                parent,
                format!("{}号车间网格", r.grids[parent].row.next_child_seq + 1),
            )
        } else {
            let n = r.grids[area].row.next_child_seq + 1;
            (
                GridKind::General,
                area,
                format!("{}第{n}网格", r.grids[area].row.name),
            )
        };
        let enterprise = (kind == GridKind::Enterprise).then(|| {
            let e = owners.len();
            (
                e,
                EnterpriseId::at(Gen::millis(g.now - Duration::days(800)), g.bits()),
            )
        });
        let grid = r.grid(
            g,
            Some(parent),
            kind,
            name,
            enterprise.as_ref().map(|(_, id)| id.clone()),
        )?;
        if let Some((e, _)) = enterprise {
            owners.push((grid, e));
            last_enterprise_grid[a] = Some(grid);
        }
        let bbox = if kind == GridKind::SubGrid {
            // a quarter of the enterprise grid it belongs to
            let [w, s, _, _] = r.grids[parent].bbox;
            let q = (r.grids[parent].row.next_child_seq - 1) as f64;
            let (x, y) = (q % 2.0, (q / 2.0).floor() % 2.0);
            [
                w + x * cell_w / 2.0,
                s + y * cell_h / 2.0,
                w + (x + 1.0) * cell_w / 2.0,
                s + (y + 1.0) * cell_h / 2.0,
            ]
        } else {
            let (x, y) = ((cell % cols) as f64, (cell / cols) as f64);
            cell += 1;
            [
                WEST + x * cell_w,
                SOUTH + y * cell_h,
                WEST + (x + 1.0) * cell_w,
                SOUTH + (y + 1.0) * cell_h,
            ]
        };
        r.grids[grid].bbox = bbox;
        // busier and quieter grids: a skewed weight
        r.grids[grid].weight = 0.5 + 10.0 * g.rng.random::<f64>().powi(3);
        r.grids[grid].leader = r.grids[area].leader;
        if kind != GridKind::Enterprise {
            let worker = r.staff(g, grid, GridRole::FullTimeWorker, Role::GridWorker, hash);
            r.grids[grid].worker = Some(worker);
        }
        let part_timer = r.staff(
            g,
            grid,
            GridRole::PartTimeWorker,
            Role::PartTimeWorker,
            hash,
        );
        r.grids[grid].part_timer = Some(part_timer);
        if leaf % 4 == 0 {
            let rider = r.staff(g, grid, GridRole::MobileWorker, Role::MobileWorker, hash);
            r.grids[grid].rider = Some(rider);
        }
    }
    // boxes upwards: areas and districts hold their leaves, the zone all
    for i in (1..r.grids.len()).rev() {
        let bbox = r.grids[i].bbox;
        if let Some(p) = r.grids[i].parent
            && r.grids[p].row.kind != GridKind::Enterprise
        {
            r.grids[p].bbox = union(r.grids[p].bbox, bbox);
        }
    }
    r.grids[root].bbox = [WEST, SOUTH, WEST + WIDTH, SOUTH + HEIGHT];
    for grid in &mut r.grids {
        let [w, s, e, n] = grid.bbox;
        grid.row.boundary = Some(polygon(grid.bbox));
        (grid.row.min_lng, grid.row.min_lat) = (Some(w), Some(s));
        (grid.row.max_lng, grid.row.max_lat) = (Some(e), Some(n));
    }
    enterprises(g, size, &mut r, &owners, hash)?;
    // the rest of the people: residents registered in a leaf
    let leaves = r.leaves();
    while r.people.len() < size.people {
        let grid = leaves[g.rng.random_range(0..leaves.len())];
        r.person(g, Some(grid), false);
    }
    Ok(r)
}

/// The enterprises: the first ones own the enterprise grids (their
/// principals are those grids' full-time workers), the others sit in leaves,
/// busier leaves holding more.
fn enterprises(
    g: &mut Gen,
    size: &Size,
    r: &mut Registry,
    owners: &[(usize, usize)],
    hash: &str,
) -> Result<(), SyntheticError> {
    let leaves: Vec<usize> = r
        .leaves()
        .into_iter()
        .filter(|&i| r.grids[i].row.kind != GridKind::Enterprise)
        .collect();
    let sampler = Weighted::new(leaves.iter().map(|&i| r.grids[i].weight));
    // people left for principals once the enterprise grids' are counted
    let principals = size.people.saturating_sub(r.people.len() + owners.len());
    for e in 0..size.enterprises {
        let owned = owners.get(e).map(|(grid, _)| *grid);
        let at = g.now - Duration::days(g.rng.random_range(400..800));
        let (section, trade) = INDUSTRIES[g.rng.random_range(0..INDUSTRIES.len())];
        let name = format!(
            "{}{}{}有限公司{:06}",
            FIRM_WORDS[e % FIRM_WORDS.len()],
            FIRM_WORDS[(e / FIRM_WORDS.len() + 3) % FIRM_WORDS.len()],
            trade,
            e + 1
        );
        let mut row = EnterpriseRow::new(&name, time::to_db(at));
        row.id = match owned {
            Some(grid) => r.grids[grid].row.enterprise_id.clone().ok_or_else(|| {
                SyntheticError::Domain("an enterprise grid without its enterprise".into())
            })?,
            None => EnterpriseId::at(Gen::millis(at), g.bits()),
        };
        let grid = owned.unwrap_or_else(|| leaves[sampler.pick(&mut g.rng)]);
        row.grid_id = Some(r.grids[grid].row.id.clone());
        row.industry_section = Some(section.to_owned());
        row.industry_text = Some(trade.to_owned());
        row.employee_count = Some(if owned.is_some() {
            g.rng.random_range(300..3000)
        } else {
            3 + (g.rng.random::<f64>().powi(3) * 300.0) as i32
        });
        let [w, s, east, n] = r.grids[grid].bbox;
        row.lng = Some(w + (east - w) * g.rng.random::<f64>());
        row.lat = Some(s + (n - s) * g.rng.random::<f64>());
        row.address = Some(format!("{}{}号", r.grids[grid].row.name, e % 200 + 1));
        if g.rng.random_bool(0.2) {
            row.flags = FLAGS[g.rng.random_range(0..FLAGS.len())].to_owned();
        }
        if owned.is_some() {
            // the principal is the enterprise grid's full-time worker
            let account = r.staff(g, grid, GridRole::FullTimeWorker, Role::GridWorker, hash);
            r.grids[grid].worker = Some(account);
            row.principal_person_id = Some(r.people[r.people.len() - 1].id.clone());
        } else if e - owners.len() < principals {
            let person = r.person(g, Some(grid), false);
            row.principal_person_id = Some(r.people[person].id.clone());
        }
        r.grids[grid].enterprises.push(r.enterprises.len());
        r.enterprises.push(row);
    }
    Ok(())
}

/// Picks indexes in proportion to their weights.
struct Weighted(Vec<f64>);

impl Weighted {
    fn new(weights: impl Iterator<Item = f64>) -> Weighted {
        let mut total = 0.0;
        Weighted(
            weights
                .map(|w| {
                    total += w;
                    total
                })
                .collect(),
        )
    }

    fn pick(&self, rng: &mut StdRng) -> usize {
        let total = self.0.last().copied().unwrap_or(0.0);
        let x = rng.random::<f64>() * total;
        self.0
            .partition_point(|&c| c <= x)
            .min(self.0.len().saturating_sub(1))
    }
}

/// Loads a province of `size` ending at `now` into an empty database.
pub fn load(
    conn: &mut DbConnection,
    zone_code: &GridCode,
    size: Size,
    (password, hash): (String, String),
    (now, time_zone): (DateTime<Utc>, chrono_tz::Tz),
    progress: &mut dyn FnMut(&str),
) -> Result<Report, SyntheticError> {
    let shape = size.check()?;
    if registry::holds_data(conn)? {
        return Err(SyntheticError::NotEmpty);
    }
    let started = Instant::now();
    let categories = categories(conn)?;
    let mut departments: Vec<String> = categories
        .iter()
        .flat_map(|c| c.departments.iter().cloned())
        .collect();
    departments.sort();
    departments.dedup();
    let mut g = Gen {
        rng: StdRng::seed_from_u64(size.seed),
        now,
    };
    let mut r = registry(&mut g, &size, shape, zone_code, &departments, &hash)?;
    conn.transaction(|conn| -> Result<(), SyntheticError> {
        // grids and enterprises name each other: the grids go first
        // without, and learn their enterprise once it is written
        let mut links = Vec::new();
        let grids: Vec<GridRow> = r
            .grids
            .iter()
            .map(|x| {
                let mut row = x.row.clone();
                if let Some(enterprise) = row.enterprise_id.take() {
                    links.push((row.id.clone(), enterprise));
                }
                row
            })
            .collect();
        for chunk in r.users.chunks(CHUNK) {
            bulk::users(conn, chunk)?;
        }
        bulk::grids(conn, &grids)?;
        for chunk in r.people.chunks(CHUNK) {
            bulk::people(conn, chunk)?;
        }
        for chunk in r.enterprises.chunks(CHUNK) {
            bulk::enterprises(conn, chunk)?;
        }
        bulk::link_enterprise_grids(conn, &links)?;
        for chunk in r.assignments.chunks(CHUNK) {
            bulk::assignments(conn, chunk)?;
        }
        Ok(())
    })?;
    let registry_seconds = started.elapsed().as_secs_f64();
    progress(&format!(
        "registry: {} grids, {} enterprises, {} people, {} accounts, {} assignments in {registry_seconds:.1} s",
        r.grids.len(),
        r.enterprises.len(),
        r.people.len(),
        r.users.len(),
        r.assignments.len()
    ));

    let started = Instant::now();
    let written = cases(conn, &mut g, &size, &mut r, &categories, progress)?;
    let cases_seconds = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let duties = duties::load(conn, &mut g, &size, &r, time_zone)?;
    let duties_seconds = started.elapsed().as_secs_f64();
    progress(&format!(
        "duties: {} inspections ({} occurrences of {} schedules), {} hazards, {} disputes, {} policies with {} acknowledgements in {duties_seconds:.1} s",
        duties.inspections,
        duties.occurrences,
        duties.schedules,
        duties.hazards,
        duties.disputes,
        duties.policies,
        duties.acknowledgements
    ));
    let started = Instant::now();
    let days = crate::app::case_stats::rebuild(conn)
        .map_err(|e| SyntheticError::Domain(format!("the case rollups: {e}")))?;
    progress(&format!(
        "case rollups: {days} days in {:.1} s",
        started.elapsed().as_secs_f64()
    ));
    progress("gathering the planner's statistics (ANALYZE)");
    bulk::analyze(conn)?;
    let personas = personas(&r, size.cases);
    Ok(Report {
        grids: r.grids.len(),
        enterprises: r.enterprises.len(),
        people: r.people.len(),
        accounts: r.users.len(),
        assignments: r.assignments.len(),
        cases: size.cases,
        timeline_entries: written.timeline,
        case_departments: written.departments,
        duties,
        duties_seconds,
        states: written.states,
        registry_seconds,
        cases_seconds,
        password,
        personas,
    })
}

/// A leaf category and the departments it goes to, lead first.
struct Category {
    code: String,
    weight: u32,
    departments: Vec<String>,
}

fn categories(conn: &mut DbConnection) -> Result<Vec<Category>, SyntheticError> {
    let mut found = Vec::new();
    for (code, weight) in MIX {
        let row = case_category::find(conn, code)?.ok_or_else(|| {
            SyntheticError::Domain(format!("the case category {code} is missing"))
        })?;
        found.push(Category {
            departments: row.department_codes(),
            code: row.code,
            weight: *weight,
        });
    }
    Ok(found)
}

fn personas(r: &Registry, cases: usize) -> Vec<Persona> {
    let username = |account: usize| r.accounts[account].username.clone();
    // the full-time worker of the grid with the median number of cases
    let mut leaves: Vec<&Grid> = r
        .grids
        .iter()
        .filter(|x| x.row.kind == GridKind::General && x.weight > 0.0 && x.worker.is_some())
        .collect();
    leaves.sort_by_key(|x| (x.cases, x.row.code.clone()));
    let mut personas = Vec::new();
    if let Some(mid) = leaves.get(leaves.len() / 2) {
        if let Some(worker) = mid.worker {
            personas.push(Persona {
                persona: "worker",
                username: username(worker),
                grid_code: Some(mid.row.code.clone()),
                cases_in_scope: mid.cases,
            });
        }
        // its area's leader sees the area
        let area_code = &mid.row.code[..mid.row.code.len() - 3];
        let area_cases = r
            .grids
            .iter()
            .filter(|x| x.row.code.starts_with(area_code))
            .map(|x| x.cases)
            .sum();
        personas.push(Persona {
            persona: "leader",
            username: username(mid.leader),
            grid_code: Some(area_code.to_owned()),
            cases_in_scope: area_cases,
        });
    }
    personas.push(Persona {
        persona: "officer",
        username: username(r.officer),
        grid_code: None,
        cases_in_scope: cases,
    });
    if let Some((_, account)) = r.departments.first() {
        personas.push(Persona {
            persona: "department",
            username: username(*account),
            grid_code: None,
            cases_in_scope: 0,
        });
    }
    personas
}

struct Written {
    timeline: usize,
    departments: usize,
    states: Vec<(String, usize)>,
}

/// Who acts on a case at a step.
#[derive(Clone, Copy)]
enum Actor {
    Reporter,
    Leader,
    Officer,
    Worker,
    Department,
}

/// The steps a case will take if time allows, with the hours after the
/// previous step each comes, and who takes it.
fn plan(g: &mut Gen, has_departments: bool, can_merge: bool) -> Vec<(Step, Duration, Actor)> {
    let mut steps = Vec::new();
    let roll = g.rng.random::<f64>();
    if roll < 0.04 {
        steps.push((Step::Reject, g.hours(0.5, 30.0), Actor::Leader));
        return steps;
    }
    if roll < 0.06 && can_merge {
        steps.push((Step::Merge, g.hours(0.5, 20.0), Actor::Leader));
        return steps;
    }
    let escalated = g.rng.random_bool(0.08);
    if escalated {
        steps.push((Step::Escalate, g.hours(0.2, 6.0), Actor::Leader));
    }
    let handler = if escalated {
        Actor::Officer
    } else {
        Actor::Leader
    };
    steps.push((Step::Accept, g.hours(0.3, 30.0), handler));
    let departments = has_departments && g.rng.random_bool(0.25);
    let (assignee, worker) = if departments {
        (Assignee::Departments, Actor::Department)
    } else {
        (Assignee::Worker, Actor::Worker)
    };
    steps.push((Step::Dispatch(assignee), g.hours(0.2, 8.0), handler));
    if departments {
        steps.push((Step::ReportIn, g.hours(1.0, 30.0), worker));
    }
    steps.push((Step::Start, g.hours(0.5, 24.0), worker));
    if g.rng.random_bool(0.05) {
        steps.push((Step::Hold, g.hours(2.0, 48.0), worker));
        steps.push((Step::Resume, g.hours(24.0, 200.0), worker));
    }
    steps.push((Step::Resolve, g.hours(4.0, 240.0), worker));
    if g.rng.random_bool(0.08) {
        steps.push((Step::Rework, g.hours(1.0, 48.0), handler));
        steps.push((Step::Start, g.hours(0.5, 12.0), worker));
        steps.push((Step::Resolve, g.hours(4.0, 96.0), worker));
    }
    steps.push((Step::Verify, g.hours(1.0, 48.0), handler));
    if g.rng.random_bool(0.75) {
        let r = g.rng.random::<f64>();
        let satisfaction = if r < 0.8 {
            Satisfaction::Satisfied
        } else if r < 0.95 {
            Satisfaction::BasicallySatisfied
        } else {
            Satisfaction::Unsatisfied
        };
        steps.push((
            Step::Evaluate(satisfaction),
            g.hours(1.0, 120.0),
            Actor::Reporter,
        ));
        if satisfaction == Satisfaction::Unsatisfied {
            steps.push((Step::Start, g.hours(1.0, 24.0), worker));
            steps.push((Step::Resolve, g.hours(4.0, 96.0), worker));
            steps.push((Step::Verify, g.hours(1.0, 48.0), handler));
            steps.push((
                Step::Evaluate(Satisfaction::BasicallySatisfied),
                g.hours(1.0, 72.0),
                Actor::Reporter,
            ));
        }
    }
    steps
}

/// Hours to accept and to resolve, by severity.
fn limits(severity: Severity) -> (i64, i64) {
    match severity {
        Severity::General => (24, 120),
        Severity::Urgent => (4, 48),
        Severity::Critical => (2, 24),
    }
}

fn cases(
    conn: &mut DbConnection,
    g: &mut Gen,
    size: &Size,
    r: &mut Registry,
    categories: &[Category],
    progress: &mut dyn FnMut(&str),
) -> Result<Written, SyntheticError> {
    let leaves = r.leaves();
    let sampler = Weighted::new(leaves.iter().map(|&i| r.grids[i].weight));
    let mix = Weighted::new(categories.iter().map(|c| f64::from(c.weight)));
    // report times in order, so ids and chunks follow time
    let mut times: Vec<DateTime<Utc>> = (0..size.cases).map(|_| g.moment(size.days)).collect();
    times.sort();
    let mut written = Written {
        timeline: 0,
        departments: 0,
        states: Vec::new(),
    };
    let mut states: std::collections::BTreeMap<&'static str, usize> = Default::default();
    let started = Instant::now();
    for (n, chunk) in times.chunks(CHUNK).enumerate() {
        let mut rows = Vec::with_capacity(chunk.len());
        let mut timeline = Vec::with_capacity(chunk.len() * 6);
        let mut departments = Vec::new();
        let mut services = Vec::new();
        for &reported in chunk {
            let grid = leaves[sampler.pick(&mut g.rng)];
            let category = &categories[mix.pick(&mut g.rng)];
            let (row, steps, depts) = case(g, r, grid, category, reported)?;
            *states.entry(row.state.code()).or_default() += 1;
            if let Some(enterprise_id) = row
                .enterprise_id
                .clone()
                .filter(|_| enterprise_service::is_service(&row.category_code))
            {
                // the life-cycle stages in the proportions of a settled zone
                let stage = match g.rng.random_range(0..10) {
                    0 => ServiceStage::SettlingIn,
                    1..8 => ServiceStage::Production,
                    _ => ServiceStage::Expansion,
                };
                services.push(ServiceRow {
                    case_id: row.id.clone(),
                    enterprise_id,
                    stage,
                });
            }
            r.grids[grid].cases += 1;
            r.grids[grid].last_case = Some(row.id.clone());
            rows.push(row);
            timeline.extend(steps);
            departments.extend(depts);
        }
        conn.transaction(|conn| -> Result<(), SyntheticError> {
            bulk::cases(conn, &rows)?;
            bulk::case_departments(conn, &departments)?;
            bulk::timeline(conn, &timeline)?;
            bulk::service_requests(conn, &services)?;
            Ok(())
        })?;
        written.timeline += timeline.len();
        written.departments += departments.len();
        let done = n * CHUNK + chunk.len();
        let secs = started.elapsed().as_secs_f64();
        progress(&format!(
            "cases: {done} of {} ({:.0} cases/s, {} timeline entries so far)",
            size.cases,
            done as f64 / secs.max(1e-9),
            written.timeline
        ));
    }
    written.states = states.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    Ok(written)
}

type Made = (CaseRow, Vec<TimelineRow>, Vec<CaseDepartmentRow>);

/// One case reported at `reported` in `grid`, taken as far as now allows.
fn case(
    g: &mut Gen,
    r: &Registry,
    grid: usize,
    category: &Category,
    reported: DateTime<Utc>,
) -> Result<Made, SyntheticError> {
    let at = &r.grids[grid];
    let id = CaseId::at(Gen::millis(reported), g.bits());
    let roll = g.rng.random::<f64>();
    let (reporter, source) = match (at.worker, at.rider) {
        (_, Some(rider)) if roll < 0.10 => (rider, Source::MobileWorker),
        (Some(worker), _) if roll < 0.75 => (worker, Source::GridWorker),
        _ if roll < 0.95 => (at.part_timer.unwrap_or(at.leader), Source::PartTimeWorker),
        _ => (at.leader, Source::Hotline),
    };
    let severity = match g.rng.random::<f64>() {
        x if x < 0.85 => Severity::General,
        x if x < 0.97 => Severity::Urgent,
        _ => Severity::Critical,
    };
    let (accept_hours, resolve_hours) = limits(severity);
    let [w, s, e, n] = at.bbox;
    let enterprise = (!at.enterprises.is_empty() && g.rng.random_bool(0.6)).then(|| {
        r.enterprises[at.enterprises[g.rng.random_range(0..at.enterprises.len())]]
            .id
            .clone()
    });
    let fingerprint: [u8; 32] = g.rng.random();
    let mut row = CaseRow {
        id: id.clone(),
        grid_id: at.row.id.clone(),
        category_code: category.code.clone(),
        severity,
        source,
        state: CaseState::Reported,
        level: Level::Grid,
        description: format!("{}：{}", at.row.name, category.code),
        lat: Some(s + (n - s) * g.rng.random::<f64>()),
        lng: Some(w + (e - w) * g.rng.random::<f64>()),
        enterprise_id: enterprise,
        reporter_id: Some(r.accounts[reporter].user.clone()),
        assignee_id: None,
        rework_count: 0,
        reopened: false,
        satisfaction: None,
        merged_into: None,
        fingerprint: crate::auth::hex(&fingerprint),
        reported_at: time::to_db(reported),
        accept_due_at: time::to_db(reported + Duration::hours(accept_hours)),
        report_in_due_at: None,
        resolve_due_at: time::to_db(reported + Duration::hours(resolve_hours)),
        accepted_at: None,
        dispatched_at: None,
        resolved_at: None,
        closed_at: None,
        held_at: None,
        updated_at: time::to_db(reported),
        version: 1,
        overdue_escalated: String::new(),
        hazard_id: None,
    };
    let source_role = match source {
        Source::MobileWorker => Role::MobileWorker,
        Source::GridWorker => Role::GridWorker,
        Source::PartTimeWorker => Role::PartTimeWorker,
        _ => Role::GridLeader,
    };
    let mut timeline = vec![TimelineRow {
        id: g.id_at(reported),
        case_id: id.clone(),
        occurred_at: row.reported_at,
        actor_id: row.reporter_id.clone(),
        actor_role: Some(source_role.code().to_owned()),
        action: "report".to_owned(),
        from_state: None,
        to_state: CaseState::Reported,
        level: Level::Grid,
        note: None,
        attachments: String::new(),
        visibility: Visibility::Public,
        department_code: None,
    }];
    let mut departments: Vec<CaseDepartmentRow> = Vec::new();
    let mut progress = Progress::reported(Level::Grid);
    let mut when = reported;
    let lead = category.departments.first().map(|d| {
        r.departments
            .iter()
            .find(|(code, _)| code == d)
            .map_or(r.officer, |(_, account)| *account)
    });
    for (step, after, actor) in plan(g, lead.is_some(), at.last_case.is_some()) {
        when += after;
        if when > g.now {
            break;
        }
        let next = progress
            .apply(step)
            .map_err(|e| SyntheticError::Domain(e.to_string()))?;
        let db_when = time::to_db(when);
        let (account, role, department) = match actor {
            Actor::Reporter => (reporter, source_role, None),
            Actor::Leader => (at.leader, Role::GridLeader, None),
            Actor::Officer => (r.officer, Role::ZoneOfficer, None),
            Actor::Worker => (at.worker.unwrap_or(reporter), Role::GridWorker, None),
            Actor::Department => (
                lead.unwrap_or(r.officer),
                Role::DepartmentStaff,
                category.departments.first().cloned(),
            ),
        };
        match step {
            Step::Accept => row.accepted_at = Some(db_when),
            Step::Merge => row.merged_into = at.last_case.clone(),
            Step::Dispatch(Assignee::Worker) => {
                row.dispatched_at = Some(db_when);
                row.assignee_id = Some(r.accounts[at.worker.unwrap_or(reporter)].user.clone());
            }
            Step::Dispatch(Assignee::Departments) => {
                row.dispatched_at = Some(db_when);
                row.report_in_due_at = Some(time::to_db(when + Duration::hours(24)));
                for (i, code) in category.departments.iter().take(2).enumerate() {
                    if i == 1 && !g.rng.random_bool(0.3) {
                        break;
                    }
                    departments.push(CaseDepartmentRow {
                        case_id: id.clone(),
                        department_code: code.clone(),
                        lead: i == 0,
                        dispatched_at: db_when,
                        reported_in_at: None,
                        reported_in_by: None,
                    });
                }
            }
            Step::ReportIn => {
                if let Some(d) = departments.first_mut() {
                    d.reported_in_at = Some(db_when);
                    d.reported_in_by = Some(r.accounts[account].user.clone());
                }
            }
            Step::Hold => row.held_at = Some(db_when),
            Step::Resume => row.held_at = None,
            Step::Resolve => row.resolved_at = Some(db_when),
            Step::Verify => row.closed_at = Some(db_when),
            Step::Evaluate(s) => row.satisfaction = Some(s),
            _ => {}
        }
        timeline.push(TimelineRow {
            id: g.id_at(when),
            case_id: id.clone(),
            occurred_at: db_when,
            actor_id: Some(r.accounts[account].user.clone()),
            actor_role: Some(role.code().to_owned()),
            action: step.action().code().to_owned(),
            from_state: Some(progress.state),
            to_state: next.state,
            level: next.level,
            note: None,
            attachments: String::new(),
            visibility: if matches!(step.action(), CaseAction::Escalate | CaseAction::Hold) {
                Visibility::Internal
            } else {
                Visibility::Public
            },
            department_code: department,
        });
        progress = next;
        row.updated_at = db_when;
        row.version += 1;
    }
    row.state = progress.state;
    row.level = progress.level;
    row.rework_count = progress.rework_count as i32;
    row.reopened = progress.reopened;
    Ok((row, timeline, departments))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_province_has_the_issues_shape() {
        let shape = Shape::of(10_000);
        assert_eq!(shape.districts, 19);
        assert_eq!(shape.districts + shape.areas + shape.leaves + 1, 10_000);
        assert_eq!(shape.areas, 499);
        // about 19 leaves an area, and staff well within 200k people
        assert_eq!(shape.leaves / shape.areas, 19);
        assert!(Size::staff(shape.leaves, shape.areas, shape.districts) < 30_000);
        assert!(Size::default().check().is_ok());
    }

    #[test]
    fn sizes_too_small_for_their_staff_are_refused() {
        let size = Size {
            grids: 100,
            people: 50,
            ..Size::default()
        };
        let refused = size.check().unwrap_err().to_string();
        assert!(refused.contains("--people must be at least"), "{refused}");
        assert!(
            Size {
                grids: 2,
                ..Size::default()
            }
            .check()
            .is_err()
        );
    }

    #[test]
    fn weighted_picks_follow_the_weights() {
        let w = Weighted::new([1.0, 0.0, 3.0].into_iter());
        let mut rng = StdRng::seed_from_u64(3);
        let mut counts = [0usize; 3];
        for _ in 0..4000 {
            counts[w.pick(&mut rng)] += 1;
        }
        assert_eq!(counts[1], 0);
        assert!((900..1100).contains(&counts[0]), "{counts:?}");
        assert!((2900..3100).contains(&counts[2]), "{counts:?}");
    }

    #[test]
    fn every_plan_is_a_walk_the_state_machine_allows() {
        let mut g = Gen {
            rng: StdRng::seed_from_u64(9),
            now: Utc::now(),
        };
        let mut ends = std::collections::BTreeSet::new();
        for i in 0..2000 {
            let mut p = Progress::reported(Level::Grid);
            for (step, _, _) in plan(&mut g, i % 2 == 0, true) {
                p = p.apply(step).unwrap();
            }
            ends.insert(p.state.code());
        }
        // finished cases end closed, evaluated, rejected or merged
        assert_eq!(
            ends.into_iter().collect::<Vec<_>>(),
            ["closed", "evaluated", "merged", "rejected"]
        );
    }
}
