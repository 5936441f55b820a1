//! `verdict rules`: flags → `verdict_app::rules` → the rules report.

use super::common;
use crate::cli::{LedgerFormat, OutputFormat, RulesCheckArgs, RulesCmd, RulesListArgs};
use anyhow::Result;
use verdict_app::rules::{RulesCheckSpec, Target, check};

pub(crate) fn run(c: &RulesCmd) -> Result<String> {
    match c {
        RulesCmd::Check(a) => rules_check(a),
        RulesCmd::Attach(a) => {
            let store = super::ledger::open(&a.store.store)?;
            let (name, exp) =
                verdict_app::rules::attach(&store, &a.experiment, &a.rules, a.name.as_deref())?;
            Ok(format!("attached ruleset {name} to experiment {exp}\n"))
        }
        RulesCmd::List(a) => list(a),
        RulesCmd::Detach(a) => {
            let store = super::ledger::open(&a.store.store)?;
            Ok(match verdict_app::rules::detach(&store, &a.experiment)? {
                Some(name) => format!("detached ruleset {name} from experiment {}\n", a.experiment),
                None => format!("experiment {} had no rules attached\n", a.experiment),
            })
        }
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
        OutputFormat::Html => return Err(super::common::no_html("verdict rules check")),
        OutputFormat::Text => verdict_report::rules::text(&report, lang),
    })
}

fn list(a: &RulesListArgs) -> Result<String> {
    let store = super::ledger::open(&a.store.store)?;
    let sets = store.rulesets()?;
    Ok(match a.format {
        LedgerFormat::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(&serde_json::json!({
                "rulesets": sets.iter().map(|r| serde_json::json!({
                    "name": r.name, "text": r.text, "created": r.created, "experiments": r.experiments,
                })).collect::<Vec<_>>()
            }))?
        ),
        LedgerFormat::Text => {
            let mut t = super::ledger::Table::with_align(
                vec!["ruleset".into(), "rules".into(), "experiments".into()],
                vec![
                    super::ledger::Align::Left,
                    super::ledger::Align::Right,
                    super::ledger::Align::Left,
                ],
            );
            for r in &sets {
                let n = verdict_io::rules::parse_rules(&r.text, std::path::Path::new(&r.name))
                    .map_or_else(
                        |e| format!("unreadable: {e}"),
                        |s| s.rules.len().to_string(),
                    );
                t.row(vec![r.name.clone(), n, r.experiments.join(", ")]);
            }
            t.text(false)
        }
    })
}
