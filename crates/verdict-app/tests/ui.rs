//! The web UI's page data (`verdict_app::ui`) against a real SQLite ledger with evaluations
//! stored by `store_evaluation`: the compare page's paired tests are `verdict compare`'s on the
//! same files, a comparison across eval sets is refused, a run page's curves come downsampled with
//! the best of every point marked and every point on zoom, the runs table has a findings badge,
//! and artifacts are listed and previewed.

use std::path::{Path, PathBuf};
use verdict_app::NoProgress;
use verdict_app::eval::{EvalSpec, evaluate};
use verdict_app::ledger::{EvalTarget, run_artifacts, store_evaluation};
use verdict_io::{PredictionOptions, ReadOptions};
use verdict_report::ui::{CompareOutcome, Preview};
use verdict_store::{Metric, NewRun, Store};

use verdict_testkit::binary_predictions as predictions;

struct Ledger {
    dir: tempfile::TempDir,
    store: Store,
    experiment_id: String,
}

impl Ledger {
    fn new() -> Ledger {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("verdict.db");
        let store = Store::open(db.to_str().expect("utf-8 path")).expect("store opens");
        let experiment_id = store
            .create_experiment("exp", None, &[])
            .expect("experiment");
        Ledger {
            store,
            dir,
            experiment_id,
        }
    }

    fn artifacts(&self) -> PathBuf {
        self.dir.path().join("artifacts")
    }

    fn run(&self, name: &str, lr: &str) -> String {
        let id = self
            .store
            .create_run(&NewRun {
                experiment_id: self.experiment_id.clone(),
                user_id: None,
                run_name: Some(name.into()),
                start_time: Some(1),
                tags: Vec::new(),
            })
            .expect("run")
            .info
            .run_id;
        self.store
            .log_batch(&id, &[], &[verdict_store::Param::new("lr", lr)], &[])
            .expect("param");
        id
    }

    /// `verdict eval FILE --run ID --eval-name test`, as the CLI stores it.
    fn eval(&self, run_id: &str, file: &Path) {
        let spec = EvalSpec {
            file: file.to_path_buf(),
            read: ReadOptions::default(),
            predictions: PredictionOptions::default(),
            config: verdict_app::ui::compare_defaults().eval,
            groupings: Vec::new(),
            by: None,
            keep_predictions: true,
        };
        let report = evaluate(&spec, &NoProgress).expect("evaluates");
        let artifacts = self.artifacts();
        let target = EvalTarget {
            run_id,
            name: "test",
            artifacts: &artifacts,
            source: &file.display().to_string(),
            step: 0,
            lang: verdict_report::Lang::En,
        };
        store_evaluation(&self.store, &target, &report).expect("stored");
    }
}

#[test]
fn compare_page_tests_are_verdict_compares_and_refuse_other_eval_sets() {
    let l = Ledger::new();
    let (fa, fb) = (
        predictions(l.dir.path(), "base.csv", 120, 0.0),
        predictions(l.dir.path(), "tuned.csv", 120, 0.12),
    );
    let (a, b) = (l.run("base", "0.1"), l.run("tuned", "0.01"));
    l.eval(&a, &fa);
    l.eval(&b, &fb);
    let page = verdict_app::ui::compare(&l.store, &[a.clone(), b.clone()], "", "", &l.artifacts())
        .expect("page");
    assert_eq!(page.eval.as_deref(), Some("test"));
    assert_eq!(
        page.params,
        vec![(
            "lr".to_string(),
            vec![Some("0.1".into()), Some("0.01".into())]
        )]
    );
    let CompareOutcome::Compared(rep) = &page.outcome else {
        panic!("{:?}", page.outcome)
    };
    // The same paired tests as `verdict compare base.csv tuned.csv` with the command's defaults.
    let files = verdict_app::compare::compare(
        &verdict_app::compare::CompareSpec {
            files: vec![fa.clone().into(), fb.clone().into()],
            val: Vec::new(),
            read: ReadOptions::default(),
            predictions: PredictionOptions::default(),
            options: verdict_app::ui::compare_defaults(),
        },
        &NoProgress,
    )
    .expect("compare");
    assert_eq!(
        format!("{:?}", rep.result.comparisons),
        format!("{:?}", files.result.comparisons)
    );
    assert_eq!(rep.names, vec!["base", "tuned"]);
    // A third run evaluated on another eval set: refused, naming both sets.
    let c = l.run("other", "0.1");
    l.eval(&c, &predictions(l.dir.path(), "other.csv", 90, 0.05));
    let page = verdict_app::ui::compare(
        &l.store,
        &[a.clone(), c.clone()],
        "",
        "test",
        &l.artifacts(),
    )
    .expect("page");
    let CompareOutcome::Refused(why) = &page.outcome else {
        panic!("{:?}", page.outcome)
    };
    assert!(why.starts_with("refusing to compare"), "{why}");
    assert!(
        why.contains("(90 rows") && why.contains("(120 rows"),
        "{why}"
    );
    // One run: the experiment's runs to pick from; eleven: refused.
    let page = verdict_app::ui::compare(&l.store, std::slice::from_ref(&a), "", "", &l.artifacts())
        .expect("page");
    assert_eq!(page.choices.len(), 3);
    let many: Vec<String> = (0..11).map(|i| format!("r{i}")).collect();
    let e =
        verdict_app::ui::compare(&l.store, &many, "", "", &l.artifacts()).expect_err("too many");
    assert_eq!(e.kind(), verdict_store::ErrorKind::InvalidParameterValue);
}

#[test]
fn run_page_curves_are_downsampled_with_the_true_best_and_exact_on_zoom() {
    let l = Ledger::new();
    let id = l.run("long", "0.1");
    // 3,000 steps of a slowly falling val_loss with one sharp dip at step 1,234 (which the
    // store's sample of 1,000 points does not keep), and a train_loss.
    let mut points: Vec<Metric> = (0..3000)
        .map(|s| Metric::new("val_loss", 1.0 - s as f64 * 1e-4, 1, s))
        .collect();
    points[1234].value = 0.01;
    points.extend((0..3000).map(|s| Metric::new("train_loss", 1.0 - s as f64 * 2e-4, 1, s)));
    for chunk in points.chunks(1000) {
        l.store.log_batch(&id, chunk, &[], &[]).expect("log");
    }
    let page = verdict_app::ui::run(&l.store, &id, &l.artifacts(), None).expect("page");
    let h = &page.histories[0];
    assert_eq!(h.title, "loss");
    assert!(h.sampled);
    for (_, x, _) in &h.series {
        assert_eq!(x.len(), verdict_app::ui::CURVE_POINTS as usize);
        assert_eq!((x[0], x[x.len() - 1]), (0.0, 2999.0));
    }
    assert!(
        !h.series[1].1.contains(&1234.0),
        "the sample should miss the dip"
    );
    assert_eq!(h.best, Some((1234.0, 0.01)));
    // Zoomed: every point of the range, the best marked only when inside it.
    let page =
        verdict_app::ui::run(&l.store, &id, &l.artifacts(), Some((1200, 1300))).expect("page");
    let h = &page.histories[0];
    assert!(!h.sampled);
    assert_eq!(
        h.series[1].1,
        (1200..=1300).map(f64::from).collect::<Vec<_>>()
    );
    assert_eq!(h.best, Some((1234.0, 0.01)));
    let page = verdict_app::ui::run(&l.store, &id, &l.artifacts(), Some((0, 100))).expect("page");
    assert_eq!(page.histories[0].best, None);
    // The runs table's badge: the curve checks of this run (it ends far from its best).
    let runs =
        verdict_app::ui::runs(&l.store, &l.experiment_id, &Default::default()).expect("runs");
    let badge = runs.rows[0].findings.expect("a badge");
    let full = verdict_app::check::check_run(
        Some(&l.store),
        &verdict_app::check::RunCheckSpec {
            curves: verdict_app::check::Curves::Run {
                run_id: id.clone(),
                artifacts: l.artifacts(),
            },
            val_metric: None,
            train_metric: None,
            mode: None,
            pairs: Vec::new(),
            rules: Default::default(),
        },
    )
    .expect("check");
    assert!(!full.findings.is_empty());
    assert_eq!(badge.fail + badge.warn + badge.info, full.findings.len());
    assert!(runs.available.contains(&"params.lr".to_string()));
}

#[test]
fn artifacts_are_listed_and_previewed() {
    let l = Ledger::new();
    let id = l.run("arts", "0.1");
    let run = l.store.get_run(&id).expect("run");
    let (repo, base) = run_artifacts(&run.info.artifact_uri, &l.artifacts()).expect("repo");
    let put = |rel: &str, data: &[u8]| {
        repo.put(&verdict_app::ledger::join(&base, rel), data)
            .expect("put")
    };
    put("notes.txt", b"hello <b>");
    put("m/metrics.json", br#"{"b":1,"a":[1,2]}"#);
    let mut csv = String::from("x,y\n");
    for i in 0..30 {
        csv.push_str(&format!("{i},{}\n", i * 2));
    }
    put("m/table.csv", csv.as_bytes());
    put(
        "plot.svg",
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
    );
    put("blob.bin", &[0, 159, 146, 150]);
    let page = |p: &str| verdict_app::ui::artifacts(&l.store, &id, p, &l.artifacts());
    let root = page("").expect("root");
    let names: Vec<(String, bool)> = root
        .listing
        .expect("listing")
        .into_iter()
        .map(|e| (e.path, e.is_dir))
        .collect();
    assert_eq!(
        names,
        vec![
            ("m".into(), true),
            ("blob.bin".into(), false),
            ("notes.txt".into(), false),
            ("plot.svg".into(), false)
        ]
    );
    let sub = page("m").expect("dir");
    assert_eq!(sub.listing.expect("listing")[0].path, "m/metrics.json");
    let preview = |p: &str| page(p).expect("file").file.expect("a file").preview;
    assert_eq!(
        preview("notes.txt"),
        Preview::Text {
            text: "hello <b>".into(),
            cut: false
        }
    );
    assert_eq!(
        preview("m/metrics.json"),
        Preview::Text {
            text: "{\n  \"b\": 1,\n  \"a\": [\n    1,\n    2\n  ]\n}".into(),
            cut: false
        }
    );
    let Preview::Table { header, rows, more } = preview("m/table.csv") else {
        panic!("a table")
    };
    assert_eq!(header, vec!["x", "y"]);
    assert_eq!(rows.len(), verdict_app::ui::CSV_PREVIEW_ROWS);
    assert_eq!(rows[19], vec!["19", "38"]);
    assert!(more);
    assert_eq!(preview("plot.svg"), Preview::Image);
    assert_eq!(preview("blob.bin"), Preview::Binary);
    // A missing file is a 404, a path out of the root a 400.
    assert_eq!(
        page("nope.txt").expect_err("missing").kind(),
        verdict_store::ErrorKind::ResourceDoesNotExist
    );
    assert_eq!(
        page("../../x").expect_err("outside").kind(),
        verdict_store::ErrorKind::InvalidParameterValue
    );
}
