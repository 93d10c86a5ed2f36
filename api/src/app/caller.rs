//! Who is acting: an account with its roles (resolved afresh on every
//! request), or the system itself (CLI, jobs), and the grids they may see.

use gridwork_domain::case::Source;
use gridwork_domain::{
    AccessTokenId, GridId, IntegratorId, IntegratorKeyId, Permission, Role, Roles, Scope, UserId,
};
use gridwork_persistence::user::UserRow;
use gridwork_persistence::{DbConnection, assignment, grid};

use super::AppError;

#[derive(Debug, Clone)]
pub struct Caller {
    pub roles: Roles,
    /// The account as read for this request; None for the system.
    pub user: Option<UserRow>,
    /// The personal access token the account acts through, if any: `roles`
    /// are then the token's share of the account's.
    pub token: Option<AccessTokenId>,
    /// A rider acting through a token an integrator exchanged its key for.
    pub rider: Option<Rider>,
}

/// Who acts through an integrator's key — a rider token, or an Open311 app
/// sending the key — and what the key carries: the integrator and key. It
/// reports cases and uploads photos, and follows the rider's own cases when
/// the integrator may read them; the whole zone is where a rider reports,
/// their own reports all they see.
#[derive(Debug, Clone)]
pub struct Rider {
    pub integrator_id: IntegratorId,
    pub key_id: IntegratorKeyId,
    pub reads_own_cases: bool,
    /// What the cases it reports are recorded as: `mobile_worker` for a
    /// rider, `open311` for an Open311 app.
    pub source: Source,
}

impl Caller {
    /// The system acting on its own (CLI commands, background jobs): full rights.
    pub fn system() -> Caller {
        Caller {
            roles: Roles::single(Role::Admin),
            user: None,
            token: None,
            rider: None,
        }
    }

    pub fn has(&self, permission: Permission) -> bool {
        permission.is_granted(&self.roles)
    }

    /// The one authorisation gate for role-based permissions.
    pub fn require(&self, permission: Permission) -> Result<(), AppError> {
        if self.has(permission) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    pub fn user_id(&self) -> Option<&UserId> {
        self.user.as_ref().map(|u| &u.id)
    }
}

/// A caller with the grids they may see.
#[derive(Debug, Clone)]
pub struct Scoped {
    pub caller: Caller,
    pub scope: Scope,
}

impl Scoped {
    pub fn system() -> Scoped {
        Scoped {
            caller: Caller::system(),
            scope: Scope::Zone,
        }
    }

    /// An account acting as itself, with the grids it may see read afresh:
    /// the whole zone for zone-wide roles, else its assigned grids and all
    /// below them.
    pub fn of_user(conn: &mut DbConnection, user: UserRow) -> Result<Scoped, AppError> {
        let roles = Roles::parse_stored(&user.roles)
            .map_err(|e| AppError::Internal(format!("user {} has bad roles: {e}", user.id)))?;
        let caller = Caller {
            roles,
            user: Some(user),
            token: None,
            rider: None,
        };
        Scoped::of(conn, caller)
    }

    /// `caller` with the grids it may see, read afresh. A rider sees no
    /// grid: only the cases they reported.
    pub fn of(conn: &mut DbConnection, caller: Caller) -> Result<Scoped, AppError> {
        if caller.rider.is_some() {
            return Ok(Scoped {
                caller,
                scope: Scope::Grids(Vec::new()),
            });
        }
        let zone_wide = caller.has(Permission::ZoneWide);
        let ids = match (zone_wide, caller.user_id()) {
            (false, Some(user_id)) => {
                let codes = assignment::assigned_grid_codes(conn, user_id)?;
                grid::ids_under(conn, &codes)?
            }
            _ => Vec::new(),
        };
        Ok(Scoped {
            caller,
            scope: Scope::new(zone_wide, || ids),
        })
    }

    /// NotFound unless the grid is in scope: out-of-scope records do not exist for the caller.
    pub fn check(&self, grid_id: Option<&GridId>) -> Result<(), AppError> {
        if self.scope.covers(grid_id) {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }

    pub fn require(&self, permission: Permission) -> Result<(), AppError> {
        self.caller.require(permission)
    }
}
