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
