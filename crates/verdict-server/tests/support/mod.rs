//! Test environment: a real store (SQLite in a temp dir, or a fresh PostgreSQL database on the
//! server at `VERDICT_TEST_PG_URL`), a real artifact root, and the server's router called
//! in-process (`tower::ServiceExt::oneshot`, no sockets).
//!
//! PostgreSQL follows the store conformance suite's rule: without `VERDICT_TEST_PG_URL` the
//! PostgreSQL tests fail, unless `VERDICT_TEST_PG_OPTIONAL=1` says skipping is fine.

#![allow(dead_code, unreachable_pub)]

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt as _;
use serde_json::Value;
use tower::ServiceExt as _;
use verdict_server::{AppState, Limits, app};
use verdict_store::Store;
use verdict_store::artifacts::ArtifactRepo;
use verdict_store::testing::PgTestDb;

pub struct Env {
    pub router: Router,
    pub store: Store,
    /// The store's URL (to open another handle on it, e.g. with a rules hook).
    pub url: String,
    pub dir: tempfile::TempDir,
    /// The fresh PostgreSQL database, dropped with the environment.
    pg: Option<PgTestDb>,
}

pub fn default_limits() -> Limits {
    Limits {
        max_json_bytes: 1024 * 1024,
        max_artifact_bytes: 64 * 1024,
    }
}

impl Env {
    pub fn sqlite(token: Option<&str>, limits: Limits) -> Env {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite:///{}", dir.path().join("verdict.db").display());
        Env::build(&url, dir, None, token, limits)
    }

    /// `None` only when PostgreSQL is knowingly optional and not configured.
    pub fn postgres(token: Option<&str>, limits: Limits) -> Option<Env> {
        let pg = PgTestDb::create("srv", "the server tests")?;
        let dir = tempfile::tempdir().expect("temp dir");
        let url = pg.url.clone();
        Some(Env::build(&url, dir, Some(pg), token, limits))
    }

    fn build(
        url: &str,
        dir: tempfile::TempDir,
        pg: Option<PgTestDb>,
        token: Option<&str>,
        limits: Limits,
    ) -> Env {
        let store = Store::open(url).unwrap_or_else(|e| panic!("open {url}: {e}"));
        let arts = ArtifactRepo::open(&dir.path().join("artifacts")).expect("artifact root");
        let state = AppState::new(store.clone(), arts, token.map(str::to_owned), limits);
        Env {
            router: app(state),
            store,
            url: url.to_owned(),
            dir,
            pg,
        }
    }

    pub fn artifact_root(&self) -> std::path::PathBuf {
        self.dir.path().join("artifacts")
    }

    pub async fn send(&self, req: Request<Body>) -> Resp {
        let resp = self
            .router
            .clone()
            .oneshot(req)
            .await
            .expect("router is infallible");
        let status = resp.status();
        let content_type = resp
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let headers = resp.headers().clone();
        let body = resp
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes()
            .to_vec();
        Resp {
            status,
            content_type,
            headers,
            body,
        }
    }

    pub async fn get(&self, path_and_query: &str) -> Resp {
        self.send(
            Request::get(path_and_query)
                .body(Body::empty())
                .expect("request"),
        )
        .await
    }

    pub async fn post(&self, path: &str, json: Value) -> Resp {
        self.method_json("POST", path, json).await
    }

    pub async fn method_json(&self, method: &str, path: &str, json: Value) -> Resp {
        self.send(
            Request::builder()
                .method(method)
                .uri(path)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(json.to_string()))
                .expect("request"),
        )
        .await
    }

    pub async fn put_bytes(&self, path: &str, data: Vec<u8>) -> Resp {
        self.send(
            Request::put(path)
                .header(header::CONTENT_TYPE, "application/octet-stream")
                .body(Body::from(data))
                .expect("request"),
        )
        .await
    }

    /// POST and expect 200; returns the JSON answer.
    pub async fn ok(&self, path: &str, json: Value) -> Value {
        let r = self.post(path, json).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text());
        r.json()
    }

    /// GET and expect 200; returns the JSON answer.
    pub async fn ok_get(&self, path_and_query: &str) -> Value {
        let r = self.get(path_and_query).await;
        assert_eq!(r.status, StatusCode::OK, "{path_and_query}: {}", r.text());
        r.json()
    }

    pub async fn new_experiment(&self, name: &str) -> String {
        let v = self
            .ok(
                "/api/2.0/mlflow/experiments/create",
                serde_json::json!({"name": name}),
            )
            .await;
        v["experiment_id"]
            .as_str()
            .expect("experiment_id")
            .to_owned()
    }

    pub async fn new_run(&self, exp: &str) -> String {
        let v = self
            .ok(
                "/api/2.0/mlflow/runs/create",
                serde_json::json!({"experiment_id": exp, "start_time": 1000}),
            )
            .await;
        v["run"]["info"]["run_id"]
            .as_str()
            .expect("run_id")
            .to_owned()
    }
}

pub struct Resp {
    pub status: StatusCode,
    pub content_type: String,
    pub headers: axum::http::HeaderMap,
    pub body: Vec<u8>,
}

impl Resp {
    /// A header's value as text ("" when absent).
    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    /// Asserts an MLflow error answer: status, JSON content type, error_code, a message.
    #[track_caller]
    pub fn assert_error(&self, status: u16, code: &str) {
        assert_eq!(self.status.as_u16(), status, "status of {}", self.text());
        assert!(
            self.content_type.starts_with("application/json"),
            "content type {:?}",
            self.content_type
        );
        let v = self.json();
        assert_eq!(v["error_code"], code, "{}", self.text());
        assert!(
            v["message"].as_str().is_some_and(|m| !m.is_empty()),
            "message in {}",
            self.text()
        );
    }
}
