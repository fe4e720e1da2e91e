//! The layout of a source: which profile it is, which column holds each
//! field, and which column groups the tally. Resolved once from the header
//! and shared by every pass of a run.

use crate::profile::{detect, parse_toml, Field, Mapping, Profile, RuleData};
use lamsach_io::error::{Error, Result};
use lamsach_io::source::{Source, SourceOptions};
use lamsach_text::header_key;
use lamsach_text::Lang;
use std::borrow::Cow;
use std::path::Path;

fn resolve_profile<'a>(
    data: &'a RuleData,
    opt: Option<&str>,
    headers: &[String],
    path: &Path,
) -> Result<Cow<'a, Profile>> {
    match opt {
        None => detect(data, headers)
            .map(Cow::Borrowed)
            .ok_or_else(|| Error::UnknownProfile {
                path: path.to_path_buf(),
            }),
        Some(name) if name.ends_with(".toml") => {
            let text = std::fs::read_to_string(name).map_err(|source| Error::Open {
                path: name.into(),
                source,
            })?;
            Ok(Cow::Owned(parse_toml::<Profile>(name, &text)?))
        }
        Some(name) => data.profile(name).map(Cow::Borrowed).ok_or_else(|| {
            let known: Vec<&str> = data.profiles.iter().map(|p| p.name.as_str()).collect();
            Error::Usage(format!(
                "không có hồ sơ '{name}' / unknown profile '{name}'; có / known: {}",
                known.join(", ")
            ))
        }),
    }
}

fn resolve_group(opt: Option<&str>, mapping: &Mapping) -> Result<Option<usize>> {
    match opt {
        Some(g) => {
            let key = header_key(g);
            if let Some(i) = mapping.headers.iter().position(|h| header_key(h) == key) {
                return Ok(Some(i));
            }
            if let Some(c) = Field::from_name(g).and_then(|f| mapping.column(f)) {
                return Ok(Some(c));
            }
            Err(Error::NoGroupColumn {
                column: g.to_string(),
                available: mapping.headers.join(", "),
            })
        }
        None => Ok(mapping.column(mapping.profile.group_by)),
    }
}

/// A source opened for checking, with its header mapped.
#[derive(Debug)]
pub struct Opened {
    pub source: Source,
    pub mapping: Mapping,
    /// The column the tally groups by; None = one group for all rows.
    pub group_col: Option<usize>,
}

impl Opened {
    /// Opens a source and resolves its profile (`profile`: a name, a path
    /// to a `.toml`, or None to detect it from the header), its column
    /// mapping and its group column. Errors stop the run (exit code 2).
    pub fn open(
        path: &Path,
        data: &RuleData,
        opts: &SourceOptions,
        profile: Option<&str>,
        group_by: Option<&str>,
        lang: Lang,
    ) -> Result<Opened> {
        let source = Source::open(path, opts, data.reader_limits(), lang)?;
        let profile = resolve_profile(data, profile, source.header(), path)?;
        let mapping = Mapping::new(&profile, source.header());
        let missing = mapping.missing_required();
        if !missing.is_empty() {
            return Err(mapping.missing_columns_error(path, &missing));
        }
        let group_col = resolve_group(group_by, &mapping)?;
        Ok(Opened {
            source,
            mapping,
            group_col,
        })
    }
}
