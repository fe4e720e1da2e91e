//! Properties of the text repair: never panics, idempotent, and certain
//! repairs leave nothing for a second pass to find.

use crate::textfix_encoders::*;
use lamsach_text::textfix::{self, Issue};
use proptest::prelude::*;

/// Characters that exercise every path: ASCII, Vietnamese letters, Latin-1
/// (TCVN3/VNI codes), Windows-1252 specials, C1 controls, combining marks,
/// odd spaces and invisible characters.
fn interesting_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => prop::char::range('a', 'z'),
        1 => prop::char::range('A', 'Z'),
        3 => Just(' '),
        1 => prop::sample::select(vec!['\t', '\n', '\u{A0}', '\u{200B}', '\u{FEFF}', '\u{2009}', '\u{81}', '\u{9D}', '\u{7F}', '\u{0}']),
        3 => prop::char::range('\u{A0}', '\u{FF}'),
        2 => prop::sample::select("ăâêôơưđĂÂÊÔƠƯĐàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ".chars().collect::<Vec<_>>()),
        1 => prop::sample::select(vec!['\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}', '\u{302}', '\u{306}', '\u{31B}']),
        1 => prop::sample::select("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ".chars().collect::<Vec<_>>()),
    ]
}

fn name_like() -> impl Strategy<Value = String> {
    let names = corpus();
    (prop::sample::select(names), 0..6usize).prop_map(|(n, form)| match form {
        0 => n,
        1 => latin1(&tcvn3_bytes(&n)),
        2 => vni(&n),
        3 => mojibake(&n),
        4 => format!("  {}\u{A0} ", n.replace(' ', "  ")),
        _ => mojibake(&vni(&n)),
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn repair_is_idempotent(s in prop::collection::vec(interesting_char(), 0..24).prop_map(|v| v.into_iter().collect::<String>())) {
        let once = textfix::repair(&s);
        let twice = textfix::repair(&once.value);
        prop_assert_eq!(&twice.value, &once.value);
        if !once.issues.contains(&Issue::Unsure) {
            prop_assert!(twice.issues.is_empty(), "{:?} -> {:?} still has {:?}", s, once.value, twice.issues);
        }
    }

    #[test]
    fn rows_repair_once(row in prop::collection::vec(name_like(), 1..5)) {
        let cells: Vec<&str> = row.iter().map(String::as_str).collect();
        let once: Vec<String> = textfix::repair_row(&cells).into_iter().map(|r| r.value.into_owned()).collect();
        let again: Vec<&str> = once.iter().map(String::as_str).collect();
        let twice = textfix::repair_row(&again);
        for (a, b) in twice.iter().zip(&once) {
            prop_assert_eq!(a.value.as_ref(), b.as_str());
            prop_assert!(a.issues.is_empty(), "{:?} -> {:?}", row, once);
        }
    }

    #[test]
    fn names_repair_once(s in name_like()) {
        let once = textfix::repair(&s);
        prop_assert!(!once.issues.contains(&Issue::Unsure), "{:?}", s);
        let twice = textfix::repair(&once.value);
        prop_assert_eq!(&twice.value, &once.value);
        prop_assert!(twice.issues.is_empty());
    }
}
