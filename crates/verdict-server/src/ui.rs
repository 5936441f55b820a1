//! The web UI's routes: `/ui/experiments`, `/ui/experiments/{id}` (and its `/report`),
//! `/ui/runs/{id}` (and its `/artifacts`) and the one script, `/ui/app.js`.
//!
//! A thin adapter: the page's data comes from `verdict_app::ui` (one call per page, on the
//! blocking pool like the API's handlers) and its HTML from `verdict_report::ui`. What this
//! module adds is HTTP: the query parameters, the language (`?lang=`, else the browser's
//! `Accept-Language`), the status of a page that cannot be shown (404 for a run or experiment
//! that does not exist, 400 for a request the store refuses; never a 5xx for bad input), and the
//! headers every page carries: a strict `Content-Security-Policy` (no script but `/ui/app.js` on
//! `/`, nothing loaded from anywhere else, no framing) and `Cache-Control: no-store` (a page shows
//! live data).

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use verdict_report::Lang;

use crate::AppState;

/// The policy of every UI page: inline style only, images from the page itself, forms to this
/// server, no script, no framing.
pub(crate) const PAGE_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; \
     form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The policy of `/`: as [`PAGE_CSP`], plus this server's own script (`/ui/app.js`).
pub(crate) const HOME_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; script-src 'self'; \
     img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The script of `/`: the links the mlflow client prints after every run
/// (`/#/experiments/<id>/runs/<run id>`, `/#/experiments/<id>`) open the matching page; `/`
/// itself opens the experiments page.
pub(crate) const APP_JS: &str = r#"// verdict server: MLflow's UI links (/#/experiments/<id>[/runs/<run id>]) → /ui pages.
(function () {
  var m = /^#\/experiments\/([^\/?#]+)(?:\/runs\/([^\/?#]+))?/.exec(window.location.hash);
  if (m) {
    var to = m[2] ? "/ui/runs/" + m[2] : "/ui/experiments/" + m[1];
    window.location.replace(to);
  } else if (window.location.pathname === "/") {
    window.location.replace("/ui/experiments");
  }
})();
"#;

/// The query parameters of a request, in order.
fn params(uri: &Uri) -> Vec<(String, String)> {
    form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
        .into_owned()
        .collect()
}

/// What every page reads from its request: the query parameters and the language.
pub(crate) struct PageRequest {
    params: HashMap<String, String>,
    /// Every pair, in order (a form's checkboxes repeat a key).
    pairs: Vec<(String, String)>,
    lang: Lang,
}

impl PageRequest {
    /// A query parameter, empty when absent (the last value of a repeated key wins).
    fn get(&self, key: &str) -> String {
        self.params.get(key).cloned().unwrap_or_default()
    }

    /// Every value of a repeated key, in order.
    fn all(&self, key: &str) -> Vec<String> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for PageRequest {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        let pairs = params(&parts.uri);
        let params: HashMap<String, String> = pairs.iter().cloned().collect();
        let lang = lang(&params, &parts.headers);
        Ok(PageRequest {
            params,
            pairs,
            lang,
        })
    }
}

/// `?lang=en|ko`, else the browser's first language if it is Korean, else English.
fn lang(p: &HashMap<String, String>, headers: &HeaderMap) -> Lang {
    if let Some(l) = p.get("lang").and_then(|l| Lang::parse(l)) {
        return l;
    }
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if accept.trim_start().to_ascii_lowercase().starts_with("ko") {
        Lang::Ko
    } else {
        Lang::En
    }
}

/// An HTML answer with the page headers.
pub(crate) fn html(status: StatusCode, body: String, csp: &'static str) -> Response {
    let mut resp = (status, body).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(csp),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    resp
}

/// A page that cannot be shown: its status and the message it shows.
type PageError = (StatusCode, String);

/// The status of a store error: 404 when the run or experiment does not exist, 400 when the
/// store refused the request, 500 only when the store itself failed.
fn store_error(e: verdict_store::Error) -> PageError {
    let status = match e.kind() {
        verdict_store::ErrorKind::ResourceDoesNotExist => StatusCode::NOT_FOUND,
        verdict_store::ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    };
    (status, e.to_string())
}

/// Runs one page's work on the blocking pool; an error becomes a page with its status.
async fn render(
    lang: Lang,
    f: impl FnOnce() -> Result<String, PageError> + Send + 'static,
) -> Response {
    let (status, body) = match tokio::task::spawn_blocking(f).await {
        Ok(Ok(page)) => (StatusCode::OK, page),
        Ok(Err((status, message))) => (status, verdict_report::ui::error_page(&message, lang)),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            verdict_report::ui::error_page(&format!("the page failed: {e}"), lang),
        ),
    };
    html(status, body, PAGE_CSP)
}

/// `GET /ui/experiments?q=&lang=`.
pub(crate) async fn experiments(State(state): State<AppState>, req: PageRequest) -> Response {
    let (lang, q) = (req.lang, req.get("q"));
    render(lang, move || {
        let page = verdict_app::ui::experiments(state.store(), &q).map_err(store_error)?;
        Ok(verdict_report::ui::experiments_page(&page, lang))
    })
    .await
}

/// `GET /ui/experiments/{id}?filter=&order_by=&cols=&page=&lang=`.
pub(crate) async fn runs(
    State(state): State<AppState>,
    Path(id): Path<String>,
    req: PageRequest,
) -> Response {
    let lang = req.lang;
    let q = verdict_app::ui::RunsQuery {
        filter: req.get("filter"),
        order_by: req.get("order_by"),
        // The column picker's checkboxes (`col`, repeated) replace the typed list.
        columns: match req.all("col") {
            picked if picked.is_empty() => req.get("cols"),
            picked => picked.join(","),
        },
        page: req.get("page"),
    };
    render(lang, move || {
        let page = verdict_app::ui::runs(state.store(), &id, &q).map_err(store_error)?;
        Ok(verdict_report::ui::runs_page(&page, lang))
    })
    .await
}

/// `GET /ui/experiments/{id}/report?eval=&metric=&lang=`: `verdict check --experiment`. An
/// error (an unknown experiment, a metric no run has) is a 400 page naming it.
pub(crate) async fn report(
    State(state): State<AppState>,
    Path(id): Path<String>,
    req: PageRequest,
) -> Response {
    let (lang, eval) = (req.lang, req.get("eval"));
    let metric = Some(req.get("metric")).filter(|m| !m.is_empty());
    render(lang, move || {
        let artifacts = state.artifacts_root();
        verdict_app::ui::experiment_report(state.store(), &id, &eval, metric, &artifacts)
            .map(|rep| verdict_report::ui::experiment_report_page(&rep, &id, lang))
            .map_err(|e| (StatusCode::BAD_REQUEST, e.to_string()))
    })
    .await
}

/// The zoom of a run page: `from` and `to`, inclusive steps (either alone: open on the other
/// side; neither: no zoom). Not an integer: 400 naming the parameter.
fn zoom(req: &PageRequest) -> Result<Option<(i64, i64)>, PageError> {
    let step = |key: &str| -> Result<Option<i64>, PageError> {
        let v = req.get(key);
        let v = v.trim();
        if v.is_empty() {
            return Ok(None);
        }
        v.parse().map(Some).map_err(|_| {
            (
                StatusCode::BAD_REQUEST,
                format!("{key}: expected a step (an integer), got '{v}'"),
            )
        })
    };
    Ok(match (step("from")?, step("to")?) {
        (None, None) => None,
        (a, b) => Some((a.unwrap_or(i64::MIN), b.unwrap_or(i64::MAX))),
    })
}

/// `GET /ui/runs/{id}?from=&to=&live=&lang=`.
pub(crate) async fn run(
    State(state): State<AppState>,
    Path(id): Path<String>,
    req: PageRequest,
) -> Response {
    let lang = req.lang;
    let zoom = zoom(&req);
    let live = req.get("live") != "0";
    render(lang, move || {
        let artifacts = state.artifacts_root();
        let page =
            verdict_app::ui::run(state.store(), &id, &artifacts, zoom?).map_err(store_error)?;
        Ok(verdict_report::ui::run_page(&page, lang, live))
    })
    .await
}

/// `GET /ui/compare?runs=ID,ID&run=ID&experiment=&eval=&lang=`: the runs of `runs`
/// (comma-separated) and of every `run` (the picker's checkboxes), in that order.
pub(crate) async fn compare(State(state): State<AppState>, req: PageRequest) -> Response {
    let lang = req.lang;
    let mut ids: Vec<String> = req.get("runs").split(',').map(str::to_string).collect();
    ids.extend(req.all("run"));
    let (experiment, eval) = (req.get("experiment"), req.get("eval"));
    render(lang, move || {
        let root = state.artifacts_root();
        let page = verdict_app::ui::compare(state.store(), &ids, &experiment, &eval, &root)
            .map_err(store_error)?;
        Ok(verdict_report::ui::compare_page(&page, lang, &eval))
    })
    .await
}

/// `GET /ui/models?q=&lang=`: the model registry.
pub(crate) async fn models(State(state): State<AppState>, req: PageRequest) -> Response {
    let (lang, q) = (req.lang, req.get("q"));
    render(lang, move || {
        let page = verdict_app::ui::models(state.store(), &q).map_err(store_error)?;
        Ok(verdict_report::ui::models_page(&page, lang))
    })
    .await
}

/// `GET /ui/models/{name}?lang=`: one registered model and its versions.
pub(crate) async fn model(
    State(state): State<AppState>,
    Path(name): Path<String>,
    req: PageRequest,
) -> Response {
    let lang = req.lang;
    render(lang, move || {
        let page = verdict_app::ui::model(state.store(), &name).map_err(store_error)?;
        Ok(verdict_report::ui::model_page(&page, lang))
    })
    .await
}

/// `GET /ui/runs/{id}/artifacts?path=&lang=`: the run's artifact directory or file.
pub(crate) async fn artifacts(
    State(state): State<AppState>,
    Path(id): Path<String>,
    req: PageRequest,
) -> Response {
    let (lang, path) = (req.lang, req.get("path"));
    render(lang, move || {
        let root = state.artifacts_root();
        let page =
            verdict_app::ui::artifacts(state.store(), &id, &path, &root).map_err(store_error)?;
        Ok(verdict_report::ui::artifacts_page(&page, lang))
    })
    .await
}

/// `GET /ui/app.js`.
pub(crate) async fn app_js() -> Response {
    let mut resp = (StatusCode::OK, APP_JS).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/javascript; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    resp
}
