use crate::*;
use lamsach_model::parse::id::IdStructure;

pub static RULE: Rule = Rule {
    code: "ID003",
    name: "id-leading-zeros-lost",
    pillar: Pillar::Dung,
    category: Category::MalformedId,
    severity: Severity::Error,
    label_vi: "Số định danh mất số 0 ở đầu",
    label_en: "ID number lost its leading zero(s)",
    doc: r#"## What it does
Flags 10- or 11-digit ID values whose zero-padded 12-digit form starts with a
valid province code: the export went through Excel, which stored the number as
a number and dropped the leading zeros (every province code starts with `0`).
The message gives the padded value and whether it agrees with the row's own
sex and birth year.

## Why is this bad?
`38089012345` is not a valid ID as written, but it is very likely
`038089012345`. Telling the officer the padded value saves a lookup.

## Example
| Số CCCD | message |
|---|---|
| `38190012345` | mất số 0 ở đầu; giá trị đúng có thể là 038190012345 |

Fix: format the Excel column as Text and restore the zeros (`lamsach fix` will
do it where the padded value agrees with sex and birth year).
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Báo các số định danh có 10 hoặc 11 chữ số mà khi thêm số 0 ở đầu cho đủ 12 số
thì bắt đầu bằng một mã tỉnh hợp lệ: tệp đã qua Excel, Excel lưu giá trị dưới
dạng số và bỏ mất các số 0 ở đầu (mọi mã tỉnh đều bắt đầu bằng `0`). Thông báo
nêu giá trị đã thêm số 0 và cho biết giá trị đó có khớp với giới tính và năm
sinh của chính dòng đó không.

## Vì sao cần sửa
`38089012345` viết như vậy không phải là số định danh hợp lệ, nhưng rất có thể
là `038089012345`. Cho cán bộ biết giá trị đã thêm số 0 giúp đỡ mất công tra cứu.

## Ví dụ
| Số CCCD | thông báo |
|---|---|
| `38190012345` | mất số 0 ở đầu; giá trị đúng có thể là 038190012345 |

Cách sửa: định dạng cột Excel là Text (văn bản) và thêm lại các số 0
(`lamsach fix` sẽ tự làm việc này khi giá trị đã thêm số 0 khớp với giới tính và
năm sinh).
"#,
    check: Check::Row(check),
};

fn check(ctx: &RowCtx, out: &mut Vec<Finding>) {
    let IdValue::DroppedZeros { padded } = &ctx.id else {
        return;
    };
    let mut d = [0u8; 12];
    d.copy_from_slice(padded.as_bytes());
    let s = IdStructure::of(&d);
    let agrees = ctx.sex.is_none_or(|x| x == s.sex)
        && ctx
            .dob
            .year()
            .is_none_or(|y| y - y % 100 == s.century && y % 100 == s.year2);
    let msg = if agrees {
        ctx.t(
            format!("Số định danh mất số 0 ở đầu; giá trị đúng có thể là {padded} (khớp giới tính và năm sinh)"),
            format!("ID number lost its leading zero(s); probably {padded} (agrees with sex and birth year)"),
        )
    } else {
        ctx.t(
            format!("Số định danh mất số 0 ở đầu; thêm số 0 được {padded} nhưng không khớp giới tính/năm sinh, cần kiểm tra"),
            format!("ID number lost its leading zero(s); padded it is {padded}, which disagrees with sex/birth year: check it"),
        )
    };
    ctx.emit(out, &RULE, Field::Id, msg);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn pads_and_checks() {
        let m = run("vaccination", &vacc(&[("Số CCCD", "1190012345")]), &RULE);
        assert!(m[0].contains("001190012345 (khớp"), "{m:?}");
        let m = run("vaccination", &vacc(&[("Số CCCD", "38090012345")]), &RULE);
        assert!(m[0].contains("038090012345 nhưng không khớp"), "{m:?}");
        assert!(run("vaccination", &vacc(&[]), &RULE).is_empty());
    }
}
