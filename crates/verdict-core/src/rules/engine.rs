//! The engine: one state per rule, advanced one evaluation at a time.

use super::{
    Action, Convergence, Decision, DeltaKind, PlateauStyle, Reason, Rule, RuleKind, RuleSet,
};
use crate::metrics::Direction;

/// One judged value, kept for windows and reasons.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Point {
    pub(crate) step: i64,
    pub(crate) value: f64,
    /// `(ci_low, ci_high)` logged at the same step (`converged` only).
    pub(crate) ci: Option<(f64, f64)>,
}

/// Everything one rule remembers between evaluations. One flat record for every kind (a kind
/// leaves the fields it does not use at their defaults), so the codec has one shape to write.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct RuleState {
    /// Evaluations of the monitor seen (warm-up included).
    pub(crate) evaluations: u64,
    /// Keras' `wait` / PyTorch's `num_bad_epochs`.
    pub(crate) wait: u64,
    /// The kind's own reference value (Keras' `best`: early stopping, plateau). `None` = unset.
    pub(crate) reference: Option<f64>,
    /// The evaluation index (early stopping) / step of `reference`.
    pub(crate) reference_step: Option<i64>,
    /// The plain best value of the monitor and its step (rollback target, best step).
    pub(crate) peak: Option<Point>,
    /// Cooldown evaluations left (plateau).
    pub(crate) cooldown: u64,
    /// The current learning rate, when known (plateau).
    pub(crate) lr: Option<f64>,
    /// Consecutive evaluations meeting the condition (threshold, decline).
    pub(crate) count: u64,
    /// The previous evaluation's value (decline).
    pub(crate) previous: Option<f64>,
    /// The last few points, oldest first (reasons; the `converged` window).
    pub(crate) recent: Vec<Point>,
    /// `converged`: the best point before the window.
    pub(crate) before: Option<Point>,
    /// The rule fired a `stop` or `rollback` and is no longer judged.
    pub(crate) done: bool,
    /// `converged`: the last conclusion.
    pub(crate) status: Option<Convergence>,
}

/// The rules of one run and their state. [`Engine::update`] is the only way it changes.
#[derive(Debug, Clone, PartialEq)]
pub struct Engine {
    pub(crate) set: RuleSet,
    pub(crate) states: Vec<RuleState>,
    /// Updates seen.
    pub(crate) updates: u64,
    /// The first decision that ended training: (action, step, rule index).
    pub(crate) ended: Option<(Action, i64, usize)>,
    /// The best point of [`RuleSet::best_metric`].
    pub(crate) best: Option<Point>,
    /// The run's decision after the last update ([`Engine::decision`]).
    pub(crate) last: Option<Action>,
}

/// The mode of the best-step metric: the first rule on it that has one, else its name's.
fn best_mode(set: &RuleSet) -> Option<Direction> {
    let m = set.best_metric()?;
    set.rules
        .iter()
        .filter(|r| r.monitor == m)
        .find_map(|r| r.mode)
        .or_else(|| crate::curves::direction_from_name(m))
}

/// `new` is a better point than `old` by `mode` (NaN is never better; anything beats NaN).
fn improves(mode: Direction, new: f64, old: Option<f64>) -> bool {
    if new.is_nan() {
        return false;
    }
    match old {
        None => true,
        Some(o) if o.is_nan() => true,
        Some(o) => mode.better(new, o),
    }
}

/// Rounds to the nearest f32, as a Keras float32 variable or tensor holds the value.
fn f32r(x: f64) -> f64 {
    f64::from(x as f32)
}

impl Engine {
    /// A fresh engine for `set`.
    pub fn new(set: RuleSet) -> Engine {
        let states = set
            .rules
            .iter()
            .map(|r| RuleState {
                lr: match &r.kind {
                    RuleKind::Plateau {
                        initial_lr: Some(lr),
                        style,
                        ..
                    } => Some(match style {
                        PlateauStyle::Keras => f32r(*lr),
                        PlateauStyle::Torch => *lr,
                    }),
                    _ => None,
                },
                ..RuleState::default()
            })
            .collect();
        Engine {
            set,
            states,
            updates: 0,
            ended: None,
            best: None,
            last: None,
        }
    }

    /// The rules.
    pub fn rules(&self) -> &RuleSet {
        &self.set
    }

    /// The first decision that ended training, as (action, step, rule name).
    pub fn ended(&self) -> Option<(Action, i64, &str)> {
        self.ended
            .map(|(a, s, i)| (a, s, self.set.rules[i].name.as_str()))
    }

    /// The best evaluation of the best-step metric so far: (step, value).
    pub fn best(&self) -> Option<(i64, f64)> {
        self.best.map(|p| (p.step, p.value))
    }

    /// The learning rate a `plateau` rule holds now (the first such rule that knows one).
    pub fn lr(&self) -> Option<f64> {
        self.states.iter().find_map(|s| s.lr)
    }

    /// The last conclusion of each `converged` rule: (rule name, conclusion).
    pub fn convergence(&self) -> Vec<(&str, Convergence)> {
        self.set
            .rules
            .iter()
            .zip(&self.states)
            .filter_map(|(r, s)| s.status.map(|c| (r.name.as_str(), c)))
            .collect()
    }

    /// The run's decision now: the action of the first decision that ended training once one
    /// has; else `reduce_lr` when the last update reduced the learning rate; else `None`
    /// ("continue"). Alerts do not change it.
    pub fn decision(&self) -> Option<Action> {
        self.ended.map(|(a, _, _)| a).or(self.last)
    }

    /// [`Engine::decision`] as the `verdict.decision` tag writes it: `continue`, `stop`,
    /// `rollback` or `reduce_lr`.
    pub fn decision_word(&self) -> &'static str {
        self.decision().map_or("continue", Action::as_str)
    }

    /// Rule `i`'s best evaluation so far, as (step, value): `early_stopping`'s own best (Keras'
    /// `best_epoch` and `best`, which may be NaN when the first judged value was), else the plain
    /// best of its monitor.
    pub fn rule_best(&self, i: usize) -> Option<(i64, f64)> {
        let (rule, s) = (self.set.rules.get(i)?, self.states.get(i)?);
        match rule.kind {
            RuleKind::EarlyStopping { .. } => s.reference_step.zip(s.reference),
            _ => s.peak.map(|p| (p.step, p.value)),
        }
    }

    /// Rule `i`'s count of non-improving evaluations (Keras' `wait`, PyTorch's
    /// `num_bad_epochs`; the run of evaluations meeting a `threshold` or `decline`).
    pub fn rule_wait(&self, i: usize) -> Option<u64> {
        let (rule, s) = (self.set.rules.get(i)?, self.states.get(i)?);
        Some(match rule.kind {
            RuleKind::Threshold { .. } | RuleKind::Decline { .. } => s.count,
            _ => s.wait,
        })
    }

    /// Updates seen.
    pub fn updates(&self) -> u64 {
        self.updates
    }

    /// One evaluation: the values logged at `step` (at most one per metric; metrics no rule reads
    /// are ignored). Returns the decisions made, in rule order.
    pub fn update(&mut self, step: i64, metrics: &[(&str, f64)]) -> Vec<Decision> {
        let get = |name: &str| metrics.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
        self.updates += 1;
        if let (Some(m), Some(mode)) = (self.set.best_metric(), best_mode(&self.set))
            && let Some(v) = get(m)
            && improves(mode, v, self.best.map(|p| p.value))
        {
            self.best = Some(Point {
                step,
                value: v,
                ci: None,
            });
        }
        let mut out = Vec::new();
        for (i, rule) in self.set.rules.iter().enumerate() {
            let state = &mut self.states[i];
            if state.done {
                continue;
            }
            let decision = match &rule.kind {
                RuleKind::NonFinite { monitors } => non_finite(rule, monitors, step, &get, state),
                kind => {
                    let Some(v) = get(&rule.monitor) else {
                        continue;
                    };
                    judge(rule, kind, step, v, &get, state)
                }
            };
            if let Some(d) = decision {
                if d.action.ends_training() {
                    state.done = true;
                    if self.ended.is_none() {
                        self.ended = Some((d.action, d.step, i));
                    }
                }
                out.push(d);
            }
        }
        self.last = out
            .iter()
            .any(|d| d.action == Action::ReduceLr)
            .then_some(Action::ReduceLr);
        out
    }
}

/// How many recent values a rule keeps for its reasons.
fn keep(kind: &RuleKind) -> usize {
    let n = match kind {
        RuleKind::Threshold { for_, .. } => *for_,
        RuleKind::Decline { count, .. } => count + 1,
        RuleKind::Plateau { patience, .. } | RuleKind::EarlyStopping { patience, .. } => {
            patience + 1
        }
        RuleKind::Converged { window, .. } => *window,
        RuleKind::NonFinite { .. } => 1,
    };
    usize::try_from(n.clamp(1, 64)).unwrap_or(64)
}

/// Judges one value of the rule's monitor; `Some` when the rule fires.
fn judge(
    rule: &Rule,
    kind: &RuleKind,
    step: i64,
    v: f64,
    get: &dyn Fn(&str) -> Option<f64>,
    s: &mut RuleState,
) -> Option<Decision> {
    let index = s.evaluations;
    s.evaluations += 1;
    let ci = match kind {
        RuleKind::Converged {
            ci_low, ci_high, ..
        } => get(ci_low).zip(get(ci_high)),
        _ => None,
    };
    let point = Point { step, value: v, ci };
    if let RuleKind::Converged { window, .. } = kind {
        // The window is the rule's own bookkeeping, not only a reason.
        s.recent.push(point);
        if s.recent.len() as u64 > *window {
            let old = s.recent.remove(0);
            let mode = rule.mode.unwrap_or(Direction::Higher);
            if improves(mode, old.value, s.before.map(|p| p.value)) || s.before.is_none() {
                s.before = Some(old);
            }
        }
    } else {
        s.recent.push(point);
        let k = keep(kind);
        if s.recent.len() > k {
            let extra = s.recent.len() - k;
            s.recent.drain(..extra);
        }
    }
    if let Some(mode) = rule.mode
        && improves(mode, v, s.peak.map(|p| p.value))
    {
        s.peak = Some(point);
    }
    let observed = |s: &RuleState| s.recent.iter().map(|p| p.value).collect::<Vec<f64>>();
    let fire = |reason: Reason, s: &RuleState| Decision {
        rule: rule.name.clone(),
        kind: kind.name(),
        action: rule.action,
        reason,
        metric: rule.monitor.clone(),
        step,
        value: v,
        observed: observed(s),
        best_step: s.peak.map(|p| p.step),
        best_value: s.peak.map(|p| p.value),
        lr: None,
        improvement: None,
        noise: None,
    };
    match kind {
        RuleKind::Threshold { above, below, for_ } => {
            let high = above.is_some_and(|a| v > a);
            let low = below.is_some_and(|b| v < b);
            if high || low {
                s.count += 1;
            } else {
                s.count = 0;
            }
            (s.count == *for_).then(|| {
                fire(
                    if high {
                        Reason::ThresholdAbove
                    } else {
                        Reason::ThresholdBelow
                    },
                    s,
                )
            })
        }
        RuleKind::Decline { count, min_delta } => {
            let mode = rule.mode?;
            let worse = s.previous.is_some_and(|p| match mode {
                Direction::Lower => v > p + min_delta,
                Direction::Higher => v < p - min_delta,
            });
            s.previous = Some(v);
            if worse {
                s.count += 1;
            } else {
                s.count = 0;
            }
            (s.count == *count).then(|| fire(Reason::Declined, s))
        }
        RuleKind::Plateau {
            style,
            patience,
            min_delta,
            delta_kind,
            cooldown,
            min_lr,
            factor,
            eps,
            lr_metric,
            ..
        } => {
            let mode = rule.mode?;
            if let Some(lr) = lr_metric.as_deref().and_then(get) {
                s.lr = Some(lr);
            }
            let reduced = plateau(
                *style,
                mode,
                v,
                (*patience, *min_delta, *delta_kind, *cooldown),
                (*min_lr, *factor, *eps),
                s,
            );
            reduced.map(|lr| {
                let mut d = fire(Reason::Plateau, s);
                d.lr = lr;
                d
            })
        }
        RuleKind::EarlyStopping {
            min_delta,
            patience,
            baseline,
            start_from,
            restore_best: _,
            stopping_threshold,
            divergence_threshold,
            check_finite,
        } => {
            let mode = rule.mode?;
            if index < *start_from {
                return None;
            }
            let with_best = |mut d: Decision, s: &RuleState| {
                // Keras' `best_epoch` is an evaluation index; report its step.
                d.best_step = s.reference_step;
                d.best_value = s.reference;
                d
            };
            if *check_finite && !v.is_finite() {
                return Some(with_best(fire(Reason::NonFinite, s), s));
            }
            // Lightning: `monitor_op(current, threshold)`, strict.
            if stopping_threshold.is_some_and(|t| mode.better(v, t)) {
                return Some(with_best(fire(Reason::StoppingThreshold, s), s));
            }
            // Lightning: `monitor_op(-current, -threshold)`: worse than the threshold.
            if divergence_threshold.is_some_and(|t| match mode {
                Direction::Lower => -v < -t,
                Direction::Higher => -v > -t,
            }) {
                return Some(with_best(fire(Reason::DivergenceThreshold, s), s));
            }
            s.wait += 1;
            let improved_over = |reference: f64| keras_improves(mode, v, *min_delta, reference);
            let improved = match s.reference {
                None => true,
                Some(r) => improved_over(r),
            };
            if improved {
                s.reference = Some(v);
                s.reference_step = Some(step);
                if baseline.is_none_or(improved_over) {
                    s.wait = 0;
                }
                return None;
            }
            (s.wait >= *patience && index > 0)
                .then(|| with_best(fire(Reason::PatienceExhausted, s), s))
        }
        RuleKind::Converged {
            min_improvement, ..
        } => {
            let mode = rule.mode?;
            let before = s.before?;
            let best = s.recent.iter().copied().fold(None::<Point>, |acc, p| {
                if improves(mode, p.value, acc.map(|a| a.value)) {
                    Some(p)
                } else {
                    acc
                }
            });
            let gain = best.map_or(f64::NAN, |b| match mode {
                Direction::Lower => before.value - b.value,
                Direction::Higher => b.value - before.value,
            });
            let noise = best.and_then(|b| {
                let (l1, h1) = before.ci?;
                let (l2, h2) = b.ci?;
                let (w1, w2) = ((h1 - l1) / 2.0, (h2 - l2) / 2.0);
                Some((w1 * w1 + w2 * w2).sqrt())
            });
            // NaN (no finite value in the window) is no progress.
            let progressed = gain.partial_cmp(min_improvement).is_some_and(|o| o.is_ge());
            let status = if !progressed {
                Convergence::Converged
            } else if noise.is_some_and(|n| gain <= n) {
                Convergence::WithinNoise
            } else {
                Convergence::StillImproving
            };
            // Edge-triggered: a rule that keeps running (an alert) speaks when its conclusion
            // changes, not at every evaluation.
            let changed = s.status != Some(status);
            s.status = Some(status);
            if !changed {
                return None;
            }
            let reason = match status {
                Convergence::Converged => Reason::Converged,
                Convergence::WithinNoise => Reason::WithinNoise,
                Convergence::StillImproving => return None,
            };
            let mut d = fire(reason, s);
            d.improvement = Some(gain);
            d.noise = noise;
            Some(d)
        }
        RuleKind::NonFinite { .. } => None,
    }
}

/// Keras 3's `_is_improvement`: `monitor_op(current − min_delta′, reference)` where min_delta′ is
/// `−|δ|` in min mode and `|δ|` in max mode, the subtraction in f64 (Python floats) and the
/// comparison on float32 tensors (`ops.less` / `ops.greater` convert Python floats to floatx).
fn keras_improves(mode: Direction, v: f64, min_delta: f64, reference: f64) -> bool {
    let d = min_delta.abs();
    match mode {
        Direction::Lower => f32r(v + d) < f32r(reference),
        Direction::Higher => f32r(v - d) > f32r(reference),
    }
}

/// One plateau step; `Some(new lr or None when unknown)` when it reduces.
fn plateau(
    style: PlateauStyle,
    mode: Direction,
    v: f64,
    (patience, min_delta, kind, cooldown): (u64, f64, DeltaKind, u64),
    (min_lr, factor, eps): (f64, f64, f64),
    s: &mut RuleState,
) -> Option<Option<f64>> {
    let improved = match style {
        // Keras 3: no best yet is always an improvement (a first NaN becomes the best); else
        // `monitor_op(current − min_delta′, best)` on float32 tensors, min_delta′ = −δ for min.
        PlateauStyle::Keras => match s.reference {
            None => true,
            Some(best) => match kind {
                DeltaKind::Abs => keras_improves(mode, v, min_delta, best),
                DeltaKind::Rel => match mode {
                    Direction::Lower => f32r(v) < f32r(best * (1.0 - min_delta)),
                    Direction::Higher => f32r(v) > f32r(best * (1.0 + min_delta)),
                },
            },
        },
        // PyTorch: the best starts at ±inf; `_is_better` in f64.
        PlateauStyle::Torch => {
            let best = s.reference.unwrap_or(match mode {
                Direction::Lower => f64::INFINITY,
                Direction::Higher => f64::NEG_INFINITY,
            });
            match (mode, kind) {
                (Direction::Lower, DeltaKind::Abs) => v < best - min_delta,
                (Direction::Lower, DeltaKind::Rel) => v < best * (1.0 - min_delta),
                (Direction::Higher, DeltaKind::Abs) => v > best + min_delta,
                (Direction::Higher, DeltaKind::Rel) => v > best * (1.0 + min_delta),
            }
        }
    };
    match style {
        PlateauStyle::Keras => {
            if s.cooldown > 0 {
                s.cooldown -= 1;
                s.wait = 0;
            }
            if improved {
                s.reference = Some(v);
                s.wait = 0;
                return None;
            }
            if s.cooldown > 0 {
                return None;
            }
            s.wait += 1;
            if s.wait < patience {
                return None;
            }
            let new = match s.lr {
                Some(old) if f32r(old) > f32r(min_lr) => Some(f32r((old * factor).max(min_lr))),
                Some(_) => return None,
                None => None,
            };
            s.lr = new.or(s.lr);
            s.cooldown = cooldown;
            s.wait = 0;
            Some(new)
        }
        PlateauStyle::Torch => {
            if improved {
                s.reference = Some(v);
                s.wait = 0;
            } else {
                s.wait += 1;
            }
            if s.cooldown > 0 {
                s.cooldown -= 1;
                s.wait = 0;
            }
            if s.wait <= patience {
                return None;
            }
            s.cooldown = cooldown;
            s.wait = 0;
            match s.lr {
                Some(old) => {
                    let new = (old * factor).max(min_lr);
                    if old - new > eps {
                        s.lr = Some(new);
                        Some(Some(new))
                    } else {
                        None
                    }
                }
                None => Some(None),
            }
        }
    }
}

/// `non_finite`: the first NaN or ±inf among the monitors present.
fn non_finite(
    rule: &Rule,
    monitors: &[String],
    step: i64,
    get: &dyn Fn(&str) -> Option<f64>,
    s: &mut RuleState,
) -> Option<Decision> {
    let mut seen = false;
    for m in monitors {
        let Some(v) = get(m) else { continue };
        seen = true;
        if !v.is_finite() {
            s.evaluations += 1;
            return Some(Decision {
                rule: rule.name.clone(),
                kind: rule.kind.name(),
                action: rule.action,
                reason: Reason::NonFinite,
                metric: m.clone(),
                step,
                value: v,
                observed: vec![v],
                best_step: None,
                best_value: None,
                lr: None,
                improvement: None,
                noise: None,
            });
        }
    }
    if seen {
        s.evaluations += 1;
    }
    None
}
