//! Authentication: passwords (argon2id), access tokens (JWT), refresh tokens
//! (opaque, stored hashed, rotated), and the `Caller` extractor.

pub mod caller;
pub mod jwt;
pub mod password;
pub mod refresh;
pub mod scoped;

pub use caller::Caller;
pub use scoped::Scoped;
