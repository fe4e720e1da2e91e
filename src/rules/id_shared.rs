use super::*;

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

#[derive(Default)]
pub struct Index {
    first: rustc_hash::FxHashMap<u64, (Holder, u64)>,
}

impl Index {
    /// Looks the keys of a batch up in one tight loop before they are
    /// checked one by one: the cache misses of a map of millions of entries
    /// overlap there instead of stalling each row. Pure speed-up.
    pub fn warm(&self, keys: impl Iterator<Item = u64>) {
        let found = keys.filter(|k| self.first.contains_key(k)).count();
        std::hint::black_box(found);
    }

    pub fn check(&mut self, h: Holder, line: u64, en: bool) -> Option<Finding> {
        let (first, first_line) = *self.first.entry(h.id).or_insert((h, line));
        if first_line == line {
            return None;
        }
        let name = first.name != 0 && h.name != 0 && first.name != h.name;
        let dob = dob_differs(first.dob, h.dob);
        let what = match (name, dob, en) {
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
            message: if en {
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
        assert!(idx.check(h(1, d(1990, 5, 12)), 2, false).is_none());
        // same person again (another dose): fine
        assert!(idx.check(h(1, d(1990, 5, 12)), 3, false).is_none());
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
                false
            )
            .is_none());
        // empty name: nothing to compare
        assert!(idx.check(h(0, d(1990, 5, 12)), 5, false).is_none());
        let f = idx.check(h(2, d(1990, 5, 12)), 7, false).unwrap();
        assert_eq!(
            f.message,
            "Số định danh đã dùng ở dòng 2 cho người khác họ tên"
        );
        let f = idx.check(h(2, d(1991, 5, 12)), 8, false).unwrap();
        assert!(f.message.ends_with("khác họ tên và ngày sinh"));
    }
}
