use crate::*;
use lamsach_text::Lang;
use xxhash_rust::xxh3::xxh3_64;

pub static RULE: Rule = Rule {
    code: "DUP001",
    name: "duplicate-event",
    pillar: Pillar::Sach,
    category: Category::Duplicate,
    severity: Severity::Error,
    label_vi: "Bản ghi trùng (cùng người, cùng sự kiện)",
    label_en: "Duplicate record (same person, same event)",
    doc: r#"## What it does
Flags a row that repeats an earlier row of the same file on the profile's
`event_key` fields (`rules/profiles/*.toml`): for vaccination the ID, name,
date of birth, vaccine, dose and vaccination date. Names and text compare
without case, diacritics or extra spaces; dates compare as dates, whatever
their format. The first occurrence is kept; each later one is flagged with the
line of the first.

## Why is this bad?
The same dose counted twice inflates coverage and the person's dose count.
Reports count these as "Xóa trùng thông tin công dân".

## Example
| line | Họ và tên | Ngày sinh | Mũi | Ngày tiêm | finding |
|---|---|---|---|---|---|
| 2 | Nguyễn Thị Lan | 12/05/1990 | 1 | 15/08/2021 | — |
| 9 | NGUYEN THI LAN | 1990-05-12 | 1 | 15/08/2021 | DUP001 (trùng dòng 2) |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Báo dòng lặp lại một dòng phía trên trong cùng tệp ở các trường `event_key`
của hồ sơ mẫu (`rules/profiles/*.toml`): với tiêm chủng là số định danh, họ
tên, ngày sinh, vắc xin, mũi tiêm và ngày tiêm. Họ tên và chữ được so sánh
không phân biệt hoa thường, dấu hay khoảng trắng thừa; ngày được so sánh theo
giá trị ngày, dù viết theo định dạng nào. Giữ lại lần xuất hiện đầu tiên; mỗi
dòng trùng sau đó được báo kèm số dòng của lần đầu.

## Vì sao cần sửa
Một mũi tiêm tính hai lần làm tăng tỷ lệ bao phủ và số mũi của người đó. Báo
cáo tính các trường hợp này là "Xóa trùng thông tin công dân".

## Ví dụ
| dòng | Họ và tên | Ngày sinh | Mũi | Ngày tiêm | kết quả |
|---|---|---|---|---|---|
| 2 | Nguyễn Thị Lan | 12/05/1990 | 1 | 15/08/2021 | — |
| 9 | NGUYEN THI LAN | 1990-05-12 | 1 | 15/08/2021 | DUP001 (trùng dòng 2) |
"#,
    check: Check::InOrder,
};

/// Hash of the row's event-key fields, normalised; None when they are all empty.
/// The fields are joined in the row's byte buffer and hashed at once (the
/// same hash as streaming them into an `Xxh3`).
pub fn key(ctx: &RowCtx) -> Option<u64> {
    ctx.with_bytes(|h| {
        key_of(
            h,
            &ctx.map.profile.event_key,
            &|f| ctx.get(f),
            KeyRow {
                id: &ctx.id,
                dob: ctx.dob,
                vaccination_date: ctx.vaccination_date,
            },
            |f, v, h| match f {
                Field::FullName => h.extend_from_slice(ctx.name_folded().as_bytes()),
                _ => ctx.fold_with(v, |x| h.extend_from_slice(x.as_bytes())),
            },
        )
    })
}

/// The values of a row [`key_of`] reads parsed already.
pub struct KeyRow<'a> {
    pub id: &'a IdValue,
    pub dob: DateValue,
    pub vaccination_date: DateValue,
}

/// The event key itself, for [`key`] and for the dedupe pre-pass (which
/// must know DUP001's key of each row without a full row context): `fields`
/// joined in `h` (cleared first) and hashed. Dates count as dates, the ID
/// as its 12 digits when valid, plain lower-case ASCII as it is, and other
/// text through `fold(field, value, h)`, which appends the folded value.
pub fn key_of<'v>(
    h: &mut Vec<u8>,
    fields: &[Field],
    get: &dyn Fn(Field) -> Option<&'v str>,
    row: KeyRow<'_>,
    mut fold: impl FnMut(Field, &str, &mut Vec<u8>),
) -> Option<u64> {
    h.clear();
    let mut any = false;
    for &f in fields {
        let v = get(f).unwrap_or("");
        any |= !v.is_empty();
        let date = match f {
            Field::Dob => Some(row.dob),
            Field::VaccinationDate => Some(row.vaccination_date),
            Field::BhytValidTo | Field::DeathDate => Some(date::parse(v)),
            _ => None,
        };
        match (f, date) {
            (Field::Id, _) => match row.id {
                IdValue::Cccd(d) => h.extend_from_slice(d),
                _ => h.extend_from_slice(v.as_bytes()),
            },
            (_, Some(DateValue::Full(d))) => {
                h.extend_from_slice(&chrono::Datelike::num_days_from_ce(&d).to_le_bytes());
            }
            (_, Some(_)) => h.extend_from_slice(v.as_bytes()),
            _ if v.is_ascii() && !v.bytes().any(|b| b.is_ascii_uppercase() || b == b' ') => {
                h.extend_from_slice(v.as_bytes())
            }
            _ => fold(f, v, h),
        }
        h.push(0x1f);
    }
    any.then(|| xxh3_64(h))
}

/// First line of each event key seen so far.
#[derive(Default)]
pub struct EventIndex {
    first: lamsach_model::first_seen::FirstSeen<u64>,
}

impl EventIndex {
    /// The table (to warm, size and count it).
    pub fn table(&self) -> &lamsach_model::first_seen::FirstSeen<u64> {
        &self.first
    }

    pub fn table_mut(&mut self) -> &mut lamsach_model::first_seen::FirstSeen<u64> {
        &mut self.first
    }
}

impl RowIndex for EventIndex {
    type Key = u64;

    fn key(ctx: &RowCtx) -> Option<u64> {
        key(ctx)
    }

    /// Registers a row; returns the finding when it repeats an earlier row.
    fn check(&mut self, key: u64, line: u64, lang: Lang) -> Option<Finding> {
        let first = self.first.first_or_insert(key, line)?;
        (first != line).then(|| Finding {
            line,
            rule: &RULE,
            column: None,
            value: String::new(),
            message: if lang.is_en() {
                format!("Same person and event as line {first}")
            } else {
                format!("Trùng với dòng {first} (cùng người, cùng sự kiện)")
            },
            related: vec![first],
            repeat: false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    fn k(cells: &[(&str, &str)]) -> Option<u64> {
        let d = data();
        let headers: Vec<String> = cells.iter().map(|(h, _)| h.to_string()).collect();
        let values: Vec<&str> = cells.iter().map(|(_, v)| *v).collect();
        let map = Mapping::new(d.profile("vaccination").unwrap(), &headers, &d.headers);
        key(&RowCtx::new(2, &values, &map, d, today(), Lang::Vi))
    }

    #[test]
    fn one_shot_hash_is_the_streamed_one() {
        // dedupe streams the same fields into an Xxh3: the two must agree
        let mut rng = fastrand::Rng::with_seed(1);
        for _ in 0..2_000 {
            let parts: Vec<Vec<u8>> = (0..rng.usize(0..8))
                .map(|_| (0..rng.usize(0..40)).map(|_| rng.u8(..)).collect())
                .collect();
            let mut h = xxhash_rust::xxh3::Xxh3::new();
            let mut all = Vec::new();
            for p in &parts {
                h.update(p);
                h.update(&[0x1f]);
                all.extend_from_slice(p);
                all.push(0x1f);
            }
            assert_eq!(h.digest(), xxh3_64(&all));
        }
    }

    #[test]
    fn same_event_in_other_spelling() {
        let a = k(&vacc(&[]));
        let b = k(&vacc(&[
            ("Họ và tên", "NGUYEN  THI LAN"),
            ("Ngày sinh", "1990-05-12"),
            ("Số điện thoại", "0987654321"),
        ]));
        assert_eq!(a, b);
        assert_ne!(a, k(&vacc(&[("Mũi", "2")])));
        let mut idx = EventIndex::default();
        assert!(idx.check(a.unwrap(), 2, Lang::Vi).is_none());
        let f = idx.check(b.unwrap(), 9, Lang::Vi).unwrap();
        assert_eq!(f.message, "Trùng với dòng 2 (cùng người, cùng sự kiện)");
    }
}
