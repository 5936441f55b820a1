//! Binary classification metrics, curves and optimal thresholds, matching scikit-learn 1.9.1.
//!
//! # Conventions
//! * **Decision rule:** a sample is predicted positive iff `score >= threshold` (scikit-learn's
//!   `roc_curve` / `precision_recall_curve` semantics). Every distinct observed score is one
//!   threshold; tied samples are one group and the order inside a tie never matters.
//! * **Zero division** follows scikit-learn's default `zero_division="warn"`, i.e. **0.0**:
//!   precision with no predicted positive, recall with no actual positive, F1 when
//!   `tp + fp + fn = 0` (`f1_score([0,0],[0,0]) == 0.0`), and specificity with no actual negative.
//!   [`Confusion::matthews_corrcoef`] is 0.0 when its denominator is 0 (scikit-learn returns 0.0
//!   there too). [`Confusion::accuracy`] is NaN for an empty confusion.
//! * **Weights** are `u32` count weights ([`Weights`]): a weight of `k` is exactly the same as the
//!   row repeated `k` times (up to the last bit of a floating-point sum for [`log_loss`] and
//!   [`brier_score`]). Counts are summed in `u64` and cast to `f64` only to divide.
//! * Scores must be finite (the caller validates; scikit-learn rejects NaN/inf as well).

use crate::Weights;
use crate::ranking::Ranked;

/// A weighted 2×2 confusion matrix of the positive class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Confusion {
    /// True positives: actual positive, predicted positive.
    pub tp: u64,
    /// False positives: actual negative, predicted positive.
    pub fp: u64,
    /// True negatives: actual negative, predicted negative.
    pub tn: u64,
    /// False negatives: actual positive, predicted negative.
    pub fn_: u64,
}

/// `num / den`, or 0.0 when `den == 0` (scikit-learn's `zero_division="warn"` result).
fn ratio_or_zero(num: u64, den: u64) -> f64 {
    if den == 0 {
        0.0
    } else {
        num as f64 / den as f64
    }
}

impl Confusion {
    /// Every threshold metric: accuracy, balanced accuracy, precision, recall, specificity, F1,
    /// MCC (the registry, [`crate::metrics`], names them).
    pub fn metric_values(&self) -> [f64; 7] {
        [
            self.accuracy(),
            self.balanced_accuracy(),
            self.precision(),
            self.recall(),
            self.specificity(),
            self.f1(),
            self.matthews_corrcoef(),
        ]
    }

    /// The confusion of the rule "positive iff `score >= threshold`" over a sorted layout.
    ///
    /// The scores of `r` are sorted descending, so the predicted positives are a prefix of the
    /// positions (found by binary search). `w` is indexed by **sorted position** (use
    /// [`Weights::Permuted`] to apply per-sample counts). A NaN threshold predicts nothing positive
    /// (`score >= NaN` is false); `-inf` predicts everything positive.
    pub fn at_threshold(r: &Ranked, threshold: f64, w: Weights<'_>) -> Confusion {
        let cut = r.scores().partition_point(|&s| s >= threshold);
        let mut c = Confusion::default();
        for (p, &pos) in r.positives().iter().enumerate() {
            let wi = w.get(p);
            match (pos, p < cut) {
                (true, true) => c.tp += wi,
                (false, true) => c.fp += wi,
                (false, false) => c.tn += wi,
                (true, false) => c.fn_ += wi,
            }
        }
        c
    }

    /// The confusion of hard predictions: `y[i]` is the truth and `pred[i]` the prediction for
    /// sample `i` (true = positive class). `w` is indexed by sample.
    ///
    /// # Panics
    /// If `y` and `pred` differ in length.
    pub fn from_predictions(y: &[bool], pred: &[bool], w: Weights<'_>) -> Confusion {
        assert_eq!(
            y.len(),
            pred.len(),
            "labels and predictions differ in length"
        );
        let mut c = Confusion::default();
        for (i, (&t, &p)) in y.iter().zip(pred).enumerate() {
            let wi = w.get(i);
            match (t, p) {
                (true, true) => c.tp += wi,
                (false, true) => c.fp += wi,
                (false, false) => c.tn += wi,
                (true, false) => c.fn_ += wi,
            }
        }
        c
    }

    /// Total (weighted) number of samples.
    pub fn total(&self) -> u64 {
        self.tp + self.fp + self.tn + self.fn_
    }

    /// Actual positives `tp + fn`.
    pub fn positives(&self) -> u64 {
        self.tp + self.fn_
    }

    /// Actual negatives `tn + fp`.
    pub fn negatives(&self) -> u64 {
        self.tn + self.fp
    }

    /// `(tp + tn) / total` (scikit-learn `accuracy_score`). NaN when the confusion is empty.
    pub fn accuracy(&self) -> f64 {
        let n = self.total();
        if n == 0 {
            return f64::NAN;
        }
        (self.tp + self.tn) as f64 / n as f64
    }

    /// Mean recall over the classes **present** in the truth (scikit-learn
    /// `balanced_accuracy_score`): `(tpr + tnr) / 2` when both classes occur, and the recall of the
    /// only present class otherwise (scikit-learn drops a class absent from `y_true`, with a
    /// warning, e.g. `balanced_accuracy_score([0,0],[0,1]) == 0.5`). A class is present when its
    /// weighted count is positive. NaN for an empty confusion.
    pub fn balanced_accuracy(&self) -> f64 {
        let (p, n) = (self.positives(), self.negatives());
        match (p > 0, n > 0) {
            (true, true) => (self.tn as f64 / n as f64 + self.tp as f64 / p as f64) / 2.0,
            (true, false) => self.tp as f64 / p as f64,
            (false, true) => self.tn as f64 / n as f64,
            (false, false) => f64::NAN,
        }
    }

    /// `tp / (tp + fp)`; 0.0 when nothing is predicted positive (scikit-learn `precision_score`,
    /// `zero_division="warn"`).
    pub fn precision(&self) -> f64 {
        ratio_or_zero(self.tp, self.tp + self.fp)
    }

    /// `tp / (tp + fn)` (sensitivity, TPR); 0.0 when there is no actual positive (scikit-learn
    /// `recall_score`, `zero_division="warn"`).
    pub fn recall(&self) -> f64 {
        ratio_or_zero(self.tp, self.tp + self.fn_)
    }

    /// `tn / (tn + fp)` (TNR, the recall of the negative class); 0.0 when there is no actual
    /// negative, by analogy with scikit-learn's recall.
    pub fn specificity(&self) -> f64 {
        ratio_or_zero(self.tn, self.tn + self.fp)
    }

    /// F1 computed as scikit-learn does, `2·tp / ((tp + fn) + (tp + fp))`: 0.0 when
    /// `tp + fp + fn = 0` (`zero_division="warn"`), and 0.0 whenever `tp = 0`.
    pub fn f1(&self) -> f64 {
        ratio_or_zero(2 * self.tp, self.positives() + self.tp + self.fp)
    }

    /// Matthews correlation coefficient, evaluated with scikit-learn's exact f64 formula
    /// (`cov(y,ŷ) / sqrt(cov(ŷ,ŷ)·cov(y,y))` from the confusion's row and column sums), so it
    /// equals `(tp·tn − fp·fn) / sqrt((tp+fp)(tp+fn)(tn+fp)(tn+fn))`. Returns 0.0 when the
    /// denominator is 0 (a constant truth or a constant prediction), as scikit-learn 1.9.1 does.
    pub fn matthews_corrcoef(&self) -> f64 {
        let (tp, fp, tn, fn_) = (
            self.tp as f64,
            self.fp as f64,
            self.tn as f64,
            self.fn_ as f64,
        );
        // C = [[tn, fp], [fn, tp]] (rows = truth, labels sorted [negative, positive]).
        let t_sum = [tn + fp, fn_ + tp];
        let p_sum = [tn + fn_, fp + tp];
        let n_correct = tn + tp;
        let n = p_sum[0] + p_sum[1];
        let cov_ytyp = n_correct * n - (t_sum[0] * p_sum[0] + t_sum[1] * p_sum[1]);
        let cov_ypyp = n * n - (p_sum[0] * p_sum[0] + p_sum[1] * p_sum[1]);
        let cov_ytyt = n * n - (t_sum[0] * t_sum[0] + t_sum[1] * t_sum[1]);
        let den = cov_ypyp * cov_ytyt;
        if den == 0.0 {
            0.0
        } else {
            cov_ytyp / den.sqrt()
        }
    }
}

/// Weighted mean of per-sample terms with a compensated (Neumaier) sum, so the result is as
/// accurate as numpy's pairwise sum or better. NaN when the total weight is 0.
fn weighted_mean(n: usize, w: Weights<'_>, term: impl Fn(usize) -> f64) -> f64 {
    let mut sum = crate::stats::Neumaier::default();
    let mut total = 0u64;
    for i in 0..n {
        let wi = w.get(i);
        if wi == 0 {
            continue;
        }
        total += wi;
        sum.add(term(i) * wi as f64);
    }
    if total == 0 {
        return f64::NAN;
    }
    sum.total() / total as f64
}

/// The log-loss term of one sample (see [`log_loss`]).
#[inline]
pub(crate) fn log_loss_term(positive: bool, p: f64) -> f64 {
    let eps = f64::EPSILON;
    let q = if positive { p } else { 1.0 - p };
    -q.clamp(eps, 1.0 - eps).ln()
}

/// Twice the Brier term of one sample, as scikit-learn sums it over both columns (see
/// [`brier_score`]).
#[inline]
pub(crate) fn brier_term2(positive: bool, p: f64) -> f64 {
    let yi = if positive { 1.0 } else { 0.0 };
    let a = (1.0 - yi) - (1.0 - p);
    let b = yi - p;
    a * a + b * b
}

/// Binary cross-entropy, scikit-learn `log_loss(y, p)` with 1-D `p` = P(positive).
///
/// As in scikit-learn 1.9.1, the two columns `[1 − p, p]` are formed first and **each** is then
/// clipped to `[ε, 1 − ε]` with `ε = f64::EPSILON` (2.220446049250313e-16); there is no
/// renormalisation after clipping. The loss of a sample is `−ln(clip(p))` if positive and
/// `−ln(clip(1 − p))` otherwise; the result is the `w`-weighted mean (`w` indexed like the
/// slices). NaN when the total weight is 0 (scikit-learn raises). scikit-learn also raises when
/// `y` holds a single class or `p` leaves `[0, 1]`; this function computes the formula anyway,
/// so the caller validates.
///
/// # Panics
/// If `y` and `p` differ in length.
pub fn log_loss(y: &[bool], p: &[f64], w: Weights<'_>) -> f64 {
    assert_eq!(
        y.len(),
        p.len(),
        "labels and probabilities differ in length"
    );
    weighted_mean(y.len(), w, |i| log_loss_term(y[i], p[i]))
}

/// Brier score, scikit-learn `brier_score_loss(y, p)` for a binary problem
/// (`scale_by_half="auto"` → ½ of the two-column score): `mean((y − p)²)`, range `[0, 1]`.
///
/// Evaluated exactly as scikit-learn does, as `½·mean(((1−y) − (1−p))² + (y − p)²)`, with the
/// `w`-weighted mean (`w` indexed like the slices). NaN when the total weight is 0.
///
/// # Panics
/// If `y` and `p` differ in length.
pub fn brier_score(y: &[bool], p: &[f64], w: Weights<'_>) -> f64 {
    assert_eq!(
        y.len(),
        p.len(),
        "labels and probabilities differ in length"
    );
    let mean = weighted_mean(y.len(), w, |i| brier_term2(y[i], p[i]));
    mean * 0.5
}

/// One distinct threshold with its cumulative unweighted counts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Step {
    threshold: f64,
    tp: u64,
    fp: u64,
}

/// Cumulative (tp, fp) at every distinct score, highest first.
///
/// The threshold reported for a tie group is the score of the group's sample with the greatest
/// original index, which is the value numpy's stable descending sort puts last in the group and
/// scikit-learn reports (it only matters for the sign of a zero when `-0.0` and `0.0` tie).
pub(crate) fn steps(r: &Ranked) -> Vec<Step> {
    let (scores, positives) = (r.scores(), r.positives());
    let mut out = Vec::with_capacity(r.group_ends().len());
    let (mut tp, mut fp) = (0u64, 0u64);
    let mut start = 0usize;
    for &end in r.group_ends() {
        let end = end as usize;
        let pos_g = positives[start..end].iter().filter(|&&b| b).count() as u64;
        tp += pos_g;
        fp += (end - start) as u64 - pos_g;
        let mut last = start;
        for (p, &orig) in r.original_indices()[start..end].iter().enumerate() {
            if orig > r.original_indices()[last] {
                last = start + p;
            }
        }
        out.push(Step {
            threshold: scores[last],
            tp,
            fp,
        });
        start = end;
    }
    out
}

/// A ROC curve, exactly as scikit-learn's `roc_curve` returns it.
#[derive(Debug, Clone, PartialEq)]
pub struct RocCurve {
    /// False positive rates, increasing, starting at 0.
    pub fpr: Vec<f64>,
    /// True positive rates, increasing, starting at 0.
    pub tpr: Vec<f64>,
    /// Decreasing thresholds; `thresholds[0] = +inf` (the point (0, 0)), then observed scores.
    /// (A decimated curve keeps the thresholds of its points.)
    pub thresholds: Vec<f64>,
}

/// scikit-learn `roc_curve(y, s, drop_intermediate=...)` (unweighted).
///
/// One point per distinct score (positive iff `score >= threshold`), preceded by `(0, 0)` at
/// threshold `+inf`. With `drop_intermediate` (scikit-learn's default) and more than two points,
/// a point is kept iff the second difference of `fps` or of `tps` is non-zero there (first and
/// last always kept); the dropped points are collinear, so AUC and the maximal Youden J do not
/// change. `fpr = fps / fps[-1]` and `tpr = tps / tps[-1]`; when a class is absent, its rate is
/// **all NaN** (scikit-learn warns). Empty input gives the single point `(NaN, NaN)` at `+inf`.
pub fn roc_curve(r: &Ranked, drop_intermediate: bool) -> RocCurve {
    OperatingPoints::new(r).roc_curve(drop_intermediate)
}

/// Every distinct threshold of a ranking with its cumulative counts, computed once: the ROC and PR
/// curves and every threshold chooser read it, so a large evaluation walks the data once for all of
/// them. The free functions ([`roc_curve`], [`youden`], …) are shorthands that build it each time.
#[derive(Debug, Clone)]
pub struct OperatingPoints {
    steps: Vec<Step>,
}

impl OperatingPoints {
    /// Walks `r` once.
    pub fn new(r: &Ranked) -> Self {
        Self { steps: steps(r) }
    }

    /// Counts and thresholds, or `None` when a class is absent.
    fn defined(&self) -> Option<(&[Step], u64, u64)> {
        let (p, n) = self.steps.last().map_or((0, 0), |s| (s.tp, s.fp));
        if p == 0 || n == 0 {
            return None;
        }
        Some((&self.steps, p, n))
    }

    /// See [`roc_curve`].
    pub fn roc_curve(&self, drop_intermediate: bool) -> RocCurve {
        roc_from_steps(&self.steps, drop_intermediate, 0).0
    }

    /// [`Self::roc_curve`] with at most `max_points` points (0 = all), evenly spaced over the full
    /// curve; also returns the number of points of the full curve.
    pub fn roc_curve_at_most(
        &self,
        drop_intermediate: bool,
        max_points: usize,
    ) -> (RocCurve, usize) {
        roc_from_steps(&self.steps, drop_intermediate, max_points)
    }

    /// See [`precision_recall_curve`].
    pub fn precision_recall_curve(&self) -> PrCurve {
        pr_from_steps(&self.steps, 0).0
    }

    /// [`Self::precision_recall_curve`] with at most `max_points` points (0 = all); also returns
    /// the number of points of the full curve.
    pub fn precision_recall_curve_at_most(&self, max_points: usize) -> (PrCurve, usize) {
        pr_from_steps(&self.steps, max_points)
    }

    /// See [`youden`].
    pub fn youden(&self) -> Option<ThresholdChoice> {
        let (st, p, n) = self.defined()?;
        argmax_first(st, p, n, |c| c.j)
    }

    /// See [`max_f1`].
    pub fn max_f1(&self) -> Option<ThresholdChoice> {
        let (st, p, n) = self.defined()?;
        argmax_first(st, p, n, |c| c.f1)
    }

    /// See [`for_target_recall`].
    pub fn for_target_recall(&self, target: f64) -> Option<ThresholdChoice> {
        let (st, p, n) = self.defined()?;
        st.iter()
            .map(|s| choice(s, p, n))
            .find(|c| c.recall >= target)
    }

    /// See [`for_target_precision`].
    pub fn for_target_precision(&self, target: f64) -> Option<ThresholdChoice> {
        let (st, p, n) = self.defined()?;
        let mut best: Option<ThresholdChoice> = None;
        for s in st {
            let c = choice(s, p, n);
            if c.precision >= target && best.is_none_or(|b| c.recall > b.recall) {
                best = Some(c);
            }
        }
        best
    }
}

/// Indices of at most `max` evenly spaced points out of `len` (all of them when `max` is 0 or
/// `len <= max`), always including the first and the last: `round(i·(len−1)/(max−1))`.
pub fn even_indices(len: usize, max: usize) -> Vec<usize> {
    if max == 0 || len <= max {
        return (0..len).collect();
    }
    if max == 1 {
        return vec![0];
    }
    let (l, m) = (len as u128 - 1, max as u128 - 1);
    let mut out: Vec<usize> = (0..max as u128)
        .map(|i| ((i * l + m / 2) / m) as usize)
        .collect();
    out.dedup();
    out
}

/// The ROC curve over `st`; see [`roc_curve`]. With `max_points > 0` at most that many points are
/// returned, evenly spaced over the full curve (first and last kept).
fn roc_from_steps(st: &[Step], drop_intermediate: bool, max_points: usize) -> (RocCurve, usize) {
    // Indices of the kept steps.
    let kept: Vec<u32> = if drop_intermediate && st.len() > 2 {
        (0..st.len())
            .filter(|&i| {
                if i == 0 || i + 1 == st.len() {
                    return true;
                }
                // Second differences in exact integer arithmetic (sklearn's are exact floats).
                let d2 = |a: u64, b: u64, c: u64| i128::from(a) - 2 * i128::from(b) + i128::from(c);
                d2(st[i - 1].fp, st[i].fp, st[i + 1].fp) != 0
                    || d2(st[i - 1].tp, st[i].tp, st[i + 1].tp) != 0
            })
            .map(|i| i as u32)
            .collect()
    } else {
        (0..st.len() as u32).collect()
    };
    let (tot_tp, tot_fp) = st.last().map_or((0, 0), |s| (s.tp, s.fp));
    let rate = |x: u64, tot: u64| {
        if tot == 0 {
            f64::NAN
        } else {
            x as f64 / tot as f64
        }
    };
    // Point 0 is (0, 0) at +inf; point i ≥ 1 is step kept[i − 1].
    let full = kept.len() + 1;
    let pick = even_indices(full, max_points);
    let mut fpr = Vec::with_capacity(pick.len());
    let mut tpr = Vec::with_capacity(pick.len());
    let mut thresholds = Vec::with_capacity(pick.len());
    for i in pick {
        let (t, tp, fp) = match i.checked_sub(1) {
            None => (f64::INFINITY, 0, 0),
            Some(k) => {
                let s = &st[kept[k] as usize];
                (s.threshold, s.tp, s.fp)
            }
        };
        fpr.push(rate(fp, tot_fp));
        tpr.push(rate(tp, tot_tp));
        thresholds.push(t);
    }
    (
        RocCurve {
            fpr,
            tpr,
            thresholds,
        },
        full,
    )
}

/// A precision-recall curve, exactly as scikit-learn's `precision_recall_curve` returns it.
#[derive(Debug, Clone, PartialEq)]
pub struct PrCurve {
    /// Precision at each threshold (increasing thresholds), then a final 1.0.
    pub precision: Vec<f64>,
    /// Recall at each threshold (decreasing), then a final 0.0.
    pub recall: Vec<f64>,
    /// The distinct observed scores, **increasing**; one fewer than `precision`/`recall` (the last
    /// point (recall 0, precision 1) has no threshold).
    pub thresholds: Vec<f64>,
}

/// scikit-learn `precision_recall_curve(y, s)` (unweighted, `drop_intermediate=False`).
///
/// One point per distinct score, ordered by increasing threshold: `precision = tp/(tp+fp)`,
/// `recall = tp/P`; then the point (recall 0, precision 1) is appended without a threshold. The
/// curve is **not** cut at full recall (scikit-learn ≥ 1.3 keeps every threshold). With no positive,
/// recall is 1.0 everywhere (scikit-learn warns), so AP = 0. Empty input gives only the final point.
pub fn precision_recall_curve(r: &Ranked) -> PrCurve {
    pr_from_steps(&steps(r), 0).0
}

/// The PR curve over `st`; see [`precision_recall_curve`]. With `max_points > 0` at most that
/// many points are returned, evenly spaced over the full curve (first and last kept); a kept point
/// keeps its threshold (the final point has none).
fn pr_from_steps(st: &[Step], max_points: usize) -> (PrCurve, usize) {
    let tot_tp = st.last().map_or(0, |s| s.tp);
    // Point j < len is step len − 1 − j (increasing thresholds); point len is (recall 0, precision 1).
    let full = st.len() + 1;
    let pick = even_indices(full, max_points);
    let mut precision = Vec::with_capacity(pick.len());
    let mut recall = Vec::with_capacity(pick.len());
    let mut thresholds = Vec::with_capacity(pick.len());
    for j in pick {
        if j == st.len() {
            precision.push(1.0);
            recall.push(0.0);
            continue;
        }
        let s = &st[st.len() - 1 - j];
        precision.push(ratio_or_zero(s.tp, s.tp + s.fp));
        recall.push(if tot_tp == 0 {
            1.0
        } else {
            s.tp as f64 / tot_tp as f64
        });
        thresholds.push(s.threshold);
    }
    (
        PrCurve {
            precision,
            recall,
            thresholds,
        },
        full,
    )
}

/// An operating point: a threshold (positive iff `score >= threshold`) and its rates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ThresholdChoice {
    /// The threshold, an observed score.
    pub threshold: f64,
    /// True positive rate `tp / P` (= recall).
    pub tpr: f64,
    /// False positive rate `fp / N`.
    pub fpr: f64,
    /// Precision `tp / (tp + fp)` (never 0/0: a threshold is an observed score).
    pub precision: f64,
    /// Recall `tp / P` (= tpr).
    pub recall: f64,
    /// F1, as [`Confusion::f1`].
    pub f1: f64,
    /// Youden's J = `tpr − fpr`.
    pub j: f64,
}

fn choice(s: &Step, p: u64, n: u64) -> ThresholdChoice {
    let c = Confusion {
        tp: s.tp,
        fp: s.fp,
        tn: n - s.fp,
        fn_: p - s.tp,
    };
    let tpr = s.tp as f64 / p as f64;
    let fpr = s.fp as f64 / n as f64;
    ThresholdChoice {
        threshold: s.threshold,
        tpr,
        fpr,
        precision: c.precision(),
        recall: tpr,
        f1: c.f1(),
        j: tpr - fpr,
    }
}

/// The first (highest-threshold) step maximising `key`, compared in f64.
fn argmax_first(
    st: &[Step],
    p: u64,
    n: u64,
    key: impl Fn(&ThresholdChoice) -> f64,
) -> Option<ThresholdChoice> {
    let mut best: Option<ThresholdChoice> = None;
    for s in st {
        let c = choice(s, p, n);
        if best.is_none_or(|b| key(&c) > key(&b)) {
            best = Some(c);
        }
    }
    best
}

/// Youden's J: the threshold maximising `tpr − fpr`, the common idiom
/// `thr[argmax(tpr − fpr)]` over scikit-learn's `roc_curve` but **excluding** the `+inf` point.
///
/// Candidates are the distinct observed scores (with or without `drop_intermediate` the first
/// maximum is the same point). Ties go to the **highest** threshold (numpy's `argmax` takes the
/// first maximum). J is computed as `tp/P − fp/N` in f64, as numpy does. When every J is negative
/// the best (negative) one is still returned. `None` when a class is absent.
pub fn youden(r: &Ranked) -> Option<ThresholdChoice> {
    OperatingPoints::new(r).youden()
}

/// The threshold maximising F1 over the distinct observed scores; ties go to the **highest**
/// threshold. `None` when a class is absent.
pub fn max_f1(r: &Ranked) -> Option<ThresholdChoice> {
    OperatingPoints::new(r).max_f1()
}

/// The **highest** threshold whose recall `tp/P` (f64) is `>= target`: the most conservative rule
/// that reaches the target recall. `None` when a class is absent or no threshold reaches the
/// target (only possible for `target > 1` or NaN).
pub fn for_target_recall(r: &Ranked, target: f64) -> Option<ThresholdChoice> {
    OperatingPoints::new(r).for_target_recall(target)
}

/// Among the thresholds whose precision (f64) is `>= target`, the one with the greatest recall;
/// ties in recall go to the **highest** threshold. `None` when a class is absent or no threshold
/// reaches the target precision.
pub fn for_target_precision(r: &Ranked, target: f64) -> Option<ThresholdChoice> {
    OperatingPoints::new(r).for_target_precision(target)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Xoshiro256pp;

    const TOL: f64 = 1e-12;

    fn close(a: f64, b: f64) -> bool {
        (a.is_nan() && b.is_nan()) || a == b || (a - b).abs() <= TOL
    }

    #[track_caller]
    fn assert_close(got: f64, want: f64) {
        assert!(close(got, want), "got {got:?}, want {want:?}");
    }

    #[track_caller]
    fn assert_all_close(got: &[f64], want: &[f64]) {
        assert_eq!(got.len(), want.len(), "{got:?} vs {want:?}");
        for (g, w) in got.iter().zip(want) {
            assert!(close(*g, *w), "{got:?} vs {want:?}");
        }
    }

    #[test]
    fn golden_roc_curve() {
        // docs/design/metrics.md §1.1: roc_curve([0,0,1,1], [.1,.4,.35,.8])
        let r = Ranked::new(&[0.1, 0.4, 0.35, 0.8], &[false, false, true, true]);
        let c = roc_curve(&r, true);
        assert_eq!(c.fpr, [0.0, 0.0, 0.5, 0.5, 1.0]);
        assert_eq!(c.tpr, [0.0, 0.5, 0.5, 1.0, 1.0]);
        assert_eq!(c.thresholds, [f64::INFINITY, 0.8, 0.4, 0.35, 0.1]);
        // precision_recall_curve([0,0,1,1], [.1,.4,.35,.8])
        // → ([0.5, 2/3, 0.5, 1, 1], [1, 1, 0.5, 0.5, 0], [0.1, 0.35, 0.4, 0.8])
        let pr = precision_recall_curve(&r);
        assert_all_close(&pr.precision, &[0.5, 2.0 / 3.0, 0.5, 1.0, 1.0]);
        assert_eq!(pr.recall, [1.0, 1.0, 0.5, 0.5, 0.0]);
        assert_eq!(pr.thresholds, [0.1, 0.35, 0.4, 0.8]);
    }

    #[test]
    fn golden_pr_with_ties_and_ap() {
        // docs/design/metrics.md §1.3: precision_recall_curve([1,0,1,0], [.5,.5,.2,.1])
        // → ([0.5, 2/3, 0.5, 1], [1, 1, 0.5, 0], [0.1, 0.2, 0.5]); AP 0.5833333333333333
        let r = Ranked::new(&[0.5, 0.5, 0.2, 0.1], &[true, false, true, false]);
        let pr = precision_recall_curve(&r);
        assert_all_close(&pr.precision, &[0.5, 2.0 / 3.0, 0.5, 1.0]);
        assert_eq!(pr.recall, [1.0, 1.0, 0.5, 0.0]);
        assert_eq!(pr.thresholds, [0.1, 0.2, 0.5]);
        // AP = −Σ diff(recall)·precision[:-1]
        let ap: f64 = (0..pr.recall.len() - 1)
            .map(|i| (pr.recall[i] - pr.recall[i + 1]) * pr.precision[i])
            .sum();
        assert_close(ap, 0.5833333333333333);
        assert_close(r.average_precision(Weights::Unit), ap);
    }

    #[test]
    fn single_class_curves() {
        // roc_curve([1,1], [.1,.4]) → fpr [nan,nan,nan], tpr [0,.5,1], thr [inf,.4,.1]
        let r = Ranked::new(&[0.1, 0.4], &[true, true]);
        let c = roc_curve(&r, true);
        assert!(c.fpr.iter().all(|v| v.is_nan()));
        assert_eq!(c.tpr, [0.0, 0.5, 1.0]);
        assert_eq!(c.thresholds, [f64::INFINITY, 0.4, 0.1]);
        assert!(youden(&r).is_none());
        assert!(max_f1(&r).is_none());
        assert!(for_target_recall(&r, 0.5).is_none());
        assert!(for_target_precision(&r, 0.5).is_none());
        // precision_recall_curve([0,0,0], [.5,.5,.2]) → ([0,0,1], [1,1,0], [0.2,0.5])
        let r = Ranked::new(&[0.5, 0.5, 0.2], &[false, false, false]);
        let pr = precision_recall_curve(&r);
        assert_eq!(pr.precision, [0.0, 0.0, 1.0]);
        assert_eq!(pr.recall, [1.0, 1.0, 0.0]);
        assert_eq!(pr.thresholds, [0.2, 0.5]);
        // Empty input.
        let r = Ranked::new(&[], &[]);
        let c = roc_curve(&r, true);
        assert!(c.fpr[0].is_nan() && c.tpr[0].is_nan());
        assert_eq!(c.thresholds, [f64::INFINITY]);
        assert_eq!(precision_recall_curve(&r).thresholds, Vec::<f64>::new());
        assert!(youden(&r).is_none());
    }

    #[test]
    fn signed_zero_threshold_is_numpys_last_in_tie() {
        // roc_curve([0,1,1], [0.0,-0.0,1.0])[2] → [inf, 1.0, -0.0]
        let r = Ranked::new(&[0.0, -0.0, 1.0], &[false, true, true]);
        let t = roc_curve(&r, false).thresholds;
        assert!(t[2] == 0.0 && t[2].is_sign_negative());
        // roc_curve([0,1,1], [-0.0,0.0,1.0])[2] → [inf, 1.0, 0.0]
        let r = Ranked::new(&[-0.0, 0.0, 1.0], &[false, true, true]);
        let t = roc_curve(&r, false).thresholds;
        assert!(t[2] == 0.0 && t[2].is_sign_positive());
        // precision_recall_curve([0,1,1], [-0.0,0.0,1.0])[2] → [0.0, 1.0]
        assert!(precision_recall_curve(&r).thresholds[0].is_sign_positive());
    }

    #[test]
    fn zero_division_matches_sklearn() {
        // f1_score([0,0],[0,0]) = precision_score(...) = recall_score(...) = 0.0
        let c = Confusion::from_predictions(&[false, false], &[false, false], Weights::Unit);
        assert_eq!(
            c,
            Confusion {
                tp: 0,
                fp: 0,
                tn: 2,
                fn_: 0
            }
        );
        assert_eq!(c.f1(), 0.0);
        assert_eq!(c.precision(), 0.0);
        assert_eq!(c.recall(), 0.0);
        assert_eq!(c.specificity(), 1.0);
        // matthews_corrcoef([0,0],[0,0]) = 0.0
        assert_eq!(c.matthews_corrcoef(), 0.0);
        assert_eq!(c.accuracy(), 1.0);
        // balanced_accuracy_score([0,0],[0,0]) = 1.0 (class 1 absent from y_true is dropped)
        assert_eq!(c.balanced_accuracy(), 1.0);
        // f1_score([1,1],[1,1]) = 1.0; matthews_corrcoef([1,1],[1,1]) = 0.0; specificity undefined → 0
        let c = Confusion::from_predictions(&[true, true], &[true, true], Weights::Unit);
        assert_eq!(c.f1(), 1.0);
        assert_eq!(c.matthews_corrcoef(), 0.0);
        assert_eq!(c.specificity(), 0.0);
        // f1_score([0,1],[0,0]) = 0.0; matthews_corrcoef([0,1],[1,1]) = 0.0
        let c = Confusion::from_predictions(&[false, true], &[false, false], Weights::Unit);
        assert_eq!(c.f1(), 0.0);
        assert_eq!(c.precision(), 0.0);
        let c = Confusion::from_predictions(&[false, true], &[true, true], Weights::Unit);
        assert_eq!(c.matthews_corrcoef(), 0.0);
        // matthews_corrcoef([0,1,1],[0,0,0]) = 0.0
        let c = Confusion::from_predictions(&[false, true, true], &[false; 3], Weights::Unit);
        assert_eq!(c.matthews_corrcoef(), 0.0);
        // balanced_accuracy_score([0,0],[0,1]) = 0.5; ([1,1,1],[0,1,1]) = 2/3; ([0,0,1],[0,1,1]) = 0.75
        let c = Confusion::from_predictions(&[false, false], &[false, true], Weights::Unit);
        assert_eq!(c.balanced_accuracy(), 0.5);
        let c = Confusion::from_predictions(&[true; 3], &[false, true, true], Weights::Unit);
        assert_close(c.balanced_accuracy(), 0.6666666666666666);
        let c =
            Confusion::from_predictions(&[false, false, true], &[false, true, true], Weights::Unit);
        assert_eq!(c.balanced_accuracy(), 0.75);
        // Empty confusion.
        let c = Confusion::default();
        assert!(c.accuracy().is_nan());
        assert!(c.balanced_accuracy().is_nan());
        assert_eq!(c.matthews_corrcoef(), 0.0);
    }

    #[test]
    fn golden_log_loss_and_brier() {
        // docs/design/metrics.md §1.6: log_loss([1,0],[0.0,0.0]) = 18.021826694558577
        assert_close(
            log_loss(&[true, false], &[0.0, 0.0], Weights::Unit),
            18.021826694558577,
        );
        // log_loss([1,0,1],[0.9,0.2,1.0]) = 0.10950135565734541
        assert_close(
            log_loss(&[true, false, true], &[0.9, 0.2, 1.0], Weights::Unit),
            0.10950135565734541,
        );
        // brier_score_loss([1,0,1],[0.9,0.2,1.0]) = 0.016666666666666663
        assert_close(
            brier_score(&[true, false, true], &[0.9, 0.2, 1.0], Weights::Unit),
            0.016666666666666663,
        );
        // log_loss([1,0,1],[0.9,0.2,1.0], sample_weight=[2,0,3]) = 0.042144206263130646
        assert_close(
            log_loss(
                &[true, false, true],
                &[0.9, 0.2, 1.0],
                Weights::Counts(&[2, 0, 3]),
            ),
            0.042144206263130646,
        );
        // brier_score_loss([1,0,1],[0.9,0.2,1.0], sample_weight=[2,0,3]) = 0.003999999999999998
        assert_close(
            brier_score(
                &[true, false, true],
                &[0.9, 0.2, 1.0],
                Weights::Counts(&[2, 0, 3]),
            ),
            0.003999999999999998,
        );
        assert!(log_loss(&[true], &[0.5], Weights::Counts(&[0])).is_nan());
        assert!(brier_score(&[], &[], Weights::Unit).is_nan());
    }

    /// An sklearn parity fixture: scores, labels and scikit-learn 1.9.1's outputs.
    struct Fixture {
        s: &'static [f64],
        y: &'static [bool],
        /// `fpr, tpr, thr = roc_curve(y, s)`
        roc: [&'static [f64]; 3],
        /// `roc_curve(y, s, drop_intermediate=False)`
        roc_full: [&'static [f64]; 3],
        /// `p, r, t = precision_recall_curve(y, s)`
        pr: [&'static [f64]; 3],
        /// With `pred = s >= 0.5`: `[accuracy_score(y, pred), balanced_accuracy_score(y, pred),
        /// precision_score(y, pred), recall_score(y, pred), recall_score(y, pred, pos_label=0),
        /// f1_score(y, pred), matthews_corrcoef(y, pred)]`
        at_half: &'static [f64],
        /// `[log_loss(y, s), brier_score_loss(y, s), roc_auc_score(y, s),
        /// average_precision_score(y, s)]`
        scalar: &'static [f64],
        /// `[youden, max_f1, target recall 0.8, target precision 0.8]` thresholds:
        /// * youden: `fpr, tpr, thr = roc_curve(y, s, drop_intermediate=False)`;
        ///   `thr[np.argmax((tpr - fpr)[1:]) + 1]`
        /// * max_f1: `p, r, t = precision_recall_curve(y, s)`;
        ///   `f = [f1_score(y, s >= x) for x in t]`; `t[len(f) - 1 - np.argmax(f[::-1])]`
        /// * target recall: `t[r[:-1] >= 0.8].max()`
        /// * target precision: `m = p[:-1] >= 0.8`; `t[m & (r[:-1] == r[:-1][m].max())].max()`
        choices: [Option<f64>; 4],
    }

    // Generated with the venv's scikit-learn 1.9.1 / numpy 2.4.6:
    //   rng = np.random.default_rng(20260)
    //   A: s = rng.integers(0, 6, 30) / 5;          y = rng.integers(0, 2, 30).astype(bool)
    //   B: s = np.round(rng.random(31), 1);         y = rng.integers(0, 2, 31).astype(bool)
    //   C: s = rng.integers(0, 4, 29) / 3;          y = rng.random(29) < s * 0.8 + 0.1
    //   D: s = rng.integers(0, 15, 30) / 14;        y = rng.random(30) < s
    // (in that order), then the expressions documented on `Fixture`.
    #[rustfmt::skip]
    const SET_A: Fixture = Fixture {
        s: &[0.4, 0.2, 0.8, 0.2, 1.0, 0.8, 0.8, 0.4, 0.0, 0.8, 0.8, 0.6, 0.2, 0.0, 1.0, 0.2, 0.8, 0.4, 0.4, 0.4, 0.0, 0.2, 0.2, 0.0, 0.2, 0.6, 0.6, 0.2, 1.0, 0.4],
        y: &[true, true, false, true, true, false, true, false, true, true, true, false, true, false, false, false, true, true, false, false, true, false, false, true, false, true, false, false, false, false],
        roc: [&[0.0, 0.125, 0.25, 0.375, 0.625, 0.9375, 1.0], &[0.0, 0.07142857142857142, 0.35714285714285715, 0.42857142857142855, 0.5714285714285714, 0.7857142857142857, 1.0], &[f64::INFINITY, 1.0, 0.8, 0.6, 0.4, 0.2, 0.0]],
        roc_full: [&[0.0, 0.125, 0.25, 0.375, 0.625, 0.9375, 1.0], &[0.0, 0.07142857142857142, 0.35714285714285715, 0.42857142857142855, 0.5714285714285714, 0.7857142857142857, 1.0], &[f64::INFINITY, 1.0, 0.8, 0.6, 0.4, 0.2, 0.0]],
        pr: [&[0.4666666666666667, 0.4230769230769231, 0.4444444444444444, 0.5, 0.5555555555555556, 0.3333333333333333, 1.0], &[1.0, 0.7857142857142857, 0.5714285714285714, 0.42857142857142855, 0.35714285714285715, 0.07142857142857142, 0.0], &[0.0, 0.2, 0.4, 0.6, 0.8, 1.0]],
        at_half: &[0.5333333333333333, 0.5267857142857143, 0.5, 0.42857142857142855, 0.625, 0.46153846153846156, 0.05455447255899809],
        scalar: &[6.54976798386369, 0.36, 0.4732142857142857, 0.4724053724053724],
        choices: [Some(0.8), Some(0.0), Some(0.0), None],
    };
    #[rustfmt::skip]
    const SET_B: Fixture = Fixture {
        s: &[0.7, 0.1, 0.2, 0.7, 0.3, 0.7, 0.2, 0.3, 0.2, 0.9, 0.4, 1.0, 0.2, 0.2, 0.9, 0.9, 0.1, 0.2, 0.5, 0.3, 0.9, 0.6, 0.5, 0.5, 0.3, 0.9, 0.9, 0.3, 0.3, 0.5, 1.0],
        y: &[false, false, false, true, false, true, false, false, false, false, false, true, false, true, true, true, false, false, true, false, true, false, true, true, true, true, false, true, true, true, true],
        roc: [&[0.0, 0.0, 0.13333333333333333, 0.2, 0.26666666666666666, 0.26666666666666666, 0.3333333333333333, 0.5333333333333333, 0.8666666666666667, 1.0], &[0.0, 0.125, 0.375, 0.5, 0.5, 0.75, 0.75, 0.9375, 1.0, 1.0], &[f64::INFINITY, 1.0, 0.9, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1]],
        roc_full: [&[0.0, 0.0, 0.13333333333333333, 0.2, 0.26666666666666666, 0.26666666666666666, 0.3333333333333333, 0.5333333333333333, 0.8666666666666667, 1.0], &[0.0, 0.125, 0.375, 0.5, 0.5, 0.75, 0.75, 0.9375, 1.0, 1.0], &[f64::INFINITY, 1.0, 0.9, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1]],
        pr: [&[0.5161290322580645, 0.5517241379310345, 0.6521739130434783, 0.7058823529411765, 0.75, 0.6666666666666666, 0.7272727272727273, 0.75, 1.0, 1.0], &[1.0, 1.0, 0.9375, 0.75, 0.75, 0.5, 0.5, 0.375, 0.125, 0.0], &[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.9, 1.0]],
        at_half: &[0.7419354838709677, 0.7416666666666667, 0.75, 0.75, 0.7333333333333333, 0.75, 0.48333333333333334],
        scalar: &[0.6052083859295977, 0.2080645161290323, 0.7708333333333334, 0.7476744582254328],
        choices: [Some(0.5), Some(0.3), Some(0.3), Some(1.0)],
    };
    #[rustfmt::skip]
    const SET_C: Fixture = Fixture {
        s: &[1.0, 1.0, 0.3333333333333333, 1.0, 0.3333333333333333, 0.0, 0.0, 0.3333333333333333, 1.0, 0.3333333333333333, 0.6666666666666666, 0.0, 0.3333333333333333, 1.0, 1.0, 1.0, 0.3333333333333333, 0.0, 0.3333333333333333, 1.0, 0.3333333333333333, 0.0, 0.6666666666666666, 0.6666666666666666, 0.3333333333333333, 1.0, 1.0, 1.0, 1.0],
        y: &[true, false, false, true, false, false, false, false, true, false, true, false, true, true, true, true, true, false, true, true, true, false, true, true, true, true, true, true, true],
        roc: [&[0.0, 0.1, 0.1, 0.5, 1.0], &[0.0, 0.5789473684210527, 0.7368421052631579, 1.0, 1.0], &[f64::INFINITY, 1.0, 0.6666666666666666, 0.3333333333333333, 0.0]],
        roc_full: [&[0.0, 0.1, 0.1, 0.5, 1.0], &[0.0, 0.5789473684210527, 0.7368421052631579, 1.0, 1.0], &[f64::INFINITY, 1.0, 0.6666666666666666, 0.3333333333333333, 0.0]],
        pr: [&[0.6551724137931034, 0.7916666666666666, 0.9333333333333333, 0.9166666666666666, 1.0], &[1.0, 1.0, 0.7368421052631579, 0.5789473684210527, 0.0], &[0.0, 0.3333333333333333, 0.6666666666666666, 1.0]],
        at_half: &[0.7931034482758621, 0.8184210526315789, 0.9333333333333333, 0.7368421052631579, 0.9, 0.8235294117647058, 0.6057576709293282],
        scalar: &[1.5301713996280983, 0.13793103448275862, 0.8763157894736842, 0.8864035087719297],
        choices: [Some(0.6666666666666666), Some(0.3333333333333333), Some(0.3333333333333333), Some(0.6666666666666666)],
    };
    #[rustfmt::skip]
    const SET_D: Fixture = Fixture {
        s: &[0.2857142857142857, 0.35714285714285715, 0.7857142857142857, 0.0, 0.35714285714285715, 0.7857142857142857, 0.5714285714285714, 0.2857142857142857, 0.35714285714285715, 0.21428571428571427, 0.9285714285714286, 0.6428571428571429, 0.5, 0.42857142857142855, 0.5714285714285714, 0.21428571428571427, 0.8571428571428571, 0.7142857142857143, 0.7142857142857143, 0.35714285714285715, 0.5, 0.5714285714285714, 0.5714285714285714, 0.42857142857142855, 0.8571428571428571, 0.35714285714285715, 1.0, 0.5714285714285714, 0.5, 0.14285714285714285],
        y: &[false, false, true, false, false, true, true, false, true, true, true, false, true, true, false, false, true, true, true, false, false, false, true, true, true, false, true, true, false, false],
        roc: [&[0.0, 0.0, 0.0, 0.0, 0.07142857142857142, 0.21428571428571427, 0.35714285714285715, 0.35714285714285715, 0.6428571428571429, 0.7857142857142857, 0.8571428571428571, 1.0], &[0.0, 0.0625, 0.125, 0.5, 0.5, 0.6875, 0.75, 0.875, 0.9375, 0.9375, 1.0, 1.0], &[f64::INFINITY, 1.0, 0.9285714285714286, 0.7142857142857143, 0.6428571428571429, 0.5714285714285714, 0.5, 0.42857142857142855, 0.35714285714285715, 0.2857142857142857, 0.21428571428571427, 0.0]],
        roc_full: [&[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.07142857142857142, 0.21428571428571427, 0.35714285714285715, 0.35714285714285715, 0.6428571428571429, 0.7857142857142857, 0.8571428571428571, 0.9285714285714286, 1.0], &[0.0, 0.0625, 0.125, 0.25, 0.375, 0.5, 0.5, 0.6875, 0.75, 0.875, 0.9375, 0.9375, 1.0, 1.0, 1.0], &[f64::INFINITY, 1.0, 0.9285714285714286, 0.8571428571428571, 0.7857142857142857, 0.7142857142857143, 0.6428571428571429, 0.5714285714285714, 0.5, 0.42857142857142855, 0.35714285714285715, 0.2857142857142857, 0.21428571428571427, 0.14285714285714285, 0.0]],
        pr: [&[0.5333333333333333, 0.5517241379310345, 0.5714285714285714, 0.5769230769230769, 0.625, 0.7368421052631579, 0.7058823529411765, 0.7857142857142857, 0.8888888888888888, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], &[1.0, 1.0, 1.0, 0.9375, 0.9375, 0.875, 0.75, 0.6875, 0.5, 0.5, 0.375, 0.25, 0.125, 0.0625, 0.0], &[0.0, 0.14285714285714285, 0.21428571428571427, 0.2857142857142857, 0.35714285714285715, 0.42857142857142855, 0.5, 0.5714285714285714, 0.6428571428571429, 0.7142857142857143, 0.7857142857142857, 0.8571428571428571, 0.9285714285714286, 1.0]],
        at_half: &[0.7, 0.6964285714285714, 0.7058823529411765, 0.75, 0.6428571428571429, 0.7272727272727273, 0.39551460591314075],
        scalar: &[0.5040143453343852, 0.1697278911564626, 0.8281249999999999, 0.8583211245024326],
        choices: [Some(0.42857142857142855), Some(0.42857142857142855), Some(0.42857142857142855), Some(0.7142857142857143)],
    };

    fn check_fixture(fx: &Fixture) {
        let r = Ranked::new(fx.s, fx.y);
        let roc = roc_curve(&r, true);
        assert_all_close(&roc.fpr, fx.roc[0]);
        assert_all_close(&roc.tpr, fx.roc[1]);
        assert_eq!(roc.thresholds, fx.roc[2]);
        let roc = roc_curve(&r, false);
        assert_all_close(&roc.fpr, fx.roc_full[0]);
        assert_all_close(&roc.tpr, fx.roc_full[1]);
        assert_eq!(roc.thresholds, fx.roc_full[2]);
        let pr = precision_recall_curve(&r);
        assert_all_close(&pr.precision, fx.pr[0]);
        assert_all_close(&pr.recall, fx.pr[1]);
        assert_eq!(pr.thresholds, fx.pr[2]);

        let pred: Vec<bool> = fx.s.iter().map(|&s| s >= 0.5).collect();
        let c = Confusion::from_predictions(fx.y, &pred, Weights::Unit);
        assert_eq!(c, Confusion::at_threshold(&r, 0.5, Weights::Unit));
        let got = c.metric_values();
        assert_all_close(&got, fx.at_half);

        let got = [
            log_loss(fx.y, fx.s, Weights::Unit),
            brier_score(fx.y, fx.s, Weights::Unit),
            r.auc(Weights::Unit),
            r.average_precision(Weights::Unit),
        ];
        assert_all_close(&got, fx.scalar);
        // The sorted layout gives the same result.
        assert_close(
            log_loss(r.positives(), r.scores(), Weights::Unit),
            fx.scalar[0],
        );
        assert_close(
            brier_score(r.positives(), r.scores(), Weights::Unit),
            fx.scalar[1],
        );

        let got = [
            youden(&r).map(|c| c.threshold),
            max_f1(&r).map(|c| c.threshold),
            for_target_recall(&r, 0.8).map(|c| c.threshold),
            for_target_precision(&r, 0.8).map(|c| c.threshold),
        ];
        assert_eq!(got, fx.choices);
        // Each choice's rates are those of its threshold.
        let (p, n) = r.class_totals(Weights::Unit);
        for ch in [youden(&r), max_f1(&r)].into_iter().flatten() {
            let c = Confusion::at_threshold(&r, ch.threshold, Weights::Unit);
            assert_eq!(ch.tpr, c.tp as f64 / p as f64);
            assert_eq!(ch.fpr, c.fp as f64 / n as f64);
            assert_eq!(ch.recall, c.recall());
            assert_eq!(ch.precision, c.precision());
            assert_eq!(ch.f1, c.f1());
            assert_eq!(ch.j, ch.tpr - ch.fpr);
        }
    }

    #[test]
    fn parity_with_sklearn_on_tied_data() {
        for fx in [&SET_A, &SET_B, &SET_C, &SET_D] {
            check_fixture(fx);
        }
    }

    #[test]
    fn golden_youden_j_values() {
        // Set D: j = (tpr - fpr)[argmax] = 0.5178571428571428; max F1 0.8 (see Fixture docs).
        let r = Ranked::new(SET_D.s, SET_D.y);
        assert_close(youden(&r).map_or(f64::NAN, |c| c.j), 0.5178571428571428);
        assert_close(max_f1(&r).map_or(f64::NAN, |c| c.f1), 0.8);
        // Set B: j 0.48333333333333334, max F1 0.7692307692307693.
        let r = Ranked::new(SET_B.s, SET_B.y);
        assert_close(youden(&r).map_or(f64::NAN, |c| c.j), 0.48333333333333334);
        assert_close(max_f1(&r).map_or(f64::NAN, |c| c.f1), 0.7692307692307693);
        // Target recall 0 takes the highest threshold; > 1 is unreachable.
        assert_eq!(for_target_recall(&r, 0.0).map(|c| c.threshold), Some(1.0));
        assert!(for_target_recall(&r, 1.5).is_none());
        assert!(for_target_precision(&r, 1.5).is_none());
    }

    fn random_set(rng: &mut Xoshiro256pp, n: usize, levels: u64) -> (Vec<f64>, Vec<bool>) {
        let s = (0..n)
            .map(|_| rng.below(levels + 1) as f64 / levels as f64)
            .collect();
        let y = (0..n).map(|_| rng.below(2) == 1).collect();
        (s, y)
    }

    #[test]
    fn auc_of_negated_scores_is_complement() {
        let mut rng = Xoshiro256pp::for_stream(11, 0);
        for _ in 0..100 {
            let n = 2 + rng.below(80) as usize;
            let (s, y) = {
                let levels = 1 + rng.below(9);
                random_set(&mut rng, n, levels)
            };
            let a = Ranked::new(&s, &y).auc(Weights::Unit);
            let neg: Vec<f64> = s.iter().map(|v| -v).collect();
            let b = Ranked::new(&neg, &y).auc(Weights::Unit);
            if a.is_nan() {
                assert!(b.is_nan());
                continue;
            }
            assert!((a + b - 1.0).abs() < 1e-12, "{a} + {b}");
            // Trapezoid under our ROC curve equals the Mann-Whitney AUC.
            let c = roc_curve(&Ranked::new(&s, &y), true);
            let trap: f64 = (1..c.fpr.len())
                .map(|i| (c.fpr[i] - c.fpr[i - 1]) * (c.tpr[i] + c.tpr[i - 1]) / 2.0)
                .sum();
            assert!((trap - a).abs() < 1e-12);
        }
    }

    fn bits(v: &[f64]) -> Vec<u64> {
        v.iter().map(|x| x.to_bits()).collect()
    }

    #[test]
    fn invariant_to_row_order() {
        let mut rng = Xoshiro256pp::for_stream(12, 0);
        for _ in 0..50 {
            let n = 1 + rng.below(60) as usize;
            let (s, y) = {
                let levels = 1 + rng.below(6);
                random_set(&mut rng, n, levels)
            };
            // Fisher-Yates shuffle.
            let mut idx: Vec<usize> = (0..n).collect();
            for i in (1..n).rev() {
                idx.swap(i, rng.below(i as u64 + 1) as usize);
            }
            let s2: Vec<f64> = idx.iter().map(|&i| s[i]).collect();
            let y2: Vec<bool> = idx.iter().map(|&i| y[i]).collect();
            let (r, r2) = (Ranked::new(&s, &y), Ranked::new(&s2, &y2));
            for drop in [true, false] {
                let (a, b) = (roc_curve(&r, drop), roc_curve(&r2, drop));
                assert_eq!(bits(&a.fpr), bits(&b.fpr));
                assert_eq!(bits(&a.tpr), bits(&b.tpr));
                assert_eq!(bits(&a.thresholds), bits(&b.thresholds));
            }
            assert_eq!(precision_recall_curve(&r), precision_recall_curve(&r2));
            assert_eq!(youden(&r), youden(&r2));
            assert_eq!(max_f1(&r), max_f1(&r2));
            assert_eq!(for_target_recall(&r, 0.7), for_target_recall(&r2, 0.7));
            assert_eq!(
                for_target_precision(&r, 0.6),
                for_target_precision(&r2, 0.6)
            );
            assert_eq!(
                Confusion::at_threshold(&r, 0.5, Weights::Unit),
                Confusion::at_threshold(&r2, 0.5, Weights::Unit)
            );
            assert!(
                (log_loss(&y, &s, Weights::Unit) - log_loss(&y2, &s2, Weights::Unit)).abs() < 1e-12
            );
            assert!(
                (brier_score(&y, &s, Weights::Unit) - brier_score(&y2, &s2, Weights::Unit)).abs()
                    < 1e-12
            );
        }
    }

    #[test]
    fn metrics_stay_in_range() {
        let mut rng = Xoshiro256pp::for_stream(13, 0);
        for _ in 0..200 {
            let n = 1 + rng.below(40) as usize;
            let (s, y) = {
                let levels = 1 + rng.below(5);
                random_set(&mut rng, n, levels)
            };
            let r = Ranked::new(&s, &y);
            let thr = rng.below(6) as f64 / 5.0;
            let c = Confusion::at_threshold(&r, thr, Weights::Unit);
            assert_eq!(c.total(), n as u64);
            let unit = |v: f64| (0.0..=1.0).contains(&v);
            for v in [
                c.accuracy(),
                c.balanced_accuracy(),
                c.precision(),
                c.recall(),
                c.specificity(),
                c.f1(),
            ] {
                assert!(unit(v), "{v} for {c:?}");
            }
            let m = c.matthews_corrcoef();
            assert!((-1.0..=1.0).contains(&m), "{m}");
            let ll = log_loss(&y, &s, Weights::Unit);
            assert!(ll >= 0.0 && ll <= -f64::EPSILON.ln() + 1e-12);
            assert!(unit(brier_score(&y, &s, Weights::Unit)));
            let roc = roc_curve(&r, true);
            let pr = precision_recall_curve(&r);
            for v in roc.fpr.iter().chain(&roc.tpr) {
                assert!(v.is_nan() || unit(*v));
            }
            for v in pr.precision.iter().chain(&pr.recall) {
                assert!(unit(*v));
            }
            assert!(roc.thresholds.windows(2).all(|w| w[0] > w[1]));
            assert!(pr.thresholds.windows(2).all(|w| w[0] < w[1]));
            for ch in [youden(&r), max_f1(&r), for_target_recall(&r, 0.5)]
                .into_iter()
                .flatten()
            {
                for v in [ch.tpr, ch.fpr, ch.precision, ch.recall, ch.f1] {
                    assert!(unit(v));
                }
                assert!((-1.0..=1.0).contains(&ch.j));
                assert!(s.contains(&ch.threshold));
            }
        }
    }

    #[test]
    fn choosers_match_brute_force() {
        let mut rng = Xoshiro256pp::for_stream(15, 0);
        for _ in 0..100 {
            let n = 2 + rng.below(40) as usize;
            let (s, y) = {
                let levels = 1 + rng.below(8);
                random_set(&mut rng, n, levels)
            };
            let r = Ranked::new(&s, &y);
            let (p, ng) = r.class_totals(Weights::Unit);
            if p == 0 || ng == 0 {
                assert!(youden(&r).is_none());
                continue;
            }
            // Distinct scores, highest first.
            let mut thr = s.clone();
            thr.sort_by(|a, b| b.total_cmp(a));
            thr.dedup();
            let conf: Vec<Confusion> = thr
                .iter()
                .map(|&t| {
                    Confusion::from_predictions(
                        &y,
                        &s.iter().map(|&v| v >= t).collect::<Vec<_>>(),
                        Weights::Unit,
                    )
                })
                .collect();
            let first_max = |key: &dyn Fn(&Confusion) -> f64| {
                let mut best = 0;
                for i in 1..conf.len() {
                    if key(&conf[i]) > key(&conf[best]) {
                        best = i;
                    }
                }
                thr[best]
            };
            let j = |c: &Confusion| c.tp as f64 / p as f64 - c.fp as f64 / ng as f64;
            assert_eq!(youden(&r).map(|c| c.threshold), Some(first_max(&j)));
            assert_eq!(
                max_f1(&r).map(|c| c.threshold),
                Some(first_max(&|c| c.f1()))
            );
            let tr = thr
                .iter()
                .zip(&conf)
                .find(|(_, c)| c.recall() >= 0.6)
                .map(|(t, _)| *t);
            assert_eq!(for_target_recall(&r, 0.6).map(|c| c.threshold), tr);
            let mut tp: Option<(f64, f64)> = None;
            for (t, c) in thr.iter().zip(&conf) {
                if c.precision() >= 0.6 && tp.is_none_or(|(_, rec)| c.recall() > rec) {
                    tp = Some((*t, c.recall()));
                }
            }
            assert_eq!(
                for_target_precision(&r, 0.6).map(|c| c.threshold),
                tp.map(|x| x.0)
            );
        }
    }

    #[test]
    fn count_weights_equal_repeated_rows() {
        let mut rng = Xoshiro256pp::for_stream(14, 0);
        for _ in 0..50 {
            let n = 1 + rng.below(40) as usize;
            let (s, y) = {
                let levels = 1 + rng.below(6);
                random_set(&mut rng, n, levels)
            };
            let r = Ranked::new(&s, &y);
            let counts: Vec<u32> = (0..n).map(|_| rng.below(4) as u32).collect();
            // Expand per sorted position.
            let (mut s2, mut y2) = (Vec::new(), Vec::new());
            for (p, &c) in counts.iter().enumerate() {
                for _ in 0..c {
                    s2.push(r.scores()[p]);
                    y2.push(r.positives()[p]);
                }
            }
            let r2 = Ranked::new(&s2, &y2);
            let w = Weights::Counts(&counts);
            for thr in [0.0, 0.3, 0.5, 1.0, f64::NEG_INFINITY, f64::INFINITY] {
                assert_eq!(
                    Confusion::at_threshold(&r, thr, w),
                    Confusion::at_threshold(&r2, thr, Weights::Unit)
                );
            }
            let pred: Vec<bool> = r.scores().iter().map(|&v| v >= 0.5).collect();
            let pred2: Vec<bool> = s2.iter().map(|&v| v >= 0.5).collect();
            assert_eq!(
                Confusion::from_predictions(r.positives(), &pred, w),
                Confusion::from_predictions(&y2, &pred2, Weights::Unit)
            );
            let (ll, ll2) = (
                log_loss(r.positives(), r.scores(), w),
                log_loss(&y2, &s2, Weights::Unit),
            );
            assert!(close(ll, ll2), "{ll} vs {ll2}");
            let (b, b2) = (
                brier_score(r.positives(), r.scores(), w),
                brier_score(&y2, &s2, Weights::Unit),
            );
            assert!(close(b, b2), "{b} vs {b2}");
            // Per-sample counts through the sorted layout.
            let per_sample: Vec<u32> = {
                let mut v = vec![0u32; n];
                for (p, &c) in counts.iter().enumerate() {
                    v[r.original_index(p)] = c;
                }
                v
            };
            let pw = Weights::Permuted {
                counts: &per_sample,
                order: r.original_indices(),
            };
            assert_eq!(
                Confusion::at_threshold(&r, 0.5, pw),
                Confusion::at_threshold(&r, 0.5, w)
            );
        }
    }
}
