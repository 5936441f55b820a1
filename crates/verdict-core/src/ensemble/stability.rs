//! How stable learned weights are: the weights re-learned on bootstrap resamples of the
//! validation rows.
//!
//! Weights learned on a few thousand validation rows carry sampling noise; a team that moves a
//! weight from 0.30 to 0.35 should first see whether 0.30 and 0.35 are both inside that noise.
//! Each replicate re-runs the same learner ([`WeightMethod`]) with the replicate's draw counts as
//! count weights (so a row drawn twice counts twice: [`super::caruana`] and
//! [`super::optimize_log_loss`] treat count weights exactly as repeated rows), and the per-member
//! summary is the median and the percentile interval of the replicates' weights.
//!
//! * Resampling: the crate's [`Resampler`] (plain, or clustered by a group column), replicate `b`
//!   from the stream `(seed, b)`: the same seed gives the same result on any machine and with any
//!   thread count, and the same count vectors as `verdict eval`'s bootstrap on the same rows.
//! * Summaries: [`crate::stats::quantile_sorted`] (numpy's default type-7 quantile) for the median,
//!   [`crate::stats::percentile_interval`] for `[q_{α/2}, q_{1−α/2}]`, `α = 1 − level`.

use rayon::prelude::*;

use super::optimize::minimise;
use super::select::{SelectionMetric, select_accuracy, select_log_loss};
use super::{EnsembleError, Members};
use crate::bootstrap::Resampler;
use crate::stats::{percentile_interval, quantile_sorted};

/// How weights are learned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeightMethod {
    /// Caruana et al.'s ensemble selection ([`super::caruana`]).
    Caruana {
        /// Rounds of selection.
        rounds: usize,
        /// The metric selected on.
        metric: SelectionMetric,
    },
    /// The log-loss optimum over the simplex ([`super::optimize_log_loss`]).
    LogLoss,
}

/// One member's learned weight under the bootstrap.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberStability {
    /// The median over replicates.
    pub median: f64,
    /// The lower end of the percentile interval.
    pub low: f64,
    /// The upper end.
    pub high: f64,
}

/// The learned weights under a bootstrap of the validation rows.
#[derive(Debug, Clone, PartialEq)]
pub struct WeightStability {
    /// One summary per member.
    pub members: Vec<MemberStability>,
    /// The interval level.
    pub level: f64,
    /// Every replicate's weights (`replicates[b][m]`), in replicate order.
    pub replicates: Vec<Vec<f64>>,
}

/// Re-learns the weights with `method` on `resamples` bootstrap replicates of the rows (drawn by
/// `resampler`, which must cover `members.rows()` rows) seeded by `seed`, and summarises each
/// member's weight by its median and `level` percentile interval.
///
/// # Errors
/// If `labels` do not fit the members, the resampler covers another number of rows, `resamples`
/// is 0, `level` is not in (0, 1), Caruana's `rounds` is 0, or there are no rows.
pub fn weight_stability(
    members: &Members<'_>,
    labels: &[u32],
    method: WeightMethod,
    resampler: &Resampler,
    resamples: usize,
    seed: u64,
    level: f64,
) -> Result<WeightStability, EnsembleError> {
    members.check_labels(labels)?;
    if resampler.len() != members.rows() {
        return Err(EnsembleError::SampleWeightCount {
            got: resampler.len(),
            rows: members.rows(),
        });
    }
    if resamples == 0 || !(level > 0.0 && level < 1.0) {
        return Err(EnsembleError::Stability { resamples, level });
    }
    if matches!(method, WeightMethod::Caruana { rounds: 0, .. }) {
        return Err(EnsembleError::NoRounds);
    }
    if members.rows() == 0 {
        return Err(EnsembleError::NoRows);
    }
    let m = members.count();
    // Only the log-loss learners need the true-class matrix; it is shared by every replicate.
    let a = match method {
        WeightMethod::Caruana {
            metric: SelectionMetric::Accuracy,
            ..
        } => Vec::new(),
        _ => members.true_class(labels),
    };
    let learn = |counts: &[u32]| -> Vec<f64> {
        let total: u64 = counts.iter().map(|&c| u64::from(c)).sum();
        if total == 0 {
            // Only a clustered resampler over empty groups could draw nothing.
            return vec![f64::NAN; m];
        }
        match method {
            WeightMethod::Caruana {
                rounds,
                metric: SelectionMetric::LogLoss,
            } => select_log_loss(&a, m, Some(counts), total, rounds).weights,
            WeightMethod::Caruana {
                rounds,
                metric: SelectionMetric::Accuracy,
            } => select_accuracy(members, labels, Some(counts), total, rounds).weights,
            WeightMethod::LogLoss => minimise(&a, m, Some(counts), total).weights,
        }
    };
    let replicates = resampler.run(resamples, seed, learn, &|| {});
    let summaries = (0..m)
        .into_par_iter()
        .map(|j| {
            let mut v: Vec<f64> = replicates
                .iter()
                .map(|r| r[j])
                .filter(|x| !x.is_nan())
                .collect();
            v.sort_by(f64::total_cmp);
            let (low, high, _) = percentile_interval(&v, level);
            MemberStability {
                median: quantile_sorted(&v, 0.5),
                low,
                high,
            }
        })
        .collect();
    Ok(WeightStability {
        members: summaries,
        level,
        replicates,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Weights;
    use crate::ensemble::testdata::binary;
    use crate::ensemble::{caruana, optimize_log_loss};

    fn problem(n: usize) -> (Vec<Vec<f64>>, Vec<u32>) {
        binary(n, 21, &[1.2, 1.1, 1.0], 3.0)
    }

    #[test]
    fn replicates_are_the_learners_on_the_drawn_counts() {
        let (probs, y) = problem(200);
        let refs: Vec<&[f64]> = probs.iter().map(Vec::as_slice).collect();
        let m = Members::new(refs, 2).expect("valid");
        let rs = Resampler::plain(y.len());
        let methods = [
            WeightMethod::LogLoss,
            WeightMethod::Caruana {
                rounds: 10,
                metric: SelectionMetric::LogLoss,
            },
            WeightMethod::Caruana {
                rounds: 10,
                metric: SelectionMetric::Accuracy,
            },
        ];
        for method in methods {
            let st = weight_stability(&m, &y, method, &rs, 40, 7, 0.9).expect("valid");
            assert_eq!(st.replicates.len(), 40);
            // Replicate 3 is the public learner on the counts of stream (7, 3).
            let mut counts = vec![0u32; y.len()];
            rs.draw(7, 3, &mut counts, &mut Vec::new());
            let w = match method {
                WeightMethod::LogLoss => {
                    optimize_log_loss(&m, &y, Weights::Counts(&counts))
                        .expect("valid")
                        .weights
                }
                WeightMethod::Caruana { rounds, metric } => {
                    caruana(&m, &y, rounds, metric, Weights::Counts(&counts))
                        .expect("valid")
                        .weights
                }
            };
            assert_eq!(st.replicates[3], w, "{method:?}");
            for (j, s) in st.members.iter().enumerate() {
                assert!(s.low <= s.median && s.median <= s.high, "{method:?} {s:?}");
                let mut v: Vec<f64> = st.replicates.iter().map(|r| r[j]).collect();
                v.sort_by(f64::total_cmp);
                assert_eq!(s.median, quantile_sorted(&v, 0.5));
                // percentile_interval's α/2 = (1 − level)/2, as `verdict eval`'s intervals.
                let half = (1.0 - 0.9) / 2.0;
                assert_eq!(s.low, quantile_sorted(&v, half));
                assert_eq!(s.high, quantile_sorted(&v, 1.0 - half));
            }
            // Same seed, same result; another seed, other replicates.
            assert_eq!(
                st,
                weight_stability(&m, &y, method, &rs, 40, 7, 0.9).expect("valid")
            );
            assert_ne!(
                st.replicates,
                weight_stability(&m, &y, method, &rs, 40, 8, 0.9)
                    .expect("valid")
                    .replicates
            );
        }
    }

    #[test]
    fn refusals() {
        let (probs, y) = problem(20);
        let refs: Vec<&[f64]> = probs.iter().map(Vec::as_slice).collect();
        let m = Members::new(refs, 2).expect("valid");
        let rs = Resampler::plain(20);
        let ll = WeightMethod::LogLoss;
        assert_eq!(
            weight_stability(&m, &y, ll, &rs, 0, 1, 0.9).expect_err("refused"),
            EnsembleError::Stability {
                resamples: 0,
                level: 0.9
            }
        );
        assert!(weight_stability(&m, &y, ll, &rs, 10, 1, 1.0).is_err());
        assert!(weight_stability(&m, &y, ll, &rs, 10, 1, f64::NAN).is_err());
        assert_eq!(
            weight_stability(&m, &y, ll, &Resampler::plain(19), 10, 1, 0.9).expect_err("refused"),
            EnsembleError::SampleWeightCount { got: 19, rows: 20 }
        );
        let zero = WeightMethod::Caruana {
            rounds: 0,
            metric: SelectionMetric::LogLoss,
        };
        assert_eq!(
            weight_stability(&m, &y, zero, &rs, 10, 1, 0.9).expect_err("refused"),
            EnsembleError::NoRounds
        );
    }
}
