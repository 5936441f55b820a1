//! The registry of classification metrics: one line per metric.
//!
//! Why: a metric used to live in four places kept aligned by hand (the parallel name and value
//! lists of [`Scalars`](crate::eval::Scalars), the loss list of `compare::higher_is_better`, the
//! report's display names and the docs), so a new metric, or a reordered one, could silently pair
//! a name with another metric's value. Now the list below is the only place: its order is the
//! order of `metrics` in every report and JSON document, [`Scalars`](crate::eval::Scalars) takes
//! its names *and* its values from it (filtered by [`Applies`]), the comparison reads the
//! direction from it, `verdict-report` its display names, and a test checks the metric table of
//! `docs/eval-json.md` against it. Like ruff's `codes.rs`, the list is a macro input, so the
//! [`MetricId`] enum and the [`METRICS`] table are generated together and cannot drift.
//!
//! Adding a metric is: one line here; its arm in [`MetricId::of`], read from the output of the
//! kernel that computes it ([`BinaryScalars`] or [`MulticlassScalars`]; add a field there if the
//! kernel does not compute it yet; a test fails on an entry without an arm); a row in
//! `docs/eval-json.md` (a test compares the table with this list); and its tests.
//!
//! The hot path stays what it was: a bootstrap replicate runs the kernel once and then reads each
//! selected metric from its output by one `match` ([`MetricId::of`]), into one `Vec`.

use std::fmt;

use crate::binary::Confusion;
use crate::fused::BinaryScalars;
use crate::multiclass::Averages;

/// Whether a larger or a smaller value is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// A score: larger is better.
    Higher,
    /// A loss or an error: smaller is better.
    Lower,
}

impl Direction {
    /// True when `a` is strictly better than `b`.
    pub fn better(self, a: f64, b: f64) -> bool {
        match self {
            Direction::Lower => a < b,
            Direction::Higher => a > b,
        }
    }

    /// `min` or `max` (Keras' `mode`).
    pub fn mode(self) -> &'static str {
        match self {
            Direction::Lower => "min",
            Direction::Higher => "max",
        }
    }

    /// `"higher"` or `"lower"` (the docs table's words).
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Higher => "higher",
            Direction::Lower => "lower",
        }
    }
}

/// The values a metric can take: `[lo, hi]`, with `hi = ∞` an open end.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    /// Smallest value.
    pub lo: f64,
    /// Largest value (`f64::INFINITY` when unbounded).
    pub hi: f64,
}

/// `[0, 1]`: rates, AUCs, calibration errors.
pub const UNIT: Range = Range { lo: 0.0, hi: 1.0 };
/// `[-1, 1]`: correlations.
pub const SIGNED_UNIT: Range = Range { lo: -1.0, hi: 1.0 };
/// `[0, ∞)`: unbounded losses.
pub const NON_NEGATIVE: Range = Range {
    lo: 0.0,
    hi: f64::INFINITY,
};

impl fmt::Display for Range {
    /// `[0, 1]`, `[-1, 1]`, `[0, ∞)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.hi.is_infinite() {
            write!(f, "[{}, ∞)", self.lo)
        } else {
            write!(f, "[{}, {}]", self.lo, self.hi)
        }
    }
}

/// The task of an evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Task {
    /// Two classes, one score (or prediction) for the positive class.
    Binary,
    /// More than two classes (or a two-class problem given as a probability matrix).
    Multiclass,
}

/// What the model gave, from least to most informative: each level allows the metrics of the
/// levels before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Input {
    /// Hard predictions only: the threshold metrics.
    Predictions,
    /// Scores that rank the samples (binary): adds the threshold-free ranking metrics.
    Scores,
    /// Probabilities (or logits turned into them): adds the losses and calibration.
    Probabilities,
}

impl Input {
    /// `"predictions"`, `"scores"` or `"probabilities"` (the docs table's words).
    pub fn as_str(self) -> &'static str {
        match self {
            Input::Predictions => "predictions",
            Input::Scores => "scores",
            Input::Probabilities => "probabilities",
        }
    }
}

/// What one evaluation has: the task, the model's input and the number of classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// The task.
    pub task: Task,
    /// What the model gave.
    pub input: Input,
    /// Number of classes.
    pub classes: usize,
}

/// Which evaluations a metric applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Applies {
    /// The least input a binary task needs for this metric; `None`: not for binary tasks.
    pub binary: Option<Input>,
    /// The least input a multi-class task needs; `None`: not for multi-class tasks.
    pub multiclass: Option<Input>,
    /// The fewest classes (top-k accuracy needs more than k classes).
    pub min_classes: usize,
}

impl Applies {
    /// Every task, from hard predictions on.
    pub const ANY: Applies = Applies::new(Some(Input::Predictions), Some(Input::Predictions));
    /// Binary, from hard predictions on.
    pub const BINARY: Applies = Applies::new(Some(Input::Predictions), None);
    /// Binary with scores.
    pub const BINARY_SCORES: Applies = Applies::new(Some(Input::Scores), None);
    /// Binary with probabilities.
    pub const BINARY_PROBABILITIES: Applies = Applies::new(Some(Input::Probabilities), None);
    /// Multi-class, from hard predictions on.
    pub const MULTICLASS: Applies = Applies::new(None, Some(Input::Predictions));
    /// Multi-class with probabilities.
    pub const MULTICLASS_PROBABILITIES: Applies = Applies::new(None, Some(Input::Probabilities));
    /// Every task, with probabilities.
    pub const PROBABILITIES: Applies =
        Applies::new(Some(Input::Probabilities), Some(Input::Probabilities));

    const fn new(binary: Option<Input>, multiclass: Option<Input>) -> Applies {
        Applies {
            binary,
            multiclass,
            min_classes: 2,
        }
    }

    /// Top-`k` accuracy: multi-class with probabilities and more than `k` classes (with `k`
    /// classes or fewer it is always 1).
    pub const fn top(k: usize) -> Applies {
        Applies {
            min_classes: k + 1,
            ..Applies::MULTICLASS_PROBABILITIES
        }
    }

    /// Whether the metric is computed for an evaluation of `shape`.
    pub fn to(self, shape: Shape) -> bool {
        let least = match shape.task {
            Task::Binary => self.binary,
            Task::Multiclass => self.multiclass,
        };
        least.is_some_and(|least| shape.input >= least) && shape.classes >= self.min_classes
    }
}

/// One classification metric.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MetricInfo {
    /// Its id.
    pub id: MetricId,
    /// The stable name in reports and JSON: scikit-learn's function name without `_score`, with
    /// an averaging suffix where needed. Never renamed (a stored run is keyed by it).
    pub name: &'static str,
    /// Whether larger is better.
    pub direction: Direction,
    /// The values it can take.
    pub range: Range,
    /// Which evaluations compute it.
    pub applies: Applies,
    /// How English prose calls it.
    pub display_en: &'static str,
    /// How Korean prose calls it (metric names stay scikit-learn's in Korean reports too).
    pub display_ko: &'static str,
}

impl MetricInfo {
    /// True when larger is better.
    pub fn higher_is_better(&self) -> bool {
        self.direction == Direction::Higher
    }
}

/// Generates [`MetricId`] and [`METRICS`] from one list, in one order.
macro_rules! registry {
    ($($id:ident = $name:literal, $dir:ident, $range:expr, $applies:expr, $en:literal, $ko:literal;)*) => {
        /// A classification metric; [`MetricId::info`] is its line of the registry.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum MetricId {
            $(
                #[doc = concat!("`", $name, "`.")]
                $id,
            )*
        }

        /// Every classification metric, in report order (the order of `metrics` in the JSON).
        pub static METRICS: &[MetricInfo] = &[
            $(MetricInfo {
                id: MetricId::$id,
                name: $name,
                direction: Direction::$dir,
                range: $range,
                applies: $applies,
                display_en: $en,
                display_ko: $ko,
            },)*
        ];
    };
}

// The order is the report order. Binary evaluations list the threshold metrics, then the ranking
// metrics, then losses and calibration; multi-class ones accuracy, top-k, the averages, the AUCs,
// then log loss and calibration: filtering this one list by `Applies` gives both.
registry! {
    // id               name                    better  range         applies                                 en                      ko
    Accuracy          = "accuracy",             Higher, UNIT,         Applies::ANY,                           "accuracy",             "accuracy";
    BalancedAccuracy  = "balanced_accuracy",    Higher, UNIT,         Applies::ANY,                           "balanced_accuracy",    "balanced_accuracy";
    Precision         = "precision",            Higher, UNIT,         Applies::BINARY,                        "precision",            "precision";
    Recall            = "recall",               Higher, UNIT,         Applies::BINARY,                        "recall",               "recall";
    Specificity       = "specificity",          Higher, UNIT,         Applies::BINARY,                        "specificity",          "specificity";
    F1                = "f1",                   Higher, UNIT,         Applies::BINARY,                        "F1",                   "F1";
    MatthewsCorrcoef  = "matthews_corrcoef",    Higher, SIGNED_UNIT,  Applies::BINARY,                        "matthews_corrcoef",    "matthews_corrcoef";
    RocAuc            = "roc_auc",              Higher, UNIT,         Applies::BINARY_SCORES,                 "ROC AUC",              "ROC AUC";
    AveragePrecision  = "average_precision",    Higher, UNIT,         Applies::BINARY_SCORES,                 "AP",                   "AP";
    Top2Accuracy      = "top_2_accuracy",       Higher, UNIT,         Applies::top(2),                        "top_2_accuracy",       "top_2_accuracy";
    Top3Accuracy      = "top_3_accuracy",       Higher, UNIT,         Applies::top(3),                        "top_3_accuracy",       "top_3_accuracy";
    PrecisionMacro    = "precision_macro",      Higher, UNIT,         Applies::MULTICLASS,                    "precision_macro",      "precision_macro";
    PrecisionWeighted = "precision_weighted",   Higher, UNIT,         Applies::MULTICLASS,                    "precision_weighted",   "precision_weighted";
    PrecisionMicro    = "precision_micro",      Higher, UNIT,         Applies::MULTICLASS,                    "precision_micro",      "precision_micro";
    RecallMacro       = "recall_macro",         Higher, UNIT,         Applies::MULTICLASS,                    "recall_macro",         "recall_macro";
    RecallWeighted    = "recall_weighted",      Higher, UNIT,         Applies::MULTICLASS,                    "recall_weighted",      "recall_weighted";
    RecallMicro       = "recall_micro",         Higher, UNIT,         Applies::MULTICLASS,                    "recall_micro",         "recall_micro";
    F1Macro           = "f1_macro",             Higher, UNIT,         Applies::MULTICLASS,                    "f1_macro",             "f1_macro";
    F1Weighted        = "f1_weighted",          Higher, UNIT,         Applies::MULTICLASS,                    "f1_weighted",          "f1_weighted";
    F1Micro           = "f1_micro",             Higher, UNIT,         Applies::MULTICLASS,                    "f1_micro",             "f1_micro";
    RocAucOvrMacro    = "roc_auc_ovr_macro",    Higher, UNIT,         Applies::MULTICLASS_PROBABILITIES,      "roc_auc_ovr_macro",    "roc_auc_ovr_macro";
    RocAucOvrWeighted = "roc_auc_ovr_weighted", Higher, UNIT,         Applies::MULTICLASS_PROBABILITIES,      "roc_auc_ovr_weighted", "roc_auc_ovr_weighted";
    RocAucOvoMacro    = "roc_auc_ovo_macro",    Higher, UNIT,         Applies::MULTICLASS_PROBABILITIES,      "roc_auc_ovo_macro",    "roc_auc_ovo_macro";
    LogLoss           = "log_loss",             Lower,  NON_NEGATIVE, Applies::PROBABILITIES,                 "log_loss",             "log_loss";
    BrierScore        = "brier_score",          Lower,  UNIT,         Applies::BINARY_PROBABILITIES,          "brier_score",          "brier_score";
    Ece               = "ece",                  Lower,  UNIT,         Applies::PROBABILITIES,                 "ece",                  "ece";
    Mce               = "mce",                  Lower,  UNIT,         Applies::PROBABILITIES,                 "mce",                  "mce";
}

/// The multi-class scalar metrics of one (re)sample: what
/// [`Scalars`](crate::eval::Scalars) computes for a multi-class task, read by [`MetricId::of`].
#[derive(Debug, Clone, PartialEq)]
pub struct MulticlassScalars {
    /// Accuracy.
    pub accuracy: f64,
    /// Balanced accuracy.
    pub balanced_accuracy: f64,
    /// Top-2 and top-3 accuracy, when computed (probabilities, enough classes).
    pub top: [Option<f64>; 2],
    /// Precision, recall and F1 averages.
    pub averages: Averages,
    /// With probabilities: OvR macro and weighted, OvO macro ROC AUC.
    pub roc_auc: Option<[f64; 3]>,
    /// Log loss, with probabilities.
    pub log_loss: Option<f64>,
    /// Top-label ECE and MCE, with probabilities.
    pub calibration: Option<(f64, f64)>,
}

/// What a kernel computed for one (re)sample, from which [`MetricId::of`] reads each metric.
#[derive(Debug, Clone, Copy)]
pub enum Computed<'a> {
    /// Binary with scores: the fused kernel's output.
    Binary(&'a BinaryScalars),
    /// Binary with hard predictions: the confusion counts.
    BinaryPredictions(&'a Confusion),
    /// Multi-class.
    Multiclass(&'a MulticlassScalars),
}

impl MetricId {
    /// Its line of the registry.
    pub fn info(self) -> &'static MetricInfo {
        // The macro lists the enum and the table in one order.
        &METRICS[self as usize]
    }

    /// The stable name.
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// True when larger is better.
    pub fn higher_is_better(self) -> bool {
        self.info().higher_is_better()
    }

    /// The metric's value in `c`: NaN when `c` does not have it (a kernel of another task, or an
    /// input without probabilities; [`Applies`] keeps such pairs apart).
    #[inline]
    pub fn of(self, c: Computed<'_>) -> f64 {
        use MetricId as M;
        let nan = f64::NAN;
        match c {
            Computed::Binary(b) => match self {
                M::RocAuc => b.roc_auc,
                M::AveragePrecision => b.average_precision,
                M::LogLoss => b.log_loss.unwrap_or(nan),
                M::BrierScore => b.brier_score.unwrap_or(nan),
                M::Ece => b.calibration.as_ref().map_or(nan, |c| c.ece),
                M::Mce => b.calibration.as_ref().map_or(nan, |c| c.mce),
                _ => self.of_confusion(&b.confusion),
            },
            Computed::BinaryPredictions(c) => self.of_confusion(c),
            Computed::Multiclass(m) => {
                let a = &m.averages;
                match self {
                    M::Accuracy => m.accuracy,
                    M::BalancedAccuracy => m.balanced_accuracy,
                    M::Top2Accuracy => m.top[0].unwrap_or(nan),
                    M::Top3Accuracy => m.top[1].unwrap_or(nan),
                    M::PrecisionMacro => a.precision_macro,
                    M::PrecisionWeighted => a.precision_weighted,
                    M::PrecisionMicro => a.precision_micro,
                    M::RecallMacro => a.recall_macro,
                    M::RecallWeighted => a.recall_weighted,
                    M::RecallMicro => a.recall_micro,
                    M::F1Macro => a.f1_macro,
                    M::F1Weighted => a.f1_weighted,
                    M::F1Micro => a.f1_micro,
                    M::RocAucOvrMacro => m.roc_auc.map_or(nan, |r| r[0]),
                    M::RocAucOvrWeighted => m.roc_auc.map_or(nan, |r| r[1]),
                    M::RocAucOvoMacro => m.roc_auc.map_or(nan, |r| r[2]),
                    M::LogLoss => m.log_loss.unwrap_or(nan),
                    M::Ece => m.calibration.map_or(nan, |c| c.0),
                    M::Mce => m.calibration.map_or(nan, |c| c.1),
                    _ => nan,
                }
            }
        }
    }

    /// The threshold metrics of binary confusion counts.
    #[inline]
    fn of_confusion(self, c: &Confusion) -> f64 {
        match self {
            MetricId::Accuracy => c.accuracy(),
            MetricId::BalancedAccuracy => c.balanced_accuracy(),
            MetricId::Precision => c.precision(),
            MetricId::Recall => c.recall(),
            MetricId::Specificity => c.specificity(),
            MetricId::F1 => c.f1(),
            MetricId::MatthewsCorrcoef => c.matthews_corrcoef(),
            _ => f64::NAN,
        }
    }
}

/// The registry line of the metric named `name`.
pub fn lookup(name: &str) -> Option<&'static MetricInfo> {
    METRICS.iter().find(|m| m.name == name)
}

/// The metrics an evaluation of `shape` computes, in report order.
pub fn applicable(shape: Shape) -> impl Iterator<Item = &'static MetricInfo> {
    METRICS.iter().filter(move |m| m.applies.to(shape))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn shape(task: Task, input: Input, classes: usize) -> Shape {
        Shape {
            task,
            input,
            classes,
        }
    }

    fn names(s: Shape) -> Vec<&'static str> {
        applicable(s).map(|m| m.name).collect()
    }

    #[test]
    fn names_are_unique_and_ids_index_the_table() {
        let mut seen = HashSet::new();
        for (i, m) in METRICS.iter().enumerate() {
            assert!(seen.insert(m.name), "{} twice", m.name);
            assert_eq!(m.id as usize, i);
            assert!(std::ptr::eq(m.id.info(), m));
            assert_eq!(lookup(m.name), Some(m));
        }
        assert_eq!(lookup("roc_auc_micro"), None);
    }

    #[test]
    fn directions_match_the_kind_of_metric() {
        for m in METRICS {
            let loss = matches!(m.name, "log_loss" | "brier_score" | "ece" | "mce");
            assert_eq!(m.higher_is_better(), !loss, "{}", m.name);
        }
        assert!(MetricId::RocAuc.higher_is_better());
        assert!(!MetricId::LogLoss.higher_is_better());
        assert!(lookup("average_precision").is_some_and(MetricInfo::higher_is_better));
        // The comparison reads the registry; a name it does not know counts as a score.
        for m in METRICS {
            assert_eq!(
                crate::compare::higher_is_better(m.name),
                m.higher_is_better()
            );
        }
        assert!(crate::compare::higher_is_better("no_such_metric"));
        // The name heuristic for logged training curves agrees wherever it has an opinion.
        for m in METRICS {
            if let Some(d) = crate::curves::direction_from_name(m.name) {
                let higher = d == crate::curves::Direction::Higher;
                assert_eq!(higher, m.higher_is_better(), "{}", m.name);
            }
        }
    }

    #[test]
    fn ranges_hold_the_undefined_free_values() {
        assert_eq!(UNIT.to_string(), "[0, 1]");
        assert_eq!(SIGNED_UNIT.to_string(), "[-1, 1]");
        assert_eq!(NON_NEGATIVE.to_string(), "[0, ∞)");
        for m in METRICS {
            assert!(m.range.lo < m.range.hi, "{}", m.name);
        }
    }

    #[test]
    fn filtering_gives_each_report_order() {
        let base = [
            "accuracy",
            "balanced_accuracy",
            "precision",
            "recall",
            "specificity",
            "f1",
            "matthews_corrcoef",
        ];
        assert_eq!(names(shape(Task::Binary, Input::Predictions, 2)), base);
        let scores = [&base[..], &["roc_auc", "average_precision"]].concat();
        assert_eq!(names(shape(Task::Binary, Input::Scores, 2)), scores);
        let probs = [&scores[..], &["log_loss", "brier_score", "ece", "mce"]].concat();
        assert_eq!(names(shape(Task::Binary, Input::Probabilities, 2)), probs);

        let averages = [
            "precision_macro",
            "precision_weighted",
            "precision_micro",
            "recall_macro",
            "recall_weighted",
            "recall_micro",
            "f1_macro",
            "f1_weighted",
            "f1_micro",
        ];
        let preds = [&["accuracy", "balanced_accuracy"][..], &averages].concat();
        assert_eq!(names(shape(Task::Multiclass, Input::Predictions, 5)), preds);
        let auc = [
            "roc_auc_ovr_macro",
            "roc_auc_ovr_weighted",
            "roc_auc_ovo_macro",
            "log_loss",
            "ece",
            "mce",
        ];
        let with_tops = |tops: &[&'static str]| {
            [
                &["accuracy", "balanced_accuracy"][..],
                tops,
                &averages,
                &auc,
            ]
            .concat()
        };
        let p = Input::Probabilities;
        assert_eq!(
            names(shape(Task::Multiclass, p, 3)),
            with_tops(&["top_2_accuracy"])
        );
        let both = ["top_2_accuracy", "top_3_accuracy"];
        assert_eq!(names(shape(Task::Multiclass, p, 4)), with_tops(&both));
        assert_eq!(names(shape(Task::Multiclass, p, 2)), with_tops(&[]));
    }

    /// Every entry has its arm in [`MetricId::of`]: read from a kernel output of a task it
    /// applies to, it is a number, not the NaN of a missing arm.
    #[test]
    fn every_metric_has_a_value_in_its_kernels_output() {
        use crate::calibration::{Binning, CalibrationConfig};
        use crate::fused::BinaryKernel;
        use crate::ranking::Ranked;
        let cal = CalibrationConfig {
            n_bins: 5,
            binning: Binning::Uniform,
            high_confidence: 0.9,
        };
        let y = [false, true, true, false, true];
        let ranked = Ranked::new(&[0.2, 0.9, 0.6, 0.7, 0.4], &y);
        let binary =
            BinaryKernel::new(ranked, 0.5, Some(&cal), false).compute(crate::Weights::Unit);
        let v = 0.5;
        let multi = MulticlassScalars {
            accuracy: v,
            balanced_accuracy: v,
            top: [Some(v); 2],
            averages: Averages {
                precision_macro: v,
                precision_weighted: v,
                precision_micro: v,
                recall_macro: v,
                recall_weighted: v,
                recall_micro: v,
                f1_macro: v,
                f1_weighted: v,
                f1_micro: v,
            },
            roc_auc: Some([v; 3]),
            log_loss: Some(v),
            calibration: Some((v, v)),
        };
        for m in METRICS {
            if m.applies.binary.is_some() {
                assert!(!m.id.of(Computed::Binary(&binary)).is_nan(), "{}", m.name);
            }
            if m.applies.multiclass.is_some() {
                assert_eq!(m.id.of(Computed::Multiclass(&multi)), v, "{}", m.name);
            }
        }
    }

    #[test]
    fn every_metric_applies_somewhere_and_reads_its_kernel() {
        for m in METRICS {
            assert!(m.applies.binary.is_some() || m.applies.multiclass.is_some());
        }
        let c = Confusion {
            tp: 3,
            fp: 1,
            tn: 4,
            fn_: 2,
        };
        for (id, v) in [
            MetricId::Accuracy,
            MetricId::BalancedAccuracy,
            MetricId::Precision,
            MetricId::Recall,
            MetricId::Specificity,
            MetricId::F1,
            MetricId::MatthewsCorrcoef,
        ]
        .iter()
        .zip(c.metric_values())
        {
            assert_eq!(id.of(Computed::BinaryPredictions(&c)), v);
        }
        assert!(
            MetricId::RocAuc
                .of(Computed::BinaryPredictions(&c))
                .is_nan()
        );
    }
}
