use super::*;
use CaseState::*;

fn at(state: CaseState) -> Progress {
    Progress {
        state,
        ..Progress::reported(Level::Grid)
    }
}

const STEPS: [Step; 16] = [
    Step::Accept,
    Step::Reject,
    Step::Dispatch(Assignee::Worker),
    Step::Dispatch(Assignee::Departments),
    Step::ReportIn,
    Step::Start,
    Step::Hold,
    Step::Resume,
    Step::Resolve,
    Step::Verify,
    Step::Rework,
    Step::Escalate,
    Step::Merge,
    Step::Evaluate(Satisfaction::Satisfied),
    Step::Evaluate(Satisfaction::BasicallySatisfied),
    Step::Evaluate(Satisfaction::Unsatisfied),
];

/// Every legal (state, step) and the state it leads to; everything else is refused.
fn legal(state: CaseState, step: Step) -> Option<CaseState> {
    let open_not_resolved = state.is_open() && state != Resolved;
    match (state, step) {
        (Reported, Step::Accept) => Some(Accepted),
        (Reported, Step::Reject) => Some(Rejected),
        (Reported | Accepted, Step::Merge) => Some(Merged),
        (Accepted, Step::Dispatch(_)) => Some(Dispatched),
        (Dispatched | InProgress | OnHold, Step::ReportIn) => Some(state),
        (Dispatched | Rework, Step::Start) => Some(InProgress),
        (InProgress, Step::Hold) => Some(OnHold),
        (OnHold, Step::Resume) => Some(InProgress),
        (InProgress, Step::Resolve) => Some(Resolved),
        (Resolved, Step::Verify) => Some(Closed),
        (Resolved, Step::Rework) => Some(Rework),
        (Closed, Step::Evaluate(Satisfaction::Unsatisfied)) => Some(Rework),
        (Closed, Step::Evaluate(_)) => Some(Evaluated),
        (_, Step::Escalate) if open_not_resolved => Some(state),
        _ => None,
    }
}

#[test]
fn every_legal_transition_leads_where_it_should_and_every_other_is_refused() {
    let mut legal_count = 0;
    for state in CaseState::ALL {
        for step in STEPS {
            let got = at(state).apply(step);
            match legal(state, step) {
                Some(next) => {
                    legal_count += 1;
                    assert_eq!(got.map(|p| p.state), Ok(next), "{state} {step:?}");
                }
                None => assert_eq!(
                    got,
                    Err(TransitionError::NotNow {
                        state,
                        action: step.action()
                    }),
                    "{state} {step:?}"
                ),
            }
        }
    }
    // reported 4, accepted 4 (two dispatches), dispatched 3, in progress 4,
    // on hold 3, resolved 2, rework 2, closed 3 (the evaluations)
    assert_eq!(legal_count, 25);
}

#[test]
fn a_failed_verification_counts_and_goes_back_to_work() {
    let resolved = at(Resolved);
    let rework = resolved.apply(Step::Rework).unwrap();
    assert_eq!((rework.state, rework.rework_count), (Rework, 1));
    let again = rework
        .apply(Step::Start)
        .and_then(|p| p.apply(Step::Resolve))
        .and_then(|p| p.apply(Step::Rework))
        .unwrap();
    assert_eq!(again.rework_count, 2);
}

#[test]
fn an_unsatisfied_evaluation_reopens_once_then_stands() {
    let closed = at(Closed);
    let reopened = closed
        .apply(Step::Evaluate(Satisfaction::Unsatisfied))
        .unwrap();
    assert_eq!((reopened.state, reopened.reopened), (Rework, true));
    let closed_again = reopened
        .apply(Step::Start)
        .and_then(|p| p.apply(Step::Resolve))
        .and_then(|p| p.apply(Step::Verify))
        .unwrap();
    let last = closed_again
        .apply(Step::Evaluate(Satisfaction::Unsatisfied))
        .unwrap();
    assert_eq!(
        last.state, Evaluated,
        "counts against the KPI, stays closed"
    );
}

#[test]
fn a_dispatch_to_departments_moves_the_case_to_their_level() {
    let p = at(Accepted)
        .apply(Step::Dispatch(Assignee::Departments))
        .unwrap();
    assert_eq!((p.state, p.level), (Dispatched, Level::Departments));
    let p = at(Accepted)
        .apply(Step::Dispatch(Assignee::Worker))
        .unwrap();
    assert_eq!((p.state, p.level), (Dispatched, Level::Grid));
}

#[test]
fn escalation_climbs_the_ladder_and_stops_at_the_top() {
    let mut p = at(Accepted);
    for level in [Level::ZoneOffice, Level::Committee, Level::Departments] {
        p = p.apply(Step::Escalate).unwrap();
        assert_eq!((p.state, p.level), (Accepted, level));
    }
    assert_eq!(p.apply(Step::Escalate), Err(TransitionError::TopLevel));
}

#[test]
fn the_flood_story_runs_through() {
    // reported by 张亚超, accepted and escalated by 王勇翔, escalated by the
    // zone office, dispatched by the committee, reported in, resolved,
    // verified, evaluated satisfied
    let steps = [
        Step::Accept,
        Step::Escalate,
        Step::Escalate,
        Step::Dispatch(Assignee::Departments),
        Step::ReportIn,
        Step::ReportIn,
        Step::Start,
        Step::Resolve,
        Step::Verify,
        Step::Evaluate(Satisfaction::Satisfied),
    ];
    let end = steps
        .into_iter()
        .try_fold(Progress::reported(Level::Grid), Progress::apply)
        .unwrap();
    assert_eq!((end.state, end.level), (Evaluated, Level::Departments));
}
