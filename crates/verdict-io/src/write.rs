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
    let err = |e: &dyn std::fmt::Display| WriteError(e.to_string());
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
