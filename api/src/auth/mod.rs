//! Authentication: passwords (argon2id), access tokens (JWT), refresh tokens
//! (opaque, stored hashed, rotated). No HTTP here.

pub mod jwt;
pub mod password;
pub mod refresh;
