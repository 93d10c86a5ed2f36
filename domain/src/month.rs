//! A calendar month, `YYYY-MM`: the period the zone counts disputes (and
//! later scorecards) in.

use std::fmt;

use chrono::{Datelike, NaiveDate};

/// A month of a year between 2000 and 2999.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    year: i32,
    month: u32,
}

impl Month {
    /// Parses `YYYY-MM` (exactly seven characters).
    pub fn parse(text: &str) -> Result<Month, &'static str> {
        const WHAT: &str = "a month written YYYY-MM, 2000-01 to 2999-12";
        let b = text.as_bytes();
        if b.len() != 7
            || b[4] != b'-'
            || !text[..4]
                .bytes()
                .chain(text[5..].bytes())
                .all(|c| c.is_ascii_digit())
        {
            return Err(WHAT);
        }
        let year: i32 = text[..4].parse().map_err(|_| WHAT)?;
        let month: u32 = text[5..].parse().map_err(|_| WHAT)?;
        if !(2000..=2999).contains(&year) || !(1..=12).contains(&month) {
            return Err(WHAT);
        }
        Ok(Month { year, month })
    }

    /// The month a day falls in.
    pub fn of(day: NaiveDate) -> Month {
        Month {
            year: day.year(),
            month: day.month(),
        }
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MIN)
    }

    /// The month after.
    pub fn next(self) -> Month {
        if self.month == 12 {
            Month {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Month {
                month: self.month + 1,
                ..self
            }
        }
    }

    /// The same month a year earlier.
    pub fn year_earlier(self) -> Month {
        Month {
            year: self.year - 1,
            ..self
        }
    }

    /// The same month a year later.
    pub fn year_later(self) -> Month {
        Month {
            year: self.year + 1,
            ..self
        }
    }

    /// How many months from `self` to `later`, both counted (0 if `later`
    /// comes first).
    pub fn span_to(self, later: Month) -> u32 {
        let count = (later.year - self.year) * 12 + later.month as i32 - self.month as i32 + 1;
        count.max(0) as u32
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_only_a_real_month() {
        assert_eq!(Month::parse("2026-07").unwrap().to_string(), "2026-07");
        for bad in [
            "2026-13",
            "2026-00",
            "2026-7",
            "26-07",
            "2026/07",
            "1999-12",
            "２026-07",
            "+026-07",
        ] {
            assert!(Month::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn steps_across_the_year_end() {
        let december = Month::parse("2025-12").unwrap();
        assert_eq!(december.next().to_string(), "2026-01");
        assert_eq!(december.year_earlier().to_string(), "2024-12");
        assert_eq!(december.year_later().to_string(), "2026-12");
        assert_eq!(december.first_day().to_string(), "2025-12-01");
        assert_eq!(
            Month::of("2025-07-31".parse().unwrap()).to_string(),
            "2025-07"
        );
        assert_eq!(december.span_to(Month::parse("2026-11").unwrap()), 12);
        assert_eq!(december.span_to(december), 1);
        assert_eq!(december.span_to(Month::parse("2025-01").unwrap()), 0);
    }
}
