//! Party building on grids (网格党建): branches attached to grids (each
//! covers its grid's subtree), their members, development candidates
//! (发展对象) nominated from the workers a closed month's scorecards
//! commended, activities with attendance, and the grids' coverage.
//! Kept by the office and by party instructors on their grids; seen by
//! whoever sees the branch's grid.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use gridwork_domain::assessment::{AssessmentLevel, Flag};
use gridwork_domain::audit::{AuditAction, Entity};
use gridwork_domain::coverage::Rate;
use gridwork_domain::month::Month;
use gridwork_domain::party::{self as rules, PartyRole};
use gridwork_domain::{ActivityId, BranchId, CandidateId, GridId, Permission};
use gridwork_persistence::party::{self as store, ActivityRow, BranchRow, CandidateRow, MemberRow};
use gridwork_persistence::{DbConnection, assessment, grid, time};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::{AppError, AuditEvent, ErrorCode, FieldCode, Origin, Scoped, grids, people};

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BranchInput {
    /// 1–100 characters, not blank.
    #[validate(length(min = 1, max = 100))]
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = "\\S",
        example = "耕德电子网格党支部"
    )]
    pub name: String,
    /// The grid it is attached to (in the caller's scope); it covers the
    /// grid and everything below.
    #[validate(custom(function = "crate::app::input::uuid_text"))]
    #[schema(value_type = String, format = Uuid, min_length = 36, max_length = 36)]
    pub grid_id: String,
    pub founded_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberInput {
    /// A person in the caller's scope.
    #[validate(custom(function = "crate::app::input::uuid_text"))]
    #[schema(value_type = String, format = Uuid, min_length = 36, max_length = 36)]
    pub person_id: String,
    pub role: PartyRole,
    pub joined_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CandidateInput {
    /// A worker (a person with an account) in the caller's scope.
    #[validate(custom(function = "crate::app::input::uuid_text"))]
    #[schema(value_type = String, format = Uuid, min_length = 36, max_length = 36)]
    pub person_id: String,
    /// The closed month, `YYYY-MM`, whose scorecards commended them.
    #[schema(
        min_length = 7,
        max_length = 7,
        pattern = "^2[0-9]{3}-(0[1-9]|1[0-2])$",
        example = "2026-11"
    )]
    pub period: String,
    #[validate(length(max = 500))]
    #[schema(max_length = 500)]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivityInput {
    /// 1–100 characters, not blank.
    #[validate(length(min = 1, max = 100))]
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = "\\S",
        example = "主题党日：安全生产进车间"
    )]
    pub title: String,
    pub held_on: NaiveDate,
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    pub place: Option<String>,
    /// Who attended: people in the caller's scope, each once, at most 500.
    #[validate(length(max = 500))]
    #[schema(value_type = Vec<crate::app::policies::PersonIdText>, max_items = 500)]
    #[serde(default)]
    pub attendees: Vec<String>,
}

/// A branch whose grid the caller sees, or 404.
pub fn find(
    conn: &mut DbConnection,
    scoped: &Scoped,
    id: &BranchId,
) -> Result<BranchRow, AppError> {
    let row = store::find_branch(conn, id)?.ok_or(AppError::NotFound)?;
    scoped.check(Some(&row.grid_id))?;
    Ok(row)
}

pub fn create_branch(
    conn: &mut DbConnection,
    scoped: &Scoped,
    origin: &Origin,
    input: BranchInput,
) -> Result<BranchRow, AppError> {
    scoped.require(Permission::ManageParty)?;
    input.validate()?;
    let grid = grids::find_visible(conn, scoped, &GridId::from(input.grid_id.as_str()))
        .ok()
        .filter(|g| g.archived_at.is_none())
        .ok_or_else(|| AppError::invalid("grid_id", FieldCode::NotFound, "no such grid"))?;
    let at = time::to_db(time::now());
    let row = BranchRow {
        id: BranchId::generate(),
        name: super::input::required("name", &input.name)?,
        grid_id: grid.id,
        grid_code: grid.code,
        founded_on: input.founded_on,
        created_by: scoped.caller.user_id().cloned(),
        created_at: at,
        updated_at: at,
        version: 1,
    };
    super::transaction(conn, |conn| {
        store::insert_branch(conn, &row)?;
        AuditEvent::success(AuditAction::BranchCreate)
            .by(&scoped.caller)
            .on(Entity::PartyBranch, &row.id)
            .detail(serde_json::json!({ "name": row.name, "grid_id": row.grid_id }))
            .write(conn, origin)?;
        Ok(row)
    })
}

/// A branch with its member count.
pub type Branch = (BranchRow, i64);

fn with_counts(conn: &mut DbConnection, rows: Vec<BranchRow>) -> Result<Vec<Branch>, AppError> {
    let ids: Vec<BranchId> = rows.iter().map(|r| r.id.clone()).collect();
    let counts: std::collections::HashMap<BranchId, i64> =
        store::member_counts(conn, &ids)?.into_iter().collect();
    Ok(rows
        .into_iter()
        .map(|r| {
            let n = counts.get(&r.id).copied().unwrap_or(0);
            (r, n)
        })
        .collect())
}

pub fn branch(conn: &mut DbConnection, scoped: &Scoped, id: &BranchId) -> Result<Branch, AppError> {
    let row = find(conn, scoped, id)?;
    Ok(with_counts(conn, vec![row])?.remove(0))
}

/// One keyset page of the branches on the caller's grids.
pub fn branches(
    conn: &mut DbConnection,
    scoped: &Scoped,
    after: Option<&str>,
    fetch: i64,
) -> Result<Vec<Branch>, AppError> {
    let rows = store::branches(conn, scoped.scope.grid_ids(), after, fetch)?;
    with_counts(conn, rows)
}

pub fn add_member(
    conn: &mut DbConnection,
    scoped: &Scoped,
    origin: &Origin,
    branch: &BranchId,
    input: MemberInput,
) -> Result<(MemberRow, String), AppError> {
    let branch = find(conn, scoped, branch)?;
    scoped.require(Permission::ManageParty)?;
    input.validate()?;
    let person = people::named_in_body(conn, scoped, "person_id", &input.person_id)?;
    let row = MemberRow {
        branch_id: branch.id,
        person_id: person.id,
        role: input.role,
        joined_on: input.joined_on,
        created_at: time::to_db(time::now()),
    };
    super::transaction(conn, |conn| {
        if store::is_member(conn, &row.branch_id, &row.person_id)? {
            return Err(AppError::conflict(
                ErrorCode::AlreadyMember,
                "This person is a member of the branch already.",
            ));
        }
        store::insert_member(conn, &row)?;
        AuditEvent::success(AuditAction::PartyMemberAdd)
            .by(&scoped.caller)
            .on(Entity::PartyBranch, &row.branch_id)
            .detail(serde_json::json!({ "person_id": row.person_id, "role": row.role }))
            .write(conn, origin)?;
        Ok((row, person.name))
    })
}

pub fn members(
    conn: &mut DbConnection,
    scoped: &Scoped,
    branch: &BranchId,
    after: Option<&str>,
    fetch: i64,
) -> Result<Vec<(MemberRow, String)>, AppError> {
    let branch = find(conn, scoped, branch)?;
    Ok(store::members(conn, &branch.id, after, fetch)?)
}

/// Nominates a development candidate: a worker the scorecards of a closed
/// month commended.
pub fn nominate(
    conn: &mut DbConnection,
    scoped: &Scoped,
    origin: &Origin,
    branch: &BranchId,
    input: CandidateInput,
) -> Result<(CandidateRow, String), AppError> {
    let branch = find(conn, scoped, branch)?;
    scoped.require(Permission::ManageParty)?;
    input.validate()?;
    let month = Month::parse(&input.period)
        .map_err(|what| AppError::invalid("period", FieldCode::Invalid, what))?;
    let person = people::named_in_body(conn, scoped, "person_id", &input.person_id)?;
    let closed =
        assessment::month(conn, &month.to_string())?.is_some_and(|m| m.closed_at.is_some());
    let flag = match &person.user_id {
        Some(user) => assessment::flag_of(
            conn,
            &month.to_string(),
            AssessmentLevel::Worker,
            user.as_str(),
        )?
        .flatten()
        .and_then(|f| Flag::parse(&f)),
        None => None,
    };
    rules::nominate(closed, flag)
        .map_err(|e| AppError::conflict(ErrorCode::NotCommended, e.to_string()))?;
    let row = CandidateRow {
        id: CandidateId::generate(),
        branch_id: branch.id,
        person_id: person.id,
        period: month.to_string(),
        reason: super::input::clean(input.reason),
        nominated_by: scoped.caller.user_id().cloned(),
        created_at: time::to_db(time::now()),
    };
    super::transaction(conn, |conn| {
        store::insert_candidate(conn, &row).map_err(|e| {
            super::input::once(
                e,
                ErrorCode::AlreadyMember,
                "This person is a candidate of the branch already.",
            )
        })?;
        AuditEvent::success(AuditAction::CandidateNominate)
            .by(&scoped.caller)
            .on(Entity::PartyBranch, &row.branch_id)
            .detail(serde_json::json!({ "person_id": row.person_id, "period": row.period }))
            .write(conn, origin)?;
        Ok((row, person.name))
    })
}

pub fn candidates(
    conn: &mut DbConnection,
    scoped: &Scoped,
    branch: &BranchId,
    after: Option<&str>,
    fetch: i64,
) -> Result<Vec<(CandidateRow, String)>, AppError> {
    let branch = find(conn, scoped, branch)?;
    Ok(store::candidates(conn, &branch.id, after, fetch)?)
}

pub fn record_activity(
    conn: &mut DbConnection,
    scoped: &Scoped,
    origin: &Origin,
    branch: &BranchId,
    input: ActivityInput,
) -> Result<ActivityRow, AppError> {
    let branch = find(conn, scoped, branch)?;
    scoped.require(Permission::ManageParty)?;
    input.validate()?;
    let mut seen = BTreeSet::new();
    let mut attendees = Vec::with_capacity(input.attendees.len());
    for (i, id) in input.attendees.iter().enumerate() {
        let field = format!("attendees[{i}]");
        if !seen.insert(id.clone()) {
            return Err(AppError::invalid(
                &field,
                FieldCode::Invalid,
                "listed twice",
            ));
        }
        attendees.push(people::named_in_body(conn, scoped, &field, id)?.id);
    }
    let row = ActivityRow {
        id: ActivityId::generate(),
        branch_id: branch.id,
        title: super::input::required("title", &input.title)?,
        held_on: input.held_on,
        place: super::input::clean(input.place),
        attendee_count: i32::try_from(attendees.len()).unwrap_or(i32::MAX),
        created_by: scoped.caller.user_id().cloned(),
        created_at: time::to_db(time::now()),
    };
    super::transaction(conn, |conn| {
        store::insert_activity(conn, &row, &attendees)?;
        AuditEvent::success(AuditAction::PartyActivityRecord)
            .by(&scoped.caller)
            .on(Entity::PartyBranch, &row.branch_id)
            .detail(serde_json::json!({ "activity_id": row.id, "title": row.title, "attendees": row.attendee_count }))
            .write(conn, origin)?;
        Ok(row)
    })
}

pub fn activities(
    conn: &mut DbConnection,
    scoped: &Scoped,
    branch: &BranchId,
    before: Option<&str>,
    fetch: i64,
) -> Result<Vec<ActivityRow>, AppError> {
    let branch = find(conn, scoped, branch)?;
    Ok(store::activities(conn, &branch.id, before, fetch)?)
}

/// How many of the caller's grids (the zone itself aside) a branch covers.
pub fn coverage(conn: &mut DbConnection, scoped: &Scoped) -> Result<Rate, AppError> {
    let codes: BTreeSet<String> = store::branch_codes(conn)?.into_iter().collect();
    let grids = grid::codes_below_zone(conn, scoped.scope.grid_ids())?;
    Ok(rules::coverage(grids.iter().map(String::as_str), &codes))
}
