//! `store_evaluation` against a real SQLite ledger: what one evaluation writes, and that a store
//! failure after the artifact was written leaves the run exactly as it was.
//!
//! The failure is real, not simulated: a trigger inside the SQLite file aborts every insert into
//! `metrics`, so the store's one transaction fails part-way (after the tags were inserted in it).

use std::path::Path;
use verdict_app::NoProgress;
use verdict_app::eval::{EvalSpec, Evaluation, evaluate};
use verdict_app::ledger::{EvalTarget, eval_info, load_stored_predictions, store_evaluation};
use verdict_core::eval::EvalConfig;
use verdict_io::{PredictionOptions, ReadOptions};
use verdict_store::{NewRun, Run, Store};

fn config() -> EvalConfig {
    EvalConfig {
        bootstrap: 50,
        ..verdict_app::eval::point_config()
    }
}

/// A binary prediction file of 120 rows whose scores depend on `shift` (another model).
fn predictions(dir: &Path, name: &str, shift: f64) -> std::path::PathBuf {
    verdict_testkit::binary_predictions(dir, name, 120, shift)
}

fn report(file: &Path) -> Evaluation {
    let spec = EvalSpec {
        file: file.to_path_buf(),
        read: ReadOptions::default(),
        predictions: PredictionOptions::default(),
        config: config(),
        groupings: Vec::new(),
        by: None,
        keep_predictions: true,
    };
    evaluate(&spec, &NoProgress).expect("evaluates")
}

struct Ledger {
    dir: tempfile::TempDir,
    store: Store,
    run_id: String,
}

impl Ledger {
    fn new() -> Ledger {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("verdict.db");
        let store = Store::open(db.to_str().expect("utf-8 path")).expect("store opens");
        let experiment_id = store
            .create_experiment("exp", None, &[])
            .expect("experiment");
        let run = store
            .create_run(&NewRun {
                experiment_id,
                user_id: None,
                run_name: Some("r".into()),
                start_time: Some(1),
                tags: Vec::new(),
            })
            .expect("run");
        Ledger {
            store,
            run_id: run.info.run_id,
            dir,
        }
    }

    /// Another run in the same experiment.
    fn new_run(&self, name: &str) -> String {
        let experiment_id = self.run().info.experiment_id;
        self.store
            .create_run(&NewRun {
                experiment_id,
                user_id: None,
                run_name: Some(name.into()),
                start_time: Some(2),
                tags: Vec::new(),
            })
            .expect("run")
            .info
            .run_id
    }

    fn artifacts(&self) -> std::path::PathBuf {
        self.dir.path().join("artifacts")
    }

    fn store(&self, name: &str, source: &str, report: &Evaluation) -> verdict_app::Result<()> {
        let artifacts = self.artifacts();
        let target = EvalTarget {
            run_id: &self.run_id,
            name,
            artifacts: &artifacts,
            source,
            step: 0,
            lang: verdict_report::Lang::En,
        };
        store_evaluation(&self.store, &target, report).map(|_| ())
    }

    fn run(&self) -> Run {
        self.store.get_run(&self.run_id).expect("run")
    }

    /// The artifact `verdict/NAME.json` on disk, when it exists.
    fn artifact(&self, name: &str) -> Option<Vec<u8>> {
        self.file(&format!("verdict/{name}.json"))
    }

    /// The artifact `verdict/NAME.predictions.parquet` on disk, when it exists.
    fn predictions(&self, name: &str) -> Option<Vec<u8>> {
        self.file(&format!("verdict/{name}.predictions.parquet"))
    }

    fn file(&self, rel: &str) -> Option<Vec<u8>> {
        let found: Vec<_> = walk(&self.artifacts())
            .into_iter()
            .filter(|p| p.ends_with(rel))
            .collect();
        assert!(found.len() <= 1, "{found:?}");
        found
            .first()
            .map(|p| std::fs::read(p).expect("read artifact"))
    }

    /// Makes every later insert into `metrics` fail inside the store's transaction.
    fn break_metrics(&self) {
        let c = rusqlite::Connection::open(self.dir.path().join("verdict.db")).expect("open db");
        c.execute_batch(
            "CREATE TRIGGER fail_metrics BEFORE INSERT ON metrics \
             BEGIN SELECT RAISE(ABORT, 'injected failure'); END;",
        )
        .expect("trigger");
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn keys_with(run: &Run, part: &str) -> (Vec<String>, Vec<String>) {
    let tags = run
        .tags
        .iter()
        .filter(|t| t.key.contains(part))
        .map(|t| t.key.clone())
        .collect();
    let metrics = run
        .metrics
        .iter()
        .filter(|m| m.key.contains(part))
        .map(|m| m.key.clone())
        .collect();
    (tags, metrics)
}

#[test]
fn an_evaluation_is_stored_whole() {
    let l = Ledger::new();
    let file = predictions(l.dir.path(), "model.csv", 0.0);
    let ev = report(&file);
    let rep = &ev.report;
    l.store("test", "model.csv", &ev).expect("stored");
    let run = l.run();
    let tag = |k: &str| {
        run.tags
            .iter()
            .find(|t| t.key == format!("verdict.eval.test.{k}"))
            .map(|t| t.value.clone())
    };
    assert_eq!(tag("fingerprint"), Some(rep.fingerprint.clone()));
    assert_eq!(tag("rows").as_deref(), Some("120"));
    assert_eq!(tag("source").as_deref(), Some("model.csv"));
    assert_eq!(tag("artifact").as_deref(), Some("verdict/test.json"));
    // Every finite metric and interval bound of the report, with its value.
    for m in &rep.result.metrics {
        let logged = run
            .metrics
            .iter()
            .find(|x| x.key == format!("test/{}", m.name));
        if m.value.is_finite() {
            assert_eq!(logged.map(|x| x.value), Some(m.value), "{}", m.name);
        } else {
            assert!(logged.is_none(), "{}", m.name);
        }
        let (lo, _) = m.ci.expect("a bootstrap ran");
        let low = run
            .metrics
            .iter()
            .find(|x| x.key == format!("test/{}_ci_low", m.name));
        assert_eq!(
            low.map(|x| x.value),
            lo.is_finite().then_some(lo),
            "{}",
            m.name
        );
    }
    let doc = l.artifact("test").expect("the JSON document");
    assert_eq!(
        String::from_utf8(doc).expect("utf-8"),
        verdict_report::json::render(rep)
    );
    // Next to it, the HTML report to open in a browser.
    let html = l.file("verdict/test.html").expect("the HTML report");
    assert_eq!(
        String::from_utf8(html).expect("utf-8"),
        verdict_report::markdown::html(rep, verdict_report::Lang::En)
    );
    // The kept predictions read back to the same eval set.
    let info = eval_info(&run, "test").expect("the evaluation");
    assert_eq!(
        info.predictions.as_deref(),
        Some("verdict/test.predictions.parquet")
    );
    assert_eq!(info.positive.as_deref(), Some("1"));
    let set = load_stored_predictions(&run, &info, &l.artifacts()).expect("predictions");
    assert_eq!(verdict_io::fingerprint(&set), rep.fingerprint);
    assert_eq!(set.len(), 120);
}

#[test]
fn an_evaluation_without_predictions_clears_the_earlier_ones() {
    let l = Ledger::new();
    let file = predictions(l.dir.path(), "model.csv", 0.0);
    l.store("test", "model.csv", &report(&file))
        .expect("stored");
    assert!(l.predictions("test").is_some());
    let mut again = report(&file);
    again.predictions = None;
    l.store("test", "model.csv", &again).expect("stored");
    assert!(
        l.predictions("test").is_none(),
        "a stale predictions file stayed"
    );
    let info = eval_info(&l.run(), "test").expect("the evaluation");
    assert_eq!(info.predictions, None);
    let err = load_stored_predictions(&l.run(), &info, &l.artifacts()).expect_err("none kept");
    assert!(
        err.to_string().contains("has no stored predictions"),
        "{err}"
    );
}

#[test]
fn a_store_failure_after_the_artifact_leaves_nothing_half_written() {
    let l = Ledger::new();
    let file = predictions(l.dir.path(), "model.csv", 0.0);
    let rep = report(&file);
    l.break_metrics();
    let err = l
        .store("test", "model.csv", &rep)
        .expect_err("the store fails");
    let chain = {
        let mut s = err.to_string();
        let mut e: &dyn std::error::Error = &err;
        while let Some(src) = e.source() {
            s.push_str(": ");
            s.push_str(&src.to_string());
            e = src;
        }
        s
    };
    assert!(chain.contains("cannot store evaluation `test`"), "{chain}");
    assert!(chain.contains("injected failure"), "{chain}");
    let (tags, metrics) = keys_with(&l.run(), "test");
    assert!(tags.is_empty(), "tags left behind: {tags:?}");
    assert!(metrics.is_empty(), "metrics left behind: {metrics:?}");
    assert!(l.artifact("test").is_none(), "the artifact was not removed");
    assert!(
        l.predictions("test").is_none(),
        "the predictions were not removed"
    );
}

#[test]
fn a_failed_overwrite_keeps_the_earlier_evaluation() {
    let l = Ledger::new();
    let file = predictions(l.dir.path(), "model.csv", 0.0);
    let first = report(&file);
    l.store("test", "model.csv", &first).expect("stored");
    let before_doc = l.artifact("test").expect("first document");
    let before_predictions = l.predictions("test").expect("first predictions");
    let before = l.run();
    // The same eval set (same rows and labels) scored by another model: allowed under the name,
    // but the store fails.
    let other = predictions(l.dir.path(), "model.csv", 0.2);
    let second = report(&other);
    assert_eq!(second.report.fingerprint, first.report.fingerprint);
    assert_ne!(
        verdict_report::json::render(&second.report),
        verdict_report::json::render(&first.report)
    );
    l.break_metrics();
    l.store("test", "model.csv", &second)
        .expect_err("the store fails");
    assert_eq!(
        l.artifact("test"),
        Some(before_doc),
        "the earlier document is back"
    );
    assert_eq!(
        l.predictions("test"),
        Some(before_predictions),
        "the earlier predictions are back"
    );
    let after = l.run();
    assert_eq!(keys_with(&after, "test"), keys_with(&before, "test"));
    for m in &before.metrics {
        let now = after.metrics.iter().find(|x| x.key == m.key).expect("kept");
        assert_eq!(now.value, m.value, "{}", m.key);
    }
}

#[test]
fn another_eval_set_under_the_same_name_is_refused_before_writing() {
    let l = Ledger::new();
    let file = predictions(l.dir.path(), "a.csv", 0.0);
    l.store("test", "a.csv", &report(&file)).expect("stored");
    let doc = l.artifact("test");
    // Other rows: another eval set.
    let other_dir = tempfile::tempdir().expect("tempdir");
    let path = other_dir.path().join("b.csv");
    std::fs::write(&path, "id,label,score\nx,1,0.9\ny,0,0.2\n").expect("write");
    let err = l
        .store("test", "b.csv", &report(&path))
        .expect_err("refused");
    assert!(err.is_invalid());
    assert!(
        err.to_string().contains("made on another eval set"),
        "{err}"
    );
    assert_eq!(l.artifact("test"), doc);
}

#[test]
fn bad_names_are_refused() {
    let l = Ledger::new();
    let file = predictions(l.dir.path(), "a.csv", 0.0);
    let ev = report(&file);
    for bad in ["", "a/b", "a b", "ü"] {
        let err = l.store(bad, "a.csv", &ev).expect_err("refused");
        assert!(err.to_string().contains("--eval-name must be"), "{err}");
    }
    assert!(l.artifact("").is_none());
}

/// `compare_runs` over three runs' stored predictions gives the numbers `compare` gives on the
/// three files they evaluated: the same document but for the model names and sources.
#[test]
fn three_runs_compare_as_their_files() {
    use verdict_app::compare::{CompareOptions, CompareSpec, compare};
    use verdict_app::ledger::{compare_runs, stored_evaluations};
    let l = Ledger::new();
    let files: Vec<_> = [0.0, 0.15, -0.1]
        .iter()
        .enumerate()
        .map(|(i, &shift)| predictions(l.dir.path(), &format!("m{i}.csv"), shift))
        .collect();
    let runs = [l.run_id.clone(), l.new_run("b"), l.new_run("c")];
    for (run, file) in runs.iter().zip(&files) {
        let artifacts = l.artifacts();
        let target = EvalTarget {
            run_id: run,
            name: "test",
            artifacts: &artifacts,
            source: "f",
            step: 0,
            lang: verdict_report::Lang::En,
        };
        store_evaluation(&l.store, &target, &report(file)).expect("stored");
    }
    let options = CompareOptions {
        eval: config(),
        metric: None,
        baseline: None,
        alpha: 0.05,
        power: 0.8,
        permutations: 200,
    };
    let ids: Vec<&str> = runs.iter().map(String::as_str).collect();
    let sides = stored_evaluations(&l.store, &ids, "test").expect("one eval set");
    let from_runs = compare_runs(&sides, &l.artifacts(), &options, &NoProgress).expect("compared");
    let spec = CompareSpec {
        files: verdict_app::input::files(&files),
        val: Vec::new(),
        read: ReadOptions::default(),
        predictions: PredictionOptions::default(),
        options,
    };
    let from_files = compare(&spec, &NoProgress).expect("compared");
    assert_eq!(from_runs.names, vec!["r", "b", "c"]);
    let mut a = from_runs.clone();
    a.names = from_files.names.clone();
    a.sources = from_files.sources.clone();
    assert_eq!(
        verdict_report::compare::json(&a),
        verdict_report::compare::json(&from_files)
    );
}
