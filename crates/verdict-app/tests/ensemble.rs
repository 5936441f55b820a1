//! `verdict_app::ensemble` on seed 004's synthetic four-member sentiment ensemble
//! (examples/ensemble/seed004: BERT 96 %, BiLSTM 87 %, LSTM 85 %, lexicon 82 % accuracy, the RNNs'
//! errors overlapping): the report must say that the ensemble depends on BERT and whether the
//! planned re-weighting (0.35/0.35/0.20/0.10) is significantly better than the current one
//! (0.30/0.30/0.25/0.15).

use std::path::{Path, PathBuf};

use verdict_app::NoProgress;
use verdict_app::ensemble::{EnsembleOptions, EnsembleSpec, Optimize, ReviewSource, ensemble};
use verdict_core::ensemble::SelectionMetric;
use verdict_core::eval::EvalConfig;
use verdict_io::{PredictionOptions, ReadOptions};
use verdict_report::ensemble::Voting;

const MEMBERS: [&str; 4] = ["bert", "bilstm", "lstm", "lexicon"];

fn files(split: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/ensemble/seed004");
    MEMBERS
        .iter()
        .map(|m| dir.join(split).join(format!("{m}.csv")))
        .collect()
}

fn options() -> EnsembleOptions {
    EnsembleOptions {
        eval: EvalConfig {
            bootstrap: 500,
            curve_points: 200,
            ..verdict_app::eval::point_config()
        },
        metric: Some("accuracy".into()),
        alpha: 0.05,
        voting: Voting::Soft,
        weights: vec![vec![0.30, 0.30, 0.25, 0.15], vec![0.35, 0.35, 0.20, 0.10]],
        optimize: None,
        rounds: 50,
        select_metric: SelectionMetric::LogLoss,
        allow_test_fit: false,
        stability: 0,
        stability_level: 0.9,
        label_review: None,
        in_sample: false,
    }
}

fn spec(options: EnsembleOptions, val: bool) -> EnsembleSpec {
    EnsembleSpec {
        files: verdict_app::input::files(&files("test")),
        val: if val {
            verdict_app::input::files(&files("val"))
        } else {
            Vec::new()
        },
        read: ReadOptions::default(),
        predictions: PredictionOptions::default(),
        options,
    }
}

fn checks(rep: &verdict_report::ensemble::EnsembleReport) -> Vec<(&'static str, Option<usize>)> {
    rep.findings.iter().map(|f| (f.check, f.model)).collect()
}

#[test]
fn seed004_depends_on_bert_and_the_reweighting_is_noise() {
    let rep = ensemble(&spec(options(), false), &NoProgress).expect("ensemble");
    assert_eq!(rep.names, MEMBERS);
    assert_eq!(rep.best_member, 0, "BERT is the best member");
    // The given weightings, normalised, the first being the ensemble's.
    assert_eq!(rep.weightings.len(), 2);
    assert_eq!(rep.weightings[0].label, "given");
    assert_eq!(rep.weightings[1].label, "given#2");
    // Leave-one-member-out: BERT's contribution is the largest, and the finding says so.
    let bert = &rep.leave_one_out[0];
    assert!(
        rep.leave_one_out[1..]
            .iter()
            .all(|l| l.contribution < bert.contribution)
    );
    let found = checks(&rep);
    assert!(found.contains(&("dominant_member", Some(0))), "{found:?}");
    // Removing the LSTM makes the ensemble better (the RNNs' shared errors outvote BERT).
    assert!(found.contains(&("harmful_member", Some(2))), "{found:?}");
    // The planned weights are not significantly better than the current ones.
    let re = rep.reweighting.as_ref().expect("reweighting");
    assert_eq!(re.names, ["ensemble", "given#2"]);
    let c = &re.result.comparisons[0];
    assert!(!c.significant, "{c:?}");
    // Neither ensemble beats BERT alone (the data set's design: both are below 96 %).
    assert!(found.contains(&("ensemble_not_better", None)), "{found:?}");
    // Diversity: the two RNNs are the most redundant pair.
    assert_eq!(rep.most_redundant, Some((1, 2)));
}

#[test]
fn learned_weights_need_validation_files() {
    let mut o = options();
    o.optimize = Some(Optimize::Caruana);
    let err = ensemble(&spec(o.clone(), false), &NoProgress).expect_err("no --val");
    assert!(err.to_string().contains("--val"), "{err}");
    // With --allow-test-fit it runs, and says the metrics are optimistic.
    o.allow_test_fit = true;
    let rep = ensemble(&spec(o, false), &NoProgress).expect("test fit");
    assert!(checks(&rep).contains(&("weights_fit_on_test", None)));
}

#[test]
fn caruana_on_validation_with_stability_and_label_review() {
    let mut o = options();
    o.optimize = Some(Optimize::Caruana);
    o.stability = 50;
    o.label_review = Some(ReviewSource::Ensemble);
    let rep = ensemble(&spec(o, true), &NoProgress).expect("ensemble");
    let learned = rep.weightings[0].learned.as_ref().expect("learned");
    assert_eq!(
        (learned.method, learned.on, learned.rows),
        ("caruana", "validation", 2000)
    );
    let selection = learned.selection.as_ref().expect("selection");
    assert_eq!(selection.order.len(), 50);
    assert_eq!(
        selection.order[0], 0,
        "round 1 is the best single member, BERT"
    );
    let stability = learned.stability.as_ref().expect("stability");
    assert_eq!(stability.members.len(), 4);
    for (m, w) in stability.members.iter().zip(&rep.weightings[0].weights) {
        assert!(m.low <= m.median && m.median <= m.high, "{m:?}");
        assert!((0.0..=1.0).contains(w));
    }
    // Both given weightings are compared with the learned ensemble.
    assert_eq!(
        rep.reweighting.as_ref().expect("reweighting").names.len(),
        3
    );
    let review = rep.label_review.as_ref().expect("label review");
    assert_eq!(review.source, "ensemble");
    assert_eq!(review.ids.len(), 2000);
    assert!(!checks(&rep).contains(&("label_review_in_sample", None)));
}

#[test]
fn refusals_name_what_was_expected() {
    let mut o = options();
    o.weights = vec![vec![0.5, 0.5]];
    let err = ensemble(&spec(o, false), &NoProgress).expect_err("wrong count");
    assert!(
        err.to_string()
            .contains("--weights #1: 2 weights for 4 members"),
        "{err}"
    );
    let mut o = options();
    o.weights = vec![vec![0.5, -0.1, 0.3, 0.3]];
    let err = ensemble(&spec(o, false), &NoProgress).expect_err("negative");
    assert!(err.to_string().contains("--weights #1"), "{err}");
    let mut o = options();
    o.optimize = Some(Optimize::LogLoss);
    o.voting = Voting::Hard;
    let err = ensemble(&spec(o, true), &NoProgress).expect_err("hard + optimize");
    assert!(err.to_string().contains("soft-voting"), "{err}");
    // The eval sets must agree: val files as test files of another set are refused.
    let mut mixed = spec(options(), false);
    mixed.files[3] = files("val")[3].clone().into();
    let err = ensemble(&mixed, &NoProgress).expect_err("different eval sets");
    assert!(!err.to_string().is_empty());
}

#[test]
fn a_member_of_weight_zero_is_dead_without_a_second_model() {
    let mut o = options();
    o.weights = vec![vec![0.5, 0.3, 0.2, 0.0]];
    let rep = ensemble(&spec(o, false), &NoProgress).expect("ensemble");
    // Without the lexicon (weight 0) the ensemble is the ensemble itself: exactly no change.
    let lexicon = &rep.leave_one_out[3];
    assert_eq!(lexicon.member, 3);
    assert_eq!(lexicon.delta, 0.0);
    assert!(lexicon.contribution == 0.0 && lexicon.contribution.is_sign_positive());
    assert_eq!((lexicon.ci, lexicon.p_value), (Some((0.0, 0.0)), Some(1.0)));
    let ensemble_value = rep.members.result.models[0]
        .metric("accuracy")
        .expect("accuracy")
        .value;
    assert_eq!(lexicon.value, ensemble_value);
    assert!(
        checks(&rep).contains(&("dead_member", Some(3))),
        "{:?}",
        checks(&rep)
    );
    // The members of nonzero weight are left out for real: each changes the ensemble.
    assert!(rep.leave_one_out[..3].iter().all(|l| l.delta != 0.0));
}
