//! The "three 100%" rates (三个100%): enterprise grid-division rate, placard
//! publication rate and basic-information archiving rate.

crate::closed_set! {
    /// The three rates.
    pub enum CoverageRate {
        EnterpriseDivision = "enterprise_division", "企业网格划分率", "Enterprise grid-division rate";
        PlacardPublication = "placard_publication", "网格员信息公示率", "Grid-worker information publication rate";
        BasicInfoArchiving = "basic_info_archiving", "基础信息建档率", "Basic-information archiving rate";
    }
}

/// numerator / denominator, e.g. 44 of 45 enterprises in a grid.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rate {
    pub numerator: u64,
    pub denominator: u64,
}

impl Rate {
    pub fn new(numerator: u64, denominator: u64) -> Rate {
        Rate {
            numerator,
            denominator,
        }
    }

    /// The share in 0..=1, rounded to 4 decimals; None when there is nothing
    /// to count (an empty zone is not "100 % covered").
    pub fn value(&self) -> Option<f64> {
        (self.denominator > 0).then(|| {
            let share = self.numerator.min(self.denominator) as f64 / self.denominator as f64;
            (share * 10_000.0).round() / 10_000.0
        })
    }

    pub fn is_complete(&self) -> bool {
        self.denominator > 0 && self.numerator >= self.denominator
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_zone_of_the_article_is_at_one_hundred_percent() {
        assert_eq!(Rate::new(45, 45).value(), Some(1.0));
        assert_eq!(Rate::new(62, 62).value(), Some(1.0));
        assert!(Rate::new(45, 45).is_complete());
    }

    #[test]
    fn one_unassigned_enterprise_of_45_is_97_78_percent() {
        assert_eq!(Rate::new(44, 45).value(), Some(0.9778));
        assert!(!Rate::new(44, 45).is_complete());
        assert_eq!(Rate::new(61, 62).value(), Some(0.9839));
    }

    #[test]
    fn nothing_to_count_has_no_rate() {
        assert_eq!(Rate::new(0, 0).value(), None);
        assert!(!Rate::new(0, 0).is_complete());
        assert_eq!(Rate::new(0, 3).value(), Some(0.0));
    }
}
