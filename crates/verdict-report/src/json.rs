//! The `--format json` document (`docs/eval-json.md`). Undefined values (NaN, ±inf) are `null`.

use crate::EvalReport;
use serde_json::{Map, Value, json};
use verdict_core::binary::ThresholdChoice;
use verdict_core::eval::EvalResult;

/// A float, or `null` when it is not finite.
pub(crate) fn num(v: f64) -> Value {
    if v.is_finite() { json!(v) } else { Value::Null }
}

/// `{name: {value, ci_low, ci_high}}` in report order.
pub fn metrics(r: &EvalResult) -> Value {
    let mut m = Map::new();
    for x in &r.metrics {
        let (lo, hi) =
            x.ci.map_or((Value::Null, Value::Null), |(l, h)| (num(l), num(h)));
        m.insert(
            x.name.clone(),
            json!({"value": num(x.value), "ci_low": lo, "ci_high": hi}),
        );
    }
    Value::Object(m)
}

/// `{"labels", "matrix"}` (dense, rows = true) with at most `limit` classes; above, the nonzero
/// cells in row-major order as coordinates (scipy's COO):
/// `{"labels", "format": "coo", "shape": [k, k], "rows", "cols", "counts"}`, where `rows[i]` /
/// `cols[i]` index `labels` (true / predicted class) and `counts[i] > 0`.
fn confusion(r: &EvalResult, limit: usize) -> Value {
    let k = r.confusion.k;
    if k <= limit {
        let dense = r.confusion.dense();
        let matrix: Vec<&[u64]> = dense.chunks(k.max(1)).collect();
        return json!({"labels": r.classes, "matrix": matrix});
    }
    let cells = r.confusion.nonzero();
    let rows: Vec<u32> = cells.iter().map(|c| c.0).collect();
    let cols: Vec<u32> = cells.iter().map(|c| c.1).collect();
    let counts: Vec<u64> = cells.iter().map(|c| c.2).collect();
    json!({"labels": r.classes, "format": "coo", "shape": [k, k], "rows": rows, "cols": cols, "counts": counts})
}

fn per_class(r: &EvalResult) -> Value {
    Value::Array(
        r.per_class
            .iter()
            .zip(&r.classes)
            .map(|(c, name)| {
                json!({"class": name, "precision": num(c.precision), "recall": num(c.recall), "f1": num(c.f1), "support": c.support})
            })
            .collect(),
    )
}

fn choice(c: &ThresholdChoice) -> Value {
    json!({"threshold": num(c.threshold), "tpr": num(c.tpr), "fpr": num(c.fpr), "precision": num(c.precision), "recall": num(c.recall), "f1": num(c.f1), "j": num(c.j)})
}

/// The evaluation body shared by the top level, grouped problems and slices.
fn body(r: &EvalResult, m: &mut Map<String, Value>, limit: usize) {
    m.insert("n".into(), json!(r.n));
    if let Some(t) = r.threshold {
        m.insert("threshold".into(), num(t));
    }
    m.insert("metrics".into(), metrics(r));
    m.insert("per_class".into(), per_class(r));
    m.insert("confusion_matrix".into(), confusion(r, limit));
    let mc: Vec<Value> = r
        .most_confused
        .iter()
        .map(|p| {
            json!({"true": r.classes[p.true_class], "pred": r.classes[p.pred_class], "count": p.count,
                   "share_of_errors": num(p.share_of_errors), "share_of_true": num(p.share_of_true)})
        })
        .collect();
    m.insert("most_confused".into(), Value::Array(mc));
    if let (Some(roc), Some(pr)) = (&r.roc, &r.pr) {
        let nums = |v: &[f64]| Value::Array(v.iter().map(|&x| num(x)).collect());
        let (roc_points, pr_points) = r.curve_sizes;
        m.insert(
            "curves".into(),
            json!({
                "roc": {"fpr": nums(&roc.fpr), "tpr": nums(&roc.tpr), "thresholds": nums(&roc.thresholds),
                        "points": roc_points, "decimated": roc.fpr.len() < roc_points},
                "pr": {"precision": nums(&pr.precision), "recall": nums(&pr.recall), "thresholds": nums(&pr.thresholds),
                       "points": pr_points, "decimated": pr.precision.len() < pr_points},
            }),
        );
    }
    if !r.thresholds.is_empty() {
        let mut t = Map::new();
        for nt in &r.thresholds {
            let mut v = choice(&nt.choice);
            if let (Some(target), Value::Object(o)) = (nt.target, &mut v) {
                o.insert("target".into(), num(target));
            }
            t.insert(nt.name.to_string(), v);
        }
        m.insert("thresholds".into(), Value::Object(t));
    }
    if let Some(c) = &r.calibration {
        let bins: Vec<Value> = c
            .bins
            .iter()
            .map(|b| {
                json!({"lower": num(b.lower), "upper": num(b.upper), "count": b.count,
                       "mean_confidence": num(b.mean_confidence), "accuracy": num(b.accuracy)})
            })
            .collect();
        m.insert(
            "calibration".into(),
            json!({
                "strategy": r.calibration_config.binning.as_str(), "n_bins": r.calibration_config.n_bins,
                "ece": num(c.ece), "mce": num(c.mce),
                "mean_confidence": num(c.mean_confidence), "accuracy": num(c.accuracy),
                "high_confidence": {"threshold": num(r.calibration_config.high_confidence), "n": c.high_conf_n, "error_rate": num(c.high_conf_error_rate)},
                "bins": bins,
            }),
        );
    }
}

fn warnings(r: &EvalResult) -> Value {
    Value::Array(
        r.warnings
            .iter()
            .map(|w| json!({"code": w.check, "message": crate::findings::message(crate::Lang::En, w)}))
            .collect(),
    )
}

/// The whole document, pretty-printed. Above [`crate::CLASS_LIMIT`] classes the confusion matrix
/// is sparse (see `docs/eval-json.md`).
pub fn render(rep: &EvalReport) -> String {
    render_with_class_limit(rep, crate::CLASS_LIMIT)
}

/// [`render`] with another class limit than [`crate::CLASS_LIMIT`] (`usize::MAX`: always the dense
/// matrix).
pub fn render_with_class_limit(rep: &EvalReport, limit: usize) -> String {
    let r = &rep.result;
    let mut m = Map::new();
    m.insert("schema".into(), json!(1));
    m.insert(
        "tool".into(),
        json!(concat!("verdict ", env!("CARGO_PKG_VERSION"))),
    );
    m.insert("source".into(), json!(rep.source));
    m.insert("task".into(), json!(rep.task()));
    m.insert("classes".into(), json!(r.classes));
    if let Some(p) = r.positive {
        m.insert("positive".into(), json!(r.classes[p]));
    }
    m.insert("inputs".into(), json!(rep.inputs));
    m.insert(
        "normalized".into(),
        match rep.normalized {
            Some(n) => json!({"rows": n.rows, "max_deviation": num(n.max_deviation)}),
            None => Value::Null,
        },
    );
    m.insert("fingerprint".into(), json!(rep.fingerprint));
    m.insert(
        "groups".into(),
        match (&rep.group_column, rep.group_count) {
            (Some(c), Some(k)) => json!({"column": c, "count": k}),
            _ => Value::Null,
        },
    );
    body(r, &mut m, limit);
    let grouped: Vec<Value> = rep
        .grouped
        .iter()
        .map(|g| {
            let mut o = Map::new();
            o.insert("name".into(), json!(g.name));
            o.insert("members".into(), json!(g.members));
            body(&g.result, &mut o, limit);
            Value::Object(o)
        })
        .collect();
    m.insert("grouped".into(), Value::Array(grouped));
    m.insert(
        "slices".into(),
        match &rep.slices {
            None => Value::Null,
            Some(s) => {
                let values: Vec<Value> = s
                    .values
                    .iter()
                    .map(|(v, res)| {
                        let mut o = Map::new();
                        o.insert("value".into(), json!(v));
                        body(res, &mut o, limit);
                        o.insert("warnings".into(), warnings(res));
                        Value::Object(o)
                    })
                    .collect();
                json!({"column": s.column, "values": values})
            }
        },
    );
    m.insert(
        "bootstrap".into(),
        match &r.bootstrap {
            None => Value::Null,
            Some(b) => {
                let undefined: Map<String, Value> =
                    r.metrics.iter().filter(|x| x.undefined > 0).map(|x| (x.name.clone(), json!(x.undefined))).collect();
                json!({"replicates": b.replicates, "seed": b.seed, "level": b.level,
                       "unit": if b.clustered { "group" } else { "sample" }, "units": b.units, "undefined": undefined})
            }
        },
    );
    m.insert("warnings".into(), warnings(r));
    let mut s = serde_json::to_string_pretty(&Value::Object(m)).unwrap_or_default();
    s.push('\n');
    s
}
