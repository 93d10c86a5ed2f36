//! Password policy: length bounds and a list of passwords too common to allow.

/// Passwords attackers try first (international and mainland-Chinese lists).
/// Compared case-insensitively.
const COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordPolicy {
    pub min_len: usize,
    pub max_len: usize,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        PasswordPolicy {
            min_len: 8,
            max_len: Self::MAX_LEN,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("must be at least {0} characters long")]
    TooShort(usize),
    #[error("must be at most {0} characters long")]
    TooLong(usize),
    #[error("is too common; choose a less guessable password")]
    Common,
    #[error("must not contain the username")]
    ContainsUsername,
    #[error("must not be a single repeated character")]
    Repetitive,
}

impl PasswordPolicy {
    /// Hard upper bound: argon2 input stays bounded whatever the configuration.
    pub const MAX_LEN: usize = 128;

    /// Builds a policy, keeping the bounds sane (`1 ≤ min ≤ max ≤ 128`).
    pub fn new(min_len: usize, max_len: usize) -> PasswordPolicy {
        let max_len = max_len.clamp(1, Self::MAX_LEN);
        PasswordPolicy {
            min_len: min_len.clamp(1, max_len),
            max_len,
        }
    }

    /// Checks a new password for `username`.
    pub fn check(&self, password: &str, username: &str) -> Result<(), PasswordError> {
        let len = password.chars().count();
        if len < self.min_len {
            return Err(PasswordError::TooShort(self.min_len));
        }
        if len > self.max_len {
            return Err(PasswordError::TooLong(self.max_len));
        }
        let lower = password.to_lowercase();
        if COMMON_PASSWORDS.lines().any(|common| common == lower) {
            return Err(PasswordError::Common);
        }
        if !username.is_empty() && lower.contains(&username.to_lowercase()) {
            return Err(PasswordError::ContainsUsername);
        }
        let mut chars = password.chars();
        if let Some(first) = chars.next()
            && chars.all(|c| c == first)
        {
            return Err(PasswordError::Repetitive);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reasonable_password_passes() {
        assert_eq!(
            PasswordPolicy::default().check("rain-on-the-workshop", "wangyx"),
            Ok(())
        );
        assert_eq!(
            PasswordPolicy::default().check("网格员密码很长很长", "wangyx"),
            Ok(())
        );
    }

    #[test]
    fn length_bounds_count_characters_not_bytes() {
        let p = PasswordPolicy::default();
        assert_eq!(p.check("Sh0rt!x", "u"), Err(PasswordError::TooShort(8)));
        assert_eq!(
            p.check(&"x1".repeat(65), "u"),
            Err(PasswordError::TooLong(128))
        );
        // eight Chinese characters are 24 bytes but 8 characters
        assert_eq!(p.check("经济开发区网格管理", "u"), Ok(()));
    }

    #[test]
    fn common_passwords_are_refused_case_insensitively() {
        let p = PasswordPolicy::default();
        assert_eq!(p.check("12345678", "u"), Err(PasswordError::Common));
        assert_eq!(p.check("PassWord123", "u"), Err(PasswordError::Common));
        assert_eq!(p.check("woaini1314", "u"), Err(PasswordError::Common));
    }

    #[test]
    fn the_username_and_repetition_are_refused() {
        let p = PasswordPolicy::default();
        assert_eq!(
            p.check("xx-Zhangyc-2025", "zhangyc"),
            Err(PasswordError::ContainsUsername)
        );
        assert_eq!(p.check("zzzzzzzzzz", "u"), Err(PasswordError::Repetitive));
    }

    #[test]
    fn configured_bounds_are_clamped() {
        let p = PasswordPolicy::new(12, 500);
        assert_eq!(
            p,
            PasswordPolicy {
                min_len: 12,
                max_len: 128
            }
        );
        assert_eq!(
            PasswordPolicy::new(0, 0),
            PasswordPolicy {
                min_len: 1,
                max_len: 1
            }
        );
        assert_eq!(
            p.check("long-enough", "u"),
            Err(PasswordError::TooShort(12))
        );
    }
}
