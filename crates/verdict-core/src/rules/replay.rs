//! After the fact: a stored metric history through the engine, and what the rules would have done.
//!
//! The history is cut into evaluations the way the live ledger cuts a write ([`evaluations`]), so
//! the decisions `verdict rules check` reports on a stored run are the decisions the server made
//! while the run was logging (when the run logged its steps in increasing order, as training loops
//! do; the server judges in arrival order).

use super::{Action, Convergence, Decision, Engine, RuleSet};

/// One logged metric value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Logged<'a> {
    /// The metric's key.
    pub key: &'a str,
    /// Its step.
    pub step: i64,
    /// When it was logged (milliseconds; orders values of one step).
    pub timestamp: i64,
    /// The value.
    pub value: f64,
}

/// Cuts logged values into evaluations: ordered by (step, timestamp) — a stable sort, so values
/// with equal step and timestamp keep their order — and grouped so that one evaluation holds the
/// values of one step, at most one per key. A key logged twice at one step (a re-logged value) makes
/// two evaluations, in logging order: no value is dropped.
pub fn evaluations<'a>(logged: &[Logged<'a>]) -> Vec<(i64, Vec<(&'a str, f64)>)> {
    let mut sorted: Vec<Logged<'a>> = logged.to_vec();
    sorted.sort_by_key(|l| (l.step, l.timestamp));
    let mut out: Vec<(i64, Vec<(&'a str, f64)>)> = Vec::new();
    for l in sorted {
        match out.last_mut() {
            Some((step, values)) if *step == l.step && values.iter().all(|(k, _)| *k != l.key) => {
                values.push((l.key, l.value));
            }
            _ => out.push((l.step, vec![(l.key, l.value)])),
        }
    }
    out
}

/// What the rules did over a whole history.
#[derive(Debug, Clone, PartialEq)]
pub struct Replay {
    /// Every decision, in order.
    pub decisions: Vec<Decision>,
    /// The first decision that ended training: (action, step, rule name).
    pub ended: Option<(Action, i64, String)>,
    /// The run's decision at the end (`Engine::decision_word`: what the `verdict.decision` tag
    /// holds).
    pub decision: &'static str,
    /// The best evaluation of the best-step metric: (step, value).
    pub best: Option<(i64, f64)>,
    /// The metric [`Replay::best`] is by.
    pub best_metric: Option<String>,
    /// Evaluations judged.
    pub evaluations: u64,
    /// Evaluations that ran after the first decision that ended training ("wasted").
    pub wasted: u64,
    /// The last step of the history.
    pub last_step: Option<i64>,
    /// The learning rate at the end, when a `plateau` rule knows it.
    pub lr: Option<f64>,
    /// The last conclusion of each `converged` rule.
    pub convergence: Vec<(String, Convergence)>,
}

/// Runs `set` over `logged` (only the metrics the rules read are judged).
pub fn replay(set: &RuleSet, logged: &[Logged<'_>]) -> Replay {
    let wanted = set.metrics();
    let kept: Vec<Logged<'_>> = logged
        .iter()
        .copied()
        .filter(|l| wanted.binary_search_by(|w| w.as_str().cmp(l.key)).is_ok())
        .collect();
    let mut engine = Engine::new(set.clone());
    let mut decisions = Vec::new();
    let mut wasted = 0;
    let mut last_step = None;
    for (step, values) in evaluations(&kept) {
        let ended_before = engine.ended().is_some();
        decisions.extend(engine.update(step, &values));
        if ended_before {
            wasted += 1;
        }
        last_step = Some(step);
    }
    Replay {
        decisions,
        ended: engine.ended().map(|(a, s, r)| (a, s, r.to_string())),
        decision: engine.decision_word(),
        best: engine.best(),
        best_metric: set.best_metric().map(str::to_string),
        evaluations: engine.updates(),
        wasted,
        last_step,
        lr: engine.lr(),
        convergence: engine
            .convergence()
            .into_iter()
            .map(|(r, c)| (r.to_string(), c))
            .collect(),
    }
}
