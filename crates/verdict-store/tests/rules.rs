//! Live training rules in the store (`verdict_store::rules`): rulesets and attachments, and the
//! hook on the metric write path, with a small deterministic test hook.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use verdict_store::rules::{ERROR_TAG, RULES_TAG};
use verdict_store::{
    BackendKind, ErrorKind, HookInput, HookOutput, Metric, NewDecision, Param, RulesHook, Store,
    StoreOptions, Tag,
};

use crate::cases::{
    FAIL_LOGGED_MODEL_METRICS_PG, FAIL_LOGGED_MODEL_METRICS_SQLITE, UNFAIL_LOGGED_MODEL_METRICS,
    history, m, new_run,
};
use crate::harness::{TestDb, err_kind};

/// The test hook. The ruleset text is `above = X` (`fail` anywhere: the hook fails). Its state
/// is `count=N`, the points seen (a replayed history included). Every new point above X is a
/// `stop` decision of rule `cap` and sets `verdict.decision=stop` and `verdict.decision.step`
/// (replayed points make no decisions again). A point named `boom` makes it fail; one named
/// `badreason` makes it return a reason that is not JSON.
#[derive(Debug, Default)]
struct CountingHook {
    /// Every call, retried transactions and rolled-back writes included.
    calls: AtomicUsize,
    /// Calls without a state (replays).
    replays: AtomicUsize,
    /// The (key, step) of the history of the last replay.
    last_history: Mutex<Vec<(String, i64)>>,
}

fn parse_state(s: &str) -> Option<usize> {
    s.strip_prefix("count=")?.parse().ok()
}

impl RulesHook for CountingHook {
    fn on_metrics(&self, input: &HookInput<'_>) -> Result<HookOutput, String> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if input.text.contains("fail") {
            return Err("the test hook fails on purpose".into());
        }
        let above: f64 = input
            .text
            .trim()
            .strip_prefix("above = ")
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| format!("bad ruleset text {:?}", input.text))?;
        let mut count = match input.state {
            Some(s) => {
                assert!(input.history.is_empty(), "a history given with a state");
                parse_state(s).ok_or_else(|| format!("bad state {s:?}"))?
            }
            None => {
                self.replays.fetch_add(1, Ordering::SeqCst);
                *self.last_history.lock().expect("lock") = input
                    .history
                    .iter()
                    .map(|p| (p.key.clone(), p.step))
                    .collect();
                input.history.len()
            }
        };
        let mut out = HookOutput::default();
        for p in input.metrics {
            count += 1;
            if p.key == "boom" {
                return Err("boom at the point named boom".into());
            }
            if p.key == "badreason" {
                out.decisions.push(NewDecision {
                    rule: "cap".into(),
                    action: "stop".into(),
                    step: p.step,
                    metric: p.key.clone(),
                    reason: "not json".into(),
                });
            }
            if p.value > above {
                out.decisions.push(NewDecision {
                    rule: "cap".into(),
                    action: "stop".into(),
                    step: p.step,
                    metric: p.key.clone(),
                    reason: format!(
                        r#"{{"value": {}, "above": {above}, "count": {count}}}"#,
                        p.value
                    ),
                });
                out.tags.push(Tag::new("verdict.decision", "stop"));
                out.tags
                    .push(Tag::new("verdict.decision.step", p.step.to_string()));
            }
        }
        out.state = format!("count={count}");
        Ok(out)
    }
}

fn with_hook(db: &TestDb) -> (Store, Arc<CountingHook>) {
    let hook = Arc::new(CountingHook::default());
    let store = db.open_with(&StoreOptions {
        rules_hook: Some(hook.clone()),
        ..StoreOptions::mlflow_artifacts()
    });
    (store, hook)
}

fn tag(s: &Store, run_id: &str, key: &str) -> Option<String> {
    s.get_run(run_id)
        .expect("get run")
        .tags
        .into_iter()
        .find(|t| t.key == key)
        .map(|t| t.value)
}

/// `(ruleset, count)` of the run's stored state.
fn state(s: &Store, run_id: &str) -> Option<(String, usize)> {
    s.rule_state(run_id)
        .expect("rule state")
        .map(|(name, st)| (name, parse_state(&st).expect("state shape")))
}

fn decision_steps(s: &Store, run_id: &str) -> Vec<(i64, i64)> {
    s.rule_decisions(run_id)
        .expect("decisions")
        .into_iter()
        .map(|d| (d.seq, d.step))
        .collect()
}

/// Rulesets: put, replace, list, attach (one per experiment), detach, delete and every
/// refusal.
pub(crate) fn rules_rulesets_and_attachments(db: &TestDb) {
    let s = db.open();
    let exp = s.create_experiment("ruled", None, &[]).expect("exp");
    let gone = s.create_experiment("gone", None, &[]).expect("exp");
    s.delete_experiment(&gone).expect("delete exp");
    assert_eq!(s.rulesets().expect("list"), vec![]);
    assert_eq!(s.ruleset("b").expect("get"), None);

    s.put_ruleset("b", "above = 1").expect("put b");
    s.put_ruleset("a", "above = 2").expect("put a");
    s.put_ruleset("Z", "above = 3").expect("put Z");
    let created = s.ruleset("b").expect("get").expect("b").created;
    s.put_ruleset("b", "above = 10").expect("replace b");
    let b = s.ruleset("b").expect("get").expect("b");
    assert_eq!(
        (b.name.as_str(), b.text.as_str(), b.created),
        ("b", "above = 10", created)
    );
    assert!(b.experiments.is_empty());
    let names: Vec<String> = s
        .rulesets()
        .expect("list")
        .into_iter()
        .map(|r| r.name)
        .collect();
    assert_eq!(names, ["Z", "a", "b"]);
    for (bad, needle) in [("", "non-empty"), (&*"x".repeat(251), "at most 250")] {
        let (k, msg) = err_kind(s.put_ruleset(bad, "above = 1"));
        assert_eq!(k, ErrorKind::InvalidParameterValue);
        assert!(msg.contains(needle), "{msg}");
    }
    let (k, _) = err_kind(s.put_ruleset("huge", &"#".repeat(1024 * 1024 + 1)));
    assert_eq!(k, ErrorKind::InvalidParameterValue);

    // Attach: the ruleset must exist, the experiment exist and be active.
    assert_eq!(s.attached_rules(&exp).expect("attached"), None);
    let (k, msg) = err_kind(s.attach_rules(&exp, "nope"));
    assert_eq!(k, ErrorKind::ResourceDoesNotExist);
    assert!(msg.contains("nope"), "{msg}");
    assert_eq!(
        err_kind(s.attach_rules("999", "a")).0,
        ErrorKind::ResourceDoesNotExist
    );
    assert_eq!(
        err_kind(s.attach_rules("x", "a")).0,
        ErrorKind::InvalidParameterValue
    );
    let (k, msg) = err_kind(s.attach_rules(&gone, "a"));
    assert_eq!(k, ErrorKind::InvalidParameterValue);
    assert!(msg.contains("active"), "{msg}");
    s.attach_rules(&exp, "a").expect("attach a");
    s.attach_rules("0", "a").expect("attach a to Default");
    assert_eq!(
        s.attached_rules(&exp).expect("attached").as_deref(),
        Some("a")
    );
    // One per experiment: attaching another replaces it.
    s.attach_rules(&exp, "b").expect("attach b");
    assert_eq!(
        s.attached_rules(&exp).expect("attached").as_deref(),
        Some("b")
    );
    let list = s.rulesets().expect("list");
    let experiments: Vec<(&str, Vec<String>)> = list
        .iter()
        .map(|r| (r.name.as_str(), r.experiments.clone()))
        .collect();
    assert_eq!(
        experiments,
        [
            ("Z", vec![]),
            ("a", vec!["0".to_owned()]),
            ("b", vec![exp.clone()])
        ]
    );
    assert_eq!(
        s.ruleset("b").expect("get").expect("b").experiments,
        vec![exp.clone()]
    );

    // Delete: refused while attached, unknown is RESOURCE_DOES_NOT_EXIST.
    let (k, msg) = err_kind(s.delete_ruleset("b"));
    assert_eq!(k, ErrorKind::InvalidParameterValue);
    assert!(msg.contains(&format!("experiment(s) {exp}")), "{msg}");
    assert_eq!(
        err_kind(s.delete_ruleset("nope")).0,
        ErrorKind::ResourceDoesNotExist
    );
    assert!(s.detach_rules(&exp).expect("detach"));
    assert!(!s.detach_rules(&exp).expect("detach again"));
    assert_eq!(s.attached_rules(&exp).expect("attached"), None);
    assert_eq!(
        err_kind(s.detach_rules("999")).0,
        ErrorKind::ResourceDoesNotExist
    );
    assert_eq!(
        err_kind(s.attached_rules("999")).0,
        ErrorKind::ResourceDoesNotExist
    );
    s.delete_ruleset("b").expect("delete b");
    assert_eq!(s.ruleset("b").expect("get"), None);
    // Runs: the decisions and state of an unknown run are RESOURCE_DOES_NOT_EXIST.
    assert_eq!(
        err_kind(s.rule_decisions("0123")).0,
        ErrorKind::ResourceDoesNotExist
    );
    assert_eq!(
        err_kind(s.rule_state("0123")).0,
        ErrorKind::ResourceDoesNotExist
    );
    // Everything survives a reopen.
    let again = db.open();
    assert_eq!(again.rulesets().expect("list"), s.rulesets().expect("list"));
}

/// The hook runs inside the write's transaction: its state, decisions and tags are stored with
/// the points, and a write that fails after the hook ran (a param conflict, a failing
/// statement) stores none of them.
pub(crate) fn rules_hook_runs_in_the_write_transaction(db: &TestDb) {
    let (s, hook) = with_hook(db);
    let exp = s.create_experiment("live", None, &[]).expect("exp");
    s.put_ruleset("cap", "above = 5").expect("put");
    s.attach_rules(&exp, "cap").expect("attach");
    let run = new_run(&s, &exp, "r");
    s.log_param(&run, "lr", "0.1").expect("param");

    s.log_metric(&run, &m("loss", 1.0, 10, 0)).expect("metric");
    assert_eq!(state(&s, &run), Some(("cap".into(), 1)));
    assert_eq!(tag(&s, &run, "verdict.decision"), None);
    s.log_batch(
        &run,
        &[
            m("loss", 7.0, 11, 1),
            m("loss", 2.0, 12, 2),
            m("acc", 9.0, 12, 2),
        ],
        &[],
        &[],
    )
    .expect("batch");
    assert_eq!(state(&s, &run), Some(("cap".into(), 4)));
    let ds = s.rule_decisions(&run).expect("decisions");
    assert_eq!(ds.len(), 2);
    assert_eq!(
        ds.iter()
            .map(|d| (
                d.seq,
                d.rule.as_str(),
                d.action.as_str(),
                d.step,
                d.metric.as_str()
            ))
            .collect::<Vec<_>>(),
        [(1, "cap", "stop", 1, "loss"), (2, "cap", "stop", 2, "acc")]
    );
    assert!(ds.iter().all(|d| d.ruleset == "cap" && d.timestamp > 0));
    let reason: serde_json::Value = serde_json::from_str(&ds[0].reason).expect("json");
    assert_eq!(reason["value"], 7.0);
    assert_eq!(reason["count"], 2);
    assert_eq!(tag(&s, &run, "verdict.decision").as_deref(), Some("stop"));
    assert_eq!(tag(&s, &run, "verdict.decision.step").as_deref(), Some("2"));

    // A param conflict in the same log_batch: the hook ran, nothing of the write is stored.
    let before = s.get_run(&run).expect("get");
    let calls = hook.calls.load(Ordering::SeqCst);
    let (k, msg) = err_kind(s.log_batch(
        &run,
        &[m("loss", 50.0, 13, 3)],
        &[Param::new("lr", "0.2")],
        &[Tag::new("t", "v")],
    ));
    assert_eq!(k, ErrorKind::InvalidParameterValue);
    assert!(msg.contains("Changing param values"), "{msg}");
    assert!(hook.calls.load(Ordering::SeqCst) > calls, "the hook ran");
    assert_eq!(s.get_run(&run).expect("get"), before);
    assert_eq!(state(&s, &run), Some(("cap".into(), 4)));
    assert_eq!(s.rule_decisions(&run).expect("decisions"), ds);
    assert_eq!(history(&s, &run, "loss").len(), 3);

    // A statement that fails after the hook's rows were written (the logged-model metric rows
    // come last): the transaction leaves no decision, tag or state behind.
    db.execute_raw(match db.backend() {
        BackendKind::Sqlite => FAIL_LOGGED_MODEL_METRICS_SQLITE,
        BackendKind::Postgres => FAIL_LOGGED_MODEL_METRICS_PG,
    });
    let mut linked = m("loss", 60.0, 14, 4);
    linked.model_id = Some("m-0123".into());
    let calls = hook.calls.load(Ordering::SeqCst);
    let r = s.log_batch(&run, &[m("acc", 70.0, 14, 4), linked], &[], &[]);
    assert!(
        r.as_ref()
            .is_err_and(|e| e.to_string().contains("injected failure")),
        "{r:?}"
    );
    assert!(hook.calls.load(Ordering::SeqCst) > calls, "the hook ran");
    assert_eq!(s.get_run(&run).expect("get"), before);
    assert_eq!(state(&s, &run), Some(("cap".into(), 4)));
    assert_eq!(s.rule_decisions(&run).expect("decisions"), ds);
    let on_table = match db.backend() {
        BackendKind::Sqlite => "",
        BackendKind::Postgres => " ON logged_model_metrics",
    };
    db.execute_raw(&format!("{UNFAIL_LOGGED_MODEL_METRICS}{on_table}"));

    // The next write goes on from the stored state; decisions keep their order.
    s.log_metric(&run, &m("loss", 8.0, 15, 5)).expect("metric");
    assert_eq!(state(&s, &run), Some(("cap".into(), 5)));
    assert_eq!(decision_steps(&s, &run), [(1, 1), (2, 2), (3, 5)]);
    // Writes without metrics do not call the hook.
    let calls = hook.calls.load(Ordering::SeqCst);
    s.set_tag(&run, "x", "y").expect("tag");
    s.log_batch(&run, &[], &[Param::new("p", "1")], &[Tag::new("y", "z")])
        .expect("batch without metrics");
    assert_eq!(hook.calls.load(Ordering::SeqCst), calls);
}

/// The state round-trips; the first evaluation and a changed ruleset text replay the run's
/// whole history in (key, step, timestamp) order; a reopened store resumes from the stored
/// state.
pub(crate) fn rules_state_replay_and_restart(db: &TestDb) {
    let (s, hook) = with_hook(db);
    let exp = s.create_experiment("replay", None, &[]).expect("exp");
    let run = new_run(&s, &exp, "r");
    // Points logged before any rules exist: no state, no decisions.
    s.log_batch(
        &run,
        &[
            m("loss", 9.0, 3, 2),
            m("acc", 0.5, 1, 0),
            m("loss", 8.0, 1, 0),
            m("loss", 8.5, 2, 0),
            m("acc", 0.6, 1, 1),
        ],
        &[],
        &[],
    )
    .expect("batch");
    assert_eq!(hook.calls.load(Ordering::SeqCst), 0);
    assert_eq!(s.rule_state(&run).expect("state"), None);

    s.put_ruleset("cap", "above = 100").expect("put");
    s.attach_rules(&exp, "cap").expect("attach");
    s.log_metric(&run, &m("loss", 7.0, 4, 3)).expect("metric");
    let replayed = hook.last_history.lock().expect("lock").clone();
    let keys: Vec<(&str, i64)> = replayed.iter().map(|(k, st)| (k.as_str(), *st)).collect();
    assert_eq!(
        keys,
        [
            ("acc", 0),
            ("acc", 1),
            ("loss", 0),
            ("loss", 0),
            ("loss", 2)
        ]
    );
    assert_eq!(state(&s, &run), Some(("cap".into(), 6)));
    // The state comes back: no replay.
    s.log_metric(&run, &m("loss", 6.0, 5, 4)).expect("metric");
    assert_eq!(state(&s, &run), Some(("cap".into(), 7)));

    // A restart (another store, another hook object) resumes from the stored state.
    drop(s);
    let (s, hook2) = with_hook(db);
    s.log_metric(&run, &m("loss", 5.0, 6, 5)).expect("metric");
    assert_eq!(state(&s, &run), Some(("cap".into(), 8)));
    assert_eq!(hook2.calls.load(Ordering::SeqCst), 1);
    assert_eq!(hook2.replays.load(Ordering::SeqCst), 0);

    // A changed text starts over from a replay of everything stored before the write; the
    // replayed points make no decisions again, new ones do.
    s.put_ruleset("cap", "above = 5.5").expect("replace");
    s.log_metric(&run, &m("loss", 6.5, 7, 6)).expect("metric");
    assert_eq!(hook2.last_history.lock().expect("lock").len(), 8);
    assert_eq!(state(&s, &run), Some(("cap".into(), 9)));
    assert_eq!(decision_steps(&s, &run), [(1, 6)]);
    // Another ruleset (by the run's tag) starts over too, and keeps the decision history.
    s.put_ruleset("other", "above = 0").expect("put");
    s.set_tag(&run, RULES_TAG, "other").expect("tag");
    s.log_metric(&run, &m("acc", 0.7, 8, 7)).expect("metric");
    assert_eq!(state(&s, &run), Some(("other".into(), 10)));
    let ds = s.rule_decisions(&run).expect("decisions");
    assert_eq!(
        ds.iter()
            .map(|d| (d.seq, d.ruleset.as_str()))
            .collect::<Vec<_>>(),
        [(1, "cap"), (2, "other")]
    );
}

/// `verdict.rules` overrides the experiment's attachment (also when set in the same write); a
/// tag naming no ruleset stores the points and sets the error tag, which the next successful
/// evaluation removes; a store without a hook evaluates nothing.
pub(crate) fn rules_tag_overrides_and_unknown_rulesets(db: &TestDb) {
    let (s, hook) = with_hook(db);
    let exp = s.create_experiment("tagged", None, &[]).expect("exp");
    s.put_ruleset("attached", "above = 100").expect("put");
    s.put_ruleset("own", "above = 1").expect("put");
    s.attach_rules(&exp, "attached").expect("attach");

    let plain = new_run(&s, &exp, "plain");
    s.log_metric(&plain, &m("loss", 2.0, 1, 0)).expect("metric");
    assert_eq!(state(&s, &plain).map(|t| t.0).as_deref(), Some("attached"));
    assert!(s.rule_decisions(&plain).expect("decisions").is_empty());

    // The tag, set in the same batch as the points, wins over the attachment.
    let own = new_run(&s, &exp, "own");
    s.log_batch(
        &own,
        &[m("loss", 2.0, 1, 0)],
        &[],
        &[Tag::new(RULES_TAG, "own")],
    )
    .expect("batch");
    assert_eq!(state(&s, &own).map(|t| t.0).as_deref(), Some("own"));
    assert_eq!(decision_steps(&s, &own), [(1, 0)]);
    assert_eq!(tag(&s, &own, "verdict.decision").as_deref(), Some("stop"));

    // A run in an experiment without rules, with the tag.
    let free = new_run(&s, "0", "free");
    s.set_tag(&free, RULES_TAG, "own").expect("tag");
    s.log_metric(&free, &m("loss", 3.0, 1, 0)).expect("metric");
    assert_eq!(decision_steps(&s, &free), [(1, 0)]);

    // An unknown ruleset: the points are stored, the error tag says why, nothing else moves.
    s.set_tag(&own, RULES_TAG, "missing").expect("tag");
    s.log_batch(
        &own,
        &[m("loss", 4.0, 2, 1), m("loss", 5.0, 3, 2)],
        &[],
        &[],
    )
    .expect("batch with an unknown ruleset");
    assert_eq!(history(&s, &own, "loss").len(), 3);
    assert_eq!(
        tag(&s, &own, ERROR_TAG).as_deref(),
        Some("unknown ruleset missing")
    );
    assert_eq!(state(&s, &own), Some(("own".into(), 1)));
    assert_eq!(decision_steps(&s, &own), [(1, 0)]);
    // Back to a known one: it replays, and the error tag goes.
    s.set_tag(&own, RULES_TAG, "attached").expect("tag");
    s.log_metric(&own, &m("loss", 6.0, 4, 3)).expect("metric");
    assert_eq!(tag(&s, &own, ERROR_TAG), None);
    assert_eq!(state(&s, &own), Some(("attached".into(), 4)));
    // An empty tag falls back to the attachment, or to no rules.
    let fallback = new_run(&s, &exp, "fallback");
    s.set_tag(&fallback, RULES_TAG, "").expect("tag");
    s.log_metric(&fallback, &m("loss", 3.0, 1, 0))
        .expect("metric");
    assert_eq!(
        state(&s, &fallback).map(|t| t.0).as_deref(),
        Some("attached")
    );
    let calls = hook.calls.load(Ordering::SeqCst);
    s.set_tag(&free, RULES_TAG, "").expect("tag");
    s.log_metric(&free, &m("loss", 3.0, 2, 1)).expect("metric");
    assert_eq!(hook.calls.load(Ordering::SeqCst), calls);
    let detached = new_run(&s, "0", "none");
    s.log_metric(&detached, &m("loss", 3.0, 1, 0))
        .expect("metric");
    assert_eq!(state(&s, &detached), None);

    // Deleting a ruleset that runs name by tag: they get the error tag, keep their history.
    s.set_tag(&free, RULES_TAG, "own").expect("tag");
    s.delete_ruleset("own").expect("delete");
    s.log_metric(&free, &m("loss", 3.0, 3, 2)).expect("metric");
    assert_eq!(
        tag(&s, &free, ERROR_TAG).as_deref(),
        Some("unknown ruleset own")
    );
    assert_eq!(decision_steps(&s, &free), [(1, 0)]);

    // Without a hook the store evaluates nothing, whatever is attached or tagged.
    let bare = db.open();
    let untouched = new_run(&bare, &exp, "bare");
    bare.log_metric(&untouched, &m("loss", 500.0, 1, 0))
        .expect("metric");
    assert_eq!(bare.rule_state(&untouched).expect("state"), None);
    assert!(
        bare.rule_decisions(&untouched)
            .expect("decisions")
            .is_empty()
    );
    assert_eq!(tag(&bare, &untouched, ERROR_TAG), None);
}

/// A failing hook, or an output the store refuses, never loses the points: they are stored,
/// the error tag carries the message, the state and decisions stay.
pub(crate) fn rules_hook_errors_keep_the_metrics(db: &TestDb) {
    let (s, _hook) = with_hook(db);
    let exp = s.create_experiment("failing", None, &[]).expect("exp");
    s.put_ruleset("cap", "above = 5").expect("put");
    s.attach_rules(&exp, "cap").expect("attach");
    let run = new_run(&s, &exp, "r");
    s.log_metric(&run, &m("loss", 9.0, 1, 0)).expect("metric");
    assert_eq!(state(&s, &run), Some(("cap".into(), 1)));

    s.log_batch(
        &run,
        &[m("loss", 9.0, 2, 1), m("boom", 1.0, 2, 1)],
        &[],
        &[],
    )
    .expect("a failing hook does not fail the write");
    assert_eq!(history(&s, &run, "loss").len(), 2);
    assert_eq!(history(&s, &run, "boom").len(), 1);
    assert_eq!(
        tag(&s, &run, ERROR_TAG).as_deref(),
        Some("boom at the point named boom")
    );
    assert_eq!(state(&s, &run), Some(("cap".into(), 1)));
    assert_eq!(decision_steps(&s, &run), [(1, 0)]);

    // A reason that is not a JSON object is refused as a whole output.
    s.log_metric(&run, &m("badreason", 1.0, 3, 2))
        .expect("a refused output does not fail the write");
    let msg = tag(&s, &run, ERROR_TAG).expect("error tag");
    assert!(msg.contains("not a JSON object"), "{msg}");
    assert_eq!(decision_steps(&s, &run), [(1, 0)]);
    // The next good write clears the error; the state went on from the last good one.
    s.log_metric(&run, &m("loss", 1.0, 4, 3)).expect("metric");
    assert_eq!(tag(&s, &run, ERROR_TAG), None);
    assert_eq!(state(&s, &run), Some(("cap".into(), 2)));

    // A ruleset the hook refuses: every write is stored and tagged.
    s.put_ruleset("cap", "fail").expect("replace");
    s.log_metric(&run, &m("loss", 1.0, 5, 4)).expect("metric");
    assert_eq!(
        tag(&s, &run, ERROR_TAG).as_deref(),
        Some("the test hook fails on purpose")
    );
    assert_eq!(history(&s, &run, "loss").len(), 4);
}

/// Writers to one run never lose a state update: eight threads on two store handles log to
/// one run, and the hook's count is every point.
pub(crate) fn rules_concurrent_writers_lose_no_state(db: &TestDb) {
    let (first, h1) = with_hook(db);
    let (second, h2) = with_hook(db);
    let exp = first.create_experiment("busy", None, &[]).expect("exp");
    first.put_ruleset("cap", "above = 1000").expect("put");
    first.attach_rules(&exp, "cap").expect("attach");
    let run = new_run(&first, &exp, "shared");
    let threads = 8i64;
    let writes = 20i64;
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let s = if t % 2 == 0 {
                first.clone()
            } else {
                second.clone()
            };
            let run = run.clone();
            std::thread::spawn(move || {
                for w in 0..writes {
                    let step = t * 1000 + w;
                    // Every tenth point is above the cap: a decision.
                    #[allow(clippy::cast_precision_loss)]
                    let value = if w % 10 == 9 { 2000.0 } else { w as f64 };
                    if w % 2 == 0 {
                        s.log_metric(&run, &m(&format!("m{t}"), value, 1, step))
                            .expect("metric");
                    } else {
                        s.log_batch(
                            &run,
                            &[
                                m(&format!("m{t}"), value, 1, step),
                                m("common", 0.0, 1, step),
                            ],
                            &[],
                            &[],
                        )
                        .expect("batch");
                    }
                }
            })
        })
        .collect();
    for h in handles {
        h.join().expect("thread");
    }
    let s = db.open();
    let points = threads * writes + threads * writes / 2;
    let (name, count) = state(&s, &run).expect("state");
    assert_eq!(name, "cap");
    assert_eq!(i64::try_from(count).expect("count"), points);
    assert_eq!(
        h1.replays.load(Ordering::SeqCst) + h2.replays.load(Ordering::SeqCst),
        1
    );
    let seqs: Vec<i64> = s
        .rule_decisions(&run)
        .expect("decisions")
        .into_iter()
        .map(|d| d.seq)
        .collect();
    assert_eq!(seqs, (1..=threads * 2).collect::<Vec<_>>());
}

/// A write longer than one insert statement (the metrics go in chunks of 200 rows) to a run
/// whose state exists: on PostgreSQL the state update and the returned tags ride on the first
/// chunk; every point is stored, the state counts all of them, the tags are set, and a second
/// long write sees the first one's state.
pub(crate) fn rules_long_writes_keep_state_and_points(db: &TestDb) {
    let (s, _hook) = with_hook(db);
    let exp = s.create_experiment("long", None, &[]).expect("exp");
    s.put_ruleset("cap", "above = 5").expect("put");
    s.attach_rules(&exp, "cap").expect("attach");
    let run = new_run(&s, &exp, "r");
    s.log_metric(&run, &m("loss", 1.0, 0, 0)).expect("first");
    assert_eq!(state(&s, &run), Some(("cap".into(), 1)));
    for round in 0..2_i64 {
        let points: Vec<Metric> = (0..1000_i64)
            .map(|i| {
                let step = 1 + round * 1000 + i;
                // One point above the cap, in the last chunk of the write.
                let value = if i == 950 { 9.0 } else { 1.0 };
                m("loss", value, step, step)
            })
            .collect();
        s.log_records(&run, &points, &[], &[]).expect("long write");
        assert_eq!(
            state(&s, &run),
            Some(("cap".into(), 1 + 1000 * (round as usize + 1)))
        );
        assert_eq!(
            tag(&s, &run, "verdict.decision.step").as_deref(),
            Some((round * 1000 + 951).to_string().as_str())
        );
    }
    assert_eq!(history(&s, &run, "loss").len(), 2001);
    assert_eq!(decision_steps(&s, &run), [(1, 951), (2, 1951)]);
}
