//! `verdict splits check|diff`: flags → `verdict_app::splits` → the report (and, with `--run`,
//! the splits recorded with the run).

use super::common;
use crate::cli::{ManifestArgs, OutputFormat, SplitsCheckArgs, SplitsCmd, SplitsDiffArgs};
use anyhow::Result;
use verdict_app::splits::SplitsSpec;
use verdict_core::splits::SplitRules;
use verdict_io::ManifestColumns;
use verdict_report::splits::{SplitsCheckReport, SplitsDiffReport};

/// Runs the subcommand; returns the report and whether `--fail-on` was reached.
pub(crate) fn run(c: &SplitsCmd) -> Result<(String, bool)> {
    match c {
        SplitsCmd::Check(a) => check(a),
        SplitsCmd::Diff(a) => Ok((diff(a)?, false)),
    }
}

fn spec(
    columns: &ManifestArgs,
    files: Vec<std::path::PathBuf>,
    names: Vec<String>,
    keep: bool,
) -> Result<SplitsSpec> {
    Ok(SplitsSpec {
        files,
        names,
        read: common::read_options_of(columns.input_format, columns.delimiter)?,
        columns: ManifestColumns {
            id: columns.id_col.clone(),
            label: columns.label_col.clone(),
            group: columns.group_col.clone(),
            hash: columns.hash_col.clone(),
            meta: columns.meta.clone(),
        },
        rules: SplitRules::default(),
        keep,
    })
}

fn check(a: &SplitsCheckArgs) -> Result<(String, bool)> {
    let spec = spec(
        &a.columns,
        a.files.clone(),
        a.names.clone(),
        a.run.is_some(),
    )?;
    let checked = verdict_app::splits::check(&spec)?;
    if let Some(run_id) = &a.run {
        let store = super::ledger::open(&a.store.store)?;
        verdict_app::splits::record(&store, run_id, &a.artifacts, &checked)?;
        if !a.output.quiet {
            eprintln!(
                "recorded {} splits with run {run_id} as dataset inputs",
                checked.splits.len()
            );
        }
    }
    let report = SplitsCheckReport {
        splits: checked.splits,
        report: checked.report,
    };
    let lang = common::lang(&a.output);
    let out = match a.output.format {
        OutputFormat::Json => verdict_report::splits::json(&report),
        OutputFormat::Md => verdict_report::splits::render(&report, lang, true),
        OutputFormat::Html => verdict_report::splits::html(&report, lang),
        OutputFormat::Text => verdict_report::splits::render(&report, lang, false),
    };
    Ok((out, super::check::gate(a.fail_on, report.worst())))
}

fn diff(a: &SplitsDiffArgs) -> Result<String> {
    let spec = spec(&a.columns, Vec::new(), Vec::new(), false)?;
    let d = verdict_app::splits::diff(&a.old, &a.new, &spec)?;
    let report = SplitsDiffReport {
        old: d.old,
        new: d.new,
        diff: d.diff,
    };
    let lang = common::lang(&a.output);
    Ok(match a.output.format {
        OutputFormat::Json => verdict_report::splits::diff_json(&report),
        OutputFormat::Md => verdict_report::splits::diff_render(&report, lang, true),
        OutputFormat::Html => verdict_report::splits::diff_html(&report, lang),
        OutputFormat::Text => verdict_report::splits::diff_render(&report, lang, false),
    })
}
