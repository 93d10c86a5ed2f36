//! Inspection KPIs (考核): completion — occurrences done on time among
//! those due — and hazards found, rectified on time, still open, overdue.

use crate::coverage::Rate;

/// An occurrence due in the period, as the KPIs see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occurrence {
    pub done: bool,
    pub on_time: bool,
}

/// How a set of occurrences was kept.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Completion {
    pub due: u64,
    pub done: u64,
    pub done_on_time: u64,
}

impl Completion {
    pub fn add(&mut self, o: Occurrence) {
        self.due += 1;
        self.done += u64::from(o.done);
        self.done_on_time += u64::from(o.done && o.on_time);
    }

    /// 完成率: done on time / due.
    pub fn rate(&self) -> Rate {
        Rate::new(self.done_on_time, self.due)
    }
}

/// A hazard as the KPIs see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hazard {
    /// Found in the period.
    pub found: bool,
    /// Rectified by its deadline.
    pub rectified_on_time: bool,
    /// Still awaiting rectification now.
    pub open: bool,
    /// Awaiting rectification past its deadline now.
    pub overdue: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Hazards {
    pub found: u64,
    pub rectified_on_time: u64,
    pub open: u64,
    pub overdue: u64,
}

impl Hazards {
    pub fn add(&mut self, h: Hazard) {
        self.found += u64::from(h.found);
        self.rectified_on_time += u64::from(h.found && h.rectified_on_time);
        self.open += u64::from(h.open);
        self.overdue += u64::from(h.overdue);
    }

    /// 按期整改率: of those found in the period, rectified by the deadline.
    pub fn on_time_rate(&self) -> Rate {
        Rate::new(self.rectified_on_time, self.found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completion_counts_only_on_time_work() {
        // 8 due: 5 on time, 2 late, 1 not done → 5/8 = 0.625
        let mut c = Completion::default();
        for (done, on_time) in [(true, true); 5]
            .into_iter()
            .chain([(true, false); 2])
            .chain([(false, false)])
        {
            c.add(Occurrence { done, on_time });
        }
        assert_eq!((c.due, c.done, c.done_on_time), (8, 7, 5));
        assert_eq!(c.rate().value(), Some(0.625));
        assert_eq!(Completion::default().rate().value(), None, "nothing due");
    }

    #[test]
    fn hazards_rectified_on_time_among_those_found() {
        // found 4 in the period: 3 rectified on time; 1 found earlier still open and overdue
        let mut h = Hazards::default();
        for rectified_on_time in [true, true, true, false] {
            h.add(Hazard {
                found: true,
                rectified_on_time,
                open: !rectified_on_time,
                overdue: false,
            });
        }
        h.add(Hazard {
            found: false,
            rectified_on_time: false,
            open: true,
            overdue: true,
        });
        assert_eq!(
            (h.found, h.rectified_on_time, h.open, h.overdue),
            (4, 3, 2, 1)
        );
        assert_eq!(h.on_time_rate().value(), Some(0.75));
    }
}
