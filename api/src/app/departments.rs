//! Departments (职能部门): reference data an admin keeps; cases are
//! dispatched to them and department staff belong to one.

use chrono::NaiveDateTime;
use gridwork_domain::Permission;
use gridwork_domain::audit::{AuditAction, Entity};
use gridwork_domain::case::reference::RefCode;
use gridwork_persistence::department::{self, DepartmentRow};
use gridwork_persistence::{DbConnection, time};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::{AppError, AuditEvent, Caller, ErrorCode, Expected, FieldCode, FieldError, Origin};

/// A department's code in a list, for the API document (the rule is
/// `RefCode`'s, top level only).
pub struct DepartmentCode;

impl utoipa::PartialSchema for DepartmentCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .min_length(Some(1))
            .max_length(Some(40))
            .pattern(Some(gridwork_domain::case::reference::TOP_PATTERN))
            .into()
    }
}

impl ToSchema for DepartmentCode {}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDepartment {
    /// Stable code: lower-case letters, digits and `_`, starting with a letter.
    #[validate(length(min = 1, max = 40))]
    #[schema(
        min_length = 1,
        max_length = 40,
        pattern = "^[a-z][a-z0-9_]{0,39}$",
        example = "emergency_management"
    )]
    pub code: String,
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100, example = "应急管理局")]
    pub name_zh: String,
    #[validate(length(min = 1, max = 100))]
    #[schema(
        min_length = 1,
        max_length = 100,
        example = "Emergency Management Bureau"
    )]
    pub name_en: String,
}

/// Fields to change; absent fields stay.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateDepartment {
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub name_zh: Option<String>,
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub name_en: Option<String>,
    /// Archived departments take no new cases; their history stays.
    pub archived: Option<bool>,
}

/// A name, trimmed and not blank, or the field error.
pub fn name(field: &str, text: &str, errors: &mut Vec<FieldError>) -> String {
    let trimmed = text.trim();
    if trimmed.is_empty() || trimmed.chars().any(char::is_control) {
        errors.push(FieldError::new(
            field,
            FieldCode::Invalid,
            "must be 1 to 100 characters, not blank, without control characters",
        ));
    }
    trimmed.to_owned()
}

/// When a record is archived after a request that may set or clear it:
/// archiving again keeps the first moment.
pub fn archive(
    current: Option<NaiveDateTime>,
    archived: Option<bool>,
    now: NaiveDateTime,
) -> Option<NaiveDateTime> {
    match archived {
        Some(true) => current.or(Some(now)),
        Some(false) => None,
        None => current,
    }
}

pub fn create(
    conn: &mut DbConnection,
    caller: &Caller,
    origin: &Origin,
    input: &CreateDepartment,
) -> Result<DepartmentRow, AppError> {
    caller.require(Permission::ManageCaseSetup)?;
    input.validate()?;
    let mut errors = Vec::new();
    let code = RefCode::parse(&input.code)
        .ok()
        .filter(|c| c.parent().is_none());
    if code.is_none() {
        errors.push(FieldError::new(
            "code",
            FieldCode::Invalid,
            "lower-case letters, digits and `_`, starting with a letter",
        ));
    }
    let now = time::to_db(time::now());
    let row = DepartmentRow {
        code: input.code.clone(),
        name_zh: name("name_zh", &input.name_zh, &mut errors),
        name_en: name("name_en", &input.name_en, &mut errors),
        archived_at: None,
        created_at: now,
        updated_at: now,
        version: 1,
    };
    AppError::check(errors)?;
    super::transaction(conn, |conn| {
        if department::find(conn, &row.code)?.is_some() {
            return Err(AppError::conflict(
                ErrorCode::CodeTaken,
                "A department with this code exists already.",
            ));
        }
        department::insert(conn, &row)?;
        AuditEvent::success(AuditAction::DepartmentCreate)
            .by(caller)
            .on(Entity::Department, &row.code)
            .detail(serde_json::json!({ "name_zh": row.name_zh }))
            .write(conn, origin)?;
        Ok(row)
    })
}

/// One page of departments in code order; everyone signed in reads them.
pub fn list(
    conn: &mut DbConnection,
    after: Option<&str>,
    fetch: i64,
) -> Result<Vec<DepartmentRow>, AppError> {
    Ok(department::page(conn, after, fetch)?)
}

pub fn find(conn: &mut DbConnection, code: &str) -> Result<DepartmentRow, AppError> {
    department::find(conn, code)?.ok_or(AppError::NotFound)
}

pub fn update(
    conn: &mut DbConnection,
    caller: &Caller,
    origin: &Origin,
    code: &str,
    expected: &Expected,
    input: &UpdateDepartment,
) -> Result<DepartmentRow, AppError> {
    caller.require(Permission::ManageCaseSetup)?;
    input.validate()?;
    super::transaction(conn, |conn| {
        let mut row = find(conn, code)?;
        let mut errors = Vec::new();
        if let Some(text) = &input.name_zh {
            row.name_zh = name("name_zh", text, &mut errors);
        }
        if let Some(text) = &input.name_en {
            row.name_en = name("name_en", text, &mut errors);
        }
        AppError::check(errors)?;
        expected.check(row.version)?;
        let now = time::to_db(time::now());
        row.archived_at = archive(row.archived_at, input.archived, now);
        row.updated_at = now;
        row.version += 1;
        if !department::update(conn, &row)? {
            return Err(AppError::Stale);
        }
        AuditEvent::success(AuditAction::DepartmentUpdate)
            .by(caller)
            .on(Entity::Department, &row.code)
            .write(conn, origin)?;
        Ok(row)
    })
}
