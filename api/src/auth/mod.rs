//! Authentication: passwords (argon2id), access tokens (JWT), refresh tokens
//! (opaque, stored hashed, rotated), personal access tokens (prefixed,
//! tagged, stored hashed). No HTTP here.

pub mod jwt;
pub mod password;
pub mod pat;
pub mod print_link;
pub mod refresh;
