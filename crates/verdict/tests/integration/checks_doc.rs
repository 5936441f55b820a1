//! docs/checks.md is the registry: its `## Checks` table lists every check of
//! `verdict_core::diagnostics::CHECKS`, in registry order, with its scope and default status, and
//! no other id; its `verdict.toml` table lists exactly the keys `verdict_io::config` reads, with
//! the defaults `verdict_app::check::CheckRules::default()` has.

use std::path::Path;
use verdict_app::check::CheckRules;
use verdict_core::diagnostics::CHECKS;
use verdict_io::config::CHECK_KEYS;

fn doc() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/checks.md");
    std::fs::read_to_string(&path).expect("read docs/checks.md")
}

/// The rows of the first table of the `## <heading>` section, as cells, checking its header.
fn table(doc: &str, heading: &str, header: &[&str]) -> Vec<Vec<String>> {
    let section = doc
        .split("\n## ")
        .find(|s| s.starts_with(heading))
        .unwrap_or_else(|| panic!("docs/checks.md has no `## {heading}` section"));
    let lines: Vec<&str> = section
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .collect();
    assert!(lines.len() > 2, "no table under `## {heading}`");
    let cells = |l: &str| -> Vec<String> {
        l.trim()
            .trim_matches('|')
            .split(" | ")
            .map(|c| c.trim().to_string())
            .collect()
    };
    assert_eq!(cells(lines[0]), header, "the header of `## {heading}`");
    lines[2..].iter().map(|l| cells(l)).collect()
}

#[test]
fn the_checks_table_is_the_registry() {
    let rows = table(
        &doc(),
        "Checks",
        &["id", "scope", "default status", "what decides it"],
    );
    let documented: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    let registry: Vec<String> = CHECKS.iter().map(|c| format!("`{}`", c.id)).collect();
    assert_eq!(
        documented, registry,
        "the table's ids (left) and the registry's, in order (right)"
    );
    for (row, c) in rows.iter().zip(CHECKS) {
        assert_eq!(row.len(), 4, "{}: four cells", c.id);
        assert_eq!(row[1], c.scope.as_str(), "{}: scope", c.id);
        assert_eq!(row[2], c.status.as_str(), "{}: default status", c.id);
        assert!(row[3].len() > 20, "{}: say what decides it", c.id);
    }
}

#[test]
fn the_thresholds_table_is_what_verdict_toml_reads() {
    let rows = table(
        &doc(),
        "Thresholds: `verdict.toml`",
        &["key", "default", "sets", "allowed"],
    );
    let keys: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    let expected: Vec<String> = CHECK_KEYS.iter().map(|k| format!("`{k}`")).collect();
    assert_eq!(
        keys, expected,
        "the table's keys (left) and verdict_io's (right)"
    );
    let d = CheckRules::default().settings();
    let defaults = [
        d.overfit_mild,
        d.overfit_moderate,
        d.overfit_severe,
        d.overfit_extreme,
        d.early_share,
        d.early_min_epochs as f64,
        d.chance_gap,
        d.loss_below,
        d.score_at_least,
    ];
    for (row, want) in rows.iter().zip(defaults) {
        let got: f64 = row[1]
            .parse()
            .unwrap_or_else(|_| panic!("{}: default `{}` is not a number", row[0], row[1]));
        assert_eq!(got, want, "{}: documented default", row[0]);
    }
    // The defaults round-trip through the settings.
    assert_eq!(CheckRules::from_settings(&d), CheckRules::default());
}
