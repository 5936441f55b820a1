//! Embedding matrices from a Parquet list column (a pandas column of numpy arrays, or a pyarrow
//! `list`/`large_list`/`fixed_size_list` of float32/float64).
//!
//! Only the requested column is decoded (a [`ProjectionMask`]). Each row must hold a non-null list of
//! the same length as row 0, with no null and no NaN/±inf element; every problem is an error naming
//! the 0-based row (as in pandas), the column and, for a bad element, its index. float64 elements are
//! cast to f32 exactly as in [`crate::npy`] (see there for why).

use std::path::Path;

use arrow_array::cast::AsArray;
use arrow_array::types::{Float32Type, Float64Type};
use arrow_array::{Array, PrimitiveArray};
use arrow_schema::DataType;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use crate::error::{Location, Position, ReadError};
use crate::npy::{Cell, EmbeddingError, EmbeddingMatrix, to_f32};
use crate::table::io_error;

const BATCH_ROWS: usize = 1 << 14;

/// The float elements of a list column.
enum Elems<'a> {
    F32(&'a PrimitiveArray<Float32Type>),
    F64(&'a PrimitiveArray<Float64Type>),
}

impl Elems<'_> {
    fn is_null(&self, k: usize) -> bool {
        match self {
            Elems::F32(a) => a.is_null(k),
            Elems::F64(a) => a.is_null(k),
        }
    }

    fn get(&self, k: usize) -> f64 {
        match self {
            Elems::F32(a) => f64::from(a.value(k)),
            Elems::F64(a) => a.value(k),
        }
    }
}

fn element_type(dt: &DataType) -> Option<&DataType> {
    match dt {
        DataType::List(f) | DataType::LargeList(f) | DataType::FixedSizeList(f, _) => {
            Some(f.data_type())
        }
        _ => None,
    }
}

/// Read the list column `column` of a Parquet file into an [`EmbeddingMatrix`]; `source_dtype` is
/// the element type (`"float32"` or `"float64"`).
pub fn read_embedding_column(
    path: impl AsRef<Path>,
    column: &str,
) -> Result<EmbeddingMatrix, EmbeddingError> {
    let path = path.as_ref();
    let file = std::fs::File::open(path).map_err(|e| io_error(path, e))?;
    let parquet_error = |source| ReadError::Parquet {
        path: path.to_path_buf(),
        source,
    };
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(parquet_error)?;
    let schema = builder.schema().clone();
    let Some((index, field)) = schema
        .fields()
        .iter()
        .enumerate()
        .find(|(_, f)| f.name() == column)
    else {
        return Err(ReadError::MissingColumn {
            path: path.to_path_buf(),
            column: column.to_owned(),
            available: schema.fields().iter().map(|f| f.name().clone()).collect(),
        }
        .into());
    };
    let unsupported = || EmbeddingError::UnsupportedColumn {
        path: path.to_path_buf(),
        column: column.to_owned(),
        data_type: field.data_type().to_string(),
    };
    let source_dtype = match element_type(field.data_type()) {
        Some(DataType::Float32) => "float32",
        Some(DataType::Float64) => "float64",
        _ => return Err(unsupported()),
    };
    let capacity = usize::try_from(builder.metadata().file_metadata().num_rows()).unwrap_or(0);
    let mask = ProjectionMask::roots(builder.parquet_schema(), [index]);
    let reader = builder
        .with_projection(mask)
        .with_batch_size(BATCH_ROWS)
        .build()
        .map_err(parquet_error)?;

    let row_at = |row: usize| Location {
        path: path.to_path_buf(),
        position: Position::Row(row),
        column: Some(column.to_owned()),
    };
    let mut data: Vec<f32> = Vec::new();
    let mut dim: Option<usize> = None;
    let mut rows = 0usize;
    for batch in reader {
        let batch = batch.map_err(|source| ReadError::Arrow {
            path: path.to_path_buf(),
            source,
        })?;
        let array = batch.column(0);
        // (start, len) of row i in `values`.
        let (values, spans): (&dyn Array, Vec<(usize, usize)>) =
            if let Some(l) = array.as_list_opt::<i32>() {
                let o = l.value_offsets();
                let spans = o
                    .windows(2)
                    .map(|w| (w[0] as usize, (w[1] - w[0]) as usize))
                    .collect();
                (l.values().as_ref(), spans)
            } else if let Some(l) = array.as_list_opt::<i64>() {
                let o = l.value_offsets();
                let spans = o
                    .windows(2)
                    .map(|w| (w[0] as usize, (w[1] - w[0]) as usize))
                    .collect();
                (l.values().as_ref(), spans)
            } else if let Some(l) = array.as_fixed_size_list_opt() {
                let len = l.value_length() as usize;
                let spans = (0..l.len()).map(|i| (l.value_offset_at(i), len)).collect();
                (l.values().as_ref(), spans)
            } else {
                return Err(unsupported());
            };
        let elems = if let Some(a) = values.as_primitive_opt::<Float32Type>() {
            Elems::F32(a)
        } else if let Some(a) = values.as_primitive_opt::<Float64Type>() {
            Elems::F64(a)
        } else {
            return Err(unsupported());
        };
        if data.capacity() == 0
            && let Some(&(_, len)) = spans.first()
        {
            data.reserve(capacity.saturating_mul(len));
        }
        for (i, &(start, len)) in spans.iter().enumerate() {
            let row = rows + i;
            if array.is_null(i) {
                return Err(EmbeddingError::NullRow { at: row_at(row) });
            }
            let expected = *dim.get_or_insert(len);
            if len != expected {
                return Err(EmbeddingError::Ragged {
                    at: row_at(row),
                    expected,
                    found: len,
                });
            }
            for j in 0..len {
                let at = || Cell {
                    path: path.to_path_buf(),
                    row,
                    index: j,
                    column: Some(column.to_owned()),
                };
                if elems.is_null(start + j) {
                    return Err(EmbeddingError::NullValue { at: at() });
                }
                data.push(to_f32(elems.get(start + j), at)?);
            }
        }
        rows += batch.num_rows();
    }
    let dim = dim.unwrap_or(0);
    if rows == 0 || dim == 0 {
        return Err(EmbeddingError::Empty {
            path: path.to_path_buf(),
            rows,
            dim,
        });
    }
    Ok(EmbeddingMatrix {
        path: path.to_path_buf(),
        rows,
        dim,
        data,
        source_dtype,
    })
}
