//! What a new user and a bad-input probe ran into (issue 10): rounded probability rows, standard
//! input, `--out-dir` for `eval`, threshold formatting, the version, errors printed once.

use crate::support::{fixtures, verdict};
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `verdict` in `dir` with `stdin` piped in.
fn verdict_stdin(dir: &Path, args: &[&str], stdin: &[u8]) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_verdict"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn verdict");
    // The command may refuse before it reads (a missing format): a closed pipe is then expected.
    if let Err(e) = child.stdin.take().expect("stdin").write_all(stdin) {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
    }
    let out = child.wait_with_output().expect("wait");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// examples/digits.csv has probabilities rounded to 6 decimals: it is accepted (the values are
/// checked against scikit-learn by the `digits_lr_rounded` parity fixture) and every format says
/// how many rows were divided by their sum.
#[test]
fn rounded_probability_rows_are_accepted_and_reported_in_every_format() {
    let dir = root();
    let args = ["eval", "examples/digits.csv", "--bootstrap", "0"];
    let (code, text, err) = verdict(&dir, &args);
    assert_eq!(code, 0, "{err}");
    assert!(
        text.contains(
            "Normalised: 947 of 1797 probability rows did not sum to 1 (largest |sum − 1| = 3.0e-6)"
        ),
        "{text}"
    );
    let (code, json, err) = verdict(&dir, &[&args[..], &["--format", "json"]].concat());
    assert_eq!(code, 0, "{err}");
    let doc: Value = serde_json::from_str(&json).expect("json");
    assert_eq!(doc["normalized"]["rows"], 947);
    assert!((doc["normalized"]["max_deviation"].as_f64().unwrap_or(0.0) - 3e-6).abs() < 1e-12);
    for (lang, want) in [
        ("en", "- Normalised: 947 of 1797"),
        ("ko", "- 정규화: 확률 행 1797개 중 947개"),
    ] {
        let (code, md, err) = verdict(
            &dir,
            &[&args[..], &["--format", "md", "--lang", lang]].concat(),
        );
        assert_eq!(code, 0, "{err}");
        assert!(md.contains(want), "{lang}: {md}");
    }
    // A file whose rows sum to 1 says nothing, and its JSON carries `null`.
    let (_, json, _) = verdict(
        &dir,
        &[
            "eval",
            "examples/breast_cancer.csv",
            "--bootstrap",
            "0",
            "--format",
            "json",
        ],
    );
    let doc: Value = serde_json::from_str(&json).expect("json");
    assert!(doc["normalized"].is_null());
    // Beyond the tolerance the error names the flag that helps.
    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::write(
        tmp.path().join("off.csv"),
        "label,prob_a,prob_b\na,0.6,0.5\n",
    )
    .expect("write");
    let (code, _, err) = verdict(tmp.path(), &["eval", "off.csv"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("off.csv:2: column \"prob_*\"") && err.contains("--normalize"),
        "{err}"
    );
}

#[test]
fn predictions_can_be_read_from_standard_input() {
    let dir = root();
    let file = std::fs::read(dir.join("examples/breast_cancer.csv")).expect("read");
    let (code, from_file, err) = verdict(
        &dir,
        &[
            "eval",
            "examples/breast_cancer.csv",
            "--bootstrap",
            "50",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let (code, piped, err) = verdict_stdin(
        &dir,
        &[
            "eval",
            "-",
            "--input-format",
            "csv",
            "--bootstrap",
            "50",
            "--format",
            "json",
        ],
        &file,
    );
    assert_eq!(code, 0, "{err}");
    let mut a: Value = serde_json::from_str(&from_file).expect("json");
    let b: Value = serde_json::from_str(&piped).expect("json");
    assert_eq!(b["source"], "<stdin>");
    a["source"] = b["source"].clone();
    assert_eq!(a, b, "the same numbers from a file and from standard input");
    // Without a file name the format must be given; errors name `<stdin>` and the line.
    let (code, _, err) = verdict_stdin(&dir, &["eval", "-"], &file);
    assert_eq!(code, 2);
    assert!(
        err.contains("<stdin>") && err.contains("--input-format"),
        "{err}"
    );
    let (code, _, err) = verdict_stdin(
        &dir,
        &["eval", "-", "--input-format", "csv"],
        b"label,score\n1,x\n",
    );
    assert_eq!(code, 2);
    assert!(err.contains("<stdin>:2: column \"score\""), "{err}");
}

#[test]
fn eval_out_dir_writes_the_report_json_and_plots() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("a/b");
    let out_s = out.to_str().expect("utf-8 path");
    let (code, _, err) = verdict(
        &root(),
        &[
            "eval",
            "examples/breast_cancer.csv",
            "--bootstrap",
            "0",
            "--out-dir",
            out_s,
        ],
    );
    assert_eq!(code, 0, "{err}");
    for f in ["roc.svg", "pr.svg", "reliability.svg"] {
        let svg = std::fs::read_to_string(out.join(f)).expect(f);
        assert!(
            svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"),
            "{f}"
        );
    }
    let md = std::fs::read_to_string(out.join("report.md")).expect("report.md");
    for link in ["(roc.svg)", "(pr.svg)", "(reliability.svg)"] {
        assert!(md.contains(link), "{link} in {md}");
    }
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("eval.json")).expect("eval.json"))
            .expect("json");
    assert_eq!(doc["task"], "binary");
    // Multi-class probabilities: a reliability diagram, no ROC/PR.
    let multi = tmp.path().join("m");
    let (code, _, err) = verdict(
        &fixtures().join("parity"),
        &[
            "eval",
            "wine_nb.csv",
            "--bootstrap",
            "0",
            "--out-dir",
            multi.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(multi.join("reliability.svg").is_file() && !multi.join("roc.svg").exists());
    // A path that is a file is refused with what was expected.
    let file = tmp.path().join("file");
    std::fs::write(&file, "x").expect("write");
    let (code, _, err) = verdict(
        &root(),
        &[
            "eval",
            "examples/breast_cancer.csv",
            "--out-dir",
            file.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("is not a directory; expected a directory"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(&file).expect("read"),
        "x",
        "nothing overwritten"
    );
    // Below a file the directory cannot be created: said, with the path.
    let below = file.join("sub");
    let (code, _, err) = verdict(
        &root(),
        &[
            "eval",
            "examples/breast_cancer.csv",
            "--out-dir",
            below.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains(&format!(
            "--out-dir {}: cannot create the directory",
            below.display()
        )),
        "{err}"
    );
}

/// Thresholds print with the metrics' 4 decimals in text and Markdown; the JSON keeps them exact.
#[test]
fn thresholds_print_like_the_metrics_beside_them() {
    let args = ["eval", "examples/breast_cancer.csv", "--bootstrap", "0"];
    let (_, text, _) = verdict(&root(), &args);
    let (_, json, _) = verdict(&root(), &[&args[..], &["--format", "json"]].concat());
    let doc: Value = serde_json::from_str(&json).expect("json");
    let youden = doc["thresholds"]["youden"]["threshold"]
        .as_f64()
        .expect("youden");
    assert!(
        youden.to_string().len() > 8,
        "an unrounded threshold: {youden}"
    );
    let row = text
        .lines()
        .find(|l| l.trim_start().starts_with("youden"))
        .expect("youden row");
    assert!(row.contains(&format!(" {youden:.4} ")), "{row}");
    assert!(!row.contains(&youden.to_string()), "{row}");
    assert!(text.contains("Threshold: 0.5000"), "{text}");
}

#[test]
fn version_is_the_workspace_version() {
    let (code, out, _) = verdict(&root(), &["--version"]);
    assert_eq!(code, 0);
    assert_eq!(out.trim(), concat!("verdict ", env!("CARGO_PKG_VERSION")));
    assert_ne!(env!("CARGO_PKG_VERSION"), "0.0.0");
}

/// An OS error that a library error already shows is not printed a second time by the chain.
#[test]
fn os_errors_are_printed_once() {
    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::create_dir(tmp.path().join("dir.csv")).expect("mkdir");
    let (code, _, err) = verdict(tmp.path(), &["eval", "dir.csv"]);
    assert_eq!(code, 2);
    assert!(err.contains("dir.csv"), "{err}");
    assert_eq!(err.matches("os error").count(), 1, "{err}");
}

/// The Korean report names the task in Korean.
#[test]
fn korean_reports_name_the_task_in_korean() {
    let (code, md, err) = verdict(
        &root(),
        &[
            "eval",
            "examples/digits.csv",
            "--bootstrap",
            "0",
            "--format",
            "md",
            "--lang",
            "ko",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(md.contains("- 과제: 다중 클래스 분류 (확률)"), "{md}");
    assert!(!md.contains("multiclass (probabilities)"), "{md}");
}

/// `compare` reads the same files: it says per model when rows were divided by their sum.
#[test]
fn compare_says_which_models_had_rows_normalised() {
    let digits = root().join("examples/digits.csv");
    let exact = fixtures().join("parity/digits_lr.csv");
    let args = |fmt: &'static str| {
        vec![
            "compare".to_string(),
            exact.display().to_string(),
            digits.display().to_string(),
            "--bootstrap".into(),
            "20".into(),
            "--format".into(),
            fmt.into(),
        ]
    };
    let run = |fmt| {
        let a = args(fmt);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        let (code, out, err) = verdict(&root(), &a);
        assert_eq!(code, 0, "{err}");
        out
    };
    let doc: Value = serde_json::from_str(&run("json")).expect("json");
    let found: Vec<&Value> = doc["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .filter(|w| w["code"] == "normalized_rows")
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["model"], "digits");
    assert!(
        found[0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("947 of 1797")
    );
    assert!(run("md").contains("digits: Normalised: 947 of 1797"));
}
