//! `verdict check` through the binary: the committed history (examples/checks/history.csv) in
//! every format and language, the `--fail-on` gate's exit codes, the thresholds of a
//! `verdict.toml` (`--config`, and `./verdict.toml` by default) with their error messages, errors
//! exiting 2, and `check --run` (and `--experiment` with a config) on the imported fixture ledger
//! after `eval --run`.

use crate::ledger::{BASELINE, imported, json, ok};
use crate::support::verdict;
use serde_json::Value;
use std::path::{Path, PathBuf};

const HISTORY: &str = "examples/checks/history.csv";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repository root")
}

fn history() -> String {
    root().join(HISTORY).display().to_string()
}

/// The findings of a check document as `(check, status, evaluation)`.
fn findings(doc: &Value) -> Vec<(String, String, Option<String>)> {
    doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["check"].as_str().unwrap_or_default().to_string(),
                f["status"].as_str().unwrap_or_default().to_string(),
                f["evaluation"].as_str().map(String::from),
            )
        })
        .collect()
}

#[test]
fn history_in_every_format_and_language() {
    let r = root();
    let text = ok(&r, &["check", "--history", HISTORY]);
    assert!(
        text.starts_with(
            "Checks of the history examples/checks/history.csv\nCurve: val_loss (min), training curve loss\n"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "info  overfitting: Overfitting mild: val_loss is best at epoch 5/12 (step 4: 0.4750) \
             and ends at 0.5840, 22.9% worse; 7 epochs after the best while loss kept improving."
        ),
        "{text}"
    );
    assert!(
        text.ends_with("\n0 fail, 0 warn, 1 info, 0 pass\n"),
        "{text}"
    );
    let ko = ok(&r, &["check", "--history", HISTORY, "--lang", "ko"]);
    assert!(
        ko.starts_with("학습 기록 examples/checks/history.csv 점검\n"),
        "{ko}"
    );
    assert!(ko.contains("정보    overfitting: 과적합 경미:"), "{ko}");
    assert!(ko.ends_with("실패 0, 경고 0, 정보 1, 통과 0\n"), "{ko}");
    let md = ok(&r, &["check", "--history", HISTORY, "--format", "md"]);
    assert!(
        md.contains("| status | check | finding | what to do |\n")
            && md.contains("| info | `overfitting` | Overfitting mild:"),
        "{md}"
    );
    let md_ko = ok(
        &r,
        &[
            "check",
            "--history",
            HISTORY,
            "--format",
            "md",
            "--lang",
            "ko",
        ],
    );
    assert!(
        md_ko.starts_with("# 학습 기록 examples/checks/history.csv 점검\n")
            && md_ko.contains("| 상태 | 점검 | 내용 | 조치 |\n")
            && md_ko.contains("| 정보 | `overfitting` | 과적합 경미:"),
        "{md_ko}"
    );
    let doc = json(&r, &["check", "--history", HISTORY, "--format", "json"]);
    let o = &doc["curve"]["overfitting"];
    assert_eq!(o["severity"], "mild");
    assert_eq!(
        (o["best_epoch"].as_u64(), o["epochs"].as_u64()),
        (Some(5), Some(12))
    );
    assert_eq!(
        (o["best"].as_f64(), o["last"].as_f64()),
        (Some(0.475), Some(0.584))
    );
    assert_eq!(doc["summary"]["worst"], "info");
    // The JSON carries both languages whatever --lang says.
    let f = &doc["findings"][0];
    assert!(
        f["message"]["ko"]
            .as_str()
            .is_some_and(|m| m.starts_with("과적합 경미"))
    );
    assert_eq!(f["rule"]["mild"], 0.05);
}

#[test]
fn fail_on_exits_1_when_a_finding_reaches_the_status() {
    let r = root();
    let strict = "examples/checks/verdict.toml";
    let code = |args: &[&str]| {
        let mut all = vec!["check", "--history", HISTORY];
        all.extend_from_slice(args);
        let (code, out, err) = verdict(&r, &all);
        assert!(err.is_empty(), "{all:?}: {err}");
        // The report is printed whatever the gate says.
        assert!(out.contains("overfitting"), "{all:?}: {out}");
        code
    };
    // Default rules: `mild` is information.
    assert_eq!(code(&[]), 0);
    assert_eq!(code(&["--fail-on", "warn"]), 0);
    assert_eq!(code(&["--fail-on", "fail"]), 0);
    // The stricter config makes it `moderate`, a warning.
    assert_eq!(code(&["--config", strict]), 0);
    assert_eq!(code(&["--config", strict, "--fail-on", "warn"]), 1);
    assert_eq!(code(&["--config", strict, "--fail-on", "fail"]), 0);
    // A loss that never falls is a failed training: `fail`.
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join("flat.csv"),
        "epoch,loss,val_loss\n0,0.7,0.7\n1,0.71,0.72\n2,0.72,0.75\n",
    )
    .expect("write");
    let run = |args: &[&str]| {
        let mut all = vec!["check", "--history", "flat.csv"];
        all.extend_from_slice(args);
        verdict(dir.path(), &all)
    };
    let (c, out, _) = run(&["--fail-on", "fail"]);
    assert_eq!(c, 1, "{out}");
    assert!(
        out.contains(
            "FAIL  training_failed: Training failed: loss never went below its first value 0.7000"
        ),
        "{out}"
    );
    assert_eq!(run(&["--fail-on", "warn"]).0, 1);
    assert_eq!(run(&[]).0, 0);
}

#[test]
fn a_config_changes_the_thresholds() {
    let dir = tempfile::tempdir().expect("tmp");
    let h = history();
    let severity = |dir: &Path, args: &[&str]| {
        let mut all = vec!["check", "--history", &h, "--format", "json"];
        all.extend_from_slice(args);
        let doc = json(dir, &all);
        (
            doc["curve"]["overfitting"]["severity"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            doc["findings"][0]["status"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            doc["findings"][0]["rule"]["mild"].as_f64(),
        )
    };
    assert_eq!(
        severity(dir.path(), &[]),
        ("mild".into(), "info".into(), Some(0.05))
    );
    // ./verdict.toml is read without --config: r = 22.9% is below the new `mild`.
    std::fs::write(
        dir.path().join("verdict.toml"),
        "[checks]\noverfit_mild = 0.3\noverfit_moderate = 0.4\n",
    )
    .expect("write");
    assert_eq!(
        severity(dir.path(), &[]),
        ("none".into(), "pass".into(), Some(0.3))
    );
    // --config wins over ./verdict.toml.
    let strict = root().join("examples/checks/verdict.toml");
    let strict = strict.display().to_string();
    assert_eq!(
        severity(dir.path(), &["--config", &strict]),
        ("moderate".into(), "warn".into(), Some(0.02))
    );
    // The other rules' keys reach their findings' `rule`.
    std::fs::write(
        dir.path().join("verdict.toml"),
        "[checks]\nchance_gap = 0.4\nloss_below = 0.5\nscore_at_least = 0.99\n",
    )
    .expect("write");
    let doc = json(dir.path(), &["check", "--history", &h, "--format", "json"]);
    let implausible = doc["findings"]
        .as_array()
        .and_then(|a| a.iter().find(|f| f["check"] == "implausible_validation"))
        .expect("a best loss of 0.475 < 0.5 is implausible under loss_below = 0.5");
    assert_eq!(implausible["rule"]["loss_below"], 0.5);
    assert_eq!(implausible["rule"]["score_at_least"], 0.99);
}

#[test]
fn config_errors_exit_2_naming_the_file_line_and_key() {
    let dir = tempfile::tempdir().expect("tmp");
    let h = history();
    let cases = [
        (
            "[checks]\noverfit_mild = -1\n",
            "error: verdict.toml:2: checks.overfit_mild: expected a number at least 0, found -1\n",
        ),
        (
            "[checks]\noverfit_mild = 0.3\n",
            "error: verdict.toml:2: checks.overfit_mild: expected a number below \
             checks.overfit_moderate (0.25, the default), found 0.3\n",
        ),
        (
            "# ours\n[checks]\nearly_share = 0\n",
            "error: verdict.toml:3: checks.early_share: expected a number in (0, 1], found 0\n",
        ),
        (
            "[checks]\nearly_min_epochs = \"4\"\n",
            "error: verdict.toml:2: checks.early_min_epochs: expected a whole number of epochs, \
             at least 1, found a string, \"4\"\n",
        ),
        (
            "[checks]\noverfitting = 0.1\n",
            "error: verdict.toml:2: checks.overfitting: expected one of the keys overfit_mild, \
             overfit_moderate, overfit_severe, overfit_extreme, early_share, early_min_epochs, \
             chance_gap, loss_below, score_at_least, found an unknown key `overfitting`\n",
        ),
        (
            "[thresholds]\n",
            "error: verdict.toml:1: thresholds: expected only the tables [checks] and [rules], found \
             `thresholds`\n",
        ),
        (
            "[checks]\nchance_gap = \n",
            "error: verdict.toml:2:14: not valid TOML: string values must be quoted, expected \
             literal string\n",
        ),
    ];
    for (text, want) in cases {
        std::fs::write(dir.path().join("verdict.toml"), text).expect("write");
        // Read by default and through --config alike.
        for args in [vec![], vec!["--config", "verdict.toml"]] {
            let mut all = vec!["check", "--history", &h];
            all.extend(args);
            let (code, out, err) = verdict(dir.path(), &all);
            assert_eq!(code, 2, "{text:?}: {out}");
            assert_eq!(err, want, "{text:?}");
            assert!(out.is_empty(), "{out}");
        }
    }
    let (code, _, err) = verdict(
        dir.path(),
        &["check", "--history", &h, "--config", "no.toml"],
    );
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "error: no.toml: No such file or directory (os error 2)\n"
    );
}

#[test]
fn errors_exit_2_with_the_file_and_what_was_expected() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    std::fs::write(d.join("bad.csv"), "epoch,val_loss\n0,0.5\nx,0.4\n").expect("write");
    std::fs::write(
        d.join("h.csv"),
        "epoch,loss,val_loss,kappa\n0,1,0.9,0.5\n1,0.8,0.7,0.6\n",
    )
    .expect("write");
    let cases: [(&[&str], &str); 5] = [
        (&["check", "--history", "missing.csv"], "missing.csv"),
        (
            &["check", "--history", "bad.csv"],
            "error: bad.csv:3: column \"epoch\": expected a number (the step of each row), found \"x\"\n",
        ),
        (
            &["check", "--history", "h.csv", "--val-metric", "val_f1"],
            "--val-metric val_f1: no such metric; it has: loss, val_loss, kappa",
        ),
        (
            &["check", "--history", "h.csv", "--val-metric", "kappa"],
            "--val-metric kappa: its direction is not clear from the name; give --mode min|max",
        ),
        (
            &["check", "--history", "h.csv", "--pair", "val_loss"],
            "--pair expects VAL=TEST (e.g. val_f1=f1_macro), got `val_loss`",
        ),
    ];
    for (args, want) in cases {
        let (code, out, err) = verdict(d, args);
        assert_eq!(code, 2, "{args:?}: {out}");
        assert!(
            err.starts_with("error: ") && err.contains(want),
            "{args:?}: {err}"
        );
        assert!(out.is_empty(), "{args:?}: {out}");
    }
}

/// `eval --run` stores an evaluation (and its predictions) in the fixture's baseline run; `check
/// --run` then judges the run's `val_f1` against the stored test `f1` and lists the evaluation's
/// own findings (80 rows: `small_eval_set`).
#[test]
fn run_checks_read_the_stored_evaluation() {
    let (dir, _) = imported();
    let d = dir.path();
    let smile = root().join("examples/seed000/smile_baseline.csv");
    let smile = smile.display().to_string();
    let _ = json(
        d,
        &[
            "eval",
            &smile,
            "--bootstrap",
            "200",
            "--run",
            BASELINE,
            "--eval-name",
            "test",
            "--format",
            "json",
        ],
    );
    let doc = json(d, &["check", "--run", BASELINE, "--format", "json"]);
    assert_eq!(doc["subject"]["run_id"], BASELINE);
    assert_eq!(doc["curve"]["val"], "val_f1");
    let found = findings(&doc);
    let gap = doc["findings"]
        .as_array()
        .and_then(|a| a.iter().find(|f| f["check"] == "val_test_gap"))
        .unwrap_or_else(|| panic!("no val_test_gap: {found:?}"));
    assert_eq!(gap["evaluation"], "test");
    assert_eq!(gap["observed"]["val_metric"], "val_f1");
    assert_eq!(gap["observed"]["test_metric"], "f1");
    assert_eq!(gap["observed"]["val"], 0.82);
    let (lo, hi) = (
        gap["observed"]["ci_low"].as_f64().unwrap_or(f64::NAN),
        gap["observed"]["ci_high"].as_f64().unwrap_or(f64::NAN),
    );
    let outside = !(lo <= 0.82 && 0.82 <= hi);
    assert_eq!(gap["observed"]["gap"], if outside { "yes" } else { "no" });
    assert_eq!(gap["status"], if outside { "warn" } else { "pass" });
    assert!(
        found.contains(&("small_eval_set".into(), "warn".into(), Some("test".into()))),
        "{found:?}"
    );
    let text = ok(d, &["check", "--run", BASELINE]);
    assert!(
        text.starts_with(&format!("Checks of run {BASELINE} (")),
        "{text}"
    );
    assert!(text.contains("val_test_gap [test]: "), "{text}");
    assert!(
        text.contains("warn  small_eval_set [test]: The eval set is small (n = 80 < 100)"),
        "{text}"
    );
    // The thresholds of ./verdict.toml reach the experiment mode's run checks too: both runs'
    // best val_f1 (0.82, 0.91) are implausible under score_at_least = 0.8.
    let experiment = |d: &Path| {
        let doc = json(d, &["check", "--experiment", "ct-cnn", "--format", "json"]);
        let mut runs: Vec<String> = doc["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["check"] == "implausible_validation")
            .map(|f| {
                assert_eq!(f["rule"]["score_at_least"], 0.8);
                f["run_id"].as_str().unwrap_or_default().to_string()
            })
            .collect();
        runs.sort();
        runs
    };
    // The experiment report as a page (the overfitting table, the findings), in Korean.
    let html = ok(
        d,
        &[
            "check",
            "--experiment",
            "ct-cnn",
            "--format",
            "html",
            "--lang",
            "ko",
        ],
    );
    verdict_testkit::assert_self_contained_html(&html);
    assert!(html.contains("<h2>과적합</h2>"), "{html}");
    assert!(html.contains("<h2>발견 사항</h2>"), "{html}");
    let md = ok(
        d,
        &[
            "check",
            "--experiment",
            "ct-cnn",
            "--format",
            "md",
            "--lang",
            "ko",
        ],
    );
    assert_eq!(
        html.matches("<table>").count(),
        md.matches("\n| ---").count() + usize::from(md.starts_with("| ---")),
    );
    let html = ok(d, &["check", "--run", BASELINE, "--format", "html"]);
    verdict_testkit::assert_self_contained_html(&html);
    assert!(
        html.contains("<code>small_eval_set [test]</code>"),
        "{html}"
    );
    std::fs::write(d.join("verdict.toml"), "[checks]\nscore_at_least = 0.8\n").expect("write");
    assert_eq!(experiment(d).len(), 2);
    std::fs::remove_file(d.join("verdict.toml")).expect("remove");
    assert!(experiment(d).is_empty());
    // A run that does not exist is an error naming it.
    let (code, _, err) = verdict(d, &["check", "--run", "nope"]);
    assert_eq!(code, 2);
    assert!(err.contains("check --run nope"), "{err}");
}
