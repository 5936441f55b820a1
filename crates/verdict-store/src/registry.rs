//! The model registry: registered models, versions, tags, aliases.

use crate::error::Result;
use crate::store::Store;
use crate::types::{ModelVersion, NewModelVersion, Page, RegisteredModel, RegistryQuery, Tag};

impl Store {
    pub fn create_registered_model(
        &self,
        name: &str,
        tags: &[Tag],
        description: Option<&str>,
    ) -> Result<RegisteredModel> {
        unimplemented!("{name}{tags:?}{description:?}")
    }

    pub fn get_registered_model(&self, name: &str) -> Result<RegisteredModel> {
        unimplemented!("{name}")
    }

    pub fn rename_registered_model(&self, name: &str, new_name: &str) -> Result<RegisteredModel> {
        unimplemented!("{name}{new_name}")
    }

    pub fn update_registered_model(
        &self,
        name: &str,
        description: Option<&str>,
    ) -> Result<RegisteredModel> {
        unimplemented!("{name}{description:?}")
    }

    /// Deletes the model with its versions, tags and aliases.
    pub fn delete_registered_model(&self, name: &str) -> Result<()> {
        unimplemented!("{name}")
    }

    pub fn search_registered_models(&self, query: &RegistryQuery) -> Result<Page<RegisteredModel>> {
        unimplemented!("{query:?}")
    }

    pub fn set_registered_model_tag(&self, name: &str, key: &str, value: &str) -> Result<()> {
        unimplemented!("{name}{key}{value}")
    }

    pub fn delete_registered_model_tag(&self, name: &str, key: &str) -> Result<()> {
        unimplemented!("{name}{key}")
    }

    /// The newest version per stage (all stages when `stages` is empty).
    pub fn get_latest_versions(&self, name: &str, stages: &[String]) -> Result<Vec<ModelVersion>> {
        unimplemented!("{name}{stages:?}")
    }

    /// Creates version `last + 1` (status READY).
    pub fn create_model_version(&self, new: &NewModelVersion) -> Result<ModelVersion> {
        unimplemented!("{new:?}")
    }

    pub fn get_model_version(&self, name: &str, version: i64) -> Result<ModelVersion> {
        unimplemented!("{name}{version}")
    }

    pub fn update_model_version(
        &self,
        name: &str,
        version: i64,
        description: Option<&str>,
    ) -> Result<ModelVersion> {
        unimplemented!("{name}{version}{description:?}")
    }

    /// MLflow's deprecated stages: `None`, `Staging`, `Production`, `Archived`.
    pub fn transition_model_version_stage(
        &self,
        name: &str,
        version: i64,
        stage: &str,
        archive_existing_versions: bool,
    ) -> Result<ModelVersion> {
        unimplemented!("{name}{version}{stage}{archive_existing_versions}")
    }

    /// Deletes a version (its number is never reused) with its tags and aliases.
    pub fn delete_model_version(&self, name: &str, version: i64) -> Result<()> {
        unimplemented!("{name}{version}")
    }

    pub fn search_model_versions(&self, query: &RegistryQuery) -> Result<Page<ModelVersion>> {
        unimplemented!("{query:?}")
    }

    pub fn set_model_version_tag(
        &self,
        name: &str,
        version: i64,
        key: &str,
        value: &str,
    ) -> Result<()> {
        unimplemented!("{name}{version}{key}{value}")
    }

    pub fn delete_model_version_tag(&self, name: &str, version: i64, key: &str) -> Result<()> {
        unimplemented!("{name}{version}{key}")
    }

    /// Points `alias` at `version` (moving it if it pointed elsewhere).
    pub fn set_registered_model_alias(&self, name: &str, alias: &str, version: i64) -> Result<()> {
        unimplemented!("{name}{alias}{version}")
    }

    pub fn delete_registered_model_alias(&self, name: &str, alias: &str) -> Result<()> {
        unimplemented!("{name}{alias}")
    }

    pub fn get_model_version_by_alias(&self, name: &str, alias: &str) -> Result<ModelVersion> {
        unimplemented!("{name}{alias}")
    }

    /// Where the version's files are (its `source`, or the logged model's artifact location).
    pub fn get_model_version_download_uri(&self, name: &str, version: i64) -> Result<String> {
        unimplemented!("{name}{version}")
    }
}
