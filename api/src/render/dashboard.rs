//! The zone dashboard as one self-contained HTML page for a big screen
//! (1920 × 1080) that also reads on a phone: the map as inline SVG drawn
//! from the grids' boundaries (no tile server, works offline), the three
//! rates, this month's case KPIs, the grids' scorecards and the latest
//! escalations, refreshing itself. Every text from the database is
//! HTML-escaped.

use std::fmt::Write;

use gridwork_domain::boundary::BoundingBox;
use gridwork_domain::coverage::{CoverageRate, Rate};
use gridwork_domain::dashboard::{CLASSES, Figure, Frame, class, union};

use super::placards::escape;
use crate::app::dashboard::{Dashboard, Measure};
use crate::app::grids::stored_boundary;
use crate::views::dashboard::largest;

/// Map size in SVG units (the page scales it to fit).
const MAP_W: f64 = 1000.0;
const MAP_H: f64 = 720.0;

/// Worst to best, colour-blind safe (ColorBrewer RdYlBu).
const PALETTE: [&str; CLASSES as usize] = ["#d73027", "#fc8d59", "#fee090", "#91bfdb", "#4575b4"];
const NO_DATA: &str = "#3a4356";

/// What the page needs besides the figures: where its links point and
/// how often it reloads.
pub struct PageLinks<'a> {
    /// The page's own URL without `figure` (with its `link` token, if any),
    /// ending in `?` or `&`.
    pub base: &'a str,
    pub refresh_secs: u32,
    pub generated_at: &'a str,
    /// The zone's time zone, for the times shown.
    pub tz: chrono_tz::Tz,
}

fn percent(rate: &Rate) -> String {
    rate.value()
        .map_or_else(|| "—".to_owned(), |v| format!("{:.1}%", v * 100.0))
}

fn value_text(figure: Figure, m: &Measure) -> String {
    match (figure.is_count(), m.value) {
        (_, None) => "无数据".to_owned(),
        (true, Some(v)) => format!("{v:.0} 件"),
        (false, Some(v)) => format!(
            "{:.1}%（{}/{}）",
            v * 100.0,
            m.numerator,
            m.denominator.unwrap_or(0)
        ),
    }
}

fn map_svg(d: &Dashboard) -> String {
    let area = &d.area;
    let shapes: Vec<_> = std::iter::once(&area.root)
        .chain(area.children.iter().map(|(g, _)| g))
        .chain(area.below.iter())
        .filter_map(|g| stored_boundary(g).map(|b| (g, b)))
        .collect();
    let frame_box: Option<BoundingBox> = union(shapes.iter().filter_map(|(_, b)| b.bounding_box()));
    let mut svg = format!(
        "<svg class=\"map\" viewBox=\"0 0 {MAP_W} {MAP_H}\" role=\"img\" aria-label=\"{}\">",
        escape(&area.root.name)
    );
    let Some(frame_box) = frame_box else {
        svg.push_str("<text x=\"50%\" y=\"50%\" text-anchor=\"middle\" class=\"empty\">这些网格尚未标绘边界</text></svg>");
        return svg;
    };
    let frame = Frame::fit(frame_box, MAP_W, MAP_H, 16.0);
    let largest = largest(&area.children.iter().map(|(_, m)| m).collect::<Vec<_>>());
    let mut labels = String::new();
    for (grid, b) in &shapes {
        let path = frame.path(b);
        let id = escape(grid.id.as_str());
        let name = escape(&grid.name);
        if grid.id == area.root.id {
            let _ = write!(
                svg,
                "<path class=\"root\" data-grid=\"{id}\" d=\"{path}\"><title>{name}</title></path>"
            );
        } else if let Some((_, m)) = area.children.iter().find(|(g, _)| g.id == grid.id) {
            let fill =
                class(area.figure, m.value, largest).map_or(NO_DATA, |c| PALETTE[usize::from(c)]);
            let _ = write!(
                svg,
                "<path class=\"child\" data-grid=\"{id}\" fill=\"{fill}\" d=\"{path}\"><title>{name}：{}</title></path>",
                escape(&value_text(area.figure, m))
            );
            if let Some(r) = b.bounding_box() {
                let (x, y) =
                    frame.point((r.min_lng + r.max_lng) / 2.0, (r.min_lat + r.max_lat) / 2.0);
                let short: String = grid.name.chars().take(6).collect();
                let _ = write!(
                    labels,
                    "<text x=\"{x:.1}\" y=\"{y:.1}\">{}</text>",
                    escape(&short)
                );
            }
        } else {
            let _ = write!(
                svg,
                "<path class=\"below\" data-grid=\"{id}\" d=\"{path}\"><title>{name}</title></path>"
            );
        }
    }
    let _ = write!(svg, "<g class=\"labels\">{labels}</g></svg>");
    svg
}

fn legend(figure: Figure) -> String {
    let bands: [&str; CLASSES as usize] = if figure.is_count() {
        ["最多", "较多", "中等", "较少", "无"]
    } else {
        ["<60%", "60–80%", "80–90%", "90–100%", "100%"]
    };
    let mut out = String::from("<ul class=\"legend\">");
    for (colour, band) in PALETTE.iter().zip(bands) {
        let _ = write!(out, "<li><i style=\"background:{colour}\"></i>{band}</li>");
    }
    let _ = write!(
        out,
        "<li><i style=\"background:{NO_DATA}\"></i>无数据</li></ul>"
    );
    out
}

fn bar(label: &str, rate: &Rate) -> String {
    let width = rate.value().unwrap_or(0.0) * 100.0;
    format!(
        "<div class=\"bar\"><span class=\"label\">{}</span><span class=\"track\"><span class=\"fill\" style=\"width:{width:.1}%\"></span></span><span class=\"num\">{}</span><span class=\"frac\">{}/{}</span></div>",
        escape(label),
        percent(rate),
        rate.numerator,
        rate.denominator
    )
}

pub fn page(d: &Dashboard, links: &PageLinks<'_>) -> String {
    let area = &d.area;
    let rates = CoverageRate::ALL.map(|r| (r.label_zh(), d.coverage.rate(r)));
    let mut rate_cards = String::new();
    for (label, rate) in &rates {
        let full = rate.is_complete();
        let _ = write!(
            rate_cards,
            "<div class=\"rate{}\"><div class=\"big\">{}</div><div class=\"what\">{label}</div><div class=\"frac\">{}/{}</div></div>",
            if full { " full" } else { "" },
            percent(rate),
            rate.numerator,
            rate.denominator
        );
    }
    let k = &d.stats.all.kpis;
    let mut kpis = String::new();
    for (label, rate) in [
        ("结案率", &k.closure),
        ("按期结案率", &k.on_time_closure),
        ("返工率", &k.rework),
        ("满意率", &k.satisfaction),
    ] {
        kpis.push_str(&bar(label, rate));
    }
    let mut states = String::new();
    for (state, n) in &d.stats.all.by_state {
        let _ = write!(states, "<li><b>{n}</b>{}</li>", state.label_zh());
    }
    let mut cards = String::new();
    for card in &d.scorecards.items {
        let total = card.row.total.map(|t| f64::from(t) / 100.0);
        let flag = match card.row.flag.as_deref() {
            Some("commend") => "<em class=\"commend\">表彰</em>",
            Some("review") => "<em class=\"review\">约谈</em>",
            _ => "",
        };
        let _ = write!(
            cards,
            "<div class=\"bar\"><span class=\"label\">{} {}</span><span class=\"track\"><span class=\"fill score\" style=\"width:{:.1}%\"></span></span><span class=\"num\">{}</span>{flag}</div>",
            card.row
                .rank
                .map_or_else(|| "—".to_owned(), |r| format!("{r}.")),
            escape(&card.name_zh),
            total.unwrap_or(0.0),
            total.map_or_else(|| "—".to_owned(), |t| format!("{t:.1}")),
        );
    }
    if cards.is_empty() {
        cards.push_str("<p class=\"empty\">本月尚无网格考核数据</p>");
    }
    let mut escalations = String::new();
    for (entry, case, grid) in &d.escalations {
        let at = entry
            .occurred_at
            .and_utc()
            .with_timezone(&links.tz)
            .format("%m-%d %H:%M");
        let text: String = case.description.chars().take(40).collect();
        let _ = write!(
            escalations,
            "<li><time>{at}</time><span class=\"lvl\">上报至{}</span><span class=\"grid\">{}</span><span class=\"desc\">{}</span></li>",
            entry.level.label_zh(),
            escape(grid),
            escape(&text)
        );
    }
    if escalations.is_empty() {
        escalations.push_str("<li class=\"empty\">暂无上报上级的事件</li>");
    }
    let mut figures = String::new();
    for f in Figure::ALL {
        let _ = write!(
            figures,
            "<a href=\"{}figure={}\"{}>{}</a>",
            escape(links.base),
            f.code(),
            if f == area.figure {
                " class=\"on\""
            } else {
                ""
            },
            f.label_zh()
        );
    }
    let truncated = if area.truncated {
        "<p class=\"note\">网格过多，仅绘制最靠近上层的部分；请选择下级网格查看。</p>"
    } else {
        ""
    };
    format!(
        r#"<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="{refresh}">
<title>{title} · 网格化服务管理指挥大屏</title>
<style>{STYLE}</style></head>
<body><header><h1>{title} · 网格化服务管理指挥大屏</h1><div class="at">{month} 月度数据 · 更新于 {at} · 每 {refresh} 秒自动刷新</div></header>
<main>
<section class="mapbox"><nav class="figures">{figures}</nav>{map}{legend}{truncated}</section>
<section class="side">
<div class="panel"><h2>三个100%</h2><div class="rates">{rate_cards}</div></div>
<div class="panel"><h2>本月事件考核指标</h2>{kpis}<ul class="states">{states}</ul></div>
<div class="panel"><h2>网格考核排名（本月）</h2>{cards}</div>
<div class="panel"><h2>最新上报上级</h2><ul class="escalations">{escalations}</ul></div>
</section></main></body></html>"#,
        refresh = links.refresh_secs,
        title = escape(&area.root.name),
        month = d.month,
        at = escape(links.generated_at),
        map = map_svg(d),
        legend = legend(area.figure),
    )
}

const STYLE: &str = r#"
*{box-sizing:border-box}body{margin:0;background:#0b1424;color:#e6edf7;font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",sans-serif}
header{display:flex;justify-content:space-between;align-items:baseline;padding:14px 28px;background:#0f1d35;border-bottom:2px solid #2a6fdb}
h1{margin:0;font-size:30px;letter-spacing:2px}.at{color:#9fb3cf;font-size:16px}
main{display:grid;grid-template-columns:minmax(0,1.45fr) minmax(0,1fr);gap:18px;padding:18px 28px;height:calc(100vh - 70px)}
section{min-height:0}.mapbox{background:#0f1d35;border-radius:10px;padding:12px;display:flex;flex-direction:column}
.map{width:100%;flex:1;min-height:0}.map path{stroke:#0b1424;stroke-width:1.2}
.map path.root{fill:#15264a;stroke:#2a6fdb;stroke-width:2}.map path.below{fill:none;stroke:#e6edf7;stroke-opacity:.35;stroke-width:.6}
.map .labels text{font-size:11px;fill:#0b1424;text-anchor:middle;pointer-events:none;font-weight:600}
.figures{display:flex;flex-wrap:wrap;gap:6px;margin-bottom:6px}.figures a{color:#9fb3cf;text-decoration:none;border:1px solid #2d4470;border-radius:14px;padding:3px 10px;font-size:14px}
.figures a.on{background:#2a6fdb;color:#fff;border-color:#2a6fdb}
.legend{display:flex;gap:14px;list-style:none;padding:0;margin:6px 0 0;font-size:14px;color:#9fb3cf}.legend i{display:inline-block;width:14px;height:14px;margin-right:5px;vertical-align:-2px;border-radius:3px}
.side{display:grid;grid-template-rows:auto auto 1fr 1fr;gap:14px;overflow:hidden}
.panel{background:#0f1d35;border-radius:10px;padding:12px 16px;overflow:hidden}h2{margin:0 0 10px;font-size:18px;color:#7fb2ff;border-left:4px solid #2a6fdb;padding-left:8px}
.rates{display:grid;grid-template-columns:repeat(3,1fr);gap:10px}.rate{background:#15264a;border-radius:8px;padding:10px;text-align:center}
.rate .big{font-size:34px;font-weight:700;color:#fee090}.rate.full .big{color:#66d19e}.rate .what{font-size:15px}.rate .frac,.bar .frac{color:#9fb3cf;font-size:13px}
.bar{display:grid;grid-template-columns:8.5em 1fr 4.5em auto;align-items:center;gap:8px;margin:6px 0;font-size:15px}
.bar .label{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}.track{height:12px;background:#15264a;border-radius:6px;overflow:hidden}
.fill{display:block;height:100%;background:#2a6fdb}.fill.score{background:#66d19e}.num{text-align:right;font-variant-numeric:tabular-nums}
em{font-style:normal;font-size:12px;border-radius:4px;padding:1px 5px}em.commend{background:#66d19e;color:#0b1424}em.review{background:#d73027}
.states{display:flex;flex-wrap:wrap;gap:6px 16px;list-style:none;padding:0;margin:8px 0 0;font-size:14px;color:#9fb3cf}.states b{color:#e6edf7;margin-right:4px;font-size:18px}
.escalations{list-style:none;padding:0;margin:0;font-size:14px}.escalations li{display:grid;grid-template-columns:6.5em 12em 1fr;gap:4px 8px;padding:5px 0;border-bottom:1px solid #1d3050}
.escalations time{color:#9fb3cf}.escalations .lvl{color:#fc8d59}.escalations .desc{grid-column:2/4;color:#c9d6ea}
.empty,.note{color:#9fb3cf}
@media (max-width:900px){header{display:block;padding:10px 14px}h1{font-size:20px}.at{font-size:13px}
main{display:block;height:auto;padding:10px}.mapbox{margin-bottom:12px}.map{height:auto}.side{display:block}.panel{margin-bottom:12px}
.rate .big{font-size:24px}.bar{grid-template-columns:6.5em 1fr 4em auto;font-size:13px}}
"#;
