//! Policy publicity (政策宣传): the zone office publishes a policy targeted
//! to grids (each with its subtree), grid roles and industry sections;
//! everyone it reaches sees it and has it on their task list until they
//! acknowledge it; workers record briefings (宣讲); the office and grid
//! leaders follow its reach. A worker it does not reach never sees it.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use gridwork_domain::assignment::GridRole;
use gridwork_domain::attachment::OwnerKind;
use gridwork_domain::audit::{AuditAction, Entity};
use gridwork_domain::event::EventType;
use gridwork_domain::policy::{Seat, SourceLevel, Target, covering_codes};
use gridwork_domain::{AttachmentId, BriefingId, GridId, Permission, PolicyId, Role, UserId};
use gridwork_persistence::policy::{self as store, BriefingRow, Concerning, Member, PolicyRow};
use gridwork_persistence::{DbConnection, grid, time};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::{AppError, AuditEvent, ErrorCode, FieldCode, FieldError, Origin, Scoped, attachments};

/// Whom a policy is for; each list left empty means "any".
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetInput {
    /// Grids, each with everything below it; none: the whole zone.
    #[validate(length(max = 100))]
    #[serde(default)]
    #[schema(value_type = Vec<crate::app::policies::GridIdText>, max_items = 100)]
    pub grid_ids: Vec<GridId>,
    /// Grid roles; none: every role.
    #[validate(length(max = 5))]
    #[serde(default)]
    #[schema(max_items = 5)]
    pub roles: Vec<GridRole>,
    /// GB/T 4754 industry sections (A–T): only the grids holding an
    /// enterprise of one of them; none: every grid.
    #[validate(length(max = 20))]
    #[serde(default)]
    #[schema(value_type = Vec<crate::app::policies::SectionText>, max_items = 20)]
    pub industries: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyInput {
    /// A UUIDv7 of the sender's: the same policy sent again answers it with
    /// 200; other content under the id answers 409 `policy_exists`.
    #[schema(value_type = Option<String>, format = Uuid, min_length = 36, max_length = 36)]
    pub id: Option<uuid::Uuid>,
    /// 1–200 characters.
    #[validate(length(min = 1, max = 200))]
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = "\\S",
        example = "药品生产质量管理新规"
    )]
    pub title: String,
    /// In plain words, what it means for a firm (the part workers read
    /// out): 1–1000 characters.
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000, pattern = "\\S")]
    pub summary: String,
    /// The text: 1–20000 characters.
    #[validate(length(min = 1, max = 20000))]
    #[schema(min_length = 1, max_length = 20000, pattern = "\\S")]
    pub body: String,
    pub source_level: SourceLevel,
    pub effective_on: NaiveDate,
    /// Up to 20 tags of 1–20 characters.
    #[validate(length(max = 20))]
    #[serde(default)]
    #[schema(value_type = Vec<crate::app::policies::TagText>, max_items = 20)]
    pub tags: Vec<String>,
    #[validate(nested)]
    #[serde(default)]
    pub target: TargetInput,
}

/// A briefing session (宣讲) held in a grid.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BriefingInput {
    /// A UUIDv7 made on the device: the same briefing sent again answers it
    /// with 200; other content under the id answers 409 `briefing_exists`.
    #[schema(value_type = Option<String>, format = Uuid, min_length = 36, max_length = 36)]
    pub id: Option<uuid::Uuid>,
    /// A grid of your scope.
    #[schema(value_type = String, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")]
    pub grid_id: GridId,
    /// Today or up to a year back.
    pub held_on: NaiveDate,
    #[validate(range(min = 1, max = 100_000))]
    #[schema(minimum = 1, maximum = 100_000)]
    pub attendee_count: i32,
    /// Up to 2000 characters.
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub notes: Option<String>,
    /// Photos uploaded with `POST /api/v1/attachments`: at most 10.
    #[serde(default)]
    #[schema(value_type = Vec<crate::app::attachments::AttachmentRef>, max_items = 10)]
    pub attachments: Vec<AttachmentId>,
}

macro_rules! text_schema {
    ($(#[$meta:meta])* $name:ident, $min:expr, $max:expr, $pattern:expr) => {
        $(#[$meta])*
        pub struct $name;

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::Type::String)
                    .min_length(Some($min))
                    .max_length(Some($max))
                    .pattern(Some($pattern))
                    .into()
            }
        }

        impl ToSchema for $name {}
    };
}

text_schema!(
    /// A tag, for the API document: 1–20 characters.
    TagText, 1, 20, "\\S"
);
text_schema!(
    /// An industry section letter, for the API document.
    SectionText, 1, 1, "^[A-T]$"
);
text_schema!(
    /// A person id, for the API document.
    PersonIdText, 1, 64, "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$"
);
text_schema!(
    /// A grid id, for the API document.
    GridIdText, 1, 64, "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$"
);

/// How a policy stands to the caller.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Standing {
    /// It reaches them: they see it and acknowledge it.
    pub targeted: bool,
    /// They follow its reach: the office anywhere, grid leaders in the
    /// targeted grids they lead or lead below.
    pub oversees: bool,
}

impl Standing {
    pub fn sees(self) -> bool {
        self.targeted || self.oversees
    }
}

/// Where the caller sits: their active assignments with the industries of
/// each grid's enterprises.
#[derive(Debug, Clone, Default)]
pub struct Seats(Vec<(Member, Seat)>);

impl Seats {
    pub fn of(conn: &mut DbConnection, user: Option<&UserId>) -> Result<Seats, AppError> {
        let Some(user) = user else {
            return Ok(Seats::default());
        };
        let members = store::members(conn, None, Some(user))?;
        Ok(Seats(seat_members(conn, &members)?))
    }

    /// The grids where the caller holds each role.
    pub fn grids_by_role(&self) -> Vec<(GridRole, Vec<GridId>)> {
        let mut by_role: BTreeMap<GridRole, Vec<GridId>> = BTreeMap::new();
        for (m, _) in &self.0 {
            by_role.entry(m.role).or_default().push(m.grid_id.clone());
        }
        by_role.into_iter().collect()
    }

    fn seats(&self) -> impl Iterator<Item = &Seat> {
        self.0.iter().map(|(_, s)| s)
    }

    /// The codes of the grids a policy reaching these seats may target.
    fn concerning(&self, leader: bool) -> Concerning {
        Concerning {
            codes: self
                .seats()
                .flat_map(|s| covering_codes(&s.grid_code))
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect(),
            under: if leader {
                self.seats()
                    .filter(|s| s.role == GridRole::GridLeader)
                    .map(|s| s.grid_code.clone())
                    .collect()
            } else {
                Vec::new()
            },
        }
    }
}

/// Members with the industries of their grids, as seats.
fn seat_members(
    conn: &mut DbConnection,
    members: &[Member],
) -> Result<Vec<(Member, Seat)>, AppError> {
    let grid_ids: Vec<GridId> = members
        .iter()
        .map(|m| m.grid_id.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut industries: BTreeMap<GridId, BTreeSet<char>> = BTreeMap::new();
    for (grid_id, section) in store::industries_in(conn, &grid_ids)? {
        industries
            .entry(grid_id)
            .or_default()
            .extend(section.chars().next());
    }
    Ok(members
        .iter()
        .map(|m| {
            let seat = Seat {
                grid_code: m.grid_code.clone(),
                role: m.role,
                industries: industries.get(&m.grid_id).cloned().unwrap_or_default(),
            };
            (m.clone(), seat)
        })
        .collect())
}

/// A stored policy's target, from the grids it names `(id, code)`, and
/// the ids of those grids.
fn target_of(
    row: &PolicyRow,
    grids: Vec<(GridId, String)>,
) -> Result<(Target, Vec<GridId>), AppError> {
    let roles: Vec<GridRole> = serde_json::from_str(&row.roles)
        .map_err(|e| AppError::Internal(format!("stored roles: {e}")))?;
    let (grid_ids, grid_codes) = grids.into_iter().unzip();
    Ok((
        Target {
            grid_codes,
            roles,
            industries: row.industries.chars().collect(),
        },
        grid_ids,
    ))
}

/// How `target` stands to a caller sitting in `seats`.
pub fn standing(scoped: &Scoped, target: &Target, seats: &Seats) -> Standing {
    let office = scoped.caller.has(Permission::PublishPolicies);
    let leader = scoped.caller.roles.contains(Role::GridLeader);
    Standing {
        targeted: seats.seats().any(|s| target.reaches(s)),
        oversees: office
            || (leader
                && seats
                    .seats()
                    .any(|s| s.role == GridRole::GridLeader && target.touches(&s.grid_code))),
    }
}

fn fingerprint(value: &impl Serialize) -> Result<String, AppError> {
    let bytes = serde_json::to_vec(value).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(crate::auth::sha256_hex(bytes))
}

fn blank(errors: &mut Vec<FieldError>, field: &str, text: &str) {
    if text.trim().is_empty() {
        errors.push(FieldError::new(
            field,
            FieldCode::Required,
            "must not be blank",
        ));
    }
}

/// Publishes a policy: the zone office.
pub fn publish(
    conn: &mut DbConnection,
    scoped: &Scoped,
    origin: &Origin,
    input: &PolicyInput,
    now: DateTime<Utc>,
) -> Result<(PolicyRow, bool), AppError> {
    scoped.require(Permission::PublishPolicies)?;
    input.validate()?;
    let mut errors = Vec::new();
    blank(&mut errors, "title", &input.title);
    blank(&mut errors, "summary", &input.summary);
    blank(&mut errors, "body", &input.body);
    for (i, tag) in input.tags.iter().enumerate() {
        if tag.trim().is_empty() || tag.chars().count() > 20 {
            errors.push(FieldError::new(
                &format!("tags[{i}]"),
                FieldCode::Invalid,
                "1 to 20 characters, not blank",
            ));
        }
    }
    let mut sections = BTreeSet::new();
    for (i, s) in input.target.industries.iter().enumerate() {
        match s.as_bytes() {
            [c @ b'A'..=b'T'] => {
                sections.insert(char::from(*c));
            }
            _ => errors.push(FieldError::new(
                &format!("target.industries[{i}]"),
                FieldCode::Invalid,
                "an industry section letter, A to T",
            )),
        }
    }
    AppError::check(errors)?;
    let id = super::input::client_id(input.id, PolicyId::generate)?;
    let fingerprint = fingerprint(&PolicyInput {
        id: None,
        ..input.clone()
    })?;
    super::transaction(conn, |conn| {
        let same = |p: &PolicyRow| p.fingerprint == fingerprint;
        let stored = store::find(conn, &id)?;
        if let Some(row) = super::input::resent(stored, same, ErrorCode::PolicyExists, "policy")? {
            return Ok((row, false));
        }
        let mut grids = Vec::new();
        let mut errors = Vec::new();
        for (i, grid_id) in input.target.grid_ids.iter().enumerate() {
            match grid::find(conn, grid_id)?
                .filter(|g| g.archived_at.is_none() && scoped.scope.covers(Some(&g.id)))
            {
                Some(g) if !grids.iter().any(|(id, _)| id == &g.id) => grids.push((g.id, g.code)),
                Some(_) => errors.push(FieldError::new(
                    &format!("target.grid_ids[{i}]"),
                    FieldCode::Invalid,
                    "listed twice",
                )),
                None => errors.push(FieldError::new(
                    &format!("target.grid_ids[{i}]"),
                    FieldCode::NotFound,
                    "no such grid in your scope",
                )),
            }
        }
        AppError::check(errors)?;
        let roles: BTreeSet<GridRole> = input.target.roles.iter().copied().collect();
        let tags: Vec<&str> = input.tags.iter().map(|t| t.trim()).collect();
        let row = PolicyRow {
            id: id.clone(),
            title: input.title.trim().to_owned(),
            summary: input.summary.trim().to_owned(),
            body: input.body.trim().to_owned(),
            source_level: input.source_level,
            effective_on: input.effective_on,
            tags: serde_json::to_string(&tags).map_err(|e| AppError::Internal(e.to_string()))?,
            industries: sections.iter().collect(),
            roles: serde_json::to_string(&roles).map_err(|e| AppError::Internal(e.to_string()))?,
            zone_wide: grids.is_empty(),
            published_by: scoped.caller.user_id().cloned(),
            fingerprint,
            created_at: time::to_db(now),
        };
        store::insert(conn, &row, &grids)?;
        let target = serde_json::json!({
            "grid_ids": grids.iter().map(|(id, _)| id).collect::<Vec<_>>(),
            "roles": roles,
            "industries": row.industries,
        });
        AuditEvent::success(AuditAction::PolicyPublish)
            .by(&scoped.caller)
            .on(Entity::Policy, &row.id)
            .detail(serde_json::json!({ "title": row.title, "target": target }))
            .event(
                EventType::PolicyPublished,
                serde_json::json!({ "title": row.title, "source_level": row.source_level, "target": target }),
            )
            .write(conn, origin)?;
        Ok((row, true))
    })
}

/// A policy as the caller sees it: its target, their standing and their
/// read receipt.
#[derive(Debug, Clone)]
pub struct Listed {
    pub row: PolicyRow,
    pub target: Target,
    pub grid_ids: Vec<GridId>,
    pub standing: Standing,
    pub acknowledged_at: Option<DateTime<Utc>>,
}

/// A policy the caller sees.
pub fn find(conn: &mut DbConnection, scoped: &Scoped, id: &PolicyId) -> Result<Listed, AppError> {
    let row = store::find(conn, id)?.ok_or(AppError::NotFound)?;
    let grids = store::grids_of(conn, std::slice::from_ref(&row.id))?
        .remove(&row.id)
        .unwrap_or_default();
    let (target, grid_ids) = target_of(&row, grids)?;
    let seats = Seats::of(conn, scoped.caller.user_id())?;
    let standing = standing(scoped, &target, &seats);
    if !standing.sees() {
        return Err(AppError::NotFound);
    }
    let acknowledged_at = match scoped.caller.user_id() {
        Some(me) => store::acknowledgement(conn, &row.id, me)?.map(time::from_db),
        None => None,
    };
    Ok(Listed {
        row,
        target,
        grid_ids,
        standing,
        acknowledged_at,
    })
}

/// The policies the caller sees, newest first: a keyset page of `fetch`
/// (the office reads them all; others those that reach them or that they
/// oversee). `pending` keeps only those they have yet to acknowledge.
pub fn list(
    conn: &mut DbConnection,
    scoped: &Scoped,
    pending: bool,
    before: Option<&str>,
    fetch: i64,
) -> Result<Vec<Listed>, AppError> {
    let seats = Seats::of(conn, scoped.caller.user_id())?;
    list_for(conn, scoped, &seats, pending, before, fetch)
}

fn list_for(
    conn: &mut DbConnection,
    scoped: &Scoped,
    seats: &Seats,
    pending: bool,
    before: Option<&str>,
    fetch: i64,
) -> Result<Vec<Listed>, AppError> {
    let office = scoped.caller.has(Permission::PublishPolicies);
    let concerning =
        (!office).then(|| seats.concerning(scoped.caller.roles.contains(Role::GridLeader)));
    let me = scoped.caller.user_id();
    let mut out = Vec::new();
    let mut cursor = before.map(str::to_owned);
    // read in chunks until the page is full: a chunk may hold policies for
    // another role or industry of the same grids
    loop {
        let chunk = store::page(conn, concerning.as_ref(), cursor.as_deref(), fetch.max(50))?;
        let exhausted = (chunk.len() as i64) < fetch.max(50);
        cursor = chunk.last().map(|r| r.id.to_string());
        let ids: Vec<PolicyId> = chunk.iter().map(|r| r.id.clone()).collect();
        let acked = match me {
            Some(me) => store::acknowledged_among(conn, me, &ids)?,
            None => BTreeMap::new(),
        };
        let mut grids = store::grids_of(conn, &ids)?;
        for row in chunk {
            let (target, grid_ids) = target_of(&row, grids.remove(&row.id).unwrap_or_default())?;
            let standing = standing(scoped, &target, seats);
            let acknowledged_at = acked.get(&row.id).copied().map(time::from_db);
            if !standing.sees() || (pending && (acknowledged_at.is_some() || !standing.targeted)) {
                continue;
            }
            out.push(Listed {
                row,
                target,
                grid_ids,
                standing,
                acknowledged_at,
            });
            if out.len() as i64 == fetch {
                return Ok(out);
            }
        }
        if exhausted {
            return Ok(out);
        }
    }
}

/// Records the caller's read receipt; acknowledging again answers the
/// first receipt. Only those the policy reaches acknowledge it.
pub fn acknowledge(
    conn: &mut DbConnection,
    scoped: &Scoped,
    origin: &Origin,
    id: &PolicyId,
    now: DateTime<Utc>,
) -> Result<(DateTime<Utc>, bool), AppError> {
    let me = scoped.caller.user_id().ok_or(AppError::Forbidden)?.clone();
    super::transaction(conn, |conn| {
        let Listed { row, standing, .. } = find(conn, scoped, id)?;
        if !standing.targeted {
            return Err(AppError::conflict(
                ErrorCode::NotTargeted,
                "This policy is not addressed to you: only those it targets acknowledge it.",
            ));
        }
        if let Some(at) = store::acknowledgement(conn, &row.id, &me)? {
            return Ok((time::from_db(at), false));
        }
        store::acknowledge(conn, &row.id, &me, time::to_db(now))?;
        AuditEvent::success(AuditAction::PolicyAcknowledge)
            .by(&scoped.caller)
            .on(Entity::Policy, &row.id)
            .event(
                EventType::PolicyAcknowledged,
                serde_json::json!({ "user_id": me }),
            )
            .write(conn, origin)?;
        Ok((now, true))
    })
}

/// Records a briefing in a grid of the caller's scope.
pub fn record_briefing(
    conn: &mut DbConnection,
    scoped: &Scoped,
    origin: &Origin,
    id: &PolicyId,
    input: &BriefingInput,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(BriefingRow, bool), AppError> {
    scoped.require(Permission::BriefPolicies)?;
    input.validate()?;
    if input.held_on > today || input.held_on < today - Duration::days(366) {
        return Err(AppError::invalid(
            "held_on",
            FieldCode::Invalid,
            "today or up to a year back",
        ));
    }
    let briefing_id = super::input::client_id(input.id, BriefingId::generate)?;
    let fingerprint = fingerprint(&BriefingInput {
        id: None,
        ..input.clone()
    })?;
    super::transaction(conn, |conn| {
        let policy = find(conn, scoped, id)?.row;
        let same = |b: &BriefingRow| b.fingerprint == fingerprint && b.policy_id == policy.id;
        let stored = store::find_briefing(conn, &briefing_id)?;
        if let Some(row) =
            super::input::resent(stored, same, ErrorCode::BriefingExists, "briefing")?
        {
            return Ok((row, false));
        }
        grid::find(conn, &input.grid_id)?
            .filter(|g| g.archived_at.is_none() && scoped.scope.covers(Some(&g.id)))
            .ok_or_else(|| {
                AppError::invalid("grid_id", FieldCode::NotFound, "no such grid in your scope")
            })?;
        attachments::check(conn, scoped, "attachments", &input.attachments, now)?;
        let row = BriefingRow {
            id: briefing_id.clone(),
            policy_id: policy.id.clone(),
            grid_id: input.grid_id.clone(),
            held_on: input.held_on,
            attendee_count: input.attendee_count,
            notes: super::input::clean(input.notes.clone()),
            attachments: attachments::joined(&input.attachments),
            created_by: scoped.caller.user_id().cloned(),
            fingerprint,
            created_at: time::to_db(now),
        };
        store::insert_briefing(conn, &row)?;
        attachments::attach_to(
            conn,
            &input.attachments,
            OwnerKind::Briefing,
            row.id.as_str(),
        )?;
        AuditEvent::success(AuditAction::BriefingRecord)
            .by(&scoped.caller)
            .on(Entity::Policy, &policy.id)
            .detail(serde_json::json!({ "briefing": row.id, "grid_id": row.grid_id, "attendee_count": row.attendee_count }))
            .event(
                EventType::PolicyBriefed,
                serde_json::json!({ "briefing": row.id, "grid_id": row.grid_id, "attendee_count": row.attendee_count }),
            )
            .write(conn, origin)?;
        Ok((row, true))
    })
}

/// A policy's briefings in the caller's grids, newest first.
pub fn briefings(
    conn: &mut DbConnection,
    scoped: &Scoped,
    id: &PolicyId,
    before: Option<&str>,
    fetch: i64,
) -> Result<Vec<BriefingRow>, AppError> {
    let policy = find(conn, scoped, id)?.row;
    Ok(store::briefings(
        conn,
        &policy.id,
        scoped.scope.grid_ids(),
        before,
        fetch,
    )?)
}

/// A briefing the caller may see (for its photos): its policy visible and
/// its grid in scope.
pub fn find_briefing(
    conn: &mut DbConnection,
    scoped: &Scoped,
    id: &BriefingId,
) -> Result<BriefingRow, AppError> {
    let row = store::find_briefing(conn, id)?.ok_or(AppError::NotFound)?;
    scoped.check(Some(&row.grid_id))?;
    find(conn, scoped, &row.policy_id)?;
    Ok(row)
}

/// Someone a policy reaches who has not acknowledged it.
#[derive(Debug, Clone)]
pub struct Pending {
    pub person_id: String,
    pub name: String,
    pub role: GridRole,
}

/// One grid's reach.
#[derive(Debug, Clone)]
pub struct GridReach {
    pub grid_id: GridId,
    pub code: String,
    pub name: String,
    pub targeted: u64,
    pub acknowledged: u64,
    pub pending: Vec<Pending>,
}

/// A page of grids' reach, and on the first page the totals
/// `(targeted, acknowledged)` over every grid.
pub type Reach = (Vec<GridReach>, Option<(u64, u64)>);

/// How far a policy has reached in the grids the caller oversees, a page
/// of grids in code order after `after_code`; totals over all of them
/// on the first page.
pub fn reach(
    conn: &mut DbConnection,
    scoped: &Scoped,
    id: &PolicyId,
    after_code: Option<&str>,
    fetch: i64,
) -> Result<Reach, AppError> {
    let Listed {
        row,
        target,
        standing,
        ..
    } = find(conn, scoped, id)?;
    if !standing.oversees {
        return Err(AppError::Forbidden);
    }
    let targeted_grids = if target.is_zone_wide() {
        None
    } else {
        Some(grid::ids_under(conn, &target.grid_codes)?)
    };
    let within: Option<Vec<GridId>> = match (targeted_grids, scoped.scope.grid_ids()) {
        (None, None) => None,
        (Some(t), None) => Some(t),
        (None, Some(s)) => Some(s.to_vec()),
        (Some(t), Some(s)) => Some(
            t.into_iter()
                .filter(|g| s.binary_search(g).is_ok())
                .collect(),
        ),
    };
    let grids = grid::all(conn, within.as_deref())?;
    let measure =
        |conn: &mut DbConnection, page: &[grid::GridRow]| -> Result<Vec<GridReach>, AppError> {
            let ids: Vec<GridId> = page.iter().map(|g| g.id.clone()).collect();
            let members = store::members(conn, Some(&ids), None)?;
            let reached = reached_by(&target, seat_members(conn, &members)?);
            let acked = acknowledged(conn, &row.id, &reached)?;
            Ok(page
                .iter()
                .map(|g| {
                    let here: Vec<&Member> = reached.iter().filter(|m| m.grid_id == g.id).collect();
                    let people: BTreeSet<&UserId> = here.iter().map(|m| &m.user_id).collect();
                    let done = people.iter().filter(|u| acked.contains(**u)).count();
                    let mut seen = BTreeSet::new();
                    GridReach {
                        grid_id: g.id.clone(),
                        code: g.code.clone(),
                        name: g.name.clone(),
                        targeted: people.len() as u64,
                        acknowledged: done as u64,
                        pending: here
                            .iter()
                            .filter(|m| !acked.contains(&m.user_id) && seen.insert(&m.user_id))
                            .map(|m| Pending {
                                person_id: m.person_id.to_string(),
                                name: m.name.clone(),
                                role: m.role,
                            })
                            .collect(),
                    }
                })
                .collect())
        };
    let totals = if after_code.is_none() {
        let all = measure(conn, &grids)?;
        Some(
            all.iter()
                .fold((0, 0), |(t, a), g| (t + g.targeted, a + g.acknowledged)),
        )
    } else {
        None
    };
    let page: Vec<grid::GridRow> = grids
        .into_iter()
        .filter(|g| after_code.is_none_or(|after| g.code.as_str() > after))
        .take(usize::try_from(fetch).unwrap_or(0))
        .collect();
    Ok((measure(conn, &page)?, totals))
}

/// The members whose seats `target` reaches.
fn reached_by(target: &Target, seats: Vec<(Member, Seat)>) -> Vec<Member> {
    seats
        .into_iter()
        .filter(|(_, seat)| target.reaches(seat))
        .map(|(m, _)| m)
        .collect()
}

/// Which of `members` acknowledged the policy.
fn acknowledged(
    conn: &mut DbConnection,
    policy: &PolicyId,
    members: &[Member],
) -> Result<BTreeSet<UserId>, AppError> {
    let users: Vec<UserId> = members
        .iter()
        .map(|m| m.user_id.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut acked = BTreeSet::new();
    for chunk in users.chunks(500) {
        acked.extend(
            store::acknowledgements_by(conn, policy, chunk)?
                .into_iter()
                .map(|(u, _)| u),
        );
    }
    Ok(acked)
}

/// A worker reached by a policy in a grid, and whether they acknowledged it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReachedSeat {
    pub policy_id: PolicyId,
    pub grid_id: GridId,
    pub user_id: UserId,
    pub acknowledged: bool,
}

/// Every seat reached by the policies published in `[from, to)`, as their
/// targets stand now, with the acknowledgements made so far (scorecards).
pub fn reached_seats(
    conn: &mut DbConnection,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<ReachedSeat>, AppError> {
    let rows = store::published_between(conn, from, to)?;
    let ids: Vec<PolicyId> = rows.iter().map(|r| r.id.clone()).collect();
    let mut grids = store::grids_of(conn, &ids)?;
    // every seat of the zone, read once for all zone-wide policies
    let mut everyone: Option<Vec<(Member, Seat)>> = None;
    let mut reached = Vec::new();
    for row in rows {
        let (target, _) = target_of(&row, grids.remove(&row.id).unwrap_or_default())?;
        let seats = if target.is_zone_wide() {
            if everyone.is_none() {
                let members = store::members(conn, None, None)?;
                everyone = Some(seat_members(conn, &members)?);
            }
            everyone.clone().unwrap_or_default()
        } else {
            let ids = grid::ids_under(conn, &target.grid_codes)?;
            let members = store::members(conn, Some(&ids), None)?;
            seat_members(conn, &members)?
        };
        let seats = reached_by(&target, seats);
        let acked = acknowledged(conn, &row.id, &seats)?;
        reached.extend(seats.into_iter().map(|m| ReachedSeat {
            policy_id: row.id.clone(),
            acknowledged: acked.contains(&m.user_id),
            grid_id: m.grid_id,
            user_id: m.user_id,
        }));
    }
    Ok(reached)
}

/// The policies reaching the caller that they have yet to acknowledge (for
/// their task list), newest first.
pub fn unacknowledged(
    conn: &mut DbConnection,
    scoped: &Scoped,
    seats: &Seats,
) -> Result<Vec<PolicyRow>, AppError> {
    Ok(list_for(conn, scoped, seats, true, None, 500)?
        .into_iter()
        .map(|l| l.row)
        .collect())
}
