//! The MLflow REST endpoints under `/api/2.0/mlflow/` (and the UI's `/ajax-api/2.0/mlflow/`
//! mirror): [`ENDPOINTS`] lists them, [`route`] finds the [`Endpoint`] for a method and path,
//! [`handle`] runs it.
//!
//! Why a table and not one axum route per endpoint: the same ~60 endpoints answer under two
//! prefixes, a known path with the wrong method must be `ENDPOINT_NOT_FOUND` like an unknown one,
//! and the endpoint must be known before the body is read (its size limit and whether a
//! JSON content type is required depend on it).
//!
//! An endpoint is one [`Endpoint`] variant (an area and the operation in it), one line of
//! [`ENDPOINTS`] (methods, path, variant) and its arm in its area's handler (`api/<area>.rs`).
//! What the compiler checks: [`handle`] is an exhaustive `match` over the areas and each area's
//! handler an exhaustive `match` over its operations (no catch-all arm), so a variant without a
//! handler does not build, and no endpoint name is a string. What a unit test checks: every
//! line of the table routes to its own variant (no line shadowed by another) and every variant
//! has a line, so the table and the enum cannot drift.
//!
//! [`handle`] is synchronous: the request runs on a blocking thread (`spawn_blocking` in
//! `lib.rs`), calls the store — one store call per request on the hot paths: log-batch is one
//! transaction, a search is one page query plus one hydration query per child table — and builds
//! the JSON answer there too, so a 100,000-point history is never serialised on an async worker.
//!
//! Not served (404 `ENDPOINT_NOT_FOUND`, which the client tolerates where it matters): traces,
//! assessments, prompts, webhooks, gateway, workspaces and the other GenAI RPCs of MLflow 3.x; the
//! 2.x `runs/log-model`; multipart artifact uploads (server-info advertises them as off).
//! `artifacts/list` answers one page.

use axum::http::Method;
use serde_json::Value;
use verdict_store::artifacts::ArtifactRepo;
use verdict_store::{RegistryQuery, Store, ViewType};

use crate::error::{ApiError, ApiResult};
use crate::wire::{Fields, Obj, Req};

/// An area's operations as a fieldless enum with `ALL`, every variant in declaration order
/// (what the registry test walks).
macro_rules! area {
    ($(#[$m:meta])* $name:ident { $($v:ident,)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name {
            $(#[allow(missing_docs)] $v,)*
        }

        impl $name {
            /// Every operation, in declaration order.
            pub const ALL: &[$name] = &[$($name::$v,)*];
        }
    };
}

mod experiments;
mod listing;
mod logged_models;
mod metrics;
mod model_versions;
mod registered_models;
mod rules;
mod runs;

pub use experiments::Experiments;
pub use listing::Artifacts;
pub use logged_models::LoggedModels;
pub use metrics::Metrics;
pub use model_versions::ModelVersions;
pub use registered_models::RegisteredModels;
pub use rules::Rules;
pub use runs::Runs;

/// An MLflow endpoint: its area (one handler function each) and the operation in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// `experiments/…`.
    Experiments(Experiments),
    /// `runs/…`.
    Runs(Runs),
    /// `metrics/…`.
    Metrics(Metrics),
    /// `artifacts/list`.
    Artifacts(Artifacts),
    /// `logged-models…`.
    LoggedModels(LoggedModels),
    /// `registered-models/…`.
    RegisteredModels(RegisteredModels),
    /// `model-versions/…`.
    ModelVersions(ModelVersions),
    /// Verdict's `rules/…`, under `/api/2.0/verdict/` only.
    Rules(Rules),
}

impl Endpoint {
    /// Every endpoint: each area's operations in declaration order.
    pub fn all() -> Vec<Endpoint> {
        // An area added to the enum fails to compile here until it is listed below too.
        let _listed_below = |e: Endpoint| match e {
            Endpoint::Experiments(_)
            | Endpoint::Runs(_)
            | Endpoint::Metrics(_)
            | Endpoint::Artifacts(_)
            | Endpoint::LoggedModels(_)
            | Endpoint::RegisteredModels(_)
            | Endpoint::ModelVersions(_)
            | Endpoint::Rules(_) => {}
        };
        let mut all = Vec::new();
        all.extend(Experiments::ALL.iter().map(|&o| Endpoint::Experiments(o)));
        all.extend(Runs::ALL.iter().map(|&o| Endpoint::Runs(o)));
        all.extend(Metrics::ALL.iter().map(|&o| Endpoint::Metrics(o)));
        all.extend(Artifacts::ALL.iter().map(|&o| Endpoint::Artifacts(o)));
        all.extend(LoggedModels::ALL.iter().map(|&o| Endpoint::LoggedModels(o)));
        all.extend(
            RegisteredModels::ALL
                .iter()
                .map(|&o| Endpoint::RegisteredModels(o)),
        );
        all.extend(
            ModelVersions::ALL
                .iter()
                .map(|&o| Endpoint::ModelVersions(o)),
        );
        all.extend(Rules::ALL.iter().map(|&o| Endpoint::Rules(o)));
        all
    }

    /// Whether the endpoint is Verdict's own, served under `/api/2.0/verdict/` instead of
    /// MLflow's prefixes.
    pub fn is_verdict(self) -> bool {
        matches!(self, Endpoint::Rules(_))
    }
}

const GET: &[&str] = &["GET"];
const POST: &[&str] = &["POST"];
const PATCH: &[&str] = &["PATCH"];
const DELETE: &[&str] = &["DELETE"];
const GET_POST: &[&str] = &["GET", "POST"];

use Endpoint as E;
use Experiments as Ex;
use LoggedModels as Lm;
use ModelVersions as Mv;
use RegisteredModels as Rm;

/// Every endpoint, one line each: the methods it answers, its path after `/api/2.0/mlflow/`
/// and its variant. A path segment `{id}` is one non-empty segment, a last `{key}` the
/// non-empty rest (slashes included); both are percent-decoded into [`Route`]. Paths without
/// parameters are matched first, so `POST logged-models/search` is the search and
/// `GET logged-models/search` the logged model with id `search`, as in MLflow. (Not
/// formatted, so that an entry stays one line.)
#[rustfmt::skip]
pub const ENDPOINTS: &[(&[&str], &str, Endpoint)] = &[
    // experiments
    (GET, "experiments/get-by-name", E::Experiments(Ex::GetByName)),
    (POST, "experiments/create", E::Experiments(Ex::Create)),
    (GET, "experiments/get", E::Experiments(Ex::Get)),
    (GET_POST, "experiments/search", E::Experiments(Ex::Search)),
    (POST, "experiments/update", E::Experiments(Ex::Update)),
    (POST, "experiments/delete", E::Experiments(Ex::Delete)),
    (POST, "experiments/restore", E::Experiments(Ex::Restore)),
    (POST, "experiments/set-experiment-tag", E::Experiments(Ex::SetTag)),
    (POST, "experiments/delete-experiment-tag", E::Experiments(Ex::DeleteTag)),
    (POST, "experiments/search-datasets", E::Experiments(Ex::SearchDatasets)),
    // runs
    (POST, "runs/create", E::Runs(Runs::Create)),
    (POST, "runs/update", E::Runs(Runs::Update)),
    (GET, "runs/get", E::Runs(Runs::Get)),
    (POST, "runs/delete", E::Runs(Runs::Delete)),
    (POST, "runs/restore", E::Runs(Runs::Restore)),
    (POST, "runs/log-parameter", E::Runs(Runs::LogParameter)),
    (POST, "runs/log-metric", E::Runs(Runs::LogMetric)),
    (POST, "runs/log-batch", E::Runs(Runs::LogBatch)),
    (POST, "runs/set-tag", E::Runs(Runs::SetTag)),
    (POST, "runs/delete-tag", E::Runs(Runs::DeleteTag)),
    (POST, "runs/log-inputs", E::Runs(Runs::LogInputs)),
    (POST, "runs/outputs", E::Runs(Runs::Outputs)),
    (GET_POST, "runs/search", E::Runs(Runs::Search)),
    // metrics
    (GET, "metrics/get-history", E::Metrics(Metrics::GetHistory)),
    (GET, "metrics/get-history-bulk-interval", E::Metrics(Metrics::GetHistoryBulkInterval)),
    (GET, "metrics/get-history-bulk", E::Metrics(Metrics::GetHistoryBulk)),
    // artifacts
    (GET, "artifacts/list", E::Artifacts(Artifacts::List)),
    // logged models
    (POST, "logged-models", E::LoggedModels(Lm::Create)),
    (POST, "logged-models/search", E::LoggedModels(Lm::Search)),
    (GET, "logged-models/{id}", E::LoggedModels(Lm::Get)),
    (PATCH, "logged-models/{id}", E::LoggedModels(Lm::Finalize)),
    (DELETE, "logged-models/{id}", E::LoggedModels(Lm::Delete)),
    (PATCH, "logged-models/{id}/tags", E::LoggedModels(Lm::SetTags)),
    (DELETE, "logged-models/{id}/tags/{key}", E::LoggedModels(Lm::DeleteTag)),
    (POST, "logged-models/{id}/params", E::LoggedModels(Lm::LogParams)),
    (GET, "logged-models/{id}/artifacts/directories", E::LoggedModels(Lm::ListArtifacts)),
    // registered models
    (POST, "registered-models/create", E::RegisteredModels(Rm::Create)),
    (GET, "registered-models/get", E::RegisteredModels(Rm::Get)),
    (POST, "registered-models/rename", E::RegisteredModels(Rm::Rename)),
    (PATCH, "registered-models/update", E::RegisteredModels(Rm::Update)),
    (DELETE, "registered-models/delete", E::RegisteredModels(Rm::Delete)),
    (GET, "registered-models/search", E::RegisteredModels(Rm::Search)),
    (GET_POST, "registered-models/get-latest-versions", E::RegisteredModels(Rm::GetLatestVersions)),
    (POST, "registered-models/set-tag", E::RegisteredModels(Rm::SetTag)),
    (DELETE, "registered-models/delete-tag", E::RegisteredModels(Rm::DeleteTag)),
    (POST, "registered-models/alias", E::RegisteredModels(Rm::SetAlias)),
    (DELETE, "registered-models/alias", E::RegisteredModels(Rm::DeleteAlias)),
    (GET, "registered-models/alias", E::RegisteredModels(Rm::GetAlias)),
    // model versions
    (POST, "model-versions/create", E::ModelVersions(Mv::Create)),
    (GET, "model-versions/get", E::ModelVersions(Mv::Get)),
    (PATCH, "model-versions/update", E::ModelVersions(Mv::Update)),
    (DELETE, "model-versions/delete", E::ModelVersions(Mv::Delete)),
    (GET, "model-versions/search", E::ModelVersions(Mv::Search)),
    (GET, "model-versions/get-download-uri", E::ModelVersions(Mv::GetDownloadUri)),
    (POST, "model-versions/transition-stage", E::ModelVersions(Mv::TransitionStage)),
    (POST, "model-versions/set-tag", E::ModelVersions(Mv::SetTag)),
    (DELETE, "model-versions/delete-tag", E::ModelVersions(Mv::DeleteTag)),
    // Verdict's own, after /api/2.0/verdict/ (Endpoint::is_verdict)
    (GET, "rules/decisions", E::Rules(Rules::Decisions)),
    (GET, "rules/list", E::Rules(Rules::List)),
];

/// A routed endpoint and the path parameters of the logged-model endpoints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// The endpoint.
    pub endpoint: Endpoint,
    /// `{id}` of the path, percent-decoded.
    pub id: Option<String>,
    /// `{key}` of the path, percent-decoded.
    pub key: Option<String>,
}

impl Route {
    /// log-batch keeps MLflow's 1 MB limit whatever the configured JSON limit is.
    pub fn is_log_batch(&self) -> bool {
        self.endpoint == Endpoint::Runs(Runs::LogBatch)
    }
}

/// The endpoint for `method` and `rest` (the path after `/api/2.0/mlflow/`): the first line
/// of [`ENDPOINTS`] without parameters whose path is `rest`, else the first with parameters
/// that matches.
pub fn route(method: &Method, rest: &str) -> Option<Route> {
    route_in(false, method, rest)
}

/// [`route`] among Verdict's own endpoints (`verdict`: the path after `/api/2.0/verdict/`) or
/// MLflow's.
pub fn route_in(verdict: bool, method: &Method, rest: &str) -> Option<Route> {
    let m = method.as_str();
    let answers =
        |methods: &[&str], e: &Endpoint| methods.contains(&m) && e.is_verdict() == verdict;
    let plain = ENDPOINTS
        .iter()
        .find(|(methods, path, e)| !path.contains('{') && *path == rest && answers(methods, e));
    if let Some(&(_, _, endpoint)) = plain {
        return Some(Route {
            endpoint,
            id: None,
            key: None,
        });
    }
    ENDPOINTS
        .iter()
        .filter(|(methods, path, e)| path.contains('{') && answers(methods, e))
        .find_map(|&(_, path, endpoint)| match_params(path, rest, endpoint))
}

/// `rest` against a path with `{id}` / `{key}` segments.
fn match_params(pattern: &str, rest: &str, endpoint: Endpoint) -> Option<Route> {
    let mut route = Route {
        endpoint,
        id: None,
        key: None,
    };
    let mut left = rest;
    let mut parts = pattern.split('/').peekable();
    while let Some(part) = parts.next() {
        let last = parts.peek().is_none();
        let (segment, after) = match left.split_once('/') {
            Some((s, a)) => (s, Some(a)),
            None => (left, None),
        };
        match part {
            "{key}" if last => {
                if left.is_empty() {
                    return None;
                }
                route.key = Some(percent_decode(left));
                return Some(route);
            }
            "{id}" => {
                if segment.is_empty() {
                    return None;
                }
                route.id = Some(percent_decode(segment));
            }
            literal if literal == segment => {}
            _ => return None,
        }
        match (last, after) {
            (true, None) => return Some(route),
            (false, Some(a)) => left = a,
            _ => return None,
        }
    }
    None
}

/// What a handler reads: the store, the artifact root, the request's fields and its route.
#[derive(Clone, Copy)]
struct Cx<'a> {
    store: &'a Store,
    arts: &'a ArtifactRepo,
    f: Fields<'a>,
    route: &'a Route,
}

/// Runs one endpoint against the store and returns the JSON answer.
pub fn handle(store: &Store, arts: &ArtifactRepo, route: &Route, req: &Req) -> ApiResult<Value> {
    let cx = Cx {
        store,
        arts,
        f: req.obj(),
        route,
    };
    match route.endpoint {
        Endpoint::Experiments(e) => experiments::handle(cx, e),
        Endpoint::Runs(e) => runs::handle(cx, e),
        Endpoint::Metrics(e) => metrics::handle(cx, e),
        Endpoint::Artifacts(e) => listing::handle(cx, e),
        Endpoint::LoggedModels(e) => logged_models::handle(cx, e),
        Endpoint::RegisteredModels(e) => registered_models::handle(cx, e),
        Endpoint::ModelVersions(e) => model_versions::handle(cx, e),
        Endpoint::Rules(e) => rules::handle(cx, e),
    }
}

/// `%XX` decoding of a path segment (a `+` stays a `+`; invalid UTF-8 replaced).
pub(crate) fn percent_decode(s: &str) -> String {
    crate::validate::unquote(s)
}

fn view_type(f: &Fields<'_>, key: &str) -> ApiResult<ViewType> {
    match f.opt_str(key)? {
        None => Ok(ViewType::ActiveOnly),
        Some(s) => match s.as_str() {
            "1" => Ok(ViewType::ActiveOnly),
            "2" => Ok(ViewType::DeletedOnly),
            "3" => Ok(ViewType::All),
            _ => ViewType::parse(&s).ok_or_else(|| {
                ApiError::invalid(format!(
                    "Invalid value {s:?} for parameter '{key}': use ACTIVE_ONLY, DELETED_ONLY or ALL"
                ))
            }),
        },
    }
}

/// A model version number: MLflow's `_assert_string` on the JSON field (a JSON number is
/// refused), then `_validate_model_version`'s `int(version)` and its message
/// (`validation.not_integer_value`).
fn version(f: &Fields<'_>) -> ApiResult<i64> {
    if let Some(v @ serde_json::Value::Number(_)) = f.0.get("version") {
        return Err(crate::validate::invalid_type("version", v));
    }
    let v = f.str("version")?;
    v.trim().parse::<i64>().map_err(|_| {
        ApiError::invalid(format!(
            "Parameter 'version' must be an integer, got '{v}'."
        ))
    })
}

fn empty() -> Value {
    Obj::new().done()
}

/// The mlflow-artifacts path of an artifact URI the server handed out, if it is one.
pub fn proxy_path(uri: &str) -> Option<&str> {
    uri.strip_prefix("mlflow-artifacts:")
        .map(|p| p.trim_start_matches('/'))
}

fn join(dir: &str, name: &str) -> String {
    let dir = dir.trim_matches('/');
    if dir.is_empty() {
        name.to_owned()
    } else {
        format!("{dir}/{name}")
    }
}

/// `{root_uri, files}` for a directory under an artifact URI, with paths relative to the root
/// (what `artifacts/list` and the logged-model listing answer, unlike the proxy's list).
fn list_under(arts: &ArtifactRepo, root_uri: &str, dir: &str) -> ApiResult<Value> {
    let mut files = Vec::new();
    if let Some(base) = proxy_path(root_uri) {
        for fi in arts.list(&join(base, dir))? {
            files.push(
                Obj::new()
                    .s("path", &join(dir, &fi.path))
                    .b("is_dir", fi.is_dir)
                    .oi("file_size", fi.file_size.map(|s| s as i64))
                    .done(),
            );
        }
    }
    Ok(Obj::new()
        .s("root_uri", root_uri)
        .arr("files", files)
        .done())
}

/// A store lookup as an option: `None` for `RESOURCE_DOES_NOT_EXIST` (and an id the store
/// cannot parse), other errors kept.
fn found<T>(r: verdict_store::Result<T>) -> ApiResult<Option<T>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(e)
            if matches!(
                e.kind(),
                verdict_store::ErrorKind::ResourceDoesNotExist
                    | verdict_store::ErrorKind::InvalidParameterValue
            ) =>
        {
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

fn registry_query(f: &Fields<'_>) -> ApiResult<RegistryQuery> {
    Ok(RegistryQuery {
        filter: f.opt_str("filter")?.unwrap_or_default(),
        order_by: f.strs("order_by")?,
        max_results: f.opt_i64("max_results")?.unwrap_or(0),
        page_token: f.opt_str("page_token")?.filter(|s| !s.is_empty()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        assert_eq!(
            route(&Method::GET, "runs/get").map(|r| r.endpoint),
            Some(Endpoint::Runs(Runs::Get))
        );
        assert!(route(&Method::POST, "runs/get").is_none());
        assert!(route(&Method::GET, "no-such").is_none());
        let r = route(&Method::DELETE, "logged-models/m-1/tags/a%2Fb").expect("route");
        assert_eq!(
            (r.endpoint, r.id.as_deref(), r.key.as_deref()),
            (
                Endpoint::LoggedModels(LoggedModels::DeleteTag),
                Some("m-1"),
                Some("a/b")
            )
        );
        assert_eq!(
            route(&Method::PATCH, "logged-models/m-1").map(|r| r.endpoint),
            Some(Endpoint::LoggedModels(LoggedModels::Finalize))
        );
        assert!(route(&Method::GET, "logged-models/").is_none());
        // The path parameters: a key keeps its slashes, an empty key or id, a trailing slash
        // and a missing segment match nothing.
        let r = route(&Method::DELETE, "logged-models/m%2D1/tags/a/b").expect("route");
        assert_eq!(
            (r.id.as_deref(), r.key.as_deref()),
            (Some("m-1"), Some("a/b"))
        );
        for (m, p) in [
            (Method::DELETE, "logged-models/m-1/tags/"),
            (Method::DELETE, "logged-models/m-1/tags"),
            (Method::GET, "logged-models/m-1/"),
            (Method::GET, "logged-models//artifacts/directories"),
            (Method::GET, "logged-models/m-1/artifacts"),
            (Method::GET, "logged-models"),
            (Method::POST, "logged-models/m-1"),
        ] {
            assert!(route(&m, p).is_none(), "{m} {p}");
        }
        // A parameterless path comes first: POST search is the search, GET the model `search`.
        assert_eq!(
            route(&Method::POST, "logged-models/search").map(|r| r.endpoint),
            Some(Endpoint::LoggedModels(LoggedModels::Search))
        );
        let r = route(&Method::GET, "logged-models/search").expect("route");
        assert_eq!(
            (r.endpoint, r.id.as_deref()),
            (Endpoint::LoggedModels(LoggedModels::Get), Some("search"))
        );
        assert!(route(&Method::PUT, "registered-models/alias").is_none());
        // Verdict's endpoints answer under their own prefix only.
        assert!(route(&Method::GET, "rules/decisions").is_none());
        assert_eq!(
            route_in(true, &Method::GET, "rules/decisions").map(|r| r.endpoint),
            Some(Endpoint::Rules(Rules::Decisions))
        );
        assert!(route_in(true, &Method::GET, "runs/get").is_none());
    }

    /// The table and the enum cannot drift: every line of [`ENDPOINTS`] routes to its own
    /// variant with each of its methods (no line shadowed by an earlier one), and every
    /// variant has exactly one line.
    #[test]
    fn every_entry_routes_to_its_variant_and_every_variant_has_one() {
        for &(methods, path, endpoint) in ENDPOINTS {
            let concrete = path.replace("{id}", "m-1").replace("{key}", "k");
            for m in methods {
                let method = Method::from_bytes(m.as_bytes()).expect("method");
                let got = route_in(endpoint.is_verdict(), &method, &concrete).map(|r| r.endpoint);
                assert_eq!(got, Some(endpoint), "{m} {path}");
            }
        }
        let all = Endpoint::all();
        for e in &all {
            let lines = ENDPOINTS.iter().filter(|(_, _, v)| v == e).count();
            assert_eq!(lines, 1, "{e:?} has {lines} lines in ENDPOINTS");
        }
        assert_eq!(all.len(), ENDPOINTS.len());
    }
}
