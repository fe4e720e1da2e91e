use crate::*;
use lamsach_model::parse::id::IdStructure;

pub static RULE: Rule = Rule {
    code: "ID005",
    name: "id-invalid-province",
    pillar: Pillar::Dung,
    category: Category::IdStructure,
    severity: Severity::Error,
    label_vi: "Sai cấu trúc số định danh: mã tỉnh không hợp lệ",
    label_en: "ID structure: invalid province code",
    doc: r#"## What it does
Checks the first three digits of a 12-digit ID against the province codes in
`rules/provinces.toml` (001 Hà Nội … 096 Cà Mau).

## Why is this bad?
No number is issued with another code: the value was mistyped or is not an ID.
Reports count these as "Sai cấu trúc số định danh cá nhân".

## Example
| Số CCCD | finding |
|---|---|
| `003190012345` | ID005: mã tỉnh 003 không tồn tại |
| `001190012345` | — |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Đối chiếu ba chữ số đầu của số định danh 12 số với danh sách mã tỉnh trong
`rules/provinces.toml` (001 Hà Nội … 096 Cà Mau).

## Vì sao cần sửa
Không có số nào được cấp với mã khác: giá trị đã bị gõ nhầm hoặc không phải số
định danh. Báo cáo tính các trường hợp này là "Sai cấu trúc số định danh cá nhân".

## Ví dụ
| Số CCCD | kết quả |
|---|---|
| `003190012345` | ID005: mã tỉnh 003 không tồn tại |
| `001190012345` | — |
"#,
    check: Check::Row(check),
};

fn check(ctx: &RowCtx, out: &mut Vec<Finding>) {
    if let IdValue::Cccd(d) = &ctx.id {
        let code = IdStructure::of(d).province;
        if ctx.data.province(code).is_none() {
            ctx.emit(
                out,
                &RULE,
                Field::Id,
                ctx.t(
                    format!("Mã tỉnh {code:03} ở 3 số đầu không tồn tại"),
                    format!("Province code {code:03} (first 3 digits) does not exist"),
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
    fn province_codes() {
        assert_eq!(
            run("vaccination", &vacc(&[("Số CCCD", "003190012345")]), &RULE).len(),
            1
        );
        assert_eq!(
            run("vaccination", &vacc(&[("Số CCCD", "100190012345")]), &RULE).len(),
            1
        );
        assert!(run("vaccination", &vacc(&[("Số CCCD", "096190012345")]), &RULE).is_empty());
    }
}
