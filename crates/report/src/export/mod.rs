//! Monthly-report outputs. [`ReportTables`] is a format-neutral set of tables
//! (group × category, with a "Tổng cộng" row and a "Tổng" column) built from
//! an [`Outcome`] (and, with `--since`, a [`Progress`]); the writers turn it
//! into `.xlsx`, CSV, Markdown, JSON and a self-contained HTML page.
//!
//! A table is a list of [`TableColumn`]s; count columns read one number from
//! [`Counts`], rate columns divide two of them, so a new rate ("đạt 98,66%")
//! is one more [`TableColumn::rate`] line.

pub mod html;
pub mod markdown;
#[cfg(feature = "parquet")]
pub mod parquet;
pub mod run;
pub mod xlsx;

use crate::cells::{mask_digits, total_row_label};
use crate::progress::Progress;
use crate::{excel_safe, AtomicFile};
use lamsach_engine::tally::Counts;
use lamsach_engine::Outcome;
use lamsach_io::error::{Error, Result};
use lamsach_io::num::{fmt_num, fmt_rate, ratio, Precision};
use lamsach_rules::{Category, Pillar, REGISTRY};
use lamsach_text::Lang;
use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};

/// One output format of `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Format {
    Xlsx,
    Csv,
    Md,
    Json,
    Html,
    /// issues.parquet and tally.parquet (with `--features polars`).
    Parquet,
}

impl Format {
    pub const ALL: [Format; 5] = [
        Format::Xlsx,
        Format::Csv,
        Format::Md,
        Format::Json,
        Format::Html,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Csv => "csv",
            Format::Md => "md",
            Format::Json => "json",
            Format::Html => "html",
            Format::Parquet => "parquet",
        }
    }

    /// Parses `xlsx,csv,md,json,html` (also `all`).
    pub fn parse_list(s: &str) -> Result<Vec<Format>> {
        let mut out = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let p = part.to_ascii_lowercase();
            if p == "all" {
                out.extend(Format::ALL);
                continue;
            }
            if p == "parquet" {
                if !cfg!(feature = "parquet") {
                    return Err(Error::Usage(
                        "--format parquet: bản lamsach này không có tính năng polars; cài bằng: cargo install --path . --features polars / this build lacks the polars feature; install with: cargo install --path . --features polars".into(),
                    ));
                }
                out.push(Format::Parquet);
                continue;
            }
            match Format::ALL.iter().find(|f| f.name() == p || (p == "markdown" && **f == Format::Md)) {
                Some(f) => out.push(*f),
                None => {
                    return Err(Error::Usage(format!(
                        "--format '{part}': không có định dạng này / unknown format; có / known: xlsx, csv, md, json, html, parquet, all"
                    )))
                }
            }
        }
        out.sort();
        out.dedup();
        Ok(out)
    }
}

/// The default of `--format`.
pub const DEFAULT_FORMATS: &str = "csv,json,xlsx";

/// How a column's cells are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    Text,
    Count,
    /// A fraction 0..=1, shown as a percentage.
    Rate,
}

impl ValueKind {
    fn name(self) -> &'static str {
        match self {
            ValueKind::Text => "text",
            ValueKind::Count => "count",
            ValueKind::Rate => "rate",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Count(u64),
    Rate(Option<f64>),
}

impl Cell {
    pub fn count(&self) -> Option<u64> {
        match self {
            Cell::Count(n) => Some(*n),
            _ => None,
        }
    }

    /// Human-facing text: `1.234.567`, `96,1%` (Vietnamese) or `1,234,567`, `96.1%`.
    pub(crate) fn human(&self, lang: Lang) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Count(n) => fmt_num(*n, lang),
            Cell::Rate(r) => fmt_rate(*r, Precision::Tenths, lang),
        }
    }

    /// Machine text for CSV: plain integers, rates as fractions with 4 decimals.
    pub fn plain(&self) -> String {
        match self {
            Cell::Text(s) => excel_safe(s).into_owned(),
            Cell::Count(n) => n.to_string(),
            Cell::Rate(Some(r)) => format!("{r:.4}"),
            Cell::Rate(None) => String::new(),
        }
    }

    fn json(&self) -> Value {
        match self {
            Cell::Text(s) => s.as_str().into(),
            Cell::Count(n) => (*n).into(),
            Cell::Rate(Some(r)) => json!((r * 10000.0).round() / 10000.0),
            Cell::Rate(None) => Value::Null,
        }
    }
}

/// Which number a count column reads from a group's counts.
type Get = fn(&Counts) -> u64;

#[derive(Debug, Clone)]
pub struct TableColumn {
    pub key: String,
    pub label: String,
    pub kind: ValueKind,
}

impl TableColumn {
    fn text(key: &str, label: &str) -> TableColumn {
        TableColumn {
            key: key.into(),
            label: label.into(),
            kind: ValueKind::Text,
        }
    }
    fn count(key: &str, label: &str) -> TableColumn {
        TableColumn {
            key: key.into(),
            label: label.into(),
            kind: ValueKind::Count,
        }
    }
    fn rate(key: &str, label: &str) -> TableColumn {
        TableColumn {
            key: key.into(),
            label: label.into(),
            kind: ValueKind::Rate,
        }
    }
}

/// A column computed from a group's [`Counts`]: a count, or a rate of two counts.
pub enum Spec {
    Count {
        key: &'static str,
        vi: &'static str,
        en: &'static str,
        get: Get,
    },
    Rate {
        key: &'static str,
        vi: &'static str,
        en: &'static str,
        num: Get,
        den: Get,
    },
}

impl Spec {
    fn column(&self, lang: Lang) -> TableColumn {
        match self {
            Spec::Count { key, vi, en: e, .. } => {
                TableColumn::count(key, if lang.is_en() { e } else { vi })
            }
            Spec::Rate { key, vi, en: e, .. } => {
                TableColumn::rate(key, if lang.is_en() { e } else { vi })
            }
        }
    }
    fn cell(&self, c: &Counts) -> Cell {
        match self {
            Spec::Count { get, .. } => Cell::Count(get(c)),
            Spec::Rate { num, den, .. } => Cell::Rate(ratio(num(c), den(c))),
        }
    }
}

/// Records with problems: readable records with at least one finding. An
/// unreadable row is counted apart ("Không đọc được"), as the terminal does.
fn problem_records(c: &Counts) -> u64 {
    c.with_problems
}

/// Columns of the overview table (rows read and rates). Add a line here for
/// a new count or rate, e.g. `verified` / `rows_read` as "Tỷ lệ đạt".
pub(crate) const OVERVIEW: &[Spec] = &[
    Spec::Count {
        key: "rows_read",
        vi: "Số bản ghi đọc",
        en: "Rows read",
        get: |c| c.rows_read,
    },
    Spec::Count {
        key: "clean",
        vi: "Sạch",
        en: "Clean",
        get: |c| c.clean,
    },
    Spec::Count {
        key: "with_problems",
        vi: "Có lỗi",
        en: "With problems",
        get: |c| c.with_problems,
    },
    Spec::Count {
        key: "unreadable",
        vi: "Không đọc được",
        en: "Unreadable",
        get: |c| c.unreadable,
    },
    Spec::Count {
        key: "findings",
        vi: "Số lỗi",
        en: "Findings",
        get: Counts::total_findings,
    },
    Spec::Rate {
        key: "problem_rate",
        vi: "Tỷ lệ bản ghi có lỗi",
        en: "Share of records with problems",
        num: problem_records,
        den: |c| c.rows_read,
    },
    Spec::Rate {
        key: "clean_rate",
        vi: "Tỷ lệ sạch",
        en: "Clean rate",
        num: |c| c.clean,
        den: |c| c.rows_read,
    },
];

/// Overview columns added when rows were verified against the population
/// reference: "đã xác thực" and the rate the education reports print
/// ("đạt 98,66%").
pub(crate) const VERIFIED: &[Spec] = &[
    Spec::Count {
        key: "verified",
        vi: "Đã xác thực",
        en: "Verified",
        get: |c| c.verified,
    },
    Spec::Rate {
        key: "verified_rate",
        vi: "Tỷ lệ đạt",
        en: "Verified rate",
        num: |c| c.verified,
        den: |c| c.rows_read,
    },
];

#[derive(Debug, Clone)]
pub struct Table {
    /// Stable id: `findings`, `records`, `overview`, `rules`,
    /// `progress_categories`, `progress_groups`.
    pub id: &'static str,
    pub title: String,
    /// Short name for the `.xlsx` sheet (≤ 31 characters).
    pub sheet: String,
    pub note: Option<String>,
    pub columns: Vec<TableColumn>,
    pub rows: Vec<Vec<Cell>>,
    /// The "Tổng cộng" row.
    pub total: Option<Vec<Cell>>,
}

impl Table {
    /// Index of a column by key.
    pub fn col(&self, key: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.key == key)
    }
}

/// A bar chart: labels and values (drawn as inline SVG in the HTML report).
#[derive(Debug, Clone)]
pub struct Chart {
    pub title: String,
    /// Names of the stacked series (empty for a single series).
    pub legend: Vec<String>,
    /// One bar per label; several values are stacked in legend order.
    pub bars: Vec<(String, Vec<u64>)>,
    /// A rate shown beside each bar's count (same order as `bars`; empty
    /// for none): the share of findings, or of the group's records.
    pub rates: Vec<Option<f64>>,
    /// Draw the rates as a chart of their own too (the `.xlsx` rate per group).
    pub rate_chart: bool,
}

/// The format-neutral report.
#[derive(Debug, Clone)]
pub struct ReportTables {
    pub lang: Lang,
    pub title: String,
    /// (label, value) lines under the title: file, profile, date, group-by.
    pub meta: Vec<(String, String)>,
    pub file: Option<String>,
    pub profile: Option<String>,
    pub group_by: Option<String>,
    /// The reporting unit and period (`--unit`, `--period`).
    pub unit: Option<String>,
    pub period: Option<String>,
    /// The run date, `YYYY-MM-DD`.
    pub today: String,
    pub tables: Vec<Table>,
    pub charts: Vec<Chart>,
}

/// A `YYYY-MM-DD` date as the report's language writes it: `23/11/2026`
/// in Vietnamese, unchanged in English.
pub fn shown_date(iso: &str, lang: Lang) -> String {
    match chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d") {
        Ok(d) if !lang.is_en() => d.format("%d/%m/%Y").to_string(),
        _ => iso.to_string(),
    }
}

/// The lines under the title every report starts with: unit and period.
fn unit_meta(lang: Lang, unit: &Option<String>, period: &Option<String>) -> Vec<(String, String)> {
    let mut m = Vec::new();
    if let Some(u) = unit {
        m.push((t(lang, "Đơn vị", "Unit"), u.clone()));
    }
    if let Some(p) = period {
        m.push((t(lang, "Kỳ báo cáo", "Period"), p.clone()));
    }
    m
}

fn t(lang: Lang, vi: &str, e: &str) -> String {
    if lang.is_en() {
        e.to_string()
    } else {
        vi.to_string()
    }
}

/// Header of the row-number column of the human-facing tables.
pub(crate) fn row_no_label(lang: Lang) -> &'static str {
    if lang.is_en() {
        "No."
    } else {
        "TT"
    }
}

pub fn total_col_label(lang: Lang) -> &'static str {
    if lang.is_en() {
        "Total"
    } else {
        "Tổng"
    }
}

/// The engine's placeholder groups: `(trống)`, `(không đọc được)`, `(tất cả)`.
fn is_placeholder_group(name: &str) -> bool {
    [
        lamsach_engine::tally::EMPTY_GROUP_VI,
        lamsach_engine::tally::UNREADABLE_GROUP_VI,
        lamsach_engine::tally::ALL_GROUP_VI,
    ]
    .contains(&name)
}

/// Shown group name: masked when the group column holds identifiers.
fn group_name(name: &str, mask: bool) -> String {
    if mask {
        mask_digits(name)
    } else {
        name.to_string()
    }
}

/// Options of the report builders.
#[derive(Debug, Clone)]
pub(crate) struct BuildOpts {
    pub lang: Lang,
    pub mask_ids: bool,
    /// The run date, `YYYY-MM-DD`.
    pub today: String,
    /// Report order of known groups (school levels: Mầm non, Tiểu học, THCS,
    /// THPT, GDTX); other groups follow alphabetically.
    pub group_rank: Vec<(String, usize)>,
    /// `--unit` and `--period`.
    pub unit: Option<String>,
    pub period: Option<String>,
}

impl ReportTables {
    /// The check tables: findings and records per group × category, the
    /// overview with rates, and findings per rule.
    pub(crate) fn from_outcome(o: &Outcome, b: &BuildOpts) -> ReportTables {
        let lang = b.lang;
        let total = o.tally.total();
        let mut groups = o.tally.groups();
        // Placeholder groups ("(trống)", "(không đọc được)") after the named ones.
        groups.sort_by_key(|(n, _)| {
            let rank = b.group_rank.iter().find(|(g, _)| g == n).map(|(_, r)| *r);
            (is_placeholder_group(n), rank.unwrap_or(usize::MAX))
        });
        // The categories of this run (with at least one finding), in report order.
        let cats: Vec<Category> = Category::ALL
            .iter()
            .copied()
            .filter(|c| total.findings[c.index()] > 0)
            .collect();
        let group_label = o
            .group_header
            .clone()
            .unwrap_or_else(|| t(lang, "Nhóm", "Group"));
        let mask_groups = b.mask_ids
            && o.group_header.as_ref().is_some_and(|h| {
                crate::id_columns(&o.mapping)
                    .iter()
                    .any(|&c| o.mapping.headers.get(c) == Some(h))
            });

        let mut tables = Vec::new();
        // 1. findings per group × category
        let mut cols = vec![TableColumn::text("group", &group_label)];
        cols.extend(
            cats.iter()
                .map(|c| TableColumn::count(c.key(), c.label(lang))),
        );
        cols.push(TableColumn::count("total", total_col_label(lang)));
        let row = |name: &str, c: &Counts| -> Vec<Cell> {
            let mut r = vec![Cell::Text(name.to_string())];
            r.extend(cats.iter().map(|k| Cell::Count(c.findings[k.index()])));
            r.push(Cell::Count(c.total_findings()));
            r
        };
        tables.push(Table {
            id: "findings",
            title: t(
                lang,
                "Số lỗi theo nhóm và loại lỗi",
                "Findings by group and category",
            ),
            sheet: t(lang, "Số lỗi", "Findings"),
            note: Some(t(
                lang,
                "Mỗi lỗi được đếm một lần; cột Tổng = tổng các loại lỗi.",
                "Each finding counted once; Total = sum of the categories.",
            )),
            columns: cols,
            rows: groups
                .iter()
                .map(|(n, c)| row(&group_name(n, mask_groups), c))
                .collect(),
            total: Some(row(total_row_label(lang), &total)),
        });
        // 2. records with problems per group × category
        let mut cols = vec![TableColumn::text("group", &group_label)];
        cols.extend(
            cats.iter()
                .map(|c| TableColumn::count(c.key(), c.label(lang))),
        );
        cols.push(TableColumn::count("total", total_col_label(lang)));
        cols.push(TableColumn::count(
            "unreadable",
            &t(lang, "Không đọc được", "Unreadable"),
        ));
        cols.push(TableColumn::count(
            "rows_read",
            &t(lang, "Số bản ghi đọc", "Rows read"),
        ));
        cols.push(TableColumn::rate(
            "problem_rate",
            &t(lang, "Tỷ lệ có lỗi", "Share with problems"),
        ));
        let row = |name: &str, c: &Counts| -> Vec<Cell> {
            let mut r = vec![Cell::Text(name.to_string())];
            r.extend(cats.iter().map(|k| Cell::Count(c.records[k.index()])));
            r.push(Cell::Count(problem_records(c)));
            r.push(Cell::Count(c.unreadable));
            r.push(Cell::Count(c.rows_read));
            r.push(Cell::Rate(ratio(problem_records(c), c.rows_read)));
            r
        };
        tables.push(Table {
            id: "records",
            title: t(
                lang,
                "Số bản ghi có lỗi theo nhóm và loại lỗi",
                "Records with problems by group and category",
            ),
            sheet: t(lang, "Số bản ghi có lỗi", "Records with problems"),
            note: Some(t(
                lang,
                "Một bản ghi có thể có nhiều loại lỗi; cột Tổng đếm mỗi bản ghi đọc được có lỗi một lần; dòng không đọc được đếm riêng. Số bản ghi đọc = sạch + có lỗi + không đọc được.",
                "A record may have problems of several categories; Total counts each readable record with problems once; unreadable rows are counted apart. Rows read = clean + with problems + unreadable.",
            )),
            columns: cols.clone(),
            rows: groups
                .iter()
                .map(|(n, c)| row(&group_name(n, mask_groups), c))
                .collect(),
            total: Some(row(total_row_label(lang), &total)),
        });
        // 2b. with two grouping levels, the same per first-level group
        if let Some(parent) = &o.parent_header {
            let mut cols = cols;
            cols[0] = TableColumn::text("group", parent);
            let mut parents = o.tally.parents();
            parents.sort_by_key(|(n, _)| is_placeholder_group(n));
            tables.push(Table {
                id: "records_level1",
                title: format!(
                    "{} {parent}",
                    t(lang, "Số bản ghi có lỗi theo", "Records with problems by")
                ),
                sheet: format!("{} {parent}", t(lang, "Theo", "By")),
                note: Some(t(
                    lang,
                    "Cộng các dòng của bảng trên theo cấp thứ nhất.",
                    "The rows of the table above added up by the first level.",
                )),
                columns: cols,
                rows: parents
                    .iter()
                    .map(|(n, c)| row(&group_name(n, mask_groups), c))
                    .collect(),
                total: Some(row(total_row_label(lang), &total)),
            });
        }
        // 3. the four pillars: findings and records per group
        let mut cols = vec![TableColumn::text("group", &group_label)];
        for p in Pillar::ALL {
            cols.push(TableColumn::count(
                &format!("{}_findings", p.key()),
                &format!("{} – {}", p.label(lang), t(lang, "số lỗi", "findings")),
            ));
            cols.push(TableColumn::count(
                &format!("{}_records", p.key()),
                &format!("{} – {}", p.label(lang), t(lang, "số bản ghi", "records")),
            ));
        }
        cols.push(TableColumn::count(
            "findings",
            &t(lang, "Tổng số lỗi", "Total findings"),
        ));
        let row = |name: &str, c: &Counts| -> Vec<Cell> {
            let mut r = vec![Cell::Text(name.to_string())];
            for (i, p) in Pillar::ALL.into_iter().enumerate() {
                r.push(Cell::Count(c.pillar_findings(p)));
                r.push(Cell::Count(c.pillar_records.get(i).copied().unwrap_or(0)));
            }
            r.push(Cell::Count(c.total_findings()));
            r
        };
        tables.push(Table {
            id: "pillars",
            title: t(
                lang,
                "Đúng, đủ, sạch, sống theo nhóm",
                "Correct, complete, clean, live by group",
            ),
            sheet: t(lang, "Đúng đủ sạch sống", "Pillars"),
            note: Some(t(
                lang,
                "Mỗi lỗi thuộc một trụ cột; Tổng số lỗi = tổng số lỗi của bốn trụ cột. Một bản ghi có thể có lỗi ở nhiều trụ cột.",
                "Each finding belongs to one pillar; Total findings = the four pillars' findings. A record may have findings of several pillars.",
            )),
            columns: cols,
            rows: groups
                .iter()
                .map(|(n, c)| row(&group_name(n, mask_groups), c))
                .collect(),
            total: Some(row(total_row_label(lang), &total)),
        });
        // 4. overview (with the verified count and rate when a reference was used)
        let specs: Vec<&Spec> = OVERVIEW
            .iter()
            .chain(
                o.reference
                    .is_some()
                    .then_some(VERIFIED)
                    .into_iter()
                    .flatten(),
            )
            .collect();
        let mut cols = vec![TableColumn::text("group", &group_label)];
        cols.extend(specs.iter().map(|s| s.column(lang)));
        let row = |name: &str, c: &Counts| -> Vec<Cell> {
            let mut r = vec![Cell::Text(name.to_string())];
            r.extend(specs.iter().map(|s| s.cell(c)));
            r
        };
        tables.push(Table {
            id: "overview",
            title: t(lang, "Tổng quan theo nhóm", "Overview by group"),
            sheet: t(lang, "Tổng quan", "Overview"),
            note: None,
            columns: cols,
            rows: groups
                .iter()
                .map(|(n, c)| row(&group_name(n, mask_groups), c))
                .collect(),
            total: Some(row(total_row_label(lang), &total)),
        });
        // 5. per rule
        let mut rules: Vec<(usize, u64)> = total
            .rules
            .iter()
            .copied()
            .enumerate()
            .filter(|(_, n)| *n > 0)
            .collect();
        rules.sort_by_key(|(i, _)| REGISTRY.get(*i).map(|r| r.code));
        let rows: Vec<Vec<Cell>> = rules
            .iter()
            .filter_map(|(i, n)| REGISTRY.get(*i).map(|r| (r, n)))
            .map(|(r, n)| {
                vec![
                    Cell::Text(r.code.to_string()),
                    Cell::Text(r.label(lang).to_string()),
                    Cell::Text(r.pillar.label(lang).to_string()),
                    Cell::Text(r.category.label(lang).to_string()),
                    Cell::Count(*n),
                ]
            })
            .collect();
        tables.push(Table {
            id: "rules",
            title: t(lang, "Số lỗi theo quy tắc", "Findings by rule"),
            sheet: t(lang, "Theo quy tắc", "By rule"),
            note: None,
            columns: vec![
                TableColumn::text("rule", &t(lang, "Mã", "Code")),
                TableColumn::text("label", &t(lang, "Quy tắc", "Rule")),
                TableColumn::text("pillar", &t(lang, "Trụ cột", "Pillar")),
                TableColumn::text("category", &t(lang, "Loại lỗi", "Category")),
                TableColumn::count("findings", &t(lang, "Số lỗi", "Findings")),
            ],
            rows,
            total: Some(vec![
                Cell::Text(total_row_label(lang).into()),
                Cell::Text(String::new()),
                Cell::Text(String::new()),
                Cell::Text(String::new()),
                Cell::Count(total.total_findings()),
            ]),
        });

        let charts = vec![
            Chart {
                title: t(lang, "Số lỗi theo loại", "Findings by category"),
                legend: Vec::new(),
                bars: cats
                    .iter()
                    .map(|c| (c.label(lang).to_string(), vec![total.findings[c.index()]]))
                    .collect(),
                rates: cats
                    .iter()
                    .map(|c| ratio(total.findings[c.index()], total.total_findings()))
                    .collect(),
                rate_chart: false,
            },
            Chart {
                title: format!(
                    "{} ({group_label})",
                    t(
                        lang,
                        "Số bản ghi có lỗi theo nhóm",
                        "Records with problems by group"
                    )
                ),
                legend: Vec::new(),
                bars: groups
                    .iter()
                    .map(|(n, c)| (group_name(n, mask_groups), vec![problem_records(c)]))
                    .collect(),
                rates: groups
                    .iter()
                    .map(|(_, c)| ratio(problem_records(c), c.rows_read))
                    .collect(),
                rate_chart: true,
            },
        ];
        let file = o.path.file_name().map(|n| n.to_string_lossy().to_string());
        let profile_label = if lang.is_en() {
            &o.profile.label_en
        } else {
            &o.profile.label_vi
        };
        let mut meta = unit_meta(lang, &b.unit, &b.period);
        meta.extend([
            (t(lang, "Tệp", "File"), file.clone().unwrap_or_default()),
            (t(lang, "Loại dữ liệu", "Profile"), profile_label.clone()),
            (t(lang, "Ngày chạy", "Run date"), shown_date(&b.today, lang)),
        ]);
        if let Some(g) = &o.group_header {
            meta.push((t(lang, "Nhóm theo", "Grouped by"), g.clone()));
        }
        meta.push((
            t(lang, "Số bản ghi đọc", "Rows read"),
            fmt_num(total.rows_read, lang),
        ));
        meta.push((
            t(lang, "Bản ghi có lỗi", "Records with problems"),
            format!(
                "{} ({})",
                fmt_num(problem_records(&total), lang),
                fmt_rate(
                    ratio(problem_records(&total), total.rows_read),
                    Precision::Tenths,
                    lang
                )
            ),
        ));
        meta.push((
            t(
                lang,
                "Không đọc được (đếm riêng)",
                "Unreadable (counted apart)",
            ),
            fmt_num(total.unreadable, lang),
        ));
        ReportTables {
            lang,
            title: t(
                lang,
                "Báo cáo kết quả làm sạch dữ liệu",
                "Data cleaning report",
            ),
            meta,
            file,
            profile: Some(o.profile.name.clone()),
            group_by: o.group_header.clone(),
            unit: b.unit.clone(),
            period: b.period.clone(),
            today: b.today.clone(),
            tables,
            charts,
        }
    }

    /// Adds the progress tables (fixed / still open / new since the last
    /// state) before the others.
    pub(crate) fn add_progress(&mut self, p: &Progress) {
        let lang = self.lang;
        let (tables, chart, meta) = progress_tables(p, lang);
        // The monthly question first: progress tables and chart lead.
        self.tables.splice(0..0, tables);
        self.charts.insert(0, chart);
        self.meta.extend(meta);
    }

    /// A report holding only progress tables (`lamsach progress`).
    pub fn progress_only(
        p: &Progress,
        lang: Lang,
        today: &str,
        unit: Option<String>,
        period: Option<String>,
    ) -> ReportTables {
        let (tables, chart, mut meta) = progress_tables(p, lang);
        meta.insert(
            0,
            (t(lang, "Ngày chạy", "Run date"), shown_date(today, lang)),
        );
        for (i, m) in unit_meta(lang, &unit, &period).into_iter().enumerate() {
            meta.insert(i, m);
        }
        ReportTables {
            lang,
            title: t(
                lang,
                "Báo cáo tiến độ làm sạch dữ liệu",
                "Data cleaning progress report",
            ),
            meta,
            file: p.current.file.clone(),
            profile: p.current.profile.clone(),
            group_by: p.current.group_by.clone(),
            unit,
            period,
            today: today.to_string(),
            tables,
            charts: vec![chart],
        }
    }

    /// The signature block printed at the end of a report: the date line
    /// and the two signers with their hints, as the monthly reports end.
    pub fn signature(&self) -> (String, [(String, String); 2]) {
        let lang = self.lang;
        let date = match chrono::NaiveDate::parse_from_str(&self.today, "%Y-%m-%d") {
            Ok(d) if !lang.is_en() => {
                use chrono::Datelike;
                format!(
                    "Ngày {:02} tháng {:02} năm {}",
                    d.day(),
                    d.month(),
                    d.year()
                )
            }
            _ => self.today.clone(),
        };
        (
            date,
            [
                (
                    t(lang, "Người lập biểu", "Prepared by"),
                    t(lang, "(Ký, ghi rõ họ tên)", "(signature, full name)"),
                ),
                (
                    t(lang, "Thủ trưởng đơn vị", "Head of unit"),
                    t(
                        lang,
                        "(Ký, ghi rõ họ tên, đóng dấu)",
                        "(signature, full name, seal)",
                    ),
                ),
            ],
        )
    }

    /// The JSON document (schema `lamsach.report/1`, see docs/formats.md).
    pub(crate) fn to_json(&self) -> Value {
        let tables: Vec<Value> = self
            .tables
            .iter()
            .map(|tb| {
                json!({
                    "id": tb.id,
                    "title": tb.title,
                    "note": tb.note,
                    "columns": tb.columns.iter().map(|c| json!({"key": c.key, "label": c.label, "type": c.kind.name()})).collect::<Vec<_>>(),
                    "rows": tb.rows.iter().map(|r| r.iter().map(Cell::json).collect::<Vec<_>>()).collect::<Vec<_>>(),
                    "total": tb.total.as_ref().map(|r| r.iter().map(Cell::json).collect::<Vec<_>>()),
                })
            })
            .collect();
        json!({
            "schema": "lamsach.report/1",
            "lang": if self.lang.is_en() { "en" } else { "vi" },
            "title": self.title,
            "file": self.file,
            "profile": self.profile,
            "group_by": self.group_by,
            "unit": self.unit,
            "period": self.period,
            "date": self.today,
            "tables": tables,
        })
    }
}

fn progress_tables(p: &Progress, lang: Lang) -> (Vec<Table>, Chart, Vec<(String, String)>) {
    use crate::progress::Figures;
    let fig_cols = |first: TableColumn| -> Vec<TableColumn> {
        vec![
            first,
            TableColumn::count(
                "before",
                &t(lang, "Cần làm sạch (kỳ trước)", "To fix (last time)"),
            ),
            TableColumn::count("fixed", &t(lang, "Đã làm sạch", "Fixed")),
            TableColumn::count("open", &t(lang, "Chưa làm sạch", "Still open")),
            TableColumn::count("new", &t(lang, "Phát sinh mới", "New")),
            TableColumn::count("now", &t(lang, "Cần làm sạch (kỳ này)", "To fix (now)")),
            TableColumn::rate("fixed_rate", &t(lang, "Tỷ lệ đã làm sạch", "Fixed rate")),
        ]
    };
    let fig_row = |name: String, f: &Figures| -> Vec<Cell> {
        vec![
            Cell::Text(name),
            Cell::Count(f.fixed + f.open),
            Cell::Count(f.fixed),
            Cell::Count(f.open),
            Cell::Count(f.new),
            Cell::Count(f.open + f.new),
            Cell::Rate(ratio(f.fixed, f.fixed + f.open)),
        ]
    };
    let total = p.total();
    let note = Some(t(
        lang,
        "Đếm theo cặp (người, lỗi): đã làm sạch = có ở kỳ trước, không còn ở kỳ này; tỷ lệ = đã làm sạch / cần làm sạch kỳ trước.",
        "Counted per (person, problem) pair: fixed = present last time and gone now; rate = fixed / to fix last time.",
    ));
    let cat_rows: Vec<Vec<Cell>> = Category::ALL
        .iter()
        .filter_map(|c| p.categories.get(c).map(|f| (c, f)))
        .map(|(c, f)| fig_row(c.label(lang).to_string(), f))
        .collect();
    let group_label = p
        .current
        .group_by
        .clone()
        .unwrap_or_else(|| t(lang, "Nhóm", "Group"));
    let group_rows: Vec<Vec<Cell>> = p
        .groups
        .iter()
        .map(|(g, f)| fig_row(g.clone(), f))
        .collect();
    let person_rows: Vec<Vec<Cell>> = p
        .persons
        .iter()
        .map(|(g, f)| fig_row(g.clone(), f))
        .collect();
    let persons = p.persons_total();
    let tables = vec![
        Table {
            id: "progress_categories",
            title: t(
                lang,
                "Tiến độ làm sạch theo loại lỗi",
                "Cleaning progress by category",
            ),
            sheet: t(lang, "Tiến độ theo loại", "Progress by category"),
            note: note.clone(),
            columns: fig_cols(TableColumn::text("category", &t(lang, "Loại lỗi", "Category"))),
            rows: cat_rows,
            total: Some(fig_row(total_row_label(lang).into(), &total)),
        },
        Table {
            id: "progress_groups",
            title: t(
                lang,
                "Tiến độ làm sạch theo nhóm",
                "Cleaning progress by group",
            ),
            sheet: t(lang, "Tiến độ theo nhóm", "Progress by group"),
            note,
            columns: fig_cols(TableColumn::text("group", &group_label)),
            rows: group_rows,
            total: Some(fig_row(total_row_label(lang).into(), &total)),
        },
        Table {
            id: "progress_persons",
            title: t(
                lang,
                "Tiến độ theo đối tượng (người có lỗi)",
                "Progress by person (persons with problems)",
            ),
            sheet: t(lang, "Tiến độ theo đối tượng", "Progress by person"),
            note: Some(t(
                lang,
                "Đã làm sạch = có lỗi ở kỳ trước, không còn lỗi nào ở kỳ này; chưa làm sạch = vẫn còn lỗi; phát sinh mới = kỳ trước không có lỗi.",
                "Fixed = had problems last time and none now; still open = still has problems; new = had none last time.",
            )),
            columns: fig_cols(TableColumn::text("group", &group_label)),
            rows: person_rows,
            total: Some(fig_row(total_row_label(lang).into(), &persons)),
        },
    ];
    let chart = Chart {
        title: t(lang, "Tiến độ theo loại lỗi", "Progress by category"),
        legend: vec![
            t(lang, "Đã làm sạch", "Fixed"),
            t(lang, "Chưa làm sạch", "Still open"),
            t(lang, "Phát sinh mới", "New"),
        ],
        bars: Category::ALL
            .iter()
            .filter_map(|c| {
                p.categories
                    .get(c)
                    .map(|f| (c.label(lang).to_string(), vec![f.fixed, f.open, f.new]))
            })
            .collect(),
        rates: Vec::new(),
        rate_chart: false,
    };
    let meta = vec![
        (
            t(lang, "Kỳ trước", "Previous state"),
            format!(
                "{} ({})",
                p.before.file.clone().unwrap_or_default(),
                shown_date(p.before.date.as_deref().unwrap_or_default(), lang)
            ),
        ),
        (
            t(lang, "Tiến độ", "Progress"),
            if lang.is_en() {
                format!(
                    "to fix last time {}; fixed {} ({}); still open {}; new {}",
                    fmt_num(total.fixed + total.open, lang),
                    fmt_num(total.fixed, lang),
                    fmt_rate(
                        ratio(total.fixed, total.fixed + total.open),
                        Precision::Tenths,
                        lang
                    ),
                    fmt_num(total.open, lang),
                    fmt_num(total.new, lang)
                )
            } else {
                format!(
                    "cần làm sạch kỳ trước {}; đã làm sạch {} (đạt {}); chưa làm sạch {}; phát sinh mới {}",
                    fmt_num(total.fixed + total.open, lang),
                    fmt_num(total.fixed, lang),
                    fmt_rate(ratio(total.fixed, total.fixed + total.open), Precision::Tenths, lang),
                    fmt_num(total.open, lang),
                    fmt_num(total.new, lang)
                )
            },
        ),
        (
            t(lang, "Đối tượng", "Persons"),
            crate::progress::persons_detail(&persons, lang),
        ),
    ];
    (tables, chart, meta)
}

/// Excel's last row is 1,048,576; one is the header.
pub(crate) const XLSX_MAX_FINDINGS: usize = 1_048_575;

/// Number of tables [`ReportTables::from_outcome`] builds, and the progress
/// tables [`ReportTables::add_progress`] adds (sheets placed before the
/// findings sheet of the `.xlsx`).
pub(crate) const CHECK_TABLES: usize = 5;
pub(crate) const PROGRESS_TABLES: usize = 3;

fn werr(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Write {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes `text` to `path` atomically.
pub fn write_text(path: &Path, text: &str) -> Result<()> {
    let mut f = AtomicFile::create(path)?;
    f.writer().write_all(text.as_bytes()).map_err(werr(path))?;
    f.commit()
}

/// One CSV (UTF-8 with BOM) per table: `report-<id>.csv`.
pub(crate) fn write_csv_tables(dir: &Path, r: &ReportTables) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for tb in &r.tables {
        let path = dir.join(format!("report-{}.csv", tb.id.replace('_', "-")));
        let mut f = AtomicFile::create_csv(&path)?;
        {
            let mut w = csv::WriterBuilder::new().from_writer(f.writer());
            let e = Error::write_other(&path);
            w.write_record(tb.columns.iter().map(|c| excel_safe(&c.label).into_owned()))
                .map_err(&e)?;
            for row in tb.rows.iter().chain(tb.total.iter()) {
                w.write_record(row.iter().map(Cell::plain)).map_err(&e)?;
            }
            w.flush().map_err(werr(&path))?;
        }
        f.commit()?;
        written.push(path);
    }
    Ok(written)
}

/// Writes the chosen formats into `dir`; returns the files written.
/// `book` is the `.xlsx` with the streamed findings sheet (None: tables only).
pub fn write_all(
    dir: &Path,
    r: &ReportTables,
    formats: &[Format],
    book: Option<xlsx::XlsxBook>,
) -> Result<Vec<PathBuf>> {
    let mut book = book;
    let mut written = Vec::new();
    for f in formats {
        match f {
            Format::Xlsx => {
                let p = dir.join("report.xlsx");
                match book.take() {
                    Some(b) => b.finish(r)?,
                    None => xlsx::write(&p, r)?,
                }
                written.push(p);
            }
            Format::Csv => written.extend(write_csv_tables(dir, r)?),
            Format::Md => {
                let p = dir.join("report.md");
                write_text(&p, &markdown::render(r))?;
                written.push(p);
            }
            Format::Json => {
                let p = dir.join("report.json");
                let mut text =
                    serde_json::to_string_pretty(&r.to_json()).map_err(|e| werr(&p)(e.into()))?;
                text.push('\n');
                write_text(&p, &text)?;
                written.push(p);
            }
            Format::Html => {
                let p = dir.join("report.html");
                write_text(&p, &html::render(r))?;
                written.push(p);
            }
            // written by the run, from the findings it collected
            Format::Parquet => {}
        }
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates() {
        assert_eq!(fmt_rate(Some(0.961), Precision::Tenths, Lang::Vi), "96,1%");
        assert_eq!(fmt_rate(Some(0.961), Precision::Tenths, Lang::En), "96.1%");
        assert_eq!(fmt_rate(Some(0.0004), Precision::Tenths, Lang::Vi), "0,04%");
        assert_eq!(fmt_rate(None, Precision::Tenths, Lang::Vi), "–");
        assert_eq!(
            fmt_rate(ratio(40433, 44013), Precision::Tenths, Lang::En),
            "91.9%"
        );
    }

    #[test]
    fn masks_digit_runs() {
        assert_eq!(
            mask_digits("là 001089012345 (khớp)"),
            "là 0010****2345 (khớp)"
        );
        assert_eq!(mask_digits("dòng 12"), "dòng 12");
    }

    #[test]
    fn formats() {
        assert_eq!(
            Format::parse_list("html, XLSX").unwrap(),
            vec![Format::Xlsx, Format::Html]
        );
        assert_eq!(Format::parse_list("all").unwrap().len(), 5);
        assert!(Format::parse_list("pdf").is_err());
    }
}
