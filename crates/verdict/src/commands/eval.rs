//! `verdict eval`: read → validate → evaluate (with slices and grouped classes) → render.

use super::{common, ledger};
use crate::cli::{EvalArgs, OutputFormat};
use anyhow::{Context, Result, bail};
use std::collections::BTreeMap;
use std::path::Path;
use verdict_core::eval::{EvalConfig, evaluate};
use verdict_report::svg::{self, Series};
use verdict_report::{EvalReport, GroupedClasses, Slices};
use verdict_store::{Metric, Tag};

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
        .with_context(|| format!("cannot evaluate {}", common::shown(&a.file)))?;
    // The eval set's canonical order (by id), as `verdict compare` uses: the bootstrap draws the
    // same samples in both, so a model's intervals agree.
    verdict_io::canonical_order(&mut set);
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
        source: common::shown(&a.file),
        inputs,
        fingerprint,
        group_column: set.groups.as_ref().map(|_| a.input.group_col.clone()),
        group_count: data.groups.as_ref().map(|(_, k)| *k),
        result,
        grouped,
        slices,
        normalized: common::normalization(set),
    };
    if let Some(run_id) = &a.ledger.run {
        let note = store_in_run(a, run_id, &report)?;
        if !a.output.quiet {
            eprintln!("{note}");
        }
    }
    let lang = common::lang(&a.output);
    if let Some(dir) = &a.out_dir {
        write_out_dir(dir, &report, lang)?;
    }
    Ok(match a.output.format {
        OutputFormat::Json => verdict_report::json::render(&report),
        OutputFormat::Md => verdict_report::markdown::render(&report, lang),
        OutputFormat::Text => verdict_report::text::render(&report, lang, common::color(&a.output)),
    })
}

/// `--run RUN_ID`: the evaluation goes into the ledger (conventions in `ledger`): the JSON
/// document as artifact `verdict/<name>.json`, the scalar metrics as `<name>/<metric>` with
/// `_ci_low`/`_ci_high`, and the eval set's fingerprint and row count as tags. Refused when the
/// run already holds an evaluation of that name made on another eval set. Returns a one-line note.
fn store_in_run(a: &EvalArgs, run_id: &str, report: &EvalReport) -> Result<String> {
    let l = &a.ledger;
    let name = l.eval_name.as_str();
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
    {
        bail!("--eval-name must be letters, digits, `_`, `-` or `.`, got `{name}`");
    }
    let doc = verdict_report::json::render(report);
    let parsed: serde_json::Value =
        serde_json::from_str(&doc).context("the evaluation JSON does not parse")?;
    let fingerprint = parsed["fingerprint"]
        .as_str()
        .context("the evaluation JSON has no fingerprint")?
        .to_owned();
    let rows = parsed["n"].as_u64().unwrap_or(0);
    let store = ledger::open(&l.store)?;
    let run = store
        .get_run(run_id)
        .with_context(|| format!("--run {run_id}"))?;
    let fp_tag = ledger::eval_tag(name, "fingerprint");
    if let Some(old) = ledger::tag(&run, &fp_tag)
        && old != fingerprint
    {
        bail!(
            "run {run_id} already holds an evaluation `{name}` made on another eval set ({old}; \
             {} is {fingerprint}); results of different eval sets must not share a name: use \
             another --eval-name",
            a.file.display()
        );
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0);
    let mut metrics = Vec::new();
    if let Some(obj) = parsed["metrics"].as_object() {
        for (k, v) in obj {
            for (suffix, field) in [
                ("", "value"),
                ("_ci_low", "ci_low"),
                ("_ci_high", "ci_high"),
            ] {
                if let Some(x) = v[field].as_f64() {
                    metrics.push(Metric::new(format!("{name}/{k}{suffix}"), x, now, 0));
                }
            }
        }
    }
    let artifact = format!("verdict/{name}.json");
    let (repo, base) = ledger::run_artifacts(&run.info.artifact_uri, &l.artifacts)?;
    repo.put(&ledger::join(&base, &artifact), doc.as_bytes())
        .with_context(|| format!("cannot store {artifact} for run {run_id}"))?;
    let tags = vec![
        Tag::new(fp_tag, fingerprint.clone()),
        Tag::new(ledger::eval_tag(name, "rows"), rows.to_string()),
        Tag::new(
            ledger::eval_tag(name, "source"),
            a.file.display().to_string(),
        ),
        Tag::new(ledger::eval_tag(name, "artifact"), artifact.clone()),
    ];
    store
        .log_batch(run_id, &[], &[], &tags)
        .with_context(|| format!("cannot tag run {run_id}"))?;
    for chunk in metrics.chunks(1000) {
        store
            .log_batch(run_id, chunk, &[], &[])
            .with_context(|| format!("cannot log metrics to run {run_id}"))?;
    }
    Ok(format!(
        "stored evaluation `{name}` in run {run_id}: {} metrics, artifact {artifact}, eval set {fingerprint} ({rows} rows)",
        metrics.len()
    ))
}

/// `--out-dir`: the Markdown report (linking the plots), the JSON document and the plots.
fn write_out_dir(dir: &Path, rep: &EvalReport, lang: verdict_report::Lang) -> Result<()> {
    let write = common::out_dir(dir)?;
    let r = &rep.result;
    let name = Path::new(&rep.source)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("model");
    let metric = |m: &str| r.metrics.iter().find(|x| x.name == m).map(|x| x.value);
    if let Some(roc) = &r.roc {
        let series = [Series::roc(name, roc, metric("roc_auc"))];
        write("roc.svg", &svg::roc_plot(&series, lang))?;
    }
    if let Some(pr) = &r.pr {
        let series = [Series::pr(name, pr, metric("average_precision"))];
        write("pr.svg", &svg::pr_plot(&series, r.prevalence(), lang))?;
    }
    if let Some(cal) = &r.calibration {
        write("reliability.svg", &svg::reliability_plot(cal, lang))?;
    }
    let plots = verdict_report::markdown::plots(rep, lang);
    write(
        "report.md",
        &verdict_report::markdown::render_with_plots(rep, lang, &plots),
    )?;
    write("eval.json", &verdict_report::json::render(rep))?;
    Ok(())
}
