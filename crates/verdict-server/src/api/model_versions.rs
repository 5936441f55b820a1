//! The model-version endpoints (`model-versions/…`).

use serde_json::Value;
use verdict_store::NewModelVersion;

use super::{Cx, empty, found, registry_query, version};
use crate::entities::{self, parse_tags};
use crate::error::ApiResult;
use crate::validate::{Check, schema};
use crate::wire::Obj;

area! {
    /// `model-versions/…`.
    ModelVersions {
        Create,
        Get,
        Update,
        Delete,
        Search,
        GetDownloadUri,
        TransitionStage,
        SetTag,
        DeleteTag,
    }
}

/// `handlers._create_model_version`'s schema.
const CREATE_MODEL_VERSION_SCHEMA: &[(&str, &[Check])] = &[
    ("name", &[Check::Str, Check::Required]),
    ("source", &[Check::Str, Check::Required]),
    ("run_id", &[Check::Str]),
    ("tags", &[Check::Array]),
    ("run_link", &[Check::Str]),
    ("description", &[Check::Str]),
    ("model_id", &[Check::Str]),
];

/// Runs a model-version endpoint.
pub(super) fn handle(cx: Cx<'_>, e: ModelVersions) -> ApiResult<Value> {
    let Cx { store, f, .. } = cx;
    Ok(match e {
        ModelVersions::Create => {
            schema(&f, CREATE_MODEL_VERSION_SCHEMA)?;
            let source = f.str("source")?;
            let run_id = f.opt_str("run_id")?.filter(|s| !s.is_empty());
            let model_id = f.opt_str("model_id")?.filter(|s| !s.is_empty());
            crate::validate::model_version_source(
                &source,
                run_id.as_deref(),
                model_id.as_deref(),
                &crate::validate::SourceOwners {
                    run_artifact_uri: &|id| {
                        found(store.get_run(id).map(|r| r.info.artifact_uri.clone()))
                    },
                    model_artifact_location: &|id| {
                        found(
                            store
                                .get_logged_model(id)
                                .map(|m| m.artifact_location.clone()),
                        )
                    },
                },
            )?;
            let v = store.create_model_version(&NewModelVersion {
                name: f.str("name")?,
                source,
                run_id,
                // MLflow stores the proto defaults: a version created without them has
                // `"description": ""` and `"run_link": ""`.
                run_link: Some(f.opt_str("run_link")?.unwrap_or_default()),
                description: Some(f.opt_str("description")?.unwrap_or_default()),
                model_id,
                user_id: None,
                tags: parse_tags(&f, "tags")?,
            })?;
            Obj::new()
                .v("model_version", entities::model_version(&v))
                .done()
        }
        ModelVersions::Get => {
            let v = store.get_model_version(&f.str("name")?, version(&f)?)?;
            Obj::new()
                .v("model_version", entities::model_version(&v))
                .done()
        }
        ModelVersions::Update => {
            let v = store.update_model_version(
                &f.str("name")?,
                version(&f)?,
                f.opt_str("description")?.as_deref(),
            )?;
            Obj::new()
                .v("model_version", entities::model_version(&v))
                .done()
        }
        ModelVersions::Delete => {
            store.delete_model_version(&f.str("name")?, version(&f)?)?;
            empty()
        }
        ModelVersions::Search => {
            let page = store.search_model_versions(&registry_query(&f)?)?;
            Obj::new()
                .arr(
                    "model_versions",
                    page.items.iter().map(entities::model_version).collect(),
                )
                .token(page.next_page_token)
                .done()
        }
        ModelVersions::GetDownloadUri => {
            let uri = store.get_model_version_download_uri(&f.str("name")?, version(&f)?)?;
            Obj::new().s("artifact_uri", &uri).done()
        }
        ModelVersions::TransitionStage => {
            let v = store.transition_model_version_stage(
                &f.str("name")?,
                version(&f)?,
                &f.str("stage")?,
                f.opt_bool("archive_existing_versions")?.unwrap_or(false),
            )?;
            Obj::new()
                .v("model_version", entities::model_version(&v))
                .done()
        }
        ModelVersions::SetTag => {
            store.set_model_version_tag(
                &f.str("name")?,
                version(&f)?,
                &f.str("key")?,
                &f.str_allow_empty("value")?,
            )?;
            empty()
        }
        ModelVersions::DeleteTag => {
            store.delete_model_version_tag(&f.str("name")?, version(&f)?, &f.str("key")?)?;
            empty()
        }
    })
}
