//! Prediction-file readers for Verdict: CSV, Parquet and JSON Lines in, a validated
//! [`PredictionSet`] out.
//!
//! Why a separate crate: `verdict-core` computes metrics on plain slices and must never see a file.
//! Everything that can go wrong with a user's file (a missing column, a `nan` score, a probability row
//! that sums to 0.98, a duplicated id) is caught here, with the file, line (or Parquet row) and column
//! in the message, before a single metric is computed. No row is ever dropped silently.
//!
//! * [`table`]: any supported file → typed columns with null masks and a line/row [`Locator`].
//! * [`predictions`]: typed columns → labels, classes, scores/probabilities/predictions, ids, groups;
//!   plus the eval-set [`fingerprint`].
//! * [`align`](mod@align): several models' predictions lined up on one eval set, or a refusal saying how
//!   the files differ.
//! * [`write`](mod@write): a [`PredictionSet`] back to Parquet, read back to the same set.
//! * [`config`]: `verdict.toml`, a project's settings (the run checks' thresholds), refused with
//!   the file, line and key when it holds anything else.
//! * [`manifest`]: split manifests (id, label, group, hash, metadata) for `verdict splits`.
//! * [`error`]: [`ReadError`] and [`PredictionError`], and the [`Location`] they print.

#![warn(missing_docs)]

pub mod align;
pub mod config;
pub mod embeddings;
pub mod error;
pub mod manifest;
pub mod npy;
pub mod predictions;
pub mod rules;
pub mod table;
pub mod trec;
pub mod write;

pub use align::{AlignError, Pairing, align, canonical_order};
pub use embeddings::read_embedding_column;
pub use error::{Location, Position, PredictionError, ReadError};
pub use manifest::{Manifest, ManifestColumns, read_manifest};
pub use npy::{Cell, EmbeddingError, EmbeddingMatrix, read_npy};
pub use predictions::{
    ColumnNames, Inputs, Normalized, PredictionOptions, PredictionSet, ROW_SUM_ROUNDING, Scores,
    Task, fingerprint, fingerprint_rows, label_names, load_predictions, predictions_from_table,
    row_sum_tolerance,
};
pub use table::{
    Column, Format, Locator, ReadOptions, STDIN, STDIN_NAME, Table, Values, read_table,
};
pub use trec::{
    JsonPos, Qrels, RankingError, RankingFormat, Run, ranx_order, read_qrels, read_run,
};
pub use write::{WriteError, manifest_parquet, predictions_parquet};
