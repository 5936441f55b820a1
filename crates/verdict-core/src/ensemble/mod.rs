//! Model ensembles: weighted voting, weights learned on validation data, member diversity.
//!
//! A team that averages several models usually picks the weights by feel and never measures the
//! ensemble against its best member. This module is the pure arithmetic behind `verdict ensemble`:
//! combining the members' probabilities exactly as scikit-learn's `VotingClassifier` does (so the
//! numbers can be checked against it), learning weights honestly on a validation set (Caruana et
//! al.'s ensemble selection, or the log-loss optimum over the weight simplex), showing how stable
//! those learned weights are under a bootstrap of the validation rows, and measuring how much the
//! members' errors overlap (Kuncheva & Whitaker 2003). Evaluating the ensemble, comparing it with
//! its members and reporting it are left to [`crate::eval`], [`crate::compare`] and the front ends.
//!
//! # Data layout
//! * A member is a row-major `n × k` probability matrix (`&[f64]`), column `c` = class `c`, as in
//!   [`crate::multiclass`]; a binary member with scores `s` (P(positive)) is the two-class matrix
//!   `[1 − s, s]` ([`binary_rows`]). [`Members::new`] checks the shapes and finiteness once, so the
//!   functions that take a [`Members`] cannot fail on shape.
//! * `labels: &[u32]`: the true class index of each row, in `0..k`.
//! * Member weights (`&[f64]`, one per member) must be finite and `≥ 0` with a positive sum; they
//!   need not sum to 1 (see [`normalise_weights`]). An error names the member index (0-based, in
//!   the order the members were given).
//! * Sample weights, where a function takes them, are the crate's count weights
//!   ([`crate::Weights`]): a bootstrap replicate's draw counts.
//!
//! # Conventions (each documented in full where it applies)
//! * Soft vote: `Σ w_m P_m / Σ w` in member order, as numpy's `average` (bit-identical to
//!   scikit-learn's `VotingClassifier.predict_proba`); its prediction is the first maximum.
//! * Hard vote: weighted counts in member order from the weights as given; ties → lowest class.
//! * Rank averaging: average ranks (`rankdata(…, "average")`) / n, normalised weights.
//! * Caruana: round 1 = the best single member; with replacement; ties → lowest member index;
//!   weights = counts / rounds.
//! * Log-loss optimum: scikit-learn's clipped log loss (ε = `f64::EPSILON`); weights exactly 0 off
//!   the optimal face.
//! * Diversity: undefined (0/0) ratios are `None`; the most redundant pair is the highest Q
//!   (ties: higher double fault, then the first pair).
//! * Stability: the crate's bootstrap streams and type-7 percentile intervals.
//! * Parallel sums are taken in fixed chunks of rows and added in chunk order, so no result
//!   depends on the number of threads.
//!
//! # Submodules
//! * [`vote`]: soft voting, hard voting, rank averaging.
//! * [`select`]: Caruana et al.'s (2004) greedy ensemble selection with replacement.
//! * [`optimize`]: the log-loss optimum over the weight simplex (active-set projected Newton).
//! * [`diversity`](mod@diversity): pairwise oracle-output diversity (disagreement, Q, double fault, correlation).
//! * [`stability`]: learned weights under a bootstrap of the validation rows.

use thiserror::Error;

pub mod diversity;
pub mod optimize;
pub mod select;
pub mod stability;
pub mod vote;

pub use diversity::{PairDiversity, diversity, most_redundant, oracle};
pub use optimize::{Optimum, optimize_log_loss};
pub use select::{Selection, SelectionMetric, caruana};
pub use stability::{MemberStability, WeightMethod, WeightStability, weight_stability};
pub use vote::{hard_vote, rank_average, soft_vote};

/// Why an ensemble function refused its input.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum EnsembleError {
    /// No member was given.
    #[error("an ensemble needs at least one member")]
    NoMembers,
    /// `k` was 0.
    #[error("an ensemble needs at least one class")]
    NoClasses,
    /// A member's matrix is not `n × k` with the same `n` as member 0.
    #[error(
        "member {member} has {len} probability values, expected {expected} ({rows} rows × {k} classes, as member 0)"
    )]
    Shape {
        /// The member (0-based).
        member: usize,
        /// Its number of values.
        len: usize,
        /// `rows × k`.
        expected: usize,
        /// The rows of member 0 (`len(member 0) / k`).
        rows: usize,
        /// Classes.
        k: usize,
    },
    /// A member's probability is NaN or infinite.
    #[error("member {member}, row {row}: probability {value} is not finite")]
    NonFinite {
        /// The member (0-based).
        member: usize,
        /// The row (0-based).
        row: usize,
        /// The value.
        value: f64,
    },
    /// Binary score lists of different lengths.
    #[error("member {member} has {len} scores, member 0 has {expected}")]
    ScoreCount {
        /// The member (0-based).
        member: usize,
        /// Its number of scores.
        len: usize,
        /// Member 0's.
        expected: usize,
    },
    /// Not one weight per member.
    #[error("{got} weights for {members} members")]
    WeightCount {
        /// Weights given.
        got: usize,
        /// Members.
        members: usize,
    },
    /// A weight is NaN or infinite.
    #[error("the weight of member {member} is {value}: weights must be finite")]
    WeightNotFinite {
        /// The member (0-based).
        member: usize,
        /// The weight.
        value: f64,
    },
    /// A weight is negative.
    #[error("the weight of member {member} is {value}: weights must be 0 or more")]
    WeightNegative {
        /// The member (0-based).
        member: usize,
        /// The weight.
        value: f64,
    },
    /// Every weight is 0 (or the sum underflows).
    #[error("the weights sum to {sum}: at least one member needs a positive weight")]
    WeightSum {
        /// Their sum.
        sum: f64,
    },
    /// Not one label per row.
    #[error("{got} labels for {rows} rows")]
    LabelCount {
        /// Labels given.
        got: usize,
        /// Rows of the members.
        rows: usize,
    },
    /// A label is not a class index below `k`.
    #[error("row {row}: label {label} is not a class index below k = {k}")]
    LabelRange {
        /// The row (0-based).
        row: usize,
        /// The label.
        label: u32,
        /// Classes.
        k: usize,
    },
    /// Count weights of the wrong length.
    #[error("{got} sample weights for {rows} rows")]
    SampleWeightCount {
        /// Weights given.
        got: usize,
        /// Rows.
        rows: usize,
    },
    /// Nothing to learn from: no row, or every sample weight 0.
    #[error("no row carries weight: weights cannot be learned from an empty set")]
    NoRows,
    /// Caruana's selection with 0 rounds.
    #[error("ensemble selection needs at least one round")]
    NoRounds,
    /// Diversity oracle outputs of different lengths.
    #[error("member {member} has {len} oracle outputs, member 0 has {expected}")]
    OracleLength {
        /// The member (0-based).
        member: usize,
        /// Its length.
        len: usize,
        /// Member 0's.
        expected: usize,
    },
    /// A bootstrap with no resample, or an interval level outside (0, 1).
    #[error(
        "weight stability needs at least one resample and a level in (0, 1), got {resamples} and {level}"
    )]
    Stability {
        /// Resamples requested.
        resamples: usize,
        /// Interval level requested.
        level: f64,
    },
}

/// The members' probability matrices, checked: every member is `n × k` with the same `n`, every
/// value finite. Values are not required to be probabilities (rows summing to 1): the caller's
/// reader validates that, as for `verdict eval`.
#[derive(Debug, Clone)]
pub struct Members<'a> {
    probs: Vec<&'a [f64]>,
    n: usize,
    k: usize,
}

impl<'a> Members<'a> {
    /// Checks and wraps row-major `n × k` matrices, one per member; `n` is member 0's
    /// `len / k`.
    pub fn new(probs: Vec<&'a [f64]>, k: usize) -> Result<Self, EnsembleError> {
        if k == 0 {
            return Err(EnsembleError::NoClasses);
        }
        let first = probs.first().ok_or(EnsembleError::NoMembers)?;
        let n = first.len() / k;
        for (member, p) in probs.iter().enumerate() {
            if p.len() != n * k {
                return Err(EnsembleError::Shape {
                    member,
                    len: p.len(),
                    expected: n * k,
                    rows: n,
                    k,
                });
            }
            if let Some(i) = p.iter().position(|v| !v.is_finite()) {
                return Err(EnsembleError::NonFinite {
                    member,
                    row: i / k,
                    value: p[i],
                });
            }
        }
        Ok(Self { probs, n, k })
    }

    /// The number of members.
    pub fn count(&self) -> usize {
        self.probs.len()
    }

    /// Rows per member.
    pub fn rows(&self) -> usize {
        self.n
    }

    /// Classes.
    pub fn classes(&self) -> usize {
        self.k
    }

    /// Member `j`'s matrix.
    ///
    /// # Panics
    /// If `j >= self.count()`.
    pub fn member(&self, j: usize) -> &'a [f64] {
        self.probs[j]
    }

    /// The members without member `j` (leave-one-member-out), or `None` if `j` is out of range or
    /// the only member.
    pub fn without(&self, j: usize) -> Option<Members<'a>> {
        if j >= self.count() || self.count() == 1 {
            return None;
        }
        let mut probs = self.probs.clone();
        probs.remove(j);
        Some(Self {
            probs,
            n: self.n,
            k: self.k,
        })
    }

    /// Checks `labels` against these members: one per row, each below `k`.
    pub fn check_labels(&self, labels: &[u32]) -> Result<(), EnsembleError> {
        if labels.len() != self.n {
            return Err(EnsembleError::LabelCount {
                got: labels.len(),
                rows: self.n,
            });
        }
        match labels.iter().position(|&l| l as usize >= self.k) {
            Some(row) => Err(EnsembleError::LabelRange {
                row,
                label: labels[row],
                k: self.k,
            }),
            None => Ok(()),
        }
    }

    /// `A[i·M + j] = P_j[i, y_i]`: each member's probability of the true class, row-major `n × M`.
    /// The log loss of any weighted average depends on nothing else.
    pub(crate) fn true_class(&self, labels: &[u32]) -> Vec<f64> {
        let m = self.count();
        let mut a = vec![0.0; self.n * m];
        for (j, p) in self.probs.iter().enumerate() {
            for (i, &y) in labels.iter().enumerate() {
                a[i * m + j] = p[i * self.k + y as usize];
            }
        }
        a
    }
}

/// Checks member weights (one per member, finite, `≥ 0`, positive sum) and returns them divided by
/// their sum, summed left to right (so they sum to 1 up to one rounding per weight).
///
/// `-0.0` counts as 0. A zero weight is allowed: the member then takes no part in a soft vote, and
/// in a hard vote its vote counts 0 (as in scikit-learn, where it still appears in the tally).
pub fn normalise_weights(weights: &[f64]) -> Result<Vec<f64>, EnsembleError> {
    let sum = checked_weight_sum(weights, weights.len())?;
    Ok(weights.iter().map(|&w| w / sum).collect())
}

/// Validates `weights` for `members` members and returns their left-to-right sum (> 0).
pub(crate) fn checked_weight_sum(weights: &[f64], members: usize) -> Result<f64, EnsembleError> {
    if weights.len() != members {
        return Err(EnsembleError::WeightCount {
            got: weights.len(),
            members,
        });
    }
    if members == 0 {
        return Err(EnsembleError::NoMembers);
    }
    for (member, &value) in weights.iter().enumerate() {
        if !value.is_finite() {
            return Err(EnsembleError::WeightNotFinite { member, value });
        }
        if value < 0.0 {
            return Err(EnsembleError::WeightNegative { member, value });
        }
    }
    let sum: f64 = weights.iter().sum();
    if sum > 0.0 && sum.is_finite() {
        Ok(sum)
    } else {
        Err(EnsembleError::WeightSum { sum })
    }
}

/// A binary member's scores `s` (P(positive)) as the two-class matrix `[1 − s, s]` (row-major
/// `n × 2`), the layout every function here takes; class 1 is the positive class.
pub fn binary_rows(scores: &[f64]) -> Vec<f64> {
    scores.iter().flat_map(|&s| [1.0 - s, s]).collect()
}

/// Count weights as a concrete per-row slice (`None`: every row counts once), checked against
/// `rows`.
pub(crate) fn row_counts<'w>(
    w: crate::Weights<'w>,
    rows: usize,
) -> Result<Option<std::borrow::Cow<'w, [u32]>>, EnsembleError> {
    let got = match w {
        crate::Weights::Unit => rows,
        crate::Weights::Counts(c) => c.len(),
        crate::Weights::Permuted { order, .. } => order.len(),
    };
    if got != rows {
        return Err(EnsembleError::SampleWeightCount { got, rows });
    }
    Ok(crate::multiclass::sample_counts(w, rows))
}

/// Rows processed by one parallel task. Partial sums are combined in chunk order, so results do
/// not depend on the number of threads.
pub(crate) const CHUNK: usize = 8192;

/// Synthetic members shared by the unit tests of the submodules.
#[cfg(test)]
pub(crate) mod testdata {
    use super::{Members, binary_rows};

    /// Wraps matrices as members (test inputs are valid).
    pub(crate) fn members<'a>(p: &[&'a [f64]], k: usize) -> Members<'a> {
        Members::new(p.to_vec(), k).expect("valid members")
    }

    /// `n` binary rows (labels drawn uniformly) and one member per `skill`: P(positive) =
    /// sigmoid(±skill + noise·(u − ½)), u uniform; seeded, so deterministic.
    pub(crate) fn binary(
        n: usize,
        seed: u64,
        skills: &[f64],
        noise: f64,
    ) -> (Vec<Vec<f64>>, Vec<u32>) {
        let mut rng = crate::rng::Xoshiro256pp::for_stream(seed, 0);
        let y: Vec<u32> = (0..n).map(|_| rng.below(2) as u32).collect();
        let probs = skills
            .iter()
            .map(|&skill| {
                let s: Vec<f64> = y
                    .iter()
                    .map(|&yi| {
                        let z =
                            if yi == 1 { skill } else { -skill } + noise * (rng.next_f64() - 0.5);
                        1.0 / (1.0 + (-z).exp())
                    })
                    .collect();
                binary_rows(&s)
            })
            .collect();
        (probs, y)
    }

    /// The data set with row `i` repeated `counts[i]` times (what count weights must equal).
    pub(crate) fn expand(
        probs: &[Vec<f64>],
        y: &[u32],
        k: usize,
        counts: &[u32],
    ) -> (Vec<Vec<f64>>, Vec<u32>) {
        let mut ey = vec![];
        let mut ep: Vec<Vec<f64>> = vec![vec![]; probs.len()];
        for (i, &c) in counts.iter().enumerate() {
            for _ in 0..c {
                ey.push(y[i]);
                for (e, p) in ep.iter_mut().zip(probs) {
                    e.extend_from_slice(&p[i * k..(i + 1) * k]);
                }
            }
        }
        (ep, ey)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_are_checked() {
        let a = [0.2, 0.8, 0.5, 0.5];
        let b = [0.1, 0.9];
        assert_eq!(
            Members::new(vec![], 2).expect_err("refused"),
            EnsembleError::NoMembers
        );
        assert_eq!(
            Members::new(vec![&a], 0).expect_err("refused"),
            EnsembleError::NoClasses
        );
        assert_eq!(
            Members::new(vec![&a, &b], 2).expect_err("refused"),
            EnsembleError::Shape {
                member: 1,
                len: 2,
                expected: 4,
                rows: 2,
                k: 2
            }
        );
        let c = [0.1, 0.9, f64::NAN, 0.5];
        assert!(matches!(
            Members::new(vec![&a, &c], 2).expect_err("refused"),
            EnsembleError::NonFinite {
                member: 1,
                row: 1,
                ..
            }
        ));
        let m = Members::new(vec![&a, &a], 2).expect("valid");
        assert_eq!((m.count(), m.rows(), m.classes()), (2, 2, 2));
        assert_eq!(
            m.check_labels(&[0]).expect_err("refused"),
            EnsembleError::LabelCount { got: 1, rows: 2 }
        );
        assert_eq!(
            m.check_labels(&[0, 2]).expect_err("refused"),
            EnsembleError::LabelRange {
                row: 1,
                label: 2,
                k: 2
            }
        );
        assert!(m.check_labels(&[1, 0]).is_ok());
        assert_eq!(m.true_class(&[1, 0]), vec![0.8, 0.8, 0.5, 0.5]);
        assert_eq!(m.without(0).map(|x| x.count()), Some(1));
        assert!(m.without(2).is_none());
        assert!(m.without(0).and_then(|x| x.without(0)).is_none());
    }

    #[test]
    fn weights_are_checked_and_name_the_member() {
        assert_eq!(
            normalise_weights(&[1.0, 3.0]).expect("valid"),
            vec![0.25, 0.75]
        );
        assert_eq!(
            normalise_weights(&[0.0, -0.0, 2.0]).expect("zeros allowed"),
            vec![0.0, 0.0, 1.0]
        );
        assert_eq!(
            normalise_weights(&[1.0, -0.5]).expect_err("refused"),
            EnsembleError::WeightNegative {
                member: 1,
                value: -0.5
            }
        );
        assert!(matches!(
            normalise_weights(&[f64::NAN, 1.0]).expect_err("refused"),
            EnsembleError::WeightNotFinite { member: 0, .. }
        ));
        assert!(matches!(
            normalise_weights(&[1.0, f64::INFINITY]).expect_err("refused"),
            EnsembleError::WeightNotFinite { member: 1, .. }
        ));
        assert_eq!(
            normalise_weights(&[0.0, 0.0]).expect_err("refused"),
            EnsembleError::WeightSum { sum: 0.0 }
        );
        // The sum overflows: refused rather than dividing by infinity.
        assert!(matches!(
            normalise_weights(&[f64::MAX, f64::MAX]).expect_err("refused"),
            EnsembleError::WeightSum { .. }
        ));
        assert_eq!(
            normalise_weights(&[]).expect_err("refused"),
            EnsembleError::NoMembers
        );
        assert_eq!(
            checked_weight_sum(&[1.0], 2).expect_err("refused"),
            EnsembleError::WeightCount { got: 1, members: 2 }
        );
    }

    #[test]
    fn binary_rows_are_one_minus_s_then_s() {
        assert_eq!(binary_rows(&[0.25, 1.0]), vec![0.75, 0.25, 0.0, 1.0]);
    }

    #[test]
    fn row_counts_check_the_length() {
        assert!(row_counts(crate::Weights::Unit, 3).expect("ok").is_none());
        assert_eq!(
            row_counts(crate::Weights::Counts(&[1, 2]), 3).expect_err("refused"),
            EnsembleError::SampleWeightCount { got: 2, rows: 3 }
        );
        let c = row_counts(crate::Weights::Counts(&[1, 2, 0]), 3)
            .expect("ok")
            .expect("counts");
        assert_eq!(&*c, &[1, 2, 0]);
    }
}
