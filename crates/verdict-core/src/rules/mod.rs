//! Training rules: declarative stop / roll back / reduce-LR rules over a run's metric stream.
//!
//! Why a rules engine and not a callback: Keras, Lightning and PyTorch each ship their own
//! early-stopping and plateau logic, each with implicit choices (`>` or `>=` on patience, an
//! absolute or relative `min_delta`, whether the first evaluation always improves, when a
//! cooldown ends), and each runs only inside its own training loop. Verdict states the rules
//! once, with every such choice a named parameter, and runs the same engine in three places: after
//! the fact on a stored history (`verdict rules check`), live in the ledger on every metric write
//! (`verdict server`), and in a Python training loop. The engine is pure: [`Engine::update`] takes
//! one evaluation (a step and the metric values logged at it) and returns the decisions it makes;
//! its whole state is plain data that [`Engine::save`] writes as text and [`Engine::restore`]
//! reads back exactly, so a server that restarts mid-run makes the next decision it would have
//! made without the restart.
//!
//! Conventions (docs/design/rules.md §1 gives the reasoning, docs/rules.md the user's view):
//! - An *evaluation* of a rule is one logged value of its monitor. Patience, `for`, `count`,
//!   `window`, `cooldown` and `start_from` count evaluations, never epochs or steps: a run that
//!   validates every 5 epochs with `patience = 3` stops after 15 epochs without improvement.
//! - Comparisons are strict everywhere: a change of exactly `min_delta` is not an improvement
//!   (Keras, Lightning, PyTorch agree on this), and `above = 0.12` does not fire on 0.12.
//! - NaN compares false with everything, as in the three frameworks: it never improves and never
//!   crosses a threshold; the `non_finite` rule (on by default) is what stops on it.
//! - A rule whose action is `stop` or `rollback` fires once: afterwards it is *done* and no longer
//!   judged (training should have ended there). `reduce_lr` and `alert` rules keep running.
//! - Every rule tracks the best value of its monitor (strictly better; the first occurrence wins a
//!   tie; NaN is never best). `rollback` names that best step, except `early_stopping`, whose
//!   rollback target is its own best epoch (Keras' `restore_best_weights`, with `min_delta`).

mod codec;
mod engine;
pub mod replay;
#[cfg(test)]
mod tests;

pub use codec::StateError;
pub use engine::Engine;

use crate::metrics::Direction;

/// What a rule asks the training loop to do when it fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// End training.
    Stop,
    /// End training and go back to the best evaluation (its step, and the checkpoint logged at or
    /// before it).
    Rollback,
    /// Multiply the learning rate by the rule's factor.
    ReduceLr,
    /// Tell someone; training goes on.
    Alert,
}

impl Action {
    /// Every action, in the order of severity a run's overall decision uses (last wins).
    pub const ALL: [Action; 4] = [
        Action::Alert,
        Action::ReduceLr,
        Action::Stop,
        Action::Rollback,
    ];

    /// The name used in rules files, tags and JSON: `stop`, `rollback`, `reduce_lr`, `alert`.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Stop => "stop",
            Action::Rollback => "rollback",
            Action::ReduceLr => "reduce_lr",
            Action::Alert => "alert",
        }
    }

    /// The action named `s`.
    pub fn parse(s: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// True for the actions that end training (`stop`, `rollback`).
    pub fn ends_training(self) -> bool {
        matches!(self, Action::Stop | Action::Rollback)
    }
}

/// How an improvement beyond `min_delta` is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeltaKind {
    /// `a < best − δ` (min) / `a > best + δ` (max): Keras' only kind, PyTorch's `abs`.
    Abs,
    /// `a < best·(1 − δ)` (min) / `a > best·(1 + δ)` (max): PyTorch's default `rel`.
    Rel,
}

impl DeltaKind {
    /// `abs` or `rel`.
    pub fn as_str(self) -> &'static str {
        match self {
            DeltaKind::Abs => "abs",
            DeltaKind::Rel => "rel",
        }
    }
}

/// Whose plateau semantics a `plateau` rule follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlateauStyle {
    /// Keras 3 `ReduceLROnPlateau`: the cooldown is counted down first (and clears the wait);
    /// evaluations inside the cooldown are not counted as bad; reduce when `wait >= patience`;
    /// the learning rate is a float32 variable (every stored value is rounded to f32) and is
    /// reduced only while `f32(lr) > f32(min_lr)`.
    Keras,
    /// PyTorch `ReduceLROnPlateau`: a bad evaluation is counted first, then the cooldown clears
    /// it; reduce when `bad > patience`; the new rate `max(lr·factor, min_lr)` is applied only
    /// when it differs from the old by more than `eps`; f64 throughout.
    Torch,
}

impl PlateauStyle {
    /// `keras` or `torch`.
    pub fn as_str(self) -> &'static str {
        match self {
            PlateauStyle::Keras => "keras",
            PlateauStyle::Torch => "torch",
        }
    }
}

/// One rule's kind and its parameters.
#[derive(Debug, Clone, PartialEq)]
pub enum RuleKind {
    /// Fires when the monitor is strictly above `above` or strictly below `below` for `for_`
    /// consecutive evaluations.
    Threshold {
        /// Fire on `value > above`.
        above: Option<f64>,
        /// Fire on `value < below`.
        below: Option<f64>,
        /// Consecutive evaluations the condition must hold (≥ 1).
        for_: u64,
    },
    /// Fires after `count` consecutive worsenings, each judged against the previous evaluation:
    /// `value > previous + min_delta` (min) / `value < previous − min_delta` (max).
    Decline {
        /// Consecutive worsenings (≥ 1).
        count: u64,
        /// How much worse than the previous evaluation counts as a worsening (≥ 0).
        min_delta: f64,
    },
    /// Reduces the learning rate when the monitor stops improving (Keras' or PyTorch's
    /// `ReduceLROnPlateau`, [`PlateauStyle`]).
    Plateau {
        /// The semantics followed.
        style: PlateauStyle,
        /// Non-improving evaluations tolerated.
        patience: u64,
        /// The improvement needed.
        min_delta: f64,
        /// How `min_delta` is measured.
        delta_kind: DeltaKind,
        /// Evaluations after a reduction during which nothing is counted.
        cooldown: u64,
        /// The floor of the learning rate.
        min_lr: f64,
        /// The factor the learning rate is multiplied by, in (0, 1).
        factor: f64,
        /// PyTorch's `eps`: smaller changes are not applied (`torch` style only).
        eps: f64,
        /// The learning rate at the first evaluation, when known.
        initial_lr: Option<f64>,
        /// A metric the run logs its current learning rate as; its latest value, when logged,
        /// replaces the rule's own running rate.
        lr_metric: Option<String>,
    },
    /// Keras 3 `EarlyStopping`, with Lightning's extra stopping conditions as options.
    EarlyStopping {
        /// The improvement needed (absolute, strict).
        min_delta: f64,
        /// Non-improving evaluations tolerated.
        patience: u64,
        /// A value the monitor must beat for an improvement to reset the patience (Keras).
        baseline: Option<f64>,
        /// Evaluations before this index are warm-up: not judged, never best.
        start_from: u64,
        /// Roll back to the best evaluation when stopping (Keras' `restore_best_weights`).
        restore_best: bool,
        /// Lightning's `stopping_threshold`: stop once the monitor is strictly better.
        stopping_threshold: Option<f64>,
        /// Lightning's `divergence_threshold`: stop once the monitor is strictly worse.
        divergence_threshold: Option<f64>,
        /// Lightning's `check_finite`: stop on NaN or ±inf before anything else.
        check_finite: bool,
    },
    /// Fires when the best value improved by less than `min_improvement` over the last `window`
    /// evaluations, or (when the run logs the monitor's interval) by an amount that its intervals
    /// cannot tell from noise.
    Converged {
        /// Evaluations looked back over (≥ 1).
        window: u64,
        /// The smallest improvement of the best value that counts as progress.
        min_improvement: f64,
        /// The metric holding the monitor's lower interval bound at the same step.
        ci_low: String,
        /// … its upper bound.
        ci_high: String,
    },
    /// Fires on NaN or ±inf in any of its monitors.
    NonFinite {
        /// The metrics watched (every other rule's monitor by default).
        monitors: Vec<String>,
    },
}

impl RuleKind {
    /// The kind's name in rules files: `threshold`, `decline`, `plateau`, `early_stopping`,
    /// `converged`, `non_finite`.
    pub fn name(&self) -> &'static str {
        match self {
            RuleKind::Threshold { .. } => "threshold",
            RuleKind::Decline { .. } => "decline",
            RuleKind::Plateau { .. } => "plateau",
            RuleKind::EarlyStopping { .. } => "early_stopping",
            RuleKind::Converged { .. } => "converged",
            RuleKind::NonFinite { .. } => "non_finite",
        }
    }

    /// The action a rule of this kind takes when its file names none.
    pub fn default_action(&self) -> Action {
        match self {
            RuleKind::Decline { .. } => Action::Rollback,
            RuleKind::Plateau { .. } => Action::ReduceLr,
            RuleKind::EarlyStopping {
                restore_best: true, ..
            } => Action::Rollback,
            _ => Action::Stop,
        }
    }
}

/// One rule: a name, the metric it watches, which way is better, its kind and its action.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// Unique within its rule set (default `<kind>:<monitor>`).
    pub name: String,
    /// The metric judged (for `non_finite`, the first of its monitors).
    pub monitor: String,
    /// Which way is better. Needed by every kind but `threshold` and `non_finite` (where it only
    /// decides the best step); resolved from the metric's name when the file gives none.
    pub mode: Option<Direction>,
    /// What the rule and its parameters are.
    pub kind: RuleKind,
    /// What firing asks for.
    pub action: Action,
}

/// The rules of one file, in file order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RuleSet {
    /// The rules (the implicit `non_finite` rule, when on, is last).
    pub rules: Vec<Rule>,
    /// The metric a run's best step is reported by (default: the first rule's monitor).
    pub best_by: Option<String>,
}

impl RuleSet {
    /// Every metric some rule reads (monitors, interval metrics, learning-rate metrics), sorted.
    pub fn metrics(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for r in &self.rules {
            out.push(r.monitor.clone());
            match &r.kind {
                RuleKind::Converged {
                    ci_low, ci_high, ..
                } => {
                    out.push(ci_low.clone());
                    out.push(ci_high.clone());
                }
                RuleKind::Plateau {
                    lr_metric: Some(m), ..
                } => out.push(m.clone()),
                RuleKind::NonFinite { monitors } => out.extend(monitors.iter().cloned()),
                _ => {}
            }
        }
        if let Some(b) = &self.best_by {
            out.push(b.clone());
        }
        out.sort();
        out.dedup();
        out
    }

    /// The metric the best step is reported by.
    pub fn best_metric(&self) -> Option<&str> {
        self.best_by
            .as_deref()
            .or_else(|| self.rules.first().map(|r| r.monitor.as_str()))
    }
}

/// Why a rule fired (Lightning's `EarlyStoppingReason`, widened to every kind).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// `threshold`: the monitor stayed above `above`.
    ThresholdAbove,
    /// `threshold`: the monitor stayed below `below`.
    ThresholdBelow,
    /// `decline`: `count` consecutive worsenings.
    Declined,
    /// `plateau`: no improvement for `patience` evaluations; the learning rate was reduced.
    Plateau,
    /// `early_stopping`: no improvement for `patience` evaluations.
    PatienceExhausted,
    /// `early_stopping`: Lightning's `stopping_threshold` was beaten.
    StoppingThreshold,
    /// `early_stopping`: Lightning's `divergence_threshold` was crossed.
    DivergenceThreshold,
    /// NaN or ±inf in a monitored metric.
    NonFinite,
    /// `converged`: the best value improved by less than `min_improvement` over the window.
    Converged,
    /// `converged`: the improvement reached `min_improvement` but the intervals cannot tell it from
    /// noise.
    WithinNoise,
}

impl Reason {
    /// The code used in tags and JSON (`threshold_above`, `patience_exhausted`, …).
    pub fn code(self) -> &'static str {
        match self {
            Reason::ThresholdAbove => "threshold_above",
            Reason::ThresholdBelow => "threshold_below",
            Reason::Declined => "declined",
            Reason::Plateau => "plateau",
            Reason::PatienceExhausted => "patience_exhausted",
            Reason::StoppingThreshold => "stopping_threshold",
            Reason::DivergenceThreshold => "divergence_threshold",
            Reason::NonFinite => "non_finite",
            Reason::Converged => "converged",
            Reason::WithinNoise => "within_noise",
        }
    }
}

/// What a `converged` rule concluded at an evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Convergence {
    /// The best value improved by less than `min_improvement` over the window.
    Converged,
    /// It improved by at least `min_improvement`, and more than the intervals' noise.
    StillImproving,
    /// It improved by at least `min_improvement`, but by no more than
    /// `sqrt(h₁² + h₂²)`, the half-widths of the intervals at the two best steps combined.
    WithinNoise,
}

impl Convergence {
    /// `converged`, `still_improving`, `within_noise`.
    pub fn as_str(self) -> &'static str {
        match self {
            Convergence::Converged => "converged",
            Convergence::StillImproving => "still_improving",
            Convergence::WithinNoise => "within_noise",
        }
    }
}

/// One decision: a rule fired at a step.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// The rule's name.
    pub rule: String,
    /// The rule's kind (`threshold`, …).
    pub kind: &'static str,
    /// What it asks for.
    pub action: Action,
    /// Why.
    pub reason: Reason,
    /// The metric that made it fire.
    pub metric: String,
    /// The step of the evaluation it fired at.
    pub step: i64,
    /// The metric's value there.
    pub value: f64,
    /// The recent values the rule judged, oldest first (the last `for` values of a threshold, the
    /// declining run, the window of a plateau or convergence).
    pub observed: Vec<f64>,
    /// The best evaluation of the rule's monitor so far (its rollback target).
    pub best_step: Option<i64>,
    /// Its value.
    pub best_value: Option<f64>,
    /// `reduce_lr`: the new learning rate (when the rule knows the current one).
    pub lr: Option<f64>,
    /// `converged`: the improvement of the best value over the window.
    pub improvement: Option<f64>,
    /// `converged`: the noise bound the improvement was judged against, when intervals were logged.
    pub noise: Option<f64>,
}

impl Decision {
    /// A one-line account in English: `threshold_above: val_loss = 0.131 > 0.12 at step 7 (rule
    /// threshold:val_loss)`. The reports render their own, translated, from the fields.
    pub fn summary(&self) -> String {
        let mut s = format!(
            "{}: {} = {} at step {}",
            self.reason.code(),
            self.metric,
            fmt(self.value),
            self.step
        );
        if let Some(b) = self.best_step {
            s.push_str(&format!("; best step {b}"));
            if let Some(v) = self.best_value {
                s.push_str(&format!(" ({})", fmt(v)));
            }
        }
        if let Some(lr) = self.lr {
            s.push_str(&format!("; lr {}", fmt(lr)));
        }
        if let Some(d) = self.improvement {
            s.push_str(&format!("; improvement {}", fmt(d)));
        }
        if let Some(n) = self.noise {
            s.push_str(&format!("; noise {}", fmt(n)));
        }
        s.push_str(&format!(" (rule {})", self.rule));
        s
    }
}

/// A number as Rust prints it, round-tripping exactly (`0.1`, `NaN`, `inf`).
fn fmt(x: f64) -> String {
    format!("{x}")
}
