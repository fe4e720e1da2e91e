//! What a report cell shows: the total row's label, masked digits, line ranges.

use lamsach_text::Lang;

pub fn total_row_label(lang: Lang) -> &'static str {
    if lang.is_en() {
        "Total"
    } else {
        "Tổng cộng"
    }
}

/// Masks every run of 9 or more digits (IDs, BHXH codes, phones) in a text,
/// as `--mask-ids` does for ID cells: `0010****2345`.
pub(crate) fn mask_digits(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.len() >= 9 {
            out.push_str(&lamsach_model::parse::id::mask(run));
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in s.chars() {
        if c.is_ascii_digit() {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// Lines as ranges, each a (first, last) pair in order: "1–2, 4–5, 8".
pub fn line_ranges(lines: &[(u64, u64)]) -> String {
    let mut spans: Vec<(u64, u64)> = Vec::new();
    for &(a, b) in lines {
        match spans.last_mut() {
            Some(last) if a <= last.1 + 1 => last.1 = last.1.max(b),
            _ => spans.push((a, b)),
        }
    }
    spans
        .iter()
        .map(|(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}–{b}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The rows set aside as not records, by kind: "tiêu đề, ghi chú trên bảng
/// 1–2, 4–5; dòng đánh số cột 8".
pub(crate) fn non_record_lines(rows: &[lamsach_io::source::NonRecordLine], lang: Lang) -> String {
    lamsach_io::source::NonRecord::ALL
        .iter()
        .filter_map(|kind| {
            let lines: Vec<(u64, u64)> = rows
                .iter()
                .filter(|n| n.kind == *kind)
                .map(|n| (n.line, n.end_line))
                .collect();
            (!lines.is_empty()).then(|| format!("{} {}", kind.label(lang), line_ranges(&lines)))
        })
        .collect::<Vec<_>>()
        .join("; ")
}
