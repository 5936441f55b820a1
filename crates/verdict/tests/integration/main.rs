//! Integration tests of the `verdict` binary: parity with scikit-learn on committed fixtures,
//! error messages, and report snapshots.

mod architecture;
mod check;
mod checks_doc;
mod cli;
mod compare;
mod design_citations;
mod ensemble;
mod hardening;
mod json_snapshots;
mod ledger;
mod parity;
mod readme;
mod retrieval;
mod rules;
mod scale;
mod server;
mod splits;
mod support;
