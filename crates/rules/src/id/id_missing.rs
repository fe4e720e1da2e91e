use crate::*;

pub static RULE: Rule = Rule {
    code: "ID001",
    name: "id-missing",
    pillar: Pillar::Du,
    category: Category::MissingId,
    severity: Severity::Error,
    label_vi: "Không có CCCD/Mã định danh",
    label_en: "ID number missing",
    doc: r#"## What it does
Flags rows whose ID column (số định danh cá nhân / CCCD) is empty or holds a
placeholder: `0`, `-`, `x`, "không có", "chưa có", "chưa cấp", all zeros.
The list of placeholders is `[id] missing_tokens` in `rules/settings.toml`.

## Why is this bad?
Without the personal identification number the record cannot be linked to the
National Population Database. Reports count these as "Không có CCCD/Mã Định Danh".

## Example
| Số CCCD | finding |
|---|---|
| `không có` | ID001 |
| `001190012345` | — |

Fix: ask the facility or commune for the person's 12-digit number (it is on the
chip ID card and in VNeID).
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Báo các dòng có cột số định danh (số định danh cá nhân / CCCD) để trống hoặc
chỉ ghi giá trị giữ chỗ: `0`, `-`, `x`, "không có", "chưa có", "chưa cấp", toàn
số 0. Danh sách giá trị giữ chỗ là `[id] missing_tokens` trong
`rules/settings.toml`.

## Vì sao cần sửa
Không có số định danh cá nhân thì bản ghi không liên kết được với Cơ sở dữ liệu
quốc gia về dân cư. Báo cáo tính các trường hợp này là "Không có CCCD/Mã Định Danh".

## Ví dụ
| Số CCCD | kết quả |
|---|---|
| `không có` | ID001 |
| `001190012345` | — |

Cách sửa: đề nghị cơ sở hoặc xã/phường cung cấp số định danh 12 số của người đó
(có trên thẻ CCCD gắn chip và trong VNeID).
"#,
    check: Check::Row(check),
};

fn check(ctx: &RowCtx, out: &mut Vec<Finding>) {
    if ctx.get(Field::Id).is_some() && ctx.id == IdValue::Missing {
        ctx.emit(
            out,
            &RULE,
            Field::Id,
            ctx.t(
                "Không có số định danh cá nhân".into(),
                "No personal identification number".into(),
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn fires_on_placeholders() {
        for v in ["", "0", "-", "Không có", "CHUA CO", "000000000000"] {
            assert_eq!(
                run("vaccination", &vacc(&[("Số CCCD", v)]), &RULE).len(),
                1,
                "{v}"
            );
        }
        assert!(run("vaccination", &vacc(&[]), &RULE).is_empty());
        assert!(run("vaccination", &vacc(&[("Số CCCD", "12345")]), &RULE).is_empty());
    }
}
