//! Reference data of case handling as the API shows it: departments and
//! case categories.

use chrono::{DateTime, Utc};
use gridwork_domain::case::calendar::DayKind;
use gridwork_domain::case::deadline::{Limits, Schedule};
use gridwork_persistence::calendar::DayRow;
use gridwork_persistence::case_category::CategoryRow;
use gridwork_persistence::department::DepartmentRow;
use gridwork_persistence::time;
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::AppError;
use crate::app::case_categories::schedule;
use crate::app::departments::DepartmentCode;

#[derive(Debug, Serialize, ToSchema)]
pub struct DepartmentView {
    #[schema(
        max_length = 40,
        pattern = "^[a-z][a-z0-9_]{0,39}$",
        example = "emergency_management"
    )]
    pub code: String,
    #[schema(max_length = 100, example = "应急管理局")]
    pub name_zh: String,
    #[schema(max_length = 100, example = "Emergency Management Bureau")]
    pub name_en: String,
    /// Set when archived: no new cases go there.
    pub archived_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Optimistic-concurrency version; the ETag is `"<version>"`.
    pub version: i32,
}

impl From<&DepartmentRow> for DepartmentView {
    fn from(row: &DepartmentRow) -> DepartmentView {
        DepartmentView {
            code: row.code.clone(),
            name_zh: row.name_zh.clone(),
            name_en: row.name_en.clone(),
            archived_at: row.archived_at.map(time::from_db),
            created_at: time::from_db(row.created_at),
            updated_at: time::from_db(row.updated_at),
            version: row.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DepartmentPage {
    /// One page: at most `limit` (1–200) items.
    #[schema(max_items = 200)]
    pub items: Vec<DepartmentView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[schema(max_length = 200, pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$")]
    pub next_cursor: Option<String>,
}

/// The limits of one severity: `10m`, `24h` or `3wd` (working days).
#[derive(Debug, Serialize, ToSchema)]
pub struct LimitsView {
    #[schema(max_length = 7, pattern = "^[1-9][0-9]{0,4}(m|h|wd)$", example = "10m")]
    pub accept: String,
    #[schema(max_length = 7, pattern = "^[1-9][0-9]{0,4}(m|h|wd)$", example = "30m")]
    pub report_in: String,
    #[schema(max_length = 7, pattern = "^[1-9][0-9]{0,4}(m|h|wd)$", example = "24h")]
    pub resolve: String,
}

impl From<Limits> for LimitsView {
    fn from(l: Limits) -> LimitsView {
        LimitsView {
            accept: l.accept.text(),
            report_in: l.report_in.text(),
            resolve: l.resolve.text(),
        }
    }
}

/// A category's deadlines by severity (分级响应).
#[derive(Debug, Serialize, ToSchema)]
pub struct DeadlinesView {
    pub general: LimitsView,
    pub urgent: LimitsView,
    pub critical: LimitsView,
}

impl From<Schedule> for DeadlinesView {
    fn from(s: Schedule) -> DeadlinesView {
        DeadlinesView {
            general: s.general.into(),
            urgent: s.urgent.into(),
            critical: s.critical.into(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryView {
    #[schema(
        max_length = 81,
        pattern = "^[a-z][a-z0-9_]{0,39}(\\.[a-z][a-z0-9_]{0,39})?$",
        example = "safety_hazard.flooding"
    )]
    pub code: String,
    /// The top-level category of a sub-category.
    #[schema(
        max_length = 40,
        pattern = "^[a-z][a-z0-9_]{0,39}$",
        example = "safety_hazard"
    )]
    pub parent_code: Option<String>,
    #[schema(max_length = 100, example = "防汛排涝")]
    pub name_zh: String,
    #[schema(max_length = 100, example = "Flooding and drainage")]
    pub name_en: String,
    /// Where a case goes by default, lead department first.
    #[schema(value_type = Vec<DepartmentCode>, max_items = 10, example = json!(["emergency_management", "natural_resources"]))]
    pub departments: Vec<String>,
    pub deadlines: DeadlinesView,
    pub archived_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Optimistic-concurrency version; the ETag is `"<version>"`.
    pub version: i32,
}

impl TryFrom<&CategoryRow> for CategoryView {
    type Error = AppError;

    fn try_from(row: &CategoryRow) -> Result<CategoryView, AppError> {
        Ok(CategoryView {
            code: row.code.clone(),
            parent_code: row.parent_code.clone(),
            name_zh: row.name_zh.clone(),
            name_en: row.name_en.clone(),
            departments: row.department_codes(),
            deadlines: schedule(row)?.into(),
            archived_at: row.archived_at.map(time::from_db),
            created_at: time::from_db(row.created_at),
            updated_at: time::from_db(row.updated_at),
            version: row.version,
        })
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryPage {
    /// One page: at most `limit` (1–200) items, a parent before its children.
    #[schema(max_items = 200)]
    pub items: Vec<CategoryView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[schema(max_length = 200, pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$")]
    pub next_cursor: Option<String>,
}

/// A date of the working calendar that breaks the plain week.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarDayView {
    pub day: chrono::NaiveDate,
    pub kind: DayKind,
    #[schema(max_length = 100, example = "国庆节")]
    pub note: Option<String>,
}

impl TryFrom<&DayRow> for CalendarDayView {
    type Error = AppError;

    fn try_from(row: &DayRow) -> Result<CalendarDayView, AppError> {
        Ok(CalendarDayView {
            day: row.day,
            kind: crate::app::calendar::kind(row)?,
            note: row.note.clone(),
        })
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarPage {
    /// One page: at most `limit` (1–200) items, in date order.
    #[schema(max_items = 200)]
    pub items: Vec<CalendarDayView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[schema(max_length = 200, pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$")]
    pub next_cursor: Option<String>,
}
