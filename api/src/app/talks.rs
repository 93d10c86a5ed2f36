//! Heart-to-heart talks (谈心谈话): a grid worker talks with someone at risk
//! of a dispute and records the risk they saw. Who was talked with and what
//! was said are restricted like a dispute's parties: the worker who talked,
//! grid leaders and zone officers read them; everyone else in scope reads
//! the record without them.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use gridwork_domain::audit::{AuditAction, Entity};
use gridwork_domain::dispute::{self as rules, RiskLevel};
use gridwork_domain::event::EventType;
use gridwork_domain::task::FOLLOW_UP_HORIZON;
use gridwork_domain::{DisputeId, EnterpriseId, GridId, Permission, TalkId};
use gridwork_persistence::dispute::{self as dispute_store, DisputeRow};
use gridwork_persistence::talk::{self as store, TalkFilter, TalkRow};
use gridwork_persistence::{DbConnection, time};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::{
    AppError, AuditEvent, ErrorCode, FieldCode, FieldError, Origin, Scoped, disputes,
    inspection_schedules,
};

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TalkInput {
    /// A UUIDv7 made on the device: the same talk sent again answers it
    /// with 200; other content under the id answers 409 `talk_exists`.
    #[schema(value_type = Option<String>, format = Uuid, min_length = 36, max_length = 36)]
    pub id: Option<uuid::Uuid>,
    /// Where: a grid of your scope, or an enterprise of it; the dispute's
    /// place when the talk belongs to a dispute and neither is given.
    #[schema(value_type = Option<String>, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")]
    pub grid_id: Option<GridId>,
    #[schema(value_type = Option<String>, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")]
    pub enterprise_id: Option<EnterpriseId>,
    /// The dispute it belongs to, if any (one you may mediate).
    #[schema(value_type = Option<String>, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")]
    pub dispute_id: Option<DisputeId>,
    /// The day of the talk: today or up to a year back.
    pub held_on: NaiveDate,
    /// What it was about, without names (everyone in scope reads it):
    /// 1–200 characters.
    #[validate(length(min = 1, max = 200))]
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = "\\S",
        example = "工资发放延迟引发情绪波动"
    )]
    pub topic: String,
    /// Who was talked with (restricted): 1–50 characters.
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50, pattern = "\\S", example = "王某")]
    pub subject: String,
    /// What was said (restricted): 1–4000 characters.
    #[validate(length(min = 1, max = 4000))]
    #[schema(min_length = 1, max_length = 4000, pattern = "\\S")]
    pub notes: String,
    pub risk: RiskLevel,
    /// When to talk again: required when `risk` is `high`, on or after
    /// `held_on`.
    pub follow_up_on: Option<NaiveDate>,
}

/// A talk recorded, and whether this request made it (false: a resend).
#[derive(Debug)]
pub struct Recorded {
    pub row: TalkRow,
    pub created: bool,
}

/// Whether the caller reads who was talked with and what was said.
pub fn may_read(scoped: &Scoped, row: &TalkRow) -> bool {
    let talker = scoped.caller.user_id() == Some(&row.talker_id);
    rules::may_read_restricted(
        &scoped.caller.roles,
        talker,
        scoped.scope.covers(Some(&row.grid_id)),
    )
}

fn check(input: &TalkInput, today: NaiveDate) -> Result<(), AppError> {
    input.validate()?;
    let mut errors = Vec::new();
    for (field, text) in [
        ("topic", &input.topic),
        ("subject", &input.subject),
        ("notes", &input.notes),
    ] {
        if text.trim().is_empty() {
            errors.push(FieldError::new(
                field,
                FieldCode::Required,
                "must not be blank",
            ));
        }
    }
    if input.held_on > today || input.held_on < today - Duration::days(366) {
        errors.push(FieldError::new(
            "held_on",
            FieldCode::Invalid,
            "today or up to a year back",
        ));
    }
    match input.follow_up_on {
        None if rules::follow_up_needed(input.risk) => errors.push(FieldError::new(
            "follow_up_on",
            FieldCode::Required,
            "a high-risk talk sets when to talk again",
        )),
        Some(day) if day < input.held_on => errors.push(FieldError::new(
            "follow_up_on",
            FieldCode::Invalid,
            "on or after held_on",
        )),
        _ => {}
    }
    AppError::check(errors)
}

fn fingerprint(input: &TalkInput) -> Result<String, AppError> {
    let content = TalkInput {
        id: None,
        ..input.clone()
    };
    let bytes = serde_json::to_vec(&content).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(crate::auth::sha256_hex(bytes))
}

/// Records a talk in the caller's scope.
pub fn record(
    conn: &mut DbConnection,
    scoped: &Scoped,
    origin: &Origin,
    input: &TalkInput,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Recorded, AppError> {
    scoped.require(Permission::Mediate)?;
    let me = scoped.caller.user_id().ok_or(AppError::Forbidden)?.clone();
    check(input, today)?;
    let id = super::input::client_id(input.id, TalkId::generate)?;
    let fingerprint = fingerprint(input)?;
    super::transaction(conn, |conn| {
        let same =
            |t: &TalkRow| t.fingerprint == fingerprint && scoped.scope.covers(Some(&t.grid_id));
        let stored = store::find(conn, &id)?;
        if let Some(row) = super::input::resent(stored, same, ErrorCode::TalkExists, "talk")? {
            return Ok(Recorded {
                row,
                created: false,
            });
        }
        let dispute = match &input.dispute_id {
            Some(dispute_id) => {
                let (dispute, _) =
                    disputes::find(conn, scoped, dispute_id).map_err(|e| match e {
                        AppError::NotFound => AppError::invalid(
                            "dispute_id",
                            FieldCode::NotFound,
                            "no such dispute in your scope",
                        ),
                        other => other,
                    })?;
                Some(dispute)
            }
            None => None,
        };
        let (grid_id, enterprise_id) = match (&dispute, &input.grid_id, &input.enterprise_id) {
            (Some(d), None, None) => (d.grid_id.clone(), d.enterprise_id.clone()),
            (_, grid, enterprise) => {
                inspection_schedules::place(conn, scoped, grid.as_ref(), enterprise.as_ref())?
            }
        };
        let row = TalkRow {
            id: id.clone(),
            grid_id,
            enterprise_id,
            dispute_id: dispute.as_ref().map(|d| d.id.clone()),
            held_on: input.held_on,
            topic: input.topic.trim().to_owned(),
            subject: input.subject.trim().to_owned(),
            notes: input.notes.trim().to_owned(),
            risk: input.risk,
            follow_up_on: input.follow_up_on,
            talker_id: me,
            fingerprint,
            created_at: time::to_db(now),
        };
        store::insert(conn, &row)?;
        if let Some(dispute) = dispute {
            settle_follow_up(conn, scoped, dispute, &row, now)?;
        }
        AuditEvent::success(AuditAction::TalkRecord)
            .by(&scoped.caller)
            .on(Entity::Talk, &row.id)
            .detail(serde_json::json!({ "grid_id": row.grid_id, "risk": row.risk, "dispute_id": row.dispute_id }))
            .event(
                EventType::TalkRecorded,
                serde_json::json!({ "grid_id": row.grid_id, "risk": row.risk }),
            )
            .write(conn, origin)?;
        Ok(Recorded { row, created: true })
    })
}

/// A talk for a dispute whose follow-up is on the task list (due within
/// the week, or past) is that follow-up (回访): the dispute's next one
/// becomes the talk's, or none. Only those who mediate it move it.
fn settle_follow_up(
    conn: &mut DbConnection,
    scoped: &Scoped,
    dispute: DisputeRow,
    talk: &TalkRow,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let due = dispute
        .follow_up_on
        .is_some_and(|day| talk.held_on >= day - FOLLOW_UP_HORIZON);
    if !due || !disputes::may_read(scoped, &dispute) {
        return Ok(());
    }
    let next = DisputeRow {
        follow_up_on: talk.follow_up_on,
        updated_at: time::to_db(now),
        version: dispute.version + 1,
        ..dispute
    };
    if !dispute_store::update(conn, &next)? {
        return Err(AppError::Stale);
    }
    Ok(())
}

/// A talk in the caller's scope.
pub fn find(conn: &mut DbConnection, scoped: &Scoped, id: &TalkId) -> Result<TalkRow, AppError> {
    let row = store::find(conn, id)?.ok_or(AppError::NotFound)?;
    scoped.check(Some(&row.grid_id))?;
    Ok(row)
}

/// One keyset page of talks in the caller's scope, newest first.
pub fn list(
    conn: &mut DbConnection,
    scoped: &Scoped,
    mut filter: TalkFilter,
    before: Option<&str>,
    fetch: i64,
) -> Result<Vec<TalkRow>, AppError> {
    filter.grids = scoped.scope.grid_ids().map(<[GridId]>::to_vec);
    Ok(store::page(conn, &filter, before, fetch)?)
}
