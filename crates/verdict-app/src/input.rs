//! From a loaded prediction file ([`PredictionSet`]) to the core's input ([`EvalData`]). The
//! decisions that change numbers (probabilities or raw scores, the classes of a one-class binary
//! file, group indices) are `verdict_core::prepare`'s; this module only moves the columns.

use std::path::Path;
use verdict_core::eval::{EvalData, ScoreData};
use verdict_core::prepare;
use verdict_io::{PredictionOptions, PredictionSet, ReadOptions, Scores, Task};

use crate::{ResultExt, shown};

/// Reads a prediction file; a failure is worded `cannot <verb> FILE: <why>`.
pub fn load(
    path: &Path,
    read: &ReadOptions,
    opts: &PredictionOptions,
    verb: &str,
) -> crate::Result<PredictionSet> {
    verdict_io::load_predictions(path, read, opts)
        .with_context(|| format!("cannot {verb} {}", shown(path)))
}

/// Moves the model outputs out of `set` (they can be large) into the core's input; `set` keeps
/// what the fingerprint and the report need.
pub fn to_eval_data(set: &mut PredictionSet) -> EvalData {
    let (classes, labels, pred, positive) = match set.task {
        Task::Binary => {
            let pred = match &set.scores {
                Scores::Predictions { pred } => Some(pred.as_slice()),
                _ => None,
            };
            let b = prepare::complete_binary_classes(&set.classes, &set.labels, pred, set.positive);
            (b.classes, b.labels, b.pred, Some(b.positive))
        }
        Task::Multiclass => (set.classes.clone(), set.labels.clone(), None, None),
    };
    let taken = std::mem::replace(&mut set.scores, Scores::Predictions { pred: Vec::new() });
    let (scores, probabilistic) = match taken {
        Scores::Binary { score } => {
            let p = prepare::scores_are_probabilities(&score);
            (ScoreData::Binary(score), p)
        }
        Scores::Probabilities { probs } | Scores::Logits { probs } => {
            (ScoreData::Probabilities(probs), true)
        }
        Scores::Predictions { pred: p } => (ScoreData::Predictions(pred.unwrap_or(p)), false),
    };
    EvalData {
        classes,
        positive,
        labels,
        scores,
        probabilistic,
        groups: set.groups.as_ref().map(|g| prepare::group_indices(g)),
    }
}

/// What the reports say about probability rows the reader divided by their sum (`None` when it
/// divided none).
pub fn normalization(set: &PredictionSet) -> Option<verdict_report::Normalization> {
    (set.normalized.rows > 0).then_some(verdict_report::Normalization {
        rows: set.normalized.rows,
        max_deviation: set.normalized.max_deviation,
    })
}

/// True when every model gives binary scores (threshold-free metrics and curves apply).
pub fn all_binary_scored(data: &[EvalData]) -> bool {
    data.iter()
        .all(|d| d.is_binary() && matches!(d.scores, ScoreData::Binary(_)))
}
