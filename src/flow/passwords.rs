//! Argon2id password hashes.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::{Arc, OnceLock};

use crate::core::ValidationError;
use crate::error::AppError;

/// Hashes and checks passwords with the configured memory cost.
#[derive(Debug, Clone)]
pub struct Passwords {
    memory_kib: u32,
    dummy: Arc<OnceLock<String>>,
}

impl Passwords {
    pub fn new(memory_kib: u32) -> Self {
        Passwords {
            memory_kib,
            dummy: Arc::new(OnceLock::new()),
        }
    }

    fn argon2(&self) -> Result<Argon2<'static>, AppError> {
        let params = Params::new(self.memory_kib, 2, 1, None).map_err(AppError::internal)?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }

    /// A PHC string (`$argon2id$v=19$m=…`) with a fresh salt.
    pub fn hash(&self, password: &str) -> Result<String, AppError> {
        let salt = SaltString::generate(&mut OsRng);
        Ok(self
            .argon2()?
            .hash_password(password.as_bytes(), &salt)
            .map_err(AppError::internal)?
            .to_string())
    }

    /// True when the password matches; the parameters come from the stored hash.
    pub fn verify(&self, password: &str, hash: &str) -> bool {
        PasswordHash::new(hash)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    }

    /// Spends the time of one verification, so an unknown e-mail answers as slowly
    /// as a known one; always false.
    pub fn verify_dummy(&self, password: &str) -> bool {
        let dummy = self.dummy.get_or_init(|| {
            self.hash("no account has this password")
                .unwrap_or_default()
        });
        let _ = self.verify(password, dummy);
        false
    }
}

/// A password a person may choose: 10 to 128 characters.
pub fn check_new_password(field: &str, password: &str) -> Result<(), ValidationError> {
    let n = password.chars().count();
    if n < 10 {
        return Err(ValidationError::new(
            field,
            "must be at least 10 characters long",
        ));
    }
    if n > 128 {
        return Err(ValidationError::new(
            field,
            "must be at most 128 characters long",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_differ() {
        let p = Passwords::new(64);
        let a = p.hash("correct horse").unwrap();
        let b = p.hash("correct horse").unwrap();
        assert_ne!(a, b);
        assert!(a.starts_with("$argon2id$"));
        assert!(p.verify("correct horse", &a));
        assert!(!p.verify("wrong horse", &a));
        assert!(!p.verify("x", "not a hash"));
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(check_new_password("password", "short").is_err());
        assert!(check_new_password("password", "long enough pass").is_ok());
    }
}
