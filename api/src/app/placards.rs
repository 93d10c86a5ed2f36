//! Placards (网格员信息公示牌): who to call in each grid. Publishing checks
//! the domain's rules; the public page shows only people who consented.

use gridwork_domain::audit::{AuditAction, Entity};
use gridwork_domain::event::EventType;
use gridwork_domain::grid::GridKind;
use gridwork_domain::placard::{self, Blocker, Member};
use gridwork_domain::{GridId, Permission};
use gridwork_persistence::assignment::{self, AssignmentRow};
use gridwork_persistence::grid::{self, GridRow};
use gridwork_persistence::person::PersonRow;
use gridwork_persistence::{DbConnection, enterprise, time};

use super::{AppError, AuditEvent, ErrorCode, Origin, Reason, Scoped, grids};

/// A grid with what its placard shows: the enterprise and the active members,
/// leader first.
#[derive(Debug, Clone)]
pub struct Board {
    pub grid: GridRow,
    pub enterprise_name: Option<String>,
    pub members: Vec<(AssignmentRow, PersonRow)>,
}

fn load_board(conn: &mut DbConnection, grid: GridRow) -> Result<Board, AppError> {
    let enterprise_name = match &grid.enterprise_id {
        Some(id) => enterprise::find(conn, id)?.map(|e| e.name),
        None => None,
    };
    let mut members = assignment::for_grid(conn, &grid.id, false)?;
    members.sort_by_key(|(a, _)| a.role.rank());
    members.truncate(gridwork_domain::placard::BOARD_MEMBERS);
    Ok(Board {
        grid,
        enterprise_name,
        members,
    })
}

impl Board {
    /// What keeps the placard from being published, by the domain's rule.
    pub fn obstacles(&self) -> Vec<Blocker> {
        let members: Vec<Member<'_>> = self
            .members
            .iter()
            .map(|(a, p)| Member {
                person_id: p.id.as_str(),
                name: &p.name,
                role: a.role,
                consented: p.placard_consent,
            })
            .collect();
        placard::blockers(&members)
    }

    /// What keeps the placard from being published; empty when it may be.
    pub fn blockers(&self) -> Vec<Reason> {
        self.obstacles()
            .into_iter()
            .map(|b| Reason {
                code: b.code().to_owned(),
                message: match &b {
                    Blocker::MissingGridLeader => "the grid has no active grid leader".to_owned(),
                    Blocker::MissingFullTimeWorker => {
                        "the grid has no active full-time grid worker".to_owned()
                    }
                    Blocker::NoConsent { name, .. } => {
                        format!("{name} has not consented to appear on placards")
                    }
                },
                id: match b {
                    Blocker::NoConsent { person_id, .. } => Some(person_id),
                    _ => None,
                },
            })
            .collect()
    }

    /// The people the public may see: those who consented, even if consent
    /// was withdrawn after publishing.
    pub fn public_members(&self) -> impl Iterator<Item = &(AssignmentRow, PersonRow)> {
        self.members.iter().filter(|(_, p)| p.placard_consent)
    }

    /// The public token, when the placard is published.
    pub fn published_token(&self) -> Option<&str> {
        self.grid
            .placard_published_at
            .and(self.grid.placard_token.as_deref())
    }
}

/// The placard of a grid in scope, as it would be published.
pub fn preview(
    conn: &mut DbConnection,
    scoped: &Scoped,
    grid_id: &GridId,
) -> Result<Board, AppError> {
    let grid = grids::find_visible(conn, scoped, grid_id)?;
    load_board(conn, grid)
}

/// A published placard by its public token; None for unknown, rotated or
/// unpublished tokens.
pub fn published(conn: &mut DbConnection, token: &str) -> Result<Option<Board>, AppError> {
    match grid::by_placard_token(conn, token)?.filter(|g| g.placard_published_at.is_some()) {
        Some(grid) => Ok(Some(load_board(conn, grid)?)),
        None => Ok(None),
    }
}

/// A published placard of a grid in scope, for printing.
pub fn printable(
    conn: &mut DbConnection,
    scoped: &Scoped,
    grid_id: &GridId,
) -> Result<Board, AppError> {
    let board = preview(conn, scoped, grid_id)?;
    if board.published_token().is_none() {
        return Err(AppError::conflict(
            ErrorCode::PlacardNotPublished,
            "Publish the placard before printing it: the QR code needs its public address.",
        ));
    }
    Ok(board)
}

/// The boards of a subtree for one print run, in code order: those that
/// print, and those that do not with why (nothing: ready, not published).
#[derive(Debug, Default)]
pub struct Sheets {
    pub printed: Vec<Board>,
    pub skipped: Vec<(Board, Vec<Blocker>)>,
}

/// Every placard under a grid in scope (the zone root: all of them), for
/// printing at once. The zone root itself carries no placard.
pub fn subtree(
    conn: &mut DbConnection,
    scoped: &Scoped,
    grid_id: &GridId,
) -> Result<Sheets, AppError> {
    let root = grids::find_visible(conn, scoped, grid_id)?;
    let mut ids = grid::ids_under(conn, std::slice::from_ref(&root.code))?;
    if let Some(scope) = scoped.scope.grid_ids() {
        ids.retain(|id| scope.contains(id));
    }
    let mut sheets = Sheets::default();
    for grid in grid::all(conn, Some(&ids))? {
        if grid.kind == GridKind::Zone {
            continue;
        }
        let board = load_board(conn, grid)?;
        if board.published_token().is_some() {
            sheets.printed.push(board);
        } else {
            let why = board.obstacles();
            sheets.skipped.push((board, why));
        }
    }
    Ok(sheets)
}

/// Records that the caller made a print link for a grid in scope; the
/// link itself is signed by the caller of this command.
pub fn record_print_link(
    conn: &mut DbConnection,
    scoped: &Scoped,
    origin: &Origin,
    grid_id: &GridId,
    view: &str,
    expires_at: chrono::DateTime<chrono::Utc>,
) -> Result<GridRow, AppError> {
    let grid = grids::find_visible(conn, scoped, grid_id)?;
    super::transaction(conn, |conn| {
        AuditEvent::success(AuditAction::PrintLink)
            .by(&scoped.caller)
            .on(Entity::Grid, &grid.id)
            .detail(serde_json::json!({ "view": view, "expires_at": expires_at }))
            .write(conn, origin)?;
        Ok(grid)
    })
}

/// What a placard change does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Publish: refused with every reason unless the grid has a leader and a
    /// full-time worker and everyone shown consented.
    Publish,
    /// Take it down: its public page answers 404 until published again.
    Unpublish,
    /// A new public address; the old QR code stops working.
    RotateToken,
}

/// Applies `change` to the placard of a grid in scope.
pub fn change(
    conn: &mut DbConnection,
    scoped: &Scoped,
    origin: &Origin,
    grid_id: &GridId,
    change: Change,
) -> Result<Board, AppError> {
    let grid = grids::find_visible(conn, scoped, grid_id)?;
    scoped.require(Permission::PublishPlacards)?;
    if grid.archived_at.is_some() {
        return Err(AppError::conflict(
            ErrorCode::GridArchived,
            "The grid is archived.",
        ));
    }
    super::transaction(conn, |conn| {
        let mut board = load_board(conn, grid)?;
        if change == Change::Publish {
            let missing = board.blockers();
            if !missing.is_empty() {
                return Err(AppError::conflict_because(
                    ErrorCode::PlacardNotReady,
                    "The placard cannot be published yet; see `reasons`.",
                    missing,
                ));
            }
        }
        let now = time::to_db(time::now());
        let next = &mut board.grid;
        let (action, event) = match change {
            Change::Publish => {
                next.placard_token.get_or_insert_with(new_token);
                next.placard_published_at = Some(now);
                (AuditAction::PlacardPublish, EventType::PlacardPublished)
            }
            Change::Unpublish => {
                next.placard_published_at = None;
                (AuditAction::PlacardUnpublish, EventType::PlacardUnpublished)
            }
            Change::RotateToken => {
                next.placard_token = Some(new_token());
                (AuditAction::PlacardRotate, EventType::PlacardTokenRotated)
            }
        };
        next.updated_at = now;
        next.version += 1;
        if !grid::update(conn, next)? {
            return Err(AppError::Stale);
        }
        AuditEvent::success(action)
            .by(&scoped.caller)
            .on(Entity::Grid, &next.id)
            .event(event, serde_json::json!({ "grid_id": next.id }))
            .write(conn, origin)?;
        Ok(board)
    })
}

/// 128 random bits, URL-safe: the placard's public address.
fn new_token() -> String {
    crate::auth::refresh::generate()[..22].to_owned()
}
