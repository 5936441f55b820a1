//! `verdict compare`: flags → `verdict_app::compare` (read, align on one eval set or refuse,
//! paired tests) → leaderboard, verdict lines, plots.

use super::common;
use crate::cli::{CompareArgs, OutputArgs, OutputFormat, PairedArgs, StatArgs};
use anyhow::Result;
use std::path::Path;
use verdict_app::compare::{CompareOptions, CompareSpec};
use verdict_report::compare::CompareReport;
use verdict_report::svg::{self, Series};

pub(crate) fn run(a: &CompareArgs) -> Result<String> {
    let spec = CompareSpec {
        files: a.files.clone(),
        val: a.val.clone(),
        read: common::read_options(&a.input)?,
        predictions: common::prediction_options(&a.input, Vec::new()),
        options: options(&a.stats, &a.paired)?,
    };
    let report = verdict_app::compare::compare(&spec, &common::Bar::new(&a.output))?;
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
        OutputFormat::Text => verdict_report::compare::text(report, lang, common::color(out)),
    }
}

fn write_out_dir(dir: &Path, rep: &CompareReport, lang: verdict_report::Lang) -> Result<()> {
    let write = common::out_dir(dir)?;
    let plot_files = verdict_report::compare::plots(rep, lang);
    if !plot_files.is_empty() {
        let models = &rep.result.models;
        let auc = |i: usize| models[i].metric("roc_auc").map(|m| m.value);
        let ap = |i: usize| models[i].metric("average_precision").map(|m| m.value);
        let roc: Vec<Series<'_>> = models
            .iter()
            .enumerate()
            .filter_map(|(i, m)| {
                m.roc.as_ref().map(|c| Series {
                    name: &rep.names[i],
                    x: &c.fpr,
                    y: &c.tpr,
                    summary: auc(i),
                })
            })
            .collect();
        let pr: Vec<Series<'_>> = models
            .iter()
            .enumerate()
            .filter_map(|(i, m)| {
                m.pr.as_ref().map(|c| Series {
                    name: &rep.names[i],
                    x: &c.recall,
                    y: &c.precision,
                    summary: ap(i),
                })
            })
            .collect();
        write("roc.svg", &svg::roc_plot(&roc, lang))?;
        write("pr.svg", &svg::pr_plot(&pr, models[0].prevalence(), lang))?;
    }
    write(
        "report.md",
        &verdict_report::compare::markdown(rep, lang, &plot_files),
    )?;
    write("compare.json", &verdict_report::compare::json(rep))?;
    Ok(())
}
