//! `report.md`: the tables as Markdown pipe tables, numbers in the report's
//! language (`1.234.567`, `96,1%`).

use super::{ReportTables, ValueKind};

fn esc(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
}

pub fn render(r: &ReportTables) -> String {
    let mut s = format!("# {}\n\n", esc(&r.title));
    for (k, v) in &r.meta {
        s.push_str(&format!("- **{}:** {}\n", esc(k), esc(v)));
    }
    for tb in &r.tables {
        s.push_str(&format!("\n## {}\n\n", esc(&tb.title)));
        // "TT" (số thứ tự) as in the reports' tables
        s.push_str(&format!("| {} |", super::row_no_label(r.lang)));
        for c in &tb.columns {
            s.push_str(&format!(" {} |", esc(&c.label)));
        }
        s.push_str("\n|---:|");
        for c in &tb.columns {
            s.push_str(if c.kind == ValueKind::Text {
                "---|"
            } else {
                "---:|"
            });
        }
        s.push('\n');
        for (i, row) in tb.rows.iter().enumerate() {
            s.push_str(&format!("| {} |", i + 1));
            for cell in row {
                s.push_str(&format!(" {} |", esc(&cell.human(r.lang))));
            }
            s.push('\n');
        }
        if let Some(row) = &tb.total {
            s.push_str("|  |");
            for cell in row {
                let v = cell.human(r.lang);
                if v.is_empty() {
                    s.push_str("  |");
                } else {
                    s.push_str(&format!(" **{}** |", esc(&v)));
                }
            }
            s.push('\n');
        }
        if let Some(n) = &tb.note {
            s.push_str(&format!("\n_{}_\n", esc(n)));
        }
    }
    let (date, signers) = r.signature();
    s.push_str(&format!("\n_{}_\n\n", esc(&date)));
    s.push_str(&format!(
        "| {} | {} |\n|:---:|:---:|\n| _{}_ | _{}_ |\n",
        esc(&signers[0].0),
        esc(&signers[1].0),
        esc(&signers[0].1),
        esc(&signers[1].1)
    ));
    s
}
