//! Codes of the reference data cases point at — departments and case
//! categories — kept as data an admin edits, named by stable codes.

/// A department's or a category's code: a lower-case letter, then up to 39
/// lower-case letters, digits or `_`; a sub-category is `parent.child`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RefCode(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "a code is lower-case letters, digits and `_` (1–40, starting with a letter); a sub-category is `parent.child`"
)]
pub struct RefCodeError;

fn part(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && text.len() <= 40
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

impl RefCode {
    pub fn parse(text: &str) -> Result<RefCode, RefCodeError> {
        let ok = match text.split_once('.') {
            Some((parent, child)) => part(parent) && part(child),
            None => part(text),
        };
        ok.then(|| RefCode(text.to_owned())).ok_or(RefCodeError)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The parent of a sub-category's code.
    pub fn parent(&self) -> Option<&str> {
        self.0.split_once('.').map(|(parent, _)| parent)
    }
}

/// The pattern of a top-level code (a department's), for the API document.
pub const TOP_PATTERN: &str = "^[a-z][a-z0-9_]{0,39}$";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_one_or_two_lower_case_parts() {
        assert_eq!(RefCode::parse("fire_rescue").unwrap().parent(), None);
        let sub = RefCode::parse("safety_hazard.flooding").unwrap();
        assert_eq!(sub.parent(), Some("safety_hazard"));
        for bad in [
            "",
            "Fire",
            "1st",
            "a.b.c",
            "a.",
            ".a",
            "a-b",
            "a b",
            &"a".repeat(41),
        ] {
            assert_eq!(RefCode::parse(bad), Err(RefCodeError), "{bad}");
        }
        assert!(RefCode::parse(&"a".repeat(40)).is_ok());
    }
}
