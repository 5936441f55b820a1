pub(crate) mod common;
pub(crate) mod compare;
pub(crate) mod eval;
pub(crate) mod retrieval;
pub(crate) mod server;
