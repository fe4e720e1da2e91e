//! Sharding and merging: a file split by the province code of the ID (so
//! duplicates and shared IDs stay within one shard), checked shard by shard and
//! merged with `lamsach merge`, gives exactly the tally of the whole file.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

fn lamsach(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_lamsach"))
        .args(args)
        .output()
        .unwrap()
}

fn tally(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("tally.json")).unwrap()).unwrap()
}

/// Writes a generated vaccination export of `rows` rows to `out` (truth
/// beside it), as `cargo xtask synth` does.
fn synth(rows: usize, seed: u64, out: &Path) {
    let code = xtask::synth::run_synth(&xtask::synth::SynthArgs {
        rows,
        seed,
        ..xtask::synth::SynthArgs::new(out, &out.with_extension("truth.csv"))
    })
    .unwrap();
    assert_eq!(code, std::process::ExitCode::SUCCESS);
}

#[test]
fn merged_shards_equal_the_whole() {
    let dir = tempfile::tempdir().unwrap();
    let d = |n: &str| dir.path().join(n);
    let whole = d("whole.csv");
    synth(6000, 5, &whole);
    let bytes = std::fs::read(&whole).unwrap();
    let mut lines = bytes.split(|&b| b == b'\n').filter(|l| !l.is_empty());
    let header = lines.next().unwrap().to_vec();
    let mut shards: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
    for l in lines {
        let id = l.split(|&b| b == b',').nth(3).unwrap_or(b"");
        let key = if id.len() >= 3 {
            id[..3].to_vec()
        } else {
            b"none".to_vec()
        };
        let shard = shards
            .entry(key)
            .or_insert_with(|| [&header[..], b"\n"].concat());
        shard.extend_from_slice(l);
        shard.push(b'\n');
    }
    assert!(shards.len() > 5);
    let mut tallies = Vec::new();
    for (i, content) in shards.values().enumerate() {
        let f = d(&format!("shard{i}.csv"));
        std::fs::write(&f, content).unwrap();
        let out = d(&format!("out{i}"));
        let o = lamsach(&[
            "check",
            f.to_str().unwrap(),
            "--today",
            "2026-11-23",
            "--profile",
            "vaccination",
            "--out",
            out.to_str().unwrap(),
            "-q",
        ]);
        assert!(
            o.status.code().unwrap() <= 1,
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        tallies.push(out.join("tally.json").to_str().unwrap().to_string());
    }
    let full = d("full");
    let o = lamsach(&[
        "check",
        whole.to_str().unwrap(),
        "--today",
        "2026-11-23",
        "--out",
        full.to_str().unwrap(),
        "-q",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let merged = d("merged");
    let mut args = vec!["merge"];
    args.extend(tallies.iter().map(String::as_str));
    args.extend(["--out", merged.to_str().unwrap()]);
    let o = lamsach(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (a, b) = (tally(&full), tally(&merged));
    // progress states of the shards merge into the state of the whole
    let salt_src = d("first.state");
    let o = lamsach(&[
        "check",
        whole.to_str().unwrap(),
        "--today",
        "2026-11-23",
        "--out",
        d("s0").to_str().unwrap(),
        "-q",
        "--save-state",
        salt_src.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let mut states = Vec::new();
    for i in 0..shards.len() {
        let f = d(&format!("shard{i}.csv"));
        let st = d(&format!("shard{i}.state"));
        let o = lamsach(&[
            "check",
            f.to_str().unwrap(),
            "--today",
            "2026-11-23",
            "--profile",
            "vaccination",
            "--out",
            d(&format!("so{i}")).to_str().unwrap(),
            "-q",
            "--since",
            salt_src.to_str().unwrap(),
            "--save-state",
            st.to_str().unwrap(),
        ]);
        assert!(
            o.status.code().unwrap() <= 1,
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        states.push(st.to_str().unwrap().to_string());
    }
    let mut args = vec!["merge"];
    args.extend(states.iter().map(String::as_str));
    let sm = d("states");
    args.extend(["--out", sm.to_str().unwrap()]);
    let o = lamsach(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let merged_state = lamsach_report::progress::State::load(&sm.join("merged.state")).unwrap();
    let whole_state = lamsach_report::progress::State::load(&salt_src).unwrap();
    assert_eq!(merged_state.entries.len(), whole_state.entries.len());
    let p = lamsach_report::progress::Progress::compare(&whole_state, &merged_state).unwrap();
    assert_eq!(
        p.total().fixed,
        0,
        "nothing fixed between the whole and its shards"
    );
    assert_eq!(p.total().new, 0);
    assert_eq!(a["total"], b["total"]);
    assert_eq!(a["groups"], b["groups"]);
    assert_eq!(
        std::fs::read(full.join("tally.csv")).unwrap(),
        std::fs::read(merged.join("tally.csv")).unwrap()
    );
}

#[test]
fn merge_rejects_other_files() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("x.json");
    std::fs::write(&f, "{\"schema\": \"other\"}").unwrap();
    let o = lamsach(&[
        "merge",
        f.to_str().unwrap(),
        "--out",
        dir.path().join("o").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("tally.json"));
}

#[test]
fn outputs_are_identical_for_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let d = |n: &str| dir.path().join(n);
    let f = d("x.csv");
    synth(40_000, 9, &f);
    let mut outs = Vec::new();
    for t in ["1", "2", "3"] {
        let out = d(&format!("out{t}"));
        let o = lamsach(&[
            "check",
            f.to_str().unwrap(),
            "--today",
            "2026-11-23",
            "--threads",
            t,
            "--format",
            "all",
            "--out",
            out.to_str().unwrap(),
            "-q",
        ]);
        assert_eq!(o.status.code(), Some(1));
        outs.push(out);
    }
    for name in [
        "issues.csv",
        "tally.csv",
        "tally.json",
        "report.json",
        "report.md",
    ] {
        let a = std::fs::read(outs[0].join(name)).unwrap();
        for o in &outs[1..] {
            assert!(
                a == std::fs::read(o.join(name)).unwrap(),
                "{name} differs between thread counts"
            );
        }
    }
}
