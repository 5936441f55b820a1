//! `verdict check`: flags → `verdict_app::check` → the findings report, and the CI gate
//! (`--fail-on`).

use super::common;
use crate::cli::{CheckArgs, FailOnArg, ModeArg, OutputFormat};
use anyhow::{Result, bail};
use verdict_app::check::{
    CheckRules, Curves, ExperimentCheckSpec, RunCheckSpec, check_experiment, check_run,
};
use verdict_app::compare::CompareOptions;
use verdict_app::eval::point_config;
use verdict_core::diagnostics::Status;
use verdict_core::eval::EvalConfig;
use verdict_core::metrics::Direction;

/// Runs the check; returns the report and whether `--fail-on` was reached.
pub(crate) fn run(a: &CheckArgs) -> Result<(String, bool)> {
    let mut pairs = Vec::new();
    for p in &a.pair {
        let Some((v, t)) = p.split_once('=') else {
            bail!("--pair expects VAL=TEST (e.g. val_f1=f1_macro), got `{p}`");
        };
        if v.trim().is_empty() || t.trim().is_empty() {
            bail!("--pair expects VAL=TEST (e.g. val_f1=f1_macro), got `{p}`");
        }
        pairs.push((v.trim().to_owned(), t.trim().to_owned()));
    }
    let curves = match (&a.run, &a.history) {
        (Some(run_id), _) => Curves::Run {
            run_id: run_id.clone(),
            artifacts: a.artifacts.clone(),
        },
        (None, Some(h)) => Curves::File(h.clone()),
        (None, None) if a.experiment.is_some() => Curves::File(Default::default()),
        (None, None) => bail!("give --run RUN_ID, --experiment NAME or --history FILE"),
    };
    let spec = RunCheckSpec {
        curves,
        val_metric: a.val_metric.clone(),
        train_metric: a.train_metric.clone(),
        mode: a.mode.map(|m| match m {
            ModeArg::Min => Direction::Lower,
            ModeArg::Max => Direction::Higher,
        }),
        pairs,
        rules: rules(a.config.as_deref())?,
    };
    let lang = common::lang(&a.output);
    if let Some(experiment) = &a.experiment {
        let store = super::ledger::open(&a.store.store)?;
        let compare = CompareOptions {
            eval: EvalConfig {
                bootstrap: a.bootstrap,
                seed: a.seed,
                ..point_config()
            },
            metric: a.metric.clone(),
            baseline: None,
            alpha: a.alpha,
            power: 0.8,
            permutations: 0,
        };
        let spec = ExperimentCheckSpec {
            experiment: experiment.clone(),
            eval_name: a.eval_name.clone(),
            artifacts: a.artifacts.clone(),
            run: spec,
            compare,
        };
        let report = check_experiment(&store, &spec, &common::Bar::new(&a.output))?;
        let out = match a.output.format {
            OutputFormat::Json => verdict_report::check::experiment_json(&report),
            OutputFormat::Md => verdict_report::check::experiment_render(&report, lang, true),
            OutputFormat::Html => verdict_report::check::experiment_html(&report, lang),
            OutputFormat::Text => verdict_report::check::experiment_render(&report, lang, false),
        };
        return Ok((out, gate(a.fail_on, report.worst())));
    }
    let store = match &a.run {
        Some(_) => Some(super::ledger::open(&a.store.store)?),
        None => None,
    };
    let report = check_run(store.as_ref(), &spec)?;
    let out = match a.output.format {
        OutputFormat::Json => verdict_report::check::json(&report),
        OutputFormat::Md => verdict_report::check::markdown(&report, lang),
        OutputFormat::Html => verdict_report::check::html(&report, lang),
        OutputFormat::Text => verdict_report::check::text(&report, lang),
    };
    Ok((out, gate(a.fail_on, report.worst())))
}

/// True when `--fail-on` is given and `worst` reaches it.
pub(crate) fn gate(fail_on: Option<FailOnArg>, worst: Status) -> bool {
    fail_on.is_some_and(|f| {
        worst
            >= match f {
                FailOnArg::Warn => Status::Warn,
                FailOnArg::Fail => Status::Fail,
            }
    })
}

/// The thresholds: `--config FILE`, else `./verdict.toml` when it exists, else the defaults.
fn rules(config: Option<&std::path::Path>) -> Result<CheckRules> {
    let default = std::path::Path::new("verdict.toml");
    match config {
        Some(path) => Ok(CheckRules::from_file(path)?),
        None if default.is_file() => Ok(CheckRules::from_file(default)?),
        None => Ok(CheckRules::default()),
    }
}
