//! HTML and SVG of placards: the mobile page behind the QR code and the A4
//! board for printing. Self-contained (inline CSS and SVG, no external
//! assets); every text from the database is HTML-escaped.

use std::fmt::Write;

use qrcode::QrCode;
use qrcode::render::svg;

use crate::app::AppError;
use crate::views::placards::{PlacardMember, PublicPlacard};

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The QR code of `url` as an SVG document.
pub fn qr_svg(url: &str) -> Result<String, AppError> {
    let code =
        QrCode::new(url.as_bytes()).map_err(|e| AppError::Internal(format!("qr code: {e}")))?;
    Ok(code
        .render::<svg::Color<'_>>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .build())
}

/// Digits, `+`, `-` only: what may go into a `tel:` link.
fn tel(phone: &str) -> String {
    phone
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect()
}

fn member_row(m: &PlacardMember) -> String {
    let phone = match (&m.phone, m.callable) {
        (Some(p), true) => format!(
            "<a class=\"tel\" href=\"tel:{}\">拨打 {}</a>",
            escape(&tel(p)),
            escape(p)
        ),
        (Some(p), false) => format!("<span class=\"masked\">{}</span>", escape(p)),
        (None, _) => String::new(),
    };
    format!(
        "<li><div class=\"who\"><span class=\"role\">{}</span><span class=\"name\">{}</span></div>\
         <div class=\"duty\">{}</div>{phone}</li>",
        escape(m.role_label_zh),
        escape(&m.name),
        escape(m.duties_zh),
    )
}

const PAGE_STYLE: &str = "body{margin:0;font-family:-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;\
background:#f4f6f8;color:#1d2329;font-size:17px;line-height:1.5}\
header{background:#c8102e;color:#fff;padding:18px 16px}h1{margin:0;font-size:21px}\
.sub{opacity:.9;font-size:14px}main{padding:12px;max-width:560px;margin:0 auto}\
ul{list-style:none;margin:0;padding:0}li{background:#fff;border-radius:10px;padding:12px 14px;margin:10px 0;\
box-shadow:0 1px 2px rgba(0,0,0,.08)}.who{display:flex;gap:10px;align-items:baseline}\
.role{color:#c8102e;font-weight:600;font-size:15px}.name{font-size:19px;font-weight:600}\
.duty{color:#56606a;font-size:14px;margin:4px 0}.tel{display:block;margin-top:6px;padding:10px;text-align:center;\
background:#0a7d39;color:#fff;border-radius:8px;text-decoration:none;font-size:18px}\
.masked{color:#56606a}.duties{background:#fff;border-radius:10px;padding:12px 14px}footer{color:#8a939c;\
font-size:12px;text-align:center;padding:16px}";

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{}</title><style>{PAGE_STYLE}</style></head><body>{body}</body></html>",
        escape(title)
    )
}

/// The page an employee's phone shows after scanning the placard's QR code.
pub fn public_page(p: &PublicPlacard) -> String {
    let mut members = String::new();
    for m in &p.members {
        members.push_str(&member_row(m));
    }
    let enterprise = p
        .enterprise_name
        .as_deref()
        .map(|e| format!("<div class=\"sub\">{}</div>", escape(e)))
        .unwrap_or_default();
    let body = format!(
        "<header><h1>{name}</h1>{enterprise}<div class=\"sub\">网格编码 {code}</div></header>\
         <main><p>有事找网格员：</p><ul>{members}</ul>\
         <div class=\"duties\"><b>网格员职责</b>：{duties}</div></main>\
         <footer>网格员信息公示牌 · 更新于 {updated}</footer>",
        name = escape(&p.grid_name),
        code = escape(&p.grid_code),
        duties = escape(&p.duties_zh.join("、")),
        updated = p.updated_at.format("%Y-%m-%d"),
    );
    page(&format!("{} · 网格员信息公示", p.grid_name), &body)
}

pub fn not_found_page() -> String {
    page(
        "公示牌不存在",
        "<header><h1>公示牌不存在或已更新</h1></header><main><p>此二维码已失效。请扫描现场最新的网格员信息公示牌，\
         或联系经开区管委会。</p><p class=\"sub\">This placard does not exist or has been replaced.</p></main>",
    )
}

const PRINT_STYLE: &str = "@page{size:A4;margin:14mm}\
body{margin:0;font-family:'SimHei','Microsoft YaHei','PingFang SC',sans-serif;color:#111}\
.sheet{break-after:page;page-break-after:always}.sheet:last-child{break-after:auto;page-break-after:auto}\
.board{border:3mm solid #c8102e;padding:10mm;min-height:250mm;box-sizing:border-box}\
h1{text-align:center;color:#c8102e;font-size:30pt;margin:0 0 4mm}\
.meta{text-align:center;font-size:14pt;margin-bottom:8mm}\
table{width:100%;border-collapse:collapse;font-size:13pt}th,td{border:1px solid #555;padding:3mm;vertical-align:top}\
th{background:#fbe9eb}.r{white-space:nowrap;color:#c8102e}.n{white-space:nowrap;font-weight:bold}\
.foot{display:flex;justify-content:space-between;align-items:center;margin-top:10mm;font-size:12pt}\
.qr svg{width:45mm;height:45mm}.url{word-break:break-all}\
h2{color:#c8102e;font-size:20pt;margin:0 0 6mm}.skipped td{font-size:12pt}\
@media screen and (max-width:600px){.board{padding:4mm;min-height:0;border-width:2mm;margin-bottom:6mm}\
h1{font-size:20pt}.meta{font-size:11pt}table{font-size:10pt}th,td{padding:1.5mm}.n{white-space:normal}\
.qr svg{width:30mm;height:30mm}h2{font-size:15pt}}";

/// A grid whose board is not in a print run, and why.
pub struct Skipped<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub reasons: Vec<String>,
}

/// One A4 board: title, people with roles, numbers and duties, and the QR code.
fn board(p: &PublicPlacard, url: &str, qr: &str) -> String {
    let mut rows = String::new();
    for m in &p.members {
        let _ = write!(
            rows,
            "<tr><td class=\"r\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
            escape(m.role_label_zh),
            escape(&m.name),
            escape(m.phone.as_deref().unwrap_or("")),
            escape(m.duties_zh)
        );
    }
    format!(
        "<section class=\"sheet\"><div class=\"board\">\
         <h1>网格员信息公示牌</h1><div class=\"meta\">{grid}　{enterprise}<br>网格编码：{code}</div>\
         <table><thead><tr><th>职务</th><th>姓名</th><th>联系电话</th><th>职责</th></tr></thead><tbody>{rows}</tbody></table>\
         <p><b>四位一体职责：</b>{duties}</p>\
         <div class=\"foot\"><div>有事找网格员<br>扫码查看最新信息<br><small class=\"url\">{url}</small></div><div class=\"qr\">{qr}</div></div>\
         </div></section>",
        grid = escape(&p.grid_name),
        enterprise = p.enterprise_name.as_deref().map(escape).unwrap_or_default(),
        code = escape(&p.grid_code),
        duties = escape(&p.duties_zh.join("、")),
        url = escape(url),
        qr = strip_xml_declaration(qr),
    )
}

fn print_document(title: &str, sheets: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><style>{PRINT_STYLE}</style></head><body>{sheets}</body></html>",
        title = escape(title),
    )
}

/// The A4 board of one grid.
pub fn print_page(p: &PublicPlacard, url: &str, qr: &str) -> String {
    print_document(&format!("{} 公示牌", p.grid_name), &board(p, url, qr))
}

/// Every board of a subtree, one per A4 page in code order, then a last
/// page listing the grids not printed and why. `boards` holds each placard
/// with its public URL and QR code.
pub fn print_run(
    title: &str,
    boards: &[(PublicPlacard, String, String)],
    skipped: &[Skipped<'_>],
) -> String {
    let mut sheets: String = boards
        .iter()
        .map(|(p, url, qr)| board(p, url, qr))
        .collect();
    if !skipped.is_empty() {
        let mut rows = String::new();
        for s in skipped {
            let _ = write!(
                rows,
                "<tr><td class=\"n\">{}</td><td>{}</td><td>{}</td></tr>",
                escape(s.code),
                escape(s.name),
                escape(&s.reasons.join("；"))
            );
        }
        let _ = write!(
            sheets,
            "<section class=\"sheet skipped\"><h2>未打印的网格（{count}）</h2>\
             <p>以下网格的公示牌未发布，本次未打印。Not printed, and why:</p>\
             <table><thead><tr><th>网格编码</th><th>网格</th><th>原因</th></tr></thead><tbody>{rows}</tbody></table></section>",
            count = skipped.len()
        );
    }
    print_document(title, &sheets)
}

fn strip_xml_declaration(svg: &str) -> &str {
    match svg.find("<svg") {
        Some(i) => &svg[i..],
        None => svg,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_placard_address_draws_within_the_spec_bound() {
        // a 1024-character public URL (the most the config takes), the
        // path and a 64-character token
        let base = format!("https://{}", "x".repeat(1024 - 8));
        let url = crate::views::placards::public_url(&base, &"t".repeat(64));
        let svg = qr_svg(&url).unwrap();
        assert!(
            svg.len() <= crate::views::placards::QR_SVG_MAX,
            "{} bytes",
            svg.len()
        );
    }

    #[test]
    fn html_is_escaped() {
        assert_eq!(
            escape("<script>\"x\" & 'y'"),
            "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;"
        );
    }

    #[test]
    fn tel_links_keep_digits_only() {
        assert_eq!(tel("0394-812 3456"), "03948123456");
        assert_eq!(tel("\"><script>"), "");
    }

    #[test]
    fn qr_codes_are_svg() {
        let svg = qr_svg("http://127.0.0.1:8080/api/v1/public/placards/abc").unwrap();
        assert!(svg.contains("<svg") && svg.contains("</svg>"));
    }
}
