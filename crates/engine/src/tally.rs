//! Counts per group × category, for findings and for distinct records, that
//! add up: every row read is clean, with problems, or unreadable; every
//! finding is in exactly one category and one group.

use lamsach_rules::{Category, Finding, Pillar, REGISTRY};
use serde::Serialize;

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Counts {
    pub rows_read: u64,
    pub clean: u64,
    pub with_problems: u64,
    pub unreadable: u64,
    /// Rows found in the population reference with name, date of birth and
    /// sex agreeing ("đã xác thực"); 0 when no reference was given.
    pub verified: u64,
    /// Findings per category (indexed by `Category::index`).
    pub findings: Vec<u64>,
    /// Distinct records with at least one finding in the category.
    pub records: Vec<u64>,
    /// Findings per rule (indexed like `REGISTRY`).
    pub rules: Vec<u64>,
    /// Distinct records with at least one finding of the pillar (đúng, đủ,
    /// sạch, sống; indexed like `Pillar::ALL`).
    pub pillar_records: Vec<u64>,
}

impl Counts {
    pub fn new() -> Self {
        Counts {
            findings: vec![0; Category::COUNT],
            records: vec![0; Category::COUNT],
            rules: vec![0; REGISTRY.len()],
            pillar_records: vec![0; Pillar::ALL.len()],
            ..Default::default()
        }
    }

    pub fn total_findings(&self) -> u64 {
        self.findings.iter().sum()
    }

    pub fn add(&mut self, o: &Counts) {
        self.rows_read += o.rows_read;
        self.clean += o.clean;
        self.with_problems += o.with_problems;
        self.unreadable += o.unreadable;
        self.verified += o.verified;
        for (a, b) in self.findings.iter_mut().zip(&o.findings) {
            *a += b;
        }
        for (a, b) in self.records.iter_mut().zip(&o.records) {
            *a += b;
        }
        for (a, b) in self.rules.iter_mut().zip(&o.rules) {
            *a += b;
        }
        for (a, b) in self.pillar_records.iter_mut().zip(&o.pillar_records) {
            *a += b;
        }
    }

    /// Findings of one pillar (the sum of its rules' findings).
    pub fn pillar_findings(&self, p: Pillar) -> u64 {
        REGISTRY
            .iter()
            .zip(&self.rules)
            .filter(|(r, _)| r.pillar == p)
            .map(|(_, n)| n)
            .sum()
    }
}

#[derive(Debug, Clone, Default)]
pub struct Tally {
    names: Vec<String>,
    index: rustc_hash::FxHashMap<String, usize>,
    groups: Vec<Counts>,
    /// Groups by [`group_key`]: one unit written several ways is one group.
    keys: rustc_hash::FxHashMap<String, usize>,
    /// The other spellings of each group, in the order first seen.
    spellings: Vec<Vec<String>>,
    /// With two grouping levels: each level's parts by (level, key), named
    /// by their first spelling, so "H. Sơn Tịnh" under another facility is
    /// still the district first written "Huyện Sơn Tịnh".
    parts: rustc_hash::FxHashMap<(usize, String), String>,
}

/// The key that tells two spellings of one unit apart from two units: case,
/// diacritics, dots and spacing ignored, and a leading administrative word
/// of `prefixes` (folded: "huyen", "tp", "h" …) dropped — "Huyện Sơn Tịnh",
/// "H. Sơn Tịnh" and "SON TINH" are one district.
pub fn group_key(name: &str, prefixes: &[String]) -> String {
    if name.contains(crate::LEVEL_SEP) {
        return name
            .split(crate::LEVEL_SEP)
            .map(|part| group_key(part, prefixes))
            .collect::<Vec<_>>()
            .join(crate::LEVEL_SEP);
    }
    let folded = lamsach_text::fold(name).replace(['.', ',', '-', '_'], " ");
    let words: Vec<&str> = folded.split_whitespace().collect();
    for p in prefixes {
        let n = p.split_whitespace().count();
        if n > 0 && words.len() > n && words[..n].join(" ") == *p {
            return words[n..].join(" ");
        }
    }
    words.join(" ")
}

/// Group name used for rows that could not be read (their group is unknown).
pub const UNREADABLE_GROUP_VI: &str = "(không đọc được)";
pub const EMPTY_GROUP_VI: &str = "(trống)";
/// Group name of every row when the file has no group column.
pub const ALL_GROUP_VI: &str = "(tất cả)";

impl Tally {
    pub fn group_id(&mut self, name: &str) -> usize {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        self.names.push(name.to_string());
        self.groups.push(Counts::new());
        self.spellings.push(Vec::new());
        self.index.insert(name.to_string(), self.groups.len() - 1);
        self.groups.len() - 1
    }

    /// The group of a value of the group column: an earlier group with the
    /// same [`group_key`] (its first spelling names it; this one is listed
    /// among its spellings), or a new one.
    pub fn group_id_of(&mut self, name: &str, prefixes: &[String]) -> usize {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        if name.contains(crate::LEVEL_SEP) {
            let named: Vec<String> = name
                .split(crate::LEVEL_SEP)
                .enumerate()
                .map(|(level, part)| {
                    self.parts
                        .entry((level, group_key(part, prefixes)))
                        .or_insert_with(|| part.to_string())
                        .clone()
                })
                .collect();
            let named = named.join(crate::LEVEL_SEP);
            if named != name {
                let i = self.group_id_of(&named, prefixes);
                self.index.insert(name.to_string(), i);
                self.add_spelling(&named, name);
                return i;
            }
        }
        let key = group_key(name, prefixes);
        if let Some(&i) = self.keys.get(&key) {
            self.index.insert(name.to_string(), i);
            if let Some(s) = self.spellings.get_mut(i) {
                s.push(name.to_string());
            }
            return i;
        }
        let i = self.group_id(name);
        self.keys.insert(key, i);
        i
    }

    /// [`Tally::group_id_of`] for a value the rules name canonically (a
    /// school level: "Trung học phổ thông" is THPT): the group is `name`,
    /// and `raw`, when written otherwise, is listed among its spellings.
    pub fn group_id_named(&mut self, name: &str, raw: &str, prefixes: &[String]) -> usize {
        let i = self.group_id_of(name, prefixes);
        self.add_spelling(name, raw);
        i
    }

    /// The other spellings of group `name` met in the file (empty for most).
    pub fn spellings(&self, name: &str) -> &[String] {
        self.index
            .get(name)
            .and_then(|&i| self.spellings.get(i))
            .map_or(&[], Vec::as_slice)
    }

    /// Lists `other` among the spellings of group `name` (merging shard
    /// tallies: each shard names the spellings it met).
    pub fn add_spelling(&mut self, name: &str, other: &str) {
        let g = self.group_id(name);
        if other != name {
            if let Some(s) = self.spellings.get_mut(g) {
                if !s.iter().any(|x| x == other) {
                    s.push(other.to_string());
                }
            }
        }
    }

    /// Adds counts to a group (used to merge shard tallies).
    pub fn add_counts(&mut self, name: &str, c: &Counts) {
        let g = self.group_id(name);
        self.groups[g].add(c);
    }

    /// Counts one row and its findings (all with the same line).
    pub(crate) fn add_row(&mut self, group: usize, unreadable: bool, findings: &[Finding]) {
        let g = &mut self.groups[group];
        g.rows_read += 1;
        if unreadable {
            g.unreadable += 1;
        } else if findings.is_empty() {
            g.clean += 1;
        } else {
            g.with_problems += 1;
        }
        let mut seen = [false; Category::COUNT];
        let mut seen_pillar = [false; Pillar::ALL.len()];
        // a problem found on several rows is counted on its first
        for f in findings.iter().filter(|f| !f.repeat) {
            let c = f.rule.category.index();
            g.findings[c] += 1;
            g.rules[f.rule.index()] += 1;
            if !seen[c] {
                seen[c] = true;
                g.records[c] += 1;
            }
            let p = f.rule.pillar as usize;
            if !seen_pillar[p] {
                seen_pillar[p] = true;
                g.pillar_records[p] += 1;
            }
        }
    }

    /// Counts a row (already added with `add_row`) as verified against the reference.
    pub(crate) fn add_verified(&mut self, group: usize) {
        if let Some(g) = self.groups.get_mut(group) {
            g.verified += 1;
        }
    }

    /// Groups sorted by name, with their counts.
    pub fn groups(&self) -> Vec<(&str, &Counts)> {
        let mut v: Vec<(&str, &Counts)> = self
            .names
            .iter()
            .map(String::as_str)
            .zip(self.groups.iter())
            .collect();
        v.sort_by(|a, b| {
            lamsach_text::fold(a.0)
                .cmp(&lamsach_text::fold(b.0))
                .then(a.0.cmp(b.0))
        });
        v
    }

    /// With two grouping levels ("district › facility" groups), the first
    /// level's groups, each adding up its pairs, sorted as [`Tally::groups`];
    /// a group without a second level (the unreadable rows) stays itself.
    pub fn parents(&self) -> Vec<(String, Counts)> {
        let mut v: Vec<(String, Counts)> = Vec::new();
        let mut at: rustc_hash::FxHashMap<&str, usize> = Default::default();
        for (name, c) in self.groups() {
            let parent = name.split(crate::LEVEL_SEP).next().unwrap_or(name);
            match at.get(parent) {
                Some(&i) => v[i].1.add(c),
                None => {
                    at.insert(parent, v.len());
                    v.push((parent.to_string(), c.clone()));
                }
            }
        }
        v
    }

    pub fn total(&self) -> Counts {
        let mut t = Counts::new();
        for g in &self.groups {
            t.add(g);
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_keys_join_spellings_of_one_unit_only() {
        let p: Vec<String> = ["thanh pho", "huyen", "tp", "h"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let k = |s: &str| group_key(s, &p);
        assert_eq!(k("Huyện Sơn Tịnh"), "son tinh");
        assert_eq!(k("H. Sơn Tịnh"), k("Sơn  Tịnh"));
        assert_eq!(k("Thành phố Quảng Ngãi"), k("TP. Quảng Ngãi"));
        // a name that is only the prefix word keeps it; other units differ
        assert_eq!(k("Huyện"), "huyen");
        assert_ne!(k("Huyện Sơn Hà"), k("Huyện Sơn Tịnh"));
        let mut t = Tally::default();
        let a = t.group_id_of("Huyện Sơn Tịnh", &p);
        assert_eq!(t.group_id_of("SƠN TỊNH", &p), a);
        assert_ne!(t.group_id_of("Sơn Hà", &p), a);
        assert_eq!(t.spellings("Huyện Sơn Tịnh"), ["SƠN TỊNH".to_string()]);
        assert_eq!(t.groups().len(), 2);
    }
}
