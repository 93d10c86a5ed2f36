//! `Scoped`: the caller plus the grids they may see, resolved from their
//! active assignments on every request (an ended assignment takes effect at
//! once, not at token expiry).

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::future::LocalBoxFuture;
use gridwork_domain::{Permission, Scope};
use gridwork_persistence::{assignment, grid};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::AppState;

pub struct Scoped {
    pub caller: Caller,
    pub scope: Scope,
}

impl Scoped {
    /// 404 unless the grid is in scope: out-of-scope records do not exist for the caller.
    pub fn check(&self, grid_id: Option<&str>) -> Result<(), ApiError> {
        if self.scope.covers(grid_id) {
            Ok(())
        } else {
            Err(ApiError::NotFound)
        }
    }
}

impl FromRequest for Scoped {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Scoped, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let caller = Caller::from_request(req, payload);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let caller = caller.await?;
            let state = state.ok_or_else(|| ApiError::Internal("AppState missing".into()))?;
            if Permission::ZoneWide.is_granted(&caller.roles) {
                return Ok(Scoped {
                    caller,
                    scope: Scope::Zone,
                });
            }
            let user_id = caller.row.id.clone();
            let ids = state
                .read(move |conn| {
                    let codes = assignment::assigned_grid_codes(conn, &user_id)?;
                    Ok(grid::ids_under(conn, &codes)?)
                })
                .await?;
            Ok(Scoped {
                caller,
                scope: Scope::new(false, || ids),
            })
        })
    }
}
