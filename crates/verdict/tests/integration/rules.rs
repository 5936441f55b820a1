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

/// A ledger with seed 003's rules attached to an experiment and two runs: `stopped` logged the whole
/// curve (a rollback fires at epoch 13), `calm` logged epochs 1–5 and finished.
fn ledger(dir: &Path) -> (String, String, String) {
    let db = dir.join("verdict.db");
    let url = db.to_str().expect("utf-8").to_string();
    let store = verdict_app::ledger::open(&url).expect("store");
    let exp = store
        .create_experiment("seed003", None, &[])
        .expect("experiment");
    let rules = root().join("examples/rules/rules.toml");
    let (code, out, err) = verdict(
        dir,
        &[
            "rules",
            "attach",
            "--experiment",
            "seed003",
            rules.to_str().expect("utf-8"),
            "--store",
            &url,
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("attached ruleset rules to experiment "),
        "{out}"
    );
    let text =
        std::fs::read_to_string(root().join("examples/rules/seed003_history.csv")).expect("csv");
    let rows: Vec<Vec<f64>> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(|c| c.parse().expect("number")).collect())
        .collect();
    let mut ids = Vec::new();
    for (name, epochs) in [("stopped", rows.len()), ("calm", 5)] {
        let run = store
            .create_run(&verdict_store::NewRun {
                experiment_id: exp.clone(),
                user_id: None,
                run_name: Some(name.into()),
                start_time: Some(1),
                tags: Vec::new(),
            })
            .expect("run");
        let id = run.info.run_id;
        for r in &rows[..epochs] {
            let step = r[0] as i64;
            let metrics: Vec<verdict_store::Metric> = ["val_loss", "avg_triplets", "val_r1"]
                .iter()
                .zip(&r[1..])
                .map(|(k, v)| verdict_store::Metric::new(*k, *v, 1000 + step, step))
                .collect();
            store.log_batch(&id, &metrics, &[], &[]).expect("log");
        }
        ids.push(id);
    }
    let calm = ids.pop().expect("calm");
    store
        .update_run(
            &calm,
            &verdict_store::RunUpdate {
                status: Some(verdict_store::RunStatus::Finished),
                end_time: Some(2),
                run_name: None,
            },
        )
        .expect("finish");
    (url, ids.pop().expect("stopped"), calm)
}

#[test]
fn attached_rules_run_on_cli_writes_and_watch_exits_3_on_a_stop() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (url, stopped, calm) = ledger(dir.path());
    let (code, out, err) = verdict(
        dir.path(),
        &["watch", &stopped, "--store", &url, "--interval", "0.05"],
    );
    assert_eq!(code, 3, "{out}{err}");
    assert!(
        out.contains("step 13     rollback  declined: val_r1 = 0.8652 at step 13"),
        "{out}"
    );
    assert!(out.contains("val_r1"), "{out}");
    assert!(out.contains("a rule ended the run: exit 3"), "{out}");
    let (code, out, err) = verdict(
        dir.path(),
        &["watch", &calm, "--store", &url, "--interval", "0.05"],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("FINISHED"), "{out}");
    let (code, out, _) = verdict(
        dir.path(),
        &["rules", "list", "--store", &url, "--format", "json"],
    );
    assert_eq!(code, 0);
    let listed: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(listed["rulesets"][0]["name"], "rules");
    assert_eq!(
        listed["rulesets"][0]["experiments"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    let (code, out, _) = verdict(
        dir.path(),
        &[
            "rules",
            "detach",
            "--experiment",
            "seed003",
            "--store",
            &url,
        ],
    );
    assert_eq!(
        (code, out.as_str()),
        (0, "detached ruleset rules from experiment seed003\n")
    );
    let (code, out, _) = verdict(
        dir.path(),
        &[
            "rules",
            "detach",
            "--experiment",
            "seed003",
            "--store",
            &url,
        ],
    );
    assert_eq!(
        (code, out.as_str()),
        (0, "experiment seed003 had no rules attached\n")
    );
    // rules check --run names the checkpoint logged at or before the rollback's best step (11).
    let store = verdict_app::ledger::open(&url).expect("store");
    let uri = store.get_run(&stopped).expect("run").info.artifact_uri;
    let rel = uri
        .strip_prefix("mlflow-artifacts:/")
        .expect("mlflow-artifacts URI");
    let ckpts = dir
        .path()
        .join("verdict-artifacts")
        .join(rel)
        .join("checkpoints");
    std::fs::create_dir_all(&ckpts).expect("mkdir");
    for e in [9, 11, 12] {
        std::fs::write(ckpts.join(format!("epoch={e:02}.ckpt")), "weights").expect("write");
    }
    let rules = root().join("examples/rules/rules.toml");
    let (code, out, err) = verdict(
        dir.path(),
        &[
            "rules",
            "check",
            rules.to_str().expect("utf-8"),
            "--run",
            &stopped,
            "--store",
            &url,
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let rep: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(rep["runs"][0]["checkpoint"], "checkpoints/epoch=11.ckpt");
    assert_eq!(rep["runs"][0]["ended"]["step"], 13);
    // Without rules, watch says how to attach some.
    let (code, _, err) = verdict(dir.path(), &["watch", &calm, "--store", &url]);
    assert_eq!(code, 2);
    assert!(err.contains("has no rules: attach some"), "{err}");
    // A bad rules file is refused before anything is stored.
    std::fs::write(dir.path().join("bad.toml"), "[[rule]]\nkind = \"nope\"\n").expect("write");
    let (code, _, err) = verdict(
        dir.path(),
        &[
            "rules",
            "attach",
            "--experiment",
            "seed003",
            "bad.toml",
            "--store",
            &url,
        ],
    );
    assert_eq!(code, 2);
    assert!(err.contains("bad.toml:2: rule[0].kind"), "{err}");
}
