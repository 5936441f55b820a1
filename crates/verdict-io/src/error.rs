//! Errors of the readers and of the prediction validator.
//!
//! Why one shape: a user who runs `verdict eval preds.csv` and gets an error must be able to open the
//! file at the right place and fix it. Every error therefore names the file and, where a cell is at
//! fault, a [`Location`] (`preds.csv:12: column "score"` for CSV and JSON Lines, whose line numbers are
//! 1-based physical lines; `preds.parquet: row 11: column "score"` for Parquet, whose rows are 0-based
//! as in pandas), then says what was expected and what was found:
//!
//! ```text
//! preds.csv:12: column "score": expected a number, found "abc"
//! ```

use std::fmt;
use std::path::{Path, PathBuf};

/// Where a cell sits in a prediction file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file, as the user gave it.
    pub path: PathBuf,
    /// The line (text formats) or row (Parquet).
    pub position: Position,
    /// The column, when one column is at fault.
    pub column: Option<String>,
}

/// A position inside a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    /// The file as a whole.
    File,
    /// A 1-based physical line of a CSV or JSON Lines file (the CSV header is line 1).
    Line(u64),
    /// A 0-based row of a Parquet file (row 0 is the first row of the first row group).
    Row(usize),
}

impl Location {
    /// A location that names only the file.
    pub fn file(path: &Path) -> Location {
        Location {
            path: path.to_path_buf(),
            position: Position::File,
            column: None,
        }
    }

    /// The same position, naming `column`.
    pub fn with_column(mut self, column: &str) -> Location {
        self.column = Some(column.to_owned());
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        match self.position {
            Position::File => {}
            Position::Line(line) => write!(f, ":{line}")?,
            Position::Row(row) => write!(f, ": row {row}")?,
        }
        if let Some(column) = &self.column {
            write!(f, ": column \"{column}\"")?;
        }
        Ok(())
    }
}

/// The path as printed in messages.
pub(crate) struct Shown<'a>(pub(crate) &'a Path);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.display())
    }
}

fn shown(path: &Path) -> Shown<'_> {
    Shown(path)
}

/// Comma-separated names for "the file has columns: …" hints.
pub(crate) fn list(names: &[String]) -> String {
    if names.is_empty() {
        "(none)".to_owned()
    } else {
        names.join(", ")
    }
}

/// Reading a file into a [`crate::Table`] failed.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file does not exist.
    #[error("{}: file not found", shown(.path))]
    NotFound {
        /// The file.
        path: PathBuf,
    },
    /// Any other I/O error.
    #[error("{}: {source}", shown(.path))]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Standard input (`-`) was given without a format.
    #[error(
        "<stdin>: standard input has no file name to tell its format: give it explicitly \
         (--input-format csv, parquet or jsonl)"
    )]
    StdinFormat,
    /// The extension does not say which format the file is in.
    #[error(
        "{}: unknown file format (expected a .csv, .tsv, .txt, .parquet, .pq, .jsonl, .ndjson or .json file, or an explicit format)",
        shown(.path)
    )]
    UnknownFormat {
        /// The file.
        path: PathBuf,
    },
    /// A CSV record has a different number of fields than the header.
    #[error("{}:{line}: expected {expected} fields as in the header, found {found}", shown(.path))]
    FieldCount {
        /// The file.
        path: PathBuf,
        /// 1-based line where the record starts.
        line: u64,
        /// Fields in the header.
        expected: usize,
        /// Fields in this record.
        found: usize,
    },
    /// An empty line inside a one-column CSV: there an empty value *is* an empty line, so it is
    /// reported, not skipped as blank lines are in files of several columns.
    #[error(
        "{at}: expected a value, found an empty line; in a one-column file an empty value is an empty line, and it is not skipped (fill in the value, or delete the line if it is not a row)"
    )]
    EmptyLine {
        /// The line and the file's one column.
        at: Location,
    },
    /// Any other CSV syntax error.
    #[error("{at}: {message}")]
    Csv {
        /// Where the parser stopped.
        at: Location,
        /// The parser's message.
        message: String,
    },
    /// Text that is not UTF-8.
    #[error("{at}: expected UTF-8 text, found invalid bytes")]
    Utf8 {
        /// The cell.
        at: Location,
    },
    /// Two columns share a name.
    #[error("{}: duplicate column \"{column}\"", shown(.path))]
    DuplicateColumn {
        /// The file.
        path: PathBuf,
        /// The repeated name.
        column: String,
    },
    /// A projected column does not exist.
    #[error("{}: missing column \"{column}\"; the file has columns: {}", shown(.path), list(.available))]
    MissingColumn {
        /// The file.
        path: PathBuf,
        /// The missing column.
        column: String,
        /// The columns the file has.
        available: Vec<String>,
    },
    /// A JSON Lines line is not valid JSON.
    #[error("{}:{line}: expected a JSON object, found invalid JSON ({message})", shown(.path))]
    Json {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: u64,
        /// serde_json's message.
        message: String,
    },
    /// A JSON Lines line is valid JSON but not an object.
    #[error("{}:{line}: expected a JSON object, found {found}", shown(.path))]
    NotAnObject {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: u64,
        /// What the line holds ("an array", "a number", …).
        found: &'static str,
    },
    /// A JSON value that is not a scalar.
    #[error("{at}: expected a number, string, boolean or null, found {found}")]
    NestedValue {
        /// The cell.
        at: Location,
        /// "an array" or "an object".
        found: &'static str,
    },
    /// An unsigned 64-bit integer too large for `i64`.
    #[error("{at}: expected an integer of at most {}, found {value}", i64::MAX)]
    IntegerOverflow {
        /// The cell.
        at: Location,
        /// The value.
        value: u64,
    },
    /// A Parquet column whose type Verdict does not read.
    #[error(
        "{}: column \"{column}\" has type {data_type}; expected a number, boolean or string column",
        shown(.path)
    )]
    UnsupportedType {
        /// The file.
        path: PathBuf,
        /// The column.
        column: String,
        /// The Arrow type, as Arrow prints it.
        data_type: String,
    },
    /// The Parquet file is corrupt or uses an unsupported feature.
    #[error("{}: cannot read Parquet: {source}", shown(.path))]
    Parquet {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: parquet::errors::ParquetError,
    },
    /// Arrow failed while decoding a Parquet file.
    #[error("{}: cannot read Parquet: {source}", shown(.path))]
    Arrow {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: arrow_schema::ArrowError,
    },
}

/// Turning a table into a [`crate::PredictionSet`] failed.
#[derive(Debug, thiserror::Error)]
pub enum PredictionError {
    /// The file could not be read.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// The file has no rows.
    #[error("{}: no rows to evaluate (the file is empty or has only a header)", shown(.path))]
    NoRows {
        /// The file.
        path: PathBuf,
    },
    /// A required column is missing.
    #[error("{}: missing {role} column \"{column}\"; the file has columns: {}", shown(.path), list(.available))]
    MissingColumn {
        /// The file.
        path: PathBuf,
        /// The missing column.
        column: String,
        /// What it is for ("label", "kept").
        role: &'static str,
        /// The columns the file has.
        available: Vec<String>,
    },
    /// No column holds predictions.
    #[error("{}: no predictions: expected {expected}; the file has columns: {}", shown(.path), list(.available))]
    NoPredictions {
        /// The file.
        path: PathBuf,
        /// The columns that would hold predictions, e.g. `a "score" column, "prob_<class>" or
        /// "logit_<class>" columns, or a "pred" column`.
        expected: String,
        /// The columns the file has.
        available: Vec<String>,
    },
    /// A cell holds something other than what its column needs.
    #[error("{at}: expected {expected}, found {found}")]
    Invalid {
        /// The cell (for a probability row: the row, with the column given as `prob_*`).
        at: Location,
        /// What was expected ("a number", "a finite number", "a probability in [0, 1]", "a label", …).
        expected: String,
        /// What was found, quoted if it is text ("\"abc\"", "NaN", "an empty cell", "null").
        found: String,
    },
    /// The same id on two rows.
    #[error("{at}: expected unique ids, found \"{id}\" again (first at {first})")]
    DuplicateId {
        /// The second occurrence.
        at: Location,
        /// The id.
        id: String,
        /// The first occurrence (line or row only).
        first: String,
    },
    /// A class that occurs as a label (or predicted class) has no probability/logit column.
    #[error(
        "{at}: label \"{class}\" has no \"{column}\" column; expected a column for every class, found: {}",
        list(.found)
    )]
    MissingClassColumn {
        /// The first row with that label.
        at: Location,
        /// The class.
        class: String,
        /// The column that would hold it (`prob_<class>`).
        column: Box<str>,
        /// The probability/logit columns that exist.
        found: Box<[String]>,
    },
    /// A single score column but more than two classes.
    #[error(
        "{}: column \"{column}\" holds binary scores, but the labels have {} classes ({}); expected at most 2, or \"{prefix}<class>\" columns for a multi-class task",
        shown(.path), .classes.len(), list(.classes)
    )]
    TooManyClasses {
        /// The file.
        path: PathBuf,
        /// The score column.
        column: String,
        /// The classes found.
        classes: Vec<String>,
        /// The probability prefix to suggest.
        prefix: String,
    },
    /// `--positive` names a class that is not in the data.
    #[error("{}: positive class \"{positive}\" is not a class of this file; expected one of: {}", shown(.path), list(.classes))]
    UnknownPositive {
        /// The file.
        path: PathBuf,
        /// The requested positive class.
        positive: String,
        /// The classes.
        classes: Vec<String>,
    },
    /// The requested task does not fit the data.
    #[error("{}: {message}", shown(.path))]
    Task {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
}
