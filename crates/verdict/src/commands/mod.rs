pub(crate) mod common;
pub(crate) mod compare;
pub(crate) mod eval;
pub(crate) mod experiments;
pub(crate) mod import;
pub(crate) mod ledger;
pub(crate) mod retrieval;
pub(crate) mod runs;
