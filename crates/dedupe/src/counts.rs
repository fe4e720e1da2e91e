//! Name counts of a whole file, for deduplicating one shard of it.
//!
//! An agreeing name weighs less the more person records carry it
//! (`frequent_penalty` in `rules/dedupe.toml`), and the twins rule asks how
//! rare a given name is. A shard of a national file (one birth year, one
//! province) holds a fraction of each name's records, so a common name looks
//! rare there and two strangers sharing it and a birth date reach the
//! threshold. Each shard writes its counts (`dedupe --count-names FILE`);
//! every shard then reads all of them (`dedupe --name-counts FILE …`) and
//! scores each pair with the whole file's counts, as a whole-file run would.
//!
//! The file: `kind,value,count`, kind `name` (a folded full name: person
//! records) or `given` (a folded given name: person records), UTF-8.
//! Counts of one value in several files add up: the shards of one split
//! hold every person record once.

use crate::compare::Names;
use lamsach_io::error::{Error, Result};
use std::path::Path;

const HEADER: &str = "kind,value,count";

/// Writes the counts of `names` (after [`Names::finish`]) to `path`.
pub fn write(names: &Names, path: &Path) -> Result<()> {
    let mut f = lamsach_io::out::AtomicFile::create(path)?;
    let werr = Error::write_other(path);
    {
        let mut w = csv::Writer::from_writer(f.writer());
        w.write_record(HEADER.split(',')).map_err(&werr)?;
        let mut count = String::new();
        for (id, info) in names.info.iter().enumerate() {
            if info.count == 0 {
                continue;
            }
            count.clear();
            count.push_str(&info.count.to_string());
            let name = names.strings.get(u32::try_from(id).unwrap_or(u32::MAX));
            w.write_record(["name", name, &count]).map_err(&werr)?;
        }
        for (id, &c) in names.given_count.iter().enumerate() {
            if c == 0 {
                continue;
            }
            let given = names.words.get(u32::try_from(id).unwrap_or(u32::MAX));
            w.write_record(["given", given, &c.to_string()])
                .map_err(&werr)?;
        }
        w.flush().map_err(Error::write(path))?;
    }
    f.commit()
}

/// Replaces the counts of `names` by the sums over `paths` of the counts
/// of the names this file has; names absent from every file keep their own.
/// Names of other shards are not kept: memory stays the shard's.
pub fn apply(names: &mut Names, paths: &[impl AsRef<Path>]) -> Result<()> {
    if paths.is_empty() {
        return Ok(());
    }
    let mut name_sum = vec![0u32; names.info.len()];
    let mut given_sum = vec![0u32; names.given_count.len()];
    for path in paths {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|source| Error::Open {
            path: path.to_path_buf(),
            source,
        })?;
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(body);
        let bad = |line: u64, what: &str| {
            Error::Usage(format!(
                "{}, dòng {line}: không phải tệp đếm tên ({what}); tạo lại bằng `lamsach dedupe SHARD --count-names FILE` \
                 / line {line}: not a name-count file ({what}); write it again with `lamsach dedupe SHARD --count-names FILE`",
                path.display()
            ))
        };
        let mut record = csv::ByteRecord::new();
        let mut line = 0u64;
        loop {
            let more = r.read_byte_record(&mut record).map_err(|e| {
                bad(
                    e.position().map_or(line + 1, |p| p.line()),
                    "CSV hỏng / broken CSV",
                )
            })?;
            if !more {
                break;
            }
            line = record.position().map_or(line + 1, |p| p.line());
            if line == 1 {
                if record.iter().collect::<Vec<_>>()
                    != HEADER.split(',').map(str::as_bytes).collect::<Vec<_>>()
                {
                    return Err(bad(
                        1,
                        "tiêu đề khác kind,value,count / header is not kind,value,count",
                    ));
                }
                continue;
            }
            let (Some(kind), Some(value), Some(count), None) =
                (record.get(0), record.get(1), record.get(2), record.get(3))
            else {
                return Err(bad(line, "cần 3 ô / 3 cells expected"));
            };
            let count: u32 = std::str::from_utf8(count)
                .ok()
                .and_then(|c| c.parse().ok())
                .ok_or_else(|| bad(line, "số đếm không hợp lệ / count is not a number"))?;
            let value = std::str::from_utf8(value)
                .map_err(|_| bad(line, "không phải UTF-8 / not UTF-8"))?;
            let (table, sums) = match kind {
                b"name" => (&names.strings, &mut name_sum),
                b"given" => (&names.words, &mut given_sum),
                _ => {
                    return Err(bad(
                        line,
                        "loại khác name/given / kind is not name or given",
                    ))
                }
            };
            if let Some(s) = table.find(value).and_then(|id| sums.get_mut(id as usize)) {
                *s = s.saturating_add(count);
            }
        }
    }
    for (info, &sum) in names.info.iter_mut().zip(&name_sum) {
        if info.count > 0 && sum > 0 {
            info.count = sum;
        }
    }
    for (c, &sum) in names.given_count.iter_mut().zip(&given_sum) {
        if *c > 0 && sum > 0 {
            *c = sum;
        }
    }
    Ok(())
}

/// Writes `text` (already CSV) to `path`; used by tests.
#[cfg(test)]
fn put(path: &Path, text: &str) {
    use std::io::Write;
    let mut f = std::fs::File::create(path).expect("temp file");
    f.write_all(text.as_bytes()).expect("temp write");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::{Names, PersonRecord};

    fn names_of(list: &[&str]) -> (Names, Vec<PersonRecord>) {
        let mut names = Names::default();
        let persons: Vec<PersonRecord> = list
            .iter()
            .map(|n| PersonRecord {
                name: names.strings.intern(n),
                ..crate::EMPTY_PERSON
            })
            .collect();
        names.finish(&persons);
        (names, persons)
    }

    #[test]
    fn counts_written_by_two_shards_add_up_for_the_names_a_shard_has() {
        let dir = std::env::temp_dir().join(format!("lamsach-counts-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let (a, _) = names_of(&["tran van an", "tran van an", "le thi ba"]);
        let (b, _) = names_of(&["tran van an", "pham minh an", "vo chi"]);
        write(&a, &dir.join("a.csv")).expect("write a");
        write(&b, &dir.join("b.csv")).expect("write b");
        let (mut shard, persons) = names_of(&["tran van an", "le thi ba"]);
        apply(&mut shard, &[dir.join("a.csv"), dir.join("b.csv")]).expect("apply");
        let count = |p: &PersonRecord| shard.info(p.name).count;
        assert_eq!(count(&persons[0]), 3, "tran van an: 2 in a, 1 in b");
        assert_eq!(count(&persons[1]), 1, "le thi ba: only a");
        // "an" is the given name of 2 records in a and 2 in b
        let an = shard.words.find("an").expect("given name interned");
        assert_eq!(shard.given_count[an as usize], 4, "an: 2 + 2");
        // names of other shards are not added to this one
        assert!(shard.strings.find("vo chi").is_none());
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn a_file_that_is_not_a_count_file_is_refused_with_its_line() {
        let dir = std::env::temp_dir().join(format!("lamsach-counts-bad-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let (mut shard, _) = names_of(&["tran van an"]);
        put(&dir.join("h.csv"), "line,cluster\n1,2\n");
        let e = apply(&mut shard, &[dir.join("h.csv")]).expect_err("header");
        assert!(e.to_string().contains("dòng 1"), "{e}");
        put(
            &dir.join("n.csv"),
            "kind,value,count\nname,tran van an,3\nname,x,many\n",
        );
        let e = apply(&mut shard, &[dir.join("n.csv")]).expect_err("count");
        assert!(
            e.to_string().contains("dòng 3") && e.to_string().contains("line 3"),
            "{e}"
        );
        std::fs::remove_dir_all(&dir).ok();
    }
}
