//! GeoReport v2 documents, in JSON as the specification shows them, and in
//! XML from the same values: a list becomes a wrapper element whose items
//! take the singular name (`services` → `service`), a null an empty element
//! (fields in name order: GeoReport sets no order).

use chrono::{DateTime, SecondsFormat, Utc};
use gridwork_domain::case::CaseState;
use gridwork_domain::open311::Status;
use gridwork_persistence::case::{CaseRow, TimelineRow};
use gridwork_persistence::case_category::CategoryRow;
use gridwork_persistence::time;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

/// W3C date-time, as GeoReport v2 writes them.
fn w3c(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Discovery {
    #[schema(max_length = 40)]
    pub changeset: String,
    #[schema(max_length = 500)]
    pub contact: String,
    #[schema(max_length = 500)]
    pub key_service: String,
    #[schema(min_items = 1, max_items = 1)]
    pub endpoints: Vec<Endpoint>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Endpoint {
    #[schema(max_length = 100, example = "http://wiki.open311.org/GeoReport_v2")]
    pub specification: String,
    #[schema(max_length = 2000)]
    pub url: String,
    #[schema(max_length = 40)]
    pub changeset: String,
    #[schema(max_length = 20, example = "production")]
    #[serde(rename = "type")]
    pub kind: String,
    #[schema(max_items = 2)]
    pub formats: Vec<MediaType>,
}

/// The media types the endpoint answers in.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub enum MediaType {
    #[serde(rename = "text/xml")]
    #[schema(rename = "text/xml")]
    Xml,
    #[serde(rename = "application/json")]
    #[schema(rename = "application/json")]
    Json,
}

/// The date of the last change of this Open311 service.
pub const CHANGESET: &str = "2026-12-03T00:00:00Z";

impl Discovery {
    pub fn new(public_url: &str) -> Discovery {
        Discovery {
            changeset: CHANGESET.into(),
            contact: "The zone office (经开区网格化管理办公室)".into(),
            key_service: "Ask the zone's administrator for an integrator key with the \
                          report_cases scope (POST /api/v1/integrators)."
                .into(),
            endpoints: vec![Endpoint {
                specification: "http://wiki.open311.org/GeoReport_v2".into(),
                url: format!("{}/open311/v2", public_url.trim_end_matches('/')),
                changeset: CHANGESET.into(),
                kind: "production".into(),
                formats: vec![MediaType::Xml, MediaType::Json],
            }],
        }
    }
}

/// A case category as a service.
#[derive(Debug, Serialize, ToSchema)]
pub struct Service {
    #[schema(max_length = 81, example = "safety_hazard.flooding")]
    pub service_code: String,
    #[schema(max_length = 100)]
    pub service_name: String,
    #[schema(max_length = 200)]
    pub description: String,
    /// Always true: every service takes the `severity` attribute.
    pub metadata: bool,
    #[serde(rename = "type")]
    #[schema(max_length = 20, example = "realtime")]
    pub kind: String,
    #[schema(max_length = 200)]
    pub keywords: String,
    #[schema(max_length = 100)]
    pub group: String,
}

impl Service {
    pub fn new(row: &CategoryRow, group: &str) -> Service {
        Service {
            service_code: row.code.clone(),
            service_name: row.name_zh.clone(),
            description: row.name_en.clone(),
            metadata: true,
            kind: "realtime".into(),
            keywords: row.code.replace(['.', '_'], ", "),
            group: group.to_owned(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceDefinition {
    #[schema(max_length = 81)]
    pub service_code: String,
    #[schema(max_items = 1)]
    pub attributes: Vec<Attribute>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Attribute {
    pub variable: bool,
    #[schema(max_length = 40)]
    pub code: String,
    #[schema(max_length = 40, example = "singlevaluelist")]
    pub datatype: String,
    pub required: bool,
    #[schema(max_length = 200)]
    pub datatype_description: Option<String>,
    #[schema(minimum = 1, maximum = 100)]
    pub order: i32,
    #[schema(max_length = 200)]
    pub description: String,
    #[schema(max_items = 3)]
    pub values: Vec<AttributeValue>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AttributeValue {
    #[schema(max_length = 20)]
    pub key: String,
    #[schema(max_length = 40)]
    pub name: String,
}

impl ServiceDefinition {
    /// Every service asks one thing besides the description: how serious.
    pub fn new(row: &CategoryRow) -> ServiceDefinition {
        use gridwork_domain::case::Severity;
        ServiceDefinition {
            service_code: row.code.clone(),
            attributes: vec![Attribute {
                variable: true,
                code: "severity".into(),
                datatype: "singlevaluelist".into(),
                required: false,
                datatype_description: None,
                order: 1,
                description: "How serious (sets the deadlines); general when absent. \
                              Send as attribute[severity]."
                    .into(),
                values: Severity::ALL
                    .into_iter()
                    .map(|s| AttributeValue {
                        key: s.code().into(),
                        name: format!("{} {}", s.label_zh(), s.label_en()),
                    })
                    .collect(),
            }],
        }
    }
}

/// The answer to a report.
#[derive(Debug, Serialize, ToSchema)]
pub struct Receipt {
    #[schema(format = Uuid, max_length = 36)]
    pub service_request_id: String,
    #[schema(max_length = 200)]
    pub service_notice: String,
    #[schema(max_length = 64)]
    pub account_id: Option<String>,
}

impl Receipt {
    pub fn new(row: &CaseRow) -> Receipt {
        Receipt {
            service_request_id: row.id.to_string(),
            service_notice: format!(
                "Received; the grid accepts it by {}.",
                w3c(time::from_db(row.accept_due_at))
            ),
            account_id: None,
        }
    }
}

/// The case's detailed state, beside the two GeoReport statuses.
#[derive(Debug, Serialize, ToSchema)]
pub struct Extended {
    pub state: CaseState,
}

/// A case as a service request. `description`, `lat` and `long` only for
/// the integrator that reported it; null in the public view.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceRequest {
    #[schema(format = Uuid, max_length = 36)]
    pub service_request_id: String,
    pub status: Status,
    /// The detailed state: its code and label.
    #[schema(max_length = 100)]
    pub status_notes: String,
    #[schema(max_length = 100)]
    pub service_name: String,
    #[schema(max_length = 81)]
    pub service_code: String,
    #[schema(max_length = 2000)]
    pub description: Option<String>,
    #[schema(max_length = 100)]
    pub agency_responsible: Option<String>,
    #[schema(max_length = 200)]
    pub service_notice: Option<String>,
    #[schema(max_length = 40)]
    pub requested_datetime: String,
    #[schema(max_length = 40)]
    pub updated_datetime: String,
    /// When it is due to be resolved.
    #[schema(max_length = 40)]
    pub expected_datetime: Option<String>,
    #[schema(max_length = 200)]
    pub address: Option<String>,
    #[schema(max_length = 40)]
    pub address_id: Option<String>,
    #[schema(max_length = 20)]
    pub zipcode: Option<String>,
    pub lat: Option<f64>,
    pub long: Option<f64>,
    #[schema(max_length = 2000)]
    pub media_url: Option<String>,
    pub extended_attributes: Extended,
}

impl ServiceRequest {
    pub fn new(row: &CaseRow, service_name: &str, full: bool) -> ServiceRequest {
        let open = Status::of(row.state) == Status::Open;
        ServiceRequest {
            service_request_id: row.id.to_string(),
            status: Status::of(row.state),
            status_notes: format!("{}: {}", row.state.code(), row.state.label_zh()),
            service_name: service_name.to_owned(),
            service_code: row.category_code.clone(),
            description: full.then(|| row.description.clone()),
            agency_responsible: None,
            service_notice: None,
            requested_datetime: w3c(time::from_db(row.reported_at)),
            updated_datetime: w3c(time::from_db(row.updated_at)),
            expected_datetime: open.then(|| w3c(time::from_db(row.resolve_due_at))),
            address: None,
            address_id: None,
            zipcode: None,
            lat: row.lat.filter(|_| full),
            long: row.lng.filter(|_| full),
            media_url: None,
            extended_attributes: Extended { state: row.state },
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenAnswer {
    #[schema(format = Uuid, max_length = 36)]
    pub service_request_id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub token: String,
}

/// A public step of a request (FixMyStreet's `servicerequestupdates`).
#[derive(Debug, Serialize, ToSchema)]
pub struct RequestUpdate {
    #[schema(format = Uuid, max_length = 36)]
    pub update_id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub service_request_id: String,
    /// FixMyStreet's status: open, investigating, action_scheduled,
    /// in_progress, fixed, reopen, closed, not_councils_responsibility,
    /// duplicate.
    #[schema(max_length = 40, example = "action_scheduled")]
    pub status: String,
    #[schema(max_length = 40)]
    pub updated_datetime: String,
    #[schema(max_length = 2000)]
    pub description: String,
    #[schema(max_length = 2000)]
    pub media_url: Option<String>,
}

impl RequestUpdate {
    pub fn new(step: &TimelineRow) -> RequestUpdate {
        RequestUpdate {
            update_id: step.id.clone(),
            service_request_id: step.case_id.to_string(),
            status: Status::detailed(step.to_state).to_owned(),
            updated_datetime: w3c(time::from_db(step.occurred_at)),
            description: step
                .note
                .clone()
                .unwrap_or_else(|| step.to_state.label_zh().to_owned()),
            media_url: None,
        }
    }
}

/// An Open311 error.
#[derive(Debug, Serialize, ToSchema)]
pub struct Open311Error {
    #[schema(minimum = 400, maximum = 599)]
    pub code: u16,
    #[schema(max_length = 500)]
    pub description: String,
}

/// The singular of a list's name, for its items' elements in XML.
fn item_name(list: &str) -> &str {
    match list {
        "services" => "service",
        "service_requests" => "request",
        "service_request_updates" => "request_update",
        "errors" => "error",
        "endpoints" => "endpoint",
        "formats" => "format",
        "attributes" => "attribute",
        "values" => "value",
        other => other.strip_suffix('s').unwrap_or(other),
    }
}

fn write_value(writer: &mut Writer<Vec<u8>>, name: &str, value: &Value) -> std::io::Result<()> {
    match value {
        Value::Null => writer.write_event(Event::Empty(BytesStart::new(name))),
        Value::Array(items) => {
            writer.write_event(Event::Start(BytesStart::new(name)))?;
            for item in items {
                write_value(writer, item_name(name), item)?;
            }
            writer.write_event(Event::End(BytesEnd::new(name)))
        }
        Value::Object(fields) => {
            writer.write_event(Event::Start(BytesStart::new(name)))?;
            for (field, value) in fields {
                write_value(writer, field, value)?;
            }
            writer.write_event(Event::End(BytesEnd::new(name)))
        }
        Value::String(text) => text_element(writer, name, text),
        other => text_element(writer, name, &other.to_string()),
    }
}

fn text_element(writer: &mut Writer<Vec<u8>>, name: &str, text: &str) -> std::io::Result<()> {
    writer.write_event(Event::Start(BytesStart::new(name)))?;
    writer.write_event(Event::Text(BytesText::new(text)))?;
    writer.write_event(Event::End(BytesEnd::new(name)))
}

/// `body` as a GeoReport XML document under `root`.
pub fn to_xml(root: &str, body: &impl Serialize) -> Result<Vec<u8>, String> {
    let value = serde_json::to_value(body).map_err(|e| e.to_string())?;
    let mut writer = Writer::new(Vec::new());
    writer
        .write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))
        .and_then(|()| write_value(&mut writer, root, &value))
        .map_err(|e| e.to_string())?;
    Ok(writer.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_wrap_their_items_and_nulls_stay_empty() {
        let body = serde_json::json!([
            { "service_request_id": "a<b", "lat": 33.79, "address": null, "status": "open" }
        ]);
        let xml = String::from_utf8(to_xml("service_requests", &body).unwrap()).unwrap();
        assert_eq!(
            xml,
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><service_requests><request>\
             <address/><lat>33.79</lat><service_request_id>a&lt;b</service_request_id>\
             <status>open</status></request></service_requests>"
        );
        let errors = serde_json::json!([{ "code": 403, "description": "no key" }]);
        let xml = String::from_utf8(to_xml("errors", &errors).unwrap()).unwrap();
        assert!(xml.ends_with(
            "<errors><error><code>403</code><description>no key</description></error></errors>"
        ));
    }
}
