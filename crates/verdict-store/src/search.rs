//! search_runs: MLflow's filter and order_by turned into one SQL query that returns the page's
//! run ids (filters are `EXISTS` probes on the primary keys of `latest_metrics`, `params`, `tags`;
//! each order_by key is one `LEFT JOIN`), then the page hydrated with one query per child table
//! (`runs::load_runs`). A page therefore costs a fixed handful of queries, whatever its size.
//!
//! Semantics match MLflow's in-memory `SearchUtils.filter`/`SearchUtils.sort` (what the
//! conformance fixtures were generated with): a clause on a missing metric/param/tag/attribute
//! is false; metric comparisons follow IEEE (a NaN latest value only satisfies `!=`); in
//! `order_by`, runs with a NaN value come after every number and runs without the key come
//! last, in both directions; string order is by code point (`COLLATE "C"` on PostgreSQL).

use crate::db::{Dialect, Value};
use crate::error::{Error, Result};
use crate::experiments::parse_experiment_id;
use crate::filter::{self, Clause, Entity, Lit, Op, OrderBy};
use crate::limits;
use crate::store::Store;
use crate::token;
use crate::types::{Page, Run, RunQuery, ViewType};

/// SQL text with its bound parameters, numbered as they are added.
pub(crate) struct SqlBuilder {
    pub(crate) sql: String,
    pub(crate) params: Vec<Value>,
}

impl SqlBuilder {
    pub(crate) fn new(sql: &str) -> SqlBuilder {
        SqlBuilder {
            sql: sql.to_owned(),
            params: Vec::new(),
        }
    }

    /// Adds a parameter and returns its placeholder.
    pub(crate) fn bind(&mut self, v: Value) -> String {
        self.params.push(v);
        format!("${}", self.params.len())
    }

    /// A numeric parameter compared with an integer or float column (typed for PostgreSQL).
    pub(crate) fn bind_num(&mut self, v: f64) -> String {
        let p = self.bind(Value::Real(v));
        format!("CAST({p} AS DOUBLE PRECISION)")
    }
}

/// `col LIKE p` (case-sensitive) or the case-insensitive ILIKE, the same on both backends: `%`
/// and `_` are the only special characters and there is no escape character (MLflow's
/// `_convert_like_pattern_to_regex`; PostgreSQL's default backslash escape is switched off with
/// `ESCAPE ''`, SQLite has none by default and `case_sensitive_like` is on).
pub(crate) fn like_sql(col: &str, op: Op, param: &str, dialect: Dialect) -> String {
    let escape = match dialect {
        Dialect::Sqlite => "",
        Dialect::Postgres => " ESCAPE ''",
    };
    match op {
        Op::ILike => format!("LOWER({col}) LIKE LOWER({param}){escape}"),
        _ => format!("{col} LIKE {param}{escape}"),
    }
}

/// `ORDER BY` terms for `col` with NULLs last in both directions.
pub(crate) fn order_nulls_last(col: &str, ascending: bool) -> String {
    format!(
        "({col} IS NULL), {col} {}",
        if ascending { "ASC" } else { "DESC" }
    )
}

/// A text column in code-point order.
pub(crate) fn text_order(col: &str, dialect: Dialect) -> String {
    match dialect {
        Dialect::Sqlite => col.to_owned(),
        Dialect::Postgres => format!("{col} COLLATE \"C\""),
    }
}

/// A string comparison `col <op> value` for `=`, `!=`, LIKE, ILIKE, IN, NOT IN.
pub(crate) fn string_cond(
    b: &mut SqlBuilder,
    col: &str,
    op: Op,
    value: &Lit,
    dialect: Dialect,
) -> Result<String> {
    Ok(match (op, value) {
        (Op::Like | Op::ILike, Lit::Str(s)) => {
            let p = b.bind(s.clone().into());
            like_sql(col, op, &p, dialect)
        }
        (Op::Eq | Op::Ne, Lit::Str(s)) => {
            let p = b.bind(s.clone().into());
            format!("{col} {} {p}", op.sql())
        }
        (Op::In | Op::NotIn, Lit::List(items)) => {
            let ps: Vec<String> = items.iter().map(|s| b.bind(s.clone().into())).collect();
            format!("{col} {} ({})", op.sql(), ps.join(", "))
        }
        _ => {
            return Err(Error::invalid(format!(
                "Invalid comparator '{}' for a string value",
                op.sql()
            )));
        }
    })
}

/// A numeric comparison `col <op> value`.
pub(crate) fn number_cond(b: &mut SqlBuilder, col: &str, op: Op, value: &Lit) -> Result<String> {
    match (op, value) {
        (Op::Eq | Op::Ne | Op::Gt | Op::Ge | Op::Lt | Op::Le, Lit::Num(n)) => {
            let p = b.bind_num(*n);
            Ok(format!("{col} {} {p}", op.sql()))
        }
        _ => Err(Error::invalid(format!(
            "Invalid comparator '{}' for a numeric value",
            op.sql()
        ))),
    }
}

/// A comparison on a metric row `m` (`m.value`, `m.is_nan`), IEEE semantics for NaN.
pub(crate) fn metric_cond(b: &mut SqlBuilder, alias: &str, op: Op, value: &Lit) -> Result<String> {
    let cmp = number_cond(b, &format!("{alias}.value"), op, value)?;
    Ok(if op == Op::Ne {
        format!("({alias}.is_nan = 1 OR {cmp})")
    } else {
        format!("({alias}.is_nan = 0 AND {cmp})")
    })
}

fn run_attr_column(key: &str) -> Result<&'static str> {
    Ok(match key {
        "run_id" => "r.run_uuid",
        "run_name" => "r.name",
        "status" => "r.status",
        "user_id" => "r.user_id",
        "artifact_uri" => "r.artifact_uri",
        "start_time" => "r.start_time",
        "end_time" => "r.end_time",
        other => {
            return Err(Error::invalid(format!(
                "Invalid attribute key '{other}' specified."
            )));
        }
    })
}

fn is_numeric_attr(key: &str) -> bool {
    matches!(key, "start_time" | "end_time")
}

fn run_clause(b: &mut SqlBuilder, cl: &Clause, dialect: Dialect) -> Result<String> {
    Ok(match cl.entity {
        Entity::Metric => {
            let k = b.bind(cl.key.clone().into());
            let cond = metric_cond(b, "m", cl.op, &cl.value)?;
            format!(
                "EXISTS (SELECT 1 FROM latest_metrics m WHERE m.run_uuid = r.run_uuid \
                 AND m.key = {k} AND {cond})"
            )
        }
        Entity::Param | Entity::Tag => {
            let table = if cl.entity == Entity::Param {
                "params"
            } else {
                "tags"
            };
            let k = b.bind(cl.key.clone().into());
            match cl.op {
                Op::IsNull => format!(
                    "NOT EXISTS (SELECT 1 FROM {table} p WHERE p.run_uuid = r.run_uuid AND p.key = {k})"
                ),
                Op::IsNotNull => format!(
                    "EXISTS (SELECT 1 FROM {table} p WHERE p.run_uuid = r.run_uuid AND p.key = {k})"
                ),
                _ => {
                    let cond = string_cond(b, "p.value", cl.op, &cl.value, dialect)?;
                    format!(
                        "EXISTS (SELECT 1 FROM {table} p WHERE p.run_uuid = r.run_uuid \
                         AND p.key = {k} AND {cond})"
                    )
                }
            }
        }
        Entity::Attribute => {
            let col = run_attr_column(&cl.key)?;
            if is_numeric_attr(&cl.key) {
                number_cond(b, col, cl.op, &cl.value)?
            } else {
                string_cond(b, col, cl.op, &cl.value, dialect)?
            }
        }
        Entity::Dataset => {
            if cl.key == "context" {
                let cond = string_cond(b, "it.value", cl.op, &cl.value, dialect)?;
                format!(
                    "EXISTS (SELECT 1 FROM run_input_tags it WHERE it.run_uuid = r.run_uuid \
                     AND it.key = 'mlflow.data.context' AND {cond})"
                )
            } else {
                let col = if cl.key == "name" {
                    "d.name"
                } else {
                    "d.digest"
                };
                let cond = string_cond(b, col, cl.op, &cl.value, dialect)?;
                format!(
                    "EXISTS (SELECT 1 FROM run_inputs i JOIN datasets d ON d.dataset_uuid = \
                     i.dataset_uuid WHERE i.run_uuid = r.run_uuid AND {cond})"
                )
            }
        }
    })
}

/// The joins and ORDER BY terms for one order_by item (alias `o{n}`).
fn run_order(
    b: &mut SqlBuilder,
    joins: &mut String,
    n: usize,
    o: &OrderBy,
    dialect: Dialect,
) -> Result<Vec<String>> {
    let dir = if o.ascending { "ASC" } else { "DESC" };
    let alias = format!("o{n}");
    Ok(match o.entity {
        Entity::Metric => {
            let k = b.bind(o.key.clone().into());
            joins.push_str(&format!(
                " LEFT JOIN latest_metrics {alias} ON {alias}.run_uuid = r.run_uuid AND {alias}.key = {k}"
            ));
            // Numbers first, then NaN, then runs without the metric (MLflow's sort key).
            vec![
                format!(
                    "CASE WHEN {alias}.run_uuid IS NULL THEN 2 WHEN {alias}.is_nan = 1 THEN 1 ELSE 0 END"
                ),
                format!("{alias}.value {dir}"),
            ]
        }
        Entity::Param | Entity::Tag => {
            let table = if o.entity == Entity::Param {
                "params"
            } else {
                "tags"
            };
            let k = b.bind(o.key.clone().into());
            joins.push_str(&format!(
                " LEFT JOIN {table} {alias} ON {alias}.run_uuid = r.run_uuid AND {alias}.key = {k}"
            ));
            vec![
                format!("({alias}.value IS NULL)"),
                format!("{} {dir}", text_order(&format!("{alias}.value"), dialect)),
            ]
        }
        Entity::Attribute => {
            let col = run_attr_column(&o.key)?;
            let sort_col = if is_numeric_attr(&o.key) {
                col.to_owned()
            } else {
                text_order(col, dialect)
            };
            vec![format!("({col} IS NULL)"), format!("{sort_col} {dir}")]
        }
        Entity::Dataset => return Err(Error::invalid("Invalid order_by entity type 'dataset'")),
    })
}

/// What every entity search starts from: the page offset, the filter's clauses, the order_by
/// clauses and the experiment ids, parsed with one grammar.
pub(crate) struct Parsed {
    pub(crate) offset: u64,
    pub(crate) clauses: Vec<Clause>,
    pub(crate) orders: Vec<OrderBy>,
    pub(crate) exp_ids: Vec<i64>,
}

/// Parses the common parts of a search (runs, logged models); `None` when no experiment was
/// named, where the answer is an empty page. Errors as MLflow's: a bad token, filter, order_by
/// or experiment id is `INVALID_PARAMETER_VALUE`.
pub(crate) fn parse_search(
    filter_text: &str,
    order_by: &[String],
    experiment_ids: &[String],
    page_token: Option<&str>,
    grammar: &filter::Grammar,
) -> Result<Option<Parsed>> {
    let offset = token::decode(page_token)?;
    let clauses = filter::parse(filter_text, grammar)?;
    limits::order_by_keys(order_by.len())?;
    let orders = order_by
        .iter()
        .map(|o| filter::parse_order_by(o, grammar))
        .collect::<Result<Vec<_>>>()?;
    let exp_ids = experiment_ids
        .iter()
        .map(|e| parse_experiment_id(e))
        .collect::<Result<Vec<_>>>()?;
    Ok((!exp_ids.is_empty()).then_some(Parsed {
        offset,
        clauses,
        orders,
        exp_ids,
    }))
}

impl Store {
    /// MLflow `SearchRuns`: runs of the given experiments matching `filter`, ordered by
    /// `order_by` then `start_time DESC, run_id ASC`, one page of at most `max_results`
    /// (default 1000, at most 50000).
    pub fn search_runs(&self, query: &RunQuery) -> Result<Page<Run>> {
        let limit = limits::page_size(query.max_results, 1000, limits::MAX_RESULTS_PER_PAGE)?;
        let Some(Parsed {
            offset,
            clauses,
            orders,
            exp_ids,
        }) = parse_search(
            &query.filter,
            &query.order_by,
            &query.experiment_ids,
            query.page_token.as_deref(),
            &filter::RUNS,
        )?
        else {
            return Ok(Page::empty());
        };
        let dialect = self.dialect();
        let mut b = SqlBuilder::new("");
        let mut joins = String::new();
        let mut order_terms = Vec::new();
        for (n, o) in orders.iter().enumerate() {
            order_terms.extend(run_order(&mut b, &mut joins, n, o, dialect)?);
        }
        let exps: Vec<String> = exp_ids.iter().map(|e| b.bind(Value::Int(*e))).collect();
        let mut wheres = vec![format!("r.experiment_id IN ({})", exps.join(", "))];
        match query.view {
            ViewType::ActiveOnly => wheres.push("r.lifecycle_stage = 'active'".to_owned()),
            ViewType::DeletedOnly => wheres.push("r.lifecycle_stage = 'deleted'".to_owned()),
            ViewType::All => {}
        }
        for cl in &clauses {
            wheres.push(run_clause(&mut b, cl, dialect)?);
        }
        order_terms.push("(r.start_time IS NULL)".to_owned());
        order_terms.push("r.start_time DESC".to_owned());
        order_terms.push(text_order("r.run_uuid", dialect) + " ASC");
        let lim = b.bind(Value::Int(limit + 1));
        let off = b.bind(Value::Int(i64::try_from(offset).unwrap_or(i64::MAX)));
        b.sql = format!(
            "SELECT r.run_uuid FROM runs r{joins} WHERE {} ORDER BY {} LIMIT {lim} OFFSET {off}",
            wheres.join(" AND "),
            order_terms.join(", ")
        );
        self.read(|c| {
            let rows = c.query(&b.sql, &b.params)?;
            let has_more = rows.len() as i64 > limit;
            let ids: Vec<String> = rows
                .iter()
                .take(usize::try_from(limit).unwrap_or(usize::MAX))
                .map(|r| r.text(0))
                .collect::<Result<_>>()?;
            let items = crate::runs::load_runs(c, &ids)?;
            Ok(Page {
                next_page_token: token::next(offset, items.len(), has_more),
                items,
            })
        })
    }
}
