//! The value parsers on arbitrary strings: ID (`parse::id`), date
//! (`parse::date`), phone (`parse::phone`), BHYT card (`bhxh_of_card`), and
//! the text folding they rely on. Besides "no panic", checks what each
//! result promises (digits where digits are promised, real dates, …).
#![no_main]

mod common;

use chrono::{Datelike, NaiveDate};
use lamsach_model::parse::date::{self, DateValue};
use lamsach_model::parse::id::{self, IdStructure, IdValue};
use lamsach_model::parse::phone::{self, PhoneValue};
use lamsach_rules::bhxh_of_card;
use libfuzzer_sys::fuzz_target;

fn digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

fuzz_target!(|input: &[u8]| {
    let s = String::from_utf8_lossy(input);
    let s = s.as_ref();
    let d = common::data();
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();

    match id::parse(s, d) {
        IdValue::Cccd(ds) => {
            assert!(ds.iter().all(u8::is_ascii_digit));
            let st = IdStructure::of(&ds);
            let _ = d.province(st.province);
            let _ = IdStructure::digit_for(st.century + st.year2, st.sex);
        }
        IdValue::DroppedZeros { padded } => {
            assert!(digits(&padded, 12), "{padded:?}");
            assert!(d.province(padded[..3].parse().unwrap()).is_some());
        }
        _ => {}
    }
    let m = id::mask(s);
    assert_eq!(m.chars().count(), s.chars().count());

    let dv = date::parse(s);
    let _ = dv.year();
    match dv {
        DateValue::Full(x) => {
            let _ = date::age_on(x, today);
            let _ = date::age_on(today, x);
            assert!((1..=12).contains(&x.month()));
        }
        DateValue::Partial {
            month: Some(mo), ..
        } => assert!((1..=12).contains(&mo)),
        _ => {}
    }

    match phone::parse(s) {
        PhoneValue::DroppedZero { padded } => assert!(digits(&padded, 10), "{padded:?}"),
        PhoneValue::Missing => assert!(s.trim().is_empty()),
        _ => {}
    }

    if let Some(code) = bhxh_of_card(s) {
        assert!(digits(code, 10), "{code:?}");
    }

    let f = lamsach_text::fold(s);
    let _ = lamsach_text::header_key(s);
    let _ = lamsach_text::normalize(s);
    let _ = d.is_missing_token(&f);
    let _ = d.sex_of(&f);
    let _ = d.school_level(s);
});
