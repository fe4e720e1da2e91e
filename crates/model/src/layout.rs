//! The layout of a source: where its header is, which profile it is, which
//! column holds each field, which column groups the tally, and which rows
//! are not records. Resolved once from the top of the file and shared by
//! every pass of a run.

use crate::header::{find, words_of, HeaderWords, Reading};
use crate::profile::{
    detect, parse_toml, Field, Mapping, Profile, RuleData, SexCodes, SexCodesFrom,
};
use lamsach_io::error::{Error, Result};
use lamsach_io::input::Rec;
use lamsach_io::source::{
    join_header_rows, HeadRow, HeaderChoice, NonRecord, Source, SourceOptions,
};
use lamsach_text::header_key;
use lamsach_text::Lang;
use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;

/// How to read the layout (`--profile`, `--group-by`, `--column`, `--sex-codes`).
#[derive(Debug, Clone, Default)]
pub struct LayoutOptions {
    /// A profile name, a path to a `.toml`, or None to detect it.
    pub profile: Option<String>,
    pub group_by: Option<String>,
    /// `--column FIELD=HEADER`, in order.
    pub columns: Vec<(Field, String)>,
    /// `--sex-codes 1=nam,0=nu`.
    pub sex_codes: Option<String>,
}

/// Parses `--column FIELD=HEADER`.
pub fn parse_column_option(s: &str) -> Result<(Field, String)> {
    let usage = || {
        let fields: Vec<&str> = Field::ALL.iter().map(|f| f.name()).collect();
        Error::Usage(format!(
            "--column '{s}': cần dạng TRƯỜNG=TIÊU ĐỀ / must be FIELD=HEADER, e.g. --column id=\"Số CCCD/Mã định danh\"; trường / fields: {}",
            fields.join(", ")
        ))
    };
    let (f, h) = s.split_once('=').ok_or_else(usage)?;
    let field = Field::from_name(f.trim()).ok_or_else(usage)?;
    if h.trim().is_empty() {
        return Err(usage());
    }
    Ok((field, h.trim().to_string()))
}

fn resolve_profile<'a>(
    data: &'a RuleData,
    opt: Option<&str>,
    source: &Source,
) -> Result<Cow<'a, Profile>> {
    let (headers, path) = (source.header(), source.path());
    match opt {
        None => detect(data, headers)
            .map(Cow::Borrowed)
            .ok_or_else(|| Error::UnknownProfile {
                path: path.to_path_buf(),
                line: source.header_line(),
                headers: headers
                    .iter()
                    .filter(|h| !h.is_empty())
                    .map(|h| format!("\"{}\"", h.replace('\n', " ")))
                    .collect::<Vec<_>>()
                    .join(", "),
            }),
        Some(name) if name.ends_with(".toml") => {
            let text = std::fs::read_to_string(name).map_err(|source| Error::Open {
                path: name.into(),
                source,
            })?;
            Ok(Cow::Owned(parse_toml::<Profile>(name, &text)?))
        }
        Some(name) => data.profile(name).map(Cow::Borrowed).ok_or_else(|| {
            let known: Vec<&str> = data.profiles.iter().map(|p| p.name.as_str()).collect();
            Error::Usage(format!(
                "không có hồ sơ '{name}' / unknown profile '{name}'; có / known: {}",
                known.join(", ")
            ))
        }),
    }
}

/// The grouping columns: one, or two levels (`--group-by "Huyện,Cơ sở
/// tiêm chủng"`: the first column, then the second within it). A header
/// that itself holds a comma is one column.
fn resolve_groups(opt: Option<&str>, mapping: &Mapping) -> Result<(Option<usize>, Option<usize>)> {
    let Some(g) = opt else {
        return Ok((resolve_group(None, mapping)?, None));
    };
    let parts: Vec<&str> = g
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() < 2 || resolve_group(Some(g), mapping).is_ok() {
        return Ok((resolve_group(Some(g), mapping)?, None));
    }
    if parts.len() > 2 {
        return Err(Error::Usage(format!(
            "--group-by '{g}': nhiều nhất hai cấp, ví dụ \"Huyện,Cơ sở tiêm chủng\" / at most two levels, e.g. \"District,Facility\""
        )));
    }
    let parent = resolve_group(Some(parts[0]), mapping)?;
    let child = resolve_group(Some(parts[1]), mapping)?;
    Ok((parent, child.filter(|c| Some(*c) != parent)))
}

fn resolve_group(opt: Option<&str>, mapping: &Mapping) -> Result<Option<usize>> {
    match opt {
        Some(g) => {
            let key = header_key(g);
            if let Some(i) = mapping.headers.iter().position(|h| header_key(h) == key) {
                return Ok(Some(i));
            }
            if let Some(c) = Field::from_name(g).and_then(|f| mapping.column(f)) {
                return Ok(Some(c));
            }
            Err(Error::NoGroupColumn {
                column: g.to_string(),
                available: mapping.headers.join(", "),
            })
        }
        None => {
            let p = &mapping.profile;
            Ok(std::iter::once(p.group_by)
                .chain(p.group_by_else.iter().copied())
                .find_map(|f| mapping.column(f)))
        }
    }
}

/// Chooses the header among the first rows of a sheet: the row, or two or
/// three rows joined (merged group cells over their sub-headers), whose
/// cells name the most fields, the name, ID and birth date counting triple.
/// At least two fields, one of them the name, ID or birth date; on a tie
/// the first and shortest.
pub fn choose_header(data: &RuleData, rows: &[HeadRow]) -> Option<HeaderChoice> {
    let mut aliases: HashMap<String, Field> = HashMap::new();
    for p in &data.profiles {
        for (f, list) in &p.fields {
            for a in list {
                aliases.insert(header_key(a), *f);
            }
        }
    }
    // a cell that is mostly digits (a date, an ID, a phone) names no field
    let wordy = |h: &&String| {
        let digits = h.bytes().filter(u8::is_ascii_digit).count();
        !h.is_empty() && digits * 2 < h.len()
    };
    let score = |names: &[String]| -> Option<i64> {
        let mut seen = [false; Field::COUNT];
        for h in names.iter().filter(wordy) {
            let field =
                aliases
                    .get(&header_key(h))
                    .copied()
                    .or_else(|| match data.headers.read(h) {
                        Reading::Field { field, .. } => Some(field),
                        _ => None,
                    });
            if let Some(f) = field {
                seen[f.index()] = true;
            }
        }
        let n = seen.iter().filter(|s| **s).count() as i64;
        let key = [Field::FullName, Field::Id, Field::Dob]
            .iter()
            .filter(|f| seen[f.index()])
            .count() as i64;
        (n >= 2 && key >= 1).then_some(n + 2 * key)
    };
    let mut best: Option<(i64, HeaderChoice)> = None;
    for first in 0..rows.len() {
        for n in 1..=3 {
            let Some(group) = rows.get(first..first + n) else {
                break;
            };
            if n > 1 && !continues(group) {
                break;
            }
            let names = if n == 1 {
                group[0].cells.clone()
            } else {
                join_header_rows(group).0
            };
            if let Some(s) = score(&names) {
                if best.as_ref().is_none_or(|(b, _)| s > *b) {
                    best = Some((
                        s,
                        HeaderChoice {
                            first,
                            rows: n,
                            names,
                        },
                    ));
                }
            }
        }
    }
    best.map(|(_, c)| c)
}

/// True when the last row of `rows` fills columns the rows above leave
/// empty (cells merged across rows or over several columns), as the lower
/// row of a header does and a record under a full header does not.
fn continues(rows: &[HeadRow]) -> bool {
    let (upper, last) = rows.split_at(rows.len() - 1);
    let last = &last[0];
    let empty_above = |c: usize| {
        upper
            .iter()
            .all(|r| r.cells.get(c).is_none_or(|v| v.is_empty()))
    };
    let below = |c: usize| last.cells.get(c).is_some_and(|v| !v.is_empty());
    let width = rows.iter().map(|r| r.cells.len()).max().unwrap_or(0);
    // some column named only below, and some named only above
    (0..width).any(|c| {
        below(c) && empty_above(c)
            || below(c)
                && upper
                    .iter()
                    .any(|r| r.cells.get(c + 1).is_some_and(|v| v.is_empty()))
    }) && (0..width).any(|c| !below(c) && !empty_above(c))
}

/// What kind of non-record a row of the table is, if it is one: never a
/// row with an ID or a birth date. `values` are the row's cells, trimmed.
pub fn non_record(values: &[&str], mapping: &Mapping, words: &HeaderWords) -> Option<NonRecord> {
    for f in [Field::Id, Field::Dob] {
        if let Some(c) = mapping.column(f) {
            if values.get(c).is_some_and(|v| !v.trim().is_empty()) {
                return None;
            }
        }
    }
    let filled: Vec<(usize, &str)> = values
        .iter()
        .enumerate()
        .map(|(i, v)| (i, v.trim()))
        .filter(|(_, v)| !v.is_empty())
        .collect();
    if filled.is_empty() || filled.len() > 4 {
        return None;
    }
    let unmapped = |c: usize| !mapping.col.contains(&Some(c));
    if let [(c, v)] = filled[..] {
        if unmapped(c) && v.len() <= 6 && v.bytes().all(|b| b.is_ascii_digit()) {
            return Some(NonRecord::NumberedBlank);
        }
    }
    let rows = &words.rows;
    for (_, v) in &filled {
        let w = words_of(v);
        if w.is_empty() {
            continue;
        }
        let exact = rows.subtotal.contains(&w);
        if exact
            || rows.subtotal.iter().any(|p| w.starts_with(p))
                && (v.contains(':') || v.bytes().any(|b| b.is_ascii_digit()))
        {
            return Some(NonRecord::Subtotal);
        }
        if rows.footer.iter().any(|p| find(&w, p).is_some()) || is_date_line(&w) {
            return Some(NonRecord::Footer);
        }
    }
    if filled.len() <= 2 {
        let numeral = filled
            .iter()
            .any(|(c, v)| unmapped(*c) && is_section_number(v));
        let word = filled.iter().any(|(_, v)| {
            let w = words_of(v);
            rows.section.contains(&w)
        });
        // "I. Xã Vĩnh Lộc", "1.2 Thôn Nà Coóc", "Lớp: 6A": a title no
        // person's name looks like
        let title = filled.iter().any(|(_, v)| is_section_title(v));
        if numeral && filled.len() == 2 || word || title {
            return Some(NonRecord::Section);
        }
        // a row naming nobody (no name, no ID, no birth date, no row
        // number): a signature block ("CHỦ TỊCH", the signer's name in
        // another column), "Nơi nhận:", a group label
        let name = mapping.column(Field::FullName);
        let numbered = filled
            .iter()
            .any(|(_, v)| v.bytes().all(|b| b.is_ascii_digit()));
        if name.is_some() && !numbered && !filled.iter().any(|(c, _)| Some(*c) == name) {
            return Some(NonRecord::Footer);
        }
    }
    None
}

/// A cell that titles a part of the table: a section number before a
/// title ("I. Xã Vĩnh Lộc", "I.1 Lao động", "1.2. Thôn Nà Coóc", "a) Tăng"),
/// or a label and a colon ("Lớp: 6A", "Xã: Vĩnh Lộc").
fn is_section_title(v: &str) -> bool {
    let (head, rest) = match v.split_once(|c: char| c.is_whitespace()) {
        Some((h, r)) => (h, r.trim()),
        None => (v, ""),
    };
    let letters = |t: &str| t.chars().any(char::is_alphabetic);
    let numbered = !rest.is_empty() && letters(rest) && {
        let h = head.trim_end_matches(['.', ')']);
        let parts: Vec<&str> = h.split('.').collect();
        let roman = |p: &str| !p.is_empty() && p.bytes().all(|b| matches!(b, b'I' | b'V' | b'X'));
        let digits =
            |p: &str| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit());
        let lower = |p: &str| p.len() == 1 && p.bytes().all(|b| b.is_ascii_lowercase());
        // "I.", "I.1", "1.2", "1.2." or "a)"; a bare "1." is a row number
        (roman(parts[0]) && parts[1..].iter().all(|p| digits(p)) && head.len() > parts[0].len())
            || (parts.len() >= 2 && parts.iter().all(|p| digits(p)))
            || (lower(h) && head.ends_with(')'))
    };
    let labelled = match v.split_once(':') {
        Some((label, value)) => {
            let label = label.trim();
            !label.is_empty()
                && label.split_whitespace().count() <= 3
                && letters(label)
                && !value.trim().is_empty()
                && !label.bytes().any(|b| b.is_ascii_digit())
        }
        None => false,
    };
    numbered || labelled
}

/// [`non_record`] of a row as split (`raw`): a row with bytes in its ID or
/// birth-date cell is a record, told without decoding it; only the others
/// are decoded and looked at.
pub fn non_record_cells(
    raw: &[std::borrow::Cow<'_, [u8]>],
    mapping: &Mapping,
    words: &HeaderWords,
) -> Option<NonRecord> {
    let filled = |f: Field| {
        mapping
            .column(f)
            .and_then(|c| raw.get(c))
            .is_some_and(|v| !v.trim_ascii().is_empty())
    };
    if filled(Field::Id) || filled(Field::Dob) {
        return None;
    }
    let cells: Vec<std::borrow::Cow<str>> =
        raw.iter().map(|f| String::from_utf8_lossy(f)).collect();
    let cells: Vec<&str> = cells.iter().map(|c| c.as_ref()).collect();
    non_record(&cells, mapping, words)
}

/// "…, ngày 05 tháng 12 năm 2026" (any place name before it).
fn is_date_line(w: &[String]) -> bool {
    // "ngày" folds to "ngai" (a final "y" is read as "i"); the day, month
    // and year may be left blank ("ngày … tháng … năm 20…")
    let at =
        |from: usize, word: &str| (from..from + 2).find(|&j| w.get(j).is_some_and(|t| t == word));
    w.iter()
        .enumerate()
        .any(|(i, x)| x == "ngai" && at(i + 1, "thang").is_some_and(|t| at(t + 1, "nam").is_some()))
}

/// A section number: a Roman numeral (I … XX), with its parts ("I.1"),
/// or a capital letter A–H.
fn is_section_number(v: &str) -> bool {
    let v = v.trim_end_matches('.');
    let (roman, parts) = v.split_once('.').unwrap_or((v, ""));
    (1..=5).contains(&roman.len())
        && roman.bytes().all(|b| matches!(b, b'I' | b'V' | b'X'))
        && parts.split('.').all(|p| {
            p.is_empty() && parts.is_empty()
                || !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())
        })
        || v.len() == 1 && (b'A'..=b'H').contains(&v.as_bytes()[0])
}

/// Something about the layout the summary says once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// Fields the profile checks whose column the file lacks.
    NotChecked(Vec<Field>),
    /// How the sex codes were read.
    SexCodes(SexCodes),
    /// A column naming the same field as another, not checked.
    Duplicate {
        field: Field,
        kept: String,
        other: String,
    },
    /// A unit before the 2025 reform, kept for reading, not checked.
    OldUnit(String),
    /// The sheet read, and the workbook's other sheets with the same
    /// header, not read.
    OtherSheets { read: String, others: Vec<String> },
}

impl Notice {
    pub fn message(&self, lang: Lang) -> String {
        match self {
            Notice::NotChecked(fields) => {
                let names: Vec<String> = fields.iter().map(|f| f.label(lang)).collect();
                lang.pick(
                    format!("Không có cột (không kiểm tra): {}", names.join(", ")),
                    format!("No column (not checked): {}", names.join(", ")),
                )
            }
            Notice::SexCodes(c) => match c.from {
                SexCodesFrom::Unknown => lang.pick(
                    "Giới tính ghi bằng mã 0/1 không rõ nghĩa: không kiểm tra; cho biết bằng --sex-codes 1=nam,0=nu (hoặc 0=nam,1=nu)".to_string(),
                    "Sex written as 0/1 with no stated meaning: not checked; say which with --sex-codes 1=nam,0=nu (or 0=nam,1=nu)".to_string(),
                ),
                from => {
                    let source = match from {
                        SexCodesFrom::Header => lang.pick("theo tiêu đề cột", "as the header states"),
                        SexCodesFrom::Command => lang.pick("theo --sex-codes", "as --sex-codes says"),
                        SexCodesFrom::Profile => lang.pick("theo hồ sơ", "as the profile says"),
                        _ => lang.pick("theo QĐ 130 (chỉ có 1, 2, 3)", "as in QĐ 130 (only 1, 2, 3 occur)"),
                    };
                    lang.pick(
                        format!("Mã giới tính {source}: {}", c.describe(lang)),
                        format!("Sex codes {source}: {}", c.describe(lang)),
                    )
                }
            },
            Notice::Duplicate { field, kept, other } => lang.pick(
                format!("Cột \"{other}\" cũng là {}: kiểm tra cột \"{kept}\"", field.label(lang)),
                format!("Column \"{other}\" is also {}: \"{kept}\" is checked", field.label(lang)),
            ),
            Notice::OldUnit(h) => lang.pick(
                format!("Cột \"{h}\" là đơn vị cũ (trước sắp xếp 2025): không kiểm tra"),
                format!("Column \"{h}\" is a unit before the 2025 reform: not checked"),
            ),
            Notice::OtherSheets { read, others } => {
                let list = others
                    .iter()
                    .map(|o| format!("\"{o}\""))
                    .collect::<Vec<_>>()
                    .join(", ");
                lang.pick(
                    format!("Chỉ đọc trang \"{read}\"; các trang {list} cùng tiêu đề chưa được kiểm tra: chạy lại với --sheet TÊN cho từng trang"),
                    format!("Only sheet \"{read}\" was read; sheets {list} have the same header and were not checked: run again with --sheet NAME for each"),
                )
            }
        }
    }
}

/// Joins the two levels of a group name: "Huyện Sơn Tịnh › TYT xã Tịnh Hà".
pub const LEVEL_SEP: &str = " › ";

/// A source opened for checking, with its header mapped.
#[derive(Debug)]
pub struct Opened {
    pub source: Source,
    pub mapping: Mapping,
    /// The column the tally groups by; None = one group for all rows.
    pub group_col: Option<usize>,
    /// The second grouping level, within `group_col`: groups are then
    /// "district › facility" pairs (joined by [`LEVEL_SEP`]).
    pub subgroup_col: Option<usize>,
    pub notices: Vec<Notice>,
}

/// How many records are read ahead to learn what a coded sex column means.
const SEX_SAMPLE_ROWS: usize = 2000;

impl Opened {
    /// Opens a source: its header (found among the first rows, or given),
    /// its profile, its column mapping and its group column. Errors stop
    /// the run (exit code 2).
    pub fn open(
        path: &Path,
        data: &RuleData,
        opts: &SourceOptions,
        layout: &LayoutOptions,
        lang: Lang,
    ) -> Result<Opened> {
        let choose = |rows: &[HeadRow]| choose_header(data, rows);
        let source = Source::open(path, opts, data.reader_limits(), lang, Some(&choose))?;
        Opened::of_source(source, data, layout, lang)
    }

    /// [`Opened::open`] for UTF-8 CSV bytes in memory (a DataFrame handed
    /// over by the Python package); `name` names them in messages.
    pub fn open_bytes(
        name: &Path,
        csv: Vec<u8>,
        data: &RuleData,
        opts: &SourceOptions,
        layout: &LayoutOptions,
        lang: Lang,
    ) -> Result<Opened> {
        let choose = |rows: &[HeadRow]| choose_header(data, rows);
        let source =
            Source::from_csv_bytes(name, csv, opts, data.reader_limits(), lang, Some(&choose))?;
        Opened::of_source(source, data, layout, lang)
    }

    fn of_source(
        source: Source,
        data: &RuleData,
        layout: &LayoutOptions,
        lang: Lang,
    ) -> Result<Opened> {
        let path = source.path().to_path_buf();
        let path = path.as_path();
        let profile = resolve_profile(data, layout.profile.as_deref(), &source)?;
        let mut mapping = Mapping::new(&profile, source.header(), &data.headers);
        for (field, header) in &layout.columns {
            mapping.set_column(*field, header)?;
        }
        refuse_split_by_sex(&source, &data.headers, lang)?;
        let missing = mapping.missing_needed();
        if !missing.is_empty() {
            return Err(mapping.missing_columns_error(path, &missing, source.header_line(), true));
        }
        if let Some(spec) = &layout.sex_codes {
            mapping.sex_codes = SexCodes::parse(spec, data)?;
        } else if matches!(
            mapping.sex_codes.from,
            SexCodesFrom::Words | SexCodesFrom::Profile
        ) {
            match sex_codes_from_values(&source, &mapping)? {
                // the profile says what 0 and 1 mean
                Some(c)
                    if c.from == SexCodesFrom::Unknown
                        && mapping.sex_codes.from == SexCodesFrom::Profile => {}
                Some(c) => mapping.sex_codes = c,
                None => {}
            }
        }
        let (group_col, subgroup_col) = resolve_groups(layout.group_by.as_deref(), &mapping)?;
        let mut notices = Vec::new();
        let not_checked = mapping.missing_required();
        if !not_checked.is_empty() {
            notices.push(Notice::NotChecked(not_checked));
        }
        // the profile's codes are its usual convention, not news about this file
        if mapping.column(Field::Sex).is_some()
            && !matches!(
                mapping.sex_codes.from,
                SexCodesFrom::Words | SexCodesFrom::Profile
            )
        {
            notices.push(Notice::SexCodes(mapping.sex_codes.clone()));
        }
        for c in &mapping.columns {
            match (&c.reading, c.set_aside) {
                (Reading::Field { field, .. }, Some(crate::profile::SetAside::Duplicate(kept))) => {
                    notices.push(Notice::Duplicate {
                        field: *field,
                        kept: mapping.headers[kept].clone(),
                        other: c.header.clone(),
                    })
                }
                (Reading::OldUnit(_), _) => notices.push(Notice::OldUnit(c.header.clone())),
                _ => {}
            }
        }
        if let (Some(read), false) = (source.sheet(), source.other_sheets().is_empty()) {
            notices.push(Notice::OtherSheets {
                read: read.to_string(),
                others: source.other_sheets().to_vec(),
            });
        }
        Ok(Opened {
            source,
            mapping,
            group_col,
            subgroup_col,
            notices,
        })
    }
}

/// A header whose next row is only "Nam" and "Nữ" (a birth date or age
/// written in the column of the person's sex, as on paper lists): refused
/// with what to do, rather than read with half the birth dates missing.
fn refuse_split_by_sex(source: &Source, words: &HeaderWords, lang: Lang) -> Result<()> {
    let Some(first) = source.sample().first() else {
        return Ok(());
    };
    let cells: Vec<&String> = first.cells.iter().filter(|c| !c.is_empty()).collect();
    let marks = cells
        .iter()
        .filter(|c| matches!(words.read(c), Reading::Mark(_)))
        .count();
    if marks >= 2 && marks == cells.len() {
        let line = first.line;
        return Err(Error::Usage(lang.pick(
            format!(
                "{}:{line}: ngày sinh ghi vào cột Nam hoặc Nữ (tiêu đề hai dòng) chưa đọc được; gộp thành một cột Ngày sinh và một cột Giới tính rồi chạy lại",
                source.path().display()
            ),
            format!(
                "{}:{line}: a birth date written under \"Nam\" or \"Nữ\" (a two-row header) cannot be read yet; make one birth-date column and one sex column and run again",
                source.path().display()
            ),
        )));
    }
    Ok(())
}

/// What the values of a sex column written in digits mean, when nothing
/// states it: 1, 2 (3) are QĐ 130's codes (1 = Nam, 2 = Nữ, 3 = chưa xác
/// định); 0 and 1 alone cannot be known. None for a column of words.
fn sex_codes_from_values(source: &Source, mapping: &Mapping) -> Result<Option<SexCodes>> {
    let Some(col) = mapping.column(Field::Sex) else {
        return Ok(None);
    };
    #[derive(Default)]
    struct Counts {
        seen: [bool; 4],
        codes: usize,
        words: usize,
    }
    impl Counts {
        fn add(&mut self, v: &str) {
            match v {
                "" => {}
                "0" | "1" | "2" | "3" => {
                    self.seen[usize::from(v.as_bytes()[0] - b'0')] = true;
                    self.codes += 1;
                }
                _ => self.words += 1,
            }
        }
    }
    let mut n = Counts::default();
    // the records read with the header, or more when none has a sex
    for r in source.sample() {
        n.add(r.cells.get(col).map_or("", |c| c.trim()));
    }
    if n.codes + n.words == 0 {
        let mut reader = source.records()?;
        let read_err = Error::read(source.path());
        for _ in 0..SEX_SAMPLE_ROWS {
            let Some(rec) = reader.next_rec().map_err(&read_err)? else {
                break;
            };
            let Rec::Ok { bytes, .. } = rec else {
                continue;
            };
            let mut fields = Vec::new();
            lamsach_io::input::split_fields(bytes, source.delim(), &mut fields);
            let v = fields
                .get(col)
                .map(|f| String::from_utf8_lossy(f).trim().to_string())
                .unwrap_or_default();
            n.add(&v);
        }
    }
    let Counts { seen, codes, words } = n;
    // a column of codes, with perhaps a stray word ("Khác") in it
    if codes == 0 || words * 10 > codes {
        return Ok(None);
    }
    use crate::profile::Sex;
    Ok(match seen {
        [false, _, true, _] => Some(SexCodes {
            codes: vec![
                ("1".into(), Some(Sex::Male)),
                ("2".into(), Some(Sex::Female)),
                ("3".into(), None),
            ],
            from: SexCodesFrom::Values,
        }),
        [true, _, false, false] | [false, true, false, false] => Some(SexCodes {
            codes: vec![("0".into(), None), ("1".into(), None)],
            from: SexCodesFrom::Unknown,
        }),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(v: &[&[&str]]) -> Vec<HeadRow> {
        v.iter()
            .enumerate()
            .map(|(i, cells)| HeadRow {
                line: i as u64 + 1,
                end_line: i as u64 + 1,
                cells: cells.iter().map(|c| c.to_string()).collect(),
            })
            .collect()
    }

    fn mapping(headers: &[&str]) -> Mapping {
        let d = RuleData::embedded().unwrap();
        let h: Vec<String> = headers.iter().map(|s| s.to_string()).collect();
        Mapping::new(d.profile("vaccination").unwrap(), &h, &d.headers)
    }

    #[test]
    fn the_header_is_the_row_naming_most_fields() {
        let d = RuleData::embedded().unwrap();
        let r = rows(&[
            &[
                "ỦY BAN NHÂN DÂN",
                "",
                "",
                "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            ],
            &["DANH SÁCH ĐỐI TƯỢNG TIÊM VẮC XIN", "", "", ""],
            &["TT", "Họ tên", "NS", "Số CCCD/CMND"],
            &["1", "Lan", "12/05/1990", "001190012345"],
        ]);
        let c = choose_header(&d, &r).unwrap();
        assert_eq!((c.first, c.rows), (2, 1));
        // nothing names a field: no choice (the first row is kept)
        assert!(choose_header(&d, &rows(&[&["a", "b"], &["1", "2"]])).is_none());
    }

    #[test]
    fn a_merged_group_header_is_joined_with_the_row_under_it() {
        let d = RuleData::embedded().unwrap();
        let r = rows(&[
            &[
                "STT",
                "Họ và tên",
                "Ngày sinh",
                "Số CCCD",
                "Nơi ở hiện tại",
                "",
                "Mũi tiêm",
                "",
                "",
            ],
            &[
                "",
                "",
                "",
                "",
                "Quận huyện",
                "Xã phường",
                "Loại vắc xin",
                "Mũi thứ",
                "Ngày tiêm",
            ],
            &[
                "1",
                "Lan",
                "12/05/1990",
                "001190012345",
                "Chiêm Hóa",
                "Vĩnh Lộc",
                "Pfizer",
                "1",
                "15/08/2021",
            ],
        ]);
        let c = choose_header(&d, &r).unwrap();
        assert_eq!((c.first, c.rows), (0, 2));
        assert_eq!(c.names[4], "Quận huyện");
        assert_eq!(c.names[8], "Ngày tiêm");
    }

    #[test]
    fn rows_that_are_not_records() {
        let d = RuleData::embedded().unwrap();
        let m = mapping(&["STT", "Họ và tên", "Ngày sinh", "Số CCCD", "Huyện"]);
        let kind = |v: &[&str]| non_record(v, &m, &d.headers);
        assert_eq!(kind(&["I", "Tăng", "", "", ""]), Some(NonRecord::Section));
        assert_eq!(kind(&["", "Giảm", "", "", ""]), Some(NonRecord::Section));
        assert_eq!(
            kind(&["", "Cộng tăng: 5", "", "", ""]),
            Some(NonRecord::Subtotal)
        );
        assert_eq!(
            kind(&["Tổng cộng", "", "", "", ""]),
            Some(NonRecord::Subtotal)
        );
        assert_eq!(
            kind(&["", "Người lập biểu", "", "", "Thủ trưởng đơn vị"]),
            Some(NonRecord::Footer)
        );
        assert_eq!(
            kind(&["", "", "", "", "Tuyên Quang, ngày 25 tháng 3 năm 2022"]),
            Some(NonRecord::Footer)
        );
        assert_eq!(kind(&["8", "", "", "", ""]), Some(NonRecord::NumberedBlank));
        // records, however empty, are never set aside
        assert_eq!(kind(&["9", "Tổng Văn Cộng", "", "", ""]), None);
        assert_eq!(kind(&["", "Người lập biểu", "12/05/1990", "", ""]), None);
        assert_eq!(kind(&["", "", "", "001190012345", ""]), None);
        assert_eq!(kind(&["10", "Lan", "", "", "Chiêm Hóa"]), None);
        assert_eq!(kind(&["10", "", "", "", "Chiêm Hóa"]), None);
        // signature blocks and group titles name nobody
        for footer in [
            &["Nơi nhận:", "", "", "", "TM. ỦY BAN NHÂN DÂN"][..],
            &["- Như trên;", "", "", "", "CHỦ TỊCH"],
            &["", "", "", "", "Hoàng Văn Tuấn"],
            &["", "", "", "", "Chiêm Hóa, ngày … tháng … năm 20…"],
        ] {
            assert_eq!(kind(footer), Some(NonRecord::Footer), "{footer:?}");
        }
        for section in [
            &["I. Xã Vĩnh Lộc", "", "", "", ""][..],
            &["", "1.2. Thôn Nà Coóc", "", "", ""],
            &["I.1", "Lao động", "", "", ""],
            &["Lớp: 6A", "", "", "", ""],
            &["", "Lớp: 6A", "", "", ""],
        ] {
            assert_eq!(kind(section), Some(NonRecord::Section), "{section:?}");
        }
        // a name, however alone, is a record
        assert_eq!(kind(&["", "Hoàng Văn Tuấn", "", "", ""]), None);
        assert_eq!(kind(&["1.", "Hoàng Văn Tuấn", "", "", ""]), None);
    }

    #[test]
    fn column_option_and_duplicate_headers() {
        assert_eq!(
            parse_column_option("id=Số CCCD/Mã định danh").unwrap(),
            (Field::Id, "Số CCCD/Mã định danh".to_string())
        );
        assert!(parse_column_option("cccd=Số").is_err());
        assert!(parse_column_option("id=").is_err());
        // the same header twice: the first is checked, the second noted
        let m = mapping(&["Họ tên", "Ngày sinh", "Số CCCD", "Ngày sinh"]);
        assert_eq!(m.column(Field::Dob), Some(1));
        assert_eq!(
            m.columns[3].set_aside,
            Some(crate::profile::SetAside::Duplicate(1))
        );
        // a more confident column wins wherever it is
        let m = mapping(&["Họ tên", "Năm sinh", "Số CCCD", "NGAY_SINH"]);
        assert_eq!(m.column(Field::Dob), Some(3));
        assert!(!m.dob_year_only);
        let mut m = mapping(&["Họ tên", "Ngày sinh", "Số CCCD", "Ghi chú"]);
        m.set_column(Field::Phone, "D").unwrap();
        assert_eq!(m.column(Field::Phone), Some(3));
        assert!(m.set_column(Field::Phone, "Không có").is_err());
    }
}
