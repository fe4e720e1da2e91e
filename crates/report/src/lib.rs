//! Writers: `issues.csv` (one line per finding), `tally.csv`, `tally.json`,
//! and the terminal summary. CSV files are UTF-8 with BOM for Excel, cells
//! are neutralised against formula injection, and every file is written to a
//! temporary name and renamed into place, so an interrupted run never leaves a
//! half-written report.

use lamsach_engine::tally::{Counts, Tally};
use lamsach_engine::{Outcome, RecordKeys, Sink};
use lamsach_io::error::{Error, Result};
use lamsach_model::parse::id::mask;
use lamsach_model::profile::Field;
use lamsach_rules::{Category, Finding, Pillar, REGISTRY};
use lamsach_text::Lang;
use serde_json::{json, Map, Value};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

pub mod cells;
pub mod clusters;
pub mod export;
pub mod findings_table;
pub mod merge;
pub mod progress;
pub mod workbook_copy;

use lamsach_io::num::{fmt_num, fmt_rate, ratio, Precision};
pub use lamsach_io::out::{excel_safe, AtomicFile};
use std::borrow::Cow;

fn csv_writer(w: &mut BufWriter<File>) -> csv::Writer<&mut BufWriter<File>> {
    csv::WriterBuilder::new().from_writer(w)
}

fn csv_err(path: &Path) -> impl Fn(csv::Error) -> Error + '_ {
    move |e| Error::Write {
        path: path.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    }
}

/// Writes findings to `issues.csv` as they arrive.
pub(crate) struct IssuesCsv {
    w: csv::Writer<AtomicFile>,
    path: PathBuf,
    list: FindingList,
    pub rows: u64,
}

/// The columns of the findings list (`issues.csv` and the findings sheet):
/// the machine key (the English header), the Vietnamese header.
pub const ISSUES_COLUMNS: [(&str, &str); 16] = [
    ("line", "Dòng"),
    ("rule", "Mã lỗi"),
    ("stt", "STT"),
    ("full_name", "Họ và tên"),
    ("id", "Số định danh/Mã BHXH"),
    ("dob", "Ngày sinh"),
    ("group", "Nhóm"),
    ("unit", "Cơ sở/Đơn vị"),
    ("pillar", "Trụ cột"),
    ("category", "Loại lỗi"),
    ("severity", "Mức độ"),
    ("label", "Tên lỗi"),
    ("column", "Cột"),
    ("value", "Giá trị"),
    ("message", "Mô tả"),
    ("related_lines", "Dòng liên quan"),
];

/// The headers of the findings list in the report's language (the machine
/// keys in English).
pub fn issues_header(lang: Lang) -> [&'static str; 16] {
    ISSUES_COLUMNS.map(|(key, vi)| if lang.is_en() { key } else { vi })
}

/// The other rows of a cross-row finding, as `issues.csv` writes them: "5 9 12".
pub fn related_lines(f: &Finding) -> String {
    f.related
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

/// How a findings list shows a finding: language, masking, the input's
/// headers and ID columns.
#[derive(Debug, Clone, Default)]
pub(crate) struct FindingList {
    pub lang: Lang,
    pub mask_ids: bool,
    /// Input columns holding identifiers (masked with --mask-ids).
    pub id_columns: Vec<usize>,
    pub headers: Vec<String>,
    /// The header of the name column (for a cross-row finding on a row without ID).
    pub name_column: Option<usize>,
}

impl FindingList {
    pub fn new(lang: Lang, mask_ids: bool) -> Self {
        FindingList {
            lang,
            mask_ids,
            ..FindingList::default()
        }
    }

    /// Set once the header is known (before findings arrive).
    pub fn set_columns(&mut self, mapping: &lamsach_model::profile::Mapping) {
        self.headers = mapping.headers.clone();
        self.id_columns = id_columns(mapping);
        self.name_column = mapping.column(Field::FullName);
    }

    fn masked<'a>(&self, s: &'a str) -> Cow<'a, str> {
        if self.mask_ids {
            Cow::Owned(crate::cells::mask_digits(s))
        } else {
            Cow::Borrowed(s)
        }
    }

    /// The cells of one finding, in [`ISSUES_COLUMNS`] order. A finding
    /// about the whole row (a duplicate, an ID shared by two people) shows
    /// the cell that ties it to the other rows: the ID, or the name.
    pub fn cells<'a>(
        &self,
        f: &'a Finding,
        group: &'a str,
        keys: Option<&'a RecordKeys>,
    ) -> [Cow<'a, str>; 16] {
        let header = |c: Option<usize>| {
            c.and_then(|c| self.headers.get(c))
                .map_or(String::new(), String::clone)
        };
        let (column, value): (String, Cow<str>) = match (f.column, keys) {
            (Some(c), _) => (
                header(Some(c)),
                shown_value(f, self.mask_ids, &self.id_columns),
            ),
            (None, Some(k)) if !k.id().is_empty() => (header(k.id_column), self.shown_id(k)),
            (None, Some(k)) if !k.name().is_empty() => {
                (header(self.name_column), Cow::Borrowed(k.name()))
            }
            _ => (String::new(), Cow::Borrowed("")),
        };
        let key = |s: fn(&RecordKeys) -> &str| keys.map_or("", s);
        [
            Cow::Owned(f.line.to_string()),
            Cow::Borrowed(f.rule.code),
            Cow::Borrowed(key(|k| k.stt())),
            Cow::Borrowed(key(|k| k.name())),
            keys.map_or(Cow::Borrowed(""), |k| self.shown_id(k)),
            Cow::Borrowed(key(|k| k.dob())),
            self.masked(group),
            self.masked(key(|k| k.unit())),
            Cow::Borrowed(f.rule.pillar.label(self.lang)),
            Cow::Borrowed(f.rule.category.label(self.lang)),
            Cow::Borrowed(f.rule.severity.label(self.lang)),
            Cow::Borrowed(f.rule.label(self.lang)),
            Cow::Owned(column),
            value,
            // Messages may quote an ID (e.g. the padded value of ID003).
            self.masked(&f.message),
            Cow::Owned(related_lines(f)),
        ]
    }

    fn shown_id<'a>(&self, k: &'a RecordKeys) -> Cow<'a, str> {
        if self.mask_ids {
            Cow::Owned(mask(k.id()))
        } else {
            Cow::Borrowed(k.id())
        }
    }
}

impl IssuesCsv {
    pub fn create(path: &Path, lang: Lang, mask_ids: bool) -> Result<Self> {
        let file = AtomicFile::create_csv(path)?;
        let mut me = IssuesCsv {
            w: csv::WriterBuilder::new()
                .buffer_capacity(1 << 16)
                .from_writer(file),
            path: path.to_path_buf(),
            list: FindingList::new(lang, mask_ids),
            rows: 0,
        };
        write_safe_record(&mut me.w, &me.path, &issues_header(lang))?;
        Ok(me)
    }

    /// Called once the header is known (before findings arrive).
    pub(crate) fn set_columns(&mut self, mapping: &lamsach_model::profile::Mapping) {
        self.list.set_columns(mapping);
    }

    pub fn finish(self) -> Result<()> {
        let path = self.path.clone();
        let file = self.w.into_inner().map_err(|e| Error::Write {
            path,
            source: e.into_error(),
        })?;
        file.commit()
    }
}

/// Writes one record, each cell made [`excel_safe`].
fn write_safe_record<S: AsRef<str>>(
    w: &mut csv::Writer<AtomicFile>,
    path: &Path,
    rec: &[S],
) -> Result<()> {
    for s in rec {
        w.write_field(excel_safe(s.as_ref()).as_bytes())
            .map_err(csv_err(path))?;
    }
    w.write_record(None::<&[u8]>).map_err(csv_err(path))
}

/// Renders a finding's cell value, masking identifiers when asked
/// (borrowed when nothing is masked).
pub fn shown_value<'f>(f: &'f Finding, mask_ids: bool, id_columns: &[usize]) -> Cow<'f, str> {
    match f.column {
        Some(c) if mask_ids && id_columns.contains(&c) => Cow::Owned(mask(&f.value)),
        _ => Cow::Borrowed(&f.value),
    }
}

impl Sink for IssuesCsv {
    fn finding(&mut self, f: &Finding, group: &str) -> Result<()> {
        self.finding_in(f, group, None)
    }

    fn finding_in(&mut self, f: &Finding, group: &str, keys: Option<&RecordKeys>) -> Result<()> {
        let rec = self.list.cells(f, group, keys);
        self.rows += 1;
        write_safe_record(&mut self.w, &self.path, &rec)
    }
}

/// Columns that hold identifiers in this mapping.
pub fn id_columns(o: &lamsach_model::profile::Mapping) -> Vec<usize> {
    [Field::Id, Field::BhxhCode, Field::BhytCard, Field::Phone]
        .iter()
        .filter_map(|f| o.column(*f))
        .collect()
}

fn total_label(lang: Lang) -> &'static str {
    if lang.is_en() {
        "Total"
    } else {
        "Tổng cộng"
    }
}

/// `tally.csv`: one line per group × category (plus a `total` category per
/// group and a total group), with findings and distinct records.
pub(crate) fn write_tally_csv(path: &Path, o: &Outcome, lang: Lang) -> Result<()> {
    write_tally_csv_for(path, &o.tally, lang)
}

/// `tally.csv` for any tally (a run's, or shards merged by `lamsach merge`).
pub(crate) fn write_tally_csv_for(path: &Path, tally: &Tally, lang: Lang) -> Result<()> {
    let mut file = AtomicFile::create_csv(path)?;
    let werr = Error::write(&path);
    {
        let mut w = csv_writer(file.writer());
        let e = csv_err(path);
        w.write_record(["group", "category", "label", "findings", "records"])
            .map_err(&e)?;
        let total = tally.total();
        let groups = tally.groups();
        let all = groups
            .iter()
            .map(|(n, c)| (*n, *c))
            .chain([(total_label(lang), &total)]);
        for (name, c) in all {
            let name = excel_safe(name);
            for cat in Category::ALL {
                let i = cat.index();
                w.write_record([
                    name.as_ref(),
                    cat.key(),
                    cat.label(lang),
                    &c.findings[i].to_string(),
                    &c.records[i].to_string(),
                ])
                .map_err(&e)?;
            }
            w.write_record([
                name.as_ref(),
                "total",
                if lang.is_en() { "Total" } else { "Tổng" },
                &c.total_findings().to_string(),
                &(c.with_problems + c.unreadable).to_string(),
            ])
            .map_err(&e)?;
        }
        w.flush().map_err(&werr)?;
    }
    file.commit()
}

fn counts_json(c: &Counts) -> Value {
    let mut findings = Map::new();
    let mut records = Map::new();
    for cat in Category::ALL {
        findings.insert(cat.key().into(), c.findings[cat.index()].into());
        records.insert(cat.key().into(), c.records[cat.index()].into());
    }
    let mut rules = Map::new();
    for (i, r) in REGISTRY.iter().enumerate() {
        if c.rules[i] > 0 {
            rules.insert(r.code.into(), c.rules[i].into());
        }
    }
    let mut pillars = Map::new();
    let mut pillar_records = Map::new();
    for (i, p) in Pillar::ALL.into_iter().enumerate() {
        pillars.insert(p.key().into(), c.pillar_findings(p).into());
        pillar_records.insert(
            p.key().into(),
            c.pillar_records.get(i).copied().unwrap_or(0).into(),
        );
    }
    json!({
        "rows_read": c.rows_read,
        "clean": c.clean,
        "with_problems": c.with_problems,
        "unreadable": c.unreadable,
        "verified": c.verified,
        "findings_total": c.total_findings(),
        "findings": findings,
        "records": records,
        "pillars": pillars,
        "pillar_records": pillar_records,
        "rules": rules,
    })
}

/// What a tally file says about where its counts come from.
#[derive(Debug, Clone, Default)]
pub struct TallyMeta {
    pub file: Option<String>,
    pub profile: String,
    pub group_by: Option<String>,
    /// With two grouping levels, the first level's header.
    pub parent_header: Option<String>,
    pub blank_lines: u64,
    /// Rows that are not records (titles, sections, footers …); empty for
    /// tallies merged from shards.
    pub non_records: Vec<lamsach_io::source::NonRecordLine>,
    /// What the run says once about the layout.
    pub notices: Vec<String>,
    /// The population reference the rows were verified against, if any.
    pub reference: Option<Value>,
}

impl TallyMeta {
    pub fn of(o: &Outcome) -> Self {
        TallyMeta {
            file: o.path.file_name().map(|n| n.to_string_lossy().to_string()),
            profile: o.profile.name.clone(),
            group_by: o.group_header.clone(),
            parent_header: o.parent_header.clone(),
            blank_lines: o.blank_lines,
            non_records: o.non_records.clone(),
            notices: Vec::new(),
            reference: o
                .reference
                .as_ref()
                .map(|r| json!({"file": r.file_name, "people": r.people, "load": r.stats})),
        }
    }
}

/// The tally as JSON (schema `lamsach.tally/1`, documented in docs/formats.md).
pub(crate) fn tally_json(o: &Outcome, lang: Lang) -> Value {
    let mut meta = TallyMeta::of(o);
    meta.notices = notices(o, lang);
    tally_json_for(&meta, &o.tally, lang)
}

/// One group of `tally.json`: its counts, its name and, when the file
/// writes it several ways, its other spellings.
fn named_counts_json(name: &str, c: &Counts, spellings: &[String]) -> Value {
    let mut v = counts_json(c);
    if let Some(m) = v.as_object_mut() {
        m.insert("name".into(), name.into());
        if !spellings.is_empty() {
            m.insert("spellings".into(), spellings.into());
        }
    }
    v
}

pub fn tally_json_for(meta: &TallyMeta, tally: &Tally, lang: Lang) -> Value {
    let categories: Vec<Value> = Category::ALL
        .iter()
        .map(|c| json!({"key": c.key(), "label": c.label(lang)}))
        .collect();
    let groups: Vec<Value> = tally
        .groups()
        .into_iter()
        // the other ways the file writes each unit, when there are some
        .map(|(n, c)| named_counts_json(n, c, tally.spellings(n)))
        .collect();
    let mut v = json!({
        "schema": "lamsach.tally/1",
        "file": meta.file,
        "profile": meta.profile,
        "group_by": meta.group_by,
        "blank_lines": meta.blank_lines,
        "reference": meta.reference,
        "categories": categories,
        "total": counts_json(&tally.total()),
        "groups": groups,
    });
    // only when there are some: a plain export's tally stays as it was
    if let Some(m) = v.as_object_mut() {
        if !meta.non_records.is_empty() {
            let rows: Vec<Value> = meta
                .non_records
                .iter()
                .map(|n| json!({"line": n.line, "end_line": n.end_line, "kind": n.kind.key()}))
                .collect();
            m.insert("non_records".into(), rows.into());
        }
        if !meta.notices.is_empty() {
            m.insert("notices".into(), meta.notices.clone().into());
        }
        // two grouping levels: the first level's totals beside the pairs
        if let Some(parent) = &meta.parent_header {
            let parents: Vec<Value> = tally
                .parents()
                .iter()
                .map(|(n, c)| named_counts_json(n, c, &[]))
                .collect();
            m.insert(
                "level1".into(),
                json!({"group_by": parent, "groups": parents}),
            );
        }
    }
    v
}

pub fn write_tally_json(path: &Path, o: &Outcome, lang: Lang) -> Result<()> {
    write_json(path, &tally_json(o, lang))
}

/// Writes pretty JSON atomically.
pub(crate) fn write_json(path: &Path, v: &Value) -> Result<()> {
    let mut file = AtomicFile::create(path)?;
    let werr = Error::write(&path);
    serde_json::to_writer_pretty(file.writer(), v).map_err(|e| werr(e.into()))?;
    file.writer().write_all(b"\n").map_err(&werr)?;
    file.commit()
}

/// What the run says once about the file's layout: columns not checked,
/// how sex codes were read, codes of unknown meaning with their counts.
pub fn notices(o: &Outcome, lang: Lang) -> Vec<String> {
    o.notices
        .iter()
        .map(|notice| {
            let mut m = notice.message(lang);
            let unread = matches!(
                notice,
                lamsach_model::layout::Notice::SexCodes(c)
                    if c.from == lamsach_model::profile::SexCodesFrom::Unknown
            );
            if unread && !o.sex_codes_unread.is_empty() {
                let counts: Vec<String> = o
                    .sex_codes_unread
                    .iter()
                    .map(|(code, k)| {
                        format!(
                            "{code}: {} {}",
                            fmt_num(*k, lang),
                            lang.pick("dòng", "rows")
                        )
                    })
                    .collect();
                m = format!("{m} ({})", counts.join(", "));
            }
            m
        })
        .collect()
}

/// The terminal summary.
pub fn summary(o: &Outcome, lang: Lang, top_groups: usize) -> String {
    use std::fmt::Write as _;
    let t = o.tally.total();
    let n = |x: u64| fmt_num(x, lang);
    let mut s = String::new();
    let label = if lang.is_en() {
        &o.profile.label_en
    } else {
        &o.profile.label_vi
    };
    let delim = match o.delimiter {
        b'\t' => "tab".to_string(),
        d => format!("'{}'", d as char),
    };
    let _ = if lang.is_en() {
        writeln!(
            s,
            "lamsach: {} — {label} ({}, delimiter {delim})",
            o.path.display(),
            o.encoding
        )
    } else {
        writeln!(
            s,
            "lamsach: {} — {label} ({}, dấu phân cách {delim})",
            o.path.display(),
            o.encoding
        )
    };
    let rows = if lang.is_en() {
        [
            ("Rows read", t.rows_read),
            ("  clean", t.clean),
            ("  with problems", t.with_problems),
            ("  unreadable", t.unreadable),
        ]
    } else {
        [
            ("Số dòng đọc", t.rows_read),
            ("  sạch", t.clean),
            ("  có lỗi", t.with_problems),
            ("  không đọc được", t.unreadable),
        ]
    };
    for (k, v) in rows {
        let _ = writeln!(s, "{k:<20}{:>12}", n(v));
    }
    if o.blank_lines > 0 {
        let _ = writeln!(
            s,
            "{}",
            if lang.is_en() {
                format!("(blank lines skipped: {})", n(o.blank_lines))
            } else {
                format!("(dòng trống bỏ qua: {})", n(o.blank_lines))
            }
        );
    }
    if !o.non_records.is_empty() {
        let _ = writeln!(
            s,
            "({}: {} — {})",
            lang.pick(
                "không phải bản ghi, đếm riêng",
                "not records, counted apart"
            ),
            n(o.non_records.len() as u64),
            cells::non_record_lines(&o.non_records, lang)
        );
    }
    let mut pillars = Vec::new();
    for p in Pillar::ALL {
        let c: u64 = REGISTRY
            .iter()
            .enumerate()
            .filter(|(_, r)| r.pillar == p)
            .map(|(i, _)| t.rules[i])
            .sum();
        pillars.push(format!("{} {}", p.label(lang), n(c)));
    }
    let _ = writeln!(
        s,
        "{}: {} — {}",
        if lang.is_en() {
            "Findings"
        } else {
            "Số lỗi"
        },
        n(t.total_findings()),
        pillars.join(" · ")
    );
    let (fh, rh) = if lang.is_en() {
        ("findings", "records")
    } else {
        ("lỗi", "bản ghi")
    };
    let _ = writeln!(s, "  {:<42}{fh:>10}{rh:>10}", "");
    for cat in Category::ALL {
        let i = cat.index();
        if t.findings[i] > 0 {
            let _ = writeln!(
                s,
                "  {:<42}{:>10}{:>10}",
                cat.label(lang),
                n(t.findings[i]),
                n(t.records[i])
            );
        }
    }
    if let Some(r) = &o.reference {
        verification_summary(&mut s, o, r, lang);
    }
    let mut groups = o.tally.groups();
    groups.sort_by(|a, b| {
        (b.1.with_problems + b.1.unreadable).cmp(&(a.1.with_problems + a.1.unreadable))
    });
    if let Some(h) = &o.group_header {
        if groups.len() > 1 || groups.first().is_some_and(|g| g.1.with_problems > 0) {
            let _ = writeln!(
                s,
                "{} ({h}):",
                if lang.is_en() {
                    "Groups with most records with problems"
                } else {
                    "Nhóm nhiều bản ghi lỗi nhất"
                }
            );
            for (name, c) in groups.iter().take(top_groups) {
                let _ = writeln!(
                    s,
                    "  {name:<42}{:>10} / {}",
                    n(c.with_problems + c.unreadable),
                    n(c.rows_read)
                );
            }
        }
    }
    for line in notices(o, lang) {
        let _ = writeln!(s, "{line}");
    }
    if !o.mapping.unknown.is_empty() {
        let _ = writeln!(
            s,
            "{}: {}",
            if lang.is_en() {
                "Columns not recognised (not checked)"
            } else {
                "Cột không nhận ra (không kiểm tra)"
            },
            o.mapping.unknown.join(", ")
        );
    }
    s
}

/// Verified records against the population reference, in total and per
/// group, as the education reports print them ("đạt 98,66%").
fn verification_summary(s: &mut String, o: &Outcome, r: &lamsach_reference::Summary, lang: Lang) {
    use std::fmt::Write as _;
    let n = |x: u64| fmt_num(x, lang);
    let t = o.tally.total();
    let _ = if lang.is_en() {
        writeln!(
            s,
            "Verified against the population database ({}, {} people):",
            r.file_name,
            n(r.people)
        )
    } else {
        writeln!(
            s,
            "Đối chiếu CSDL dân cư ({}, {} người):",
            r.file_name,
            n(r.people)
        )
    };
    let _ = writeln!(
        s,
        "  {:<42}{:>10} / {} ({})",
        if lang.is_en() {
            "verified"
        } else {
            "đã xác thực"
        },
        n(t.verified),
        n(t.rows_read),
        fmt_rate(ratio(t.verified, t.rows_read), Precision::Hundredths, lang)
    );
    let groups = o.tally.groups();
    if let (Some(h), true) = (&o.group_header, groups.len() > 1) {
        let _ = writeln!(
            s,
            "  {} ({h}):",
            if lang.is_en() {
                "by group"
            } else {
                "theo nhóm"
            }
        );
        for (name, c) in groups.iter().take(50) {
            let _ = writeln!(
                s,
                "    {name:<40}{:>10} / {} ({})",
                n(c.verified),
                n(c.rows_read),
                fmt_rate(ratio(c.verified, c.rows_read), Precision::Hundredths, lang)
            );
        }
        if groups.len() > 50 {
            let _ = writeln!(
                s,
                "    … {} tally.json",
                if lang.is_en() {
                    "all groups in"
                } else {
                    "đủ các nhóm trong"
                }
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates() {
        let two = |a, b, lang| fmt_rate(ratio(a, b), Precision::Hundredths, lang);
        assert_eq!(two(9866, 10000, Lang::Vi), "98,66%");
        assert_eq!(two(1, 3, Lang::En), "33.33%");
        assert_eq!(two(0, 0, Lang::En), "–");
    }

    #[test]
    fn numbers() {
        assert_eq!(fmt_num(1234567, Lang::Vi), "1.234.567");
        assert_eq!(fmt_num(123, Lang::Vi), "123");
        assert_eq!(fmt_num(1000, Lang::En), "1,000");
    }

    #[test]
    fn formula_injection() {
        assert_eq!(excel_safe("=1+1"), "'=1+1");
        assert_eq!(excel_safe("-"), "'-");
        assert_eq!(excel_safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(excel_safe("Nguyễn"), "Nguyễn");
        assert_eq!(excel_safe("La\0n"), "La\u{FFFD}n");
    }

    #[test]
    fn atomic_file_removed_without_commit() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.csv");
        {
            let mut f = AtomicFile::create(&p).unwrap();
            f.writer().write_all(b"half").unwrap();
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        let mut f = AtomicFile::create(&p).unwrap();
        f.writer().write_all(b"whole").unwrap();
        f.commit().unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"whole");
    }
}
