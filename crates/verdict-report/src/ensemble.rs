//! Rendering an ensemble (`verdict ensemble`): the verdict lines, the JSON document
//! (`docs/ensemble-json.md`), the sections of the terminal and Markdown reports, and the plots.
//!
//! The report is about four questions, in this order: is the ensemble better than its best
//! member (the comparison of the ensemble with every member, paired tests); are the weights
//! better than the alternatives given (the same tests, a family of their own); which member
//! carries it (leave one member out); which labels look wrong (the label review). The
//! comparisons are [`CompareReport`]s, so their tables and JSON are exactly those of
//! `verdict compare`.
//!
//! Conventions of the rendering:
//! * **Directions.** The members family compares every member with the ensemble as B − A (A the
//!   ensemble), as `verdict compare` does; the verdict line about the best member turns that
//!   round and says ensemble − member (its interval negated), so a positive Δ means the ensemble
//!   scores higher. The other weightings are said as they are compared: other − ensemble.
//! * **Significance.** "Significantly better/worse" means the family's Holm-adjusted headline
//!   p-value (`p_holm`) is below α, the members family and the weightings family each corrected
//!   on their own; a line without a test says so instead of guessing.
//! * **Weights** print with 2 decimals when they have no more (0.30/0.30/0.25/0.15), else 3; the
//!   tables always 3. Metric values, differences and contributions have 4 decimals, p-values 3
//!   (`< 0.001` below), as in the comparison report; the JSON keeps every number exactly
//!   (shortest round-trip), undefined values `null`.
//! * **Findings about one member** name it in their message (the ensemble checks carry the
//!   member's name as a figure); findings of the comparison about one model are prefixed with the
//!   model's name as in `verdict compare`. In the JSON the `model` of an ensemble finding is the
//!   `member` figure, so it never depends on how the finding's index counts.

use crate::compare::{self, CompareReport, Embedded, display_name, p_eq, signed};
use crate::i18n::{self, Lang, Phrase, Standing, t};
use crate::json::num;
use crate::sections::{Block, Section};
use crate::table::Table;
use crate::{fmt4, svg};
use serde_json::{Map, Value, json};
use verdict_core::compare::{CompareResult, Comparison};
use verdict_core::diagnostics::{Figure, Finding, Scope, Status};
use verdict_core::ensemble::{Optimum, PairDiversity, Selection, WeightStability};
use verdict_core::label_review::LabelReview;

/// How the members' outputs are combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Voting {
    /// The weighted mean of the probability rows (scikit-learn's `voting="soft"`).
    Soft,
    /// The weighted majority of the members' predicted classes (`voting="hard"`).
    Hard,
    /// Binary only: the weighted mean of the members' normalised ranks (a score, not a
    /// probability).
    Rank,
}

impl Voting {
    /// `soft`, `hard` or `rank`.
    pub fn as_str(self) -> &'static str {
        match self {
            Voting::Soft => "soft",
            Voting::Hard => "hard",
            Voting::Rank => "rank",
        }
    }
}

/// How weights were learned, and on what.
#[derive(Debug, Clone)]
pub struct Learned {
    /// `caruana` or `logloss`.
    pub method: &'static str,
    /// `validation` (the `--val` files) or `test` (`--allow-test-fit`).
    pub on: &'static str,
    /// Rows learned on.
    pub rows: usize,
    /// The metric Caruana's selection optimised (`log_loss` or `accuracy`); `None` for the
    /// log-loss optimum.
    pub select_metric: Option<&'static str>,
    /// Caruana's selection (its order, counts and the metric after every round).
    pub selection: Option<Selection>,
    /// The log-loss optimum.
    pub optimum: Option<Optimum>,
    /// The learned weights under a bootstrap of the rows learned on.
    pub stability: Option<WeightStability>,
}

/// One set of member weights.
#[derive(Debug, Clone)]
pub struct Weighting {
    /// Its name: `caruana`, `logloss`, `given` (`given#2`, … when several), or `equal`.
    pub label: String,
    /// Normalised weights, one per member.
    pub weights: Vec<f64>,
    /// How they were learned, when they were.
    pub learned: Option<Learned>,
}

/// The ensemble without one member.
#[derive(Debug, Clone, PartialEq)]
pub struct LeaveOneOut {
    /// The member left out.
    pub member: usize,
    /// The headline metric without it (NaN when the others' weights sum to 0).
    pub value: f64,
    /// `value` minus the full ensemble's.
    pub delta: f64,
    /// What the member adds in the metric's better direction (positive: it helps).
    pub contribution: f64,
    /// The paired-bootstrap interval of `delta`.
    pub ci: Option<(f64, f64)>,
    /// The paired-bootstrap p-value of `delta`.
    pub p_value: Option<f64>,
}

/// The label review of one set of probabilities.
#[derive(Debug, Clone)]
pub struct LabelReviewReport {
    /// Whose probabilities: `ensemble` or a member's name.
    pub source: String,
    /// Row ids (the id column, or row numbers from 0).
    pub ids: Vec<String>,
    /// Class names.
    pub classes: Vec<String>,
    /// Given labels (class indices).
    pub labels: Vec<u32>,
    /// Confident learning's result.
    pub review: LabelReview,
}

/// An ensemble with everything a report says about it.
#[derive(Debug, Clone)]
pub struct EnsembleReport {
    /// Member names (file stems).
    pub names: Vec<String>,
    /// Member files (test).
    pub sources: Vec<String>,
    /// Validation files, when given.
    pub val_sources: Vec<String>,
    /// The test set's fingerprint.
    pub fingerprint: String,
    /// How the outputs are combined.
    pub voting: Voting,
    /// Every weighting, the ensemble's first.
    pub weightings: Vec<Weighting>,
    /// The ensemble (model 0) against every member (models 1…): baseline the ensemble.
    pub members: CompareReport,
    /// The member with the best headline metric (index into `names`).
    pub best_member: usize,
    /// The ensemble (model 0) against the other weightings, when there are any.
    pub reweighting: Option<CompareReport>,
    /// The ensemble without each member, in member order (empty with one member).
    pub leave_one_out: Vec<LeaveOneOut>,
    /// Pairwise diversity of the members on the test set.
    pub diversity: Vec<PairDiversity>,
    /// The most redundant pair (highest Q).
    pub most_redundant: Option<(usize, usize)>,
    /// The label review, when asked for.
    pub label_review: Option<LabelReviewReport>,
    /// The ensemble's findings (member contributions, weights, label review), then the
    /// comparison's.
    pub findings: Vec<Finding>,
}

/// How many flagged labels the terminal and Markdown reports list (the JSON lists all).
pub const LABEL_ISSUES_SHOWN: usize = 20;

/// A weight in prose: 2 decimals when it has no more, else 3.
fn fmt_weight(w: f64) -> String {
    if !w.is_finite() {
        "—".into()
    } else if ((w * 100.0).round() / 100.0 - w).abs() < 1e-9 {
        format!("{w:.2}")
    } else {
        format!("{w:.3}")
    }
}

/// A weighting in prose: `0.30/0.30/0.25/0.15`.
fn fmt_weights(ws: &[f64]) -> String {
    ws.iter()
        .map(|&w| fmt_weight(w))
        .collect::<Vec<_>>()
        .join("/")
}

/// A weight in a table: 3 decimals.
fn fmt3(w: f64) -> String {
    if w.is_finite() {
        format!("{w:.3}")
    } else {
        "—".into()
    }
}

/// The interval level of the comparisons, in percent.
fn level_pct(r: &CompareResult) -> f64 {
    r.bootstrap.as_ref().map_or(0.95, |b| b.level) * 100.0
}

/// ` (95% CI lo … hi)` with `f` formatting the bounds, or nothing.
fn interval_of(lang: Lang, level: f64, ci: Option<(f64, f64)>, f: fn(f64) -> String) -> String {
    ci.map_or(String::new(), |(lo, hi)| {
        format!(" {}", i18n::interval(lang, level, &f(lo), &f(hi)))
    })
}

/// The headline metric of model `i` of `r` with its interval.
fn headline(r: &CompareResult, i: usize) -> (f64, Option<(f64, f64)>) {
    r.models[i]
        .metric(&r.metric)
        .map_or((f64::NAN, None), |m| (m.value, m.ci))
}

/// The test of a comparison and the p-value it decides by: `McNemar, Holm-adjusted p = 0.800`
/// in a family of several, `McNemar p = 0.800` alone, the test's name without a p-value.
fn test_text(lang: Lang, c: &Comparison, many: bool) -> String {
    match (c.p_value, c.p_holm) {
        (Some(_), Some(h)) if many => format!(
            "{}, {}",
            c.headline_test,
            p_eq(&format!("{} p", t(lang, Phrase::HolmAdjusted)), h)
        ),
        (Some(p), h) => p_eq(&format!("{} p", c.headline_test), h.unwrap_or(p)),
        (None, _) => c.headline_test.to_string(),
    }
}

/// Where B stands against A in `c` (B − A), from B's side.
fn standing(r: &CompareResult, c: &Comparison, b_higher: bool) -> Standing {
    let better = b_higher == r.higher_is_better;
    match (c.p_value.is_some(), c.significant, better) {
        (false, _, _) => Standing::NoTest,
        (true, false, _) => Standing::NotBetter,
        (true, true, true) => Standing::Better,
        (true, true, false) => Standing::Worse,
    }
}

/// The member a finding is about, for the ensemble checks: its `member` figure.
fn finding_member(f: &Finding) -> Option<&str> {
    match f.figure("member") {
        Some(Figure::Text(m)) if f.model.is_some() => Some(m.as_str()),
        _ => None,
    }
}

fn is_ensemble_check(f: &Finding) -> bool {
    f.scope() == Some(Scope::Ensemble)
}

/// A finding as a sentence: an ensemble check's message (it names its member), or a comparison
/// finding as `verdict compare` says it (after the model's name).
pub fn finding_text(lang: Lang, rep: &EnsembleReport, f: &Finding) -> String {
    if is_ensemble_check(f) {
        crate::findings::message(lang, f)
    } else {
        compare::warning_text(lang, &rep.members, f)
    }
}

/// The lines on top of the report, in `lang`: the ensemble against its best member; with other
/// weightings, one line each against the ensemble's; and, when the ensemble depends on one
/// member (a `dominant_member` finding), which one and what removing it costs.
pub fn verdict_lines(rep: &EnsembleReport, lang: Lang) -> Vec<String> {
    let mut out = Vec::new();
    let r = &rep.members.result;
    let metric = display_name(lang, &r.metric);
    let level = level_pct(r);
    let best = rep.best_member + 1;
    if let Some(c) = r.comparisons.iter().find(|c| c.b == best) {
        let (v, ci) = headline(r, 0);
        let (bv, bci) = headline(r, best);
        // The comparison is member − ensemble; say it as ensemble − member (`0 − x`, so that
        // no difference prints as +0.0000, not −0.0000).
        let delta = 0.0 - c.headline_delta;
        let delta_ci = c.headline_ci.map(|(lo, hi)| (0.0 - hi, 0.0 - lo));
        out.push(i18n::ensemble_verdict(
            lang,
            &rep.names[rep.best_member],
            metric,
            &format!("{}{}", fmt4(v), interval_of(lang, level, ci, fmt4)),
            &format!("{}{}", fmt4(bv), interval_of(lang, level, bci, fmt4)),
            &format!(
                "{}{}",
                signed(delta),
                interval_of(lang, level, delta_ci, signed)
            ),
            &test_text(lang, c, r.comparisons.len() > 1),
            standing(r, c, delta > 0.0),
            r.alpha,
        ));
    }
    if let Some(rw) = &rep.reweighting {
        let rr = &rw.result;
        let own = &rep.weightings[0];
        for c in &rr.comparisons {
            let Some(w) = rep.weightings.get(c.b) else {
                continue;
            };
            out.push(i18n::reweighting_verdict(
                lang,
                &fmt_weights(&w.weights),
                &w.label,
                &fmt_weights(&own.weights),
                &own.label,
                display_name(lang, &rr.metric),
                &match c.headline_ci {
                    Some((lo, hi)) => format!(
                        "{}, {}",
                        signed(c.headline_delta),
                        i18n::interval_bare(lang, level_pct(rr), &signed(lo), &signed(hi))
                    ),
                    None => signed(c.headline_delta),
                },
                &test_text(lang, c, rr.comparisons.len() > 1),
                standing(rr, c, c.headline_delta > 0.0),
                rr.alpha,
            ));
        }
    }
    let dominant = rep
        .findings
        .iter()
        .filter(|f| f.check == "dominant_member")
        .find_map(finding_member)
        .and_then(|name| rep.names.iter().position(|n| n == name));
    if let Some(j) = dominant
        && let Some(l) = rep.leave_one_out.iter().find(|l| l.member == j)
    {
        let p = l.p_value.map_or(String::new(), |p| {
            format!(
                ", {}",
                p_eq(&format!("{} p", t(lang, Phrase::PairedBootstrap)), p)
            )
        });
        out.push(i18n::depends_on(
            lang,
            &rep.names[j],
            &fmt_weight(
                rep.weightings[0]
                    .weights
                    .get(j)
                    .copied()
                    .unwrap_or(f64::NAN),
            ),
            metric,
            &format!(
                "{}{}{p}",
                signed(l.delta),
                interval_of(lang, level, l.ci, signed)
            ),
        ));
    }
    out
}

/// A matrix with row and column names: `{"labels", "matrix"}` (rows first), as the evaluation's
/// confusion matrix.
fn labelled_matrix<T>(labels: &[String], rows: &[Vec<T>], cell: impl Fn(&T) -> Value) -> Value {
    let matrix: Vec<Value> = rows
        .iter()
        .map(|r| Value::Array(r.iter().map(&cell).collect()))
        .collect();
    json!({"labels": labels, "matrix": matrix})
}

fn selection_json(names: &[String], s: &Selection) -> Value {
    let counts: Map<String, Value> = names
        .iter()
        .zip(&s.counts)
        .map(|(n, &c)| (n.clone(), json!(c)))
        .collect();
    json!({
        "order": s.order.iter().map(|&i| names.get(i).map_or(Value::Null, |n| json!(n))).collect::<Vec<_>>(),
        "counts": counts,
        "scores": s.scores.iter().map(|&x| num(x)).collect::<Vec<_>>(),
    })
}

fn optimum_json(o: &Optimum) -> Value {
    json!({"log_loss": num(o.log_loss), "iterations": o.iterations, "converged": o.converged})
}

fn stability_json(names: &[String], s: &WeightStability) -> Value {
    let members: Map<String, Value> = names
        .iter()
        .zip(&s.members)
        .map(|(n, m)| {
            (
                n.clone(),
                json!({"median": num(m.median), "low": num(m.low), "high": num(m.high)}),
            )
        })
        .collect();
    json!({"level": num(s.level), "resamples": s.replicates.len(), "members": members})
}

fn weighting_json(names: &[String], w: &Weighting) -> Value {
    let weights: Map<String, Value> = names
        .iter()
        .zip(&w.weights)
        .map(|(n, &x)| (n.clone(), num(x)))
        .collect();
    let learned = w.learned.as_ref().map_or(Value::Null, |l| {
        json!({
            "method": l.method,
            "on": l.on,
            "rows": l.rows,
            "selection": l.selection.as_ref().map_or(Value::Null, |s| selection_json(names, s)),
            "optimum": l.optimum.as_ref().map_or(Value::Null, optimum_json),
            "stability": l.stability.as_ref().map_or(Value::Null, |s| stability_json(names, s)),
        })
    });
    json!({"label": w.label, "weights": weights, "learned": learned})
}

fn diversity_json(rep: &EnsembleReport) -> Value {
    let opt = |v: Option<f64>| v.map_or(Value::Null, num);
    let pairs: Vec<Value> = rep
        .diversity
        .iter()
        .map(|p| {
            json!({
                "a": rep.names[p.a], "b": rep.names[p.b],
                "n11": p.n11, "n10": p.n10, "n01": p.n01, "n00": p.n00,
                "disagreement": opt(p.disagreement), "q": opt(p.q),
                "double_fault": opt(p.double_fault), "correlation": opt(p.correlation),
            })
        })
        .collect();
    let most = rep
        .most_redundant
        .map_or(Value::Null, |(a, b)| json!([rep.names[a], rep.names[b]]));
    json!({"pairs": pairs, "most_redundant": most})
}

fn class_name(classes: &[String], c: u32) -> Value {
    classes
        .get(c as usize)
        .map_or_else(|| json!(c), |n| json!(n))
}

fn label_review_json(lr: &LabelReviewReport) -> Value {
    let r = &lr.review;
    let issues: Vec<Value> = r
        .issues
        .iter()
        .map(|&i| {
            json!({
                "id": lr.ids.get(i).map_or_else(|| i.to_string(), Clone::clone),
                "row": i,
                "given": lr.labels.get(i).map_or(Value::Null, |&g| class_name(&lr.classes, g)),
                "suggested": r.suggested.get(i).map_or(Value::Null, |&s| class_name(&lr.classes, s)),
                "quality": r.quality.get(i).map_or(Value::Null, |&q| num(q)),
            })
        })
        .collect();
    let py: Map<String, Value> = lr
        .classes
        .iter()
        .zip(&r.py)
        .map(|(c, &p)| (c.clone(), num(p)))
        .collect();
    json!({
        "source": lr.source,
        "n": lr.labels.len(),
        "n_issues": r.num_issues(),
        "issues": issues,
        "noise_matrix": labelled_matrix(&lr.classes, &r.noise_matrix, |&x| num(x)),
        "confident_joint": labelled_matrix(&lr.classes, &r.confident_joint, |&x| json!(x)),
        "py": py,
    })
}

/// The JSON document (`docs/ensemble-json.md`).
pub fn json(rep: &EnsembleReport) -> String {
    let r = &rep.members.result;
    let mut m = Map::new();
    m.insert("schema".into(), json!(1));
    m.insert(
        "tool".into(),
        json!(concat!("verdict ", env!("CARGO_PKG_VERSION"))),
    );
    m.insert("verdict".into(), json!(verdict_lines(rep, Lang::En)));
    m.insert("voting".into(), json!(rep.voting.as_str()));
    m.insert("metric".into(), json!(r.metric));
    m.insert("higher_is_better".into(), json!(r.higher_is_better));
    m.insert("alpha".into(), num(r.alpha));
    m.insert("fingerprint".into(), json!(rep.fingerprint));
    let members: Vec<Value> = rep
        .names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            json!({
                "name": n,
                "source": rep.sources.get(i),
                "val_source": rep.val_sources.get(i),
            })
        })
        .collect();
    m.insert("members".into(), Value::Array(members));
    m.insert(
        "weightings".into(),
        Value::Array(
            rep.weightings
                .iter()
                .map(|w| weighting_json(&rep.names, w))
                .collect(),
        ),
    );
    m.insert("best_member".into(), json!(rep.names.get(rep.best_member)));
    m.insert("comparison".into(), compare::document(&rep.members));
    m.insert(
        "reweighting".into(),
        rep.reweighting
            .as_ref()
            .map_or(Value::Null, compare::document),
    );
    let loo: Vec<Value> = rep
        .leave_one_out
        .iter()
        .map(|l| {
            let (lo, hi) =
                l.ci.map_or((Value::Null, Value::Null), |(a, b)| (num(a), num(b)));
            json!({
                "member": rep.names.get(l.member),
                "value": num(l.value),
                "delta": num(l.delta),
                "contribution": num(l.contribution),
                "ci_low": lo,
                "ci_high": hi,
                "p_value": l.p_value.map_or(Value::Null, num),
            })
        })
        .collect();
    m.insert("leave_one_out".into(), Value::Array(loo));
    m.insert("diversity".into(), diversity_json(rep));
    m.insert(
        "label_review".into(),
        rep.label_review
            .as_ref()
            .map_or(Value::Null, label_review_json),
    );
    let findings: Vec<Value> = rep
        .findings
        .iter()
        .map(|f| {
            let model = if is_ensemble_check(f) {
                finding_member(f)
            } else {
                f.model
                    .and_then(|i| rep.members.names.get(i))
                    .map(String::as_str)
            };
            compare::finding_json(f, model, finding_text(Lang::En, rep, f))
        })
        .collect();
    m.insert("findings".into(), Value::Array(findings));
    let mut s = serde_json::to_string_pretty(&Value::Object(m)).unwrap_or_default();
    s.push('\n');
    s
}

/// `bert ×3, lstm, bert ×2`: a selection order with runs collapsed.
fn runs(names: &[String], order: &[usize]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < order.len() {
        let j = order[i..]
            .iter()
            .position(|&x| x != order[i])
            .map_or(order.len(), |k| i + k);
        let name = names.get(order[i]).map_or("?", String::as_str);
        out.push(if j - i > 1 {
            format!("{name} ×{}", j - i)
        } else {
            name.to_string()
        });
        i = j;
    }
    out.join(", ")
}

fn weights_section(rep: &EnsembleReport, lang: Lang) -> Section {
    let mut headers = vec![
        t(lang, Phrase::Member).to_string(),
        t(lang, Phrase::File).to_string(),
    ];
    let with_val = !rep.val_sources.is_empty();
    if with_val {
        headers.push(t(lang, Phrase::ValidationFile).into());
    }
    headers.extend(rep.weightings.iter().map(|w| w.label.clone()));
    let stable: Vec<(&Weighting, &WeightStability)> = rep
        .weightings
        .iter()
        .filter_map(|w| {
            w.learned
                .as_ref()
                .and_then(|l| l.stability.as_ref())
                .map(|s| (w, s))
        })
        .collect();
    headers.extend(
        stable
            .iter()
            .map(|(w, s)| i18n::stability_header(lang, &w.label, s.level * 100.0)),
    );
    let files = 2 + usize::from(with_val);
    let mut align = vec![crate::Align::Left; files];
    align.resize(headers.len(), crate::Align::Right);
    let mut tb = Table::with_align(headers, align);
    for (i, name) in rep.names.iter().enumerate() {
        let mut row = vec![
            name.clone(),
            rep.sources.get(i).cloned().unwrap_or_default(),
        ];
        if with_val {
            row.push(rep.val_sources.get(i).cloned().unwrap_or_default());
        }
        row.extend(
            rep.weightings
                .iter()
                .map(|w| fmt3(w.weights.get(i).copied().unwrap_or(f64::NAN))),
        );
        row.extend(stable.iter().map(|(_, s)| {
            s.members.get(i).map_or("—".into(), |m| {
                format!("{} [{}, {}]", fmt3(m.median), fmt3(m.low), fmt3(m.high))
            })
        }));
        tb.row(row);
    }
    let mut blocks = vec![Block::Table(tb)];
    for w in &rep.weightings {
        let Some(l) = &w.learned else { continue };
        if let Some(s) = &l.selection {
            blocks.push(Block::Line(i18n::learned_caruana(
                lang,
                &w.label,
                s.order.len(),
                l.on,
                l.rows,
                &runs(&rep.names, &s.order),
                l.select_metric.unwrap_or("log_loss"),
                &fmt4(s.scores.first().copied().unwrap_or(f64::NAN)),
                &fmt4(s.scores.last().copied().unwrap_or(f64::NAN)),
            )));
        }
        if let Some(o) = &l.optimum {
            blocks.push(Block::Line(i18n::learned_logloss(
                lang,
                &w.label,
                l.on,
                l.rows,
                &fmt4(o.log_loss),
                o.iterations,
                o.converged,
            )));
        }
        if let Some(s) = &l.stability {
            blocks.push(Block::Line(i18n::stability_line(
                lang,
                &w.label,
                s.replicates.len(),
                s.level * 100.0,
            )));
        }
    }
    Section {
        title: t(lang, Phrase::WeightsSection).into(),
        blocks,
    }
}

fn leave_one_out_section(rep: &EnsembleReport, lang: Lang) -> Section {
    let r = &rep.members.result;
    let metric = display_name(lang, &r.metric);
    let (full, full_ci) = headline(r, 0);
    let mut tb = Table::new(vec![
        t(lang, Phrase::Member).into(),
        t(lang, Phrase::Weight).into(),
        i18n::without(lang, metric),
        "Δ".into(),
        t(lang, Phrase::Interval).into(),
        t(lang, Phrase::PBootstrap).into(),
        t(lang, Phrase::Contribution).into(),
    ]);
    for l in &rep.leave_one_out {
        tb.row(vec![
            rep.names.get(l.member).cloned().unwrap_or_default(),
            fmt3(
                rep.weightings[0]
                    .weights
                    .get(l.member)
                    .copied()
                    .unwrap_or(f64::NAN),
            ),
            fmt4(l.value),
            signed(l.delta),
            l.ci.map_or("—".into(), |(lo, hi)| {
                format!("{} … {}", signed(lo), signed(hi))
            }),
            l.p_value.map_or("—".into(), compare::p_fmt),
            signed(l.contribution),
        ]);
    }
    Section {
        title: t(lang, Phrase::LeaveOneOut).into(),
        blocks: vec![
            Block::Line(i18n::leave_one_out_intro(
                lang,
                metric,
                &format!(
                    "{}{}",
                    fmt4(full),
                    interval_of(lang, level_pct(r), full_ci, fmt4)
                ),
            )),
            Block::Table(tb),
        ],
    }
}

fn diversity_section(rep: &EnsembleReport, lang: Lang) -> Section {
    let opt = |v: Option<f64>| v.map_or("—".into(), fmt4);
    let mut tb = Table::new(vec![
        "A".into(),
        "B".into(),
        t(lang, Phrase::Disagreement).into(),
        "Q".into(),
        t(lang, Phrase::DoubleFault).into(),
        "ρ".into(),
    ]);
    tb.align[1] = crate::Align::Left;
    for p in &rep.diversity {
        tb.row(vec![
            rep.names[p.a].clone(),
            rep.names[p.b].clone(),
            opt(p.disagreement),
            opt(p.q).replacen('-', "−", 1),
            opt(p.double_fault),
            opt(p.correlation).replacen('-', "−", 1),
        ]);
    }
    let most = match rep.most_redundant.and_then(|(a, b)| {
        rep.diversity
            .iter()
            .find(|p| (p.a, p.b) == (a, b) || (p.a, p.b) == (b, a))
    }) {
        Some(p) => i18n::most_redundant(
            lang,
            &rep.names[p.a],
            &rep.names[p.b],
            &opt(p.q).replacen('-', "−", 1),
            &opt(p.double_fault),
        ),
        None => t(lang, Phrase::NoRedundantPair).into(),
    };
    Section {
        title: t(lang, Phrase::Diversity).into(),
        blocks: vec![
            Block::Line(i18n::diversity_intro(lang).into()),
            Block::Table(tb),
            Block::Line(most),
        ],
    }
}

fn label_review_section(lr: &LabelReviewReport, lang: Lang) -> Section {
    let r = &lr.review;
    let class = |c: u32| {
        lr.classes
            .get(c as usize)
            .cloned()
            .unwrap_or_else(|| c.to_string())
    };
    let mut blocks = vec![Block::Line(i18n::label_review_summary(
        lang,
        &lr.source,
        r.num_issues(),
        lr.labels.len(),
    ))];
    if !r.issues.is_empty() {
        let mut tb = Table::with_align(
            vec![
                "#".into(),
                t(lang, Phrase::RowId).into(),
                t(lang, Phrase::GivenLabel).into(),
                t(lang, Phrase::SuggestedLabel).into(),
                t(lang, Phrase::LabelQuality).into(),
            ],
            vec![
                crate::Align::Right,
                crate::Align::Left,
                crate::Align::Left,
                crate::Align::Left,
                crate::Align::Right,
            ],
        );
        for (rank, &i) in r.issues.iter().take(LABEL_ISSUES_SHOWN).enumerate() {
            tb.row(vec![
                (rank + 1).to_string(),
                lr.ids.get(i).cloned().unwrap_or_else(|| i.to_string()),
                lr.labels.get(i).map_or("—".into(), |&g| class(g)),
                r.suggested.get(i).map_or("—".into(), |&s| class(s)),
                fmt4(r.quality.get(i).copied().unwrap_or(f64::NAN)),
            ]);
        }
        blocks.push(Block::Table(tb));
        if r.issues.len() > LABEL_ISSUES_SHOWN {
            blocks.push(Block::Line(i18n::label_review_shown(
                lang,
                LABEL_ISSUES_SHOWN,
                r.issues.len(),
            )));
        }
    }
    blocks.push(Block::Line(i18n::noise_matrix_caption(lang).into()));
    let mut headers = vec![t(lang, Phrase::GivenByTrue).to_string()];
    headers.extend(lr.classes.iter().cloned());
    let mut tb = Table::new(headers);
    for (i, row) in r.noise_matrix.iter().enumerate() {
        let mut cells = vec![class(i as u32)];
        cells.extend(row.iter().map(|&x| fmt4(x)));
        tb.row(cells);
    }
    blocks.push(Block::Table(tb));
    let prior = lr
        .classes
        .iter()
        .zip(&r.py)
        .map(|(c, &p)| format!("{c} {}", fmt4(p)))
        .collect::<Vec<_>>()
        .join(", ");
    blocks.push(Block::Line(i18n::true_prior(lang, &prior)));
    Section {
        title: t(lang, Phrase::LabelReview).into(),
        blocks,
    }
}

/// The sections of the terminal and Markdown reports (`plots`: `(title, file)` links, Markdown
/// only).
fn sections(
    rep: &EnsembleReport,
    lang: Lang,
    plots: &[(String, String)],
    terminal: bool,
) -> Vec<Section> {
    let r = &rep.members.result;
    let mut out = Vec::new();
    let mut head: Vec<Block> = verdict_lines(rep, lang)
        .into_iter()
        .map(|l| Block::Line(format!("**{l}**")))
        .collect();
    head.push(Block::Line(i18n::voting(lang, rep.voting.as_str())));
    head.push(Block::Line(format!(
        "{}: {}",
        t(lang, Phrase::Samples),
        r.models[0].n
    )));
    head.extend(crate::sections::provenance(
        lang,
        rep.members.groups.as_ref().map(|(c, k)| (c.as_str(), *k)),
        &rep.fingerprint,
        r.bootstrap.as_ref(),
    ));
    out.push(Section {
        title: t(lang, Phrase::Verdict).into(),
        blocks: head,
    });
    out.push(weights_section(rep, lang));
    out.extend(compare::sections_with(
        &rep.members,
        lang,
        &[],
        terminal,
        Some(&Embedded {
            title: t(lang, Phrase::EnsembleVsMembers),
            tests: true,
            models: false,
        }),
    ));
    if let Some(rw) = &rep.reweighting {
        out.extend(compare::sections_with(
            rw,
            lang,
            &[],
            terminal,
            Some(&Embedded {
                title: t(lang, Phrase::OtherWeightings),
                tests: true,
                models: false,
            }),
        ));
    }
    if !rep.leave_one_out.is_empty() {
        out.push(leave_one_out_section(rep, lang));
    }
    if !rep.diversity.is_empty() {
        out.push(diversity_section(rep, lang));
    }
    if let Some(lr) = &rep.label_review {
        out.push(label_review_section(lr, lang));
    }
    out.extend(crate::sections::plots_section(lang, plots));
    let warnings = if rep.findings.is_empty() {
        vec![Block::Line(t(lang, Phrase::NoWarnings).into())]
    } else {
        let mut v = Vec::new();
        for f in &rep.findings {
            v.push(Block::Line(format!("⚠️ {}", finding_text(lang, rep, f))));
            if f.status >= Status::Warn
                && let Some(h) = crate::findings::hint(lang, f)
            {
                v.push(Block::Line(format!("→ {h}")));
            }
        }
        v
    };
    out.push(Section {
        title: t(lang, Phrase::Warnings).into(),
        blocks: warnings,
    });
    out.extend(compare::sections_with(
        &rep.members,
        lang,
        &[],
        terminal,
        Some(&Embedded {
            title: "",
            tests: false,
            models: true,
        }),
    ));
    out
}

/// The Markdown report; `plots` are `(title, file)` links to SVG files written next to it
/// ([`plots`] lists them).
pub fn markdown(rep: &EnsembleReport, lang: Lang, plots: &[(String, String)]) -> String {
    crate::markdown::render_sections(
        t(lang, Phrase::EnsembleTitle),
        &sections(rep, lang, plots, false),
    )
}

/// The ensemble report as one self-contained HTML file ([`crate::html`]), plots inlined.
pub fn html(rep: &EnsembleReport, lang: Lang) -> String {
    crate::html::render_sections(
        t(lang, Phrase::EnsembleTitle),
        lang,
        &sections(rep, lang, &plots(rep, lang), false),
        &svgs(rep, lang),
    )
}

/// The ensemble report for a notebook cell ([`crate::html`]'s fragment), plots inlined.
pub fn html_fragment(rep: &EnsembleReport, lang: Lang) -> String {
    crate::html::fragment(
        t(lang, Phrase::EnsembleTitle),
        &sections(rep, lang, &plots(rep, lang), false),
        &svgs(rep, lang),
    )
}

/// The terminal report, fitted to [`compare::TEXT_WIDTH`] columns as the comparison report is.
pub fn text(rep: &EnsembleReport, lang: Lang, color: bool) -> String {
    compare::render_fitted(&sections(rep, lang, &[], true), color, compare::TEXT_WIDTH)
}

/// The plots the Markdown report links to, `(title, file name)` with the title in `lang`:
/// `weights.svg` always, `leave_one_out.svg` with more than one member's contribution measured,
/// `diversity.svg` when the members' diversity was measured (not for rank voting), then the
/// comparison's `roc.svg` and `pr.svg` (ensemble and members overlaid) when every model is binary
/// with curves ([`compare::plots`]).
pub fn plots(rep: &EnsembleReport, lang: Lang) -> Vec<(String, String)> {
    let mut out = vec![(
        t(lang, Phrase::WeightsLink).to_string(),
        "weights.svg".to_string(),
    )];
    if !rep.leave_one_out.is_empty() {
        out.push((
            t(lang, Phrase::ContributionLink).into(),
            "leave_one_out.svg".into(),
        ));
    }
    if !rep.diversity.is_empty() {
        out.push((
            t(lang, Phrase::DiversityLink).into(),
            "diversity.svg".into(),
        ));
    }
    out.extend(compare::plots(&rep.members, lang));
    out
}

/// Every plot of [`plots`] rendered, `(file name, SVG)` in the same order, for `--out-dir`.
pub fn svgs(rep: &EnsembleReport, lang: Lang) -> Vec<(String, String)> {
    let names: Vec<&str> = rep.names.iter().map(String::as_str).collect();
    let level = rep
        .weightings
        .iter()
        .find_map(|w| w.learned.as_ref().and_then(|l| l.stability.as_ref()))
        .map_or(0.9, |s| s.level);
    let bars: Vec<svg::WeightBars<'_>> = rep
        .weightings
        .iter()
        .map(|w| svg::WeightBars {
            label: &w.label,
            weights: &w.weights,
            intervals: w
                .learned
                .as_ref()
                .and_then(|l| l.stability.as_ref())
                .map(|s| s.members.iter().map(|m| (m.low, m.high)).collect()),
        })
        .collect();
    let mut out = vec![(
        "weights.svg".to_string(),
        svg::weights_plot(&names, &bars, level, lang),
    )];
    let r = &rep.members.result;
    if !rep.leave_one_out.is_empty() {
        // The contribution is −Δ when higher is better, Δ otherwise; so is its interval.
        let flip = r.higher_is_better;
        let bars: Vec<svg::ContributionBar<'_>> = rep
            .leave_one_out
            .iter()
            .map(|l| svg::ContributionBar {
                member: rep.names.get(l.member).map_or("", String::as_str),
                contribution: l.contribution,
                interval: l.ci.map(
                    |(lo, hi)| {
                        if flip { (0.0 - hi, 0.0 - lo) } else { (lo, hi) }
                    },
                ),
            })
            .collect();
        out.push((
            "leave_one_out.svg".into(),
            svg::contribution_plot(
                &bars,
                display_name(lang, &r.metric),
                level_pct(r) / 100.0,
                lang,
            ),
        ));
    }
    if !rep.diversity.is_empty() {
        let m = rep.names.len();
        let mut q = vec![vec![None; m]; m];
        for p in &rep.diversity {
            if p.a < m && p.b < m {
                q[p.a][p.b] = p.q;
                q[p.b][p.a] = p.q;
            }
        }
        out.push((
            "diversity.svg".into(),
            svg::diversity_plot(&names, &q, lang),
        ));
    }
    out.extend(compare::svgs(&rep.members, lang));
    out
}
