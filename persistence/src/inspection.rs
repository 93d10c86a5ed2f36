//! Inspections submitted (排查记录), and the occurrence each did.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use gridwork_domain::{EnterpriseId, GridId, InspectionId, TemplateId, UserId};

use crate::connection::DbConnection;
use crate::schema::{inspection_occurrences, inspections};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = inspections, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite), treat_none_as_default_value = false)]
pub struct InspectionRow {
    pub id: InspectionId,
    pub template_id: TemplateId,
    /// The template version the answers were given against.
    pub template_version: i32,
    pub occurrence_id: Option<String>,
    pub grid_id: GridId,
    pub enterprise_id: Option<EnterpriseId>,
    pub inspector_id: UserId,
    pub started_at: NaiveDateTime,
    pub finished_at: NaiveDateTime,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    /// The answers as JSON: `[{item, value, failed}]`.
    pub answers: String,
    pub failed_count: i32,
    /// Finished inside its occurrence's window; None without an occurrence.
    pub on_time: Option<bool>,
    pub fingerprint: String,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, row: &InspectionRow) -> QueryResult<()> {
    diesel::insert_into(inspections::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

pub fn find(conn: &mut DbConnection, id: &InspectionId) -> QueryResult<Option<InspectionRow>> {
    inspections::table
        .find(id)
        .select(InspectionRow::as_select())
        .first(conn)
        .optional()
}

/// One keyset page, latest finished first, after the previous page's last
/// `(finished_at, id)`, within some grids (None: all)
/// (`inspections_grid_idx`, `inspections_finished_idx`).
pub fn page(
    conn: &mut DbConnection,
    grids: Option<&[GridId]>,
    enterprise: Option<&EnterpriseId>,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> QueryResult<Vec<InspectionRow>> {
    let mut query = inspections::table
        .select(InspectionRow::as_select())
        .into_boxed();
    if let Some(grids) = grids {
        query = query.filter(inspections::grid_id.eq_any(grids.to_vec()));
    }
    if let Some(enterprise) = enterprise {
        query = query.filter(inspections::enterprise_id.eq(enterprise.clone()));
    }
    if let Some((at, id)) = after {
        query = query.filter(
            inspections::finished_at
                .lt(at)
                .or(inspections::finished_at.eq(at).and(inspections::id.lt(id))),
        );
    }
    query
        .order((inspections::finished_at.desc(), inspections::id.desc()))
        .limit(limit)
        .load(conn)
}

/// Marks an occurrence done by an inspection, unless one did it already;
/// false then.
pub fn complete_occurrence(
    conn: &mut DbConnection,
    occurrence: &str,
    inspection: &InspectionId,
    by: &UserId,
    done_at: NaiveDateTime,
    on_time: bool,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    use gridwork_domain::schedule::OccurrenceState;
    let n = diesel::update(
        inspection_occurrences::table
            .filter(inspection_occurrences::id.eq(occurrence))
            .filter(inspection_occurrences::inspection_id.is_null()),
    )
    .set((
        inspection_occurrences::state.eq(OccurrenceState::Done),
        inspection_occurrences::inspection_id.eq(inspection.as_str()),
        inspection_occurrences::done_at.eq(done_at),
        inspection_occurrences::done_by.eq(by),
        inspection_occurrences::on_time.eq(on_time),
        inspection_occurrences::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(n == 1)
}
