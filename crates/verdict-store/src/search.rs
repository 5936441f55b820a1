//! search_runs: MLflow's filter and order_by turned into one SQL query per page, then the page
//! hydrated with one query per table.

use crate::error::Result;
use crate::store::Store;
use crate::types::{Page, Run, RunQuery};

impl Store {
    /// MLflow `SearchRuns`.
    pub fn search_runs(&self, query: &RunQuery) -> Result<Page<Run>> {
        unimplemented!("{query:?}")
    }
}
