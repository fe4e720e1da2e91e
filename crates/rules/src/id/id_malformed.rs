use crate::*;
use lamsach_model::parse::id::IdProblem;

pub static RULE: Rule = Rule {
    code: "ID002",
    name: "id-malformed",
    pillar: Pillar::Dung,
    category: Category::MalformedId,
    severity: Severity::Error,
    label_vi: "CCCD/Mã định danh sai định dạng",
    label_en: "Malformed ID number",
    doc: r#"## What it does
Flags ID values that are not a usable number, and says why:
- scientific notation (`1.23457E+11`): Excel turned the number into a float
  and the last digits are lost for good;
- spaces, dots or dashes inside (`001 089 012 345`): the digits alone are shown;
- letters or symbols;
- a length other than 9 or 12 digits (10 and 11 digits that are a dropped
  leading zero are ID003 instead).

## Why is this bad?
A malformed number matches nobody in the population database. Reports count
these as "CCCD/Mã Định Danh sai định dạng".

## Example
| Số CCCD | message |
|---|---|
| `1.23457E+11` | dạng số mũ của Excel, đã mất chữ số |
| `001.089.012.345` | có dấu cách/dấu chấm xen giữa |
| `12345` | có 5 chữ số, cần 12 |

Fix: re-enter the number as text (format the Excel column as Text before typing).
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Báo các giá trị số định danh không dùng được, và nói rõ lý do:
- dạng số mũ (`1.23457E+11`): Excel đã chuyển số thành số thực và các chữ số
  cuối bị mất hẳn;
- có dấu cách, dấu chấm hoặc gạch ngang xen giữa (`001 089 012 345`): thông báo
  nêu dãy chữ số sau khi bỏ các dấu đó;
- có chữ cái hoặc ký hiệu;
- độ dài khác 9 hoặc 12 chữ số (10 và 11 chữ số do mất số 0 ở đầu thì thuộc
  ID003).

## Vì sao cần sửa
Số sai định dạng không khớp với ai trong CSDL dân cư. Báo cáo tính các trường
hợp này là "CCCD/Mã Định Danh sai định dạng".

## Ví dụ
| Số CCCD | thông báo |
|---|---|
| `1.23457E+11` | dạng số mũ của Excel, đã mất chữ số |
| `001.089.012.345` | có dấu cách/dấu chấm xen giữa |
| `12345` | có 5 chữ số, cần 12 |

Cách sửa: nhập lại số dưới dạng văn bản (định dạng cột Excel là Text trước khi gõ).
"#,
    check: Check::Row(check),
};

fn check(ctx: &RowCtx, out: &mut Vec<Finding>) {
    let IdValue::Malformed(problem) = &ctx.id else {
        return;
    };
    let msg = match problem {
        IdProblem::ScientificNotation => ctx.t(
            "Số định danh bị Excel đổi sang dạng số mũ, đã mất chữ số, không khôi phục được".into(),
            "ID number turned into scientific notation by Excel; digits are lost".into(),
        ),
        IdProblem::Separators { cleaned } => ctx.t(
            format!("Số định danh có ký tự không phải chữ số (dấu cách, chấm, gạch, dấu nháy, phần thập phân \".0\"); chỉ giữ chữ số: {cleaned}"),
            format!("ID number has characters besides its digits (spaces, dots, dashes, an apostrophe, a decimal \".0\"); digits only: {cleaned}"),
        ),
        IdProblem::NonDigit => ctx.t(
            "Số định danh chứa chữ cái hoặc ký tự không phải chữ số".into(),
            "ID number contains letters or symbols".into(),
        ),
        IdProblem::WrongLength(n) => ctx.t(
            format!("Số định danh có {n} chữ số, cần 12 chữ số"),
            format!("ID number has {n} digits; 12 are required"),
        ),
    };
    ctx.emit(out, &RULE, Field::Id, msg);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    fn msgs(v: &str) -> Vec<String> {
        run("vaccination", &vacc(&[("Số CCCD", v)]), &RULE)
    }

    #[test]
    fn distinct_reasons() {
        assert!(msgs("1.23457E+11")[0].contains("số mũ"));
        assert!(msgs("001.190.012.345")[0].contains("001190012345"));
        assert!(msgs("00119001234X")[0].contains("chữ cái"));
        assert!(msgs("12345")[0].contains("5 chữ số"));
        assert!(msgs("001190012345").is_empty());
        assert!(msgs("123456789").is_empty());
    }
}
