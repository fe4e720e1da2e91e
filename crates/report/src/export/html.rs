//! `report.html`: one self-contained page (inline CSS, inline SVG bar charts,
//! no scripts, no external assets), readable offline and printable.

use super::{Chart, ReportTables, ValueKind};
use lamsach_io::num::fmt_num;
use lamsach_text::Lang;

pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

const CSS: &str = "body{font-family:'Segoe UI',Arial,'Noto Sans',sans-serif;margin:24px;color:#1d2733;background:#fff}\
h1{font-size:22px;margin:0 0 8px}h2{font-size:17px;margin:28px 0 8px;color:#12486b}\
ul.meta{list-style:none;padding:0;margin:0 0 12px;color:#3d4a57}ul.meta li{margin:2px 0}\
table{border-collapse:collapse;font-size:13px;margin:4px 0}\
th,td{border:1px solid #c9d3dd;padding:4px 8px}th{background:#e8f0f7;text-align:center;vertical-align:bottom}\
td.n{text-align:right;font-variant-numeric:tabular-nums}td:nth-child(2){white-space:nowrap}tr.total td{font-weight:bold;background:#f4f7fa}\
p.note{font-size:12px;color:#5b6773;margin:4px 0}.charts{display:flex;flex-wrap:wrap;gap:16px}\
figure{margin:0;border:1px solid #dde4ea;padding:8px}figcaption{font-weight:bold;font-size:14px;margin-bottom:4px}\
svg text{font-size:12px;fill:#1d2733}.sign{display:flex;justify-content:space-between;margin:36px 40px 0;page-break-inside:avoid}.sign div{text-align:center;min-width:240px}.sign p{margin:2px 0}.sign .hint{font-style:italic;font-size:12px;color:#5b6773}.sign .room{height:80px}.date{text-align:right;margin:32px 40px 0;font-style:italic}footer{margin-top:32px;font-size:11px;color:#7a8691}\
@media print{.charts{display:block}}";

const COLORS: [&str; 4] = ["#2f7bbf", "#e39b2d", "#c8453b", "#6b8e23"];

fn chart_svg(c: &Chart, lang: Lang) -> String {
    let label_w = 250.0;
    let bar_w = 330.0;
    let row_h = 22.0;
    let legend_h = if c.legend.is_empty() { 0.0 } else { 22.0 };
    let width = label_w + bar_w + 110.0;
    let height = (c.bars.len().max(1) as f64) * row_h + 8.0 + legend_h;
    let max = c
        .bars
        .iter()
        .map(|b| b.1.iter().sum::<u64>())
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let mut s = format!(
        "<svg role=\"img\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\"><title>{}</title>",
        esc(&c.title)
    );
    let mut x = label_w;
    for (i, name) in c.legend.iter().enumerate() {
        let color = COLORS[i % COLORS.len()];
        s.push_str(&format!(
            "<rect x=\"{x}\" y=\"4\" width=\"12\" height=\"12\" fill=\"{color}\"/><text x=\"{}\" y=\"15\">{}</text>",
            x + 16.0,
            esc(name)
        ));
        x += 24.0 + name.chars().count() as f64 * 7.0;
    }
    if c.bars.is_empty() {
        s.push_str(&format!(
            "<text x=\"4\" y=\"{}\">{}</text>",
            legend_h + 16.0,
            if lang.is_en() {
                "No data"
            } else {
                "Không có số liệu"
            }
        ));
    }
    for (i, (label, values)) in c.bars.iter().enumerate() {
        let y = legend_h + 4.0 + i as f64 * row_h;
        let short: String = if label.chars().count() > 38 {
            label.chars().take(37).chain(['…']).collect()
        } else {
            label.clone()
        };
        s.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            label_w - 6.0,
            y + 15.0,
            esc(&short)
        ));
        let mut x = label_w;
        for (k, v) in values.iter().enumerate() {
            let w = *v as f64 / max * bar_w;
            let w = if *v > 0 { w.max(1.0) } else { 0.0 };
            if w > 0.0 {
                s.push_str(&format!(
                    "<rect x=\"{x:.1}\" y=\"{y}\" width=\"{w:.1}\" height=\"{}\" fill=\"{}\"/>",
                    row_h - 6.0,
                    COLORS[k % COLORS.len()]
                ));
            }
            x += w;
        }
        let text: Vec<String> = values.iter().map(|v| fmt_num(*v, lang)).collect();
        let mut text = text.join(" / ");
        if let Some(Some(r)) = c.rates.get(i) {
            text.push_str(&format!(
                " ({})",
                lamsach_io::num::fmt_rate(Some(*r), lamsach_io::num::Precision::Tenths, lang)
            ));
        }
        s.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{}\">{}</text>",
            x + 4.0,
            y + 15.0,
            esc(&text)
        ));
    }
    s.push_str("</svg>");
    s
}

pub fn render(r: &ReportTables) -> String {
    let mut s = String::new();
    s.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        if r.lang.is_en() { "en" } else { "vi" },
        esc(&r.title)
    ));
    s.push_str(&format!(
        "<h1>{}</h1>\n<ul class=\"meta\">\n",
        esc(&r.title)
    ));
    for (k, v) in &r.meta {
        s.push_str(&format!("<li><b>{}:</b> {}</li>\n", esc(k), esc(v)));
    }
    s.push_str("</ul>\n");
    if !r.charts.is_empty() {
        s.push_str(&format!(
            "<h2>{}</h2>\n<div class=\"charts\">\n",
            if r.lang.is_en() {
                "Charts"
            } else {
                "Biểu đồ"
            }
        ));
        for c in &r.charts {
            s.push_str(&format!(
                "<figure><figcaption>{}</figcaption>{}</figure>\n",
                esc(&c.title),
                chart_svg(c, r.lang)
            ));
        }
        s.push_str("</div>\n");
    }
    for tb in &r.tables {
        s.push_str(&format!(
            "<h2 id=\"{}\">{}</h2>\n<table>\n<thead><tr>",
            tb.id,
            esc(&tb.title)
        ));
        s.push_str(&format!("<th>{}</th>", super::row_no_label(r.lang)));
        for c in &tb.columns {
            s.push_str(&format!("<th>{}</th>", esc(&c.label)));
        }
        s.push_str("</tr></thead>\n<tbody>\n");
        let rows = tb
            .rows
            .iter()
            .map(|r| (r, false))
            .chain(tb.total.iter().map(|r| (r, true)));
        for (i, (row, total)) in rows.enumerate() {
            if total {
                s.push_str("<tr class=\"total\"><td></td>");
            } else {
                s.push_str(&format!("<tr><td class=\"n\">{}</td>", i + 1));
            }
            for (cell, col) in row.iter().zip(&tb.columns) {
                let class = if col.kind == ValueKind::Text {
                    ""
                } else {
                    " class=\"n\""
                };
                s.push_str(&format!("<td{class}>{}</td>", esc(&cell.human(r.lang))));
            }
            s.push_str("</tr>\n");
        }
        s.push_str("</tbody>\n</table>\n");
        if let Some(n) = &tb.note {
            s.push_str(&format!("<p class=\"note\">{}</p>\n", esc(n)));
        }
    }
    let (date, signers) = r.signature();
    s.push_str(&format!(
        "<p class=\"date\">{}</p>\n<div class=\"sign\">",
        esc(&date)
    ));
    for (who, hint) in &signers {
        s.push_str(&format!(
            "<div><p><b>{}</b></p><p class=\"hint\">{}</p><p class=\"room\"></p></div>",
            esc(who),
            esc(hint)
        ));
    }
    s.push_str("</div>\n");
    s.push_str(&format!(
        "<footer>lamsach {} — {}</footer>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION"),
        if r.lang.is_en() {
            "generated offline; contains counts only, no personal data"
        } else {
            "tạo ngoại tuyến; chỉ có số liệu tổng hợp, không có dữ liệu cá nhân"
        }
    ));
    s
}
