//! Hazards (隐患): rectified by the grid's staff or the enterprise's
//! principal, with evidence photos, then verified or sent back by the grid
//! leader or the zone office. One overdue for rectification becomes a case
//! (source `inspection`), linked both ways, by the sweeper.

use chrono::{DateTime, Utc};
use gridwork_domain::attachment::OwnerKind;
use gridwork_domain::audit::{AuditAction, Entity};
use gridwork_domain::case::Source;
use gridwork_domain::event::EventType;
use gridwork_domain::hazard::{self as rules, HazardAction, Relation};
use gridwork_domain::{AttachmentId, HazardId};
use gridwork_persistence::enterprise_service::represented_by;
use gridwork_persistence::hazard::{self as store, HazardFilter, HazardRow};
use gridwork_persistence::{DbConnection, case, time};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::attachments::{self, AttachmentRef};
use super::cases as cases_app;
use super::{AppError, AuditEvent, ErrorCode, Expected, FieldCode, Origin, Scoped};

/// The category of the case an overdue hazard becomes.
pub const OVERDUE_CATEGORY: &str = "safety_hazard.production";

/// A step on a hazard, with an optional note and, to rectify, the evidence.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HazardStepInput {
    /// What was done, or why it goes back (required to reopen).
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000, example = "已更换过期灭火器4具")]
    pub note: Option<String>,
    /// Photos of the rectification, uploaded beforehand: 1–10 to rectify,
    /// none otherwise.
    #[serde(default)]
    #[schema(value_type = Vec<AttachmentRef>, max_items = 10)]
    pub evidence: Vec<AttachmentId>,
}

/// A hazard in the caller's scope, or of the enterprise they head.
pub fn find(
    conn: &mut DbConnection,
    scoped: &Scoped,
    id: &HazardId,
) -> Result<(HazardRow, Relation), AppError> {
    let row = store::find(conn, id)?.ok_or(AppError::NotFound)?;
    let in_scope = scoped.scope.covers(Some(&row.grid_id));
    let principal = match (&row.enterprise_id, scoped.caller.user_id()) {
        (Some(e), Some(me)) if !in_scope => represented_by(conn, me)?.contains(e),
        _ => false,
    };
    if !in_scope && !principal {
        return Err(AppError::NotFound);
    }
    Ok((
        row,
        Relation {
            in_scope,
            principal,
        },
    ))
}

/// One keyset page of hazards in the caller's scope, newest first.
pub fn list(
    conn: &mut DbConnection,
    scoped: &Scoped,
    mut filter: HazardFilter,
    before: Option<&str>,
    fetch: i64,
) -> Result<Vec<HazardRow>, AppError> {
    filter.grids = scoped
        .scope
        .grid_ids()
        .map(<[gridwork_domain::GridId]>::to_vec);
    Ok(store::page(conn, &filter, before, fetch)?)
}

/// Takes a step on a hazard.
pub fn step(
    conn: &mut DbConnection,
    scoped: &Scoped,
    origin: &Origin,
    id: &HazardId,
    expected: &Expected,
    (action, input): (HazardAction, &HazardStepInput),
    now: DateTime<Utc>,
) -> Result<HazardRow, AppError> {
    super::transaction(conn, |conn| {
        let (row, relation) = find(conn, scoped, id)?;
        if !rules::may(&scoped.caller.roles, &relation, action) {
            return Err(AppError::Forbidden);
        }
        input.validate()?;
        match action {
            HazardAction::Rectify if input.evidence.is_empty() => {
                return Err(AppError::invalid(
                    "evidence",
                    FieldCode::Required,
                    "rectification needs 1 to 10 photos",
                ));
            }
            HazardAction::Reopen if input.note.is_none() => {
                return Err(AppError::invalid(
                    "note",
                    FieldCode::Required,
                    "say why it goes back",
                ));
            }
            HazardAction::Rectify => {}
            _ if !input.evidence.is_empty() => {
                return Err(AppError::invalid(
                    "evidence",
                    FieldCode::Invalid,
                    "evidence goes with `rectify`",
                ));
            }
            _ => {}
        }
        attachments::check(conn, scoped, "evidence", &input.evidence, now)?;
        let state = rules::apply(row.state, action)
            .map_err(|e| AppError::conflict(ErrorCode::InvalidTransition, e.to_string()))?;
        expected.check(row.version)?;
        let at = time::to_db(now);
        let mut next = HazardRow {
            state,
            note: input
                .note
                .as_deref()
                .map(str::trim)
                .map(str::to_owned)
                .or(row.note.clone()),
            updated_at: at,
            version: row.version + 1,
            ..row.clone()
        };
        match action {
            HazardAction::Rectify => {
                next.rectified_at = Some(at);
                next.evidence = attachments::joined(&input.evidence);
            }
            HazardAction::Verify => next.verified_at = Some(at),
            HazardAction::Reopen => {
                next.rectified_at = None;
                next.reopened_count += 1;
            }
            HazardAction::Start => {}
        }
        if !store::update(conn, &next)? {
            return Err(AppError::Stale);
        }
        attachments::attach_to(conn, &input.evidence, OwnerKind::Hazard, next.id.as_str())?;
        AuditEvent::success(AuditAction::HazardStep)
            .by(&scoped.caller)
            .on(Entity::Hazard, &next.id)
            .detail(serde_json::json!({ "action": action, "from": row.state, "to": next.state }))
            .event(
                EventType::HazardChanged,
                serde_json::json!({ "action": action, "from": row.state, "to": next.state, "grid_id": next.grid_id }),
            )
            .write(conn, origin)?;
        Ok(next)
    })
}

/// The sweeper's part: each hazard past its rectification deadline without
/// a case becomes one (source `inspection`, reported by the system), linked
/// both ways; the hazard is written with a version check, so several
/// instances open one case per hazard. Returns how many cases were opened.
pub fn escalate_overdue(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<usize, AppError> {
    let system = Scoped::system();
    let origin = Origin::default();
    let mut opened = 0;
    for row in store::overdue_without_case(conn, time::to_db(now), 100)? {
        let done = super::transaction(conn, |conn| {
            let description = format!("隐患逾期未整改：{}", row.description);
            let case = cases_app::open_for(
                conn,
                &system,
                &origin,
                (
                    OVERDUE_CATEGORY,
                    rules::case_severity(row.severity),
                    Source::Inspection,
                ),
                &description,
                (&row.grid_id, row.enterprise_id.as_ref()),
                now,
            )?;
            let next = HazardRow {
                case_id: Some(case.id.clone()),
                updated_at: time::to_db(now),
                version: row.version + 1,
                ..row.clone()
            };
            if !store::update(conn, &next)? {
                // another instance linked it first: this case goes with the rollback
                return Err(AppError::Stale);
            }
            case::link_hazard(conn, &case.id, &row.id)?;
            AuditEvent::success(AuditAction::HazardStep)
                .on(Entity::Hazard, &row.id)
                .detail(serde_json::json!({ "action": "escalate", "case_id": case.id }))
                .event(
                    EventType::HazardEscalated,
                    serde_json::json!({ "case_id": case.id, "grid_id": row.grid_id }),
                )
                .write(conn, &origin)?;
            Ok(())
        });
        match done {
            Ok(()) => opened += 1,
            Err(AppError::Stale) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(opened)
}
