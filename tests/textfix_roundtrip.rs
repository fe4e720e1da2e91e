//! Round trips: a corpus of Vietnamese names holding all 134 precomposed
//! letters, encoded into each legacy form by the tests' own tables
//! (`textfix_encoders`), must decode back exactly.

use crate::textfix_encoders::*;
use lamsach_io::ingest;
use lamsach_text::textfix::{self, Issue};
use std::collections::BTreeSet;
use std::io::{Cursor, Read};

#[test]
fn corpus_has_all_134_letters() {
    let mut letters = BTreeSet::new();
    for s in corpus() {
        for c in s.chars().filter(|c| !c.is_ascii() && c.is_alphabetic()) {
            letters.insert(c);
        }
    }
    assert_eq!(letters.len(), 134, "{letters:?}");
}

fn assert_repairs(encoded: &str, name: &str, issue: Issue) {
    let r = textfix::repair(encoded);
    assert_eq!(r.value, name, "from {encoded:?}");
    assert_eq!(r.issues, vec![issue], "{encoded:?}");
}

#[test]
fn tcvn3_round_trip() {
    for name in corpus() {
        let enc = latin1(&tcvn3_bytes(&name));
        assert_repairs(&enc, &name, Issue::Tcvn3);
    }
}

#[test]
fn tcvn3_title_case_toned_initial_comes_back_lower_case() {
    // TCVN3 has no code for Á: the document used the lower-case code with
    // an upper-case font, so only the letter itself survives.
    let enc = latin1(&tcvn3_bytes("Huỳnh Ánh"));
    assert_eq!(textfix::repair(&enc).value, "Huỳnh ánh");
}

#[test]
fn vni_round_trip() {
    for name in corpus() {
        assert_repairs(&vni(&name), &name, Issue::Vni);
    }
    // VNI writes upper-case toned initials fine
    assert_repairs(&vni("Huỳnh Ánh Ửng"), "Huỳnh Ánh Ửng", Issue::Vni);
}

#[test]
fn mojibake_round_trip() {
    for name in corpus() {
        assert_repairs(&mojibake(&name), &name, Issue::Mojibake);
        // damaged twice
        assert_repairs(&mojibake(&mojibake(&name)), &name, Issue::Mojibake);
        // and with the no-break space (0xA0 of à, Ạ, Ơ…) turned into a space
        let spaced = mojibake(&name).replace('\u{A0}', " ");
        assert_repairs(&spaced, &name, Issue::Mojibake);
    }
}

#[test]
fn windows_1258_round_trip() {
    let all: Vec<String> = corpus();
    let text = all.join("\n");
    let bytes = cp1258_bytes(&text);
    assert_eq!(ingest::sniff(&bytes), encoding_rs::WINDOWS_1258);
    let mut out = String::new();
    ingest::decode(Box::new(Cursor::new(bytes)), encoding_rs::WINDOWS_1258)
        .read_to_string(&mut out)
        .unwrap();
    assert_eq!(out, text);
}

#[test]
fn nfd_round_trip() {
    use unicode_normalization::UnicodeNormalization;
    for name in corpus() {
        let nfd: String = name.nfd().collect();
        assert_repairs(&nfd, &name, Issue::Decomposed);
    }
}

/// Place and unit names as text columns hold them.
const PLACES: &[&str] = &[
    "Hà Nội",
    "Hà Giang",
    "Cao Bằng",
    "Bắc Kạn",
    "Tuyên Quang",
    "Lào Cai",
    "Điện Biên",
    "Lai Châu",
    "Sơn La",
    "Yên Bái",
    "Hòa Bình",
    "Thái Nguyên",
    "Lạng Sơn",
    "Quảng Ninh",
    "Bắc Giang",
    "Phú Thọ",
    "Vĩnh Phúc",
    "Bắc Ninh",
    "Hải Dương",
    "Hải Phòng",
    "Hưng Yên",
    "Thái Bình",
    "Hà Nam",
    "Nam Định",
    "Ninh Bình",
    "Thanh Hóa",
    "Nghệ An",
    "Hà Tĩnh",
    "Quảng Bình",
    "Quảng Trị",
    "Thừa Thiên Huế",
    "Đà Nẵng",
    "Quảng Nam",
    "Quảng Ngãi",
    "Bình Định",
    "Phú Yên",
    "Khánh Hòa",
    "Ninh Thuận",
    "Bình Thuận",
    "Kon Tum",
    "Gia Lai",
    "Đắk Lắk",
    "Đắk Nông",
    "Lâm Đồng",
    "Bình Phước",
    "Tây Ninh",
    "Bình Dương",
    "Đồng Nai",
    "Bà Rịa - Vũng Tàu",
    "Hồ Chí Minh",
    "Long An",
    "Tiền Giang",
    "Bến Tre",
    "Trà Vinh",
    "Vĩnh Long",
    "Đồng Tháp",
    "An Giang",
    "Kiên Giang",
    "Cần Thơ",
    "Hậu Giang",
    "Sóc Trăng",
    "Bạc Liêu",
    "Cà Mau",
    "Chiêm Hóa",
    "Vĩnh Lộc",
    "Yên Nguyên",
    "Na Hang",
    "Thượng Lâm",
    "Lang Quán",
    "Yên Sơn",
    "Tân Quang",
    "Trạm Y tế xã Vĩnh Lộc",
    "Bệnh viện Đa khoa tỉnh",
    "Trung tâm Y tế huyện",
    "Trường Tiểu học Kim Đồng",
    "Trường THCS Nguyễn Du",
    "Công ty TNHH Một thành viên",
    "Phường Bến Nghé",
    "Thị trấn Vĩnh Lộc",
    "Xã Hùng Mỹ",
    "Nữ",
    "Nam",
];

/// Each place in a row whose name cell is in the same encoding: a place
/// that could be genuine on its own (`Sôn La` is VNI for Sơn La, but also
/// a possible spelling) is decoded on the row's evidence.
#[test]
fn places_round_trip_in_every_form() {
    let name = "Nguyễn Thị Lan";
    for p in PLACES
        .iter()
        .map(|p| p.to_string())
        .chain(PLACES.iter().map(|p| p.to_uppercase()))
    {
        if p.is_ascii() {
            continue;
        }
        type Encoder = fn(&str) -> String;
        let forms: [(&str, Encoder); 3] = [
            ("TCVN3", |s| latin1(&tcvn3_bytes(s))),
            ("VNI", vni),
            ("mojibake", mojibake),
        ];
        for (label, enc) in forms {
            let (n, e) = (enc(name), enc(&p));
            let r = textfix::repair_row(&[&n, &e]);
            assert_eq!(r[0].value, name, "{label} {p}");
            // TCVN3 cannot tell `N÷` in capitals (NỮ) from Title case (Nữ):
            // with fewer than two plain letters, Title case is assumed.
            let few_letters = p.chars().filter(char::is_ascii_alphabetic).count() < 2;
            if label == "TCVN3" && few_letters && p == p.to_uppercase() {
                assert_eq!(r[1].value.to_uppercase(), p, "{label} {p}: from {e:?}");
            } else {
                assert_eq!(r[1].value, p, "{label} {p}: from {e:?}");
            }
        }
        assert!(textfix::repair(&p).issues.is_empty(), "clean {p}");
    }
}

#[test]
fn row_evidence_breaks_ties() {
    // alone, `Sôn La` is left as it is; next to a VNI name it is Sơn La
    assert!(textfix::repair("Sôn La").issues.is_empty());
    let r = textfix::repair_row(&["Nguyeãn Thò Lan", "Sôn La", "Nam"]);
    assert_eq!(r[1].value, "Sơn La");
    assert_eq!(r[1].issues, vec![Issue::Vni]);
    assert!(r[2].issues.is_empty());
}

#[test]
fn clean_corpus_is_left_alone() {
    for name in corpus() {
        let r = textfix::repair(&name);
        assert!(r.issues.is_empty(), "{name}: {:?}", r.issues);
    }
}
