//! Dispute figures for the caller's scope or a subtree (矛盾纠纷统计): by
//! month and type, how many arose, the mediation success rate of those
//! closed, the same month a year earlier (the article's "year-on-year
//! fall"), and the heart-to-heart talks held with their risk.

use std::collections::BTreeMap;

use gridwork_domain::GridId;
use gridwork_domain::coverage::Rate;
use gridwork_domain::dispute::{self as rules, DisputeOutcome, RiskLevel};
use gridwork_domain::month::Month;
use gridwork_persistence::{DbConnection, dispute, talk};

use super::{AppError, FieldCode, Scoped, cases};

/// The longest period asked for at once.
pub const MAX_MONTHS: u32 = 24;

/// How many disputes arose, against a year earlier, and how mediation went.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    pub count: u64,
    pub year_earlier: u64,
    outcomes: Vec<DisputeOutcome>,
}

impl Tally {
    pub fn success(&self) -> Rate {
        rules::success_rate(self.outcomes.iter().copied())
    }

    pub fn year_on_year(&self) -> Option<f64> {
        rules::year_on_year(self.count, self.year_earlier)
    }
}

#[derive(Debug, Clone, Default)]
pub struct MonthStats {
    pub all: Tally,
    /// By `dispute.*` category.
    pub by_category: BTreeMap<String, Tally>,
    /// Talks held that month, by risk.
    pub talks: BTreeMap<RiskLevel, u64>,
}

#[derive(Debug, Clone)]
pub struct DisputeStats {
    pub from: Month,
    pub to: Month,
    pub total: Tally,
    pub months: BTreeMap<Month, MonthStats>,
}

/// Measures the months `from..=to` (at most 24), each against the same
/// month a year earlier.
pub fn compute(
    conn: &mut DbConnection,
    scoped: &Scoped,
    root: Option<&GridId>,
    from: Month,
    to: Month,
) -> Result<DisputeStats, AppError> {
    let span = from.span_to(to);
    if span == 0 || span > MAX_MONTHS {
        return Err(AppError::invalid(
            "from",
            FieldCode::Invalid,
            "from is a month on or before to, at most 24 months before it",
        ));
    }
    let grids = match cases::subtree(conn, scoped, root)? {
        Some(grids) => Some(grids),
        None => scoped.scope.grid_ids().map(<[GridId]>::to_vec),
    };
    let mut months = BTreeMap::new();
    let mut month = from;
    for _ in 0..span {
        months.insert(month, MonthStats::default());
        month = month.next();
    }
    let mut total = Tally::default();
    let (lo, hi) = (from.year_earlier().first_day(), to.next().first_day());
    for (category, opened_on, outcome) in dispute::facts(conn, grids.as_deref(), lo, hi)? {
        let arose = Month::of(opened_on);
        if let Some(stats) = months.get_mut(&arose) {
            for tally in [&mut total, &mut stats.all] {
                tally.count += 1;
                tally.outcomes.extend(outcome);
            }
            let tally = stats.by_category.entry(category.clone()).or_default();
            tally.count += 1;
            tally.outcomes.extend(outcome);
        }
        // A month of the period a year after this one counts it as its
        // year-earlier figure (a period over 12 months holds both).
        let later = Month::of(opened_on).year_later();
        if let Some(stats) = months.get_mut(&later) {
            total.year_earlier += 1;
            stats.all.year_earlier += 1;
            stats.by_category.entry(category).or_default().year_earlier += 1;
        }
    }
    for (held_on, risk) in talk::facts(conn, grids.as_deref(), from.first_day(), hi)? {
        if let Some(stats) = months.get_mut(&Month::of(held_on)) {
            *stats.talks.entry(risk).or_default() += 1;
        }
    }
    Ok(DisputeStats {
        from,
        to,
        total,
        months,
    })
}
