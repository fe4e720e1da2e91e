use super::{finding, lines_text, related, Cols, MemberRow};
use crate::*;

/// HH002
pub static RULE: Rule = Rule {
    code: "HH002",
    name: "household-several-heads",
    pillar: Pillar::Dung,
    category: Category::Household,
    severity: Severity::Error,
    label_vi: "Hộ có nhiều chủ hộ",
    label_en: "Household with several heads",
    doc: r#"## What it does
Finds households in which more than one row says "Chủ hộ". lamsach keeps
the head the other members name: where the file repeats the head's ID or
name on every row ("Số CCCD/ĐDCN chủ hộ", "Họ tên chủ hộ"), the head whom
most other rows name (by ID where both have one, else by name) is kept, and
the finding lands on the other heads' rows, naming the kept head's row in
`related_lines`. When nothing names one head more than the others, every
head's row is flagged as undecided. Counted once per household.

## Why is this bad?
A household has one head. A second "Chủ hộ" is a member whose relationship
was entered wrongly, or two households merged under one code.

## Example
| line | Mã hộ gia đình | Họ và tên | Quan hệ với chủ hộ | Họ tên chủ hộ | finding |
|---|---|---|---|---|---|
| 2 | HGD-0009 | Trần Văn Bình | Chủ hộ | Trần Văn Bình | — |
| 3 | HGD-0009 | Phạm Thị Mai | Chủ hộ | Trần Văn Bình | HH002 (related: 2) |
| 4 | HGD-0009 | Trần Minh Khoa | Con | Trần Văn Bình | — |
"#,
    doc_vi: r#"## Quy tắc kiểm tra gì
Tìm các hộ có nhiều hơn một dòng ghi "Chủ hộ". lamsach giữ lại chủ hộ mà các
thành viên khác ghi tên: khi tệp ghi lặp lại số định danh hoặc họ tên chủ hộ ở
mọi dòng ("Số CCCD/ĐDCN chủ hộ", "Họ tên chủ hộ"), chủ hộ được nhiều dòng khác
ghi tên nhất (theo số định danh nếu cả hai đều có, nếu không thì theo họ tên)
được giữ lại, và kết quả được ghi ở dòng của các chủ hộ còn lại, kèm dòng của
chủ hộ được giữ trong `related_lines`. Khi không có chủ hộ nào được ghi tên
nhiều hơn, dòng của mọi chủ hộ đều bị báo là chưa xác định. Mỗi hộ tính một lần.

## Vì sao cần sửa
Một hộ chỉ có một chủ hộ. "Chủ hộ" thứ hai là một thành viên bị nhập sai quan
hệ, hoặc hai hộ bị gộp chung một mã.

## Ví dụ
| dòng | Mã hộ gia đình | Họ và tên | Quan hệ với chủ hộ | Họ tên chủ hộ | kết quả |
|---|---|---|---|---|---|
| 2 | HGD-0009 | Trần Văn Bình | Chủ hộ | Trần Văn Bình | — |
| 3 | HGD-0009 | Phạm Thị Mai | Chủ hộ | Trần Văn Bình | HH002 (liên quan: 2) |
| 4 | HGD-0009 | Trần Minh Khoa | Con | Trần Văn Bình | — |
"#,
    check: Check::WholeFile,
};

/// HH002 on `rows` (one household, in line order), into `out`; returns the
/// index of the household's head: the only one, or the one kept; None when
/// there is none or it is undecided.
pub fn findings(
    rows: &[MemberRow],
    cols: &Cols,
    lang: Lang,
    out: &mut Vec<Finding>,
) -> Option<usize> {
    let heads: Vec<usize> = (0..rows.len()).filter(|&i| rows[i].is_head()).collect();
    match heads[..] {
        [] => return None,
        [h] => return Some(h),
        _ => {}
    }
    // the votes of the rows that are not heads
    let votes = |h: usize| {
        rows.iter()
            .filter(|r| !r.is_head() && r.points_at(&rows[h]))
            .count()
    };
    let counts: Vec<usize> = heads.iter().map(|&h| votes(h)).collect();
    let max = counts.iter().copied().max().unwrap_or(0);
    let kept = match counts.iter().filter(|&&c| c == max).count() {
        1 if max > 0 => heads
            .iter()
            .zip(&counts)
            .find(|(_, &c)| c == max)
            .map(|(&h, _)| h),
        _ => None,
    };
    match kept {
        Some(k) => {
            let message = lang.pick(
                format!(
                    "Hộ có {} chủ hộ; các thành viên ghi chủ hộ là người ở dòng {}: sửa quan hệ với chủ hộ của dòng này",
                    heads.len(),
                    rows[k].line
                ),
                format!(
                    "The household has {} heads; its members name the person at line {} as head: fix this row's relationship to the head",
                    heads.len(),
                    rows[k].line
                ),
            );
            let mut first = true;
            for &h in heads.iter().filter(|&&h| h != k) {
                out.push(finding(
                    &RULE,
                    rows[h].line,
                    cols.relation,
                    message.clone(),
                    vec![rows[k].line],
                    !first,
                ));
                first = false;
            }
        }
        None => {
            for (n, &h) in heads.iter().enumerate() {
                let others = related(heads.iter().filter(|&&o| o != h).map(|&o| rows[o].line));
                let message = lang.pick(
                    format!(
                        "Hộ có {} chủ hộ (cả dòng {}), không rõ ai là chủ hộ: xác minh và sửa quan hệ với chủ hộ",
                        heads.len(),
                        lines_text(&others)
                    ),
                    format!(
                        "The household has {} heads (also line {}), and nothing tells which is right: verify and fix the relationship to the head",
                        heads.len(),
                        lines_text(&others)
                    ),
                );
                out.push(finding(
                    &RULE,
                    rows[h].line,
                    cols.relation,
                    message,
                    others,
                    n > 0,
                ));
            }
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::super::test_rows::*;
    use super::super::*;

    #[test]
    fn the_head_the_members_name_is_kept() {
        // the second head is the one the members name, by ID
        let rows = [
            row(2, "H", 1, 11, (2, 12), 0),
            row(3, "H", 2, 12, (2, 12), 0),
            row(4, "M", 3, 13, (2, 12), 0),
            row(6, "M", 4, 14, (0, 12), 0),
        ];
        let f = household_findings(&rows, &cols(), &commune_name, Lang::Vi);
        assert_eq!(codes(&f), [(2, "HH002", false)]);
        assert_eq!(f[0].related, [3]);
        assert!(f[0].message.contains("dòng 3"), "{}", f[0].message);
    }

    #[test]
    fn undecided_heads_are_all_flagged_counted_once() {
        let rows = [
            row(2, "H", 1, 11, (0, 0), 0),
            row(3, "M", 3, 13, (0, 0), 0),
            row(5, "H", 2, 12, (0, 0), 0),
        ];
        let f = household_findings(&rows, &cols(), &commune_name, Lang::En);
        assert_eq!(codes(&f), [(2, "HH002", false), (5, "HH002", true)]);
        assert_eq!(f[0].related, [5]);
        assert_eq!(f[1].related, [2]);
        assert!(f[0].message.contains("nothing tells which is right"));
    }
}
