//! `verdict splits check|diff` end to end on the bundled manifests (examples/splits): the checks'
//! findings and the CI gate, the JSON document (a whole-document snapshot), the diff, ids of two
//! types refused, and the splits recorded with a run (dataset inputs, tags) and compared by
//! `verdict eval --run`.

use crate::ledger::{BASELINE, imported, json, ok};
use crate::support::{snapshot, verdict};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn example(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/splits")
        .join(name)
        .display()
        .to_string()
}

fn check_args(extra: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = vec!["splits".into(), "check".into()];
    v.extend(["train.csv", "val.csv", "test.csv"].map(example));
    v.extend(["--group-col", "battery_id", "--meta", "axis"].map(String::from));
    v.extend(extra.iter().map(|s| (*s).to_string()));
    v
}

fn run(dir: &Path, args: &[String]) -> (i32, String, String) {
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    verdict(dir, &a)
}

#[test]
fn the_bundled_splits_show_the_leak_the_shortcut_and_the_mismatch() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, out, err) = run(dir.path(), &check_args(&["--format", "json"]));
    assert_eq!(code, 0, "{err}");
    let doc: Value = serde_json::from_str(&out).expect("json");
    let checks: Vec<(&str, &str)> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["check"].as_str().unwrap_or(""),
                f["status"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert!(checks.contains(&("group_leakage", "fail")), "{checks:?}");
    assert!(
        checks.contains(&("metadata_shortcut", "warn")),
        "{checks:?}"
    );
    assert!(
        checks.contains(&("condition_mismatch", "warn")),
        "{checks:?}"
    );
    let leak = doc["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|f| f["check"] == "group_leakage")
        .expect("leak");
    assert!(
        leak["message"]["en"].as_str().unwrap_or("").contains("b05"),
        "{leak}"
    );
    // Splits named by file, contexts by MLflow's words, fingerprints as verdict eval's.
    let names: Vec<(&str, &str)> = doc["splits"]
        .as_array()
        .expect("splits")
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap_or(""),
                s["context"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("train", "training"),
            ("val", "validation"),
            ("test", "testing")
        ]
    );
    // The whole document, sources made relative.
    let stable = out.replace(&example(""), "examples/splits/");
    snapshot("splits_check.json", &stable);
    // The CI gate: the leak is a `fail`.
    let (code, _, _) = run(dir.path(), &check_args(&["--fail-on", "fail", "-q"]));
    assert_eq!(code, 1);
    // Text and Markdown in both languages name the leaked battery.
    for extra in [
        vec!["--format", "text"],
        vec!["--format", "md", "--lang", "ko"],
    ] {
        let (code, out, err) = run(dir.path(), &check_args(&extra));
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("b05"), "{out}");
    }
}

#[test]
fn a_diff_says_what_changed_and_that_results_are_not_comparable() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let old = example("val.csv");
    // The same split with one label changed and one sample added.
    let text = std::fs::read_to_string(&old).expect("read");
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let fields: Vec<String> = lines[1].split(',').map(str::to_owned).collect();
    let other = if fields[1] == "crack" {
        "dent"
    } else {
        "crack"
    };
    lines[1] = format!("{},{other},{},{}", fields[0], fields[2], fields[3]);
    lines.push("val-b99-0,normal,b99,x".into());
    let new = d.join("val_new.csv");
    std::fs::write(&new, lines.join("\n") + "\n").expect("write");
    let new = new.display().to_string();
    let diff = |format: &str| {
        ok(
            d,
            &[
                "splits",
                "diff",
                &old,
                &new,
                "--group-col",
                "battery_id",
                "--format",
                format,
            ],
        )
    };
    let doc: Value = serde_json::from_str(&diff("json")).expect("json");
    assert_eq!(doc["identical"], false);
    assert_eq!(doc["added"]["count"], 1);
    assert_eq!(doc["added"]["first"][0], "val-b99-0");
    assert_eq!(doc["relabelled"]["count"], 1);
    assert_eq!(doc["relabelled"]["first"][0]["new"], other);
    assert_ne!(doc["old"]["fingerprint"], doc["new"]["fingerprint"]);
    let text = diff("text");
    assert!(text.contains("not comparable"), "{text}");
    let same = ok(d, &["splits", "diff", &old, &old]);
    assert!(same.contains("comparable."), "{same}");
    let html = diff("html");
    verdict_testkit::assert_self_contained_html(&html);
    assert!(html.contains("<li>relabelled: 1 ("), "{html}");
    assert!(html.contains("not comparable"), "{html}");
}

/// The splits report as a page: the same tables, the findings with what to do about them.
#[test]
fn the_splits_report_as_html() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, md, err) = run(dir.path(), &check_args(&["--format", "md", "--lang", "ko"]));
    assert_eq!(code, 0, "{err}");
    let (code, html, err) = run(
        dir.path(),
        &check_args(&["--format", "html", "--lang", "ko"]),
    );
    assert_eq!(code, 0, "{err}");
    verdict_testkit::assert_self_contained_html(&html);
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"ko\">"));
    assert!(html.contains("<title>분할 점검</title>"), "{html}");
    // As many tables as the Markdown report, and every finding of it.
    assert_eq!(
        html.matches("<table>").count(),
        md.matches("\n|---").count() + md.matches("\n| ---").count(),
        "{md}"
    );
    let items = md.lines().filter(|l| l.starts_with("- ")).count();
    assert!(items > 0);
    assert!(html.matches("<li>").count() >= items, "{html}");
    // The hints the terminal shows are in the page too.
    assert!(html.contains("<li>→ "), "{html}");
}

#[test]
fn ids_of_two_types_are_refused_with_the_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::write(d.join("a.csv"), "id,label\n1,x\n2,y\n").expect("write");
    std::fs::write(d.join("b.csv"), "id,label\nr1,x\nr2,y\n").expect("write");
    let (code, _, err) = verdict(d, &["splits", "check", "a.csv", "b.csv"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("b.csv: line 2: column \"id\"") && err.contains("a.csv"),
        "{err}"
    );
}

#[test]
fn splits_recorded_with_a_run_are_its_dataset_inputs() {
    let (dir, _) = imported();
    let d = dir.path();
    let mut args = check_args(&["--run", BASELINE, "--format", "json", "-q"]);
    args.retain(|a| !a.is_empty());
    let (code, out, err) = run(d, &args);
    assert_eq!(code, 0, "{err}");
    let doc: Value = serde_json::from_str(&out).expect("json");
    let show = json(d, &["runs", "show", BASELINE, "--format", "json"]);
    let inputs = show["dataset_inputs"].to_string();
    for s in doc["splits"].as_array().expect("splits") {
        let fp = s["fingerprint"].as_str().expect("fingerprint");
        let digest: String = fp.trim_start_matches("sha256:").chars().take(32).collect();
        assert!(inputs.contains(&digest), "{inputs}");
        let context = s["context"].as_str().expect("context");
        assert_eq!(
            show["tags"][format!("verdict.split.{context}.fingerprint")],
            fp,
            "{show}"
        );
    }
    assert!(
        inputs.contains("testing") && inputs.contains("validation"),
        "{inputs}"
    );
    // `verdict check --run` lists the recorded splits' findings with the run's.
    let (code, out, err) = verdict(d, &["check", "--run", BASELINE]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("group_leakage [splits]"), "{out}");
    assert!(out.contains("b05"), "{out}");
    // An evaluation of another set than the recorded test split is said to be one.
    let preds: PathBuf =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/seed000/smile_baseline.csv");
    let (code, _, err) = verdict(
        d,
        &[
            "eval",
            &preds.display().to_string(),
            "--run",
            BASELINE,
            "--eval-name",
            "test",
            "-q",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("recorded its test split as"), "{err}");
}

/// Two runs of one experiment that recorded different test splits: `verdict check --experiment`
/// says so (`split_changed`) and which run used which split.
#[test]
fn runs_on_different_recorded_splits_are_named() {
    use crate::ledger::WIDER;
    let (dir, _) = imported();
    let d = dir.path();
    for (run, test) in [(BASELINE, "test.csv"), (WIDER, "val.csv")] {
        let (code, _, err) = verdict(
            d,
            &[
                "splits",
                "check",
                &example("train.csv"),
                &example(test),
                "--names",
                "train,test",
                "--run",
                run,
                "-q",
            ],
        );
        assert_eq!(code, 0, "{err}");
    }
    let doc = json(d, &["check", "--experiment", "ct-cnn", "--format", "json"]);
    let f = doc["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|f| f["check"] == "split_changed" && f["observed"]["kind"] == "split")
        .cloned()
        .expect("split_changed for the recorded splits");
    assert_eq!(f["observed"]["eval"], "testing");
    assert_eq!(f["observed"]["sets"], 2);
    let who = f["observed"]["older_best"].as_str().unwrap_or("");
    assert!(who.contains("baseline") && who.contains("wider"), "{who}");
    // The training split is the same for both: no finding for it.
    assert!(
        !doc["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|f| f["observed"]["eval"] == "training"),
        "{doc}"
    );
}

/// Names that do not fit the files, and a malformed `check --pair`, say what was expected.
#[test]
fn bad_names_and_pairs_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let (train, test) = (example("train.csv"), example("test.csv"));
    let (code, _, err) = verdict(d, &["splits", "check", &train, &test, "--names", "a"]);
    assert_eq!(code, 2);
    assert!(err.contains("--names gives 1 names for 2 files"), "{err}");
    let (code, _, err) = verdict(d, &["splits", "check", &train, &test, "--names", "a,a"]);
    assert_eq!(code, 2);
    assert!(err.contains("two splits are named `a`"), "{err}");
    let history = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/checks/history.csv")
        .display()
        .to_string();
    let (code, _, err) = verdict(d, &["check", "--history", &history, "--pair", "val_f1"]);
    assert_eq!(code, 2);
    assert!(err.contains("--pair expects VAL=TEST"), "{err}");
}
