//! [`ApiError`]: every failure a request can meet, answered as MLflow's `{"error_code", "message"}`
//! with MLflow's HTTP status (docs/design/mlflow.md §1.2, `exceptions.ERROR_CODE_TO_HTTP_STATUS`).
//!
//! The status matters more than the text: the MLflow client retries 408/429/500/502/503/504 for
//! minutes, so nothing a client can fix (bad input, unknown route, missing content type, body too
//! large) may ever come out as a 5xx. Only a failing database or file system does, and a transient
//! PostgreSQL conflict that outlived the store's own retries is a 503 so the client's retry helps.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// An error answer: MLflow error code, HTTP status, message.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ApiError {
    /// MLflow's error code (`INVALID_PARAMETER_VALUE`, …).
    pub code: &'static str,
    /// The HTTP status.
    pub status: StatusCode,
    /// The message (never a server path).
    pub message: String,
}

impl ApiError {
    /// An error with its code, status and message.
    pub fn new(code: &'static str, status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            code,
            status,
            message: message.into(),
        }
    }

    /// `INVALID_PARAMETER_VALUE` (400).
    pub fn invalid(message: impl Into<String>) -> ApiError {
        ApiError::new("INVALID_PARAMETER_VALUE", StatusCode::BAD_REQUEST, message)
    }

    /// `RESOURCE_DOES_NOT_EXIST` (404).
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new("RESOURCE_DOES_NOT_EXIST", StatusCode::NOT_FOUND, message)
    }

    /// `ENDPOINT_NOT_FOUND` (404): no such route (or not with this method).
    pub fn endpoint_not_found(method: &str, path: &str) -> ApiError {
        ApiError::new(
            "ENDPOINT_NOT_FOUND",
            StatusCode::NOT_FOUND,
            format!("No API endpoint {method} {path}"),
        )
    }

    /// `UNAUTHENTICATED` (401).
    pub fn unauthenticated() -> ApiError {
        ApiError::new(
            "UNAUTHENTICATED",
            StatusCode::UNAUTHORIZED,
            "Authentication required: send `Authorization: Bearer <token>` (MLFLOW_TRACKING_TOKEN) \
             or HTTP basic credentials (MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD)",
        )
    }

    /// 413 with `INVALID_PARAMETER_VALUE`: not a 5xx, so the client does not retry it.
    pub fn too_large(limit: u64) -> ApiError {
        ApiError::new(
            "INVALID_PARAMETER_VALUE",
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("Request body exceeds the server's limit of {limit} bytes"),
        )
    }

    /// `INTERNAL_ERROR` (500): the server itself failed.
    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new("INTERNAL_ERROR", StatusCode::INTERNAL_SERVER_ERROR, message)
    }
}

impl From<verdict_store::Error> for ApiError {
    fn from(e: verdict_store::Error) -> ApiError {
        use verdict_store::{Error, ErrorKind};
        if let Error::Database {
            transient: true, ..
        } = &e
        {
            return ApiError::new(
                "TEMPORARILY_UNAVAILABLE",
                StatusCode::SERVICE_UNAVAILABLE,
                e.to_string(),
            );
        }
        let status = match e.kind() {
            // RESOURCE_ALREADY_EXISTS is 400 in MLflow, not 409.
            ErrorKind::InvalidParameterValue | ErrorKind::ResourceAlreadyExists => {
                StatusCode::BAD_REQUEST
            }
            ErrorKind::ResourceDoesNotExist => StatusCode::NOT_FOUND,
            ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        };
        ApiError::new(e.kind().mlflow_code(), status, e.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({"error_code": self.code, "message": self.message});
        let mut resp = (self.status, body.to_string()).into_response();
        resp.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        if self.status == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"verdict\""),
            );
        }
        resp
    }
}

/// A handler's result.
pub type ApiResult<T> = Result<T, ApiError>;
