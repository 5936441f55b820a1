pub(crate) mod eval;
