//! One error type for every operation: a message for what the caller asked wrongly, or a context
//! line over the library error that caused it (its `source()`), so a front end can print the whole
//! chain — the CLI on one line, the server as MLflow's error JSON, Python as an exception.

/// What an operation of this crate returns.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why an operation failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request itself is invalid (a setting, a combination of inputs); the message names it
    /// and says what was expected.
    #[error("{0}")]
    Invalid(String),
    /// A step failed; `context` says which (the file, the run), `source` why.
    #[error("{context}")]
    Context {
        /// What was being done.
        context: String,
        /// The cause.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A library error passed on as it is (it already names its file, row and column).
    #[error(transparent)]
    Library(Box<dyn std::error::Error + Send + Sync>),
}

impl Error {
    /// True when the request was invalid rather than a step failing.
    pub fn is_invalid(&self) -> bool {
        matches!(self, Error::Invalid(_))
    }
}

macro_rules! library_errors {
    ($($t:ty),* $(,)?) => {$(
        impl From<$t> for Error {
            fn from(e: $t) -> Self {
                Error::Library(Box::new(e))
            }
        }
    )*};
}

library_errors!(
    verdict_io::ReadError,
    verdict_io::PredictionError,
    verdict_io::AlignError,
    verdict_io::EmbeddingError,
    verdict_io::RankingError,
    verdict_io::WriteError,
    verdict_io::config::ConfigError,
    verdict_core::compare::CompareError,
    verdict_core::retrieval::RetrievalError,
    verdict_core::knn::KnnError,
    verdict_core::ensemble::EnsembleError,
    verdict_core::label_review::LabelReviewError,
    verdict_store::Error,
);

/// Adds a context line to a failing step, as `anyhow::Context` does, inside a library.
pub(crate) trait ResultExt<T> {
    /// Wraps the error under `context()`.
    fn with_context(self, context: impl FnOnce() -> String) -> Result<T>;
}

impl<T, E: std::error::Error + Send + Sync + 'static> ResultExt<T> for std::result::Result<T, E> {
    fn with_context(self, context: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|e| Error::Context {
            context: context(),
            source: Box::new(e),
        })
    }
}

/// `return Err(Error::Invalid(format!(…)))`.
macro_rules! bail {
    ($($t:tt)*) => {
        return Err($crate::Error::Invalid(format!($($t)*)))
    };
}
pub(crate) use bail;
