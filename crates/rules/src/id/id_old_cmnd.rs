use crate::*;

pub static RULE: Rule = Rule {
    code: "ID004",
    name: "id-old-cmnd",
    pillar: Pillar::Sach,
    category: Category::OldId,
    severity: Severity::Warning,
    label_vi: "Cập nhật CMND 9 số",
    label_en: "Old 9-digit ID card number (CMND)",
    doc: r#"## What it does
Flags a 9-digit number in the ID column: the old ID card (CMND), not the
12-digit personal identification number.

## Why is this bad?
CMND numbers are not the key of the population database and are no longer
issued; records must be updated to the 12-digit number. Reports count these
as "Kết quả cập nhật CMND 9 số".

## Example
| Số CCCD | finding |
|---|---|
| `212345678` | ID004 |

Fix: look up the person's 12-digit number (CCCD or VNeID) and replace it.
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Báo số có 9 chữ số ở cột số định danh: đó là số chứng minh nhân dân cũ (CMND 9
số), không phải số định danh cá nhân 12 số.

## Vì sao cần sửa
Số CMND không phải là khóa của CSDL dân cư và không còn được cấp; bản ghi phải
được cập nhật sang số 12 số. Báo cáo tính các trường hợp này là "Kết quả cập
nhật CMND 9 số".

## Ví dụ
| Số CCCD | kết quả |
|---|---|
| `212345678` | ID004 |

Cách sửa: tra số định danh 12 số của người đó (CCCD hoặc VNeID) và thay vào.
"#,
    check: Check::Row(check),
};

fn check(ctx: &RowCtx, out: &mut Vec<Finding>) {
    if ctx.id == IdValue::Cmnd9 {
        ctx.emit(
            out,
            &RULE,
            Field::Id,
            ctx.t(
                "Số CMND 9 số cũ, cần cập nhật số định danh 12 số".into(),
                "Old 9-digit ID card number; update to the 12-digit number".into(),
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn nine_digits() {
        assert_eq!(
            run("vaccination", &vacc(&[("Số CCCD", "212345678")]), &RULE).len(),
            1
        );
        assert!(run("vaccination", &vacc(&[("Số CCCD", "2123456789")]), &RULE).is_empty());
        assert!(run("vaccination", &vacc(&[]), &RULE).is_empty());
    }
}
