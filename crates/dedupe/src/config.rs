//! `rules/dedupe.toml`: blocks, weights and thresholds, typed with
//! `deny_unknown_fields` and loaded like the profiles.

use lamsach_io::error::{Error, Result};
use lamsach_model::profile::parse_toml;
use serde::Deserialize;
use std::path::Path;

pub const EMBEDDED: &str = include_str!("../../../rules/dedupe.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DedupeSettings {
    pub max_block: usize,
    /// Sorted-neighbourhood window: in a block with a `sort` key, each
    /// record is compared with the next `window - 1` records in sort order.
    pub window: usize,
    pub check_max_bytes: u64,
    pub threshold: f32,
    /// Learn the weights and the threshold from the file (see `learn.rs`);
    /// the weights below start the learning and stay for small files.
    #[serde(default)]
    pub learn: bool,
    pub blocks: Vec<BlockDef>,
    pub weights: Weights,
    pub event: EventCfg,
    /// Parsed `blocks[].keys`, filled by [`DedupeSettings::parse`].
    #[serde(skip)]
    pub parts: Vec<Vec<KeyPart>>,
    /// Parsed `blocks[].sort`, filled by [`DedupeSettings::parse`].
    #[serde(skip)]
    pub sorts: Vec<Option<KeyPart>>,
    /// Keep every compared pair (`dedupe --pairs`), to measure what the
    /// blocks let meet; not a setting of the file.
    #[serde(skip)]
    pub keep_pairs: bool,
    /// Name-count files of the whole file this one is a shard of
    /// (`dedupe --name-counts`, see `counts.rs`); not a setting of the file.
    #[serde(skip)]
    pub name_counts: Vec<std::path::PathBuf>,
    /// The file as read, for [`DedupeSettings::for_profile`].
    #[serde(skip)]
    source: toml::Table,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockDef {
    pub name: String,
    pub keys: Vec<String>,
    /// Optional key part that orders a block larger than `window` for the
    /// sorted-neighbourhood comparison (see `rules/dedupe.toml`).
    #[serde(default)]
    pub sort: Option<String>,
    /// This block's sorted-neighbourhood window, when not the file's.
    #[serde(default)]
    pub window: Option<usize>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Weights {
    pub name: NameW,
    pub dob: DobW,
    pub sex: AgreeW,
    pub id: IdW,
    pub phone: AgreeW,
    pub commune: AgreeW,
    pub address: AgreeW,
    pub vaccine: AgreeW,
    pub events: EventsW,
    #[serde(default)]
    pub postcode: AgreeW,
    #[serde(default)]
    pub email: AgreeW,
    /// Free text (`text`: an occupation, a title); unset, it weighs nothing.
    #[serde(default)]
    pub text: AgreeW,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventsW {
    pub same: f32,
    pub conflict: f32,
    pub disjoint: f32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NameW {
    pub exact: f32,
    pub folded: f32,
    pub accent_differs: f32,
    pub partial: f32,
    pub typo: f32,
    pub given_differs: f32,
    pub differ: f32,
    pub frequent_penalty: f32,
    pub frequent_max: f32,
    /// Weight of two names alike letter by letter (several typos, words in
    /// another order); unset, such names are not told apart from `differ`.
    #[serde(default)]
    pub similar: Option<f32>,
    /// No word of one name related to a word of the other; unset, such
    /// names weigh `differ`.
    #[serde(default)]
    pub unrelated: Option<f32>,
    /// Set by learning, not in the file: how many records share the average
    /// agreeing name. An exact name weighs `exact - log2(count / this)`.
    #[serde(skip)]
    pub learned_count: Option<f32>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DobW {
    pub exact: f32,
    pub swapped: f32,
    pub near: f32,
    pub year_off: f32,
    pub year_only: f32,
    pub differ: f32,
    /// Set by learning, not in the file: how many records share the average
    /// agreeing birth date. An exact date weighs `exact - log2(count / this)`
    /// (1 January of a year, a placeholder, is shared by many).
    #[serde(skip)]
    pub learned_count: Option<f32>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdW {
    pub same: f32,
    pub near: f32,
    pub differ: f32,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgreeW {
    pub agree: f32,
    pub differ: f32,
    /// Weight of two texts a typo or a space apart; unset, they `differ`.
    #[serde(default)]
    pub close: Option<f32>,
    /// With learned weights: the records sharing the average agreeing value
    /// (n·u); an agreeing value's weight is moved by how much commoner or
    /// rarer it is. Not a setting of the file.
    #[serde(skip)]
    pub learned_count: Option<f32>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventCfg {
    pub max_days: i64,
}

/// One part of a block key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyPart {
    Dob,
    DobUnordered,
    BirthYear,
    DayMonth,
    GivenName,
    FamilyName,
    FullName,
    Id,
    IdPrefix(usize),
    IdSuffix(usize),
    Phone,
    Sex,
    Commune,
    District,
    Postcode,
    Email,
    /// The folded name's words in sorted order: the same words in another
    /// order meet ("nguyen van an" / "an nguyen van").
    SortedName,
    /// The first letter of each folded word, in order: both name words
    /// mistyped past their first letter still meet.
    Initials,
    /// The folded name without vowels, spaces or doubled letters: vowel
    /// typos and split or joined words meet ("katelyn" / "katel yn").
    NameSkeleton,
}

impl KeyPart {
    fn parse(s: &str) -> Option<KeyPart> {
        let (head, n) = match s.split_once(':') {
            Some((h, n)) => (
                h,
                Some(
                    n.trim()
                        .parse::<usize>()
                        .ok()
                        .filter(|n| (1..=12).contains(n))?,
                ),
            ),
            None => (s, None),
        };
        Some(match (head.trim(), n) {
            ("dob", None) => KeyPart::Dob,
            ("dob_unordered", None) => KeyPart::DobUnordered,
            ("birth_year", None) => KeyPart::BirthYear,
            ("day_month", None) => KeyPart::DayMonth,
            ("given_name", None) => KeyPart::GivenName,
            ("family_name", None) => KeyPart::FamilyName,
            ("full_name", None) => KeyPart::FullName,
            ("id", None) => KeyPart::Id,
            ("id_prefix", Some(n)) => KeyPart::IdPrefix(n),
            ("id_suffix", Some(n)) => KeyPart::IdSuffix(n),
            ("phone", None) => KeyPart::Phone,
            ("sex", None) => KeyPart::Sex,
            ("commune", None) => KeyPart::Commune,
            ("district", None) => KeyPart::District,
            ("postcode", None) => KeyPart::Postcode,
            ("email", None) => KeyPart::Email,
            ("sorted_name", None) => KeyPart::SortedName,
            ("initials", None) => KeyPart::Initials,
            ("name_skeleton", None) => KeyPart::NameSkeleton,
            _ => return None,
        })
    }
}

impl DedupeSettings {
    /// The copy compiled into the binary.
    pub fn embedded() -> Result<DedupeSettings> {
        Self::parse("rules/dedupe.toml", EMBEDDED)
    }

    /// `DIR/dedupe.toml` when a rules directory is given and holds one;
    /// otherwise the embedded copy.
    pub fn load(dir: Option<&Path>) -> Result<DedupeSettings> {
        match dir.map(|d| d.join("dedupe.toml")) {
            Some(p) if p.exists() => {
                let text = std::fs::read_to_string(&p).map_err(|source| Error::Open {
                    path: p.clone(),
                    source,
                })?;
                Self::parse(&p.display().to_string(), &text)
            }
            _ => Self::embedded(),
        }
    }

    /// Parses and validates; all errors are reported together.
    pub fn parse(path: &str, text: &str) -> Result<DedupeSettings> {
        let mut c: DedupeSettings = parse_toml(path, text)?;
        c.source = parse_toml(path, text)?;
        let mut errors = Vec::new();
        if c.blocks.is_empty() {
            errors.push(format!(
                "{path}: cần ít nhất một [[blocks]] / at least one [[blocks]] is needed"
            ));
        }
        if c.max_block < 2 {
            errors.push(format!(
                "{path}: max_block phải ≥ 2 / max_block must be at least 2"
            ));
        }
        if c.window < 2 {
            errors.push(format!(
                "{path}: window phải ≥ 2 / window must be at least 2"
            ));
        }
        if c.blocks.len() > 32 {
            errors.push(format!("{path}: tối đa 32 khối / at most 32 blocks"));
        }
        for b in &c.blocks {
            let mut parts = Vec::new();
            if b.keys.is_empty() {
                errors.push(format!(
                    "{path}: khối '{}' không có khóa / block '{}' has no keys",
                    b.name, b.name
                ));
            }
            for k in &b.keys {
                match KeyPart::parse(k) {
                    Some(p) => parts.push(p),
                    None => errors.push(format!(
                        "{path}: khối '{}': không biết khóa '{k}' / block '{}': unknown key part '{k}'",
                        b.name, b.name
                    )),
                }
            }
            c.parts.push(parts);
            let sort = b.sort.as_deref().and_then(|k| {
                let part = KeyPart::parse(k);
                if part.is_none() {
                    errors.push(format!(
                        "{path}: khối '{}': không biết khóa sắp xếp '{k}' / block '{}': unknown sort key '{k}'",
                        b.name, b.name
                    ));
                }
                part
            });
            c.sorts.push(sort);
            if b.window.is_some_and(|w| w < 2) {
                errors.push(format!(
                    "{path}: khối '{}': window phải ≥ 2 / block '{}': window must be at least 2",
                    b.name, b.name
                ));
            }
        }
        if errors.is_empty() {
            Ok(c)
        } else {
            Err(Error::Config(errors.join("\n")))
        }
    }

    /// These settings with a profile's own `[dedupe]` table over them: each
    /// key it names replaces this file's (`blocks` as a whole), each
    /// `[dedupe.weights.FIELD]` key the one of that field, and
    /// `[[dedupe.more_blocks]]` are added after this file's blocks.
    pub fn for_profile(
        &self,
        profile: &str,
        table: Option<&toml::Table>,
    ) -> Result<DedupeSettings> {
        let Some(table) = table else {
            return Ok(self.clone());
        };
        let mut merged = self.source.clone();
        for (key, value) in table {
            match (key.as_str(), value, merged.get_mut(key)) {
                ("weights", toml::Value::Table(fields), Some(toml::Value::Table(ours))) => {
                    for (field, v) in fields {
                        match (v, ours.get_mut(field)) {
                            (toml::Value::Table(levels), Some(toml::Value::Table(o))) => {
                                for (l, x) in levels {
                                    o.insert(l.clone(), x.clone());
                                }
                            }
                            _ => {
                                ours.insert(field.clone(), v.clone());
                            }
                        }
                    }
                }
                ("more_blocks", toml::Value::Array(more), _) => {
                    if let Some(toml::Value::Array(blocks)) = merged.get_mut("blocks") {
                        blocks.extend(more.iter().cloned());
                    }
                }
                // blocks of these names, where the file has them (a copy of
                // the rules made before a block was added has not)
                ("without_blocks", toml::Value::Array(names), _) => {
                    if let Some(toml::Value::Array(blocks)) = merged.get_mut("blocks") {
                        blocks.retain(|b| {
                            let name = b.get("name").and_then(toml::Value::as_str);
                            !names.iter().any(|n| n.as_str() == name)
                        });
                    }
                }
                _ => {
                    merged.insert(key.clone(), value.clone());
                }
            }
        }
        let path = format!("profile '{profile}' [dedupe]");
        let text = toml::to_string(&merged).map_err(|e| Error::Config(format!("{path}: {e}")))?;
        let mut c = Self::parse(&path, &text)?;
        c.keep_pairs = self.keep_pairs;
        c.name_counts = self.name_counts.clone();
        Ok(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profile_overlays_keys_weights_and_adds_blocks() {
        let base = DedupeSettings::embedded().unwrap();
        let table: toml::Table = toml::from_str(
            r#"
learn = false
threshold = 12.5
[weights.name]
exact = 9.0
[[more_blocks]]
name = "postcode_year"
keys = ["postcode", "birth_year"]
"#,
        )
        .unwrap();
        let c = base.for_profile("p", Some(&table)).unwrap();
        assert!(!c.learn && base.learn);
        assert_eq!(c.threshold, 12.5);
        assert_eq!(c.weights.name.exact, 9.0);
        // the other name weights are the file's
        assert_eq!(c.weights.name.typo, base.weights.name.typo);
        assert_eq!(c.blocks.len(), base.blocks.len() + 1);
        assert_eq!(
            c.parts.last().unwrap(),
            &vec![KeyPart::Postcode, KeyPart::BirthYear]
        );
        // no table: the file's settings
        assert_eq!(
            base.for_profile("p", None).unwrap().blocks.len(),
            base.blocks.len()
        );
        // blocks of the file left out by name, a name the file lacks ignored
        let without: toml::Table =
            toml::from_str(r#"without_blocks = ["email", "postcode", "not_here"]"#).unwrap();
        let c = base.for_profile("p", Some(&without)).unwrap();
        assert_eq!(c.blocks.len(), base.blocks.len() - 2);
        assert!(c
            .blocks
            .iter()
            .all(|b| b.name != "email" && b.name != "postcode"));
        // a wrong key is an error naming the profile
        let bad: toml::Table = toml::from_str("lern = true").unwrap();
        let e = base.for_profile("p", Some(&bad)).unwrap_err().to_string();
        assert!(
            e.contains("profile 'p' [dedupe]") && e.contains("lern"),
            "{e}"
        );
    }

    #[test]
    fn embedded_loads() {
        let c = DedupeSettings::embedded().unwrap();
        assert!(c.blocks.len() >= 3);
        assert_eq!(c.parts[0], vec![KeyPart::DobUnordered, KeyPart::FamilyName]);
        assert!(c
            .parts
            .iter()
            .flatten()
            .any(|p| matches!(p, KeyPart::IdPrefix(9))));
    }

    #[test]
    fn errors_name_file_and_key() {
        let bad = EMBEDDED.replace("max_block = 400", "max_block = 400\nbogus = 1");
        let e = DedupeSettings::parse("d.toml", &bad)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("d.toml:"), "{e}");
        assert!(e.contains("bogus"), "{e}");
        let bad = EMBEDDED.replace("\"id_prefix:9\"", "\"id_prefix:x\"");
        let e = DedupeSettings::parse("d.toml", &bad)
            .unwrap_err()
            .to_string();
        assert!(e.contains("id_prefix:x"), "{e}");
        let bad = EMBEDDED.replace("sort = \"dob\"", "sort = \"shoe_size\"");
        let e = DedupeSettings::parse("d.toml", &bad)
            .unwrap_err()
            .to_string();
        assert!(e.contains("shoe_size"), "{e}");
        let bad = EMBEDDED.replace("window = 12", "window = 1");
        let e = DedupeSettings::parse("d.toml", &bad)
            .unwrap_err()
            .to_string();
        assert!(e.contains("window"), "{e}");
        // A block's own window is checked too, and named.
        let bad = EMBEDDED.replace(
            "keys = [\"id_suffix:7\"]\n",
            "keys = [\"id_suffix:7\"]\nwindow = 1\n",
        );
        let e = DedupeSettings::parse("d.toml", &bad)
            .unwrap_err()
            .to_string();
        assert!(e.contains("id_suffix") && e.contains("window"), "{e}");
    }

    #[test]
    fn sort_keys_parsed_per_block() {
        let c = DedupeSettings::embedded().unwrap();
        assert_eq!(c.sorts.len(), c.blocks.len());
        let of = |name: &str| {
            let i = c.blocks.iter().position(|b| b.name == name).unwrap();
            c.sorts[i]
        };
        assert_eq!(of("name_commune"), Some(KeyPart::Dob));
        assert_eq!(of("phone"), None);
        // A block without its own window has none: the file's applies.
        let window = |name: &str| c.blocks.iter().find(|b| b.name == name).unwrap().window;
        assert_eq!(window("dob_family"), None);
        assert_eq!(window("name_commune"), Some(2));
    }
}
