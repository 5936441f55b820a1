//! Experiments: create, get, search, rename, soft delete/restore, tags.

use crate::error::Result;
use crate::store::Store;
use crate::types::{Experiment, ExperimentQuery, Page, Tag};

impl Store {
    /// Creates an experiment and returns its id. `artifact_location` `None` means
    /// `<default_artifact_root>/<id>`. Fails with `RESOURCE_ALREADY_EXISTS` if the name is taken
    /// (by an active or a deleted experiment, as in MLflow).
    pub fn create_experiment(
        &self,
        name: &str,
        artifact_location: Option<&str>,
        tags: &[Tag],
    ) -> Result<String> {
        unimplemented!("{name}{artifact_location:?}{tags:?}")
    }

    /// The experiment with this id (active or deleted).
    pub fn get_experiment(&self, experiment_id: &str) -> Result<Experiment> {
        unimplemented!("{experiment_id}")
    }

    /// The experiment with this name (active or deleted); `RESOURCE_DOES_NOT_EXIST` if none.
    pub fn get_experiment_by_name(&self, name: &str) -> Result<Experiment> {
        unimplemented!("{name}")
    }

    /// MLflow `SearchExperiments`.
    pub fn search_experiments(&self, query: &ExperimentQuery) -> Result<Page<Experiment>> {
        unimplemented!("{query:?}")
    }

    /// Renames an experiment (MLflow `UpdateExperiment`).
    pub fn rename_experiment(&self, experiment_id: &str, new_name: &str) -> Result<()> {
        unimplemented!("{experiment_id}{new_name}")
    }

    /// Soft-deletes an experiment and its runs. The Default experiment cannot be deleted.
    pub fn delete_experiment(&self, experiment_id: &str) -> Result<()> {
        unimplemented!("{experiment_id}")
    }

    /// Restores a deleted experiment and the runs deleted with it.
    pub fn restore_experiment(&self, experiment_id: &str) -> Result<()> {
        unimplemented!("{experiment_id}")
    }

    /// Sets (inserts or replaces) an experiment tag.
    pub fn set_experiment_tag(&self, experiment_id: &str, key: &str, value: &str) -> Result<()> {
        unimplemented!("{experiment_id}{key}{value}")
    }

    /// Deletes an experiment tag; `RESOURCE_DOES_NOT_EXIST` if it is not set.
    pub fn delete_experiment_tag(&self, experiment_id: &str, key: &str) -> Result<()> {
        unimplemented!("{experiment_id}{key}")
    }
}
