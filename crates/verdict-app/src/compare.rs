//! Several models scored on one eval set: read every file, align them on the same samples (or
//! refuse), run the paired tests, choose each model's own threshold, and collect the warnings
//! that concern the comparison, the shared eval set (said once) and each model.

use std::path::{Path, PathBuf};
use verdict_core::compare::{CompareConfig, compare as compare_models};
use verdict_core::diagnostics;
use verdict_core::eval::{EvalConfig, EvalData, evaluate};
use verdict_io::{PredictionOptions, PredictionSet, ReadOptions};
use verdict_report::compare::{CompareReport, ModelThreshold};

use crate::{Progress, bail, input};

/// What to compare and how.
#[derive(Debug, Clone)]
pub struct CompareSpec {
    /// One predictions file per model; the first is the baseline unless `baseline` names one.
    pub files: Vec<PathBuf>,
    /// Optional validation file per model, on which each model's own threshold is chosen.
    pub val: Vec<PathBuf>,
    /// How to read the files.
    pub read: ReadOptions,
    /// Which columns mean what.
    pub predictions: PredictionOptions,
    /// Threshold, bootstrap and calibration, as for one evaluation.
    pub eval: EvalConfig,
    /// The headline metric; by default `roc_auc` when every model gives binary scores, else
    /// `accuracy`.
    pub metric: Option<String>,
    /// The baseline model's name (a file stem).
    pub baseline: Option<String>,
    /// Significance level.
    pub alpha: f64,
    /// Target power of the power analysis.
    pub power: f64,
    /// Permutations of the paired permutation test (0 = off).
    pub permutations: usize,
}

/// Model names: file stems, made unique with their position when two files share a stem.
pub fn model_names(files: &[PathBuf]) -> Vec<String> {
    let stems: Vec<String> = files
        .iter()
        .map(|f| {
            f.file_stem().map_or_else(
                || f.display().to_string(),
                |s| s.to_string_lossy().into_owned(),
            )
        })
        .collect();
    stems
        .iter()
        .enumerate()
        .map(|(i, s)| {
            if stems.iter().filter(|x| *x == s).count() > 1 {
                format!("{s}#{}", i + 1)
            } else {
                s.clone()
            }
        })
        .collect()
}

/// The default headline metric: `roc_auc` when every model gives binary scores, else `accuracy`.
pub fn default_metric(data: &[EvalData]) -> &'static str {
    if input::all_binary_scored(data) {
        "roc_auc"
    } else {
        "accuracy"
    }
}

fn load(spec: &CompareSpec, path: &Path) -> crate::Result<PredictionSet> {
    input::load(path, &spec.read, &spec.predictions, "compare")
}

/// Each model's own Youden threshold: chosen on its validation file when given, else on the test
/// set (then flagged); with the test metrics at that threshold. `None` unless every model gives
/// binary scores. The flag is true when the thresholds were chosen on the test set.
fn own_thresholds(
    spec: &CompareSpec,
    data: &[EvalData],
) -> crate::Result<Option<(Vec<ModelThreshold>, bool)>> {
    if !input::all_binary_scored(data) {
        if !spec.val.is_empty() {
            bail!("--val needs binary models with scores (a threshold is chosen on them)");
        }
        return Ok(None);
    }
    let point = EvalConfig {
        bootstrap: 0,
        ..spec.eval.clone()
    };
    let mut out = Vec::new();
    for (i, test) in data.iter().enumerate() {
        let (source, chosen_on) = match spec.val.get(i) {
            Some(path) => {
                let mut set = load(spec, path)?;
                (input::to_eval_data(&mut set), "validation")
            }
            None => (test.clone(), "test"),
        };
        let chosen = evaluate(&source, &point, &|| {});
        let Some(youden) = chosen.thresholds.iter().find(|t| t.name == "youden") else {
            continue;
        };
        let at = EvalConfig {
            threshold: youden.choice.threshold,
            ..point.clone()
        };
        let r = evaluate(test, &at, &|| {});
        let metrics = ["accuracy", "balanced_accuracy", "precision", "recall", "f1"]
            .iter()
            .filter_map(|m| r.metric(m).map(|x| ((*m).to_string(), x.value)))
            .collect();
        out.push(ModelThreshold {
            model: i,
            threshold: youden.choice.threshold,
            chosen_on,
            metrics,
        });
    }
    Ok(Some((out, spec.val.is_empty())))
}

/// Compares the models of `spec`.
pub fn compare(spec: &CompareSpec, progress: &dyn Progress) -> crate::Result<CompareReport> {
    if !(spec.alpha > 0.0 && spec.alpha < 1.0) {
        bail!(
            "--alpha must be between 0 and 1 (exclusive), got {}",
            spec.alpha
        );
    }
    if !(spec.power > 0.0 && spec.power < 1.0) {
        bail!(
            "--power must be between 0 and 1 (exclusive), got {}",
            spec.power
        );
    }
    if !spec.val.is_empty() && spec.val.len() != spec.files.len() {
        bail!(
            "--val needs one validation file per model: {} models, {} --val files",
            spec.files.len(),
            spec.val.len()
        );
    }
    let names = model_names(&spec.files);
    let mut sets = spec
        .files
        .iter()
        .map(|f| load(spec, f))
        .collect::<crate::Result<Vec<_>>>()?;
    let pairing = verdict_io::align(&mut sets)?;
    let normalized: Vec<(usize, verdict_report::Normalization)> = sets
        .iter()
        .enumerate()
        .filter_map(|(i, s)| input::normalization(s).map(|rows| (i, rows)))
        .collect();
    if sets.iter().any(|s| s.task != sets[0].task) {
        bail!(
            "the files describe different tasks (binary and multi-class); they cannot be compared"
        );
    }
    let fingerprint = verdict_io::fingerprint(&sets[0]);
    let data: Vec<EvalData> = sets.iter_mut().map(input::to_eval_data).collect();
    let groups = data[0]
        .groups
        .as_ref()
        .map(|(_, k)| (spec.predictions.columns.group.clone(), *k));
    let baseline = match &spec.baseline {
        None => 0,
        Some(b) => match names.iter().position(|n| n == b) {
            Some(i) => i,
            None => bail!(
                "--baseline {b}: no such model; models: {}",
                names.join(", ")
            ),
        },
    };
    let cfg = CompareConfig {
        eval: spec.eval.clone(),
        metric: spec
            .metric
            .clone()
            .unwrap_or_else(|| default_metric(&data).to_string()),
        alpha: spec.alpha,
        power: spec.power,
        permutations: spec.permutations,
    };
    let steps = cfg.eval.bootstrap + spec.permutations * (data.len() - 1);
    progress.start(steps as u64, "resamples");
    let result = compare_models(&data, baseline, &cfg, &|| progress.inc(1))?;
    progress.finish();

    let thresholds = own_thresholds(spec, &data)?;
    let mut warnings = Vec::new();
    if pairing == verdict_io::Pairing::ByPosition {
        warnings.push(diagnostics::paired_by_position());
    }
    // The eval set is shared: its warnings are said once for the set (computed from the rows, the
    // same for every model), the models' own ones per model.
    warnings.extend(result.eval_set_warnings.iter().cloned());
    if thresholds.as_ref().is_some_and(|(_, on_test)| *on_test) {
        warnings.push(diagnostics::threshold_chosen_on_test());
    }
    warnings.extend(normalized.into_iter().map(|(model, nz)| {
        diagnostics::normalized_rows(nz.rows, nz.max_deviation, result.models[model].n)
            .for_model(model)
    }));
    for (model, r) in result.models.iter().enumerate() {
        for w in r.warnings.iter().filter(|w| !w.is_eval_set()) {
            warnings.push(w.clone().for_model(model));
        }
    }
    Ok(CompareReport {
        sources: spec.files.iter().map(|f| f.display().to_string()).collect(),
        names,
        fingerprint,
        groups,
        result,
        thresholds: thresholds.map(|(t, _)| t),
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::model_names;
    use std::path::PathBuf;

    #[test]
    fn shared_stems_get_their_position() {
        let files: Vec<PathBuf> = ["a/model.csv", "b/model.csv", "base.parquet"]
            .iter()
            .map(PathBuf::from)
            .collect();
        assert_eq!(model_names(&files), vec!["model#1", "model#2", "base"]);
    }
}
