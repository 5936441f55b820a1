//! Parity with scikit-learn 1.9.1: every `*.expected.json` under `tests/fixtures/parity` was written
//! by `python/make_parity_fixtures.py` from scikit-learn's own functions; `verdict eval` must agree
//! with every value in it to 1e-9.

use crate::support::{check_absent, compare_subset, fixtures, strings, verdict};
use serde_json::Value;

#[test]
fn every_parity_fixture_matches_scikit_learn() {
    let dir = fixtures().join("parity");
    let mut cases = 0;
    let mut errors = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .expect("parity dir")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        if !name.ends_with(".expected.json") {
            continue;
        }
        let spec: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
        let file = spec["file"].as_str().expect("file");
        let mut args = vec![
            "eval",
            file,
            "--format",
            "json",
            "--bootstrap",
            "0",
            "--curve-points",
            "0",
        ];
        let extra = strings(&spec, "args");
        args.extend(extra.iter().map(String::as_str));
        let (code, out, err) = verdict(&dir, &args);
        cases += 1;
        if code != 0 {
            errors.push(format!("{name}: verdict failed: {err}"));
            continue;
        }
        let actual: Value =
            serde_json::from_str(&out).unwrap_or_else(|e| panic!("{name}: bad JSON {e}: {out}"));
        let leaves = compare_subset(&spec["expected"], &actual, 1e-9, &name, &mut errors);
        assert!(leaves > 5, "{name}: only {leaves} values compared");
        check_absent(&spec, &actual, &name, &mut errors);
    }
    assert!(
        errors.is_empty(),
        "{} mismatches with scikit-learn:\n{}",
        errors.len(),
        errors.join("\n")
    );
    assert!(cases >= 8, "only {cases} parity fixtures found");
}
