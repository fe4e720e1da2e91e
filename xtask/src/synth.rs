//! Synthetic exports with known problems, and scoring of a run against them.
//!
//! `cargo xtask synth` writes a realistic export in which a share of rows
//! carries exactly one injected problem, and a truth file listing every
//! finding the rules must report (`line,rule`). Clean rows are clean by
//! construction: IDs agree with sex and birth year, dates are real, events
//! are unique. `cargo xtask score` compares an `issues.csv` with the truth
//! and prints precision and recall per rule. Together they measure the rules
//! at any scale.
//!
//! Shared IDs (DUP002) are generated as `--conflicts both` by default: each
//! conflict has a rightful owner whose rows are clean and one wrong row,
//! written before or after the owner's rows, and the checker's rules for
//! blaming the wrong holder (sex and birth year agreeing with the ID, else
//! more rows) always decide it. `--conflicts after` keeps the simpler
//! conflicts in which a later row borrows an earlier person's ID and is the
//! one flagged. See [`Conflicts`].

use chrono::{Datelike, Days, NaiveDate};
use clap::Args;
use lamsach_io::error::{Error, Result};
use lamsach_model::parse::id::IdStructure;
use lamsach_model::profile::Sex;
use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct SynthArgs {
    /// Số dòng dữ liệu / number of data rows
    #[arg(long, default_value_t = 1000)]
    pub rows: usize,
    /// vaccination, bhxh, education or household
    #[arg(long, default_value = "vaccination")]
    pub profile: String,
    /// Tỷ lệ dòng có lỗi cài sẵn / share of rows with an injected problem
    #[arg(long, default_value_t = 0.2)]
    pub problem_rate: f64,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Ngày chạy giả định (dùng cùng giá trị cho `check --today`) / the run date to assume
    #[arg(long, default_value = "2026-11-23")]
    pub today: NaiveDate,
    /// Tệp CSV sinh ra / the export to write
    #[arg(long)]
    pub out: PathBuf,
    /// Tệp đáp án line,rule / ground truth to write
    #[arg(long)]
    pub truth: PathBuf,
    /// Thứ tự dòng sai so với chủ số định danh / where the wrong row of a shared ID goes
    #[arg(long, value_enum, default_value_t = Conflicts::Both)]
    pub conflicts: Conflicts,
}

/// How shared-ID conflicts (DUP002) are generated.
#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Conflicts {
    /// Dòng sai luôn sau người chủ / a new person borrows the ID of an earlier
    /// clean person (same sex and birth year); the truth flags the later row
    After,
    /// Dòng sai trước hoặc sau người chủ (mặc định) / the default: the wrong
    /// row is written before or after the rightful owner's rows (about half
    /// each), and the truth flags only the wrong row. Vaccination owners have
    /// 2–3 doses. The wrong holder is either another person of the owner's
    /// sex and birth year (vaccination only: the owner wins by having more
    /// rows) or a relative in the same commune with the same family name,
    /// whose own sex and birth year contradict the ID's structure (the row
    /// also gets ID006/ID007/ID008): one generation apart (vaccination,
    /// bhxh), a sibling 1–6 years apart (education)
    #[default]
    Both,
}

/// What [`generate_with`] writes: the settings of [`SynthArgs`] without the files.
#[derive(Clone, Copy, Debug)]
pub struct Spec<'a> {
    pub profile: &'a str,
    pub rows: usize,
    pub problem_rate: f64,
    pub seed: u64,
    pub today: NaiveDate,
    pub conflicts: Conflicts,
}

#[derive(Args, Debug)]
pub struct ScoreArgs {
    /// Tệp đáp án của synth / truth file written by synth
    #[arg(long)]
    pub truth: PathBuf,
    /// issues.csv của lần chạy check / issues.csv of the check run
    #[arg(long)]
    pub issues: PathBuf,
    /// Ghi kết quả JSON / also write the scores as JSON here
    #[arg(long)]
    pub json: Option<PathBuf>,
}

impl SynthArgs {
    /// `cargo xtask synth --out OUT --truth TRUTH`: the other flags at their defaults.
    pub fn new(out: &Path, truth: &Path) -> Self {
        crate::args::parse_args(&[
            "--out".as_ref(),
            out.as_os_str(),
            "--truth".as_ref(),
            truth.as_os_str(),
        ])
    }
}

const FAMILY: &[(&str, u32)] = &[
    ("Nguyễn", 380),
    ("Trần", 110),
    ("Lê", 95),
    ("Phạm", 70),
    ("Hoàng", 51),
    ("Huỳnh", 30),
    ("Phan", 45),
    ("Vũ", 39),
    ("Võ", 25),
    ("Đặng", 21),
    ("Bùi", 20),
    ("Đỗ", 14),
    ("Hồ", 13),
    ("Ngô", 13),
    ("Dương", 10),
    ("Lý", 5),
    ("Ma", 4),
    ("Nông", 4),
    ("Triệu", 3),
    ("Hà", 3),
];
const MIDDLE_M: &[&str] = &[
    "Văn", "Hữu", "Đức", "Minh", "Quốc", "Công", "Thanh", "Xuân", "Đình", "Ngọc",
];
const MIDDLE_F: &[&str] = &[
    "Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mỹ", "Phương", "Hồng",
];
const GIVEN_M: &[&str] = &[
    "Hùng", "Dũng", "Tuấn", "Minh", "Nam", "Long", "Hải", "Sơn", "Thắng", "Quang", "Khải", "Phúc",
    "Tài", "Đạt", "Hiếu", "Trung", "Kiên", "Việt", "Cường", "Đông", "Bình", "Toàn", "Lực", "Tiến",
    "Khoa", "Huy", "Bảo", "Anh", "Thành", "Vinh",
];
const GIVEN_F: &[&str] = &[
    "Lan",
    "Hoa",
    "Mai",
    "Thu",
    "Hằng",
    "Nga",
    "Hương",
    "Yến",
    "Dung",
    "Bích",
    "Lụa",
    "Kim",
    "Ngọc",
    "Trang",
    "Linh",
    "Thảo",
    "Hạnh",
    "Phượng",
    "Ánh",
    "Nhung",
    "Quyên",
    "Vân",
    "Oanh",
    "Tâm",
    "Uyên",
    "Loan",
    "Diệp",
    "Châu",
    "Xuân",
    "Hà",
];
const DISTRICTS: &[(&str, &[&str])] = &[
    (
        "Chiêm Hóa",
        &["Vĩnh Lộc", "Yên Nguyên", "Phúc Sơn", "Hà Lang"],
    ),
    ("Hàm Yên", &["Tân Yên", "Thái Sơn", "Phù Lưu", "Yên Phú"]),
    ("Lâm Bình", &["Lăng Can", "Thượng Lâm", "Khuôn Hà"]),
    ("Na Hang", &["Năng Khả", "Thanh Tương", "Sơn Phú"]),
    (
        "Sơn Dương",
        &["Tân Trào", "Hợp Thành", "Sơn Nam", "Đông Thọ", "Kháng Nhật"],
    ),
    (
        "Yên Sơn",
        &["Lang Quán", "Chân Sơn", "Thắng Quân", "Mỹ Bằng"],
    ),
    (
        "TP Tuyên Quang",
        &["Phan Thiết", "Minh Xuân", "Tân Quang", "Ỷ La"],
    ),
];
const PROVINCES: &[&str] = &[
    "008", "008", "008", "008", "001", "079", "019", "025", "002", "010",
];
const VACCINES: &[&str] = &["AstraZeneca", "Pfizer", "Moderna", "Vero Cell", "Sputnik V"];
const EMPLOYERS: &[&str] = &[
    "Công ty TNHH May Tuyên Quang",
    "UBND huyện Yên Sơn",
    "Trường THPT Chuyên",
    "Công ty CP Xi măng",
    "Bệnh viện Đa khoa tỉnh",
    "Hộ gia đình",
];
const SCHOOLS: &[&str] = &[
    "Trường Hồng Thái",
    "Trường Phan Thiết",
    "Trường Tân Trào",
    "Trường Ỷ La",
];

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Vaccination,
    Bhxh,
    Education,
}

#[derive(Clone)]
struct Person {
    name: String,
    sex: Sex,
    dob: NaiveDate,
    id: String,
    phone: String,
    district: usize,
    commune: usize,
    bhxh: String,
}

pub(crate) struct Gen {
    pub(crate) rng: fastrand::Rng,
    used_ids: rustc_hash::FxHashSet<String>,
    kind: Kind,
    today: NaiveDate,
    family_total: u32,
}

fn fmt_date(rng: &mut fastrand::Rng, d: NaiveDate) -> String {
    match rng.u32(0..100) {
        0..70 => d.format("%d/%m/%Y").to_string(),
        70..85 => format!("{}/{}/{}", d.day(), d.month(), d.year()),
        85..95 => d.format("%Y-%m-%d").to_string(),
        _ => {
            let base = NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or_default();
            (d - base).num_days().to_string()
        }
    }
}

fn dmy(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

pub(crate) fn sex_label(s: Sex) -> &'static str {
    match s {
        Sex::Male => "Nam",
        Sex::Female => "Nữ",
    }
}

impl Gen {
    /// A generator of people (names, IDs) for the other synthetic exports.
    pub(crate) fn new(seed: u64, today: NaiveDate) -> Gen {
        Gen {
            rng: fastrand::Rng::with_seed(seed),
            used_ids: Default::default(),
            kind: Kind::Vaccination,
            today,
            family_total: FAMILY.iter().map(|f| f.1).sum(),
        }
    }

    pub(crate) fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.rng.usize(0..v.len())]
    }

    pub(crate) fn date_between(&mut self, from: NaiveDate, to: NaiveDate) -> NaiveDate {
        let span = (to - from).num_days().max(1) as u64;
        from + Days::new(self.rng.u64(0..span))
    }

    pub(crate) fn name(&mut self, sex: Sex) -> String {
        let mut r = self.rng.u32(0..self.family_total);
        let mut family = FAMILY[0].0;
        for (f, w) in FAMILY {
            if r < *w {
                family = f;
                break;
            }
            r -= w;
        }
        let (mid, giv) = match sex {
            Sex::Male => (MIDDLE_M, GIVEN_M),
            Sex::Female => (MIDDLE_F, GIVEN_F),
        };
        let m = *self.pick(mid);
        let g = *self.pick(giv);
        if self.rng.u32(0..10) == 0 {
            let m2 = *self.pick(mid);
            format!("{family} {m} {m2} {g}")
        } else {
            format!("{family} {m} {g}")
        }
    }

    /// A unique 12-digit ID agreeing with sex and birth year.
    pub(crate) fn id_for(&mut self, sex: Sex, year: i32) -> String {
        let digit = IdStructure::digit_for(year, sex).unwrap_or(0);
        loop {
            let prov = *self.pick(PROVINCES);
            let id = format!(
                "{prov}{digit}{:02}{:06}",
                year.rem_euclid(100),
                self.rng.u32(0..1_000_000)
            );
            if self.used_ids.insert(id.clone()) {
                return id;
            }
        }
    }

    fn phone(&mut self) -> String {
        let p = *self.pick(&["09", "03", "08", "07", "05"]);
        format!("{p}{:08}", self.rng.u32(0..100_000_000))
    }

    fn dob_range(&self) -> (NaiveDate, NaiveDate) {
        let y = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
        match self.kind {
            Kind::Vaccination => (y(1930, 1, 1), y(2015, 12, 31)),
            Kind::Bhxh => (y(1950, 1, 1), y(2008, 12, 31)),
            Kind::Education => (y(2009, 1, 1), y(2023, 12, 31)),
        }
    }

    fn person(&mut self) -> Person {
        let sex = if self.rng.bool() {
            Sex::Male
        } else {
            Sex::Female
        };
        let (a, b) = self.dob_range();
        let dob = self.date_between(a, b);
        let district = self.rng.usize(0..DISTRICTS.len());
        let commune = self.rng.usize(0..DISTRICTS[district].1.len());
        Person {
            name: self.name(sex),
            sex,
            dob,
            id: self.id_for(sex, dob.year()),
            phone: self.phone(),
            district,
            commune,
            bhxh: format!("{:010}", self.rng.u64(0..10_000_000_000)),
        }
    }

    fn school_level(&mut self, age: i32) -> &'static str {
        match age {
            ..=5 => "Mầm non",
            6..=10 => "Tiểu học",
            11..=14 => "THCS",
            _ => {
                const UPPER: [&str; 3] = ["THPT", "THPT", "GDTX"];
                UPPER[self.rng.usize(0..UPPER.len())]
            }
        }
    }
}

fn header(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Vaccination => &[
            "Họ và tên",
            "Ngày sinh",
            "Giới tính",
            "Số CCCD",
            "Số điện thoại",
            "Huyện",
            "Xã",
            "Cơ sở tiêm",
            "Vắc xin",
            "Mũi",
            "Ngày tiêm",
        ],
        Kind::Bhxh => &[
            "Họ và tên",
            "Ngày sinh",
            "Giới tính",
            "Số định danh cá nhân",
            "Mã số BHXH",
            "Số thẻ BHYT",
            "Đơn vị",
            "Huyện",
            "Xã",
        ],
        Kind::Education => &[
            "Họ và tên",
            "Ngày sinh",
            "Giới tính",
            "Mã định danh",
            "Trường",
            "Cấp học",
            "Lớp",
            "Huyện",
            "Xã",
        ],
    }
}

/// Column positions shared by all kinds.
const NAME: usize = 0;
const DOB: usize = 1;
const SEX: usize = 2;
const ID: usize = 3;

/// The problems the generator can inject into one row, with the rules they
/// must trigger. Person-level problems go to people with a single row so
/// that their other rows cannot interfere.
#[derive(Clone, Copy, Debug)]
enum Inject {
    IdMissing,
    IdScientific,
    IdSeparators,
    IdNonDigit,
    IdWrongLength,
    IdDroppedZeros,
    IdCmnd,
    IdProvince,
    IdSexDigit,
    IdCentury,
    IdYear,
    NameMissing,
    NameInvalid,
    DobMissing,
    DobUnparseable,
    DobImpossible,
    DobFuture,
    DobTooOld,
    DobPartial,
    SexMissing,
    SexInvalid,
    FieldMissing,
    PhoneInvalid,
    VaccDateInvalid,
    VaccBeforeBirth,
    VaccFuture,
    BhxhInvalid,
    BhytInvalid,
    BhytMismatch,
    SchoolAge,
    SchoolUnknown,
    Duplicate,
    /// One ID, two people with different birth dates: see [`Conflicts`].
    SharedId,
    Ragged,
    UnclosedQuote,
    BadUtf8,
}

const COMMON: &[Inject] = &[
    Inject::IdMissing,
    Inject::IdScientific,
    Inject::IdSeparators,
    Inject::IdNonDigit,
    Inject::IdWrongLength,
    Inject::IdDroppedZeros,
    Inject::IdCmnd,
    Inject::IdProvince,
    Inject::IdSexDigit,
    Inject::IdCentury,
    Inject::IdYear,
    Inject::NameMissing,
    Inject::NameInvalid,
    Inject::DobMissing,
    Inject::DobUnparseable,
    Inject::DobImpossible,
    Inject::DobPartial,
    Inject::SexMissing,
    Inject::SexInvalid,
    Inject::FieldMissing,
    Inject::Duplicate,
    Inject::SharedId,
    Inject::Ragged,
    Inject::UnclosedQuote,
    Inject::BadUtf8,
];

fn injections(kind: Kind) -> Vec<Inject> {
    let mut v = COMMON.to_vec();
    match kind {
        Kind::Vaccination => v.extend([
            Inject::DobFuture,
            Inject::DobTooOld,
            Inject::PhoneInvalid,
            Inject::VaccDateInvalid,
            Inject::VaccBeforeBirth,
            Inject::VaccFuture,
        ]),
        Kind::Bhxh => v.extend([
            Inject::DobTooOld,
            Inject::BhxhInvalid,
            Inject::BhytInvalid,
            Inject::BhytMismatch,
        ]),
        Kind::Education => v.extend([Inject::SchoolAge, Inject::SchoolUnknown]),
    }
    v
}

fn kind_of(profile: &str) -> Option<Kind> {
    match profile {
        "vaccination" => Some(Kind::Vaccination),
        "bhxh" => Some(Kind::Bhxh),
        "education" => Some(Kind::Education),
        _ => None,
    }
}

/// One row's cells (as strings) before writing.
struct Row {
    cells: Vec<String>,
    /// Raw bytes to write instead of the cells (broken rows).
    raw: Option<Vec<u8>>,
    rules: Vec<&'static str>,
}

pub fn run_synth(a: &SynthArgs) -> Result<ExitCode> {
    if kind_of(&a.profile).is_none() && a.profile != "household" {
        return Err(Error::Usage(format!(
            "synth: hồ sơ không hỗ trợ / unsupported profile '{}'",
            a.profile
        )));
    }
    let werr = |p: &PathBuf| {
        let p = p.clone();
        move |source| Error::Write {
            path: p.clone(),
            source,
        }
    };
    let mut out = BufWriter::with_capacity(1 << 20, File::create(&a.out).map_err(werr(&a.out))?);
    let mut truth = BufWriter::new(File::create(&a.truth).map_err(werr(&a.truth))?);
    let spec = Spec {
        profile: &a.profile,
        rows: a.rows,
        problem_rate: a.problem_rate,
        seed: a.seed,
        today: a.today,
        conflicts: a.conflicts,
    };
    let n = if a.profile == "household" {
        crate::household_synth::generate(
            a.rows,
            a.problem_rate,
            a.seed,
            a.today,
            &mut out,
            &mut truth,
        )
    } else {
        generate_with(&spec, &mut out, &mut truth)
    }
    .map_err(werr(&a.out))?;
    out.flush().map_err(werr(&a.out))?;
    truth.flush().map_err(werr(&a.truth))?;
    eprintln!(
        "synth: {n} rows → {}, truth → {}",
        a.out.display(),
        a.truth.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Writes `rows` data rows and the truth; returns the number of rows written.
/// Shared IDs as [`Conflicts::Both`], the default.
pub fn generate(
    profile: &str,
    rows: usize,
    problem_rate: f64,
    seed: u64,
    today: NaiveDate,
    out: &mut dyn Write,
    truth: &mut dyn Write,
) -> std::io::Result<usize> {
    if profile == "household" {
        return crate::household_synth::generate(rows, problem_rate, seed, today, out, truth);
    }
    let spec = Spec {
        profile,
        rows,
        problem_rate,
        seed,
        today,
        conflicts: Conflicts::Both,
    };
    generate_with(&spec, out, truth)
}

/// Writes `spec.rows` data rows and the truth; returns the number of rows
/// written. An unknown profile is vaccination.
pub fn generate_with(
    spec: &Spec,
    out: &mut dyn Write,
    truth: &mut dyn Write,
) -> std::io::Result<usize> {
    let &Spec {
        profile,
        rows,
        problem_rate,
        seed,
        today,
        conflicts,
    } = spec;
    let kind = kind_of(profile).unwrap_or(Kind::Vaccination);
    let mut g = Gen {
        rng: fastrand::Rng::with_seed(seed),
        used_ids: Default::default(),
        kind,
        today,
        family_total: FAMILY.iter().map(|f| f.1).sum(),
    };
    let kinds = injections(kind);
    writeln!(out, "{}", header(kind).join(","))?;
    writeln!(truth, "line,rule")?;
    // Recent clean rows and people, to copy (DUP001) or borrow an ID from (DUP002).
    let mut clean_rows: Vec<Vec<String>> = Vec::new();
    let mut clean_people: Vec<Person> = Vec::new();
    let mut line = 1u64;
    let mut written = 0usize;
    let (vstart, vend) = campaign();
    while written < rows {
        let problem = g.rng.f64() < problem_rate;
        let p = g.person();
        let mut batch: Vec<Row> = Vec::new();
        if !problem {
            let doses = if kind == Kind::Vaccination {
                g.rng.usize(1..=3)
            } else {
                1
            };
            let mut date = g.date_between(
                vstart.max(p.dob + Days::new(1)),
                vend.max(p.dob + Days::new(2)),
            );
            for dose in 1..=doses {
                let cells = base_cells(&mut g, &p, dose, date);
                date = date + Days::new(g.rng.u64(28..120));
                if date > today {
                    break;
                }
                batch.push(Row {
                    cells,
                    raw: None,
                    rules: vec![],
                });
            }
            if batch.iter().all(|r| r.rules.is_empty()) {
                clean_people.push(p.clone());
            }
        } else {
            let date = g.date_between(
                vstart.max(p.dob + Days::new(1)),
                vend.max(p.dob + Days::new(2)),
            );
            let mut row = Row {
                cells: base_cells(&mut g, &p, 1, date),
                raw: None,
                rules: vec![],
            };
            let what = *g.pick(&kinds);
            if conflicts == Conflicts::Both && matches!(what, Inject::SharedId) {
                // the whole conflict or nothing: the owner's rows must not be
                // cut off by the end of the file
                match conflict(&mut g, &p, rows - written) {
                    Some(whole) => batch = whole,
                    None => continue,
                }
            } else {
                inject(&mut g, what, &p, &mut row, &clean_rows, &clean_people);
                batch.push(row);
            }
        }
        for row in batch {
            if written >= rows {
                break;
            }
            line += 1;
            written += 1;
            match &row.raw {
                Some(raw) => out.write_all(raw)?,
                None => out.write_all(row.cells.join(",").as_bytes())?,
            }
            out.write_all(b"\n")?;
            for r in &row.rules {
                writeln!(truth, "{line},{r}")?;
            }
            if row.rules.is_empty() && row.raw.is_none() {
                clean_rows.push(row.cells);
            }
        }
        if clean_rows.len() > 4096 {
            clean_rows.drain(..2048);
        }
        if clean_people.len() > 4096 {
            clean_people.drain(..2048);
        }
    }
    Ok(written)
}

/// The first day of the vaccination campaign and the last day of a first dose.
fn campaign() -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(2021, 3, 1).unwrap_or_default(),
        NaiveDate::from_ymd_opt(2023, 6, 30).unwrap_or_default(),
    )
}

/// One shared-ID conflict of [`Conflicts::Both`]: the rows of the rightful
/// owner `p` (valid ID agreeing with sex and birth year, no finding) and one
/// row of another person with p's ID and another birth date, written first or
/// last at random (about half each). Vaccination owners get 2–3 doses, so
/// that the owner also has more rows than the wrong holder. None when the
/// rows do not fit in `room` or a vaccination date would fall after today.
fn conflict(g: &mut Gen, p: &Person, room: usize) -> Option<Vec<Row>> {
    let (vstart, vend) = campaign();
    let vaccination = g.kind == Kind::Vaccination;
    let first_dose = |g: &mut Gen, dob: NaiveDate| {
        g.date_between(vstart.max(dob + Days::new(1)), vend.max(dob + Days::new(2)))
    };
    let doses = if vaccination { g.rng.usize(2..=3) } else { 1 };
    if doses + 1 > room {
        return None;
    }
    let mut rows = Vec::with_capacity(doses + 1);
    let mut date = first_dose(g, p.dob);
    for dose in 1..=doses {
        if vaccination && date > g.today {
            return None;
        }
        rows.push(Row {
            cells: base_cells(g, p, dose, date),
            raw: None,
            rules: vec![],
        });
        date = date + Days::new(g.rng.u64(28..120));
    }
    // With one row per person (bhxh, education) two holders that both agree
    // with the ID's structure cannot be told apart: only relatives there.
    let (holder, rules) = if !vaccination || g.rng.bool() {
        relative_of(g, p)
    } else {
        namesake_of(g, p)
    };
    let date = first_dose(g, holder.dob);
    if vaccination && date > g.today {
        return None;
    }
    let wrong = Row {
        cells: base_cells(g, &holder, 1, date),
        raw: None,
        rules,
    };
    if g.rng.bool() {
        rows.insert(0, wrong);
    } else {
        rows.push(wrong);
    }
    Some(rows)
}

/// A name for `sex` whose folded form differs from `other`'s; in `family`
/// when given.
fn other_name(g: &mut Gen, sex: Sex, family: Option<&str>, other: &str) -> String {
    loop {
        let mut name = g.name(sex);
        if let (Some(f), Some((_, rest))) = (family, name.split_once(' ')) {
            name = format!("{f} {rest}");
        }
        if lamsach_text::fold(&name) != lamsach_text::fold(other) {
            return name;
        }
    }
}

/// Someone else carrying `p`'s ID: p's sex and birth year (the ID's structure
/// agrees with both), another name and another birth date. Truth: DUP002.
fn namesake_of(g: &mut Gen, p: &Person) -> (Person, Vec<&'static str>) {
    let name = other_name(g, p.sex, None, &p.name);
    let mut dob = p.dob;
    while dob == p.dob {
        dob = NaiveDate::from_ymd_opt(p.dob.year(), g.rng.u32(1..=12), g.rng.u32(1..=28))
            .unwrap_or(p.dob);
    }
    let district = g.rng.usize(0..DISTRICTS.len());
    let commune = g.rng.usize(0..DISTRICTS[district].1.len());
    let holder = Person {
        name,
        sex: p.sex,
        dob,
        id: p.id.clone(),
        phone: g.phone(),
        district,
        commune,
        bhxh: format!("{:010}", g.rng.u64(0..10_000_000_000)),
    };
    (holder, vec!["DUP002"])
}

/// A relative of `p` in the same commune whose row carries p's ID: same
/// family name, either sex, born `relative_gap` years earlier or later
/// (within the profile's birth range). The ID's structure contradicts the
/// relative's own birth year and maybe century and sex, so the truth has the
/// row's structure rules (ID006/ID007/ID008, as `Inject::IdSexDigit`,
/// `IdCentury`, `IdYear`) and DUP002.
fn relative_of(g: &mut Gen, p: &Person) -> (Person, Vec<&'static str>) {
    let (lo, hi) = g.dob_range();
    let family = p.name.split(' ').next().unwrap_or_default();
    let (min_gap, max_gap) = relative_gap(g.kind);
    loop {
        let gap = g.rng.i32(min_gap..=max_gap);
        let year = if g.rng.bool() {
            p.dob.year() + gap
        } else {
            p.dob.year() - gap
        };
        if year < lo.year() || year > hi.year() {
            continue;
        }
        let sex = if g.rng.bool() { Sex::Male } else { Sex::Female };
        let mut rules = structure_rules(&p.id, sex, year);
        // an ID agreeing with the relative too would leave rule (1) undecided
        if rules.is_empty() {
            continue;
        }
        rules.push("DUP002");
        let dob = NaiveDate::from_ymd_opt(year, g.rng.u32(1..=12), g.rng.u32(1..=28))
            .unwrap_or(lo)
            .clamp(lo, hi);
        let holder = Person {
            name: other_name(g, sex, Some(family), &p.name),
            sex,
            dob,
            id: p.id.clone(),
            phone: g.phone(),
            district: p.district,
            commune: p.commune,
            bhxh: format!("{:010}", g.rng.u64(0..10_000_000_000)),
        };
        return (holder, rules);
    }
}

/// How many years a relative of [`relative_of`] is born apart, at least and
/// at most: a sibling for pupils (education's birth range spans 15 years),
/// one generation for the other profiles.
fn relative_gap(kind: Kind) -> (i32, i32) {
    match kind {
        Kind::Education => (1, 6),
        Kind::Vaccination | Kind::Bhxh => (20, 40),
    }
}

/// The ID-structure rules a row with 12-digit `id`, `sex` and a birth in
/// `year` triggers: ID006 (sex digit), ID007 (century), ID008 (year digits).
fn structure_rules(id: &str, sex: Sex, year: i32) -> Vec<&'static str> {
    let Ok(d) = <&[u8; 12]>::try_from(id.as_bytes()) else {
        return vec![];
    };
    let s = IdStructure::of(d);
    let mut rules = vec![];
    if s.sex != sex {
        rules.push("ID006");
    }
    if s.century != year - year.rem_euclid(100) {
        rules.push("ID007");
    }
    if s.year2 != year.rem_euclid(100) {
        rules.push("ID008");
    }
    rules
}

fn base_cells(g: &mut Gen, p: &Person, dose: usize, date: NaiveDate) -> Vec<String> {
    let dob = fmt_date(&mut g.rng, p.dob);
    let (district, communes) = DISTRICTS[p.district];
    let commune = communes[p.commune];
    let mut c = vec![
        p.name.clone(),
        dob,
        sex_label(p.sex).to_string(),
        p.id.clone(),
    ];
    match g.kind {
        Kind::Vaccination => {
            let vaccine = *g.pick(VACCINES);
            c.extend([
                p.phone.clone(),
                district.to_string(),
                commune.to_string(),
                format!("TYT {commune}"),
                vaccine.to_string(),
                dose.to_string(),
                fmt_date(&mut g.rng, date),
            ]);
        }
        Kind::Bhxh => {
            let group = *g.pick(&["DN", "HC", "GD", "HS", "TE", "HT"]);
            let level = g.rng.u32(1..=5);
            let prov = &p.id[1..3];
            c.extend([
                p.bhxh.clone(),
                format!("{group}{level}{prov}{}", p.bhxh),
                g.pick(EMPLOYERS).to_string(),
                district.to_string(),
                commune.to_string(),
            ]);
        }
        Kind::Education => {
            let age = g.today.year() - p.dob.year();
            let level = g.school_level(age).to_string();
            let class = if level == "Mầm non" {
                "Lá".to_string()
            } else {
                format!("{}A", (age - 5).clamp(1, 12))
            };
            c.extend([
                g.pick(SCHOOLS).to_string(),
                level,
                class,
                district.to_string(),
                commune.to_string(),
            ]);
        }
    }
    c
}

fn col(kind: Kind, name: &str) -> usize {
    header(kind).iter().position(|h| *h == name).unwrap_or(0)
}

fn inject(
    g: &mut Gen,
    what: Inject,
    p: &Person,
    row: &mut Row,
    clean_rows: &[Vec<String>],
    clean_people: &[Person],
) {
    let kind = g.kind;
    let c = &mut row.cells;
    let rules: &[&'static str] = match what {
        Inject::IdMissing => {
            c[ID] = g
                .pick(&["", "0", "-", "không có", "chưa có", "Chưa cấp"])
                .to_string();
            &["ID001"]
        }
        Inject::IdScientific => {
            let digits = p.id.trim_start_matches('0');
            c[ID] = format!("{}.{}E+{}", &digits[..1], &digits[1..6], digits.len() - 1);
            &["ID002"]
        }
        Inject::IdSeparators => {
            c[ID] = format!(
                "{} {} {} {}",
                &p.id[..3],
                &p.id[3..6],
                &p.id[6..9],
                &p.id[9..]
            );
            &["ID002"]
        }
        Inject::IdNonDigit => {
            c[ID] = format!("{}O{}", &p.id[..5], &p.id[6..]);
            &["ID002"]
        }
        Inject::IdWrongLength => {
            c[ID] = if g.rng.bool() {
                p.id[4..].to_string()
            } else {
                format!("{}{}", p.id, g.rng.u32(0..10))
            };
            &["ID002"]
        }
        Inject::IdDroppedZeros => {
            c[ID] = p.id.trim_start_matches('0').to_string();
            &["ID003"]
        }
        Inject::IdCmnd => {
            c[ID] = format!("{:09}", g.rng.u32(100_000_000..999_999_999));
            &["ID004"]
        }
        Inject::IdProvince => {
            let bad = *g.pick(&[
                "003", "005", "009", "013", "050", "097", "099", "100", "512",
            ]);
            let id = format!("{bad}{}", &p.id[3..]);
            if !g.used_ids.insert(id.clone()) {
                return;
            }
            c[ID] = id;
            &["ID005"]
        }
        Inject::IdSexDigit => {
            c[SEX] = sex_label(match p.sex {
                Sex::Male => Sex::Female,
                Sex::Female => Sex::Male,
            })
            .to_string();
            &["ID006"]
        }
        Inject::IdCentury => {
            let d = p.id.as_bytes()[3] - b'0';
            let other = if d >= 2 { d - 2 } else { d + 2 };
            let id = format!("{}{other}{}", &p.id[..3], &p.id[4..]);
            // a changed ID must not be someone else's (that would be DUP002)
            if !g.used_ids.insert(id.clone()) {
                return;
            }
            c[ID] = id;
            &["ID007"]
        }
        Inject::IdYear => {
            let y: u32 = p.id[4..6].parse().unwrap_or(0);
            let other = (y + g.rng.u32(1..9)) % 100;
            let id = format!("{}{other:02}{}", &p.id[..4], &p.id[6..]);
            if !g.used_ids.insert(id.clone()) {
                return;
            }
            c[ID] = id;
            &["ID008"]
        }
        Inject::NameMissing => {
            c[NAME] = String::new();
            &["NAM001"]
        }
        Inject::NameInvalid => {
            c[NAME] = match g.rng.u32(0..3) {
                0 => format!("{} {}", p.name, g.rng.u32(1..10)),
                1 => p.name.replacen(' ', " @", 1),
                _ => g.pick(&["A", "x", "Đ"]).to_string(),
            };
            &["NAM002"]
        }
        Inject::DobMissing => {
            c[DOB] = String::new();
            &["DOB001"]
        }
        Inject::DobUnparseable => {
            c[DOB] = match g.rng.u32(0..3) {
                0 => format!(
                    "{}/{}/{:02}",
                    p.dob.day(),
                    p.dob.month(),
                    p.dob.year() % 100
                ),
                1 => "không rõ".into(),
                _ => format!("{}//{}", p.dob.day(), p.dob.year()),
            };
            &["DOB002"]
        }
        Inject::DobImpossible => {
            let (d, m) = *g.pick(&[
                (31, 2),
                (30, 2),
                (31, 4),
                (31, 6),
                (31, 9),
                (31, 11),
                (32, 1),
                (15, 13),
            ]);
            c[DOB] = format!("{d:02}/{m:02}/{}", p.dob.year());
            &["DOB003"]
        }
        Inject::DobFuture => {
            let dob = g.today + Days::new(g.rng.u64(1..400));
            c[DOB] = dmy(dob);
            c[ID] = g.id_for(p.sex, dob.year());
            &["DOB004", "VAC002"]
        }
        Inject::DobTooOld => {
            let dob = g.date_between(
                NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or_default(),
                NaiveDate::from_ymd_opt(g.today.year() - 122, 12, 31).unwrap_or_default(),
            );
            c[DOB] = dmy(dob);
            c[ID] = g.id_for(p.sex, dob.year());
            &["DOB005"]
        }
        Inject::DobPartial => {
            c[DOB] = if g.rng.bool() {
                p.dob.year().to_string()
            } else {
                format!("{:02}/{}", p.dob.month(), p.dob.year())
            };
            &["DOB006"]
        }
        Inject::SexMissing => {
            c[SEX] = String::new();
            &["SEX001"]
        }
        Inject::SexInvalid => {
            c[SEX] = g.pick(&["Khác", "?", "X", "Không rõ"]).to_string();
            &["SEX002"]
        }
        Inject::FieldMissing => {
            let f = match kind {
                Kind::Vaccination => *g.pick(&["Vắc xin", "Mũi", "Huyện", "Ngày tiêm"]),
                Kind::Bhxh => "Mã số BHXH",
                Kind::Education => *g.pick(&["Trường", "Cấp học"]),
            };
            c[col(kind, f)] = String::new();
            &["FLD001"]
        }
        Inject::PhoneInvalid => {
            let i = col(kind, "Số điện thoại");
            c[i] = match g.rng.u32(0..3) {
                0 => p.phone[1..].to_string(),
                1 => p.phone[..7].to_string(),
                _ => format!("01{}", &p.phone[1..]),
            };
            &["PHO001"]
        }
        Inject::VaccDateInvalid => {
            c[col(kind, "Ngày tiêm")] = g
                .pick(&["31/04/2021", "2021", "31/06/2022", "abc", "15/15/2021"])
                .to_string();
            &["VAC001"]
        }
        Inject::VaccBeforeBirth => {
            let d = p.dob - Days::new(g.rng.u64(1..3000));
            c[col(kind, "Ngày tiêm")] = dmy(d);
            &["VAC002"]
        }
        Inject::VaccFuture => {
            c[col(kind, "Ngày tiêm")] = dmy(g.today + Days::new(g.rng.u64(1..700)));
            &["VAC003"]
        }
        Inject::BhxhInvalid => {
            let i = col(kind, "Mã số BHXH");
            c[i] = if g.rng.bool() {
                p.bhxh[1..].to_string()
            } else {
                format!("{}A", &p.bhxh[..9])
            };
            &["INS001"]
        }
        Inject::BhytInvalid => {
            let i = col(kind, "Số thẻ BHYT");
            c[i] = c[i][..11].to_string();
            &["INS002"]
        }
        Inject::BhytMismatch => {
            let i = col(kind, "Số thẻ BHYT");
            let last = (p.bhxh.as_bytes()[9] - b'0' + 1) % 10;
            c[i] = format!("{}{last}", &c[i][..14]);
            &["INS003"]
        }
        Inject::SchoolAge => {
            let age = g.today.year() - p.dob.year();
            let lvl = if age <= 10 { "THPT" } else { "Mầm non" };
            c[col(kind, "Cấp học")] = lvl.to_string();
            &["EDU001"]
        }
        Inject::SchoolUnknown => {
            c[col(kind, "Cấp học")] = g.pick(&["Đại học", "Cao đẳng", "Lớp 13"]).to_string();
            &["EDU002"]
        }
        Inject::Duplicate => {
            if clean_rows.is_empty() {
                return;
            }
            let mut copy = g.pick(clean_rows).clone();
            // cosmetic variation only: the same event must still be recognised
            if g.rng.bool() {
                copy[NAME] = copy[NAME].to_uppercase();
            }
            *c = copy;
            &["DUP001"]
        }
        Inject::SharedId => {
            let Some(other) = (!clean_people.is_empty()).then(|| g.pick(clean_people).clone())
            else {
                return;
            };
            // same sex and birth year (so the ID structure agrees), other name
            let mut name = g.name(other.sex);
            while lamsach_text::fold(&name) == lamsach_text::fold(&other.name) {
                name = g.name(other.sex);
            }
            c[NAME] = name;
            c[SEX] = sex_label(other.sex).to_string();
            let dob =
                NaiveDate::from_ymd_opt(other.dob.year(), g.rng.u32(1..=12), g.rng.u32(1..=28))
                    .unwrap_or(other.dob);
            c[DOB] = dmy(dob);
            c[ID] = other.id.clone();
            if kind == Kind::Vaccination {
                let vi = col(kind, "Ngày tiêm");
                let v = NaiveDate::from_ymd_opt(2022, 6, 1).unwrap_or_default();
                c[vi] = dmy(v.max(dob + Days::new(1)));
            }
            if kind == Kind::Education {
                let age = g.today.year() - dob.year();
                c[col(kind, "Cấp học")] = g.school_level(age).to_string();
            }
            &["DUP002"]
        }
        Inject::Ragged => {
            let keep = c.len() - 2;
            row.raw = Some(c[..keep].join(",").into_bytes());
            &["ROW001"]
        }
        Inject::UnclosedQuote => {
            let mut cells = c.clone();
            cells[NAME] = format!("\"{}", cells[NAME]);
            row.raw = Some(cells.join(",").into_bytes());
            &["ROW001"]
        }
        Inject::BadUtf8 => {
            let i = header(kind).iter().position(|h| *h == "Xã").unwrap_or(0);
            let mut bytes = Vec::new();
            for (j, cell) in c.iter().enumerate() {
                if j > 0 {
                    bytes.push(b',');
                }
                if j == i {
                    bytes.extend_from_slice(b"X\xE3 ");
                }
                bytes.extend_from_slice(cell.as_bytes());
            }
            row.raw = Some(bytes);
            &["TXT001"]
        }
    };
    row.rules = rules.to_vec();
}

/// Precision and recall per rule of `issues` (line, rule) against `truth`.
pub struct Accuracy {
    pub per_rule: BTreeMap<String, (u64, u64, u64)>,
}

impl Accuracy {
    pub fn compute(truth: &BTreeSet<(u64, String)>, found: &BTreeSet<(u64, String)>) -> Accuracy {
        let mut per_rule: BTreeMap<String, (u64, u64, u64)> = BTreeMap::new();
        for t in truth {
            let e = per_rule.entry(t.1.clone()).or_default();
            if found.contains(t) {
                e.0 += 1;
            } else {
                e.2 += 1;
            }
        }
        for f in found {
            if !truth.contains(f) {
                per_rule.entry(f.1.clone()).or_default().1 += 1;
            }
        }
        Accuracy { per_rule }
    }

    pub fn perfect(&self) -> bool {
        self.per_rule
            .values()
            .all(|(_, fp, fn_)| *fp == 0 && *fn_ == 0)
    }

    pub fn table(&self) -> String {
        let mut s = format!(
            "{:<8}{:>10}{:>8}{:>8}{:>11}{:>9}\n",
            "rule", "TP", "FP", "FN", "precision", "recall"
        );
        let ratio = |a: u64, b: u64| if b == 0 { 1.0 } else { a as f64 / b as f64 };
        for (r, (tp, fp, fn_)) in &self.per_rule {
            s.push_str(&format!(
                "{r:<8}{tp:>10}{fp:>8}{fn_:>8}{:>11.4}{:>9.4}\n",
                ratio(*tp, tp + fp),
                ratio(*tp, tp + fn_)
            ));
        }
        s
    }
}

fn read_pairs(path: &PathBuf) -> Result<BTreeSet<(u64, String)>> {
    let f = File::open(path).map_err(|source| Error::Open {
        path: path.clone(),
        source,
    })?;
    let mut set = BTreeSet::new();
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(BufReader::new(f));
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| Error::Usage(format!("{}:{}: {e}", path.display(), i + 2)))?;
        let line: u64 = rec
            .get(0)
            .and_then(|l| l.trim_start_matches('\u{feff}').parse().ok())
            .ok_or_else(|| {
                Error::Usage(format!(
                    "{}:{}: cột line không phải số / line is not a number",
                    path.display(),
                    i + 2
                ))
            })?;
        set.insert((line, rec.get(1).unwrap_or("").to_string()));
    }
    Ok(set)
}

pub fn run_score(a: &ScoreArgs) -> Result<ExitCode> {
    let truth = read_pairs(&a.truth)?;
    let found = read_pairs(&a.issues)?;
    let score = Accuracy::compute(&truth, &found);
    print!("{}", score.table());
    if let Some(j) = &a.json {
        let v: serde_json::Value = score
            .per_rule
            .iter()
            .map(|(r, (tp, fp, fn_))| {
                (
                    r.clone(),
                    serde_json::json!({"tp": tp, "fp": fp, "fn": fn_}),
                )
            })
            .collect::<serde_json::Map<_, _>>()
            .into();
        std::fs::write(j, serde_json::to_string_pretty(&v).unwrap_or_default()).map_err(
            |source| Error::Write {
                path: j.clone(),
                source,
            },
        )?;
    }
    Ok(if score.perfect() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    fn gen(
        profile: &str,
        rows: usize,
        rate: f64,
        seed: u64,
        conflicts: Conflicts,
    ) -> (Vec<u8>, Vec<u8>) {
        let spec = Spec {
            profile,
            rows,
            problem_rate: rate,
            seed,
            today: today(),
            conflicts,
        };
        let (mut csv, mut truth) = (Vec::new(), Vec::new());
        assert_eq!(generate_with(&spec, &mut csv, &mut truth).unwrap(), rows);
        (csv, truth)
    }

    /// FNV-1a, 64 bits: a hash that stays the same across Rust versions.
    fn fnv(bytes: &[u8]) -> u64 {
        bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
    }

    #[test]
    fn after_output_is_unchanged() {
        // FNV-1a of `synth --profile P --rows 5000 --seed 42 --conflicts after`
        // (csv, truth), the other options at their defaults: pinned, so that
        // `after` stays selectable with the same output
        let expected = [
            ("vaccination", 0xd456_2c83_f158_0700, 0x2628_0bec_eb57_4857),
            ("bhxh", 0x00e5_9acb_5f54_8a54, 0x1327_f2bb_7094_1c01),
            ("education", 0x178f_85c1_c053_3030, 0x2fc9_a9ae_6b77_6046),
        ];
        for (profile, csv_hash, truth_hash) in expected {
            let (csv, truth) = gen(profile, 5000, 0.2, 42, Conflicts::After);
            assert_eq!(fnv(&csv), csv_hash, "{profile} csv");
            assert_eq!(fnv(&truth), truth_hash, "{profile} truth");
        }
        let a: SynthArgs = crate::args::parse_args(&[
            "--out".as_ref(),
            "x.csv".as_ref(),
            "--truth".as_ref(),
            "t.csv".as_ref(),
            "--conflicts".as_ref(),
            "after".as_ref(),
        ]);
        assert_eq!(a.conflicts, Conflicts::After);
    }

    #[test]
    fn both_is_the_default() {
        assert_eq!(Conflicts::default(), Conflicts::Both);
        let a = SynthArgs::new(Path::new("x.csv"), Path::new("t.csv"));
        assert_eq!(a.conflicts, Conflicts::Both);
        for profile in ["vaccination", "bhxh", "education"] {
            let (csv, truth) = gen(profile, 2000, 0.3, 3, Conflicts::Both);
            let (mut csv2, mut truth2) = (Vec::new(), Vec::new());
            generate(profile, 2000, 0.3, 3, today(), &mut csv2, &mut truth2).unwrap();
            assert!(csv == csv2 && truth == truth2, "{profile}: generate()");
        }
    }

    /// A birth date as the generator writes it (day/month/year, ISO, or an
    /// Excel serial); None for the injected broken ones.
    fn parse_dob(s: &str) -> Option<NaiveDate> {
        if let Ok(n) = s.parse::<u64>() {
            // a bare year is not a serial
            return (n > 3000)
                .then(|| NaiveDate::from_ymd_opt(1899, 12, 30).unwrap() + Days::new(n));
        }
        let p: Vec<i32> = s
            .split(['/', '-'])
            .map(|x| x.parse().ok())
            .collect::<Option<_>>()?;
        let (y, m, d) = match p[..] {
            [d, m, y] if s.contains('/') => (y, m, d),
            [y, m, d] if s.contains('-') => (y, m, d),
            _ => return None,
        };
        if y < 1000 {
            return None;
        }
        NaiveDate::from_ymd_opt(y, u32::try_from(m).ok()?, u32::try_from(d).ok()?)
    }

    /// ID006/ID007/ID008 for a row, from the ID's digits alone: digit 4 is
    /// century and sex (0 male 1900s, 1 female 1900s, 2 male 2000s, …),
    /// digits 5–6 the year.
    fn expected_structure(id: &str, female: bool, dob: NaiveDate) -> BTreeSet<String> {
        let d: Vec<i32> = id.bytes().map(|b| i32::from(b - b'0')).collect();
        let mut s = BTreeSet::new();
        if (d[3] % 2 == 1) != female {
            s.insert("ID006".to_string());
        }
        if 1900 + d[3] / 2 * 100 != dob.year() / 100 * 100 {
            s.insert("ID007".to_string());
        }
        if d[4] * 10 + d[5] != dob.year() % 100 {
            s.insert("ID008".to_string());
        }
        s
    }

    #[derive(Default, Debug)]
    struct Seen {
        before: usize,
        after: usize,
        relatives: usize,
        namesakes: usize,
    }

    /// Checks a `--conflicts both` output against its truth: every ID held by
    /// rows with different birth dates has one rightful owner (the holder
    /// whose sex and birth year agree with the ID, else the one with most
    /// rows, never a tie); exactly the other holders' rows carry DUP002, with
    /// the ID-structure rules their own sex and birth date call for; the
    /// owner's rows carry nothing (DUP001 on a later copy of one of them
    /// aside); every DUP002 of the truth is such a row. A relative is born
    /// 20–40 years from the owner, a sibling (education) 1–6.
    fn check_conflicts(profile: &str, rows: usize, csv: &[u8], truth: &[u8]) -> Seen {
        let kind = kind_of(profile).unwrap();
        let width = header(kind).len();
        let text = String::from_utf8_lossy(csv);
        let lines: Vec<&str> = text.lines().skip(1).collect();
        assert_eq!(lines.len(), rows, "{profile}: rows");
        let mut rules: BTreeMap<u64, BTreeSet<String>> = BTreeMap::new();
        for l in std::str::from_utf8(truth).unwrap().lines().skip(1) {
            let (line, rule) = l.split_once(',').unwrap();
            rules
                .entry(line.parse().unwrap())
                .or_default()
                .insert(rule.to_string());
        }
        let rules_of = |line: u64| rules.get(&line).cloned().unwrap_or_default();
        // rows as the checker reads them, by 12-digit ID
        struct R<'a> {
            line: u64,
            cells: Vec<&'a str>,
            female: bool,
            dob: NaiveDate,
        }
        let mut by_id: BTreeMap<&str, Vec<R>> = BTreeMap::new();
        for (i, l) in lines.iter().enumerate() {
            let cells: Vec<&str> = l.split(',').collect();
            let line = i as u64 + 2;
            if cells.len() != width
                || cells[ID].len() != 12
                || !cells[ID].bytes().all(|b| b.is_ascii_digit())
            {
                continue;
            }
            let (Some(dob), Some(female)) = (
                parse_dob(cells[DOB]),
                match cells[SEX] {
                    "Nam" => Some(false),
                    "Nữ" => Some(true),
                    _ => None,
                },
            ) else {
                continue;
            };
            by_id.entry(cells[ID]).or_default().push(R {
                line,
                cells,
                female,
                dob,
            });
        }
        let mut seen = Seen::default();
        let mut explained = BTreeSet::new();
        for (id, rs) in &by_id {
            let mut holders: BTreeMap<NaiveDate, Vec<&R>> = BTreeMap::new();
            for r in rs {
                holders.entry(r.dob).or_default().push(r);
            }
            if holders.len() < 2 {
                continue;
            }
            assert_eq!(holders.len(), 2, "{id}: one wrong holder per conflict");
            let agrees = |h: &[&R]| expected_structure(id, h[0].female, h[0].dob).is_empty();
            let candidates: Vec<&Vec<&R>> = if holders.values().any(|h| agrees(h)) {
                holders.values().filter(|h| agrees(h)).collect()
            } else {
                holders.values().collect()
            };
            let most = candidates.iter().map(|h| h.len()).max().unwrap();
            let owners: Vec<_> = candidates.iter().filter(|h| h.len() == most).collect();
            assert_eq!(owners.len(), 1, "{id}: no rightful owner");
            let owner = owners[0];
            let wrong: Vec<&R> = holders
                .values()
                .filter(|h| h[0].dob != owner[0].dob)
                .flatten()
                .copied()
                .collect();
            assert_eq!(wrong.len(), 1, "{id}: the wrong holder has one row");
            let w = wrong[0];
            let structure = expected_structure(id, w.female, w.dob);
            let mut want = structure.clone();
            want.insert("DUP002".into());
            assert_eq!(rules_of(w.line), want, "{id}: line {}", w.line);
            explained.insert(w.line);
            for (k, r) in owner.iter().enumerate() {
                let got = rules_of(r.line);
                let upper = |c: &[&str]| {
                    let mut c: Vec<String> = c.iter().map(|x| x.to_string()).collect();
                    c[NAME] = c[NAME].to_uppercase();
                    c
                };
                let copy = owner[..k]
                    .iter()
                    .any(|o| upper(&o.cells) == upper(&r.cells));
                assert!(
                    got.is_empty() || (copy && got == BTreeSet::from(["DUP001".to_string()])),
                    "{id}: owner's line {} has {got:?}",
                    r.line
                );
            }
            if w.line < owner[0].line {
                seen.before += 1;
            } else {
                seen.after += 1;
            }
            let family = |r: &R| r.cells[NAME].split(' ').next().unwrap().to_string();
            let gap = (w.dob.year() - owner[0].dob.year()).abs();
            if structure.is_empty() {
                seen.namesakes += 1;
                assert_eq!(gap, 0, "{id}: a namesake is born in the owner's year");
                assert!(owner.len() >= 2, "{id}: the owner has more rows");
            } else {
                seen.relatives += 1;
                let apart = if kind == Kind::Education {
                    1..=6
                } else {
                    20..=40
                };
                assert!(apart.contains(&gap), "{id}: a relative, {gap} years apart");
                assert_eq!(family(w), family(owner[0]), "{id}: same family name");
            }
        }
        let dup002: BTreeSet<u64> = rules
            .iter()
            .filter(|(_, r)| r.contains("DUP002"))
            .map(|(l, _)| *l)
            .collect();
        assert_eq!(
            dup002, explained,
            "{profile}: every DUP002 is a wrong holder"
        );
        seen
    }

    #[test]
    fn conflicts_both_ways_blame_the_wrong_holder() {
        let (csv, truth) = gen("vaccination", 5000, 0.2, 7, Conflicts::Both);
        let seen = check_conflicts("vaccination", 5000, &csv, &truth);
        assert!(seen.before > 0 && seen.after > 0, "{seen:?}");
        assert!(seen.relatives > 0 && seen.namesakes > 0, "{seen:?}");
        // every conflict also exists with the wrong row first and last, of both kinds
        let (csv, truth) = gen("vaccination", 20_000, 0.3, 8, Conflicts::Both);
        let seen = check_conflicts("vaccination", 20_000, &csv, &truth);
        assert!(seen.before >= 20 && seen.after >= 20, "{seen:?}");
        assert!(seen.relatives >= 20 && seen.namesakes >= 20, "{seen:?}");
        // bhxh: one row per person, so relatives only
        let (csv, truth) = gen("bhxh", 5000, 0.3, 9, Conflicts::Both);
        let seen = check_conflicts("bhxh", 5000, &csv, &truth);
        assert!(
            seen.before > 0 && seen.after > 0 && seen.relatives > 0,
            "{seen:?}"
        );
        assert_eq!(seen.namesakes, 0);
        // education: one row per pupil, so siblings only
        for seed in [10, 11] {
            let (csv, truth) = gen("education", 10_000, 0.3, seed, Conflicts::Both);
            let seen = check_conflicts("education", 10_000, &csv, &truth);
            assert!(
                seen.before >= 10 && seen.after >= 10 && seen.relatives >= 20,
                "{seen:?}"
            );
            assert_eq!(seen.namesakes, 0);
        }
    }

    #[test]
    fn conflicts_are_never_cut_off() {
        // small files with many problems: a conflict near the end either fits
        // whole or is not started, and the file has exactly `rows` rows
        let mut conflicts = 0;
        for seed in 0..300 {
            let rows = 1 + seed as usize % 12;
            let (csv, truth) = gen("vaccination", rows, 1.0, seed, Conflicts::Both);
            let seen = check_conflicts("vaccination", rows, &csv, &truth);
            conflicts += seen.before + seen.after;
        }
        assert!(conflicts > 0);
    }
}
