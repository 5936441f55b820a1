//! Logged models, the model registry and run outputs with their own ids, for importers
//! (`verdict import mlruns`); experiments and runs are in `import`.
//!
//! Every row is written with `INSERT … ON CONFLICT DO NOTHING`: what the ledger holds is never
//! changed, what is missing is added, and each call says how many rows it wrote ([`Imported`]),
//! so a re-import of the same tree reports "nothing changed" exactly, and a registered model that
//! gained a version since the last import gets just that version. Logged-model metric points are
//! deduped on (key, step, timestamp, value, run), as the history's primary key does. Each method
//! is one transaction. No `validation.py` limits are applied: the source store accepted the data.

use std::collections::BTreeMap;

use crate::db::Value;
use crate::error::{Error, Result};
use crate::experiments::parse_experiment_id;
use crate::runs::storable;
use crate::sql::{insert_rows, kv_rows};
use crate::store::Store;
use crate::types::{LifecycleStage, LoggedModelStatus, Metric, ModelOutput, Param, Tag};

/// A metric point of a logged model, with the run it was logged to.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportModelMetric {
    /// The run's id.
    pub run_id: String,
    /// The metric point.
    pub metric: Metric,
}

/// A logged model with its source id.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportLoggedModel {
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
    /// Parameters, sorted by key.
    pub params: Vec<Param>,
    /// Tags, sorted by key.
    pub tags: Vec<Tag>,
    /// Metric points.
    pub metrics: Vec<ImportModelMetric>,
}

/// A model version with its source number.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportModelVersion {
    /// The version number.
    pub version: i64,
    /// Creation time (epoch ms).
    pub creation_timestamp: i64,
    /// Last update time (epoch ms).
    pub last_updated_timestamp: i64,
    /// The user who created it, if known.
    pub user_id: Option<String>,
    /// The (legacy) stage: None, Staging, Production or Archived.
    pub current_stage: String,
    /// The description, if any.
    pub description: Option<String>,
    /// The source URI of the model files.
    pub source: String,
    /// The run's id.
    pub run_id: Option<String>,
    /// A link to the run, if given.
    pub run_link: Option<String>,
    /// The status.
    pub status: String,
    /// A message about the status, if any.
    pub status_message: Option<String>,
    /// Where the registry keeps the files, if known.
    pub storage_location: Option<String>,
    /// The logged model's id, if any.
    pub model_id: Option<String>,
    /// Tags, sorted by key.
    pub tags: Vec<Tag>,
}

/// A registered model with its versions, tags and aliases.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportRegisteredModel {
    /// The name.
    pub name: String,
    /// Creation time (epoch ms).
    pub creation_timestamp: i64,
    /// Last update time (epoch ms).
    pub last_updated_timestamp: i64,
    /// The description, if any.
    pub description: Option<String>,
    /// The user who created it, if known.
    pub user_id: Option<String>,
    /// Tags, sorted by key.
    pub tags: Vec<Tag>,
    /// (alias, version).
    pub aliases: Vec<(String, i64)>,
    /// Its versions.
    pub versions: Vec<ImportModelVersion>,
}

/// What one import call wrote.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Imported {
    /// The entity itself (experiment, run, logged model, registered model) was new.
    pub created: bool,
    /// Rows written in all (the entity's own row, children, latest-metric updates); 0 means the
    /// ledger already held everything.
    pub rows: u64,
}

fn stage(s: LifecycleStage) -> Value {
    s.as_str().into()
}

/// One row per key (the last wins), so PostgreSQL never sees the same key twice in a statement.
fn tag_rows(id: &Value, tags: &[Tag]) -> Vec<Vec<Value>> {
    kv_rows(
        std::slice::from_ref(id),
        tags.iter().map(|t| (t.key.as_str(), t.value.as_str())),
    )
}

fn param_rows(id: &Value, params: &[Param]) -> Vec<Vec<Value>> {
    kv_rows(
        std::slice::from_ref(id),
        params.iter().map(|p| (p.key.as_str(), p.value.as_str())),
    )
}

impl Store {
    /// Records logged models as outputs of an existing run (active or deleted), keeping a
    /// recorded model's step; returns the rows written.
    pub fn import_run_outputs(&self, run_id: &str, outputs: &[ModelOutput]) -> Result<u64> {
        let rid = Value::from(run_id);
        self.write(|c| {
            crate::runs::run_info(c, run_id)?;
            let by_model: BTreeMap<&str, i64> = outputs
                .iter()
                .map(|o| (o.model_id.as_str(), o.step))
                .collect();
            let rows: Vec<Vec<Value>> = by_model
                .into_iter()
                .map(|(m, s)| vec![rid.clone(), m.into(), Value::Int(s)])
                .collect();
            insert_rows(
                c,
                "INSERT INTO run_model_outputs (run_uuid, model_id, step)",
                "ON CONFLICT (run_uuid, model_id) DO NOTHING",
                rows,
            )
        })
    }

    /// Inserts a logged model under its own id with its params, tags and metrics (or only what
    /// is missing). The experiment must exist.
    pub fn import_logged_model(&self, m: &ImportLoggedModel) -> Result<Imported> {
        let exp_id = parse_experiment_id(&m.experiment_id)?;
        let mid = Value::from(m.model_id.as_str());
        self.write(|c| {
            let mut out = Imported::default();
            if c.query_opt(
                "SELECT experiment_id FROM experiments WHERE experiment_id = $1",
                &[Value::Int(exp_id)],
            )?
            .is_none()
            {
                return Err(Error::not_found(format!(
                    "No Experiment with id={exp_id} exists"
                )));
            }
            let n = c.execute(
                "INSERT INTO logged_models (model_id, experiment_id, name, artifact_location, \
                 creation_timestamp_ms, last_updated_timestamp_ms, status, status_message, \
                 model_type, source_run_id, lifecycle_stage) VALUES ($1, $2, $3, $4, $5, $6, $7, \
                 $8, $9, $10, $11) ON CONFLICT (model_id) DO NOTHING",
                &[
                    mid.clone(),
                    Value::Int(exp_id),
                    (&m.name).into(),
                    (&m.artifact_location).into(),
                    Value::Int(m.creation_timestamp_ms),
                    Value::Int(m.last_updated_timestamp_ms),
                    m.status.as_str().into(),
                    m.status_message.as_ref().into(),
                    m.model_type.as_ref().into(),
                    m.source_run_id.as_ref().into(),
                    stage(m.lifecycle_stage),
                ],
            )?;
            out.created = n > 0;
            out.rows += n;
            out.rows += insert_rows(
                c,
                "INSERT INTO logged_model_params (model_id, key, value)",
                "ON CONFLICT (model_id, key) DO NOTHING",
                param_rows(&mid, &m.params),
            )?;
            out.rows += insert_rows(
                c,
                "INSERT INTO logged_model_tags (model_id, key, value)",
                "ON CONFLICT (model_id, key) DO NOTHING",
                tag_rows(&mid, &m.tags),
            )?;
            let mut seen = std::collections::BTreeSet::new();
            let mut rows = Vec::new();
            for p in &m.metrics {
                let (v, nan) = storable(p.metric.value);
                let key = (
                    p.metric.key.clone(),
                    p.metric.step,
                    p.metric.timestamp,
                    v.to_bits(),
                    nan,
                    p.run_id.clone(),
                );
                if seen.insert(key) {
                    rows.push(vec![
                        mid.clone(),
                        (&p.metric.key).into(),
                        Value::Int(p.metric.step),
                        Value::Int(p.metric.timestamp),
                        Value::Real(v),
                        Value::Int(nan),
                        (&p.run_id).into(),
                        p.metric.dataset_name.as_ref().into(),
                        p.metric.dataset_digest.as_ref().into(),
                    ]);
                }
            }
            out.rows += insert_rows(
                c,
                "INSERT INTO logged_model_metrics (model_id, key, step, timestamp, value, is_nan, \
                 run_uuid, dataset_name, dataset_digest)",
                "ON CONFLICT (model_id, key, step, timestamp, value, is_nan, run_uuid) DO NOTHING",
                rows,
            )?;
            Ok(out)
        })
    }

    /// Inserts a registered model with its tags, versions (under their own numbers), version
    /// tags and aliases (or only what is missing). The model's version counter is raised to the
    /// highest imported version, so the next `create_model_version` does not reuse a number.
    pub fn import_registered_model(&self, m: &ImportRegisteredModel) -> Result<Imported> {
        let name = Value::from(m.name.as_str());
        let max_version = m.versions.iter().map(|v| v.version).max().unwrap_or(0);
        self.write(|c| {
            let mut out = Imported::default();
            let n = c.execute(
                "INSERT INTO registered_models (name, creation_timestamp, last_updated_timestamp, \
                 description, user_id, last_version) VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (name) DO NOTHING",
                &[
                    name.clone(),
                    Value::Int(m.creation_timestamp),
                    Value::Int(m.last_updated_timestamp),
                    m.description.as_ref().into(),
                    m.user_id.as_ref().into(),
                    Value::Int(max_version),
                ],
            )?;
            out.created = n > 0;
            out.rows += n;
            if n == 0 {
                out.rows += c.execute(
                    "UPDATE registered_models SET last_version = $2 WHERE name = $1 AND \
                     last_version < $2",
                    &[name.clone(), Value::Int(max_version)],
                )?;
            }
            out.rows += insert_rows(
                c,
                "INSERT INTO registered_model_tags (name, key, value)",
                "ON CONFLICT (name, key) DO NOTHING",
                tag_rows(&name, &m.tags),
            )?;
            let versions: Vec<Vec<Value>> = m
                .versions
                .iter()
                .map(|v| {
                    vec![
                        name.clone(),
                        Value::Int(v.version),
                        Value::Int(v.creation_timestamp),
                        Value::Int(v.last_updated_timestamp),
                        v.description.as_ref().into(),
                        v.user_id.as_ref().into(),
                        (&v.current_stage).into(),
                        (&v.source).into(),
                        v.run_id.as_ref().into(),
                        v.run_link.as_ref().into(),
                        (&v.status).into(),
                        v.status_message.as_ref().into(),
                        v.storage_location.as_ref().into(),
                        v.model_id.as_ref().into(),
                    ]
                })
                .collect();
            out.rows += insert_rows(
                c,
                "INSERT INTO model_versions (name, version, creation_timestamp, \
                 last_updated_timestamp, description, user_id, current_stage, source, run_id, \
                 run_link, status, status_message, storage_location, model_id)",
                "ON CONFLICT (name, version) DO NOTHING",
                versions,
            )?;
            // Per version one row per key (the last wins); a version listed twice keeps what
            // its first listing wrote, as DO NOTHING does for the version row itself.
            let version_tags: Vec<Vec<Value>> = m
                .versions
                .iter()
                .flat_map(|v| {
                    kv_rows(
                        &[name.clone(), Value::Int(v.version)],
                        v.tags.iter().map(|t| (t.key.as_str(), t.value.as_str())),
                    )
                })
                .collect();
            out.rows += insert_rows(
                c,
                "INSERT INTO model_version_tags (name, version, key, value)",
                "ON CONFLICT (name, version, key) DO NOTHING",
                version_tags,
            )?;
            let by_alias: BTreeMap<&str, i64> =
                m.aliases.iter().map(|(a, v)| (a.as_str(), *v)).collect();
            let rows: Vec<Vec<Value>> = by_alias
                .into_iter()
                .map(|(a, v)| vec![name.clone(), a.into(), Value::Int(v)])
                .collect();
            out.rows += insert_rows(
                c,
                "INSERT INTO registered_model_aliases (name, alias, version)",
                "ON CONFLICT (name, alias) DO NOTHING",
                rows,
            )?;
            Ok(out)
        })
    }
}
