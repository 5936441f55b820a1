//! Reliability bins, ECE and MCE, with scikit-learn's `calibration_curve` binning.
//!
//! # Inputs: top-label confidence and correctness
//! Every function here takes **top-label** data that the caller computes: `confidence[i]` is the
//! probability the model gave to the class it predicted (`max_k p_ik`), and `correct[i]` says
//! whether that prediction was right. For a binary model that outputs P(positive) = `p` at
//! threshold ½ that is `max(p, 1 − p)` and `[p >= ½] == y`; the caller may instead pass `p` and
//! `y` themselves to get scikit-learn's "fraction of positives" reliability curve (netcal and
//! torchmetrics do that for binary inputs, docs/design/metrics.md §4.1). Confidences must be finite and in
//! `[0, 1]` (scikit-learn raises otherwise; the caller validates).
//!
//! # Bins (scikit-learn `calibration_curve`, so every bin can be checked against it)
//! * [`Binning::Uniform`]: edges `np.linspace(0, 1, n_bins + 1)`.
//! * [`Binning::Quantile`]: edges `np.percentile(conf, np.linspace(0, 1, n_bins + 1) * 100)`
//!   (numpy's default linear, type-7, interpolation, reproduced bit for bit). Tied confidences can
//!   make edges coincide; the bins between them are then empty.
//! * Bin of a confidence `c` = `np.searchsorted(edges[1:-1], c, side='left')`, i.e. the number of
//!   interior edges **strictly below** `c`: bins are `(lo, hi]`, the first is `[0, hi]` (and takes
//!   anything below its upper edge), and `c = 1.0` falls in the last bin.
//! * Only non-empty bins are reported, as `calibration_curve` omits them.
//!
//! # Bootstrap
//! Edges are computed **once**, by [`bin_edges`] on the unweighted data, and the same edges are
//! passed to [`calibrate`] for the point estimate and for every bootstrap replicate (count
//! weights). A replicate's quantile bins are therefore not exactly equal-mass for that replicate;
//! this keeps replicates comparable and costs O(n) each.
//!
//! # Metrics
//! `ECE = Σ_b (n_b/N)·|acc_b − conf_b|` and `MCE = max_b |acc_b − conf_b|` over the non-empty bins,
//! where `acc_b` is the (weighted) fraction correct and `conf_b` the (weighted) mean confidence of
//! bin `b`.

use crate::Weights;

/// How bin edges are placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Binning {
    /// Equal-width bins on `[0, 1]` (`calibration_curve(strategy='uniform')`).
    #[default]
    Uniform,
    /// Equal-mass bins at the type-7 percentiles of the confidences
    /// (`calibration_curve(strategy='quantile')`).
    Quantile,
}

impl Binning {
    /// The scikit-learn strategy name: `"uniform"` or `"quantile"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Binning::Uniform => "uniform",
            Binning::Quantile => "quantile",
        }
    }
}

/// Calibration settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CalibrationConfig {
    /// Number of bins (`calibration_curve`'s `n_bins`). 0 is treated as 1.
    pub n_bins: usize,
    /// Edge placement.
    pub binning: Binning,
    /// Predictions with `confidence >= high_confidence` are the "high-confidence" ones (0.9 by
    /// default).
    pub high_confidence: f64,
}

impl Default for CalibrationConfig {
    /// 15 uniform bins (the usual ECE setting; scikit-learn's `calibration_curve` defaults to 5),
    /// high confidence at 0.9.
    fn default() -> Self {
        Self {
            n_bins: 15,
            binning: Binning::Uniform,
            high_confidence: 0.9,
        }
    }
}

/// One non-empty reliability bin.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bin {
    /// Lower edge (exclusive, except for the first bin).
    pub lower: f64,
    /// Upper edge (inclusive).
    pub upper: f64,
    /// Weighted number of predictions in the bin (> 0).
    pub count: u64,
    /// Weighted mean confidence (`calibration_curve`'s `prob_pred`).
    pub mean_confidence: f64,
    /// Weighted fraction correct (`calibration_curve`'s `prob_true`).
    pub accuracy: f64,
}

/// Reliability bins and summary calibration metrics.
#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    /// The non-empty bins, in increasing confidence.
    pub bins: Vec<Bin>,
    /// Expected calibration error `Σ_b (n_b/N)·|acc_b − conf_b|`; NaN when there is no data.
    pub ece: f64,
    /// Maximum calibration error `max_b |acc_b − conf_b|` over non-empty bins; NaN when there is
    /// no data.
    pub mce: f64,
    /// Weighted mean confidence over all predictions; NaN when there is no data.
    pub mean_confidence: f64,
    /// Weighted fraction correct over all predictions; NaN when there is no data.
    pub accuracy: f64,
    /// Weighted number of predictions with `confidence >= high_confidence`.
    pub high_conf_n: u64,
    /// Fraction of those that are wrong; NaN when there are none.
    pub high_conf_error_rate: f64,
}

/// numpy's `np.percentile(sorted, pct)` with the default linear method, bit for bit: `q = pct/100`,
/// virtual index `h = (n−1)·q`, and `_lerp`, which computes `a + (b−a)·γ` for `γ < ½` and
/// `b − (b−a)·(1−γ)` otherwise. NaN for empty data.
fn numpy_percentile_sorted(sorted: &[f64], pct: f64) -> f64 {
    let Some(&last) = sorted.last() else {
        return f64::NAN;
    };
    let n = sorted.len();
    let q = pct / 100.0;
    let h = (n - 1) as f64 * q;
    if h >= (n - 1) as f64 || h.is_nan() {
        return last;
    }
    if h < 0.0 {
        return sorted[0];
    }
    let lo = h.floor();
    let gamma = h - lo;
    let i = lo as usize;
    let (a, b) = (sorted[i], sorted[i + 1]);
    let diff = b - a;
    if gamma >= 0.5 {
        b - diff * (1.0 - gamma)
    } else {
        a + diff * gamma
    }
}

/// `np.linspace(0, 1, n_bins + 1)`, bit for bit: `i · (1/n_bins)`, with the last edge exactly 1.
fn unit_linspace(n_bins: usize) -> Vec<f64> {
    let step = 1.0 / n_bins as f64;
    (0..=n_bins)
        .map(|i| if i == n_bins { 1.0 } else { i as f64 * step })
        .collect()
}

/// The `n_bins + 1` bin edges of `cfg` for these confidences, exactly as scikit-learn's
/// `calibration_curve` computes them (see the module documentation). Computed from the
/// **unweighted** data, once, and reused for every bootstrap replicate. With
/// [`Binning::Quantile`] and no data, every edge is NaN.
pub fn bin_edges(confidence: &[f64], cfg: &CalibrationConfig) -> Vec<f64> {
    let q = unit_linspace(cfg.n_bins.max(1));
    match cfg.binning {
        Binning::Uniform => q,
        Binning::Quantile => {
            let mut sorted = confidence.to_vec();
            sorted.sort_by(f64::total_cmp);
            q.iter()
                .map(|&qi| numpy_percentile_sorted(&sorted, qi * 100.0))
                .collect()
        }
    }
}

/// Reliability bins, ECE/MCE and the high-confidence error rate of top-label `confidence` and
/// `correct` (see the module documentation), over the given `edges` (from [`bin_edges`]; there
/// are `edges.len() − 1` bins, and `cfg.n_bins` is not consulted here).
///
/// `w` is indexed like the slices. A bin's mean confidence is the sequential sum of
/// `confidence·weight` in sample order divided by its weighted count, which equals
/// `calibration_curve`'s `prob_pred` bit for bit for unit weights. With zero total weight the
/// bins are empty and every rate is NaN.
///
/// # Panics
/// If `confidence` and `correct` differ in length.
pub fn calibrate(
    confidence: &[f64],
    correct: &[bool],
    edges: &[f64],
    cfg: &CalibrationConfig,
    w: Weights<'_>,
) -> Calibration {
    calibrate_binned(
        confidence,
        correct,
        &bins_of(confidence, edges),
        edges,
        cfg,
        w,
    )
}

/// Each confidence's bin over `edges` (`np.searchsorted(edges[1:-1], c, side='left')`):
/// computed once for a bootstrap, whose replicates then only re-weigh the samples
/// ([`calibrate_binned`]).
pub fn bins_of(confidence: &[f64], edges: &[f64]) -> Vec<u32> {
    let interior = interior_edges(edges);
    confidence
        .iter()
        .map(|&c| bin_of(interior, c) as u32)
        .collect()
}

/// [`calibrate`] with the bins already known (`bins` from [`bins_of`] on the same `edges`): the
/// same result, bit for bit.
///
/// # Panics
/// If `confidence`, `correct` and `bins` differ in length.
pub fn calibrate_binned(
    confidence: &[f64],
    correct: &[bool],
    bins: &[u32],
    edges: &[f64],
    cfg: &CalibrationConfig,
    w: Weights<'_>,
) -> Calibration {
    assert!(
        confidence.len() == correct.len() && confidence.len() == bins.len(),
        "confidences, correctness and bins differ in length"
    );
    let mut acc = BinAccumulator::new(edges, cfg.high_confidence);
    for (i, ((&c, &ok), &b)) in confidence.iter().zip(correct).zip(bins).enumerate() {
        let wi = w.get(i);
        if wi == 0 {
            continue;
        }
        acc.add(b as usize, c, ok, wi);
    }
    acc.finish(edges)
}

/// `edges[1..n]`: the edges a confidence is compared with.
pub(crate) fn interior_edges(edges: &[f64]) -> &[f64] {
    if edges.len() >= 2 {
        &edges[1..edges.len() - 1]
    } else {
        &[]
    }
}

/// The bin of confidence `c`: `np.searchsorted(edges[1:-1], c, side='left')`, the number of
/// interior edges strictly below `c`.
#[inline]
pub(crate) fn bin_of(interior: &[f64], c: f64) -> usize {
    interior.partition_point(|&e| e < c)
}

/// Weighted per-bin sums; [`calibrate`] and the fused bootstrap kernel both fill one.
#[derive(Debug, Clone)]
pub(crate) struct BinAccumulator {
    count: Vec<u64>,
    hits: Vec<u64>,
    conf_sum: Vec<f64>,
    total: u64,
    total_hits: u64,
    total_conf: f64,
    high_confidence: f64,
    high_n: u64,
    high_wrong: u64,
}

impl BinAccumulator {
    pub(crate) fn new(edges: &[f64], high_confidence: f64) -> Self {
        let n_bins = edges.len().saturating_sub(1).max(1);
        Self {
            count: vec![0; n_bins],
            hits: vec![0; n_bins],
            conf_sum: vec![0.0; n_bins],
            total: 0,
            total_hits: 0,
            total_conf: 0.0,
            high_confidence,
            high_n: 0,
            high_wrong: 0,
        }
    }

    /// Adds a sample of confidence `c` in bin `b`, correct or not, `wi` times.
    #[inline]
    pub(crate) fn add(&mut self, b: usize, c: f64, ok: bool, wi: u64) {
        self.count[b] += wi;
        self.conf_sum[b] += c * wi as f64;
        self.total += wi;
        self.total_conf += c * wi as f64;
        if ok {
            self.hits[b] += wi;
            self.total_hits += wi;
        }
        if c >= self.high_confidence {
            self.high_n += wi;
            if !ok {
                self.high_wrong += wi;
            }
        }
    }

    pub(crate) fn finish(&self, edges: &[f64]) -> Calibration {
        let n_bins = self.count.len();
        let edge = |k: usize, default: f64| edges.get(k).copied().unwrap_or(default);
        let mut bins = Vec::new();
        let (mut ece, mut mce) = (0.0f64, 0.0f64);
        for b in 0..n_bins {
            if self.count[b] == 0 {
                continue;
            }
            let nb = self.count[b] as f64;
            let bin = Bin {
                lower: edge(b, f64::NEG_INFINITY),
                upper: edge(b + 1, f64::INFINITY),
                count: self.count[b],
                mean_confidence: self.conf_sum[b] / nb,
                accuracy: self.hits[b] as f64 / nb,
            };
            let gap = (bin.accuracy - bin.mean_confidence).abs();
            ece += nb / self.total as f64 * gap;
            mce = mce.max(gap);
            bins.push(bin);
        }
        let ratio = |num: f64, den: u64| if den == 0 { f64::NAN } else { num / den as f64 };
        let empty = self.total == 0;
        Calibration {
            bins,
            ece: if empty { f64::NAN } else { ece },
            mce: if empty { f64::NAN } else { mce },
            mean_confidence: ratio(self.total_conf, self.total),
            accuracy: ratio(self.total_hits as f64, self.total),
            high_conf_n: self.high_n,
            high_conf_error_rate: ratio(self.high_wrong as f64, self.high_n),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Xoshiro256pp;

    const TOL: f64 = 1e-12;

    #[track_caller]
    fn assert_all_close(got: &[f64], want: &[f64]) {
        assert_eq!(got.len(), want.len(), "{got:?} vs {want:?}");
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() <= TOL, "{got:?} vs {want:?}");
        }
    }

    fn cfg(binning: Binning, n_bins: usize) -> CalibrationConfig {
        CalibrationConfig {
            n_bins,
            binning,
            high_confidence: 0.9,
        }
    }

    #[test]
    fn golden_sklearn_docstring() {
        // calibration_curve([0,0,0,0,1,1,1,1,1], [0.1,0.2,0.3,0.4,0.65,0.7,0.8,0.9,1.0], n_bins=3)
        // → prob_true [0, 0.5, 1], prob_pred [0.2, 0.525, 0.85]
        let conf = [0.1, 0.2, 0.3, 0.4, 0.65, 0.7, 0.8, 0.9, 1.0];
        let ok = [false, false, false, false, true, true, true, true, true];
        let c = cfg(Binning::Uniform, 3);
        let cal = calibrate(&conf, &ok, &bin_edges(&conf, &c), &c, Weights::Unit);
        let acc: Vec<f64> = cal.bins.iter().map(|b| b.accuracy).collect();
        let mc: Vec<f64> = cal.bins.iter().map(|b| b.mean_confidence).collect();
        assert_all_close(&acc, &[0.0, 0.5, 1.0]);
        assert_all_close(&mc, &[0.2, 0.525, 0.85]);
        // ECE = (3·0.2 + 2·0.025 + 4·0.15)/9
        assert!((cal.ece - (3.0 * 0.2 + 2.0 * 0.025 + 4.0 * 0.15) / 9.0).abs() < TOL);
        assert!((cal.mce - 0.2).abs() < TOL);
        assert_eq!(cal.high_conf_n, 2);
        assert_eq!(cal.high_conf_error_rate, 0.0);
    }

    #[test]
    fn high_confidence_error_rate() {
        // 8 predictions at >= 0.9 confidence, 2 of them wrong: 25% wrong (the seed report's case).
        let conf = [0.95, 0.99, 0.9, 0.91, 0.97, 1.0, 0.93, 0.92, 0.5, 0.89];
        let ok = [
            true, false, true, true, false, true, true, true, false, false,
        ];
        let c = CalibrationConfig::default();
        let cal = calibrate(&conf, &ok, &bin_edges(&conf, &c), &c, Weights::Unit);
        assert_eq!(cal.high_conf_n, 8);
        assert_eq!(cal.high_conf_error_rate, 0.25);
        assert_eq!(cal.accuracy, 0.6);
        // None above the cut: NaN.
        let c = CalibrationConfig {
            high_confidence: 1.5,
            ..c
        };
        let cal = calibrate(&conf, &ok, &bin_edges(&conf, &c), &c, Weights::Unit);
        assert_eq!(cal.high_conf_n, 0);
        assert!(cal.high_conf_error_rate.is_nan());
    }

    #[test]
    fn empty_input_is_nan() {
        let c = cfg(Binning::Quantile, 5);
        let e = bin_edges(&[], &c);
        assert_eq!(e.len(), 6);
        assert!(e.iter().all(|v| v.is_nan()));
        let cal = calibrate(&[], &[], &e, &c, Weights::Unit);
        assert!(cal.bins.is_empty());
        assert!(cal.ece.is_nan() && cal.mce.is_nan());
        assert!(cal.mean_confidence.is_nan() && cal.accuracy.is_nan());
        // Zero total weight behaves the same.
        let u = bin_edges(&[0.5], &cfg(Binning::Uniform, 5));
        let cal = calibrate(&[0.5], &[true], &u, &c, Weights::Counts(&[0]));
        assert!(cal.bins.is_empty() && cal.ece.is_nan());
    }

    #[test]
    fn edges_and_bin_membership() {
        // np.linspace(0, 1, 6) = [0, 0.2, 0.4, 0.6000000000000001, 0.8, 1]: 0.6 falls in (0.4, 0.6…]
        let c = cfg(Binning::Uniform, 5);
        let e = bin_edges(&[], &c);
        assert_eq!(e, [0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0]);
        // Left-closed first bin, right-closed bins, 1.0 in the last bin, 0.0 in the first.
        let conf = [0.0, 0.2, 0.2000000001, 0.6, 0.8, 1.0];
        let cal = calibrate(&conf, &[true; 6], &e, &c, Weights::Unit);
        let counts: Vec<(f64, u64)> = cal.bins.iter().map(|b| (b.lower, b.count)).collect();
        assert_eq!(
            counts,
            [
                (0.0, 2),
                (0.2, 1),
                (0.4, 1),
                (0.6000000000000001, 1),
                (0.8, 1)
            ]
        );
        // n_bins = 0 is one bin.
        assert_eq!(bin_edges(&[], &cfg(Binning::Uniform, 0)), [0.0, 1.0]);
    }

    /// `conf`, `correct`, and for several settings scikit-learn's outputs.
    struct CalFixture {
        conf: &'static [f64],
        correct: &'static [bool],
        cases: &'static [Case],
    }

    /// For `strategy` and `n_bins`:
    /// * `edges`: `np.linspace(0.0, 1.0, n_bins + 1)` (uniform) or
    ///   `np.percentile(conf, np.linspace(0, 1, n_bins + 1) * 100)` (quantile), as in
    ///   `calibration_curve`;
    /// * `prob_true, prob_pred = calibration_curve(correct, conf, n_bins=n_bins, strategy=strategy)`;
    /// * `ids = np.searchsorted(edges[1:-1], conf)`; `tot = np.bincount(ids, minlength=n_bins)`;
    ///   `count = tot[tot != 0]`;
    /// * `gap = np.abs(prob_true - prob_pred)`; `ece = np.sum(count / len(conf) * gap)`;
    ///   `mce = gap.max()`.
    struct Case {
        binning: Binning,
        n_bins: usize,
        edges: &'static [f64],
        prob_true: &'static [f64],
        prob_pred: &'static [f64],
        count: &'static [u64],
        ece: f64,
        mce: f64,
    }

    // Generated with the venv's scikit-learn 1.9.1 / numpy 2.4.6, rng = np.random.default_rng(7):
    //   P: conf = np.round(rng.uniform(0.3, 1.0, 30), 1); correct = rng.random(30) < conf
    //   Q: conf = np.round(rng.uniform(0.5, 1.0, 32), 2); conf[:4] = [1.0, 1.0, 0.6, 0.8];
    //      correct = rng.random(32) < conf * 0.9
    //   R: conf = rng.beta(5, 1, 29); correct = rng.random(29) < conf
    // each case with strategy in ["uniform", "quantile"] and n_bins in [5, 10, 15].
    #[rustfmt::skip]
    const CAL_P: CalFixture = CalFixture {
        conf: &[0.7, 0.9, 0.8, 0.5, 0.5, 0.9, 0.3, 0.9, 0.9, 0.6, 0.5, 0.5, 0.5, 0.6, 0.7, 0.7, 1.0, 0.9, 0.7, 1.0, 0.5, 0.4, 0.7, 0.3, 0.3, 0.7, 0.6, 0.9, 0.7, 0.7],
        correct: &[true, true, true, true, false, true, false, true, true, true, true, false, false, false, true, false, true, true, true, true, true, false, true, false, false, true, false, true, false, true],
        cases: &[
            Case { binning: Binning::Uniform, n_bins: 5, edges: &[0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0], prob_true: &[0.0, 0.4444444444444444, 0.7777777777777778, 1.0], prob_pred: &[0.325, 0.5333333333333333, 0.7111111111111112, 0.925], count: &[4, 9, 9, 8], ece: 0.10999999999999996, mce: 0.325 },
            Case { binning: Binning::Uniform, n_bins: 10, edges: &[0.0, 0.1, 0.2, 0.30000000000000004, 0.4, 0.5, 0.6000000000000001, 0.7000000000000001, 0.8, 0.9, 1.0], prob_true: &[0.0, 0.0, 0.5, 0.3333333333333333, 0.75, 1.0, 1.0, 1.0], prob_pred: &[0.3, 0.4, 0.5, 0.6, 0.7000000000000001, 0.8, 0.9, 1.0], count: &[3, 1, 6, 3, 8, 1, 6, 2], ece: 0.10999999999999999, mce: 0.4 },
            Case { binning: Binning::Uniform, n_bins: 15, edges: &[0.0, 0.06666666666666667, 0.13333333333333333, 0.2, 0.26666666666666666, 0.3333333333333333, 0.4, 0.4666666666666667, 0.5333333333333333, 0.6, 0.6666666666666666, 0.7333333333333333, 0.8, 0.8666666666666667, 0.9333333333333333, 1.0], prob_true: &[0.0, 0.0, 0.5, 0.3333333333333333, 0.75, 1.0, 1.0, 1.0], prob_pred: &[0.3, 0.4, 0.5, 0.6, 0.7000000000000001, 0.8, 0.9, 1.0], count: &[3, 1, 6, 3, 8, 1, 6, 2], ece: 0.10999999999999999, mce: 0.4 },
            Case { binning: Binning::Quantile, n_bins: 5, edges: &[0.3, 0.5, 0.6, 0.7, 0.9, 1.0], prob_true: &[0.3, 0.3333333333333333, 0.75, 1.0, 1.0], prob_pred: &[0.43, 0.6, 0.7000000000000001, 0.8857142857142859, 1.0], count: &[10, 3, 8, 7, 2], ece: 0.10999999999999993, mce: 0.26666666666666666 },
            Case { binning: Binning::Quantile, n_bins: 10, edges: &[0.3, 0.39000000000000007, 0.5, 0.5, 0.6, 0.7, 0.7, 0.7299999999999996, 0.9, 0.9, 1.0], prob_true: &[0.0, 0.42857142857142855, 0.3333333333333333, 0.75, 1.0, 1.0], prob_pred: &[0.3, 0.4857142857142857, 0.6, 0.7000000000000001, 0.8857142857142859, 1.0], count: &[3, 7, 3, 8, 7, 2], ece: 0.10999999999999993, mce: 0.3 },
            Case { binning: Binning::Quantile, n_bins: 15, edges: &[0.3, 0.3, 0.4866666666666667, 0.5, 0.5, 0.5666666666666664, 0.6, 0.7, 0.7, 0.7, 0.7, 0.8266666666666667, 0.9, 0.9, 0.9066666666666663, 1.0], prob_true: &[0.0, 0.0, 0.5, 0.3333333333333333, 0.75, 1.0, 1.0, 1.0], prob_pred: &[0.3, 0.4, 0.5, 0.6, 0.7000000000000001, 0.8, 0.9, 1.0], count: &[3, 1, 6, 3, 8, 1, 6, 2], ece: 0.10999999999999999, mce: 0.4 },
        ],
    };
    #[rustfmt::skip]
    const CAL_Q: CalFixture = CalFixture {
        conf: &[1.0, 1.0, 0.6, 0.8, 0.72, 0.62, 0.7, 0.55, 0.98, 0.61, 0.84, 0.65, 0.94, 0.83, 0.57, 0.92, 0.97, 0.95, 0.78, 0.57, 0.6, 0.96, 0.78, 0.59, 0.94, 0.82, 0.78, 0.69, 0.71, 0.62, 0.52, 0.94],
        correct: &[true, true, true, false, true, true, true, true, false, false, true, true, false, true, false, true, true, true, false, false, true, false, true, false, true, true, true, false, true, false, false, true],
        cases: &[
            Case { binning: Binning::Uniform, n_bins: 5, edges: &[0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0], prob_true: &[0.42857142857142855, 0.5833333333333334, 0.7692307692307693], prob_pred: &[0.5714285714285714, 0.7050000000000001, 0.9299999999999999], count: &[7, 12, 13], ece: 0.14218749999999997, mce: 0.16076923076923066 },
            Case { binning: Binning::Uniform, n_bins: 10, edges: &[0.0, 0.1, 0.2, 0.30000000000000004, 0.4, 0.5, 0.6000000000000001, 0.7000000000000001, 0.8, 0.9, 1.0], prob_true: &[0.42857142857142855, 0.5, 0.6666666666666666, 1.0, 0.7], prob_pred: &[0.5714285714285714, 0.6483333333333333, 0.7616666666666667, 0.83, 0.96], count: &[7, 6, 6, 3, 10], ece: 0.1740625, mce: 0.26 },
            Case { binning: Binning::Uniform, n_bins: 15, edges: &[0.0, 0.06666666666666667, 0.13333333333333333, 0.2, 0.26666666666666666, 0.3333333333333333, 0.4, 0.4666666666666667, 0.5333333333333333, 0.6, 0.6666666666666666, 0.7333333333333333, 0.8, 0.8666666666666667, 0.9333333333333333, 1.0], prob_true: &[0.0, 0.5, 0.5, 0.75, 0.5, 1.0, 1.0, 0.6666666666666666], prob_pred: &[0.52, 0.58, 0.625, 0.705, 0.7850000000000001, 0.83, 0.92, 0.9644444444444444], count: &[1, 6, 4, 4, 4, 3, 1, 9], ece: 0.19031250000000002, mce: 0.52 },
            Case { binning: Binning::Quantile, n_bins: 5, edges: &[0.52, 0.602, 0.704, 0.812, 0.94, 1.0], prob_true: &[0.42857142857142855, 0.5, 0.6666666666666666, 0.8571428571428571, 0.6666666666666666], prob_pred: &[0.5714285714285714, 0.6483333333333333, 0.7616666666666667, 0.89, 0.9766666666666667], count: &[7, 6, 6, 7, 6], ece: 0.14218750000000002, mce: 0.31000000000000005 },
            Case { binning: Binning::Quantile, n_bins: 10, edges: &[0.52, 0.572, 0.602, 0.629, 0.704, 0.78, 0.812, 0.8959999999999999, 0.94, 0.969, 1.0], prob_true: &[0.25, 0.6666666666666666, 0.3333333333333333, 0.6666666666666666, 0.8, 0.0, 1.0, 0.75, 0.5, 0.75], prob_pred: &[0.5525, 0.5966666666666667, 0.6166666666666667, 0.68, 0.7540000000000001, 0.8, 0.83, 0.9349999999999999, 0.955, 0.9875], count: &[4, 3, 3, 3, 5, 1, 3, 4, 2, 4], ece: 0.2015625, mce: 0.8 },
            Case { binning: Binning::Quantile, n_bins: 15, edges: &[0.52, 0.57, 0.5913333333333333, 0.602, 0.62, 0.6633333333333332, 0.704, 0.7479999999999999, 0.78, 0.8119999999999999, 0.8366666666666666, 0.9346666666666665, 0.94, 0.9586666666666667, 0.9793333333333333, 1.0], prob_true: &[0.25, 0.0, 1.0, 0.3333333333333333, 1.0, 0.5, 1.0, 0.6666666666666666, 0.0, 1.0, 1.0, 0.6666666666666666, 1.0, 0.5, 0.6666666666666666], prob_pred: &[0.5525, 0.59, 0.6, 0.6166666666666667, 0.65, 0.695, 0.715, 0.7799999999999999, 0.8, 0.825, 0.88, 0.94, 0.95, 0.965, 0.9933333333333333], count: &[4, 1, 2, 3, 1, 2, 2, 3, 1, 2, 2, 3, 1, 2, 3], ece: 0.28968750000000004, mce: 0.8 },
        ],
    };
    #[rustfmt::skip]
    const CAL_R: CalFixture = CalFixture {
        conf: &[0.8901103024883762, 0.7189785264736478, 0.9156980724093757, 0.900671449588806, 0.8723213556946272, 0.9455326188028239, 0.8412510658328529, 0.8627023195131511, 0.9006859973390365, 0.5536370718418903, 0.8876204115740929, 0.9524115655829538, 0.9175045106702026, 0.7768508258512304, 0.8274278109091775, 0.9108338974483987, 0.9039993943403061, 0.8878664817019857, 0.8575610377314542, 0.6785955522593559, 0.9955878562683057, 0.9872583134357821, 0.9176523376108517, 0.9960001734557349, 0.8412463315036289, 0.9080082364129689, 0.9705506307230938, 0.8727563789803521, 0.9565826248782032],
        correct: &[true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, false, true, true, true, true, true, true, true, false, true],
        cases: &[
            Case { binning: Binning::Uniform, n_bins: 5, edges: &[0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0], prob_true: &[1.0, 0.6666666666666666, 0.96], prob_pred: &[0.5536370718418903, 0.7248083015280781, 0.9087936469958616], count: &[1, 3, 25], ece: 0.06554988475330353, mce: 0.44636292815810974 },
            Case { binning: Binning::Uniform, n_bins: 10, edges: &[0.0, 0.1, 0.2, 0.30000000000000004, 0.4, 0.5, 0.6000000000000001, 0.7000000000000001, 0.8, 0.9, 1.0], prob_true: &[1.0, 0.0, 1.0, 0.9, 1.0], prob_pred: &[0.5536370718418903, 0.6785955522593559, 0.7479146761624391, 0.8640863495929698, 0.9385985119311229], count: &[1, 1, 2, 10, 15], ece: 0.10032027424813952, mce: 0.6785955522593559 },
            Case { binning: Binning::Uniform, n_bins: 15, edges: &[0.0, 0.06666666666666667, 0.13333333333333333, 0.2, 0.26666666666666666, 0.3333333333333333, 0.4, 0.4666666666666667, 0.5333333333333333, 0.6, 0.6666666666666666, 0.7333333333333333, 0.8, 0.8666666666666667, 0.9333333333333333, 1.0], prob_true: &[1.0, 0.5, 1.0, 1.0, 0.9230769230769231, 1.0], prob_pred: &[0.5536370718418903, 0.6987870393665019, 0.7768508258512304, 0.8460377130980529, 0.8989022174045675, 0.9719891118781281], count: &[1, 2, 1, 5, 13, 7], ece: 0.08093948297046015, mce: 0.44636292815810974 },
            Case { binning: Binning::Quantile, n_bins: 5, edges: &[0.5536370718418903, 0.8412491721011633, 0.8876696255996714, 0.9072064679984364, 0.9482841975148759, 0.9960001734557349], prob_true: &[0.8333333333333334, 0.8333333333333334, 1.0, 1.0, 1.0], prob_pred: &[0.7327893531398219, 0.8657020948877551, 0.896666725091702, 0.9192049455591036, 0.9763985273906789], count: &[6, 6, 5, 6, 6], ece: 0.06691455128725499, mce: 0.10333327490829802 },
            Case { binning: Binning::Quantile, n_bins: 10, edges: &[0.5536370718418903, 0.7652763659757139, 0.8412491721011633, 0.8665499339857415, 0.8876696255996714, 0.900671449588806, 0.9072064679984364, 0.9167819353658718, 0.9482841975148759, 0.9738921672656314, 0.9960001734557349], prob_true: &[0.6666666666666666, 1.0, 1.0, 0.6666666666666666, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], prob_pred: &[0.650403716858298, 0.8151749894213456, 0.8538381410258195, 0.8775660487496907, 0.8928827445930559, 0.9023426958396713, 0.9115134020902479, 0.9268964890279593, 0.9598482737280835, 0.9929487810532742], count: &[3, 3, 3, 3, 3, 2, 3, 3, 3, 3], ece: 0.09715493590260268, mce: 0.21089938208302406 },
            Case { binning: Binning::Quantile, n_bins: 15, edges: &[0.5536370718418903, 0.7135941299117422, 0.8139406148937249, 0.8412491721011633, 0.8599603025629128, 0.8724663634565355, 0.8876696255996714, 0.8908143789617382, 0.9006850274890211, 0.9072064679984363, 0.9140766807557167, 0.9175833517052154, 0.9482841975148759, 0.9603074264368406, 0.9883689191467852, 0.9960001734557349], prob_true: &[0.5, 1.0, 1.0, 1.0, 1.0, 0.5, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], prob_pred: &[0.616116312050623, 0.7479146761624391, 0.8343370712064032, 0.8494060517821536, 0.8675118376038892, 0.8801883952772225, 0.8889883920951809, 0.900671449588806, 0.9023426958396713, 0.9094210669306838, 0.9166012915397892, 0.9315924782068379, 0.9544970952305785, 0.978904472079438, 0.9957940148620203], count: &[2, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 2], ece: 0.12197640268926604, mce: 0.3801883952772225 },
        ],
    };

    #[test]
    fn parity_with_sklearn_calibration_curve() {
        for fx in [&CAL_P, &CAL_Q, &CAL_R] {
            for case in fx.cases {
                let c = cfg(case.binning, case.n_bins);
                let edges = bin_edges(fx.conf, &c);
                // Edges bit for bit (numpy linspace / percentile).
                assert_eq!(edges, case.edges, "{:?} {}", case.binning, case.n_bins);
                let cal = calibrate(fx.conf, fx.correct, &edges, &c, Weights::Unit);
                let acc: Vec<f64> = cal.bins.iter().map(|b| b.accuracy).collect();
                let mc: Vec<f64> = cal.bins.iter().map(|b| b.mean_confidence).collect();
                let cnt: Vec<u64> = cal.bins.iter().map(|b| b.count).collect();
                assert_all_close(&acc, case.prob_true);
                assert_all_close(&mc, case.prob_pred);
                assert_eq!(cnt, case.count);
                assert!(
                    (cal.ece - case.ece).abs() < TOL,
                    "{} vs {}",
                    cal.ece,
                    case.ece
                );
                assert!((cal.mce - case.mce).abs() < TOL);
                for b in &cal.bins {
                    assert!(b.lower <= b.upper);
                    // A bin's mean may leave it by rounding: seven 0.7s average to
                    // 0.7000000000000001 (sklearn's prob_pred too).
                    assert!(
                        b.mean_confidence >= b.lower - TOL && b.mean_confidence <= b.upper + TOL
                    );
                }
            }
        }
    }

    fn random_set(rng: &mut Xoshiro256pp, n: usize) -> (Vec<f64>, Vec<bool>) {
        // Confidences on a coarse grid (heavy ties, values on edges), correct with prob ≈ conf.
        let conf: Vec<f64> = (0..n).map(|_| rng.below(21) as f64 / 20.0).collect();
        let ok = conf.iter().map(|&c| rng.next_f64() < c).collect();
        (conf, ok)
    }

    #[test]
    fn count_weights_equal_repeated_rows() {
        let mut rng = Xoshiro256pp::for_stream(21, 0);
        for round in 0..60 {
            let n = 1 + rng.below(50) as usize;
            let (conf, ok) = random_set(&mut rng, n);
            let counts: Vec<u32> = (0..n).map(|_| rng.below(4) as u32).collect();
            let (mut c2, mut o2) = (Vec::new(), Vec::new());
            for i in 0..n {
                for _ in 0..counts[i] {
                    c2.push(conf[i]);
                    o2.push(ok[i]);
                }
            }
            let binning = if round % 2 == 0 {
                Binning::Uniform
            } else {
                Binning::Quantile
            };
            let c = cfg(binning, 1 + rng.below(12) as usize);
            let edges = bin_edges(&conf, &c);
            let a = calibrate(&conf, &ok, &edges, &c, Weights::Counts(&counts));
            let b = calibrate(&c2, &o2, &edges, &c, Weights::Unit);
            assert_eq!(a.bins.len(), b.bins.len());
            for (x, y) in a.bins.iter().zip(&b.bins) {
                assert_eq!((x.lower, x.upper, x.count), (y.lower, y.upper, y.count));
                assert_eq!(x.accuracy, y.accuracy);
                assert!((x.mean_confidence - y.mean_confidence).abs() < TOL);
            }
            if a.ece.is_nan() {
                assert!(b.ece.is_nan());
                continue;
            }
            assert!((a.ece - b.ece).abs() < TOL);
            assert!((a.mce - b.mce).abs() < TOL);
            assert!((a.mean_confidence - b.mean_confidence).abs() < TOL);
            assert_eq!(a.accuracy, b.accuracy);
            assert_eq!(a.high_conf_n, b.high_conf_n);
            assert!(
                a.high_conf_error_rate == b.high_conf_error_rate
                    || (a.high_conf_error_rate.is_nan() && b.high_conf_error_rate.is_nan())
            );
        }
    }

    #[test]
    fn ranges_and_row_order() {
        let mut rng = Xoshiro256pp::for_stream(22, 0);
        for round in 0..100 {
            let n = 1 + rng.below(60) as usize;
            let (conf, ok) = random_set(&mut rng, n);
            let binning = if round % 2 == 0 {
                Binning::Uniform
            } else {
                Binning::Quantile
            };
            let c = cfg(binning, 1 + rng.below(15) as usize);
            let edges = bin_edges(&conf, &c);
            assert_eq!(edges.len(), c.n_bins + 1);
            assert!(edges.windows(2).all(|w| w[0] <= w[1]));
            let cal = calibrate(&conf, &ok, &edges, &c, Weights::Unit);
            assert_eq!(cal.bins.iter().map(|b| b.count).sum::<u64>(), n as u64);
            assert!((0.0..=1.0).contains(&cal.ece));
            assert!((0.0..=1.0).contains(&cal.mce));
            assert!(cal.ece <= cal.mce + TOL);
            assert!((0.0..=1.0).contains(&cal.mean_confidence));
            assert!((0.0..=1.0).contains(&cal.accuracy));
            assert!(cal.high_conf_n <= n as u64);
            for b in &cal.bins {
                assert!((0.0..=1.0).contains(&b.accuracy));
                assert!(b.mean_confidence >= b.lower - TOL && b.mean_confidence <= b.upper + TOL);
            }
            // Reversing the rows changes nothing but summation order.
            let rc: Vec<f64> = conf.iter().rev().copied().collect();
            let ro: Vec<bool> = ok.iter().rev().copied().collect();
            assert_eq!(bin_edges(&rc, &c), edges);
            let cal2 = calibrate(&rc, &ro, &edges, &c, Weights::Unit);
            assert_eq!(cal.bins.len(), cal2.bins.len());
            assert!((cal.ece - cal2.ece).abs() < TOL);
            assert!((cal.mce - cal2.mce).abs() < TOL);
        }
    }
}
