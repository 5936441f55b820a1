//! `verdict rules`: the training rules of `verdict_core::rules` over stored runs and history files
//! (after the fact), and the hook that runs them live inside the ledger's metric writes.
//!
//! After the fact and live are one computation: both cut the logged points into evaluations with
//! `verdict_core::rules::replay::evaluations` and feed them to the same engine, so what
//! `verdict rules check --run` reports on a finished run is what the server decided while the run
//! was logging.

use std::path::{Path, PathBuf};

use verdict_core::rules::replay::{Logged, evaluations, replay};
use verdict_core::rules::{Action, Engine, RuleSet};
use verdict_report::rules::{RulesReport, RunRules};
use verdict_store::Store;

use crate::ledger;
use crate::{Error, ResultExt, bail};

/// Reads a rules file (`rules.toml`, or a `verdict.toml` with a `[rules]` table).
///
/// # Errors
/// The file cannot be read or is not a valid rules file (the error names file, line and key).
pub fn load(path: &Path) -> crate::Result<RuleSet> {
    verdict_io::rules::read_rules(path).map_err(|e| Error::Invalid(e.to_string()))
}

/// Parses the text of a rules file; `name` is what errors call it (the Python package's rules
/// given as a dict are written out as TOML first and named `<rules dict>`).
pub fn parse(text: &str, name: &str) -> crate::Result<RuleSet> {
    verdict_io::rules::parse_rules(text, Path::new(name)).map_err(|e| Error::Invalid(e.to_string()))
}

/// What `verdict rules check` judges.
#[derive(Debug, Clone)]
pub enum Target {
    /// One run of the ledger.
    Run(String),
    /// Every active run of an experiment (id or name), in start order.
    Experiment(String),
    /// History files (Keras' `history.csv`, Lightning's `metrics.csv`): an `epoch` or `step`
    /// column and a column per metric; an empty cell is "not logged at this step". Each is
    /// judged as one run.
    History(Vec<PathBuf>),
}

/// A rules check.
#[derive(Debug, Clone)]
pub struct RulesCheckSpec {
    /// The rules file.
    pub rules: PathBuf,
    /// What to judge.
    pub target: Target,
    /// The artifact root of `mlflow-artifacts:/` runs (to find checkpoints).
    pub artifacts: PathBuf,
}

/// Runs the rules over the target.
///
/// # Errors
/// A bad rules file, a missing run, experiment or file, a store failure.
pub fn check(store: Option<&Store>, spec: &RulesCheckSpec) -> crate::Result<RulesReport> {
    let set = load(&spec.rules)?;
    let need_store = || match store {
        Some(s) => Ok(s),
        None => Err(Error::Invalid(
            "--run and --experiment need the ledger (--store)".into(),
        )),
    };
    let runs = match &spec.target {
        Target::History(paths) => paths
            .iter()
            .map(|p| history_rules(&set, p))
            .collect::<crate::Result<_>>()?,
        Target::Run(id) => {
            let store = need_store()?;
            let run = store
                .get_run(id)
                .with_context(|| format!("rules check --run {id}"))?;
            vec![run_rules(store, &set, &run, &spec.artifacts)?]
        }
        Target::Experiment(name) => {
            let store = need_store()?;
            let exp = ledger::experiment(store, name)?;
            let runs = ledger::experiment_runs(store, &exp.experiment_id)?;
            runs.iter()
                .map(|r| run_rules(store, &set, r, &spec.artifacts))
                .collect::<crate::Result<_>>()?
        }
    };
    Ok(RulesReport {
        source: crate::shown(&spec.rules),
        rules: set,
        runs,
    })
}

/// Every stored point of the metrics the rules read, in the store's (key, step, timestamp) order.
pub fn stored_points(
    store: &Store,
    set: &RuleSet,
    run_id: &str,
) -> crate::Result<Vec<verdict_store::Metric>> {
    let mut out = Vec::new();
    for key in set.metrics() {
        out.extend(store.get_metric_history(run_id, &key, None, None)?.items);
    }
    Ok(out)
}

/// The engine's view of stored points.
pub fn logged(points: &[verdict_store::Metric]) -> Vec<Logged<'_>> {
    points
        .iter()
        .map(|m| Logged {
            key: &m.key,
            step: m.step,
            timestamp: m.timestamp,
            value: m.value,
        })
        .collect()
}

fn run_rules(
    store: &Store,
    set: &RuleSet,
    run: &verdict_store::Run,
    artifacts: &Path,
) -> crate::Result<RunRules> {
    let points = stored_points(store, set, &run.info.run_id)?;
    let replay = replay(set, &logged(&points));
    let rollback_step = replay
        .decisions
        .iter()
        .find(|d| d.action == Action::Rollback)
        .and_then(|d| d.best_step);
    let checkpoint = match rollback_step {
        Some(step) => checkpoint_at(&run.info.artifact_uri, artifacts, step)?,
        None => None,
    };
    Ok(RunRules {
        run_id: Some(run.info.run_id.clone()),
        name: run.info.run_name.clone(),
        replay,
        checkpoint,
    })
}

fn history_rules(set: &RuleSet, path: &Path) -> crate::Result<RunRules> {
    let (steps, columns) = crate::check::history_table(path)?;
    let mut logged = Vec::new();
    for (name, cells) in &columns {
        for (row, (step, cell)) in steps.iter().zip(cells).enumerate() {
            if let Some(value) = cell {
                logged.push(Logged {
                    key: name,
                    step: *step,
                    // Rows are in logging order.
                    timestamp: row as i64,
                    value: *value,
                });
            }
        }
    }
    let known: Vec<&str> = columns.iter().map(|(n, _)| n.as_str()).collect();
    let mut missing: Vec<String> = Vec::new();
    for r in &set.rules {
        if !known.contains(&r.monitor.as_str()) && !missing.contains(&r.monitor) {
            missing.push(r.monitor.clone());
        }
    }
    if !missing.is_empty() {
        bail!(
            "{}: no column {} (a rule monitors it); the file has: {}",
            crate::shown(path),
            missing.join(", "),
            known.join(", ")
        );
    }
    Ok(RunRules {
        run_id: None,
        name: crate::shown(path),
        replay: replay(set, &logged),
        checkpoint: None,
    })
}

/// The step a checkpoint's path names: the number after `step`, `epoch`, `ckpt` or
/// `checkpoint` (`epoch=05.ckpt`, `checkpoint-500`, `ckpt_12.pt`), in its last path component
/// that has one.
pub fn checkpoint_step(path: &str) -> Option<i64> {
    path.rsplit('/').find_map(|part| {
        let lower = part.to_ascii_lowercase();
        ["checkpoint", "epoch", "step", "ckpt"]
            .iter()
            .find_map(|word| {
                let at = lower.find(word)? + word.len();
                let rest = lower[at..].trim_start_matches(['-', '_', '=', '.']);
                let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
                digits.parse().ok()
            })
    })
}

/// The checkpoint artifact logged at or before `step` (the latest such), if the run has one:
/// a file or directory whose name carries a step ([`checkpoint_step`]), at most 3 levels deep.
fn checkpoint_at(uri: &str, root: &Path, step: i64) -> crate::Result<Option<String>> {
    let Ok((repo, base)) = ledger::run_artifacts(uri, root) else {
        return Ok(None);
    };
    let mut best: Option<(i64, String)> = None;
    let mut dirs = vec![(String::new(), 0)];
    while let Some((dir, depth)) = dirs.pop() {
        let full = if base.is_empty() {
            dir.clone()
        } else if dir.is_empty() {
            base.clone()
        } else {
            format!("{base}/{dir}")
        };
        let Ok(entries) = repo.list(&full) else {
            continue;
        };
        for e in entries {
            let name = e.path.rsplit('/').next().unwrap_or(&e.path).to_string();
            let rel = if dir.is_empty() {
                name
            } else {
                format!("{dir}/{name}")
            };
            if let Some(s) = checkpoint_step(&rel).filter(|s| *s <= step)
                && best.as_ref().is_none_or(|(b, _)| s > *b)
            {
                best = Some((s, rel.clone()));
            }
            if e.is_dir && depth < 3 {
                dirs.push((rel, depth + 1));
            }
        }
    }
    Ok(best.map(|(_, p)| p))
}

/// `verdict rules attach`: stores the rules file under `name` (default: the file's stem) and
/// attaches it to the experiment (id or name), replacing what was attached. The file is read and
/// checked first, so the ledger never holds rules it cannot run. Returns (ruleset name,
/// experiment id).
///
/// # Errors
/// A bad rules file, an unknown experiment, a store failure.
pub fn attach(
    store: &Store,
    experiment: &str,
    path: &Path,
    name: Option<&str>,
) -> crate::Result<(String, String)> {
    load(path)?;
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::Invalid(format!("{}: {e}", crate::shown(path))))?;
    let name = match name {
        Some(n) => n.to_string(),
        None => path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .filter(|s| !s.is_empty())
            .ok_or_else(|| {
                Error::Invalid(format!("{}: give the ruleset a --name", crate::shown(path)))
            })?,
    };
    let exp = ledger::experiment(store, experiment)?;
    store.put_ruleset(&name, &text)?;
    store.attach_rules(&exp.experiment_id, &name)?;
    Ok((name, exp.experiment_id))
}

/// `verdict rules detach`: the experiment's attached ruleset is detached (it stays stored).
/// Returns the detached ruleset's name, `None` when none was attached.
///
/// # Errors
/// An unknown experiment, a store failure.
pub fn detach(store: &Store, experiment: &str) -> crate::Result<Option<String>> {
    let exp = ledger::experiment(store, experiment)?;
    let was = store.attached_rules(&exp.experiment_id)?;
    store.detach_rules(&exp.experiment_id)?;
    Ok(was)
}

/// The ledger's rules hook: runs a stored ruleset over each metric write, inside the write's
/// transaction (docs/design/rules.md §4). Installed by `verdict server` and every CLI command that
/// opens the ledger ([`crate::ledger::open`]).
///
/// It keeps the rule sets it parsed, by their text (a handful per server: one per stored ruleset
/// in use), so a write pays for the TOML parse once per ruleset, not once per write.
#[derive(Debug, Default)]
pub struct LiveRules {
    parsed: std::sync::Mutex<Vec<(String, RuleSet)>>,
}

/// How many parsed rule sets [`LiveRules`] keeps (the least recently parsed goes first).
const PARSED_KEPT: usize = 32;

impl LiveRules {
    /// The rule set of a stored ruleset's text, parsed once.
    fn rule_set(&self, name: &str, text: &str) -> Result<RuleSet, String> {
        if let Ok(cache) = self.parsed.lock()
            && let Some((_, set)) = cache.iter().find(|(t, _)| t == text)
        {
            return Ok(set.clone());
        }
        let origin = format!("ruleset {name}");
        let set =
            verdict_io::rules::parse_rules(text, Path::new(&origin)).map_err(|e| e.to_string())?;
        if let Ok(mut cache) = self.parsed.lock() {
            if cache.len() >= PARSED_KEPT {
                cache.remove(0);
            }
            cache.push((text.to_string(), set.clone()));
        }
        Ok(set)
    }
}

impl verdict_store::RulesHook for LiveRules {
    fn on_metrics(
        &self,
        input: &verdict_store::HookInput<'_>,
    ) -> Result<verdict_store::HookOutput, String> {
        let set = self.rule_set(input.ruleset, input.text)?;
        let wanted = set.metrics();
        let read = |m: &verdict_store::Metric| wanted.binary_search(&m.key).is_ok();
        let mut engine = match input.state {
            Some(text) => Engine::restore(set.clone(), text).map_err(|e| e.to_string())?,
            None => Engine::new(set.clone()),
        };
        let before = (engine.decision_word(), engine.best(), engine.lr());
        let mut decisions = Vec::new();
        if input.state.is_none() {
            // Attached to a run that already logged: judge its history first.
            let past: Vec<verdict_store::Metric> =
                input.history.iter().filter(|m| read(m)).cloned().collect();
            for (step, values) in evaluations(&logged(&past)) {
                decisions.extend(engine.update(step, &values));
            }
        }
        let now: Vec<verdict_store::Metric> =
            input.metrics.iter().filter(|m| read(m)).cloned().collect();
        for (step, values) in evaluations(&logged(&now)) {
            decisions.extend(engine.update(step, &values));
        }
        let mut tags = Vec::new();
        let first = input.state.is_none();
        if first || engine.decision_word() != before.0 {
            tags.push(verdict_store::Tag::new(
                DECISION_TAG,
                engine.decision_word(),
            ));
        }
        if let Some(last) = decisions.last() {
            tags.push(verdict_store::Tag::new(REASON_TAG, last.summary()));
            tags.push(verdict_store::Tag::new(STEP_TAG, last.step.to_string()));
        }
        if let Some((step, _)) = engine.best()
            && (first || before.1.map(|b| b.0) != Some(step))
        {
            tags.push(verdict_store::Tag::new(BEST_STEP_TAG, step.to_string()));
        }
        if let Some(lr) = engine.lr()
            && (first || before.2 != Some(lr))
        {
            tags.push(verdict_store::Tag::new(LR_TAG, format!("{lr}")));
        }
        Ok(verdict_store::HookOutput {
            state: engine.save(),
            decisions: decisions
                .iter()
                .map(|d| verdict_store::NewDecision {
                    rule: d.rule.clone(),
                    action: d.action.as_str().to_string(),
                    step: d.step,
                    metric: d.metric.clone(),
                    reason: verdict_report::rules::decision_json(d).to_string(),
                })
                .collect(),
            tags,
        })
    }
}

/// `verdict.decision`: `continue`, `stop`, `rollback` or `reduce_lr`.
pub const DECISION_TAG: &str = "verdict.decision";
/// `verdict.decision.reason`: the last decision's summary.
pub const REASON_TAG: &str = "verdict.decision.reason";
/// `verdict.decision.step`: the last decision's step.
pub const STEP_TAG: &str = "verdict.decision.step";
/// `verdict.best_step`: the best step by the ruleset's `best_by`.
pub const BEST_STEP_TAG: &str = "verdict.best_step";
/// `verdict.lr`: the learning rate the plateau rule holds.
pub const LR_TAG: &str = "verdict.lr";

#[cfg(test)]
mod tests {
    use super::*;

    fn input<'a>(
        text: &'a str,
        state: Option<&'a str>,
        metrics: &'a [verdict_store::Metric],
    ) -> verdict_store::HookInput<'a> {
        verdict_store::HookInput {
            run_id: "r",
            ruleset: "seed",
            text,
            state,
            history: &[],
            metrics,
        }
    }

    #[test]
    fn the_hook_refuses_what_it_cannot_read_and_writes_tags_only_on_change() {
        use verdict_store::RulesHook;
        let hook = LiveRules::default();
        let rules = "[[rule]]\nkind = \"threshold\"\nmonitor = \"val_loss\"\nabove = 0.12\n";
        let m = |v: f64, step: i64| vec![verdict_store::Metric::new("val_loss", v, 1, step)];
        let e = hook
            .on_metrics(&input("[[rule]]\nkind = 3\n", None, &m(0.1, 0)))
            .expect_err("bad rules");
        assert!(e.starts_with("ruleset seed:2: rule[0].kind"), "{e}");
        let e = hook
            .on_metrics(&input(rules, Some("garbage"), &m(0.1, 0)))
            .expect_err("bad state");
        assert!(e.starts_with("rules state line 1"), "{e}");
        let first = hook
            .on_metrics(&input(rules, None, &m(0.1, 0)))
            .expect("first");
        let keys = |o: &verdict_store::HookOutput| {
            o.tags.iter().map(|t| t.key.clone()).collect::<Vec<_>>()
        };
        assert_eq!(keys(&first), vec![DECISION_TAG, BEST_STEP_TAG]);
        // Nothing changed: no tag is rewritten.
        let same = hook
            .on_metrics(&input(rules, Some(&first.state), &m(0.11, 1)))
            .expect("second");
        assert!(same.tags.is_empty(), "{:?}", same.tags);
        let stop = hook
            .on_metrics(&input(rules, Some(&same.state), &m(0.13, 2)))
            .expect("third");
        assert_eq!(keys(&stop), vec![DECISION_TAG, REASON_TAG, STEP_TAG]);
        assert_eq!(stop.tags[0].value, "stop");
        assert_eq!(stop.decisions[0].action, "stop");
        let reason: serde_json::Value =
            serde_json::from_str(&stop.decisions[0].reason).expect("json");
        assert_eq!(reason["reason"], "threshold_above");
    }

    #[test]
    fn checkpoint_names_give_their_step() {
        for (path, step) in [
            ("checkpoints/epoch=05.ckpt", Some(5)),
            ("checkpoint-500", Some(500)),
            ("models/ckpt_12.pt", Some(12)),
            ("run/step-7/model.safetensors", Some(7)),
            ("weights.h5", None),
            ("epoch_last.ckpt", None),
        ] {
            assert_eq!(checkpoint_step(path), step, "{path}");
        }
    }
}
