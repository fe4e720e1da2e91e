//! The rule registry. One rule, one file: its code, pillar, labels, doc, check
//! and tests. Adding a rule: write the file, add one `mod` line and one entry
//! in [`REGISTRY`].

use chrono::NaiveDate;
use lamsach_model::parse::date::{self, DateValue};
use lamsach_model::parse::id::IdValue;
use lamsach_model::profile::{Field, Mapping, RuleData, Sex};
use lamsach_text::Lang;
use serde::Serialize;

pub use insurance::bhyt_card_invalid::bhxh_of_card;

pub mod dob;
pub mod dup;
pub mod field;
pub mod household;
pub mod id;
pub mod insurance;
pub mod name;
pub mod phone;
pub mod reference;
pub mod row;
pub mod school;
pub mod sex;
pub mod text;
pub mod vaccination;

/// Every rule. `lamsach rules` lists this table sorted by code.
pub static REGISTRY: &[&Rule] = &[
    &insurance::bhxh_code_invalid::RULE,
    &insurance::bhyt_card_invalid::RULE,
    &insurance::bhyt_bhxh_mismatch::RULE,
    &dob::dob_missing::RULE,
    &dob::dob_unparseable::RULE,
    &dob::dob_impossible::RULE,
    &dob::dob_in_future::RULE,
    &dob::age_over_limit::RULE,
    &dob::dob_incomplete::RULE,
    &dup::duplicate_event::RULE,
    &dup::same_person_two_ids::RULE,
    &dup::same_person_without_id::RULE,
    &dup::same_event_recorded_twice::RULE,
    &dup::id_shared_by_different_people::RULE,
    &school::school_level_age_mismatch::RULE,
    &school::school_level_unrecognised::RULE,
    &text::text_not_utf8::RULE,
    &text::text_tcvn3_font::RULE,
    &text::text_vni_font::RULE,
    &text::text_double_encoded::RULE,
    &text::text_not_nfc::RULE,
    &text::text_control_chars::RULE,
    &text::text_bad_spacing::RULE,
    &text::text_broken_unrepairable::RULE,
    &field::required_field_missing::RULE,
    &id::id_missing::RULE,
    &id::id_malformed::RULE,
    &id::id_leading_zeros_lost::RULE,
    &id::id_old_cmnd::RULE,
    &id::id_invalid_province::RULE,
    &id::id_sex_digit_mismatch::RULE,
    &id::id_century_mismatch::RULE,
    &id::id_birth_year_mismatch::RULE,
    &name::name_missing::RULE,
    &name::name_invalid::RULE,
    &phone::phone_invalid::RULE,
    &row::row_unreadable::RULE,
    &sex::sex_missing::RULE,
    &sex::sex_unrecognised::RULE,
    &vaccination::vaccination_date_invalid::RULE,
    &vaccination::vaccination_before_birth::RULE,
    &vaccination::vaccination_in_future::RULE,
    &reference::id_not_in_reference::RULE,
    &reference::name_without_diacritics::RULE,
    &reference::name_diacritics_differ::RULE,
    &reference::name_word_order::RULE,
    &reference::name_typo::RULE,
    &reference::name_part_missing::RULE,
    &reference::name_of_another_person::RULE,
    &reference::dob_day_month_swapped::RULE,
    &reference::dob_year_only::RULE,
    &reference::dob_off_by_days::RULE,
    &reference::dob_differs::RULE,
    &reference::sex_differs::RULE,
    &reference::event_after_death::RULE,
    &reference::deceased_still_active::RULE,
    &household::household_without_head::RULE,
    &household::household_several_heads::RULE,
    &household::head_details_disagree::RULE,
    &household::relation_to_head_unrecognised::RULE,
    &household::head_under_age::RULE,
    &household::household_in_several_communes::RULE,
    &household::person_in_two_households::RULE,
];

/// The four pillars of clean data: "đúng, đủ, sạch, sống".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Pillar {
    Dung,
    Du,
    Sach,
    Song,
}

impl Pillar {
    pub const ALL: [Pillar; 4] = [Pillar::Dung, Pillar::Du, Pillar::Sach, Pillar::Song];
    /// Stable key for machine-readable outputs.
    pub fn key(self) -> &'static str {
        match self {
            Pillar::Dung => "dung",
            Pillar::Du => "du",
            Pillar::Sach => "sach",
            Pillar::Song => "song",
        }
    }
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang.is_en()) {
            (Pillar::Dung, false) => "đúng",
            (Pillar::Du, false) => "đủ",
            (Pillar::Sach, false) => "sạch",
            (Pillar::Song, false) => "sống",
            (Pillar::Dung, true) => "correct",
            (Pillar::Du, true) => "complete",
            (Pillar::Sach, true) => "clean",
            (Pillar::Song, true) => "live",
        }
    }
}

/// Report categories, named as the monthly reports name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    MissingId,
    MalformedId,
    IdStructure,
    OldId,
    MissingField,
    PersonalInfo,
    Insurance,
    EventInfo,
    Duplicate,
    SharedId,
    BrokenText,
    Unreadable,
    NotInReference,
    Verification,
    Deceased,
    /// Counted in households: one per household and rule.
    Household,
    /// Counted in persons: one per member row (or person) and rule.
    HouseholdMember,
}

impl Category {
    pub const ALL: [Category; 17] = [
        Category::MissingId,
        Category::MalformedId,
        Category::IdStructure,
        Category::OldId,
        Category::MissingField,
        Category::PersonalInfo,
        Category::Insurance,
        Category::EventInfo,
        Category::Duplicate,
        Category::SharedId,
        Category::BrokenText,
        Category::Unreadable,
        Category::NotInReference,
        Category::Verification,
        Category::Deceased,
        Category::Household,
        Category::HouseholdMember,
    ];
    pub const COUNT: usize = Self::ALL.len();

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn key(self) -> &'static str {
        match self {
            Category::MissingId => "missing_id",
            Category::MalformedId => "malformed_id",
            Category::IdStructure => "id_structure",
            Category::OldId => "old_id",
            Category::MissingField => "missing_field",
            Category::PersonalInfo => "personal_info",
            Category::Insurance => "insurance",
            Category::EventInfo => "event_info",
            Category::Duplicate => "duplicate",
            Category::SharedId => "shared_id",
            Category::BrokenText => "broken_text",
            Category::Unreadable => "unreadable",
            Category::NotInReference => "not_in_reference",
            Category::Verification => "verification",
            Category::Deceased => "deceased",
            Category::Household => "household",
            Category::HouseholdMember => "household_member",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        if lang.is_en() {
            match self {
                Category::MissingId => "No ID number",
                Category::MalformedId => "Malformed ID number",
                Category::IdStructure => "Invalid ID number structure",
                Category::OldId => "Old 9-digit ID (CMND) to update",
                Category::MissingField => "Missing information",
                Category::PersonalInfo => "Wrong personal information",
                Category::Insurance => "Wrong BHXH code / BHYT card",
                Category::EventInfo => "Wrong vaccination / schooling data",
                Category::Duplicate => "Duplicate records",
                Category::SharedId => "One ID used by different people",
                Category::BrokenText => "Broken text encoding",
                Category::Unreadable => "Unreadable rows",
                Category::NotInReference => "ID not in the population database",
                Category::Verification => "Differs from the population database",
                Category::Deceased => "Records of deceased persons",
                Category::Household => "Household head/commune problems (households)",
                Category::HouseholdMember => "Wrong household member details (persons)",
            }
        } else {
            match self {
                Category::MissingId => "Không có CCCD/Mã Định Danh",
                Category::MalformedId => "CCCD/Mã Định Danh sai định dạng",
                Category::IdStructure => "Sai cấu trúc số định danh cá nhân",
                Category::OldId => "Cập nhật CMND 9 số",
                Category::MissingField => "Thiếu trường thông tin",
                Category::PersonalInfo => "Sai thông tin cá nhân",
                Category::Insurance => "Sai mã số BHXH/thẻ BHYT",
                Category::EventInfo => "Sai thông tin tiêm chủng/học tập",
                Category::Duplicate => "Xóa trùng thông tin công dân",
                Category::SharedId => "Một số định danh dùng cho nhiều người",
                Category::BrokenText => "Lỗi font",
                Category::Unreadable => "Dòng không đọc được",
                Category::NotInReference => "Không có trong CSDL dân cư",
                Category::Verification => "Xác minh Sai Thông Tin",
                Category::Deceased => "Người đã mất còn dữ liệu",
                Category::Household => "Hộ không/nhiều chủ hộ, khác xã (số hộ)",
                Category::HouseholdMember => "Sai thông tin thành viên hộ (số người)",
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang.is_en()) {
            (Severity::Error, false) => "lỗi",
            (Severity::Warning, false) => "cảnh báo",
            (Severity::Info, false) => "lưu ý",
            (Severity::Error, true) => "error",
            (Severity::Warning, true) => "warning",
            (Severity::Info, true) => "info",
        }
    }
}

/// How a rule is evaluated, and so where its findings come from.
pub enum Check {
    /// A pure check of one row, run in parallel.
    Row(fn(&RowCtx, &mut Vec<Finding>)),
    /// Found while a row is read, before any other rule can run on it (a
    /// row that cannot be split, a cell that is not UTF-8): the engine's row
    /// reader emits it with the rule file's `finding`.
    Reading,
    /// Needs the rows before it, in input order (the first row of a repeated
    /// event is kept): an index on the engine's in-order stage.
    InOrder,
    /// Needs every row of the file before it can land on the row to fix
    /// (which holder of an ID, which record of a person is right): decided
    /// in the pre-pass beside the rule pass, joined to the rows by line.
    WholeFile,
    /// Compares one row with its record in the population reference
    /// (`--reference`); run per row, only when a reference is given.
    Reference(fn(&RowCtx, &lamsach_reference::Lookup, &mut Vec<Finding>)),
}

/// The rules over several rows whose findings come from an index of the
/// rows seen, behind one interface: a key from each row (made beside the
/// row's other checks, in parallel), and a check of each key against the
/// index in input order, which then holds it. The engine runs DUP001 so on
/// its in-order stage ([`Check::InOrder`]) and DUP002's first pass so in
/// the pre-pass ([`Check::WholeFile`]); the fuzzy duplicates (DUP003–DUP005)
/// compare records rather than keys and run as `lamsach_dedupe`.
pub trait RowIndex: Default + Send {
    type Key: Copy + Send;
    /// The row's key; None when the row takes no part.
    fn key(ctx: &RowCtx) -> Option<Self::Key>;
    /// Checks a row's key against the rows before it and adds it; a finding
    /// when it conflicts with one of them.
    fn check(&mut self, key: Self::Key, line: u64, lang: Lang) -> Option<Finding>;
}

pub struct Rule {
    pub code: &'static str,
    pub name: &'static str,
    pub pillar: Pillar,
    pub category: Category,
    pub severity: Severity,
    pub label_vi: &'static str,
    pub label_en: &'static str,
    /// Markdown with `## What it does`, `## Why is this bad?`, `## Example`.
    pub doc: &'static str,
    /// The same documentation in Vietnamese, with `## Quy tắc kiểm tra gì`,
    /// `## Vì sao cần sửa`, `## Ví dụ`; `lamsach explain` prints it unless
    /// `--lang en`.
    pub doc_vi: &'static str,
    pub check: Check,
}

impl Rule {
    pub fn label(&self, lang: Lang) -> &'static str {
        if lang.is_en() {
            self.label_en
        } else {
            self.label_vi
        }
    }

    pub fn index(&self) -> usize {
        REGISTRY
            .iter()
            .position(|r| std::ptr::eq(*r, self))
            .expect("every rule is in the registry")
    }
}

pub fn by_code(code: &str) -> Option<&'static Rule> {
    REGISTRY
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(code) || r.name == code)
}

/// One problem in one row.
#[derive(Debug, Clone)]
pub struct Finding {
    /// Physical line where the record starts (header = 1).
    pub line: u64,
    pub rule: &'static Rule,
    /// Input column index (None for whole-row findings).
    pub column: Option<usize>,
    pub value: String,
    pub message: String,
    /// The other rows of a cross-row finding (the rows it conflicts with),
    /// in line order; empty for a finding about one row.
    pub related: Vec<u64>,
    /// The same problem as a finding on another row, already counted there:
    /// the row needs fixing too, but the tallies count the problem once.
    pub repeat: bool,
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code)
    }
}

/// One row as the rules see it, with the commonly needed values parsed once.
pub struct RowCtx<'a> {
    pub line: u64,
    pub values: &'a [&'a str],
    pub map: &'a Mapping,
    pub data: &'a RuleData,
    pub today: NaiveDate,
    pub lang: Lang,
    pub id: IdValue,
    pub dob: DateValue,
    /// Recognised sex; None when missing or unrecognised.
    pub sex: Option<Sex>,
    /// The sex cell holds a code that means "undetermined", or one whose
    /// meaning the file does not state (0/1): not a finding.
    pub sex_undetermined: bool,
    /// The vaccination date (Missing when there is no such column).
    pub vaccination_date: DateValue,
    /// Broken-text analysis of the text cells, made on first use and shared
    /// by the TXT rules.
    pub text_issues: std::cell::OnceCell<Vec<text::text_fields::CellIssue>>,
    /// The full name folded ([`lamsach_text::fold`]), made on first use and
    /// shared by the rules and keys that compare names.
    name_fold: std::cell::OnceCell<String>,
    /// The buffer `name_fold` is made in, until it is: the fold of
    /// `name_src` (an earlier row's name), kept when the name repeats.
    name_spare: std::cell::Cell<String>,
    name_src: std::cell::Cell<String>,
    /// A buffer for [`RowCtx::fold_with`].
    scratch: std::cell::Cell<String>,
    /// A buffer for [`RowCtx::with_bytes`].
    bytes: std::cell::Cell<Vec<u8>>,
    /// Text cells found clean on earlier rows, by text field (see
    /// [`text::text_fields::with_issues`]).
    clean_memo: std::cell::Cell<Vec<String>>,
    /// See [`RowBufs`].
    sex_src: String,
    sex_memo: Option<(Option<Sex>, bool)>,
}

/// The buffers a row context folds values into, kept by the caller from row
/// to row ([`RowCtx::new_in`], [`RowCtx::into_bufs`]): no allocation per row.
#[derive(Default)]
pub struct RowBufs {
    /// Always `fold(name_src)` (both empty at first).
    name: String,
    name_src: String,
    /// The last sex value read, and what it meant.
    sex_src: String,
    sex: Option<(Option<Sex>, bool)>,
    scratch: String,
    bytes: Vec<u8>,
    clean_memo: Vec<String>,
}

impl<'a> RowCtx<'a> {
    pub fn new(
        line: u64,
        values: &'a [&'a str],
        map: &'a Mapping,
        data: &'a RuleData,
        today: NaiveDate,
        lang: Lang,
    ) -> Self {
        Self::new_in(line, values, map, data, today, lang, RowBufs::default())
    }

    /// [`RowCtx::new`] folding into the given buffers.
    pub fn new_in(
        line: u64,
        values: &'a [&'a str],
        map: &'a Mapping,
        data: &'a RuleData,
        today: NaiveDate,
        lang: Lang,
        bufs: RowBufs,
    ) -> Self {
        let RowBufs {
            name,
            name_src,
            mut sex_src,
            sex: mut sex_memo,
            mut scratch,
            bytes,
            clean_memo,
        } = bufs;
        let mut ctx = RowCtx {
            line,
            values,
            map,
            data,
            today,
            lang,
            id: IdValue::Missing,
            dob: DateValue::Missing,
            sex: None,
            sex_undetermined: false,
            vaccination_date: DateValue::Missing,
            text_issues: std::cell::OnceCell::new(),
            name_fold: std::cell::OnceCell::new(),
            name_spare: std::cell::Cell::new(name),
            name_src: std::cell::Cell::new(name_src),
            scratch: std::cell::Cell::default(),
            bytes: std::cell::Cell::new(bytes),
            clean_memo: std::cell::Cell::new(clean_memo),
            sex_src: String::new(),
            sex_memo: None,
        };
        ctx.id = ctx.get(Field::Id).map_or(IdValue::Missing, |v| {
            lamsach_model::parse::id::parse(v, data)
        });
        ctx.dob = ctx.get(Field::Dob).map_or(DateValue::Missing, date::parse);
        ctx.vaccination_date = ctx
            .get(Field::VaccinationDate)
            .map_or(DateValue::Missing, date::parse);
        let (sex, undetermined) = match (ctx.get(Field::Sex), map.sex_marks) {
            (Some(v), _) => match sex_memo {
                Some(memo) if sex_src == v => memo,
                _ => {
                    scratch.clear();
                    lamsach_text::fold_into(v, &mut scratch);
                    let read = match map.sex_codes.get(&scratch) {
                        Some(code) => (code, code.is_none()),
                        None => (data.sex_of(&scratch), false),
                    };
                    sex_src.clear();
                    sex_src.push_str(v);
                    sex_memo = Some(read);
                    read
                }
            },
            (None, Some(marks)) => {
                let marked = |c: usize| {
                    values
                        .get(c)
                        .is_some_and(|v| !lamsach_text::trim(v).is_empty())
                };
                let sex = if marked(marks.female) {
                    Some(Sex::Female)
                } else if marks.male.is_none_or(marked) {
                    Some(Sex::Male)
                } else {
                    None
                };
                (sex, false)
            }
            (None, None) => (None, false),
        };
        ctx.sex = sex;
        ctx.sex_undetermined = undetermined;
        ctx.scratch.set(scratch);
        ctx.sex_src = sex_src;
        ctx.sex_memo = sex_memo;
        ctx
    }

    /// The buffers back, for the next row.
    pub fn into_bufs(self) -> RowBufs {
        RowBufs {
            name: self
                .name_fold
                .into_inner()
                .unwrap_or_else(|| self.name_spare.into_inner()),
            name_src: self.name_src.into_inner(),
            sex_src: self.sex_src,
            sex: self.sex_memo,
            scratch: self.scratch.into_inner(),
            bytes: self.bytes.into_inner(),
            clean_memo: self.clean_memo.into_inner(),
        }
    }

    /// Calls `f` with the memo of clean text cells kept from row to row.
    pub(crate) fn with_clean_memo<R>(&self, f: impl FnOnce(&mut Vec<String>) -> R) -> R {
        let mut memo = self.clean_memo.take();
        let r = f(&mut memo);
        self.clean_memo.set(memo);
        r
    }

    /// Calls `f` with the row's byte buffer, emptied.
    pub(crate) fn with_bytes<R>(&self, f: impl FnOnce(&mut Vec<u8>) -> R) -> R {
        let mut buf = self.bytes.take();
        buf.clear();
        let r = f(&mut buf);
        self.bytes.set(buf);
        r
    }

    /// The full name folded (`""` when there is no name column).
    pub fn name_folded(&self) -> &str {
        self.name_fold.get_or_init(|| {
            let name = self.get(Field::FullName).unwrap_or("");
            let mut folded = self.name_spare.take();
            let mut src = self.name_src.take();
            if src != name {
                folded.clear();
                lamsach_text::fold_into(name, &mut folded);
                src.clear();
                src.push_str(name);
            }
            self.name_src.set(src);
            folded
        })
    }

    /// Calls `f` with `v` folded ([`lamsach_text::fold`]), in the row's buffer.
    pub(crate) fn fold_with<R>(&self, v: &str, f: impl FnOnce(&str) -> R) -> R {
        let mut buf = self.scratch.take();
        buf.clear();
        lamsach_text::fold_into(v, &mut buf);
        let r = f(&buf);
        self.scratch.set(buf);
        r
    }

    /// The trimmed value of a field; None when the file has no such column.
    pub fn get(&self, f: Field) -> Option<&'a str> {
        self.map
            .column(f)
            .map(|c| lamsach_text::trim(self.values.get(c).copied().unwrap_or("")))
    }

    /// True when the column exists and the cell is empty.
    pub fn is_empty(&self, f: Field) -> bool {
        self.get(f).is_some_and(str::is_empty)
    }

    pub fn required(&self, f: Field) -> bool {
        self.map.profile.required.contains(&f)
    }

    /// Picks the message in the run's language.
    pub fn t(&self, vi: String, en: String) -> String {
        if self.lang.is_en() {
            en
        } else {
            vi
        }
    }

    /// Records a finding on a field's column, with the cell value.
    pub(crate) fn emit(
        &self,
        out: &mut Vec<Finding>,
        rule: &'static Rule,
        f: Field,
        message: String,
    ) {
        out.push(Finding {
            line: self.line,
            rule,
            column: self.map.column(f),
            value: self.get(f).unwrap_or("").to_string(),
            message,
            related: Vec::new(),
            repeat: false,
        });
    }
}

/// Runs every row rule on one row.
pub fn check_row(ctx: &RowCtx, out: &mut Vec<Finding>) {
    type RowCheck = fn(&RowCtx, &mut Vec<Finding>);
    // the row checks of the registry, in its order, listed once
    static ROW_CHECKS: std::sync::OnceLock<Vec<RowCheck>> = std::sync::OnceLock::new();
    let checks = ROW_CHECKS.get_or_init(|| {
        REGISTRY
            .iter()
            .filter_map(|rule| match rule.check {
                Check::Row(f) => Some(f),
                _ => None,
            })
            .collect()
    });
    for f in checks {
        f(ctx, out);
    }
}

/// Runs every reference rule on one row, given its lookup in the reference.
pub(crate) fn check_reference(
    ctx: &RowCtx,
    lookup: &lamsach_reference::Lookup,
    out: &mut Vec<Finding>,
) {
    for rule in REGISTRY {
        if let Check::Reference(f) = rule.check {
            f(ctx, lookup, out);
        }
    }
}

#[doc(hidden)]
pub mod testing {
    //! Helpers for the per-rule tests: build a row from (header, value) pairs.
    use super::*;
    use lamsach_model::profile::RuleData;
    use std::sync::OnceLock;

    pub fn data() -> &'static RuleData {
        static D: OnceLock<RuleData> = OnceLock::new();
        D.get_or_init(|| RuleData::embedded().expect("embedded rules load"))
    }

    pub fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    /// Findings of `rule` on a row of `profile` given as (header, value) pairs.
    pub fn run(profile: &str, cells: &[(&str, &str)], rule: &'static Rule) -> Vec<String> {
        run_on(profile, cells, rule, today())
    }

    /// [`run`] on another run date.
    pub fn run_on(
        profile: &str,
        cells: &[(&str, &str)],
        rule: &'static Rule,
        today: NaiveDate,
    ) -> Vec<String> {
        let d = data();
        let headers: Vec<String> = cells.iter().map(|(h, _)| h.to_string()).collect();
        let values: Vec<&str> = cells.iter().map(|(_, v)| *v).collect();
        let map = Mapping::new(d.profile(profile).unwrap(), &headers, &d.headers);
        let ctx = RowCtx::new(2, &values, &map, d, today, Lang::Vi);
        let mut out = Vec::new();
        check_row(&ctx, &mut out);
        out.into_iter()
            .filter(|f| std::ptr::eq(f.rule, rule))
            .map(|f| f.message)
            .collect()
    }

    /// Builds each vaccination row twice, with fresh buffers and with the
    /// buffers the rows before it left ([`RowBufs`]), and hands both row
    /// contexts to `check` (with the row's index): carrying buffers from row
    /// to row must change nothing.
    pub fn fresh_and_carried(
        rows: &[Vec<(&str, &str)>],
        mut check: impl FnMut(usize, &RowCtx, &RowCtx),
    ) {
        let d = data();
        let headers: Vec<String> = rows[0].iter().map(|(h, _)| h.to_string()).collect();
        let map = Mapping::new(d.profile("vaccination").unwrap(), &headers, &d.headers);
        let mut bufs = RowBufs::default();
        for (i, row) in rows.iter().enumerate() {
            let values: Vec<&str> = row.iter().map(|(_, v)| *v).collect();
            let fresh = RowCtx::new(2, &values, &map, d, today(), Lang::Vi);
            let carried = RowCtx::new_in(2, &values, &map, d, today(), Lang::Vi, bufs);
            check(i, &fresh, &carried);
            bufs = carried.into_bufs();
        }
    }

    /// A well-formed vaccination row, to vary one cell at a time.
    pub fn vacc<'a>(over: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
        let mut row = vec![
            ("Họ và tên", "Nguyễn Thị Lan"),
            ("Ngày sinh", "12/05/1990"),
            ("Giới tính", "Nữ"),
            ("Số CCCD", "001190012345"),
            ("Số điện thoại", "0912345678"),
            ("Huyện", "Chiêm Hóa"),
            ("Vắc xin", "AstraZeneca"),
            ("Mũi", "1"),
            ("Ngày tiêm", "15/08/2021"),
        ];
        for (h, v) in over {
            match row.iter_mut().find(|(k, _)| k == h) {
                Some(cell) => cell.1 = v,
                None => row.push((h, v)),
            }
        }
        row
    }
}

#[cfg(test)]
mod tests {
    use super::testing::*;
    use super::*;

    #[test]
    fn codes_unique_and_docs_complete() {
        let mut codes: Vec<&str> = REGISTRY.iter().map(|r| r.code).collect();
        codes.sort();
        let n = codes.len();
        codes.dedup();
        assert_eq!(codes.len(), n, "duplicate rule code");
        for r in REGISTRY {
            for section in ["## What it does", "## Why is this bad?", "## Example"] {
                assert!(r.doc.contains(section), "{} lacks {section}", r.code);
            }
            assert!(!r.label_vi.is_empty() && !r.label_en.is_empty());
        }
    }

    #[test]
    fn every_rule_has_vietnamese_doc() {
        for r in REGISTRY {
            assert!(!r.doc_vi.trim().is_empty(), "{} has no doc_vi", r.code);
            for section in ["## Quy tắc kiểm tra gì", "## Vì sao cần sửa", "## Ví dụ"]
            {
                assert!(
                    r.doc_vi.contains(section),
                    "{} doc_vi lacks {section}",
                    r.code
                );
            }
            assert!(
                !r.doc_vi.contains("## What it does"),
                "{} doc_vi is the English doc",
                r.code
            );
        }
    }

    #[test]
    fn clean_row_has_no_findings() {
        let d = data();
        let cells = vacc(&[]);
        let headers: Vec<String> = cells.iter().map(|(h, _)| h.to_string()).collect();
        let values: Vec<&str> = cells.iter().map(|(_, v)| *v).collect();
        let map = Mapping::new(d.profile("vaccination").unwrap(), &headers, &d.headers);
        let ctx = RowCtx::new(2, &values, &map, d, today(), Lang::Vi);
        let mut out = Vec::new();
        check_row(&ctx, &mut out);
        assert!(out.is_empty(), "{out:?}");
    }

    #[test]
    fn carried_buffers_change_nothing() {
        let rows = [
            vacc(&[]),
            vacc(&[]),
            vacc(&[("Họ và tên", "NGUYỄN  Văn Hùng"), ("Giới tính", "nam")]),
            vacc(&[("Họ và tên", ""), ("Giới tính", "")]),
            vacc(&[("Họ và tên", ""), ("Giới tính", "")]),
            vacc(&[("Giới tính", "?")]),
            vacc(&[("Giới tính", "Nữ")]),
        ];
        fresh_and_carried(&rows, |i, fresh, carried| {
            assert_eq!(fresh.sex, carried.sex, "row {i}");
            // every other row leaves the name unfolded
            if i % 2 == 0 {
                assert_eq!(fresh.name_folded(), carried.name_folded(), "row {i}");
            }
            assert_eq!(
                crate::dup::duplicate_event::key(fresh),
                crate::dup::duplicate_event::key(carried),
                "row {i}"
            );
        });
    }

    #[test]
    fn lookup_by_code_or_name() {
        assert_eq!(by_code("id003").unwrap().code, "ID003");
        assert_eq!(by_code("id-missing").unwrap().code, "ID001");
        assert!(by_code("XYZ999").is_none());
    }
}
