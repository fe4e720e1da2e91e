//! Sharding and merging: a file split by the province code of the ID with
//! `lamsach split` (so duplicates and shared IDs stay within one shard),
//! checked shard by shard and merged with `lamsach merge`, gives exactly the
//! tally of the whole file.

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

/// A path as an argument.
fn arg(p: &Path) -> String {
    p.to_str().unwrap().to_string()
}

/// Runs lamsach, asserting it ran (exit 0 or 1: findings are not failures).
fn run_ok(args: &[String]) {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = lamsach(&args);
    assert!(
        o.status.code().is_some_and(|c| c < 2),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// A generated export with duplicates (`cargo xtask synth-dupes`) in `dir`.
fn dupes_export(dir: &Path, rows: usize, seed: u64) -> std::path::PathBuf {
    let gen = dir.join("gen");
    xtask::dedupe_synth::run(&xtask::dedupe_synth::SynthArgs {
        rows,
        seed,
        ..xtask::dedupe_synth::SynthArgs::new(&gen)
    })
    .unwrap();
    gen.join("export.csv")
}

/// `lamsach split FILE --by BY --line-map --out DIR`.
fn split(file: &Path, by: &str, out: &Path) {
    let o = lamsach(&[
        "split",
        file.to_str().unwrap(),
        "--by",
        by,
        "--line-map",
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// The shards `split` wrote to `dir`, without their line maps, in order.
fn shard_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut shards: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.to_string_lossy().ends_with(".lines.csv"))
        .collect();
    shards.sort();
    shards
}

/// A shard's line map: its line → the export's.
fn line_map(shard: &Path) -> std::collections::HashMap<u64, u64> {
    std::fs::read_to_string(shard.with_extension("lines.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            let (a, b) = l.split_once(',').unwrap();
            (a.parse().unwrap(), b.parse().unwrap())
        })
        .collect()
}

#[test]
fn merged_shards_equal_the_whole() {
    let dir = tempfile::tempdir().unwrap();
    let d = |n: &str| dir.path().join(n);
    let whole = d("whole.csv");
    synth(6000, 5, &whole);
    let o = lamsach(&[
        "split",
        whole.to_str().unwrap(),
        "--by",
        "province",
        "--out",
        d("shards").to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut shards: Vec<std::path::PathBuf> = std::fs::read_dir(d("shards"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    shards.sort();
    assert!(shards.len() > 5);
    // every record in exactly one shard, each shard with the header
    let rows = |p: &Path| {
        let b = std::fs::read(p).unwrap();
        let b = b.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&b).to_vec();
        let mut lines = b
            .split(|&c| c == b'\n')
            .filter(|l| !l.is_empty())
            .map(<[u8]>::to_vec);
        let head = lines.next().unwrap();
        (head, lines.collect::<Vec<_>>())
    };
    let (head, mut all) = rows(&whole);
    let mut from_shards = Vec::new();
    for s in &shards {
        let (h, r) = rows(s);
        assert_eq!(h, head);
        from_shards.extend(r);
    }
    all.sort();
    from_shards.sort();
    assert_eq!(all, from_shards);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains(&format!(
            "{} bản ghi trong {} phần",
            all.len(),
            shards.len()
        )),
        "{stdout}"
    );
    let mut tallies = Vec::new();
    for (i, f) in shards.iter().enumerate() {
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
    for (i, f) in shards.iter().enumerate() {
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

/// Exports laid out as offices lay them out (title rows, a header of two
/// rows in a workbook, sections and footers) split into shards that each
/// keep the file's head: checked shard by shard they read every record of
/// the whole, and the titles and footers are counted apart, in no shard.
#[test]
fn split_keeps_the_head_of_real_layouts() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/real");
    for name in ["title-rows.csv", "two-row-header.xlsx", "sections.csv"] {
        let dir = tempfile::tempdir().unwrap();
        let file = root.join(name);
        let shards = dir.path().join("shards");
        let o = lamsach(&[
            "split",
            file.to_str().unwrap(),
            "--by",
            "birth-year",
            "--out",
            shards.to_str().unwrap(),
            "--lang",
            "en",
        ]);
        assert!(
            o.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let whole = dir.path().join("whole");
        let check = |f: &Path, out: &Path| {
            let o = lamsach(&[
                "check",
                f.to_str().unwrap(),
                "--today",
                "2026-11-23",
                "--out",
                out.to_str().unwrap(),
                "-q",
            ]);
            assert!(
                o.status.code().unwrap() <= 1,
                "{name}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            tally(out)["total"]["rows_read"].as_u64().unwrap()
        };
        let all = check(&file, &whole);
        let mut sum = 0;
        for (i, e) in std::fs::read_dir(&shards).unwrap().enumerate() {
            sum += check(&e.unwrap().path(), &dir.path().join(format!("o{i}")));
        }
        assert_eq!(sum, all, "{name}");
        let stdout = String::from_utf8_lossy(&o.stdout);
        assert!(
            stdout.contains(&format!("{all} records in")),
            "{name}: {stdout}"
        );
        let non_records = tally(&whole)["non_records"].as_array().map_or(0, Vec::len);
        assert!(non_records > 0, "{name}: the fixture has titles or footers");
    }
}

/// `split --line-map` writes beside each shard the original line of each of
/// its records: every finding of a shard, mapped back, is a finding of the
/// whole file on the same line (titles above the header and a name with a
/// line break inside quotes shift the lines).
#[test]
fn shard_lines_map_back_to_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("in.csv");
    std::fs::write(
        &file,
        "SỞ Y TẾ TỈNH QUẢNG NGÃI\nDANH SÁCH TIÊM CHỦNG\n\n\
         Họ và tên,Ngày sinh,Giới tính,Số CCCD,Vắc xin,Mũi,Ngày tiêm\n\
         Lê Văn An,01/02/1990,Nam,05109001567,Pfizer,1,15/08/2021\n\
         \"Trần Thị\nBình\",02/03/1991,Nữ,051191015679,Pfizer,1,15/08/2021\n\
         Phạm Văn Cường,31/02/1990,Nam,051090015680,Pfizer,1,15/08/2021\n\
         Võ Thị Dung,04/05/1991,Nữ,,Pfizer,1,15/08/2031\n\
         Huỳnh Văn Em,,Nam,051094015682,Pfizer,1,15/08/2021\n",
    )
    .unwrap();
    let shards = dir.path().join("shards");
    split(&file, "birth-year", &shards);
    let findings = |f: &Path, out: &Path| -> Vec<(u64, String)> {
        lamsach(&[
            "check",
            f.to_str().unwrap(),
            "--today",
            "2026-11-23",
            "--lang",
            "en",
            "--out",
            out.to_str().unwrap(),
            "-q",
        ]);
        let text = std::fs::read_to_string(out.join("issues.csv")).unwrap();
        let mut r = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        r.records()
            .map(|x| {
                let x = x.unwrap();
                (x[0].parse().unwrap(), x[1].to_string())
            })
            .collect()
    };
    let mut whole = findings(&file, &dir.path().join("whole"));
    let mut mapped = Vec::new();
    for (i, shard) in shard_files(&shards).iter().enumerate() {
        let map = line_map(shard);
        for (line, rule) in findings(shard, &dir.path().join(format!("o{i}"))) {
            mapped.push((map[&line], rule));
        }
    }
    whole.sort();
    mapped.sort();
    assert!(whole.len() >= 4, "{whole:?}");
    assert_eq!(mapped, whole);
}

/// Person-cluster rows of a clusters.csv: line (mapped through `map` when
/// given) → its score.
fn person_scores(
    clusters: &Path,
    map: Option<&std::collections::HashMap<u64, u64>>,
) -> std::collections::BTreeMap<u64, String> {
    let text = std::fs::read_to_string(clusters).unwrap_or_default();
    let mut r = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let h = r.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (cl, ck, cs, cr) = (col("line"), col("kind"), col("score"), col("role"));
    r.records()
        .map(|x| x.unwrap())
        .filter(|x| &x[ck] == "person" && &x[cr] != "keep")
        .map(|x| {
            let line: u64 = x[cl].parse().unwrap();
            (map.map_or(line, |m| m[&line]), x[cs].to_string())
        })
        .collect()
}

/// A shard deduplicated with the name counts of every shard of its split
/// (`dedupe --count-names`, then `--name-counts`) scores each pair it finds
/// as the whole file does; with its own counts a common name looks rare in
/// a one-year shard and some pairs score higher.
#[test]
fn shards_weigh_names_by_the_whole_files_counts() {
    let dir = tempfile::tempdir().unwrap();
    let file = dupes_export(dir.path(), 20_000, 7);
    let (s, run) = (arg, run_ok);
    let whole = dir.path().join("whole");
    run(&[
        "dedupe".into(),
        s(&file),
        "--out".into(),
        s(&whole),
        "-q".into(),
    ]);
    let whole = person_scores(&whole.join("clusters.csv"), None);
    let years = dir.path().join("years");
    split(&file, "birth-year", &years);
    let shards = shard_files(&years);
    let counts: Vec<String> = shards
        .iter()
        .enumerate()
        .map(|(i, shard)| {
            let c = dir.path().join(format!("counts-{i}.csv"));
            run(&[
                "dedupe".into(),
                s(shard),
                "--count-names".into(),
                s(&c),
                "-q".into(),
            ]);
            s(&c)
        })
        .collect();
    let (mut equal, mut own_differs, mut with_differs) = (0, 0, 0);
    for (i, shard) in shards.iter().enumerate() {
        let map = line_map(shard);
        let own = dir.path().join(format!("own-{i}"));
        run(&[
            "dedupe".into(),
            s(shard),
            "--out".into(),
            s(&own),
            "-q".into(),
        ]);
        let with = dir.path().join(format!("with-{i}"));
        let mut args = vec![
            "dedupe".into(),
            s(shard),
            "--out".into(),
            s(&with),
            "-q".into(),
        ];
        args.push("--name-counts".into());
        args.extend(counts.iter().cloned());
        run(&args);
        for (line, score) in person_scores(&own.join("clusters.csv"), Some(&map)) {
            if whole.get(&line).is_some_and(|w| *w != score) {
                own_differs += 1;
            }
        }
        for (line, score) in person_scores(&with.join("clusters.csv"), Some(&map)) {
            match whole.get(&line) {
                Some(w) if *w == score => equal += 1,
                Some(_) => with_differs += 1,
                None => {}
            }
        }
    }
    assert!(equal > 50, "{equal} rows scored as in the whole file");
    assert!(own_differs > 0, "the shard's own counts change some scores");
    assert_eq!(
        with_differs, 0,
        "with the whole file's counts no score differs"
    );
}

/// `split --by given-name`: the third split, by the first two letters of
/// the given name with diacritics folded; every record in one shard, a row
/// without a name in the no-key shard.
#[test]
fn split_by_given_name() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("in.csv");
    std::fs::write(
        &file,
        "Họ và tên,Ngày sinh,Giới tính,Số CCCD,Vắc xin,Mũi,Ngày tiêm\n\
         Lê Văn Thành,01/02/1990,Nam,051090015671,Pfizer,1,15/08/2021\n\
         LE VAN THANH,01/02/1991,Nam,,Pfizer,1,16/08/2021\n\
         Trần Thị Thảo,02/03/1991,Nữ,051191015679,Pfizer,1,15/08/2021\n\
         Phạm Văn Đức,31/01/1990,Nam,051090015680,Pfizer,1,15/08/2021\n\
         ,04/05/1991,Nữ,,Pfizer,1,15/08/2021\n",
    )
    .unwrap();
    let shards = dir.path().join("shards");
    split(&file, "given-name", &shards);
    let mut got: Vec<(String, usize)> = shard_files(&shards)
        .into_iter()
        .map(|p| {
            let rows = std::fs::read_to_string(&p).unwrap().lines().count() - 1;
            (p.file_name().unwrap().to_string_lossy().into_owned(), rows)
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("given-name-du.csv".to_string(), 1),
            ("given-name-no-key.csv".to_string(), 1),
            ("given-name-th.csv".to_string(), 3),
        ]
    );
}

/// `check --duplicates CLUSTERS.csv`: the fuzzy duplicates read from the
/// clusters `lamsach dedupe` wrote are the pre-pass's own findings (the same
/// issues.csv and tally); and shards of the file, each checked with the
/// whole file's clusters through its line map (`split --line-map`), merge
/// into the whole file's tally, DUP003–DUP005 included.
#[test]
fn duplicates_from_clusters_reach_every_shards_tally() {
    let dir = tempfile::tempdir().unwrap();
    let file = dupes_export(dir.path(), 8_000, 11);
    let (s, run) = (arg, run_ok);
    let check = |input: &Path, out: &Path, extra: &[String]| {
        let mut args = vec![
            "check".to_string(),
            s(input),
            "--today".into(),
            "2026-11-23".into(),
            "--out".into(),
            s(out),
            "-q".into(),
        ];
        args.extend_from_slice(extra);
        run(&args);
    };
    let d = |n: &str| dir.path().join(n);
    run(&[
        "dedupe".into(),
        s(&file),
        "--out".into(),
        s(&d("dedupe")),
        "-q".into(),
    ]);
    let clusters = d("dedupe").join("clusters.csv");
    check(&file, &d("searched"), &[]);
    check(&file, &d("read"), &["--duplicates".into(), s(&clusters)]);
    let issues = |o: &Path| std::fs::read_to_string(o.join("issues.csv")).unwrap();
    let searched = issues(&d("searched"));
    for rule in ["DUP003", "DUP004", "DUP005"] {
        assert!(searched.contains(rule), "the generated file has {rule}");
    }
    assert_eq!(issues(&d("read")), searched);
    assert_eq!(
        std::fs::read_to_string(d("read").join("tally.csv")).unwrap(),
        std::fs::read_to_string(d("searched").join("tally.csv")).unwrap()
    );

    split(&file, "birth-year", &d("years"));
    let shards = shard_files(&d("years"));
    let mut tallies = Vec::new();
    for (i, shard) in shards.iter().enumerate() {
        let out = d(&format!("shard-{i}"));
        let map = shard.with_extension("lines.csv");
        check(
            shard,
            &out,
            &[
                "--duplicates".into(),
                s(&clusters),
                "--line-map".into(),
                s(&map),
            ],
        );
        tallies.push(s(&out.join("tally.json")));
    }
    let mut args = vec!["merge".to_string()];
    args.extend(tallies);
    args.extend(["--out".into(), s(&d("merged"))]);
    run(&args);
    let (merged, whole) = (tally(&d("merged")), tally(&d("searched")));
    assert_eq!(merged["total"], whole["total"]);
    for rule in ["DUP003", "DUP004", "DUP005"] {
        assert!(
            whole["total"]["rules"][rule].as_u64().unwrap_or(0) > 0,
            "{rule}"
        );
    }
}

/// The pairs of lines of each kind put in one cluster by a clusters.csv.
fn cluster_pairs(path: &Path) -> std::collections::BTreeSet<(String, u64, u64)> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut r = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let mut by: std::collections::BTreeMap<(String, String), Vec<u64>> = Default::default();
    for x in r.records() {
        let x = x.unwrap();
        by.entry((x[2].to_string(), x[1].to_string()))
            .or_default()
            .push(x[0].parse().unwrap());
    }
    let mut out = std::collections::BTreeSet::new();
    for ((kind, _), lines) in by {
        for (i, a) in lines.iter().enumerate() {
            for b in &lines[i + 1..] {
                out.insert((kind.clone(), *a.min(b), *a.max(b)));
            }
        }
    }
    out
}

/// `lamsach merge A/clusters.csv B/clusters.csv --out DIR`: clusters of one
/// kind sharing a line become one, a line listed twice is written once, and
/// shards deduplicated with `--line-map` merge into clusters on the
/// export's lines that `check --duplicates` reads.
#[test]
fn clusters_of_shards_merge_into_one_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = |n: &str| dir.path().join(n);
    let head = "line,cluster,kind,score,role,survivor_line,rule,agreed,disagreed,weights,record_line,days,Họ và tên\n";
    std::fs::create_dir_all(d("a")).unwrap();
    std::fs::create_dir_all(d("b")).unwrap();
    std::fs::write(
        d("a/clusters.csv"),
        format!("{head}2,1,person,12.0,keep,2,,,,,2,,An\n5,1,person,12.0,same-person,2,DUP004,,,,5,,An\n9,2,event,0.0,keep,9,,,,,9,,Bình\n10,2,event,0.0,duplicate,9,DUP005,,,,10,2,Bình\n30,4,person,10.0,keep,30,,,,,30,,Chi\n31,4,person,10.0,same-person,30,DUP004,,,,31,,Chi\n"),
    )
    .unwrap();
    std::fs::write(
        d("b/clusters.csv"),
        format!("{head}5,7,person,11.0,keep,5,,,,,5,,An\n8,7,person,11.0,same-person,5,DUP003,,,,8,,An\n10,3,person,10.0,keep,10,,,,,10,,Bình\n12,3,person,10.0,same-person,10,DUP004,,,,12,,Bình\n31,9,person,12.0,same-person,32,DUP004,,,,31,,Chi\n32,9,person,12.0,keep,32,,,,,32,,Chi\n"),
    )
    .unwrap();
    run_ok(&[
        "merge".into(),
        arg(&d("a/clusters.csv")),
        arg(&d("b/clusters.csv")),
        "--out".into(),
        arg(&d("m")),
    ]);
    let pairs = cluster_pairs(&d("m/clusters.csv"));
    let want: std::collections::BTreeSet<(String, u64, u64)> = [
        // 2–5 in a, 5–8 in b: one person cluster
        ("person", 2, 5),
        ("person", 2, 8),
        ("person", 5, 8),
        // line 10 is in an event cluster of a and a person cluster of b:
        // kinds stay apart
        ("event", 9, 10),
        ("person", 10, 12),
        // 30–31 in a, 31–32 in b
        ("person", 30, 31),
        ("person", 30, 32),
        ("person", 31, 32),
    ]
    .iter()
    .map(|(k, a, b)| (k.to_string(), *a, *b))
    .collect();
    assert_eq!(pairs, want);
    let text = std::fs::read_to_string(d("m/clusters.csv")).unwrap();
    assert_eq!(text.lines().count(), 1 + 10, "lines 5 and 31 once: {text}");
    // one kept record per merged cluster, every other row a finding against it
    let row = |line: &str| -> Vec<String> {
        text.lines()
            .find(|l| l.starts_with(&format!("{line},")))
            .unwrap_or_else(|| panic!("line {line} in {text}"))
            .split(',')
            .map(str::to_string)
            .collect()
    };
    // (role, survivor_line, rule, score) of a line
    let seen = |line: &str| {
        let r = row(line);
        (r[4].clone(), r[5].clone(), r[6].clone(), r[3].clone())
    };
    let want = |role: &str, kept: &str, rule: &str, score: &str| {
        (role.into(), kept.into(), rule.into(), score.into())
    };
    // line 2 is flagged by no file, line 5 is flagged by a: 2 is kept
    assert_eq!(seen("2"), want("keep", "2", "", "12.0"));
    assert_eq!(seen("5"), want("same-person", "2", "DUP004", "12.0"));
    assert_eq!(seen("8"), want("same-person", "2", "DUP003", "11.0"));
    // 30 and 32, each kept by its own file: the later is kept, and 30 takes
    // the finding its own cluster made; line 31 the stronger of its two
    assert_eq!(seen("32"), want("keep", "32", "", "12.0"));
    assert_eq!(seen("30"), want("same-person", "32", "DUP004", "10.0"));
    assert_eq!(seen("31"), want("same-person", "32", "DUP004", "12.0"));
    // the order of the files does not matter
    run_ok(&[
        "merge".into(),
        arg(&d("b/clusters.csv")),
        arg(&d("a/clusters.csv")),
        "--out".into(),
        arg(&d("m2")),
    ]);
    assert_eq!(std::fs::read_to_string(d("m2/clusters.csv")).unwrap(), text);

    // shards of a generated export, deduplicated with their line maps
    let file = dupes_export(dir.path(), 8_000, 13);
    split(&file, "birth-year", &d("years"));
    let mut parts = Vec::new();
    for (i, shard) in shard_files(&d("years")).iter().enumerate() {
        let out = d(&format!("dd-{i}"));
        run_ok(&[
            "dedupe".into(),
            arg(shard),
            "--line-map".into(),
            arg(&shard.with_extension("lines.csv")),
            "--out".into(),
            arg(&out),
            "-q".into(),
        ]);
        if out.join("clusters.csv").exists() {
            parts.push(arg(&out.join("clusters.csv")));
        }
    }
    let mut args = vec!["merge".to_string()];
    args.extend(parts);
    args.extend(["--out".into(), arg(&d("merged"))]);
    run_ok(&args);
    run_ok(&[
        "dedupe".into(),
        arg(&file),
        "--out".into(),
        arg(&d("whole")),
        "-q".into(),
    ]);
    let (merged, whole) = (
        cluster_pairs(&d("merged/clusters.csv")),
        cluster_pairs(&d("whole/clusters.csv")),
    );
    let shared = merged.intersection(&whole).count();
    assert!(
        shared * 10 >= whole.len() * 8,
        "the birth-year shards find most of the whole file's pairs on its lines: {shared} of {}",
        whole.len()
    );
    run_ok(&[
        "check".into(),
        arg(&file),
        "--duplicates".into(),
        arg(&d("merged/clusters.csv")),
        "--out".into(),
        arg(&d("checked")),
        "-q".into(),
    ]);
    let t = tally(&d("checked"));
    assert!(
        t["total"]["rules"]["DUP004"].as_u64().unwrap_or(0) > 0,
        "{}",
        t["total"]
    );
}
