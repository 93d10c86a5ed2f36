//! An enterprise's dynamic profile (动态档案): the people, places and things
//! (人、地、事、物) grid workers keep up to date — headcount by kind, key
//! personnel, places, fire equipment, special equipment with its inspection
//! dates, hazardous chemicals — and what changed between two versions.
//!
//! A profile is replaced whole on each edit; `Profile::parse` trims and
//! checks every entry and names each refusal by its path
//! (`special_equipment[2].name`), and `changes` lists the difference from
//! the previous version.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::person::WorkPhone;

crate::closed_set! {
    /// A key person's duty in the enterprise.
    pub enum KeyRole {
        SafetyOfficer = "safety_officer", "安全管理员", "Safety officer";
        EmergencyContact = "emergency_contact", "应急联系人", "Emergency contact";
        FireSafetyManager = "fire_safety_manager", "消防安全管理人", "Fire safety manager";
        HrContact = "hr_contact", "人事联系人", "HR contact";
    }
}

crate::closed_set! {
    /// What a place of the enterprise is.
    pub enum PlaceKind {
        Workshop = "workshop", "生产车间", "Workshop";
        Warehouse = "warehouse", "仓库", "Warehouse";
        HazmatStore = "hazmat_store", "危险品仓库", "Hazardous-material store";
        Dormitory = "dormitory", "员工宿舍", "Dormitory";
        Canteen = "canteen", "食堂", "Canteen";
        Office = "office", "办公区", "Office";
        Other = "other", "其他场所", "Other place";
    }
}

crate::closed_set! {
    /// Fire equipment (消防设施器材).
    pub enum FireEquipmentKind {
        Extinguisher = "extinguisher", "灭火器", "Fire extinguisher";
        Hydrant = "hydrant", "消火栓", "Fire hydrant";
        Sprinkler = "sprinkler", "自动喷水灭火系统", "Sprinkler system";
        AlarmSystem = "alarm_system", "火灾自动报警系统", "Fire alarm system";
        SmokeExhaust = "smoke_exhaust", "防排烟设施", "Smoke exhaust";
        EmergencyLighting = "emergency_lighting", "应急照明和疏散指示", "Emergency lighting and exit signs";
        Other = "other", "其他消防器材", "Other fire equipment";
    }
}

crate::closed_set! {
    /// Special equipment as the State's catalogue lists it (特种设备目录),
    /// each under periodic statutory inspection.
    pub enum SpecialEquipmentKind {
        Boiler = "boiler", "锅炉", "Boiler";
        PressureVessel = "pressure_vessel", "压力容器", "Pressure vessel";
        PressurePiping = "pressure_piping", "压力管道", "Pressure piping";
        Elevator = "elevator", "电梯", "Elevator";
        Crane = "crane", "起重机械", "Crane";
        FactoryVehicle = "factory_vehicle", "场（厂）内专用机动车辆", "Factory motor vehicle";
    }
}

crate::closed_set! {
    /// The unit a stored quantity is given in.
    pub enum QuantityUnit {
        Kilogram = "kg", "千克", "kilogram";
        Tonne = "t", "吨", "tonne";
        Litre = "l", "升", "litre";
        CubicMetre = "m3", "立方米", "cubic metre";
    }
}

/// The largest head count of one kind.
pub const MAX_HEADCOUNT: u32 = 10_000_000;
/// The largest stored quantity of a chemical, in its unit.
pub const MAX_QUANTITY: f64 = 1_000_000_000.0;
/// The largest floor area of a place, in square metres.
pub const MAX_AREA_M2: f64 = 10_000_000.0;

/// Employees by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Headcount {
    /// Regular (contracted) employees.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10_000_000))]
    pub regular: u32,
    /// Temporary and seasonal workers, dispatched labour.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10_000_000))]
    pub temporary: u32,
    /// Migrant workers (农民工).
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10_000_000))]
    pub migrant: u32,
}

/// A key person: the safety officer, the emergency contact, …
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct KeyPerson {
    pub role: KeyRole,
    /// 1–50 characters, not blank.
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 50, pattern = "\\S", example = "李安全")
    )]
    pub name: String,
    /// A mobile or landline number: 5–20 digits, dashes or spaces. Shown
    /// masked (138****1234) to callers without people-management rights.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 20,
            pattern = "^\\s*[0-9 -]{5,20}\\s*$",
            example = "13800001234"
        )
    )]
    pub phone: Option<String>,
}

/// A place of the enterprise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Place {
    pub kind: PlaceKind,
    /// 1–100 characters, not blank.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 100,
            pattern = "\\S",
            example = "一号车间"
        )
    )]
    pub name: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub location: Option<String>,
    /// Floor area in square metres.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10_000_000))]
    pub area_m2: Option<f64>,
    /// How many people work or sleep there at most.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10_000_000))]
    pub occupants: Option<u32>,
}

/// Fire equipment of one kind at one location.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FireEquipment {
    pub kind: FireEquipmentKind,
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 200, example = "一号车间东门")
    )]
    pub location: Option<String>,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 100_000))]
    pub count: u32,
    /// When it is next due for its check or refill.
    #[serde(default)]
    pub next_check_on: Option<NaiveDate>,
}

/// A piece of special equipment with its statutory inspection date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SpecialEquipment {
    pub kind: SpecialEquipmentKind,
    /// 1–100 characters, not blank.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 100,
            pattern = "\\S",
            example = "2号燃气锅炉"
        )
    )]
    pub name: String,
    /// The registration number on its certificate (使用登记证).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 64))]
    pub registration_no: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub location: Option<String>,
    /// When its next statutory inspection is due (下次检验日期).
    pub inspection_due_on: NaiveDate,
}

/// A hazardous chemical kept on site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Chemical {
    /// 1–100 characters, not blank.
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 100, pattern = "\\S", example = "液氨")
    )]
    pub name: String,
    /// CAS registry number, with a valid check digit; blank for none.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 12,
            pattern = "^\\s*(?:[0-9]{2,7}-[0-9]{2}-[0-9])?\\s*$",
            example = "7664-41-7"
        )
    )]
    pub cas_no: Option<String>,
    /// The most kept at once, in `unit`.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1_000_000_000))]
    pub quantity: f64,
    pub unit: QuantityUnit,
    /// Where it is stored (a place's name, a tank, …).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub storage: Option<String>,
}

/// The profile as a whole. Sections left out are empty.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Profile {
    #[serde(default)]
    pub headcount: Headcount,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 20))]
    pub key_personnel: Vec<KeyPerson>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 100))]
    pub places: Vec<Place>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 200))]
    pub fire_equipment: Vec<FireEquipment>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 200))]
    pub special_equipment: Vec<SpecialEquipment>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 200))]
    pub hazardous_chemicals: Vec<Chemical>,
}

/// Why one entry of a profile was refused, named by its path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub field: String,
    pub message: String,
}

/// Checks as it goes, collecting every refusal.
#[derive(Default)]
struct Checker {
    violations: Vec<Violation>,
}

impl Checker {
    fn refuse(&mut self, field: String, message: impl Into<String>) {
        self.violations.push(Violation {
            field,
            message: message.into(),
        });
    }

    /// `text` trimmed: refused when longer than `max` as sent, or blank
    /// when `required`.
    fn text(&mut self, field: String, text: &str, max: usize, required: bool) -> String {
        if text.chars().count() > max {
            self.refuse(field, format!("must be at most {max} characters"));
        } else if required && text.trim().is_empty() {
            self.refuse(field, "must not be blank");
        }
        text.trim().to_owned()
    }

    /// Optional text: blank becomes absent.
    fn optional(&mut self, field: String, text: Option<&str>, max: usize) -> Option<String> {
        let text = self.text(field, text?, max, false);
        (!text.is_empty()).then_some(text)
    }

    fn count(&mut self, field: String, value: u32, min: u32, max: u32) {
        if !(min..=max).contains(&value) {
            self.refuse(field, format!("must be {min} to {max}"));
        }
    }

    fn amount(&mut self, field: String, value: f64, max: f64) {
        if !value.is_finite() || !(0.0..=max).contains(&value) {
            self.refuse(field, format!("must be 0 to {max}"));
        }
    }

    fn list_len<T>(&mut self, field: &str, list: &[T], max: usize) {
        if list.len() > max {
            self.refuse(field.to_owned(), format!("at most {max} entries"));
        }
    }
}

impl Profile {
    /// The profile with every text trimmed (blank optional texts absent)
    /// and phones in their plain form, or every refusal, each by path.
    pub fn parse(self) -> Result<Profile, Vec<Violation>> {
        let mut c = Checker::default();
        let h = self.headcount;
        for (name, value) in [
            ("regular", h.regular),
            ("temporary", h.temporary),
            ("migrant", h.migrant),
        ] {
            c.count(format!("headcount.{name}"), value, 0, MAX_HEADCOUNT);
        }
        c.list_len("key_personnel", &self.key_personnel, 20);
        c.list_len("places", &self.places, 100);
        c.list_len("fire_equipment", &self.fire_equipment, 200);
        c.list_len("special_equipment", &self.special_equipment, 200);
        c.list_len("hazardous_chemicals", &self.hazardous_chemicals, 200);
        let key_personnel = enumerate(self.key_personnel, "key_personnel", |p, at| KeyPerson {
            role: p.role,
            name: c.text(at("name"), &p.name, 50, true),
            phone: p.phone.as_deref().and_then(|phone| {
                if phone.chars().count() > 20 {
                    c.refuse(at("phone"), "must be at most 20 characters");
                    return None;
                }
                match WorkPhone::parse(phone) {
                    Ok(phone) => Some(phone.as_str().to_owned()),
                    Err(e) => {
                        c.refuse(at("phone"), e.to_string());
                        None
                    }
                }
            }),
        });
        let places = enumerate(self.places, "places", |p, at| {
            if let Some(area) = p.area_m2 {
                c.amount(at("area_m2"), area, MAX_AREA_M2);
            }
            if let Some(occupants) = p.occupants {
                c.count(at("occupants"), occupants, 0, MAX_HEADCOUNT);
            }
            Place {
                kind: p.kind,
                name: c.text(at("name"), &p.name, 100, true),
                location: c.optional(at("location"), p.location.as_deref(), 200),
                ..p
            }
        });
        let fire_equipment = enumerate(self.fire_equipment, "fire_equipment", |e, at| {
            c.count(at("count"), e.count, 1, 100_000);
            FireEquipment {
                location: c.optional(at("location"), e.location.as_deref(), 200),
                ..e
            }
        });
        let special_equipment = enumerate(self.special_equipment, "special_equipment", |e, at| {
            SpecialEquipment {
                kind: e.kind,
                name: c.text(at("name"), &e.name, 100, true),
                registration_no: c.optional(
                    at("registration_no"),
                    e.registration_no.as_deref(),
                    64,
                ),
                location: c.optional(at("location"), e.location.as_deref(), 200),
                inspection_due_on: e.inspection_due_on,
            }
        });
        let hazardous_chemicals =
            enumerate(self.hazardous_chemicals, "hazardous_chemicals", |h, at| {
                c.amount(at("quantity"), h.quantity, MAX_QUANTITY);
                let cas_no = c.optional(at("cas_no"), h.cas_no.as_deref(), 12);
                if let Some(cas) = &cas_no
                    && let Err(e) = check_cas(cas)
                {
                    c.refuse(at("cas_no"), e);
                }
                Chemical {
                    name: c.text(at("name"), &h.name, 100, true),
                    cas_no,
                    storage: c.optional(at("storage"), h.storage.as_deref(), 200),
                    ..h
                }
            });
        if !c.violations.is_empty() {
            return Err(c.violations);
        }
        Ok(Profile {
            headcount: h,
            key_personnel,
            places,
            fire_equipment,
            special_equipment,
            hazardous_chemicals,
        })
    }

    /// All employees.
    pub fn total_headcount(&self) -> u64 {
        let h = self.headcount;
        u64::from(h.regular) + u64::from(h.temporary) + u64::from(h.migrant)
    }

    /// Special equipment whose statutory inspection is due on or before `day`.
    pub fn inspections_due_by(&self, day: NaiveDate) -> usize {
        self.special_equipment
            .iter()
            .filter(|e| e.inspection_due_on <= day)
            .count()
    }
}

/// Maps each entry with a function that names its fields `section[i].field`.
fn enumerate<T, U>(
    list: Vec<T>,
    section: &str,
    mut f: impl FnMut(T, &dyn Fn(&str) -> String) -> U,
) -> Vec<U> {
    list.into_iter()
        .enumerate()
        .map(|(i, item)| f(item, &|field| format!("{section}[{i}].{field}")))
        .collect()
}

/// Why text is not a CAS registry number: 2–7, 2 and 1 digits joined by
/// dashes, the last a check digit (the others weighted 1, 2, 3, … from the
/// right, summed, mod 10).
pub fn check_cas(cas: &str) -> Result<(), &'static str> {
    let parts: Vec<&str> = cas.split('-').collect();
    let shape = parts.len() == 3
        && (2..=7).contains(&parts[0].len())
        && parts[1].len() == 2
        && parts[2].len() == 1
        && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()));
    if !shape {
        return Err("must be a CAS number such as 7664-41-7");
    }
    let digits: Vec<u32> = format!("{}{}", parts[0], parts[1])
        .bytes()
        .map(|b| u32::from(b - b'0'))
        .collect();
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| (i as u32 + 1) * d)
        .sum();
    if parts[2] == (sum % 10).to_string() {
        Ok(())
    } else {
        Err("the CAS check digit is wrong")
    }
}

/// One difference between two versions: a headcount that moved
/// (`before` and `after`), or an entry of a list removed (`before` only)
/// or added (`after` only); an edited entry is both.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub field: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// What changed from `before` to `after`, section by section in profile
/// order; within a list, removals first, then additions.
pub fn changes(before: &Profile, after: &Profile) -> Vec<Change> {
    let mut out = Vec::new();
    let (b, a) = (before.headcount, after.headcount);
    for (name, was, is) in [
        ("regular", b.regular, a.regular),
        ("temporary", b.temporary, a.temporary),
        ("migrant", b.migrant, a.migrant),
    ] {
        if was != is {
            out.push(Change {
                field: format!("headcount.{name}"),
                before: Some(Value::from(was)),
                after: Some(Value::from(is)),
            });
        }
    }
    list_changes(
        &mut out,
        "key_personnel",
        &before.key_personnel,
        &after.key_personnel,
    );
    list_changes(&mut out, "places", &before.places, &after.places);
    list_changes(
        &mut out,
        "fire_equipment",
        &before.fire_equipment,
        &after.fire_equipment,
    );
    list_changes(
        &mut out,
        "special_equipment",
        &before.special_equipment,
        &after.special_equipment,
    );
    list_changes(
        &mut out,
        "hazardous_chemicals",
        &before.hazardous_chemicals,
        &after.hazardous_chemicals,
    );
    out
}

/// The entries of `before` not in `after` and those of `after` not in
/// `before`, counting repeats (a multiset difference).
fn list_changes<T: PartialEq + Serialize>(
    out: &mut Vec<Change>,
    field: &str,
    before: &[T],
    after: &[T],
) {
    let unmatched = |from: &[T], to: &[T]| -> Vec<Value> {
        let mut used = vec![false; to.len()];
        from.iter()
            .filter(
                |item| match (0..to.len()).find(|&j| !used[j] && to[j] == **item) {
                    Some(j) => {
                        used[j] = true;
                        false
                    }
                    None => true,
                },
            )
            .filter_map(|item| serde_json::to_value(item).ok())
            .collect()
    };
    for removed in unmatched(before, after) {
        out.push(Change {
            field: field.to_owned(),
            before: Some(removed),
            after: None,
        });
    }
    for added in unmatched(after, before) {
        out.push(Change {
            field: field.to_owned(),
            before: None,
            after: Some(added),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn boiler(due: &str) -> SpecialEquipment {
        SpecialEquipment {
            kind: SpecialEquipmentKind::Boiler,
            name: " 2号燃气锅炉 ".into(),
            registration_no: Some("  ".into()),
            location: None,
            inspection_due_on: due.parse().unwrap(),
        }
    }

    fn sample() -> Profile {
        Profile {
            headcount: Headcount {
                regular: 320,
                temporary: 40,
                migrant: 120,
            },
            key_personnel: vec![KeyPerson {
                role: KeyRole::SafetyOfficer,
                name: "李安全".into(),
                phone: Some(" 138-0000-1234 ".into()),
            }],
            special_equipment: vec![boiler("2027-03-01")],
            hazardous_chemicals: vec![Chemical {
                name: "液氨".into(),
                cas_no: Some("7664-41-7".into()),
                quantity: 2.5,
                unit: QuantityUnit::Tonne,
                storage: Some("危化品库".into()),
            }],
            ..Profile::default()
        }
    }

    #[test]
    fn parsing_trims_and_drops_blank_optional_texts() {
        let p = sample().parse().unwrap();
        assert_eq!(p.special_equipment[0].name, "2号燃气锅炉");
        assert_eq!(p.special_equipment[0].registration_no, None);
        assert_eq!(p.key_personnel[0].phone.as_deref(), Some("138-0000-1234"));
        assert_eq!(p.total_headcount(), 480);
        assert_eq!(p.clone().parse().unwrap(), p, "parsing is idempotent");
    }

    #[test]
    fn every_refusal_is_named_by_its_path() {
        let mut p = sample();
        p.headcount.migrant = MAX_HEADCOUNT + 1;
        p.key_personnel[0].name = "   ".into();
        p.key_personnel[0].phone = Some("call me".into());
        p.special_equipment.push(boiler("2027-01-01"));
        p.special_equipment[1].name = "x".repeat(101);
        p.hazardous_chemicals[0].cas_no = Some("7664-41-8".into());
        p.hazardous_chemicals[0].quantity = f64::NAN;
        p.fire_equipment.push(FireEquipment {
            kind: FireEquipmentKind::Extinguisher,
            location: None,
            count: 0,
            next_check_on: None,
        });
        let fields: Vec<String> = p
            .parse()
            .unwrap_err()
            .into_iter()
            .map(|v| v.field)
            .collect();
        assert_eq!(
            fields,
            [
                "headcount.migrant",
                "key_personnel[0].name",
                "key_personnel[0].phone",
                "fire_equipment[0].count",
                "special_equipment[1].name",
                "hazardous_chemicals[0].quantity",
                "hazardous_chemicals[0].cas_no",
            ]
        );
    }

    #[test]
    fn long_lists_are_refused() {
        let p = Profile {
            places: vec![
                Place {
                    kind: PlaceKind::Workshop,
                    name: "车间".into(),
                    location: None,
                    area_m2: None,
                    occupants: None,
                };
                101
            ],
            ..Profile::default()
        };
        let v = p.parse().unwrap_err();
        assert_eq!(v[0].field, "places");
    }

    #[test]
    fn cas_numbers_carry_a_check_digit() {
        // water 7732-18-5, ammonia 7664-41-7, formaldehyde 50-00-0
        for good in ["7732-18-5", "7664-41-7", "50-00-0"] {
            assert_eq!(check_cas(good), Ok(()), "{good}");
        }
        assert!(check_cas("7732-18-4").is_err());
        for bad in [
            "7732185",
            "1-18-5",
            "12345678-18-5",
            "77a2-18-5",
            "7732-1-5",
        ] {
            assert!(check_cas(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn changes_name_moved_counts_and_added_or_removed_entries() {
        let before = sample().parse().unwrap();
        let mut after = before.clone();
        after.headcount.regular = 330;
        after.special_equipment[0].inspection_due_on = "2028-03-01".parse().unwrap();
        after.places.push(Place {
            kind: PlaceKind::Dormitory,
            name: "员工宿舍".into(),
            location: None,
            area_m2: Some(800.0),
            occupants: Some(96),
        });
        let changes = changes(&before, &after);
        let summary: Vec<(&str, bool, bool)> = changes
            .iter()
            .map(|c| (c.field.as_str(), c.before.is_some(), c.after.is_some()))
            .collect();
        assert_eq!(
            summary,
            [
                ("headcount.regular", true, true),
                ("places", false, true),
                ("special_equipment", true, false),
                ("special_equipment", false, true),
            ]
        );
        assert_eq!(changes[0].before, Some(json!(320)));
        assert_eq!(
            changes[3].after.as_ref().unwrap()["inspection_due_on"],
            "2028-03-01"
        );
        assert!(super::changes(&after, &after).is_empty());
    }

    #[test]
    fn repeated_entries_count_as_many() {
        let one = FireEquipment {
            kind: FireEquipmentKind::Extinguisher,
            location: Some("东门".into()),
            count: 4,
            next_check_on: None,
        };
        let before = Profile {
            fire_equipment: vec![one.clone()],
            ..Profile::default()
        };
        let after = Profile {
            fire_equipment: vec![one.clone(), one],
            ..Profile::default()
        };
        let c = changes(&before, &after);
        assert_eq!(c.len(), 1);
        assert!(c[0].before.is_none());
    }

    #[test]
    fn inspections_due_are_counted_by_day() {
        let p = sample().parse().unwrap();
        assert_eq!(p.inspections_due_by("2027-02-28".parse().unwrap()), 0);
        assert_eq!(p.inspections_due_by("2027-03-01".parse().unwrap()), 1);
    }

    #[test]
    fn unknown_fields_are_refused_on_input() {
        assert!(
            serde_json::from_value::<Profile>(
                json!({ "headcount": { "regular": 1, "temporary": 0, "migrant": 0, "x": 1 } })
            )
            .is_err()
        );
        assert_eq!(
            serde_json::from_value::<Profile>(json!({})).unwrap(),
            Profile::default()
        );
    }
}
