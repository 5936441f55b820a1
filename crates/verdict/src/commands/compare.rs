//! `verdict compare`: flags → `verdict_app::compare` (read, align on one eval set or refuse,
//! paired tests) → leaderboard, verdict lines, plots.

use super::common;
use crate::cli::{CompareArgs, OutputArgs, OutputFormat, PairedArgs, StatArgs};
use anyhow::Result;
use std::path::Path;
use verdict_app::compare::{CompareOptions, CompareSpec};
use verdict_report::compare::CompareReport;

pub(crate) fn run(a: &CompareArgs) -> Result<String> {
    let spec = CompareSpec {
        files: verdict_app::input::files(&a.files),
        val: verdict_app::input::files(&a.val),
        read: common::read_options(&a.input)?,
        predictions: common::prediction_options(&a.input, Vec::new()),
        options: options(&a.stats, &a.paired)?,
    };
    let report = verdict_app::compare::compare(&spec, &common::Bar::new(&a.output))?;
    if let Some(run_id) = &a.run {
        let store = super::ledger::open(&a.target.store)?;
        let written = verdict_app::ledger::store_comparison(
            &store,
            run_id,
            &a.target.artifacts,
            &a.compare_name,
            &report,
            common::lang(&a.output),
        )?;
        if !a.output.quiet {
            eprintln!(
                "stored comparison `{}` in run {run_id}: {}",
                a.compare_name,
                written.join(", ")
            );
        }
    }
    if let Some(dir) = &a.out_dir {
        write_out_dir(dir, &report, common::lang(&a.output))?;
    }
    Ok(render(&report, &a.output))
}

/// The comparison settings from the statistics and comparison flags.
pub(crate) fn options(stats: &StatArgs, p: &PairedArgs) -> Result<CompareOptions> {
    Ok(CompareOptions {
        eval: common::eval_config(stats, None, None)?,
        metric: p.metric.clone(),
        baseline: p.baseline.clone(),
        alpha: p.alpha,
        power: p.power,
        permutations: p.permutation,
    })
}

/// The report in the output flags' format and language.
pub(crate) fn render(report: &CompareReport, out: &OutputArgs) -> String {
    let lang = common::lang(out);
    match out.format {
        OutputFormat::Json => verdict_report::compare::json(report),
        OutputFormat::Md => verdict_report::compare::markdown(
            report,
            lang,
            &verdict_report::compare::plots(report, lang),
        ),
        OutputFormat::Html => verdict_report::compare::html(report, lang),
        OutputFormat::Text => verdict_report::compare::text(report, lang, common::color(out)),
    }
}

fn write_out_dir(dir: &Path, rep: &CompareReport, lang: verdict_report::Lang) -> Result<()> {
    let write = common::out_dir(dir)?;
    for (file, svg) in verdict_report::compare::svgs(rep, lang) {
        write(&file, &svg)?;
    }
    let plot_files = verdict_report::compare::plots(rep, lang);
    write(
        "report.md",
        &verdict_report::compare::markdown(rep, lang, &plot_files),
    )?;
    write("report.html", &verdict_report::compare::html(rep, lang))?;
    write("compare.json", &verdict_report::compare::json(rep))?;
    Ok(())
}
