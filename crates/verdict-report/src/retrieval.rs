//! Rendering a retrieval evaluation: the JSON document and the terminal/Markdown tables (overall,
//! side-by-side subsets, per class).

use crate::fmt4;
use crate::i18n::{self, Conclusion, Lang, Phrase, t};
use crate::json::num;
use crate::sections::{Block, Section};
use crate::table::Table;
use serde_json::{Map, Value, json};
pub use verdict_core::diagnostics::EmbeddingRole;
use verdict_core::diagnostics::Finding;
use verdict_core::retrieval::Summary;

/// A retrieval evaluation with what the reader knows.
#[derive(Debug, Clone)]
pub struct RetrievalReport {
    /// Facts about the inputs (mode, queries, gallery, dim, similarity, depth…), in order.
    pub header: Vec<(String, Value)>,
    /// The cut-offs.
    pub k: Vec<usize>,
    /// `exclude` or `zero`.
    pub no_relevant_policy: &'static str,
    /// All queries.
    pub overall: Summary,
    /// `(column, [(value, summary)])` for `--subset-col`.
    pub subsets: Option<(String, Vec<(String, Summary)>)>,
    /// Per query label.
    pub per_class: Option<Vec<(String, Summary)>>,
    /// Bootstrap: (replicates, seed, level).
    pub bootstrap: Option<(usize, u64, f64)>,
    /// Warnings: findings of the retrieval checks (`verdict_core::diagnostics`), worded per
    /// language by [`crate::findings::message`].
    pub warnings: Vec<Finding>,
}

fn summary_json(s: &Summary) -> Value {
    let mut metrics = Map::new();
    for m in &s.metrics {
        let (lo, hi) =
            m.ci.map_or((Value::Null, Value::Null), |(l, h)| (num(l), num(h)));
        metrics.insert(
            m.name.clone(),
            json!({"value": num(m.value), "ci_low": lo, "ci_high": hi}),
        );
    }
    json!({"queries": s.queries, "no_relevant": s.no_relevant, "metrics": metrics})
}

/// The JSON document.
pub fn json(r: &RetrievalReport) -> String {
    let mut doc = Map::new();
    doc.insert("schema".into(), json!(1));
    doc.insert(
        "tool".into(),
        json!(concat!("verdict ", env!("CARGO_PKG_VERSION"))),
    );
    doc.insert("task".into(), json!("retrieval"));
    for (k, v) in &r.header {
        doc.insert(k.clone(), v.clone());
    }
    doc.insert("k".into(), json!(r.k));
    doc.insert(
        "no_relevant".into(),
        json!({"policy": r.no_relevant_policy, "queries": r.overall.no_relevant}),
    );
    doc.insert(
        "metrics".into(),
        summary_json(&r.overall)["metrics"].clone(),
    );
    if let Some((col, values)) = &r.subsets {
        let values: Vec<Value> = values
            .iter()
            .map(|(v, s)| json!({"value": v, "summary": summary_json(s)}))
            .collect();
        doc.insert("subsets".into(), json!({"column": col, "values": values}));
    }
    if let Some(pc) = &r.per_class {
        let rows: Vec<Value> = pc
            .iter()
            .map(|(l, s)| json!({"class": l, "summary": summary_json(s)}))
            .collect();
        doc.insert("per_class".into(), Value::Array(rows));
    }
    doc.insert(
        "bootstrap".into(),
        r.bootstrap.map_or(Value::Null, |(b, seed, level)| json!({"replicates": b, "seed": seed, "level": level, "unit": "query"})),
    );
    let warnings: Vec<String> = r
        .warnings
        .iter()
        .map(|w| crate::findings::message(Lang::En, w))
        .collect();
    doc.insert("warnings".into(), json!(warnings));
    let mut s = serde_json::to_string_pretty(&Value::Object(doc)).unwrap_or_default();
    s.push('\n');
    s
}

fn cell(value: f64, ci: Option<(f64, f64)>) -> String {
    match ci {
        Some((lo, hi)) => format!("{} ({}…{})", fmt4(value), fmt4(lo), fmt4(hi)),
        None => fmt4(value),
    }
}

/// The metrics of the per-class table, in report order: the headline ones (precision_at_1,
/// hit_rate at the largest k, mrr, map, map_at_r, r_precision, those that were computed). Every
/// metric per class is in the JSON document (`per_class`), and the table says so.
fn per_class_columns(r: &RetrievalReport) -> Vec<usize> {
    let hit = r.k.iter().max().map(|k| format!("hit_rate_at_{k}"));
    let wanted = |name: &str| {
        matches!(
            name,
            "precision_at_1" | "mrr" | "map" | "map_at_r" | "r_precision"
        ) || hit.as_deref() == Some(name)
    };
    r.overall
        .metrics
        .iter()
        .enumerate()
        .filter(|(_, m)| wanted(&m.name))
        .map(|(i, _)| i)
        .collect()
}

fn sections(r: &RetrievalReport, lang: Lang) -> Vec<Section> {
    let mut head: Vec<Block> = r
        .header
        .iter()
        .map(|(k, v)| {
            Block::Line(format!(
                "{}: {}",
                i18n::retrieval_header_label(lang, k),
                v.as_str()
                    .map_or_else(|| v.to_string(), |s| i18n::retrieval_header_value(lang, s))
            ))
        })
        .collect();
    let policy = i18n::no_relevant_policy(lang, r.no_relevant_policy);
    head.push(Block::Line(format!(
        "{}: {} ({policy})",
        i18n::retrieval_header_label(lang, "no_relevant"),
        r.overall.no_relevant,
    )));
    let mut out = vec![Section {
        title: t(lang, Phrase::EvalSet).into(),
        blocks: head,
    }];
    let warn = if r.warnings.is_empty() {
        vec![Block::Line(t(lang, Phrase::NoWarnings).into())]
    } else {
        r.warnings
            .iter()
            .map(|w| Block::Line(format!("⚠️ {}", crate::findings::message(lang, w))))
            .collect()
    };
    out.push(Section {
        title: t(lang, Phrase::Warnings).into(),
        blocks: warn,
    });
    // Overall, then side by side per subset, then per class.
    let mut groups: Vec<(String, &Summary)> = vec![(
        format!("{} (n={})", t(lang, Phrase::AllQueries), r.overall.queries),
        &r.overall,
    )];
    if let Some((col, values)) = &r.subsets {
        groups.extend(
            values
                .iter()
                .map(|(v, s)| (format!("{col}={v} (n={})", s.queries), s)),
        );
    }
    let mut headers = vec![t(lang, Phrase::Metric).to_string()];
    headers.extend(groups.iter().map(|(name, _)| name.clone()));
    let mut tb = Table::new(headers);
    for (i, m) in r.overall.metrics.iter().enumerate() {
        let mut row = vec![m.name.clone()];
        row.extend(
            groups
                .iter()
                .map(|(_, s)| s.metrics.get(i).map_or("—".into(), |x| cell(x.value, x.ci))),
        );
        tb.row(row);
    }
    out.push(Section {
        title: t(lang, Phrase::Metrics).into(),
        blocks: vec![Block::Table(tb)],
    });
    if let Some(pc) = &r.per_class {
        let cols = per_class_columns(r);
        let mut headers = vec![t(lang, Phrase::Class).to_string(), "n".into()];
        headers.extend(cols.iter().map(|&i| r.overall.metrics[i].name.clone()));
        let mut tb = Table::new(headers);
        for (label, s) in pc {
            let mut row = vec![label.clone(), s.queries.to_string()];
            row.extend(
                cols.iter()
                    .map(|&i| s.metrics.get(i).map_or("—".into(), |m| fmt4(m.value))),
            );
            tb.row(row);
        }
        let (shown, all) = (cols.len(), r.overall.metrics.len());
        let note = i18n::retrieval_per_class_note(lang, shown, all);
        out.push(Section {
            title: t(lang, Phrase::PerClass).into(),
            blocks: vec![Block::Table(tb), Block::Line(note)],
        });
    }
    out
}

/// The evaluation as one self-contained HTML file ([`crate::html`]).
pub fn html(r: &RetrievalReport, lang: Lang) -> String {
    crate::html::render_sections(
        t(lang, Phrase::RetrievalTitle),
        lang,
        &sections(r, lang),
        &[],
    )
}

/// The evaluation for a notebook cell ([`crate::html`]'s fragment).
pub fn html_fragment(r: &RetrievalReport, lang: Lang) -> String {
    crate::html::fragment(t(lang, Phrase::RetrievalTitle), &sections(r, lang), &[])
}

/// Markdown (`markdown = true`) or terminal text.
pub fn render(r: &RetrievalReport, lang: Lang, markdown: bool, color: bool) -> String {
    let secs = sections(r, lang);
    if markdown {
        crate::markdown::render_sections(t(lang, Phrase::RetrievalTitle), &secs)
    } else {
        crate::text::render_sections(&secs, color)
    }
}

/// One metric of a two-system comparison.
pub type PairedRow = (String, verdict_core::retrieval::PairedQueries);

/// A two-system retrieval comparison with what the reader needs to judge it.
#[derive(Debug, Clone)]
pub struct RetrievalComparison {
    /// System A (the reference) and system B; every difference is B − A.
    pub names: [String; 2],
    /// Every metric both systems report, in report order.
    pub rows: Vec<PairedRow>,
    /// Bootstrap interval level, e.g. 0.95.
    pub level: f64,
    /// Significance level of the verdict, e.g. 0.05.
    pub alpha: f64,
    /// The metric the verdict line is about (`--metric`); by default the first of map_at_r, map,
    /// mrr, precision_at_1 that was compared.
    pub headline: Option<String>,
    /// Sign-flip permutations of the randomization test (0: none, the bootstrap p is used).
    pub permutations: usize,
    /// Bootstrap replicates (a bootstrap p-value of 0 is reported as below `1/replicates`).
    pub bootstrap: usize,
}

impl RetrievalComparison {
    fn headline_row(&self) -> Option<&PairedRow> {
        match &self.headline {
            Some(m) => self.rows.iter().find(|(n, _)| n == m),
            None => ["map_at_r", "map", "mrr", "precision_at_1"]
                .iter()
                .find_map(|m| self.rows.iter().find(|(n, _)| n == m)),
        }
    }

    /// The p-value a metric is judged by: the randomization test when it ran, else the paired
    /// bootstrap; with its name.
    fn p_of(&self, p: &verdict_core::retrieval::PairedQueries) -> Option<(f64, Phrase)> {
        p.p_randomization
            .map(|x| (x, Phrase::PairedRandomizationTest))
            .or(p.p_bootstrap.map(|x| (x, Phrase::PairedBootstrap)))
    }

    fn significant(&self, p: &verdict_core::retrieval::PairedQueries) -> Option<bool> {
        self.p_of(p).map(|(x, _)| x < self.alpha)
    }

    /// The verdict line: "b − a: map_at_r −0.0366 (95% CI −0.0410 … −0.0321), p = 0.005 (paired
    /// randomization test, 199 permutations): b is significantly worse at α = 0.05". For every
    /// metric higher is better, so a positive significant difference means B is better. The
    /// headline metric is the one confirmatory test; the other metrics' p-values are descriptive
    /// (they are strongly correlated and not corrected for multiplicity).
    pub fn verdict_line(&self, lang: Lang) -> String {
        use crate::compare::{p_fmt, signed};
        let [a, b] = &self.names;
        let Some((metric, p)) = self.headline_row() else {
            return format!("{b} − {a}: {}", t(lang, Phrase::NoMetricToCompare));
        };
        let level = self.level * 100.0;
        let ci = p.ci.map_or(String::new(), |(lo, hi)| {
            format!(" {}", i18n::interval(lang, level, &signed(lo), &signed(hi)))
        });
        let test = self.p_of(p);
        let pv = test.map_or(String::new(), |(x, name)| {
            let name = t(lang, name);
            let perms = if self.permutations > 0 && p.p_randomization.is_some() {
                i18n::permutations(lang, self.permutations)
            } else {
                String::new()
            };
            let p = if x == 0.0 && p.p_randomization.is_none() && self.bootstrap > 0 {
                // None of the replicates crossed zero: the resolution is 1/B.
                format!("p < {:.3}", 1.0 / self.bootstrap as f64)
            } else if x < 0.001 {
                "p < 0.001".to_string()
            } else {
                format!("p = {}", p_fmt(x))
            };
            format!(", {p} ({name}{perms})")
        });
        let alpha = self.alpha;
        let conclusion = match (self.significant(p), p.delta > 0.0) {
            (None, _) => Conclusion::NoRetrievalTest,
            (Some(false), _) => Conclusion::NoDifference,
            (Some(true), true) => Conclusion::Better(b),
            (Some(true), false) => Conclusion::Worse(b),
        };
        let conclusion = i18n::conclusion(lang, conclusion, alpha);
        format!(
            "{b} − {a}: {metric} {}{ci}{pv}: {conclusion}",
            signed(p.delta)
        )
    }
}

/// The JSON document of `verdict retrieval compare`: every difference is B − A.
pub fn compare_json(c: &RetrievalComparison) -> String {
    let mut metrics = Map::new();
    for (name, p) in &c.rows {
        let (lo, hi) =
            p.ci.map_or((Value::Null, Value::Null), |(l, h)| (num(l), num(h)));
        metrics.insert(
            name.clone(),
            json!({"a": num(p.mean_a), "b": num(p.mean_b), "delta": num(p.delta), "ci_low": lo, "ci_high": hi,
                   "p_bootstrap": p.p_bootstrap.map_or(Value::Null, num), "p_randomization": p.p_randomization.map_or(Value::Null, num),
                   "significant": c.significant(p),
                   "wins": p.wins, "ties": p.ties, "losses": p.losses, "queries": p.queries}),
        );
    }
    let headline = c.headline_row().map(|(m, _)| m.clone());
    let doc = json!({"schema": 1, "tool": concat!("verdict ", env!("CARGO_PKG_VERSION")), "task": "retrieval_compare",
                     "a": c.names[0], "b": c.names[1], "level": num(c.level), "alpha": num(c.alpha),
                     "permutations": c.permutations,
                     "headline": {"metric": headline, "verdict": c.verdict_line(Lang::En)},
                     "metrics": metrics});
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// The terminal or Markdown report of `verdict retrieval compare`: the verdict line, then every
/// metric side by side with its interval, p-values, significance and B's wins/ties/losses.
fn compare_sections(c: &RetrievalComparison, lang: Lang) -> Vec<Section> {
    let [a, b] = &c.names;
    let (yes, no) = (t(lang, Phrase::Yes), t(lang, Phrase::No));
    let wtl = format!("{b} {}", t(lang, Phrase::WinsTiesLosses));
    let mut tb = Table::new(vec![
        t(lang, Phrase::Metric).into(),
        a.clone(),
        b.clone(),
        format!("{b} − {a}"),
        t(lang, Phrase::Interval).into(),
        t(lang, Phrase::PRandomization).into(),
        t(lang, Phrase::PBootstrap).into(),
        format!("α = {}", c.alpha),
        wtl,
    ]);
    let p = |x: Option<f64>| x.map_or("—".into(), crate::compare::p_fmt);
    // A bootstrap p-value has a resolution of 1/B: none of B replicates crossed zero.
    let p_boot = |x: Option<f64>| match x {
        Some(v) if v == 0.0 && c.bootstrap > 0 => format!("< {:.3}", 1.0 / c.bootstrap as f64),
        other => p(other),
    };
    for (name, r) in &c.rows {
        tb.row(vec![
            name.clone(),
            fmt4(r.mean_a),
            fmt4(r.mean_b),
            crate::compare::signed(r.delta),
            r.ci.map_or("—".into(), |(l, h)| {
                format!(
                    "{} … {}",
                    crate::compare::signed(l),
                    crate::compare::signed(h)
                )
            }),
            p(r.p_randomization),
            p_boot(r.p_bootstrap),
            c.significant(r)
                .map_or("—".into(), |s| if s { yes } else { no }.to_string()),
            format!("{}/{}/{}", r.wins, r.ties, r.losses),
        ]);
    }
    let verdict = c.verdict_line(lang);
    let secs = vec![
        Section {
            title: t(lang, Phrase::Verdict).into(),
            // The terminal drops the bold markers.
            blocks: vec![Block::Line(format!("**{verdict}**"))],
        },
        Section {
            title: t(lang, Phrase::Metrics).into(),
            blocks: vec![Block::Table(tb)],
        },
    ];
    secs
}

/// The comparison as Markdown (`markdown = true`) or terminal text.
pub fn compare_render(c: &RetrievalComparison, lang: Lang, markdown: bool, color: bool) -> String {
    let secs = compare_sections(c, lang);
    if markdown {
        crate::markdown::render_sections(t(lang, Phrase::RetrievalCompareTitle), &secs)
    } else {
        crate::text::render_sections(&secs, color)
    }
}

/// The comparison as one self-contained HTML file ([`crate::html`]).
pub fn compare_html(c: &RetrievalComparison, lang: Lang) -> String {
    crate::html::render_sections(
        t(lang, Phrase::RetrievalCompareTitle),
        lang,
        &compare_sections(c, lang),
        &[],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use verdict_core::retrieval::PairedQueries;

    fn paired(p_randomization: Option<f64>, p_bootstrap: Option<f64>) -> PairedQueries {
        PairedQueries {
            queries: 100,
            mean_a: 0.5,
            mean_b: 0.6,
            delta: 0.1,
            ci: Some((0.05, 0.15)),
            p_bootstrap,
            p_randomization,
            wins: 60,
            ties: 10,
            losses: 30,
        }
    }

    fn comparison(p: PairedQueries, permutations: usize, bootstrap: usize) -> RetrievalComparison {
        RetrievalComparison {
            names: ["a".into(), "b".into()],
            rows: vec![("map".into(), p)],
            level: 0.95,
            alpha: 0.05,
            headline: None,
            permutations,
            bootstrap,
        }
    }

    /// "p < 0.001", never "p = < 0.001" (issue 10); a bootstrap p of 0 is below its resolution 1/B.
    #[test]
    fn verdict_line_writes_small_p_values_as_inequalities() {
        let c = comparison(paired(Some(1.0 / 10_000.0), Some(0.0)), 9_999, 200);
        for lang in [Lang::En, Lang::Ko] {
            let line = c.verdict_line(lang);
            assert!(line.contains(", p < 0.001 ("), "{line}");
            assert!(!line.contains("= <"), "{line}");
        }
        assert_eq!(
            c.verdict_line(Lang::En),
            "b − a: map +0.1000 (95% CI +0.0500 … +0.1500), p < 0.001 (paired randomization test, 9999 permutations): b is significantly better at α = 0.05"
        );
        let c = comparison(paired(None, Some(0.0)), 0, 200);
        assert!(
            c.verdict_line(Lang::En)
                .contains(", p < 0.005 (paired bootstrap)"),
            "{}",
            c.verdict_line(Lang::En)
        );
        let c = comparison(paired(Some(0.0421), None), 999, 0);
        assert!(c.verdict_line(Lang::En).contains(", p = 0.042 ("));
    }

    /// The Korean table has no English column headers left.
    #[test]
    fn korean_comparison_table_is_translated() {
        let c = comparison(paired(Some(0.01), Some(0.02)), 99, 100);
        let md = compare_render(&c, Lang::Ko, true, false);
        for english in [
            "randomization",
            "bootstrap",
            "wins",
            "yes",
            "no significant",
        ] {
            assert!(!md.contains(english), "{english}: {md}");
        }
        assert!(
            md.contains("p (무작위화 검정)") && md.contains("p (부트스트랩)"),
            "{md}"
        );
    }

    #[test]
    fn warnings_are_singular_for_one() {
        use verdict_core::diagnostics as d;
        let text = |f: &Finding, lang| crate::findings::message(lang, f);
        let one = d::queries_missing_from_run(1);
        assert_eq!(
            text(&one, Lang::En),
            "1 judged query is missing from the run; it retrieved nothing and scores 0"
        );
        let two = d::queries_missing_from_run(2);
        assert!(
            text(&two, Lang::En).starts_with("2 judged queries are missing from the run; they")
        );
        assert!(
            text(&d::duplicate_embeddings(1), Lang::En)
                .starts_with("1 gallery embedding repeats an earlier row")
        );
        let zero = d::zero_embeddings(EmbeddingRole::Gallery, vec![7], 1);
        assert!(
            text(&zero, Lang::En)
                .starts_with("1 gallery embedding is all zeros (row 7, counted from 0)"),
            "{}",
            text(&zero, Lang::En)
        );
        let zero = d::zero_embeddings(EmbeddingRole::Query, vec![0, 1, 2, 3, 4], 9);
        assert!(
            text(&zero, Lang::En).starts_with(
                "9 query embeddings are all zeros (rows 0, 1, 2, 3, 4, …, counted from 0)"
            ),
            "{}",
            text(&zero, Lang::En)
        );
        assert!(
            text(&zero, Lang::Ko)
                .starts_with("쿼리 임베딩 9개가 영벡터입니다 (행 0, 1, 2, 3, 4, …, 0부터 셈)")
        );
    }
}
