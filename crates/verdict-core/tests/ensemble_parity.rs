//! The ensemble core against its references, `fixtures/ensemble/*.json` (written by
//! `python/make_ensemble_fixtures.py` with the pins of `python/requirements-ensemble.txt`; the keys
//! are described in `fixtures/ensemble/README.md`):
//!
//! * scikit-learn 1.9.1's `VotingClassifier` (soft `predict_proba` to 1e-12 relative, soft and hard
//!   `predict` exactly, ties included) on wine, digits and breast_cancer, and rank averaging
//!   (`scipy.stats.rankdata`) to 1e-12;
//! * scipy's SLSQP log-loss optimum over the simplex (our log loss at most 1e-12 relative above
//!   it, the weights within 1e-6; see `ensemble::optimize` for why) and scikit-learn's log loss of
//!   the equal-weight ensemble (1e-9);
//! * the plain-Python Caruana reference (the same selection sequence exactly, the scores to 1e-9);
//! * the numpy Kuncheva–Whitaker reference (counts exactly, measures to 1e-12, undefined = null).

use serde_json::Value;
use verdict_core::Weights;
use verdict_core::ensemble::{
    Members, SelectionMetric, binary_rows, caruana, diversity, hard_vote, most_redundant,
    optimize_log_loss, oracle, rank_average, soft_vote,
};
use verdict_core::multiclass::{argmax_predictions, log_loss};

const VOTING: &str = include_str!("fixtures/ensemble/voting.json");
const OPTIMIZE: &str = include_str!("fixtures/ensemble/optimize.json");
const DIVERSITY: &str = include_str!("fixtures/ensemble/diversity.json");

fn parse(s: &str) -> Value {
    serde_json::from_str(s).expect("fixture is JSON")
}

fn f64s(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("a list")
        .iter()
        .map(|x| x.as_f64().expect("a number"))
        .collect()
}

fn u32s(v: &Value) -> Vec<u32> {
    v.as_array()
        .expect("a list")
        .iter()
        .map(|x| u32::try_from(x.as_u64().expect("an integer")).expect("fits u32"))
        .collect()
}

fn usizes(v: &Value) -> Vec<usize> {
    u32s(v).into_iter().map(|x| x as usize).collect()
}

/// A list of rows → one row-major matrix.
fn matrix(v: &Value) -> Vec<f64> {
    v.as_array().expect("rows").iter().flat_map(f64s).collect()
}

/// A list of matrices, one per member.
fn member_matrices(v: &Value) -> Vec<Vec<f64>> {
    v.as_array().expect("members").iter().map(matrix).collect()
}

fn k_of(d: &Value) -> usize {
    d["k"].as_u64().expect("k") as usize
}

/// An optimize.json data set's validation part: (member matrices, labels, k).
fn validation(d: &Value) -> (Vec<Vec<f64>>, Vec<u32>, usize) {
    (
        member_matrices(&d["val"]["proba"]),
        u32s(&d["val"]["labels"]),
        k_of(d),
    )
}

fn close(a: f64, b: f64, rtol: f64) -> bool {
    (a - b).abs() <= rtol * a.abs().max(b.abs()) + 1e-300
}

fn assert_close_all(got: &[f64], want: &[f64], rtol: f64, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    for (i, (a, b)) in got.iter().zip(want).enumerate() {
        assert!(close(*a, *b, rtol), "{what}[{i}]: {a} vs {b}");
    }
}

#[test]
fn soft_and_hard_voting_match_voting_classifier() {
    let fx = parse(VOTING);
    let mut hard_ties = 0;
    let mut bit_identical = (0usize, 0usize);
    for d in fx["datasets"].as_array().expect("datasets") {
        let name = d["name"].as_str().expect("name");
        let k = k_of(d);
        let probs = member_matrices(&d["member_proba"]);
        let members = Members::new(probs.iter().map(Vec::as_slice).collect(), k).expect("valid");
        assert_eq!(members.rows() as u64, d["n"].as_u64().expect("n"));
        for case in d["cases"].as_array().expect("cases") {
            let w = f64s(&case["weights"]);
            let what = format!("{name} {w:?}");
            let soft = soft_vote(&members, &w).expect("valid weights");
            let want = matrix(&case["soft_proba"]);
            assert_close_all(&soft, &want, 1e-12, &format!("{what} soft_proba"));
            bit_identical.0 += soft.iter().zip(&want).filter(|(a, b)| a == b).count();
            bit_identical.1 += want.len();
            assert_eq!(
                argmax_predictions(&soft, k),
                u32s(&case["soft_pred"]),
                "{what} soft_pred"
            );
            assert_eq!(
                hard_vote(&members, &w).expect("valid weights"),
                u32s(&case["hard_pred"]),
                "{what} hard_pred"
            );
            hard_ties += case["hard_ties"].as_u64().expect("hard_ties");
            if let Some(rank) = case.get("rank_average") {
                assert_eq!(k, 2);
                let pos: Vec<Vec<f64>> = probs
                    .iter()
                    .map(|p| p.chunks_exact(2).map(|r| r[1]).collect())
                    .collect();
                let refs: Vec<&[f64]> = pos.iter().map(Vec::as_slice).collect();
                let got = rank_average(&refs, &w).expect("valid");
                assert_close_all(&got, &f64s(rank), 1e-12, &format!("{what} rank_average"));
            }
        }
    }
    // The fixtures exercise ties: otherwise the tie rule would be untested.
    assert!(hard_ties > 0);
    // Evaluated as numpy does, the soft vote is the same to the last bit.
    assert_eq!(
        bit_identical.0, bit_identical.1,
        "soft_proba bit-identical values"
    );
}

#[test]
fn log_loss_optimum_reaches_slsqp() {
    let fx = parse(OPTIMIZE);
    for d in fx["datasets"].as_array().expect("datasets") {
        let name = d["name"].as_str().expect("name");
        let (probs, y, k) = validation(d);
        let members = Members::new(probs.iter().map(Vec::as_slice).collect(), k).expect("valid");
        if name == "seed004" {
            // The CSV scores s as the rows [1 − s, s] numpy built: binary_rows gives the same bits.
            for p in &probs {
                let s: Vec<f64> = p.chunks_exact(2).map(|r| r[1]).collect();
                assert_eq!(&binary_rows(&s), p, "seed004: binary rows");
            }
        }

        // scikit-learn's log loss of the equal-weight soft vote: the crate's log-loss convention.
        let equal = soft_vote(&members, &vec![1.0; members.count()]).expect("valid");
        let want = d["equal_weights_log_loss"].as_f64().expect("number");
        let got = log_loss(&y, &equal, k, Weights::Unit);
        assert!(
            close(got, want, 1e-9),
            "{name}: equal weights {got} vs {want}"
        );

        let opt = optimize_log_loss(&members, &y, Weights::Unit).expect("valid");
        let s = &d["slsqp"];
        let want = s["log_loss"].as_f64().expect("log_loss");
        assert!(opt.converged, "{name}: not converged");
        assert!(
            opt.log_loss <= want * (1.0 + 1e-12),
            "{name}: {} above SLSQP's {want}",
            opt.log_loss
        );
        assert!(
            close(opt.log_loss, want, 1e-9),
            "{name}: {} vs {want}",
            opt.log_loss
        );
        let sw = f64s(&s["weights"]);
        for (j, (a, b)) in opt.weights.iter().zip(&sw).enumerate() {
            assert!(
                (a - b).abs() < 1e-6,
                "{name}: weight {j}: {a} vs SLSQP {b} ({:?} vs {sw:?})",
                opt.weights
            );
        }
        assert!((opt.weights.iter().sum::<f64>() - 1.0).abs() < 1e-14);
        let max_dw = opt
            .weights
            .iter()
            .zip(&sw)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        eprintln!(
            "{name}: log loss {:.17} (SLSQP {want:.17}, {:+.2e} relative), weights within \
             {max_dw:.1e} of SLSQP's, {} iterations (SLSQP {})",
            opt.log_loss,
            (opt.log_loss - want) / want,
            opt.iterations,
            s["nit"]
        );
    }
}

#[test]
fn caruana_selection_matches_the_reference() {
    let fx = parse(OPTIMIZE);
    let mut runs = 0;
    for d in fx["datasets"].as_array().expect("datasets") {
        let name = d["name"].as_str().expect("name");
        let (probs, y, k) = validation(d);
        let members = Members::new(probs.iter().map(Vec::as_slice).collect(), k).expect("valid");
        for c in d["caruana"].as_array().expect("caruana") {
            let metric = match c["metric"].as_str().expect("metric") {
                "log_loss" => SelectionMetric::LogLoss,
                "accuracy" => SelectionMetric::Accuracy,
                other => panic!("unknown metric {other}"),
            };
            let rounds = c["rounds"].as_u64().expect("rounds") as usize;
            let what = format!("{name} {metric:?} {rounds}");
            let sel = caruana(&members, &y, rounds, metric, Weights::Unit).expect("valid");
            assert_eq!(sel.order, usizes(&c["order"]), "{what}: order");
            assert_close_all(
                &sel.scores,
                &f64s(&c["scores"]),
                1e-9,
                &format!("{what} scores"),
            );
            assert_eq!(sel.weights, f64s(&c["weights"]), "{what}: weights");
            runs += 1;
        }
    }
    assert_eq!(runs, 16);
}

fn opt_f64(v: &Value) -> Option<f64> {
    (!v.is_null()).then(|| v.as_f64().expect("a number or null"))
}

#[test]
fn diversity_matches_the_numpy_reference() {
    let fx = parse(DIVERSITY);
    let voting = parse(VOTING);
    let mut from_probs = 0;
    let mut undefined = 0;
    for c in fx["cases"].as_array().expect("cases") {
        let name = c["name"].as_str().expect("name");
        let correct: Vec<Vec<bool>> = c["correct"]
            .as_array()
            .expect("members")
            .iter()
            .map(|m| u32s(m).into_iter().map(|x| x == 1).collect())
            .collect();
        // Oracle outputs of the voting data sets: recomputed from the member probabilities.
        let source = c["source"].as_str().expect("source");
        if let Some(ds) = source.strip_prefix("voting.json:") {
            let d = voting["datasets"]
                .as_array()
                .expect("datasets")
                .iter()
                .find(|d| d["name"] == ds)
                .expect("source data set");
            let probs = member_matrices(&d["member_proba"]);
            let members =
                Members::new(probs.iter().map(Vec::as_slice).collect(), k_of(d)).expect("valid");
            let got = oracle(&members, &u32s(&d["labels"])).expect("valid");
            assert_eq!(got, correct, "{name}: oracle outputs");
            from_probs += 1;
        }
        let pairs = diversity(&correct).expect("valid");
        let want = c["pairs"].as_array().expect("pairs");
        assert_eq!(pairs.len(), want.len(), "{name}: pairs");
        for (p, w) in pairs.iter().zip(want) {
            let what = format!("{name} ({}, {})", p.a, p.b);
            assert_eq!(
                [p.a as u64, p.b as u64, p.n11, p.n10, p.n01, p.n00],
                ["a", "b", "n11", "n10", "n01", "n00"].map(|key| w[key].as_u64().expect(key)),
                "{what}: counts"
            );
            for (key, got) in [
                ("disagreement", p.disagreement),
                ("q", p.q),
                ("double_fault", p.double_fault),
                ("correlation", p.correlation),
            ] {
                match (got, opt_f64(&w[key])) {
                    (None, None) => undefined += 1,
                    (Some(a), Some(b)) => assert!(close(a, b, 1e-12), "{what} {key}: {a} vs {b}"),
                    (a, b) => panic!("{what} {key}: {a:?} vs {b:?}"),
                }
            }
        }
        let want_red = (!c["most_redundant"].is_null()).then(|| {
            let v = usizes(&c["most_redundant"]);
            (v[0], v[1])
        });
        assert_eq!(most_redundant(&pairs), want_red, "{name}: most redundant");
    }
    assert_eq!(from_probs, 3);
    assert!(undefined > 0, "the fixtures must hold undefined measures");
}
