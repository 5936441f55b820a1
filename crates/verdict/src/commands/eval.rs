//! `verdict eval`: read → validate → evaluate (with slices and grouped classes) → render.

use crate::cli::{EvalArgs, InputFormat, LangArg, OutputFormat, Strategy, TaskArg};
use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressStyle};
use std::collections::BTreeMap;
use std::io::IsTerminal;
use verdict_core::calibration::{Binning, CalibrationConfig};
use verdict_core::eval::{EvalConfig, EvalData, ScoreData, evaluate};
use verdict_io::{
    ColumnNames, Format, PredictionOptions, PredictionSet, ReadOptions, Scores, Task,
};
use verdict_report::{EvalReport, GroupedClasses, Lang, Slices};

/// Validated settings (clap's raw flags resolved).
struct Settings {
    cfg: EvalConfig,
    groupings: Vec<(String, Vec<String>)>,
}

fn settings(a: &EvalArgs) -> Result<Settings> {
    if !a.threshold.is_finite() {
        bail!("--threshold must be a finite number, got {}", a.threshold);
    }
    if !(a.ci > 0.0 && a.ci < 1.0) {
        bail!("--ci must be between 0 and 1 (exclusive), got {}", a.ci);
    }
    if a.calibration_bins == 0 {
        bail!("--calibration-bins must be at least 1");
    }
    for (flag, v) in [
        ("--target-recall", a.target_recall),
        ("--target-precision", a.target_precision),
    ] {
        if let Some(v) = v
            && !(v > 0.0 && v <= 1.0)
        {
            bail!("{flag} must be in (0, 1], got {v}");
        }
    }
    let mut groupings = Vec::new();
    for g in &a.group_classes {
        let Some((name, members)) = g.split_once('=') else {
            bail!("--group-classes expects NAME=class,class,…, got `{g}`");
        };
        let members: Vec<String> = members
            .split(',')
            .map(|m| m.trim().to_string())
            .filter(|m| !m.is_empty())
            .collect();
        if name.trim().is_empty() || members.is_empty() {
            bail!("--group-classes expects NAME=class,class,…, got `{g}`");
        }
        groupings.push((name.trim().to_string(), members));
    }
    Ok(Settings {
        cfg: EvalConfig {
            threshold: a.threshold,
            bootstrap: a.bootstrap,
            seed: a.seed,
            level: a.ci,
            calibration: CalibrationConfig {
                n_bins: a.calibration_bins,
                binning: match a.calibration_strategy {
                    Strategy::Uniform => Binning::Uniform,
                    Strategy::Quantile => Binning::Quantile,
                },
                high_confidence: 0.9,
            },
            target_recall: a.target_recall,
            target_precision: a.target_precision,
            curve_points: a.curve_points,
        },
        groupings,
    })
}

/// Dense group indices in sorted group-name order.
fn group_indices(groups: &[String]) -> (Vec<u32>, usize) {
    let mut names: Vec<&str> = groups.iter().map(String::as_str).collect();
    names.sort_unstable();
    names.dedup();
    let index: BTreeMap<&str, u32> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (*n, i as u32))
        .collect();
    (
        groups.iter().map(|g| index[g.as_str()]).collect(),
        names.len(),
    )
}

/// A binary task whose labels hold a single class still needs two classes to report on: the missing
/// one is added (for integer labels the other of 0/1, else `not <class>`), and the positive class
/// stays the greater label unless `--positive` named one (scikit-learn's default `pos_label=1`).
fn complete_binary_classes(
    set: &PredictionSet,
) -> (Vec<String>, Vec<u32>, Option<Vec<u32>>, usize) {
    let mut classes = set.classes.clone();
    let mut labels = set.labels.clone();
    let mut pred = match &set.scores {
        Scores::Predictions { pred } => Some(pred.clone()),
        _ => None,
    };
    if classes.len() == 1 {
        let only = classes[0].clone();
        let (other, other_first) = match only.parse::<i64>() {
            Ok(v) if v <= 0 => (
                if v == 0 {
                    "1".to_string()
                } else {
                    "0".to_string()
                },
                v == 1,
            ),
            Ok(_) => ("0".to_string(), true),
            Err(_) => (format!("not {only}"), true),
        };
        if other_first {
            classes.insert(0, other);
            labels.iter_mut().for_each(|l| *l += 1);
            if let Some(p) = pred.as_mut() {
                p.iter_mut().for_each(|l| *l += 1);
            }
        } else {
            classes.push(other);
        }
    }
    let positive = match &set.positive {
        Some(i) if set.classes.len() > 1 => *i,
        Some(i) => classes
            .iter()
            .position(|c| *c == set.classes[*i])
            .unwrap_or(1),
        None => classes.len() - 1,
    };
    (classes, labels, pred, positive)
}

/// Moves the model outputs out of `set` (they can be large) into the core's input; `set` keeps
/// what the fingerprint and the report need.
fn to_eval_data(set: &mut PredictionSet) -> EvalData {
    let (classes, labels, pred, positive) = match set.task {
        Task::Binary => {
            let (c, l, p, pos) = complete_binary_classes(set);
            (c, l, p, Some(pos))
        }
        Task::Multiclass => (set.classes.clone(), set.labels.clone(), None, None),
    };
    let taken = std::mem::replace(&mut set.scores, Scores::Predictions { pred: Vec::new() });
    let (scores, probabilistic) = match taken {
        Scores::Binary { score } => {
            let prob = score.iter().all(|s| (0.0..=1.0).contains(s));
            (ScoreData::Binary(score), prob)
        }
        Scores::Probabilities { probs } | Scores::Logits { probs } => {
            (ScoreData::Probabilities(probs), true)
        }
        Scores::Predictions { pred: p } => (ScoreData::Predictions(pred.unwrap_or(p)), false),
    };
    EvalData {
        classes,
        positive,
        labels,
        scores,
        probabilistic,
        groups: set.groups.as_ref().map(|g| group_indices(g)),
    }
}

pub(crate) fn run(a: &EvalArgs) -> Result<String> {
    let s = settings(a)?;
    let read = ReadOptions {
        format: a.input_format.map(|f| match f {
            InputFormat::Csv => Format::Csv,
            InputFormat::Parquet => Format::Parquet,
            InputFormat::Jsonl => Format::Jsonl,
        }),
        delimiter: match a.delimiter {
            None => None,
            Some(c) if c.is_ascii() => Some(c as u8),
            Some(c) => bail!("--delimiter must be a single ASCII character, got `{c}`"),
        },
        columns: None,
    };
    let opts = PredictionOptions {
        columns: ColumnNames {
            label: a.label_col.clone(),
            score: a.score_col.clone(),
            pred: a.pred_col.clone(),
            id: a.id_col.clone(),
            group: a.group_col.clone(),
            prob_prefix: a.prob_prefix.clone(),
            logit_prefix: a.logit_prefix.clone(),
        },
        task: a.task.map(|t| match t {
            TaskArg::Binary => Task::Binary,
            TaskArg::Multiclass => Task::Multiclass,
        }),
        positive: a.positive.clone(),
        normalize: a.normalize,
        keep: a.by.iter().cloned().collect(),
    };
    let mut set = verdict_io::load_predictions(&a.file, &read, &opts)
        .with_context(|| format!("cannot evaluate {}", a.file.display()))?;
    let data = to_eval_data(&mut set);
    let set = &set;
    let inputs = set.inputs.name();

    // Resolve grouped classes and slices before any work, so a bad flag fails fast.
    let mut collapsed = Vec::new();
    for (name, members) in &s.groupings {
        let mut idx = Vec::new();
        for m in members {
            match set.classes.iter().position(|c| c == m) {
                Some(i) => idx.push(i),
                None => bail!(
                    "--group-classes {name}: class `{m}` is not among the classes of {} ({})",
                    a.file.display(),
                    set.classes.join(", ")
                ),
            }
        }
        let Some(c) = data.collapse(name, &idx) else {
            bail!(
                "--group-classes needs a multi-class task (probabilities, logits or predictions)"
            );
        };
        collapsed.push((name.clone(), members.clone(), c));
    }
    let slice_rows: Option<(String, BTreeMap<&str, Vec<usize>>)> = match &a.by {
        None => None,
        Some(col) => {
            let values = set
                .meta
                .iter()
                .find(|(n, _)| n == col)
                .map(|(_, v)| v)
                .with_context(|| format!("--by {col}: no such column in {}", a.file.display()))?;
            let mut rows: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
            for (i, v) in values.iter().enumerate() {
                rows.entry(v.as_str()).or_default().push(i);
            }
            Some((col.clone(), rows))
        }
    };

    // Every evaluation (main, grouped, slices) runs its own bootstrap; one bar counts them all.
    let n_evals = 1 + collapsed.len() + slice_rows.as_ref().map_or(0, |(_, r)| r.len());
    let show = !a.quiet && std::io::stderr().is_terminal() && s.cfg.bootstrap >= 200;
    let bar = if show {
        let pb = ProgressBar::new((s.cfg.bootstrap * n_evals) as u64);
        pb.set_style(
            ProgressStyle::with_template(
                "{spinner} bootstrap {pos}/{len} [{elapsed_precise}] {wide_bar}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        pb
    } else {
        ProgressBar::hidden()
    };
    let tick = || bar.inc(1);

    // The fingerprint hashes every row; it runs beside the evaluation.
    let (fingerprint, result) = std::thread::scope(|scope| {
        let fp = scope.spawn(|| verdict_io::fingerprint(set));
        let result = evaluate(&data, &s.cfg, &tick);
        (fp.join(), result)
    });
    let fingerprint = fingerprint.map_err(|_| anyhow::anyhow!("fingerprint thread panicked"))?;
    let grouped = collapsed
        .into_iter()
        .map(|(name, members, c)| GroupedClasses {
            name,
            members,
            result: evaluate(&c, &s.cfg, &tick),
        })
        .collect();
    let slices = slice_rows.map(|(column, rows)| Slices {
        column,
        values: rows
            .into_iter()
            .map(|(v, r)| (v.to_string(), evaluate(&data.subset(&r), &s.cfg, &tick)))
            .collect(),
    });
    bar.finish_and_clear();

    let report = EvalReport {
        source: a.file.display().to_string(),
        inputs,
        fingerprint,
        group_column: set.groups.as_ref().map(|_| a.group_col.clone()),
        group_count: data.groups.as_ref().map(|(_, k)| *k),
        result,
        grouped,
        slices,
    };
    let lang = match a.lang {
        LangArg::En => Lang::En,
        LangArg::Ko => Lang::Ko,
    };
    let out = match a.format {
        OutputFormat::Json => verdict_report::json::render(&report),
        OutputFormat::Md => verdict_report::markdown::render(&report, lang),
        OutputFormat::Text => {
            let color = !a.no_color
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none();
            verdict_report::text::render(&report, lang, color)
        }
    };
    Ok(out)
}
