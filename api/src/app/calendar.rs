//! The working calendar (holidays and make-up working days) that working-day
//! deadlines are counted on: seeded for the current year, kept by admins.

use chrono::{DateTime, Days, NaiveDate, Utc};
use gridwork_domain::Permission;
use gridwork_domain::audit::{AuditAction, Entity};
use gridwork_domain::case::calendar::{Calendar, DayKind, zone_offset};
use gridwork_persistence::calendar::{self, DayRow};
use gridwork_persistence::{DbConnection, time};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::{AppError, AuditEvent, Caller, Origin};

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutDay {
    /// `holiday` (no work on a weekday) or `workday` (a weekend day worked, 调休).
    pub kind: DayKind,
    #[validate(length(max = 100))]
    #[schema(max_length = 100, example = "国庆节")]
    pub note: Option<String>,
}

/// The longest span one listing covers.
pub const MAX_SPAN_DAYS: u64 = 366;

/// The listed days from `from` to `to`, after `after` (paging).
pub fn list(
    conn: &mut DbConnection,
    from: NaiveDate,
    to: NaiveDate,
    after: Option<NaiveDate>,
    fetch: i64,
) -> Result<Vec<DayRow>, AppError> {
    let start = after
        .and_then(|d| d.checked_add_days(Days::new(1)))
        .map_or(from, |d| d.max(from));
    let mut rows = calendar::between(conn, start, to)?;
    rows.truncate(usize::try_from(fetch).unwrap_or(usize::MAX));
    Ok(rows)
}

/// Sets what a date is (admin).
pub fn put(
    conn: &mut DbConnection,
    caller: &Caller,
    origin: &Origin,
    day: NaiveDate,
    input: &PutDay,
) -> Result<DayRow, AppError> {
    caller.require(Permission::ManageCaseSetup)?;
    input.validate()?;
    let row = DayRow {
        day,
        kind: input.kind.code().to_owned(),
        note: super::input::clean(input.note.clone()),
    };
    super::transaction(conn, |conn| {
        calendar::put(conn, &row)?;
        AuditEvent::success(AuditAction::CalendarUpdate)
            .by(caller)
            .on(Entity::CalendarDay, day)
            .detail(serde_json::json!({ "kind": row.kind }))
            .write(conn, origin)?;
        Ok(row)
    })
}

/// Makes a date a plain day of the week again (admin).
pub fn remove(
    conn: &mut DbConnection,
    caller: &Caller,
    origin: &Origin,
    day: NaiveDate,
) -> Result<(), AppError> {
    caller.require(Permission::ManageCaseSetup)?;
    super::transaction(conn, |conn| {
        if !calendar::remove(conn, day)? {
            return Err(AppError::NotFound);
        }
        AuditEvent::success(AuditAction::CalendarUpdate)
            .by(caller)
            .on(Entity::CalendarDay, day)
            .detail(serde_json::json!({ "kind": null }))
            .write(conn, origin)?;
        Ok(())
    })
}

/// The calendar around `now`: enough ahead for any working-day deadline.
pub fn around(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<Calendar, AppError> {
    let today = now.with_timezone(&zone_offset()).date_naive();
    let until = today
        .checked_add_days(Days::new(MAX_SPAN_DAYS))
        .unwrap_or(today);
    let rows = calendar::between(conn, today, until)?;
    Ok(Calendar::new(rows.into_iter().filter_map(|r| {
        DayKind::parse(&r.kind).map(|kind| (r.day, kind))
    })))
}

/// The kind of a stored day.
pub fn kind(row: &DayRow) -> Result<DayKind, AppError> {
    DayKind::parse(&row.kind).ok_or_else(|| {
        AppError::Internal(format!("calendar day {} has kind {}", row.day, row.kind))
    })
}

/// Today in the zone.
pub fn today() -> NaiveDate {
    time::now().with_timezone(&zone_offset()).date_naive()
}
