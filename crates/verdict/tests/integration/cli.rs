//! The command line end to end: reports (snapshots), determinism, groups, and error messages.

use crate::support::{fixtures, snapshot, verdict};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let (code, out, err) = verdict(dir, args);
    assert_eq!(code, 0, "verdict {args:?} failed: {err}");
    out
}

fn json(dir: &Path, args: &[&str]) -> Value {
    serde_json::from_str(&ok(dir, args)).expect("JSON output")
}

#[test]
fn markdown_report_in_english_and_korean() {
    for lang in ["en", "ko"] {
        let out = ok(
            &root(),
            &[
                "eval",
                "examples/breast_cancer.csv",
                "--format",
                "md",
                "--lang",
                lang,
                "--bootstrap",
                "200",
                "--seed",
                "7",
                "--target-recall",
                "0.95",
            ],
        );
        snapshot(&format!("breast_cancer.{lang}.md"), &out);
    }
}

/// The same evaluation as one HTML file: the Markdown report's content, the plots inlined, in
/// the report's language, loading nothing.
#[test]
fn html_report_in_english_and_korean() {
    for lang in ["en", "ko"] {
        let out = ok(
            &root(),
            &[
                "eval",
                "examples/breast_cancer.csv",
                "--format",
                "html",
                "--lang",
                lang,
                "--bootstrap",
                "200",
                "--seed",
                "7",
                "--target-recall",
                "0.95",
            ],
        );
        verdict_testkit::assert_self_contained_html(&out);
        assert!(out.starts_with(&format!("<!DOCTYPE html>\n<html lang=\"{lang}\">")));
        // The ROC, precision-recall and reliability plots, inline.
        assert_eq!(out.matches("<figure>\n<svg ").count(), 3, "{out}");
        snapshot(&format!("breast_cancer.{lang}.html"), &out);
    }
    // `verdict check` on a history: its findings as a page.
    let html = ok(
        &root(),
        &[
            "check",
            "--history",
            "examples/rules/seed003_history.csv",
            "--format",
            "html",
            "--lang",
            "ko",
        ],
    );
    verdict_testkit::assert_self_contained_html(&html);
    assert!(html.contains("<h2>발견 사항</h2>"), "{html}");
    // A report without an HTML layout yet refuses the format, and says what to use instead.
    let (code, _, err) = verdict(
        &root(),
        &[
            "rules",
            "check",
            "examples/rules/rules.toml",
            "--history",
            "examples/rules/seed003_history.csv",
            "--format",
            "html",
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("--format html is not available for `verdict rules check` yet"),
        "{err}"
    );
}

#[test]
fn terminal_report_for_a_multiclass_file_with_slices_and_grouping() {
    let out = ok(
        &fixtures().join("parity"),
        &[
            "eval",
            "wine_nb.csv",
            "--bootstrap",
            "100",
            "--group-classes",
            "not_1=1,2",
            "--by",
            "fold",
            "--no-color",
        ],
    );
    snapshot("wine_nb.txt", &out);
}

#[test]
fn bootstrap_is_reproducible_and_independent_of_thread_count() {
    let dir = fixtures().join("parity");
    let run = |threads: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_verdict"))
            .args([
                "eval",
                "digits_lr.csv",
                "--format",
                "json",
                "--bootstrap",
                "300",
                "--seed",
                "3",
            ])
            .current_dir(&dir)
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .expect("run");
        assert!(out.status.success());
        out.stdout
    };
    let one = run("1");
    assert_eq!(one, run("2"));
    assert_eq!(one, run("1"));
    let doc: Value = serde_json::from_slice(&one).expect("json");
    let m = &doc["metrics"]["accuracy"];
    let (v, lo, hi) = (
        m["value"].as_f64(),
        m["ci_low"].as_f64(),
        m["ci_high"].as_f64(),
    );
    assert!(lo < v && v < hi, "{m}");
    assert_eq!(doc["bootstrap"]["unit"], "sample");
    assert_eq!(doc["bootstrap"]["replicates"], 300);
}

#[test]
fn a_group_column_makes_the_bootstrap_resample_groups() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut csv = String::from("id,battery_id,label,score\n");
    for i in 0..400 {
        let g = i / 40; // 10 batteries of 40 slices
        let y = (i * 7 + g) % 2;
        let s = if (i * 13) % 10 < 7 {
            0.25 + 0.5 * y as f64
        } else {
            0.75 - 0.5 * y as f64
        };
        csv.push_str(&format!("s{i},b{g},{y},{s}\n"));
    }
    std::fs::write(dir.path().join("p.csv"), csv).expect("write");
    let doc = json(
        dir.path(),
        &[
            "eval",
            "p.csv",
            "--group-col",
            "battery_id",
            "--format",
            "json",
            "--bootstrap",
            "200",
        ],
    );
    assert_eq!(doc["groups"]["column"], "battery_id");
    assert_eq!(doc["groups"]["count"], 10);
    assert_eq!(doc["bootstrap"]["unit"], "group");
    assert_eq!(doc["bootstrap"]["units"], 10);
    assert!(
        doc["warnings"]
            .as_array()
            .expect("warnings")
            .iter()
            .any(|w| w["code"] == "few_groups")
    );
    // Without the group column the same rows are 400 independent samples.
    let plain = json(
        dir.path(),
        &[
            "eval",
            "p.csv",
            "--group-col",
            "none",
            "--format",
            "json",
            "--bootstrap",
            "200",
        ],
    );
    assert_eq!(plain["bootstrap"]["units"], 400);
    assert_eq!(plain["groups"], Value::Null);
}

#[test]
fn warnings_reach_every_format() {
    let dir = tempfile::tempdir().expect("tmp");
    // Seed 000's baseline: 80 sequences, confusion [[22, 18], [10, 30]].
    let mut csv = String::from("label,score\n");
    for i in 0..40 {
        csv.push_str(&format!("0,{}\n", if i < 22 { 0.2 } else { 0.8 }));
    }
    for i in 0..40 {
        csv.push_str(&format!("1,{}\n", if i < 30 { 0.9 } else { 0.1 }));
    }
    std::fs::write(dir.path().join("ab.csv"), csv).expect("write");
    let doc = json(
        dir.path(),
        &["eval", "ab.csv", "--format", "json", "--bootstrap", "0"],
    );
    assert_eq!(
        doc["confusion_matrix"]["matrix"],
        serde_json::json!([[22, 18], [10, 30]])
    );
    let codes: Vec<&str> = doc["warnings"]
        .as_array()
        .expect("w")
        .iter()
        .filter_map(|w| w["code"].as_str())
        .collect();
    assert!(codes.contains(&"small_eval_set"), "{codes:?}");
    let md = ok(
        dir.path(),
        &[
            "eval",
            "ab.csv",
            "--format",
            "md",
            "--lang",
            "ko",
            "--bootstrap",
            "0",
        ],
    );
    assert!(md.contains("평가 데이터가 작습니다 (n = 80 < 100)"), "{md}");
    let text = ok(dir.path(), &["eval", "ab.csv", "--bootstrap", "0"]);
    assert!(
        text.contains("The eval set is small (n = 80 < 100)"),
        "{text}"
    );
}

/// Every error names the file, the line and the column, and exits with 2.
#[test]
fn bad_input_errors_name_file_line_and_column() {
    let dir = tempfile::tempdir().expect("tmp");
    let cases: [(&str, &str, &str); 6] = [
        (
            "bad_number.csv",
            "label,score\n1,0.9\n0,abc\n",
            "bad_number.csv:3: column \"score\": expected a score (a number), found \"abc\"",
        ),
        (
            "nan.csv",
            "label,score\n1,0.9\n0,nan\n",
            "nan.csv:3: column \"score\": expected a score (a finite number), found nan",
        ),
        ("missing.csv", "label,prob\n1,0.9\n", "missing.csv: missing"),
        (
            "sum.csv",
            "label,prob_a,prob_b,prob_c\na,0.5,0.2,0.2\n",
            "sum.csv:2: column \"prob_*\": expected probabilities summing to 1",
        ),
        (
            "dup.csv",
            "id,label,score\nx,1,0.9\nx,0,0.1\n",
            "dup.csv:3: column \"id\": expected unique ids, found \"x\" again (first at line 2)",
        ),
        (
            "empty.csv",
            "label,score\n",
            "empty.csv: no rows to evaluate",
        ),
    ];
    for (name, content, want) in cases {
        std::fs::write(dir.path().join(name), content).expect("write");
        let (code, out, err) = verdict(dir.path(), &["eval", name]);
        assert_eq!(code, 2, "{name}: exit code; stdout {out}");
        assert!(err.contains(want), "{name}: stderr {err:?} lacks {want:?}");
        assert!(out.is_empty(), "{name}: nothing on stdout on error");
    }
    let (code, _, err) = verdict(dir.path(), &["eval", "nope.csv"]);
    assert_eq!(code, 2);
    assert!(err.contains("nope.csv"), "{err}");
    // --normalize accepts the row that does not sum to 1.
    let (code, _, err) = verdict(
        dir.path(),
        &["eval", "sum.csv", "--normalize", "--bootstrap", "0"],
    );
    assert_eq!(code, 0, "{err}");
    // Bad flags are explained too.
    let (code, _, err) = verdict(dir.path(), &["eval", "dup.csv", "--ci", "1.5"]);
    assert_eq!(code, 2);
    assert!(err.contains("--ci must be between 0 and 1"), "{err}");
    let (code, _, err) = verdict(
        &fixtures().join("parity"),
        &["eval", "wine_nb.csv", "--group-classes", "x=1,9"],
    );
    assert_eq!(code, 2);
    assert!(err.contains("class `9` is not among the classes"), "{err}");
}

#[test]
fn parquet_and_jsonl_inputs_give_the_same_numbers_as_csv() {
    let dir = fixtures().join("parity");
    let csv = json(
        &dir,
        &[
            "eval",
            "breast_cancer_lr.csv",
            "--format",
            "json",
            "--bootstrap",
            "0",
        ],
    );
    let parquet = json(
        &dir,
        &[
            "eval",
            "breast_cancer_nb.parquet",
            "--format",
            "json",
            "--bootstrap",
            "0",
        ],
    );
    assert_eq!(csv["n"], parquet["n"]);
    assert_eq!(
        csv["fingerprint"], parquet["fingerprint"],
        "same ids and labels → same eval set"
    );
    let strings = json(
        &dir,
        &[
            "eval",
            "breast_cancer_rf_strings.jsonl",
            "--format",
            "json",
            "--bootstrap",
            "0",
        ],
    );
    assert_ne!(
        csv["fingerprint"], strings["fingerprint"],
        "different label names → different eval set"
    );
}

/// `--positive` flips the problem: recall of class 0 is the specificity of class 1, and the AUC of
/// the complementary score is unchanged.
#[test]
fn positive_class_can_be_chosen() {
    let dir = fixtures().join("parity");
    let one = json(
        &dir,
        &[
            "eval",
            "breast_cancer_tree_pred.csv",
            "--format",
            "json",
            "--bootstrap",
            "0",
        ],
    );
    let zero = json(
        &dir,
        &[
            "eval",
            "breast_cancer_tree_pred.csv",
            "--format",
            "json",
            "--bootstrap",
            "0",
            "--positive",
            "0",
        ],
    );
    assert_eq!(one["positive"], "1");
    assert_eq!(zero["positive"], "0");
    assert_eq!(
        zero["metrics"]["recall"]["value"],
        one["metrics"]["specificity"]["value"]
    );
    assert_eq!(
        zero["metrics"]["accuracy"]["value"],
        one["metrics"]["accuracy"]["value"]
    );
    let (code, _, err) = verdict(&dir, &["eval", "wine_nb.csv", "--positive", "0"]);
    assert_eq!(code, 2, "--positive on a multi-class task is an error");
    assert!(err.contains("positive"), "{err}");
}

/// Seed 000 reconstructed: the comparison report (Korean), its plots and JSON in --out-dir.
#[test]
fn compare_writes_a_report_with_plots() {
    let out = tempfile::tempdir().expect("tmp");
    let dir = out.path().join("report");
    let dir_s = dir.to_string_lossy().into_owned();
    let md = ok(
        &root(),
        &[
            "compare",
            "examples/seed000/smile_baseline.csv",
            "examples/seed000/smile_finetuned.csv",
            "--bootstrap",
            "300",
            "--seed",
            "5",
            "--format",
            "md",
            "--lang",
            "ko",
            "--out-dir",
            &dir_s,
        ],
    );
    snapshot("smile_compare.ko.md", &md);
    assert!(md.contains("α = 0.05에서 유의한 차이 없음"), "{md}");
    // The plot links are titled in the report's language (they were English before).
    assert!(
        md.contains("- ![ROC 곡선](roc.svg)\n- ![정밀도-재현율 곡선](pr.svg)\n"),
        "{md}"
    );
    for f in [
        "report.md",
        "report.html",
        "roc.svg",
        "pr.svg",
        "compare.json",
    ] {
        assert!(dir.join(f).is_file(), "{f} not written");
    }
    let html = std::fs::read_to_string(dir.join("report.html")).expect("html");
    verdict_testkit::assert_self_contained_html(&html);
    assert!(html.contains("α = 0.05에서 유의한 차이 없음"));
    snapshot("smile_compare.ko.html", &html);
    let roc = std::fs::read_to_string(dir.join("roc.svg")).expect("roc");
    assert!(
        roc.starts_with("<svg") && roc.contains("smile_finetuned"),
        "{}",
        &roc[..200.min(roc.len())]
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("report.md")).expect("md"),
        md
    );
}

#[test]
fn compare_options_permutation_validation_thresholds_and_baseline() {
    let dir = fixtures().join("compare");
    let doc = json(
        &dir,
        &[
            "compare",
            "bc_lr.csv",
            "bc_nb.csv",
            "bc_rf.csv",
            "--format",
            "json",
            "--bootstrap",
            "200",
            "--permutation",
            "199",
            "--baseline",
            "bc_nb",
            "--val",
            "bc_lr.csv",
            "--val",
            "bc_nb.csv",
            "--val",
            "bc_rf.csv",
        ],
    );
    assert_eq!(doc["baseline"], "bc_nb");
    let comps = doc["comparisons"].as_array().expect("comparisons");
    assert_eq!(comps.len(), 2);
    for c in comps {
        assert_eq!(c["a"], "bc_nb");
        let p = c["tests"]["permutation"]["p_value"]
            .as_f64()
            .expect("permutation p");
        assert!((0.0..=1.0).contains(&p) && p >= 1.0 / 200.0, "{p}");
        assert!(
            c["p_holm"].as_f64() >= c["p_value"].as_f64(),
            "Holm never lowers a p-value"
        );
        let v = c["verdict"].as_str().expect("verdict");
        assert!(v.contains("(DeLong; Holm-adjusted"), "{v}");
    }
    let ts = doc["thresholds"].as_array().expect("thresholds");
    assert!(ts.iter().all(|t| t["chosen_on"] == "validation"));
    assert!(
        !doc["warnings"]
            .as_array()
            .expect("w")
            .iter()
            .any(|w| w["code"] == "threshold_chosen_on_test")
    );
    // Without --val the thresholds are chosen on the test set, and the output says so.
    let doc = json(
        &dir,
        &[
            "compare",
            "bc_lr.csv",
            "bc_nb.csv",
            "--format",
            "json",
            "--bootstrap",
            "0",
        ],
    );
    assert!(
        doc["warnings"]
            .as_array()
            .expect("w")
            .iter()
            .any(|w| w["code"] == "threshold_chosen_on_test")
    );
    // Multi-class: the headline is accuracy through McNemar's exact test.
    let doc = json(
        &dir,
        &[
            "compare",
            "digits_lr.csv",
            "digits_nb.csv",
            "--format",
            "json",
            "--bootstrap",
            "100",
        ],
    );
    assert_eq!(doc["metric"], "accuracy");
    assert_eq!(doc["comparisons"][0]["headline_test"], "McNemar");
    assert_eq!(doc["comparisons"][0]["significant"], true);
    // Bad flags.
    let (code, _, err) = verdict(
        &dir,
        &["compare", "bc_lr.csv", "bc_nb.csv", "--metric", "nope"],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("metric `nope` is not available") && err.contains("roc_auc"),
        "{err}"
    );
    let (code, _, err) = verdict(
        &dir,
        &["compare", "bc_lr.csv", "bc_nb.csv", "--val", "bc_lr.csv"],
    );
    assert_eq!(code, 2);
    assert!(err.contains("one validation file per model"), "{err}");
}
