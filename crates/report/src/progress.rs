//! Progress since the last run: a compact state file per run (`--save-state`)
//! and the comparison of two states (`--since`, `lamsach progress`).
//!
//! A state records, per person, the rule codes the person's rows had and the
//! person's group. Persons ([`lamsach_engine::PersonKey`]) are keyed by a salted
//! SHA-256 of the 12-digit ID, else of folded name + DOB ([`hashed_keys`]);
//! raw IDs and names are never stored. The salt is random for a first state and
//! copied from the `--since` state, so keys of two states compare.
//!
//! File format (`lamsach.state/1`, JSON lines, UTF-8): line 1 is a header
//! `{"schema":"lamsach.state/1","salt":"<32 hex>","date":"YYYY-MM-DD","file":…,
//! "profile":…,"group_by":…,"groups":[names…],"records":N,"untracked":N}`;
//! each further line is one person with at least one finding,
//! `{"k":"<key>","a":"<name+DOB key, when different>","g":<index in groups>,"r":["ID001",…]}`,
//! sorted by key.

use crate::AtomicFile;
use lamsach_engine::{PersonKey, RowReport, Sink};
use lamsach_io::error::{Error, Result};
use lamsach_rules::{by_code, Category, Finding, REGISTRY};
use lamsach_text::Lang;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, Write};
use std::path::Path;

pub const STATE_SCHEMA: &str = "lamsach.state/1";

/// A fresh random salt (from the OS-seeded hasher keys of the standard library).
pub(crate) fn new_salt() -> [u8; 16] {
    use std::hash::{BuildHasher, Hasher};
    let mut out = [0u8; 16];
    for (i, chunk) in out.chunks_mut(8).enumerate() {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_usize(i);
        h.write_u32(std::process::id());
        if let Ok(d) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
            h.write_u128(d.as_nanos());
        }
        chunk.copy_from_slice(&h.finish().to_le_bytes());
    }
    out
}

/// Salted SHA-256 of `kind:value`, first 16 bytes as lower-case hex.
pub(crate) fn salted_hash(salt: &[u8; 16], kind: &[u8], value: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut h = Sha256::new();
    h.update(salt);
    h.update(kind);
    h.update(b":");
    h.update(value);
    let d = h.finalize();
    let mut s = String::with_capacity(32);
    for b in d.iter().take(16) {
        s.push(HEX[(b >> 4) as usize] as char);
        s.push(HEX[(b & 15) as usize] as char);
    }
    s
}

/// (key, name + DOB key) of a person: the key hashes the ID when there is
/// one, else the name + DOB.
pub fn hashed_keys(p: &PersonKey, salt: &[u8; 16]) -> Option<(String, Option<String>)> {
    let alt = p.name_dob().map(|s| salted_hash(salt, b"nd", s.as_bytes()));
    match &p.id {
        Some(id) => Some((salted_hash(salt, b"id", id), alt)),
        None => alt.map(|a| (a.clone(), Some(a))),
    }
}

pub fn salt_hex(s: &[u8; 16]) -> String {
    s.iter().map(|b| format!("{b:02x}")).collect()
}

fn parse_salt(s: &str) -> Option<[u8; 16]> {
    if s.len() != 32 || !s.is_ascii() {
        return None;
    }
    let mut out = [0u8; 16];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(s.get(i * 2..i * 2 + 2)?, 16).ok()?;
    }
    Some(out)
}

/// What a state says about its run.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct StateInfo {
    pub file: Option<String>,
    pub date: Option<String>,
    pub profile: Option<String>,
    pub group_by: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    schema: String,
    salt: String,
    #[serde(flatten)]
    info: StateInfo,
    groups: Vec<String>,
    records: u64,
    untracked: u64,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    k: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    a: Option<String>,
    g: u32,
    r: Vec<String>,
}

/// One person's problems.
#[derive(Debug, Clone)]
pub struct Entry {
    pub alt: Option<String>,
    pub group: u32,
    /// Indices into `REGISTRY`, sorted, unique.
    pub rules: Vec<u16>,
}

/// The persons with problems in one run.
#[derive(Debug, Clone)]
pub struct State {
    pub salt: [u8; 16],
    pub info: StateInfo,
    pub groups: Vec<String>,
    pub entries: FxHashMap<String, Entry>,
    /// Rows with findings that could not be keyed (no valid ID, no name + DOB,
    /// or unreadable): not tracked.
    pub untracked: u64,
}

impl State {
    pub fn new(salt: [u8; 16]) -> State {
        State {
            salt,
            info: StateInfo::default(),
            groups: Vec::new(),
            entries: FxHashMap::default(),
            untracked: 0,
        }
    }

    fn group_name(&self, g: u32) -> &str {
        self.groups
            .get(g as usize)
            .map(String::as_str)
            .unwrap_or("")
    }

    /// Writes the state atomically.
    pub fn save(&self, path: &Path) -> Result<()> {
        let werr = Error::write(&path);
        let jerr = |e: serde_json::Error| Error::Write {
            path: path.to_path_buf(),
            source: e.into(),
        };
        let mut f = AtomicFile::create(path)?;
        let header = Header {
            schema: STATE_SCHEMA.into(),
            salt: salt_hex(&self.salt),
            info: self.info.clone(),
            groups: self.groups.clone(),
            records: self.entries.len() as u64,
            untracked: self.untracked,
        };
        serde_json::to_writer(f.writer(), &header).map_err(jerr)?;
        f.writer().write_all(b"\n").map_err(&werr)?;
        let mut keys: Vec<&String> = self.entries.keys().collect();
        keys.sort();
        for k in keys {
            let Some(e) = self.entries.get(k) else {
                continue;
            };
            let line = Line {
                k: k.clone(),
                a: e.alt.clone().filter(|a| a != k),
                g: e.group,
                r: e.rules
                    .iter()
                    .filter_map(|&i| REGISTRY.get(i as usize))
                    .map(|r| r.code.to_string())
                    .collect(),
            };
            serde_json::to_writer(f.writer(), &line).map_err(jerr)?;
            f.writer().write_all(b"\n").map_err(&werr)?;
        }
        f.commit()
    }

    /// Reads a state file; errors name the file and line.
    pub fn load(path: &Path) -> Result<State> {
        let file = std::fs::File::open(path).map_err(|source| Error::Open {
            path: path.to_path_buf(),
            source,
        })?;
        let bad = |line: usize, what: String| {
            Error::Config(format!(
                "{}:{line}: tệp trạng thái không hợp lệ / invalid state file: {what}",
                path.display()
            ))
        };
        let mut lines = std::io::BufReader::new(file).lines();
        let first = lines
            .next()
            .transpose()
            .map_err(Error::read(&path))?
            .ok_or_else(|| bad(1, "tệp rỗng / empty".into()))?;
        let header: Header = serde_json::from_str(&first).map_err(|e| bad(1, e.to_string()))?;
        if header.schema != STATE_SCHEMA {
            return Err(bad(
                1,
                format!("schema '{}' ≠ '{STATE_SCHEMA}'", header.schema),
            ));
        }
        let salt = parse_salt(&header.salt).ok_or_else(|| bad(1, "salt".into()))?;
        let mut st = State::new(salt);
        st.info = header.info;
        st.groups = header.groups;
        st.untracked = header.untracked;
        // Shard states concatenated into one file: each part starts with its
        // own header (same salt); group indices are per part.
        let mut offset = 0u32;
        for (i, l) in lines.enumerate() {
            let n = i + 2;
            let l = l.map_err(Error::read(&path))?;
            if l.trim().is_empty() {
                continue;
            }
            if l.starts_with("{\"schema\"") {
                let h: Header = serde_json::from_str(&l).map_err(|e| bad(n, e.to_string()))?;
                if h.schema != STATE_SCHEMA || parse_salt(&h.salt) != Some(st.salt) {
                    return Err(bad(
                        n,
                        "phần ghép nối có schema/salt khác / concatenated part with another schema or salt".into(),
                    ));
                }
                offset = st.groups.len() as u32;
                st.groups.extend(h.groups);
                st.untracked += h.untracked;
                continue;
            }
            let line: Line = serde_json::from_str(&l).map_err(|e| bad(n, e.to_string()))?;
            let g = line.g.saturating_add(offset);
            if g as usize >= st.groups.len() {
                return Err(bad(n, format!("group {} out of range", line.g)));
            }
            let mut rules: Vec<u16> = Vec::with_capacity(line.r.len());
            for code in &line.r {
                match by_code(code) {
                    Some(r) => rules.push(r.index() as u16),
                    None => return Err(bad(n, format!("unknown rule '{code}'"))),
                }
            }
            let alt = line.a.or(Some(line.k.clone())).filter(|a| !a.is_empty());
            let e = st.entries.entry(line.k).or_insert_with(|| Entry {
                alt,
                group: g,
                rules: Vec::new(),
            });
            e.rules.extend(rules);
            e.rules.sort_unstable();
            e.rules.dedup();
        }
        Ok(st)
    }
}

/// Builds a [`State`] from the rows of a run (engine `Sink::row` hook; the
/// run needs `Options::person_keys`).
pub(crate) struct StateBuilder {
    pub state: State,
    group_ids: FxHashMap<String, u32>,
}

impl StateBuilder {
    pub fn new(salt: [u8; 16]) -> Self {
        StateBuilder {
            state: State::new(salt),
            group_ids: FxHashMap::default(),
        }
    }

    fn group_id(&mut self, name: &str) -> u32 {
        if let Some(&g) = self.group_ids.get(name) {
            return g;
        }
        let g = self.state.groups.len() as u32;
        // A group column holding identifiers (`--group-by "Số CCCD"`) must
        // not put raw IDs into the state: digit runs of 9+ are masked.
        self.state.groups.push(crate::cells::mask_digits(name));
        self.group_ids.insert(name.to_string(), g);
        g
    }

    pub fn finish(self, info: StateInfo) -> State {
        let mut st = self.state;
        st.info = info;
        st
    }
}

impl Sink for StateBuilder {
    fn finding(&mut self, _f: &Finding, _group: &str) -> Result<()> {
        Ok(())
    }

    fn row(&mut self, row: &RowReport) -> Result<()> {
        if row.findings.is_empty() {
            return Ok(());
        }
        let Some((key, alt)) = row.person.and_then(|p| hashed_keys(p, &self.state.salt)) else {
            self.state.untracked += 1;
            return Ok(());
        };
        let g = self.group_id(row.group);
        let e = self.state.entries.entry(key).or_insert_with(|| Entry {
            alt,
            group: g,
            rules: Vec::new(),
        });
        for f in row.findings {
            let i = f.rule.index() as u16;
            if let Err(pos) = e.rules.binary_search(&i) {
                e.rules.insert(pos, i);
            }
        }
        Ok(())
    }
}

/// Fixed / still open / new (person, rule) pairs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Figures {
    pub fixed: u64,
    pub open: u64,
    pub new: u64,
}

impl Figures {
    fn add(&mut self, o: &Figures) {
        self.fixed += o.fixed;
        self.open += o.open;
        self.new += o.new;
    }
}

/// The comparison of two states.
#[derive(Debug, Clone)]
pub struct Progress {
    pub before: StateInfo,
    pub current: StateInfo,
    pub categories: BTreeMap<Category, Figures>,
    /// Sorted by folded group name.
    pub groups: Vec<(String, Figures)>,
    /// Persons ("đối tượng", "trường hợp") per group: fixed = had problems,
    /// has none now; open = had problems, still has some; new = had none.
    pub persons: Vec<(String, Figures)>,
    pub untracked_before: u64,
    pub untracked_now: u64,
}

impl Progress {
    /// Persons over all groups.
    pub fn persons_total(&self) -> Figures {
        let mut t = Figures::default();
        for (_, f) in &self.persons {
            t.add(f);
        }
        t
    }

    pub fn total(&self) -> Figures {
        let mut t = Figures::default();
        for f in self.categories.values() {
            t.add(f);
        }
        t
    }

    /// Compares two states made with the same salt. A person is matched by
    /// key, else by the name + DOB key (so a corrected ID still matches).
    pub fn compare(before: &State, now: &State) -> Result<Progress> {
        if before.salt != now.salt {
            return Err(Error::Usage(
                "hai tệp trạng thái có khóa (salt) khác nhau; hãy tạo tệp mới bằng --since tệp-cũ / the two states use different salts; create the new one with --since OLD".into(),
            ));
        }
        // name+DOB key → current key
        let mut alt_index: FxHashMap<&str, &str> = FxHashMap::default();
        for (k, e) in &now.entries {
            if let Some(a) = &e.alt {
                alt_index.entry(a.as_str()).or_insert(k.as_str());
            }
        }
        let mut cats: BTreeMap<Category, Figures> = BTreeMap::new();
        let mut groups: BTreeMap<String, Figures> = BTreeMap::new();
        let mut add = |rule: u16, group: &str, f: Figures| {
            if let Some(r) = REGISTRY.get(rule as usize) {
                cats.entry(r.category).or_default().add(&f);
                groups.entry(group.to_string()).or_default().add(&f);
            }
        };
        const FIXED: Figures = Figures {
            fixed: 1,
            open: 0,
            new: 0,
        };
        const OPEN: Figures = Figures {
            fixed: 0,
            open: 1,
            new: 0,
        };
        const NEW: Figures = Figures {
            fixed: 0,
            open: 0,
            new: 1,
        };
        let mut persons: BTreeMap<String, Figures> = BTreeMap::new();
        // Earlier problems per current person (several earlier keys may match one person).
        let mut matched: FxHashMap<&str, BTreeSet<u16>> = FxHashMap::default();
        let mut before_keys: Vec<&String> = before.entries.keys().collect();
        before_keys.sort();
        for k in before_keys {
            let Some(b) = before.entries.get(k) else {
                continue;
            };
            let target = if now.entries.contains_key(k.as_str()) {
                Some(k.as_str())
            } else {
                b.alt.as_deref().and_then(|a| {
                    alt_index
                        .get(a)
                        .copied()
                        .or_else(|| now.entries.get_key_value(a).map(|(k, _)| k.as_str()))
                })
            };
            match target {
                Some(t) => matched
                    .entry(t)
                    .or_default()
                    .extend(b.rules.iter().copied()),
                None => {
                    // Gone entirely (fixed or removed from the export): all fixed.
                    persons
                        .entry(before.group_name(b.group).to_string())
                        .or_default()
                        .add(&FIXED);
                    for &r in &b.rules {
                        add(r, before.group_name(b.group), FIXED);
                    }
                }
            }
        }
        let empty = BTreeSet::new();
        for (k, e) in &now.entries {
            let was = matched.get(k.as_str()).unwrap_or(&empty);
            let g = now.group_name(e.group);
            persons
                .entry(g.to_string())
                .or_default()
                .add(if was.is_empty() { &NEW } else { &OPEN });
            for &r in was {
                add(
                    r,
                    g,
                    if e.rules.binary_search(&r).is_ok() {
                        OPEN
                    } else {
                        FIXED
                    },
                );
            }
            for &r in &e.rules {
                if !was.contains(&r) {
                    add(r, g, NEW);
                }
            }
        }
        let sorted = |m: BTreeMap<String, Figures>| {
            let mut v: Vec<(String, Figures)> = m.into_iter().collect();
            v.sort_by(|a, b| {
                let ph = |n: &str| n.starts_with('(') && n.ends_with(')');
                ph(&a.0)
                    .cmp(&ph(&b.0))
                    .then_with(|| lamsach_text::fold(&a.0).cmp(&lamsach_text::fold(&b.0)))
                    .then(a.0.cmp(&b.0))
            });
            v
        };
        let groups = sorted(groups);
        let persons = sorted(persons);
        Ok(Progress {
            before: before.info.clone(),
            current: now.info.clone(),
            categories: cats,
            groups,
            persons,
            untracked_before: before.untracked,
            untracked_now: now.untracked,
        })
    }

    /// The terminal summary of progress.
    pub fn summary(&self, lang: Lang) -> String {
        use lamsach_io::num::fmt_num;
        use lamsach_io::num::{fmt_rate, ratio, Precision};
        use std::fmt::Write as _;
        let n = |x: u64| fmt_num(x, lang);
        let mut s = String::new();
        let t = self.total();
        let (h0, h1, h2, h3, h4) = if lang.is_en() {
            ("Progress since", "fixed", "open", "new", "fixed rate")
        } else {
            (
                "Tiến độ so với",
                "đã làm sạch",
                "chưa làm sạch",
                "phát sinh mới",
                "tỷ lệ",
            )
        };
        let _ = writeln!(
            s,
            "{h0} {} ({}):",
            self.before.file.as_deref().unwrap_or("?"),
            self.before.date.as_deref().unwrap_or("?")
        );
        let _ = writeln!(s, "  {:<42}{h1:>16}{h2:>16}{h3:>16}{h4:>12}", "");
        let rows = self
            .categories
            .iter()
            .map(|(c, f)| (c.label(lang).to_string(), *f))
            .chain([(crate::cells::total_row_label(lang).to_string(), t)]);
        for (label, f) in rows {
            let _ = writeln!(
                s,
                "  {label:<42}{:>16}{:>16}{:>16}{:>12}",
                n(f.fixed),
                n(f.open),
                n(f.new),
                fmt_rate(ratio(f.fixed, f.fixed + f.open), Precision::Tenths, lang)
            );
        }
        let _ = writeln!(s, "  {}", persons_line(&self.persons_total(), lang));
        s
    }
}

/// The seeds' sentence: persons to correct, corrected (rate), in progress, new.
pub(crate) fn persons_line(p: &Figures, lang: Lang) -> String {
    format!(
        "{} {}",
        if lang.is_en() {
            "Persons"
        } else {
            "Đối tượng"
        },
        persons_detail(p, lang)
    )
}

/// [`persons_line`] without its subject ("cần chỉnh sửa kỳ trước 6: …").
pub(crate) fn persons_detail(p: &Figures, lang: Lang) -> String {
    use lamsach_io::num::fmt_num;
    use lamsach_io::num::{fmt_rate, ratio, Precision};
    let n = |x: u64| fmt_num(x, lang);
    let rate = fmt_rate(ratio(p.fixed, p.fixed + p.open), Precision::Tenths, lang);
    if lang.is_en() {
        format!(
            "to correct last time {}: corrected {} ({rate}), in progress {}; new {}",
            n(p.fixed + p.open),
            n(p.fixed),
            n(p.open),
            n(p.new)
        )
    } else {
        format!(
            "cần chỉnh sửa kỳ trước {}: đã chỉnh sửa {} (đạt {rate}), đang chỉnh sửa {}; phát sinh mới {}",
            n(p.fixed + p.open),
            n(p.fixed),
            n(p.open),
            n(p.new)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(entries: &[(&str, Option<&str>, &str, &[&str])]) -> State {
        let mut s = State::new([7; 16]);
        for (k, a, g, rules) in entries {
            let gi = match s.groups.iter().position(|x| x == g) {
                Some(i) => i,
                None => {
                    s.groups.push(g.to_string());
                    s.groups.len() - 1
                }
            } as u32;
            let mut r: Vec<u16> = rules
                .iter()
                .map(|c| by_code(c).unwrap().index() as u16)
                .collect();
            r.sort();
            s.entries.insert(
                k.to_string(),
                Entry {
                    alt: a.map(str::to_string),
                    group: gi,
                    rules: r,
                },
            );
        }
        s
    }

    #[test]
    fn fixed_open_new() {
        let before = st(&[
            ("a", None, "X", &["ID001", "PHO001"]),
            ("b", None, "X", &["PHO001"]),
            ("nd-c", Some("nd-c"), "Y", &["ID001"]),
        ]);
        // a: ID001 fixed, PH001 open, DOB001 new; b gone (fixed);
        // c got a valid ID (new key) but keeps its phone problem (new).
        let now = st(&[
            ("a", None, "X", &["DOB001", "PHO001"]),
            ("id-c", Some("nd-c"), "Y", &["PHO001"]),
        ]);
        let p = Progress::compare(&before, &now).unwrap();
        assert_eq!(
            p.total(),
            Figures {
                fixed: 3,
                open: 1,
                new: 2
            }
        );
        assert_eq!(
            p.groups[0],
            (
                "X".into(),
                Figures {
                    fixed: 2,
                    open: 1,
                    new: 1
                }
            )
        );
        assert_eq!(
            p.groups[1],
            (
                "Y".into(),
                Figures {
                    fixed: 1,
                    open: 0,
                    new: 1
                }
            )
        );
        // persons: a still open, b fixed (X); c matched by name + DOB, still open (Y)
        assert_eq!(
            p.persons_total(),
            Figures {
                fixed: 1,
                open: 2,
                new: 0
            }
        );
        assert_eq!(
            p.persons[0],
            (
                "X".into(),
                Figures {
                    fixed: 1,
                    open: 1,
                    new: 0
                }
            )
        );
    }

    #[test]
    fn roundtrip_and_salt() {
        let dir = tempfile::tempdir().unwrap();
        let s = st(&[("a", Some("b"), "Chiêm Hóa", &["ID001"])]);
        let p = dir.path().join("s.state");
        s.save(&p).unwrap();
        let l = State::load(&p).unwrap();
        assert_eq!(l.salt, s.salt);
        assert_eq!(l.entries["a"].rules, s.entries["a"].rules);
        assert_eq!(l.groups, vec!["Chiêm Hóa".to_string()]);
        let mut other = l.clone();
        other.salt = [1; 16];
        assert!(Progress::compare(&l, &other).is_err());
        // shard states concatenated (same salt) load as one
        let s2 = st(&[
            ("c", None, "Na Hang", &["PHO001"]),
            ("a", None, "Chiêm Hóa", &["DOB001"]),
        ]);
        let p2 = dir.path().join("s2.state");
        s2.save(&p2).unwrap();
        let cat = dir.path().join("cat.state");
        let both = format!(
            "{}{}",
            std::fs::read_to_string(&p).unwrap(),
            std::fs::read_to_string(&p2).unwrap()
        );
        std::fs::write(&cat, both).unwrap();
        let c = State::load(&cat).unwrap();
        assert_eq!(c.entries.len(), 2);
        assert_eq!(c.groups[c.entries["c"].group as usize], "Na Hang");
        assert_eq!(c.entries["a"].rules.len(), 2);
        std::fs::write(&p, "{\"schema\":\"x\"}\n").unwrap();
        let e = State::load(&p).unwrap_err().to_string();
        assert!(e.contains(":1:"), "{e}");
    }
}
