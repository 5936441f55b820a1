//! From a loaded prediction file ([`PredictionSet`]) to the core's input ([`EvalData`]). The
//! decisions that change numbers (probabilities or raw scores, the classes of a one-class binary
//! file, group indices) are `verdict_core::prepare`'s; this module only moves the columns.

use std::path::{Path, PathBuf};
use verdict_core::eval::{EvalData, ScoreData};
use verdict_core::prepare;
use verdict_io::{PredictionOptions, PredictionSet, ReadOptions, Scores, Table, Task};

use crate::{ResultExt, shown};

/// Where one model's predictions come from: a file, or columns already in memory.
///
/// Why a table too: the Python package hands over NumPy arrays, and they must meet the same
/// validation as a file (labels, classes, probability rows, ids), with the same messages. A
/// table's [`Table::path`] is the name it goes by (the Python package's model name or
/// `<arrays>`), and its rows are located as `row N` (0-based, as NumPy and pandas count).
#[derive(Debug, Clone)]
pub enum Source {
    /// A predictions file, read with the spec's [`ReadOptions`].
    File(PathBuf),
    /// Columns in memory.
    Table(Box<Table>),
}

impl From<PathBuf> for Source {
    fn from(path: PathBuf) -> Source {
        Source::File(path)
    }
}

impl Source {
    /// The file, or the table's name.
    pub fn path(&self) -> &Path {
        match self {
            Source::File(p) => p,
            Source::Table(t) => &t.path,
        }
    }

    /// How reports and messages name it ([`shown`]).
    pub fn shown(&self) -> String {
        shown(self.path())
    }

    /// The model's name in a report: a file's stem, a table's name as it is.
    pub fn stem(&self) -> String {
        match self {
            Source::File(f) => f.file_stem().map_or_else(
                || f.display().to_string(),
                |s| s.to_string_lossy().into_owned(),
            ),
            Source::Table(t) => t.path.display().to_string(),
        }
    }

    /// Reads and validates the predictions; a file's failure is worded as [`load`]'s, a table's
    /// is the validator's own message (it already names the table, row and column).
    pub fn load(
        &self,
        read: &ReadOptions,
        opts: &PredictionOptions,
        verb: &str,
    ) -> crate::Result<PredictionSet> {
        match self {
            Source::File(p) => load(p, read, opts, verb),
            Source::Table(t) => Ok(verdict_io::predictions_from_table(t, opts)?),
        }
    }
}

/// Files as [`Source`]s.
pub fn files(paths: &[PathBuf]) -> Vec<Source> {
    paths.iter().cloned().map(Source::File).collect()
}

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
