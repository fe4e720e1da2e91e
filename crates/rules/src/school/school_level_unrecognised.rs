use crate::*;

pub static RULE: Rule = Rule {
    code: "EDU002",
    name: "school-level-unrecognised",
    pillar: Pillar::Dung,
    category: Category::EventInfo,
    severity: Severity::Warning,
    label_vi: "Cấp học không hợp lệ",
    label_en: "School level not recognised",
    doc: r#"## What it does
Flags school-level values that match none of the levels in
`[[school_levels]]` of `rules/settings.toml` (Mầm non, Tiểu học, THCS, THPT,
GDTX and their aliases, compared without case or diacritics).

## Why is this bad?
Education reports count pupils per level; an unknown level falls out of every row
of the report.

## Example
| Cấp học | finding |
|---|---|
| `Đại học` | EDU002 |
| `tieu hoc` | — |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Báo các giá trị cấp học không khớp với cấp học nào trong `[[school_levels]]`
của `rules/settings.toml` (Mầm non, Tiểu học, THCS, THPT, GDTX và các cách viết
khác của chúng, so sánh không phân biệt hoa thường hay dấu).

## Vì sao cần sửa
Báo cáo ngành giáo dục đếm học sinh theo cấp học; cấp học không xác định thì bị
rơi khỏi mọi dòng của báo cáo.

## Ví dụ
| Cấp học | kết quả |
|---|---|
| `Đại học` | EDU002 |
| `tieu hoc` | — |
"#,
    check: Check::Row(check),
};

fn check(ctx: &RowCtx, out: &mut Vec<Finding>) {
    if let Some(v) = ctx.get(Field::SchoolLevel).filter(|v| !v.is_empty()) {
        if ctx.data.school_level(v).is_none() {
            ctx.emit(
                out,
                &RULE,
                Field::SchoolLevel,
                ctx.t(
                    "Cấp học không thuộc Mầm non/Tiểu học/THCS/THPT/GDTX".into(),
                    "School level is not one of Mầm non/Tiểu học/THCS/THPT/GDTX".into(),
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn levels() {
        assert_eq!(run("education", &[("Cấp học", "Đại học")], &RULE).len(), 1);
        assert!(run("education", &[("Cấp học", "tieu hoc")], &RULE).is_empty());
        assert!(run("education", &[("Cấp học", "")], &RULE).is_empty());
    }
}
