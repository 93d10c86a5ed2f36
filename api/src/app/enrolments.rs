//! Riders enrolled as mobile grid workers (移动网格员) by an integrator: the
//! platform enrols a rider into a grid with the rider's consent to the use
//! of their location; a grid leader or zone officer of that grid approves —
//! which makes the person, the account and the `mobile_worker` assignment
//! in one transaction — or refuses with a reason; the platform may withdraw
//! the rider at any time, which ends the assignment and the account. An
//! approved rider reports through the platform's app with a short-lived
//! token the platform exchanges its key for.

use chrono::{DateTime, Utc};
use gridwork_domain::assignment::GridRole;
use gridwork_domain::audit::{AuditAction, Entity};
use gridwork_domain::event::EventType;
use gridwork_domain::integrator::{
    EnrolmentError, EnrolmentState, IntegratorScope, LocationConsent, PlatformRiderId, Reason,
};
use gridwork_domain::person::{MobilePhone, PersonName};
use gridwork_domain::{EnrolmentId, GridId, Permission, Role, Roles, UserId, Username};
use gridwork_persistence::assignment::{self, AssignmentRow};
use gridwork_persistence::integrator::{self as store, EnrolmentFilter, EnrolmentRow};
use gridwork_persistence::person::{self, PersonRow};
use gridwork_persistence::user::{self, UserRow};
use gridwork_persistence::{DbConnection, grid, time};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::integrators::Integrator;
use super::{AppError, AuditEvent, ErrorCode, FieldCode, FieldError, Origin, Scoped};

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrolRider {
    /// The grid the rider is to serve (`GET /api/v1/grids`, or the zone's
    /// published list).
    #[validate(length(max = 64), custom(function = "crate::app::input::uuid_text"))]
    #[schema(max_length = 64)]
    pub grid_id: String,
    /// The rider's id on the platform; one open enrolment per rider.
    #[validate(length(min = 1, max = 80))]
    #[schema(
        min_length = 1,
        max_length = 80,
        pattern = "^\\s*[A-Za-z0-9._:-]{1,64}\\s*$",
        example = "mt-rider:00042"
    )]
    pub platform_rider_id: String,
    /// 1–50 characters, not blank.
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50, pattern = "\\S", example = "王小骑")]
    pub name: String,
    /// Mainland mobile number.
    #[validate(length(min = 1, max = 32))]
    #[schema(
        min_length = 1,
        max_length = 32,
        pattern = "^\\s*(?:[ -]*(?:\\+[ -]*8[ -]*6|0[ -]*0[ -]*8[ -]*6)?[ -]*1[ -]*[3-9](?:[ -]*[0-9]){9}[ -]*)\\s*$",
        example = "13700001111"
    )]
    pub mobile: String,
    /// The rider's separate consent to the use of their location (PIPL
    /// art. 28–29): must be `true`.
    pub location_consent: bool,
    /// When the rider gave it: not in the future (5 minutes of clock
    /// difference allowed), at most a year ago.
    #[serde(deserialize_with = "crate::app::input::time_text::deserialize")]
    pub location_consent_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefuseEnrolment {
    /// Why, for the platform and the rider: 1–500 characters.
    #[validate(length(min = 1, max = 500))]
    #[schema(
        min_length = 1,
        max_length = 500,
        pattern = "\\S",
        example = "该骑手不在本网格配送范围"
    )]
    pub reason: String,
}

/// A rider token's subject: the account and its token version.
#[derive(Debug)]
pub struct RiderAccount {
    pub user_id: UserId,
    pub token_version: i32,
}

fn transition(result: Result<EnrolmentState, EnrolmentError>) -> Result<EnrolmentState, AppError> {
    result.map_err(|e| AppError::conflict(ErrorCode::InvalidTransition, e.to_string()))
}

fn write(conn: &mut DbConnection, next: &EnrolmentRow) -> Result<(), AppError> {
    if store::update_enrolment(conn, next)? {
        Ok(())
    } else {
        Err(AppError::Stale)
    }
}

/// The platform enrols a rider; it waits for the grid's decision.
pub fn enrol(
    conn: &mut DbConnection,
    integrator: &Integrator,
    origin: &Origin,
    input: &EnrolRider,
    now: DateTime<Utc>,
) -> Result<EnrolmentRow, AppError> {
    integrator.require(IntegratorScope::EnrolRiders)?;
    input.validate()?;
    let mut errors = Vec::new();
    let rider = PlatformRiderId::parse(&input.platform_rider_id)
        .map_err(|e| errors.push(FieldError::new("platform_rider_id", FieldCode::Invalid, e)))
        .ok();
    let name = PersonName::parse(&input.name)
        .map_err(|e| errors.push(FieldError::new("name", FieldCode::Invalid, e)))
        .ok();
    let mobile = MobilePhone::parse(&input.mobile)
        .map_err(|e| errors.push(FieldError::new("mobile", FieldCode::InvalidMobile, e)))
        .ok();
    let consent = LocationConsent::parse(input.location_consent, input.location_consent_at, now)
        .map_err(|e| errors.push(FieldError::new("location_consent", FieldCode::NoConsent, e)))
        .ok();
    let (Some(rider), Some(name), Some(mobile), Some(consent)) = (rider, name, mobile, consent)
    else {
        return Err(AppError::Invalid(errors));
    };
    let grid_id = GridId::from(input.grid_id.as_str());
    super::transaction(conn, |conn| {
        if grid::find(conn, &grid_id)?
            .filter(|g| g.archived_at.is_none())
            .is_none()
        {
            return Err(AppError::invalid(
                "grid_id",
                FieldCode::NotFound,
                "no such grid",
            ));
        }
        if let Some(open) = store::open_enrolment_of(conn, &integrator.row.id, rider.as_str())? {
            return Err(AppError::conflict(
                ErrorCode::RiderEnrolled,
                format!(
                    "This rider has an enrolment that is {} already: {}.",
                    open.state, open.id
                ),
            ));
        }
        let at = time::to_db(now);
        let row = EnrolmentRow {
            id: EnrolmentId::generate(),
            integrator_id: integrator.row.id.clone(),
            grid_id: grid_id.clone(),
            platform_rider_id: rider.as_str().to_owned(),
            name: name.as_str().to_owned(),
            mobile: mobile.as_str().to_owned(),
            location_consent_at: time::to_db(consent.given_at()),
            state: EnrolmentState::Pending,
            reason: None,
            decided_by: None,
            decided_at: None,
            withdrawn_at: None,
            person_id: None,
            user_id: None,
            assignment_id: None,
            created_at: at,
            updated_at: at,
            version: 1,
        };
        store::insert_enrolment(conn, &row)?;
        integrator
            .audit(AuditAction::EnrolmentCreate)
            .on(Entity::Enrolment, &row.id)
            .detail(serde_json::json!({
                "grid_id": row.grid_id,
                "platform_rider_id": row.platform_rider_id,
                "location_consent_at": consent.given_at(),
            }))
            .write(conn, origin)?;
        Ok(row)
    })
}

/// One of the platform's own enrolments; another's does not exist.
pub fn find_own(
    conn: &mut DbConnection,
    integrator: &Integrator,
    id: &EnrolmentId,
) -> Result<EnrolmentRow, AppError> {
    integrator.require(IntegratorScope::EnrolRiders)?;
    store::find_enrolment(conn, id)?
        .filter(|e| e.integrator_id == integrator.row.id)
        .ok_or(AppError::NotFound)
}

/// One keyset page of the platform's own enrolments, newest first.
pub fn list_own(
    conn: &mut DbConnection,
    integrator: &Integrator,
    state: Option<EnrolmentState>,
    before: Option<&str>,
    fetch: i64,
) -> Result<Vec<EnrolmentRow>, AppError> {
    integrator.require(IntegratorScope::EnrolRiders)?;
    let filter = EnrolmentFilter {
        integrator: Some(integrator.row.id.clone()),
        grids: None,
        state,
    };
    Ok(store::page_enrolments(conn, &filter, before, fetch)?)
}

/// The platform withdraws a rider: a pending enrolment closes; an approved
/// one also ends the rider's assignment and disables their account, so
/// their tokens stop working at once. The rider's mobile number is erased
/// (PIPL art. 47: consent withdrawn); the name stays, as the author of
/// their reports. Withdrawing again changes nothing.
pub fn withdraw(
    conn: &mut DbConnection,
    integrator: &Integrator,
    origin: &Origin,
    id: &EnrolmentId,
    now: DateTime<Utc>,
) -> Result<EnrolmentRow, AppError> {
    let current = find_own(conn, integrator, id)?;
    if current.state == EnrolmentState::Withdrawn {
        return Ok(current);
    }
    let state = transition(current.state.withdraw())?;
    let at = time::to_db(now);
    super::transaction(conn, |conn| {
        if let Some(assignment_id) = &current.assignment_id
            && let Some(row) = assignment::find(conn, assignment_id)?
            && row.ended_at.is_none()
        {
            assignment::end(conn, &row, at)?.ok_or(AppError::Stale)?;
            let detail = serde_json::json!({ "grid_id": row.grid_id, "person_id": row.person_id, "role": row.role });
            integrator
                .audit(AuditAction::AssignmentEnd)
                .on(Entity::Assignment, &row.id)
                .detail(detail.clone())
                .event(EventType::AssignmentEnded, detail)
                .write(conn, origin)?;
        }
        if let Some(user_id) = &current.user_id
            && let Some(account) = user::find(conn, user_id)?
            && !account.disabled
        {
            let next = UserRow {
                disabled: true,
                token_version: account.token_version + 1,
                updated_at: at,
                version: account.version + 1,
                ..account
            };
            if !user::update(conn, &next)? {
                return Err(AppError::Stale);
            }
        }
        if let Some(person_id) = &current.person_id
            && let Some(row) = person::find(conn, person_id)?
            && row.mobile.is_some()
        {
            let next = PersonRow {
                mobile: None,
                updated_at: at,
                version: row.version + 1,
                ..row
            };
            if !person::update(conn, &next)? {
                return Err(AppError::Stale);
            }
        }
        let next = EnrolmentRow {
            state,
            mobile: String::new(),
            withdrawn_at: Some(at),
            updated_at: at,
            version: current.version + 1,
            ..current.clone()
        };
        write(conn, &next)?;
        integrator
            .audit(AuditAction::EnrolmentWithdraw)
            .on(Entity::Enrolment, &next.id)
            .detail(serde_json::json!({ "was": current.state, "user_id": next.user_id }))
            .write(conn, origin)?;
        Ok(next)
    })
}

/// The account an approved rider's token is issued for; the exchange is
/// audited.
pub fn rider_account(
    conn: &mut DbConnection,
    integrator: &Integrator,
    origin: &Origin,
    id: &EnrolmentId,
) -> Result<RiderAccount, AppError> {
    let enrolment = find_own(conn, integrator, id)?;
    integrator.require(IntegratorScope::ReportCases)?;
    let not_approved = || {
        AppError::conflict(
            ErrorCode::InvalidTransition,
            format!(
                "The enrolment is {}: only an approved rider gets a token.",
                enrolment.state
            ),
        )
    };
    if enrolment.state != EnrolmentState::Approved {
        return Err(not_approved());
    }
    let account = match &enrolment.user_id {
        Some(user_id) => user::find(conn, user_id)?.filter(|u| !u.disabled),
        None => None,
    }
    .ok_or_else(not_approved)?;
    integrator
        .audit(AuditAction::RiderToken)
        .on(Entity::Enrolment, &enrolment.id)
        .detail(serde_json::json!({ "user_id": account.id, "key_id": integrator.key_id }))
        .write(conn, origin)?;
    Ok(RiderAccount {
        user_id: account.id,
        token_version: account.token_version,
    })
}

/// An enrolment into a grid of the caller's scope, for those who decide.
pub fn find(
    conn: &mut DbConnection,
    scoped: &Scoped,
    id: &EnrolmentId,
) -> Result<EnrolmentRow, AppError> {
    let row = store::find_enrolment(conn, id)?.ok_or(AppError::NotFound)?;
    scoped.check(Some(&row.grid_id))?;
    scoped.require(Permission::ApproveEnrolments)?;
    Ok(row)
}

/// One keyset page of the enrolments into the caller's grids, newest first.
pub fn list(
    conn: &mut DbConnection,
    scoped: &Scoped,
    state: Option<EnrolmentState>,
    before: Option<&str>,
    fetch: i64,
) -> Result<Vec<EnrolmentRow>, AppError> {
    scoped.require(Permission::ApproveEnrolments)?;
    let filter = EnrolmentFilter {
        integrator: None,
        grids: scoped.scope.grid_ids().map(<[GridId]>::to_vec),
        state,
    };
    Ok(store::page_enrolments(conn, &filter, before, fetch)?)
}

/// What a rider's account is called: fixed by the enrolment, never chosen.
fn rider_username(id: &EnrolmentId) -> Result<Username, AppError> {
    let hex: String = id.as_str().chars().filter(|c| *c != '-').collect();
    Username::parse(&format!("rider-{hex}"))
        .map_err(|e| AppError::Internal(format!("rider username: {e}")))
}

/// A grid leader or zone officer of the grid accepts the rider: the person,
/// an account that cannot log in with a password (the rider acts only
/// through the platform's tokens) and the `mobile_worker` assignment.
pub fn approve(
    conn: &mut DbConnection,
    scoped: &Scoped,
    origin: &Origin,
    id: &EnrolmentId,
    now: DateTime<Utc>,
) -> Result<EnrolmentRow, AppError> {
    let current = find(conn, scoped, id)?;
    let state = transition(current.state.approve())?;
    let username = rider_username(&current.id)?;
    let at = time::to_db(now);
    super::transaction(conn, |conn| {
        if grid::find(conn, &current.grid_id)?
            .filter(|g| g.archived_at.is_none())
            .is_none()
        {
            return Err(AppError::conflict(
                ErrorCode::GridArchived,
                "The grid was archived since the rider was enrolled; refuse the enrolment.",
            ));
        }
        // no password can match: a rider acts only through rider tokens
        let account = UserRow::new(
            username.as_str(),
            Some(current.name.clone()),
            "!rider".to_owned(),
            Roles::single(Role::MobileWorker).to_stored(),
            at,
        );
        if !user::insert(conn, &account)? {
            return Err(AppError::conflict(
                ErrorCode::UsernameTaken,
                "The rider's account exists already.",
            ));
        }
        let person = PersonRow {
            mobile: Some(current.mobile.clone()),
            user_id: Some(account.id.clone()),
            grid_id: Some(current.grid_id.clone()),
            ..PersonRow::new(&current.name, at)
        };
        person::insert(conn, &person)?;
        let assigned = AssignmentRow::new(&current.grid_id, &person.id, GridRole::MobileWorker, at);
        assignment::insert(conn, &assigned)?;
        let next = EnrolmentRow {
            state,
            decided_by: scoped.caller.user_id().cloned(),
            decided_at: Some(at),
            person_id: Some(person.id.clone()),
            user_id: Some(account.id.clone()),
            assignment_id: Some(assigned.id.clone()),
            updated_at: at,
            version: current.version + 1,
            ..current.clone()
        };
        write(conn, &next)?;
        let by = |action| AuditEvent::success(action).by(&scoped.caller);
        by(AuditAction::UserCreate)
            .on(Entity::User, &account.id)
            .detail(serde_json::json!({ "username": account.username, "roles": account.roles, "enrolment_id": next.id }))
            .write(conn, origin)?;
        by(AuditAction::PersonCreate)
            .on(Entity::Person, &person.id)
            .detail(serde_json::json!({ "name": person.name, "grid_id": person.grid_id, "enrolment_id": next.id }))
            .event(
                EventType::PersonCreated,
                serde_json::json!({ "grid_id": person.grid_id }),
            )
            .write(conn, origin)?;
        let detail = serde_json::json!({ "grid_id": assigned.grid_id, "person_id": assigned.person_id, "role": assigned.role });
        by(AuditAction::AssignmentCreate)
            .on(Entity::Assignment, &assigned.id)
            .detail(detail.clone())
            .event(EventType::AssignmentCreated, detail)
            .write(conn, origin)?;
        by(AuditAction::EnrolmentApprove)
            .on(Entity::Enrolment, &next.id)
            .detail(serde_json::json!({ "integrator_id": next.integrator_id, "user_id": account.id, "person_id": person.id, "assignment_id": assigned.id }))
            .write(conn, origin)?;
        Ok(next)
    })
}

/// A grid leader or zone officer of the grid turns the rider down.
pub fn refuse(
    conn: &mut DbConnection,
    scoped: &Scoped,
    origin: &Origin,
    id: &EnrolmentId,
    input: &RefuseEnrolment,
    now: DateTime<Utc>,
) -> Result<EnrolmentRow, AppError> {
    let current = find(conn, scoped, id)?;
    input.validate()?;
    let reason = Reason::parse(&input.reason)
        .map_err(|e| AppError::invalid("reason", FieldCode::Invalid, e))?;
    let state = transition(current.state.refuse())?;
    let at = time::to_db(now);
    super::transaction(conn, |conn| {
        let next = EnrolmentRow {
            state,
            reason: Some(reason.as_str().to_owned()),
            decided_by: scoped.caller.user_id().cloned(),
            decided_at: Some(at),
            updated_at: at,
            version: current.version + 1,
            ..current.clone()
        };
        write(conn, &next)?;
        AuditEvent::success(AuditAction::EnrolmentRefuse)
            .by(&scoped.caller)
            .on(Entity::Enrolment, &next.id)
            .detail(
                serde_json::json!({ "integrator_id": next.integrator_id, "reason": next.reason }),
            )
            .write(conn, origin)?;
        Ok(next)
    })
}
