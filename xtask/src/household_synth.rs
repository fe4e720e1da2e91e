//! `synth --profile household`: a residence-style household list (one row
//! per member) with known household problems, and the truth (line, rule).
//!
//! Households have a head (25–65 years old), often a spouse, children born
//! after the head was 18, sometimes a parent or a grandchild; every row
//! repeats the head's name and ID and gives the household's commune. The
//! rows of a window of households are shuffled, so a household's members
//! are spread over the file. A problem household has one of:
//!
//! - no head (the head's row left out): HH001 on its first row;
//! - the spouse also marked "Chủ hộ": HH002 on the spouse's row (the other
//!   rows name the real head);
//! - a member repeating another head's name: HH003 on that row;
//! - a member's relationship empty or unknown: HH004 on that row;
//! - a head alone, 15–17 years old: HH005 on that row;
//! - a member in another commune: HH006 on that row;
//! - the head of an earlier household listed again as a grandchild in a
//!   new one: HH007 on that row (the household they head is kept).
//!
//! Everything else is clean (valid IDs agreeing with sex and birth year,
//! real dates, known relationships), so every finding is one of these.

use crate::synth::{sex_label, Gen};
use chrono::{Datelike, Days, NaiveDate};
use lamsach_model::profile::Sex;
use std::io::Write;

const HEADER: &[&str] = &[
    "Mã hộ gia đình",
    "Họ tên chủ hộ",
    "Số CCCD/ĐDCN chủ hộ",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Số định danh cá nhân",
    "Quan hệ với chủ hộ",
    "Xã",
];

const COMMUNES: &[&str] = &[
    "Hành Thiện",
    "Hành Đức",
    "Hành Phước",
    "Hành Tín Đông",
    "Hành Tín Tây",
    "Nghĩa Kỳ",
    "Nghĩa Thuận",
    "Tịnh Hà",
    "Tịnh Sơn",
    "Đức Phổ",
    "Phổ Châu",
    "Ba Tơ",
];

/// Households whose rows are shuffled together.
const WINDOW: usize = 64;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Problem {
    NoHead,
    SeveralHeads,
    HeadMismatch,
    Relation,
    YoungHead,
    Commune,
    TwoHouseholds,
}

const PROBLEMS: [Problem; 7] = [
    Problem::NoHead,
    Problem::SeveralHeads,
    Problem::HeadMismatch,
    Problem::Relation,
    Problem::YoungHead,
    Problem::Commune,
    Problem::TwoHouseholds,
];

#[derive(Clone)]
struct Member {
    name: String,
    dob: NaiveDate,
    sex: Sex,
    id: String,
    relation: &'static str,
}

struct Row {
    household: usize,
    cells: Vec<String>,
    rule: Option<&'static str>,
}

fn years_before(d: NaiveDate, from: i32, to: i32, g: &mut Gen) -> NaiveDate {
    let a = d.with_year(d.year() - to).unwrap_or(d);
    let b = d.with_year(d.year() - from).unwrap_or(d);
    g.date_between(a, b)
}

fn person(
    g: &mut Gen,
    sex: Sex,
    dob: NaiveDate,
    family: Option<&str>,
    rel: &'static str,
) -> Member {
    let mut name = g.name(sex);
    if let (Some(f), Some((_, rest))) = (family, name.clone().split_once(' ')) {
        name = format!("{f} {rest}");
    }
    Member {
        id: g.id_for(sex, dob.year()),
        name,
        dob,
        sex,
        relation: rel,
    }
}

fn other(s: Sex) -> Sex {
    match s {
        Sex::Male => Sex::Female,
        Sex::Female => Sex::Male,
    }
}

/// A clean household: head first.
fn household(g: &mut Gen, today: NaiveDate, size: usize) -> Vec<Member> {
    let sex = if g.rng.u32(0..10) < 7 {
        Sex::Male
    } else {
        Sex::Female
    };
    let head_dob = years_before(today, 25, 65, g);
    let head = person(g, sex, head_dob, None, "Chủ hộ");
    let family = head.name.split(' ').next().unwrap_or("Nguyễn").to_string();
    let mut v = vec![head];
    if size >= 2 {
        let dob = years_before(head_dob, -5, 5, g).min(years_before(today, 20, 20, g));
        let rel = if sex == Sex::Male { "Vợ" } else { "Chồng" };
        v.push(person(g, other(sex), dob, None, rel));
    }
    let earliest_child = head_dob.with_year(head_dob.year() + 19).unwrap_or(head_dob);
    for _ in 2..size {
        let rel = *g.pick(&["Con", "Con", "Con", "Cháu", "Mẹ", "Con"]);
        let dob = match rel {
            "Mẹ" => years_before(head_dob, 20, 30, g),
            "Cháu" => g.date_between(
                earliest_child
                    .with_year(earliest_child.year() + 19)
                    .unwrap_or(today)
                    .min(today - Days::new(400)),
                today - Days::new(30),
            ),
            _ => g.date_between(
                earliest_child.min(today - Days::new(400)),
                today - Days::new(30),
            ),
        };
        let s = if g.rng.bool() { Sex::Male } else { Sex::Female };
        let fam = (rel != "Mẹ").then_some(family.as_str());
        v.push(person(g, s, dob, fam, rel));
    }
    v
}

fn cells(code: &str, head: &Member, m: &Member, commune: &str) -> Vec<String> {
    vec![
        code.to_string(),
        head.name.clone(),
        head.id.clone(),
        m.name.clone(),
        m.dob.format("%d/%m/%Y").to_string(),
        sex_label(m.sex).to_string(),
        m.id.clone(),
        m.relation.to_string(),
        commune.to_string(),
    ]
}

fn quote(c: &str) -> String {
    if c.contains(',') || c.contains('"') {
        format!("\"{}\"", c.replace('"', "\"\""))
    } else {
        c.to_string()
    }
}

/// Writes exactly `rows` data rows and the truth; returns the rows written.
pub fn generate(
    rows: usize,
    problem_rate: f64,
    seed: u64,
    today: NaiveDate,
    out: &mut dyn Write,
    truth: &mut dyn Write,
) -> std::io::Result<usize> {
    let mut g = Gen::new(seed, today);
    writeln!(out, "{}", HEADER.join(","))?;
    writeln!(truth, "line,rule")?;
    let mut line = 1u64;
    let mut planned = 0usize;
    let mut seq = 0usize;
    // heads of clean households written, to list again (HH007)
    let mut heads: Vec<Member> = Vec::new();
    let mut window: Vec<Row> = Vec::new();
    // households of the window with no head: HH001 on their first row
    let mut headless: Vec<usize> = Vec::new();
    while planned < rows {
        seq += 1;
        let code = format!("HGD{seq:08}");
        let commune = *g.pick(COMMUNES);
        let left = rows - planned;
        let problem = (g.rng.f64() < problem_rate).then(|| *g.pick(&PROBLEMS));
        let size = g.rng.usize(1..=6).min(left);
        let need = match problem {
            Some(
                Problem::NoHead | Problem::Commune | Problem::HeadMismatch | Problem::Relation,
            ) => 2,
            Some(Problem::SeveralHeads) => 3,
            Some(Problem::YoungHead) => 1,
            Some(Problem::TwoHouseholds) => 2,
            None => 1,
        };
        let (problem, size) =
            if left < need || (problem == Some(Problem::TwoHouseholds) && heads.is_empty()) {
                (None, 1)
            } else {
                (problem, size.max(need))
            };
        let mut members = match problem {
            Some(Problem::YoungHead) => {
                let dob = years_before(today, 15, 17, &mut g);
                let sex = if g.rng.bool() { Sex::Male } else { Sex::Female };
                vec![person(&mut g, sex, dob, None, "Chủ hộ")]
            }
            Some(Problem::TwoHouseholds) => household(&mut g, today, size - 1),
            _ => household(&mut g, today, size),
        };
        let head = members[0].clone();
        let mut rules: Vec<Option<&'static str>> = vec![None; members.len()];
        let mut communes: Vec<&str> = vec![commune; members.len()];
        let mut head_names: Vec<String> = vec![head.name.clone(); members.len()];
        match problem {
            Some(Problem::SeveralHeads) => {
                members[1].relation = "Chủ hộ";
                rules[1] = Some("HH002");
            }
            Some(Problem::HeadMismatch) => {
                let k = g.rng.usize(1..members.len());
                let mut n = g.name(head.sex);
                while n == head.name {
                    n = g.name(head.sex);
                }
                head_names[k] = n;
                rules[k] = Some("HH003");
            }
            Some(Problem::Relation) => {
                let k = g.rng.usize(1..members.len());
                members[k].relation = *g.pick(&["", "Bạn", "Hàng xóm", "?"]);
                rules[k] = Some("HH004");
            }
            Some(Problem::YoungHead) => rules[0] = Some("HH005"),
            Some(Problem::Commune) => {
                let k = g.rng.usize(1..members.len());
                let mut c = *g.pick(COMMUNES);
                while c == commune {
                    c = *g.pick(COMMUNES);
                }
                communes[k] = c;
                rules[k] = Some("HH006");
            }
            Some(Problem::TwoHouseholds) => {
                let mut again = heads[g.rng.usize(0..heads.len())].clone();
                again.relation = "Cháu";
                members.push(again);
                rules.push(Some("HH007"));
                communes.push(commune);
                head_names.push(head.name.clone());
            }
            Some(Problem::NoHead) | None => {}
        }
        let skip_head = problem == Some(Problem::NoHead);
        if skip_head {
            headless.push(seq);
        }
        if problem.is_none() && (members.len() == 1 || g.rng.u32(0..4) == 0) {
            heads.push(head.clone());
            if heads.len() > 4096 {
                heads.drain(..2048);
            }
        }
        for (i, m) in members.iter().enumerate() {
            if skip_head && i == 0 {
                continue;
            }
            let mut c = cells(&code, &head, m, communes[i]);
            c[1] = head_names[i].clone();
            window.push(Row {
                household: seq,
                cells: c,
                rule: rules[i],
            });
            planned += 1;
        }
        if window.len() >= WINDOW * 3 || planned >= rows {
            g.rng.shuffle(&mut window);
            let mut first_line: rustc_hash::FxHashMap<usize, u64> = Default::default();
            for r in window.drain(..) {
                line += 1;
                let joined: Vec<String> = r.cells.iter().map(|c| quote(c)).collect();
                writeln!(out, "{}", joined.join(","))?;
                if let Some(rule) = r.rule {
                    writeln!(truth, "{line},{rule}")?;
                }
                first_line.entry(r.household).or_insert(line);
            }
            for h in headless.drain(..) {
                if let Some(l) = first_line.get(&h) {
                    writeln!(truth, "{l},HH001")?;
                }
            }
        }
    }
    Ok(planned)
}
