//! `verdict rules`: flags → `verdict_app::rules` → the rules report.

use super::common;
use crate::cli::{OutputFormat, RulesCheckArgs, RulesCmd};
use anyhow::Result;
use verdict_app::rules::{RulesCheckSpec, Target, check};

pub(crate) fn run(c: &RulesCmd) -> Result<String> {
    match c {
        RulesCmd::Check(a) => rules_check(a),
    }
}

fn rules_check(a: &RulesCheckArgs) -> Result<String> {
    let target = match (&a.run, &a.experiment, &a.history) {
        (Some(r), _, _) => Target::Run(r.clone()),
        (None, Some(e), _) => Target::Experiment(e.clone()),
        (None, None, h) if !h.is_empty() => Target::History(h.clone()),
        (None, None, _) => {
            anyhow::bail!("give --run RUN_ID, --experiment NAME or --history FILE")
        }
    };
    let store = match target {
        Target::History(_) => None,
        _ => Some(super::ledger::open(&a.store.store)?),
    };
    let spec = RulesCheckSpec {
        rules: a.rules.clone(),
        target,
        artifacts: a.artifacts.clone(),
    };
    let report = check(store.as_ref(), &spec)?;
    let lang = common::lang(&a.output);
    Ok(match a.output.format {
        OutputFormat::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(&verdict_report::rules::json(&report))?
        ),
        OutputFormat::Md => verdict_report::rules::markdown(&report, lang),
        OutputFormat::Text => verdict_report::rules::text(&report, lang),
    })
}
