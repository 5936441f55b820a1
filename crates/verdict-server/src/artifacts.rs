//! The mlflow-artifacts proxy (`/api/2.0/mlflow-artifacts/artifacts[/<path>]`): PUT uploads, GET
//! downloads or (`?path=` on the bare prefix) lists, DELETE removes — over the store's
//! [`ArtifactRepo`], which confines every path to the root (`..`, absolute paths, backslashes and
//! symlinks out are refused with 400; so are names over 255 bytes, paths over 1,024 bytes and
//! writes through a file, while a read through a file is 404 and a listing of it `{}`). Error
//! messages name paths relative to the artifact root only (docs/server.md). A body that breaks
//! off mid-upload is 400 and leaves no file.
//!
//! Uploads stream: body frames go through a small channel to a blocking thread that writes a
//! temporary file, which the repository renames into place only when the body ended cleanly and
//! within `max_artifact_bytes`. So memory stays bounded whatever the file size, and an aborted or
//! oversized upload leaves no file. Downloads stream the opened file back.
//!
//! Every download ([`send_artifact`]: the proxy GET, `/get-artifact`, the logged-model
//! `artifacts/files`) answers as MLflow's `_send_artifact`: the type by file name
//! ([`crate::mime`]), `X-Content-Type-Options: nosniff`, `Content-Disposition: attachment`, and
//! a `Content-Security-Policy` that sandboxes it ([`ARTIFACT_CSP`]). The
//! UI's endpoints `/get-artifact`, `…/logged-models/<id>/artifacts/files` and
//! `…/upload-artifact` take a path in the query string and check it as MLflow's
//! `validate::safe_path` (MLflow's `validate_path_is_safe`: 400 `Invalid path`) before the repository's own confinement.

use std::io::Read;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use bytes::{Buf, Bytes};
use http_body_util::BodyExt as _;
use tokio::sync::mpsc;

use crate::error::ApiError;
use crate::wire::{Obj, Req};
use crate::{AppState, blocking, json_bytes, mime};

/// The bare prefix: GET lists `?path=` (MLflow's ListArtifacts of the proxy).
pub(crate) async fn root(State(state): State<AppState>, method: Method, uri: Uri) -> Response {
    if method != Method::GET {
        return ApiError::endpoint_not_found(method.as_str(), uri.path()).into_response();
    }
    let req = Req::from_query(uri.query().unwrap_or(""));
    let dir = match req.obj().opt_str("path") {
        Ok(p) => p.unwrap_or_default(),
        Err(e) => return e.into_response(),
    };
    let r = blocking(move || {
        let files = state.0.arts.list(&dir)?;
        let files = files
            .iter()
            .map(|f| {
                Obj::new()
                    .s("path", &f.path)
                    .b("is_dir", f.is_dir)
                    .oi("file_size", f.file_size.map(|s| s as i64))
                    .done()
            })
            .collect();
        serde_json::to_vec(&Obj::new().arr("files", files).done())
            .map_err(|e| ApiError::internal(e.to_string()))
    })
    .await;
    match r {
        Ok(b) => json_bytes(b),
        Err(e) => e.into_response(),
    }
}

/// `…/artifacts/<path>`: PUT, GET, DELETE.
pub(crate) async fn entry(
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let raw = uri.path();
    let rel = raw
        .strip_prefix("/api/2.0/mlflow-artifacts/artifacts/")
        .or_else(|| raw.strip_prefix("/ajax-api/2.0/mlflow-artifacts/artifacts/"))
        .unwrap_or("");
    let rel = match percent_decode_path(rel) {
        Some(p) => p,
        None => return ApiError::invalid("Artifact path is not valid UTF-8").into_response(),
    };
    let r = match method {
        Method::PUT => upload(state, rel, headers, body).await,
        Method::GET => download(state, rel).await,
        Method::DELETE => {
            blocking(move || {
                state.0.arts.delete(&rel)?;
                Ok(json_bytes(b"{}".to_vec()))
            })
            .await
        }
        _ => Err(ApiError::endpoint_not_found(method.as_str(), raw)),
    };
    r.unwrap_or_else(IntoResponse::into_response)
}

/// `%XX` decoding of a URL path (a `+` stays a `+`); `None` when the bytes are not UTF-8.
fn percent_decode_path(s: &str) -> Option<String> {
    String::from_utf8(crate::validate::unquote_bytes(s)).ok()
}

/// A blocking reader over body chunks sent from the async side.
struct ChannelReader {
    rx: mpsc::Receiver<std::io::Result<Bytes>>,
    cur: Bytes,
}

impl Read for ChannelReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.cur.is_empty() {
            match self.rx.blocking_recv() {
                Some(Ok(b)) => self.cur = b,
                Some(Err(e)) => return Err(e),
                None => return Ok(0),
            }
        }
        let n = buf.len().min(self.cur.len());
        buf[..n].copy_from_slice(&self.cur[..n]);
        self.cur.advance(n);
        Ok(n)
    }
}

async fn upload(
    state: AppState,
    rel: String,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let limit = state.0.limits.max_artifact_bytes;
    if let Some(len) = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        && len > limit
    {
        return Err(ApiError::too_large(limit));
    }
    let (tx, rx) = mpsc::channel::<std::io::Result<Bytes>>(16);
    let writer = {
        let state = state.clone();
        tokio::task::spawn_blocking(move || {
            let mut reader = ChannelReader {
                rx,
                cur: Bytes::new(),
            };
            state.0.arts.put_reader(&rel, &mut reader)
        })
    };
    let mut body = body;
    let mut total: u64 = 0;
    let mut too_large = false;
    let mut aborted = None;
    while let Some(frame) = body.frame().await {
        let chunk = match frame {
            Ok(f) => match f.into_data() {
                Ok(d) => d,
                Err(_) => continue, // trailers
            },
            Err(e) => {
                aborted = Some(e.to_string());
                let _ = tx
                    .send(Err(std::io::Error::other(format!("upload aborted: {e}"))))
                    .await;
                break;
            }
        };
        total += chunk.len() as u64;
        if total > limit {
            too_large = true;
            let _ = tx
                .send(Err(std::io::Error::other("upload exceeds the size limit")))
                .await;
            break;
        }
        if tx.send(Ok(chunk)).await.is_err() {
            break; // the writer stopped (bad path, disk error): its result says why
        }
    }
    drop(tx);
    let written = writer
        .await
        .map_err(|e| ApiError::internal(format!("upload writer failed: {e}")))?;
    if too_large {
        return Err(ApiError::too_large(limit));
    }
    // A body that broke off (or is malformed) is the client's doing: 400, nothing written.
    if let Some(e) = aborted {
        return Err(ApiError::invalid(format!(
            "Could not read the request body: {e}"
        )));
    }
    written?;
    Ok(json_bytes(b"{}".to_vec()))
}

async fn download(state: AppState, rel: String) -> Result<Response, ApiError> {
    send_artifact(state, rel).await
}

/// Answers the file at proxy path `rel` as MLflow's `_send_artifact` does (crate::mime): the type
/// by file name, `X-Content-Type-Options: nosniff`, `Content-Disposition: attachment`. A
/// directory is 400 `Artifact path refers to a directory, not a file: '<rel>'`, a missing file
/// 404 `No such artifact: '<rel>'` (MLflow's messages; `rel` is relative to the artifact root).
pub(crate) async fn send_artifact(state: AppState, rel: String) -> Result<Response, ApiError> {
    let shown = rel.clone();
    let path = rel.clone();
    let file = blocking(move || {
        if state.0.arts.resolve(&path)?.is_dir() {
            return Err(ApiError::invalid(format!(
                "Artifact path refers to a directory, not a file: '{shown}'"
            )));
        }
        match state.0.arts.open_file(&path) {
            Ok(f) => Ok(f),
            Err(e) if e.kind() == verdict_store::ErrorKind::ResourceDoesNotExist => {
                Err(ApiError::not_found(format!("No such artifact: '{shown}'")))
            }
            Err(e) => Err(e.into()),
        }
    })
    .await?;
    let len = file.metadata().ok().map(|m| m.len());
    let stream = tokio_util::io::ReaderStream::new(tokio::fs::File::from_std(file));
    let mut resp = (StatusCode::OK, Body::from_stream(stream)).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(mime::guess_mime_type(&rel)),
    );
    if let Ok(v) = HeaderValue::from_str(&mime::content_disposition(&rel)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(NOSNIFF.0, HeaderValue::from_static(NOSNIFF.1));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(ARTIFACT_CSP),
    );
    if let Some(len) = len
        && let Ok(v) = HeaderValue::from_str(&len.to_string())
    {
        h.insert(header::CONTENT_LENGTH, v);
    }
    Ok(resp)
}

/// The policy of every download: an artifact opened as a document (an HTML or SVG file a run
/// logged) loads nothing and runs no script, in a sandbox of its own origin, so it can never act
/// in the UI's. Previews embed images through `<img>`, where this policy does not apply and an
/// SVG can run no script anyway.
pub(crate) const ARTIFACT_CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox";

/// `X-Content-Type-Options: nosniff`: on every answer, as `mlflow server` sends it.
pub(crate) const NOSNIFF: (header::HeaderName, &str) = (header::X_CONTENT_TYPE_OPTIONS, "nosniff");

/// `base/rel` as Python's `posixpath.join(base, rel)` (an empty `rel` leaves a trailing `/`).
fn join_posix(base: &str, rel: &str) -> String {
    if base.is_empty() {
        rel.to_owned()
    } else if base.ends_with('/') {
        format!("{base}{rel}")
    } else {
        format!("{base}/{rel}")
    }
}

/// The proxy path of an artifact URI this server hands out (`mlflow-artifacts:/1/<run>/artifacts`
/// → `1/<run>/artifacts`); any other URI is not served from the artifact root (400).
fn served_root(uri: &str, what: &str) -> Result<String, ApiError> {
    crate::api::proxy_path(uri)
        .map(str::to_owned)
        .ok_or_else(|| {
            ApiError::invalid(format!(
                "The artifacts of {what} are at '{uri}', which this server does not serve \
                 (it serves mlflow-artifacts: URIs only)"
            ))
        })
}

/// `GET /get-artifact?run_id=…&path=…` (MLflow's `get_artifact_handler`; `run_uuid` also
/// accepted): the run's artifact at `path`, as [`send_artifact`].
pub(crate) async fn get_artifact(
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
) -> Response {
    if method != Method::GET {
        return ApiError::endpoint_not_found(method.as_str(), uri.path()).into_response();
    }
    let req = Req::from_query(uri.query().unwrap_or(""));
    let r = async {
        let f = req.obj();
        let run_id = match f.opt_str("run_id")?.filter(|s| !s.is_empty()) {
            Some(id) => Some(id),
            None => f.opt_str("run_uuid")?.filter(|s| !s.is_empty()),
        };
        let path = f
            .opt_str("path")?
            .ok_or_else(|| ApiError::invalid("Missing value for required parameter 'path'."))?;
        let path = crate::validate::safe_path(&path)?;
        let Some(run_id) = run_id else {
            return Err(ApiError::not_found("Run with id=None not found"));
        };
        let st = state.clone();
        let root = blocking(move || {
            let run = st.0.store.get_run(&run_id)?;
            served_root(&run.info.artifact_uri, &format!("run {run_id}"))
        })
        .await?;
        send_artifact(state, join_posix(&root, &path)).await
    }
    .await;
    r.unwrap_or_else(IntoResponse::into_response)
}

/// `GET /ajax-api/2.0/mlflow/logged-models/<id>/artifacts/files?artifact_file_path=…` (MLflow's
/// `get_logged_model_artifact_handler`): a file under the logged model's artifact location.
/// Without `artifact_file_path` (or empty): 400 `BAD_REQUEST`, as MLflow.
pub(crate) async fn logged_model_file(state: AppState, model_id: String, query: &str) -> Response {
    let req = Req::from_query(query);
    let r = async {
        let path = req
            .obj()
            .opt_str("artifact_file_path")?
            .filter(|s| !s.is_empty())
            .ok_or_else(|| {
                ApiError::new(
                    "BAD_REQUEST",
                    StatusCode::BAD_REQUEST,
                    "Request must include the \"artifact_file_path\" query parameter.",
                )
            })?;
        // MLflow validates the decoded path but goes on with the one it was given.
        crate::validate::safe_path(&path)?;
        let st = state.clone();
        let root = blocking(move || {
            let m = st.0.store.get_logged_model(&model_id)?;
            served_root(&m.artifact_location, &format!("logged model {model_id}"))
        })
        .await?;
        send_artifact(state, join_posix(&root, &path)).await
    }
    .await;
    r.unwrap_or_else(IntoResponse::into_response)
}

/// MLflow's size limit of the UI's upload (`upload_artifact_handler`: 10 MB).
pub(crate) const UI_UPLOAD_MAX_BYTES: u64 = 10 * 1024 * 1024;

/// `POST /ajax-api/2.0/mlflow/upload-artifact?run_uuid=…&path=…` with the file as the raw body
/// (MLflow's `upload_artifact_handler`, the UI's upload; any content type). MLflow's checks in
/// its order, all 400 `INVALID_PARAMETER_VALUE`: `Request must specify run_uuid.` (`run_id`
/// is not read), `Request must specify path.`, `Invalid path`, `Artifact size is too large. Max
/// size is 10MB.` (Content-Length or body over 10 MiB), `Request must specify data.` (empty
/// body); then an unknown run is 404. The file goes to `<run's artifact root>/<path>`; 200 with
/// an empty body. Where MLflow fails with a 500 (a path ending in `/`, onto a directory, through
/// a file) this answers 400.
pub(crate) async fn upload_artifact(
    state: AppState,
    query: &str,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let req = Req::from_query(query);
    let r = async {
        let f = req.obj();
        let too_large = || ApiError::invalid("Artifact size is too large. Max size is 10MB.");
        let run_id = f
            .opt_str("run_uuid")?
            .filter(|s| !s.is_empty())
            .ok_or_else(|| ApiError::invalid("Request must specify run_uuid."))?;
        let path = f
            .opt_str("path")?
            .filter(|s| !s.is_empty())
            .ok_or_else(|| ApiError::invalid("Request must specify path."))?;
        let path = crate::validate::safe_path(&path)?;
        if headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok())
            .is_some_and(|n| n > UI_UPLOAD_MAX_BYTES)
        {
            return Err(too_large());
        }
        let data = match crate::read_body(&headers, body, UI_UPLOAD_MAX_BYTES).await {
            Ok(d) => d,
            Err(e) if e.status == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large()),
            Err(e) => return Err(e),
        };
        if data.is_empty() {
            return Err(ApiError::invalid("Request must specify data."));
        }
        // The server's own artifact limit, when it is below MLflow's 10 MB, holds here too.
        let limit = state.0.limits.max_artifact_bytes;
        if data.len() as u64 > limit {
            return Err(ApiError::too_large(limit));
        }
        if path.ends_with('/') {
            return Err(ApiError::invalid(format!(
                "Request path must name a file, not a directory: '{path}'"
            )));
        }
        blocking(move || {
            let run = state.0.store.get_run(&run_id)?;
            let root = served_root(&run.info.artifact_uri, &format!("run {run_id}"))?;
            state.0.arts.put(&join_posix(&root, &path), &data)?;
            Ok(())
        })
        .await?;
        let mut resp = (StatusCode::OK, Body::empty()).into_response();
        resp.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        Ok(resp)
    }
    .await;
    r.unwrap_or_else(IntoResponse::into_response)
}

#[cfg(test)]
mod tests {
    #[test]
    fn decodes_paths() {
        assert_eq!(
            super::percent_decode_path("a%20b/c+d%2Fe").as_deref(),
            Some("a b/c+d/e")
        );
        assert_eq!(super::percent_decode_path("100%").as_deref(), Some("100%"));
    }
}
