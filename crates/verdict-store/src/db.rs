//! The thin layer under the store: one connection trait over SQLite (rusqlite) and PostgreSQL
//! (the synchronous `postgres` client), values of four types, and transactions.
//!
//! All SQL is written once with PostgreSQL's `$1, $2, …` placeholders. SQLite gets the same text with
//! `$` turned into `?` (outside quotes), and `?NNN` is SQLite's explicit positional index, so a
//! placeholder may repeat or appear out of order in both dialects. Integers are `BIGINT`, floats
//! `DOUBLE PRECISION`, everything else `TEXT`, so the four [`Value`] types cover every column.
//!
//! SQLite: one writer connection behind a mutex (the single-writer queue: writers wait in-process
//! for the mutex instead of racing for SQLite's file lock, so "database is locked" cannot happen
//! between our own writers) and a small pool of reader connections, which WAL lets run next to the
//! writer. Every write is one `BEGIN IMMEDIATE … COMMIT`.
//!
//! PostgreSQL: a pool of clients (at most [`PG_MAX_CONNECTIONS`]), each with its own cache of
//! prepared statements. Writes that hit a deadlock or a serialization failure are retried.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Duration;

use crate::error::{Error, Result};

/// The SQL dialect, for the few statements that differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dialect {
    Sqlite,
    Postgres,
}

/// A bound parameter or a fetched column.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
}

impl From<i64> for Value {
    fn from(v: i64) -> Value {
        Value::Int(v)
    }
}

impl From<f64> for Value {
    fn from(v: f64) -> Value {
        Value::Real(v)
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Value {
        Value::Text(v.to_owned())
    }
}

impl From<String> for Value {
    fn from(v: String) -> Value {
        Value::Text(v)
    }
}

impl From<&String> for Value {
    fn from(v: &String) -> Value {
        Value::Text(v.clone())
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        match v {
            Some(v) => v.into(),
            None => Value::Null,
        }
    }
}

/// One fetched row.
#[derive(Clone, Debug)]
pub(crate) struct Row(pub(crate) Vec<Value>);

impl Row {
    fn get(&self, i: usize) -> Result<&Value> {
        self.0
            .get(i)
            .ok_or_else(|| Error::db(format!("column {i} missing from a result row")))
    }

    pub(crate) fn text(&self, i: usize) -> Result<String> {
        match self.get(i)? {
            Value::Text(s) => Ok(s.clone()),
            Value::Int(v) => Ok(v.to_string()),
            other => Err(Error::db(format!(
                "column {i}: expected text, got {other:?}"
            ))),
        }
    }

    pub(crate) fn opt_text(&self, i: usize) -> Result<Option<String>> {
        match self.get(i)? {
            Value::Null => Ok(None),
            _ => self.text(i).map(Some),
        }
    }

    pub(crate) fn int(&self, i: usize) -> Result<i64> {
        match self.get(i)? {
            Value::Int(v) => Ok(*v),
            other => Err(Error::db(format!(
                "column {i}: expected an integer, got {other:?}"
            ))),
        }
    }

    pub(crate) fn opt_int(&self, i: usize) -> Result<Option<i64>> {
        match self.get(i)? {
            Value::Null => Ok(None),
            _ => self.int(i).map(Some),
        }
    }

    pub(crate) fn real(&self, i: usize) -> Result<f64> {
        match self.get(i)? {
            Value::Real(v) => Ok(*v),
            // SQLite keeps an integral REAL as an integer when it fits; read it back as a float.
            #[allow(clippy::cast_precision_loss)]
            Value::Int(v) => Ok(*v as f64),
            other => Err(Error::db(format!(
                "column {i}: expected a float, got {other:?}"
            ))),
        }
    }
}

/// A connection inside a transaction.
pub(crate) trait Conn {
    fn dialect(&self) -> Dialect;
    /// Runs one statement; returns the number of rows changed.
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64>;
    /// Runs one query and fetches every row.
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>>;
    /// Runs several statements without parameters (DDL).
    fn batch(&mut self, sql: &str) -> Result<()>;
}

impl dyn Conn + '_ {
    pub(crate) fn query_opt(&mut self, sql: &str, params: &[Value]) -> Result<Option<Row>> {
        Ok(self.query(sql, params)?.into_iter().next())
    }
}

/// Turns `$N` placeholders into SQLite's `?N`, leaving quoted text alone.
pub(crate) fn sqlite_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut quote: Option<char> = None;
    for c in sql.chars() {
        match quote {
            Some(q) => {
                if c == q {
                    quote = None;
                }
                out.push(c);
            }
            None => match c {
                '\'' | '"' => {
                    quote = Some(c);
                    out.push(c);
                }
                '$' => out.push('?'),
                _ => out.push(c),
            },
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// SQLite

pub(crate) struct SqliteConn(rusqlite::Connection);

fn sqlite_err(e: rusqlite::Error) -> Error {
    if let rusqlite::Error::SqliteFailure(code, msg) = &e
        && code.code == rusqlite::ErrorCode::ConstraintViolation
    {
        return Error::exists(format!(
            "unique constraint failed: {}",
            msg.as_deref().unwrap_or("constraint violation")
        ));
    }
    Error::db(format!("sqlite: {e}"))
}

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(match self {
            Value::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Value::Int(v) => ToSqlOutput::Borrowed(ValueRef::Integer(*v)),
            Value::Real(v) => ToSqlOutput::Borrowed(ValueRef::Real(*v)),
            Value::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
        })
    }
}

impl Conn for SqliteConn {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64> {
        let mut stmt = self
            .0
            .prepare_cached(&sqlite_placeholders(sql))
            .map_err(sqlite_err)?;
        let n = stmt
            .execute(rusqlite::params_from_iter(params.iter()))
            .map_err(sqlite_err)?;
        Ok(n as u64)
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
        use rusqlite::types::ValueRef;
        let mut stmt = self
            .0
            .prepare_cached(&sqlite_placeholders(sql))
            .map_err(sqlite_err)?;
        let ncol = stmt.column_count();
        let mut rows = stmt
            .query(rusqlite::params_from_iter(params.iter()))
            .map_err(sqlite_err)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(sqlite_err)? {
            let mut vals = Vec::with_capacity(ncol);
            for i in 0..ncol {
                vals.push(match row.get_ref(i).map_err(sqlite_err)? {
                    ValueRef::Null => Value::Null,
                    ValueRef::Integer(v) => Value::Int(v),
                    ValueRef::Real(v) => Value::Real(v),
                    ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
                    ValueRef::Blob(_) => {
                        return Err(Error::db(format!("column {i}: unexpected blob")));
                    }
                });
            }
            out.push(Row(vals));
        }
        Ok(out)
    }

    fn batch(&mut self, sql: &str) -> Result<()> {
        self.0.execute_batch(sql).map_err(sqlite_err)
    }
}

/// How SQLite commits are made durable (see the crate docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SqliteSync {
    /// `synchronous=FULL`: the WAL is fsynced at every commit. An acknowledged write survives a
    /// process kill and a power loss. The default.
    Full,
    /// `synchronous=NORMAL`: the WAL is written (to the OS) at every commit and fsynced at
    /// checkpoints. An acknowledged write survives a process kill (SIGKILL) — the OS still holds the
    /// WAL pages and the next open replays them — but the last commits may be lost on a power loss.
    Normal,
}

pub(crate) struct SqliteDb {
    path: PathBuf,
    sync: SqliteSync,
    writer: Mutex<SqliteConn>,
    readers: Mutex<Vec<SqliteConn>>,
}

const SQLITE_MAX_IDLE_READERS: usize = 8;

/// What a SQLite store path must be, checked before SQLite is asked (its own message, "unable to
/// open database file", names no reason): not a directory, not below a file, and, when it exists
/// and is not empty, a SQLite database (the 16-byte header `SQLite format 3\0`).
fn check_sqlite_path(path: &Path) -> Result<()> {
    const EXPECTED: &str = "expected a SQLite database file (created if missing) or a \
                            postgresql:// URL";
    let shown = path.display();
    if path.is_dir() {
        return Err(Error::invalid(format!(
            "{shown} is a directory; {EXPECTED}"
        )));
    }
    if let Some(file) = crate::artifacts::file_ancestor_of(path) {
        return Err(Error::invalid(format!(
            "{shown}: {} is a file, not a directory; {EXPECTED}",
            file.display()
        )));
    }
    if let Ok(mut f) = std::fs::File::open(path) {
        use std::io::Read as _;
        let mut head = [0u8; 16];
        let n = f.read(&mut head).unwrap_or(0);
        if n > 0 && (n < 16 || &head != b"SQLite format 3\0") {
            return Err(Error::invalid(format!(
                "{shown} exists but is not a SQLite database; {EXPECTED}"
            )));
        }
    }
    Ok(())
}

impl SqliteDb {
    pub(crate) fn open(path: &Path, sync: SqliteSync) -> Result<SqliteDb> {
        check_sqlite_path(path)?;
        if let Some(dir) = path.parent()
            && !dir.as_os_str().is_empty()
            && !dir.exists()
        {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        let writer = Self::connect(path, sync)?;
        Ok(SqliteDb {
            path: path.to_owned(),
            sync,
            writer: Mutex::new(writer),
            readers: Mutex::new(Vec::new()),
        })
    }

    fn connect(path: &Path, sync: SqliteSync) -> Result<SqliteConn> {
        let conn = rusqlite::Connection::open(path).map_err(sqlite_err)?;
        conn.busy_timeout(Duration::from_secs(10))
            .map_err(sqlite_err)?;
        conn.set_prepared_statement_cache_capacity(256);
        let sync = match sync {
            SqliteSync::Full => "FULL",
            SqliteSync::Normal => "NORMAL",
        };
        // journal_mode answers with a row, so it goes through query_row. Switching a fresh file
        // to WAL needs an exclusive lock, and SQLite answers SQLITE_BUSY at once, without the
        // busy handler, when another connection is doing the same (several processes or threads
        // opening one new database): so it is retried here for as long as `busy_timeout`.
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        let mode: String = loop {
            match conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0)) {
                Ok(mode) => break mode,
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if matches!(
                        e.code,
                        rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
                    ) && std::time::Instant::now() < deadline =>
                {
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err(e) => return Err(sqlite_err(e)),
            }
        };
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(Error::db(format!(
                "sqlite: could not switch {} to WAL (journal_mode is {mode})",
                path.display()
            )));
        }
        conn.execute_batch(&format!(
            "PRAGMA synchronous={sync}; PRAGMA foreign_keys=OFF; PRAGMA case_sensitive_like=ON;"
        ))
        .map_err(sqlite_err)?;
        Ok(SqliteConn(conn))
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn write<T>(&self, f: &mut dyn FnMut(&mut dyn Conn) -> Result<T>) -> Result<T> {
        let mut conn = lock(&self.writer);
        conn.0
            .execute_batch("BEGIN IMMEDIATE")
            .map_err(sqlite_err)?;
        match f(&mut *conn) {
            Ok(v) => match conn.0.execute_batch("COMMIT") {
                Ok(()) => Ok(v),
                Err(e) => {
                    let _ = conn.0.execute_batch("ROLLBACK");
                    Err(sqlite_err(e))
                }
            },
            Err(e) => {
                // A failed ROLLBACK (nothing open any more) leaves nothing to undo.
                let _ = conn.0.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }

    pub(crate) fn read<T>(&self, f: &mut dyn FnMut(&mut dyn Conn) -> Result<T>) -> Result<T> {
        let reader = lock(&self.readers).pop();
        let mut conn = match reader {
            Some(c) => c,
            None => Self::connect(&self.path, self.sync)?,
        };
        // A read transaction gives one snapshot for the several queries of a page.
        conn.0.execute_batch("BEGIN").map_err(sqlite_err)?;
        let out = f(&mut conn);
        let end = conn.0.execute_batch("COMMIT").map_err(sqlite_err);
        let mut idle = lock(&self.readers);
        if idle.len() < SQLITE_MAX_IDLE_READERS && end.is_ok() {
            idle.push(conn);
        }
        let v = out?;
        end?;
        Ok(v)
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock cannot leave a transaction open (the connection is either
    // committed or rolled back before unlock), so a poisoned lock is still safe to use.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

/// Most clients the PostgreSQL pool opens at once.
pub const PG_MAX_CONNECTIONS: usize = 16;

pub(crate) struct PgConn {
    client: postgres::Client,
    stmts: HashMap<String, postgres::Statement>,
}

#[derive(Debug)]
struct PgError(String);

impl std::fmt::Display for PgError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PgError {}

fn pg_err(e: postgres::Error) -> Error {
    use postgres::error::SqlState;
    if let Some(db) = e.as_db_error() {
        let code = db.code();
        if *code == SqlState::UNIQUE_VIOLATION {
            return Error::exists(format!("unique constraint failed: {}", db.message()));
        }
        if *code == SqlState::T_R_DEADLOCK_DETECTED || *code == SqlState::T_R_SERIALIZATION_FAILURE
        {
            return Error::Database {
                message: format!("postgres: {}", db.message()),
                transient: true,
            };
        }
        return Error::db(format!("postgres: {} ({})", db.message(), code.code()));
    }
    Error::db(format!("postgres: {e}"))
}

impl postgres::types::ToSql for Value {
    fn to_sql(
        &self,
        ty: &postgres::types::Type,
        out: &mut bytes::BytesMut,
    ) -> std::result::Result<postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>>
    {
        use postgres::types::{IsNull, Type};
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(v) => match *ty {
                Type::INT8 => v.to_sql(ty, out),
                Type::INT4 => i32::try_from(*v)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(*v)?.to_sql(ty, out),
                #[allow(clippy::cast_precision_loss)]
                Type::FLOAT8 => (*v as f64).to_sql(ty, out),
                Type::TEXT | Type::VARCHAR | Type::UNKNOWN => v.to_string().to_sql(ty, out),
                _ => Err(Box::new(PgError(format!("cannot bind an integer as {ty}")))),
            },
            Value::Real(v) => match *ty {
                Type::FLOAT8 => v.to_sql(ty, out),
                #[allow(clippy::cast_possible_truncation)]
                Type::FLOAT4 => (*v as f32).to_sql(ty, out),
                #[allow(clippy::cast_possible_truncation)]
                Type::INT8 if v.fract() == 0.0 && v.abs() < 9.0e18 => (*v as i64).to_sql(ty, out),
                _ => Err(Box::new(PgError(format!("cannot bind a float as {ty}")))),
            },
            Value::Text(s) => s.to_sql(ty, out),
        }
    }

    fn accepts(_ty: &postgres::types::Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}

impl PgConn {
    fn statement(&mut self, sql: &str) -> Result<postgres::Statement> {
        if let Some(s) = self.stmts.get(sql) {
            return Ok(s.clone());
        }
        if self.stmts.len() > 512 {
            self.stmts.clear();
        }
        let s = self.client.prepare(sql).map_err(pg_err)?;
        self.stmts.insert(sql.to_owned(), s.clone());
        Ok(s)
    }
}

impl Conn for PgConn {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64> {
        let stmt = self.statement(sql)?;
        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> = params
            .iter()
            .map(|v| v as &(dyn postgres::types::ToSql + Sync))
            .collect();
        self.client.execute(&stmt, &refs).map_err(pg_err)
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
        use postgres::types::Type;
        let stmt = self.statement(sql)?;
        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> = params
            .iter()
            .map(|v| v as &(dyn postgres::types::ToSql + Sync))
            .collect();
        let rows = self.client.query(&stmt, &refs).map_err(pg_err)?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let mut vals = Vec::with_capacity(row.len());
            for (i, col) in row.columns().iter().enumerate() {
                let ty = col.type_();
                let v = if *ty == Type::VOID {
                    Ok(None)
                } else if *ty == Type::INT8 {
                    row.try_get::<_, Option<i64>>(i).map(|v| v.map(Value::Int))
                } else if *ty == Type::INT4 {
                    row.try_get::<_, Option<i32>>(i)
                        .map(|v| v.map(|v| Value::Int(i64::from(v))))
                } else if *ty == Type::INT2 {
                    row.try_get::<_, Option<i16>>(i)
                        .map(|v| v.map(|v| Value::Int(i64::from(v))))
                } else if *ty == Type::BOOL {
                    row.try_get::<_, Option<bool>>(i)
                        .map(|v| v.map(|v| Value::Int(i64::from(v))))
                } else if *ty == Type::FLOAT8 {
                    row.try_get::<_, Option<f64>>(i).map(|v| v.map(Value::Real))
                } else if *ty == Type::FLOAT4 {
                    row.try_get::<_, Option<f32>>(i)
                        .map(|v| v.map(|v| Value::Real(f64::from(v))))
                } else {
                    row.try_get::<_, Option<String>>(i)
                        .map(|v| v.map(Value::Text))
                };
                vals.push(v.map_err(pg_err)?.unwrap_or(Value::Null));
            }
            out.push(Row(vals));
        }
        Ok(out)
    }

    fn batch(&mut self, sql: &str) -> Result<()> {
        self.client.batch_execute(sql).map_err(pg_err)
    }
}

pub(crate) struct PgDb {
    config: postgres::Config,
    idle: Mutex<(Vec<PgConn>, usize)>,
    freed: Condvar,
}

impl Drop for PgDb {
    fn drop(&mut self) {
        // Each client owns a runtime, and dropping a runtime inside an async context panics; the
        // last `Store` clone may well be dropped there (a server's state at shutdown).
        let idle = std::mem::take(&mut lock(&self.idle).0);
        if !idle.is_empty() {
            let _ = std::thread::spawn(move || drop(idle)).join();
        }
    }
}

impl PgDb {
    pub(crate) fn open(url: &str) -> Result<PgDb> {
        let config: postgres::Config = url
            .parse()
            .map_err(|e| Error::invalid(format!("invalid PostgreSQL URL: {e}")))?;
        let db = PgDb {
            config,
            idle: Mutex::new((Vec::new(), 0)),
            freed: Condvar::new(),
        };
        // Connect once now so a bad URL fails at open, not at the first request.
        let conn = db.take()?;
        db.give(conn, true);
        Ok(db)
    }

    fn take(&self) -> Result<PgConn> {
        let mut g = lock(&self.idle);
        loop {
            if let Some(c) = g.0.pop() {
                return Ok(c);
            }
            if g.1 < PG_MAX_CONNECTIONS {
                g.1 += 1;
                drop(g);
                // Connect on a helper thread: the `postgres` client starts its own small runtime,
                // which must not happen on a thread that is already inside a tokio runtime (an
                // async `main` calling `Store::open`).
                let config = self.config.clone();
                let connected = std::thread::spawn(move || config.connect(postgres::NoTls))
                    .join()
                    .map_err(|_| Error::db("postgres: the connecting thread panicked"))?;
                return match connected {
                    Ok(client) => Ok(PgConn {
                        client,
                        stmts: HashMap::new(),
                    }),
                    Err(e) => {
                        lock(&self.idle).1 -= 1;
                        self.freed.notify_one();
                        Err(pg_err(e))
                    }
                };
            }
            g = self
                .freed
                .wait(g)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
    }

    fn give(&self, conn: PgConn, healthy: bool) {
        let mut g = lock(&self.idle);
        if healthy && !conn.client.is_closed() {
            g.0.push(conn);
        } else {
            g.1 -= 1;
        }
        drop(g);
        self.freed.notify_one();
    }

    fn transaction<T>(
        &self,
        begin: &str,
        f: &mut dyn FnMut(&mut dyn Conn) -> Result<T>,
    ) -> Result<T> {
        let mut conn = self.take()?;
        if let Err(e) = conn.client.batch_execute(begin) {
            self.give(conn, false);
            return Err(pg_err(e));
        }
        match f(&mut conn) {
            Ok(v) => match conn.client.batch_execute("COMMIT") {
                Ok(()) => {
                    self.give(conn, true);
                    Ok(v)
                }
                Err(e) => {
                    let healthy = conn.client.batch_execute("ROLLBACK").is_ok();
                    self.give(conn, healthy);
                    Err(pg_err(e))
                }
            },
            Err(e) => {
                let healthy = conn.client.batch_execute("ROLLBACK").is_ok();
                self.give(conn, healthy);
                Err(e)
            }
        }
    }

    pub(crate) fn write<T>(&self, f: &mut dyn FnMut(&mut dyn Conn) -> Result<T>) -> Result<T> {
        let mut attempt = 0;
        loop {
            match self.transaction("BEGIN", f) {
                Err(Error::Database {
                    transient: true, ..
                }) if attempt < 5 => {
                    attempt += 1;
                    std::thread::sleep(Duration::from_millis(5 << attempt));
                }
                other => return other,
            }
        }
    }

    pub(crate) fn read<T>(&self, f: &mut dyn FnMut(&mut dyn Conn) -> Result<T>) -> Result<T> {
        self.transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", f)
    }
}
