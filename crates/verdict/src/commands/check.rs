//! `verdict check`: flags → `verdict_app::check` → the findings report, and the CI gate
//! (`--fail-on`).

use super::common;
use crate::cli::{CheckArgs, FailOnArg, ModeArg, OutputFormat};
use anyhow::{Result, bail};
use verdict_app::check::{CheckRules, Curves, RunCheckSpec, check_run};
use verdict_core::diagnostics::Status;
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
        (None, None) => bail!("give --run RUN_ID or --history FILE"),
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
    let store = match &a.run {
        Some(_) => Some(super::ledger::open(&a.store.store)?),
        None => None,
    };
    let report = check_run(store.as_ref(), &spec)?;
    let lang = common::lang(&a.output);
    let out = match a.output.format {
        OutputFormat::Json => verdict_report::check::json(&report),
        OutputFormat::Md => verdict_report::check::markdown(&report, lang),
        OutputFormat::Text => verdict_report::check::text(&report, lang),
    };
    let gate = a.fail_on.is_some_and(|f| {
        report.worst()
            >= match f {
                FailOnArg::Warn => Status::Warn,
                FailOnArg::Fail => Status::Fail,
            }
    });
    Ok((out, gate))
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
