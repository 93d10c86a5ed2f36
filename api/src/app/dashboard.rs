//! The zone dashboard (the office's big screen) and the map apps draw
//! themselves: the grids below a root coloured by one figure, with the
//! three 100 % rates, this month's case KPIs, the grids' scorecards and the
//! latest escalations — each read through the same commands as the API.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use gridwork_domain::assessment::AssessmentLevel;
use gridwork_domain::coverage::Rate;
use gridwork_domain::dashboard::Figure;
use gridwork_domain::month::Month;
use gridwork_domain::task::start_of;
use gridwork_domain::{GridId, Scope};
use gridwork_persistence::case::{CaseRow, TimelineRow};
use gridwork_persistence::grid::{self, GridRow, Within};
use gridwork_persistence::{DbConnection, case, time};

use super::assessments::{self, ScorecardPage};
use super::case_stats::{self, CaseStats, Reading};
use super::coverage::{self, Counts};
use super::{AppError, Scoped, grids};

/// The most grids a dashboard draws (nearest levels first).
pub const MAX_DRAWN: i64 = 2000;
/// The latest escalations a dashboard lists.
pub const ESCALATIONS: usize = 8;
/// The grids whose scorecards a dashboard charts.
pub const TOP_GRIDS: i64 = 10;

/// A grid's figure: a count (open or overdue cases), or a rate with its
/// numerator and denominator; no value when there is nothing to measure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measure {
    pub value: Option<f64>,
    pub numerator: u64,
    pub denominator: Option<u64>,
}

impl Measure {
    fn count(n: i64) -> Measure {
        let n = u64::try_from(n).unwrap_or(0);
        Measure {
            value: Some(n as f64),
            numerator: n,
            denominator: None,
        }
    }

    fn rate(rate: Rate) -> Measure {
        Measure {
            value: rate.value(),
            numerator: rate.numerator,
            denominator: Some(rate.denominator),
        }
    }
}

/// The grid a map is drawn under: the one asked for (404 outside the
/// caller's scope), or the caller's top grid — the zone root for the
/// zone-wide, else the shallowest of their grids.
pub fn root(
    conn: &mut DbConnection,
    scoped: &Scoped,
    asked: Option<&GridId>,
) -> Result<GridRow, AppError> {
    if let Some(id) = asked {
        return grids::find_visible(conn, scoped, id);
    }
    let top = match &scoped.scope {
        Scope::Zone => grid::zone_root(conn)?,
        Scope::Grids(ids) => {
            let codes = grid::codes(conn, ids)?;
            match codes
                .into_iter()
                .min_by(|a, b| (a.1.len(), &a.1).cmp(&(b.1.len(), &b.1)))
            {
                Some((id, _)) => grid::find(conn, &id)?,
                None => None,
            }
        }
    };
    top.ok_or(AppError::NotFound)
}

/// The figure of each of `children` (grids directly under `root`), over
/// its whole subtree. Case rates are this month's (the zone's time zone).
pub fn measures(
    conn: &mut DbConnection,
    scoped: &Scoped,
    root: &GridRow,
    children: &[GridRow],
    figure: Figure,
    (now, tz): (DateTime<Utc>, Tz),
) -> Result<Vec<Measure>, AppError> {
    if let Some(rate) = figure.coverage() {
        return children
            .iter()
            .map(|child| {
                let counts = Counts::read(conn, Within::Under(&child.code))?;
                Ok(Measure::rate(counts.rate(rate)))
            })
            .collect();
    }
    Ok(match figure {
        Figure::OpenCases | Figure::OverdueCases => {
            let counts = case::open_by_grid(conn, &root.code, time::to_db(now))?;
            children
                .iter()
                .map(|child| {
                    let (open, overdue) = counts
                        .iter()
                        .filter(|(code, _, _)| code.starts_with(&child.code))
                        .fold((0, 0), |(o, d), (_, open, overdue)| (o + open, d + overdue));
                    Measure::count(if figure == Figure::OpenCases {
                        open
                    } else {
                        overdue
                    })
                })
                .collect()
        }
        _ => {
            let stats = this_month(conn, scoped, root, (now, tz))?;
            children
                .iter()
                .map(|child| {
                    let kpis = stats
                        .by_grid
                        .iter()
                        .find(|(id, _)| *id == child.id.as_str())
                        .map(|(_, k)| k);
                    let rate = kpis.map_or_else(Rate::default, |k| match figure {
                        Figure::Closure => k.closure,
                        Figure::OnTimeClosure => k.on_time_closure,
                        _ => k.satisfaction,
                    });
                    Measure::rate(rate)
                })
                .collect()
        }
    })
}

/// This month's case figures under `root`, by its children.
fn this_month(
    conn: &mut DbConnection,
    scoped: &Scoped,
    root: &GridRow,
    (now, tz): (DateTime<Utc>, Tz),
) -> Result<CaseStats, AppError> {
    let month = Month::of(now.with_timezone(&tz).date_naive());
    let from = start_of(month.first_day(), &tz);
    // the zone root as no root: its subtree is everything, read without
    // binding every grid's id
    let grid = root.parent_id.is_some().then_some(&root.id);
    case_stats::compute(
        conn,
        scoped,
        grid,
        None,
        Some(from),
        None,
        now,
        Reading::Fastest,
    )
}

/// The grids drawn under a root: its children coloured by the figure, the
/// grids below them outlined; `truncated` when there were more than
/// [`MAX_DRAWN`].
#[derive(Debug)]
pub struct Area {
    pub root: GridRow,
    pub figure: Figure,
    pub children: Vec<(GridRow, Measure)>,
    pub below: Vec<GridRow>,
    pub truncated: bool,
}

/// Everything on the big screen.
#[derive(Debug)]
pub struct Dashboard {
    pub area: Area,
    /// The three 100 % rates' counts under the root.
    pub coverage: Counts,
    pub month: Month,
    pub stats: CaseStats,
    pub scorecards: ScorecardPage,
    pub escalations: Vec<(TimelineRow, CaseRow, String)>,
}

pub fn dashboard(
    conn: &mut DbConnection,
    scoped: &Scoped,
    asked: Option<&GridId>,
    figure: Figure,
    (now, tz): (DateTime<Utc>, Tz),
) -> Result<Dashboard, AppError> {
    let root = root(conn, scoped, asked)?;
    let mut drawn = grid::drawn_under(conn, &root.code, MAX_DRAWN + 1)?;
    let truncated = drawn.len() > MAX_DRAWN as usize;
    drawn.truncate(MAX_DRAWN as usize);
    let (children, below): (Vec<GridRow>, Vec<GridRow>) = drawn
        .into_iter()
        .partition(|g| g.parent_id.as_ref() == Some(&root.id));
    let figures = measures(conn, scoped, &root, &children, figure, (now, tz))?;
    // the whole zone's rates count the enterprises in no grid too
    let whole = root.parent_id.is_none() && scoped.scope.grid_ids().is_none();
    let coverage = coverage::counts(conn, scoped, (!whole).then_some(&root.id))?;
    let month = Month::of(now.with_timezone(&tz).date_naive());
    let stats = this_month(conn, scoped, &root, (now, tz))?;
    let scorecards = assessments::list(
        conn,
        scoped,
        month,
        AssessmentLevel::Grid,
        tz,
        now,
        None,
        TOP_GRIDS,
    )?;
    let escalations = case::latest_escalations(conn, &root.code, 50)?
        .into_iter()
        .filter(|(_, row, _)| scoped.scope.covers(Some(&row.grid_id)))
        .take(ESCALATIONS)
        .collect();
    Ok(Dashboard {
        area: Area {
            root,
            figure,
            children: children.into_iter().zip(figures).collect(),
            below,
            truncated,
        },
        coverage,
        month,
        stats,
        scorecards,
        escalations,
    })
}

/// One keyset page of the children of a root with their figure, for apps
/// that draw their own maps; `after`: the last child's code.
pub fn features(
    conn: &mut DbConnection,
    scoped: &Scoped,
    asked: Option<&GridId>,
    figure: Figure,
    (now, tz): (DateTime<Utc>, Tz),
    after: Option<&str>,
    fetch: i64,
) -> Result<(GridRow, Vec<(GridRow, Measure)>), AppError> {
    let root = root(conn, scoped, asked)?;
    let filter = grid::GridFilter {
        parent_id: Some(root.id.clone()),
        ..grid::GridFilter::default()
    };
    let children = grid::page(conn, &filter, after, fetch)?;
    let figures = measures(conn, scoped, &root, &children, figure, (now, tz))?;
    Ok((root, children.into_iter().zip(figures).collect()))
}
