//! `rules/household.toml`: how the relationship-to-head column is read, and
//! the settings of the household rules.

use crate::profile::parse_toml;
use lamsach_io::error::{Error, Result};
use lamsach_text::fold;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

/// `rules/household.toml` as compiled into the binary.
pub const HOUSEHOLD_TOML: &str = include_str!("../../../rules/household.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct HouseholdFile {
    head_min_age: i32,
    relations: Relations,
    #[serde(default)]
    codes: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Relations {
    head: Vec<String>,
    member: Vec<String>,
}

/// What a relationship-to-head value says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// The row is the head's own.
    Head,
    /// Another member of the household.
    Member,
}

/// The household settings, with the relationship words folded for lookup.
#[derive(Debug, Clone)]
pub struct HouseholdSettings {
    /// See `head_min_age` in `rules/household.toml`.
    pub head_min_age: i32,
    /// Folded word or code → relation.
    relations: HashMap<String, Relation>,
}

impl HouseholdSettings {
    /// Parses `household.toml`; errors name the file, line, column and key.
    pub fn parse(path: &str, text: &str) -> Result<HouseholdSettings> {
        let f: HouseholdFile = parse_toml(path, text)?;
        let mut relations = HashMap::new();
        for w in &f.relations.member {
            relations.insert(fold(w), Relation::Member);
        }
        // a word in both lists is the head's
        for w in &f.relations.head {
            relations.insert(fold(w), Relation::Head);
        }
        let mut errors = Vec::new();
        for (code, word) in &f.codes {
            match relations.get(&fold(word)).copied() {
                Some(r) => {
                    relations.insert(fold(code), r);
                }
                None => errors.push(format!(
                    "[codes] {code} = \"{word}\": không có trong [relations] / not a word of [relations]"
                )),
            }
        }
        if !(0..=150).contains(&f.head_min_age) {
            errors.push("head_min_age phải từ 0 đến 150 / must be 0 to 150".into());
        }
        if !errors.is_empty() {
            return Err(Error::Config(format!(
                "{path}: lỗi tệp quy tắc / rules file error: {}",
                errors.join("; ")
            )));
        }
        Ok(HouseholdSettings {
            head_min_age: f.head_min_age,
            relations,
        })
    }

    pub fn embedded() -> Result<HouseholdSettings> {
        HouseholdSettings::parse("rules/household.toml", HOUSEHOLD_TOML)
    }

    /// The relation a folded value names; None when not recognised.
    pub fn relation(&self, folded: &str) -> Option<Relation> {
        self.relations.get(folded).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_codes() {
        let h = HouseholdSettings::embedded().unwrap();
        assert_eq!(h.relation(&fold("Chủ hộ")), Some(Relation::Head));
        assert_eq!(h.relation(&fold("CHU HO")), Some(Relation::Head));
        assert_eq!(h.relation(&fold("Vợ")), Some(Relation::Member));
        assert_eq!(h.relation(&fold("cháu ngoại")), Some(Relation::Member));
        assert_eq!(h.relation(&fold("bạn")), None);
        assert_eq!(h.head_min_age, 18);
        let text = "head_min_age = 16\n[relations]\nhead = [\"chủ hộ\"]\nmember = [\"vợ\"]\n[codes]\n\"1\" = \"chủ hộ\"\n\"2\" = \"vợ\"\n";
        let c = HouseholdSettings::parse("h.toml", text).unwrap();
        assert_eq!(c.relation("1"), Some(Relation::Head));
        assert_eq!(c.relation("2"), Some(Relation::Member));
        assert_eq!(c.head_min_age, 16);
    }

    #[test]
    fn errors_name_the_file_and_key() {
        let bad = "head_min_age = 18\n[relations]\nhead = []\nmember = []\n[codes]\n\"9\" = \"hàng xóm\"\n";
        let e = HouseholdSettings::parse("h.toml", bad)
            .unwrap_err()
            .to_string();
        assert!(e.contains("h.toml") && e.contains("[codes] 9"), "{e}");
        let e = HouseholdSettings::parse("h.toml", "head_min_age = 18\nbogus = 1\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("h.toml:2:1") || e.contains("h.toml:"), "{e}");
    }
}
