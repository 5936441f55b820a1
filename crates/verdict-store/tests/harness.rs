//! Test databases: a SQLite file in a temp dir, or a fresh PostgreSQL database per case.

use verdict_store::testing::PgTestDb;
use verdict_store::{BackendKind, Error, ErrorKind, Store, StoreOptions};

pub(crate) struct TestDb {
    pub(crate) url: String,
    _dir: Option<tempfile::TempDir>,
    /// The fresh PostgreSQL database, dropped afterwards.
    pg: Option<PgTestDb>,
}

/// Set in a child process re-executed by a crash test: the database to write to.
pub(crate) const CHILD_URL_VAR: &str = "VERDICT_TEST_CHILD_STORE_URL";

impl TestDb {
    /// In a crash-test child, the parent's database (no cleanup: the parent owns it).
    fn child() -> Option<TestDb> {
        std::env::var(CHILD_URL_VAR).ok().map(|url| TestDb {
            url,
            _dir: None,
            pg: None,
        })
    }

    pub(crate) fn sqlite() -> TestDb {
        if let Some(db) = Self::child() {
            return db;
        }
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite:///{}", dir.path().join("verdict.db").display());
        TestDb {
            url,
            _dir: Some(dir),
            pg: None,
        }
    }

    /// A fresh database on the test server; `None` (skip) only when
    /// `VERDICT_TEST_PG_OPTIONAL=1` and no server is configured.
    pub(crate) fn postgres() -> Option<TestDb> {
        if let Some(db) = Self::child() {
            return Some(db);
        }
        let pg = PgTestDb::create("t", "the store conformance suite")?;
        Some(TestDb {
            url: pg.url.clone(),
            _dir: None,
            pg: Some(pg),
        })
    }

    pub(crate) fn open(&self) -> Store {
        Store::open(&self.url).unwrap_or_else(|e| panic!("open {}: {e}", self.url))
    }

    pub(crate) fn open_with(&self, options: &StoreOptions) -> Store {
        Store::open_with(&self.url, options).unwrap_or_else(|e| panic!("open {}: {e}", self.url))
    }

    pub(crate) fn backend(&self) -> BackendKind {
        if self.pg.is_some() || self.url.starts_with("postgres") {
            BackendKind::Postgres
        } else {
            BackendKind::Sqlite
        }
    }
}

impl TestDb {
    /// Runs SQL statements on the test database behind the store's back (to inject a failure,
    /// e.g. a trigger that refuses a row), on a connection of its own.
    pub(crate) fn execute_raw(&self, sql: &str) {
        match self.backend() {
            BackendKind::Sqlite => {
                let path = self
                    .url
                    .strip_prefix("sqlite:///")
                    .expect("a sqlite:/// URL");
                rusqlite::Connection::open(path)
                    .and_then(|c| c.execute_batch(sql))
                    .unwrap_or_else(|e| panic!("raw SQL on {path}: {e}"));
            }
            BackendKind::Postgres => {
                postgres::Client::connect(&self.url, postgres::NoTls)
                    .and_then(|mut c| c.batch_execute(sql))
                    .unwrap_or_else(|e| panic!("raw SQL on {}: {e}", self.url));
            }
        }
    }
}

/// The error kind of a result that must fail.
#[track_caller]
pub(crate) fn err_kind<T: std::fmt::Debug>(r: Result<T, Error>) -> (ErrorKind, String) {
    match r {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => (e.kind(), e.to_string()),
    }
}
