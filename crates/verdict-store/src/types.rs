//! Plain entity structs, shaped like MLflow's entities (docs/design/mlflow.md §1.4) but with no wire format.
//!
//! Times are epoch milliseconds (`i64`). Ids are strings as MLflow sends them: experiment ids are
//! decimal integers (`"0"` is `Default`), run ids 32 lowercase hex digits (a UUID4 without dashes),
//! logged-model ids `m-` + 32 hex digits, model-version numbers `1, 2, …` per registered model.

/// A key/value tag (runs, experiments, logged models, registered models, model versions, inputs).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Tag {
    /// The key.
    pub key: String,
    /// The value.
    pub value: String,
}

impl Tag {
    /// A tag from anything string-like.
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Tag {
        Tag {
            key: key.into(),
            value: value.into(),
        }
    }
}

/// A run or logged-model parameter. Parameters are write-once (see [`crate::Store::log_param`]).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Param {
    /// The key.
    pub key: String,
    /// The value.
    pub value: String,
}

impl Param {
    /// A param from anything string-like.
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Param {
        Param {
            key: key.into(),
            value: value.into(),
        }
    }
}

/// `active` or `deleted` (soft delete; restore brings it back).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LifecycleStage {
    /// `active`.
    Active,
    /// `deleted` (soft-deleted).
    Deleted,
}

impl LifecycleStage {
    /// The name MLflow uses.
    pub fn as_str(self) -> &'static str {
        match self {
            LifecycleStage::Active => "active",
            LifecycleStage::Deleted => "deleted",
        }
    }

    /// Parses `active` / `deleted`.
    pub fn parse(s: &str) -> Option<LifecycleStage> {
        match s {
            "active" => Some(LifecycleStage::Active),
            "deleted" => Some(LifecycleStage::Deleted),
            _ => None,
        }
    }
}

/// Which lifecycle stages a search returns (MLflow `ViewType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum ViewType {
    /// `ACTIVE_ONLY`.
    #[default]
    ActiveOnly,
    /// `DELETED_ONLY`.
    DeletedOnly,
    /// `ALL`.
    All,
}

impl ViewType {
    /// Parses MLflow's names `ACTIVE_ONLY`, `DELETED_ONLY`, `ALL` (case-insensitive).
    pub fn parse(s: &str) -> Option<ViewType> {
        match s.to_ascii_uppercase().as_str() {
            "ACTIVE_ONLY" => Some(ViewType::ActiveOnly),
            "DELETED_ONLY" => Some(ViewType::DeletedOnly),
            "ALL" => Some(ViewType::All),
            _ => None,
        }
    }
}

/// An experiment. `experiment_id` `"0"` is `Default` and exists after migration.
#[derive(Clone, Debug, PartialEq)]
pub struct Experiment {
    /// The experiment's id.
    pub experiment_id: String,
    /// The name.
    pub name: String,
    /// Where its artifacts live (a URI or path).
    pub artifact_location: String,
    /// Active or deleted.
    pub lifecycle_stage: LifecycleStage,
    /// Creation time (epoch ms).
    pub creation_time: i64,
    /// Last update time (epoch ms).
    pub last_update_time: i64,
    /// Sorted by key.
    pub tags: Vec<Tag>,
}

/// MLflow's run status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RunStatus {
    /// `RUNNING`.
    Running,
    /// `SCHEDULED`.
    Scheduled,
    /// `FINISHED`.
    Finished,
    /// `FAILED`.
    Failed,
    /// `KILLED`.
    Killed,
}

impl RunStatus {
    /// The name MLflow uses.
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Running => "RUNNING",
            RunStatus::Scheduled => "SCHEDULED",
            RunStatus::Finished => "FINISHED",
            RunStatus::Failed => "FAILED",
            RunStatus::Killed => "KILLED",
        }
    }

    /// Parses the upper-case names MLflow sends.
    pub fn parse(s: &str) -> Option<RunStatus> {
        match s {
            "RUNNING" => Some(RunStatus::Running),
            "SCHEDULED" => Some(RunStatus::Scheduled),
            "FINISHED" => Some(RunStatus::Finished),
            "FAILED" => Some(RunStatus::Failed),
            "KILLED" => Some(RunStatus::Killed),
            _ => None,
        }
    }
}

/// What `create_run` needs. `run_name` `None` lets the store pick one (`run-<first 8 hex of id>`);
/// `start_time` `None` means now. The tags are stored with the run in the same transaction; a tag
/// `mlflow.runName` and `run_name` are kept in step as MLflow does.
#[derive(Clone, Debug, PartialEq)]
pub struct NewRun {
    /// The experiment's id.
    pub experiment_id: String,
    /// The user who created it, if known.
    pub user_id: Option<String>,
    /// The run's name.
    pub run_name: Option<String>,
    /// Start time (epoch ms).
    pub start_time: Option<i64>,
    /// Tags, sorted by key.
    pub tags: Vec<Tag>,
}

/// What `update_run` changes; `None` keeps the stored value.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct RunUpdate {
    /// The status.
    pub status: Option<RunStatus>,
    /// End time (epoch ms), once finished.
    pub end_time: Option<i64>,
    /// The run's name.
    pub run_name: Option<String>,
}

/// A run's metadata (MLflow `RunInfo`).
#[derive(Clone, Debug, PartialEq)]
pub struct RunInfo {
    /// The run's id.
    pub run_id: String,
    /// The experiment's id.
    pub experiment_id: String,
    /// The run's name.
    pub run_name: String,
    /// The user who created it, if known.
    pub user_id: Option<String>,
    /// The status.
    pub status: RunStatus,
    /// Start time (epoch ms).
    pub start_time: Option<i64>,
    /// End time (epoch ms), once finished.
    pub end_time: Option<i64>,
    /// Where its artifacts live (a URI).
    pub artifact_uri: String,
    /// Active or deleted.
    pub lifecycle_stage: LifecycleStage,
    /// Set when the run is soft-deleted, cleared on restore.
    pub deleted_time: Option<i64>,
}

/// One metric point. `value` may be NaN or ±∞; they round-trip exactly (NaN comes back as a NaN,
/// its payload is not kept). The optional fields link the point to a dataset and a logged model.
#[derive(Clone, Debug, PartialEq)]
pub struct Metric {
    /// The key.
    pub key: String,
    /// The value.
    pub value: f64,
    /// Time of the point (epoch ms).
    pub timestamp: i64,
    /// The step.
    pub step: i64,
    /// The dataset name.
    pub dataset_name: Option<String>,
    /// The dataset digest.
    pub dataset_digest: Option<String>,
    /// The logged model's id, if any.
    pub model_id: Option<String>,
}

impl Metric {
    /// A point with no dataset or model link.
    pub fn new(key: impl Into<String>, value: f64, timestamp: i64, step: i64) -> Metric {
        Metric {
            key: key.into(),
            value,
            timestamp,
            step,
            dataset_name: None,
            dataset_digest: None,
            model_id: None,
        }
    }
}

/// A metric point together with the run it belongs to (bulk history answers).
#[derive(Clone, Debug, PartialEq)]
pub struct RunMetric {
    /// The run's id.
    pub run_id: String,
    /// The metric point.
    pub metric: Metric,
}

/// A dataset as the client describes it; identified by (experiment, name, digest).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dataset {
    /// The name.
    pub name: String,
    /// The dataset's digest.
    pub digest: String,
    /// The kind of source.
    pub source_type: String,
    /// The source URI of the model files.
    pub source: String,
    /// The schema, if given.
    pub schema: Option<String>,
    /// The profile, if given.
    pub profile: Option<String>,
}

/// A dataset used by a run, with its input tags (e.g. `mlflow.data.context = training`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DatasetInput {
    /// The dataset.
    pub dataset: Dataset,
    /// Sorted by key.
    pub tags: Vec<Tag>,
}

/// One (experiment, dataset, context) used by some run (MLflow `SearchDatasets`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct DatasetSummary {
    /// The experiment's id.
    pub experiment_id: String,
    /// The name.
    pub name: String,
    /// The dataset's digest.
    pub digest: String,
    /// The input's `mlflow.data.context` tag, if any.
    pub context: Option<String>,
}

/// A logged model a run produced, at an optional step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelOutput {
    /// The logged model's id, if any.
    pub model_id: String,
    /// The step.
    pub step: i64,
}

/// A whole run: info, latest metrics, params, tags, inputs and outputs.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    /// The run's info.
    pub info: RunInfo,
    /// The latest value of every metric key (see the crate docs for the rule), sorted by key.
    pub metrics: Vec<Metric>,
    /// Sorted by key.
    pub params: Vec<Param>,
    /// Sorted by key.
    pub tags: Vec<Tag>,
    /// Sorted by (name, digest).
    pub dataset_inputs: Vec<DatasetInput>,
    /// Logged models the run consumed (sorted).
    pub model_inputs: Vec<String>,
    /// Logged models the run produced (sorted by model id).
    pub model_outputs: Vec<ModelOutput>,
}

/// A page of results and the opaque token for the next page (`None` on the last page).
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// The token of the next page, if there is one.
    pub next_page_token: Option<String>,
}

impl<T> Page<T> {
    /// A page with no items and no next page.
    pub fn empty() -> Self {
        Self {
            items: Vec::new(),
            next_page_token: None,
        }
    }
}

/// An experiment's active runs ([`crate::Store::run_counts`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunCount {
    /// The experiment.
    pub experiment_id: String,
    /// Its active runs.
    pub runs: u64,
    /// The latest start or end time of those runs (milliseconds since the epoch).
    pub last_activity: i64,
}

/// A search over experiments (MLflow `SearchExperiments`).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ExperimentQuery {
    /// MLflow filter over `name`, `experiment_id`, `creation_time`, `last_update_time`, `tags.*`.
    pub filter: String,
    /// `"<attribute> [ASC|DESC]"`; default order is `creation_time DESC, experiment_id ASC`
    /// as in MLflow's SQL store.
    pub order_by: Vec<String>,
    /// 1..=50000; 0 means MLflow's default of 1000.
    pub max_results: i64,
    /// The page token.
    pub page_token: Option<String>,
    /// The view.
    pub view: ViewType,
}

/// A search over runs (MLflow `SearchRuns`).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct RunQuery {
    /// The experiment ids.
    pub experiment_ids: Vec<String>,
    /// MLflow filter grammar (docs/design/mlflow.md §1.6); empty means every run.
    pub filter: String,
    /// The order by.
    pub order_by: Vec<String>,
    /// 1..=50000; 0 means MLflow's default of 1000.
    pub max_results: i64,
    /// The page token.
    pub page_token: Option<String>,
    /// The view.
    pub view: ViewType,
}

/// `get_metric_history_bulk_interval`: one metric key over several runs, downsampled.
#[derive(Clone, Debug, PartialEq)]
pub struct BulkIntervalQuery {
    /// 1..=100 run ids.
    pub run_ids: Vec<String>,
    /// The metric key.
    pub metric_key: String,
    /// Both or neither.
    pub start_step: Option<i64>,
    /// The end step.
    pub end_step: Option<i64>,
    /// Steps kept per run, 1..=2500.
    pub max_results: i64,
}

/// Status of a logged model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LoggedModelStatus {
    /// `PENDING`.
    Pending,
    /// `READY`.
    Ready,
    /// `UPLOAD_FAILED`.
    UploadFailed,
}

impl LoggedModelStatus {
    /// MLflow's proto name (`LOGGED_MODEL_READY`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            LoggedModelStatus::Pending => "LOGGED_MODEL_PENDING",
            LoggedModelStatus::Ready => "LOGGED_MODEL_READY",
            LoggedModelStatus::UploadFailed => "LOGGED_MODEL_UPLOAD_FAILED",
        }
    }

    /// Accepts the proto names and the short forms `PENDING`, `READY`, `UPLOAD_FAILED`.
    pub fn parse(s: &str) -> Option<LoggedModelStatus> {
        match s.strip_prefix("LOGGED_MODEL_").unwrap_or(s) {
            "PENDING" => Some(LoggedModelStatus::Pending),
            "READY" => Some(LoggedModelStatus::Ready),
            "UPLOAD_FAILED" => Some(LoggedModelStatus::UploadFailed),
            _ => None,
        }
    }
}

/// What `create_logged_model` needs.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct NewLoggedModel {
    /// The experiment's id.
    pub experiment_id: String,
    /// `None` lets the store pick one.
    pub name: Option<String>,
    /// The model type, if given.
    pub model_type: Option<String>,
    /// The run that produced it, if any.
    pub source_run_id: Option<String>,
    /// Parameters, sorted by key.
    pub params: Vec<Param>,
    /// Tags, sorted by key.
    pub tags: Vec<Tag>,
}

/// A logged model (MLflow 3.x `LoggedModel`).
#[derive(Clone, Debug, PartialEq)]
pub struct LoggedModel {
    /// The logged model's id, if any.
    pub model_id: String,
    /// The experiment's id.
    pub experiment_id: String,
    /// The name.
    pub name: String,
    /// Where its artifacts live (a URI or path).
    pub artifact_location: String,
    /// Creation time (epoch ms).
    pub creation_timestamp_ms: i64,
    /// Last update time (epoch ms).
    pub last_updated_timestamp_ms: i64,
    /// The status.
    pub status: LoggedModelStatus,
    /// A message about the status, if any.
    pub status_message: Option<String>,
    /// The model type, if given.
    pub model_type: Option<String>,
    /// The run that produced it, if any.
    pub source_run_id: Option<String>,
    /// Active or deleted.
    pub lifecycle_stage: LifecycleStage,
    /// Sorted by key.
    pub params: Vec<Param>,
    /// Sorted by key.
    pub tags: Vec<Tag>,
    /// Every metric point logged with this `model_id`, with the run it was logged to, ordered by
    /// (key, step, timestamp).
    pub metrics: Vec<RunMetric>,
}

/// A search over logged models.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct LoggedModelQuery {
    /// The experiment ids.
    pub experiment_ids: Vec<String>,
    /// Attributes `name`, `model_id`, `model_type`, `status`, `source_run_id`,
    /// `creation_timestamp`, `last_updated_timestamp`, plus `params.*`, `tags.*`, `metrics.*`
    /// (a metric filter matches when any non-NaN point of that key satisfies it), with MLflow's
    /// logged-model rules (docs/server.md).
    pub filter: String,
    /// `"<attribute|metrics.k> [ASC|DESC]"` (a metric orders by the model's latest point of
    /// that key); then `creation_timestamp DESC` and `model_id ASC` unless ordered by them.
    pub order_by: Vec<String>,
    /// The max results.
    pub max_results: i64,
    /// The page token.
    pub page_token: Option<String>,
    /// MLflow's `datasets` field: metric clauses (and, without any, the models themselves) are
    /// restricted to metrics logged on one of these datasets.
    pub datasets: Vec<DatasetFilter>,
    /// Per `order_by` entry (same index; missing means none): the dataset a metric order
    /// reads, `(dataset_name, dataset_digest)`.
    pub order_datasets: Vec<(Option<String>, Option<String>)>,
}

/// One entry of `search_logged_models`' `datasets`. MLflow's SQL store compares the digest
/// even when none was sent (`dataset_digest = NULL`), so an entry without one matches no
/// metric; verdict does the same.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct DatasetFilter {
    /// The dataset name.
    pub dataset_name: String,
    /// The dataset digest.
    pub dataset_digest: Option<String>,
}

/// A registered model. `latest_versions` holds the newest version of each stage (`None` when the
/// model has no versions), as MLflow returns it.
#[derive(Clone, Debug, PartialEq)]
pub struct RegisteredModel {
    /// The name.
    pub name: String,
    /// Creation time (epoch ms).
    pub creation_timestamp: i64,
    /// Last update time (epoch ms).
    pub last_updated_timestamp: i64,
    /// The user who created it, if known.
    pub user_id: Option<String>,
    /// The description, if any.
    pub description: Option<String>,
    /// The latest version per stage.
    pub latest_versions: Vec<ModelVersion>,
    /// Sorted by key.
    pub tags: Vec<Tag>,
    /// (alias, version), sorted by alias.
    pub aliases: Vec<(String, i64)>,
}

/// What `create_model_version` needs.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct NewModelVersion {
    /// The name.
    pub name: String,
    /// The source URI of the model files.
    pub source: String,
    /// The run's id.
    pub run_id: Option<String>,
    /// A link to the run, if given.
    pub run_link: Option<String>,
    /// The description, if any.
    pub description: Option<String>,
    /// The logged model's id, if any.
    pub model_id: Option<String>,
    /// The user who created it, if known.
    pub user_id: Option<String>,
    /// Tags, sorted by key.
    pub tags: Vec<Tag>,
}

/// A model version; `status` is always `READY` (the store has no asynchronous copy step).
#[derive(Clone, Debug, PartialEq)]
pub struct ModelVersion {
    /// The name.
    pub name: String,
    /// The version number.
    pub version: i64,
    /// Creation time (epoch ms).
    pub creation_timestamp: i64,
    /// Last update time (epoch ms).
    pub last_updated_timestamp: i64,
    /// The user who created it, if known.
    pub user_id: Option<String>,
    /// `None`, `Staging`, `Production` or `Archived` (MLflow's deprecated stages).
    pub current_stage: String,
    /// The description, if any.
    pub description: Option<String>,
    /// The source URI of the model files.
    pub source: String,
    /// The run's id.
    pub run_id: Option<String>,
    /// A link to the run, if given.
    pub run_link: Option<String>,
    /// The logged model's id, if any.
    pub model_id: Option<String>,
    /// The status.
    pub status: String,
    /// A message about the status, if any.
    pub status_message: Option<String>,
    /// Sorted by key.
    pub tags: Vec<Tag>,
    /// Aliases pointing at this version, sorted.
    pub aliases: Vec<String>,
}

/// A search over registered models or model versions.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct RegistryQuery {
    /// Registered models: `name`, `tags.*`. Model versions: `name`, `version_number`, `run_id`
    /// (also `IN`), `source_path`, `tags.*`.
    pub filter: String,
    /// Registered models: default `name ASC`; versions: default `last_updated_timestamp DESC`
    /// then `name ASC, version_number DESC`.
    pub order_by: Vec<String>,
    /// 0 means the MLflow default (100 for registered models, 10000 for versions).
    pub max_results: i64,
    /// The page token.
    pub page_token: Option<String>,
}
