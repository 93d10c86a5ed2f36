//! argon2id password hashing. One hash costs ~12 ms of a core and 19 MiB, so
//! the server runs them on a small dedicated pool (one thread per core): never
//! on actix workers, never more at once than there are cores, and the 19 MiB
//! buffers stay with those few threads instead of every blocking thread.

use std::sync::Arc;

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::distr::{Alphanumeric, SampleString};

/// Hashing failed, or the hashing pool is gone (the server is stopping).
#[derive(Debug, Clone, thiserror::Error)]
pub enum HashError {
    #[error("argon2: {0}")]
    Failed(String),
    #[error("the password hashing pool stopped")]
    PoolStopped,
}

/// OWASP's argon2id minimum: 19 MiB, 2 passes, 1 lane.
pub const MEMORY_KIB: u32 = 19_456;
pub const ITERATIONS: u32 = 2;
pub const PARALLELISM: u32 = 1;

#[derive(Clone)]
pub struct Passwords {
    params: Params,
    pool: Arc<rayon::ThreadPool>,
    /// Verified against when the username is unknown, so that both failures
    /// cost the same time.
    dummy_hash: String,
}

impl Passwords {
    /// `threads`: how many hashes may run at once.
    pub fn new(threads: usize) -> Result<Passwords, HashError> {
        let params = Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None)
            .map_err(|e| HashError::Failed(format!("parameters: {e}")))?;
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads.max(1))
            .thread_name(|i| format!("argon2-{i}"))
            .build()
            .map_err(|e| HashError::Failed(format!("thread pool: {e}")))?;
        let mut passwords = Passwords {
            params,
            pool: Arc::new(pool),
            dummy_hash: String::new(),
        };
        passwords.dummy_hash = passwords.hash(&random_password())?;
        Ok(passwords)
    }

    fn argon(&self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone())
    }

    /// A PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`) with a fresh salt.
    pub fn hash(&self, password: &str) -> Result<String, HashError> {
        self.argon()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| HashError::Failed(format!("hash: {e}")))
    }

    /// Checks `password` against a stored PHC string (its own parameters
    /// apply, so older hashes keep working after a parameter change).
    pub fn verify(&self, password: &str, stored: &str) -> bool {
        self.argon()
            .verify_password(password.as_bytes(), stored)
            .is_ok()
    }

    pub fn verify_dummy(&self, password: &str) -> bool {
        let _ = self.verify(password, &self.dummy_hash);
        false
    }

    async fn on_pool<T: Send + 'static>(
        &self,
        job: impl FnOnce(&Passwords) -> T + Send + 'static,
    ) -> Result<T, HashError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let this = self.clone();
        self.pool.spawn(move || {
            let _ = tx.send(job(&this));
        });
        rx.await.map_err(|_| HashError::PoolStopped)
    }

    /// `hash`, on the hashing pool.
    pub async fn hash_async(&self, password: String) -> Result<String, HashError> {
        self.on_pool(move |p| p.hash(&password)).await?
    }

    /// `verify` against `stored`, or against a dummy hash when there is no
    /// account, so both cost the same; on the hashing pool.
    pub async fn verify_async(
        &self,
        password: String,
        stored: Option<String>,
    ) -> Result<bool, HashError> {
        self.on_pool(move |p| match stored {
            Some(hash) => p.verify(&password, &hash),
            None => p.verify_dummy(&password),
        })
        .await
    }
}

/// 20 random alphanumeric characters (~119 bits).
pub fn random_password() -> String {
    Alphanumeric.sample_string(&mut rand::rng(), 20)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_with_the_required_cost_and_verify() {
        let p = Passwords::new(1).unwrap();
        let h = p.hash("rain-on-the-workshop").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(p.verify("rain-on-the-workshop", &h));
        assert!(!p.verify("rain-on-the-workshoq", &h));
        assert!(!p.verify("x", "not a hash"));
        assert_ne!(h, p.hash("rain-on-the-workshop").unwrap(), "salted");
    }
}
