//! `verdict compare`: read every model's predictions → align them on one eval set (or refuse) →
//! paired tests → leaderboard, verdict lines, plots.

use super::common;
use crate::cli::{CompareArgs, OutputFormat};
use anyhow::{Context, Result, bail};
use std::path::Path;
use verdict_core::compare::{CompareConfig, compare};
use verdict_core::eval::{EvalConfig, EvalData, ScoreData, evaluate};
use verdict_io::PredictionSet;
use verdict_report::compare::{CompareReport, CompareWarning, ModelThreshold};
use verdict_report::svg::{self, Series};

/// Model names: file stems, made unique with their position when two files share a stem.
fn model_names(files: &[std::path::PathBuf]) -> Vec<String> {
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

fn load(a: &CompareArgs, path: &Path) -> Result<PredictionSet> {
    let read = common::read_options(&a.input)?;
    let opts = common::prediction_options(&a.input, Vec::new());
    verdict_io::load_predictions(path, &read, &opts)
        .with_context(|| format!("cannot compare {}", path.display()))
}

/// Each model's own Youden threshold: chosen on its validation file when given, else on the test
/// set (flagged); with the test metrics at that threshold.
fn own_thresholds(
    a: &CompareArgs,
    data: &[EvalData],
    cfg: &EvalConfig,
) -> Result<Option<(Vec<ModelThreshold>, bool)>> {
    if !data
        .iter()
        .all(|d| d.is_binary() && matches!(d.scores, ScoreData::Binary(_)))
    {
        if !a.val.is_empty() {
            bail!("--val needs binary models with scores (a threshold is chosen on them)");
        }
        return Ok(None);
    }
    let point = EvalConfig {
        bootstrap: 0,
        ..cfg.clone()
    };
    let mut out = Vec::new();
    for (i, test) in data.iter().enumerate() {
        let (source, chosen_on) = match a.val.get(i) {
            Some(path) => {
                let mut set = load(a, path)?;
                (common::to_eval_data(&mut set), "validation")
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
    Ok(Some((out, a.val.is_empty())))
}

pub(crate) fn run(a: &CompareArgs) -> Result<String> {
    let cfg_eval = common::eval_config(&a.stats, None, None)?;
    if !(a.alpha > 0.0 && a.alpha < 1.0) {
        bail!(
            "--alpha must be between 0 and 1 (exclusive), got {}",
            a.alpha
        );
    }
    if !(a.power > 0.0 && a.power < 1.0) {
        bail!(
            "--power must be between 0 and 1 (exclusive), got {}",
            a.power
        );
    }
    if !a.val.is_empty() && a.val.len() != a.files.len() {
        bail!(
            "--val needs one validation file per model: {} models, {} --val files",
            a.files.len(),
            a.val.len()
        );
    }
    let names = model_names(&a.files);
    let mut sets = a
        .files
        .iter()
        .map(|f| load(a, f))
        .collect::<Result<Vec<_>>>()?;
    let pairing = verdict_io::align(&mut sets)?;
    let normalized: Vec<(usize, verdict_report::Normalization)> = sets
        .iter()
        .enumerate()
        .filter_map(|(i, s)| common::normalization(s).map(|rows| (i, rows)))
        .collect();
    let tasks: Vec<_> = sets.iter().map(|s| s.task).collect();
    if tasks.iter().any(|t| *t != tasks[0]) {
        bail!(
            "the files describe different tasks (binary and multi-class); they cannot be compared"
        );
    }
    let fingerprint = verdict_io::fingerprint(&sets[0]);
    let groups = sets[0]
        .groups
        .as_ref()
        .map(|g| (a.input.group_col.clone(), common::group_indices(g).1));
    let data: Vec<EvalData> = sets.iter_mut().map(common::to_eval_data).collect();
    let baseline = match &a.baseline {
        None => 0,
        Some(b) => names.iter().position(|n| n == b).with_context(|| {
            format!(
                "--baseline {b}: no such model; models: {}",
                names.join(", ")
            )
        })?,
    };
    let all_scored = data
        .iter()
        .all(|d| d.is_binary() && matches!(d.scores, ScoreData::Binary(_)));
    let metric = a
        .metric
        .clone()
        .unwrap_or_else(|| if all_scored { "roc_auc" } else { "accuracy" }.to_string());
    let cfg = CompareConfig {
        eval: cfg_eval.clone(),
        metric,
        alpha: a.alpha,
        power: a.power,
        permutations: a.permutation,
    };
    let steps = cfg.eval.bootstrap + a.permutation * (data.len() - 1);
    let bar = common::progress(&a.output, steps, "resamples");
    let tick = || bar.inc(1);
    let result = compare(&data, baseline, &cfg, &tick)?;
    bar.finish_and_clear();

    let thresholds = own_thresholds(a, &data, &cfg_eval)?;
    let mut warnings = Vec::new();
    if pairing == verdict_io::Pairing::ByPosition {
        warnings.push(CompareWarning::PairedByPosition);
    }
    // The eval set is shared: its warnings are said once for the set (computed from the rows, the
    // same for every model), the models' own ones per model.
    warnings.extend(
        result
            .eval_set_warnings
            .iter()
            .map(|w| CompareWarning::EvalSet { warning: w.clone() }),
    );
    if thresholds.as_ref().is_some_and(|(_, on_test)| *on_test) {
        warnings.push(CompareWarning::ThresholdOnTest);
    }
    warnings.extend(
        normalized
            .into_iter()
            .map(|(model, rows)| CompareWarning::Normalized { model, rows }),
    );
    for (model, r) in result.models.iter().enumerate() {
        for w in r.warnings.iter().filter(|w| !w.is_eval_set()) {
            warnings.push(CompareWarning::Model {
                model,
                warning: w.clone(),
            });
        }
    }
    let report = CompareReport {
        sources: a.files.iter().map(|f| f.display().to_string()).collect(),
        names,
        fingerprint,
        groups,
        result,
        thresholds: thresholds.map(|(t, _)| t),
        warnings,
    };
    let lang = common::lang(&a.output);
    if let Some(dir) = &a.out_dir {
        write_out_dir(dir, &report, lang)?;
    }
    Ok(match a.output.format {
        OutputFormat::Json => verdict_report::compare::json(&report),
        OutputFormat::Md => verdict_report::compare::markdown(
            &report,
            lang,
            &verdict_report::compare::plots(&report, lang),
        ),
        OutputFormat::Text => {
            verdict_report::compare::text(&report, lang, common::color(&a.output))
        }
    })
}

fn write_out_dir(dir: &Path, rep: &CompareReport, lang: verdict_report::Lang) -> Result<()> {
    let write = common::out_dir(dir)?;
    let plot_files = verdict_report::compare::plots(rep, lang);
    if !plot_files.is_empty() {
        let models = &rep.result.models;
        let auc = |i: usize| models[i].metric("roc_auc").map(|m| m.value);
        let ap = |i: usize| models[i].metric("average_precision").map(|m| m.value);
        let roc: Vec<Series<'_>> = models
            .iter()
            .enumerate()
            .filter_map(|(i, m)| {
                m.roc.as_ref().map(|c| Series {
                    name: &rep.names[i],
                    x: &c.fpr,
                    y: &c.tpr,
                    summary: auc(i),
                })
            })
            .collect();
        let pr: Vec<Series<'_>> = models
            .iter()
            .enumerate()
            .filter_map(|(i, m)| {
                m.pr.as_ref().map(|c| Series {
                    name: &rep.names[i],
                    x: &c.recall,
                    y: &c.precision,
                    summary: ap(i),
                })
            })
            .collect();
        write("roc.svg", &svg::roc_plot(&roc, lang))?;
        write("pr.svg", &svg::pr_plot(&pr, models[0].prevalence(), lang))?;
    }
    write(
        "report.md",
        &verdict_report::compare::markdown(rep, lang, &plot_files),
    )?;
    write("compare.json", &verdict_report::compare::json(rep))?;
    Ok(())
}
