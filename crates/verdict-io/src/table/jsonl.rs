//! JSON Lines reading: one object per line, parsed line by line so errors carry the line number.
//!
//! Blank lines are skipped (and the [`LineTracker`] keeps the line numbers right). Columns appear in
//! the order their keys are first seen; a key missing from a line is null on that line, so a
//! validator that needs the column reports the line instead of the row vanishing. Values must be
//! scalars: numbers (integers stay integers), strings, booleans or null. A UTF-8 byte-order mark
//! before the first line is skipped, as the CSV reader does.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;

use serde_json::Value;

use super::builder::ColumnBuilder;
use super::{LineTracker, Parts, io_error};
use crate::error::{Location, Position, ReadError};

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

pub(crate) fn read(
    path: &Path,
    file: std::fs::File,
    select: &dyn Fn(&str) -> bool,
) -> Result<Parts, ReadError> {
    let mut reader = BufReader::with_capacity(1 << 16, file);
    let mut names: Vec<String> = Vec::new();
    let mut all_columns: Vec<String> = Vec::new();
    let mut builders: Vec<ColumnBuilder> = Vec::new();
    let mut index: HashMap<String, Option<usize>> = HashMap::new();
    let mut lines = LineTracker::new(1);
    let mut n_rows = 0usize;
    let mut line_no = 0u64;
    let mut buf = String::new();
    loop {
        buf.clear();
        let n = reader.read_line(&mut buf).map_err(|e| {
            if e.kind() == std::io::ErrorKind::InvalidData {
                ReadError::Utf8 {
                    at: Location {
                        path: path.to_path_buf(),
                        position: Position::Line(line_no + 1),
                        column: None,
                    },
                }
            } else {
                io_error(path, e)
            }
        })?;
        if n == 0 {
            break;
        }
        line_no += 1;
        // A UTF-8 byte-order mark at the start of the file is not data (the CSV and TREC readers
        // skip it too); `trim` does not remove U+FEFF, so it would reach the JSON parser.
        let text = if line_no == 1 {
            buf.strip_prefix('\u{feff}').unwrap_or(&buf).trim()
        } else {
            buf.trim()
        };
        if text.is_empty() {
            continue;
        }
        let value: Value = serde_json::from_str(text).map_err(|e| ReadError::Json {
            path: path.to_path_buf(),
            line: line_no,
            message: e.to_string(),
        })?;
        let Value::Object(object) = value else {
            return Err(ReadError::NotAnObject {
                path: path.to_path_buf(),
                line: line_no,
                found: kind(&value),
            });
        };
        lines.push(line_no);
        for (key, v) in object {
            let slot = match index.get(&key) {
                Some(slot) => *slot,
                None => {
                    all_columns.push(key.clone());
                    let slot = if select(&key) {
                        let mut b = ColumnBuilder::new();
                        for _ in 0..n_rows {
                            b.push_null();
                        }
                        builders.push(b);
                        names.push(key.clone());
                        Some(builders.len() - 1)
                    } else {
                        None
                    };
                    index.insert(key.clone(), slot);
                    slot
                }
            };
            let Some(slot) = slot else { continue };
            let b = &mut builders[slot];
            match v {
                Value::Null => b.push_null(),
                Value::Bool(x) => b.push_bool(x),
                Value::Number(num) => {
                    if let Some(i) = num.as_i64() {
                        b.push_int(i, None);
                    } else if let Some(u) = num.as_u64() {
                        // Larger than i64::MAX: a float, keeping the exact digits as text.
                        b.push_float(u as f64, Some(&u.to_string()));
                    } else {
                        b.push_float(num.as_f64().unwrap_or(f64::NAN), None);
                    }
                }
                Value::String(s) => b.push_str(&s),
                Value::Array(_) | Value::Object(_) => {
                    return Err(ReadError::NestedValue {
                        at: Location {
                            path: path.to_path_buf(),
                            position: Position::Line(line_no),
                            column: Some(key),
                        },
                        found: kind(&v),
                    });
                }
            }
        }
        n_rows += 1;
        for b in &mut builders {
            if b.len() < n_rows {
                b.push_null();
            }
        }
    }
    let columns = builders
        .into_iter()
        .zip(names)
        .map(|(b, name)| b.finish(name))
        .collect();
    Ok(Parts {
        n_rows,
        columns,
        all_columns,
        locator: lines.finish(),
    })
}
