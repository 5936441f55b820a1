//! Every command that README.md and the READMEs under examples/ show is run here, as written, so a
//! bundled example cannot break silently.
//!
//! A command is an indented (four-space) code line whose first word is `verdict`, `cargo` or
//! `cat`. The lines of one README run in order, in one fresh directory that links `examples/` and
//! `crates/` of the repository, so a later command sees what an earlier one wrote (an import,
//! then `runs list`). `sh` runs each line with this test's `verdict` first on `PATH`; a command
//! must exit 0, and an indented block that is not a command is output the command before it must
//! print (each of its lines, after collapsing runs of spaces).
//!
//! Rewrites, each for a stated reason:
//! - `cargo run --release -p verdict -- ARGS` runs `verdict ARGS`: the same code; the profile only
//!   changes the speed.
//! - `verdict server …` gets `--port 0` (a free port; 5000 may be taken), is started, must answer
//!   `/health` with 200, and stops on SIGTERM with exit 0. A `postgresql://` store is replaced by
//!   the test server's `VERDICT_TEST_PG_URL` (`scripts/pg.sh`); without one the case fails unless
//!   `VERDICT_TEST_PG_OPTIONAL=1`, as every PostgreSQL test here. `$TOKEN` is set.
//!
//! Not run, with the reason: `bash scripts/test.sh` (the test command itself, which CI runs) and
//! `cargo install …` (it writes to the user's `~/.cargo/bin`; this test runs the binary it built).

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const NOT_RUN: [&str; 2] = [
    "bash scripts/test.sh",
    "cargo install --path crates/verdict",
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repository root")
}

/// A README's indented blocks in order: (line number of the first line, its lines).
fn blocks(text: &str) -> Vec<(usize, Vec<String>)> {
    let mut out: Vec<(usize, Vec<String>)> = Vec::new();
    let mut prev_blank = true;
    let mut in_block = false;
    for (i, line) in text.lines().enumerate() {
        let indented = line.starts_with("    ") && !line.trim().is_empty();
        if indented && (in_block || prev_blank) {
            if !in_block {
                out.push((i + 1, Vec::new()));
                in_block = true;
            }
            if let Some((_, lines)) = out.last_mut() {
                lines.push(line[4..].to_string());
            }
        } else if !line.trim().is_empty() {
            in_block = false;
        }
        prev_blank = line.trim().is_empty();
    }
    out
}

fn is_command(line: &str) -> bool {
    matches!(
        line.split_whitespace().next(),
        Some("verdict" | "cargo" | "cat" | "bash")
    )
}

fn squeeze(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A sandbox directory linking the repository's `examples/` and `crates/`.
fn sandbox() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tmp");
    for name in ["examples", "crates"] {
        std::os::unix::fs::symlink(root().join(name), dir.path().join(name)).expect("symlink");
    }
    dir
}

fn path_env() -> String {
    let bin = Path::new(env!("CARGO_BIN_EXE_verdict"))
        .parent()
        .expect("bin dir")
        .display()
        .to_string();
    format!("{bin}:{}", std::env::var("PATH").unwrap_or_default())
}

fn sh(dir: &Path, line: &str) -> (i32, String, String) {
    let out = Command::new("sh")
        .arg("-c")
        .arg(line)
        .current_dir(dir)
        .env("PATH", path_env())
        .env("NO_COLOR", "1")
        .env("TOKEN", "readme-token")
        .output()
        .expect("run sh");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Starts a `verdict server …` line on a free port, checks `/health`, stops it with SIGTERM.
/// Returns what it printed, or `None` when the line needs PostgreSQL and none is configured.
fn server(dir: &Path, line: &str) -> Option<String> {
    let mut line = line.split(" #").next().unwrap_or(line).trim().to_string();
    if let Some(start) = line.find("postgresql://") {
        let end = line[start..].find(' ').map_or(line.len(), |e| start + e);
        match std::env::var("VERDICT_TEST_PG_URL") {
            Ok(url) => line.replace_range(start..end, &url),
            Err(_) if std::env::var_os("VERDICT_TEST_PG_OPTIONAL").is_some() => return None,
            Err(_) => panic!(
                "`{line}` needs PostgreSQL: run under scripts/pg.sh or set VERDICT_TEST_PG_OPTIONAL=1"
            ),
        }
    }
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("exec {line} --port 0"))
        .current_dir(dir)
        .env("PATH", path_env())
        .env("TOKEN", "readme-token")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start server");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = String::new();
    stdout.read_line(&mut first).expect("read");
    let port: u16 = first
        .split("http://127.0.0.1:")
        .nth(1)
        .or_else(|| first.split("http://0.0.0.0:").nth(1))
        .and_then(|rest| {
            rest.split(|c: char| !c.is_ascii_digit())
                .next()
                .and_then(|p| p.parse().ok())
        })
        .unwrap_or_else(|| panic!("`{line}` did not print its address: {first:?}"));
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            s.write_all(b"GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                .expect("send");
            let mut answer = String::new();
            let _ = s.read_to_string(&mut answer);
            break answer.lines().next().unwrap_or_default().to_string();
        }
        assert!(
            Instant::now() < deadline,
            "`{line}`: no answer on port {port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(
        status.contains(" 200"),
        "`{line}`: /health answered {status:?}"
    );
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let code = child.wait().expect("wait");
    let mut rest = String::new();
    let _ = stdout.read_to_string(&mut rest);
    assert!(
        code.success(),
        "`{line}` did not stop cleanly on SIGTERM: {code}"
    );
    Some(first + &rest)
}

/// Runs every command of one README; returns how many ran.
fn run_readme(rel: &str) -> usize {
    let text = std::fs::read_to_string(root().join(rel)).expect(rel);
    let dir = sandbox();
    let mut ran = 0;
    let mut last: Option<(String, String)> = None; // (command, stdout)
    for (at, lines) in blocks(&text) {
        let commands: Vec<&String> = lines
            .iter()
            .filter(|l| !l.trim_start().starts_with('#'))
            .collect();
        if commands.iter().all(|l| !is_command(l)) {
            // Output of the command before it.
            let (cmd, out) = last
                .as_ref()
                .unwrap_or_else(|| panic!("{rel}:{at}: an output block with no command before it"));
            let out = squeeze(out);
            for l in &commands {
                assert!(
                    out.contains(&squeeze(l)),
                    "{rel}:{at}: `{cmd}` no longer prints\n  {l}\nit printed:\n{out}"
                );
            }
            continue;
        }
        for (k, line) in commands.iter().enumerate() {
            let line = line.trim();
            assert!(
                is_command(line),
                "{rel}:{}: not a command this test can run: {line}",
                at + k
            );
            if NOT_RUN.iter().any(|p| line.starts_with(p)) {
                continue;
            }
            let line = line.replace("cargo run --release -p verdict --", "verdict");
            if line.starts_with("verdict server") {
                if let Some(out) = server(dir.path(), &line) {
                    last = Some((line.clone(), out));
                    ran += 1;
                }
                continue;
            }
            let (code, out, err) = sh(dir.path(), &line);
            assert_eq!(code, 0, "{rel}: `{line}` failed:\n{err}\n{out}");
            last = Some((line.clone(), out));
            ran += 1;
        }
    }
    ran
}

#[test]
fn every_command_of_the_readme_runs() {
    let ran = run_readme("README.md");
    assert!(ran >= 15, "only {ran} README commands ran");
}

#[test]
fn every_command_of_the_examples_readmes_runs() {
    let mut ran = 0;
    let mut readmes = vec!["examples/README.md".to_string()];
    for e in std::fs::read_dir(root().join("examples")).expect("examples") {
        let p = e.expect("entry").path().join("README.md");
        if p.is_file() {
            let rel = p
                .strip_prefix(root())
                .expect("inside")
                .display()
                .to_string();
            readmes.push(rel);
        }
    }
    readmes.sort();
    for r in &readmes {
        ran += run_readme(r);
    }
    assert!(
        readmes.len() >= 2 && ran >= 4,
        "{readmes:?}: only {ran} commands ran"
    );
}

#[test]
fn the_block_reader_finds_commands_and_output() {
    let text = "Intro\n\n    verdict eval a.csv\n    cargo run -- x\n\nThe answer:\n\n    a: 1\n\nnot\n    code\n";
    let b = blocks(text);
    assert_eq!(b.len(), 2, "{b:?}");
    assert_eq!(
        b[0],
        (
            3,
            vec!["verdict eval a.csv".into(), "cargo run -- x".into()]
        )
    );
    assert_eq!(b[1], (8, vec!["a: 1".into()]));
}
