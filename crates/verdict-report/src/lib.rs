//! Renders Verdict results: terminal text, the JSON document and Markdown reports, in English and
//! Korean.
//!
//! Results come in as plain `verdict-core` structs wrapped in an [`EvalReport`] (which adds what
//! the reader knows: file, fingerprint, columns) and go out as `String`s; this crate does no I/O.
//! Every number is formatted deterministically (fixed decimals in text, shortest round-trip f64 in
//! JSON), so reports can be snapshot-tested byte for byte.
//!
//! * [`json`]: the stable document described in `docs/eval-json.md`.
//! * [`text`]: aligned tables for the terminal, optionally coloured.
//! * [`markdown`]: the report a team pastes into its wiki, in the spirit of their hand-written ones.
//! * [`splits`]: `verdict splits check|diff`.
//! * [`check`]: the findings of `verdict check`.
//! * [`compare`]: the verdict line and the comparison report.
//! * [`ensemble`]: `verdict ensemble`'s report (its comparisons are [`compare`]'s).
//! * [`i18n`]: every user-facing phrase in each [`Lang`]; [`findings`] renders the warnings' phrases
//!   from the findings registry (`verdict_core::diagnostics`).
//! * [`Table`]: the aligned text / Markdown table behind all of them and the binary's ledger
//!   commands.

#![warn(missing_docs)]

pub mod check;
pub mod compare;
pub mod ensemble;
pub mod findings;
pub mod html;
pub mod i18n;
pub mod json;
pub mod markdown;
pub mod retrieval;
pub mod rules;
mod sections;
pub mod splits;
pub mod svg;
mod table;
pub mod text;
pub mod ui;

pub use i18n::Lang;
pub use table::{Align, Table};
use verdict_core::eval::EvalResult;

/// Above this many classes a report changes shape so that its size stays linear in the number of
/// classes (a scikit-learn user does not print a 51 × 51 confusion matrix either):
///
/// * the terminal and Markdown reports show the [`CONFUSED_PAIRS_SHOWN`] largest off-diagonal cells
///   of the confusion matrix (true, predicted, count, share of the true class, share of errors)
///   instead of the matrix; the per-class table shows only the [`CLASS_ROWS_SHOWN`] classes with the
///   lowest recall and the [`CLASS_ROWS_SHOWN`] with the largest support, with a note saying so; the
///   class list is cut to its first names, and at most [`CLASS_ROWS_SHOWN`] per-class warnings of
///   each kind are printed, with a count of the rest;
/// * the JSON document stores the confusion matrix sparse (COO: `rows`, `cols`, `counts` of the
///   nonzero cells, `docs/eval-json.md`); at or below the limit it is the dense `matrix` as
///   always. Every other part of the JSON (the full per-class table, every warning) is unchanged.
pub const CLASS_LIMIT: usize = 50;

/// Confusion-matrix cells shown above [`CLASS_LIMIT`] classes.
pub const CONFUSED_PAIRS_SHOWN: usize = 20;

/// Classes per selection (lowest recall, largest support) shown above [`CLASS_LIMIT`] classes.
pub const CLASS_ROWS_SHOWN: usize = 10;

/// One evaluation with everything a report says about it.
#[derive(Debug, Clone)]
pub struct EvalReport {
    /// The input file as given.
    pub source: String,
    /// What the model gave: `scores`, `probabilities`, `logits` or `predictions`.
    pub inputs: &'static str,
    /// Fingerprint of the eval set (see `verdict-io`).
    pub fingerprint: String,
    /// The group column, when the bootstrap resampled groups.
    pub group_column: Option<String>,
    /// Number of distinct groups.
    pub group_count: Option<usize>,
    /// The evaluation itself.
    pub result: EvalResult,
    /// Collapsed binary problems from `--group-classes`.
    pub grouped: Vec<GroupedClasses>,
    /// Per-slice evaluations from `--by`.
    pub slices: Option<Slices>,
    /// Probability rows the reader divided by their sum, when there were any.
    pub normalized: Option<Normalization>,
}

/// Probability rows that did not sum to 1 and were divided by their sum (`verdict-io`'s rule:
/// within NumPy's `allclose` tolerance, or any row under `--normalize`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Normalization {
    /// How many rows were divided by their sum.
    pub rows: usize,
    /// The largest `|sum − 1|` among them.
    pub max_deviation: f64,
}

/// A collapsed binary problem ("defect" = several classes).
#[derive(Debug, Clone)]
pub struct GroupedClasses {
    /// The name of the positive side.
    pub name: String,
    /// The classes it collects.
    pub members: Vec<String>,
    /// Its evaluation.
    pub result: EvalResult,
}

/// Evaluations repeated for each value of a metadata column.
#[derive(Debug, Clone)]
pub struct Slices {
    /// The column.
    pub column: String,
    /// (value, evaluation) in value order.
    pub values: Vec<(String, EvalResult)>,
}

impl EvalReport {
    /// `binary` or `multiclass`.
    pub fn task(&self) -> &'static str {
        if self.result.positive.is_some() {
            "binary"
        } else {
            "multiclass"
        }
    }
}

/// Formats a threshold for text and Markdown: 4 decimals like the metrics beside it, but never
/// rounded to a value that hides its size: below 0.001 in magnitude (the degenerate "optimal
/// threshold" of 0.0001) it keeps 4 significant digits in scientific notation. Integral margins
/// print as integers. JSON keeps the exact value.
pub(crate) fn fmt_threshold(v: f64) -> String {
    if !v.is_finite() {
        return if v.is_nan() {
            "—".into()
        } else {
            format!("{v}")
        };
    }
    if v == v.trunc() && v.abs() < 1e15 {
        format!("{v:.0}")
    } else if v.abs() < 1e-3 || v.abs() >= 1e6 {
        format!("{v:.3e}")
    } else {
        format!("{v:.4}")
    }
}

/// A table's header cells in `lang`.
pub(crate) fn headers(lang: Lang, en: &[&str], ko: &[&str]) -> Vec<String> {
    match lang {
        Lang::En => en,
        Lang::Ko => ko,
    }
    .iter()
    .map(|s| (*s).to_string())
    .collect()
}

/// Epoch milliseconds as a time in UTC, `2026-12-07 05:38:35` (no time zone lookup): the web
/// UI's and the ledger commands' format.
pub fn fmt_time(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Formats a metric value with 4 decimals; `—` when undefined.
pub(crate) fn fmt4(v: f64) -> String {
    if v.is_finite() {
        format!("{v:.4}")
    } else {
        "—".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::fmt_threshold;

    #[test]
    fn thresholds_keep_four_decimals_or_their_magnitude() {
        assert_eq!(fmt_threshold(0.5192705000801757), "0.5193");
        assert_eq!(fmt_threshold(0.5), "0.5000");
        assert_eq!(fmt_threshold(0.000123456), "1.235e-4");
        assert_eq!(fmt_threshold(-2.0), "-2");
        assert_eq!(fmt_threshold(1234567.5), "1.235e6");
        assert_eq!(fmt_threshold(f64::INFINITY), "inf");
        assert_eq!(fmt_threshold(f64::NAN), "—");
    }
}
