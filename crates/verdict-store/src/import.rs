//! Id-preserving, insert-if-missing writes for importers (`verdict import mlruns`).
//!
//! The ordinary operations pick ids (`create_run` draws a UUID, `create_experiment` takes the
//! next integer) and stamp times with the clock. An import must keep the source's ids (MLflow
//! run ids and experiment ids are what users and scripts refer to) and its times, lifecycle
//! stages and statuses, so it gets its own entry points here.
//!
//! # The idempotency rule
//! Every row is written with `INSERT … ON CONFLICT DO NOTHING`: what the ledger already holds is
//! never changed, what is missing is added. Each method returns how many rows it wrote, so an
//! importer can say "nothing changed" exactly when every call returned 0. Consequences:
//! - importing the same tree twice writes nothing the second time;
//! - a run that gained metric points, params or tags since the last import gets the new ones;
//! - a value that differs from the ledger's (a tag changed in the source after the first
//!   import, a run that finished since) keeps the ledger's value (params are write-once anyway);
//! - metric history dedups exact repeats on (key, step, timestamp, value), as the history's
//!   primary key does for every write and as MLflow's FileStore → SQL migrator does; the latest
//!   value per key is then upserted by the usual (step, timestamp, value) rule.
//!
//! Every method is one transaction. No limits from `validation.py` are applied: the source
//! store already accepted the data, and refusing a long tag now would lose it.

use std::collections::BTreeMap;

use crate::db::{Conn, Dialect, Value};
use crate::error::{Error, Result};
use crate::experiments::parse_experiment_id;
use crate::runs::storable;
use crate::store::{Store, uuid4_hex};
use crate::types::{
    DatasetInput, LifecycleStage, LoggedModelStatus, Metric, ModelOutput, Param, RunInfo, Tag,
};

/// Rows per multi-row `INSERT` (≤ 9 columns, far below SQLite's parameter limit).
const CHUNK: usize = 200;

/// An experiment with its source id, times and stage.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportExperiment {
    pub experiment_id: String,
    pub name: String,
    pub artifact_location: String,
    pub lifecycle_stage: LifecycleStage,
    pub creation_time: i64,
    pub last_update_time: i64,
    pub tags: Vec<Tag>,
}

/// A run with its source id and everything logged to it. `metrics` is the whole history (any
/// order, repeats allowed).
#[derive(Clone, Debug, PartialEq)]
pub struct ImportRun {
    pub info: RunInfo,
    pub params: Vec<Param>,
    pub tags: Vec<Tag>,
    pub metrics: Vec<Metric>,
    pub dataset_inputs: Vec<DatasetInput>,
    pub model_outputs: Vec<ModelOutput>,
}

/// A metric point of a logged model, with the run it was logged to.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportModelMetric {
    pub run_id: String,
    pub metric: Metric,
}

/// A logged model with its source id.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportLoggedModel {
    pub model_id: String,
    pub experiment_id: String,
    pub name: String,
    pub artifact_location: String,
    pub creation_timestamp_ms: i64,
    pub last_updated_timestamp_ms: i64,
    pub status: LoggedModelStatus,
    pub status_message: Option<String>,
    pub model_type: Option<String>,
    pub source_run_id: Option<String>,
    pub lifecycle_stage: LifecycleStage,
    pub params: Vec<Param>,
    pub tags: Vec<Tag>,
    pub metrics: Vec<ImportModelMetric>,
}

/// A model version with its source number.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportModelVersion {
    pub version: i64,
    pub creation_timestamp: i64,
    pub last_updated_timestamp: i64,
    pub user_id: Option<String>,
    pub current_stage: String,
    pub description: Option<String>,
    pub source: String,
    pub run_id: Option<String>,
    pub run_link: Option<String>,
    pub status: String,
    pub status_message: Option<String>,
    pub storage_location: Option<String>,
    pub model_id: Option<String>,
    pub tags: Vec<Tag>,
}

/// A registered model with its versions, tags and aliases.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportRegisteredModel {
    pub name: String,
    pub creation_timestamp: i64,
    pub last_updated_timestamp: i64,
    pub description: Option<String>,
    pub user_id: Option<String>,
    pub tags: Vec<Tag>,
    /// (alias, version).
    pub aliases: Vec<(String, i64)>,
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

/// `INSERT … VALUES (…), … <tail>` in chunks; returns the rows changed.
fn insert_counted(c: &mut dyn Conn, head: &str, tail: &str, rows: &[Vec<Value>]) -> Result<u64> {
    let mut n = 0;
    for chunk in rows.chunks(CHUNK) {
        let Some(ncols) = chunk.first().map(Vec::len) else {
            continue;
        };
        let mut sql = format!("{head} VALUES ");
        let mut params = Vec::with_capacity(chunk.len() * ncols);
        for (i, row) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            sql.push_str(&crate::experiments::placeholders(
                params.len() + 1,
                row.len(),
            ));
            sql.push(')');
            params.extend(row.iter().cloned());
        }
        sql.push(' ');
        sql.push_str(tail);
        n += c.execute(&sql, &params)?;
    }
    Ok(n)
}

/// Is `a` after `b` by MLflow's (step, timestamp, stored value) rule?
fn newer(a: &Metric, b: &Metric) -> bool {
    let (va, vb) = (storable(a.value).0, storable(b.value).0);
    (a.step, a.timestamp) > (b.step, b.timestamp)
        || ((a.step, a.timestamp) == (b.step, b.timestamp) && va > vb)
}

fn tag_rows(id: &Value, tags: &[Tag]) -> Vec<Vec<Value>> {
    // One row per key (the last wins), so PostgreSQL never sees the same key twice in a statement.
    let by_key: BTreeMap<&str, &str> = tags
        .iter()
        .map(|t| (t.key.as_str(), t.value.as_str()))
        .collect();
    by_key
        .into_iter()
        .map(|(k, v)| vec![id.clone(), k.into(), v.into()])
        .collect()
}

fn param_rows(id: &Value, params: &[Param]) -> Vec<Vec<Value>> {
    let by_key: BTreeMap<&str, &str> = params
        .iter()
        .map(|p| (p.key.as_str(), p.value.as_str()))
        .collect();
    by_key
        .into_iter()
        .map(|(k, v)| vec![id.clone(), k.into(), v.into()])
        .collect()
}

fn metric_row(run_id: &str, m: &Metric) -> Vec<Value> {
    let (v, nan) = storable(m.value);
    vec![
        run_id.into(),
        (&m.key).into(),
        Value::Int(m.step),
        Value::Int(m.timestamp),
        Value::Real(v),
        Value::Int(nan),
        m.dataset_name.as_ref().into(),
        m.dataset_digest.as_ref().into(),
        m.model_id.as_ref().into(),
    ]
}

/// Makes the next generated experiment id greater than every stored one (PostgreSQL's identity
/// sequence does not see explicit ids; SQLite's rowid already takes max + 1).
fn bump_experiment_sequence(c: &mut dyn Conn) -> Result<()> {
    if c.dialect() == Dialect::Postgres {
        c.query(
            "SELECT setval(pg_get_serial_sequence('experiments', 'experiment_id'), \
             GREATEST((SELECT MAX(experiment_id) FROM experiments), 1))",
            &[],
        )?;
    }
    Ok(())
}

impl Store {
    /// Inserts an experiment under its own id (or only its missing tags when the id exists).
    /// An experiment with the same name under another id is `RESOURCE_ALREADY_EXISTS`.
    pub fn import_experiment(&self, e: &ImportExperiment) -> Result<Imported> {
        let id = parse_experiment_id(&e.experiment_id)?;
        self.write(|c| {
            let mut out = Imported::default();
            let existing = c.query_opt(
                "SELECT name FROM experiments WHERE experiment_id = $1",
                &[Value::Int(id)],
            )?;
            if existing.is_none() {
                if let Some(other) = c.query_opt(
                    "SELECT experiment_id FROM experiments WHERE name = $1",
                    &[(&e.name).into()],
                )? {
                    return Err(Error::exists(format!(
                        "Experiment(name={}) already exists with id {} (importing id {})",
                        e.name,
                        other.int(0)?,
                        e.experiment_id
                    )));
                }
                out.rows += c.execute(
                    "INSERT INTO experiments (experiment_id, name, artifact_location, \
                     lifecycle_stage, creation_time, last_update_time) VALUES ($1, $2, $3, $4, \
                     $5, $6) ON CONFLICT DO NOTHING",
                    &[
                        Value::Int(id),
                        (&e.name).into(),
                        (&e.artifact_location).into(),
                        stage(e.lifecycle_stage),
                        Value::Int(e.creation_time),
                        Value::Int(e.last_update_time),
                    ],
                )?;
                out.created = out.rows > 0;
                bump_experiment_sequence(c)?;
            }
            out.rows += insert_counted(
                c,
                "INSERT INTO experiment_tags (experiment_id, key, value)",
                "ON CONFLICT (experiment_id, key) DO NOTHING",
                &tag_rows(&Value::Int(id), &e.tags),
            )?;
            Ok(out)
        })
    }

    /// Inserts a run under its own id with its params, tags, metric history (and latest
    /// values), dataset inputs and model outputs; for a run that exists, only what is missing.
    /// The experiment must exist.
    pub fn import_run(&self, r: &ImportRun) -> Result<Imported> {
        let exp_id = parse_experiment_id(&r.info.experiment_id)?;
        let run_id = r.info.run_id.as_str();
        let rid = Value::from(run_id);
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
            let i = &r.info;
            let n = c.execute(
                "INSERT INTO runs (run_uuid, experiment_id, name, user_id, status, start_time, \
                 end_time, artifact_uri, lifecycle_stage, deleted_time) VALUES ($1, $2, $3, $4, \
                 $5, $6, $7, $8, $9, $10) ON CONFLICT (run_uuid) DO NOTHING",
                &[
                    rid.clone(),
                    Value::Int(exp_id),
                    (&i.run_name).into(),
                    i.user_id.as_ref().into(),
                    i.status.as_str().into(),
                    i.start_time.into(),
                    i.end_time.into(),
                    (&i.artifact_uri).into(),
                    stage(i.lifecycle_stage),
                    i.deleted_time.into(),
                ],
            )?;
            out.created = n > 0;
            out.rows += n;
            out.rows += insert_counted(
                c,
                "INSERT INTO params (run_uuid, key, value)",
                "ON CONFLICT (run_uuid, key) DO NOTHING",
                &param_rows(&rid, &r.params),
            )?;
            out.rows += insert_counted(
                c,
                "INSERT INTO tags (run_uuid, key, value)",
                "ON CONFLICT (run_uuid, key) DO NOTHING",
                &tag_rows(&rid, &r.tags),
            )?;
            // History: sorted, exact repeats dropped here too (one statement may not hit the
            // same primary key twice on PostgreSQL).
            let mut points: Vec<&Metric> = r.metrics.iter().collect();
            points.sort_by(|a, b| {
                (&a.key, a.step, a.timestamp)
                    .cmp(&(&b.key, b.step, b.timestamp))
                    .then(storable(a.value).0.total_cmp(&storable(b.value).0))
                    .then(storable(a.value).1.cmp(&storable(b.value).1))
            });
            points.dedup_by(|a, b| {
                a.key == b.key
                    && a.step == b.step
                    && a.timestamp == b.timestamp
                    && storable(a.value) == storable(b.value)
            });
            let rows: Vec<Vec<Value>> = points.iter().map(|m| metric_row(run_id, m)).collect();
            out.rows += insert_counted(
                c,
                "INSERT INTO metrics (run_uuid, key, step, timestamp, value, is_nan, \
                 dataset_name, dataset_digest, model_id)",
                "ON CONFLICT (run_uuid, key, step, timestamp, value, is_nan) DO NOTHING",
                &rows,
            )?;
            let mut latest: BTreeMap<&str, &Metric> = BTreeMap::new();
            for m in &points {
                match latest.get(m.key.as_str()) {
                    Some(cur) if !newer(m, cur) => {}
                    _ => {
                        latest.insert(&m.key, m);
                    }
                }
            }
            let rows: Vec<Vec<Value>> = latest.values().map(|m| metric_row(run_id, m)).collect();
            out.rows += insert_counted(
                c,
                "INSERT INTO latest_metrics (run_uuid, key, step, timestamp, value, is_nan, \
                 dataset_name, dataset_digest, model_id)",
                "ON CONFLICT (run_uuid, key) DO UPDATE SET step = excluded.step, \
                 timestamp = excluded.timestamp, value = excluded.value, is_nan = excluded.is_nan, \
                 dataset_name = excluded.dataset_name, dataset_digest = excluded.dataset_digest, \
                 model_id = excluded.model_id \
                 WHERE excluded.step > latest_metrics.step OR (excluded.step = latest_metrics.step \
                 AND (excluded.timestamp > latest_metrics.timestamp OR (excluded.timestamp = \
                 latest_metrics.timestamp AND excluded.value > latest_metrics.value)))",
                &rows,
            )?;
            for d in &r.dataset_inputs {
                out.rows += c.execute(
                    "INSERT INTO datasets (dataset_uuid, experiment_id, name, digest, \
                     source_type, source, schema, profile) VALUES ($1, $2, $3, $4, $5, $6, $7, \
                     $8) ON CONFLICT (experiment_id, name, digest) DO NOTHING",
                    &[
                        uuid4_hex()?.into(),
                        Value::Int(exp_id),
                        (&d.dataset.name).into(),
                        (&d.dataset.digest).into(),
                        (&d.dataset.source_type).into(),
                        (&d.dataset.source).into(),
                        d.dataset.schema.as_ref().into(),
                        d.dataset.profile.as_ref().into(),
                    ],
                )?;
                let dataset_uuid = c
                    .query_opt(
                        "SELECT dataset_uuid FROM datasets WHERE experiment_id = $1 AND name = $2 \
                         AND digest = $3",
                        &[
                            Value::Int(exp_id),
                            (&d.dataset.name).into(),
                            (&d.dataset.digest).into(),
                        ],
                    )?
                    .ok_or_else(|| Error::db("dataset row missing after insert"))?
                    .text(0)?;
                let du = Value::from(dataset_uuid);
                out.rows += c.execute(
                    "INSERT INTO run_inputs (run_uuid, dataset_uuid) VALUES ($1, $2) \
                     ON CONFLICT (run_uuid, dataset_uuid) DO NOTHING",
                    &[rid.clone(), du.clone()],
                )?;
                let by_key: BTreeMap<&str, &str> = d
                    .tags
                    .iter()
                    .map(|t| (t.key.as_str(), t.value.as_str()))
                    .collect();
                let rows: Vec<Vec<Value>> = by_key
                    .into_iter()
                    .map(|(k, v)| vec![rid.clone(), du.clone(), k.into(), v.into()])
                    .collect();
                out.rows += insert_counted(
                    c,
                    "INSERT INTO run_input_tags (run_uuid, dataset_uuid, key, value)",
                    "ON CONFLICT (run_uuid, dataset_uuid, key) DO NOTHING",
                    &rows,
                )?;
            }
            let by_model: BTreeMap<&str, i64> = r
                .model_outputs
                .iter()
                .map(|o| (o.model_id.as_str(), o.step))
                .collect();
            let rows: Vec<Vec<Value>> = by_model
                .into_iter()
                .map(|(m, s)| vec![rid.clone(), m.into(), Value::Int(s)])
                .collect();
            out.rows += insert_counted(
                c,
                "INSERT INTO run_model_outputs (run_uuid, model_id, step)",
                "ON CONFLICT (run_uuid, model_id) DO NOTHING",
                &rows,
            )?;
            Ok(out)
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
            out.rows += insert_counted(
                c,
                "INSERT INTO logged_model_params (model_id, key, value)",
                "ON CONFLICT (model_id, key) DO NOTHING",
                &param_rows(&mid, &m.params),
            )?;
            out.rows += insert_counted(
                c,
                "INSERT INTO logged_model_tags (model_id, key, value)",
                "ON CONFLICT (model_id, key) DO NOTHING",
                &tag_rows(&mid, &m.tags),
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
            out.rows += insert_counted(
                c,
                "INSERT INTO logged_model_metrics (model_id, key, step, timestamp, value, is_nan, \
                 run_uuid, dataset_name, dataset_digest)",
                "ON CONFLICT (model_id, key, step, timestamp, value, is_nan, run_uuid) DO NOTHING",
                &rows,
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
            out.rows += insert_counted(
                c,
                "INSERT INTO registered_model_tags (name, key, value)",
                "ON CONFLICT (name, key) DO NOTHING",
                &tag_rows(&name, &m.tags),
            )?;
            for v in &m.versions {
                out.rows += c.execute(
                    "INSERT INTO model_versions (name, version, creation_timestamp, \
                     last_updated_timestamp, description, user_id, current_stage, source, run_id, \
                     run_link, status, status_message, storage_location, model_id) VALUES ($1, \
                     $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
                     ON CONFLICT (name, version) DO NOTHING",
                    &[
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
                    ],
                )?;
                let by_key: BTreeMap<&str, &str> = v
                    .tags
                    .iter()
                    .map(|t| (t.key.as_str(), t.value.as_str()))
                    .collect();
                let rows: Vec<Vec<Value>> = by_key
                    .into_iter()
                    .map(|(k, val)| vec![name.clone(), Value::Int(v.version), k.into(), val.into()])
                    .collect();
                out.rows += insert_counted(
                    c,
                    "INSERT INTO model_version_tags (name, version, key, value)",
                    "ON CONFLICT (name, version, key) DO NOTHING",
                    &rows,
                )?;
            }
            let by_alias: BTreeMap<&str, i64> =
                m.aliases.iter().map(|(a, v)| (a.as_str(), *v)).collect();
            let rows: Vec<Vec<Value>> = by_alias
                .into_iter()
                .map(|(a, v)| vec![name.clone(), a.into(), Value::Int(v)])
                .collect();
            out.rows += insert_counted(
                c,
                "INSERT INTO registered_model_aliases (name, alias, version)",
                "ON CONFLICT (name, alias) DO NOTHING",
                &rows,
            )?;
            Ok(out)
        })
    }
}
