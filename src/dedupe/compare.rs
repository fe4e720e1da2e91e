//! Field comparisons of two person records and their Fellegi–Sunter score.

use super::config::Weights;
use crate::parse::date::DateValue;
use crate::profile::Sex;
use chrono::Datelike;

/// An ID, normalised for comparison.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum IdKey {
    None,
    /// A 12-digit number (also one Excel shortened, zero-padded back).
    Cccd([u8; 12]),
    /// Another usable number (old 9-digit CMND).
    Other(Box<[u8]>),
    /// Present but unusable (letters, scientific notation, wrong length).
    Invalid,
}

impl IdKey {
    pub fn digits(&self) -> Option<&[u8]> {
        match self {
            IdKey::Cccd(d) => Some(d),
            IdKey::Other(d) => Some(d),
            _ => None,
        }
    }
    pub fn is_cccd(&self) -> bool {
        matches!(self, IdKey::Cccd(_))
    }
    /// True when the cell held something usable as an ID.
    pub fn present(&self) -> bool {
        matches!(self, IdKey::Cccd(_) | IdKey::Other(_))
    }
}

/// One person record: the fields the comparisons use, normalised once.
#[derive(Debug, Clone)]
pub struct Person {
    /// Lower case with diacritics (NFC), single-spaced.
    pub name_norm: Box<str>,
    /// Lower case without diacritics.
    pub name_fold: Box<str>,
    pub dob: DateValue,
    pub sex: Option<Sex>,
    pub id: IdKey,
    /// National form (`0912345678`).
    pub phone: Option<Box<str>>,
    pub commune: Option<Box<str>>,
    pub district: Option<Box<str>>,
    pub address: Option<Box<str>>,
    /// Folded vaccine of the record's first row.
    pub vaccine: Option<Box<str>>,
    /// The record's events: (event key without dates, day number of the date).
    pub events: Vec<(u64, i32)>,
    /// Person records in the file with the same folded name (set after reading).
    pub name_count: u32,
    /// Person records in the file with the same given name (set after reading).
    pub given_count: u32,
}

impl Person {
    pub fn accented(&self) -> bool {
        self.name_norm.len() != self.name_fold.len() || *self.name_norm != *self.name_fold
    }
    pub fn given(&self) -> &str {
        self.name_fold.rsplit(' ').next().unwrap_or("")
    }
    pub fn family(&self) -> &str {
        self.name_fold.split(' ').next().unwrap_or("")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NameLevel {
    #[default]
    Missing,
    Exact,
    Folded,
    AccentDiffers,
    Partial,
    Typo,
    GivenDiffers,
    Differ,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DobLevel {
    #[default]
    Missing,
    Exact,
    Swapped,
    Near,
    YearOff,
    YearOnly,
    Differ,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IdLevel {
    #[default]
    Missing,
    Same,
    Near,
    Differ,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EventsLevel {
    #[default]
    Missing,
    Same,
    Conflict,
    Disjoint,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Agree {
    #[default]
    Missing,
    Agree,
    Differ,
}

/// How two records compare, field by field.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Comparison {
    pub name: NameLevel,
    pub dob: DobLevel,
    pub sex: Agree,
    pub id: IdLevel,
    pub phone: Agree,
    pub commune: Agree,
    pub address: Agree,
    pub vaccine: Agree,
    pub events: EventsLevel,
    pub score: f32,
}

/// One substitution or one swap of adjacent characters, same length.
pub fn near_digits(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    // The first three differing positions, without allocating.
    let mut diff = [0usize; 3];
    let mut n = 0;
    for i in (0..a.len()).filter(|&i| a[i] != b[i]).take(3) {
        diff[n] = i;
        n += 1;
    }
    match diff.get(..n).unwrap_or_default() {
        [_] => true,
        [i, j] => *j == i + 1 && a[*i] == b[*j] && a[*j] == b[*i],
        _ => false,
    }
}

/// Words of a name kept on the stack.
const WORDS: usize = 12;

/// Splits `s` on spaces into `out`; None when it has more than [`WORDS`] words.
fn words<'a>(s: &'a str, out: &mut [&'a str; WORDS]) -> Option<usize> {
    // Split on the byte b' ': it never occurs inside a multi-byte character.
    let mut n = 0;
    let mut start = 0;
    for (i, &b) in s.as_bytes().iter().enumerate() {
        if b == b' ' {
            *out.get_mut(n)? = s.get(start..i).unwrap_or("");
            n += 1;
            start = i + 1;
        }
    }
    *out.get_mut(n)? = s.get(start..).unwrap_or("");
    Some(n + 1)
}

fn cmp_name<'a>(a: &'a Person, b: &'a Person) -> NameLevel {
    if a.name_fold.is_empty() || b.name_fold.is_empty() {
        return NameLevel::Missing;
    }
    if a.name_norm == b.name_norm {
        return NameLevel::Exact;
    }
    if a.name_fold == b.name_fold {
        return if a.accented() && b.accented() {
            NameLevel::AccentDiffers
        } else {
            NameLevel::Folded
        };
    }
    // Words on the stack (names have a handful); a Vec only for long ones.
    let (mut sa, mut sb) = ([""; WORDS], [""; WORDS]);
    let (va, vb): (Vec<&str>, Vec<&str>);
    let wa: &[&str] = match words(&a.name_fold, &mut sa) {
        Some(n) => sa.get(..n).unwrap_or_default(),
        None => {
            va = a.name_fold.split(' ').collect();
            &va
        }
    };
    let wb: &[&str] = match words(&b.name_fold, &mut sb) {
        Some(n) => sb.get(..n).unwrap_or_default(),
        None => {
            vb = b.name_fold.split(' ').collect();
            &vb
        }
    };
    let (ga, gb) = (
        wa.last().copied().unwrap_or(""),
        wb.last().copied().unwrap_or(""),
    );
    let (fa, fb) = (
        wa.first().copied().unwrap_or(""),
        wb.first().copied().unwrap_or(""),
    );
    if wa.len() > 1 && wb.len() > 1 && ga == gb && fa == fb {
        // Family and given name agree: a middle name left out is the same
        // name; another middle name (Minh / Hữu) is another person, unless
        // it is a typo (below).
        let (short, long) = if wa.len() <= wb.len() {
            (wa, wb)
        } else {
            (wb, wa)
        };
        let long_mid = long.get(1..long.len() - 1).unwrap_or_default();
        let short_mid = short.get(1..short.len() - 1).unwrap_or_default();
        if wa.len() != wb.len() && short_mid.iter().all(|w| long_mid.contains(w)) {
            return NameLevel::Partial;
        }
    }
    if wa.len() == wb.len() && wa.len() > 1 && wa[..wa.len() - 1] == wb[..wb.len() - 1] {
        // Same family and middle names: the given name decides. One letter
        // apart is a typo only when one of the two is rare in the file (a
        // misspelling); two common names (Hồng / Hằng) are two people.
        let (ca, cb) = (a.given_count.max(1), b.given_count.max(1));
        let rare = ca.min(cb).saturating_mul(20) < ca.max(cb);
        return if rare && strsim::osa_distance(ga, gb) <= 1 && ga.len().max(gb.len()) >= 4 {
            NameLevel::Typo
        } else {
            NameLevel::GivenDiffers
        };
    }
    // Cheap tests first: most compared pairs are different people.
    let (la, lb) = (a.name_fold.len(), b.name_fold.len());
    let close = |x: &str, y: &str| {
        x == y || (x.len().abs_diff(y.len()) <= 1 && strsim::osa_distance(x, y) <= 1)
    };
    let typo = la.min(lb) >= 8
        && la.abs_diff(lb) <= 2
        && close(fa, fb)
        && close(ga, gb)
        && strsim::osa_distance(&a.name_fold, &b.name_fold) <= 2;
    // Letters run together or split ("Thị Lan" / "ThịLan") count as one edit.
    let squashed = |s: &'a str| s.chars().filter(|c| *c != ' ');
    if typo || (la.abs_diff(lb) <= 3 && squashed(&a.name_fold).eq(squashed(&b.name_fold))) {
        NameLevel::Typo
    } else {
        NameLevel::Differ
    }
}

/// `ddmmyyyy` digits (the year modulo 10000), for one-digit typos.
fn ymd_digits(d: chrono::NaiveDate) -> [u8; 8] {
    let (day, month, year) = (d.day(), d.month(), d.year().rem_euclid(10000) as u32);
    let digit = |n: u32| b'0' + (n % 10) as u8;
    [
        digit(day / 10),
        digit(day),
        digit(month / 10),
        digit(month),
        digit(year / 1000),
        digit(year / 100),
        digit(year / 10),
        digit(year),
    ]
}

fn cmp_dob(a: DateValue, b: DateValue) -> DobLevel {
    use DateValue::*;
    match (a, b) {
        (Full(x), Full(y)) => {
            if x == y {
                DobLevel::Exact
            } else if x.year() == y.year() && x.month() == y.day() && x.day() == y.month() {
                DobLevel::Swapped
            } else if (x.year() - y.year()).abs() == 1
                && x.month() == y.month()
                && x.day() == y.day()
            {
                DobLevel::YearOff
            } else if near_digits(&ymd_digits(x), &ymd_digits(y)) {
                DobLevel::Near
            } else {
                DobLevel::Differ
            }
        }
        (Full(_) | Partial { .. }, Full(_) | Partial { .. }) => {
            if a.year() == b.year() {
                DobLevel::YearOnly
            } else {
                DobLevel::Differ
            }
        }
        _ => DobLevel::Missing,
    }
}

fn cmp_id(a: &IdKey, b: &IdKey) -> IdLevel {
    match (a, b) {
        (IdKey::Cccd(x), IdKey::Cccd(y)) => id_level(x, y),
        (IdKey::Other(x), IdKey::Other(y)) => id_level(x, y),
        _ => IdLevel::Missing,
    }
}

fn id_level(x: &[u8], y: &[u8]) -> IdLevel {
    if x == y {
        IdLevel::Same
    } else if near_digits(x, y) {
        IdLevel::Near
    } else {
        IdLevel::Differ
    }
}

fn agree<T: PartialEq + ?Sized>(a: Option<&T>, b: Option<&T>) -> Agree {
    match (a, b) {
        (Some(x), Some(y)) if x == y => Agree::Agree,
        (Some(_), Some(_)) => Agree::Differ,
        _ => Agree::Missing,
    }
}

fn aw(level: Agree, w: &super::config::AgreeW) -> f32 {
    match level {
        Agree::Agree => w.agree,
        Agree::Differ => w.differ,
        Agree::Missing => 0.0,
    }
}

fn cmp_events(a: &[(u64, i32)], b: &[(u64, i32)], max_days: i64) -> EventsLevel {
    if a.is_empty() || b.is_empty() {
        return EventsLevel::Missing;
    }
    let mut level = EventsLevel::Disjoint;
    for &(ka, da) in a {
        for &(kb, db) in b {
            if ka == kb {
                if (i64::from(da) - i64::from(db)).abs() <= max_days {
                    return EventsLevel::Same;
                }
                level = EventsLevel::Conflict;
            }
        }
    }
    level
}

/// Compares two records and scores the comparison.
pub fn compare(a: &Person, b: &Person, w: &Weights) -> Comparison {
    compare_events(a, b, w, 7)
}

/// [`compare`], with the largest gap in days for two events to be one.
pub fn compare_events(a: &Person, b: &Person, w: &Weights, max_days: i64) -> Comparison {
    let mut c = Comparison {
        name: cmp_name(a, b),
        dob: cmp_dob(a.dob, b.dob),
        sex: agree(a.sex.as_ref(), b.sex.as_ref()),
        id: cmp_id(&a.id, &b.id),
        phone: agree(a.phone.as_deref(), b.phone.as_deref()),
        commune: agree(a.commune.as_deref(), b.commune.as_deref()),
        address: agree(a.address.as_deref(), b.address.as_deref()),
        vaccine: agree(a.vaccine.as_deref(), b.vaccine.as_deref()),
        events: cmp_events(&a.events, &b.events, max_days),
        score: 0.0,
    };
    let n = &w.name;
    let d = &w.dob;
    let common = a.name_count.min(b.name_count).max(2) as f32;
    let tf = (n.frequent_penalty * (common / 2.0).log2()).clamp(0.0, n.frequent_max.max(0.0));
    c.score = match c.name {
        NameLevel::Missing => 0.0,
        NameLevel::Exact => n.exact - tf,
        NameLevel::Folded => n.folded - tf,
        NameLevel::AccentDiffers => n.accent_differs,
        NameLevel::Partial => n.partial,
        NameLevel::Typo => n.typo,
        NameLevel::GivenDiffers => n.given_differs,
        NameLevel::Differ => n.differ,
    } + match c.dob {
        DobLevel::Missing => 0.0,
        DobLevel::Exact => d.exact,
        DobLevel::Swapped => d.swapped,
        DobLevel::Near => d.near,
        DobLevel::YearOff => d.year_off,
        DobLevel::YearOnly => d.year_only,
        DobLevel::Differ => d.differ,
    } + match c.id {
        IdLevel::Missing => 0.0,
        IdLevel::Same => w.id.same,
        IdLevel::Near => w.id.near,
        IdLevel::Differ => w.id.differ,
    } + aw(c.sex, &w.sex)
        + aw(c.phone, &w.phone)
        + aw(c.commune, &w.commune)
        + aw(c.address, &w.address)
        + aw(c.vaccine, &w.vaccine)
        + match c.events {
            EventsLevel::Missing => 0.0,
            EventsLevel::Same => w.events.same,
            EventsLevel::Conflict => w.events.conflict,
            EventsLevel::Disjoint => w.events.disjoint,
        };
    c
}

/// A field key of [`Comparison::fields`] in words (`dob~swapped` →
/// "ngày sinh (đảo ngày/tháng)").
pub fn field_label(key: &str, en: bool) -> String {
    let (field, how) = key.split_once('~').unwrap_or((key, ""));
    let f = match (field, en) {
        ("full_name", false) => "họ tên",
        ("dob", false) => "ngày sinh",
        ("id", false) => "số định danh",
        ("sex", false) => "giới tính",
        ("phone", false) => "số điện thoại",
        ("commune", false) => "xã",
        ("address", false) => "địa chỉ",
        ("vaccine", false) => "vắc xin",
        ("event", false) => "mũi tiêm",
        ("full_name", true) => "name",
        ("dob", true) => "date of birth",
        ("id", true) => "ID",
        ("event", true) => "dose",
        (other, _) => other,
    };
    let h = match (how, en) {
        ("", _) => "",
        ("swapped", false) => " (đảo ngày/tháng)",
        ("typo", false) => " (lệch một ký tự)",
        ("year_off", false) => " (lệch một năm)",
        ("year", false) => " (chỉ có năm)",
        ("middle", false) => " (thiếu tên đệm)",
        ("accents", false) => " (khác dấu)",
        ("swapped", true) => " (day/month swapped)",
        ("typo", true) => " (one character off)",
        ("year_off", true) => " (year one off)",
        ("year", true) => " (year only)",
        ("middle", true) => " (middle name missing)",
        ("accents", true) => " (other diacritics)",
        (_, _) => "",
    };
    format!("{f}{h}")
}

impl Comparison {
    /// The agreeing fields in words, for messages.
    pub fn agreed_labels(&self, en: bool) -> Vec<String> {
        self.fields().0.iter().map(|k| field_label(k, en)).collect()
    }

    /// Field names that agreed and that disagreed (`dob~swapped` for partial agreement).
    pub fn fields(&self) -> (Vec<&'static str>, Vec<&'static str>) {
        let mut yes = Vec::new();
        let mut no = Vec::new();
        match self.name {
            NameLevel::Exact | NameLevel::Folded => yes.push("full_name"),
            NameLevel::Partial => yes.push("full_name~middle"),
            NameLevel::Typo => yes.push("full_name~typo"),
            NameLevel::AccentDiffers => yes.push("full_name~accents"),
            NameLevel::GivenDiffers | NameLevel::Differ => no.push("full_name"),
            NameLevel::Missing => {}
        }
        match self.dob {
            DobLevel::Exact => yes.push("dob"),
            DobLevel::Swapped => yes.push("dob~swapped"),
            DobLevel::Near => yes.push("dob~typo"),
            DobLevel::YearOff => yes.push("dob~year_off"),
            DobLevel::YearOnly => yes.push("dob~year"),
            DobLevel::Differ => no.push("dob"),
            DobLevel::Missing => {}
        }
        match self.id {
            IdLevel::Same => yes.push("id"),
            IdLevel::Near => yes.push("id~typo"),
            IdLevel::Differ => no.push("id"),
            IdLevel::Missing => {}
        }
        for (name, a) in [
            ("sex", self.sex),
            ("phone", self.phone),
            ("commune", self.commune),
            ("address", self.address),
            ("vaccine", self.vaccine),
        ] {
            match a {
                Agree::Agree => yes.push(name),
                Agree::Differ => no.push(name),
                Agree::Missing => {}
            }
        }
        match self.events {
            EventsLevel::Same => yes.push("event"),
            EventsLevel::Conflict => no.push("event"),
            _ => {}
        }
        (yes, no)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_like_str_split() {
        for s in [
            "",
            " ",
            "a",
            "nguyen thi lan",
            " a  b ",
            "đ ư ơ",
            "a b c d e f g h i j k l",
        ] {
            let mut out = [""; WORDS];
            let n = words(s, &mut out).unwrap();
            assert_eq!(
                &out[..n],
                s.split(' ').collect::<Vec<_>>().as_slice(),
                "{s:?}"
            );
        }
        assert!(words("a b c d e f g h i j k l m", &mut [""; WORDS]).is_none());
    }
    use crate::dedupe::config::Config;
    use crate::text::{fold, normalize};
    use chrono::NaiveDate;

    fn p(name: &str, dob: (i32, u32, u32), sex: Sex, id: &str) -> Person {
        Person {
            name_norm: normalize(name).into(),
            name_fold: fold(name).into(),
            dob: DateValue::Full(NaiveDate::from_ymd_opt(dob.0, dob.1, dob.2).unwrap()),
            sex: Some(sex),
            id: if id.is_empty() {
                IdKey::None
            } else {
                let mut d = [0u8; 12];
                d.copy_from_slice(id.as_bytes());
                IdKey::Cccd(d)
            },
            phone: None,
            commune: None,
            district: None,
            address: None,
            vaccine: None,
            events: Vec::new(),
            name_count: 1,
            given_count: 1,
        }
    }

    #[test]
    fn name_levels() {
        let w = Config::embedded().unwrap().weights;
        let a = p("Nguyễn Thị Lan", (1990, 5, 12), Sex::Female, "");
        let lvl = |n: &str| compare(&a, &p(n, (1990, 5, 12), Sex::Female, ""), &w).name;
        assert_eq!(lvl("Nguyễn Thị Lan"), NameLevel::Exact);
        assert_eq!(lvl("NGUYEN THI LAN"), NameLevel::Folded);
        assert_eq!(lvl("Nguyễn Thị Lán"), NameLevel::AccentDiffers);
        assert_eq!(lvl("Nguyễn Lan"), NameLevel::Partial);
        assert_eq!(lvl("Nguyễn Thi Lam"), NameLevel::GivenDiffers);
        assert_eq!(lvl("Nguyễn Thị Hoa"), NameLevel::GivenDiffers);
        assert_eq!(lvl("Nguyen Thji Lan"), NameLevel::Typo);
        assert_eq!(lvl("Trần Văn Hùng"), NameLevel::Differ);
        assert_eq!(lvl("Nguyễn Minh Lan"), NameLevel::Differ);
        assert_eq!(lvl("Nguyễn Thị Ngọc Lan"), NameLevel::Partial);
        assert_eq!(lvl("Ngyuen Thi Lan"), NameLevel::Typo);
        assert_eq!(lvl("Trần Thị Lan"), NameLevel::Differ);
        let mut b = p("Nguyễn Thị Hương", (1990, 5, 12), Sex::Female, "");
        let c = p("Nguyễn Thị Huowng", (1990, 5, 12), Sex::Female, "");
        // one letter apart: a typo only when one spelling is rare in the file
        assert_eq!(compare(&b, &c, &w).name, NameLevel::GivenDiffers);
        b.given_count = 40;
        assert_eq!(compare(&b, &c, &w).name, NameLevel::Typo);
    }

    #[test]
    fn dob_and_id_levels() {
        let w = Config::embedded().unwrap().weights;
        let a = p("A B", (1990, 5, 12), Sex::Female, "001190012345");
        let c = |dob, id: &str| compare(&a, &p("A B", dob, Sex::Female, id), &w);
        assert_eq!(c((1990, 12, 5), "").dob, DobLevel::Swapped);
        assert_eq!(c((1991, 5, 12), "").dob, DobLevel::YearOff);
        assert_eq!(c((1990, 5, 13), "").dob, DobLevel::Near);
        assert_eq!(c((1960, 5, 12), "").dob, DobLevel::Near); // one digit: 1990 / 1960
        assert_eq!(c((1975, 5, 12), "").dob, DobLevel::Differ);
        assert_eq!(c((1990, 5, 12), "001190012354").id, IdLevel::Near);
        assert_eq!(c((1990, 5, 12), "001190012346").id, IdLevel::Near);
        assert_eq!(c((1990, 5, 12), "001190099999").id, IdLevel::Differ);
        assert_eq!(c((1990, 5, 12), "").id, IdLevel::Missing);
        let (yes, no) = c((1990, 12, 5), "001190099999").fields();
        assert!(
            yes.contains(&"dob~swapped") && no.contains(&"id"),
            "{yes:?} {no:?}"
        );
        assert_eq!(
            field_label("dob~swapped", false),
            "ngày sinh (đảo ngày/tháng)"
        );
        assert_eq!(field_label("full_name", true), "name");
    }
}
