//! What the web UI's pages show, read from the ledger (`verdict server` renders them with
//! `verdict_report::ui`).
//!
//! Each function answers one page from its URL's parameters. They only read, and they return the
//! store's own error (`verdict_store::Error`), whose kind the server turns into the status: a run
//! or experiment that does not exist is a 404, anything else the store refuses a 400. A filter or
//! order the store's grammar rejects is not an error of the page: the runs page shows the message
//! above an empty table, so the user can correct what they typed.

use verdict_report::ui::{
    EvaluationSummary, ExperimentRow, ExperimentsPage, History, RunPage, RunRow, RunsPage,
    fmt_value,
};
use verdict_store::{ExperimentQuery, Run, RunQuery, Store, ViewType};

/// Runs per page of the runs table.
pub const RUNS_PER_PAGE: i64 = 100;

/// Extra columns shown when the URL names none: the first metric keys (in key order) of the
/// runs on the page.
pub const DEFAULT_METRIC_COLUMNS: usize = 5;

/// The experiments page: every active experiment whose name contains `search` (case-insensitive;
/// empty: all), newest activity first (ties by id).
pub fn experiments(store: &Store, search: &str) -> verdict_store::Result<ExperimentsPage> {
    let counts = store.run_counts()?;
    let needle = search.trim().to_lowercase();
    let mut rows = Vec::new();
    let mut token = None;
    loop {
        let page = store.search_experiments(&ExperimentQuery {
            filter: String::new(),
            order_by: Vec::new(),
            max_results: 1000,
            page_token: token,
            view: ViewType::ActiveOnly,
        })?;
        for e in page.items {
            if !needle.is_empty() && !e.name.to_lowercase().contains(&needle) {
                continue;
            }
            let c = counts.iter().find(|c| c.experiment_id == e.experiment_id);
            rows.push(ExperimentRow {
                runs: c.map_or(0, |c| c.runs),
                last_activity: c.map_or(e.last_update_time, |c| {
                    c.last_activity.max(e.last_update_time)
                }),
                id: e.experiment_id,
                name: e.name,
            });
        }
        token = page.next_page_token;
        if token.is_none() {
            break;
        }
    }
    rows.sort_by(|a, b| {
        b.last_activity
            .cmp(&a.last_activity)
            .then_with(|| a.id.len().cmp(&b.id.len()).then_with(|| a.id.cmp(&b.id)))
    });
    Ok(ExperimentsPage {
        search: search.to_string(),
        rows,
    })
}

/// What the runs page's URL asks for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunsQuery {
    /// The MLflow filter (the store's grammar).
    pub filter: String,
    /// One order, `metrics.val_loss ASC` (empty: the store's default, newest first).
    pub order_by: String,
    /// Extra columns, comma-separated `metrics.<key>`, `params.<key>`, `tags.<key>`.
    pub columns: String,
    /// The page token (empty: the first page).
    pub page: String,
}

/// The runs page of an experiment.
pub fn runs(store: &Store, experiment_id: &str, q: &RunsQuery) -> verdict_store::Result<RunsPage> {
    let experiment = store.get_experiment(experiment_id)?;
    let result = store.search_runs(&RunQuery {
        experiment_ids: vec![experiment.experiment_id.clone()],
        filter: q.filter.clone(),
        order_by: if q.order_by.trim().is_empty() {
            Vec::new()
        } else {
            vec![q.order_by.trim().to_string()]
        },
        max_results: RUNS_PER_PAGE,
        page_token: (!q.page.is_empty()).then(|| q.page.clone()),
        view: ViewType::ActiveOnly,
    });
    let (found, next_page, error) = match result {
        Ok(page) => (page.items, page.next_page_token, None),
        Err(e) if e.kind() != verdict_store::ErrorKind::Internal => {
            (Vec::new(), None, Some(e.to_string()))
        }
        Err(e) => return Err(e),
    };
    let mut columns: Vec<String> = q
        .columns
        .split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect();
    if columns.is_empty() {
        let mut keys: Vec<&str> = found
            .iter()
            .flat_map(|r| r.metrics.iter().map(|m| m.key.as_str()))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        columns = keys
            .into_iter()
            .take(DEFAULT_METRIC_COLUMNS)
            .map(|k| format!("metrics.{k}"))
            .collect();
    }
    let rows = found.iter().map(|r| row(r, &columns)).collect();
    Ok(RunsPage {
        experiment_id: experiment.experiment_id,
        experiment_name: experiment.name,
        filter: q.filter.clone(),
        order_by: q.order_by.clone(),
        error,
        columns,
        rows,
        next_page,
        page: q.page.clone(),
    })
}

/// The prefixes that mark a metric as the training or the validation side of one stem
/// (`train_loss` and `val_loss` are plotted together as `loss`).
const SIDES: [(&str, bool); 8] = [
    ("train_", false),
    ("train/", false),
    ("training_", false),
    ("val_", true),
    ("val/", true),
    ("valid_", true),
    ("validation_", true),
    ("eval_", true),
];

/// A key's stem and whether it is a validation key (`None` side: neither prefix).
fn stem(key: &str) -> (&str, Option<bool>) {
    SIDES
        .iter()
        .find_map(|(p, val)| key.strip_prefix(p).map(|s| (s, Some(*val))))
        .unwrap_or((key, None))
}

/// The run's metrics as plots: every point of every key (the plot decimates), keys of one stem
/// together, the best evaluation of the validation key (or the only key) marked by the direction
/// its name implies (`verdict_core::curves::direction_from_name`; ties: the first step).
fn histories(store: &Store, r: &Run) -> verdict_store::Result<Vec<History>> {
    // (stem, its keys with their side)
    type Group = (String, Vec<(String, Option<bool>)>);
    let mut groups: Vec<Group> = Vec::new();
    for m in &r.metrics {
        let (s, side) = stem(&m.key);
        match groups.iter_mut().find(|(g, _)| g == s) {
            Some((_, keys)) => keys.push((m.key.clone(), side)),
            None => groups.push((s.to_string(), vec![(m.key.clone(), side)])),
        }
    }
    let mut out = Vec::new();
    for (title, keys) in groups {
        let mut series = Vec::new();
        let mut best = None;
        let judged = keys
            .iter()
            .position(|(_, side)| *side == Some(true))
            .or((keys.len() == 1).then_some(0));
        for (i, (key, _)) in keys.iter().enumerate() {
            let points = store
                .get_metric_history(&r.info.run_id, key, None, None)?
                .items;
            let x: Vec<f64> = points.iter().map(|p| p.step as f64).collect();
            let y: Vec<f64> = points.iter().map(|p| p.value).collect();
            if Some(i) == judged
                && let Some(dir) = verdict_core::curves::direction_from_name(key)
            {
                let better = |a: f64, b: f64| match dir {
                    verdict_core::metrics::Direction::Lower => a < b,
                    verdict_core::metrics::Direction::Higher => a > b,
                };
                for (&s, &v) in x.iter().zip(&y) {
                    if v.is_finite() && best.is_none_or(|(_, b)| better(v, b)) {
                        best = Some((s, v));
                    }
                }
            }
            series.push((key.clone(), x, y));
        }
        out.push(History {
            title,
            series,
            best,
        });
    }
    Ok(out)
}

/// The evaluations stored in a run (docs/ledger.md: tags `verdict.eval.NAME.*`, metrics
/// `NAME/<metric>` with `_ci_low` / `_ci_high`).
fn evaluations(r: &Run) -> Vec<EvaluationSummary> {
    crate::ledger::eval_names(r)
        .into_iter()
        .filter_map(|name| crate::ledger::eval_info(r, &name))
        .map(|info| {
            let prefix = format!("{}/", info.name);
            let value = |k: &str| r.metrics.iter().find(|m| m.key == k).map(|m| m.value);
            let metrics = r
                .metrics
                .iter()
                .filter_map(|m| {
                    let metric = m.key.strip_prefix(&prefix)?;
                    if metric.ends_with("_ci_low") || metric.ends_with("_ci_high") {
                        return None;
                    }
                    let ci = value(&format!("{}_ci_low", m.key))
                        .zip(value(&format!("{}_ci_high", m.key)));
                    Some((metric.to_string(), m.value, ci))
                })
                .collect();
            EvaluationSummary {
                name: info.name,
                fingerprint: info.fingerprint,
                rows: info.rows,
                source: info.source,
                metrics,
            }
        })
        .collect()
}

/// One run's page. The metrics of its stored evaluations are shown with them, not as curves;
/// its findings are `verdict check --run` with the default thresholds (`artifacts`: the root of
/// `mlflow-artifacts:/` runs), or the reason that check could not run.
pub fn run(
    store: &Store,
    run_id: &str,
    artifacts: &std::path::Path,
) -> verdict_store::Result<RunPage> {
    let mut r = store.get_run(run_id)?;
    let check = crate::check::check_run(
        Some(store),
        &default_check(crate::check::Curves::Run {
            run_id: run_id.to_string(),
            artifacts: artifacts.to_path_buf(),
        }),
    )
    .map_err(|e| e.to_string());
    let decisions = store
        .rule_decisions(run_id)?
        .into_iter()
        .map(|d| (d.step, d.action, d.rule, d.reason))
        .collect();
    let experiment = store.get_experiment(&r.info.experiment_id)?;
    let evaluations = evaluations(&r);
    r.metrics.retain(|m| {
        !evaluations
            .iter()
            .any(|e| m.key.starts_with(&format!("{}/", e.name)))
    });
    Ok(RunPage {
        check,
        decisions,
        evaluations,
        histories: histories(store, &r)?,
        row: row(&r, &[]),
        experiment: (experiment.experiment_id, experiment.name),
        params: r
            .params
            .iter()
            .map(|p| (p.key.clone(), p.value.clone()))
            .collect(),
        metrics: r.metrics.iter().map(|m| (m.key.clone(), m.value)).collect(),
        tags: r
            .tags
            .iter()
            .map(|t| (t.key.clone(), t.value.clone()))
            .collect(),
    })
}

/// A run as a row, with the values of `columns` (`metrics.` as four decimals, `params.` and
/// `tags.` as stored; anything else has no value).
fn row(r: &Run, columns: &[String]) -> RunRow {
    let tag = |k: &str| r.tags.iter().find(|t| t.key == k).map(|t| t.value.clone());
    let values = columns
        .iter()
        .map(|c| {
            if let Some(k) = c.strip_prefix("metrics.") {
                r.metrics
                    .iter()
                    .find(|m| m.key == k)
                    .map(|m| fmt_value(m.value))
            } else if let Some(k) = c.strip_prefix("params.") {
                r.params
                    .iter()
                    .find(|p| p.key == k)
                    .map(|p| p.value.clone())
            } else if let Some(k) = c.strip_prefix("tags.") {
                tag(k)
            } else {
                None
            }
        })
        .collect();
    RunRow {
        id: r.info.run_id.clone(),
        name: r.info.run_name.clone(),
        status: r.info.status.as_str().to_string(),
        start: r.info.start_time,
        end: r.info.end_time,
        user: r.info.user_id.clone(),
        decision: tag("verdict.decision"),
        values,
    }
}

/// The experiment report page: `verdict check --experiment` with the command's defaults (the
/// evaluation `eval_name`, default `eval`; McNemar and DeLong, no bootstrap; α = 0.05; the default
/// thresholds), so the page shows the numbers the command prints.
///
/// # Errors
/// An unknown experiment or metric; a store or artifact failure.
pub fn experiment_report(
    store: &Store,
    experiment_id: &str,
    eval_name: &str,
    metric: Option<String>,
    artifacts: &std::path::Path,
) -> crate::Result<verdict_report::check::ExperimentReport> {
    let spec = crate::check::ExperimentCheckSpec {
        experiment: experiment_id.to_string(),
        eval_name: if eval_name.is_empty() {
            "eval".into()
        } else {
            eval_name.into()
        },
        artifacts: artifacts.to_path_buf(),
        // `check_experiment` checks every run of the experiment: the curves named here are ignored.
        run: default_check(crate::check::Curves::File(Default::default())),
        compare: crate::compare::CompareOptions {
            eval: verdict_core::eval::EvalConfig {
                bootstrap: 0,
                seed: 0,
                ..crate::eval::point_config()
            },
            metric,
            baseline: None,
            alpha: 0.05,
            power: 0.8,
            permutations: 0,
        },
    };
    crate::check::check_experiment(store, &spec, &crate::NoProgress)
}

/// `verdict check` with every setting at the command's default (the validation and training
/// curves found by name, their direction from the name, the default thresholds) on `curves`.
fn default_check(curves: crate::check::Curves) -> crate::check::RunCheckSpec {
    crate::check::RunCheckSpec {
        curves,
        val_metric: None,
        train_metric: None,
        mode: None,
        pairs: Vec::new(),
        rules: crate::check::CheckRules::default(),
    }
}
