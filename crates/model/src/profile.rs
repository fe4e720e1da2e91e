//! Profiles and settings, loaded from `rules/` (embedded in the binary, or a
//! directory given with `--rules`). Typed with `deny_unknown_fields`: a typo
//! in a rules file is an error naming the file, line, column and key.

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
}

impl Field {
    pub const ALL: [Field; 21] = [
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
    pub required: Vec<Field>,
    pub event_key: Vec<Field>,
    #[serde(default)]
    pub signature: Vec<Field>,
    pub fields: BTreeMap<Field, Vec<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    pub max_record_bytes: usize,
    pub max_quoted_lines: usize,
    pub batch_rows: usize,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdSettings {
    pub missing_tokens: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonSettings {
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
    limits: Limits,
    id: IdSettings,
    person: PersonSettings,
    school_levels: Vec<SchoolLevel>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProvincesFile {
    provinces: BTreeMap<String, String>,
}

/// Upper bound of `[limits] batch_rows`: each batch preallocates
/// `batch_rows * 128` bytes, and several batches are in flight.
pub const MAX_BATCH_ROWS: usize = 1_000_000;
/// Upper bound of `[limits] max_record_bytes` (1 GiB): a record is held whole.
pub const MAX_RECORD_BYTES: usize = 1 << 30;

/// Everything loaded from `rules/`, with lookup tables prepared.
#[derive(Debug, Clone)]
pub struct RuleData {
    pub limits: Limits,
    pub max_age_years: i32,
    pub profiles: Vec<Profile>,
    /// Indexed by the 3-digit code as a number (0..1000).
    provinces: Vec<Option<String>>,
    missing_tokens: Vec<String>,
    male: Vec<String>,
    female: Vec<String>,
    pub school_levels: Vec<SchoolLevel>,
    school_level_keys: HashMap<String, usize>,
    /// `reference.toml`: the population reference's columns and matching thresholds.
    pub reference: ReferenceSettings,
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
        let reference = if rp.exists() {
            read(rp)?
        } else {
            (
                "rules/reference.toml".to_string(),
                REFERENCE_TOML.to_string(),
            )
        };
        Self::from_files(&files, &reference)
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
            school_level_keys,
            provinces: table,
            profiles,
            reference,
        })
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

/// How a file's header maps to a profile's canonical fields.
#[derive(Debug, Clone)]
pub struct Mapping {
    pub profile: Profile,
    /// Column index of each canonical field, indexed by `Field::index`.
    pub col: [Option<usize>; Field::COUNT],
    /// Header names as in the file.
    pub headers: Vec<String>,
    /// Headers that matched no alias (reported, not fatal).
    pub unknown: Vec<String>,
}

impl Mapping {
    pub fn new(profile: &Profile, headers: &[String]) -> Mapping {
        let mut alias_to_field: HashMap<String, Field> = HashMap::new();
        for (f, aliases) in &profile.fields {
            alias_to_field.insert(header_key(f.name()), *f);
            for a in aliases {
                alias_to_field.insert(header_key(a), *f);
            }
        }
        let mut col = [None; Field::COUNT];
        let mut unknown = Vec::new();
        for (i, h) in headers.iter().enumerate() {
            match alias_to_field.get(&header_key(h)) {
                Some(f) if col[f.index()].is_none() => col[f.index()] = Some(i),
                _ => unknown.push(h.clone()),
            }
        }
        Mapping {
            profile: profile.clone(),
            col,
            headers: headers.to_vec(),
            unknown,
        }
    }

    pub fn column(&self, f: Field) -> Option<usize> {
        self.col[f.index()]
    }

    /// The error for a file without the columns `missing`, naming each
    /// field with the header aliases it accepts.
    pub fn missing_columns_error(&self, path: &Path, missing: &[Field]) -> Error {
        let profile = &self.profile;
        Error::MissingColumns {
            path: path.to_path_buf(),
            profile: profile.name.clone(),
            missing: missing
                .iter()
                .map(|f| {
                    let aliases = profile
                        .fields
                        .get(f)
                        .map(|a| a.join("\" / \""))
                        .unwrap_or_default();
                    format!("{} (\"{aliases}\")", f.name())
                })
                .collect::<Vec<_>>()
                .join("; "),
        }
    }

    pub fn missing_required(&self) -> Vec<Field> {
        self.profile
            .required
            .iter()
            .copied()
            .filter(|f| self.column(*f).is_none())
            .collect()
    }

    /// Score for profile detection: matched fields, with the profile's
    /// signature fields and required fields weighing more.
    fn score(&self) -> i64 {
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

/// Picks the profile whose aliases best match the header. `None` when no
/// profile has any of its signature columns.
pub fn detect<'a>(data: &'a RuleData, headers: &[String]) -> Option<&'a Profile> {
    data.profiles
        .iter()
        .map(|p| (Mapping::new(p, headers), p))
        .filter(|(m, p)| p.signature.iter().any(|f| m.column(*f).is_some()))
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
                required: f.required,
                event_key: Vec::new(),
                signature: Vec::new(),
                fields: f.fields,
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
        assert_eq!(d.profiles.len(), 3);
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
    }

    #[test]
    fn mapping_reports_unknown_and_missing() {
        let d = RuleData::embedded().unwrap();
        let p = d.profile("vaccination").unwrap();
        let m = Mapping::new(p, &h(&["Họ tên", "ghi chú", "Ngày sinh"]));
        assert_eq!(m.column(Field::FullName), Some(0));
        assert_eq!(m.unknown, vec!["ghi chú".to_string()]);
        assert!(m.missing_required().contains(&Field::Id));
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
