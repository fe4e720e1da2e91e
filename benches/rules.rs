//! Micro-benchmarks of the hot paths: parsers, folding, all row rules on one row.
//! `cargo bench --bench rules`
use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion};
use lamsach_model::parse::{date, id, phone};
use lamsach_model::profile::{Mapping, RuleData};
use lamsach_rules::{check_row, RowCtx};
use lamsach_text::Lang;
use std::hint::black_box;

fn benches(c: &mut Criterion) {
    let data = RuleData::embedded().unwrap();
    c.bench_function("id::parse 12 digits", |b| {
        b.iter(|| id::parse(black_box("008190012345"), &data))
    });
    c.bench_function("id::parse placeholder", |b| {
        b.iter(|| id::parse(black_box("không có"), &data))
    });
    c.bench_function("date::parse dd/mm/yyyy", |b| {
        b.iter(|| date::parse(black_box("12/05/1990")))
    });
    c.bench_function("phone::parse", |b| {
        b.iter(|| phone::parse(black_box("0912345678")))
    });
    c.bench_function("text::fold Vietnamese name", |b| {
        b.iter(|| lamsach_text::fold(black_box("Nguyễn Thị Ánh Hồng")))
    });
    let headers: Vec<String> = [
        "Họ và tên",
        "Ngày sinh",
        "Giới tính",
        "Số CCCD",
        "Số điện thoại",
        "Huyện",
        "Xã",
        "Cơ sở tiêm",
        "Vắc xin",
        "Mũi",
        "Ngày tiêm",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let values = [
        "Nguyễn Thị Lan",
        "12/05/1990",
        "Nữ",
        "008190012345",
        "0912345678",
        "Chiêm Hóa",
        "Vĩnh Lộc",
        "TYT Vĩnh Lộc",
        "AstraZeneca",
        "1",
        "15/08/2021",
    ];
    let map = Mapping::new(
        data.profile("vaccination").unwrap(),
        &headers,
        &data.headers,
    );
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let mut out = Vec::new();
    c.bench_function("all row rules, clean vaccination row", |b| {
        b.iter(|| {
            out.clear();
            let ctx = RowCtx::new(2, black_box(&values), &map, &data, today, Lang::Vi);
            check_row(&ctx, &mut out);
            black_box(out.len())
        })
    });
}

criterion_group!(rules, benches);
criterion_main!(rules);
