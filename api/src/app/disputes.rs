//! Dispute mediation (矛盾调解): a dispute opened in a grid with its parties,
//! mediated in sessions and closed with an outcome — an escalated one opens
//! a case of its category. The parties, the session notes and the terms are
//! restricted to the mediator, grid leaders and zone officers; everyone
//! else in scope reads the record without them.

use chrono::{DateTime, NaiveDate, Utc};
use gridwork_domain::audit::{AuditAction, Entity};
use gridwork_domain::case::{Severity, Source};
use gridwork_domain::dispute::{self as rules, DisputeOutcome, DisputeState, PartySide};
use gridwork_domain::event::EventType;
use gridwork_domain::person::WorkPhone;
use gridwork_domain::{DisputeId, EnterpriseId, GridId, Permission, UserId};
use gridwork_persistence::dispute::{self as store, DisputeFilter, DisputeRow, SessionRow};
use gridwork_persistence::{DbConnection, assignment, case_category, grid, time, user};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::cases as cases_app;
use super::{
    AppError, AuditEvent, ErrorCode, Expected, FieldCode, FieldError, Origin, Scoped,
    inspection_schedules,
};

/// A party to a dispute: restricted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Party {
    /// 1–50 characters, not blank.
    #[schema(
        min_length = 1,
        max_length = 50,
        pattern = "\\S",
        example = "李某等12名工人"
    )]
    pub name: String,
    pub side: PartySide,
    /// A phone number: 5–20 digits, dashes or spaces.
    #[schema(max_length = 20, pattern = "^\\s*[0-9 -]{5,20}\\s*$")]
    pub contact: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDispute {
    /// A UUIDv7 made on the device: the same dispute sent again answers it
    /// with 200; other content under the id answers 409 `dispute_exists`.
    #[schema(value_type = Option<String>, format = Uuid, min_length = 36, max_length = 36)]
    pub id: Option<uuid::Uuid>,
    /// A `dispute.*` case category (`GET /api/v1/case-categories`).
    #[validate(length(min = 9, max = 48))]
    #[schema(
        min_length = 9,
        max_length = 48,
        pattern = "^dispute\\.[a-z][a-z0-9_]{0,39}$",
        example = "dispute.wage_arrears"
    )]
    pub category: String,
    /// Where: a grid of your scope, or an enterprise of it.
    #[schema(value_type = Option<String>, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")]
    pub grid_id: Option<GridId>,
    #[schema(value_type = Option<String>, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")]
    pub enterprise_id: Option<EnterpriseId>,
    /// What it is about, without names (everyone in scope reads it): 1–2000
    /// characters.
    #[validate(length(min = 1, max = 2000))]
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = "\\S",
        example = "12名工人反映被拖欠两个月工资"
    )]
    pub summary: String,
    /// 1–20 parties (restricted).
    #[validate(length(min = 1, max = 20))]
    #[schema(min_items = 1, max_items = 20)]
    pub parties: Vec<Party>,
    /// The amount in dispute, in yuan.
    #[validate(range(min = 0.0, max = 10_000_000_000.0))]
    #[schema(minimum = 0, maximum = 10_000_000_000_u64)]
    pub amount_yuan: Option<f64>,
    /// How many employees it concerns.
    #[validate(range(min = 0, max = 1_000_000))]
    #[schema(minimum = 0, maximum = 1_000_000)]
    pub employees_involved: i32,
    /// The mediator: an account serving the grid; you by default.
    #[schema(value_type = Option<String>, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")]
    pub mediator_id: Option<UserId>,
    /// The day it arose (the month it counts in); today by default.
    pub opened_on: Option<NaiveDate>,
    /// When to check on it next.
    pub follow_up_on: Option<NaiveDate>,
}

/// A mediation session.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionInput {
    pub held_on: NaiveDate,
    /// What was said and agreed (restricted): 1–4000 characters.
    #[validate(length(min = 1, max = 4000))]
    #[schema(min_length = 1, max_length = 4000, pattern = "\\S")]
    pub notes: String,
    /// Who attended (restricted): up to 30 names of 1–50 characters.
    #[validate(length(max = 30))]
    #[serde(default)]
    #[schema(value_type = Vec<crate::app::disputes::NameText>, max_items = 30)]
    pub attendees: Vec<String>,
}

/// A name, for the API document: 1–50 characters.
pub struct NameText;

impl utoipa::PartialSchema for NameText {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::Type::String)
            .min_length(Some(1))
            .max_length(Some(50))
            .pattern(Some("\\S"))
            .into()
    }
}

impl ToSchema for NameText {}

/// How a dispute ends.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseInput {
    pub outcome: DisputeOutcome,
    /// The terms agreed (required for `agreement`), or why it was referred,
    /// escalated or withdrawn (restricted): 1–4000 characters.
    #[validate(length(min = 1, max = 4000))]
    #[schema(min_length = 1, max_length = 4000, pattern = "\\S")]
    pub terms: Option<String>,
    /// When to check the agreement holds.
    pub follow_up_on: Option<NaiveDate>,
}

/// A dispute recorded, and whether this request made it (false: a resend).
#[derive(Debug)]
pub struct Recorded {
    pub row: DisputeRow,
    pub created: bool,
}

fn fingerprint(input: &CreateDispute) -> Result<String, AppError> {
    let content = CreateDispute {
        id: None,
        ..input.clone()
    };
    let bytes = serde_json::to_vec(&content).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(crate::auth::sha256_hex(bytes))
}

/// Whether the caller reads the restricted part of `row`.
pub fn may_read(scoped: &Scoped, row: &DisputeRow) -> bool {
    let mediator = scoped.caller.user_id() == Some(&row.mediator_id);
    rules::may_read_restricted(
        &scoped.caller.roles,
        mediator,
        scoped.scope.covers(Some(&row.grid_id)),
    )
}

fn check_parties(parties: &[Party]) -> Result<Vec<Party>, AppError> {
    let mut errors = Vec::new();
    let mut clean = Vec::new();
    for (i, p) in parties.iter().enumerate() {
        if p.name.chars().count() > 50 || p.name.trim().is_empty() {
            errors.push(FieldError::new(
                &format!("parties[{i}].name"),
                FieldCode::Invalid,
                "1 to 50 characters, not blank",
            ));
        }
        let contact = match p.contact.as_deref() {
            Some(c) if c.chars().count() > 20 => {
                errors.push(FieldError::new(
                    &format!("parties[{i}].contact"),
                    FieldCode::TooLong,
                    "at most 20 characters",
                ));
                None
            }
            Some(c) => match WorkPhone::parse(c) {
                Ok(phone) => Some(phone.as_str().to_owned()),
                Err(e) => {
                    errors.push(FieldError::new(
                        &format!("parties[{i}].contact"),
                        FieldCode::InvalidPhone,
                        e,
                    ));
                    None
                }
            },
            None => None,
        };
        clean.push(Party {
            name: p.name.trim().to_owned(),
            side: p.side,
            contact,
        });
    }
    AppError::check(errors)?;
    Ok(clean)
}

/// Opens a dispute in the caller's scope.
pub fn create(
    conn: &mut DbConnection,
    scoped: &Scoped,
    origin: &Origin,
    input: &CreateDispute,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Recorded, AppError> {
    scoped.require(Permission::Mediate)?;
    let me = scoped.caller.user_id().ok_or(AppError::Forbidden)?.clone();
    input.validate()?;
    if input.summary.trim().is_empty() {
        return Err(AppError::invalid(
            "summary",
            FieldCode::Required,
            "must not be blank",
        ));
    }
    let parties = check_parties(&input.parties)?;
    let id = super::input::client_id(input.id, DisputeId::generate)?;
    let fingerprint = fingerprint(input)?;
    super::transaction(conn, |conn| {
        let same =
            |d: &DisputeRow| d.fingerprint == fingerprint && scoped.scope.covers(Some(&d.grid_id));
        let stored = store::find(conn, &id)?;
        if let Some(row) = super::input::resent(stored, same, ErrorCode::DisputeExists, "dispute")?
        {
            return Ok(Recorded {
                row,
                created: false,
            });
        }
        case_category::find(conn, &input.category)?
            .filter(|c| c.archived_at.is_none() && c.code.starts_with("dispute."))
            .ok_or_else(|| {
                AppError::invalid(
                    "category",
                    FieldCode::NotFound,
                    "no such active dispute.* category",
                )
            })?;
        let (grid_id, enterprise_id) = inspection_schedules::place(
            conn,
            scoped,
            input.grid_id.as_ref(),
            input.enterprise_id.as_ref(),
        )?;
        let mediator = input.mediator_id.clone().unwrap_or(me.clone());
        let usable = user::find(conn, &mediator)?.is_some_and(|u| !u.disabled);
        let codes = assignment::assigned_grid_codes(conn, &mediator)?;
        let serves = mediator == me || grid::ids_under(conn, &codes)?.contains(&grid_id);
        if !usable || !serves {
            return Err(AppError::invalid(
                "mediator_id",
                FieldCode::NotFound,
                "no active account serving this grid",
            ));
        }
        let at = time::to_db(now);
        let row = DisputeRow {
            id: id.clone(),
            grid_id,
            enterprise_id,
            category_code: input.category.clone(),
            summary: input.summary.trim().to_owned(),
            parties: serde_json::to_string(&parties)
                .map_err(|e| AppError::Internal(e.to_string()))?,
            amount_yuan: input.amount_yuan,
            employees_involved: input.employees_involved,
            mediator_id: mediator,
            state: DisputeState::Open,
            outcome: None,
            outcome_terms: None,
            closed_at: None,
            follow_up_on: input.follow_up_on,
            case_id: None,
            opened_on: input.opened_on.unwrap_or(today),
            fingerprint,
            created_by: Some(me),
            created_at: at,
            updated_at: at,
            version: 1,
        };
        store::insert(conn, &row)?;
        AuditEvent::success(AuditAction::DisputeOpen)
            .by(&scoped.caller)
            .on(Entity::Dispute, &row.id)
            .detail(serde_json::json!({ "category": row.category_code, "grid_id": row.grid_id, "employees_involved": row.employees_involved }))
            .event(
                EventType::DisputeOpened,
                serde_json::json!({ "category": row.category_code, "grid_id": row.grid_id, "enterprise_id": row.enterprise_id }),
            )
            .write(conn, origin)?;
        Ok(Recorded { row, created: true })
    })
}

/// A dispute in the caller's scope, with its sessions.
pub fn find(
    conn: &mut DbConnection,
    scoped: &Scoped,
    id: &DisputeId,
) -> Result<(DisputeRow, Vec<SessionRow>), AppError> {
    let row = store::find(conn, id)?.ok_or(AppError::NotFound)?;
    scoped.check(Some(&row.grid_id))?;
    let sessions = store::sessions(conn, &row.id)?;
    Ok((row, sessions))
}

/// One keyset page of disputes in the caller's scope, newest first.
pub fn list(
    conn: &mut DbConnection,
    scoped: &Scoped,
    mut filter: DisputeFilter,
    before: Option<&str>,
    fetch: i64,
) -> Result<Vec<DisputeRow>, AppError> {
    filter.grids = scoped.scope.grid_ids().map(<[GridId]>::to_vec);
    Ok(store::page(conn, &filter, before, fetch)?)
}

/// The dispute for a step only those who read its restricted part take.
fn for_mediation(
    conn: &mut DbConnection,
    scoped: &Scoped,
    id: &DisputeId,
) -> Result<DisputeRow, AppError> {
    let (row, _) = find(conn, scoped, id)?;
    if !may_read(scoped, &row) {
        return Err(AppError::Forbidden);
    }
    if row.state != DisputeState::Open {
        return Err(AppError::conflict(
            ErrorCode::InvalidTransition,
            "The dispute is closed.",
        ));
    }
    Ok(row)
}

/// Records a mediation session: the mediator, grid leaders, zone officers.
pub fn add_session(
    conn: &mut DbConnection,
    scoped: &Scoped,
    origin: &Origin,
    id: &DisputeId,
    input: &SessionInput,
    now: DateTime<Utc>,
) -> Result<SessionRow, AppError> {
    super::transaction(conn, |conn| {
        let row = for_mediation(conn, scoped, id)?;
        input.validate()?;
        let mut errors = Vec::new();
        if input.notes.trim().is_empty() {
            errors.push(FieldError::new(
                "notes",
                FieldCode::Required,
                "must not be blank",
            ));
        }
        for (i, a) in input.attendees.iter().enumerate() {
            if a.trim().is_empty() || a.chars().count() > 50 {
                errors.push(FieldError::new(
                    &format!("attendees[{i}]"),
                    FieldCode::Invalid,
                    "1 to 50 characters, not blank",
                ));
            }
        }
        AppError::check(errors)?;
        let attendees: Vec<&str> = input.attendees.iter().map(|a| a.trim()).collect();
        let session = SessionRow {
            id: uuid::Uuid::now_v7().to_string(),
            dispute_id: row.id.clone(),
            held_on: input.held_on,
            notes: input.notes.trim().to_owned(),
            attendees: serde_json::to_string(&attendees)
                .map_err(|e| AppError::Internal(e.to_string()))?,
            created_by: scoped.caller.user_id().cloned(),
            created_at: time::to_db(now),
        };
        store::add_session(conn, &session)?;
        AuditEvent::success(AuditAction::DisputeSession)
            .by(&scoped.caller)
            .on(Entity::Dispute, &row.id)
            .detail(serde_json::json!({ "session": session.id, "held_on": session.held_on }))
            .event(
                EventType::DisputeMediated,
                serde_json::json!({ "session": session.id, "grid_id": row.grid_id }),
            )
            .write(conn, origin)?;
        Ok(session)
    })
}

/// Closes a dispute with its outcome; `escalated` opens a case of its
/// category in its grid, reported by the caller.
pub fn close(
    conn: &mut DbConnection,
    scoped: &Scoped,
    origin: &Origin,
    id: &DisputeId,
    expected: &Expected,
    input: &CloseInput,
    now: DateTime<Utc>,
) -> Result<DisputeRow, AppError> {
    super::transaction(conn, |conn| {
        let row = for_mediation(conn, scoped, id)?;
        input.validate()?;
        let terms = input
            .terms
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty());
        if input.outcome == DisputeOutcome::Agreement && terms.is_none() {
            return Err(AppError::invalid(
                "terms",
                FieldCode::Required,
                "an agreement states its terms",
            ));
        }
        expected.check(row.version)?;
        let case_id = if input.outcome == DisputeOutcome::Escalated {
            let description = format!("矛盾纠纷调解未果：{}", row.summary);
            let case = cases_app::open_for(
                conn,
                scoped,
                origin,
                (&row.category_code, Severity::Urgent, Source::GridWorker),
                &description,
                (&row.grid_id, row.enterprise_id.as_ref()),
                now,
            )?;
            Some(case.id)
        } else {
            None
        };
        let at = time::to_db(now);
        let next = DisputeRow {
            state: DisputeState::Closed,
            outcome: Some(input.outcome),
            outcome_terms: terms.map(str::to_owned),
            closed_at: Some(at),
            follow_up_on: input.follow_up_on.or(row.follow_up_on),
            case_id,
            updated_at: at,
            version: row.version + 1,
            ..row.clone()
        };
        if !store::update(conn, &next)? {
            return Err(AppError::Stale);
        }
        AuditEvent::success(AuditAction::DisputeClose)
            .by(&scoped.caller)
            .on(Entity::Dispute, &next.id)
            .detail(serde_json::json!({ "outcome": input.outcome, "case_id": next.case_id }))
            .event(
                EventType::DisputeClosed,
                serde_json::json!({ "outcome": input.outcome, "case_id": next.case_id, "grid_id": next.grid_id }),
            )
            .write(conn, origin)?;
        Ok(next)
    })
}

/// The parties of a row, for those who may read them.
pub fn parties(row: &DisputeRow) -> Result<Vec<Party>, AppError> {
    serde_json::from_str(&row.parties)
        .map_err(|e| AppError::Internal(format!("stored parties: {e}")))
}
