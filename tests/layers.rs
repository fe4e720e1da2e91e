//! The layering of docs/architecture.md is the code's: each crate depends
//! (normal dependencies) only on crates below it, and the document lists
//! the crates in that order.

use std::path::PathBuf;

/// Bottom to top.
const LAYERS: [&str; 8] = [
    "text",
    "io",
    "model",
    "reference",
    "rules",
    "dedupe",
    "engine",
    "report",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `lamsach-*` crates named in the `[dependencies]` table of a manifest.
fn normal_deps(manifest: &str) -> Vec<String> {
    let mut deps = Vec::new();
    let mut in_deps = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_deps = line == "[dependencies]";
            continue;
        }
        if let Some(name) = line.strip_prefix("lamsach-") {
            if in_deps {
                deps.push(name.split(['.', ' ', '=']).next().unwrap_or("").to_string());
            }
        }
    }
    deps
}

#[test]
fn each_crate_depends_only_on_crates_below_it() {
    for (level, name) in LAYERS.iter().enumerate() {
        let manifest =
            std::fs::read_to_string(root().join("crates").join(name).join("Cargo.toml")).unwrap();
        for dep in normal_deps(&manifest) {
            let at = LAYERS
                .iter()
                .position(|l| *l == dep)
                .unwrap_or_else(|| panic!("lamsach-{name} depends on unknown lamsach-{dep}"));
            assert!(
                at < level,
                "lamsach-{name} depends on lamsach-{dep}, which is not below it"
            );
        }
    }
}

#[test]
fn architecture_doc_lists_the_layers_top_down() {
    let doc = std::fs::read_to_string(root().join("docs/architecture.md")).unwrap();
    let positions: Vec<usize> = LAYERS
        .iter()
        .map(|l| {
            doc.find(&format!("lamsach-{l} "))
                .unwrap_or_else(|| panic!("docs/architecture.md does not name lamsach-{l}"))
        })
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] > w[1]),
        "docs/architecture.md's diagram is not in the crates' order (top to bottom: report … text)"
    );
}

#[test]
fn the_check_sees_an_upward_dependency() {
    let bad = "[dependencies]\nlamsach-engine.workspace = true\n\n[dev-dependencies]\nlamsach-report.workspace = true\n";
    assert_eq!(normal_deps(bad), ["engine"]);
}
