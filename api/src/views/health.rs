//! What the probes answer.

use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok` (process up) or `ready` (database answers).
    #[schema(max_length = 5, pattern = "^(ok|ready)$")]
    pub status: &'static str,
    /// The backend in use, on `/readyz`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 16)]
    pub database: Option<String>,
}
