//! People: names, mainland mobile numbers (masked for most readers) and
//! resident ID numbers (GB 11643), which are never kept or shown in full.

use std::fmt;

/// A person's name as written on placards: 1–50 characters, trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be 1 to 50 characters")]
pub struct PersonNameError;

impl PersonName {
    pub fn parse(input: &str) -> Result<PersonName, PersonNameError> {
        let name = input.trim();
        if (1..=50).contains(&name.chars().count()) && !name.chars().any(char::is_control) {
            Ok(PersonName(name.to_owned()))
        } else {
            Err(PersonNameError)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A mainland mobile number: 11 digits starting 13–19. Spaces, dashes and a
/// leading +86/0086 are accepted on input and dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MobilePhone(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be a mainland mobile number: 11 digits starting with 13–19")]
pub struct MobilePhoneError;

impl MobilePhone {
    pub fn parse(input: &str) -> Result<MobilePhone, MobilePhoneError> {
        let compact: String = input.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        let digits = compact
            .strip_prefix("+86")
            .or_else(|| compact.strip_prefix("0086"))
            .unwrap_or(&compact);
        let b = digits.as_bytes();
        if b.len() == 11
            && b[0] == b'1'
            && (b'3'..=b'9').contains(&b[1])
            && b.iter().all(u8::is_ascii_digit)
        {
            Ok(MobilePhone(digits.to_owned()))
        } else {
            Err(MobilePhoneError)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `138****1234`: what callers without people-management rights see.
    pub fn masked(&self) -> String {
        mask_phone(&self.0)
    }
}

/// Masks any stored phone number: keeps the first 3 and last 4 characters.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() < 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 7))
}

/// An office or landline number that may be printed in full on placards:
/// digits with optional dashes or spaces, 5–20 characters, or a mobile number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkPhone(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be a phone number: 5 to 20 digits, dashes allowed (e.g. 0394-8123456)")]
pub struct WorkPhoneError;

impl WorkPhone {
    pub fn parse(input: &str) -> Result<WorkPhone, WorkPhoneError> {
        let s = input.trim();
        let digits = s.chars().filter(char::is_ascii_digit).count();
        if (5..=20).contains(&s.len())
            && digits >= 5
            && s.chars()
                .all(|c| c.is_ascii_digit() || c == '-' || c == ' ')
        {
            Ok(WorkPhone(s.to_owned()))
        } else {
            Err(WorkPhoneError)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A resident identity card number (GB 11643-1999): 17 digits (region, birth
/// date, sequence) and a mod-11 check character (digit or X). Lowercase x is
/// accepted. Only a keyed hash and the last four characters are ever stored.
#[derive(Clone, PartialEq, Eq)]
pub struct IdCardNumber(String);

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: &[u8; 11] = b"10X98765432";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdCardError {
    #[error("must be exactly 18 characters")]
    Length,
    #[error("must be 17 digits followed by a digit or X")]
    Characters,
    #[error("holds an impossible birth date")]
    BirthDate,
    #[error("check character is wrong")]
    Checksum,
}

impl IdCardNumber {
    pub fn parse(input: &str) -> Result<IdCardNumber, IdCardError> {
        let id = input.trim().to_ascii_uppercase();
        let b = id.as_bytes();
        if id.chars().count() != 18 {
            return Err(IdCardError::Length);
        }
        if !b[..17].iter().all(u8::is_ascii_digit) || !(b[17].is_ascii_digit() || b[17] == b'X') {
            return Err(IdCardError::Characters);
        }
        let birth = &id[6..14];
        if chrono::NaiveDate::parse_from_str(birth, "%Y%m%d").is_err() || &id[6..8] < "19" {
            return Err(IdCardError::BirthDate);
        }
        let sum: u32 = b[..17]
            .iter()
            .zip(ID_WEIGHTS)
            .map(|(d, w)| u32::from(d - b'0') * w)
            .sum();
        if ID_CHECK[(sum % 11) as usize] != b[17] {
            return Err(IdCardError::Checksum);
        }
        Ok(IdCardNumber(id))
    }

    /// The full number, only for hashing.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn last4(&self) -> &str {
        &self.0[14..]
    }

    /// `4116**********001X`-style display: region prefix and last 4 only.
    pub fn masked_from_last4(last4: &str) -> String {
        format!("**************{last4}")
    }
}

// never print the number, even in debug output
impl fmt::Debug for IdCardNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdCardNumber(**************{})", self.last4())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobile_numbers_are_normalised_and_masked() {
        let p = MobilePhone::parse("+86 138-0000-1234").unwrap();
        assert_eq!(p.as_str(), "13800001234");
        assert_eq!(p.masked(), "138****1234");
        assert_eq!(
            MobilePhone::parse("19912345678").unwrap().as_str(),
            "19912345678"
        );
    }

    #[test]
    fn bad_mobile_numbers_are_refused() {
        for bad in [
            "12800001234",
            "1380000123",
            "138000012345",
            "0394-1234567",
            "1380000123a",
            "",
        ] {
            assert_eq!(MobilePhone::parse(bad), Err(MobilePhoneError), "{bad}");
        }
    }

    #[test]
    fn work_phones_allow_landlines() {
        assert_eq!(
            WorkPhone::parse(" 0394-8123456 ").unwrap().as_str(),
            "0394-8123456"
        );
        assert!(WorkPhone::parse("12345").is_ok());
        assert!(WorkPhone::parse("12-3").is_err());
        assert!(WorkPhone::parse("call me").is_err());
    }

    #[test]
    fn masking_keeps_only_head_and_tail() {
        assert_eq!(mask_phone("03948123456"), "039****3456");
        assert_eq!(mask_phone("12345"), "*****");
    }

    #[test]
    fn valid_id_numbers_parse_with_lowercase_x() {
        let id = IdCardNumber::parse("11010519491231002x").unwrap();
        assert_eq!(id.expose(), "11010519491231002X");
        assert_eq!(id.last4(), "002X");
        assert!(
            !format!("{id:?}").contains("110105"),
            "debug output hides the number"
        );
    }

    #[test]
    fn id_number_faults_are_named() {
        assert_eq!(
            IdCardNumber::parse("110105194912310021"),
            Err(IdCardError::Checksum)
        );
        assert_eq!(
            IdCardNumber::parse("11010519491231002"),
            Err(IdCardError::Length)
        );
        assert_eq!(
            IdCardNumber::parse("1101051949123100AX"),
            Err(IdCardError::Characters)
        );
        assert_eq!(
            IdCardNumber::parse("110105194902301234"),
            Err(IdCardError::BirthDate)
        );
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(PersonName::parse(" 张亚超 ").unwrap().as_str(), "张亚超");
        assert!(PersonName::parse("  ").is_err());
        assert!(PersonName::parse(&"名".repeat(51)).is_err());
        assert!(PersonName::parse("a\u{7}b").is_err());
    }
}
