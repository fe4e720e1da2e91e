//! The pipeline: a reader thread splits the file into batches of records;
//! batches are checked in parallel (rayon) by the row rules; an indexer
//! thread runs the cross-row rules that need input order (DUP001, DUP002);
//! results are merged in input order, where the pre-pass findings join them
//! and the findings go to the sink. Output is identical for any thread count.

pub mod fix;
pub mod households;
pub mod prepass;
pub mod shared_ids;
pub mod split;
pub mod tally;

use crate::tally::{Tally, ALL_GROUP_VI, EMPTY_GROUP_VI, UNREADABLE_GROUP_VI};
use chrono::NaiveDate;
use lamsach_io::error::{Error, Result};
use lamsach_io::input::{split_fields, Batch, Item};
use lamsach_io::source::SourceOptions;
use lamsach_io::source::{NonRecord, NonRecordLine};
use lamsach_model::layout::non_record_cells;
pub use lamsach_model::layout::{Opened, LEVEL_SEP};
use lamsach_model::profile::SexCodesFrom;
use lamsach_model::profile::{Field, Mapping, Profile, RuleData};
use lamsach_rules::dup::duplicate_event;
use lamsach_rules::row::row_unreadable::{self, Reason};
use lamsach_rules::text::{text_fields, text_not_utf8};
use lamsach_rules::{check_row, Finding, RowBufs, RowCtx, RowIndex};
use lamsach_text::Lang;
use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::mpsc::sync_channel;

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Profile name (`vaccination`, …) or path to a profile `.toml`; None = detect.
    pub profile: Option<String>,
    /// Header name or canonical field to group by; None = profile default.
    pub group_by: Option<String>,
    pub today: NaiveDate,
    pub lang: Lang,
    /// Show a progress line on stderr (only when it is a terminal).
    pub progress: bool,
    /// Findings computed beside the run (the fuzzy duplicate pre-pass), by
    /// line; the merge step adds them to their rows, waiting for them if
    /// they are not ready yet.
    pub extra: Option<Later>,
    /// When set, every checked row carries who it is about ([`PersonKey`])
    /// to `Sink::row`; used by `--save-state` / `--since`.
    pub person_keys: bool,
    /// When set, every checked row with findings carries the cells that
    /// identify it ([`RecordKeys`]) to [`Sink::finding_in`]; used by the
    /// findings lists (issues.csv, the findings sheet).
    pub record_keys: bool,
    /// Population reference extract to verify rows against (`--reference`).
    pub reference: Option<std::sync::Arc<lamsach_reference::Reference>>,
    /// Encoding, sheet, delimiter and header rows (`--encoding`, `--sheet`,
    /// `--delimiter`, `--header-row`).
    pub source: SourceOptions,
    /// `--column FIELD=HEADER`, in order.
    pub columns: Vec<(lamsach_model::profile::Field, String)>,
    /// `--sex-codes 1=nam,0=nu`.
    pub sex_codes: Option<String>,
    /// `--duplicates FILE [--line-map FILE]`: DUP003–DUP005 from a
    /// clusters.csv instead of the search.
    pub duplicates_from: Option<DuplicatesFrom>,
}

/// Where `check --duplicates` takes the fuzzy duplicates from: a
/// clusters.csv of `lamsach dedupe` (the whole file's, or the shards'
/// merged) and, for a shard, its line map (`split --line-map`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicatesFrom {
    pub clusters: std::path::PathBuf,
    pub line_map: Option<std::path::PathBuf>,
}

/// Who a row is about, for progress between runs: the 12-digit ID when it
/// is valid (an 11-digit ID that lost its leading zero counts as padded), and
/// the name and date of birth as written (folded only when needed). In memory
/// only: state files store salted hashes (`progress::hashed_keys`), never the values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonKey {
    pub id: Option<[u8; 12]>,
    pub name: Option<String>,
    pub dob: Option<String>,
}

impl PersonKey {
    fn of(ctx: &RowCtx) -> Option<PersonKey> {
        use lamsach_model::parse::id::IdValue;
        use lamsach_model::profile::Field;
        let id = match &ctx.id {
            IdValue::Cccd(d) => Some(*d),
            IdValue::DroppedZeros { padded } => padded.as_bytes().try_into().ok(),
            _ => None,
        };
        let cell = |f| ctx.get(f).filter(|v| !v.is_empty()).map(str::to_string);
        let (name, dob) = (cell(Field::FullName), cell(Field::Dob));
        (id.is_some() || (name.is_some() && dob.is_some())).then_some(PersonKey { id, name, dob })
    }

    /// `"nguyen thi lan|1990-05-12"`: folded name and the date of birth as
    /// `YYYY-MM-DD` when complete; None without both.
    pub fn name_dob(&self) -> Option<String> {
        use lamsach_model::parse::date::{self, DateValue};
        let (n, d) = (self.name.as_deref()?, self.dob.as_deref()?);
        let mut s = lamsach_text::fold(n);
        s.push('|');
        match date::parse(d) {
            DateValue::Full(d) => s.push_str(&d.format("%Y-%m-%d").to_string()),
            _ => s.push_str(&lamsach_text::fold(d)),
        }
        Some(s)
    }
}

/// The cells that tell an officer which record a finding is about, as
/// written in the row (text repairs applied): its row number (STT), name,
/// ID (or BHXH code), date of birth and facility or school.
///
/// Every checked row carries one while it waits for the cross-row findings
/// (up to [`MAX_WAITING_ROWS`] rows), so the five cells share one
/// allocation: about 60 bytes a row instead of five strings' 200.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordKeys {
    /// stt, name, id, dob and unit, each followed by [`KEY_END`].
    cells: Box<str>,
    /// The input column `id` comes from (for masking and for the `column`
    /// of a cross-row finding).
    pub id_column: Option<usize>,
}

/// Ends each cell in [`RecordKeys::cells`]; a control character no export
/// cell keeps (the reader folds control characters to spaces).
const KEY_END: char = '\u{1f}';

impl RecordKeys {
    pub fn new(
        stt: &str,
        name: &str,
        id: &str,
        id_column: Option<usize>,
        dob: &str,
        unit: &str,
    ) -> RecordKeys {
        let mut cells =
            String::with_capacity(stt.len() + name.len() + id.len() + dob.len() + unit.len() + 5);
        for c in [stt, name, id, dob, unit] {
            cells.extend(c.chars().map(|ch| if ch == KEY_END { ' ' } else { ch }));
            cells.push(KEY_END);
        }
        RecordKeys {
            cells: cells.into_boxed_str(),
            id_column,
        }
    }

    fn cell(&self, i: usize) -> &str {
        self.cells.split(KEY_END).nth(i).unwrap_or("")
    }
    /// The row number the export gives the record (STT), if any.
    pub fn stt(&self) -> &str {
        self.cell(0)
    }
    pub fn name(&self) -> &str {
        self.cell(1)
    }
    /// The personal ID, or the BHXH code when the ID is empty.
    pub fn id(&self) -> &str {
        self.cell(2)
    }
    pub fn dob(&self) -> &str {
        self.cell(3)
    }
    /// The facility, school, employer or commune (not the group column).
    pub fn unit(&self) -> &str {
        self.cell(4)
    }

    fn of(ctx: &RowCtx, stt_col: Option<usize>, unit_col: Option<usize>) -> RecordKeys {
        let cell = |c: Option<usize>| c.and_then(|c| ctx.values.get(c)).map_or("", |v| v.as_ref());
        let field = |f: Field| ctx.get(f).unwrap_or("");
        let (id, id_column) = [Field::Id, Field::BhxhCode]
            .into_iter()
            .find_map(|f| {
                let v = ctx.get(f).filter(|v| !v.is_empty())?;
                Some((v, ctx.map.column(f)))
            })
            .unwrap_or(("", ctx.map.column(Field::Id)));
        RecordKeys::new(
            cell(stt_col),
            field(Field::FullName),
            id,
            id_column,
            field(Field::Dob),
            cell(unit_col),
        )
    }
}

/// Findings for given lines, sorted by line.
pub(crate) type ExtraFindings = std::collections::BTreeMap<u64, Vec<Finding>>;

/// Findings another thread is still computing (the duplicate pre-pass runs
/// beside the check, so the second core works while the pre-pass has
/// sequential phases). The check's workers go on while they are pending; its
/// merge step keeps up to [`MAX_WAITING_ROWS`] checked rows waiting for them.
#[derive(Clone, Default)]
pub struct Later(std::sync::Arc<(std::sync::Mutex<LaterState>, std::sync::Condvar)>);

#[derive(Default)]
enum LaterState {
    #[default]
    Pending,
    Ready(std::sync::Arc<ExtraFindings>),
    Failed,
}

/// Rows the merge step holds back while the pre-pass runs: about 190 bytes
/// each with the cells naming the record ([`RecordKeys`]), plus their
/// findings (one row in nine has one), so ~200–250 MB at most.
pub(crate) const MAX_WAITING_ROWS: usize = 1 << 20;

impl Later {
    /// Findings known already.
    pub fn ready(found: ExtraFindings) -> Self {
        let l = Later::default();
        l.set(Some(std::sync::Arc::new(found)));
        l
    }

    /// Publishes the findings; `None` when the task computing them failed.
    pub fn set(&self, found: Option<std::sync::Arc<ExtraFindings>>) {
        let (m, cv) = &*self.0;
        let mut st = m.lock().unwrap_or_else(|e| e.into_inner());
        *st = match found {
            Some(f) => LaterState::Ready(f),
            None => LaterState::Failed,
        };
        cv.notify_all();
    }

    /// The findings when ready (waiting for them when `block`, calling
    /// `waiting` every half second meanwhile); an error when their task
    /// failed (that task reports why).
    fn poll(
        &self,
        block: bool,
        mut waiting: impl FnMut(),
    ) -> Result<Option<std::sync::Arc<ExtraFindings>>> {
        let (m, cv) = &*self.0;
        let mut st = m.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            match &*st {
                LaterState::Ready(f) => return Ok(Some(f.clone())),
                LaterState::Failed => {
                    return Err(Error::Usage(
                        "tìm bản ghi trùng không thành công / the duplicate pre-pass failed".into(),
                    ))
                }
                LaterState::Pending if !block => return Ok(None),
                LaterState::Pending => {
                    let half = std::time::Duration::from_millis(500);
                    st = cv
                        .wait_timeout(st, half)
                        .map_or_else(|e| e.into_inner().0, |r| r.0);
                    if matches!(*st, LaterState::Pending) {
                        waiting();
                    }
                }
            }
        }
    }
}

impl std::fmt::Debug for Later {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Later")
    }
}

pub use lamsach_io::INTERRUPTED;

/// Receives findings in input order (line, then rule code).
pub trait Sink {
    fn finding(&mut self, f: &Finding, group: &str) -> Result<()>;
    /// A finding with the cells of its record (with
    /// [`Options::record_keys`]; None for an unreadable row). The findings
    /// lists override it; other sinks need only [`Sink::finding`].
    fn finding_in(&mut self, f: &Finding, group: &str, _keys: Option<&RecordKeys>) -> Result<()> {
        self.finding(f, group)
    }
    /// Called once per row read (after its findings), in input order.
    fn row(&mut self, _row: &RowReport) -> Result<()> {
        Ok(())
    }
}

/// One row as the merge step saw it.
pub struct RowReport<'a> {
    pub line: u64,
    pub group: &'a str,
    pub unreadable: bool,
    /// The row's findings, sorted by rule code.
    pub findings: &'a [Finding],
    /// The person the row is about (only with `Options::person_keys`).
    pub person: Option<&'a PersonKey>,
}

impl Sink for Vec<Finding> {
    fn finding(&mut self, f: &Finding, _group: &str) -> Result<()> {
        self.push(f.clone());
        Ok(())
    }
}

/// What a run learned besides the findings.
#[derive(Debug)]
pub struct Outcome {
    pub path: PathBuf,
    pub profile: Profile,
    pub mapping: Mapping,
    pub delimiter: u8,
    /// The grouping column's header; with two levels both, joined by
    /// [`LEVEL_SEP`] ("Huyện › Cơ sở tiêm chủng").
    pub group_header: Option<String>,
    /// With two grouping levels, the first level's header: the tally's
    /// groups are pairs, [`Tally::parents`] adds them up per first level.
    pub parent_header: Option<String>,
    pub tally: Tally,
    /// Lines with no content (all cells empty), skipped.
    pub blank_lines: u64,
    /// Rows that are not records (titles, column numbers, sections,
    /// subtotals, footers), in file order: counted apart, never checked.
    pub non_records: Vec<NonRecordLine>,
    /// What the summary says once about the layout.
    pub notices: Vec<lamsach_model::layout::Notice>,
    /// Rows whose sex is a code of unknown meaning (0/1 with nothing to
    /// say which is which), by code.
    pub sex_codes_unread: std::collections::BTreeMap<String, u64>,
    pub bytes: u64,
    /// Set when the rows were verified against a population reference.
    pub reference: Option<lamsach_reference::Summary>,
    /// How the file was read: its encoding (`UTF-8`, `windows-1258`, …) or `xlsx`.
    pub encoding: String,
}

enum RowKind {
    Checked,
    Blank,
    NonRecord(NonRecord),
    Unreadable,
}

struct RowOut {
    line: u64,
    kind: RowKind,
    /// Index into [`BatchOut::groups`]; None when the group cell is empty.
    group: Option<u32>,
    findings: std::ops::Range<usize>,
    event: Option<u64>,
    person: Option<Box<PersonKey>>,
    /// The cells identifying a row with findings (with `record_keys`).
    keys: Option<RecordKeys>,
    /// Found in the reference with name, date of birth and sex agreeing.
    verified: bool,
}

struct BatchOut {
    rows: Vec<RowOut>,
    findings: Vec<Finding>,
    /// The distinct group names of the batch, in order of first use: rows
    /// point into it, so the merge step interns each name once per batch
    /// instead of once per row.
    groups: Vec<String>,
    /// Bytes of the batch's records, a line end counted for each.
    bytes: u64,
    /// Rows whose sex is a code of unknown meaning, by code.
    sex_codes_unread: Vec<(String, u64)>,
}

/// Opens `path` as [`Options`] say: its source and layout, resolved once
/// for every pass of the run.
pub fn open(path: &Path, data: &RuleData, opts: &Options) -> Result<Opened> {
    Opened::open(path, data, &opts.source, &layout_options(opts), opts.lang)
}

/// [`open`] for UTF-8 CSV bytes in memory (a DataFrame handed over by the
/// Python package); `name` names them in messages.
pub fn open_bytes(name: &Path, csv: Vec<u8>, data: &RuleData, opts: &Options) -> Result<Opened> {
    Opened::open_bytes(
        name,
        csv,
        data,
        &opts.source,
        &layout_options(opts),
        opts.lang,
    )
}

fn layout_options(opts: &Options) -> lamsach_model::layout::LayoutOptions {
    lamsach_model::layout::LayoutOptions {
        profile: opts.profile.clone(),
        group_by: opts.group_by.clone(),
        columns: opts.columns.clone(),
        sex_codes: opts.sex_codes.clone(),
    }
}

/// Checks one file. Findings go to `sink` in order; the tally is returned.
pub fn check_file(
    opened: &Opened,
    data: &RuleData,
    opts: &Options,
    sink: &mut dyn Sink,
) -> Result<Outcome> {
    let path = opened.source.path();
    let (mapping, group_col) = (&opened.mapping, opened.group_col);
    // grouped by school level: "THPT", "Trung học phổ thông" and "Cấp 3" are one
    let level_groups = group_col.is_some() && group_col == mapping.column(Field::SchoolLevel);
    let delim = opened.source.delim();
    let encoding = opened.source.encoding().to_string();
    let mut reader = opened.source.records()?;
    let read_err = Error::read(path);
    let all_group = if group_col.is_some() {
        EMPTY_GROUP_VI
    } else {
        ALL_GROUP_VI
    };
    let batch_rows = data.limits.batch_rows.max(1);
    let in_flight = lamsach_io::input::batches_in_flight();

    let mut tally = Tally::default();
    // DUP001/DUP002 indexes in two shards by key, checked on two threads.
    let mut shards: [Shard; 2] = Default::default();
    let mut blank_lines = opened.source.blank_above();
    let mut non_records: Vec<NonRecordLine> = opened.source.non_records().to_vec();
    let mut sex_codes_unread: std::collections::BTreeMap<String, u64> = Default::default();
    let mut row_findings: Vec<Finding> = Vec::new();
    let unreadable_gid = std::cell::OnceCell::new();
    let mut all_gid: Option<usize> = None;

    let ctx = WorkerCtx {
        mapping,
        data,
        today: opts.today,
        lang: opts.lang,
        delim,
        group_col,
        subgroup_col: opened.subgroup_col,
        person_keys: opts.person_keys,
        record_keys: opts.record_keys.then(|| {
            (
                data.headers.row_number_column(&mapping.headers),
                unit_column(mapping, group_col),
            )
        }),
        reference: opts.reference.as_deref(),
    };
    let (tx, rx) = sync_channel::<std::io::Result<Batch>>(in_flight);
    let bytes_done = std::sync::atomic::AtomicU64::new(0);
    let mut progress = StatusLine::new(path, opts.progress, opts.lang);
    // The indexes are sized ahead only without the duplicate pre-pass
    // beside the run: sized tables are resident after their first few
    // hundred thousand keys, which with the pre-pass would land on its
    // peak memory; they grow instead (docs/performance.md).
    let text_bytes = match opts.extra {
        None => text_bytes(path, &encoding),
        Some(_) => 0,
    };
    let bytes = std::thread::scope(|scope| -> Result<u64> {
        // Pipeline of four threads, each handing the next its work in
        // input order through a bounded channel:
        //   reader   splits the file into batches;
        //   checker  checks a group of batches in parallel (rayon);
        //   indexer  runs DUP001 and DUP002, whose indexes need input order;
        //   here     merges: pre-pass findings, sinks, tally.
        // A stage that fails or stops drops its channels, which ends the
        // stages before it (their sends fail) and lets the scope join.
        let bytes_done = &bytes_done;
        let producer = scope.spawn(move || {
            lamsach_io::input::send_batches(&mut reader, batch_rows, &tx, Some(bytes_done))
        });
        let (ctx_, shards_) = (&ctx, &mut shards);
        let (checker, grx) =
            lamsach_io::input::map_groups(scope, rx, in_flight, |b| ctx_.process(b));
        let (itx, irx) = sync_channel::<Result<Vec<(BatchOut, Vec<Finding>)>>>(1);
        let indexer = scope.spawn(move || {
            let mut sized = false;
            for group in grx {
                let indexed = group.map_err(&read_err).and_then(|outs| {
                    // The first group tells how many keys the run will have.
                    let seen = (!sized).then(|| outs.iter().map(|o| o.bytes).sum::<u64>());
                    let indexed = index_group(outs, shards_, ctx_.lang);
                    if let Some(bytes) = seen {
                        presize(shards_, bytes, text_bytes);
                        sized = true;
                    }
                    indexed
                });
                if itx.send(indexed).is_err() {
                    return;
                }
            }
        });

        // Checked batches waiting for the pre-pass findings (`opts.extra`).
        let mut waiting: std::collections::VecDeque<(BatchOut, Vec<Finding>)> = Default::default();
        let mut waiting_rows = 0usize;
        let mut extra: Option<std::sync::Arc<ExtraFindings>> = None;
        let mut done = false;
        while !done || !waiting.is_empty() {
            match irx.recv() {
                Ok(group) => {
                    for (out, found) in group? {
                        waiting_rows += out.rows.len();
                        waiting.push_back((out, found));
                    }
                }
                Err(_) => done = true,
            }
            if INTERRUPTED.load(std::sync::atomic::Ordering::Relaxed) {
                return Err(Error::Interrupted);
            }
            progress.show(bytes_done.load(std::sync::atomic::Ordering::Relaxed));
            if let (Some(later), None) = (&opts.extra, &extra) {
                // Wait only when the buffer is full or the file is read.
                let block = waiting_rows >= MAX_WAITING_ROWS || done;
                let read = bytes_done.load(std::sync::atomic::Ordering::Relaxed);
                extra = later.poll(block, || progress.waiting(read))?;
                if extra.is_none() {
                    continue;
                }
            }
            waiting_rows = 0;
            while let Some((out, indexed)) = waiting.pop_front() {
                for (code, n) in &out.sex_codes_unread {
                    *sex_codes_unread.entry(code.clone()).or_default() += n;
                }
                let gids: Vec<usize> = out
                    .groups
                    .iter()
                    .map(
                        |g| match level_groups.then(|| data.school_level(g)).flatten() {
                            Some(level) => {
                                tally.group_id_named(&level.name, g, &data.group_prefixes)
                            }
                            None => tally.group_id_of(g, &data.group_prefixes),
                        },
                    )
                    .collect();
                let mut found = out.findings.into_iter();
                let mut indexed = indexed.into_iter().peekable();
                for row in out.rows {
                    row_findings.clear();
                    row_findings.extend(found.by_ref().take(row.findings.len()));
                    while let Some(f) = indexed.next_if(|f| f.line == row.line) {
                        row_findings.push(f);
                    }
                    let group = match row.kind {
                        RowKind::Blank => {
                            blank_lines += 1;
                            continue;
                        }
                        RowKind::NonRecord(kind) => {
                            non_records.push(NonRecordLine {
                                line: row.line,
                                end_line: row.line,
                                kind,
                            });
                            continue;
                        }
                        RowKind::Unreadable => {
                            *unreadable_gid.get_or_init(|| tally.group_id(UNREADABLE_GROUP_VI))
                        }
                        RowKind::Checked => {
                            match row.group.and_then(|g| gids.get(g as usize).copied()) {
                                Some(g) => g,
                                None => *all_gid.get_or_insert_with(|| tally.group_id(all_group)),
                            }
                        }
                    };
                    if let Some(x) = extra.as_ref().and_then(|x| x.get(&row.line)) {
                        row_findings.extend(x.iter().cloned());
                    }
                    row_findings.sort_by(|a, b| a.rule.code.cmp(b.rule.code));
                    let gname = match row.kind {
                        RowKind::Unreadable => UNREADABLE_GROUP_VI,
                        _ => row
                            .group
                            .and_then(|g| out.groups.get(g as usize))
                            .map_or(all_group, String::as_str),
                    };
                    for f in &row_findings {
                        sink.finding_in(f, gname, row.keys.as_ref())?;
                    }
                    sink.row(&RowReport {
                        line: row.line,
                        group: gname,
                        unreadable: matches!(row.kind, RowKind::Unreadable),
                        findings: &row_findings,
                        person: row.person.as_deref(),
                    })?;
                    tally.add_row(
                        group,
                        matches!(row.kind, RowKind::Unreadable),
                        &row_findings,
                    );
                    if row.verified {
                        tally.add_verified(group);
                    }
                }
            }
        }
        progress.finish();
        // A stage that died must fail the run, not end it early as if the
        // file were shorter.
        let internal = |_| Error::internal("kiểm tra", "a worker");
        checker.join().map_err(internal)?;
        indexer.join().map_err(internal)?;
        producer
            .join()
            .map_err(|_| Error::internal("đọc tệp", "the reader"))
    })?;

    Ok(Outcome {
        path: path.to_path_buf(),
        profile: mapping.profile.clone(),
        delimiter: delim,
        group_header: group_col.map(|c| match opened.subgroup_col {
            Some(sc) => format!("{}{LEVEL_SEP}{}", mapping.headers[c], mapping.headers[sc]),
            None => mapping.headers[c].clone(),
        }),
        parent_header: opened
            .subgroup_col
            .and(group_col)
            .map(|c| mapping.headers[c].clone()),
        mapping: mapping.clone(),
        tally,
        blank_lines,
        non_records,
        notices: opened.notices.clone(),
        sex_codes_unread,
        bytes,
        reference: opts.reference.as_deref().map(Into::into),
        encoding,
    })
}

/// One shard of the DUP001 index: the event keys [`shard_of`] gives it.
#[derive(Default)]
struct Shard {
    dups: duplicate_event::EventIndex,
}

/// Most keys a table is sized for ahead, per shard: 8M slots, 128 MB. A
/// larger file's table grows past it.
const MAX_PRESIZE: usize = (1 << 23) / 4 * 3 - 1;

/// The size of the file's text, as the reader sees it (UTF-8), roughly:
/// UTF-16 is about twice as large; 0 when unknown.
fn text_bytes(path: &Path, encoding: &str) -> u64 {
    let len = std::fs::metadata(path).map_or(0, |m| m.len());
    if encoding.starts_with("UTF-16") {
        len / 2
    } else {
        len
    }
}

/// Sizes the indexes once for the whole file, from what the first `bytes`
/// of its text put in them, so that they do not grow (and rehash)
/// during the run. The estimate never exceeds [`MAX_PRESIZE`] keys per
/// table: a guess too large (short rows first, long ones after) costs at
/// most that, 256 MB in all for the two tables, resident from the start;
/// one too small (a compressed workbook) a growth later, as without it.
fn presize(shards: &mut [Shard; 2], bytes: u64, text_bytes: u64) {
    if bytes == 0 || text_bytes <= bytes {
        return;
    }
    // estimated rows in all / rows seen
    let scale = text_bytes as f64 / bytes as f64;
    // (f64 to usize saturates)
    let want = |seen: usize| ((seen as f64 * scale) as usize).min(MAX_PRESIZE);
    for s in shards {
        let dups = s.dups.table_mut();
        dups.reserve_total(want(dups.len()));
    }
}

/// Which of two shards a key belongs to (event keys are hashes, mixed
/// again so that any bit pattern splits evenly).
fn shard_of(key: u64) -> usize {
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 63) as usize
}

/// DUP001 for the rows of shard `s`'s keys, in input order: the findings
/// of each batch, in row order.
fn index_shard(outs: &[BatchOut], shard: &mut Shard, s: usize, lang: Lang) -> Vec<Vec<Finding>> {
    let mine = |k: &u64| shard_of(*k) == s;
    outs.iter()
        .map(|out| {
            let mut found = Vec::new();
            // Warmed a few hundred rows at a time: the slots read ahead are
            // still cached (and their pages still in the TLB) when checked.
            for rows in out.rows.chunks(WARM_ROWS) {
                let events = rows.iter().filter_map(|r| r.event).filter(mine);
                shard.dups.table().warm(events);
                for row in rows {
                    if let Some(k) = row.event.filter(mine) {
                        found.extend(shard.dups.check(k, row.line, lang));
                    }
                }
            }
            found
        })
        .collect()
}

/// Rows whose index slots are read ahead at once (see [`index_shard`]).
const WARM_ROWS: usize = 512;

/// DUP001 for a group of batches: the two shards on two threads
/// (each index lookup is a cache miss in a map of millions of entries, so
/// on one thread this is the pipeline's slowest stage). Each batch gets its
/// findings by line; a row's findings are put in rule order at the merge.
fn index_group(
    outs: Vec<BatchOut>,
    shards: &mut [Shard; 2],
    lang: Lang,
) -> Result<Vec<(BatchOut, Vec<Finding>)>> {
    let [s0, s1] = shards;
    let (a, b) = std::thread::scope(|sc| {
        let other = sc.spawn(|| index_shard(&outs, s1, 1, lang));
        let mine = index_shard(&outs, s0, 0, lang);
        (mine, other.join())
    });
    let b = b.map_err(|_| Error::internal("kiểm tra", "a worker"))?;
    Ok(outs
        .into_iter()
        .zip(a.into_iter().zip(b))
        .map(|(out, (mut found, y))| {
            // Both in line order; a stable sort keeps shard 0's first on a line.
            found.extend(y);
            found.sort_by_key(|f| f.line);
            (out, found)
        })
        .collect())
}

struct WorkerCtx<'a> {
    mapping: &'a Mapping,
    data: &'a RuleData,
    today: NaiveDate,
    lang: Lang,
    delim: u8,
    group_col: Option<usize>,
    subgroup_col: Option<usize>,
    person_keys: bool,
    /// With `Options::record_keys`: the STT column and the facility column.
    record_keys: Option<(Option<usize>, Option<usize>)>,
    reference: Option<&'a lamsach_reference::Reference>,
}

impl WorkerCtx<'_> {
    fn process(&self, batch: &Batch) -> BatchOut {
        let mut out = BatchOut {
            rows: Vec::with_capacity(batch.items.len()),
            findings: Vec::new(),
            groups: Vec::new(),
            bytes: batch.buf.len() as u64 + batch.items.len() as u64,
            sex_codes_unread: Vec::new(),
        };
        let mut group_index: rustc_hash::FxHashMap<String, u32> = Default::default();
        let expected = self.mapping.headers.len();
        let mut raw: Vec<Cow<[u8]>> = Vec::with_capacity(expected);
        // per-row vectors, their allocations kept from row to row
        let mut texts_store: Vec<Cow<'static, str>> = Vec::with_capacity(expected);
        let mut values_store: Vec<&'static str> = Vec::with_capacity(expected);
        let mut bufs = RowBufs::default();
        // the batch's reference records, looked up ahead in one tight loop
        let pre = self
            .reference
            .zip(self.mapping.column(Field::Id))
            .map(|(r, id_col)| {
                r.prefetch(
                    batch.items.iter().map(|it| match it {
                        Item::Rec { start, end, .. } => batch.buf.get(*start..*end),
                        Item::Unreadable { .. } => None,
                    }),
                    self.delim,
                    id_col,
                )
            });
        for (idx, item) in batch.items.iter().enumerate() {
            let first = out.findings.len();
            match item {
                Item::Unreadable { line, reason } => {
                    out.findings
                        .push(row_unreadable::finding(*line, reason, self.lang));
                    out.rows.push(RowOut {
                        line: *line,
                        kind: RowKind::Unreadable,
                        group: None,
                        findings: first..out.findings.len(),
                        event: None,
                        person: None,
                        keys: None,
                        verified: false,
                    });
                }
                Item::Rec { line, start, end } => {
                    let line = *line;
                    let rec = &batch.buf[*start..*end];
                    split_fields(rec, self.delim, &mut raw);
                    if raw.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
                        out.rows.push(RowOut {
                            line,
                            kind: RowKind::Blank,
                            group: None,
                            findings: first..first,
                            event: None,
                            person: None,
                            keys: None,
                            verified: false,
                        });
                        continue;
                    }
                    // a row without ID and birth date may be a title, section,
                    // subtotal or footer row: set aside, not checked
                    if let Some(kind) = non_record_cells(&raw, self.mapping, &self.data.headers) {
                        out.rows.push(RowOut {
                            line,
                            kind: RowKind::NonRecord(kind),
                            group: None,
                            findings: first..first,
                            event: None,
                            person: None,
                            keys: None,
                            verified: false,
                        });
                        continue;
                    }
                    lamsach_io::input::drop_empty_tail(&mut raw, expected);
                    if raw.len() != expected {
                        let reason = Reason::FieldCount {
                            found: raw.len(),
                            expected,
                        };
                        out.findings
                            .push(row_unreadable::finding(line, &reason, self.lang));
                        out.rows.push(RowOut {
                            line,
                            kind: RowKind::Unreadable,
                            group: None,
                            findings: first..out.findings.len(),
                            event: None,
                            person: None,
                            keys: None,
                            verified: false,
                        });
                        continue;
                    }
                    // Fields are split at ASCII bytes: when the whole record
                    // is valid UTF-8, so is every field, checked once.
                    let rec_str = if self.delim.is_ascii() {
                        simdutf8::basic::from_utf8(rec).ok()
                    } else {
                        None
                    };
                    let mut texts: Vec<Cow<str>> = recycle(std::mem::take(&mut texts_store));
                    for (i, f) in raw.iter().enumerate() {
                        let within = match (rec_str, f) {
                            (Some(r), Cow::Borrowed(b)) => lamsach_text::sub_str(r, b),
                            _ => None,
                        };
                        texts.push(match within {
                            Some(t) => Cow::Borrowed(t),
                            None => match std::str::from_utf8(f) {
                                Ok(t) => Cow::Borrowed(t),
                                Err(_) => {
                                    let t = String::from_utf8_lossy(f).into_owned();
                                    out.findings.push(text_not_utf8::finding(
                                        line,
                                        i,
                                        t.trim().to_string(),
                                        self.lang,
                                    ));
                                    Cow::Owned(t)
                                }
                            },
                        });
                    }
                    let mut raw_values: Vec<&str> = recycle(std::mem::take(&mut values_store));
                    raw_values.extend(texts.iter().map(|c| lamsach_text::trim(c)));
                    // Broken text (TCVN3, VNI, mojibake, NFD, …) is found once per
                    // row; where the repair is certain, every other rule, the
                    // group and the keys see the repaired value, while the TXT
                    // rules report the raw one.
                    let raw_ctx = RowCtx::new_in(
                        line,
                        &raw_values,
                        self.mapping,
                        self.data,
                        self.today,
                        self.lang,
                        std::mem::take(&mut bufs),
                    );
                    let issues = text_fields::with_issues(&raw_ctx, |c| c.to_vec());
                    let fixed_values: Vec<&str>;
                    let values: &[&str] = if issues.is_empty() {
                        &raw_values
                    } else {
                        let mut v = raw_values.clone();
                        for c in &issues {
                            if !c.issues.contains(&lamsach_text::textfix::Issue::Unsure) {
                                if let Some(cell) = v.get_mut(c.col) {
                                    *cell = c.fixed.trim();
                                }
                            }
                        }
                        fixed_values = v;
                        &fixed_values
                    };
                    let ctx = if issues.is_empty() {
                        raw_ctx
                    } else {
                        let ctx = RowCtx::new_in(
                            line,
                            values,
                            self.mapping,
                            self.data,
                            self.today,
                            self.lang,
                            raw_ctx.into_bufs(),
                        );
                        let _ = ctx.text_issues.set(issues.clone());
                        ctx
                    };
                    check_row(&ctx, &mut out.findings);
                    if ctx.sex_undetermined && self.mapping.sex_codes.from == SexCodesFrom::Unknown
                    {
                        let v = ctx.get(Field::Sex).unwrap_or("");
                        match out.sex_codes_unread.iter_mut().find(|(c, _)| c == v) {
                            Some((_, n)) => *n += 1,
                            None => out.sex_codes_unread.push((v.to_string(), 1)),
                        }
                    }
                    let verified = self.reference.is_some_and(|r| {
                        let at = pre.as_ref().map(|p| (p, idx));
                        lamsach_rules::reference::lookup::check_row_at(
                            r,
                            at,
                            &ctx,
                            &mut out.findings,
                        )
                    });
                    let cell = |c: usize| lamsach_text::trim(values[c]);
                    let group = match (self.group_col, self.subgroup_col) {
                        (Some(p), Some(c)) if !(cell(p).is_empty() && cell(c).is_empty()) => {
                            fn part(s: &str) -> &str {
                                if s.is_empty() {
                                    EMPTY_GROUP_VI
                                } else {
                                    s
                                }
                            }
                            Some(Cow::Owned(format!(
                                "{}{LEVEL_SEP}{}",
                                part(cell(p)),
                                part(cell(c))
                            )))
                        }
                        (Some(_), Some(_)) => None,
                        (g, _) => g.map(|c| Cow::Borrowed(cell(c))).filter(|g| !g.is_empty()),
                    };
                    let group = group.map(|g| match group_index.get(g.as_ref()) {
                        Some(&i) => i,
                        None => {
                            let i = out.groups.len() as u32;
                            out.groups.push(g.to_string());
                            group_index.insert(g.to_string(), i);
                            i
                        }
                    });
                    out.rows.push(RowOut {
                        line,
                        kind: RowKind::Checked,
                        group,
                        findings: first..out.findings.len(),
                        event: duplicate_event::EventIndex::key(&ctx),
                        person: if self.person_keys {
                            PersonKey::of(&ctx).map(Box::new)
                        } else {
                            None
                        },
                        // every row: cross-row findings join it later
                        keys: self
                            .record_keys
                            .map(|(stt, unit)| RecordKeys::of(&ctx, stt, unit)),
                        verified,
                    });
                    bufs = ctx.into_bufs();
                    values_store = recycle(raw_values);
                    texts_store = recycle(texts);
                }
            }
        }
        out
    }
}

/// The column naming the record's facility or school, shown beside its
/// findings; None when it is the group column (already shown as the group).
fn unit_column(mapping: &Mapping, group_col: Option<usize>) -> Option<usize> {
    [
        Field::Facility,
        Field::School,
        Field::Employer,
        Field::Commune,
    ]
    .into_iter()
    .filter_map(|f| mapping.column(f))
    .find(|c| Some(*c) != group_col)
}

/// An emptied vector of another element type of the same layout (here: the
/// same type with another lifetime), on the same allocation: collecting a
/// `vec::IntoIter` in place reuses its buffer.
fn recycle<T, U>(mut v: Vec<T>) -> Vec<U> {
    v.clear();
    v.into_iter().filter_map(|_| None).collect()
}

/// A one-line progress display on stderr, only when stderr is a terminal.
struct StatusLine {
    total: u64,
    last: std::time::Instant,
    /// Since when the merge has waited for the pre-pass.
    waiting_since: Option<std::time::Instant>,
    on: bool,
    shown: bool,
    lang: Lang,
}

impl StatusLine {
    fn new(path: &Path, want: bool, lang: Lang) -> Self {
        use std::io::IsTerminal;
        let total = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        StatusLine {
            total,
            last: std::time::Instant::now(),
            waiting_since: None,
            on: want && std::io::stderr().is_terminal() && total > 50 << 20,
            shown: false,
            lang,
        }
    }

    fn show(&mut self, done: u64) {
        if !self.on || self.last.elapsed() < std::time::Duration::from_millis(500) {
            return;
        }
        self.last = std::time::Instant::now();
        self.shown = true;
        if self.waiting_since.take().is_some() {
            // The waiting line was longer.
            eprint!("\r{:90}", "");
        }
        let pct = done as f64 * 100.0 / self.total.max(1) as f64;
        let mb = |b: u64| b as f64 / 1e6;
        eprint!(
            "\r{} {:.0}/{:.0} MB ({pct:.0}%)   ",
            if self.lang.is_en() {
                "read"
            } else {
                "đã đọc"
            },
            mb(done),
            mb(self.total)
        );
    }

    /// The line while the merge waits for the duplicate pre-pass (the
    /// reader waits too, so the bytes read stand still).
    fn waiting(&mut self, done: u64) {
        if !self.on {
            return;
        }
        self.shown = true;
        let since = self
            .waiting_since
            .get_or_insert_with(std::time::Instant::now);
        let secs = since.elapsed().as_secs();
        let mb = done as f64 / 1e6;
        eprint!(
            "\r{}   ",
            if self.lang.is_en() {
                format!("read {mb:.0} MB; finding near-duplicates (DUP003–DUP005)… {secs} s")
            } else {
                format!("đã đọc {mb:.0} MB; đang tìm bản ghi trùng gần đúng (DUP003–DUP005)… {secs} giây")
            }
        );
    }

    fn finish(&mut self) {
        if self.shown {
            eprint!("\r{:90}\r", "");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_keys_give_back_each_cell() {
        let k = RecordKeys::new(
            "7",
            "Lê Văn A",
            "051090015678",
            Some(3),
            "01/02/1990",
            "TYT\u{1f}X",
        );
        assert_eq!(
            (k.stt(), k.name(), k.id(), k.dob(), k.unit()),
            ("7", "Lê Văn A", "051090015678", "01/02/1990", "TYT X")
        );
        assert_eq!(k.id_column, Some(3));
        let empty = RecordKeys::new("", "", "", None, "", "");
        assert_eq!((empty.name(), empty.unit()), ("", ""));
    }

    #[test]
    fn presize_scales_the_first_group_and_caps() {
        let fill = |events: u64| {
            let mut shards: [Shard; 2] = Default::default();
            for s in &mut shards {
                for k in 1..=events {
                    s.dups.check(k, k + 1, Lang::Vi);
                }
            }
            shards
        };
        // 100 kB seen of 10 MB of text: 100 times the keys
        let mut shards = fill(500);
        presize(&mut shards, 100_000, 10_000_000);
        for s in &shards {
            // room for 50 000 keys at a load of 3/4
            assert_eq!(s.dups.table().capacity(), 66_667);
            assert_eq!(s.dups.table().len(), 500);
        }
        // short rows first in a huge file: at most 2^23 slots
        let mut shards = fill(500);
        presize(&mut shards, 1_000, 1 << 40);
        for s in &shards {
            assert_eq!(s.dups.table().capacity(), (1 << 23) - 1);
        }
        // nothing known, or all of the file seen: left as they are
        let mut shards = fill(500);
        let before = shards[0].dups.table().capacity();
        presize(&mut shards, 100_000, 0);
        presize(&mut shards, 100_000, 100_000);
        presize(&mut shards, 0, 10_000_000);
        assert_eq!(shards[0].dups.table().capacity(), before);
    }

    #[test]
    fn poll_reports_the_wait_until_the_findings_arrive() {
        let later = Later::default();
        // Not blocking: nothing yet, and no wait reported.
        let mut waits = 0;
        assert!(later.poll(false, || waits += 1).unwrap().is_none());
        assert_eq!(waits, 0);
        let setter = later.clone();
        let t = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(1200));
            setter.set(Some(std::sync::Arc::new(ExtraFindings::new())));
        });
        let got = later.poll(true, || waits += 1).unwrap();
        t.join().unwrap();
        assert!(got.is_some());
        // Woken every half second while pending: at least twice in 1.2 s.
        assert!(waits >= 2, "{waits}");
        // A failed task is an error, waiting or not.
        let failed = Later::default();
        failed.set(None);
        assert!(failed.poll(true, || {}).is_err());
    }
}
