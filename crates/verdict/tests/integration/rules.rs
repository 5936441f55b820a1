//! `verdict rules check` end to end through the binary: seed 003's rules on its curve, seed 001's
//! early stopping on several history files, refusals of bad rules files and histories.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::verdict;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repository root")
}

fn json(args: &[&str]) -> Value {
    let (code, out, err) = verdict(&root(), args);
    assert_eq!(code, 0, "{args:?}: {err}");
    serde_json::from_str(&out).expect("JSON")
}

#[test]
fn seed_003s_rules_roll_back_at_the_second_fall_and_stop_on_the_loss() {
    let rep = json(&[
        "rules",
        "check",
        "examples/rules/rules.toml",
        "--history",
        "examples/rules/seed003_history.csv",
        "--format",
        "json",
    ]);
    let run = &rep["runs"][0];
    let decisions: Vec<(i64, &str, &str)> = run["decisions"]
        .as_array()
        .expect("decisions")
        .iter()
        .map(|d| {
            (
                d["step"].as_i64().expect("step"),
                d["action"].as_str().expect("action"),
                d["reason"].as_str().expect("reason"),
            )
        })
        .collect();
    assert_eq!(
        decisions,
        vec![
            (13, "rollback", "declined"),
            (14, "stop", "threshold_above"),
            (14, "reduce_lr", "plateau"),
        ]
    );
    assert_eq!(run["ended"]["step"], 13);
    assert_eq!(run["decision"], "rollback");
    assert_eq!(run["wasted"], 2);
    assert_eq!(run["best"]["step"], 11);
    assert_eq!(run["best"]["metric"], "val_r1");
    // Keras' float32 learning rate: f32(f32(1e-4) · 0.5).
    let want = f64::from((f64::from(1e-4_f32) * 0.5) as f32);
    assert_eq!(run["lr"].as_f64(), Some(want));
    assert_eq!(run["decisions"][0]["best_step"], 11);
    assert_eq!(
        run["decisions"][0]["observed"],
        serde_json::json!([0.8701, 0.8688, 0.8652])
    );
}

#[test]
fn several_histories_are_judged_as_runs() {
    let rep = json(&[
        "rules",
        "check",
        "examples/rules/seed001_rules.toml",
        "--history",
        "examples/rules/seed001/02-12-resnet18-no-x.csv",
        "examples/rules/seed001/02-18-deeplabv3-freeze.csv",
        "--format",
        "json",
    ]);
    let runs = rep["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 2);
    // best 5 of 12, patience 5: stops at 10, restores 5, 2 epochs wasted.
    assert_eq!(runs[0]["ended"]["step"], 10);
    assert_eq!(runs[0]["decisions"][0]["best_step"], 5);
    assert_eq!(runs[0]["wasted"], 2);
    // best 7 of 9: never stopped.
    assert_eq!(runs[1]["ended"], Value::Null);
    assert_eq!(runs[1]["decision"], "continue");
}

#[test]
fn bad_rules_and_histories_are_refused_with_where_and_what() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("rules.toml");
    std::fs::write(
        &bad,
        "[[rule]]\nkind = \"early_stopping\"\nmonitor = \"val_f1\"\nmode = \"max\"\npatince = 5\n",
    )
    .expect("write");
    let history = root().join("examples/rules/seed003_history.csv");
    let history = history.to_str().expect("utf-8");
    let (code, _, err) = verdict(
        dir.path(),
        &["rules", "check", "rules.toml", "--history", history],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("rules.toml:5: rule[0].patince: expected one of the keys"),
        "{err}"
    );
    std::fs::write(
        &bad,
        "[[rule]]\nkind = \"threshold\"\nmonitor = \"val_acc\"\nbelow = 0.5\n",
    )
    .expect("write");
    let (code, _, err) = verdict(
        dir.path(),
        &["rules", "check", "rules.toml", "--history", history],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains(
            "no column val_acc (a rule monitors it); the file has: val_loss, avg_triplets, val_r1"
        ),
        "{err}"
    );
    let (code, _, err) = verdict(
        dir.path(),
        &["rules", "check", "missing.toml", "--history", history],
    );
    assert_eq!(code, 2);
    assert!(err.contains("missing.toml"), "{err}");
}
