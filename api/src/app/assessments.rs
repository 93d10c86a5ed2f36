//! Monthly scorecards (考核) of grid workers, grids and departments.
//!
//! A month's scorecards are computed from what happened in it — the cases
//! reported in it (by their state now), the inspections whose window closed
//! in it, the hazards found in it, the policies published in it — under the
//! latest scheme of each level, ranked, and stored. An open month is
//! recomputed when read after `FRESH`; closing a month computes it once more
//! and freezes it, so later edits do not rewrite it.
//!
//! A worker is assessed once for the zone, in their home grid (their
//! full-time, leader, part-time or mobile assignment, in that order, those
//! held in the month first): the facts are all of theirs, wherever they
//! lie. Workers serving in the month are assessed; so is a worker whose
//! post lies outside the month but whose work falls in it (records kept
//! from before their assignment was entered, or after it ended).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use chrono_tz::Tz;
use gridwork_domain::assessment::{
    self, AssessmentLevel, Facts, Flag, Indicator, Scheme, SchemeError,
};
use gridwork_domain::assignment::GridRole;
use gridwork_domain::audit::{AuditAction, Entity};
use gridwork_domain::coverage::Rate;
use gridwork_domain::grid::GridKind;
use gridwork_domain::inspection_kpi::{Hazard, Occurrence};
use gridwork_domain::month::Month;
use gridwork_domain::schedule::OccurrenceState;
use gridwork_domain::task::start_of;
use gridwork_domain::{GridId, Permission, Role, UserId};
use gridwork_persistence::assessment::{self as store, Among, MonthRow, SchemeRow, ScorecardRow};
use gridwork_persistence::case::{self, CaseFilter, Visible};
use gridwork_persistence::{DbConnection, grid, inspection_schedule, time};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::case_stats::facts as case_facts;
use super::{AppError, AuditEvent, ErrorCode, Expected, FieldCode, Origin, Scoped};

/// How long an open month's stored scorecards answer before a read
/// recomputes them.
pub const FRESH: Duration = Duration::minutes(5);

/// One indicator's weight in a scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, Validate)]
pub struct Weight {
    pub indicator: Indicator,
    /// Whole points; the weights of a scheme add up to 100.
    #[validate(range(max = 100))]
    #[schema(minimum = 0, maximum = 100)]
    pub weight: u8,
}

/// A scheme as edited: weights adding up to 100 (indicators left out weigh
/// nothing, each named once) and the thresholds of the total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct SchemeInput {
    #[validate(length(min = 1, max = 8), nested)]
    #[schema(min_items = 1, max_items = 8)]
    pub weights: Vec<Weight>,
    /// A total at or above this (whole points) is commended.
    #[validate(range(min = 1, max = 100))]
    #[schema(minimum = 1, maximum = 100)]
    pub commend_at: u8,
    /// A total below this is reviewed; below `commend_at`.
    #[validate(range(max = 99))]
    #[schema(minimum = 0, maximum = 99)]
    pub review_below: u8,
}

/// One version of a level's scheme.
#[derive(Debug, Clone)]
pub struct SchemeVersion {
    pub level: AssessmentLevel,
    pub version: i32,
    pub scheme: Scheme,
    pub created_at: NaiveDateTime,
    pub created_by: Option<UserId>,
}

fn read_scheme(row: SchemeRow) -> Result<SchemeVersion, AppError> {
    let bad = |e: String| AppError::Internal(format!("stored scheme {}: {e}", row.version));
    let weights: BTreeMap<Indicator, u8> =
        serde_json::from_str(&row.weights).map_err(|e| bad(e.to_string()))?;
    let threshold = |t: i32| u8::try_from(t).map_err(|e| bad(e.to_string()));
    let scheme = Scheme::parse(
        weights,
        threshold(row.commend_at)?,
        threshold(row.review_below)?,
    )
    .map_err(|e| bad(format!("{e:?}")))?;
    Ok(SchemeVersion {
        level: row.level,
        version: row.version,
        scheme,
        created_at: row.created_at,
        created_by: row.created_by,
    })
}

/// The latest scheme of each level.
pub fn schemes(conn: &mut DbConnection) -> Result<Vec<SchemeVersion>, AppError> {
    store::latest_schemes(conn)?
        .into_iter()
        .map(read_scheme)
        .collect()
}

/// A level's scheme at `version`, or its latest.
pub fn scheme(
    conn: &mut DbConnection,
    level: AssessmentLevel,
    version: Option<i32>,
) -> Result<SchemeVersion, AppError> {
    read_scheme(store::scheme(conn, level, version)?.ok_or(AppError::NotFound)?)
}

fn parse_scheme(input: &SchemeInput) -> Result<Scheme, AppError> {
    let mut seen = BTreeSet::new();
    for (i, w) in input.weights.iter().enumerate() {
        if !seen.insert(w.indicator) {
            return Err(AppError::invalid(
                &format!("weights[{i}].indicator"),
                FieldCode::Invalid,
                "each indicator is weighted once",
            ));
        }
    }
    Scheme::parse(
        input.weights.iter().map(|w| (w.indicator, w.weight)),
        input.commend_at,
        input.review_below,
    )
    .map_err(|e| match e {
        SchemeError::WeightsSum(sum) => AppError::invalid(
            "weights",
            FieldCode::Invalid,
            format!("the weights add up to {sum}; they must add up to 100"),
        ),
        SchemeError::Thresholds { .. } => AppError::invalid(
            "review_below",
            FieldCode::OutOfRange,
            "review_below must be below commend_at",
        ),
    })
}

/// Edits a level's scheme: its next version, used by every month computed
/// from now on (closed months keep theirs). The same content as the latest
/// changes nothing and answers it.
pub fn update_scheme(
    conn: &mut DbConnection,
    scoped: &Scoped,
    origin: &Origin,
    level: AssessmentLevel,
    expected: &Expected,
    input: &SchemeInput,
) -> Result<SchemeVersion, AppError> {
    scoped.require(Permission::ManageAssessments)?;
    input.validate()?;
    let wanted = parse_scheme(input)?;
    super::transaction(conn, |conn| {
        let current = scheme(conn, level, None)?;
        if current.scheme == wanted {
            return Ok(current);
        }
        expected.check(current.version)?;
        let weights: BTreeMap<&str, u8> = wanted
            .weights()
            .iter()
            .map(|(i, w)| (i.code(), *w))
            .collect();
        let row = SchemeRow {
            level,
            version: current.version + 1,
            weights: serde_json::to_string(&weights)
                .map_err(|e| AppError::Internal(e.to_string()))?,
            commend_at: i32::from(wanted.commend_at()),
            review_below: i32::from(wanted.review_below()),
            created_by: scoped.caller.user_id().cloned(),
            created_at: time::to_db(time::now()),
        };
        store::insert_scheme(conn, &row)?;
        AuditEvent::success(AuditAction::SchemeUpdate)
            .by(&scoped.caller)
            .on(Entity::AssessmentScheme, level.code())
            .detail(serde_json::json!({
                "version": row.version,
                "weights": weights,
                "commend_at": row.commend_at,
                "review_below": row.review_below,
            }))
            .write(conn, origin)?;
        read_scheme(row)
    })
}

/// A month's bounds in the zone's time zone, as stored times.
fn bounds(month: Month, tz: Tz) -> (NaiveDateTime, NaiveDateTime) {
    (
        time::to_db(start_of(month.first_day(), &tz)),
        time::to_db(start_of(month.next().first_day(), &tz)),
    )
}

/// Which grid a worker is assessed in, by the role held there.
fn home_rank(role: GridRole) -> u8 {
    match role {
        GridRole::FullTimeWorker => 0,
        GridRole::GridLeader => 1,
        GridRole::PartTimeWorker => 2,
        GridRole::MobileWorker => 3,
        GridRole::PartyInstructor => 4,
    }
}

/// Each level's subjects, `(grid, subject)` → facts.
#[derive(Default)]
struct Gathered {
    workers: HashMap<UserId, (GridId, Facts)>,
    /// Every worker's home grid, serving in the month or not.
    homes: HashMap<UserId, GridId>,
    grids: HashMap<GridId, Facts>,
    departments: HashMap<String, Facts>,
}

impl Gathered {
    /// The facts of a worker: one serving in the month, or one who served
    /// at another time and did work that falls in it (records kept from
    /// before their assignment was entered, or after it ended).
    fn worker(&mut self, user: Option<&UserId>) -> Option<&mut Facts> {
        let user = user?;
        if !self.workers.contains_key(user) {
            let home = self.homes.get(user)?.clone();
            self.workers.insert(user.clone(), (home, Facts::default()));
        }
        self.workers.get_mut(user).map(|(_, f)| f)
    }
}

/// Computes a month's scorecards from the records as they stand at `now`.
pub fn compute(
    conn: &mut DbConnection,
    month: Month,
    tz: Tz,
    now: DateTime<Utc>,
) -> Result<Vec<ScorecardRow>, AppError> {
    let (from, to) = bounds(month, tz);
    let end = to.min(time::to_db(now));
    let mut g = Gathered::default();
    // the subjects: workers serving in the month, grids, departments
    // home grids: of the assignments in the month where there are some
    let mut homes: HashMap<UserId, (bool, u8, String, GridId)> = HashMap::new();
    for post in store::workers(conn, from, to)? {
        // serving in the month first, then by role, then by code
        let key = (
            !post.serving,
            home_rank(post.role),
            post.grid_code,
            post.grid_id,
        );
        match homes.get(&post.user_id) {
            Some(home) if *home <= key => {}
            _ => {
                homes.insert(post.user_id, key);
            }
        }
    }
    for (user, (not_serving, _, _, grid)) in homes {
        if !not_serving {
            g.workers
                .insert(user.clone(), (grid.clone(), Facts::default()));
        }
        g.homes.insert(user, grid);
    }
    for row in grid::all(conn, None)? {
        if row.kind != GridKind::Zone {
            g.grids.insert(row.id, Facts::default());
        }
    }
    for code in store::departments(conn)? {
        g.departments.insert(code, Facts::default());
    }
    // cases reported in the month
    let everything = Visible::everything();
    let filter = CaseFilter {
        from: Some(from),
        to: Some(to),
        ..CaseFilter::default()
    };
    for row in case::stat_rows(conn, &everything, &filter)? {
        let f = case_facts(&row, end);
        if let Some(facts) = g.grids.get_mut(&row.grid_id) {
            facts.cases.add(&f);
            facts.report(row.state);
        }
        if let Some(facts) = g.worker(row.assignee_id.as_ref()) {
            facts.cases.add(&f);
        }
        if let Some(facts) = g.worker(row.reporter_id.as_ref()) {
            facts.report(row.state);
        }
        if let Some(facts) = row.lead.as_ref().and_then(|d| g.departments.get_mut(d)) {
            facts.cases.add(&f);
        }
    }
    // inspections whose window closed in the month (so far)
    for (grid_id, assignee, done_by, state, on_time) in
        inspection_schedule::facts(conn, None, from, end)?
    {
        let o = Occurrence {
            done: state == OccurrenceState::Done,
            on_time: on_time == Some(true),
        };
        if let Some(facts) = g.grids.get_mut(&grid_id) {
            facts.inspections.add(o);
        }
        if let Some(facts) = g.worker(assignee.or(done_by).as_ref()) {
            facts.inspections.add(o);
        }
    }
    // hazards found in the month, once rectified or due
    for (grid_id, inspector, _, due, rectified) in store::hazards_found(conn, from, to)? {
        if rectified.is_none() && due > end {
            continue;
        }
        let h = Hazard {
            found: true,
            rectified_on_time: rectified.is_some_and(|r| r <= due),
            open: false,
            overdue: false,
        };
        if let Some(facts) = g.grids.get_mut(&grid_id) {
            facts.hazards.add(h);
        }
        if let Some(facts) = g.worker(Some(&inspector)) {
            facts.hazards.add(h);
        }
    }
    // policies published in the month: each worker once per policy
    let mut counted = BTreeSet::new();
    for seat in super::policies::reached_seats(conn, from, to)? {
        if let Some(facts) = g.grids.get_mut(&seat.grid_id) {
            facts.policy(seat.acknowledged);
        }
        if counted.insert((seat.policy_id.clone(), seat.user_id.clone()))
            && let Some(facts) = g.worker(Some(&seat.user_id))
        {
            facts.policy(seat.acknowledged);
        }
    }
    let schemes: HashMap<AssessmentLevel, SchemeVersion> =
        schemes(conn)?.into_iter().map(|s| (s.level, s)).collect();
    let mut rows = Vec::new();
    let subjects = [
        (
            AssessmentLevel::Worker,
            g.workers
                .into_iter()
                .map(|(u, (grid, f))| ((grid.to_string(), u.to_string()), f))
                .collect::<Vec<_>>(),
        ),
        (
            AssessmentLevel::Grid,
            g.grids
                .into_iter()
                .map(|(grid, f)| ((grid.to_string(), grid.to_string()), f))
                .collect(),
        ),
        (
            AssessmentLevel::Department,
            g.departments
                .into_iter()
                .map(|(code, f)| ((String::new(), code), f))
                .collect(),
        ),
    ];
    for (level, facts) in subjects {
        let scheme = schemes
            .get(&level)
            .ok_or_else(|| AppError::Internal(format!("no scheme for {level}")))?;
        rows.extend(scorecards(month, level, scheme, facts)?);
    }
    Ok(rows)
}

/// One level's scorecards, in ranking order.
fn scorecards(
    month: Month,
    level: AssessmentLevel,
    scheme: &SchemeVersion,
    facts: Vec<((String, String), Facts)>,
) -> Result<Vec<ScorecardRow>, AppError> {
    let mut measured: BTreeMap<(String, String), BTreeMap<Indicator, Rate>> = BTreeMap::new();
    let mut totals = BTreeMap::new();
    for (key, f) in facts {
        let measures = f.measures();
        totals.insert(key.clone(), scheme.scheme.total(&measures));
        measured.insert(key, measures);
    }
    let ranked = assessment::rank(&totals);
    let unranked = totals
        .iter()
        .filter(|(_, t)| t.is_none())
        .map(|(k, _)| (k.clone(), None));
    let ordered = ranked
        .into_iter()
        .map(|(k, total, rank)| (k, Some((total, rank))))
        .chain(unranked);
    let mut rows = Vec::with_capacity(measured.len());
    for (i, (key, scored)) in ordered.enumerate() {
        let measures = measured.remove(&key).unwrap_or_default();
        let stored: BTreeMap<&str, [u64; 2]> = measures
            .iter()
            .map(|(i, r)| (i.code(), [r.numerator, r.denominator]))
            .collect();
        let (grid_id, subject_id) = key;
        rows.push(ScorecardRow {
            month: month.to_string(),
            level,
            position: i32::try_from(i + 1).unwrap_or(i32::MAX),
            grid_id,
            subject_id,
            scheme_version: scheme.version,
            measures: serde_json::to_string(&stored)
                .map_err(|e| AppError::Internal(e.to_string()))?,
            total: scored.map(|(t, _)| i32::try_from(t).unwrap_or(i32::MAX)),
            rank: scored.map(|(_, r)| i32::try_from(r).unwrap_or(i32::MAX)),
            flag: scored
                .and_then(|(t, _)| scheme.scheme.flag(t))
                .map(|f| f.code().to_owned()),
        });
    }
    Ok(rows)
}

/// Recomputes an open month's scorecards and stores them; false (nothing
/// changed) when the month is closed. The facts are read before the write
/// transaction, which only swaps the rows.
pub fn refresh(
    conn: &mut DbConnection,
    month: Month,
    tz: Tz,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let rows = compute(conn, month, tz, now)?;
    let at = time::to_db(now);
    super::transaction(conn, |conn| {
        if store::claim(conn, &month.to_string(), at)?.is_none() {
            return Ok(false);
        }
        store::replace(conn, &month.to_string(), &rows)?;
        Ok(true)
    })
}

/// Recomputes this month's and last month's scorecards when they are open
/// and older than `FRESH` (or never computed), so that readers seldom wait
/// for a computation (the sweeper's part). Answers how many it recomputed.
pub fn refresh_stale(
    conn: &mut DbConnection,
    tz: Tz,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let this = Month::of(now.with_timezone(&tz).date_naive());
    let last = Month::of(this.first_day() - Duration::days(1));
    let mut done = 0;
    for month in [this, last] {
        let stale = store::month(conn, &month.to_string())?
            .is_none_or(|m| m.closed_at.is_none() && m.computed_at < time::to_db(now - FRESH));
        if stale && refresh(conn, month, tz, now)? {
            done += 1;
        }
    }
    Ok(done)
}

/// Where a month stands.
#[derive(Debug, Clone)]
pub struct MonthState {
    pub month: Month,
    pub computed_at: NaiveDateTime,
    pub closed_at: Option<NaiveDateTime>,
    pub closed_by: Option<UserId>,
}

impl MonthState {
    fn of(month: Month, row: MonthRow) -> MonthState {
        MonthState {
            month,
            computed_at: row.computed_at,
            closed_at: row.closed_at,
            closed_by: row.closed_by,
        }
    }
}

/// The month as stored, or NotFound.
fn stored(conn: &mut DbConnection, month: Month) -> Result<MonthState, AppError> {
    let row = store::month(conn, &month.to_string())?.ok_or(AppError::NotFound)?;
    Ok(MonthState::of(month, row))
}

/// Refuses a month that has not begun in the zone.
fn begun(month: Month, tz: Tz, now: DateTime<Utc>) -> Result<(), AppError> {
    if start_of(month.first_day(), &tz) > now {
        return Err(AppError::invalid(
            "period",
            FieldCode::OutOfRange,
            "the month has not begun",
        ));
    }
    Ok(())
}

/// Closes a month that is over: computes it a last time and freezes it.
/// Closing a closed month changes nothing and answers it.
pub fn close(
    conn: &mut DbConnection,
    scoped: &Scoped,
    origin: &Origin,
    month: Month,
    tz: Tz,
    now: DateTime<Utc>,
) -> Result<MonthState, AppError> {
    scoped.require(Permission::ManageAssessments)?;
    if start_of(month.next().first_day(), &tz) > now {
        return Err(AppError::conflict(
            ErrorCode::MonthNotOver,
            "The month is not over yet; it can be closed from the first day of the next.",
        ));
    }
    let key = month.to_string();
    if let Some(row) = store::month(conn, &key)?
        && row.closed_at.is_some()
    {
        return Ok(MonthState::of(month, row));
    }
    let rows = compute(conn, month, tz, now)?;
    let at = time::to_db(now);
    let by = scoped.caller.user_id();
    super::transaction(conn, |conn| {
        if store::claim(conn, &key, at)?.is_some() {
            store::replace(conn, &key, &rows)?;
            store::close(conn, &key, at, by)?;
            let flagged = |flag: Flag| {
                rows.iter()
                    .filter(|r| r.flag.as_deref() == Some(flag.code()))
                    .count()
            };
            AuditEvent::success(AuditAction::AssessmentClose)
                .by(&scoped.caller)
                .on(Entity::AssessmentMonth, &key)
                .detail(serde_json::json!({
                    "scorecards": rows.len(),
                    "commended": flagged(Flag::Commend),
                    "to_review": flagged(Flag::Review),
                }))
                .write(conn, origin)?;
        }
        stored(conn, month)
    })
}

/// One scorecard as answered.
#[derive(Debug, Clone)]
pub struct Scorecard {
    pub row: ScorecardRow,
    pub name_zh: String,
    pub name_en: String,
    pub measures: BTreeMap<Indicator, Rate>,
}

/// A page of a month's scorecards of a level.
#[derive(Debug, Clone)]
pub struct ScorecardPage {
    pub state: MonthState,
    pub scheme: SchemeVersion,
    pub items: Vec<Scorecard>,
}

/// Whose scorecards the caller sees: the office all; a grid leader the
/// workers and grids of their grids; anyone else their own (a worker's
/// own, the grids they serve, their department's).
fn among(scoped: &Scoped, level: AssessmentLevel) -> Among<'_> {
    let Some(grids) = scoped.scope.grid_ids() else {
        return Among::Everyone;
    };
    let leader = scoped.caller.roles.contains(Role::GridLeader);
    let user = scoped.caller.user.as_ref();
    match level {
        AssessmentLevel::Grid => Among::Grids(grids),
        AssessmentLevel::Worker if leader => Among::Grids(grids),
        AssessmentLevel::Worker => Among::Subject(user.map(|u| u.id.as_str())),
        AssessmentLevel::Department => {
            Among::Subject(user.and_then(|u| u.department_code.as_deref()))
        }
    }
}

/// One keyset page of a month's scorecards the caller may see, ranked,
/// after position `after`. An open month is recomputed first when its
/// figures are older than `FRESH`.
#[allow(clippy::too_many_arguments)]
pub fn list(
    conn: &mut DbConnection,
    scoped: &Scoped,
    month: Month,
    level: AssessmentLevel,
    tz: Tz,
    now: DateTime<Utc>,
    after: Option<i32>,
    fetch: i64,
) -> Result<ScorecardPage, AppError> {
    begun(month, tz, now)?;
    let fresh = store::month(conn, &month.to_string())?
        .is_some_and(|m| m.closed_at.is_some() || m.computed_at >= time::to_db(now - FRESH));
    if !fresh {
        refresh(conn, month, tz, now)?;
    }
    let state = stored(conn, month)?;
    let rows = store::page(
        conn,
        &month.to_string(),
        level,
        among(scoped, level),
        after,
        fetch,
    )?;
    // the month's own scheme, even when the caller's page is empty
    let version = match rows.first() {
        Some(row) => Some(row.scheme_version),
        None => store::scheme_version_of(conn, &month.to_string(), level)?,
    };
    let scheme = scheme(conn, level, version)?;
    let ids: Vec<String> = rows.iter().map(|r| r.subject_id.clone()).collect();
    let names: HashMap<String, (String, String)> = store::names(conn, level, &ids)?
        .into_iter()
        .map(|(id, zh, en)| (id, (zh, en)))
        .collect();
    let items = rows
        .into_iter()
        .map(|row| {
            let stored: BTreeMap<String, [u64; 2]> = serde_json::from_str(&row.measures)
                .map_err(|e| AppError::Internal(format!("stored measures: {e}")))?;
            let measures = stored
                .into_iter()
                .filter_map(|(code, [n, d])| Indicator::parse(&code).map(|i| (i, Rate::new(n, d))))
                .collect();
            let (name_zh, name_en) = names.get(&row.subject_id).cloned().unwrap_or_default();
            Ok(Scorecard {
                row,
                name_zh,
                name_en,
                measures,
            })
        })
        .collect::<Result<_, AppError>>()?;
    Ok(ScorecardPage {
        state,
        scheme,
        items,
    })
}
