//! People as the API shows them: mobile numbers masked (138****1234) for
//! callers without people-management rights, ID numbers never in full.

use chrono::{DateTime, Utc};
use gridwork_domain::person::{IdCardNumber, mask_phone};
use gridwork_persistence::person::PersonRow;
use gridwork_persistence::time;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct IdCard {
    /// Last four characters only.
    #[schema(min_length = 4, max_length = 4, example = "002X")]
    pub last4: String,
    #[schema(min_length = 18, max_length = 18, example = "**************002X")]
    pub masked: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PersonView {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(max_length = 50, example = "张亚超")]
    pub name: String,
    /// In full for callers with people-management rights, else `138****1234`.
    #[schema(max_length = 32, example = "138****1234")]
    pub mobile: Option<String>,
    /// True when `mobile` is masked for this caller.
    pub mobile_masked: bool,
    /// Office number, shown in full (and on placards).
    #[schema(max_length = 32)]
    pub work_phone: Option<String>,
    pub id_card: Option<IdCard>,
    pub party_member: bool,
    #[schema(format = Uuid, max_length = 36)]
    pub user_id: Option<String>,
    #[schema(format = Uuid, max_length = 36)]
    pub grid_id: Option<String>,
    /// Consent to be shown on public placards, and when it was given.
    pub placard_consent: bool,
    pub placard_consent_at: Option<DateTime<Utc>>,
    /// Consent to show the mobile in full on placards, and when it was given.
    pub placard_phone_consent: bool,
    pub placard_phone_consent_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl PersonView {
    pub fn new(row: &PersonRow, full_phone: bool) -> PersonView {
        PersonView {
            id: row.id.to_string(),
            name: row.name.clone(),
            mobile: row.mobile.as_deref().map(|m| {
                if full_phone {
                    m.to_owned()
                } else {
                    mask_phone(m)
                }
            }),
            mobile_masked: row.mobile.is_some() && !full_phone,
            work_phone: row.work_phone.clone(),
            id_card: row.id_card_last4.as_ref().map(|last4| IdCard {
                last4: last4.clone(),
                masked: IdCardNumber::masked_from_last4(last4),
            }),
            party_member: row.party_member,
            user_id: row.user_id.as_ref().map(ToString::to_string),
            grid_id: row.grid_id.as_ref().map(ToString::to_string),
            placard_consent: row.placard_consent,
            placard_consent_at: row.placard_consent_at.map(time::from_db),
            placard_phone_consent: row.placard_phone_consent,
            placard_phone_consent_at: row.placard_phone_consent_at.map(time::from_db),
            created_at: time::from_db(row.created_at),
            updated_at: time::from_db(row.updated_at),
            version: row.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PersonPage {
    /// One page: at most `limit` (1–200) items.
    #[schema(max_items = 200)]
    pub items: Vec<PersonView>,
    #[schema(max_length = 200, pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$")]
    pub next_cursor: Option<String>,
}
