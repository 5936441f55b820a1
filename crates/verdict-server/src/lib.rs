//! `verdict server`: MLflow's tracking, model-registry and mlflow-artifacts REST API over
//! [`verdict_store::Store`], so that existing `mlflow` code logs to Verdict by setting
//! `MLFLOW_TRACKING_URI`.
//!
//! This is the only crate that knows HTTP and MLflow's JSON (ARCHITECTURE.md): the store speaks
//! plain structs and [`verdict_store::ErrorKind`]; here requests become store calls and errors
//! become MLflow's `{"error_code", "message"}` with MLflow's HTTP statuses.
//!
//! - [`wire`]: the wire conventions (query strings for GET, JSON bodies otherwise, int64 as numbers
//!   or strings, NaN/±Infinity as strings, empty repeated fields omitted).
//! - [`api`]: the endpoint table and the handlers (synchronous, run through `spawn_blocking`).
//! - [`entities`]: store entities ↔ MLflow's JSON shapes.
//! - [`validate`]: MLflow's request schemas (`handlers._validate_param_against_schema`) and its
//!   exact messages.
//! - `artifacts` (private): the mlflow-artifacts proxy, streaming uploads and downloads over the
//!   store's confined [`ArtifactRepo`].
//! - [`mime`]: MLflow's `Content-Type` / `Content-Disposition` of an artifact download (by file
//!   name; every download, and `nosniff` on every answer).
//!
//! # Why these choices
//! - **axum + tokio, lean features** (docs/design/stack.md §3): tests call the [`app`] router in-process
//!   without sockets; only `http1` and `tokio` are enabled.
//! - **Every store call on a blocking thread.** The store is synchronous (rusqlite, the blocking
//!   `postgres` client); one `spawn_blocking` per request runs the handler and serialises the
//!   answer, so async workers never block and never format 12 MB of JSON.
//! - **Never a 5xx for bad input.** The MLflow client retries 5xx for minutes. Unknown routes
//!   (and known paths with the wrong method) are 404 `ENDPOINT_NOT_FOUND`; a POST (or PUT)
//!   without `Content-Type: application/json` is 400 like MLflow's (PATCH and DELETE bodies are
//!   read as MLflow reads them, whatever their type); a body over the limit is 413; bad
//!   fields are 400 `INVALID_PARAMETER_VALUE`. Handlers contain no `unwrap`.
//! - **Limits.** log-batch bodies: MLflow's 1 MB (`validation.py`), always. Other JSON bodies:
//!   `max_json_bytes` (default 32 MB: MLflow accepts a dataset profile of 16 MB and a schema of
//!   1 MB in one log-inputs request, so a smaller default would refuse what MLflow takes). Artifact uploads: `max_artifact_bytes`, streamed
//!   to disk (never held in memory) and renamed into place only when complete, so an aborted
//!   upload leaves nothing behind.
//! - **Auth** (optional `auth_token`): `Authorization: Bearer TOKEN` (what the client sends for
//!   `MLFLOW_TRACKING_TOKEN`) or HTTP basic whose password, or `user:password`, is the token
//!   (`MLFLOW_TRACKING_USERNAME`/`PASSWORD`); else 401 `UNAUTHENTICATED`. `/health` and `/version`
//!   stay open for probes, and `/` (the HTML page, which tells no more than `/version`). Compared in constant time.
//! - **Shutdown.** SIGTERM or Ctrl-C stops accepting, lets running requests finish, then drops
//!   the store (SQLite checkpoints its WAL on close) and [`serve`] says so on stderr
//!   (`verdict server stopped (SIGTERM): …`). Every acknowledged write was already
//!   committed (and, on SQLite, fsynced) before its answer was sent, so even SIGKILL loses none
//!   (the durability test in `crates/verdict/tests` kills the real binary to check it).
//! - **Unfinished uploads.** An upload cut off by a kill leaves its temporary file
//!   (`.<name>.tmp-<32 hex>`, never shown in listings). [`Server::bind`] removes every such file
//!   under the artifact root that nobody has written to for [`TEMP_FILE_GRACE`] (5 minutes, more
//!   than the MLflow client's 120 s request timeout, so an upload of another server sharing the
//!   root is never cut), and sweeps once more [`TEMP_FILE_GRACE`] later for the ones that were
//!   too young at start. Only that exact name pattern is touched, never a user's file.
//! - **`GET /`.** Until a web UI exists, `/` answers a small HTML page naming the server, its
//!   version and its API (the mlflow client's "View run … at http://host:5000/#/…" links land
//!   there), not a JSON 404.

#![warn(missing_docs)]

pub mod api;
mod artifacts;
pub mod entities;
pub mod error;
mod locations;
pub mod mime;
mod ui;
pub mod validate;
pub mod wire;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use base64::Engine as _;
use http_body_util::BodyExt as _;
use verdict_store::artifacts::ArtifactRepo;
use verdict_store::{Store, StoreOptions};

pub use error::ApiError;

/// The MLflow version this server answers on `/version` (the client it is tested against).
pub const MLFLOW_VERSION: &str = "3.17.2";

/// How long a temporary upload file must have been left alone before the start-up sweep removes
/// it (see the crate docs, "Unfinished uploads").
pub const TEMP_FILE_GRACE: std::time::Duration = std::time::Duration::from_secs(300);

/// MLflow's log-batch request limit (`validation.py`: 1 MB).
pub const LOG_BATCH_MAX_BYTES: u64 = 1024 * 1024;

/// How to run the server.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// A plain path, `sqlite:///relative.db`, `sqlite:////absolute.db`, or
    /// `postgresql://user@host/db`.
    pub store_url: String,
    /// Root directory of the mlflow-artifacts proxy.
    pub artifacts: PathBuf,
    /// Address to listen on.
    pub host: String,
    /// 0 picks a free port (the chosen one is printed).
    pub port: u16,
    /// With a token, every API request must carry it (bearer, or basic with it as the password).
    pub auth_token: Option<String>,
    /// Limit of a JSON request body (log-batch is held to [`LOG_BATCH_MAX_BYTES`] regardless).
    pub max_json_bytes: u64,
    /// Limit of one artifact upload.
    pub max_artifact_bytes: u64,
    /// What evaluates training rules on every metric write (`verdict_store::rules`); passed to
    /// the store's [`StoreOptions::rules_hook`]. `None`: no rules are evaluated.
    pub rules_hook: Option<Arc<dyn verdict_store::RulesHook>>,
}

impl ServerConfig {
    /// The defaults of `verdict server`: `./verdict.db`, `./verdict-artifacts`, 127.0.0.1:5000,
    /// no auth, 32 MB JSON bodies (log-batch: 1 MB), 5 GiB artifacts.
    pub fn new() -> ServerConfig {
        ServerConfig {
            store_url: "verdict.db".to_owned(),
            artifacts: PathBuf::from("verdict-artifacts"),
            host: "127.0.0.1".to_owned(),
            port: 5000,
            auth_token: None,
            max_json_bytes: 32 * 1024 * 1024,
            max_artifact_bytes: 5 * 1024 * 1024 * 1024,
            rules_hook: None,
        }
    }
}

impl Default for ServerConfig {
    fn default() -> ServerConfig {
        ServerConfig::new()
    }
}

/// What can stop the server from starting or running.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    // The messages carry the underlying error themselves and mark no `source`, so a caller
    // printing the whole chain (`{:#}`) shows the OS message once.
    /// The store cannot be opened.
    #[error("cannot open the store {url}: {error}")]
    Store {
        /// The store URL.
        url: String,
        /// Why.
        error: verdict_store::Error,
    },
    /// The artifact root cannot be opened.
    #[error("cannot open the artifact root: {0}")]
    Artifacts(verdict_store::Error),
    /// The address could not be bound; for a port in use (`error.kind()` is `AddrInUse`) the
    /// message names the port.
    #[error("{}", bind_message(addr, error))]
    Bind {
        /// The address.
        addr: String,
        /// The OS error.
        error: std::io::Error,
    },
    /// The async runtime failed.
    #[error("the async runtime failed: {0}")]
    Runtime(std::io::Error),
}

fn bind_message(addr: &str, error: &std::io::Error) -> String {
    if error.kind() == std::io::ErrorKind::AddrInUse {
        let port = addr.rsplit_once(':').map_or(addr, |(_, p)| p);
        format!("cannot listen on {addr}: port {port} is already in use by another program")
    } else {
        format!("cannot listen on {addr}: {error}")
    }
}

/// Limits and auth, shared by every request.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Largest JSON body accepted (log-batch keeps MLflow's 1 MB).
    pub max_json_bytes: u64,
    /// Largest artifact upload accepted.
    pub max_artifact_bytes: u64,
}

struct Shared {
    store: Store,
    arts: ArtifactRepo,
    auth_token: Option<String>,
    limits: Limits,
}

/// The state every handler sees (cheap to clone).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl AppState {
    /// The state every handler shares.
    pub fn new(
        store: Store,
        arts: ArtifactRepo,
        auth_token: Option<String>,
        limits: Limits,
    ) -> AppState {
        AppState(Arc::new(Shared {
            store,
            arts,
            auth_token: auth_token.filter(|t| !t.is_empty()),
            limits,
        }))
    }

    /// The ledger.
    pub fn store(&self) -> &Store {
        &self.0.store
    }

    /// The directory `mlflow-artifacts:/` URIs resolve under.
    pub fn artifacts_root(&self) -> PathBuf {
        self.0.arts.root().to_path_buf()
    }
}

/// The whole HTTP application.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/", any(home))
        .route("/health", get(|| async { "OK" }))
        // No icon: an empty answer, so a browser asking for one logs no error.
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
        .route("/ui/app.js", get(ui::app_js))
        .route(
            "/ui",
            get(|| async { axum::response::Redirect::to("/ui/experiments") }),
        )
        .route("/ui/experiments", get(ui::experiments))
        .route("/ui/experiments/{id}", get(ui::runs))
        .route("/ui/experiments/{id}/report", get(ui::report))
        .route("/ui/runs/{id}", get(ui::run))
        .route("/ui/runs/{id}/artifacts", get(ui::artifacts))
        .route("/ui/compare", get(ui::compare))
        .route("/ui/models", get(ui::models))
        .route("/ui/models/{name}", get(ui::model))
        .route("/version", get(|| async { MLFLOW_VERSION }))
        .route("/get-artifact", any(artifacts::get_artifact))
        .route("/api/3.0/mlflow/server-info", get(server_info))
        .route("/ajax-api/3.0/mlflow/server-info", get(server_info))
        .route("/api/2.0/mlflow/{*rest}", any(api_handler))
        .route("/ajax-api/2.0/mlflow/{*rest}", any(api_handler))
        .route("/api/2.0/verdict/{*rest}", any(api_handler))
        .route("/api/2.0/mlflow-artifacts/artifacts", any(artifacts::root))
        .route(
            "/api/2.0/mlflow-artifacts/artifacts/{*path}",
            any(artifacts::entry),
        )
        .route(
            "/ajax-api/2.0/mlflow-artifacts/artifacts",
            any(artifacts::root),
        )
        .route(
            "/ajax-api/2.0/mlflow-artifacts/artifacts/{*path}",
            any(artifacts::entry),
        )
        .fallback(fallback)
        .layer(middleware::from_fn_with_state(state.clone(), auth))
        .layer(middleware::map_response(nosniff))
        .with_state(state)
}

/// `X-Content-Type-Options: nosniff` on every answer (errors and 401s included), as `mlflow
/// server` sends it: a browser never second-guesses a declared type.
async fn nosniff(mut resp: Response) -> Response {
    let (name, value) = artifacts::NOSNIFF;
    resp.headers_mut()
        .insert(name, HeaderValue::from_static(value));
    resp
}

async fn server_info() -> Response {
    json_bytes(
        serde_json::json!({
            "store_type": "SqlStore",
            "workspaces_enabled": false,
            "multipart_uploads_enabled": false,
            "multipart_downloads_enabled": false,
        })
        .to_string()
        .into_bytes(),
    )
}

/// `GET /`: what this server is and where its API is, for a person who follows a link the mlflow
/// client printed ("View run … at http://host:5000/#/experiments/1/runs/…").
async fn home(method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return ApiError::endpoint_not_found(method.as_str(), uri.path()).into_response();
    }
    ui::html(StatusCode::OK, home_page(), ui::HOME_CSP)
}

fn home_page() -> String {
    let version = env!("CARGO_PKG_VERSION");
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>verdict server {version}</title>
<script src="/ui/app.js"></script>
</head>
<body>
<h1>verdict server {version}</h1>
<p>An MLflow-compatible tracking server (MLflow REST API {MLFLOW_VERSION}). Its web UI starts at
<a href="/ui/experiments">/ui/experiments</a>; a link such as
<code>/#/experiments/1/runs/&lt;run id&gt;</code> printed by the mlflow client opens the run's page
(with JavaScript; without, follow the link). Runs are also at <code>verdict runs list</code> and
<code>verdict runs show &lt;run id&gt;</code>, and through the API below.</p>
<h2>API</h2>
<ul>
<li><code>/api/2.0/mlflow/&hellip;</code> &mdash; tracking and model registry (MLflow REST API),
for example <code>GET /api/2.0/mlflow/experiments/search?max_results=10</code></li>
<li><code>/api/2.0/mlflow-artifacts/artifacts/&hellip;</code> &mdash; the artifact proxy
(<code>mlflow-artifacts:/</code> URIs)</li>
<li><code>/ajax-api/2.0/mlflow/&hellip;</code> &mdash; the same API under the MLflow UI's prefix</li>
<li><code>/api/3.0/mlflow/server-info</code> &mdash; server capabilities</li>
<li><code>/api/2.0/verdict/rules/decisions?run_id=&hellip;</code>, <code>/api/2.0/verdict/rules/list</code>
&mdash; training-rule decisions of a run, stored rulesets</li>
<li><code>/health</code> &mdash; <code>OK</code> while the server runs</li>
<li><code>/version</code> &mdash; the MLflow version this server speaks ({MLFLOW_VERSION})</li>
</ul>
<p>Point the mlflow client here with <code>MLFLOW_TRACKING_URI=http://&lt;this host&gt;</code>.</p>
</body>
</html>
"#
    )
}

async fn fallback(method: Method, uri: Uri) -> Response {
    ApiError::endpoint_not_found(method.as_str(), uri.path()).into_response()
}

pub(crate) fn json_bytes(bytes: Vec<u8>) -> Response {
    let mut resp = (StatusCode::OK, bytes).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp
}

/// Equal in time independent of where the first difference is.
fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn authorized(headers: &HeaderMap, token: &str) -> bool {
    let Some(value) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let (scheme, cred) = value.trim().split_once(' ').unwrap_or((value, ""));
    let cred = cred.trim();
    if scheme.eq_ignore_ascii_case("bearer") {
        return ct_eq(cred.as_bytes(), token.as_bytes());
    }
    if scheme.eq_ignore_ascii_case("basic") {
        let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(cred) else {
            return false;
        };
        let password = decoded
            .iter()
            .position(|&b| b == b':')
            .map_or(&decoded[..], |i| &decoded[i + 1..]);
        return ct_eq(password, token.as_bytes()) || ct_eq(&decoded, token.as_bytes());
    }
    false
}

async fn auth(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if let Some(token) = &state.0.auth_token {
        let path = req.uri().path();
        let open = matches!(
            path,
            "/" | "/health" | "/version" | "/ui/app.js" | "/favicon.ico"
        );
        if !open && !authorized(req.headers(), token) {
            if path == "/ui" || path.starts_with("/ui/") {
                // A browser asks for the token once (HTTP basic: any user name, the token as the
                // password) and sends it with every later page.
                let mut resp = ApiError::unauthenticated().into_response();
                resp.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Basic realm=\"verdict\", charset=\"UTF-8\""),
                );
                return resp;
            }
            return ApiError::unauthenticated().into_response();
        }
    }
    next.run(req).await
}

/// Reads a whole body up to `limit` bytes (413 beyond, checked on Content-Length first).
pub(crate) async fn read_body(
    headers: &HeaderMap,
    body: Body,
    limit: u64,
) -> Result<bytes::Bytes, ApiError> {
    if let Some(len) = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        && len > limit
    {
        return Err(ApiError::too_large(limit));
    }
    let limited = http_body_util::Limited::new(body, usize::try_from(limit).unwrap_or(usize::MAX));
    match limited.collect().await {
        Ok(c) => Ok(c.to_bytes()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => Err(ApiError::too_large(limit)),
        Err(e) => Err(ApiError::invalid(format!(
            "Could not read the request body: {e}"
        ))),
    }
}

/// MLflow's content-type rule for POST and PUT API requests.
fn check_json_content_type(headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(ct) = headers.get(header::CONTENT_TYPE) else {
        return Err(ApiError::invalid(
            "Bad Request. Content-Type header is missing.",
        ));
    };
    let ok = ct
        .to_str()
        .ok()
        .and_then(|s| s.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"));
    if ok {
        Ok(())
    } else {
        Err(ApiError::invalid(
            "Bad Request. Content-Type must be one of ['application/json'].",
        ))
    }
}

/// Runs blocking work on tokio's blocking pool; a panic there becomes a 500, not a dead worker.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => r,
        Err(e) => Err(ApiError::internal(format!("request handler failed: {e}"))),
    }
}

async fn api_handler(
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    // The UI's non-JSON endpoints, under /ajax-api only (as MLflow: /api/2.0 has neither).
    if let Some(rest) = uri.path().strip_prefix("/ajax-api/2.0/mlflow/") {
        let query = uri.query().unwrap_or("");
        if method == Method::POST && rest == "upload-artifact" {
            return artifacts::upload_artifact(state, query, headers, body).await;
        }
        if method == Method::GET
            && let Some(id) = rest
                .strip_prefix("logged-models/")
                .and_then(|r| r.strip_suffix("/artifacts/files"))
                .filter(|id| !id.is_empty() && !id.contains('/'))
        {
            let id = api::percent_decode(id);
            return artifacts::logged_model_file(state, id, query).await;
        }
    }
    match api_inner(state, method, uri, headers, body).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

async fn api_inner(
    state: AppState,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let path = uri.path();
    let (verdict, rest) = match path.strip_prefix("/api/2.0/verdict/") {
        Some(rest) => (true, rest),
        None => (
            false,
            path.strip_prefix("/api/2.0/mlflow/")
                .or_else(|| path.strip_prefix("/ajax-api/2.0/mlflow/"))
                .unwrap_or(""),
        ),
    };
    let Some(route) = api::route_in(verdict, &method, rest) else {
        return Err(ApiError::endpoint_not_found(method.as_str(), path));
    };
    let req = if method == Method::GET {
        wire::Req::from_query(uri.query().unwrap_or(""))
    } else {
        // MLflow checks the content type of POST and PUT only (`server/validation.py`,
        // `_validate_content_type`) and reads other bodies with `get_json(force=True,
        // silent=True)`: a PATCH or DELETE without a JSON type, without a body or with one that
        // is not a JSON object is an empty message (the DELETE of a logged-model tag sends none).
        let strict = method == Method::POST || method == Method::PUT;
        if strict {
            check_json_content_type(&headers)?;
        }
        let limit = if route.is_log_batch() {
            LOG_BATCH_MAX_BYTES
        } else {
            state.0.limits.max_json_bytes
        };
        let bytes = read_body(&headers, body, limit).await?;
        match wire::Req::from_json(&bytes) {
            Ok(req) => req,
            Err(_) if !strict => wire::Req::default(),
            Err(e) => return Err(e),
        }
    };
    let bytes = blocking(move || {
        let value = api::handle(&state.0.store, &state.0.arts, &route, &req)?;
        serde_json::to_vec(&value).map_err(|e| ApiError::internal(e.to_string()))
    })
    .await?;
    Ok(json_bytes(bytes))
}

/// Installs the SIGTERM and SIGINT (Ctrl-C) handlers now, and returns a future that waits for
/// either and records which one in `got`. Installing before serving matters: axum runs the
/// shutdown future on a task of its own, so a handler installed on its first poll could miss a
/// SIGTERM sent right after the first answered request (the process would then die of the
/// signal instead of stopping cleanly). `Server::bind` calls it, inside the runtime, before the
/// address is printed.
#[cfg(unix)]
fn shutdown_signal(
    got: Arc<std::sync::OnceLock<&'static str>>,
) -> std::io::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    Ok(async move {
        let name = tokio::select! {
            _ = int.recv() => "SIGINT",
            _ = term.recv() => "SIGTERM",
        };
        let _ = got.set(name);
    })
}

/// Waits for Ctrl-C and records it in `got` (platforms without Unix signals).
#[cfg(not(unix))]
fn shutdown_signal(
    got: Arc<std::sync::OnceLock<&'static str>>,
) -> std::io::Result<impl std::future::Future<Output = ()>> {
    Ok(async move {
        let _ = tokio::signal::ctrl_c().await;
        let _ = got.set("SIGINT");
    })
}

/// A bound, not yet running server.
pub struct Server {
    runtime: tokio::runtime::Runtime,
    listener: tokio::net::TcpListener,
    state: AppState,
    addr: SocketAddr,
    sweep: verdict_store::artifacts::Sweep,
    /// Resolves on SIGTERM or SIGINT; its handlers are installed by `bind`.
    signal: std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>,
    /// Which signal stopped the server.
    got: Arc<std::sync::OnceLock<&'static str>>,
}

impl Server {
    /// Opens the store (migrating it) and the artifact root, and binds the listener.
    pub fn bind(config: &ServerConfig) -> Result<Server, ServerError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(ServerError::Runtime)?;
        let options = StoreOptions {
            rules_hook: config.rules_hook.clone(),
            ..StoreOptions::mlflow_artifacts()
        };
        let store =
            Store::open_with(&config.store_url, &options).map_err(|error| ServerError::Store {
                url: config.store_url.clone(),
                error,
            })?;
        let arts = ArtifactRepo::open(&config.artifacts).map_err(ServerError::Artifacts)?;
        let addr = format!("{}:{}", config.host, config.port);
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind(&addr))
            .map_err(|error| ServerError::Bind {
                addr: addr.clone(),
                error,
            })?;
        let local = listener
            .local_addr()
            .map_err(|error| ServerError::Bind { addr, error })?;
        // Only once the port is ours: a second server that fails to bind sweeps nothing.
        let sweep = arts.sweep_temp_files(TEMP_FILE_GRACE);
        if !sweep.kept.is_empty() {
            let later = arts.clone();
            std::thread::spawn(move || {
                std::thread::sleep(TEMP_FILE_GRACE);
                later.sweep_temp_files(TEMP_FILE_GRACE);
            });
        }
        let state = AppState::new(
            store,
            arts,
            config.auth_token.clone(),
            Limits {
                max_json_bytes: config.max_json_bytes,
                max_artifact_bytes: config.max_artifact_bytes,
            },
        );
        // The signal handlers exist before anyone learns the address (see `shutdown_signal`).
        let got = Arc::new(std::sync::OnceLock::new());
        let signal = {
            let _in_runtime = runtime.enter();
            Box::pin(shutdown_signal(got.clone()).map_err(ServerError::Runtime)?)
        };
        Ok(Server {
            runtime,
            listener,
            state,
            addr: local,
            sweep,
            signal,
            got,
        })
    }

    /// The address bound (with the port `--port 0` picked).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://host:port` (what `MLFLOW_TRACKING_URI` should be).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// What the start-up sweep of unfinished uploads did.
    pub fn sweep(&self) -> &verdict_store::artifacts::Sweep {
        &self.sweep
    }

    /// Serves until SIGTERM or Ctrl-C, then finishes running requests, closes the store and
    /// returns the signal's name (`"SIGTERM"`, `"SIGINT"`).
    pub fn run(self) -> Result<&'static str, ServerError> {
        let Server {
            runtime,
            listener,
            state,
            signal,
            got,
            ..
        } = self;
        let router = app(state);
        runtime
            .block_on(async move {
                axum::serve(listener, router)
                    .with_graceful_shutdown(signal)
                    .await
            })
            .map_err(ServerError::Runtime)?;
        // The router (and with it the last handle on the store) is gone once the runtime is.
        drop(runtime);
        Ok(got.get().copied().unwrap_or("a signal"))
    }
}

/// Binds, prints `verdict server listening on http://…` on stdout (and, on stderr, how many
/// temporary files of unfinished uploads it removed), and serves until SIGTERM or Ctrl-C; then
/// says on stderr that it stopped and that every acknowledged write was committed.
pub fn serve(config: &ServerConfig) -> Result<(), ServerError> {
    use std::io::Write as _;
    let server = Server::bind(config)?;
    let sweep = server.sweep();
    if !sweep.removed.is_empty() {
        eprintln!(
            "verdict server: removed {} temporary file(s) of uploads that never finished: {}",
            sweep.removed.len(),
            sweep.removed.join(", ")
        );
    }
    let mut out = std::io::stdout();
    let _ = writeln!(
        out,
        "verdict server listening on {} (store {}, artifacts {})",
        server.url(),
        redact(&config.store_url),
        server.state.0.arts.root().display()
    );
    let _ = writeln!(out, "  MLFLOW_TRACKING_URI={}", server.url());
    let _ = out.flush();
    let signal = server.run()?;
    eprintln!(
        "verdict server stopped ({signal}): running requests finished, the store was closed, \
         and every acknowledged write is committed"
    );
    Ok(())
}

/// A store URL without its password (`postgresql://user:secret@host` → `user:***@host`).
fn redact(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://")
        && let Some((cred, host)) = rest.split_once('@')
        && let Some((user, _)) = cred.split_once(':')
    {
        return format!("{scheme}://{user}:***@{host}");
    }
    url.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_headers() {
        let mut h = HeaderMap::new();
        assert!(!authorized(&h, "s3cret"));
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer s3cret"),
        );
        assert!(authorized(&h, "s3cret"));
        assert!(!authorized(&h, "s3cre"));
        let basic = base64::engine::general_purpose::STANDARD.encode("user:s3cret");
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(&format!("Basic {basic}")).expect("header"),
        );
        assert!(authorized(&h, "s3cret"));
        assert!(authorized(&h, "user:s3cret"));
        assert!(!authorized(&h, "other"));
    }

    #[test]
    fn redacts_passwords() {
        assert_eq!(redact("postgresql://u:pw@h/db"), "postgresql://u:***@h/db");
        assert_eq!(redact("verdict.db"), "verdict.db");
    }
}
