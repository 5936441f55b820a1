//! Rendering a retrieval evaluation: the JSON document and the terminal/Markdown tables (overall,
//! side-by-side subsets, per class).

use crate::fmt4;
use crate::i18n::{Lang, Phrase, t};
use crate::json::num;
use crate::sections::{Block, Section};
use crate::table::Table;
use serde_json::{Map, Value, json};
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
    /// Warnings, as sentences.
    pub warnings: Vec<String>,
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
    doc.insert("warnings".into(), json!(r.warnings));
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

fn sections(r: &RetrievalReport, lang: Lang) -> Vec<Section> {
    let mut head: Vec<Block> = r
        .header
        .iter()
        .map(|(k, v)| {
            Block::Line(format!(
                "{k}: {}",
                v.as_str().map_or_else(|| v.to_string(), String::from)
            ))
        })
        .collect();
    head.push(Block::Line(format!(
        "queries without a relevant item: {} ({})",
        r.overall.no_relevant, r.no_relevant_policy
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
            .map(|w| Block::Line(format!("⚠️ {w}")))
            .collect()
    };
    out.push(Section {
        title: t(lang, Phrase::Warnings).into(),
        blocks: warn,
    });
    // Overall, then side by side per subset, then per class.
    let mut groups: Vec<(String, &Summary)> =
        vec![(format!("all (n={})", r.overall.queries), &r.overall)];
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
        let names: Vec<&String> = r.overall.metrics.iter().map(|m| &m.name).take(6).collect();
        let mut headers = vec![t(lang, Phrase::Class).to_string(), "n".into()];
        headers.extend(names.iter().map(|n| (*n).clone()));
        let mut tb = Table::new(headers);
        for (label, s) in pc {
            let mut row = vec![label.clone(), s.queries.to_string()];
            row.extend(s.metrics.iter().take(6).map(|m| fmt4(m.value)));
            tb.row(row);
        }
        out.push(Section {
            title: t(lang, Phrase::PerClass).into(),
            blocks: vec![Block::Table(tb)],
        });
    }
    out
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

/// The JSON document of `verdict retrieval compare`: every difference is B − A.
pub fn compare_json(names: &[String; 2], rows: &[PairedRow], level: f64) -> String {
    let mut metrics = Map::new();
    for (name, p) in rows {
        let (lo, hi) =
            p.ci.map_or((Value::Null, Value::Null), |(l, h)| (num(l), num(h)));
        metrics.insert(
            name.clone(),
            json!({"a": num(p.mean_a), "b": num(p.mean_b), "delta": num(p.delta), "ci_low": lo, "ci_high": hi,
                   "p_bootstrap": p.p_bootstrap.map_or(Value::Null, num), "p_randomization": p.p_randomization.map_or(Value::Null, num),
                   "wins": p.wins, "ties": p.ties, "losses": p.losses, "queries": p.queries}),
        );
    }
    let doc = json!({"schema": 1, "tool": concat!("verdict ", env!("CARGO_PKG_VERSION")), "task": "retrieval_compare",
                     "a": names[0], "b": names[1], "level": num(level), "metrics": metrics});
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// The terminal or Markdown table of `verdict retrieval compare`.
pub fn compare_render(
    names: &[String; 2],
    rows: &[PairedRow],
    lang: Lang,
    markdown: bool,
    color: bool,
) -> String {
    let mut tb = Table::new(vec![
        t(lang, Phrase::Metric).into(),
        names[0].clone(),
        names[1].clone(),
        format!("{} − {}", names[1], names[0]),
        t(lang, Phrase::Interval).into(),
        "p (randomization)".into(),
        "p (bootstrap)".into(),
        "win/tie/loss".into(),
    ]);
    let p = |x: Option<f64>| x.map_or("—".into(), |v| format!("{v:.4}"));
    for (name, r) in rows {
        tb.row(vec![
            name.clone(),
            fmt4(r.mean_a),
            fmt4(r.mean_b),
            format!("{:+.4}", r.delta),
            r.ci.map_or("—".into(), |(l, h)| format!("{} … {}", fmt4(l), fmt4(h))),
            p(r.p_randomization),
            p(r.p_bootstrap),
            format!("{}/{}/{}", r.wins, r.ties, r.losses),
        ]);
    }
    let secs = vec![Section {
        title: t(lang, Phrase::Metrics).into(),
        blocks: vec![Block::Table(tb)],
    }];
    if markdown {
        crate::markdown::render_sections(t(lang, Phrase::RetrievalTitle), &secs)
    } else {
        crate::text::render_sections(&secs, color)
    }
}
