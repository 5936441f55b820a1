//! Logged models (MLflow 3.x).

use crate::error::Result;
use crate::store::Store;
use crate::types::{
    LoggedModel, LoggedModelQuery, LoggedModelStatus, NewLoggedModel, Page, Param, Tag,
};

impl Store {
    /// Creates a logged model (status PENDING, id `m-<32 hex>`).
    pub fn create_logged_model(&self, new: &NewLoggedModel) -> Result<LoggedModel> {
        unimplemented!("{new:?}")
    }

    pub fn get_logged_model(&self, model_id: &str) -> Result<LoggedModel> {
        unimplemented!("{model_id}")
    }

    /// Sets the status (MLflow `FinalizeLoggedModel`).
    pub fn finalize_logged_model(
        &self,
        model_id: &str,
        status: LoggedModelStatus,
    ) -> Result<LoggedModel> {
        unimplemented!("{model_id}{status:?}")
    }

    pub fn set_logged_model_tags(&self, model_id: &str, tags: &[Tag]) -> Result<()> {
        unimplemented!("{model_id}{tags:?}")
    }

    pub fn delete_logged_model_tag(&self, model_id: &str, key: &str) -> Result<()> {
        unimplemented!("{model_id}{key}")
    }

    /// Params are write-once, as for runs.
    pub fn log_logged_model_params(&self, model_id: &str, params: &[Param]) -> Result<()> {
        unimplemented!("{model_id}{params:?}")
    }

    /// Soft delete.
    pub fn delete_logged_model(&self, model_id: &str) -> Result<()> {
        unimplemented!("{model_id}")
    }

    pub fn search_logged_models(&self, query: &LoggedModelQuery) -> Result<Page<LoggedModel>> {
        unimplemented!("{query:?}")
    }
}
