//! A PostgreSQL streaming replica for reads that may lag a little (KPIs,
//! stats, sync): how far it has replayed the primary's WAL, what that means
//! in time, and when each account last wrote, so that an account reads its
//! own writes back. PostgreSQL only: a replica needs `DATABASE_URL` to be
//! PostgreSQL too.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{Nullable, Text, Timestamp};

use crate::connection::DbConnection;
use crate::schema::read_fences;

/// A WAL position (`pg_lsn`), as PostgreSQL prints it: `16/B374D848`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Lsn(u64);

impl Lsn {
    pub fn parse(text: &str) -> Option<Lsn> {
        let (high, low) = text.trim().split_once('/')?;
        let high = u32::from_str_radix(high, 16).ok()?;
        let low = u32::from_str_radix(low, 16).ok()?;
        Some(Lsn(u64::from(high) << 32 | u64::from(low)))
    }
}

#[derive(QueryableByName)]
struct Position {
    #[diesel(sql_type = Text)]
    lsn: String,
    #[diesel(sql_type = Timestamp)]
    at: NaiveDateTime,
}

/// Where the primary's WAL stands now (everything committed before `at`,
/// the primary's clock in UTC, lies at or before it).
pub fn primary_position(conn: &mut DbConnection) -> QueryResult<Option<(Lsn, NaiveDateTime)>> {
    // now() is when this statement's transaction began; the insert position,
    // read after it, is past every commit acknowledged by then
    let p: Position = diesel::sql_query(
        "SELECT pg_current_wal_insert_lsn()::text AS lsn, now() AT TIME ZONE 'utc' AS at",
    )
    .get_result(conn)?;
    Ok(Lsn::parse(&p.lsn).map(|lsn| (lsn, p.at)))
}

#[derive(QueryableByName)]
struct Replayed {
    #[diesel(sql_type = Nullable<Text>)]
    lsn: Option<String>,
}

/// How far a replica has replayed; None when the server is not (or no
/// longer) a replica — a promoted standby is not ours to read.
pub fn replayed(conn: &mut DbConnection) -> QueryResult<Option<Lsn>> {
    let r: Replayed = diesel::sql_query(
        "SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()::text END AS lsn",
    )
    .get_result(conn)?;
    Ok(r.lsn.as_deref().and_then(Lsn::parse))
}

/// Stamps that `user_id` wrote: run after its write committed, so the stamp
/// is later than the commit.
pub fn stamp(conn: &mut DbConnection, user_id: &str) -> QueryResult<()> {
    diesel::sql_query(
        "INSERT INTO read_fences (user_id, wrote_at) VALUES ($1, now() AT TIME ZONE 'utc') \
         ON CONFLICT (user_id) DO UPDATE SET wrote_at = excluded.wrote_at",
    )
    .bind::<Text, _>(user_id)
    .execute(conn)
    .map(drop)
}

/// When `user_id` last wrote, if it did since the stamps began.
pub fn wrote_at(conn: &mut DbConnection, user_id: &str) -> QueryResult<Option<NaiveDateTime>> {
    read_fences::table
        .find(user_id)
        .select(read_fences::wrote_at)
        .first(conn)
        .optional()
}

/// A replica's pool and how fresh it is, shared by the requests and the
/// watcher that samples it.
pub struct Replica {
    pub pool: crate::DbPool,
    freshness: parking_lot::Mutex<Freshness>,
}

impl Replica {
    pub fn new(pool: crate::DbPool, max_lag: Duration) -> Replica {
        Replica {
            pool,
            freshness: parking_lot::Mutex::new(Freshness::new(max_lag)),
        }
    }

    /// As of when (the primary's clock) the replica holds every commit, if
    /// it is fresh enough to read.
    pub fn as_of(&self) -> Option<NaiveDateTime> {
        self.freshness.lock().as_of(Instant::now())
    }

    /// See [`Freshness::primary`].
    pub fn primary(&self, lsn: Lsn, at: NaiveDateTime, taken: Instant) {
        self.freshness.lock().primary(lsn, at, taken);
    }

    /// See [`Freshness::replica`]; None also when a read failed on it.
    pub fn replayed(&self, replayed: Option<Lsn>) {
        self.freshness.lock().replica(replayed);
    }
}

/// How fresh the replica is, from the primary's WAL position sampled over
/// time and the replica's replay position read after each sample: the
/// latest moment by which everything committed is on the replica. Older
/// than `max_lag` (or the replica unreachable) and the replica is not used.
#[derive(Debug)]
pub struct Freshness {
    max_lag: Duration,
    /// Oldest first; none older than `max_lag`.
    samples: VecDeque<Sample>,
    fresh: Option<Sample>,
}

#[derive(Debug, Clone, Copy)]
struct Sample {
    lsn: Lsn,
    /// The primary's clock.
    at: NaiveDateTime,
    /// This process's clock, for the age of the sample.
    taken: Instant,
}

impl Freshness {
    pub fn new(max_lag: Duration) -> Freshness {
        Freshness {
            max_lag,
            samples: VecDeque::new(),
            fresh: None,
        }
    }

    /// The primary stood at `lsn` at `at` (its clock), sampled at `taken`.
    pub fn primary(&mut self, lsn: Lsn, at: NaiveDateTime, taken: Instant) {
        self.samples.push_back(Sample { lsn, at, taken });
        while self
            .samples
            .front()
            .is_some_and(|s| taken.duration_since(s.taken) > self.max_lag)
        {
            self.samples.pop_front();
        }
    }

    /// The replica has replayed up to `replayed` (None: it is unreachable or
    /// not a replica).
    pub fn replica(&mut self, replayed: Option<Lsn>) {
        let Some(replayed) = replayed else {
            self.fresh = None;
            return;
        };
        if let Some(newest) = self.samples.iter().rposition(|s| s.lsn <= replayed) {
            self.fresh = self.samples.get(newest).copied();
            self.samples.drain(..newest);
        }
    }

    /// As of when (the primary's clock) the replica holds every commit, if
    /// that is no older than `max_lag`.
    pub fn as_of(&self, now: Instant) -> Option<NaiveDateTime> {
        self.fresh
            .filter(|s| now.saturating_duration_since(s.taken) <= self.max_lag)
            .map(|s| s.at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lsns_parse_as_postgres_prints_them_and_order_by_position() {
        assert_eq!(Lsn::parse("0/16B3748"), Some(Lsn(0x16B_3748)));
        assert_eq!(Lsn::parse("16/B374D848"), Some(Lsn(0x16_B374_D848)));
        assert!(Lsn::parse("1/0") > Lsn::parse("0/FFFFFFFF"));
        for bad in ["", "16", "x/1", "1/2/3", "100000000/0"] {
            assert_eq!(Lsn::parse(bad), None, "{bad}");
        }
    }

    fn at(second: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 12, 3)
            .and_then(|d| d.and_hms_opt(10, 0, second))
            .unwrap()
    }

    #[test]
    fn the_replica_is_as_fresh_as_the_newest_primary_position_it_replayed() {
        let start = Instant::now();
        let secs = |n| start + Duration::from_secs(n);
        let mut f = Freshness::new(Duration::from_secs(10));
        assert_eq!(f.as_of(start), None, "nothing known yet");
        f.primary(Lsn(100), at(0), secs(0));
        f.primary(Lsn(200), at(1), secs(1));
        f.primary(Lsn(300), at(2), secs(2));
        f.replica(Lsn::parse("0/C8")); // 200: caught up to the second sample
        assert_eq!(f.as_of(secs(2)), Some(at(1)));
        f.replica(Some(Lsn(250))); // replaying on: still short of 300
        assert_eq!(f.as_of(secs(2)), Some(at(1)));
        f.replica(Some(Lsn(300)));
        assert_eq!(f.as_of(secs(3)), Some(at(2)));
        // a replica that stops replaying grows stale: unused past max_lag
        assert_eq!(f.as_of(secs(12)), Some(at(2)));
        assert_eq!(f.as_of(secs(13)), None);
    }

    #[test]
    fn an_unreachable_replica_is_unused_at_once() {
        let now = Instant::now();
        let mut f = Freshness::new(Duration::from_secs(10));
        f.primary(Lsn(100), at(0), now);
        f.replica(Some(Lsn(100)));
        assert_eq!(f.as_of(now), Some(at(0)));
        f.replica(None);
        assert_eq!(f.as_of(now), None);
    }

    #[test]
    fn samples_older_than_max_lag_are_dropped() {
        let start = Instant::now();
        let mut f = Freshness::new(Duration::from_secs(10));
        for s in 0..100 {
            f.primary(Lsn(s), at(0), start + Duration::from_secs(s));
        }
        assert_eq!(f.samples.len(), 11);
        // a replica far behind finds no sample it has reached: not fresh
        f.replica(Some(Lsn(5)));
        assert_eq!(f.as_of(start + Duration::from_secs(99)), None);
    }
}
