//! Open311 GeoReport v2: the case categories as services, reports from
//! Open311 apps as cases, and searches of them. An app acts through an
//! integrator's key; without one it sees only the public view of the cases
//! that came through Open311 (their status, never their text or place).

use chrono::{DateTime, Utc};
use gridwork_domain::case::duplicate::Window as Nearby;
use gridwork_domain::case::{CaseState, Severity, Source};
use gridwork_domain::integrator::IntegratorScope;
use gridwork_domain::open311::{StatusFilter, Window};
use gridwork_domain::{CaseId, Role, Roles, Scope};
use gridwork_persistence::case::{CaseRow, TimelineRow};
use gridwork_persistence::case_category::{self, CategoryRow};
use gridwork_persistence::integrator::{self as store, CaseSearch, Reporter};
use gridwork_persistence::{DbConnection, grid, time};

use super::cases::{self, CreateCase};
use super::integrators::Integrator;
use super::{AppError, Caller, FieldCode, Origin, Scoped};

/// The most categories served, requests a search answers, and updates.
pub const MAX_SERVICES: i64 = 500;
pub const MAX_REQUESTS: i64 = 1000;
pub const MAX_UPDATES: i64 = 1000;

/// The active case categories, in code order, each with its parent's name
/// (the service group).
pub fn services(conn: &mut DbConnection) -> Result<Vec<(CategoryRow, String)>, AppError> {
    let all = case_category::page(conn, None, MAX_SERVICES)?;
    let group = |row: &CategoryRow| {
        let parent = row.parent_code.as_deref().unwrap_or(&row.code);
        all.iter()
            .find(|c| c.code == parent)
            .map_or_else(|| row.name_en.clone(), |c| c.name_en.clone())
    };
    Ok(all
        .iter()
        .filter(|c| c.archived_at.is_none())
        .map(|c| (c.clone(), group(c)))
        .collect())
}

/// One active category by its service code.
pub fn service(conn: &mut DbConnection, code: &str) -> Result<CategoryRow, AppError> {
    case_category::find(conn, code)?
        .filter(|c| c.archived_at.is_none())
        .ok_or(AppError::NotFound)
}

/// What an Open311 app sends to report, once read from its form.
#[derive(Debug, Clone)]
pub struct Submission {
    pub service_code: String,
    /// A point, located to the grid that holds it.
    pub point: Option<(f64, f64)>,
    pub address: Option<String>,
    pub description: Option<String>,
    pub severity: Severity,
}

/// The longest description a case keeps.
const DESCRIPTION_MAX: usize = 2000;

/// Reports a case for an Open311 app (the integrator needs `report_cases`):
/// at a point, in the grid that holds it; with an address only, in the zone
/// root, for the zone office to place. The address is kept at the head of
/// the description; contact details the app may send are not kept.
pub fn submit(
    conn: &mut DbConnection,
    integrator: &Integrator,
    origin: &Origin,
    submission: &Submission,
    nearby: Nearby,
    now: DateTime<Utc>,
) -> Result<CaseRow, AppError> {
    integrator.require(IntegratorScope::ReportCases)?;
    let category = service(conn, &submission.service_code).map_err(|_| {
        AppError::invalid(
            "service_code",
            FieldCode::NotFound,
            "no such service_code (GET services)",
        )
    })?;
    let mut text = String::new();
    if let Some(address) = &submission.address {
        text.push_str(&format!("[{address}] "));
    }
    text.push_str(
        submission
            .description
            .as_deref()
            .unwrap_or(category.name_zh.as_str()),
    );
    if text.chars().count() > DESCRIPTION_MAX {
        return Err(AppError::invalid(
            "description",
            FieldCode::TooLong,
            format!("the address and description together exceed {DESCRIPTION_MAX} characters"),
        ));
    }
    let grid_id = match submission.point {
        Some(_) => None,
        None => Some(
            grid::zone_root(conn)?
                .ok_or_else(|| AppError::Internal("the zone has no root grid".into()))?
                .id,
        ),
    };
    let input = CreateCase {
        id: None,
        category: category.code,
        severity: submission.severity,
        description: text,
        source: Source::Open311,
        lat: submission.point.map(|p| p.0),
        lng: submission.point.map(|p| p.1),
        grid_id,
        enterprise_id: None,
        attachments: Vec::new(),
        service_stage: None,
    };
    let scoped = Scoped {
        caller: Caller {
            roles: Roles::single(Role::MobileWorker),
            user: None,
            token: None,
            rider: Some(integrator.acting(Source::Open311)),
        },
        scope: Scope::Grids(Vec::new()),
    };
    match cases::create(conn, &scoped, origin, &input, nearby, now) {
        Ok(reported) => Ok(reported.row),
        Err(AppError::Invalid(errors)) if errors.iter().any(|e| e.field == "grid_id") => {
            Err(AppError::invalid(
                "lat",
                FieldCode::NotFound,
                "the point lies in no grid of the zone",
            ))
        }
        Err(e) => Err(e),
    }
}

/// Whose cases a caller searches: an integrator with `read_own_cases` its
/// own; anyone else the public view of what came through Open311.
fn reporter(integrator: Option<&Integrator>) -> Result<Reporter, AppError> {
    match integrator {
        Some(integrator) => {
            integrator.require(IntegratorScope::ReadOwnCases)?;
            Ok(Reporter::Integrator(integrator.row.id.clone()))
        }
        None => Ok(Reporter::Via(Source::Open311)),
    }
}

/// What a search of requests asks.
#[derive(Debug, Clone, Default)]
pub struct Search {
    pub ids: Option<Vec<CaseId>>,
    pub service_codes: Option<Vec<String>>,
    pub status: StatusFilter,
}

/// The requests a caller may see that match, newest first.
pub fn search(
    conn: &mut DbConnection,
    integrator: Option<&Integrator>,
    search: &Search,
    window: Window,
) -> Result<Vec<CaseRow>, AppError> {
    let states: Vec<CaseState> = CaseState::ALL
        .into_iter()
        .filter(|s| search.status.admits(*s))
        .collect();
    let query = CaseSearch {
        reporter: reporter(integrator)?,
        from: time::to_db(window.start),
        to: time::to_db(window.end),
        ids: search.ids.clone(),
        categories: search.service_codes.clone(),
        states: (states.len() < CaseState::ALL.len()).then_some(states),
        limit: MAX_REQUESTS,
    };
    Ok(store::search_cases(conn, &query)?)
}

/// One request the caller may see.
pub fn find(
    conn: &mut DbConnection,
    integrator: Option<&Integrator>,
    id: &CaseId,
) -> Result<CaseRow, AppError> {
    let query = CaseSearch {
        reporter: reporter(integrator)?,
        from: time::to_db(DateTime::<Utc>::MIN_UTC),
        to: time::to_db(DateTime::<Utc>::MAX_UTC),
        ids: Some(vec![id.clone()]),
        categories: None,
        states: None,
        limit: 1,
    };
    store::search_cases(conn, &query)?
        .pop()
        .ok_or(AppError::NotFound)
}

/// The public steps of the requests a caller may see, in the window.
pub fn updates(
    conn: &mut DbConnection,
    integrator: Option<&Integrator>,
    window: Window,
) -> Result<Vec<(TimelineRow, String)>, AppError> {
    Ok(store::public_steps(
        conn,
        &reporter(integrator)?,
        time::to_db(window.start),
        time::to_db(window.end),
        MAX_UPDATES,
    )?)
}
