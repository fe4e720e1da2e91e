//! Numbers and rates as reports print them: `1.234.567` and `96,1%` in
//! Vietnamese, `1,234,567` and `96.1%` in English. Every count and rate
//! a report shows goes through here.

use lamsach_text::Lang;

/// How many decimals a rate shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    /// One decimal, two below 1% (`96,1%`, `0,04%`): report tables.
    Tenths,
    /// Two decimals (`98,66%`): verification rates, as the education
    /// reports print them.
    Hundredths,
}

pub fn ratio(num: u64, den: u64) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}

/// `1234567` → `1.234.567` (Vietnamese) or `1,234,567` (English).
pub fn fmt_num(n: u64, lang: Lang) -> String {
    let s = n.to_string();
    let sep = if lang.is_en() { ',' } else { '.' };
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// `0.961` → `96,1%` (vi) / `96.1%` (en); `–` when there is nothing to divide.
pub fn fmt_rate(r: Option<f64>, precision: Precision, lang: Lang) -> String {
    let Some(r) = r else {
        return "–".to_string();
    };
    let pct = r * 100.0;
    let s = match precision {
        Precision::Tenths if pct != 0.0 && pct.abs() < 1.0 => format!("{pct:.2}%"),
        Precision::Tenths => format!("{pct:.1}%"),
        Precision::Hundredths => format!("{pct:.2}%"),
    };
    if lang.is_en() {
        s
    } else {
        s.replace('.', ",")
    }
}
