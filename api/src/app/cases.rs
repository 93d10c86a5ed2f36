//! Cases: reported in the field (online, or offline with the client's own
//! UUIDv7), read within the caller's reach, with their timelines.
//!
//! Who sees a case: zone-wide roles all of them; grid staff those in their
//! grids and below; department staff those dispatched to their department;
//! anyone the cases they reported — the reporter only the public timeline.

use chrono::{DateTime, Utc};
use gridwork_domain::audit::{AuditAction, Entity};
use gridwork_domain::case::duplicate::{Sighting, Window, near};
use gridwork_domain::case::{Level, Progress, Severity, Source, Visibility};
use gridwork_domain::enterprise_service::{self as service, ServiceStage};
use gridwork_domain::event::EventType;
use gridwork_domain::{AttachmentId, CaseId, EnterpriseId, GridId, Permission, Role, Scope};
use gridwork_persistence::case::{
    self, CaseDepartmentRow, CaseFilter, CaseRow, DepartmentWork, TimelineRow, Visible,
};
use gridwork_persistence::enterprise_service::{self, ServiceRow};
use gridwork_persistence::{DbConnection, enterprise, grid, time};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::attachments::{self, AttachmentRef};
use super::{
    AppError, AuditEvent, ErrorCode, FieldCode, FieldError, Origin, Scoped, calendar,
    case_categories, grids,
};

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCase {
    /// A UUIDv7 made on the device, for cases reported offline: sending the
    /// same case again answers it with 200; other content under the same id
    /// answers 409.
    #[schema(value_type = Option<String>, format = Uuid, min_length = 36, max_length = 36)]
    pub id: Option<uuid::Uuid>,
    /// A case category code (`GET /api/v1/case-categories`).
    #[validate(length(min = 1, max = 81))]
    #[schema(
        min_length = 1,
        max_length = 81,
        pattern = "^[a-z][a-z0-9_]{0,39}(\\.[a-z][a-z0-9_]{0,39})?$",
        example = "safety_hazard.flooding"
    )]
    pub category: String,
    pub severity: Severity,
    /// What was found, 1–2000 characters.
    #[validate(length(min = 1, max = 2000))]
    #[schema(
        min_length = 1,
        max_length = 2000,
        example = "车间屋顶漏雨，精密设备进水"
    )]
    pub description: String,
    pub source: Source,
    /// Where: a point (located to the deepest grid in your scope that holds
    /// it) with `lng`, or a grid; for a case about an enterprise, neither:
    /// the enterprise's grid.
    #[validate(range(min = -90.0, max = 90.0))]
    #[schema(minimum = -90.0, maximum = 90.0, example = 33.79)]
    pub lat: Option<f64>,
    #[validate(range(min = -180.0, max = 180.0))]
    #[schema(minimum = -180.0, maximum = 180.0, example = 114.52)]
    pub lng: Option<f64>,
    #[schema(value_type = Option<String>, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")]
    pub grid_id: Option<GridId>,
    #[schema(value_type = Option<String>, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")]
    pub enterprise_id: Option<EnterpriseId>,
    /// Photos uploaded beforehand, at most 10.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<AttachmentRef>, max_items = 10)]
    pub attachments: Vec<AttachmentId>,
    /// For an `enterprise_service.*` request about an enterprise: the stage
    /// of its life it asks at (default `production`); 422 `not_a_service`
    /// on any other case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_stage: Option<ServiceStage>,
}

/// A case reported, whether this request made it (false: a resend), and
/// the open cases it may duplicate, nearest first, with their distances.
#[derive(Debug)]
pub struct Reported {
    pub row: CaseRow,
    pub created: bool,
    pub possible_duplicates: Vec<(CaseRow, f64)>,
}

/// The most possible duplicates a report answers.
pub const MAX_DUPLICATES: usize = 50;

/// Open cases of the same category reported near `row` in the window, that
/// the caller may see, nearest first (among the 200 latest reports of the
/// category in the window).
fn duplicates_of(
    conn: &mut DbConnection,
    scoped: &Scoped,
    row: &CaseRow,
    window: Window,
) -> Result<Vec<(CaseRow, f64)>, AppError> {
    let (Some(lat), Some(lng)) = (row.lat, row.lng) else {
        return Ok(Vec::new());
    };
    let at = time::from_db(row.reported_at);
    let since = time::to_db(at - window.within);
    let new = Sighting { lat, lng, at };
    let mut found = Vec::new();
    for other in case::recent_open(conn, &row.category_code, since, 200)? {
        let (Some(lat), Some(lng)) = (other.lat, other.lng) else {
            continue;
        };
        if other.id == row.id || reach(conn, scoped, &other).is_err() {
            continue;
        }
        let seen = Sighting {
            lat,
            lng,
            at: time::from_db(other.reported_at),
        };
        if let Some(metres) = near(window, new, seen) {
            found.push((other, metres));
        }
    }
    found.sort_by(|a, b| a.1.total_cmp(&b.1));
    found.truncate(MAX_DUPLICATES);
    Ok(found)
}

/// What the caller may see of cases.
pub fn visible(conn: &mut DbConnection, scoped: &Scoped) -> Result<Visible, AppError> {
    let user = scoped.caller.user.as_ref();
    let grids = scoped.scope.grid_ids().map(<[GridId]>::to_vec);
    let enterprises = match (&grids, user) {
        (Some(_), Some(user)) => enterprise_service::represented_by(conn, &user.id)?,
        _ => Vec::new(),
    };
    Ok(Visible {
        grids,
        reporter: user.map(|u| u.id.clone()),
        department: user.and_then(|u| u.department_code.clone()),
        enterprises,
    })
}

/// How much of a case the caller sees: everything (they handle it), the
/// public part (they reported it, or it concerns the enterprise they head),
/// or nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    Handler,
    Reporter,
}

/// The caller's reach over `row`, dispatched to `departments`, or NotFound;
/// `principal`: the caller acts for the enterprise the case concerns.
pub fn reach_among(
    scoped: &Scoped,
    row: &CaseRow,
    departments: &[CaseDepartmentRow],
    principal: bool,
) -> Result<Reach, AppError> {
    let me = scoped.caller.user.as_ref();
    let mine = me.and_then(|u| u.department_code.as_ref());
    if scoped.scope.covers(Some(&row.grid_id))
        || departments.iter().any(|d| Some(&d.department_code) == mine)
    {
        return Ok(Reach::Handler);
    }
    match (&row.reporter_id, me) {
        (Some(reporter), Some(me)) if reporter == &me.id => Ok(Reach::Reporter),
        _ if principal => Ok(Reach::Reporter),
        _ => Err(AppError::NotFound),
    }
}

/// Whether the caller acts for the enterprise `row` concerns: heads it, or
/// holds one of its accounts.
pub fn is_principal(
    conn: &mut DbConnection,
    scoped: &Scoped,
    row: &CaseRow,
) -> Result<bool, AppError> {
    let (Some(enterprise_id), Some(me)) = (&row.enterprise_id, scoped.caller.user.as_ref()) else {
        return Ok(false);
    };
    Ok(enterprise_service::represented_by(conn, &me.id)?.contains(enterprise_id))
}

/// The caller's reach over `row`, or NotFound; the departments are read
/// only when they decide it.
pub fn reach(conn: &mut DbConnection, scoped: &Scoped, row: &CaseRow) -> Result<Reach, AppError> {
    let has_department = scoped
        .caller
        .user
        .as_ref()
        .is_some_and(|u| u.department_code.is_some());
    let in_scope = scoped.scope.covers(Some(&row.grid_id));
    let departments = if has_department && !in_scope {
        case::departments(conn, &row.id)?
    } else {
        Vec::new()
    };
    let reporter =
        scoped.caller.user_id().is_some() && row.reporter_id.as_ref() == scoped.caller.user_id();
    let principal = !in_scope && !reporter && is_principal(conn, scoped, row)?;
    reach_among(scoped, row, &departments, principal)
}

/// What each department did on these cases, for their views: one read for
/// a page (only dispatched cases can have departments).
pub fn department_work(
    conn: &mut DbConnection,
    rows: &[CaseRow],
) -> Result<Vec<DepartmentWork>, AppError> {
    let ids: Vec<CaseId> = rows
        .iter()
        .filter(|r| r.dispatched_at.is_some())
        .map(|r| r.id.clone())
        .collect();
    Ok(case::department_work(conn, &ids)?)
}

/// A case the caller may see, with their reach.
pub fn find(
    conn: &mut DbConnection,
    scoped: &Scoped,
    id: &CaseId,
) -> Result<(CaseRow, Reach), AppError> {
    let row = case::find(conn, id)?.ok_or(AppError::NotFound)?;
    let reach = reach(conn, scoped, &row)?;
    Ok((row, reach))
}

/// The fingerprint of what a case was created from (its id aside).
fn fingerprint(input: &CreateCase) -> Result<String, AppError> {
    let content = CreateCase {
        id: None,
        ..input.clone()
    };
    let bytes = serde_json::to_vec(&content).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(crate::auth::sha256_hex(bytes))
}

/// The role a caller acts in on a case, for the timeline.
pub fn acting_role(scoped: &Scoped) -> Option<String> {
    const ORDER: [Role; 8] = [
        Role::CommitteeLeader,
        Role::ZoneOfficer,
        Role::GridLeader,
        Role::GridWorker,
        Role::PartTimeWorker,
        Role::MobileWorker,
        Role::DepartmentStaff,
        Role::Admin,
    ];
    scoped.caller.user.as_ref()?;
    ORDER
        .into_iter()
        .find(|r| scoped.caller.roles.contains(*r))
        .map(|r| r.code().to_owned())
}

/// A timeline entry by the caller on `case` as it stands: public, no note.
pub fn entry(
    scoped: &Scoped,
    case: &CaseRow,
    at: chrono::NaiveDateTime,
    action: &str,
) -> TimelineRow {
    TimelineRow {
        id: uuid::Uuid::now_v7().to_string(),
        case_id: case.id.clone(),
        occurred_at: at,
        actor_id: scoped.caller.user_id().cloned(),
        actor_role: acting_role(scoped),
        action: action.to_owned(),
        from_state: Some(case.state),
        to_state: case.state,
        level: case.level,
        note: None,
        attachments: String::new(),
        visibility: Visibility::Public,
        department_code: None,
    }
}

/// Reports a case; a resend of an offline case answers the first one.
pub fn create(
    conn: &mut DbConnection,
    scoped: &Scoped,
    origin: &Origin,
    input: &CreateCase,
    window: Window,
    now: DateTime<Utc>,
) -> Result<Reported, AppError> {
    let reports = scoped.caller.has(Permission::ReportCases);
    if !reports {
        scoped.require(Permission::RequestServices)?;
    }
    input.validate()?;
    // through an integrator (a rider, an Open311 app): anywhere in the zone,
    // recorded as what the integrator's channel is; an enterprise's user:
    // from the enterprise
    let channel_input;
    let (input, area) = if let Some(rider) = &scoped.caller.rider {
        channel_input = CreateCase {
            source: rider.source,
            ..input.clone()
        };
        let zone = Scoped {
            caller: scoped.caller.clone(),
            scope: Scope::Zone,
        };
        (&channel_input, zone)
    } else if !reports {
        // an enterprise's own user asks for its services: from the enterprise
        channel_input = CreateCase {
            source: Source::Enterprise,
            ..input.clone()
        };
        (&channel_input, scoped.clone())
    } else {
        (input, scoped.clone())
    };
    let fingerprint = fingerprint(input)?;
    let id = super::input::client_id(input.id, CaseId::generate)?;
    super::transaction(conn, |conn| {
        if let Some(existing) = case::find(conn, &id)? {
            reach(conn, scoped, &existing)?;
            if existing.fingerprint == fingerprint {
                let possible_duplicates = duplicates_of(conn, scoped, &existing, window)?;
                return Ok(Reported {
                    row: existing,
                    created: false,
                    possible_duplicates,
                });
            }
            return Err(AppError::conflict(
                ErrorCode::CaseExists,
                "Another case has this id already; send a new UUIDv7.",
            ));
        }
        let mut errors = Vec::new();
        let about = match &input.enterprise_id {
            Some(id) => enterprise::find(conn, id)?,
            None => None,
        };
        if input.enterprise_id.is_some() && about.is_none() {
            errors.push(FieldError::new(
                "enterprise_id",
                FieldCode::NotFound,
                "no such enterprise",
            ));
        }
        // an enterprise's own users ask for its services in its grid
        let own = match (&about, scoped.caller.user_id()) {
            (Some(e), Some(me))
                if scoped.caller.rider.is_none() && service::is_service(&input.category) =>
            {
                match &e.grid_id {
                    Some(g) if enterprise_service::represented_by(conn, me)?.contains(&e.id) => {
                        Some(g.clone())
                    }
                    _ => None,
                }
            }
            _ => None,
        };
        if !reports && own.is_none() {
            return Err(AppError::Forbidden);
        }
        let area = match &own {
            Some(grid) if !area.scope.covers(Some(grid)) => Scoped {
                scope: Scope::Grids(vec![grid.clone()]),
                ..area
            },
            _ => area,
        };
        let grid = match (input.grid_id.as_ref(), input.lat, input.lng) {
            (None, Some(lat), Some(lng)) => match grids::locate(conn, &area, lat, lng) {
                Ok(grid) => Some(grid),
                Err(AppError::NotFound) => None,
                Err(e) => return Err(e),
            },
            // a grid named, or for a case about an enterprise its grid
            (named, _, _) => {
                let Some(id) = named.or(about.as_ref().and_then(|e| e.grid_id.as_ref())) else {
                    return Err(AppError::invalid(
                        "grid_id",
                        FieldCode::Required,
                        "give `grid_id`, or `lat` and `lng`, or `enterprise_id` of an enterprise in a grid",
                    ));
                };
                grid::find(conn, id)?
                    .filter(|g| g.archived_at.is_none() && area.scope.covers(Some(&g.id)))
            }
        };
        if grid.is_none() {
            errors.push(FieldError::new(
                "grid_id",
                FieldCode::NotFound,
                "no such grid in your scope (or none holds the point)",
            ));
        }
        let category = gridwork_persistence::case_category::find(conn, &input.category)?
            .filter(|c| c.archived_at.is_none());
        if category.is_none() {
            errors.push(FieldError::new(
                "category",
                FieldCode::NotFound,
                "no such active category",
            ));
        }
        let stage = match service::stage_of(&input.category, about.is_some(), input.service_stage) {
            Ok(stage) => stage,
            Err(e) => {
                errors.push(FieldError::new("service_stage", FieldCode::NotAService, e));
                None
            }
        };
        let (Some(grid), Some(category)) = (grid, category) else {
            return Err(AppError::Invalid(errors));
        };
        AppError::check(errors)?;
        attachments::check(conn, scoped, "attachments", &input.attachments, now)?;
        let limits = case_categories::schedule(&category)?.for_severity(input.severity);
        let calendar = calendar::around(conn, now)?;
        let progress = Progress::reported(Level::Grid);
        let at = time::to_db(now);
        let row = CaseRow {
            id: id.clone(),
            grid_id: grid.id.clone(),
            category_code: category.code.clone(),
            severity: input.severity,
            source: input.source,
            state: progress.state,
            level: progress.level,
            description: input.description.trim().to_owned(),
            lat: input.lat,
            lng: input.lng,
            enterprise_id: input.enterprise_id.clone(),
            reporter_id: scoped.caller.user_id().cloned(),
            assignee_id: None,
            rework_count: 0,
            reopened: false,
            satisfaction: None,
            merged_into: None,
            fingerprint,
            reported_at: at,
            accept_due_at: time::to_db(limits.accept.due(now, &calendar)),
            report_in_due_at: None,
            resolve_due_at: time::to_db(limits.resolve.due(now, &calendar)),
            accepted_at: None,
            dispatched_at: None,
            resolved_at: None,
            closed_at: None,
            held_at: None,
            updated_at: at,
            version: 1,
            overdue_escalated: String::new(),
            hazard_id: None,
        };
        case::insert(conn, &row)?;
        if let (Some(stage), Some(enterprise_id)) = (stage, &row.enterprise_id) {
            enterprise_service::insert_request(
                conn,
                &ServiceRow {
                    case_id: row.id.clone(),
                    enterprise_id: enterprise_id.clone(),
                    stage,
                },
            )?;
        }
        if let Some(rider) = &scoped.caller.rider {
            gridwork_persistence::integrator::link_case(
                conn,
                &row.id,
                &rider.integrator_id,
                rider.source,
                at,
            )?;
        }
        let report = TimelineRow {
            from_state: None,
            attachments: attachments::joined(&input.attachments),
            ..entry(scoped, &row, at, "report")
        };
        case::add_timeline(conn, &report)?;
        attachments::attach(conn, &input.attachments, &row, &report.id)?;
        AuditEvent::success(AuditAction::CaseReport)
            .by(&scoped.caller)
            .on(Entity::Case, &row.id)
            .detail(serde_json::json!({ "category": row.category_code, "severity": row.severity, "grid_id": row.grid_id }))
            .event(
                EventType::CaseCreated,
                serde_json::json!({ "grid_id": row.grid_id, "category": row.category_code, "severity": row.severity }),
            )
            .write(conn, origin)?;
        let possible_duplicates = duplicates_of(conn, scoped, &row, window)?;
        Ok(Reported {
            row,
            created: true,
            possible_duplicates,
        })
    })
}

/// Opens a case for another record that needs one (an overdue hazard, an
/// escalated dispute): in its grid, without photos or a point, and with no
/// possible duplicates to offer.
pub fn open_for(
    conn: &mut DbConnection,
    scoped: &Scoped,
    origin: &Origin,
    (category, severity, source): (&str, Severity, Source),
    description: &str,
    (grid_id, enterprise_id): (&GridId, Option<&EnterpriseId>),
    now: DateTime<Utc>,
) -> Result<CaseRow, AppError> {
    let input = CreateCase {
        id: None,
        category: category.to_owned(),
        severity,
        description: super::error::clip(description, 2000),
        source,
        lat: None,
        lng: None,
        grid_id: Some(grid_id.clone()),
        enterprise_id: enterprise_id.cloned(),
        attachments: Vec::new(),
        service_stage: None,
    };
    let none = Window {
        radius_m: 0.0,
        within: chrono::Duration::zero(),
    };
    Ok(create(conn, scoped, origin, &input, none, now)?.row)
}

/// One keyset page of the cases the caller may see.
pub fn list(
    conn: &mut DbConnection,
    scoped: &Scoped,
    mut filter: CaseFilter,
    subtree: Option<&GridId>,
    before: Option<&str>,
    fetch: i64,
) -> Result<Vec<CaseRow>, AppError> {
    if let Some(grids) = self::subtree(conn, scoped, subtree)? {
        filter.grids = Some(grids);
    }
    let visible = visible(conn, scoped)?;
    Ok(case::page(conn, &visible, &filter, before, fetch)?)
}

/// The grids of the subtree under `root` within the caller's scope (none
/// when the root is out of scope); None without a root.
pub fn subtree(
    conn: &mut DbConnection,
    scoped: &Scoped,
    root: Option<&GridId>,
) -> Result<Option<Vec<GridId>>, AppError> {
    let Some(root) = root else {
        return Ok(None);
    };
    Ok(Some(
        match grid::find(conn, root)?.filter(|g| scoped.scope.covers(Some(&g.id))) {
            Some(root) => grid::ids_under(conn, &[root.code])?,
            None => Vec::new(),
        },
    ))
}

/// A case's timeline as the caller may read it.
pub fn timeline(
    conn: &mut DbConnection,
    scoped: &Scoped,
    id: &CaseId,
    after: Option<&str>,
    fetch: i64,
) -> Result<Vec<TimelineRow>, AppError> {
    let (row, reach) = find(conn, scoped, id)?;
    Ok(case::timeline(
        conn,
        &row.id,
        reach == Reach::Handler,
        after,
        fetch,
    )?)
}
