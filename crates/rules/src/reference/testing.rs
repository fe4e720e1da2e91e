//! Helpers for the reference rules' tests: a small population reference and
//! a runner that looks a row up in it.
use crate::testing::{data, today};
use crate::*;
use lamsach_reference::Reference;
use std::sync::OnceLock;

/// The people of the test reference.
pub(crate) const REFERENCE_CSV: &str = "\
Số định danh cá nhân,Họ và tên,Ngày sinh,Giới tính,Địa chỉ,Ngày mất
001190012345,Nguyễn Thị Lan,12/05/1990,Nữ,Chiêm Hóa,
008075001122,Trần Văn Hùng,03/11/1975,Nam,Chiêm Hóa,01/03/2021
001945000111,Lê Văn Cụ,1945,Nam,Na Hang,
001305001234,Phạm Minh Châu,20/02/2005,Nữ,Hà Nội,2024
";

pub fn reference() -> &'static Reference {
    static R: OnceLock<Reference> = OnceLock::new();
    R.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let p = dir.path().join("dan-cu.csv");
        std::fs::write(&p, REFERENCE_CSV).expect("write reference");
        lamsach_reference::load(&p, data(), Lang::Vi).expect("test reference loads")
    })
}

/// Findings of `rule` on a row of `profile` checked against [`reference`],
/// and whether the row is verified.
pub(crate) fn run_ref_verified(
    profile: &str,
    cells: &[(&str, &str)],
    rule: &'static Rule,
) -> (Vec<String>, bool) {
    let d = data();
    let headers: Vec<String> = cells.iter().map(|(h, _)| h.to_string()).collect();
    let values: Vec<&str> = cells.iter().map(|(_, v)| *v).collect();
    let map = Mapping::new(d.profile(profile).expect("profile"), &headers, &d.headers);
    let ctx = RowCtx::new(2, &values, &map, d, today(), Lang::Vi);
    let mut out = Vec::new();
    let verified = crate::reference::lookup::check_row(reference(), &ctx, &mut out);
    let msgs = out
        .into_iter()
        .filter(|f| std::ptr::eq(f.rule, rule))
        .map(|f| f.message)
        .collect();
    (msgs, verified)
}

pub fn run_ref(profile: &str, cells: &[(&str, &str)], rule: &'static Rule) -> Vec<String> {
    run_ref_verified(profile, cells, rule).0
}

/// A BHXH row of the reference's dead person (Trần Văn Hùng, died 01/03/2021).
pub fn bhxh_dead<'a>(over: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut row = vec![
        ("Họ và tên", "Trần Văn Hùng"),
        ("Ngày sinh", "03/11/1975"),
        ("Giới tính", "Nam"),
        ("Số định danh cá nhân", "008075001122"),
        ("Mã số BHXH", "0801234567"),
        ("Huyện", "Chiêm Hóa"),
    ];
    for (h, v) in over {
        match row.iter_mut().find(|(k, _)| k == h) {
            Some(cell) => cell.1 = v,
            None => row.push((h, v)),
        }
    }
    row
}
