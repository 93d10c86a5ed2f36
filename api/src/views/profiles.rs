//! Enterprise profiles as the API shows them: key personnel's phones masked
//! (138****1234) for callers without people-management rights, in the
//! profile and in its history alike.

use chrono::{DateTime, Utc};
use gridwork_domain::person::mask_phone;
use gridwork_domain::profile::{
    Change, Chemical, FireEquipment, Headcount, KeyPerson, KeyRole, Place, SpecialEquipment,
};
use gridwork_persistence::time;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::app::profiles::Version;

#[derive(Debug, Serialize, ToSchema)]
pub struct KeyPersonView {
    pub role: KeyRole,
    #[schema(max_length = 50, example = "李安全")]
    pub name: String,
    /// In full for callers with people-management rights, else `138****1234`.
    #[schema(max_length = 20, example = "138****1234")]
    pub phone: Option<String>,
    /// True when `phone` is masked for this caller.
    pub phone_masked: bool,
}

impl KeyPersonView {
    fn new(person: &KeyPerson, full_phone: bool) -> KeyPersonView {
        KeyPersonView {
            role: person.role,
            name: person.name.clone(),
            phone: person.phone.as_deref().map(|p| {
                if full_phone {
                    p.to_owned()
                } else {
                    mask_phone(p)
                }
            }),
            phone_masked: person.phone.is_some() && !full_phone,
        }
    }
}

/// Who made a version and when; all null for version 0 (never described).
#[derive(Debug, Serialize, ToSchema)]
pub struct Edit {
    pub edited_at: Option<DateTime<Utc>>,
    #[schema(format = Uuid, max_length = 36)]
    pub edited_by: Option<String>,
    /// The editor's display name (or username).
    #[schema(max_length = 100)]
    pub edited_by_name: Option<String>,
}

impl From<&Version> for Edit {
    fn from(v: &Version) -> Edit {
        Edit {
            edited_at: v.edited_at.map(time::from_db),
            edited_by: v.edited_by.as_ref().map(ToString::to_string),
            edited_by_name: v.editor_name.clone(),
        }
    }
}

/// An enterprise's dynamic profile (人、地、事、物). The ETag is the
/// profile's own version, `"0"` before anyone described it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileView {
    #[schema(format = Uuid, max_length = 36)]
    pub enterprise_id: String,
    /// 0 until the first edit, then 1, 2, …
    #[schema(minimum = 0)]
    pub version: i32,
    pub headcount: Headcount,
    /// Regular, temporary and migrant workers together.
    #[schema(minimum = 0, maximum = 30_000_000)]
    pub total_headcount: u64,
    #[schema(max_items = 20)]
    pub key_personnel: Vec<KeyPersonView>,
    #[schema(max_items = 100)]
    pub places: Vec<Place>,
    #[schema(max_items = 200)]
    pub fire_equipment: Vec<FireEquipment>,
    #[schema(max_items = 200)]
    pub special_equipment: Vec<SpecialEquipment>,
    #[schema(max_items = 200)]
    pub hazardous_chemicals: Vec<Chemical>,
    #[serde(flatten)]
    pub edit: Edit,
}

impl ProfileView {
    pub fn new(v: &Version, full_phone: bool) -> ProfileView {
        let p = &v.profile;
        ProfileView {
            enterprise_id: v.enterprise_id.to_string(),
            version: v.version,
            headcount: p.headcount,
            total_headcount: p.total_headcount(),
            key_personnel: p
                .key_personnel
                .iter()
                .map(|k| KeyPersonView::new(k, full_phone))
                .collect(),
            places: p.places.clone(),
            fire_equipment: p.fire_equipment.clone(),
            special_equipment: p.special_equipment.clone(),
            hazardous_chemicals: p.hazardous_chemicals.clone(),
            edit: Edit::from(v),
        }
    }
}

/// One difference from the version before.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeView {
    /// A head count (`headcount.regular`, …: `before` and `after` are
    /// numbers), or a list whose entry was removed (`before` only) or added
    /// (`after` only); an edited entry shows as both.
    #[schema(
        max_length = 40,
        pattern = "^(headcount\\.(regular|temporary|migrant)|key_personnel|places|fire_equipment|special_equipment|hazardous_chemicals)$"
    )]
    pub field: String,
    #[schema(schema_with = entry_or_count)]
    pub before: Option<Value>,
    #[schema(schema_with = entry_or_count)]
    pub after: Option<Value>,
}

/// A list entry (object), a head count (integer), or null.
fn entry_or_count() -> utoipa::openapi::Object {
    use utoipa::openapi::schema::{SchemaType, Type};
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([
            Type::Object,
            Type::Integer,
            Type::Null,
        ]))
        .description(Some(
            "The entry or count before (or after) the change; null when added (or removed).",
        ))
        .build()
}

/// A key person's phone in a change, masked as in the profile.
fn masked(field: &str, value: &Option<Value>, full_phone: bool) -> Option<Value> {
    let mut value = value.clone()?;
    if field == "key_personnel"
        && !full_phone
        && let Some(phone) = value.get_mut("phone")
        && let Some(text) = phone.as_str()
    {
        *phone = Value::from(mask_phone(text));
    }
    Some(value)
}

impl ChangeView {
    fn new(c: &Change, full_phone: bool) -> ChangeView {
        ChangeView {
            field: c.field.clone(),
            before: masked(&c.field, &c.before, full_phone),
            after: masked(&c.field, &c.after, full_phone),
        }
    }
}

/// One version in a profile's history: what changed, who and when.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileVersionView {
    #[schema(minimum = 1)]
    pub version: i32,
    #[schema(max_items = 1000)]
    pub changes: Vec<ChangeView>,
    #[serde(flatten)]
    pub edit: Edit,
}

impl ProfileVersionView {
    pub fn new(v: &Version, full_phone: bool) -> ProfileVersionView {
        ProfileVersionView {
            version: v.version,
            changes: v
                .changes
                .iter()
                .map(|c| ChangeView::new(c, full_phone))
                .collect(),
            edit: Edit::from(v),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileHistoryPage {
    /// One page: at most `limit` (1–200) versions, newest first.
    #[schema(max_items = 200)]
    pub items: Vec<ProfileVersionView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[schema(max_length = 200, pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$")]
    pub next_cursor: Option<String>,
}
