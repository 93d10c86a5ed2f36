//! Heart-to-heart talks as the API shows them: who was talked with and what
//! was said only to the worker who talked, grid leaders and zone officers.

use chrono::{DateTime, NaiveDate, Utc};
use gridwork_domain::dispute::RiskLevel;
use gridwork_persistence::talk::TalkRow;
use gridwork_persistence::time;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct TalkView {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub grid_id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub enterprise_id: Option<String>,
    #[schema(format = Uuid, max_length = 36)]
    pub dispute_id: Option<String>,
    pub held_on: NaiveDate,
    /// What it was about, without names.
    #[schema(max_length = 200)]
    pub topic: String,
    /// Who was talked with. Restricted: null when `redacted`.
    #[schema(max_length = 50)]
    pub subject: Option<String>,
    /// What was said. Restricted: null when `redacted`.
    #[schema(max_length = 4000)]
    pub notes: Option<String>,
    pub risk: RiskLevel,
    pub follow_up_on: Option<NaiveDate>,
    /// The worker who talked.
    #[schema(format = Uuid, max_length = 36)]
    pub talker_id: String,
    /// True when the subject and the notes are withheld from you (you did
    /// not hold the talk and are not a grid leader or zone officer).
    pub redacted: bool,
    pub created_at: DateTime<Utc>,
}

impl TalkView {
    pub fn new(row: &TalkRow, restricted: bool) -> TalkView {
        TalkView {
            id: row.id.to_string(),
            grid_id: row.grid_id.to_string(),
            enterprise_id: row.enterprise_id.as_ref().map(ToString::to_string),
            dispute_id: row.dispute_id.as_ref().map(ToString::to_string),
            held_on: row.held_on,
            topic: row.topic.clone(),
            subject: restricted.then(|| row.subject.clone()),
            notes: restricted.then(|| row.notes.clone()),
            risk: row.risk,
            follow_up_on: row.follow_up_on,
            talker_id: row.talker_id.to_string(),
            redacted: !restricted,
            created_at: time::from_db(row.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TalkPage {
    /// One page: at most `limit` (1–200) talks, newest first.
    #[schema(max_items = 200)]
    pub items: Vec<TalkView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[schema(max_length = 200, pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$")]
    pub next_cursor: Option<String>,
}
