//! Working days as Chinese offices count them: Monday to Friday, except
//! public holidays, plus the weekend days worked in exchange (调休). The
//! calendar is data — seeded for the current year, kept by an admin — and
//! days are counted in the zone's time zone (China has one offset, +08:00,
//! and no daylight saving).

use std::collections::BTreeMap;

use chrono::{
    DateTime, Datelike, Days, FixedOffset, NaiveDate, NaiveTime, Offset, TimeZone, Utc, Weekday,
};

crate::closed_set! {
    /// What the calendar says of a date that differs from the plain week.
    pub enum DayKind {
        Holiday = "holiday", "法定节假日（放假）", "Public holiday (no work)";
        Workday = "workday", "调休上班", "Make-up working day";
    }
}

/// The zone's offset from UTC: China Standard Time.
pub fn zone_offset() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or(Utc.fix())
}

/// The days that break the plain week.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    days: BTreeMap<NaiveDate, DayKind>,
}

impl Calendar {
    pub fn new(days: impl IntoIterator<Item = (NaiveDate, DayKind)>) -> Calendar {
        Calendar {
            days: days.into_iter().collect(),
        }
    }

    pub fn is_working(&self, date: NaiveDate) -> bool {
        match self.days.get(&date) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::Workday) => true,
            None => !matches!(date.weekday(), Weekday::Sat | Weekday::Sun),
        }
    }

    /// The end (24:00, zone time) of the `n`-th working day after the day of
    /// `from`: "within n working days" as offices count it. `n` = 0 is the
    /// end of `from`'s own day.
    pub fn working_days_after(&self, from: DateTime<Utc>, n: u32) -> DateTime<Utc> {
        let zone = zone_offset();
        let mut date = from.with_timezone(&zone).date_naive();
        let mut left = n;
        // a year of holidays cannot hold more than a few hundred idle days
        let mut guard = 0u32;
        while left > 0 && guard < 10_000 {
            guard += 1;
            date = date.checked_add_days(Days::new(1)).unwrap_or(date);
            if self.is_working(date) {
                left -= 1;
            }
        }
        let end = date
            .checked_add_days(Days::new(1))
            .unwrap_or(date)
            .and_time(NaiveTime::MIN);
        zone.from_local_datetime(&end)
            .single()
            .map_or(from, |t| t.with_timezone(&Utc))
    }
}

/// The State Council's 2026 schedule (国务院办公厅关于2026年部分节假日安排的通知,
/// 2025-11-04): the holidays and the weekend days worked in exchange.
pub fn seed_2026() -> Vec<(NaiveDate, DayKind)> {
    let holidays: [(u32, u32, u32); 7] = [
        (1, 1, 3),   // 元旦
        (2, 15, 23), // 春节
        (4, 4, 6),   // 清明节
        (5, 1, 5),   // 劳动节
        (6, 19, 21), // 端午节
        (9, 25, 27), // 中秋节
        (10, 1, 7),  // 国庆节
    ];
    let workdays: [(u32, u32); 6] = [(1, 4), (2, 14), (2, 28), (5, 9), (9, 20), (10, 10)];
    let mut days = Vec::new();
    for (month, first, last) in holidays {
        for day in first..=last {
            if let Some(date) = NaiveDate::from_ymd_opt(2026, month, day) {
                days.push((date, DayKind::Holiday));
            }
        }
    }
    for (month, day) in workdays {
        if let Some(date) = NaiveDate::from_ymd_opt(2026, month, day) {
            days.push((date, DayKind::Workday));
        }
    }
    days
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    fn at(m: u32, d: u32, h: u32) -> DateTime<Utc> {
        zone_offset()
            .with_ymd_and_hms(2026, m, d, h, 0, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn the_2026_schedule_has_its_holidays_and_make_up_days() {
        let cal = Calendar::new(seed_2026());
        assert_eq!(seed_2026().len(), 3 + 9 + 3 + 5 + 3 + 3 + 7 + 6);
        assert!(!cal.is_working(date(2, 17)), "春节");
        assert!(cal.is_working(date(2, 14)), "Saturday worked before 春节");
        assert!(cal.is_working(date(10, 10)), "Saturday worked after 国庆");
        assert!(!cal.is_working(date(10, 5)), "国庆");
        assert!(cal.is_working(date(11, 27)), "a plain Friday");
        assert!(!cal.is_working(date(11, 28)), "a plain Saturday");
    }

    #[test]
    fn working_days_skip_weekends_and_holidays_and_count_make_up_days() {
        let cal = Calendar::new(seed_2026());
        // Friday 27 Nov, 3 working days: Mon 30, Tue 1, Wed 2 Dec → end of Wed 2 Dec
        assert_eq!(cal.working_days_after(at(11, 27, 15), 3), at(12, 3, 0));
        // Wednesday 30 Sep, before 国庆 (1–7 Oct off): the working days after
        // are Thu 8, Fri 9 and the make-up Saturday 10 Oct
        assert_eq!(cal.working_days_after(at(9, 30, 9), 1), at(10, 9, 0));
        assert_eq!(cal.working_days_after(at(9, 30, 9), 3), at(10, 11, 0));
        // late evening in China is still the same zone day, whatever UTC says
        assert_eq!(cal.working_days_after(at(11, 27, 23), 1), at(12, 1, 0));
        assert_eq!(cal.working_days_after(at(11, 27, 23), 0), at(11, 28, 0));
    }
}
