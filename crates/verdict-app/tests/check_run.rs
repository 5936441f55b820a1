//! `check_run` on a real SQLite ledger: curves logged as a training loop logs them (seed 001
//! §4.1's numbers), a dataset input with the validation set's size, a stored evaluation whose
//! interval the validation value falls outside (seed 001 §5.10), and history files.

use std::path::{Path, PathBuf};
use verdict_app::NoProgress;
use verdict_app::check::{CheckRules, Curves, RunCheckSpec, check_run};
use verdict_app::eval::{EvalSpec, evaluate, point_config};
use verdict_app::ledger::{EvalTarget, store_evaluation};
use verdict_core::diagnostics::{Figure, Status};
use verdict_core::metrics::Direction;
use verdict_io::{PredictionOptions, ReadOptions};
use verdict_report::check::CheckReport;
use verdict_store::{Dataset, DatasetInput, Metric, NewRun, Store, Tag};

struct Ledger {
    dir: tempfile::TempDir,
    store: Store,
}

impl Ledger {
    fn new() -> Ledger {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path().join("v.db").to_str().expect("utf-8")).expect("store");
        Ledger { dir, store }
    }

    /// A run logging `curves` (key, values per epoch, steps from `first_step`).
    fn run(&self, name: &str, curves: &[(&str, &[f64])], first_step: i64) -> String {
        let experiment_id = match self.store.get_experiment_by_name("exp") {
            Ok(e) => e.experiment_id,
            Err(_) => self
                .store
                .create_experiment("exp", None, &[])
                .expect("experiment"),
        };
        let run = self
            .store
            .create_run(&NewRun {
                experiment_id,
                user_id: None,
                run_name: Some(name.into()),
                start_time: Some(1),
                tags: Vec::new(),
            })
            .expect("run");
        let id = run.info.run_id;
        let mut metrics = Vec::new();
        for (key, values) in curves {
            for (i, v) in values.iter().enumerate() {
                metrics.push(Metric::new(
                    *key,
                    *v,
                    1000 + i as i64,
                    first_step + i as i64,
                ));
            }
        }
        self.store
            .log_batch(&id, &metrics, &[], &[])
            .expect("logged");
        id
    }

    fn spec(&self, run_id: &str) -> RunCheckSpec {
        RunCheckSpec {
            curves: Curves::Run {
                run_id: run_id.to_owned(),
                artifacts: self.dir.path().join("artifacts"),
            },
            val_metric: None,
            train_metric: None,
            mode: None,
            pairs: Vec::new(),
            rules: CheckRules::default(),
        }
    }

    fn check(&self, spec: &RunCheckSpec) -> CheckReport {
        check_run(Some(&self.store), spec).expect("checked")
    }
}

fn ids(rep: &CheckReport) -> Vec<(&str, Status)> {
    rep.findings
        .iter()
        .map(|(_, f)| (f.check, f.status))
        .collect()
}

/// Seed 001 §4.1's rows as curves (verdict-testkit's shapes).
fn seed_curves(
    n: usize,
    best_at: usize,
    best: f64,
    last: f64,
    t0: f64,
    t1: f64,
) -> (Vec<f64>, Vec<f64>) {
    (
        verdict_testkit::curves::seed_loss(n, best_at, best, last),
        verdict_testkit::curves::falling(n, t0, t1),
    )
}

#[test]
fn seed_001_overfitting_severities_from_logged_curves() {
    let l = Ledger::new();
    for (name, n, best_at, best, last, t0, t1, severity, status) in [
        (
            "late_fusion_v2",
            12,
            5,
            0.475,
            0.584,
            1.118,
            0.191,
            "mild",
            Status::Info,
        ),
        (
            "resnet18_no_x",
            12,
            5,
            0.734,
            1.190,
            0.214,
            0.074,
            "severe",
            Status::Fail,
        ),
        (
            "drn_aspp",
            16,
            9,
            0.392,
            0.904,
            0.182,
            0.065,
            "severe",
            Status::Fail,
        ),
        (
            "cbam_768_no_x",
            8,
            1,
            0.484,
            1.166,
            0.220,
            0.063,
            "extreme",
            Status::Fail,
        ),
        (
            "hd_cnn_v2",
            14,
            7,
            2.437,
            11.508,
            2.539,
            0.747,
            "extreme",
            Status::Fail,
        ),
    ] {
        let (val, train) = seed_curves(n, best_at, best, last, t0, t1);
        // Logged from step 1 (Keras' epochs), as `mlflow.keras.autolog` does.
        let id = l.run(name, &[("val_loss", &val), ("loss", &train)], 1);
        let rep = l.check(&l.spec(&id));
        let curve = rep.curve.as_ref().expect("a curve");
        assert_eq!(
            (curve.val.as_str(), curve.train.as_deref()),
            ("val_loss", Some("loss"))
        );
        let o = curve.overfitting.as_ref().expect("judged");
        assert_eq!(o.severity.as_str(), severity, "{name}");
        assert_eq!((o.best + 1, o.epochs), (best_at, n), "{name}");
        assert_eq!(o.best_step, best_at as i64, "{name}");
        // No training failure: the training loss falls in every one of them.
        assert_eq!(ids(&rep), vec![("overfitting", status)], "{name}");
    }
}

#[test]
fn failed_training_and_implausible_validation() {
    let l = Ledger::new();
    // Seed 001 §7.1: DeepLabV3+ with a frozen backbone, val F1 0.302 on 5 classes; with a stored
    // evaluation of 5 classes the chance level is 1/5.
    let id = l.run(
        "deeplab_frozen",
        &[
            ("val_f1", &[0.21, 0.26, 0.29, 0.302, 0.30]),
            ("train_f1", &[0.25, 0.28, 0.3, 0.31, 0.32]),
        ],
        0,
    );
    let file = l.dir.path().join("five.csv");
    let mut text = String::from("id,label,pred\n");
    for i in 0..200 {
        text.push_str(&format!("r{i},c{},c{}\n", i % 5, (i * 7 % 11) % 5));
    }
    std::fs::write(&file, text).expect("write");
    store(&l, &id, &file, "test");
    let rep = l.check(&l.spec(&id));
    let failed = rep
        .findings
        .iter()
        .find(|(_, f)| f.check == "training_failed")
        .map(|(_, f)| f)
        .expect("training_failed");
    assert_eq!(failed.status, Status::Fail);
    assert_eq!(failed.number("chance"), Some(0.2));
    assert_eq!(
        failed.figure("reason"),
        Some(&Figure::Text("near_chance".into()))
    );

    // Seed 000: a validation loss of 0.0003 on 19 sequences.
    let id = l.run(
        "smile",
        &[
            ("val_loss", &[0.4, 0.05, 0.0003]),
            ("loss", &[0.6, 0.3, 0.1]),
        ],
        0,
    );
    l.store
        .log_inputs(
            &id,
            &[DatasetInput {
                dataset: Dataset {
                    name: "val".into(),
                    digest: "abc".into(),
                    source_type: "local".into(),
                    source: "val.csv".into(),
                    schema: None,
                    profile: Some(r#"{"num_rows": 19, "num_elements": 38}"#.into()),
                },
                tags: vec![Tag::new("mlflow.data.context", "validation")],
            }],
            &[],
        )
        .expect("inputs");
    let rep = l.check(&l.spec(&id));
    let f = rep
        .findings
        .iter()
        .find(|(_, f)| f.check == "implausible_validation")
        .map(|(_, f)| f)
        .expect("implausible_validation");
    assert_eq!(f.figure("val_rows"), Some(&Figure::Text("19".into())));
    assert_eq!(f.number("best"), Some(0.0003));
}

fn store(l: &Ledger, run_id: &str, file: &Path, name: &str) {
    store_with(l, run_id, file, name, 200, true);
}

/// `verdict eval FILE --run RUN_ID --eval-name NAME --bootstrap B` (with or without the
/// predictions).
fn store_with(l: &Ledger, run_id: &str, file: &Path, name: &str, bootstrap: usize, keep: bool) {
    let spec = EvalSpec {
        file: file.to_path_buf(),
        read: ReadOptions::default(),
        predictions: PredictionOptions::default(),
        config: verdict_core::eval::EvalConfig {
            bootstrap,
            ..point_config()
        },
        groupings: Vec::new(),
        by: None,
        keep_predictions: keep,
    };
    let ev = evaluate(&spec, &NoProgress).expect("evaluated");
    let artifacts = l.dir.path().join("artifacts");
    store_evaluation(
        &l.store,
        &EvalTarget {
            run_id,
            name,
            artifacts: &artifacts,
            source: "f",
            step: 0,
            lang: verdict_report::Lang::En,
        },
        &ev,
    )
    .expect("stored");
}

/// Seed 001 §5.10: validation F1 well above the test F1's interval; the evaluation's own findings
/// are listed with the run's.
#[test]
fn validation_against_the_stored_test_interval() {
    let l = Ledger::new();
    let id = l.run(
        "no_x",
        &[
            ("val_loss", &[0.7, 0.6, 0.65]),
            ("loss", &[0.8, 0.5, 0.3]),
            ("val_f1", &[0.71, 0.77, 0.74]),
        ],
        0,
    );
    // A 3-class test set on which the model is mediocre (macro F1 well below 0.77).
    let file = l.dir.path().join("test.csv");
    let mut text = String::from("id,label,pred\n");
    for i in 0..300 {
        let label = i % 3;
        let pred = if i % 5 < 3 { label } else { (label + 1) % 3 };
        text.push_str(&format!("r{i},{label},{pred}\n"));
    }
    std::fs::write(&file, text).expect("write");
    store(&l, &id, &file, "test");
    let rep = l.check(&l.spec(&id));
    let (eval, gap) = rep
        .findings
        .iter()
        .find(|(_, f)| f.check == "val_test_gap")
        .expect("val_test_gap");
    assert_eq!(eval.as_deref(), Some("test"));
    assert_eq!(gap.status, Status::Warn);
    // At the primary curve's (val_loss) best step, 1: val_f1 = 0.77.
    assert_eq!(gap.number("val"), Some(0.77));
    assert_eq!(
        gap.figure("test_metric"),
        Some(&Figure::Text("f1_macro".into()))
    );
    let test = gap.number("test").expect("test value");
    assert!((test - 0.6).abs() < 0.05, "{test}");
    // A given pair wins over the names.
    let mut spec = l.spec(&id);
    spec.pairs = vec![("val_f1".into(), "accuracy".into())];
    let rep = l.check(&spec);
    let gap = rep
        .findings
        .iter()
        .find(|(_, f)| f.check == "val_test_gap")
        .map(|(_, f)| f)
        .expect("val_test_gap");
    assert_eq!(
        gap.figure("test_metric"),
        Some(&Figure::Text("accuracy".into()))
    );
}

#[test]
fn named_curves_modes_and_missing_metrics() {
    let l = Ledger::new();
    let id = l.run(
        "r",
        &[
            ("val/iou", &[0.5, 0.6, 0.4]),
            ("train/iou", &[0.5, 0.7, 0.8]),
            ("avg_triplets", &[3.0, 3.0, 3.0]),
        ],
        0,
    );
    let rep = l.check(&l.spec(&id));
    let c = rep.curve.as_ref().expect("curve");
    assert_eq!(
        (c.val.as_str(), c.train.as_deref(), c.direction),
        ("val/iou", Some("train/iou"), Direction::Higher)
    );
    // A curve whose name gives no direction needs --mode.
    let mut spec = l.spec(&id);
    spec.val_metric = Some("avg_triplets".into());
    let err = check_run(Some(&l.store), &spec).expect_err("no direction");
    assert!(err.to_string().contains("give --mode min|max"), "{err}");
    spec.mode = Some(Direction::Lower);
    let rep = l.check(&spec);
    assert_eq!(
        rep.curve.as_ref().map(|c| c.val.as_str()),
        Some("avg_triplets")
    );
    // A missing metric names the ones there are.
    spec.val_metric = Some("val_loss".into());
    let err = check_run(Some(&l.store), &spec).expect_err("missing");
    assert!(err.to_string().contains("no such metric"), "{err}");
    assert!(err.to_string().contains("val/iou"), "{err}");
    // No validation curve at all: no curve findings, no error.
    let id = l.run("none", &[("lr", &[0.1, 0.01])], 0);
    let rep = l.check(&l.spec(&id));
    assert!(rep.curve.is_none() && rep.findings.is_empty());
}

fn history(dir: &Path, text: &str) -> PathBuf {
    let p = dir.join("history.csv");
    std::fs::write(&p, text).expect("write");
    p
}

#[test]
fn history_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = |p: PathBuf| RunCheckSpec {
        curves: Curves::File(p),
        val_metric: None,
        train_metric: None,
        mode: None,
        pairs: Vec::new(),
        rules: CheckRules::default(),
    };
    // Keras' history.csv, epochs from 0, an epoch logged twice (the later row wins), a NaN at
    // the end.
    let p = history(
        dir.path(),
        "epoch,loss,val_loss,note\n0,0.9,0.8,a\n1,0.7,0.6,b\n2,0.5,0.7,c\n2,0.5,0.65,d\n3,0.4,nan,e\n",
    );
    let rep = check_run(None, &spec(p)).expect("checked");
    let c = rep.curve.as_ref().expect("curve");
    let o = c.overfitting.as_ref().expect("judged");
    assert_eq!(o.epochs, 4);
    assert!(o.non_finite_after_best);
    assert_eq!(o.severity.as_str(), "extreme");
    let failed = rep
        .findings
        .iter()
        .find(|(_, f)| f.check == "training_failed")
        .map(|(_, f)| f)
        .expect("non-finite");
    assert_eq!(
        failed.figure("reason"),
        Some(&Figure::Text("non_finite".into()))
    );
    // One epoch, no epoch column: nothing to say but `none`.
    let p = history(dir.path(), "loss,val_loss\n0.5,0.4\n");
    let rep = check_run(None, &spec(p)).expect("checked");
    assert_eq!(ids(&rep), vec![("overfitting", Status::Pass)]);
    // A bad epoch cell names the file, line and column.
    let p = history(dir.path(), "epoch,val_loss\n0,0.5\nx,0.4\n");
    let err = check_run(None, &spec(p)).expect_err("bad epoch");
    let msg = err.to_string();
    assert!(
        msg.contains("history.csv") && msg.contains("epoch"),
        "{msg}"
    );
}

/// A binary prediction file of 150 rows (`offset` shifts the eval set's labels: another eval
/// set); `skill` moves the scores towards the labels (another model).
fn binary_file(dir: &Path, name: &str, offset: usize, skill: f64) -> PathBuf {
    let mut text = String::from("id,label,score\n");
    for i in 0..150 {
        let label = (i + offset).is_multiple_of(3);
        let noise = (i * 37 % 100) as f64 / 100.0;
        let score = (noise + if label { skill } else { 0.0 }) / (1.0 + skill);
        text.push_str(&format!("r{i},{},{score}\n", u8::from(label)));
    }
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write");
    p
}

fn store_kept(l: &Ledger, run_id: &str, file: &Path, keep: bool) {
    store_with(l, run_id, file, "test", 100, keep);
}

#[test]
fn experiment_leaderboards_per_eval_set_with_paired_tests() {
    use verdict_app::check::{ExperimentCheckSpec, check_experiment};
    use verdict_app::compare::{CompareOptions, CompareSpec, compare};
    let l = Ledger::new();
    let d = l.dir.path();
    let (val, train) = seed_curves(8, 1, 0.484, 1.166, 0.22, 0.063);
    let a = l.run("a", &[("val_loss", &val), ("loss", &train)], 1);
    let b = l.run(
        "b",
        &[("val_loss", &[0.5, 0.4, 0.41]), ("loss", &[0.6, 0.4, 0.3])],
        1,
    );
    let c = l.run("c", &[("val_loss", &[0.5, 0.45]), ("loss", &[0.6, 0.5])], 1);
    let old = l.run("old", &[("lr", &[0.1])], 1);
    let files = [
        binary_file(d, "a.csv", 0, 0.2),
        binary_file(d, "b.csv", 0, 0.6),
        binary_file(d, "c.csv", 0, 0.4),
        binary_file(d, "old.csv", 1, 0.9),
    ];
    store_kept(&l, &old, &files[3], true);
    store_kept(&l, &a, &files[0], true);
    store_kept(&l, &b, &files[1], true);
    store_kept(&l, &c, &files[2], false);
    let spec = ExperimentCheckSpec {
        experiment: "exp".into(),
        eval_name: "test".into(),
        artifacts: d.join("artifacts"),
        run: l.spec(&a),
        compare: CompareOptions {
            eval: point_config(),
            metric: None,
            baseline: None,
            alpha: 0.05,
            power: 0.8,
            permutations: 0,
        },
    };
    let rep = check_experiment(&l.store, &spec, &NoProgress).expect("checked");
    // The overfitting table: every run, the one without a validation curve not judged.
    let sev: Vec<(&str, Option<&str>)> = rep
        .runs
        .iter()
        .map(|r| {
            (
                r.run_name.as_str(),
                r.curve
                    .as_ref()
                    .and_then(|c| c.overfitting.as_ref())
                    .map(|o| o.severity.as_str()),
            )
        })
        .collect();
    assert_eq!(
        sev,
        vec![
            ("a", Some("extreme")),
            ("b", Some("none")),
            ("c", Some("none")),
            ("old", None)
        ]
    );
    // Two eval sets, the newest first: a, b, c on the current one, `old` alone on the older.
    assert_eq!(rep.leaderboards.len(), 2);
    let current = &rep.leaderboards[0];
    let names: Vec<&str> = current
        .entries
        .iter()
        .map(|e| e.run_name.as_str())
        .collect();
    assert_eq!(names, vec!["b", "c", "a"]);
    assert_eq!(current.metric, "roc_auc");
    assert_eq!(current.rows, 150);
    assert_eq!(
        current.classes,
        vec![("0".to_string(), 100), ("1".to_string(), 50)]
    );
    assert_eq!(rep.leaderboards[1].entries[0].run_name, "old");
    // c kept no predictions: shown, not tested; a is tested against b exactly as verdict compare
    // tests the two files (b the baseline).
    let c_row = &current.entries[1];
    assert!(c_row.test.is_none());
    assert_eq!(
        c_row.not_tested_because.as_deref(),
        Some("no stored predictions")
    );
    let a_row = &current.entries[2];
    let test = a_row.test.as_ref().expect("tested");
    let cmp = compare(
        &CompareSpec {
            files: vec![files[1].clone().into(), files[0].clone().into()],
            val: Vec::new(),
            read: ReadOptions::default(),
            predictions: PredictionOptions::default(),
            options: CompareOptions {
                metric: Some("roc_auc".into()),
                ..spec.compare.clone()
            },
        },
        &NoProgress,
    )
    .expect("compared");
    assert_eq!(test.p_value, cmp.result.comparisons[0].p_value);
    assert_eq!(test.p_holm, cmp.result.comparisons[0].p_holm);
    assert_eq!(test.test, "DeLong");
    // split_changed first, naming the run that is best only on the older set.
    let (run, _, f) = &rep.findings[0];
    assert!(run.is_none());
    assert_eq!(f.check, "split_changed");
    assert_eq!(f.figure("older_best"), Some(&Figure::Text("old".into())));
    assert!(rep.worst() == Status::Fail);
}
