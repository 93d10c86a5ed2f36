//! Many rows of one table at once, for loads (the synthetic province): COPY
//! on PostgreSQL (its binary format, one round trip per batch), one cached
//! prepared insert per row on SQLite, where a statement costs no round trip.
//! Runs inside the caller's transaction; triggers fire as for any insert.

use diesel::prelude::*;
use gridwork_domain::{EnterpriseId, GridId};

use crate::assessment::ScorecardRow;
use crate::assignment::AssignmentRow;
use crate::case::{CaseDepartmentRow, CaseRow, TimelineRow};
use crate::case_rollup::RollupRow;
use crate::connection::DbConnection;
use crate::dispute::DisputeRow;
use crate::enterprise::EnterpriseRow;
use crate::enterprise_service::ServiceRow;
use crate::grid::GridRow;
use crate::hazard::HazardRow;
use crate::inspection::InspectionRow;
use crate::inspection_schedule::{OccurrenceRow, ScheduleRow};
use crate::person::PersonRow;
use crate::policy::{AcknowledgementRow, PolicyRow};
use crate::schema::{
    assignments, case_departments, case_rollups, case_timeline, cases, disputes, enterprises,
    grids, hazards, inspection_occurrences, inspection_schedules, inspections, people, policies,
    policy_acknowledgements, scorecards, service_requests, users,
};
use crate::user::UserRow;

macro_rules! bulk {
    ($(#[$doc:meta])* $name:ident, $table:path, $row:ty) => {
        $(#[$doc])*
        pub fn $name(conn: &mut DbConnection, rows: &[$row]) -> QueryResult<usize> {
            match conn {
                DbConnection::Postgresql(pg) => diesel::copy_from($table).from_insertable(rows).execute(pg),
                DbConnection::Sqlite(lite) => rows.iter().try_fold(0, |n, row| {
                    Ok(n + diesel::insert_into($table).values(row).execute(lite)?)
                }),
            }
        }
    };
}

bulk!(
    /// Grids, parents before their children.
    grids, grids::table, GridRow
);
bulk!(enterprises, enterprises::table, EnterpriseRow);
bulk!(people, people::table, PersonRow);
bulk!(users, users::table, UserRow);
bulk!(assignments, assignments::table, AssignmentRow);
bulk!(scorecards, scorecards::table, ScorecardRow);
bulk!(
    /// Cases; one merged into another comes after it.
    cases, cases::table, CaseRow
);
bulk!(
    /// Service requests, after their cases.
    service_requests, service_requests::table, ServiceRow
);
/// Names each enterprise grid's enterprise, once both are written (the two
/// tables refer to each other).
pub fn link_enterprise_grids(
    conn: &mut DbConnection,
    links: &[(GridId, EnterpriseId)],
) -> QueryResult<usize> {
    links.iter().try_fold(0, |n, (grid, enterprise)| {
        Ok(n + diesel::update(grids::table.find(grid))
            .set(grids::enterprise_id.eq(enterprise))
            .execute(conn)?)
    })
}

bulk!(case_departments, case_departments::table, CaseDepartmentRow);
bulk!(timeline, case_timeline::table, TimelineRow);

bulk!(schedules, inspection_schedules::table, ScheduleRow);
bulk!(
    /// Occurrences, after their schedules.
    occurrences, inspection_occurrences::table, OccurrenceRow
);
bulk!(inspections, inspections::table, InspectionRow);
bulk!(
    /// Hazards, after the inspections that found them.
    hazards, hazards::table, HazardRow
);
bulk!(disputes, disputes::table, DisputeRow);
bulk!(policies, policies::table, PolicyRow);
bulk!(
    acknowledgements,
    policy_acknowledgements::table,
    AcknowledgementRow
);

bulk!(rollups, case_rollups::table, RollupRow);

/// Gathers the planner's statistics after a bulk load, as both databases
/// advise: until then PostgreSQL plans the loaded tables blind (autovacuum
/// gets to them minutes later), and SQLite has none at all.
pub fn analyze(conn: &mut DbConnection) -> QueryResult<()> {
    use diesel::connection::SimpleConnection;
    conn.batch_execute("ANALYZE")
}
