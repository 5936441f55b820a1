//! One prediction file evaluated: the main evaluation, collapsed class groups (`defect` = several
//! classes) and slices by a metadata column, each with its own bootstrap, and the eval set's
//! fingerprint hashed on a second thread meanwhile.

use std::path::PathBuf;
use verdict_core::eval::{EvalConfig, evaluate as evaluate_data};
use verdict_core::prepare;
use verdict_io::{PredictionOptions, ReadOptions};
use verdict_report::{EvalReport, GroupedClasses, Slices};

use crate::{Progress, bail, input, shown};

/// A class grouping: the positive side `name` collects `members`; everything else is negative.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassGrouping {
    /// The positive side's name.
    pub name: String,
    /// The classes it collects.
    pub members: Vec<String>,
}

impl ClassGrouping {
    /// Parses `NAME=class,class,…` (names and members trimmed, empty members dropped).
    pub fn parse(text: &str) -> crate::Result<ClassGrouping> {
        let Some((name, members)) = text.split_once('=') else {
            bail!("--group-classes expects NAME=class,class,…, got `{text}`");
        };
        let members: Vec<String> = members
            .split(',')
            .map(|m| m.trim().to_string())
            .filter(|m| !m.is_empty())
            .collect();
        if name.trim().is_empty() || members.is_empty() {
            bail!("--group-classes expects NAME=class,class,…, got `{text}`");
        }
        Ok(ClassGrouping {
            name: name.trim().to_string(),
            members,
        })
    }
}

/// What to evaluate and how.
#[derive(Debug, Clone)]
pub struct EvalSpec {
    /// The predictions file (`-` reads standard input).
    pub file: PathBuf,
    /// How to read it.
    pub read: ReadOptions,
    /// Which columns mean what (the `--by` column is added to the kept ones).
    pub predictions: PredictionOptions,
    /// Threshold, bootstrap, calibration, targets.
    pub config: EvalConfig,
    /// Collapsed binary problems to evaluate as well.
    pub groupings: Vec<ClassGrouping>,
    /// A metadata column to slice by.
    pub by: Option<String>,
    /// Keep the evaluated predictions ([`Evaluation::predictions`]) for storing beside the
    /// results.
    pub keep_predictions: bool,
}

/// An evaluation's report, and the predictions it evaluated when the spec asked to keep them.
#[derive(Debug, Clone)]
pub struct Evaluation {
    /// The report.
    pub report: EvalReport,
    /// The evaluated predictions as a Parquet file (`verdict_io::predictions_parquet`: read back
    /// with default options, the same eval set and the same numbers).
    pub predictions: Option<KeptPredictions>,
}

/// Predictions kept by an evaluation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptPredictions {
    /// The Parquet file's bytes.
    pub parquet: Vec<u8>,
    /// The positive class's name (binary tasks), which a reader passes as its positive class.
    pub positive: Option<String>,
}

/// The evaluation settings every front end takes (the CLI's flags, the Python package's keyword
/// arguments), before they are checked. [`Default`] is the one statement of their defaults: the
/// CLI's flags take theirs from it, and the Python package's test checks its signatures
/// against it.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Decision threshold: `score >= threshold` is positive.
    pub threshold: f64,
    /// Bootstrap replicates (0 = no intervals).
    pub bootstrap: usize,
    /// Bootstrap seed.
    pub seed: u64,
    /// Interval level, in (0, 1).
    pub ci: f64,
    /// Calibration bins (at least 1).
    pub calibration_bins: usize,
    /// Calibration binning.
    pub calibration_binning: verdict_core::calibration::Binning,
    /// At most this many points per ROC/PR curve in the JSON document (0 = every point).
    pub curve_points: usize,
    /// Report the threshold reaching this recall, in (0, 1].
    pub target_recall: Option<f64>,
    /// Report the threshold reaching this precision, in (0, 1].
    pub target_precision: Option<f64>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            threshold: 0.5,
            bootstrap: 1000,
            seed: 0,
            ci: 0.95,
            calibration_bins: 15,
            calibration_binning: verdict_core::calibration::Binning::Uniform,
            curve_points: 2000,
            target_recall: None,
            target_precision: None,
        }
    }
}

impl Settings {
    /// Checks the settings and makes the core's config. `name` turns a setting's name
    /// (`threshold`, `ci`, `target_recall`) into the way the front end spells it (`--threshold`,
    /// `threshold=`), so a message names what the user typed.
    pub fn config(&self, name: &dyn Fn(&str) -> String) -> crate::Result<EvalConfig> {
        if !self.threshold.is_finite() {
            bail!(
                "{} must be a finite number, got {}",
                name("threshold"),
                self.threshold
            );
        }
        if !(self.ci > 0.0 && self.ci < 1.0) {
            bail!(
                "{} must be between 0 and 1 (exclusive), got {}",
                name("ci"),
                self.ci
            );
        }
        if self.calibration_bins == 0 {
            bail!("{} must be at least 1", name("calibration_bins"));
        }
        for (setting, v) in [
            ("target_recall", self.target_recall),
            ("target_precision", self.target_precision),
        ] {
            if let Some(v) = v
                && !(v > 0.0 && v <= 1.0)
            {
                bail!("{} must be in (0, 1], got {v}", name(setting));
            }
        }
        Ok(EvalConfig {
            threshold: self.threshold,
            bootstrap: self.bootstrap,
            seed: self.seed,
            level: self.ci,
            calibration: verdict_core::calibration::CalibrationConfig {
                n_bins: self.calibration_bins,
                binning: self.calibration_binning,
                high_confidence: 0.9,
            },
            target_recall: self.target_recall,
            target_precision: self.target_precision,
            curve_points: self.curve_points,
        })
    }
}

impl Settings {
    /// The config of settings known to be valid (the defaults and what is derived from them).
    fn checked(&self) -> EvalConfig {
        match self.config(&flag_name) {
            Ok(c) => c,
            Err(e) => unreachable!("the default settings are valid: {e}"),
        }
    }
}

/// The command line's default settings ([`Settings::default`]) as the core's config.
pub fn default_config() -> EvalConfig {
    Settings::default().checked()
}

/// A setting's name as a command-line flag: `target_recall` → `--target-recall`.
pub fn flag_name(setting: &str) -> String {
    format!("--{}", setting.replace('_', "-"))
}

/// The command line's default settings without a bootstrap: threshold 0.5, 15 uniform calibration
/// bins (high confidence 0.9), every curve point, seed 0, level 0.95. What a recomputation of a
/// stored evaluation's findings uses (they do not depend on the bootstrap).
pub fn point_config() -> EvalConfig {
    let settings = Settings {
        bootstrap: 0,
        curve_points: 0,
        ..Settings::default()
    };
    settings.checked()
}

/// The prediction options with the `--by` column kept.
fn options(spec: &EvalSpec) -> PredictionOptions {
    let mut opts = spec.predictions.clone();
    opts.keep.extend(spec.by.iter().cloned());
    opts
}

/// Evaluates `spec.file`. Bad groupings and slice columns fail before any work.
pub fn evaluate(spec: &EvalSpec, progress: &dyn Progress) -> crate::Result<Evaluation> {
    let set = input::load(&spec.file, &spec.read, &options(spec), "evaluate")?;
    evaluate_set(set, spec, progress)
}

/// Evaluates predictions already in memory (the Python package's arrays, as a
/// [`verdict_io::Table`]), validated by the same rules as a file: `spec.file` is only the name
/// the report and the messages give them, and `spec.read` is not used.
pub fn evaluate_table(
    table: &verdict_io::Table,
    spec: &EvalSpec,
    progress: &dyn Progress,
) -> crate::Result<Evaluation> {
    let set = verdict_io::predictions_from_table(table, &options(spec))?;
    evaluate_set(set, spec, progress)
}

fn evaluate_set(
    mut set: verdict_io::PredictionSet,
    spec: &EvalSpec,
    progress: &dyn Progress,
) -> crate::Result<Evaluation> {
    // The eval set's canonical order (by id), as `compare` uses: the bootstrap draws the same
    // samples in both, so a model's intervals agree.
    verdict_io::canonical_order(&mut set);
    let predictions = if spec.keep_predictions {
        Some(KeptPredictions {
            parquet: verdict_io::predictions_parquet(&set)?,
            positive: set.positive.map(|p| set.classes[p].clone()),
        })
    } else {
        None
    };
    let data = input::to_eval_data(&mut set);
    let set = &set;
    let cfg = &spec.config;

    let mut collapsed = Vec::new();
    for g in &spec.groupings {
        let mut idx = Vec::new();
        for m in &g.members {
            match set.classes.iter().position(|c| c == m) {
                Some(i) => idx.push(i),
                None => bail!(
                    "--group-classes {}: class `{m}` is not among the classes of {} ({})",
                    g.name,
                    spec.file.display(),
                    set.classes.join(", ")
                ),
            }
        }
        let Some(c) = data.collapse(&g.name, &idx) else {
            bail!(
                "--group-classes needs a multi-class task (probabilities, logits or predictions)"
            );
        };
        collapsed.push((g.clone(), c));
    }
    let slice_rows = match &spec.by {
        None => None,
        Some(col) => {
            let Some((_, values)) = set.meta.iter().find(|(n, _)| n == col) else {
                bail!("--by {col}: no such column in {}", spec.file.display());
            };
            Some((col.clone(), prepare::rows_by_value(values)))
        }
    };

    // Every evaluation (main, grouped, slices) runs its own bootstrap; one count for them all.
    let n_evals = 1 + collapsed.len() + slice_rows.as_ref().map_or(0, |(_, r)| r.len());
    progress.start((cfg.bootstrap * n_evals) as u64, "bootstrap");
    let tick = || progress.inc(1);
    let (fingerprint, result) = std::thread::scope(|scope| {
        let fp = scope.spawn(|| verdict_io::fingerprint(set));
        let result = evaluate_data(&data, cfg, &tick);
        (fp.join(), result)
    });
    let Ok(fingerprint) = fingerprint else {
        bail!("the eval set's fingerprint could not be computed (its thread panicked)");
    };
    let grouped = collapsed
        .into_iter()
        .map(|(g, c)| GroupedClasses {
            name: g.name,
            members: g.members,
            result: evaluate_data(&c, cfg, &tick),
        })
        .collect();
    let slices = slice_rows.map(|(column, rows)| Slices {
        column,
        values: rows
            .into_iter()
            .map(|(v, r)| (v.to_string(), evaluate_data(&data.subset(&r), cfg, &tick)))
            .collect(),
    });
    progress.finish();

    let report = EvalReport {
        source: shown(&spec.file),
        inputs: set.inputs.name(),
        fingerprint,
        group_column: set
            .groups
            .as_ref()
            .map(|_| spec.predictions.columns.group.clone()),
        group_count: data.groups.as_ref().map(|(_, k)| *k),
        result,
        grouped,
        slices,
        normalized: input::normalization(set),
    };
    Ok(Evaluation {
        report,
        predictions,
    })
}

#[cfg(test)]
mod tests {
    use super::ClassGrouping;

    #[test]
    fn groupings_parse_with_trimmed_members() {
        let g = ClassGrouping::parse(" defect = crack, dent,,").expect("parses");
        assert_eq!(g.name, "defect");
        assert_eq!(g.members, vec!["crack", "dent"]);
        for bad in ["defect", "=a", "defect=", "defect= , "] {
            let e = ClassGrouping::parse(bad).expect_err("refused");
            assert!(e.is_invalid());
            assert!(e.to_string().contains("NAME=class,class"), "{e}");
        }
    }
}
