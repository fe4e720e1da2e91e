use crate::*;
use lamsach_text::Lang;

pub static RULE: Rule = Rule {
    code: "DUP002",
    name: "id-shared-by-different-people",
    pillar: Pillar::Sach,
    category: Category::SharedId,
    severity: Severity::Error,
    label_vi: "Một số định danh dùng cho nhiều người",
    label_en: "One ID used by different people",
    doc: r#"## What it does
Flags a row whose 12-digit ID already appeared earlier in the file with a
different name (compared without case, diacritics or extra spaces) or a
different date of birth (a year-only date agrees with any date in that year).
The first row with the ID is taken as the reference; each later row that
disagrees is flagged with the line and the differing field.

## Why is this bad?
One number, two people: one of them carries a wrong ID (often a relative's).
This is not a duplicate to delete but a wrong ID to correct.

## Example
| line | Số CCCD | Họ và tên | finding |
|---|---|---|---|
| 2 | 001190012345 | Nguyễn Thị Lan | — |
| 7 | 001190012345 | Trần Văn Hùng | DUP002 (khác tên với dòng 2) |
"#,
    check: Check::Engine,
};

/// Who a row says holds its ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holder {
    pub id: u64,
    /// xxh3 of the folded name; 0 when empty.
    pub name: u64,
    pub dob: DateValue,
}

pub fn key(ctx: &RowCtx) -> Option<Holder> {
    let IdValue::Cccd(d) = &ctx.id else {
        return None;
    };
    let id = d.iter().fold(0u64, |n, c| n * 10 + (c - b'0') as u64);
    let name = ctx
        .get(Field::FullName)
        .filter(|n| !n.is_empty())
        .map_or(0, |_| {
            xxhash_rust::xxh3::xxh3_64(ctx.name_folded().as_bytes())
        });
    Some(Holder {
        id,
        name,
        dob: ctx.dob,
    })
}

fn dob_differs(a: DateValue, b: DateValue) -> bool {
    match (a, b) {
        (DateValue::Full(x), DateValue::Full(y)) => x != y,
        _ => matches!((a.year(), b.year()), (Some(x), Some(y)) if x != y),
    }
}

/// A date of birth in 32 bits, as far as [`dob_differs`] can tell dates
/// apart: 0 when there is no year; a full date as `FULL_BASE` plus its day
/// number (chrono's days, |n| < 2^27, all fit); a partial date as
/// `PARTIAL_TAG` plus its year offset by 2^30 (its month does not count).
/// None for a partial year beyond ±2^30, which the index keeps wide.
fn pack_dob(d: DateValue) -> Option<u32> {
    match d {
        DateValue::Full(x) => {
            let n = i64::from(chrono::Datelike::num_days_from_ce(&x)) + FULL_BASE;
            u32::try_from(n).ok().filter(|&n| n > 0 && n < PARTIAL_TAG)
        }
        DateValue::Partial { year, .. } => {
            let n = i64::from(year) + (1 << 30);
            u32::try_from(n)
                .ok()
                .filter(|&n| n < PARTIAL_TAG)
                .map(|n| n | PARTIAL_TAG)
        }
        DateValue::Missing | DateValue::Impossible { .. } | DateValue::Unparseable => Some(0),
    }
}

const FULL_BASE: i64 = 1 << 29;
const PARTIAL_TAG: u32 = 1 << 31;

/// What [`pack_dob`] kept of a date: the same date when full, the year
/// when partial (without month), [`DateValue::Missing`] when yearless.
fn unpack_dob(p: u32) -> DateValue {
    if p == 0 {
        DateValue::Missing
    } else if p & PARTIAL_TAG != 0 {
        DateValue::Partial {
            year: ((p & !PARTIAL_TAG) as i64 - (1 << 30)) as i32,
            month: None,
        }
    } else {
        let n = i32::try_from(i64::from(p) - FULL_BASE).ok();
        n.and_then(chrono::NaiveDate::from_num_days_from_ce_opt)
            .map_or(DateValue::Missing, DateValue::Full)
    }
}

/// A slot's value: xxh3 of the name, the packed date of birth, the first
/// line; with the ID as key, 24 bytes a slot. `line == WIDE` when the entry
/// did not fit (a line of 2^32 − 1 or more, or an unpackable date) and is in
/// [`Index::wide`].
type Packed = (u64, u32, u32);

const WIDE: u32 = u32::MAX;

/// First holder and line of each valid 12-digit ID seen so far.
#[derive(Default)]
pub struct Index {
    first: crate::dup::first_seen::FirstSeen<Packed>,
    /// Entries that do not pack: name, date of birth, line.
    wide: rustc_hash::FxHashMap<u64, (u64, DateValue, u64)>,
}

impl Index {
    /// The table (to warm, size and count it).
    pub fn table(&self) -> &crate::dup::first_seen::FirstSeen<Packed> {
        &self.first
    }

    pub fn table_mut(&mut self) -> &mut crate::dup::first_seen::FirstSeen<Packed> {
        &mut self.first
    }

    /// The first holder of `h`'s ID and its line; None when `h` is the first.
    fn first_of(&mut self, h: Holder, line: u64) -> Option<(u64, DateValue, u64)> {
        let narrow = pack_dob(h.dob)
            .zip(u32::try_from(line).ok().filter(|&l| l != WIDE))
            .map(|(dob, l)| (h.name, dob, l));
        let slot = narrow.unwrap_or((h.name, 0, WIDE));
        match self.first.first_or_insert(h.id, slot) {
            None => {
                if narrow.is_none() {
                    self.wide.insert(h.id, (h.name, h.dob, line));
                }
                None
            }
            // inserted with the slot, so present (were it not, the row would
            // count as agreeing: no finding, never a panic)
            Some((_, _, WIDE)) => self.wide.get(&h.id).copied(),
            Some((name, dob, l)) => Some((name, unpack_dob(dob), u64::from(l))),
        }
    }

    pub fn check(&mut self, h: Holder, line: u64, lang: Lang) -> Option<Finding> {
        let (first_name, first_dob, first_line) = self.first_of(h, line)?;
        if first_line == line {
            return None;
        }
        let name = first_name != 0 && h.name != 0 && first_name != h.name;
        let dob = dob_differs(first_dob, h.dob);
        let what = match (name, dob, lang.is_en()) {
            (false, false, _) => return None,
            (true, true, false) => "khác họ tên và ngày sinh",
            (true, false, false) => "khác họ tên",
            (false, true, false) => "khác ngày sinh",
            (true, true, true) => "a different name and date of birth",
            (true, false, true) => "a different name",
            (false, true, true) => "a different date of birth",
        };
        Some(Finding {
            line,
            rule: &RULE,
            column: None,
            value: String::new(),
            message: if lang.is_en() {
                format!("ID also used at line {first_line} with {what}")
            } else {
                format!("Số định danh đã dùng ở dòng {first_line} cho người {what}")
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn h(name: u64, dob: DateValue) -> Holder {
        Holder {
            id: 1190012345,
            name,
            dob,
        }
    }

    #[test]
    fn conflicts() {
        let d = |y, m, dd| DateValue::Full(NaiveDate::from_ymd_opt(y, m, dd).unwrap());
        let mut idx = Index::default();
        assert!(idx.check(h(1, d(1990, 5, 12)), 2, Lang::Vi).is_none());
        // same person again (another dose): fine
        assert!(idx.check(h(1, d(1990, 5, 12)), 3, Lang::Vi).is_none());
        // year-only agrees
        assert!(idx
            .check(
                h(
                    1,
                    DateValue::Partial {
                        year: 1990,
                        month: None
                    }
                ),
                4,
                Lang::Vi
            )
            .is_none());
        // empty name: nothing to compare
        assert!(idx.check(h(0, d(1990, 5, 12)), 5, Lang::Vi).is_none());
        let f = idx.check(h(2, d(1990, 5, 12)), 7, Lang::Vi).unwrap();
        assert_eq!(
            f.message,
            "Số định danh đã dùng ở dòng 2 cho người khác họ tên"
        );
        let f = idx.check(h(2, d(1991, 5, 12)), 8, Lang::Vi).unwrap();
        assert!(f.message.ends_with("khác họ tên và ngày sinh"));
    }

    fn dates() -> Vec<DateValue> {
        let mut v = vec![
            DateValue::Missing,
            DateValue::Unparseable,
            DateValue::Impossible { swapped: true },
            DateValue::Impossible { swapped: false },
            DateValue::Full(NaiveDate::MIN),
            DateValue::Full(NaiveDate::MAX),
            DateValue::Full(NaiveDate::from_ymd_opt(1, 1, 1).unwrap()),
            DateValue::Full(NaiveDate::from_ymd_opt(0, 12, 31).unwrap()),
        ];
        let mut rng = fastrand::Rng::with_seed(3);
        for _ in 0..300 {
            let y = rng.i32(1890..2030);
            v.push(DateValue::Full(
                NaiveDate::from_ymd_opt(y, rng.u32(1..=12), rng.u32(1..=28)).unwrap(),
            ));
            v.push(DateValue::Partial {
                year: y,
                month: rng.bool().then(|| rng.u32(1..=12)),
            });
        }
        for year in [-(1 << 30), (1 << 30) - 1, -262_144, 262_143, 0, -1] {
            v.push(DateValue::Partial { year, month: None });
        }
        v
    }

    #[test]
    fn packed_dob_compares_as_the_date() {
        let all = dates();
        for &a in &all {
            let p = pack_dob(a).expect("packs");
            let u = unpack_dob(p);
            // round trip: the same date, or the same year, or no year
            match a {
                DateValue::Full(_) => assert_eq!(u, a),
                DateValue::Partial { year, .. } => {
                    assert_eq!(u, DateValue::Partial { year, month: None })
                }
                _ => assert_eq!(u, DateValue::Missing),
            }
            for &b in &all {
                assert_eq!(dob_differs(u, b), dob_differs(a, b), "{a:?} {b:?}");
            }
        }
        // distinct full dates stay distinct
        let d = |n| DateValue::Full(NaiveDate::from_num_days_from_ce_opt(n).unwrap());
        assert_ne!(pack_dob(d(730_000)), pack_dob(d(730_001)));
        // years beyond ±2^30 do not pack
        for year in [i32::MAX, i32::MIN, 1 << 30, -(1 << 30) - 1] {
            assert_eq!(pack_dob(DateValue::Partial { year, month: None }), None);
        }
    }

    #[test]
    fn slots_are_24_bytes() {
        assert_eq!(std::mem::size_of::<(u64, Packed)>(), 24);
    }

    #[test]
    fn lines_beyond_32_bits_and_unpackable_dates() {
        let d = DateValue::Full(NaiveDate::from_ymd_opt(1990, 5, 12).unwrap());
        let far = DateValue::Partial {
            year: i32::MAX,
            month: None,
        };
        for first_line in [u32::MAX as u64 - 1, u32::MAX as u64, 5_000_000_000] {
            let mut idx = Index::default();
            assert!(idx.check(h(1, d), first_line, Lang::En).is_none());
            assert!(idx.check(h(1, d), first_line + 1, Lang::En).is_none());
            let f = idx.check(h(2, d), first_line + 7, Lang::En).unwrap();
            assert_eq!(f.line, first_line + 7);
            assert_eq!(
                f.message,
                format!("ID also used at line {first_line} with a different name")
            );
        }
        // a later row's wide line does not change the first
        let mut idx = Index::default();
        assert!(idx.check(h(1, d), 2, Lang::En).is_none());
        let f = idx.check(h(1, far), 9_000_000_000, Lang::En).unwrap();
        assert_eq!(
            f.message,
            "ID also used at line 2 with a different date of birth"
        );
        // a first row whose date does not pack keeps it whole
        let mut idx = Index::default();
        assert!(idx.check(h(1, far), 3, Lang::En).is_none());
        assert!(idx.check(h(1, far), 4, Lang::En).is_none());
        let f = idx.check(h(1, d), 5, Lang::En).unwrap();
        assert_eq!(
            f.message,
            "ID also used at line 3 with a different date of birth"
        );
        assert_eq!(idx.table().len(), 1);
    }
}
