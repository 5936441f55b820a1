//! The `verdict` command-line tool: a thin shell that turns flags into `verdict-app` specs, runs
//! the operation and renders its report with `verdict-report`.
//!
//! Exit codes: 0 success, 1 when `verdict check --fail-on` is reached, 2 error (bad input, bad
//! arguments), 3 when `verdict watch` sees a rule stop the run. `anyhow` lives only here; every error
//! is printed with its whole chain (`{:#}`), so the reader sees the file, line and column the
//! library error names.

#![warn(missing_docs)]

mod cli;
mod commands;

use clap::Parser;
use std::io::Write;
use std::process::ExitCode;

/// Parses the command line and runs it.
pub fn run() -> ExitCode {
    let args = cli::Cli::parse();
    let result = match args.command {
        cli::Command::Eval(a) => commands::eval::run(&a),
        cli::Command::Compare(a) => commands::compare::run(&a),
        cli::Command::Ensemble(a) => commands::ensemble::run(&a),
        cli::Command::Retrieval(r) => match &r.sub {
            None => commands::retrieval::run(&r.args),
            Some(cli::RetrievalSub::Compare(c)) => commands::retrieval::compare(c),
        },
        cli::Command::Server(a) => commands::server::run(&a),
        cli::Command::Import(cli::ImportCmd::Mlruns(a)) => commands::import::mlruns(&a),
        cli::Command::Experiments(c) => commands::experiments::run(&c),
        cli::Command::Runs(c) => commands::runs::run(&c),
        cli::Command::Splits(c) => return gated(commands::splits::run(&c)),
        cli::Command::Check(a) => return gated(commands::check::run(&a)),
        cli::Command::Rules(c) => commands::rules::run(&c),
        cli::Command::Watch(a) => return commands::watch::run(&a),
    };
    match result {
        Ok(output) => emit(&output),
        Err(e) => {
            eprintln!("error: {}", message(&e));
            ExitCode::from(2)
        }
    }
}

/// A command with a CI gate (`--fail-on`): its report is printed, and the exit code is 1 when the
/// gate was reached.
fn gated(result: anyhow::Result<(String, bool)>) -> ExitCode {
    match result {
        Ok((output, gate)) => match emit(&output) {
            code if code == ExitCode::SUCCESS && gate => ExitCode::from(1),
            code => code,
        },
        Err(e) => {
            eprintln!("error: {}", message(&e));
            ExitCode::from(2)
        }
    }
}

/// Writes a command's output to stdout.
fn emit(output: &str) -> ExitCode {
    let mut out = std::io::stdout().lock();
    match out.write_all(output.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`verdict eval … | head`) is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: writing output: {e}");
            ExitCode::from(2)
        }
    }
}

/// The error's whole chain on one line, `context: cause: cause`, without repeating a cause that
/// the message before it already ends with: library errors such as `ReadError::Io` show their
/// source in their own message (so they read well alone) and also return it as `source()`, which
/// `{:#}` would print a second time ("Address already in use (os error 98): Address already in use
/// (os error 98)").
fn message(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if out.ends_with(&text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::message;

    /// Shaped as `ReadError::Io`: the source in the message and as `source()`.
    #[derive(Debug)]
    struct WithSource {
        path: String,
        source: std::io::Error,
    }

    impl std::fmt::Display for WithSource {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "{}: {}", self.path, self.source)
        }
    }

    impl std::error::Error for WithSource {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.source)
        }
    }

    #[test]
    fn a_cause_already_in_the_message_is_printed_once() {
        let io = std::io::Error::new(std::io::ErrorKind::AddrInUse, "Address already in use");
        let e = anyhow::Error::new(WithSource {
            path: "x.csv".into(),
            source: io,
        })
        .context("cannot evaluate x.csv");
        assert_eq!(
            message(&e),
            "cannot evaluate x.csv: x.csv: Address already in use"
        );
        let plain = anyhow::anyhow!("inner").context("outer");
        assert_eq!(message(&plain), "outer: inner");
    }
}
