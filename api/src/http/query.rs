//! Query-string extractors that refuse what they do not know: an unknown
//! parameter answers 400 naming it (a typo in `grid_id` must not return the
//! whole list), a value that does not parse or validate answers 422 naming
//! its parameter, and NUL or control characters never reach a query.

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use gridwork_domain::case::reference::{RefCode, RefCodeError};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use utoipa::IntoParams;
use validator::Validate;

use super::ApiError;
use super::paging::{Cursors, Page, PageQuery};
use crate::app::{AppError, ErrorCode, FieldCode};

/// Query parameters of type `T`, which lists every parameter it accepts.
#[derive(Debug)]
pub struct Query<T>(pub T);

impl<T> Query<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

/// `validator` check: a number, not NaN (which every range comparison lets through).
pub fn finite(value: f64) -> Result<(), validator::ValidationError> {
    if value.is_finite() {
        Ok(())
    } else {
        Err(validator::ValidationError::new("range").with_message("must be a finite number".into()))
    }
}

fn code_error() -> validator::ValidationError {
    validator::ValidationError::new("pattern").with_message(RefCodeError.to_string().into())
}

/// `validator` check: the shape of a category code (`parent.child` or one part).
pub fn category_code(code: &str) -> Result<(), validator::ValidationError> {
    RefCode::parse(code).map(drop).map_err(|_| code_error())
}

/// `validator` check: the shape of a department code (one part).
pub fn department_code(code: &str) -> Result<(), validator::ValidationError> {
    match RefCode::parse(code) {
        Ok(c) if c.parent().is_none() => Ok(()),
        _ => Err(code_error()),
    }
}

/// `validator` check: a sub-category of `dispute`.
pub fn dispute_category(code: &str) -> Result<(), validator::ValidationError> {
    match RefCode::parse(code) {
        Ok(c) if c.parent() == Some("dispute") => Ok(()),
        _ => Err(code_error()),
    }
}

/// `validator` check: a month, `YYYY-MM`.
pub fn month(text: &str) -> Result<(), validator::ValidationError> {
    gridwork_domain::month::Month::parse(text)
        .map(drop)
        .map_err(|e| validator::ValidationError::new("pattern").with_message(e.into()))
}

/// No parameters besides the page's.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NoFilter {}

/// A list's filters `F` and its page (`limit`, `cursor`), cursor checked.
#[derive(Debug)]
pub struct Listing<F> {
    pub filter: F,
    pub page: Page,
}

fn names<T: IntoParams>() -> Vec<String> {
    T::into_params(|| None)
        .into_iter()
        .map(|p| p.name)
        .collect()
}

/// The query's pairs, each name among `allowed`, no value with a control character.
fn pairs(query: &str, allowed: &[String]) -> Result<(), ApiError> {
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        if !allowed.iter().any(|a| *a == name) {
            return Err(ApiError::BadRequest {
                code: ErrorCode::UnknownParameter,
                detail: format!(
                    "Unknown query parameter `{name}`; this operation takes: {}.",
                    if allowed.is_empty() {
                        "none".to_owned()
                    } else {
                        allowed.join(", ")
                    }
                ),
            });
        }
        if value.chars().any(char::is_control) {
            return Err(AppError::invalid(
                &name,
                FieldCode::InvalidCharacter,
                "must not contain control characters",
            )
            .into());
        }
    }
    Ok(())
}

/// Deserialises and validates `T` from the query, naming the parameter at fault.
fn parse<T: DeserializeOwned + Validate>(query: &str) -> Result<T, ApiError> {
    let deserializer =
        serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    let value: T = serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let path = e.path().to_string();
        let message = e.inner().to_string();
        let field = match path.as_str() {
            "." => super::json::between(&message, "field `", "`")
                .unwrap_or("query")
                .to_owned(),
            _ => path,
        };
        ApiError::from(AppError::invalid(&field, FieldCode::Invalid, message))
    })?;
    value.validate()?;
    Ok(value)
}

impl<T: DeserializeOwned + Validate + IntoParams> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Query<T>, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let query = req.query_string();
        std::future::ready(pairs(query, &names::<T>()).and_then(|()| parse(query).map(Query)))
    }
}

impl<F: DeserializeOwned + Validate + IntoParams> FromRequest for Listing<F> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Listing<F>, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let query = req.query_string();
        let mut allowed = names::<F>();
        allowed.extend(names::<PageQuery>());
        let cursors = req.app_data::<Cursors>().cloned();
        std::future::ready((|| {
            pairs(query, &allowed)?;
            let filter: F = parse(query)?;
            let page: PageQuery = parse(query)?;
            let cursors = cursors.ok_or_else(|| AppError::Internal("Cursors missing".into()))?;
            Ok(Listing {
                filter,
                page: Page::new(&page, cursors)?,
            })
        })())
    }
}
