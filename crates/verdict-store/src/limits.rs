//! MLflow's validation limits and name rules (`mlflow/utils/validation.py` of 3.17.2), with its
//! error messages. Where MLflow's client may truncate an over-long param or tag value
//! (`MLFLOW_TRUNCATE_LONG_VALUES`), the store refuses it instead: nothing is silently shortened.

use crate::error::{Error, Result};
use crate::types::{Metric, Param, Tag};

/// MLflow's `MAX_PARAMS_TAGS_PER_BATCH` (`mlflow/utils/validation.py`).
pub const MAX_PARAMS_TAGS_PER_BATCH: usize = 100;
/// MLflow's `MAX_METRICS_PER_BATCH` (`mlflow/utils/validation.py`).
pub const MAX_METRICS_PER_BATCH: usize = 1000;
/// MLflow's `MAX_ENTITIES_PER_BATCH` (`mlflow/utils/validation.py`).
pub const MAX_ENTITIES_PER_BATCH: usize = 1000;
/// MLflow's `MAX_PARAM_VAL_LENGTH` (`mlflow/utils/validation.py`).
pub const MAX_PARAM_VAL_LENGTH: usize = 6000;
/// MLflow's `MAX_TAG_VAL_LENGTH` (`mlflow/utils/validation.py`).
pub const MAX_TAG_VAL_LENGTH: usize = 8000;
/// MLflow's `MAX_EXPERIMENT_NAME_LENGTH` (`mlflow/utils/validation.py`).
pub const MAX_EXPERIMENT_NAME_LENGTH: usize = 500;
/// MLflow's `MAX_EXPERIMENT_TAG_KEY_LENGTH` (`mlflow/utils/validation.py`).
pub const MAX_EXPERIMENT_TAG_KEY_LENGTH: usize = 250;
/// MLflow's `MAX_EXPERIMENT_TAG_VAL_LENGTH` (`mlflow/utils/validation.py`).
pub const MAX_EXPERIMENT_TAG_VAL_LENGTH: usize = 20000;
/// MLflow's `MAX_ENTITY_KEY_LENGTH` (`mlflow/utils/validation.py`).
pub const MAX_ENTITY_KEY_LENGTH: usize = 250;
/// MLflow's `MAX_MODEL_REGISTRY_TAG_KEY_LENGTH` (`mlflow/utils/validation.py`).
pub const MAX_MODEL_REGISTRY_TAG_KEY_LENGTH: usize = 250;
/// MLflow's `MAX_MODEL_REGISTRY_TAG_VALUE_LENGTH` (`mlflow/utils/validation.py`).
pub const MAX_MODEL_REGISTRY_TAG_VALUE_LENGTH: usize = 100_000;
/// MLflow's `MAX_RESULTS_PER_PAGE` (`mlflow/utils/validation.py`).
pub const MAX_RESULTS_PER_PAGE: i64 = 50000;
/// MLflow's `MAX_DATASET_NAME_SIZE` (`mlflow/utils/validation.py`).
pub const MAX_DATASET_NAME_SIZE: usize = 500;
/// MLflow's `MAX_DATASET_DIGEST_SIZE` (`mlflow/utils/validation.py`).
pub const MAX_DATASET_DIGEST_SIZE: usize = 36;
/// MLflow's `MAX_DATASET_SCHEMA_SIZE` (`mlflow/utils/validation.py`).
pub const MAX_DATASET_SCHEMA_SIZE: usize = 1_048_575;
/// MLflow's `MAX_DATASET_SOURCE_SIZE` (`mlflow/utils/validation.py`).
pub const MAX_DATASET_SOURCE_SIZE: usize = 65535;
/// MLflow's `MAX_DATASET_PROFILE_SIZE` (`mlflow/utils/validation.py`).
pub const MAX_DATASET_PROFILE_SIZE: usize = 16_777_215;
/// MLflow's `MAX_INPUT_TAG_KEY_SIZE` (`mlflow/utils/validation.py`).
pub const MAX_INPUT_TAG_KEY_SIZE: usize = 255;
/// MLflow's `MAX_INPUT_TAG_VALUE_SIZE` (`mlflow/utils/validation.py`).
pub const MAX_INPUT_TAG_VALUE_SIZE: usize = 500;
/// MLflow's `MAX_REGISTERED_MODEL_ALIAS_LENGTH` (`mlflow/utils/validation.py`).
pub const MAX_REGISTERED_MODEL_ALIAS_LENGTH: usize = 255;
/// `get_metric_history_bulk_interval`: most runs per request and most steps per run.
pub const MAX_BULK_RUN_IDS: usize = 100;
/// MLflow's `MAX_BULK_INTERVAL_RESULTS` (`mlflow/utils/validation.py`).
pub const MAX_BULK_INTERVAL_RESULTS: i64 = 2500;

/// Most clauses (joined by `AND`) in one search filter (runs, experiments, logged models,
/// registered models, model versions). MLflow has no rule of its own here: its SQL store sends
/// the filter to the database, which fails (SQLite: "Expression tree is too large (maximum depth
/// 1000)") as a 500. Verdict refuses beyond this limit with `INVALID_PARAMETER_VALUE` before any
/// SQL is built; the conformance suite runs a filter of exactly this many clauses on SQLite and
/// PostgreSQL.
pub const MAX_SEARCH_FILTER_CLAUSES: usize = 100;
/// Most `order_by` keys in one search. Each key of a runs or logged-models search is one
/// `LEFT JOIN`, and SQLite joins at most 64 tables; MLflow has no rule of its own (its SQL store
/// fails with "at most 64 tables in a join" as a 500). Tested at the limit on both backends.
pub const MAX_SEARCH_ORDER_BY_KEYS: usize = 32;

/// Refuses a filter of more than [`MAX_SEARCH_FILTER_CLAUSES`] clauses.
pub(crate) fn filter_clauses(n: usize) -> Result<()> {
    if n > MAX_SEARCH_FILTER_CLAUSES {
        return Err(Error::invalid(format!(
            "A search filter can contain at most {MAX_SEARCH_FILTER_CLAUSES} clauses joined by \
             AND. Got {n} clauses."
        )));
    }
    Ok(())
}

/// Refuses more than [`MAX_SEARCH_ORDER_BY_KEYS`] `order_by` keys.
pub(crate) fn order_by_keys(n: usize) -> Result<()> {
    if n > MAX_SEARCH_ORDER_BY_KEYS {
        return Err(Error::invalid(format!(
            "A search can order by at most {MAX_SEARCH_ORDER_BY_KEYS} order_by keys. Got {n} \
             keys."
        )));
    }
    Ok(())
}

/// Python's `json.dumps` of a string, enough for messages (quotes and backslashes escaped).
fn json_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn invalid_value(path: &str, value: &str, message: &str) -> Error {
    Error::invalid(format!(
        "Invalid value {} for parameter '{path}' supplied: {message}",
        json_str(value)
    ))
}

fn exceeds(path: &str, limit: usize) -> Error {
    Error::invalid(format!(
        "'{path}' exceeds the maximum length of {limit} characters"
    ))
}

/// `posixpath.normpath`: `.`, `..` and repeated slashes resolved lexically (exactly two leading
/// slashes are kept, as POSIX and `pathlib` keep them). The server's MLflow source checks use it too.
pub fn normpath(path: &str) -> String {
    if path.is_empty() {
        return ".".to_owned();
    }
    let leading = path.len() - path.trim_start_matches('/').len();
    // POSIX keeps exactly two leading slashes, collapses three or more to one.
    let prefix = match leading {
        0 => "",
        2 => "//",
        _ => "/",
    };
    let mut parts: Vec<&str> = Vec::new();
    for comp in path.split('/') {
        match comp {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if prefix.is_empty() {
                    parts.push("..");
                }
            }
            c => parts.push(c),
        }
    }
    let joined = format!("{prefix}{}", parts.join("/"));
    if joined.is_empty() {
        ".".to_owned()
    } else {
        joined
    }
}

/// MLflow's rule for metric, param and tag names: only alphanumerics (Unicode), `_ - . space : /`,
/// and the name must be its own normal path (no `..`, no leading `/`, no `//`, not empty).
pub fn validate_name(name: &str, path: &str) -> Result<()> {
    let ok_chars = name
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '_' | '/' | '.' | '-' | ' ' | ':'));
    if !ok_chars {
        return Err(invalid_value(
            path,
            name,
            "Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), \
             spaces ( ), colon(:) and slashes (/).",
        ));
    }
    let norm = normpath(name);
    if norm != name || norm == "." || norm.starts_with("..") || norm.starts_with('/') {
        return Err(invalid_value(
            path,
            name,
            &format!(
                "Names may be treated as files in certain cases, and must not resolve to other \
                 names when treated as such. This name would resolve to '{norm}'"
            ),
        ));
    }
    Ok(())
}

fn limit(path: &str, max: usize, value: &str) -> Result<()> {
    if value.chars().count() > max {
        return Err(exceeds(path, max));
    }
    Ok(())
}

fn join(prefix: &str, field: &str) -> String {
    if prefix.is_empty() {
        field.to_owned()
    } else {
        format!("{prefix}.{field}")
    }
}

/// MLflow's metric rules (key name and length, a non-negative timestamp, dataset name and digest
/// lengths); `path` names the item in the message.
pub fn validate_metric(m: &Metric, path: &str) -> Result<()> {
    validate_name(&m.key, &join(path, "name"))?;
    if m.timestamp < 0 {
        return Err(Error::invalid(format!(
            "Invalid value {} for parameter '{}' supplied: metric '{}' (value={}). Timestamp must \
             be a nonnegative long (64-bit integer) ",
            m.timestamp,
            join(path, "timestamp"),
            m.key,
            m.value
        )));
    }
    limit("Metric name", MAX_ENTITY_KEY_LENGTH, &m.key)?;
    if let Some(name) = &m.dataset_name {
        limit("dataset_name", MAX_DATASET_NAME_SIZE, name)?;
    }
    if let Some(digest) = &m.dataset_digest {
        limit("dataset_digest", MAX_DATASET_DIGEST_SIZE, digest)?;
    }
    Ok(())
}

/// MLflow's param rules (key name and lengths); `path` names the item in the message.
pub fn validate_param(p: &Param, path: &str) -> Result<()> {
    validate_name(&p.key, &join(path, "key"))?;
    limit("Param key", MAX_ENTITY_KEY_LENGTH, &p.key)?;
    limit("Param value", MAX_PARAM_VAL_LENGTH, &p.value)
}

/// MLflow's run tag rules (key name and lengths); `path` names the item in the message.
pub fn validate_tag(t: &Tag, path: &str) -> Result<()> {
    validate_name(&t.key, &join(path, "key"))?;
    limit(&join(path, "key"), MAX_ENTITY_KEY_LENGTH, &t.key)?;
    limit(&join(path, "value"), MAX_TAG_VAL_LENGTH, &t.value)
}

/// MLflow's experiment tag rules (key name and lengths), with its message.
pub fn validate_experiment_tag(t: &Tag) -> Result<()> {
    validate_name(&t.key, "key")?;
    limit("key", MAX_EXPERIMENT_TAG_KEY_LENGTH, &t.key)?;
    limit("value", MAX_EXPERIMENT_TAG_VAL_LENGTH, &t.value)
}

/// MLflow's registry tag rules (key name and lengths), with its message.
pub fn validate_registry_tag(t: &Tag) -> Result<()> {
    validate_name(&t.key, "key")?;
    limit("key", MAX_MODEL_REGISTRY_TAG_KEY_LENGTH, &t.key)?;
    limit("value", MAX_MODEL_REGISTRY_TAG_VALUE_LENGTH, &t.value)
}

/// MLflow's experiment-name rule (length), with its message.
pub fn validate_experiment_name(name: &str) -> Result<()> {
    if name.is_empty() {
        return Err(Error::invalid(format!("Invalid experiment name: '{name}'")));
    }
    limit("name", MAX_EXPERIMENT_NAME_LENGTH, name)
}

fn batch_limit(entity: &str, max: usize, len: usize) -> Result<()> {
    if len > max {
        return Err(Error::invalid(format!(
            "A batch logging request can contain at most {max} {entity}. Got {len} {entity}. \
             Please split up {entity} across multiple requests and try again."
        )));
    }
    Ok(())
}

/// MLflow's per-request size limits of a batch (`_validate_batch_log_limits`: ≤ 1000 metrics,
/// ≤ 100 params, ≤ 100 tags, ≤ 1000 in all), checked before its records ([`validate_records`]).
pub fn validate_batch_size(metrics: &[Metric], params: &[Param], tags: &[Tag]) -> Result<()> {
    batch_limit("metrics", MAX_METRICS_PER_BATCH, metrics.len())?;
    batch_limit("params", MAX_PARAMS_TAGS_PER_BATCH, params.len())?;
    batch_limit("tags", MAX_PARAMS_TAGS_PER_BATCH, tags.len())?;
    batch_limit(
        "metrics, params, and tags",
        MAX_ENTITIES_PER_BATCH,
        metrics.len() + params.len() + tags.len(),
    )
}

/// Every record of a write (`_validate_batch_log_data`, plus duplicate param keys), without the
/// batch-size limits (those belong to MLflow's REST protocol, not to the store): what
/// [`crate::Store::log_records`] applies, and [`crate::Store::log_batch`] after
/// [`validate_batch_size`].
pub fn validate_records(metrics: &[Metric], params: &[Param], tags: &[Tag]) -> Result<()> {
    for (i, m) in metrics.iter().enumerate() {
        validate_metric(m, &format!("metrics[{i}]"))?;
    }
    for (i, p) in params.iter().enumerate() {
        validate_param(p, &format!("params[{i}]"))?;
    }
    for (i, t) in tags.iter().enumerate() {
        validate_tag(t, &format!("tags[{i}]"))?;
    }
    let mut seen = std::collections::BTreeSet::new();
    let mut dupes = Vec::new();
    for p in params {
        if !seen.insert(p.key.as_str()) {
            dupes.push(format!("'{}'", p.key));
        }
    }
    if !dupes.is_empty() {
        return Err(Error::invalid(format!(
            "Duplicate parameter keys have been submitted: [{}]. Please ensure the request \
             contains only one param value per param key.",
            dupes.join(", ")
        )));
    }
    Ok(())
}

/// Checks `max_results` of a search: 1..=max, with 0 meaning `default`.
pub(crate) fn page_size(max_results: i64, default: i64, max: i64) -> Result<i64> {
    if max_results == 0 {
        return Ok(default);
    }
    if max_results < 0 || max_results > max {
        return Err(Error::invalid(format!(
            "Invalid value {max_results} for parameter 'max_results' supplied. It must be at \
             most {max}, and at least 1"
        )));
    }
    Ok(max_results)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normpath_matches_python() {
        // Values of posixpath.normpath (CPython docs semantics).
        for (input, want) in [
            ("a", "a"),
            ("a/b", "a/b"),
            ("a//b", "a/b"),
            ("a/./b", "a/b"),
            ("a/b/..", "a"),
            ("../a", "../a"),
            ("/a", "/a"),
            ("//a", "//a"),
            ("///a", "/a"),
            ("a/", "a"),
            ("", "."),
            (".", "."),
        ] {
            assert_eq!(normpath(input), want, "{input}");
        }
    }

    #[test]
    fn names() {
        assert!(validate_name("val loss/epoch:1", "key").is_ok());
        assert!(validate_name("ünïcode_1", "key").is_ok());
        for bad in ["", "a//b", "../x", "/abs", "a/", "x?y", "./a"] {
            assert!(validate_name(bad, "key").is_err(), "{bad}");
        }
    }
}
