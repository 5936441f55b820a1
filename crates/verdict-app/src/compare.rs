//! Several models scored on one eval set: read every file, align them on the same samples (or
//! refuse), run the paired tests, choose each model's own threshold, and collect the warnings
//! that concern the comparison, the shared eval set (said once) and each model.

use crate::input::Source;
use verdict_core::compare::{CompareConfig, compare as compare_models};
use verdict_core::diagnostics;
use verdict_core::eval::{EvalConfig, EvalData, evaluate};
use verdict_core::metrics::MetricId;
use verdict_io::{PredictionOptions, PredictionSet, ReadOptions};
use verdict_report::compare::{CompareReport, ModelThreshold};

use crate::{Progress, bail, input};

/// How models are compared, whatever they were read from.
#[derive(Debug, Clone)]
pub struct CompareOptions {
    /// Threshold, bootstrap and calibration, as for one evaluation.
    pub eval: EvalConfig,
    /// The headline metric; by default `roc_auc` when every model gives binary scores, else
    /// `accuracy`.
    pub metric: Option<String>,
    /// The baseline model's name.
    pub baseline: Option<String>,
    /// Significance level.
    pub alpha: f64,
    /// Target power of the power analysis.
    pub power: f64,
    /// Permutations of the paired permutation test (0 = off).
    pub permutations: usize,
}

/// What to compare: prediction files (or tables in memory).
#[derive(Debug, Clone)]
pub struct CompareSpec {
    /// One predictions file per model; the first is the baseline unless `options.baseline` names
    /// one.
    pub files: Vec<Source>,
    /// Optional validation file per model, on which each model's own threshold is chosen.
    pub val: Vec<Source>,
    /// How to read the files.
    pub read: ReadOptions,
    /// Which columns mean what.
    pub predictions: PredictionOptions,
    /// How to compare.
    pub options: CompareOptions,
}

/// One model of a comparison, already read.
#[derive(Debug, Clone)]
pub struct Model {
    /// Its name in the report.
    pub name: String,
    /// Where its predictions came from (a file, a run's artifact).
    pub source: String,
    /// Its predictions on the eval set.
    pub set: PredictionSet,
    /// Its predictions on a validation set, on which its own threshold is chosen.
    pub val: Option<PredictionSet>,
}

/// Model names: file stems (a table's name), made unique with their position when two files share
/// a stem.
pub fn model_names(files: &[Source]) -> Vec<String> {
    let stems: Vec<String> = files.iter().map(Source::stem).collect();
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
        MetricId::RocAuc.name()
    } else {
        MetricId::Accuracy.name()
    }
}

fn load(spec: &CompareSpec, source: &Source) -> crate::Result<PredictionSet> {
    source.load(&spec.read, &spec.predictions, "compare")
}

/// Each model's own Youden threshold: chosen on its validation file when given, else on the test
/// set (then flagged); with the test metrics at that threshold. `None` unless every model gives
/// binary scores. The flag is true when the thresholds were chosen on the test set.
fn own_thresholds(
    eval: &EvalConfig,
    data: &[EvalData],
    val: Vec<Option<PredictionSet>>,
) -> crate::Result<Option<(Vec<ModelThreshold>, bool)>> {
    let any_val = val.iter().any(Option::is_some);
    if !input::all_binary_scored(data) {
        if any_val {
            bail!("--val needs binary models with scores (a threshold is chosen on them)");
        }
        return Ok(None);
    }
    let point = EvalConfig {
        bootstrap: 0,
        ..eval.clone()
    };
    let mut out = Vec::new();
    for ((i, test), val) in data.iter().enumerate().zip(val) {
        let (source, chosen_on) = match val {
            Some(mut set) => (input::to_eval_data(&mut set), "validation"),
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
        use MetricId as M;
        let metrics = [
            M::Accuracy,
            M::BalancedAccuracy,
            M::Precision,
            M::Recall,
            M::F1,
        ]
        .iter()
        .filter_map(|m| r.metric(m.name()).map(|x| (m.name().to_string(), x.value)))
        .collect();
        out.push(ModelThreshold {
            model: i,
            threshold: youden.choice.threshold,
            chosen_on,
            metrics,
        });
    }
    Ok(Some((out, !any_val)))
}

/// Compares the models of `spec`'s files.
pub fn compare(spec: &CompareSpec, progress: &dyn Progress) -> crate::Result<CompareReport> {
    check_options(&spec.options)?;
    if !spec.val.is_empty() && spec.val.len() != spec.files.len() {
        bail!(
            "--val needs one validation file per model: {} models, {} --val files",
            spec.files.len(),
            spec.val.len()
        );
    }
    let names = model_names(&spec.files);
    let mut models = Vec::with_capacity(spec.files.len());
    for (name, f) in names.into_iter().zip(&spec.files) {
        models.push(Model {
            name,
            source: f.path().display().to_string(),
            set: load(spec, f)?,
            val: None,
        });
    }
    for (m, v) in models.iter_mut().zip(&spec.val) {
        m.val = Some(load(spec, v)?);
    }
    compare_models_read(
        models,
        &spec.options,
        &spec.predictions.columns.group,
        progress,
    )
}

fn check_options(o: &CompareOptions) -> crate::Result<()> {
    if !(o.alpha > 0.0 && o.alpha < 1.0) {
        bail!(
            "--alpha must be between 0 and 1 (exclusive), got {}",
            o.alpha
        );
    }
    if !(o.power > 0.0 && o.power < 1.0) {
        bail!(
            "--power must be between 0 and 1 (exclusive), got {}",
            o.power
        );
    }
    Ok(())
}

/// Compares models already read (from files, or from runs' stored predictions): aligns them on
/// one eval set or refuses, runs the paired tests, chooses each model's own threshold, and collects
/// the findings. `group_column` names the group column in the report when the sets have groups.
pub fn compare_models_read(
    models: Vec<Model>,
    options: &CompareOptions,
    group_column: &str,
    progress: &dyn Progress,
) -> crate::Result<CompareReport> {
    check_options(options)?;
    let mut names = Vec::with_capacity(models.len());
    let mut sources = Vec::with_capacity(models.len());
    let mut sets = Vec::with_capacity(models.len());
    let mut vals = Vec::with_capacity(models.len());
    for m in models {
        names.push(m.name);
        sources.push(m.source);
        sets.push(m.set);
        vals.push(m.val);
    }
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
        .map(|(_, k)| (group_column.to_owned(), *k));
    let baseline = match &options.baseline {
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
        eval: options.eval.clone(),
        metric: options
            .metric
            .clone()
            .unwrap_or_else(|| default_metric(&data).to_string()),
        alpha: options.alpha,
        power: options.power,
        permutations: options.permutations,
    };
    let steps = cfg.eval.bootstrap + options.permutations * (data.len() - 1);
    progress.start(steps as u64, "resamples");
    let result = compare_models(&data, baseline, &cfg, &|| progress.inc(1))?;
    progress.finish();

    let thresholds = own_thresholds(&options.eval, &data, vals)?;
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
        sources,
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
        let files: Vec<_> = ["a/model.csv", "b/model.csv", "base.parquet"]
            .iter()
            .map(|f| PathBuf::from(f).into())
            .collect();
        assert_eq!(model_names(&files), vec!["model#1", "model#2", "base"]);
    }
}
