//! The registered-model endpoints (`registered-models/…`, aliases included).

use serde_json::Value;

use super::{Cx, empty, registry_query, version};
use crate::entities::{self, parse_tags};
use crate::error::ApiResult;
use crate::wire::Obj;

area! {
    /// `registered-models/…`.
    RegisteredModels {
        Create,
        Get,
        Rename,
        Update,
        Delete,
        Search,
        GetLatestVersions,
        SetTag,
        DeleteTag,
        SetAlias,
        DeleteAlias,
        GetAlias,
    }
}

/// Runs a registered-model endpoint.
pub(super) fn handle(cx: Cx<'_>, e: RegisteredModels) -> ApiResult<Value> {
    let Cx { store, f, .. } = cx;
    Ok(match e {
        RegisteredModels::Create => {
            let m = store.create_registered_model(
                &f.str("name")?,
                &parse_tags(&f, "tags")?,
                f.opt_str("description")?.as_deref(),
            )?;
            Obj::new()
                .v("registered_model", entities::registered_model(&m))
                .done()
        }
        RegisteredModels::Get => {
            let m = store.get_registered_model(&f.str("name")?)?;
            Obj::new()
                .v("registered_model", entities::registered_model(&m))
                .done()
        }
        RegisteredModels::Rename => {
            let m = store.rename_registered_model(&f.str("name")?, &f.str("new_name")?)?;
            Obj::new()
                .v("registered_model", entities::registered_model(&m))
                .done()
        }
        RegisteredModels::Update => {
            let m = store
                .update_registered_model(&f.str("name")?, f.opt_str("description")?.as_deref())?;
            Obj::new()
                .v("registered_model", entities::registered_model(&m))
                .done()
        }
        RegisteredModels::Delete => {
            store.delete_registered_model(&f.str("name")?)?;
            empty()
        }
        RegisteredModels::Search => {
            let page = store.search_registered_models(&registry_query(&f)?)?;
            Obj::new()
                .arr(
                    "registered_models",
                    page.items.iter().map(entities::registered_model).collect(),
                )
                .token(page.next_page_token)
                .done()
        }
        RegisteredModels::GetLatestVersions => {
            let vs = store.get_latest_versions(&f.str("name")?, &f.strs("stages")?)?;
            Obj::new()
                .arr(
                    "model_versions",
                    vs.iter().map(entities::model_version).collect(),
                )
                .done()
        }
        RegisteredModels::SetTag => {
            store.set_registered_model_tag(
                &f.str("name")?,
                &f.str("key")?,
                &f.str_allow_empty("value")?,
            )?;
            empty()
        }
        RegisteredModels::DeleteTag => {
            store.delete_registered_model_tag(&f.str("name")?, &f.str("key")?)?;
            empty()
        }
        RegisteredModels::SetAlias => {
            store.set_registered_model_alias(&f.str("name")?, &f.str("alias")?, version(&f)?)?;
            empty()
        }
        RegisteredModels::DeleteAlias => {
            store.delete_registered_model_alias(&f.str("name")?, &f.str("alias")?)?;
            empty()
        }
        RegisteredModels::GetAlias => {
            let v = store.get_model_version_by_alias(&f.str("name")?, &f.str("alias")?)?;
            Obj::new()
                .v("model_version", entities::model_version(&v))
                .done()
        }
    })
}
