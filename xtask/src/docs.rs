//! Rule documentation generated from the registry: the README's rule table
//! (between `<!-- rules:begin -->` and `<!-- rules:end -->`) and one page per
//! rule, `docs/rules/CODE.md`. `cargo xtask docs` writes them; `--check`
//! (and the test `tests/docs_current.rs`) fails when they are stale.

use lamsach_rules::{Check, Rule, REGISTRY};
use lamsach_text::Lang;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub const BEGIN: &str = "<!-- rules:begin -->";
pub const END: &str = "<!-- rules:end -->";

/// The workspace root (the directory of the README).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lies in the workspace")
        .to_path_buf()
}

/// The rules sorted by code, as the README lists them.
fn by_code() -> Vec<&'static Rule> {
    let mut rules: Vec<&'static Rule> = REGISTRY.to_vec();
    rules.sort_by_key(|r| r.code);
    rules
}

/// The README's rule table: header, separator, one row per rule by code,
/// each line ending with a newline.
pub fn readme_table() -> String {
    let mut s = String::from("| code | pillar | name | label |\n|---|---|---|---|\n");
    for r in by_code() {
        s.push_str(&format!(
            "| {} | {} | `{}` | {} |\n",
            r.code,
            r.pillar.label(Lang::Vi),
            r.name,
            r.label_vi
        ));
    }
    s
}

/// How a rule runs, as its page says it.
fn runs(r: &Rule) -> &'static str {
    match r.check {
        Check::Row(_) => "on each row",
        Check::Reference(_) => "on each row, with `--reference`",
        Check::Reading => "while each row is read",
        Check::InOrder => "over the rows before it, in input order",
        Check::WholeFile => "over the whole file, in the pre-pass beside the rule pass",
    }
}

/// `docs/rules/CODE.md` of one rule: its title, one line with its pillar,
/// category, severity, labels and how it runs, then its documentation in
/// English and, under `## Tiếng Việt`, in Vietnamese.
pub fn rule_page(r: &Rule) -> String {
    let mut s = format!(
        "# {} {}\n\n\
         Pillar: {} ({}) · Category: {} ({}) · Severity: {} ({}) · \
         Label: {} / {} · Runs: {}\n\n",
        r.code,
        r.name,
        r.pillar.label(Lang::Vi),
        r.pillar.label(Lang::En),
        r.category.label(Lang::Vi),
        r.category.label(Lang::En),
        r.severity.label(Lang::Vi),
        r.severity.label(Lang::En),
        r.label_vi,
        r.label_en,
        runs(r),
    );
    s.push_str(r.doc.trim());
    s.push_str("\n\n## Tiếng Việt\n\n");
    s.push_str(&demoted(r.doc_vi.trim()));
    s.push('\n');
    s
}

/// `text` with its `## ` headings made `### `, to sit under a `## ` heading.
fn demoted(text: &str) -> String {
    text.lines()
        .map(|l| match l.strip_prefix("## ") {
            Some(h) => format!("### {h}"),
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `readme` with the text between the markers replaced by the table; None
/// when the markers are missing or out of order.
pub fn with_table(readme: &str) -> Option<String> {
    let b = readme.find(BEGIN)? + BEGIN.len();
    let e = b + readme[b..].find(END)?;
    Some(format!(
        "{}\n{}{}",
        &readme[..b],
        readme_table(),
        &readme[e..]
    ))
}

/// Every generated file under `root` with the text it must have (None: the
/// file must not exist, a page of a rule no longer in the registry).
fn expected(root: &Path) -> Vec<(PathBuf, Option<String>)> {
    let readme = root.join("README.md");
    let text = std::fs::read_to_string(&readme).unwrap_or_default();
    // Without its markers the README cannot be generated: it stays stale.
    let table = with_table(&text).unwrap_or_else(|| format!("{text}\n{BEGIN}\n{END}\n"));
    let mut files = vec![(readme, Some(table))];
    let dir = root.join("docs/rules");
    for r in by_code() {
        files.push((dir.join(format!("{}.md", r.code)), Some(rule_page(r))));
    }
    if let Ok(entries) = std::fs::read_dir(&dir) {
        let mut gone: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "md"))
            .filter(|p| !files.iter().any(|(f, _)| f == p))
            .collect();
        gone.sort();
        files.extend(gone.into_iter().map(|p| (p, None)));
    }
    files
}

fn stale(path: &Path, want: &Option<String>) -> bool {
    match (std::fs::read_to_string(path), want) {
        (Ok(have), Some(want)) => &have != want,
        (Err(_), None) => false,
        _ => true,
    }
}

/// The generated files under `root` that are missing, differ from what
/// `cargo xtask docs` would write, or should not exist.
pub fn check_in(root: &Path) -> Vec<PathBuf> {
    expected(root)
        .into_iter()
        .filter(|(p, want)| stale(p, want))
        .map(|(p, _)| p)
        .collect()
}

/// [`check_in`] the workspace.
pub fn check() -> Vec<PathBuf> {
    check_in(&root())
}

/// Writes the stale files under `root` (removes the pages of rules no
/// longer in the registry); returns the files changed.
pub fn write_in(root: &Path) -> std::io::Result<Vec<PathBuf>> {
    let readme = std::fs::read_to_string(root.join("README.md"))?;
    if with_table(&readme).is_none() {
        return Err(std::io::Error::other(format!(
            "README.md lacks the lines {BEGIN} and {END}"
        )));
    }
    std::fs::create_dir_all(root.join("docs/rules"))?;
    let mut changed = Vec::new();
    for (path, want) in expected(root) {
        if !stale(&path, &want) {
            continue;
        }
        match want {
            Some(text) => std::fs::write(&path, text)?,
            None => std::fs::remove_file(&path)?,
        }
        changed.push(path);
    }
    Ok(changed)
}

/// `cargo xtask docs [--check]`.
pub fn run(check_only: bool) -> ExitCode {
    let root = root();
    let shown = |p: &Path| p.strip_prefix(&root).unwrap_or(p).display().to_string();
    if check_only {
        let stale = check_in(&root);
        if stale.is_empty() {
            return ExitCode::SUCCESS;
        }
        for p in &stale {
            eprintln!("stale: {}", shown(p));
        }
        eprintln!("run `cargo xtask docs`");
        return ExitCode::from(1);
    }
    match write_in(&root) {
        Ok(changed) => {
            for p in &changed {
                let done = if p.exists() { "wrote" } else { "removed" };
                println!("{done} {}", shown(p));
            }
            if changed.is_empty() {
                println!("docs are current");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("xtask docs: {e}");
            ExitCode::from(2)
        }
    }
}
