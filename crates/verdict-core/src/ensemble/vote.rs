//! Combining the members: soft voting, hard voting, rank averaging.
//!
//! Soft and hard voting reproduce scikit-learn 1.9.1's `VotingClassifier(voting=…, weights=w)`
//! operation for operation, so the results are the same to the last bit (not just to a
//! tolerance), and ties in the resulting matrix break the same way. Why that matters: with
//! coarse member probabilities (a k-NN, a tree, a forest of 20 trees) and round weights, exact
//! ties are common, and a tie broken differently changes a prediction.

use super::{EnsembleError, Members, checked_weight_sum, normalise_weights};
use crate::multiclass::argmax_predictions;

/// Soft voting: the weighted mean of the members' probability rows, `Σ_m w_m·P_m / Σ_m w_m`
/// (row-major `n × k`).
///
/// Evaluated as numpy's `np.average(probas, axis=0, weights=w)` that `VotingClassifier.
/// predict_proba` calls: the products `P_m · w_m` summed in member order, then divided by the
/// left-to-right sum of the weights as given (not pre-normalised). The soft prediction is
/// [`argmax_predictions`] of the result (ties: lowest class, as `numpy.argmax`).
///
/// # Errors
/// If `weights` is not one finite, non-negative weight per member with a positive sum.
pub fn soft_vote(members: &Members<'_>, weights: &[f64]) -> Result<Vec<f64>, EnsembleError> {
    let sum = checked_weight_sum(weights, members.count())?;
    let mut out = vec![0.0; members.rows() * members.classes()];
    for (j, &w) in weights.iter().enumerate() {
        for (o, &p) in out.iter_mut().zip(members.member(j)) {
            *o += p * w;
        }
    }
    for o in &mut out {
        *o /= sum;
    }
    Ok(out)
}

/// Hard voting: each member votes for its predicted class ([`argmax_predictions`]: the first
/// maximum of its row) with its weight; the class with the largest total wins, **ties to the lowest
/// class index**.
///
/// This is scikit-learn's `argmax(bincount(predictions, weights=w))`: the totals are accumulated
/// in member order from the weights *as given* (float sums, so `0.1 + 0.4` and `0.2 + 0.3` tie
/// exactly as they do in numpy, while a pre-normalised weight vector could round differently). A
/// member with weight 0 still votes, with 0. Returns one class index per row.
///
/// # Errors
/// As [`soft_vote`].
pub fn hard_vote(members: &Members<'_>, weights: &[f64]) -> Result<Vec<u32>, EnsembleError> {
    checked_weight_sum(weights, members.count())?;
    let k = members.classes();
    let preds: Vec<Vec<u32>> = (0..members.count())
        .map(|j| argmax_predictions(members.member(j), k))
        .collect();
    let mut tally = vec![0.0f64; k];
    Ok((0..members.rows())
        .map(|i| {
            tally.fill(0.0);
            for (p, &w) in preds.iter().zip(weights) {
                tally[p[i] as usize] += w;
            }
            let mut best = 0;
            for (c, &t) in tally.iter().enumerate().skip(1) {
                if t > tally[best] {
                    best = c;
                }
            }
            best as u32
        })
        .collect())
}

/// Rank averaging of binary scores: each member's scores are replaced by their average ranks
/// divided by `n` (`scipy.stats.rankdata(s, method="average") / n`, so in `(0, 1]`; tied scores
/// share their mean rank), then averaged with the normalised weights ([`normalise_weights`]),
/// `Σ_m (w_m / Σw) · R_m / n` summed in member order.
///
/// Only the order of each member's scores matters, so members on different scales (a
/// probability, a margin, a lexicon count) can be combined; the result is a score for ranking
/// metrics (ROC AUC, average precision), **not** a probability: a threshold of 0.5 on it means
/// nothing.
///
/// # Errors
/// If there is no member, the members have different lengths, a score is not finite, or the
/// weights are invalid.
pub fn rank_average(scores: &[&[f64]], weights: &[f64]) -> Result<Vec<f64>, EnsembleError> {
    let first = scores.first().ok_or(EnsembleError::NoMembers)?;
    let n = first.len();
    for (member, s) in scores.iter().enumerate() {
        if s.len() != n {
            return Err(EnsembleError::ScoreCount {
                member,
                len: s.len(),
                expected: n,
            });
        }
        if let Some(row) = s.iter().position(|v| !v.is_finite()) {
            return Err(EnsembleError::NonFinite {
                member,
                row,
                value: s[row],
            });
        }
    }
    if weights.len() != scores.len() {
        return Err(EnsembleError::WeightCount {
            got: weights.len(),
            members: scores.len(),
        });
    }
    let wn = normalise_weights(weights)?;
    let mut out = vec![0.0; n];
    let nf = n as f64;
    for (s, &w) in scores.iter().zip(&wn) {
        for (o, r) in out.iter_mut().zip(crate::paired::midranks(s)) {
            *o += w * (r / nf);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ensemble::testdata::members;

    #[test]
    fn soft_vote_is_the_weighted_mean() {
        let a = [0.2, 0.8, 0.6, 0.4];
        let b = [0.6, 0.4, 0.0, 1.0];
        let m = members(&[&a, &b], 2);
        let p = soft_vote(&m, &[3.0, 1.0]).expect("valid");
        let want = [0.3, 0.7, 0.45, 0.55];
        for (x, y) in p.iter().zip(want) {
            assert!((x - y).abs() < 1e-15, "{p:?}");
        }
        // A zero weight removes the member; scaling the weights changes nothing (up to rounding).
        assert_eq!(soft_vote(&m, &[1.0, 0.0]).expect("valid"), a.to_vec());
        let q = soft_vote(&m, &[0.75, 0.25]).expect("valid");
        for (x, y) in p.iter().zip(&q) {
            assert!((x - y).abs() < 1e-15);
        }
        assert_eq!(
            soft_vote(&m, &[1.0]).expect_err("refused"),
            EnsembleError::WeightCount { got: 1, members: 2 }
        );
    }

    #[test]
    fn hard_vote_ties_go_to_the_lowest_class() {
        // Row 0: votes 1, 0 → a 1–1 tie → class 0. Row 1: votes 2, 1 → tie → class 1.
        let a = [0.1, 0.9, 0.0, 0.0, 0.0, 1.0];
        let b = [0.9, 0.1, 0.0, 0.0, 1.0, 0.0];
        let m = members(&[&a, &b], 3);
        assert_eq!(hard_vote(&m, &[1.0, 1.0]).expect("valid"), vec![0, 1]);
        // Weights decide once they differ.
        assert_eq!(hard_vote(&m, &[2.0, 1.0]).expect("valid"), vec![1, 2]);
        // A zero-weight member votes with 0: member 0 alone decides.
        assert_eq!(hard_vote(&m, &[1.0, 0.0]).expect("valid"), vec![1, 2]);
        // A member's own tie goes to its lowest class: [0.5, 0.5, 0] votes 0.
        let c = [0.5, 0.5, 0.0, 0.5, 0.5, 0.0];
        let m = members(&[&c], 3);
        assert_eq!(hard_vote(&m, &[1.0]).expect("valid"), vec![0, 0]);
    }

    #[test]
    fn hard_vote_sums_the_weights_as_given() {
        // 0.1 + 0.4 and 0.2 + 0.3 are both exactly 0.5 in f64: a tie → class 0. Normalising first
        // would not change that here, but the order of the float sums is numpy's.
        let votes = |c: usize| {
            let mut r = [0.0; 2];
            r[c] = 1.0;
            r
        };
        let (a, b, c, d) = (votes(0), votes(1), votes(1), votes(0));
        let m = members(&[&a, &b, &c, &d], 2);
        assert_eq!(
            hard_vote(&m, &[0.1, 0.2, 0.3, 0.4]).expect("valid"),
            vec![0]
        );
        assert_eq!(
            hard_vote(&m, &[0.1, 0.2, 0.3, 0.39]).expect("valid"),
            vec![1]
        );
    }

    #[test]
    fn rank_average_uses_average_ranks() {
        // Member a ranks [1, 2.5, 2.5, 4]/4, member b [4, 3, 2, 1]/4.
        let a = [0.1, 0.5, 0.5, 0.9];
        let b = [9.0, 3.0, 2.0, -1.0];
        let r = rank_average(&[&a, &b], &[3.0, 1.0]).expect("valid");
        let want = [
            0.75 * 0.25 + 0.25,
            0.75 * 0.625 + 0.25 * 0.75,
            0.75 * 0.625 + 0.25 * 0.5,
            0.75 + 0.25 * 0.25,
        ];
        for (x, y) in r.iter().zip(want) {
            assert!((x - y).abs() < 1e-15, "{r:?}");
        }
        assert_eq!(
            rank_average(&[&a, &b[..3]], &[1.0, 1.0]).expect_err("refused"),
            EnsembleError::ScoreCount {
                member: 1,
                len: 3,
                expected: 4
            }
        );
        assert!(matches!(
            rank_average(&[&a, &[0.0, f64::NAN, 0.0, 0.0]], &[1.0, 1.0]).expect_err("refused"),
            EnsembleError::NonFinite {
                member: 1,
                row: 1,
                ..
            }
        ));
        assert_eq!(
            rank_average(&[], &[]).expect_err("refused"),
            EnsembleError::NoMembers
        );
        assert!(matches!(
            rank_average(&[&a, &b], &[0.0, 0.0]).expect_err("refused"),
            EnsembleError::WeightSum { .. }
        ));
        assert!(
            rank_average(&[&[], &[]], &[1.0, 1.0])
                .expect("empty")
                .is_empty()
        );
    }
}
