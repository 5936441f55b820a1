//! A run's artifact listing (`artifacts/list`; the mlflow-artifacts proxy is `crate::artifacts`).

use serde_json::Value;

use super::{Cx, list_under};
use crate::error::ApiResult;

area! {
    /// `artifacts/…` (the listing; downloads and uploads go through the proxy).
    Artifacts {
        List,
    }
}

/// Runs an artifact-listing endpoint.
pub(super) fn handle(cx: Cx<'_>, e: Artifacts) -> ApiResult<Value> {
    let Cx { store, arts, f, .. } = cx;
    Ok(match e {
        Artifacts::List => {
            // handlers.list_artifacts_impl: MLflow checks the path before it looks the run up.
            let dir = match f.opt_str("path")? {
                Some(p) => crate::validate::safe_path(&p)?,
                None => String::new(),
            };
            let run = store.get_run(&f.run_id()?)?;
            list_under(arts, &run.info.artifact_uri, &dir)?
        }
    })
}
