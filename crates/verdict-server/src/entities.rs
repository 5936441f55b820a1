//! Store entities → MLflow's JSON shapes (docs/design/mlflow.md §1.4), and the request messages that carry
//! entities the other way (metrics, params, tags, datasets).

use serde_json::Value;
use verdict_store::{
    Dataset, DatasetInput, Experiment, LoggedModel, Metric, ModelVersion, Param, RegisteredModel,
    Run, RunInfo, RunMetric, Tag,
};

use crate::error::ApiResult;
use crate::wire::{Fields, Obj};

/// Tags as MLflow's `[{"key","value"}]`.
pub fn tags(tags: &[Tag]) -> Vec<Value> {
    tags.iter()
        .map(|t| Obj::new().s("key", &t.key).s("value", &t.value).done())
        .collect()
}

/// Params as MLflow's `[{"key","value"}]`.
pub fn params(params: &[Param]) -> Vec<Value> {
    params
        .iter()
        .map(|p| Obj::new().s("key", &p.key).s("value", &p.value).done())
        .collect()
}

/// A metric point as MLflow's `Metric` (with `run_id` in bulk answers).
pub fn metric(m: &Metric, run_id: Option<&str>) -> Value {
    Obj::new()
        .s("key", &m.key)
        .f("value", m.value)
        .i("timestamp", m.timestamp)
        .i("step", m.step)
        .os("dataset_name", m.dataset_name.as_deref())
        .os("dataset_digest", m.dataset_digest.as_deref())
        .os("model_id", m.model_id.as_deref())
        .os("run_id", run_id)
        .done()
}

/// A run's metric point as MLflow's `Metric`.
pub fn run_metric(m: &RunMetric) -> Value {
    metric(&m.metric, Some(&m.run_id))
}

/// An experiment as MLflow's `Experiment`.
pub fn experiment(e: &Experiment) -> Value {
    Obj::new()
        .s("experiment_id", &e.experiment_id)
        .s("name", &e.name)
        .s("artifact_location", &e.artifact_location)
        .s("lifecycle_stage", e.lifecycle_stage.as_str())
        .i("creation_time", e.creation_time)
        .i("last_update_time", e.last_update_time)
        .arr("tags", tags(&e.tags))
        .s("workspace", "default")
        .done()
}

/// A run's info as MLflow's `RunInfo` (`run_id` and the legacy `run_uuid`).
pub fn run_info(i: &RunInfo) -> Value {
    Obj::new()
        .s("run_id", &i.run_id)
        .s("run_uuid", &i.run_id)
        .s("run_name", &i.run_name)
        .s("experiment_id", &i.experiment_id)
        // MLflow's SQL store answers "" for a run created without a user.
        .s("user_id", i.user_id.as_deref().unwrap_or(""))
        .s("status", i.status.as_str())
        .oi("start_time", i.start_time)
        .oi("end_time", i.end_time)
        .s("artifact_uri", &i.artifact_uri)
        .s("lifecycle_stage", i.lifecycle_stage.as_str())
        .done()
}

fn dataset(d: &Dataset) -> Value {
    Obj::new()
        .s("name", &d.name)
        .s("digest", &d.digest)
        .s("source_type", &d.source_type)
        .s("source", &d.source)
        .os("schema", d.schema.as_deref())
        .os("profile", d.profile.as_deref())
        .done()
}

/// A run as MLflow's `Run` (info, data, inputs, outputs).
pub fn run(r: &Run) -> Value {
    let data = Obj::new()
        .arr(
            "metrics",
            r.metrics.iter().map(|m| metric(m, None)).collect(),
        )
        .arr("params", params(&r.params))
        .arr("tags", tags(&r.tags));
    let inputs = Obj::new()
        .arr(
            "dataset_inputs",
            r.dataset_inputs
                .iter()
                .map(|d| {
                    Obj::new()
                        .arr("tags", tags(&d.tags))
                        .v("dataset", dataset(&d.dataset))
                        .done()
                })
                .collect(),
        )
        .arr(
            "model_inputs",
            r.model_inputs
                .iter()
                .map(|m| Obj::new().s("model_id", m).done())
                .collect(),
        );
    let outputs = Obj::new().arr(
        "model_outputs",
        r.model_outputs
            .iter()
            .map(|o| {
                Obj::new()
                    .s("model_id", &o.model_id)
                    .i("step", o.step)
                    .done()
            })
            .collect(),
    );
    Obj::new()
        .v("info", run_info(&r.info))
        .v("data", data)
        .v("inputs", inputs)
        .v("outputs", outputs)
        .done()
}

/// A logged model as MLflow's `LoggedModel` (info and data).
pub fn logged_model(m: &LoggedModel) -> Value {
    let info = Obj::new()
        .s("model_id", &m.model_id)
        .s("experiment_id", &m.experiment_id)
        .s("name", &m.name)
        .i("creation_timestamp_ms", m.creation_timestamp_ms)
        .i("last_updated_timestamp_ms", m.last_updated_timestamp_ms)
        .s("artifact_uri", &m.artifact_location)
        .s("status", m.status.as_str())
        .os("status_message", m.status_message.as_deref())
        .os("model_type", m.model_type.as_deref())
        .os("source_run_id", m.source_run_id.as_deref())
        .arr("tags", tags(&m.tags));
    let data = Obj::new()
        .arr("params", params(&m.params))
        .arr("metrics", m.metrics.iter().map(run_metric).collect());
    Obj::new().v("info", info).v("data", data).done()
}

/// A model version as MLflow's `ModelVersion`.
pub fn model_version(v: &ModelVersion) -> Value {
    // No `model_id` key: MLflow 3.17's server does not send it either (docs/mlflow-workload.md,
    // quirk 4), and the client decides what to fetch from `source`.
    Obj::new()
        .s("name", &v.name)
        .s("version", &v.version.to_string())
        .i("creation_timestamp", v.creation_timestamp)
        .i("last_updated_timestamp", v.last_updated_timestamp)
        .os("user_id", v.user_id.as_deref())
        .s("current_stage", &v.current_stage)
        .os("description", v.description.as_deref())
        .s("source", &v.source)
        .os("run_id", v.run_id.as_deref())
        .s("status", &v.status)
        .os("status_message", v.status_message.as_deref())
        .arr("tags", tags(&v.tags))
        .os("run_link", v.run_link.as_deref())
        .arr(
            "aliases",
            v.aliases.iter().map(|a| Value::String(a.clone())).collect(),
        )
        .done()
}

/// A registered model as MLflow's `RegisteredModel`.
pub fn registered_model(m: &RegisteredModel) -> Value {
    Obj::new()
        .s("name", &m.name)
        .i("creation_timestamp", m.creation_timestamp)
        .i("last_updated_timestamp", m.last_updated_timestamp)
        .os("user_id", m.user_id.as_deref())
        .os("description", m.description.as_deref())
        .arr(
            "latest_versions",
            m.latest_versions.iter().map(model_version).collect(),
        )
        .arr("tags", tags(&m.tags))
        .arr(
            "aliases",
            m.aliases
                .iter()
                .map(|(a, v)| Obj::new().s("alias", a).s("version", &v.to_string()).done())
                .collect(),
        )
        .done()
}

// --- request messages -----------------------------------------------------------------------

/// The list of `{"key","value"}` objects under `key` as tags.
pub fn parse_tags(f: &Fields<'_>, key: &str) -> ApiResult<Vec<Tag>> {
    f.objs(key)?
        .iter()
        .map(|t| Ok(Tag::new(t.str("key")?, t.str_allow_empty("value")?)))
        .collect()
}

/// The list of `{"key","value"}` objects under `key` as params.
pub fn parse_params(f: &Fields<'_>, key: &str) -> ApiResult<Vec<Param>> {
    f.objs(key)?
        .iter()
        .map(|p| Ok(Param::new(p.str("key")?, p.str_allow_empty("value")?)))
        .collect()
}

/// A metric message; `timestamp` is required (the client always sends it), `step` defaults to 0.
pub fn parse_metric(m: &Fields<'_>) -> ApiResult<Metric> {
    Ok(Metric {
        key: m.str("key")?,
        value: m.f64("value")?,
        timestamp: m.i64("timestamp")?,
        step: m.opt_i64("step")?.unwrap_or(0),
        dataset_name: m.opt_str("dataset_name")?.filter(|s| !s.is_empty()),
        dataset_digest: m.opt_str("dataset_digest")?.filter(|s| !s.is_empty()),
        model_id: m.opt_str("model_id")?.filter(|s| !s.is_empty()),
    })
}

/// One `DatasetInput` object (dataset and its tags).
pub fn parse_dataset_input(d: &Fields<'_>) -> ApiResult<DatasetInput> {
    let ds = d.opt_obj("dataset")?.ok_or_else(|| {
        crate::error::ApiError::invalid("Missing value for required parameter 'dataset'")
    })?;
    let mut t = parse_tags(d, "tags")?;
    t.sort();
    Ok(DatasetInput {
        dataset: Dataset {
            name: ds.str("name")?,
            digest: ds.str("digest")?,
            source_type: ds.str("source_type")?,
            source: ds.str_allow_empty("source")?,
            schema: ds.opt_str("schema")?,
            profile: ds.opt_str("profile")?,
        },
        tags: t,
    })
}
