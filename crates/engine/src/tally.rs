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
        self.index.insert(name.to_string(), self.groups.len() - 1);
        self.groups.len() - 1
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

    pub fn total(&self) -> Counts {
        let mut t = Counts::new();
        for g in &self.groups {
            t.add(g);
        }
        t
    }
}
