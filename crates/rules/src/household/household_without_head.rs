use super::{finding, lines_text, related, Cols, MemberRow};
use crate::*;

/// HH001
pub static RULE: Rule = Rule {
    code: "HH001",
    name: "household-without-head",
    pillar: Pillar::Du,
    category: Category::Household,
    severity: Severity::Error,
    label_vi: "Hộ không có chủ hộ",
    label_en: "Household without a head",
    doc: r#"## What it does
Finds households (rows sharing a household code, wherever they are in the
file) in which no row says "Chủ hộ" in the relationship-to-head column
(the words are in `rules/household.toml`). The finding lands on the
household's first row, on the relationship column, and names the other
members' rows in `related_lines`. It is counted once per household: the
tallies count households ("trường hợp"), not rows.

## Why is this bad?
Every household in the population and residence databases has exactly one
head; a household without one is "hộ không có chủ hộ", a category of the
monthly cleaning report. Usually the head's row is missing from the export
or the head's relationship was left empty or misspelt (see HH004).

## Example
| line | Mã hộ gia đình | Họ và tên | Quan hệ với chủ hộ | finding |
|---|---|---|---|---|
| 2 | HGD-0007 | Lê Thị Hoa | Vợ | HH001 (related: 5) |
| 5 | HGD-0007 | Lê Văn Nam | Con | — |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Tìm các hộ (các dòng cùng mã hộ gia đình, ở bất kỳ vị trí nào trong tệp) không
có dòng nào ghi "Chủ hộ" ở cột quan hệ với chủ hộ (các từ được liệt kê trong
`rules/household.toml`). Kết quả được ghi ở dòng đầu tiên của hộ, tại cột quan
hệ, kèm dòng của các thành viên khác trong `related_lines`. Mỗi hộ tính một lần:
số liệu tổng hợp đếm số hộ ("trường hợp"), không đếm số dòng.

## Vì sao cần sửa
Mỗi hộ trong CSDL dân cư và CSDL cư trú có đúng một chủ hộ; hộ không có chủ hộ
là "hộ không có chủ hộ", một mục của báo cáo làm sạch dữ liệu hằng tháng.
Thường là dòng của chủ hộ bị thiếu trong tệp xuất, hoặc quan hệ của chủ hộ bị
để trống hay viết sai (xem HH004).

## Ví dụ
| dòng | Mã hộ gia đình | Họ và tên | Quan hệ với chủ hộ | kết quả |
|---|---|---|---|---|
| 2 | HGD-0007 | Lê Thị Hoa | Vợ | HH001 (liên quan: 5) |
| 5 | HGD-0007 | Lê Văn Nam | Con | — |
"#,
    check: Check::WholeFile,
};

/// HH001 on `rows` (one household, in line order), into `out`.
pub fn findings(rows: &[MemberRow], cols: &Cols, lang: Lang, out: &mut Vec<Finding>) {
    if rows.iter().any(MemberRow::is_head) {
        return;
    }
    let Some(first) = rows.first() else {
        return;
    };
    let others = related(rows[1..].iter().map(|r| r.line));
    let message = match (others.is_empty(), lang.is_en()) {
        (true, false) => "Hộ không có chủ hộ (hộ chỉ có dòng này): ghi rõ chủ hộ".to_string(),
        (true, true) => {
            "Household without a head (this is its only row): name the head".to_string()
        }
        (false, false) => format!(
            "Hộ không có chủ hộ ({} thành viên, cả dòng {}): ghi rõ chủ hộ",
            rows.len(),
            lines_text(&others)
        ),
        (false, true) => format!(
            "Household without a head ({} members, also line {}): name the head",
            rows.len(),
            lines_text(&others)
        ),
    };
    out.push(finding(
        &RULE,
        first.line,
        cols.relation,
        message,
        others,
        false,
    ));
}

#[cfg(test)]
mod tests {
    use super::super::test_rows::*;
    use super::super::*;

    #[test]
    fn lands_on_the_first_row_once() {
        let rows = [
            row(4, "M", 1, 0, (0, 0), 0),
            row(8, "", 2, 0, (0, 0), 0),
            row(30, "M", 3, 0, (0, 0), 0),
        ];
        let f = household_findings(&rows, &cols(), &commune_name, Lang::Vi);
        assert_eq!(codes(&f), [(4, "HH001", false)]);
        assert_eq!(f[0].related, [8, 30]);
        assert_eq!(f[0].column, Some(1));
        assert_eq!(
            f[0].message,
            "Hộ không có chủ hộ (3 thành viên, cả dòng 8, 30): ghi rõ chủ hộ"
        );
        let one = household_findings(&rows[..1], &cols(), &commune_name, Lang::En);
        assert!(one[0]
            .message
            .starts_with("Household without a head (this is its only row)"));
    }

    #[test]
    fn a_household_with_a_head_is_not_flagged() {
        let rows = [row(4, "M", 1, 0, (0, 0), 0), row(5, "H", 2, 0, (0, 0), 0)];
        let f = household_findings(&rows, &cols(), &commune_name, Lang::Vi);
        assert!(f.iter().all(|f| f.rule.code != "HH001"), "{f:?}");
    }
}
