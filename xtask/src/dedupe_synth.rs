//! `cargo xtask synth-dupes`: a labelled vaccination export with injected
//! duplicates, and its truth file.
//!
//! People live in households (shared family name, commune, often a phone);
//! some households have twins (same birth date and family name, other given
//! names) or a son named like his father. Each person has 1–3 dose rows.
//! Injected:
//! - person duplicates: a second record of the person with the ID missing,
//!   mistyped (one digit or two swapped), another ID, or an old 9-digit CMND;
//!   the name perhaps unaccented/upper case, mistyped or without the middle
//!   name; the birth date perhaps reformatted, day/month swapped, mistyped or
//!   year-only; the phone perhaps dropped. The second record either takes
//!   over some doses or repeats one (then it is also an event duplicate);
//! - event duplicates: a dose row repeated with the date a few days off.
//!
//! Rows are shuffled. `truth.csv` lists `line,kind,cluster,record` for every
//! row in a true cluster (`person` or `event`); `record` tells the person
//! records apart inside a person cluster.

use chrono::{Datelike, NaiveDate};
use clap::Args;
use lamsach_io::error::{Error, Result};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct SynthArgs {
    /// Số dòng (xấp xỉ) / number of rows (approximately)
    #[arg(long, default_value_t = 1_000_000)]
    pub rows: usize,
    /// Thư mục ghi export.csv và truth.csv / directory for export.csv and truth.csv
    #[arg(long)]
    pub out: PathBuf,
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Tỉ lệ người bị ghi hai lần / share of people recorded twice
    #[arg(long, default_value_t = 0.03)]
    pub dup_rate: f64,
    /// Tỉ lệ người có một mũi ghi hai lần / share of people with one dose recorded twice
    #[arg(long, default_value_t = 0.01)]
    pub event_rate: f64,
}

impl SynthArgs {
    /// `cargo xtask synth-dupes --out OUT`: the other flags at their defaults.
    pub fn new(out: &Path) -> Self {
        crate::args::parse_args(&["--out".as_ref(), out.as_os_str()])
    }
}

const FAMILY: [(&str, u32); 16] = [
    ("Nguyễn", 380),
    ("Trần", 110),
    ("Lê", 95),
    ("Phạm", 70),
    ("Hoàng", 50),
    ("Huỳnh", 40),
    ("Phan", 45),
    ("Vũ", 39),
    ("Võ", 30),
    ("Đặng", 21),
    ("Bùi", 20),
    ("Đỗ", 14),
    ("Hồ", 13),
    ("Ngô", 13),
    ("Dương", 10),
    ("Lý", 5),
];
const MIDDLE_M: [&str; 12] = [
    "Văn", "Văn", "Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Thành", "Xuân", "Đình",
];
const MIDDLE_F: [&str; 12] = [
    "Thị", "Thị", "Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Minh", "Phương", "Hồng",
];
const GIVEN_M: [&str; 40] = [
    "Anh", "Bình", "Cường", "Dũng", "Duy", "Đạt", "Hải", "Hiếu", "Hoàng", "Hùng", "Hưng", "Huy",
    "Khánh", "Khoa", "Kiên", "Long", "Lâm", "Minh", "Nam", "Nghĩa", "Phong", "Phúc", "Quân",
    "Quang", "Sơn", "Tài", "Thắng", "Thành", "Tiến", "Toàn", "Trung", "Tú", "Tuấn", "Việt", "Vinh",
    "Vũ", "Hậu", "Lợi", "Thịnh", "Tâm",
];
const GIVEN_F: [&str; 40] = [
    "An", "Anh", "Châu", "Chi", "Dung", "Duyên", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa",
    "Hồng", "Huyền", "Hương", "Lan", "Liên", "Linh", "Loan", "Mai", "My", "Nga", "Ngân", "Ngọc",
    "Nhung", "Oanh", "Phương", "Quyên", "Tâm", "Thảo", "Thủy", "Trang", "Trinh", "Uyên", "Vân",
    "Xuân", "Yến", "Hòa", "Thư", "Vy",
];
const DISTRICTS: [(&str, [&str; 6]); 6] = [
    (
        "Chiêm Hóa",
        [
            "Vĩnh Lộc",
            "Yên Nguyên",
            "Hòa Phú",
            "Phúc Thịnh",
            "Tân Mỹ",
            "Hùng Mỹ",
        ],
    ),
    (
        "Na Hang",
        [
            "Na Hang",
            "Thượng Giáp",
            "Sơn Phú",
            "Đà Vị",
            "Khâu Tinh",
            "Năng Khả",
        ],
    ),
    (
        "Hàm Yên",
        [
            "Tân Yên",
            "Thái Sơn",
            "Bình Xa",
            "Minh Hương",
            "Phù Lưu",
            "Yên Phú",
        ],
    ),
    (
        "Yên Sơn",
        [
            "Tứ Quận",
            "Thắng Quân",
            "Lang Quán",
            "Chân Sơn",
            "Mỹ Bằng",
            "Trung Môn",
        ],
    ),
    (
        "Sơn Dương",
        [
            "Sơn Dương",
            "Tân Trào",
            "Hợp Thành",
            "Kháng Nhật",
            "Tú Thịnh",
            "Đông Thọ",
        ],
    ),
    (
        "Lâm Bình",
        [
            "Lăng Can",
            "Thượng Lâm",
            "Phúc Yên",
            "Xuân Lập",
            "Bình An",
            "Hồng Quang",
        ],
    ),
];
const VACCINES: [&str; 5] = ["AstraZeneca", "Pfizer", "Moderna", "Vero Cell", "Sputnik V"];
const PROVINCES: [&str; 6] = ["001", "019", "022", "025", "038", "079"];

#[derive(Clone)]
struct Person {
    name: String,
    dob: NaiveDate,
    year_only: bool,
    male: bool,
    id: String,
    phone: String,
    district: usize,
    commune: usize,
    vaccine: usize,
    doses: Vec<NaiveDate>,
}

#[derive(Clone)]
struct Row {
    name: String,
    dob: String,
    male: bool,
    id: String,
    phone: String,
    district: usize,
    commune: usize,
    vaccine: usize,
    dose: usize,
    date: NaiveDate,
    /// (person cluster, record) when in a true person cluster.
    person: Option<(u32, u32)>,
    event: Option<u32>,
}

struct Gen {
    rng: fastrand::Rng,
    ids: rustc_hash::FxHashSet<String>,
}

impl Gen {
    fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
        v[self.rng.usize(..v.len())]
    }

    fn family(&mut self) -> &'static str {
        let total: u32 = FAMILY.iter().map(|f| f.1).sum();
        let mut x = self.rng.u32(..total);
        for (f, w) in FAMILY {
            if x < w {
                return f;
            }
            x -= w;
        }
        "Nguyễn"
    }

    fn name(&mut self, family: &str, male: bool) -> String {
        let middle = if male {
            self.pick(&MIDDLE_M)
        } else {
            self.pick(&MIDDLE_F)
        };
        let given = if male {
            self.pick(&GIVEN_M)
        } else {
            self.pick(&GIVEN_F)
        };
        if self.rng.f64() < 0.15 {
            let m2 = if male {
                self.pick(&["Minh", "Quốc", "Gia", "Anh"])
            } else {
                self.pick(&["Ngọc", "Bảo", "Khánh", "Diệu"])
            };
            format!("{family} {middle} {m2} {given}")
        } else {
            format!("{family} {middle} {given}")
        }
    }

    fn date(&mut self, y0: i32, y1: i32) -> NaiveDate {
        let y = self.rng.i32(y0..=y1);
        let m = self.rng.u32(1..=12);
        let d = self.rng.u32(1..=28);
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    fn new_id(&mut self, dob: NaiveDate, male: bool) -> String {
        let prov = if self.rng.f64() < 0.85 {
            "008"
        } else {
            self.pick(&PROVINCES)
        };
        let g = (dob.year() - 1900) / 100 * 2 + i32::from(!male);
        loop {
            let id = format!(
                "{prov}{g}{:02}{:06}",
                dob.year() % 100,
                self.rng.u32(..1_000_000)
            );
            if self.ids.insert(id.clone()) {
                return id;
            }
        }
    }

    fn phone(&mut self) -> String {
        let p = self.pick(&["09", "03", "08", "07", "05"]);
        format!("{p}{:08}", self.rng.u32(..100_000_000))
    }

    fn person(
        &mut self,
        name: String,
        dob: NaiveDate,
        male: bool,
        phone: &str,
        d: usize,
        c: usize,
    ) -> Person {
        let r = self.rng.f64();
        let id = if r < 0.08 || dob.year() > 2012 && r < 0.5 {
            String::new()
        } else if r < 0.10 {
            format!("{:09}", self.rng.u32(100_000_000..999_999_999))
        } else {
            self.new_id(dob, male)
        };
        let n = match self.rng.u32(..10) {
            0..=1 => 1,
            2..=5 => 2,
            _ => 3,
        };
        let mut doses = vec![self.date(2021, 2021)];
        for _ in 1..n {
            let last = *doses.last().unwrap_or(&doses[0]);
            doses.push(last + chrono::Days::new(self.rng.u64(28..=120)));
        }
        Person {
            name,
            dob,
            year_only: dob.year() < 1950 && self.rng.f64() < 0.3,
            male,
            id,
            phone: if self.rng.f64() < 0.5 {
                phone.to_string()
            } else if self.rng.f64() < 0.5 {
                self.phone()
            } else {
                String::new()
            },
            district: d,
            commune: c,
            vaccine: self.rng.usize(..VACCINES.len()),
            doses,
        }
    }

    fn household(&mut self) -> Vec<Person> {
        let family = self.family();
        let d = self.rng.usize(..DISTRICTS.len());
        let c = self.rng.usize(..6);
        let phone = self.phone();
        let father_dob = self.date(1940, 1990);
        let mut out = Vec::new();
        let father_name = self.name(family, true);
        out.push(self.person(father_name.clone(), father_dob, true, &phone, d, c));
        if self.rng.f64() < 0.8 {
            let other = self.family();
            let n = self.name(other, false);
            let dob = self.date(father_dob.year() - 3, father_dob.year() + 5);
            out.push(self.person(n, dob, false, &phone, d, c));
        }
        let kids = self.rng.usize(..=3);
        for k in 0..kids {
            let y = (father_dob.year() + self.rng.i32(20..=35)).min(2020);
            let dob = self.date(y, y);
            let male = self.rng.bool();
            let name = if k == 0 && male && self.rng.f64() < 0.02 {
                father_name.clone() // son named like his father
            } else {
                self.name(family, male)
            };
            out.push(self.person(name.clone(), dob, male, &phone, d, c));
            if self.rng.f64() < 0.02 {
                // twins: same birth date, family and middle name, another given name
                let mut words: Vec<&str> = name.split(' ').collect();
                let given = loop {
                    let g = if male {
                        self.pick(&GIVEN_M)
                    } else {
                        self.pick(&GIVEN_F)
                    };
                    if Some(&g) != words.last() {
                        break g;
                    }
                };
                words.pop();
                words.push(given);
                out.push(self.person(words.join(" "), dob, male, &phone, d, c));
            }
        }
        out
    }

    fn fmt_dob(&mut self, p: &Person) -> String {
        if p.year_only {
            return p.dob.year().to_string();
        }
        match self.rng.u32(..20) {
            0..=1 => p.dob.format("%-d/%-m/%Y").to_string(),
            2 => p.dob.format("%Y-%m-%d").to_string(),
            _ => p.dob.format("%d/%m/%Y").to_string(),
        }
    }

    fn rows_of(&mut self, p: &Person, doses: std::ops::Range<usize>) -> Vec<Row> {
        let dob = self.fmt_dob(p);
        doses
            .filter_map(|i| p.doses.get(i).map(|&d| (i, d)))
            .map(|(i, date)| Row {
                name: p.name.clone(),
                dob: dob.clone(),
                male: p.male,
                id: p.id.clone(),
                phone: p.phone.clone(),
                district: p.district,
                commune: p.commune,
                vaccine: p.vaccine,
                dose: i + 1,
                date,
                person: None,
                event: None,
            })
            .collect()
    }

    /// A second record of the same person, perturbed.
    fn variant(&mut self, p: &Person) -> Person {
        let mut v = p.clone();
        let r = self.rng.f64();
        v.id = if p.id.is_empty() {
            if r < 0.7 {
                String::new()
            } else {
                self.new_id(p.dob, p.male)
            }
        } else if r < 0.4 {
            String::new()
        } else if r < 0.65 {
            let mut b = p.id.clone().into_bytes();
            let i = self.rng.usize(3..b.len() - 1);
            if self.rng.bool() {
                b.swap(i, i + 1);
            } else {
                b[i] = b'0' + (b[i] - b'0' + self.rng.u8(1..10)) % 10;
            }
            String::from_utf8(b).unwrap_or_default()
        } else if r < 0.85 {
            self.new_id(p.dob, p.male)
        } else {
            format!("{:09}", self.rng.u32(100_000_000..999_999_999))
        };
        let r = self.rng.f64();
        v.name = if r < 0.3 {
            let f = lamsach_text::fold(&p.name);
            if self.rng.bool() {
                f.to_uppercase()
            } else {
                f.split(' ')
                    .map(|w| {
                        let mut c = w.chars();
                        c.next()
                            .map(|h| h.to_uppercase().chain(c).collect::<String>())
                            .unwrap_or_default()
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            }
        } else if r < 0.45 {
            let mut chars: Vec<char> = p.name.chars().collect();
            let i = self.rng.usize(1..chars.len().max(2));
            if chars.get(i).is_some_and(|c| *c != ' ') {
                if self.rng.bool() {
                    chars.remove(i);
                } else if i + 1 < chars.len() && chars[i + 1] != ' ' {
                    chars.swap(i, i + 1);
                }
            }
            chars.into_iter().collect()
        } else if r < 0.5 {
            let w: Vec<&str> = p.name.split(' ').collect();
            match w.as_slice() {
                [f, .., g] if w.len() > 2 => format!("{f} {g}"),
                _ => p.name.clone(),
            }
        } else {
            p.name.clone()
        };
        let r = self.rng.f64();
        if r < 0.1 && p.dob.day() <= 12 && p.dob.day() != p.dob.month() {
            v.dob =
                NaiveDate::from_ymd_opt(p.dob.year(), p.dob.day(), p.dob.month()).unwrap_or(p.dob);
        } else if r < 0.15 {
            v.dob = NaiveDate::from_ymd_opt(p.dob.year() + 1, p.dob.month(), p.dob.day())
                .unwrap_or(p.dob);
        } else if r < 0.2 {
            v.year_only = true;
        }
        let fold = lamsach_text::fold;
        if v.id == p.id
            && fold(&v.name) == fold(&p.name)
            && v.dob == p.dob
            && v.year_only == p.year_only
        {
            // Identical on ID, folded name and birth date: the same record, not a second one.
            v.id = if p.id.is_empty() {
                self.new_id(p.dob, p.male)
            } else {
                String::new()
            };
        }
        let r = self.rng.f64();
        if r < 0.2 {
            v.phone = String::new();
        } else if r < 0.3 {
            v.phone = self.phone();
        }
        v
    }
}

pub fn run(a: &SynthArgs) -> Result<ExitCode> {
    let mut g = Gen {
        rng: fastrand::Rng::with_seed(a.seed),
        ids: Default::default(),
    };
    let mut rows: Vec<Row> = Vec::with_capacity(a.rows + a.rows / 10);
    let mut next_person = 0u32;
    let mut next_event = 0u32;
    while rows.len() < a.rows {
        for p in g.household() {
            let r = g.rng.f64();
            if r < a.dup_rate {
                next_person += 1;
                let pid = next_person;
                let v = g.variant(&p);
                let n = p.doses.len();
                let mut orig;
                let mut dup;
                if n >= 2 && g.rng.bool() {
                    // the second record takes over the later doses
                    let k = g.rng.usize(1..n);
                    orig = g.rows_of(&p, 0..k);
                    dup = g.rows_of(&v, k..n);
                } else {
                    // the second record repeats one dose: also an event duplicate
                    let k = g.rng.usize(..n);
                    orig = g.rows_of(&p, 0..n);
                    dup = g.rows_of(&v, k..k + 1);
                    next_event += 1;
                    let shift = g.rng.u64(0..=3);
                    for d in &mut dup {
                        d.date = d.date + chrono::Days::new(shift);
                        d.event = Some(next_event);
                    }
                    if let Some(o) = orig.get_mut(k) {
                        o.event = Some(next_event);
                    }
                }
                for r in &mut orig {
                    r.person = Some((pid, pid * 2));
                }
                for r in &mut dup {
                    r.person = Some((pid, pid * 2 + 1));
                }
                rows.extend(orig);
                rows.extend(dup);
            } else if r < a.dup_rate + a.event_rate {
                let mut own = g.rows_of(&p, 0..p.doses.len());
                let k = g.rng.usize(..own.len());
                if let Some(mut copy) = own.get(k).cloned() {
                    next_event += 1;
                    copy.date = copy.date + chrono::Days::new(g.rng.u64(1..=5));
                    copy.event = Some(next_event);
                    own[k].event = Some(next_event);
                    own.push(copy);
                }
                rows.extend(own);
            } else {
                let own = g.rows_of(&p, 0..p.doses.len());
                rows.extend(own);
            }
        }
    }
    g.rng.shuffle(&mut rows);

    std::fs::create_dir_all(&a.out).map_err(|source| Error::Write {
        path: a.out.clone(),
        source,
    })?;
    let path = a.out.join("export.csv");
    let tpath = a.out.join("truth.csv");
    let werr = |p: &PathBuf| {
        let p = p.clone();
        move |source| Error::Write {
            path: p.clone(),
            source,
        }
    };
    let mut w = std::io::BufWriter::new(std::fs::File::create(&path).map_err(werr(&path))?);
    let mut t = std::io::BufWriter::new(std::fs::File::create(&tpath).map_err(werr(&tpath))?);
    writeln!(w, "STT,Họ và tên,Ngày sinh,Giới tính,Số CCCD,Số điện thoại,Huyện,Xã,Cơ sở tiêm,Vắc xin,Mũi,Ngày tiêm").map_err(werr(&path))?;
    writeln!(t, "line,kind,cluster,record").map_err(werr(&tpath))?;
    for (i, r) in rows.iter().enumerate() {
        let line = i as u64 + 2;
        let (dname, communes) = DISTRICTS[r.district % DISTRICTS.len()];
        let commune = communes[r.commune % communes.len()];
        writeln!(
            w,
            "{},{},{},{},{},{},{},{},TYT {},{},{},{}",
            i + 1,
            r.name,
            r.dob,
            if r.male { "Nam" } else { "Nữ" },
            r.id,
            r.phone,
            dname,
            commune,
            commune,
            VACCINES[r.vaccine % VACCINES.len()],
            r.dose,
            r.date.format("%d/%m/%Y")
        )
        .map_err(werr(&path))?;
        if let Some((c, rec)) = r.person {
            writeln!(t, "{line},person,{c},{rec}").map_err(werr(&tpath))?;
        }
        if let Some(e) = r.event {
            writeln!(t, "{line},event,{e},{line}").map_err(werr(&tpath))?;
        }
    }
    w.flush().map_err(werr(&path))?;
    t.flush().map_err(werr(&tpath))?;
    println!(
        "{} rows, {} person duplicates, {} event duplicates -> {}, {}",
        rows.len(),
        next_person,
        next_event,
        path.display(),
        tpath.display()
    );
    Ok(ExitCode::SUCCESS)
}
