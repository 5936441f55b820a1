//! Live training rules in the ledger: stored rulesets, their attachment to experiments, each
//! run's engine state and decision history, and [`RulesHook`], what the store calls on every
//! metric write of a run that has rules.
//!
//! # Why a hook
//! The rules engine (`verdict-core`'s `rules`) is pure computation and the store must not depend
//! on it (ARCHITECTURE.md: `verdict-store` has no workspace dependencies; the engine has no I/O).
//! So the store knows rules only as text and state only as an opaque string: it keeps the
//! rulesets (TOML, stored verbatim), which experiment or run uses which, each run's state and
//! its decision history, and calls the [`RulesHook`] that the application installs with
//! [`StoreOptions::rules_hook`](crate::StoreOptions::rules_hook). The application's hook parses
//! the text, restores the engine from the state, feeds it the new points and returns the new
//! state, the decisions and the run tags to set. A store without a hook (the importer, the
//! command-line tools) stores metrics as before and evaluates nothing.
//!
//! # Why inside the write's transaction
//! The hook runs inside the transaction that stores the metrics, so a decision never exists
//! without the metric points that triggered it and a point is never stored without the rules
//! having seen it: a crash, a failed statement later in the same write (a param conflict in the
//! same `log_batch`) or a PostgreSQL retry leaves both or neither. Writers to one run are
//! serialised on the run's state row (`SELECT … FOR UPDATE` on PostgreSQL; SQLite's single
//! writer does it anyway), so no state update is lost; and because the state is stored, a
//! restarted server resumes exactly where it stopped. The hook may be called more than once for
//! one write (a PostgreSQL transaction retried after a deadlock): it must be pure.
//!
//! # Semantics
//! - **Which ruleset.** A run's ruleset is the one its run tag [`RULES_TAG`] (`verdict.rules`)
//!   names, if the tag is set and not empty (set in the same write counts), else the one
//!   attached to its experiment ([`Store::attach_rules`]), else none. One ruleset per run.
//! - **When.** On every write that stores metric points (`log_metric`, `log_batch`,
//!   `log_records`) to a run with a ruleset, when a hook is installed. Imports
//!   (`Store::import_run`) do not run rules: an import writes history, not a live run, and must
//!   stay idempotent; the first live write after it replays the imported points.
//! - **State and replay.** The state row keeps the ruleset's name and a copy of its text. The
//!   hook gets the state it returned last time for the same name and text; otherwise (first
//!   write, another ruleset, a changed text) it gets `state: None` and the run's whole stored
//!   history before this write, so the engine can replay it.
//! - **Never lose metrics.** A tag naming no stored ruleset, a hook that returns `Err`, or a
//!   hook output the store refuses (a tag breaking MLflow's limits, a reason that is not a JSON
//!   object) does not fail the write: the points are stored, the run tag [`ERROR_TAG`]
//!   (`verdict.decision.error`) says what went wrong, and the state and decisions stay as they
//!   were. The next successful evaluation removes the error tag.
//! - **Output.** The new state replaces the old one; decisions are appended to the run's
//!   history with `seq` 1, 2, … per run and the write's time; the returned tags are upserted with
//!   the write's own tags (a hook tag wins over a request tag of the same key).
//! - **Cost.** Without a hook, nothing. With a hook, a write to a run without rules costs one
//!   indexed query (the run's tag, its experiment's attachment); a run with rules adds the
//!   locked state read, the hook and the state update (plus the decisions it returns). On
//!   PostgreSQL, where every statement is a round trip, the state update and the decision tags
//!   are not statements of their own: they ride on the write's first metrics `INSERT` as
//!   data-modifying CTEs (`Deferred`), so a judged write makes as many round trips as a plain
//!   one (BENCHMARKS.md measures what remains).
//! - **Deletion.** Runs and experiments are only soft-deleted in the store (there is no purge),
//!   so their state and decisions stay with them. A ruleset cannot be deleted while it is
//!   attached to an experiment; runs whose tag names a deleted ruleset get the error tag.
//!
//! Tables (docs/ledger.md, "Training rules"): `rulesets`, `rule_attachments`, `rule_state`,
//! `rule_decisions`.

use std::collections::BTreeMap;

use crate::db::{Conn, Dialect, Value};
use crate::error::{Error, Result};
use crate::experiments::{check_experiment_active, experiment_row, parse_experiment_id};
use crate::limits;
use crate::runs::run_info;
use crate::sql::insert_rows;
use crate::store::{Store, now_ms};
use crate::types::{Metric, Tag};

/// The run tag that names a run's ruleset (it overrides the experiment's attachment).
pub const RULES_TAG: &str = "verdict.rules";

/// The run tag the store sets when the rules of a write could not be evaluated (an unknown
/// ruleset, a hook error); removed by the next successful evaluation.
pub const ERROR_TAG: &str = "verdict.decision.error";

/// Longest ruleset name (characters), as long as a run tag key may be.
const MAX_RULESET_NAME_LENGTH: usize = limits::MAX_ENTITY_KEY_LENGTH;

/// Longest ruleset text (bytes).
const MAX_RULESET_TEXT_BYTES: usize = 1024 * 1024;

/// What the store calls, **inside the metric write's transaction**, for a run that has rules.
///
/// It must be pure (the same input gives the same output): a PostgreSQL transaction retried
/// after a deadlock calls it again. `Err(message)` does not fail the write; the message becomes
/// the run tag [`ERROR_TAG`] (see the module docs).
pub trait RulesHook: Send + Sync + std::fmt::Debug {
    /// Evaluates this write's metrics and returns the new state, the decisions and the tags.
    fn on_metrics(&self, input: &HookInput<'_>) -> Result<HookOutput, String>;
}

/// What the hook is given.
#[derive(Clone, Copy, Debug)]
pub struct HookInput<'a> {
    /// The run written to.
    pub run_id: &'a str,
    /// The ruleset's name.
    pub ruleset: &'a str,
    /// The ruleset's stored text (TOML, stored verbatim).
    pub text: &'a str,
    /// The state the hook returned last time for this (run, ruleset, text); `None` the first
    /// time, and after the run's ruleset or its text changed.
    pub state: Option<&'a str>,
    /// When `state` is `None`: every metric point the run already had before this write,
    /// ordered by (key, step, timestamp) (then value; keys by code point), so the hook can
    /// replay it. Empty otherwise.
    pub history: &'a [Metric],
    /// This write's metric points, in request order (an exact repeat of a stored point too).
    pub metrics: &'a [Metric],
}

/// What the hook returns.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HookOutput {
    /// The new state: stored, and passed back as [`HookInput::state`] next time.
    pub state: String,
    /// Decisions, appended to the run's decision history in this order.
    pub decisions: Vec<NewDecision>,
    /// Run tags to upsert in the same transaction (e.g. `verdict.decision`); each must pass
    /// MLflow's run tag limits.
    pub tags: Vec<Tag>,
}

/// A decision the hook made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewDecision {
    /// The rule's name.
    pub rule: String,
    /// The action (`stop`, `rollback`, `reduce_lr`, `alert`, …).
    pub action: String,
    /// The step the decision was made at.
    pub step: i64,
    /// The monitored metric.
    pub metric: String,
    /// The structured reason: a JSON object, stored as text (anything else is refused).
    pub reason: String,
}

/// A decision as stored in a run's history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredDecision {
    /// Position in the run's history: 1, 2, … in the order the decisions were made.
    pub seq: i64,
    /// The ruleset that made it.
    pub ruleset: String,
    /// The rule's name.
    pub rule: String,
    /// The action.
    pub action: String,
    /// The step.
    pub step: i64,
    /// The monitored metric.
    pub metric: String,
    /// The reason, a JSON object as text.
    pub reason: String,
    /// When the write that made it was stored (epoch ms).
    pub timestamp: i64,
}

/// A stored ruleset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ruleset {
    /// Its name.
    pub name: String,
    /// Its text (TOML), verbatim.
    pub text: String,
    /// When the name was first stored (epoch ms); replacing the text keeps it.
    pub created: i64,
    /// Ids of the experiments it is attached to, in numeric order.
    pub experiments: Vec<String>,
}

/// What the rules step of a write leaves for the rest of the write to do.
#[derive(Debug, Default)]
pub(crate) struct RulesOutcome {
    /// Tags to upsert after the request's own (so they win a shared key).
    pub(crate) tags: Vec<Tag>,
    /// The run carries [`ERROR_TAG`] from an earlier write and this evaluation succeeded.
    pub(crate) clear_error: bool,
    /// The state update (and its tags) the caller must run with its metrics insert.
    pub(crate) deferred: Option<Deferred>,
}

/// PostgreSQL: the run's new state and the returned tags, written by the metrics insert of the
/// same write (`WITH st AS (UPDATE rule_state …), tg AS (INSERT INTO tags …) INSERT INTO metrics
/// …`), one statement instead of two. The state row is already locked by this transaction, and
/// the CTEs run whether or not the insert stores a row, so the outcome is that of two statements.
#[derive(Debug)]
pub(crate) struct Deferred {
    /// `WITH …` up to the main statement, its placeholders `$1…$n`.
    pub(crate) sql: String,
    /// The values of those placeholders.
    pub(crate) params: Vec<Value>,
}

impl Deferred {
    fn new(run_id: &str, state: String, now: i64, tags: &[Tag]) -> Self {
        let mut sql = String::from(
            "WITH st AS (UPDATE rule_state SET state = $2, updated = $3 WHERE run_uuid = $1)",
        );
        let mut params: Vec<Value> = vec![run_id.into(), state.into(), Value::Int(now)];
        // One row per key, the last value winning (as the tag upsert of a batch does).
        let mut unique: Vec<&Tag> = Vec::new();
        for t in tags.iter().rev() {
            if !unique.iter().any(|u| u.key == t.key) {
                unique.push(t);
            }
        }
        if !unique.is_empty() {
            sql.push_str(", tg AS (INSERT INTO tags (run_uuid, key, value) VALUES ");
            for (i, t) in unique.iter().rev().enumerate() {
                let sep = if i == 0 { "" } else { ", " };
                sql.push_str(&format!("{sep}($1, ${}, ${})", 4 + 2 * i, 5 + 2 * i));
                params.push(t.key.as_str().into());
                params.push(t.value.as_str().into());
            }
            sql.push_str(" ON CONFLICT (run_uuid, key) DO UPDATE SET value = EXCLUDED.value)");
        }
        Deferred { sql, params }
    }
}

/// The run's ruleset as one query sees it: the tag's name and text, the attachment's, and
/// whether the error tag is set.
struct Resolved {
    tag: Option<String>,
    tag_text: Option<String>,
    attached: Option<String>,
    attached_text: Option<String>,
    has_error: bool,
    /// The state row as the same query read it (`None`: no row yet).
    state: Option<StateRow>,
}

/// What [`resolve`] and [`resolve_locked`] read: the tag's ruleset and text, the attachment's,
/// the error tag, the state row.
const RESOLVE_COLUMNS: &str = "SELECT t.value, rt.text, a.ruleset, ra.text, e.value, s.run_uuid, \
                               s.ruleset, s.text, s.state";
/// … and where from, for the run `r` (`$2` is the rules tag's key, `$3` the error tag's).
const RESOLVE_JOINS: &str = "LEFT JOIN tags t ON t.run_uuid = r.run_uuid AND t.key = $2 \
     LEFT JOIN rulesets rt ON rt.name = t.value \
     LEFT JOIN rule_attachments a ON a.experiment_id = r.experiment_id \
     LEFT JOIN rulesets ra ON ra.name = a.ruleset \
     LEFT JOIN tags e ON e.run_uuid = r.run_uuid AND e.key = $3";

fn resolve(c: &mut dyn Conn, run_id: &str) -> Result<Resolved> {
    let row = c.query_opt(
        &format!(
            "{RESOLVE_COLUMNS} FROM runs r {RESOLVE_JOINS} \
             LEFT JOIN rule_state s ON s.run_uuid = r.run_uuid WHERE r.run_uuid = $1"
        ),
        &[run_id.into(), RULES_TAG.into(), ERROR_TAG.into()],
    )?;
    let Some(row) = row else {
        return Err(crate::runs::run_not_found(run_id));
    };
    resolved_from(&row)
}

fn resolved_from(row: &crate::db::Row) -> Result<Resolved> {
    Ok(Resolved {
        tag: row.opt_text(0)?.filter(|s| !s.is_empty()),
        tag_text: row.opt_text(1)?,
        attached: row.opt_text(2)?,
        attached_text: row.opt_text(3)?,
        has_error: row.opt_text(4)?.is_some(),
        state: match row.opt_text(5)? {
            Some(_) => Some((row.opt_text(6)?, row.opt_text(7)?, row.opt_text(8)?)),
            None => None,
        },
    })
}

/// Runs this process has seen with a state row (PostgreSQL only): for them the write's first
/// statement reads the ruleset and locks the state row at once ([`resolve_locked`]), one round
/// trip instead of two. Only a hint: a wrong entry (a run whose state row is gone, an id of
/// another database) costs one query that finds nothing and falls back. Bounded: emptied when
/// it reaches [`HINT_LIMIT`] entries.
static STATE_HINT: std::sync::Mutex<std::collections::BTreeSet<String>> =
    std::sync::Mutex::new(std::collections::BTreeSet::new());
const HINT_LIMIT: usize = 100_000;

fn hinted(run_id: &str) -> bool {
    STATE_HINT.lock().is_ok_and(|h| h.contains(run_id))
}

fn remember(run_id: &str) {
    if let Ok(mut h) = STATE_HINT.lock() {
        if h.len() >= HINT_LIMIT {
            h.clear();
        }
        h.insert(run_id.to_string());
    }
}

/// PostgreSQL, a run with a state row: [`resolve`]'s query on the state row as its base table,
/// locking it (`FOR UPDATE OF s`: after waiting for another writer of the run, PostgreSQL reads
/// the locked row's committed version). `None` when the run has no state row.
fn resolve_locked(c: &mut dyn Conn, run_id: &str) -> Result<Option<Resolved>> {
    let row = c.query_opt(
        &format!(
            "{RESOLVE_COLUMNS} FROM rule_state s JOIN runs r ON r.run_uuid = s.run_uuid \
             {RESOLVE_JOINS} WHERE s.run_uuid = $1 FOR UPDATE OF s"
        ),
        &[run_id.into(), RULES_TAG.into(), ERROR_TAG.into()],
    )?;
    row.map(|row| resolved_from(&row)).transpose()
}

fn ruleset_text(c: &mut dyn Conn, name: &str) -> Result<Option<String>> {
    c.query_opt("SELECT text FROM rulesets WHERE name = $1", &[name.into()])?
        .map(|r| r.text(0))
        .transpose()
}

/// A run's state row: `(ruleset, text, state)`.
type StateRow = (Option<String>, Option<String>, Option<String>);

/// The run's state row, locked for the rest of the transaction on PostgreSQL (created empty
/// first if missing, so that two first writers wait for each other too): `(ruleset, text,
/// state)`.
fn lock_state(c: &mut dyn Conn, run_id: &str) -> Result<StateRow> {
    let sql = match c.dialect() {
        // SQLite's `BEGIN IMMEDIATE` already holds the only write lock.
        Dialect::Sqlite => "SELECT ruleset, text, state FROM rule_state WHERE run_uuid = $1",
        Dialect::Postgres => {
            "SELECT ruleset, text, state FROM rule_state WHERE run_uuid = $1 FOR UPDATE"
        }
    };
    let read = |c: &mut dyn Conn| -> Result<Option<StateRow>> {
        c.query_opt(sql, &[run_id.into()])?
            .map(|r| Ok((r.opt_text(0)?, r.opt_text(1)?, r.opt_text(2)?)))
            .transpose()
    };
    if let Some(row) = read(c)? {
        return Ok(row);
    }
    c.execute(
        "INSERT INTO rule_state (run_uuid, ruleset, text, state, updated) \
         VALUES ($1, NULL, NULL, NULL, $2) ON CONFLICT (run_uuid) DO NOTHING",
        &[run_id.into(), Value::Int(now_ms())],
    )?;
    read(c)?.ok_or_else(|| Error::db("rule state row missing after insert"))
}

/// Every stored point of the run, ordered by (key by code point, step, timestamp, value).
fn run_history(c: &mut dyn Conn, run_id: &str) -> Result<Vec<Metric>> {
    let key_order = crate::search::text_order("key", c.dialect());
    let key_col = crate::metrics::HISTORY_COLUMN_COUNT;
    c.query(
        &format!(
            "SELECT {}, key FROM metrics WHERE run_uuid = $1 \
             ORDER BY {key_order}, step, timestamp, value, is_nan",
            crate::metrics::HISTORY_COLUMNS
        ),
        &[run_id.into()],
    )?
    .iter()
    .map(|r| crate::metrics::metric_from_row(&r.text(key_col)?, r))
    .collect()
}

/// Refuses a hook output the store could not store or serve.
fn check_output(out: &HookOutput) -> std::result::Result<(), String> {
    for (i, t) in out.tags.iter().enumerate() {
        limits::validate_tag(t, &format!("tags[{i}]"))
            .map_err(|e| format!("the rules hook returned a tag the store refuses: {e}"))?;
    }
    for d in &out.decisions {
        match serde_json::from_str::<serde_json::Value>(&d.reason) {
            Ok(serde_json::Value::Object(_)) => {}
            _ => {
                return Err(format!(
                    "the rules hook returned a decision of rule {:?} whose reason is not a JSON \
                     object",
                    d.rule
                ));
            }
        }
    }
    Ok(())
}

/// The [`ERROR_TAG`] with `message`, cut to a run tag's length limit.
fn error_tag(message: &str) -> Tag {
    let value: String = message.chars().take(limits::MAX_TAG_VAL_LENGTH).collect();
    Tag::new(ERROR_TAG, value)
}

/// The rules step of a metric write (see the module docs), inside the write's transaction and
/// before anything else of it is written, so the state row is the first lock it takes.
/// `tags` are the write's own tags (a [`RULES_TAG`] among them counts).
pub(crate) fn apply(
    c: &mut dyn Conn,
    hook: &dyn RulesHook,
    run_id: &str,
    metrics: &[Metric],
    tags: &[Tag],
) -> Result<RulesOutcome> {
    let postgres = c.dialect() == Dialect::Postgres;
    let (resolved, locked) = match postgres && hinted(run_id) {
        true => match resolve_locked(c, run_id)? {
            Some(r) => (r, true),
            None => (resolve(c, run_id)?, false),
        },
        false => (resolve(c, run_id)?, false),
    };
    let requested = tags
        .iter()
        .rev()
        .find(|t| t.key == RULES_TAG)
        .map(|t| t.value.clone());
    let (name, text) = match requested {
        Some(name) if !name.is_empty() => {
            let text = ruleset_text(c, &name)?;
            (name, text)
        }
        // An empty tag in this write unsets the tag's choice: the attachment applies.
        Some(_) => match resolved.attached {
            Some(name) => (name, resolved.attached_text),
            None => return Ok(RulesOutcome::default()),
        },
        None => match (resolved.tag, resolved.attached) {
            (Some(name), _) => (name, resolved.tag_text),
            (None, Some(name)) => (name, resolved.attached_text),
            (None, None) => return Ok(RulesOutcome::default()),
        },
    };
    let Some(text) = text else {
        return Ok(RulesOutcome {
            tags: vec![error_tag(&format!("unknown ruleset {name}"))],
            clear_error: false,
            deferred: None,
        });
    };
    // SQLite: `BEGIN IMMEDIATE` already holds the only write lock, so the row `resolve` read is
    // current. PostgreSQL: the state row is locked (created empty if missing) and read again in
    // a statement of its own, which sees what a writer that held the lock before committed.
    let row = match (c.dialect(), locked) {
        (Dialect::Sqlite, _) | (Dialect::Postgres, true) => resolved.state,
        (Dialect::Postgres, false) => {
            let row = lock_state(c, run_id)?;
            remember(run_id);
            Some(row)
        }
    };
    let (stored_name, stored_text, stored_state) = row.unwrap_or((None, None, None));
    let state = stored_state.filter(|_| {
        stored_name.as_deref() == Some(name.as_str()) && stored_text.as_deref() == Some(&text)
    });
    let history = match state {
        Some(_) => Vec::new(),
        None => run_history(c, run_id)?,
    };
    let input = HookInput {
        run_id,
        ruleset: &name,
        text: &text,
        state: state.as_deref(),
        history: &history,
        metrics,
    };
    let out = match hook
        .on_metrics(&input)
        .and_then(|out| check_output(&out).map(|()| out))
    {
        Ok(out) => out,
        Err(message) => {
            return Ok(RulesOutcome {
                tags: vec![error_tag(&message)],
                clear_error: false,
                deferred: None,
            });
        }
    };
    let now = now_ms();
    // The returned tags go with the state (PostgreSQL, below) unless they must follow the
    // request's own.
    let mut deferred = None;
    if state.is_some() {
        // Same ruleset and text as stored: only the state changes (not the text again). On
        // PostgreSQL the update, with the returned tags, is not a statement of its own: it rides
        // on the write's first metrics insert as a data-modifying CTE ([`Deferred`]), so a
        // judged write makes as many round trips as an unjudged one. Unless the request sets
        // one of the returned keys itself: then the tags are upserted after the request's, as
        // below, so they still win.
        let shared = out.tags.iter().any(|t| tags.iter().any(|r| r.key == t.key));
        if postgres && !shared {
            deferred = Some(Deferred::new(run_id, out.state.clone(), now, &out.tags));
        } else {
            c.execute(
                "UPDATE rule_state SET state = $2, updated = $3 WHERE run_uuid = $1",
                &[run_id.into(), out.state.as_str().into(), Value::Int(now)],
            )?;
        }
    } else {
        // A first write, or another ruleset or text than the stored state's.
        c.execute(
            "INSERT INTO rule_state (run_uuid, ruleset, text, state, updated) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (run_uuid) DO UPDATE SET \
             ruleset = EXCLUDED.ruleset, text = EXCLUDED.text, state = EXCLUDED.state, \
             updated = EXCLUDED.updated",
            &[
                run_id.into(),
                name.as_str().into(),
                text.as_str().into(),
                out.state.as_str().into(),
                Value::Int(now),
            ],
        )?;
    }
    if !out.decisions.is_empty() {
        let last = c
            .query_opt(
                "SELECT COALESCE(MAX(seq), 0) FROM rule_decisions WHERE run_uuid = $1",
                &[run_id.into()],
            )?
            .map(|r| r.int(0))
            .transpose()?
            .unwrap_or(0);
        let rows = out
            .decisions
            .iter()
            .zip(last + 1..)
            .map(|(d, seq)| {
                vec![
                    run_id.into(),
                    Value::Int(seq),
                    name.as_str().into(),
                    (&d.rule).into(),
                    (&d.action).into(),
                    Value::Int(d.step),
                    (&d.metric).into(),
                    (&d.reason).into(),
                    Value::Int(now),
                ]
            })
            .collect();
        insert_rows(
            c,
            "INSERT INTO rule_decisions (run_uuid, seq, ruleset, rule, action, step, metric, \
             reason, timestamp)",
            "",
            rows,
        )?;
    }
    let clear_error = resolved.has_error && !out.tags.iter().any(|t| t.key == ERROR_TAG);
    Ok(RulesOutcome {
        tags: if deferred.is_some() {
            Vec::new()
        } else {
            out.tags
        },
        clear_error,
        deferred,
    })
}

fn check_ruleset_name(name: &str) -> Result<()> {
    if name.is_empty() {
        return Err(Error::invalid("A ruleset needs a non-empty name"));
    }
    if name.chars().count() > MAX_RULESET_NAME_LENGTH {
        return Err(Error::invalid(format!(
            "A ruleset name can be at most {MAX_RULESET_NAME_LENGTH} characters long"
        )));
    }
    Ok(())
}

fn no_ruleset(name: &str) -> Error {
    Error::not_found(format!("No ruleset named '{name}' exists"))
}

/// Every attachment, by ruleset name: the experiment ids in numeric order.
fn attachments(c: &mut dyn Conn) -> Result<BTreeMap<String, Vec<String>>> {
    let mut by_name: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for row in c.query(
        "SELECT ruleset, experiment_id FROM rule_attachments ORDER BY experiment_id",
        &[],
    )? {
        by_name
            .entry(row.text(0)?)
            .or_default()
            .push(row.int(1)?.to_string());
    }
    Ok(by_name)
}

impl Store {
    /// Stores a ruleset under `name`, or replaces the text of the one stored there (runs using
    /// it restart from a replay of their history at their next write). The name must be
    /// non-empty and at most 250 characters; the text at most 1 MiB. The text is stored verbatim:
    /// the store does not parse it (the hook does).
    pub fn put_ruleset(&self, name: &str, text: &str) -> Result<()> {
        check_ruleset_name(name)?;
        if text.len() > MAX_RULESET_TEXT_BYTES {
            return Err(Error::invalid(format!(
                "A ruleset text can be at most {MAX_RULESET_TEXT_BYTES} bytes long"
            )));
        }
        self.write(|c| {
            c.execute(
                "INSERT INTO rulesets (name, text, created) VALUES ($1, $2, $3) \
                 ON CONFLICT (name) DO UPDATE SET text = excluded.text",
                &[name.into(), text.into(), Value::Int(now_ms())],
            )?;
            Ok(())
        })
    }

    /// The ruleset stored under `name`, with the experiments it is attached to.
    pub fn ruleset(&self, name: &str) -> Result<Option<Ruleset>> {
        self.read(|c| {
            let Some(row) = c.query_opt(
                "SELECT name, text, created FROM rulesets WHERE name = $1",
                &[name.into()],
            )?
            else {
                return Ok(None);
            };
            let experiments = c
                .query(
                    "SELECT experiment_id FROM rule_attachments WHERE ruleset = $1 \
                     ORDER BY experiment_id",
                    &[name.into()],
                )?
                .iter()
                .map(|r| r.int(0).map(|id| id.to_string()))
                .collect::<Result<Vec<_>>>()?;
            Ok(Some(Ruleset {
                name: row.text(0)?,
                text: row.text(1)?,
                created: row.int(2)?,
                experiments,
            }))
        })
    }

    /// Every stored ruleset, sorted by name (code point order), with their experiments.
    pub fn rulesets(&self) -> Result<Vec<Ruleset>> {
        self.read(|c| {
            let mut attached = attachments(c)?;
            let mut out = c
                .query("SELECT name, text, created FROM rulesets", &[])?
                .iter()
                .map(|r| {
                    let name = r.text(0)?;
                    Ok(Ruleset {
                        experiments: attached.remove(&name).unwrap_or_default(),
                        name,
                        text: r.text(1)?,
                        created: r.int(2)?,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            out.sort_by(|a, b| a.name.cmp(&b.name));
            Ok(out)
        })
    }

    /// Attaches the ruleset `name` to an experiment: its runs without a [`RULES_TAG`] use it
    /// from their next metric write. One ruleset per experiment: attaching another replaces it.
    /// The ruleset must exist (`RESOURCE_DOES_NOT_EXIST`) and the experiment must exist and be
    /// active.
    pub fn attach_rules(&self, experiment_id: &str, name: &str) -> Result<()> {
        let exp_id = parse_experiment_id(experiment_id)?;
        self.write(|c| {
            let exp = experiment_row(c, exp_id)?;
            check_experiment_active(&exp)?;
            if ruleset_text(c, name)?.is_none() {
                return Err(no_ruleset(name));
            }
            c.execute(
                "INSERT INTO rule_attachments (experiment_id, ruleset, attached) \
                 VALUES ($1, $2, $3) ON CONFLICT (experiment_id) DO UPDATE SET \
                 ruleset = excluded.ruleset, attached = excluded.attached",
                &[Value::Int(exp_id), name.into(), Value::Int(now_ms())],
            )?;
            Ok(())
        })
    }

    /// Detaches the experiment's ruleset; `false` if none was attached. The experiment must
    /// exist (it may be deleted).
    pub fn detach_rules(&self, experiment_id: &str) -> Result<bool> {
        let exp_id = parse_experiment_id(experiment_id)?;
        self.write(|c| {
            experiment_row(c, exp_id)?;
            let n = c.execute(
                "DELETE FROM rule_attachments WHERE experiment_id = $1",
                &[Value::Int(exp_id)],
            )?;
            Ok(n > 0)
        })
    }

    /// The name of the ruleset attached to the experiment, if any. The experiment must exist.
    pub fn attached_rules(&self, experiment_id: &str) -> Result<Option<String>> {
        let exp_id = parse_experiment_id(experiment_id)?;
        self.read(|c| {
            experiment_row(c, exp_id)?;
            c.query_opt(
                "SELECT ruleset FROM rule_attachments WHERE experiment_id = $1",
                &[Value::Int(exp_id)],
            )?
            .map(|r| r.text(0))
            .transpose()
        })
    }

    /// Deletes a ruleset: `RESOURCE_DOES_NOT_EXIST` if there is none by that name,
    /// `INVALID_PARAMETER_VALUE` while it is attached to an experiment (deleted experiments
    /// included: detach it first). Runs whose [`RULES_TAG`] names it get the [`ERROR_TAG`] at
    /// their next write; their states and decisions are kept.
    pub fn delete_ruleset(&self, name: &str) -> Result<()> {
        self.write(|c| {
            if ruleset_text(c, name)?.is_none() {
                return Err(no_ruleset(name));
            }
            let used: Vec<String> = c
                .query(
                    "SELECT experiment_id FROM rule_attachments WHERE ruleset = $1 \
                     ORDER BY experiment_id",
                    &[name.into()],
                )?
                .iter()
                .map(|r| r.int(0).map(|id| id.to_string()))
                .collect::<Result<_>>()?;
            if !used.is_empty() {
                return Err(Error::invalid(format!(
                    "Ruleset '{name}' is attached to experiment(s) {}; detach it first",
                    used.join(", ")
                )));
            }
            c.execute("DELETE FROM rulesets WHERE name = $1", &[name.into()])?;
            Ok(())
        })
    }

    /// The run's decision history, ordered by `seq`. The run must exist (active or deleted).
    pub fn rule_decisions(&self, run_id: &str) -> Result<Vec<StoredDecision>> {
        self.read(|c| {
            run_info(c, run_id)?;
            c.query(
                "SELECT seq, ruleset, rule, action, step, metric, reason, timestamp \
                 FROM rule_decisions WHERE run_uuid = $1 ORDER BY seq",
                &[run_id.into()],
            )?
            .iter()
            .map(|r| {
                Ok(StoredDecision {
                    seq: r.int(0)?,
                    ruleset: r.text(1)?,
                    rule: r.text(2)?,
                    action: r.text(3)?,
                    step: r.int(4)?,
                    metric: r.text(5)?,
                    reason: r.text(6)?,
                    timestamp: r.int(7)?,
                })
            })
            .collect()
        })
    }

    /// The run's stored rules state `(ruleset, state)`, if the hook ever returned one (for tests
    /// and diagnostics). The run must exist.
    pub fn rule_state(&self, run_id: &str) -> Result<Option<(String, String)>> {
        self.read(|c| {
            run_info(c, run_id)?;
            let row = c.query_opt(
                "SELECT ruleset, state FROM rule_state WHERE run_uuid = $1",
                &[run_id.into()],
            )?;
            Ok(match row {
                Some(r) => match (r.opt_text(0)?, r.opt_text(1)?) {
                    (Some(ruleset), Some(state)) => Some((ruleset, state)),
                    _ => None,
                },
                None => None,
            })
        })
    }
}
