//! Placards as staff preview them and as the public sees them. A mobile
//! number is shown in full only with the person's consent to publish it.

use chrono::{DateTime, Utc};
use gridwork_domain::assignment::GridRole;
use gridwork_domain::placard;
use gridwork_persistence::assignment::AssignmentRow;
use gridwork_persistence::person::PersonRow;
use gridwork_persistence::time;
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::Reason;
use crate::app::placards::Board;

/// The four-in-one duties every placard states.
pub const DUTIES_ZH: [&str; 4] = ["信息采集", "隐患排查", "矛盾调解", "政策宣传"];

/// The schema of `duties_zh`, from the constant itself.
fn duties_schema() -> utoipa::openapi::Array {
    use utoipa::openapi::{ArrayBuilder, ObjectBuilder, Type};
    ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(DUTIES_ZH)),
        )
        .min_items(Some(DUTIES_ZH.len()))
        .max_items(Some(DUTIES_ZH.len()))
        .build()
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlacardMember {
    #[schema(max_length = 50, example = "张亚超")]
    pub name: String,
    pub role: GridRole,
    #[schema(max_length = 20, example = "专职网格员")]
    pub role_label_zh: &'static str,
    /// The mobile in full when the person consented to publishing it
    /// (`placard_phone_consent`), else the work number, else the mobile
    /// masked; None without either.
    #[schema(max_length = 32, example = "13700000000")]
    pub phone: Option<String>,
    /// True when `phone` is a full number that can be dialled.
    pub callable: bool,
    #[schema(max_length = 100)]
    pub duties_zh: &'static str,
}

impl PlacardMember {
    fn new(a: &AssignmentRow, p: &PersonRow) -> PlacardMember {
        let contact = placard::contact(
            p.mobile.as_deref(),
            p.work_phone.as_deref(),
            p.placard_phone_consent,
        );
        let callable = contact.as_ref().is_some_and(|c| c.callable);
        let phone = contact.map(|c| c.number);
        PlacardMember {
            name: p.name.clone(),
            role: a.role,
            role_label_zh: a.role.label_zh(),
            phone,
            callable,
            duties_zh: a.role.duties_zh(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PreviewMember {
    #[schema(format = Uuid, max_length = 36)]
    pub person_id: String,
    /// Whether the person agreed to appear on public placards.
    pub consented: bool,
    #[serde(flatten)]
    pub shown: PlacardMember,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlacardPreview {
    #[schema(format = Uuid, max_length = 36)]
    pub grid_id: String,
    #[schema(max_length = 40, pattern = "^[0-9]{1,40}$")]
    pub grid_code: String,
    #[schema(max_length = 100)]
    pub grid_name: String,
    #[schema(max_length = 200)]
    pub enterprise_name: Option<String>,
    /// The members the board shows: at most 30, by role, the grid leader first.
    #[schema(max_items = 30)]
    pub members: Vec<PreviewMember>,
    #[schema(schema_with = duties_schema)]
    pub duties_zh: Vec<&'static str>,
    pub published: bool,
    pub published_at: Option<DateTime<Utc>>,
    /// Where the QR code points; present once a token exists.
    #[schema(max_length = 2048, pattern = "^https?://")]
    pub public_url: Option<String>,
    /// True when it may be published now.
    pub ready: bool,
    /// What keeps it from being published: a missing grid leader or
    /// full-time worker, and each member who has not consented.
    #[schema(max_items = 32)]
    pub missing: Vec<Reason>,
}

/// The public address of a placard token under `base` (the server's public URL).
pub fn public_url(base: &str, token: &str) -> String {
    format!("{base}/api/v1/public/placards/{token}")
}

impl PlacardPreview {
    pub fn new(board: &Board, base_url: &str) -> PlacardPreview {
        let missing = board.blockers();
        PlacardPreview {
            grid_id: board.grid.id.to_string(),
            grid_code: board.grid.code.clone(),
            grid_name: board.grid.name.clone(),
            enterprise_name: board.enterprise_name.clone(),
            members: board
                .members
                .iter()
                .map(|(a, p)| PreviewMember {
                    person_id: p.id.to_string(),
                    consented: p.placard_consent,
                    shown: PlacardMember::new(a, p),
                })
                .collect(),
            duties_zh: DUTIES_ZH.to_vec(),
            published: board.grid.placard_published_at.is_some(),
            published_at: board.grid.placard_published_at.map(time::from_db),
            public_url: board
                .grid
                .placard_token
                .as_deref()
                .map(|t| public_url(base_url, t)),
            ready: missing.is_empty(),
            missing,
        }
    }
}

/// What anyone with the QR code sees.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicPlacard {
    #[schema(max_length = 100, example = "周口耕德电子网格")]
    pub grid_name: String,
    #[schema(
        max_length = 40,
        pattern = "^[0-9]{1,40}$",
        example = "411622000000001"
    )]
    pub grid_code: String,
    #[schema(max_length = 200)]
    pub enterprise_name: Option<String>,
    /// The members who consented to be shown, of the 30 a board shows at
    /// most.
    #[schema(max_items = 30)]
    pub members: Vec<PlacardMember>,
    #[schema(schema_with = duties_schema)]
    pub duties_zh: Vec<&'static str>,
    pub updated_at: DateTime<Utc>,
}

impl From<&Board> for PublicPlacard {
    fn from(board: &Board) -> PublicPlacard {
        PublicPlacard {
            grid_name: board.grid.name.clone(),
            grid_code: board.grid.code.clone(),
            enterprise_name: board.enterprise_name.clone(),
            members: board
                .public_members()
                .map(|(a, p)| PlacardMember::new(a, p))
                .collect(),
            duties_zh: DUTIES_ZH.to_vec(),
            updated_at: time::from_db(board.grid.updated_at),
        }
    }
}

/// A print link: open it in a desktop browser, no login needed.
#[derive(Debug, Serialize, ToSchema)]
pub struct PrintLinkView {
    /// The page with a signed `link` parameter; works until `expires_at`,
    /// for this view of this grid only, while its maker's account is enabled.
    #[schema(max_length = 2048, pattern = "^https?://")]
    pub url: String,
    pub expires_at: DateTime<Utc>,
}

/// A placard's QR code as SVG: its public address (at most 1,112
/// characters: the configured public URL, the path, the token) drawn as
/// paths.
pub struct QrSvg;

impl utoipa::PartialSchema for QrSvg {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .max_length(Some(QR_SVG_MAX))
            .into()
    }
}

impl utoipa::ToSchema for QrSvg {}

/// The most bytes a placard's QR code SVG takes (a test draws the longest
/// address the server makes).
pub const QR_SVG_MAX: usize = 262_144;
