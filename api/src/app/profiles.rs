//! Enterprise profiles (动态档案, 人、地、事、物): read by anyone who sees
//! the enterprise, replaced whole by those who keep its record (with
//! `If-Match`), every version kept with what changed, who and when.

use chrono::NaiveDateTime;
use gridwork_domain::audit::{AuditAction, Entity};
use gridwork_domain::event::EventType;
use gridwork_domain::profile::{self, Change, Profile, Violation};
use gridwork_domain::{EnterpriseId, Permission, UserId};
use gridwork_persistence::enterprise_profile::{self, Edited, ProfileRow};
use gridwork_persistence::{DbConnection, time};

use super::{AppError, AuditEvent, Expected, FieldCode, FieldError, Origin, Scoped, enterprises};

/// One version of a profile as read: version 0 is the empty profile of an
/// enterprise nobody described yet.
#[derive(Debug, Clone)]
pub struct Version {
    pub enterprise_id: EnterpriseId,
    pub version: i32,
    pub profile: Profile,
    pub changes: Vec<Change>,
    pub edited_at: Option<NaiveDateTime>,
    pub edited_by: Option<UserId>,
    pub editor_name: Option<String>,
}

impl Version {
    fn empty(enterprise_id: &EnterpriseId) -> Version {
        Version {
            enterprise_id: enterprise_id.clone(),
            version: 0,
            profile: Profile::default(),
            changes: Vec::new(),
            edited_at: None,
            edited_by: None,
            editor_name: None,
        }
    }

    fn read(edited: Edited) -> Result<Version, AppError> {
        let broken = |e: serde_json::Error| AppError::Internal(format!("stored profile: {e}"));
        Ok(Version {
            profile: serde_json::from_str(&edited.row.content).map_err(broken)?,
            changes: serde_json::from_str(&edited.row.changes).map_err(broken)?,
            enterprise_id: edited.row.enterprise_id,
            version: edited.row.version,
            edited_at: Some(edited.row.edited_at),
            edited_by: edited.row.edited_by,
            editor_name: edited.editor_name,
        })
    }
}

/// The profile of an enterprise the caller may see: the latest version,
/// or the one asked for.
pub fn find(
    conn: &mut DbConnection,
    scoped: &Scoped,
    id: &EnterpriseId,
    version: Option<i32>,
) -> Result<Version, AppError> {
    enterprises::find_visible(conn, scoped, id)?;
    match (
        enterprise_profile::find(conn, id, version.filter(|v| *v > 0))?,
        version,
    ) {
        (Some(edited), _) => Version::read(edited),
        (None, None | Some(0)) => Ok(Version::empty(id)),
        (None, Some(_)) => Err(AppError::NotFound),
    }
}

/// One keyset page of versions, newest first.
pub fn history(
    conn: &mut DbConnection,
    scoped: &Scoped,
    id: &EnterpriseId,
    before: Option<i32>,
    fetch: i64,
) -> Result<Vec<Version>, AppError> {
    enterprises::find_visible(conn, scoped, id)?;
    enterprise_profile::history(conn, id, before, fetch)?
        .into_iter()
        .map(Version::read)
        .collect()
}

fn to_json(value: &impl serde::Serialize) -> Result<String, AppError> {
    serde_json::to_string(value).map_err(|e| AppError::Internal(e.to_string()))
}

fn refusals(violations: Vec<Violation>) -> AppError {
    AppError::Invalid(
        violations
            .into_iter()
            .map(|v| FieldError::new(&v.field, FieldCode::Invalid, v.message))
            .collect(),
    )
}

/// Replaces the profile. The same content as the current version changes
/// nothing and answers it, whatever `If-Match` says (a retry is safe);
/// anything else becomes the next version.
pub fn put(
    conn: &mut DbConnection,
    scoped: &Scoped,
    origin: &Origin,
    id: &EnterpriseId,
    expected: &Expected,
    input: Profile,
) -> Result<Version, AppError> {
    enterprises::find_visible(conn, scoped, id)?;
    scoped.require(Permission::EditEnterprises)?;
    let next = input.parse().map_err(refusals)?;
    super::transaction(conn, |conn| {
        let current = match enterprise_profile::find(conn, id, None)? {
            Some(edited) => Version::read(edited)?,
            None => Version::empty(id),
        };
        // the same content again (a retried PUT) answers the version it made
        let changes = profile::changes(&current.profile, &next);
        if changes.is_empty() {
            return Ok(current);
        }
        expected.check(current.version)?;
        let row = ProfileRow {
            enterprise_id: id.clone(),
            version: current.version + 1,
            content: to_json(&next)?,
            changes: to_json(&changes)?,
            edited_by: scoped.caller.user_id().cloned(),
            edited_at: time::to_db(time::now()),
        };
        enterprise_profile::insert(conn, &row)?;
        let fields: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
        AuditEvent::success(AuditAction::ProfileUpdate)
            .by(&scoped.caller)
            .on(Entity::Enterprise, id)
            .detail(serde_json::json!({ "version": row.version, "changed": fields }))
            .event(
                EventType::EnterpriseProfileUpdated,
                serde_json::json!({ "version": row.version, "changed": fields }),
            )
            .write(conn, origin)?;
        Ok(Version {
            version: row.version,
            profile: next,
            changes,
            edited_at: Some(row.edited_at),
            edited_by: row.edited_by,
            editor_name: scoped
                .caller
                .user
                .as_ref()
                .map(|u| u.display_name.clone().unwrap_or_else(|| u.username.clone())),
            enterprise_id: id.clone(),
        })
    })
}
