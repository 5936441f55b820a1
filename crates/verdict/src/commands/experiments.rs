//! `verdict experiments list|show`.

use super::ledger::{self, Align};
use crate::cli::{ExperimentsCmd, LedgerFormat};
use anyhow::Result;
use serde_json::{Value, json};
use verdict_store::{Experiment, RunQuery, Store, ViewType};

pub(crate) fn run(c: &ExperimentsCmd) -> Result<String> {
    match c {
        ExperimentsCmd::List(a) => {
            let store = ledger::open(&a.store.store)?;
            let exps = ledger::all_experiments(&store, a.all, &a.filter)?;
            Ok(match a.format {
                LedgerFormat::Json => pretty(&json!({
                    "experiments": exps.iter().map(experiment_json).collect::<Vec<_>>()
                }))?,
                LedgerFormat::Text => {
                    let mut t = ledger::table(
                        &["id", "name", "stage", "created", "tags"],
                        &[
                            Align::Left,
                            Align::Left,
                            Align::Left,
                            Align::Left,
                            Align::Right,
                        ],
                    );
                    for e in &exps {
                        t.row(vec![
                            e.experiment_id.clone(),
                            e.name.clone(),
                            e.lifecycle_stage.as_str().to_owned(),
                            ledger::time(Some(e.creation_time)),
                            e.tags.len().to_string(),
                        ]);
                    }
                    if exps.is_empty() {
                        "No experiments.\n".to_owned()
                    } else {
                        t.text(false)
                    }
                }
            })
        }
        ExperimentsCmd::Show(a) => {
            let store = ledger::open(&a.store.store)?;
            let e = ledger::experiment(&store, &a.experiment)?;
            let (active, deleted) = run_counts(&store, &e.experiment_id)?;
            Ok(match a.format {
                LedgerFormat::Json => {
                    let mut v = experiment_json(&e);
                    v["runs"] = json!({"active": active, "deleted": deleted});
                    pretty(&v)?
                }
                LedgerFormat::Text => {
                    let mut out = String::new();
                    let mut t = ledger::table(&["", ""], &[Align::Left, Align::Left]);
                    t.row(vec![
                        "experiment".into(),
                        format!("{} ({})", e.experiment_id, e.name),
                    ]);
                    t.row(vec!["stage".into(), e.lifecycle_stage.as_str().into()]);
                    t.row(vec!["created".into(), ledger::time(Some(e.creation_time))]);
                    t.row(vec![
                        "updated".into(),
                        ledger::time(Some(e.last_update_time)),
                    ]);
                    t.row(vec!["artifacts".into(), e.artifact_location.clone()]);
                    t.row(vec![
                        "runs".into(),
                        format!("{active} active, {deleted} deleted"),
                    ]);
                    out.push_str(&t.text(false).lines().skip(1).collect::<Vec<_>>().join("\n"));
                    out.push('\n');
                    if !e.tags.is_empty() {
                        out.push_str("\ntags\n");
                        for tg in &e.tags {
                            out.push_str(&format!("  {}  {}\n", tg.key, tg.value));
                        }
                    }
                    out
                }
            })
        }
    }
}

pub(crate) fn pretty(v: &Value) -> Result<String> {
    let mut s = serde_json::to_string_pretty(v)?;
    s.push('\n');
    Ok(s)
}

fn experiment_json(e: &Experiment) -> Value {
    json!({
        "experiment_id": e.experiment_id,
        "name": e.name,
        "lifecycle_stage": e.lifecycle_stage.as_str(),
        "artifact_location": e.artifact_location,
        "creation_time": e.creation_time,
        "last_update_time": e.last_update_time,
        "tags": ledger::kv_json(e.tags.iter().map(|t| (t.key.as_str(), t.value.as_str()))),
    })
}

/// (active, deleted) runs of the experiment.
fn run_counts(store: &Store, id: &str) -> Result<(usize, usize)> {
    let count = |view| -> Result<usize> {
        let mut n = 0;
        let mut token = None;
        loop {
            let page = store.search_runs(&RunQuery {
                experiment_ids: vec![id.to_owned()],
                max_results: 50_000,
                page_token: token,
                view,
                ..RunQuery::default()
            })?;
            n += page.items.len();
            match page.next_page_token {
                Some(t) => token = Some(t),
                None => return Ok(n),
            }
        }
    };
    Ok((count(ViewType::ActiveOnly)?, count(ViewType::DeletedOnly)?))
}
