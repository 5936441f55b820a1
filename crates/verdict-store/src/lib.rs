//! The experiment ledger: MLflow's tracking and registry entities on SQLite or PostgreSQL, and a
//! local artifact directory with confined paths.
//!
//! [`Store`] is the one entry point. Its methods are synchronous and `Store` is `Clone + Send +
//! Sync` (an `Arc` inside), so an async server calls them through `tokio::task::spawn_blocking`:
//! ```ignore
//! let store = store.clone();
//! let run = tokio::task::spawn_blocking(move || store.get_run(&run_id)).await??;
//! ```
//! Do not call a PostgreSQL-backed store's operations directly on an async worker thread: the
//! `postgres` client drives its own small runtime and refuses to block inside another one.
//! [`Store::open`] and dropping the last clone are safe anywhere (both hop to a helper thread);
//! the conformance case `works_from_tokio` checks this on both backends.
//!
//! The crate knows nothing about HTTP or MLflow's JSON; `verdict-server` maps the REST messages
//! onto these methods and [`ErrorKind`] onto MLflow's error codes.
//!
//! # Why rusqlite + postgres (and not sqlx)
//! docs/design/stack.md §2 measured sqlx 0.9 (sqlite+postgres+migrate) at 38–55 s for a cold dev build
//! against 26 s for rusqlite (bundled) + tokio-postgres, on this 2-core machine (here the whole
//! dependency tree of this crate checked in 75 s cold, with tokio shared with the future server).
//! The store needs neither
//! compile-time-checked queries (two dialects defeat them) nor an async driver (SQLite is
//! synchronous underneath anyway, and the single-writer rule wants one connection behind a lock).
//! So the store is written once against a four-method connection trait (`db::Conn`) with two small
//! implementations, and the same SQL text runs on both backends (PostgreSQL `$N` placeholders,
//! rewritten to SQLite's `?N`). The few dialect switches are named at their call sites: the
//! auto-increment experiment id and `WITHOUT ROWID` in the schema, `ESCAPE ''` after `LIKE` and
//! `COLLATE "C"` in `ORDER BY` on PostgreSQL, and its advisory lock around migrations.
//!
//! # Backends, durability and concurrency
//! - SQLite (the default): [`Store::open`] takes a plain path, or a URL in SQLAlchemy's form as
//!   MLflow users write it: `sqlite:///relative.db`, `sqlite:////absolute.db`. Bundled SQLite, WAL journal, `busy_timeout` 10 s. One writer connection
//!   behind a mutex serves as the single-writer queue: concurrent writers in the process wait for
//!   the mutex instead of racing for SQLite's lock, so they never see "database is locked";
//!   readers use their own connections and run next to the writer (WAL). `synchronous=FULL` by
//!   default: each commit fsyncs the WAL before the call returns, so an acknowledged write survives
//!   SIGKILL and power loss. [`SqliteSync::Normal`] is the faster opt-in; it still survives SIGKILL,
//!   because a committed transaction is already in the WAL file in the OS page cache when the call
//!   returns, and the next open replays the WAL — only an OS crash or power loss can lose the last
//!   commits.
//! - PostgreSQL: `postgresql://user@host[:port]/db` (also `postgres://`, and the key=value form).
//!   A pool of at most [`PG_MAX_CONNECTIONS`] clients; commits use the server's default
//!   `synchronous_commit=on`. Writes that meet a deadlock or serialization failure are retried
//!   (rows are written in a fixed key order, so they are rare).
//! - Every write is one transaction. Nothing stored is overwritten silently: params are
//!   write-once, metric history is append-only, and an upsert only ever replaces a tag value or a
//!   latest-metric row by the documented rule.
//!
//! # Schema and migrations
//! `schema::MIGRATIONS` is an ordered list of versioned SQL scripts; `schema_migrations` records
//! which ran. Opening a store applies the missing ones in one transaction each, so opening twice
//! (or from two processes) is harmless. Hot-path indexes: `latest_metrics (run_uuid, key)` (its
//! primary key), `runs (experiment_id, start_time, run_uuid)`, and `metrics (run_uuid, key, step, …)`
//! (its primary key, which also dedups exact repeats as MLflow's SQL store does).
//!
//! # Conventions
//! - **Latest metric.** `Run::metrics` holds one point per key: the maximum by (step, timestamp,
//!   value), compared lexicographically — MLflow's SQL store rule
//!   (`sqlalchemy_store._update_latest_metrics_if_necessary`). It is kept in `latest_metrics` and
//!   updated in the same transaction as the history; a batch first reduces its points per key, then
//!   upserts one row per key, so the upkeep is one statement per distinct key.
//! - **NaN and ±∞.** Values round-trip exactly. ±∞ are stored as IEEE doubles (MLflow's SQL
//!   store clamps them to ±1.797…e308; we do not, so they come back as ±∞). NaN is stored as
//!   `value = 0, is_nan = 1`, as MLflow's SQL store does (SQLite cannot store a NaN: it would
//!   become NULL). In the latest-metric rule a NaN therefore compares as its stored 0 — at equal
//!   (step, timestamp) it replaces a negative value and loses to a positive one — exactly as in
//!   MLflow's SQL store. In filters, `metrics.x <op> v` follows IEEE like MLflow's in-memory
//!   `SearchUtils.filter`: a NaN latest value satisfies only `!=`.
//! - **Ordering.** `order_by` clauses apply in order, then the base order `start_time DESC,
//!   run_id ASC` for runs. In both directions, runs with a NaN metric come after every number and
//!   runs without the ordered metric/param/tag/attribute (NULL) come last, as MLflow's
//!   `SearchUtils.sort` does. Text sorts by code point (`COLLATE "C"` on PostgreSQL).
//! - **Paging.** A page token is the standard-base64 encoding of the JSON text `{"offset": N}` —
//!   the same token MLflow's SQL store hands out — where N is the number of rows already returned
//!   for the same query. A token that does not decode is an `INVALID_PARAMETER_VALUE`.
//! - **Downsampling** (`get_metric_history_bulk_interval`), MLflow 3.17's rule: per run (in the
//!   order given, a repeated id again, an unknown one without points), the n points of the key
//!   within [start_step, end_step] ordered by (step, timestamp, value, is_nan); if n ≤ m
//!   (max_results) all of them, otherwise the first row of each of m `NTILE(m)` buckets, the
//!   last kept row replaced by the last row of the range (so the first and last points are
//!   always there, and m = 1 gives only the last). Rows, not steps, are sampled: many values at
//!   one step are spread like any others. The cost per run is one count and one index range
//!   scan of the key's rows.
//! - **Filters** follow MLflow's grammar (see the `filter` module); `tests/fixtures/search_runs.json`
//!   holds what MLflow's own `SearchUtils`/`SearchExperimentsUtils` answer for ~110 filters and
//!   order_by lists, and the conformance suite checks both backends give the same results and the
//!   same first error.
//! - **LIKE** is case-sensitive and **ILIKE** case-insensitive on both backends (SQLite runs with
//!   `case_sensitive_like=ON`); `%` and `_` are the only wildcards and there is no escape character,
//!   as in MLflow's evaluator. ILIKE folds case with SQL `LOWER`: ASCII only on SQLite, Unicode on
//!   PostgreSQL.
//! - Limits follow MLflow's `validation.py` (docs/design/mlflow.md §1.9); see [`limits`].

#![warn(missing_docs)]

pub mod artifacts;
mod db;
mod error;
mod experiments;
mod filter;
mod import;
mod import_models;
pub mod limits;
mod metrics;
mod models;
mod registry;
pub mod rules;
mod runs;
mod schema;
mod search;
mod sql;
mod store;
pub mod testing;
mod token;
mod types;

pub use db::{PG_MAX_CONNECTIONS, SqliteSync};
pub use error::{Error, ErrorKind, Result};
pub use import::{ImportOutcome, ImportRun};
pub use import_models::{
    ImportLoggedModel, ImportModelMetric, ImportModelVersion, ImportRegisteredModel, Imported,
};
pub use rules::{HookInput, HookOutput, NewDecision, RulesHook, Ruleset, StoredDecision};
pub use store::{BackendKind, Store, StoreOptions};
pub use types::*;
