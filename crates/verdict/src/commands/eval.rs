//! `verdict eval`: read → validate → evaluate (with slices and grouped classes) → render.

use super::common;
use crate::cli::{EvalArgs, OutputFormat};
use anyhow::{Context, Result, bail};
use std::collections::BTreeMap;
use verdict_core::eval::{EvalConfig, evaluate};
use verdict_report::{EvalReport, GroupedClasses, Slices};

/// Validated settings (clap's raw flags resolved).
struct Settings {
    cfg: EvalConfig,
    groupings: Vec<(String, Vec<String>)>,
}

fn settings(a: &EvalArgs) -> Result<Settings> {
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
        cfg: common::eval_config(&a.stats, a.target_recall, a.target_precision)?,
        groupings,
    })
}

pub(crate) fn run(a: &EvalArgs) -> Result<String> {
    let s = settings(a)?;
    let read = common::read_options(&a.input)?;
    let opts = common::prediction_options(&a.input, a.by.iter().cloned().collect());
    let mut set = verdict_io::load_predictions(&a.file, &read, &opts)
        .with_context(|| format!("cannot evaluate {}", a.file.display()))?;
    let data = common::to_eval_data(&mut set);
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
    let bar = common::progress(&a.output, s.cfg.bootstrap * n_evals, "bootstrap");
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
        group_column: set.groups.as_ref().map(|_| a.input.group_col.clone()),
        group_count: data.groups.as_ref().map(|(_, k)| *k),
        result,
        grouped,
        slices,
    };
    let lang = common::lang(&a.output);
    Ok(match a.output.format {
        OutputFormat::Json => verdict_report::json::render(&report),
        OutputFormat::Md => verdict_report::markdown::render(&report, lang),
        OutputFormat::Text => verdict_report::text::render(&report, lang, common::color(&a.output)),
    })
}
