//! The one sort that every threshold-free metric needs.
//!
//! [`Ranked`] holds the samples sorted by score, **descending**, with ties kept together as one
//! *tie group*. Every distinct score is one threshold (positive iff `score >= threshold`), so the order
//! inside a tie never changes a result (scikit-learn's `_binary_clf_curve`). Within a tie the samples
//! are kept in their original order, so the layout itself is deterministic.
//!
//! Weighted metrics take [`Weights`] indexed by **sorted position** (`Weights::Counts(c)`, `c[p]` for
//! the sample at position `p`); [`Ranked::original_index`] maps a position back to its sample, so
//! callers can translate per-sample or per-group weights once per replicate.

use crate::Weights;
use rayon::prelude::*;

/// Samples sorted by descending score, with tie groups.
#[derive(Debug, Clone)]
pub struct Ranked {
    score: Vec<f64>,
    positive: Vec<bool>,
    original: Vec<u32>,
    /// Exclusive end position of each tie group, ascending; the last equals `len`.
    group_end: Vec<u32>,
}

/// Cumulative weighted counts at the end of one tie group: the confusion counts of the rule
/// `score >= threshold`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ThresholdCounts {
    /// The threshold: the score of the tie group.
    pub threshold: f64,
    /// Weighted true positives at this threshold.
    pub tp: u64,
    /// Weighted false positives at this threshold.
    pub fp: u64,
}

impl Ranked {
    /// Sorts `scores` (all finite; the caller validates) descending. `positive[i]` says whether sample
    /// `i` belongs to the positive class. Above 100,000 rows the sort runs in parallel; the result is
    /// the same either way.
    ///
    /// # Panics
    /// If the slices differ in length or hold more than `u32::MAX` samples.
    pub fn new(scores: &[f64], positive: &[bool]) -> Self {
        assert_eq!(
            scores.len(),
            positive.len(),
            "scores and labels differ in length"
        );
        let n = u32::try_from(scores.len()).expect("at most u32::MAX samples");
        let mut keyed: Vec<(f64, u32)> = scores.iter().copied().zip(0..n).collect();
        // Descending score, then ascending original index: a total order, so an unstable sort is
        // deterministic and equals a stable descending sort.
        let cmp = |a: &(f64, u32), b: &(f64, u32)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
        if keyed.len() > 100_000 {
            keyed.par_sort_unstable_by(cmp);
        } else {
            keyed.sort_unstable_by(cmp);
        }
        let score: Vec<f64> = keyed.iter().map(|k| k.0).collect();
        let original: Vec<u32> = keyed.iter().map(|k| k.1).collect();
        let positive: Vec<bool> = original.iter().map(|&i| positive[i as usize]).collect();
        let mut group_end = Vec::new();
        for p in 1..score.len() {
            // `!=` (not total_cmp) so that -0.0 and 0.0 form one tie, as in numpy.
            if score[p] != score[p - 1] {
                group_end.push(p as u32);
            }
        }
        if !score.is_empty() {
            group_end.push(n);
        }
        Self {
            score,
            positive,
            original,
            group_end,
        }
    }

    /// Number of samples.
    pub fn len(&self) -> usize {
        self.score.len()
    }

    /// True when there are no samples.
    pub fn is_empty(&self) -> bool {
        self.score.is_empty()
    }

    /// Scores in sorted (descending) order.
    pub fn scores(&self) -> &[f64] {
        &self.score
    }

    /// Positive flags in sorted order.
    pub fn positives(&self) -> &[bool] {
        &self.positive
    }

    /// The original sample index of sorted position `p`.
    pub fn original_index(&self, p: usize) -> usize {
        self.original[p] as usize
    }

    /// Original sample indices in sorted order.
    pub fn original_indices(&self) -> &[u32] {
        &self.original
    }

    /// Exclusive end positions of the tie groups.
    pub fn group_ends(&self) -> &[u32] {
        &self.group_end
    }

    /// Weighted (positives, negatives).
    pub fn class_totals(&self, w: Weights<'_>) -> (u64, u64) {
        let (mut p, mut n) = (0u64, 0u64);
        for (i, &pos) in self.positive.iter().enumerate() {
            let wi = w.get(i);
            if pos {
                p += wi;
            } else {
                n += wi;
            }
        }
        (p, n)
    }

    /// Cumulative (tp, fp) at the end of every tie group, i.e. at every distinct threshold, highest
    /// first. Groups whose weight is entirely zero are still listed (their counts repeat).
    pub fn threshold_counts(&self, w: Weights<'_>) -> Vec<ThresholdCounts> {
        let mut out = Vec::with_capacity(self.group_end.len());
        let (mut tp, mut fp) = (0u64, 0u64);
        let mut start = 0usize;
        for &end in &self.group_end {
            let end = end as usize;
            for p in start..end {
                let wi = w.get(p);
                if self.positive[p] {
                    tp += wi;
                } else {
                    fp += wi;
                }
            }
            out.push(ThresholdCounts {
                threshold: self.score[start],
                tp,
                fp,
            });
            start = end;
        }
        out
    }

    /// ROC AUC = Mann-Whitney U / (P·N), each tied (positive, negative) pair counting ½.
    ///
    /// Computed exactly in integers as `2·#(pos > neg) + #(pos = neg)` over `2·P·N`, then divided once
    /// in f64; scikit-learn's trapezoid agrees to about 1e-16. Returns NaN when either class has zero
    /// weight (scikit-learn 1.9 returns NaN with an `UndefinedMetricWarning`).
    pub fn auc(&self, w: Weights<'_>) -> f64 {
        let (mut wins2, mut tp_total, mut fp_total) = (0u128, 0u128, 0u128);
        let mut start = 0usize;
        for &end in &self.group_end {
            let end = end as usize;
            let (mut tp_g, mut fp_g) = (0u128, 0u128);
            for p in start..end {
                let wi = u128::from(w.get(p));
                if self.positive[p] {
                    tp_g += wi;
                } else {
                    fp_g += wi;
                }
            }
            // Every negative in this group is beaten by all positives of earlier (higher) groups and
            // ties with the positives of its own group (½ each, 1 in doubled units).
            wins2 += 2 * tp_total * fp_g + tp_g * fp_g;
            tp_total += tp_g;
            fp_total += fp_g;
            start = end;
        }
        if tp_total == 0 || fp_total == 0 {
            return f64::NAN;
        }
        wins2 as f64 / (2 * tp_total * fp_total) as f64
    }

    /// Average precision, scikit-learn's step-function definition:
    /// `AP = Σ_g (R_g − R_{g−1})·P_g` over the distinct thresholds (tie groups), with
    /// `P_g = TP_g/(TP_g+FP_g)` and `R_g = TP_g/P`. No interpolation. With no positive weight the
    /// result is 0.0 (scikit-learn sets recall to 1 everywhere, so AP = 0 with a warning).
    pub fn average_precision(&self, w: Weights<'_>) -> f64 {
        let (total_pos, _) = self.class_totals(w);
        if total_pos == 0 {
            return 0.0;
        }
        let mut ap = 0.0;
        let (mut tp, mut fp) = (0u64, 0u64);
        let mut start = 0usize;
        for &end in &self.group_end {
            let end = end as usize;
            let mut tp_g = 0u64;
            for p in start..end {
                let wi = w.get(p);
                if self.positive[p] {
                    tp_g += wi;
                } else {
                    fp += wi;
                }
            }
            tp += tp_g;
            if tp_g > 0 {
                ap += (tp_g as f64 / total_pos as f64) * (tp as f64 / (tp + fp) as f64);
            }
            start = end;
        }
        ap.max(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive_auc(s: &[f64], y: &[bool]) -> f64 {
        let (mut num, mut den) = (0.0, 0.0);
        for i in 0..s.len() {
            for j in 0..s.len() {
                if y[i] && !y[j] {
                    den += 1.0;
                    if s[i] > s[j] {
                        num += 1.0;
                    } else if s[i] == s[j] {
                        num += 0.5;
                    }
                }
            }
        }
        num / den
    }

    #[test]
    fn golden_auc_and_ap() {
        // docs/design/metrics.md §1.1: y=[0,0,1,1], s=[.1,.4,.35,.8] → AUC 0.75.
        let r = Ranked::new(&[0.1, 0.4, 0.35, 0.8], &[false, false, true, true]);
        assert!((r.auc(Weights::Unit) - 0.75).abs() < 1e-15);
        // docs/design/metrics.md §1.3: y=[1,0,1,0], s=[.5,.5,.2,.1] → AP 0.5833333333333333, AUC 0.625.
        let r = Ranked::new(&[0.5, 0.5, 0.2, 0.1], &[true, false, true, false]);
        assert!((r.average_precision(Weights::Unit) - 0.5833333333333333).abs() < 1e-15);
        assert!((r.auc(Weights::Unit) - 0.625).abs() < 1e-15);
    }

    #[test]
    fn auc_matches_pair_counting_with_heavy_ties() {
        let mut rng = crate::rng::Xoshiro256pp::for_stream(3, 0);
        for _ in 0..50 {
            let n = 2 + rng.below(60) as usize;
            let s: Vec<f64> = (0..n).map(|_| rng.below(5) as f64 / 4.0).collect();
            let y: Vec<bool> = (0..n).map(|_| rng.below(2) == 1).collect();
            let r = Ranked::new(&s, &y);
            let got = r.auc(Weights::Unit);
            let want = naive_auc(&s, &y);
            if want.is_nan() {
                assert!(got.is_nan());
            } else {
                assert!((got - want).abs() < 1e-12, "{got} vs {want}");
            }
        }
    }

    #[test]
    fn count_weights_equal_repeated_rows() {
        let s = [0.9, 0.3, 0.3, 0.7, 0.1];
        let y = [true, false, true, false, true];
        let r = Ranked::new(&s, &y);
        // Weights over sorted positions; expand the same multiset explicitly and compare.
        let counts = [2u32, 0, 1, 3, 1];
        let mut s2 = Vec::new();
        let mut y2 = Vec::new();
        for (p, &c) in counts.iter().enumerate() {
            for _ in 0..c {
                s2.push(r.scores()[p]);
                y2.push(r.positives()[p]);
            }
        }
        let r2 = Ranked::new(&s2, &y2);
        assert_eq!(r.auc(Weights::Counts(&counts)), r2.auc(Weights::Unit));
        assert_eq!(
            r.average_precision(Weights::Counts(&counts)),
            r2.average_precision(Weights::Unit)
        );
    }

    #[test]
    fn single_class_auc_is_nan() {
        let r = Ranked::new(&[0.1, 0.2], &[true, true]);
        assert!(r.auc(Weights::Unit).is_nan());
        assert_eq!(r.average_precision(Weights::Unit), 1.0);
        let r = Ranked::new(&[0.1, 0.2], &[false, false]);
        assert_eq!(r.average_precision(Weights::Unit), 0.0);
    }
}
