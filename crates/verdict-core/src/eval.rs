//! The whole evaluation of one prediction set, as `verdict eval` reports it.
//!
//! [`evaluate`] takes validated, owned data ([`EvalData`]) and a [`EvalConfig`], and returns an
//! [`EvalResult`]: every scalar metric with its bootstrap interval, per-class scores, the confusion
//! matrix, curves, optimal thresholds, calibration and its warnings ([`Finding`]s of
//! [`crate::diagnostics`]). Rendering (text,
//! JSON, Markdown, languages) happens in `verdict-report`; this module only computes.
//!
//! # Layout and the bootstrap
//! * Binary with scores: the data are sorted once ([`Ranked`]); every metric of a replicate is
//!   computed over the sorted layout with count weights, so a replicate costs O(n).
//! * Multi-class: confusion-matrix metrics need no order (a replicate counts O(k) per-class totals,
//!   [`ClassTotals`], never a k × k matrix); the OvR/OvO AUCs are prepared once ([`AucPrep`]; when a
//!   bootstrap follows, [`AucPrep::for_resampling`] sorts every column once so that a replicate
//!   is one sweep per column), and top-k accuracy from each row's true-class rank, the log-loss
//!   terms and the calibration bins are computed once, so a replicate only re-weighs them. Memory
//!   is linear in rows × classes and the k × k matrix of the result is stored sparse
//!   ([`ConfusionMatrix`]).
//! * A replicate that leaves a metric undefined (a class vanished) yields NaN for that metric; the
//!   interval is taken over the defined replicates and the count of undefined ones is reported.
//!
//! # Conventions
//! * Binary predictions: positive iff `score >= threshold`.
//! * Calibration is **top-label**: confidence = max(p, 1−p) (binary, predicted positive iff p ≥ 0.5)
//!   or the largest class probability (multi-class, ties to the lowest class index); it is computed
//!   only when the scores are probabilities.
//! * `log_loss` and `brier_score` likewise need probabilities; they are left out for raw scores.

use crate::Weights;
use crate::binary::{Confusion, OperatingPoints, PrCurve, RocCurve, ThresholdChoice};
use crate::bootstrap::Resampler;
use crate::calibration::{self, Calibration, CalibrationConfig};
use crate::diagnostics::{self, Finding, class_name};
use crate::fused::BinaryKernel;
use crate::metrics::{self, Computed, Input, MetricId, MulticlassScalars, Shape, Task};
use crate::multiclass::{self, AucPrep, ClassScores, ClassTotals, ConfusedPair, ConfusionMatrix};
use crate::ranking::Ranked;
use crate::stats;

/// The model's outputs for each sample.
#[derive(Debug, Clone)]
pub enum ScoreData {
    /// Binary: one score per sample for the positive class.
    Binary(Vec<f64>),
    /// Multi-class: row-major n×k probabilities (rows sum to 1).
    Probabilities(Vec<f64>),
    /// Hard predictions only (class indices), e.g. from a model that gives no scores.
    Predictions(Vec<u32>),
}

/// Validated input of one evaluation. Classes are in scikit-learn's order.
#[derive(Debug, Clone)]
pub struct EvalData {
    /// Class names, in order; `labels` index into this.
    pub classes: Vec<String>,
    /// The positive class (binary tasks only).
    pub positive: Option<usize>,
    /// True class of each sample.
    pub labels: Vec<u32>,
    /// The model's outputs.
    pub scores: ScoreData,
    /// True when binary scores are probabilities in [0, 1] (log loss, Brier and calibration apply).
    pub probabilistic: bool,
    /// Optional cluster of each sample (indices into `0..n_groups`) and the number of clusters.
    pub groups: Option<(Vec<u32>, usize)>,
}

impl EvalData {
    /// Number of samples.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// True when there are no samples.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Number of classes.
    pub fn k(&self) -> usize {
        self.classes.len()
    }

    /// True for a binary task (a positive class is set).
    pub fn is_binary(&self) -> bool {
        self.positive.is_some()
    }

    /// The rows `rows` only (for slices). Groups are renumbered densely.
    pub fn subset(&self, rows: &[usize]) -> EvalData {
        let k = self.k();
        let scores = match &self.scores {
            ScoreData::Binary(s) => ScoreData::Binary(rows.iter().map(|&i| s[i]).collect()),
            ScoreData::Probabilities(p) => ScoreData::Probabilities(
                rows.iter()
                    .flat_map(|&i| p[i * k..(i + 1) * k].iter().copied())
                    .collect(),
            ),
            ScoreData::Predictions(p) => {
                ScoreData::Predictions(rows.iter().map(|&i| p[i]).collect())
            }
        };
        let groups = self.groups.as_ref().map(|(g, n)| {
            let mut map = vec![u32::MAX; *n];
            let mut next = 0u32;
            let sub: Vec<u32> = rows
                .iter()
                .map(|&i| {
                    let slot = &mut map[g[i] as usize];
                    if *slot == u32::MAX {
                        *slot = next;
                        next += 1;
                    }
                    *slot
                })
                .collect();
            (sub, next as usize)
        });
        EvalData {
            classes: self.classes.clone(),
            positive: self.positive,
            labels: rows.iter().map(|&i| self.labels[i]).collect(),
            scores,
            probabilistic: self.probabilistic,
            groups,
        }
    }

    /// The collapsed binary problem "label in `members`" vs the rest, named `name`; the score is
    /// the summed probability of the members (multi-class probabilities), or the prediction
    /// collapses likewise for hard predictions. Binary scores cannot be regrouped (None).
    pub fn collapse(&self, name: &str, members: &[usize]) -> Option<EvalData> {
        let k = self.k();
        let mut is_member = vec![false; k];
        for &m in members {
            if m < k {
                is_member[m] = true;
            }
        }
        let rest = format!("not {name}");
        let classes = vec![rest, name.to_string()];
        let labels = self
            .labels
            .iter()
            .map(|&l| u32::from(is_member[l as usize]))
            .collect();
        let scores = match &self.scores {
            ScoreData::Binary(_) => return None,
            ScoreData::Probabilities(p) => ScoreData::Binary(
                p.chunks_exact(k)
                    .map(|row| {
                        row.iter()
                            .zip(&is_member)
                            .filter(|(_, m)| **m)
                            .map(|(v, _)| *v)
                            .sum()
                    })
                    .collect(),
            ),
            ScoreData::Predictions(p) => ScoreData::Predictions(
                p.iter()
                    .map(|&c| u32::from(is_member[c as usize]))
                    .collect(),
            ),
        };
        Some(EvalData {
            classes,
            positive: Some(1),
            labels,
            scores,
            probabilistic: true,
            groups: self.groups.clone(),
        })
    }
}

/// How to evaluate.
#[derive(Debug, Clone)]
pub struct EvalConfig {
    /// Binary decision threshold (positive iff score ≥ threshold).
    pub threshold: f64,
    /// Bootstrap replicates (0 = no intervals).
    pub bootstrap: usize,
    /// Seed of the bootstrap.
    pub seed: u64,
    /// Confidence level of the intervals, e.g. 0.95.
    pub level: f64,
    /// Calibration binning.
    pub calibration: CalibrationConfig,
    /// Find the threshold that reaches this recall.
    pub target_recall: Option<f64>,
    /// Find the threshold that reaches this precision.
    pub target_precision: Option<f64>,
    /// At most this many points per ROC/PR curve, evenly spaced (0 = every point).
    pub curve_points: usize,
}

/// A scalar metric with its interval.
#[derive(Debug, Clone, PartialEq)]
pub struct Metric {
    /// scikit-learn's function name without `_score`, with an averaging suffix where needed.
    pub name: String,
    /// Point estimate (NaN when undefined).
    pub value: f64,
    /// Percentile bootstrap interval, when a bootstrap ran.
    pub ci: Option<(f64, f64)>,
    /// Replicates in which the metric was undefined.
    pub undefined: usize,
}

/// What the bootstrap did.
#[derive(Debug, Clone, PartialEq)]
pub struct BootstrapInfo {
    /// Replicates drawn.
    pub replicates: usize,
    /// Seed.
    pub seed: u64,
    /// Confidence level.
    pub level: f64,
    /// True when whole groups were resampled.
    pub clustered: bool,
    /// Independent units per replicate (samples, or groups when clustered).
    pub units: usize,
}

/// A named optimal threshold.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedThreshold {
    /// `youden`, `max_f1`, `target_recall` or `target_precision`.
    pub name: &'static str,
    /// The target, for the target rules.
    pub target: Option<f64>,
    /// The choice.
    pub choice: ThresholdChoice,
}

/// The result of [`evaluate`].
#[derive(Debug, Clone)]
pub struct EvalResult {
    /// Samples.
    pub n: usize,
    /// Class names.
    pub classes: Vec<String>,
    /// Positive class (binary).
    pub positive: Option<usize>,
    /// Decision threshold (binary with scores).
    pub threshold: Option<f64>,
    /// Scalar metrics, in report order.
    pub metrics: Vec<Metric>,
    /// Per-class precision, recall, F1 and support, in class order.
    pub per_class: Vec<ClassScores>,
    /// Confusion matrix (rows = true).
    pub confusion: ConfusionMatrix,
    /// Most-confused class pairs.
    pub most_confused: Vec<ConfusedPair>,
    /// ROC curve (binary with scores).
    pub roc: Option<RocCurve>,
    /// Precision-recall curve (binary with scores).
    pub pr: Option<PrCurve>,
    /// Points of the full ROC and PR curves (before `curve_points` decimation).
    pub curve_sizes: (usize, usize),
    /// Optimal thresholds (binary with scores).
    pub thresholds: Vec<NamedThreshold>,
    /// Calibration (probabilities only).
    pub calibration: Option<Calibration>,
    /// The binning the calibration used.
    pub calibration_config: CalibrationConfig,
    /// Bootstrap settings, when one ran.
    pub bootstrap: Option<BootstrapInfo>,
    /// Warnings: the eval set's and the model's findings ([`crate::diagnostics`]).
    pub warnings: Vec<Finding>,
}

impl EvalResult {
    /// The positive class's share of the samples (binary only): the no-skill precision a PR plot
    /// draws. `None` for multi-class results.
    pub fn prevalence(&self) -> Option<f64> {
        self.positive.map(|p| {
            let support: u64 = self.per_class.iter().map(|c| c.support).sum();
            self.per_class[p].support as f64 / support.max(1) as f64
        })
    }

    /// A result with what every task has; curves, thresholds, calibration and warnings are
    /// filled in by the caller.
    fn new(
        data: &EvalData,
        cfg: &EvalConfig,
        metrics: Vec<Metric>,
        confusion: ConfusionMatrix,
        bootstrap: Option<BootstrapInfo>,
    ) -> Self {
        EvalResult {
            n: data.len(),
            classes: data.classes.clone(),
            positive: data.positive,
            threshold: None,
            metrics,
            per_class: confusion.per_class(),
            most_confused: confusion.most_confused(10),
            confusion,
            roc: None,
            pr: None,
            curve_sizes: (0, 0),
            thresholds: Vec::new(),
            calibration: None,
            calibration_config: cfg.calibration,
            bootstrap,
            warnings: Vec::new(),
        }
    }

    /// The metric named `name`.
    pub fn metric(&self, name: &str) -> Option<&Metric> {
        self.metrics.iter().find(|m| m.name == name)
    }
}

/// Evaluates `data`. `on_replicate` is called after each bootstrap replicate (progress).
pub fn evaluate(data: &EvalData, cfg: &EvalConfig, on_replicate: &(dyn Fn() + Sync)) -> EvalResult {
    if data.is_binary() {
        evaluate_binary(data, cfg, on_replicate)
    } else {
        evaluate_multiclass(data, cfg, on_replicate)
    }
}

/// Runs the bootstrap for `stat` (count weights in the layout of `resampler`) and attaches the
/// intervals to `metrics`.
fn attach_intervals<F>(
    metrics: &mut [Metric],
    resampler: &Resampler,
    cfg: &EvalConfig,
    stat: F,
    on_replicate: &(dyn Fn() + Sync),
) -> Option<BootstrapInfo>
where
    F: Fn(&[u32]) -> Vec<f64> + Sync,
{
    if cfg.bootstrap == 0 || resampler.is_empty() {
        return None;
    }
    let reps = resampler.run(cfg.bootstrap, cfg.seed, stat, on_replicate);
    for (j, m) in metrics.iter_mut().enumerate() {
        let values: Vec<f64> = reps.iter().map(|r| r[j]).collect();
        let (lo, hi, undefined) = stats::percentile_interval(&values, cfg.level);
        m.ci = Some((lo, hi));
        m.undefined = undefined;
    }
    Some(BootstrapInfo {
        replicates: cfg.bootstrap,
        seed: cfg.seed,
        level: cfg.level,
        clustered: data_is_clustered(resampler),
        units: resampler.units(),
    })
}

fn data_is_clustered(r: &Resampler) -> bool {
    r.units() != r.len()
}

/// The resampler of an eval set: plain over its samples, or clustered by its groups. `evaluate`
/// and [`crate::compare::compare`] both draw from it, so replicate `b` gives every sample the same
/// count in both (see [`crate::bootstrap`]).
pub fn resampler_for(data: &EvalData) -> Resampler {
    match &data.groups {
        Some((g, k)) => Resampler::clustered(g.clone(), *k),
        None => Resampler::plain(data.len()),
    }
}

fn named(names: &[String], values: Vec<f64>) -> Vec<Metric> {
    names
        .iter()
        .zip(values)
        .map(|(n, v)| Metric {
            name: n.clone(),
            value: v,
            ci: None,
            undefined: 0,
        })
        .collect()
}

/// A 2×2 [`ConfusionMatrix`] in class order from binary counts.
fn binary_matrix(c: &Confusion, positive: usize) -> ConfusionMatrix {
    // Class order: index `positive` is the positive class.
    let (neg_row, pos_row) = ([c.tn, c.fp], [c.fn_, c.tp]);
    let counts = if positive == 1 {
        [neg_row[0], neg_row[1], pos_row[0], pos_row[1]]
    } else {
        [pos_row[1], pos_row[0], neg_row[1], neg_row[0]]
    };
    ConfusionMatrix::from_dense(2, &counts)
}

/// The scalar metrics of one model, prepared once (sorted, per-sample terms computed) and then
/// computable under any count weights: the point estimate, each bootstrap replicate, and each
/// paired replicate of a comparison.
///
/// Which metrics it computes, their order and their names come from the registry
/// ([`crate::metrics`]), filtered by the task and input; each value is read from the kernel's
/// output by [`MetricId::of`], so a name can never be paired with another metric's value.
pub struct Scalars<'a> {
    ids: Vec<MetricId>,
    names: Vec<String>,
    kind: ScalarsKind<'a>,
}

enum ScalarsKind<'a> {
    /// Binary with scores: everything through the fused kernel over the sorted layout.
    Binary(BinaryKernel),
    /// Binary with hard predictions.
    BinaryPredictions { y: Vec<bool>, pred: Vec<bool> },
    /// Multi-class with probabilities (or predictions only).
    Multi {
        labels: &'a [u32],
        pred: Vec<u32>,
        k: usize,
        probs: Option<&'a [f64]>,
        tops: Vec<usize>,
        /// Rank of each sample's true class in its row (top-k accuracy), computed once.
        ranks: Vec<u32>,
        /// Boxed: the layouts make it the largest part of the kind.
        prep: Option<Box<AucPrep<'a>>>,
        /// Each sample's log-loss term, computed once (empty without probabilities).
        nll: Vec<f64>,
        calibration: Option<CalPrep>,
        cal_cfg: CalibrationConfig,
    },
}

/// What the top-label calibration of every replicate shares: each sample's confidence,
/// correctness, and bin over the edges fixed by the unweighted data.
struct CalPrep {
    conf: Vec<f64>,
    correct: Vec<bool>,
    edges: Vec<f64>,
    bins: Vec<u32>,
}

impl CalPrep {
    fn calibrate(&self, cfg: &CalibrationConfig, w: Weights<'_>) -> Calibration {
        calibration::calibrate_binned(&self.conf, &self.correct, &self.bins, &self.edges, cfg, w)
    }
}

impl<'a> Scalars<'a> {
    /// Prepares `data`; `repeated` says many weightings will follow (a bootstrap).
    pub fn new(data: &'a EvalData, cfg: &EvalConfig, repeated: bool) -> Self {
        let k = data.k();
        if let Some(positive) = data.positive {
            let y: Vec<bool> = data
                .labels
                .iter()
                .map(|&l| l as usize == positive)
                .collect();
            match &data.scores {
                ScoreData::Binary(scores) => {
                    let prob = data.probabilistic;
                    let kernel = BinaryKernel::new(
                        Ranked::new(scores, &y),
                        cfg.threshold,
                        prob.then_some(&cfg.calibration),
                        repeated,
                    );
                    let input = if prob {
                        Input::Probabilities
                    } else {
                        Input::Scores
                    };
                    return Self::with(Task::Binary, input, k, ScalarsKind::Binary(kernel));
                }
                ScoreData::Predictions(pred) => {
                    let pred = pred.iter().map(|&p| p as usize == positive).collect();
                    let kind = ScalarsKind::BinaryPredictions { y, pred };
                    return Self::with(Task::Binary, Input::Predictions, k, kind);
                }
                // A binary task always carries one score column (the loader reduces two probability
                // columns to the positive-class score); anything else is treated as multi-class.
                ScoreData::Probabilities(_) => {}
            }
        }
        let (pred, probs) = match &data.scores {
            ScoreData::Probabilities(p) => {
                (multiclass::argmax_predictions(p, k), Some(p.as_slice()))
            }
            ScoreData::Predictions(p) => (p.clone(), None),
            ScoreData::Binary(_) => (Vec::new(), None),
        };
        let labels = data.labels.as_slice();
        let input = if probs.is_some() {
            Input::Probabilities
        } else {
            Input::Predictions
        };
        let shape = Shape {
            task: Task::Multiclass,
            input,
            classes: k,
        };
        // Top-k accuracy is computed for the k the registry applies at this shape.
        let tops: Vec<usize> = [(2, MetricId::Top2Accuracy), (3, MetricId::Top3Accuracy)]
            .into_iter()
            .filter(|(_, id)| id.info().applies.to(shape))
            .map(|(t, _)| t)
            .collect();
        let ranks = match probs {
            Some(p) if !tops.is_empty() => multiclass::true_class_ranks(labels, p, k),
            _ => Vec::new(),
        };
        let prep = probs.map(|p| {
            let prep = AucPrep::new(labels, p, k);
            Box::new(if repeated {
                prep.for_resampling()
            } else {
                prep
            })
        });
        let calibration = probs.map(|p| {
            let conf: Vec<f64> = p
                .chunks_exact(k)
                .map(|row| row.iter().copied().fold(f64::NEG_INFINITY, f64::max))
                .collect();
            let correct: Vec<bool> = labels.iter().zip(&pred).map(|(l, p)| l == p).collect();
            let edges = calibration::bin_edges(&conf, &cfg.calibration);
            let bins = calibration::bins_of(&conf, &edges);
            CalPrep {
                conf,
                correct,
                edges,
                bins,
            }
        });
        let nll = probs.map_or_else(Vec::new, |p| multiclass::log_loss_terms(labels, p, k));
        let kind = ScalarsKind::Multi {
            labels,
            pred,
            k,
            probs,
            tops,
            ranks,
            prep,
            nll,
            calibration,
            cal_cfg: cfg.calibration,
        };
        Self::with(Task::Multiclass, input, k, kind)
    }

    /// The registry's metrics for `task` and `input` over `classes` classes, computed by `kind`.
    fn with(task: Task, input: Input, classes: usize, kind: ScalarsKind<'a>) -> Self {
        let shape = Shape {
            task,
            input,
            classes,
        };
        let ids: Vec<MetricId> = metrics::applicable(shape).map(|m| m.id).collect();
        let names = ids.iter().map(|id| id.name().to_string()).collect();
        Self { ids, names, kind }
    }

    /// The metrics of [`Self::names`], in the same order.
    pub fn ids(&self) -> &[MetricId] {
        &self.ids
    }

    /// One value per metric of [`Self::ids`], read from `c` (one allocation).
    fn read(&self, c: Computed<'_>) -> Vec<f64> {
        self.ids.iter().map(|id| id.of(c)).collect()
    }

    /// Metric names, in the order of [`Self::values`].
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The layout [`Self::values_native`] expects weights in: `Some(order)` when position `p` is
    /// sample `order[p]` (binary scores are sorted), `None` when it is the sample order.
    pub fn native_order(&self) -> Option<&[u32]> {
        match &self.kind {
            ScalarsKind::Binary(k) => Some(k.ranked().original_indices()),
            _ => None,
        }
    }

    /// Every metric under weights indexed by **sample**.
    pub fn values(&self, w: Weights<'_>) -> Vec<f64> {
        match (w, self.native_order()) {
            (Weights::Counts(counts), Some(order)) => {
                self.values_native(Weights::Permuted { counts, order })
            }
            _ => self.values_native(w),
        }
    }

    /// Every metric under weights in the [`Self::native_order`] layout.
    pub fn values_native(&self, w: Weights<'_>) -> Vec<f64> {
        match &self.kind {
            ScalarsKind::Binary(kernel) => self.read(Computed::Binary(&kernel.compute(w))),
            ScalarsKind::BinaryPredictions { y, pred } => self.read(Computed::BinaryPredictions(
                &Confusion::from_predictions(y, pred, w),
            )),
            ScalarsKind::Multi {
                labels,
                pred,
                k,
                probs,
                tops,
                ranks,
                prep,
                nll,
                calibration,
                cal_cfg,
            } => {
                // O(k) totals, not the k × k matrix: a replicate stays linear in n + k.
                let cm = ClassTotals::new(labels, pred, *k, w);
                let mut m = MulticlassScalars {
                    accuracy: cm.accuracy(),
                    balanced_accuracy: cm.balanced_accuracy(),
                    top: [None; 2],
                    averages: cm.averages(),
                    roc_auc: None,
                    log_loss: None,
                    calibration: None,
                };
                if probs.is_some() {
                    for &t in tops {
                        m.top[t - 2] = Some(multiclass::top_k_from_ranks(ranks, t, w));
                    }
                }
                if let (Some(prep), Some(cal)) = (prep, calibration) {
                    let (ovr, ovo) = prep.ovr_ovo(w);
                    m.roc_auc = Some([ovr.macro_avg, ovr.weighted, ovo.macro_avg]);
                    m.log_loss = Some(multiclass::log_loss_from_terms(nll, w));
                    let cal = cal.calibrate(cal_cfg, w);
                    m.calibration = Some((cal.ece, cal.mce));
                }
                self.read(Computed::Multiclass(&m))
            }
        }
    }

    /// Whether each sample is predicted correctly (at the threshold, or top-1), in sample order:
    /// what McNemar's test compares.
    pub fn correct(&self) -> Vec<bool> {
        match &self.kind {
            ScalarsKind::Binary(kernel) => {
                let r = kernel.ranked();
                let cut = kernel.cut();
                let mut out = vec![false; r.len()];
                for (p, (&orig, &pos)) in r.original_indices().iter().zip(r.positives()).enumerate()
                {
                    out[orig as usize] = (p < cut) == pos;
                }
                out
            }
            ScalarsKind::BinaryPredictions { y, pred } => {
                y.iter().zip(pred).map(|(a, b)| a == b).collect()
            }
            ScalarsKind::Multi { labels, pred, .. } => {
                labels.iter().zip(pred).map(|(a, b)| a == b).collect()
            }
        }
    }

    /// The binary kernel (binary tasks with scores).
    pub fn binary_kernel(&self) -> Option<&BinaryKernel> {
        match &self.kind {
            ScalarsKind::Binary(k) => Some(k),
            _ => None,
        }
    }
}

fn evaluate_binary(
    data: &EvalData,
    cfg: &EvalConfig,
    on_replicate: &(dyn Fn() + Sync),
) -> EvalResult {
    let positive = data.positive.unwrap_or(1);
    let scalars = Scalars::new(data, cfg, cfg.bootstrap > 0);
    let mut metrics = named(scalars.names(), scalars.values_native(Weights::Unit));
    let base = resampler_for(data);
    let resampler = match scalars.native_order() {
        Some(order) => base.permuted(order),
        None => base,
    };
    let bootstrap = attach_intervals(
        &mut metrics,
        &resampler,
        cfg,
        |c| scalars.values_native(Weights::Counts(c)),
        on_replicate,
    );
    let Some(kernel) = scalars.binary_kernel() else {
        let ScalarsKind::BinaryPredictions { y, pred } = &scalars.kind else {
            return evaluate_multiclass(data, cfg, on_replicate);
        };
        let confusion = binary_matrix(
            &Confusion::from_predictions(y, pred, Weights::Unit),
            positive,
        );
        let mut result = EvalResult::new(data, cfg, metrics, confusion, bootstrap);
        result.warnings = warnings(data, &result, None);
        return result;
    };
    let point = kernel.compute(Weights::Unit);
    let ranked = kernel.ranked();
    let confusion = binary_matrix(&point.confusion, positive);
    let ops = OperatingPoints::new(ranked);
    let (roc, roc_points) = ops.roc_curve_at_most(true, cfg.curve_points);
    let (pr, pr_points) = ops.precision_recall_curve_at_most(cfg.curve_points);
    let mut thresholds = Vec::new();
    let mut push = |name, target, choice: Option<ThresholdChoice>| {
        if let Some(choice) = choice {
            thresholds.push(NamedThreshold {
                name,
                target,
                choice,
            });
        }
    };
    push("youden", None, ops.youden());
    push("max_f1", None, ops.max_f1());
    if let Some(t) = cfg.target_recall {
        push("target_recall", Some(t), ops.for_target_recall(t));
    }
    if let Some(t) = cfg.target_precision {
        push("target_precision", Some(t), ops.for_target_precision(t));
    }
    let mut result = EvalResult::new(data, cfg, metrics, confusion, bootstrap);
    result.threshold = Some(cfg.threshold);
    result.roc = Some(roc);
    result.pr = Some(pr);
    result.curve_sizes = (roc_points, pr_points);
    result.thresholds = thresholds;
    result.calibration = point.calibration;
    result.warnings = warnings(data, &result, Some(ranked));
    result
}

fn evaluate_multiclass(
    data: &EvalData,
    cfg: &EvalConfig,
    on_replicate: &(dyn Fn() + Sync),
) -> EvalResult {
    let scalars = Scalars::new(data, cfg, cfg.bootstrap > 0);
    let mut metrics = named(scalars.names(), scalars.values(Weights::Unit));
    let bootstrap = attach_intervals(
        &mut metrics,
        &resampler_for(data),
        cfg,
        |c| scalars.values(Weights::Counts(c)),
        on_replicate,
    );
    let ScalarsKind::Multi {
        labels,
        pred,
        k,
        calibration,
        cal_cfg,
        ..
    } = &scalars.kind
    else {
        unreachable!("Scalars::new gives a multi-class kind for multi-class data")
    };
    let confusion = ConfusionMatrix::new(labels, pred, *k, Weights::Unit);
    let calibration = calibration
        .as_ref()
        .map(|cal| cal.calibrate(cal_cfg, Weights::Unit));
    let mut result = EvalResult::new(data, cfg, metrics, confusion, bootstrap);
    result.calibration = calibration;
    result.warnings = warnings(data, &result, None);
    result
}

/// The warnings about the eval set itself ([`Finding::is_eval_set`]), from the rows alone:
/// * `small_eval_set`: fewer than 100 rows (samples; with a group column the groups are judged by
///   `few_groups`);
/// * `small_class`: a class with fewer than 30 true samples (a class of the task with none counts);
/// * `few_groups`: a group column with fewer than 30 groups.
///
/// They depend on `n`, the labels and the groups only, so they are the same for every model scored
/// on the same eval set.
pub fn eval_set_warnings(data: &EvalData) -> Vec<Finding> {
    let mut out = Vec::new();
    let n = data.len();
    if n < 100 {
        out.push(diagnostics::small_eval_set(n));
    }
    let mut support = vec![0u64; data.k()];
    for &l in &data.labels {
        if let Some(s) = support.get_mut(l as usize) {
            *s += 1;
        }
    }
    for (class, &s) in support.iter().enumerate() {
        if s < 30 {
            out.push(diagnostics::small_class(
                class,
                class_name(&data.classes, class),
                s,
            ));
        }
    }
    if let Some((_, groups)) = &data.groups
        && *groups < 30
    {
        out.push(diagnostics::few_groups(*groups));
    }
    out
}

/// The warnings of the module docs, from the finished result: the eval set's
/// ([`eval_set_warnings`]; `few_groups` last) and the model's.
fn warnings(data: &EvalData, result: &EvalResult, ranked: Option<&Ranked>) -> Vec<Finding> {
    let (few_groups, mut out): (Vec<Finding>, Vec<Finding>) = eval_set_warnings(data)
        .into_iter()
        .partition(|w| w.check == "few_groups");
    // Per-class totals of the sparse matrix: O(k + nonzero cells), never k × k.
    let totals = result.confusion.totals();
    let support = &totals.true_sum;
    let predicted = &totals.pred_sum;
    for (class, &p) in predicted.iter().enumerate() {
        if p == 0 && support[class] > 0 {
            out.push(diagnostics::class_never_predicted(
                class,
                class_name(&data.classes, class),
            ));
        }
    }
    let total: u64 = support.iter().sum();
    if total > 0 {
        if let Some((class, &top)) = predicted
            .iter()
            .enumerate()
            .max_by_key(|(i, p)| (**p, std::cmp::Reverse(*i)))
        {
            let share = top as f64 / total as f64;
            let true_share = support[class] as f64 / total as f64;
            if share >= 0.9 && share - true_share >= 0.2 {
                out.push(diagnostics::prediction_collapse(
                    class,
                    class_name(&data.classes, class),
                    top,
                    total,
                    true_share,
                ));
            }
        }
        let correct = totals.correct();
        let majority = support.iter().copied().max().unwrap_or(0);
        let majority_rate = majority as f64 / total as f64;
        let p_value = stats::binomial_sf_ge(correct, total, majority_rate);
        if majority_rate < 1.0 && p_value >= 0.05 {
            out.push(diagnostics::not_above_majority(
                correct as f64 / total as f64,
                majority_rate,
                p_value,
            ));
        }
    }
    if let Some(r) = ranked {
        let (lo, hi) = (r.scores().last().copied(), r.scores().first().copied());
        for t in &result.thresholds {
            if t.target.is_some() {
                continue;
            }
            let thr = t.choice.threshold;
            let pos = r.scores().partition_point(|&s| s >= thr);
            let share = pos as f64 / r.len().max(1) as f64;
            if Some(thr) == lo || Some(thr) == hi || !(0.05..=0.95).contains(&share) {
                out.push(diagnostics::degenerate_threshold(t.name, thr, share));
            }
        }
    }
    // `overconfidence`: among the predictions made with confidence >= the high-confidence level
    // (0.9), a calibrated model errs at most 1 − 0.9 = 10% of the time; warn when the errors are
    // significantly more (one-sided exact binomial test, α = 0.05, at least 30 such predictions).
    if let Some(cal) = &result.calibration {
        let n = cal.high_conf_n;
        let errors = (cal.high_conf_error_rate * n as f64).round() as u64;
        let allowed = 1.0 - result.calibration_config.high_confidence;
        if n >= 30 && errors > 0 && allowed > 0.0 {
            let p_value = stats::binomial_sf_ge(errors, n, allowed);
            if p_value < 0.05 {
                out.push(diagnostics::overconfidence(
                    n,
                    errors,
                    result.calibration_config.high_confidence,
                    p_value,
                ));
            }
        }
    }
    out.extend(few_groups);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calibration::Binning;
    use crate::rng::Xoshiro256pp;

    fn cfg(bootstrap: usize) -> EvalConfig {
        EvalConfig {
            threshold: 0.5,
            bootstrap,
            seed: 0,
            level: 0.95,
            calibration: CalibrationConfig {
                n_bins: 15,
                binning: Binning::Uniform,
                high_confidence: 0.9,
            },
            target_recall: None,
            target_precision: None,
            curve_points: 0,
        }
    }

    fn binary(labels: Vec<u32>, scores: Vec<f64>) -> EvalData {
        EvalData {
            classes: vec!["0".into(), "1".into()],
            positive: Some(1),
            labels,
            scores: ScoreData::Binary(scores),
            probabilistic: true,
            groups: None,
        }
    }

    fn has(r: &EvalResult, code: &str) -> bool {
        r.warnings.iter().any(|w| w.check == code)
    }

    /// Seed 000: 80 sequences, 40/40, accuracy 44/80. Not significantly above the 50% majority rate:
    /// scipy.stats.binomtest(44, 80, 0.5, alternative='greater').pvalue = 0.21702112767273937.
    #[test]
    fn small_ab_test_is_flagged() {
        let labels: Vec<u32> = (0..80).map(|i| u32::from(i >= 40)).collect();
        // 22 of 40 negatives and 22 of 40 positives correct.
        let scores: Vec<f64> = (0..80)
            .map(|i| {
                let correct = (i % 40) < 22;
                let pos = i >= 40;
                if correct == pos { 0.7 } else { 0.3 }
            })
            .collect();
        let r = evaluate(&binary(labels, scores), &cfg(0), &|| {});
        assert_eq!(r.metric("accuracy").map(|m| m.value), Some(0.55));
        assert!(has(&r, "small_eval_set"));
        let p = r
            .warnings
            .iter()
            .find(|w| w.check == "not_above_majority")
            .and_then(|w| w.number("p_value"));
        let p = p.expect("not_above_majority");
        assert!((p - 0.21702112767273937).abs() < 1e-12, "{p}");
    }

    /// 52/80 correct is significant (binomtest p = 0.004841424961528786 < 0.05): no warning.
    #[test]
    fn significant_accuracy_is_not_flagged() {
        let labels: Vec<u32> = (0..80).map(|i| u32::from(i >= 40)).collect();
        let scores: Vec<f64> = (0..80)
            .map(|i| {
                if ((i % 40) < 26) == (i >= 40) {
                    0.7
                } else {
                    0.3
                }
            })
            .collect();
        let r = evaluate(&binary(labels, scores), &cfg(0), &|| {});
        assert_eq!(r.metric("accuracy").map(|m| m.value), Some(0.65));
        assert!(!has(&r, "not_above_majority"));
    }

    /// A model 25% wrong among its ≥ 90%-confident answers (the brief's example): 120 such
    /// predictions, 30 wrong. The p-value is scipy's
    /// `binomtest(30, 120, 0.1, alternative='greater').pvalue` = 1.8921509725873459e-06 (to the
    /// test's 1e-9 relative tolerance); 13 wrong of 120 (10.8%) is within a calibrated model's
    /// 10% and not flagged.
    #[test]
    fn overconfidence_is_a_finding() {
        let make = |wrong: usize| {
            let mut labels = Vec::new();
            let mut scores = Vec::new();
            // 120 confident (p = 0.95 for class 1, or 0.05), `wrong` of them on the other class.
            for i in 0..120 {
                let say_one = i % 2 == 0;
                let truth = if i < wrong { !say_one } else { say_one };
                labels.push(u32::from(truth));
                scores.push(if say_one { 0.95 } else { 0.05 });
            }
            // 80 unconfident ones, half right.
            for i in 0..80 {
                labels.push(u32::from(i % 2 == 0));
                scores.push(if i % 4 < 2 { 0.6 } else { 0.4 });
            }
            evaluate(&binary(labels, scores), &cfg(0), &|| {})
        };
        let r = make(30);
        let f = r
            .warnings
            .iter()
            .find(|w| w.check == "overconfidence")
            .expect("overconfidence");
        assert_eq!(f.number("n"), Some(120.0));
        assert_eq!(f.number("errors"), Some(30.0));
        let p = f.number("p_value").expect("p");
        assert!((p / 1.8921509725873459e-06 - 1.0).abs() < 1e-9, "{p}");
        assert!(!has(&make(13), "overconfidence"));
    }

    /// Seed 001: 489 of 500 predictions on one class.
    #[test]
    fn collapse_and_never_predicted() {
        let k = 5;
        let labels: Vec<u32> = (0..500).map(|i| (i % k) as u32).collect();
        let pred: Vec<u32> = (0..500).map(|i| if i < 489 { 0 } else { 1 }).collect();
        let data = EvalData {
            classes: (0..k).map(|c| c.to_string()).collect(),
            positive: None,
            labels,
            scores: ScoreData::Predictions(pred),
            probabilistic: false,
            groups: None,
        };
        let r = evaluate(&data, &cfg(0), &|| {});
        assert!(r.warnings.contains(&diagnostics::prediction_collapse(
            0,
            "0".into(),
            489,
            500,
            0.2
        )));
        for c in 2..k {
            assert!(
                r.warnings
                    .contains(&diagnostics::class_never_predicted(c, c.to_string()))
            );
        }
        assert!(!has(&r, "small_eval_set"));
    }

    /// Seed 000: an "optimal threshold" of 0.0001 — every sample predicted positive.
    #[test]
    fn degenerate_threshold_is_flagged() {
        // Positives and negatives interleaved; the lowest score is a negative below all others, so
        // J is maximal when everything but that sample is positive... make the best J sit at the
        // minimum score: all positives have the lowest scores.
        let labels: Vec<u32> = (0..200).map(|i| u32::from(i % 2 == 0)).collect();
        let scores: Vec<f64> = (0..200)
            .map(|i| {
                if i == 0 {
                    0.0001
                } else {
                    0.0002 + (i as f64) * 1e-6
                }
            })
            .collect();
        let r = evaluate(&binary(labels, scores), &cfg(0), &|| {});
        assert!(
            r.warnings.iter().any(|w| w.check == "degenerate_threshold"),
            "{:?}",
            r.warnings
        );
    }

    /// Every name `Scalars` produces is a registry name, in registry order, and each value is the
    /// one its kernel computes for that metric (no name is paired with a neighbour's value).
    #[test]
    fn scalars_names_and_values_come_from_the_registry() {
        let labels = vec![0, 1, 1, 0, 1, 0, 1, 1];
        let scores = vec![0.1, 0.9, 0.6, 0.4, 0.3, 0.7, 0.8, 0.55];
        let w = Weights::Counts(&[1, 2, 0, 1, 3, 1, 1, 2]);
        let in_order = |s: &Scalars<'_>| {
            let pos: Vec<usize> = s
                .names()
                .iter()
                .map(|n| metrics::lookup(n).map_or(usize::MAX, |m| m.id as usize))
                .collect();
            assert!(pos.windows(2).all(|p| p[0] < p[1]), "{:?}", s.names());
        };

        // Binary, probabilities: the fused kernel's fields under their names.
        let data = binary(labels.clone(), scores.clone());
        let s = Scalars::new(&data, &cfg(0), false);
        in_order(&s);
        let got = s.values(w);
        let k = s.binary_kernel().map(|k| {
            k.compute(Weights::Permuted {
                counts: &[1, 2, 0, 1, 3, 1, 1, 2],
                order: k.ranked().original_indices(),
            })
        });
        let k = k.expect("binary kernel");
        let cal = k.calibration.as_ref().expect("calibration");
        let mut want = k.confusion.metric_values().to_vec();
        let (ll, br) = (k.log_loss.unwrap_or(0.0), k.brier_score.unwrap_or(0.0));
        want.extend([k.roc_auc, k.average_precision, ll, br, cal.ece, cal.mce]);
        assert_eq!(got, want);
        assert_eq!(
            s.names()[7..],
            [
                "roc_auc",
                "average_precision",
                "log_loss",
                "brier_score",
                "ece",
                "mce"
            ]
        );

        // Binary, raw scores: no losses.
        let mut raw = data.clone();
        raw.probabilistic = false;
        let s = Scalars::new(&raw, &cfg(0), false);
        assert_eq!(s.names().len(), 9);
        assert_eq!(s.names()[8], "average_precision");

        // Multi-class, probabilities over 4 classes: both top-k, the AUCs, log loss, calibration.
        let labels = vec![0, 1, 2, 3, 1, 2];
        let probs: Vec<f64> = (0..6)
            .flat_map(|i| {
                let row = [1.0 + i as f64, 2.0, 3.0 - (i % 3) as f64, 1.5];
                let t: f64 = row.iter().sum();
                row.map(|v| v / t)
            })
            .collect();
        let data = EvalData {
            classes: (0..4).map(|c| c.to_string()).collect(),
            positive: None,
            labels: labels.clone(),
            scores: ScoreData::Probabilities(probs.clone()),
            probabilistic: true,
            groups: None,
        };
        let s = Scalars::new(&data, &cfg(0), false);
        in_order(&s);
        let got = s.values(Weights::Unit);
        let at = |n: &str| got[s.names().iter().position(|x| x == n).unwrap_or(usize::MAX)];
        let pred = multiclass::argmax_predictions(&probs, 4);
        let cm = ClassTotals::new(&labels, &pred, 4, Weights::Unit);
        assert_eq!(at("accuracy"), cm.accuracy());
        assert_eq!(at("f1_micro"), cm.averages().f1_micro);
        assert_eq!(at("recall_weighted"), cm.averages().recall_weighted);
        let ranks = multiclass::true_class_ranks(&labels, &probs, 4);
        assert_eq!(
            at("top_3_accuracy"),
            multiclass::top_k_from_ranks(&ranks, 3, Weights::Unit)
        );
        assert_eq!(
            at("log_loss"),
            multiclass::log_loss(&labels, &probs, 4, Weights::Unit)
        );
        let (ovr, ovo) = AucPrep::new(&labels, &probs, 4).ovr_ovo(Weights::Unit);
        assert_eq!(at("roc_auc_ovr_weighted"), ovr.weighted);
        assert_eq!(at("roc_auc_ovo_macro"), ovo.macro_avg);
        assert_eq!(s.names().len(), 2 + 2 + 9 + 3 + 3);

        // Multi-class, predictions only: no top-k, AUC or calibration.
        let data = EvalData {
            scores: ScoreData::Predictions(pred),
            ..data
        };
        let s = Scalars::new(&data, &cfg(0), false);
        in_order(&s);
        assert_eq!(s.names().len(), 2 + 9);
        assert!(
            s.ids()
                .iter()
                .all(|id| id.info().applies.multiclass == Some(Input::Predictions))
        );
    }

    /// With a group column, the bootstrap resamples groups: with strongly correlated groups the
    /// cluster interval of the accuracy covers the truth at about the nominal rate, while the
    /// sample-level interval (which pretends the rows are independent) covers far less often.
    #[test]
    fn cluster_bootstrap_keeps_coverage_under_correlation() {
        let (groups, per_group, sims) = (30usize, 40usize, 120usize);
        let mut rng = Xoshiro256pp::for_stream(2024, 0);
        let (mut cover_cluster, mut cover_naive) = (0, 0);
        for sim in 0..sims {
            // Each group has its own accuracy p_g ~ U(0.3, 1.0): mean 0.65 (the truth).
            let mut labels = Vec::new();
            let mut scores = Vec::new();
            let mut group_of = Vec::new();
            for g in 0..groups {
                let p_g = 0.3 + 0.7 * rng.next_f64();
                for _ in 0..per_group {
                    let y = rng.below(2) as u32;
                    let correct = rng.next_f64() < p_g;
                    labels.push(y);
                    scores.push(if correct == (y == 1) { 0.8 } else { 0.2 });
                    group_of.push(g as u32);
                }
            }
            let mut c = cfg(200);
            c.seed = sim as u64;
            let naive = evaluate(&binary(labels.clone(), scores.clone()), &c, &|| {});
            let mut clustered = binary(labels, scores);
            clustered.groups = Some((group_of, groups));
            let clus = evaluate(&clustered, &c, &|| {});
            let covers = |r: &EvalResult| {
                let (lo, hi) = r
                    .metric("accuracy")
                    .and_then(|m| m.ci)
                    .unwrap_or((f64::NAN, f64::NAN));
                lo <= 0.65 && 0.65 <= hi
            };
            cover_naive += usize::from(covers(&naive));
            cover_cluster += usize::from(covers(&clus));
            assert!(
                clus.bootstrap
                    .as_ref()
                    .is_some_and(|b| b.clustered && b.units == groups)
            );
        }
        let (cc, cn) = (
            cover_cluster as f64 / sims as f64,
            cover_naive as f64 / sims as f64,
        );
        eprintln!("coverage: cluster {cc}, naive {cn}");
        // Nominal 95%; a percentile cluster bootstrap with 30 groups runs a little low.
        assert!(cc >= 0.85, "cluster coverage {cc}");
        assert!(
            cn <= 0.6,
            "naive coverage {cn} should collapse under correlation"
        );
    }
}
