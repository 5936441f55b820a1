//! `verdict ensemble`: several models' predictions of one eval set combined into one, weighed
//! honestly and taken apart.
//!
//! Reads one predictions file per member (aligned by id, refused when the eval sets differ, as
//! `compare`), and optionally one validation file per member to learn the weights on; combines
//! the members by soft, hard or rank voting; learns weights (Caruana's selection or the log-loss
//! optimum) on the validation files only, unless `allow_test_fit`; and answers, with the paired
//! tests of `verdict compare`:
//! - whether the ensemble beats each member and its best one;
//! - whether the ensemble's weights beat the other weightings given;
//! - what each member contributes (the ensemble without it, weights renormalised);
//! - how diverse the members are, and which labels look wrong (confident learning).
//!
//! One bootstrap serves every comparison: the ensemble, the members, the other weightings and the
//! leave-one-out ensembles are compared in one `verdict_core::compare` call (every replicate's
//! draw applied to all of them), then split into families ([`CompareResult::subset`]) so Holm's
//! correction runs within each question, not across them.

use crate::input::Source;

use verdict_core::compare::{CompareConfig, CompareResult, compare as compare_models};
use verdict_core::diagnostics::{self, Contribution, Finding};
use verdict_core::ensemble::{
    self as core, Members, SelectionMetric, WeightMethod, normalise_weights,
};
use verdict_core::eval::{EvalConfig, EvalData, ScoreData};
use verdict_core::{Weights, label_review};
use verdict_io::{PredictionOptions, PredictionSet, ReadOptions};
use verdict_report::compare::CompareReport;
use verdict_report::ensemble::{
    EnsembleReport, LabelReviewReport, Learned, LeaveOneOut, Voting, Weighting,
};

use crate::compare::{default_metric, model_names};
use crate::{Progress, bail, input};

/// How weights are learned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Optimize {
    /// Caruana et al.'s ensemble selection with replacement.
    Caruana,
    /// The log-loss optimum over the weight simplex.
    LogLoss,
}

impl Optimize {
    /// `caruana` or `logloss`.
    pub fn as_str(self) -> &'static str {
        match self {
            Optimize::Caruana => "caruana",
            Optimize::LogLoss => "logloss",
        }
    }
}

/// Whose probabilities the label review reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReviewSource {
    /// The ensemble's (soft voting).
    Ensemble,
    /// One member's, by name.
    Member(String),
}

/// How to combine and what to ask.
#[derive(Debug, Clone)]
pub struct EnsembleOptions {
    /// Threshold, bootstrap, seed and interval level, as for one evaluation.
    pub eval: EvalConfig,
    /// The headline metric; by default `roc_auc` when the ensemble and every member give binary
    /// scores, else `accuracy` (as `verdict compare`).
    pub metric: Option<String>,
    /// Significance level.
    pub alpha: f64,
    /// Combination rule.
    pub voting: Voting,
    /// Given weightings (one weight per member each, normalised here). Without `optimize` the
    /// first is the ensemble's; the others are compared with it.
    pub weights: Vec<Vec<f64>>,
    /// Learn the ensemble's weights (soft voting only); every given weighting is then compared
    /// with the learned one.
    pub optimize: Option<Optimize>,
    /// Rounds of Caruana's selection.
    pub rounds: usize,
    /// The metric Caruana's selection optimises.
    pub select_metric: SelectionMetric,
    /// Allow learning the weights on the test files when there are no validation files (the
    /// report then says the ensemble's metrics are optimistic).
    pub allow_test_fit: bool,
    /// Bootstrap resamples of the learning rows for the weights' stability (0: off).
    pub stability: usize,
    /// The interval level of the weights' stability (default 0.90).
    pub stability_level: f64,
    /// Run the label review on these probabilities.
    pub label_review: Option<ReviewSource>,
    /// The members were trained on the reviewed rows (the review then warns).
    pub in_sample: bool,
}

/// What to combine: prediction files.
#[derive(Debug, Clone)]
pub struct EnsembleSpec {
    /// One predictions file per member (the eval set the report is about).
    pub files: Vec<Source>,
    /// One validation predictions file per member, in the same order (to learn weights on).
    pub val: Vec<Source>,
    /// How to read the files.
    pub read: ReadOptions,
    /// Which columns mean what.
    pub predictions: PredictionOptions,
    /// What to do.
    pub options: EnsembleOptions,
}

/// The members of one eval set, read and aligned.
struct Set {
    data: Vec<EvalData>,
    /// Each member's probability rows (row-major `n × k`; hard-label members as one-hot rows),
    /// or its raw binary scores for rank voting.
    rows: Vec<Vec<f64>>,
    labels: Vec<u32>,
    k: usize,
    ids: Vec<String>,
    fingerprint: String,
    by_position: bool,
    normalized: Vec<(usize, verdict_report::Normalization)>,
}

fn read_set(spec: &EnsembleSpec, files: &[Source], what: &str) -> crate::Result<Set> {
    let mut sets: Vec<PredictionSet> = Vec::with_capacity(files.len());
    for f in files {
        sets.push(f.load(&spec.read, &spec.predictions, "combine")?);
    }
    let pairing = verdict_io::align(&mut sets)?;
    if sets.iter().any(|s| s.task != sets[0].task) {
        bail!("the {what} files describe different tasks (binary and multi-class)");
    }
    if let Some(i) = sets.iter().position(|s| s.classes != sets[0].classes) {
        bail!(
            "{} has other classes than {}: {:?} vs {:?}",
            files[i].shown(),
            files[0].shown(),
            sets[i].classes,
            sets[0].classes
        );
    }
    let fingerprint = verdict_io::fingerprint(&sets[0]);
    let ids = sets[0]
        .ids
        .clone()
        .unwrap_or_else(|| (0..sets[0].len()).map(|i| i.to_string()).collect());
    let normalized = sets
        .iter()
        .enumerate()
        .filter_map(|(i, s)| input::normalization(s).map(|rows| (i, rows)))
        .collect();
    let data: Vec<EvalData> = sets.iter_mut().map(input::to_eval_data).collect();
    let k = data[0].k();
    let labels = data[0].labels.clone();
    let rows = data
        .iter()
        .zip(files)
        .map(|(d, f)| member_rows(d, spec.options.voting, &f.shown()))
        .collect::<crate::Result<Vec<_>>>()?;
    Ok(Set {
        data,
        rows,
        labels,
        k,
        ids,
        fingerprint,
        by_position: pairing == verdict_io::Pairing::ByPosition,
        normalized,
    })
}

/// A member's outputs as the combination needs them: probability rows in class order (a binary
/// probability `s` of the positive class as `s` there and `1 − s` in the other class), one-hot
/// rows for a file of hard labels (hard voting only), or the raw binary score (rank voting).
fn member_rows(d: &EvalData, voting: Voting, file: &str) -> crate::Result<Vec<f64>> {
    let k = d.k();
    match (&d.scores, voting) {
        (ScoreData::Binary(s), Voting::Rank) => Ok(s.clone()),
        (_, Voting::Rank) => {
            bail!("{file}: rank voting needs binary scores (a score column)")
        }
        (ScoreData::Binary(s), _) if d.probabilistic => {
            let pos = d.positive.unwrap_or(1);
            let mut rows = vec![0.0; s.len() * k];
            for (i, &p) in s.iter().enumerate() {
                rows[i * k + pos] = p;
                rows[i * k + (1 - pos)] = 1.0 - p;
            }
            Ok(rows)
        }
        (ScoreData::Binary(_), _) => bail!(
            "{file}: the scores are not probabilities (outside [0, 1]); soft and hard voting \
             need probabilities, rank voting (--voting rank) takes any score"
        ),
        (ScoreData::Probabilities(p), _) => Ok(p.clone()),
        (ScoreData::Predictions(pred), Voting::Hard) => {
            let mut rows = vec![0.0; pred.len() * k];
            for (i, &c) in pred.iter().enumerate() {
                rows[i * k + c as usize] = 1.0;
            }
            Ok(rows)
        }
        (ScoreData::Predictions(_), _) => bail!(
            "{file}: gives predicted labels only; soft voting needs probabilities (use --voting \
             hard)"
        ),
    }
}

fn members_of(set: &Set) -> crate::Result<Members<'_>> {
    Ok(Members::new(
        set.rows.iter().map(Vec::as_slice).collect(),
        set.k,
    )?)
}

/// The combined output of `weights` over `set`'s members, as an evaluation input with the
/// members' labels, classes and groups.
fn combine(set: &Set, weights: &[f64], voting: Voting) -> crate::Result<EvalData> {
    let template = &set.data[0];
    let scores = match voting {
        Voting::Rank => {
            let scores: Vec<&[f64]> = set.rows.iter().map(Vec::as_slice).collect();
            ScoreData::Binary(core::rank_average(&scores, weights)?)
        }
        Voting::Soft => {
            let p = core::soft_vote(&members_of(set)?, weights)?;
            match template.positive {
                Some(pos) => {
                    ScoreData::Binary((0..set.labels.len()).map(|i| p[i * 2 + pos]).collect())
                }
                None => ScoreData::Probabilities(p),
            }
        }
        Voting::Hard => ScoreData::Predictions(core::hard_vote(&members_of(set)?, weights)?),
    };
    Ok(EvalData {
        classes: template.classes.clone(),
        positive: template.positive,
        labels: template.labels.clone(),
        probabilistic: voting == Voting::Soft,
        groups: template.groups.clone(),
        scores,
    })
}

fn check_options(o: &EnsembleOptions, members: usize) -> crate::Result<()> {
    if members < 2 {
        bail!("an ensemble needs at least two members, got {members} file(s)");
    }
    if !(o.alpha > 0.0 && o.alpha < 1.0) {
        bail!(
            "--alpha must be between 0 and 1 (exclusive), got {}",
            o.alpha
        );
    }
    if !(o.stability_level > 0.0 && o.stability_level < 1.0) {
        bail!(
            "the weights' interval level must be between 0 and 1 (exclusive), got {}",
            o.stability_level
        );
    }
    if o.optimize.is_some() && o.voting != Voting::Soft {
        bail!(
            "--optimize learns soft-voting weights; it cannot be used with --voting {}",
            o.voting.as_str()
        );
    }
    if o.optimize == Some(Optimize::Caruana) && o.rounds == 0 {
        bail!("--rounds must be at least 1");
    }
    for (i, w) in o.weights.iter().enumerate() {
        if w.len() != members {
            bail!(
                "--weights #{}: {} weights for {members} members (one per file, in file order)",
                i + 1,
                w.len()
            );
        }
    }
    Ok(())
}

/// Combines the members of `spec`'s files and reports on them.
pub fn ensemble(spec: &EnsembleSpec, progress: &dyn Progress) -> crate::Result<EnsembleReport> {
    let o = &spec.options;
    check_options(o, spec.files.len())?;
    if !spec.val.is_empty() && spec.val.len() != spec.files.len() {
        bail!(
            "--val needs one validation file per member, in the same order: {} members, {} --val \
             files",
            spec.files.len(),
            spec.val.len()
        );
    }
    let names = model_names(&spec.files);
    let test = read_set(spec, &spec.files, "test")?;
    let val = if spec.val.is_empty() {
        None
    } else {
        let v = read_set(spec, &spec.val, "validation")?;
        if v.data[0].classes != test.data[0].classes {
            bail!(
                "the validation files have other classes than the test files: {:?} vs {:?}",
                v.data[0].classes,
                test.data[0].classes
            );
        }
        Some(v)
    };

    // The weightings: learned first (it is the ensemble's), then the given ones, else equal.
    let mut weightings = Vec::new();
    let mut findings = Vec::new();
    if let Some(method) = o.optimize {
        let (fit, on) = match &val {
            Some(v) => (v, "validation"),
            None if o.allow_test_fit => (&test, "test"),
            None => bail!(
                "--optimize learns the weights on validation predictions: pass --val with one \
                 file per member (or --allow-test-fit to learn them on the test files, flagged \
                 as optimistic)"
            ),
        };
        if on == "test" {
            findings.push(diagnostics::weights_fit_on_test(method.as_str()));
        }
        weightings.push(learn(fit, method, on, o, progress)?);
    }
    let several = o.weights.len() > 1;
    for (i, w) in o.weights.iter().enumerate() {
        let weights = normalise_weights(w)
            .map_err(|e| crate::Error::Invalid(format!("--weights #{}: {e}", i + 1)))?;
        weightings.push(Weighting {
            label: if several && i > 0 {
                format!("given#{}", i + 1)
            } else {
                "given".into()
            },
            weights,
            learned: None,
        });
    }
    if weightings.is_empty() {
        let m = spec.files.len();
        weightings.push(Weighting {
            label: "equal".into(),
            weights: vec![1.0 / m as f64; m],
            learned: None,
        });
    }

    // Every model of every question, compared in one bootstrap: the ensemble, the members, the
    // other weightings, and the ensemble without each member.
    let m = spec.files.len();
    let mut data = vec![combine(&test, &weightings[0].weights, o.voting)?];
    data.extend(test.data.iter().cloned());
    for w in &weightings[1..] {
        data.push(combine(&test, &w.weights, o.voting)?);
    }
    let loo_start = data.len();
    // (member, its leave-one-out model in `data`). A member of weight 0 is left out of nothing:
    // the ensemble without it is the ensemble itself (model 0), so its change is exactly 0 and is
    // not computed a second time.
    let mut loo_members = Vec::new();
    for j in 0..m {
        if weightings[0].weights[j] == 0.0 {
            loo_members.push((j, 0));
            continue;
        }
        let rest: Vec<f64> = (0..m)
            .filter(|&i| i != j)
            .map(|i| weightings[0].weights[i])
            .collect();
        if rest.iter().sum::<f64>() > 0.0 {
            let set = Set {
                data: vec![test.data[0].clone()],
                rows: (0..m)
                    .filter(|&i| i != j)
                    .map(|i| test.rows[i].clone())
                    .collect(),
                labels: test.labels.clone(),
                k: test.k,
                ids: Vec::new(),
                fingerprint: String::new(),
                by_position: false,
                normalized: Vec::new(),
            };
            loo_members.push((j, data.len()));
            data.push(combine(&set, &rest, o.voting)?);
        }
    }
    let metric = o
        .metric
        .clone()
        .unwrap_or_else(|| default_metric(&data).to_string());
    let cfg = CompareConfig {
        eval: o.eval.clone(),
        metric: metric.clone(),
        alpha: o.alpha,
        power: 0.8,
        permutations: 0,
    };
    progress.start(cfg.eval.bootstrap as u64, "resamples");
    let all = compare_models(&data, 0, &cfg, &|| progress.inc(1))?;
    progress.finish();

    let value = |i: usize| all.models[i].metric(&metric).map_or(f64::NAN, |x| x.value);
    let family = |keep: Vec<usize>,
                  names: Vec<String>,
                  sources: Vec<String>|
     -> crate::Result<CompareReport> {
        let result = all.subset(&keep).ok_or_else(|| {
            crate::Error::Invalid("internal: a comparison family without the ensemble".into())
        })?;
        Ok(CompareReport {
            sources,
            names,
            fingerprint: test.fingerprint.clone(),
            groups: test.data[0]
                .groups
                .as_ref()
                .map(|(_, g)| (spec.predictions.columns.group.clone(), *g)),
            thresholds: None,
            warnings: Vec::new(),
            result,
        })
    };
    let members_family = {
        let mut r = family(
            (0..=m).collect(),
            std::iter::once("ensemble".to_string())
                .chain(names.iter().cloned())
                .collect(),
            std::iter::once(format!("{} voting", o.voting.as_str()))
                .chain(spec.files.iter().map(Source::shown))
                .collect(),
        )?;
        r.warnings = comparison_warnings(&all, &test, m);
        r
    };
    let reweighting = (weightings.len() > 1)
        .then(|| {
            family(
                std::iter::once(0).chain(m + 1..loo_start).collect(),
                std::iter::once("ensemble".to_string())
                    .chain(weightings[1..].iter().map(|w| w.label.clone()))
                    .collect(),
                weightings.iter().map(|w| w.label.clone()).collect(),
            )
        })
        .transpose()?;
    let best_member = (1..=m)
        .min_by(|&x, &y| {
            let (vx, vy) = (value(x), value(y));
            let ord = if all.higher_is_better {
                vy.total_cmp(&vx)
            } else {
                vx.total_cmp(&vy)
            };
            ord.then(x.cmp(&y))
        })
        .map_or(0, |i| i - 1);

    // Is the ensemble better than its best member? (Within the members family: Holm over the m
    // ensemble-vs-member comparisons.)
    if let Some(c) = members_family
        .result
        .comparisons
        .iter()
        .find(|c| c.b == best_member + 1)
    {
        // The comparison is member − ensemble: the ensemble is better when that is negative
        // (higher is better) or positive (lower is better), and significantly so.
        let ensemble_better = if all.higher_is_better {
            c.headline_delta < 0.0
        } else {
            c.headline_delta > 0.0
        };
        if !(ensemble_better && c.significant) {
            findings.push(diagnostics::ensemble_not_better(
                &names[best_member],
                &metric,
                value(0),
                value(best_member + 1),
                c.headline_test,
                c.p_holm.or(c.p_value).unwrap_or(f64::NAN),
            ));
        }
    }

    // Leave one member out: the full ensemble is the baseline of every such comparison.
    let mut leave_one_out = Vec::new();
    for &(j, model) in &loo_members {
        let d = value(model) - value(0);
        let (ci, p_value) = if model == 0 {
            // Weight 0: the same model, so every replicate's difference is 0.
            (Some((0.0, 0.0)), Some(1.0))
        } else {
            let c = all.comparisons.iter().find(|c| c.b == model);
            let delta = c.and_then(|c| c.deltas.iter().find(|d| d.name == metric));
            (
                delta.and_then(|d| d.ci),
                delta.and_then(|d| d.p_value).filter(|p| !p.is_nan()),
            )
        };
        leave_one_out.push(LeaveOneOut {
            member: j,
            value: value(model),
            delta: d,
            // `0.0 - d`, not `-d`: no change is +0, not -0.
            contribution: if all.higher_is_better { 0.0 - d } else { d },
            ci,
            p_value,
        });
    }
    let contributions: Vec<Contribution<'_>> = leave_one_out
        .iter()
        .map(|l| Contribution {
            index: l.member,
            member: &names[l.member],
            weight: weightings[0].weights[l.member],
            delta: l.delta,
            contribution: l.contribution,
            ci: l.ci,
            p_value: l.p_value,
        })
        .collect();
    findings.extend(diagnostics::member_findings(
        &contributions,
        &metric,
        o.alpha,
        o.eval.level,
    ));

    let test_members = members_of(&test)?;
    let (diversity, most_redundant) = if o.voting == Voting::Rank {
        (Vec::new(), None)
    } else {
        let correct = core::oracle(&test_members, &test.labels)?;
        let pairs = core::diversity(&correct)?;
        let redundant = core::most_redundant(&pairs);
        (pairs, redundant)
    };

    let label_review = match &o.label_review {
        None => None,
        Some(source) => {
            let (name, probs) = match source {
                ReviewSource::Ensemble => {
                    if o.voting != Voting::Soft {
                        bail!(
                            "--label-review of the ensemble needs soft voting (probabilities); name a member with --label-review-source"
                        );
                    }
                    (
                        "ensemble".to_string(),
                        core::soft_vote(&test_members, &weightings[0].weights)?,
                    )
                }
                ReviewSource::Member(n) => match names.iter().position(|x| x == n) {
                    Some(i) if o.voting != Voting::Rank => (n.clone(), test.rows[i].clone()),
                    Some(_) => {
                        bail!("--label-review needs probabilities; rank voting reads raw scores")
                    }
                    None => bail!(
                        "--label-review-source {n}: no such member; members: {}",
                        names.join(", ")
                    ),
                },
            };
            let review = label_review::find_label_issues(&test.labels, &probs, test.k)?;
            let fit_on_reviewed = weightings[0]
                .learned
                .as_ref()
                .is_some_and(|l| l.on == "test")
                && *source == ReviewSource::Ensemble;
            if fit_on_reviewed {
                findings.push(diagnostics::label_review_in_sample(
                    "weights_fit_on_reviewed_rows",
                ));
            } else if o.in_sample {
                findings.push(diagnostics::label_review_in_sample("declared"));
            }
            Some(LabelReviewReport {
                source: name,
                ids: test.ids.clone(),
                classes: test.data[0].classes.clone(),
                labels: test.labels.clone(),
                review,
            })
        }
    };
    findings.extend(members_family.warnings.iter().cloned());

    Ok(EnsembleReport {
        names,
        sources: spec.files.iter().map(Source::shown).collect(),
        val_sources: spec.val.iter().map(Source::shown).collect(),
        fingerprint: test.fingerprint.clone(),
        voting: o.voting,
        weightings,
        members: members_family,
        best_member,
        reweighting,
        leave_one_out,
        diversity,
        most_redundant,
        label_review,
        findings,
    })
}

/// The comparison's own findings, for the members family: pairing by position, the shared eval
/// set's (said once), rows the reader normalised, and each model's own.
fn comparison_warnings(all: &CompareResult, test: &Set, members: usize) -> Vec<Finding> {
    let mut out = Vec::new();
    if test.by_position {
        out.push(diagnostics::paired_by_position());
    }
    out.extend(all.eval_set_warnings.iter().cloned());
    for (model, nz) in &test.normalized {
        out.push(
            diagnostics::normalized_rows(nz.rows, nz.max_deviation, all.models[model + 1].n)
                .for_model(model + 1),
        );
    }
    for (model, r) in all.models.iter().enumerate().take(members + 1) {
        for w in r.warnings.iter().filter(|w| !w.is_eval_set()) {
            out.push(w.clone().for_model(model));
        }
    }
    out
}

/// Learns the ensemble's weights on `fit` with `method`, with their stability under a bootstrap of
/// the same rows when asked.
fn learn(
    fit: &Set,
    method: Optimize,
    on: &'static str,
    o: &EnsembleOptions,
    progress: &dyn Progress,
) -> crate::Result<Weighting> {
    let members = members_of(fit)?;
    let (weights, selection, optimum, how) = match method {
        Optimize::Caruana => {
            let s = core::caruana(
                &members,
                &fit.labels,
                o.rounds,
                o.select_metric,
                Weights::Unit,
            )?;
            (
                s.weights.clone(),
                Some(s),
                None,
                WeightMethod::Caruana {
                    rounds: o.rounds,
                    metric: o.select_metric,
                },
            )
        }
        Optimize::LogLoss => {
            let opt = core::optimize_log_loss(&members, &fit.labels, Weights::Unit)?;
            (opt.weights.clone(), None, Some(opt), WeightMethod::LogLoss)
        }
    };
    let stability = if o.stability > 0 {
        let resampler = verdict_core::eval::resampler_for(&fit.data[0]);
        progress.start(o.stability as u64, "weight resamples");
        let s = core::weight_stability(
            &members,
            &fit.labels,
            how,
            &resampler,
            o.stability,
            o.eval.seed,
            o.stability_level,
        )?;
        progress.finish();
        Some(s)
    } else {
        None
    };
    Ok(Weighting {
        label: method.as_str().into(),
        weights,
        learned: Some(Learned {
            method: method.as_str(),
            on,
            rows: fit.labels.len(),
            select_metric: (method == Optimize::Caruana).then_some(match o.select_metric {
                SelectionMetric::LogLoss => "log_loss",
                SelectionMetric::Accuracy => "accuracy",
            }),
            selection,
            optimum,
            stability,
        }),
    })
}

/// A member's name as a param-key part: MLflow keys allow letters, digits, `_`, `-`, `.`, ` `
/// and `/`; anything else becomes `_`.
fn key_part(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_alphanumeric() || "_-. /".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The params `--run` logs: `<name>.voting`, `<name>.weights` (the weighting's label) and
/// `<name>.weight.<member>` for each member, the weight written in shortest round-trip form.
pub fn weight_params(name: &str, rep: &EnsembleReport) -> Vec<verdict_store::Param> {
    let w = &rep.weightings[0];
    let mut out = vec![
        verdict_store::Param::new(format!("{name}.voting"), rep.voting.as_str()),
        verdict_store::Param::new(format!("{name}.weights"), w.label.as_str()),
    ];
    for (member, weight) in rep.names.iter().zip(&w.weights) {
        out.push(verdict_store::Param::new(
            format!("{name}.weight.{}", key_part(member)),
            format!("{weight}"),
        ));
    }
    out
}

/// Stores the ensemble in a run as one unit ([`crate::ledger::store_evaluation_with`]): the
/// ensemble's own evaluation under `target.name` (its metrics with intervals, the evaluation
/// document and tags, as `verdict eval --run` stores one, so `verdict check --run` and
/// `verdict runs compare` read it like any evaluation), the ensemble report `document` as the
/// artifact `verdict/<name>.ensemble.json`, and its weights as params ([`weight_params`]).
/// Params are write-once: storing other weights under the same name fails, and then nothing of
/// it is stored.
///
/// # Errors
/// As [`crate::ledger::store_evaluation_with`].
pub fn store(
    store: &verdict_store::Store,
    target: &crate::ledger::EvalTarget<'_>,
    rep: &EnsembleReport,
    document: &str,
) -> crate::Result<crate::ledger::Stored> {
    let result = rep.members.result.models[0].clone();
    let evaluation = crate::eval::Evaluation {
        report: verdict_report::EvalReport {
            source: target.source.to_owned(),
            inputs: match rep.voting {
                Voting::Soft => "probabilities",
                Voting::Rank => "scores",
                Voting::Hard => "predictions",
            },
            fingerprint: rep.fingerprint.clone(),
            group_column: rep.members.groups.as_ref().map(|(c, _)| c.clone()),
            group_count: rep.members.groups.as_ref().map(|(_, n)| *n),
            result,
            grouped: Vec::new(),
            slices: None,
            normalized: None,
        },
        predictions: None,
    };
    let extras = crate::ledger::Extras {
        files: vec![(
            format!("verdict/{}.ensemble.json", target.name),
            document.as_bytes().to_vec(),
        )],
        params: weight_params(target.name, rep),
    };
    crate::ledger::store_evaluation_with(store, target, &evaluation, &extras)
}
