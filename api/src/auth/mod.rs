//! Authentication: passwords (argon2id), access tokens (JWT), refresh tokens
//! (opaque, stored hashed, rotated), personal access tokens (prefixed,
//! tagged, stored hashed). No HTTP here.

pub mod jwt;
pub mod password;
pub mod pat;
pub mod print_link;
pub mod refresh;

use sha2::{Digest, Sha256};

/// Lower-case hex of `bytes` (digests, tags).
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The SHA-256 of `data`, in hex.
pub fn sha256_hex(data: impl AsRef<[u8]>) -> String {
    hex(&Sha256::digest(data))
}
