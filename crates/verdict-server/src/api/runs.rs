//! The run endpoints (`runs/…`): create, update, read, delete, log, search.

use serde_json::Value;
use verdict_store::{ModelOutput, NewRun, RunQuery, RunStatus, RunUpdate};

use super::{Cx, empty, view_type};
use crate::entities::{self, parse_dataset_input, parse_metric, parse_params, parse_tags};
use crate::error::{ApiError, ApiResult};
use crate::validate::{Check, schema};
use crate::wire::Obj;

area! {
    /// `runs/…`.
    Runs {
        Create,
        Update,
        Get,
        Delete,
        Restore,
        LogParameter,
        LogMetric,
        LogBatch,
        SetTag,
        DeleteTag,
        LogInputs,
        Outputs,
        Search,
    }
}

/// `handlers._log_metric`'s schema.
const LOG_METRIC_SCHEMA: &[(&str, &[Check])] = &[
    ("run_id", &[Check::Required, Check::Str]),
    ("key", &[Check::Required, Check::Str]),
    ("value", &[Check::Required, Check::FloatLike]),
    ("timestamp", &[Check::IntLike, Check::Required]),
    ("step", &[Check::IntLike]),
    ("model_id", &[Check::Str]),
    ("dataset_name", &[Check::Str]),
    ("dataset_digest", &[Check::Str]),
];

/// `handlers._log_param`'s schema.
const LOG_PARAM_SCHEMA: &[(&str, &[Check])] = &[
    ("run_id", &[Check::Required, Check::Str]),
    ("key", &[Check::Required, Check::Str]),
    ("value", &[Check::Str]),
];

/// `handlers._log_batch`'s schema (its `_assert_*_fields_present` as [`Check::ItemsHave`]).
const LOG_BATCH_SCHEMA: &[(&str, &[Check])] = &[
    ("run_id", &[Check::Str, Check::Required]),
    (
        "metrics",
        &[
            Check::Array,
            Check::ItemsHave(&["key", "value", "timestamp"]),
        ],
    ),
    ("params", &[Check::Array, Check::ItemsHave(&["key"])]),
    ("tags", &[Check::Array, Check::ItemsHave(&["key"])]),
];

/// `handlers._set_tag`'s schema.
const SET_TAG_SCHEMA: &[(&str, &[Check])] = LOG_PARAM_SCHEMA;

/// Runs a run endpoint.
pub(super) fn handle(cx: Cx<'_>, e: Runs) -> ApiResult<Value> {
    let Cx { store, f, .. } = cx;
    Ok(match e {
        Runs::Create => {
            let run = store.create_run(&NewRun {
                experiment_id: f
                    .opt_str("experiment_id")?
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| "0".to_owned()),
                user_id: f.opt_str("user_id")?,
                run_name: f.opt_str("run_name")?.filter(|s| !s.is_empty()),
                start_time: f.opt_i64("start_time")?,
                tags: parse_tags(&f, "tags")?,
            })?;
            Obj::new().v("run", entities::run(&run)).done()
        }
        Runs::Update => {
            let status = match f.opt_str("status")? {
                None => None,
                Some(s) => Some(RunStatus::parse(&s).ok_or_else(|| {
                    ApiError::invalid(format!(
                        "Invalid value {s:?} for parameter 'status': use RUNNING, SCHEDULED, \
                         FINISHED, FAILED or KILLED"
                    ))
                })?),
            };
            let info = store.update_run(
                &f.run_id()?,
                &RunUpdate {
                    status,
                    end_time: f.opt_i64("end_time")?,
                    run_name: f.opt_str("run_name")?.filter(|s| !s.is_empty()),
                },
            )?;
            Obj::new().v("run_info", entities::run_info(&info)).done()
        }
        Runs::Get => {
            let run = store.get_run(&f.run_id()?)?;
            Obj::new().v("run", entities::run(&run)).done()
        }
        Runs::Delete => {
            store.delete_run(&f.run_id()?)?;
            empty()
        }
        Runs::Restore => {
            store.restore_run(&f.run_id()?)?;
            empty()
        }
        Runs::LogParameter => {
            // handlers._log_param; an absent value is "" (proto3's default), as in MLflow.
            schema(&f, LOG_PARAM_SCHEMA)?;
            let value = f.opt_str("value")?.unwrap_or_default();
            store.log_param(&f.run_id()?, &f.str("key")?, &value)?;
            empty()
        }
        Runs::LogMetric => {
            schema(&f, LOG_METRIC_SCHEMA)?;
            let run_id = f.run_id()?;
            store.log_metric(&run_id, &parse_metric(&f)?)?;
            empty()
        }
        Runs::LogBatch => {
            schema(&f, LOG_BATCH_SCHEMA)?;
            let run_id = f.run_id()?;
            let metrics = f
                .objs("metrics")?
                .iter()
                .map(parse_metric)
                .collect::<ApiResult<Vec<_>>>()?;
            store.log_batch(
                &run_id,
                &metrics,
                &parse_params(&f, "params")?,
                &parse_tags(&f, "tags")?,
            )?;
            empty()
        }
        Runs::SetTag => {
            // handlers._set_tag; an absent value is "", as in MLflow.
            schema(&f, SET_TAG_SCHEMA)?;
            let value = f.opt_str("value")?.unwrap_or_default();
            store.set_tag(&f.run_id()?, &f.str("key")?, &value)?;
            empty()
        }
        Runs::DeleteTag => {
            store.delete_tag(&f.run_id()?, &f.str("key")?)?;
            empty()
        }
        Runs::LogInputs => {
            let run_id = f.run_id()?;
            let datasets = f
                .objs("datasets")?
                .iter()
                .map(parse_dataset_input)
                .collect::<ApiResult<Vec<_>>>()?;
            let models = f
                .objs("models")?
                .iter()
                .map(|m| m.str("model_id"))
                .collect::<ApiResult<Vec<_>>>()?;
            store.log_inputs(&run_id, &datasets, &models)?;
            empty()
        }
        Runs::Outputs => {
            let run_id = f.run_id()?;
            let models = f
                .objs("models")?
                .iter()
                .map(|m| {
                    Ok(ModelOutput {
                        model_id: m.str("model_id")?,
                        step: m.opt_i64("step")?.unwrap_or(0),
                    })
                })
                .collect::<ApiResult<Vec<_>>>()?;
            store.log_outputs(&run_id, &models)?;
            empty()
        }
        Runs::Search => {
            let page = store.search_runs(&RunQuery {
                experiment_ids: f.strs("experiment_ids")?,
                filter: f.opt_str("filter")?.unwrap_or_default(),
                order_by: f.strs("order_by")?,
                max_results: f.opt_i64("max_results")?.unwrap_or(0),
                page_token: f.opt_str("page_token")?.filter(|s| !s.is_empty()),
                view: view_type(&f, "run_view_type")?,
            })?;
            Obj::new()
                .arr("runs", page.items.iter().map(entities::run).collect())
                .token(page.next_page_token)
                .done()
        }
    })
}
