//! Cases (事件): a problem found in the field, carried from discovery to
//! disposal and evaluation. The state machine lives here as an enum with
//! transitions that return `Result`; the escalation ladder, severities and
//! deadlines beside it. Nothing here does IO: the application layer loads a
//! case, asks for a transition, and stores what comes back.

pub mod access;
pub mod calendar;
pub mod deadline;
pub mod duplicate;
pub mod kpi;
pub mod reference;

crate::closed_set! {
    /// Where a case stands.
    pub enum CaseState {
        Reported = "reported", "已上报", "Reported";
        Accepted = "accepted", "已立案", "Accepted";
        Rejected = "rejected", "不予立案", "Rejected";
        Dispatched = "dispatched", "已派遣", "Dispatched";
        InProgress = "in_progress", "处置中", "In progress";
        OnHold = "on_hold", "挂起", "On hold";
        Resolved = "resolved", "已办结待核查", "Resolved, awaiting verification";
        Rework = "rework", "返工", "Sent back for rework";
        Closed = "closed", "已结案", "Closed";
        Evaluated = "evaluated", "已评价", "Evaluated";
        Merged = "merged", "已合并", "Merged into another case";
    }
}

crate::closed_set! {
    /// How serious a case is; it sets the deadlines (分级响应).
    pub enum Severity {
        General = "general", "一般", "General";
        Urgent = "urgent", "紧急", "Urgent";
        Critical = "critical", "特急", "Critical";
    }
}

crate::closed_set! {
    /// The rung of the escalation ladder that holds the case.
    pub enum Level {
        Grid = "grid", "网格", "Grid";
        ZoneOffice = "zone_office", "社区（经开区办公室）", "Zone office";
        Committee = "committee", "管委会（吹哨）", "Management committee";
        Departments = "departments", "职能部门", "Departments";
    }
}

crate::closed_set! {
    /// Who found the problem.
    pub enum Source {
        GridWorker = "grid_worker", "专职网格员", "Full-time grid worker";
        PartTimeWorker = "part_time_worker", "兼职网格员", "Part-time grid worker";
        MobileWorker = "mobile_worker", "移动网格员", "Mobile grid worker";
        Enterprise = "enterprise", "企业", "Enterprise";
        Hotline = "hotline", "热线", "Hotline";
        Inspection = "inspection", "巡查", "Inspection";
        Open311 = "open311", "Open311", "Open311";
    }
}

crate::closed_set! {
    /// The reporter's or principal's verdict on a closed case.
    pub enum Satisfaction {
        Satisfied = "satisfied", "满意", "Satisfied";
        BasicallySatisfied = "basically_satisfied", "基本满意", "Basically satisfied";
        Unsatisfied = "unsatisfied", "不满意", "Unsatisfied";
    }
}

crate::closed_set! {
    /// Who may read a timeline entry: everyone who may see the case, or
    /// the people handling it (not the reporter).
    pub enum Visibility {
        Public = "public", "公开", "Public";
        Internal = "internal", "内部", "Internal";
    }
}

crate::closed_set! {
    /// Something that may be done to a case: each is its own operation.
    pub enum CaseAction {
        Accept = "accept", "立案", "Accept";
        Reject = "reject", "不予立案", "Reject";
        Dispatch = "dispatch", "派遣", "Dispatch";
        ReportIn = "report_in", "部门报到", "Report in";
        Start = "start", "开始处置", "Start";
        Hold = "hold", "挂起", "Put on hold";
        Resume = "resume", "恢复处置", "Resume";
        Resolve = "resolve", "办结反馈", "Resolve";
        Verify = "verify", "核查通过", "Verify";
        Rework = "rework", "核查不通过（返工）", "Send back for rework";
        Escalate = "escalate", "上报上级", "Escalate";
        Merge = "merge", "合并", "Merge as duplicate";
        Evaluate = "evaluate", "评价", "Evaluate";
    }
}

impl Level {
    /// The rung above, if any.
    pub fn up(self) -> Option<Level> {
        match self {
            Level::Grid => Some(Level::ZoneOffice),
            Level::ZoneOffice => Some(Level::Committee),
            Level::Committee => Some(Level::Departments),
            Level::Departments => None,
        }
    }
}

impl CaseState {
    /// Still asking for work: neither finished nor set aside.
    pub fn is_open(self) -> bool {
        !matches!(
            self,
            CaseState::Rejected | CaseState::Closed | CaseState::Evaluated | CaseState::Merged
        )
    }
}

/// The part of a case its transitions decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub state: CaseState,
    pub level: Level,
    /// Failed verifications so far.
    pub rework_count: u32,
    /// Whether an unsatisfied evaluation already reopened it (once only).
    pub reopened: bool,
}

/// Whom a case is dispatched to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assignee {
    /// A grid worker of the case's grid.
    Worker,
    /// One lead department and any assisting ones (协同处置): the case is
    /// then at the departments' level.
    Departments,
}

/// A transition and what it needs besides the action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Accept,
    Reject,
    Dispatch(Assignee),
    ReportIn,
    Start,
    Hold,
    Resume,
    Resolve,
    Verify,
    Rework,
    Escalate,
    Merge,
    Evaluate(Satisfaction),
}

impl Step {
    pub fn action(self) -> CaseAction {
        match self {
            Step::Accept => CaseAction::Accept,
            Step::Reject => CaseAction::Reject,
            Step::Dispatch(_) => CaseAction::Dispatch,
            Step::ReportIn => CaseAction::ReportIn,
            Step::Start => CaseAction::Start,
            Step::Hold => CaseAction::Hold,
            Step::Resume => CaseAction::Resume,
            Step::Resolve => CaseAction::Resolve,
            Step::Verify => CaseAction::Verify,
            Step::Rework => CaseAction::Rework,
            Step::Escalate => CaseAction::Escalate,
            Step::Merge => CaseAction::Merge,
            Step::Evaluate(_) => CaseAction::Evaluate,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("a case that is {} cannot be {}", .state.label_en().to_lowercase(), .action.code())]
    NotNow {
        state: CaseState,
        action: CaseAction,
    },
    #[error("the case is at the top of the escalation ladder already")]
    TopLevel,
}

impl TransitionError {
    /// A stable code for clients.
    pub fn code(self) -> &'static str {
        match self {
            TransitionError::NotNow { .. } => "invalid_transition",
            TransitionError::TopLevel => "top_level",
        }
    }
}

impl Progress {
    /// A case just reported at `level`.
    pub fn reported(level: Level) -> Progress {
        Progress {
            state: CaseState::Reported,
            level,
            rework_count: 0,
            reopened: false,
        }
    }

    /// Where `step` takes the case, or why it may not be taken now.
    ///
    /// `reported → accepted | rejected | merged`; `accepted → dispatched`
    /// (to departments: at the departments' level);
    /// `dispatched → in_progress` (report-in records an acknowledgement and
    /// keeps the state); `in_progress ⇄ on_hold`; `in_progress → resolved`;
    /// `resolved → closed` (verified) or `→ rework → in_progress`;
    /// `closed → evaluated`, except that the first unsatisfied evaluation
    /// sends it back to rework once. Escalation moves an open case one rung
    /// up and keeps its state.
    pub fn apply(self, step: Step) -> Result<Progress, TransitionError> {
        use CaseState::*;
        let not_now = || TransitionError::NotNow {
            state: self.state,
            action: step.action(),
        };
        let to = |state: CaseState| Progress { state, ..self };
        match (self.state, step) {
            (Reported, Step::Accept) => Ok(to(Accepted)),
            (Reported, Step::Reject) => Ok(to(Rejected)),
            (Reported | Accepted, Step::Merge) => Ok(to(Merged)),
            (Accepted, Step::Dispatch(Assignee::Worker)) => Ok(to(Dispatched)),
            (Accepted, Step::Dispatch(Assignee::Departments)) => Ok(Progress {
                state: Dispatched,
                level: Level::Departments,
                ..self
            }),
            (Dispatched | InProgress | OnHold, Step::ReportIn) => Ok(self),
            (Dispatched | Rework, Step::Start) => Ok(to(InProgress)),
            (InProgress, Step::Hold) => Ok(to(OnHold)),
            (OnHold, Step::Resume) => Ok(to(InProgress)),
            (InProgress, Step::Resolve) => Ok(to(Resolved)),
            (Resolved, Step::Verify) => Ok(to(Closed)),
            (Resolved, Step::Rework) => Ok(Progress {
                state: Rework,
                rework_count: self.rework_count + 1,
                ..self
            }),
            (Closed, Step::Evaluate(Satisfaction::Unsatisfied)) if !self.reopened => Ok(Progress {
                state: Rework,
                reopened: true,
                ..self
            }),
            (Closed, Step::Evaluate(_)) => Ok(to(Evaluated)),
            (state, Step::Escalate) if state.is_open() && state != Resolved => {
                let level = self.level.up().ok_or(TransitionError::TopLevel)?;
                Ok(Progress { level, ..self })
            }
            _ => Err(not_now()),
        }
    }
}

#[cfg(test)]
mod tests;
