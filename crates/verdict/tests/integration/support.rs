//! Running the binary, comparing JSON with a tolerance, and report snapshots.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

pub(crate) fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Compares `actual` with the committed snapshot `tests/snapshots/<name>` (verdict-testkit:
/// a line diff on mismatch; `UPDATE_SNAPSHOTS=1` writes the snapshot instead).
pub(crate) fn snapshot(name: &str, actual: &str) {
    verdict_testkit::snapshot(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/snapshots")
            .join(name),
        actual,
    );
}

/// Runs `verdict` with `args` in `dir`; returns (exit code, stdout, stderr).
pub(crate) fn verdict(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_verdict"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run verdict");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Compares every leaf of `expected` with `actual` at the same path: numbers within `tol`
/// (relative to max(1, |expected|)), everything else exactly. Pushes one line per mismatch into
/// `errors` and returns the number of leaves compared, so a caller can assert that something was
/// compared at all.
pub(crate) fn compare_subset(
    expected: &Value,
    actual: &Value,
    tol: f64,
    path: &str,
    errors: &mut Vec<String>,
) -> usize {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => e
            .iter()
            .map(|(k, ev)| match a.get(k) {
                Some(av) => compare_subset(ev, av, tol, &format!("{path}.{k}"), errors),
                None => {
                    errors.push(format!("{path}.{k}: missing in output"));
                    1
                }
            })
            .sum(),
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                errors.push(format!(
                    "{path}: array length {} expected, got {}",
                    e.len(),
                    a.len()
                ));
                return 1;
            }
            e.iter()
                .zip(a)
                .enumerate()
                .map(|(i, (ev, av))| compare_subset(ev, av, tol, &format!("{path}[{i}]"), errors))
                .sum()
        }
        (Value::Number(e), Value::Number(a)) => {
            let (e, a) = (
                e.as_f64().unwrap_or(f64::NAN),
                a.as_f64().unwrap_or(f64::NAN),
            );
            if (e - a).abs() > tol * e.abs().max(1.0) {
                errors.push(format!(
                    "{path}: expected {e}, got {a} (diff {:e})",
                    (e - a).abs()
                ));
            }
            1
        }
        (e, a) => {
            if e != a {
                errors.push(format!("{path}: expected {e}, got {a}"));
            }
            1
        }
    }
}

/// Records an error for every dotted path of `spec["absent"]` that is present and not null in
/// `actual`; integer segments index arrays (`comparisons.0.tests.delong`).
pub(crate) fn check_absent(spec: &Value, actual: &Value, name: &str, errors: &mut Vec<String>) {
    for p in spec["absent"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        let v = p
            .split('.')
            .try_fold(actual, |v, k| match k.parse::<usize>() {
                Ok(i) => v.get(i),
                Err(_) => v.get(k),
            });
        if !v.is_none_or(Value::is_null) {
            errors.push(format!("{name}: {p} should be absent, got {v:?}"));
        }
    }
}

/// The string array `spec[key]` (empty when missing).
pub(crate) fn strings(spec: &Value, key: &str) -> Vec<String> {
    spec[key]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// Every file under `dir`, recursively.
pub(crate) fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}
