use crate::*;
use lamsach_model::parse::all_digits;

pub static RULE: Rule = Rule {
    code: "INS001",
    name: "bhxh-code-invalid",
    pillar: Pillar::Dung,
    category: Category::Insurance,
    severity: Severity::Error,
    label_vi: "Mã số BHXH không hợp lệ",
    label_en: "BHXH code invalid",
    doc: r#"## What it does
The social insurance code (mã số BHXH) is 10 digits. Flags other values, and
says when 9 digits look like a dropped leading zero. An empty code is FLD001
when the profile requires it.

## Why is this bad?
The BHXH code links the person to the insurance database and is the last 10
characters of the BHYT card number.

## Example
| Mã số BHXH | finding |
|---|---|
| `12345678` | INS001 |
| `0123456789` | — |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Mã số bảo hiểm xã hội (mã số BHXH) có 10 chữ số. Báo các giá trị khác, và cho
biết khi 9 chữ số có vẻ là do mất số 0 ở đầu. Mã để trống thuộc FLD001 khi hồ
sơ mẫu yêu cầu trường này.

## Vì sao cần sửa
Mã số BHXH liên kết người đó với CSDL bảo hiểm và là 10 ký tự cuối của số thẻ BHYT.

## Ví dụ
| Mã số BHXH | kết quả |
|---|---|
| `12345678` | INS001 |
| `0123456789` | — |
"#,
    check: Check::Row(check),
};

fn check(ctx: &RowCtx, out: &mut Vec<Finding>) {
    let Some(v) = ctx.get(Field::BhxhCode).filter(|v| !v.is_empty()) else {
        return;
    };
    if all_digits(v) && v.len() == 10 {
        return;
    }
    let msg = if all_digits(v) && v.len() == 9 {
        ctx.t(
            format!("Mã số BHXH có 9 chữ số, có thể mất số 0 ở đầu: 0{v}"),
            format!("BHXH code has 9 digits; probably lost its leading zero: 0{v}"),
        )
    } else if all_digits(v) {
        ctx.t(
            format!("Mã số BHXH có {} chữ số, cần 10", v.len()),
            format!("BHXH code has {} digits; 10 are required", v.len()),
        )
    } else {
        ctx.t(
            "Mã số BHXH chứa ký tự không phải chữ số".into(),
            "BHXH code contains non-digits".into(),
        )
    };
    ctx.emit(out, &RULE, Field::BhxhCode, msg);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    fn m(v: &str) -> Vec<String> {
        run(
            "bhxh",
            &[("Họ tên", "Lê Văn Tám"), ("Mã số BHXH", v)],
            &RULE,
        )
    }

    #[test]
    fn codes() {
        assert!(m("123456789")[0].contains("0123456789"));
        assert!(m("12345678")[0].contains("8 chữ số"));
        assert!(m("01234567AB")[0].contains("không phải chữ số"));
        assert!(m("0123456789").is_empty());
        assert!(m("").is_empty());
    }
}
