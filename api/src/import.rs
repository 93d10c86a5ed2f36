//! `gridwork import enterprises|people FILE.csv`: header-checked and
//! all-or-nothing. Every row goes through the same rules as the API; a report
//! names every bad row (line, field, reason) and nothing is written unless
//! every row is good.

use std::collections::HashMap;
use std::io::Read;

use diesel::Connection;
use gridwork_domain::Scope;
use gridwork_domain::audit::{AuditAction, Outcome};
use gridwork_domain::grid::GridKind;
use gridwork_persistence::enterprise::{self, EnterpriseRow};
use gridwork_persistence::person::{self, PersonRow};
use gridwork_persistence::{DbConnection, grid, time};

use crate::audit::{AuditEvent, RequestOrigin};
use crate::error::ApiError;
use crate::routes::{enterprises as firm_rules, people as person_rules};

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
    Query(#[from] diesel::result::Error),
    #[error("{0}")]
    Other(#[from] anyhow::Error),
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

pub const PEOPLE_COLUMNS: [&str; 7] = [
    "name",
    "mobile",
    "work_phone",
    "id_card_number",
    "party_member",
    "grid_code",
    "placard_consent",
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

/// Field errors of a rule check, as row errors.
fn row_errors(line: u64, error: ApiError) -> Vec<RowError> {
    match error {
        ApiError::Validation(fields) => fields
            .into_iter()
            .map(|f| RowError {
                line,
                field: f.field,
                reason: f.message,
            })
            .collect(),
        other => vec![RowError {
            line,
            field: "row".into(),
            reason: other.to_string(),
        }],
    }
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
) -> anyhow::Result<Option<String>> {
    let Some(code) = code else { return Ok(None) };
    let found = grid::by_code(conn, code)?.filter(|g| {
        g.archived_at.is_none() && GridKind::parse(&g.kind).is_some_and(|k| kinds.contains(&k))
    });
    if found.is_none() {
        let kinds: Vec<&str> = kinds.iter().map(|k| k.code()).collect();
        errors.push(RowError {
            line,
            field: "grid_code".into(),
            reason: format!("no active {} grid has code {code}", kinds.join("/")),
        });
    }
    Ok(found.map(|g| g.id))
}

/// Imports enterprises; returns how many were added.
pub fn enterprises(conn: &mut DbConnection, input: impl Read) -> Result<usize, ImportError> {
    let rows = read_rows(input, &ENTERPRISE_COLUMNS)?;
    let now = time::to_db(time::now());
    conn.transaction(|conn| {
        let mut errors = Vec::new();
        let mut seen_uscc: HashMap<String, u64> = HashMap::new();
        let mut count = 0;
        for (line, v) in &rows {
            let line = *line;
            let mut row = EnterpriseRow::new("", now);
            let input = firm_rules::EnterpriseInput {
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
                grid_id: None,
            };
            if let Err(e) = firm_rules::apply(&mut row, input) {
                errors.extend(row_errors(line, e));
                continue;
            }
            row.grid_id = grid_id(
                conn,
                line,
                v.get("grid_code"),
                &[GridKind::General],
                &mut errors,
            )?;
            if let Some(uscc) = &row.uscc
                && let Some(first) = seen_uscc.insert(uscc.clone(), line)
            {
                errors.push(RowError {
                    line,
                    field: "uscc".into(),
                    reason: format!("repeats line {first}"),
                });
                continue;
            }
            if let Err(e) = firm_rules::check_references(conn, &row, None, &Scope::Zone) {
                errors.extend(row_errors(line, e));
                continue;
            }
            enterprise::insert(conn, &row)?;
            count += 1;
        }
        if !errors.is_empty() {
            return Err(ImportError::Rows(errors));
        }
        AuditEvent::new(AuditAction::Import, Outcome::Success)
            .detail(serde_json::json!({ "kind": "enterprises", "rows": count }))
            .write(conn, &RequestOrigin::default())?;
        Ok(count)
    })
}

/// Imports people; returns how many were added.
pub fn people(
    conn: &mut DbConnection,
    input: impl Read,
    pii_key: &[u8],
) -> Result<usize, ImportError> {
    let rows = read_rows(input, &PEOPLE_COLUMNS)?;
    let now = time::to_db(time::now());
    conn.transaction(|conn| {
        let mut errors = Vec::new();
        let mut seen_id: HashMap<String, u64> = HashMap::new();
        let mut count = 0;
        for (line, v) in &rows {
            let line = *line;
            let mut row = PersonRow::new("", now);
            let input = person_rules::PersonInput {
                name: v.get("name").cloned(),
                mobile: v.get("mobile").map(|s| Some(s.clone())),
                work_phone: v.get("work_phone").map(|s| Some(s.clone())),
                id_card_number: v.get("id_card_number").map(|s| Some(s.clone())),
                party_member: flag(line, "party_member", v.get("party_member"), &mut errors),
                user_id: None,
                grid_id: None,
                placard_consent: flag(
                    line,
                    "placard_consent",
                    v.get("placard_consent"),
                    &mut errors,
                ),
            };
            if let Err(e) = person_rules::apply(&mut row, input, pii_key) {
                errors.extend(row_errors(line, e));
                continue;
            }
            row.grid_id = grid_id(conn, line, v.get("grid_code"), &GridKind::ALL, &mut errors)?;
            if let Some(hash) = &row.id_card_hash
                && let Some(first) = seen_id.insert(hash.clone(), line)
            {
                errors.push(RowError {
                    line,
                    field: "id_card_number".into(),
                    reason: format!("repeats line {first}"),
                });
                continue;
            }
            if let Err(e) = person_rules::check_references(conn, &row, &Scope::Zone) {
                errors.extend(row_errors(line, e));
                continue;
            }
            person::insert(conn, &row)?;
            count += 1;
        }
        if !errors.is_empty() {
            return Err(ImportError::Rows(errors));
        }
        AuditEvent::new(AuditAction::Import, Outcome::Success)
            .detail(serde_json::json!({ "kind": "people", "rows": count }))
            .write(conn, &RequestOrigin::default())?;
        Ok(count)
    })
}
