//! The README's rule table lists every rule of the registry, so the
//! documentation cannot drift from the code.

#[test]
fn readme_lists_every_rule() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for r in lamsach::rules::REGISTRY {
        let row = format!(
            "| {} | {} | `{}` | {} |",
            r.code,
            r.pillar.label(false),
            r.name,
            r.label_vi
        );
        assert!(readme.contains(&row), "README lacks the row: {row}");
    }
}
