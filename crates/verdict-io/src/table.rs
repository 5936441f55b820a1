//! Reading a prediction file into typed columns, whatever its format.
//!
//! Why a table first: the three formats differ in how they type values (Parquet has a schema, CSV
//! has none, JSON Lines has a type per value), but the validator in [`crate::predictions`] wants
//! one question answered: "what is in column `c` at row `i`, and where is that in the file?". A
//! [`Table`] answers it with flat vectors ([`Values`]) plus a null mask per column, and a
//! [`Locator`] that turns a row index back into a CSV/JSONL line (quoted newlines and blank lines
//! included) or a Parquet row, so every later error can point at the cell.
//!
//! Type inference for text (CSV): a column whose every non-empty cell is an integer is
//! [`Values::I64`]; a column of numbers is [`Values::F64`], including the spellings pandas writes for
//! special values (`nan`, `inf`, `-inf`; Rust's parser accepts any case and `infinity`), which are kept
//! as NaN/±inf so the validator can reject them with a location; anything else is [`Values::Str`].
//! An empty cell is null. `True`/`False` in CSV stay strings (booleans are only typed in Parquet and
//! JSON), and render the same way as a typed boolean, so a label reads the same in every format.

mod builder;
mod csv;
mod jsonl;
mod parquet;

use std::borrow::Cow;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::error::{Location, Position, ReadError};

/// The three file formats Verdict reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Delimited text with a header line (`,` `\t` `;` or `|`).
    Csv,
    /// Apache Parquet (any codec among uncompressed, snappy, zstd).
    Parquet,
    /// JSON Lines: one JSON object per line.
    Jsonl,
}

impl Format {
    /// The format an extension stands for: `.csv` `.tsv` `.txt` → CSV, `.parquet` `.pq` → Parquet,
    /// `.jsonl` `.ndjson` `.json` → JSON Lines (case-insensitive). `None` for anything else.
    pub fn from_path(p: &Path) -> Option<Format> {
        let ext = p.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" | "tsv" | "txt" => Some(Format::Csv),
            "parquet" | "pq" => Some(Format::Parquet),
            "jsonl" | "ndjson" | "json" => Some(Format::Jsonl),
            _ => None,
        }
    }

    /// The lowercase name: `csv`, `parquet` or `jsonl`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Parquet => "parquet",
            Format::Jsonl => "jsonl",
        }
    }
}

/// How to read a file.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// The format; `None` = from the extension ([`Format::from_path`]).
    pub format: Option<Format>,
    /// The CSV delimiter; `None` = detected from the header line among `,` `\t` `;` `|`.
    pub delimiter: Option<u8>,
    /// Projection: read only these columns (each must exist). `None` = every column.
    pub columns: Option<Vec<String>>,
}

/// The values of one column. A null slot holds a placeholder (`0`, `0.0`, `false`, `""`); the null
/// mask on [`Column::nulls`] says which slots are null.
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    /// Floats (Parquet float16/32/64; text numbers that are not all integers). May hold NaN and ±inf.
    F64(Vec<f64>),
    /// Integers (Parquet int8..int64, uint8..uint64 up to `i64::MAX`; text integers).
    I64(Vec<i64>),
    /// Booleans (Parquet boolean; JSON `true`/`false`).
    Bool(Vec<bool>),
    /// Text (Parquet utf8/large utf8/utf8 view/dictionary of strings; any other text).
    Str(Vec<String>),
}

impl Values {
    /// Number of slots (rows).
    pub fn len(&self) -> usize {
        match self {
            Values::F64(v) => v.len(),
            Values::I64(v) => v.len(),
            Values::Bool(v) => v.len(),
            Values::Str(v) => v.len(),
        }
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The type's name, for messages: `float`, `integer`, `boolean`, `string`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Values::F64(_) => "float",
            Values::I64(_) => "integer",
            Values::Bool(_) => "boolean",
            Values::Str(_) => "string",
        }
    }
}

/// One column of a [`Table`].
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// The name from the header/schema/JSON key. An empty CSV header cell is named
    /// `Unnamed: <0-based index>` as pandas does.
    pub name: String,
    /// The values.
    pub values: Values,
    /// The null mask (`true` = null); `None` when the column has no nulls.
    pub nulls: Option<Vec<bool>>,
    /// The original text of each cell of a numeric column read from text, kept only when some cell
    /// does not print back the same way (`007`, `1e3`, `1` in a float column). `None` otherwise.
    pub raw: Option<Vec<String>>,
}

impl Column {
    /// The value of row `i` as a number: a float, or an integer as a float; `None` for a null or a
    /// column that is not numeric.
    pub fn number(&self, i: usize) -> Option<f64> {
        if self.is_null(i) {
            return None;
        }
        match &self.values {
            Values::F64(v) => v.get(i).copied(),
            Values::I64(v) => v.get(i).map(|&x| x as f64),
            Values::Bool(_) | Values::Str(_) => None,
        }
    }

    /// True for a float or integer column.
    pub fn is_numeric(&self) -> bool {
        matches!(self.values, Values::F64(_) | Values::I64(_))
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Whether row `i` is null.
    pub fn is_null(&self, i: usize) -> bool {
        self.nulls.as_ref().is_some_and(|m| m[i])
    }

    /// How many rows are null.
    pub fn null_count(&self) -> usize {
        self.nulls
            .as_ref()
            .map_or(0, |m| m.iter().filter(|&&n| n).count())
    }

    /// The text of row `i` (`None` if null): the original text when it was kept, else the value
    /// rendered as Python prints it (`1`, `0.1`, `1e-05`, `nan`, `True`), which is how pandas writes it.
    pub fn text(&self, i: usize) -> Option<Cow<'_, str>> {
        if self.is_null(i) {
            return None;
        }
        if let Some(raw) = &self.raw {
            return Some(Cow::Borrowed(raw[i].as_str()));
        }
        Some(match &self.values {
            Values::F64(v) => Cow::Owned(py_repr(v[i])),
            Values::I64(v) => Cow::Owned(v[i].to_string()),
            Values::Bool(v) => Cow::Borrowed(builder::bool_text(v[i])),
            Values::Str(v) => Cow::Borrowed(v[i].as_str()),
        })
    }
}

/// Turns a row index into a position in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Locator {
    /// Text formats: row `i` starts on line `lines[i]`, or on `first + i` when `lines` is `None`
    /// (every record is one line and no line was skipped, the common case, stored for free).
    Lines {
        /// Line of row 0 when `lines` is `None` (2 for CSV, after the header).
        first: u64,
        /// Explicit 1-based start line of every row, when some record spans lines or blank lines were skipped.
        lines: Option<Vec<u64>>,
    },
    /// Parquet: the 0-based row index is the position.
    Rows,
}

impl Locator {
    /// The position of row `row`.
    pub fn position(&self, row: usize) -> Position {
        match self {
            Locator::Lines {
                first,
                lines: Some(lines),
            } => Position::Line(lines.get(row).copied().unwrap_or(*first + row as u64)),
            Locator::Lines { first, lines: None } => Position::Line(*first + row as u64),
            Locator::Rows => Position::Row(row),
        }
    }

    /// "line 12" or "row 11", for messages that refer back to another row.
    pub fn describe(&self, row: usize) -> String {
        match self.position(row) {
            Position::Line(l) => format!("line {l}"),
            Position::Row(r) => format!("row {r}"),
            Position::File => "the file".to_owned(),
        }
    }
}

/// Records line numbers lazily: nothing is stored while row `i` sits on line `first + i`.
pub(crate) struct LineTracker {
    first: u64,
    lines: Option<Vec<u64>>,
    rows: usize,
}

impl LineTracker {
    pub(crate) fn new(first: u64) -> LineTracker {
        LineTracker {
            first,
            lines: None,
            rows: 0,
        }
    }

    pub(crate) fn push(&mut self, line: u64) {
        match &mut self.lines {
            Some(lines) => lines.push(line),
            None if line != self.first + self.rows as u64 => {
                let mut lines: Vec<u64> = (0..self.rows as u64).map(|i| self.first + i).collect();
                lines.push(line);
                self.lines = Some(lines);
            }
            None => {}
        }
        self.rows += 1;
    }

    pub(crate) fn finish(self) -> Locator {
        Locator::Lines {
            first: self.first,
            lines: self.lines,
        }
    }
}

/// A file read into columns.
#[derive(Debug, Clone)]
pub struct Table {
    /// The file, as given.
    pub path: PathBuf,
    /// Its format.
    pub format: Format,
    /// Number of data rows.
    pub n_rows: usize,
    /// The columns read (all, or the projection), in file order.
    pub columns: Vec<Column>,
    /// Every column name in the file, including those the projection skipped (for "the file has
    /// columns: …" hints).
    pub all_columns: Vec<String>,
    /// Row index → line/row.
    pub locator: Locator,
}

impl Table {
    /// The column named `name`, if it was read.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The location of row `row` in column `column`, for an error message.
    pub fn locate(&self, row: usize, column: &str) -> Location {
        Location {
            path: self.path.clone(),
            position: self.locator.position(row),
            column: Some(column.to_owned()),
        }
    }

    /// How a null reads in this format: "an empty cell" (CSV) or "null".
    pub fn null_word(&self) -> &'static str {
        match self.format {
            Format::Csv => "an empty cell",
            Format::Parquet | Format::Jsonl => "null",
        }
    }
}

/// Read `path` into a [`Table`]; the path `-` ([`STDIN`]) reads standard input, which needs an
/// explicit [`ReadOptions::format`].
///
/// # Errors
/// [`ReadError`] when the file is missing or unreadable, its format is unknown, a CSV record has the
/// wrong number of fields, a JSON Lines line is not a flat object, a Parquet column has an unsupported
/// type, or a projected column does not exist.
pub fn read_table(path: &Path, opts: &ReadOptions) -> Result<Table, ReadError> {
    let table = match &opts.columns {
        None => read_selected(path, opts, &|_| true)?,
        Some(wanted) => {
            let table = read_selected(path, opts, &|name| wanted.iter().any(|w| w == name))?;
            if let Some(missing) = wanted.iter().find(|w| table.column(w).is_none()) {
                return Err(ReadError::MissingColumn {
                    path: path.to_path_buf(),
                    column: missing.clone(),
                    available: table.all_columns.clone(),
                });
            }
            table
        }
    };
    Ok(table)
}

/// The path that means standard input, as in most command-line tools.
pub const STDIN: &str = "-";
/// How standard input is named in messages and reports.
pub const STDIN_NAME: &str = "<stdin>";

/// Read only the columns `select` accepts (names it rejects are skipped without error).
pub(crate) fn read_selected(
    path: &Path,
    opts: &ReadOptions,
    select: &dyn Fn(&str) -> bool,
) -> Result<Table, ReadError> {
    let (path, file, format) = if path == Path::new(STDIN) {
        // Standard input: spooled to an anonymous temporary file (Parquet needs to seek), and
        // named `<stdin>` in every message. Without a file name the format must be given.
        let shown = Path::new(STDIN_NAME);
        let format = opts.format.ok_or(ReadError::StdinFormat)?;
        let mut file = tempfile::tempfile().map_err(|e| io_error(shown, e))?;
        std::io::copy(&mut std::io::stdin().lock(), &mut file).map_err(|e| io_error(shown, e))?;
        std::io::Seek::rewind(&mut file).map_err(|e| io_error(shown, e))?;
        (shown, file, format)
    } else {
        let format = opts
            .format
            .or_else(|| Format::from_path(path))
            .ok_or_else(|| ReadError::UnknownFormat {
                path: path.to_path_buf(),
            })?;
        (path, open(path)?, format)
    };
    let parts = match format {
        Format::Csv => csv::read(path, file, opts.delimiter, select)?,
        Format::Jsonl => jsonl::read(path, file, select)?,
        Format::Parquet => parquet::read(path, file, select)?,
    };
    Ok(Table {
        path: path.to_path_buf(),
        format,
        n_rows: parts.n_rows,
        columns: parts.columns,
        all_columns: parts.all_columns,
        locator: parts.locator,
    })
}

/// What a format reader returns.
pub(crate) struct Parts {
    pub(crate) n_rows: usize,
    pub(crate) columns: Vec<Column>,
    pub(crate) all_columns: Vec<String>,
    pub(crate) locator: Locator,
}

fn open(path: &Path) -> Result<std::fs::File, ReadError> {
    std::fs::File::open(path).map_err(|e| io_error(path, e))
}

pub(crate) fn io_error(path: &Path, e: std::io::Error) -> ReadError {
    if e.kind() == std::io::ErrorKind::NotFound {
        ReadError::NotFound {
            path: path.to_path_buf(),
        }
    } else {
        ReadError::Io {
            path: path.to_path_buf(),
            source: e,
        }
    }
}

/// Fails on the first selected name that occurs twice.
pub(crate) fn check_duplicates(path: &Path, names: &[&str]) -> Result<(), ReadError> {
    let mut seen = std::collections::HashSet::new();
    for name in names {
        if !seen.insert(*name) {
            return Err(ReadError::DuplicateColumn {
                path: path.to_path_buf(),
                column: (*name).to_owned(),
            });
        }
    }
    Ok(())
}

/// A float as Python's `repr` prints it (what pandas writes to CSV): shortest round-trip digits,
/// positional for exponents in [-4, 16), else `1e-05`/`1.5e+16`; `nan`, `inf`, `-inf`.
pub(crate) fn py_repr(v: f64) -> String {
    let mut s = String::with_capacity(24);
    write_py_repr(&mut s, v);
    s
}

/// `py_repr(v) == text`, without allocating.
pub(crate) fn py_repr_eq(v: f64, text: &str) -> bool {
    let mut buf = StackBuf {
        buf: [0; 48],
        len: 0,
    };
    write_py_repr(&mut buf, v);
    buf.buf.get(..buf.len).is_some_and(|b| b == text.as_bytes())
}

struct StackBuf {
    buf: [u8; 48],
    len: usize,
}

impl std::fmt::Write for StackBuf {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        let dst = self.buf.get_mut(self.len..end).ok_or(std::fmt::Error)?;
        dst.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

fn write_py_repr(out: &mut impl std::fmt::Write, v: f64) {
    // Formatting into a String or a 48-byte buffer (longest output: 24 bytes) cannot fail.
    let _ = write_py_repr_inner(out, v);
}

fn write_py_repr_inner(out: &mut impl std::fmt::Write, v: f64) -> std::fmt::Result {
    if v.is_nan() {
        return out.write_str("nan");
    }
    if v.is_infinite() {
        return out.write_str(if v > 0.0 { "inf" } else { "-inf" });
    }
    // zmij prints the shortest round-trip digits ("0.00001", "1.5e-7", "1e+16"); re-lay them out.
    let mut buffer = zmij::Buffer::new();
    let shortest = buffer.format_finite(v);
    let (neg, unsigned) = match shortest.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, shortest),
    };
    let (mantissa_text, exp_text) = unsigned.split_once(['e', 'E']).unwrap_or((unsigned, "0"));
    let exp_shift: i32 = exp_text.parse().map_err(|_| std::fmt::Error)?;
    // Significant digits and the decimal exponent of the first one.
    let int_len = mantissa_text.find('.').unwrap_or(mantissa_text.len()) as i32;
    let mut all = [0u8; 40];
    let mut n_all = 0;
    for b in mantissa_text.bytes().filter(u8::is_ascii_digit) {
        let slot = all.get_mut(n_all).ok_or(std::fmt::Error)?;
        *slot = b;
        n_all += 1;
    }
    let lead = all[..n_all].iter().take_while(|&&b| b == b'0').count();
    let digits_slice = match all[lead..n_all].iter().rposition(|&b| b != b'0') {
        Some(last) => &all[lead..=lead + last],
        None => &b"0"[..],
    };
    let exp = if lead == n_all {
        0
    } else {
        int_len - 1 - lead as i32 + exp_shift
    };
    let mut mantissa_buf = StackBuf {
        buf: [0; 48],
        len: 0,
    };
    if let [first, rest @ ..] = digits_slice {
        mantissa_buf.write_char(char::from(*first))?;
        if !rest.is_empty() {
            mantissa_buf.write_char('.')?;
            mantissa_buf.write_str(std::str::from_utf8(rest).map_err(|_| std::fmt::Error)?)?;
        }
    }
    let mantissa =
        std::str::from_utf8(&mantissa_buf.buf[..mantissa_buf.len]).map_err(|_| std::fmt::Error)?;
    if neg {
        out.write_char('-')?;
    }
    if (-4..16).contains(&exp) {
        let mut digits = [0u8; 24];
        let mut n = 0;
        for b in mantissa.bytes().filter(u8::is_ascii_digit) {
            if let Some(d) = digits.get_mut(n) {
                *d = b;
                n += 1;
            }
        }
        let digits = std::str::from_utf8(&digits[..n]).map_err(|_| std::fmt::Error)?;
        if exp >= 0 {
            let int_len = exp as usize + 1;
            if n <= int_len {
                out.write_str(digits)?;
                for _ in n..int_len {
                    out.write_char('0')?;
                }
                out.write_str(".0")
            } else {
                out.write_str(&digits[..int_len])?;
                out.write_char('.')?;
                out.write_str(&digits[int_len..])
            }
        } else {
            out.write_str("0.")?;
            for _ in 0..(-exp - 1) {
                out.write_char('0')?;
            }
            out.write_str(digits)
        }
    } else {
        let sign = if exp < 0 { '-' } else { '+' };
        write!(out, "{mantissa}e{sign}{:02}", exp.unsigned_abs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_from_extensions() {
        assert_eq!(Format::from_path(Path::new("a.CSV")), Some(Format::Csv));
        assert_eq!(Format::from_path(Path::new("a.tsv")), Some(Format::Csv));
        assert_eq!(Format::from_path(Path::new("a.txt")), Some(Format::Csv));
        assert_eq!(Format::from_path(Path::new("a.pq")), Some(Format::Parquet));
        assert_eq!(
            Format::from_path(Path::new("a.parquet")),
            Some(Format::Parquet)
        );
        assert_eq!(
            Format::from_path(Path::new("a.ndjson")),
            Some(Format::Jsonl)
        );
        assert_eq!(Format::from_path(Path::new("a.json")), Some(Format::Jsonl));
        assert_eq!(Format::from_path(Path::new("a.jsonl")), Some(Format::Jsonl));
        assert_eq!(Format::from_path(Path::new("a.xlsx")), None);
        assert_eq!(Format::from_path(Path::new("noext")), None);
    }

    #[test]
    fn python_repr() {
        for (v, s) in [
            (0.1, "0.1"),
            (1.0, "1.0"),
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1e-5, "1e-05"),
            (1.5e-7, "1.5e-07"),
            (0.0001, "0.0001"),
            (123.456, "123.456"),
            (1e16, "1e+16"),
            (1.2345e20, "1.2345e+20"),
            (9999999999999998.0, "9999999999999998.0"),
            (-2.5, "-2.5"),
            (0.30000000000000004, "0.30000000000000004"),
            (f64::NAN, "nan"),
            (f64::NEG_INFINITY, "-inf"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (5e-324, "5e-324"),
        ] {
            assert_eq!(py_repr(v), s);
            assert!(py_repr_eq(v, s));
        }
        assert!(!py_repr_eq(0.5, "0.50"));
        // Round trip over many magnitudes.
        let mut x = 0.6180339887498949_f64;
        for k in -320..310 {
            x = (x * 3.7).fract() + 0.05;
            let v = x * 10f64.powi(k);
            if v.is_finite() {
                assert_eq!(py_repr(v).parse::<f64>().ok(), Some(v), "{v:e}");
                assert_eq!(py_repr(-v).parse::<f64>().ok(), Some(-v), "{v:e}");
            }
        }
    }

    #[test]
    fn line_tracker_is_lazy() {
        let mut t = LineTracker::new(2);
        t.push(2);
        t.push(3);
        assert_eq!(t.lines, None);
        t.push(5);
        t.push(6);
        let loc = t.finish();
        assert_eq!(
            loc,
            Locator::Lines {
                first: 2,
                lines: Some(vec![2, 3, 5, 6])
            }
        );
        assert_eq!(loc.position(2), Position::Line(5));
        assert_eq!(Locator::Rows.position(7), Position::Row(7));
    }
}
