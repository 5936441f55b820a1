//! Verdict's application layer: the one API that the command line, the server's pages and the
//! Python package call, as rust-analyzer's `ide` crate is for its editors.
//!
//! Each operation takes a plain spec (what to read, how to evaluate) and returns a report struct
//! that `verdict-report` renders; none parses flags, prints or renders. This is where the two
//! stacks meet: `verdict-io` reads the files, `verdict-core` computes, `verdict-store` keeps the
//! result. What a front end would otherwise copy lives here once:
//!
//! * [`eval`]: one prediction file → [`verdict_report::EvalReport`] (with grouped classes and
//!   slices);
//! * [`compare`]: several prediction files of one eval set → [`verdict_report::compare::CompareReport`];
//! * [`retrieval`]: embeddings or ranked lists → [`verdict_report::retrieval::RetrievalReport`], and
//!   two systems paired;
//! * [`ensemble`]: several models' prediction files of one eval set combined, weighed and taken
//!   apart → [`verdict_report::ensemble::EnsembleReport`];
//! * [`check`]: a run's curves and stored evaluations → one list of findings;
//! * [`ledger`]: the ledger's conventions for evaluations, and [`ledger::store_evaluation`], which
//!   writes an evaluation into a run as one unit;
//! * [`splits`]: split manifests checked, diffed and recorded with a run;
//! * [`input`]: turning a loaded file into the core's input (`verdict_core::prepare` holds the
//!   rules).
//!
//! Work that takes long reports to a [`Progress`]; errors are one [`Error`] type whose chain names
//! the file, row and column where a library error does.

#![warn(missing_docs)]

pub mod check;
pub mod compare;
pub mod ensemble;
mod error;
pub mod eval;
pub mod input;
pub mod ledger;
pub mod retrieval;
pub mod rules;
pub mod splits;
pub mod ui;

pub use error::{Error, Result};
pub(crate) use error::{ResultExt, bail};

/// Where long work reports how far it got. Every method has an empty default, so a caller that
/// shows nothing passes [`NoProgress`].
pub trait Progress: Sync {
    /// Work of `total` steps named `what` (`bootstrap`, `queries`, …) begins.
    fn start(&self, total: u64, what: &str) {
        let _ = (total, what);
    }
    /// `n` more steps are done.
    fn inc(&self, n: u64) {
        let _ = n;
    }
    /// The work is over (the bar can be cleared).
    fn finish(&self) {}
}

/// A [`Progress`] that shows nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {}

/// How an input path is named in reports and messages: `-` is standard input.
pub fn shown(path: &std::path::Path) -> String {
    if path == std::path::Path::new(verdict_io::STDIN) {
        verdict_io::STDIN_NAME.to_owned()
    } else {
        path.display().to_string()
    }
}
