//! Whole-document snapshots of every `--format json` output (`tests/snapshots/*.json`): eval of a
//! binary and of a multi-class file, compare, retrieval, retrieval compare, the ledger's
//! `runs list` / `runs show` / `experiments list` / `experiments show`, and `check --history`.
//! The other tests check values against scikit-learn and friends; these fail on any renamed,
//! added, removed or reordered key, so a change to the documents of docs/eval-json.md,
//! docs/ledger.md and docs/checks.md is reviewed as a snapshot diff.
//!
//! Nothing is masked: every field that could vary is fixed by the input. Paths are relative
//! (each command runs in the directory of its files), bootstraps are seeded, the ledger holds
//! the committed FileStore fixture (its ids and times are the fixture's) and the `Default`
//! experiment, created "now" by the ledger, is filtered out. The documents do carry
//! `"tool": "verdict <version>"`, so a version bump updates them (`UPDATE_SNAPSHOTS=1`).

use crate::support::{fixtures, snapshot, verdict};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `verdict args` in `dir`, checks that it succeeds with one JSON document on stdout and
/// compares that document, byte for byte, with `tests/snapshots/<name>`.
fn json_snapshot(name: &str, dir: &Path, args: &[&str]) {
    let (code, out, err) = verdict(dir, args);
    assert_eq!(code, 0, "verdict {args:?} failed: {err}");
    serde_json::from_str::<serde_json::Value>(&out)
        .unwrap_or_else(|e| panic!("verdict {args:?}: not JSON ({e})"));
    snapshot(name, &out);
}

#[test]
fn eval_binary_json() {
    json_snapshot(
        "eval_binary.json",
        &root(),
        &[
            "eval",
            "examples/breast_cancer.csv",
            "--format",
            "json",
            "--bootstrap",
            "200",
            "--seed",
            "7",
            "--target-recall",
            "0.95",
            "--curve-points",
            "10",
        ],
    );
}

#[test]
fn eval_multiclass_json_with_slices_and_grouping() {
    json_snapshot(
        "eval_multiclass.json",
        &fixtures().join("parity"),
        &[
            "eval",
            "wine_nb.csv",
            "--format",
            "json",
            "--bootstrap",
            "100",
            "--seed",
            "7",
            "--group-classes",
            "not_1=1,2",
            "--by",
            "fold",
            "--curve-points",
            "10",
        ],
    );
}

/// The findings document of docs/checks.md, on the committed history (examples/checks/).
#[test]
fn check_history_json() {
    json_snapshot(
        "check_history.json",
        &root(),
        &[
            "check",
            "--history",
            "examples/checks/history.csv",
            "--format",
            "json",
        ],
    );
}

#[test]
fn compare_json() {
    json_snapshot(
        "compare.json",
        &root(),
        &[
            "compare",
            "examples/seed000/smile_baseline.csv",
            "examples/seed000/smile_finetuned.csv",
            "--format",
            "json",
            "--bootstrap",
            "200",
            "--seed",
            "7",
        ],
    );
}

#[test]
fn retrieval_json() {
    json_snapshot(
        "retrieval.json",
        &fixtures().join("retrieval"),
        &[
            "retrieval",
            "--query",
            "digits_emb.npy",
            "--query-labels",
            "digits_labels.csv",
            "--subset-col",
            "subset",
            "--k",
            "1,5",
            "--bootstrap",
            "200",
            "--seed",
            "3",
            "--format",
            "json",
        ],
    );
}

/// The digits embeddings against a weaker copy (half of the dimensions zeroed, as in the
/// Markdown snapshot); both files sit in one temp dir, so their names in the document are
/// relative and fixed.
#[test]
fn retrieval_compare_json() {
    let data = crate::retrieval::digits_embeddings();
    let (n, dim) = (1797, data.len() / 1797);
    let weaker: Vec<f32> = data
        .iter()
        .enumerate()
        .map(|(i, &x)| if i % dim >= dim / 2 { 0.0 } else { x })
        .collect();
    let tmp = tempfile::tempdir().expect("tmp");
    let rows: Vec<usize> = (0..n).collect();
    crate::retrieval::write_npy(&tmp.path().join("digits_emb.npy"), &data, dim, &rows);
    crate::retrieval::write_npy(&tmp.path().join("digits_half.npy"), &weaker, dim, &rows);
    std::fs::copy(
        fixtures().join("retrieval/digits_labels.csv"),
        tmp.path().join("digits_labels.csv"),
    )
    .expect("copy labels");
    json_snapshot(
        "retrieval_compare.json",
        tmp.path(),
        &[
            "retrieval",
            "compare",
            "--query",
            "digits_emb.npy",
            "--query-b",
            "digits_half.npy",
            "--query-labels",
            "digits_labels.csv",
            "--k",
            "1,5",
            "--bootstrap",
            "200",
            "--permutations",
            "199",
            "--seed",
            "3",
            "--format",
            "json",
        ],
    );
}

#[test]
fn ledger_lists_and_shows_json() {
    let (dir, _) = crate::ledger::imported();
    json_snapshot(
        "ledger_runs_list.json",
        dir.path(),
        &["runs", "list", "--all", "--format", "json"],
    );
    json_snapshot(
        "ledger_runs_show.json",
        dir.path(),
        &[
            "runs",
            "show",
            crate::ledger::BASELINE,
            "--history",
            "--format",
            "json",
        ],
    );
    json_snapshot(
        "ledger_experiments_show.json",
        dir.path(),
        &["experiments", "show", "ct-cnn", "--format", "json"],
    );
    json_snapshot(
        "ledger_experiments_list.json",
        dir.path(),
        &[
            "experiments",
            "list",
            "--all",
            "--filter",
            "name != 'Default'",
            "--format",
            "json",
        ],
    );
}
