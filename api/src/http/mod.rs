//! What every handler shares about HTTP: errors as problem documents,
//! paging, ETags and preconditions, the request id, logging spans, and the
//! problem responses the OpenAPI document names.

pub mod error;
pub mod idempotency;
pub mod json;
pub mod manners;
pub mod paging;
pub mod precondition;
pub mod problems;
pub mod query;
pub mod request_id;
pub mod telemetry;

pub use error::ApiError;

/// The base path of the API.
pub const API_PREFIX: &str = "/api/v1";
