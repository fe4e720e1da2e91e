use crate::*;
use lamsach_model::parse::id::IdStructure;
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
Finds 12-digit IDs held by different people in the file (one ID however
Excel spelled it: "8190012345" that lost its zeros and "008 190 012 345"
are 008190012345): rows whose names
(compared without case, diacritics or extra spaces) or dates of birth (a
year-only date agrees with any date in that year) disagree. The whole file is
read first; then, for each such ID, lamsach decides which holder is right and
flags only the rows of the others, naming the right holder's rows in
`related_lines`:

1. with `--reference`, the holder the population extract agrees with;
2. else the holder whose sex and birth year agree with the ID's own
   structure (its century/sex digit and its two year digits);
3. else the holder with more rows (the doses or years of one person);
4. else the better-kept record (name with diacritics, full birth date, sex).

When nothing decides, every row of the conflict is flagged as undecided. A
problem is counted once in the tallies: one per wrong holder of an ID (or one
per undecided ID), however many rows it has.

## Why is this bad?
One number, two people: one of them carries a wrong ID (often a relative's).
This is not a duplicate to delete but a wrong ID to correct, on the right row.

## Example
| line | Số CCCD | Họ và tên | Ngày sinh | finding |
|---|---|---|---|---|
| 2 | 001190012345 | Trần Văn Hùng | 03/11/2015 | DUP002 (the ID says 1990, a woman; related: 5, 9) |
| 5 | 001190012345 | Nguyễn Thị Lan | 12/05/1990 | — |
| 9 | 001190012345 | Nguyễn Thị Lan | 12/05/1990 | — |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Tìm các số định danh 12 số mà trong tệp lại thuộc về những người khác nhau:
các dòng có họ tên (so sánh không phân biệt hoa thường, dấu hay khoảng trắng
thừa) hoặc ngày sinh (ngày sinh chỉ có năm được coi là khớp với mọi ngày trong
năm đó) không khớp nhau. lamsach đọc hết tệp trước; sau đó, với mỗi số định
danh như vậy, xác định ai là người đúng và chỉ báo các dòng của những người
còn lại, ghi các dòng của người đúng vào `related_lines`:

1. khi có `--reference`, người khớp với trích xuất CSDL dân cư;
2. nếu không, người có giới tính và năm sinh khớp với chính cấu trúc số định
   danh (chữ số thế kỷ/giới tính và hai chữ số năm sinh);
3. nếu không, người có nhiều dòng hơn (các mũi tiêm hoặc các năm của cùng một người);
4. nếu không, bản ghi đầy đủ hơn (họ tên có dấu, ngày sinh đủ, có giới tính).

Khi không xác định được, mọi dòng trong xung đột đều được báo là chưa xác định.
Mỗi vấn đề chỉ tính một lần trong số liệu tổng hợp: một cho mỗi người dùng sai
số định danh (hoặc một cho mỗi số định danh chưa xác định), dù có bao nhiêu dòng.

## Vì sao cần sửa
Một số, hai người: một trong hai người đang mang số định danh sai (thường là số
của người thân). Đây không phải bản ghi trùng cần xóa mà là số định danh sai cần
sửa, trên đúng dòng.

## Ví dụ
| dòng | Số CCCD | Họ và tên | Ngày sinh | kết quả |
|---|---|---|---|---|
| 2 | 001190012345 | Trần Văn Hùng | 03/11/2015 | DUP002 (số định danh cho biết sinh năm 1990, nữ; liên quan: 5, 9) |
| 5 | 001190012345 | Nguyễn Thị Lan | 12/05/1990 | — |
| 9 | 001190012345 | Nguyễn Thị Lan | 12/05/1990 | — |
"#,
    check: Check::WholeFile,
};

/// The rows one holder of a shared ID has in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct HolderRows {
    /// xxh3 of the folded name; 0 when empty.
    pub name: u64,
    pub dob: DateValue,
    pub sex: Option<Sex>,
    /// Its rows, in line order.
    pub lines: Vec<u64>,
    /// How well the record is kept, 0–3: a name with diacritics, a full
    /// birth date, a recognised sex.
    pub kept: u8,
    /// Whether the population extract agrees (name and birth date); None
    /// without an extract or when the ID is not in it.
    pub verified: Option<bool>,
}

impl HolderRows {
    /// True when a row of (`name`, `dob`) is this holder's.
    pub fn agrees(&self, name: u64, dob: DateValue) -> bool {
        let same_name = self.name == 0 || name == 0 || self.name == name;
        same_name && !dob_differs(self.dob, dob)
    }
}

/// Why a holder is taken as the right one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    Reference,
    Structure,
    Rows,
    Kept,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The holder at this index is right; the others need their ID fixed.
    Right(usize, Why),
    Undecided,
}

/// True when the holder's birth year and sex agree with the ID's structure
/// (an unknown sex does not disagree; an unknown year does not agree).
fn fits_structure(s: &IdStructure, h: &HolderRows) -> bool {
    h.dob.year() == Some(s.century + s.year2) && h.sex.is_none_or(|x| x == s.sex)
}

/// Which holder of a shared ID is right (see the rule's doc).
pub fn decide(id: &[u8; 12], holders: &[HolderRows]) -> Verdict {
    let only = |pool: &[usize], f: &dyn Fn(&HolderRows) -> bool| -> Option<usize> {
        let mut it = pool.iter().copied().filter(|&i| f(&holders[i]));
        match (it.next(), it.next()) {
            (Some(i), None) => Some(i),
            _ => None,
        }
    };
    let all: Vec<usize> = (0..holders.len()).collect();
    if let Some(i) = only(&all, &|h| h.verified == Some(true)) {
        return Verdict::Right(i, Why::Reference);
    }
    let s = IdStructure::of(id);
    let fitting: Vec<usize> = all
        .iter()
        .copied()
        .filter(|&i| fits_structure(&s, &holders[i]))
        .collect();
    if let [i] = fitting[..] {
        return Verdict::Right(i, Why::Structure);
    }
    let pool = if fitting.is_empty() { all } else { fitting };
    let best = |key: &dyn Fn(&HolderRows) -> usize, pool: &[usize]| -> Vec<usize> {
        let max = pool.iter().map(|&i| key(&holders[i])).max().unwrap_or(0);
        pool.iter()
            .copied()
            .filter(|&i| key(&holders[i]) == max)
            .collect()
    };
    let most = best(&|h| h.lines.len(), &pool);
    if let [i] = most[..] {
        return Verdict::Right(i, Why::Rows);
    }
    let kept = best(&|h| usize::from(h.kept), &most);
    if let [i] = kept[..] {
        return Verdict::Right(i, Why::Kept);
    }
    Verdict::Undecided
}

/// Lines for a message: the first five, then "…".
fn lines_text(lines: &[u64]) -> String {
    let mut s = lines
        .iter()
        .take(5)
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    if lines.len() > 5 {
        s.push_str(", …");
    }
    s
}

/// Most related lines a finding names.
pub(crate) const MAX_RELATED: usize = 20;

/// The findings of one shared ID: on every row of the wrong holders (or,
/// undecided, of all), each problem counted once. `column` is the ID's
/// column, `value` the ID as written.
pub fn findings(
    holders: &[HolderRows],
    verdict: Verdict,
    column: Option<usize>,
    value: &str,
    lang: Lang,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let finding = |line: u64, message: String, related: Vec<u64>, repeat: bool| Finding {
        line,
        rule: &RULE,
        column,
        value: value.to_string(),
        message,
        related,
        repeat,
    };
    match verdict {
        Verdict::Right(r, why) => {
            let right = &holders[r];
            let related: Vec<u64> = right.lines.iter().take(MAX_RELATED).copied().collect();
            let because = match (why, lang.is_en()) {
                (Why::Reference, false) => "người đó khớp CSDL dân cư",
                (Why::Structure, false) => "người đó khớp giới tính và năm sinh trong số định danh",
                (Why::Rows, false) => "người đó có nhiều dòng hơn",
                (Why::Kept, false) => "dòng của người đó ghi đầy đủ hơn",
                (Why::Reference, true) => "that person agrees with the population database",
                (Why::Structure, true) => "that person's sex and birth year agree with the ID",
                (Why::Rows, true) => "that person has more rows",
                (Why::Kept, true) => "that person's rows are better kept",
            };
            for (i, h) in holders.iter().enumerate() {
                if i == r {
                    continue;
                }
                let name = h.name != 0 && right.name != 0 && h.name != right.name;
                let dob = dob_differs(h.dob, right.dob);
                let what = match (name, dob, lang.is_en()) {
                    (true, true, false) => "khác họ tên và ngày sinh",
                    (true, false, false) => "khác họ tên",
                    (_, _, false) => "khác ngày sinh",
                    (true, true, true) => "a different name and date of birth",
                    (true, false, true) => "a different name",
                    (_, _, true) => "a different date of birth",
                };
                let at = lines_text(&right.lines);
                let message = lang.pick(
                    format!(
                        "Số định danh là của người ở dòng {at} ({what}; {because}): sửa số định danh của dòng này"
                    ),
                    format!(
                        "The ID belongs to the person at line {at} ({what}; {because}): fix this row's ID"
                    ),
                );
                for (k, &line) in h.lines.iter().enumerate() {
                    out.push(finding(line, message.clone(), related.clone(), k > 0));
                }
            }
        }
        Verdict::Undecided => {
            for (i, h) in holders.iter().enumerate() {
                let others: Vec<u64> = holders
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != i)
                    .flat_map(|(_, o)| o.lines.iter().copied())
                    .collect();
                let mut related = others.clone();
                related.sort_unstable();
                related.truncate(MAX_RELATED);
                let message = lang.pick(
                    format!(
                        "Số định danh dùng cho {} người (cả dòng {}), không rõ ai đúng: đối chiếu giấy tờ",
                        holders.len(),
                        lines_text(&related)
                    ),
                    format!(
                        "The ID is used by {} people (also line {}), and nothing tells who is right: check their papers",
                        holders.len(),
                        lines_text(&related)
                    ),
                );
                for (k, &line) in h.lines.iter().enumerate() {
                    // counted once for the whole ID
                    out.push(finding(
                        line,
                        message.clone(),
                        related.clone(),
                        i > 0 || k > 0,
                    ));
                }
            }
        }
    }
    out.sort_by_key(|f| f.line);
    out
}

/// Groups the rows of one ID into holders, in line order: a row joins the
/// first holder it agrees with.
#[derive(Debug, Default)]
pub struct Holders {
    pub holders: Vec<HolderRows>,
}

impl Holders {
    pub fn add(&mut self, line: u64, h: HolderRows) {
        match self.holders.iter_mut().find(|x| x.agrees(h.name, h.dob)) {
            Some(x) => {
                x.lines.push(line);
                // the holder keeps its best-kept row's details
                if h.kept > x.kept {
                    x.kept = h.kept;
                }
                if x.sex.is_none() {
                    x.sex = h.sex;
                }
                if !matches!(x.dob, DateValue::Full(_)) && matches!(h.dob, DateValue::Full(_)) {
                    x.dob = h.dob;
                }
                if x.name == 0 {
                    x.name = h.name;
                }
                x.verified = x.verified.or(h.verified);
            }
            None => {
                let mut h = h;
                h.lines = vec![line];
                self.holders.push(h);
            }
        }
    }
}

/// Who a row says holds its ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holder {
    pub id: u64,
    /// xxh3 of the folded name; 0 when empty.
    pub name: u64,
    pub dob: DateValue,
}

/// The 12 digits a row's ID stands for: as written, or once the lost
/// zeros or the characters between the digits are repaired — one ID
/// however Excel spelled it.
fn twelve_digits(id: &IdValue) -> Option<[u8; 12]> {
    let digits = match id {
        IdValue::Cccd(d) => return Some(*d),
        IdValue::DroppedZeros { padded } => padded.as_bytes(),
        IdValue::Malformed(lamsach_model::parse::id::IdProblem::Separators { cleaned }) => {
            cleaned.as_bytes()
        }
        _ => return None,
    };
    let d: [u8; 12] = digits.try_into().ok()?;
    (d.iter().all(u8::is_ascii_digit) && d.iter().any(|&c| c != b'0')).then_some(d)
}

pub fn key(ctx: &RowCtx) -> Option<Holder> {
    let d = &twelve_digits(&ctx.id)?;
    let name = ctx
        .get(Field::FullName)
        .filter(|n| !n.is_empty())
        .map_or(0, |_| {
            xxhash_rust::xxh3::xxh3_64(ctx.name_folded().as_bytes())
        });
    Some(Holder {
        id: id_number(d),
        name,
        dob: ctx.dob,
    })
}

fn id_number(d: &[u8; 12]) -> u64 {
    d.iter().fold(0u64, |n, c| n * 10 + (c - b'0') as u64)
}

/// [`key`] from the three cells alone (trimmed), without a row context:
/// for a pass that reads nothing else. `buf` is a reused buffer.
pub fn key_of(
    id: &str,
    name: &str,
    dob: &str,
    data: &RuleData,
    buf: &mut String,
) -> Option<Holder> {
    let d = twelve_digits(&lamsach_model::parse::id::parse(id, data))?;
    let name = if name.is_empty() {
        0
    } else {
        buf.clear();
        lamsach_text::fold_into(name, buf);
        xxhash_rust::xxh3::xxh3_64(buf.as_bytes())
    };
    Some(Holder {
        id: id_number(&d),
        name,
        dob: lamsach_model::parse::date::parse(dob),
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
/// [`HolderIndex::wide`].
type Packed = (u64, u32, u32);

const WIDE: u32 = u32::MAX;

/// First holder and line of each valid 12-digit ID seen so far.
#[derive(Default)]
pub struct HolderIndex {
    first: lamsach_model::first_seen::FirstSeen<Packed>,
    /// Entries that do not pack: name, date of birth, line.
    wide: rustc_hash::FxHashMap<u64, (u64, DateValue, u64)>,
}

impl HolderIndex {
    /// The table (to warm, size and count it).
    pub fn table(&self) -> &lamsach_model::first_seen::FirstSeen<Packed> {
        &self.first
    }

    pub fn table_mut(&mut self) -> &mut lamsach_model::first_seen::FirstSeen<Packed> {
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
}

impl RowIndex for HolderIndex {
    type Key = Holder;

    fn key(ctx: &RowCtx) -> Option<Holder> {
        key(ctx)
    }

    /// Registers a row's holder; the finding when an earlier row of the ID
    /// is someone else (the pre-pass then decides which of them is right).
    fn check(&mut self, h: Holder, line: u64, lang: Lang) -> Option<Finding> {
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
            related: Vec::new(),
            repeat: false,
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

    fn holder(name: u64, dob: (i32, u32, u32), sex: Sex, lines: &[u64]) -> HolderRows {
        HolderRows {
            name,
            dob: DateValue::Full(NaiveDate::from_ymd_opt(dob.0, dob.1, dob.2).unwrap()),
            sex: Some(sex),
            lines: lines.to_vec(),
            kept: 3,
            verified: None,
        }
    }

    // 0 1 1 = a woman born in 19xx; 90 = 1990
    const ID: &[u8; 12] = b"001190012345";

    #[test]
    fn the_holder_the_id_describes_is_right_whatever_the_order() {
        let owner = holder(1, (1990, 5, 12), Sex::Female, &[9]);
        let relative = holder(2, (2015, 3, 1), Sex::Male, &[2, 4]);
        for hs in [
            vec![relative.clone(), owner.clone()],
            vec![owner.clone(), relative.clone()],
        ] {
            let v = decide(ID, &hs);
            let right = hs.iter().position(|h| h.name == 1).unwrap();
            assert_eq!(v, Verdict::Right(right, Why::Structure));
            let f = findings(&hs, v, Some(3), "001190012345", Lang::Vi);
            let lines: Vec<(u64, bool)> = f.iter().map(|f| (f.line, f.repeat)).collect();
            // the relative's two rows, the second a repeat; the owner's none
            assert_eq!(lines, [(2, false), (4, true)]);
            assert_eq!(f[0].related, [9]);
            assert_eq!(f[0].column, Some(3));
            assert!(f[0].message.contains("dòng 9"), "{}", f[0].message);
        }
    }

    #[test]
    fn then_the_reference_then_more_rows_then_the_better_kept_record() {
        // the extract names the holder the structure cannot tell apart
        let mut a = holder(1, (1990, 5, 12), Sex::Female, &[2]);
        let mut b = holder(2, (1990, 8, 1), Sex::Female, &[5, 6, 7]);
        a.verified = Some(true);
        b.verified = Some(false);
        assert_eq!(
            decide(ID, &[a.clone(), b.clone()]),
            Verdict::Right(0, Why::Reference)
        );
        // without it, the one with more rows (doses)
        a.verified = None;
        b.verified = None;
        assert_eq!(
            decide(ID, &[a.clone(), b.clone()]),
            Verdict::Right(1, Why::Rows)
        );
        // as many rows: the better-kept record
        b.lines = vec![5];
        a.kept = 2;
        assert_eq!(
            decide(ID, &[a.clone(), b.clone()]),
            Verdict::Right(1, Why::Kept)
        );
        // nothing decides: every row flagged, the problem counted once
        a.kept = 3;
        assert_eq!(decide(ID, &[a.clone(), b.clone()]), Verdict::Undecided);
        let f = findings(&[a, b], Verdict::Undecided, None, "", Lang::En);
        let lines: Vec<(u64, bool)> = f.iter().map(|f| (f.line, f.repeat)).collect();
        assert_eq!(lines, [(2, false), (5, true)]);
        assert_eq!(f[0].related, [5]);
        assert_eq!(f[1].related, [2]);
        assert!(f[0].message.contains("nothing tells who is right"));
    }

    #[test]
    fn rows_join_the_holder_they_agree_with() {
        let mut hs = Holders::default();
        let d = DateValue::Full(NaiveDate::from_ymd_opt(1990, 5, 12).unwrap());
        let row = |name, dob| HolderRows {
            name,
            dob,
            sex: None,
            lines: Vec::new(),
            kept: 1,
            verified: None,
        };
        hs.add(2, row(1, d));
        hs.add(3, row(2, d));
        // a year-only date and an empty name agree with the first holder
        hs.add(
            4,
            row(
                0,
                DateValue::Partial {
                    year: 1990,
                    month: None,
                },
            ),
        );
        hs.add(5, row(1, d));
        let lines: Vec<Vec<u64>> = hs.holders.iter().map(|h| h.lines.clone()).collect();
        assert_eq!(lines, [vec![2, 4, 5], vec![3]]);
    }

    #[test]
    fn conflicts() {
        let d = |y, m, dd| DateValue::Full(NaiveDate::from_ymd_opt(y, m, dd).unwrap());
        let mut idx = HolderIndex::default();
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
    fn one_id_however_excel_spelled_it() {
        let data = RuleData::embedded().unwrap();
        let mut buf = String::new();
        let mut id = |v: &str| key_of(v, "Lan", "12/05/1990", &data, &mut buf).map(|h| h.id);
        let want = Some(8190012345);
        assert_eq!(id("008190012345"), want);
        assert_eq!(id("8190012345"), want);
        assert_eq!(id("008 190 012 345"), want);
        assert_eq!(id("8190012345.0"), want);
        // not 12 digits once repaired, or digits lost: no holder
        assert_eq!(id("008 190 012"), None);
        assert_eq!(id("1.23457E+11"), None);
        assert_eq!(id("000 000 000 000"), None);
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
            let mut idx = HolderIndex::default();
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
        let mut idx = HolderIndex::default();
        assert!(idx.check(h(1, d), 2, Lang::En).is_none());
        let f = idx.check(h(1, far), 9_000_000_000, Lang::En).unwrap();
        assert_eq!(
            f.message,
            "ID also used at line 2 with a different date of birth"
        );
        // a first row whose date does not pack keeps it whole
        let mut idx = HolderIndex::default();
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
