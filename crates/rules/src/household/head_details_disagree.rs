use super::{finding, Cols, MemberRow};
use crate::*;

/// HH003
pub static RULE: Rule = Rule {
    code: "HH003",
    name: "head-details-disagree",
    pillar: Pillar::Dung,
    category: Category::HouseholdMember,
    severity: Severity::Error,
    label_vi: "Thông tin chủ hộ ghi ở thành viên khác dòng của chủ hộ",
    label_en: "Head's details on a member row differ from the head's row",
    doc: r#"## What it does
Where a list repeats the head's name or ID on every member's row ("Họ tên
chủ hộ", "Số CCCD/ĐDCN chủ hộ"), compares them with the head's own row (its
"Họ và tên" and ID; names without case, diacritics or extra spaces) and flags
the rows that name someone else, on the head-ID column (or the head-name
column when only the name differs), naming the head's row in
`related_lines`. The head's own row is the reference: when it is the one
that is wrong, every member row is flagged and the head's row is the one to
look at. An empty cell or an ID that is not 12 digits is not compared. Not
checked when the household has no head or several undecided heads (HH001,
HH002). Counted per row (person).

## Why is this bad?
The repeated head details are how a member is tied to the head; when they
disagree, the member is attached to the wrong household or the head's
record changed without the members' rows.

## Example
| line | Mã hộ gia đình | Họ và tên | Quan hệ | Họ tên chủ hộ | finding |
|---|---|---|---|---|---|
| 2 | HGD-0011 | Võ Văn Tài | Chủ hộ | Võ Văn Tài | — |
| 3 | HGD-0011 | Võ Thị Hạnh | Con | Võ Văn Tâm | HH003 (related: 2) |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Khi danh sách ghi lặp lại họ tên hoặc số định danh của chủ hộ ở dòng của mọi
thành viên ("Họ tên chủ hộ", "Số CCCD/ĐDCN chủ hộ"), so sánh chúng với chính
dòng của chủ hộ ("Họ và tên" và số định danh của dòng đó; họ tên so sánh không
phân biệt hoa thường, dấu hay khoảng trắng thừa) và báo các dòng ghi tên người
khác, ở cột số định danh chủ hộ (hoặc cột họ tên chủ hộ khi chỉ họ tên khác),
ghi dòng của chủ hộ vào `related_lines`. Dòng của chủ hộ là chuẩn để so: nếu
chính dòng đó sai thì mọi dòng thành viên đều bị báo và cần xem lại dòng của
chủ hộ. Ô trống hoặc số định danh không đủ 12 số thì không so sánh. Không kiểm
tra khi hộ không có chủ hộ hoặc có nhiều chủ hộ chưa xác định được (HH001,
HH002). Tính theo dòng (người).

## Vì sao cần sửa
Thông tin chủ hộ ghi lặp lại là mối nối giữa thành viên với chủ hộ; khi chúng
không khớp, thành viên đang bị gắn vào nhầm hộ, hoặc thông tin chủ hộ đã thay
đổi mà dòng của các thành viên chưa được cập nhật.

## Ví dụ
| dòng | Mã hộ gia đình | Họ và tên | Quan hệ | Họ tên chủ hộ | kết quả |
|---|---|---|---|---|---|
| 2 | HGD-0011 | Võ Văn Tài | Chủ hộ | Võ Văn Tài | — |
| 3 | HGD-0011 | Võ Thị Hạnh | Con | Võ Văn Tâm | HH003 (liên quan: 2) |
"#,
    check: Check::WholeFile,
};

/// HH003 on `rows` (one household, in line order) against the head at
/// index `head`, into `out`.
pub fn findings(rows: &[MemberRow], head: usize, cols: &Cols, lang: Lang, out: &mut Vec<Finding>) {
    let Some(h) = rows.get(head) else {
        return;
    };
    for r in rows {
        if r.names_head(h) {
            continue;
        }
        let id = r.head_id != 0 && h.id != 0 && r.head_id != h.id;
        let (column, what) = match (id, lang.is_en()) {
            (true, false) => (cols.head_id, "số định danh chủ hộ"),
            (false, false) => (cols.head_name, "họ tên chủ hộ"),
            (true, true) => (cols.head_id, "the head's ID"),
            (false, true) => (cols.head_name, "the head's name"),
        };
        let message = lang.pick(
            format!(
                "Dòng này ghi {what} khác với dòng của chủ hộ (dòng {}): sửa cho khớp",
                h.line
            ),
            format!(
                "This row gives {what} unlike the head's own row (line {}): make them agree",
                h.line
            ),
        );
        out.push(finding(&RULE, r.line, column, message, vec![h.line], false));
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_rows::*;
    use super::super::*;

    #[test]
    fn members_naming_someone_else_are_flagged() {
        let rows = [
            row(2, "M", 2, 12, (1, 11), 0),
            row(3, "H", 1, 11, (1, 11), 0),
            // another name, the right ID: the name's column
            row(4, "M", 3, 13, (9, 11), 0),
            // another ID: the ID's column
            row(7, "M", 4, 14, (1, 19), 0),
            // nothing repeated: nothing to compare
            row(8, "M", 5, 15, (0, 0), 0),
        ];
        let f = household_findings(&rows, &cols(), &commune_name, Lang::Vi);
        assert_eq!(codes(&f), [(4, "HH003", false), (7, "HH003", false)]);
        assert_eq!(f[0].column, Some(3));
        assert_eq!(f[1].column, Some(4));
        assert_eq!(f[1].related, [3]);
        assert_eq!(
            f[1].message,
            "Dòng này ghi số định danh chủ hộ khác với dòng của chủ hộ (dòng 3): sửa cho khớp"
        );
    }
}
