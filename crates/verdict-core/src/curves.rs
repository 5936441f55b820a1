//! Learning curves: which logged metrics are curves of what, and what a curve says about its run
//! (overfitting, failed training, implausible validation values).
//!
//! A team reads these off a plot and writes them down by feel ("best epoch 1/8, val 0.484 → 1.166:
//! extreme"), inconsistently from run to run. Here each judgement is one documented rule over the
//! curve's numbers, with every threshold a named field of a rule struct whose `Default` is the
//! documented default, so two runs are always judged alike and a team can set its own thresholds.
//!
//! # Curves
//! A [`Curve`] is a metric's history as (step, value) points in step order. MLflow lets a step be
//! logged more than once; the **last logged** value of a step (by timestamp, then by logging order)
//! is the one kept, as a plot of the history shows it. Steps need not start at 0 or be contiguous:
//! "epoch" below means the position in the curve (1-based in reports), and the step is reported
//! beside it.
//!
//! # Directions
//! A metric is minimised or maximised ([`Direction`], the metric registry's); [`direction_from_name`] decides it from the
//! name (loss, error, MAE, MSE, RMSE, perplexity down; accuracy, F1, AUC, precision, recall, mAP,
//! R@k, nDCG, MRR, IoU, Dice up), and a caller can always state it instead.

pub use crate::metrics::Direction;

/// Name fragments of minimised metrics, matched on the lower-cased name split at `_`, `/`, `-`,
/// `.` and spaces.
const MINIMIZED: [&str; 10] = [
    "loss",
    "error",
    "err",
    "mae",
    "mse",
    "rmse",
    "perplexity",
    "ppl",
    "nll",
    "wer",
];

/// Name fragments of maximised metrics (a word of the name, or its start for `r@k`, `p@k`,
/// `top5`…).
const MAXIMIZED: [&str; 17] = [
    "acc",
    "accuracy",
    "f1",
    "auc",
    "roc",
    "precision",
    "recall",
    "map",
    "ndcg",
    "mrr",
    "iou",
    "miou",
    "dice",
    "r2",
    "bleu",
    "hit",
    "top",
];

/// The direction of a metric from its name, `None` when the name says nothing. A minimising word
/// wins over a maximising one (`f1_loss` is a loss). Words are the lower-cased name split at `_`,
/// `/`, `-`, `.` and spaces; `r@10`, `p@5`, `recall@k` and `top5_acc` count as scores.
pub fn direction_from_name(name: &str) -> Option<Direction> {
    let lower = name.to_ascii_lowercase();
    let words: Vec<&str> = lower
        .split(['_', '/', '-', '.', ' '])
        .filter(|w| !w.is_empty())
        .collect();
    if words.iter().any(|w| MINIMIZED.contains(w)) {
        return Some(Direction::Lower);
    }
    let is_score = |w: &str| {
        let head = w.split('@').next().unwrap_or(w);
        let stem = head.trim_end_matches(|c: char| c.is_ascii_digit());
        MAXIMIZED.contains(&head)
            || MAXIMIZED.contains(&stem)
            || (w.contains('@') && matches!(head, "r" | "p"))
    };
    words
        .iter()
        .any(|w| is_score(w))
        .then_some(Direction::Higher)
}

/// A metric's history in step order, one value per step.
#[derive(Debug, Clone, PartialEq)]
pub struct Curve {
    /// Steps, strictly increasing.
    pub steps: Vec<i64>,
    /// The value at each step (NaN and ±inf kept: they are findings).
    pub values: Vec<f64>,
}

impl Curve {
    /// A curve from logged points `(step, timestamp, value)` in logging order: sorted by step,
    /// and for a step logged more than once the last by (timestamp, logging order) kept.
    pub fn from_points(points: &[(i64, i64, f64)]) -> Curve {
        let mut order: Vec<usize> = (0..points.len()).collect();
        // Stable: equal (step, timestamp) keep their logging order, so the last logged wins.
        order.sort_by_key(|&i| (points[i].0, points[i].1));
        let mut steps: Vec<i64> = Vec::with_capacity(points.len());
        let mut values: Vec<f64> = Vec::with_capacity(points.len());
        for i in order {
            let (step, _, v) = points[i];
            if steps.last() == Some(&step) {
                if let Some(last) = values.last_mut() {
                    *last = v;
                }
            } else {
                steps.push(step);
                values.push(v);
            }
        }
        Curve { steps, values }
    }

    /// Points.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// True without points.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The position of the best finite value (the first one on ties, as Keras' `EarlyStopping`
    /// keeps the first best), `None` when no value is finite.
    pub fn best(&self, dir: Direction) -> Option<usize> {
        let mut best: Option<usize> = None;
        for (i, &v) in self.values.iter().enumerate() {
            if !v.is_finite() {
                continue;
            }
            match best {
                Some(b) if !dir.better(v, self.values[b]) => {}
                _ => best = Some(i),
            }
        }
        best
    }

    /// The value at the last step `<= step` (`None` before the first step).
    pub fn at_or_before(&self, step: i64) -> Option<f64> {
        let i = self.steps.partition_point(|&s| s <= step);
        i.checked_sub(1).map(|i| self.values[i])
    }
}

/// How bad the overfitting is, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The validation curve ends near its best.
    None,
    /// A little worse at the end.
    Mild,
    /// Clearly worse.
    Moderate,
    /// Much worse.
    Severe,
    /// The validation curve blew up (or went non-finite) after its best.
    Extreme,
}

impl Severity {
    /// `none`, `mild`, `moderate`, `severe` or `extreme`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::None => "none",
            Severity::Mild => "mild",
            Severity::Moderate => "moderate",
            Severity::Severe => "severe",
            Severity::Extreme => "extreme",
        }
    }

    fn up(self) -> Severity {
        match self {
            Severity::None => Severity::Mild,
            Severity::Mild => Severity::Moderate,
            Severity::Moderate => Severity::Severe,
            Severity::Severe | Severity::Extreme => Severity::Extreme,
        }
    }
}

/// The overfitting rule. Defaults: `r` (the relative worsening from the best to the last value)
/// below 5% is `none`, below 25% `mild`, below 50% `moderate`, below 150% `severe`, else `extreme`
/// (and `extreme` whenever a value after the best is not finite); one level up when the best
/// epoch falls in the first quarter of a run of at least 4 epochs while the training curve keeps
/// improving.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OverfitRule {
    /// `r` from which the severity is `mild` (default 0.05).
    pub mild: f64,
    /// `r` from which it is `moderate` (default 0.25).
    pub moderate: f64,
    /// `r` from which it is `severe` (default 0.5).
    pub severe: f64,
    /// `r` from which it is `extreme` (default 1.5).
    pub extreme: f64,
    /// "Early": the best epoch's position (1-based) is at most this share of the epochs
    /// (default 0.25).
    pub early_share: f64,
    /// Runs shorter than this are never "early" (default 4 epochs).
    pub early_min_epochs: usize,
}

impl Default for OverfitRule {
    fn default() -> Self {
        OverfitRule {
            mild: 0.05,
            moderate: 0.25,
            severe: 0.5,
            extreme: 1.5,
            early_share: 0.25,
            early_min_epochs: 4,
        }
    }
}

/// What the overfitting rule found on one run.
#[derive(Debug, Clone, PartialEq)]
pub struct Overfitting {
    /// Epochs (points of the validation curve).
    pub epochs: usize,
    /// Position of the best epoch (0-based; reports say `best + 1` / `epochs`).
    pub best: usize,
    /// Its step.
    pub best_step: i64,
    /// The best value.
    pub best_value: f64,
    /// The first and the last validation values.
    pub first_value: f64,
    /// The last validation value.
    pub last_value: f64,
    /// Epochs after the best ("wasted" training).
    pub wasted: usize,
    /// Relative worsening from the best to the last value: `(last − best)/|best|` for a loss,
    /// `(best − last)/|best|` for a score; 0 when the last value is the best; `+inf` when the
    /// best is 0 and the last differs, or a value after the best is not finite.
    pub r: f64,
    /// A value after the best is NaN or ±inf.
    pub non_finite_after_best: bool,
    /// The training curve's first and last values, when it was given.
    pub train: Option<(f64, f64)>,
    /// The training curve's last value is better than its value at the best validation epoch.
    pub train_improving: Option<bool>,
    /// The best epoch is early (the rule's first quarter) in a long enough run.
    pub early: bool,
    /// The severity from `r` alone.
    pub base: Severity,
    /// The severity, one level above `base` when early while the training curve improves.
    pub severity: Severity,
}

/// Judges a validation curve (and optionally its training curve) by `rule`. `None` when the
/// validation curve has no finite value.
pub fn overfitting(
    val: &Curve,
    train: Option<&Curve>,
    dir: Direction,
    rule: &OverfitRule,
) -> Option<Overfitting> {
    let best = val.best(dir)?;
    let epochs = val.len();
    let best_value = val.values[best];
    let last_value = val.values[epochs - 1];
    let non_finite_after_best = val.values[best + 1..].iter().any(|v| !v.is_finite());
    let worse = match dir {
        Direction::Lower => last_value - best_value,
        Direction::Higher => best_value - last_value,
    };
    let r = if non_finite_after_best {
        f64::INFINITY
    } else if worse == 0.0 {
        0.0
    } else {
        // `best` is the best finite value, so `worse >= 0`.
        worse / best_value.abs()
    };
    let base = if non_finite_after_best || r >= rule.extreme {
        Severity::Extreme
    } else if r >= rule.severe {
        Severity::Severe
    } else if r >= rule.moderate {
        Severity::Moderate
    } else if r >= rule.mild {
        Severity::Mild
    } else {
        Severity::None
    };
    let best_step = val.steps[best];
    // The training curve is of the same metric, so it has the validation curve's direction.
    let train_improving = train.and_then(|t| {
        let at_best = t.at_or_before(best_step)?;
        let last = *t.values.last()?;
        Some(last.is_finite() && at_best.is_finite() && dir.better(last, at_best))
    });
    let early =
        epochs >= rule.early_min_epochs && ((best + 1) as f64) <= rule.early_share * epochs as f64;
    let severity = if early && train_improving == Some(true) {
        base.up()
    } else {
        base
    };
    Some(Overfitting {
        epochs,
        best,
        best_step,
        best_value,
        first_value: val.values[0],
        last_value,
        wasted: epochs - 1 - best,
        r,
        non_finite_after_best,
        train: train.and_then(|t| Some((*t.values.first()?, *t.values.last()?))),
        train_improving,
        early,
        base,
        severity,
    })
}

/// The failed-training rule. Defaults: a validation **score** fails when its best value does not
/// close at least 15% of the gap from its chance level to 1 (`best < chance + 0.15 · (1 −
/// chance)`; chance is the majority rate for accuracy-like scores, 1/k for macro averages — the
/// caller knows which); a **loss** fails when no later value is below its first value — judged on
/// the training curve when there is one (a validation loss that is best at epoch 1 is overfitting,
/// not failed training, as long as the training loss falls), else on the validation curve; and
/// any curve fails when a validation value is not finite.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FailedRule {
    /// Share of the gap from chance to a perfect score the best value must close (default 0.15).
    pub chance_gap: f64,
}

impl Default for FailedRule {
    fn default() -> Self {
        FailedRule { chance_gap: 0.15 }
    }
}

/// Why a run's training is judged failed.
#[derive(Debug, Clone, PartialEq)]
pub enum TrainingFailure {
    /// The best score is not clearly above chance.
    NearChance {
        /// The best value.
        best: f64,
        /// The chance level.
        chance: f64,
        /// The value it had to reach.
        needed: f64,
    },
    /// The loss never went below its first value.
    LossNeverDecreased {
        /// The first value.
        first: f64,
        /// The smallest later value.
        best_later: f64,
    },
    /// The curve holds NaN or ±inf (or no finite value at all).
    NonFinite {
        /// Position of the first non-finite value.
        at: usize,
    },
}

/// Judges whether training failed (the rule's docs). `chance` is needed for a score (without it a
/// score is never judged failed unless non-finite); a curve of one point cannot show a loss
/// decreasing and is not judged by that rule. `train` is the training curve of the same metric.
pub fn training_failed(
    val: &Curve,
    train: Option<&Curve>,
    dir: Direction,
    chance: Option<f64>,
    rule: &FailedRule,
) -> Option<TrainingFailure> {
    if let Some(at) = val.values.iter().position(|v| !v.is_finite()) {
        return Some(TrainingFailure::NonFinite { at });
    }
    if val.is_empty() {
        return None;
    }
    match dir {
        Direction::Higher => {
            let chance = chance?;
            let best = val.values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let needed = chance + rule.chance_gap * (1.0 - chance);
            (best < needed).then_some(TrainingFailure::NearChance {
                best,
                chance,
                needed,
            })
        }
        Direction::Lower => {
            let judged = train.filter(|t| !t.is_empty()).unwrap_or(val);
            let first = judged.values[0];
            let best_later = judged.values[1..]
                .iter()
                .copied()
                .fold(f64::INFINITY, f64::min);
            (judged.len() > 1 && best_later >= first)
                .then_some(TrainingFailure::LossNeverDecreased { first, best_later })
        }
    }
}

/// The implausible-validation rule. Defaults: a validation loss whose best value is below 0.001,
/// or a validation score (of a metric in [0, 1]) whose best value is at least 0.9999 — values a
/// held-out set rarely gives unless it leaks training data or is tiny.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ImplausibleRule {
    /// A best loss below this is implausible (default 0.001).
    pub loss_below: f64,
    /// A best score at or above this is implausible (default 0.9999).
    pub score_at_least: f64,
}

impl Default for ImplausibleRule {
    fn default() -> Self {
        ImplausibleRule {
            loss_below: 0.001,
            score_at_least: 0.9999,
        }
    }
}

/// The best validation value when it is implausibly good, with its position.
pub fn implausible_validation(
    val: &Curve,
    dir: Direction,
    rule: &ImplausibleRule,
) -> Option<(usize, f64)> {
    let best = val.best(dir)?;
    let v = val.values[best];
    let implausible = match dir {
        Direction::Lower => v.abs() < rule.loss_below,
        Direction::Higher => v >= rule.score_at_least,
    };
    implausible.then_some((best, v))
}

/// A validation curve with the training curve of the same metric, found by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurvePair {
    /// The metric without its split prefix (`loss`, `f1`).
    pub base: String,
    /// The validation key.
    pub val: String,
    /// The training key, when the run logs one.
    pub train: Option<String>,
}

/// Prefixes of validation keys, tried in order (`val_loss`, `val/loss`, `valid_loss`,
/// `validation_loss`, `eval_loss`, `eval/loss`…).
const VAL_PREFIXES: [&str; 8] = [
    "val_",
    "val/",
    "valid_",
    "valid/",
    "validation_",
    "validation/",
    "eval_",
    "eval/",
];

/// The training key of a validation key's base metric: `train_X`, `train/X`, `training_X` or
/// Keras' bare `X`.
fn train_keys(base: &str, sep: char) -> [String; 4] {
    [
        format!("train{sep}{base}"),
        format!("training{sep}{base}"),
        format!("train_{base}"),
        base.to_owned(),
    ]
}

/// Every validation curve among `keys` with its training curve (Keras' `loss`/`val_loss`,
/// `train_loss`/`val_loss`, `train/loss`/`val/loss`, `valid_*`, `eval_*`), in key order.
pub fn curve_pairs<S: AsRef<str>>(keys: &[S]) -> Vec<CurvePair> {
    let mut keys: Vec<&str> = keys.iter().map(AsRef::as_ref).collect();
    keys.sort_unstable();
    keys.dedup();
    let mut out = Vec::new();
    for &k in &keys {
        let Some((prefix, base)) = VAL_PREFIXES
            .iter()
            .find_map(|p| k.strip_prefix(p).map(|b| (*p, b)))
        else {
            continue;
        };
        if base.is_empty() {
            continue;
        }
        let sep = if prefix.ends_with('/') { '/' } else { '_' };
        let train = train_keys(base, sep)
            .into_iter()
            .find(|t| keys.binary_search(&t.as_str()).is_ok());
        out.push(CurvePair {
            base: base.to_owned(),
            val: k.to_owned(),
            train,
        });
    }
    out
}

/// The curve a run is judged by when none is named: the first validation loss among the pairs,
/// else the first with a known direction.
pub fn primary_pair(pairs: &[CurvePair]) -> Option<(&CurvePair, Direction)> {
    let with_dir = pairs
        .iter()
        .filter_map(|p| direction_from_name(&p.base).map(|d| (p, d)));
    with_dir
        .clone()
        .find(|(_, d)| *d == Direction::Lower)
        .or_else(|| with_dir.clone().next())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A curve at steps 0, 1, 2, …
    fn curve(values: &[f64]) -> Curve {
        Curve {
            steps: (0..values.len() as i64).collect(),
            values: values.to_vec(),
        }
    }

    fn seed_curve(n: usize, best_at: usize, best: f64, last: f64) -> Curve {
        curve(&verdict_testkit::curves::seed_loss(n, best_at, best, last))
    }

    fn falling(n: usize, first: f64, last: f64) -> Curve {
        curve(&verdict_testkit::curves::falling(n, first, last))
    }

    fn severity(val: &Curve, train: &Curve) -> Severity {
        overfitting(val, Some(train), Direction::Lower, &OverfitRule::default())
            .expect("finite")
            .severity
    }

    #[test]
    fn seed_001_overfitting_table() {
        // §4.1: Late Fusion v2 (5/12, 0.475 → 0.584, train 1.118 → 0.191) is mild.
        let lf = seed_curve(12, 5, 0.475, 0.584);
        assert_eq!(severity(&lf, &falling(12, 1.118, 0.191)), Severity::Mild);
        // ResNet18 no_x (5/12, 0.734 → 1.190) and DRN+ASPP (9/16, 0.392 → 0.904) are severe.
        let rn = seed_curve(12, 5, 0.734, 1.190);
        assert_eq!(severity(&rn, &falling(12, 0.214, 0.074)), Severity::Severe);
        let drn = seed_curve(16, 9, 0.392, 0.904);
        assert_eq!(severity(&drn, &falling(16, 0.182, 0.065)), Severity::Severe);
        // CBAM 768 no_x (1/8, 0.484 → 1.166): severe by r, one up for the early best while the
        // training loss keeps falling.
        let cbam = seed_curve(8, 1, 0.484, 1.166);
        let o = overfitting(
            &cbam,
            Some(&falling(8, 0.220, 0.063)),
            Direction::Lower,
            &OverfitRule::default(),
        )
        .expect("finite");
        assert_eq!((o.base, o.severity), (Severity::Severe, Severity::Extreme));
        assert_eq!((o.best + 1, o.epochs, o.wasted), (1, 8, 7));
        assert!(o.early && o.train_improving == Some(true));
        assert!((o.r - (1.166 - 0.484) / 0.484).abs() < 1e-12);
        // HD-CNN v2 (7/14, 2.437 → 11.508) is extreme.
        let hd = seed_curve(14, 7, 2.437, 11.508);
        assert_eq!(severity(&hd, &falling(14, 2.539, 0.747)), Severity::Extreme);
    }

    #[test]
    fn without_a_training_curve_there_is_no_escalation() {
        let cbam = seed_curve(8, 1, 0.484, 1.166);
        let o =
            overfitting(&cbam, None, Direction::Lower, &OverfitRule::default()).expect("finite");
        assert_eq!(o.severity, Severity::Severe);
        assert_eq!(o.train_improving, None);
    }

    #[test]
    fn edge_curves() {
        let rule = OverfitRule::default();
        // One epoch: best = last.
        let o = overfitting(&curve(&[0.7]), None, Direction::Lower, &rule).expect("finite");
        assert_eq!((o.severity, o.wasted, o.r), (Severity::None, 0, 0.0));
        // Constant: the first is the best (ties keep the first), nothing worse.
        let o = overfitting(&curve(&[0.5; 6]), None, Direction::Lower, &rule).expect("finite");
        assert_eq!((o.best, o.wasted, o.severity), (0, 5, Severity::None));
        // NaN after the best: extreme.
        let o = overfitting(&curve(&[0.9, 0.5, f64::NAN]), None, Direction::Lower, &rule)
            .expect("finite");
        assert!(o.non_finite_after_best && o.r.is_infinite());
        assert_eq!(o.severity, Severity::Extreme);
        // Nothing finite: no judgement.
        assert!(overfitting(&curve(&[f64::NAN]), None, Direction::Lower, &rule).is_none());
        assert!(overfitting(&curve(&[]), None, Direction::Lower, &rule).is_none());
        // A score: worsening is best − last.
        let o =
            overfitting(&curve(&[0.6, 0.8, 0.7]), None, Direction::Higher, &rule).expect("finite");
        assert!((o.r - 0.125).abs() < 1e-12);
        assert_eq!(o.severity, Severity::Mild);
        // A best of exactly 0 that is left: infinitely worse.
        let o =
            overfitting(&curve(&[0.2, 0.0, 0.1]), None, Direction::Lower, &rule).expect("finite");
        assert_eq!(o.r, f64::INFINITY);
    }

    #[test]
    fn steps_logged_twice_keep_the_last_value_and_steps_need_not_start_at_zero() {
        // (step, timestamp, value): step 3 logged twice, the later timestamp wins; equal
        // timestamps keep logging order.
        let c = Curve::from_points(&[
            (5, 10, 0.9),
            (3, 1, 1.0),
            (3, 2, 0.8),
            (7, 3, 0.7),
            (7, 3, 0.6),
        ]);
        assert_eq!(c.steps, vec![3, 5, 7]);
        assert_eq!(c.values, vec![0.8, 0.9, 0.6]);
        assert_eq!(c.at_or_before(4), Some(0.8));
        assert_eq!(c.at_or_before(2), None);
        let o = overfitting(&c, None, Direction::Lower, &OverfitRule::default()).expect("finite");
        assert_eq!((o.best, o.best_step), (2, 7));
    }

    /// Property: raising the values after the best (a curve that rises more) never lowers the
    /// severity, over many random curves.
    #[test]
    fn rising_more_after_the_best_never_lowers_the_severity() {
        let mut rng = crate::rng::Xoshiro256pp::for_stream(7, 0);
        let rule = OverfitRule::default();
        for _ in 0..2000 {
            let n = 1 + (rng.next_u64() % 20) as usize;
            let values: Vec<f64> = (0..n).map(|_| 0.05 + rng.next_f64() * 2.0).collect();
            let val = curve(&values);
            let train = falling(n, 1.0, 0.1);
            let Some(o) = overfitting(&val, Some(&train), Direction::Lower, &rule) else {
                continue;
            };
            let bump = rng.next_f64() * 3.0;
            let mut more = values.clone();
            for v in &mut more[o.best + 1..] {
                *v += bump;
            }
            let o2 =
                overfitting(&curve(&more), Some(&train), Direction::Lower, &rule).expect("finite");
            assert_eq!(o2.best, o.best, "{values:?}");
            assert!(o2.severity >= o.severity, "{values:?} + {bump}");
        }
    }

    #[test]
    fn failed_training_seed_001() {
        let rule = FailedRule::default();
        // DeepLabV3+ frozen: best val macro F1 0.302 with 5 classes (chance 0.2): failed.
        let f1 = curve(&[0.21, 0.25, 0.28, 0.302, 0.29]);
        assert!(matches!(
            training_failed(&f1, None, Direction::Higher, Some(0.2), &rule),
            Some(TrainingFailure::NearChance { .. })
        ));
        // Hierarchical 0.130: failed; a working run (0.82) is not.
        assert!(
            training_failed(&curve(&[0.1298]), None, Direction::Higher, Some(0.2), &rule).is_some()
        );
        assert!(
            training_failed(
                &curve(&[0.5, 0.82]),
                None,
                Direction::Higher,
                Some(0.2),
                &rule
            )
            .is_none()
        );
        // Without a chance level a score is not judged.
        assert!(training_failed(&f1, None, Direction::Higher, None, &rule).is_none());
        // A loss that never goes below its first value; a NaN.
        assert_eq!(
            training_failed(
                &curve(&[0.7, 0.9, 0.7]),
                None,
                Direction::Lower,
                None,
                &rule
            ),
            Some(TrainingFailure::LossNeverDecreased {
                first: 0.7,
                best_later: 0.7
            })
        );
        assert_eq!(
            training_failed(
                &curve(&[0.7, f64::NAN]),
                None,
                Direction::Lower,
                None,
                &rule
            ),
            Some(TrainingFailure::NonFinite { at: 1 })
        );
        assert!(training_failed(&curve(&[0.7]), None, Direction::Lower, None, &rule).is_none());
        assert!(
            training_failed(&curve(&[0.9, 0.7]), None, Direction::Lower, None, &rule).is_none()
        );
        // Seed 001's CBAM 768 no_x: the validation loss is best at epoch 1, but the training loss
        // falls: overfitting, not failed training.
        let val = curve(&[0.484, 0.7, 1.166]);
        assert!(training_failed(&val, None, Direction::Lower, None, &rule).is_some());
        let train = curve(&[0.22, 0.1, 0.063]);
        assert!(training_failed(&val, Some(&train), Direction::Lower, None, &rule).is_none());
        // A training loss that never falls: failed.
        let flat = curve(&[0.69, 0.70, 0.69]);
        assert!(training_failed(&val, Some(&flat), Direction::Lower, None, &rule).is_some());
    }

    #[test]
    fn implausible_validation_seeds() {
        let rule = ImplausibleRule::default();
        // Seed 000: val loss 0.0003.
        assert_eq!(
            implausible_validation(&curve(&[0.4, 0.01, 0.0003]), Direction::Lower, &rule),
            Some((2, 0.0003))
        );
        // Seed 001 §5.1: val F1 1.0000.
        assert!(implausible_validation(&curve(&[0.9, 1.0]), Direction::Higher, &rule).is_some());
        assert!(implausible_validation(&curve(&[0.9, 0.95]), Direction::Higher, &rule).is_none());
        assert!(implausible_validation(&curve(&[0.5, 0.2]), Direction::Lower, &rule).is_none());
    }

    #[test]
    fn directions_from_names() {
        for k in [
            "val_loss",
            "loss",
            "train/loss",
            "eval_mae",
            "val_error",
            "f1_loss",
            "ppl",
        ] {
            assert_eq!(direction_from_name(k), Some(Direction::Lower), "{k}");
        }
        for k in [
            "val_acc",
            "val_accuracy",
            "val_f1",
            "f1_macro",
            "roc_auc",
            "val/precision",
            "recall",
            "map_at_r",
            "r@10",
            "R@1",
            "recall@5",
            "top5_acc",
            "val_miou",
            "ndcg_at_10",
        ] {
            assert_eq!(direction_from_name(k), Some(Direction::Higher), "{k}");
        }
        for k in ["lr", "epoch", "avg_triplets", "val_time"] {
            assert_eq!(direction_from_name(k), None, "{k}");
        }
    }

    #[test]
    fn pairs_by_name() {
        let keys = [
            "loss",
            "val_loss",
            "accuracy",
            "val_accuracy",
            "train/f1",
            "val/f1",
            "valid_mae",
            "lr",
            "eval_auc",
            "train_auc",
        ];
        let pairs = curve_pairs(&keys);
        let got: Vec<(&str, Option<&str>)> = pairs
            .iter()
            .map(|p| (p.val.as_str(), p.train.as_deref()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("eval_auc", Some("train_auc")),
                ("val/f1", Some("train/f1")),
                ("val_accuracy", Some("accuracy")),
                ("val_loss", Some("loss")),
                ("valid_mae", None),
            ]
        );
        let (p, d) = primary_pair(&pairs).expect("a pair");
        assert_eq!((p.val.as_str(), d), ("val_loss", Direction::Lower));
        let scores = curve_pairs(&["val_f1", "train_f1"]);
        let (p, d) = primary_pair(&scores).expect("a pair");
        assert_eq!((p.val.as_str(), d), ("val_f1", Direction::Higher));
        assert!(primary_pair(&curve_pairs(&["val_time"])).is_none());
    }
}
