//! Enterprises: the basic record (基础信息) each grid keeps up to date.

use gridwork_domain::audit::{AuditAction, Entity};
use gridwork_domain::enterprise::{FieldPresence, HazardFlag, IndustrySection, Uscc};
use gridwork_domain::event::EventType;
use gridwork_domain::grid::GridKind;
use gridwork_domain::{EnterpriseId, GridId, Permission, PersonId, Scope};
use gridwork_persistence::enterprise::{self, EnterpriseFilter, EnterpriseRow};
use gridwork_persistence::{DbConnection, grid, person, time};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::input::{clean, nullable};
use super::{AppError, AuditEvent, ErrorCode, Expected, FieldCode, FieldError, Origin, Scoped};

/// The completeness rule's view of a stored record.
pub fn presence(row: &EnterpriseRow) -> FieldPresence {
    let filled = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
    FieldPresence {
        name: !row.name.trim().is_empty(),
        uscc: filled(&row.uscc),
        industry_section: filled(&row.industry_section),
        employee_count: row.employee_count.is_some(),
        address: filled(&row.address),
        location: row.lat.is_some() && row.lng.is_some(),
        principal_person_id: row.principal_person_id.is_some(),
        production_characteristics: filled(&row.production_characteristics),
    }
}

/// Fields of an enterprise record. On update, absent fields stay as they are
/// and `null` clears a field.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnterpriseInput {
    /// 1–200 characters, not blank.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200, example = "周口耕德电子有限公司")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    /// Unified social credit code (GB 32100): 18 characters of the code set
    /// with a valid check character; lower case is accepted; blank clears it.
    #[validate(length(max = 64))]
    #[schema(value_type = Option<String>, max_length = 64, pattern = "^\\s*(?:[0-9A-HJ-NP-RTUWXYa-hj-np-rtuwxy]{18})?\\s*$", example = "91411622MA9XXXXX04")]
    pub uscc: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    /// GB/T 4754-2017 section letter A–T.
    #[validate(length(max = 16))]
    #[schema(value_type = Option<String>, max_length = 16, pattern = "^\\s*(?:[A-Ta-t])?\\s*$", example = "C")]
    pub industry_section: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[validate(length(max = 200))]
    #[schema(value_type = Option<String>, max_length = 200)]
    pub industry_text: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i32>, minimum = 0, maximum = 10_000_000)]
    pub employee_count: Option<Option<i32>>,
    #[serde(default, deserialize_with = "nullable")]
    #[validate(length(max = 300))]
    #[schema(value_type = Option<String>, max_length = 300)]
    pub address: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    /// Latitude (WGS 84); give `lng` with it.
    #[schema(value_type = Option<f64>, minimum = -90.0, maximum = 90.0)]
    pub lat: Option<Option<f64>>,
    #[serde(default, deserialize_with = "nullable")]
    /// Longitude (WGS 84); give `lat` with it.
    #[schema(value_type = Option<f64>, minimum = -180.0, maximum = 180.0)]
    pub lng: Option<Option<f64>>,
    #[serde(default, deserialize_with = "nullable")]
    /// A registered person.
    #[validate(length(max = 64), custom(function = "crate::app::input::uuid_text"))]
    #[schema(value_type = Option<String>, max_length = 64)]
    pub principal_person_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[validate(length(max = 2000))]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub production_characteristics: Option<Option<String>>,
    /// Hazard-flag codes.
    #[validate(length(max = 16))]
    #[schema(value_type = Option<Vec<HazardFlag>>, max_items = 16)]
    pub flags: Option<Vec<String>>,
    /// An area (`general`) grid, or the enterprise's own enterprise grid.
    #[serde(default, deserialize_with = "nullable")]
    #[validate(length(max = 64), custom(function = "crate::app::input::uuid_text"))]
    #[schema(value_type = Option<String>, max_length = 64)]
    pub grid_id: Option<Option<String>>,
}

/// Applies `input` to `row`, collecting every invalid field.
fn apply(row: &mut EnterpriseRow, input: EnterpriseInput) -> Result<Vec<&'static str>, AppError> {
    let mut errors = Vec::new();
    let mut changed = Vec::new();
    let mut text = |value: Option<Option<String>>,
                    max: usize,
                    field: &'static str,
                    target: &mut Option<String>| {
        if let Some(value) = value {
            let value = clean(value);
            if value.as_ref().is_some_and(|v| v.chars().count() > max) {
                errors.push(FieldError::new(
                    field,
                    FieldCode::TooLong,
                    format!("must be at most {max} characters"),
                ));
            }
            *target = value;
            changed.push(field);
        }
    };
    text(
        input.industry_text,
        200,
        "industry_text",
        &mut row.industry_text,
    );
    text(input.address, 300, "address", &mut row.address);
    text(
        input.production_characteristics,
        2000,
        "production_characteristics",
        &mut row.production_characteristics,
    );
    // ids are text on the wire: the same trimming and bound as other text
    let mut principal = row.principal_person_id.as_ref().map(ToString::to_string);
    text(
        input.principal_person_id,
        64,
        "principal_person_id",
        &mut principal,
    );
    row.principal_person_id = principal.map(PersonId::from);
    let mut grid_id = row.grid_id.as_ref().map(ToString::to_string);
    text(input.grid_id, 64, "grid_id", &mut grid_id);
    row.grid_id = grid_id.map(GridId::from);
    if let Some(name) = input.name {
        row.name = name.trim().to_owned();
        changed.push("name");
    }
    if let Some(uscc) = input.uscc {
        match clean(uscc).map(|u| Uscc::parse(&u)).transpose() {
            Ok(u) => row.uscc = u.map(|u| u.as_str().to_owned()),
            Err(e) => errors.push(FieldError::new("uscc", FieldCode::InvalidUscc, e)),
        }
        changed.push("uscc");
    }
    if let Some(section) = input.industry_section {
        match clean(section)
            .map(|s| IndustrySection::parse(&s))
            .transpose()
        {
            Ok(s) => row.industry_section = s.map(|s| s.letter().to_string()),
            Err(e) => errors.push(FieldError::new(
                "industry_section",
                FieldCode::InvalidSection,
                e,
            )),
        }
        changed.push("industry_section");
    }
    if let Some(count) = input.employee_count {
        if count.is_some_and(|c| !(0..=10_000_000).contains(&c)) {
            errors.push(FieldError::new(
                "employee_count",
                FieldCode::OutOfRange,
                "must be 0 to 10,000,000",
            ));
        }
        row.employee_count = count;
        changed.push("employee_count");
    }
    if let Some(lat) = input.lat {
        if lat.is_some_and(|v| !(-90.0..=90.0).contains(&v)) {
            errors.push(FieldError::new(
                "lat",
                FieldCode::OutOfRange,
                "latitude must lie in -90..90",
            ));
        }
        row.lat = lat;
        changed.push("lat");
    }
    if let Some(lng) = input.lng {
        if lng.is_some_and(|v| !(-180.0..=180.0).contains(&v)) {
            errors.push(FieldError::new(
                "lng",
                FieldCode::OutOfRange,
                "longitude must lie in -180..180",
            ));
        }
        row.lng = lng;
        changed.push("lng");
    }
    if row.lat.is_some() != row.lng.is_some() {
        errors.push(FieldError::new(
            "lat",
            FieldCode::IncompleteLocation,
            "give both lat and lng, or neither",
        ));
    }
    if let Some(flags) = input.flags {
        let mut parsed = Vec::new();
        for flag in &flags {
            match HazardFlag::parse(flag) {
                Some(f) => parsed.push(f),
                None => errors.push(FieldError::new(
                    "flags",
                    FieldCode::UnknownFlag,
                    format!("unknown flag `{flag}`"),
                )),
            }
        }
        parsed.sort();
        parsed.dedup();
        row.flags = parsed
            .iter()
            .map(|f| f.code())
            .collect::<Vec<_>>()
            .join(",");
        changed.push("flags");
    }
    if row.name.is_empty() || row.name.chars().count() > 200 {
        errors.push(FieldError::new(
            "name",
            FieldCode::Required,
            "must be 1 to 200 characters",
        ));
    }
    AppError::check(errors)?;
    Ok(changed)
}

/// Checks references against the store: the grid and principal must exist and
/// be in the caller's scope, the USCC unused by another enterprise. `previous`
/// is the stored record (None when creating).
fn check_references(
    conn: &mut DbConnection,
    row: &EnterpriseRow,
    previous: Option<&EnterpriseRow>,
    scope: &Scope,
) -> Result<(), AppError> {
    if let Some(uscc) = &row.uscc
        && enterprise::find_by_uscc(conn, uscc)?.is_some_and(|other| other.id != row.id)
    {
        return Err(AppError::conflict(
            ErrorCode::UsccTaken,
            "Another enterprise has this unified social credit code.",
        ));
    }
    if previous.is_none_or(|p| p.grid_id != row.grid_id) {
        if let Some(own) = grid::enterprise_grid(conn, &row.id)? {
            return Err(AppError::conflict(
                ErrorCode::HasEnterpriseGrid,
                format!(
                    "The enterprise has its own grid {} ({}); it stays there.",
                    own.name, own.code
                ),
            ));
        }
        match &row.grid_id {
            Some(id) => {
                let target = grid::find(conn, id)?
                    .filter(|g| g.archived_at.is_none() && scope.covers(Some(&g.id)))
                    .ok_or_else(|| {
                        AppError::invalid("grid_id", FieldCode::NotFound, "no such grid")
                    })?;
                if target.kind != GridKind::General {
                    return Err(AppError::invalid(
                        "grid_id",
                        FieldCode::WrongKind,
                        "an enterprise joins an area (general) grid, or gets an enterprise grid of its own",
                    ));
                }
            }
            None if scope.grid_ids().is_some() => {
                return Err(AppError::invalid(
                    "grid_id",
                    FieldCode::Required,
                    "give a grid in your scope",
                ));
            }
            None => {}
        }
    }
    if let Some(principal) = &row.principal_person_id
        && person::find(conn, principal)?
            .filter(|p| p.archived_at.is_none())
            .is_none()
    {
        return Err(AppError::invalid(
            "principal_person_id",
            FieldCode::NotFound,
            "no such person",
        ));
    }
    Ok(())
}

/// An enterprise the caller may see (NotFound otherwise); unassigned ones
/// are zone-wide only.
pub fn find_visible(
    conn: &mut DbConnection,
    scoped: &Scoped,
    id: &EnterpriseId,
) -> Result<EnterpriseRow, AppError> {
    let row = enterprise::find(conn, id)?.ok_or(AppError::NotFound)?;
    scoped.check(row.grid_id.as_ref())?;
    Ok(row)
}

/// One keyset page of the enterprises in the caller's scope.
pub fn list(
    conn: &mut DbConnection,
    scoped: &Scoped,
    mut filter: EnterpriseFilter,
    after: Option<&str>,
    fetch: i64,
) -> Result<Vec<EnterpriseRow>, AppError> {
    filter.within = scoped.scope.grid_ids().map(<[GridId]>::to_vec);
    Ok(enterprise::page(conn, &filter, after, fetch)?)
}

/// Registers an enterprise. Callers below zone level place it in an area grid of their scope.
pub fn create(
    conn: &mut DbConnection,
    scoped: &Scoped,
    origin: &Origin,
    input: EnterpriseInput,
) -> Result<EnterpriseRow, AppError> {
    scoped.require(Permission::EditEnterprises)?;
    input.validate()?;
    let mut row = EnterpriseRow::new("", time::to_db(time::now()));
    apply(&mut row, input)?;
    super::transaction(conn, |conn| {
        check_references(conn, &row, None, &scoped.scope)?;
        enterprise::insert(conn, &row)?;
        AuditEvent::success(AuditAction::EnterpriseCreate)
            .by(&scoped.caller)
            .on(Entity::Enterprise, &row.id)
            .detail(
                serde_json::json!({ "name": row.name, "uscc": row.uscc, "grid_id": row.grid_id }),
            )
            .event(
                EventType::EnterpriseCreated,
                serde_json::json!({ "grid_id": row.grid_id }),
            )
            .write(conn, origin)?;
        Ok(row)
    })
}

/// Updates an enterprise record (information collection).
pub fn update(
    conn: &mut DbConnection,
    scoped: &Scoped,
    origin: &Origin,
    id: &EnterpriseId,
    expected: &Expected,
    input: EnterpriseInput,
) -> Result<EnterpriseRow, AppError> {
    let current = find_visible(conn, scoped, id)?;
    scoped.require(Permission::EditEnterprises)?;
    input.validate()?;
    let mut next = current.clone();
    let changed = apply(&mut next, input)?;
    // a refused body is refused whatever the version; only a valid one is stale
    expected.check(current.version)?;
    next.updated_at = time::to_db(time::now());
    next.version += 1;
    super::transaction(conn, |conn| {
        check_references(conn, &next, Some(&current), &scoped.scope)?;
        if !enterprise::update(conn, &next)? {
            return Err(AppError::Stale);
        }
        AuditEvent::success(AuditAction::EnterpriseUpdate)
            .by(&scoped.caller)
            .on(Entity::Enterprise, &next.id)
            .detail(serde_json::json!({ "changed": changed }))
            .event(
                EventType::EnterpriseUpdated,
                serde_json::json!({ "changed": changed }),
            )
            .write(conn, origin)?;
        Ok(next)
    })
}
