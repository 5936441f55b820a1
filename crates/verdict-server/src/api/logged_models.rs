//! The logged-model endpoints (`logged-models`, `logged-models/search`, `logged-models/{id}…`).

use serde_json::Value;
use verdict_store::{LoggedModelQuery, LoggedModelStatus, NewLoggedModel};

use super::{Cx, empty, list_under};
use crate::entities::{self, parse_params, parse_tags};
use crate::error::{ApiError, ApiResult};
use crate::wire::Obj;

area! {
    /// `logged-models…` (most with the model id in the path).
    LoggedModels {
        Create,
        Search,
        Get,
        Finalize,
        Delete,
        SetTags,
        DeleteTag,
        LogParams,
        ListArtifacts,
    }
}

/// Runs a logged-model endpoint.
pub(super) fn handle(cx: Cx<'_>, e: LoggedModels) -> ApiResult<Value> {
    let Cx {
        store,
        arts,
        f,
        route,
    } = cx;
    let id = || route.id.clone().unwrap_or_default();
    Ok(match e {
        LoggedModels::Create => {
            let m = store.create_logged_model(&NewLoggedModel {
                experiment_id: f.str("experiment_id")?,
                name: f.opt_str("name")?.filter(|s| !s.is_empty()),
                // MLflow stores the proto defaults: `""` when not sent (and filters see it).
                model_type: Some(f.opt_str("model_type")?.unwrap_or_default()),
                source_run_id: Some(f.opt_str("source_run_id")?.unwrap_or_default()),
                params: parse_params(&f, "params")?,
                tags: parse_tags(&f, "tags")?,
            })?;
            Obj::new().v("model", entities::logged_model(&m)).done()
        }
        LoggedModels::Get => {
            let m = store.get_logged_model(&id())?;
            Obj::new().v("model", entities::logged_model(&m)).done()
        }
        LoggedModels::Finalize => {
            let s = f.str("status")?;
            let status = match s.as_str() {
                "1" => Some(LoggedModelStatus::Pending),
                "2" => Some(LoggedModelStatus::Ready),
                "3" => Some(LoggedModelStatus::UploadFailed),
                other => LoggedModelStatus::parse(other),
            }
            .ok_or_else(|| ApiError::invalid(format!("Invalid logged model status {s:?}")))?;
            let m = store.finalize_logged_model(&id(), status)?;
            Obj::new().v("model", entities::logged_model(&m)).done()
        }
        LoggedModels::Delete => {
            store.delete_logged_model(&id())?;
            empty()
        }
        LoggedModels::SetTags => {
            store.set_logged_model_tags(&id(), &parse_tags(&f, "tags")?)?;
            empty()
        }
        LoggedModels::DeleteTag => {
            store.delete_logged_model_tag(&id(), route.key.as_deref().unwrap_or_default())?;
            empty()
        }
        LoggedModels::LogParams => {
            store.log_logged_model_params(&id(), &parse_params(&f, "params")?)?;
            empty()
        }
        LoggedModels::ListArtifacts => {
            let dir = match f.opt_str("artifact_directory_path")? {
                Some(p) => crate::validate::safe_path(&p)?,
                None => String::new(),
            };
            let m = store.get_logged_model(&id())?;
            list_under(arts, &m.artifact_location, &dir)?
        }
        LoggedModels::Search => {
            // order_by is a list of {field_name, ascending, dataset_name, dataset_digest}; the
            // store takes MLflow's text form and the datasets beside it.
            let mut order_by = Vec::new();
            let mut order_datasets = Vec::new();
            for o in f.objs("order_by")? {
                let field = o.str("field_name")?;
                let asc = o.opt_bool("ascending")?.unwrap_or(true);
                order_by.push(format!("{field} {}", if asc { "ASC" } else { "DESC" }));
                order_datasets.push((o.opt_str("dataset_name")?, o.opt_str("dataset_digest")?));
            }
            let datasets = f
                .objs("datasets")?
                .iter()
                .map(|d| {
                    Ok(verdict_store::DatasetFilter {
                        dataset_name: d.str("dataset_name")?,
                        dataset_digest: d.opt_str("dataset_digest")?.filter(|s| !s.is_empty()),
                    })
                })
                .collect::<ApiResult<Vec<_>>>()?;
            let page = store.search_logged_models(&LoggedModelQuery {
                experiment_ids: f.strs("experiment_ids")?,
                filter: f.opt_str("filter")?.unwrap_or_default(),
                order_by,
                max_results: f.opt_i64("max_results")?.unwrap_or(0),
                page_token: f.opt_str("page_token")?.filter(|s| !s.is_empty()),
                datasets,
                order_datasets,
            })?;
            Obj::new()
                .arr(
                    "models",
                    page.items.iter().map(entities::logged_model).collect(),
                )
                .token(page.next_page_token)
                .done()
        }
    })
}
