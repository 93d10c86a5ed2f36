//! Inspection templates (检查表): kept by the zone office, read by everyone
//! who inspects. Editing makes a new version; every version stays
//! readable, and a submission keeps the one it was filled in against.

use chrono::NaiveDateTime;
use gridwork_domain::audit::{AuditAction, Entity};
use gridwork_domain::event::EventType;
use gridwork_domain::inspection::Template;
use gridwork_domain::profile::Violation;
use gridwork_domain::{Permission, TemplateId, UserId};
use gridwork_persistence::inspection_template::{self as store, TemplateRow, TemplateVersionRow};
use gridwork_persistence::{DbConnection, time};

use super::{AppError, AuditEvent, Expected, FieldCode, FieldError, Origin, Scoped};

/// One version of a template, with the template's own record.
#[derive(Debug, Clone)]
pub struct Version {
    pub row: TemplateRow,
    pub version: i32,
    pub template: Template,
    pub created_at: NaiveDateTime,
    pub created_by: Option<UserId>,
}

/// Refusals of the domain, each by its path.
pub fn refusals(violations: Vec<Violation>) -> AppError {
    AppError::Invalid(
        violations
            .into_iter()
            .map(|v| FieldError::new(&v.field, FieldCode::Invalid, v.message))
            .collect(),
    )
}

fn to_json(template: &Template) -> Result<String, AppError> {
    serde_json::to_string(template).map_err(|e| AppError::Internal(e.to_string()))
}

fn read(row: TemplateRow, version: TemplateVersionRow) -> Result<Version, AppError> {
    let template = serde_json::from_str(&version.content)
        .map_err(|e| AppError::Internal(format!("stored template: {e}")))?;
    Ok(Version {
        row,
        version: version.version,
        template,
        created_at: version.created_at,
        created_by: version.created_by,
    })
}

/// A template's latest version, or the one asked for.
pub fn find(
    conn: &mut DbConnection,
    id: &TemplateId,
    version: Option<i32>,
) -> Result<Version, AppError> {
    let row = store::find(conn, id)?.ok_or(AppError::NotFound)?;
    let wanted = version.unwrap_or(row.version);
    let version = store::find_version(conn, id, wanted)?.ok_or(AppError::NotFound)?;
    read(row, version)
}

/// One keyset page of templates.
pub fn list(
    conn: &mut DbConnection,
    include_archived: bool,
    after: Option<&str>,
    fetch: i64,
) -> Result<Vec<TemplateRow>, AppError> {
    Ok(store::page(conn, include_archived, after, fetch)?)
}

fn item_count(template: &Template) -> i32 {
    i32::try_from(template.items.len()).unwrap_or(i32::MAX)
}

/// Creates a template at version 1.
pub fn create(
    conn: &mut DbConnection,
    scoped: &Scoped,
    origin: &Origin,
    input: Template,
) -> Result<Version, AppError> {
    scoped.require(Permission::ManageInspections)?;
    let template = input.parse().map_err(refusals)?;
    let at = time::to_db(time::now());
    let row = TemplateRow {
        id: TemplateId::generate(),
        name: template.name.clone(),
        version: 1,
        item_count: item_count(&template),
        archived_at: None,
        created_at: at,
        updated_at: at,
    };
    let version = TemplateVersionRow {
        template_id: row.id.clone(),
        version: 1,
        content: to_json(&template)?,
        created_by: scoped.caller.user_id().cloned(),
        created_at: at,
    };
    super::transaction(conn, |conn| {
        store::insert(conn, &row)?;
        store::insert_version(conn, &version)?;
        AuditEvent::success(AuditAction::TemplateCreate)
            .by(&scoped.caller)
            .on(Entity::InspectionTemplate, &row.id)
            .detail(serde_json::json!({ "name": row.name, "items": row.item_count }))
            .event(
                EventType::InspectionTemplateCreated,
                serde_json::json!({ "version": 1, "name": row.name }),
            )
            .write(conn, origin)?;
        read(row, version)
    })
}

/// Edits a template: its next version. The same content as the latest
/// version changes nothing and answers it.
pub fn update(
    conn: &mut DbConnection,
    scoped: &Scoped,
    origin: &Origin,
    id: &TemplateId,
    expected: &Expected,
    input: Template,
) -> Result<Version, AppError> {
    scoped.require(Permission::ManageInspections)?;
    let template = input.parse().map_err(refusals)?;
    super::transaction(conn, |conn| {
        let current = find(conn, id, None)?;
        if current.template == template {
            return Ok(current);
        }
        expected.check(current.row.version)?;
        let at = time::to_db(time::now());
        let row = TemplateRow {
            name: template.name.clone(),
            version: current.row.version + 1,
            item_count: item_count(&template),
            updated_at: at,
            ..current.row
        };
        if !store::advance(conn, &row)? {
            return Err(AppError::Stale);
        }
        let version = TemplateVersionRow {
            template_id: row.id.clone(),
            version: row.version,
            content: to_json(&template)?,
            created_by: scoped.caller.user_id().cloned(),
            created_at: at,
        };
        store::insert_version(conn, &version)?;
        AuditEvent::success(AuditAction::TemplateUpdate)
            .by(&scoped.caller)
            .on(Entity::InspectionTemplate, &row.id)
            .detail(serde_json::json!({ "version": row.version, "items": row.item_count }))
            .event(
                EventType::InspectionTemplateUpdated,
                serde_json::json!({ "version": row.version, "name": row.name }),
            )
            .write(conn, origin)?;
        read(row, version)
    })
}
