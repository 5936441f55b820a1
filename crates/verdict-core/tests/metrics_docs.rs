//! The metric table of `docs/eval-json.md` is the registry `verdict_core::metrics`: every entry
//! appears in it, in registry order, with its direction, range and applicability as documented,
//! and the table lists nothing else. (An integration test, so the pure library reads no file.)

use std::path::Path;

use verdict_core::metrics::{Applies, Input, METRICS, MetricInfo};

/// The rows of the table under `## Metric names`, as cells without the surrounding pipes.
fn table_rows(doc: &str) -> Vec<Vec<String>> {
    let section = doc
        .split("\n## ")
        .find(|s| s.starts_with("Metric names"))
        .expect("docs/eval-json.md has a `## Metric names` section");
    let lines: Vec<&str> = section
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .collect();
    assert!(lines.len() > 2, "no table under `## Metric names`");
    let cells = |l: &str| -> Vec<String> {
        l.trim()
            .trim_matches('|')
            .split('|')
            .map(|c| c.trim().to_string())
            .collect()
    };
    assert_eq!(
        cells(lines[0]),
        ["name", "better", "range", "binary", "multi-class", "what"],
        "the table's header"
    );
    lines[2..].iter().map(|l| cells(l)).collect()
}

/// How the table writes the least input of one task.
fn input_cell(least: Option<Input>, applies: Applies) -> String {
    match least {
        None => "—".to_string(),
        Some(i) if applies.min_classes > 2 => {
            format!("{}, k ≥ {}", i.as_str(), applies.min_classes)
        }
        Some(i) => i.as_str().to_string(),
    }
}

fn expected_row(m: &MetricInfo) -> [String; 5] {
    [
        format!("`{}`", m.name),
        m.direction.as_str().to_string(),
        m.range.to_string(),
        input_cell(m.applies.binary, m.applies),
        input_cell(m.applies.multiclass, m.applies),
    ]
}

#[test]
fn eval_json_metric_table_is_the_registry() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/eval-json.md");
    let doc = std::fs::read_to_string(&path).expect("read docs/eval-json.md");
    let rows = table_rows(&doc);
    let documented: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    let registry: Vec<String> = METRICS.iter().map(|m| format!("`{}`", m.name)).collect();
    assert_eq!(
        documented, registry,
        "the table's names (left) and the registry's, in order (right)"
    );
    for (row, m) in rows.iter().zip(METRICS) {
        assert_eq!(row.len(), 6, "{}: six cells", m.name);
        assert_eq!(row[..5], expected_row(m), "{}", m.name);
        assert!(!row[5].is_empty(), "{}: say what it is", m.name);
    }
}
