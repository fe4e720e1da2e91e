use crate::*;

/// HH004
pub static RULE: Rule = Rule {
    code: "HH004",
    name: "relation-to-head-unrecognised",
    pillar: Pillar::Du,
    category: Category::HouseholdMember,
    severity: Severity::Error,
    label_vi: "Thiếu hoặc sai quan hệ với chủ hộ",
    label_en: "Relationship to the head missing or not recognised",
    doc: r#"## What it does
Flags rows whose relationship to the household head ("Quan hệ với chủ hộ")
is empty or is none of the words and codes of `rules/household.toml`
("Chủ hộ", "Vợ", "Chồng", "Con", "Cháu", "Bố", "Mẹ", …; compared without
case, diacritics or extra spaces). Only where the file has such a column.

## Why is this bad?
Without a readable relationship the household's head cannot be found
(HH001, HH002), and the member's tie to the head cannot be reported.

## Example
| Quan hệ với chủ hộ | finding |
|---|---|
| (empty) | HH004 |
| `Bạn` | HH004 |
| `Con` | — |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Báo các dòng có quan hệ với chủ hộ ("Quan hệ với chủ hộ") để trống hoặc không
thuộc các từ và mã trong `rules/household.toml` ("Chủ hộ", "Vợ", "Chồng", "Con",
"Cháu", "Bố", "Mẹ", …; so sánh không phân biệt hoa thường, dấu hay khoảng trắng
thừa). Chỉ kiểm tra khi tệp có cột này.

## Vì sao cần sửa
Không đọc được quan hệ thì không tìm được chủ hộ (HH001, HH002), và không báo
cáo được quan hệ của thành viên với chủ hộ.

## Ví dụ
| Quan hệ với chủ hộ | kết quả |
|---|---|
| (trống) | HH004 |
| `Bạn` | HH004 |
| `Con` | — |
"#,
    check: Check::Row(check),
};

fn check(ctx: &RowCtx, out: &mut Vec<Finding>) {
    let Some(v) = ctx.get(Field::RelationToHead) else {
        return;
    };
    if v.is_empty() {
        ctx.emit(
            out,
            &RULE,
            Field::RelationToHead,
            ctx.t(
                "Thiếu quan hệ với chủ hộ".into(),
                "The relationship to the head is empty".into(),
            ),
        );
        return;
    }
    let known = ctx.fold_with(v, |f| ctx.data.household.relation(f).is_some());
    if !known {
        ctx.emit(
            out,
            &RULE,
            Field::RelationToHead,
            ctx.t(
                format!(
                    "Quan hệ với chủ hộ \"{v}\" không có trong danh mục (rules/household.toml)"
                ),
                format!(
                    "Relationship to the head \"{v}\" is not in the list (rules/household.toml)"
                ),
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    fn hh(rel: &str) -> Vec<(&str, &str)> {
        vec![
            ("Mã hộ gia đình", "HGD-1"),
            ("Họ và tên", "Lê Văn Nam"),
            ("Ngày sinh", "02/03/2001"),
            ("Giới tính", "Nam"),
            ("Số định danh cá nhân", "051201001234"),
            ("Quan hệ với chủ hộ", rel),
        ]
    }

    #[test]
    fn missing_or_unknown() {
        assert_eq!(
            run("household", &hh(""), &RULE),
            ["Thiếu quan hệ với chủ hộ"]
        );
        assert_eq!(
            run("household", &hh("Bạn"), &RULE),
            ["Quan hệ với chủ hộ \"Bạn\" không có trong danh mục (rules/household.toml)"]
        );
        for ok in ["Con", "CHỦ HỘ", "chu ho", "Cháu ngoại", "vo"] {
            assert!(run("household", &hh(ok), &RULE).is_empty(), "{ok}");
        }
        // no such column: nothing
        assert!(run("vaccination", &vacc(&[]), &RULE).is_empty());
        // an empty relationship is not also FLD001
        assert!(run(
            "household",
            &hh(""),
            &crate::field::required_field_missing::RULE
        )
        .is_empty());
    }
}
