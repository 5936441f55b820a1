//! What the ledger commands share: opening the store, finding experiments by id or name, and
//! text/JSON rendering helpers (text tables are verdict-report's [`Table`]). The conventions of a
//! stored evaluation (tag and metric names, artifact locations) are `verdict_app::ledger`'s.

use anyhow::{Context, Result};
use serde_json::{Map, Value, json};
pub(crate) use verdict_app::ledger::{eval_names, tag};
pub(crate) use verdict_report::{Align, Table};
use verdict_store::{Experiment, ExperimentQuery, Metric, Run, Store, ViewType};

/// Opens the ledger at `url` (created and migrated if new).
pub(crate) fn open(url: &str) -> Result<Store> {
    verdict_app::ledger::open(url)
        .with_context(|| format!("cannot open the ledger (--store {url})"))
}

/// The experiment with this id, else this name.
pub(crate) fn experiment(store: &Store, id_or_name: &str) -> Result<Experiment> {
    Ok(verdict_app::ledger::experiment(store, id_or_name)?)
}

/// Every experiment (active ones, or all), newest first.
pub(crate) fn all_experiments(store: &Store, all: bool, filter: &str) -> Result<Vec<Experiment>> {
    let mut out = Vec::new();
    let mut token = None;
    loop {
        let page = store.search_experiments(&ExperimentQuery {
            filter: filter.to_owned(),
            order_by: vec!["creation_time DESC".to_owned()],
            max_results: 1000,
            page_token: token,
            view: if all {
                ViewType::All
            } else {
                ViewType::ActiveOnly
            },
        })?;
        out.extend(page.items);
        match page.next_page_token {
            Some(t) => token = Some(t),
            None => return Ok(out),
        }
    }
}

/// A metric value for JSON: a number, or "NaN" / "Infinity" / "-Infinity" (a logged NaN is a
/// value, not a missing one, so it is not `null`).
pub(crate) fn json_f64(v: f64) -> Value {
    if v.is_nan() {
        json!("NaN")
    } else if v.is_infinite() {
        json!(if v > 0.0 { "Infinity" } else { "-Infinity" })
    } else {
        json!(v)
    }
}

/// A metric value for text output (`runs list`, `runs show`, its history), docs/ledger.md:
/// 0 and every value with 0.001 <= |x| < 1e6 with 4 decimals (`0.5193`, as the eval reports print
/// metrics); any other finite value with 4 significant digits in scientific notation, Python's
/// `'%.3e'` (`1.000e-05`, `1.235e+07`), so a learning rate of 1e-5 does not print as `0.0000`;
/// `nan`, `inf`, `-inf`; -0.0 as `0.0000`. JSON output keeps the exact value.
pub(crate) fn text_f64(v: f64) -> String {
    if v.is_nan() {
        "nan".to_owned()
    } else if v.is_infinite() {
        if v > 0.0 { "inf" } else { "-inf" }.to_owned()
    } else if v == 0.0 {
        "0.0000".to_owned()
    } else if (1e-3..1e6).contains(&v.abs()) {
        format!("{v:.4}")
    } else {
        // Rust writes `1.000e-5`; Python (and C's printf) `1.000e-05`.
        let s = format!("{v:.3e}");
        match s.split_once('e') {
            Some((mantissa, exp)) => {
                let (sign, digits) = match exp.strip_prefix('-') {
                    Some(d) => ('-', d),
                    None => ('+', exp),
                };
                format!("{mantissa}e{sign}{digits:0>2}")
            }
            None => s,
        }
    }
}

/// Epoch milliseconds as `YYYY-MM-DD HH:MM:SS` UTC (the web UI's format), `-` for none.
pub(crate) fn time(ms: Option<i64>) -> String {
    ms.map_or_else(|| "-".to_owned(), verdict_report::fmt_time)
}

/// A text table of the ledger commands, rendered by verdict-report's [`Table`] (`.text(false)`):
/// these headers, column `i` aligned by `align[i]` (left when not given).
pub(crate) fn table(headers: &[&str], align: &[Align]) -> Table {
    Table::with_align(
        headers.iter().map(|h| (*h).to_owned()).collect(),
        align.to_vec(),
    )
}

/// `{key: value}` of tags or params.
pub(crate) fn kv_json<'a>(items: impl Iterator<Item = (&'a str, &'a str)>) -> Value {
    Value::Object(
        items
            .map(|(k, v)| (k.to_owned(), Value::from(v)))
            .collect::<Map<_, _>>(),
    )
}

pub(crate) fn metric_json(m: &Metric) -> Value {
    json!({"value": json_f64(m.value), "step": m.step, "timestamp": m.timestamp})
}

/// The run as JSON (docs/ledger.md): info, params, tags, latest metrics.
pub(crate) fn run_json(run: &Run) -> Value {
    let i = &run.info;
    json!({
        "run_id": i.run_id,
        "experiment_id": i.experiment_id,
        "run_name": i.run_name,
        "status": i.status.as_str(),
        "lifecycle_stage": i.lifecycle_stage.as_str(),
        "user_id": i.user_id,
        "start_time": i.start_time,
        "end_time": i.end_time,
        "artifact_uri": i.artifact_uri,
        "params": kv_json(run.params.iter().map(|p| (p.key.as_str(), p.value.as_str()))),
        "tags": kv_json(run.tags.iter().map(|t| (t.key.as_str(), t.value.as_str()))),
        "metrics": Value::Object(run.metrics.iter().map(|m| (m.key.clone(), metric_json(m))).collect()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every case of python/make_ledger_number_fixture.py, formatted by Python's printf.
    #[test]
    fn metric_text_matches_python_printf() {
        let doc: Value =
            serde_json::from_str(include_str!("../../tests/fixtures/ledger/metric_text.json"))
                .expect("fixture is JSON");
        let cases = doc["cases"].as_array().expect("cases");
        assert!(cases.len() > 30);
        for c in cases {
            let (repr, want) = (c[0].as_str().expect("repr"), c[1].as_str().expect("text"));
            let v: f64 = repr.parse().expect("a float");
            assert_eq!(text_f64(v), want, "{repr}");
        }
    }

    #[test]
    fn civil_time() {
        assert_eq!(time(Some(0)), "1970-01-01 00:00:00");
        assert_eq!(time(Some(1_796_155_676_388)), "2026-12-01 20:07:56");
        assert_eq!(time(Some(951_782_400_000)), "2000-02-29 00:00:00");
        assert_eq!(time(None), "-");
    }
}
