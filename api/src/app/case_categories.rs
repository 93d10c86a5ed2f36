//! Case categories (事件类别), two levels, each with the departments a case
//! of it goes to by default (lead first) and its deadlines per severity.
//! Reference data an admin keeps.

use gridwork_domain::Permission;
use gridwork_domain::audit::{AuditAction, Entity};
use gridwork_domain::case::Severity;
use gridwork_domain::case::deadline::{DueAction, Limit, Schedule};
use gridwork_domain::case::reference::RefCode;
use gridwork_persistence::case_category::{self, CategoryRow};
use gridwork_persistence::{DbConnection, department, time};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::departments::{DepartmentCode, archive, name};
use super::{AppError, AuditEvent, Caller, ErrorCode, Expected, FieldCode, FieldError, Origin};

/// Limits of one severity: `10m`, `24h` or `3wd` (working days). Absent
/// ones keep their current value.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LimitsInput {
    #[validate(length(min = 2, max = 7))]
    #[schema(
        min_length = 2,
        max_length = 7,
        pattern = "^[1-9][0-9]{0,4}(m|h|wd)$",
        example = "10m"
    )]
    pub accept: Option<String>,
    #[validate(length(min = 2, max = 7))]
    #[schema(
        min_length = 2,
        max_length = 7,
        pattern = "^[1-9][0-9]{0,4}(m|h|wd)$",
        example = "30m"
    )]
    pub report_in: Option<String>,
    #[validate(length(min = 2, max = 7))]
    #[schema(
        min_length = 2,
        max_length = 7,
        pattern = "^[1-9][0-9]{0,4}(m|h|wd)$",
        example = "24h"
    )]
    pub resolve: Option<String>,
}

#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeadlinesInput {
    #[validate(nested)]
    pub general: Option<LimitsInput>,
    #[validate(nested)]
    pub urgent: Option<LimitsInput>,
    #[validate(nested)]
    pub critical: Option<LimitsInput>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCategory {
    /// A top-level code, or `parent.child` under an existing top-level one.
    #[validate(length(min = 1, max = 81))]
    #[schema(
        min_length = 1,
        max_length = 81,
        pattern = "^[a-z][a-z0-9_]{0,39}(\\.[a-z][a-z0-9_]{0,39})?$",
        example = "safety_hazard.flooding"
    )]
    pub code: String,
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100, example = "防汛排涝")]
    pub name_zh: String,
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100, example = "Flooding and drainage")]
    pub name_en: String,
    /// Department codes a case goes to by default, lead first.
    #[validate(length(max = 10))]
    #[schema(value_type = Vec<DepartmentCode>, max_items = 10, example = json!(["emergency_management", "natural_resources"]))]
    pub departments: Vec<String>,
    /// Limits that differ from the defaults.
    #[validate(nested)]
    pub deadlines: Option<DeadlinesInput>,
}

/// Fields to change; absent fields stay.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCategory {
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub name_zh: Option<String>,
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub name_en: Option<String>,
    /// Replaces the default departments, lead first.
    #[validate(length(max = 10))]
    #[schema(value_type = Option<Vec<DepartmentCode>>, max_items = 10)]
    pub departments: Option<Vec<String>>,
    /// Changes the limits given; the others stay.
    #[validate(nested)]
    pub deadlines: Option<DeadlinesInput>,
    /// Archived categories take no new cases; their history stays.
    pub archived: Option<bool>,
}

/// `schedule` with the limits of `input` applied.
fn apply_deadlines(
    mut schedule: Schedule,
    input: &DeadlinesInput,
    errors: &mut Vec<FieldError>,
) -> Schedule {
    for (severity, limits) in [
        (Severity::General, &input.general),
        (Severity::Urgent, &input.urgent),
        (Severity::Critical, &input.critical),
    ] {
        let Some(limits) = limits else { continue };
        for (action, text) in [
            (DueAction::Accept, &limits.accept),
            (DueAction::ReportIn, &limits.report_in),
            (DueAction::Resolve, &limits.resolve),
        ] {
            let Some(text) = text else { continue };
            match Limit::parse(text) {
                Ok(limit) => schedule = schedule.with(severity, action, limit),
                Err(e) => errors.push(FieldError::new(
                    &format!("deadlines.{}.{}", severity.code(), action.code()),
                    FieldCode::Invalid,
                    e,
                )),
            }
        }
    }
    schedule
}

/// The departments as stored, if each is an active department, once.
fn departments(
    conn: &mut DbConnection,
    codes: &[String],
    errors: &mut Vec<FieldError>,
) -> Result<String, AppError> {
    let active = department::active_among(conn, codes)?;
    let mut seen = Vec::new();
    for code in codes {
        if !active.contains(code) {
            errors.push(FieldError::new(
                "departments",
                FieldCode::NotFound,
                format!("no active department `{code}`"),
            ));
        } else if seen.contains(&code) {
            errors.push(FieldError::new(
                "departments",
                FieldCode::Invalid,
                format!("`{code}` is listed twice"),
            ));
        }
        seen.push(code);
    }
    Ok(codes.join(","))
}

pub fn create(
    conn: &mut DbConnection,
    caller: &Caller,
    origin: &Origin,
    input: &CreateCategory,
) -> Result<CategoryRow, AppError> {
    caller.require(Permission::ManageCaseSetup)?;
    input.validate()?;
    super::transaction(conn, |conn| {
        let mut errors = Vec::new();
        let code = RefCode::parse(&input.code)
            .map_err(|e| AppError::invalid("code", FieldCode::Invalid, e))?;
        if let Some(parent) = code.parent() {
            let usable = case_category::find(conn, parent)?
                .is_some_and(|p| p.parent_code.is_none() && p.archived_at.is_none());
            if !usable {
                errors.push(FieldError::new(
                    "code",
                    FieldCode::NotFound,
                    format!("no active top-level category `{parent}`"),
                ));
            }
        }
        let schedule = input
            .deadlines
            .as_ref()
            .map_or_else(Schedule::default, |d| {
                apply_deadlines(Schedule::default(), d, &mut errors)
            });
        let now = time::to_db(time::now());
        let row = CategoryRow {
            code: code.as_str().to_owned(),
            parent_code: code.parent().map(str::to_owned),
            name_zh: name("name_zh", &input.name_zh, &mut errors),
            name_en: name("name_en", &input.name_en, &mut errors),
            departments: departments(conn, &input.departments, &mut errors)?,
            deadlines: schedule.to_stored(),
            archived_at: None,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        AppError::check(errors)?;
        if case_category::find(conn, &row.code)?.is_some() {
            return Err(AppError::conflict(
                ErrorCode::CodeTaken,
                "A case category with this code exists already.",
            ));
        }
        case_category::insert(conn, &row)?;
        AuditEvent::success(AuditAction::CategoryCreate)
            .by(caller)
            .on(Entity::CaseCategory, &row.code)
            .detail(
                serde_json::json!({ "departments": row.departments, "deadlines": row.deadlines }),
            )
            .write(conn, origin)?;
        Ok(row)
    })
}

/// One page of categories in code order; everyone signed in reads them.
pub fn list(
    conn: &mut DbConnection,
    after: Option<&str>,
    fetch: i64,
) -> Result<Vec<CategoryRow>, AppError> {
    Ok(case_category::page(conn, after, fetch)?)
}

pub fn find(conn: &mut DbConnection, code: &str) -> Result<CategoryRow, AppError> {
    case_category::find(conn, code)?.ok_or(AppError::NotFound)
}

/// A stored category's deadlines.
pub fn schedule(row: &CategoryRow) -> Result<Schedule, AppError> {
    Schedule::parse_stored(&row.deadlines)
        .map_err(|e| AppError::Internal(format!("category {} has bad deadlines: {e}", row.code)))
}

pub fn update(
    conn: &mut DbConnection,
    caller: &Caller,
    origin: &Origin,
    code: &str,
    expected: &Expected,
    input: &UpdateCategory,
) -> Result<CategoryRow, AppError> {
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
        if let Some(codes) = &input.departments {
            row.departments = departments(conn, codes, &mut errors)?;
        }
        if let Some(deadlines) = &input.deadlines {
            row.deadlines = apply_deadlines(schedule(&row)?, deadlines, &mut errors).to_stored();
        }
        AppError::check(errors)?;
        expected.check(row.version)?;
        let now = time::to_db(time::now());
        row.archived_at = archive(row.archived_at, input.archived, now);
        row.updated_at = now;
        row.version += 1;
        if !case_category::update(conn, &row)? {
            return Err(AppError::Stale);
        }
        AuditEvent::success(AuditAction::CategoryUpdate)
            .by(caller)
            .on(Entity::CaseCategory, &row.code)
            .detail(
                serde_json::json!({ "departments": row.departments, "deadlines": row.deadlines }),
            )
            .write(conn, origin)?;
        Ok(row)
    })
}
