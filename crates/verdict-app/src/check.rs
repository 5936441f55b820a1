//! `verdict check --run`: what a run's curves and stored evaluations say, as one list of findings.
//!
//! The inputs are the run's metric histories (or a history file kept outside the ledger), its
//! dataset inputs and the evaluations `verdict eval --run` stored in it. The rules are
//! `verdict_core::curves`'; the findings and their wording the registry's
//! (`verdict_core::diagnostics`). This module finds the curves, picks the chance level and the
//! metric pairs, and collects the findings.
//!
//! # Conventions
//! * The curve a run is judged by: `val_metric` when given, else its first validation loss, else
//!   its first validation metric with a known direction ([`curves::primary_pair`]); its training
//!   curve is `train_metric` or the one of the same name ([`curves::curve_pairs`]).
//! * Chance level of a validation score (`training_failed`): from a stored evaluation of the run
//!   (the first by name that has stored predictions): the majority rate for accuracy-like scores,
//!   1/k for the others (macro F1, precision, recall, AUC-like scores use 1/k; for a binary AUC 1/k
//!   is 0.5, its chance level). Without a stored evaluation a score is not judged by that rule.
//! * Validation rows (`implausible_validation`): the `num_rows` of the profile of a dataset input
//!   whose `mlflow.data.context` is `validation`, `val`, `valid` or `eval`.
//! * `val_test_gap`: the validation value of each pair at the primary curve's best step against
//!   the test metric's stored interval, for every stored evaluation whose name does not start
//!   with `val`. Pairs by name (`val_acc`/`val_accuracy` ↔ `accuracy`, `val_f1` ↔ `f1` (binary) or
//!   `f1_macro`, `val_auc`/`val_roc_auc` ↔ `roc_auc`, `val_precision`/`val_recall` ↔ `precision` /
//!   `recall` (binary) or their `_macro`, `val_balanced_accuracy` ↔ `balanced_accuracy`, `val_loss`
//!   ↔ `log_loss`), or given (`--pair val_f1=f1_macro`).
//! * A stored evaluation's own findings are recomputed from its stored predictions (the same rows,
//!   threshold and labels, so the same findings) and listed with the run's, each said of its
//!   evaluation.

use std::path::{Path, PathBuf};
use verdict_core::curves::{
    self, Curve, CurvePair, Direction, FailedRule, ImplausibleRule, OverfitRule,
};
use verdict_core::diagnostics::{self, Finding, Status, ValTest};
use verdict_core::eval::{EvalConfig, EvalResult};
use verdict_io::config::CheckSettings;
use verdict_store::{Run, Store};

use crate::ledger::{self, EvalInfo};
use crate::{Error, ResultExt, bail, input};
use verdict_report::check::{CheckReport, CheckSubject, JudgedCurve};

/// The thresholds of every run check, each with its documented default.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CheckRules {
    /// `overfitting`.
    pub overfit: OverfitRule,
    /// `training_failed`.
    pub failed: FailedRule,
    /// `implausible_validation`.
    pub implausible: ImplausibleRule,
}

impl CheckRules {
    /// The rules as the plain numbers of `verdict.toml`'s `[checks]` table.
    pub fn settings(&self) -> CheckSettings {
        CheckSettings {
            overfit_mild: self.overfit.mild,
            overfit_moderate: self.overfit.moderate,
            overfit_severe: self.overfit.severe,
            overfit_extreme: self.overfit.extreme,
            early_share: self.overfit.early_share,
            early_min_epochs: self.overfit.early_min_epochs as u64,
            chance_gap: self.failed.chance_gap,
            loss_below: self.implausible.loss_below,
            score_at_least: self.implausible.score_at_least,
        }
    }

    /// The rules of `[checks]`' numbers.
    pub fn from_settings(s: &CheckSettings) -> CheckRules {
        CheckRules {
            overfit: OverfitRule {
                mild: s.overfit_mild,
                moderate: s.overfit_moderate,
                severe: s.overfit_severe,
                extreme: s.overfit_extreme,
                early_share: s.early_share,
                early_min_epochs: usize::try_from(s.early_min_epochs).unwrap_or(usize::MAX),
            },
            failed: FailedRule {
                chance_gap: s.chance_gap,
            },
            implausible: ImplausibleRule {
                loss_below: s.loss_below,
                score_at_least: s.score_at_least,
            },
        }
    }

    /// The default rules with the `[checks]` table of the settings file `path` applied
    /// (`verdict_io::config`; docs/checks.md).
    ///
    /// # Errors
    /// The file cannot be read, or holds a key or a value it may not (the error names the file,
    /// the line and the key).
    pub fn from_file(path: &Path) -> crate::Result<CheckRules> {
        let s = verdict_io::config::read_checks(path, &CheckRules::default().settings())?;
        Ok(CheckRules::from_settings(&s))
    }
}

/// Where the curves come from.
#[derive(Debug, Clone)]
pub enum Curves {
    /// A run of the ledger (its metric histories, inputs and stored evaluations).
    Run {
        /// The run's id.
        run_id: String,
        /// The artifact root of `mlflow-artifacts:/` runs.
        artifacts: PathBuf,
    },
    /// A history file (Keras' `history.csv`: one row per epoch, a column per metric; an `epoch`
    /// or `step` column gives the steps, else rows count from 0).
    File(PathBuf),
}

/// A run check.
#[derive(Debug, Clone)]
pub struct RunCheckSpec {
    /// The curves.
    pub curves: Curves,
    /// The validation curve to judge (default: found by name).
    pub val_metric: Option<String>,
    /// Its training curve (default: found by name).
    pub train_metric: Option<String>,
    /// The validation curve's direction (default: from its name).
    pub mode: Option<Direction>,
    /// Validation key → test metric pairs, besides the ones found by name.
    pub pairs: Vec<(String, String)>,
    /// Thresholds.
    pub rules: CheckRules,
}

/// A run's curves by key, and what else the checks read.
struct Inputs {
    curves: Vec<(String, Curve)>,
    val_rows: Option<u64>,
    evaluations: Vec<Stored>,
    /// The findings of the splits recorded with the run (`verdict splits check --run`).
    splits: Vec<Finding>,
}

/// A stored evaluation with its re-evaluated result (without a bootstrap) when its predictions
/// were kept.
struct Stored {
    info: EvalInfo,
    metrics: std::collections::BTreeMap<String, [Option<f64>; 3]>,
    result: Option<EvalResult>,
}

/// Runs the run checks.
///
/// # Errors
/// A missing run or file, a named curve that does not exist, or a curve whose direction is
/// unknown and not given.
pub fn check_run(store: Option<&Store>, spec: &RunCheckSpec) -> crate::Result<CheckReport> {
    let (inputs, run, source) = match &spec.curves {
        Curves::Run { run_id, artifacts } => {
            let Some(store) = store else {
                bail!("--run needs the ledger (--store)");
            };
            let run = store
                .get_run(run_id)
                .with_context(|| format!("check --run {run_id}"))?;
            let inputs = run_inputs(store, &run, artifacts)?;
            (
                inputs,
                Some((run.info.run_id.clone(), run.info.run_name.clone())),
                None,
            )
        }
        Curves::File(path) => (history_file(path)?, None, Some(crate::shown(path))),
    };
    judge(inputs, run, source, spec)
}

/// The curve checks of a run already read (`run`), on the judged pair's histories only: what
/// `check_run` finds from the curves (overfitting, failed training, an implausible validation
/// value), without re-evaluating stored predictions or reading recorded splits — so the
/// findings that need those (`val_test_gap`, an evaluation's own warnings, the splits', the
/// chance level of a failed score) are not looked for. Two history reads at most: what the web
/// UI's runs table affords per row for its findings badge. `spec.curves` is ignored.
///
/// # Errors
/// A store failure, or a named curve that does not exist.
pub fn check_run_curves(
    store: &Store,
    run: &Run,
    spec: &RunCheckSpec,
) -> crate::Result<CheckReport> {
    let id = &run.info.run_id;
    let names = ledger::eval_names(run);
    let keys: Vec<&str> = run
        .metrics
        .iter()
        .map(|m| m.key.as_str())
        .filter(|k| !names.iter().any(|n| k.starts_with(&format!("{n}/"))))
        .collect();
    let pairs = curves::curve_pairs(&keys);
    let (val, train) = match &spec.val_metric {
        Some(v) => (
            Some(v.clone()),
            pairs
                .iter()
                .find(|p| p.val == *v)
                .and_then(|p| p.train.clone()),
        ),
        None => match curves::primary_pair(&pairs) {
            Some((p, _)) => (Some(p.val.clone()), p.train.clone()),
            None => (None, None),
        },
    };
    let train = spec.train_metric.clone().or(train);
    let mut read = Vec::new();
    for key in [val, train].into_iter().flatten() {
        if !keys.contains(&key.as_str()) || read.iter().any(|(k, _)| *k == key) {
            continue;
        }
        let page = store
            .get_metric_history(id, &key, None, None)
            .with_context(|| format!("run {id}: metric {key}"))?;
        let points: Vec<(i64, i64, f64)> = page
            .items
            .iter()
            .map(|p| (p.step, p.timestamp, p.value))
            .collect();
        read.push((key, Curve::from_points(&points)));
    }
    // The other keys are present (so the pair is found as `check_run` finds it) but empty.
    let curves = keys
        .iter()
        .map(|k| match read.iter().find(|(r, _)| r == k) {
            Some((_, c)) => (k.to_string(), c.clone()),
            None => (
                k.to_string(),
                Curve {
                    steps: Vec::new(),
                    values: Vec::new(),
                },
            ),
        })
        .collect();
    let inputs = Inputs {
        curves,
        val_rows: None,
        evaluations: Vec::new(),
        splits: Vec::new(),
    };
    judge(
        inputs,
        Some((run.info.run_id.clone(), run.info.run_name.clone())),
        None,
        spec,
    )
}

/// The checks on the inputs read.
fn judge(
    inputs: Inputs,
    run: Option<(String, String)>,
    source: Option<String>,
    spec: &RunCheckSpec,
) -> crate::Result<CheckReport> {
    let keys: Vec<&str> = inputs.curves.iter().map(|(k, _)| k.as_str()).collect();
    let curve_of = |k: &str| inputs.curves.iter().find(|(n, _)| n == k).map(|(_, c)| c);
    let pairs = curves::curve_pairs(&keys);
    let chosen: Option<(CurvePair, Direction)> = match &spec.val_metric {
        Some(v) => {
            if curve_of(v).is_none() {
                bail!(
                    "--val-metric {v}: no such metric{}; it has: {}",
                    run.as_ref()
                        .map_or(String::new(), |(id, _)| format!(" in run {id}")),
                    keys.join(", ")
                );
            }
            let found = pairs.iter().find(|p| p.val == *v).cloned();
            let base = found.as_ref().map_or(v.as_str(), |p| p.base.as_str());
            let Some(dir) = spec.mode.or_else(|| curves::direction_from_name(base)) else {
                bail!(
                    "--val-metric {v}: its direction is not clear from the name; give --mode min|max"
                );
            };
            Some((
                found.unwrap_or(CurvePair {
                    base: v.clone(),
                    val: v.clone(),
                    train: None,
                }),
                dir,
            ))
        }
        None => curves::primary_pair(&pairs).map(|(p, d)| (p.clone(), spec.mode.unwrap_or(d))),
    };
    let mut findings: Vec<(Option<String>, Finding)> = Vec::new();
    let mut judged = None;
    if let Some((mut pair, dir)) = chosen {
        if let Some(t) = &spec.train_metric {
            if curve_of(t).is_none() {
                bail!(
                    "--train-metric {t}: no such metric; it has: {}",
                    keys.join(", ")
                );
            }
            pair.train = Some(t.clone());
        }
        let val = curve_of(&pair.val).cloned().unwrap_or(Curve {
            steps: Vec::new(),
            values: Vec::new(),
        });
        let train = pair.train.as_deref().and_then(curve_of);
        let over = curves::overfitting(&val, train, dir, &spec.rules.overfit);
        if let Some(o) = &over {
            findings.push((
                None,
                diagnostics::overfitting(o, &pair.val, pair.train.as_deref(), &spec.rules.overfit),
            ));
        }
        let chance = chance_level(&pair.base, &inputs.evaluations);
        if let Some(fail) = curves::training_failed(&val, train, dir, chance, &spec.rules.failed) {
            // The loss rule judges the training curve when there is one.
            let judged = match (&fail, &pair.train) {
                (curves::TrainingFailure::LossNeverDecreased { .. }, Some(t))
                    if train.is_some() =>
                {
                    t
                }
                _ => &pair.val,
            };
            findings.push((
                None,
                diagnostics::training_failed(&fail, judged, &spec.rules.failed),
            ));
        }
        if let Some((at, v)) = curves::implausible_validation(&val, dir, &spec.rules.implausible) {
            findings.push((
                None,
                diagnostics::implausible_validation(
                    &pair.val,
                    at + 1,
                    v,
                    inputs.val_rows,
                    &spec.rules.implausible,
                ),
            ));
        }
        if let Some(o) = &over {
            for (val_key, test_metric, e) in
                gap_pairs(&pairs, &spec.pairs, &inputs.evaluations, &keys)
            {
                let Some(c) = curve_of(&val_key) else {
                    continue;
                };
                let Some(v) = c.at_or_before(o.best_step) else {
                    continue;
                };
                let Some([Some(test), Some(lo), Some(hi)]) = e.metrics.get(&test_metric) else {
                    continue;
                };
                findings.push((
                    Some(e.info.name.clone()),
                    diagnostics::val_test_gap(&ValTest {
                        val_metric: &val_key,
                        val: v,
                        test_metric: &test_metric,
                        eval: &e.info.name,
                        test: *test,
                        ci: (*lo, *hi),
                    }),
                ));
            }
        }
        judged = Some(JudgedCurve {
            val: pair.val.clone(),
            train: pair.train.clone(),
            direction: dir,
            overfitting: over,
        });
    } else if spec.mode.is_some() {
        bail!("--mode needs --val-metric");
    }
    for e in &inputs.evaluations {
        if let Some(r) = &e.result {
            findings.extend(
                r.warnings
                    .iter()
                    .map(|w| (Some(e.info.name.clone()), w.clone())),
            );
        }
    }
    findings.extend(
        inputs
            .splits
            .into_iter()
            .map(|f| (Some("splits".to_owned()), f)),
    );
    let subject = match (run, source) {
        (Some((id, name)), _) => CheckSubject::Run { id, name },
        (None, source) => CheckSubject::File(source.unwrap_or_default()),
    };
    Ok(CheckReport {
        subject,
        curve: judged,
        findings,
    })
}

/// The metric pairs of `val_test_gap`: given ones first, then those found by name, for every
/// stored test evaluation (names not starting with `val`).
fn gap_pairs<'a>(
    pairs: &[CurvePair],
    given: &[(String, String)],
    evaluations: &'a [Stored],
    keys: &[&str],
) -> Vec<(String, String, &'a Stored)> {
    let mut out = Vec::new();
    for e in evaluations
        .iter()
        .filter(|e| !e.info.name.starts_with("val"))
    {
        let binary = e.result.as_ref().is_some_and(|r| r.positive.is_some())
            || e.metrics.contains_key("specificity");
        let mut seen = std::collections::BTreeSet::new();
        for (v, t) in given {
            if keys.contains(&v.as_str()) && seen.insert(v.clone()) {
                out.push((v.clone(), t.clone(), e));
            }
        }
        for p in pairs {
            if seen.contains(&p.val) {
                continue;
            }
            if let Some(t) = test_metric_for(&p.base, binary) {
                seen.insert(p.val.clone());
                out.push((p.val.clone(), t.to_owned(), e));
            }
        }
    }
    out
}

/// The test metric of a validation curve's base name (module docs).
fn test_metric_for(base: &str, binary: bool) -> Option<&'static str> {
    let b = base.to_ascii_lowercase();
    Some(match b.as_str() {
        "acc" | "accuracy" => "accuracy",
        "balanced_accuracy" | "balanced_acc" => "balanced_accuracy",
        "f1" | "f1_score" => {
            if binary {
                "f1"
            } else {
                "f1_macro"
            }
        }
        "f1_macro" | "macro_f1" => "f1_macro",
        "precision" => {
            if binary {
                "precision"
            } else {
                "precision_macro"
            }
        }
        "recall" => {
            if binary {
                "recall"
            } else {
                "recall_macro"
            }
        }
        "auc" | "roc_auc" => "roc_auc",
        "loss" => "log_loss",
        _ => return None,
    })
}

/// The chance level of a validation score named `base` (module docs), from the first stored
/// evaluation that was re-evaluated; `None` for a loss or without one.
fn chance_level(base: &str, evaluations: &[Stored]) -> Option<f64> {
    if curves::direction_from_name(base) != Some(Direction::Higher) {
        return None;
    }
    let r = evaluations.iter().find_map(|e| e.result.as_ref())?;
    let support: Vec<u64> = r.per_class.iter().map(|c| c.support).collect();
    let n: u64 = support.iter().sum();
    let k = support.len().max(1);
    let b = base.to_ascii_lowercase();
    if matches!(b.as_str(), "acc" | "accuracy") {
        let majority = support.iter().copied().max().unwrap_or(0);
        Some(majority as f64 / n.max(1) as f64)
    } else {
        Some(1.0 / k as f64)
    }
}

/// The run's curves (every metric's full history), validation rows and stored evaluations.
fn run_inputs(store: &Store, run: &Run, artifacts: &Path) -> crate::Result<Inputs> {
    let id = &run.info.run_id;
    let mut out = Vec::new();
    for m in &run.metrics {
        // The stored evaluations' own metrics (`NAME/…`) are not curves.
        if ledger::eval_names(run)
            .iter()
            .any(|n| m.key.starts_with(&format!("{n}/")))
        {
            continue;
        }
        let page = store
            .get_metric_history(id, &m.key, None, None)
            .with_context(|| format!("run {id}: metric {}", m.key))?;
        let points: Vec<(i64, i64, f64)> = page
            .items
            .iter()
            .map(|p| (p.step, p.timestamp, p.value))
            .collect();
        out.push((m.key.clone(), Curve::from_points(&points)));
    }
    let val_rows = run.dataset_inputs.iter().find_map(|d| {
        let context = d
            .tags
            .iter()
            .find(|t| t.key == "mlflow.data.context")
            .map(|t| t.value.to_ascii_lowercase())?;
        if !matches!(context.as_str(), "validation" | "val" | "valid" | "eval") {
            return None;
        }
        let profile: serde_json::Value =
            serde_json::from_str(d.dataset.profile.as_deref()?).ok()?;
        profile["num_rows"].as_u64()
    });
    let mut evaluations = Vec::new();
    let mut names = ledger::eval_names(run);
    names.sort();
    for name in names {
        let Some(info) = ledger::eval_info(run, &name) else {
            continue;
        };
        let metrics = ledger::eval_metrics(run, &name);
        let result = match &info.predictions {
            Some(_) => Some(reevaluate(run, &info, artifacts)?),
            None => None,
        };
        evaluations.push(Stored {
            info,
            metrics,
            result,
        });
    }
    let splits = crate::splits::recorded_findings(run, artifacts, &Default::default())?
        .map_or_else(Vec::new, |r| r.findings);
    Ok(Inputs {
        curves: out,
        val_rows,
        evaluations,
        splits,
    })
}

/// The stored evaluation recomputed from its stored predictions, without a bootstrap, at the
/// threshold its document records.
fn reevaluate(run: &Run, info: &EvalInfo, artifacts: &Path) -> crate::Result<EvalResult> {
    let mut set = ledger::load_stored_predictions(run, info, artifacts)?;
    let threshold = info
        .artifact
        .as_deref()
        .and_then(|a| {
            let (repo, base) = ledger::run_artifacts(&run.info.artifact_uri, artifacts).ok()?;
            let doc = repo.get(&ledger::join(&base, a)).ok()?;
            let v: serde_json::Value = serde_json::from_slice(&doc).ok()?;
            v["threshold"].as_f64()
        })
        .unwrap_or(0.5);
    let data = input::to_eval_data(&mut set);
    let cfg = EvalConfig {
        threshold,
        ..crate::eval::point_config()
    };
    Ok(verdict_core::eval::evaluate(&data, &cfg, &|| {}))
}

/// Curves from a history file ([`history_table`]); an empty cell of a numeric column is NaN,
/// which the checks report as a non-finite value.
fn history_file(path: &Path) -> crate::Result<Inputs> {
    let (steps, columns) = history_table(path)?;
    let curves_out = columns
        .into_iter()
        .map(|(name, values)| {
            let points: Vec<(i64, i64, f64)> = steps
                .iter()
                .zip(&values)
                .enumerate()
                .map(|(i, (&s, v))| (s, i as i64, v.unwrap_or(f64::NAN)))
                .collect();
            (name, Curve::from_points(&points))
        })
        .collect();
    Ok(Inputs {
        curves: curves_out,
        val_rows: None,
        evaluations: Vec::new(),
        splits: Vec::new(),
    })
}

/// A history file (Keras' `history.csv`, Lightning's `metrics.csv`): the step of each row (an
/// `epoch` or `step` column, else the row number) and each numeric column's cells, `None` where
/// a cell is empty. Text columns (a timestamp, a note) are not metrics and are left out.
///
/// # Errors
/// The file cannot be read, or a step cell is not a number (named by file, line and column).
pub(crate) fn history_table(path: &Path) -> crate::Result<HistoryTable> {
    let table = verdict_io::read_table(path, &verdict_io::ReadOptions::default())?;
    let step_col = ["epoch", "step"]
        .into_iter()
        .find(|c| table.column(c).is_some());
    let steps: Vec<i64> = match step_col.and_then(|c| table.column(c)) {
        Some(col) => {
            // A text column: name the first cell that is not a number, not row 0.
            let not_a_number =
                |i: usize| col.text(i).is_none_or(|t| t.trim().parse::<f64>().is_err());
            (0..table.n_rows)
                .map(|i| {
                    col.number(i).map(|v| v as i64).ok_or_else(|| {
                        let bad = (i..table.n_rows).find(|&j| not_a_number(j)).unwrap_or(i);
                        let found = col
                            .text(bad)
                            .map_or_else(|| table.null_word().to_string(), |t| format!("\"{t}\""));
                        Error::Invalid(format!(
                            "{}: expected a number (the step of each row), found {found}",
                            table.locate(bad, &col.name)
                        ))
                    })
                })
                .collect::<crate::Result<_>>()?
        }
        None => (0..table.n_rows as i64).collect(),
    };
    let mut columns = Vec::new();
    for name in &table.all_columns {
        if Some(name.as_str()) == step_col {
            continue;
        }
        let Some(col) = table.column(name) else {
            continue;
        };
        if !col.is_numeric() {
            continue;
        }
        columns.push((
            name.clone(),
            (0..table.n_rows).map(|i| col.number(i)).collect(),
        ));
    }
    Ok((steps, columns))
}

/// The steps of a history file's rows, and each metric column's cells.
pub(crate) type HistoryTable = (Vec<i64>, Vec<(String, Vec<Option<f64>>)>);

/// `verdict check --experiment`.
#[derive(Debug, Clone)]
pub struct ExperimentCheckSpec {
    /// The experiment's id or name.
    pub experiment: String,
    /// The evaluation name the leaderboards rank (`verdict eval --run … --eval-name`).
    pub eval_name: String,
    /// The artifact root of `mlflow-artifacts:/` runs.
    pub artifacts: PathBuf,
    /// What each run is checked with (its `curves` is ignored: every run of the experiment is).
    pub run: RunCheckSpec,
    /// How runs are compared against their leaderboard's best (metric, bootstrap, α).
    pub compare: crate::compare::CompareOptions,
}

/// The experiment's checks: every active run checked as `check_run` checks it (a run without the
/// named validation curve is "not judged", not an error), the overfitting table, and one
/// leaderboard per eval-set fingerprint of the runs' `eval_name` evaluations, newest first, each
/// run tested against its leaderboard's best with `verdict compare`'s paired tests (Holm over the
/// leaderboard) when both kept their predictions.
///
/// # Errors
/// An unknown experiment or metric; a store or artifact failure.
pub fn check_experiment(
    store: &Store,
    spec: &ExperimentCheckSpec,
    progress: &dyn crate::Progress,
) -> crate::Result<verdict_report::check::ExperimentReport> {
    use verdict_report::check::{ExperimentReport, RunRow};
    let exp = ledger::experiment(store, &spec.experiment)?;
    let runs = ledger::experiment_runs(store, &exp.experiment_id)?;
    progress.start(runs.len() as u64, "runs");
    let mut rows = Vec::with_capacity(runs.len());
    let mut findings: Vec<(Option<String>, Option<String>, Finding)> = Vec::new();
    for run in &runs {
        let id = run.info.run_id.clone();
        let one = RunCheckSpec {
            curves: Curves::Run {
                run_id: id.clone(),
                artifacts: spec.artifacts.clone(),
            },
            ..spec.run.clone()
        };
        match check_run(Some(store), &one) {
            Ok(rep) => {
                findings.extend(
                    rep.findings
                        .into_iter()
                        .map(|(e, f)| (Some(id.clone()), e, f)),
                );
                rows.push(RunRow {
                    run_id: id,
                    run_name: run.info.run_name.clone(),
                    not_judged: rep
                        .curve
                        .is_none()
                        .then(|| "no validation curve".to_owned()),
                    curve: rep.curve,
                });
            }
            // A run without the named curve (or whose curve has no direction) is not judged.
            Err(e) if e.is_invalid() => rows.push(RunRow {
                run_id: id,
                run_name: run.info.run_name.clone(),
                curve: None,
                not_judged: Some(e.to_string()),
            }),
            Err(e) => return Err(e),
        }
        progress.inc(1);
    }
    progress.finish();
    let mut leaderboards = leaderboards(&runs, spec)?;
    for e in leaderboards.iter_mut().flat_map(|b| b.entries.iter_mut()) {
        e.failing = findings
            .iter()
            .filter(|(run, _, f)| {
                run.as_deref() == Some(e.run_id.as_str()) && f.status == Status::Fail
            })
            .map(|(_, _, f)| f.check)
            .collect();
        e.failing.dedup();
    }
    if leaderboards.len() > 1 {
        let sets: Vec<(String, usize)> = leaderboards
            .iter()
            .map(|b| (b.fingerprint.clone(), b.entries.len()))
            .collect();
        let current: Vec<&str> = leaderboards[0]
            .entries
            .iter()
            .map(|e| e.run_id.as_str())
            .collect();
        let older_best: Vec<String> = leaderboards[1..]
            .iter()
            .filter_map(|b| b.entries.first())
            .filter(|e| !current.contains(&e.run_id.as_str()))
            .map(|e| e.run_name.clone())
            .collect();
        findings.insert(
            0,
            (
                None,
                None,
                diagnostics::split_changed(&spec.eval_name, &sets, &older_best),
            ),
        );
    }
    // Runs trained or tested on different recorded splits of one context (`verdict splits check
    // --run`): which runs share which split.
    let mut contexts: std::collections::BTreeMap<String, Vec<(String, Vec<String>)>> =
        Default::default();
    for run in &runs {
        for t in &run.tags {
            let Some(context) = t
                .key
                .strip_prefix("verdict.split.")
                .and_then(|r| r.strip_suffix(".fingerprint"))
            else {
                continue;
            };
            let sets = contexts.entry(context.to_owned()).or_default();
            match sets.iter_mut().find(|(f, _)| *f == t.value) {
                Some((_, names)) => names.push(run.info.run_name.clone()),
                None => sets.push((t.value.clone(), vec![run.info.run_name.clone()])),
            }
        }
    }
    for (context, sets) in contexts.into_iter().filter(|(_, s)| s.len() > 1) {
        let counts: Vec<(String, usize)> = sets.iter().map(|(f, n)| (f.clone(), n.len())).collect();
        let who: Vec<String> = sets
            .iter()
            .map(|(f, names)| {
                format!(
                    "{}…: {}",
                    f.trim_start_matches("sha256:")
                        .chars()
                        .take(12)
                        .collect::<String>(),
                    names.join(" ")
                )
            })
            .collect();
        findings.insert(
            0,
            (
                None,
                None,
                diagnostics::recorded_split_changed(&context, &counts, &[who.join("; ")]),
            ),
        );
    }
    Ok(ExperimentReport {
        experiment_id: exp.experiment_id,
        experiment_name: exp.name,
        eval_name: spec.eval_name.clone(),
        runs: rows,
        leaderboards,
        findings,
    })
}

/// One leaderboard per fingerprint (module docs of [`check_experiment`]).
fn leaderboards(
    runs: &[Run],
    spec: &ExperimentCheckSpec,
) -> crate::Result<Vec<verdict_report::check::Leaderboard>> {
    use verdict_report::check::{Entry, Leaderboard, PairedTest};
    let name = &spec.eval_name;
    // fingerprint → runs with their stored evaluation
    let mut groups: Vec<(String, Vec<(&Run, EvalInfo)>)> = Vec::new();
    for run in runs {
        let Some(info) = ledger::eval_info(run, name) else {
            continue;
        };
        match groups.iter_mut().find(|(f, _)| *f == info.fingerprint) {
            Some((_, g)) => g.push((run, info)),
            None => groups.push((info.fingerprint.clone(), vec![(run, info)])),
        }
    }
    let mut out = Vec::new();
    for (fingerprint, members) in groups {
        let stored_at = |r: &Run| {
            r.metrics
                .iter()
                .filter(|m| m.key.starts_with(&format!("{name}/")))
                .map(|m| m.timestamp)
                .max()
                .unwrap_or(0)
        };
        let newest = members.iter().map(|(r, _)| stored_at(r)).max().unwrap_or(0);
        let metrics: Vec<_> = members
            .iter()
            .map(|(r, _)| ledger::eval_metrics(r, name))
            .collect();
        let metric = match &spec.compare.metric {
            Some(m) => m.clone(),
            None if metrics.iter().all(|m| m.contains_key("roc_auc")) => "roc_auc".into(),
            None => "accuracy".into(),
        };
        let Some(info) = verdict_core::metrics::lookup(&metric) else {
            bail!("--metric {metric}: not a metric of verdict eval");
        };
        let higher = info.direction == Direction::Higher;
        let (rows, classes) = eval_set_shape(members[0].0, &members[0].1, &spec.artifacts);
        let mut order: Vec<usize> = (0..members.len()).collect();
        let value = |i: usize| {
            metrics[i]
                .get(&metric)
                .and_then(|v| v[0])
                .unwrap_or(f64::NAN)
        };
        // Best first by the metric's direction; a missing value last; ties keep start-time order.
        order.sort_by(|&a, &b| {
            let (x, y) = (value(a), value(b));
            match (x.is_nan(), y.is_nan()) {
                (true, true) => std::cmp::Ordering::Equal,
                (true, false) => std::cmp::Ordering::Greater,
                (false, true) => std::cmp::Ordering::Less,
                _ if higher => y.total_cmp(&x),
                _ => x.total_cmp(&y),
            }
        });
        let best = order[0];
        // Paired tests: the best and every other run that kept its predictions.
        let mut tests: std::collections::BTreeMap<usize, PairedTest> = Default::default();
        let mut why: std::collections::BTreeMap<usize, String> = Default::default();
        let with_predictions: Vec<usize> = order
            .iter()
            .copied()
            .filter(|&i| members[i].1.predictions.is_some())
            .collect();
        if members[best].1.predictions.is_none() {
            for &i in &order[1..] {
                why.insert(i, "the best run has no stored predictions".into());
            }
        } else if with_predictions.len() > 1 {
            let sides: Vec<ledger::StoredSide> = with_predictions
                .iter()
                .map(|&i| ledger::StoredSide {
                    run: members[i].0.clone(),
                    eval: members[i].1.clone(),
                    metrics: metrics[i].clone(),
                })
                .collect();
            let options = crate::compare::CompareOptions {
                metric: Some(metric.clone()),
                baseline: None,
                ..spec.compare.clone()
            };
            let rep = ledger::compare_runs(&sides, &spec.artifacts, &options, &crate::NoProgress)?;
            for c in &rep.result.comparisons {
                // Comparisons are baseline (the best, position 0) against each other model.
                let other = if c.a == 0 { c.b } else { c.a };
                if let Some(&i) = with_predictions.get(other) {
                    tests.insert(
                        i,
                        PairedTest {
                            test: c.headline_test,
                            p_value: c.p_value,
                            p_holm: c.p_holm,
                            significant: c.significant,
                        },
                    );
                }
            }
        }
        for &i in &order[1..] {
            if !tests.contains_key(&i) && !why.contains_key(&i) {
                why.insert(i, "no stored predictions".into());
            }
        }
        let entries = order
            .iter()
            .enumerate()
            .map(|(rank, &i)| {
                let v = metrics[i].get(&metric);
                Entry {
                    rank: rank + 1,
                    run_id: members[i].0.info.run_id.clone(),
                    run_name: members[i].0.info.run_name.clone(),
                    value: value(i),
                    ci: v.and_then(|v| v[1].zip(v[2])),
                    test: tests.remove(&i),
                    not_tested_because: why.remove(&i),
                    failing: Vec::new(),
                }
            })
            .collect();
        out.push(Leaderboard {
            fingerprint,
            rows,
            classes,
            metric,
            newest,
            entries,
        });
    }
    out.sort_by(|a, b| {
        b.newest
            .cmp(&a.newest)
            .then(a.fingerprint.cmp(&b.fingerprint))
    });
    Ok(out)
}

/// Rows and class counts of an eval set, from its stored JSON document (`n`, `per_class`); the
/// row count of the tag when the document cannot be read.
fn eval_set_shape(run: &Run, info: &EvalInfo, artifacts: &Path) -> (u64, Vec<(String, u64)>) {
    let rows_tag = info
        .rows
        .as_deref()
        .and_then(|r| r.parse().ok())
        .unwrap_or(0);
    let doc = info.artifact.as_deref().and_then(|a| {
        let (repo, base) = ledger::run_artifacts(&run.info.artifact_uri, artifacts).ok()?;
        let bytes = repo.get(&ledger::join(&base, a)).ok()?;
        serde_json::from_slice::<serde_json::Value>(&bytes).ok()
    });
    let Some(doc) = doc else {
        return (rows_tag, Vec::new());
    };
    let classes = doc["per_class"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| Some((c["class"].as_str()?.to_owned(), c["support"].as_u64()?)))
        .collect();
    (doc["n"].as_u64().unwrap_or(rows_tag), classes)
}
