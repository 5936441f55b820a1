//! ARCHITECTURE.md's crate graph is the real one.
//!
//! The graph block lists, per crate, its normal (not dev) dependencies on workspace crates — what
//! `cargo tree --workspace --depth 1 -e normal --no-dedupe` prints. This test reads the
//! `[dependencies]` table of every `crates/*/Cargo.toml` and compares: a crate added, a dependency
//! added or dropped, and the document is wrong, so the test fails until both agree.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

type Graph = BTreeMap<String, BTreeSet<String>>;

fn repo_root() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The workspace crates' normal dependencies on each other, from their manifests.
fn manifests() -> Graph {
    let mut graph = Graph::new();
    let dirs = std::fs::read_dir(repo_root().join("crates")).expect("crates/");
    for dir in dirs.flatten() {
        let Ok(text) = std::fs::read_to_string(dir.path().join("Cargo.toml")) else {
            continue;
        };
        let mut name = None;
        let mut deps = BTreeSet::new();
        let mut section = String::new();
        for line in text.lines().map(str::trim) {
            if line.starts_with('[') {
                section = line.to_owned();
                continue;
            }
            let key = line.split(['=', '.']).next().unwrap_or("").trim();
            match section.as_str() {
                "[package]" if key == "name" => {
                    name = line.split('"').nth(1).map(str::to_owned);
                }
                "[dependencies]" if key.starts_with("verdict") => {
                    deps.insert(key.to_owned());
                }
                _ => {}
            }
        }
        graph.insert(name.expect("a package name"), deps);
    }
    graph
}

/// The graph block of ARCHITECTURE.md: `a ──► b, c` lines and one `x, y: no workspace
/// dependencies` line.
fn documented() -> Graph {
    let text =
        std::fs::read_to_string(repo_root().join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    // The first code block after the sentence that introduces the graph.
    let intro = text
        .find("The crate graph, as")
        .expect("the graph's introduction");
    let block = text[intro..].split("```").nth(1).expect("the graph block");
    let mut graph = Graph::new();
    for line in block.lines() {
        if let Some((from, to)) = line.split_once("──►") {
            let deps = to.split(',').map(|d| d.trim().to_owned()).collect();
            assert!(
                graph.insert(from.trim().to_owned(), deps).is_none(),
                "{} listed twice",
                from.trim()
            );
        } else if let Some(names) = line.strip_suffix(": no workspace dependencies") {
            for n in names.split(',') {
                assert!(
                    graph.insert(n.trim().to_owned(), BTreeSet::new()).is_none(),
                    "{} listed twice",
                    n.trim()
                );
            }
        }
    }
    graph
}

#[test]
fn the_documented_crate_graph_is_the_manifests() {
    let real = manifests();
    assert!(
        real.contains_key("verdict-app") && real.len() >= 9,
        "{real:?}"
    );
    assert_eq!(
        documented(),
        real,
        "ARCHITECTURE.md's crate graph (left) vs Cargo.toml (right)"
    );
}
