//! Pure kernels of Verdict: metrics, statistics and the bootstrap.
//!
//! This crate never touches a file, a socket or a clock, and it knows no wire format. It takes plain
//! slices (`&[f64]` scores, `&[bool]` or `&[u32]` labels, row-major probability matrices) and returns
//! plain structs, so that every number Verdict prints can be checked against scikit-learn in a unit test.
//!
//! * [`ranking`]: the one sort every threshold-free metric needs, and weighted AUC / AP over it.
//! * [`binary`]: binary classification metrics, curves and optimal thresholds.
//! * [`multiclass`]: multi-class metrics (per class and averaged), top-k, OvR/OvO AUC.
//! * [`calibration`]: reliability bins, ECE and MCE.
//! * [`paired`]: paired model comparison: McNemar, DeLong / Obuchowski, Holm, power.
//! * [`knn`]: exact brute-force k-nearest neighbours (cosine, dot, L2) by blocked f32 GEMM.
//! * [`retrieval`]: retrieval / metric-learning metrics from ranked relevance (PML and ranx conventions).
//! * [`fused`]: every binary scalar metric in one pass (the bootstrap's inner loop).
//! * [`bootstrap`]: seeded, thread-count-independent (cluster) bootstrap as count weights.
//! * [`stats`]: quantiles, the binomial test, normal quantiles.
//! * [`curves`]: learning curves by name, and the overfitting, failed-training and
//!   implausible-validation rules over them.
//! * [`compare`]: several models on one eval set: paired bootstrap, McNemar, DeLong, power.
//! * [`ensemble`]: combining several models' probabilities (soft / hard voting, rank averaging as
//!   scikit-learn does), learning the weights on validation data (Caruana's ensemble selection, the
//!   log-loss optimum), their bootstrap stability, and the members' error diversity, because an
//!   ensemble weighted by feel is never measured against its best member.
//! * [`diagnostics`]: the findings registry: every warning's id, status, scope and message templates.
//! * [`eval`]: the whole evaluation of one prediction set, as `verdict eval` reports it.
//! * [`prepare`]: the input decisions every front end shares (probabilities or raw scores, the
//!   classes of a one-class binary file, group and slice indices).
//! * [`metrics`]: the registry of classification metrics (name, direction, range, display names, value).
//! * [`label_review`]: confident learning as cleanlab 2.9's `find_label_issues` computes it (the
//!   same flagged ids, ranking and noise matrix), because an ensemble's "data refinement" must say
//!   which labels look wrong by a method a team can check against the library it knows.
//! * [`splits`]: train/val/test split manifests checked as data (group leakage, duplicates, label
//!   drift, metadata shortcuts, condition mismatch, small splits) and diffed, because a split's
//!   faults never show in the predictions of a model evaluated on it.
//!
//! Conventions (ties, zero division, bin edges) are documented on the function that applies them.
//!
//! # Weights
//! Every metric accepts optional **count weights** (`u32` per sample): a bootstrap replicate is the
//! vector of how often each sample was drawn, so the data are sorted once and each replicate costs
//! O(n). Counts are accumulated in `u64` and only cast to `f64` when dividing.
#![warn(missing_docs)]

pub mod binary;
pub mod bootstrap;
pub mod calibration;
pub mod compare;
pub mod curves;
pub mod diagnostics;
pub mod ensemble;
pub mod eval;
pub mod fused;
pub mod knn;
pub mod label_review;
pub mod metrics;
pub mod multiclass;
pub mod paired;
pub mod prepare;
pub mod ranking;
pub mod retrieval;
pub mod rng;
pub mod rules;
pub mod splits;
pub mod stats;

/// How samples are weighted in a metric computation.
#[derive(Debug, Clone, Copy)]
pub enum Weights<'a> {
    /// Every sample counts once (the point estimate).
    Unit,
    /// `counts[i]` is how often sample `i` was drawn (a bootstrap replicate).
    Counts(&'a [u32]),
    /// `counts[order[i]]`: per-sample counts seen through a reordering, so that a metric over a
    /// sorted layout (`order` = [`ranking::Ranked::original_indices`]) can use counts drawn per sample
    /// without copying them.
    Permuted {
        /// Per-sample counts.
        counts: &'a [u32],
        /// Position → sample index.
        order: &'a [u32],
    },
}

impl Weights<'_> {
    /// The weight of sample `i`.
    #[inline]
    pub fn get(&self, i: usize) -> u64 {
        match self {
            Weights::Unit => 1,
            Weights::Counts(c) => u64::from(c[i]),
            Weights::Permuted { counts, order } => u64::from(counts[order[i] as usize]),
        }
    }
}
