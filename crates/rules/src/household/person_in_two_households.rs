use super::{finding, lines_text, related, Cols, MemberRow};
use crate::*;

/// HH007
pub static RULE: Rule = Rule {
    code: "HH007",
    name: "person-in-two-households",
    pillar: Pillar::Sach,
    category: Category::HouseholdMember,
    severity: Severity::Error,
    label_vi: "Một người ở nhiều hộ",
    label_en: "One person in several households",
    doc: r#"## What it does
Finds valid 12-digit IDs listed under more than one household code. The
person's household is the one where they are the head (when they head
exactly one), else the one listed first in the file; the finding lands on
the rows in the other households, on the ID column, naming the rows of the
kept household in `related_lines`. Counted once per person. Rows of one ID
with different names or birth dates are DUP002's (one ID used by different
people), and the same person twice in one household is a duplicate
(DUP001).

## Why is this bad?
A person belongs to one household (one place of permanent residence). A
second household row is left over from a move, a marriage or a split of
the household that was not recorded as a removal.

## Example
| line | Mã hộ gia đình | Họ và tên | Số định danh cá nhân | Quan hệ | finding |
|---|---|---|---|---|---|
| 2 | HGD-0015 | Phan Văn Hải | 051090001111 | Chủ hộ | — |
| 8 | HGD-0021 | Phan Văn Hải | 051090001111 | Con | HH007 (related: 2) |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Tìm các số định danh 12 số hợp lệ xuất hiện ở nhiều mã hộ. Hộ của người đó là
hộ mà họ làm chủ hộ (khi họ là chủ của đúng một hộ), nếu không thì là hộ được
ghi trước trong tệp; kết quả được ghi ở các dòng thuộc các hộ khác, tại cột số
định danh, kèm các dòng của hộ được giữ trong `related_lines`. Mỗi người tính
một lần. Các dòng cùng số định danh nhưng khác họ tên hoặc ngày sinh thuộc về
DUP002 (một số định danh dùng cho nhiều người), và một người ghi hai lần trong
cùng một hộ là bản ghi trùng (DUP001).

## Vì sao cần sửa
Một người chỉ thuộc một hộ (một nơi thường trú). Dòng ở hộ thứ hai là phần còn
sót lại sau khi chuyển đi, kết hôn hoặc tách hộ mà chưa được ghi xóa.

## Ví dụ
| dòng | Mã hộ gia đình | Họ và tên | Số định danh cá nhân | Quan hệ | kết quả |
|---|---|---|---|---|---|
| 2 | HGD-0015 | Phan Văn Hải | 051090001111 | Chủ hộ | — |
| 8 | HGD-0021 | Phan Văn Hải | 051090001111 | Con | HH007 (liên quan: 2) |
"#,
    check: Check::WholeFile,
};

/// HH007 on the rows of one ID (`rows`, in line order), into `out`.
pub fn findings(rows: &[MemberRow], cols: &Cols, lang: Lang, out: &mut Vec<Finding>) {
    let mut households: Vec<u64> = Vec::new();
    for r in rows {
        if !households.contains(&r.household) {
            households.push(r.household);
        }
    }
    if households.len() < 2 {
        return;
    }
    let headed: Vec<u64> = households
        .iter()
        .copied()
        .filter(|&h| rows.iter().any(|r| r.household == h && r.is_head()))
        .collect();
    let (kept, why) = match (&headed[..], lang.is_en()) {
        ([h], false) => (*h, "hộ người đó làm chủ hộ"),
        ([h], true) => (*h, "the household they head"),
        (_, false) => (households[0], "hộ ghi trước trong tệp"),
        (_, true) => (households[0], "the household listed first"),
    };
    let home = related(rows.iter().filter(|r| r.household == kept).map(|r| r.line));
    let message = lang.pick(
        format!(
            "Người này còn thuộc hộ khác ({why}, dòng {}): xóa khỏi hộ này hoặc sửa mã hộ",
            lines_text(&home)
        ),
        format!(
            "This person also belongs to another household ({why}, line {}): remove them from this one or fix the household code",
            lines_text(&home)
        ),
    );
    let mut first = true;
    for r in rows.iter().filter(|r| r.household != kept) {
        out.push(finding(
            &RULE,
            r.line,
            cols.id,
            message.clone(),
            home.clone(),
            !first,
        ));
        first = false;
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_rows::*;
    use super::super::*;
    use super::findings;

    fn at(line: u64, household: u64, rel: &str) -> MemberRow {
        MemberRow {
            household,
            ..row(line, rel, 1, 11, (0, 0), 0)
        }
    }

    #[test]
    fn the_household_they_head_is_kept() {
        let rows = [at(2, 7, "M"), at(5, 9, "H"), at(6, 7, "M")];
        let mut out = Vec::new();
        findings(&rows, &cols(), Lang::Vi, &mut out);
        assert_eq!(codes(&out), [(2, "HH007", false), (6, "HH007", true)]);
        assert_eq!(out[0].related, [5]);
        assert_eq!(out[0].column, Some(2));
        assert_eq!(
            out[0].message,
            "Người này còn thuộc hộ khác (hộ người đó làm chủ hộ, dòng 5): xóa khỏi hộ này hoặc sửa mã hộ"
        );
    }

    #[test]
    fn else_the_first_listed() {
        let rows = [at(3, 9, "M"), at(4, 7, "M")];
        let mut out = Vec::new();
        findings(&rows, &cols(), Lang::En, &mut out);
        assert_eq!(codes(&out), [(4, "HH007", false)]);
        assert_eq!(out[0].related, [3]);
        // one household: nothing
        let mut none = Vec::new();
        findings(
            &[at(3, 9, "M"), at(8, 9, "M")],
            &cols(),
            Lang::En,
            &mut none,
        );
        assert!(none.is_empty());
    }
}
