//! `gridwork import enterprises|people FILE.csv`: header-checked and
//! all-or-nothing. Every row goes through the same rules as the API; a report
//! names every bad row (line, field, reason) and nothing is written unless
//! every row is good.

use std::collections::HashMap;
use std::io::Read;

use diesel::Connection;
use gridwork_domain::audit::AuditAction;
use gridwork_domain::enterprise::Uscc;
use gridwork_domain::grid::GridKind;
use gridwork_domain::person::IdCardNumber;
use gridwork_persistence::{DbConnection, grid};

use crate::app::enterprises::{self, EnterpriseInput};
use crate::app::people::{self, PersonInput};
use crate::app::{AppError, AuditEvent, Origin, Scoped};

/// One problem of one CSV row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// Line in the file (the header is line 1).
    pub line: u64,
    pub field: String,
    pub reason: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("header: {0}")]
    Header(String),
    #[error("{} bad row(s); nothing was imported", .0.len())]
    Rows(Vec<RowError>),
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<diesel::result::Error> for ImportError {
    fn from(e: diesel::result::Error) -> ImportError {
        ImportError::App(e.into())
    }
}

pub const ENTERPRISE_COLUMNS: [&str; 11] = [
    "name",
    "uscc",
    "industry_section",
    "industry_text",
    "employee_count",
    "address",
    "lat",
    "lng",
    "production_characteristics",
    "flags",
    "grid_code",
];

pub const PEOPLE_COLUMNS: [&str; 8] = [
    "name",
    "mobile",
    "work_phone",
    "id_card_number",
    "party_member",
    "grid_code",
    "placard_consent",
    "placard_phone_consent",
];

/// A parsed file: each row as column → non-empty value, with its line.
type Rows = Vec<(u64, HashMap<String, String>)>;

fn read_rows(input: impl Read, allowed: &[&str]) -> Result<Rows, ImportError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(input);
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| ImportError::Header(e.to_string()))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_owned())
        .collect();
    let unknown: Vec<&String> = headers
        .iter()
        .filter(|h| !allowed.contains(&h.as_str()))
        .collect();
    if !unknown.is_empty() {
        return Err(ImportError::Header(format!(
            "unknown column(s) {unknown:?}; allowed: {}",
            allowed.join(", ")
        )));
    }
    if !headers.iter().any(|h| h == "name") {
        return Err(ImportError::Header("the `name` column is required".into()));
    }
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for record in reader.records() {
        match record {
            Ok(record) => {
                let line = record.position().map_or(0, |p| p.line());
                let values = headers
                    .iter()
                    .zip(record.iter())
                    .filter(|(_, v)| !v.is_empty())
                    .map(|(h, v)| (h.clone(), v.to_owned()))
                    .collect();
                rows.push((line, values));
            }
            Err(e) => errors.push(RowError {
                line: e.position().map_or(0, |p| p.line()),
                field: "row".into(),
                reason: e.to_string(),
            }),
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(ImportError::Rows(errors))
    }
}

/// What a command refused, as row errors; a database failure stops the import.
fn row_errors(line: u64, error: AppError) -> Result<Vec<RowError>, ImportError> {
    Ok(match error {
        AppError::Invalid(fields) => fields
            .into_iter()
            .map(|f| RowError {
                line,
                field: f.field,
                reason: f.message,
            })
            .collect(),
        AppError::Unavailable(_) | AppError::Internal(_) => return Err(error.into()),
        other => vec![RowError {
            line,
            field: "row".into(),
            reason: other.to_string(),
        }],
    })
}

fn number<T: std::str::FromStr>(
    line: u64,
    field: &str,
    value: Option<&String>,
    errors: &mut Vec<RowError>,
) -> Option<T> {
    let value = value?;
    match value.parse() {
        Ok(n) => Some(n),
        Err(_) => {
            errors.push(RowError {
                line,
                field: field.into(),
                reason: format!("`{value}` is not a number"),
            });
            None
        }
    }
}

fn flag(
    line: u64,
    field: &str,
    value: Option<&String>,
    errors: &mut Vec<RowError>,
) -> Option<bool> {
    match value.map(|v| v.to_lowercase()).as_deref() {
        None => None,
        Some("true" | "1" | "yes" | "是" | "y") => Some(true),
        Some("false" | "0" | "no" | "否" | "n") => Some(false),
        Some(other) => {
            errors.push(RowError {
                line,
                field: field.into(),
                reason: format!("`{other}` is not yes/no"),
            });
            None
        }
    }
}

/// Resolves `grid_code` to an active grid of one of `kinds`.
fn grid_id(
    conn: &mut DbConnection,
    line: u64,
    code: Option<&String>,
    kinds: &[GridKind],
    errors: &mut Vec<RowError>,
) -> Result<Option<String>, ImportError> {
    let Some(code) = code else { return Ok(None) };
    let found = grid::by_code(conn, code)
        .map_err(AppError::from)?
        .filter(|g| g.archived_at.is_none() && kinds.contains(&g.kind));
    if found.is_none() {
        let kinds: Vec<&str> = kinds.iter().map(|k| k.code()).collect();
        errors.push(RowError {
            line,
            field: "grid_code".into(),
            reason: format!("no active {} grid has code {code}", kinds.join("/")),
        });
    }
    Ok(found.map(|g| g.id.into_string()))
}

/// Runs one row's command; what it refuses becomes the row's errors.
fn import_row<T>(
    line: u64,
    errors: &mut Vec<RowError>,
    command: Result<T, AppError>,
) -> Result<bool, ImportError> {
    match command {
        Ok(_) => Ok(true),
        Err(e) => {
            errors.extend(row_errors(line, e)?);
            Ok(false)
        }
    }
}

/// A value that occurs twice in one file: the second is reported with the
/// first's line (the command would only see a conflict with the stored one).
fn repeated(
    seen: &mut HashMap<String, u64>,
    key: Option<String>,
    line: u64,
    field: &str,
    errors: &mut Vec<RowError>,
) -> bool {
    let Some(first) = key.and_then(|k| seen.insert(k, line)) else {
        return false;
    };
    errors.push(RowError {
        line,
        field: field.into(),
        reason: format!("repeats line {first}"),
    });
    true
}

/// Imports enterprises through the same command as `POST /enterprises`;
/// returns how many were added.
pub fn enterprises(conn: &mut DbConnection, input: impl Read) -> Result<usize, ImportError> {
    let rows = read_rows(input, &ENTERPRISE_COLUMNS)?;
    let (system, origin) = (Scoped::system(), Origin::default());
    conn.transaction(|conn| {
        let mut errors = Vec::new();
        let mut seen_uscc = HashMap::new();
        let mut count = 0;
        for (line, v) in &rows {
            let line = *line;
            let input = EnterpriseInput {
                name: v.get("name").cloned(),
                uscc: v.get("uscc").map(|s| Some(s.clone())),
                industry_section: v.get("industry_section").map(|s| Some(s.clone())),
                industry_text: v.get("industry_text").map(|s| Some(s.clone())),
                employee_count: number(
                    line,
                    "employee_count",
                    v.get("employee_count"),
                    &mut errors,
                )
                .map(Some),
                address: v.get("address").map(|s| Some(s.clone())),
                lat: number(line, "lat", v.get("lat"), &mut errors).map(Some),
                lng: number(line, "lng", v.get("lng"), &mut errors).map(Some),
                production_characteristics: v
                    .get("production_characteristics")
                    .map(|s| Some(s.clone())),
                flags: v.get("flags").map(|f| {
                    f.split([';', '|'])
                        .map(|s| s.trim().to_owned())
                        .filter(|s| !s.is_empty())
                        .collect()
                }),
                principal_person_id: None,
                grid_id: grid_id(
                    conn,
                    line,
                    v.get("grid_code"),
                    &[GridKind::General],
                    &mut errors,
                )?
                .map(Some),
            };
            let uscc = v
                .get("uscc")
                .and_then(|u| Uscc::parse(u).ok())
                .map(|u| u.as_str().to_owned());
            if repeated(&mut seen_uscc, uscc, line, "uscc", &mut errors) {
                continue;
            }
            if import_row(
                line,
                &mut errors,
                enterprises::create(conn, &system, &origin, input),
            )? {
                count += 1;
            }
        }
        if !errors.is_empty() {
            return Err(ImportError::Rows(errors));
        }
        AuditEvent::success(AuditAction::Import)
            .detail(serde_json::json!({ "kind": "enterprises", "rows": count }))
            .write(conn, &origin)?;
        Ok(count)
    })
}

/// Imports people through the same command as `POST /people`; returns how
/// many were added.
pub fn people(
    conn: &mut DbConnection,
    input: impl Read,
    pii_key: &[u8],
) -> Result<usize, ImportError> {
    let rows = read_rows(input, &PEOPLE_COLUMNS)?;
    let (system, origin) = (Scoped::system(), Origin::default());
    conn.transaction(|conn| {
        let mut errors = Vec::new();
        let mut seen_id = HashMap::new();
        let mut count = 0;
        for (line, v) in &rows {
            let line = *line;
            let input = PersonInput {
                name: v.get("name").cloned(),
                mobile: v.get("mobile").map(|s| Some(s.clone())),
                work_phone: v.get("work_phone").map(|s| Some(s.clone())),
                id_card_number: v.get("id_card_number").map(|s| Some(s.clone())),
                party_member: flag(line, "party_member", v.get("party_member"), &mut errors),
                user_id: None,
                grid_id: grid_id(conn, line, v.get("grid_code"), &GridKind::ALL, &mut errors)?
                    .map(Some),
                placard_consent: flag(
                    line,
                    "placard_consent",
                    v.get("placard_consent"),
                    &mut errors,
                ),
                placard_phone_consent: flag(
                    line,
                    "placard_phone_consent",
                    v.get("placard_phone_consent"),
                    &mut errors,
                ),
            };
            let id_card = v
                .get("id_card_number")
                .and_then(|n| IdCardNumber::parse(n).ok())
                .map(|n| n.expose().to_owned());
            if repeated(&mut seen_id, id_card, line, "id_card_number", &mut errors) {
                continue;
            }
            if import_row(
                line,
                &mut errors,
                people::create(conn, &system, &origin, pii_key, input),
            )? {
                count += 1;
            }
        }
        if !errors.is_empty() {
            return Err(ImportError::Rows(errors));
        }
        AuditEvent::success(AuditAction::Import)
            .detail(serde_json::json!({ "kind": "people", "rows": count }))
            .write(conn, &origin)?;
        Ok(count)
    })
}
