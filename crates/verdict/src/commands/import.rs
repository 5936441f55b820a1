//! `verdict import mlruns DIR`: an MLflow FileStore into the ledger (`verdict-import` does the
//! work; this renders its report). Exit code 0 even when entities were skipped: the report says
//! which and why, and the import of everything else stands.
//!
//! Every run is its own transaction; on SQLite the import opens the ledger with
//! `synchronous=NORMAL` instead of the server's `FULL`, so a tree of thousands of runs does not
//! pay one fsync per run. A killed import loses nothing it reported (the WAL is in the OS);
//! a power loss may lose the last runs, and running the import again (idempotent) brings them in.

use super::ledger::{self, Align};
use crate::cli::{ImportMlrunsArgs, LedgerFormat};
use anyhow::{Context, Result};
use serde_json::{Value, json};
use verdict_import::{Counts, Report};
use verdict_store::artifacts::ArtifactRepo;
use verdict_store::{SqliteSync, Store, StoreOptions};

pub(crate) fn mlruns(a: &ImportMlrunsArgs) -> Result<String> {
    let options = StoreOptions {
        sqlite_sync: SqliteSync::Normal,
        ..StoreOptions::mlflow_artifacts()
    };
    let store = Store::open_with(&a.store.store, &options)
        .with_context(|| format!("cannot open the ledger (--store {})", a.store.store))?;
    let repo = if a.reference_artifacts {
        None
    } else {
        Some(ArtifactRepo::open(&a.artifacts).with_context(|| {
            format!(
                "cannot open the artifact root (--artifacts {})",
                a.artifacts.display()
            )
        })?)
    };
    let report = verdict_import::import_mlruns(&store, &a.dir, repo.as_ref())
        .with_context(|| format!("cannot import {}", a.dir.display()))?;
    Ok(match a.format {
        LedgerFormat::Json => {
            let mut s = serde_json::to_string_pretty(&report_json(&report, &a.store.store))?;
            s.push('\n');
            s
        }
        LedgerFormat::Text => report_text(&report, &a.store.store),
    })
}

fn counts_json(c: Counts) -> Value {
    json!({"new": c.new, "updated": c.updated, "unchanged": c.unchanged})
}

fn report_json(r: &Report, store: &str) -> Value {
    json!({
        "source": r.source.display().to_string(),
        "store": store,
        "changed": r.changed(),
        "experiments": counts_json(r.experiments),
        "runs": counts_json(r.runs),
        "logged_models": counts_json(r.logged_models),
        "registered_models": counts_json(r.registered_models),
        "read": {
            "params": r.params,
            "tags": r.tags,
            "metric_points": r.metric_points,
            "duplicate_metric_points": r.duplicate_metric_points,
            "dataset_inputs": r.dataset_inputs,
            "model_versions": r.model_versions,
            "traces": r.traces,
        },
        "artifacts": {
            "copied": r.artifacts.copied,
            "unchanged": r.artifacts.unchanged,
            "bytes_copied": r.artifacts.bytes_copied,
            "referenced": r.artifacts.referenced,
        },
        "skipped": r.skipped.iter().map(|s| json!({
            "path": s.path.display().to_string(),
            "line": s.line,
            "reason": s.reason,
        })).collect::<Vec<_>>(),
    })
}

fn report_text(r: &Report, store: &str) -> String {
    let mut out = format!("Imported {} into {store}\n", r.source.display());
    out.push_str(if r.changed() {
        "\n"
    } else {
        "Nothing changed: the ledger already held everything in this FileStore.\n\n"
    });
    let mut t = ledger::table(
        &["", "new", "updated", "unchanged"],
        &[Align::Left, Align::Right, Align::Right, Align::Right],
    );
    for (name, c) in [
        ("experiments", r.experiments),
        ("runs", r.runs),
        ("logged models", r.logged_models),
        ("registered models", r.registered_models),
    ] {
        t.row(vec![
            name.to_owned(),
            c.new.to_string(),
            c.updated.to_string(),
            c.unchanged.to_string(),
        ]);
    }
    out.push_str(&t.text(false));
    out.push_str(&format!(
        "\nRead: {} params, {} tags, {} metric points ({} exact repeats stored once), {} dataset inputs, {} model versions.\n",
        r.params, r.tags, r.metric_points, r.duplicate_metric_points, r.dataset_inputs, r.model_versions
    ));
    out.push_str(&format!(
        "Artifacts: {} files copied ({} bytes), {} already present",
        r.artifacts.copied, r.artifacts.bytes_copied, r.artifacts.unchanged
    ));
    if r.artifacts.referenced > 0 {
        out.push_str(&format!(
            ", {} runs/models referenced in place",
            r.artifacts.referenced
        ));
    }
    out.push_str(".\n");
    if r.skipped.is_empty() {
        out.push_str("Skipped: nothing.\n");
    } else {
        out.push_str(&format!("Skipped ({}):\n", r.skipped.len()));
        for s in &r.skipped {
            out.push_str(&format!("  {s}\n"));
        }
    }
    out
}
