//! The Python module `lamsach._lamsach`: the engine's check as a function.
//! The Python package (`lamsach/__init__.py`) turns what it returns into a
//! polars DataFrame and a tally dict; this layer only runs the check and
//! hands back plain columns.

use lamsach_engine::{Options, Outcome};
use lamsach_io::error::Error;
use lamsach_model::profile::RuleData;
use lamsach_report::findings_table::FindingsTable;
use lamsach_rules::REGISTRY;
use lamsach_text::Lang;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use std::path::{Path, PathBuf};

pyo3::create_exception!(
    _lamsach,
    LamsachError,
    PyException,
    "A check that could not run (the CLI's exit code 2): the message says, in Vietnamese and English, what is wrong and what to do."
);

fn err(e: Error) -> PyErr {
    LamsachError::new_err(e.to_string())
}

fn lang_of(lang: &str) -> PyResult<Lang> {
    match lang {
        "vi" => Ok(Lang::Vi),
        "en" => Ok(Lang::En),
        other => Err(LamsachError::new_err(format!(
            "lang='{other}': dùng 'vi' hoặc 'en' / use 'vi' or 'en'"
        ))),
    }
}

/// Runs a check on `path`, or on the UTF-8 CSV `csv` (named `name` in
/// messages). Returns (columns, tally JSON, exit code 0 or 1).
#[pyfunction]
#[pyo3(signature = (path=None, csv=None, name=None, profile=None, reference=None, group_by=None, lang="vi", mask_ids=false, today=None, dedupe=true))]
#[allow(clippy::too_many_arguments)]
fn check<'py>(
    py: Python<'py>,
    path: Option<PathBuf>,
    csv: Option<Vec<u8>>,
    name: Option<String>,
    profile: Option<String>,
    reference: Option<PathBuf>,
    group_by: Option<String>,
    lang: &str,
    mask_ids: bool,
    today: Option<String>,
    dedupe: bool,
) -> PyResult<(Bound<'py, PyDict>, String, u8)> {
    let lang = lang_of(lang)?;
    let today = match today {
        Some(t) => chrono::NaiveDate::parse_from_str(&t, "%Y-%m-%d").map_err(|_| {
            LamsachError::new_err(format!(
                "today='{t}': cần dạng YYYY-MM-DD / expected YYYY-MM-DD"
            ))
        })?,
        None => chrono::Local::now().date_naive(),
    };
    let req = Request {
        path,
        csv,
        name,
        profile,
        reference,
        group_by,
        lang,
        mask_ids,
        today,
        dedupe,
    };
    let (table, outcome) = py.detach(|| run(req)).map_err(err)?;
    let cols = PyDict::new(py);
    cols.set_item("line", PyList::new(py, &table.lines)?)?;
    for (key, values) in FindingsTable::keys().skip(1).zip(&table.text) {
        match key {
            "dob" => {
                cols.set_item("dob", PyList::new(py, table.dob_days())?)?;
                cols.set_item("dob_text", PyList::new(py, values)?)?;
            }
            "related_lines" => cols.set_item(key, PyList::new(py, table.related())?)?,
            _ => cols.set_item(key, PyList::new(py, values)?)?,
        }
    }
    let mut meta = lamsach_report::TallyMeta::of(&outcome);
    meta.notices = lamsach_report::notices(&outcome, lang);
    let tally = lamsach_report::tally_json_for(&meta, &outcome.tally, lang).to_string();
    let t = outcome.tally.total();
    let code = u8::from(t.with_problems + t.unreadable > 0);
    Ok((cols, tally, code))
}

/// What to check and how, as `check` was called.
struct Request {
    path: Option<PathBuf>,
    csv: Option<Vec<u8>>,
    name: Option<String>,
    profile: Option<String>,
    reference: Option<PathBuf>,
    group_by: Option<String>,
    lang: Lang,
    mask_ids: bool,
    today: chrono::NaiveDate,
    dedupe: bool,
}

fn run(req: Request) -> Result<(FindingsTable, Outcome), Error> {
    let data = RuleData::embedded()?;
    let reference = match req.reference {
        Some(p) => Some(std::sync::Arc::new(lamsach_reference::load(
            &p, &data, req.lang,
        )?)),
        None => None,
    };
    let opts = Options {
        profile: req.profile,
        group_by: req.group_by,
        today: req.today,
        lang: req.lang,
        reference,
        record_keys: true,
        ..Options::default()
    };
    let opened = match (req.path, req.csv) {
        (Some(p), None) => lamsach_engine::open(&p, &data, &opts)?,
        (None, Some(bytes)) => {
            let name = req.name.unwrap_or_else(|| "<DataFrame>".into());
            lamsach_engine::open_bytes(Path::new(&name), bytes, &data, &opts)?
        }
        _ => {
            return Err(Error::Usage(
                "cần đúng một trong path hoặc csv / give exactly one of path or csv".into(),
            ))
        }
    };
    let mut table = FindingsTable::new(req.lang, req.mask_ids, &opened.mapping);
    let outcome = lamsach_engine::prepass::check_beside_prepass(
        req.dedupe,
        &opened,
        &data,
        None,
        opts,
        |o| lamsach_engine::check_file(&opened, &data, &o, &mut table),
    )?;
    Ok((table, outcome))
}

/// The rules: code, labels, pillar, category, severity.
#[pyfunction]
#[pyo3(signature = (lang="vi"))]
fn rules<'py>(py: Python<'py>, lang: &str) -> PyResult<Bound<'py, PyList>> {
    let lang = lang_of(lang)?;
    let out = PyList::empty(py);
    for r in REGISTRY.iter() {
        let d = PyDict::new(py);
        d.set_item("code", r.code)?;
        d.set_item("name", r.name)?;
        d.set_item("label", r.label(lang))?;
        d.set_item("pillar", r.pillar.key())?;
        d.set_item("pillar_label", r.pillar.label(lang))?;
        d.set_item("category", r.category.key())?;
        d.set_item("category_label", r.category.label(lang))?;
        d.set_item("severity", r.severity.label(Lang::En))?;
        out.append(d)?;
    }
    Ok(out)
}

#[pymodule]
fn _lamsach(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(check, m)?)?;
    m.add_function(wrap_pyfunction!(rules, m)?)?;
    m.add("LamsachError", m.py().get_type::<LamsachError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
