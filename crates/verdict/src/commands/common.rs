//! What every command that reads predictions shares: flags → read options, settings, the
//! progress and output choices.

use crate::cli::{InputArgs, InputFormat, LangArg, OutputArgs, StatArgs, Strategy, TaskArg};
use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use verdict_core::calibration::Binning;
use verdict_core::eval::EvalConfig;
use verdict_io::{ColumnNames, Format, PredictionOptions, ReadOptions, Task};
use verdict_report::Lang;

/// Read options from the input flags.
pub(crate) fn read_options(a: &InputArgs) -> Result<ReadOptions> {
    read_options_of(a.input_format, a.delimiter)
}

/// Read options from `--input-format` and `--delimiter`.
pub(crate) fn read_options_of(
    format: Option<InputFormat>,
    delimiter: Option<char>,
) -> Result<ReadOptions> {
    Ok(ReadOptions {
        format: format.map(|f| match f {
            InputFormat::Csv => Format::Csv,
            InputFormat::Parquet => Format::Parquet,
            InputFormat::Jsonl => Format::Jsonl,
        }),
        delimiter: match delimiter {
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
    let settings = verdict_app::eval::Settings {
        threshold: a.threshold,
        bootstrap: a.boot.bootstrap,
        seed: a.boot.seed,
        ci: a.boot.ci,
        calibration_bins: a.calibration_bins,
        calibration_binning: match a.calibration_strategy {
            Strategy::Uniform => Binning::Uniform,
            Strategy::Quantile => Binning::Quantile,
        },
        curve_points: a.curve_points,
        target_recall,
        target_precision,
    };
    Ok(settings.config(&verdict_app::eval::flag_name)?)
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

/// The terminal's progress bar for the application layer's long work: drawn on a terminal for
/// work of at least 200 steps, never with `--quiet`.
pub(crate) struct Bar {
    quiet: bool,
    bar: std::sync::Mutex<ProgressBar>,
}

impl Bar {
    /// A bar that follows the output flags.
    pub(crate) fn new(a: &OutputArgs) -> Self {
        Bar {
            quiet: a.quiet,
            bar: std::sync::Mutex::new(ProgressBar::hidden()),
        }
    }

    fn with(&self, f: impl FnOnce(&mut ProgressBar)) {
        // A poisoned bar (a panic elsewhere) only stops drawing.
        if let Ok(mut b) = self.bar.lock() {
            f(&mut b);
        }
    }
}

impl verdict_app::Progress for Bar {
    fn start(&self, total: u64, what: &str) {
        let bar = if self.quiet || !std::io::stderr().is_terminal() || total < 200 {
            ProgressBar::hidden()
        } else {
            let pb = ProgressBar::new(total);
            pb.set_style(
                ProgressStyle::with_template(&format!(
                    "{{spinner}} {what} {{pos}}/{{len}} [{{elapsed_precise}}] {{wide_bar}}"
                ))
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            pb
        };
        self.with(|b| {
            b.finish_and_clear();
            *b = bar;
        });
    }

    fn inc(&self, n: u64) {
        self.with(|b| b.inc(n));
    }

    fn finish(&self) {
        self.with(|b| b.finish_and_clear());
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

/// The refusal of `--format html` by a command whose report has no HTML layout yet.
pub(crate) fn no_html(command: &str) -> anyhow::Error {
    anyhow::anyhow!(
        "--format html is not available for `{command}` yet; use --format md (or json, text)"
    )
}
