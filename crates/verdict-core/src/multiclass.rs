//! Multi-class metrics: confusion matrix, per-class and averaged precision / recall / F1, accuracy,
//! balanced accuracy, top-k accuracy, log loss, and one-vs-rest / one-vs-one ROC AUC.
//!
//! # Data layout
//! * `labels: &[u32]`: the true class index of each sample, in `0..k`. Class indices follow
//!   scikit-learn's sorted label order (the caller encodes labels).
//! * `probs: &[f64]`: row-major `n × k` scores, column `c` = class `c`. Finite; when they are
//!   probabilities the caller has validated / normalised them (logits are softmaxed by the caller).
//! * `pred: &[u32]`: hard predictions in `0..k` (e.g. [`argmax_predictions`]).
//! * [`Weights`] are indexed by **sample** (`w.get(i)` is the weight of sample `i`). Count weights
//!   are exactly equivalent to repeating rows: every function here gives the same result (up to
//!   floating-point summation order) on the expanded data set.
//!
//! Every function matches scikit-learn 1.9.1 called with `labels = [0, 1, …, k−1]`; conventions for
//! ties, zero division and classes absent from a (resampled) data set are documented per function.
//! Shape mismatches (a caller bug, never user input once validated) panic with a message.

use crate::Weights;
use std::borrow::Cow;

/// Checks `probs` is `n × k` for `n = labels.len()`.
fn check_matrix(n: usize, probs: &[f64], k: usize) {
    assert!(k > 0, "at least one class is needed");
    assert_eq!(probs.len(), n * k, "probs must be n × k, row-major");
}

/// Checks that every class index is below `k`.
fn check_classes(what: &str, v: &[u32], k: usize) {
    assert!(
        v.iter().all(|&c| (c as usize) < k),
        "{what} must be class indices below k = {k}"
    );
}

/// Per-sample counts made concrete: `None` for unit weights, otherwise a slice with
/// `counts[i]` = weight of sample `i` (a [`Weights::Permuted`] is materialised once, O(n)).
pub(crate) fn sample_counts<'a>(w: Weights<'a>, n: usize) -> Option<Cow<'a, [u32]>> {
    match w {
        Weights::Unit => None,
        Weights::Counts(c) => {
            assert_eq!(c.len(), n, "one weight per sample");
            Some(Cow::Borrowed(c))
        }
        Weights::Permuted { counts, order } => {
            assert_eq!(order.len(), n, "one weight per sample");
            Some(Cow::Owned(
                order.iter().map(|&o| counts[o as usize]).collect(),
            ))
        }
    }
}

/// `num / den` with scikit-learn's `zero_division="warn"` result: 0.0 when `den == 0`.
fn div0(num: u64, den: u64) -> f64 {
    if den == 0 {
        0.0
    } else {
        num as f64 / den as f64
    }
}

/// Hard predictions from scores: the index of the largest score in each row of the row-major
/// `n × k` matrix `probs`. **Ties go to the lowest class index** (`numpy.argmax`). `k == 0` gives an
/// empty vector.
///
/// Note that [`top_k_accuracy`] with `top = 1` breaks ties the *other* way (scikit-learn's
/// `top_k_accuracy_score` does), so the two differ exactly on rows whose top score is tied.
///
/// # Panics
/// If `probs.len()` is not a multiple of `k`.
pub fn argmax_predictions(probs: &[f64], k: usize) -> Vec<u32> {
    if k == 0 {
        return Vec::new();
    }
    assert_eq!(probs.len() % k, 0, "probs must be n × k, row-major");
    probs
        .chunks_exact(k)
        .map(|row| {
            let mut best = 0usize;
            for (c, &v) in row.iter().enumerate().skip(1) {
                // Strict `>`: the first maximum wins, as in numpy.
                if v > row[best] {
                    best = c;
                }
            }
            best as u32
        })
        .collect()
}

/// A weighted `k × k` confusion matrix, rows = true class, columns = predicted class
/// (scikit-learn's `confusion_matrix(y_true, y_pred, labels=range(k), sample_weight=counts)`).
///
/// **Stored sparse:** only the nonzero cells are kept, so memory is linear in the number of samples
/// whatever the number of classes (a dense 5,000 × 5,000 matrix would be 200 MB); the per-class
/// totals ([`ClassTotals`]) are kept beside them. [`Self::get`] reads any cell, [`Self::dense`]
/// gives the full row-major matrix for small `k`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfusionMatrix {
    /// Number of classes.
    pub k: usize,
    /// Nonzero cells `(true, predicted, count)`, in row-major order (true class, then predicted).
    cells: Vec<(u32, u32, u64)>,
    /// Diagonal, row and column sums.
    totals: ClassTotals,
}

/// What every confusion-matrix metric needs, per class: the diagonal, the row sums (support) and
/// the column sums (predicted). O(k) memory, computed in O(n + k): what a bootstrap replicate
/// computes instead of a `k × k` matrix. Accuracy, balanced accuracy, per-class scores and their
/// averages are defined here; [`ConfusionMatrix`] delegates to it, so both give identical numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassTotals {
    /// `tp[c]`: weighted samples of class `c` predicted as `c`.
    pub tp: Vec<u64>,
    /// `true_sum[c]`: weighted samples of true class `c` (row sum, support).
    pub true_sum: Vec<u64>,
    /// `pred_sum[c]`: weighted samples predicted as `c` (column sum).
    pub pred_sum: Vec<u64>,
}

/// Precision, recall, F1 and support of one class.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClassScores {
    /// `tp / (tp + fp)`; 0.0 when the class is never predicted.
    pub precision: f64,
    /// `tp / (tp + fn)`; 0.0 when the class never occurs.
    pub recall: f64,
    /// `2·tp / (2·tp + fp + fn)`; 0.0 when `tp + fp + fn = 0`.
    pub f1: f64,
    /// Weighted number of samples of this class (`tp + fn`).
    pub support: u64,
}

/// Macro, weighted and micro averages of precision, recall and F1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Averages {
    /// Unweighted mean of the per-class precisions.
    pub precision_macro: f64,
    /// Support-weighted mean of the per-class precisions.
    pub precision_weighted: f64,
    /// Precision of the pooled counts (= accuracy).
    pub precision_micro: f64,
    /// Unweighted mean of the per-class recalls.
    pub recall_macro: f64,
    /// Support-weighted mean of the per-class recalls.
    pub recall_weighted: f64,
    /// Recall of the pooled counts (= accuracy).
    pub recall_micro: f64,
    /// Unweighted mean of the per-class F1 scores.
    pub f1_macro: f64,
    /// Support-weighted mean of the per-class F1 scores.
    pub f1_weighted: f64,
    /// F1 of the pooled counts (= accuracy).
    pub f1_micro: f64,
}

impl Averages {
    /// The averages: precision macro, weighted and micro, then recall, then F1.
    pub fn values(&self) -> [f64; 9] {
        [
            self.precision_macro,
            self.precision_weighted,
            self.precision_micro,
            self.recall_macro,
            self.recall_weighted,
            self.recall_micro,
            self.f1_macro,
            self.f1_weighted,
            self.f1_micro,
        ]
    }
}

/// One off-diagonal cell of the confusion matrix.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ConfusedPair {
    /// The true class.
    pub true_class: usize,
    /// The predicted (wrong) class.
    pub pred_class: usize,
    /// Weighted number of samples of `true_class` predicted as `pred_class`.
    pub count: u64,
    /// `count` / total weighted number of errors (all off-diagonal cells).
    pub share_of_errors: f64,
    /// `count` / weighted number of samples of `true_class`.
    pub share_of_true: f64,
}

impl ClassTotals {
    /// Counts the diagonal, row and column sums of `(labels[i], pred[i])` pairs, each with weight
    /// `w.get(i)`.
    ///
    /// # Panics
    /// If the slices differ in length, a class index is `>= k`, or the weights do not cover every
    /// sample.
    pub fn new(labels: &[u32], pred: &[u32], k: usize, w: Weights<'_>) -> Self {
        assert_eq!(
            labels.len(),
            pred.len(),
            "labels and predictions differ in length"
        );
        check_classes("labels", labels, k);
        check_classes("predictions", pred, k);
        let mut out = Self {
            tp: vec![0; k],
            true_sum: vec![0; k],
            pred_sum: vec![0; k],
        };
        for (i, (&t, &p)) in labels.iter().zip(pred).enumerate() {
            let wi = w.get(i);
            out.true_sum[t as usize] += wi;
            out.pred_sum[p as usize] += wi;
            if t == p {
                out.tp[t as usize] += wi;
            }
        }
        out
    }

    /// Number of classes.
    pub fn k(&self) -> usize {
        self.tp.len()
    }

    /// Total weight (number of samples, counted with their weights).
    pub fn total(&self) -> u64 {
        self.true_sum.iter().sum()
    }

    /// Weighted number of correct predictions (the trace).
    pub fn correct(&self) -> u64 {
        self.tp.iter().sum()
    }

    /// Fraction of correct predictions, `trace / total`. NaN when the total weight is 0
    /// (scikit-learn raises `ZeroDivisionError` there).
    pub fn accuracy(&self) -> f64 {
        let total = self.total();
        if total == 0 {
            return f64::NAN;
        }
        self.correct() as f64 / total as f64
    }

    /// Mean per-class recall over the classes **present in y_true** (row total > 0), scikit-learn's
    /// `balanced_accuracy_score` (`adjusted=False`): classes that occur only among the predictions
    /// (recall 0/0) are dropped, with no penalty, and classes that occur nowhere are ignored. NaN
    /// when no class has weight.
    pub fn balanced_accuracy(&self) -> f64 {
        let (mut sum, mut m) = (0.0, 0usize);
        for (&tp, &row) in self.tp.iter().zip(&self.true_sum) {
            if row > 0 {
                sum += tp as f64 / row as f64;
                m += 1;
            }
        }
        if m == 0 { f64::NAN } else { sum / m as f64 }
    }

    /// Precision, recall, F1 and support of every class `0..k`, scikit-learn's
    /// `precision_recall_fscore_support(labels=range(k), zero_division="warn")`: any 0/0 is 0.0
    /// (precision of a never-predicted class, recall of an absent class, F1 of a class with
    /// `tp = fp = fn = 0`). F1 is computed as `2·tp / (support + predicted)`, so `tp = 0` gives 0.0.
    pub fn per_class(&self) -> Vec<ClassScores> {
        (0..self.k())
            .map(|c| {
                let tp = self.tp[c];
                let true_sum = self.true_sum[c];
                let pred_sum = self.pred_sum[c];
                let den = true_sum + pred_sum;
                ClassScores {
                    precision: div0(tp, pred_sum),
                    recall: div0(tp, true_sum),
                    f1: if den == 0 {
                        0.0
                    } else {
                        2.0 * tp as f64 / den as f64
                    },
                    support: true_sum,
                }
            })
            .collect()
    }

    /// Macro, weighted and micro averages over **all `k` classes** (scikit-learn's
    /// `precision_recall_fscore_support(labels=range(k), average=…, zero_division="warn")`):
    ///
    /// * macro: plain mean of [`Self::per_class`], so an absent or never-predicted class
    ///   contributes its 0.0;
    /// * weighted: weights = support; when every support is 0 it falls back to the plain mean;
    /// * micro: from the pooled counts, `tp = trace`, `tp+fp = tp+fn = total`, so all three equal
    ///   [`Self::accuracy`] (0.0 instead of NaN when the total weight is 0).
    pub fn averages(&self) -> Averages {
        let pc = self.per_class();
        let k = pc.len().max(1) as f64;
        let macro_of = |f: fn(&ClassScores) -> f64| pc.iter().map(f).sum::<f64>() / k;
        let total_support: u64 = pc.iter().map(|s| s.support).sum();
        let weighted_of = |f: fn(&ClassScores) -> f64| {
            if total_support == 0 {
                macro_of(f)
            } else {
                pc.iter().map(|s| s.support as f64 * f(s)).sum::<f64>() / total_support as f64
            }
        };
        let micro = div0(self.correct(), self.total());
        Averages {
            precision_macro: macro_of(|s| s.precision),
            precision_weighted: weighted_of(|s| s.precision),
            precision_micro: micro,
            recall_macro: macro_of(|s| s.recall),
            recall_weighted: weighted_of(|s| s.recall),
            recall_micro: micro,
            f1_macro: macro_of(|s| s.f1),
            f1_weighted: weighted_of(|s| s.f1),
            f1_micro: micro,
        }
    }
}

impl ConfusionMatrix {
    /// Counts `(labels[i], pred[i])` pairs, each with weight `w.get(i)`. O(n log n) time and
    /// O(min(n, k²) + k) memory (only nonzero cells are stored).
    ///
    /// # Panics
    /// If the slices differ in length, a class index is `>= k`, or the weights do not cover every
    /// sample.
    pub fn new(labels: &[u32], pred: &[u32], k: usize, w: Weights<'_>) -> Self {
        let totals = ClassTotals::new(labels, pred, k, w);
        let mut keyed: Vec<(u64, u64)> = labels
            .iter()
            .zip(pred)
            .enumerate()
            .map(|(i, (&t, &p))| (u64::from(t) * k as u64 + u64::from(p), w.get(i)))
            .filter(|&(_, wi)| wi > 0)
            .collect();
        keyed.sort_unstable_by_key(|&(key, _)| key);
        let mut cells: Vec<(u32, u32, u64)> = Vec::new();
        let mut last = None;
        for (key, wi) in keyed {
            if last == Some(key) {
                if let Some(cell) = cells.last_mut() {
                    cell.2 += wi;
                }
            } else {
                last = Some(key);
                // Both indices are below k ≤ u32::MAX + 1, checked by ClassTotals::new.
                cells.push(((key / k as u64) as u32, (key % k as u64) as u32, wi));
            }
        }
        Self { k, cells, totals }
    }

    /// The matrix of a dense row-major `k × k` count vector (`counts[t * k + p]`).
    ///
    /// # Panics
    /// If `counts.len() != k * k`.
    pub fn from_dense(k: usize, counts: &[u64]) -> Self {
        assert_eq!(counts.len(), k * k, "counts must be k × k, row-major");
        let mut totals = ClassTotals {
            tp: vec![0; k],
            true_sum: vec![0; k],
            pred_sum: vec![0; k],
        };
        let mut cells = Vec::new();
        for (i, &c) in counts.iter().enumerate() {
            let (t, p) = (i / k, i % k);
            totals.true_sum[t] += c;
            totals.pred_sum[p] += c;
            if t == p {
                totals.tp[t] += c;
            }
            if c > 0 {
                cells.push((t as u32, p as u32, c));
            }
        }
        Self { k, cells, totals }
    }

    /// The weighted count of true class `t` predicted as `p` (a binary search in the nonzero cells).
    ///
    /// # Panics
    /// If `t` or `p` is `>= k`.
    pub fn get(&self, t: usize, p: usize) -> u64 {
        assert!(t < self.k && p < self.k, "class index out of range");
        let key = (t as u32, p as u32);
        self.cells
            .binary_search_by(|c| (c.0, c.1).cmp(&key))
            .map_or(0, |i| self.cells[i].2)
    }

    /// The nonzero cells `(true, predicted, count)` in row-major order: the sparse (COO) form.
    pub fn nonzero(&self) -> &[(u32, u32, u64)] {
        &self.cells
    }

    /// The full row-major `k × k` matrix (`counts[t * k + p]`). Quadratic in `k`: for reports of
    /// few classes and for tests.
    pub fn dense(&self) -> Vec<u64> {
        let mut out = vec![0u64; self.k * self.k];
        for &(t, p, c) in &self.cells {
            out[t as usize * self.k + p as usize] = c;
        }
        out
    }

    /// The diagonal, row and column sums.
    pub fn totals(&self) -> &ClassTotals {
        &self.totals
    }

    /// Total weight (number of samples, counted with their weights).
    pub fn total(&self) -> u64 {
        self.totals.total()
    }

    /// See [`ClassTotals::accuracy`].
    pub fn accuracy(&self) -> f64 {
        self.totals.accuracy()
    }

    /// See [`ClassTotals::balanced_accuracy`].
    pub fn balanced_accuracy(&self) -> f64 {
        self.totals.balanced_accuracy()
    }

    /// See [`ClassTotals::per_class`].
    pub fn per_class(&self) -> Vec<ClassScores> {
        self.totals.per_class()
    }

    /// See [`ClassTotals::averages`].
    pub fn averages(&self) -> Averages {
        self.totals.averages()
    }

    /// The (at most `limit`) most frequent errors: off-diagonal cells with a count > 0, by count
    /// descending, ties by `(true_class, pred_class)` ascending.
    pub fn most_confused(&self, limit: usize) -> Vec<ConfusedPair> {
        let errors = self.totals.total() - self.totals.correct();
        let mut cells: Vec<(u32, u32, u64)> =
            self.cells.iter().copied().filter(|c| c.0 != c.1).collect();
        cells.sort_by(|a, b| b.2.cmp(&a.2).then((a.0, a.1).cmp(&(b.0, b.1))));
        cells.truncate(limit);
        cells
            .into_iter()
            .map(|(t, p, count)| ConfusedPair {
                true_class: t as usize,
                pred_class: p as usize,
                count,
                share_of_errors: count as f64 / errors as f64,
                share_of_true: count as f64 / self.totals.true_sum[t as usize] as f64,
            })
            .collect()
    }
}

/// Top-`top` accuracy, scikit-learn's `top_k_accuracy_score(labels=range(k), k=top)`: the weighted
/// fraction of samples whose true class is among the `top` highest-scored classes of their row.
///
/// **Ties follow scikit-learn exactly:** it ranks a row with `argsort(kind="mergesort")[:, ::-1]`,
/// i.e. by score descending and, within equal scores, by **class index descending**. So class `l`
/// with score `s` has rank `#{j : s_j > s} + #{j > l : s_j = s}` and is a hit iff that rank is
/// `< top`. (With all scores tied, top-1 picks the *last* class, unlike [`argmax_predictions`].)
/// `top >= k` gives 1.0 (scikit-learn warns), `top = 0` gives 0.0 (scikit-learn rejects it). NaN
/// when the total weight is 0.
///
/// # Panics
/// On a shape mismatch or a label `>= k`.
pub fn top_k_accuracy(labels: &[u32], probs: &[f64], k: usize, top: usize, w: Weights<'_>) -> f64 {
    top_k_from_ranks(&true_class_ranks(labels, probs, k), top, w)
}

/// The rank of each sample's true class in its row under [`top_k_accuracy`]'s tie rule (0 = top):
/// `#{j : s_j > s} + #{j > l : s_j = s}`. It does not depend on the weights, so a bootstrap computes
/// it once and each replicate is O(n) ([`top_k_from_ranks`]).
///
/// # Panics
/// On a shape mismatch or a label `>= k`.
pub fn true_class_ranks(labels: &[u32], probs: &[f64], k: usize) -> Vec<u32> {
    check_matrix(labels.len(), probs, k);
    check_classes("labels", labels, k);
    probs
        .chunks_exact(k)
        .zip(labels)
        .map(|(row, &l)| {
            let l = l as usize;
            let s = row[l];
            let rank = row
                .iter()
                .enumerate()
                .filter(|&(j, &v)| v > s || (v == s && j > l))
                .count();
            // rank < k ≤ u32::MAX + 1 classes.
            u32::try_from(rank).unwrap_or(u32::MAX)
        })
        .collect()
}

/// [`top_k_accuracy`] from [`true_class_ranks`]: the weighted fraction of samples whose true class
/// ranks below `top`. NaN when the total weight is 0.
///
/// # Panics
/// If the weights do not cover every sample.
pub fn top_k_from_ranks(ranks: &[u32], top: usize, w: Weights<'_>) -> f64 {
    let (mut hits, mut total) = (0u64, 0u64);
    for (i, &rank) in ranks.iter().enumerate() {
        let wi = w.get(i);
        total += wi;
        if (rank as usize) < top {
            hits += wi;
        }
    }
    if total == 0 {
        return f64::NAN;
    }
    hits as f64 / total as f64
}

/// Weighted mean cross-entropy, scikit-learn's `log_loss(labels=range(k))`: each sample contributes
/// `−ln(clip(p[i, y_i], ε, 1−ε))` with `ε = f64::EPSILON` (`finfo(float64).eps`), so a probability
/// of 0 costs `−ln ε ≈ 36.04`. The other columns do not enter (`xlogy(0, ·) = 0`) and rows are
/// **not** renormalised after clipping (scikit-learn only warns about rows that do not sum to 1).
/// NaN when the total weight is 0.
///
/// # Panics
/// On a shape mismatch or a label `>= k`.
pub fn log_loss(labels: &[u32], probs: &[f64], k: usize, w: Weights<'_>) -> f64 {
    log_loss_from_terms(&log_loss_terms(labels, probs, k), w)
}

/// The per-sample terms of [`log_loss`], `−ln(clip(p[i, y_i], ε, 1−ε))`: computed once for a
/// bootstrap, whose replicates then only re-weigh them ([`log_loss_from_terms`]).
///
/// # Panics
/// On a shape mismatch or a label `>= k`.
pub fn log_loss_terms(labels: &[u32], probs: &[f64], k: usize) -> Vec<f64> {
    check_matrix(labels.len(), probs, k);
    check_classes("labels", labels, k);
    probs
        .chunks_exact(k)
        .zip(labels)
        .map(|(row, &l)| -row[l as usize].clamp(f64::EPSILON, 1.0 - f64::EPSILON).ln())
        .collect()
}

/// [`log_loss`] from [`log_loss_terms`] under weights `w`: the weighted sum in sample order over
/// the total weight (the same bits as [`log_loss`]); NaN when the total weight is 0.
///
/// # Panics
/// If the weights do not cover every sample.
pub fn log_loss_from_terms(terms: &[f64], w: Weights<'_>) -> f64 {
    let (mut sum, mut total) = (0.0f64, 0u64);
    for (i, &t) in terms.iter().enumerate() {
        let wi = w.get(i);
        if wi == 0 {
            continue;
        }
        total += wi;
        sum += wi as f64 * t;
    }
    if total == 0 {
        return f64::NAN;
    }
    sum / total as f64
}

/// One-vs-rest ROC AUC.
#[derive(Debug, Clone, PartialEq)]
pub struct OvrAuc {
    /// AUC of class `c` against all others; NaN when class `c` has no weight or is the only class.
    pub per_class: Vec<f64>,
    /// Unweighted mean of `per_class`; NaN if any entry is NaN (a class absent from the data).
    pub macro_avg: f64,
    /// Mean of `per_class` weighted by class weight (prevalence); classes with zero weight are left
    /// out (scikit-learn zeroes them); 0.0 when the total weight is 0.
    pub weighted: f64,
}

/// One-vs-one ROC AUC (Hand & Till 2001).
#[derive(Debug, Clone, PartialEq)]
pub struct OvoAuc {
    /// Unweighted mean of the pair AUCs over pairs of present classes.
    pub macro_avg: f64,
    /// Mean of the pair AUCs weighted by `n_a + n_b`.
    pub weighted: f64,
}

/// Prepared one-vs-rest and one-vs-one ROC AUC in memory linear in the number of samples.
///
/// **Layout.** The samples are grouped by true class, and each class's own samples are sorted once
/// by their score for that class, `probs[i, c]` (descending). That is all that is kept besides the
/// borrowed inputs: `n` indices and `n` scores, plus O(k) offsets, whatever the number of classes
/// (the earlier layout sorted every class column and every class pair, `(3k − 2)·n` entries:
/// 2 GB for 5,000 classes × 10,000 rows).
///
/// **Computation.** Every binary AUC here is a Mann-Whitney count between the samples of one class
/// `c` (positives, scored by `probs[:, c]`) and samples of other classes (negatives, same column).
/// A negative `j` scores `2·W_c(> s) + W_c(= s)` (doubled units, ties ½) where `s = probs[j, c]` and
/// `W_c(·)` is the weight of class `c`'s samples above / equal to `s`, two binary searches in class
/// `c`'s sorted scores with prefix sums of the weights. So
/// * OvR AUC of `c` = Σ over samples of every other class / (2·P·N): one pass over the rows,
///   O(n·k·log) time;
/// * OvO pair `(a, b)` = the same sums restricted to the samples of `b` (side `a`) and of `a`
///   (side `b`): O((n_a + n_b)·log) per pair, O(n·k·log) in all, with two O(k) buffers. The pairs
///   are visited in the order `(0,1), (0,2), …, (1,2), …` and averaged in that order.
///
/// The doubled counts are exact integers (u128) and each AUC is divided once in f64, exactly as
/// [`crate::ranking::Ranked::auc`] does it, so the results are bit-for-bit those of sorting each column or pair.
///
/// Matches scikit-learn 1.9.1 `roc_auc_score(y, probs, multi_class=…, labels=range(k))`; each
/// binary AUC is the exact Mann-Whitney statistic (ties count ½; `-0.0` ties with `0.0`).
///
/// **Absent classes.** scikit-learn needs every class in y_true unless `labels=` is given; a
/// bootstrap replicate may lose a class. This type follows what scikit-learn does with `labels=`
/// on such data: OvR gives that class NaN, so the OvR macro is NaN, while the OvR weighted average
/// ignores it; OvO uses only pairs of classes that are present (nonzero weight). Both are what
/// `roc_auc_score(..., labels=range(k))` returns.
#[derive(Debug, Clone)]
pub struct AucPrep<'a> {
    k: usize,
    labels: &'a [u32],
    probs: &'a [f64],
    /// Class `c` occupies `start[c]..start[c + 1]` of `members` and `own`.
    start: Vec<usize>,
    /// Sample indices grouped by class; within a class by `probs[i, c]` descending, ties by index.
    members: Vec<u32>,
    /// `own[p] = probs[members[p], class]`: the sorted own-class scores.
    own: Vec<f64>,
    /// Optional column-major copy in `members` order, `cols[a * n + p] = probs[members[p], a]`
    /// ([`AucPrep::with_column_copy`]): the OvO loop then reads each class's samples of column `a`
    /// contiguously instead of one cache line per sample.
    cols: Option<Vec<f64>>,
    /// Optional per-column sorted layout ([`AucPrep::for_resampling`]): the fastest for many
    /// weightings of the same data.
    sorted: Option<SortedColumns>,
}

/// Every column sorted once, for [`AucPrep::for_resampling`]: entry `a * n + p` is the `p`-th
/// sample (`index`, true `class`) by `probs[·, a]` descending, and bit `a * n + p` of `tie`
/// is set when entry `p + 1` has the same score as entry `p` (`==`, so `-0.0` ties with `0.0`).
///
/// With it, one weighting costs one sequential sweep per column (k·n steps, each a lookup of
/// the sample's weight) instead of (k − 1)·n binary searches: the sweep carries the weight of
/// class `a` seen so far, and every other sample adds `w · (2·above + tied)` to its class's pair
/// count. The counts are the same integers as the binary-search path, so the results are the
/// same bits. It holds `n·k` (index, class) pairs (5 bytes each), and it is used only for up to
/// [`AucPrep::MAX_SORTED_CLASSES`] classes (its per-weighting pair table is k × k).
#[derive(Debug, Clone)]
struct SortedColumns {
    /// Sample index of each entry.
    index: Vec<u32>,
    /// True class of each entry (below `k` ≤ 256).
    class: Vec<u8>,
    tie: Vec<u64>,
}

impl SortedColumns {
    #[inline]
    fn ties_next(&self, bit: usize) -> bool {
        self.tie[bit / 64] >> (bit % 64) & 1 == 1
    }
}

/// Per-weighting state of [`AucPrep`]: weights, class weights, the weights in `members` order
/// (`wm[p]`) and the prefix sums of each class's sorted weights (`cum[start[c] + c + j]` = weight of
/// the first `j` sorted samples of class `c`).
struct AucWeights<'w> {
    counts: Option<Cow<'w, [u32]>>,
    nc: Vec<u64>,
    wm: Vec<u64>,
    cum: Vec<u64>,
}

/// An exact integer accumulator for the doubled Mann-Whitney counts: `u64` when the total weight
/// `T` is below 2³¹ (every count is at most `2·T² < 2⁶³`), `u128` otherwise. Both give the same
/// integers, and integer → f64 conversions round to nearest either way, so the results are equal.
trait Acc: Copy + std::ops::AddAssign + std::ops::Mul<Output = Self> + From<u64> + Into<u128> {
    const ZERO: Self;
    fn to_f64(self) -> f64;
}

impl Acc for u64 {
    const ZERO: Self = 0;
    #[inline]
    fn to_f64(self) -> f64 {
        self as f64
    }
}

impl Acc for u128 {
    const ZERO: Self = 0;
    #[inline]
    fn to_f64(self) -> f64 {
        self as f64
    }
}

impl AucWeights<'_> {
    #[inline]
    fn of(&self, i: usize) -> u64 {
        self.counts.as_deref().map_or(1, |c| u64::from(c[i]))
    }
}

impl<'a> AucPrep<'a> {
    /// Groups the samples by class and sorts each class by its own score. O(n log n + k).
    ///
    /// # Panics
    /// On a shape mismatch, a label `>= k`, or more than `u32::MAX` samples.
    pub fn new(labels: &'a [u32], probs: &'a [f64], k: usize) -> Self {
        check_matrix(labels.len(), probs, k);
        check_classes("labels", labels, k);
        let n = u32::try_from(labels.len()).expect("at most u32::MAX samples");
        let mut start = vec![0usize; k + 1];
        for &l in labels {
            start[l as usize + 1] += 1;
        }
        for c in 0..k {
            start[c + 1] += start[c];
        }
        let mut next = start.clone();
        let mut members = vec![0u32; labels.len()];
        for (i, &l) in (0..n).zip(labels) {
            members[next[l as usize]] = i;
            next[l as usize] += 1;
        }
        for c in 0..k {
            let seg = &mut members[start[c]..start[c + 1]];
            // Descending own score, then ascending index: a total order, so deterministic.
            seg.sort_unstable_by(|&x, &y| {
                let (sx, sy) = (probs[x as usize * k + c], probs[y as usize * k + c]);
                sy.total_cmp(&sx).then(x.cmp(&y))
            });
        }
        let own = members
            .iter()
            .map(|&i| probs[i as usize * k + labels[i as usize] as usize])
            .collect();
        Self {
            k,
            labels,
            probs,
            start,
            members,
            own,
            cols: None,
            sorted: None,
        }
    }

    /// Adds a column-major copy of `probs` in class order (`n · k` more f64, the size of the
    /// input), which makes each [`Self::ovr_ovo`] several times faster on many classes: for a
    /// bootstrap. The results are the same.
    pub fn with_column_copy(mut self) -> Self {
        let (n, k) = (self.members.len(), self.k);
        let mut cols = vec![0.0f64; n * k];
        for (p, &i) in self.members.iter().enumerate() {
            let row = &self.probs[i as usize * k..(i as usize + 1) * k];
            for (a, &v) in row.iter().enumerate() {
                cols[a * n + p] = v;
            }
        }
        self.cols = Some(cols);
        self
    }

    /// Classes up to which [`Self::for_resampling`] sorts every column (its per-weighting pair
    /// table is k × k accumulators); above it, it makes the column copy instead.
    pub const MAX_SORTED_CLASSES: usize = 256;

    /// The layout for many weightings of the same data (a bootstrap): every column sorted once
    /// (`n · k` (index, class) pairs, one sweep per column per weighting), or, above
    /// [`Self::MAX_SORTED_CLASSES`] classes, [`Self::with_column_copy`]. The results are the same
    /// bits as the plain layout's; only the time per weighting differs (at 1,000,000 rows × 5
    /// classes one sweep per column instead of 4,000,000 binary searches).
    pub fn for_resampling(mut self) -> Self {
        let (n, k) = (self.members.len(), self.k);
        if k > Self::MAX_SORTED_CLASSES {
            return self.with_column_copy();
        }
        let mut index = Vec::with_capacity(n * k);
        let mut class = Vec::with_capacity(n * k);
        let mut tie = vec![0u64; (n * k).div_ceil(64)];
        let mut keyed: Vec<(f64, u32)> = Vec::with_capacity(n);
        for a in 0..k {
            keyed.clear();
            keyed.extend((0..n as u32).map(|i| (self.probs[i as usize * k + a], i)));
            // Descending score, then ascending index (a total order, so deterministic; the
            // order inside a tie does not change the counts).
            keyed.sort_unstable_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
            for (p, &(v, i)) in keyed.iter().enumerate() {
                index.push(i);
                // k ≤ MAX_SORTED_CLASSES = 256, so every class fits in a byte.
                class.push(self.labels[i as usize] as u8);
                if keyed.get(p + 1).is_some_and(|next| next.0 == v) {
                    let bit = a * n + p;
                    tie[bit / 64] |= 1 << (bit % 64);
                }
            }
        }
        self.sorted = Some(SortedColumns { index, class, tie });
        self
    }

    /// Weights, class weights and, with `prefix`, the prefix sums the binary searches use, for
    /// one weighting. O(n + k).
    fn weigh<'w>(&self, w: Weights<'w>, prefix: bool) -> AucWeights<'w> {
        let counts = sample_counts(w, self.labels.len());
        let mut st = AucWeights {
            counts,
            nc: vec![0u64; self.k],
            wm: Vec::new(),
            cum: Vec::new(),
        };
        if !prefix {
            for (i, &l) in self.labels.iter().enumerate() {
                st.nc[l as usize] += st.of(i);
            }
            return st;
        }
        st.wm.reserve(self.members.len());
        st.cum = vec![0u64; self.members.len() + self.k];
        for &i in &self.members {
            let wi = st.of(i as usize);
            st.wm.push(wi);
        }
        for c in 0..self.k {
            let base = self.start[c] + c;
            let mut acc = 0u64;
            for (j, &wi) in st.wm[self.start[c]..self.start[c + 1]].iter().enumerate() {
                acc += wi;
                st.cum[base + j + 1] = acc;
            }
            st.nc[c] = acc;
        }
        st
    }

    /// `2·W_c(> x) + W_c(= x)`: the doubled Mann-Whitney wins of class `c`'s samples over one
    /// negative scored `x` in column `c`.
    #[inline]
    fn wins2(&self, st: &AucWeights<'_>, c: usize, x: f64) -> u64 {
        let seg = &self.own[self.start[c]..self.start[c + 1]];
        let gt = seg.partition_point(|&v| v > x);
        let ge = gt + seg[gt..].partition_point(|&v| v >= x);
        let base = self.start[c] + c;
        st.cum[base + gt] + st.cum[base + ge]
    }

    /// The OvR summary from the doubled wins of each class.
    fn ovr_from(&self, st: &AucWeights<'_>, wins2: &[u128]) -> OvrAuc {
        let total: u64 = st.nc.iter().sum();
        let per_class: Vec<f64> = (0..self.k)
            .map(|c| {
                let (pos, neg) = (u128::from(st.nc[c]), u128::from(total - st.nc[c]));
                if pos == 0 || neg == 0 {
                    f64::NAN
                } else {
                    wins2[c] as f64 / (2 * pos * neg) as f64
                }
            })
            .collect();
        let macro_avg = per_class.iter().sum::<f64>() / self.k as f64;
        let weighted = if total == 0 {
            0.0
        } else {
            per_class
                .iter()
                .zip(&st.nc)
                .filter(|&(_, &n)| n > 0)
                .map(|(&a, &n)| a * n as f64)
                .sum::<f64>()
                / total as f64
        };
        OvrAuc {
            per_class,
            macro_avg,
            weighted,
        }
    }

    /// One-vs-rest AUC under per-sample weights `w` (see [`OvrAuc`] for the averages and
    /// [`AucPrep`] for absent classes). One pass over the rows, O(n·k·log(n/k)).
    ///
    /// # Panics
    /// If the weights do not cover every sample.
    pub fn ovr(&self, w: Weights<'_>) -> OvrAuc {
        let st = self.weigh(w, true);
        let k = self.k;
        let mut wins2 = vec![0u128; k];
        for (j, (row, &l)) in self.probs.chunks_exact(k).zip(self.labels).enumerate() {
            let wj = st.of(j);
            if wj == 0 {
                continue;
            }
            for (c, &x) in row.iter().enumerate() {
                if c != l as usize && st.nc[c] > 0 {
                    wins2[c] += u128::from(wj) * u128::from(self.wins2(&st, c, x));
                }
            }
        }
        self.ovr_from(&st, &wins2)
    }

    /// One-vs-one AUC (Hand & Till) under per-sample weights `w`, over the pairs `(a, b)`, `a < b`,
    /// of classes **present** (nonzero weight): `A(a,b) = ½[AUC(a vs b on p_a) + AUC(b vs a on
    /// p_b)]`, restricted to samples of `a` and `b`. Macro = mean over pairs; weighted = mean with
    /// weights `n_a + n_b` (scikit-learn's prevalence `(n_a+n_b)/n`, the `1/n` cancels). Count
    /// weights act as repeated rows (scikit-learn itself rejects `sample_weight` for OvO). Both are
    /// NaN when fewer than two classes are present (scikit-learn averages an empty array).
    ///
    /// # Panics
    /// If the weights do not cover every sample.
    pub fn ovo(&self, w: Weights<'_>) -> OvoAuc {
        self.ovr_ovo(w).1
    }

    /// [`Self::ovr`] and [`Self::ovo`] in one pass over the class pairs (the OvR counts are the
    /// pair counts summed), identical to calling both.
    ///
    /// # Panics
    /// If the weights do not cover every sample.
    pub fn ovr_ovo(&self, w: Weights<'_>) -> (OvrAuc, OvoAuc) {
        let st = self.weigh(w, self.sorted.is_none());
        if st.nc.iter().sum::<u64>() < 1 << 31 {
            self.ovr_ovo_in::<u64>(&st)
        } else {
            self.ovr_ovo_in::<u128>(&st)
        }
    }

    fn ovr_ovo_in<A: Acc>(&self, st: &AucWeights<'_>) -> (OvrAuc, OvoAuc) {
        if let Some(sorted) = &self.sorted {
            return self.ovr_ovo_sorted::<A>(st, sorted);
        }
        let k = self.k;
        let mut ovr2 = vec![A::ZERO; k];
        // side_b[b] = doubled wins of class b over the samples of a (column b); the wins of class
        // a over the samples of b (column a) are summed pair by pair below.
        let mut side_b = vec![A::ZERO; k];
        let mut pairs = Vec::with_capacity(k * (k - 1) / 2);
        for a in 0..k {
            if st.nc[a] == 0 {
                continue;
            }
            for (&i, &wi) in self.members[self.start[a]..self.start[a + 1]]
                .iter()
                .zip(&st.wm[self.start[a]..self.start[a + 1]])
            {
                if wi == 0 {
                    continue;
                }
                let row = &self.probs[i as usize * k..(i as usize + 1) * k];
                for b in a + 1..k {
                    if st.nc[b] > 0 {
                        side_b[b] += A::from(wi) * A::from(self.wins2(st, b, row[b]));
                    }
                }
            }
            for b in a + 1..k {
                if st.nc[b] == 0 {
                    continue;
                }
                let (lo, hi) = (self.start[b], self.start[b + 1]);
                let mut acc = A::ZERO;
                match &self.cols {
                    Some(cols) => {
                        let n = self.members.len();
                        let column = &cols[a * n + lo..a * n + hi];
                        for (&x, &wj) in column.iter().zip(&st.wm[lo..hi]) {
                            if wj != 0 {
                                acc += A::from(wj) * A::from(self.wins2(st, a, x));
                            }
                        }
                    }
                    None => {
                        for (&j, &wj) in self.members[lo..hi].iter().zip(&st.wm[lo..hi]) {
                            if wj != 0 {
                                let x = self.probs[j as usize * k + a];
                                acc += A::from(wj) * A::from(self.wins2(st, a, x));
                            }
                        }
                    }
                }
                let (wa, wb) = (acc, side_b[b]);
                side_b[b] = A::ZERO;
                ovr2[a] += wa;
                ovr2[b] += wb;
                pairs.push((a, b, wa, wb));
            }
        }
        let ovo = self.ovo_from(st, pairs);
        let ovr2: Vec<u128> = ovr2.into_iter().map(Into::into).collect();
        (self.ovr_from(st, &ovr2), ovo)
    }

    /// The OvO summary from the doubled wins `(a, b, wins of a over b, wins of b over a)` of the
    /// pairs of present classes, in the order `(0,1), (0,2), …, (1,2), …`.
    fn ovo_from<A: Acc>(&self, st: &AucWeights<'_>, pairs: Vec<(usize, usize, A, A)>) -> OvoAuc {
        let (mut sum, mut wsum, mut wtot) = (0.0f64, 0.0f64, 0u64);
        for &(a, b, wa, wb) in &pairs {
            let den = (A::from(2 * st.nc[a]) * A::from(st.nc[b])).to_f64();
            let score = (wa.to_f64() / den + wb.to_f64() / den) / 2.0;
            let prevalence = st.nc[a] + st.nc[b];
            sum += score;
            wsum += score * prevalence as f64;
            wtot += prevalence;
        }
        if pairs.is_empty() {
            OvoAuc {
                macro_avg: f64::NAN,
                weighted: f64::NAN,
            }
        } else {
            OvoAuc {
                macro_avg: sum / pairs.len() as f64,
                weighted: wsum / wtot as f64,
            }
        }
    }
}

impl AucPrep<'_> {
    /// [`Self::ovr_ovo_in`] on the sorted columns: `wins[a * k + b]` = the doubled wins of class
    /// `a` over the samples of class `b` in column `a`, one sweep per column.
    fn ovr_ovo_sorted<A: Acc>(&self, st: &AucWeights<'_>, s: &SortedColumns) -> (OvrAuc, OvoAuc) {
        let k = self.k;
        // The sweep looks a weight up at every step, in random order: one byte per sample
        // (a bootstrap's counts almost always fit) keeps the lookups in cache at a million rows.
        let wins = match st.counts.as_deref() {
            None => self.sweep::<A>(st, s, |_| 1),
            Some(c) => match c
                .iter()
                .map(|&x| u8::try_from(x))
                .collect::<Result<Vec<u8>, _>>()
            {
                Ok(small) => self.sweep::<A>(st, s, |i| u64::from(small[i])),
                Err(_) => self.sweep::<A>(st, s, |i| u64::from(c[i])),
            },
        };
        let mut ovr2 = vec![0u128; k];
        let mut pairs = Vec::with_capacity(k * (k - 1) / 2);
        for a in 0..k {
            for b in a + 1..k {
                if st.nc[a] == 0 || st.nc[b] == 0 {
                    continue;
                }
                let (wa, wb) = (wins[a * k + b], wins[b * k + a]);
                ovr2[a] += wa.into();
                ovr2[b] += wb.into();
                pairs.push((a, b, wa, wb));
            }
        }
        let ovo = self.ovo_from(st, pairs);
        (self.ovr_from(st, &ovr2), ovo)
    }

    /// The k × k doubled wins (`wins[a * k + b]`: class `a` over the samples of class `b` in
    /// column `a`), one sweep per column; `weight(i)` is sample `i`'s weight.
    #[inline]
    fn sweep<A: Acc>(
        &self,
        st: &AucWeights<'_>,
        s: &SortedColumns,
        weight: impl Fn(usize) -> u64,
    ) -> Vec<A> {
        let (k, n) = (self.k, self.labels.len());
        let mut wins = vec![A::ZERO; k * k];
        for a in (0..k).filter(|&a| st.nc[a] > 0) {
            let (index, class) = (&s.index[a * n..(a + 1) * n], &s.class[a * n..(a + 1) * n]);
            let acc = &mut wins[a * k..(a + 1) * k];
            // Weight of class `a` strictly above the current position.
            let mut above = 0u64;
            let mut p = 0;
            while p < n {
                if !s.ties_next(a * n + p) {
                    // Branch-free (the class of the next sample is unpredictable): a sample of
                    // class `a` adds 0 to `acc[a]`, which is never read, and its weight to `above`.
                    let (w, l) = (weight(index[p] as usize), class[p] as usize);
                    let own = u64::from(l == a);
                    acc[l] += A::from(w * (1 - own)) * A::from(2 * above);
                    above += w * own;
                    p += 1;
                    continue;
                }
                let mut q = p + 1;
                while s.ties_next(a * n + q) {
                    q += 1;
                }
                let tied: u64 = (p..=q)
                    .filter(|&e| class[e] as usize == a)
                    .map(|e| weight(index[e] as usize))
                    .sum();
                let score = 2 * above + tied;
                for e in (p..=q).filter(|&e| class[e] as usize != a) {
                    acc[class[e] as usize] += A::from(weight(index[e] as usize)) * A::from(score);
                }
                above += tied;
                p = q + 1;
            }
        }
        wins
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Xoshiro256pp;

    fn close(got: f64, want: f64, tol: f64) {
        assert!(
            (got - want).abs() <= tol || (got.is_nan() && want.is_nan()),
            "got {got}, want {want}"
        );
    }

    /// Equal, or both NaN.
    fn same(a: f64, b: f64, tol: f64) -> bool {
        (a.is_nan() && b.is_nan()) || (a - b).abs() <= tol
    }

    // docs/design/metrics.md §1.2 golden data, produced by (scikit-learn 1.9.1, numpy, /work/main/.venv):
    //   rng = np.random.default_rng(0); rng.integers(0, 2, 1000); rng.integers(0, 10, 1000) / 10
    //   y = rng.integers(0, 3, 300); P = rng.dirichlet([1, 1, 1], 300)
    // printed with repr() (shortest round-trip), P row-major.
    #[rustfmt::skip]
    const GOLD_Y: [u32; 300] = [2, 0, 1, 2, 2, 1, 0, 1, 1, 1, 2, 2, 2, 0, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 2, 0, 0, 2, 2, 0, 2, 0, 1, 2, 1, 2, 2, 2, 0, 1, 0, 0, 2, 2, 2, 1, 1, 1, 2, 0, 2, 0, 0, 1, 0, 1, 0, 1, 0, 1, 1, 2, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 2, 0, 1, 2, 0, 0, 0, 2, 0, 1, 1, 1, 2, 2, 1, 1, 1, 0, 1, 2, 0, 0, 0, 1, 1, 2, 1, 0, 0, 1, 2, 2, 1, 2, 2, 1, 0, 0, 2, 1, 0, 1, 2, 1, 0, 0, 0, 1, 2, 1, 1, 2, 2, 0, 2, 0, 2, 0, 1, 1, 2, 2, 1, 1, 0, 0, 2, 2, 2, 0, 0, 1, 2, 2, 1, 1, 2, 2, 0, 1, 0, 2, 2, 0, 1, 0, 0, 0, 1, 1, 2, 2, 1, 0, 1, 0, 1, 1, 2, 2, 1, 0, 2, 2, 0, 2, 2, 1, 0, 0, 2, 1, 0, 0, 0, 2, 0, 1, 2, 1, 0, 0, 1, 2, 0, 2, 1, 2, 0, 2, 0, 1, 2, 1, 0, 2, 0, 1, 1, 2, 0, 0, 0, 0, 2, 1, 1, 0, 2, 1, 2, 1, 0, 0, 0, 0, 0, 1, 1, 2, 1, 0, 2, 2, 1, 2, 1, 2, 1, 0, 2, 1, 2, 1, 2, 2, 2, 2, 1, 1, 0, 2, 2, 1, 1, 1, 2, 2, 2, 0, 2, 2, 2, 1, 0, 0, 1, 0, 0, 2, 2, 0, 2, 1, 0, 1, 0, 1, 2, 2, 2, 0, 2, 0, 2, 2, 1, 0, 1, 0, 0, 2, 2];
    #[rustfmt::skip]
    const GOLD_P: [f64; 900] = [
        0.3541357652489764, 0.022020892786651848, 0.6238433419643716,
        0.3129923300557497, 0.6587073479833652, 0.02830032196088498,
        0.09898096157064272, 0.40955176894804546, 0.49146726948131186,
        0.019118864748718073, 0.6242245267192968, 0.35665660853198494,
        0.05068418875960516, 0.5204507538001815, 0.4288650574402133,
        0.9036236238097913, 0.041276999421641355, 0.05509937676856721,
        0.6347500649139473, 0.2324308471350527, 0.13281908795100014,
        0.5628136142738585, 0.24950239651220937, 0.1876839892139324,
        0.5460661967451171, 0.2758858940507315, 0.17804790920415137,
        0.13756087095575273, 0.22629265347371302, 0.6361464755705342,
        0.07983898351179154, 0.4487267747282924, 0.47143424175991605,
        0.44300384381657865, 0.00224519970238091, 0.5547509564810406,
        0.17964446156475491, 0.6559801766847684, 0.16437536175047662,
        0.152945602590389, 0.22999656482116243, 0.6170578325884486,
        0.5549349306013057, 0.311839248534788, 0.13322582086390616,
        0.7266968731801369, 0.050855078763739514, 0.22244804805612378,
        0.16620050657424246, 0.14892920979219568, 0.6848702836335617,
        0.19623628863053738, 0.5090925464138802, 0.2946711649555823,
        0.2385975155623988, 0.4799048006094209, 0.28149768382818036,
        0.05131575226762322, 0.11785872114792098, 0.8308255265844559,
        0.6060405177787863, 0.18697291367974403, 0.20698656854146966,
        0.02758419781498553, 0.33416637535379795, 0.6382494268312164,
        0.22711126667158751, 0.7292808451499165, 0.04360788817849592,
        0.046607072256248556, 0.29312158641082003, 0.6602713413329314,
        0.07156789014548376, 0.7850427386884206, 0.1433893711660955,
        0.5209444151573086, 0.17696675969646042, 0.302088825146231,
        0.6144314684209043, 0.3546471689976627, 0.030921362581432844,
        0.29774425352186645, 0.44291676525689216, 0.2593389812212414,
        0.6895433861687906, 0.1533258194621339, 0.15713079436907562,
        0.02080694767957941, 0.6409545054906857, 0.338238546829735,
        0.14348143684649028, 0.36470535704300916, 0.49181320611050067,
        0.37095579839324516, 0.10773509494149211, 0.5213091066652628,
        0.21044152152105042, 0.10587505638733617, 0.6836834220916135,
        0.0440770690821529, 0.3596454580540866, 0.5962774728637604,
        0.10266432203740324, 0.001771497255386284, 0.8955641807072104,
        0.4188066672856788, 0.272339479164729, 0.30885385354959216,
        0.33478247494254015, 0.0990652681466053, 0.5661522569108546,
        0.3322009351081494, 0.4662966436675413, 0.20150242122430928,
        0.5909061710806836, 0.1494593893639376, 0.25963443955537885,
        0.0033878364117001483, 0.9773023109867257, 0.019309852601573994,
        0.6438582307133355, 0.3215424623093802, 0.03459930697728442,
        0.13041987343184164, 0.7431219096189442, 0.12645821694921414,
        0.41644677124631535, 0.42834034844702484, 0.15521288030665975,
        0.8075626862996734, 0.08138294202195989, 0.11105437167836665,
        0.10796643904014444, 0.2996685469965314, 0.5923650139633242,
        0.012227324660427948, 0.19647078786521807, 0.7913018874743539,
        0.07099911431533476, 0.2406903761648433, 0.688310509519822,
        0.16396481749419556, 0.3716533943348171, 0.46438178817098746,
        0.48514032357462644, 0.28128814951263215, 0.2335715269127415,
        0.4999631390629483, 0.3243459271345069, 0.1756909338025448,
        0.6048444532424417, 0.3889234919130878, 0.006232054844470436,
        0.27614986401566216, 0.361032931479144, 0.3628172045051938,
        0.05203437262180876, 0.5596579858095817, 0.3883076415686096,
        0.3270895064976317, 0.25976264754006717, 0.41314784596230114,
        0.41262964348662534, 0.3364417158990798, 0.2509286406142947,
        0.39857671353269863, 0.15819149062620003, 0.4432317958411014,
        0.17406738381257564, 0.593222416914911, 0.2327101992725134,
        0.007642639753495827, 0.03874847929581488, 0.9536088809506892,
        0.03484593682025103, 0.5112948925321711, 0.45385917064757786,
        0.26006579144866054, 0.14911600238669168, 0.5908182061646478,
        0.37825728102700057, 0.2988205044191, 0.3229222145538993,
        0.5602960917806669, 0.22649903127340806, 0.21320487694592505,
        0.9830123900501744, 0.009119649597654742, 0.0078679603521709,
        0.18868223235378026, 0.5172343984088793, 0.2940833692373405,
        0.07058051358685222, 0.8984744730369135, 0.030945013376234207,
        0.17173614910377208, 0.6405193492832582, 0.1877445016129698,
        0.04580226425332689, 0.40822849813638423, 0.5459692376102889,
        0.09727274435050513, 0.5668913121772319, 0.335835943472263,
        0.5931069805322473, 0.27636846881146193, 0.13052455065629076,
        0.2619462200257697, 0.5770560537948147, 0.16099772617941555,
        0.6846670907824428, 0.021547970933684824, 0.2937849382838723,
        0.18509129886971762, 0.8059676745811932, 0.008941026549089156,
        0.44059762188016477, 0.2856053614763687, 0.2737970166434665,
        0.3670378600204143, 0.043034573554310326, 0.5899275664252753,
        0.050056782812454174, 0.33979745793126304, 0.6101457592562829,
        0.1079773225994568, 0.6688752071160229, 0.22314747028452028,
        0.5109084829908024, 0.1995704958601267, 0.2895210211490709,
        0.6260311511774707, 0.15396641165982414, 0.22000243716270515,
        0.3152015477413845, 0.2588109928805583, 0.4259874593780572,
        0.5026845291053147, 0.16203561905369782, 0.33527985184098763,
        0.8783019801059013, 0.05795421896038088, 0.06374380093371768,
        0.1760948564440905, 0.4426677526764269, 0.3812373908794825,
        0.09587658742383685, 0.025086102848160336, 0.8790373097280028,
        0.12108153559465652, 0.24394054885547994, 0.6349779155498635,
        0.7154423466429777, 0.14908217249780614, 0.13547548085921612,
        0.070751471184412, 0.5748117466670472, 0.3544367821485409,
        0.10164465712552544, 0.5300921627036416, 0.368263180170833,
        0.4044867144397108, 0.1999560586233556, 0.3955572269369336,
        0.738129181515723, 0.024314028459089164, 0.23755679002518776,
        0.43413772433099135, 0.4964320138915009, 0.06943026177750779,
        0.9502856557620256, 0.02208530097186967, 0.027629043266104696,
        0.4245800047295816, 0.06544929438644978, 0.5099707008839688,
        0.09022931204838654, 0.9053168535351198, 0.0044538344164936974,
        0.1845292607959368, 0.43694996909184897, 0.37852077011221436,
        0.36805690682242004, 0.003073133712404385, 0.6288699594651755,
        0.08876998076643743, 0.1894552158154536, 0.7217748034181091,
        0.08895055924340282, 0.8107127741204749, 0.10033666663612212,
        0.9129027961764347, 0.020369601793275946, 0.06672760203028928,
        0.7115348560547008, 0.0191955541427745, 0.26926958980252474,
        0.7895883691560723, 0.036194617332835965, 0.17421701351109178,
        0.3273342373022662, 0.3914881688211455, 0.2811775938765884,
        0.4362866921846743, 0.3954905160499943, 0.1682227917653314,
        0.1497132485574094, 0.3402770181387809, 0.5100097333038097,
        0.49766497143931415, 0.05109874538329866, 0.4512362831773871,
        0.38708329636793315, 0.1583134666477075, 0.45460323698435934,
        0.044597319814944913, 0.6820706263514795, 0.27333205383357556,
        0.03468148859699961, 0.14077008600277968, 0.8245484254002207,
        0.39813302060118666, 0.48396064628430824, 0.11790633311450528,
        0.36284491889092685, 0.030829892434762647, 0.6063251886743104,
        0.4915536247832627, 0.45399541819915545, 0.0544509570175818,
        0.30573371613037736, 0.05352167135649739, 0.6407446125131253,
        0.005120671440359412, 0.10188062464415774, 0.892998703915483,
        0.2039995093238672, 0.24615017759972432, 0.5498503130764085,
        0.24142461031389992, 0.5813617118347264, 0.1772136778513738,
        0.514635479564144, 0.3949053554284978, 0.09045916500735818,
        0.5208782713993114, 0.11151227625409163, 0.36760945234659675,
        0.5498544465841343, 0.15767723355693056, 0.29246831985893523,
        0.6279388813943328, 0.2692354554025512, 0.10282566320311602,
        0.39180134699086544, 0.10216922831068412, 0.5060294246984506,
        0.23350438232927703, 0.14408395193444606, 0.622411665736277,
        0.302441336566565, 0.5062218080655352, 0.19133685536789968,
        0.22700050851124112, 0.05863639286631255, 0.7143630986224462,
        0.14030593149591694, 0.07121591145816672, 0.7884781570459164,
        0.021716326185148693, 0.8821008955671616, 0.09618277824768966,
        0.09588132220544655, 0.8651331234345809, 0.03898555435997257,
        0.15064535339867266, 0.31967124819540904, 0.5296833984059183,
        0.362386427954611, 0.12576479065972362, 0.5118487813856654,
        0.01283395096982153, 0.6852829019942334, 0.3018831470359451,
        0.33810705649342865, 0.3067235042390354, 0.355169439267536,
        0.02626490388588036, 0.08739292520731928, 0.8863421709068002,
        0.37410972163903494, 0.2958400775849636, 0.33005020077600156,
        0.334288256339624, 0.036173469597691056, 0.6295382740626849,
        0.5913088465921009, 0.16950787071667336, 0.2391832826912256,
        0.40536286567448165, 0.22954376381157185, 0.3650933705139466,
        0.16781521148017847, 0.3029411994181423, 0.5292435891016793,
        0.04965338000787868, 0.6690210034281863, 0.281325616563935,
        0.15152078985833162, 0.3701908390828975, 0.47828837105877087,
        0.7417335867384302, 0.062417863233114164, 0.19584855002845578,
        0.11115096554963208, 0.7272257862077871, 0.16162324824258092,
        0.29151599745036183, 0.3161446066883484, 0.39233939586128985,
        0.46940005480172764, 0.1453530507757008, 0.3852468944225716,
        0.5782255750968652, 0.14737813920150064, 0.27439628570163427,
        0.6844925825316933, 0.12095697331550573, 0.1945504441528009,
        0.5520382251374676, 0.20919052521937884, 0.23877124964315355,
        0.004300969221131508, 0.3048136815712285, 0.6908853492076401,
        0.48250417112301547, 0.39718541742618596, 0.12031041145079856,
        0.42984318421187145, 0.5382364692991636, 0.0319203464889649,
        0.013191013210372545, 0.07026245797792789, 0.9165465288116994,
        0.5862427529710229, 0.12052280817516127, 0.2932344388538158,
        0.36600940357380196, 0.20693604581503752, 0.42705455061116054,
        0.1490287918769895, 0.8046956922452247, 0.046275515877785986,
        0.08694957638422647, 0.3293911251464713, 0.5836592984693022,
        0.06462712765373538, 0.49076858077108315, 0.4446042915751814,
        0.3022822300864999, 0.44725784810119523, 0.250459921812305,
        0.2919864208647758, 0.3842215647434717, 0.3237920143917526,
        0.7625979878918, 0.07940857191920254, 0.15799344018899744,
        0.7703848694179349, 0.051554875521859764, 0.17806025506020529,
        0.3029241305231443, 0.5823748621523669, 0.11470100732448879,
        0.3261483933046078, 0.3937874982530048, 0.28006410844238755,
        0.22537709336139267, 0.7019887433097983, 0.07263416332880897,
        0.36955384985857803, 0.04691722721445974, 0.5835289229269622,
        0.2940865741057459, 0.15337545149069357, 0.5525379744035605,
        0.36019965796986886, 0.05814527720322218, 0.581655064826909,
        0.2122736208142181, 0.049137718220336565, 0.7385886609654454,
        0.1837315461822465, 0.5024217819389674, 0.3138466718787862,
        0.21282135734886298, 0.13175059023610777, 0.6554280524150293,
        0.309377568668982, 0.05474644202128506, 0.635875989309733,
        0.0051831773324820425, 0.31886448866140915, 0.6759523340061088,
        0.39496824072798903, 0.5849445179533581, 0.020087241318652874,
        0.7535388204411356, 0.05876978358862409, 0.18769139597024026,
        0.24292931791753258, 0.595743841714905, 0.16132684036756234,
        0.8476678482250197, 0.11680986635991282, 0.03552228541506742,
        0.7487921941742829, 0.10278364529645358, 0.14842416052926347,
        0.23837238507614356, 0.4829835610546072, 0.27864405386924923,
        0.35720539363761267, 0.5042521653540348, 0.1385424410083526,
        0.12122520617642235, 0.4685773877172551, 0.41019740610632255,
        0.5487255148472895, 0.011273738696047463, 0.4400007464566631,
        0.08948511997564956, 0.22584852738965489, 0.6846663526346956,
        0.0850120557408967, 0.3395018528874866, 0.5754860913716167,
        0.24720498686532444, 0.017301025363713658, 0.7354939877709619,
        0.4020319956951662, 0.4132920402670287, 0.18467596403780503,
        0.12077467652686467, 0.2137256750916758, 0.6654996483814595,
        0.44468785384680387, 0.013236450412932293, 0.5420756957402639,
        0.10957276696958611, 0.17751126541577225, 0.7129159676146415,
        0.06581888380741457, 0.8712032052262908, 0.06297791096629458,
        0.26852184166541576, 0.6479200456135749, 0.08355811272100937,
        0.5619541505657845, 0.30117891298702115, 0.13686693644719447,
        0.07028181883810958, 0.6973129726103746, 0.23240520855151572,
        0.1845559875679651, 0.41768361150055994, 0.39776040093147497,
        0.21159921842484994, 0.3692404255495344, 0.4191603560256156,
        0.25936097842409506, 0.06720874930567922, 0.6734302722702258,
        0.21324775988029118, 0.7254340999416561, 0.061318140178052774,
        0.06302223578076739, 0.049857670163806586, 0.887120094055426,
        0.39380646793646396, 0.4334947957518253, 0.17269873631171093,
        0.14289613181929292, 0.6748000558765219, 0.18230381230418505,
        0.32247335875979377, 0.4866937727265811, 0.19083286851362505,
        0.0652569089957145, 0.3808120302363767, 0.5539310607679089,
        0.04883060454139362, 0.9170733214328328, 0.03409607402577359,
        0.05326900426761969, 0.5088111922004961, 0.43791980353188426,
        0.01644669757313102, 0.46846046444164396, 0.5150928379852249,
        0.13555939032081532, 0.6923768902816074, 0.1720637193975773,
        0.5112878122619975, 0.11160847075683869, 0.3771037169811637,
        0.19782779435423045, 0.2868771636974503, 0.5152950419483193,
        0.13374675899305868, 0.2654889267682754, 0.6007643142386659,
        0.37421496685048417, 0.35661772630491395, 0.2691673068446017,
        0.14063925204551497, 0.06386941024140623, 0.7954913377130787,
        0.6540748568826216, 0.24765099735230894, 0.09827414576506947,
        0.06535629691089131, 0.9183731711152011, 0.016270531973907522,
        0.16833534194604055, 0.7841613192346809, 0.04750333881927848,
        0.08168241192576241, 0.9173736124508174, 0.0009439756234201697,
        0.7473911796707638, 0.11887994175710088, 0.13372887857213514,
        0.8489048794163039, 0.01682930716026242, 0.13426581342343377,
        0.018664092265722264, 0.7013726346358351, 0.27996327309844254,
        0.007044019462670878, 0.5048016575218632, 0.48815432301546585,
        0.1864483846666358, 0.6309042256481163, 0.18264738968524774,
        0.4122013432030693, 0.024501440495185843, 0.5632972163017449,
        0.6777350578663649, 0.09467397025476466, 0.2275909718788703,
        0.28413999711401755, 0.5494858830695686, 0.1663741198164139,
        0.4097898968326551, 0.19083273118607366, 0.3993773719812712,
        0.7465128280072759, 0.04743182964952314, 0.2060553423432011,
        0.0007167024732488329, 0.16890629712567304, 0.8303770004010781,
        0.09158442934562999, 0.31835492805649346, 0.5900606425978764,
        0.7425992998395268, 0.05820809411116773, 0.19919260604930536,
        0.9625977868911306, 0.024513671151060585, 0.012888541957808801,
        0.3926241062006346, 0.3877984612154263, 0.21957743258393903,
        0.09556393067162997, 0.7154756244854454, 0.1889604448429246,
        0.3365795796751025, 0.2599945049498302, 0.4034259153750673,
        0.4645203050268578, 0.2199191400289462, 0.31556055494419605,
        0.13866924851790965, 0.5752280690433933, 0.28610268243869713,
        0.37292762539581914, 0.35822384350396713, 0.2688485311002136,
        0.06535755051609045, 0.005073066055409403, 0.9295693834285,
        0.3806696192797607, 0.37656481401851105, 0.24276556670172852,
        0.21575307969895463, 0.20374601458230612, 0.5805009057187392,
        0.12534682333649208, 0.3675922602029031, 0.5070609164606047,
        0.4238773264310475, 0.22866460827850948, 0.3474580652904431,
        0.5894911060158494, 0.05064399012082796, 0.3598649038633226,
        0.34153251140942953, 0.3573219334828461, 0.3011455551077244,
        0.27400091906825863, 0.6539556817164691, 0.0720433992152724,
        0.057659151271587175, 0.2666951313688541, 0.6756457173595587,
        0.4943832711864526, 0.3720860102803425, 0.13353071853320483,
        0.245905339095013, 0.2607936481282257, 0.4933010127767615,
        0.4863352093428663, 0.18110438887855151, 0.3325604017785822,
        0.15002258987956738, 0.27841420569886094, 0.5715632044215716,
        0.06613077276387876, 0.09255536066684425, 0.841313866569277,
        0.5277427287513803, 0.36945424426969053, 0.10280302697892908,
        0.120241156554961, 0.41796529251957126, 0.46179355092546776,
        0.17837594584095262, 0.6220864987759198, 0.19953755538312754,
        0.8015372989796506, 0.1107989911121125, 0.08766370990823684,
        0.004821572928445524, 0.24253201566785235, 0.7526464114037023,
        0.0777207122846423, 0.6191024219394853, 0.30317686577587255,
        0.5345386955099161, 0.3787682942316768, 0.08669301025840699,
        0.1971956617531266, 0.19866495086135885, 0.6041393873855144,
        0.04019277246300421, 0.15343367990895007, 0.8063735476280458,
        0.8329637331231927, 0.055826034232907294, 0.11121023264390006,
        0.09923943244731945, 0.6691375682086064, 0.23162299934407418,
        0.5685926688342731, 0.3931861974271974, 0.03822113373852941,
        0.4905332711377071, 0.2009514129181707, 0.30851531594412207,
        0.3610607118284809, 0.2938599865301675, 0.34507930164135175,
        0.04328308619344488, 0.5835699602881816, 0.37314695351837346,
        0.4260614959177855, 0.31562358859881257, 0.25831491548340196,
        0.723820311925115, 0.020975726585518203, 0.25520396148936675,
        0.033073935666806234, 0.6931836341810739, 0.27374243015211985,
        0.12148589025131191, 0.5001644458699241, 0.37834966387876395,
        0.5192562646096356, 0.05341889027336017, 0.42732484511700425,
        0.07593928236784434, 0.23758173912720323, 0.6864789785049525,
        0.4599915951068024, 0.20341515167493968, 0.336593253218258,
        0.4786376191102974, 0.34898212971168663, 0.17238025117801603,
        0.04000856908752549, 0.18650631571060985, 0.7734851152018646,
        0.06510431162087427, 0.6571523604943945, 0.2777433278847312,
        0.1266063189160655, 0.018679937746934144, 0.8547137433370003,
        0.2590072348215441, 0.1587768750824077, 0.5822158900960481,
        0.0805128168639609, 0.8365562963682415, 0.08293088676779754,
        0.04874617607402866, 0.7159404017190049, 0.2353134222069665,
        0.3793984640998489, 0.4448970723603855, 0.1757044635397656,
        0.11733352145417178, 0.061726283944714334, 0.820940194601114,
        0.10835484790197472, 0.12034065367885667, 0.7713044984191685,
        0.8659502162866766, 0.08249914137989717, 0.051550642333426294,
        0.17124752980283875, 0.062270575481603585, 0.7664818947155576,
        0.2691977616540949, 0.6150203903100031, 0.11578184803590208,
        0.49615131483551694, 0.10051464925359677, 0.4033340359108862,
        0.24398763884263824, 0.28971043985465683, 0.46630192130270504,
        0.07289670071447096, 0.2599063292855455, 0.6671969699999835,
        0.49418951106436443, 0.3897587189058376, 0.11605177002979787,
        0.17736386289549205, 0.3682697759844946, 0.4543663611200133,
        0.21039033511819283, 0.7500471566632254, 0.039562508218581774,
        0.5810351924089112, 0.320515635505291, 0.09844917208579765,
        0.34624770553944345, 0.4548507236508727, 0.19890157080968396,
        0.4421635141639146, 0.11099328859225467, 0.4468431972438307,
        0.37997699641769245, 0.6011843129369674, 0.018838690645340075,
        0.692518112549377, 0.010224681264556595, 0.2972572061860664,
        0.4715009392004248, 0.5098740692889083, 0.018624991510666843,
        0.37175023844828237, 0.07279541342462971, 0.5554543481270878,
        0.3811494568214244, 0.5409129790193548, 0.07793756415922092,
        0.3714349450456319, 0.1582543113918897, 0.47031074356247843,
        0.25568244599664175, 0.21092320047969929, 0.5333943535236589,
        0.2619792321097116, 0.5619682718978543, 0.17605249599243403,
        0.2405849354742605, 0.05680877361408318, 0.7026062909116563,
        0.42658865160433235, 0.5722776552644879, 0.0011336931311797965,
        0.37957937737612063, 0.016120448142735385, 0.604300174481144,
        0.2836655093296533, 0.4354608318431883, 0.28087365882715837,
    ];

    #[test]
    fn golden_roc_auc_section_1_2() {
        // roc_auc_score(y, P, multi_class=m, average=a) for m in (ovr, ovo), a in (macro, weighted),
        // and roc_auc_score(y, P, multi_class='ovr', average=None):
        //   ovr macro 0.4922102056344089, ovr weighted 0.49195114511451155,
        //   ovo macro 0.49227357609710554, ovo weighted 0.4921761437908497,
        //   ovr per class [0.46063576945929885, 0.49949484744392814, 0.5165]
        let prep = AucPrep::new(&GOLD_Y, &GOLD_P, 3);
        let ovr = prep.ovr(Weights::Unit);
        close(ovr.macro_avg, 0.4922102056344089, 1e-12);
        close(ovr.weighted, 0.49195114511451155, 1e-12);
        for (got, want) in
            ovr.per_class
                .iter()
                .zip([0.46063576945929885, 0.49949484744392814, 0.5165])
        {
            close(*got, want, 1e-12);
        }
        let ovo = prep.ovo(Weights::Unit);
        close(ovo.macro_avg, 0.49227357609710554, 1e-12);
        close(ovo.weighted, 0.4921761437908497, 1e-12);
    }

    #[test]
    fn golden_prf_section_1_4() {
        // precision_recall_fscore_support([0,0,0,1], [0,0,0,0]) → P=[0.75, 0 (warn)], R=[1, 0],
        // F=[0.8571428571428571, 0]; average='macro' → P 0.375, R 0.5, F 0.42857142857142855.
        let cm = ConfusionMatrix::new(&[0, 0, 0, 1], &[0, 0, 0, 0], 2, Weights::Unit);
        let pc = cm.per_class();
        close(pc[0].precision, 0.75, 1e-15);
        close(pc[1].precision, 0.0, 0.0);
        close(pc[0].recall, 1.0, 0.0);
        close(pc[1].recall, 0.0, 0.0);
        close(pc[0].f1, 0.8571428571428571, 1e-15);
        close(pc[1].f1, 0.0, 0.0);
        assert_eq!((pc[0].support, pc[1].support), (3, 1));
        let av = cm.averages();
        close(av.precision_macro, 0.375, 1e-15);
        close(av.recall_macro, 0.5, 1e-15);
        close(av.f1_macro, 0.42857142857142855, 1e-15);
    }

    #[test]
    fn golden_balanced_accuracy_section_1_5() {
        // balanced_accuracy_score([0,0,1,1], [0,2,1,1]) = 0.75 (class 2 only predicted: dropped).
        let cm = ConfusionMatrix::new(&[0, 0, 1, 1], &[0, 2, 1, 1], 3, Weights::Unit);
        close(cm.balanced_accuracy(), 0.75, 1e-15);
    }

    #[test]
    fn golden_log_loss_section_1_6() {
        // log_loss([1, 0], [0.0, 0.0]) = 18.021826694558577: 1-D P(positive) → rows [1−p, p].
        let got = log_loss(&[1, 0], &[1.0, 0.0, 1.0, 0.0], 2, Weights::Unit);
        close(got, 18.021826694558577, 1e-12);
    }

    #[test]
    fn top_k_ties_follow_sklearn() {
        // top_k_accuracy_score([0,1,2,3], np.full((4,4), .25), k=t, labels=[0,1,2,3]) for t=1,2,3
        //   → [0.25, 0.5, 0.75]: ties rank the HIGHER class index first.
        let p = [0.25; 16];
        let y = [0, 1, 2, 3];
        for (t, want) in [(1, 0.25), (2, 0.5), (3, 0.75), (4, 1.0)] {
            close(top_k_accuracy(&y, &p, 4, t, Weights::Unit), want, 0.0);
        }
        // With all scores tied, top-1 hits only the last class; argmax picks the first.
        assert_eq!(argmax_predictions(&p, 4), vec![0, 0, 0, 0]);
        let hits: Vec<bool> = (0..4)
            .map(|c| top_k_accuracy(&[c], &[0.25; 4], 4, 1, Weights::Unit) == 1.0)
            .collect();
        assert_eq!(hits, vec![false, false, false, true]);
    }

    // A 4-class data set with ties, a never-predicted class (2), and probabilities 0 and 1.
    const PAR_Y: [u32; 16] = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3];
    #[rustfmt::skip]
    const PAR_P: [f64; 64] = [
        0.4, 0.3, 0.2, 0.1,
        0.25, 0.25, 0.25, 0.25,
        0.1, 0.6, 0.2, 0.1,
        0.0, 0.5, 0.0, 0.5,
        0.2, 0.5, 0.1, 0.2,
        0.3, 0.3, 0.1, 0.3,
        0.1, 0.7, 0.1, 0.1,
        0.0, 1.0, 0.0, 0.0,
        0.3, 0.2, 0.3, 0.2,
        0.2, 0.2, 0.2, 0.4,
        0.1, 0.4, 0.3, 0.2,
        0.1, 0.1, 0.1, 0.7,
        0.2, 0.2, 0.2, 0.4,
        0.4, 0.1, 0.1, 0.4,
        0.25, 0.25, 0.25, 0.25,
        0.1, 0.2, 0.3, 0.4,
    ];

    #[test]
    fn parity_with_sklearn_on_four_classes_with_ties() {
        // Python (scikit-learn 1.9.1): y = PAR_Y, P = PAR_P.reshape(16, 4), L = [0, 1, 2, 3],
        // yp = P.argmax(1)
        //   yp → [0,0,1,1,1,0,1,1,0,3,1,3,3,0,0,3]
        //   confusion_matrix(y, yp, labels=L) → [[2,2,0,0],[1,3,0,0],[1,1,0,1],[2,0,0,3]]
        //   precision_recall_fscore_support(y, yp, labels=L) →
        //     P [0.3333333333333333, 0.5, 0.0, 0.75], R [0.5, 0.75, 0.0, 0.6],
        //     F [0.4, 0.6, 0.0, 0.6666666666666666], S [4, 4, 3, 5]
        //   ... average='macro'    → (0.3958333333333333, 0.4625, 0.41666666666666663)
        //   ... average='weighted' → (0.4427083333333333, 0.5, 0.4583333333333333)
        //   ... average='micro'    → (0.5, 0.5, 0.5)
        //   accuracy_score(y, yp) 0.5; balanced_accuracy_score(y, yp) 0.4625
        //   top_k_accuracy_score(y, P, k=t, labels=L) for t=1,2,3 → 0.625, 0.8125, 0.8125
        //   log_loss(y, P, labels=L) → 3.2132402203560577
        //   roc_auc_score(y, P, multi_class=m, average=a, labels=L):
        //     ovr macro 0.77473412004662, ovr weighted 0.7744573135198135,
        //     ovo macro 0.7746527777777779, ovo weighted 0.7743055555555555
        //   roc_auc_score(..., multi_class='ovr', average=None) →
        //     [0.4895833333333333, 0.8958333333333333, 0.8589743589743589, 0.8545454545454546]
        let tol = 1e-12;
        let pred = argmax_predictions(&PAR_P, 4);
        assert_eq!(pred, vec![0, 0, 1, 1, 1, 0, 1, 1, 0, 3, 1, 3, 3, 0, 0, 3]);
        let cm = ConfusionMatrix::new(&PAR_Y, &pred, 4, Weights::Unit);
        assert_eq!(
            cm.dense(),
            vec![2, 2, 0, 0, 1, 3, 0, 0, 1, 1, 0, 1, 2, 0, 0, 3]
        );
        assert_eq!(cm.get(2, 3), 1);
        let pc = cm.per_class();
        let want_p = [0.3333333333333333, 0.5, 0.0, 0.75];
        let want_r = [0.5, 0.75, 0.0, 0.6];
        let want_f = [0.4, 0.6, 0.0, 0.6666666666666666];
        let want_s = [4, 4, 3, 5];
        for c in 0..4 {
            close(pc[c].precision, want_p[c], tol);
            close(pc[c].recall, want_r[c], tol);
            close(pc[c].f1, want_f[c], tol);
            assert_eq!(pc[c].support, want_s[c]);
        }
        let av = cm.averages();
        close(av.precision_macro, 0.3958333333333333, tol);
        close(av.recall_macro, 0.4625, tol);
        close(av.f1_macro, 0.41666666666666663, tol);
        close(av.precision_weighted, 0.4427083333333333, tol);
        close(av.recall_weighted, 0.5, tol);
        close(av.f1_weighted, 0.4583333333333333, tol);
        close(av.precision_micro, 0.5, tol);
        close(av.recall_micro, 0.5, tol);
        close(av.f1_micro, 0.5, tol);
        close(cm.accuracy(), 0.5, tol);
        close(cm.balanced_accuracy(), 0.4625, tol);
        // top-1 (0.625) ≠ accuracy (0.5): rows 1, 5, 13, 14 are tied at the top.
        for (t, want) in [(1, 0.625), (2, 0.8125), (3, 0.8125)] {
            close(
                top_k_accuracy(&PAR_Y, &PAR_P, 4, t, Weights::Unit),
                want,
                tol,
            );
        }
        close(
            log_loss(&PAR_Y, &PAR_P, 4, Weights::Unit),
            3.2132402203560577,
            tol,
        );
        let prep = AucPrep::new(&PAR_Y, &PAR_P, 4);
        let ovr = prep.ovr(Weights::Unit);
        close(ovr.macro_avg, 0.77473412004662, tol);
        close(ovr.weighted, 0.7744573135198135, tol);
        let want = [
            0.4895833333333333,
            0.8958333333333333,
            0.8589743589743589,
            0.8545454545454546,
        ];
        for (g, w) in ovr.per_class.iter().zip(want) {
            close(*g, w, tol);
        }
        let ovo = prep.ovo(Weights::Unit);
        close(ovo.macro_avg, 0.7746527777777779, tol);
        close(ovo.weighted, 0.7743055555555555, tol);
    }

    #[test]
    fn absent_class_matches_sklearn_with_labels() {
        // y = [0,1,1,3,0,3,1] (class 2 absent), L = [0,1,2,3],
        // P = [[.4,.3,.2,.1],[.1,.5,.2,.2],[.2,.3,.3,.2],[.1,.1,.1,.7],[.5,.2,.2,.1],
        //      [.2,.2,.2,.4],[.3,.3,.2,.2]]
        // roc_auc_score(y, P, multi_class=m, average=a, labels=L):
        //   ovr macro nan, ovr weighted 0.9642857142857143,
        //   ovo macro 0.9722222222222222, ovo weighted 0.9702380952380953
        //   ovr average=None → [1.0, 0.91666667, nan, 1.0]
        let y = [0, 1, 1, 3, 0, 3, 1];
        #[rustfmt::skip]
        let p = [
            0.4, 0.3, 0.2, 0.1, 0.1, 0.5, 0.2, 0.2, 0.2, 0.3, 0.3, 0.2, 0.1, 0.1, 0.1, 0.7,
            0.5, 0.2, 0.2, 0.1, 0.2, 0.2, 0.2, 0.4, 0.3, 0.3, 0.2, 0.2,
        ];
        let prep = AucPrep::new(&y, &p, 4);
        let ovr = prep.ovr(Weights::Unit);
        assert!(ovr.macro_avg.is_nan());
        assert!(ovr.per_class[2].is_nan());
        close(ovr.per_class[1], 11.0 / 12.0, 1e-15);
        close(ovr.weighted, 0.9642857142857143, 1e-12);
        let ovo = prep.ovo(Weights::Unit);
        close(ovo.macro_avg, 0.9722222222222222, 1e-12);
        close(ovo.weighted, 0.9702380952380953, 1e-12);
        // Only one class present: roc_auc_score([0,0,0], [[.5,.3,.2]]*3, multi_class='ovo',
        // labels=[0,1,2]) → nan; and ovr weighted → nan.
        let prep = AucPrep::new(
            &[0, 0, 0],
            &[0.5, 0.3, 0.2, 0.5, 0.3, 0.2, 0.5, 0.3, 0.2],
            3,
        );
        assert!(prep.ovo(Weights::Unit).macro_avg.is_nan());
        assert!(prep.ovr(Weights::Unit).weighted.is_nan());
    }

    #[test]
    fn most_confused_orders_and_shares() {
        // confusion matrix of the parity set: [[2,2,0,0],[1,3,0,0],[1,1,0,1],[2,0,0,3]];
        // errors = 8.
        let pred = argmax_predictions(&PAR_P, 4);
        let cm = ConfusionMatrix::new(&PAR_Y, &pred, 4, Weights::Unit);
        let mc = cm.most_confused(10);
        let cells: Vec<(usize, usize, u64)> = mc
            .iter()
            .map(|p| (p.true_class, p.pred_class, p.count))
            .collect();
        assert_eq!(
            cells,
            vec![
                (0, 1, 2),
                (3, 0, 2),
                (1, 0, 1),
                (2, 0, 1),
                (2, 1, 1),
                (2, 3, 1)
            ]
        );
        close(mc[0].share_of_errors, 2.0 / 8.0, 1e-15);
        close(mc[0].share_of_true, 2.0 / 4.0, 1e-15);
        close(mc[1].share_of_true, 2.0 / 5.0, 1e-15);
        assert_eq!(cm.most_confused(2).len(), 2);
        let perfect = ConfusionMatrix::new(&[0, 1], &[0, 1], 2, Weights::Unit);
        assert!(perfect.most_confused(5).is_empty());
    }

    #[test]
    fn zero_weight_edge_cases() {
        let cm = ConfusionMatrix::new(&[0, 1], &[0, 1], 2, Weights::Counts(&[0, 0]));
        assert!(cm.accuracy().is_nan());
        assert!(cm.balanced_accuracy().is_nan());
        let av = cm.averages();
        assert_eq!(av.f1_micro, 0.0);
        assert_eq!(av.precision_weighted, 0.0);
        let p = [0.6, 0.4, 0.3, 0.7];
        assert!(top_k_accuracy(&[0, 1], &p, 2, 1, Weights::Counts(&[0, 0])).is_nan());
        assert!(log_loss(&[0, 1], &p, 2, Weights::Counts(&[0, 0])).is_nan());
        assert_eq!(top_k_accuracy(&[0, 1], &p, 2, 0, Weights::Unit), 0.0);
        assert_eq!(argmax_predictions(&[], 0), Vec::<u32>::new());
    }

    /// A random problem with heavy ties: `k` classes, scores on a 1/4 grid, rows normalised.
    fn random_problem(rng: &mut Xoshiro256pp, n: usize, k: usize) -> (Vec<u32>, Vec<f64>) {
        let labels: Vec<u32> = (0..n).map(|_| rng.below(k as u64) as u32).collect();
        let mut probs = Vec::with_capacity(n * k);
        for _ in 0..n {
            let row: Vec<f64> = (0..k).map(|_| rng.below(5) as f64).collect();
            let s: f64 = row.iter().sum();
            if s == 0.0 {
                probs.extend(std::iter::repeat_n(1.0 / k as f64, k));
            } else {
                probs.extend(row.iter().map(|v| v / s));
            }
        }
        (labels, probs)
    }

    /// Every metric of the module, flattened, for comparisons.
    fn all_metrics(labels: &[u32], probs: &[f64], k: usize, w: Weights<'_>) -> Vec<f64> {
        let pred = argmax_predictions(probs, k);
        let cm = ConfusionMatrix::new(labels, &pred, k, w);
        let mut out: Vec<f64> = cm.dense().iter().map(|&c| c as f64).collect();
        out.extend([cm.accuracy(), cm.balanced_accuracy()]);
        for s in cm.per_class() {
            out.extend([s.precision, s.recall, s.f1, s.support as f64]);
        }
        out.extend(cm.averages().values());
        for p in cm.most_confused(usize::MAX) {
            out.extend([
                p.true_class as f64,
                p.pred_class as f64,
                p.count as f64,
                p.share_of_errors,
                p.share_of_true,
            ]);
        }
        for t in 1..=k {
            out.push(top_k_accuracy(labels, probs, k, t, w));
        }
        out.push(log_loss(labels, probs, k, w));
        let prep = AucPrep::new(labels, probs, k);
        let ovr = prep.ovr(w);
        out.extend(ovr.per_class);
        out.extend([ovr.macro_avg, ovr.weighted]);
        let ovo = prep.ovo(w);
        out.extend([ovo.macro_avg, ovo.weighted]);
        out
    }

    fn assert_all_same(a: &[f64], b: &[f64]) {
        assert_eq!(a.len(), b.len());
        for (i, (&x, &y)) in a.iter().zip(b).enumerate() {
            assert!(same(x, y, 1e-12), "metric {i}: {x} vs {y}");
        }
    }

    #[test]
    fn count_weights_equal_repeated_rows() {
        let mut rng = Xoshiro256pp::for_stream(11, 0);
        for round in 0..40 {
            let k = 3 + round % 3;
            let n = 1 + rng.below(40) as usize;
            let (labels, probs) = random_problem(&mut rng, n, k);
            let counts: Vec<u32> = (0..n).map(|_| rng.below(4) as u32).collect();
            let (mut l2, mut p2) = (Vec::new(), Vec::new());
            for i in 0..n {
                for _ in 0..counts[i] {
                    l2.push(labels[i]);
                    p2.extend_from_slice(&probs[i * k..(i + 1) * k]);
                }
            }
            let weighted = all_metrics(&labels, &probs, k, Weights::Counts(&counts));
            let expanded = all_metrics(&l2, &p2, k, Weights::Unit);
            assert_all_same(&weighted, &expanded);
            // The same counts seen through a reversal: Permuted{counts: rev, order: rev-index}.
            let rev: Vec<u32> = counts.iter().rev().copied().collect();
            let order: Vec<u32> = (0..n as u32).rev().collect();
            let permuted = all_metrics(
                &labels,
                &probs,
                k,
                Weights::Permuted {
                    counts: &rev,
                    order: &order,
                },
            );
            assert_all_same(&weighted, &permuted);
            // Unit weights == all-ones counts.
            let ones = vec![1u32; n];
            assert_all_same(
                &all_metrics(&labels, &probs, k, Weights::Unit),
                &all_metrics(&labels, &probs, k, Weights::Counts(&ones)),
            );
        }
    }

    #[test]
    fn invariant_to_row_order() {
        let mut rng = Xoshiro256pp::for_stream(12, 0);
        for round in 0..30 {
            let k = 3 + round % 4;
            let n = 2 + rng.below(50) as usize;
            let (labels, probs) = random_problem(&mut rng, n, k);
            let counts: Vec<u32> = (0..n).map(|_| rng.below(3) as u32).collect();
            // Fisher-Yates shuffle.
            let mut perm: Vec<usize> = (0..n).collect();
            for i in (1..n).rev() {
                perm.swap(i, rng.below(i as u64 + 1) as usize);
            }
            let l2: Vec<u32> = perm.iter().map(|&i| labels[i]).collect();
            let p2: Vec<f64> = perm
                .iter()
                .flat_map(|&i| probs[i * k..(i + 1) * k].iter().copied())
                .collect();
            let c2: Vec<u32> = perm.iter().map(|&i| counts[i]).collect();
            assert_all_same(
                &all_metrics(&labels, &probs, k, Weights::Unit),
                &all_metrics(&l2, &p2, k, Weights::Unit),
            );
            assert_all_same(
                &all_metrics(&labels, &probs, k, Weights::Counts(&counts)),
                &all_metrics(&l2, &p2, k, Weights::Counts(&c2)),
            );
        }
    }

    #[test]
    fn ranges_and_identities() {
        let mut rng = Xoshiro256pp::for_stream(13, 0);
        for round in 0..40 {
            let k = 3 + round % 3;
            let n = 1 + rng.below(60) as usize;
            let (labels, probs) = random_problem(&mut rng, n, k);
            let counts: Vec<u32> = (0..n).map(|_| rng.below(3) as u32).collect();
            let w = Weights::Counts(&counts);
            let total: u64 = counts.iter().map(|&c| u64::from(c)).sum();
            let pred = argmax_predictions(&probs, k);
            let cm = ConfusionMatrix::new(&labels, &pred, k, w);
            assert_eq!(cm.total(), total);
            let unit01 = |v: f64| (0.0..=1.0).contains(&v);
            if total > 0 {
                assert!(unit01(cm.accuracy()) && unit01(cm.balanced_accuracy()));
                let av = cm.averages();
                close(av.f1_micro, cm.accuracy(), 1e-15);
                for v in [
                    av.precision_macro,
                    av.precision_weighted,
                    av.recall_macro,
                    av.recall_weighted,
                    av.f1_macro,
                    av.f1_weighted,
                ] {
                    assert!(unit01(v), "{v}");
                }
                // Weighted recall equals accuracy (Σ support·tp/support / Σ support).
                close(av.recall_weighted, cm.accuracy(), 1e-12);
                let mut prev = 0.0;
                for t in 1..=k {
                    let a = top_k_accuracy(&labels, &probs, k, t, w);
                    assert!(unit01(a) && a >= prev);
                    prev = a;
                }
                assert_eq!(prev, 1.0);
                let ll = log_loss(&labels, &probs, k, w);
                assert!((0.0..=-f64::EPSILON.ln()).contains(&ll), "{ll}");
                let shares: f64 = cm
                    .most_confused(usize::MAX)
                    .iter()
                    .map(|p| p.share_of_errors)
                    .sum();
                if cm.accuracy() < 1.0 {
                    close(shares, 1.0, 1e-12);
                }
            }
            for s in cm.per_class() {
                assert!(unit01(s.precision) && unit01(s.recall) && unit01(s.f1));
            }
            let prep = AucPrep::new(&labels, &probs, k);
            let ovr = prep.ovr(w);
            for v in ovr.per_class.iter().chain([&ovr.macro_avg, &ovr.weighted]) {
                assert!(v.is_nan() || unit01(*v), "{v}");
            }
            let ovo = prep.ovo(w);
            for v in [ovo.macro_avg, ovo.weighted] {
                assert!(v.is_nan() || unit01(v), "{v}");
            }
        }
    }

    /// The layout this module used before (one [`Ranked`] per class column for OvR, one per pair
    /// and side for OvO), kept here as the reference the linear-memory [`AucPrep`] must equal
    /// bit for bit.
    fn sorted_reference(
        labels: &[u32],
        probs: &[f64],
        k: usize,
        counts: Option<&[u32]>,
    ) -> (Vec<f64>, f64, f64, f64, f64) {
        use crate::ranking::Ranked;
        let n = labels.len();
        let wt = |i: usize| counts.map_or(1, |c| u64::from(c[i]));
        let mut nc = vec![0u64; k];
        for (i, &l) in labels.iter().enumerate() {
            nc[l as usize] += wt(i);
        }
        let through_idx = |idx: &[u32]| -> Vec<u32> {
            idx.iter()
                .map(|&i| counts.map_or(1, |c| c[i as usize]))
                .collect()
        };
        let per_class: Vec<f64> = (0..k)
            .map(|c| {
                let col: Vec<f64> = (0..n).map(|i| probs[i * k + c]).collect();
                let pos: Vec<bool> = labels.iter().map(|&l| l as usize == c).collect();
                let r = Ranked::new(&col, &pos);
                r.auc(Weights::Counts(&through_idx(r.original_indices())))
            })
            .collect();
        let total: u64 = nc.iter().sum();
        let ovr_macro = per_class.iter().sum::<f64>() / k as f64;
        let ovr_weighted = if total == 0 {
            0.0
        } else {
            per_class
                .iter()
                .zip(&nc)
                .filter(|&(_, &n)| n > 0)
                .map(|(&a, &n)| a * n as f64)
                .sum::<f64>()
                / total as f64
        };
        let (mut sum, mut m, mut wsum, mut wtot) = (0.0f64, 0usize, 0.0f64, 0u64);
        for a in 0..k {
            for b in a + 1..k {
                if nc[a] == 0 || nc[b] == 0 {
                    continue;
                }
                let idx: Vec<u32> = (0..n as u32)
                    .filter(|&i| {
                        labels[i as usize] as usize == a || labels[i as usize] as usize == b
                    })
                    .collect();
                let side = |c: usize| {
                    let s: Vec<f64> = idx.iter().map(|&i| probs[i as usize * k + c]).collect();
                    let pos: Vec<bool> = idx
                        .iter()
                        .map(|&i| labels[i as usize] as usize == c)
                        .collect();
                    let r = Ranked::new(&s, &pos);
                    let global: Vec<u32> = r
                        .original_indices()
                        .iter()
                        .map(|&j| idx[j as usize])
                        .collect();
                    r.auc(Weights::Counts(&through_idx(&global)))
                };
                let score = (side(a) + side(b)) / 2.0;
                let prevalence = nc[a] + nc[b];
                sum += score;
                m += 1;
                wsum += score * prevalence as f64;
                wtot += prevalence;
            }
        }
        let (ovo_macro, ovo_weighted) = if m == 0 {
            (f64::NAN, f64::NAN)
        } else {
            (sum / m as f64, wsum / wtot as f64)
        };
        (per_class, ovr_macro, ovr_weighted, ovo_macro, ovo_weighted)
    }

    fn bits(v: f64) -> u64 {
        if v.is_nan() { u64::MAX } else { v.to_bits() }
    }

    /// Above `MAX_SORTED_CLASSES` the resampling layout is the column copy (the k × k pair table
    /// of the sorted layout would not pay), with the same results.
    #[test]
    fn many_classes_resample_on_the_column_copy() {
        let mut rng = Xoshiro256pp::for_stream(16, 0);
        let k = AucPrep::MAX_SORTED_CLASSES + 4;
        let (labels, probs) = random_problem(&mut rng, 600, k);
        let counts: Vec<u32> = (0..600).map(|_| rng.below(3) as u32).collect();
        let plain = AucPrep::new(&labels, &probs, k);
        let resampling = AucPrep::new(&labels, &probs, k).for_resampling();
        assert!(resampling.sorted.is_none() && resampling.cols.is_some());
        let (a, b) = (
            plain.ovr_ovo(Weights::Counts(&counts)),
            resampling.ovr_ovo(Weights::Counts(&counts)),
        );
        assert_eq!(bits(a.1.macro_avg), bits(b.1.macro_avg));
        assert_eq!(bits(a.1.weighted), bits(b.1.weighted));
        assert_eq!(bits(a.0.weighted), bits(b.0.weighted));
    }

    #[test]
    fn linear_auc_layout_equals_sorted_layout_bit_for_bit() {
        let mut rng = Xoshiro256pp::for_stream(15, 0);
        for round in 0..60 {
            let k = 2 + round % 9;
            let n = 1 + rng.below(70) as usize;
            let (labels, probs) = random_problem(&mut rng, n, k);
            let counts: Vec<u32> = (0..n).map(|_| rng.below(4) as u32).collect();
            let plain = AucPrep::new(&labels, &probs, k);
            let copied = AucPrep::new(&labels, &probs, k).with_column_copy();
            let sorted = AucPrep::new(&labels, &probs, k).for_resampling();
            assert!(sorted.sorted.is_some());
            let big: Vec<u32> = counts.iter().map(|&c| c * 100).collect();
            for (prep, w, c) in [
                (&plain, Weights::Unit, None),
                (&copied, Weights::Unit, None),
                (&sorted, Weights::Unit, None),
                (&plain, Weights::Counts(&counts), Some(counts.as_slice())),
                (&copied, Weights::Counts(&counts), Some(counts.as_slice())),
                (&sorted, Weights::Counts(&counts), Some(counts.as_slice())),
                // Counts above a byte: the sorted layout's u32 lookups.
                (&plain, Weights::Counts(&big), Some(big.as_slice())),
                (&sorted, Weights::Counts(&big), Some(big.as_slice())),
            ] {
                let (pc, om, ow, vm, vw) = sorted_reference(&labels, &probs, k, c);
                let (ovr, ovo) = prep.ovr_ovo(w);
                // The u128 accumulator (totals ≥ 2³¹) gives the same bits as the u64 one.
                let (ovr128, ovo128) =
                    prep.ovr_ovo_in::<u128>(&prep.weigh(w, prep.sorted.is_none()));
                assert_eq!(bits(ovo128.macro_avg), bits(ovo.macro_avg));
                assert_eq!(bits(ovo128.weighted), bits(ovo.weighted));
                assert_eq!(bits(ovr128.weighted), bits(ovr.weighted));
                let alone = prep.ovr(w);
                let got: Vec<u64> = ovr.per_class.iter().map(|&v| bits(v)).collect();
                let got_alone: Vec<u64> = alone.per_class.iter().map(|&v| bits(v)).collect();
                assert_eq!(got, got_alone, "round {round}: ovr vs ovr_ovo");
                assert_eq!(bits(alone.macro_avg), bits(ovr.macro_avg));
                assert_eq!(bits(alone.weighted), bits(ovr.weighted));
                let want: Vec<u64> = pc.iter().map(|&v| bits(v)).collect();
                assert_eq!(got, want, "round {round}: OvR per class");
                assert_eq!(bits(ovr.macro_avg), bits(om), "round {round}");
                assert_eq!(bits(ovr.weighted), bits(ow), "round {round}");
                assert_eq!(bits(ovo.macro_avg), bits(vm), "round {round}");
                assert_eq!(bits(ovo.weighted), bits(vw), "round {round}");
            }
        }
    }

    #[test]
    fn sparse_confusion_matrix_equals_dense_counting() {
        let mut rng = Xoshiro256pp::for_stream(16, 0);
        for _ in 0..30 {
            let k = 2 + rng.below(40) as usize;
            let n = rng.below(120) as usize;
            let labels: Vec<u32> = (0..n).map(|_| rng.below(k as u64) as u32).collect();
            let pred: Vec<u32> = (0..n).map(|_| rng.below(k as u64) as u32).collect();
            let counts: Vec<u32> = (0..n).map(|_| rng.below(3) as u32).collect();
            let mut dense = vec![0u64; k * k];
            for i in 0..n {
                dense[labels[i] as usize * k + pred[i] as usize] += u64::from(counts[i]);
            }
            let cm = ConfusionMatrix::new(&labels, &pred, k, Weights::Counts(&counts));
            assert_eq!(cm.dense(), dense);
            assert_eq!(cm, ConfusionMatrix::from_dense(k, &dense));
            assert_eq!(cm.nonzero().len(), dense.iter().filter(|&&c| c > 0).count());
            for t in 0..k {
                for p in 0..k {
                    assert_eq!(cm.get(t, p), dense[t * k + p]);
                }
            }
            let totals = ClassTotals::new(&labels, &pred, k, Weights::Counts(&counts));
            assert_eq!(cm.totals(), &totals);
            assert_eq!(cm.averages(), totals.averages());
        }
    }

    #[test]
    fn ovo_matches_naive_pair_counting() {
        // Hand & Till from first principles on the samples of each present pair.
        fn naive_auc(s: &[f64], y: &[bool]) -> f64 {
            let (mut num, mut den) = (0.0, 0.0);
            for i in 0..s.len() {
                for j in 0..s.len() {
                    if y[i] && !y[j] {
                        den += 1.0;
                        num += if s[i] > s[j] {
                            1.0
                        } else if s[i] == s[j] {
                            0.5
                        } else {
                            0.0
                        };
                    }
                }
            }
            num / den
        }
        let mut rng = Xoshiro256pp::for_stream(14, 0);
        for _ in 0..20 {
            let k = 4;
            let n = 2 + rng.below(40) as usize;
            let (labels, probs) = random_problem(&mut rng, n, k);
            let present: Vec<usize> = (0..k).filter(|&c| labels.contains(&(c as u32))).collect();
            let (mut sum, mut m, mut wsum, mut wtot) = (0.0, 0.0, 0.0, 0.0);
            for (x, &a) in present.iter().enumerate() {
                for &b in &present[x + 1..] {
                    let idx: Vec<usize> = (0..n)
                        .filter(|&i| labels[i] as usize == a || labels[i] as usize == b)
                        .collect();
                    let side = |c: usize| {
                        let s: Vec<f64> = idx.iter().map(|&i| probs[i * k + c]).collect();
                        let y: Vec<bool> = idx.iter().map(|&i| labels[i] as usize == c).collect();
                        naive_auc(&s, &y)
                    };
                    let score = (side(a) + side(b)) / 2.0;
                    sum += score;
                    m += 1.0;
                    wsum += score * idx.len() as f64;
                    wtot += idx.len() as f64;
                }
            }
            let ovo = AucPrep::new(&labels, &probs, k).ovo(Weights::Unit);
            close(ovo.macro_avg, sum / m, 1e-12);
            close(ovo.weighted, wsum / wtot, 1e-12);
        }
    }
}
