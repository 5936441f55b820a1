//! Metric history: paged reads and the downsampled bulk interval.

use crate::error::Result;
use crate::store::Store;
use crate::types::{BulkIntervalQuery, Metric, Page, RunMetric};

impl Store {
    /// Every point of `key` in `run_id`, ordered by (step, timestamp). `max_results` `None`
    /// returns everything (as MLflow 3.x does when the field is unset); otherwise pages.
    pub fn get_metric_history(
        &self,
        run_id: &str,
        key: &str,
        max_results: Option<i64>,
        page_token: Option<&str>,
    ) -> Result<Page<Metric>> {
        unimplemented!("{run_id}{key}{max_results:?}{page_token:?}")
    }

    /// MLflow `GetMetricHistoryBulkInterval`, downsampled per run (sampling rule in the crate docs).
    pub fn get_metric_history_bulk_interval(
        &self,
        query: &BulkIntervalQuery,
    ) -> Result<Vec<RunMetric>> {
        unimplemented!("{query:?}")
    }
}
