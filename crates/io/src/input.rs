//! Splits a CSV byte stream into records without ever failing on content:
//! quote-aware (RFC 4180, lenient), `\n`, `\r\n` and lone `\r` line ends,
//! physical line numbers kept, and recovery from an unbalanced quote or an
//! oversized record by reporting the first physical line as unreadable and
//! going on with the next one.

use lamsach_text::Lang;
use memchr::{memchr2, memchr3};
use std::borrow::Cow;
use std::io::Read;

/// Why a line could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    FieldCount { found: usize, expected: usize },
    UnclosedQuote,
    TooLarge { limit: usize },
}

impl Reason {
    /// What is wrong with the line, in Vietnamese or (`en`) English.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang.is_en()) {
            (Reason::FieldCount { found, expected }, false) => {
                format!("Dòng có {found} cột, tiêu đề có {expected} cột")
            }
            (Reason::FieldCount { found, expected }, true) => {
                format!("Row has {found} columns; the header has {expected}")
            }
            (Reason::UnclosedQuote, false) => "Dấu ngoặc kép (\") mở nhưng không đóng".into(),
            (Reason::UnclosedQuote, true) => "A quote (\") is opened and never closed".into(),
            (Reason::TooLarge { limit }, false) => format!("Dòng dài quá giới hạn {limit} byte"),
            (Reason::TooLarge { limit }, true) => format!("Row longer than the {limit}-byte limit"),
        }
    }
}

/// One item of the stream.
#[derive(Debug, PartialEq, Eq)]
pub enum Rec<'a> {
    /// A record starting at physical line `line` (header = 1), without its
    /// line terminator.
    Ok {
        line: u64,
        bytes: &'a [u8],
    },
    Unreadable {
        line: u64,
        reason: Reason,
    },
}

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_record_bytes: usize,
    pub max_quoted_lines: usize,
}

pub struct RecordReader<R> {
    src: R,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    line: u64,
    pub delim: u8,
    limits: Limits,
    /// Field count of the header, once known (for multi-line recovery).
    pub expected_fields: usize,
    bytes_read: u64,
    /// When set, the bytes of each line skipped as unreadable are kept in
    /// `skipped` (for `lamsach fix`, which passes such lines through).
    pub keep_skipped: bool,
    pub skipped: Vec<u8>,
}

enum Scan {
    /// Record is buf[start..rec_end]; next record starts at `next`; it spans `lines`.
    Done {
        rec_end: usize,
        next: usize,
        lines: u64,
        fields: usize,
    },
    NeedMore,
    /// Quote never closed (EOF or too many lines).
    Unclosed,
    TooLarge,
}

const CHUNK: usize = 1 << 20;

impl<R: Read> RecordReader<R> {
    pub fn new(src: R, limits: Limits) -> std::io::Result<Self> {
        let mut r = RecordReader {
            src,
            buf: vec![0; CHUNK],
            start: 0,
            end: 0,
            eof: false,
            line: 1,
            delim: b',',
            limits,
            expected_fields: 0,
            bytes_read: 0,
            keep_skipped: false,
            skipped: Vec::new(),
        };
        r.fill()?;
        if r.buf[..r.end].starts_with(b"\xEF\xBB\xBF") {
            r.start = 3;
        }
        Ok(r)
    }

    /// Bytes consumed from the source so far (for progress).
    pub(crate) fn bytes_read(&self) -> u64 {
        self.bytes_read
    }

    /// The start of the stream (after a BOM), for sniffing.
    pub fn head(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }

    /// The delimiter named by Excel's first line `sep=;`, when the source
    /// begins with one (the line is then not the header).
    pub(crate) fn sep_line(&self) -> Option<u8> {
        let head = self.head();
        let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
        let line = head[..memchr2(b'\n', b'\r', head).unwrap_or(head.len())].trim_ascii();
        match line {
            [s, e, p, b'=', d] if [*s, *e, *p].eq_ignore_ascii_case(b"sep") && *d != b'"' => {
                Some(*d)
            }
            _ => None,
        }
    }

    /// Picks the delimiter among `,` `;` tab `|` by counting them, outside
    /// quotes, on the first lines that are not blank (up to 30): the one
    /// found the same number of times on many lines, as a table's rows have
    /// it (the most of it on the lines that share a count) — a title line
    /// above the header, or a comma inside a header ("Ngày, tháng, năm
    /// sinh"), does not decide.
    pub(crate) fn sniff_delimiter(&mut self) -> u8 {
        let cands = [b',', b';', b'\t', b'|'];
        let mut per_line: Vec<[usize; 4]> = Vec::new();
        for line in self.head().split(|&b| b == b'\n' || b == b'\r') {
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let mut counts = [0usize; 4];
            let mut in_q = false;
            for &b in line {
                if b == b'"' {
                    in_q = !in_q;
                } else if !in_q {
                    if let Some(i) = cands.iter().position(|&c| c == b) {
                        counts[i] += 1;
                    }
                }
            }
            per_line.push(counts);
            if per_line.len() == 30 {
                break;
            }
        }
        // per candidate, over the lines sharing a count: those lines times
        // the count squared (many columns alike are stronger evidence than
        // one delimiter on many lines), then those lines
        let score = |i: usize| -> (usize, usize) {
            let mut seen: Vec<(usize, usize)> = Vec::new();
            for c in per_line.iter().map(|c| c[i]).filter(|&c| c > 0) {
                match seen.iter_mut().find(|(n, _)| *n == c) {
                    Some((_, k)) => *k += 1,
                    None => seen.push((c, 1)),
                }
            }
            // one line is no evidence of a table when there are more
            let alike = per_line.len().min(2);
            seen.iter()
                .filter(|&&(_, k)| k >= alike)
                .map(|&(n, k)| (k * n * n, k))
                .max()
                .unwrap_or((0, 0))
        };
        let best = (0..4).max_by_key(|&i| (score(i), 3 - i)).unwrap_or(0);
        // no two lines alike: the most on the first line, as the header has
        let first = per_line.first().copied().unwrap_or_default();
        let on_first = (0..4).max_by_key(|&i| (first[i], 3 - i)).unwrap_or(0);
        self.delim = if score(best).0 > 0 {
            cands[best]
        } else if first[on_first] > 0 {
            cands[on_first]
        } else {
            b','
        };
        self.delim
    }

    /// Moves unconsumed data to the front, grows the buffer if full, reads more.
    fn fill(&mut self) -> std::io::Result<()> {
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.end == self.buf.len() {
            let new_len = (self.buf.len() * 2).max(CHUNK);
            self.buf.resize(new_len, 0);
        }
        while self.end < self.buf.len() {
            let n = match self.src.read(&mut self.buf[self.end..]) {
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if n == 0 {
                self.eof = true;
                break;
            }
            self.end += n;
            self.bytes_read += n as u64;
            if self.end - self.start >= CHUNK {
                break;
            }
        }
        Ok(())
    }

    fn scan(&self) -> Scan {
        let buf = &self.buf[..self.end];
        let s = self.start;
        let d = self.delim;
        let mut i = s;
        let mut lines = 1u64;
        let mut fields = 1usize;
        let mut in_quote = false;
        let mut field_start = true;
        let max = self.limits.max_record_bytes;
        // Fast path, most records: no quote before the line end, so the
        // record is the line, found with one search instead of one per field.
        let window = buf.get(s..buf.len().min(s.saturating_add(max).saturating_add(1)));
        if let Some(off) = window.and_then(|w| memchr3(b'"', b'\n', b'\r', w)) {
            let end = s + off;
            let tail_ok = buf[end] == b'\n' || end + 1 < buf.len() || self.eof;
            if buf[end] != b'"' && tail_ok {
                let next = match buf[end] {
                    b'\r' if buf.get(end + 1) == Some(&b'\n') => end + 2,
                    _ => end + 1,
                };
                return Scan::Done {
                    rec_end: end,
                    next,
                    lines: 1,
                    // counted only where a record spans lines
                    fields: 0,
                };
            }
        }
        loop {
            if i - s > max {
                return Scan::TooLarge;
            }
            if in_quote {
                let Some(off) = memchr3(b'"', b'\n', b'\r', &buf[i..]) else {
                    return if self.eof {
                        Scan::Unclosed
                    } else {
                        Scan::NeedMore
                    };
                };
                i += off;
                if i + 1 >= buf.len() && !self.eof {
                    return Scan::NeedMore;
                }
                let next = buf.get(i + 1).copied();
                match buf[i] {
                    b'"' if next == Some(b'"') => i += 2,
                    b'"' => {
                        // A quoted field that spans lines must close cleanly
                        // (quote then delimiter or line end); otherwise this
                        // quote belongs to a later row and the opening one
                        // was unbalanced.
                        if lines > 1
                            && !matches!(next, None | Some(b'\n' | b'\r'))
                            && next != Some(d)
                        {
                            return Scan::Unclosed;
                        }
                        in_quote = false;
                        i += 1;
                    }
                    b'\r' if next == Some(b'\n') => {
                        lines += 1;
                        i += 2;
                    }
                    _ => {
                        lines += 1;
                        i += 1;
                    }
                }
                if lines as usize > self.limits.max_quoted_lines {
                    return Scan::Unclosed;
                }
                continue;
            }
            if field_start {
                if i >= buf.len() {
                    if !self.eof {
                        return Scan::NeedMore;
                    }
                } else if buf[i] == b'"' {
                    in_quote = true;
                    field_start = false;
                    i += 1;
                    continue;
                }
            }
            let Some(off) = memchr3(d, b'\n', b'\r', &buf[i..]) else {
                return if self.eof {
                    Scan::Done {
                        rec_end: buf.len(),
                        next: buf.len(),
                        lines,
                        fields,
                    }
                } else {
                    Scan::NeedMore
                };
            };
            i += off;
            match buf[i] {
                b if b == d => {
                    fields += 1;
                    field_start = true;
                    i += 1;
                }
                b'\n' => {
                    return Scan::Done {
                        rec_end: i,
                        next: i + 1,
                        lines,
                        fields,
                    }
                }
                _ => {
                    // '\r'
                    if i + 1 >= buf.len() && !self.eof {
                        return Scan::NeedMore;
                    }
                    let next = if buf.get(i + 1) == Some(&b'\n') {
                        i + 2
                    } else {
                        i + 1
                    };
                    return Scan::Done {
                        rec_end: i,
                        next,
                        lines,
                        fields,
                    };
                }
            }
        }
    }

    /// Skips the first physical line of the pending data (after a failed
    /// record), reading and discarding as much input as that takes.
    fn skip_first_line(&mut self) -> std::io::Result<()> {
        self.skipped.clear();
        loop {
            let data = &self.buf[self.start..self.end];
            if let Some(off) = memchr2(b'\n', b'\r', data) {
                let at = self.start + off;
                if self.buf[at] == b'\r' && at + 1 == self.end && !self.eof {
                    self.fill()?;
                    continue;
                }
                if self.keep_skipped {
                    self.skipped.extend_from_slice(&self.buf[self.start..at]);
                }
                let crlf = self.buf[at] == b'\r'
                    && self.buf.get(at + 1) == Some(&b'\n')
                    && at + 1 < self.end;
                self.start = at + if crlf { 2 } else { 1 };
                self.line += 1;
                return Ok(());
            }
            if self.keep_skipped {
                self.skipped
                    .extend_from_slice(&self.buf[self.start..self.end]);
            }
            if self.eof {
                self.start = self.end;
                self.line += 1;
                return Ok(());
            }
            // discard everything and read on
            self.start = self.end;
            self.fill()?;
        }
    }

    /// The next record, or None at the end of the input.
    pub fn next_rec(&mut self) -> std::io::Result<Option<Rec<'_>>> {
        loop {
            if self.start >= self.end {
                if self.eof {
                    return Ok(None);
                }
                self.fill()?;
                continue;
            }
            match self.scan() {
                Scan::NeedMore => {
                    let before = self.end - self.start;
                    self.fill()?;
                    if self.end - self.start == before && !self.eof {
                        continue;
                    }
                }
                Scan::Done {
                    rec_end,
                    next,
                    lines,
                    fields,
                } => {
                    let line = self.line;
                    if lines > 1 && self.expected_fields > 0 && fields != self.expected_fields {
                        // A quote opened a field that swallowed line ends and
                        // the columns no longer fit: the quote was unbalanced.
                        self.skip_first_line()?;
                        return Ok(Some(Rec::Unreadable {
                            line,
                            reason: Reason::UnclosedQuote,
                        }));
                    }
                    let s = self.start;
                    self.start = next;
                    self.line += lines;
                    return Ok(Some(Rec::Ok {
                        line,
                        bytes: &self.buf[s..rec_end],
                    }));
                }
                Scan::Unclosed => {
                    let line = self.line;
                    self.skip_first_line()?;
                    return Ok(Some(Rec::Unreadable {
                        line,
                        reason: Reason::UnclosedQuote,
                    }));
                }
                Scan::TooLarge => {
                    let line = self.line;
                    self.skip_first_line()?;
                    return Ok(Some(Rec::Unreadable {
                        line,
                        reason: Reason::TooLarge {
                            limit: self.limits.max_record_bytes,
                        },
                    }));
                }
            }
        }
    }
}

/// Records copied out of the reader into one buffer, for a worker thread.
pub struct Batch {
    pub buf: Vec<u8>,
    pub items: Vec<Item>,
}

/// One item of a batch: a record (a range of `Batch::buf`) or an unreadable line.
pub enum Item {
    Rec { line: u64, start: usize, end: usize },
    Unreadable { line: u64, reason: Reason },
}

impl Batch {
    fn with_capacity(rows: usize) -> Batch {
        Batch {
            buf: Vec::with_capacity(rows * 128),
            items: Vec::with_capacity(rows),
        }
    }
}

/// Reads the rest of `reader` in batches of `rows` items and sends them on
/// `tx` (a read error is sent as the last item); stops early when the
/// receiver is gone. `bytes_done`, when given, follows the bytes read, for
/// progress. Returns the bytes read.
pub fn send_batches<R: Read>(
    reader: &mut RecordReader<R>,
    rows: usize,
    tx: &std::sync::mpsc::SyncSender<std::io::Result<Batch>>,
    bytes_done: Option<&std::sync::atomic::AtomicU64>,
) -> u64 {
    let mut batch = Batch::with_capacity(rows);
    loop {
        match reader.next_rec() {
            Ok(Some(Rec::Ok { line, bytes, .. })) => {
                let start = batch.buf.len();
                batch.buf.extend_from_slice(bytes);
                batch.items.push(Item::Rec {
                    line,
                    start,
                    end: batch.buf.len(),
                });
            }
            Ok(Some(Rec::Unreadable { line, reason })) => {
                batch.items.push(Item::Unreadable { line, reason })
            }
            Ok(None) => break,
            Err(e) => {
                let _ = tx.send(Err(e));
                return reader.bytes_read();
            }
        }
        if batch.items.len() >= rows {
            if let Some(b) = bytes_done {
                b.store(reader.bytes_read(), std::sync::atomic::Ordering::Relaxed);
            }
            let full = std::mem::replace(&mut batch, Batch::with_capacity(rows));
            if tx.send(Ok(full)).is_err() {
                return reader.bytes_read();
            }
        }
    }
    if !batch.items.is_empty() {
        let _ = tx.send(Ok(batch));
    }
    reader.bytes_read()
}

/// How many batches [`map_groups`] may have in hand at once (mapped or
/// waiting to go on in order), and how many it sends on per group: two per
/// worker thread (more per worker does not make a run faster:
/// docs/performance.md).
pub fn batches_in_flight() -> usize {
    rayon::current_num_threads().max(1) * 2
}

/// One group of batches mapped by [`map_groups`], in input order; or the
/// read error that ended the input.
pub type Group<T> = std::io::Result<Vec<T>>;

/// The parallel stage of a pipeline: on a thread of `scope`, maps the
/// batches of `rx` (from [`send_batches`]) with `f` on one worker thread per
/// rayon thread, and sends the results on in input order, in groups of
/// `in_flight`. Each worker takes the next batch as soon as it is free (no
/// worker waits for the slowest batch of a group); a batch is taken only
/// when it is fewer than `in_flight` batches ahead of the oldest one not yet
/// sent on, which bounds the results held for reordering. A read error is
/// sent on and ends the stage; so does a dropped receiver.
pub fn map_groups<'scope, T>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    rx: std::sync::mpsc::Receiver<std::io::Result<Batch>>,
    in_flight: usize,
    f: impl Fn(&Batch) -> T + Send + Sync + 'scope,
) -> (
    std::thread::ScopedJoinHandle<'scope, ()>,
    std::sync::mpsc::Receiver<Group<T>>,
)
where
    T: Send + 'scope,
{
    let (tx, out) = std::sync::mpsc::sync_channel::<Group<T>>(1);
    let handle = scope.spawn(move || {
        let size = in_flight.max(1);
        let window = size as u64;
        let workers = rayon::current_num_threads().max(1);
        let gate = Gate::default();
        // The input and the sequence number of its next batch, taken together.
        let input = std::sync::Mutex::new((rx, 0u64));
        let (rtx, rrx) = std::sync::mpsc::sync_channel::<(u64, std::io::Result<T>)>(in_flight);
        std::thread::scope(|s| {
            for _ in 0..workers {
                let (rtx, gate, input, f) = (rtx.clone(), &gate, &input, &f);
                s.spawn(move || {
                    // A worker that panics stops the others too, which
                    // could otherwise wait at the gate for its result.
                    let _stop_on_panic = StopOnPanic(gate);
                    loop {
                        let (seq, item) = {
                            let mut input = input.lock().unwrap_or_else(|e| e.into_inner());
                            let seq = input.1;
                            if !gate.wait_below(seq, window) {
                                return;
                            }
                            match input.0.recv() {
                                Ok(item) => {
                                    input.1 += 1;
                                    (seq, item)
                                }
                                Err(_) => return,
                            }
                        };
                        let mapped = item.map(|b| f(&b));
                        if rtx.send((seq, mapped)).is_err() {
                            return;
                        }
                    }
                });
            }
            drop(rtx);
            // In input order: results that arrive early wait here.
            let mut early = std::collections::BTreeMap::new();
            let mut group = Vec::with_capacity(size);
            let mut next = 0u64;
            'results: for (seq, mapped) in rrx {
                early.insert(seq, mapped);
                while let Some(mapped) = early.remove(&next) {
                    next += 1;
                    gate.advance(next);
                    let sent = match mapped {
                        Ok(t) => {
                            group.push(t);
                            group.len() < size || tx.send(Ok(std::mem::take(&mut group))).is_ok()
                        }
                        Err(e) => {
                            // Nothing goes on after the error.
                            group.clear();
                            let _ = tx.send(Err(e));
                            false
                        }
                    };
                    if !sent {
                        break 'results;
                    }
                }
            }
            // Stopped early or not: release the workers waiting at the gate
            // (the results channel is closed now, so the others stop at
            // their next send).
            gate.stop();
            if !group.is_empty() {
                let _ = tx.send(Ok(group));
            }
        });
    });
    (handle, out)
}

/// Stops the [`Gate`] when dropped by a panicking thread.
struct StopOnPanic<'a>(&'a Gate);

impl Drop for StopOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.stop();
        }
    }
}

/// How far the workers of [`map_groups`] may run ahead of the results sent
/// on: the number of results sent, and whether the stage has stopped.
#[derive(Default)]
struct Gate {
    state: std::sync::Mutex<(u64, bool)>,
    moved: std::sync::Condvar,
}

impl Gate {
    /// Waits until batch `seq` is less than `window` ahead of the results
    /// sent; false when the stage stopped meanwhile.
    fn wait_below(&self, seq: u64, window: u64) -> bool {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        while !st.1 && seq >= st.0 + window {
            st = self.moved.wait(st).unwrap_or_else(|e| e.into_inner());
        }
        !st.1
    }
    fn advance(&self, sent: u64) {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        st.0 = sent;
        self.moved.notify_all();
    }
    fn stop(&self) {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        st.1 = true;
        self.moved.notify_all();
    }
}

/// Drops the empty cells past the header's `expected` (a spreadsheet pads
/// rows with them): the row then has the header's count, or is ragged.
pub fn drop_empty_tail(raw: &mut Vec<Cow<'_, [u8]>>, expected: usize) {
    if raw.len() > expected && raw[expected..].iter().all(|f| f.trim_ascii().is_empty()) {
        raw.truncate(expected);
    }
}

/// Splits one record into fields (quotes removed, `""` unescaped).
pub fn split_fields<'a>(rec: &'a [u8], delim: u8, out: &mut Vec<Cow<'a, [u8]>>) {
    out.clear();
    // Most records have no quote: split them in one scan, eight bytes at a
    // time; a quote sends the record to the general path.
    const LO: u64 = 0x0101_0101_0101_0101;
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // the high bit of each zero byte of `w`, exactly (no carry between bytes)
    let zeros = |w: u64| !(((w & LOW7) + LOW7) | w) & HIGH;
    let (d, q) = (LO * u64::from(delim), LO * u64::from(b'"'));
    let mut start = 0;
    let mut base = 0;
    let mut chunks = rec.chunks_exact(8);
    for c in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(c);
        let w = u64::from_le_bytes(word);
        if zeros(w ^ q) != 0 {
            out.clear();
            return split_quoted(rec, delim, out);
        }
        let mut m = zeros(w ^ d);
        while m != 0 {
            let i = base + (m.trailing_zeros() / 8) as usize;
            out.push(Cow::Borrowed(&rec[start..i]));
            start = i + 1;
            m &= m - 1;
        }
        base += 8;
    }
    for (k, &b) in chunks.remainder().iter().enumerate() {
        if b == b'"' {
            out.clear();
            return split_quoted(rec, delim, out);
        }
        if b == delim {
            out.push(Cow::Borrowed(&rec[start..base + k]));
            start = base + k + 1;
        }
    }
    out.push(Cow::Borrowed(&rec[start..]));
}

/// [`split_fields`] for a record that may hold quotes.
fn split_quoted<'a>(rec: &'a [u8], delim: u8, out: &mut Vec<Cow<'a, [u8]>>) {
    let mut i = 0;
    loop {
        if rec.get(i) == Some(&b'"') {
            // quoted field: up to the closing quote, then (leniently) up to the delimiter
            let mut val: Vec<u8> = Vec::new();
            let mut j = i + 1;
            let mut plain_end = None;
            loop {
                match memchr::memchr(b'"', &rec[j..]) {
                    Some(off) => {
                        let q = j + off;
                        if rec.get(q + 1) == Some(&b'"') {
                            val.extend_from_slice(&rec[j..=q]);
                            j = q + 2;
                        } else {
                            if val.is_empty() {
                                plain_end = Some(q);
                            } else {
                                val.extend_from_slice(&rec[j..q]);
                            }
                            j = q + 1;
                            break;
                        }
                    }
                    None => {
                        val.extend_from_slice(&rec[j..]);
                        j = rec.len();
                        break;
                    }
                }
            }
            let tail_end = memchr::memchr(delim, &rec[j..]).map_or(rec.len(), |o| j + o);
            let tail = &rec[j..tail_end];
            match (plain_end, tail.is_empty()) {
                (Some(e), true) => out.push(Cow::Borrowed(&rec[i + 1..e])),
                (Some(e), false) => {
                    let mut v = rec[i + 1..e].to_vec();
                    v.extend_from_slice(tail);
                    out.push(Cow::Owned(v));
                }
                (None, _) => {
                    val.extend_from_slice(tail);
                    out.push(Cow::Owned(val));
                }
            }
            if tail_end >= rec.len() {
                return;
            }
            i = tail_end + 1;
        } else {
            match memchr::memchr(delim, &rec[i..]) {
                Some(off) => {
                    out.push(Cow::Borrowed(&rec[i..i + off]));
                    i += off + 1;
                }
                None => {
                    out.push(Cow::Borrowed(&rec[i..]));
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `body` on a thread and fails the test if it takes over 60 s: a
    /// pipeline that hangs must fail, not stall the test run.
    fn within_a_minute(body: impl FnOnce() + Send + 'static) {
        let (done, finished) = std::sync::mpsc::channel();
        let t = std::thread::spawn(move || {
            body();
            let _ = done.send(());
        });
        match finished.recv_timeout(std::time::Duration::from_secs(60)) {
            Ok(()) => t.join().expect("the test body"),
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => panic!("map_groups hung"),
            // The body panicked: rethrow its panic.
            Err(_) => std::panic::resume_unwind(t.join().expect_err("a panic")),
        }
    }

    /// Batch `n` of [`map_groups`] tests: its number in `buf`.
    fn numbered(n: u64) -> std::io::Result<Batch> {
        Ok(Batch {
            buf: n.to_le_bytes().to_vec(),
            items: Vec::new(),
        })
    }

    fn number(b: &Batch) -> u64 {
        u64::from_le_bytes(b.buf.as_slice().try_into().unwrap_or_default())
    }

    /// Feeds `inputs` to [`map_groups`] (mapping each batch with `f`) and
    /// collects what it sends on until `take` messages, then drops the
    /// receiver; the stage's join result too.
    fn run_groups(
        inputs: Vec<std::io::Result<Batch>>,
        in_flight: usize,
        take: usize,
        f: impl Fn(&Batch) -> u64 + Send + Sync,
    ) -> (Vec<Group<u64>>, bool) {
        let (tx, rx) = std::sync::mpsc::sync_channel(2);
        std::thread::scope(|scope| {
            let feeder = scope.spawn(move || {
                for b in inputs {
                    if tx.send(b).is_err() {
                        break;
                    }
                }
            });
            let (handle, groups) = map_groups(scope, rx, in_flight, f);
            let got: Vec<Group<u64>> = groups.iter().take(take).collect();
            drop(groups);
            let joined = handle.join().is_ok();
            feeder.join().expect("the feeder");
            (got, joined)
        })
    }

    #[test]
    fn map_groups_keeps_input_order_whatever_each_batch_takes() {
        within_a_minute(|| {
            let inputs = (0..300).map(numbered).collect();
            // Uneven work: later batches often finish before earlier ones.
            let (got, joined) = run_groups(inputs, 4, usize::MAX, |b| {
                let n = number(b);
                std::thread::sleep(std::time::Duration::from_micros((n * 7919) % 5 * 200));
                n * 10
            });
            assert!(joined);
            let groups: Vec<Vec<u64>> = got.into_iter().map(|g| g.expect("no error")).collect();
            assert!(groups.iter().rev().skip(1).all(|g| g.len() == 4));
            let flat: Vec<u64> = groups.into_iter().flatten().collect();
            assert_eq!(flat, (0..300).map(|n| n * 10).collect::<Vec<_>>());
        });
    }

    #[test]
    fn map_groups_sends_a_read_error_on_last() {
        within_a_minute(|| {
            let mut inputs: Vec<std::io::Result<Batch>> = (0..10).map(numbered).collect();
            inputs.push(Err(std::io::Error::other("disk")));
            inputs.extend((10..50).map(numbered));
            let (got, joined) = run_groups(inputs, 4, usize::MAX, number);
            assert!(joined);
            let last = got.last().expect("messages");
            assert_eq!(
                last.as_ref().map_err(|e| e.to_string()).err().as_deref(),
                Some("disk")
            );
            // Before it, whole groups of the batches before the error, in order.
            let before: Vec<u64> = got
                .iter()
                .take(got.len() - 1)
                .flat_map(|g| g.as_ref().expect("groups").clone())
                .collect();
            assert_eq!(before, (0..before.len() as u64).collect::<Vec<_>>());
            assert!(before.len() <= 10);
        });
    }

    #[test]
    fn map_groups_stops_when_its_receiver_goes() {
        within_a_minute(|| {
            let inputs = (0..10_000).map(numbered).collect();
            let (got, joined) = run_groups(inputs, 4, 2, number);
            assert!(joined);
            assert_eq!(got.len(), 2);
        });
    }

    #[test]
    fn map_groups_fails_when_a_worker_panics() {
        within_a_minute(|| {
            let inputs = (0..200).map(numbered).collect();
            let (got, joined) = run_groups(inputs, 4, usize::MAX, |b| {
                let n = number(b);
                assert_ne!(n, 37, "a worker's panic");
                n
            });
            assert!(
                !joined,
                "the stage must fail, not end as if the input were shorter"
            );
            let flat: Vec<u64> = got
                .into_iter()
                .flat_map(|g| g.unwrap_or_default())
                .collect();
            assert!(flat.len() <= 37 && flat.iter().copied().eq(0..flat.len() as u64));
        });
    }

    const L: Limits = Limits {
        max_record_bytes: 1000,
        max_quoted_lines: 5,
    };

    fn all(input: &[u8], expected: usize) -> Vec<String> {
        let mut r = RecordReader::new(input, L).unwrap();
        let delim = r.sniff_delimiter();
        r.expected_fields = expected;
        let mut v = Vec::new();
        while let Some(rec) = r.next_rec().unwrap() {
            v.push(match rec {
                Rec::Ok { line, bytes } => {
                    let mut fields = Vec::new();
                    split_fields(bytes, delim, &mut fields);
                    let n = fields.len();
                    format!("{line}:{n}:{}", String::from_utf8_lossy(bytes))
                }
                Rec::Unreadable { line, reason } => format!("{line}:!{reason:?}"),
            });
        }
        v
    }

    #[test]
    fn the_delimiter_is_the_one_the_rows_share() {
        let sniff = |input: &[u8]| RecordReader::new(input, L).unwrap().sniff_delimiter();
        // a title line without delimiters, a comma inside a header cell
        assert_eq!(
            sniff(
                "DANH SÁCH\nSTT;Ngày, tháng, năm sinh;Tên\n1;12/05/1990;Lan\n2;01/01/1990;An\n"
                    .as_bytes()
            ),
            b';'
        );
        // a title padded with the delimiter
        assert_eq!(sniff(b"DANH SACH,,\nSTT,Ten,Ngay\n1,Lan,x\n"), b',');
        assert_eq!(sniff(b"a\tb\tc\n1\t2\t3\n"), b'\t');
        assert_eq!(sniff(b"title only\n"), b',');
        // two ragged lines: the header's
        assert_eq!(sniff(b"a;b;c;d\n1;2\n"), b';');
    }

    #[test]
    fn line_ends_and_quotes() {
        assert_eq!(
            all(b"a,b\n1,2\r\n3,4\r5,6", 2),
            ["1:2:a,b", "2:2:1,2", "3:2:3,4", "4:2:5,6"]
        );
        assert_eq!(
            all(b"a,b\n\"x\ny\",2\n3,4\n", 2),
            ["1:2:a,b", "2:2:\"x\ny\",2", "4:2:3,4"]
        );
        assert_eq!(all(b"\xEF\xBB\xBFa;b\n1;2\n", 2), ["1:2:a;b", "2:2:1;2"]);
        assert_eq!(all(b"a\tb\n1\t2", 2), ["1:2:a\tb", "2:2:1\t2"]);
    }

    #[test]
    fn unbalanced_quote_recovers() {
        // quote on line 2 never closes: line 2 unreadable, 3 and 4 still read
        let v = all(b"a,b\n\"x,2\n3,4\n5,6\n", 2);
        assert_eq!(v, ["1:2:a,b", "2:!UnclosedQuote", "3:2:3,4", "4:2:5,6"]);
        // quote closes on a later line but the columns do not fit
        let v = all(b"a,b\n\"x,2\n3,\"4\n5,6\n", 2);
        assert_eq!(v[1], "2:!UnclosedQuote");
        assert_eq!(v[2], "3:!UnclosedQuote");
        assert_eq!(v[3], "4:2:5,6");
        // two stray quotes at the same column: the second must not close the first
        let v = all(b"a,b\n\"x,2\n3,4\n\"y,5\n6,7\n", 2);
        assert_eq!(
            v,
            [
                "1:2:a,b",
                "2:!UnclosedQuote",
                "3:2:3,4",
                "4:!UnclosedQuote",
                "5:2:6,7"
            ]
        );
        // a legitimate multi-line quoted field still works
        let v = all(b"a,b\n\"x\ny\",2\n", 2);
        assert_eq!(v, ["1:2:a,b", "2:2:\"x\ny\",2"]);
    }

    #[test]
    fn oversized_record_skipped() {
        let mut input = b"a,b\n".to_vec();
        input.extend(std::iter::repeat_n(b'x', 5000));
        input.extend(b",1\n3,4\n");
        let v = all(&input, 2);
        assert_eq!(v[1], "2:!TooLarge { limit: 1000 }");
        assert_eq!(v[2], "3:2:3,4");
    }

    #[test]
    fn fields() {
        let mut out = Vec::new();
        split_fields(b"a,\"b,c\",\"d\"\"e\",,\"f\"g", b',', &mut out);
        let v: Vec<String> = out
            .iter()
            .map(|c| String::from_utf8_lossy(c).into())
            .collect();
        assert_eq!(v, ["a", "b,c", "d\"e", "", "fg"]);
        split_fields(b"", b',', &mut out);
        assert_eq!(out, vec![Cow::Borrowed(&b""[..])]);
        // the quote-free fast path splits as the general one does
        let mut rng = fastrand::Rng::with_seed(3);
        for _ in 0..20_000 {
            let (mut fast, mut general) = (Vec::new(), Vec::new());
            // quotes are rare, as in real files
            let quotes = rng.usize(0..4) == 0;
            let rec: Vec<u8> = (0..rng.usize(0..40))
                .map(|_| b"a ,;\t\xC3\x80\xFF\""[rng.usize(0..8 + usize::from(quotes))])
                .collect();
            for d in [b',', b';', b'\t', b'\x80', b'"'] {
                split_fields(&rec, d, &mut fast);
                general.clear();
                split_quoted(&rec, d, &mut general);
                assert_eq!(fast, general, "{rec:?}");
            }
        }
        split_fields(b"", b',', &mut out);
        assert_eq!(out.len(), 1);
        split_fields(b"\"unclosed", b',', &mut out);
        assert_eq!(&*out[0], b"unclosed");
    }
}
