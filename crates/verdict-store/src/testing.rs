//! Test databases for the suites that run against both backends (the store's conformance suite,
//! the server's HTTP tests, the importer's tests, the binary's crash tests). Always compiled: it
//! needs nothing beyond the `postgres` client the store already depends on.
//!
//! The one rule, in one place: the PostgreSQL half needs a server at `VERDICT_TEST_PG_URL`
//! (`scripts/pg.sh` starts one and sets it); without it a test **fails**, unless
//! `VERDICT_TEST_PG_OPTIONAL=1` says skipping is known and fine, so CI can never skip it silently.
//! Each [`PgTestDb`] is a fresh database on that server, dropped when the value is dropped. The
//! blocking `postgres` client always runs on a helper thread, so this is safe inside a tokio test.

use std::sync::atomic::{AtomicU64, Ordering};

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// Replaces the database name (the last path segment) of a PostgreSQL URL, keeping any query.
pub fn with_database(url: &str, db: &str) -> String {
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

/// Runs SQL on the test server's admin connection, on a helper thread.
fn admin(server: &str, sql: String) -> Result<(), String> {
    let server = server.to_owned();
    std::thread::spawn(move || {
        let mut c =
            postgres::Client::connect(&server, postgres::NoTls).map_err(|e| e.to_string())?;
        c.batch_execute(&sql).map_err(|e| e.to_string())
    })
    .join()
    .unwrap_or_else(|_| Err("admin thread panicked".into()))
}

/// A fresh database on the test PostgreSQL server.
#[derive(Debug)]
pub struct PgTestDb {
    /// The URL of the fresh database.
    pub url: String,
    server: String,
    name: String,
}

impl PgTestDb {
    /// A fresh database named `verdict_<prefix>_<pid>_<n>`; `None` only when
    /// `VERDICT_TEST_PG_URL` is unset and `VERDICT_TEST_PG_OPTIONAL=1`.
    ///
    /// # Panics
    /// When `VERDICT_TEST_PG_URL` is unset (and PostgreSQL is not optional), or the database
    /// cannot be created; `suite` names the tests in the message.
    pub fn create(prefix: &str, suite: &str) -> Option<PgTestDb> {
        let Ok(server) = std::env::var("VERDICT_TEST_PG_URL") else {
            if std::env::var("VERDICT_TEST_PG_OPTIONAL").as_deref() == Ok("1") {
                eprintln!("SKIPPED: VERDICT_TEST_PG_URL is unset and VERDICT_TEST_PG_OPTIONAL=1");
                return None;
            }
            panic!(
                "VERDICT_TEST_PG_URL is not set: the PostgreSQL half of {suite} cannot run. Run \
                 the tests through `bash scripts/pg.sh …` (scripts/test.sh does), or set \
                 VERDICT_TEST_PG_OPTIONAL=1 to skip it knowingly."
            );
        };
        let name = format!(
            "verdict_{prefix}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        if let Err(e) = admin(&server, format!("CREATE DATABASE {name}")) {
            panic!("create test database {name} on {server}: {e}");
        }
        Some(PgTestDb {
            url: with_database(&server, &name),
            server,
            name,
        })
    }
}

impl Drop for PgTestDb {
    fn drop(&mut self) {
        let _ = admin(
            &self.server,
            format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
        );
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
            super::with_database("postgresql://u@h/old?sslmode=disable", "new"),
            "postgresql://u@h/new?sslmode=disable"
        );
        assert_eq!(
            super::with_database("postgresql://u@h", "new"),
            "postgresql://u@h/new"
        );
    }
}
