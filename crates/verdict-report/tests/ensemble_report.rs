//! `verdict ensemble`'s report on a small real ensemble: four synthetic three-class members
//! (a strong one, two middling, a weak lexicon), weights learned by Caruana's selection on a
//! separate validation set with their bootstrap stability, two given weightings, leave one member
//! out, diversity and a label review of labels flipped on purpose. Everything is computed by
//! `verdict-core` (compare, ensemble, label_review, diagnostics) the way `verdict-app` assembles
//! it; the terminal and Markdown reports (en, ko), the JSON document and the plots are compared
//! with committed snapshots (`tests/snapshots/ensemble/`, rewritten with `UPDATE_SNAPSHOTS=1`).

use std::path::Path;
use verdict_core::Weights;
use verdict_core::calibration::{Binning, CalibrationConfig};
use verdict_core::compare::{CompareConfig, CompareResult, compare};
use verdict_core::diagnostics::{self, Contribution, Finding};
use verdict_core::ensemble::{
    Members, SelectionMetric, WeightMethod, caruana, diversity, most_redundant, oracle, soft_vote,
    weight_stability,
};
use verdict_core::eval::{EvalConfig, EvalData, ScoreData, resampler_for};
use verdict_core::label_review::find_label_issues;
use verdict_report::Lang;
use verdict_report::compare::CompareReport;
use verdict_report::ensemble::{
    self, EnsembleReport, LabelReviewReport, Learned, LeaveOneOut, Voting, Weighting,
};

const CLASSES: [&str; 3] = ["negative", "neutral", "positive"];

/// SplitMix64: a deterministic stream of uniforms in [0, 1).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// What a test ensemble is made of.
struct Scenario {
    names: [&'static str; 4],
    /// Each member's accuracy against the true class, about.
    accuracy: [f64; 4],
    /// How much the members' errors share the same "hard" rows (0: independent).
    shared: f64,
    /// Learn the weights by Caruana's selection on a validation set (else the first given
    /// weighting is the ensemble's).
    learn: bool,
}

/// Four members whose errors are mostly their own, the weights learned on validation.
const LEARNED: Scenario = Scenario {
    names: ["bert", "bilstm", "lstm", "lexicon"],
    accuracy: [0.86, 0.84, 0.82, 0.75],
    shared: 0.1,
    learn: true,
};

/// Seed 004's team: one strong member the others mostly agree with, the weights given by hand
/// (0.30/0.30/0.25/0.15, the plan 0.35/0.35/0.20/0.10 compared with them).
const SEED004: Scenario = Scenario {
    names: ["bert", "bilstm", "lstm", "lexicon"],
    accuracy: [0.95, 0.72, 0.7, 0.66],
    shared: 0.05,
    learn: false,
};

/// `n` rows of three classes: the given labels (every 23rd row's label flipped on purpose) and
/// one probability matrix per member of accuracy about `accuracy[m]` against the true class;
/// the members err more on the same "hard" rows by `shared`.
fn synthetic(n: usize, seed: u64, accuracy: &[f64], shared: f64) -> (Vec<u32>, Vec<Vec<f64>>) {
    let mut rng = Rng(seed);
    let truth: Vec<u32> = (0..n).map(|_| (rng.next() * 3.0) as u32 % 3).collect();
    let labels: Vec<u32> = truth
        .iter()
        .enumerate()
        .map(|(i, &y)| if i % 23 == 5 { (y + 1) % 3 } else { y })
        .collect();
    let hard: Vec<f64> = (0..n).map(|_| rng.next()).collect();
    let members = accuracy
        .iter()
        .map(|&a| {
            let mut rows = Vec::with_capacity(n * 3);
            for (i, &y) in truth.iter().enumerate() {
                let right = shared * hard[i] + (1.0 - shared) * rng.next() < a;
                let pred = if right {
                    y
                } else {
                    (y + 1 + u32::from(rng.next() < 0.5)) % 3
                };
                let confidence = 0.5 + 0.45 * rng.next();
                for c in 0..3 {
                    rows.push(if c == pred {
                        confidence
                    } else {
                        (1.0 - confidence) / 2.0
                    });
                }
            }
            rows
        })
        .collect();
    (labels, members)
}

fn data(labels: &[u32], probs: Vec<f64>) -> EvalData {
    EvalData {
        classes: CLASSES.iter().map(|c| c.to_string()).collect(),
        positive: None,
        labels: labels.to_vec(),
        scores: ScoreData::Probabilities(probs),
        probabilistic: true,
        groups: None,
    }
}

fn config() -> CompareConfig {
    CompareConfig {
        eval: EvalConfig {
            threshold: 0.5,
            bootstrap: 200,
            seed: 7,
            level: 0.95,
            calibration: CalibrationConfig {
                n_bins: 10,
                binning: Binning::Uniform,
                high_confidence: 0.9,
            },
            target_recall: None,
            target_precision: None,
            curve_points: 0,
        },
        metric: "accuracy".into(),
        alpha: 0.05,
        power: 0.8,
        permutations: 0,
    }
}

fn family(all: &CompareResult, keep: Vec<usize>, names: Vec<String>) -> CompareReport {
    CompareReport {
        sources: names.iter().map(|n| format!("{n}.csv")).collect(),
        names,
        fingerprint: "sha256:ensemble-test".into(),
        groups: None,
        result: all.subset(&keep).expect("the family keeps the ensemble"),
        thresholds: None,
        warnings: Vec::new(),
    }
}

/// Weights learned by Caruana's selection (20 rounds, log loss) on the validation rows, with
/// their stability under 40 bootstrap resamples.
fn learn(val_labels: &[u32], val: &[Vec<f64>]) -> Weighting {
    let val_members = Members::new(val.iter().map(Vec::as_slice).collect(), 3).expect("members");
    let selection = caruana(
        &val_members,
        val_labels,
        20,
        SelectionMetric::LogLoss,
        Weights::Unit,
    )
    .expect("caruana");
    let stability = weight_stability(
        &val_members,
        val_labels,
        WeightMethod::Caruana {
            rounds: 20,
            metric: SelectionMetric::LogLoss,
        },
        &resampler_for(&data(val_labels, val[0].clone())),
        40,
        7,
        0.9,
    )
    .expect("stability");
    Weighting {
        label: "caruana".into(),
        weights: selection.weights.clone(),
        learned: Some(Learned {
            method: "caruana",
            on: "validation",
            rows: val_labels.len(),
            select_metric: Some("log_loss"),
            selection: Some(selection),
            optimum: None,
            stability: Some(stability),
        }),
    }
}

/// The report on `s`, assembled as `verdict-app` does.
fn report(s: &Scenario) -> EnsembleReport {
    let names: Vec<String> = s.names.iter().map(|s| s.to_string()).collect();
    let m = names.len();
    let (labels, test) = synthetic(150, 1, &s.accuracy, s.shared);
    let (val_labels, val) = synthetic(120, 2, &s.accuracy, s.shared);

    // Weights learned on the validation set, with their stability; then two given weightings.
    let given = vec![
        Weighting {
            label: "given".into(),
            weights: vec![0.3, 0.3, 0.25, 0.15],
            learned: None,
        },
        Weighting {
            label: "given#2".into(),
            weights: vec![0.35, 0.35, 0.2, 0.1],
            learned: None,
        },
    ];
    let mut weightings = Vec::new();
    if s.learn {
        weightings.push(learn(&val_labels, &val));
    }
    weightings.extend(given);
    let val_sources = if s.learn {
        names.iter().map(|n| format!("val/{n}.csv")).collect()
    } else {
        Vec::new()
    };

    // One comparison of everything: the ensemble, the members, the other weightings, and the
    // ensemble without each member.
    let members = Members::new(test.iter().map(Vec::as_slice).collect(), 3).expect("members");
    let vote = |w: &[f64]| data(&labels, soft_vote(&members, w).expect("soft vote"));
    let mut all_data = vec![vote(&weightings[0].weights)];
    all_data.extend(test.iter().map(|p| data(&labels, p.clone())));
    for w in &weightings[1..] {
        all_data.push(vote(&w.weights));
    }
    let loo_start = all_data.len();
    for j in 0..m {
        let rest: Vec<&[f64]> = (0..m).filter(|&i| i != j).map(|i| &test[i][..]).collect();
        let w: Vec<f64> = (0..m)
            .filter(|&i| i != j)
            .map(|i| weightings[0].weights[i])
            .collect();
        let rest = Members::new(rest, 3).expect("members");
        all_data.push(data(&labels, soft_vote(&rest, &w).expect("soft vote")));
    }
    let cfg = config();
    let all = compare(&all_data, 0, &cfg, &|| {}).expect("compare");
    let value = |i: usize| all.models[i].metric("accuracy").expect("accuracy").value;

    let mut members_family = family(
        &all,
        (0..=m).collect(),
        std::iter::once("ensemble".to_string())
            .chain(names.iter().cloned())
            .collect(),
    );
    members_family.warnings = all.eval_set_warnings.clone();
    for (model, r) in all.models.iter().enumerate().take(m + 1) {
        for w in r.warnings.iter().filter(|w| !w.is_eval_set()) {
            members_family.warnings.push(w.clone().for_model(model));
        }
    }
    let reweighting = family(
        &all,
        std::iter::once(0).chain(m + 1..loo_start).collect(),
        std::iter::once("ensemble".to_string())
            .chain(weightings[1..].iter().map(|w| w.label.clone()))
            .collect(),
    );
    let best_member = (0..m)
        .max_by(|&a, &b| value(a + 1).total_cmp(&value(b + 1)).then(b.cmp(&a)))
        .expect("members");

    let mut findings: Vec<Finding> = Vec::new();
    let c = members_family
        .result
        .comparisons
        .iter()
        .find(|c| c.b == best_member + 1)
        .expect("the best member's comparison");
    if !(c.headline_delta < 0.0 && c.significant) {
        findings.push(diagnostics::ensemble_not_better(
            &names[best_member],
            "accuracy",
            value(0),
            value(best_member + 1),
            c.headline_test,
            c.p_holm.or(c.p_value).unwrap_or(f64::NAN),
        ));
    }
    let leave_one_out: Vec<LeaveOneOut> = (0..m)
        .map(|j| {
            let model = loo_start + j;
            let d = all
                .comparisons
                .iter()
                .find(|c| c.b == model)
                .and_then(|c| c.deltas.iter().find(|d| d.name == "accuracy"));
            let delta = value(model) - value(0);
            LeaveOneOut {
                member: j,
                value: value(model),
                delta,
                contribution: -delta,
                ci: d.and_then(|d| d.ci),
                p_value: d.and_then(|d| d.p_value),
            }
        })
        .collect();
    let contributions: Vec<Contribution<'_>> = leave_one_out
        .iter()
        .map(|l| Contribution {
            index: l.member,
            member: &names[l.member],
            weight: weightings[0].weights[l.member],
            delta: l.delta,
            contribution: l.contribution,
            ci: l.ci,
            p_value: l.p_value,
        })
        .collect();
    findings.extend(diagnostics::member_findings(
        &contributions,
        "accuracy",
        0.05,
        0.95,
    ));

    let pairs = diversity(&oracle(&members, &labels).expect("oracle")).expect("diversity");
    let redundant = most_redundant(&pairs);
    let ensemble_probs = soft_vote(&members, &weightings[0].weights).expect("soft vote");
    let review = find_label_issues(&labels, &ensemble_probs, 3).expect("label review");
    findings.push(diagnostics::label_review_in_sample("declared"));
    findings.extend(members_family.warnings.iter().cloned());

    EnsembleReport {
        sources: names.iter().map(|n| format!("test/{n}.csv")).collect(),
        val_sources,
        names,
        fingerprint: "sha256:ensemble-test".into(),
        voting: Voting::Soft,
        weightings,
        members: members_family,
        best_member,
        reweighting: Some(reweighting),
        leave_one_out,
        diversity: pairs,
        most_redundant: redundant,
        label_review: Some(LabelReviewReport {
            source: "ensemble".into(),
            ids: (0..labels.len()).map(|i| format!("r{i:03}")).collect(),
            classes: CLASSES.iter().map(|c| c.to_string()).collect(),
            labels,
            review,
        }),
        findings,
    }
}

fn learned() -> EnsembleReport {
    report(&LEARNED)
}

fn snapshot(name: &str, actual: &str) {
    verdict_testkit::snapshot(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/snapshots/ensemble")
            .join(name),
        actual,
    );
}

#[test]
fn reports_match_their_snapshots() {
    let rep = learned();
    for (lang, tag) in [(Lang::En, "en"), (Lang::Ko, "ko")] {
        let text = ensemble::text(&rep, lang, false);
        // The terminal report fits the comparison report's width (Hangul counts two columns).
        for line in text.lines() {
            assert!(
                verdict_report::Table::width(line) <= verdict_report::compare::TEXT_WIDTH,
                "too wide: {line}"
            );
        }
        snapshot(&format!("report.{tag}.txt"), &text);
        let plots = ensemble::plots(&rep, lang);
        snapshot(
            &format!("report.{tag}.md"),
            &ensemble::markdown(&rep, lang, &plots),
        );
        let html = ensemble::html(&rep, lang);
        verdict_testkit::assert_self_contained_html(&html);
        // Every plot the Markdown report links is inlined.
        assert_eq!(html.matches("<figure>\n<svg ").count(), plots.len());
        snapshot(&format!("report.{tag}.html"), &html);
    }
    snapshot("ensemble.json", &ensemble::json(&rep));
    for (file, svg) in ensemble::svgs(&rep, Lang::En) {
        snapshot(&file, &svg);
    }
}

#[test]
fn verdict_lines_answer_the_three_questions() {
    let rep = learned();
    let lines = ensemble::verdict_lines(&rep, Lang::En);
    let best = &rep.names[rep.best_member];
    assert!(
        lines[0].starts_with(&format!("Ensemble vs its best member `{best}`: accuracy ")),
        "{lines:?}"
    );
    assert!(lines[0].contains("significantly"), "{lines:?}");
    // One line per other weighting, in the order given.
    assert!(
        lines[1].starts_with("The weights 0.30/0.30/0.25/0.15 (given) "),
        "{lines:?}"
    );
    assert!(
        lines[2].starts_with("The weights 0.35/0.35/0.20/0.10 (given#2) "),
        "{lines:?}"
    );
    let dominant = rep.findings.iter().any(|f| f.check == "dominant_member");
    assert_eq!(lines.len(), 3 + usize::from(dominant), "{lines:?}");
    if dominant {
        assert!(
            lines[3].starts_with("The ensemble depends on `"),
            "{lines:?}"
        );
    }
    let ko = ensemble::verdict_lines(&rep, Lang::Ko);
    assert_eq!(ko.len(), lines.len());
    assert!(
        ko[0].starts_with(&format!("앙상블 대 가장 좋은 구성 모델 `{best}`")),
        "{ko:?}"
    );
}

/// The JSON embeds the comparison exactly as `verdict compare --format json` prints it.
#[test]
fn json_embeds_the_comparison_documents() {
    let rep = learned();
    let doc: serde_json::Value = serde_json::from_str(&ensemble::json(&rep)).expect("json");
    let compare: serde_json::Value =
        serde_json::from_str(&verdict_report::compare::json(&rep.members)).expect("json");
    assert_eq!(doc["comparison"], compare);
    let rw = rep.reweighting.as_ref().expect("reweighting");
    let compare: serde_json::Value =
        serde_json::from_str(&verdict_report::compare::json(rw)).expect("json");
    assert_eq!(doc["reweighting"], compare);
    assert_eq!(
        doc["label_review"]["n_issues"],
        rep.label_review
            .as_ref()
            .expect("review")
            .review
            .num_issues()
    );
    assert_eq!(
        doc["verdict"][0],
        ensemble::verdict_lines(&rep, Lang::En)[0]
    );
}

/// Every key of a produced document is documented in `docs/ensemble-json.md`, and every top-level
/// key the document shows is produced.
#[test]
fn every_key_is_documented() {
    let docs = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/ensemble-json.md"),
    )
    .expect("docs/ensemble-json.md");
    let doc: serde_json::Value = serde_json::from_str(&ensemble::json(&learned())).expect("json");
    let top = doc.as_object().expect("object");
    // The objects whose keys are fixed (not member, class or metric names).
    let fixed = [
        &doc,
        &doc["members"][0],
        &doc["weightings"][0],
        &doc["weightings"][0]["learned"],
        &doc["weightings"][0]["learned"]["selection"],
        &doc["weightings"][0]["learned"]["stability"],
        &doc["weightings"][0]["learned"]["stability"]["members"]["bert"],
        &doc["leave_one_out"][0],
        &doc["diversity"],
        &doc["diversity"]["pairs"][0],
        &doc["label_review"],
        &doc["label_review"]["issues"][0],
        &doc["label_review"]["noise_matrix"],
        &doc["findings"][0],
    ];
    for o in fixed {
        for key in o.as_object().expect("an object").keys() {
            assert!(
                docs.contains(&format!("\"{key}\"")),
                "`{key}` is not in docs/ensemble-json.md"
            );
        }
    }
    for key in ["log_loss", "iterations", "converged"] {
        assert!(docs.contains(&format!("\"{key}\"")), "{key}");
    }
    // The top-level keys of the example (two-space indent) are the document's, in its order.
    let block = docs
        .split_once("```jsonc\n")
        .and_then(|(_, rest)| rest.split_once("\n```"))
        .map(|(block, _)| block)
        .expect("a ```jsonc example");
    let example: Vec<String> = block
        .lines()
        .filter_map(|l| l.strip_prefix("  \""))
        .filter_map(|l| l.split_once('"').map(|(k, _)| k.to_string()))
        .collect();
    let produced: Vec<String> = top.keys().cloned().collect();
    assert_eq!(example, produced, "the example's top-level keys");
}

/// Self-contained output: no link out of the document but the SVG namespace, and a hostile member
/// name escaped in every plot.
#[test]
fn output_is_self_contained_and_names_are_escaped() {
    let hostile = "<img src=x onerror=alert(1)>";
    let rep = report(&Scenario {
        names: ["bert", hostile, "lstm", "lexicon"],
        ..LEARNED
    });
    for lang in [Lang::En, Lang::Ko] {
        let md = ensemble::markdown(&rep, lang, &ensemble::plots(&rep, lang));
        assert!(!md.contains("http://") && !md.contains("https://"));
        for (file, svg) in ensemble::svgs(&rep, lang) {
            let links = svg.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
            assert!(
                !links.contains("http://") && !links.contains("https://"),
                "{file}"
            );
            assert!(!svg.contains("<img"), "{file}: raw name");
            assert!(
                svg.contains("&lt;img src=x onerror=alert(1)&gt;"),
                "{file}: escaped name"
            );
            assert!(!svg.contains("NaN") && !svg.contains("inf"), "{file}");
        }
    }
}

/// `--lang ko`: no English word is left in the Korean reports; what is Latin is a name (member,
/// weighting, class, metric, test, file), a symbol or a flag.
#[test]
fn korean_reports_are_korean() {
    let rep = learned();
    let allowed = [
        // Names: members, weightings, classes, files, metrics, tests, references.
        "bert",
        "bilstm",
        "lstm",
        "lexicon",
        "ensemble",
        "fingerprint",
        "sha",
        // Plot files.
        "weights",
        "leave_one_out",
        "diversity",
        "caruana",
        "given",
        "negative",
        "neutral",
        "positive",
        "test",
        "val",
        "csv",
        "sha256",
        "McNemar",
        "DeLong",
        "Holm",
        "Caruana",
        "Kuncheva",
        "Whitaker",
        "cleanlab",
        "find_label_issues",
        "prune_by_noise_rate",
        "simplex",
        "soft",
        "seed",
        "mid",
        "ID",
        "JSON",
        "ROC",
        "AUC",
        "SE",
        "ECE",
        "MCE",
        "in",
        "sample",
        "allow",
        "fit",
        "format",
        "json",
        "val",
        "optimize",
        "logloss",
        "out",
        "of",
        "fold",
        "cross_val_predict",
        "bootstrap",
        "md",
        "svg",
        "P",
        "R",
        "F1",
        "A",
        "B",
        "Q",
        "p",
        "n",
        "z",
        "b",
        "c",
        "e",
        "r",
    ];
    let is_metric = |w: &str| verdict_core::metrics::lookup(w).is_some();
    for text in [
        ensemble::text(&rep, Lang::Ko, false),
        ensemble::markdown(&rep, Lang::Ko, &ensemble::plots(&rep, Lang::Ko)),
    ] {
        for word in text
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .filter(|w| w.chars().any(|c| c.is_ascii_alphabetic()))
        {
            let w = word.trim_matches(|c: char| c.is_ascii_digit());
            let hexish = w.chars().all(|c| c.is_ascii_hexdigit() || c == 'r');
            assert!(
                allowed.contains(&w) || is_metric(w) || hexish || w.is_empty(),
                "English left in the Korean report: `{word}`"
            );
        }
    }
}

/// Seed 004's hand-set weights, with one member carrying the ensemble: the verdict says whether
/// the ensemble beats BERT, whether the planned re-weighting is better than noise, and that the
/// ensemble depends on BERT.
#[test]
fn seed004_verdict_names_the_member_it_depends_on() {
    let rep = report(&SEED004);
    assert_eq!(rep.weightings[0].label, "given");
    assert!(
        rep.findings.iter().any(|f| f.check == "dominant_member"),
        "{:?}",
        rep.findings.iter().map(|f| f.check).collect::<Vec<_>>()
    );
    let en = ensemble::verdict_lines(&rep, Lang::En);
    let ko = ensemble::verdict_lines(&rep, Lang::Ko);
    assert_eq!(en.len(), 3, "{en:?}");
    assert!(en[1].starts_with("The weights 0.35/0.35/0.20/0.10 (given#2) "));
    assert!(en[1].contains(" the ensemble's 0.30/0.30/0.25/0.15 (given) "));
    assert!(en[2].starts_with("The ensemble depends on `bert` (weight 0.30)"));
    assert!(ko[2].starts_with("앙상블은 `bert`(가중치 0.30)에 달려 있습니다"));
    snapshot(
        "seed004.verdict.txt",
        &format!("{}\n\n{}\n", en.join("\n"), ko.join("\n")),
    );
    snapshot("seed004.en.txt", &ensemble::text(&rep, Lang::En, false));
}
