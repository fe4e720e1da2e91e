//! `lamsach batch`: dated folders, state compared with the previous run,
//! combined summary, log without personal values, exit codes.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn batch(jobs: &Path, out: &Path, today: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lamsach"))
        .arg("batch")
        .arg(jobs)
        .arg("--out")
        .arg(out)
        .args(["--today", today])
        .output()
        .unwrap()
}

fn json(p: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

#[test]
fn monthly_batch_reports_progress_since_the_previous_run() {
    let d = tempfile::tempdir().unwrap();
    let data = d.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::copy(
        root().join("fixtures/progress/month1.csv"),
        data.join("tiem-chung.csv"),
    )
    .unwrap();
    let jobs = d.path().join("jobs.toml");
    std::fs::write(
        &jobs,
        format!(
            "formats = [\"xlsx\", \"json\", \"html\"]\nmask_ids = true\n\n[[job]]\nname = \"tiem-chung\"\ninput = \"data/*.csv\"\ngroup_by = \"Huyện\"\n\n[[job]]\nname = \"mau\"\ninput = \"{}\"\n",
            root().join("fixtures/sample/tiem-chung.csv").display()
        ),
    )
    .unwrap();
    let out = d.path().join("bao-cao");
    let o = batch(&jobs, &out, "2026-10-23");
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let day1 = out.join("2026-10-23");
    for f in [
        "tiem-chung/report.xlsx",
        "tiem-chung/report.html",
        "tiem-chung/state.jsonl",
        "tiem-chung/issues.csv",
        "mau/report.json",
        "summary.csv",
        "summary.json",
        "batch.log",
    ] {
        assert!(day1.join(f).is_file(), "{f} missing");
    }
    // next month: the export was corrected
    std::fs::copy(
        root().join("fixtures/progress/month2.csv"),
        data.join("tiem-chung.csv"),
    )
    .unwrap();
    let o = batch(&jobs, &out, "2026-11-23");
    assert_eq!(o.status.code(), Some(1));
    let s = json(&out.join("2026-11-23/summary.json"));
    assert_eq!(s["schema"], "lamsach.batch/1");
    let jobs_v = s["jobs"].as_array().unwrap();
    assert_eq!(jobs_v.len(), 2);
    let tc = &jobs_v[0];
    assert_eq!(tc["job"], "tiem-chung");
    assert_eq!(tc["status"], "problems");
    assert_eq!(tc["rows_read"], 8);
    assert_eq!(
        tc["progress"],
        serde_json::json!({"fixed": 4, "open": 2, "new": 2})
    );
    assert_eq!(
        tc["persons"],
        serde_json::json!({"fixed": 4, "open": 2, "new": 1})
    );
    let mau = &jobs_v[1];
    assert_eq!(
        mau["progress"],
        serde_json::json!({"fixed": 0, "open": mau["progress"]["open"], "new": 0})
    );
    let csv = std::fs::read_to_string(out.join("2026-11-23/summary.csv")).unwrap();
    assert!(csv.starts_with("\u{feff}job,file,status,rows_read"));
    assert!(
        csv.contains("tiem-chung,tiem-chung.csv,problems,8,3,0,4,0.3750,4,2,2,4,2,1,tiem-chung,"),
        "{csv}"
    );
    let log = std::fs::read_to_string(out.join("2026-11-23/batch.log")).unwrap();
    assert!(log.contains("fixed 4, open 2, new 2"), "{log}");
    for personal in ["008180007788", "Phạm Văn Nam", "Nguyễn", "123456789"] {
        assert!(!log.contains(personal));
        assert!(!csv.contains(personal));
    }
    // the first day's folder is untouched
    assert!(!day1.join("tiem-chung/report.md").exists());
}

#[test]
fn a_failed_job_exits_2_and_the_others_still_run() {
    let d = tempfile::tempdir().unwrap();
    let jobs = d.path().join("jobs.toml");
    std::fs::write(
        &jobs,
        format!(
            "[[job]]\nname = \"khong-co\"\ninput = \"nothing-*.csv\"\n\n[[job]]\nname = \"hong\"\ninput = \"{}\"\n\n[[job]]\nname = \"mau\"\ninput = \"{}\"\nformats = [\"json\"]\n",
            root().join("Cargo.toml").display(),
            root().join("fixtures/sample/tiem-chung.csv").display()
        ),
    )
    .unwrap();
    let out = d.path().join("o");
    let o = batch(&jobs, &out, "2026-11-23");
    assert_eq!(o.status.code(), Some(2));
    let s = json(&out.join("2026-11-23/summary.json"));
    let st: Vec<&str> = s["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["status"].as_str().unwrap())
        .collect();
    assert_eq!(st, ["failed", "failed", "problems"]);
    assert!(out.join("2026-11-23/mau/report.json").is_file());
    assert!(!out.join("2026-11-23/mau/report.xlsx").exists());
}

#[test]
fn jobs_file_errors_name_file_line_and_key() {
    let d = tempfile::tempdir().unwrap();
    let jobs = d.path().join("jobs.toml");
    std::fs::write(
        &jobs,
        "[[job]]\nname = \"a\"\ninput = \"x.csv\"\nprofil = \"bhxh\"\n",
    )
    .unwrap();
    let o = batch(&jobs, d.path(), "2026-11-23");
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("jobs.toml:4:") && err.contains("profil"),
        "{err}"
    );
    std::fs::write(
        &jobs,
        "[[job]]\nname = \"../a\"\ninput = \"x.csv\"\nformats = [\"pdf\"]\n",
    )
    .unwrap();
    let o = batch(&jobs, d.path(), "2026-11-23");
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("job '../a': name") && err.contains("formats"),
        "{err}"
    );
    assert!(!d.path().join("2026-11-23").exists());
}

#[test]
fn example_jobs_file_runs() {
    let d = tempfile::tempdir().unwrap();
    let o = batch(
        &root().join("fixtures/batch/jobs.toml"),
        d.path(),
        "2026-11-23",
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let day = d.path().join("2026-11-23");
    assert!(day.join("tiem-chung/report.xlsx").is_file());
    assert!(day.join("tiem-chung-thang/month1/report.md").is_file());
    assert!(day.join("tiem-chung-thang/month2/report.json").is_file());
}

#[test]
fn globs_under_a_folder_with_brackets_and_same_stems() {
    let d = tempfile::tempdir().unwrap();
    let base = d.path().join("Sở Y tế [2026]");
    for sub in ["a", "b"] {
        std::fs::create_dir_all(base.join(sub)).unwrap();
        std::fs::copy(
            root().join("fixtures/progress/month2.csv"),
            base.join(sub).join("xuat.csv"),
        )
        .unwrap();
    }
    let jobs = base.join("jobs.toml");
    std::fs::write(
        &jobs,
        "[[job]]\nname = \"tc\"\ninput = \"*/xuat.csv\"\nformats = [\"json\"]\n",
    )
    .unwrap();
    let out = d.path().join("out");
    let o = batch(&jobs, &out, "2026-11-23");
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let day = out.join("2026-11-23");
    assert!(day.join("tc/xuat/report.json").is_file());
    assert!(day.join("tc/xuat-2/report.json").is_file());
    let s = json(&day.join("summary.json"));
    assert_eq!(s["jobs"].as_array().unwrap().len(), 2);
}

#[test]
fn a_job_with_a_reference_verifies_its_rows() {
    let d = tempfile::tempdir().unwrap();
    let jobs = d.path().join("jobs.toml");
    let r = root().join("fixtures/reference");
    std::fs::write(
        &jobs,
        format!(
            "[[job]]\nname = \"xac-minh\"\ninput = \"{}\"\nreference = \"{}\"\n\n[[job]]\nname = \"thieu\"\ninput = \"{}\"\nreference = \"khong-co.csv\"\n",
            r.join("tiem-chung.csv").display(),
            r.join("dan-cu.csv").display(),
            r.join("tiem-chung.csv").display(),
        ),
    )
    .unwrap();
    let out = d.path().join("out");
    let o = batch(&jobs, &out, "2026-11-23");
    assert_eq!(
        o.status.code(),
        Some(2),
        "the job with a missing reference fails"
    );
    let t = json(&out.join("2026-11-23/xac-minh/tally.json"));
    assert!(t["total"]["verified"].as_u64().unwrap() > 0, "{t}");
    let log = std::fs::read_to_string(out.join("2026-11-23/batch.log")).unwrap();
    assert!(
        log.contains("job xac-minh: reference dan-cu.csv loaded"),
        "{log}"
    );
    assert!(log.contains("job thieu: FAILED"), "{log}");
}

#[test]
fn a_job_reads_an_office_layout_with_its_own_options() {
    let d = tempfile::tempdir().unwrap();
    let jobs = d.path().join("jobs.toml");
    std::fs::write(
        &jobs,
        format!(
            "[[job]]\nname = \"ma-gioi\"\ninput = \"{}\"\nsex_codes = \"1=nam,0=nu\"\n\n[[job]]\nname = \"tieu-de\"\ninput = \"{}\"\nheader_row = \"6-7\"\ncolumns = {{ id = \"Số CMT/CCCD\\n(Loại 8/9/12 số)\" }}\n",
            root().join("fixtures/real/coded-sex-10.csv").display(),
            root().join("fixtures/real/title-rows.csv").display()
        ),
    )
    .unwrap();
    let out = d.path().join("out");
    let o = batch(&jobs, &out, "2026-12-05");
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    for job in ["ma-gioi", "tieu-de"] {
        let t = json(&out.join("2026-12-05").join(job).join("tally.json"));
        assert_eq!(t["total"]["rows_read"], 12, "{job}: {t}");
    }
    // a bad option is an error of the jobs file, naming the job
    std::fs::write(
        &jobs,
        "[[job]]\nname = \"x\"\ninput = \"a.csv\"\nsex_codes = \"1=maybe\"\n",
    )
    .unwrap();
    let o = batch(&jobs, &out, "2026-12-05");
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("job 'x'") && err.contains("--sex-codes"),
        "{err}"
    );
}
