//! Writes a validated [`PredictionSet`] back as a Parquet file (zstd), so an evaluation can keep
//! the exact predictions it evaluated beside its results and a later comparison can pair them.
//!
//! The file uses the reader's default column names, so [`crate::load_predictions`] with default
//! options reads it back to the same set (same classes, labels, scores, ids and groups, hence the
//! same [`crate::fingerprint`]):
//! * `id` (text) when the set has ids, `group` (text) when it has groups;
//! * `label`: 64-bit integers when every class name is an integer (so the reader sorts the classes
//!   numerically, as scikit-learn sorts integer labels), else text;
//! * the model's output: `score` (binary scores), `prob_<class>` per class (probabilities, and
//!   logits after their softmax: what was evaluated), or `pred` (hard predictions, typed as
//!   `label`).
//!
//! The positive class of a binary set is not a column: a reader that must pick another than the
//! default (the greater label) passes it, as `--positive` does.

use crate::{PredictionSet, Scores};
use arrow_array::{ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;
use std::sync::Arc;

/// Why a prediction set could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write the predictions as Parquet: {0}")]
pub struct WriteError(String);

/// The set as a Parquet file's bytes (module docs for the columns).
///
/// # Errors
/// [`WriteError`] when the Parquet writer fails (it does not for a valid set).
pub fn predictions_parquet(set: &PredictionSet) -> Result<Vec<u8>, WriteError> {
    let integer_classes: Option<Vec<i64>> =
        set.classes.iter().map(|c| c.parse::<i64>().ok()).collect();
    let class_column = |idx: &[u32]| -> (DataType, ArrayRef) {
        match &integer_classes {
            Some(ints) => (
                DataType::Int64,
                Arc::new(Int64Array::from_iter_values(
                    idx.iter().map(|&i| ints[i as usize]),
                )),
            ),
            None => (
                DataType::Utf8,
                Arc::new(StringArray::from_iter_values(
                    idx.iter().map(|&i| set.classes[i as usize].as_str()),
                )),
            ),
        }
    };
    let mut fields = Vec::new();
    let mut columns: Vec<ArrayRef> = Vec::new();
    let mut text = |name: &str, values: &[String], fields: &mut Vec<Field>| {
        fields.push(Field::new(name, DataType::Utf8, false));
        columns.push(Arc::new(StringArray::from_iter_values(
            values.iter().map(String::as_str),
        )));
    };
    if let Some(ids) = &set.ids {
        text("id", ids, &mut fields);
    }
    if let Some(groups) = &set.groups {
        text("group", groups, &mut fields);
    }
    let (ty, labels) = class_column(&set.labels);
    fields.push(Field::new("label", ty, false));
    columns.push(labels);
    let k = set.classes.len();
    match &set.scores {
        Scores::Binary { score } => {
            fields.push(Field::new("score", DataType::Float64, false));
            columns.push(Arc::new(Float64Array::from(score.clone())));
        }
        Scores::Probabilities { probs } | Scores::Logits { probs } => {
            for (j, class) in set.classes.iter().enumerate() {
                fields.push(Field::new(
                    format!("prob_{class}"),
                    DataType::Float64,
                    false,
                ));
                columns.push(Arc::new(Float64Array::from_iter_values(
                    probs.iter().skip(j).step_by(k.max(1)).copied(),
                )));
            }
        }
        Scores::Predictions { pred } => {
            let (ty, values) = class_column(pred);
            fields.push(Field::new("pred", ty, false));
            columns.push(values);
        }
    }
    parquet_bytes(fields, columns)
}

/// A split manifest as a Parquet file's bytes (zstd) that [`crate::read_manifest`] reads back to
/// the same manifest with the columns `id`, `label` (the class names as text), `group` and `hash`
/// when present, and the metadata columns by their names.
///
/// # Errors
/// [`WriteError`] when a metadata column is named like one of the fixed columns, or the writer
/// fails.
pub fn manifest_parquet(m: &crate::Manifest) -> Result<Vec<u8>, WriteError> {
    let mut fields = Vec::new();
    let mut columns: Vec<ArrayRef> = Vec::new();
    let mut text = |name: &str, values: &[String]| {
        fields.push(Field::new(name, DataType::Utf8, false));
        columns.push(Arc::new(StringArray::from_iter_values(
            values.iter().map(String::as_str),
        )));
    };
    text("id", &m.ids);
    text("label", &m.labels);
    if let Some(g) = &m.groups {
        text("group", g);
    }
    if let Some(h) = &m.hashes {
        text("hash", h);
    }
    for (name, values) in &m.meta {
        if ["id", "label", "group", "hash"].contains(&name.as_str()) {
            return Err(WriteError(format!(
                "the metadata column `{name}` has the name of a manifest column; rename it"
            )));
        }
        text(name, values);
    }
    parquet_bytes(fields, columns)
}

/// One record batch of `columns` as a zstd Parquet file's bytes.
fn parquet_bytes(fields: Vec<Field>, columns: Vec<ArrayRef>) -> Result<Vec<u8>, WriteError> {
    let err = |e: &dyn std::fmt::Display| WriteError(e.to_string());
    let schema = Arc::new(Schema::new(fields));
    let batch = RecordBatch::try_new(schema.clone(), columns).map_err(|e| err(&e))?;
    let props = WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::default()))
        .build();
    let mut out = Vec::new();
    let mut writer = ArrowWriter::try_new(&mut out, schema, Some(props)).map_err(|e| err(&e))?;
    writer.write(&batch).map_err(|e| err(&e))?;
    writer.close().map_err(|e| err(&e))?;
    Ok(out)
}
