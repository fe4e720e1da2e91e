//! The rules' index `docs/rules/README.md` and `docs/rules/CODE.md` are generated from the
//! rule registry (`cargo xtask docs`): they cannot drift from the code.

#[test]
fn generated_docs_are_current() {
    let stale = xtask::docs::check();
    assert!(
        stale.is_empty(),
        "stale generated docs: {}; run `cargo xtask docs`",
        stale
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
}

#[test]
fn rules_table_lists_every_rule_by_code() {
    let table = xtask::docs::rules_table();
    let mut lines = table.lines();
    assert_eq!(lines.next(), Some("| code | pillar | name | label |"));
    assert_eq!(lines.next(), Some("|---|---|---|---|"));
    let codes: Vec<&str> = lines
        .map(|l| l.split(" | ").next().unwrap().trim_start_matches("| "))
        .collect();
    let mut sorted = codes.clone();
    sorted.sort();
    assert_eq!(codes, sorted);
    assert_eq!(codes.len(), lamsach_rules::REGISTRY.len());
    for r in lamsach_rules::REGISTRY {
        let row = format!(
            "| {} | {} | `{}` | {} |",
            r.code,
            r.pillar.label(lamsach_text::Lang::Vi),
            r.name,
            r.label_vi
        );
        assert!(table.contains(&row), "the table lacks the row: {row}");
        let page = xtask::docs::rule_page(r);
        assert!(
            page.starts_with(&format!("# {} {}\n", r.code, r.name)),
            "{page}"
        );
        assert!(page.contains(r.doc.trim()) && page.contains(r.label_en));
    }
}

/// `check` finds a stale table, a missing page and a page of no rule;
/// `write` makes them current.
#[test]
fn check_finds_what_write_fixes() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("docs/rules")).unwrap();
    std::fs::write(root.join("docs/rules/XYZ999.md"), "gone").unwrap();
    let stale = xtask::docs::check_in(root);
    let n = lamsach_rules::REGISTRY.len();
    // the index, every page, the page of no rule
    assert_eq!(stale.len(), 1 + n + 1, "{stale:?}");
    let written = xtask::docs::write_in(root).unwrap();
    assert_eq!(written, stale);
    assert!(xtask::docs::check_in(root).is_empty());
    assert!(!root.join("docs/rules/XYZ999.md").exists());
    let index = std::fs::read_to_string(root.join("docs/rules/README.md")).unwrap();
    assert!(index.ends_with(&xtask::docs::rules_table()));
    assert!(index.starts_with("# Rules\n"));
}
