//! The one snapshot harness: `assert_snapshot(path, bytes)` compares what a
//! run wrote with the expected file kept in `fixtures/`; with
//! `LAMSACH_UPDATE=1` it writes the file instead (review the diff in git).

use std::path::Path;

pub fn assert_snapshot(path: &Path, got: &[u8]) {
    if std::env::var_os("LAMSACH_UPDATE").is_some() {
        std::fs::create_dir_all(path.parent().expect("snapshot in a folder")).unwrap();
        std::fs::write(path, got).unwrap();
        return;
    }
    let want = std::fs::read(path)
        .unwrap_or_else(|_| panic!("missing {}; run with LAMSACH_UPDATE=1", path.display()));
    assert!(
        want == got,
        "{} differs from the snapshot (LAMSACH_UPDATE=1 accepts the new one):\n--- want\n{}\n--- got\n{}",
        path.display(),
        String::from_utf8_lossy(&want),
        String::from_utf8_lossy(got)
    );
}

/// The machine key of an issues.csv header (`Dòng` → `line`); other
/// headers unchanged.
pub fn issues_key(header: &str) -> &str {
    lamsach_report::ISSUES_COLUMNS
        .iter()
        .find(|(_, vi)| *vi == header)
        .map_or(header, |(key, _)| key)
}
