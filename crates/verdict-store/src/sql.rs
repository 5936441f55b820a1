//! SQL text built at run time, in one place: placeholder lists, the one multi-row `INSERT`
//! builder, and the rows of key/value child tables.
//!
//! Every statement that writes several rows of one table (params, tags, metric points, inputs,
//! outputs, imported models and versions) goes through [`insert_rows`], so the rules below hold
//! for all of them and are written once:
//! - placeholders are PostgreSQL's `$1, $2, …` (the SQLite connection rewrites them, see `db`);
//! - a statement never binds more than [`MAX_BIND_PARAMS`] values (SQLite's default
//!   `SQLITE_MAX_VARIABLE_NUMBER` since 3.32 is 32766; PostgreSQL's wire protocol allows 65535),
//!   and holds at most [`INSERT_CHUNK`] rows, so long batches become several statements inside
//!   the caller's transaction;
//! - the caller's `ON CONFLICT …` tail goes after every chunk. With `DO UPDATE`, PostgreSQL
//!   refuses to touch the same row twice in one statement, so such callers pass one row per key
//!   ([`kv_rows`] builds those).

use std::collections::BTreeMap;

use crate::db::{Conn, Value};
use crate::error::{Error, Result};
use crate::types::Tag;

/// Values per `IN (…)` list of a query that reads many keys or ids (one statement per chunk).
pub(crate) const IN_CHUNK: usize = 500;
/// Rows per multi-row `INSERT` statement.
pub(crate) const INSERT_CHUNK: usize = 200;
/// Bound values per statement: SQLite's default limit, the lower of the two backends.
pub(crate) const MAX_BIND_PARAMS: usize = 32766;

/// `$start, $start+1, …` (n placeholders).
pub(crate) fn placeholders(start: usize, n: usize) -> String {
    let mut s = String::with_capacity(n * 4);
    for i in 0..n {
        if i > 0 {
            s.push_str(", ");
        }
        s.push('$');
        s.push_str(&(start + i).to_string());
    }
    s
}

/// The one multi-row insert: `<head> VALUES ($1, …), ($k, …), … <tail>`, in chunks of at most
/// [`INSERT_CHUNK`] rows and [`MAX_BIND_PARAMS`] values, run inside the caller's transaction.
///
/// `head` is `INSERT INTO table (col, …)`, `tail` the conflict clause (`ON CONFLICT (…) DO
/// NOTHING` or `DO UPDATE …`, possibly empty). Every row must have as many values as the first.
/// Returns the rows changed, as the backends count them (inserted, plus updated for `DO UPDATE`).
/// No rows: no statement, 0.
pub(crate) fn insert_rows(
    c: &mut dyn Conn,
    head: &str,
    tail: &str,
    rows: Vec<Vec<Value>>,
) -> Result<u64> {
    insert_rows_with(c, None, head, tail, rows)
}

/// [`insert_rows`] whose first statement starts with `prefix` (a `WITH …` clause whose
/// placeholders are `$1…$n`, with its values): the rows' placeholders follow the prefix's. The
/// prefix counts toward the first statement's bind limit. With no rows, nothing runs (the
/// caller must not pass a prefix it needs run).
pub(crate) fn insert_rows_with(
    c: &mut dyn Conn,
    prefix: Option<(String, Vec<Value>)>,
    head: &str,
    tail: &str,
    rows: Vec<Vec<Value>>,
) -> Result<u64> {
    let Some(ncols) = rows.first().map(Vec::len) else {
        return Ok(0);
    };
    if ncols == 0 || rows.iter().any(|r| r.len() != ncols) {
        return Err(Error::db(format!(
            "{head}: every row needs the same non-zero number of values"
        )));
    }
    let per_statement = INSERT_CHUNK.min(MAX_BIND_PARAMS / ncols).max(1);
    let row_sql = |first: usize| format!("({})", placeholders(first, ncols));
    let mut changed = 0;
    let mut rows = rows.into_iter().peekable();
    let mut prefix = prefix;
    while rows.peek().is_some() {
        let mut sql = String::with_capacity(head.len() + tail.len() + per_statement * ncols * 6);
        let mut params = Vec::with_capacity(per_statement * ncols);
        let mut take = per_statement;
        if let Some((with, values)) = prefix.take() {
            sql.push_str(&with);
            sql.push(' ');
            take = take.min((MAX_BIND_PARAMS.saturating_sub(values.len()) / ncols).max(1));
            params.extend(values);
        }
        sql.push_str(head);
        sql.push_str(" VALUES ");
        for (i, row) in rows.by_ref().take(take).enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&row_sql(params.len() + 1));
            params.extend(row);
        }
        if !tail.is_empty() {
            sql.push(' ');
            sql.push_str(tail);
        }
        changed += c.execute(&sql, &params)?;
    }
    Ok(changed)
}

/// Rows `owner…, key, value` of a key/value child table (tags, params), one per key, the last
/// value of a key winning, in key order (so concurrent writers lock rows in the same order).
pub(crate) fn kv_rows<'a>(
    owner: &[Value],
    pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Vec<Vec<Value>> {
    let by_key: BTreeMap<&str, &str> = pairs.into_iter().collect();
    by_key
        .into_iter()
        .map(|(k, v)| {
            let mut row = owner.to_vec();
            row.push(k.into());
            row.push(v.into());
            row
        })
        .collect()
}

/// Sets (inserts or replaces) tags of one owner in a tag table whose key is `(owner_columns…,
/// key)`: one row per key, the last value of a key winning, through [`insert_rows`].
/// `owner_columns` is the column list (`"name, version"`), `owner` their values.
pub(crate) fn upsert_tags(
    c: &mut dyn Conn,
    table: &str,
    owner_columns: &str,
    owner: &[Value],
    tags: &[Tag],
) -> Result<()> {
    insert_rows(
        c,
        &format!("INSERT INTO {table} ({owner_columns}, key, value)"),
        &format!("ON CONFLICT ({owner_columns}, key) DO UPDATE SET value = excluded.value"),
        kv_rows(
            owner,
            tags.iter().map(|t| (t.key.as_str(), t.value.as_str())),
        ),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_count_from_start() {
        assert_eq!(placeholders(3, 3), "$3, $4, $5");
        assert_eq!(placeholders(1, 0), "");
    }

    #[test]
    fn kv_rows_keep_the_last_value_of_a_key_in_key_order() {
        let rows = kv_rows(&[Value::Int(7)], [("b", "1"), ("a", "2"), ("b", "3")]);
        assert_eq!(
            rows,
            vec![
                vec![Value::Int(7), "a".into(), "2".into()],
                vec![Value::Int(7), "b".into(), "3".into()],
            ]
        );
    }
}
