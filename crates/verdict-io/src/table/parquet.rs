//! Parquet reading through arrow-rs: a projected `RecordBatch` reader, copied into flat vectors.
//!
//! Only the selected top-level columns are decoded (a [`ProjectionMask`]), in large batches, and
//! primitive arrays are appended with slice copies, so a 10M-row (int64, float64) file reads in a
//! fraction of a second. Types are mapped once from the schema: every integer width → `I64`
//! (uint64 above `i64::MAX` is an error naming the row), float16/32/64 → `F64`, boolean → `Bool`,
//! utf8/large utf8/utf8 view → `Str`, dictionaries (pandas `category`) → the type of their values.
//! Anything else (timestamps, decimals, lists, …) is an error naming the column and its type.

use std::path::Path;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Float16Type, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type,
    UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrowPrimitiveType};
use arrow_schema::DataType;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use super::{Column, Locator, Parts, Values, check_duplicates};
use crate::error::{Location, Position, ReadError};

const BATCH_ROWS: usize = 1 << 16;

#[derive(Clone, Copy)]
enum Kind {
    F64,
    I64,
    Bool,
    Str,
}

/// The [`Values`] variant a column of type `dt` reads into, or `None` if unsupported.
fn kind_of(dt: &DataType) -> Option<Kind> {
    match dt {
        DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::Int64
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32
        | DataType::UInt64 => Some(Kind::I64),
        DataType::Float16 | DataType::Float32 | DataType::Float64 => Some(Kind::F64),
        DataType::Boolean => Some(Kind::Bool),
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Null => {
            Some(Kind::Str)
        }
        DataType::Dictionary(key, value) if key.is_dictionary_key_type() => kind_of(value),
        _ => None,
    }
}

/// A growing column.
struct Acc {
    values: Values,
    nulls: Option<Vec<bool>>,
}

/// A cell that does not fit (only uint64 above `i64::MAX`): (index in the array, value).
struct Overflow(usize, u64);

impl Acc {
    fn new(kind: Kind, capacity: usize) -> Acc {
        let values = match kind {
            Kind::F64 => Values::F64(Vec::with_capacity(capacity)),
            Kind::I64 => Values::I64(Vec::with_capacity(capacity)),
            Kind::Bool => Values::Bool(Vec::with_capacity(capacity)),
            Kind::Str => Values::Str(Vec::with_capacity(capacity)),
        };
        Acc {
            values,
            nulls: None,
        }
    }

    /// Extend the null mask by `array`'s validity (materializing it at the first null).
    fn extend_nulls(&mut self, array: &dyn Array, before: usize) {
        let n = array.len();
        match array.logical_nulls() {
            Some(validity) if validity.null_count() > 0 => {
                let mask = self.nulls.get_or_insert_with(|| vec![false; before]);
                mask.extend(validity.iter().map(|valid| !valid));
            }
            _ => {
                if let Some(mask) = &mut self.nulls {
                    mask.extend(std::iter::repeat_n(false, n));
                }
            }
        }
    }

    fn append(&mut self, array: &dyn Array) -> Result<(), Overflow> {
        let before = self.values.len();
        if let Some(dict) = array.as_any_dictionary_opt() {
            // Decode the (small) dictionary, then gather it by key.
            let values = dict.values();
            let mut decoded = Acc::new(
                kind_of(values.data_type()).unwrap_or(Kind::Str),
                values.len(),
            );
            decoded.append(values.as_ref())?;
            let keys = if values.is_empty() {
                vec![0; array.len()]
            } else {
                dict.normalized_keys()
            };
            let key_nulls = dict.keys().logical_nulls();
            let had_nulls = self.nulls.is_some();
            let mut mask = self.nulls.take().unwrap_or_else(|| vec![false; before]);
            let mut batch_nulls = false;
            for (i, &k) in keys.iter().enumerate() {
                let null = key_nulls.as_ref().is_some_and(|n| n.is_null(i))
                    || k >= decoded.values.len()
                    || decoded.nulls.as_ref().is_some_and(|m| m[k]);
                mask.push(null);
                batch_nulls |= null;
                let k = if null { usize::MAX } else { k };
                match (&mut self.values, &decoded.values) {
                    (Values::F64(out), Values::F64(d)) => {
                        out.push(d.get(k).copied().unwrap_or(0.0))
                    }
                    (Values::I64(out), Values::I64(d)) => out.push(d.get(k).copied().unwrap_or(0)),
                    (Values::Bool(out), Values::Bool(d)) => {
                        out.push(d.get(k).copied().unwrap_or(false))
                    }
                    (Values::Str(out), Values::Str(d)) => {
                        out.push(d.get(k).cloned().unwrap_or_default())
                    }
                    _ => {}
                }
            }
            if had_nulls || batch_nulls {
                self.nulls = Some(mask);
            }
            return Ok(());
        }
        self.extend_nulls(array, before);
        match &mut self.values {
            Values::F64(out) => {
                if let Some(a) = array.as_primitive_opt::<Float64Type>() {
                    out.extend_from_slice(a.values());
                } else if let Some(a) = array.as_primitive_opt::<Float32Type>() {
                    out.extend(a.values().iter().map(|&v| f64::from(v)));
                } else if let Some(a) = array.as_primitive_opt::<Float16Type>() {
                    out.extend(a.values().iter().map(|v| v.to_f64()));
                }
            }
            Values::I64(out) => {
                if let Some(a) = array.as_primitive_opt::<Int64Type>() {
                    out.extend_from_slice(a.values());
                } else if let Some(a) = array.as_primitive_opt::<UInt64Type>() {
                    for (i, &v) in a.values().iter().enumerate() {
                        match i64::try_from(v) {
                            Ok(v) => out.push(v),
                            Err(_) if a.is_null(i) => out.push(0),
                            Err(_) => return Err(Overflow(i, v)),
                        }
                    }
                } else {
                    extend_ints::<Int32Type>(out, array);
                    extend_ints::<Int16Type>(out, array);
                    extend_ints::<Int8Type>(out, array);
                    extend_ints::<UInt32Type>(out, array);
                    extend_ints::<UInt16Type>(out, array);
                    extend_ints::<UInt8Type>(out, array);
                }
            }
            Values::Bool(out) => {
                if let Some(a) = array.as_boolean_opt() {
                    out.extend(a.values().iter());
                }
            }
            Values::Str(out) => {
                if let Some(a) = array.as_string_opt::<i32>() {
                    out.extend(a.iter().map(|s| s.unwrap_or_default().to_owned()));
                } else if let Some(a) = array.as_string_opt::<i64>() {
                    out.extend(a.iter().map(|s| s.unwrap_or_default().to_owned()));
                } else if let Some(a) = array.as_string_view_opt() {
                    out.extend(a.iter().map(|s| s.unwrap_or_default().to_owned()));
                } else if *array.data_type() == DataType::Null {
                    // Every slot is null; `extend_nulls` marked them.
                    out.extend(std::iter::repeat_n(String::new(), array.len()));
                }
            }
        }
        Ok(())
    }
}

fn extend_ints<T>(out: &mut Vec<i64>, array: &dyn Array)
where
    T: ArrowPrimitiveType,
    T::Native: Into<i64>,
{
    if let Some(a) = array.as_primitive_opt::<T>() {
        out.extend(a.values().iter().map(|&v| v.into()));
    }
}

pub(crate) fn read(
    path: &Path,
    file: std::fs::File,
    select: &dyn Fn(&str) -> bool,
) -> Result<Parts, ReadError> {
    let parquet_error = |source| ReadError::Parquet {
        path: path.to_path_buf(),
        source,
    };
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(parquet_error)?;
    let schema = builder.schema().clone();
    let all_columns: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
    let capacity = usize::try_from(builder.metadata().file_metadata().num_rows()).unwrap_or(0);

    let mut selected = Vec::new();
    let mut names = Vec::new();
    let mut accs = Vec::new();
    for (k, field) in schema.fields().iter().enumerate() {
        if !select(field.name()) {
            continue;
        }
        let kind = kind_of(field.data_type()).ok_or_else(|| ReadError::UnsupportedType {
            path: path.to_path_buf(),
            column: field.name().clone(),
            data_type: field.data_type().to_string(),
        })?;
        selected.push(k);
        names.push(field.name().as_str());
        accs.push(Acc::new(kind, capacity));
    }
    check_duplicates(path, &names)?;

    let mask = ProjectionMask::roots(builder.parquet_schema(), selected.iter().copied());
    let reader = builder
        .with_projection(mask)
        .with_batch_size(BATCH_ROWS)
        .build()
        .map_err(parquet_error)?;
    let mut n_rows = 0usize;
    for batch in reader {
        let batch = batch.map_err(|source| ReadError::Arrow {
            path: path.to_path_buf(),
            source,
        })?;
        if batch.num_columns() != accs.len() {
            return Err(ReadError::Parquet {
                path: path.to_path_buf(),
                source: parquet::errors::ParquetError::General(format!(
                    "expected {} projected columns, found {}",
                    accs.len(),
                    batch.num_columns()
                )),
            });
        }
        for (j, acc) in accs.iter_mut().enumerate() {
            acc.append(batch.column(j).as_ref())
                .map_err(|Overflow(i, value)| ReadError::IntegerOverflow {
                    at: Location {
                        path: path.to_path_buf(),
                        position: Position::Row(n_rows + i),
                        column: Some(names[j].to_owned()),
                    },
                    value,
                })?;
        }
        n_rows += batch.num_rows();
    }
    let columns = accs
        .into_iter()
        .zip(&names)
        .map(|(acc, name)| Column {
            name: (*name).to_owned(),
            values: acc.values,
            nulls: acc.nulls,
            raw: None,
        })
        .collect();
    Ok(Parts {
        n_rows,
        columns,
        all_columns,
        locator: Locator::Rows,
    })
}
