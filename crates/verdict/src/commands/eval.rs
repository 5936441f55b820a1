//! `verdict eval`: flags → `verdict_app::eval` (read, evaluate with slices and grouped classes) →
//! the ledger (`--run`) → render.

use super::common;
use crate::cli::{EvalArgs, OutputFormat};
use anyhow::Result;
use std::path::Path;
use verdict_app::eval::{ClassGrouping, EvalSpec};
use verdict_app::ledger::{EvalTarget, store_evaluation};
use verdict_report::EvalReport;

/// The flags as the application layer's spec.
fn spec(a: &EvalArgs) -> Result<EvalSpec> {
    let groupings = a
        .group_classes
        .iter()
        .map(|g| ClassGrouping::parse(g))
        .collect::<verdict_app::Result<Vec<_>>>()?;
    Ok(EvalSpec {
        file: a.file.clone(),
        read: common::read_options(&a.input)?,
        predictions: common::prediction_options(&a.input, Vec::new()),
        config: common::eval_config(&a.stats, a.target_recall, a.target_precision)?,
        groupings,
        by: a.by.clone(),
        keep_predictions: a.ledger.run.is_some() && !a.ledger.no_keep_predictions,
    })
}

pub(crate) fn run(a: &EvalArgs) -> Result<String> {
    let spec = spec(a)?;
    let evaluation = verdict_app::eval::evaluate(&spec, &common::Bar::new(&a.output))?;
    if let Some(run_id) = &a.ledger.run {
        let l = &a.ledger;
        let store = super::ledger::open(&l.target.store)?;
        let target = EvalTarget {
            run_id,
            name: &l.eval_name,
            artifacts: &l.target.artifacts,
            source: &a.file.display().to_string(),
            step: l.step,
            lang: common::lang(&a.output),
        };
        let stored = store_evaluation(&store, &target, &evaluation)?;
        if !a.output.quiet {
            eprintln!(
                "stored evaluation `{}` in run {run_id}: {stored}",
                l.eval_name
            );
        }
        // Said even with --quiet: the numbers are not about the split the run recorded.
        if let Some(recorded) = &stored.split_mismatch {
            eprintln!(
                "warning: run {run_id} recorded its test split as {recorded}, but {} is another \
                 eval set ({}); this evaluation is not about the recorded split",
                a.file.display(),
                stored.fingerprint
            );
        }
    }
    let report = evaluation.report;
    let lang = common::lang(&a.output);
    if let Some(dir) = &a.out_dir {
        write_out_dir(dir, &report, lang)?;
    }
    Ok(match a.output.format {
        OutputFormat::Json => verdict_report::json::render(&report),
        OutputFormat::Md => verdict_report::markdown::render(&report, lang),
        OutputFormat::Html => verdict_report::markdown::html(&report, lang),
        OutputFormat::Text => verdict_report::text::render(&report, lang, common::color(&a.output)),
    })
}

/// `--out-dir`: the Markdown report (linking the plots), the HTML report (plots inlined), the
/// JSON document and the plots.
fn write_out_dir(dir: &Path, rep: &EvalReport, lang: verdict_report::Lang) -> Result<()> {
    let write = common::out_dir(dir)?;
    for (file, svg) in verdict_report::markdown::svgs(rep, lang) {
        write(&file, &svg)?;
    }
    let plots = verdict_report::markdown::plots(rep, lang);
    write(
        "report.md",
        &verdict_report::markdown::render_with_plots(rep, lang, &plots),
    )?;
    write("report.html", &verdict_report::markdown::html(rep, lang))?;
    write("eval.json", &verdict_report::json::render(rep))?;
    Ok(())
}
