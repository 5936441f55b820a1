//! `verdict ensemble`: flags → `verdict_app::ensemble` (read and align the members, combine, learn
//! the weights on --val, the paired tests, leave-one-member-out, diversity, label review) → the
//! ledger (`--run`) → render.

use super::common;
use crate::cli::{EnsembleArgs, OptimizeArg, OutputFormat, SelectMetricArg, VotingArg};
use anyhow::{Context, Result, bail};
use verdict_app::ensemble::{EnsembleOptions, EnsembleSpec, Optimize, ReviewSource};
use verdict_app::ledger::EvalTarget;
use verdict_core::ensemble::SelectionMetric;
use verdict_report::ensemble::{EnsembleReport, Voting};

/// `--weights 0.30,0.30,0.25,0.15` (in file order) or `--weights bert=0.30,lstm=0.25,…` (by
/// member name, every member once) as one weight per member in file order.
fn parse_weights(s: &str, which: usize, names: &[String]) -> Result<Vec<f64>> {
    let number = |w: &str| {
        w.trim().parse::<f64>().with_context(|| {
            format!(
                "--weights #{which} ({s}): `{}` is not a number; expected comma-separated \
                 weights, one per member in file order, or NAME=WEIGHT pairs",
                w.trim()
            )
        })
    };
    if !s.contains('=') {
        return s.split(',').map(number).collect();
    }
    let mut out: Vec<Option<f64>> = vec![None; names.len()];
    for pair in s.split(',') {
        let Some((name, w)) = pair.split_once('=') else {
            bail!(
                "--weights #{which} ({s}): `{pair}` is not NAME=WEIGHT; use names for all members or for none"
            );
        };
        let Some(i) = names.iter().position(|n| n == name.trim()) else {
            bail!(
                "--weights #{which}: no member named `{}`; members: {}",
                name.trim(),
                names.join(", ")
            );
        };
        if out[i].replace(number(w)?).is_some() {
            bail!("--weights #{which}: member `{}` is given twice", names[i]);
        }
    }
    out.iter()
        .zip(names)
        .map(|(w, n)| w.with_context(|| format!("--weights #{which}: no weight for member `{n}`")))
        .collect()
}

fn spec(a: &EnsembleArgs) -> Result<EnsembleSpec> {
    let names = verdict_app::compare::model_names(&verdict_app::input::files(&a.files));
    let weights = a
        .weights
        .iter()
        .enumerate()
        .map(|(i, w)| parse_weights(w, i + 1, &names))
        .collect::<Result<Vec<_>>>()?;
    if !(a.stats.boot.ci > 0.0 && a.stats.boot.ci < 1.0) {
        bail!(
            "--ci must be between 0 and 1 (exclusive), got {}",
            a.stats.boot.ci
        );
    }
    Ok(EnsembleSpec {
        files: verdict_app::input::files(&a.files),
        val: verdict_app::input::files(&a.val),
        read: common::read_options(&a.input)?,
        predictions: common::prediction_options(&a.input, Vec::new()),
        options: EnsembleOptions {
            eval: common::eval_config(&a.stats, None, None)?,
            metric: a.metric.clone(),
            alpha: a.alpha,
            voting: match a.voting {
                VotingArg::Soft => Voting::Soft,
                VotingArg::Hard => Voting::Hard,
                VotingArg::Rank => Voting::Rank,
            },
            weights,
            optimize: a.optimize.map(|o| match o {
                OptimizeArg::Caruana => Optimize::Caruana,
                OptimizeArg::Logloss => Optimize::LogLoss,
            }),
            rounds: a.rounds,
            select_metric: match a.select_metric {
                SelectMetricArg::LogLoss => SelectionMetric::LogLoss,
                SelectMetricArg::Accuracy => SelectionMetric::Accuracy,
            },
            allow_test_fit: a.allow_test_fit,
            stability: a.weight_resamples,
            stability_level: a.weight_ci,
            label_review: a.label_review.then(|| match &a.label_review_source {
                Some(m) => ReviewSource::Member(m.clone()),
                None => ReviewSource::Ensemble,
            }),
            in_sample: a.in_sample,
        },
    })
}

pub(crate) fn run(a: &EnsembleArgs) -> Result<String> {
    let spec = spec(a)?;
    let report = verdict_app::ensemble::ensemble(&spec, &common::Bar::new(&a.output))?;
    let lang = common::lang(&a.output);
    if let Some(run_id) = &a.run {
        let store = super::ledger::open(&a.target.store)?;
        let source = a
            .files
            .iter()
            .map(|f| f.display().to_string())
            .collect::<Vec<_>>()
            .join(" ");
        let target = EvalTarget {
            run_id,
            name: &a.eval_name,
            artifacts: &a.target.artifacts,
            source: &source,
            step: 0,
            lang,
        };
        let doc = verdict_report::ensemble::json(&report);
        let stored = verdict_app::ensemble::store(&store, &target, &report, &doc)?;
        if !a.output.quiet {
            eprintln!(
                "stored ensemble `{}` in run {run_id}: {stored}, report verdict/{}.ensemble.json, \
                 {} weight params",
                a.eval_name,
                a.eval_name,
                report.names.len()
            );
        }
    }
    if let Some(dir) = &a.out_dir {
        write_out_dir(dir, &report, lang)?;
    }
    Ok(match a.output.format {
        OutputFormat::Json => verdict_report::ensemble::json(&report),
        OutputFormat::Md => verdict_report::ensemble::markdown(
            &report,
            lang,
            &verdict_report::ensemble::plots(&report, lang),
        ),
        OutputFormat::Html => verdict_report::ensemble::html(&report, lang),
        OutputFormat::Text => {
            verdict_report::ensemble::text(&report, lang, common::color(&a.output))
        }
    })
}

/// `--out-dir`: the Markdown report (linking the plots), the HTML report (plots inlined), the
/// JSON document and the plots.
fn write_out_dir(
    dir: &std::path::Path,
    rep: &EnsembleReport,
    lang: verdict_report::Lang,
) -> Result<()> {
    let write = common::out_dir(dir)?;
    let plots = verdict_report::ensemble::plots(rep, lang);
    for (file, svg) in verdict_report::ensemble::svgs(rep, lang) {
        write(&file, &svg)?;
    }
    write(
        "report.md",
        &verdict_report::ensemble::markdown(rep, lang, &plots),
    )?;
    write("report.html", &verdict_report::ensemble::html(rep, lang))?;
    write("ensemble.json", &verdict_report::ensemble::json(rep))?;
    Ok(())
}
