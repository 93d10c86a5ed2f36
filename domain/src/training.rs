//! Training (培训): courses before the job, on the job and online; the
//! records of who completed which, with a score; and the pre-job gate — a
//! new grid worker takes up an active assignment only once a pre-job course
//! is passed, unless the zone office overrides it (audited).

use crate::assignment::GridRole;
use crate::coverage::Rate;

crate::closed_set! {
    /// When a course is taken.
    pub enum CourseKind {
        PreJob = "pre_job", "岗前培训", "Pre-job";
        OnTheJob = "on_the_job", "在岗培训", "On the job";
        Online = "online", "线上培训", "Online";
    }
}

/// The roles a new holder must be trained for before the job: the grid
/// workers the zone employs. Mobile workers (couriers, riders) are
/// onboarded by their platforms; leaders and instructors are officials.
pub const GATED_ROLES: [GridRole; 2] = [GridRole::FullTimeWorker, GridRole::PartTimeWorker];

/// Whether a record with `score` passes a course whose pass mark is
/// `pass_score` (none: completing it passes).
pub fn passed(score: Option<u8>, pass_score: Option<u8>) -> bool {
    match pass_score {
        None => true,
        Some(mark) => score.is_some_and(|s| s >= mark),
    }
}

/// Why an assignment waits for training.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum GateError {
    #[error("a new grid worker takes up the post once a pre-job course is passed")]
    PreJobMissing,
}

/// What the gate knows of the person being assigned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Trainee {
    /// They have held a gated role before (active or ended): not new.
    pub served_before: bool,
    /// They have passed a pre-job course.
    pub pre_job_passed: bool,
}

/// The pre-job gate for assigning `trainee` as `role`; an override (with
/// its reason) lets an untrained new worker in.
pub fn gate(role: GridRole, trainee: Trainee, overridden: bool) -> Result<(), GateError> {
    if !GATED_ROLES.contains(&role) || trainee.served_before || trainee.pre_job_passed || overridden
    {
        Ok(())
    } else {
        Err(GateError::PreJobMissing)
    }
}

/// A grid's training coverage: of the workers serving it in gated roles,
/// how many passed a pre-job course, and how many took on-the-job or
/// online training in the last year.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Coverage {
    pub pre_job: Rate,
    pub in_service: Rate,
}

impl Coverage {
    pub fn add(&mut self, pre_job_passed: bool, trained_this_year: bool) {
        self.pre_job.denominator += 1;
        self.pre_job.numerator += u64::from(pre_job_passed);
        self.in_service.denominator += 1;
        self.in_service.numerator += u64::from(trained_this_year);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NEW: Trainee = Trainee {
        served_before: false,
        pre_job_passed: false,
    };

    #[test]
    fn a_pass_mark_needs_a_score_at_or_above_it() {
        assert!(passed(None, None));
        assert!(passed(Some(40), None));
        assert!(passed(Some(60), Some(60)));
        assert!(!passed(Some(59), Some(60)));
        assert!(!passed(None, Some(60)), "no score, no pass");
    }

    #[test]
    fn only_new_untrained_grid_workers_wait() {
        assert_eq!(
            gate(GridRole::FullTimeWorker, NEW, false),
            Err(GateError::PreJobMissing)
        );
        assert_eq!(
            gate(GridRole::PartTimeWorker, NEW, false),
            Err(GateError::PreJobMissing)
        );
        assert_eq!(
            gate(GridRole::FullTimeWorker, NEW, true),
            Ok(()),
            "overridden"
        );
        for role in [
            GridRole::GridLeader,
            GridRole::MobileWorker,
            GridRole::PartyInstructor,
        ] {
            assert_eq!(gate(role, NEW, false), Ok(()), "{role}");
        }
        let trained = Trainee {
            pre_job_passed: true,
            ..NEW
        };
        assert_eq!(gate(GridRole::FullTimeWorker, trained, false), Ok(()));
        let moving = Trainee {
            served_before: true,
            ..NEW
        };
        assert_eq!(
            gate(GridRole::PartTimeWorker, moving, false),
            Ok(()),
            "a worker taking another grid is not new"
        );
    }

    #[test]
    fn coverage_counts_each_worker_once_per_rate() {
        let mut c = Coverage::default();
        c.add(true, true);
        c.add(true, false);
        c.add(false, false);
        assert_eq!(c.pre_job, Rate::new(2, 3));
        assert_eq!(c.in_service, Rate::new(1, 3));
    }
}
