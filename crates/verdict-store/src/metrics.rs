//! Metric history: paged reads and the downsampled bulk interval (sampling rule in the crate
//! docs). Both read the `metrics` primary key `(run_uuid, key, step, timestamp, …)` as an index
//! range, so a history read is one range scan and never touches other runs' rows.

use crate::db::{Conn, Value};
use crate::error::{Error, Result};
use crate::limits;
use crate::runs::{run_info, stored_value};
use crate::store::Store;
use crate::token;
use crate::types::{BulkIntervalQuery, Metric, Page, RunMetric};

/// The key is known from the request, so it is not fetched again for every row.
pub(crate) const HISTORY_COLUMNS: &str =
    "value, is_nan, timestamp, step, dataset_name, dataset_digest, model_id";
/// How many columns [`HISTORY_COLUMNS`] has (a query may add more after them).
pub(crate) const HISTORY_COLUMN_COUNT: usize = 7;
const STEP_COLUMN: usize = 3;

/// A point from a row that starts with [`HISTORY_COLUMNS`].
pub(crate) fn metric_from_row(key: &str, row: &crate::db::Row) -> Result<Metric> {
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

/// Row indices kept out of `n` points when at most `m` may stay, MLflow 3.17's rule
/// (`SqlAlchemyStore._sample_rows_with_window_functions`): the rows, ordered by (step,
/// timestamp, value, is_nan), are cut into `m` buckets as SQL's `NTILE(m)` does (the first
/// `n mod m` buckets one row larger), the first row of each bucket is kept, and the last row
/// replaces the last kept one if it is not already kept. So `n ≤ m` keeps every row and `m = 1`
/// keeps only the last.
pub(crate) fn sample_indices(n: usize, m: usize) -> Vec<usize> {
    if n <= m {
        return (0..n).collect();
    }
    let m = m.max(1);
    let (q, r) = (n / m, n % m);
    let mut out: Vec<usize> = (0..m).map(|b| b * q + b.min(r)).collect();
    if let Some(last) = out.last_mut() {
        *last = n - 1;
    }
    out
}

/// The sampled points of `key` in one run (see [`sample_indices`]): one count, then one scan
/// that numbers the rows in the index order and keeps the chosen numbers.
fn sampled_points(
    c: &mut dyn Conn,
    run_id: &str,
    key: &str,
    range: Option<(i64, i64)>,
    max: usize,
) -> Result<Vec<Metric>> {
    let mut cond = "run_uuid = $1 AND key = $2".to_owned();
    let mut args: Vec<Value> = vec![run_id.into(), key.into()];
    if let Some((start, end)) = range {
        cond.push_str(" AND step >= $3 AND step <= $4");
        args.extend([Value::Int(start), Value::Int(end)]);
    }
    let n = c
        .query_opt(&format!("SELECT COUNT(*) FROM metrics WHERE {cond}"), &args)?
        .map(|r| r.int(0))
        .transpose()?
        .unwrap_or(0);
    let n = usize::try_from(n).unwrap_or(0);
    if n == 0 {
        return Ok(Vec::new());
    }
    const ORDER: &str = "step, timestamp, value, is_nan";
    let rows = if n <= max {
        c.query(
            &format!("SELECT {HISTORY_COLUMNS} FROM metrics WHERE {cond} ORDER BY {ORDER}"),
            &args,
        )?
    } else {
        // Row numbers are computed integers, written into the SQL as literals.
        let keep = sample_indices(n, max)
            .iter()
            .map(|i| (i + 1).to_string())
            .collect::<Vec<_>>()
            .join(", ");
        c.query(
            &format!(
                "SELECT {HISTORY_COLUMNS} FROM (SELECT {HISTORY_COLUMNS}, ROW_NUMBER() OVER \
                 (ORDER BY {ORDER}) AS rn FROM metrics WHERE {cond}) numbered \
                 WHERE rn IN ({keep}) ORDER BY {ORDER}"
            ),
            &args,
        )?
    };
    rows.iter().map(|r| metric_from_row(key, r)).collect()
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
        self.read(|c| {
            let mut out = Vec::new();
            // As MLflow: the runs in the order given, a repeated id sampled again, an unknown
            // run simply without points.
            for run_id in &query.run_ids {
                for metric in sampled_points(c, run_id, &query.metric_key, range, max)? {
                    out.push(RunMetric {
                        run_id: run_id.clone(),
                        metric,
                    });
                }
            }
            Ok(out)
        })
    }

    /// The best point of `key` in `run_id`: the lowest value when `lowest`, else the highest,
    /// over every point of the history (not a sample); ties go to the earliest (step,
    /// timestamp). NaN and ±∞ never count. `None` when the run has no finite point of the key.
    /// One index range scan of the key's rows, as [`Store::get_metric_history`].
    pub fn best_metric_point(
        &self,
        run_id: &str,
        key: &str,
        lowest: bool,
    ) -> Result<Option<Metric>> {
        let dir = if lowest { "ASC" } else { "DESC" };
        let sql = format!(
            "SELECT {HISTORY_COLUMNS} FROM metrics WHERE run_uuid = $1 AND key = $2 AND is_nan = 0 \
             AND value >= $3 AND value <= $4 ORDER BY value {dir}, step, timestamp LIMIT 1"
        );
        let args: Vec<Value> = vec![
            run_id.into(),
            key.into(),
            Value::Real(-f64::MAX),
            Value::Real(f64::MAX),
        ];
        self.read(|c| {
            c.query_opt(&sql, &args)?
                .map(|r| metric_from_row(key, &r))
                .transpose()
        })
    }

    /// The UI's `GET /ajax-api/2.0/mlflow/metrics/get-history-bulk`, as MLflow's SQL store
    /// answers it (`get_metric_history_bulk`): every point of `key` in the given runs (each run
    /// once, unknown runs without points), ordered by run id (byte order), then timestamp, step
    /// and value, at most `max_results` in all.
    pub fn get_metric_history_bulk(
        &self,
        run_ids: &[String],
        key: &str,
        max_results: usize,
    ) -> Result<Vec<RunMetric>> {
        let mut ids: Vec<&str> = run_ids.iter().map(String::as_str).collect();
        ids.sort_unstable();
        ids.dedup();
        self.read(|c| {
            let mut out = Vec::new();
            for run_id in &ids {
                let left = max_results.saturating_sub(out.len());
                if left == 0 {
                    break;
                }
                let rows = c.query(
                    &format!(
                        "SELECT {HISTORY_COLUMNS} FROM metrics WHERE run_uuid = $1 AND key = $2 \
                         ORDER BY timestamp, step, value, is_nan LIMIT $3"
                    ),
                    &[
                        (*run_id).into(),
                        key.into(),
                        Value::Int(i64::try_from(left).unwrap_or(i64::MAX)),
                    ],
                )?;
                for r in &rows {
                    out.push(RunMetric {
                        run_id: (*run_id).to_owned(),
                        metric: metric_from_row(key, r)?,
                    });
                }
            }
            Ok(out)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::sample_indices;

    #[test]
    fn indices_as_mlflow_samples() {
        // What mlflow server 3.17.2 kept: 100 steps, max 10 -> steps 0,10,…,80,99; 21 rows,
        // max 5 -> rows 0,5,9,13,20; 24 rows, max 5 -> 0,5,10,15,23; 9 rows, max 4 -> 0,3,5,8;
        // max 1 -> only the last row.
        assert_eq!(
            sample_indices(100, 10),
            vec![0, 10, 20, 30, 40, 50, 60, 70, 80, 99]
        );
        assert_eq!(sample_indices(21, 5), vec![0, 5, 9, 13, 20]);
        assert_eq!(sample_indices(24, 5), vec![0, 5, 10, 15, 23]);
        assert_eq!(sample_indices(9, 4), vec![0, 3, 5, 8]);
        assert_eq!(sample_indices(24, 1), vec![23]);
        assert_eq!(sample_indices(3, 5), vec![0, 1, 2]);
        let r = sample_indices(100_000, 2500);
        assert_eq!((r.len(), r[0], r[2499]), (2500, 0, 99_999));
    }
}
