//! The MLflow REST endpoints under `/api/2.0/mlflow/` (and the UI's `/ajax-api/2.0/mlflow/`
//! mirror): [`route`] names the endpoint for a method and path, [`handle`] runs it.
//!
//! Why a table and not one axum route per endpoint: the same ~70 endpoints answer under two
//! prefixes, a known path with the wrong method must be `ENDPOINT_NOT_FOUND` like an unknown one,
//! and the endpoint must be known before the body is read (its size limit and whether a
//! JSON content type is required depend on it). A `match` on (method, path) says all that in one
//! screen per area, and the compiler checks that every routed name is handled.
//!
//! [`handle`] is synchronous: the request runs on a blocking thread (`spawn_blocking` in
//! `lib.rs`), calls the store — one store call per request on the hot paths: log-batch is one
//! transaction, a search is one page query plus one hydration query per child table — and builds
//! the JSON answer there too, so a 100,000-point history is never serialised on an async worker.
//!
//! Not served (404 `ENDPOINT_NOT_FOUND`, which the client tolerates where it matters): traces,
//! assessments, prompts, webhooks, gateway, workspaces and the other GenAI RPCs of MLflow 3.x; the
//! 2.x `runs/log-model`; multipart artifact uploads (server-info advertises them as off).
//! `artifacts/list` answers one page.

use axum::http::Method;
use serde_json::Value;
use verdict_store::artifacts::ArtifactRepo;
use verdict_store::{
    BulkIntervalQuery, ExperimentQuery, LoggedModelQuery, LoggedModelStatus, ModelOutput,
    NewLoggedModel, NewModelVersion, NewRun, RegistryQuery, RunQuery, RunStatus, RunUpdate, Store,
    ViewType,
};

use crate::entities::{self, parse_dataset_input, parse_metric, parse_params, parse_tags};
use crate::error::{ApiError, ApiResult};
use crate::validate::{Check, schema};
use crate::wire::{Fields, Obj, Req};

/// A routed endpoint: its name (the path MLflow gives it, method included where one path has
/// several) and the path parameters of the logged-model endpoints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub name: &'static str,
    pub id: Option<String>,
    pub key: Option<String>,
}

impl Route {
    fn plain(name: &'static str) -> Route {
        Route {
            name,
            id: None,
            key: None,
        }
    }

    /// log-batch keeps MLflow's 1 MB limit whatever the configured JSON limit is.
    pub fn is_log_batch(&self) -> bool {
        self.name == "runs/log-batch"
    }
}

/// The endpoint for `method` and `rest` (the path after `/api/2.0/mlflow/`).
pub fn route(method: &Method, rest: &str) -> Option<Route> {
    let m = method.as_str();
    let name: &'static str = match (m, rest) {
        // experiments
        ("GET", "experiments/get-by-name") => "experiments/get-by-name",
        ("POST", "experiments/create") => "experiments/create",
        ("GET", "experiments/get") => "experiments/get",
        ("GET" | "POST", "experiments/search") => "experiments/search",
        ("POST", "experiments/update") => "experiments/update",
        ("POST", "experiments/delete") => "experiments/delete",
        ("POST", "experiments/restore") => "experiments/restore",
        ("POST", "experiments/set-experiment-tag") => "experiments/set-experiment-tag",
        ("POST", "experiments/delete-experiment-tag") => "experiments/delete-experiment-tag",
        ("POST", "experiments/search-datasets") => "experiments/search-datasets",
        // runs
        ("POST", "runs/create") => "runs/create",
        ("POST", "runs/update") => "runs/update",
        ("GET", "runs/get") => "runs/get",
        ("POST", "runs/delete") => "runs/delete",
        ("POST", "runs/restore") => "runs/restore",
        ("POST", "runs/log-parameter") => "runs/log-parameter",
        ("POST", "runs/log-metric") => "runs/log-metric",
        ("POST", "runs/log-batch") => "runs/log-batch",
        ("POST", "runs/set-tag") => "runs/set-tag",
        ("POST", "runs/delete-tag") => "runs/delete-tag",
        ("POST", "runs/log-inputs") => "runs/log-inputs",
        ("POST", "runs/outputs") => "runs/outputs",
        ("GET" | "POST", "runs/search") => "runs/search",
        ("GET", "metrics/get-history") => "metrics/get-history",
        ("GET", "metrics/get-history-bulk-interval") => "metrics/get-history-bulk-interval",
        ("GET", "metrics/get-history-bulk") => "metrics/get-history-bulk",
        ("GET", "artifacts/list") => "artifacts/list",
        // logged models without a path parameter
        ("POST", "logged-models") => "logged-models/create",
        ("POST", "logged-models/search") => "logged-models/search",
        // registry
        ("POST", "registered-models/create") => "registered-models/create",
        ("GET", "registered-models/get") => "registered-models/get",
        ("POST", "registered-models/rename") => "registered-models/rename",
        ("PATCH", "registered-models/update") => "registered-models/update",
        ("DELETE", "registered-models/delete") => "registered-models/delete",
        ("GET", "registered-models/search") => "registered-models/search",
        ("GET" | "POST", "registered-models/get-latest-versions") => {
            "registered-models/get-latest-versions"
        }
        ("POST", "registered-models/set-tag") => "registered-models/set-tag",
        ("DELETE", "registered-models/delete-tag") => "registered-models/delete-tag",
        ("POST", "registered-models/alias") => "registered-models/alias:set",
        ("DELETE", "registered-models/alias") => "registered-models/alias:delete",
        ("GET", "registered-models/alias") => "registered-models/alias:get",
        ("POST", "model-versions/create") => "model-versions/create",
        ("GET", "model-versions/get") => "model-versions/get",
        ("PATCH", "model-versions/update") => "model-versions/update",
        ("DELETE", "model-versions/delete") => "model-versions/delete",
        ("GET", "model-versions/search") => "model-versions/search",
        ("GET", "model-versions/get-download-uri") => "model-versions/get-download-uri",
        ("POST", "model-versions/transition-stage") => "model-versions/transition-stage",
        ("POST", "model-versions/set-tag") => "model-versions/set-tag",
        ("DELETE", "model-versions/delete-tag") => "model-versions/delete-tag",
        _ => return logged_model_route(m, rest),
    };
    Some(Route::plain(name))
}

/// `logged-models/{id}`, `…/{id}/tags`, `…/{id}/tags/{key}`, `…/{id}/params`,
/// `…/{id}/artifacts/directories`.
fn logged_model_route(m: &str, rest: &str) -> Option<Route> {
    let tail = rest.strip_prefix("logged-models/")?;
    let (id, sub) = match tail.split_once('/') {
        Some((id, sub)) => (id, Some(sub)),
        None => (tail, None),
    };
    if id.is_empty() {
        return None;
    }
    let mut key = None;
    let name = match (m, sub) {
        ("GET", None) => "logged-models/get",
        ("PATCH", None) => "logged-models/finalize",
        ("DELETE", None) => "logged-models/delete",
        ("PATCH", Some("tags")) => "logged-models/set-tags",
        ("POST", Some("params")) => "logged-models/log-params",
        ("GET", Some("artifacts/directories")) => "logged-models/list-artifacts",
        ("DELETE", Some(s)) if s.starts_with("tags/") && s.len() > 5 => {
            key = Some(percent_decode(&s[5..]));
            "logged-models/delete-tag"
        }
        _ => return None,
    };
    Some(Route {
        name,
        id: Some(percent_decode(id)),
        key,
    })
}

/// `%XX` decoding of a path segment (a `+` stays a `+`; invalid UTF-8 replaced).
pub(crate) fn percent_decode(s: &str) -> String {
    crate::validate::unquote(s)
}

fn view_type(f: &Fields<'_>, key: &str) -> ApiResult<ViewType> {
    match f.opt_str(key)? {
        None => Ok(ViewType::ActiveOnly),
        Some(s) => match s.as_str() {
            "1" => Ok(ViewType::ActiveOnly),
            "2" => Ok(ViewType::DeletedOnly),
            "3" => Ok(ViewType::All),
            _ => ViewType::parse(&s).ok_or_else(|| {
                ApiError::invalid(format!(
                    "Invalid value {s:?} for parameter '{key}': use ACTIVE_ONLY, DELETED_ONLY or ALL"
                ))
            }),
        },
    }
}

/// A model version number: MLflow's `_assert_string` on the JSON field (a JSON number is
/// refused), then `_validate_model_version`'s `int(version)` and its message
/// (`validation.not_integer_value`).
fn version(f: &Fields<'_>) -> ApiResult<i64> {
    if let Some(v @ serde_json::Value::Number(_)) = f.0.get("version") {
        return Err(crate::validate::invalid_type("version", v));
    }
    let v = f.str("version")?;
    v.trim().parse::<i64>().map_err(|_| {
        ApiError::invalid(format!(
            "Parameter 'version' must be an integer, got '{v}'."
        ))
    })
}

fn empty() -> Value {
    Obj::new().done()
}

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

/// The mlflow-artifacts path of an artifact URI the server handed out, if it is one.
pub fn proxy_path(uri: &str) -> Option<&str> {
    uri.strip_prefix("mlflow-artifacts:")
        .map(|p| p.trim_start_matches('/'))
}

fn join(dir: &str, name: &str) -> String {
    let dir = dir.trim_matches('/');
    if dir.is_empty() {
        name.to_owned()
    } else {
        format!("{dir}/{name}")
    }
}

/// `{root_uri, files}` for a directory under an artifact URI, with paths relative to the root
/// (what `artifacts/list` and the logged-model listing answer, unlike the proxy's list).
fn list_under(arts: &ArtifactRepo, root_uri: &str, dir: &str) -> ApiResult<Value> {
    let mut files = Vec::new();
    if let Some(base) = proxy_path(root_uri) {
        for fi in arts.list(&join(base, dir))? {
            files.push(
                Obj::new()
                    .s("path", &join(dir, &fi.path))
                    .b("is_dir", fi.is_dir)
                    .oi("file_size", fi.file_size.map(|s| s as i64))
                    .done(),
            );
        }
    }
    Ok(Obj::new()
        .s("root_uri", root_uri)
        .arr("files", files)
        .done())
}

/// A store lookup as an option: `None` for `RESOURCE_DOES_NOT_EXIST` (and an id the store
/// cannot parse), other errors kept.
fn found<T>(r: verdict_store::Result<T>) -> ApiResult<Option<T>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(e)
            if matches!(
                e.kind(),
                verdict_store::ErrorKind::ResourceDoesNotExist
                    | verdict_store::ErrorKind::InvalidParameterValue
            ) =>
        {
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

/// `handlers._create_model_version`'s schema.
const CREATE_MODEL_VERSION_SCHEMA: &[(&str, &[Check])] = &[
    ("name", &[Check::Str, Check::Required]),
    ("source", &[Check::Str, Check::Required]),
    ("run_id", &[Check::Str]),
    ("tags", &[Check::Array]),
    ("run_link", &[Check::Str]),
    ("description", &[Check::Str]),
    ("model_id", &[Check::Str]),
];

/// `handlers._create_experiment`'s schema.
const CREATE_EXPERIMENT_SCHEMA: &[(&str, &[Check])] = &[
    ("name", &[Check::Required, Check::Str]),
    ("artifact_location", &[Check::Str]),
    ("tags", &[Check::Array]),
];

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

/// `handlers._set_tag`'s schema.
const SET_TAG_SCHEMA: &[(&str, &[Check])] = LOG_PARAM_SCHEMA;

/// Runs one endpoint against the store and returns the JSON answer.
pub fn handle(store: &Store, arts: &ArtifactRepo, route: &Route, req: &Req) -> ApiResult<Value> {
    let f = req.obj();
    let id = || route.id.clone().unwrap_or_default();
    Ok(match route.name {
        // ---- experiments ----------------------------------------------------------------
        "experiments/get-by-name" => {
            let e = store.get_experiment_by_name(&f.str("experiment_name")?)?;
            Obj::new().v("experiment", entities::experiment(&e)).done()
        }
        "experiments/create" => {
            // handlers._create_experiment: the schema, the custom-view count, the location's
            // checks; then the store's (name length, tag names and lengths). A tag's absent key
            // or value is "" (proto3's default), as in MLflow: the store refuses an empty key.
            schema(&f, CREATE_EXPERIMENT_SCHEMA)?;
            let name = f.str("name")?;
            let tags = f
                .objs("tags")?
                .iter()
                .map(|t| {
                    let key = t.opt_str("key")?.unwrap_or_default();
                    Ok(verdict_store::Tag::new(
                        key,
                        t.opt_str("value")?.unwrap_or_default(),
                    ))
                })
                .collect::<ApiResult<Vec<_>>>()?;
            crate::validate::custom_view_count(tags.iter().map(|t| t.key.as_str()))?;
            let loc = f.opt_str("artifact_location")?.filter(|s| !s.is_empty());
            if let Some(loc) = &loc {
                crate::validate::artifact_location(loc, "artifact_location")?;
            }
            // A relative local location is made absolute against the working directory, as
            // MLflow's store does (crate::locations).
            let loc = match loc {
                Some(l) => {
                    let cwd = std::env::current_dir().map_err(|e| {
                        ApiError::internal(format!("cannot read the working directory: {e}"))
                    })?;
                    Some(crate::locations::resolve_if_local(&l, &cwd))
                }
                None => None,
            };
            let id = store.create_experiment(&name, loc.as_deref(), &tags)?;
            Obj::new().s("experiment_id", &id).done()
        }
        "experiments/get" => {
            let e = store.get_experiment(&f.str("experiment_id")?)?;
            Obj::new().v("experiment", entities::experiment(&e)).done()
        }
        "experiments/search" => {
            let page = store.search_experiments(&ExperimentQuery {
                filter: f.opt_str("filter")?.unwrap_or_default(),
                order_by: f.strs("order_by")?,
                max_results: f.opt_i64("max_results")?.unwrap_or(0),
                page_token: f.opt_str("page_token")?.filter(|s| !s.is_empty()),
                view: view_type(&f, "view_type")?,
            })?;
            Obj::new()
                .arr(
                    "experiments",
                    page.items.iter().map(entities::experiment).collect(),
                )
                .token(page.next_page_token)
                .done()
        }
        "experiments/update" => {
            let exp = f.str("experiment_id")?;
            if let Some(new_name) = f.opt_str("new_name")?.filter(|s| !s.is_empty()) {
                store.rename_experiment(&exp, &new_name)?;
            } else {
                store.get_experiment(&exp)?;
            }
            empty()
        }
        "experiments/delete" => {
            store.delete_experiment(&f.str("experiment_id")?)?;
            empty()
        }
        "experiments/restore" => {
            store.restore_experiment(&f.str("experiment_id")?)?;
            empty()
        }
        "experiments/set-experiment-tag" => {
            store.set_experiment_tag(
                &f.str("experiment_id")?,
                &f.str("key")?,
                &f.str_allow_empty("value")?,
            )?;
            empty()
        }
        "experiments/delete-experiment-tag" => {
            store.delete_experiment_tag(&f.str("experiment_id")?, &f.str("key")?)?;
            empty()
        }
        "experiments/search-datasets" => {
            // handlers.search_datasets_impl: a value that is not a list of strings fails
            // MLflow's protobuf parse and leaves the request without ids.
            let ids: Vec<String> = match f.0.get("experiment_ids") {
                Some(serde_json::Value::Array(a)) if a.iter().all(|v| v.is_string()) => a
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect(),
                _ => Vec::new(),
            };
            if ids.is_empty() {
                return Err(ApiError::invalid(
                    "SearchDatasets request must specify at least one experiment_id.",
                ));
            }
            let found = store.search_datasets(&ids)?;
            Obj::new()
                .arr(
                    "dataset_summaries",
                    found
                        .iter()
                        .map(|d| {
                            Obj::new()
                                .s("experiment_id", &d.experiment_id)
                                .s("name", &d.name)
                                .s("digest", &d.digest)
                                .os("context", d.context.as_deref())
                                .done()
                        })
                        .collect(),
                )
                .done()
        }
        // ---- runs -----------------------------------------------------------------------
        "runs/create" => {
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
        "runs/update" => {
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
        "runs/get" => {
            let run = store.get_run(&f.run_id()?)?;
            Obj::new().v("run", entities::run(&run)).done()
        }
        "runs/delete" => {
            store.delete_run(&f.run_id()?)?;
            empty()
        }
        "runs/restore" => {
            store.restore_run(&f.run_id()?)?;
            empty()
        }
        "runs/log-parameter" => {
            // handlers._log_param; an absent value is "" (proto3's default), as in MLflow.
            schema(&f, LOG_PARAM_SCHEMA)?;
            let value = f.opt_str("value")?.unwrap_or_default();
            store.log_param(&f.run_id()?, &f.str("key")?, &value)?;
            empty()
        }
        "runs/log-metric" => {
            schema(&f, LOG_METRIC_SCHEMA)?;
            let run_id = f.run_id()?;
            store.log_metric(&run_id, &parse_metric(&f)?)?;
            empty()
        }
        "runs/log-batch" => {
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
        "runs/set-tag" => {
            // handlers._set_tag; an absent value is "", as in MLflow.
            schema(&f, SET_TAG_SCHEMA)?;
            let value = f.opt_str("value")?.unwrap_or_default();
            store.set_tag(&f.run_id()?, &f.str("key")?, &value)?;
            empty()
        }
        "runs/delete-tag" => {
            store.delete_tag(&f.run_id()?, &f.str("key")?)?;
            empty()
        }
        "runs/log-inputs" => {
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
        "runs/outputs" => {
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
        "runs/search" => {
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
        "metrics/get-history" => {
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
        "metrics/get-history-bulk-interval" => {
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
        "metrics/get-history-bulk" => {
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
        "artifacts/list" => {
            // handlers.list_artifacts_impl: MLflow checks the path before it looks the run up.
            let dir = match f.opt_str("path")? {
                Some(p) => crate::validate::safe_path(&p)?,
                None => String::new(),
            };
            let run = store.get_run(&f.run_id()?)?;
            list_under(arts, &run.info.artifact_uri, &dir)?
        }
        // ---- logged models --------------------------------------------------------------
        "logged-models/create" => {
            let m = store.create_logged_model(&NewLoggedModel {
                experiment_id: f.str("experiment_id")?,
                name: f.opt_str("name")?.filter(|s| !s.is_empty()),
                // MLflow stores the proto defaults: `""` when not sent (and filters see it).
                model_type: Some(f.opt_str("model_type")?.unwrap_or_default()),
                source_run_id: Some(f.opt_str("source_run_id")?.unwrap_or_default()),
                params: parse_params(&f, "params")?,
                tags: parse_tags(&f, "tags")?,
            })?;
            Obj::new().v("model", entities::logged_model(&m)).done()
        }
        "logged-models/get" => {
            let m = store.get_logged_model(&id())?;
            Obj::new().v("model", entities::logged_model(&m)).done()
        }
        "logged-models/finalize" => {
            let s = f.str("status")?;
            let status = match s.as_str() {
                "1" => Some(LoggedModelStatus::Pending),
                "2" => Some(LoggedModelStatus::Ready),
                "3" => Some(LoggedModelStatus::UploadFailed),
                other => LoggedModelStatus::parse(other),
            }
            .ok_or_else(|| ApiError::invalid(format!("Invalid logged model status {s:?}")))?;
            let m = store.finalize_logged_model(&id(), status)?;
            Obj::new().v("model", entities::logged_model(&m)).done()
        }
        "logged-models/delete" => {
            store.delete_logged_model(&id())?;
            empty()
        }
        "logged-models/set-tags" => {
            store.set_logged_model_tags(&id(), &parse_tags(&f, "tags")?)?;
            empty()
        }
        "logged-models/delete-tag" => {
            store.delete_logged_model_tag(&id(), route.key.as_deref().unwrap_or_default())?;
            empty()
        }
        "logged-models/log-params" => {
            store.log_logged_model_params(&id(), &parse_params(&f, "params")?)?;
            empty()
        }
        "logged-models/list-artifacts" => {
            let dir = match f.opt_str("artifact_directory_path")? {
                Some(p) => crate::validate::safe_path(&p)?,
                None => String::new(),
            };
            let m = store.get_logged_model(&id())?;
            list_under(arts, &m.artifact_location, &dir)?
        }
        "logged-models/search" => {
            // order_by is a list of {field_name, ascending, dataset_name, dataset_digest}; the
            // store takes MLflow's text form and the datasets beside it.
            let mut order_by = Vec::new();
            let mut order_datasets = Vec::new();
            for o in f.objs("order_by")? {
                let field = o.str("field_name")?;
                let asc = o.opt_bool("ascending")?.unwrap_or(true);
                order_by.push(format!("{field} {}", if asc { "ASC" } else { "DESC" }));
                order_datasets.push((o.opt_str("dataset_name")?, o.opt_str("dataset_digest")?));
            }
            let datasets = f
                .objs("datasets")?
                .iter()
                .map(|d| {
                    Ok(verdict_store::DatasetFilter {
                        dataset_name: d.str("dataset_name")?,
                        dataset_digest: d.opt_str("dataset_digest")?.filter(|s| !s.is_empty()),
                    })
                })
                .collect::<ApiResult<Vec<_>>>()?;
            let page = store.search_logged_models(&LoggedModelQuery {
                experiment_ids: f.strs("experiment_ids")?,
                filter: f.opt_str("filter")?.unwrap_or_default(),
                order_by,
                max_results: f.opt_i64("max_results")?.unwrap_or(0),
                page_token: f.opt_str("page_token")?.filter(|s| !s.is_empty()),
                datasets,
                order_datasets,
            })?;
            Obj::new()
                .arr(
                    "models",
                    page.items.iter().map(entities::logged_model).collect(),
                )
                .token(page.next_page_token)
                .done()
        }
        // ---- registered models ----------------------------------------------------------
        "registered-models/create" => {
            let m = store.create_registered_model(
                &f.str("name")?,
                &parse_tags(&f, "tags")?,
                f.opt_str("description")?.as_deref(),
            )?;
            Obj::new()
                .v("registered_model", entities::registered_model(&m))
                .done()
        }
        "registered-models/get" => {
            let m = store.get_registered_model(&f.str("name")?)?;
            Obj::new()
                .v("registered_model", entities::registered_model(&m))
                .done()
        }
        "registered-models/rename" => {
            let m = store.rename_registered_model(&f.str("name")?, &f.str("new_name")?)?;
            Obj::new()
                .v("registered_model", entities::registered_model(&m))
                .done()
        }
        "registered-models/update" => {
            let m = store
                .update_registered_model(&f.str("name")?, f.opt_str("description")?.as_deref())?;
            Obj::new()
                .v("registered_model", entities::registered_model(&m))
                .done()
        }
        "registered-models/delete" => {
            store.delete_registered_model(&f.str("name")?)?;
            empty()
        }
        "registered-models/search" => {
            let page = store.search_registered_models(&registry_query(&f)?)?;
            Obj::new()
                .arr(
                    "registered_models",
                    page.items.iter().map(entities::registered_model).collect(),
                )
                .token(page.next_page_token)
                .done()
        }
        "registered-models/get-latest-versions" => {
            let vs = store.get_latest_versions(&f.str("name")?, &f.strs("stages")?)?;
            Obj::new()
                .arr(
                    "model_versions",
                    vs.iter().map(entities::model_version).collect(),
                )
                .done()
        }
        "registered-models/set-tag" => {
            store.set_registered_model_tag(
                &f.str("name")?,
                &f.str("key")?,
                &f.str_allow_empty("value")?,
            )?;
            empty()
        }
        "registered-models/delete-tag" => {
            store.delete_registered_model_tag(&f.str("name")?, &f.str("key")?)?;
            empty()
        }
        "registered-models/alias:set" => {
            store.set_registered_model_alias(&f.str("name")?, &f.str("alias")?, version(&f)?)?;
            empty()
        }
        "registered-models/alias:delete" => {
            store.delete_registered_model_alias(&f.str("name")?, &f.str("alias")?)?;
            empty()
        }
        "registered-models/alias:get" => {
            let v = store.get_model_version_by_alias(&f.str("name")?, &f.str("alias")?)?;
            Obj::new()
                .v("model_version", entities::model_version(&v))
                .done()
        }
        // ---- model versions -------------------------------------------------------------
        "model-versions/create" => {
            schema(&f, CREATE_MODEL_VERSION_SCHEMA)?;
            let source = f.str("source")?;
            let run_id = f.opt_str("run_id")?.filter(|s| !s.is_empty());
            let model_id = f.opt_str("model_id")?.filter(|s| !s.is_empty());
            crate::validate::model_version_source(
                &source,
                run_id.as_deref(),
                model_id.as_deref(),
                &crate::validate::SourceOwners {
                    run_artifact_uri: &|id| {
                        found(store.get_run(id).map(|r| r.info.artifact_uri.clone()))
                    },
                    model_artifact_location: &|id| {
                        found(
                            store
                                .get_logged_model(id)
                                .map(|m| m.artifact_location.clone()),
                        )
                    },
                },
            )?;
            let v = store.create_model_version(&NewModelVersion {
                name: f.str("name")?,
                source,
                run_id,
                // MLflow stores the proto defaults: a version created without them has
                // `"description": ""` and `"run_link": ""`.
                run_link: Some(f.opt_str("run_link")?.unwrap_or_default()),
                description: Some(f.opt_str("description")?.unwrap_or_default()),
                model_id,
                user_id: None,
                tags: parse_tags(&f, "tags")?,
            })?;
            Obj::new()
                .v("model_version", entities::model_version(&v))
                .done()
        }
        "model-versions/get" => {
            let v = store.get_model_version(&f.str("name")?, version(&f)?)?;
            Obj::new()
                .v("model_version", entities::model_version(&v))
                .done()
        }
        "model-versions/update" => {
            let v = store.update_model_version(
                &f.str("name")?,
                version(&f)?,
                f.opt_str("description")?.as_deref(),
            )?;
            Obj::new()
                .v("model_version", entities::model_version(&v))
                .done()
        }
        "model-versions/delete" => {
            store.delete_model_version(&f.str("name")?, version(&f)?)?;
            empty()
        }
        "model-versions/search" => {
            let page = store.search_model_versions(&registry_query(&f)?)?;
            Obj::new()
                .arr(
                    "model_versions",
                    page.items.iter().map(entities::model_version).collect(),
                )
                .token(page.next_page_token)
                .done()
        }
        "model-versions/get-download-uri" => {
            let uri = store.get_model_version_download_uri(&f.str("name")?, version(&f)?)?;
            Obj::new().s("artifact_uri", &uri).done()
        }
        "model-versions/transition-stage" => {
            let v = store.transition_model_version_stage(
                &f.str("name")?,
                version(&f)?,
                &f.str("stage")?,
                f.opt_bool("archive_existing_versions")?.unwrap_or(false),
            )?;
            Obj::new()
                .v("model_version", entities::model_version(&v))
                .done()
        }
        "model-versions/set-tag" => {
            store.set_model_version_tag(
                &f.str("name")?,
                version(&f)?,
                &f.str("key")?,
                &f.str_allow_empty("value")?,
            )?;
            empty()
        }
        "model-versions/delete-tag" => {
            store.delete_model_version_tag(&f.str("name")?, version(&f)?, &f.str("key")?)?;
            empty()
        }
        other => {
            return Err(ApiError::internal(format!(
                "routed endpoint {other} has no handler"
            )));
        }
    })
}

fn registry_query(f: &Fields<'_>) -> ApiResult<RegistryQuery> {
    Ok(RegistryQuery {
        filter: f.opt_str("filter")?.unwrap_or_default(),
        order_by: f.strs("order_by")?,
        max_results: f.opt_i64("max_results")?.unwrap_or(0),
        page_token: f.opt_str("page_token")?.filter(|s| !s.is_empty()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        assert_eq!(
            route(&Method::GET, "runs/get").map(|r| r.name),
            Some("runs/get")
        );
        assert!(route(&Method::POST, "runs/get").is_none());
        assert!(route(&Method::GET, "no-such").is_none());
        let r = route(&Method::DELETE, "logged-models/m-1/tags/a%2Fb").expect("route");
        assert_eq!(
            (r.name, r.id.as_deref(), r.key.as_deref()),
            ("logged-models/delete-tag", Some("m-1"), Some("a/b"))
        );
        assert_eq!(
            route(&Method::PATCH, "logged-models/m-1").map(|r| r.name),
            Some("logged-models/finalize")
        );
        assert!(route(&Method::GET, "logged-models/").is_none());
    }
}
