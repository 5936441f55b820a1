//! Metric history: paged reads and the downsampled bulk interval (sampling rule in the crate
//! docs). Both read the `metrics` primary key `(run_uuid, key, step, timestamp, …)` as an index
//! range, so a history read is one range scan and never touches other runs' rows.

use std::collections::BTreeSet;

use crate::db::{Conn, Value};
use crate::error::{Error, Result};
use crate::limits;
use crate::runs::{run_info, stored_value};
use crate::store::Store;
use crate::token;
use crate::types::{BulkIntervalQuery, Metric, Page, RunMetric};

/// The key is known from the request, so it is not fetched again for every row.
const HISTORY_COLUMNS: &str =
    "value, is_nan, timestamp, step, dataset_name, dataset_digest, model_id";
const STEP_COLUMN: usize = 3;

fn metric_from_row(key: &str, row: &crate::db::Row) -> Result<Metric> {
    Ok(Metric {
        key: key.to_owned(),
        value: stored_value(row.real(0)?, row.int(1)?),
        timestamp: row.int(2)?,
        step: row.int(STEP_COLUMN)?,
        dataset_name: row.opt_text(4)?,
        dataset_digest: row.opt_text(5)?,
        model_id: row.opt_text(6)?,
    })
}

/// Ranks kept out of `n` distinct steps when at most `m` may stay: `round(i·(n−1)/(m−1))` for
/// `i = 0..m`, so the first and last are always kept (for `m = 1`, only the first).
pub(crate) fn sample_ranks(n: usize, m: usize) -> Vec<usize> {
    if n <= m {
        return (0..n).collect();
    }
    if m <= 1 {
        return vec![0];
    }
    let mut out: Vec<usize> = (0..m)
        .map(|i| {
            // Integer form of round(i·(n−1)/(m−1)) (half up), exact for any sizes here.
            let num = i * (n - 1);
            let den = m - 1;
            (2 * num + den) / (2 * den)
        })
        .collect();
    out.dedup();
    out
}

fn sampled_steps(
    c: &mut dyn Conn,
    run_id: &str,
    key: &str,
    range: Option<(i64, i64)>,
    max: usize,
) -> Result<Vec<i64>> {
    let rows = match range {
        Some((start, end)) => c.query(
            "SELECT DISTINCT step FROM metrics WHERE run_uuid = $1 AND key = $2 AND step >= $3 \
             AND step <= $4 ORDER BY step",
            &[
                run_id.into(),
                key.into(),
                Value::Int(start),
                Value::Int(end),
            ],
        )?,
        None => c.query(
            "SELECT DISTINCT step FROM metrics WHERE run_uuid = $1 AND key = $2 ORDER BY step",
            &[run_id.into(), key.into()],
        )?,
    };
    let steps: Vec<i64> = rows.iter().map(|r| r.int(0)).collect::<Result<_>>()?;
    Ok(sample_ranks(steps.len(), max)
        .into_iter()
        .map(|i| steps[i])
        .collect())
}

impl Store {
    /// Every point of `key` in `run_id`, ordered by (step, timestamp). `max_results` `None`
    /// returns everything (MLflow 3.x does so when the field is unset); otherwise one page of at
    /// most `max_results` points and a token for the next.
    pub fn get_metric_history(
        &self,
        run_id: &str,
        key: &str,
        max_results: Option<i64>,
        page_token: Option<&str>,
    ) -> Result<Page<Metric>> {
        let offset = token::decode(page_token)?;
        if let Some(m) = max_results
            && m < 1
        {
            return Err(Error::invalid(format!(
                "Invalid value {m} for parameter 'max_results' supplied. It must be a \
                     positive integer"
            )));
        }
        self.read(|c| {
            run_info(c, run_id)?;
            let base = format!(
                "SELECT {HISTORY_COLUMNS} FROM metrics WHERE run_uuid = $1 AND key = $2 \
                 ORDER BY step, timestamp, value, is_nan"
            );
            let off = i64::try_from(offset).unwrap_or(i64::MAX);
            let rows = match max_results {
                None if offset == 0 => c.query(&base, &[run_id.into(), key.into()])?,
                None => c.query(
                    &format!("{base} OFFSET $3"),
                    &[run_id.into(), key.into(), Value::Int(off)],
                )?,
                Some(m) => c.query(
                    &format!("{base} LIMIT $3 OFFSET $4"),
                    &[
                        run_id.into(),
                        key.into(),
                        Value::Int(m.saturating_add(1)),
                        Value::Int(off),
                    ],
                )?,
            };
            let limit =
                max_results.map_or(usize::MAX, |m| usize::try_from(m).unwrap_or(usize::MAX));
            let has_more = rows.len() > limit;
            let items = rows
                .iter()
                .take(limit)
                .map(|r| metric_from_row(key, r))
                .collect::<Result<Vec<_>>>()?;
            Ok(Page {
                next_page_token: token::next(offset, items.len(), has_more),
                items,
            })
        })
    }

    /// MLflow `GetMetricHistoryBulkInterval`: for each run (1..=100 ids, in the order given,
    /// duplicates once), the points of `metric_key` at the sampled steps, ordered by (step,
    /// timestamp). `start_step`/`end_step` must both be given or both be absent;
    /// `max_results` is 1..=2500.
    pub fn get_metric_history_bulk_interval(
        &self,
        query: &BulkIntervalQuery,
    ) -> Result<Vec<RunMetric>> {
        if query.run_ids.is_empty() {
            return Err(Error::invalid(
                "GetMetricHistoryBulkInterval needs at least one run_id",
            ));
        }
        if query.run_ids.len() > limits::MAX_BULK_RUN_IDS {
            return Err(Error::invalid(format!(
                "GetMetricHistoryBulkInterval request must specify at most {} run_ids. Received \
                 {} run_ids.",
                limits::MAX_BULK_RUN_IDS,
                query.run_ids.len()
            )));
        }
        if query.max_results < 1 || query.max_results > limits::MAX_BULK_INTERVAL_RESULTS {
            return Err(Error::invalid(format!(
                "max_results must be between 1 and {}. Received {}.",
                limits::MAX_BULK_INTERVAL_RESULTS,
                query.max_results
            )));
        }
        let range = match (query.start_step, query.end_step) {
            (Some(s), Some(e)) if s > e => {
                return Err(Error::invalid(format!(
                    "end_step must be greater than start_step. Found start_step={s} and \
                     end_step={e}."
                )));
            }
            (Some(s), Some(e)) => Some((s, e)),
            (None, None) => None,
            _ => {
                return Err(Error::invalid(
                    "If either start step or end step are specified, both must be specified.",
                ));
            }
        };
        let max = usize::try_from(query.max_results).unwrap_or(1);
        let mut seen = BTreeSet::new();
        self.read(|c| {
            seen.clear();
            let mut out = Vec::new();
            for run_id in &query.run_ids {
                if !seen.insert(run_id.as_str()) {
                    continue;
                }
                run_info(c, run_id)?;
                let steps = sampled_steps(c, run_id, &query.metric_key, range, max)?;
                if steps.is_empty() {
                    continue;
                }
                // The kept steps, 500 per query: an index probe per step, O(points returned).
                for chunk in steps.chunks(500) {
                    let mut args: Vec<Value> =
                        vec![run_id.into(), query.metric_key.as_str().into()];
                    args.extend(chunk.iter().map(|s| Value::Int(*s)));
                    let rows = c.query(
                        &format!(
                            "SELECT {HISTORY_COLUMNS} FROM metrics WHERE run_uuid = $1 AND \
                             key = $2 AND step IN ({}) ORDER BY step, timestamp, value, is_nan",
                            crate::experiments::placeholders(3, chunk.len())
                        ),
                        &args,
                    )?;
                    for row in &rows {
                        out.push(RunMetric {
                            run_id: run_id.clone(),
                            metric: metric_from_row(&query.metric_key, row)?,
                        });
                    }
                }
            }
            Ok(out)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::sample_ranks;

    #[test]
    fn ranks_keep_endpoints() {
        assert_eq!(sample_ranks(3, 2), vec![0, 2]);
        assert_eq!(sample_ranks(3, 5), vec![0, 1, 2]);
        assert_eq!(sample_ranks(11, 3), vec![0, 5, 10]);
        assert_eq!(sample_ranks(10, 4), vec![0, 3, 6, 9]);
        assert_eq!(sample_ranks(5, 1), vec![0]);
        let r = sample_ranks(100_000, 320);
        assert_eq!(r.len(), 320);
        assert_eq!((r[0], r[319]), (0, 99_999));
    }
}
