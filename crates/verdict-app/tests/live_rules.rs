//! The live rules hook (`verdict_app::rules::LiveRules`) in a real ledger, on SQLite and on
//! PostgreSQL: seed 003's curve logged epoch by epoch decides as `verdict rules check --run` does
//! afterwards, the decision tags appear at the epoch they are made, a store reopened mid-run
//! ("a restart") decides exactly as the uninterrupted run, and a ruleset attached after a run
//! logged replays the run's history first.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use verdict_app::rules::{LiveRules, RulesCheckSpec, Target, check};
use verdict_store::{Metric, NewRun, Store, StoreOptions};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn options() -> StoreOptions {
    StoreOptions {
        rules_hook: Some(Arc::new(LiveRules::default())),
        ..StoreOptions::mlflow_artifacts()
    }
}

/// Seed 003's history: (epoch, metrics).
fn history() -> Vec<(i64, Vec<Metric>)> {
    let text = std::fs::read_to_string(root().join("examples/rules/seed003_history.csv"))
        .expect("history");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    lines
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            let epoch: i64 = cells[0].parse().expect("epoch");
            let metrics = header[1..]
                .iter()
                .zip(&cells[1..])
                .map(|(k, v)| Metric::new(*k, v.parse().expect("value"), 1000 + epoch, epoch))
                .collect();
            (epoch, metrics)
        })
        .collect()
}

fn tag(store: &Store, run: &str, key: &str) -> Option<String> {
    let run = store.get_run(run).expect("run");
    run.tags
        .iter()
        .find(|t| t.key == key)
        .map(|t| t.value.clone())
}

fn decisions(store: &Store, run: &str) -> Vec<(String, String, i64)> {
    store
        .rule_decisions(run)
        .expect("decisions")
        .into_iter()
        .map(|d| (d.rule, d.action, d.step))
        .collect()
}

fn scenario(url: &str) {
    let rules = root().join("examples/rules/rules.toml");
    let store = Store::open_with(url, &options()).expect("store");
    let exp = store
        .create_experiment("seed003", None, &[])
        .expect("experiment");
    verdict_app::rules::attach(&store, &exp, &rules, Some("seed003")).expect("attach");
    let new_run = |name: &str| {
        store
            .create_run(&NewRun {
                experiment_id: exp.clone(),
                run_name: Some(name.to_string()),
                user_id: None,
                start_time: None,
                tags: Vec::new(),
            })
            .expect("run")
            .info
            .run_id
    };
    // Uninterrupted.
    let a = new_run("a");
    for (epoch, metrics) in history() {
        store.log_batch(&a, &metrics, &[], &[]).expect("log");
        let word = tag(&store, &a, "verdict.decision");
        let want = if epoch < 13 { "continue" } else { "rollback" };
        assert_eq!(word.as_deref(), Some(want), "epoch {epoch}");
    }
    assert_eq!(tag(&store, &a, "verdict.best_step").as_deref(), Some("11"));
    assert_eq!(
        tag(&store, &a, "verdict.decision.step").as_deref(),
        Some("14")
    );
    assert_eq!(
        tag(&store, &a, "verdict.lr").as_deref(),
        Some("0.00004999999873689376")
    );
    let live = decisions(&store, &a);
    let after = check(
        Some(&store),
        &RulesCheckSpec {
            rules: rules.clone(),
            target: Target::Run(a.clone()),
            artifacts: PathBuf::from("unused"),
        },
    )
    .expect("check");
    let checked: Vec<(String, String, i64)> = after.runs[0]
        .replay
        .decisions
        .iter()
        .map(|d| (d.rule.clone(), d.action.as_str().to_string(), d.step))
        .collect();
    assert_eq!(live, checked);
    assert_eq!(live.len(), 3);

    // A restart after epoch 12: a new Store on the same database resumes from the stored state.
    let b = new_run("b");
    let h = history();
    for (_, metrics) in &h[..12] {
        store.log_batch(&b, metrics, &[], &[]).expect("log");
    }
    let reopened = Store::open_with(url, &options()).expect("reopen");
    for (_, metrics) in &h[12..] {
        reopened.log_batch(&b, metrics, &[], &[]).expect("log");
    }
    assert_eq!(decisions(&reopened, &b), live);

    // Attached after the run logged: the first write replays the history.
    let exp2 = store
        .create_experiment("late", None, &[])
        .expect("experiment");
    let c = store
        .create_run(&NewRun {
            experiment_id: exp2.clone(),
            run_name: Some("c".into()),
            user_id: None,
            start_time: None,
            tags: Vec::new(),
        })
        .expect("run")
        .info
        .run_id;
    for (_, metrics) in &h[..14] {
        store.log_batch(&c, metrics, &[], &[]).expect("log");
    }
    assert_eq!(tag(&store, &c, "verdict.decision"), None, "no rules yet");
    verdict_app::rules::attach(&store, &exp2, &rules, Some("seed003")).expect("attach");
    store.log_batch(&c, &h[14].1, &[], &[]).expect("log");
    assert_eq!(decisions(&store, &c), live);
    assert_eq!(
        tag(&store, &c, "verdict.decision").as_deref(),
        Some("rollback")
    );
}

#[test]
fn live_rules_decide_as_the_check_does_on_sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    scenario(dir.path().join("verdict.db").to_str().expect("utf-8"));
}

#[test]
fn live_rules_decide_as_the_check_does_on_postgres() {
    let Some(db) = verdict_store::testing::PgTestDb::create("live_rules", "verdict-app") else {
        return;
    };
    scenario(&db.url);
}
