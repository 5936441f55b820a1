//! What every command that reads predictions shares: flags → read options, settings, the
//! conversion of a loaded file into the core's input, progress and output choices.

use crate::cli::{InputArgs, InputFormat, LangArg, OutputArgs, StatArgs, Strategy, TaskArg};
use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressStyle};
use std::collections::BTreeMap;
use std::io::IsTerminal;
use verdict_core::calibration::{Binning, CalibrationConfig};
use verdict_core::eval::{EvalConfig, EvalData, ScoreData};
use verdict_io::{
    ColumnNames, Format, PredictionOptions, PredictionSet, ReadOptions, Scores, Task,
};
use verdict_report::Lang;

/// Read options from the input flags.
pub(crate) fn read_options(a: &InputArgs) -> Result<ReadOptions> {
    Ok(ReadOptions {
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
    })
}

/// Prediction options from the input flags; `keep` lists metadata columns to keep.
pub(crate) fn prediction_options(a: &InputArgs, keep: Vec<String>) -> PredictionOptions {
    PredictionOptions {
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
        keep,
    }
}

/// The evaluation settings from the statistics flags, validated.
pub(crate) fn eval_config(
    a: &StatArgs,
    target_recall: Option<f64>,
    target_precision: Option<f64>,
) -> Result<EvalConfig> {
    if !a.threshold.is_finite() {
        bail!("--threshold must be a finite number, got {}", a.threshold);
    }
    if !(a.boot.ci > 0.0 && a.boot.ci < 1.0) {
        bail!(
            "--ci must be between 0 and 1 (exclusive), got {}",
            a.boot.ci
        );
    }
    if a.calibration_bins == 0 {
        bail!("--calibration-bins must be at least 1");
    }
    for (flag, v) in [
        ("--target-recall", target_recall),
        ("--target-precision", target_precision),
    ] {
        if let Some(v) = v
            && !(v > 0.0 && v <= 1.0)
        {
            bail!("{flag} must be in (0, 1], got {v}");
        }
    }
    Ok(EvalConfig {
        threshold: a.threshold,
        bootstrap: a.boot.bootstrap,
        seed: a.boot.seed,
        level: a.boot.ci,
        calibration: CalibrationConfig {
            n_bins: a.calibration_bins,
            binning: match a.calibration_strategy {
                Strategy::Uniform => Binning::Uniform,
                Strategy::Quantile => Binning::Quantile,
            },
            high_confidence: 0.9,
        },
        target_recall,
        target_precision,
        curve_points: a.curve_points,
    })
}

/// The report language.
pub(crate) fn lang(a: &OutputArgs) -> Lang {
    match a.lang {
        LangArg::En => Lang::En,
        LangArg::Ko => Lang::Ko,
    }
}

/// Colour only on a terminal, never with `--no-color` or `NO_COLOR`.
pub(crate) fn color(a: &OutputArgs) -> bool {
    !a.no_color && std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// A progress bar over `total` steps on a terminal for long work, else a hidden one.
pub(crate) fn progress(a: &OutputArgs, total: usize, what: &str) -> ProgressBar {
    if a.quiet || !std::io::stderr().is_terminal() || total < 200 {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::new(total as u64);
    pb.set_style(
        ProgressStyle::with_template(&format!(
            "{{spinner}} {what} {{pos}}/{{len}} [{{elapsed_precise}}] {{wide_bar}}"
        ))
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    pb
}

/// Dense group indices in sorted group-name order.
pub(crate) fn group_indices(groups: &[String]) -> (Vec<u32>, usize) {
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
pub(crate) fn to_eval_data(set: &mut PredictionSet) -> EvalData {
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

/// Prepares `--out-dir`: creates it (and its parents) unless it exists, and refuses a path that
/// names something else than a directory with a message that says what was expected. Returns a
/// writer of one file inside it whose errors name the file.
pub(crate) fn out_dir(dir: &std::path::Path) -> Result<impl Fn(&str, &str) -> Result<()> + '_> {
    match std::fs::metadata(dir) {
        Ok(m) if !m.is_dir() => bail!(
            "--out-dir {}: exists and is not a directory; expected a directory (it is created \
             when missing)",
            dir.display()
        ),
        _ => std::fs::create_dir_all(dir)
            .with_context(|| format!("--out-dir {}: cannot create the directory", dir.display()))?,
    }
    Ok(move |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))
    })
}

/// How an input path is named in reports and messages: `-` is standard input.
pub(crate) fn shown(path: &std::path::Path) -> String {
    if path == std::path::Path::new(verdict_io::STDIN) {
        verdict_io::STDIN_NAME.to_owned()
    } else {
        path.display().to_string()
    }
}

/// What the reports say about probability rows the reader divided by their sum (`None` when it
/// divided none).
pub(crate) fn normalization(set: &PredictionSet) -> Option<verdict_report::Normalization> {
    (set.normalized.rows > 0).then_some(verdict_report::Normalization {
        rows: set.normalized.rows,
        max_deviation: set.normalized.max_deviation,
    })
}
