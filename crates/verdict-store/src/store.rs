//! [`Store`]: opening, the backend switch, transactions, ids and clocks. The operations live in
//! `experiments`, `runs`, `metrics`, `models` and `registry`, each as an `impl Store` block.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::db::{Conn, Dialect, PgDb, SqliteDb, SqliteSync};
use crate::error::{Error, Result};
use crate::rules::RulesHook;

/// Which database a store runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BackendKind {
    /// Sqlite.
    Sqlite,
    /// Postgres.
    Postgres,
}

/// How to open a store. There is no `Default`: say what the artifact root is.
#[derive(Clone, Debug)]
pub struct StoreOptions {
    /// Prefix of new experiments' `artifact_location` (`<root>/<experiment_id>`), e.g.
    /// `mlflow-artifacts:` (→ `mlflow-artifacts:/1`) or `file:///data/artifacts`.
    pub default_artifact_root: String,
    /// SQLite durability (ignored for PostgreSQL).
    pub sqlite_sync: SqliteSync,
    /// What evaluates training rules on metric writes (see the `rules` module docs); `None`
    /// stores metrics without evaluating any rules.
    pub rules_hook: Option<Arc<dyn RulesHook>>,
}

/// Equal when the artifact roots and sync modes are, and the hooks are the same object (or
/// both absent).
impl PartialEq for StoreOptions {
    fn eq(&self, other: &StoreOptions) -> bool {
        let same_hook = match (&self.rules_hook, &other.rules_hook) {
            (None, None) => true,
            (Some(a), Some(b)) => std::ptr::addr_eq(Arc::as_ptr(a), Arc::as_ptr(b)),
            _ => false,
        };
        self.default_artifact_root == other.default_artifact_root
            && self.sqlite_sync == other.sqlite_sync
            && same_hook
    }
}

impl Eq for StoreOptions {}

impl StoreOptions {
    /// Artifact root `mlflow-artifacts:` (what `mlflow server --artifacts-destination` hands out),
    /// `synchronous=FULL` and no rules hook.
    pub fn mlflow_artifacts() -> StoreOptions {
        StoreOptions {
            default_artifact_root: "mlflow-artifacts:".to_owned(),
            sqlite_sync: SqliteSync::Full,
            rules_hook: None,
        }
    }
}

pub(crate) enum Backend {
    Sqlite(SqliteDb),
    Postgres(PgDb),
}

pub(crate) struct Inner {
    pub(crate) db: Backend,
    pub(crate) artifact_root: String,
    pub(crate) rules_hook: Option<Arc<dyn RulesHook>>,
}

/// The ledger. Cheap to clone; every clone shares the same connections.
#[derive(Clone)]
pub struct Store {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct("Store");
        match &self.inner.db {
            Backend::Sqlite(db) => d.field("sqlite", &db.path()),
            Backend::Postgres(_) => d.field("postgres", &"…"),
        };
        d.field("artifact_root", &self.inner.artifact_root)
            .field("rules_hook", &self.inner.rules_hook)
            .finish()
    }
}

/// Where a store URL points.
#[derive(Debug, PartialEq, Eq)]
enum Location {
    Sqlite(PathBuf),
    Postgres(String),
}

fn parse_location(url: &str) -> Result<Location> {
    if url.starts_with("postgresql://") || url.starts_with("postgres://") {
        return Ok(Location::Postgres(url.to_owned()));
    }
    if let Some(rest) = url.strip_prefix("sqlite://") {
        // SQLAlchemy's (and so MLflow's) convention: the path is everything after the third
        // slash, so `sqlite:///mlflow.db` is relative and `sqlite:////abs/mlflow.db` absolute.
        let path = rest.strip_prefix('/').unwrap_or(rest);
        if path.is_empty() || path.contains(":memory:") || path.starts_with("file:") {
            return Err(Error::invalid(format!(
                "unsupported SQLite URL {url:?}: give a file path, sqlite:///relative.db or \
                 sqlite:////absolute.db (in-memory databases are not supported)"
            )));
        }
        return Ok(Location::Sqlite(PathBuf::from(path)));
    }
    if url.contains("://") {
        return Err(Error::invalid(format!(
            "unsupported store URL {url:?}: use a path, sqlite:///relative.db, \
             sqlite:////absolute.db or postgresql://user@host/db"
        )));
    }
    if url.is_empty() {
        return Err(Error::invalid("empty store URL"));
    }
    Ok(Location::Sqlite(PathBuf::from(url)))
}

impl Store {
    /// Opens (creating and migrating if needed) the store at `url` with
    /// [`StoreOptions::mlflow_artifacts`].
    pub fn open(url: &str) -> Result<Store> {
        Store::open_with(url, &StoreOptions::mlflow_artifacts())
    }

    /// Opens the store at `url`: a plain path, `sqlite:///relative.db`, `sqlite:////absolute.db`
    /// (SQLAlchemy's convention, as in MLflow's tracking URIs) or
    /// `postgresql://user@host[:port]/db`.
    pub fn open_with(url: &str, options: &StoreOptions) -> Result<Store> {
        // Opening blocks (connect, migrate); doing it on a helper thread makes it safe to call
        // from inside an async runtime too (the `postgres` client refuses to block inside one).
        Store::open_with_location(parse_location(url)?, options)
    }

    /// Opens a SQLite store at a file path.
    pub fn open_sqlite(path: &Path, options: &StoreOptions) -> Result<Store> {
        Store::open_with_location(Location::Sqlite(path.to_owned()), options)
    }

    fn open_with_location(location: Location, options: &StoreOptions) -> Result<Store> {
        let options = options.clone();
        std::thread::spawn(move || Store::open_location(location, &options))
            .join()
            .map_err(|_| Error::db("opening the store panicked"))?
    }

    fn open_location(location: Location, options: &StoreOptions) -> Result<Store> {
        let db = match location {
            Location::Sqlite(path) => Backend::Sqlite(SqliteDb::open(&path, options.sqlite_sync)?),
            Location::Postgres(url) => Backend::Postgres(PgDb::open(&url)?),
        };
        let store = Store {
            inner: Arc::new(Inner {
                db,
                artifact_root: options
                    .default_artifact_root
                    .trim_end_matches('/')
                    .to_owned(),
                rules_hook: options.rules_hook.clone(),
            }),
        };
        crate::schema::migrate(&store)?;
        Ok(store)
    }

    /// The rules hook the store was opened with, for the write path.
    pub(crate) fn rules_hook(&self) -> Option<&dyn RulesHook> {
        self.inner.rules_hook.as_deref()
    }

    /// Which database this store runs on.
    pub fn backend(&self) -> BackendKind {
        match &self.inner.db {
            Backend::Sqlite(_) => BackendKind::Sqlite,
            Backend::Postgres(_) => BackendKind::Postgres,
        }
    }

    /// The schema version after migration (the number of the last migration applied).
    pub fn schema_version(&self) -> Result<i64> {
        self.read(|c| {
            let row = c.query_opt("SELECT MAX(version) FROM schema_migrations", &[])?;
            Ok(row
                .map(|r| r.opt_int(0))
                .transpose()?
                .flatten()
                .unwrap_or(0))
        })
    }

    pub(crate) fn dialect(&self) -> Dialect {
        match &self.inner.db {
            Backend::Sqlite(_) => Dialect::Sqlite,
            Backend::Postgres(_) => Dialect::Postgres,
        }
    }

    /// Runs `f` in one write transaction (committed when `f` returns `Ok`, rolled back otherwise).
    /// `f` may run more than once on PostgreSQL (retry after a deadlock), so it must not have side
    /// effects outside the transaction.
    pub(crate) fn write<T>(&self, mut f: impl FnMut(&mut dyn Conn) -> Result<T>) -> Result<T> {
        match &self.inner.db {
            Backend::Sqlite(db) => db.write(&mut f),
            Backend::Postgres(db) => db.write(&mut f),
        }
    }

    /// Runs `f` in one read-only transaction (one snapshot).
    pub(crate) fn read<T>(&self, mut f: impl FnMut(&mut dyn Conn) -> Result<T>) -> Result<T> {
        match &self.inner.db {
            Backend::Sqlite(db) => db.read(&mut f),
            Backend::Postgres(db) => db.read(&mut f),
        }
    }
}

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// 32 lowercase hex digits of a random (version 4, RFC 4122 variant) UUID.
pub(crate) fn uuid4_hex() -> Result<String> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).map_err(|e| Error::db(format!("no random source: {e}")))?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let mut s = String::with_capacity(32);
    for byte in b {
        s.push_str(&format!("{byte:02x}"));
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_urls() {
        // SQLAlchemy: three slashes then a relative path, four for an absolute one.
        assert_eq!(
            parse_location("sqlite:////tmp/x.db").ok(),
            Some(Location::Sqlite(PathBuf::from("/tmp/x.db")))
        );
        assert_eq!(
            parse_location("sqlite:///mlflow.db").ok(),
            Some(Location::Sqlite(PathBuf::from("mlflow.db")))
        );
        assert_eq!(
            parse_location("sqlite://rel.db").ok(),
            Some(Location::Sqlite(PathBuf::from("rel.db")))
        );
        assert_eq!(
            parse_location("verdict.db").ok(),
            Some(Location::Sqlite(PathBuf::from("verdict.db")))
        );
        assert!(matches!(
            parse_location("postgresql://u@h/db"),
            Ok(Location::Postgres(_))
        ));
        assert!(parse_location("mysql://x").is_err());
        assert!(parse_location("sqlite://:memory:").is_err());
        assert!(parse_location("sqlite://").is_err());
    }

    #[test]
    fn uuid_shape() {
        let u = uuid4_hex().expect("random");
        assert_eq!(u.len(), 32);
        assert!(
            u.bytes()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        assert_eq!(&u[12..13], "4");
    }
}
