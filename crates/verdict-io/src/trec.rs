//! Ranked lists for retrieval evaluation: TREC run and qrels files, and their JSON forms as ranx
//! writes them.
//!
//! Formats (chosen by extension `.json`, otherwise by sniffing: a file whose first non-space character
//! is `{` is JSON, anything else is TREC text):
//!
//! * **TREC run**: one line per retrieved document, `qid Q0 docid rank score tag`, exactly 6
//!   whitespace-separated fields. `Q0` and `rank` are ignored, as trec_eval and ranx ignore them (the
//!   ranking comes from the score); the first line's `tag` becomes [`Run::name`].
//! * **TREC qrels**: `qid iter docid rel`, exactly 4 fields; `iter` is ignored, `rel` is an integer
//!   (negative judgments are kept as they are; metrics decide what is relevant).
//! * **JSON**: `{"q1": {"d1": 0.9, "d2": 0.5}, ...}` for runs and `{"q1": {"d1": 1}, ...}` for qrels
//!   (ranx's `Run.save("run.json")` / `Qrels.save("qrels.json")`). Python's `Infinity`/`-Infinity`/`NaN`
//!   literals are understood; a qrels judgment may be written `1.0` but must be integral.
//!
//! Blank lines are skipped. Errors name the file and the 1-based line (and, for JSON, the column):
//! a wrong field count, an unparsable or NaN score (±inf is accepted: it orders fine), a non-integer
//! judgment, and a repeated (query, document) pair, which ranx would silently collapse to the last
//! value. Query order is the file order of first appearance (ranx sorts query ids; callers that need
//! that order sort them).
//!
//! **Tie rule.** [`Run::ranked`] orders a query's documents by score descending and breaks ties
//! exactly as ranx does (ranx 0.3.x `Run.from_file` / `Run(dict)` → `create_and_sort`): ranx calls
//! numba's `np.argsort(-scores)` on the documents in insertion (file) order. numba's argsort is a
//! quicksort with median-of-three pivots that finishes ranges of at most 15 elements with an
//! insertion sort, so **a query with at most 15 documents keeps file order among ties** (stable),
//! while in larger queries the order inside a tie is whatever that quicksort produces (already at
//! 16 documents it differs from a stable sort). [`ranx_order`] is a port of it (numba
//! `numba/misc/quicksort.py`, `is_argsort=True`, NaN-last float comparison), checked against
//! numba 0.68.1 on tie-heavy lists of 5–300 documents (tests/fixtures/retrieval/ties_ranx.json).
//! trec_eval instead breaks ties by docid (descending), and ranx's `make_comparable=True` re-sorts
//! the sorted lists once more, which can move ties again in queries with more than 15 documents;
//! [`Run::ranked`] reproduces neither.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use crate::error::{Location, Position, ReadError, Shown};
use crate::table::io_error;

/// A run: for each query, its retrieved documents with their scores.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// The file it was read from.
    pub path: PathBuf,
    /// The run tag of the first TREC line (`None` for JSON).
    pub name: Option<String>,
    /// Per query (file order of first appearance): (doc, score) in file order.
    pub queries: Vec<(String, Vec<(String, f64)>)>,
}

impl Run {
    /// The documents of `qid` in file order, or `None` if the run has no such query.
    pub fn get(&self, qid: &str) -> Option<&[(String, f64)]> {
        self.queries
            .iter()
            .find(|(q, _)| q == qid)
            .map(|(_, docs)| docs.as_slice())
    }

    /// The documents of `qid` ranked as ranx ranks them: score descending, ties as in
    /// [`ranx_order`] (see the [module documentation](self)). Empty if the run has no such query
    /// (ranx pads missing queries with an empty ranking).
    pub fn ranked(&self, qid: &str) -> Vec<(String, f64)> {
        let Some(docs) = self.get(qid) else {
            return Vec::new();
        };
        let scores: Vec<f64> = docs.iter().map(|(_, s)| *s).collect();
        ranx_order(&scores)
            .into_iter()
            .map(|i| docs[i].clone())
            .collect()
    }
}

/// Relevance judgments: query → document → grade.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Qrels {
    /// The file it was read from.
    pub path: PathBuf,
    /// query → document → judgment.
    pub queries: BTreeMap<String, BTreeMap<String, i64>>,
}

/// The order in which ranx ranks documents with these scores (given in insertion order): the
/// permutation numba's `np.argsort(-scores)` returns (quicksort, insertion sort for at most 15
/// elements). Descending by score; NaN last. See the [module documentation](self) for the tie rule.
pub fn ranx_order(scores: &[f64]) -> Vec<usize> {
    let keys: Vec<f64> = scores.iter().map(|s| -s).collect();
    let mut r: Vec<usize> = (0..keys.len()).collect();
    if keys.len() < 2 {
        return r;
    }
    let lt = |a: usize, b: usize| {
        let (a, b) = (keys[a], keys[b]);
        a < b || (b.is_nan() && !a.is_nan())
    };
    const SMALL_QUICKSORT: isize = 15;
    let mut stack: Vec<(isize, isize)> = vec![(0, keys.len() as isize - 1)];
    while let Some((mut low, mut high)) = stack.pop() {
        while high - low >= SMALL_QUICKSORT {
            let i = partition(&mut r, low as usize, high as usize, &lt) as isize;
            if high - i > i - low {
                if high > i {
                    stack.push((i + 1, high));
                }
                high = i - 1;
            } else {
                if i > low {
                    stack.push((low, i - 1));
                }
                low = i + 1;
            }
        }
        if high > low {
            insertion_sort(&mut r, low as usize, high as usize, &lt);
        }
    }
    r
}

/// numba's `insertion_sort` on `r[low..=high]`.
fn insertion_sort(r: &mut [usize], low: usize, high: usize, lt: &impl Fn(usize, usize) -> bool) {
    for i in low + 1..=high {
        let k = r[i];
        let mut j = i;
        while j > low && lt(k, r[j - 1]) {
            r[j] = r[j - 1];
            j -= 1;
        }
        r[j] = k;
    }
}

/// numba's `partition` of `r[low..=high]` (median of three, Hoare-style); returns the pivot index.
fn partition(
    r: &mut [usize],
    low: usize,
    high: usize,
    lt: &impl Fn(usize, usize) -> bool,
) -> usize {
    let mid = (low + high) >> 1;
    if lt(r[mid], r[low]) {
        r.swap(low, mid);
    }
    if lt(r[high], r[mid]) {
        r.swap(high, mid);
    }
    if lt(r[mid], r[low]) {
        r.swap(low, mid);
    }
    let pivot = r[mid];
    r.swap(high, mid);
    let mut i = low as isize;
    let mut j = high as isize - 1;
    let (lo, hi) = (low as isize, high as isize);
    loop {
        while i < hi && lt(r[i as usize], pivot) {
            i += 1;
        }
        while j >= lo && lt(pivot, r[j as usize]) {
            j -= 1;
        }
        if i >= j {
            break;
        }
        r.swap(i as usize, j as usize);
        i += 1;
        j -= 1;
    }
    r.swap(i as usize, high);
    i as usize
}

/// Where a JSON error is: `run.json:3:17`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonPos {
    /// The file.
    pub path: PathBuf,
    /// 1-based line.
    pub line: u64,
    /// 1-based column (in bytes).
    pub column: u64,
}

impl fmt::Display for JsonPos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.path.display(), self.line, self.column)
    }
}

/// Reading a run or qrels file failed.
#[derive(Debug, thiserror::Error)]
pub enum RankingError {
    /// The file could not be read (not found, I/O, not UTF-8).
    #[error(transparent)]
    Read(#[from] ReadError),
    /// A TREC line with the wrong number of fields.
    #[error("{}:{line}: expected {expected} whitespace-separated fields ({layout}), found {found}", Shown(.path))]
    FieldCount {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: u64,
        /// 6 (run) or 4 (qrels).
        expected: usize,
        /// Fields on the line.
        found: usize,
        /// `qid Q0 docid rank score tag` or `qid iter docid rel`.
        layout: &'static str,
    },
    /// A TREC field that does not parse (`column` is "score" or "rel").
    #[error("{at}: expected {expected}, found {found}")]
    Invalid {
        /// The line and field.
        at: Location,
        /// What was expected.
        expected: &'static str,
        /// What was found, quoted.
        found: String,
    },
    /// A JSON syntax or structure error.
    #[error("{at}: expected {expected}, found {found}")]
    Json {
        /// Where.
        at: JsonPos,
        /// What was expected.
        expected: String,
        /// What was found.
        found: String,
    },
    /// The same (query, document) pair twice (or the same query twice in a JSON object).
    #[error("{at}: expected each {what} once, found {key} again (first at line {first})")]
    Duplicate {
        /// The second occurrence (TREC: line; JSON: line with the key's column as "column").
        at: Location,
        /// "(query, document) pair" or "query".
        what: &'static str,
        /// The pair or query, quoted.
        key: String,
        /// 1-based line of the first occurrence.
        first: u64,
    },
    /// No data at all.
    #[error("{}: expected at least one {what}, found none (the file is empty)", Shown(.path))]
    Empty {
        /// The file.
        path: PathBuf,
        /// "run line", "qrels line", "query".
        what: &'static str,
    },
}

/// The two formats of ranked lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RankingFormat {
    /// Whitespace-separated TREC text.
    Trec,
    /// ranx's JSON dict of dicts.
    Json,
}

impl RankingFormat {
    /// `.json` → JSON; otherwise JSON if the first non-space character is `{`, else TREC.
    pub fn detect(path: &Path, text: &str) -> RankingFormat {
        let json_ext = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("json"));
        if json_ext || text.trim_start().starts_with('{') {
            RankingFormat::Json
        } else {
            RankingFormat::Trec
        }
    }
}

fn read_text(path: &Path) -> Result<String, ReadError> {
    let bytes = std::fs::read(path).map_err(|e| io_error(path, e))?;
    match String::from_utf8(bytes) {
        Ok(mut s) => {
            if s.starts_with('\u{feff}') {
                s.drain(..3);
            }
            Ok(s)
        }
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let line = 1 + e.as_bytes()[..valid]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u64;
            Err(ReadError::Utf8 {
                at: Location {
                    path: path.to_path_buf(),
                    position: Position::Line(line),
                    column: None,
                },
            })
        }
    }
}

fn line_at(path: &Path, line: u64, column: &str) -> Location {
    Location {
        path: path.to_path_buf(),
        position: Position::Line(line),
        column: Some(column.to_owned()),
    }
}

/// Non-blank lines as (1-based line number, fields).
fn trec_lines(text: &str) -> impl Iterator<Item = (u64, Vec<&str>)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i as u64 + 1, l.split_whitespace().collect::<Vec<_>>()))
        .filter(|(_, f)| !f.is_empty())
}

/// Read a run: TREC (`qid Q0 docid rank score tag`) or ranx JSON, see the
/// [module documentation](self).
pub fn read_run(path: impl AsRef<Path>) -> Result<Run, RankingError> {
    let path = path.as_ref();
    let text = read_text(path)?;
    let mut run = Run {
        path: path.to_path_buf(),
        name: None,
        queries: Vec::new(),
    };
    match RankingFormat::detect(path, &text) {
        RankingFormat::Json => {
            let mut p = JsonParser::new(path, &text);
            p.dict_of_dicts(
                |qid, doc, value, at| {
                    let score = match value {
                        Scalar::Number(n) => n,
                        Scalar::Inf(v) => v,
                        other => {
                            return Err(p_err(
                                at,
                                format!(
                                    "a number (the score of document \"{doc}\" in query \"{qid}\")"
                                ),
                                other.describe(),
                            ));
                        }
                    };
                    Ok(score)
                },
                |qid, docs| run.queries.push((qid, docs)),
            )?;
        }
        RankingFormat::Trec => {
            let mut index: HashMap<String, usize> = HashMap::new();
            let mut seen: HashMap<(usize, String), u64> = HashMap::new();
            for (line, fields) in trec_lines(&text) {
                let [qid, _q0, doc, _rank, score, tag] = fields[..] else {
                    return Err(RankingError::FieldCount {
                        path: path.to_path_buf(),
                        line,
                        expected: 6,
                        found: fields.len(),
                        layout: "qid Q0 docid rank score tag",
                    });
                };
                let value: f64 = score.parse().map_err(|_| RankingError::Invalid {
                    at: line_at(path, line, "score"),
                    expected: "a number",
                    found: format!("\"{score}\""),
                })?;
                if value.is_nan() {
                    return Err(RankingError::Invalid {
                        at: line_at(path, line, "score"),
                        expected: "a score that is not NaN",
                        found: format!("\"{score}\""),
                    });
                }
                if run.name.is_none() {
                    run.name = Some(tag.to_owned());
                }
                let q = *index.entry(qid.to_owned()).or_insert_with(|| {
                    run.queries.push((qid.to_owned(), Vec::new()));
                    run.queries.len() - 1
                });
                match seen.entry((q, doc.to_owned())) {
                    Entry::Occupied(first) => {
                        return Err(RankingError::Duplicate {
                            at: Location {
                                path: path.to_path_buf(),
                                position: Position::Line(line),
                                column: None,
                            },
                            what: "(query, document) pair",
                            key: format!("query \"{qid}\" document \"{doc}\""),
                            first: *first.get(),
                        });
                    }
                    Entry::Vacant(v) => {
                        v.insert(line);
                    }
                }
                run.queries[q].1.push((doc.to_owned(), value));
            }
            if run.queries.is_empty() {
                return Err(RankingError::Empty {
                    path: path.to_path_buf(),
                    what: "run line",
                });
            }
        }
    }
    Ok(run)
}

/// Read qrels: TREC (`qid iter docid rel`) or ranx JSON, see the [module documentation](self).
pub fn read_qrels(path: impl AsRef<Path>) -> Result<Qrels, RankingError> {
    let path = path.as_ref();
    let text = read_text(path)?;
    let mut qrels = Qrels {
        path: path.to_path_buf(),
        queries: BTreeMap::new(),
    };
    match RankingFormat::detect(path, &text) {
        RankingFormat::Json => {
            let mut p = JsonParser::new(path, &text);
            p.dict_of_dicts(
                |qid, doc, value, at| {
                    let expected = || {
                        format!("an integer judgment (for document \"{doc}\" in query \"{qid}\")")
                    };
                    match value {
                        Scalar::Number(n)
                            if n.fract() == 0.0 && n.abs() < 9.007_199_254_740_992e15 =>
                        {
                            #[allow(clippy::cast_possible_truncation)]
                            Ok(n as i64)
                        }
                        other => Err(p_err(at, expected(), other.describe())),
                    }
                },
                |qid, docs| {
                    qrels.queries.insert(qid, docs.into_iter().collect());
                },
            )?;
        }
        RankingFormat::Trec => {
            let mut first_line: HashMap<(String, String), u64> = HashMap::new();
            for (line, fields) in trec_lines(&text) {
                let [qid, _iter, doc, rel] = fields[..] else {
                    return Err(RankingError::FieldCount {
                        path: path.to_path_buf(),
                        line,
                        expected: 4,
                        found: fields.len(),
                        layout: "qid iter docid rel",
                    });
                };
                let rel: i64 = rel.parse().map_err(|_| RankingError::Invalid {
                    at: line_at(path, line, "rel"),
                    expected: "an integer relevance judgment",
                    found: format!("\"{rel}\""),
                })?;
                match first_line.entry((qid.to_owned(), doc.to_owned())) {
                    Entry::Occupied(first) => {
                        return Err(RankingError::Duplicate {
                            at: Location {
                                path: path.to_path_buf(),
                                position: Position::Line(line),
                                column: None,
                            },
                            what: "(query, document) pair",
                            key: format!("query \"{qid}\" document \"{doc}\""),
                            first: *first.get(),
                        });
                    }
                    Entry::Vacant(v) => {
                        v.insert(line);
                    }
                }
                qrels
                    .queries
                    .entry(qid.to_owned())
                    .or_default()
                    .insert(doc.to_owned(), rel);
            }
            if qrels.queries.is_empty() {
                return Err(RankingError::Empty {
                    path: path.to_path_buf(),
                    what: "qrels line",
                });
            }
        }
    }
    Ok(qrels)
}

// ---------------------------------------------------------------------------------------------------
// A small JSON reader for `{"q": {"d": number}}` that keeps line numbers, file order and duplicates
// (serde_json's `Value` would drop all three). String escapes and number syntax are delegated to
// serde_json, token by token.

/// A leaf value of the inner objects.
enum Scalar {
    Number(f64),
    /// Python's `Infinity` / `-Infinity`.
    Inf(f64),
    NaN,
    Str(String),
    Bool(bool),
    Null,
    Array,
    Object,
}

impl Scalar {
    fn describe(&self) -> String {
        match self {
            Scalar::Number(n) => format!("{n}"),
            Scalar::Inf(v) => if *v > 0.0 { "Infinity" } else { "-Infinity" }.to_owned(),
            Scalar::NaN => "NaN".to_owned(),
            Scalar::Str(s) => format!("a string \"{s}\""),
            Scalar::Bool(b) => format!("a boolean ({b})"),
            Scalar::Null => "null".to_owned(),
            Scalar::Array => "an array".to_owned(),
            Scalar::Object => "an object".to_owned(),
        }
    }
}

fn p_err(at: JsonPos, expected: String, found: String) -> RankingError {
    RankingError::Json {
        at,
        expected,
        found,
    }
}

struct JsonParser<'a> {
    path: &'a Path,
    s: &'a [u8],
    pos: usize,
    line: u64,
    line_start: usize,
}

impl<'a> JsonParser<'a> {
    fn new(path: &'a Path, text: &'a str) -> JsonParser<'a> {
        JsonParser {
            path,
            s: text.as_bytes(),
            pos: 0,
            line: 1,
            line_start: 0,
        }
    }

    fn here(&self) -> JsonPos {
        JsonPos {
            path: self.path.to_path_buf(),
            line: self.line,
            column: (self.pos - self.line_start) as u64 + 1,
        }
    }

    fn ws(&mut self) {
        while let Some(&c) = self.s.get(self.pos) {
            match c {
                b'\n' => {
                    self.pos += 1;
                    self.line += 1;
                    self.line_start = self.pos;
                }
                b' ' | b'\t' | b'\r' => self.pos += 1,
                _ => break,
            }
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.s.get(self.pos).copied()
    }

    /// What is at the cursor, for "found …" messages.
    fn found(&mut self) -> String {
        match self.peek() {
            None => "the end of the file".to_owned(),
            Some(_) => {
                let end = (self.pos + 20).min(self.s.len());
                let snippet = String::from_utf8_lossy(&self.s[self.pos..end]);
                let snippet = snippet.lines().next().unwrap_or("");
                format!("`{snippet}`")
            }
        }
    }

    fn expect(&mut self, c: u8, what: &str) -> Result<(), RankingError> {
        if self.peek() == Some(c) {
            self.pos += 1;
            Ok(())
        } else {
            let found = self.found();
            Err(p_err(self.here(), what.to_owned(), found))
        }
    }

    /// A JSON string at the cursor (after whitespace).
    fn string(&mut self, what: &str) -> Result<String, RankingError> {
        if self.peek() != Some(b'"') {
            let found = self.found();
            return Err(p_err(self.here(), what.to_owned(), found));
        }
        let start = self.pos;
        let at = self.here();
        self.pos += 1;
        while let Some(&c) = self.s.get(self.pos) {
            match c {
                b'\\' => self.pos += 2,
                b'"' => {
                    self.pos += 1;
                    let raw = std::str::from_utf8(&self.s[start..self.pos]).unwrap_or("");
                    return serde_json::from_str::<String>(raw).map_err(|e| {
                        p_err(at.clone(), "a valid JSON string".to_owned(), e.to_string())
                    });
                }
                b'\n' => break,
                _ => self.pos += 1,
            }
        }
        Err(p_err(
            at,
            "a closing '\"'".to_owned(),
            "the end of the line".to_owned(),
        ))
    }

    /// A leaf value; arrays and objects are reported, not skipped (they are always an error here).
    fn scalar(&mut self) -> Result<Scalar, RankingError> {
        match self.peek() {
            Some(b'"') => Ok(Scalar::Str(self.string("a string")?)),
            Some(b'[') => Ok(Scalar::Array),
            Some(b'{') => Ok(Scalar::Object),
            None => Err(p_err(
                self.here(),
                "a value".to_owned(),
                "the end of the file".to_owned(),
            )),
            Some(_) => {
                let start = self.pos;
                let at = self.here();
                while let Some(&c) = self.s.get(self.pos) {
                    if c.is_ascii_whitespace() || matches!(c, b',' | b'}' | b']' | b':') {
                        break;
                    }
                    self.pos += 1;
                }
                let tok = std::str::from_utf8(&self.s[start..self.pos]).unwrap_or("");
                match tok {
                    "true" => Ok(Scalar::Bool(true)),
                    "false" => Ok(Scalar::Bool(false)),
                    "null" => Ok(Scalar::Null),
                    "NaN" => Ok(Scalar::NaN),
                    "Infinity" => Ok(Scalar::Inf(f64::INFINITY)),
                    "-Infinity" => Ok(Scalar::Inf(f64::NEG_INFINITY)),
                    _ => match serde_json::from_str::<serde_json::Number>(tok)
                        .ok()
                        .and_then(|n| n.as_f64())
                    {
                        Some(v) => Ok(Scalar::Number(v)),
                        None => Err(p_err(at, "a JSON value".to_owned(), format!("`{tok}`"))),
                    },
                }
            }
        }
    }

    /// `{"q": {"d": leaf, ...}, ...}`: `leaf` turns a scalar into a value (or an error), `emit`
    /// receives each query with its documents in file order.
    fn dict_of_dicts<T>(
        &mut self,
        mut leaf: impl FnMut(&str, &str, Scalar, JsonPos) -> Result<T, RankingError>,
        mut emit: impl FnMut(String, Vec<(String, T)>),
    ) -> Result<(), RankingError> {
        let obj = "an object {\"query\": {\"document\": value, ...}, ...}";
        if self.peek() != Some(b'{') {
            let found = self.found();
            return Err(p_err(self.here(), obj.to_owned(), found));
        }
        self.pos += 1;
        let mut queries: HashMap<String, u64> = HashMap::new();
        let mut first = true;
        loop {
            if first && self.peek() == Some(b'}') {
                self.pos += 1;
                break;
            }
            first = false;
            let key_at = self.here();
            let qid = self.string("a query id (a string)")?;
            let key_at = JsonPos {
                line: self.line,
                ..key_at
            };
            if let Some(&line) = queries.get(&qid) {
                return Err(RankingError::Duplicate {
                    at: Location {
                        path: self.path.to_path_buf(),
                        position: Position::Line(key_at.line),
                        column: None,
                    },
                    what: "query",
                    key: format!("query \"{qid}\""),
                    first: line,
                });
            }
            queries.insert(qid.clone(), key_at.line);
            self.expect(b':', "':' after a query id")?;
            if self.peek() != Some(b'{') {
                let at = self.here();
                let found = self.scalar()?.describe();
                return Err(p_err(
                    at,
                    format!("an object of documents for query \"{qid}\""),
                    found,
                ));
            }
            self.pos += 1;
            let mut docs: Vec<(String, T)> = Vec::new();
            let mut doc_lines: HashMap<String, u64> = HashMap::new();
            let mut first_doc = true;
            loop {
                if first_doc && self.peek() == Some(b'}') {
                    self.pos += 1;
                    break;
                }
                first_doc = false;
                let doc = self.string("a document id (a string)")?;
                let line = self.line;
                if let Some(&first_line) = doc_lines.get(&doc) {
                    return Err(RankingError::Duplicate {
                        at: Location {
                            path: self.path.to_path_buf(),
                            position: Position::Line(line),
                            column: None,
                        },
                        what: "(query, document) pair",
                        key: format!("query \"{qid}\" document \"{doc}\""),
                        first: first_line,
                    });
                }
                doc_lines.insert(doc.clone(), line);
                self.expect(b':', "':' after a document id")?;
                self.ws();
                let at = self.here();
                let value = self.scalar()?;
                let value = leaf(&qid, &doc, value, at)?;
                docs.push((doc, value));
                match self.peek() {
                    Some(b',') => self.pos += 1,
                    Some(b'}') => {
                        self.pos += 1;
                        break;
                    }
                    _ => {
                        let found = self.found();
                        return Err(p_err(self.here(), "',' or '}'".to_owned(), found));
                    }
                }
            }
            emit(qid, docs);
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    break;
                }
                _ => {
                    let found = self.found();
                    return Err(p_err(self.here(), "',' or '}'".to_owned(), found));
                }
            }
        }
        if self.peek().is_some() {
            let found = self.found();
            return Err(p_err(self.here(), "the end of the file".to_owned(), found));
        }
        if queries.is_empty() {
            return Err(RankingError::Empty {
                path: self.path.to_path_buf(),
                what: "query",
            });
        }
        Ok(())
    }
}
