//! The steps of a case (立案, 派遣, 报到, 办结, 核查, 评价, …): each checks who
//! may take it (`domain::case::access`), whether the state allows it (the
//! domain's state machine) and the version the caller read (`If-Match`),
//! then writes the case, its timeline entry, the audit entry and the outbox
//! event in one transaction.

use chrono::{DateTime, Utc};
use gridwork_domain::audit::{AuditAction, Entity};
use gridwork_domain::case::access::{self, DepartmentPart, Relation};
use gridwork_domain::case::deadline::{DueAction, after_hold};
use gridwork_domain::case::{
    Assignee, CaseAction, CaseState, Progress, Satisfaction, Step, TransitionError, Visibility,
};
use gridwork_domain::event::EventType;
use gridwork_domain::{AttachmentId, CaseId, UserId};
use gridwork_persistence::case::{self, CaseDepartmentRow, CaseRow, TimelineRow};
use gridwork_persistence::{DbConnection, assignment, department, grid, time, user};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::attachments::{self, AttachmentRef};
use super::cases::{self as cases_app, Reach, entry};
use super::departments::DepartmentCode;
use super::{
    AppError, AuditEvent, ErrorCode, Expected, FieldCode, FieldError, Origin, Scoped, calendar,
    case_categories,
};

/// A step with an optional note.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteInput {
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub note: Option<String>,
    /// `internal` hides the entry from the reporter (default `public`).
    pub visibility: Option<Visibility>,
}

/// A step that needs a reason: reject, hold, rework, escalate.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonInput {
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000, example = "需管委会协调排涝设备")]
    pub reason: String,
    pub visibility: Option<Visibility>,
}

/// The lead's feedback that resolves a case (办结反馈).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveInput {
    #[validate(length(min = 1, max = 2000))]
    #[schema(
        min_length = 1,
        max_length = 2000,
        example = "已排水、封堵屋面，设备已移出"
    )]
    pub feedback: String,
    /// Photos of the result, uploaded beforehand, at most 10.
    #[serde(default)]
    #[schema(value_type = Vec<AttachmentRef>, max_items = 10)]
    pub attachments: Vec<AttachmentId>,
}

/// A note on an open case (处置记录): what an assisting department did,
/// what was found on site; with photos.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseNoteInput {
    #[validate(length(min = 1, max = 2000))]
    #[schema(
        min_length = 1,
        max_length = 2000,
        example = "自然资源局已到场勘查周边排水沟渠"
    )]
    pub note: String,
    /// `internal` hides the entry from the reporter (default `public`).
    pub visibility: Option<Visibility>,
    /// Photos uploaded beforehand, at most 10.
    #[serde(default)]
    #[schema(value_type = Vec<AttachmentRef>, max_items = 10)]
    pub attachments: Vec<AttachmentId>,
}

/// To a grid worker of the case's grid, or — by the management committee —
/// to one lead department and any assisting ones (协同处置).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DispatchInput {
    #[schema(value_type = Option<String>, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")]
    pub assignee_id: Option<UserId>,
    #[validate(length(min = 1, max = 40))]
    #[schema(
        min_length = 1,
        max_length = 40,
        pattern = "^[a-z][a-z0-9_]{0,39}$",
        example = "emergency_management"
    )]
    pub lead_department: Option<String>,
    #[validate(length(max = 10))]
    #[serde(default)]
    #[schema(value_type = Vec<DepartmentCode>, max_items = 10, example = json!(["natural_resources"]))]
    pub assisting_departments: Vec<String>,
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub note: Option<String>,
}

/// Marks the case as a duplicate of another, which takes it over.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeInput {
    #[schema(value_type = String, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")]
    pub into: CaseId,
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub note: Option<String>,
}

/// The reporter's or the enterprise principal's verdict.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvaluateInput {
    pub satisfaction: Satisfaction,
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub comment: Option<String>,
}

/// A step as a request asks for it.
#[derive(Debug)]
pub enum Ask {
    Plain(CaseAction, NoteInput),
    Reason(CaseAction, ReasonInput),
    Resolve(ResolveInput),
    Dispatch(DispatchInput),
    Merge(MergeInput),
    Evaluate(EvaluateInput),
}

impl Ask {
    fn validate(&self) -> Result<(), validator::ValidationErrors> {
        match self {
            Ask::Plain(_, i) => i.validate(),
            Ask::Reason(_, i) => i.validate(),
            Ask::Resolve(i) => i.validate(),
            Ask::Dispatch(i) => i.validate(),
            Ask::Merge(i) => i.validate(),
            Ask::Evaluate(i) => i.validate(),
        }
    }

    /// The photos the step carries.
    fn attachments(&self) -> &[AttachmentId] {
        match self {
            Ask::Resolve(i) => &i.attachments,
            _ => &[],
        }
    }

    fn step(&self) -> Result<Step, AppError> {
        Ok(match self {
            Ask::Plain(action, _) | Ask::Reason(action, _) => match action {
                CaseAction::Accept => Step::Accept,
                CaseAction::Reject => Step::Reject,
                CaseAction::ReportIn => Step::ReportIn,
                CaseAction::Start => Step::Start,
                CaseAction::Hold => Step::Hold,
                CaseAction::Resume => Step::Resume,
                CaseAction::Verify => Step::Verify,
                CaseAction::Rework => Step::Rework,
                CaseAction::Escalate => Step::Escalate,
                other => return Err(AppError::Internal(format!("{other} is not a plain step"))),
            },
            Ask::Resolve(_) => Step::Resolve,
            Ask::Dispatch(d) => match (&d.assignee_id, &d.lead_department) {
                (Some(_), None) if d.assisting_departments.is_empty() => {
                    Step::Dispatch(Assignee::Worker)
                }
                (None, Some(_)) => Step::Dispatch(Assignee::Departments),
                _ => {
                    return Err(AppError::invalid(
                        "assignee_id",
                        FieldCode::Invalid,
                        "give either `assignee_id`, or `lead_department` with any `assisting_departments`",
                    ));
                }
            },
            Ask::Merge(_) => Step::Merge,
            Ask::Evaluate(e) => Step::Evaluate(e.satisfaction),
        })
    }

    /// The timeline note and visibility.
    fn note(&self) -> (Option<String>, Visibility) {
        let public = Visibility::Public;
        match self {
            Ask::Plain(_, i) => (i.note.clone(), i.visibility.unwrap_or(public)),
            Ask::Reason(_, i) => (
                Some(i.reason.trim().to_owned()),
                i.visibility.unwrap_or(public),
            ),
            Ask::Resolve(i) => (Some(i.feedback.trim().to_owned()), public),
            Ask::Dispatch(i) => (i.note.clone(), public),
            Ask::Merge(i) => (i.note.clone(), public),
            Ask::Evaluate(i) => (i.comment.clone(), public),
        }
    }
}

fn event_of(action: CaseAction) -> EventType {
    match action {
        CaseAction::Accept => EventType::CaseAccepted,
        CaseAction::Reject => EventType::CaseRejected,
        CaseAction::Dispatch => EventType::CaseDispatched,
        CaseAction::ReportIn => EventType::CaseReportedIn,
        CaseAction::Start => EventType::CaseStarted,
        CaseAction::Hold => EventType::CaseHeld,
        CaseAction::Resume => EventType::CaseResumed,
        CaseAction::Resolve => EventType::CaseResolved,
        CaseAction::Verify => EventType::CaseClosed,
        CaseAction::Rework => EventType::CaseReworked,
        CaseAction::Escalate => EventType::CaseEscalated,
        CaseAction::Merge => EventType::CaseMerged,
        CaseAction::Evaluate => EventType::CaseEvaluated,
    }
}

fn refused(e: TransitionError) -> AppError {
    let code = match e {
        TransitionError::NotNow { .. } => ErrorCode::InvalidTransition,
        TransitionError::TopLevel => ErrorCode::TopLevel,
    };
    AppError::conflict(code, e.to_string())
}

/// How the caller stands to the case.
fn relation(
    conn: &mut DbConnection,
    scoped: &Scoped,
    row: &CaseRow,
    departments: &[CaseDepartmentRow],
) -> Result<Relation, AppError> {
    let me = scoped.caller.user.as_ref();
    let my_department = me.and_then(|u| u.department_code.as_ref());
    let department = departments
        .iter()
        .find(|d| Some(&d.department_code) == my_department)
        .map(|d| {
            if d.lead {
                DepartmentPart::Lead
            } else {
                DepartmentPart::Assisting
            }
        });
    let principal = cases_app::is_principal(conn, scoped, row)?;
    Ok(Relation {
        in_scope: scoped.scope.covers(Some(&row.grid_id)),
        assignee: me.is_some_and(|u| row.assignee_id.as_ref() == Some(&u.id)),
        department,
        reporter: me.is_some_and(|u| row.reporter_id.as_ref() == Some(&u.id)),
        principal,
    })
}

/// The department the caller acts for on the case: theirs, when the case
/// was dispatched to it.
fn acting_department(scoped: &Scoped, rel: &Relation) -> Option<String> {
    rel.department?;
    scoped.caller.user.as_ref()?.department_code.clone()
}

/// Takes a step on a case the caller may see.
pub fn take(
    conn: &mut DbConnection,
    scoped: &Scoped,
    origin: &Origin,
    id: &CaseId,
    expected: &Expected,
    ask: Ask,
    now: DateTime<Utc>,
) -> Result<CaseRow, AppError> {
    super::transaction(conn, |conn| {
        let row = case::find(conn, id)?.ok_or(AppError::NotFound)?;
        let departments = case::departments(conn, &row.id)?;
        let rel = relation(conn, scoped, &row, &departments)?;
        let reach = cases_app::reach_among(scoped, &row, &departments, rel.principal)?;
        let step = ask.step()?;
        let action = step.action();
        if !access::may(&scoped.caller.roles, &rel, row.level, step)
            || (reach == Reach::Reporter && action != CaseAction::Evaluate)
        {
            return Err(AppError::Forbidden);
        }
        ask.validate()?;
        attachments::check(conn, scoped, "attachments", ask.attachments(), now)?;
        let progress = Progress {
            state: row.state,
            level: row.level,
            rework_count: u32::try_from(row.rework_count).unwrap_or(0),
            reopened: row.reopened,
        }
        .apply(step)
        .map_err(refused)?;
        expected.check(row.version)?;
        let at = time::to_db(now);
        let mut next = CaseRow {
            state: progress.state,
            level: progress.level,
            rework_count: i32::try_from(progress.rework_count).unwrap_or(i32::MAX),
            reopened: progress.reopened,
            updated_at: at,
            version: row.version + 1,
            ..row.clone()
        };
        match (&ask, step) {
            (_, Step::Accept) => next.accepted_at = Some(at),
            (Ask::Dispatch(d), Step::Dispatch(Assignee::Worker)) => {
                let assignee = d.assignee_id.clone().unwrap_or_else(|| UserId::from(""));
                check_assignee(conn, &row, &assignee)?;
                next.assignee_id = Some(assignee);
                next.dispatched_at = Some(at);
            }
            (Ask::Dispatch(d), Step::Dispatch(Assignee::Departments)) => {
                dispatch_departments(conn, &row, d, at)?;
                let category = case_categories::find(conn, &row.category_code)?;
                let limits = case_categories::schedule(&category)?.for_severity(row.severity);
                let calendar = calendar::around(conn, now)?;
                next.report_in_due_at = Some(time::to_db(limits.report_in.due(now, &calendar)));
                next.dispatched_at = Some(at);
            }
            (_, Step::ReportIn) => report_in(conn, scoped, &row, &departments, at)?,
            (_, Step::Hold) => next.held_at = Some(at),
            (_, Step::Resume) => {
                if let Some(held) = row.held_at {
                    let (held, now) = (time::from_db(held), now);
                    let shift = |due| time::to_db(after_hold(time::from_db(due), held, now));
                    next.accept_due_at = shift(row.accept_due_at);
                    next.resolve_due_at = shift(row.resolve_due_at);
                    next.report_in_due_at = row.report_in_due_at.map(shift);
                }
                next.held_at = None;
            }
            (_, Step::Resolve) => next.resolved_at = Some(at),
            (_, Step::Verify) => next.closed_at = Some(at),
            (Ask::Merge(m), Step::Merge) => {
                let (target, _) = cases_app::find(conn, scoped, &m.into)?;
                if target.id == row.id || !target.state.is_open() {
                    return Err(AppError::invalid(
                        "into",
                        FieldCode::Invalid,
                        "merge into another open case",
                    ));
                }
                next.merged_into = Some(target.id.clone());
                note_on(
                    conn,
                    scoped,
                    &target,
                    at,
                    format!("合并重复事件 {}", row.id),
                )?;
            }
            (Ask::Evaluate(e), Step::Evaluate(_)) => next.satisfaction = Some(e.satisfaction),
            _ => {}
        }
        if !case::update(conn, &next)? {
            return Err(AppError::Stale);
        }
        let (note, visibility) = ask.note();
        let step_entry = TimelineRow {
            from_state: Some(row.state),
            note: note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()),
            visibility,
            attachments: attachments::joined(ask.attachments()),
            department_code: acting_department(scoped, &rel),
            ..entry(scoped, &next, at, action.code())
        };
        case::add_timeline(conn, &step_entry)?;
        attachments::attach(conn, ask.attachments(), &next, &step_entry.id)?;
        AuditEvent::success(AuditAction::CaseStep)
            .by(&scoped.caller)
            .on(Entity::Case, &row.id)
            .detail(serde_json::json!({ "action": action, "from": row.state, "to": next.state, "level": next.level }))
            .event(
                event_of(action),
                serde_json::json!({ "from": row.state, "to": next.state, "level": next.level, "grid_id": row.grid_id }),
            )
            .write(conn, origin)?;
        Ok(next)
    })
}

/// Adds a note to an open case's timeline; the case itself is unchanged.
pub fn add_note(
    conn: &mut DbConnection,
    scoped: &Scoped,
    origin: &Origin,
    id: &CaseId,
    input: &CaseNoteInput,
    now: DateTime<Utc>,
) -> Result<TimelineRow, AppError> {
    super::transaction(conn, |conn| {
        let row = case::find(conn, id)?.ok_or(AppError::NotFound)?;
        let departments = case::departments(conn, &row.id)?;
        let rel = relation(conn, scoped, &row, &departments)?;
        let reach = cases_app::reach_among(scoped, &row, &departments, rel.principal)?;
        if reach == Reach::Reporter || !access::may_note(&scoped.caller.roles, &rel) {
            return Err(AppError::Forbidden);
        }
        input.validate()?;
        attachments::check(conn, scoped, "attachments", &input.attachments, now)?;
        if !row.state.is_open() {
            return Err(AppError::conflict(
                ErrorCode::InvalidTransition,
                format!("Notes are added to open cases; this one is {}.", row.state),
            ));
        }
        let at = time::to_db(now);
        let note = TimelineRow {
            from_state: Some(row.state),
            note: Some(input.note.trim().to_owned()).filter(|n| !n.is_empty()),
            visibility: input.visibility.unwrap_or(Visibility::Public),
            attachments: attachments::joined(&input.attachments),
            department_code: acting_department(scoped, &rel),
            ..entry(scoped, &row, at, NOTE)
        };
        case::add_timeline(conn, &note)?;
        attachments::attach(conn, &input.attachments, &row, &note.id)?;
        AuditEvent::success(AuditAction::CaseNote)
            .by(&scoped.caller)
            .on(Entity::Case, &row.id)
            .detail(serde_json::json!({ "entry": note.id, "photos": input.attachments.len() }))
            .event(
                EventType::CaseNoted,
                serde_json::json!({ "entry": note.id, "state": row.state, "grid_id": row.grid_id }),
            )
            .write(conn, origin)?;
        Ok(note)
    })
}

/// The timeline action of a note.
pub const NOTE: &str = "note";

/// A grid worker serving the case's grid (or a grid above it).
fn check_assignee(
    conn: &mut DbConnection,
    row: &CaseRow,
    assignee: &UserId,
) -> Result<(), AppError> {
    let usable = user::find(conn, assignee)?.is_some_and(|u| !u.disabled);
    let codes = assignment::assigned_grid_codes(conn, assignee)?;
    if !usable || !grid::ids_under(conn, &codes)?.contains(&row.grid_id) {
        return Err(AppError::invalid(
            "assignee_id",
            FieldCode::NotFound,
            "no active account serving this case's grid",
        ));
    }
    Ok(())
}

fn dispatch_departments(
    conn: &mut DbConnection,
    row: &CaseRow,
    input: &DispatchInput,
    at: chrono::NaiveDateTime,
) -> Result<(), AppError> {
    let lead = input.lead_department.clone().unwrap_or_default();
    let mut all = vec![lead.clone()];
    all.extend(input.assisting_departments.iter().cloned());
    let active = department::active_among(conn, &all)?;
    let mut errors = Vec::new();
    for (i, code) in all.iter().enumerate() {
        let field = if i == 0 {
            "lead_department".to_owned()
        } else {
            format!("assisting_departments[{}]", i - 1)
        };
        if !active.contains(code) {
            errors.push(FieldError::new(
                &field,
                FieldCode::NotFound,
                "no such active department",
            ));
        } else if all[..i].contains(code) {
            errors.push(FieldError::new(&field, FieldCode::Invalid, "listed twice"));
        }
    }
    AppError::check(errors)?;
    for code in all {
        case::add_department(
            conn,
            &CaseDepartmentRow {
                case_id: row.id.clone(),
                lead: code == lead,
                department_code: code,
                dispatched_at: at,
                reported_in_at: None,
                reported_in_by: None,
            },
        )?;
    }
    Ok(())
}

fn report_in(
    conn: &mut DbConnection,
    scoped: &Scoped,
    row: &CaseRow,
    departments: &[CaseDepartmentRow],
    at: chrono::NaiveDateTime,
) -> Result<(), AppError> {
    let mine = scoped
        .caller
        .user
        .as_ref()
        .and_then(|u| u.department_code.as_ref());
    let Some(entry) = departments
        .iter()
        .find(|d| Some(&d.department_code) == mine)
    else {
        return Err(AppError::Forbidden);
    };
    if entry.reported_in_at.is_some() {
        return Err(AppError::conflict(
            ErrorCode::AlreadyReportedIn,
            "Your department reported in already.",
        ));
    }
    let by = scoped.caller.user_id().ok_or(AppError::Forbidden)?;
    case::report_in(conn, &row.id, &entry.department_code, by, at)?;
    Ok(())
}

/// A note on another case's timeline (the target of a merge).
fn note_on(
    conn: &mut DbConnection,
    scoped: &Scoped,
    target: &CaseRow,
    at: chrono::NaiveDateTime,
    note: String,
) -> Result<(), AppError> {
    case::add_timeline(
        conn,
        &TimelineRow {
            note: Some(note),
            visibility: Visibility::Internal,
            ..entry(scoped, target, at, CaseAction::Merge.code())
        },
    )?;
    Ok(())
}

/// The deadline of `row` that passed before `now` and has not escalated it
/// yet, if any: acceptance while reported, report-in while a department
/// has not reported in, resolution while open.
fn passed_due(
    row: &CaseRow,
    reported_in_all: bool,
    now: chrono::NaiveDateTime,
) -> Option<DueAction> {
    let fresh = |due: DueAction| !row.overdue_escalated.split(',').any(|d| d == due.code());
    match row.state {
        CaseState::Reported if row.accept_due_at < now && fresh(DueAction::Accept) => {
            Some(DueAction::Accept)
        }
        CaseState::Dispatched
            if !reported_in_all
                && row.report_in_due_at.is_some_and(|d| d < now)
                && fresh(DueAction::ReportIn) =>
        {
            Some(DueAction::ReportIn)
        }
        CaseState::Accepted | CaseState::Dispatched | CaseState::InProgress | CaseState::Rework
            if row.resolve_due_at < now && fresh(DueAction::Resolve) =>
        {
            Some(DueAction::Resolve)
        }
        _ => None,
    }
}

/// The job's half of the ladder: every open case whose deadline passed
/// without the due action moves one rung up, once per deadline, recorded in
/// its timeline as the system (at the top rung it is only marked overdue).
/// Each case is written with a version check, so several instances running
/// this at once escalate each case exactly once. Returns how many moved.
pub fn escalate_overdue(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<usize, AppError> {
    let system = Scoped::system();
    let origin = Origin::default();
    let at = time::to_db(now);
    let mut moved = 0;
    for row in case::overdue(conn, at, 500)? {
        let written = super::transaction(conn, |conn| {
            let departments = case::departments(conn, &row.id)?;
            let reported_in_all =
                !departments.is_empty() && departments.iter().all(|d| d.reported_in_at.is_some());
            let Some(due) = passed_due(&row, reported_in_all, at) else {
                return Ok(false);
            };
            let progress = Progress {
                state: row.state,
                level: row.level,
                rework_count: u32::try_from(row.rework_count).unwrap_or(0),
                reopened: row.reopened,
            };
            let escalated = progress.apply(Step::Escalate).ok();
            let mut marks: Vec<&str> = row
                .overdue_escalated
                .split(',')
                .filter(|d| !d.is_empty())
                .collect();
            marks.push(due.code());
            let next = CaseRow {
                level: escalated.map_or(row.level, |p| p.level),
                overdue_escalated: marks.join(","),
                updated_at: at,
                version: row.version + 1,
                ..row.clone()
            };
            if !case::update(conn, &next)? {
                return Ok(false);
            }
            let note = format!("{}超期，系统自动上报", due.label_zh());
            case::add_timeline(
                conn,
                &TimelineRow {
                    note: Some(note),
                    visibility: Visibility::Internal,
                    ..entry(&system, &next, at, CaseAction::Escalate.code())
                },
            )?;
            let event = if escalated.is_some() {
                EventType::CaseEscalated
            } else {
                EventType::CaseOverdue
            };
            AuditEvent::success(AuditAction::CaseStep)
                .on(Entity::Case, &row.id)
                .detail(serde_json::json!({ "action": "escalate", "overdue": due, "from_level": row.level, "to_level": next.level }))
                .event(event, serde_json::json!({ "overdue": due, "level": next.level, "grid_id": row.grid_id }))
                .write(conn, &origin)?;
            Ok(true)
        })?;
        moved += usize::from(written);
    }
    Ok(moved)
}
