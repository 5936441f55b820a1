//! `verdict compare` against reference values: every `*.expected.json` under
//! `tests/fixtures/compare` was written by `python/make_compare_fixtures.py` (statsmodels McNemar,
//! a numpy fast DeLong checked against the O(m·n) definition, Obuchowski's formulas, scikit-learn
//! metrics, statsmodels' Holm); the output must agree with every value to 1e-9. Refusal cases give
//! the text the error must contain.

use crate::support::{check_absent, compare_subset, fixtures, strings, verdict};
use serde_json::Value;

#[test]
fn every_compare_fixture_matches_the_reference_libraries() {
    let dir = fixtures().join("compare");
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .expect("compare dir")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    let (mut cases, mut errors) = (0, Vec::new());
    for path in entries {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        if !name.ends_with(".expected.json") {
            continue;
        }
        cases += 1;
        let spec: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
        let files = strings(&spec, "files");
        let extra = strings(&spec, "args");
        let mut args = vec!["compare".to_string()];
        args.extend(files);
        args.extend(["--format", "json", "--bootstrap", "0"].map(String::from));
        args.extend(extra);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, out, err) = verdict(&dir, &args);
        if let Some(want) = spec["expected"]["error_contains"]
            .as_str()
            .or(spec["error_contains"].as_str())
        {
            if code != 2 || !err.contains(want) {
                errors.push(format!(
                    "{name}: expected a refusal containing {want:?}, got exit {code}: {err}"
                ));
            }
            continue;
        }
        if code != 0 {
            errors.push(format!("{name}: verdict failed: {err}"));
            continue;
        }
        let actual: Value =
            serde_json::from_str(&out).unwrap_or_else(|e| panic!("{name}: bad JSON {e}"));
        let leaves = compare_subset(&spec["expected"], &actual, 1e-9, &name, &mut errors);
        assert!(leaves > 3, "{name}: only {leaves} values compared");
        check_absent(&spec, &actual, &name, &mut errors);
    }
    assert!(
        errors.is_empty(),
        "{} mismatches:\n{}",
        errors.len(),
        errors.join("\n")
    );
    assert!(cases >= 6, "only {cases} compare fixtures");
}

fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn run_json(dir: &std::path::Path, args: &[&str]) -> Value {
    let (code, out, err) = verdict(dir, args);
    assert_eq!(code, 0, "verdict {args:?} failed: {err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("verdict {args:?}: bad JSON {e}"))
}

/// One resampling stream (issue 10): `verdict eval X` and `verdict compare X Y` with the same seed
/// and bootstrap count give X the same interval for every metric both report, for binary scores
/// (eval resamples them in sorted order), a cluster bootstrap and multi-class probabilities.
#[test]
fn eval_and_compare_give_a_model_the_same_intervals() {
    let fixtures = fixtures().join("compare");
    let cases: [(std::path::PathBuf, [&str; 2]); 3] = [
        (
            root(),
            [
                "examples/seed000/smile_baseline.csv",
                "examples/seed000/smile_finetuned.csv",
            ],
        ),
        (fixtures.clone(), ["bc_grouped_lr.csv", "bc_grouped_nb.csv"]),
        (fixtures, ["digits_lr.csv", "digits_nb.csv"]),
    ];
    let common = ["--format", "json", "--bootstrap", "200", "--seed", "7"];
    for (dir, files) in &cases {
        let mut args = vec!["compare", files[0], files[1]];
        args.extend(common);
        let cmp = run_json(dir, &args);
        for (i, file) in files.iter().enumerate() {
            let mut args = vec!["eval", *file];
            args.extend(common);
            let own = run_json(dir, &args);
            let in_cmp = &cmp["models"][i]["metrics"];
            let own = own["metrics"].as_object().expect("eval metrics");
            let mut compared = 0;
            for (name, m) in own {
                let Some(x) = in_cmp.get(name) else { continue };
                for key in ["value", "ci_low", "ci_high"] {
                    assert!(m[key].is_number(), "{file} {name}.{key}: {}", m[key]);
                    assert_eq!(m[key], x[key], "{file}: {name}.{key} differs");
                }
                compared += 1;
            }
            assert!(compared >= 8, "{file}: only {compared} metrics in common");
        }
    }
}

/// Files without an id column are paired by position, and every output format says so (en and
/// ko); shuffled rows are refused naming both files and the first row whose labels differ (the
/// row itself comes from `refuse_position_shuffled.expected.json`, written by numpy).
#[test]
fn position_pairing_is_said_in_every_format_and_refused_when_labels_do_not_line_up() {
    let dir = fixtures().join("compare");
    let files = [
        "compare",
        "position_a.csv",
        "position_b.csv",
        "--bootstrap",
        "50",
    ];
    let doc = run_json(&dir, &[&files[..], &["--format", "json"]].concat());
    let w = doc["warnings"].as_array().expect("warnings");
    let pos: Vec<&Value> = w
        .iter()
        .filter(|w| w["code"] == "paired_by_position")
        .collect();
    assert_eq!(pos.len(), 1, "{w:?}");
    assert_eq!(pos[0]["scope"], "comparison");
    assert!(
        pos[0]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("Rows paired by position: no id column")),
        "{pos:?}"
    );
    for (format, lang, want) in [
        ("text", "en", "Rows paired by position: no id column"),
        ("md", "en", "Rows paired by position: no id column"),
        ("text", "ko", "행을 위치로 짝지었습니다: id 열이 없습니다"),
        ("md", "ko", "행을 위치로 짝지었습니다: id 열이 없습니다"),
    ] {
        let (code, out, err) = verdict(
            &dir,
            &[&files[..], &["--format", format, "--lang", lang]].concat(),
        );
        assert_eq!(code, 0, "{err}");
        assert_eq!(out.matches(want).count(), 1, "{format}/{lang}:\n{out}");
    }
    // Paired by id: no such warning.
    let doc = run_json(
        &dir,
        &[
            "compare",
            "bc_lr.csv",
            "bc_nb.csv",
            "--bootstrap",
            "0",
            "--format",
            "json",
        ],
    );
    assert!(
        !doc["warnings"]
            .as_array()
            .expect("warnings")
            .iter()
            .any(|w| w["code"] == "paired_by_position")
    );
    // Refused: both files and the first differing row are named.
    let spec: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("refuse_position_shuffled.expected.json")).expect("spec"),
    )
    .expect("json");
    let want = spec["expected"]["error_contains"].as_str().expect("needle");
    let (code, _, err) = verdict(
        &dir,
        &["compare", "position_a.csv", "position_b_shuffled.csv"],
    );
    assert_eq!(code, 2, "{err}");
    for w in [
        want,
        "position_a.csv",
        "position_b_shuffled.csv",
        "paired by position",
    ] {
        assert!(err.contains(w), "{err:?} lacks {w:?}");
    }
}

/// Seed 000's two models share one eval set of n = 80: the small-eval-set warning is about the
/// set, so it is said once, for the set (no model named), in every format; the rule is n < 100
/// rows whatever the model or the metric.
#[test]
fn eval_set_warnings_are_said_once_for_the_set() {
    let pair = [
        "compare",
        "examples/seed000/smile_baseline.csv",
        "examples/seed000/smile_finetuned.csv",
        "--bootstrap",
        "50",
    ];
    for metric in ["roc_auc", "accuracy", "f1"] {
        let doc = run_json(
            &root(),
            &[&pair[..], &["--format", "json", "--metric", metric]].concat(),
        );
        let small: Vec<&Value> = doc["warnings"]
            .as_array()
            .expect("warnings")
            .iter()
            .filter(|w| w["code"] == "small_eval_set")
            .collect();
        assert_eq!(small.len(), 1, "{metric}: {small:?}");
        assert_eq!(small[0]["scope"], "eval_set");
        assert!(small[0].get("model").is_none(), "{small:?}");
    }
    for (format, lang, want) in [
        ("text", "en", "The eval set is small (n = 80 < 100)"),
        ("md", "ko", "평가 데이터가 작습니다 (n = 80 < 100)"),
    ] {
        let (code, out, err) = verdict(
            &root(),
            &[&pair[..], &["--format", format, "--lang", lang]].concat(),
        );
        assert_eq!(code, 0, "{err}");
        let lines: Vec<&str> = out.lines().filter(|l| l.contains(want)).collect();
        assert_eq!(lines.len(), 1, "{format}/{lang}:\n{out}");
        for name in ["smile_baseline", "smile_finetuned"] {
            assert!(!lines[0].contains(name), "{}", lines[0]);
        }
    }
}

/// Every line of `out` has at most 100 characters (chars, not bytes: Korean too).
fn assert_fits_100(what: &str, out: &str) {
    let wide: Vec<(usize, &str)> = out
        .lines()
        .filter(|l| l.chars().count() > 100)
        .map(|l| (l.chars().count(), l))
        .collect();
    assert!(wide.is_empty(), "{what}: lines over 100 columns: {wide:#?}");
    assert!(
        out.lines().count() > 30,
        "{what}: too short to be the report:\n{out}"
    );
}

/// The terminal report fits 100 columns: the README's compare example, and a 4-model compare with
/// long model names (copies of the fixtures under long file names), in English and Korean.
#[test]
fn compare_terminal_output_fits_100_columns() {
    for lang in ["en", "ko"] {
        let (code, out, err) = verdict(
            &root(),
            &[
                "compare",
                "examples/seed000/smile_baseline.csv",
                "examples/seed000/smile_finetuned.csv",
                "--lang",
                lang,
            ],
        );
        assert_eq!(code, 0, "{err}");
        assert_fits_100(&format!("README example ({lang})"), &out);
    }
    let tmp = tempfile::tempdir().expect("tmp");
    let src = fixtures().join("compare");
    let copies = [
        ("bc_lr.csv", "bc_lr.csv"),
        ("bc_nb.csv", "gaussian_naive_bayes_baseline_model.csv"),
        ("bc_rf.csv", "random_forest_25_trees_random_state_0.csv"),
        (
            "bc_lr.csv",
            "logistic_regression_standard_scaled_max_iter_5000_copy_of_the_first_model.csv",
        ),
    ];
    for (from, to) in copies {
        std::fs::copy(src.join(from), tmp.path().join(to)).expect("copy");
    }
    let names: Vec<&str> = copies.iter().map(|(_, to)| *to).collect();
    for lang in ["en", "ko"] {
        let mut args = vec!["compare"];
        args.extend(&names);
        args.extend(["--bootstrap", "100", "--permutation", "99", "--lang", lang]);
        let (code, out, err) = verdict(tmp.path(), &args);
        assert_eq!(code, 0, "{err}");
        assert_fits_100(&format!("4 models ({lang})"), &out);
        // Nothing is lost: every model's name appears whole.
        for n in &names {
            assert!(
                out.contains(n.trim_end_matches(".csv")),
                "{n} missing:\n{out}"
            );
        }
    }
    // Multi-class: 10 classes, per-class rows per model.
    let (code, out, err) = verdict(
        &src,
        &[
            "compare",
            "digits_lr.csv",
            "digits_nb.csv",
            "--bootstrap",
            "50",
            "--lang",
            "ko",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert_fits_100("digits (ko)", &out);
}

#[test]
fn compare_run_stores_the_json_and_the_html_report() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    let store_url = dir.join("verdict.db").display().to_string();
    let s = verdict_store::Store::open_with(
        &store_url,
        &verdict_store::StoreOptions::mlflow_artifacts(),
    )
    .expect("store");
    let exp = s.create_experiment("smile", None, &[]).expect("experiment");
    let run = s
        .create_run(&verdict_store::NewRun {
            experiment_id: exp,
            user_id: None,
            run_name: Some("ab".into()),
            start_time: None,
            tags: Vec::new(),
        })
        .expect("run")
        .info
        .run_id;
    let seed = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/seed000");
    let (a, b) = (
        seed.join("smile_baseline.csv").display().to_string(),
        seed.join("smile_finetuned.csv").display().to_string(),
    );
    let artifacts = dir.join("artifacts").display().to_string();
    let args = [
        "compare",
        &a,
        &b,
        "--bootstrap",
        "200",
        "--format",
        "json",
        "--lang",
        "ko",
        "--run",
        &run,
        "--store",
        &store_url,
        "--artifacts",
        &artifacts,
    ];
    let (code, out, err) = verdict(dir, &args);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("stored comparison `compare` in run"), "{err}");
    let files = crate::support::walk(&dir.join("artifacts"));
    let find = |suffix: &str| {
        files
            .iter()
            .find(|p| p.ends_with(suffix))
            .map(|p| std::fs::read_to_string(p).expect("read"))
            .unwrap_or_else(|| panic!("no {suffix} in {files:?}"))
    };
    // The stored document is the one printed; the HTML report is the --format html one, in --lang.
    assert_eq!(find("verdict/compare.compare.json"), out);
    let html = find("verdict/compare.compare.html");
    verdict_testkit::assert_self_contained_html(&html);
    assert!(
        html.starts_with("<!DOCTYPE html>\n<html lang=\"ko\">"),
        "{html}"
    );
    let (_, want, _) = verdict(
        dir,
        &[
            "compare",
            &a,
            &b,
            "--bootstrap",
            "200",
            "--format",
            "html",
            "--lang",
            "ko",
        ],
    );
    assert_eq!(html, want);
    let r = s.get_run(&run).expect("run");
    let tag = |k: &str| r.tags.iter().find(|t| t.key == k).map(|t| t.value.clone());
    let doc: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(
        tag("verdict.compare.compare.fingerprint"),
        doc["fingerprint"].as_str().map(String::from)
    );
    assert_eq!(
        tag("verdict.compare.compare.models").as_deref(),
        Some("smile_baseline,smile_finetuned")
    );
    // A bad name is refused before anything is written.
    let (code, _, err) = verdict(
        dir,
        &[
            "compare",
            &a,
            &b,
            "--run",
            &run,
            "--store",
            &store_url,
            "--artifacts",
            &artifacts,
            "--compare-name",
            "a/b",
        ],
    );
    assert_ne!(code, 0);
    assert!(err.contains("--compare-name must be"), "{err}");
}
