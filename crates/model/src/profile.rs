//! Profiles and settings, loaded from `rules/` (embedded in the binary, or a
//! directory given with `--rules`). Typed with `deny_unknown_fields`: a typo
//! in a rules file is an error naming the file, line, column and key.

use crate::header::{HeaderWords, Reading};
use lamsach_io::error::{Error, Result};
use lamsach_text::Lang;
use lamsach_text::{fold, header_key};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// Canonical fields the rules know about. A profile maps export headers to these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Id,
    FullName,
    Dob,
    Sex,
    Phone,
    Address,
    Province,
    District,
    Commune,
    Facility,
    Vaccine,
    Dose,
    VaccinationDate,
    BhxhCode,
    BhytCard,
    BhytValidTo,
    Employer,
    School,
    SchoolLevel,
    Class,
    DeathDate,
    Ethnicity,
    HouseholdCode,
    RelationToHead,
    HeadName,
    HeadId,
    Postcode,
    Email,
    /// Free text describing the person (an occupation, a title), compared
    /// by the duplicate search only.
    Text,
}

impl Field {
    pub const ALL: [Field; 29] = [
        Field::Id,
        Field::FullName,
        Field::Dob,
        Field::Sex,
        Field::Phone,
        Field::Address,
        Field::Province,
        Field::District,
        Field::Commune,
        Field::Facility,
        Field::Vaccine,
        Field::Dose,
        Field::VaccinationDate,
        Field::BhxhCode,
        Field::BhytCard,
        Field::BhytValidTo,
        Field::Employer,
        Field::School,
        Field::SchoolLevel,
        Field::Class,
        Field::DeathDate,
        Field::Ethnicity,
        Field::HouseholdCode,
        Field::RelationToHead,
        Field::HeadName,
        Field::HeadId,
        Field::Postcode,
        Field::Email,
        Field::Text,
    ];
    pub const COUNT: usize = Self::ALL.len();

    pub fn index(self) -> usize {
        self as usize
    }

    /// The snake_case name used in rules files.
    pub fn name(self) -> &'static str {
        match self {
            Field::Id => "id",
            Field::FullName => "full_name",
            Field::Dob => "dob",
            Field::Sex => "sex",
            Field::Phone => "phone",
            Field::Address => "address",
            Field::Province => "province",
            Field::District => "district",
            Field::Commune => "commune",
            Field::Facility => "facility",
            Field::Vaccine => "vaccine",
            Field::Dose => "dose",
            Field::VaccinationDate => "vaccination_date",
            Field::BhxhCode => "bhxh_code",
            Field::BhytCard => "bhyt_card",
            Field::BhytValidTo => "bhyt_valid_to",
            Field::Employer => "employer",
            Field::School => "school",
            Field::SchoolLevel => "school_level",
            Field::Class => "class",
            Field::DeathDate => "death_date",
            Field::Ethnicity => "ethnicity",
            Field::HouseholdCode => "household_code",
            Field::RelationToHead => "relation_to_head",
            Field::HeadName => "head_name",
            Field::HeadId => "head_id",
            Field::Postcode => "postcode",
            Field::Email => "email",
            Field::Text => "text",
        }
    }

    /// The field as the summary names it: "giới tính (sex)" — the label, and
    /// the name `--column` takes.
    pub fn label(self, lang: Lang) -> String {
        let label = match (self, lang.is_en()) {
            (Field::Id, false) => "số định danh",
            (Field::Id, true) => "ID number",
            (Field::FullName, false) => "họ tên",
            (Field::FullName, true) => "full name",
            (Field::Dob, false) => "ngày sinh",
            (Field::Dob, true) => "date of birth",
            (Field::Sex, false) => "giới tính",
            (Field::Sex, true) => "sex",
            (Field::Phone, false) => "số điện thoại",
            (Field::Phone, true) => "phone",
            (Field::Address, false) => "địa chỉ",
            (Field::Address, true) => "address",
            (Field::Province, false) => "tỉnh",
            (Field::Province, true) => "province",
            (Field::District, false) => "huyện",
            (Field::District, true) => "district",
            (Field::Commune, false) => "xã",
            (Field::Commune, true) => "commune",
            (Field::Facility, false) => "cơ sở",
            (Field::Facility, true) => "facility",
            (Field::Vaccine, false) => "vắc xin",
            (Field::Vaccine, true) => "vaccine",
            (Field::Dose, false) => "mũi tiêm",
            (Field::Dose, true) => "dose",
            (Field::VaccinationDate, false) => "ngày tiêm",
            (Field::VaccinationDate, true) => "vaccination date",
            (Field::BhxhCode, false) => "mã số BHXH",
            (Field::BhxhCode, true) => "social insurance code",
            (Field::BhytCard, false) => "mã thẻ BHYT",
            (Field::BhytCard, true) => "health insurance card",
            (Field::BhytValidTo, false) => "hạn thẻ BHYT",
            (Field::BhytValidTo, true) => "card valid to",
            (Field::Employer, false) => "đơn vị",
            (Field::Employer, true) => "employer",
            (Field::School, false) => "trường",
            (Field::School, true) => "school",
            (Field::SchoolLevel, false) => "cấp học",
            (Field::SchoolLevel, true) => "school level",
            (Field::Class, false) => "lớp",
            (Field::Class, true) => "class",
            (Field::DeathDate, false) => "ngày mất",
            (Field::DeathDate, true) => "date of death",
            (Field::Ethnicity, false) => "dân tộc",
            (Field::Ethnicity, true) => "ethnicity",
            (Field::HouseholdCode, false) => "mã hộ gia đình",
            (Field::HouseholdCode, true) => "household code",
            (Field::RelationToHead, false) => "quan hệ với chủ hộ",
            (Field::RelationToHead, true) => "relation to the head",
            (Field::HeadName, false) => "họ tên chủ hộ",
            (Field::HeadName, true) => "head's name",
            (Field::HeadId, false) => "số định danh chủ hộ",
            (Field::HeadId, true) => "head's ID",
            (Field::Postcode, false) => "mã bưu chính",
            (Field::Postcode, true) => "postcode",
            (Field::Email, false) => "thư điện tử",
            (Field::Email, true) => "e-mail",
            (Field::Text, false) => "mô tả",
            (Field::Text, true) => "description",
        };
        if label.replace(' ', "_") == self.name() {
            label.to_string()
        } else {
            format!("{label} ({})", self.name())
        }
    }

    pub fn from_name(s: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.name() == s)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub name: String,
    pub label_vi: String,
    pub label_en: String,
    pub group_by: Field,
    /// Where the file has no `group_by` column, the first of these it has
    /// (two-level units since 2025: tỉnh, xã/phường).
    #[serde(default)]
    pub group_by_else: Vec<Field>,
    /// Columns without which the file is refused: nothing could be checked.
    #[serde(default)]
    pub needed: Vec<Field>,
    /// Fields that must be filled in every row, where the file has the column.
    pub required: Vec<Field>,
    pub event_key: Vec<Field>,
    #[serde(default)]
    pub signature: Vec<Field>,
    /// Columns that mark another kind of export: a file with any of them is
    /// never detected as this profile (a BHYT household declaration has a
    /// household column but is a BHXH file).
    #[serde(default)]
    pub not_with: Vec<Field>,
    /// Lengths of an identifier of another shape, all digits (a list's own
    /// 7-digit number): compared and blocked on as an ID by the duplicate
    /// search, not read as a broken 12-digit one there.
    #[serde(default)]
    pub id_digits: Vec<usize>,
    /// Codes of the sex column in this kind of export ("1" = "nam"), used
    /// unless the header states its own or `--sex-codes` is given.
    #[serde(default)]
    pub sex_codes: BTreeMap<String, String>,
    pub fields: BTreeMap<Field, Vec<String>>,
    /// The duplicate search's settings for this kind of list, over those of
    /// `rules/dedupe.toml` (`learn`, `threshold`, `blocks`, …): read by the
    /// duplicate search, which owns their meaning.
    #[serde(default)]
    pub dedupe: Option<toml::Table>,
}

/// `[limits]` of settings.toml: the reader's bounds and the batch size.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitSettings {
    pub max_record_bytes: usize,
    pub max_quoted_lines: usize,
    pub batch_rows: usize,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct IdSettings {
    pub missing_tokens: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PersonSettings {
    pub max_age_years: i32,
    pub male: Vec<String>,
    pub female: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchoolLevel {
    pub name: String,
    pub aliases: Vec<String>,
    pub min_age: i32,
    pub max_age: i32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsFile {
    limits: LimitSettings,
    id: IdSettings,
    person: PersonSettings,
    /// The month a school year starts (9: September).
    #[serde(default = "september")]
    school_year_starts: u32,
    school_levels: Vec<SchoolLevel>,
    #[serde(default)]
    groups: GroupSettings,
}

/// `[groups]`: how values of the group column are told apart.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupSettings {
    /// Administrative words a unit's name may start with or not
    /// ("Huyện", "TP", "H.").
    #[serde(default)]
    prefixes: Vec<String>,
}

fn september() -> u32 {
    9
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProvincesFile {
    provinces: BTreeMap<String, String>,
}

/// Upper bound of `[limits] batch_rows`: each batch preallocates
/// `batch_rows * 128` bytes, and several batches are in flight.
pub(crate) const MAX_BATCH_ROWS: usize = 1_000_000;
/// Upper bound of `[limits] max_record_bytes` (1 GiB): a record is held whole.
pub(crate) const MAX_RECORD_BYTES: usize = 1 << 30;

/// Everything loaded from `rules/`, with lookup tables prepared.
#[derive(Debug, Clone)]
pub struct RuleData {
    pub limits: LimitSettings,
    pub max_age_years: i32,
    pub profiles: Vec<Profile>,
    /// Indexed by the 3-digit code as a number (0..1000).
    provinces: Vec<Option<String>>,
    missing_tokens: Vec<String>,
    male: Vec<String>,
    female: Vec<String>,
    pub school_levels: Vec<SchoolLevel>,
    /// The month a school year starts (`school_year_starts`, 1–12).
    pub school_year_starts: u32,
    /// `[groups] prefixes`, folded, longest first: dropped from the start
    /// of a group value to tell spellings of one unit together.
    pub group_prefixes: Vec<String>,
    school_level_keys: HashMap<String, usize>,
    /// `reference.toml`: the population reference's columns and matching thresholds.
    pub reference: ReferenceSettings,
    /// `layout.toml`: the words that name a field in a header.
    pub headers: HeaderWords,
    /// `household.toml`: the relationship words and the household settings.
    pub household: crate::household::HouseholdSettings,
}

const EMBEDDED: &[(&str, &str)] = &[
    (
        "settings.toml",
        include_str!("../../../rules/settings.toml"),
    ),
    (
        "provinces.toml",
        include_str!("../../../rules/provinces.toml"),
    ),
    (
        "profiles/vaccination.toml",
        include_str!("../../../rules/profiles/vaccination.toml"),
    ),
    (
        "profiles/bhxh.toml",
        include_str!("../../../rules/profiles/bhxh.toml"),
    ),
    (
        "profiles/education.toml",
        include_str!("../../../rules/profiles/education.toml"),
    ),
    (
        "profiles/household.toml",
        include_str!("../../../rules/profiles/household.toml"),
    ),
];

/// Parses one TOML rules file; the error names file, line, column and key.
pub fn parse_toml<T: serde::de::DeserializeOwned>(path: &str, text: &str) -> Result<T> {
    toml::from_str(text).map_err(|e| {
        let (line, col) = e.span().map(|s| line_col(text, s.start)).unwrap_or((0, 0));
        let src = text
            .lines()
            .nth(line.saturating_sub(1))
            .unwrap_or("")
            .trim();
        let at = if src.is_empty() {
            String::new()
        } else {
            format!(" (at `{src}`)")
        };
        Error::Config(format!(
            "{path}:{line}:{col}: lỗi tệp quy tắc / rules file error: {}{at}",
            e.message().trim_end()
        ))
    })
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let col = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line, col)
}

impl RuleData {
    /// The record reader's bounds from `[limits]`.
    pub fn reader_limits(&self) -> lamsach_io::input::Limits {
        lamsach_io::input::Limits {
            max_record_bytes: self.limits.max_record_bytes,
            max_quoted_lines: self.limits.max_quoted_lines,
        }
    }

    /// The rule data compiled into the binary (a copy of `rules/`).
    pub fn embedded() -> Result<Self> {
        let files: Vec<(String, String)> = EMBEDDED
            .iter()
            .map(|(n, t)| (format!("rules/{n}"), t.to_string()))
            .collect();
        let reference = (
            "rules/reference.toml".to_string(),
            REFERENCE_TOML.to_string(),
        );
        Self::from_files(&files, &reference)
    }

    /// Loads `settings.toml`, `provinces.toml` and `profiles/*.toml` from a directory.
    pub fn from_dir(dir: &Path) -> Result<Self> {
        let read = |p: PathBuf| -> Result<(String, String)> {
            let text = std::fs::read_to_string(&p).map_err(|source| Error::Open {
                path: p.clone(),
                source,
            })?;
            Ok((p.display().to_string(), text))
        };
        let mut files = vec![
            read(dir.join("settings.toml"))?,
            read(dir.join("provinces.toml"))?,
        ];
        let pdir = dir.join("profiles");
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&pdir)
            .map_err(|source| Error::Open {
                path: pdir.clone(),
                source,
            })?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        entries.sort();
        for p in entries {
            files.push(read(p)?);
        }
        // optional: a rules directory without it uses the built-in one
        let rp = dir.join("reference.toml");
        let hp = dir.join("layout.toml");
        let gp = dir.join("household.toml");
        let household = if gp.exists() {
            let (name, text) = read(gp)?;
            Some(crate::household::HouseholdSettings::parse(&name, &text)?)
        } else {
            None
        };
        let headers = if hp.exists() {
            let (name, text) = read(hp)?;
            Some(HeaderWords::parse(&name, &text)?)
        } else {
            None
        };
        let reference = if rp.exists() {
            read(rp)?
        } else {
            (
                "rules/reference.toml".to_string(),
                REFERENCE_TOML.to_string(),
            )
        };
        let mut data = Self::from_files(&files, &reference)?;
        if let Some(h) = headers {
            data.headers = h;
        }
        if let Some(h) = household {
            data.household = h;
        }
        Ok(data)
    }

    /// `files[0]` is settings, `files[1]` provinces, the rest profiles, as
    /// (name, text) pairs; `reference` is `reference.toml`. All errors are
    /// collected and reported together. Public for the fuzz targets (`fuzz/`).
    pub fn from_files(files: &[(String, String)], reference: &(String, String)) -> Result<Self> {
        if files.len() < 2 {
            return Err(Error::Config(
                "thiếu settings.toml / provinces.toml / settings.toml or provinces.toml missing"
                    .into(),
            ));
        }
        let mut errors = Vec::new();
        let reference = ReferenceSettings::parse(&reference.0, &reference.1)
            .map_err(|e| errors.push(e.to_string()))
            .ok();
        let settings: Option<SettingsFile> = parse_toml(&files[0].0, &files[0].1)
            .map_err(|e| errors.push(e.to_string()))
            .ok();
        let provinces: Option<ProvincesFile> = parse_toml(&files[1].0, &files[1].1)
            .map_err(|e| errors.push(e.to_string()))
            .ok();
        let mut profiles = Vec::new();
        for (path, text) in &files[2..] {
            match parse_toml::<Profile>(path, text) {
                Ok(p) => profiles.push(p),
                Err(e) => errors.push(e.to_string()),
            }
        }
        let (Some(settings), Some(provinces), Some(reference)) = (settings, provinces, reference)
        else {
            return Err(Error::Config(errors.join("\n")));
        };
        if !errors.is_empty() {
            return Err(Error::Config(errors.join("\n")));
        }
        let l = &settings.limits;
        for (key, value, max) in [
            ("max_record_bytes", l.max_record_bytes, MAX_RECORD_BYTES),
            ("max_quoted_lines", l.max_quoted_lines, usize::MAX),
            ("batch_rows", l.batch_rows, MAX_BATCH_ROWS),
        ] {
            if value == 0 || value > max {
                errors.push(format!(
                    "{}: [limits] {key} = {value}: phải từ 1 đến {max} / must be 1 to {max}",
                    files[0].0
                ));
            }
        }
        let mut table = vec![None; 1000];
        for (code, name) in provinces.provinces {
            match code.parse::<usize>() {
                Ok(n) if code.len() == 3 && n < 1000 => table[n] = Some(name),
                _ => errors.push(format!(
                    "{}: mã tỉnh '{code}' phải có 3 chữ số / province code must be 3 digits",
                    files[1].0
                )),
            }
        }
        if !errors.is_empty() {
            return Err(Error::Config(errors.join("\n")));
        }
        let mut school_level_keys = HashMap::new();
        for (i, l) in settings.school_levels.iter().enumerate() {
            school_level_keys.insert(fold(&l.name), i);
            for a in &l.aliases {
                school_level_keys.insert(fold(a), i);
            }
        }
        let folded = |v: &[String]| v.iter().map(|s| fold(s)).collect::<Vec<_>>();
        Ok(RuleData {
            limits: settings.limits,
            max_age_years: settings.person.max_age_years,
            missing_tokens: folded(&settings.id.missing_tokens),
            male: folded(&settings.person.male),
            female: folded(&settings.person.female),
            school_levels: settings.school_levels,
            school_year_starts: settings.school_year_starts.clamp(1, 12),
            group_prefixes: {
                let mut p: Vec<String> = settings
                    .groups
                    .prefixes
                    .iter()
                    .map(|s| {
                        lamsach_text::fold(s)
                            .replace('.', " ")
                            .split_whitespace()
                            .collect::<Vec<_>>()
                            .join(" ")
                    })
                    .filter(|s| !s.is_empty())
                    .collect();
                p.sort_by_key(|s| std::cmp::Reverse(s.split(' ').count()));
                p
            },
            school_level_keys,
            provinces: table,
            profiles,
            reference,
            headers: HeaderWords::embedded()?,
            household: crate::household::HouseholdSettings::embedded()?,
        })
    }

    /// The calendar year the school year running on `today` started in:
    /// a pupil's age is counted from it, so a file checked again in January
    /// gives the same ages as in December.
    pub fn school_year(&self, today: chrono::NaiveDate) -> i32 {
        use chrono::Datelike;
        if today.month() >= self.school_year_starts {
            today.year()
        } else {
            today.year() - 1
        }
    }

    pub fn province(&self, code: usize) -> Option<&str> {
        self.provinces.get(code).and_then(|p| p.as_deref())
    }

    /// True when a value means "no ID" (empty, `0`, `-`, "không có", …).
    pub fn is_missing_token(&self, folded: &str) -> bool {
        self.missing_tokens.iter().any(|t| t == folded)
    }

    pub fn sex_of(&self, folded: &str) -> Option<Sex> {
        if self.male.iter().any(|t| t == folded) {
            Some(Sex::Male)
        } else if self.female.iter().any(|t| t == folded) {
            Some(Sex::Female)
        } else {
            None
        }
    }

    pub fn school_level(&self, value: &str) -> Option<&SchoolLevel> {
        self.school_level_keys
            .get(&fold(value))
            .map(|&i| &self.school_levels[i])
    }

    pub fn profile(&self, name: &str) -> Option<&Profile> {
        self.profiles.iter().find(|p| p.name == name)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang.is_en()) {
            (Sex::Male, false) => "Nam",
            (Sex::Female, false) => "Nữ",
            (Sex::Male, true) => "male",
            (Sex::Female, true) => "female",
        }
    }
}

/// Why a column that names a field is not checked as that field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetAside {
    /// Another column names the same field with more confidence, or as
    /// much and further left (the column checked is given).
    Duplicate(usize),
    /// The profile has no such field.
    NotInProfile,
}

/// How one column of the header was read and used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub header: String,
    pub reading: Reading,
    /// The field the column is checked as; None: not checked.
    pub field: Option<Field>,
    pub set_aside: Option<SetAside>,
}

/// Where the codes of a sex column come from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SexCodesFrom {
    /// Words only ("Nam", "Nữ", "M", "F", …).
    #[default]
    Words,
    /// The profile's `sex_codes`.
    Profile,
    /// The header's hint: "Giới tính (1: Nam; 0: Nữ)".
    Header,
    /// `--sex-codes`.
    Command,
    /// The values: 1, 2 (and 3) are the codes of QĐ 130 (1 = Nam, 2 = Nữ).
    Values,
    /// The values are 0 and 1 and nothing says which is which: they are
    /// counted in one notice instead of a finding on every row.
    Unknown,
}

/// The codes a sex column is written in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SexCodes {
    /// Code → meaning (None: undetermined, or not known).
    pub codes: Vec<(String, Option<Sex>)>,
    pub from: SexCodesFrom,
}

impl SexCodes {
    /// Parses `--sex-codes 1=nam,0=nu` (also `2=nữ`, `3=khac`).
    pub fn parse(spec: &str, data: &RuleData) -> Result<SexCodes> {
        let mut codes = Vec::new();
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (code, meaning) = part.split_once('=').ok_or_else(|| {
                Error::Usage(format!(
                    "--sex-codes: '{part}' cần dạng MÃ=nam|nu|khac / must be CODE=nam|nu|khac, e.g. --sex-codes 1=nam,0=nu"
                ))
            })?;
            let folded = fold(meaning.trim());
            let sex = match data.sex_of(&folded) {
                Some(s) => Some(s),
                None if matches!(folded.as_str(), "khac" | "chua xac dinh" | "other" | "unknown") => None,
                None => {
                    return Err(Error::Usage(format!(
                        "--sex-codes: không hiểu '{meaning}' / cannot read '{meaning}'; dùng / use nam, nu, khac"
                    )))
                }
            };
            codes.push((fold(code.trim()), sex));
        }
        if codes.is_empty() {
            return Err(Error::Usage(
                "--sex-codes: trống / empty; ví dụ / e.g. --sex-codes 1=nam,0=nu".into(),
            ));
        }
        Ok(SexCodes {
            codes,
            from: SexCodesFrom::Command,
        })
    }

    /// The meaning of a folded value, when it is one of the codes.
    pub fn get(&self, folded: &str) -> Option<Option<Sex>> {
        self.codes
            .iter()
            .find(|(c, _)| c == folded)
            .map(|(_, s)| *s)
    }

    /// "1 = Nam, 0 = Nữ" in the given language.
    pub fn describe(&self, lang: Lang) -> String {
        self.codes
            .iter()
            .map(|(c, s)| {
                let m = match s {
                    Some(s) => s.label(lang),
                    None => lang.pick("chưa xác định", "undetermined"),
                };
                format!("{c} = {m}")
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Columns marking the sex with an "X": "Nam" and "Nữ", or "Nữ" alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SexMarks {
    pub male: Option<usize>,
    pub female: usize,
}

/// How a file's header maps to a profile's canonical fields.
#[derive(Debug, Clone)]
pub struct Mapping {
    pub profile: Profile,
    /// Column index of each canonical field, indexed by `Field::index`.
    pub col: [Option<usize>; Field::COUNT],
    /// Header names as in the file.
    pub headers: Vec<String>,
    /// Headers checked as no field (reported, not fatal).
    pub unknown: Vec<String>,
    /// How each column was read, in file order.
    pub columns: Vec<Column>,
    /// The birth date column holds the year only ("Năm sinh").
    pub dob_year_only: bool,
    pub sex_codes: SexCodes,
    pub sex_marks: Option<SexMarks>,
}

impl Mapping {
    pub fn new(profile: &Profile, headers: &[String], words: &HeaderWords) -> Mapping {
        // a header the profile lists (confidence 100), else a header that
        // is a field's own name ("full_name": 98): a profile mapping
        // full_name = ["first_and_surname"] means that column, even beside
        // one headed "full_name"
        let mut alias_to_field: HashMap<String, (Field, u8)> = HashMap::new();
        for f in profile.fields.keys() {
            alias_to_field.insert(header_key(f.name()), (*f, 98));
        }
        for (f, aliases) in &profile.fields {
            for a in aliases {
                alias_to_field.insert(header_key(a), (*f, 100));
            }
        }
        let mut columns: Vec<Column> = headers
            .iter()
            .map(|h| {
                let read = words.read(h);
                let reading = match alias_to_field.get(&header_key(h)) {
                    Some(&(f, confidence)) => {
                        let year_only = matches!(
                            read,
                            Reading::Field {
                                year_only: true,
                                ..
                            }
                        );
                        Reading::Field {
                            field: f,
                            // a date column wins over a year column beside it
                            confidence: if year_only {
                                confidence - 1
                            } else {
                                confidence
                            },
                            year_only,
                        }
                    }
                    None => read,
                };
                Column {
                    header: h.clone(),
                    reading,
                    field: None,
                    set_aside: None,
                }
            })
            .collect();
        // each field to its most confident column, the leftmost on a tie
        let mut best: [Option<(u8, usize)>; Field::COUNT] = [None; Field::COUNT];
        for (i, c) in columns.iter_mut().enumerate() {
            if let Reading::Field {
                field, confidence, ..
            } = c.reading
            {
                if !profile.fields.contains_key(&field) {
                    c.set_aside = Some(SetAside::NotInProfile);
                    continue;
                }
                let b = &mut best[field.index()];
                if b.is_none_or(|(conf, _)| confidence > conf) {
                    *b = Some((confidence, i));
                }
            }
        }
        let mut col = [None; Field::COUNT];
        for f in Field::ALL {
            col[f.index()] = best[f.index()].map(|(_, i)| i);
        }
        for (i, c) in columns.iter_mut().enumerate() {
            if let Reading::Field { field, .. } = c.reading {
                match col[field.index()] {
                    Some(j) if j == i => c.field = Some(field),
                    Some(j) if c.set_aside.is_none() => c.set_aside = Some(SetAside::Duplicate(j)),
                    _ => {}
                }
            }
        }
        let dob_year_only = col[Field::Dob.index()].is_some_and(|i| {
            matches!(
                columns[i].reading,
                Reading::Field {
                    year_only: true,
                    ..
                }
            )
        });
        let sex_marks = if col[Field::Sex.index()].is_none() {
            let mark = |s: Sex| columns.iter().position(|c| c.reading == Reading::Mark(s));
            mark(Sex::Female).map(|female| SexMarks {
                male: mark(Sex::Male),
                female,
            })
        } else {
            None
        };
        let sex_codes = match col[Field::Sex.index()] {
            Some(i) => {
                let stated = crate::header::sex_codes_in_hint(&words.fold(&headers[i]).hint);
                if !stated.is_empty() {
                    SexCodes {
                        codes: stated,
                        from: SexCodesFrom::Header,
                    }
                } else {
                    profile_sex_codes(profile)
                }
            }
            None => SexCodes::default(),
        };
        let unknown = columns
            .iter()
            .filter(|c| {
                c.field.is_none() && (sex_marks.is_none() || !matches!(c.reading, Reading::Mark(_)))
            })
            .map(|c| c.header.clone())
            .collect();
        Mapping {
            profile: profile.clone(),
            col,
            headers: headers.to_vec(),
            unknown,
            columns,
            dob_year_only,
            sex_codes,
            sex_marks,
        }
    }

    /// Sets `field` to the column headed `header` (`--column FIELD=HEADER`);
    /// `header` may also be a 1-based column number or letter (`E`).
    pub(crate) fn set_column(&mut self, field: Field, header: &str) -> Result<()> {
        let key = header_key(header);
        let i = self
            .headers
            .iter()
            .position(|h| h.trim() == header.trim())
            .or_else(|| self.headers.iter().position(|h| header_key(h) == key))
            .or_else(|| column_number(header).filter(|&i| i < self.headers.len()))
            .ok_or_else(|| {
                Error::Usage(format!(
                    "--column {}={header}: không có cột này / no such column; có / columns: {}",
                    field.name(),
                    self.headers
                        .iter()
                        .enumerate()
                        .map(|(i, h)| format!("{} \"{}\"", column_letter(i), h.replace('\n', " ")))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?;
        if let Some(old) = self.col[field.index()] {
            self.columns[old].field = None;
        }
        for f in Field::ALL {
            if self.col[f.index()] == Some(i) {
                self.col[f.index()] = None;
            }
        }
        self.col[field.index()] = Some(i);
        let c = &mut self.columns[i];
        c.field = Some(field);
        c.set_aside = None;
        c.reading = Reading::Field {
            field,
            confidence: 100,
            year_only: field == Field::Dob && self.dob_year_only,
        };
        if field == Field::Sex {
            self.sex_marks = None;
        }
        self.unknown = self
            .columns
            .iter()
            .filter(|c| c.field.is_none())
            .map(|c| c.header.clone())
            .collect();
        Ok(())
    }

    pub fn column(&self, f: Field) -> Option<usize> {
        self.col[f.index()]
    }

    /// True when a column's header names one of `fields`, checked or not
    /// (a field the profile lacks is read but set aside).
    pub fn names_any(&self, fields: &[Field]) -> bool {
        self.columns
            .iter()
            .any(|c| matches!(c.reading, Reading::Field { field, .. } if fields.contains(&field)))
    }

    /// The error for a file without the columns `missing`: the headers it
    /// found, and for each missing field the closest header, if any;
    /// `options` names `--column` and `--header-row` (for an export, whose
    /// commands take them).
    pub fn missing_columns_error(
        &self,
        path: &Path,
        missing: &[Field],
        header_line: u64,
        options: bool,
    ) -> Error {
        let profile = &self.profile;
        let found = self
            .headers
            .iter()
            .filter(|h| !h.trim().is_empty())
            .map(|h| format!("\"{}\"", h.replace('\n', " ")))
            .collect::<Vec<_>>()
            .join(", ");
        let missing = missing
            .iter()
            .map(|f| {
                let aliases = profile
                    .fields
                    .get(f)
                    .map(|a| {
                        a.iter()
                            .take(4)
                            .cloned()
                            .collect::<Vec<_>>()
                            .join("\" / \"")
                    })
                    .unwrap_or_default();
                let guess = self.closest_unchecked(*f).map_or(String::new(), |h| {
                    let h = h.replace('\n', " ");
                    match options {
                        true => format!(
                            " — có phải / did you mean \"{h}\"? (--column {}=\"{h}\")",
                            f.name()
                        ),
                        false => format!(" — có phải / did you mean \"{h}\"?"),
                    }
                });
                format!("{} (\"{aliases}\"){guess}", f.name())
            })
            .collect::<Vec<_>>()
            .join("; ");
        Error::MissingColumns {
            path: path.to_path_buf(),
            profile: profile.name.clone(),
            missing: if options {
                format!(
                    "{missing}. Dòng tiêu đề {header_line} / header on line {header_line}: {found}. \
                     Chỉ ra cột bằng --column TRƯỜNG=\"tiêu đề\", dòng tiêu đề bằng --header-row N \
                     (xem: lamsach columns TỆP) / give columns with --column FIELD=\"header\", \
                     the header's line with --header-row N (see: lamsach columns FILE)"
                )
            } else {
                format!(
                    "{missing}. Dòng tiêu đề {header_line} / header on line {header_line}: {found}. \
                     Đổi tên cột, hoặc thêm tên này vào [fields] của reference.toml trong thư mục --rules \
                     / rename the column, or add this header to [fields] of reference.toml in a --rules directory"
                )
            },
        }
    }

    /// The unchecked header most like one of `f`'s aliases (Jaro-Winkler
    /// on the folded text, at least 0.8).
    fn closest_unchecked(&self, f: Field) -> Option<&str> {
        let aliases = self.profile.fields.get(&f)?;
        self.columns
            .iter()
            .filter(|c| c.field.is_none() && !c.header.trim().is_empty())
            .map(|c| {
                let h = fold(&c.header);
                let score = aliases
                    .iter()
                    .map(|a| strsim::jaro_winkler(&h, &fold(a)))
                    .fold(0.0f64, f64::max);
                (score, c.header.as_str())
            })
            .filter(|(s, _)| *s >= 0.8)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, h)| h)
    }

    /// Needed columns the file lacks: it is refused without them.
    pub(crate) fn missing_needed(&self) -> Vec<Field> {
        self.profile
            .needed
            .iter()
            .copied()
            .filter(|f| self.column(*f).is_none())
            .filter(|f| !(*f == Field::Sex && self.sex_marks.is_some()))
            .collect()
    }

    /// Fields the profile requires filled whose column the file lacks: not
    /// checked, and said so in the summary.
    pub fn missing_required(&self) -> Vec<Field> {
        self.profile
            .required
            .iter()
            .copied()
            .filter(|f| self.column(*f).is_none())
            .filter(|f| !(*f == Field::Sex && self.sex_marks.is_some()))
            .collect()
    }

    /// Score for profile detection: matched fields, with the profile's
    /// signature fields and required fields weighing more.
    pub fn score(&self) -> i64 {
        let matched = Field::ALL
            .iter()
            .filter(|f| self.column(**f).is_some())
            .count() as i64;
        let sig = self
            .profile
            .signature
            .iter()
            .filter(|f| self.column(**f).is_some())
            .count() as i64;
        matched + 10 * sig - 3 * self.missing_required().len() as i64
    }
}

fn profile_sex_codes(profile: &Profile) -> SexCodes {
    if profile.sex_codes.is_empty() {
        return SexCodes::default();
    }
    let codes = profile
        .sex_codes
        .iter()
        .map(|(c, m)| {
            let m = fold(m);
            let sex = match m.as_str() {
                "nam" | "male" => Some(Sex::Male),
                "nu" | "female" => Some(Sex::Female),
                _ => None,
            };
            (fold(c), sex)
        })
        .collect();
    SexCodes {
        codes,
        from: SexCodesFrom::Profile,
    }
}

/// "E" → 4, "12" → 11: a column given by letter or 1-based number.
fn column_number(s: &str) -> Option<usize> {
    let s = s.trim();
    if let Ok(n) = s.parse::<usize>() {
        return n.checked_sub(1);
    }
    if s.is_empty() || s.len() > 3 || !s.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let n = s.bytes().fold(0usize, |n, b| {
        n * 26 + (b.to_ascii_uppercase() - b'A' + 1) as usize
    });
    n.checked_sub(1)
}

/// 0 → "A", 26 → "AA": a column as a spreadsheet names it.
pub fn column_letter(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// Picks the profile whose aliases best match the header. `None` when no
/// profile has any of its signature columns.
pub fn detect<'a>(data: &'a RuleData, headers: &[String]) -> Option<&'a Profile> {
    data.profiles
        .iter()
        .map(|p| (Mapping::new(p, headers, &data.headers), p))
        .filter(|(m, p)| p.signature.iter().any(|f| m.column(*f).is_some()))
        .filter(|(m, p)| !m.names_any(&p.not_with))
        .max_by_key(|(m, _)| m.score())
        .map(|(_, p)| p)
}

// ------------------------------------------- the population extract

/// `rules/reference.toml` as compiled into the binary.
pub const REFERENCE_TOML: &str = include_str!("../../../rules/reference.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReferenceFile {
    name: String,
    label_vi: String,
    label_en: String,
    required: Vec<Field>,
    fields: BTreeMap<Field, Vec<String>>,
    matching: Matching,
}

/// The reference file's column mapping and the matching thresholds.
#[derive(Debug, Clone)]
pub struct ReferenceSettings {
    /// Header aliases of the reference file, as a profile (so the export
    /// header matching code is reused); never used to check an export.
    pub profile: Profile,
    pub matching: Matching,
}

impl ReferenceSettings {
    /// Parses `rules/reference.toml`; errors name the file, line, column and key.
    pub fn parse(path: &str, text: &str) -> Result<ReferenceSettings> {
        let f: ReferenceFile = parse_toml(path, text)?;
        let m = &f.matching;
        let mut errors = Vec::new();
        if !(0.0..=1.0).contains(&m.typo_min_jaro_winkler) {
            errors.push(
                "matching.typo_min_jaro_winkler phải trong khoảng 0..1 / must be within 0..1",
            );
        }
        if m.near_days < 0 {
            errors.push("matching.near_days không được âm / must not be negative");
        }
        for req in [Field::Id, Field::FullName, Field::Dob, Field::Sex] {
            if !f.fields.contains_key(&req) {
                errors.push(
                    "[fields] cần id, full_name, dob, sex / must map id, full_name, dob and sex",
                );
                break;
            }
        }
        if !errors.is_empty() {
            return Err(Error::Config(format!(
                "{path}: lỗi tệp quy tắc / rules file error: {}",
                errors.join("; ")
            )));
        }
        Ok(ReferenceSettings {
            profile: Profile {
                name: f.name,
                label_vi: f.label_vi,
                label_en: f.label_en,
                group_by: Field::Id,
                group_by_else: Vec::new(),
                needed: f.required.clone(),
                required: f.required,
                event_key: Vec::new(),
                signature: Vec::new(),
                not_with: Vec::new(),
                id_digits: Vec::new(),
                sex_codes: BTreeMap::new(),
                fields: f.fields,
                dedupe: None,
            },
            matching: f.matching,
        })
    }

    pub fn embedded() -> Result<ReferenceSettings> {
        ReferenceSettings::parse("rules/reference.toml", REFERENCE_TOML)
    }
}

/// Thresholds from `[matching]` in `rules/reference.toml`.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Matching {
    pub typo_max_edits: usize,
    pub typo_long_word: usize,
    pub typo_min_jaro_winkler: f64,
    pub near_days: i64,
    pub active_record_profiles: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn embedded_rules_load() {
        let d = RuleData::embedded().unwrap();
        assert_eq!(d.profiles.len(), 4);
        assert_eq!(d.province(1), Some("Hà Nội"));
        assert_eq!(d.province(3), None);
        assert!(d.is_missing_token(&fold("Không có")));
        assert_eq!(d.sex_of("nu"), Some(Sex::Female));
    }

    #[test]
    fn detects_profiles_from_headers() {
        let d = RuleData::embedded().unwrap();
        let v = h(&[
            "Họ tên",
            "NGAY SINH",
            "Giới tính",
            "Số CCCD",
            "Vắc xin",
            "Mũi",
            "Ngày tiêm",
        ]);
        assert_eq!(detect(&d, &v).unwrap().name, "vaccination");
        let b = h(&[
            "Ho ten",
            "Ngay sinh",
            "Gioi tinh",
            "Ma so BHXH",
            "So the BHYT",
        ]);
        assert_eq!(detect(&d, &b).unwrap().name, "bhxh");
        let e = h(&["Họ và tên", "Ngày sinh", "Trường", "Cấp học", "Lớp"]);
        assert_eq!(detect(&d, &e).unwrap().name, "education");
        assert!(detect(&d, &h(&["a", "b"])).is_none());
        // a residence extract is a household list; a BHYT household
        // declaration (with the BHXH code) stays a BHXH file
        let r = h(&[
            "Mã hộ gia đình",
            "Họ tên chủ hộ",
            "Họ và tên",
            "Ngày sinh",
            "Giới tính",
            "Số định danh cá nhân",
            "Quan hệ với chủ hộ",
            "Xã",
        ]);
        assert_eq!(detect(&d, &r).unwrap().name, "household");
        let m = Mapping::new(detect(&d, &r).unwrap(), &r, &d.headers);
        assert_eq!(m.column(Field::HouseholdCode), Some(0));
        assert_eq!(m.column(Field::HeadName), Some(1));
        assert_eq!(m.column(Field::FullName), Some(2));
        assert_eq!(m.column(Field::RelationToHead), Some(6));
        let machine = h(&[
            "MA_HO_GD",
            "HOTEN_CHUHO",
            "SoCCCD_CH",
            "HO_TEN",
            "NGAY_SINH",
            "SO_CCCD",
            "QUAN_HE_CHU_HO",
        ]);
        let p = detect(&d, &machine).unwrap();
        assert_eq!(p.name, "household");
        let m = Mapping::new(p, &machine, &d.headers);
        assert_eq!(m.column(Field::HouseholdCode), Some(0));
        assert_eq!(m.column(Field::HeadName), Some(1));
        assert_eq!(m.column(Field::HeadId), Some(2));
        assert_eq!(m.column(Field::Id), Some(5));
        assert_eq!(m.column(Field::RelationToHead), Some(6));
        let tk1 = h(&[
            "Họ và tên",
            "Mã số BHXH",
            "Ngày sinh",
            "Giới tính",
            "Mã hộ gia đình",
            "Mối quan hệ với chủ hộ",
            "Số CCCD/ĐDCN/Hộ chiếu",
        ]);
        let p = detect(&d, &tk1).unwrap();
        assert_eq!(p.name, "bhxh");
        let m = Mapping::new(p, &tk1, &d.headers);
        assert_eq!(m.column(Field::HouseholdCode), Some(4));
        assert_eq!(m.column(Field::RelationToHead), Some(5));
    }

    #[test]
    fn mapping_reports_unknown_and_missing() {
        let d = RuleData::embedded().unwrap();
        let p = d.profile("vaccination").unwrap();
        let m = Mapping::new(p, &h(&["Họ tên", "ghi chú", "Ngày sinh"]), &d.headers);
        assert_eq!(m.column(Field::FullName), Some(0));
        assert_eq!(m.unknown, vec!["ghi chú".to_string()]);
        assert!(m.missing_required().contains(&Field::Id));
    }

    /// A header the profile lists beats a header that is only the field's
    /// own name, even to its left; without the listed one, the name maps.
    #[test]
    fn a_listed_header_beats_the_fields_own_name() {
        let d = RuleData::embedded().unwrap();
        let mut p = d.profile("vaccination").unwrap().clone();
        p.fields
            .insert(Field::FullName, vec!["first_and_surname".to_string()]);
        let both = h(&["full_name", "first_and_surname", "dob"]);
        assert_eq!(
            Mapping::new(&p, &both, &d.headers).column(Field::FullName),
            Some(1)
        );
        let name_only = h(&["full_name", "dob"]);
        assert_eq!(
            Mapping::new(&p, &name_only, &d.headers).column(Field::FullName),
            Some(0)
        );
    }

    #[test]
    fn rules_file_error_names_line_and_key() {
        let err = parse_toml::<Profile>("x.toml", "name = \"a\"\nbogus = 1\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("x.toml:2:1:"), "{err}");
        assert!(err.contains("bogus"), "{err}");
    }
}
