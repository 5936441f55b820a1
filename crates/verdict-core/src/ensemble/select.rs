//! Caruana, Niculescu-Mizil, Crew & Ksikes (2004), "Ensemble selection from libraries of
//! models": greedy forward selection **with replacement**, as AutoGluon and auto-sklearn use it
//! to weight their members.
//!
//! # The rule (identical to the committed reference, `caruana_reference` in
//! `python/make_ensemble_fixtures.py`)
//! Round `r = 1, 2, …, rounds` tries every member `j` and scores the ensemble `(S + P_j) / r`,
//! where `S` is the running sum of the probability matrices selected so far (`S = 0` in round 1,
//! so round 1 picks the best single member). The best `j` is added to `S` (it may be chosen
//! again later). **Ties go to the lowest member index**: only a strictly better score replaces
//! the best so far, trying members in index order. The weights are the selection counts divided
//! by `rounds`.
//!
//! * Log loss ([`SelectionMetric::LogLoss`], minimised) is scikit-learn's `log_loss(y, P,
//!   labels=range(k))`, the convention of [`crate::multiclass::log_loss`]: `−ln(clip(p_true, ε,
//!   1 − ε))`, ε = `f64::EPSILON`, the (count-weighted) mean over rows.
//! * Accuracy ([`SelectionMetric::Accuracy`], maximised): the prediction is the first maximum of
//!   the row (`numpy.argmax`), compared as integer counts of correct rows.
//!
//! # Why it is fast
//! The log loss of `(S + P_j)/r` only reads the true-class column, so the running sum is kept
//! per row for that column only (`s_i`) and a candidate costs one `ln` per row: `(s_i +
//! P_j[i, y_i]) / r` is exactly the element the reference computes from the full matrices (the
//! same additions in the same order), so no approximation is made. Accuracy needs the full rows
//! (the argmax), `S` is then kept as an `n × k` matrix. Rows are processed in fixed chunks in
//! parallel and the partial sums added in chunk order: the result does not depend on the thread
//! count. The mean differs from numpy's pairwise mean only by rounding (~1e-16 relative), which
//! could only change a selection between two candidates whose scores agree to that precision.

use rayon::prelude::*;

use super::{CHUNK, EnsembleError, Members, row_counts};
use crate::Weights;

/// The metric ensemble selection optimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SelectionMetric {
    /// Log loss, minimised (the default of `verdict ensemble --optimize caruana`).
    LogLoss,
    /// Accuracy, maximised.
    Accuracy,
}

/// The outcome of ensemble selection.
#[derive(Debug, Clone, PartialEq)]
pub struct Selection {
    /// The member selected in each round (0-based member indices), `rounds` entries.
    pub order: Vec<usize>,
    /// How often each member was selected.
    pub counts: Vec<u32>,
    /// `counts / rounds`, one per member (sum 1 up to rounding).
    pub weights: Vec<f64>,
    /// The metric of the ensemble after each round.
    pub scores: Vec<f64>,
}

/// Caruana et al.'s ensemble selection (see the module docs for the exact rule) over `rounds`
/// rounds, on the (count-weighted) rows of `labels`.
///
/// # Errors
/// If `labels` do not fit the members, `w` does not cover every row, `rounds == 0`, or no row
/// carries weight.
pub fn caruana(
    members: &Members<'_>,
    labels: &[u32],
    rounds: usize,
    metric: SelectionMetric,
    w: Weights<'_>,
) -> Result<Selection, EnsembleError> {
    members.check_labels(labels)?;
    let counts = row_counts(w, members.rows())?;
    if rounds == 0 {
        return Err(EnsembleError::NoRounds);
    }
    let total: u64 = match &counts {
        None => members.rows() as u64,
        Some(c) => c.iter().map(|&x| u64::from(x)).sum(),
    };
    if total == 0 {
        return Err(EnsembleError::NoRows);
    }
    Ok(match metric {
        SelectionMetric::LogLoss => {
            let a = members.true_class(labels);
            select_log_loss(&a, members.count(), counts.as_deref(), total, rounds)
        }
        SelectionMetric::Accuracy => {
            select_accuracy(members, labels, counts.as_deref(), total, rounds)
        }
    })
}

/// The selection result from the order of choices.
fn finish(order: Vec<usize>, scores: Vec<f64>, m: usize) -> Selection {
    let mut counts = vec![0u32; m];
    for &j in &order {
        counts[j] += 1;
    }
    let rounds = order.len() as f64;
    let weights = counts.iter().map(|&c| f64::from(c) / rounds).collect();
    Selection {
        order,
        counts,
        weights,
        scores,
    }
}

/// The first index of the best value (strictly better replaces), `lower` = minimise.
fn best_index(values: &[f64], lower: bool) -> usize {
    let mut best = 0;
    for (j, &v) in values.iter().enumerate().skip(1) {
        if (lower && v < values[best]) || (!lower && v > values[best]) {
            best = j;
        }
    }
    best
}

/// Log-loss selection on the true-class matrix `a` (row-major `n × m`). Infallible: the caller
/// validated the shapes and that `total > 0`. Also used by the weight-stability bootstrap.
pub(crate) fn select_log_loss(
    a: &[f64],
    m: usize,
    counts: Option<&[u32]>,
    total: u64,
    rounds: usize,
) -> Selection {
    let n = a.len() / m;
    let mut s = vec![0.0f64; n];
    let mut order = Vec::with_capacity(rounds);
    let mut scores = Vec::with_capacity(rounds);
    let (lo, hi) = (f64::EPSILON, 1.0 - f64::EPSILON);
    for r in 1..=rounds {
        let rf = r as f64;
        let partial: Vec<Vec<f64>> = s
            .par_chunks(CHUNK)
            .enumerate()
            .map(|(c, sc)| {
                let base = c * CHUNK;
                let mut sum = vec![0.0f64; m];
                for (off, &si) in sc.iter().enumerate() {
                    let i = base + off;
                    let wi = counts.map_or(1.0, |c| f64::from(c[i]));
                    if wi == 0.0 {
                        continue;
                    }
                    for (acc, &aij) in sum.iter_mut().zip(&a[i * m..(i + 1) * m]) {
                        let q = (si + aij) / rf;
                        *acc += wi * -q.clamp(lo, hi).ln();
                    }
                }
                sum
            })
            .collect();
        let mut loss = vec![0.0f64; m];
        for p in &partial {
            for (l, v) in loss.iter_mut().zip(p) {
                *l += v;
            }
        }
        for l in &mut loss {
            *l /= total as f64;
        }
        let best = best_index(&loss, true);
        s.par_chunks_mut(CHUNK).enumerate().for_each(|(c, sc)| {
            let base = c * CHUNK;
            for (off, si) in sc.iter_mut().enumerate() {
                *si += a[(base + off) * m + best];
            }
        });
        order.push(best);
        scores.push(loss[best]);
    }
    finish(order, scores, m)
}

/// Accuracy selection. Infallible as [`select_log_loss`].
pub(crate) fn select_accuracy(
    members: &Members<'_>,
    labels: &[u32],
    counts: Option<&[u32]>,
    total: u64,
    rounds: usize,
) -> Selection {
    let (m, k) = (members.count(), members.classes());
    let mut sum = vec![0.0f64; members.rows() * k];
    let mut order = Vec::with_capacity(rounds);
    let mut scores = Vec::with_capacity(rounds);
    for r in 1..=rounds {
        let rf = r as f64;
        let partial: Vec<Vec<u64>> = sum
            .par_chunks(CHUNK * k)
            .enumerate()
            .map(|(c, sc)| {
                let base = c * CHUNK;
                let mut hits = vec![0u64; m];
                for (off, srow) in sc.chunks_exact(k).enumerate() {
                    let i = base + off;
                    let wi = counts.map_or(1, |c| u64::from(c[i]));
                    if wi == 0 {
                        continue;
                    }
                    let y = labels[i] as usize;
                    for (j, h) in hits.iter_mut().enumerate() {
                        let prow = &members.member(j)[i * k..(i + 1) * k];
                        // argmax of (S + P_j) / r, first maximum, divided as the reference does
                        // (a division can merge two values into a tie).
                        let mut best = 0;
                        let mut top = (srow[0] + prow[0]) / rf;
                        for c in 1..k {
                            let v = (srow[c] + prow[c]) / rf;
                            if v > top {
                                top = v;
                                best = c;
                            }
                        }
                        if best == y {
                            *h += wi;
                        }
                    }
                }
                hits
            })
            .collect();
        let mut hits = vec![0u64; m];
        for p in &partial {
            for (h, v) in hits.iter_mut().zip(p) {
                *h += v;
            }
        }
        // Integer counts compare exactly; the first maximum wins.
        let mut best = 0;
        for j in 1..m {
            if hits[j] > hits[best] {
                best = j;
            }
        }
        let chosen = members.member(best);
        sum.par_chunks_mut(CHUNK * k)
            .zip(chosen.par_chunks(CHUNK * k))
            .for_each(|(sc, pc)| {
                for (x, &p) in sc.iter_mut().zip(pc) {
                    *x += p;
                }
            });
        order.push(best);
        scores.push(hits[best] as f64 / total as f64);
    }
    finish(order, scores, m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ensemble::soft_vote;
    use crate::ensemble::testdata::{expand, members};
    use crate::multiclass;

    /// The plain definition, recomputing the whole ensemble for every candidate with the crate's
    /// metric functions (the incremental kernel must agree exactly on the order).
    fn naive(
        m: &Members<'_>,
        y: &[u32],
        rounds: usize,
        metric: SelectionMetric,
    ) -> (Vec<usize>, Vec<f64>) {
        let k = m.classes();
        let mut sum = vec![0.0; m.rows() * k];
        let (mut order, mut scores) = (vec![], vec![]);
        for r in 1..=rounds {
            let mut best: Option<(usize, f64)> = None;
            for j in 0..m.count() {
                let cand: Vec<f64> = sum
                    .iter()
                    .zip(m.member(j))
                    .map(|(s, p)| (s + p) / r as f64)
                    .collect();
                let v = match metric {
                    SelectionMetric::LogLoss => multiclass::log_loss(y, &cand, k, Weights::Unit),
                    SelectionMetric::Accuracy => {
                        let pred = multiclass::argmax_predictions(&cand, k);
                        pred.iter().zip(y).filter(|(p, y)| p == y).count() as f64 / y.len() as f64
                    }
                };
                let better = match (best, metric) {
                    (None, _) => true,
                    (Some((_, b)), SelectionMetric::LogLoss) => v < b,
                    (Some((_, b)), SelectionMetric::Accuracy) => v > b,
                };
                if better {
                    best = Some((j, v));
                }
            }
            let (j, v) = best.expect("one member at least");
            for (s, p) in sum.iter_mut().zip(m.member(j)) {
                *s += p;
            }
            order.push(j);
            scores.push(v);
        }
        (order, scores)
    }

    /// A small deterministic three-class problem with four members of different quality.
    fn problem() -> (Vec<Vec<f64>>, Vec<u32>) {
        let mut rng = crate::rng::Xoshiro256pp::for_stream(11, 0);
        let n = 300;
        let y: Vec<u32> = (0..n).map(|_| rng.below(3) as u32).collect();
        let mut probs = vec![];
        for skill in [2.0, 1.0, 0.5, 0.0] {
            let mut p = Vec::with_capacity(n * 3);
            for &yi in &y {
                let mut row = [0.0; 3];
                for (c, v) in row.iter_mut().enumerate() {
                    let bonus = if c as u32 == yi { skill } else { 0.0 };
                    *v = (bonus + 2.0 * rng.next_f64()).exp();
                }
                let z: f64 = row.iter().sum();
                p.extend(row.iter().map(|v| v / z));
            }
            probs.push(p);
        }
        (probs, y)
    }

    #[test]
    fn incremental_kernels_match_the_plain_definition() {
        let (probs, y) = problem();
        let refs: Vec<&[f64]> = probs.iter().map(Vec::as_slice).collect();
        let m = members(&refs, 3);
        for metric in [SelectionMetric::LogLoss, SelectionMetric::Accuracy] {
            let sel = caruana(&m, &y, 25, metric, Weights::Unit).expect("valid");
            let (order, scores) = naive(&m, &y, 25, metric);
            assert_eq!(sel.order, order, "{metric:?}");
            for (a, b) in sel.scores.iter().zip(&scores) {
                assert!((a - b).abs() <= 1e-13 * b.abs(), "{metric:?}: {a} vs {b}");
            }
            assert_eq!(sel.counts.iter().sum::<u32>(), 25);
            // The selected ensemble's log loss is the soft vote with the count weights.
            if metric == SelectionMetric::LogLoss {
                let w: Vec<f64> = sel.counts.iter().map(|&c| f64::from(c)).collect();
                let p = soft_vote(&m, &w).expect("valid");
                let ll = multiclass::log_loss(&y, &p, 3, Weights::Unit);
                let last = sel.scores[24];
                assert!((ll - last).abs() <= 1e-13 * last, "{ll} vs {last}");
            }
        }
    }

    #[test]
    fn round_one_is_the_best_single_member_and_ties_go_lowest() {
        // Members 1 and 2 are identical and best: member 1 is chosen, never 2.
        let good = [0.1, 0.9, 0.8, 0.2];
        let bad = [0.6, 0.4, 0.5, 0.5];
        let m = members(&[&bad, &good, &good], 2);
        let y = [1, 0];
        let sel = caruana(&m, &y, 3, SelectionMetric::LogLoss, Weights::Unit).expect("valid");
        assert_eq!(sel.order, vec![1, 1, 1]);
        assert_eq!(sel.weights, vec![0.0, 1.0, 0.0]);
        let want = -(0.9f64.ln() + 0.8f64.ln()) / 2.0;
        assert!((sel.scores[0] - want).abs() < 1e-15);
        // Accuracy: round 1 picks member 1 (2/2 right, member 0 1/2); in round 2 adding member 0
        // or member 1 both give 2/2, so the lowest index, member 0, is added.
        let sel = caruana(&m, &y, 2, SelectionMetric::Accuracy, Weights::Unit).expect("valid");
        assert_eq!(sel.order, vec![1, 0]);
        let all_right = [0.4, 0.6, 0.6, 0.4];
        let m = members(&[&all_right, &good], 2);
        let sel = caruana(&m, &y, 2, SelectionMetric::Accuracy, Weights::Unit).expect("valid");
        assert_eq!(sel.order, vec![0, 0]);
        assert_eq!(sel.scores, vec![1.0, 1.0]);
    }

    #[test]
    fn replacement_can_beat_the_best_member() {
        // Each member is confidently wrong on one row; the two together are right on both.
        let a = [0.0, 1.0, 0.0, 1.0];
        let b = [1.0, 0.0, 1.0, 0.0];
        let y = [1, 0];
        let m = members(&[&a, &b], 2);
        let sel = caruana(&m, &y, 4, SelectionMetric::LogLoss, Weights::Unit).expect("valid");
        assert_eq!(sel.order[0], 0);
        assert_eq!(sel.order[1], 1);
        assert!((sel.scores[1] - std::f64::consts::LN_2).abs() < 1e-15);
        assert!(sel.scores[1] < sel.scores[0]);
    }

    #[test]
    fn count_weights_are_repeated_rows() {
        let (probs, y) = problem();
        let refs: Vec<&[f64]> = probs.iter().map(Vec::as_slice).collect();
        let m = members(&refs, 3);
        let counts: Vec<u32> = (0..y.len() as u32).map(|i| (i * 7 + 3) % 4).collect();
        let (ep, ey) = expand(&probs, &y, 3, &counts);
        let erefs: Vec<&[f64]> = ep.iter().map(Vec::as_slice).collect();
        let em = members(&erefs, 3);
        for metric in [SelectionMetric::LogLoss, SelectionMetric::Accuracy] {
            let a = caruana(&m, &y, 10, metric, Weights::Counts(&counts)).expect("valid");
            let b = caruana(&em, &ey, 10, metric, Weights::Unit).expect("valid");
            assert_eq!(a.order, b.order);
            for (x, z) in a.scores.iter().zip(&b.scores) {
                assert!((x - z).abs() <= 1e-12 * z.abs());
            }
        }
    }

    #[test]
    fn refusals() {
        let a = [0.5, 0.5];
        let m = members(&[&a], 2);
        assert_eq!(
            caruana(&m, &[0], 0, SelectionMetric::LogLoss, Weights::Unit).expect_err("refused"),
            EnsembleError::NoRounds
        );
        assert_eq!(
            caruana(&m, &[0], 1, SelectionMetric::LogLoss, Weights::Counts(&[0]))
                .expect_err("refused"),
            EnsembleError::NoRows
        );
        assert_eq!(
            caruana(&m, &[0, 1], 1, SelectionMetric::LogLoss, Weights::Unit).expect_err("refused"),
            EnsembleError::LabelCount { got: 2, rows: 1 }
        );
        assert_eq!(
            caruana(
                &m,
                &[0],
                1,
                SelectionMetric::Accuracy,
                Weights::Counts(&[1, 1])
            )
            .expect_err("refused"),
            EnsembleError::SampleWeightCount { got: 2, rows: 1 }
        );
    }

    #[test]
    fn results_do_not_depend_on_thread_count() {
        // More rows than one chunk so several tasks run.
        let n = 3 * CHUNK + 17;
        let y: Vec<u32> = (0..n as u32).map(|i| i % 2).collect();
        let mk = |shift: f64| -> Vec<f64> {
            (0..n)
                .flat_map(|i| {
                    let s = ((i as f64 * 0.37 + shift).sin() + 1.0) / 2.0;
                    [1.0 - s, s]
                })
                .collect()
        };
        let (p0, p1, p2) = (mk(0.0), mk(1.0), mk(2.5));
        let m = members(&[&p0, &p1, &p2], 2);
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .expect("pool");
        for metric in [SelectionMetric::LogLoss, SelectionMetric::Accuracy] {
            let a = one
                .install(|| caruana(&m, &y, 6, metric, Weights::Unit))
                .expect("valid");
            let b = caruana(&m, &y, 6, metric, Weights::Unit).expect("valid");
            assert_eq!(a, b);
        }
    }
}
