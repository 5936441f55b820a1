//! The web UI's routes: `/ui/experiments`, `/ui/experiments/{id}`, `/ui/runs/{id}` and the one
//! script, `/ui/app.js`.
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

/// The query parameters of a request (the last value of a repeated key wins).
fn params(uri: &Uri) -> HashMap<String, String> {
    form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
        .into_owned()
        .collect()
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

/// The page of an error: 404 when the run or experiment does not exist, 400 when the store
/// refused the request, 500 only when the store itself failed.
fn error_page(e: &verdict_store::Error, lang: Lang) -> Response {
    let status = match e.kind() {
        verdict_store::ErrorKind::ResourceDoesNotExist => StatusCode::NOT_FOUND,
        verdict_store::ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    };
    html(
        status,
        verdict_report::ui::error_page(&e.to_string(), lang),
        PAGE_CSP,
    )
}

/// Runs one page's work on the blocking pool.
async fn render(
    lang: Lang,
    f: impl FnOnce() -> verdict_store::Result<String> + Send + 'static,
) -> Response {
    match tokio::task::spawn_blocking(f).await {
        Ok(Ok(page)) => html(StatusCode::OK, page, PAGE_CSP),
        Ok(Err(e)) => error_page(&e, lang),
        Err(e) => html(
            StatusCode::INTERNAL_SERVER_ERROR,
            verdict_report::ui::error_page(&format!("the page failed: {e}"), lang),
            PAGE_CSP,
        ),
    }
}

/// `GET /ui/experiments?q=&lang=`.
pub(crate) async fn experiments(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let p = params(&uri);
    let lang = lang(&p, &headers);
    let q = p.get("q").cloned().unwrap_or_default();
    render(lang, move || {
        let page = verdict_app::ui::experiments(state.store(), &q)?;
        Ok(verdict_report::ui::experiments_page(&page, lang))
    })
    .await
}

/// `GET /ui/experiments/{id}?filter=&order_by=&cols=&page=&lang=`.
pub(crate) async fn runs(
    State(state): State<AppState>,
    Path(id): Path<String>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let p = params(&uri);
    let lang = lang(&p, &headers);
    let get = |k: &str| p.get(k).cloned().unwrap_or_default();
    let q = verdict_app::ui::RunsQuery {
        filter: get("filter"),
        order_by: get("order_by"),
        columns: get("cols"),
        page: get("page"),
    };
    render(lang, move || {
        let page = verdict_app::ui::runs(state.store(), &id, &q)?;
        Ok(verdict_report::ui::runs_page(&page, lang))
    })
    .await
}

/// `GET /ui/runs/{id}?lang=`.
pub(crate) async fn run(
    State(state): State<AppState>,
    Path(id): Path<String>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let lang = lang(&params(&uri), &headers);
    render(lang, move || {
        let page = verdict_app::ui::run(state.store(), &id)?;
        Ok(verdict_report::ui::run_page(&page, lang))
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
