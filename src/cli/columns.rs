//! `lamsach columns`: how a file is read — its header rows, the field each
//! column is checked as (with the confidence of the match), the columns
//! left unchecked, and the rows set aside as not records.

use super::{load_rules, Common, InputArgs};
use lamsach_io::error::{Error, Result};
use lamsach_io::input::{split_fields, Rec};
use lamsach_io::source::{NonRecord, NonRecordLine};
use lamsach_model::header::Reading;
use lamsach_model::layout::{non_record_cells, Opened};
use lamsach_model::profile::{column_letter, RuleData, SetAside};
use lamsach_text::Lang;
use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct ColumnsArgs {
    /// Tệp cần xem (CSV, TSV, .xlsx, .xls) / the export to look at
    pub file: PathBuf,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub common: Common,
}

pub fn run_columns(a: &ColumnsArgs) -> Result<ExitCode> {
    let data = load_rules(&a.common)?;
    let lang = Lang::from(a.common.lang);
    let opts = a.input.options(&data, lang)?;
    let opened = lamsach_engine::open(&a.file, &data, &opts)?;
    let mut set_aside = opened.source.non_records().to_vec();
    set_aside.extend(body_non_records(&opened, &data)?);
    let text = describe(&opened, &set_aside, lang);
    std::io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .map_err(|e| Error::write(&"stdout")(e))?;
    Ok(ExitCode::SUCCESS)
}

/// The rows of the table set aside as not records, as `check` sets them aside.
fn body_non_records(opened: &Opened, data: &RuleData) -> Result<Vec<NonRecordLine>> {
    let mut reader = opened.source.records()?;
    let read_err = Error::read(opened.source.path());
    let mut out = Vec::new();
    while let Some(rec) = reader.next_rec().map_err(&read_err)? {
        let Rec::Ok { line, bytes } = rec else {
            continue;
        };
        let mut raw = Vec::new();
        split_fields(bytes, opened.source.delim(), &mut raw);
        if raw.iter().all(|c| c.trim_ascii().is_empty()) {
            continue;
        }
        if let Some(kind) = non_record_cells(&raw, &opened.mapping, &data.headers) {
            out.push(NonRecordLine {
                line,
                end_line: line,
                kind,
            });
        }
    }
    Ok(out)
}

fn describe(opened: &Opened, set_aside: &[NonRecordLine], lang: Lang) -> String {
    let (src, m) = (&opened.source, &opened.mapping);
    let mut s = String::new();
    let label = lang.pick(&m.profile.label_vi, &m.profile.label_en);
    let sheet = src
        .sheet()
        .map(|n| format!(", {} \"{n}\"", lang.pick("trang", "sheet")))
        .unwrap_or_default();
    let _ = writeln!(
        s,
        "{}{sheet} — {label} ({})",
        src.path().display(),
        src.encoding()
    );
    let (a, b) = (src.header_line(), src.header_end_line());
    let _ = writeln!(
        s,
        "{}: {}",
        lang.pick("Dòng tiêu đề", "Header"),
        lamsach_report::cells::line_ranges(&[(a, b)])
    );
    let _ = writeln!(
        s,
        "\n{:<4} {:<40} {:<18} {:>6}  {}",
        lang.pick("Cột", "Col"),
        lang.pick("Tiêu đề", "Header"),
        lang.pick("Trường", "Field"),
        lang.pick("Tin cậy", "Conf."),
        lang.pick("Ghi chú", "Note")
    );
    let groups = src.header_groups();
    for (i, c) in m.columns.iter().enumerate() {
        let mut header = c.header.replace('\n', " ");
        if let Some(g) = groups.get(i).filter(|g| !g.is_empty()) {
            header = format!("{g} › {header}");
        }
        let (field, conf) = match (&c.field, &c.reading) {
            (Some(f), Reading::Field { confidence, .. }) => {
                (f.name().to_string(), format!("{confidence}%"))
            }
            (Some(f), _) => (f.name().to_string(), "100%".into()),
            _ => ("—".to_string(), String::new()),
        };
        let note = match (&c.reading, c.set_aside) {
            (_, Some(SetAside::Duplicate(kept))) => lang.pick(
                format!(
                    "trùng trường với cột {}: không kiểm tra",
                    column_letter(kept)
                ),
                format!("same field as column {}: not checked", column_letter(kept)),
            ),
            (Reading::Field { field, .. }, Some(SetAside::NotInProfile)) => lang.pick(
                format!("{}: hồ sơ này không kiểm tra", field.label(Lang::Vi)),
                format!("{}: not checked by this profile", field.label(Lang::En)),
            ),
            (
                Reading::Field {
                    year_only: true, ..
                },
                _,
            ) if c.field.is_some() => {
                lang.pick("chỉ ghi năm sinh".into(), "the year of birth only".into())
            }
            (Reading::Mark(sex), _) if m.sex_marks.is_some() => lang.pick(
                format!("đánh dấu X: {}", sex.label(lang)),
                format!("marked X: {}", sex.label(lang)),
            ),
            (Reading::OldUnit(f), _) => lang.pick(
                format!("đơn vị cũ, {}: không kiểm tra", f.label(Lang::Vi)),
                format!("old unit, {}: not checked", f.label(Lang::En)),
            ),
            (Reading::SomeoneElse, _) => lang.pick(
                "về người khác (cha, mẹ, người giám hộ…) hoặc mã của sổ khác (mã học sinh của ngành…): không kiểm tra".into(),
                "about someone else (parent, guardian…) or another register's code (a pupil code…): not checked".into(),
            ),
            (Reading::Ambiguous(fs), _) => {
                let names: Vec<String> = fs.iter().map(|f| f.label(lang)).collect();
                lang.pick(
                    format!("không rõ: {}; chỉ ra bằng --column", names.join(" / ")),
                    format!("ambiguous: {}; say which with --column", names.join(" / ")),
                )
            }
            (Reading::NotAField | Reading::Unknown, _) if c.field.is_none() => {
                lang.pick("không kiểm tra".into(), "not checked".into())
            }
            _ => String::new(),
        };
        let _ = writeln!(
            s,
            "{:<4} {:<40} {:<18} {:>6}  {note}",
            column_letter(i),
            truncate(&header, 40),
            field,
            conf
        );
    }
    s.push('\n');
    for n in &opened.notices {
        let _ = writeln!(s, "{}", n.message(lang));
    }
    if set_aside.is_empty() {
        let _ = writeln!(
            s,
            "{}",
            lang.pick(
                "Không có dòng nào bị để riêng (không phải bản ghi).",
                "No rows set aside as not records."
            )
        );
    } else {
        let _ = writeln!(
            s,
            "{} ({}):",
            lang.pick(
                "Dòng không phải bản ghi, đếm riêng",
                "Rows that are not records, counted apart"
            ),
            set_aside.len()
        );
        for kind in NonRecord::ALL {
            let lines: Vec<(u64, u64)> = set_aside
                .iter()
                .filter(|n| n.kind == kind)
                .map(|n| (n.line, n.end_line))
                .collect();
            if !lines.is_empty() {
                let ranges = lamsach_report::cells::line_ranges(&lines);
                let _ = writeln!(s, "  {:<34} {ranges}", kind.label(lang));
            }
        }
    }
    s
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}
