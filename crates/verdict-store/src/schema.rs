//! The schema: versioned migrations, the same SQL on both backends.
//!
//! A migration is `(version, name, sql)`; `{ID_PK}` (an auto-increment integer primary key) and
//! `{CLUSTERED}` (`WITHOUT ROWID` on SQLite) are the only dialect switches. Applied versions are
//! recorded in `schema_migrations`; each
//! migration runs in its own transaction together with its record, so a crash mid-migration leaves
//! the previous version intact. On PostgreSQL a transaction-scoped advisory lock serialises two
//! processes migrating at once; on SQLite `BEGIN IMMEDIATE` does.
//!
//! Never edit a migration that has shipped: add a new one.
//!
//! There are no foreign keys: the store checks existence itself inside each write transaction
//! (the run must exist and be active before anything is logged to it), and foreign keys would
//! cost an index probe per inserted metric row.

use crate::db::{Conn, Dialect, Value};
use crate::error::Result;
use crate::store::{Store, now_ms};

pub(crate) const MIGRATIONS: &[(i64, &str, &str)] =
    &[(1, "initial", INITIAL), (2, "training rules", RULES)];

const INITIAL: &str = r"
CREATE TABLE experiments (
    experiment_id {ID_PK},
    name TEXT NOT NULL UNIQUE,
    artifact_location TEXT NOT NULL,
    lifecycle_stage TEXT NOT NULL,
    creation_time BIGINT NOT NULL,
    last_update_time BIGINT NOT NULL
);
CREATE TABLE experiment_tags (
    experiment_id BIGINT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (experiment_id, key)
);
CREATE TABLE runs (
    run_uuid TEXT PRIMARY KEY,
    experiment_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    user_id TEXT,
    status TEXT NOT NULL,
    start_time BIGINT,
    end_time BIGINT,
    artifact_uri TEXT NOT NULL,
    lifecycle_stage TEXT NOT NULL,
    deleted_time BIGINT
);
CREATE INDEX runs_experiment_start ON runs (experiment_id, start_time, run_uuid);
CREATE TABLE params (
    run_uuid TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (run_uuid, key)
);
CREATE TABLE tags (
    run_uuid TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (run_uuid, key)
);
CREATE TABLE metrics (
    run_uuid TEXT NOT NULL,
    key TEXT NOT NULL,
    step BIGINT NOT NULL,
    timestamp BIGINT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    is_nan BIGINT NOT NULL,
    dataset_name TEXT,
    dataset_digest TEXT,
    model_id TEXT,
    PRIMARY KEY (run_uuid, key, step, timestamp, value, is_nan)
){CLUSTERED};
CREATE TABLE latest_metrics (
    run_uuid TEXT NOT NULL,
    key TEXT NOT NULL,
    step BIGINT NOT NULL,
    timestamp BIGINT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    is_nan BIGINT NOT NULL,
    dataset_name TEXT,
    dataset_digest TEXT,
    model_id TEXT,
    PRIMARY KEY (run_uuid, key)
){CLUSTERED};
CREATE TABLE datasets (
    dataset_uuid TEXT PRIMARY KEY,
    experiment_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    digest TEXT NOT NULL,
    source_type TEXT NOT NULL,
    source TEXT NOT NULL,
    schema TEXT,
    profile TEXT,
    UNIQUE (experiment_id, name, digest)
);
CREATE TABLE run_inputs (
    run_uuid TEXT NOT NULL,
    dataset_uuid TEXT NOT NULL,
    PRIMARY KEY (run_uuid, dataset_uuid)
);
CREATE TABLE run_input_tags (
    run_uuid TEXT NOT NULL,
    dataset_uuid TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (run_uuid, dataset_uuid, key)
);
CREATE TABLE run_model_inputs (
    run_uuid TEXT NOT NULL,
    model_id TEXT NOT NULL,
    PRIMARY KEY (run_uuid, model_id)
);
CREATE TABLE run_model_outputs (
    run_uuid TEXT NOT NULL,
    model_id TEXT NOT NULL,
    step BIGINT NOT NULL,
    PRIMARY KEY (run_uuid, model_id)
);
CREATE TABLE logged_models (
    model_id TEXT PRIMARY KEY,
    experiment_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    artifact_location TEXT NOT NULL,
    creation_timestamp_ms BIGINT NOT NULL,
    last_updated_timestamp_ms BIGINT NOT NULL,
    status TEXT NOT NULL,
    status_message TEXT,
    model_type TEXT,
    source_run_id TEXT,
    lifecycle_stage TEXT NOT NULL
);
CREATE INDEX logged_models_experiment ON logged_models (experiment_id, creation_timestamp_ms);
CREATE TABLE logged_model_params (
    model_id TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (model_id, key)
);
CREATE TABLE logged_model_tags (
    model_id TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (model_id, key)
);
CREATE TABLE logged_model_metrics (
    model_id TEXT NOT NULL,
    key TEXT NOT NULL,
    step BIGINT NOT NULL,
    timestamp BIGINT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    is_nan BIGINT NOT NULL,
    run_uuid TEXT NOT NULL,
    dataset_name TEXT,
    dataset_digest TEXT,
    PRIMARY KEY (model_id, key, step, timestamp, value, is_nan, run_uuid)
);
CREATE TABLE registered_models (
    name TEXT PRIMARY KEY,
    creation_timestamp BIGINT NOT NULL,
    last_updated_timestamp BIGINT NOT NULL,
    description TEXT,
    user_id TEXT,
    last_version BIGINT NOT NULL
);
CREATE TABLE registered_model_tags (
    name TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (name, key)
);
CREATE TABLE model_versions (
    name TEXT NOT NULL,
    version BIGINT NOT NULL,
    creation_timestamp BIGINT NOT NULL,
    last_updated_timestamp BIGINT NOT NULL,
    description TEXT,
    user_id TEXT,
    current_stage TEXT NOT NULL,
    source TEXT NOT NULL,
    run_id TEXT,
    run_link TEXT,
    status TEXT NOT NULL,
    status_message TEXT,
    storage_location TEXT,
    model_id TEXT,
    PRIMARY KEY (name, version)
);
CREATE TABLE model_version_tags (
    name TEXT NOT NULL,
    version BIGINT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (name, version, key)
);
CREATE TABLE registered_model_aliases (
    name TEXT NOT NULL,
    alias TEXT NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (name, alias)
);
";

/// Training rules (`rules` module; docs/ledger.md, "Training rules"): rulesets by name, one per
/// experiment at most, each run's engine state (with the name and a copy of the text it was
/// computed for) and its decision history, numbered per run.
const RULES: &str = r"
CREATE TABLE rulesets (
    name TEXT PRIMARY KEY,
    text TEXT NOT NULL,
    created BIGINT NOT NULL
);
CREATE TABLE rule_attachments (
    experiment_id BIGINT PRIMARY KEY,
    ruleset TEXT NOT NULL,
    attached BIGINT NOT NULL
);
CREATE INDEX rule_attachments_ruleset ON rule_attachments (ruleset);
CREATE TABLE rule_state (
    run_uuid TEXT PRIMARY KEY,
    ruleset TEXT,
    text TEXT,
    state TEXT,
    updated BIGINT NOT NULL
);
CREATE TABLE rule_decisions (
    run_uuid TEXT NOT NULL,
    seq BIGINT NOT NULL,
    ruleset TEXT NOT NULL,
    rule TEXT NOT NULL,
    action TEXT NOT NULL,
    step BIGINT NOT NULL,
    metric TEXT NOT NULL,
    reason TEXT NOT NULL,
    timestamp BIGINT NOT NULL,
    PRIMARY KEY (run_uuid, seq)
){CLUSTERED};
";

fn render(sql: &str, dialect: Dialect) -> String {
    let id_pk = match dialect {
        // Exactly `INTEGER PRIMARY KEY`: SQLite then makes it the rowid (max + 1 on insert).
        Dialect::Sqlite => "INTEGER PRIMARY KEY",
        // BY DEFAULT (not ALWAYS) so the Default experiment can be inserted with id 0.
        Dialect::Postgres => "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
    };
    // SQLite stores the two metric tables in primary-key order (no separate rowid b-tree), so a
    // history read is one range scan of the table itself and an insert writes one b-tree.
    let clustered = match dialect {
        Dialect::Sqlite => " WITHOUT ROWID",
        Dialect::Postgres => "",
    };
    sql.replace("{ID_PK}", id_pk)
        .replace("{CLUSTERED}", clustered)
}

fn lock_for_migration(c: &mut dyn Conn) -> Result<()> {
    if c.dialect() == Dialect::Postgres {
        // Any constant works; it only has to be the same in every process.
        c.execute("SELECT pg_advisory_xact_lock(7305861124)", &[])?;
    }
    Ok(())
}

/// Applies the missing migrations and makes sure the `Default` experiment (id 0) exists.
pub(crate) fn migrate(store: &Store) -> Result<()> {
    let dialect = store.dialect();
    store.write(|c| {
        lock_for_migration(c)?;
        c.batch(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                version BIGINT PRIMARY KEY,
                name TEXT NOT NULL,
                applied_at BIGINT NOT NULL
            )",
        )
    })?;
    for &(version, name, sql) in MIGRATIONS {
        store.write(|c| {
            lock_for_migration(c)?;
            let done = c
                .query_opt(
                    "SELECT version FROM schema_migrations WHERE version = $1",
                    &[Value::Int(version)],
                )?
                .is_some();
            if !done {
                c.batch(&render(sql, dialect))?;
                c.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                    &[Value::Int(version), name.into(), Value::Int(now_ms())],
                )?;
            }
            Ok(())
        })?;
    }
    let root = store.inner.artifact_root.clone();
    store.write(|c| {
        let exists = c
            .query_opt(
                "SELECT experiment_id FROM experiments WHERE experiment_id = 0",
                &[],
            )?
            .is_some();
        if !exists {
            let now = now_ms();
            c.execute(
                "INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, \
                 creation_time, last_update_time) VALUES (0, 'Default', $1, 'active', $2, $2) \
                 ON CONFLICT DO NOTHING",
                &[format!("{root}/0").into(), Value::Int(now)],
            )?;
        }
        Ok(())
    })
}
