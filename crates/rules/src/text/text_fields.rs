//! Shared by the broken-text rules (TXT002..TXT008): which fields hold free
//! text, and the repair of each of a row's text cells, computed once per row
//! and reused by every rule of the family (kept in the row context).

use crate::*;
use lamsach_text::textfix::{self, Issue};

/// Fields holding Vietnamese free text (names, places, units).
pub const TEXT_FIELDS: [Field; 12] = [
    Field::FullName,
    Field::Sex,
    Field::Address,
    Field::Province,
    Field::District,
    Field::Commune,
    Field::Facility,
    Field::Employer,
    Field::School,
    Field::SchoolLevel,
    Field::Class,
    Field::Vaccine,
];

/// One text cell with a problem.
#[derive(Debug, Clone)]
pub struct CellIssue {
    pub field: Field,
    pub col: usize,
    pub raw: String,
    pub fixed: String,
    pub issues: Vec<Issue>,
}

/// Raw (untrimmed) cell of a field.
fn raw<'a>(ctx: &RowCtx<'a>, f: Field) -> Option<(usize, &'a str)> {
    let c = ctx.map.column(f)?;
    Some((c, ctx.values.get(c).copied().unwrap_or("")))
}

/// The row's text cells that have problems, computed once per row (the
/// TXT rules share it through the row context).
pub fn with_issues<R>(ctx: &RowCtx, f: impl FnOnce(&[CellIssue]) -> R) -> R {
    f(ctx.text_issues.get_or_init(|| {
        let mut issues = Vec::new();
        // fast path without allocation: most rows are clean, and repeat the
        // cells of the rows before them (whether a cell is clean depends on
        // its value alone, so the last clean value of each field is kept)
        let clean = ctx.with_clean_memo(|memo| {
            memo.resize_with(TEXT_FIELDS.len(), String::new);
            TEXT_FIELDS.iter().zip(memo.iter_mut()).all(|(&f, seen)| {
                raw(ctx, f).is_none_or(|(_, v)| {
                    if !seen.is_empty() && seen == v {
                        return true;
                    }
                    let ok = textfix::repair(v).issues.is_empty();
                    if ok {
                        seen.clear();
                        seen.push_str(v);
                    }
                    ok
                })
            })
        });
        if clean {
            return issues;
        }
        let cells: Vec<(Field, usize, &str)> = TEXT_FIELDS
            .iter()
            .filter_map(|&f| raw(ctx, f).map(|(c, v)| (f, c, v)))
            .collect();
        let values: Vec<&str> = cells.iter().map(|c| c.2).collect();
        let repaired = textfix::repair_row(&values);
        for ((field, col, v), r) in cells.into_iter().zip(repaired) {
            if !r.issues.is_empty() {
                issues.push(CellIssue {
                    field,
                    col,
                    raw: v.to_string(),
                    fixed: r.value.into_owned(),
                    issues: r.issues,
                });
            }
        }
        issues
    }))
}

/// Emits `rule`'s finding on every cell whose issues include `issue` (and,
/// when given, pass `extra`), with `msg(fixed)` as the message.
pub(crate) fn emit_for(
    ctx: &RowCtx,
    out: &mut Vec<Finding>,
    rule: &'static Rule,
    issue: Issue,
    extra: Option<fn(&str) -> bool>,
    msg: impl Fn(&CellIssue) -> String,
) {
    with_issues(ctx, |cells| {
        for c in cells {
            if c.issues.contains(&issue) && extra.is_none_or(|e| e(&c.raw)) {
                out.push(Finding {
                    line: ctx.line,
                    rule,
                    column: Some(c.col),
                    value: c.raw.trim().to_string(),
                    message: msg(c),
                    related: Vec::new(),
                    repeat: false,
                });
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn clean_memo_across_rows_changes_nothing() {
        let rows = [
            vacc(&[]),
            vacc(&[("Họ và tên", "NguyÔn ThÞ Lan")]),
            vacc(&[]),
            vacc(&[("Huyện", "Chiêm  Hóa")]),
            vacc(&[("Họ và tên", "Nguyễn Thị Lan"), ("Huyện", "Chiêm Hóa")]),
            vacc(&[("Họ và tên", "NguyÔn ThÞ Lan")]),
        ];
        fresh_and_carried(&rows, |i, fresh, carried| {
            let a = with_issues(fresh, |c| format!("{c:?}"));
            let b = with_issues(carried, |c| format!("{c:?}"));
            assert_eq!(a, b, "row {i}");
            assert_eq!(a == "[]", [0, 2, 4].contains(&i), "row {i}: {a}");
        });
    }
}
