//! Hazard inspection (隐患排查): checklist templates (versioned: a
//! submission keeps the version it was filled in against), the answers an
//! inspection gives checked against them, and which answers fail — each
//! failure raises a hazard of the item's severity.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::profile::Violation;

crate::closed_set! {
    /// What an item of a checklist asks for.
    pub enum ItemKind {
        YesNo = "yes_no", "是否", "Yes or no";
        Number = "number", "数值", "Number";
        Choice = "choice", "选择", "Choice";
        Text = "text", "文字", "Text";
        Photo = "photo", "照片", "Photo";
    }
}

crate::closed_set! {
    /// How grave a hazard is (事故隐患分级): a general hazard is put right
    /// at once or within days; a major one needs a rectification plan.
    pub enum HazardSeverity {
        General = "general", "一般隐患", "General hazard";
        Major = "major", "重大隐患", "Major hazard";
    }
}

/// The most items a template holds.
pub const MAX_ITEMS: usize = 100;
/// The most choices of a choice item.
pub const MAX_CHOICES: usize = 20;
/// The most photos one answer carries.
pub const MAX_PHOTOS: usize = 10;
/// The largest magnitude of a number item's bounds and answers.
pub const MAX_NUMBER: f64 = 1_000_000_000.0;

/// One item of a checklist, with what counts as a failure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// Names the item in answers: lower case, digits and `_`, unique in
    /// the template, kept across versions for the same question.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 40,
            pattern = "^[a-z][a-z0-9_]{0,39}$",
            example = "extinguishers_charged"
        )
    )]
    pub key: String,
    /// The question: 1–200 characters, not blank.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 200,
            pattern = "\\S",
            example = "灭火器压力是否在绿区"
        )
    )]
    pub label: String,
    pub kind: ItemKind,
    /// Must be answered (default true).
    #[serde(default = "yes")]
    pub required: bool,
    /// Number items: the least and most an answer may be.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = -1_000_000_000, maximum = 1_000_000_000))]
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = -1_000_000_000, maximum = 1_000_000_000))]
    pub max: Option<f64>,
    /// Number items: the unit shown with the answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 20, example = "MPa"))]
    pub unit: Option<String>,
    /// Number items: an answer below this fails.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = -1_000_000_000, maximum = 1_000_000_000))]
    pub fail_below: Option<f64>,
    /// Number items: an answer above this fails.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = -1_000_000_000, maximum = 1_000_000_000))]
    pub fail_above: Option<f64>,
    /// Yes/no items: the answer that fails (usually `false`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_if: Option<bool>,
    /// Choice items: 2–20 distinct options of 1–100 characters.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<ChoiceText>, max_items = 20))]
    pub choices: Vec<String>,
    /// Choice items: the options that fail.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<ChoiceText>, max_items = 20))]
    pub fail_choices: Vec<String>,
    /// The hazard a failure raises (default `general`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<HazardSeverity>,
}

/// An option of a choice item, for the API document: 1–100 characters.
#[cfg(feature = "openapi")]
pub struct ChoiceText;

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for ChoiceText {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::Type::String)
            .min_length(Some(1))
            .max_length(Some(100))
            .pattern(Some("\\S"))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for ChoiceText {}

fn yes() -> bool {
    true
}

impl Item {
    /// Whether some answer can fail it.
    pub fn can_fail(&self) -> bool {
        self.fail_if.is_some()
            || self.fail_below.is_some()
            || self.fail_above.is_some()
            || !self.fail_choices.is_empty()
    }

    /// The severity a failure raises.
    pub fn hazard_severity(&self) -> HazardSeverity {
        self.severity.unwrap_or(HazardSeverity::General)
    }
}

/// A checklist (检查表) as edited: a name and its items.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Template {
    /// 1–100 characters, not blank.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 100,
            pattern = "\\S",
            example = "消防设施器材周检"
        )
    )]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub description: Option<String>,
    /// 1–100 items, in the order they are asked.
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 100))]
    pub items: Vec<Item>,
}

fn refuse(out: &mut Vec<Violation>, field: String, message: impl Into<String>) {
    out.push(Violation {
        field,
        message: message.into(),
    });
}

/// `text` trimmed, refused when over `max` as sent or blank.
fn text(out: &mut Vec<Violation>, field: String, text: &str, max: usize) -> String {
    if text.chars().count() > max {
        refuse(out, field, format!("must be at most {max} characters"));
    } else if text.trim().is_empty() {
        refuse(out, field, "must not be blank");
    }
    text.trim().to_owned()
}

fn is_key(key: &str) -> bool {
    let b = key.as_bytes();
    (1..=40).contains(&b.len())
        && b[0].is_ascii_lowercase()
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'_')
}

fn bounded(out: &mut Vec<Violation>, field: String, value: Option<f64>) {
    if value.is_some_and(|v| !v.is_finite() || v.abs() > MAX_NUMBER) {
        refuse(out, field, format!("must lie within ±{MAX_NUMBER}"));
    }
}

impl Template {
    /// The template trimmed, or every refusal by path (`items[3].choices`).
    pub fn parse(self) -> Result<Template, Vec<Violation>> {
        let mut out = Vec::new();
        let name = text(&mut out, "name".into(), &self.name, 100);
        let description = self.description.as_deref().and_then(|d| {
            if d.chars().count() > 2000 {
                refuse(
                    &mut out,
                    "description".into(),
                    "must be at most 2000 characters",
                );
            }
            Some(d.trim().to_owned()).filter(|d| !d.is_empty())
        });
        if self.items.is_empty() || self.items.len() > MAX_ITEMS {
            refuse(&mut out, "items".into(), format!("1 to {MAX_ITEMS} items"));
        }
        let mut items = Vec::with_capacity(self.items.len());
        for (i, item) in self.items.into_iter().enumerate() {
            let at = |f: &str| format!("items[{i}].{f}");
            if !is_key(&item.key) {
                refuse(
                    &mut out,
                    at("key"),
                    "lower case letters, digits and `_`, starting with a letter, at most 40",
                );
            } else if items.iter().any(|o: &Item| o.key == item.key) {
                refuse(&mut out, at("key"), "used by another item");
            }
            let label = text(&mut out, at("label"), &item.label, 200);
            let unit = item.unit.as_deref().and_then(|u| {
                if u.chars().count() > 20 {
                    refuse(&mut out, at("unit"), "must be at most 20 characters");
                }
                Some(u.trim().to_owned()).filter(|u| !u.is_empty())
            });
            let number = item.kind == ItemKind::Number;
            for (f, v) in [
                ("min", item.min),
                ("max", item.max),
                ("fail_below", item.fail_below),
                ("fail_above", item.fail_above),
            ] {
                bounded(&mut out, at(f), v);
                if v.is_some() && !number {
                    refuse(&mut out, at(f), "only number items have bounds");
                }
            }
            if unit.is_some() && !number {
                refuse(&mut out, at("unit"), "only number items have a unit");
            }
            if let (Some(min), Some(max)) = (item.min, item.max)
                && min > max
            {
                refuse(&mut out, at("max"), "must not be below `min`");
            }
            if item.fail_if.is_some() && item.kind != ItemKind::YesNo {
                refuse(
                    &mut out,
                    at("fail_if"),
                    "only yes/no items fail on an answer",
                );
            }
            let mut choices = Vec::new();
            for (j, c) in item.choices.iter().enumerate() {
                let c = text(&mut out, format!("items[{i}].choices[{j}]"), c, 100);
                if choices.contains(&c) {
                    refuse(&mut out, format!("items[{i}].choices[{j}]"), "listed twice");
                }
                choices.push(c);
            }
            match item.kind {
                ItemKind::Choice if !(2..=MAX_CHOICES).contains(&choices.len()) => {
                    refuse(
                        &mut out,
                        at("choices"),
                        format!("2 to {MAX_CHOICES} choices"),
                    );
                }
                ItemKind::Choice => {}
                _ if !choices.is_empty() => {
                    refuse(&mut out, at("choices"), "only choice items have choices")
                }
                _ => {}
            }
            let mut fail_choices = Vec::new();
            for (j, c) in item.fail_choices.iter().enumerate() {
                let c = c.trim().to_owned();
                if !choices.contains(&c) {
                    refuse(
                        &mut out,
                        format!("items[{i}].fail_choices[{j}]"),
                        "not one of the choices",
                    );
                }
                fail_choices.push(c);
            }
            if item.severity.is_some() && !item.can_fail() {
                refuse(
                    &mut out,
                    at("severity"),
                    "only items that can fail raise a hazard",
                );
            }
            items.push(Item {
                key: item.key,
                label,
                unit,
                choices,
                fail_choices,
                ..item
            });
        }
        if out.is_empty() {
            Ok(Template {
                name,
                description,
                items,
            })
        } else {
            Err(out)
        }
    }

    pub fn item(&self, key: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.key == key)
    }
}

/// One answer as an inspection sends it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Answer {
    /// The item's `key`.
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 40, pattern = "^[a-z][a-z0-9_]{0,39}$")
    )]
    pub item: String,
    /// `true`/`false` for yes/no, a number, one of the choices, text of
    /// 1–2000 characters, or 1–10 photo ids (uploads of yours).
    #[cfg_attr(feature = "openapi", schema(schema_with = answer_value))]
    pub value: Value,
}

#[cfg(feature = "openapi")]
pub fn answer_value() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, OneOfBuilder, Type};
    let one_of = OneOfBuilder::new()
        .item(ObjectBuilder::new().schema_type(Type::Boolean))
        .item(
            ObjectBuilder::new()
                .schema_type(Type::Number)
                .minimum(Some(-MAX_NUMBER))
                .maximum(Some(MAX_NUMBER)),
        )
        .item(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(2000)),
        )
        .item(
            ArrayBuilder::new()
                .items(
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .min_length(Some(1))
                        .max_length(Some(64)),
                )
                .min_items(Some(1))
                .max_items(Some(MAX_PHOTOS)),
        )
        .build();
    utoipa::openapi::RefOr::T(utoipa::openapi::schema::Schema::OneOf(one_of))
}

/// An answer checked against its item.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    pub item: String,
    pub value: Value,
    /// The item's failure rule holds for this answer.
    pub failed: bool,
    /// Photo ids, for photo items.
    pub photos: Vec<String>,
}

/// Checks answers against a template version: every required item
/// answered once, each value of its item's kind and bounds. Refusals name
/// the item (`answers.extinguishers_charged`); unknown or repeated items
/// name the answer (`answers[4].item`).
pub fn check_answers(
    template: &Template,
    answers: &[Answer],
) -> Result<Vec<Checked>, Vec<Violation>> {
    let mut out = Vec::new();
    let mut checked: Vec<Checked> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for (i, answer) in answers.iter().enumerate() {
        let Some(item) = template.item(&answer.item) else {
            refuse(
                &mut out,
                format!("answers[{i}].item"),
                format!("no item `{}` in this template version", answer.item),
            );
            continue;
        };
        if seen.contains(&item.key.as_str()) {
            refuse(&mut out, format!("answers[{i}].item"), "answered twice");
            continue;
        }
        seen.push(&item.key);
        let field = format!("answers.{}", item.key);
        match check_value(item, &answer.value) {
            Ok((failed, photos)) => checked.push(Checked {
                item: item.key.clone(),
                value: answer.value.clone(),
                failed,
                photos,
            }),
            Err(message) => refuse(&mut out, field, format!("{}: {message}", item.label)),
        }
    }
    for item in &template.items {
        let answered = answers.iter().any(|a| a.item == item.key);
        if item.required && !answered {
            refuse(
                &mut out,
                format!("answers.{}", item.key),
                format!("{}: must be answered", item.label),
            );
        }
    }
    if out.is_empty() {
        Ok(checked)
    } else {
        Err(out)
    }
}

/// Whether `value` fails `item`, and its photos; or why it is no answer.
fn check_value(item: &Item, value: &Value) -> Result<(bool, Vec<String>), String> {
    match item.kind {
        ItemKind::YesNo => {
            let v = value.as_bool().ok_or("answer true or false")?;
            Ok((item.fail_if == Some(v), Vec::new()))
        }
        ItemKind::Number => {
            let v = value
                .as_f64()
                .filter(|v| v.is_finite())
                .ok_or("answer a number")?;
            if item.min.is_some_and(|min| v < min)
                || item.max.is_some_and(|max| v > max)
                || v.abs() > MAX_NUMBER
            {
                let (min, max) = (
                    item.min.unwrap_or(-MAX_NUMBER),
                    item.max.unwrap_or(MAX_NUMBER),
                );
                return Err(format!("must lie in {min}..{max}"));
            }
            let failed =
                item.fail_below.is_some_and(|t| v < t) || item.fail_above.is_some_and(|t| v > t);
            Ok((failed, Vec::new()))
        }
        ItemKind::Choice => {
            let v = value
                .as_str()
                .map(str::trim)
                .ok_or("answer one of the choices")?;
            if !item.choices.iter().any(|c| c == v) {
                return Err(format!("not one of: {}", item.choices.join(", ")));
            }
            Ok((item.fail_choices.iter().any(|c| c == v), Vec::new()))
        }
        ItemKind::Text => {
            let v = value.as_str().ok_or("answer text")?;
            if v.trim().is_empty() || v.chars().count() > 2000 {
                return Err("1 to 2000 characters, not blank".into());
            }
            Ok((false, Vec::new()))
        }
        ItemKind::Photo => {
            let ids: Vec<String> = value
                .as_array()
                .ok_or("answer a list of photo ids")?
                .iter()
                .map(|v| v.as_str().map(str::to_owned))
                .collect::<Option<_>>()
                .ok_or("answer a list of photo ids")?;
            if ids.is_empty() || ids.len() > MAX_PHOTOS {
                return Err(format!("1 to {MAX_PHOTOS} photos"));
            }
            Ok((false, ids))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn walk_round() -> Template {
        serde_json::from_value(json!({
            "name": " 消防设施器材周检 ",
            "items": [
                { "key": "extinguishers_charged", "label": "灭火器压力在绿区", "kind": "yes_no", "fail_if": false },
                { "key": "hydrant_pressure", "label": "消火栓压力", "kind": "number", "min": 0, "max": 2, "unit": "MPa", "fail_below": 0.1, "severity": "major" },
                { "key": "exits", "label": "疏散通道", "kind": "choice", "choices": ["畅通", "部分堵塞", "堵塞"], "fail_choices": ["部分堵塞", "堵塞"] },
                { "key": "remarks", "label": "其他情况", "kind": "text", "required": false },
                { "key": "panel", "label": "报警控制器照片", "kind": "photo", "required": false }
            ]
        }))
        .unwrap()
    }

    #[test]
    fn a_template_is_trimmed_and_defaults_hold() {
        let t = walk_round().parse().unwrap();
        assert_eq!(t.name, "消防设施器材周检");
        assert!(t.items[0].required, "items are required by default");
        assert_eq!(t.items[0].hazard_severity(), HazardSeverity::General);
        assert_eq!(t.items[1].hazard_severity(), HazardSeverity::Major);
        assert!(!t.items[3].can_fail());
        assert_eq!(t.clone().parse().unwrap(), t);
    }

    #[test]
    fn a_template_names_every_refusal() {
        let mut t = walk_round();
        t.items[1].key = "extinguishers_charged".into();
        t.items[1].min = Some(5.0);
        t.items[2].fail_choices = vec!["倒塌".into()];
        t.items[3].unit = Some("kg".into());
        t.items[3].severity = Some(HazardSeverity::Major);
        t.items[4].choices = vec!["a".into()];
        t.items[0].key = "Bad Key".into();
        let fields: Vec<String> = t
            .parse()
            .unwrap_err()
            .into_iter()
            .map(|v| v.field)
            .collect();
        assert_eq!(
            fields,
            [
                "items[0].key",
                "items[1].max",
                "items[2].fail_choices[0]",
                "items[3].unit",
                "items[3].severity",
                "items[4].choices",
            ]
        );
        let empty = Template {
            items: vec![],
            ..walk_round()
        };
        assert_eq!(empty.parse().unwrap_err()[0].field, "items");
    }

    #[test]
    fn duplicate_keys_are_refused() {
        let mut t = walk_round();
        t.items[2].key = "hydrant_pressure".into();
        assert_eq!(t.parse().unwrap_err()[0].field, "items[2].key");
    }

    fn answers(v: serde_json::Value) -> Vec<Answer> {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn answers_fail_by_the_items_rules() {
        let t = walk_round().parse().unwrap();
        let checked = check_answers(
            &t,
            &answers(json!([
                { "item": "extinguishers_charged", "value": false },
                { "item": "hydrant_pressure", "value": 0.05 },
                { "item": "exits", "value": "畅通" },
                { "item": "panel", "value": ["p1", "p2"] }
            ])),
        )
        .unwrap();
        let failed: Vec<(&str, bool)> = checked
            .iter()
            .map(|c| (c.item.as_str(), c.failed))
            .collect();
        assert_eq!(
            failed,
            [
                ("extinguishers_charged", true),
                ("hydrant_pressure", true),
                ("exits", false),
                ("panel", false)
            ]
        );
        assert_eq!(checked[3].photos, ["p1", "p2"]);
        let fine = check_answers(
            &t,
            &answers(json!([
                { "item": "extinguishers_charged", "value": true },
                { "item": "hydrant_pressure", "value": 0.3 },
                { "item": "exits", "value": "堵塞" }
            ])),
        )
        .unwrap();
        assert_eq!(
            fine.iter().filter(|c| c.failed).count(),
            1,
            "a blocked exit fails"
        );
    }

    #[test]
    fn a_bad_answer_names_its_item() {
        let t = walk_round().parse().unwrap();
        let refused = check_answers(
            &t,
            &answers(json!([
                { "item": "extinguishers_charged", "value": "yes" },
                { "item": "hydrant_pressure", "value": 3 },
                { "item": "exits", "value": "塌了" },
                { "item": "nope", "value": 1 },
                { "item": "panel", "value": [] },
                { "item": "panel", "value": ["p"] }
            ])),
        )
        .unwrap_err();
        let fields: Vec<&str> = refused.iter().map(|v| v.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "answers.extinguishers_charged",
                "answers.hydrant_pressure",
                "answers.exits",
                "answers[3].item",
                "answers.panel",
                "answers[5].item",
            ]
        );
        assert!(refused[1].message.contains("消火栓压力"));
        let missing = check_answers(&t, &[]).unwrap_err();
        let fields: Vec<&str> = missing.iter().map(|v| v.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "answers.extinguishers_charged",
                "answers.hydrant_pressure",
                "answers.exits"
            ]
        );
    }
}
