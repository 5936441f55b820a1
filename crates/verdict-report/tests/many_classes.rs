//! Reports above the class limit ([`verdict_report::CLASS_LIMIT`]): the sparse JSON matrix is the
//! dense one of the same result rendered with the limit raised, nothing else in the JSON changes,
//! and the text and Markdown reports stay bounded while the unlimited ones grow with k².

use serde_json::Value;
use verdict_core::calibration::{Binning, CalibrationConfig};
use verdict_core::eval::{EvalConfig, EvalData, ScoreData, evaluate};
use verdict_core::rng::Xoshiro256pp;
use verdict_report::{CLASS_LIMIT, EvalReport, Lang, json, markdown, text};

/// `k` classes, 3 rows each, probabilities from a noisy model (row-normalised, most rows wrong).
fn report(k: usize) -> EvalReport {
    let mut rng = Xoshiro256pp::for_stream(10, 0);
    let n = 3 * k;
    let labels: Vec<u32> = (0..n).map(|i| (i % k) as u32).collect();
    let mut probs = Vec::with_capacity(n * k);
    for &l in &labels {
        let mut row: Vec<f64> = (0..k).map(|_| rng.next_f64()).collect();
        row[l as usize] += 3.0 * rng.next_f64();
        let s: f64 = row.iter().sum();
        probs.extend(row.iter().map(|v| v / s));
    }
    let data = EvalData {
        classes: (0..k).map(|c| format!("c{c}")).collect(),
        positive: None,
        labels,
        scores: ScoreData::Probabilities(probs),
        probabilistic: true,
        groups: None,
    };
    let cfg = EvalConfig {
        threshold: 0.5,
        bootstrap: 5,
        seed: 0,
        level: 0.95,
        calibration: CalibrationConfig {
            n_bins: 15,
            binning: Binning::Uniform,
            high_confidence: 0.9,
        },
        target_recall: None,
        target_precision: None,
        curve_points: 0,
    };
    EvalReport {
        source: "many.csv".into(),
        inputs: "probabilities",
        fingerprint: "sha256:0".into(),
        group_column: None,
        group_count: None,
        result: evaluate(&data, &cfg, &|| {}),
        grouped: Vec::new(),
        slices: None,
        normalized: None,
    }
}

#[test]
fn sparse_json_matrix_round_trips_to_the_dense_one() {
    let rep = report(200);
    let sparse: Value = serde_json::from_str(&json::render(&rep)).expect("json");
    let dense: Value =
        serde_json::from_str(&json::render_with_class_limit(&rep, usize::MAX)).expect("json");
    let cm = &sparse["confusion_matrix"];
    assert_eq!(cm["format"], "coo");
    assert_eq!(cm["shape"], serde_json::json!([200, 200]));
    let matrix = dense["confusion_matrix"]["matrix"]
        .as_array()
        .expect("dense");
    let mut rebuilt = vec![vec![0u64; 200]; 200];
    let cells = cm["counts"].as_array().expect("counts").len();
    for i in 0..cells {
        let at = |key: &str| cm[key][i].as_u64().expect("integer");
        rebuilt[at("rows") as usize][at("cols") as usize] = at("counts");
    }
    let want: Vec<Vec<u64>> = matrix
        .iter()
        .map(|r| {
            r.as_array()
                .expect("row")
                .iter()
                .map(|v| v.as_u64().expect("count"))
                .collect()
        })
        .collect();
    assert_eq!(rebuilt, want);
    let nonzero = want.iter().flatten().filter(|&&c| c > 0).count();
    assert_eq!(cells, nonzero);
    // Apart from the matrix the two documents are the same.
    let (mut a, mut b) = (sparse.clone(), dense.clone());
    a["confusion_matrix"] = Value::Null;
    b["confusion_matrix"] = Value::Null;
    assert_eq!(a, b);
}

#[test]
fn at_the_limit_the_json_matrix_stays_dense() {
    let rep = report(CLASS_LIMIT);
    let doc: Value = serde_json::from_str(&json::render(&rep)).expect("json");
    let cm = doc["confusion_matrix"].as_object().expect("object");
    assert_eq!(
        cm.keys().collect::<Vec<_>>(),
        vec!["labels", "matrix"],
        "the dense shape consumers already read"
    );
    let text = text::render(&rep, Lang::En, false);
    assert!(!text.contains("Showing"), "no truncation at the limit");
    assert!(text.contains("Most confused class pairs"));
}

#[test]
fn text_and_markdown_are_bounded_above_the_limit() {
    for k in [51, 200, 400] {
        let rep = report(k);
        for (name, out, full) in [
            (
                "text",
                text::render(&rep, Lang::En, false),
                text::render_with_class_limit(&rep, Lang::En, false, usize::MAX),
            ),
            (
                "md",
                markdown::render(&rep, Lang::Ko),
                markdown::render_with_class_limit(&rep, Lang::Ko, usize::MAX),
            ),
        ] {
            let lines = out.lines().count();
            assert!(lines <= 140, "{name}, k = {k}: {lines} lines");
            assert!(out.len() <= 16_000, "{name}, k = {k}: {} bytes", out.len());
            // The unlimited report has at least a row per class in the per-class table and the
            // matrix, so the bound is what the limit buys.
            assert!(
                full.lines().count() > 2 * k,
                "{name}, k = {k}: the full report"
            );
        }
    }
}
