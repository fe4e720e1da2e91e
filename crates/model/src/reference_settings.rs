//! The population extract's settings, `rules/reference.toml`: the header
//! aliases of the extract and the matching thresholds of the `REF` rules.

use crate::profile::{parse_toml, Field, Profile};
use lamsach_io::error::{Error, Result};
use serde::Deserialize;
use std::collections::BTreeMap;

/// `rules/reference.toml` as compiled into the binary.
pub const EMBEDDED: &str = include_str!("../../../rules/reference.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsFile {
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
        let f: SettingsFile = parse_toml(path, text)?;
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
        ReferenceSettings::parse("rules/reference.toml", EMBEDDED)
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
