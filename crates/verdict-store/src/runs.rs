//! Runs: create, get, update, soft delete/restore, params, tags, log_metric, log_batch, inputs,
//! outputs.

use crate::error::Result;
use crate::store::Store;
use crate::types::{
    DatasetInput, Metric, ModelOutput, NewRun, Param, Run, RunInfo, RunUpdate, Tag,
};

impl Store {
    /// Creates a run in an active experiment (status RUNNING) and returns it.
    pub fn create_run(&self, new: &NewRun) -> Result<Run> {
        unimplemented!("{new:?}")
    }

    /// The whole run (info, latest metrics, params, tags, inputs, outputs), active or deleted.
    pub fn get_run(&self, run_id: &str) -> Result<Run> {
        unimplemented!("{run_id}")
    }

    /// Changes status, end time and/or name; returns the new info.
    pub fn update_run(&self, run_id: &str, update: &RunUpdate) -> Result<RunInfo> {
        unimplemented!("{run_id}{update:?}")
    }

    /// Soft-deletes a run (lifecycle_stage `deleted`, `deleted_time` now).
    pub fn delete_run(&self, run_id: &str) -> Result<()> {
        unimplemented!("{run_id}")
    }

    /// Restores a soft-deleted run.
    pub fn restore_run(&self, run_id: &str) -> Result<()> {
        unimplemented!("{run_id}")
    }

    /// Logs a param. Params are write-once: the same value again is accepted, a different one is
    /// `INVALID_PARAMETER_VALUE`.
    pub fn log_param(&self, run_id: &str, key: &str, value: &str) -> Result<()> {
        unimplemented!("{run_id}{key}{value}")
    }

    /// Sets (inserts or replaces) a run tag. `mlflow.runName` also renames the run.
    pub fn set_tag(&self, run_id: &str, key: &str, value: &str) -> Result<()> {
        unimplemented!("{run_id}{key}{value}")
    }

    /// Deletes a run tag; `RESOURCE_DOES_NOT_EXIST` if it is not set.
    pub fn delete_tag(&self, run_id: &str, key: &str) -> Result<()> {
        unimplemented!("{run_id}{key}")
    }

    /// Appends one metric point and updates the latest value.
    pub fn log_metric(&self, run_id: &str, metric: &Metric) -> Result<()> {
        unimplemented!("{run_id}{metric:?}")
    }

    /// Metrics, params and tags in one transaction: all stored or nothing. MLflow's limits.
    pub fn log_batch(
        &self,
        run_id: &str,
        metrics: &[Metric],
        params: &[Param],
        tags: &[Tag],
    ) -> Result<()> {
        unimplemented!("{run_id}{metrics:?}{params:?}{tags:?}")
    }

    /// Records datasets (created per experiment on first use) and logged models as run inputs.
    pub fn log_inputs(
        &self,
        run_id: &str,
        datasets: &[DatasetInput],
        model_ids: &[String],
    ) -> Result<()> {
        unimplemented!("{run_id}{datasets:?}{model_ids:?}")
    }

    /// Records logged models as outputs of the run.
    pub fn log_outputs(&self, run_id: &str, models: &[ModelOutput]) -> Result<()> {
        unimplemented!("{run_id}{models:?}")
    }
}
