//! The store's one error type.
//!
//! Every error carries an [`ErrorKind`] that says which MLflow error code the HTTP layer answers
//! with (`verdict-server` owns the code → HTTP status table; docs/design/mlflow.md §1.2). The messages follow
//! MLflow's wording where clients or users are known to look at them.

use std::path::PathBuf;

/// What the server answers for an [`Error`] (MLflow `error_code`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// `INVALID_PARAMETER_VALUE` (HTTP 400): bad filter, limit exceeded, param overwrite, inactive run.
    InvalidParameterValue,
    /// `RESOURCE_DOES_NOT_EXIST` (HTTP 404).
    ResourceDoesNotExist,
    /// `RESOURCE_ALREADY_EXISTS` (HTTP 400 in MLflow, not 409).
    ResourceAlreadyExists,
    /// `INTERNAL_ERROR` (HTTP 500): the database or the file system failed.
    Internal,
}

impl ErrorKind {
    /// MLflow's name for the code, as sent in `{"error_code": …}`.
    pub fn mlflow_code(self) -> &'static str {
        match self {
            ErrorKind::InvalidParameterValue => "INVALID_PARAMETER_VALUE",
            ErrorKind::ResourceDoesNotExist => "RESOURCE_DOES_NOT_EXIST",
            ErrorKind::ResourceAlreadyExists => "RESOURCE_ALREADY_EXISTS",
            ErrorKind::Internal => "INTERNAL_ERROR",
        }
    }
}

/// An error from the store or the artifact repository.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request is malformed or breaks a rule (MLflow `INVALID_PARAMETER_VALUE`).
    #[error("{0}")]
    InvalidParameter(String),
    /// The entity the request names does not exist (MLflow `RESOURCE_DOES_NOT_EXIST`).
    #[error("{0}")]
    NotFound(String),
    /// An entity with that unique name already exists (MLflow `RESOURCE_ALREADY_EXISTS`).
    #[error("{0}")]
    AlreadyExists(String),
    /// The database failed (connection, I/O, constraint the store did not expect).
    #[error("database error: {message}")]
    Database {
        /// The driver's message, with the operation that failed.
        message: String,
        /// A PostgreSQL deadlock or serialization failure that stayed after the store's retries;
        /// the request may succeed if sent again.
        transient: bool,
    },
    /// A file-system operation of the artifact repository failed. `path` is relative to the
    /// artifact root, so the message never shows where the root is on the server's disk.
    #[error("artifact {path:?} (under the artifact root): {error}")]
    Artifact {
        /// The path the operation was about, relative to the artifact root.
        path: String,
        /// The underlying error (in the message, and not a `source`, so a whole-chain print
        /// shows it once).
        error: std::io::Error,
    },
    /// A file-system operation of opening the artifact root or a SQLite file failed.
    #[error("{}: {error}", path.display())]
    Io {
        /// The path the operation was about.
        path: PathBuf,
        /// The underlying error (in the message, and not a `source`, so a whole-chain print
        /// shows it once).
        error: std::io::Error,
    },
}

impl Error {
    /// The MLflow error code this error maps to.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::InvalidParameter(_) => ErrorKind::InvalidParameterValue,
            Error::NotFound(_) => ErrorKind::ResourceDoesNotExist,
            Error::AlreadyExists(_) => ErrorKind::ResourceAlreadyExists,
            Error::Database { .. } | Error::Io { .. } | Error::Artifact { .. } => {
                ErrorKind::Internal
            }
        }
    }

    /// An `INVALID_PARAMETER_VALUE` error (a 400) with this message.
    pub fn invalid(message: impl Into<String>) -> Error {
        Error::InvalidParameter(message.into())
    }

    /// A `RESOURCE_DOES_NOT_EXIST` error (a 404) with this message.
    pub fn not_found(message: impl Into<String>) -> Error {
        Error::NotFound(message.into())
    }

    pub(crate) fn exists(message: impl Into<String>) -> Error {
        Error::AlreadyExists(message.into())
    }

    pub(crate) fn db(message: impl Into<String>) -> Error {
        Error::Database {
            message: message.into(),
            transient: false,
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            error: source,
        }
    }
}

/// The store's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
