//! The image links of the Markdown reports (`--out-dir`): titled in the report's language, the
//! English titles unchanged ("ROC", "Precision-recall" in a comparison; "ROC", "PR",
//! "Reliability" in an evaluation).

use verdict_core::calibration::{Binning, CalibrationConfig};
use verdict_core::compare::{CompareConfig, compare};
use verdict_core::eval::{EvalConfig, EvalData, ScoreData, evaluate};
use verdict_report::compare::CompareReport;
use verdict_report::{EvalReport, Lang, compare as report_compare, markdown};

fn eval_config() -> EvalConfig {
    EvalConfig {
        threshold: 0.5,
        bootstrap: 0,
        seed: 0,
        level: 0.95,
        calibration: CalibrationConfig {
            n_bins: 10,
            binning: Binning::Uniform,
            high_confidence: 0.9,
        },
        target_recall: None,
        target_precision: None,
        curve_points: 0,
    }
}

/// A binary model with probability scores on 40 samples; `shift` makes models differ.
fn binary(shift: f64) -> EvalData {
    let labels: Vec<u32> = (0..40).map(|i| u32::from(i % 3 == 0)).collect();
    let scores = labels
        .iter()
        .enumerate()
        .map(|(i, &l)| {
            let noise = ((i * 7) % 10) as f64 / 20.0;
            (f64::from(l) * 0.4 + noise + shift).clamp(0.0, 1.0)
        })
        .collect();
    EvalData {
        classes: vec!["neg".into(), "pos".into()],
        positive: Some(1),
        labels,
        scores: ScoreData::Binary(scores),
        probabilistic: true,
        groups: None,
    }
}

fn compare_report() -> CompareReport {
    let cfg = CompareConfig {
        eval: eval_config(),
        metric: "roc_auc".into(),
        alpha: 0.05,
        power: 0.8,
        permutations: 0,
    };
    let result = compare(&[binary(0.0), binary(0.05)], 0, &cfg, &|| {}).expect("compare");
    CompareReport {
        sources: vec!["a.csv".into(), "b.csv".into()],
        names: vec!["a".into(), "b".into()],
        fingerprint: "sha256:0".into(),
        groups: None,
        result,
        thresholds: None,
        warnings: Vec::new(),
    }
}

fn eval_report() -> EvalReport {
    EvalReport {
        source: "a.csv".into(),
        inputs: "probabilities",
        fingerprint: "sha256:0".into(),
        group_column: None,
        group_count: None,
        result: evaluate(&binary(0.0), &eval_config(), &|| {}),
        grouped: Vec::new(),
        slices: None,
        normalized: None,
    }
}

fn pairs(v: &[(String, String)]) -> Vec<(&str, &str)> {
    v.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect()
}

#[test]
fn korean_comparison_links_its_plots_with_korean_titles() {
    let rep = compare_report();
    let plots = report_compare::plots(&rep, Lang::Ko);
    assert_eq!(
        pairs(&plots),
        [("ROC 곡선", "roc.svg"), ("정밀도-재현율 곡선", "pr.svg")]
    );
    let md = report_compare::markdown(&rep, Lang::Ko, &plots);
    assert!(md.contains("- ![ROC 곡선](roc.svg)\n"), "{md}");
    assert!(md.contains("- ![정밀도-재현율 곡선](pr.svg)\n"), "{md}");
    assert!(!md.contains("Precision-recall"), "{md}");
    assert!(!md.contains("![ROC]"), "{md}");
}

#[test]
fn english_comparison_keeps_its_plot_titles() {
    let rep = compare_report();
    let plots = report_compare::plots(&rep, Lang::En);
    assert_eq!(
        pairs(&plots),
        [("ROC", "roc.svg"), ("Precision-recall", "pr.svg")]
    );
    let md = report_compare::markdown(&rep, Lang::En, &plots);
    assert!(
        md.contains("- ![ROC](roc.svg)\n- ![Precision-recall](pr.svg)\n"),
        "{md}"
    );
}

#[test]
fn evaluation_links_its_plots_in_the_report_language() {
    let rep = eval_report();
    assert_eq!(
        pairs(&markdown::plots(&rep, Lang::En)),
        [
            ("ROC", "roc.svg"),
            ("PR", "pr.svg"),
            ("Reliability", "reliability.svg")
        ]
    );
    let plots = markdown::plots(&rep, Lang::Ko);
    assert_eq!(
        pairs(&plots),
        [
            ("ROC 곡선", "roc.svg"),
            ("정밀도-재현율 곡선", "pr.svg"),
            ("신뢰도 다이어그램", "reliability.svg")
        ]
    );
    let md = markdown::render_with_plots(&rep, Lang::Ko, &plots);
    assert!(
        md.contains("- ![신뢰도 다이어그램](reliability.svg)\n"),
        "{md}"
    );
}

#[test]
fn svg_titles_and_labels_come_from_i18n() {
    use verdict_report::i18n::{Phrase, t};
    let rep = eval_report();
    let roc = rep.result.roc.as_ref().expect("roc");
    let series = [verdict_report::svg::Series::roc("a", roc, None)];
    let ko = verdict_report::svg::roc_plot(&series, Lang::Ko);
    for p in [
        Phrase::RocTitle,
        Phrase::FalsePositiveRate,
        Phrase::TruePositiveRate,
    ] {
        assert!(ko.contains(t(Lang::Ko, p)), "{p:?}");
    }
}
