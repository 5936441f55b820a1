//! Test databases: a SQLite file in a temp dir, or a fresh PostgreSQL database per case.

use std::sync::atomic::{AtomicU64, Ordering};

use verdict_store::{BackendKind, Error, ErrorKind, Store};

pub(crate) struct TestDb {
    pub(crate) url: String,
    _dir: Option<tempfile::TempDir>,
    /// (server URL, database name) to drop afterwards.
    pg: Option<(String, String)>,
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// Replaces the database name (the last path segment) of a PostgreSQL URL.
fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    let mut out = format!("{}/{db}", &base[..path_start]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
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
        let Ok(server) = std::env::var("VERDICT_TEST_PG_URL") else {
            if std::env::var("VERDICT_TEST_PG_OPTIONAL").as_deref() == Ok("1") {
                eprintln!("SKIPPED: VERDICT_TEST_PG_URL is unset and VERDICT_TEST_PG_OPTIONAL=1");
                return None;
            }
            panic!(
                "VERDICT_TEST_PG_URL is not set: the PostgreSQL half of the store conformance \
                 suite cannot run. Run the tests through `bash scripts/pg.sh …` (scripts/test.sh \
                 does), or set VERDICT_TEST_PG_OPTIONAL=1 to skip it knowingly."
            );
        };
        let name = format!(
            "verdict_t{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.subsec_nanos())
                .unwrap_or(0)
        );
        let mut admin =
            postgres::Client::connect(&server, postgres::NoTls).expect("connect to the PG server");
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create test database");
        Some(TestDb {
            url: with_database(&server, &name),
            _dir: None,
            pg: Some((server, name)),
        })
    }

    pub(crate) fn open(&self) -> Store {
        Store::open(&self.url).unwrap_or_else(|e| panic!("open {}: {e}", self.url))
    }

    pub(crate) fn backend(&self) -> BackendKind {
        if self.pg.is_some() || self.url.starts_with("postgres") {
            BackendKind::Postgres
        } else {
            BackendKind::Sqlite
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((server, name)) = &self.pg
            && let Ok(mut admin) = postgres::Client::connect(server, postgres::NoTls)
        {
            {
                let _ =
                    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
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

#[cfg(test)]
mod tests {
    #[test]
    fn database_name_is_replaced() {
        assert_eq!(
            super::with_database("postgresql://u@h:5/old", "new"),
            "postgresql://u@h:5/new"
        );
        assert_eq!(
            super::with_database("postgresql://u@h/old?sslmode=disable", "n"),
            "postgresql://u@h/n?sslmode=disable"
        );
        assert_eq!(
            super::with_database("postgresql://u@h", "n"),
            "postgresql://u@h/n"
        );
    }
}
