//! Assignments: who serves which grid in which role. They define every
//! non-zone user's scope; ending one keeps it as history.

use gridwork_domain::assignment::{self as rules, AssignmentError, GridRole};
use gridwork_domain::audit::{AuditAction, Entity};
use gridwork_domain::event::EventType;
use gridwork_domain::{AssignmentId, GridId, Permission, PersonId};
use gridwork_persistence::assignment::{self, AssignmentRow};
use gridwork_persistence::person::{self, PersonRow};
use gridwork_persistence::{DbConnection, time};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::{AppError, AuditEvent, ErrorCode, FieldCode, Origin, Scoped, grids, training};

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAssignment {
    #[validate(
        length(min = 1, max = 64),
        custom(function = "crate::app::input::uuid_text")
    )]
    #[schema(min_length = 1, max_length = 64)]
    pub person_id: String,
    #[schema(value_type = GridRole, example = "full_time_worker")]
    pub role: String,
    /// Why a new full-time or part-time worker takes up the post before
    /// passing a pre-job course (1–500 characters; audited). Without it
    /// such an assignment answers 409 `pre_job_training_missing`.
    #[validate(length(min = 1, max = 500))]
    #[schema(
        min_length = 1,
        max_length = 500,
        pattern = "\\S",
        example = "岗前培训排在下周，先行上岗"
    )]
    pub training_override: Option<String>,
}

/// One keyset page of a grid's assignments with their people, oldest first.
pub fn page(
    conn: &mut DbConnection,
    scoped: &Scoped,
    grid_id: &GridId,
    include_ended: bool,
    after: Option<&str>,
    fetch: i64,
) -> Result<Vec<(AssignmentRow, PersonRow)>, AppError> {
    let grid = grids::find_visible(conn, scoped, grid_id)?;
    Ok(assignment::page_for_grid(
        conn,
        &grid.id,
        include_ended,
        after,
        fetch,
    )?)
}

/// Assigns a person to a grid in a role (at most one active grid leader).
pub fn create(
    conn: &mut DbConnection,
    scoped: &Scoped,
    origin: &Origin,
    grid_id: &GridId,
    input: CreateAssignment,
) -> Result<(AssignmentRow, PersonRow), AppError> {
    let grid = grids::find_visible(conn, scoped, grid_id)?;
    scoped.require(Permission::ManageGrids)?;
    input.validate()?;
    if grid.archived_at.is_some() {
        return Err(AppError::conflict(
            ErrorCode::GridArchived,
            "The grid is archived.",
        ));
    }
    let role = GridRole::parse(&input.role).ok_or_else(|| {
        AppError::invalid(
            "role",
            FieldCode::UnknownRole,
            format!("unknown grid role `{}`", input.role),
        )
    })?;
    super::transaction(conn, |conn| {
        let person = person::find(conn, &PersonId::from(input.person_id.as_str()))?
            .filter(|p| p.archived_at.is_none())
            .ok_or_else(|| AppError::invalid("person_id", FieldCode::NotFound, "no such person"))?;
        let active = assignment::for_grid(conn, &grid.id, false)?;
        let active: Vec<(&str, GridRole)> = active
            .iter()
            .map(|(a, _)| (a.person_id.as_str(), a.role))
            .collect();
        rules::check_new(role, person.id.as_str(), &active).map_err(|e| match e {
            AssignmentError::SecondLeader => {
                AppError::conflict(ErrorCode::GridHasLeader, e.to_string())
            }
            AssignmentError::Duplicate => {
                AppError::conflict(ErrorCode::AlreadyAssigned, e.to_string())
            }
        })?;
        // the pre-job gate: waived only with a reason, which is audited
        let waived = match training::gate(conn, &person.id, role, false) {
            Ok(()) => None,
            Err(refused) => match super::input::clean(input.training_override.clone()) {
                Some(reason) => Some(reason),
                None => return Err(refused),
            },
        };
        let row = AssignmentRow::new(&grid.id, &person.id, role, time::to_db(time::now()));
        assignment::insert(conn, &row)?;
        if let Some(reason) = &waived {
            AuditEvent::success(AuditAction::TrainingOverride)
                .by(&scoped.caller)
                .on(Entity::Assignment, &row.id)
                .detail(serde_json::json!({ "person_id": row.person_id, "role": row.role, "reason": reason }))
                .write(conn, origin)?;
        }
        let detail = serde_json::json!({ "grid_id": row.grid_id, "person_id": row.person_id, "role": row.role });
        AuditEvent::success(AuditAction::AssignmentCreate)
            .by(&scoped.caller)
            .on(Entity::Assignment, &row.id)
            .detail(detail.clone())
            .event(EventType::AssignmentCreated, detail)
            .write(conn, origin)?;
        Ok((row, person))
    })
}

/// Ends an assignment. It stays in the grid's history; the person loses the
/// grid from their scope on their next request.
pub fn end(
    conn: &mut DbConnection,
    scoped: &Scoped,
    origin: &Origin,
    id: &AssignmentId,
) -> Result<(AssignmentRow, PersonRow), AppError> {
    let row = assignment::find(conn, id)?.ok_or(AppError::NotFound)?;
    scoped.check(Some(&row.grid_id))?;
    scoped.require(Permission::ManageGrids)?;
    super::transaction(conn, |conn| {
        let ended = assignment::end(conn, &row, time::to_db(time::now()))?.ok_or_else(|| {
            AppError::conflict(
                ErrorCode::AssignmentEnded,
                "The assignment has ended already.",
            )
        })?;
        let detail = serde_json::json!({ "grid_id": row.grid_id, "person_id": row.person_id, "role": row.role });
        AuditEvent::success(AuditAction::AssignmentEnd)
            .by(&scoped.caller)
            .on(Entity::Assignment, &row.id)
            .detail(detail.clone())
            .event(EventType::AssignmentEnded, detail)
            .write(conn, origin)?;
        let person = person::find(conn, &row.person_id)?.ok_or(AppError::NotFound)?;
        Ok((ended, person))
    })
}
