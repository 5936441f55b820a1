//! Running the binary and comparing JSON with a tolerance.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

pub(crate) fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
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

/// Asserts that every leaf of `expected` is present in `actual` at the same path: numbers within
/// `tol` (relative to max(1, |expected|)), everything else exactly. Returns the number of leaves
/// compared, so a caller can assert that something was compared at all.
pub(crate) fn assert_subset(expected: &Value, actual: &Value, tol: f64, path: &str) -> usize {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => e
            .iter()
            .map(|(k, ev)| {
                let av = a.get(k).unwrap_or_else(|| panic!("{path}.{k}: missing in output"));
                assert_subset(ev, av, tol, &format!("{path}.{k}"))
            })
            .sum(),
        (Value::Array(e), Value::Array(a)) => {
            assert_eq!(e.len(), a.len(), "{path}: array length");
            e.iter().zip(a).enumerate().map(|(i, (ev, av))| assert_subset(ev, av, tol, &format!("{path}[{i}]"))).sum()
        }
        (Value::Number(e), Value::Number(a)) => {
            let (e, a) = (e.as_f64().expect("f64"), a.as_f64().expect("f64"));
            assert!((e - a).abs() <= tol * e.abs().max(1.0), "{path}: expected {e}, got {a} (diff {:e})", (e - a).abs());
            1
        }
        (e, a) => {
            assert_eq!(e, a, "{path}");
            1
        }
    }
}
