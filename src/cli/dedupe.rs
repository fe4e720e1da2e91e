//! `lamsach dedupe` and the pre-pass of `lamsach check`.

use super::{load_rules, Common, InputArgs};
use chrono::NaiveDate;
use lamsach_dedupe::config::DedupeSettings;
use lamsach_dedupe::{Cluster, ClusterKind, Flag};
use lamsach_engine::Options;
use lamsach_io::error::{Error, Result};
use lamsach_text::Lang;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct DedupeArgs {
    /// Tệp CSV cần kiểm tra / the CSV export
    pub file: PathBuf,
    /// Thư mục ghi clusters.csv / write clusters.csv here
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Ghi mọi cặp dòng đã gặp nhau (so sánh, hoặc cùng một hồ sơ) để đo khối / write every pair of rows that met (compared, or rows of one record), to measure the blocks
    #[arg(long, value_name = "FILE")]
    pub pairs: Option<PathBuf>,
    /// Chỉ đếm tên (mỗi họ tên, mỗi tên gọi: số hồ sơ) vào tệp này rồi dừng; dùng cho từng phần của một tệp đã chia / only count the names (records per full name and per given name) into this file, then stop; for each shard of a split file
    #[arg(long, value_name = "FILE")]
    pub count_names: Option<PathBuf>,
    /// Tệp đếm tên của mọi phần (từ --count-names): chấm điểm tên theo số đếm của cả tệp / name-count files of every shard (from --count-names): names are weighed by the whole file's counts
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub name_counts: Vec<PathBuf>,
    /// Bản đồ dòng của phần (`split --line-map`): clusters.csv ghi dòng của tệp gốc / the shard's line map (`split --line-map`): clusters.csv gives the export's lines
    #[arg(long, value_name = "FILE")]
    pub line_map: Option<PathBuf>,
    /// Che số định danh và số điện thoại (0010****2345) / mask IDs and phones
    #[arg(long)]
    pub mask_ids: bool,
    /// Trích xuất CSDL dân cư: bản ghi khớp được giữ lại / population extract: the record it agrees with is kept
    #[arg(long, value_name = "FILE")]
    pub reference: Option<PathBuf>,
    /// Số luồng / worker threads (default: all cores)
    #[arg(long)]
    pub threads: Option<usize>,
    /// Ngày chạy (YYYY-MM-DD) / the run date
    #[arg(long, value_parser = crate::cli::parse_today, value_name = "YYYY-MM-DD")]
    pub today: Option<NaiveDate>,
    /// Số cụm in ra màn hình khi không có --out / clusters printed when --out is not given
    #[arg(long, default_value_t = 10)]
    pub show: usize,
    /// Không in tóm tắt / no summary on the terminal
    #[arg(long, short)]
    pub quiet: bool,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub common: Common,
}

pub fn run_dedupe(a: &DedupeArgs) -> Result<ExitCode> {
    let data = load_rules(&a.common)?;
    let mut cfg = DedupeSettings::load(a.common.rules.as_deref())?;
    cfg.keep_pairs = a.pairs.is_some();
    cfg.name_counts = a.name_counts.clone();
    let lang = lamsach_text::Lang::from(a.common.lang);
    let opts = Options {
        today: a.today.unwrap_or_else(|| chrono::Local::now().date_naive()),
        ..a.input.options(&data, lang)?
    };
    let t0 = std::time::Instant::now();
    let opened = lamsach_engine::open(&a.file, &data, &opts)?;
    if let Some(path) = &a.count_names {
        let (rows, persons) = lamsach_dedupe::count_names(&opened, &data, path)?;
        if !a.quiet {
            eprintln!(
                "{}",
                if lang.is_en() {
                    format!(
                        "Rows read: {rows}; person records: {persons}; name counts: {}",
                        path.display()
                    )
                } else {
                    format!(
                        "Số dòng đã đọc: {rows}; số hồ sơ người: {persons}; số đếm tên: {}",
                        path.display()
                    )
                }
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    let reference = a
        .reference
        .as_deref()
        .map(|p| lamsach_reference::load(p, &data, lang))
        .transpose()?;
    let o = lamsach_dedupe::run(&opened, &data, &cfg, reference.as_ref())?;
    for w in o.warnings(cfg.max_block, lang) {
        eprintln!("lamsach: {w}");
    }
    if let Some(dir) = &a.out {
        std::fs::create_dir_all(dir).map_err(Error::write(&dir))?;
        let export_line = a
            .line_map
            .as_deref()
            .map(lamsach_dedupe::clusters_file::export_lines)
            .transpose()?;
        lamsach_report::clusters::write_clusters(
            &o,
            &dir.join("clusters.csv"),
            &opened,
            a.mask_ids,
            export_line.as_ref(),
        )?;
        if let Some(l) = &o.learned {
            write_learned(l, &dir.join("weights.csv"))?;
        }
    }
    if let Some(path) = &a.pairs {
        let mut f = lamsach_io::out::AtomicFile::create_csv(path)?;
        let werr = Error::write(path);
        let mut text = String::from("line_a,line_b,how,score,weights\n");
        for m in &o.met {
            let (a, b) = (m.line_a, m.line_b);
            match &m.compared {
                Some((score, why)) => {
                    text.push_str(&format!("{a},{b},compared,{score:.1},{why}\n"))
                }
                None => text.push_str(&format!("{a},{b},same-record,,\n")),
            }
        }
        f.writer().write_all(text.as_bytes()).map_err(&werr)?;
        f.commit()?;
    }
    if !a.quiet {
        let (pc, pr, ec, er) = o.counts();
        let s = &o.stats;
        let text = if lang.is_en() {
            format!(
                "Rows read: {}; person records: {}; pairs compared: {}; pairs matched: {}\n\
                 Same person recorded as several (DUP003/DUP004): {pc} clusters, {pr} rows\n\
                 Same event recorded twice (DUP005): {ec} clusters, {er} rows\n\
                 Time: {:.1} s\n",
                s.rows,
                s.persons,
                s.compared_pairs,
                s.matched_pairs,
                t0.elapsed().as_secs_f64()
            )
        } else {
            format!(
                "Số dòng đã đọc: {}; số hồ sơ người: {}; số cặp đã so sánh: {}; số cặp khớp: {}\n\
                 Một người ghi thành nhiều người (DUP003/DUP004): {pc} cụm, {pr} dòng\n\
                 Một sự kiện ghi hai lần (DUP005): {ec} cụm, {er} dòng\n\
                 Thời gian: {:.1} giây\n",
                s.rows,
                s.persons,
                s.compared_pairs,
                s.matched_pairs,
                t0.elapsed().as_secs_f64()
            )
        };
        let mut text = text;
        if s.chains_split > 0 {
            text.push_str(&if lang.is_en() {
                format!(
                    "Chains of two people split (A–B–C where A and C clearly differ): {} more clusters\n",
                    s.chains_split
                )
            } else {
                format!(
                    "Chuỗi ghép hai người đã tách (A–B–C mà A và C khác hẳn nhau): thêm {} cụm\n",
                    s.chains_split
                )
            });
        }
        text.push_str(&learned_line(&o, lang));
        if a.out.is_none() && a.show > 0 && !o.clusters.is_empty() {
            text.push_str(if lang.is_en() {
                "First clusters:\n"
            } else {
                "Các cụm đầu tiên:\n"
            });
            for c in o.clusters.iter().take(a.show) {
                text.push_str(&cluster_line(c, lang));
            }
            if o.clusters.len() > a.show {
                text.push_str(if lang.is_en() {
                    "  … use --out DIR for clusters.csv\n"
                } else {
                    "  … dùng --out THƯ_MỤC để có clusters.csv\n"
                });
            }
        }
        if let Some(dir) = &a.out {
            text.push_str(&format!(
                "{}: {}\n",
                if lang.is_en() {
                    "Clusters written to"
                } else {
                    "Đã ghi các cụm vào"
                },
                dir.join("clusters.csv").display()
            ));
        }
        super::print_out(&text)?;
    }
    Ok(if o.clusters.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// One cluster on one line, by line numbers only (no personal values):
/// `cụm 3 (event): dòng 7 (giữ lại), 8 [DUP005], 9`.
fn cluster_line(c: &Cluster, lang: Lang) -> String {
    let members: Vec<String> = c
        .members
        .iter()
        .map(|m| {
            let rule = match m.flag {
                Some(Flag::TwoIds) => " [DUP003]",
                Some(Flag::NoId) => " [DUP004]",
                Some(Flag::Event { .. }) => " [DUP005]",
                None => "",
            };
            let keep = match (m.survivor, lang.is_en()) {
                (true, false) => " (giữ lại)",
                (true, true) => " (keep)",
                _ => "",
            };
            format!("{}{keep}{rule}", m.line)
        })
        .collect();
    let kind = match (c.kind, lang.is_en()) {
        (ClusterKind::Person, false) => "cùng người",
        (ClusterKind::Event, false) => "cùng mũi tiêm",
        (ClusterKind::Person, true) => "same person",
        (ClusterKind::Event, true) => "same dose",
    };
    if lang.is_en() {
        format!(
            "  cluster {} ({kind}): lines {}\n",
            c.id,
            members.join(", ")
        )
    } else {
        format!("  cụm {} ({kind}): dòng {}\n", c.id, members.join(", "))
    }
}

/// What the weights came from, when the profile asks to learn them
/// (`[dedupe] learn = true`); empty otherwise.
fn learned_line(o: &lamsach_dedupe::Detection, lang: lamsach_text::Lang) -> String {
    match (&o.learned, o.learn_asked) {
        (Some(l), _) if l.rejected && lang.is_en() => {
            "Weights not learned: in the pairs the learned model calls one person, name and birth date mostly both differ, or the IDs do (households, not duplicates); the weights of rules/dedupe.toml are used (weights.csv shows the model)\n".to_string()
        }
        (Some(l), _) if l.rejected => {
            "Không dùng trọng số học được: trong các cặp mô hình coi là một người, phần lớn khác cả họ tên lẫn ngày sinh, hoặc khác số định danh (cùng hộ, không phải trùng); dùng trọng số trong rules/dedupe.toml (mô hình ở weights.csv)\n".to_string()
        }
        (Some(l), _) if lang.is_en() => format!(
            "Weights learned from this file: {} random pairs, {} blocks, {:.6} of all pairs expected to match, threshold {:.1} bits\n",
            l.random_pairs,
            l.sessions.len(),
            l.lambda,
            l.threshold
        ),
        (Some(l), _) => format!(
            "Trọng số học từ chính tệp này: {} cặp ngẫu nhiên, {} khối, tỉ lệ cặp trùng ước tính {:.6}, ngưỡng {:.1} bit\n",
            l.random_pairs,
            l.sessions.len(),
            l.lambda,
            l.threshold
        ),
        (None, true) if lang.is_en() => {
            "Too few records or compared pairs to learn weights from: the weights of rules/dedupe.toml are used\n".to_string()
        }
        (None, true) => {
            "Quá ít hồ sơ hoặc cặp được so sánh để học trọng số: dùng trọng số trong rules/dedupe.toml\n".to_string()
        }
        (None, false) => String::new(),
    }
}

/// `weights.csv`: the model learned from the file, a line per field and
/// level (m, u and the weight in bits), to read beside clusters.csv.
fn write_learned(l: &lamsach_dedupe::learn::LearnReport, path: &std::path::Path) -> Result<()> {
    let mut text = String::from("field,level,m,u,weight_bits\n");
    for w in &l.weights {
        text.push_str(&format!(
            "{},{},{:.6},{:.8},{:.2}\n",
            w.field, w.level, w.m, w.u, w.bits
        ));
    }
    let mut f = lamsach_io::out::AtomicFile::create_csv(path)?;
    f.writer()
        .write_all(text.as_bytes())
        .map_err(Error::write(path))?;
    f.commit()
}
