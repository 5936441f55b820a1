//! CSV (and TSV, `;`- or `|`-separated) reading: `ByteRecord` streaming with per-column type inference.
//!
//! Records are read as bytes and only the selected columns are decoded, so wide files cost little.
//! Each record's start line is computed from its byte offset (quoted newlines make a record span
//! lines, and the csv parser skips blank lines without counting them in its own line numbers): a
//! thin [`LineIndex`] reader notes where `\n` and `\r` bytes pass by, for the bytes still ahead of
//! the parser only. The [`LineTracker`] stores the lines only when they stop being "header + row + 1".

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use csv::{ByteRecord, ErrorKind, ReaderBuilder};

use super::builder::ColumnBuilder;
use super::{LineTracker, Parts, check_duplicates, io_error};
use crate::error::{Location, Position, ReadError};

const CANDIDATES: [u8; 4] = [b',', b'\t', b';', b'|'];

/// The candidate delimiter that occurs most often (outside quotes) in the header line; ties go to the
/// earlier of `,` `\t` `;` `|`; `,` when none occurs (a single-column file).
pub(crate) fn detect_delimiter(head: &[u8]) -> u8 {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let mut counts = [0usize; 4];
    let mut quoted = false;
    for &b in head {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            _ if !quoted => {
                if let Some(k) = CANDIDATES.iter().position(|&c| c == b) {
                    counts[k] += 1;
                }
            }
            _ => {}
        }
    }
    let mut best = 0;
    for k in 1..CANDIDATES.len() {
        if counts[k] > counts[best] {
            best = k;
        }
    }
    CANDIDATES[best]
}

/// A reader that remembers the offsets of line-break bytes not yet attributed to a record, so that
/// the physical line of a record can be computed from its byte offset.
struct LineIndex<R> {
    inner: R,
    offset: u64,
    marks: VecDeque<(u64, u8)>,
    newlines: u64,
}

impl<R> LineIndex<R> {
    fn new(inner: R) -> LineIndex<R> {
        LineIndex {
            inner,
            offset: 0,
            marks: VecDeque::new(),
            newlines: 0,
        }
    }

    /// The 1-based line of the record the parser reports at byte `byte` (which is where the previous
    /// record ended: blank lines in between are skipped here). Calls must not go backwards.
    fn line_of(&mut self, byte: u64) -> u64 {
        while let Some(&(at, c)) = self.marks.front() {
            if at >= byte {
                break;
            }
            self.newlines += u64::from(c == b'\n');
            self.marks.pop_front();
        }
        let mut start = byte;
        while let Some(&(at, c)) = self.marks.front() {
            if at != start {
                break;
            }
            self.newlines += u64::from(c == b'\n');
            self.marks.pop_front();
            start += 1;
        }
        self.newlines + 1
    }
}

impl<R: Read> Read for LineIndex<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let base = self.offset;
        for (i, &c) in buf.get(..n).unwrap_or_default().iter().enumerate() {
            if c == b'\n' || c == b'\r' {
                self.marks.push_back((base + i as u64, c));
            }
        }
        self.offset += n as u64;
        Ok(n)
    }
}

fn csv_error<R>(path: &Path, e: csv::Error, index: &mut LineIndex<R>) -> ReadError {
    let line = e.position().map(|p| index.line_of(p.byte()));
    let message = e.to_string();
    match e.into_kind() {
        ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => ReadError::FieldCount {
            path: path.to_path_buf(),
            line: line.unwrap_or(0),
            expected: usize::try_from(expected_len).unwrap_or(usize::MAX),
            found: usize::try_from(len).unwrap_or(usize::MAX),
        },
        ErrorKind::Io(source) => io_error(path, source),
        _ => ReadError::Csv {
            at: Location {
                path: path.to_path_buf(),
                position: line.map_or(Position::File, Position::Line),
                column: None,
            },
            message,
        },
    }
}

/// One cell into its builder. `Err(())` if the cell is not UTF-8.
fn push_cell(b: &mut ColumnBuilder, cell: &[u8]) -> Result<(), ()> {
    if cell.is_empty() {
        b.push_null();
        return Ok(());
    }
    let s = std::str::from_utf8(cell).map_err(|_| ())?;
    if b.is_str() {
        b.push_str(s);
        return Ok(());
    }
    let t = s.trim();
    if let Ok(i) = t.parse::<i64>() {
        b.push_int(i, Some(s));
    } else if let Ok(f) = t.parse::<f64>() {
        b.push_float(f, Some(s));
    } else {
        b.push_str(s);
    }
    Ok(())
}

pub(crate) fn read(
    path: &Path,
    file: std::fs::File,
    delimiter: Option<u8>,
    select: &dyn Fn(&str) -> bool,
) -> Result<Parts, ReadError> {
    let mut reader = BufReader::with_capacity(1 << 16, file);
    let delimiter = match delimiter {
        Some(d) => d,
        None => detect_delimiter(reader.fill_buf().map_err(|e| io_error(path, e))?),
    };
    let mut rdr = ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(true)
        .flexible(false)
        .buffer_capacity(1 << 16)
        .from_reader(LineIndex::new(reader));

    let header = match rdr.byte_headers() {
        Ok(header) => header.clone(),
        Err(e) => return Err(csv_error(path, e, rdr.get_mut())),
    };
    let mut all_columns = Vec::with_capacity(header.len());
    for (k, name) in header.iter().enumerate() {
        let name = std::str::from_utf8(name).map_err(|_| ReadError::Utf8 {
            at: Location {
                path: path.to_path_buf(),
                position: Position::Line(1),
                column: None,
            },
        })?;
        all_columns.push(if name.is_empty() {
            format!("Unnamed: {k}")
        } else {
            name.to_owned()
        });
    }
    let mut selected: Vec<(usize, ColumnBuilder)> = all_columns
        .iter()
        .enumerate()
        .filter(|(_, name)| select(name))
        .map(|(k, _)| (k, ColumnBuilder::new()))
        .collect();
    let names: Vec<&str> = selected
        .iter()
        .map(|(k, _)| all_columns[*k].as_str())
        .collect();
    check_duplicates(path, &names)?;

    let mut record = ByteRecord::new();
    let mut lines = LineTracker::new(2);
    let mut n_rows = 0usize;
    // In a one-column file an empty value is an empty line, which the csv parser skips: the line
    // each record should start on (the previous one's start + its quoted newlines + 1) tells them
    // apart. Empty lines after the last record are the end of the file, not values.
    let one_column = header.len() == 1;
    let newlines = |r: &ByteRecord| r.iter().flatten().filter(|&&b| b == b'\n').count() as u64;
    let mut next_line = 2 + newlines(&header);
    loop {
        match rdr.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(csv_error(path, e, rdr.get_mut())),
        }
        let line = match record.position() {
            Some(p) => rdr.get_mut().line_of(p.byte()),
            None => n_rows as u64 + 2,
        };
        if one_column && line > next_line {
            return Err(ReadError::EmptyLine {
                at: Location {
                    path: path.to_path_buf(),
                    position: Position::Line(next_line),
                    column: Some(all_columns[0].clone()),
                },
            });
        }
        next_line = line + newlines(&record) + 1;
        lines.push(line);
        for (k, builder) in &mut selected {
            let cell = record.get(*k).unwrap_or_default();
            push_cell(builder, cell).map_err(|()| ReadError::Utf8 {
                at: Location {
                    path: path.to_path_buf(),
                    position: Position::Line(line),
                    column: Some(all_columns[*k].clone()),
                },
            })?;
        }
        n_rows += 1;
    }
    let columns = selected
        .into_iter()
        .map(|(k, b)| b.finish(all_columns[k].clone()))
        .collect();
    Ok(Parts {
        n_rows,
        columns,
        all_columns,
        locator: lines.finish(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_delimiters() {
        assert_eq!(detect_delimiter(b"a,b,c\n1,2,3"), b',');
        assert_eq!(detect_delimiter(b"a\tb\tc\n"), b'\t');
        assert_eq!(detect_delimiter(b"a;b;c"), b';');
        assert_eq!(detect_delimiter(b"a|b"), b'|');
        assert_eq!(detect_delimiter(b"\xEF\xBB\xBFa;b"), b';');
        // Quoted commas do not count.
        assert_eq!(detect_delimiter(b"\"x,y,z\";b;c\n"), b';');
        // Only the header line counts.
        assert_eq!(detect_delimiter(b"a;b\n1,2,3,4,5"), b';');
        assert_eq!(detect_delimiter(b"label"), b',');
    }

    fn lines(data: &[u8]) -> Vec<u64> {
        let mut rdr = ReaderBuilder::new().from_reader(LineIndex::new(data));
        let mut record = ByteRecord::new();
        let mut out = Vec::new();
        while rdr.read_byte_record(&mut record).unwrap_or(false) {
            let byte = record.position().map_or(0, csv::Position::byte);
            out.push(rdr.get_mut().line_of(byte));
        }
        out
    }

    #[test]
    fn physical_lines_with_blank_lines_quotes_crlf_and_bom() {
        assert_eq!(lines(b"a,b\n1,2\n\n3,4\n"), [2, 4]);
        assert_eq!(
            lines(b"\xEF\xBB\xBFa,b\r\n1,2\r\n\r\n\r\n3,4\r\n5,6"),
            [2, 5, 6]
        );
        assert_eq!(lines(b"a,b\n\"x\ny\",2\n\n3,4\n"), [2, 5]);
        assert_eq!(lines(b"a,b\n\"x\r\n\ny\",2\n3,4\n"), [2, 5]);
    }
}
