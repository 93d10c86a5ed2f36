//! Social organisations (群团组织、社会组织): the trade union, the Youth
//! League, the Women's Federation and contracted social organisations,
//! whose members may serve grids as part-time or mobile workers; what their
//! members contributed is counted per organisation.

crate::closed_set! {
    /// What kind of organisation.
    pub enum OrganisationKind {
        TradeUnion = "trade_union", "工会", "Trade union";
        YouthLeague = "youth_league", "共青团", "Communist Youth League";
        WomensFederation = "womens_federation", "妇联", "Women's Federation";
        Contracted = "contracted", "签约社会组织", "Contracted social organisation";
    }
}

/// What an organisation's members did in a period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Contribution {
    /// Cases they reported.
    pub reports: u64,
    /// Inspections they submitted.
    pub inspections: u64,
    /// Disputes they mediated (opened in the period).
    pub mediations: u64,
}

impl Contribution {
    pub fn total(&self) -> u64 {
        self.reports + self.inspections + self.mediations
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_contribution_adds_up_its_parts() {
        let c = Contribution {
            reports: 12,
            inspections: 5,
            mediations: 2,
        };
        assert_eq!(c.total(), 19);
        assert_eq!(Contribution::default().total(), 0);
    }
}
