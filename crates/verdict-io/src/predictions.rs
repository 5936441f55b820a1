//! From a [`Table`] to a validated [`PredictionSet`]: labels, classes, scores, ids and groups.
//!
//! Why validate here: a metric computed on a file with a `nan` score, a probability row summing to
//! 0.98 or a duplicated id is silently wrong. Every check below fails with the file, the line (or
//! Parquet row) and the column, and no row is ever dropped.
//!
//! # Column conventions (names configurable through [`ColumnNames`])
//! * `label`: the true class (required). Integer, float, boolean or string.
//! * `score`: a binary score for the positive class (any real number, e.g. a probability or a margin).
//! * `prob_<class>`: one probability column per class; `logit_<class>`: one logit column per class.
//! * `pred`: the predicted class, for models that only output labels (e.g. a VLM).
//! * `id` (optional): unique row ids; `group` (optional): the cluster for the cluster bootstrap.
//!
//! When several prediction inputs are present, the first of `prob_*`, `logit_*`, `score`, `pred` is
//! used (probabilities are the richest input; the others are then not read for metrics).
//!
//! # Classes
//! A class is identified by its text: an integer label `1`, a float label `1.0` and a CSV text `1`
//! are the same class `"1"` (integral floats print as integers); booleans print as `True`/`False`
//! (as Python and pandas write them). Classes are the union of the labels, the `prob_`/`logit_`
//! column suffixes (a column for a class absent from the labels adds that class, like scikit-learn's
//! `labels=`) and, for label-only input, the predicted classes (like scikit-learn's union of
//! `y_true` and `y_pred`). They are sorted numerically when every class is an integer, else by
//! string (byte) order, as `numpy.unique` sorts strings; unlike NumPy, integer-looking strings
//! (`"10"`, `"9"`) also sort numerically, so a file reads the same whichever type its writer chose.
//!
//! # Task
//! `score` → binary (at most 2 classes). `prob_*`/`logit_*` → binary when there are exactly 2
//! classes (the score is then the positive class's probability), else multi-class. `pred` alone →
//! binary for at most 2 classes, else multi-class. [`PredictionOptions::task`] overrides the inference
//! where the data allow it. The positive class defaults to the greater class (scikit-learn's
//! `pos_label=1` for {0, 1}); [`PredictionOptions::positive`] names another one.
//!
//! # Probability rows
//! A row of `prob_*` values must sum to 1 within scikit-learn's tolerance: `roc_auc_score` refuses
//! multi-class scores unless `np.allclose(1, row_sum)`, i.e. `|1 − s| ≤ 1e-8 + 1e-5·|s|`
//! ([`row_sum_tolerance`]). The sum is taken left to right in class order. Files written with
//! rounded probabilities (six decimals: sums such as 1.000002) pass; a row further off is an error
//! that names `--normalize`. A row inside the tolerance whose sum differs from 1 by more than
//! [`ROW_SUM_ROUNDING`] (the rounding noise of an f64 sum, which is left alone) is divided by its
//! sum, so every metric sees a probability distribution; how many rows were divided and the
//! largest deviation `|s − 1|` are kept in [`PredictionSet::normalized`] and every report says so.
//! With [`PredictionOptions::normalize`] every row is divided by its sum (which must be positive)
//! and counted the same way.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::PredictionError;
use crate::table::{Column, ReadOptions, Table, Values, py_repr, read_selected};

/// Binary or multi-class classification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Task {
    /// Two classes, one of them positive.
    Binary,
    /// More than two classes.
    Multiclass,
}

/// The column names (and prefixes) that carry each role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnNames {
    /// True class (default `label`).
    pub label: String,
    /// Binary score (default `score`).
    pub score: String,
    /// Predicted class (default `pred`).
    pub pred: String,
    /// Row id (default `id`).
    pub id: String,
    /// Cluster for the cluster bootstrap (default `group`).
    pub group: String,
    /// Prefix of per-class probability columns (default `prob_`).
    pub prob_prefix: String,
    /// Prefix of per-class logit columns (default `logit_`).
    pub logit_prefix: String,
}

impl Default for ColumnNames {
    fn default() -> Self {
        ColumnNames {
            label: "label".into(),
            score: "score".into(),
            pred: "pred".into(),
            id: "id".into(),
            group: "group".into(),
            prob_prefix: "prob_".into(),
            logit_prefix: "logit_".into(),
        }
    }
}

/// How to interpret a table as predictions.
#[derive(Debug, Clone, Default)]
pub struct PredictionOptions {
    /// Column names.
    pub columns: ColumnNames,
    /// The task; `None` = inferred (see the module docs).
    pub task: Option<Task>,
    /// The positive class of a binary task, by name (`"1"`, `"defect"`); `None` = the greater class.
    pub positive: Option<String>,
    /// Divide each probability row by its sum instead of requiring it to sum to 1 (values must then
    /// only be non-negative and the sum positive).
    pub normalize: bool,
    /// Metadata columns to keep as text (e.g. for `--by` slicing). Each must exist.
    pub keep: Vec<String>,
}

/// What the model produced, per row.
#[derive(Debug, Clone, PartialEq)]
pub enum Scores {
    /// A score for the positive class (binary only): a probability or any real-valued margin.
    Binary {
        /// One score per row.
        score: Vec<f64>,
    },
    /// Probabilities from `prob_*` columns, row-major `n × k` in class order, each row summing to 1.
    Probabilities {
        /// `probs[i * k + j]` = P(class j | row i).
        probs: Vec<f64>,
    },
    /// Probabilities computed from `logit_*` columns with a numerically stable softmax, row-major `n × k`.
    Logits {
        /// `probs[i * k + j]` = softmax(logits of row i)\[j\].
        probs: Vec<f64>,
    },
    /// Predicted classes only (indices into [`PredictionSet::classes`]).
    Predictions {
        /// One class index per row.
        pred: Vec<u32>,
    },
}

/// Row sums closer to 1 than this are f64 rounding of a k-term sum and are left as they are.
pub const ROW_SUM_ROUNDING: f64 = 1e-9;

/// The largest `|1 − s|` accepted for a probability row summing to `s`: NumPy's `allclose(1, s)`
/// with its defaults (`atol = 1e-8`, `rtol = 1e-5`, relative to `s`), the check scikit-learn's
/// `roc_auc_score` applies to multi-class scores.
pub fn row_sum_tolerance(s: f64) -> f64 {
    1e-8 + 1e-5 * s.abs()
}

/// Probability rows that were divided by their sum (see the module docs).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Normalized {
    /// How many rows were divided by their sum.
    pub rows: usize,
    /// The largest `|s − 1|` among them (0 when `rows` is 0).
    pub max_deviation: f64,
}

/// Which columns the predictions came from (for the report's `inputs` field).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inputs {
    /// A `score` column.
    Scores,
    /// `prob_*` columns (also when they were reduced to a binary score).
    Probabilities,
    /// `logit_*` columns (also when they were reduced to a binary score).
    Logits,
    /// A `pred` column.
    Predictions,
}

impl Inputs {
    /// `scores`, `probabilities`, `logits` or `predictions`, as in the eval JSON.
    pub fn name(self) -> &'static str {
        match self {
            Inputs::Scores => "scores",
            Inputs::Probabilities => "probabilities",
            Inputs::Logits => "logits",
            Inputs::Predictions => "predictions",
        }
    }
}

/// A validated set of predictions, ready for `verdict-core`.
#[derive(Debug, Clone, PartialEq)]
pub struct PredictionSet {
    /// The file.
    pub source: PathBuf,
    /// Binary or multi-class.
    pub task: Task,
    /// Class names in order (see the module docs).
    pub classes: Vec<String>,
    /// Index of the positive class (binary only).
    pub positive: Option<usize>,
    /// True class index per row.
    pub labels: Vec<u32>,
    /// Model output per row.
    pub scores: Scores,
    /// Which columns `scores` came from.
    pub inputs: Inputs,
    /// Row ids as text, when there is an id column.
    pub ids: Option<Vec<String>>,
    /// Group per row as text, when there is a group column.
    pub groups: Option<Vec<String>>,
    /// The group column's name, when there is one.
    pub group_column: Option<String>,
    /// Kept metadata columns as text (a null is the empty string), in [`PredictionOptions::keep`] order.
    pub meta: Vec<(String, Vec<String>)>,
    /// Probability rows divided by their sum (none for other inputs).
    pub normalized: Normalized,
}

impl PredictionSet {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether there are no rows (never true for a loaded set).
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }
}

/// Read `path` and validate it as predictions. Only the columns the options refer to are read
/// (plus any in `read.columns`).
///
/// # Errors
/// See [`PredictionError`]; every cell-level error names the file, line/row and column.
pub fn load_predictions(
    path: &Path,
    read: &ReadOptions,
    opts: &PredictionOptions,
) -> Result<PredictionSet, PredictionError> {
    let c = &opts.columns;
    let select = |name: &str| {
        name == c.label
            || name == c.score
            || name == c.pred
            || name == c.id
            || name == c.group
            || (name.len() > c.prob_prefix.len() && name.starts_with(&c.prob_prefix))
            || (name.len() > c.logit_prefix.len() && name.starts_with(&c.logit_prefix))
            || opts.keep.iter().any(|k| k == name)
            || read
                .columns
                .as_ref()
                .is_some_and(|cols| cols.iter().any(|k| k == name))
    };
    let table = read_selected(path, read, &select)?;
    predictions_from_table(&table, opts)
}

/// A class key: integers (and integral floats) by value, everything else by text.
enum Key<'a> {
    Int(i64),
    Text(std::borrow::Cow<'a, str>),
}

/// Class names seen so far, with provisional ids. Lookups scan a short list while there are few
/// classes (the common case; cheaper than hashing 10M labels) and use the maps beyond that.
#[derive(Default)]
struct Classes {
    ints: HashMap<i64, u32>,
    int_list: Vec<(i64, u32)>,
    texts: HashMap<String, u32>,
    names: Vec<String>,
}

const SCAN: usize = 16;

impl Classes {
    fn intern_text(&mut self, s: &str) -> u32 {
        let found = if self.names.len() <= SCAN {
            self.names.iter().position(|n| n == s).map(|i| i as u32)
        } else {
            self.texts.get(s).copied()
        };
        if let Some(id) = found {
            return id;
        }
        let id = self.names.len() as u32;
        self.names.push(s.to_owned());
        self.texts.insert(s.to_owned(), id);
        id
    }

    fn intern(&mut self, key: Key<'_>) -> u32 {
        match key {
            Key::Int(v) => {
                let found = if self.int_list.len() <= SCAN {
                    self.int_list
                        .iter()
                        .find(|(x, _)| *x == v)
                        .map(|&(_, id)| id)
                } else {
                    self.ints.get(&v).copied()
                };
                if let Some(id) = found {
                    return id;
                }
                let id = self.intern_text(&v.to_string());
                self.ints.insert(v, id);
                self.int_list.push((v, id));
                id
            }
            Key::Text(s) => self.intern_text(&s),
        }
    }

    /// The id of a class named by free text (a column suffix, `--positive`): the exact name if it
    /// exists, else the canonical integer for integer-valued text (`1.0` → `1`).
    fn lookup_or_intern(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.texts.get(s) {
            return id;
        }
        match integral(s) {
            Some(v) => self.intern(Key::Int(v)),
            None => self.intern_text(s),
        }
    }

    fn lookup(&self, s: &str) -> Option<u32> {
        self.texts
            .get(s)
            .copied()
            .or_else(|| integral(s).and_then(|v| self.texts.get(&v.to_string()).copied()))
    }
}

/// The integer a text stands for, if it is an integer or an integral float.
fn integral(s: &str) -> Option<i64> {
    let t = s.trim();
    t.parse::<i64>()
        .ok()
        .or_else(|| t.parse::<f64>().ok().and_then(float_integral))
}

fn float_integral(v: f64) -> Option<i64> {
    // 2^63 is exactly representable; anything in (-2^63, 2^63) with no fraction fits an i64.
    (v.is_finite() && v.fract() == 0.0 && v.abs() < 9.223_372_036_854_776e18).then_some(v as i64)
}

fn quoted(s: &str) -> String {
    format!("{s:?}")
}

fn invalid(
    table: &Table,
    row: usize,
    column: &str,
    expected: &str,
    found: String,
) -> PredictionError {
    PredictionError::Invalid {
        at: table.locate(row, column),
        expected: expected.to_owned(),
        found,
    }
}

/// How a cell of a class column reads as a class key. `what` names the role for messages.
fn class_key<'a>(
    table: &Table,
    col: &'a Column,
    row: usize,
    what: &str,
) -> Result<Key<'a>, PredictionError> {
    if col.is_null(row) {
        return Err(invalid(
            table,
            row,
            &col.name,
            what,
            table.null_word().to_owned(),
        ));
    }
    Ok(match &col.values {
        Values::I64(v) => Key::Int(v[row]),
        Values::F64(v) => {
            let x = v[row];
            if !x.is_finite() {
                return Err(invalid(
                    table,
                    row,
                    &col.name,
                    &format!("{what} (a finite number or text)"),
                    py_repr(x),
                ));
            }
            match float_integral(x) {
                Some(i) => Key::Int(i),
                None => Key::Text(std::borrow::Cow::Owned(py_repr(x))),
            }
        }
        Values::Bool(v) => Key::Text(std::borrow::Cow::Borrowed(if v[row] {
            "True"
        } else {
            "False"
        })),
        Values::Str(v) => Key::Text(std::borrow::Cow::Borrowed(v[row].as_str())),
    })
}

fn class_codes(
    table: &Table,
    col: &Column,
    classes: &mut Classes,
    what: &str,
) -> Result<Vec<u32>, PredictionError> {
    if let (Values::I64(values), None) = (&col.values, &col.nulls) {
        // Fast path for the common integer label column: remember the last class.
        let mut last: Option<(i64, u32)> = None;
        return Ok(values
            .iter()
            .map(|&v| match last {
                Some((x, id)) if x == v => id,
                _ => {
                    let id = classes.intern(Key::Int(v));
                    last = Some((v, id));
                    id
                }
            })
            .collect());
    }
    (0..table.n_rows)
        .map(|i| Ok(classes.intern(class_key(table, col, i, what)?)))
        .collect()
}

/// The class name of every cell of a label column, as [`load_predictions`] names classes
/// (integers and integral floats by their integer, `True`/`False`, other floats by Python's
/// `repr`, text as it is): what a split manifest's labels are compared and fingerprinted by.
///
/// # Errors
/// A null or non-finite cell, naming the file, line and column.
pub fn label_names(table: &Table, col: &Column) -> Result<Vec<String>, PredictionError> {
    (0..table.n_rows)
        .map(|i| {
            Ok(match class_key(table, col, i, "a label")? {
                Key::Int(v) => v.to_string(),
                Key::Text(t) => t.into_owned(),
            })
        })
        .collect()
}

/// The text of every cell of a column (ids, groups, metadata), a null being an error.
///
/// # Errors
/// A null cell, naming the file, line and column and `what` was expected.
pub fn text_cells(table: &Table, col: &Column, what: &str) -> Result<Vec<String>, PredictionError> {
    (0..table.n_rows)
        .map(|i| {
            col.text(i)
                .map(|t| t.into_owned())
                .ok_or_else(|| invalid(table, i, &col.name, what, table.null_word().to_owned()))
        })
        .collect()
}

/// One column as finite numbers. `what` is the role ("a score", "a probability", "a logit").
fn numbers(table: &Table, col: &Column, what: &str) -> Result<Vec<f64>, PredictionError> {
    let finite = |i: usize, x: f64| -> Result<f64, PredictionError> {
        if x.is_finite() {
            Ok(x)
        } else {
            Err(invalid(
                table,
                i,
                &col.name,
                &format!("{what} (a finite number)"),
                py_repr(x),
            ))
        }
    };
    if let (Values::F64(values), None) = (&col.values, &col.nulls) {
        // Fast path: one scan for a non-finite value, then a copy.
        return match values.iter().position(|x| !x.is_finite()) {
            Some(i) => Err(finite(i, values[i])
                .err()
                .unwrap_or_else(|| invalid(table, i, &col.name, what, py_repr(values[i])))),
            None => Ok(values.clone()),
        };
    }
    let mut out = Vec::with_capacity(table.n_rows);
    for i in 0..table.n_rows {
        if col.is_null(i) {
            return Err(invalid(
                table,
                i,
                &col.name,
                what,
                table.null_word().to_owned(),
            ));
        }
        let x = match &col.values {
            Values::F64(v) => v[i],
            Values::I64(v) => v[i] as f64,
            Values::Str(v) => match v[i].trim().parse::<f64>() {
                Ok(x) => x,
                Err(_) => {
                    return Err(invalid(
                        table,
                        i,
                        &col.name,
                        &format!("{what} (a number)"),
                        quoted(&v[i]),
                    ));
                }
            },
            Values::Bool(v) => {
                let text = if v[i] { "True" } else { "False" };
                return Err(invalid(
                    table,
                    i,
                    &col.name,
                    &format!("{what} (a number)"),
                    text.to_owned(),
                ));
            }
        };
        out.push(finite(i, x)?);
    }
    Ok(out)
}

/// Which input the predictions come from.
enum Source<'a> {
    PerClass {
        inputs: Inputs,
        prefix: &'a str,
        columns: Vec<&'a Column>,
    },
    Score(&'a Column),
    Pred(&'a Column),
}

/// Validate an already-read table as predictions (see [`load_predictions`]).
///
/// # Errors
/// See [`PredictionError`].
pub fn predictions_from_table(
    table: &Table,
    opts: &PredictionOptions,
) -> Result<PredictionSet, PredictionError> {
    let names = &opts.columns;
    let path = &table.path;
    if table.n_rows == 0 {
        return Err(PredictionError::NoRows { path: path.clone() });
    }
    let missing = |column: &str, role: &'static str| PredictionError::MissingColumn {
        path: path.clone(),
        column: column.to_owned(),
        role,
        available: table.all_columns.clone(),
    };
    let label_col = table
        .column(&names.label)
        .ok_or_else(|| missing(&names.label, "label"))?;

    let prefixed = |prefix: &str| -> Vec<&Column> {
        table
            .columns
            .iter()
            .filter(|c| c.name.len() > prefix.len() && c.name.starts_with(prefix))
            .collect()
    };
    let source = {
        let probs = prefixed(&names.prob_prefix);
        let logits = prefixed(&names.logit_prefix);
        if !probs.is_empty() {
            Source::PerClass {
                inputs: Inputs::Probabilities,
                prefix: &names.prob_prefix,
                columns: probs,
            }
        } else if !logits.is_empty() {
            Source::PerClass {
                inputs: Inputs::Logits,
                prefix: &names.logit_prefix,
                columns: logits,
            }
        } else if let Some(c) = table.column(&names.score) {
            Source::Score(c)
        } else if let Some(c) = table.column(&names.pred) {
            Source::Pred(c)
        } else {
            return Err(PredictionError::NoPredictions {
                path: path.clone(),
                expected: format!(
                    "a \"{}\" column, \"{}<class>\" or \"{}<class>\" columns, or a \"{}\" column",
                    names.score, names.prob_prefix, names.logit_prefix, names.pred
                ),
                available: table.all_columns.clone(),
            });
        }
    };

    // Classes: labels, then column suffixes or predicted classes.
    let mut classes = Classes::default();
    let mut labels = class_codes(table, label_col, &mut classes, "a label")?;
    let n_label_classes = classes.names.len();
    let mut pred_codes = None;
    let mut column_class: Vec<u32> = Vec::new();
    match &source {
        Source::PerClass {
            prefix, columns, ..
        } => {
            let mut owner: HashMap<u32, &str> = HashMap::new();
            for c in columns {
                let id = classes.lookup_or_intern(&c.name[prefix.len()..]);
                if let Some(other) = owner.insert(id, &c.name) {
                    return Err(PredictionError::Task {
                        path: path.clone(),
                        message: format!(
                            "columns \"{other}\" and \"{}\" are for the same class \"{}\"; expected one column per class",
                            c.name, classes.names[id as usize]
                        ),
                    });
                }
                column_class.push(id);
            }
            // Every label needs a column.
            for id in 0..n_label_classes as u32 {
                if !column_class.contains(&id) {
                    let row = labels.iter().position(|&l| l == id).unwrap_or(0);
                    let class = classes.names[id as usize].clone();
                    return Err(PredictionError::MissingClassColumn {
                        at: table.locate(row, &names.label),
                        column: format!("{prefix}{class}").into_boxed_str(),
                        class,
                        found: columns
                            .iter()
                            .map(|c| c.name.clone())
                            .collect::<Vec<_>>()
                            .into_boxed_slice(),
                    });
                }
            }
        }
        Source::Pred(col) => {
            pred_codes = Some(class_codes(table, col, &mut classes, "a predicted class")?)
        }
        Source::Score(_) => {}
    }
    let want_binary = opts.task != Some(Task::Multiclass);
    if let Some(p) = &opts.positive
        && want_binary
        && classes.lookup(p).is_none()
        && classes.names.len() < 2
    {
        // A binary eval set in which the named positive class does not occur (e.g. all negatives).
        classes.lookup_or_intern(p);
    }

    // Sort classes and renumber.
    let n_classes = classes.names.len();
    let mut order: Vec<u32> = (0..n_classes as u32).collect();
    let ints: Option<Vec<i64>> = classes
        .names
        .iter()
        .map(|s| s.parse::<i64>().ok())
        .collect();
    match &ints {
        Some(v) => order.sort_by(|&a, &b| {
            v[a as usize]
                .cmp(&v[b as usize])
                .then_with(|| classes.names[a as usize].cmp(&classes.names[b as usize]))
        }),
        None => order.sort_by(|&a, &b| classes.names[a as usize].cmp(&classes.names[b as usize])),
    }
    let mut rank = vec![0u32; n_classes];
    for (r, &id) in order.iter().enumerate() {
        rank[id as usize] = r as u32;
    }
    let class_names: Vec<String> = order
        .iter()
        .map(|&id| classes.names[id as usize].clone())
        .collect();
    for l in &mut labels {
        *l = rank[*l as usize];
    }
    if let Some(p) = &mut pred_codes {
        for c in p.iter_mut() {
            *c = rank[*c as usize];
        }
    }
    let column_class: Vec<usize> = column_class
        .iter()
        .map(|&id| rank[id as usize] as usize)
        .collect();

    // Task.
    let task_error = |message: String| PredictionError::Task {
        path: path.clone(),
        message,
    };
    let task = match (&source, opts.task) {
        (Source::Score(col), Some(Task::Multiclass)) => {
            return Err(task_error(format!(
                "column \"{}\" holds binary scores; expected \"{}<class>\" or \"{}<class>\" columns for a multi-class task",
                col.name, names.prob_prefix, names.logit_prefix
            )));
        }
        (Source::Score(col), _) => {
            if n_classes > 2 {
                return Err(PredictionError::TooManyClasses {
                    path: path.clone(),
                    column: col.name.clone(),
                    classes: class_names,
                    prefix: names.prob_prefix.clone(),
                });
            }
            Task::Binary
        }
        (_, Some(Task::Binary)) if n_classes > 2 => {
            return Err(task_error(format!(
                "a binary task needs at most 2 classes; found {n_classes}: {}",
                class_names.join(", ")
            )));
        }
        (_, Some(task)) => task,
        (Source::PerClass { .. }, None) => {
            if n_classes == 2 {
                Task::Binary
            } else {
                Task::Multiclass
            }
        }
        (Source::Pred(_), None) => {
            if n_classes <= 2 {
                Task::Binary
            } else {
                Task::Multiclass
            }
        }
    };
    let positive = match (task, &opts.positive) {
        (Task::Multiclass, Some(p)) => {
            return Err(task_error(format!(
                "a positive class (\"{p}\") only applies to a binary task; this one has {n_classes} classes"
            )));
        }
        (Task::Multiclass, None) => None,
        (Task::Binary, None) => Some(n_classes - 1),
        (Task::Binary, Some(p)) => match classes.lookup(p) {
            Some(id) => Some(rank[id as usize] as usize),
            None => {
                return Err(PredictionError::UnknownPositive {
                    path: path.clone(),
                    positive: p.clone(),
                    classes: class_names,
                });
            }
        },
    };

    // Scores.
    let mut normalized = Normalized::default();
    let (scores, inputs) = match source {
        Source::Score(col) => (
            Scores::Binary {
                score: numbers(table, col, "a score")?,
            },
            Inputs::Scores,
        ),
        Source::Pred(_) => (
            Scores::Predictions {
                pred: pred_codes.unwrap_or_default(),
            },
            Inputs::Predictions,
        ),
        Source::PerClass {
            inputs,
            prefix,
            columns,
        } => {
            let k = n_classes;
            let n = table.n_rows;
            let mut matrix = vec![0.0; n * k];
            let what = if inputs == Inputs::Logits {
                "a logit"
            } else {
                "a probability"
            };
            for (c, &j) in columns.iter().zip(&column_class) {
                let values = numbers(table, c, what)?;
                for (i, x) in values.into_iter().enumerate() {
                    if inputs == Inputs::Probabilities {
                        let ok = if opts.normalize {
                            x >= 0.0
                        } else {
                            (0.0..=1.0).contains(&x)
                        };
                        if !ok {
                            let expected = if opts.normalize {
                                "a probability >= 0"
                            } else {
                                "a probability in [0, 1]"
                            };
                            return Err(invalid(table, i, &c.name, expected, py_repr(x)));
                        }
                    }
                    matrix[i * k + j] = x;
                }
            }
            let all = format!("{prefix}*");
            for (i, row) in matrix.chunks_exact_mut(k.max(1)).enumerate() {
                if inputs == Inputs::Logits {
                    softmax(row);
                    continue;
                }
                let sum: f64 = row.iter().sum();
                if opts.normalize && sum <= 0.0 {
                    return Err(invalid(
                        table,
                        i,
                        &all,
                        "probabilities with a positive sum to normalize",
                        "a sum of 0".to_owned(),
                    ));
                }
                let deviation = (sum - 1.0).abs();
                if !opts.normalize && deviation > row_sum_tolerance(sum) {
                    return Err(invalid(
                        table,
                        i,
                        &all,
                        "probabilities summing to 1 (|1 - sum| <= 1e-8 + 1e-5 * sum, as \
                         scikit-learn's np.allclose; --normalize divides each row by its sum)",
                        format!("a sum of {}", py_repr(sum)),
                    ));
                }
                if deviation > ROW_SUM_ROUNDING {
                    row.iter_mut().for_each(|x| *x /= sum);
                    normalized.rows += 1;
                    normalized.max_deviation = normalized.max_deviation.max(deviation);
                } else if opts.normalize {
                    row.iter_mut().for_each(|x| *x /= sum);
                }
            }
            let scores = match (task, inputs) {
                (Task::Binary, _) => {
                    let p = positive.unwrap_or(k.saturating_sub(1));
                    Scores::Binary {
                        score: matrix
                            .chunks_exact(k.max(1))
                            .map(|r| r[p.min(k - 1)])
                            .collect(),
                    }
                }
                (Task::Multiclass, Inputs::Logits) => Scores::Logits { probs: matrix },
                (Task::Multiclass, _) => Scores::Probabilities { probs: matrix },
            };
            (scores, inputs)
        }
    };

    // Ids, groups, kept columns.
    let texts = |col: &Column, what: &str| text_cells(table, col, what);
    let ids = match table.column(&names.id) {
        None => None,
        Some(col) => {
            let ids = texts(col, "an id")?;
            let mut seen: HashMap<&str, usize> = HashMap::with_capacity(ids.len());
            for (i, id) in ids.iter().enumerate() {
                if let Some(first) = seen.insert(id.as_str(), i) {
                    return Err(PredictionError::DuplicateId {
                        at: table.locate(i, &col.name),
                        id: id.clone(),
                        first: table.locator.describe(first),
                    });
                }
            }
            Some(ids)
        }
    };
    let (groups, group_column) = match table.column(&names.group) {
        None => (None, None),
        Some(col) => (Some(texts(col, "a group")?), Some(col.name.clone())),
    };
    let mut meta = Vec::with_capacity(opts.keep.len());
    for name in &opts.keep {
        let col = table.column(name).ok_or_else(|| missing(name, "kept"))?;
        let values = (0..table.n_rows)
            .map(|i| col.text(i).map(|t| t.into_owned()).unwrap_or_default())
            .collect();
        meta.push((name.clone(), values));
    }

    Ok(PredictionSet {
        source: path.clone(),
        task,
        classes: class_names,
        positive,
        labels,
        scores,
        inputs,
        ids,
        groups,
        group_column,
        meta,
        normalized,
    })
}

/// In-place numerically stable softmax.
fn softmax(row: &mut [f64]) {
    let max = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut sum = 0.0;
    for x in row.iter_mut() {
        *x = (*x - max).exp();
        sum += *x;
    }
    for x in row.iter_mut() {
        *x /= sum;
    }
}

/// The eval-set fingerprint: `sha256:` and the lowercase hex SHA-256 of the rows' (id, label, group).
///
/// Why: two runs can only be compared when they evaluated the same samples with the same labels;
/// the fingerprint says so without shipping the data, and does not depend on row order or on the
/// model's outputs.
///
/// Exact encoding: the rows are ordered by (id, label, group) compared as UTF-8 byte strings, where
/// the id is the id column's text, or the decimal row index when there is no id column (then the rows
/// are taken in row order), the label is the class name (`classes[labels[i]]`), and the group is the
/// group column's text. Each row contributes, in order: the id's byte length as a little-endian u64
/// and its bytes; the label's length (u64 LE) and bytes; then the byte `0x00` when there is no group
/// column, or the byte `0x01`, the group's length (u64 LE) and bytes. Nothing else is hashed.
pub fn fingerprint(set: &PredictionSet) -> String {
    let label = |i: usize| {
        set.classes
            .get(set.labels[i] as usize)
            .map_or("", String::as_str)
    };
    fingerprint_rows(
        set.labels.len(),
        set.ids.as_deref(),
        &label,
        set.groups.as_deref(),
    )
}

/// The fingerprint of `n` rows given as columns: row `i` is (`ids[i]` or its index, `label(i)`,
/// `groups[i]`). [`fingerprint`] is this over a prediction set's rows; a split manifest's rows give
/// the same fingerprint as an evaluation made on the same samples.
pub fn fingerprint_rows<'a>(
    n: usize,
    ids: Option<&[String]>,
    label: &dyn Fn(usize) -> &'a str,
    groups: Option<&[String]>,
) -> String {
    let group = |i: usize| groups.map(|g| g[i].as_str());
    let mut order: Vec<usize> = (0..n).collect();
    if let Some(ids) = ids {
        order.sort_by(|&a, &b| {
            (
                ids[a].as_bytes(),
                label(a).as_bytes(),
                group(a).map(str::as_bytes),
            )
                .cmp(&(
                    ids[b].as_bytes(),
                    label(b).as_bytes(),
                    group(b).map(str::as_bytes),
                ))
        });
    }
    fn field(buf: &mut Vec<u8>, bytes: &[u8]) {
        buf.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        buf.extend_from_slice(bytes);
    }
    let mut hasher = Sha256::new();
    // Rows are encoded into a buffer and hashed in large blocks.
    let mut buf: Vec<u8> = Vec::with_capacity(1 << 16);
    let mut index = String::new();
    for i in order {
        let id = match ids {
            Some(ids) => ids[i].as_str(),
            None => {
                index.clear();
                push_decimal(&mut index, i);
                index.as_str()
            }
        };
        field(&mut buf, id.as_bytes());
        field(&mut buf, label(i).as_bytes());
        match group(i) {
            None => buf.push(0),
            Some(g) => {
                buf.push(1);
                field(&mut buf, g.as_bytes());
            }
        }
        if buf.len() >= 1 << 15 {
            hasher.update(&buf);
            buf.clear();
        }
    }
    hasher.update(&buf);
    let digest = hasher.finalize();
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256:");
    for b in digest.iter() {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    out
}

/// Append the decimal digits of `n` (faster than `Display` in the per-row loop).
fn push_decimal(out: &mut String, mut n: usize) {
    let mut digits = [0u8; 20];
    let mut k = digits.len();
    loop {
        k -= 1;
        digits[k] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[k..] {
        out.push(char::from(d));
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";
