//! Rendering a model comparison: the verdict line people paste, the JSON document
//! (`docs/compare-json.md`), and the sections of the terminal and Markdown reports.

use crate::i18n::{self, Conclusion, Lang, Phrase, t};
use crate::sections::{Block, Section, metrics_table};
use crate::table::Table;
use crate::{fmt4, json::num};
use serde_json::{Map, Value, json};
use verdict_core::compare::{CompareResult, Comparison};
use verdict_core::diagnostics::Finding;
use verdict_core::metrics::MetricId;

/// A model's own threshold (from `--val`, or chosen on the test set) and its test metrics there.
#[derive(Debug, Clone)]
pub struct ModelThreshold {
    /// Model index.
    pub model: usize,
    /// The threshold.
    pub threshold: f64,
    /// `validation` or `test`.
    pub chosen_on: &'static str,
    /// (metric, value) on the test set at that threshold.
    pub metrics: Vec<(String, f64)>,
}

/// A comparison with everything a report says about it.
#[derive(Debug, Clone)]
pub struct CompareReport {
    /// The input files, in model order.
    pub sources: Vec<String>,
    /// Model names (file stems), in model order.
    pub names: Vec<String>,
    /// The eval set's fingerprint.
    pub fingerprint: String,
    /// Group column and number of groups.
    pub groups: Option<(String, usize)>,
    /// The comparison.
    pub result: CompareResult,
    /// Per-model thresholds (binary with scores).
    pub thresholds: Option<Vec<ModelThreshold>>,
    /// What the report warns about, in order: the comparison's findings, the shared eval set's
    /// (said once), then each model's ([`Finding::model`] set; per-model findings are also in each
    /// model's result).
    pub warnings: Vec<Finding>,
}

impl CompareReport {
    fn task(&self) -> &'static str {
        if self.result.models[0].positive.is_some() {
            "binary"
        } else {
            "multiclass"
        }
    }
}

/// How a metric is called in prose in `lang`: its display name in the registry
/// ([`verdict_core::metrics`]); a name the registry does not know is shown as it is.
pub fn display_name(lang: Lang, metric: &str) -> &str {
    verdict_core::metrics::lookup(metric).map_or(metric, |m| metric_display(lang, m.id))
}

/// The display name of `id` in `lang`.
fn metric_display(lang: Lang, id: MetricId) -> &'static str {
    let m = id.info();
    match lang {
        Lang::En => m.display_en,
        Lang::Ko => m.display_ko,
    }
}

/// A difference with its sign, 4 decimals and the typographic minus; an exact zero is `+0.0000`
/// whatever its sign bit (`−(0.0)` from turning a difference round is no difference).
pub(crate) fn signed(v: f64) -> String {
    if !v.is_finite() {
        return "—".into();
    }
    let s = format!("{:+.4}", v + 0.0);
    s.replacen('-', "−", 1)
}

pub(crate) fn p_fmt(p: f64) -> String {
    if !p.is_finite() {
        "—".into()
    } else if p < 0.001 {
        "< 0.001".into()
    } else {
        format!("{p:.3}")
    }
}

/// `p = 0.420`, or `p < 0.001` below that (never `p = < 0.001`); `name` labels the p-value
/// (`p`, `exact p`, `mid-p`).
pub(crate) fn p_eq(name: &str, p: f64) -> String {
    if p.is_finite() && p < 0.001 {
        format!("{name} < 0.001")
    } else {
        format!("{name} = {}", p_fmt(p))
    }
}

/// A signed number with the typographic minus used everywhere else in the reports.
fn minus(s: String) -> String {
    match s.strip_prefix('-') {
        Some(rest) => format!("−{rest}"),
        None => s,
    }
}

/// The verdict line: "b − a: ROC AUC +0.0320 (95% CI −0.0500 … +0.1100), p = 0.420 (DeLong): no
/// significant difference at α = 0.05". A difference is called better or worse only when its
/// (Holm-adjusted) p-value is below α.
pub fn verdict_line(r: &CompareResult, names: &[String], c: &Comparison, lang: Lang) -> String {
    let (a, b) = (&names[c.a], &names[c.b]);
    let level = r.bootstrap.as_ref().map_or(0.95, |x| x.level) * 100.0;
    let ci = match c.headline_ci {
        Some((lo, hi)) => format!(" {}", i18n::interval(lang, level, &signed(lo), &signed(hi))),
        None => String::new(),
    };
    let many = r.comparisons.len() > 1;
    let p = match (c.p_value, c.p_holm) {
        (Some(p), Some(h)) if many => format!(
            ", {} ({}; {} {})",
            p_eq("p", p),
            c.headline_test,
            t(lang, Phrase::HolmAdjusted),
            p_fmt(h)
        ),
        (Some(p), _) => format!(", {} ({})", p_eq("p", p), c.headline_test),
        (None, _) => String::new(),
    };
    let better = (c.headline_delta > 0.0) == r.higher_is_better;
    let conclusion = match (c.p_value.is_some(), c.significant, better) {
        (false, _, _) => Conclusion::NoTest,
        (true, false, _) => Conclusion::NoDifference,
        (true, true, true) => Conclusion::Better(b),
        (true, true, false) => Conclusion::Worse(b),
    };
    let conclusion = i18n::conclusion(lang, conclusion, r.alpha);
    format!(
        "{b} − {a}: {} {}{ci}{p}: {conclusion}",
        display_name(lang, &r.metric),
        signed(c.headline_delta)
    )
}

/// A warning as a sentence: the finding's message, after the model's name when it is about one
/// model.
pub fn warning_text(lang: Lang, rep: &CompareReport, w: &Finding) -> String {
    let text = crate::findings::message(lang, w);
    match w.model {
        Some(model) => format!("{}: {text}", rep.names[model]),
        None => text,
    }
}

/// The JSON document.
pub fn json(rep: &CompareReport) -> String {
    let mut s = serde_json::to_string_pretty(&document(rep)).unwrap_or_default();
    s.push('\n');
    s
}

/// One finding as the documents print it: `code`, `scope` and `message` (English), and `model`
/// (the model's name) when the finding is about one model.
pub(crate) fn finding_json(w: &Finding, model: Option<&str>, message: String) -> Value {
    let scope = w.scope().map_or("model", |s| s.as_str());
    let mut o = json!({"code": w.check, "scope": scope, "message": message});
    if let Some(name) = model {
        o["model"] = json!(name);
    }
    o
}

/// The JSON document as a value (`verdict ensemble` embeds it).
pub(crate) fn document(rep: &CompareReport) -> Value {
    let r = &rep.result;
    let first = &r.models[0];
    let mut m = Map::new();
    m.insert("schema".into(), json!(1));
    m.insert(
        "tool".into(),
        json!(concat!("verdict ", env!("CARGO_PKG_VERSION"))),
    );
    m.insert("task".into(), json!(rep.task()));
    m.insert("n".into(), json!(first.n));
    m.insert("classes".into(), json!(first.classes));
    if let Some(p) = first.positive {
        m.insert("positive".into(), json!(first.classes[p]));
    }
    m.insert("fingerprint".into(), json!(rep.fingerprint));
    m.insert(
        "groups".into(),
        rep.groups
            .as_ref()
            .map_or(Value::Null, |(c, k)| json!({"column": c, "count": k})),
    );
    if let Some(th) = first.threshold {
        m.insert("threshold".into(), num(th));
    }
    m.insert("metric".into(), json!(r.metric));
    m.insert("alpha".into(), num(r.alpha));
    m.insert("baseline".into(), json!(rep.names[r.baseline]));
    let models: Vec<Value> = r
        .models
        .iter()
        .enumerate()
        .map(|(i, e)| json!({"name": rep.names[i], "source": rep.sources[i], "metrics": crate::json::metrics(e)}))
        .collect();
    m.insert("models".into(), Value::Array(models));
    let board: Vec<Value> = r
        .leaderboard
        .iter()
        .enumerate()
        .map(|(rank, &i)| {
            let x = r.models[i].metrics.iter().find(|x| x.name == r.metric);
            let (lo, hi) = x.and_then(|x| x.ci).map_or((Value::Null, Value::Null), |(l, h)| (num(l), num(h)));
            json!({"rank": rank + 1, "model": rep.names[i], "value": num(x.map_or(f64::NAN, |x| x.value)), "ci_low": lo, "ci_high": hi})
        })
        .collect();
    m.insert("leaderboard".into(), Value::Array(board));
    let comps: Vec<Value> = r
        .comparisons
        .iter()
        .map(|c| {
            let mut deltas = Map::new();
            for d in &c.deltas {
                let (lo, hi) = d.ci.map_or((Value::Null, Value::Null), |(l, h)| (num(l), num(h)));
                deltas.insert(
                    d.name.clone(),
                    json!({"value": num(d.value), "ci_low": lo, "ci_high": hi, "p_value": d.p_value.map_or(Value::Null, num)}),
                );
            }
            let mc = &c.mcnemar;
            let delong = c.delong.as_ref().map_or(Value::Null, |d| {
                json!({"auc_a": num(d.auc_a), "auc_b": num(d.auc_b), "diff": num(d.test.diff), "se": num(d.test.se),
                       "z": num(d.test.z), "p_value": num(d.test.p_value), "ci_low": num(d.test.ci_low),
                       "ci_high": num(d.test.ci_high), "clustered": d.clustered})
            });
            let bootstrap = r.bootstrap.as_ref().map_or(Value::Null, |b| {
                json!({"replicates": b.replicates, "seed": b.seed, "unit": if b.clustered { "group" } else { "sample" }, "units": b.units})
            });
            let permutation = c.permutation.as_ref().map_or(Value::Null, |p| {
                json!({"metric": p.metric, "permutations": p.permutations, "p_value": num(p.p_value)})
            });
            let power = {
                let mut p = Map::new();
                p.insert("alpha".into(), num(r.alpha));
                p.insert("power".into(), num(r.power));
                p.insert(MetricId::Accuracy.name().into(), json!({"mde": num(c.power.accuracy.mde), "n_needed": num(c.power.accuracy.n_needed)}));
                if let Some(a) = &c.power.roc_auc {
                    p.insert(MetricId::RocAuc.name().into(), json!({"mde": num(a.mde), "n_needed": num(a.n_needed)}));
                }
                Value::Object(p)
            };
            json!({
                "a": rep.names[c.a], "b": rep.names[c.b],
                "deltas": deltas,
                "tests": {
                    "mcnemar": {"b": mc.b, "c": mc.c, "exact_p": num(mc.exact_p), "mid_p": num(mc.mid_p),
                                "chi2": num(mc.chi2), "chi2_p": num(mc.chi2_p), "chi2_cc": num(mc.chi2_cc), "chi2_cc_p": num(mc.chi2_cc_p)},
                    "delong": delong,
                    "bootstrap": bootstrap,
                    "permutation": permutation,
                },
                "headline_test": c.headline_test,
                "p_value": c.p_value.map_or(Value::Null, num),
                "p_holm": c.p_holm.map_or(Value::Null, num),
                "power": power,
                "significant": c.significant,
                "verdict": verdict_line(r, &rep.names, c, Lang::En),
            })
        })
        .collect();
    m.insert("comparisons".into(), Value::Array(comps));
    m.insert(
        "thresholds".into(),
        rep.thresholds.as_ref().map_or(Value::Null, |ts| {
            Value::Array(
                ts.iter()
                    .map(|t| {
                        let metrics: Map<String, Value> = t.metrics.iter().map(|(k, v)| (k.clone(), num(*v))).collect();
                        json!({"model": rep.names[t.model], "threshold": num(t.threshold), "chosen_on": t.chosen_on, "metrics": metrics})
                    })
                    .collect(),
            )
        }),
    );
    let warnings: Vec<Value> = rep
        .warnings
        .iter()
        .map(|w| {
            finding_json(
                w,
                w.model.map(|m| rep.names[m].as_str()),
                warning_text(Lang::En, rep, w),
            )
        })
        .collect();
    m.insert("warnings".into(), Value::Array(warnings));
    Value::Object(m)
}

/// The sections of the terminal and Markdown reports. `plots` lists SVG files written next to the
/// Markdown report (title, file name). For the `terminal` the side-by-side tables are laid out to
/// grow downwards, not sideways, with the number of models: per-class scores one row per class and
/// model, and the difference column of a comparison headed `Δ` (its section title says B − A).
pub(crate) fn sections(
    rep: &CompareReport,
    lang: Lang,
    plots: &[(String, String)],
    terminal: bool,
) -> Vec<Section> {
    sections_with(rep, lang, plots, terminal, None)
}

/// How a comparison is shown inside another report (`verdict ensemble`): without the samples and
/// provenance lines, the plots and the warnings (the enclosing report says those once), in two
/// parts the enclosing report can place apart: the `tests` (its verdict lines under `title`, the
/// leaderboard and one section per comparison) and the `models` (the per-class, per-threshold and
/// per-model metric sections).
pub(crate) struct Embedded<'a> {
    /// The title of the section of verdict lines.
    pub(crate) title: &'a str,
    /// Whether the verdict lines, the leaderboard and the comparisons' sections are shown.
    pub(crate) tests: bool,
    /// Whether the per-class, per-threshold and per-model metric sections are shown.
    pub(crate) models: bool,
}

/// [`sections`], or the sections of an [`Embedded`] comparison.
pub(crate) fn sections_with(
    rep: &CompareReport,
    lang: Lang,
    plots: &[(String, String)],
    terminal: bool,
    embedded: Option<&Embedded<'_>>,
) -> Vec<Section> {
    let r = &rep.result;
    let mut out = Vec::new();
    let mut head: Vec<Block> = r
        .comparisons
        .iter()
        .map(|c| Block::Line(format!("**{}**", verdict_line(r, &rep.names, c, lang))))
        .collect();
    if embedded.is_none() {
        head.push(Block::Line(format!(
            "{}: {}",
            t(lang, Phrase::Samples),
            r.models[0].n
        )));
        head.extend(crate::sections::provenance(
            lang,
            rep.groups.as_ref().map(|(c, k)| (c.as_str(), *k)),
            &rep.fingerprint,
            r.bootstrap.as_ref(),
        ));
    }
    out.push(Section {
        title: embedded
            .map_or(t(lang, Phrase::Verdict), |e| e.title)
            .into(),
        blocks: head,
    });

    // Leaderboard.
    let mut tb = Table::new(vec![
        "#".into(),
        t(lang, Phrase::Model).into(),
        display_name(lang, &r.metric).into(),
        t(lang, Phrase::Interval).into(),
    ]);
    for (rank, &i) in r.leaderboard.iter().enumerate() {
        let x = r.models[i].metrics.iter().find(|x| x.name == r.metric);
        tb.row(vec![
            (rank + 1).to_string(),
            rep.names[i].clone(),
            fmt4(x.map_or(f64::NAN, |x| x.value)),
            crate::sections::fmt_ci(x.and_then(|x| x.ci)),
        ]);
    }
    if terminal {
        tb.align[1] = crate::table::Align::Left;
    }
    out.push(Section {
        title: t(lang, Phrase::Leaderboard).into(),
        blocks: vec![Block::Table(tb)],
    });

    // Tests per comparison.
    for c in &r.comparisons {
        // In the terminal, long model names head their columns as A and B, named on a line above.
        let letters = terminal
            && [c.a, c.b]
                .iter()
                .any(|&m| Table::width(&rep.names[m]) > TERMINAL_NAME_COLUMNS);
        let (head_a, head_b) = if letters {
            ("A".to_string(), "B".to_string())
        } else {
            (rep.names[c.a].clone(), rep.names[c.b].clone())
        };
        let mut tb = Table::new(vec![
            t(lang, Phrase::Metric).into(),
            head_a,
            head_b,
            if terminal {
                "Δ".to_string()
            } else {
                format!("{} − {}", rep.names[c.b], rep.names[c.a])
            },
            t(lang, Phrase::Interval).into(),
            t(lang, Phrase::PBootstrap).into(),
        ]);
        for d in &c.deltas {
            let v = |m: usize| {
                r.models[m]
                    .metrics
                    .iter()
                    .find(|x| x.name == d.name)
                    .map_or(f64::NAN, |x| x.value)
            };
            tb.row(vec![
                d.name.clone(),
                fmt4(v(c.a)),
                fmt4(v(c.b)),
                signed(d.value),
                d.ci.map_or("—".into(), |(l, h)| {
                    format!("{} … {}", signed(l), signed(h))
                }),
                d.p_value.map_or("—".into(), p_fmt),
            ]);
        }
        let mc = &c.mcnemar;
        let mut blocks = Vec::new();
        if letters {
            blocks.push(Block::Line(format!(
                "A = {}, B = {}, Δ = B − A",
                rep.names[c.a], rep.names[c.b]
            )));
        }
        blocks.push(Block::Table(tb));
        blocks.push(Block::Line(format!(
            "McNemar: b = {} ({} ✓, {} ✗), c = {} ({} ✗, {} ✓); {}, {}, {} ({} {})",
            mc.b,
            rep.names[c.a],
            rep.names[c.b],
            mc.c,
            rep.names[c.a],
            rep.names[c.b],
            p_eq(t(lang, Phrase::ExactP), mc.exact_p),
            p_eq("mid-p", mc.mid_p),
            p_eq("χ² p", mc.chi2_p),
            t(lang, Phrase::ContinuityCorrected),
            p_fmt(mc.chi2_cc_p)
        )));
        if let Some(d) = &c.delong {
            blocks.push(Block::Line(format!(
                "DeLong{}: AUC {} {} {}, Δ = {} ± {} (SE), z = {}, {}",
                if d.clustered {
                    format!(" (Obuchowski, {})", t(lang, Phrase::Clustered))
                } else {
                    String::new()
                },
                fmt4(d.auc_a),
                t(lang, Phrase::Versus),
                fmt4(d.auc_b),
                signed(d.test.diff),
                fmt4(d.test.se),
                minus(format!("{:.3}", d.test.z)),
                p_eq("p", d.test.p_value)
            )));
        }
        if let Some(p) = &c.permutation {
            blocks.push(Block::Line(format!(
                "{} ({}, {}): {}",
                t(lang, Phrase::Permutation),
                p.metric,
                p.permutations,
                p_eq("p", p.p_value)
            )));
        }
        let n = r.models[0].n;
        let acc = &c.power.accuracy;
        blocks.push(Block::Line(power_line(
            lang,
            metric_display(lang, MetricId::Accuracy),
            acc.mde,
            acc.n_needed,
            n,
            r.power,
            r.alpha,
        )));
        if let Some(a) = &c.power.roc_auc {
            blocks.push(Block::Line(power_line(
                lang,
                metric_display(lang, MetricId::RocAuc),
                a.mde,
                a.n_needed,
                n,
                r.power,
                r.alpha,
            )));
        }
        out.push(Section {
            title: format!("{} − {}", rep.names[c.b], rep.names[c.a]),
            blocks,
        });
    }

    if embedded.is_some_and(|e| !e.tests) {
        out.clear();
    }
    if embedded.is_some_and(|e| !e.models) {
        return out;
    }

    // Per-class side by side (Markdown), or one row per class and model (terminal).
    let classes = &r.models[0].classes;
    let tb = if terminal {
        let mut tb = Table::new(
            [
                t(lang, Phrase::Class),
                t(lang, Phrase::Model),
                "P",
                "R",
                "F1",
            ]
            .map(String::from)
            .to_vec(),
        );
        tb.align[1] = crate::table::Align::Left;
        for (ci, class) in classes.iter().enumerate() {
            for (m, e) in r.models.iter().enumerate() {
                let pc = &e.per_class[ci];
                tb.row(vec![
                    if m == 0 { class.clone() } else { String::new() },
                    rep.names[m].clone(),
                    fmt4(pc.precision),
                    fmt4(pc.recall),
                    fmt4(pc.f1),
                ]);
            }
        }
        tb
    } else {
        let mut headers = vec![t(lang, Phrase::Class).to_string()];
        for name in &rep.names {
            for m in ["P", "R", "F1"] {
                headers.push(format!("{name} {m}"));
            }
        }
        let mut tb = Table::new(headers);
        for (ci, class) in classes.iter().enumerate() {
            let mut row = vec![class.clone()];
            for e in &r.models {
                let pc = &e.per_class[ci];
                row.extend([fmt4(pc.precision), fmt4(pc.recall), fmt4(pc.f1)]);
            }
            tb.row(row);
        }
        tb
    };
    out.push(Section {
        title: t(lang, Phrase::PerClass).into(),
        blocks: vec![Block::Table(tb)],
    });

    if let Some(ts) = &rep.thresholds {
        let mut headers = vec![
            t(lang, Phrase::Model).to_string(),
            t(lang, Phrase::Threshold).into(),
            t(lang, Phrase::ChosenOn).into(),
        ];
        headers.extend(
            ts.first()
                .map(|x| x.metrics.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>())
                .unwrap_or_default(),
        );
        let mut tb = Table::new(headers);
        for x in ts {
            let mut row = vec![
                rep.names[x.model].clone(),
                crate::fmt_threshold(x.threshold),
                x.chosen_on.to_string(),
            ];
            row.extend(x.metrics.iter().map(|(_, v)| fmt4(*v)));
            tb.row(row);
        }
        out.push(Section {
            title: t(lang, Phrase::OwnThresholds).into(),
            blocks: vec![Block::Table(tb)],
        });
    }
    if embedded.is_none() {
        out.extend(crate::sections::plots_section(lang, plots));
    }
    if embedded.is_none() {
        let warn = if rep.warnings.is_empty() {
            vec![Block::Line(t(lang, Phrase::NoWarnings).into())]
        } else {
            rep.warnings
                .iter()
                .map(|w| Block::Line(format!("⚠️ {}", warning_text(lang, rep, w))))
                .collect()
        };
        out.push(Section {
            title: t(lang, Phrase::Warnings).into(),
            blocks: warn,
        });
    }
    for (i, e) in r.models.iter().enumerate() {
        out.push(Section {
            title: format!("{}: {}", rep.names[i], t(lang, Phrase::Metrics)),
            blocks: vec![
                Block::Line(format!("{}: `{}`", t(lang, Phrase::File), rep.sources[i])),
                Block::Table(metrics_table(e, lang)),
            ],
        });
    }
    out
}

fn power_line(
    lang: Lang,
    what: &str,
    mde: f64,
    n_needed: f64,
    n: usize,
    power: f64,
    alpha: f64,
) -> String {
    let need = if n_needed.is_finite() {
        format!("{:.0}", n_needed.ceil())
    } else {
        "∞".into()
    };
    i18n::power_line(lang, what, &fmt4(mde), &need, n, power, alpha)
}

/// The plots a comparison report links to, `(title, file name)` with the title in `lang`:
/// `roc.svg` and `pr.svg` when every model is binary with curves, none otherwise.
pub fn plots(rep: &CompareReport, lang: Lang) -> Vec<(String, String)> {
    if rep.result.models.iter().all(|m| m.roc.is_some()) {
        vec![
            (t(lang, Phrase::RocLink).into(), "roc.svg".into()),
            (t(lang, Phrase::PrecisionRecallLink).into(), "pr.svg".into()),
        ]
    } else {
        Vec::new()
    }
}

/// The plots of [`plots`] rendered, `(file name, SVG)` in the same order: the models' ROC and
/// precision-recall curves overlaid, each legend entry with the model's AUC or AP.
pub fn svgs(rep: &CompareReport, lang: Lang) -> Vec<(String, String)> {
    if plots(rep, lang).is_empty() {
        return Vec::new();
    }
    let models = &rep.result.models;
    let summary = |i: usize, metric: &str| models[i].metric(metric).map(|m| m.value);
    let roc: Vec<crate::svg::Series<'_>> = models
        .iter()
        .enumerate()
        .filter_map(|(i, m)| {
            m.roc
                .as_ref()
                .map(|c| crate::svg::Series::roc(&rep.names[i], c, summary(i, "roc_auc")))
        })
        .collect();
    let pr: Vec<crate::svg::Series<'_>> = models
        .iter()
        .enumerate()
        .filter_map(|(i, m)| {
            m.pr.as_ref()
                .map(|c| crate::svg::Series::pr(&rep.names[i], c, summary(i, "average_precision")))
        })
        .collect();
    vec![
        ("roc.svg".into(), crate::svg::roc_plot(&roc, lang)),
        (
            "pr.svg".into(),
            crate::svg::pr_plot(&pr, models[0].prevalence(), lang),
        ),
    ]
}

/// The Markdown report.
pub fn markdown(rep: &CompareReport, lang: Lang, plots: &[(String, String)]) -> String {
    crate::markdown::render_sections(
        t(lang, Phrase::CompareTitle),
        &sections(rep, lang, plots, false),
    )
}

/// The comparison as one self-contained HTML file ([`crate::html`]), plots inlined.
pub fn html(rep: &CompareReport, lang: Lang) -> String {
    crate::html::render_sections(
        t(lang, Phrase::CompareTitle),
        lang,
        &sections(rep, lang, &plots(rep, lang), false),
        &svgs(rep, lang),
    )
}

/// The comparison for a notebook cell ([`crate::html`]'s fragment), plots inlined.
pub fn html_fragment(rep: &CompareReport, lang: Lang) -> String {
    crate::html::fragment(
        t(lang, Phrase::CompareTitle),
        &sections(rep, lang, &plots(rep, lang), false),
        &svgs(rep, lang),
    )
}

/// The HTML report's title and body without the page around it (the web UI's compare page
/// puts its own navigation and sections around it).
pub fn html_body(rep: &CompareReport, lang: Lang) -> String {
    crate::html::sections_body(
        t(lang, Phrase::CompareTitle),
        &sections(rep, lang, &plots(rep, lang), false),
        &svgs(rep, lang),
    )
}

/// The width the terminal report fits, in display columns (a Hangul syllable takes two; a line of
/// this many columns has at most this many characters).
pub const TEXT_WIDTH: usize = 100;

/// The terminal report, fitted to [`TEXT_WIDTH`] columns:
/// * prose lines (verdict, tests, power, warnings) and titles wrap at spaces, continuation lines
///   indented two more columns (a word longer than a line, e.g. a path, is cut);
/// * a table wider than the terminal is split into several tables of consecutive columns, each
///   repeating the first column (as pandas wraps a wide frame), separated by a blank line: with many
///   models the side-by-side tables become one table per model or two;
/// * a table with a single column too wide to fit beside the first (a very long model name) is
///   shown row by row instead, one `header: value` line per cell.
///
/// The Markdown report keeps the tables whole (a Markdown viewer scrolls).
pub fn text(rep: &CompareReport, lang: Lang, color: bool) -> String {
    render_fitted(&sections(rep, lang, &[], true), color, TEXT_WIDTH)
}

/// A model name wider than this heads its column of a comparison table as `A` or `B` in the
/// terminal.
const TERMINAL_NAME_COLUMNS: usize = 20;

/// Indent of blocks under a section title.
const INDENT: &str = "  ";

pub(crate) fn render_fitted(sections: &[Section], color: bool, width: usize) -> String {
    let budget = width.saturating_sub(INDENT.len()).max(20);
    let mut s = String::new();
    for sec in sections {
        let title = wrap(&sec.title, width.max(20)).join(&format!("\n{INDENT}"));
        if color {
            s.push_str(&format!("\x1b[1;36m{title}\x1b[0m\n"));
        } else {
            s.push_str(&format!("{title}\n"));
        }
        for b in &sec.blocks {
            match b {
                Block::Line(l) => {
                    let plain = l.replace('`', "").replace("**", "");
                    let warn = color && plain.starts_with('⚠');
                    for (i, line) in wrap(&plain, budget).iter().enumerate() {
                        let cont = if i == 0 { "" } else { INDENT };
                        if warn {
                            s.push_str(&format!("{INDENT}\x1b[33m{cont}{line}\x1b[0m\n"));
                        } else {
                            s.push_str(&format!("{INDENT}{cont}{line}\n"));
                        }
                    }
                }
                Block::Table(tb) => {
                    for (i, part) in fit_table(tb, budget).iter().enumerate() {
                        if i > 0 {
                            s.push('\n');
                        }
                        match part {
                            Fitted::Table(t) => {
                                for line in t.text(color).lines() {
                                    s.push_str(&format!("{INDENT}{line}\n"));
                                }
                            }
                            Fitted::Records(lines) => {
                                for line in lines {
                                    s.push_str(&format!("{INDENT}{line}\n"));
                                }
                            }
                        }
                    }
                }
                Block::Plot { title, file } => s.push_str(&format!("{INDENT}{title}: {file}\n")),
            }
        }
        s.push('\n');
    }
    s
}

/// A table cut to fit: consecutive column groups, or one block of `header: value` lines per row.
enum Fitted {
    Table(Table),
    Records(Vec<String>),
}

/// Splits `tb` into tables of at most `budget` columns, each with the first column; falls back to
/// records when one column does not fit beside the first.
fn fit_table(tb: &Table, budget: usize) -> Vec<Fitted> {
    let cols = tb.headers.len();
    let w: Vec<usize> = (0..cols)
        .map(|i| {
            std::iter::once(&tb.headers)
                .chain(&tb.rows)
                .filter_map(|r| r.get(i))
                .map(|c| Table::width(c))
                .max()
                .unwrap_or(0)
        })
        .collect();
    const GAP: usize = 2;
    let total: usize = w.iter().sum::<usize>() + GAP * cols.saturating_sub(1);
    if total <= budget || cols == 0 {
        return vec![Fitted::Table(subtable(tb, &(0..cols).collect::<Vec<_>>()))];
    }
    if (1..cols).any(|i| w[0] + GAP + w[i] > budget) {
        return vec![Fitted::Records(records(tb, budget))];
    }
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut current = vec![0];
    let mut used = w[0];
    for (i, &wi) in w.iter().enumerate().skip(1) {
        if used + GAP + wi > budget {
            groups.push(std::mem::replace(&mut current, vec![0]));
            used = w[0];
        }
        current.push(i);
        used += GAP + wi;
    }
    groups.push(current);
    groups
        .iter()
        .map(|g| Fitted::Table(subtable(tb, g)))
        .collect()
}

fn subtable(tb: &Table, columns: &[usize]) -> Table {
    let pick = |r: &Vec<String>| -> Vec<String> {
        columns
            .iter()
            .map(|&i| r.get(i).cloned().unwrap_or_default())
            .collect()
    };
    let mut t = Table::new(pick(&tb.headers));
    t.align = columns.iter().map(|&i| tb.align[i]).collect();
    for r in &tb.rows {
        t.row(pick(r));
    }
    t
}

/// Row by row: the first cell on a line of its own, then `header: value` per other cell, wrapped.
fn records(tb: &Table, budget: usize) -> Vec<String> {
    let mut out = Vec::new();
    for r in &tb.rows {
        let first = format!(
            "{}: {}",
            tb.headers.first().map_or("", String::as_str),
            r.first().map_or("", String::as_str)
        );
        out.extend(wrap(&first, budget));
        for (h, v) in tb.headers.iter().zip(r).skip(1) {
            for (i, line) in wrap(&format!("{h}: {v}"), budget - 2 * INDENT.len())
                .into_iter()
                .enumerate()
            {
                let pad = if i == 0 { INDENT } else { "    " };
                out.push(format!("{pad}{line}"));
            }
        }
    }
    out
}

/// The words of `text`, with the spaces around an operator kept (`α = 0.05`, `n ≈ 505`, `± 0.07`
/// and a closing `✓)` never start or end a line). A glued group wider than a line is cut by `wrap`.
fn glued_words(text: &str) -> Vec<String> {
    let lone = |w: &str| {
        matches!(
            w,
            "=" | "≈" | "<" | ">" | "≤" | "≥" | "±" | "…" | "−" | "vs"
        )
    };
    let opens_with_symbol = |w: &str| w.starts_with(['✓', '✗', ')', ']', ';', ',', ':']);
    let mut out: Vec<String> = Vec::new();
    let mut glue_next = false;
    for w in text.split(' ') {
        match out.last_mut() {
            Some(last) if glue_next || lone(w) || opens_with_symbol(w) => {
                last.push(' ');
                last.push_str(w);
            }
            _ => out.push(w.to_string()),
        }
        glue_next = lone(w);
    }
    out
}

/// Greedy word wrap of `text` into lines of at most `width` display columns; the lines after the
/// first get `INDENT` from the caller, so they are wrapped to `width - 2`. A word wider than a line
/// is cut.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut used = 0usize;
    let limit = |lines: &Vec<String>| {
        if lines.is_empty() {
            width
        } else {
            width.saturating_sub(INDENT.len()).max(1)
        }
    };
    for word in glued_words(text) {
        let word = word.as_str();
        let ww = Table::width(word);
        let sep = usize::from(!line.is_empty());
        if used + sep + ww <= limit(&lines) {
            if sep == 1 {
                line.push(' ');
            }
            line.push_str(word);
            used += sep + ww;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        // The word starts a line; cut it while it is wider than one.
        let mut rest = word;
        while Table::width(rest) > limit(&lines) {
            let max = limit(&lines);
            let mut w = 0;
            let cut = rest
                .char_indices()
                .find(|(_, c)| {
                    w += Table::width(c.encode_utf8(&mut [0u8; 4]));
                    w > max
                })
                .map_or(rest.len(), |(i, _)| i);
            lines.push(rest[..cut].to_string());
            rest = &rest[cut..];
        }
        line.push_str(rest);
        used = Table::width(rest);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    /// Prose names come from the metric registry, in both languages; other names pass through.
    #[test]
    fn display_names_come_from_the_registry() {
        use super::{Lang, display_name};
        for lang in [Lang::En, Lang::Ko] {
            assert_eq!(display_name(lang, "roc_auc"), "ROC AUC");
            assert_eq!(display_name(lang, "average_precision"), "AP");
            assert_eq!(display_name(lang, "f1"), "F1");
            assert_eq!(display_name(lang, "log_loss"), "log_loss");
            assert_eq!(display_name(lang, "no_such_metric"), "no_such_metric");
        }
    }

    #[test]
    fn small_p_values_read_as_inequalities_and_z_uses_the_minus_sign() {
        assert_eq!(super::p_eq("p", 0.0004), "p < 0.001");
        assert_eq!(super::p_eq("exact p", 0.81), "exact p = 0.810");
        assert_eq!(super::p_eq("p", f64::NAN), "p = —");
        assert_eq!(super::minus(format!("{:.3}", -2.6281)), "−2.628");
        assert_eq!(super::minus("1.500".into()), "1.500");
    }

    use super::*;

    fn widest(lines: &[String]) -> usize {
        lines.iter().map(|l| Table::width(l)).max().unwrap_or(0)
    }

    #[test]
    fn wrap_keeps_operators_with_their_operands_and_cuts_overlong_words() {
        let text = "at n = 80, differences smaller than 0.1859 are not detectable at α = 0.05";
        for width in 16..40 {
            let lines = wrap(text, width);
            assert_eq!(lines.join(" "), text, "width {width}");
            assert!(
                lines
                    .iter()
                    .all(|l| !l.starts_with('=') && !l.ends_with('='))
            );
            assert!(Table::width(&lines[0]) <= width);
            assert!(lines[1..].iter().all(|l| Table::width(l) <= width - 2));
        }
        // A path longer than the line is cut, not lost.
        let path = "a/".repeat(40);
        let lines = wrap(&format!("File: {path}"), 30);
        assert!(widest(&lines) <= 30, "{lines:?}");
        assert_eq!(lines.concat().replace(' ', ""), format!("File:{path}"));
    }

    #[test]
    fn wrap_counts_hangul_as_two_columns() {
        let text = "평가 데이터가 작습니다 (n = 80 < 100): 수 %p 차이는 잡음 범위입니다.";
        let lines = wrap(text, 24);
        assert!(lines.len() > 2, "{lines:?}");
        assert!(widest(&lines) <= 24, "{lines:?}");
        assert_eq!(lines.join(" "), text);
    }

    fn table(headers: &[&str], rows: &[&[&str]]) -> Table {
        let mut t = Table::new(headers.iter().map(|h| h.to_string()).collect());
        for r in rows {
            t.row(r.iter().map(|c| c.to_string()).collect());
        }
        t
    }

    #[test]
    fn wide_tables_split_repeating_the_first_column_or_become_records() {
        let t = table(
            &["Metric", "aaaaaaaaaa", "bbbbbbbbbb", "cccccccccc"],
            &[&["f1", "0.1", "0.2", "0.3"]],
        );
        let parts = fit_table(&t, 30);
        assert_eq!(parts.len(), 2);
        for p in &parts {
            let Fitted::Table(p) = p else {
                panic!("expected tables")
            };
            assert_eq!(p.headers[0], "Metric");
            assert!(p.text(false).lines().all(|l| Table::width(l) <= 30));
        }
        let long = "m".repeat(40);
        let t = table(&["#", "Model", "AUC"], &[&["1", &long, "0.9"]]);
        let Some(Fitted::Records(lines)) = fit_table(&t, 30).into_iter().next() else {
            panic!("expected records")
        };
        assert!(widest(&lines) <= 30, "{lines:?}");
        assert_eq!(lines[0], "#: 1");
        assert!(lines.concat().contains("AUC: 0.9"));
        assert_eq!(lines.concat().matches('m').count(), 40);
    }
}
