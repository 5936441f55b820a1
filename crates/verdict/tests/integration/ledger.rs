//! The ledger commands end to end on SQLite: `import mlruns` of the FileStore the real MLflow
//! client wrote (crates/verdict-import/tests/fixtures), `experiments`/`runs` list and show
//! (text snapshots, JSON checks), and evaluations stored in runs (`eval --run`) with
//! `runs compare` refusing results of different eval sets.

use crate::support::{snapshot, verdict};
use serde_json::Value;
use std::path::{Path, PathBuf};

pub(crate) const BASELINE: &str = "e0963ebc5a9a4220ae2b749f181b697b";
pub(crate) const WIDER: &str = "cf2b3d890d0f41c3b3af131908d22c56";
const CT_CNN: &str = "285006039092024637";

fn mlruns() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../verdict-import/tests/fixtures/mlruns")
}

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/breast_cancer.csv")
}

pub(crate) fn ok(dir: &Path, args: &[&str]) -> String {
    let (code, out, err) = verdict(dir, args);
    assert_eq!(code, 0, "verdict {args:?} failed: {err}");
    out
}

pub(crate) fn json(dir: &Path, args: &[&str]) -> Value {
    let out = ok(dir, args);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {out}"))
}

/// A temp dir holding a ledger (./verdict.db, ./verdict-artifacts) with the fixture imported.
pub(crate) fn imported() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let src = mlruns().display().to_string();
    let out = ok(dir.path(), &["import", "mlruns", &src]);
    (dir, out.replace(&src, "<mlruns>"))
}

#[test]
fn import_reports_counts_and_is_idempotent() {
    let (dir, out) = imported();
    snapshot("ledger_import.txt", &out);
    let src = mlruns().display().to_string();
    let again = ok(dir.path(), &["import", "mlruns", &src]);
    assert!(
        again.contains("Nothing changed: the ledger already held everything"),
        "{again}"
    );
    let j = json(dir.path(), &["import", "mlruns", &src, "--format", "json"]);
    assert_eq!(j["changed"], false);
    assert_eq!(j["runs"]["unchanged"], 4);
    assert_eq!(j["experiments"]["unchanged"], 3);
    assert_eq!(j["artifacts"]["copied"], 0);
    assert_eq!(j["read"]["duplicate_metric_points"], 5);
    assert_eq!(j["skipped"], Value::Array(vec![]));
    // Artifacts are copied where `verdict server` serves them.
    let hello = dir
        .path()
        .join("verdict-artifacts")
        .join(CT_CNN)
        .join(BASELINE)
        .join("artifacts/notes/hello.txt");
    assert_eq!(
        std::fs::read_to_string(hello).ok().as_deref(),
        Some("hello\n")
    );
}

#[test]
fn import_of_a_damaged_tree_names_file_and_line() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = tmp.path().join("mlruns");
    copy_dir(&mlruns(), &root);
    std::fs::write(root.join(CT_CNN).join(WIDER).join("meta.yaml"), "").expect("truncate");
    let loss = root.join(CT_CNN).join(BASELINE).join("metrics/train/loss");
    let mut text = std::fs::read_to_string(&loss).expect("read");
    text.push_str("1796155676999 oops 3\n");
    std::fs::write(&loss, text).expect("write");
    let j = json(
        tmp.path(),
        &["import", "mlruns", "mlruns", "--format", "json"],
    );
    let skipped = j["skipped"].as_array().cloned().unwrap_or_default();
    assert_eq!(skipped.len(), 2, "{skipped:?}");
    assert!(skipped.iter().any(|s| {
        s["path"]
            .as_str()
            .is_some_and(|p| p.ends_with(&format!("{WIDER}/meta.yaml")))
            && s["line"].is_null()
            && s["reason"]
                .as_str()
                .is_some_and(|r| r.contains("empty") && r.contains("run skipped"))
    }));
    assert!(skipped.iter().any(|s| {
        s["path"]
            .as_str()
            .is_some_and(|p| p.ends_with("metrics/train/loss"))
            && s["line"] == 5
            && s["reason"]
                .as_str()
                .is_some_and(|r| r.contains("found `oops`"))
    }));
    assert_eq!(j["runs"]["new"], 3);
    let text = ok(tmp.path(), &["import", "mlruns", "mlruns"]);
    assert!(text.contains("metrics/train/loss:5: metric line left out: value: expected a number (or nan/inf), found `oops`"), "{text}");
}

#[test]
fn runs_list_and_show() {
    let (dir, _) = imported();
    let d = dir.path();
    let list = ok(
        d,
        &[
            "runs",
            "list",
            "--experiment",
            "ct-cnn",
            "--filter",
            "metrics.val_f1 > 0.8",
            "--order",
            "metrics.val_f1 DESC",
        ],
    );
    snapshot("ledger_runs_list.txt", &list);
    snapshot(
        "ledger_runs_show.txt",
        &ok(d, &["runs", "show", BASELINE, "--history"]),
    );
    let j = json(
        d,
        &[
            "runs",
            "list",
            "--experiment",
            CT_CNN,
            "--filter",
            "metrics.val_f1 > 0.8",
            "--order",
            "metrics.val_f1 DESC",
            "--format",
            "json",
        ],
    );
    let runs = j["runs"].as_array().cloned().unwrap_or_default();
    let names: Vec<&str> = runs.iter().filter_map(|r| r["run_name"].as_str()).collect();
    assert_eq!(names, ["wider", "baseline"]);
    assert_eq!(runs[0]["metrics"]["val_f1"]["value"], 0.91);
    assert_eq!(runs[0]["params"]["optimizer"], "sgd");
    let one = json(
        d,
        &[
            "runs",
            "list",
            "--max",
            "1",
            "--order",
            "metrics.val_f1 ASC",
            "--format",
            "json",
        ],
    );
    assert_eq!(one["runs"].as_array().map(Vec::len), Some(1));
    assert_eq!(one["runs"][0]["run_name"], "baseline");
    let all = json(d, &["runs", "list", "--all", "--format", "json"]);
    assert_eq!(all["runs"].as_array().map(Vec::len), Some(4));
    let show = json(
        d,
        &["runs", "show", BASELINE, "--format", "json", "--history"],
    );
    assert_eq!(show["metrics"]["weird_nan"]["value"], "NaN");
    // JSON keeps every value exact (text shows 0.3333 and 1.000e-05).
    assert_eq!(
        show["metrics"]["train/loss"]["value"].as_f64(),
        Some(1.0 / 3.0)
    );
    assert_eq!(show["metrics"]["tiny"]["value"].as_f64(), Some(1e-5));
    assert_eq!(show["metrics"]["weird_neg_inf"]["value"], "-Infinity");
    assert_eq!(
        show["history"]["train/loss"].as_array().map(Vec::len),
        Some(3)
    );
    assert_eq!(
        show["dataset_inputs"][0]["tags"]["mlflow.data.context"],
        "training"
    );
    assert_eq!(show["experiment_name"], "ct-cnn");
    let exps = json(d, &["experiments", "list", "--all", "--format", "json"]);
    assert_eq!(exps["experiments"].as_array().map(Vec::len), Some(3));
    let active = json(d, &["experiments", "list", "--format", "json"]);
    assert_eq!(active["experiments"].as_array().map(Vec::len), Some(2));
    let e = json(d, &["experiments", "show", "ct-cnn", "--format", "json"]);
    assert_eq!(e["experiment_id"], CT_CNN);
    assert_eq!(e["runs"]["active"], 2);
    assert_eq!(e["runs"]["deleted"], 1);
    assert_eq!(e["tags"]["team"], "vision");
    // Default's creation time is the ledger's own (now); the imported ones are the FileStore's.
    let exps_text = ok(
        d,
        &[
            "experiments",
            "list",
            "--all",
            "--filter",
            "name != 'Default'",
        ],
    );
    snapshot("ledger_experiments_list.txt", &exps_text);
    let text = ok(d, &["experiments", "show", CT_CNN]);
    assert!(text.contains("2 active, 1 deleted"), "{text}");
    // Errors are MLflow's, with exit code 2.
    let (code, _, err) = verdict(d, &["runs", "list", "--filter", "metrics.val_f1 > 'x'"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("Expected numeric value type for metric"),
        "{err}"
    );
    let (code, _, err) = verdict(d, &["runs", "show", "nope"]);
    assert_eq!(code, 2);
    assert!(err.contains("Run with id=nope not found"), "{err}");
}

/// The example data with one label flipped: the same ids, another eval set.
fn changed_copy(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(example()).expect("example");
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let fields: Vec<&str> = lines[11].split(',').collect();
    let flipped = if fields[1] == "0" { "1" } else { "0" };
    lines[11] = format!("{},{flipped},{}", fields[0], fields[2..].join(","));
    let path = dir.join("breast_cancer_changed.csv");
    std::fs::write(&path, lines.join("\n") + "\n").expect("write changed copy");
    path
}

#[test]
fn evaluations_belong_to_runs_and_other_eval_sets_are_refused() {
    let (dir, _) = imported();
    let d = dir.path();
    let bc = example().display().to_string();
    let changed = changed_copy(d).display().to_string();
    let eval_json = |file: &str, run: &str, name: &str| {
        json(
            d,
            &[
                "eval",
                file,
                "--bootstrap",
                "200",
                "--run",
                run,
                "--eval-name",
                name,
                "--format",
                "json",
            ],
        )
    };
    let a = eval_json(&bc, BASELINE, "test");
    let _ = eval_json(&bc, WIDER, "test");
    // The artifact is the document `--format json` printed, byte for byte.
    let stored = std::fs::read_to_string(
        d.join("verdict-artifacts")
            .join(CT_CNN)
            .join(BASELINE)
            .join("artifacts/verdict/test.json"),
    )
    .expect("artifact stored");
    assert_eq!(
        serde_json::from_str::<Value>(&stored).ok().as_ref(),
        Some(&a)
    );
    let run = json(d, &["runs", "show", BASELINE, "--format", "json"]);
    let fp = a["fingerprint"].as_str().unwrap_or_default();
    assert!(fp.starts_with("sha256:"));
    assert_eq!(run["tags"]["verdict.eval.test.fingerprint"], fp);
    assert_eq!(run["tags"]["verdict.eval.test.rows"], "569");
    assert_eq!(
        run["tags"]["verdict.eval.test.artifact"],
        "verdict/test.json"
    );
    assert_eq!(
        run["metrics"]["test/roc_auc"]["value"],
        a["metrics"]["roc_auc"]["value"]
    );
    assert_eq!(
        run["metrics"]["test/roc_auc_ci_low"]["value"],
        a["metrics"]["roc_auc"]["ci_low"]
    );
    assert_eq!(
        run["metrics"]["test/roc_auc_ci_high"]["value"],
        a["metrics"]["roc_auc"]["ci_high"]
    );
    assert_eq!(run["evaluations"][0]["name"], "test");

    // Same eval set, stored predictions: the paired comparison, the same numbers as `verdict
    // compare` on the files the runs evaluated (only the model names and sources differ).
    let paired = |runs: &[&str], files: &[String], name: &str| {
        let mut args = vec!["runs", "compare"];
        args.extend(runs);
        args.extend([
            "--eval-name",
            name,
            "--bootstrap",
            "300",
            "--format",
            "json",
        ]);
        let mut from_runs = json(d, &args);
        let mut cargs = vec!["compare"];
        cargs.extend(files.iter().map(String::as_str));
        cargs.extend(["--bootstrap", "300", "--format", "json"]);
        let mut from_files = json(d, &cargs);
        for doc in [&mut from_runs, &mut from_files] {
            for m in doc["models"].as_array_mut().into_iter().flatten() {
                m["name"] = Value::Null;
                m["source"] = Value::Null;
            }
            doc["baseline"] = Value::Null;
            for key in ["leaderboard", "comparisons", "thresholds", "warnings"] {
                strip_names(&mut doc[key]);
            }
        }
        assert_eq!(
            from_runs, from_files,
            "runs compare {runs:?} vs compare {files:?}"
        );
        from_runs
    };
    let cmp = paired(&[BASELINE, WIDER], &[bc.clone(), bc.clone()], "test");
    assert_eq!(cmp["fingerprint"], fp);
    assert_eq!(cmp["n"], 569);
    let text = ok(
        d,
        &["runs", "compare", BASELINE, WIDER, "--eval-name", "test"],
    );
    assert!(text.contains("roc_auc"), "{text}");
    // Two models on one eval set (seed 000's smile detector, examples/seed000), and three runs.
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/seed000");
    let smile: Vec<String> = ["smile_baseline.csv", "smile_finetuned.csv"]
        .iter()
        .map(|f| seed.join(f).display().to_string())
        .collect();
    for (f, run) in smile.iter().zip([BASELINE, WIDER]) {
        let _ = eval_json(f, run, "smile");
    }
    let cmp = paired(&[BASELINE, WIDER], &smile, "smile");
    assert_eq!(cmp["metric"], "roc_auc");
    // Without stored predictions: the stored metrics side by side, saying why nothing is paired.
    for (f, run) in smile.iter().zip([BASELINE, WIDER]) {
        let _ = json(
            d,
            &[
                "eval",
                f,
                "--bootstrap",
                "200",
                "--run",
                run,
                "--eval-name",
                "smile",
                "--no-keep-predictions",
                "--format",
                "json",
            ],
        );
    }
    let side = ok(
        d,
        &["runs", "compare", BASELINE, WIDER, "--eval-name", "smile"],
    );
    snapshot("ledger_runs_compare.txt", &side);
    assert!(side.contains("roc_auc            0.6606"), "{side}");
    assert!(side.contains("no paired test"), "{side}");

    // Another eval set under the same name is refused at eval time…
    let (code, _, err) = verdict(
        d,
        &[
            "eval",
            &changed,
            "--bootstrap",
            "0",
            "--run",
            WIDER,
            "--eval-name",
            "test",
        ],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("already holds an evaluation `test` made on another eval set"),
        "{err}"
    );
    assert!(err.contains(fp), "{err}");
    // … and under its own name it is stored, but never compared with the original set.
    let b = eval_json(&changed, WIDER, "holdout");
    let _ = eval_json(&bc, BASELINE, "holdout");
    let fp_b = b["fingerprint"].as_str().unwrap_or_default();
    assert_ne!(fp, fp_b);
    let (code, out, err) = verdict(
        d,
        &["runs", "compare", BASELINE, WIDER, "--eval-name", "holdout"],
    );
    assert_eq!(code, 2, "{out}");
    assert!(err.contains("refusing to compare: the `holdout` evaluations of the two runs were made on different eval sets"), "{err}");
    assert!(err.contains(fp) && err.contains(fp_b), "{err}");
    assert!(err.contains("breast_cancer_changed.csv"), "{err}");
    // The runs listing warns when it shows metrics of different eval sets.
    let list = ok(
        d,
        &["runs", "list", "--order", "metrics.`holdout/roc_auc` DESC"],
    );
    assert!(
        list.contains(
            "warning: the `holdout` evaluations of these runs were made on 2 different eval sets"
        ),
        "{list}"
    );
    let list = ok(
        d,
        &["runs", "list", "--order", "metrics.`test/roc_auc` DESC"],
    );
    assert!(!list.contains("warning"), "{list}");
    // A run without the evaluation.
    let (code, _, err) = verdict(
        d,
        &["runs", "compare", BASELINE, WIDER, "--eval-name", "val"],
    );
    assert_eq!(code, 2);
    assert!(err.contains("has no evaluation `val`"), "{err}");
}

/// The model names inside a compare document's parts (`model`, `name`, `a`, `b` keys) blanked:
/// runs are named by run, files by file.
fn strip_names(v: &mut Value) {
    match v {
        Value::Object(o) => {
            for (k, x) in o.iter_mut() {
                if [
                    "model", "name", "a", "b", "baseline", "best", "message", "verdict",
                ]
                .contains(&k.as_str())
                    && x.is_string()
                {
                    *x = Value::Null;
                } else {
                    strip_names(x);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(strip_names),
        _ => {}
    }
}

fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).expect("mkdir");
    for e in std::fs::read_dir(src).expect("read dir") {
        let e = e.expect("entry");
        let to = dst.join(e.file_name());
        if e.file_type().expect("type").is_dir() {
            copy_dir(&e.path(), &to);
        } else {
            std::fs::copy(e.path(), &to).expect("copy");
        }
    }
}

/// `--store`, `--artifacts` and the import's DIR that are the wrong kind of thing say what was
/// expected, once, for every ledger command.
#[test]
fn wrong_kinds_of_store_and_artifact_paths_say_what_was_expected() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("adir")).expect("dir");
    std::fs::write(dir.path().join("afile"), "not a database").expect("file");
    let src = mlruns().display().to_string();
    let ex = example().display().to_string();
    let store_msg = "expected a SQLite database file (created if missing) or a postgresql:// URL";
    let cases: Vec<(Vec<&str>, String)> = vec![
        (
            vec!["runs", "list", "--store", "adir"],
            format!(
                "error: cannot open the ledger (--store adir): adir is a directory; {store_msg}\n"
            ),
        ),
        (
            vec!["experiments", "list", "--store", "sqlite:///adir"],
            format!(
                "error: cannot open the ledger (--store sqlite:///adir): adir is a directory; \
                 {store_msg}\n"
            ),
        ),
        (
            vec!["runs", "show", "x", "--store", "afile"],
            format!(
                "error: cannot open the ledger (--store afile): afile exists but is not a SQLite \
                 database; {store_msg}\n"
            ),
        ),
        (
            vec!["import", "mlruns", &src, "--store", "afile/v.db"],
            format!(
                "error: cannot open the ledger (--store afile/v.db): afile/v.db: afile is a file, \
                 not a directory; {store_msg}\n"
            ),
        ),
        (
            vec!["eval", &ex, "--run", "x", "--store", "adir"],
            format!(
                "error: cannot open the ledger (--store adir): adir is a directory; {store_msg}\n"
            ),
        ),
        (
            vec!["import", "mlruns", &src, "--artifacts", "afile"],
            "error: cannot open the artifact root (--artifacts afile): afile is a file; expected \
             a directory for artifacts (created if missing)\n"
                .to_owned(),
        ),
        (
            vec!["import", "mlruns", &src, "--artifacts", "afile/sub"],
            "error: cannot open the artifact root (--artifacts afile/sub): afile/sub: afile is a \
             file, not a directory; expected a directory for artifacts (created if missing)\n"
                .to_owned(),
        ),
        (
            vec!["import", "mlruns", "nope"],
            "error: cannot import nope: nope: no such directory (expected an MLflow FileStore \
             directory, e.g. ./mlruns)\n"
                .to_owned(),
        ),
    ];
    for (args, want) in cases {
        let (code, out, err) = verdict(dir.path(), &args);
        assert_eq!(code, 2, "{args:?}");
        assert_eq!(err, want, "{args:?}");
        assert!(out.is_empty(), "{args:?}: {out}");
    }
    // The file that is not a database was not touched.
    assert_eq!(
        std::fs::read_to_string(dir.path().join("afile")).expect("afile"),
        "not a database"
    );
}
