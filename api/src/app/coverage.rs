//! The three 100% rates (三个100%), measured live for the caller's scope or a
//! subtree of it, with the gaps that keep each below 100 %.
//!
//! Counted in SQL and the gaps read a page at a time: a province's records
//! are never loaded to measure them.

use gridwork_domain::coverage::{CoverageRate, Rate};
use gridwork_domain::enterprise::RecordField;
use gridwork_domain::{GridId, Scope};
use gridwork_persistence::DbConnection;
use gridwork_persistence::enterprise::{self, EnterpriseRow, RecordCounts, RecordGap};
use gridwork_persistence::grid::{self, GridRow, Within};

use super::{AppError, Scoped, enterprises, grids};

/// Gaps a rate carries inline; the rest are paged.
pub const INLINE_GAPS: i64 = 5;

/// What the three rates count.
#[derive(Debug, Clone, Copy)]
pub struct Counts {
    pub enterprises: RecordCounts,
    /// Grids that need a placard (all but the zone root), and how many of
    /// them have none published.
    pub boards: i64,
    pub unpublished: i64,
}

impl Counts {
    /// Counted from the counts kept per grid: a sum over grids, not a
    /// count of a province's records.
    pub fn read(conn: &mut DbConnection, within: Within) -> Result<Counts, AppError> {
        let (boards, unpublished) = grid::board_counts(conn, within)?;
        Ok(Counts {
            enterprises: enterprise::record_counts(conn, within)?,
            boards,
            unpublished,
        })
    }

    /// How many fall short of a rate.
    pub fn short(&self, rate: CoverageRate) -> i64 {
        match rate {
            CoverageRate::EnterpriseDivision => self.enterprises.unassigned,
            CoverageRate::PlacardPublication => self.unpublished,
            CoverageRate::BasicInfoArchiving => self.enterprises.incomplete,
        }
    }

    /// A rate: its whole, less what falls short of it.
    pub fn rate(&self, rate: CoverageRate) -> Rate {
        let all = match rate {
            CoverageRate::PlacardPublication => self.boards,
            _ => self.enterprises.active,
        };
        let count = |n: i64| u64::try_from(n).unwrap_or(0);
        Rate::new(count(all - self.short(rate)), count(all))
    }
}

/// The three rates with the first gaps of each.
#[derive(Debug)]
pub struct Coverage {
    /// The subtree measured; None for the caller's whole scope.
    pub root: Option<GridId>,
    pub counts: Counts,
    /// The first gaps of each rate, in paging order.
    pub unassigned: Vec<Gap>,
    pub unpublished_first: Vec<Gap>,
    pub incomplete: Vec<Gap>,
}

/// One thing that keeps a rate below 100 %.
#[derive(Debug)]
pub enum Gap {
    /// An enterprise, with the required fields it misses for an incomplete
    /// record.
    Enterprise(EnterpriseRow, Option<Vec<RecordField>>),
    /// A grid whose placard is unpublished.
    Grid(GridRow),
}

impl Gap {
    /// The paging key: enterprise ids, grid codes.
    pub fn key(&self) -> String {
        match self {
            Gap::Enterprise(e, _) => e.id.to_string(),
            Gap::Grid(g) => g.code.clone(),
        }
    }
}

/// The grids measured, owned: the caller's scope cut to a subtree.
enum Span {
    All,
    Under(String),
    Grids(Vec<GridId>),
}

impl Span {
    fn of(
        conn: &mut DbConnection,
        scoped: &Scoped,
        root: Option<&GridId>,
    ) -> Result<Span, AppError> {
        Ok(match (root, &scoped.scope) {
            (None, Scope::Zone) => Span::All,
            (None, Scope::Grids(ids)) => Span::Grids(ids.clone()),
            (Some(id), scope) => {
                let root = grids::find_visible(conn, scoped, id)?;
                match scope {
                    Scope::Zone => Span::Under(root.code),
                    Scope::Grids(scope) => {
                        let mut ids = grid::ids_under(conn, &[root.code])?;
                        ids.retain(|id| scope.contains(id));
                        Span::Grids(ids)
                    }
                }
            }
        })
    }

    fn within(&self) -> Within<'_> {
        match self {
            Span::All => Within::All,
            Span::Under(code) => Within::Under(code),
            Span::Grids(ids) => Within::Grids(ids),
        }
    }
}

/// The three rates' counts for the caller's scope or a subtree of it,
/// without their gaps.
pub fn counts(
    conn: &mut DbConnection,
    scoped: &Scoped,
    root: Option<&GridId>,
) -> Result<Counts, AppError> {
    let span = Span::of(conn, scoped, root)?;
    Counts::read(conn, span.within())
}

pub fn measure(
    conn: &mut DbConnection,
    scoped: &Scoped,
    root: Option<&GridId>,
) -> Result<Coverage, AppError> {
    let span = Span::of(conn, scoped, root)?;
    let within = span.within();
    let counts = Counts::read(conn, within)?;
    // a rate at 100 % has no gaps to look for: the search would walk every record
    let mut first = |rate| match counts.short(rate) {
        0 => Ok(Vec::new()),
        _ => page(conn, within, rate, None, INLINE_GAPS),
    };
    Ok(Coverage {
        root: root.cloned(),
        unassigned: first(CoverageRate::EnterpriseDivision)?,
        unpublished_first: first(CoverageRate::PlacardPublication)?,
        incomplete: first(CoverageRate::BasicInfoArchiving)?,
        counts,
    })
}

/// One keyset page of a rate's gaps, after the key `after`.
pub fn gaps(
    conn: &mut DbConnection,
    scoped: &Scoped,
    root: Option<&GridId>,
    rate: CoverageRate,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<Gap>, AppError> {
    let span = Span::of(conn, scoped, root)?;
    page(conn, span.within(), rate, after, limit)
}

fn page(
    conn: &mut DbConnection,
    within: Within,
    rate: CoverageRate,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<Gap>, AppError> {
    Ok(match rate {
        CoverageRate::EnterpriseDivision => {
            enterprise::gaps(conn, within, RecordGap::Unassigned, after, limit)?
                .into_iter()
                .map(|e| Gap::Enterprise(e, None))
                .collect()
        }
        CoverageRate::BasicInfoArchiving => {
            enterprise::gaps(conn, within, RecordGap::Incomplete, after, limit)?
                .into_iter()
                .map(|e| {
                    let missing = enterprises::presence(&e).missing();
                    Gap::Enterprise(e, Some(missing))
                })
                .collect()
        }
        CoverageRate::PlacardPublication => grid::unpublished(conn, within, after, limit)?
            .into_iter()
            .map(Gap::Grid)
            .collect(),
    })
}
