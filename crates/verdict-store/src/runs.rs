//! Runs: create, get, update, soft delete/restore, params, tags, log_metric, log_batch, inputs,
//! outputs, and `load_runs`, which hydrates many runs with one query per child table.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use crate::db::{Conn, Row, Value};
use crate::error::{Error, Result};
use crate::experiments::{check_experiment_active, experiment_row, parse_experiment_id};
use crate::limits;
use crate::rules::{ERROR_TAG, RulesHook, RulesOutcome};
use crate::sql::{IN_CHUNK, insert_rows, placeholders, upsert_tags};
use crate::store::{Store, now_ms, uuid4_hex};
use crate::types::{
    Dataset, DatasetInput, DatasetSummary, LifecycleStage, Metric, ModelOutput, NewRun, Param, Run,
    RunInfo, RunStatus, RunUpdate, Tag,
};

pub(crate) const RUN_NAME_TAG: &str = "mlflow.runName";
const RUN_COLUMNS: &str = "run_uuid, experiment_id, name, user_id, status, start_time, end_time, \
                           artifact_uri, lifecycle_stage, deleted_time";

fn run_info_from_row(row: &Row) -> Result<RunInfo> {
    let status = row.text(4)?;
    let stage = row.text(8)?;
    Ok(RunInfo {
        run_id: row.text(0)?,
        experiment_id: row.int(1)?.to_string(),
        run_name: row.text(2)?,
        user_id: row.opt_text(3)?,
        status: RunStatus::parse(&status)
            .ok_or_else(|| Error::db(format!("unknown run status {status:?}")))?,
        start_time: row.opt_int(5)?,
        end_time: row.opt_int(6)?,
        artifact_uri: row.text(7)?,
        lifecycle_stage: LifecycleStage::parse(&stage)
            .ok_or_else(|| Error::db(format!("unknown lifecycle stage {stage:?}")))?,
        deleted_time: row.opt_int(9)?,
    })
}

pub(crate) fn run_not_found(run_id: &str) -> Error {
    Error::not_found(format!("Run with id={run_id} not found"))
}

/// The run's info, or `RESOURCE_DOES_NOT_EXIST`.
pub(crate) fn run_info(c: &mut dyn Conn, run_id: &str) -> Result<RunInfo> {
    c.query_opt(
        &format!("SELECT {RUN_COLUMNS} FROM runs WHERE run_uuid = $1"),
        &[run_id.into()],
    )?
    .map(|r| run_info_from_row(&r))
    .transpose()?
    .ok_or_else(|| run_not_found(run_id))
}

/// The run's info if it exists and is active (MLflow's `_check_run_is_active`).
pub(crate) fn active_run(c: &mut dyn Conn, run_id: &str) -> Result<RunInfo> {
    let info = run_info(c, run_id)?;
    if info.lifecycle_stage != LifecycleStage::Active {
        return Err(Error::invalid(format!(
            "The run {run_id} must be in the 'active' state. Current state is {}.",
            info.lifecycle_stage.as_str()
        )));
    }
    Ok(info)
}

/// Decodes a stored metric value: NaN is stored as `value = 0, is_nan = 1`.
pub(crate) fn stored_value(value: f64, is_nan: i64) -> f64 {
    if is_nan != 0 { f64::NAN } else { value }
}

/// Encodes a metric value for storage: `(value, is_nan)`.
pub(crate) fn storable(value: f64) -> (f64, i64) {
    if value.is_nan() { (0.0, 1) } else { (value, 0) }
}

/// Loads whole runs (info, latest metrics, params, tags, inputs, outputs) in the order of `ids`;
/// ids that do not exist are skipped. One query per table per 500 ids.
pub(crate) fn load_runs(c: &mut dyn Conn, ids: &[String]) -> Result<Vec<Run>> {
    let mut runs: HashMap<String, Run> = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(IN_CHUNK) {
        let params: Vec<Value> = chunk.iter().map(Value::from).collect();
        let list = placeholders(1, chunk.len());
        for row in c.query(
            &format!("SELECT {RUN_COLUMNS} FROM runs WHERE run_uuid IN ({list})"),
            &params,
        )? {
            let info = run_info_from_row(&row)?;
            runs.insert(
                info.run_id.clone(),
                Run {
                    info,
                    metrics: Vec::new(),
                    params: Vec::new(),
                    tags: Vec::new(),
                    dataset_inputs: Vec::new(),
                    model_inputs: Vec::new(),
                    model_outputs: Vec::new(),
                },
            );
        }
        for row in c.query(
            &format!(
                "SELECT run_uuid, key, value, timestamp, step, is_nan, dataset_name, \
                 dataset_digest, model_id FROM latest_metrics WHERE run_uuid IN ({list})"
            ),
            &params,
        )? {
            if let Some(run) = runs.get_mut(&row.text(0)?) {
                run.metrics.push(Metric {
                    key: row.text(1)?,
                    value: stored_value(row.real(2)?, row.int(5)?),
                    timestamp: row.int(3)?,
                    step: row.int(4)?,
                    dataset_name: row.opt_text(6)?,
                    dataset_digest: row.opt_text(7)?,
                    model_id: row.opt_text(8)?,
                });
            }
        }
        for (table, is_param) in [("params", true), ("tags", false)] {
            for row in c.query(
                &format!("SELECT run_uuid, key, value FROM {table} WHERE run_uuid IN ({list})"),
                &params,
            )? {
                if let Some(run) = runs.get_mut(&row.text(0)?) {
                    if is_param {
                        run.params.push(Param::new(row.text(1)?, row.text(2)?));
                    } else {
                        run.tags.push(Tag::new(row.text(1)?, row.text(2)?));
                    }
                }
            }
        }
        let mut inputs: BTreeMap<(String, String), DatasetInput> = BTreeMap::new();
        for row in c.query(
            &format!(
                "SELECT i.run_uuid, d.dataset_uuid, d.name, d.digest, d.source_type, d.source, \
                 d.schema, d.profile FROM run_inputs i JOIN datasets d ON d.dataset_uuid = \
                 i.dataset_uuid WHERE i.run_uuid IN ({list})"
            ),
            &params,
        )? {
            inputs.insert(
                (row.text(0)?, row.text(1)?),
                DatasetInput {
                    dataset: Dataset {
                        name: row.text(2)?,
                        digest: row.text(3)?,
                        source_type: row.text(4)?,
                        source: row.text(5)?,
                        schema: row.opt_text(6)?,
                        profile: row.opt_text(7)?,
                    },
                    tags: Vec::new(),
                },
            );
        }
        if !inputs.is_empty() {
            for row in c.query(
                &format!(
                    "SELECT run_uuid, dataset_uuid, key, value FROM run_input_tags \
                     WHERE run_uuid IN ({list})"
                ),
                &params,
            )? {
                if let Some(input) = inputs.get_mut(&(row.text(0)?, row.text(1)?)) {
                    input.tags.push(Tag::new(row.text(2)?, row.text(3)?));
                }
            }
        }
        for ((run_id, _), input) in inputs {
            if let Some(run) = runs.get_mut(&run_id) {
                run.dataset_inputs.push(input);
            }
        }
        for row in c.query(
            &format!("SELECT run_uuid, model_id FROM run_model_inputs WHERE run_uuid IN ({list})"),
            &params,
        )? {
            if let Some(run) = runs.get_mut(&row.text(0)?) {
                run.model_inputs.push(row.text(1)?);
            }
        }
        for row in c.query(
            &format!(
                "SELECT run_uuid, model_id, step FROM run_model_outputs WHERE run_uuid IN ({list})"
            ),
            &params,
        )? {
            if let Some(run) = runs.get_mut(&row.text(0)?) {
                run.model_outputs.push(ModelOutput {
                    model_id: row.text(1)?,
                    step: row.int(2)?,
                });
            }
        }
    }
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(mut run) = runs.remove(id) {
            run.metrics.sort_by(|a, b| a.key.cmp(&b.key));
            run.params.sort();
            run.tags.sort();
            for d in &mut run.dataset_inputs {
                d.tags.sort();
            }
            run.dataset_inputs.sort_by(|a, b| {
                (&a.dataset.name, &a.dataset.digest).cmp(&(&b.dataset.name, &b.dataset.digest))
            });
            run.model_inputs.sort();
            run.model_outputs
                .sort_by(|a, b| a.model_id.cmp(&b.model_id));
            out.push(run);
        }
    }
    Ok(out)
}

/// MLflow's latest-metric order: is `a` strictly after `b` by (step, timestamp, stored value)?
/// A NaN counts as its stored value 0, as in MLflow's SQL store.
fn newer(a: &Metric, b: &Metric) -> bool {
    let va = storable(a.value).0;
    let vb = storable(b.value).0;
    (a.step, a.timestamp) > (b.step, b.timestamp)
        || ((a.step, a.timestamp) == (b.step, b.timestamp) && va > vb)
}

fn param_conflict(run_id: &str, key: &str, old: &str, new: &str) -> Error {
    Error::invalid(format!(
        "Changing param values is not allowed. Param with key='{key}' was already logged with \
         value='{old}' for run ID='{run_id}'. Attempted logging new value '{new}'."
    ))
}

/// Whose write-once params a query reads: a run's or a logged model's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ParamOwner {
    /// `params`, keyed by `run_uuid`.
    Run,
    /// `logged_model_params`, keyed by `model_id`.
    LoggedModel,
}

/// The stored values of these params' keys for one run or logged model (a key that is not
/// stored is absent): the one query for stored params, one statement per [`IN_CHUNK`] keys.
pub(crate) fn stored_params(
    c: &mut dyn Conn,
    owner: ParamOwner,
    id: &str,
    params: &[Param],
) -> Result<HashMap<String, String>> {
    let (table, id_column) = match owner {
        ParamOwner::Run => ("params", "run_uuid"),
        ParamOwner::LoggedModel => ("logged_model_params", "model_id"),
    };
    let mut stored = HashMap::new();
    for chunk in params.chunks(IN_CHUNK) {
        let mut args: Vec<Value> = vec![id.into()];
        args.extend(chunk.iter().map(|p| Value::from(&p.key)));
        for row in c.query(
            &format!(
                "SELECT key, value FROM {table} WHERE {id_column} = $1 AND key IN ({})",
                placeholders(2, chunk.len())
            ),
            &args,
        )? {
            stored.insert(row.text(0)?, row.text(1)?);
        }
    }
    Ok(stored)
}

/// Checks that every param of the batch is stored with the requested value.
fn verify_params(c: &mut dyn Conn, run_id: &str, params: &[Param]) -> Result<()> {
    let stored = stored_params(c, ParamOwner::Run, run_id, params)?;
    for p in params {
        match stored.get(&p.key) {
            Some(v) if *v == p.value => {}
            Some(v) => return Err(param_conflict(run_id, &p.key, v, &p.value)),
            None => return Err(Error::db(format!("param {} was not stored", p.key))),
        }
    }
    Ok(())
}

/// Writes params (write-once), tags and metrics of one run inside the caller's transaction.
///
/// With a rules hook and metric points, the run's rules run first (`rules::apply`: the state
/// row is the first lock the write takes, so writers to one run lock in the same order), and
/// the tags they return are upserted with the request's own, after them.
pub(crate) fn write_batch(
    c: &mut dyn Conn,
    hook: Option<&dyn RulesHook>,
    run_id: &str,
    metrics: &[Metric],
    params: &[Param],
    tags: &[Tag],
) -> Result<()> {
    let RulesOutcome {
        tags: rule_tags,
        clear_error,
        deferred,
    } = match hook {
        Some(hook) if !metrics.is_empty() => crate::rules::apply(c, hook, run_id, metrics, tags)?,
        _ => RulesOutcome::default(),
    };
    let tags: Cow<'_, [Tag]> = if rule_tags.is_empty() {
        Cow::Borrowed(tags)
    } else {
        Cow::Owned(tags.iter().chain(&rule_tags).cloned().collect())
    };
    if clear_error && !tags.iter().any(|t| t.key == ERROR_TAG) {
        c.execute(
            "DELETE FROM tags WHERE run_uuid = $1 AND key = $2",
            &[run_id.into(), ERROR_TAG.into()],
        )?;
    }
    let tags = &*tags;
    if !params.is_empty() {
        let mut existing = stored_params(c, ParamOwner::Run, run_id, params)?;
        let mut new_rows = Vec::new();
        // Key order (a stable sort: the first occurrence of a key stays first), so concurrent
        // writers take row locks in the same order and cannot deadlock each other.
        let mut ordered: Vec<&Param> = params.iter().collect();
        ordered.sort_by(|a, b| a.key.cmp(&b.key));
        for p in ordered {
            match existing.get(&p.key) {
                Some(old) if *old != p.value => {
                    return Err(param_conflict(run_id, &p.key, old, &p.value));
                }
                Some(_) => {}
                None => {
                    // A key twice in one call counts as logged by the first occurrence.
                    existing.insert(p.key.clone(), p.value.clone());
                    new_rows.push(vec![run_id.into(), (&p.key).into(), (&p.value).into()]);
                }
            }
        }
        let inserted = new_rows.len();
        insert_rows(
            c,
            "INSERT INTO params (run_uuid, key, value)",
            "ON CONFLICT (run_uuid, key) DO NOTHING",
            new_rows,
        )?;
        if inserted > 0 && c.dialect() == crate::db::Dialect::Postgres {
            // A concurrent transaction may have logged the same new key first; the insert then
            // did nothing. Read the committed values again so a different one is refused.
            verify_params(c, run_id, params)?;
        }
    }
    if !tags.is_empty() {
        // The last value of a key wins within a batch; one row per key (PostgreSQL refuses to
        // upsert the same row twice in one statement).
        upsert_tags(c, "tags", "run_uuid", &[run_id.into()], tags)?;
        if let Some(name) = tags.iter().rev().find(|t| t.key == RUN_NAME_TAG) {
            c.execute(
                "UPDATE runs SET name = $1 WHERE run_uuid = $2",
                &[(&name.value).into(), run_id.into()],
            )?;
        }
    }
    if !metrics.is_empty() {
        let mut sorted: Vec<&Metric> = metrics.iter().collect();
        sorted.sort_by(|a, b| {
            (&a.key, a.step, a.timestamp)
                .cmp(&(&b.key, b.step, b.timestamp))
                .then(a.value.total_cmp(&b.value))
        });
        let row = |m: &Metric| {
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
        };
        // The rules' state update rides on the first statement (PostgreSQL, see
        // `rules::Deferred`).
        let deferred = deferred.map(|d| (d.sql, d.params));
        crate::sql::insert_rows_with(
            c,
            deferred,
            "INSERT INTO metrics (run_uuid, key, step, timestamp, value, is_nan, dataset_name, \
             dataset_digest, model_id)",
            "ON CONFLICT (run_uuid, key, step, timestamp, value, is_nan) DO NOTHING",
            sorted.iter().map(|m| row(m)).collect(),
        )?;
        // Reduce to the newest point per key in the batch (first one wins a tie, as in MLflow),
        // then one upsert row per key that only replaces an older latest row.
        let mut latest: BTreeMap<&str, &Metric> = BTreeMap::new();
        for m in metrics {
            match latest.get(m.key.as_str()) {
                Some(cur) if !newer(m, cur) => {}
                _ => {
                    latest.insert(&m.key, m);
                }
            }
        }
        insert_rows(
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
            latest.values().map(|m| row(m)).collect(),
        )?;
        let model_rows: Vec<Vec<Value>> = sorted
            .iter()
            .filter_map(|m| {
                let model_id = m.model_id.as_ref()?;
                let (v, nan) = storable(m.value);
                Some(vec![
                    model_id.into(),
                    (&m.key).into(),
                    Value::Int(m.step),
                    Value::Int(m.timestamp),
                    Value::Real(v),
                    Value::Int(nan),
                    run_id.into(),
                    m.dataset_name.as_ref().into(),
                    m.dataset_digest.as_ref().into(),
                ])
            })
            .collect();
        insert_rows(
            c,
            "INSERT INTO logged_model_metrics (model_id, key, step, timestamp, value, is_nan, \
             run_uuid, dataset_name, dataset_digest)",
            "ON CONFLICT (model_id, key, step, timestamp, value, is_nan, run_uuid) DO NOTHING",
            model_rows,
        )?;
    }
    Ok(())
}

/// Writes dataset inputs (datasets created once per experiment) and model inputs of one run
/// inside the caller's transaction.
pub(crate) fn write_inputs(
    c: &mut dyn Conn,
    run_id: &str,
    exp_id: i64,
    datasets: &[DatasetInput],
    model_ids: &[String],
) -> Result<()> {
    let mut inputs = Vec::with_capacity(datasets.len());
    // One row per (dataset, key), the last value winning (a dataset listed twice included).
    let mut input_tags: BTreeMap<(String, &str), &str> = BTreeMap::new();
    for d in datasets {
        // Insert-if-missing, then read the id: correct even when another transaction
        // adds the same dataset at the same time.
        c.execute(
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
        for t in &d.tags {
            input_tags.insert((dataset_uuid.clone(), &t.key), &t.value);
        }
        inputs.push(vec![run_id.into(), dataset_uuid.into()]);
    }
    insert_rows(
        c,
        "INSERT INTO run_inputs (run_uuid, dataset_uuid)",
        "ON CONFLICT (run_uuid, dataset_uuid) DO NOTHING",
        inputs,
    )?;
    insert_rows(
        c,
        "INSERT INTO run_input_tags (run_uuid, dataset_uuid, key, value)",
        "ON CONFLICT (run_uuid, dataset_uuid, key) DO UPDATE SET value = excluded.value",
        input_tags
            .into_iter()
            .map(|((dataset_uuid, k), v)| {
                vec![run_id.into(), dataset_uuid.into(), k.into(), v.into()]
            })
            .collect(),
    )?;
    insert_rows(
        c,
        "INSERT INTO run_model_inputs (run_uuid, model_id)",
        "ON CONFLICT (run_uuid, model_id) DO NOTHING",
        model_ids
            .iter()
            .map(|m| vec![run_id.into(), m.into()])
            .collect(),
    )?;
    Ok(())
}

pub(crate) fn validate_dataset_input(d: &DatasetInput) -> Result<()> {
    let too_long = |what: &str, max: usize, v: &str| {
        if v.chars().count() > max {
            Err(Error::invalid(format!(
                "{what} exceeds the maximum length of {max} characters"
            )))
        } else {
            Ok(())
        }
    };
    too_long(
        "Dataset name",
        limits::MAX_DATASET_NAME_SIZE,
        &d.dataset.name,
    )?;
    too_long(
        "Dataset digest",
        limits::MAX_DATASET_DIGEST_SIZE,
        &d.dataset.digest,
    )?;
    too_long(
        "Dataset source",
        limits::MAX_DATASET_SOURCE_SIZE,
        &d.dataset.source,
    )?;
    if let Some(s) = &d.dataset.schema {
        too_long("Dataset schema", limits::MAX_DATASET_SCHEMA_SIZE, s)?;
    }
    if let Some(p) = &d.dataset.profile {
        too_long("Dataset profile", limits::MAX_DATASET_PROFILE_SIZE, p)?;
    }
    for t in &d.tags {
        too_long("Input tag key", limits::MAX_INPUT_TAG_KEY_SIZE, &t.key)?;
        too_long(
            "Input tag value",
            limits::MAX_INPUT_TAG_VALUE_SIZE,
            &t.value,
        )?;
    }
    if d.dataset.name.is_empty() || d.dataset.digest.is_empty() {
        return Err(Error::invalid(
            "A dataset needs a non-empty name and digest",
        ));
    }
    Ok(())
}

impl Store {
    /// Creates a run in an active experiment (status RUNNING) and returns it. A `run_name` and a
    /// `mlflow.runName` tag must agree; the name is stored in both places.
    pub fn create_run(&self, new: &NewRun) -> Result<Run> {
        let exp_id = parse_experiment_id(&new.experiment_id)?;
        for (i, t) in new.tags.iter().enumerate() {
            limits::validate_tag(t, &format!("tags[{i}]"))?;
        }
        let tag_name = new
            .tags
            .iter()
            .rev()
            .find(|t| t.key == RUN_NAME_TAG)
            .map(|t| t.value.clone());
        if let (Some(a), Some(b)) = (&new.run_name, &tag_name)
            && a != b
        {
            return Err(Error::invalid(format!(
                "Both 'run_name' argument and 'mlflow.runName' tag are specified, but with \
                     different values (run_name='{a}', mlflow.runName='{b}')."
            )));
        }
        let run_id = uuid4_hex()?;
        let name = new
            .run_name
            .clone()
            .filter(|n| !n.is_empty())
            .or(tag_name)
            .unwrap_or_else(|| format!("run-{}", &run_id[..8]));
        let start = new.start_time.unwrap_or_else(now_ms);
        let mut tags = new.tags.clone();
        tags.retain(|t| t.key != RUN_NAME_TAG);
        tags.push(Tag::new(RUN_NAME_TAG, name.clone()));
        self.write(|c| {
            let exp = experiment_row(c, exp_id)?;
            check_experiment_active(&exp)?;
            let artifact_uri = format!(
                "{}/{run_id}/artifacts",
                exp.artifact_location.trim_end_matches('/')
            );
            c.execute(
                &format!(
                    "INSERT INTO runs ({RUN_COLUMNS}) VALUES ($1, $2, $3, $4, 'RUNNING', $5, NULL, \
                     $6, 'active', NULL)"
                ),
                &[
                    run_id.as_str().into(),
                    Value::Int(exp_id),
                    name.as_str().into(),
                    new.user_id.as_ref().into(),
                    Value::Int(start),
                    artifact_uri.into(),
                ],
            )?;
            write_batch(c, None, &run_id, &[], &[], &tags)?;
            load_runs(c, std::slice::from_ref(&run_id))?
                .pop()
                .ok_or_else(|| run_not_found(&run_id))
        })
    }

    /// The whole run (info, latest metrics, params, tags, inputs, outputs), active or deleted.
    pub fn get_run(&self, run_id: &str) -> Result<Run> {
        self.read(|c| {
            load_runs(c, &[run_id.to_owned()])?
                .pop()
                .ok_or_else(|| run_not_found(run_id))
        })
    }

    /// Changes status, end time and/or name (the name also goes to the `mlflow.runName` tag);
    /// returns the new info. The run must be active.
    pub fn update_run(&self, run_id: &str, update: &RunUpdate) -> Result<RunInfo> {
        self.write(|c| {
            let mut info = active_run(c, run_id)?;
            if let Some(s) = update.status {
                info.status = s;
            }
            if let Some(t) = update.end_time {
                info.end_time = Some(t);
            }
            if let Some(n) = update.run_name.as_ref().filter(|n| !n.is_empty()) {
                info.run_name = n.clone();
                write_batch(
                    c,
                    None,
                    run_id,
                    &[],
                    &[],
                    &[Tag::new(RUN_NAME_TAG, n.clone())],
                )?;
            }
            c.execute(
                "UPDATE runs SET status = $1, end_time = $2, name = $3 WHERE run_uuid = $4",
                &[
                    info.status.as_str().into(),
                    info.end_time.into(),
                    info.run_name.as_str().into(),
                    run_id.into(),
                ],
            )?;
            Ok(info.clone())
        })
    }

    /// Soft-deletes a run (lifecycle_stage `deleted`, `deleted_time` now).
    pub fn delete_run(&self, run_id: &str) -> Result<()> {
        self.write(|c| {
            run_info(c, run_id)?;
            c.execute(
                "UPDATE runs SET lifecycle_stage = 'deleted', deleted_time = $1 WHERE run_uuid = $2",
                &[Value::Int(now_ms()), run_id.into()],
            )?;
            Ok(())
        })
    }

    /// Restores a soft-deleted run.
    pub fn restore_run(&self, run_id: &str) -> Result<()> {
        self.write(|c| {
            run_info(c, run_id)?;
            c.execute(
                "UPDATE runs SET lifecycle_stage = 'active', deleted_time = NULL WHERE run_uuid = $1",
                &[run_id.into()],
            )?;
            Ok(())
        })
    }

    /// Logs a param. Params are write-once: the same value again is accepted, a different one is
    /// `INVALID_PARAMETER_VALUE` ("Changing param values is not allowed").
    pub fn log_param(&self, run_id: &str, key: &str, value: &str) -> Result<()> {
        let p = Param::new(key, value);
        limits::validate_param(&p, "")?;
        self.write(|c| {
            active_run(c, run_id)?;
            write_batch(c, None, run_id, &[], std::slice::from_ref(&p), &[])
        })
    }

    /// Sets (inserts or replaces) a run tag. `mlflow.runName` also renames the run.
    pub fn set_tag(&self, run_id: &str, key: &str, value: &str) -> Result<()> {
        let t = Tag::new(key, value);
        limits::validate_tag(&t, "")?;
        self.write(|c| {
            active_run(c, run_id)?;
            write_batch(c, None, run_id, &[], &[], std::slice::from_ref(&t))
        })
    }

    /// Deletes a run tag; `RESOURCE_DOES_NOT_EXIST` if it is not set.
    pub fn delete_tag(&self, run_id: &str, key: &str) -> Result<()> {
        self.write(|c| {
            active_run(c, run_id)?;
            let n = c.execute(
                "DELETE FROM tags WHERE run_uuid = $1 AND key = $2",
                &[run_id.into(), key.into()],
            )?;
            if n == 0 {
                return Err(Error::not_found(format!(
                    "No tag with name: {key} in run with id {run_id}"
                )));
            }
            Ok(())
        })
    }

    /// Appends one metric point and updates the latest value (rule in the crate docs).
    pub fn log_metric(&self, run_id: &str, metric: &Metric) -> Result<()> {
        limits::validate_metric(metric, "")?;
        self.write(|c| {
            active_run(c, run_id)?;
            write_batch(
                c,
                self.rules_hook(),
                run_id,
                std::slice::from_ref(metric),
                &[],
                &[],
            )
        })
    }

    /// Metrics, params and tags in one transaction: everything is stored or nothing is. MLflow's
    /// limits apply (≤ 1000 metrics, ≤ 100 params, ≤ 100 tags, ≤ 1000 in total, key ≤ 250,
    /// param value ≤ 6000, tag value ≤ 8000); a param that changes value fails the whole batch.
    pub fn log_batch(
        &self,
        run_id: &str,
        metrics: &[Metric],
        params: &[Param],
        tags: &[Tag],
    ) -> Result<()> {
        limits::validate_batch_size(metrics, params, tags)?;
        self.log_records(run_id, metrics, params, tags)
    }

    /// Metrics, params and tags of one run in **one transaction**, each record validated as
    /// [`Store::log_batch`] validates it but without MLflow's per-request size limits: what a
    /// caller of the library (an evaluation stored in a run) writes as one unit. Either every
    /// record is stored or, on any error, none is.
    pub fn log_records(
        &self,
        run_id: &str,
        metrics: &[Metric],
        params: &[Param],
        tags: &[Tag],
    ) -> Result<()> {
        limits::validate_records(metrics, params, tags)?;
        self.write(|c| {
            active_run(c, run_id)?;
            write_batch(c, self.rules_hook(), run_id, metrics, params, tags)
        })
    }

    /// Records datasets (created once per experiment, identified by name and digest) with their
    /// input tags, and logged models, as inputs of the run.
    pub fn log_inputs(
        &self,
        run_id: &str,
        datasets: &[DatasetInput],
        model_ids: &[String],
    ) -> Result<()> {
        if datasets.len() > 1000 {
            return Err(Error::invalid(format!(
                "A batch logging request can contain at most 1000 datasets. Got {} datasets. \
                 Please split up datasets across multiple requests and try again.",
                datasets.len()
            )));
        }
        for d in datasets {
            validate_dataset_input(d)?;
        }
        self.write(|c| {
            let info = active_run(c, run_id)?;
            let exp_id = parse_experiment_id(&info.experiment_id)?;
            write_inputs(c, run_id, exp_id, datasets, model_ids)
        })
    }

    /// MLflow `SearchDatasets`: the distinct (experiment, name, digest, context) of datasets
    /// that runs of these experiments (at most 20) logged as inputs, sorted, at most 1000.
    pub fn search_datasets(&self, experiment_ids: &[String]) -> Result<Vec<DatasetSummary>> {
        if experiment_ids.len() > 20 {
            return Err(Error::invalid(format!(
                "SearchDatasets request cannot specify more than 20 experiment_ids. Received {} \
                 experiment_ids.",
                experiment_ids.len()
            )));
        }
        let ids = experiment_ids
            .iter()
            .map(|e| parse_experiment_id(e))
            .collect::<Result<Vec<_>>>()?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let params: Vec<Value> = ids.iter().map(|i| Value::Int(*i)).collect();
        let sql = format!(
            "SELECT DISTINCT d.experiment_id, d.name, d.digest, it.value FROM datasets d \
             JOIN run_inputs i ON i.dataset_uuid = d.dataset_uuid \
             LEFT JOIN run_input_tags it ON it.run_uuid = i.run_uuid AND \
             it.dataset_uuid = i.dataset_uuid AND it.key = 'mlflow.data.context' \
             WHERE d.experiment_id IN ({}) LIMIT 1000",
            placeholders(1, ids.len())
        );
        self.read(|c| {
            let mut out = c
                .query(&sql, &params)?
                .iter()
                .map(|r| {
                    Ok(DatasetSummary {
                        experiment_id: r.int(0)?.to_string(),
                        name: r.text(1)?,
                        digest: r.text(2)?,
                        context: r.opt_text(3)?,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            out.sort();
            Ok(out)
        })
    }

    /// Records logged models as outputs of the run (a model already recorded keeps its step).
    pub fn log_outputs(&self, run_id: &str, models: &[ModelOutput]) -> Result<()> {
        self.write(|c| {
            active_run(c, run_id)?;
            for m in models {
                crate::models::logged_model_row(c, &m.model_id)?;
            }
            insert_rows(
                c,
                "INSERT INTO run_model_outputs (run_uuid, model_id, step)",
                "ON CONFLICT (run_uuid, model_id) DO NOTHING",
                models
                    .iter()
                    .map(|m| vec![run_id.into(), (&m.model_id).into(), Value::Int(m.step)])
                    .collect(),
            )?;
            Ok(())
        })
    }
}
