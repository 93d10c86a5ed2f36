//! Liveness and readiness probes.

use actix_web::{HttpResponse, get, web};
use diesel::connection::SimpleConnection;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok` (process up) or `ready` (database answers).
    pub status: &'static str,
    /// The backend in use, on `/readyz`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<String>,
}

/// Liveness: the process is up. Never touches the database.
#[utoipa::path(tag = "operations", responses((status = 200, body = Health)))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok",
        database: None,
    })
}

/// Readiness: the database answers a query within the pool's checkout timeout.
#[utoipa::path(
    tag = "operations",
    responses((status = 200, body = Health), (status = 503, response = crate::openapi::ServiceUnavailable))
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let backend = state
        .read(|conn| {
            conn.batch_execute("SELECT 1")?;
            Ok(match conn {
                gridwork_persistence::DbConnection::Postgresql(_) => "PostgreSQL",
                gridwork_persistence::DbConnection::Sqlite(_) => "SQLite",
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(Health {
        status: "ready",
        database: Some(backend.to_owned()),
    }))
}
