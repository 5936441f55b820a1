//! The metric-history endpoints (`metrics/…`).

use serde_json::Value;
use verdict_store::BulkIntervalQuery;

use super::Cx;
use crate::entities;
use crate::error::{ApiError, ApiResult};
use crate::validate::{Check, schema};
use crate::wire::{Fields, Obj};

area! {
    /// `metrics/…`.
    Metrics {
        GetHistory,
        GetHistoryBulkInterval,
        GetHistoryBulk,
    }
}

/// `handlers.get_metric_history_bulk_interval_handler`'s schema.
const BULK_INTERVAL_SCHEMA: &[(&str, &[Check])] = &[
    (
        "run_ids",
        &[
            Check::Required,
            Check::Array,
            Check::ItemStrs,
            Check::MaxLen(
                100,
                "GetMetricHistoryBulkInterval request must specify at most 100 run_ids. \
                 Received {n} run_ids.",
            ),
        ],
    ),
    ("metric_key", &[Check::Required, Check::Str]),
    ("start_step", &[Check::IntLike]),
    ("end_step", &[Check::IntLike]),
    (
        "max_results",
        &[
            Check::IntLike,
            Check::IntRange(1, 2500, "max_results must be between 1 and 2500."),
        ],
    ),
];

/// A point of the bulk history calls: MLflow sends `{key, value, timestamp, step, run_id}`
/// only (no dataset or model link).
fn bulk_point(p: &verdict_store::RunMetric) -> Value {
    Obj::new()
        .s("key", &p.metric.key)
        .f("value", p.metric.value)
        .i("timestamp", p.metric.timestamp)
        .i("step", p.metric.step)
        .s("run_id", &p.run_id)
        .done()
}

/// Runs a metric-history endpoint.
pub(super) fn handle(cx: Cx<'_>, e: Metrics) -> ApiResult<Value> {
    let Cx { store, f, .. } = cx;
    Ok(match e {
        Metrics::GetHistory => {
            let page = store.get_metric_history(
                &f.run_id()?,
                &f.str("metric_key")?,
                f.opt_i64("max_results")?,
                f.opt_str("page_token")?
                    .filter(|s| !s.is_empty())
                    .as_deref(),
            )?;
            Obj::new()
                .arr(
                    "metrics",
                    page.items
                        .iter()
                        .map(|m| entities::metric(m, None))
                        .collect(),
                )
                .token(page.next_page_token)
                .done()
        }
        Metrics::GetHistoryBulkInterval => {
            let listed = crate::validate::with_lists(&f, &["run_ids"]);
            schema(&Fields(&listed), BULK_INTERVAL_SCHEMA)?;
            let points = store.get_metric_history_bulk_interval(&BulkIntervalQuery {
                run_ids: f.strs("run_ids")?,
                metric_key: f.str("metric_key")?,
                start_step: f.opt_i64("start_step")?,
                end_step: f.opt_i64("end_step")?,
                // MLflow's default when the request sends none (MAX_RESULTS_PER_RUN).
                max_results: f.opt_i64("max_results")?.unwrap_or(2500),
            })?;
            let points = points.iter().map(bulk_point).collect();
            Obj::new().arr("metrics", points).done()
        }
        Metrics::GetHistoryBulk => {
            // The UI's older bulk call: every point of the key for up to 100 runs, at most
            // max_results in all (0 gives none, above 25000 means 25000, as in MLflow),
            // ordered by run id, then timestamp, step and value (the store's rule); MLflow's
            // messages (handlers.get_metric_history_bulk_handler).
            let mut run_ids = f.strs("run_id")?;
            if run_ids.is_empty() {
                return Err(ApiError::invalid(
                    "GetMetricHistoryBulk request must specify at least one run_id.",
                ));
            }
            if run_ids.len() > 100 {
                return Err(ApiError::invalid(format!(
                    "GetMetricHistoryBulk request cannot specify more than 100 run_ids. \
                     Received {} run_ids.",
                    run_ids.len()
                )));
            }
            run_ids.dedup();
            let max = f.opt_i64("max_results")?.unwrap_or(25_000);
            if max < 0 {
                return Err(ApiError::invalid(format!(
                    "Invalid value {max} for parameter 'max_results' supplied. It must be a \
                     non-negative integer."
                )));
            }
            let key = f.opt_str("metric_key")?.ok_or_else(|| {
                ApiError::invalid("GetMetricHistoryBulk request must specify a metric_key.")
            })?;
            let max = usize::try_from(max.min(25_000)).unwrap_or(25_000);
            let out: Vec<Value> = store
                .get_metric_history_bulk(&run_ids, &key, max)?
                .iter()
                .map(bulk_point)
                .collect();
            // A plain dict in MLflow's handler: an empty list is sent, not omitted.
            serde_json::json!({ "metrics": out })
        }
    })
}
