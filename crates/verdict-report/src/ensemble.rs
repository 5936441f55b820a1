//! Rendering an ensemble (`verdict ensemble`): the verdict lines, the JSON document
//! (`docs/ensemble-json.md`), the sections of the terminal and Markdown reports, and the plots.
//!
//! The report is about four questions, in this order: is the ensemble better than its best
//! member (the comparison of the ensemble with every member, paired tests); are the weights
//! better than the alternatives given (the same tests, a family of their own); which member
//! carries it (leave one member out); which labels look wrong (the label review). The
//! comparisons are [`CompareReport`]s, so their tables and JSON are exactly those of
//! `verdict compare`.

use crate::compare::CompareReport;
use verdict_core::diagnostics::Finding;
use verdict_core::ensemble::{Optimum, PairDiversity, Selection, WeightStability};
use verdict_core::label_review::LabelReview;

/// How the members' outputs are combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Voting {
    /// The weighted mean of the probability rows (scikit-learn's `voting="soft"`).
    Soft,
    /// The weighted majority of the members' predicted classes (`voting="hard"`).
    Hard,
    /// Binary only: the weighted mean of the members' normalised ranks (a score, not a
    /// probability).
    Rank,
}

impl Voting {
    /// `soft`, `hard` or `rank`.
    pub fn as_str(self) -> &'static str {
        match self {
            Voting::Soft => "soft",
            Voting::Hard => "hard",
            Voting::Rank => "rank",
        }
    }
}

/// How weights were learned, and on what.
#[derive(Debug, Clone)]
pub struct Learned {
    /// `caruana` or `logloss`.
    pub method: &'static str,
    /// `validation` (the `--val` files) or `test` (`--allow-test-fit`).
    pub on: &'static str,
    /// Rows learned on.
    pub rows: usize,
    /// Caruana's selection (its order, counts and the metric after every round).
    pub selection: Option<Selection>,
    /// The log-loss optimum.
    pub optimum: Option<Optimum>,
    /// The learned weights under a bootstrap of the rows learned on.
    pub stability: Option<WeightStability>,
}

/// One set of member weights.
#[derive(Debug, Clone)]
pub struct Weighting {
    /// Its name: `caruana`, `logloss`, `given` (`given#2`, … when several), or `equal`.
    pub label: String,
    /// Normalised weights, one per member.
    pub weights: Vec<f64>,
    /// How they were learned, when they were.
    pub learned: Option<Learned>,
}

/// The ensemble without one member.
#[derive(Debug, Clone, PartialEq)]
pub struct LeaveOneOut {
    /// The member left out.
    pub member: usize,
    /// The headline metric without it (NaN when the others' weights sum to 0).
    pub value: f64,
    /// `value` minus the full ensemble's.
    pub delta: f64,
    /// What the member adds in the metric's better direction (positive: it helps).
    pub contribution: f64,
    /// The paired-bootstrap interval of `delta`.
    pub ci: Option<(f64, f64)>,
    /// The paired-bootstrap p-value of `delta`.
    pub p_value: Option<f64>,
}

/// The label review of one set of probabilities.
#[derive(Debug, Clone)]
pub struct LabelReviewReport {
    /// Whose probabilities: `ensemble` or a member's name.
    pub source: String,
    /// Row ids (the id column, or row numbers from 0).
    pub ids: Vec<String>,
    /// Class names.
    pub classes: Vec<String>,
    /// Given labels (class indices).
    pub labels: Vec<u32>,
    /// Confident learning's result.
    pub review: LabelReview,
}

/// An ensemble with everything a report says about it.
#[derive(Debug, Clone)]
pub struct EnsembleReport {
    /// Member names (file stems).
    pub names: Vec<String>,
    /// Member files (test).
    pub sources: Vec<String>,
    /// Validation files, when given.
    pub val_sources: Vec<String>,
    /// The test set's fingerprint.
    pub fingerprint: String,
    /// How the outputs are combined.
    pub voting: Voting,
    /// Every weighting, the ensemble's first.
    pub weightings: Vec<Weighting>,
    /// The ensemble (model 0) against every member (models 1…): baseline the ensemble.
    pub members: CompareReport,
    /// The member with the best headline metric (index into `names`).
    pub best_member: usize,
    /// The ensemble (model 0) against the other weightings, when there are any.
    pub reweighting: Option<CompareReport>,
    /// The ensemble without each member, in member order (empty with one member).
    pub leave_one_out: Vec<LeaveOneOut>,
    /// Pairwise diversity of the members on the test set.
    pub diversity: Vec<PairDiversity>,
    /// The most redundant pair (highest Q).
    pub most_redundant: Option<(usize, usize)>,
    /// The label review, when asked for.
    pub label_review: Option<LabelReviewReport>,
    /// The ensemble's findings (member contributions, weights, label review), then the
    /// comparison's.
    pub findings: Vec<Finding>,
}
