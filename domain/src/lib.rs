//! Gridwork's pure domain: values that cannot hold invalid data (`parse`
//! constructors), state machines with `Result` transitions, and the rules the
//! API enforces. No IO and no framework: everything here is unit-tested.

pub mod access;
pub mod audit;
pub mod lockout;
pub mod password;
pub mod refresh_token;
pub mod role;
pub mod user;

pub use access::Permission;
pub use role::{Role, Roles};
pub use user::Username;
