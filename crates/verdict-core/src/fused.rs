//! Every binary scalar metric of one (re)sample in a single pass over the sorted layout.
//!
//! Why: a bootstrap recomputes a dozen metrics a thousand times. Computed one by one, each metric
//! walks the data again (confusion counts, AUC, AP, log loss, Brier, calibration bins); here one
//! walk over the positions of a [`Ranked`] fills every accumulator, and samples drawn zero times
//! are skipped. The per-sample terms (log loss, Brier, calibration bin) are computed once in
//! [`BinaryKernel::new`].
//!
//! The definitions are exactly those of [`crate::binary`], [`crate::ranking`] and
//! [`crate::calibration`] (the tests check equality with them on random count weights); this
//! module only changes the order of work.

use crate::Weights;
use crate::binary::{self, Confusion};
use crate::calibration::{self, BinAccumulator, Calibration, CalibrationConfig};
use crate::ranking::Ranked;
use crate::stats::Neumaier;

/// Per-sample terms for probabilistic scores, in sorted order.
#[derive(Debug, Clone)]
struct ProbTerms {
    /// Log-loss and doubled Brier terms per sample, stored when many passes will read them.
    terms: Option<(Vec<f64>, Vec<f64>)>,
    bin: Vec<u16>,
    confidence: Vec<f64>,
    correct: Vec<bool>,
    edges: Vec<f64>,
    high_confidence: f64,
}

/// The prepared data of a binary evaluation; see the module docs.
#[derive(Debug, Clone)]
pub struct BinaryKernel {
    ranked: Ranked,
    /// Positions `< cut` are predicted positive (`score >= threshold`).
    cut: usize,
    prob: Option<ProbTerms>,
}

/// The scalar metrics of one (re)sample.
#[derive(Debug, Clone, PartialEq)]
pub struct BinaryScalars {
    /// Confusion counts at the threshold.
    pub confusion: Confusion,
    /// ROC AUC (NaN with a single class).
    pub roc_auc: f64,
    /// Average precision.
    pub average_precision: f64,
    /// Log loss, when the scores are probabilities.
    pub log_loss: Option<f64>,
    /// Brier score, when the scores are probabilities.
    pub brier_score: Option<f64>,
    /// Top-label calibration, when the scores are probabilities.
    pub calibration: Option<Calibration>,
}

impl BinaryKernel {
    /// Prepares `ranked` for the decision `score >= threshold`. With `calibration`, the scores
    /// are probabilities: log loss, Brier and top-label calibration (confidence `max(p, 1−p)`,
    /// correct iff `(p >= 0.5) == positive`) are computed too, with bin edges from the unweighted
    /// data (see [`calibration::bin_edges`]). `repeated` says many passes will follow (a
    /// bootstrap): then the logarithms are computed once and stored, else on the fly.
    pub fn new(
        ranked: Ranked,
        threshold: f64,
        calibration: Option<&CalibrationConfig>,
        repeated: bool,
    ) -> Self {
        let cut = ranked.scores().partition_point(|&s| s >= threshold);
        let prob = calibration.map(|cfg| {
            let (confidence, correct): (Vec<f64>, Vec<bool>) = ranked
                .scores()
                .iter()
                .zip(ranked.positives())
                .map(|(&p, &pos)| (p.max(1.0 - p), (p >= 0.5) == pos))
                .unzip();
            let edges = calibration::bin_edges(&confidence, cfg);
            let interior = calibration::interior_edges(&edges);
            let bin = confidence
                .iter()
                .map(|&c| calibration::bin_of(interior, c) as u16)
                .collect();
            let terms = repeated.then(|| {
                ranked
                    .scores()
                    .iter()
                    .zip(ranked.positives())
                    .map(|(&p, &pos)| (binary::log_loss_term(pos, p), binary::brier_term2(pos, p)))
                    .unzip()
            });
            ProbTerms {
                terms,
                bin,
                confidence,
                correct,
                edges,
                high_confidence: cfg.high_confidence,
            }
        });
        Self { ranked, cut, prob }
    }

    /// Positions `< cut()` are predicted positive.
    pub fn cut(&self) -> usize {
        self.cut
    }

    /// The sorted data.
    pub fn ranked(&self) -> &Ranked {
        &self.ranked
    }

    /// Top-label confidence and correctness in sorted order (empty without probabilities).
    pub fn confidence(&self) -> (&[f64], &[bool]) {
        self.prob
            .as_ref()
            .map_or((&[], &[]), |p| (&p.confidence, &p.correct))
    }

    /// Every scalar metric under count weights indexed by sorted position.
    pub fn compute(&self, w: Weights<'_>) -> BinaryScalars {
        let pos = self.ranked.positives();
        let mut acc = self
            .prob
            .as_ref()
            .map(|p| BinAccumulator::new(&p.edges, p.high_confidence));
        let (mut loss, mut brier) = (Neumaier::default(), Neumaier::default());
        // Confusion counts at the threshold.
        let (mut tp_cut, mut fp_cut) = (0u64, 0u64);
        // AUC: doubled wins; AP: sum over tie groups.
        let (mut wins2, mut tp, mut fp) = (0u128, 0u64, 0u64);
        // AP·P = Σ_g tp_g·precision_g, divided by P at the end.
        let mut ap_sum = 0.0f64;
        let mut start = 0usize;
        for &end in self.ranked.group_ends() {
            let end = end as usize;
            let (mut tp_g, mut fp_g) = (0u64, 0u64);
            for p in start..end {
                let wi = w.get(p);
                if wi == 0 {
                    continue;
                }
                if pos[p] {
                    tp_g += wi;
                } else {
                    fp_g += wi;
                }
                if let (Some(a), Some(t)) = (acc.as_mut(), self.prob.as_ref()) {
                    a.add(usize::from(t.bin[p]), t.confidence[p], t.correct[p], wi);
                    let (l, b) = match &t.terms {
                        Some((l, b)) => (l[p], b[p]),
                        None => {
                            let s = self.ranked.scores()[p];
                            (
                                binary::log_loss_term(pos[p], s),
                                binary::brier_term2(pos[p], s),
                            )
                        }
                    };
                    loss.add(l * wi as f64);
                    brier.add(b * wi as f64);
                }
            }
            wins2 += 2 * u128::from(tp) * u128::from(fp_g) + u128::from(tp_g) * u128::from(fp_g);
            tp += tp_g;
            fp += fp_g;
            if tp_g > 0 {
                ap_sum += tp_g as f64 * (tp as f64 / (tp + fp) as f64);
            }
            // The cut is always at a group boundary (a tie is on one side of any threshold).
            if end <= self.cut {
                tp_cut = tp;
                fp_cut = fp;
            }
            start = end;
        }
        let confusion = Confusion {
            tp: tp_cut,
            fp: fp_cut,
            tn: fp - fp_cut,
            fn_: tp - tp_cut,
        };
        let roc_auc = if tp == 0 || fp == 0 {
            f64::NAN
        } else {
            wins2 as f64 / (2 * u128::from(tp) * u128::from(fp)) as f64
        };
        let average_precision = if tp == 0 {
            0.0
        } else {
            (ap_sum / tp as f64).max(0.0)
        };
        let n = tp + fp;
        let mean = |s: Neumaier| {
            if n == 0 {
                f64::NAN
            } else {
                s.total() / n as f64
            }
        };
        BinaryScalars {
            confusion,
            roc_auc,
            average_precision,
            log_loss: self.prob.as_ref().map(|_| mean(loss)),
            brier_score: self.prob.as_ref().map(|_| mean(brier) * 0.5),
            calibration: acc.zip(self.prob.as_ref()).map(|(a, t)| a.finish(&t.edges)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calibration::Binning;
    use crate::rng::Xoshiro256pp;

    fn close(a: f64, b: f64) -> bool {
        (a.is_nan() && b.is_nan()) || (a - b).abs() <= 1e-12
    }

    /// The fused pass equals the metric-by-metric definitions for random data with ties and
    /// random count weights (including zero counts).
    #[test]
    fn fused_equals_separate_metrics() {
        let mut rng = Xoshiro256pp::for_stream(11, 0);
        for case in 0..200 {
            let n = 1 + rng.below(80) as usize;
            let levels = 1 + rng.below(12);
            let s: Vec<f64> = (0..n)
                .map(|_| rng.below(levels + 1) as f64 / levels as f64)
                .collect();
            let y: Vec<bool> = (0..n).map(|_| rng.below(3) > 0).collect();
            let r = Ranked::new(&s, &y);
            let cfg = CalibrationConfig {
                n_bins: 1 + rng.below(15) as usize,
                binning: if case % 2 == 0 {
                    Binning::Uniform
                } else {
                    Binning::Quantile
                },
                high_confidence: 0.9,
            };
            let thr = [0.5, 0.3, 0.0, 1.0][case % 4];
            let k = BinaryKernel::new(r.clone(), thr, Some(&cfg), case % 3 == 0);
            let counts: Vec<u32> = (0..n).map(|_| rng.below(4) as u32).collect();
            for w in [Weights::Unit, Weights::Counts(&counts)] {
                let got = k.compute(w);
                assert_eq!(
                    got.confusion,
                    Confusion::at_threshold(&r, thr, w),
                    "case {case}"
                );
                assert!(close(got.roc_auc, r.auc(w)), "case {case}: auc");
                assert!(
                    close(got.average_precision, r.average_precision(w)),
                    "case {case}: ap"
                );
                let ll = binary::log_loss(r.positives(), r.scores(), w);
                assert!(
                    close(got.log_loss.unwrap_or(f64::NAN), ll),
                    "case {case}: log loss"
                );
                let br = binary::brier_score(r.positives(), r.scores(), w);
                assert!(
                    close(got.brier_score.unwrap_or(f64::NAN), br),
                    "case {case}: brier"
                );
                let (conf, correct) = k.confidence();
                let edges = calibration::bin_edges(conf, &cfg);
                let want = calibration::calibrate(conf, correct, &edges, &cfg, w);
                let cal = got
                    .calibration
                    .clone()
                    .unwrap_or_else(|| panic!("case {case}: no calibration"));
                assert!(
                    close(cal.ece, want.ece) && close(cal.mce, want.mce),
                    "case {case}: calibration"
                );
                assert_eq!(cal.bins.len(), want.bins.len());
            }
        }
    }
}
