//! `verdict runs list|show|compare`.
//!
//! `list` is MLflow's `search_runs` (the same filter grammar and order_by, evaluated by the
//! store); `compare` puts two runs' stored evaluations side by side and refuses when their eval
//! sets differ (the `verdict.eval.NAME.fingerprint` tags, `verdict_app::ledger`). `list` also warns when
//! it shows `NAME/…` metrics of runs whose NAME evaluations were made on different eval sets.

use super::common;
use super::experiments::pretty;
use super::ledger::{self, Align, Table};
use crate::cli::{
    LedgerFormat, OutputFormat, RunsCmd, RunsCompareArgs, RunsListArgs, RunsShowArgs,
};
use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use verdict_app::ledger::{
    EvalInfo, StoredComparison, StoredSide, compare_runs, eval_info, mixed_eval_sets,
    stored_evaluations,
};
use verdict_store::{Run, RunQuery, Store, ViewType};

pub(crate) fn run(c: &RunsCmd) -> Result<String> {
    match c {
        RunsCmd::List(a) => list(a),
        RunsCmd::Show(a) => show(a),
        RunsCmd::Compare(a) => compare(a),
    }
}

/// The `metrics.KEY` keys named in a filter or order_by text (plain, backticked or
/// double-quoted keys).
fn metric_keys(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let rest = &text[i..];
        let boundary = i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_');
        let prefix = ["metrics.", "metric."].into_iter().find(|p| {
            boundary
                && rest
                    .get(..p.len())
                    .is_some_and(|h| h.eq_ignore_ascii_case(p))
        });
        let Some(p) = prefix else {
            i += rest.chars().next().map_or(1, char::len_utf8);
            continue;
        };
        let key_start = i + p.len();
        let tail = &text[key_start..];
        let (key, used) = match tail.as_bytes().first() {
            Some(&q @ (b'`' | b'"')) => match tail[1..].find(q as char) {
                Some(end) => (tail[1..=end].to_owned(), end + 2),
                None => (tail[1..].to_owned(), tail.len()),
            },
            _ => {
                let end = tail
                    .find(|c: char| c.is_whitespace() || "<>=!(),".contains(c))
                    .unwrap_or(tail.len());
                (tail[..end].to_owned(), end)
            }
        };
        if !key.is_empty() && !out.contains(&key) {
            out.push(key);
        }
        i = key_start + used.max(1);
    }
    out
}

fn search_all(store: &Store, query: RunQuery, max: i64) -> Result<Vec<Run>> {
    Ok(verdict_app::ledger::search_all(store, query, max)?)
}

/// Warnings for `NAME/…` metric columns whose NAME evaluations differ in eval set.
fn eval_set_warnings(runs: &[Run], keys: &[String]) -> Vec<String> {
    mixed_eval_sets(runs, keys)
        .into_iter()
        .map(|m| {
            let list: Vec<String> = m
                .sets
                .iter()
                .map(|(f, n)| format!("{f} ({n} runs)"))
                .collect();
            format!(
                "the `{name}` evaluations of these runs were made on {} different eval sets: {}; their {name}/… metrics are not comparable",
                m.sets.len(),
                list.join(", "),
                name = m.name
            )
        })
        .collect()
}

fn list(a: &RunsListArgs) -> Result<String> {
    if a.max < 1 {
        bail!("--max must be at least 1, got {}", a.max);
    }
    let store = ledger::open(&a.store.store)?;
    let experiment_ids: Vec<String> = if a.experiment.is_empty() {
        ledger::all_experiments(&store, a.all, "")?
            .into_iter()
            .map(|e| e.experiment_id)
            .collect()
    } else {
        a.experiment
            .iter()
            .map(|e| ledger::experiment(&store, e).map(|e| e.experiment_id))
            .collect::<Result<_>>()?
    };
    let runs = if experiment_ids.is_empty() {
        Vec::new()
    } else {
        search_all(
            &store,
            RunQuery {
                experiment_ids,
                filter: a.filter.clone(),
                order_by: a.order.clone(),
                view: if a.all {
                    ViewType::All
                } else {
                    ViewType::ActiveOnly
                },
                ..RunQuery::default()
            },
            a.max,
        )
        .context("runs list")?
    };
    let mut keys = metric_keys(&a.filter);
    for o in &a.order {
        for k in metric_keys(o) {
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
    }
    let mut extra: Vec<(String, String)> = Vec::new();
    for c in &a.column {
        match c.split_once('.') {
            Some(("metrics" | "metric", k)) => {
                if !keys.iter().any(|x| x == k) {
                    keys.push(k.to_owned());
                }
            }
            Some((kind @ ("params" | "param" | "tags" | "tag"), k)) => {
                extra.push((kind.trim_end_matches('s').to_owned(), k.to_owned()));
            }
            _ => bail!("--column expects metrics.KEY, params.KEY or tags.KEY, got `{c}`"),
        }
    }
    if keys.is_empty() && a.column.is_empty() {
        let all: BTreeSet<&str> = runs
            .iter()
            .flat_map(|r| r.metrics.iter().map(|m| m.key.as_str()))
            .collect();
        keys = all.into_iter().take(4).map(str::to_owned).collect();
    }
    let warnings = eval_set_warnings(&runs, &keys);
    if a.format == LedgerFormat::Json {
        return pretty(&json!({
            "runs": runs.iter().map(ledger::run_json).collect::<Vec<_>>(),
            "warnings": warnings,
        }));
    }
    if runs.is_empty() {
        return Ok("No runs.\n".to_owned());
    }
    let mut headers: Vec<String> = ["run_id", "name", "status", "started"]
        .map(String::from)
        .to_vec();
    let mut align = vec![Align::Left; 4];
    for (kind, k) in &extra {
        headers.push(format!("{kind}s.{k}"));
        align.push(Align::Left);
    }
    for k in &keys {
        headers.push(k.clone());
        align.push(Align::Right);
    }
    let mut t = Table::with_align(headers, align);
    for r in &runs {
        let mut row = vec![
            r.info.run_id.clone(),
            r.info.run_name.clone(),
            if r.info.lifecycle_stage.as_str() == "deleted" {
                format!("{} (deleted)", r.info.status.as_str())
            } else {
                r.info.status.as_str().to_owned()
            },
            ledger::time(r.info.start_time),
        ];
        for (kind, k) in &extra {
            let v = if kind == "param" {
                r.params
                    .iter()
                    .find(|p| &p.key == k)
                    .map(|p| p.value.clone())
            } else {
                ledger::tag(r, k).map(str::to_owned)
            };
            row.push(v.unwrap_or_else(|| "-".to_owned()));
        }
        for k in &keys {
            row.push(
                r.metrics
                    .iter()
                    .find(|m| &m.key == k)
                    .map_or_else(|| "-".to_owned(), |m| ledger::text_f64(m.value)),
            );
        }
        t.row(row);
    }
    let mut out = t.text(false);
    for w in warnings {
        out.push_str(&format!("warning: {w}\n"));
    }
    Ok(out)
}

fn show(a: &RunsShowArgs) -> Result<String> {
    let store = ledger::open(&a.store.store)?;
    let run = store
        .get_run(&a.run_id)
        .with_context(|| format!("runs show {}", a.run_id))?;
    let exp_name = store
        .get_experiment(&run.info.experiment_id)
        .map(|e| e.name)
        .unwrap_or_default();
    let mut history: Vec<(String, Vec<verdict_store::Metric>)> = Vec::new();
    if a.history {
        for m in &run.metrics {
            let h = store.get_metric_history(&run.info.run_id, &m.key, None, None)?;
            history.push((m.key.clone(), h.items));
        }
    }
    let evals: Vec<EvalInfo> = ledger::eval_names(&run)
        .iter()
        .filter_map(|n| eval_info(&run, n))
        .collect();
    if a.format == LedgerFormat::Json {
        let mut v = ledger::run_json(&run);
        v["experiment_name"] = json!(exp_name);
        v["deleted_time"] = json!(run.info.deleted_time);
        v["dataset_inputs"] = Value::from(
            run.dataset_inputs
                .iter()
                .map(|d| {
                    json!({
                        "name": d.dataset.name, "digest": d.dataset.digest,
                        "source_type": d.dataset.source_type,
                        "tags": ledger::kv_json(d.tags.iter().map(|t| (t.key.as_str(), t.value.as_str()))),
                    })
                })
                .collect::<Vec<_>>(),
        );
        v["model_outputs"] = Value::from(
            run.model_outputs
                .iter()
                .map(|o| json!({"model_id": o.model_id, "step": o.step}))
                .collect::<Vec<_>>(),
        );
        v["evaluations"] = Value::from(
            evals
                .iter()
                .map(|e| json!({"name": e.name, "fingerprint": e.fingerprint, "rows": e.rows, "source": e.source, "artifact": e.artifact}))
                .collect::<Vec<_>>(),
        );
        if a.history {
            v["history"] = Value::Object(
                history
                    .iter()
                    .map(|(k, h)| {
                        (
                            k.clone(),
                            Value::from(h.iter().map(ledger::metric_json).collect::<Vec<_>>()),
                        )
                    })
                    .collect(),
            );
        }
        return pretty(&v);
    }
    let i = &run.info;
    let mut head = ledger::table(&["", ""], &[Align::Left, Align::Left]);
    head.row(vec!["run".into(), i.run_id.clone()]);
    head.row(vec!["name".into(), i.run_name.clone()]);
    head.row(vec![
        "experiment".into(),
        format!("{} ({exp_name})", i.experiment_id),
    ]);
    head.row(vec![
        "status".into(),
        format!("{} ({})", i.status.as_str(), i.lifecycle_stage.as_str()),
    ]);
    head.row(vec![
        "user".into(),
        i.user_id.clone().unwrap_or_else(|| "-".into()),
    ]);
    head.row(vec!["started".into(), ledger::time(i.start_time)]);
    head.row(vec!["ended".into(), ledger::time(i.end_time)]);
    head.row(vec!["artifacts".into(), i.artifact_uri.clone()]);
    let mut out: String = head
        .text(false)
        .lines()
        .skip(1)
        .map(|l| format!("{l}\n"))
        .collect();
    if !run.params.is_empty() {
        out.push_str("\nparams\n");
        let mut t = ledger::table(&["key", "value"], &[Align::Left, Align::Left]);
        for p in &run.params {
            t.row(vec![p.key.clone(), p.value.clone()]);
        }
        out.push_str(&indent(&t.text(false)));
    }
    if !run.metrics.is_empty() {
        out.push_str("\nmetrics (latest)\n");
        let mut t = ledger::table(
            &["key", "value", "step", "time"],
            &[Align::Left, Align::Right, Align::Right, Align::Left],
        );
        for m in &run.metrics {
            t.row(vec![
                m.key.clone(),
                ledger::text_f64(m.value),
                m.step.to_string(),
                ledger::time(Some(m.timestamp)),
            ]);
        }
        out.push_str(&indent(&t.text(false)));
    }
    if !evals.is_empty() {
        out.push_str("\nevaluations\n");
        let mut t = ledger::table(
            &["name", "eval set", "rows", "source", "artifact"],
            &[
                Align::Left,
                Align::Left,
                Align::Right,
                Align::Left,
                Align::Left,
            ],
        );
        for e in &evals {
            t.row(vec![
                e.name.clone(),
                e.fingerprint.clone(),
                e.rows.clone().unwrap_or_else(|| "-".into()),
                e.source.clone().unwrap_or_else(|| "-".into()),
                e.artifact.clone().unwrap_or_else(|| "-".into()),
            ]);
        }
        out.push_str(&indent(&t.text(false)));
    }
    if !run.dataset_inputs.is_empty() {
        out.push_str("\ndatasets\n");
        let mut t = ledger::table(
            &["name", "digest", "context"],
            &[Align::Left, Align::Left, Align::Left],
        );
        for d in &run.dataset_inputs {
            let ctx = d
                .tags
                .iter()
                .find(|t| t.key == "mlflow.data.context")
                .map_or("-", |t| t.value.as_str());
            t.row(vec![
                d.dataset.name.clone(),
                d.dataset.digest.clone(),
                ctx.to_owned(),
            ]);
        }
        out.push_str(&indent(&t.text(false)));
    }
    if !run.model_outputs.is_empty() {
        out.push_str("\nlogged models\n");
        for o in &run.model_outputs {
            out.push_str(&format!("  {} (step {})\n", o.model_id, o.step));
        }
    }
    if !run.tags.is_empty() {
        out.push_str("\ntags\n");
        let mut t = ledger::table(&["key", "value"], &[Align::Left, Align::Left]);
        for tg in &run.tags {
            t.row(vec![tg.key.clone(), tg.value.replace('\n', "\\n")]);
        }
        out.push_str(&indent(&t.text(false)));
    }
    for (k, h) in &history {
        out.push_str(&format!("\nhistory {k}\n"));
        let mut t = ledger::table(
            &["step", "value", "time"],
            &[Align::Right, Align::Right, Align::Left],
        );
        for m in h {
            t.row(vec![
                m.step.to_string(),
                ledger::text_f64(m.value),
                ledger::time(Some(m.timestamp)),
            ]);
        }
        out.push_str(&indent(&t.text(false)));
    }
    Ok(out)
}

fn indent(s: &str) -> String {
    s.lines().map(|l| format!("  {l}\n")).collect()
}

/// `runs compare`: the paired comparison of the runs' stored predictions (the numbers of `verdict
/// compare` on the files they evaluated); without stored predictions, two runs' stored metrics side
/// by side, saying why there is no paired test.
fn compare(a: &RunsCompareArgs) -> Result<String> {
    let store = ledger::open(&a.store.store)?;
    let ids: Vec<&str> = a.runs.iter().map(String::as_str).collect();
    let sides = stored_evaluations(&store, &ids, &a.eval_name)?;
    let missing: Vec<String> = sides
        .iter()
        .filter(|s| s.eval.predictions.is_none())
        .map(StoredSide::describe)
        .collect();
    if missing.is_empty() {
        let options = super::compare::options(&a.stats, &a.paired)?;
        let report = compare_runs(&sides, &a.artifacts, &options, &common::Bar::new(&a.output))?;
        return Ok(super::compare::render(&report, &a.output));
    }
    let [sa, sb]: [StoredSide; 2] = sides.try_into().map_err(|s: Vec<StoredSide>| {
        anyhow::anyhow!(
            "a paired comparison of {} runs needs every run's stored predictions; the `{}` \
             evaluation of {} has none (store it again with `verdict eval FILE --run RUN_ID \
             --eval-name {}`)",
            s.len(),
            a.eval_name,
            missing.join(", "),
            a.eval_name
        )
    })?;
    let c = StoredComparison {
        name: a.eval_name.clone(),
        a: sa,
        b: sb,
    };
    let json = matches!(a.output.format, OutputFormat::Json);
    side_by_side(&c, json, &missing)
}

/// Two runs' stored metrics side by side (no paired test: `missing` lists the runs without
/// stored predictions).
fn side_by_side(c: &StoredComparison, json_out: bool, missing: &[String]) -> Result<String> {
    let name = &c.name;
    let (ra, rb) = (&c.a.run, &c.b.run);
    let (ea, eb) = (&c.a.eval, &c.b.eval);
    let (ma, mb) = (&c.a.metrics, &c.b.metrics);
    let keys = c.keys();
    if json_out {
        let side = |m: &BTreeMap<String, [Option<f64>; 3]>, k: &str| match m.get(k) {
            Some([v, lo, hi]) => json!({
                "value": v.map(ledger::json_f64),
                "ci_low": lo.map(ledger::json_f64),
                "ci_high": hi.map(ledger::json_f64),
            }),
            None => Value::Null,
        };
        let metrics: Vec<Value> = keys
            .iter()
            .map(|k| {
                let d = match (ma.get(*k).and_then(|x| x[0]), mb.get(*k).and_then(|x| x[0])) {
                    (Some(x), Some(y)) => Some(ledger::json_f64(y - x)),
                    _ => None,
                };
                json!({"metric": k, "a": side(ma, k), "b": side(mb, k), "difference": d})
            })
            .collect();
        return pretty(&json!({
            "eval_name": name,
            "fingerprint": ea.fingerprint,
            "rows": ea.rows,
            "a": {"run_id": ra.info.run_id, "run_name": ra.info.run_name, "source": ea.source},
            "b": {"run_id": rb.info.run_id, "run_name": rb.info.run_name, "source": eb.source},
            "metrics": metrics,
            "paired": Value::Null,
            "not_paired_because": missing.iter().map(|m| format!("{m}: no stored predictions")).collect::<Vec<_>>(),
        }));
    }
    let mut out = format!(
        "A = {}\nB = {}\nSame eval set for `{name}`: {} ({} rows)\n\n",
        c.a.describe(),
        c.b.describe(),
        ea.fingerprint,
        ea.rows.as_deref().unwrap_or("?")
    );
    let cell = |m: &BTreeMap<String, [Option<f64>; 3]>, k: &str| match m.get(k) {
        Some([Some(v), lo, hi]) => match (lo, hi) {
            (Some(lo), Some(hi)) => format!("{v:.4} [{lo:.4}, {hi:.4}]"),
            _ => format!("{v:.4}"),
        },
        _ => "-".to_owned(),
    };
    let mut t = ledger::table(
        &["metric", "A", "B", "B − A"],
        &[Align::Left, Align::Right, Align::Right, Align::Right],
    );
    for k in keys {
        let d = match (ma.get(k).and_then(|x| x[0]), mb.get(k).and_then(|x| x[0])) {
            (Some(x), Some(y)) => format!("{:+.4}", y - x),
            _ => "-".to_owned(),
        };
        t.row(vec![k.clone(), cell(ma, k), cell(mb, k), d]);
    }
    out.push_str(&t.text(false));
    out.push_str(&format!(
        "\nIntervals are each run's own: no paired test, because the `{name}` evaluation of {} has \
         no stored predictions (store it again with `verdict eval FILE --run RUN_ID --eval-name \
         {name}`, or run `verdict compare` on the two prediction files).\n",
        missing.join(" and ")
    ));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::metric_keys;

    #[test]
    fn keys_in_filters() {
        assert_eq!(metric_keys("metrics.val_f1 > 0.8"), ["val_f1"]);
        assert_eq!(
            metric_keys("metrics.`val loss` < 1 and params.lr = '0.1' AND metric.\"a/b\">=2"),
            ["val loss", "a/b"]
        );
        assert_eq!(metrics_of("metrics.test/roc_auc DESC"), ["test/roc_auc"]);
        assert!(metric_keys("params.metrics = 'x'").is_empty());
        // Multi-byte text never splits a character.
        assert_eq!(metric_keys("tags.é = 'métricsé' and metrics.ü > 1"), ["ü"]);
    }

    fn metrics_of(s: &str) -> Vec<String> {
        metric_keys(s)
    }
}
