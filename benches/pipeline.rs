//! The whole pipeline (read, split, check, merge, tally) on generated data.
//! `cargo bench --bench pipeline`
use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use lamsach_engine::{check_file, open, Options};
use lamsach_model::profile::RuleData;
use lamsach_rules::Finding;
use lamsach_text::Lang;

fn bench(c: &mut Criterion) {
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.csv");
    let mut csv = Vec::new();
    let rows = 100_000;
    xtask::synth::generate(
        "vaccination",
        rows,
        0.2,
        42,
        today,
        &mut csv,
        &mut Vec::new(),
    )
    .unwrap();
    std::fs::write(&path, &csv).unwrap();
    let data = RuleData::embedded().unwrap();
    let opts = Options {
        profile: None,
        group_by: None,
        today,
        lang: Lang::Vi,
        progress: false,
        extra: None,
        person_keys: false,
        reference: None,
        ..Options::default()
    };
    let mut g = c.benchmark_group("pipeline");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(csv.len() as u64));
    g.bench_function("check 100k vaccination rows", |b| {
        b.iter(|| {
            // opened in the loop: the pipeline starts at the file
            let opened = open(&path, &data, &opts).unwrap();
            let mut found: Vec<Finding> = Vec::new();
            check_file(&opened, &data, &opts, &mut found).unwrap();
            found.len()
        })
    });
    g.finish();
}

criterion_group!(pipeline, bench);
criterion_main!(pipeline);
