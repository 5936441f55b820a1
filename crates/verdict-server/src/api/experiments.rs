//! The experiment endpoints (`experiments/…`).

use serde_json::Value;
use verdict_store::ExperimentQuery;

use super::{Cx, empty, view_type};
use crate::entities;
use crate::error::{ApiError, ApiResult};
use crate::validate::{Check, schema};
use crate::wire::Obj;

area! {
    /// `experiments/…`.
    Experiments {
        GetByName,
        Create,
        Get,
        Search,
        Update,
        Delete,
        Restore,
        SetTag,
        DeleteTag,
        SearchDatasets,
    }
}

/// `handlers._create_experiment`'s schema.
const CREATE_EXPERIMENT_SCHEMA: &[(&str, &[Check])] = &[
    ("name", &[Check::Required, Check::Str]),
    ("artifact_location", &[Check::Str]),
    ("tags", &[Check::Array]),
];

/// Runs an experiment endpoint.
pub(super) fn handle(cx: Cx<'_>, e: Experiments) -> ApiResult<Value> {
    let Cx { store, f, .. } = cx;
    Ok(match e {
        Experiments::GetByName => {
            let e = store.get_experiment_by_name(&f.str("experiment_name")?)?;
            Obj::new().v("experiment", entities::experiment(&e)).done()
        }
        Experiments::Create => {
            // handlers._create_experiment: the schema, the custom-view count, the location's
            // checks; then the store's (name length, tag names and lengths). A tag's absent key
            // or value is "" (proto3's default), as in MLflow: the store refuses an empty key.
            schema(&f, CREATE_EXPERIMENT_SCHEMA)?;
            let name = f.str("name")?;
            let tags = f
                .objs("tags")?
                .iter()
                .map(|t| {
                    let key = t.opt_str("key")?.unwrap_or_default();
                    Ok(verdict_store::Tag::new(
                        key,
                        t.opt_str("value")?.unwrap_or_default(),
                    ))
                })
                .collect::<ApiResult<Vec<_>>>()?;
            crate::validate::custom_view_count(tags.iter().map(|t| t.key.as_str()))?;
            let loc = f.opt_str("artifact_location")?.filter(|s| !s.is_empty());
            if let Some(loc) = &loc {
                crate::validate::artifact_location(loc, "artifact_location")?;
            }
            // A relative local location is made absolute against the working directory, as
            // MLflow's store does (crate::locations).
            let loc = match loc {
                Some(l) => {
                    let cwd = std::env::current_dir().map_err(|e| {
                        ApiError::internal(format!("cannot read the working directory: {e}"))
                    })?;
                    Some(crate::locations::resolve_if_local(&l, &cwd))
                }
                None => None,
            };
            let id = store.create_experiment(&name, loc.as_deref(), &tags)?;
            Obj::new().s("experiment_id", &id).done()
        }
        Experiments::Get => {
            let e = store.get_experiment(&f.str("experiment_id")?)?;
            Obj::new().v("experiment", entities::experiment(&e)).done()
        }
        Experiments::Search => {
            let page = store.search_experiments(&ExperimentQuery {
                filter: f.opt_str("filter")?.unwrap_or_default(),
                order_by: f.strs("order_by")?,
                max_results: f.opt_i64("max_results")?.unwrap_or(0),
                page_token: f.opt_str("page_token")?.filter(|s| !s.is_empty()),
                view: view_type(&f, "view_type")?,
            })?;
            Obj::new()
                .arr(
                    "experiments",
                    page.items.iter().map(entities::experiment).collect(),
                )
                .token(page.next_page_token)
                .done()
        }
        Experiments::Update => {
            let exp = f.str("experiment_id")?;
            if let Some(new_name) = f.opt_str("new_name")?.filter(|s| !s.is_empty()) {
                store.rename_experiment(&exp, &new_name)?;
            } else {
                store.get_experiment(&exp)?;
            }
            empty()
        }
        Experiments::Delete => {
            store.delete_experiment(&f.str("experiment_id")?)?;
            empty()
        }
        Experiments::Restore => {
            store.restore_experiment(&f.str("experiment_id")?)?;
            empty()
        }
        Experiments::SetTag => {
            store.set_experiment_tag(
                &f.str("experiment_id")?,
                &f.str("key")?,
                &f.str_allow_empty("value")?,
            )?;
            empty()
        }
        Experiments::DeleteTag => {
            store.delete_experiment_tag(&f.str("experiment_id")?, &f.str("key")?)?;
            empty()
        }
        Experiments::SearchDatasets => {
            // handlers.search_datasets_impl: a value that is not a list of strings fails
            // MLflow's protobuf parse and leaves the request without ids.
            let ids: Vec<String> = match f.0.get("experiment_ids") {
                Some(serde_json::Value::Array(a)) if a.iter().all(|v| v.is_string()) => a
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect(),
                _ => Vec::new(),
            };
            if ids.is_empty() {
                return Err(ApiError::invalid(
                    "SearchDatasets request must specify at least one experiment_id.",
                ));
            }
            let found = store.search_datasets(&ids)?;
            Obj::new()
                .arr(
                    "dataset_summaries",
                    found
                        .iter()
                        .map(|d| {
                            Obj::new()
                                .s("experiment_id", &d.experiment_id)
                                .s("name", &d.name)
                                .s("digest", &d.digest)
                                .os("context", d.context.as_deref())
                                .done()
                        })
                        .collect(),
                )
                .done()
        }
    })
}
