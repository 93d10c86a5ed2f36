//! Inspections (排查): submitted from the field, offline too (the device's
//! UUIDv7: the same inspection sent again answers the first, other content
//! under its id is refused), with answers checked against the template
//! version they were given for. Each failed item opens a hazard; an
//! inspection of a scheduled occurrence marks it done, on time when it was
//! finished inside the window, however late it is uploaded.

use chrono::{DateTime, NaiveDateTime, SubsecRound, Utc};
use gridwork_domain::attachment::OwnerKind;
use gridwork_domain::audit::{AuditAction, Entity};
use gridwork_domain::event::EventType;
use gridwork_domain::hazard::{self as rules, HazardState};
use gridwork_domain::inspection::{Answer, Checked, check_answers};
use gridwork_domain::schedule::Window;
use gridwork_domain::{
    AttachmentId, EnterpriseId, GridId, HazardId, InspectionId, Permission, TemplateId, visit,
};
use gridwork_persistence::hazard::{self, HazardRow};
use gridwork_persistence::inspection::{self as store, InspectionRow};
use gridwork_persistence::inspection_schedule;
use gridwork_persistence::{DbConnection, enterprise, time};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::inspection_templates::{self, refusals};
use super::{AppError, AuditEvent, ErrorCode, FieldCode, FieldError, Origin, Scoped};
use super::{attachments, inspection_schedules};

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateInspection {
    /// A UUIDv7 made on the device: sending the same inspection again
    /// answers it with 200; other content under the same id answers 409
    /// `inspection_exists`.
    #[schema(value_type = Option<String>, format = Uuid, min_length = 36, max_length = 36)]
    pub id: Option<uuid::Uuid>,
    /// The scheduled occurrence this inspection does
    /// (`GET /api/v1/inspection-occurrences`); its template, grid and
    /// enterprise apply. Without one, give `template_id` and a `grid_id` or
    /// `enterprise_id` (an unscheduled inspection).
    #[schema(
        min_length = 1,
        max_length = 64,
        pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$"
    )]
    #[validate(
        length(min = 1, max = 64),
        custom(function = "crate::app::input::uuid_text")
    )]
    pub occurrence_id: Option<String>,
    #[schema(value_type = Option<String>, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")]
    pub template_id: Option<TemplateId>,
    /// The template version the form was filled in against; the latest
    /// when absent.
    #[validate(range(min = 1))]
    #[schema(minimum = 1, maximum = 2_147_483_647)]
    pub template_version: Option<i32>,
    #[schema(value_type = Option<String>, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")]
    pub grid_id: Option<GridId>,
    #[schema(value_type = Option<String>, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")]
    pub enterprise_id: Option<EnterpriseId>,
    #[serde(deserialize_with = "crate::app::input::time_text::deserialize")]
    pub started_at: DateTime<Utc>,
    /// Not before `started_at`, not in the future (5 minutes of clock
    /// difference allowed), at most a year ago.
    #[serde(deserialize_with = "crate::app::input::time_text::deserialize")]
    pub finished_at: DateTime<Utc>,
    /// Where it was done (WGS 84), with `lng`.
    #[validate(range(min = -90.0, max = 90.0))]
    #[schema(minimum = -90.0, maximum = 90.0)]
    pub lat: Option<f64>,
    #[validate(range(min = -180.0, max = 180.0))]
    #[schema(minimum = -180.0, maximum = 180.0)]
    pub lng: Option<f64>,
    /// One answer per item answered; every required item must be.
    #[validate(length(max = 100))]
    #[schema(max_items = 100)]
    pub answers: Vec<Answer>,
}

/// An inspection recorded, with the hazards it opened, and whether this
/// request made it (false: a resend).
#[derive(Debug)]
pub struct Recorded {
    pub row: InspectionRow,
    pub hazards: Vec<HazardRow>,
    pub created: bool,
}

/// An answer as stored: the value and whether it failed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredAnswer {
    pub item: String,
    pub value: serde_json::Value,
    pub failed: bool,
}

fn fingerprint(input: &CreateInspection) -> Result<String, AppError> {
    let content = CreateInspection {
        id: None,
        ..input.clone()
    };
    let bytes = serde_json::to_vec(&content).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(crate::auth::sha256_hex(bytes))
}

/// Where an inspection is done, and of which template and occurrence.
struct Target {
    template: TemplateId,
    grid: GridId,
    enterprise: Option<EnterpriseId>,
    occurrence: Option<(String, Window)>,
}

fn target(
    conn: &mut DbConnection,
    scoped: &Scoped,
    input: &CreateInspection,
) -> Result<Target, AppError> {
    if let Some(occurrence) = &input.occurrence_id {
        let o = inspection_schedule::find_occurrence(conn, occurrence)?
            .filter(|o| scoped.scope.covers(Some(&o.grid_id)))
            .ok_or_else(|| {
                AppError::invalid(
                    "occurrence_id",
                    FieldCode::NotFound,
                    "no such occurrence in your scope",
                )
            })?;
        if input
            .template_id
            .as_ref()
            .is_some_and(|t| *t != o.template_id)
        {
            return Err(AppError::invalid(
                "template_id",
                FieldCode::Invalid,
                "not the occurrence's template",
            ));
        }
        let window = Window {
            opens_at: time::from_db(o.opens_at),
            closes_at: time::from_db(o.closes_at),
            missed_at: time::from_db(o.missed_at),
        };
        return Ok(Target {
            template: o.template_id,
            grid: o.grid_id,
            enterprise: o.enterprise_id,
            occurrence: Some((o.id, window)),
        });
    }
    let template = input.template_id.clone().ok_or_else(|| {
        AppError::invalid(
            "template_id",
            FieldCode::Required,
            "give `occurrence_id`, or `template_id` with a grid or enterprise",
        )
    })?;
    let (grid, enterprise) = inspection_schedules::place(
        conn,
        scoped,
        input.grid_id.as_ref(),
        input.enterprise_id.as_ref(),
    )?;
    Ok(Target {
        template,
        grid,
        enterprise,
        occurrence: None,
    })
}

/// Records an inspection, the hazards its failures open and the occurrence
/// it does.
pub fn create(
    conn: &mut DbConnection,
    scoped: &Scoped,
    origin: &Origin,
    input: &CreateInspection,
    now: DateTime<Utc>,
) -> Result<Recorded, AppError> {
    scoped.require(Permission::Inspect)?;
    let inspector = scoped.caller.user_id().ok_or(AppError::Forbidden)?.clone();
    input.validate()?;
    let (started, finished) = (
        input.started_at.trunc_subsecs(6),
        input.finished_at.trunc_subsecs(6),
    );
    let mut errors = Vec::new();
    if finished < started {
        errors.push(FieldError::new(
            "finished_at",
            FieldCode::OutOfRange,
            "must not be before `started_at`",
        ));
    }
    if let Err(e) = visit::check_time(finished, now) {
        errors.push(FieldError::new("finished_at", FieldCode::OutOfRange, e));
    }
    if input.lat.is_some() != input.lng.is_some() {
        errors.push(FieldError::new(
            "lat",
            FieldCode::IncompleteLocation,
            "give both lat and lng, or neither",
        ));
    }
    AppError::check(errors)?;
    let id = super::input::client_id(input.id, InspectionId::generate)?;
    let fingerprint = fingerprint(input)?;
    super::transaction(conn, |conn| {
        let same = |i: &InspectionRow| {
            i.fingerprint == fingerprint && scoped.scope.covers(Some(&i.grid_id))
        };
        let stored = store::find(conn, &id)?;
        if let Some(row) =
            super::input::resent(stored, same, ErrorCode::InspectionExists, "inspection")?
        {
            let hazards = hazard::of_inspection(conn, &row.id)?;
            return Ok(Recorded {
                row,
                hazards,
                created: false,
            });
        }
        let target = target(conn, scoped, input)?;
        let version = inspection_templates::find(conn, &target.template, input.template_version)
            .map_err(|e| match e {
                AppError::NotFound => AppError::invalid(
                    "template_version",
                    FieldCode::NotFound,
                    "no such template version",
                ),
                other => other,
            })?;
        let checked = check_answers(&version.template, &input.answers).map_err(refusals)?;
        let photos: Vec<(String, Vec<AttachmentId>)> = checked
            .iter()
            .filter(|c| !c.photos.is_empty())
            .map(|c| {
                (
                    format!("answers.{}", c.item),
                    c.photos
                        .iter()
                        .map(|p| AttachmentId::from(p.as_str()))
                        .collect(),
                )
            })
            .collect();
        for (field, ids) in &photos {
            attachments::check(conn, scoped, field, ids, now)?;
        }
        let on_time = target.occurrence.as_ref().map(|(_, w)| w.on_time(finished));
        let at = time::to_db(now);
        let stored: Vec<StoredAnswer> = checked
            .iter()
            .map(|c| StoredAnswer {
                item: c.item.clone(),
                value: c.value.clone(),
                failed: c.failed,
            })
            .collect();
        let row = InspectionRow {
            id: id.clone(),
            template_id: target.template.clone(),
            template_version: version.version,
            occurrence_id: target.occurrence.as_ref().map(|(o, _)| o.clone()),
            grid_id: target.grid.clone(),
            enterprise_id: target.enterprise.clone(),
            inspector_id: inspector.clone(),
            started_at: time::to_db(started),
            finished_at: time::to_db(finished),
            lat: input.lat,
            lng: input.lng,
            answers: serde_json::to_string(&stored)
                .map_err(|e| AppError::Internal(e.to_string()))?,
            failed_count: i32::try_from(checked.iter().filter(|c| c.failed).count())
                .unwrap_or(i32::MAX),
            on_time,
            fingerprint,
            created_at: at,
        };
        store::insert(conn, &row)?;
        for (_, ids) in &photos {
            attachments::attach_to(conn, ids, OwnerKind::Inspection, row.id.as_str())?;
        }
        if let (Some((occurrence, _)), Some(on_time)) = (&target.occurrence, on_time)
            && !store::complete_occurrence(
                conn,
                occurrence,
                &row.id,
                &row.inspector_id,
                row.finished_at,
                on_time,
                at,
            )?
        {
            return Err(AppError::conflict(
                ErrorCode::OccurrenceDone,
                "Another inspection did this occurrence already.",
            ));
        }
        let principal = match &row.enterprise_id {
            Some(e) => enterprise::find(conn, e)?.and_then(|e| e.principal_person_id),
            None => None,
        };
        let mut hazards = Vec::new();
        for c in checked.iter().filter(|c| c.failed) {
            let hazard = open_hazard(&version.template, c, &row, principal.clone(), at)?;
            hazard::insert(conn, &hazard)?;
            hazards.push(hazard);
        }
        AuditEvent::success(AuditAction::InspectionSubmit)
            .by(&scoped.caller)
            .on(Entity::Inspection, &row.id)
            .detail(serde_json::json!({ "template_id": row.template_id, "version": row.template_version, "failed": row.failed_count, "on_time": row.on_time }))
            .event(
                EventType::InspectionSubmitted,
                serde_json::json!({ "grid_id": row.grid_id, "enterprise_id": row.enterprise_id, "occurrence_id": row.occurrence_id, "hazards": hazards.iter().map(|h| &h.id).collect::<Vec<_>>() }),
            )
            .write(conn, origin)?;
        Ok(Recorded {
            row,
            hazards,
            created: true,
        })
    })
}

/// The hazard a failed answer opens.
fn open_hazard(
    template: &gridwork_domain::inspection::Template,
    answer: &Checked,
    inspection: &InspectionRow,
    responsible: Option<gridwork_domain::PersonId>,
    at: NaiveDateTime,
) -> Result<HazardRow, AppError> {
    let item = template
        .item(&answer.item)
        .ok_or_else(|| AppError::Internal(format!("no item {}", answer.item)))?;
    let severity = item.hazard_severity();
    let found = time::from_db(inspection.finished_at);
    Ok(HazardRow {
        id: HazardId::generate(),
        inspection_id: inspection.id.clone(),
        item_key: item.key.clone(),
        grid_id: inspection.grid_id.clone(),
        enterprise_id: inspection.enterprise_id.clone(),
        severity,
        state: HazardState::Open,
        description: super::error::clip(
            &format!("{}：{}", item.label, answer_text(&answer.value)),
            500,
        ),
        rectify_due_at: time::to_db(found + rules::rectify_within(severity)),
        responsible_person_id: responsible,
        case_id: None,
        rectified_at: None,
        verified_at: None,
        evidence: String::new(),
        note: None,
        reopened_count: 0,
        created_at: at,
        updated_at: at,
        version: 1,
    })
}

/// An answer as words in a hazard's description.
fn answer_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Bool(true) => "是".to_owned(),
        serde_json::Value::Bool(false) => "否".to_owned(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// An inspection in the caller's scope, with its hazards.
pub fn find(
    conn: &mut DbConnection,
    scoped: &Scoped,
    id: &InspectionId,
) -> Result<(InspectionRow, Vec<HazardRow>), AppError> {
    let row = store::find(conn, id)?.ok_or(AppError::NotFound)?;
    scoped.check(Some(&row.grid_id))?;
    let hazards = hazard::of_inspection(conn, &row.id)?;
    Ok((row, hazards))
}

/// One keyset page of inspections in the caller's scope, latest first.
pub fn list(
    conn: &mut DbConnection,
    scoped: &Scoped,
    enterprise: Option<&EnterpriseId>,
    after: Option<(NaiveDateTime, String)>,
    fetch: i64,
) -> Result<Vec<InspectionRow>, AppError> {
    Ok(store::page(
        conn,
        scoped.scope.grid_ids(),
        enterprise,
        after,
        fetch,
    )?)
}

/// The stored answers of an inspection.
pub fn answers(row: &InspectionRow) -> Result<Vec<StoredAnswer>, AppError> {
    serde_json::from_str(&row.answers)
        .map_err(|e| AppError::Internal(format!("stored answers: {e}")))
}
