//! Bringing existing history in with its own ids and times (for `verdict import mlruns`, which
//! reads an MLflow FileStore, docs/design/mlflow.md §2). Each call is one transaction and idempotent: an
//! experiment or run that is already there is left exactly as it is and reported as
//! [`ImportOutcome::AlreadyPresent`], so an import can be re-run after an interruption.
//!
//! Imported data goes through the same validation as logged data (names, lengths): a value the
//! store would refuse from a client is refused here too, with the same message, and the importer
//! reports the run as skipped instead of storing something shortened.

use crate::db::{Dialect, Value};
use crate::error::{Error, Result};
use crate::experiments::{parse_experiment_id, write_experiment_tags};
use crate::limits;
use crate::runs::{run_info, validate_dataset_input, write_batch, write_inputs};
use crate::store::Store;
use crate::types::{DatasetInput, Experiment, Metric, Param, RunInfo, Tag};

/// What an import call did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportOutcome {
    /// Stored now.
    Imported,
    /// Already stored (same id); nothing was changed.
    AlreadyPresent,
}

/// A whole run as another store kept it: info with its own id and times, and the full metric
/// history (no batch limit; the latest values are derived from it by the usual rule).
#[derive(Clone, Debug, PartialEq)]
pub struct ImportRun {
    /// The run's info.
    pub info: RunInfo,
    /// Parameters, sorted by key.
    pub params: Vec<Param>,
    /// Tags, sorted by key.
    pub tags: Vec<Tag>,
    /// Metric points.
    pub metrics: Vec<Metric>,
    /// Its dataset inputs.
    pub dataset_inputs: Vec<DatasetInput>,
}

impl Store {
    /// Stores an experiment with its id, name, artifact location, lifecycle stage, times and
    /// tags as given. `AlreadyPresent` when that id exists with the same name;
    /// `RESOURCE_ALREADY_EXISTS` when the id or the name belongs to a different experiment.
    pub fn import_experiment(&self, e: &Experiment) -> Result<ImportOutcome> {
        let id = parse_experiment_id(&e.experiment_id)?;
        if id < 0 {
            return Err(Error::invalid(format!(
                "Invalid experiment ID '{}'",
                e.experiment_id
            )));
        }
        limits::validate_experiment_name(&e.name)?;
        for t in &e.tags {
            limits::validate_experiment_tag(t)?;
        }
        let dialect = self.dialect();
        self.write(|c| {
            if let Some(row) = c.query_opt(
                "SELECT name FROM experiments WHERE experiment_id = $1",
                &[Value::Int(id)],
            )? {
                let name = row.text(0)?;
                if name == e.name {
                    return Ok(ImportOutcome::AlreadyPresent);
                }
                return Err(Error::exists(format!(
                    "Experiment id {id} already exists with the name '{name}', not '{}'",
                    e.name
                )));
            }
            if c.query_opt(
                "SELECT experiment_id FROM experiments WHERE name = $1",
                &[(&e.name).into()],
            )?
            .is_some()
            {
                return Err(Error::exists(format!(
                    "Experiment(name={}) already exists.",
                    e.name
                )));
            }
            c.execute(
                "INSERT INTO experiments (experiment_id, name, artifact_location, \
                 lifecycle_stage, creation_time, last_update_time) VALUES ($1, $2, $3, $4, $5, $6)",
                &[
                    Value::Int(id),
                    (&e.name).into(),
                    (&e.artifact_location).into(),
                    e.lifecycle_stage.as_str().into(),
                    Value::Int(e.creation_time),
                    Value::Int(e.last_update_time),
                ],
            )?;
            write_experiment_tags(c, id, &e.tags)?;
            if dialect == Dialect::Postgres {
                // Keep the identity sequence past every id in use, as SQLite's rowid does, so
                // later create_experiment calls never collide with an imported id.
                c.execute(
                    "SELECT setval(pg_get_serial_sequence('experiments', 'experiment_id'), \
                     (SELECT GREATEST(MAX(experiment_id), 1) FROM experiments))",
                    &[],
                )?;
            }
            Ok(ImportOutcome::Imported)
        })
    }

    /// Stores a run as given (id, experiment, name, user, status, times, artifact URI, lifecycle
    /// stage), with its params, tags, whole metric history and dataset inputs, in one
    /// transaction. `AlreadyPresent` when the run id exists. The experiment must exist.
    pub fn import_run(&self, run: &ImportRun) -> Result<ImportOutcome> {
        let info = &run.info;
        let valid_id = !info.run_id.is_empty()
            && info.run_id.len() <= 64
            && info
                .run_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !valid_id {
            return Err(Error::invalid(format!("Invalid run ID '{}'", info.run_id)));
        }
        let exp_id = parse_experiment_id(&info.experiment_id)?;
        for (i, p) in run.params.iter().enumerate() {
            limits::validate_param(p, &format!("params[{i}]"))?;
        }
        for (i, t) in run.tags.iter().enumerate() {
            limits::validate_tag(t, &format!("tags[{i}]"))?;
        }
        for (i, m) in run.metrics.iter().enumerate() {
            limits::validate_metric(m, &format!("metrics[{i}]"))?;
        }
        for d in &run.dataset_inputs {
            validate_dataset_input(d)?;
        }
        self.write(|c| {
            match run_info(c, &info.run_id) {
                Ok(_) => return Ok(ImportOutcome::AlreadyPresent),
                Err(Error::NotFound(_)) => {}
                Err(e) => return Err(e),
            }
            crate::experiments::experiment_row(c, exp_id)?;
            c.execute(
                "INSERT INTO runs (run_uuid, experiment_id, name, user_id, status, start_time, \
                 end_time, artifact_uri, lifecycle_stage, deleted_time) VALUES ($1, $2, $3, $4, \
                 $5, $6, $7, $8, $9, $10)",
                &[
                    (&info.run_id).into(),
                    Value::Int(exp_id),
                    (&info.run_name).into(),
                    info.user_id.as_ref().into(),
                    info.status.as_str().into(),
                    info.start_time.into(),
                    info.end_time.into(),
                    (&info.artifact_uri).into(),
                    info.lifecycle_stage.as_str().into(),
                    info.deleted_time.into(),
                ],
            )?;
            // No rules on import (the `rules` module docs): it stays idempotent.
            write_batch(c, None, &info.run_id, &run.metrics, &run.params, &run.tags)?;
            write_inputs(c, &info.run_id, exp_id, &run.dataset_inputs, &[])?;
            Ok(ImportOutcome::Imported)
        })
    }
}
