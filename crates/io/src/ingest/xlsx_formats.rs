//! Number formats of an `.xlsx` sheet, which `calamine` does not expose:
//! the cells whose format pads with zeros (`000000000000`), so an ID stored
//! as a number comes back with the leading zeros Excel shows.

use quick_xml::events::{BytesStart, Event};
use std::collections::HashMap;
use std::io::{Cursor, Read, Seek};

type Zip<'a> = zip::ZipArchive<Cursor<&'a [u8]>>;

fn read_entry(zip: &mut Zip<'_>, name: &str) -> Option<Vec<u8>> {
    let mut f = zip.by_name(name).ok()?;
    let mut v = Vec::new();
    f.read_to_end(&mut v).ok()?;
    Some(v)
}

fn attr(e: &BytesStart, local: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local)
        .map(|a| {
            let raw = String::from_utf8_lossy(&a.value).into_owned();
            quick_xml::escape::unescape(&raw)
                .map(|v| v.into_owned())
                .unwrap_or(raw)
        })
}

/// Calls `f` on every start or empty element.
fn each_element(xml: &[u8], mut f: impl FnMut(&BytesStart, bool)) {
    let mut r = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    loop {
        match r.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => f(&e, true),
            Ok(Event::Empty(e)) => f(&e, false),
            Ok(Event::End(e)) if e.local_name().as_ref() == b"cellXfs" => {
                f(&BytesStart::new("/cellXfs"), false)
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
        buf.clear();
    }
}

/// Width of a format made only of zeros (`000000000000` → 12).
fn zero_width(code: &str) -> Option<usize> {
    let c = code.trim().trim_matches('"');
    (c.len() >= 2 && c.bytes().all(|b| b == b'0')).then_some(c.len())
}

/// `"AB12"` → (row 11, column 27), both 0-based.
fn cell_ref(r: &str) -> Option<(u32, u32)> {
    let split = r.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = r.split_at(split);
    let mut col: u32 = 0;
    for b in letters.bytes() {
        if !b.is_ascii_uppercase() {
            return None;
        }
        col = col.checked_mul(26)?.checked_add((b - b'A' + 1) as u32)?;
    }
    let row: u32 = digits.parse().ok()?;
    Some((row.checked_sub(1)?, col.checked_sub(1)?))
}

fn sheet_path<R: Read + Seek>(zip: &mut zip::ZipArchive<R>, sheet: &str) -> Option<String> {
    let mut wb = Vec::new();
    zip.by_name("xl/workbook.xml")
        .ok()?
        .read_to_end(&mut wb)
        .ok()?;
    let mut rid = None;
    each_element(&wb, |e, _| {
        if rid.is_none()
            && e.local_name().as_ref() == b"sheet"
            && attr(e, b"name").as_deref() == Some(sheet)
        {
            rid = attr(e, b"id");
        }
    });
    let rid = rid?;
    let mut rels = Vec::new();
    zip.by_name("xl/_rels/workbook.xml.rels")
        .ok()?
        .read_to_end(&mut rels)
        .ok()?;
    let mut target = None;
    each_element(&rels, |e, _| {
        if target.is_none()
            && e.local_name().as_ref() == b"Relationship"
            && attr(e, b"Id").as_deref() == Some(rid.as_str())
        {
            target = attr(e, b"Target");
        }
    });
    let t = target?;
    Some(match t.strip_prefix('/') {
        Some(abs) => abs.to_string(),
        None => format!("xl/{t}"),
    })
}

/// (row, column) → width of every numeric cell of `sheet` whose number
/// format is all zeros. None when the workbook cannot be read this way
/// (the cells are then written without padding).
pub(crate) fn zero_padded_cells(
    workbook: &[u8],
    sheet: &str,
) -> Option<HashMap<(u32, u32), usize>> {
    let mut zip: Zip<'_> = zip::ZipArchive::new(Cursor::new(workbook)).ok()?;
    let styles = read_entry(&mut zip, "xl/styles.xml")?;
    let mut fmt_width: HashMap<u32, usize> = HashMap::new();
    let mut xf_width: Vec<Option<usize>> = Vec::new();
    let mut in_cell_xfs = false;
    each_element(&styles, |e, _| match e.local_name().as_ref() {
        b"numFmt" => {
            if let (Some(id), Some(code)) = (attr(e, b"numFmtId"), attr(e, b"formatCode")) {
                if let (Ok(id), Some(w)) = (id.parse(), zero_width(&code)) {
                    fmt_width.insert(id, w);
                }
            }
        }
        b"cellXfs" => in_cell_xfs = true,
        b"/cellXfs" => in_cell_xfs = false,
        b"xf" if in_cell_xfs => {
            let id: Option<u32> = attr(e, b"numFmtId").and_then(|v| v.parse().ok());
            xf_width.push(id.and_then(|i| fmt_width.get(&i).copied()));
        }
        _ => {}
    });
    if xf_width.iter().all(Option::is_none) {
        return Some(HashMap::new());
    }
    let sp = sheet_path(&mut zip, sheet)?;
    let xml = read_entry(&mut zip, &sp)?;
    let mut out = HashMap::new();
    each_element(&xml, |e, _| {
        if e.local_name().as_ref() != b"c" {
            return;
        }
        let numeric = attr(e, b"t").is_none_or(|t| t == "n");
        let width = attr(e, b"s")
            .and_then(|s| s.parse::<usize>().ok())
            .and_then(|s| xf_width.get(s).copied().flatten());
        if let (true, Some(w), Some(pos)) =
            (numeric, width, attr(e, b"r").and_then(|r| cell_ref(&r)))
        {
            out.insert(pos, w);
        }
    });
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refs_and_formats() {
        assert_eq!(cell_ref("A1"), Some((0, 0)));
        assert_eq!(cell_ref("AB12"), Some((11, 27)));
        assert_eq!(cell_ref("1"), None);
        assert_eq!(zero_width("000000000000"), Some(12));
        assert_eq!(zero_width("0"), None);
        assert_eq!(zero_width("0.00"), None);
    }
}
