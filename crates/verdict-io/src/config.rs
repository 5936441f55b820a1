//! `verdict.toml`: a project's settings, read once and checked before anything runs.
//!
//! Why here: the thresholds of the run checks are numbers a team sets for its own runs, and a
//! setting that is silently ignored (a typo in a key, a threshold written as a string, `mild`
//! above `moderate`) would judge every run by rules nobody chose. So, like the prediction readers,
//! this reader refuses anything it does not understand, naming the file, the line, the key and
//! what was expected:
//!
//! ```text
//! verdict.toml:3: checks.overfit_mild: expected a number below checks.overfit_moderate (0.25, the default), found 0.3
//! ```
//!
//! The file holds one table today, `[checks]` (docs/checks.md lists its keys); every key is
//! optional and an absent one keeps its default. The defaults are the rules' own
//! (`verdict_core::curves`): this crate does not know them, so [`read_checks`] takes them from the
//! caller and returns the settings with the file's values applied, as plain numbers.

use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// The thresholds of the run checks, as plain numbers (the keys of `[checks]`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CheckSettings {
    /// `overfit_mild`: the relative worsening from which overfitting is `mild`.
    pub overfit_mild: f64,
    /// `overfit_moderate`: … `moderate`.
    pub overfit_moderate: f64,
    /// `overfit_severe`: … `severe`.
    pub overfit_severe: f64,
    /// `overfit_extreme`: … `extreme`.
    pub overfit_extreme: f64,
    /// `early_share`: the share of the epochs within which a best epoch is "early", in (0, 1].
    pub early_share: f64,
    /// `early_min_epochs`: runs shorter than this are never "early".
    pub early_min_epochs: u64,
    /// `chance_gap`: the share of the gap from chance to a perfect score a run must close, in
    /// (0, 1].
    pub chance_gap: f64,
    /// `loss_below`: a best validation loss below this is implausible.
    pub loss_below: f64,
    /// `score_at_least`: a best validation score at or above this is implausible, in (0, 1].
    pub score_at_least: f64,
}

/// The keys of `[checks]`, in the order docs/checks.md lists them.
pub const CHECK_KEYS: [&str; 9] = [
    "overfit_mild",
    "overfit_moderate",
    "overfit_severe",
    "overfit_extreme",
    "early_share",
    "early_min_epochs",
    "chance_gap",
    "loss_below",
    "score_at_least",
];

/// Why a settings file was refused. Every variant names the file; the others the line too.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("{}: {source}", .path.display())]
    Io {
        /// The file, as given.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The file is not TOML.
    #[error("{}:{line}:{column}: not valid TOML: {message}", .path.display())]
    Syntax {
        /// The file, as given.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column (in characters).
        column: usize,
        /// The parser's message.
        message: String,
    },
    /// A key or a value the file may not hold.
    #[error("{}:{line}: {key}: expected {expected}, found {found}", .path.display())]
    Invalid {
        /// The file, as given.
        path: PathBuf,
        /// 1-based line of the key.
        line: usize,
        /// The key, dotted from the top (`checks.overfit_mild`).
        key: String,
        /// What the key may hold.
        expected: String,
        /// What it holds (as written in the file), or what it is.
        found: String,
    },
}

/// Reads the `[checks]` table of the settings file `path` over `defaults`.
///
/// # Errors
/// The file cannot be read, is not TOML, has a key other than `[checks]` and its keys, or a value
/// of the wrong type or out of range (module docs).
pub fn read_checks(path: &Path, defaults: &CheckSettings) -> Result<CheckSettings, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_checks(&text, path, defaults)
}

/// [`read_checks`] on the text of a file; `path` is only named in errors.
///
/// # Errors
/// As [`read_checks`], but for reading.
pub fn parse_checks(
    text: &str,
    path: &Path,
    defaults: &CheckSettings,
) -> Result<CheckSettings, ConfigError> {
    let doc = parse_toml(text, path)?;
    let at = |span: Range<usize>| line_col(text, span.start).0;
    let invalid =
        |span: Range<usize>, key: &str, expected: String, found: String| ConfigError::Invalid {
            path: path.to_path_buf(),
            line: at(span),
            key: key.to_string(),
            expected,
            found,
        };
    let mut out = *defaults;
    // Where each key was set (its line), for the ordering checks' messages.
    let mut set: Vec<(&'static str, usize)> = Vec::new();
    for (key, value) in doc.get_ref() {
        let name = key.get_ref().as_ref();
        if name == "rules" {
            // The rules' own table: `verdict_io::rules` reads it.
            continue;
        }
        if name != "checks" {
            return Err(invalid(
                key.span(),
                name,
                "only the tables [checks] and [rules]".into(),
                format!("`{name}`"),
            ));
        }
        let DeValue::Table(table) = value.get_ref() else {
            return Err(invalid(
                key.span(),
                "checks",
                "a table ([checks])".into(),
                a(value.get_ref().type_str()),
            ));
        };
        for (key, value) in table {
            let name = key.get_ref().as_ref();
            let dotted = format!("checks.{name}");
            let Some(&known) = CHECK_KEYS.iter().find(|k| **k == name) else {
                return Err(invalid(
                    key.span(),
                    &dotted,
                    format!("one of the keys {}", CHECK_KEYS.join(", ")),
                    format!("an unknown key `{name}`"),
                ));
            };
            let found = || written(text, value);
            if known == "early_min_epochs" {
                let n = integer(value.get_ref()).filter(|n| *n >= 1);
                let Some(n) = n else {
                    return Err(invalid(
                        key.span(),
                        &dotted,
                        "a whole number of epochs, at least 1".into(),
                        found(),
                    ));
                };
                out.early_min_epochs = n;
            } else {
                let range = Bound::of(known);
                let x = number(value.get_ref()).filter(|x| range.contains(*x));
                let Some(x) = x else {
                    return Err(invalid(key.span(), &dotted, range.expected(), found()));
                };
                *field(&mut out, known) = x;
            }
            set.push((known, at(key.span())));
        }
    }
    // The severity thresholds must rise: mild < moderate < severe < extreme.
    let chain = [
        "overfit_mild",
        "overfit_moderate",
        "overfit_severe",
        "overfit_extreme",
    ];
    let line_of = |k: &str| set.iter().find(|(n, _)| *n == k).map(|(_, l)| *l);
    for w in chain.windows(2) {
        let (lo, hi) = (w[0], w[1]);
        let (a, b) = (get(&out, lo), get(&out, hi));
        if a < b {
            continue;
        }
        let said = |k: &str, v: f64| match line_of(k) {
            Some(l) => format!("checks.{k} ({v}, line {l})"),
            None => format!("checks.{k} ({v}, the default)"),
        };
        let (blame, line, expected, found) = match line_of(lo) {
            Some(l) => (lo, l, format!("a number below {}", said(hi, b)), a),
            None => (
                hi,
                line_of(hi).unwrap_or(1),
                format!("a number above {}", said(lo, a)),
                b,
            ),
        };
        return Err(ConfigError::Invalid {
            path: path.to_path_buf(),
            line,
            key: format!("checks.{blame}"),
            expected,
            found: found.to_string(),
        });
    }
    Ok(out)
}

/// A TOML document with spans, or the syntax error with its line and column.
pub(crate) fn parse_toml<'t>(
    text: &'t str,
    path: &Path,
) -> Result<Spanned<DeTable<'t>>, ConfigError> {
    DeTable::parse(text).map_err(|e| {
        let (line, column) = line_col(text, e.span().map_or(0, |s| s.start));
        ConfigError::Syntax {
            path: path.to_path_buf(),
            line,
            column,
            message: e.message().trim().replace('\n', "; "),
        }
    })
}

/// The field of the number key `key`.
fn field<'a>(s: &'a mut CheckSettings, key: &str) -> &'a mut f64 {
    match key {
        "overfit_mild" => &mut s.overfit_mild,
        "overfit_moderate" => &mut s.overfit_moderate,
        "overfit_severe" => &mut s.overfit_severe,
        "overfit_extreme" => &mut s.overfit_extreme,
        "early_share" => &mut s.early_share,
        "chance_gap" => &mut s.chance_gap,
        "loss_below" => &mut s.loss_below,
        _ => &mut s.score_at_least,
    }
}

/// The value of the number key `key`.
fn get(s: &CheckSettings, key: &str) -> f64 {
    let mut copy = *s;
    *field(&mut copy, key)
}

/// The values a number key may take.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Bound {
    /// A finite number ≥ 0.
    NonNegative,
    /// A share: in (0, 1].
    Share,
}

impl Bound {
    fn of(key: &str) -> Bound {
        match key {
            "early_share" | "chance_gap" | "score_at_least" => Bound::Share,
            _ => Bound::NonNegative,
        }
    }

    fn contains(self, x: f64) -> bool {
        x.is_finite()
            && match self {
                Bound::NonNegative => x >= 0.0,
                Bound::Share => x > 0.0 && x <= 1.0,
            }
    }

    fn expected(self) -> String {
        match self {
            Bound::NonNegative => "a number at least 0".into(),
            Bound::Share => "a number in (0, 1]".into(),
        }
    }
}

/// A TOML integer or float as a number (`None` for anything else or an unreadable integer).
pub(crate) fn number(v: &DeValue<'_>) -> Option<f64> {
    match v {
        DeValue::Float(f) => f.as_str().parse().ok(),
        DeValue::Integer(_) => integer_i64(v).map(|n| n as f64),
        _ => None,
    }
}

pub(crate) fn integer_i64(v: &DeValue<'_>) -> Option<i64> {
    match v {
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix()).ok(),
        _ => None,
    }
}

/// A TOML integer ≥ 0.
pub(crate) fn integer(v: &DeValue<'_>) -> Option<u64> {
    integer_i64(v).and_then(|n| u64::try_from(n).ok())
}

/// A value as the file writes it (a number or a short string), else what type it is.
pub(crate) fn written(text: &str, v: &Spanned<DeValue<'_>>) -> String {
    let shown = text.get(v.span()).unwrap_or_default().trim();
    match v.get_ref() {
        DeValue::Integer(_) | DeValue::Float(_) => shown.to_string(),
        other => {
            let kind = a(other.type_str());
            if shown.len() <= 40 && !shown.contains('\n') {
                format!("{kind}, {shown}")
            } else {
                kind
            }
        }
    }
}

/// `a string`, `an integer`.
pub(crate) fn a(kind: &str) -> String {
    if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an {kind}")
    } else {
        format!("a {kind}")
    }
}

/// 1-based line and column (in characters) of byte `at` of `text`.
pub(crate) fn line_col(text: &str, at: usize) -> (usize, usize) {
    let at = at.min(text.len());
    let before = text.get(..at).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEFAULTS: CheckSettings = CheckSettings {
        overfit_mild: 0.05,
        overfit_moderate: 0.25,
        overfit_severe: 0.5,
        overfit_extreme: 1.5,
        early_share: 0.25,
        early_min_epochs: 4,
        chance_gap: 0.15,
        loss_below: 0.001,
        score_at_least: 0.9999,
    };

    fn parse(text: &str) -> Result<CheckSettings, ConfigError> {
        parse_checks(text, Path::new("verdict.toml"), &DEFAULTS)
    }

    fn error(text: &str) -> String {
        match parse(text) {
            Ok(s) => panic!("accepted {text:?}: {s:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn every_key_is_read_and_absent_keys_keep_their_defaults() {
        assert_eq!(parse("").ok(), Some(DEFAULTS));
        assert_eq!(parse("[checks]\n").ok(), Some(DEFAULTS));
        let all = "# thresholds\n[checks]\noverfit_mild = 0.1\noverfit_moderate = 0.3\n\
                   overfit_severe = 1\noverfit_extreme = 2.5\nearly_share = 0.5\n\
                   early_min_epochs = 6\nchance_gap = 0.2\nloss_below = 1e-4\nscore_at_least = 1\n";
        assert_eq!(
            parse(all).ok(),
            Some(CheckSettings {
                overfit_mild: 0.1,
                overfit_moderate: 0.3,
                overfit_severe: 1.0,
                overfit_extreme: 2.5,
                early_share: 0.5,
                early_min_epochs: 6,
                chance_gap: 0.2,
                loss_below: 1e-4,
                score_at_least: 1.0,
            })
        );
        // Dotted keys are the same table.
        assert_eq!(
            parse("checks.chance_gap = 0.3\n")
                .map(|s| s.chance_gap)
                .ok(),
            Some(0.3)
        );
    }

    #[test]
    fn errors_name_the_file_the_line_the_key_and_what_was_expected() {
        let cases = [
            (
                "[checks]\nover_mild = 0.1\n",
                "verdict.toml:2: checks.over_mild: expected one of the keys overfit_mild, \
                 overfit_moderate, overfit_severe, overfit_extreme, early_share, \
                 early_min_epochs, chance_gap, loss_below, score_at_least, found an unknown key \
                 `over_mild`",
            ),
            (
                "[check]\noverfit_mild = 0.1\n",
                "verdict.toml:1: check: expected only the tables [checks] and [rules], found `check`",
            ),
            (
                "checks = 3\n",
                "verdict.toml:1: checks: expected a table ([checks]), found an integer",
            ),
            (
                "[checks]\n\noverfit_mild = \"0.1\"\n",
                "verdict.toml:3: checks.overfit_mild: expected a number at least 0, found a \
                 string, \"0.1\"",
            ),
            (
                "[checks]\nloss_below = -0.001\n",
                "verdict.toml:2: checks.loss_below: expected a number at least 0, found -0.001",
            ),
            (
                "[checks]\noverfit_severe = nan\n",
                "verdict.toml:2: checks.overfit_severe: expected a number at least 0, found nan",
            ),
            (
                "[checks]\nearly_share = 1.5\n",
                "verdict.toml:2: checks.early_share: expected a number in (0, 1], found 1.5",
            ),
            (
                "[checks]\nchance_gap = 0\n",
                "verdict.toml:2: checks.chance_gap: expected a number in (0, 1], found 0",
            ),
            (
                "[checks]\nscore_at_least = true\n",
                "verdict.toml:2: checks.score_at_least: expected a number in (0, 1], found a \
                 boolean, true",
            ),
            (
                "[checks]\nearly_min_epochs = 2.5\n",
                "verdict.toml:2: checks.early_min_epochs: expected a whole number of epochs, at \
                 least 1, found 2.5",
            ),
            (
                "[checks]\nearly_min_epochs = 0\n",
                "verdict.toml:2: checks.early_min_epochs: expected a whole number of epochs, at \
                 least 1, found 0",
            ),
            (
                "[checks]\noverfit_mild = 0.3\n",
                "verdict.toml:2: checks.overfit_mild: expected a number below \
                 checks.overfit_moderate (0.25, the default), found 0.3",
            ),
            (
                "[checks]\noverfit_mild = 0.3\noverfit_moderate = 0.3\n",
                "verdict.toml:2: checks.overfit_mild: expected a number below \
                 checks.overfit_moderate (0.3, line 3), found 0.3",
            ),
            (
                "[checks]\noverfit_extreme = 0.4\n",
                "verdict.toml:2: checks.overfit_extreme: expected a number above \
                 checks.overfit_severe (0.5, the default), found 0.4",
            ),
            (
                "[checks]\noverfit_mild = 0.1\noverfit_mild = 0.2\n",
                "verdict.toml:3:1: not valid TOML: duplicate key",
            ),
            (
                "[checks]\noverfit_mild = \n",
                "verdict.toml:2:16: not valid TOML:",
            ),
        ];
        for (text, want) in cases {
            let got = error(text);
            assert!(got.starts_with(want), "{text:?}\n got: {got}\nwant: {want}");
        }
    }

    #[test]
    fn a_missing_file_is_named() {
        let e = read_checks(Path::new("no/such/verdict.toml"), &DEFAULTS)
            .expect_err("missing")
            .to_string();
        assert!(e.starts_with("no/such/verdict.toml: "), "{e}");
    }

    #[test]
    fn lines_and_columns_count_from_one() {
        assert_eq!(line_col("ab\ncd", 0), (1, 1));
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
        assert_eq!(line_col("é\nx", 99), (2, 2));
    }
}
