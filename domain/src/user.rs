//! User-account values.

use std::fmt;

/// A login name: 3–64 characters of lowercase ASCII letters, digits, `.`, `_`
/// and `-`, starting with a letter or digit. Input is trimmed and lowercased so
/// that `Admin` and `admin` cannot be two accounts.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Username(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsernameError {
    #[error("must be 3 to 64 characters long")]
    Length,
    #[error(
        "may contain only letters a-z, digits, '.', '_' and '-', and must start with a letter or digit"
    )]
    Characters,
}

impl Username {
    pub const MIN_LEN: usize = 3;
    pub const MAX_LEN: usize = 64;

    pub fn parse(input: &str) -> Result<Username, UsernameError> {
        let name = input.trim().to_ascii_lowercase();
        if !(Self::MIN_LEN..=Self::MAX_LEN).contains(&name.chars().count()) {
            return Err(UsernameError::Length);
        }
        let valid_char =
            |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c);
        let starts_well = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
        if !starts_well || !name.chars().all(valid_char) {
            return Err(UsernameError::Characters);
        }
        Ok(Username(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Username {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_names_are_normalised() {
        assert_eq!(
            Username::parse("  Wang.YX_01 ").unwrap().as_str(),
            "wang.yx_01"
        );
        assert_eq!(Username::parse("abc").unwrap().as_str(), "abc");
        assert!(Username::parse(&"a".repeat(64)).is_ok());
    }

    #[test]
    fn lengths_outside_the_bounds_are_rejected() {
        assert_eq!(Username::parse("ab"), Err(UsernameError::Length));
        assert_eq!(Username::parse(&"a".repeat(65)), Err(UsernameError::Length));
        assert_eq!(Username::parse("   "), Err(UsernameError::Length));
    }

    #[test]
    fn odd_characters_are_rejected() {
        for bad in [
            "王勇翔",
            "has space",
            "-leading",
            ".dot",
            "semi;colon",
            "a@b.cn",
        ] {
            assert_eq!(
                Username::parse(bad),
                Err(UsernameError::Characters),
                "{bad}"
            );
        }
    }
}
