//! What a command can answer besides success. Nothing here knows HTTP: the
//! `http` layer maps each case to a status and a problem document.

use std::fmt;

use serde::Serialize;
use utoipa::ToSchema;

/// Declares a set of stable snake_case codes.
macro_rules! codes {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ToSchema)]
        pub enum $name {
            $(#[serde(rename = $code)] #[schema(rename = $code)] $variant,)+
        }

        impl $name {
            pub const ALL: [$name; [$($code),+].len()] = [$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code,)+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

codes! {
    /// The stable machine-readable code of a problem; clients branch on it.
    ErrorCode {
        ValidationFailed = "validation_failed",
        BadRequest = "bad_request",
        MalformedJson = "malformed_json",
        UnknownParameter = "unknown_parameter",
        InvalidCursor = "invalid_cursor",
        MissingToken = "missing_token",
        InvalidToken = "invalid_token",
        TokenExpired = "token_expired",
        InvalidCredentials = "invalid_credentials",
        InvalidRefreshToken = "invalid_refresh_token",
        RefreshTokenReused = "refresh_token_reused",
        RefreshTokenExpired = "refresh_token_expired",
        Forbidden = "forbidden",
        PasswordChangeRequired = "password_change_required",
        WrongCredential = "wrong_credential",
        RiderTokenRestricted = "rider_token_restricted",
        IntegratorScopeMissing = "integrator_scope_missing",
        SyncCursorExpired = "sync_cursor_expired",
        NotFound = "not_found",
        MethodNotAllowed = "method_not_allowed",
        PreconditionFailed = "precondition_failed",
        PayloadTooLarge = "payload_too_large",
        UnsupportedMediaType = "unsupported_media_type",
        AccountLocked = "account_locked",
        RateLimited = "rate_limited",
        ConcurrentChange = "concurrent_change",
        InvalidIdempotencyKey = "invalid_idempotency_key",
        IdempotencyKeyInUse = "idempotency_key_in_use",
        UsernameTaken = "username_taken",
        CodeTaken = "code_taken",
        TooManyTokens = "too_many_tokens",
        NameTaken = "name_taken",
        RiderEnrolled = "rider_enrolled",
        CaseExists = "case_exists",
        VisitExists = "visit_exists",
        InspectionExists = "inspection_exists",
        OccurrenceDone = "occurrence_done",
        DisputeExists = "dispute_exists",
        TalkExists = "talk_exists",
        PolicyExists = "policy_exists",
        BriefingExists = "briefing_exists",
        NotTargeted = "not_targeted",
        InvalidTransition = "invalid_transition",
        TopLevel = "top_level",
        AlreadyReportedIn = "already_reported_in",
        SelfLockout = "self_lockout",
        ZoneExists = "zone_exists",
        EnterpriseHasGrid = "enterprise_has_grid",
        CodeSpaceExhausted = "code_space_exhausted",
        GridNotEmpty = "grid_not_empty",
        GridArchived = "grid_archived",
        UsccTaken = "uscc_taken",
        HasEnterpriseGrid = "has_enterprise_grid",
        PersonExists = "person_exists",
        UserLinked = "user_linked",
        GridHasLeader = "grid_has_leader",
        AlreadyAssigned = "already_assigned",
        AssignmentEnded = "assignment_ended",
        PlacardNotReady = "placard_not_ready",
        PlacardNotPublished = "placard_not_published",
        MonthNotOver = "month_not_over",
        TrainingRecorded = "training_recorded",
        PreJobTrainingMissing = "pre_job_training_missing",
        AlreadyMember = "already_member",
        AccountHeld = "account_held",
        NotCommended = "not_commended",
        ServiceUnavailable = "service_unavailable",
        InternalError = "internal_error",
    }
}

codes! {
    /// Why one field was refused (besides the `validator` crate's own
    /// `length`, `range`, …).
    FieldCode {
        Invalid = "invalid",
        InvalidCharacter = "invalid_character",
        Required = "required",
        TooLong = "too_long",
        OutOfRange = "out_of_range",
        NotFound = "not_found",
        UnknownKind = "unknown_kind",
        UnknownRole = "unknown_role",
        UnknownFlag = "unknown_flag",
        UnknownAction = "unknown_action",
        WrongKind = "wrong_kind",
        InvalidPlacement = "invalid_placement",
        InvalidGeometry = "invalid_geometry",
        InvalidUscc = "invalid_uscc",
        InvalidSection = "invalid_section",
        IncompleteLocation = "incomplete_location",
        InvalidMobile = "invalid_mobile",
        InvalidPhone = "invalid_phone",
        InvalidIdCard = "invalid_id_card",
        WeakPassword = "weak_password",
        WrongPassword = "wrong_password",
        Reused = "reused",
        NotHeld = "not_held",
        UnknownScope = "unknown_scope",
        NoConsent = "no_consent",
        NotAService = "not_a_service",
    }
}

/// `text` cut to at most `max` characters, with an ellipsis when cut.
pub fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// One invalid field of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// The request field (JSON name or query parameter).
    #[schema(max_length = 200)]
    pub field: String,
    /// Stable machine-readable reason: a `FieldCode`, or a `validator` code
    /// such as `length` or `range`.
    #[schema(max_length = 64)]
    pub code: String,
    #[schema(max_length = 1000)]
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, code: FieldCode, message: impl fmt::Display) -> FieldError {
        FieldError::raw(field, code.as_str(), message)
    }

    /// A field error whose code comes from elsewhere (the `validator` crate).
    /// Field names may echo a client's key, so both texts are clipped to
    /// the lengths the spec promises.
    pub fn raw(field: &str, code: &str, message: impl fmt::Display) -> FieldError {
        FieldError {
            field: clip(field, 200),
            code: clip(code, 64),
            message: clip(&message.to_string(), 1000),
        }
    }
}

/// One obstacle of a conflict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Reason {
    /// Stable machine-readable code from the domain, e.g. `missing_grid_leader`, `has_children`.
    #[schema(max_length = 64)]
    pub code: String,
    #[schema(max_length = 1000)]
    pub message: String,
    /// The record concerned, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 64)]
    pub id: Option<String>,
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum AppError {
    /// Fields that break the rules, each named.
    #[error("validation failed")]
    Invalid(Vec<FieldError>),
    /// Credentials or a refresh token that do not hold.
    #[error("{detail}")]
    Unauthenticated { code: ErrorCode, detail: String },
    /// The caller's roles do not allow this.
    #[error("forbidden")]
    Forbidden,
    /// The caller may not act until it has done something first (`code`
    /// says what).
    #[error("{detail}")]
    Refused { code: ErrorCode, detail: String },
    /// No such record, or outside the caller's scope.
    #[error("not found")]
    NotFound,
    /// The state of the records forbids it; `reasons` lists what stands in the way.
    #[error("{detail}")]
    Conflict {
        code: ErrorCode,
        detail: String,
        reasons: Vec<Reason>,
    },
    /// What the request continues is gone for good (an expired sync
    /// cursor): start again.
    #[error("{detail}")]
    Gone { code: ErrorCode, detail: String },
    /// The record changed since the caller read it (optimistic concurrency).
    #[error("stale version")]
    Stale,
    /// Too many requests, or too many failed logins: come back later.
    #[error("throttled: {code}")]
    Throttled {
        code: ErrorCode,
        retry_after_secs: u64,
    },
    /// The database is unreachable or busy; worth a retry.
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// A bug or a broken invariant; logged, never shown.
    #[error("internal: {0}")]
    Internal(String),
}

impl AppError {
    pub fn invalid(field: &str, code: FieldCode, message: impl fmt::Display) -> AppError {
        AppError::Invalid(vec![FieldError::new(field, code, message)])
    }

    pub fn conflict(code: ErrorCode, detail: impl Into<String>) -> AppError {
        AppError::conflict_because(code, detail, Vec::new())
    }

    pub fn conflict_because(
        code: ErrorCode,
        detail: impl Into<String>,
        reasons: Vec<Reason>,
    ) -> AppError {
        AppError::Conflict {
            code,
            detail: detail.into(),
            reasons,
        }
    }

    pub fn unauthenticated(code: ErrorCode, detail: impl Into<String>) -> AppError {
        AppError::Unauthenticated {
            code,
            detail: detail.into(),
        }
    }

    /// `Ok` when `errors` is empty, else all of them at once.
    pub fn check(errors: Vec<FieldError>) -> Result<(), AppError> {
        if errors.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(errors))
        }
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> AppError {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => AppError::NotFound,
            // SQLite answers "database is locked" after busy_timeout; PostgreSQL
            // serialization failures are likewise worth a retry
            Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => {
                AppError::Unavailable(e.to_string())
            }
            Error::DatabaseError(_, ref info) if info.message().contains("database is locked") => {
                AppError::Unavailable(e.to_string())
            }
            Error::DatabaseError(DatabaseErrorKind::ClosedConnection, _) => {
                AppError::Unavailable(e.to_string())
            }
            // a uniqueness or reference rule the command checked was broken by
            // a concurrent request between its check and its write
            Error::DatabaseError(
                DatabaseErrorKind::UniqueViolation | DatabaseErrorKind::ForeignKeyViolation,
                _,
            ) => AppError::conflict(
                ErrorCode::ConcurrentChange,
                "Another request changed the same records at the same moment; read them again and retry.",
            ),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<crate::auth::password::HashError> for AppError {
    fn from(e: crate::auth::password::HashError) -> AppError {
        use crate::auth::password::HashError;
        match e {
            HashError::PoolStopped => AppError::Unavailable(e.to_string()),
            HashError::Failed(_) => AppError::Internal(e.to_string()),
        }
    }
}

impl From<r2d2::Error> for AppError {
    fn from(e: r2d2::Error) -> AppError {
        AppError::Unavailable(e.to_string())
    }
}

impl From<validator::ValidationErrors> for AppError {
    fn from(errors: validator::ValidationErrors) -> AppError {
        let mut fields: Vec<FieldError> = errors
            .field_errors()
            .into_iter()
            .flat_map(|(field, errs)| {
                errs.iter().map(move |e| {
                    let message = e
                        .message
                        .as_ref()
                        .map_or_else(|| e.code.to_string(), |m| m.to_string());
                    FieldError::raw(field.as_ref(), &e.code, message)
                })
            })
            .collect();
        fields.sort_by(|a, b| a.field.cmp(&b.field));
        AppError::Invalid(fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_serialise_as_themselves() {
        let mut seen: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), ErrorCode::ALL.len());
        for code in ErrorCode::ALL {
            assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
        }
        for code in FieldCode::ALL {
            assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
        }
    }
}
