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
