//! What a report cell shows: the total row's label and masked digits.

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
pub fn mask_digits(s: &str) -> String {
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
