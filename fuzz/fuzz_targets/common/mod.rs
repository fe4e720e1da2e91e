//! What the fuzz targets share: the embedded rules, loaded once, and a
//! scratch file per target and process (in /dev/shm when there is one).
#![allow(dead_code)]

use lamsach_model::profile::RuleData;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub fn data() -> &'static RuleData {
    static D: OnceLock<RuleData> = OnceLock::new();
    D.get_or_init(|| RuleData::embedded().expect("embedded rules load"))
}

/// `lamsach-fuzz-{name}-{pid}.csv` in /dev/shm or the temporary folder.
pub fn scratch_file(name: &str) -> PathBuf {
    let dir = if Path::new("/dev/shm").is_dir() {
        PathBuf::from("/dev/shm")
    } else {
        std::env::temp_dir()
    };
    dir.join(format!("lamsach-fuzz-{name}-{}.csv", std::process::id()))
}
