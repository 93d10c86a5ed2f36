//! Grids: the tree of the zone, its codes and boundaries.

use gridwork_domain::audit::{AuditAction, Entity};
use gridwork_domain::boundary::{self, Boundary};
use gridwork_domain::event::EventType;
use gridwork_domain::grid::{
    self as rules, ArchiveBlocker, GridCode, GridKind, Occupancy, ParentInfo, PlacementError,
};
use gridwork_domain::{EnterpriseId, GridId, Permission};
use gridwork_persistence::grid::{self, GridFilter, GridRow};
use gridwork_persistence::{DbConnection, enterprise, time};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::input::{clean, nullable};
use super::{AppError, AuditEvent, ErrorCode, Expected, FieldCode, Origin, Reason, Scoped};

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateGrid {
    /// 1–100 characters, not blank.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100, example = "周口耕德电子网格")]
    pub name: String,
    /// `zone` (the single root), `general`, `enterprise` or `sub_grid`.
    #[schema(value_type = GridKind, example = "enterprise")]
    pub kind: String,
    #[schema(value_type = Option<String>, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")]
    pub parent_id: Option<GridId>,
    /// Required for `enterprise` grids; sub-grids inherit their parent's.
    #[schema(value_type = Option<String>, min_length = 1, max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$")]
    pub enterprise_id: Option<EnterpriseId>,
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub description: Option<String>,
    /// GeoJSON Polygon or MultiPolygon.
    #[schema(value_type = Option<Object>)]
    pub boundary: Option<serde_json::Value>,
}

#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateGrid {
    /// 1–100 characters, not blank.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "nullable")]
    #[validate(length(max = 2000))]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub description: Option<Option<String>>,
    /// GeoJSON Polygon or MultiPolygon; `null` clears it.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Object>)]
    pub boundary: Option<Option<serde_json::Value>>,
}

/// A grid kind named in a request, or the field error saying it is unknown.
pub fn parse_kind(code: &str) -> Result<GridKind, AppError> {
    GridKind::parse(code).ok_or_else(|| {
        AppError::invalid(
            "kind",
            FieldCode::UnknownKind,
            format!("unknown grid kind `{code}`"),
        )
    })
}

/// A validated boundary written into the row with its bounding box.
fn set_boundary(row: &mut GridRow, value: Option<&serde_json::Value>) -> Result<(), AppError> {
    let parsed = value
        .filter(|v| !v.is_null())
        .map(|v| {
            Boundary::parse(v)
                .map_err(|e| AppError::invalid("boundary", FieldCode::InvalidGeometry, e))
        })
        .transpose()?;
    let bbox = parsed.as_ref().and_then(Boundary::bounding_box);
    row.boundary = parsed.map(|b| b.geojson().to_string());
    (row.min_lng, row.min_lat, row.max_lng, row.max_lat) = (
        bbox.map(|b| b.min_lng),
        bbox.map(|b| b.min_lat),
        bbox.map(|b| b.max_lng),
        bbox.map(|b| b.max_lat),
    );
    Ok(())
}

fn placement_error(e: PlacementError) -> AppError {
    let message = e.to_string();
    match e {
        PlacementError::SecondZone => AppError::conflict(ErrorCode::ZoneExists, message),
        PlacementError::SecondEnterpriseGrid => {
            AppError::conflict(ErrorCode::EnterpriseHasGrid, message)
        }
        PlacementError::MissingEnterprise
        | PlacementError::UnexpectedEnterprise
        | PlacementError::ForeignEnterprise => {
            AppError::invalid("enterprise_id", FieldCode::InvalidPlacement, message)
        }
        PlacementError::ZoneHasParent
        | PlacementError::MissingParent(_)
        | PlacementError::WrongParent { .. }
        | PlacementError::ArchivedParent => {
            AppError::invalid("parent_id", FieldCode::InvalidPlacement, message)
        }
    }
}

/// A grid the caller may see (NotFound otherwise).
pub fn find_visible(
    conn: &mut DbConnection,
    scoped: &Scoped,
    id: &GridId,
) -> Result<GridRow, AppError> {
    let row = grid::find(conn, id)?.ok_or(AppError::NotFound)?;
    scoped.check(Some(&row.id))?;
    Ok(row)
}

/// One keyset page of grids in the caller's scope, in code order.
pub fn list(
    conn: &mut DbConnection,
    scoped: &Scoped,
    mut filter: GridFilter,
    after_code: Option<&str>,
    fetch: i64,
) -> Result<Vec<GridRow>, AppError> {
    filter.within = scoped.scope.grid_ids().map(<[GridId]>::to_vec);
    Ok(grid::page(conn, &filter, after_code, fetch)?)
}

/// A grid's boundary as stored, parsed (None when it has none; stored ones
/// were validated on the way in).
pub fn stored_boundary(row: &GridRow) -> Option<Boundary> {
    Boundary::parse(&serde_json::from_str(row.boundary.as_deref()?).ok()?).ok()
}

/// The deepest grid in scope whose boundary contains the point.
pub fn locate(
    conn: &mut DbConnection,
    scoped: &Scoped,
    lat: f64,
    lng: f64,
) -> Result<GridRow, AppError> {
    let candidates = grid::boxes_containing(conn, lng, lat)?;
    let shapes: Vec<(&GridRow, &str, Boundary)> = candidates
        .iter()
        .filter(|row| scoped.scope.covers(Some(&row.id)))
        .filter_map(|row| Some((row, row.code.as_str(), stored_boundary(row)?)))
        .collect();
    let found = boundary::deepest_containing(&shapes, lng, lat).ok_or(AppError::NotFound)?;
    Ok((*found).clone())
}

/// Creates a grid; its code is the parent's plus the parent's next sequence
/// number (the zone root takes `zone_code`). An enterprise grid becomes its
/// enterprise's grid.
pub fn create(
    conn: &mut DbConnection,
    scoped: &Scoped,
    origin: &Origin,
    zone_code: &GridCode,
    input: CreateGrid,
) -> Result<GridRow, AppError> {
    scoped.require(Permission::ManageGrids)?;
    input.validate()?;
    let kind = parse_kind(&input.kind)?;
    let mut row = GridRow::new(
        zone_code.as_str(),
        input.name.trim(),
        kind,
        None,
        None,
        time::to_db(time::now()),
    );
    row.description = clean(input.description);
    set_boundary(&mut row, input.boundary.as_ref())?;
    super::transaction(conn, |conn| {
        let parent = match &input.parent_id {
            Some(id) => Some(
                grid::find(conn, id)?
                    .filter(|p| scoped.scope.covers(Some(&p.id)))
                    .ok_or_else(|| {
                        AppError::invalid("parent_id", FieldCode::NotFound, "no such grid")
                    })?,
            ),
            None => None,
        };
        if let Some(id) = &input.enterprise_id
            && enterprise::find(conn, id)?
                .filter(|e| e.archived_at.is_none())
                .is_none()
        {
            return Err(AppError::invalid(
                "enterprise_id",
                FieldCode::NotFound,
                "no such enterprise",
            ));
        }
        let enterprise_has_grid = match &input.enterprise_id {
            Some(id) if kind == GridKind::Enterprise => grid::enterprise_grid(conn, id)?.is_some(),
            _ => false,
        };
        let parent_info = parent.as_ref().map(|p| ParentInfo {
            kind: p.kind,
            enterprise_id: p.enterprise_id.as_ref().map(EnterpriseId::as_str),
            archived: p.archived_at.is_some(),
        });
        let placed = rules::place(
            kind,
            parent_info,
            input.enterprise_id.as_ref().map(EnterpriseId::as_str),
            grid::zone_exists(conn)?,
            enterprise_has_grid,
        )
        .map_err(placement_error)?;
        row.enterprise_id = placed.map(EnterpriseId::from);
        if let Some(p) = &parent {
            let seq = grid::take_child_seq(conn, &p.id)?;
            let parent_code =
                GridCode::parse(&p.code).map_err(|e| AppError::Internal(e.to_string()))?;
            row.code = parent_code
                .child(p.kind, u32::try_from(seq).unwrap_or(0))
                .map_err(|e| AppError::conflict(ErrorCode::CodeSpaceExhausted, e.to_string()))?
                .as_str()
                .to_owned();
            row.parent_id = Some(p.id.clone());
        }
        grid::insert(conn, &row)?;
        // an enterprise grid is where its enterprise belongs
        if kind == GridKind::Enterprise
            && let Some(id) = &row.enterprise_id
            && let Some(mut firm) = enterprise::find(conn, id)?
        {
            firm.grid_id = Some(row.id.clone());
            firm.updated_at = row.created_at;
            firm.version += 1;
            if !enterprise::update(conn, &firm)? {
                return Err(AppError::Stale);
            }
        }
        AuditEvent::success(AuditAction::GridCreate)
            .by(&scoped.caller)
            .on(Entity::Grid, &row.id)
            .detail(serde_json::json!({ "code": row.code, "kind": row.kind, "name": row.name }))
            .event(EventType::GridCreated, serde_json::json!({
                "code": row.code, "kind": row.kind, "parent_id": row.parent_id, "enterprise_id": row.enterprise_id,
            }))
            .write(conn, origin)?;
        Ok(row)
    })
}

/// Changes a grid's name, description or boundary; its place and code never change.
pub fn update(
    conn: &mut DbConnection,
    scoped: &Scoped,
    origin: &Origin,
    id: &GridId,
    expected: &Expected,
    input: UpdateGrid,
) -> Result<GridRow, AppError> {
    let current = find_visible(conn, scoped, id)?;
    scoped.require(Permission::ManageGrids)?;
    input.validate()?;
    let version = current.version;
    let mut next = current;
    let mut changed = Vec::new();
    if let Some(name) = input.name {
        next.name = name.trim().to_owned();
        changed.push("name");
    }
    if let Some(description) = input.description {
        next.description = clean(description);
        changed.push("description");
    }
    if let Some(boundary) = input.boundary {
        set_boundary(&mut next, boundary.as_ref())?;
        changed.push("boundary");
    }
    // a refused body is refused whatever the version; only a valid one is stale
    expected.check(version)?;
    next.updated_at = time::to_db(time::now());
    next.version += 1;
    super::transaction(conn, |conn| {
        if !grid::update(conn, &next)? {
            return Err(AppError::Stale);
        }
        AuditEvent::success(AuditAction::GridUpdate)
            .by(&scoped.caller)
            .on(Entity::Grid, &next.id)
            .detail(serde_json::json!({ "changed": changed }))
            .event(
                EventType::GridUpdated,
                serde_json::json!({ "changed": changed }),
            )
            .write(conn, origin)?;
        Ok(next)
    })
}

/// Archives an empty grid (a tombstone stays; its code is never reused).
/// Refused with each reason while it holds children, people or enterprises.
pub fn archive(
    conn: &mut DbConnection,
    scoped: &Scoped,
    origin: &Origin,
    id: &GridId,
    expected: &Expected,
) -> Result<(), AppError> {
    let current = find_visible(conn, scoped, id)?;
    scoped.require(Permission::ManageGrids)?;
    expected.check(current.version)?;
    if current.archived_at.is_some() {
        return Ok(());
    }
    super::transaction(conn, |conn| {
        let (children, people, firms) = grid::occupancy(conn, &current.id)?;
        let occupancy = Occupancy {
            active_children: children.unsigned_abs(),
            active_assignments: people.unsigned_abs(),
            enterprises: firms.unsigned_abs(),
        };
        let blockers = occupancy.blockers();
        if !blockers.is_empty() {
            let reasons = blockers
                .into_iter()
                .map(|(blocker, count)| Reason {
                    code: blocker.code().to_owned(),
                    message: match blocker {
                        ArchiveBlocker::HasChildren => format!("{count} active child grid(s)"),
                        ArchiveBlocker::HasPeople => {
                            format!("{count} person(s) assigned or registered")
                        }
                        ArchiveBlocker::HasEnterprises => format!("{count} enterprise(s)"),
                    },
                    id: None,
                })
                .collect();
            return Err(AppError::conflict_because(
                ErrorCode::GridNotEmpty,
                "The grid still holds children, people or enterprises: move or end them, then archive it.",
                reasons,
            ));
        }
        let mut next = current;
        let now = time::to_db(time::now());
        next.archived_at = Some(now);
        next.placard_published_at = None;
        next.updated_at = now;
        next.version += 1;
        if !grid::update(conn, &next)? {
            return Err(AppError::Stale);
        }
        AuditEvent::success(AuditAction::GridArchive)
            .by(&scoped.caller)
            .on(Entity::Grid, &next.id)
            .detail(serde_json::json!({ "code": next.code }))
            .event(
                EventType::GridArchived,
                serde_json::json!({ "code": next.code }),
            )
            .write(conn, origin)?;
        Ok(())
    })
}
