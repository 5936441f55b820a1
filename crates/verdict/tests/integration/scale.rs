//! Reports of many classes (issue 10, "Scale of output"): above the class limit (50) the terminal
//! and Markdown reports stay bounded and the JSON carries the confusion matrix sparse (COO).
//! The data set is the 200-class parity fixture (`many_classes_logits.csv`, written with its
//! scikit-learn expectations by `python/make_parity_fixtures.py`).

use crate::support::{fixtures, snapshot, verdict};
use serde_json::Value;

const FILE: &str = "many_classes_logits.csv";
const K: usize = 200;

fn run(args: &[&str]) -> String {
    let mut all = vec!["eval", FILE, "--bootstrap", "20", "--no-color"];
    all.extend_from_slice(args);
    let (code, out, err) = verdict(&fixtures().join("parity"), &all);
    assert_eq!(code, 0, "verdict {all:?} failed: {err}");
    out
}

/// The dense `k × k` matrix of a COO `confusion_matrix` object.
fn densify(cm: &Value) -> Vec<Vec<u64>> {
    assert_eq!(cm["format"], "coo", "{cm}");
    let k = cm["labels"].as_array().expect("labels").len();
    assert_eq!(cm["shape"], serde_json::json!([k, k]));
    let get = |key: &str| -> Vec<u64> {
        cm[key]
            .as_array()
            .unwrap_or_else(|| panic!("{key}"))
            .iter()
            .map(|v| v.as_u64().expect("integer"))
            .collect()
    };
    let (rows, cols, counts) = (get("rows"), get("cols"), get("counts"));
    assert!(rows.len() == cols.len() && cols.len() == counts.len());
    let mut dense = vec![vec![0u64; k]; k];
    let mut last = None;
    for ((&r, &c), &n) in rows.iter().zip(&cols).zip(&counts) {
        assert!(n > 0, "a COO cell with count 0");
        // Row-major order, each cell once.
        assert!(
            last < Some((r, c)),
            "cells out of row-major order at ({r}, {c})"
        );
        last = Some((r, c));
        dense[r as usize][c as usize] = n;
    }
    dense
}

#[test]
fn terminal_and_markdown_reports_of_200_classes_are_bounded() {
    let text = run(&[]);
    let lines = text.lines().count();
    let widest = text.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    // Before: the 200 × 200 matrix alone was 201 lines of ~800 columns, and 200 warnings.
    assert!(lines <= 140, "{lines} lines:\n{text}");
    assert!(widest <= 240, "a line of {widest} columns");
    assert!(text.len() <= 16_000, "{} bytes", text.len());
    assert!(text.contains("Classes: 200 (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, …)"));
    assert!(text.contains("Showing 20 of 200 classes"), "{text}");
    assert!(text.contains("instead of the 200 × 200 matrix, its 20 largest off-diagonal cells"));
    assert!(text.contains("… and 190 more warnings of this kind (small_class)"));
    assert!(!text.contains("Most confused class pairs"));
    snapshot("many_classes.txt", &text);
    for lang in ["en", "ko"] {
        let md = run(&["--format", "md", "--lang", lang]);
        let lines = md.lines().count();
        assert!(lines <= 150, "{lang}: {lines} lines");
        assert!(md.len() <= 20_000, "{lang}: {} bytes", md.len());
        // One table row per shown class, per shown cell: 20 + 20 (+ headers, separators).
        let rows = md.lines().filter(|l| l.starts_with('|')).count();
        assert!(rows < 90, "{lang}: {rows} table rows");
    }
}

#[test]
fn json_of_200_classes_has_the_sparse_matrix_of_scikit_learn() {
    let doc: Value = serde_json::from_str(&run(&["--format", "json"])).expect("json");
    let spec: Value = serde_json::from_str(
        &std::fs::read_to_string(fixtures().join("parity/many_classes_logits.expected.json"))
            .expect("fixture"),
    )
    .expect("fixture json");
    let got = densify(&doc["confusion_matrix"]);
    // scikit-learn's confusion_matrix (its nonzero cells, committed by make_parity_fixtures.py).
    let want = densify(&spec["expected"]["confusion_matrix"]);
    assert_eq!(got, want);
    assert!(doc["confusion_matrix"].get("matrix").is_none());
    let total: u64 = got.iter().flatten().sum();
    assert_eq!(total, 400);
    // The full per-class table stays in the JSON, and its supports are the matrix's row sums.
    let per_class = doc["per_class"].as_array().expect("per_class");
    assert_eq!(per_class.len(), K);
    for (row, pc) in got.iter().zip(per_class) {
        assert_eq!(pc["support"].as_u64(), Some(row.iter().sum::<u64>()));
    }
    // Every warning stays in the JSON (200 small classes).
    let small = doc["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .filter(|w| w["code"] == "small_class")
        .count();
    assert_eq!(small, K);
}
