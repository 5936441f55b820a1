//! `verdict ensemble` end to end.
//!
//! - Parity through the files: the members' test probabilities of real fitted scikit-learn
//!   `VotingClassifier`s (crates/verdict-core/tests/fixtures/ensemble/voting.json, written by
//!   python/make_ensemble_fixtures.py) are written as prediction files; the ensemble `verdict
//!   ensemble` builds from them must be evaluated exactly as `verdict eval` evaluates
//!   scikit-learn's own `predict_proba` (soft voting, every metric to 1e-9), and its accuracy
//!   must be that of scikit-learn's `predict` (soft and hard voting).
//! - The ledger: `--run` stores the ensemble's evaluation, its report and its weights as one unit;
//!   storing other weights under the same name is refused and leaves the run as it was.
//! - Refusals name what was expected.

use crate::support::{verdict, walk};
use serde_json::Value;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn voting_fixture() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../verdict-core/tests/fixtures/ensemble/voting.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("json")
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}

/// A predictions file: `id,label,` then `score` (P(class 1)) for two classes, else `prob_<c>`;
/// every number in shortest round-trip form, so the file holds the fixture's exact values.
fn write_predictions(path: &Path, labels: &[u64], rows: &[Vec<f64>]) {
    let k = rows[0].len();
    let mut s = String::from("id,label");
    if k == 2 {
        s.push_str(",score");
    } else {
        for c in 0..k {
            let _ = write!(s, ",prob_{c}");
        }
    }
    s.push('\n');
    for (i, (y, row)) in labels.iter().zip(rows).enumerate() {
        let _ = write!(s, "{i},{y}");
        if k == 2 {
            let _ = write!(s, ",{:?}", row[1]);
        } else {
            for p in row {
                let _ = write!(s, ",{p:?}");
            }
        }
        s.push('\n');
    }
    std::fs::write(path, s).expect("write predictions");
}

fn matrix(v: &Value) -> Vec<Vec<f64>> {
    v.as_array().expect("rows").iter().map(floats).collect()
}

fn json_of(dir: &Path, args: &[&str]) -> Value {
    let (code, out, err) = verdict(dir, args);
    assert_eq!(code, 0, "verdict {args:?}: {err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

fn weights_arg(w: &[f64]) -> String {
    w.iter()
        .map(|x| format!("{x:?}"))
        .collect::<Vec<_>>()
        .join(",")
}

#[test]
fn soft_and_hard_voting_match_scikit_learn_through_the_files() {
    let fx = voting_fixture();
    let tmp = tempfile::tempdir().expect("tmp");
    let mut compared = 0;
    for ds in fx["datasets"].as_array().expect("datasets") {
        let name = ds["name"].as_str().expect("name");
        let labels: Vec<u64> = ds["labels"]
            .as_array()
            .expect("labels")
            .iter()
            .map(|x| x.as_u64().expect("label"))
            .collect();
        let dir = tmp.path().join(name);
        std::fs::create_dir_all(&dir).expect("dir");
        let mut files: Vec<PathBuf> = Vec::new();
        for (m, member) in ds["members"]
            .as_array()
            .expect("members")
            .iter()
            .enumerate()
        {
            let f = dir.join(format!("{}.csv", member.as_str().expect("member")));
            write_predictions(&f, &labels, &matrix(&ds["member_proba"][m]));
            files.push(f);
        }
        for (ci, case) in ds["cases"].as_array().expect("cases").iter().enumerate() {
            let w = floats(&case["weights"]);
            // scikit-learn's own soft probabilities, evaluated by `verdict eval`.
            let expected = dir.join(format!("sklearn_soft_{ci}.csv"));
            write_predictions(&expected, &labels, &matrix(&case["soft_proba"]));
            let want = json_of(
                &dir,
                &[
                    "eval",
                    expected.to_str().expect("path"),
                    "--bootstrap",
                    "0",
                    "--format",
                    "json",
                ],
            );
            let mut args: Vec<String> = vec!["ensemble".into()];
            args.extend(files.iter().map(|f| f.display().to_string()));
            args.extend(
                [
                    "--weights",
                    &weights_arg(&w),
                    "--bootstrap",
                    "0",
                    "--format",
                    "json",
                ]
                .map(String::from),
            );
            let argv: Vec<&str> = args.iter().map(String::as_str).collect();
            let got = json_of(&dir, &argv);
            let ens = &got["comparison"]["models"][0]["metrics"];
            let want_metrics = want["metrics"].as_object().expect("eval metrics");
            for (metric, v) in want_metrics {
                let (Some(a), Some(b)) = (v["value"].as_f64(), ens[metric]["value"].as_f64())
                else {
                    assert_eq!(
                        v["value"], ens[metric]["value"],
                        "{name} case {ci} {metric}"
                    );
                    continue;
                };
                assert!(
                    (a - b).abs() <= 1e-9 * a.abs().max(1.0),
                    "{name} case {ci} {metric}: sklearn {a} vs ensemble {b}"
                );
                compared += 1;
            }
            // Accuracy of scikit-learn's predict, soft and hard.
            for (voting, key) in [("soft", "soft_pred"), ("hard", "hard_pred")] {
                let pred: Vec<u64> = case[key]
                    .as_array()
                    .expect("pred")
                    .iter()
                    .map(|x| x.as_u64().expect("class"))
                    .collect();
                let right = pred.iter().zip(&labels).filter(|(p, y)| p == y).count();
                let accuracy = right as f64 / labels.len() as f64;
                let mut a = args.clone();
                a.extend(["--voting".to_string(), voting.to_string()]);
                let argv: Vec<&str> = a.iter().map(String::as_str).collect();
                let got = json_of(&dir, &argv);
                let acc = got["comparison"]["models"][0]["metrics"]["accuracy"]["value"]
                    .as_f64()
                    .expect("accuracy");
                assert!(
                    (acc - accuracy).abs() < 1e-12,
                    "{name} case {ci} {voting}: {acc} vs scikit-learn {accuracy}"
                );
            }
        }
    }
    assert!(compared > 100, "only {compared} metrics compared");
}

fn seed004(split: &str) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/ensemble/seed004");
    ["bert", "bilstm", "lstm", "lexicon"]
        .iter()
        .map(|m| {
            root.join(split)
                .join(format!("{m}.csv"))
                .display()
                .to_string()
        })
        .collect()
}

#[test]
fn the_ledger_holds_the_ensemble_as_one_unit() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    let store = dir.join("verdict.db");
    let store_url = store.display().to_string();
    let s = verdict_store::Store::open_with(
        &store_url,
        &verdict_store::StoreOptions::mlflow_artifacts(),
    )
    .expect("store");
    let exp = s
        .create_experiment("sentiment", None, &[])
        .expect("experiment");
    let run = s
        .create_run(&verdict_store::NewRun {
            experiment_id: exp,
            user_id: None,
            run_name: Some("ensemble".into()),
            start_time: None,
            tags: Vec::new(),
        })
        .expect("run")
        .info
        .run_id;
    drop(s);
    let mut args: Vec<String> = vec!["ensemble".into()];
    args.extend(seed004("test"));
    args.extend(
        [
            "--weights",
            "bert=0.30,bilstm=0.30,lstm=0.25,lexicon=0.15",
            "--bootstrap",
            "200",
            "--run",
            &run,
            "--store",
            &store_url,
            "--artifacts",
            &dir.join("artifacts").display().to_string(),
            "--format",
            "json",
        ]
        .map(String::from),
    );
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, out, err) = verdict(dir, &argv);
    assert_eq!(code, 0, "{err}");
    let doc: Value = serde_json::from_str(&out).expect("json");
    let s = verdict_store::Store::open_with(
        &store_url,
        &verdict_store::StoreOptions::mlflow_artifacts(),
    )
    .expect("store");
    let r = s.get_run(&run).expect("get run");
    let param = |k: &str| {
        r.params
            .iter()
            .find(|p| p.key == k)
            .map(|p| p.value.clone())
    };
    assert_eq!(param("ensemble.voting").as_deref(), Some("soft"));
    assert_eq!(param("ensemble.weights").as_deref(), Some("given"));
    assert_eq!(param("ensemble.weight.bert").as_deref(), Some("0.3"));
    assert_eq!(param("ensemble.weight.lexicon").as_deref(), Some("0.15"));
    let metric = |k: &str| r.metrics.iter().find(|m| m.key == k).map(|m| m.value);
    let acc = doc["comparison"]["models"][0]["metrics"]["accuracy"]["value"]
        .as_f64()
        .expect("accuracy");
    assert_eq!(metric("ensemble/accuracy"), Some(acc));
    assert!(metric("ensemble/accuracy_ci_low").is_some());
    let tag = |k: &str| r.tags.iter().find(|t| t.key == k).map(|t| t.value.clone());
    assert_eq!(
        tag("verdict.eval.ensemble.artifact").as_deref(),
        Some("verdict/ensemble.json")
    );
    let artifacts = dir.join("artifacts");
    let stored_report = walk(&artifacts)
        .into_iter()
        .find(|p| p.ends_with("verdict/ensemble.ensemble.json"))
        .expect("the ensemble report artifact");
    let stored: Value =
        serde_json::from_str(&std::fs::read_to_string(stored_report).expect("read")).expect("json");
    assert_eq!(stored, doc);

    // Other weights under the same name: refused (params are write-once), nothing changes.
    let before = s.get_run(&run).expect("get run");
    let mut again = args.clone();
    let w = again
        .iter()
        .position(|a| a == "--weights")
        .expect("weights")
        + 1;
    again[w] = "bert=0.35,bilstm=0.35,lstm=0.20,lexicon=0.10".into();
    let argv: Vec<&str> = again.iter().map(String::as_str).collect();
    let (code, _, err) = verdict(dir, &argv);
    assert_ne!(code, 0);
    assert!(err.contains("ensemble.weight.bert"), "{err}");
    assert_eq!(s.get_run(&run).expect("get run"), before);
    let stored: Value = serde_json::from_str(
        &std::fs::read_to_string(
            walk(&artifacts)
                .into_iter()
                .find(|p| p.ends_with("verdict/ensemble.ensemble.json"))
                .expect("artifact"),
        )
        .expect("read"),
    )
    .expect("json");
    assert_eq!(stored, doc, "the earlier report is put back");
}

#[test]
fn refusals_name_what_was_expected() {
    let tmp = tempfile::tempdir().expect("tmp");
    let test = seed004("test");
    let val = seed004("val");
    let run = |extra: &[&str]| {
        let mut args: Vec<&str> = vec!["ensemble"];
        args.extend(test.iter().map(String::as_str));
        args.extend(extra);
        let (code, _, err) = verdict(tmp.path(), &args);
        assert_ne!(code, 0, "{extra:?} should fail");
        err
    };
    let err = run(&["--weights", "bert=0.3,bilstm=0.3"]);
    assert!(err.contains("no weight for member `lstm`"), "{err}");
    let err = run(&["--weights", "bert=0.3,gpt=0.3,lstm=0.2,lexicon=0.2"]);
    assert!(
        err.contains("no member named `gpt`; members: bert, bilstm, lstm, lexicon"),
        "{err}"
    );
    let err = run(&["--weights", "0.3,x,0.2,0.2"]);
    assert!(err.contains("`x` is not a number"), "{err}");
    let err = run(&["--optimize", "caruana"]);
    assert!(err.contains("pass --val with one file per member"), "{err}");
    let err = run(&["--val", &val[0], "--optimize", "caruana"]);
    assert!(
        err.contains("--val needs one validation file per member"),
        "{err}"
    );
    let err = run(&["--voting", "rank", "--label-review"]);
    assert!(err.contains("soft voting"), "{err}");
    // A member of another eval set.
    let mut args: Vec<&str> = vec!["ensemble"];
    args.extend(test[..3].iter().map(String::as_str));
    args.push(&val[3]);
    let (code, _, err) = verdict(tmp.path(), &args);
    assert_ne!(code, 0);
    assert!(err.contains("lexicon.csv"), "{err}");
}
