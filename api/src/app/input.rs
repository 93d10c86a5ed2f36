//! Small helpers for command inputs.

use serde::{Deserialize, Deserializer};

use super::{AppError, ErrorCode, FieldCode};

/// For fields that may be cleared: absent → None, `null` → Some(None).
pub fn nullable<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// The id of a record made offline (the device's UUIDv7 in `id`), or a
/// fresh one.
pub fn client_id<T: From<String>>(
    id: Option<uuid::Uuid>,
    fresh: impl FnOnce() -> T,
) -> Result<T, AppError> {
    match id {
        Some(id) if id.get_version_num() != 7 => Err(AppError::invalid(
            "id",
            FieldCode::Invalid,
            "must be a UUIDv7",
        )),
        Some(id) => Ok(T::from(id.to_string())),
        None => Ok(fresh()),
    }
}

/// `validator` check: a record's id, a UUID (`format: uuid` in the spec).
pub fn uuid_text(text: &str) -> Result<(), validator::ValidationError> {
    gridwork_domain::code::check_id(text)
        .map_err(|e| validator::ValidationError::new("uuid").with_message(e.into()))
}

/// Required text, trimmed; blank is refused naming `field`.
pub fn required(field: &str, value: &str) -> Result<String, AppError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(AppError::invalid(
            field,
            FieldCode::Required,
            "must not be blank",
        ));
    }
    Ok(trimmed.to_owned())
}

/// A write refused by a unique key as 409 `code`: the same thing is
/// recorded already.
pub fn once(error: diesel::result::Error, code: ErrorCode, detail: &str) -> AppError {
    match error {
        diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        ) => AppError::conflict(code, detail),
        other => other.into(),
    }
}

/// Trims text input; blank becomes None.
pub fn clean(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())
}

/// What is stored under an offline record's id: None when the id is new;
/// the stored record when `same` holds (the device sent it again); 409
/// `code` otherwise.
pub fn resent<T>(
    existing: Option<T>,
    same: impl FnOnce(&T) -> bool,
    code: ErrorCode,
    what: &str,
) -> Result<Option<T>, AppError> {
    match existing {
        None => Ok(None),
        Some(row) if same(&row) => Ok(Some(row)),
        Some(_) => Err(AppError::conflict(
            code,
            format!("Another {what} has this id already; send a new UUIDv7."),
        )),
    }
}

/// RFC 3339 times at most as long as the spec allows (`TIME_MAX`
/// characters: nanoseconds and an offset fit), then chrono's parse: the
/// spec's `maxLength` holds for every time a request carries.
pub mod time_text {
    use chrono::{DateTime, Utc};
    use serde::de::Error;
    use serde::{Deserialize, Deserializer};

    /// Characters of the longest time accepted.
    pub const TIME_MAX: usize = 40;

    fn parse<E: Error>(text: &str) -> Result<DateTime<Utc>, E> {
        if text.len() > TIME_MAX {
            return Err(E::custom(format!(
                "a time of at most {TIME_MAX} characters (RFC 3339)"
            )));
        }
        DateTime::parse_from_rfc3339(text)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| E::custom(format!("not an RFC 3339 time: {e}")))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        parse(&String::deserialize(d)?)
    }

    /// For optional fields (with `#[serde(default)]`).
    pub fn optional<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|t| parse(&t))
            .transpose()
    }
}
