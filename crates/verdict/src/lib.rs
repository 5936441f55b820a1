//! The `verdict` command-line tool: a thin shell over `verdict-io` (reading), `verdict-core`
//! (computing) and `verdict-report` (rendering).
//!
//! Exit codes: 0 success, 2 error (bad input, bad arguments). `anyhow` lives only here; every error
//! is printed with its whole chain (`{:#}`), so the reader sees the file, line and column the
//! library error names.

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
        cli::Command::Retrieval(r) => match &r.sub {
            None => commands::retrieval::run(&r.args),
            Some(cli::RetrievalSub::Compare(c)) => commands::retrieval::compare(c),
        },
        cli::Command::Server(a) => commands::server::run(&a),
        cli::Command::Import(cli::ImportCmd::Mlruns(a)) => commands::import::mlruns(&a),
        cli::Command::Experiments(c) => commands::experiments::run(&c),
        cli::Command::Runs(c) => commands::runs::run(&c),
    };
    match result {
        Ok(output) => {
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
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
