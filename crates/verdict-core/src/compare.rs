//! Comparing models on the same eval set with paired statistics.
//!
//! [`compare`] takes several models' aligned [`EvalData`] (same samples, labels and groups, in the
//! same order; `verdict-io` aligns and refuses otherwise) and returns, for every model against the
//! baseline:
//!
//! * **paired bootstrap** deltas B − A for every metric both models have: one resample (whole groups
//!   when grouped) is applied to both models, so their correlation is kept; percentile interval and
//!   the two-sided p-value `min(1, 2·min(P(Δ* ≤ 0), P(Δ* ≥ 0)))` (docs/design/metrics.md §3.4);
//! * **McNemar** on correctness at the shared threshold (or top-1);
//! * **DeLong** for two correlated AUCs (binary with scores), in Obuchowski's clustered form when
//!   grouped;
//! * an optional **paired permutation test** of the headline metric (swap A/B per sample or group
//!   with probability ½; p with the +1 correction, as scipy);
//! * **power**: the smallest difference detectable at this n, and the n the observed difference
//!   would need;
//! * the **headline** p-value (DeLong for `roc_auc`, McNemar's exact test for `accuracy`, the paired
//!   bootstrap otherwise), Holm-corrected over all comparisons, and whether it is significant.
//!
//! The same bootstrap replicates also give every model's own percentile intervals.

use crate::Weights;
use crate::eval::{
    BootstrapInfo, EvalConfig, EvalData, EvalResult, Scalars, ScoreData, evaluate, resampler_for,
};
use crate::metrics::MetricId;
use crate::paired::{self, DiffTest, McNemar, Power};
use crate::rng::Xoshiro256pp;
use crate::stats;
use rayon::prelude::*;

/// How to compare.
#[derive(Debug, Clone)]
pub struct CompareConfig {
    /// Threshold, bootstrap, calibration: as for one evaluation.
    pub eval: EvalConfig,
    /// The headline metric (a name from the metric list).
    pub metric: String,
    /// Significance level.
    pub alpha: f64,
    /// Target power for the power analysis.
    pub power: f64,
    /// Permutations of the paired permutation test (0 = off).
    pub permutations: usize,
}

/// Why a comparison cannot run.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum CompareError {
    /// Fewer than two models.
    #[error("a comparison needs at least two models, got {0}")]
    TooFewModels(usize),
    /// Models disagree on the samples (the caller must align them first).
    #[error(
        "model {model} has {n} samples or different labels than model 0; align the eval sets first"
    )]
    NotAligned {
        /// The model index.
        model: usize,
        /// Its sample count.
        n: usize,
    },
    /// The headline metric does not exist for these models.
    #[error("metric `{metric}` is not available for every model; available: {}", available.join(", "))]
    UnknownMetric {
        /// The requested metric.
        metric: String,
        /// Metrics every model has.
        available: Vec<String>,
    },
}

/// A difference B − A of one metric.
#[derive(Debug, Clone, PartialEq)]
pub struct Delta {
    /// Metric name.
    pub name: String,
    /// B − A on the full data.
    pub value: f64,
    /// Percentile interval of the paired bootstrap.
    pub ci: Option<(f64, f64)>,
    /// Paired-bootstrap p-value.
    pub p_value: Option<f64>,
    /// Replicates where the difference was undefined.
    pub undefined: usize,
}

/// DeLong's test with the AUCs it compared.
#[derive(Debug, Clone, PartialEq)]
pub struct DeLongTest {
    /// AUC of A.
    pub auc_a: f64,
    /// AUC of B.
    pub auc_b: f64,
    /// The test of B − A.
    pub test: DiffTest,
    /// Obuchowski's clustered variance was used.
    pub clustered: bool,
}

/// The permutation test of the headline metric.
#[derive(Debug, Clone, PartialEq)]
pub struct Permutation {
    /// Metric.
    pub metric: String,
    /// Permutations drawn.
    pub permutations: usize,
    /// Two-sided p-value with the +1 correction.
    pub p_value: f64,
}

/// Power analysis of one comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct PowerReport {
    /// Accuracy through McNemar.
    pub accuracy: Power,
    /// ROC AUC through the DeLong variance (binary with scores).
    pub roc_auc: Option<Power>,
}

/// One model against the baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// Baseline model index.
    pub a: usize,
    /// Other model index.
    pub b: usize,
    /// B − A for every metric both have.
    pub deltas: Vec<Delta>,
    /// McNemar on correctness.
    pub mcnemar: McNemar,
    /// DeLong (binary with scores).
    pub delong: Option<DeLongTest>,
    /// Permutation test (when asked for).
    pub permutation: Option<Permutation>,
    /// Which test gives the headline p-value: `DeLong`, `McNemar` or `paired bootstrap`.
    pub headline_test: &'static str,
    /// B − A of the headline metric.
    pub headline_delta: f64,
    /// Its interval (DeLong's for `roc_auc`, else the bootstrap's).
    pub headline_ci: Option<(f64, f64)>,
    /// The headline p-value (None when no test applies, e.g. bootstrap off for a metric without a
    /// closed-form test).
    pub p_value: Option<f64>,
    /// Holm-adjusted over all comparisons.
    pub p_holm: Option<f64>,
    /// `p_holm < alpha`.
    pub significant: bool,
    /// Power analysis.
    pub power: PowerReport,
}

/// The result of [`compare`].
#[derive(Debug, Clone)]
pub struct CompareResult {
    /// Each model's evaluation; metric intervals come from the shared paired replicates. Its
    /// warnings include the eval set's, which are also in [`Self::eval_set_warnings`].
    pub models: Vec<EvalResult>,
    /// The warnings about the shared eval set ([`crate::eval::eval_set_warnings`]): the same for
    /// every model, to be said once for the set, not per model.
    pub eval_set_warnings: Vec<crate::diagnostics::Finding>,
    /// The baseline.
    pub baseline: usize,
    /// The headline metric.
    pub metric: String,
    /// Whether larger is better for the headline metric.
    pub higher_is_better: bool,
    /// Model indices, best first by the headline metric.
    pub leaderboard: Vec<usize>,
    /// One per non-baseline model.
    pub comparisons: Vec<Comparison>,
    /// The paired bootstrap, when it ran.
    pub bootstrap: Option<BootstrapInfo>,
    /// Significance level.
    pub alpha: f64,
    /// Target power.
    pub power: f64,
}

/// Whether larger is better for `metric`, as the registry ([`crate::metrics`]) says: false for the
/// losses and calibration errors. A name the registry does not know counts as a score (true).
pub fn higher_is_better(metric: &str) -> bool {
    crate::metrics::lookup(metric).is_none_or(|m| m.higher_is_better())
}

/// Compares `models` against `models[baseline]`. `on_replicate` ticks once per bootstrap replicate
/// and permutation.
///
/// # Errors
/// See [`CompareError`].
pub fn compare(
    models: &[EvalData],
    baseline: usize,
    cfg: &CompareConfig,
    on_replicate: &(dyn Fn() + Sync),
) -> Result<CompareResult, CompareError> {
    if models.len() < 2 {
        return Err(CompareError::TooFewModels(models.len()));
    }
    let base = &models[baseline];
    for (i, m) in models.iter().enumerate() {
        if m.labels != base.labels || m.groups != base.groups {
            return Err(CompareError::NotAligned {
                model: i,
                n: m.len(),
            });
        }
    }
    let scalars: Vec<Scalars<'_>> = models
        .iter()
        .map(|m| Scalars::new(m, &cfg.eval, cfg.eval.bootstrap > 0))
        .collect();
    let common: Vec<String> = scalars[0]
        .names()
        .iter()
        .filter(|n| scalars.iter().all(|s| s.names().contains(n)))
        .cloned()
        .collect();
    if !common.contains(&cfg.metric) {
        return Err(CompareError::UnknownMetric {
            metric: cfg.metric.clone(),
            available: common,
        });
    }
    let index_of = |s: &Scalars<'_>, name: &str| s.names().iter().position(|n| n == name);

    // Each model on its own (curves, thresholds, calibration, warnings), without its own bootstrap.
    let point_cfg = EvalConfig {
        bootstrap: 0,
        ..cfg.eval.clone()
    };
    let mut results: Vec<EvalResult> = models
        .iter()
        .map(|m| evaluate(m, &point_cfg, &|| {}))
        .collect();

    // Paired bootstrap: one count vector per replicate, applied to every model. The same stream
    // as `evaluate` draws from, so each model's own interval equals its `verdict eval` interval.
    let resampler = resampler_for(base);
    let widths: Vec<usize> = scalars.iter().map(|s| s.names().len()).collect();
    let replicates: Vec<Vec<f64>> = if cfg.eval.bootstrap > 0 {
        resampler.run(
            cfg.eval.bootstrap,
            cfg.eval.seed,
            |c| {
                scalars
                    .iter()
                    .flat_map(|s| s.values(Weights::Counts(c)))
                    .collect()
            },
            on_replicate,
        )
    } else {
        Vec::new()
    };
    let offsets: Vec<usize> = widths
        .iter()
        .scan(0, |acc, w| {
            let o = *acc;
            *acc += w;
            Some(o)
        })
        .collect();
    let column = |model: usize, j: usize| -> Vec<f64> {
        replicates.iter().map(|r| r[offsets[model] + j]).collect()
    };
    let bootstrap = (cfg.eval.bootstrap > 0).then(|| BootstrapInfo {
        replicates: cfg.eval.bootstrap,
        seed: cfg.eval.seed,
        level: cfg.eval.level,
        clustered: base.groups.is_some(),
        units: resampler.units(),
    });
    // Every model's own intervals from the same replicates.
    for (i, r) in results.iter_mut().enumerate() {
        r.bootstrap = bootstrap.clone();
        for m in &mut r.metrics {
            if let Some(j) = index_of(&scalars[i], &m.name)
                && !replicates.is_empty()
            {
                let (lo, hi, undefined) = stats::percentile_interval(&column(i, j), cfg.eval.level);
                m.ci = Some((lo, hi));
                m.undefined = undefined;
            }
        }
    }

    let positive: Option<Vec<bool>> = base
        .positive
        .map(|p| base.labels.iter().map(|&l| l as usize == p).collect());
    let correct: Vec<Vec<bool>> = scalars.iter().map(Scalars::correct).collect();
    let n = base.len() as u64;
    let mut comparisons = Vec::new();
    for b in (0..models.len()).filter(|&b| b != baseline) {
        let a = baseline;
        let value_of = |model: usize, name: &str| {
            index_of(&scalars[model], name)
                .and_then(|j| results[model].metrics.get(j))
                .map_or(f64::NAN, |m| m.value)
        };
        let deltas: Vec<Delta> = common
            .iter()
            .map(|name| {
                let value = value_of(b, name) - value_of(a, name);
                let (ci, p_value, undefined) =
                    match (index_of(&scalars[a], name), index_of(&scalars[b], name)) {
                        (Some(ja), Some(jb)) if !replicates.is_empty() => {
                            let d: Vec<f64> = column(b, jb)
                                .iter()
                                .zip(column(a, ja))
                                .map(|(x, y)| x - y)
                                .collect();
                            let (lo, hi, undefined) =
                                stats::percentile_interval(&d, cfg.eval.level);
                            (Some((lo, hi)), Some(bootstrap_p(&d)), undefined)
                        }
                        _ => (None, None, 0),
                    };
                Delta {
                    name: name.clone(),
                    value,
                    ci,
                    p_value,
                    undefined,
                }
            })
            .collect();
        let mcnemar = paired::mcnemar(&correct[a], &correct[b]);
        let delong = match (&positive, &models[a].scores, &models[b].scores) {
            (Some(y), ScoreData::Binary(sa), ScoreData::Binary(sb)) => {
                let scores = [sa.as_slice(), sb.as_slice()];
                let d = match &base.groups {
                    Some((g, k)) => paired::delong_clustered(y, &scores, g, *k),
                    None => paired::delong(y, &scores),
                };
                d.map(|d| DeLongTest {
                    auc_a: d.aucs[0],
                    auc_b: d.aucs[1],
                    test: d.test(0, 1, cfg.eval.level),
                    clustered: d.clustered,
                })
            }
            _ => None,
        };
        let permutation = (cfg.permutations > 0).then(|| Permutation {
            metric: cfg.metric.clone(),
            permutations: cfg.permutations,
            p_value: permutation_p(&models[a], &models[b], cfg, on_replicate),
        });
        let headline = deltas.iter().find(|d| d.name == cfg.metric);
        let headline_delta = headline.map_or(f64::NAN, |d| d.value);
        let headline_id = crate::metrics::lookup(&cfg.metric).map(|m| m.id);
        let (headline_test, headline_ci, p_value) = match (headline_id, &delong) {
            (Some(MetricId::RocAuc), Some(d)) => (
                "DeLong",
                Some((d.test.ci_low, d.test.ci_high)),
                Some(d.test.p_value),
            ),
            (Some(MetricId::Accuracy), _) => (
                "McNemar",
                headline.and_then(|d| d.ci),
                Some(mcnemar.exact_p),
            ),
            _ => (
                "paired bootstrap",
                headline.and_then(|d| d.ci),
                headline.and_then(|d| d.p_value),
            ),
        };
        let power = PowerReport {
            accuracy: paired::mcnemar_power(mcnemar.b, mcnemar.c, n, cfg.alpha, cfg.power),
            roc_auc: delong
                .as_ref()
                .map(|d| paired::z_test_power(d.test.diff, d.test.se, n, cfg.alpha, cfg.power)),
        };
        comparisons.push(Comparison {
            a,
            b,
            deltas,
            mcnemar,
            delong,
            permutation,
            headline_test,
            headline_delta,
            headline_ci,
            p_value,
            p_holm: None,
            significant: false,
            power,
        });
    }
    holm_correct(&mut comparisons, cfg.alpha);
    let higher = higher_is_better(&cfg.metric);
    let leaderboard = leaderboard(&results, &cfg.metric, higher);
    Ok(CompareResult {
        eval_set_warnings: crate::eval::eval_set_warnings(base),
        models: results,
        baseline,
        metric: cfg.metric.clone(),
        higher_is_better: higher,
        leaderboard,
        comparisons,
        bootstrap,
        alpha: cfg.alpha,
        power: cfg.power,
    })
}

/// Holm over the comparisons that have a headline p-value; `significant` at `alpha`.
fn holm_correct(comparisons: &mut [Comparison], alpha: f64) {
    let ps: Vec<f64> = comparisons.iter().filter_map(|c| c.p_value).collect();
    let adjusted = paired::holm(&ps);
    let mut it = adjusted.into_iter();
    for c in comparisons {
        if c.p_value.is_some() {
            c.p_holm = it.next();
            c.significant = c.p_holm.is_some_and(|p| p < alpha);
        }
    }
}

/// Model indices best first by `metric` (NaN last; ties in model order).
fn leaderboard(results: &[EvalResult], metric: &str, higher: bool) -> Vec<usize> {
    let mut order: Vec<usize> = (0..results.len()).collect();
    let value = |i: usize| {
        results[i]
            .metrics
            .iter()
            .find(|m| m.name == metric)
            .map_or(f64::NAN, |m| m.value)
    };
    order.sort_by(|&x, &y| {
        let (vx, vy) = (value(x), value(y));
        let ord = if higher {
            vy.total_cmp(&vx)
        } else {
            vx.total_cmp(&vy)
        };
        ord.then(x.cmp(&y))
    });
    order
}

impl CompareResult {
    /// The comparison of only the models `keep` (indices into [`Self::models`], in the order
    /// wanted; the baseline must be one of them): the same per-model results and paired tests
    /// (one bootstrap served every model, so nothing is recomputed), with the models renumbered
    /// in `keep`'s order, the leaderboard re-ranked, and Holm's correction applied anew within
    /// the kept comparisons — a family of its own. `None` if the baseline is not kept or an index
    /// is out of range.
    pub fn subset(&self, keep: &[usize]) -> Option<CompareResult> {
        let position = |i: usize| keep.iter().position(|&k| k == i);
        let baseline = position(self.baseline)?;
        if keep.iter().any(|&k| k >= self.models.len()) {
            return None;
        }
        let models: Vec<EvalResult> = keep.iter().map(|&k| self.models[k].clone()).collect();
        let mut comparisons: Vec<Comparison> = keep
            .iter()
            .filter_map(|&k| self.comparisons.iter().find(|c| c.b == k))
            .map(|c| Comparison {
                a: baseline,
                b: position(c.b).unwrap_or(c.b),
                p_holm: None,
                significant: false,
                ..c.clone()
            })
            .collect();
        holm_correct(&mut comparisons, self.alpha);
        Some(CompareResult {
            leaderboard: leaderboard(&models, &self.metric, self.higher_is_better),
            models,
            eval_set_warnings: self.eval_set_warnings.clone(),
            baseline,
            metric: self.metric.clone(),
            higher_is_better: self.higher_is_better,
            comparisons,
            bootstrap: self.bootstrap.clone(),
            alpha: self.alpha,
            power: self.power,
        })
    }
}

/// Two-sided paired-bootstrap p-value `min(1, 2·min(P(Δ* ≤ 0), P(Δ* ≥ 0)))` over the defined
/// replicates (NaN when none is defined).
fn bootstrap_p(deltas: &[f64]) -> f64 {
    let defined: Vec<f64> = deltas.iter().copied().filter(|d| !d.is_nan()).collect();
    if defined.is_empty() {
        return f64::NAN;
    }
    let b = defined.len() as f64;
    let le = defined.iter().filter(|&&d| d <= 0.0).count() as f64 / b;
    let ge = defined.iter().filter(|&&d| d >= 0.0).count() as f64 / b;
    (2.0 * le.min(ge)).min(1.0)
}

/// The headline metric of `data` with the model outputs of the rows where `swap` is true taken from
/// `other`.
fn swapped(data: &EvalData, other: &EvalData, swap: &[bool]) -> EvalData {
    let k = data.k();
    let scores = match (&data.scores, &other.scores) {
        (ScoreData::Binary(a), ScoreData::Binary(b)) => ScoreData::Binary(
            swap.iter()
                .enumerate()
                .map(|(i, &s)| if s { b[i] } else { a[i] })
                .collect(),
        ),
        (ScoreData::Predictions(a), ScoreData::Predictions(b)) => ScoreData::Predictions(
            swap.iter()
                .enumerate()
                .map(|(i, &s)| if s { b[i] } else { a[i] })
                .collect(),
        ),
        (ScoreData::Probabilities(a), ScoreData::Probabilities(b)) => ScoreData::Probabilities(
            swap.iter()
                .enumerate()
                .flat_map(|(i, &s)| {
                    if s {
                        &b[i * k..(i + 1) * k]
                    } else {
                        &a[i * k..(i + 1) * k]
                    }
                })
                .copied()
                .collect(),
        ),
        // Different kinds of output cannot be exchanged; keep A's.
        _ => data.scores.clone(),
    };
    EvalData {
        scores,
        probabilistic: data.probabilistic && other.probabilistic,
        ..data.clone()
    }
}

/// Paired permutation test of the headline metric: per sample (or per group), A's and B's outputs
/// are swapped with probability ½; `p = min(1, 2·min(p_less, p_greater))` with
/// `p_greater = (#(Δ* ≥ Δ − γ) + 1)/(R + 1)`, `γ = 100·ε·|Δ|` (scipy.stats.permutation_test).
fn permutation_p(
    a: &EvalData,
    b: &EvalData,
    cfg: &CompareConfig,
    on_replicate: &(dyn Fn() + Sync),
) -> f64 {
    let point_cfg = EvalConfig {
        bootstrap: 0,
        ..cfg.eval.clone()
    };
    let headline = |d: &EvalData| -> f64 {
        let s = Scalars::new(d, &point_cfg, false);
        s.names()
            .iter()
            .position(|n| *n == cfg.metric)
            .map_or(f64::NAN, |j| s.values(Weights::Unit)[j])
    };
    let observed = headline(b) - headline(a);
    let n = a.len();
    let deltas: Vec<f64> = (0..cfg.permutations as u64)
        .into_par_iter()
        .map(|r| {
            let mut rng = Xoshiro256pp::for_stream(cfg.eval.seed ^ 0x7065_726d_7574_6521, r);
            let swap: Vec<bool> = match &a.groups {
                Some((g, k)) => {
                    let flips: Vec<bool> = (0..*k).map(|_| rng.next_u64() & 1 == 1).collect();
                    g.iter().map(|&gi| flips[gi as usize]).collect()
                }
                None => (0..n).map(|_| rng.next_u64() & 1 == 1).collect(),
            };
            let d = headline(&swapped(b, a, &swap)) - headline(&swapped(a, b, &swap));
            on_replicate();
            d
        })
        .collect();
    let gamma = 100.0 * f64::EPSILON * observed.abs();
    let r = deltas.len() as f64;
    let greater =
        (deltas.iter().filter(|&&d| d >= observed - gamma).count() as f64 + 1.0) / (r + 1.0);
    let less = (deltas.iter().filter(|&&d| d <= observed + gamma).count() as f64 + 1.0) / (r + 1.0);
    (2.0 * greater.min(less)).min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calibration::{Binning, CalibrationConfig};
    use crate::diagnostics::{Finding, small_eval_set};
    use crate::rng::Xoshiro256pp;

    fn cfg(bootstrap: usize, metric: &str) -> CompareConfig {
        CompareConfig {
            eval: EvalConfig {
                threshold: 0.5,
                bootstrap,
                seed: 1,
                level: 0.95,
                calibration: CalibrationConfig {
                    n_bins: 10,
                    binning: Binning::Uniform,
                    high_confidence: 0.9,
                },
                target_recall: None,
                target_precision: None,
                curve_points: 0,
            },
            metric: metric.into(),
            alpha: 0.05,
            power: 0.8,
            permutations: 0,
        }
    }

    fn model(labels: &[u32], scores: Vec<f64>) -> EvalData {
        EvalData {
            classes: vec!["0".into(), "1".into()],
            positive: Some(1),
            labels: labels.to_vec(),
            scores: ScoreData::Binary(scores),
            probabilistic: true,
            groups: None,
        }
    }

    /// docs/design/metrics.md §3.2 golden DeLong: AUC_a = 0.96, AUC_b = 0.88, z = 0.8081220356417671 (A − B),
    /// p = 0.4190203335343168.
    #[test]
    fn golden_delong_through_compare() {
        let y = [0, 0, 0, 0, 1, 1, 1, 1, 1, 0];
        let a = model(&y, vec![0.1, 0.3, 0.35, 0.6, 0.4, 0.7, 0.8, 0.8, 0.9, 0.2]);
        let b = model(&y, vec![0.2, 0.1, 0.5, 0.5, 0.5, 0.6, 0.4, 0.9, 0.7, 0.3]);
        let r = compare(&[a, b], 0, &cfg(200, "roc_auc"), &|| {}).expect("compare");
        let c = &r.comparisons[0];
        let d = c.delong.as_ref().expect("delong");
        assert!((d.auc_a - 0.96).abs() < 1e-12 && (d.auc_b - 0.88).abs() < 1e-12);
        assert!(
            (d.test.z + 0.8081220356417671).abs() < 1e-12,
            "{}",
            d.test.z
        );
        assert!((c.p_value.unwrap_or(f64::NAN) - 0.4190203335343168).abs() < 1e-12);
        assert_eq!(c.headline_test, "DeLong");
        assert!(!c.significant);
        assert_eq!(r.leaderboard, vec![0, 1]);
        // The shared replicates give every model its own interval too.
        assert!(
            r.models
                .iter()
                .all(|m| m.metrics.iter().all(|x| x.ci.is_some()))
        );
    }

    /// One resampling stream: every model's own intervals in a comparison are exactly those of
    /// its own evaluation with the same seed and replicate count (binary scores, which `evaluate`
    /// resamples in sorted order; hard predictions; multi-class; and clustered).
    #[test]
    fn own_intervals_equal_the_single_model_evaluation() {
        let n = 90;
        let mut rng = Xoshiro256pp::for_stream(17, 0);
        let y: Vec<u32> = (0..n).map(|_| rng.below(2) as u32).collect();
        let score = |rng: &mut Xoshiro256pp, y: u32| 0.35 * f64::from(y) + 0.65 * rng.next_f64();
        let sa: Vec<f64> = y.iter().map(|&l| score(&mut rng, l)).collect();
        let sb: Vec<f64> = y.iter().map(|&l| score(&mut rng, l)).collect();
        let groups: Vec<u32> = (0..n as u32).map(|i| i / 6).collect();
        let k3: Vec<u32> = (0..n).map(|_| rng.below(3) as u32).collect();
        let probs = |rng: &mut Xoshiro256pp| -> Vec<f64> {
            k3.iter()
                .flat_map(|&l| {
                    let mut row: Vec<f64> = (0..3)
                        .map(|c| rng.next_f64() + if c == l { 0.4 } else { 0.0 })
                        .collect();
                    let s: f64 = row.iter().sum();
                    row.iter_mut().for_each(|v| *v /= s);
                    row
                })
                .collect()
        };
        let multi = |p: Vec<f64>| EvalData {
            classes: vec!["a".into(), "b".into(), "c".into()],
            positive: None,
            labels: k3.clone(),
            scores: ScoreData::Probabilities(p),
            probabilistic: true,
            groups: None,
        };
        let hard = |s: &[f64]| EvalData {
            scores: ScoreData::Predictions(s.iter().map(|&v| u32::from(v >= 0.5)).collect()),
            ..model(&y, s.to_vec())
        };
        let clustered = |s: &[f64]| EvalData {
            groups: Some((groups.clone(), 15)),
            ..model(&y, s.to_vec())
        };
        let cases: Vec<(&str, [EvalData; 2])> = vec![
            ("binary", [model(&y, sa.clone()), model(&y, sb.clone())]),
            ("predictions", [hard(&sa), hard(&sb)]),
            ("clustered", [clustered(&sa), clustered(&sb)]),
            (
                "multiclass",
                [multi(probs(&mut rng)), multi(probs(&mut rng))],
            ),
        ];
        for (what, pair) in cases {
            let metric = if what == "binary" || what == "clustered" {
                "roc_auc"
            } else {
                "accuracy"
            };
            let c = cfg(150, metric);
            let r = compare(&pair, 0, &c, &|| {}).expect("compare");
            for (i, data) in pair.iter().enumerate() {
                let own = evaluate(data, &c.eval, &|| {});
                assert_eq!(own.bootstrap, r.models[i].bootstrap, "{what}");
                assert_eq!(own.metrics.len(), r.models[i].metrics.len(), "{what}");
                for (m, x) in own.metrics.iter().zip(&r.models[i].metrics) {
                    assert_eq!(m.name, x.name, "{what}");
                    assert!(m.ci.is_some(), "{what} {}", m.name);
                    assert_eq!(m.ci, x.ci, "{what} model {i}: {}", m.name);
                    assert_eq!(m.undefined, x.undefined, "{what} model {i}: {}", m.name);
                }
            }
        }
    }

    /// Seed 000's A/B test has 80 rows: the small-eval-set warning belongs to the set, so both
    /// models carry it and the comparison lists it once, whatever the models' scores.
    #[test]
    fn eval_set_warnings_are_the_same_for_every_model() {
        let y: Vec<u32> = (0..80).map(|i| u32::from(i >= 40)).collect();
        let good: Vec<f64> = (0..80).map(|i| if i >= 40 { 0.9 } else { 0.1 }).collect();
        let poor: Vec<f64> = (0..80).map(|i| ((i * 37) % 80) as f64 / 80.0).collect();
        let r = compare(
            &[model(&y, good), model(&y, poor)],
            0,
            &cfg(0, "roc_auc"),
            &|| {},
        )
        .expect("compare");
        assert_eq!(r.eval_set_warnings, vec![small_eval_set(80)]);
        for m in &r.models {
            let set: Vec<&Finding> = m.warnings.iter().filter(|w| w.is_eval_set()).collect();
            assert_eq!(set, vec![&small_eval_set(80)]);
        }
    }

    #[test]
    fn identical_models_differ_by_nothing() {
        let y: Vec<u32> = (0..60).map(|i| (i % 2) as u32).collect();
        let s: Vec<f64> = (0..60).map(|i| ((i * 37) % 60) as f64 / 60.0).collect();
        let r = compare(
            &[model(&y, s.clone()), model(&y, s)],
            0,
            &cfg(100, "f1"),
            &|| {},
        )
        .expect("compare");
        let c = &r.comparisons[0];
        for d in &c.deltas {
            assert_eq!(d.value, 0.0, "{}", d.name);
            assert_eq!(d.ci, Some((0.0, 0.0)), "{}", d.name);
            assert_eq!(d.p_value, Some(1.0), "{}", d.name);
        }
        assert_eq!((c.mcnemar.b, c.mcnemar.c), (0, 0));
        assert!(!c.significant);
    }

    #[test]
    fn unknown_metric_and_misaligned_models_are_refused() {
        let y = [0, 1, 0, 1];
        let a = model(&y, vec![0.1, 0.9, 0.2, 0.8]);
        let err =
            compare(&[a.clone(), a.clone()], 0, &cfg(0, "nope"), &|| {}).expect_err("unknown");
        assert!(matches!(err, CompareError::UnknownMetric { .. }));
        let b = model(&[1, 1, 0, 1], vec![0.1, 0.9, 0.2, 0.8]);
        assert!(matches!(
            compare(&[a, b], 0, &cfg(0, "f1"), &|| {}),
            Err(CompareError::NotAligned { model: 1, .. })
        ));
    }

    /// Under the null (two exchangeable models) the paired tests reject at about α.
    #[test]
    fn null_rejection_rate_is_near_alpha() {
        let sims = 300;
        let mut rng = Xoshiro256pp::for_stream(99, 0);
        let (mut rej_boot, mut rej_mc, mut rej_delong) = (0, 0, 0);
        for s in 0..sims {
            let n = 150;
            let y: Vec<u32> = (0..n).map(|_| rng.below(2) as u32).collect();
            // Both models: signal + shared noise + own noise, same distribution.
            let (mut sa, mut sb) = (Vec::new(), Vec::new());
            for &yi in &y {
                let shared = rng.next_f64();
                let base = 0.3 * f64::from(yi) + 0.5 * shared;
                sa.push((base + 0.4 * rng.next_f64()) / 1.2);
                sb.push((base + 0.4 * rng.next_f64()) / 1.2);
            }
            let mut c = cfg(200, "f1");
            c.eval.seed = s;
            let r = compare(&[model(&y, sa), model(&y, sb)], 0, &c, &|| {}).expect("compare");
            let cmp = &r.comparisons[0];
            rej_boot += usize::from(cmp.p_value.is_some_and(|p| p < 0.05));
            rej_mc += usize::from(cmp.mcnemar.exact_p < 0.05);
            rej_delong += usize::from(cmp.delong.as_ref().is_some_and(|d| d.test.p_value < 0.05));
        }
        let rate = |k: usize| k as f64 / sims as f64;
        eprintln!(
            "null rejection: bootstrap {}, mcnemar {}, delong {}",
            rate(rej_boot),
            rate(rej_mc),
            rate(rej_delong)
        );
        // Exact McNemar is conservative; the percentile bootstrap runs slightly liberal at n = 150.
        assert!(rate(rej_mc) <= 0.07, "mcnemar {}", rate(rej_mc));
        assert!(
            (0.02..=0.09).contains(&rate(rej_delong)),
            "delong {}",
            rate(rej_delong)
        );
        assert!(
            (0.02..=0.10).contains(&rate(rej_boot)),
            "bootstrap {}",
            rate(rej_boot)
        );
    }

    /// With clustered data (each model has its own per-cluster effect, so the errors of one
    /// cluster move together), a paired bootstrap that resamples rows over-rejects a true null,
    /// while the cluster bootstrap (and Obuchowski's DeLong) stay near α.
    #[test]
    fn grouped_tests_hold_alpha_where_naive_ones_over_reject() {
        let (sims, clusters, per) = (200usize, 30usize, 20usize);
        let mut rng = Xoshiro256pp::for_stream(4242, 0);
        let normal = |rng: &mut Xoshiro256pp| {
            // Box-Muller.
            let (u, v) = (rng.next_f64().max(1e-300), rng.next_f64());
            (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
        };
        let (mut naive_boot, mut clus_boot, mut naive_delong, mut clus_delong) = (0, 0, 0, 0);
        for s in 0..sims {
            let (mut y, mut sa, mut sb, mut g) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
            for c in 0..clusters {
                let (ea, eb) = (normal(&mut rng), normal(&mut rng));
                for _ in 0..per {
                    let yi = rng.below(2) as u32;
                    let signal = f64::from(yi);
                    y.push(yi);
                    sa.push(signal + ea + 0.5 * normal(&mut rng));
                    sb.push(signal + eb + 0.5 * normal(&mut rng));
                    g.push(c as u32);
                }
            }
            let mut c = cfg(200, "roc_auc");
            c.eval.seed = s as u64;
            let mk = |scores: Vec<f64>, grouped: bool| EvalData {
                probabilistic: false,
                groups: grouped.then(|| (g.clone(), clusters)),
                ..model(&y, scores)
            };
            let naive = compare(
                &[mk(sa.clone(), false), mk(sb.clone(), false)],
                0,
                &c,
                &|| {},
            )
            .expect("naive");
            let clus = compare(&[mk(sa, true), mk(sb, true)], 0, &c, &|| {}).expect("clustered");
            let boot_p = |r: &CompareResult| {
                r.comparisons[0]
                    .deltas
                    .iter()
                    .find(|d| d.name == "roc_auc")
                    .and_then(|d| d.p_value)
            };
            naive_boot += usize::from(boot_p(&naive).is_some_and(|p| p < 0.05));
            clus_boot += usize::from(boot_p(&clus).is_some_and(|p| p < 0.05));
            naive_delong += usize::from(naive.comparisons[0].p_value.is_some_and(|p| p < 0.05));
            clus_delong += usize::from(clus.comparisons[0].p_value.is_some_and(|p| p < 0.05));
            assert!(
                clus.comparisons[0]
                    .delong
                    .as_ref()
                    .is_some_and(|d| d.clustered)
            );
        }
        let rate = |k: usize| k as f64 / sims as f64;
        eprintln!(
            "clustered null: bootstrap naive {} / clustered {}; DeLong naive {} / clustered {}",
            rate(naive_boot),
            rate(clus_boot),
            rate(naive_delong),
            rate(clus_delong)
        );
        assert!(
            rate(naive_boot) > 0.15 && rate(naive_delong) > 0.15,
            "naive tests should over-reject"
        );
        assert!(
            rate(clus_boot) < 0.11 && rate(clus_delong) < 0.11,
            "grouped tests should stay near alpha"
        );
    }
}
