//! The three 100% rates (三个100%), measured live for the caller's scope or a
//! subtree of it, with the gaps that keep each below 100 %.

use gridwork_domain::GridId;
use gridwork_domain::enterprise::RecordField;
use gridwork_domain::grid::GridKind;
use gridwork_persistence::DbConnection;
use gridwork_persistence::enterprise::{self, EnterpriseRow};
use gridwork_persistence::grid::{self, GridRow};

use super::{AppError, Scoped, enterprises, grids};

/// What the three rates count.
#[derive(Debug)]
pub struct Coverage {
    /// The subtree measured; None for the caller's whole scope.
    pub root: Option<GridId>,
    pub enterprises: usize,
    /// Enterprises in no grid (企业网格划分率's gap).
    pub unassigned: Vec<EnterpriseRow>,
    /// Grids that need a placard: all but the zone root.
    pub boards: usize,
    pub unpublished: Vec<GridRow>,
    /// Enterprises whose basic record misses these fields (基础信息建档率's gap).
    pub incomplete: Vec<(EnterpriseRow, Vec<RecordField>)>,
}

pub fn measure(
    conn: &mut DbConnection,
    scoped: &Scoped,
    root: Option<&GridId>,
) -> Result<Coverage, AppError> {
    // the subtree, cut to the caller's scope
    let within = match root {
        Some(id) => {
            let root = grids::find_visible(conn, scoped, id)?;
            let mut ids = grid::ids_under(conn, &[root.code])?;
            if let Some(scope) = scoped.scope.grid_ids() {
                ids.retain(|id| scope.contains(id));
            }
            Some(ids)
        }
        None => scoped.scope.grid_ids().map(<[GridId]>::to_vec),
    };
    let all_grids = grid::all(conn, within.as_deref())?;
    let firms = enterprise::all(conn, within.as_deref())?;
    let boards: Vec<GridRow> = all_grids
        .into_iter()
        .filter(|g| g.kind != GridKind::Zone)
        .collect();
    let incomplete = firms
        .iter()
        .filter_map(|e| {
            let missing = enterprises::presence(e).missing();
            (!missing.is_empty()).then(|| (e.clone(), missing))
        })
        .collect();
    Ok(Coverage {
        root: root.cloned(),
        enterprises: firms.len(),
        boards: boards.len(),
        unpublished: boards
            .into_iter()
            .filter(|g| g.placard_published_at.is_none())
            .collect(),
        unassigned: firms.into_iter().filter(|e| e.grid_id.is_none()).collect(),
        incomplete,
    })
}
