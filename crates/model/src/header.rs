//! Reading a column header by its meaning: the words of `rules/headers.toml`
//! found in a header folded to plain words ("Số CMT/CCCD\n(Loại 8/9/12 số)"
//! reads "so cmt cccd", with the hint "loai 8 9 12 so" set aside).

use crate::profile::{parse_toml, Field, Sex};
use lamsach_io::error::{Error, Result};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap, HashSet};

/// `rules/headers.toml` as compiled into the binary.
pub(crate) const LAYOUT_TOML: &str = include_str!("../../../rules/layout.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HeadersFile {
    phrases: BTreeMap<Field, Vec<String>>,
    whole: BTreeMap<Field, Vec<String>>,
    year_only: BTreeMap<Field, Vec<String>>,
    marks: Marks,
    not_a_field: PhraseList,
    someone_else: PhraseList,
    old_unit: Hints,
    rows: RowsFile,
    row_number: PhraseList,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RowsFile {
    subtotal: Vec<String>,
    footer: Vec<String>,
    section: Vec<String>,
}

/// The words of rows that are not records (`[rows]`), folded to words.
#[derive(Debug, Clone)]
pub struct RowWords {
    pub subtotal: Vec<Vec<String>>,
    pub footer: Vec<Vec<String>>,
    pub section: Vec<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Marks {
    male: Vec<String>,
    female: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PhraseList {
    phrases: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Hints {
    hints: Vec<String>,
}

/// What a phrase says a column is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Meaning {
    Field(Field),
    /// The date of birth, written as the year only.
    YearOnly(Field),
    NotAField,
}

/// How a header was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reading {
    /// A field, with a confidence in percent (100: an exact alias of the
    /// profile; 95: the whole header is a phrase; less: a phrase within it).
    Field {
        field: Field,
        confidence: u8,
        year_only: bool,
    },
    /// An "X" column marking one sex ("Nam", "Nữ").
    Mark(Sex),
    /// A unit before the 2025 reform ("Quận/Huyện (cũ)").
    OldUnit(Field),
    /// About someone else (a parent, a guardian) or another register.
    SomeoneElse,
    /// A column lamsach knows holds no field it checks (STT, Ghi chú, …).
    NotAField,
    /// Phrases of several fields fit equally well.
    Ambiguous(Vec<Field>),
    /// No phrase fits.
    Unknown,
}

/// A header folded to words, and the words of its hints in parentheses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Folded {
    pub words: Vec<String>,
    pub hint: Vec<String>,
}

/// The words of `rules/headers.toml`, prepared for reading headers.
#[derive(Debug, Clone)]
pub struct HeaderWords {
    phrases: Vec<(Vec<String>, Meaning)>,
    whole: HashMap<String, Meaning>,
    marks: HashMap<String, Sex>,
    someone_else: Vec<Vec<String>>,
    old_unit: Vec<Vec<String>>,
    /// Every word of every phrase (two letters or more), for splitting
    /// run-together machine names.
    vocab: HashSet<String>,
    /// The phrases by their first word (indexes into `phrases`).
    by_first: HashMap<String, Vec<usize>>,
    pub rows: RowWords,
    /// Whole headers of the row-number column (STT), folded to words.
    row_number: Vec<String>,
}

/// A text folded to plain words: no diacritics, lower case, punctuation as
/// spaces, a final "y" as "i".
pub(crate) fn words_of(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let folded = lamsach_text::fold(s);
    for w in folded.split(|c: char| !c.is_ascii_alphanumeric()) {
        if w.is_empty() {
            continue;
        }
        // a final "y" is an "i" ("ký" = "kí"), on both sides of a match
        let w = match w.strip_suffix('y') {
            Some(stem) if !stem.is_empty() && !stem.ends_with(|c: char| c.is_ascii_digit()) => {
                format!("{stem}i")
            }
            _ => w.to_string(),
        };
        out.push(w);
    }
    out
}

impl HeaderWords {
    pub fn embedded() -> Result<HeaderWords> {
        HeaderWords::parse("rules/layout.toml", LAYOUT_TOML)
    }

    /// Parses `rules/headers.toml`; errors name the file, line, column and key.
    pub fn parse(path: &str, text: &str) -> Result<HeaderWords> {
        let f: HeadersFile = parse_toml(path, text)?;
        let mut phrases = Vec::new();
        let mut whole = HashMap::new();
        let mut vocab = HashSet::new();
        let mut add_vocab = |w: &[String]| {
            for x in w {
                if x.len() >= 2 {
                    vocab.insert(x.clone());
                }
            }
        };
        for (field, list) in &f.phrases {
            for p in list {
                let w = words_of(p);
                add_vocab(&w);
                phrases.push((w, Meaning::Field(*field)));
            }
        }
        for (field, list) in &f.year_only {
            if *field != Field::Dob {
                return Err(Error::Config(format!(
                    "{path}: [year_only] chỉ cho dob / only dob can be given as a year"
                )));
            }
            for p in list {
                let w = words_of(p);
                add_vocab(&w);
                phrases.push((w, Meaning::YearOnly(*field)));
            }
        }
        for p in &f.not_a_field.phrases {
            let w = words_of(p);
            add_vocab(&w);
            phrases.push((w, Meaning::NotAField));
        }
        for (field, list) in &f.whole {
            for p in list {
                let w = words_of(p);
                add_vocab(&w);
                whole.insert(w.join(" "), Meaning::Field(*field));
            }
        }
        let mut marks = HashMap::new();
        for (list, sex) in [(&f.marks.male, Sex::Male), (&f.marks.female, Sex::Female)] {
            for p in list {
                marks.insert(words_of(p).join(" "), sex);
            }
        }
        let someone_else: Vec<Vec<String>> =
            f.someone_else.phrases.iter().map(|p| words_of(p)).collect();
        let old_unit: Vec<Vec<String>> = f.old_unit.hints.iter().map(|p| words_of(p)).collect();
        if phrases.iter().any(|(w, _)| w.is_empty()) {
            return Err(Error::Config(format!(
                "{path}: một cụm từ rỗng / an empty phrase"
            )));
        }
        let fold_all = |v: &[String]| v.iter().map(|p| words_of(p)).collect::<Vec<_>>();
        let rows = RowWords {
            subtotal: fold_all(&f.rows.subtotal),
            footer: fold_all(&f.rows.footer),
            section: fold_all(&f.rows.section),
        };
        let mut by_first: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, (w, _)) in phrases.iter().enumerate() {
            by_first.entry(w[0].clone()).or_default().push(i);
        }
        let row_number = f
            .row_number
            .phrases
            .iter()
            .map(|p| words_of(p).join(" "))
            .collect();
        Ok(HeaderWords {
            rows,
            row_number,
            by_first,
            phrases,
            whole,
            marks,
            someone_else,
            old_unit,
            vocab,
        })
    }

    /// The row-number column (STT, TT, Số thứ tự): the first header that
    /// is one of `[row_number]`'s phrases as a whole.
    pub fn row_number_column(&self, headers: &[String]) -> Option<usize> {
        headers
            .iter()
            .position(|h| self.row_number.contains(&words_of(h).join(" ")))
    }

    /// Folds a header to words: hints in parentheses set aside, camelCase
    /// and run-together words split.
    pub fn fold(&self, header: &str) -> Folded {
        let spaced = split_camel(header);
        let (main, hint) = split_hints(&spaced);
        let mut words = Vec::new();
        for w in words_of(&main) {
            match self.segment(&w) {
                Some(parts) => words.extend(parts),
                None => words.push(self.typo(w)),
            }
        }
        let hint = words_of(&hint);
        if words.is_empty() {
            // a header that is all hint: "(1)", "(Nam/Nữ)"
            return Folded {
                words: hint,
                hint: Vec::new(),
            };
        }
        Folded { words, hint }
    }

    /// A long word one edit away from exactly one vocabulary word is that
    /// word ("Vacccine" → "vaccine"); short words are left as they are.
    fn typo(&self, w: String) -> String {
        if w.len() < 6 || self.vocab.contains(&w) {
            return w;
        }
        let mut near = self.vocab.iter().filter(|v| {
            v.len() >= 6 && v.len().abs_diff(w.len()) <= 1 && strsim::osa_distance(v, &w) == 1
        });
        match (near.next(), near.next()) {
            (Some(v), None) => v.clone(),
            _ => w,
        }
    }

    /// Splits a word not in the vocabulary into vocabulary words
    /// ("tentinh" → "ten tinh"), the fewest pieces; None when it cannot be.
    fn segment(&self, w: &str) -> Option<Vec<String>> {
        if self.vocab.contains(w) || w.len() > 40 || w.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n = w.len();
        // best[i]: the fewest pieces covering w[..i], and where the last starts
        let mut best: Vec<Option<(usize, usize)>> = vec![None; n + 1];
        best[0] = Some((0, 0));
        for end in 1..=n {
            for start in 0..end {
                let Some((pieces, _)) = best[start] else {
                    continue;
                };
                if self.vocab.contains(&w[start..end])
                    && best[end].is_none_or(|(p, _)| pieces + 1 < p)
                {
                    best[end] = Some((pieces + 1, start));
                }
            }
        }
        let (pieces, _) = best[n]?;
        if pieces < 2 {
            return None;
        }
        let mut out = Vec::new();
        let mut end = n;
        while end > 0 {
            let (_, start) = best[end]?;
            out.push(w[start..end].to_string());
            end = start;
        }
        out.reverse();
        Some(out)
    }

    /// Reads one header.
    pub fn read(&self, header: &str) -> Reading {
        let f = self.fold(header);
        if f.words.is_empty() {
            return Reading::Unknown;
        }
        let joined = f.words.join(" ");
        if let Some(sex) = self.marks.get(&joined) {
            return Reading::Mark(*sex);
        }
        if self
            .someone_else
            .iter()
            .any(|p| find(&f.words, p).is_some())
        {
            return Reading::SomeoneElse;
        }
        let (meaning, confidence) = if let Some(m) = self.whole.get(&joined) {
            (Some(*m), 95)
        } else {
            match self.best_phrase(&f.words) {
                Ok(Some((m, _))) => (Some(m), self.coverage(&f.words, m)),
                Ok(None) => (None, 0),
                Err(fields) => return Reading::Ambiguous(fields),
            }
        };
        match meaning {
            None => Reading::Unknown,
            Some(Meaning::NotAField) => Reading::NotAField,
            Some(Meaning::Field(field) | Meaning::YearOnly(field)) => {
                let old = matches!(field, Field::Province | Field::District | Field::Commune)
                    && self.old_unit.iter().any(|p| find(&f.hint, p).is_some());
                if old {
                    return Reading::OldUnit(field);
                }
                let year_only = matches!(meaning, Some(Meaning::YearOnly(_)));
                Reading::Field {
                    field,
                    // a date column wins over a year column beside it
                    confidence: if year_only {
                        confidence - 5
                    } else {
                        confidence
                    },
                    year_only,
                }
            }
        }
    }

    /// The confidence of reading `words` as `m`: 95 when the phrases of `m`
    /// cover every word, down to 50 as fewer words are covered.
    fn coverage(&self, words: &[String], m: Meaning) -> u8 {
        let mut covered = vec![false; words.len()];
        for (p, pm) in &self.phrases {
            if *pm != m {
                continue;
            }
            for (i, w) in words.windows(p.len()).enumerate() {
                if w == p.as_slice() {
                    covered[i..i + p.len()].iter_mut().for_each(|c| *c = true);
                }
            }
        }
        let n = covered.iter().filter(|c| **c).count();
        (50 + 45 * n / words.len().max(1)) as u8
    }

    /// The longest phrase in `words` (then the first to start), with its
    /// length; Err with the fields when several fields tie.
    fn best_phrase(
        &self,
        words: &[String],
    ) -> std::result::Result<Option<(Meaning, usize)>, Vec<Field>> {
        let mut best: Option<(usize, usize)> = None;
        let mut tied: Vec<Meaning> = Vec::new();
        for start in 0..words.len() {
            let Some(candidates) = self.by_first.get(&words[start]) else {
                continue;
            };
            for &i in candidates {
                let (p, m) = &self.phrases[i];
                if words.len() - start < p.len() || words[start..start + p.len()] != p[..] {
                    continue;
                }
                // only the first place a phrase occurs counts
                if find(words, p) != Some(start) {
                    continue;
                }
                let key = (p.len(), usize::MAX - start);
                match best {
                    Some(b) if key < b => {}
                    Some(b) if key == b => {
                        if !tied.contains(m) {
                            tied.push(*m);
                        }
                    }
                    _ => {
                        best = Some(key);
                        tied.clear();
                        tied.push(*m);
                    }
                }
            }
        }
        let Some((len, _)) = best else {
            return Ok(None);
        };
        if tied.contains(&Meaning::NotAField) {
            return Ok(Some((Meaning::NotAField, len)));
        }
        let mut fields: Vec<Field> = tied
            .iter()
            .map(|m| match m {
                Meaning::Field(f) | Meaning::YearOnly(f) => *f,
                Meaning::NotAField => Field::Id,
            })
            .collect();
        fields.dedup();
        if fields.len() > 1 {
            return Err(fields);
        }
        Ok(tied.first().map(|m| (*m, len)))
    }
}

/// Where `phrase` starts in `words` as whole consecutive words.
pub fn find(words: &[String], phrase: &[String]) -> Option<usize> {
    if phrase.is_empty() || phrase.len() > words.len() {
        return None;
    }
    words.windows(phrase.len()).position(|w| w == phrase)
}

/// "HoTen" → "Ho Ten": a space where a lower-case letter meets an upper-case one.
fn split_camel(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut prev_lower = false;
    for c in s.chars() {
        if prev_lower && c.is_uppercase() {
            out.push(' ');
        }
        prev_lower = c.is_lowercase();
        out.push(c);
    }
    out
}

/// The header without its parenthesised hints and "*" marks, and the hints.
fn split_hints(s: &str) -> (String, String) {
    let mut main = String::with_capacity(s.len());
    let mut hint = String::new();
    let mut depth = 0usize;
    for c in s.chars() {
        match c {
            '(' | '[' => {
                depth += 1;
                hint.push(' ');
            }
            ')' | ']' if depth > 0 => {
                depth -= 1;
                hint.push(' ');
            }
            '*' => main.push(' '),
            _ if depth > 0 => hint.push(c),
            _ => main.push(c),
        }
    }
    (main, hint)
}

/// Sex codes a header states in its hint: "Giới tính (1: Nam; 0: Nữ)",
/// "(0:nam, 1:nữ)", "(1=Nam, 2=Nữ, 3=Chưa xác định)", "Nam: 1, Nữ: 2".
/// Each code with what it means (None: stated as undetermined).
pub(crate) fn sex_codes_in_hint(hint: &[String]) -> Vec<(String, Option<Sex>)> {
    fn meaning(words: &[String]) -> Option<Option<Sex>> {
        match words.first().map(String::as_str) {
            Some("nam" | "male" | "m") => Some(Some(Sex::Male)),
            Some("nu" | "female" | "f") => Some(Some(Sex::Female)),
            Some("chua" | "khac" | "khong") => Some(None),
            _ => None,
        }
    }
    let is_code = |w: &str| w.len() <= 2 && w.bytes().all(|b| b.is_ascii_digit());
    // "1: Nam" (code first) or "Nam: 1" (word first), as the hint begins
    let Some(first) = hint
        .iter()
        .position(|w| is_code(w) || meaning(std::slice::from_ref(w)).is_some())
    else {
        return Vec::new();
    };
    let code_first = is_code(&hint[first]);
    let mut out: Vec<(String, Option<Sex>)> = Vec::new();
    for i in first..hint.len() {
        let pair = if code_first {
            is_code(&hint[i])
                .then(|| meaning(&hint[i + 1..]).map(|m| (hint[i].clone(), m)))
                .flatten()
        } else {
            match (meaning(&hint[i..]), hint.get(i + 1)) {
                (Some(m), Some(code)) if is_code(code) => Some((code.clone(), m)),
                _ => None,
            }
        };
        out.extend(pair);
    }
    out.sort();
    out.dedup_by(|a, b| a.0 == b.0);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words() -> HeaderWords {
        HeaderWords::embedded().unwrap()
    }

    fn field(h: &str) -> Option<Field> {
        match words().read(h) {
            Reading::Field { field, .. } => Some(field),
            _ => None,
        }
    }

    #[test]
    fn folds_hints_camel_case_and_machine_names() {
        let w = words();
        let f = w.fold("Số CMT/CCCD\n(Loại 8/9/12 số)");
        assert_eq!(f.words, ["so", "cmt", "cccd"]);
        assert_eq!(f.hint, ["loai", "8", "9", "12", "so"]);
        assert_eq!(w.fold("QuanHeChuHo").words, ["quan", "he", "chu", "ho"]);
        assert_eq!(w.fold("TENTINH").words, ["ten", "tinh"]);
        assert_eq!(w.fold("Họ tên (*)").words, ["ho", "ten"]);
        assert_eq!(w.fold("GIỚI  TÍNH").words, ["gioi", "tinh"]);
    }

    #[test]
    fn reads_by_the_longest_phrase_then_the_first() {
        assert_eq!(field("GIOI_TINH"), Some(Field::Sex));
        assert_eq!(
            field("Tỉnh/Thành phố nơi ở hiện tại*"),
            Some(Field::Province)
        );
        assert_eq!(field("Xã/Phường nơi ở hiện tại*"), Some(Field::Commune));
        assert_eq!(field("Họ tên chủ hộ"), Some(Field::HeadName));
        assert_eq!(field("so_thu_tu_mui"), Some(Field::Dose));
        assert_eq!(field("Tên"), Some(Field::FullName));
        assert_eq!(field("TEN_CSKCB"), Some(Field::Facility));
        assert_eq!(words().read("GT_THE_TU"), Reading::NotAField);
        assert_eq!(words().read("Họ tên mẹ"), Reading::SomeoneElse);
        assert_eq!(words().read("Nữ"), Reading::Mark(Sex::Female));
        assert_eq!(
            words().read("Quận/Huyện (cũ)"),
            Reading::OldUnit(Field::District)
        );
        assert!(matches!(
            words().read("Năm sinh (*)"),
            Reading::Field {
                field: Field::Dob,
                year_only: true,
                ..
            }
        ));
        assert_eq!(words().read("Ghi chú"), Reading::NotAField);
        assert_eq!(words().read("Nhóm máu"), Reading::Unknown);
    }

    #[test]
    fn sex_codes_from_hints() {
        let w = words();
        let codes = |h: &str| sex_codes_in_hint(&w.fold(h).hint);
        assert_eq!(
            codes("Giới tính (1: Nam; 0: Nữ)"),
            [
                ("0".to_string(), Some(Sex::Female)),
                ("1".to_string(), Some(Sex::Male))
            ]
        );
        assert_eq!(
            codes("Giới tính (*)\n(0:nam, 1:nữ)"),
            [
                ("0".to_string(), Some(Sex::Male)),
                ("1".to_string(), Some(Sex::Female))
            ]
        );
        assert_eq!(
            codes("Giới tính (1=Nam, 2=Nữ, 3=Chưa xác định)"),
            [
                ("1".to_string(), Some(Sex::Male)),
                ("2".to_string(), Some(Sex::Female)),
                ("3".to_string(), None)
            ]
        );
        assert_eq!(
            codes("Giới tính (Nam: 1, Nữ: 2)"),
            [
                ("1".to_string(), Some(Sex::Male)),
                ("2".to_string(), Some(Sex::Female))
            ]
        );
        assert!(codes("Giới tính (Nam/Nữ)").is_empty());
    }
}
